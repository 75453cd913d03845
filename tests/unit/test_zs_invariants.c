// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * White-box checks of lib/zsmalloc.c (included below to reach its
 * statics) after long seeded random alloc/free runs: per zspage, in-use
 * equals the allocated headers, the free list covers exactly the free
 * slots, fullness groups and their counts are right, page chains and
 * first object offsets are what init_zspage() must write.
 */
#include "../../lib/zsmalloc.c"
#include "../../lib/zs_config.c"

#include "test_helpers.h"
#include "zs_whitebox.h"

struct live {
	unsigned long handle;
	uint32_t size;
	uint32_t key;
};

static void fill(unsigned char *buf, size_t len, uint32_t key)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (unsigned char)(key * 31 + i * 7 + (i >> 8));
}

/* A random workload; sizes drawn from @max_size, frees ~45% of the time. */
static void random_run(struct zs_pool *pool, unsigned int ops, size_t max_size,
		       uint64_t seed)
{
	struct live *live = calloc(ops, sizeof(*live));
	unsigned char *buf = malloc(4096), *copy = malloc(4096);
	struct test_rng r;
	size_t n = 0;

	test_rng_init(&r, seed);
	for (unsigned int op = 0; op < ops; op++) {
		if (n && test_rng_below(&r, 100) < 45) {
			size_t victim = test_rng_below(&r, n);
			unsigned char *p;

			p = zs_obj_read_begin(pool, live[victim].handle, live[victim].size, copy);
			fill(buf, live[victim].size, live[victim].key);
			assert_memory_equal(p, buf, live[victim].size);
			zs_obj_read_end(pool, live[victim].handle, live[victim].size, p);
			zs_free(pool, live[victim].handle);
			live[victim] = live[--n];
		} else {
			uint32_t size = 1 + test_rng_below(&r, max_size);
			unsigned long h = zs_malloc(pool, size, GFP_KERNEL, -1);

			assert_false(IS_ERR_VALUE(h));
			live[n].handle = h;
			live[n].size = size;
			live[n].key = (uint32_t)test_rng_next(&r);
			fill(buf, size, live[n].key);
			zs_obj_write(pool, h, buf, size);
			n++;
		}
		if (op % 2000 == 1999)
			check_pool(pool);
	}
	check_pool(pool);
	while (n) {
		n--;
		zs_free(pool, live[n].handle);
	}
	check_pool(pool);
	flush_work(&pool->free_work);
	assert_int_equal(zs_get_total_pages(pool), 0);
	free(live);
	free(buf);
	free(copy);
}

static void run_config(unsigned int chain, enum zs_page_rule rule,
		       enum zs_fullness_scheme fullness, size_t max_size)
{
	struct zs_pool_config cfg;
	struct zs_pool *pool;
	unsigned int ops = test_under_valgrind() ? 6000 : 30000;

	/* the compaction and list order that came with @fullness */
	zs_pool_config_init(&cfg, fullness == ZS_FULLNESS_QUARTERS ?
			    ZS_PRESET_LINUX_4_8 : ZS_PRESET_LINUX_6_18);
	cfg.chain_size = chain;
	cfg.page_rule = rule;
	pool = zs_create_pool_config("invariants", &cfg, NULL);
	assert_non_null(pool);
	random_run(pool, ops, max_size, test_seed ^ (chain * 131 + rule * 17 + fullness));
	zs_destroy_pool(pool);
}

static void test_newest_all_sizes(void **state)
{
	run_config(8, ZS_PAGES_MIN_WASTE, ZS_FULLNESS_RATIOS, 4096);
}

static void test_linux_4_8_all_sizes(void **state)
{
	run_config(4, ZS_PAGES_MAX_USED_PERCENT, ZS_FULLNESS_QUARTERS, 4096);
}

static void test_chain16_small_objects(void **state)
{
	/* small sizes: hundreds of objects per zspage, long free lists */
	run_config(16, ZS_PAGES_MIN_WASTE, ZS_FULLNESS_RATIOS, 400);
}

