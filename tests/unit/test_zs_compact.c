// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * zs_compact(): after a random 60% of the objects are freed, compaction
 * gives pages back, leaves no class with two zspages that could merge,
 * keeps every live object intact, in both fullness schemes; the
 * shrinker runs it under simulated memory pressure.
 */
#include "../../lib/zsmalloc.c"
#include "../../lib/zs_config.c"

#include <pthread.h>

#include "test_helpers.h"
#include "zs_whitebox.h"

struct obj {
	unsigned long handle;
	unsigned int size;
	unsigned long obj;	/* location before compaction */
};

static void fill(unsigned char *buf, size_t len, unsigned long key)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (unsigned char)(key * 7 + i);
}

static size_t populate(struct zs_pool *pool, struct obj *objs, size_t nr,
		       struct test_rng *r)
{
	unsigned char buf[4096];

	for (size_t i = 0; i < nr; i++) {
		/* a compressed-page-like mix: mostly 200..3000 bytes, some huge */
		unsigned int size = test_rng_below(r, 10) ? 200 + test_rng_below(r, 2800)
							  : 3700 + test_rng_below(r, 396);

		objs[i].handle = zs_malloc(pool, size, GFP_KERNEL, -1);
		assert_false(IS_ERR_VALUE(objs[i].handle));
		objs[i].size = size;
		fill(buf, size, objs[i].handle);
		zs_obj_write(pool, objs[i].handle, buf, size);
	}
	return nr;
}

static void verify(struct zs_pool *pool, struct obj *objs, size_t nr)
{
	unsigned char buf[4096], copy[4096];

	for (size_t i = 0; i < nr; i++) {
		void *p;

		if (!objs[i].handle)
			continue;
		p = zs_obj_read_begin(pool, objs[i].handle, objs[i].size, copy);
		fill(buf, objs[i].size, objs[i].handle);
		assert_memory_equal(p, buf, objs[i].size);
		zs_obj_read_end(pool, objs[i].handle, objs[i].size, p);
	}
}

/* Free a random @pct% of the objects. */
static void free_share(struct zs_pool *pool, struct obj *objs, size_t nr,
		       struct test_rng *r, unsigned int pct)
{
	for (size_t i = 0; i < nr; i++) {
		if (objs[i].handle && test_rng_below(r, 100) < pct) {
			zs_free(pool, objs[i].handle);
			objs[i].handle = 0;
		}
	}
}

/* No class may hold a whole zspage's worth of free slots after compaction. */
static void assert_nothing_mergeable(struct zs_pool *pool)
{
	for (unsigned int i = 0; i < ZS_SIZE_CLASSES; i++) {
		struct size_class *class = pool->size_class[i];
		struct zspage *a, *b;
		int fg, fg2;

		if (class->index != i)
			continue;
		spin_lock(&class->lock);
		assert_int_equal(zs_can_compact(class), 0);
		spin_unlock(&class->lock);
		/* and pairwise: no two non-full zspages fit in one */
		for (fg = 1; fg < zs_full_group(pool); fg++)
			list_for_each_entry(a, &class->fullness_list[fg], list)
				for (fg2 = 1; fg2 < zs_full_group(pool); fg2++)
					list_for_each_entry(b, &class->fullness_list[fg2], list)
						if (a != b)
							assert_true(a->inuse + b->inuse >
								    (unsigned int)class->objs_per_zspage);
	}
}

static void compact_scheme(enum zs_preset preset)
{
	struct zs_pool_config cfg;
	struct zs_pool *pool;
	struct zs_pool_stats stats;
	struct test_rng r;
	size_t nr = test_under_valgrind() ? 3000 : 12000, i;
	struct obj *objs = calloc(nr, sizeof(*objs));
	unsigned long before, after, freed, live_bytes = 0, moved;
	struct zs_pool_snapshot *snap = calloc(1, sizeof(*snap));

	zs_pool_config_init(&cfg, preset);
	pool = zs_create_pool_config("compact", &cfg, NULL);
	test_rng_init(&r, test_seed);
	populate(pool, objs, nr, &r);
	free_share(pool, objs, nr, &r, 60);
	for (i = 0; i < nr; i++)
		live_bytes += objs[i].handle ? objs[i].size : 0;
	flush_work(&pool->free_work);
	for (i = 0; i < nr; i++)
		objs[i].obj = objs[i].handle ? handle_to_obj(objs[i].handle) : 0;
	before = zs_get_total_pages(pool);
	freed = zs_compact(pool);
	flush_work(&pool->free_work);
	after = zs_get_total_pages(pool);
	printf("# %s: %lu -> %lu pages (freed %lu); density %.1f%% -> %.1f%%\n",
	       preset == ZS_PRESET_NEWEST ? "newest" : "4.8", before, after, freed,
	       100.0 * live_bytes / (before * 4096.0), 100.0 * live_bytes / (after * 4096.0));
	assert_true(freed > 0);
	assert_int_equal(before - after, freed);
	zs_pool_stats(pool, &stats);
	assert_int_equal(stats.pages_compacted, (long)freed);
	/*
	 * objs_moved counts moves (object copies); an object moved into a
	 * zspage that later drains as a source moves twice, so it is at least
	 * the number of objects whose location changed.
	 */
	for (i = 0, moved = 0; i < nr; i++)
		moved += objs[i].handle && handle_to_obj(objs[i].handle) != objs[i].obj;
	snap->size = sizeof(*snap);
	assert_int_equal(zs_pool_snapshot(pool, snap), 0);
	printf("# %lu objects relocated by %llu moves\n", moved,
	       (unsigned long long)snap->objs_moved);
	assert_true(moved > 0);
	assert_true(snap->objs_moved >= moved);
	free(snap);
	check_pool(pool);
	assert_nothing_mergeable(pool);
	verify(pool, objs, nr);
	/* nothing left to do: returns 0 */
	assert_int_equal(zs_compact(pool), 0);
	for (i = 0; i < nr; i++)
		zs_free(pool, objs[i].handle);
	zs_destroy_pool(pool);
	free(objs);
}

