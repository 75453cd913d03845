// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Driver-level page control through the public API (zsim.h, zs_handle_pfn()):
 * a contiguous range allocation in a fragmented machine full of zspages
 * succeeds with every object's data intact, and fails cleanly with
 * migration switched off; each bad input is a clear error that moves and
 * loses nothing; a chosen zspage page is isolated, migrated (anywhere or to
 * a chosen free pfn) and put back, by pfn and by handle, its handle
 * unchanged and now at the new pfn; a page that is not movable is refused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "test_helpers.h"
#include <zsmalloc/zsmalloc.h>

#define MACHINE_BYTES	(64ULL << 20)
#define PB_ORDER	7		/* 128-page pageblocks */
#define PB_PAGES	(1UL << PB_ORDER)
#define RANGE_PAGES	(8 * PB_PAGES)	/* 4 MiB */
#define NR_OBJS		30000
#define ALIGN_UP_PB(pfn)	(((pfn) + PB_PAGES - 1) & ~(uint64_t)(PB_PAGES - 1))

struct obj {
	unsigned long handle;
	unsigned int size;
};

static struct zs_pool *pool;
static struct obj *objs;
static unsigned int nr_objs;
static uint64_t start_pfn, end_pfn;

static void fill(unsigned char *buf, size_t len, unsigned long key)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (unsigned char)(key * 13 + i * 7 + 1);
}

static int intact(const struct obj *o)
{
	unsigned char want[4096], copy[4096];
	void *p = zs_obj_read_begin(pool, o->handle, o->size, copy);
	int ok;

	fill(want, o->size, o->handle);
	ok = !memcmp(p, want, o->size);
	zs_obj_read_end(pool, o->handle, o->size, p);
	return ok;
}

/* Read back every live object. */
static void all_intact(void)
{
	unsigned int i, bad = 0;

	for (i = 0; i < nr_objs; i++)
		if (objs[i].handle && !intact(&objs[i]))
			bad++;
	assert_int_equal(bad, 0);
}

static uint64_t vmstat(const char *name)
{
	uint64_t v = 0;

	assert_int_equal(zsim_vmstat_get(name, &v), 0);
	return v;
}

static struct zsim_page_info info_of(uint64_t pfn)
{
	struct zsim_page_info info = { .size = sizeof(info) };

	assert_int_equal(zsim_page_info(pfn, &info), 0);
	return info;
}

static uint64_t free_pages(void)
{
	struct zsim_zoneinfo zi;

	assert_int_equal(zsim_get_zoneinfo(&zi), 0);
	/* with the free pages on the per-CPU lists */
	return zi.free_pages + zi.pcp_pages;
}

/* Fill the machine with zspages, then free every other object. */
static int setup(void **state)
{
	unsigned char buf[4096];
	uint32_t x = 12345;
	unsigned int i;

	(void)state;
	test_boot(MACHINE_BYTES, PB_ORDER);
	assert_int_equal(zsim_pfn_range(&start_pfn, &end_pfn), 0);
	pool = zs_create_pool("cma");
	assert_non_null(pool);
	objs = calloc(NR_OBJS, sizeof(*objs));
	assert_non_null(objs);
	for (i = 0; i < NR_OBJS; i++) {
		x = x * 1103515245u + 12345u;
		objs[i].size = 32 + (x >> 8) % 3000;
		objs[i].handle = zs_malloc(pool, objs[i].size, ZS_GFP_KERNEL,
					   ZS_NUMA_NO_NODE);
		if (zs_handle_errno(objs[i].handle)) {
			objs[i].handle = 0;
			break;
		}
		fill(buf, objs[i].size, objs[i].handle);
		zs_obj_write(pool, objs[i].handle, buf, objs[i].size);
	}
	nr_objs = i;
	for (i = 0; i < nr_objs; i += 2) {
		zs_free(pool, objs[i].handle);
		objs[i].handle = 0;
	}
	return 0;
}

static int teardown(void **state)
{
	unsigned int i;

	(void)state;
	all_intact();
	for (i = 0; i < nr_objs; i++)
		if (objs[i].handle)
			zs_free(pool, objs[i].handle);
	free(objs);
	zs_destroy_pool(pool);
	test_shutdown();
	return 0;
}

/*
 * The pageblock-aligned range of @nr pages that holds the most zspage
 * pages and nothing unmovable; 0 if there is none.
 */
