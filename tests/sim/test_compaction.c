// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Zone compaction over the toy driver's movable pages (toy_driver.h)
 * and pinned unmovable frames: a machine fragmented until no order-3
 * block is free though most memory is, then compacted by each of the
 * three triggers (zsim_compact_memory(), direct compaction in the
 * allocator, kcompactd), with the driver's data and the pinned frames
 * checked after each; and all of them at once against a thread that
 * allocates, verifies and frees driver pages.
 */
#include "test_helpers.h"

#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <linux/mm.h>
#include <linux/vmstat.h>

#include "toy_driver.h"

#define MACHINE_BYTES	(32ULL << 20)
#define PAGEBLOCK_ORDER	7
#define MAX_PINNED	512

static struct toy_driver drv;
static unsigned long pinned[MAX_PINNED];
static unsigned long nr_pinned;

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static uint64_t vmstat(const char *name)
{
	uint64_t v = 0;

	assert_int_equal(zsim_vmstat_get(name, &v), 0);
	return v;
}

/* Free blocks of @order or larger. */
static uint64_t blocks_at_least(unsigned int order)
{
	struct zsim_zoneinfo zi;
	uint64_t n = 0;

	assert_int_equal(zsim_get_zoneinfo(&zi), 0);
	for (; order < ZSIM_NR_ORDERS; order++)
		n += zi.nr_free[order];
	return n;
}

static int setup(void **state)
{
	(void)state;
	test_boot(MACHINE_BYTES, PAGEBLOCK_ORDER);
	/* One more slot than pages: filling stops at the allocator. */
	assert_int_equal(toy_init(&drv, (MACHINE_BYTES >> 12) + 1), 0);
	nr_pinned = 0;
	return 0;
}

static int teardown(void **state)
{
	unsigned long i;

	(void)state;
	zsim_kcompactd(false);
	for (i = 0; i < nr_pinned; i++)
		assert_int_equal(zsim_free_pages(pinned[i], 0), 0);
	toy_destroy(&drv);
	assert_int_equal(zone_page_state(&sim_zone, NR_ISOLATED_MOVABLE), 0);
	test_shutdown();
	return 0;
}

/*
 * Fill the machine with toy pages, a pinned unmovable frame every 32nd,
 * then free toy pages so that each aligned group of 8 frames keeps one
 * or two used frames: no order-3 block, most memory free.
 */
static void fragment(void)
{
	struct zsim_zoneinfo zi;
	struct test_rng rng;
	unsigned long slot, pfn, nr_used;
	uint64_t h;

	test_rng_init(&rng, test_seed);
	for (slot = 0; slot < drv.nr_slots; slot++) {
		if (!(slot % 32) && nr_pinned < MAX_PINNED) {
			pfn = zsim_alloc_pages(0, ZSIM_UNMOVABLE);
			if (pfn)
				pinned[nr_pinned++] = pfn;
		}
		/* Past the watermarks: every last frame. */
		if (toy_alloc(&drv, slot, test_rng_next(&rng),
			      GFP_NOWAIT | __GFP_MEMALLOC))
			break;
	}
	nr_used = slot;
	assert_true(nr_used < drv.nr_slots);
	assert_int_equal(zone_page_state(&sim_zone, NR_FREE_PAGES), 0);
	assert_true(nr_pinned > 0);

	for (slot = 0; slot < nr_used; slot++) {
		pfn = page_to_pfn(drv.slots[slot].page);
		h = mix64((pfn >> 3) ^ (test_seed << 20));
		if ((pfn & 7) != (h & 7) && (pfn & 7) != ((h >> 8) & 7))
			toy_free(&drv, slot);
	}

	assert_int_equal(zsim_get_zoneinfo(&zi), 0);
	print_message("fragmented: %llu of %llu pages free, %lu pinned\n",
		      (unsigned long long)zi.free_pages,
		      (unsigned long long)zi.managed_pages, nr_pinned);
	zsim_print_buddyinfo(stdout);
	assert_int_equal(blocks_at_least(3), 0);
	assert_true(zi.free_pages * 100 > zi.managed_pages * 40);
}

/* Every toy page holds its data; every pinned frame is as it was. */
static void check_all(void)
{
	unsigned long slot, i;
	struct page *page;

	for (slot = 0; slot < drv.nr_slots; slot++)
		if (drv.slots[slot].page)
			assert_true(toy_verify(&drv, slot));
	for (i = 0; i < nr_pinned; i++) {
		page = pfn_to_page(pinned[i]);
		assert_true(PageReserved(page));
		assert_int_equal(page_count(page), 1);
		assert_false(PageIsolated(page));
	}
}

