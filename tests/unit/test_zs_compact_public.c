// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Compaction and migration through the public API only, so that it runs
 * on both implementations (this project's lib/zsmalloc.c and, labelled
 * "linux", the kernel's own mm/zsmalloc.c): after a random 60% of the
 * objects are freed, zs_compact() gives pages back and leaves no class
 * with a zspage's worth of free slots; zone compaction (zsim_compact_memory)
 * moves zspage pages; the pool's shrinker compacts under reclaim; every
 * live object keeps its bytes throughout.  The white-box
 * test_zs_compact.c and test_zs_migrate.c check ours in more detail.
 */
#include "test_helpers.h"
#include <zsmalloc/zsmalloc.h>
#include "impl_helpers.h"

#define NR_OBJS	6000

struct obj {
	unsigned long handle;
	unsigned int size;
	unsigned int key;
};

static struct obj objs[NR_OBJS];

static void fill(unsigned char *buf, size_t len, unsigned int key)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (unsigned char)(key * 31 + i * 7);
}

static void populate(struct zs_pool *pool, struct test_rng *r)
{
	unsigned char buf[4096];

	for (unsigned int i = 0; i < NR_OBJS; i++) {
		/* compressed-page-like: mostly 100..3000 bytes, some huge */
		unsigned int size = test_rng_below(r, 10) ? 100 + (unsigned int)test_rng_below(r, 2900)
							  : 3500 + (unsigned int)test_rng_below(r, 597);

		objs[i].handle = zs_malloc(pool, size, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
		assert_false(zs_is_err_handle(objs[i].handle));
		objs[i].size = size;
		objs[i].key = i + 1;
		fill(buf, size, objs[i].key);
		zs_obj_write(pool, objs[i].handle, buf, size);
	}
}

static void free_some(struct zs_pool *pool, struct test_rng *r, unsigned int percent)
{
	for (unsigned int i = 0; i < NR_OBJS; i++) {
		if (objs[i].handle && test_rng_below(r, 100) < percent) {
			zs_free(pool, objs[i].handle);
			objs[i].handle = 0;
		}
	}
}

static void check_all(struct zs_pool *pool)
{
	unsigned char want[4096], copy[4096];

	for (unsigned int i = 0; i < NR_OBJS; i++) {
		const void *mem;

		if (!objs[i].handle)
			continue;
		fill(want, objs[i].size, objs[i].key);
		mem = zs_obj_read_begin(pool, objs[i].handle, objs[i].size, copy);
		assert_memory_equal(mem, want, objs[i].size);
		zs_obj_read_end(pool, objs[i].handle, objs[i].size, mem);
	}
}

static void free_all(struct zs_pool *pool)
{
	for (unsigned int i = 0; i < NR_OBJS; i++)
		if (objs[i].handle)
			zs_free(pool, objs[i].handle);
	memset(objs, 0, sizeof(objs));
	assert_int_equal(zs_get_total_pages(pool), 0);
}

static struct zs_pool_snapshot *snapshot(struct zs_pool *pool)
{
	static struct zs_pool_snapshot snap;

	snap.size = sizeof(snap);
	assert_int_equal(zs_pool_snapshot(pool, &snap), 0);
	return &snap;
}

static uint64_t vmstat(const char *name)
{
	uint64_t v = 0;

	assert_int_equal(zsim_vmstat_get(name, &v), 0);
	return v;
}

static void test_zs_compact_gives_pages_back(void **state)
{
	struct zs_pool *pool = zs_create_pool("compact");
	struct zs_pool_stats stats;
	struct zs_pool_snapshot *snap;
	struct test_rng r;
	unsigned long before, after, freed;

	(void)state;
	assert_non_null(pool);
	test_rng_init(&r, test_seed);
	populate(pool, &r);
	free_some(pool, &r, 60);
	check_all(pool);
	before = zs_get_total_pages(pool);
	snap = snapshot(pool);
	assert_true(snap->obj_used < snap->obj_allocated);

	freed = zs_compact(pool);
	after = zs_get_total_pages(pool);
	printf("# zs_compact: %lu -> %lu pages, %lu freed\n", before, after, freed);
	assert_true(freed > 0);
	assert_int_equal(before - after, freed);
	zs_pool_stats(pool, &stats);
	assert_int_equal(stats.pages_compacted, (long)freed);

	/* no class is left with a whole zspage's worth of free slots */
	snap = snapshot(pool);
	for (unsigned int i = 0; i < snap->nr_classes; i++)
		assert_int_equal(snap->classes[i].freeable, 0);
	check_all(pool);
	/* a second pass finds nothing */
	assert_int_equal(zs_compact(pool), 0);
	free_all(pool);
	zs_destroy_pool(pool);
}

static void test_zone_compaction_moves_zspages(void **state)
{
	struct zs_pool *pool = zs_create_pool("zone");
	uint64_t moved;
	struct test_rng r;

	(void)state;
	assert_non_null(pool);
	test_rng_init(&r, test_seed + 1);
	populate(pool, &r);
	free_some(pool, &r, 60);
	moved = vmstat("pgmigrate_success");
	assert_int_equal(zsim_compact_memory(), 0);
	moved = vmstat("pgmigrate_success") - moved;
	printf("# zone compaction migrated %llu pages\n", (unsigned long long)moved);
	assert_true(moved > 0);
	assert_int_equal(vmstat("nr_isolated_movable"), 0);
	check_all(pool);
	/* objects stay usable after the move: free, reallocate, compact */
	free_some(pool, &r, 50);
	zs_compact(pool);
	check_all(pool);
	free_all(pool);
	zs_destroy_pool(pool);
}

static void test_shrinker_compacts(void **state)
{
	struct zs_pool *pool = zs_create_pool("shrink");
	struct zs_pool_stats stats;
	unsigned long before;
	struct test_rng r;

	(void)state;
	assert_non_null(pool);
	test_rng_init(&r, test_seed + 2);
	populate(pool, &r);
	free_some(pool, &r, 60);
	before = zs_get_total_pages(pool);
	zsim_shrink_all(0);
	zs_pool_stats(pool, &stats);
	printf("# shrinker: %lu -> %lu pages\n", before, zs_get_total_pages(pool));
	assert_true(zs_get_total_pages(pool) < before);
	assert_true(stats.pages_compacted > 0);
	check_all(pool);
	free_all(pool);
	zs_destroy_pool(pool);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_zs_compact_gives_pages_back,
						test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_zone_compaction_moves_zspages,
						test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_shrinker_compacts,
						test_setup_small_machine, test_teardown_machine),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests_name("compaction and migration, public API", tests, NULL, NULL);
}
