// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Class tables: every index's size, pages, objects and merge target
 * against the reference tables (chain 4 max-used, chain 8 min-waste) and
 * against an independent re-statement of the kernel rules for the other
 * chain sizes and rules.
 */
#include <errno.h>
#include "test_helpers.h"
#include <zsmalloc/zsmalloc.h>
#include "class_tables_ref.h"
#include "impl_helpers.h"

/* The rules, restated from the reference (not from lib/). */
static int oracle_pages(int size, int chain, enum zs_page_rule rule)
{
	int best = 1, i;

	if (rule == ZS_PAGES_MAX_USED_PERCENT) {
		int best_pc = 0;

		for (i = 1; i <= chain; i++) {
			int pc = (i * 4096 - (i * 4096) % size) * 100 / (i * 4096);

			if (pc > best_pc) {
				best_pc = pc;
				best = i;
			}
		}
		return best;
	}
	if ((size & (size - 1)) == 0)
		return 1;
	for (i = 1, best = 1; i <= chain; i++)
		if ((i * 4096) % size < (best * 4096) % size)
			best = i;
	return best;
}

/* Build the expected table by the kernel's top-down merge. */
static void oracle_table(int chain, enum zs_page_rule rule,
			 struct ref_class_row rows[255], unsigned int *huge)
{
	int i, prev = -1;

	*huge = 0;
	for (i = 254; i >= 0; i--) {
		int size = 32 + 16 * i;
		int pages = oracle_pages(size, chain, rule);
		int objs = pages * 4096 / size;

		if (pages != 1 && objs != 1 && !*huge)
			*huge = size - 7;
		rows[i].idx = i;
		rows[i].size = size;
		rows[i].pages = pages;
		rows[i].objs = objs;
		if (prev >= 0 && rows[prev].pages == pages && rows[prev].objs == objs) {
			rows[i].served_by = rows[prev].served_by;
		} else {
			rows[i].served_by = i;
			prev = i;
		}
	}
}

static struct zs_pool *make_pool(unsigned int chain, enum zs_page_rule rule,
				 enum zs_fullness_scheme fullness)
{
	struct zs_pool_config cfg;
	int err = 0;
	struct zs_pool *pool;

	zs_pool_config_init(&cfg, fullness == ZS_FULLNESS_QUARTERS ?
			    ZS_PRESET_LINUX_4_8 : ZS_PRESET_LINUX_6_18);
	cfg.chain_size = chain;
	cfg.page_rule = rule;
	TEST_SKIP_UNSUPPORTED(&cfg);
	pool = zs_create_pool_config("classes", &cfg, &err);

	assert_non_null(pool);
	assert_int_equal(err, 0);
	return pool;
}

/* Compare a pool against @ref, index by index. */
static void check_pool_against(struct zs_pool *pool, const struct ref_class_row *ref)
{
	struct zs_pool_snapshot *snap = calloc(1, sizeof(*snap));
	unsigned int i, c, distinct = 0;

	assert_non_null(snap);
	snap->size = sizeof(*snap);
	assert_int_equal(zs_pool_snapshot(pool, snap), 0);
	assert_int_equal(snap->version, ZS_STATS_VERSION);

	for (i = 0; i < 255; i++)
		if (ref[i].served_by == i)
			distinct++;
	assert_int_equal(snap->nr_classes, distinct);

	for (i = 0; i < 255; i++) {
		const struct ref_class_row *r = &ref[i];
		const struct ref_class_row *s = &ref[r->served_by];
		const struct zs_class_stats *cs = NULL;

		/* an object of r->size bytes including its handle */
		assert_int_equal(zs_lookup_class_index(pool, r->size - 8), r->served_by);
		for (c = 0; c < snap->nr_classes; c++)
			if (snap->classes[c].index == r->served_by)
				cs = &snap->classes[c];
		assert_non_null(cs);
		assert_int_equal(cs->size, s->size);
		assert_int_equal(cs->pages_per_zspage, s->pages);
		assert_int_equal(cs->objs_per_zspage, s->objs);
		assert_true(cs->first_index <= i && i <= cs->index);
		/* an unmerged row has its own geometry */
		if (r->served_by == i) {
			assert_int_equal(r->pages, cs->pages_per_zspage);
			assert_int_equal(r->objs, cs->objs_per_zspage);
		}
		assert_int_equal(cs->huge, s->pages == 1 && s->objs == 1);
	}
	free(snap);
}

static void test_reference_chain4_max_used(void **state)
{
	struct zs_pool *pool = make_pool(4, ZS_PAGES_MAX_USED_PERCENT, ZS_FULLNESS_QUARTERS);

	check_pool_against(pool, ref_chain4_usedpc);
	assert_int_equal(zs_huge_class_size(pool), 3257);
	zs_destroy_pool(pool);
}

static void test_reference_chain8_min_waste(void **state)
{
	struct zs_pool *pool = make_pool(8, ZS_PAGES_MIN_WASTE, ZS_FULLNESS_RATIOS);

	check_pool_against(pool, ref_chain8_minwaste);
	assert_int_equal(zs_huge_class_size(pool), 3625);
	zs_destroy_pool(pool);
}