static void test_compact_memory(void **state)
{
	uint64_t mscan0, fscan0, iso0, ok0, mig0;
	unsigned long pfn;

	(void)state;
	fragment();
	check_all();
	mscan0 = vmstat("compact_migrate_scanned");
	fscan0 = vmstat("compact_free_scanned");
	iso0 = vmstat("compact_isolated");
	ok0 = vmstat("pgmigrate_success");
	mig0 = atomic_read(&drv.migrated);
	/* Without compaction, no order-3 allocation can succeed. */
	assert_int_equal(zsim_alloc_pages(3, ZSIM_UNMOVABLE), 0);

	assert_int_equal(zsim_compact_memory(), 0);
	zsim_print_buddyinfo(stdout);

	assert_true(blocks_at_least(3) > 0);
	/* Whole pageblocks came free, not just the odd order-3 block. */
	assert_true(blocks_at_least(PAGEBLOCK_ORDER) > 0);
	assert_true(vmstat("compact_migrate_scanned") > mscan0);
	assert_true(vmstat("compact_free_scanned") > fscan0);
	assert_true(vmstat("compact_isolated") > iso0);
	assert_true(vmstat("pgmigrate_success") > ok0);
	assert_int_equal(vmstat("pgmigrate_success") - ok0,
			 atomic_read(&drv.migrated) - mig0);
	assert_int_equal(zone_page_state(&sim_zone, NR_ISOLATED_MOVABLE), 0);
	check_all();

	pfn = zsim_alloc_pages(3, ZSIM_UNMOVABLE);
	assert_true(pfn != 0);
	assert_int_equal(zsim_free_pages(pfn, 3), 0);

	/* Again on a compacted zone: nothing breaks, little moves. */
	assert_int_equal(zsim_compact_memory(), 0);
	check_all();
}

static void test_direct_compaction(void **state)
{
	uint64_t stall0, ok0, fail0;
	unsigned long pfn2, pfn3;

	(void)state;
	fragment();

	/* Compaction off: as a kernel built without it. */
	assert_true(zsim_set_compaction(false));
	assert_false(zsim_compaction_enabled());
	assert_int_equal(zsim_compact_memory(), -EOPNOTSUPP);
	stall0 = vmstat("compact_stall");
	assert_int_equal(zsim_alloc_pages_flags(3, ZSIM_UNMOVABLE,
						ZSIM_ALLOC_KERNEL), 0);
	assert_int_equal(vmstat("compact_stall"), stall0);

	/* On: the same requests compact their way to a block. */
	assert_false(zsim_set_compaction(true));
	/* The no-reclaim path still does not compact. */
	assert_int_equal(zsim_alloc_pages(3, ZSIM_UNMOVABLE), 0);
	assert_int_equal(vmstat("compact_stall"), stall0);

	ok0 = vmstat("compact_success");
	fail0 = vmstat("compact_fail");
	pfn3 = zsim_alloc_pages_flags(3, ZSIM_UNMOVABLE, ZSIM_ALLOC_KERNEL);
	assert_true(pfn3 != 0);
	assert_int_equal(pfn3 & 7, 0);
	assert_true(vmstat("compact_stall") > stall0);
	assert_int_equal(vmstat("compact_success"), ok0 + 1);
	assert_int_equal(vmstat("compact_stall") - stall0,
			 vmstat("compact_success") - ok0 +
			 vmstat("compact_fail") - fail0);
	pfn2 = zsim_alloc_pages_flags(2, ZSIM_MOVABLE, ZSIM_ALLOC_KERNEL);
	assert_true(pfn2 != 0);
	check_all();
	assert_int_equal(zsim_free_pages(pfn3, 3), 0);
	assert_int_equal(zsim_free_pages(pfn2, 2), 0);

	/* Bad flags are refused. */
	assert_int_equal(zsim_alloc_pages_flags(0, ZSIM_UNMOVABLE, 0x80), 0);
}

static void test_kcompactd(void **state)
{
	unsigned long pfn;
	uint64_t wake0;
	int waited_ms;

	(void)state;
	fragment();
	wake0 = vmstat("compact_daemon_wake");
	assert_int_equal(zsim_kcompactd(true), 0);
	assert_int_equal(zsim_kcompactd(true), 0);	/* already running */

	/*
	 * The failing request wakes it; it works until order 3 would pass.
	 * It may be that fast: the request's own retry can then succeed.
	 */
	pfn = zsim_alloc_pages(3, ZSIM_UNMOVABLE);
	if (pfn)
		assert_int_equal(zsim_free_pages(pfn, 3), 0);
	for (waited_ms = 0; waited_ms < 10000 && !blocks_at_least(3);
	     waited_ms += 10)
		usleep(10000);
	print_message("kcompactd made an order-3 block in ~%d ms\n", waited_ms);
	assert_true(blocks_at_least(3) > 0);
	assert_true(vmstat("compact_daemon_wake") > wake0);

	assert_int_equal(zsim_kcompactd(false), 0);
	assert_int_equal(zsim_kcompactd(false), 0);	/* already stopped */
	check_all();
}

