/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
/*
 * For the black-box tests that run on both implementations of the public
 * API: this project's lib/zsmalloc.c (libzsmalloc) and the kernel's own
 * mm/zsmalloc.c (libzsmalloc-linux, linuxzs/).  CTest sets
 * ZSMALLOC_TEST_IMPL=linux for the copies labelled "linux".  The kernel's
 * file has one set of policies compiled in (Linux 6.12: those of
 * ZS_PRESET_NEWEST; Linux 6.1: those of ZS_PRESET_LINUX_4_8, given as
 * ZSMALLOC_TEST_KERNEL_PRESET=4.8), so a case that needs another pool
 * config is skipped there, saying so.
 */
#ifndef ZSMALLOC_IMPL_HELPERS_H
#define ZSMALLOC_IMPL_HELPERS_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zsmalloc/zsmalloc.h>

static inline bool test_impl_linux(void)
{
	const char *impl = getenv("ZSMALLOC_TEST_IMPL");

	return impl && !strncmp(impl, "linux", 5);
}

/* The preset whose policies the kernel's file has: 6.18 (6.12) or 4.8 (6.1). */
static inline enum zs_preset test_kernel_preset(void)
{
	const char *p = getenv("ZSMALLOC_TEST_KERNEL_PRESET");

	return p && !strcmp(p, "4.8") ? ZS_PRESET_LINUX_4_8 : ZS_PRESET_NEWEST;
}

/* Does the implementation under test lack the policies @cfg asks for? */
static inline bool test_config_unsupported(const struct zs_pool_config *cfg)
{
	struct zs_pool_config k;

	if (!test_impl_linux())
		return false;
	zs_pool_config_init(&k, test_kernel_preset());
	return cfg->chain_size != k.chain_size || cfg->page_rule != k.page_rule ||
	       cfg->fullness != k.fullness || cfg->compaction != k.compaction ||
	       cfg->list_order != k.list_order || cfg->growth != k.growth;
}

/* Skip the running test (cmocka's skip()) if @cfg is not implemented. */
#define TEST_SKIP_UNSUPPORTED(cfg) do {					\
	if (test_config_unsupported(cfg)) {				\
		printf("# the kernel's mm/zsmalloc.c has its own policies; "	\
		       "this pool config is skipped\n");		\
		skip();							\
	}								\
} while (0)

/* Skip a case that tests this project's own misuse checks. */
#define TEST_SKIP_ON_LINUX(why) do {					\
	if (test_impl_linux()) {					\
		printf("# not on the kernel's mm/zsmalloc.c: %s\n", why);	\
		skip();							\
	}								\
} while (0)

#endif /* ZSMALLOC_IMPL_HELPERS_H */