static void test_default_pool_is_newest(void **state)
{
	struct zs_pool *pool;

	if (test_kernel_preset() != ZS_PRESET_NEWEST)
		TEST_SKIP_ON_LINUX("this kernel's default pool has its own, older policies");
	pool = zs_create_pool("newest");
	assert_non_null(pool);
	check_pool_against(pool, ref_chain8_minwaste);
	zs_destroy_pool(pool);
}

/* Both rules for chains 1..16 against the oracle; known counts spot-checked. */
static void test_every_chain_both_rules(void **state)
{
	static const enum zs_page_rule rules[] = { ZS_PAGES_MAX_USED_PERCENT, ZS_PAGES_MIN_WASTE };
	struct ref_class_row rows[255];
	unsigned int huge, chain, r, i, distinct;

	for (chain = 1; chain <= ZS_MAX_CHAIN_SIZE; chain++) {
		for (r = 0; r < 2; r++) {
			struct zs_pool *pool = make_pool(chain, rules[r], ZS_FULLNESS_RATIOS);

			oracle_table(chain, rules[r], rows, &huge);
			check_pool_against(pool, rows);
			assert_int_equal(zs_huge_class_size(pool), huge);
			for (i = 0, distinct = 0; i < 255; i++)
				distinct += rows[i].served_by == i;
			if (chain == 4)
				assert_int_equal(distinct, 69);
			if (chain == 8 && rules[r] == ZS_PAGES_MIN_WASTE)
				assert_int_equal(distinct, 119);
			if (chain == 16 && rules[r] == ZS_PAGES_MIN_WASTE)
				assert_int_equal(distinct, 192);
			if (chain == 16 && rules[r] == ZS_PAGES_MAX_USED_PERCENT)
				assert_int_equal(distinct, 191);
			if (chain == 16)
				assert_int_equal(huge, 3840 - 7);
			zs_destroy_pool(pool);
		}
	}
	/* the reference tables agree with the oracle */
	oracle_table(4, ZS_PAGES_MAX_USED_PERCENT, rows, &huge);
	assert_memory_equal(rows, ref_chain4_usedpc, sizeof(rows));
	oracle_table(8, ZS_PAGES_MIN_WASTE, rows, &huge);
	assert_memory_equal(rows, ref_chain8_minwaste, sizeof(rows));
}

/* Class 208: the old rule picks 2 pages, the new one 3 (the 2023 example). */
static void test_class_208(void **state)
{
	struct zs_pool *old, *new;
	struct zs_pool_snapshot *snap;
	unsigned int c;
	int pages_old = 0, pages_new = 0;

	TEST_SKIP_ON_LINUX("compares two page rules; the kernel's file has one");
	old = make_pool(4, ZS_PAGES_MAX_USED_PERCENT, ZS_FULLNESS_QUARTERS);
	new = make_pool(4, ZS_PAGES_MIN_WASTE, ZS_FULLNESS_QUARTERS);
	snap = calloc(1, sizeof(*snap));

	snap->size = sizeof(*snap);
	zs_pool_snapshot(old, snap);
	for (c = 0; c < snap->nr_classes; c++)
		if (snap->classes[c].size == 208)
			pages_old = snap->classes[c].pages_per_zspage;
	zs_pool_snapshot(new, snap);
	for (c = 0; c < snap->nr_classes; c++)
		if (snap->classes[c].size == 208)
			pages_new = snap->classes[c].pages_per_zspage;
	assert_int_equal(pages_old, 2);
	assert_int_equal(pages_new, 3);
	free(snap);
	zs_destroy_pool(old);
	zs_destroy_pool(new);
}

static void test_bad_configs_refused(void **state)
{
	struct zs_pool_config cfg;
	int err = 0;

	zs_pool_config_init(&cfg, ZS_PRESET_NEWEST);
	cfg.chain_size = 0;
	assert_null(zs_create_pool_config("bad", &cfg, &err));
	assert_int_equal(err, -EINVAL);
	cfg.chain_size = ZS_MAX_CHAIN_SIZE + 1;
	err = 0;
	assert_null(zs_create_pool_config("bad", &cfg, &err));
	assert_int_equal(err, -EINVAL);
	zs_pool_config_init(&cfg, ZS_PRESET_NEWEST);
	cfg.page_rule = (enum zs_page_rule)7;
	assert_int_equal(zs_pool_config_check(&cfg), -EINVAL);
	zs_pool_config_init(&cfg, ZS_PRESET_NEWEST);
	cfg.fullness = (enum zs_fullness_scheme)-1;
	assert_int_equal(zs_pool_config_check(&cfg), -EINVAL);
	assert_null(zs_create_pool_config(NULL, &cfg, &err));
	assert_int_equal(err, -EINVAL);
	assert_int_equal(zs_pool_config_check(NULL), -EINVAL);

	zs_pool_config_init(&cfg, ZS_PRESET_LINUX_4_8);
	assert_int_equal(cfg.chain_size, 4);
	assert_int_equal(cfg.page_rule, ZS_PAGES_MAX_USED_PERCENT);
	assert_int_equal(cfg.fullness, ZS_FULLNESS_QUARTERS);
	assert_int_equal(zs_pool_config_check(&cfg), 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reference_chain4_max_used, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_reference_chain8_min_waste, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_default_pool_is_newest, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_every_chain_both_rules, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_class_208, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_bad_configs_refused, test_setup_small_machine, test_teardown_machine),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests_name("zsmalloc size classes", tests, NULL, NULL);
}
