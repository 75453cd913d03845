// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * The non-LRU movable page framework (seed 004), call by call, with the
 * toy driver of toy_driver.h: isolation and putback, isolating twice or a
 * page that is not movable, migration that succeeds, that meets -EAGAIN
 * and retries, that fails for good, a page its driver released while it
 * was isolated, the page lock in async and sync modes, and a failing
 * new-page allocation.  Every test checks that references, free pages
 * and NR_ISOLATED_MOVABLE come back to where they were.
 */
#include "test_helpers.h"

#include <pthread.h>
#include <unistd.h>

#include <linux/kconfig.h>
#include <linux/mm.h>
#include <linux/vmstat.h>

#include "toy_driver.h"

static struct toy_driver drv;
static unsigned long new_pages_freed;

static unsigned long nr_free(void)
{
	return test_free_pages();
}

static unsigned long nr_isolated(void)
{
	return zone_page_state(&sim_zone, NR_ISOLATED_MOVABLE);
}

/* migrate_pages() callbacks: any order-0 movable page will do. */
static struct page *new_page(struct page *page, unsigned long private,
			     int **result)
{
	(void)page;
	(void)private;
	(void)result;
	return alloc_page(GFP_KERNEL | __GFP_MOVABLE | __GFP_NOWARN);
}

static void free_new_page(struct page *page, unsigned long private)
{
	(void)private;
	new_pages_freed++;
	__free_page(page);
}

static int setup(void **state)
{
	test_setup_small_machine(state);
	assert_int_equal(toy_init(&drv, 256), 0);
	new_pages_freed = 0;
	return 0;
}

static int teardown(void **state)
{
	toy_destroy(&drv);
	assert_int_equal(nr_isolated(), 0);
	return test_teardown_machine(state);
}

/* A toy page in @slot, with its tag from the seed. */
static struct page *make_page(unsigned long slot)
{
	assert_int_equal(toy_alloc(&drv, slot, test_seed + slot, GFP_KERNEL), 0);
	return drv.slots[slot].page;
}

static void test_isolate_putback(void **state)
{
	struct page *page;
	LIST_HEAD(list);
	unsigned long free0;

	(void)state;
	page = make_page(0);
	free0 = nr_free();
	assert_int_equal(page_count(page), 1);
	lock_page(page);
	assert_true(PageMovable(page));
	unlock_page(page);
	assert_true(__PageMovable(page));
	assert_ptr_equal(page_mapping(page), drv.inode->i_mapping);

	assert_true(isolate_movable_page(page, 0));
	assert_true(PageIsolated(page));
	assert_int_equal(page_count(page), 2);		/* the VM's reference */
	assert_int_equal(nr_isolated(), 1);
	assert_int_equal(atomic_read(&drv.isolate_calls), 1);

	/* A second isolation fails and leaves everything as it was. */
	assert_false(isolate_movable_page(page, 0));
	assert_int_equal(page_count(page), 2);
	assert_int_equal(nr_isolated(), 1);
	assert_int_equal(atomic_read(&drv.isolate_calls), 1);

	list_add(&page->lru, &list);
	putback_movable_pages(&list);
	assert_true(list_empty(&list));
	assert_int_equal(atomic_read(&drv.putback_calls), 1);
	assert_false(PageIsolated(page));
	assert_int_equal(page_count(page), 1);
	assert_int_equal(nr_isolated(), 0);
	assert_int_equal(nr_free(), free0);
	assert_ptr_equal(drv.slots[0].page, page);
	assert_true(toy_verify(&drv, 0));

	/* And it can be isolated again. */
	assert_true(isolate_movable_page(page, ISOLATE_ASYNC_MIGRATE));
	list_add(&page->lru, &list);
	putback_movable_pages(&list);
	assert_int_equal(atomic_read(&drv.putback_calls), 2);
	assert_int_equal(page_count(page), 1);
}

