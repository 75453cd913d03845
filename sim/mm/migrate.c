// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Page migration for non-LRU movable pages (Linux 4.8, commit bda807d44454).
 *
 * A driver makes its pages movable in one of two ways, both first-class:
 * Linux 4.8's, an address_space whose a_ops has isolate_page /
 * migratepage / putback_page, or Linux 5.19+'s, a struct
 * movable_operations with isolate_page / migrate_page / putback_page
 *; either is given to __SetPageMovable().  The VM
 * then isolates such a page (one reference taken, PG_isolated set, the
 * driver told), moves it to a new page through the driver's migrate
 * callback, or hands it back through putback_page when migration fails
 * for good.  The core below is written once, against "the page's
 * callbacks" (struct movable_cb), and does not care which interface a
 * driver chose.
 *
 * SIM: the simulator has no LRU lists, no page tables and no swap, so
 * only the non-LRU half of the kernel's migrate.c exists: no rmap
 * unmapping, no writeback, no hugetlb or THP, no balloon.  A page handed
 * to migrate_pages() or putback_movable_pages() that is not a non-LRU
 * movable page is a caller bug (VM_BUG_ON_PAGE).
 */
#include <errno.h>

#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/fs.h>
#include <linux/migrate.h>
#include <linux/pagemap.h>
#include <linux/sched.h>
#include <linux/vmstat.h>
#include <sim/internal.h>
#include <trace/events/migrate.h>
#include "internal.h"

__thread unsigned int sim_current_flags;

/* migrate_pages() tries a page at most this many times on -EAGAIN. */
#define MIGRATE_MAX_PASSES	10
/* From this pass on, a sync migration may sleep on the page lock. */
#define MIGRATE_FORCE_PASS	3

/* --- the two driver interfaces ------------------------------------------ */

/*
 * Every movable_operations table ever set on a page.  The mapping word of
 * a movable page is "pointer | PAGE_MAPPING_MOVABLE" for both interfaces;
 * a pointer found here is a movable_operations, any other an
 * address_space.  Append-only and lock-free: a table is a driver's static
 * const, so it is never removed.
 */
#define MOVABLE_OPS_MAX	16
static const struct movable_operations *movable_ops_seen[MOVABLE_OPS_MAX];
static unsigned int nr_movable_ops_seen;

static bool movable_ops_known(const void *ptr)
{
	unsigned int i, n = __atomic_load_n(&nr_movable_ops_seen, __ATOMIC_ACQUIRE);

	for (i = 0; i < n && i < MOVABLE_OPS_MAX; i++)
		if (__atomic_load_n(&movable_ops_seen[i], __ATOMIC_ACQUIRE) == ptr)
			return true;
	return false;
}

static void movable_ops_record(const struct movable_operations *mops)
{
	const struct movable_operations *expected;
	unsigned int i;

	for (;;) {
		if (movable_ops_known(mops))
			return;
		for (i = 0; i < MOVABLE_OPS_MAX; i++) {
			expected = NULL;
			if (__atomic_compare_exchange_n(&movable_ops_seen[i], &expected,
							mops, false, __ATOMIC_ACQ_REL,
							__ATOMIC_ACQUIRE)) {
				/* readers scan up to the count; raise it past us */
				unsigned int n = __atomic_load_n(&nr_movable_ops_seen,
								 __ATOMIC_RELAXED);
				while (n < i + 1 &&
				       !__atomic_compare_exchange_n(&nr_movable_ops_seen, &n,
								    i + 1, false,
								    __ATOMIC_RELEASE,
								    __ATOMIC_RELAXED))
					;
				return;
			}
			if (expected == mops)
				return;
		}
		/* More tables than any kernel has drivers: a caller bug. */
		BUG();
	}
}

/* What the core calls; exactly one of the two pointers is set. */
struct movable_cb {
	const struct movable_operations *mops;	/* Linux 5.19+ */
	struct address_space *mapping;		/* Linux 4.8 */
};

/* The page's callbacks; false if it has none (not movable, or released). */
static bool page_movable_cb(struct page *page, struct movable_cb *cb)
{
	unsigned long word = __sim_page_mapping_word(page);
	void *ptr = (void *)(word & ~(unsigned long)PAGE_MAPPING_FLAGS);

	cb->mops = NULL;
	cb->mapping = NULL;
	if ((word & PAGE_MAPPING_FLAGS) != PAGE_MAPPING_MOVABLE || !ptr)
		return false;
	if (movable_ops_known(ptr)) {
		cb->mops = ptr;
		return cb->mops->isolate_page != NULL;
	}
	cb->mapping = page_mapping(page);
	return cb->mapping && cb->mapping->a_ops && cb->mapping->a_ops->isolate_page;
}