/* --- everything at once ------------------------------------------------- */

struct stress {
	unsigned long ops;
	unsigned long nr_slots;
	uint64_t seed;
	bool done;		/* atomic */
	unsigned long compactions;
	unsigned long direct_ok;
	unsigned long verified;
};

/* Allocate, verify and free toy pages at random. */
static void *driver_thread(void *arg)
{
	struct stress *s = arg;
	struct test_rng rng;
	unsigned long i, slot;

	test_rng_init(&rng, s->seed);
	for (i = 0; i < s->ops; i++) {
		slot = test_rng_below(&rng, s->nr_slots);
		if (!toy_used(&drv, slot)) {
			toy_alloc(&drv, slot, test_rng_next(&rng), GFP_KERNEL);
			continue;
		}
		BUG_ON(!toy_verify(&drv, slot));
		s->verified++;
		if (test_rng_below(&rng, 3))
			toy_free(&drv, slot);
	}
	__atomic_store_n(&s->done, true, __ATOMIC_RELEASE);
	return NULL;
}

/* /proc/sys/vm/compact_memory in a loop, a bounded number of times. */
static void *compact_thread(void *arg)
{
	struct stress *s = arg;

	while (s->compactions < 200 &&
	       (!__atomic_load_n(&s->done, __ATOMIC_ACQUIRE) ||
		s->compactions < 3)) {
		BUG_ON(zsim_compact_memory() != 0);
		s->compactions++;
	}
	return NULL;
}

/* High-order allocations that may compact directly. */
static void *direct_thread(void *arg)
{
	struct stress *s = arg;
	unsigned long pfn, i;

	for (i = 0; i < 200 && !__atomic_load_n(&s->done, __ATOMIC_ACQUIRE); i++) {
		pfn = zsim_alloc_pages_flags(2, ZSIM_UNMOVABLE, ZSIM_ALLOC_KERNEL);
		if (pfn) {
			s->direct_ok++;
			BUG_ON(zsim_free_pages(pfn, 2) != 0);
		}
	}
	return NULL;
}

static void test_concurrent(void **state)
{
	struct stress s = { 0 };
	pthread_t t_drv, t_compact, t_direct;
	struct test_rng rng;
	unsigned long slot;
	uint64_t ok0;

	(void)state;
	s.ops = test_under_valgrind() ? 3000 : 40000;
	s.nr_slots = 4096;
	s.seed = test_seed;

	/* Start half full and scattered, with kcompactd on as well. */
	test_rng_init(&rng, test_seed ^ 0xc0ffee);
	for (slot = 0; slot < s.nr_slots; slot++)
		assert_int_equal(toy_alloc(&drv, slot, test_rng_next(&rng),
					   GFP_KERNEL), 0);
	for (slot = 0; slot < s.nr_slots; slot++)
		if (test_rng_below(&rng, 2))
			toy_free(&drv, slot);
	assert_int_equal(zsim_kcompactd(true), 0);
	ok0 = vmstat("pgmigrate_success");

	assert_int_equal(pthread_create(&t_drv, NULL, driver_thread, &s), 0);
	assert_int_equal(pthread_create(&t_compact, NULL, compact_thread, &s), 0);
	assert_int_equal(pthread_create(&t_direct, NULL, direct_thread, &s), 0);
	assert_int_equal(pthread_join(t_drv, NULL), 0);
	assert_int_equal(pthread_join(t_compact, NULL), 0);
	assert_int_equal(pthread_join(t_direct, NULL), 0);
	assert_int_equal(zsim_kcompactd(false), 0);

	print_message("%lu ops, %lu verified, %lu compactions, %lu direct order-2, %llu pages migrated\n",
		      s.ops, s.verified, s.compactions, s.direct_ok,
		      (unsigned long long)(vmstat("pgmigrate_success") - ok0));
	assert_true(s.compactions >= 3);
	assert_true(vmstat("pgmigrate_success") > ok0);
	assert_int_equal(zone_page_state(&sim_zone, NR_ISOLATED_MOVABLE), 0);
	check_all();
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_compact_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_direct_compaction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kcompactd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent, setup, teardown),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