static void test_isolate_not_movable(void **state)
{
	struct page *plain, *freepage, *page;
	unsigned long pfn, free0;

	(void)state;
	/* A page nobody made movable. */
	plain = alloc_page(GFP_KERNEL);
	assert_non_null(plain);
	assert_false(isolate_movable_page(plain, 0));
	assert_int_equal(page_count(plain), 1);
	assert_false(PageIsolated(plain));
	assert_false(PageLocked(plain));

	/* A pinned frame from the public API. */
	pfn = zsim_alloc_pages(0, ZSIM_MOVABLE);
	assert_true(pfn != 0);
	assert_false(isolate_movable_page(pfn_to_page(pfn), 0));
	assert_int_equal(page_count(pfn_to_page(pfn)), 1);
	assert_int_equal(zsim_free_pages(pfn, 0), 0);

	/* A free page: no reference can be taken. */
	freepage = alloc_page(GFP_KERNEL);
	assert_non_null(freepage);
	__free_page(freepage);
	free0 = nr_free();
	assert_false(isolate_movable_page(freepage, 0));
	assert_int_equal(page_count(freepage), 0);
	assert_int_equal(nr_free(), free0);

	/* A movable page whose driver says no. */
	page = make_page(1);
	WRITE_ONCE(drv.refuse_isolate, true);
	assert_false(isolate_movable_page(page, 0));
	assert_int_equal(atomic_read(&drv.isolate_calls), 1);
	assert_false(PageIsolated(page));
	assert_false(PageLocked(page));
	assert_int_equal(page_count(page), 1);
	WRITE_ONCE(drv.refuse_isolate, false);

	/* A movable page someone holds locked: the VM does not wait. */
	lock_page(page);
	assert_false(isolate_movable_page(page, 0));
	assert_int_equal(page_count(page), 1);
	unlock_page(page);

	assert_int_equal(nr_isolated(), 0);
	__free_page(plain);
}

static void test_migrate_success(void **state)
{
	struct page *page, *newpage;
	uint64_t ok0, ok1;
	unsigned long free0;
	LIST_HEAD(list);
	int rc;

	(void)state;
	page = make_page(2);
	free0 = nr_free();
	assert_int_equal(zsim_vmstat_get("pgmigrate_success", &ok0), 0);

	assert_true(isolate_movable_page(page, 0));
	list_add(&page->lru, &list);
	rc = migrate_pages(&list, new_page, free_new_page, 0, MIGRATE_SYNC,
			   MR_SYSCALL);
	assert_int_equal(rc, 0);
	assert_true(list_empty(&list));
	assert_int_equal(atomic_read(&drv.migrate_calls), 1);
	assert_int_equal(new_pages_freed, 0);

	newpage = drv.slots[2].page;
	assert_ptr_not_equal(newpage, page);
	assert_int_equal(page_count(newpage), 1);	/* the driver's, only */
	assert_true(__PageMovable(newpage));
	assert_false(PageIsolated(newpage));
	assert_false(PageLocked(newpage));
	assert_true(toy_verify(&drv, 2));
	/* The old page went back to the allocator, the new one came out. */
	assert_int_equal(page_count(page), 0);
	assert_int_equal(nr_free(), free0);
	assert_int_equal(nr_isolated(), 0);
	assert_int_equal(zsim_vmstat_get("pgmigrate_success", &ok1), 0);
	assert_int_equal(ok1 - ok0, 1);
}

static void test_migrate_batch(void **state)
{
	struct page *old[64];
	unsigned long i, free0;
	LIST_HEAD(list);
	int rc;

	(void)state;
	for (i = 0; i < 64; i++)
		old[i] = make_page(i);
	free0 = nr_free();
	/* The first 32 answer -EAGAIN once: all get there on pass two. */
	atomic_set(&drv.eagain_left, 32);
	for (i = 0; i < 64; i++) {
		assert_true(isolate_movable_page(old[i], 0));
		list_add_tail(&old[i]->lru, &list);
	}
	assert_int_equal(nr_isolated(), 64);
	rc = migrate_pages(&list, new_page, free_new_page, 0, MIGRATE_ASYNC,
			   MR_COMPACTION);
	assert_int_equal(rc, 0);
	assert_true(list_empty(&list));
	assert_int_equal(atomic_read(&drv.migrated), 64);
	assert_int_equal(atomic_read(&drv.migrate_calls), 64 + 32);
	/* Every -EAGAIN gave back its new page. */
	assert_int_equal(new_pages_freed, 32);
	for (i = 0; i < 64; i++) {
		assert_ptr_not_equal(drv.slots[i].page, old[i]);
		assert_true(toy_verify(&drv, i));
	}
	assert_int_equal(nr_free(), free0);
	assert_int_equal(nr_isolated(), 0);
}

