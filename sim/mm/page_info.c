// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Page frame inspection: what one frame is now, as /proc/kpageflags and
 * /proc/kpagecount tell a kernel developer, plus what only the page
 * allocator knows (the free block a frame belongs to, its pageblock's
 * migratetype, the migratetype an allocation was requested with).
 *
 * Everything is read under zone->lock, which every change of the buddy
 * allocator's state holds, so the free/allocated answer is exact; flags
 * owned by other subsystems (slab, the page lock, migration) are a
 * snapshot, as kpageflags' are.
 */
#include <errno.h>
#include <stdint.h>

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/page-flags.h>
#include <linux/spinlock.h>
#include <zsmalloc/zsim.h>
#include "internal.h"

int zsim_pfn_range(uint64_t *start_pfn, uint64_t *end_pfn)
{
	if (!zsim_running())
		return -ENODEV;
	if (start_pfn)
		*start_pfn = sim_zone.zone_start_pfn;
	if (end_pfn)
		*end_pfn = zone_end_pfn(&sim_zone);
	return 0;
}

/*
 * The first pfn of the free block holding @pfn, or 0.  A free block's
 * first frame has PG_buddy and its order in private; the block holding
 * @pfn, if any, starts at @pfn rounded down to one of the orders.
 * zone->lock held.
 */
static unsigned long free_block_head(struct zone *zone, unsigned long pfn,
				     unsigned int *order)
{
	unsigned int o;

	for (o = 0; o < MAX_ORDER; o++) {
		unsigned long head = pfn & ~((1UL << o) - 1);
		struct page *page;

		if (head < zone->zone_start_pfn)
			break;
		page = pfn_to_page(head);
		if (PageBuddy(page) && page_order(page) >= o) {
			*order = page_order(page);
			return head;
		}
	}
	return 0;
}

/*
 * The first pfn of the zsim_alloc_pages() block holding @pfn, or 0: its
 * first frame has PG_reserved and the block's order in private.
 * zone->lock held (zsim_alloc_pages() and zsim_free_pages() set and
 * clear both under it).
 */
static unsigned long pinned_block_head(struct zone *zone, unsigned long pfn)
{
	unsigned int o;

	for (o = 0; o < MAX_ORDER; o++) {
		unsigned long head = pfn & ~((1UL << o) - 1);
		struct page *page;

		if (head < zone->zone_start_pfn)
			break;
		page = pfn_to_page(head);
		if (PageReserved(page) && !PageBuddy(page) &&
		    page_private(page) >= o && page_private(page) < MAX_ORDER &&
		    head + (1UL << page_private(page)) > pfn)
			return head;
	}
	return 0;
}

static uint32_t page_flag_bits(struct page *page)
{
	uint32_t f = 0;

	if (PageBuddy(page))
		f |= ZSIM_PF_BUDDY;
	if (PageSlab(page))
		f |= ZSIM_PF_SLAB;
	if (PageReserved(page))
		f |= ZSIM_PF_RESERVED;
	if (PageLocked(page))
		f |= ZSIM_PF_LOCKED;
	if (PageIsolated(page) && !PageBuddy(page))
		f |= ZSIM_PF_ISOLATED;
	if (__PageMovable(page))
		f |= ZSIM_PF_MOVABLE;
	if (PagePrivate(page))
		f |= ZSIM_PF_PRIVATE;
	if (PagePrivate2(page))
		f |= ZSIM_PF_PRIVATE_2;
	if (PageOwnerPriv1(page))
		f |= ZSIM_PF_OWNER_PRIV_1;
	return f;
}

int zsim_page_info(uint64_t pfn, struct zsim_page_info *info)
{
	struct zone *zone = &sim_zone;
	struct page *page;
	unsigned long head;
	unsigned int order;

	if (!info || info->size != sizeof(*info))
		return -EINVAL;
	if (!zsim_running())
		return -ENODEV;
	if (pfn < zone->zone_start_pfn || pfn >= zone_end_pfn(zone))
		return -ERANGE;

	*info = (struct zsim_page_info){ .size = sizeof(*info), .pfn = pfn };
	page = pfn_to_page(pfn);
	info->pageblock = pfn_to_pageblock_idx(zone, pfn);
	info->pageblock_mt = get_pageblock_migratetype(zone, pfn);
	info->block_pfn = pfn;

	/*
	 * Free on a CPU's list (struct per_cpu_pages): order 0, no reference,
	 * not PageBuddy.  Looked up under the lists' locks, which nest
	 * outside zone->lock.
	 */
	if (!page_ref_count(page) && !PageBuddy(page) && page_on_pcp_list(zone, page)) {
		info->flags = page_flag_bits(page);
		info->owner = ZSIM_PAGE_FREE;
		info->buddy_order = 0;
		info->alloc_mt = -1;
		return 0;
	}

	spin_lock(&zone->lock);
	info->flags = page_flag_bits(page);
	info->refcount = page_ref_count(page);
	head = free_block_head(zone, pfn, &order);
	if (head) {
		info->owner = ZSIM_PAGE_FREE;
		info->buddy_order = (int)order;
		info->alloc_mt = -1;
		info->block_pfn = head;
		/* given back: its block was reported (mm/page_reporting.c) */
		if (PageReported(pfn_to_page(head)))
			info->flags |= ZSIM_PF_RELEASED;
		/* the flags of a frame inside a free block are the block's */
		info->flags &= ~ZSIM_PF_BUDDY;
		if (head == pfn)
			info->flags |= ZSIM_PF_BUDDY;
		spin_unlock(&zone->lock);
		return 0;
	}
	info->buddy_order = -1;
	info->alloc_mt = (int)((READ_ONCE(page->flags) & ALLOC_MT_MASK) >> ALLOC_MT_PGSHIFT);
	if (info->flags & ZSIM_PF_SLAB) {
		info->owner = ZSIM_PAGE_SLAB;
	} else if (info->flags & ZSIM_PF_MOVABLE) {
		info->owner = ZSIM_PAGE_MOVABLE_OPS;
	} else {
		head = pinned_block_head(zone, pfn);
		if (head) {
			info->owner = ZSIM_PAGE_PINNED;
			info->block_pfn = head;
			/* the requested migratetype is kept on the first frame */
			info->alloc_mt = (int)((READ_ONCE(pfn_to_page(head)->flags) & ALLOC_MT_MASK) >>
					       ALLOC_MT_PGSHIFT);
		} else {
			info->owner = ZSIM_PAGE_OTHER;
		}
	}
	spin_unlock(&zone->lock);
	return 0;
}

const char *zsim_page_owner_name(enum zsim_page_owner owner)
{
	static const char *const names[ZSIM_NR_PAGE_OWNERS] = {
		[ZSIM_PAGE_FREE]	= "free",
		[ZSIM_PAGE_SLAB]	= "slab",
		[ZSIM_PAGE_MOVABLE_OPS]	= "movable-ops",
		[ZSIM_PAGE_PINNED]	= "pinned",
		[ZSIM_PAGE_OTHER]	= "other",
	};

	if ((unsigned int)owner >= ZSIM_NR_PAGE_OWNERS)
		return NULL;
	return names[owner];
}

const char *zsim_migratetype_name(int migratetype)
{
	if (migratetype < 0 || migratetype >= MIGRATE_TYPES)
		return NULL;
	return migratetype_names[migratetype];
}