static void test_compact_newest(void **state)
{
	compact_scheme(ZS_PRESET_NEWEST);
}

static void test_compact_linux_4_8(void **state)
{
	compact_scheme(ZS_PRESET_LINUX_4_8);
}

static void test_compact_empty_pool(void **state)
{
	struct zs_pool *pool = zs_create_pool("empty");

	assert_int_equal(zs_compact(pool), 0);
	zs_destroy_pool(pool);
}

/* A pinned object stays put and compaction still terminates. */
static void *compact_thread(void *pool)
{
	zs_compact(pool);
	return NULL;
}

static void test_compact_skips_pinned(void **state)
{
	struct zs_pool *pool = zs_create_pool("pinned");
	struct test_rng r;
	size_t nr = 2000, i;
	struct obj *objs = calloc(nr, sizeof(*objs));
	unsigned long obj_before, obj_after;
	char copy[4096];
	pthread_t t;
	void *p;

	test_rng_init(&r, test_seed + 1);
	populate(pool, objs, nr, &r);
	free_share(pool, objs + 1, nr - 1, &r, 70);
	/* objs[0] is held open: pinned */
	p = zs_obj_read_begin(pool, objs[0].handle, objs[0].size, copy);
	obj_before = handle_to_obj(objs[0].handle);
	/* The window is atomic and compaction sleeps: another thread. */
	assert_int_equal(pthread_create(&t, NULL, compact_thread, pool), 0);
	pthread_join(t, NULL);
	obj_after = handle_to_obj(objs[0].handle);
	assert_true((obj_before & ~1UL) == (obj_after & ~1UL));
	zs_obj_read_end(pool, objs[0].handle, objs[0].size, p);
	check_pool(pool);
	verify(pool, objs, nr);
	for (i = 0; i < nr; i++)
		zs_free(pool, objs[i].handle);
	zs_destroy_pool(pool);
	free(objs);
}

/*
 * zsmalloc compaction allocates nothing: with every page and slab
 * allocation failing it still frees pages, and loses nothing.
 */
static void test_compact_under_allocation_failures(void **state)
{
	struct zs_pool *pool = zs_create_pool("nomem");
	struct zsim_fault_config f = { .size = sizeof(f), .page_fail_ppm = 1000000, .page_fail_order = -1,
				       .slab_fail_ppm = 1000000 };
	struct zsim_fault_config off = { .size = sizeof(off), .page_fail_order = -1 };
	struct zsim_fault_stats fs;
	struct test_rng r;
	size_t nr = 4000, i;
	struct obj *objs = calloc(nr, sizeof(*objs));
	unsigned long freed;

	test_rng_init(&r, test_seed + 3);
	populate(pool, objs, nr, &r);
	free_share(pool, objs, nr, &r, 60);
	f.seed = test_seed;
	assert_int_equal(zsim_fault_set(&f), 0);
	/* prove the injection is live: a new zspage cannot be had */
	assert_int_equal((long)zs_malloc(pool, 4000, GFP_KERNEL, -1), -ENOMEM);
	freed = zs_compact(pool);
	assert_int_equal(zsim_fault_set(&off), 0);
	assert_int_equal(zsim_fault_stats(&fs), 0);
	assert_true(fs.slab_injected + fs.page_injected > 0);
	assert_true(freed > 0);
	check_pool(pool);
	verify(pool, objs, nr);
	for (i = 0; i < nr; i++)
		zs_free(pool, objs[i].handle);
	zs_destroy_pool(pool);
	free(objs);
}

/* Memory pressure: the pool's shrinker compacts it. */
static void test_shrinker_compacts(void **state)
{
	struct zs_pool *pool = zs_create_pool("shrink");
	struct zs_pool_stats stats;
	struct test_rng r;
	size_t nr = 6000, i;
	struct obj *objs = calloc(nr, sizeof(*objs));
	unsigned long before;

	test_rng_init(&r, test_seed + 2);
	populate(pool, objs, nr, &r);
	free_share(pool, objs, nr, &r, 60);
	before = zs_get_total_pages(pool);
	assert_true(zsim_shrink_all(0) > 0);
	zs_pool_stats(pool, &stats);
	assert_true(stats.pages_compacted > 0);
	assert_true(zs_get_total_pages(pool) < before);
	verify(pool, objs, nr);
	for (i = 0; i < nr; i++)
		zs_free(pool, objs[i].handle);
	zs_destroy_pool(pool);
	free(objs);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_compact_newest, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_compact_linux_4_8, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_compact_empty_pool, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_compact_skips_pinned, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_compact_under_allocation_failures, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_shrinker_compacts, test_setup_small_machine, test_teardown_machine),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests_name("zsmalloc compaction", tests, NULL, NULL);
}
