// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * The buddy allocator, after Linux 4.8's mm/page_alloc.c: one zone
 * ("Normal"), orders 0..MAX_ORDER-1, free lists per order and
 * migratetype, pageblocks with a migratetype each, the 4.8 fallback
 * table with pageblock stealing, and min/low/high watermarks.
 *
 * Order-0 pages go through per-CPU lists (struct per_cpu_pages), so the
 * common allocation and free take only this CPU's list lock; zone->lock
 * is taken once per batch.
 *
 * SIM: no highatomic reserve, no CMA areas, no OOM killer.  Free blocks
 * of the reporting order and larger are reported later, in batches, by
 * mm/page_reporting.c, whose device gives their frames back to the
 * operating system, so the process's RSS follows the simulated usage.
 * The free path only asks for a pass.  See sim/README.md.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <linux/kasan.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/mmzone.h>
#include <linux/spinlock.h>
#include <linux/vmstat.h>
#include <linux/compaction.h>
#include <linux/page_reporting.h>
#include <linux/sched.h>
#include <sim/internal.h>
#include <linux/page-isolation.h>
#include <trace/events/kmem.h>
#include "internal.h"

struct zone sim_zone;
unsigned int pageblock_order = 9;
int page_group_by_mobility_disabled;

const char *const migratetype_names[MIGRATE_TYPES] = {
	[MIGRATE_UNMOVABLE]	= "Unmovable",
	[MIGRATE_MOVABLE]	= "Movable",
	[MIGRATE_RECLAIMABLE]	= "Reclaimable",
	[MIGRATE_HIGHATOMIC]	= "HighAtomic",
};

/*
 * Where to look when a migratetype's own free lists are empty (4.8).
 * The highatomic reserve is never a fallback.
 */
static const int fallbacks[MIGRATE_TYPES][3] = {
	[MIGRATE_UNMOVABLE]	= { MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE, MIGRATE_TYPES },
	[MIGRATE_RECLAIMABLE]	= { MIGRATE_UNMOVABLE, MIGRATE_MOVABLE, MIGRATE_TYPES },
	[MIGRATE_MOVABLE]	= { MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE, MIGRATE_TYPES },
	[MIGRATE_HIGHATOMIC]	= { MIGRATE_TYPES },
};

/* A __GFP_NOFAIL allocation gives up (BUG) after this many reclaim passes. */
#define NOFAIL_MAX_PASSES	1000

#define PAGE_POISON		0x6b

/*
 * Tools' poisoning (linux/kasan.h): a block is poisoned when it is
 * freed and unpoisoned when it is allocated.  Frames never allocated
 * were never poisoned.  AddressSanitizer's shadow outlives munmap(), so
 * the pfns ever handed out are tracked and unpoisoned at shutdown.
 */
static unsigned long kasan_lo_pfn = ~0UL, kasan_hi_pfn;

