// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Every -ENOMEM path of zs_malloc() driven by fault injection by target,
 * each named by what it fails: kmem_cache_alloc() on the zs_handle cache
 * (the handle slot), on the zspage cache (the struct zspage), the kth
 * page allocation of a new zspage's chain (movable order-0 pages), and
 * random page and slab failures over a long run; pool creation failing
 * at each of its slab allocations.  Then the migration paths that the
 * same injection reaches: a zspage page's move answering -EAGAIN (as a
 * busy driver would) and the zspage's migrate lock found taken
 * (write_trylock()).  After each: the pool is consistent, earlier
 * objects read back intact, nothing leaks.
 */
#include "../../lib/zsmalloc.c"
#include "../../lib/zs_config.c"

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

static void set_site(enum zsim_fault_site site, const struct zsim_fault_attr *a)
{
	int err = zsim_fault_set_attr(site, a);

	if (err)
		fprintf(stderr, "zsim_fault_set_attr: %s\n", zsim_last_error());
	assert_int_equal(err, 0);
}

/* Fail the @nth kmem_cache_alloc() on the slab cache called @cache. */
static void fail_kmem_cache_alloc(const char *cache, uint64_t nth)
{
	struct zsim_fault_attr a;

	zsim_fault_attr_default(&a);
	a.nth = nth;
	snprintf(a.name, sizeof(a.name), "%s", cache);
	set_site(ZSIM_FAULT_SLAB, &a);
}

/* Fail the @nth slab allocation from any cache (kmalloc included). */
static void fail_any_slab_alloc(uint64_t nth)
{
	struct zsim_fault_attr a;

	zsim_fault_attr_default(&a);
	a.nth = nth;
	set_site(ZSIM_FAULT_SLAB, &a);
}

/*
 * Fail the @k-th page allocation of the next zspage's chain: zspages
 * take movable order-0 pages, which nothing else in zs_malloc() does
 * (slab pages are unmovable).
 */
static void fail_zspage_page_alloc(uint64_t k)
{
	struct zsim_fault_attr a;

	zsim_fault_attr_default(&a);
	a.nth = k;
	a.order = 0;
	a.gfp_mask = a.gfp_match = ZSIM_GFP_MOVABLE;
	set_site(ZSIM_FAULT_PAGE_ALLOC, &a);
}

static void faults_off(void)
{
	assert_int_equal(zsim_fault_parse("off"), 0);
}

static uint64_t injected_at(enum zsim_fault_site site)
{
	uint64_t n;

	assert_int_equal(zsim_fault_site_stats(site, NULL, &n), 0);
	return n;
}

/* kmem_cache_alloc on zs_handle fails: -ENOMEM, nothing else changes. */
static void test_handle_alloc_fails(void **state)
{
	struct zs_pool *pool = zs_create_pool("enomem");
	unsigned long pages, h;

	store_keepers(pool);
	pages = zs_get_total_pages(pool);
	fail_kmem_cache_alloc("zs_handle", 1);
	h = zs_malloc(pool, 100, GFP_KERNEL, -1);
	assert_int_equal((long)h, -ENOMEM);
	assert_int_equal(injected_at(ZSIM_FAULT_SLAB), 1);
	faults_off();
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

/* kmem_cache_alloc on zspage fails: the new zspage's struct cannot be had. */
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
	fail_kmem_cache_alloc("zspage", 1);
	h = zs_malloc(pool, 3000, GFP_KERNEL, -1);
	assert_int_equal((long)h, -ENOMEM);
	assert_int_equal(injected_at(ZSIM_FAULT_SLAB), 1);
	assert_int_equal(zs_get_total_pages(pool), pages);
	check_pool(pool);
	faults_off();
	while (nr)
		zs_free(pool, extra[--nr]);
	verify_and_free_keepers(pool);
	zs_destroy_pool(pool);
}

/* The zspage's kth page allocation fails: the k-1 pages taken go back. */
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
		fail_zspage_page_alloc((uint64_t)k);
		h = zs_malloc(pool, 1128, GFP_KERNEL, -1);
		assert_int_equal((long)h, -ENOMEM);
		assert_int_equal(injected_at(ZSIM_FAULT_PAGE_ALLOC), 1);
		faults_off();
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

