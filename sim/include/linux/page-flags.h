/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef PAGE_FLAGS_H
#define PAGE_FLAGS_H

#include <linux/types.h>
#include <linux/bitops.h>
#include <linux/mm_types.h>

enum pageflags {
	PG_locked,		/* page is locked; lock_page() */
	PG_referenced,
	PG_uptodate,
	PG_dirty,
	PG_lru,
	PG_active,
	PG_workingset,
	PG_waiters,		/* someone sleeps in lock_page() */
	PG_error,
	PG_slab,
	PG_owner_priv_1,	/* owner use; zsmalloc 4.8: huge object */
	PG_arch_1,
	PG_reserved,
	PG_private,		/* zsmalloc: first page of a zspage */
	PG_private_2,		/* zsmalloc 4.8: last page of a zspage */
	PG_writeback,
	PG_head,
	PG_mappedtodisk,
	PG_reclaim,
	PG_swapbacked,
	PG_unevictable,
	PG_buddy,		/* SIM: free in the buddy allocator (kernel: page type) */
	__NR_PAGEFLAGS,

	/* non-LRU movable pages isolated for migration (4.8: aliased) */
	PG_isolated = PG_reclaim,
	/* free blocks given to the page reporting device (Linux 5.7: aliased) */
	PG_reported = PG_uptodate,
};

/*
 * SIM: the kernel's non-atomic __SetPageFoo() variants are atomic here.
 * The cost is a locked instruction, and it keeps concurrent atomic flag
 * updates on the same word (lock_page, PG_waiters) from being lost.
 */
#define TESTPAGEFLAG(uname, lname)					\
static inline int Page##uname(const struct page *page)			\
{ return test_bit(PG_##lname, &page->flags); }
#define SETPAGEFLAG(uname, lname)					\
static inline void SetPage##uname(struct page *page)			\
{ set_bit(PG_##lname, &page->flags); }
#define CLEARPAGEFLAG(uname, lname)					\
static inline void ClearPage##uname(struct page *page)			\
{ clear_bit(PG_##lname, &page->flags); }
#define __SETPAGEFLAG(uname, lname)					\
static inline void __SetPage##uname(struct page *page)			\
{ set_bit(PG_##lname, &page->flags); }
#define __CLEARPAGEFLAG(uname, lname)					\
static inline void __ClearPage##uname(struct page *page)		\
{ clear_bit(PG_##lname, &page->flags); }
#define TESTSETFLAG(uname, lname)					\
static inline int TestSetPage##uname(struct page *page)			\
{ return test_and_set_bit(PG_##lname, &page->flags); }
#define TESTCLEARFLAG(uname, lname)					\
static inline int TestClearPage##uname(struct page *page)		\
{ return test_and_clear_bit(PG_##lname, &page->flags); }

#define PAGEFLAG(uname, lname)	TESTPAGEFLAG(uname, lname)		\
	SETPAGEFLAG(uname, lname) CLEARPAGEFLAG(uname, lname)
#define __PAGEFLAG(uname, lname) TESTPAGEFLAG(uname, lname)		\
	__SETPAGEFLAG(uname, lname) __CLEARPAGEFLAG(uname, lname)

TESTPAGEFLAG(Locked, locked)
__SETPAGEFLAG(Locked, locked)
__CLEARPAGEFLAG(Locked, locked)
PAGEFLAG(Waiters, waiters)
PAGEFLAG(Referenced, referenced)
PAGEFLAG(Uptodate, uptodate)
PAGEFLAG(Dirty, dirty)
PAGEFLAG(LRU, lru)
PAGEFLAG(Active, active)
PAGEFLAG(Error, error)
__PAGEFLAG(Slab, slab)
PAGEFLAG(OwnerPriv1, owner_priv_1)
TESTCLEARFLAG(OwnerPriv1, owner_priv_1)
PAGEFLAG(Reserved, reserved)
__SETPAGEFLAG(Reserved, reserved)
__CLEARPAGEFLAG(Reserved, reserved)
PAGEFLAG(Private, private)
__SETPAGEFLAG(Private, private)
__CLEARPAGEFLAG(Private, private)
PAGEFLAG(Private2, private_2)
__SETPAGEFLAG(Private2, private_2)
__CLEARPAGEFLAG(Private2, private_2)
TESTSETFLAG(Private2, private_2)
TESTCLEARFLAG(Private2, private_2)
PAGEFLAG(Writeback, writeback)
PAGEFLAG(Head, head)
PAGEFLAG(Reclaim, reclaim)
PAGEFLAG(SwapBacked, swapbacked)
PAGEFLAG(Unevictable, unevictable)
__PAGEFLAG(Buddy, buddy)
__PAGEFLAG(Isolated, isolated)
/* Only on the first page of a free buddy block, under zone->lock. */
__PAGEFLAG(Reported, reported)

/*
 * page->mapping low bits.  An anonymous page has ANON; a non-LRU movable
 * page (Linux 4.8, commit bda807d44454) has MOVABLE; KSM has both.  page_mapping() masks them.
 */
#define PAGE_MAPPING_ANON	0x1
#define PAGE_MAPPING_MOVABLE	0x2
#define PAGE_MAPPING_KSM	(PAGE_MAPPING_ANON | PAGE_MAPPING_MOVABLE)
#define PAGE_MAPPING_FLAGS	(PAGE_MAPPING_ANON | PAGE_MAPPING_MOVABLE)

static inline unsigned long __sim_page_mapping_word(const struct page *page)
{
	return (unsigned long)__atomic_load_n(&page->mapping, __ATOMIC_RELAXED);
}

static inline int PageMappingFlags(const struct page *page)
{
	return (__sim_page_mapping_word(page) & PAGE_MAPPING_FLAGS) != 0;
}

static inline int PageAnon(const struct page *page)
{
	return (__sim_page_mapping_word(page) & PAGE_MAPPING_ANON) != 0;
}

/* Lockless and may give a false positive; PageMovable() checks under lock. */
static inline int __PageMovable(const struct page *page)
{
	return (__sim_page_mapping_word(page) & PAGE_MAPPING_FLAGS) ==
		PAGE_MAPPING_MOVABLE;
}

/*
 * Flags that must be clear when a page is freed (free_pages_check()), and
 * the flags cleared on the way into the buddy allocator: every PG_* bit,
 * as in Linux 4.8.
 */
#define PAGE_FLAGS_CHECK_AT_FREE					\
	(1UL << PG_lru | 1UL << PG_locked | 1UL << PG_private |		\
	 1UL << PG_private_2 | 1UL << PG_writeback | 1UL << PG_reserved | \
	 1UL << PG_slab | 1UL << PG_active | 1UL << PG_unevictable)
#define PAGE_FLAGS_CHECK_AT_PREP	((1UL << __NR_PAGEFLAGS) - 1)

/*
 * SIM: the kernel keeps node, zone and section ids in the top bits of
 * page->flags.  With one node and one zone the simulator keeps there
 * instead the migratetype an allocated page was requested with, so that
 * the per-type allocated counters can be given back when it is freed.
 * Written only by the buddy allocator, while it owns the page.
 */
#define ALLOC_MT_PGSHIFT	(BITS_PER_LONG - 2)
#define ALLOC_MT_MASK		(3UL << ALLOC_MT_PGSHIFT)

/* Flag names for dump_page() and /proc-style output. */
extern const char *const pageflag_names[__NR_PAGEFLAGS];

/* Page types in page->page_type (Linux 6.11+). */
#include <linux/page-type.h>

#endif /* PAGE_FLAGS_H */
