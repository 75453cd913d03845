// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * The public object API: round trips of every size through both access
 * APIs, error handles, page accounting against the simulator's, the
 * statistics printers, and pool teardown with live objects.
 */
#include "test_helpers.h"
#include <errno.h>
#include <zsmalloc/zsmalloc.h>
#include "impl_helpers.h"

#define MAX_SIZE 4096

static void fill_pattern(unsigned char *buf, size_t len, uint64_t key)
{
	struct test_rng r;

	test_rng_init(&r, key);
	for (size_t i = 0; i < len; i++)
		buf[i] = (unsigned char)test_rng_next(&r);
}

static uint64_t checksum(const unsigned char *buf, size_t len)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ buf[i]) * 1099511628211ULL;
	return h;
}

static struct zs_pool *pool_for(enum zs_preset preset)
{
	struct zs_pool_config cfg;
	int err = 0;
	struct zs_pool *pool;

	zs_pool_config_init(&cfg, preset);
	TEST_SKIP_UNSUPPORTED(&cfg);
	pool = zs_create_pool_config("api", &cfg, &err);
	assert_non_null(pool);
	return pool;
}

static uint64_t nr_zspages(void)
{
	uint64_t v = 0;

	assert_int_equal(zsim_vmstat_get("nr_zspages", &v), 0);
	return v;
}

/* Every size 1..4096 written one way and read back both ways. */
static void round_trip_all_sizes(enum zs_preset preset)
{
	struct zs_pool *pool = pool_for(preset);
	unsigned long *handles = calloc(MAX_SIZE + 1, sizeof(*handles));
	uint64_t *sums = calloc(MAX_SIZE + 1, sizeof(*sums));
	unsigned char *buf = malloc(MAX_SIZE), *copy = malloc(MAX_SIZE);
	size_t size;

	assert_non_null(handles);
	for (size = 1; size <= MAX_SIZE; size++) {
		unsigned long h = zs_malloc(pool, size, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);

		assert_false(zs_is_err_handle(h));
		assert_true(h != 0);
		handles[size] = h;
		fill_pattern(buf, size, test_seed * 7919 + size);
		sums[size] = checksum(buf, size);
		if (size & 1) {
			zs_obj_write(pool, h, buf, size);
		} else {
			void *p = zs_map_object(pool, h, ZS_MM_WO);

			memcpy(p, buf, size);
			zs_unmap_object(pool, h);
		}
	}
	/* the pool holds exactly the pages the simulator counts as zspages */
	assert_int_equal(zs_get_total_pages(pool), nr_zspages());
	assert_true(zs_get_total_pages(pool) > 0);

	for (size = 1; size <= MAX_SIZE; size++) {
		void *p = zs_obj_read_begin(pool, handles[size], size, copy);

		assert_true(checksum(p, size) == sums[size]);
		zs_obj_read_end(pool, handles[size], size, p);

		p = zs_map_object(pool, handles[size], ZS_MM_RO);
		assert_true(checksum(p, size) == sums[size]);
		zs_unmap_object(pool, handles[size]);
	}

	/* RW: flip every byte, read back the flip, flip again */
	for (size = 1; size <= MAX_SIZE; size++) {
		unsigned char *p = zs_map_object(pool, handles[size], ZS_MM_RW);

		for (size_t i = 0; i < size; i++)
			p[i] ^= 0xff;
		zs_unmap_object(pool, handles[size]);
		p = zs_obj_read_begin(pool, handles[size], size, copy);
		fill_pattern(buf, size, test_seed * 7919 + size);
		for (size_t i = 0; i < size; i++)
			assert_int_equal(p[i], buf[i] ^ 0xff);
		zs_obj_read_end(pool, handles[size], size, p);
	}

	for (size = 1; size <= MAX_SIZE; size += 2)
		zs_free(pool, handles[size]);
	assert_int_equal(zs_get_total_pages(pool), nr_zspages());
	/* the even half (RW-flipped) is still intact */
	for (size = 2; size <= MAX_SIZE; size += 2) {
		unsigned char *p = zs_obj_read_begin(pool, handles[size], size, copy);

		fill_pattern(buf, size, test_seed * 7919 + size);
		for (size_t i = 0; i < size; i++)
			assert_int_equal(p[i], buf[i] ^ 0xff);
		zs_obj_read_end(pool, handles[size], size, p);
		zs_free(pool, handles[size]);
	}
	/* every object is gone: so is every zspage (none is queued for later) */
	zs_destroy_pool(pool);
	assert_int_equal(nr_zspages(), 0);
	free(handles);
	free(sums);
	free(buf);
	free(copy);
}