static bool cb_isolate(const struct movable_cb *cb, struct page *page,
		       isolate_mode_t mode)
{
	if (cb->mops)
		return cb->mops->isolate_page(page, mode);
	return cb->mapping->a_ops->isolate_page(page, mode);
}

static int cb_migrate(const struct movable_cb *cb, struct page *newpage,
		      struct page *page, enum migrate_mode mode)
{
	if (cb->mops)
		return cb->mops->migrate_page(newpage, page, mode);
	return cb->mapping->a_ops->migratepage(cb->mapping, newpage, page, mode);
}

static void cb_putback(const struct movable_cb *cb, struct page *page)
{
	if (cb->mops)
		cb->mops->putback_page(page);
	else
		cb->mapping->a_ops->putback_page(page);
}

const struct movable_operations *page_movable_ops(struct page *page)
{
	struct movable_cb cb;

	VM_BUG_ON_PAGE(!__PageMovable(page), page);
	page_movable_cb(page, &cb);
	return cb.mops;
}

/* --- movable page marks ------------------------------------------------- */

int PageMovable(struct page *page)
{
	struct movable_cb cb;

	VM_BUG_ON_PAGE(!PageLocked(page), page);
	if (!__PageMovable(page))
		return 0;
	return page_movable_cb(page, &cb);
}

static void set_page_movable_word(struct page *page, const void *ptr)
{
	VM_BUG_ON_PAGE(!PageLocked(page), page);
	VM_BUG_ON_PAGE((unsigned long)ptr & PAGE_MAPPING_FLAGS, page);
	/* Compaction's scanner reads this word without the page lock. */
	WRITE_ONCE(page->mapping, (struct address_space *)
		   ((unsigned long)ptr | PAGE_MAPPING_MOVABLE));
}

void sim_set_page_movable_mapping(struct page *page, struct address_space *mapping)
{
	set_page_movable_word(page, mapping);
}

void sim_set_page_movable_ops(struct page *page,
			      const struct movable_operations *mops)
{
	movable_ops_record(mops);
	set_page_movable_word(page, mops);
}

void __ClearPageMovable(struct page *page)
{
	VM_BUG_ON_PAGE(!PageLocked(page), page);
	VM_BUG_ON_PAGE(!PageMovable(page), page);
	/*
	 * The driver's pointer goes, the MOVABLE bit stays (both interfaces,
	 * as in the kernel): a page its driver released while the VM had it
	 * isolated is still recognisably a non-LRU page, and PageMovable()
	 * now says the driver is gone, so migration finishes it without
	 * calling back into the driver.
	 */
	WRITE_ONCE(page->mapping, (struct address_space *)
		   (__sim_page_mapping_word(page) & PAGE_MAPPING_MOVABLE));
}

/* --- isolation and putback ---------------------------------------------- */

bool isolate_movable_page(struct page *page, isolate_mode_t mode)
{
	struct movable_cb cb;

	/*
	 * A page on its way to the free lists has no references left; a
	 * page we do pin here is freed by our put_page() if its owner let
	 * go meanwhile.
	 */
	if (unlikely(!get_page_unless_zero(page)))
		goto out;

	/*
	 * Cheap test before the page lock: the owner of a page that is not
	 * movable may rely on nobody else taking its lock (zsmalloc
	 * trylocks fresh pages), so such pages must not be locked here.
	 */
	if (unlikely(!__PageMovable(page)))
		goto out_putpage;

	/*
	 * The page lock keeps the driver from releasing the page and other
	 * isolators from isolating it again while we look.  Never wait: the
	 * scanner just moves on.
	 */
	if (unlikely(!trylock_page(page)))
		goto out_putpage;

	if (!page_movable_cb(page, &cb) || PageIsolated(page))
		goto out_no_isolated;

	if (!cb_isolate(&cb, page, mode))
		goto out_no_isolated;

	/* PG_isolated is the VM's; a driver setting it is a bug. */
	WARN_ON_ONCE(PageIsolated(page));
	__SetPageIsolated(page);
	unlock_page(page);
	/*
	 * SIM: the kernel's isolator counts the page (acct_isolated()); here
	 * every isolation is counted where it happens, so the counter is
	 * exact whoever isolates.
	 */
	inc_zone_page_state(page, NR_ISOLATED_MOVABLE);
	return true;

out_no_isolated:
	unlock_page(page);
out_putpage:
	put_page(page);
out:
	return false;
}