static uint64_t movable_range(uint64_t nr, unsigned int *zspage_pages)
{
	uint64_t base, pfn, best = 0;
	unsigned int movable, most = 0;
	int unmovable;

	for (base = ALIGN_UP_PB(start_pfn); base + nr <= end_pfn; base += PB_PAGES) {
		movable = 0;
		unmovable = 0;
		for (pfn = base; pfn < base + nr && !unmovable; pfn++) {
			struct zsim_page_info info = info_of(pfn);

			if (info.owner == ZSIM_PAGE_MOVABLE_OPS)
				movable++;
			else if (info.owner != ZSIM_PAGE_FREE)
				unmovable = 1;
		}
		if (!unmovable && movable > most) {
			most = movable;
			best = base;
		}
	}
	*zspage_pages = most;
	return best;
}

/* The first page owned by @owner, or 0. */
static uint64_t find_owner(enum zsim_page_owner owner)
{
	uint64_t pfn;

	for (pfn = start_pfn; pfn < end_pfn; pfn++)
		if (info_of(pfn).owner == owner)
			return pfn;
	return 0;
}

static void test_contig_range_in_full_machine(void **state)
{
	unsigned int zspage_pages = 0;
	uint64_t base, pfn, migrated = vmstat("pgmigrate_success");
	uint64_t ok = vmstat("cma_alloc_success");

	(void)state;
	base = movable_range(RANGE_PAGES, &zspage_pages);
	assert_true(base != 0);
	/* a memory full of zspages: most of the range is in use */
	assert_true(zspage_pages > RANGE_PAGES / 4);

	assert_int_equal(zsim_alloc_contig_range(base, RANGE_PAGES), 0);
	assert_string_equal(zsim_page_error(), "");
	for (pfn = base; pfn < base + RANGE_PAGES; pfn++) {
		struct zsim_page_info info = info_of(pfn);

		assert_int_equal(info.owner, ZSIM_PAGE_OTHER);
		assert_int_equal(info.refcount, 1);
		/* back to Movable once taken, as the kernel labels them */
		assert_int_equal(info.pageblock_mt, ZSIM_MOVABLE);
	}
	assert_true(vmstat("pgmigrate_success") - migrated >= zspage_pages);
	assert_int_equal(vmstat("cma_alloc_success"), ok + 1);
	assert_int_equal(vmstat("nr_isolated_movable"), 0);
	all_intact();

	/* a second allocation of the same range: nothing there can move */
	assert_int_equal(zsim_alloc_contig_range(base, RANGE_PAGES), -EBUSY);
	assert_int_equal(zsim_free_contig_range(base, RANGE_PAGES), 0);
	for (pfn = base; pfn < base + RANGE_PAGES; pfn++)
		assert_int_equal(info_of(pfn).owner, ZSIM_PAGE_FREE);
	/* not ours any more */
	assert_int_equal(zsim_free_contig_range(base, RANGE_PAGES), -EINVAL);
	assert_non_null(strstr(zsim_page_error(), "was not allocated"));
	all_intact();
}

static void test_contig_range_without_migration(void **state)
{
	unsigned int zspage_pages = 0;
	uint64_t base, migrated, free_before, fail;
	char want[64];
	bool was;

	(void)state;
	base = movable_range(RANGE_PAGES, &zspage_pages);
	assert_true(base != 0);
	migrated = vmstat("pgmigrate_success");
	fail = vmstat("cma_alloc_fail");
	free_before = free_pages();

	was = zsim_set_compaction(false);
	assert_int_equal(zsim_alloc_contig_range(base, RANGE_PAGES), -EBUSY);
	zsim_set_compaction(was);
	assert_non_null(strstr(zsim_page_error(), "migration is switched off"));
	snprintf(want, sizeof(want), "range %#llx+%lu", (unsigned long long)base,
		 (unsigned long)RANGE_PAGES);
	assert_non_null(strstr(zsim_page_error(), want));

	/* nothing moved, nothing lost, nothing left isolated */
	assert_int_equal(vmstat("pgmigrate_success"), migrated);
	assert_int_equal(vmstat("cma_alloc_fail"), fail + 1);
	assert_int_equal(free_pages(), free_before);
	assert_int_equal(info_of(base).pageblock_mt, ZSIM_MOVABLE);
	all_intact();
}

