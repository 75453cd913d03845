/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_MMZONE_H
#define _LINUX_MMZONE_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/atomic.h>
#include <linux/spinlock_types.h>

/* Linux 4.8: orders 0 .. MAX_ORDER - 1, so 4 MiB blocks at most. */
#define MAX_ORDER		11
#define MAX_ORDER_NR_PAGES	(1UL << (MAX_ORDER - 1))

enum migratetype {
	MIGRATE_UNMOVABLE,
	MIGRATE_MOVABLE,
	MIGRATE_RECLAIMABLE,
	MIGRATE_PCPTYPES,	/* number of types on the pcp lists */
	MIGRATE_HIGHATOMIC = MIGRATE_PCPTYPES,
	MIGRATE_TYPES,
	/*
	 * SIM: a pageblock being isolated (linux/page-isolation.h).  After
	 * MIGRATE_TYPES, unlike the kernel's, so that the tables indexed by
	 * the four types (pagetypeinfo, the fallback table) stay 4.8's; only
	 * the free lists and the pageblock labels know it.
	 */
	MIGRATE_ISOLATE = MIGRATE_TYPES,
	MIGRATE_FREE_LISTS
};

extern const char *const migratetype_names[MIGRATE_TYPES];

/* Runtime: zsim_config.pageblock_order (default 9, as x86_64). */
extern unsigned int pageblock_order;
#define pageblock_nr_pages	(1UL << pageblock_order)
#define pageblock_start_pfn(pfn)	((pfn) & ~(pageblock_nr_pages - 1))
#define pageblock_end_pfn(pfn)	(pageblock_start_pfn(pfn) + pageblock_nr_pages)

struct free_area {
	struct list_head free_list[MIGRATE_FREE_LISTS];
	unsigned long nr_free;
};

enum zone_watermarks {
	WMARK_MIN,
	WMARK_LOW,
	WMARK_HIGH,
	NR_WMARK
};

enum zone_stat_item {
	NR_FREE_PAGES,
	NR_ZONE_UNMOVABLE,	/* allocated pages by migratetype of request */
	NR_ZONE_MOVABLE,
	NR_ZONE_RECLAIMABLE,
	NR_SLAB_RECLAIMABLE,
	NR_SLAB_UNRECLAIMABLE,
	NR_ZSPAGES,		/* pages used by zsmalloc */
	NR_ISOLATED_MOVABLE,	/* non-LRU pages isolated for migration */
	NR_VM_ZONE_STAT_ITEMS
};

/*
 * Per-CPU lists of free order-0 pages, in front of the buddy free lists
 * (struct per_cpu_pages, as Linux 4.8 with Linux 6.0's lock).  An
 * order-0 allocation takes a page from this CPU's list of its
 * migratetype and refills the list with @batch pages under zone->lock
 * when it is empty; an order-0 free puts the page on the list of its
 * pageblock's type and gives @batch pages back to the buddy allocator
 * once @count reaches @high.  The pages on these lists are not counted in
 * NR_FREE_PAGES, have no PG_buddy, a zero refcount and their lru linked
 * here.  drain_local_pages() / drain_all_pages() empty the lists.
 *
 * SIM: threads may share a simulated CPU, so the lists are under @lock,
 * as the kernel's since 6.0 (commit 01b44456a7aa) are; lock order:
 * pcp->lock, then zone->lock.
 */
struct per_cpu_pages {
	spinlock_t lock;
	int count;		/* pages on the lists */
	int high;		/* above this, give @batch back */
	int batch;		/* chunk size for the buddy add/remove */
	struct list_head lists[MIGRATE_PCPTYPES];
};

/*
 * Everything one CPU keeps for the zone (Linux 4.8's struct
 * per_cpu_pageset): its page lists and its vmstat differentials, folded
 * into zone->vm_stat once they pass stat_threshold.  Cache-line aligned,
 * one per simulated CPU, so CPUs never write each other's lines.
 */
struct per_cpu_pageset {
	struct per_cpu_pages pcp;
	int stat_threshold;
	long vm_stat_diff[NR_VM_ZONE_STAT_ITEMS];
	/* SIM: events of this CPU's lists, for zoneinfo (the kernel has none) */
	unsigned long pcp_refills;	/* rmqueue_bulk() calls that took pages */
	unsigned long pcp_spills;	/* free_pcppages_bulk() calls */
} ____cacheline_aligned;

struct zone {
	unsigned long watermark[NR_WMARK];
	unsigned long zone_start_pfn;
	unsigned long spanned_pages;
	unsigned long present_pages;
	unsigned long managed_pages;
	const char *name;
	int node;

	/*
	 * pageblocks from pageblock_start_pfn(zone_start_pfn); grows with
	 * the zone (READ_ONCE without zone->lock).  The two arrays are
	 * reserved for the memory limit, so they never move.
	 */
	unsigned long nr_pageblocks;
	/* migratetype of each pageblock, one byte per block */
	unsigned char *pageblock_mt;
	/* PG_migrate_skip equivalent, one byte per block */
	unsigned char *pageblock_skip;