/* Hand a page back to its driver.  Page locked, movable and isolated. */
void putback_movable_page(struct page *page)
{
	struct movable_cb cb;
	bool movable;

	VM_BUG_ON_PAGE(!PageLocked(page), page);
	movable = page_movable_cb(page, &cb);
	VM_BUG_ON_PAGE(!movable, page);
	VM_BUG_ON_PAGE(!PageIsolated(page), page);

	if (movable)
		cb_putback(&cb, page);
	__ClearPageIsolated(page);
}

/*
 * Give up on an isolated page: back to its driver, or, if the driver
 * released it meanwhile, just unmarked; then drop the isolation
 * reference (which frees a released page).  Page not locked.
 */
static void putback_isolated_page(struct page *page)
{
	lock_page(page);
	if (PageMovable(page))
		putback_movable_page(page);
	else
		__ClearPageIsolated(page);
	unlock_page(page);
	put_page(page);
}

void putback_movable_pages(struct list_head *l)
{
	struct page *page, *page2;

	list_for_each_entry_safe(page, page2, l, lru) {
		list_del(&page->lru);
		/*
		 * Only non-LRU pages can carry PAGE_MAPPING_MOVABLE alone, so
		 * the lockless test is exact for an isolated page.  Anything
		 * else was never isolated by isolate_movable_page().
		 */
		VM_BUG_ON_PAGE(!__PageMovable(page), page);
		if (unlikely(!__PageMovable(page)))
			continue;
		VM_BUG_ON_PAGE(!PageIsolated(page), page);
		dec_zone_page_state(page, NR_ISOLATED_MOVABLE);
		putback_isolated_page(page);
	}
}

/* --- moving one page ---------------------------------------------------- */

/*
 * Move @page's contents and identity to @newpage; both locked.  Returns
 * MIGRATEPAGE_SUCCESS, -EAGAIN (try again later) or another error.
 */
static int move_to_new_page(struct page *newpage, struct page *page,
			    enum migrate_mode mode)
{
	struct movable_cb cb;
	int rc;

	VM_BUG_ON_PAGE(!PageLocked(page), page);
	VM_BUG_ON_PAGE(!PageLocked(newpage), newpage);
	VM_BUG_ON_PAGE(!PageIsolated(page), page);

	/*
	 * Released by its driver after isolation: nothing left to move, and
	 * the driver must not be called for a page it no longer owns.
	 */
	if (!page_movable_cb(page, &cb)) {
		__ClearPageIsolated(page);
		return MIGRATEPAGE_SUCCESS;
	}

	if (sim_should_fail_migrate())
		return -EAGAIN;
	rc = cb_migrate(&cb, newpage, page, mode);
	/* The driver must not clear the VM's flag. */
	WARN_ON_ONCE(rc == MIGRATEPAGE_SUCCESS && !PageIsolated(page));

	if (rc == MIGRATEPAGE_SUCCESS) {
		/*
		 * Still under the page lock, so no other compactor can pick
		 * the old page up again.  Its PAGE_MAPPING_MOVABLE word is
		 * left for the free path to clear.
		 */
		if (__PageMovable(page))
			__ClearPageIsolated(page);
		if (!PageMappingFlags(page))
			WRITE_ONCE(page->mapping, NULL);
	}
	return rc;
}