static void test_contig_range_bad_input(void **state)
{
	uint64_t migrated = vmstat("pgmigrate_success"), free_before = free_pages();
	uint64_t slab, pinned, base;
	char want[64];

	(void)state;
	assert_int_equal(zsim_alloc_contig_range(start_pfn, 0), -EINVAL);
	assert_non_null(strstr(zsim_page_error(), "0 pages"));

	assert_int_equal(zsim_alloc_contig_range(start_pfn - PB_PAGES, PB_PAGES), -ERANGE);
	snprintf(want, sizeof(want), "%#llx is outside the machine",
		 (unsigned long long)(start_pfn - PB_PAGES));
	assert_non_null(strstr(zsim_page_error(), want));
	assert_int_equal(zsim_alloc_contig_range(end_pfn, PB_PAGES), -ERANGE);

	/* straddles the zone's end */
	assert_int_equal(zsim_alloc_contig_range(end_pfn - PB_PAGES, 2 * PB_PAGES),
			 -ERANGE);
	assert_non_null(strstr(zsim_page_error(), "straddles the end of zone Normal"));

	/* not pageblock aligned, at either end */
	assert_int_equal(zsim_alloc_contig_range(end_pfn - 2 * PB_PAGES + 1, PB_PAGES),
			 -EINVAL);
	assert_non_null(strstr(zsim_page_error(), "not pageblock aligned"));
	assert_int_equal(zsim_alloc_contig_range(end_pfn - 2 * PB_PAGES, 3), -EINVAL);
	assert_non_null(strstr(zsim_page_error(), "not pageblock aligned"));

	/* a slab page in the range */
	slab = find_owner(ZSIM_PAGE_SLAB);
	assert_true(slab != 0);
	base = slab & ~(uint64_t)(PB_PAGES - 1);
	assert_int_equal(zsim_alloc_contig_range(base, PB_PAGES), -EBUSY);
	/* the first slab page of the machine is the first of its block */
	snprintf(want, sizeof(want), "pfn %#llx (slab) cannot move",
		 (unsigned long long)slab);
	assert_non_null(strstr(zsim_page_error(), want));

	/* a pinned block */
	pinned = zsim_alloc_pages(0, ZSIM_MOVABLE);
	assert_true(pinned != 0);
	base = pinned & ~(uint64_t)(PB_PAGES - 1);
	assert_int_equal(zsim_alloc_contig_range(base, PB_PAGES), -EBUSY);
	assert_non_null(strstr(zsim_page_error(), "(pinned) cannot move"));
	assert_int_equal(zsim_free_pages(pinned, 0), 0);

	/* a range nobody allocated */
	assert_int_equal(zsim_free_contig_range(base, PB_PAGES), -EINVAL);

	assert_int_equal(vmstat("pgmigrate_success"), migrated);
	assert_int_equal(free_pages(), free_before);
	assert_int_equal(vmstat("nr_isolated_movable"), 0);
	all_intact();
}

/* A live object whose first page is a zspage page. */
static const struct obj *some_object(unsigned int skip)
{
	unsigned int i;

	for (i = 1; i < nr_objs; i += 2)
		if (objs[i].handle && !skip--)
			return &objs[i];
	fail();
	return NULL;
}

static void test_isolate_migrate_by_handle(void **state)
{
	const struct obj *o = some_object(10);
	uint64_t pfn, new_pfn = 0, now;
	unsigned long handle = o->handle;

	(void)state;
	assert_int_equal(zs_handle_pfn(pool, o->handle, &pfn), 0);
	assert_int_equal(info_of(pfn).owner, ZSIM_PAGE_MOVABLE_OPS);

	assert_int_equal(zsim_isolate_page(pfn), 0);
	assert_true(info_of(pfn).flags & ZSIM_PF_ISOLATED);
	assert_int_equal(vmstat("nr_isolated_movable"), 1);
	/* once only */
	assert_int_equal(zsim_isolate_page(pfn), -EBUSY);
	assert_non_null(strstr(zsim_page_error(), "is busy"));

	assert_int_equal(zsim_migrate_page(pfn, 0, &new_pfn), 0);
	assert_true(new_pfn != pfn);
	assert_int_equal(o->handle, handle);
	assert_int_equal(zs_handle_pfn(pool, o->handle, &now), 0);
	assert_int_equal(now, new_pfn);
	assert_false(info_of(new_pfn).flags & ZSIM_PF_ISOLATED);
	assert_int_equal(info_of(new_pfn).owner, ZSIM_PAGE_MOVABLE_OPS);
	assert_int_equal(vmstat("nr_isolated_movable"), 0);
	assert_true(intact(o));

	/* migrated pages are the driver's again: no second migration */
	assert_int_equal(zsim_migrate_page(new_pfn, 0, NULL), -EINVAL);
	assert_non_null(strstr(zsim_page_error(), "was not isolated"));
	all_intact();
}

