/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _ZS_MALLOC_H_
#define _ZS_MALLOC_H_

/* In the simulator the kernel header is the library's public one. */
#include <linux/types.h>
#include <zsmalloc/zsmalloc.h>

#endif