/* Random page (10%) and slab (5%) failures through a long run. */
static void test_random_failures(void **state)
{
	struct zs_pool *pool = zs_create_pool("enomem");
	struct zsim_fault_attr a;
	uint64_t page_injected, slab_injected;
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
	zsim_fault_attr_default(&a);
	a.probability = 10;
	a.seed = test_seed;
	set_site(ZSIM_FAULT_PAGE_ALLOC, &a);
	a.probability = 5;
	a.seed = test_seed ^ 0x5a5a;
	set_site(ZSIM_FAULT_SLAB, &a);

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
	page_injected = injected_at(ZSIM_FAULT_PAGE_ALLOC);
	slab_injected = injected_at(ZSIM_FAULT_SLAB);
	faults_off();
	printf("# %zu zs_malloc failures; %llu page and %llu slab failures injected\n",
	       failures, (unsigned long long)page_injected,
	       (unsigned long long)slab_injected);
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

/* Pool creation with its nth slab allocation failed, for every n: NULL and nothing leaked. */
static void test_create_pool_fails_cleanly(void **state)
{
	int created = 0;

	for (uint64_t nth = 1; nth <= 200; nth++) {
		struct zs_pool *pool;
		int err = 0;
		struct zs_pool_config cfg;

		zs_pool_config_init(&cfg, ZS_PRESET_NEWEST);
		fail_any_slab_alloc(nth);
		pool = zs_create_pool_config("fails", &cfg, &err);
		faults_off();
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

/* Objects in a zspage whose first page is migrated by hand below. */
static unsigned long store_on_one_page(struct zs_pool *pool, uint64_t *pfn)
{
	unsigned char buf[200];
	unsigned long h = zs_malloc(pool, sizeof(buf), GFP_KERNEL, -1);

	assert_false(IS_ERR_VALUE(h));
	fill(buf, sizeof(buf), 77);
	zs_obj_write(pool, h, buf, sizeof(buf));
	assert_int_equal(zs_handle_pfn(pool, h, pfn), 0);
	return h;
}

static void verify_one(struct zs_pool *pool, unsigned long h)
{
	unsigned char buf[200], copy[200];
	void *p = zs_obj_read_begin(pool, h, sizeof(buf), copy);

	fill(buf, sizeof(buf), 77);
	assert_memory_equal(p, buf, sizeof(buf));
	zs_obj_read_end(pool, h, sizeof(buf), p);
}

/*
 * The zspage page's move fails with -EAGAIN on every pass: the page stays
 * isolated and whole; one failure only: the next pass moves it.
 */
static void test_migrate_eagain(void **state)
{
	struct zs_pool *pool = zs_create_pool("enomem");
	struct zsim_fault_attr a;
	uint64_t pfn, new_pfn, now;
	unsigned long h;

	store_keepers(pool);
	h = store_on_one_page(pool, &pfn);
	assert_int_equal(zsim_isolate_page(pfn), 0);

	zsim_fault_attr_default(&a);
	a.probability = 100;
	set_site(ZSIM_FAULT_MIGRATE, &a);
	assert_int_equal(zsim_migrate_page(pfn, 0, &new_pfn), -EAGAIN);
	assert_true(injected_at(ZSIM_FAULT_MIGRATE) >= 2);	/* every pass */
	assert_int_equal(zs_handle_pfn(pool, h, &now), 0);
	assert_int_equal(now, pfn);

	zsim_fault_attr_default(&a);
	a.nth = 1;
	set_site(ZSIM_FAULT_MIGRATE, &a);
	assert_int_equal(zsim_migrate_page(pfn, 0, &new_pfn), 0);
	assert_int_equal(injected_at(ZSIM_FAULT_MIGRATE), 1);
	faults_off();
	assert_int_equal(zs_handle_pfn(pool, h, &now), 0);
	assert_int_equal(now, new_pfn);
	assert_true(new_pfn != pfn);
	verify_one(pool, h);
	check_pool(pool);
	zs_free(pool, h);
	verify_and_free_keepers(pool);
	zs_destroy_pool(pool);
}

/* The zspage's migrate lock is found taken (write_trylock fails): -EAGAIN. */
static void test_migrate_lock_busy(void **state)
{
	struct zs_pool *pool = zs_create_pool("enomem");
	struct zsim_fault_attr a;
	uint64_t pfn, new_pfn, now;
	unsigned long h;

	store_keepers(pool);
	h = store_on_one_page(pool, &pfn);
	assert_int_equal(zsim_isolate_page(pfn), 0);
	zsim_fault_attr_default(&a);
	a.probability = 100;
	strcpy(a.name, "write");
	set_site(ZSIM_FAULT_TRYLOCK, &a);
	assert_int_equal(zsim_migrate_page(pfn, 0, &new_pfn), -EAGAIN);
	assert_true(injected_at(ZSIM_FAULT_TRYLOCK) >= 1);
	faults_off();
	assert_int_equal(zs_handle_pfn(pool, h, &now), 0);
	assert_int_equal(now, pfn);
	assert_int_equal(zsim_putback_page(pfn), 0);
	verify_one(pool, h);
	check_pool(pool);
	zs_free(pool, h);
	verify_and_free_keepers(pool);
	zs_destroy_pool(pool);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_handle_alloc_fails, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_zspage_struct_alloc_fails, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_each_chain_page_fails, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_random_failures, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_create_pool_fails_cleanly, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_migrate_eagain, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_migrate_lock_busy, test_setup_small_machine, test_teardown_machine),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests_name("zsmalloc -ENOMEM paths", tests, NULL, NULL);
}