static void test_round_trip_newest(void **state)
{
	round_trip_all_sizes(ZS_PRESET_NEWEST);
}

static void test_round_trip_linux_4_8(void **state)
{
	round_trip_all_sizes(ZS_PRESET_LINUX_4_8);
}

/* A shorter read than the object, and a read of a prefix that fits a page. */
static void test_partial_reads(void **state)
{
	struct zs_pool *pool = pool_for(ZS_PRESET_NEWEST);
	unsigned char buf[3000], copy[3000];
	unsigned long h[8];
	int i;

	fill_pattern(buf, sizeof(buf), 42);
	for (i = 0; i < 8; i++) {
		h[i] = zs_malloc(pool, sizeof(buf), ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
		assert_false(zs_is_err_handle(h[i]));
		zs_obj_write(pool, h[i], buf, sizeof(buf));
	}
	for (i = 0; i < 8; i++) {
		for (size_t len = 1; len <= sizeof(buf); len += 499) {
			unsigned char *p = zs_obj_read_begin(pool, h[i], len, copy);

			assert_memory_equal(p, buf, len);
			zs_obj_read_end(pool, h[i], len, p);
		}
	}
	for (i = 0; i < 8; i++)
		zs_free(pool, h[i]);
	zs_destroy_pool(pool);
}

static void test_error_handles(void **state)
{
	struct zs_pool *pool = pool_for(ZS_PRESET_NEWEST);
	unsigned long h;

	h = zs_malloc(pool, 0, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
	assert_true(zs_is_err_handle(h));
	assert_int_equal(zs_handle_errno(h), -EINVAL);
	h = zs_malloc(pool, MAX_SIZE + 1, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
	assert_true(zs_is_err_handle(h));
	assert_int_equal(zs_handle_errno(h), -ENOSPC);
	h = zs_malloc(pool, (size_t)-1, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
	assert_int_equal(zs_handle_errno(h), -ENOSPC);
	assert_int_equal(zs_get_total_pages(pool), 0);
	/* zs_free(pool, 0) is a no-op */
	zs_free(pool, 0);
	h = zs_malloc(pool, MAX_SIZE, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
	assert_false(zs_is_err_handle(h));
	assert_int_equal(zs_handle_errno(h), 0);
	zs_free(pool, h);
	zs_destroy_pool(pool);
	zs_destroy_pool(NULL);
}

/* A write longer than the object's slot is refused, the neighbour kept. */
static void test_oversized_write_refused(void **state)
{
	struct zs_pool *pool = pool_for(ZS_PRESET_NEWEST);
	unsigned char a[100], b[100], big[200], copy[100];
	unsigned long ha, hb;
	unsigned long warns = zsim_warn_count();
	void *p;

	memset(a, 'a', sizeof(a));
	memset(b, 'b', sizeof(b));
	memset(big, 'x', sizeof(big));
	ha = zs_malloc(pool, sizeof(a), ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
	hb = zs_malloc(pool, sizeof(b), ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
	zs_obj_write(pool, ha, a, sizeof(a));
	zs_obj_write(pool, hb, b, sizeof(b));
	zs_obj_write(pool, ha, big, sizeof(big));
	assert_true(zsim_warn_count() > warns);
	p = zs_obj_read_begin(pool, ha, sizeof(a), copy);
	assert_memory_equal(p, a, sizeof(a));
	zs_obj_read_end(pool, ha, sizeof(a), p);
	p = zs_obj_read_begin(pool, hb, sizeof(b), copy);
	assert_memory_equal(p, b, sizeof(b));
	zs_obj_read_end(pool, hb, sizeof(b), p);
	zs_free(pool, ha);
	zs_free(pool, hb);
	zs_destroy_pool(pool);
}

/* Destroying a pool with live objects returns every page and slab object. */
static void test_destroy_with_live_objects(void **state)
{
	struct zs_pool *pool = pool_for(ZS_PRESET_LINUX_4_8);
	struct test_rng r;
	int i;

	test_rng_init(&r, test_seed);
	for (i = 0; i < 5000; i++) {
		unsigned long h = zs_malloc(pool, 1 + test_rng_below(&r, MAX_SIZE),
					    ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);

		assert_false(zs_is_err_handle(h));
	}
	assert_true(nr_zspages() > 0);
	zs_destroy_pool(pool);
	assert_int_equal(nr_zspages(), 0);
	/* the teardown asserts zsim_exit() found nothing leaked */
}

static char *print_to_string(int (*fn)(struct zs_pool *, FILE *), struct zs_pool *pool)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(fn(pool, f), 0);
	fclose(f);
	return buf;
}

static int print_mm_stat_plain(struct zs_pool *pool, FILE *f)
{
	struct zs_zram_stat z = { .orig_data_size = 8192, .compr_data_size = 1000,
				  .same_pages = 3, .huge_pages = 1 };

	return zs_print_mm_stat(pool, &z, f);
}

static void test_printers(void **state)
{
	struct zs_pool_config old_cfg;
	struct zs_pool *newest = pool_for(ZS_PRESET_NEWEST);
	struct zs_pool *old = NULL;
	unsigned long h1 = zs_malloc(newest, 500, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
	unsigned long h2 = 0;

	/* the kernel's file has only its own policies: the 4.8 half is ours */
	zs_pool_config_init(&old_cfg, ZS_PRESET_LINUX_4_8);
	if (!test_config_unsupported(&old_cfg)) {
		old = pool_for(ZS_PRESET_LINUX_4_8);
		h2 = zs_malloc(old, 500, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
	}
	unsigned long long f[9];
	char *s;
	int n;

	s = print_to_string(zs_print_classes, newest);
	assert_non_null(strstr(s, " class  size       10%       20%"));
	assert_non_null(strstr(s, "obj_allocated   obj_used pages_used pages_per_zspage freeable"));
	assert_non_null(strstr(s, " Total"));
	/* 119 class rows + header + blank + total */
	n = 0;
	for (char *p = s; *p; p++)
		n += *p == '\n';
	assert_int_equal(n, 119 + 3);
	free(s);

	if (old) {
		s = print_to_string(zs_print_classes, old);
		assert_non_null(strstr(s, " class  size almost_full almost_empty obj_allocated"));
		n = 0;
		for (char *p = s; *p; p++)
			n += *p == '\n';
		assert_int_equal(n, 69 + 3);
		free(s);
	}

	s = print_to_string(print_mm_stat_plain, newest);
	n = sscanf(s, "%llu %llu %llu %llu %llu %llu %llu %llu %llu", &f[0], &f[1], &f[2],
		   &f[3], &f[4], &f[5], &f[6], &f[7], &f[8]);
	assert_int_equal(n, 9);
	assert_int_equal(f[0], 8192);
	assert_int_equal(f[1], 1000);
	assert_int_equal(f[2], zs_get_total_pages(newest) * 4096);
	assert_int_equal(f[4], zs_get_total_pages(newest) * 4096);	/* max so far */
	assert_int_equal(f[5], 3);
	assert_int_equal(f[7], 1);
	free(s);

	zs_free(newest, h1);
	if (old) {
		zs_free(old, h2);
		zs_destroy_pool(old);
	}
	zs_destroy_pool(newest);
}

static void test_snapshot_counts(void **state)
{
	struct zs_pool *pool = pool_for(ZS_PRESET_NEWEST);
	struct zs_pool_snapshot *snap = calloc(1, sizeof(*snap));
	unsigned long h[300];
	uint64_t pages = 0, used = 0;
	unsigned int c, g;
	int i;

	for (i = 0; i < 300; i++)
		h[i] = zs_malloc(pool, 100 + i * 13, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
	snap->size = sizeof(*snap) - 1;
	assert_int_equal(zs_pool_snapshot(pool, snap), -EINVAL);
	snap->size = sizeof(*snap);
	assert_int_equal(zs_pool_snapshot(pool, snap), 0);
	assert_int_equal(snap->obj_used, 300);
	assert_int_equal(snap->nr_groups, 12);
	for (c = 0; c < snap->nr_classes; c++) {
		const struct zs_class_stats *cs = &snap->classes[c];
		uint64_t zspages = 0;

		for (g = 0; g < snap->nr_groups; g++)
			zspages += cs->zspages[g];
		assert_int_equal(cs->obj_allocated, zspages * cs->objs_per_zspage);
		pages += cs->pages_used;
		used += cs->obj_used;
	}
	assert_int_equal(pages, snap->pages_allocated);
	assert_int_equal(used, 300);
	assert_int_equal(snap->handle_bytes, 300 * 8);
	for (i = 0; i < 300; i++)
		zs_free(pool, h[i]);
	free(snap);
	zs_destroy_pool(pool);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip_newest, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_round_trip_linux_4_8, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_partial_reads, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_error_handles, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_oversized_write_refused, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_destroy_with_live_objects, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_printers, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_snapshot_counts, test_setup_small_machine, test_teardown_machine),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests_name("zsmalloc object API", tests, NULL, NULL);
}
