// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Every -ENOMEM path of zs_malloc() driven by the simulator's fault
 * injection: the handle slot, the struct zspage, each page of a new
 * zspage's chain, and random failures over a long run.  After each: the
 * pool is consistent, earlier objects read back intact, nothing leaks.
 */
#include "../../lib/zsmalloc.c"

#include "test_helpers.h"
#include "zs_whitebox.h"

#define NR_KEEP 200

static unsigned long keep[NR_KEEP];

static void fill(unsigned char *buf, size_t len, unsigned int key)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (unsigned char)(key + i * 13);
}

/* Objects that must survive every failure below. */
static void store_keepers(struct zs_pool *pool)
{
	unsigned char buf[4096];

	for (int i = 0; i < NR_KEEP; i++) {
		size_t size = 1 + (i * 97) % 4096;

		keep[i] = zs_malloc(pool, size, GFP_KERNEL, -1);
		assert_false(IS_ERR_VALUE(keep[i]));
		fill(buf, size, i);
		zs_obj_write(pool, keep[i], buf, size);
	}
}

static void verify_and_free_keepers(struct zs_pool *pool)
{
	unsigned char buf[4096], copy[4096];

	for (int i = 0; i < NR_KEEP; i++) {
		size_t size = 1 + (i * 97) % 4096;
		void *p = zs_obj_read_begin(pool, keep[i], size, copy);

		fill(buf, size, i);
		assert_memory_equal(p, buf, size);
		zs_obj_read_end(pool, keep[i], size, p);
		zs_free(pool, keep[i]);
	}
}

static void inject(uint64_t page_nth, int order, uint64_t slab_nth)
{
	struct zsim_fault_config f = { .size = sizeof(f) };

	f.page_fail_nth = page_nth;
	f.page_fail_order = order;
	f.slab_fail_nth = slab_nth;
	f.seed = test_seed;
	assert_int_equal(zsim_fault_set(&f), 0);
}

/* The handle's slab slot cannot be had: -ENOMEM, nothing else changes. */
static void test_handle_alloc_fails(void **state)
{
	struct zs_pool *pool = zs_create_pool("enomem");
	struct zsim_fault_stats fs;
	unsigned long pages, h;

	store_keepers(pool);
	pages = zs_get_total_pages(pool);
	inject(0, -1, 1);
	h = zs_malloc(pool, 100, GFP_KERNEL, -1);
	assert_int_equal((long)h, -ENOMEM);
	assert_int_equal(zsim_fault_stats(&fs), 0);
	assert_true(fs.slab_injected >= 1);
	assert_int_equal(zs_get_total_pages(pool), pages);
	check_pool(pool);
	verify_and_free_keepers(pool);
	zs_destroy_pool(pool);
}

/* Fill @class until every zspage is full: the next object needs a new one. */
static size_t fill_class(struct zs_pool *pool, struct size_class *class,
			 size_t size, unsigned long *extra, size_t nr)
{
	for (;;) {
		struct zspage *zspage;
		unsigned long h;

		spin_lock(&class->lock);
		zspage = find_get_zspage(pool, class);
		spin_unlock(&class->lock);
		if (!zspage)
			break;
		h = zs_malloc(pool, size, GFP_KERNEL, -1);
		assert_false(IS_ERR_VALUE(h));
		extra[nr++] = h;
	}
	return nr;
}

/* The struct zspage cannot be had (second slab allocation of the call). */
static void test_zspage_struct_alloc_fails(void **state)
{
	struct zs_pool *pool = zs_create_pool("enomem");
	struct size_class *class;
	unsigned long extra[64], h, pages;
	size_t nr = 0;

	store_keepers(pool);
	class = pool->size_class[get_size_class_index(3008)];
	nr = fill_class(pool, class, 3000, extra, nr);
	pages = zs_get_total_pages(pool);
	inject(0, -1, 2);
	h = zs_malloc(pool, 3000, GFP_KERNEL, -1);
	assert_int_equal((long)h, -ENOMEM);
	assert_int_equal(zs_get_total_pages(pool), pages);
	check_pool(pool);
	inject(0, -1, 0);
	while (nr)
		zs_free(pool, extra[--nr]);
	verify_and_free_keepers(pool);
	zs_destroy_pool(pool);
}