static void test_migrate_to_chosen_target(void **state)
{
	const struct obj *o = some_object(20);
	uint64_t pfn, target, slab, new_pfn = 0, now;
	char want[64];

	(void)state;
	assert_int_equal(zs_handle_pfn(pool, o->handle, &pfn), 0);
	target = find_owner(ZSIM_PAGE_FREE);
	assert_true(target != 0);
	slab = find_owner(ZSIM_PAGE_SLAB);
	assert_int_equal(zsim_isolate_page(pfn), 0);

	/* a target that is not free: refused, the page still isolated */
	assert_int_equal(zsim_migrate_page(pfn, slab, &new_pfn), -EBUSY);
	snprintf(want, sizeof(want), "target pfn %#llx is not a free page (slab)",
		 (unsigned long long)slab);
	assert_string_equal(zsim_page_error(), want);
	assert_true(info_of(pfn).flags & ZSIM_PF_ISOLATED);
	assert_int_equal(zsim_migrate_page(pfn, end_pfn, &new_pfn), -ERANGE);
	assert_non_null(strstr(zsim_page_error(), "target pfn"));
	assert_true(intact(o));

	assert_int_equal(zsim_migrate_page(pfn, target, &new_pfn), 0);
	assert_int_equal(new_pfn, target);
	assert_int_equal(zs_handle_pfn(pool, o->handle, &now), 0);
	assert_int_equal(now, target);
	assert_int_equal(info_of(pfn).owner, ZSIM_PAGE_FREE);
	assert_true(intact(o));
	all_intact();
}

static void test_isolate_putback_by_pfn(void **state)
{
	const struct obj *o = some_object(30);
	uint64_t pfn, now;

	(void)state;
	assert_int_equal(zs_handle_pfn(pool, o->handle, &pfn), 0);
	assert_int_equal(zsim_isolate_page(pfn), 0);
	assert_int_equal(zsim_putback_page(pfn), 0);
	assert_false(info_of(pfn).flags & ZSIM_PF_ISOLATED);
	assert_int_equal(zsim_putback_page(pfn), -EINVAL);
	assert_int_equal(zs_handle_pfn(pool, o->handle, &now), 0);
	assert_int_equal(now, pfn);
	assert_true(intact(o));
	assert_int_equal(vmstat("nr_isolated_movable"), 0);
}

static void test_not_movable_refused(void **state)
{
	uint64_t slab = find_owner(ZSIM_PAGE_SLAB), freepfn = find_owner(ZSIM_PAGE_FREE);
	uint64_t pfn, migrated = vmstat("pgmigrate_success");
	char want[80];

	(void)state;
	assert_int_equal(zsim_isolate_page(slab), -EINVAL);
	snprintf(want, sizeof(want), "pfn %#llx is not a movable page (slab)",
		 (unsigned long long)slab);
	assert_string_equal(zsim_page_error(), want);
	assert_int_equal(zsim_isolate_page(freepfn), -EINVAL);
	assert_non_null(strstr(zsim_page_error(), "(free)"));
	assert_int_equal(zsim_isolate_page(end_pfn), -ERANGE);
	snprintf(want, sizeof(want), "pfn %#llx is outside the machine",
		 (unsigned long long)end_pfn);
	assert_non_null(strstr(zsim_page_error(), want));
	assert_int_equal(zsim_isolate_page(start_pfn - 1), -ERANGE);
	assert_int_equal(zsim_migrate_page(slab, 0, NULL), -EINVAL);
	assert_int_equal(zsim_putback_page(slab), -EINVAL);
	assert_int_equal(zs_handle_pfn(pool, some_object(0)->handle, NULL), -EINVAL);

	/* migration off: nothing is isolated */
	assert_int_equal(zs_handle_pfn(pool, some_object(1)->handle, &pfn), 0);
	zsim_set_compaction(false);
	assert_int_equal(zsim_isolate_page(pfn), -EOPNOTSUPP);
	zsim_set_compaction(true);
	assert_false(info_of(pfn).flags & ZSIM_PF_ISOLATED);
	assert_int_equal(vmstat("pgmigrate_success"), migrated);
	all_intact();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_contig_range_bad_input),
		cmocka_unit_test(test_contig_range_without_migration),
		cmocka_unit_test(test_contig_range_in_full_machine),
		cmocka_unit_test(test_isolate_migrate_by_handle),
		cmocka_unit_test(test_migrate_to_chosen_target),
		cmocka_unit_test(test_isolate_putback_by_pfn),
		cmocka_unit_test(test_not_movable_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
