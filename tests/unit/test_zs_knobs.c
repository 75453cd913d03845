// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * White-box: each policy knob of struct zs_pool_config reaches the code
 * it names, independently of the others.  lib/zsmalloc.c is included to
 * reach insert_zspage() and the compaction dispatch.
 */
#include "../../lib/zsmalloc.c"
#include "../../lib/zs_config.c"

#include "test_helpers.h"

static struct zs_pool *pool_with(enum zs_fullness_scheme fullness,
				 enum zs_compaction_policy compaction,
				 enum zs_list_order order)
{
	struct zs_pool_config cfg;
	struct zs_pool *pool;

	zs_pool_config_init(&cfg, ZS_PRESET_NEWEST);
	cfg.fullness = fullness;
	cfg.compaction = compaction;
	cfg.list_order = order;
	pool = zs_create_pool_config("knobs", &cfg, NULL);
	assert_non_null(pool);
	assert_int_equal(pool->fullness, fullness);
	assert_int_equal(pool->compaction, compaction);
	assert_int_equal(pool->list_order, order);
	assert_int_equal(pool->nr_groups,
			 fullness == ZS_FULLNESS_QUARTERS ? NR_ZS_FULLNESS : NR_FULLNESS_GROUPS);
	return pool;
}

/*
 * Insert a fuller zspage, then an emptier one, into one group of a class
 * that is not the pool's: which one is at the head?
 */
static struct zspage *head_after_inserts(struct zs_pool *pool)
{
	static struct size_class class;
	static struct zspage fuller, emptier;
	struct zspage *head;
	int fg, i;

	memset(&class, 0, sizeof(class));
	spin_lock_init(&class.lock);
	for (i = 0; i < NR_FULLNESS_GROUPS; i++)
		INIT_LIST_HEAD(&class.fullness_list[i]);
	class.objs_per_zspage = 100;
	memset(&fuller, 0, sizeof(fuller));
	memset(&emptier, 0, sizeof(emptier));
	fuller.inuse = 25;
	emptier.inuse = 21;
	fg = get_fullness_group(pool, &class, &fuller);
	assert_int_equal(get_fullness_group(pool, &class, &emptier), fg);

	spin_lock(&class.lock);
	insert_zspage(pool, &class, &fuller, fg);
	insert_zspage(pool, &class, &emptier, fg);
	head = list_first_entry(&class.fullness_list[fg], struct zspage, list);
	assert_int_equal(zs_stat_get(&class, fg), 2);
	remove_zspage(&class, &emptier, fg);
	remove_zspage(&class, &fuller, fg);
	spin_unlock(&class.lock);
	return head == &fuller ? &fuller : &emptier;
}

static void test_list_order(void **state)
{
	int f;

	for (f = 0; f < 2; f++) {
		struct zs_pool *by_inuse, *head;
		struct zspage *h1, *h2;

		by_inuse = pool_with((enum zs_fullness_scheme)f,
				     ZS_COMPACT_FILL_DESTINATION, ZS_LIST_BY_INUSE);
		head = pool_with((enum zs_fullness_scheme)f,
				 ZS_COMPACT_DRAIN_SOURCE, ZS_LIST_HEAD);
		h1 = head_after_inserts(by_inuse);
		h2 = head_after_inserts(head);
		/* by in-use: the fuller one stays at the head, so it fills first */
		assert_int_equal(h1->inuse, 25);
		/* head: the last one inserted is at the head */
		assert_int_equal(h2->inuse, 21);
		zs_destroy_pool(by_inuse);
		zs_destroy_pool(head);
	}
}

/*
 * The compaction policy, not the fullness scheme, picks the algorithm:
 * every combination compacts, and on the same quarter groups the two
 * policies move different numbers of objects for the same workload.
 */
static unsigned long long moved_by(enum zs_fullness_scheme fullness,
				   enum zs_compaction_policy compaction,
				   unsigned long *freed)
{
	enum { N = 4000 };
	struct zs_pool *pool = pool_with(fullness, compaction, ZS_LIST_HEAD);
	unsigned long *h = calloc(N, sizeof(*h));
	unsigned long long moved;
	struct test_rng r;
	int i;

	assert_non_null(h);
	test_rng_init(&r, 77);
	for (i = 0; i < N; i++) {
		h[i] = zs_malloc(pool, 200 + (i % 5) * 64, GFP_KERNEL, ZS_NUMA_NO_NODE);
		assert_false(IS_ERR_VALUE(h[i]));
	}
	for (i = 0; i < N; i++)
		if (test_rng_below(&r, 100) < 65) {
			zs_free(pool, h[i]);
			h[i] = 0;
		}
	*freed = zs_compact(pool);
	moved = atomic_long_read(&pool->objs_moved);
	for (i = 0; i < N; i++)
		zs_free(pool, h[i]);
	zs_destroy_pool(pool);
	free(h);
	return moved;
}

static void test_compaction_policy(void **state)
{
	unsigned long freed[2][2];
	unsigned long long moved[2][2];
	int f, c;

	for (f = 0; f < 2; f++)
		for (c = 0; c < 2; c++) {
			moved[f][c] = moved_by((enum zs_fullness_scheme)f,
					       (enum zs_compaction_policy)c,
					       &freed[f][c]);
			print_message("# fullness %d compaction %d: %lu pages freed, %llu objects moved\n",
				      f, c, freed[f][c], moved[f][c]);
			assert_true(freed[f][c] > 0);
		}
	/* this workload tells the policies apart on the quarter groups */
	assert_true(moved[0][0] != moved[0][1]);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_list_order,
						test_setup_small_machine,
						test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_compaction_policy,
						test_setup_small_machine,
						test_teardown_machine),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests_name("zsmalloc policy knobs", tests, NULL, NULL);
}