	/* one per simulated CPU (nr_pagesets), see struct per_cpu_pageset */
	struct per_cpu_pageset *pageset;
	unsigned int nr_pagesets;

	spinlock_t lock;
	struct free_area free_area[MAX_ORDER];
	/* pages in PageReported free blocks (mm/page_reporting.c) */
	unsigned long reported_pages;

	/* compaction state (sim/mm/compaction.c) */
	unsigned long compact_cached_free_pfn;
	unsigned long compact_cached_migrate_pfn[2];
	unsigned int compact_considered;
	unsigned int compact_defer_shift;
	int compact_order_failed;
	bool compact_blockskip_flush;

	atomic_long_t vm_stat[NR_VM_ZONE_STAT_ITEMS];
};

/*
 * SIM: spanned_pages grows while the machine runs (memory hotplug,
 * sim/mm/memory_hotplug.c), written under zone->lock after the new
 * pages are set up; lockless pfn walkers read it with acquire.
 */
static inline unsigned long zone_end_pfn(const struct zone *zone)
{
	return zone->zone_start_pfn +
	       __atomic_load_n(&zone->spanned_pages, __ATOMIC_ACQUIRE);
}

static inline bool zone_spans_pfn(const struct zone *zone, unsigned long pfn)
{
	return zone->zone_start_pfn <= pfn && pfn < zone_end_pfn(zone);
}

/* SIM: one node, one zone ("Normal"). */
extern struct zone sim_zone;

/* Index of @pfn's pageblock in the zone's per-pageblock arrays. */
static inline unsigned long pfn_to_pageblock_idx(const struct zone *zone,
						 unsigned long pfn)
{
	return (pfn - pageblock_start_pfn(zone->zone_start_pfn)) >> pageblock_order;
}

/* Lockless, as the kernel's pageblock bitmap reads are. */
static inline int get_pageblock_migratetype(const struct zone *zone,
					    unsigned long pfn)
{
	return READ_ONCE(zone->pageblock_mt[pfn_to_pageblock_idx(zone, pfn)]);
}

void set_pageblock_migratetype(struct page *page, int migratetype);

/* Too little memory for grouping by mobility: everything is UNMOVABLE. */
extern int page_group_by_mobility_disabled;

/*
 * Move the free pages of @page's pageblock onto @migratetype's free
 * lists; returns how many pages moved.  zone->lock held.
 */
int move_freepages_block(struct zone *zone, struct page *page, int migratetype);

/*
 * Zone counters are split as the kernel's: a global atomic per item and
 * per-CPU differentials (struct per_cpu_pageset) that are folded into it
 * when they pass the CPU's stat_threshold (mm/vmstat.c).  Updates of
 * NR_FREE_PAGES are all made under zone->lock, whose cache line they
 * share, so that one goes to the global counter at once and the
 * watermark checks read it exactly (the kernel gets there with
 * zone_page_state_snapshot() near the watermarks).
 *
 * SIM: a read folds the differentials in (zone_page_state_snapshot()),
 * so every counter a caller reads is exact while nothing changes it; the
 * kernel's zone_page_state() returns the global part alone.
 */
void __mod_zone_page_state(struct zone *zone, enum zone_stat_item item,
			   long delta);
unsigned long zone_page_state_snapshot(struct zone *zone,
				       enum zone_stat_item item);

static inline unsigned long zone_page_state(struct zone *zone,
					    enum zone_stat_item item)
{
	long x;

	if (item != NR_FREE_PAGES)
		return zone_page_state_snapshot(zone, item);
	x = atomic_long_read(&zone->vm_stat[item]);
	return x < 0 ? 0 : (unsigned long)x;
}

#define mod_zone_page_state	__mod_zone_page_state

/* Lockless: memory hotplug raises the watermarks as the zone grows. */
#define min_wmark_pages(z)	__atomic_load_n(&(z)->watermark[WMARK_MIN], __ATOMIC_RELAXED)
#define low_wmark_pages(z)	__atomic_load_n(&(z)->watermark[WMARK_LOW], __ATOMIC_RELAXED)
#define high_wmark_pages(z)	__atomic_load_n(&(z)->watermark[WMARK_HIGH], __ATOMIC_RELAXED)

/*
 * alloc_flags of the allocator's internals (the kernel keeps them in
 * mm/internal.h): which watermark to check, and how far below it a
 * privileged allocation may go.
 */
#define ALLOC_WMARK_MIN		WMARK_MIN
#define ALLOC_WMARK_LOW		WMARK_LOW
#define ALLOC_WMARK_HIGH	WMARK_HIGH
#define ALLOC_NO_WATERMARKS	0x04	/* don't check watermarks at all */
#define ALLOC_WMARK_MASK	(ALLOC_NO_WATERMARKS - 1)
#define ALLOC_HIGH		0x20	/* __GFP_HIGH: may use half the reserve */

/*
 * Would an allocation of 2^@order pages leave more than @mark free pages,
 * with a block of at least @order free?  Lockless; zone->lock makes the
 * answer exact.  @classzone_idx is unused (one zone).
 */
bool zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
		       int classzone_idx, unsigned int alloc_flags);

#endif /* _LINUX_MMZONE_H */