static void kasan_alloc_pages(struct page *page, unsigned int order)
{
	unsigned long pfn = page_to_pfn(page), end = pfn + (1UL << order);
	unsigned long v;

	kasan_unpoison(page_address(page), PAGE_SIZE << order);
	if (!KASAN_ASAN)
		return;
	v = __atomic_load_n(&kasan_lo_pfn, __ATOMIC_RELAXED);
	while (pfn < v && !__atomic_compare_exchange_n(&kasan_lo_pfn, &v, pfn, false,
						       __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
	v = __atomic_load_n(&kasan_hi_pfn, __ATOMIC_RELAXED);
	while (end > v && !__atomic_compare_exchange_n(&kasan_hi_pfn, &v, end, false,
						       __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

/* Shutdown: the arena's shadow goes back to "accessible". */
static void kasan_exit_pages(void)
{
	if (KASAN_ASAN && kasan_hi_pfn > kasan_lo_pfn)
		kasan_unpoison(page_address(pfn_to_page(kasan_lo_pfn)),
			       (kasan_hi_pfn - kasan_lo_pfn) << PAGE_SHIFT);
	kasan_lo_pfn = ~0UL;
	kasan_hi_pfn = 0;
}

/* --- pageblocks --------------------------------------------------------- */

void set_pageblock_migratetype(struct page *page, int migratetype)
{
	struct zone *zone = page_zone(page);

	if (unlikely(page_group_by_mobility_disabled &&
		     migratetype < MIGRATE_PCPTYPES))
		migratetype = MIGRATE_UNMOVABLE;
	WRITE_ONCE(zone->pageblock_mt[pfn_to_pageblock_idx(zone, page_to_pfn(page))],
		   (unsigned char)migratetype);
}

/* Every pageblock of a free block of 2^order >= pageblock size. */
static void change_pageblock_range(struct page *page, unsigned int order,
				   int migratetype)
{
	unsigned long nr_pageblocks = 1UL << (order - pageblock_order);

	while (nr_pageblocks--) {
		set_pageblock_migratetype(page, migratetype);
		page += pageblock_nr_pages;
	}
}

/* --- free lists ------------------------------------------------------- */

static inline void set_page_order(struct page *page, unsigned int order)
{
	set_page_private(page, order);
	__SetPageBuddy(page);
}

/*
 * The block leaves the free lists: a reported block stops being one
 * (its frames fault back in when written).  zone->lock held.
 */
static inline void rmv_page_order(struct page *page)
{
	if (PageReported(page)) {
		__ClearPageReported(page);
		sim_zone.reported_pages -= 1UL << page_order(page);
	}
	__ClearPageBuddy(page);
	set_page_private(page, 0);
}

/* Is the page at @buddy_pfn the free buddy of order @order?  lock held. */
static inline bool page_is_buddy(struct zone *zone, unsigned long buddy_pfn,
				 unsigned int order)
{
	struct page *buddy;

	if (!zone_spans_pfn(zone, buddy_pfn))
		return false;
	buddy = pfn_to_page(buddy_pfn);
	return PageBuddy(buddy) && page_order(buddy) == order;
}

/*
 * Put a block of 2^order free pages on the free lists, merging it with
 * its buddy for as long as the buddy is free.  Returns the order of the
 * merged block, which starts at *pfnp.  zone->lock held.
 */
static unsigned int __free_one_page(struct page *page, unsigned long *pfnp,
				    struct zone *zone, unsigned int order,
				    int migratetype)
{
	unsigned long pfn = *pfnp, buddy_pfn, combined_pfn;
	struct free_area *area;

	VM_BUG_ON_PAGE(pfn & ((1UL << order) - 1), page);

	while (order < MAX_ORDER - 1) {
		buddy_pfn = pfn ^ (1UL << order);
		if (!page_is_buddy(zone, buddy_pfn, order))
			break;
		/*
		 * An isolated pageblock's free pages stay on the isolate
		 * list: no merging across its border in either direction.
		 */
		if (order >= pageblock_order &&
		    is_migrate_isolate(migratetype) !=
		    is_migrate_isolate(get_pageblock_migratetype(zone, buddy_pfn)))
			break;
		/* The buddy leaves its list; the pair moves up an order. */
		area = &zone->free_area[order];
		list_del(&pfn_to_page(buddy_pfn)->lru);
		area->nr_free--;
		rmv_page_order(pfn_to_page(buddy_pfn));
		pfn &= buddy_pfn;
		order++;
	}
	page = pfn_to_page(pfn);
	set_page_order(page, order);
	area = &zone->free_area[order];

	/*
	 * If the next-higher buddy is free too, the rest of it may be freed
	 * soon: queue at the tail, so this block is less likely to be split
	 * before that merge can happen.
	 */
	if (order < MAX_ORDER - 2) {
		combined_pfn = pfn & ~(1UL << order);
		buddy_pfn = combined_pfn ^ (1UL << (order + 1));
		if (page_is_buddy(zone, buddy_pfn, order + 1)) {
			list_add_tail(&page->lru, &area->free_list[migratetype]);
			goto out;
		}
	}
	list_add(&page->lru, &area->free_list[migratetype]);
out:
	area->nr_free++;
	*pfnp = pfn;
	return order;
}

/*
 * Split a block of 2^high pages down to 2^low: the upper halves go on the
 * free lists of @migratetype, the lowest part is the caller's.
 */
static inline void expand(struct zone *zone, struct page *page,
			  unsigned int low, unsigned int high,
			  struct free_area *area, int migratetype, bool reported)
{
	unsigned long size = 1UL << high;

	while (high > low) {
		area--;
		high--;
		size >>= 1;
		set_page_order(&page[size], high);
		/*
		 * SIM: the halves of a reported block are still not resident:
		 * they stay reported, at the tail, and no pass reports them
		 * again (the kernel's expand() drops the mark).
		 */
		if (reported) {
			__SetPageReported(&page[size]);
			zone->reported_pages += size;
			list_add_tail(&page[size].lru, &area->free_list[migratetype]);
		} else {
			list_add(&page[size].lru, &area->free_list[migratetype]);
		}
		area->nr_free++;
	}
}

/* The smallest free block of @migratetype that fits; zone->lock held. */
static inline struct page *__rmqueue_smallest(struct zone *zone,
					      unsigned int order, int migratetype)
{
	unsigned int current_order;
	struct free_area *area;
	struct page *page;
	bool reported;

	for (current_order = order; current_order < MAX_ORDER; current_order++) {
		area = &zone->free_area[current_order];
		page = list_first_entry_or_null(&area->free_list[migratetype],
						struct page, lru);
		if (!page)
			continue;
		reported = PageReported(page);
		list_del(&page->lru);
		rmv_page_order(page);
		area->nr_free--;
		expand(zone, page, order, current_order, area, migratetype,
		       reported);
		return page;
	}
	return NULL;
}

/*
 * Move the free blocks in [start_page, end_page] to @migratetype's
 * lists; returns the number of pages moved.  zone->lock held.
 */
static int move_freepages(struct zone *zone, struct page *start_page,
			  struct page *end_page, int migratetype)
{
	struct page *page = start_page;
	unsigned int order;
	int pages_moved = 0;

	while (page <= end_page) {
		if (!PageBuddy(page)) {
			page++;
			continue;
		}
		order = page_order(page);
		list_move(&page->lru, &zone->free_area[order].free_list[migratetype]);
		page += 1UL << order;
		pages_moved += 1 << order;
	}
	return pages_moved;
}

int move_freepages_block(struct zone *zone, struct page *page, int migratetype)
{
	unsigned long start_pfn, end_pfn;
	struct page *start_page, *end_page;

	start_pfn = pageblock_start_pfn(page_to_pfn(page));
	start_page = pfn_to_page(start_pfn);
	end_page = start_page + pageblock_nr_pages - 1;
	end_pfn = start_pfn + pageblock_nr_pages - 1;

	/* Do not cross zone boundaries. */
	if (!zone_spans_pfn(zone, start_pfn))
		start_page = page;
	if (!zone_spans_pfn(zone, end_pfn))
		return 0;
	return move_freepages(zone, start_page, end_page, migratetype);
}

/*
 * May a request of @start_mt take over the pageblock of a fallback block
 * of this order?  Big blocks always; unmovable and reclaimable requests
 * always, because scattering them over many pageblocks is the worse
 * fragmentation; movable ones only from half a pageblock up.
 */
static bool can_steal_fallback(unsigned int order, int start_mt)
{
	if (order >= pageblock_order)
		return true;
	if (order >= pageblock_order / 2 ||
	    start_mt == MIGRATE_RECLAIMABLE ||
	    start_mt == MIGRATE_UNMOVABLE ||
	    page_group_by_mobility_disabled)
		return true;
	return false;
}

/*
 * Steal the free pages of @page's pageblock for @start_type, and the
 * pageblock itself if at least half of it was free: the next requests of
 * that type then come from the same block instead of polluting others.
 */
static void steal_suitable_fallback(struct zone *zone, struct page *page,
				    int start_type)
{
	unsigned int current_order = page_order(page);
	int pages;

	if (current_order >= pageblock_order) {
		change_pageblock_range(page, current_order, start_type);
		return;
	}
	pages = move_freepages_block(zone, page, start_type);
	if (pages >= (1 << (pageblock_order - 1)) ||
	    page_group_by_mobility_disabled)
		set_pageblock_migratetype(page, start_type);
}

/*
 * The first fallback type with a free block of this order, or -1.  With
 * @only_stealable (compaction asking whether an allocation would now
 * succeed without scattering), only a type whose block could be claimed.
 */
int find_suitable_fallback(struct free_area *area, unsigned int order,
			   int migratetype, bool only_stealable, bool *can_steal)
{
	int i, fallback_mt;

	*can_steal = false;
	if (area->nr_free == 0)
		return -1;
	for (i = 0;; i++) {
		fallback_mt = fallbacks[migratetype][i];
		if (fallback_mt == MIGRATE_TYPES)
			break;
		if (list_empty(&area->free_list[fallback_mt]))
			continue;
		*can_steal = can_steal_fallback(order, migratetype);
		if (!only_stealable || *can_steal)
			return fallback_mt;
	}
	return -1;
}

/*
 * Take a block from another migratetype, largest first: a big block is
 * the best candidate to become a whole pageblock of the requested type,
 * which keeps types from mixing in many pageblocks.  zone->lock held.
 */
static struct page *__rmqueue_fallback(struct zone *zone, unsigned int order,
				       int start_migratetype)
{
	struct free_area *area;
	unsigned int current_order;
	struct page *page;
	int fallback_mt;
	bool can_steal, reported;

	for (current_order = MAX_ORDER; current_order-- > order;) {
		area = &zone->free_area[current_order];
		fallback_mt = find_suitable_fallback(area, current_order,
						     start_migratetype, false,
						     &can_steal);
		if (fallback_mt == -1)
			continue;

		page = list_first_entry(&area->free_list[fallback_mt],
					struct page, lru);
		if (can_steal)
			steal_suitable_fallback(zone, page, start_migratetype);
		trace_mm_page_alloc_extfrag(page, (int)order, (int)current_order, start_migratetype, fallback_mt, get_pageblock_migratetype(zone, page_to_pfn(page)) == start_migratetype);

		reported = PageReported(page);
		list_del(&page->lru);
		rmv_page_order(page);
		area->nr_free--;
		/* The rest goes to the requested type's lists (as 4.8). */
		expand(zone, page, order, current_order, area, start_migratetype,
		       reported);
		return page;
	}
	return NULL;
}

static struct page *__rmqueue(struct zone *zone, unsigned int order,
			      int migratetype)
{
	struct page *page;

	page = __rmqueue_smallest(zone, order, migratetype);
	if (unlikely(!page))
		page = __rmqueue_fallback(zone, order, migratetype);
	return page;
}

/* --- watermarks ------------------------------------------------------- */

static bool __zone_watermark_ok(struct zone *z, unsigned int order,
				unsigned long mark, unsigned int alloc_flags,
				long free_pages)
{
	long min = (long)mark;
	unsigned int o;
	int mt;

	/* The pages beyond the first must be above the mark as well. */
	free_pages -= (1L << order) - 1;
	if (alloc_flags & ALLOC_HIGH)
		min -= min / 2;
	if (free_pages <= min)
		return false;
	if (!order)
		return true;

	/* Enough pages, but is there a block big enough? */
	for (o = order; o < MAX_ORDER; o++) {
		struct free_area *area = &z->free_area[o];

		for (mt = 0; mt < MIGRATE_PCPTYPES; mt++)
			if (!list_empty(&area->free_list[mt]))
				return true;
	}
	return false;
}

bool zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
		       int classzone_idx, unsigned int alloc_flags)
{
	(void)classzone_idx;
	return __zone_watermark_ok(z, order, mark, alloc_flags,
				   (long)zone_page_state(z, NR_FREE_PAGES));
}

/* Integer square root, bit by bit (lib/int_sqrt.c's method). */
static unsigned long int_sqrt(unsigned long x)
{
	unsigned long b, m, y = 0;

	if (x <= 1)
		return x;
	m = 1UL << ((BITS_PER_LONG - 1 - __builtin_clzl(x)) & ~1UL);
	while (m != 0) {
		b = y + m;
		y >>= 1;
		if (x >= b) {
			x -= b;
			y += m;
		}
		m >>= 2;
	}
	return y;
}

/*
 * The kernel's min_free_kbytes = sqrt(lowmem_kbytes * 16), clamped to
 * 128 KiB .. 64 MiB, is 1.6% of a 64 MiB machine and 6% of a 4 MiB one.
 * SIM: the simulator takes an eighth of it (at least 4 pages), so small
 * test machines can be filled almost completely; low and high are min
 * plus a quarter and a half of min, as in the kernel.
 */
static void setup_zone_watermarks(struct zone *zone)
{
	unsigned long kbytes = zone->managed_pages << (PAGE_SHIFT - 10);
	unsigned long min_kbytes = int_sqrt(kbytes * 16);
	unsigned long min;

	if (min_kbytes < 128)
		min_kbytes = 128;
	if (min_kbytes > 65536)
		min_kbytes = 65536;
	min = (min_kbytes >> (PAGE_SHIFT - 10)) / 8;
	if (min < 4)
		min = 4;
	/* Lockless readers: the zone grows (memory hotplug). */
	WRITE_ONCE(zone->watermark[WMARK_MIN], min);
	WRITE_ONCE(zone->watermark[WMARK_LOW], min + (min >> 2));
	WRITE_ONCE(zone->watermark[WMARK_HIGH], min + (min >> 1));
}

/* --- allocation ------------------------------------------------------- */

/*
 * Report a page the allocator must not touch.  Debug builds stop with
 * VM_BUG_ON_PAGE; others print the dump and leave the page out of the
 * allocator (leaked), as the kernel's bad_page() does.
 */
static void bad_page(struct page *page, const char *reason)
{
#ifdef CONFIG_DEBUG_VM
	dump_page(page, reason);
	sim_bug(__FILE__, __LINE__, __func__, "VM_BUG_ON_PAGE(bad page state)");
#else
	pr_err("BUG: Bad page state: pfn:%#lx: %s\n", page_to_pfn(page), reason);
	dump_page(page, reason);
#endif
}

/*
 * What is wrong with a page entering or leaving the free lists, or NULL.
 * Flags are read atomically: a compaction scanner may try the page lock
 * of any page at any time.
 */
static const char *page_bad_reason(struct page *page, unsigned long flags,
				   const char *flags_reason)
{
	const char *bad_reason = NULL;

	if (unlikely(page_mapcount(page) != 0))
		bad_reason = "nonzero mapcount";
	if (unlikely(page->mapping != NULL))
		bad_reason = "non-NULL mapping";
	if (unlikely(page_ref_count(page) != 0))
		bad_reason = "nonzero _refcount";
	if (unlikely(page->memcg_data))
		bad_reason = "nonzero memcg_data (charged, or zsmalloc's zs_obj_size left)";
	if (unlikely(READ_ONCE(page->flags) & flags))
		bad_reason = flags_reason;
	return bad_reason;
}

static bool check_new_page(struct page *page)
{
	const char *bad_reason = page_bad_reason(page, PAGE_FLAGS_CHECK_AT_PREP,
						 "PAGE_FLAGS_CHECK_AT_PREP flag set");

	if (likely(!bad_reason))
		return false;
	bad_page(page, bad_reason);
	return true;
}

static inline void set_alloc_migratetype(struct page *page, int migratetype)
{
	__atomic_fetch_and(&page->flags, ~ALLOC_MT_MASK, __ATOMIC_RELAXED);
	__atomic_fetch_or(&page->flags,
			  (unsigned long)migratetype << ALLOC_MT_PGSHIFT,
			  __ATOMIC_RELAXED);
}

static inline int get_alloc_migratetype(const struct page *page)
{
	return (int)((READ_ONCE(page->flags) & ALLOC_MT_MASK) >> ALLOC_MT_PGSHIFT);
}

void post_alloc_hook(struct page *page, unsigned int order, gfp_t gfp_flags)
{
	unsigned long i;

	kasan_alloc_pages(page, order);
	if (IS_ENABLED(CONFIG_DEBUG_VM))
		for (i = 0; i < (1UL << order); i++)
			check_new_page(page + i);
	set_page_private(page, 0);
	set_page_count(page, 1);
	if (gfp_flags & __GFP_ZERO)
		memset(page_address(page), 0, PAGE_SIZE << order);
}

/* The page has left the free lists: make it the caller's. */
static void prep_new_page(struct page *page, unsigned int order, gfp_t gfp,
			  int migratetype)
{
	set_alloc_migratetype(page, migratetype);
	post_alloc_hook(page, order, gfp);
	count_vm_events(PGALLOC_NORMAL, 1L << order);
}

void split_page(struct page *page, unsigned int order)
{
	int mt = get_alloc_migratetype(page);
	unsigned long i;

	VM_BUG_ON_PAGE(page_ref_count(page) != 1, page);
	/* Each page is freed on its own now, so each carries the type. */
	for (i = 1; i < (1UL << order); i++) {
		set_alloc_migratetype(page + i, mt);
		set_page_count(page + i, 1);
	}
}

unsigned long __isolate_free_page(struct page *page, unsigned int order)
{
	struct zone *zone = page_zone(page);
	unsigned long nr = 1UL << order;
	struct page *endpage;
	int mt;

	lockdep_assert_held(&zone->lock);
	VM_BUG_ON_PAGE(!PageBuddy(page) || page_order(page) != order, page);

	/*
	 * Isolated since the scanner looked at its pageblock: the range's
	 * allocator owns it now, and it is not counted free.
	 */
	if (is_migrate_isolate(get_pageblock_migratetype(zone, page_to_pfn(page))))
		return 0;

	/*
	 * The scanner's pages are for copies of pages that are still in
	 * use: keep order-0 allocations above the low watermark meanwhile.
	 */
	if (!zone_watermark_ok(zone, 0, low_wmark_pages(zone) + nr, 0, 0))
		return 0;

	list_del(&page->lru);
	zone->free_area[order].nr_free--;
	rmv_page_order(page);
	__mod_zone_page_state(zone, NR_FREE_PAGES, -(long)nr);
	__mod_zone_page_state(zone, NR_ZONE_MOVABLE, (long)nr);
	set_alloc_migratetype(page, MIGRATE_MOVABLE);

	/*
	 * Half a pageblock or more: movable pages will fill it, so let the
	 * block say so, or its unmovable label would outlive the reason.
	 */
	if (order >= pageblock_order - 1) {
		endpage = page + nr - 1;
		for (; page < endpage; page += pageblock_nr_pages) {
			mt = get_pageblock_migratetype(zone, page_to_pfn(page));
			if (mt != MIGRATE_HIGHATOMIC)
				set_pageblock_migratetype(page, MIGRATE_MOVABLE);
		}
	}
	return nr;
}

void page_reporting_mark(struct zone *zone, struct page *page,
			 unsigned int order, int migratetype)
{
	lockdep_assert_held(&zone->lock);
	VM_BUG_ON_PAGE(!PageBuddy(page) || page_order(page) != order, page);
	__SetPageReported(page);
	zone->reported_pages += 1UL << order;
	/*
	 * To the tail, as the kernel's __putback_isolated_page() puts a
	 * reported block: blocks still resident are allocated first, and
	 * a pass finds the unreported ones at the head.
	 */
	list_move_tail(&page->lru, &zone->free_area[order].free_list[migratetype]);
}

/* Take a block off the free lists if the watermark allows it. */
static struct page *rmqueue(struct zone *zone, unsigned int order,
			    int migratetype, unsigned int alloc_flags)
{
	struct page *page = NULL;
	unsigned long mark;

	spin_lock(&zone->lock);
	if (!(alloc_flags & ALLOC_NO_WATERMARKS)) {
		mark = READ_ONCE(zone->watermark[alloc_flags & ALLOC_WMARK_MASK]);
		if (!zone_watermark_ok(zone, order, mark, 0, alloc_flags))
			goto out;
	}
	page = __rmqueue(zone, order, migratetype);
	if (page) {
		__mod_zone_page_state(zone, NR_FREE_PAGES, -(1L << order));
		__mod_zone_page_state(zone, NR_ZONE_UNMOVABLE + migratetype,
				      1L << order);
	}
out:
	spin_unlock(&zone->lock);
	return page;
}

/* --- per-CPU page lists ------------------------------------------------- */

static void free_one_page(struct zone *zone, struct page *page,
			  unsigned long pfn, unsigned int order);
static inline void clear_page_flags(struct page *page, unsigned long mask);

/*
 * The kernel's zone_batchsize(): about a quarter of a thousandth of the
 * zone, at most 512 KiB, rounded to 2^n - 1 so that batches do not keep
 * hitting the same cache colours; 0 on machines too small for lists.
 */
static int zone_batchsize(struct zone *zone)
{
	unsigned long batch = zone->managed_pages / 1024;

	if (batch * PAGE_SIZE > 512 * 1024)
		batch = (512 * 1024) / PAGE_SIZE;
	batch /= 4;
	if (batch < 1)
		batch = 1;
	return (int)(rounddown_pow_of_two(batch + batch / 2) - 1);
}

bool page_on_pcp_list(struct zone *zone, struct page *page)
{
	unsigned int cpu, mt;
	struct page *p;
	bool found = false;

	for (cpu = 0; !found && zone->pageset && cpu < zone->nr_pagesets; cpu++) {
		struct per_cpu_pages *pcp = &zone->pageset[cpu].pcp;

		spin_lock(&pcp->lock);
		for (mt = 0; !found && mt < MIGRATE_PCPTYPES; mt++)
			list_for_each_entry(p, &pcp->lists[mt], lru)
				if (p == page) {
					found = true;
					break;
				}
		spin_unlock(&pcp->lock);
	}
	return found;
}

/* Pages on the lists, summed over the CPUs without their locks. */
unsigned long nr_pcp_pages(struct zone *zone)
{
	unsigned long sum = 0;
	unsigned int cpu;

	for (cpu = 0; zone->pageset && cpu < zone->nr_pagesets; cpu++)
		sum += (unsigned long)READ_ONCE(zone->pageset[cpu].pcp.count);
	return sum;
}

/*
 * Take up to @count order-0 pages of @migratetype off the buddy lists
 * for a CPU's list, under one zone->lock.  SIM: stops at the watermark
 * of @alloc_flags, which the kernel's rmqueue_bulk() does not check: the
 * simulator's small machines are filled to the last page the watermark
 * allows, and a refill must not hand more of them out than single
 * allocations would.  Returns the pages taken; pcp->lock held.
 */
static int rmqueue_bulk(struct zone *zone, int count, struct list_head *list,
			int migratetype, unsigned int alloc_flags)
{
	unsigned long mark = READ_ONCE(zone->watermark[alloc_flags & ALLOC_WMARK_MASK]);
	struct page *page;
	int i;

	spin_lock(&zone->lock);
	for (i = 0; i < count; i++) {
		if (!(alloc_flags & ALLOC_NO_WATERMARKS) &&
		    !zone_watermark_ok(zone, 0, mark, 0, alloc_flags))
			break;
		page = __rmqueue(zone, 0, migratetype);
		if (unlikely(!page))
			break;
		/* in the order taken: the next allocations use them so */
		list_add_tail(&page->lru, list);
		__mod_zone_page_state(zone, NR_FREE_PAGES, -1);
	}
	spin_unlock(&zone->lock);
	return i;
}

/*
 * Give @count pages of a CPU's lists back to the buddy allocator, taking
 * from each migratetype's list in turn, the coldest (tail) pages first,
 * as the kernel's free_pcppages_bulk().  Each goes on the free lists of
 * its pageblock's type now: the pageblock may have been isolated since
 * the page was freed.  pcp->lock held.
 */
static void free_pcppages_bulk(struct zone *zone, int count,
			       struct per_cpu_pageset *pset)
{
	struct per_cpu_pages *pcp = &pset->pcp;
	unsigned int merged_order, max_order = 0;
	int mt = 0, batch_free = 0;
	bool freed = false;

	if (count > pcp->count)
		count = pcp->count;
	if (!count)
		return;
	pset->pcp_spills++;
	spin_lock(&zone->lock);
	while (count) {
		struct list_head *list;
		struct page *page;
		unsigned long pfn;
		int pmt;

		/* round-robin over the lists, skipping the empty ones */
		do {
			batch_free++;
			if (++mt == MIGRATE_PCPTYPES)
				mt = 0;
			list = &pcp->lists[mt];
		} while (list_empty(list));
		/* a single non-empty list takes the whole remainder */
		if (batch_free == MIGRATE_PCPTYPES)
			batch_free = count;
		do {
			page = list_last_entry(list, struct page, lru);
			list_del(&page->lru);
			WRITE_ONCE(page->index, 0);
			WRITE_ONCE(pcp->count, pcp->count - 1);
			pfn = page_to_pfn(page);
			pmt = get_pageblock_migratetype(zone, pfn);
			if (!is_migrate_isolate(pmt))
				__mod_zone_page_state(zone, NR_FREE_PAGES, 1);
			merged_order = __free_one_page(page, &pfn, zone, 0, pmt);
			if (merged_order > max_order || !freed)
				max_order = merged_order;
			freed = true;
		} while (--count && --batch_free && !list_empty(list));
	}
	/* Only a request: the pass runs later, from delayed work. */
	page_reporting_notify_free(max_order);
	spin_unlock(&zone->lock);
}

/*
 * An order-0 allocation from this CPU's list of @migratetype, refilled
 * with a batch from the buddy allocator when it is empty (the kernel's
 * rmqueue_pcplist()).  The watermark is checked first, as the kernel's
 * get_page_from_freelist() does before it looks at any list.
 */
static struct page *rmqueue_pcplist(struct zone *zone, int migratetype,
				    unsigned int alloc_flags)
{
	struct per_cpu_pageset *pset;
	struct per_cpu_pages *pcp;
	struct list_head *list;
	struct page *page;

	if (!(alloc_flags & ALLOC_NO_WATERMARKS) &&
	    !zone_watermark_ok(zone, 0,
			       READ_ONCE(zone->watermark[alloc_flags & ALLOC_WMARK_MASK]),
			       0, alloc_flags))
		return NULL;
	pset = this_cpu_pageset(zone);
	pcp = &pset->pcp;
	spin_lock(&pcp->lock);
	list = &pcp->lists[migratetype];
	if (list_empty(list)) {
		int got = rmqueue_bulk(zone, pcp->batch, list, migratetype,
				       alloc_flags);

		WRITE_ONCE(pcp->count, pcp->count + got);
		if (got)
			pset->pcp_refills++;
		if (unlikely(list_empty(list))) {
			spin_unlock(&pcp->lock);
			return NULL;
		}
	}
	page = list_first_entry(list, struct page, lru);
	list_del(&page->lru);
	WRITE_ONCE(page->index, 0);
	WRITE_ONCE(pcp->count, pcp->count - 1);
	spin_unlock(&pcp->lock);
	return page;
}

/*
 * An order-0 page goes back: onto this CPU's list of its pageblock's
 * type, and a batch of the list to the buddy allocator once it holds
 * more than @high (the kernel's free_unref_page()).  A page of an
 * isolated pageblock goes straight to the buddy lists, where the
 * isolation expects it; a HighAtomic one to the movable list.
 */
static void free_unref_page(struct page *page)
{
	struct zone *zone = page_zone(page);
	unsigned long pfn = page_to_pfn(page);
	struct per_cpu_pageset *pset;
	struct per_cpu_pages *pcp;
	int alloc_mt, mt;

	mt = get_pageblock_migratetype(zone, pfn);
	if (unlikely(mt >= MIGRATE_PCPTYPES)) {
		if (unlikely(is_migrate_isolate(mt))) {
			free_one_page(zone, page, pfn, 0);
			return;
		}
		mt = MIGRATE_MOVABLE;
	}
	alloc_mt = get_alloc_migratetype(page);
	clear_page_flags(page, ALLOC_MT_MASK);
	pset = this_cpu_pageset(zone);
	pcp = &pset->pcp;
	spin_lock(&pcp->lock);
	list_add(&page->lru, &pcp->lists[mt]);
	WRITE_ONCE(pcp->count, pcp->count + 1);
	if (unlikely(pcp->count >= pcp->high))
		free_pcppages_bulk(zone, pcp->batch, pset);
	spin_unlock(&pcp->lock);
	__mod_zone_page_state(zone, NR_ZONE_UNMOVABLE + alloc_mt, -1);
}

/* Every page of one CPU's lists back to the buddy allocator. */
static void drain_pages_zone(unsigned int cpu, struct zone *zone)
{
	struct per_cpu_pageset *pset = &zone->pageset[cpu];

	spin_lock(&pset->pcp.lock);
	free_pcppages_bulk(zone, pset->pcp.count, pset);
	spin_unlock(&pset->pcp.lock);
}

void drain_local_pages(struct zone *zone)
{
	struct zone *z = zone ? zone : &sim_zone;

	if (z->pageset)
		drain_pages_zone((unsigned int)(this_cpu_pageset(z) - z->pageset), z);
}

/*
 * Every CPU's lists, drained from this thread under each list's lock, as
 * the kernel does since it drains remote CPUs itself (Linux 6.0).  A page
 * freed meanwhile may land on a list already drained, as in the kernel.
 */
void drain_all_pages(struct zone *zone)
{
	struct zone *z = zone ? zone : &sim_zone;
	unsigned int cpu;

	for (cpu = 0; z->pageset && cpu < z->nr_pagesets; cpu++)
		if (READ_ONCE(z->pageset[cpu].pcp.count))
			drain_pages_zone(cpu, z);
}

/*
 * The kernel's zone_pcp_update() and refresh_zone_stat_thresholds() for
 * one zone: batch, high and the vm stats threshold follow the zone's
 * managed pages, at boot and each time memory hotplug onlines a section.
 * Each list's own lock orders the change against its users; the
 * threshold is read without a lock, as the kernel's.
 */
static void zone_pcp_update(struct zone *zone)
{
	int batch = zone_batchsize(zone), threshold;
	unsigned int cpu;

	threshold = calculate_normal_threshold(zone);
	for (cpu = 0; cpu < zone->nr_pagesets; cpu++) {
		struct per_cpu_pageset *pset = &zone->pageset[cpu];

		spin_lock(&pset->pcp.lock);
		/* pageset_set_batch(): high 6 * batch, batch at least 1 */
		pset->pcp.high = 6 * batch;
		pset->pcp.batch = max(1, batch);
		spin_unlock(&pset->pcp.lock);
		WRITE_ONCE(pset->stat_threshold, threshold);
	}
}

/*
 * The pagesets of a booting machine: empty lists, sized by
 * zone_pcp_update() once the boot memory is online.
 */
static int setup_zone_pagesets(struct zone *zone, unsigned int nr_cpus)
{
	unsigned int cpu, mt;

	zone->pageset = aligned_alloc(64,
				      nr_cpus * sizeof(*zone->pageset));
	if (!zone->pageset)
		return -ENOMEM;
	memset(zone->pageset, 0, nr_cpus * sizeof(*zone->pageset));
	zone->nr_pagesets = nr_cpus;
	for (cpu = 0; cpu < nr_cpus; cpu++) {
		struct per_cpu_pageset *pset = &zone->pageset[cpu];

		spin_lock_init(&pset->pcp.lock);
		for (mt = 0; mt < MIGRATE_PCPTYPES; mt++)
			INIT_LIST_HEAD(&pset->pcp.lists[mt]);
	}
	return 0;
}

static struct page *get_page_from_freelist(gfp_t gfp, unsigned int order,
					   unsigned int alloc_flags,
					   int migratetype)
{
	struct zone *zone = &sim_zone;
	struct page *page;

	if (likely(order == 0)) {
		page = rmqueue_pcplist(zone, migratetype, alloc_flags);
		if (page)
			__mod_zone_page_state(zone, NR_ZONE_UNMOVABLE + migratetype, 1);
	} else {
		page = rmqueue(zone, order, migratetype, alloc_flags);
	}
	if (page)
		prep_new_page(page, order, gfp, migratetype);
	return page;
}

static unsigned int gfp_to_alloc_flags(gfp_t gfp)
{
	unsigned int alloc_flags = ALLOC_WMARK_MIN;

	if (gfp & __GFP_HIGH)
		alloc_flags |= ALLOC_HIGH;
	if ((gfp & __GFP_MEMALLOC) && !(gfp & __GFP_NOMEMALLOC))
		alloc_flags |= ALLOC_NO_WATERMARKS;
	return alloc_flags;
}

static void warn_alloc_failed(gfp_t gfp, unsigned int order)
{
	if (gfp & __GFP_NOWARN)
		return;
	pr_warn("zsim: page allocation failure: order:%u, mode:%#x, free:%lu min:%lu\n",
		order, gfp, zone_page_state(&sim_zone, NR_FREE_PAGES),
		min_wmark_pages(&sim_zone));
	sim_memory_limit_warn();
}

/*
 * Compact the zone for a high-order allocation that failed, then try the
 * allocation again.  compact_stall counts the attempts that compacted;
 * compact_success and compact_fail say how the retry went.
 */
static struct page *__alloc_pages_direct_compact(gfp_t gfp, unsigned int order,
						 unsigned int alloc_flags,
						 int migratetype,
						 enum migrate_mode mode)
{
	enum compact_result result;
	unsigned int saved_flags;
	struct page *page;
	int contended = 0;

	if (!order)
		return NULL;

	/* Migration under us must not wait on page locks (PF_MEMALLOC). */
	saved_flags = sim_current_flags;
	sim_current_flags |= PF_MEMALLOC;
	result = try_to_compact_pages(gfp, order, alloc_flags, mode, &contended);
	sim_current_flags = saved_flags;
	if (result <= COMPACT_INACTIVE)
		return NULL;

	count_vm_event(COMPACTSTALL);
	page = get_page_from_freelist(gfp, order, alloc_flags, migratetype);
	if (page) {
		struct zone *zone = page_zone(page);

		WRITE_ONCE(zone->compact_blockskip_flush, false);
		compaction_defer_reset(zone, order, true);
		count_vm_event(COMPACTSUCCESS);
		return page;
	}
	count_vm_event(COMPACTFAIL);
	cond_resched();
	return NULL;
}

/*
 * The fast path found nothing above the low watermark.  As 4.8: wake
 * the background compactor for a high-order request, retry down to the
 * min watermark, and if the caller may block, compact (async), reclaim
 * (run the shrinkers once), retry, and compact again (sync-light) before
 * giving up.
 */
static struct page *__alloc_pages_slowpath(gfp_t gfp, unsigned int order,
					   int migratetype)
{
	unsigned int alloc_flags = gfp_to_alloc_flags(gfp);
	enum migrate_mode migration_mode = MIGRATE_ASYNC;
	unsigned int passes = 0;
	bool drained = false;
	struct page *page;

	/* SIM: kswapd would wake kcompactd once it balanced the node. */
	if (order && (gfp & __GFP_KSWAPD_RECLAIM))
		wakeup_kcompactd(order, 0);
retry:
	/* SIM: below its limit the machine grows before it reclaims. */
	if (sim_memory_grow(order, false))
		goto retry;
	page = get_page_from_freelist(gfp, order, alloc_flags, migratetype);
	if (page)
		return page;
	/*
	 * SIM: the kernel drains the per-CPU lists only after direct
	 * reclaim; here an allocation that cannot reclaim drains them too
	 * before it grows the machine or fails, so that the pages other
	 * CPUs hold never make an allocation fail that would succeed
	 * without the lists.
	 */
	if (!(gfp & __GFP_DIRECT_RECLAIM)) {
		if (!drained) {
			drain_all_pages(NULL);
			drained = true;
			goto retry;
		}
		goto grow;
	}

	/* Often enough pages are free, only scattered: compact first. */
	page = __alloc_pages_direct_compact(gfp, order, alloc_flags, migratetype,
					    migration_mode);
	if (page)
		return page;
	/* After the optimistic pass, later ones may wait for page locks. */
	migration_mode = MIGRATE_SYNC_LIGHT;

	count_vm_event(ALLOCSTALL_NORMAL);
	sim_shrink_slab(0);
	page = get_page_from_freelist(gfp, order, alloc_flags, migratetype);
	if (page)
		return page;

	/* Reclaim may have freed what compaction needed to migrate into. */
	page = __alloc_pages_direct_compact(gfp, order, alloc_flags, migratetype,
					    migration_mode);
	if (page)
		return page;
grow:
	/*
	 * SIM: enough free pages, but no block of the order: compaction
	 * (when allowed) could not make one, so a new section gives one.
	 */
	if (sim_memory_grow(order, true))
		goto retry;
	if (!(gfp & __GFP_DIRECT_RECLAIM))
		goto nopage;

	/* As after the kernel's direct reclaim: free pages may sit on lists. */
	if (!drained) {
		drain_all_pages(NULL);
		drained = true;
		goto retry;
	}

	if (gfp & __GFP_NOFAIL) {
		/*
		 * The kernel loops until the OOM killer frees something;
		 * the simulator has no OOM killer, so it retries with the
		 * reserves open and finally gives up loudly.
		 */
		alloc_flags |= ALLOC_NO_WATERMARKS;
		if (++passes < NOFAIL_MAX_PASSES) {
			sched_yield();
			goto retry;
		}
		pr_emerg("zsim: out of memory: __GFP_NOFAIL order-%u allocation cannot be satisfied\n",
			 order);
		BUG();
	}
nopage:
	warn_alloc_failed(gfp, order);
	return NULL;
}

static inline int gfpflags_to_migratetype(gfp_t gfp)
{
	int mt = gfp_migratetype(gfp);

	VM_BUG_ON((gfp & GFP_MOVABLE_MASK) == GFP_MOVABLE_MASK);
	if (unlikely(page_group_by_mobility_disabled ||
		     mt >= MIGRATE_PCPTYPES))
		return MIGRATE_UNMOVABLE;
	return mt;
}

struct page *alloc_pages(gfp_t gfp_mask, unsigned int order)
{
	struct page *page;
	int migratetype;

	might_sleep_if(gfpflags_allow_blocking(gfp_mask));
	if (unlikely(order >= MAX_ORDER)) {
		WARN_ON_ONCE(!(gfp_mask & __GFP_NOWARN));
		return NULL;
	}
	if (!(gfp_mask & __GFP_NOFAIL) && sim_should_fail_page(gfp_mask, order))
		return NULL;

	migratetype = gfpflags_to_migratetype(gfp_mask);
	page = get_page_from_freelist(gfp_mask, order, ALLOC_WMARK_LOW,
				      migratetype);
	if (unlikely(!page))
		page = __alloc_pages_slowpath(gfp_mask, order, migratetype);
	trace_mm_page_alloc(page, order, gfp_mask, migratetype);
	return page;
}

unsigned long __get_free_pages(gfp_t gfp_mask, unsigned int order)
{
	struct page *page;

	page = alloc_pages(gfp_mask & ~__GFP_HIGHMEM, order);
	if (!page)
		return 0;
	return (unsigned long)page_address(page);
}

unsigned long get_zeroed_page(gfp_t gfp_mask)
{
	return __get_free_pages(gfp_mask | __GFP_ZERO, 0);
}

/* --- freeing ---------------------------------------------------------- */

static bool free_pages_check(struct page *page)
{
	const char *bad_reason = page_bad_reason(page, PAGE_FLAGS_CHECK_AT_FREE,
						 "PAGE_FLAGS_CHECK_AT_FREE flag(s) set");

	if (unlikely(PageBuddy(page)))
		bad_reason = "page is already free (PageBuddy)";
	if (likely(!bad_reason))
		return false;
	bad_page(page, bad_reason);
	return true;
}

static inline void clear_page_flags(struct page *page, unsigned long mask)
{
	__atomic_fetch_and(&page->flags, ~mask, __ATOMIC_RELAXED);
}

/*
 * Check and clean the pages before they go back: before zone->lock is
 * taken, so a debug BUG here leaves the allocator untouched.  False if a
 * page is bad (it is then left out of the allocator).
 */
static bool free_pages_prepare(struct page *page, unsigned int order)
{
	unsigned long i;
	int bad = 0;

	/*
	 * A movable or anon mapping word is the allocator's to clear.  The
	 * compaction migrate scanner reads it without locks (__PageMovable).
	 */
	if (PageMappingFlags(page))
		WRITE_ONCE(page->mapping, NULL);
	for (i = 1; i < (1UL << order); i++) {
		if (unlikely(free_pages_check(page + i))) {
			bad++;
			continue;
		}
		clear_page_flags(page + i, PAGE_FLAGS_CHECK_AT_PREP);
		set_page_private(page + i, 0);
	}
	bad += free_pages_check(page);
	if (bad)
		return false;
	clear_page_flags(page, PAGE_FLAGS_CHECK_AT_PREP);
	set_page_private(page, 0);
	/* Use-after-free shows as 0x6b...; big blocks are released instead. */
	if (IS_ENABLED(CONFIG_DEBUG_VM) && order < pageblock_order) {
		/* a slab's pages are still partly poisoned for the tools */
		kasan_unpoison(page_address(page), PAGE_SIZE << order);
		memset(page_address(page), PAGE_POISON, PAGE_SIZE << order);
	}
	kasan_poison(page_address(page), PAGE_SIZE << order);
	return true;
}

static void free_one_page(struct zone *zone, struct page *page,
			  unsigned long pfn, unsigned int order)
{
	int alloc_mt = get_alloc_migratetype(page);
	unsigned int merged_order;
	int mt;

	clear_page_flags(page, ALLOC_MT_MASK);
	spin_lock(&zone->lock);
	mt = get_pageblock_migratetype(zone, pfn);
	/* Free pages of an isolated pageblock are nobody's to allocate. */
	if (!is_migrate_isolate(mt))
		__mod_zone_page_state(zone, NR_FREE_PAGES, 1L << order);
	__mod_zone_page_state(zone, NR_ZONE_UNMOVABLE + alloc_mt, -(1L << order));
	merged_order = __free_one_page(page, &pfn, zone, order, mt);
	/* Only a request: the pass runs later, from delayed work. */
	page_reporting_notify_free(merged_order);
	spin_unlock(&zone->lock);
}

/*
 * The last reference went: give the block back, an order-0 page to this
 * CPU's list, a larger block to the free lists.
 */
static void __free_pages_ok(struct page *page, unsigned int order)
{
	if (unlikely(!free_pages_prepare(page, order)))
		return;
	trace_mm_page_free(page, order);
	if (likely(order == 0))
		free_unref_page(page);
	else
		free_one_page(page_zone(page), page, page_to_pfn(page), order);
	count_vm_events(PGFREE, 1L << order);
}

void __put_page(struct page *page)
{
	__free_pages_ok(page, 0);
}

void __free_pages(struct page *page, unsigned int order)
{
	if (WARN_ON(order >= MAX_ORDER))
		return;
	/* A free page has no reference to drop: a double free. */
	if (unlikely(page_ref_count(page) <= 0 || PageBuddy(page))) {
		bad_page(page, "freeing a page that is already free");
		return;
	}
	if (put_page_testzero(page))
		__free_pages_ok(page, order);
}

void free_pages(unsigned long addr, unsigned int order)
{
	if (addr) {
		VM_BUG_ON(!virt_addr_valid((void *)addr));
		__free_pages(virt_to_page((void *)addr), order);
	}
}

/* --- boot and shutdown -------------------------------------------------- */

/*
 * The pageblock arrays, one byte per pageblock, are reserved for the
 * memory limit and committed as the zone grows: they never move under
 * their lockless readers.
 */
static struct sim_reservation pageblock_mt_res, pageblock_skip_res;

int sim_buddy_init(const struct zsim_config *cfg)
{
	struct zone *zone = &sim_zone;
	unsigned long limit_blocks;
	unsigned int order, mt;
	int err;

	memset(zone, 0, sizeof(*zone));
	vm_events_reset();
	pageblock_order = cfg->pageblock_order;

	BUILD_BUG_ON(NR_ZONE_MOVABLE - NR_ZONE_UNMOVABLE != MIGRATE_MOVABLE ||
		     NR_ZONE_RECLAIMABLE - NR_ZONE_UNMOVABLE != MIGRATE_RECLAIMABLE);
	zone->name = "Normal";
	zone->node = 0;
	zone->zone_start_pfn = ARCH_PFN_OFFSET;
	/* Empty until memory hotplug onlines the boot memory. */
	limit_blocks = DIV_ROUND_UP(cfg->mem_bytes >> PAGE_SHIFT, pageblock_nr_pages);
	err = sim_reserve(&pageblock_mt_res, limit_blocks, "the pageblock labels");
	if (!err) {
		err = sim_reserve(&pageblock_skip_res, limit_blocks,
				  "the pageblock skip hints");
		if (err)
			sim_unreserve(&pageblock_mt_res);
	}
	if (!err && setup_zone_pagesets(zone, cfg->nr_cpus)) {
		sim_unreserve(&pageblock_skip_res);
		sim_unreserve(&pageblock_mt_res);
		sim_set_error("cannot allocate the per-CPU pagesets (%u CPUs)",
			      cfg->nr_cpus);
		err = -ENOMEM;
	}
	if (err) {
		memset(zone, 0, sizeof(*zone));
		return err;
	}
	zone->pageblock_mt = (unsigned char *)pageblock_mt_res.base;
	zone->pageblock_skip = (unsigned char *)pageblock_skip_res.base;
	/*
	 * From the boot memory, as the kernel decides from the memory it
	 * boots with; at least 4 pageblocks (MIGRATE_TYPES) boot, so this is
	 * never set in practice.
	 */
	page_group_by_mobility_disabled =
		(cfg->mem_initial_bytes >> PAGE_SHIFT) < pageblock_nr_pages * MIGRATE_TYPES;

	spin_lock_init(&zone->lock);
	for (order = 0; order < MAX_ORDER; order++)
		for (mt = 0; mt < MIGRATE_FREE_LISTS; mt++)
			INIT_LIST_HEAD(&zone->free_area[order].free_list[mt]);
	zone->compact_cached_migrate_pfn[0] = zone->zone_start_pfn;
	zone->compact_cached_migrate_pfn[1] = zone->zone_start_pfn;

	err = sim_memory_hotplug_init(cfg);
	if (err) {
		sim_unreserve(&pageblock_skip_res);
		sim_unreserve(&pageblock_mt_res);
		free(zone->pageset);
		memset(zone, 0, sizeof(*zone));
	}
	return err;
}

/* --- memory hotplug: the zone grows (mm/memory_hotplug.c) ---------------- */

int sim_zone_online_pages(struct zone *zone, unsigned long start_pfn,
			  unsigned long nr_pages)
{
	unsigned long end = start_pfn + nr_pages, pfn, merged_pfn, nr_blocks, i;
	unsigned int order, merged_order;
	int mt;

	BUG_ON(start_pfn != zone_end_pfn(zone) || (start_pfn & (pageblock_nr_pages - 1)) ||
	       (nr_pages & (pageblock_nr_pages - 1)) || !nr_pages);
	nr_blocks = (end - pageblock_start_pfn(zone->zone_start_pfn)) >> pageblock_order;
	/* errno says why; the caller reports it. */
	if (sim_commit(&pageblock_mt_res, nr_blocks) ||
	    sim_commit(&pageblock_skip_res, nr_blocks))
		return -ENOMEM;
	/*
	 * The labels first: a walker that finds a pfn valid reads its
	 * pageblock's.  New memory is MOVABLE, as at boot.
	 */
	mt = page_group_by_mobility_disabled ? MIGRATE_UNMOVABLE : MIGRATE_MOVABLE;
	for (i = READ_ONCE(zone->nr_pageblocks); i < nr_blocks; i++)
		WRITE_ONCE(zone->pageblock_mt[i], (unsigned char)mt);

	spin_lock(&zone->lock);
	WRITE_ONCE(zone->nr_pageblocks, nr_blocks);
	WRITE_ONCE(zone->present_pages, zone->present_pages + nr_pages);
	WRITE_ONCE(zone->managed_pages, zone->managed_pages + nr_pages);
	__atomic_store_n(&zone->spanned_pages, zone->spanned_pages + nr_pages,
			 __ATOMIC_RELEASE);
	__atomic_store_n(&max_pfn, end, __ATOMIC_RELEASE);

	/* Largest aligned blocks, lowest pfn first, as at boot. */
	for (pfn = start_pfn; pfn < end; pfn += 1UL << order) {
		struct page *page = pfn_to_page(pfn);

		order = MAX_ORDER - 1;
		while (order && ((pfn & ((1UL << order) - 1)) ||
				 pfn + (1UL << order) > end))
			order--;
		mt = get_pageblock_migratetype(zone, pfn);
		merged_pfn = pfn;
		merged_order = __free_one_page(page, &merged_pfn, zone, order, mt);
		if (merged_pfn != pfn || merged_order != order) {
			/* Merged with free memory below: a pass reports it. */
			page_reporting_notify_free(merged_order);
			continue;
		}
		/*
		 * Never touched, so not resident: with the reporting device
		 * (cfg.madvise) it counts as reported already.  At the tail:
		 * allocations take the lowest resident pfns first.
		 */
		if (sim_config.madvise)
			page_reporting_mark(zone, page, order, mt);
		else
			list_move_tail(&page->lru, &zone->free_area[order].free_list[mt]);
	}
	__mod_zone_page_state(zone, NR_FREE_PAGES, (long)nr_pages);
	setup_zone_watermarks(zone);
	/* The free scanner starts again from the new end. */
	WRITE_ONCE(zone->compact_cached_free_pfn, pageblock_start_pfn(end - 1));
	spin_unlock(&zone->lock);
	/* Outside zone->lock: a list's lock nests outside it. */
	zone_pcp_update(zone);
	return 0;
}

long sim_buddy_exit(void)
{
	struct zone *zone = &sim_zone;
	unsigned long pfn, shown = 0;
	long leaked;

	if (!zone->pageblock_mt)
		return 0;
	/* Nothing stays on a CPU's list: those pages are free, not leaked. */
	drain_all_pages(zone);
	fold_vm_zone_stats(zone);
	leaked = (long)zone->managed_pages -
		 atomic_long_read(&zone->vm_stat[NR_FREE_PAGES]);
	if (leaked) {
		fprintf(stderr, "zsim: %ld page%s still allocated at exit; first pfns:",
			leaked, leaked == 1 ? "" : "s");
		for (pfn = zone->zone_start_pfn; pfn < zone_end_pfn(zone) && shown < 8;) {
			struct page *page = pfn_to_page(pfn);

			if (PageBuddy(page)) {
				pfn += 1UL << page_order(page);
				continue;
			}
			if (page_ref_count(page) > 0) {
				fprintf(stderr, " %#lx", pfn);
				shown++;
			}
			pfn++;
		}
		fprintf(stderr, "\n");
	}
	kasan_exit_pages();
	sim_memory_hotplug_exit();
	sim_unreserve(&pageblock_skip_res);
	sim_unreserve(&pageblock_mt_res);
	free(zone->pageset);
	memset(zone, 0, sizeof(*zone));
	return leaked;
}

/* --- the public raw-frame API ------------------------------------------- */

unsigned long zsim_alloc_pages_flags(unsigned int order,
				     enum zsim_migratetype type,
				     unsigned int flags)
{
	struct zone *zone;
	struct page *page;
	gfp_t gfp = __GFP_NOWARN;

	sim_machine_get();
	if (order >= MAX_ORDER || (flags & ~ZSIM_ALLOC_KERNEL))
		return 0;
	gfp |= (flags & ZSIM_ALLOC_KERNEL) ? GFP_KERNEL : GFP_NOWAIT;
	switch (type) {
	case ZSIM_UNMOVABLE:
		break;
	case ZSIM_MOVABLE:
		gfp |= __GFP_MOVABLE;
		break;
	case ZSIM_RECLAIMABLE:
		gfp |= __GFP_RECLAIMABLE;
		break;
	default:
		return 0;
	}
	page = alloc_pages(gfp, order);
	if (!page)
		return 0;
	/*
	 * Pin: PG_reserved marks frames nobody may move or free behind the
	 * owner's back (compaction leaves non-movable pages alone), and
	 * private records the order so zsim_free_pages() can check it.
	 */
	zone = page_zone(page);
	spin_lock(&zone->lock);
	set_page_private(page, order);
	__SetPageReserved(page);
	spin_unlock(&zone->lock);
	return page_to_pfn(page);
}

unsigned long zsim_alloc_pages(unsigned int order, enum zsim_migratetype type)
{
	return zsim_alloc_pages_flags(order, type, 0);
}

unsigned long zsim_addr_to_pfn(const void *addr)
{
	sim_machine_get();
	if (!virt_addr_valid(addr))
		return 0;
	return page_to_pfn(virt_to_page(addr));
}

int zsim_free_pages(unsigned long pfn, unsigned int order)
{
	struct zone *zone = &sim_zone;
	struct page *page;
	bool ok;

	sim_machine_get();
	if (order >= MAX_ORDER || !pfn_valid(pfn) ||
	    (pfn & ((1UL << order) - 1)) || pfn + (1UL << order) > sim_max_pfn())
		return -EINVAL;
	page = pfn_to_page(pfn);
	/* Under zone->lock, so two racing frees of one block cannot both pass. */
	spin_lock(&zone->lock);
	ok = PageReserved(page) && !PageBuddy(page) &&
	     page_private(page) == order && page_ref_count(page) == 1;
	if (ok) {
		__ClearPageReserved(page);
		set_page_private(page, 0);
	}
	spin_unlock(&zone->lock);
	if (!ok)
		return -EINVAL;
	__free_pages(page, order);
	return 0;
}

/* --- taking one chosen free page (linux/page-isolation.h) ---------------- */

bool take_page_off_buddy(struct page *page)
{
	struct zone *zone = page_zone(page);
	unsigned long pfn = page_to_pfn(page), head_pfn, half;
	unsigned int order, high;
	struct page *head, *rest;

	lockdep_assert_held(&zone->lock);
	for (order = 0; order < MAX_ORDER; order++) {
		head_pfn = pfn & ~((1UL << order) - 1);
		if (head_pfn < zone->zone_start_pfn)
			break;
		head = pfn_to_page(head_pfn);
		if (PageBuddy(head) && page_order(head) >= order)
			goto found;
	}
	return false;

found:
	high = page_order(head);
	list_del(&head->lru);
	zone->free_area[high].nr_free--;
	rmv_page_order(head);
	/* Halve the block; the half without @page goes back on a list. */
	while (high > 0) {
		high--;
		half = 1UL << high;
		if (pfn < head_pfn + half) {
			rest = pfn_to_page(head_pfn + half);
		} else {
			rest = head;
			head_pfn += half;
			head = pfn_to_page(head_pfn);
		}
		list_add(&rest->lru, &zone->free_area[high].free_list[
			 get_pageblock_migratetype(zone, page_to_pfn(rest))]);
		zone->free_area[high].nr_free++;
		set_page_order(rest, high);
	}
	if (!is_migrate_isolate(get_pageblock_migratetype(zone, pfn)))
		__mod_zone_page_state(zone, NR_FREE_PAGES, -1);
	__mod_zone_page_state(zone, NR_ZONE_MOVABLE, 1);
	set_alloc_migratetype(page, MIGRATE_MOVABLE);
	post_alloc_hook(page, 0, 0);
	count_vm_events(PGALLOC_NORMAL, 1);
	return true;
}
