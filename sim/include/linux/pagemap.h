/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_PAGEMAP_H
#define _LINUX_PAGEMAP_H

/*
 * The page lock: PG_locked in page->flags, taken with an atomic
 * test-and-set.  A waiter spins briefly, then sets PG_waiters and sleeps
 * (mm/filemap.c); unlock_page() wakes sleepers only when PG_waiters is
 * set, as the kernel does.
 *
 * SIM: sleepers wait on a futex on the flags word itself rather than on
 * the kernel's hashed wait queues, and unlock_page() wakes all of them
 * (they race for the lock; losers sleep again).
 */
#include <linux/compiler.h>
#include <linux/mm_types.h>
#include <linux/page-flags.h>
#include <linux/mmdebug.h>
#include <linux/sched.h>

void sim_lock_page_slow(struct page *page);
void sim_wake_up_page(struct page *page);
void sim_wait_on_page_locked(struct page *page);

/* mm/filemap.c: every page lock is one lockdep class, "PG_locked". */
extern __attribute__((__visibility__("hidden")))
	const struct lock_class_key sim_page_lock_key;

/* Returns true if the page lock was taken. */
static inline bool trylock_page(struct page *page)
{
	if (sim_fail_trylock(SIM_TRYLOCK_PAGE))
		return false;
	if (unlikely(test_and_set_bit_lock(PG_locked, &page->flags)))
		return false;
	lock_acquire(page, &sim_page_lock_key, "page lock", SIM_LOCKDEP_TRY);
	return true;
}

static inline void lock_page(struct page *page)
{
	might_sleep();
	lock_acquire(page, &sim_page_lock_key, "page lock", 0);
	if (unlikely(test_and_set_bit_lock(PG_locked, &page->flags)))
		sim_lock_page_slow(page);
}

static inline int lock_page_killable(struct page *page)
{
	lock_page(page);
	return 0;
}

static inline void unlock_page(struct page *page)
{
	unsigned long old;

	VM_BUG_ON_PAGE(!PageLocked(page), page);
	lock_release(page);
	/* Release the lock and learn about sleepers in one atomic step. */
	old = __atomic_fetch_and(&page->flags, ~(1UL << PG_locked),
				 __ATOMIC_RELEASE);
	if (unlikely(old & (1UL << PG_waiters)))
		sim_wake_up_page(page);
}

static inline void wait_on_page_locked(struct page *page)
{
	might_sleep();
	if (PageLocked(page))
		sim_wait_on_page_locked(page);
}

#endif /* _LINUX_PAGEMAP_H */
