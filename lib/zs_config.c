// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Pool configs: the presets and the range checks of struct
 * zs_pool_config.  One file for both implementations of the public API,
 * lib/zsmalloc.c and the adapter over the kernel's own mm/zsmalloc.c
 * (linuxzs/adapter.c), so that both accept and reject the same configs
 * with the same messages; what a kernel's file cannot do on top of a
 * valid config is the adapter's to say.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/errno.h>
#include <zsmalloc/zsmalloc.h>

#include "zs_config.h"

void zs_pool_config_init(struct zs_pool_config *cfg, enum zs_preset preset)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->size = sizeof(*cfg);
	cfg->growth = ZS_GROW_WHOLE;
	if (preset == ZS_PRESET_LINUX_4_8) {
		cfg->chain_size = 4;
		cfg->page_rule = ZS_PAGES_MAX_USED_PERCENT;
		cfg->fullness = ZS_FULLNESS_QUARTERS;
		cfg->compaction = ZS_COMPACT_DRAIN_SOURCE;
		cfg->list_order = ZS_LIST_BY_INUSE;
	} else if (preset == ZS_PRESET_DENSE) {
		/* 6.18's policies on long chains that grow page by page */
		cfg->chain_size = ZS_MAX_CHAIN_SIZE;
		cfg->page_rule = ZS_PAGES_MIN_WASTE;
		cfg->fullness = ZS_FULLNESS_RATIOS;
		cfg->compaction = ZS_COMPACT_EMPTY_TAILS;
		cfg->list_order = ZS_LIST_HEAD;
		cfg->growth = ZS_GROW_BY_PAGE;
	} else {
		/* ZS_PRESET_LINUX_6_18 */
		cfg->chain_size = CONFIG_ZSMALLOC_CHAIN_SIZE;
		cfg->page_rule = ZS_PAGES_MIN_WASTE;
		cfg->fullness = ZS_FULLNESS_RATIOS;
		cfg->compaction = ZS_COMPACT_FILL_DESTINATION;
		cfg->list_order = ZS_LIST_HEAD;
	}
}
EXPORT_SYMBOL_GPL(zs_pool_config_init);

/* The size of struct zs_pool_config before growth was appended. */
#define ZS_POOL_CONFIG_SIZE_0	offsetof(struct zs_pool_config, growth)

/* A config of the first size has no growth member: whole zspages. */
enum zs_growth zs_pool_config_growth(const struct zs_pool_config *cfg)
{
	return cfg->size > ZS_POOL_CONFIG_SIZE_0 ? cfg->growth : ZS_GROW_WHOLE;
}

/*
 * Every combination of page rule, fullness scheme, compaction policy,
 * list order and growth works: the compaction policies take their source and
 * destination through isolate_src_zspage()/isolate_dst_zspage(), which
 * know both group layouts, and the list order only decides where
 * insert_zspage() puts a zspage.  So only each knob's range is checked.
 */
int zs_pool_config_check(const struct zs_pool_config *cfg)
{
	if (!cfg) {
		pr_err("zsmalloc: no pool config given\n");
		return -EINVAL;
	}
	if (cfg->size != sizeof(*cfg) && cfg->size != ZS_POOL_CONFIG_SIZE_0) {
		pr_err("zsmalloc: zs_pool_config.size is %u, expected %zu (sizeof(struct zs_pool_config)): fill the config with zs_pool_config_init()\n",
		       cfg->size, sizeof(*cfg));
		return -EINVAL;
	}
	if (cfg->chain_size < 1 || cfg->chain_size > ZS_MAX_CHAIN_SIZE) {
		pr_err("zsmalloc: zs_pool_config.chain_size %u is outside 1..%u\n",
		       cfg->chain_size, ZS_MAX_CHAIN_SIZE);
		return -EINVAL;
	}
	if (cfg->page_rule != ZS_PAGES_MAX_USED_PERCENT &&
	    cfg->page_rule != ZS_PAGES_MIN_WASTE) {
		pr_err("zsmalloc: zs_pool_config.page_rule %d is not ZS_PAGES_MAX_USED_PERCENT or ZS_PAGES_MIN_WASTE\n",
		       (int)cfg->page_rule);
		return -EINVAL;
	}
	if (cfg->fullness != ZS_FULLNESS_QUARTERS &&
	    cfg->fullness != ZS_FULLNESS_RATIOS) {
		pr_err("zsmalloc: zs_pool_config.fullness %d is not ZS_FULLNESS_QUARTERS or ZS_FULLNESS_RATIOS\n",
		       (int)cfg->fullness);
		return -EINVAL;
	}
	if (cfg->compaction != ZS_COMPACT_DRAIN_SOURCE &&
	    cfg->compaction != ZS_COMPACT_FILL_DESTINATION &&
	    cfg->compaction != ZS_COMPACT_EMPTY_TAILS) {
		pr_err("zsmalloc: zs_pool_config.compaction %d is not ZS_COMPACT_DRAIN_SOURCE, ZS_COMPACT_FILL_DESTINATION or ZS_COMPACT_EMPTY_TAILS\n",
		       (int)cfg->compaction);
		return -EINVAL;
	}
	if (cfg->list_order != ZS_LIST_BY_INUSE &&
	    cfg->list_order != ZS_LIST_HEAD) {
		pr_err("zsmalloc: zs_pool_config.list_order %d is not ZS_LIST_BY_INUSE or ZS_LIST_HEAD\n",
		       (int)cfg->list_order);
		return -EINVAL;
	}
	if (zs_pool_config_growth(cfg) != ZS_GROW_WHOLE &&
	    zs_pool_config_growth(cfg) != ZS_GROW_BY_PAGE) {
		pr_err("zsmalloc: zs_pool_config.growth %d is not ZS_GROW_WHOLE or ZS_GROW_BY_PAGE\n",
		       (int)cfg->growth);
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(zs_pool_config_check);
