// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Page isolation and alloc_contig_range() (sim/mm/page_isolation.c) with
 * the toy driver of toy_driver.h: an isolated range's free pages leave
 * the free lists and NR_FREE_PAGES, allocations never get them, pages
 * freed into it stay there, and undoing gives everything back merged;
 * take_page_off_buddy() takes exactly the chosen page; a range holding
 * toy pages is allocated with every toy page moved out and intact; a
 * driver that refuses isolation makes it fail with nothing lost and
 * nothing left isolated; zsim_migrate_page() lands on the chosen pfn even
 * when the driver asks for retries.
 */
#include "test_helpers.h"

#include <linux/kconfig.h>
#include <linux/mm.h>
#include <linux/page-isolation.h>
#include <linux/vmstat.h>

#include <zsmalloc/zsim.h>
#include "toy_driver.h"

#define NR_TOY	6000

static struct toy_driver drv;

static unsigned long nr_free(void)
{
	return test_free_pages();
}

/* The highest MAX_ORDER block of the zone that is wholly free. */
static unsigned long free_max_block(void)
{
	unsigned long pfn = (zone_end_pfn(&sim_zone) & ~(MAX_ORDER_NR_PAGES - 1));
	struct page *page;

	while (pfn > sim_zone.zone_start_pfn) {
		pfn -= MAX_ORDER_NR_PAGES;
		page = pfn_to_page(pfn);
		if (PageBuddy(page) && page_order(page) == MAX_ORDER - 1)
			return pfn;
	}
	fail();
	return 0;
}

static void test_isolated_free_pages_leave_the_lists(void **state)
{
	unsigned long base = free_max_block(), end = base + MAX_ORDER_NR_PAGES;
	unsigned long before = nr_free(), i;
	static struct page *pages[2000];

	(void)state;
	assert_int_equal(start_isolate_page_range(base, end, base, end, NULL), 0);
	assert_int_equal(nr_free(), before - MAX_ORDER_NR_PAGES);
	assert_int_equal(get_pageblock_migratetype(&sim_zone, base), MIGRATE_ISOLATE);
	/* isolating it twice is somebody else's range */
	assert_int_equal(start_isolate_page_range(base, end, base, end, NULL), -EBUSY);
	assert_int_equal(test_pages_isolated(base, end, NULL), 0);

	for (i = 0; i < 2000; i++) {
		pages[i] = alloc_page(GFP_KERNEL | __GFP_MOVABLE);
		assert_non_null(pages[i]);
		assert_true(page_to_pfn(pages[i]) < base || page_to_pfn(pages[i]) >= end);
	}
	for (i = 0; i < 2000; i++)
		__free_pages(pages[i], 0);

	undo_isolate_page_range(base, end, MIGRATE_MOVABLE);
	assert_int_equal(nr_free(), before);
	assert_int_equal(get_pageblock_migratetype(&sim_zone, base), MIGRATE_MOVABLE);
	assert_true(PageBuddy(pfn_to_page(base)));
	assert_int_equal(page_order(pfn_to_page(base)), MAX_ORDER - 1);
}

static void test_freed_into_isolated_range_stays_off(void **state)
{
	unsigned long base = free_max_block(), end = base + MAX_ORDER_NR_PAGES;
	unsigned long chosen = base + 333, before = nr_free(), busy = 0;
	struct page *page = pfn_to_page(chosen);

	(void)state;
	spin_lock(&sim_zone.lock);
	assert_true(take_page_off_buddy(page));
	/* taken already: not free any more */
	assert_false(take_page_off_buddy(page));
	spin_unlock(&sim_zone.lock);
	assert_int_equal(nr_free(), before - 1);
	assert_int_equal(page_ref_count(page), 1);
	assert_false(PageBuddy(page));

	/* an unmovable page in the checked range: refused, nothing isolated */
	assert_int_equal(start_isolate_page_range(base, end, base, end, &busy), -EBUSY);
	assert_int_equal(busy, chosen);
	assert_int_equal(get_pageblock_migratetype(&sim_zone, base), MIGRATE_MOVABLE);
	assert_int_equal(nr_free(), before - 1);

	/* unchecked: isolated; the page is the one thing not free */
	assert_int_equal(start_isolate_page_range(base, end, 0, 0, NULL), 0);
	assert_int_equal(nr_free(), before - MAX_ORDER_NR_PAGES);
	assert_int_equal(test_pages_isolated(base, end, &busy), -EBUSY);
	assert_int_equal(busy, chosen);
	__free_pages(page, 0);
	/* freed into the isolated range: still not free for anyone */
	assert_int_equal(nr_free(), before - MAX_ORDER_NR_PAGES);
	assert_int_equal(test_pages_isolated(base, end, NULL), 0);

	undo_isolate_page_range(base, end, MIGRATE_MOVABLE);
	assert_int_equal(nr_free(), before);
	assert_true(PageBuddy(pfn_to_page(base)));
	assert_int_equal(page_order(pfn_to_page(base)), MAX_ORDER - 1);
}

