// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * The pool options, one table fragment that every subcommand building a
 * pool puts in its option list.  A new pool knob is one line here (and,
 * for a new kind of value, one hook).
 */
#include <stddef.h>
#include <string.h>

#include "zsim_cli.h"

void pool_opts_init(struct pool_opts *po)
{
	/* a kernel variant's zsim starts from the policies its file has */
	zs_pool_config_init(&po->cfg, ZSIM_DEFAULT_PRESET);
	po->preset = ZSIM_DEFAULT_PRESET;
	po->preset_name = ZSIM_DEFAULT_PRESET == ZS_PRESET_LINUX_4_8 ? "4.8" : "6.18";
}

static int set_preset(void *ctx, const struct opt *o, const char *val)
{
	struct pool_opts *po = ctx;

	(void)o;
	zs_pool_config_init(&po->cfg, (enum zs_preset)po->preset);
	po->preset_name = po->preset == ZS_PRESET_LINUX_4_8 ? "4.8" :
			  po->preset == ZS_PRESET_DENSE ? "dense" : "6.18";
	return 0;
}

static int set_custom(void *ctx, const struct opt *o, const char *val)
{
	struct pool_opts *po = ctx;

	(void)o;
	(void)val;
	po->preset_name = "custom";
	return 0;
}

static const struct opt_choice presets[] = {
	{ "6.18", ZS_PRESET_LINUX_6_18 },
	{ "linux-6.18", ZS_PRESET_LINUX_6_18 },
	{ "newest", ZS_PRESET_NEWEST },
	{ "4.8", ZS_PRESET_LINUX_4_8 },
	{ "linux-4.8", ZS_PRESET_LINUX_4_8 },
	{ "dense", ZS_PRESET_DENSE },
	{ NULL, 0 },
};

static const struct opt_choice page_rules[] = {
	{ "max-used", ZS_PAGES_MAX_USED_PERCENT },
	{ "min-waste", ZS_PAGES_MIN_WASTE },
	{ NULL, 0 },
};

static const struct opt_choice fullness_schemes[] = {
	{ "quarters", ZS_FULLNESS_QUARTERS },
	{ "ratios", ZS_FULLNESS_RATIOS },
	{ NULL, 0 },
};

static const struct opt_choice compaction_policies[] = {
	{ "drain-source", ZS_COMPACT_DRAIN_SOURCE },
	{ "fill-destination", ZS_COMPACT_FILL_DESTINATION },
	{ "empty-tails", ZS_COMPACT_EMPTY_TAILS },
	{ NULL, 0 },
};

static const struct opt_choice growths[] = {
	{ "whole", ZS_GROW_WHOLE },
	{ "by-page", ZS_GROW_BY_PAGE },
	{ NULL, 0 },
};

static const struct opt_choice list_orders[] = {
	{ "by-inuse", ZS_LIST_BY_INUSE },
	{ "head", ZS_LIST_HEAD },
	{ NULL, 0 },
};

#define PO(field)	offsetof(struct pool_opts, field)

const struct opt pool_opts_table[] = {
	{ OPT_SECTION, "Pool options", 0, NULL, NULL, 0, 0, 0, NULL, 0, NULL },
	{ .kind = OPT_CHOICE, .name = "preset", .metavar = "6.18|4.8|dense",
	  .help = "6.18 (default; also 'newest'): Linux 6.18's policies,\n"
		  "chain 8, min-waste, 12 ratio groups, fill-destination,\n"
		  "head; 4.8: Linux 4.8's, chain 4, max-used, 4 groups,\n"
		  "drain-source, by-inuse; dense (no kernel's): 6.18's with\n"
		  "chain 16, growth by-page, compaction empty-tails.  All\n"
		  "run Linux 4.8's locking",
	  .offset = PO(preset), .choices = presets, .hook = set_preset },
	{ .kind = OPT_UINT, .name = "chain", .metavar = "N",
	  .help = "pages per zspage at most, 1..16 (1: every object is huge)",
	  .offset = PO(cfg.chain_size), .min = 1, .max = ZS_MAX_CHAIN_SIZE, .hook = set_custom },
	{ .kind = OPT_CHOICE, .name = "page-rule", .metavar = "RULE",
	  .help = "max-used (until Linux 6.2) or min-waste (Linux 6.3+)",
	  .offset = PO(cfg.page_rule), .choices = page_rules, .hook = set_custom },
	{ .kind = OPT_CHOICE, .name = "fullness", .metavar = "SCHEME",
	  .help = "fullness groups: quarters (4, 3/4 threshold; until\n"
		  "Linux 6.3) or ratios (12 in-use ratio groups; 6.4+)",
	  .offset = PO(cfg.fullness), .choices = fullness_schemes, .hook = set_custom },
	{ .kind = OPT_CHOICE, .name = "compaction", .metavar = "POLICY",
	  .help = "drain-source (Linux 4.1..6.3), fill-destination (6.4+)\n"
		  "or empty-tails (no kernel: sources emptied from their\n"
		  "last slot, part-used zspages trimmed)",
	  .offset = PO(cfg.compaction), .choices = compaction_policies, .hook = set_custom },
	{ .kind = OPT_CHOICE, .name = "list-order", .metavar = "ORDER",
	  .help = "where a zspage joins its group's list: by-inuse\n"
		  "(until Linux 6.3) or head (6.4+)",
	  .offset = PO(cfg.list_order), .choices = list_orders, .hook = set_custom },
	{ .kind = OPT_CHOICE, .name = "growth", .metavar = "GROWTH",
	  .help = "when a zspage gets its pages: whole (every kernel: all\n"
		  "at creation) or by-page (no kernel: as objects reach them)",
	  .offset = PO(cfg.growth), .choices = growths, .hook = set_custom },
};

