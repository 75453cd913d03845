// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Sleeping on the page lock.
 *
 * A waiter sets PG_waiters and sleeps on a futex on the low 32 bits of
 * page->flags (where PG_locked and PG_waiters live), after re-checking
 * the word it sleeps on, so any flag change in between makes the sleep
 * return at once.  unlock_page() clears PG_locked; if PG_waiters was set
 * it clears that too and wakes every sleeper on the word: those that
 * still have to wait set PG_waiters again before they sleep, so the bit
 * is never lost while someone sleeps.
 */
#include <linux/mm_types.h>
#include <linux/page-flags.h>
#include <linux/pagemap.h>
#include <sim/futex.h>

#define PAGE_LOCK_BITS	((1UL << PG_locked) | (1UL << PG_waiters))

_Static_assert(PG_locked < 32 && PG_waiters < 32,
	       "the page lock futex covers the low 32 bits of page->flags");

/* The 32-bit futex word holding PG_locked and PG_waiters. */
static inline unsigned int *page_futex_word(struct page *page)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ || __SIZEOF_LONG__ == 4
	return (unsigned int *)&page->flags;
#else
	return (unsigned int *)&page->flags + 1;
#endif
}

/*
 * Sleep until the flags word changes from @seen, whose PG_locked is set;
 * PG_waiters must be set in @seen so that the unlocker wakes us.
 */
static void page_sleep(struct page *page, unsigned long seen)
{
	sim_futex_wait(page_futex_word(page), (unsigned int)seen);
}

/* Set PG_waiters if the page is still locked; returns the word seen. */
static unsigned long page_mark_waiter(struct page *page)
{
	return __atomic_or_fetch(&page->flags, 1UL << PG_waiters,
				 __ATOMIC_SEQ_CST);
}

/* lockdep's class of every page lock (linux/pagemap.h). */
const struct lock_class_key sim_page_lock_key = { "PG_locked", __FILE__, __LINE__ };

/* The bit alone: lock_page() has told lockdep already. */
static bool page_trylock_bit(struct page *page)
{
	return !test_and_set_bit_lock(PG_locked, &page->flags);
}

void sim_lock_page_slow(struct page *page)
{
	unsigned long flags;
	int i;

	for (i = 0; i < SIM_SPIN_TRIES; i++) {
		if (!PageLocked(page) && page_trylock_bit(page))
			return;
		sim_cpu_relax();
	}
	for (;;) {
		if (page_trylock_bit(page))
			return;
		flags = page_mark_waiter(page);
		if (!(flags & (1UL << PG_locked)))
			continue;	/* unlocked meanwhile: try again */
		page_sleep(page, flags);
	}
}

void sim_wait_on_page_locked(struct page *page)
{
	unsigned long flags;

	for (;;) {
		/* woken: a page that stays unlocked needs no waiter bit */
		if (!PageLocked(page))
			return;
		flags = page_mark_waiter(page);
		if (!(flags & (1UL << PG_locked)))
			return;
		page_sleep(page, flags);
	}
}

void sim_wake_up_page(struct page *page)
{
	/*
	 * Only clear PG_waiters if nobody locked the page again meanwhile
	 * and set it anew (their waiters still need this bit): clear it
	 * only while the page stays unlocked.
	 */
	unsigned long flags = __atomic_load_n(&page->flags, __ATOMIC_RELAXED);

	while ((flags & PAGE_LOCK_BITS) == (1UL << PG_waiters) &&
	       !__atomic_compare_exchange_n(&page->flags, &flags,
					    flags & ~(1UL << PG_waiters), true,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
	sim_futex_wake_all(page_futex_word(page));
}