static void test_chain1_quarters(void **state)
{
	run_config(1, ZS_PAGES_MIN_WASTE, ZS_FULLNESS_QUARTERS, 4096);
}

/* The fullness rules of both schemes, against the reference's statement. */
static void test_fullness_rules(void **state)
{
	struct zs_pool_config cfg;
	struct zs_pool *q, *r;
	struct size_class class = { .objs_per_zspage = 7 };
	struct zspage zspage = { 0 };

	zs_pool_config_init(&cfg, ZS_PRESET_LINUX_4_8);
	q = zs_create_pool_config("q", &cfg, NULL);
	zs_pool_config_init(&cfg, ZS_PRESET_NEWEST);
	r = zs_create_pool_config("r", &cfg, NULL);

	/* N = 7: 1..5 almost empty (<= 21/4 = 5), 6 almost full */
	zspage.inuse = 0;
	assert_int_equal(get_fullness_group(q, &class, &zspage), ZS_EMPTY);
	for (zspage.inuse = 1; zspage.inuse <= 5; zspage.inuse++)
		assert_int_equal(get_fullness_group(q, &class, &zspage), ZS_ALMOST_EMPTY);
	zspage.inuse = 6;
	assert_int_equal(get_fullness_group(q, &class, &zspage), ZS_ALMOST_FULL);
	zspage.inuse = 7;
	assert_int_equal(get_fullness_group(q, &class, &zspage), ZS_FULL);

	/* ratio groups: 1 of 127 is group 1; 10% exactly is group 2 */
	class.objs_per_zspage = 127;
	zspage.inuse = 1;
	assert_int_equal(get_fullness_group(r, &class, &zspage), ZS_INUSE_RATIO_10);
	class.objs_per_zspage = 10;
	zspage.inuse = 1;
	assert_int_equal(get_fullness_group(r, &class, &zspage), 2);
	zspage.inuse = 9;
	assert_int_equal(get_fullness_group(r, &class, &zspage), ZS_INUSE_RATIO_99);
	zspage.inuse = 10;
	assert_int_equal(get_fullness_group(r, &class, &zspage), ZS_INUSE_RATIO_100);
	zspage.inuse = 0;
	assert_int_equal(get_fullness_group(r, &class, &zspage), ZS_INUSE_RATIO_0);
	zs_destroy_pool(q);
	zs_destroy_pool(r);
}

/* Allocation takes the fullest non-full zspage first. */
static void test_alloc_prefers_fullest(void **state)
{
	struct zs_pool *pool = zs_create_pool("fullest");
	struct size_class *class;
	unsigned long h[96];
	struct page *page, *page_a;
	unsigned int idx;
	int i;

	/* class 128: one page, 32 objects (120 + 8 bytes each) */
	for (i = 0; i < 96; i++)
		h[i] = zs_malloc(pool, 120, GFP_KERNEL, -1);
	class = pool->size_class[get_size_class_index(128)];
	assert_int_equal(class->objs_per_zspage, 32);
	assert_int_equal(zs_stat_get(class, OBJ_ALLOCATED), 96);
	/* leave zspage A with 31 in use, B with 8, C with 20 */
	for (i = 32; i < 32 + 24; i++)
		zs_free(pool, h[i]);
	for (i = 64; i < 64 + 12; i++)
		zs_free(pool, h[i]);
	zs_free(pool, h[0]);
	h[0] = zs_malloc(pool, 120, GFP_KERNEL, -1);
	obj_to_location(handle_to_obj(h[0]), &page, &idx);
	obj_to_location(handle_to_obj(h[1]), &page_a, &idx);
	/* the new object went to the 31-of-32 zspage, now full */
	assert_ptr_equal(get_zspage(page), get_zspage(page_a));
	assert_int_equal(get_zspage_inuse(get_zspage(page)), 32);
	check_pool(pool);
	zs_destroy_pool(pool);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_newest_all_sizes, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_linux_4_8_all_sizes, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_chain16_small_objects, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_chain1_quarters, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_fullness_rules, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_alloc_prefers_fullest, test_setup_small_machine, test_teardown_machine),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests_name("zsmalloc invariants", tests, NULL, NULL);
}