const size_t pool_opts_table_len = sizeof(pool_opts_table) / sizeof(pool_opts_table[0]);

int pool_opts_finish(struct pool_opts *po)
{
	int err = zs_pool_config_check(&po->cfg);

	if (err)
		return opts_error("the pool options do not go together (%s): %s",
				       pool_opts_describe(po, (char[128]){ 0 }, 128),
				       strerror(-err));
	if (po->cfg.chain_size == 1)
		opts_warn("--chain 1: every object becomes huge (zs_huge_class_size() is 0)");
	return 0;
}

const struct opt machine_opts_table[] = {
	{ .kind = OPT_SIZE, .name = "mem", .metavar = "SIZE",
	  .help = "machine size, e.g. 256M (at least 4 pageblocks and 4M)",
	  .offset = offsetof(struct machine_opts, mem), .min = 4ull << 20, .max = 1ull << 40 },
	{ .kind = OPT_UINT, .name = "pageblock-order", .metavar = "N",
	  .help = "pageblock order of the machine, 1..10 (default 9: 2M)",
	  .offset = offsetof(struct machine_opts, pageblock_order), .min = 1, .max = 10 },
};

const size_t machine_opts_table_len = sizeof(machine_opts_table) / sizeof(machine_opts_table[0]);

int machine_opts_finish(const struct machine_opts *mo)
{
	unsigned int order = mo->pageblock_order ? mo->pageblock_order : 9;
	uint64_t block = (uint64_t)ZSIM_PAGE_SIZE << order;
	uint64_t least = 4 * block > (4ull << 20) ? 4 * block : (4ull << 20);
	char a[32], b[32], c[32];

	if (!mo->mem)
		return 0;
	if (mo->mem < least)
		return opts_error("--mem: '%s' is too small (at least %s with pageblock order %u)",
				       opts_format_size(mo->mem, a, sizeof(a)),
				       opts_format_size(least, b, sizeof(b)), order);
	if (mo->mem % block)
		return opts_error("--mem: '%s' is not a whole number of pageblocks"
				       " (%s each with pageblock order %u; %s or %s)",
				       opts_format_size(mo->mem, a, sizeof(a)),
				       opts_format_size(block, b, sizeof(b)), order,
				       opts_format_size(mo->mem / block * block, c, sizeof(c)),
				       opts_format_size((mo->mem / block + 1) * block, (char[32]){ 0 }, 32));
	return 0;
}

const char *pool_opts_describe(const struct pool_opts *po, char *buf, size_t len)
{
	/* growth is named only when it is not every kernel's */
	snprintf(buf, len, "preset %s: chain %u, %s, %s fullness, %s, %s%s", po->preset_name,
		 po->cfg.chain_size,
		 po->cfg.page_rule == ZS_PAGES_MIN_WASTE ? "min-waste" : "max-used",
		 po->cfg.fullness == ZS_FULLNESS_RATIOS ? "12-ratio" : "4-quarter",
		 po->cfg.compaction == ZS_COMPACT_FILL_DESTINATION ? "fill-destination" :
		 po->cfg.compaction == ZS_COMPACT_EMPTY_TAILS ? "empty-tails" : "drain-source",
		 po->cfg.list_order == ZS_LIST_HEAD ? "head" : "by-inuse",
		 po->cfg.growth == ZS_GROW_BY_PAGE ? ", growth by-page" : "");
	return buf;
}