/* Page k of a new zspage's chain fails: the k-1 pages taken go back. */
static void test_each_chain_page_fails(void **state)
{
	struct zs_pool *pool = zs_create_pool("enomem");
	struct size_class *class;
	unsigned long extra[64], h, pages;
	uint64_t zspages, nr_now;
	size_t nr = 0;
	int k;

	store_keepers(pool);
	/* class 1136 (1128 + handle): 5 pages per zspage with chain 8 */
	class = pool->size_class[get_size_class_index(1136)];
	assert_int_equal(class->pages_per_zspage, 5);
	nr = fill_class(pool, class, 1128, extra, nr);
	for (k = 1; k <= class->pages_per_zspage; k++) {
		pages = zs_get_total_pages(pool);
		assert_int_equal(zsim_vmstat_get("nr_zspages", &zspages), 0);
		inject(k, 0, 0);
		h = zs_malloc(pool, 1128, GFP_KERNEL, -1);
		assert_int_equal((long)h, -ENOMEM);
		inject(0, -1, 0);
		assert_int_equal(zs_get_total_pages(pool), pages);
		assert_int_equal(zsim_vmstat_get("nr_zspages", &nr_now), 0);
		assert_int_equal(nr_now, zspages);
		check_pool(pool);
	}
	while (nr)
		zs_free(pool, extra[--nr]);
	verify_and_free_keepers(pool);
	zs_destroy_pool(pool);
}

/* Random page and slab failures through a long run. */
static void test_random_failures(void **state)
{
	struct zs_pool *pool = zs_create_pool("enomem");
	struct zsim_fault_config f = { .size = sizeof(f) };
	struct zsim_fault_stats fs;
	struct test_rng r;
	unsigned long *live;
	unsigned int *sizes;
	unsigned char buf[4096], copy[4096];
	size_t n = 0, failures = 0;
	int ops = test_under_valgrind() ? 3000 : 20000;

	live = calloc(ops, sizeof(*live));
	sizes = calloc(ops, sizeof(*sizes));
	test_rng_init(&r, test_seed);
	store_keepers(pool);
	f.page_fail_ppm = 100000;	/* 10% */
	f.page_fail_order = -1;
	f.slab_fail_ppm = 50000;	/* 5% */
	f.seed = test_seed;
	assert_int_equal(zsim_fault_set(&f), 0);

	for (int op = 0; op < ops; op++) {
		if (n && test_rng_below(&r, 100) < 40) {
			size_t v = test_rng_below(&r, n);
			void *p = zs_obj_read_begin(pool, live[v], sizes[v], copy);

			fill(buf, sizes[v], (unsigned int)live[v]);
			assert_memory_equal(p, buf, sizes[v]);
			zs_obj_read_end(pool, live[v], sizes[v], p);
			zs_free(pool, live[v]);
			live[v] = live[--n];
			sizes[v] = sizes[n];
		} else {
			unsigned int size = 1 + test_rng_below(&r, 4096);
			unsigned long h = zs_malloc(pool, size, GFP_KERNEL, -1);

			if (IS_ERR_VALUE(h)) {
				assert_int_equal((long)h, -ENOMEM);
				failures++;
				continue;
			}
			fill(buf, size, (unsigned int)h);
			zs_obj_write(pool, h, buf, size);
			live[n] = h;
			sizes[n++] = size;
		}
	}
	zsim_fault_config_default(&f);
	assert_int_equal(zsim_fault_set(&f), 0);
	assert_int_equal(zsim_fault_stats(&fs), 0);
	printf("# %zu zs_malloc failures; %llu page and %llu slab failures injected\n",
	       failures, (unsigned long long)fs.page_injected,
	       (unsigned long long)fs.slab_injected);
	assert_true(failures > 0);
	check_pool(pool);
	while (n--)
		zs_free(pool, live[n]);
	verify_and_free_keepers(pool);
	check_pool(pool);
	zs_destroy_pool(pool);
	free(live);
	free(sizes);
}

/* Pool creation itself under slab failures: NULL and nothing leaked. */
static void test_create_pool_fails_cleanly(void **state)
{
	int created = 0;

	for (uint64_t nth = 1; nth <= 200; nth++) {
		struct zs_pool *pool;
		int err = 0;
		struct zs_pool_config cfg;

		zs_pool_config_init(&cfg, ZS_PRESET_NEWEST);
		inject(0, -1, nth);
		pool = zs_create_pool_config("fails", &cfg, &err);
		inject(0, -1, 0);
		if (pool) {
			created++;
			zs_destroy_pool(pool);
		} else {
			assert_int_equal(err, -ENOMEM);
		}
	}
	/* once nth passes the allocations creation makes, it succeeds */
	assert_true(created > 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_handle_alloc_fails, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_zspage_struct_alloc_fails, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_each_chain_page_fails, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_random_failures, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_create_pool_fails_cleanly, test_setup_small_machine, test_teardown_machine),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests_name("zsmalloc -ENOMEM paths", tests, NULL, NULL);
}