/* The MAX_ORDER block holding the most toy pages and nothing unmovable. */
static unsigned long toy_block(unsigned long *nr_toy)
{
	unsigned long base, pfn, best = 0, most = 0, n;
	struct page *page;

	for (base = sim_zone.zone_start_pfn; base + MAX_ORDER_NR_PAGES <= zone_end_pfn(&sim_zone);
	     base += MAX_ORDER_NR_PAGES) {
		for (pfn = base, n = 0; pfn < base + MAX_ORDER_NR_PAGES; pfn++) {
			page = pfn_to_page(pfn);
			if (PageBuddy(page)) {
				pfn += (1UL << page_order(page)) - 1;
				continue;
			}
			if (!__PageMovable(page))
				break;
			n++;
		}
		if (pfn >= base + MAX_ORDER_NR_PAGES && n > most) {
			most = n;
			best = base;
		}
	}
	*nr_toy = most;
	return best;
}

static void toy_all_intact(void)
{
	unsigned long slot, bad = 0;

	for (slot = 0; slot < NR_TOY; slot++)
		if (toy_used(&drv, slot) && !toy_verify(&drv, slot))
			bad++;
	assert_int_equal(bad, 0);
}

static void test_contig_range_moves_toy_pages(void **state)
{
	unsigned long slot, base, end, nr_toy = 0, pfn, before;
	unsigned long migrated = vm_event_count(PGMIGRATE_SUCCESS);

	(void)state;
	for (slot = 0; slot < NR_TOY; slot++)
		assert_int_equal(toy_alloc(&drv, slot, slot * 7 + 3, GFP_KERNEL), 0);
	/* every other one goes: toy pages spread over free holes */
	for (slot = 0; slot < NR_TOY; slot += 2)
		toy_free(&drv, slot);
	base = toy_block(&nr_toy);
	end = base + MAX_ORDER_NR_PAGES;
	assert_true(nr_toy > 100);

	/* the driver says no: -EBUSY, nothing lost, nothing isolated */
	before = nr_free();
	drv.refuse_isolate = true;
	assert_int_equal(alloc_contig_range(base, end, MIGRATE_MOVABLE), -EBUSY);
	drv.refuse_isolate = false;
	assert_int_equal(nr_free(), before);
	for (pfn = base; pfn < end; pfn += pageblock_nr_pages)
		assert_int_equal(get_pageblock_migratetype(&sim_zone, pfn), MIGRATE_MOVABLE);
	assert_int_equal(vm_event_count(PGMIGRATE_SUCCESS), migrated);
	toy_all_intact();

	/* now it moves */
	assert_int_equal(alloc_contig_range(base, end, MIGRATE_MOVABLE), 0);
	assert_true(vm_event_count(PGMIGRATE_SUCCESS) - migrated >= nr_toy);
	/* the range's free pages, then nr_toy migration targets outside it */
	assert_int_equal(nr_free(), before - MAX_ORDER_NR_PAGES);
	for (pfn = base; pfn < end; pfn++) {
		assert_false(PageBuddy(pfn_to_page(pfn)));
		assert_false(__PageMovable(pfn_to_page(pfn)));
		assert_int_equal(page_ref_count(pfn_to_page(pfn)), 1);
	}
	for (slot = 1; slot < NR_TOY; slot += 2) {
		struct page *page = toy_get(&drv, slot);

		assert_true(page_to_pfn(page) < base || page_to_pfn(page) >= end);
		put_page(page);
	}
	toy_all_intact();
	assert_int_equal(zone_page_state(&sim_zone, NR_ISOLATED_MOVABLE), 0);

	free_contig_range(base, MAX_ORDER_NR_PAGES);
	assert_int_equal(nr_free(), before);
	for (slot = 1; slot < NR_TOY; slot += 2)
		toy_free(&drv, slot);
}

/* zsim_migrate_page() to a chosen pfn through a driver that says -EAGAIN first */
static void test_chosen_target_survives_retries(void **state)
{
	unsigned long target = free_max_block() + 77;
	uint64_t new_pfn = 0;
	struct page *page;
	unsigned long old;

	(void)state;
	assert_int_equal(toy_alloc(&drv, 0, 42, GFP_KERNEL), 0);
	page = toy_get(&drv, 0);
	old = page_to_pfn(page);
	put_page(page);

	assert_int_equal(zsim_isolate_page(old), 0);
	atomic_set(&drv.eagain_left, 2);
	assert_int_equal(zsim_migrate_page(old, target, &new_pfn), 0);
	assert_int_equal(new_pfn, target);
	page = toy_get(&drv, 0);
	assert_int_equal(page_to_pfn(page), target);
	put_page(page);
	assert_true(toy_verify(&drv, 0));
	assert_int_equal(atomic_read(&drv.eagain_left), 0);

	/* a driver that fails for good: back with it, the target free again */
	assert_int_equal(zsim_isolate_page(target), 0);
	drv.fail_code = -EIO;
	old = nr_free();
	assert_int_equal(zsim_migrate_page(target, target + 1, NULL), -EBUSY);
	drv.fail_code = 0;
	assert_non_null(strstr(zsim_page_error(), "refused to move it"));
	assert_int_equal(nr_free(), old);
	assert_false(PageIsolated(pfn_to_page(target)));
	assert_true(toy_verify(&drv, 0));
	toy_free(&drv, 0);
}

static int setup(void **state)
{
	(void)state;
	test_boot(64ULL << 20, 7);
	assert_int_equal(toy_init(&drv, NR_TOY), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	toy_destroy(&drv);
	test_shutdown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_isolated_free_pages_leave_the_lists),
		cmocka_unit_test(test_freed_into_isolated_range_stays_off),
		cmocka_unit_test(test_contig_range_moves_toy_pages),
		cmocka_unit_test(test_chosen_target_survives_retries),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