static void test_eagain_then_success(void **state)
{
	struct page *page;
	LIST_HEAD(list);
	int rc;

	(void)state;
	page = make_page(3);
	atomic_set(&drv.eagain_left, 3);
	assert_true(isolate_movable_page(page, 0));
	list_add(&page->lru, &list);
	rc = migrate_pages(&list, new_page, NULL, 0, MIGRATE_SYNC_LIGHT,
			   MR_SYSCALL);
	assert_int_equal(rc, 0);
	assert_int_equal(atomic_read(&drv.migrate_calls), 4);
	assert_int_equal(atomic_read(&drv.putback_calls), 0);
	assert_ptr_not_equal(drv.slots[3].page, page);
	assert_true(toy_verify(&drv, 3));
	assert_int_equal(nr_isolated(), 0);
}

static void test_eagain_forever(void **state)
{
	struct page *page;
	uint64_t fail0, fail1;
	unsigned long free0;
	LIST_HEAD(list);
	int rc;

	(void)state;
	page = make_page(4);
	free0 = nr_free();
	assert_int_equal(zsim_vmstat_get("pgmigrate_fail", &fail0), 0);
	atomic_set(&drv.eagain_left, 1000);
	assert_true(isolate_movable_page(page, 0));
	list_add(&page->lru, &list);
	rc = migrate_pages(&list, new_page, free_new_page, 0, MIGRATE_SYNC,
			   MR_SYSCALL);
	/* Ten passes, then the page is left on the list as a failure. */
	assert_int_equal(rc, 1);
	assert_int_equal(atomic_read(&drv.migrate_calls), 10);
	assert_int_equal(new_pages_freed, 10);
	assert_false(list_empty(&list));
	assert_true(PageIsolated(page));
	assert_int_equal(nr_isolated(), 1);
	assert_int_equal(zsim_vmstat_get("pgmigrate_fail", &fail1), 0);
	assert_int_equal(fail1 - fail0, 1);

	putback_movable_pages(&list);
	assert_int_equal(atomic_read(&drv.putback_calls), 1);
	assert_false(PageIsolated(page));
	assert_int_equal(page_count(page), 1);
	assert_ptr_equal(drv.slots[4].page, page);
	assert_true(toy_verify(&drv, 4));
	assert_int_equal(nr_free(), free0);
	assert_int_equal(nr_isolated(), 0);
	atomic_set(&drv.eagain_left, 0);
}

static void test_fail_for_good(void **state)
{
	struct page *page;
	uint64_t fail0, fail1;
	unsigned long free0;
	LIST_HEAD(list);
	int rc;

	(void)state;
	page = make_page(5);
	free0 = nr_free();
	assert_int_equal(zsim_vmstat_get("pgmigrate_fail", &fail0), 0);
	WRITE_ONCE(drv.fail_code, -EBUSY);
	assert_true(isolate_movable_page(page, 0));
	list_add(&page->lru, &list);
	rc = migrate_pages(&list, new_page, free_new_page, 0, MIGRATE_SYNC,
			   MR_SYSCALL);
	WRITE_ONCE(drv.fail_code, 0);
	/* No retry: one call, then the page goes back to its driver. */
	assert_int_equal(rc, 1);
	assert_true(list_empty(&list));
	assert_int_equal(atomic_read(&drv.migrate_calls), 1);
	assert_int_equal(atomic_read(&drv.putback_calls), 1);
	assert_int_equal(new_pages_freed, 1);
	assert_false(PageIsolated(page));
	assert_int_equal(page_count(page), 1);
	assert_ptr_equal(drv.slots[5].page, page);
	assert_true(toy_verify(&drv, 5));
	assert_int_equal(nr_free(), free0);
	assert_int_equal(nr_isolated(), 0);
	assert_int_equal(zsim_vmstat_get("pgmigrate_fail", &fail1), 0);
	assert_int_equal(fail1 - fail0, 1);
}

