/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
/* Shared by lib/zsmalloc.c and linuxzs/adapter.c; see lib/zs_config.c. */
#ifndef ZSMALLOC_LIB_ZS_CONFIG_H
#define ZSMALLOC_LIB_ZS_CONFIG_H

#include <zsmalloc/zsmalloc.h>

/* @cfg's growth, ZS_GROW_WHOLE for a config of the size before growth. */
enum zs_growth zs_pool_config_growth(const struct zs_pool_config *cfg);

#endif