static int __unmap_and_move(struct page *page, struct page *newpage,
			    int force, enum migrate_mode mode)
{
	int rc = -EAGAIN;

	if (!trylock_page(page)) {
		/*
		 * Asynchronous migration never sleeps; nor does anyone on an
		 * early pass, or in direct compaction (PF_MEMALLOC), where the
		 * lock holder might be waiting for the memory we are making.
		 */
		if (!force || mode == MIGRATE_ASYNC)
			goto out;
		if (sim_current_flags & PF_MEMALLOC)
			goto out;
		lock_page(page);
	}

	/*
	 * Nobody else should hold the new page, but a stale reference from
	 * its previous life could: treat that as a passing failure.
	 */
	if (unlikely(!trylock_page(newpage)))
		goto out_unlock;

	rc = move_to_new_page(newpage, page, mode);

	unlock_page(newpage);
out_unlock:
	unlock_page(page);
out:
	/*
	 * Drop the core's reference to the new page.  A driver that took the
	 * page over holds its own (zsmalloc: get_page(newpage)), so this
	 * only frees a page that was not used (a released old page).
	 * SIM: the kernel would put a non-movable new page on the LRU.
	 */
	if (rc == MIGRATEPAGE_SUCCESS)
		put_page(newpage);
	return rc;
}

/*
 * Get a new page for @page and try to move it there.  On any result but
 * -EAGAIN the page leaves the @from list: migrated (the isolation
 * reference dropped, freeing the old page) or handed back to its driver.
 */
static int unmap_and_move(new_page_t get_new_page, free_page_t put_new_page,
			  unsigned long private, struct page *page, int force,
			  enum migrate_mode mode, enum migrate_reason reason)
{
	int rc = MIGRATEPAGE_SUCCESS;
	int *result = NULL;
	struct page *newpage;

	(void)reason;
	VM_BUG_ON_PAGE(!__PageMovable(page), page);
	if (unlikely(!__PageMovable(page))) {
		/* Not ours (no LRU here): leave it to the caller. */
		list_del(&page->lru);
		return -EINVAL;
	}

	newpage = get_new_page(page, private, &result);
	if (!newpage)
		return -ENOMEM;

	if (page_count(page) == 1) {
		/*
		 * Only our isolation reference is left: the driver released
		 * the page.  Done, without a copy.
		 */
		lock_page(page);
		if (!PageMovable(page))
			__ClearPageIsolated(page);
		unlock_page(page);
		if (put_new_page)
			put_new_page(newpage, private);
		else
			put_page(newpage);
		goto out;
	}

	rc = __unmap_and_move(page, newpage, force, mode);

out:
	if (rc != -EAGAIN) {
		list_del(&page->lru);
		dec_zone_page_state(page, NR_ISOLATED_MOVABLE);
	}

	if (rc == MIGRATEPAGE_SUCCESS) {
		/* The isolation reference; the driver dropped its own. */
		put_page(page);
	} else {
		if (rc != -EAGAIN)
			putback_isolated_page(page);
		if (put_new_page)
			put_new_page(newpage, private);
		else
			put_page(newpage);
	}

	if (result) {
		if (rc != MIGRATEPAGE_SUCCESS)
			*result = rc;
		else
			*result = 0;
	}
	return rc;
}

int migrate_pages(struct list_head *from, new_page_t get_new_page,
		  free_page_t put_new_page, unsigned long private,
		  enum migrate_mode mode, int reason)
{
	int retry = 1, nr_failed = 0, nr_succeeded = 0, pass, rc;
	struct page *page, *page2;

	/*
	 * A driver that cannot move a page right now says -EAGAIN; such
	 * pages stay on @from and are tried again on the next pass, up to
	 * MIGRATE_MAX_PASSES, the later passes allowed to wait for the
	 * page lock.  Pages left over count as failed and stay on @from.
	 */
	for (pass = 0; pass < MIGRATE_MAX_PASSES && retry; pass++) {
		retry = 0;
		list_for_each_entry_safe(page, page2, from, lru) {
			cond_resched();
			rc = unmap_and_move(get_new_page, put_new_page, private,
					    page, pass >= MIGRATE_FORCE_PASS,
					    mode, (enum migrate_reason)reason);
			switch (rc) {
			case -ENOMEM:
				/* No page to move into: stop here. */
				nr_failed++;
				goto out;
			case -EAGAIN:
				retry++;
				break;
			case MIGRATEPAGE_SUCCESS:
				nr_succeeded++;
				break;
			default:
				/* Handed back to its driver (or not ours). */
				nr_failed++;
				break;
			}
		}
	}
	nr_failed += retry;
	rc = nr_failed;
out:
	trace_mm_migrate_pages(nr_succeeded, nr_failed, mode, reason);
	if (nr_succeeded)
		count_vm_events(PGMIGRATE_SUCCESS, nr_succeeded);
	if (nr_failed)
		count_vm_events(PGMIGRATE_FAIL, nr_failed);
	return rc;
}