/*
 * The driver frees its page while the VM has it isolated: migration
 * must count it done without calling the driver, and the page must end
 * up free.
 */
static void test_released_after_isolation(void **state)
{
	struct page *page;
	uint64_t ok0, ok1;
	unsigned long free0;
	LIST_HEAD(list);
	int rc;

	(void)state;
	/* Only the VM's reference left: "freed from under us". */
	page = make_page(6);
	free0 = nr_free();
	assert_int_equal(zsim_vmstat_get("pgmigrate_success", &ok0), 0);
	assert_true(isolate_movable_page(page, 0));
	toy_free(&drv, 6);
	assert_int_equal(page_count(page), 1);
	assert_true(__PageMovable(page));	/* the bit outlives the driver */
	assert_null(page_mapping(page));
	list_add(&page->lru, &list);
	rc = migrate_pages(&list, new_page, free_new_page, 0, MIGRATE_ASYNC,
			   MR_COMPACTION);
	assert_int_equal(rc, 0);
	assert_int_equal(atomic_read(&drv.migrate_calls), 0);
	assert_int_equal(atomic_read(&drv.putback_calls), 0);
	assert_int_equal(new_pages_freed, 1);
	assert_int_equal(page_count(page), 0);
	assert_int_equal(nr_free(), free0 + 1);
	assert_int_equal(nr_isolated(), 0);
	assert_int_equal(zsim_vmstat_get("pgmigrate_success", &ok1), 0);
	assert_int_equal(ok1 - ok0, 1);

	/*
	 * Someone else still holds a reference: move_to_new_page() finds
	 * the driver gone, succeeds without it and clears PG_isolated.
	 */
	page = make_page(7);
	free0 = nr_free();
	assert_true(isolate_movable_page(page, 0));
	get_page(page);
	toy_free(&drv, 7);
	list_add(&page->lru, &list);
	rc = migrate_pages(&list, new_page, NULL, 0, MIGRATE_SYNC, MR_SYSCALL);
	assert_int_equal(rc, 0);
	assert_int_equal(atomic_read(&drv.migrate_calls), 0);
	assert_false(PageIsolated(page));
	assert_int_equal(page_count(page), 1);		/* ours */
	assert_int_equal(nr_free(), free0);		/* new page freed again */
	put_page(page);
	assert_int_equal(nr_free(), free0 + 1);

	/* The putback path: no driver call, PG_isolated cleared, freed. */
	page = make_page(8);
	free0 = nr_free();
	assert_true(isolate_movable_page(page, 0));
	get_page(page);
	toy_free(&drv, 8);
	list_add(&page->lru, &list);
	putback_movable_pages(&list);
	assert_int_equal(atomic_read(&drv.putback_calls), 0);
	assert_false(PageIsolated(page));
	assert_int_equal(page_count(page), 1);
	put_page(page);
	assert_int_equal(nr_free(), free0 + 1);
	assert_int_equal(nr_isolated(), 0);
}

/* The new page cannot be allocated: nothing moves, nothing is lost. */
static void test_new_page_fault(void **state)
{
	struct zsim_fault_config fault = { .size = sizeof(fault), .page_fail_order = -1 };
	struct zsim_fault_stats fs0, fs1;
	struct page *page;
	uint64_t fail0, fail1;
	unsigned long free0;
	LIST_HEAD(list);
	int rc;

	(void)state;
	page = make_page(9);
	free0 = nr_free();
	assert_int_equal(zsim_vmstat_get("pgmigrate_fail", &fail0), 0);
	assert_int_equal(zsim_fault_stats(&fs0), 0);
	assert_true(isolate_movable_page(page, 0));
	list_add(&page->lru, &list);

	fault.page_fail_nth = 1;
	fault.seed = test_seed;
	assert_int_equal(zsim_fault_set(&fault), 0);
	rc = migrate_pages(&list, new_page, free_new_page, 0, MIGRATE_SYNC,
			   MR_SYSCALL);
	fault.page_fail_nth = 0;
	assert_int_equal(zsim_fault_set(&fault), 0);
	assert_int_equal(zsim_fault_stats(&fs1), 0);
	assert_int_equal(fs1.page_injected - fs0.page_injected, 1);

	assert_int_equal(rc, -ENOMEM);
	assert_int_equal(atomic_read(&drv.migrate_calls), 0);
	assert_int_equal(new_pages_freed, 0);
	assert_false(list_empty(&list));
	assert_int_equal(zsim_vmstat_get("pgmigrate_fail", &fail1), 0);
	assert_int_equal(fail1 - fail0, 1);

	putback_movable_pages(&list);
	assert_int_equal(atomic_read(&drv.putback_calls), 1);
	assert_int_equal(page_count(page), 1);
	assert_ptr_equal(drv.slots[9].page, page);
	assert_true(toy_verify(&drv, 9));
	assert_int_equal(nr_free(), free0);
	assert_int_equal(nr_isolated(), 0);

	/* With the allocator back, the same page migrates. */
	assert_true(isolate_movable_page(page, 0));
	list_add(&page->lru, &list);
	assert_int_equal(migrate_pages(&list, new_page, free_new_page, 0,
				       MIGRATE_SYNC, MR_SYSCALL), 0);
	assert_true(toy_verify(&drv, 9));
	assert_int_equal(nr_free(), free0);
}

static void *unlock_later(void *arg)
{
	struct page *page = arg;

	usleep(20000);
	unlock_page(page);
	return NULL;
}

/*
 * The page lock: async migration never waits for it and gives up after
 * its passes; sync migration waits from the fourth pass on.
 */
static void test_page_lock_modes(void **state)
{
	struct page *page;
	pthread_t thread;
	LIST_HEAD(list);
	int rc;

	(void)state;
	page = make_page(10);
	assert_true(isolate_movable_page(page, 0));
	list_add(&page->lru, &list);

	lock_page(page);
	rc = migrate_pages(&list, new_page, free_new_page, 0, MIGRATE_ASYNC,
			   MR_COMPACTION);
	assert_int_equal(rc, 1);
	assert_int_equal(atomic_read(&drv.migrate_calls), 0);
	assert_int_equal(new_pages_freed, 10);
	assert_false(list_empty(&list));

	/* Sync: blocks in lock_page() until the other thread lets go. */
	assert_int_equal(pthread_create(&thread, NULL, unlock_later, page), 0);
	rc = migrate_pages(&list, new_page, free_new_page, 0, MIGRATE_SYNC,
			   MR_SYSCALL);
	assert_int_equal(pthread_join(thread, NULL), 0);
	assert_int_equal(rc, 0);
	assert_int_equal(atomic_read(&drv.migrate_calls), 1);
	assert_true(list_empty(&list));
	assert_ptr_not_equal(drv.slots[10].page, page);
	assert_true(toy_verify(&drv, 10));
}

/* Contract violations are caught (debug builds). */
static void test_contract_bugs(void **state)
{
	struct page *page, *movable;

	(void)state;
	if (!IS_ENABLED(CONFIG_DEBUG_VM))
		skip();
	page = alloc_page(GFP_KERNEL);
	assert_non_null(page);
	movable = make_page(11);

	/* Marking or testing movability needs the page lock. */
	EXPECT_BUG(__SetPageMovable(page, drv.inode->i_mapping));
	assert_null(page->mapping);
	EXPECT_BUG(PageMovable(movable));
	EXPECT_BUG(__ClearPageMovable(movable));
	assert_true(__PageMovable(movable));

	/* The mapping pointer must not carry the flag already. */
	lock_page(page);
	EXPECT_BUG(__SetPageMovable(page, (struct address_space *)
				   ((unsigned long)drv.inode->i_mapping |
				    PAGE_MAPPING_MOVABLE)));
	/* Clearing what was never set. */
	EXPECT_BUG(__ClearPageMovable(page));
	unlock_page(page);
	assert_null(page->mapping);
	__free_page(page);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_isolate_putback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_isolate_not_movable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_success, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eagain_then_success, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eagain_forever, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fail_for_good, setup, teardown),
		cmocka_unit_test_setup_teardown(test_released_after_isolation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_page_fault, setup, teardown),
		cmocka_unit_test_setup_teardown(test_page_lock_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_contract_bugs, setup, teardown),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
