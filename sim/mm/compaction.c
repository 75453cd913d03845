// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Zone compaction, after Linux 4.8's mm/compaction.c.
 *
 * Two scanners walk the zone towards each other a pageblock at a time.
 * The migrate scanner starts at the zone's first pfn and isolates movable
 * pages (here: non-LRU movable pages, through isolate_movable_page()) in
 * batches of COMPACT_CLUSTER_MAX; the free scanner starts at the zone's
 * last pageblock and takes free buddy blocks out of MOVABLE pageblocks,
 * split into order-0 pages, as targets.  migrate_pages() moves each batch
 * down into the targets, so free memory gathers at the start of the zone
 * and movable pages at its end.  A run ends when the scanners meet, or,
 * for an allocation of a given order, as soon as a free block of that
 * order would let it succeed.
 *
 * Three callers: compact_nodes() (/proc/sys/vm/compact_memory: order -1,
 * everything, sync), try_to_compact_pages() (direct compaction from the
 * allocator's slow path), and kcompactd, a background thread.
 *
 * The scanners run without zone->lock and take it only to touch the free
 * lists or read a free block's order; several compactors may run at once
 * (their isolations exclude each other through the page lock, PG_isolated
 * and the free lists).  See sim/README.md for what differs from 4.8.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/migrate.h>
#include <linux/compaction.h>
#include <linux/mmzone.h>
#include <linux/pagemap.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/vmstat.h>
#include <sim/internal.h>
#include <trace/events/compaction.h>
#include "internal.h"

int sysctl_extfrag_threshold = 500;

/* zsim_set_compaction(); set from the config at boot. */
static bool compaction_on = true;

bool compaction_enabled(void)
{
	return __atomic_load_n(&compaction_on, __ATOMIC_ACQUIRE);
}

/* One compaction run's state (mm/internal.h in the kernel). */
struct compact_control {
	struct list_head freepages;	/* free pages to migrate to */
	struct list_head migratepages;	/* pages being migrated */
	unsigned long nr_freepages;
	unsigned long nr_migratepages;
	unsigned long free_pfn;		/* free scanner: where it resumes */
	unsigned long migrate_pfn;	/* migrate scanner: where it resumes */
	enum migrate_mode mode;
	bool ignore_skip_hint;		/* scan even blocks marked skip */
	bool direct_compaction;		/* for an allocation in the slow path */
	bool whole_zone;		/* started at the zone's start */
	int order;			/* -1: compact everything */
	gfp_t gfp_mask;
	unsigned int alloc_flags;
	int classzone_idx;
	struct zone *zone;
	bool contended;			/* async: gave up on a busy zone->lock */
};

typedef enum {
	ISOLATE_ABORT,
	ISOLATE_NONE,
	ISOLATE_SUCCESS,
} isolate_migrate_t;

static inline bool is_via_compact_memory(int order)
{
	return order == -1;
}

static inline bool migrate_async_suitable(int migratetype)
{
	return migratetype == MIGRATE_MOVABLE;
}

/* End of the order-aligned block holding @pfn. */
static inline unsigned long block_end_pfn(unsigned long pfn, int order)
{
	return ALIGN(pfn + 1, 1UL << order);
}

static int compact_migratetype(gfp_t gfp)
{
	int mt = gfp_migratetype(gfp);

	if (page_group_by_mobility_disabled || mt >= MIGRATE_PCPTYPES)
		return MIGRATE_UNMOVABLE;
	return mt;
}

/*
 * The order of the free block at @page, or 0 if it is not (any longer) a
 * free block head.  SIM: the kernel reads page_private() racily here
 * (page_order_unsafe()); taking zone->lock keeps the read well defined.
 */
static unsigned int free_block_order(struct zone *zone, struct page *page)
{
	unsigned int order = 0;

	spin_lock(&zone->lock);
	if (PageBuddy(page))
		order = page_order(page);
	spin_unlock(&zone->lock);
	return order;
}

/* --- deferred compaction ------------------------------------------------ */

/*
 * After a sync compaction failed for an order, skip the next 1, 2, 4 ...
 * 64 requests for that order or higher; a success resets it.  The fields
 * are updated without a lock, as in the kernel: a lost update only
 * changes when compaction is tried next.
 */
void defer_compaction(struct zone *zone, int order)
{
	WRITE_ONCE(zone->compact_considered, 0);
	if (READ_ONCE(zone->compact_defer_shift) < COMPACT_MAX_DEFER_SHIFT)
		WRITE_ONCE(zone->compact_defer_shift,
			   READ_ONCE(zone->compact_defer_shift) + 1);
	if (order < READ_ONCE(zone->compact_order_failed))
		WRITE_ONCE(zone->compact_order_failed, order);
	trace_mm_compaction_defer_compaction(zone, order);
}

bool compaction_deferred(struct zone *zone, int order)
{
	unsigned long defer_limit = 1UL << READ_ONCE(zone->compact_defer_shift);
	unsigned int considered;

	if (order < READ_ONCE(zone->compact_order_failed))
		return false;
	considered = READ_ONCE(zone->compact_considered) + 1;
	if (considered > defer_limit)
		considered = defer_limit;
	WRITE_ONCE(zone->compact_considered, considered);
	if (considered >= defer_limit)
		return false;
	trace_mm_compaction_deferred(zone, order);
	return true;
}

void compaction_defer_reset(struct zone *zone, int order, bool alloc_success)
{
	if (alloc_success) {
		WRITE_ONCE(zone->compact_considered, 0);
		WRITE_ONCE(zone->compact_defer_shift, 0);
	}
	if (order >= READ_ONCE(zone->compact_order_failed))
		WRITE_ONCE(zone->compact_order_failed, order + 1);
	trace_mm_compaction_defer_reset(zone, order);
}

/* Deferred as far as it goes: time for a full rescan, skip hints too. */
bool compaction_restarting(struct zone *zone, int order)
{
	if (order < READ_ONCE(zone->compact_order_failed))
		return false;
	return READ_ONCE(zone->compact_defer_shift) == COMPACT_MAX_DEFER_SHIFT &&
	       READ_ONCE(zone->compact_considered) >=
			1U << READ_ONCE(zone->compact_defer_shift);
}

/* --- pageblock skip hints and cached scanner positions ------------------- */

static inline bool get_pageblock_skip(struct zone *zone, unsigned long pfn)
{
	return READ_ONCE(zone->pageblock_skip[pfn_to_pageblock_idx(zone, pfn)]);
}

static inline void set_pageblock_skip(struct zone *zone, unsigned long pfn)
{
	WRITE_ONCE(zone->pageblock_skip[pfn_to_pageblock_idx(zone, pfn)], 1);
}

/* May the scanners look at @pfn's pageblock, or did it fail recently? */
static inline bool isolation_suitable(struct compact_control *cc,
				      unsigned long pfn)
{
	if (cc->ignore_skip_hint)
		return true;
	return !get_pageblock_skip(cc->zone, pfn);
}

static void reset_cached_positions(struct zone *zone)
{
	WRITE_ONCE(zone->compact_cached_migrate_pfn[0], zone->zone_start_pfn);
	WRITE_ONCE(zone->compact_cached_migrate_pfn[1], zone->zone_start_pfn);
	WRITE_ONCE(zone->compact_cached_free_pfn,
		   pageblock_start_pfn(zone_end_pfn(zone) - 1));
}

/* Forget every skip hint and start both scanners from their ends. */
static void __reset_isolation_suitable(struct zone *zone)
{
	unsigned long i;

	reset_cached_positions(zone);
	WRITE_ONCE(zone->compact_blockskip_flush, false);
	for (i = 0; i < READ_ONCE(zone->nr_pageblocks); i++)
		WRITE_ONCE(zone->pageblock_skip[i], 0);
}

/*
 * A scanner went through a whole pageblock and isolated nothing: mark
 * it, so the next runs skip it, and move the cached start past it.
 */
static void update_pageblock_skip(struct compact_control *cc,
				  struct page *page, unsigned long nr_isolated,
				  bool migrate_scanner)
{
	struct zone *zone = cc->zone;
	unsigned long pfn;

	if (cc->ignore_skip_hint || !page || nr_isolated)
		return;

	pfn = page_to_pfn(page);
	set_pageblock_skip(zone, pfn);

	if (migrate_scanner) {
		if (pfn > READ_ONCE(zone->compact_cached_migrate_pfn[0]))
			WRITE_ONCE(zone->compact_cached_migrate_pfn[0], pfn);
		if (cc->mode != MIGRATE_ASYNC &&
		    pfn > READ_ONCE(zone->compact_cached_migrate_pfn[1]))
			WRITE_ONCE(zone->compact_cached_migrate_pfn[1], pfn);
	} else {
		if (pfn < READ_ONCE(zone->compact_cached_free_pfn))
			WRITE_ONCE(zone->compact_cached_free_pfn, pfn);
	}
}

/*
 * zone->lock for a scanner: asynchronous compaction does not wait for it
 * but gives up the run (cc->contended), as the kernel's
 * compact_trylock_irqsave() does.
 */
static bool compact_lock(struct compact_control *cc)
{
	if (cc->mode == MIGRATE_ASYNC) {
		if (!spin_trylock(&cc->zone->lock)) {
			cc->contended = true;
			return false;
		}
		return true;
	}
	spin_lock(&cc->zone->lock);
	return true;
}

/* --- the free scanner ---------------------------------------------------- */

/*
 * Take the free blocks of [*start_pfn, end_pfn) onto @freelist until
 * there are as many free pages as pages to migrate.  *start_pfn is left
 * where the scan stopped.  Returns pages isolated.
 */
static unsigned long isolate_freepages_block(struct compact_control *cc,
					     unsigned long *start_pfn,
					     unsigned long end_pfn,
					     struct list_head *freelist)
{
	struct zone *zone = cc->zone;
	unsigned long blockpfn = *start_pfn, nr_scanned = 0, total_isolated = 0;
	const unsigned long scan_start = *start_pfn;
	unsigned long isolated;
	struct page *page, *valid_page = NULL;
	unsigned int order;
	bool locked = false;

	for (; blockpfn < end_pfn; blockpfn++) {
		/* Let allocators in now and then. */
		if (locked && !(blockpfn % COMPACT_CLUSTER_MAX)) {
			spin_unlock(&zone->lock);
			locked = false;
		}
		nr_scanned++;
		page = pfn_to_page(blockpfn);
		if (!valid_page)
			valid_page = page;
		if (!PageBuddy(page))
			continue;

		if (!locked) {
			if (!compact_lock(cc))
				break;
			locked = true;
		}
		/* It may have been allocated or merged meanwhile. */
		if (!PageBuddy(page))
			continue;

		order = page_order(page);
		isolated = __isolate_free_page(page, order);
		if (!isolated)
			break;	/* the zone is too low on memory */
		/* Remember the block's order until it is split. */
		set_page_private(page, order);
		total_isolated += isolated;
		cc->nr_freepages += isolated;
		list_add_tail(&page->lru, freelist);

		if (cc->nr_migratepages <= cc->nr_freepages) {
			blockpfn += isolated;
			break;
		}
		blockpfn += isolated - 1;
	}
	if (locked)
		spin_unlock(&zone->lock);

	/* A block bigger than the rest of the pageblock ends the scan. */
	if (unlikely(blockpfn > end_pfn))
		blockpfn = end_pfn;
	*start_pfn = blockpfn;

	if (blockpfn == end_pfn)
		update_pageblock_skip(cc, valid_page, total_isolated, false);

	trace_mm_compaction_isolate_freepages(scan_start, blockpfn, nr_scanned, total_isolated);
	count_vm_events(COMPACTFREE_SCANNED, nr_scanned);
	if (total_isolated)
		count_vm_events(COMPACTISOLATED, total_isolated);
	return total_isolated;
}

/*
 * A target pageblock must be MOVABLE (what migrates there is movable)
 * and must not be a free block of pageblock size or more: splitting one
 * of those to fill it would undo the compaction.
 */
static bool suitable_migration_target(struct zone *zone, unsigned long pfn)
{
	struct page *page = pfn_to_page(pfn);

	if (PageBuddy(page) && free_block_order(zone, page) >= pageblock_order)
		return false;
	return migrate_async_suitable(get_pageblock_migratetype(zone, pfn));
}

/* Isolated free blocks become order-0 pages the migration can use. */
static void split_freepages(struct list_head *list)
{
	struct page *page, *next;
	unsigned int order;
	unsigned long i, nr;
	LIST_HEAD(tmp);

	list_for_each_entry_safe(page, next, list, lru) {
		order = (unsigned int)page_private(page);
		nr = 1UL << order;
		list_del(&page->lru);
		post_alloc_hook(page, order, __GFP_MOVABLE);
		if (order)
			split_page(page, order);
		for (i = 0; i < nr; i++)
			list_add(&page[i].lru, &tmp);
	}
	list_splice_init(&tmp, list);
}

/* Refill cc->freepages, scanning down from cc->free_pfn. */
static void isolate_freepages(struct compact_control *cc)
{
	struct zone *zone = cc->zone;
	unsigned long block_start_pfn, block_end_pfn, isolate_start_pfn, low_pfn;
	LIST_HEAD(freelist);

	isolate_start_pfn = cc->free_pfn;
	block_start_pfn = pageblock_start_pfn(cc->free_pfn);
	block_end_pfn = min(block_start_pfn + pageblock_nr_pages,
			    zone_end_pfn(zone));
	/* Never below the block the migrate scanner is in. */
	low_pfn = pageblock_end_pfn(cc->migrate_pfn);

	for (; block_start_pfn >= low_pfn;
	     block_end_pfn = block_start_pfn,
	     block_start_pfn -= pageblock_nr_pages,
	     isolate_start_pfn = block_start_pfn) {
		if (!(block_start_pfn % (COMPACT_CLUSTER_MAX * pageblock_nr_pages)))
			cond_resched();
		if (!suitable_migration_target(zone, block_start_pfn))
			continue;
		if (!isolation_suitable(cc, block_start_pfn))
			continue;

		isolate_freepages_block(cc, &isolate_start_pfn, block_end_pfn,
					&freelist);

		if (cc->nr_freepages >= cc->nr_migratepages || cc->contended) {
			/*
			 * Enough.  If this block is used up, the next run
			 * starts at the one below it, else here again.
			 */
			if (isolate_start_pfn >= block_end_pfn)
				isolate_start_pfn = block_start_pfn - pageblock_nr_pages;
			break;
		} else if (isolate_start_pfn < block_end_pfn) {
			/* Stopped early: the zone is short of free memory. */
			break;
		}
	}

	split_freepages(&freelist);
	list_splice_init(&freelist, &cc->freepages);
	/*
	 * Where to resume; if the loop ran into the migrate scanner this is
	 * below it, and compact_finished() sees the scanners met.
	 */
	cc->free_pfn = isolate_start_pfn;
}

/* migrate_pages()'s get_new_page: a page from the free scanner. */
static struct page *compaction_alloc(struct page *migratepage,
				     unsigned long data, int **result)
{
	struct compact_control *cc = (struct compact_control *)data;
	struct page *freepage;

	(void)migratepage;
	(void)result;
	if (list_empty(&cc->freepages)) {
		if (!cc->contended)
			isolate_freepages(cc);
		if (list_empty(&cc->freepages))
			return NULL;
	}
	freepage = list_first_entry(&cc->freepages, struct page, lru);
	list_del(&freepage->lru);
	cc->nr_freepages--;
	return freepage;
}

/* migrate_pages()'s put_new_page: an unused target goes back to the list. */
static void compaction_free(struct page *page, unsigned long data)
{
	struct compact_control *cc = (struct compact_control *)data;

	list_add(&page->lru, &cc->freepages);
	cc->nr_freepages++;
}

/* Give unused targets back; returns the highest pfn among them. */
static unsigned long release_freepages(struct list_head *freelist)
{
	struct page *page, *next;
	unsigned long high_pfn = 0, pfn;

	list_for_each_entry_safe(page, next, freelist, lru) {
		pfn = page_to_pfn(page);
		list_del(&page->lru);
		__free_page(page);
		if (pfn > high_pfn)
			high_pfn = pfn;
	}
	return high_pfn;
}

/* --- the migrate scanner -------------------------------------------------- */

/*
 * Isolate movable pages of [low_pfn, end_pfn) onto cc->migratepages, at
 * most COMPACT_CLUSTER_MAX in all.  Returns the pfn to continue from.
 */
static unsigned long isolate_migratepages_block(struct compact_control *cc,
						unsigned long low_pfn,
						unsigned long end_pfn,
						isolate_mode_t isolate_mode)
{
	struct zone *zone = cc->zone;
	unsigned long nr_scanned = 0, nr_isolated = 0, next_skip_pfn = 0;
	const unsigned long start_pfn = low_pfn;
	struct page *page, *valid_page = NULL;
	bool skip_on_failure = false;
	unsigned int order;

	/*
	 * Direct async compaction only wants one free block of cc->order:
	 * an order-aligned block with a page that cannot move is useless,
	 * so give it up at the first such page.
	 */
	if (cc->direct_compaction && cc->mode == MIGRATE_ASYNC) {
		skip_on_failure = true;
		next_skip_pfn = block_end_pfn(low_pfn, cc->order);
	}

	for (; low_pfn < end_pfn; low_pfn++) {
		if (skip_on_failure && low_pfn >= next_skip_pfn) {
			/* A whole order-aligned block isolated: migrate it. */
			if (nr_isolated)
				break;
			next_skip_pfn = block_end_pfn(low_pfn, cc->order);
		}
		if (!(low_pfn % COMPACT_CLUSTER_MAX))
			cond_resched();

		nr_scanned++;
		page = pfn_to_page(low_pfn);
		if (!valid_page)
			valid_page = page;

		/* Free already: jump over the whole free block. */
		if (PageBuddy(page)) {
			order = free_block_order(zone, page);
			if (order > 0 && order < MAX_ORDER)
				low_pfn += (1UL << order) - 1;
			continue;
		}

		/*
		 * Pinned frames (zsim_alloc_pages()) and slab pages never
		 * move.  There are no LRU pages: what is not a non-LRU
		 * movable page stays where it is.
		 */
		if (PageReserved(page) || PageSlab(page))
			goto isolate_fail;

		/* Lockless peek; isolate_movable_page() checks under lock. */
		if (__PageMovable(page) && !PageIsolated(page) &&
		    isolate_movable_page(page, isolate_mode))
			goto isolate_success;
		goto isolate_fail;

isolate_success:
		list_add(&page->lru, &cc->migratepages);
		cc->nr_migratepages++;
		nr_isolated++;
		if (cc->nr_migratepages == COMPACT_CLUSTER_MAX) {
			++low_pfn;
			break;
		}
		continue;

isolate_fail:
		if (!skip_on_failure)
			continue;
		/* This order-aligned block cannot become free: drop it. */
		if (nr_isolated) {
			putback_movable_pages(&cc->migratepages);
			cc->nr_migratepages = 0;
			nr_isolated = 0;
		}
		if (low_pfn < next_skip_pfn) {
			low_pfn = next_skip_pfn - 1;
			next_skip_pfn += 1UL << cc->order;
		}
	}

	if (unlikely(low_pfn > end_pfn))
		low_pfn = end_pfn;
	if (low_pfn == end_pfn)
		update_pageblock_skip(cc, valid_page, nr_isolated, true);

	trace_mm_compaction_isolate_migratepages(start_pfn, low_pfn, nr_scanned, nr_isolated);
	count_vm_events(COMPACTMIGRATE_SCANNED, nr_scanned);
	if (nr_isolated)
		count_vm_events(COMPACTISOLATED, nr_isolated);
	return low_pfn;
}

/*
 * Find the next pageblock worth scanning from cc->migrate_pfn and
 * isolate what moves in it.
 */
static isolate_migrate_t isolate_migratepages(struct zone *zone,
					      struct compact_control *cc)
{
	unsigned long block_start_pfn, block_end_pfn, low_pfn;
	isolate_mode_t isolate_mode;

	isolate_mode = cc->mode != MIGRATE_SYNC ? ISOLATE_ASYNC_MIGRATE : 0;

	low_pfn = cc->migrate_pfn;
	block_start_pfn = pageblock_start_pfn(low_pfn);
	if (block_start_pfn < zone->zone_start_pfn)
		block_start_pfn = zone->zone_start_pfn;
	block_end_pfn = pageblock_end_pfn(low_pfn);

	/* Up to the block where the free scanner is. */
	for (; block_end_pfn <= cc->free_pfn;
	     low_pfn = block_end_pfn,
	     block_start_pfn = block_end_pfn,
	     block_end_pfn += pageblock_nr_pages) {
		if (!(low_pfn % (COMPACT_CLUSTER_MAX * pageblock_nr_pages)))
			cond_resched();
		if (!isolation_suitable(cc, block_start_pfn))
			continue;
		/*
		 * Asynchronous compaction is the cheap optimistic try: only
		 * MOVABLE pageblocks, where most pages can move.
		 */
		if (cc->mode == MIGRATE_ASYNC &&
		    !migrate_async_suitable(get_pageblock_migratetype(zone,
								       block_start_pfn)))
			continue;

		low_pfn = isolate_migratepages_block(cc, low_pfn, block_end_pfn,
						     isolate_mode);
		if (cc->contended)
			return ISOLATE_ABORT;
		/* Migrate what we have, or let compact_zone() decide. */
		break;
	}

	cc->migrate_pfn = low_pfn;
	return cc->nr_migratepages ? ISOLATE_SUCCESS : ISOLATE_NONE;
}

unsigned long isolate_migratepages_range(struct zone *zone,
					 unsigned long start_pfn,
					 unsigned long end_pfn,
					 struct list_head *list)
{
	struct compact_control cc = {
		.zone = zone,
		.mode = MIGRATE_SYNC,
		.ignore_skip_hint = true,	/* and leaves no skip marks */
		.order = -1,
	};
	unsigned long pfn, block_end;

	INIT_LIST_HEAD(&cc.freepages);
	INIT_LIST_HEAD(&cc.migratepages);
	/* One pageblock at a time, up to a batch, as the kernel's. */
	for (pfn = start_pfn; pfn < end_pfn; pfn = block_end) {
		block_end = min(pageblock_end_pfn(pfn), end_pfn);
		pfn = isolate_migratepages_block(&cc, pfn, block_end, 0);
		if (pfn < block_end ||
		    cc.nr_migratepages == COMPACT_CLUSTER_MAX)
			break;
	}
	list_splice_tail_init(&cc.migratepages, list);
	return pfn;
}

/* --- one compaction run --------------------------------------------------- */

static inline bool compact_scanners_met(struct compact_control *cc)
{
	return (cc->free_pfn >> pageblock_order) <=
	       (cc->migrate_pfn >> pageblock_order);
}

static enum compact_result __compact_finished(struct zone *zone,
					      struct compact_control *cc,
					      int migratetype)
{
	enum compact_result ret = COMPACT_NO_SUITABLE_PAGE;
	struct free_area *area;
	unsigned long watermark;
	bool can_steal;
	int order;

	if (cc->contended)
		return COMPACT_CONTENDED;

	if (compact_scanners_met(cc)) {
		reset_cached_positions(zone);
		/*
		 * SIM: kswapd clears the skip hints when it goes to sleep
		 * after a direct compactor asked for it; the simulator has no
		 * kswapd, so the next compact_zone() clears them (see there).
		 */
		if (cc->direct_compaction)
			WRITE_ONCE(zone->compact_blockskip_flush, true);
		return cc->whole_zone ? COMPACT_COMPLETE : COMPACT_PARTIAL_SKIPPED;
	}

	if (is_via_compact_memory(cc->order))
		return COMPACT_CONTINUE;

	spin_lock(&zone->lock);
	watermark = READ_ONCE(zone->watermark[cc->alloc_flags & ALLOC_WMARK_MASK]);
	if (!zone_watermark_ok(zone, cc->order, watermark, cc->classzone_idx,
			       cc->alloc_flags)) {
		ret = COMPACT_CONTINUE;
		goto out;
	}

	/* Would the allocation now succeed without scattering a type? */
	for (order = cc->order; order < MAX_ORDER; order++) {
		area = &zone->free_area[order];
		if (!list_empty(&area->free_list[migratetype])) {
			ret = COMPACT_SUCCESS;
			break;
		}
		if (find_suitable_fallback(area, order, migratetype, true,
					   &can_steal) != -1) {
			ret = COMPACT_SUCCESS;
			break;
		}
	}
out:
	spin_unlock(&zone->lock);
	return ret;
}

static enum compact_result compact_finished(struct zone *zone,
					    struct compact_control *cc,
					    int migratetype)
{
	enum compact_result ret = __compact_finished(zone, cc, migratetype);

	trace_mm_compaction_finished(zone, cc->order, ret);
	/* Watermark met but no block yet: keep compacting. */
	if (ret == COMPACT_NO_SUITABLE_PAGE)
		ret = COMPACT_CONTINUE;
	return ret;
}

static enum compact_result __compaction_suitable(struct zone *zone, int order,
						 unsigned int alloc_flags,
						 int classzone_idx)
{
	unsigned long watermark;
	bool high_ok, base_ok = false;
	int fragindex;

	if (is_via_compact_memory(order))
		return COMPACT_CONTINUE;

	watermark = READ_ONCE(zone->watermark[alloc_flags & ALLOC_WMARK_MASK]);
	spin_lock(&zone->lock);
	high_ok = zone_watermark_ok(zone, order, watermark, classzone_idx,
				    alloc_flags);
	/*
	 * Migration needs room for the copies: an order-0 watermark raised
	 * by twice the request.
	 */
	if (!high_ok)
		base_ok = zone_watermark_ok(zone, 0, watermark + (2UL << order),
					    classzone_idx, alloc_flags);
	spin_unlock(&zone->lock);

	if (high_ok)
		return COMPACT_SUCCESS;	/* nothing to do */
	if (!base_ok)
		return COMPACT_SKIPPED;

	/*
	 * Is the failure for lack of memory (index towards 0: reclaim is
	 * the answer) or for fragmentation (towards 1000: compact)?
	 */
	fragindex = fragmentation_index(zone, (unsigned int)order);
	if (fragindex >= 0 && fragindex <= READ_ONCE(sysctl_extfrag_threshold))
		return COMPACT_SKIPPED;
	return COMPACT_CONTINUE;
}

enum compact_result compaction_suitable(struct zone *zone, int order,
					unsigned int alloc_flags,
					int classzone_idx)
{
	enum compact_result ret = __compaction_suitable(zone, order, alloc_flags,
							classzone_idx);

	trace_mm_compaction_suitable(zone, order, ret);
	return ret;
}

static enum compact_result compact_zone(struct zone *zone,
					struct compact_control *cc)
{
	const int migratetype = compact_migratetype(cc->gfp_mask);
	const bool sync = cc->mode != MIGRATE_ASYNC;
	unsigned long start_pfn = zone->zone_start_pfn;
	unsigned long end_pfn = zone_end_pfn(zone);
	enum compact_result ret;
	unsigned long free_pfn, last_migrated_pfn = 0;
	int err;

	ret = compaction_suitable(zone, cc->order, cc->alloc_flags,
				  cc->classzone_idx);
	if (ret == COMPACT_SUCCESS || ret == COMPACT_SKIPPED)
		return ret;
	VM_BUG_ON(ret != COMPACT_CONTINUE);

	/*
	 * Clear the skip hints after repeated failures, and (SIM, in place
	 * of kswapd) after a direct compactor's scanners met.
	 */
	if (compaction_restarting(zone, cc->order) ||
	    __atomic_exchange_n(&zone->compact_blockskip_flush, false,
				__ATOMIC_RELAXED))
		__reset_isolation_suitable(zone);

	/* Resume where the last runs left off, if that is inside the zone. */
	cc->migrate_pfn = READ_ONCE(zone->compact_cached_migrate_pfn[sync]);
	cc->free_pfn = READ_ONCE(zone->compact_cached_free_pfn);
	if (cc->free_pfn < start_pfn || cc->free_pfn >= end_pfn) {
		cc->free_pfn = pageblock_start_pfn(end_pfn - 1);
		WRITE_ONCE(zone->compact_cached_free_pfn, cc->free_pfn);
	}
	if (cc->migrate_pfn < start_pfn || cc->migrate_pfn >= end_pfn) {
		cc->migrate_pfn = start_pfn;
		WRITE_ONCE(zone->compact_cached_migrate_pfn[0], cc->migrate_pfn);
		WRITE_ONCE(zone->compact_cached_migrate_pfn[1], cc->migrate_pfn);
	}
	if (cc->migrate_pfn == start_pfn)
		cc->whole_zone = true;
	trace_mm_compaction_begin(start_pfn, cc->migrate_pfn, cc->free_pfn, end_pfn, sync);

	/*
	 * SIM: a whole-zone run (zsim_compact_memory()) first brings the free
	 * pages of the per-CPU lists back, so its free scanner sees every
	 * free page, and gives back at the end the pages it freed to this
	 * CPU's list; the kernel's compact_node() leaves the lists alone.
	 */
	if (is_via_compact_memory(cc->order))
		drain_all_pages(zone);

	while ((ret = compact_finished(zone, cc, migratetype)) == COMPACT_CONTINUE) {
		unsigned long iteration_start_pfn = cc->migrate_pfn;

		/*
		 * As the kernel's compact_zone(): once the migrate scanner
		 * has left the order-aligned block it last migrated from, the
		 * pages freed there (on this CPU's list) go back to the buddy
		 * lists, so they merge and compact_finished() sees the block.
		 */
		if (cc->order > 0 && last_migrated_pfn &&
		    last_migrated_pfn < round_down(cc->migrate_pfn, 1UL << cc->order)) {
			drain_local_pages(zone);
			last_migrated_pfn = 0;
		}
		switch (isolate_migratepages(zone, cc)) {
		case ISOLATE_ABORT:
			ret = COMPACT_CONTENDED;
			putback_movable_pages(&cc->migratepages);
			cc->nr_migratepages = 0;
			goto out;
		case ISOLATE_NONE:
			continue;
		case ISOLATE_SUCCESS:
			last_migrated_pfn = iteration_start_pfn;
			break;
		}

		err = migrate_pages(&cc->migratepages, compaction_alloc,
				    compaction_free, (unsigned long)cc, cc->mode,
				    MR_COMPACTION);
		cc->nr_migratepages = 0;
		if (err) {
			putback_movable_pages(&cc->migratepages);
			/*
			 * No target left before the scanners met: the zone is
			 * too short of free pages to go on.  If they met,
			 * compact_finished() says so.
			 */
			if (err == -ENOMEM && !compact_scanners_met(cc)) {
				ret = COMPACT_CONTENDED;
				goto out;
			}
			/* The order-aligned block will not be free: skip it. */
			if (cc->direct_compaction && cc->mode == MIGRATE_ASYNC)
				cc->migrate_pfn = block_end_pfn(cc->migrate_pfn - 1,
								cc->order);
		}
	}

out:
	/* Unused targets go back; the next run's free scanner starts there. */
	if (cc->nr_freepages > 0) {
		free_pfn = release_freepages(&cc->freepages);
		cc->nr_freepages = 0;
		VM_BUG_ON(free_pfn == 0);
		free_pfn = pageblock_start_pfn(free_pfn);
		if (free_pfn > READ_ONCE(zone->compact_cached_free_pfn))
			WRITE_ONCE(zone->compact_cached_free_pfn, free_pfn);
	}
	if (is_via_compact_memory(cc->order))
		drain_local_pages(zone);
	trace_mm_compaction_end(start_pfn, cc->migrate_pfn, cc->free_pfn, end_pfn, sync, ret);
	return ret;
}

static void init_compact_control(struct compact_control *cc, struct zone *zone,
				 int order, enum migrate_mode mode)
{
	memset(cc, 0, sizeof(*cc));
	INIT_LIST_HEAD(&cc->freepages);
	INIT_LIST_HEAD(&cc->migratepages);
	cc->zone = zone;
	cc->order = order;
	cc->mode = mode;
}

static enum compact_result compact_zone_order(struct zone *zone, int order,
					      gfp_t gfp_mask,
					      enum migrate_mode mode,
					      int *contended,
					      unsigned int alloc_flags,
					      int classzone_idx)
{
	struct compact_control cc;
	enum compact_result ret;

	init_compact_control(&cc, zone, order, mode);
	cc.gfp_mask = gfp_mask;
	cc.alloc_flags = alloc_flags;
	cc.classzone_idx = classzone_idx;
	cc.direct_compaction = true;

	ret = compact_zone(zone, &cc);
	VM_BUG_ON(!list_empty(&cc.freepages));
	VM_BUG_ON(!list_empty(&cc.migratepages));
	*contended = cc.contended;
	return ret;
}

enum compact_result try_to_compact_pages(gfp_t gfp_mask, unsigned int order,
					 unsigned int alloc_flags,
					 enum migrate_mode mode, int *contended)
{
	struct zone *zone = &sim_zone;
	enum compact_result rc = COMPACT_SKIPPED, status;
	int zone_contended = 0;

	*contended = 0;
	if (!compaction_enabled() || !order)
		return COMPACT_SKIPPED;
	/* Migration may need I/O or the filesystem in the kernel. */
	if (!(gfp_mask & (__GFP_FS | __GFP_IO)))
		return COMPACT_SKIPPED;

	if (compaction_deferred(zone, (int)order))
		return COMPACT_DEFERRED;

	status = compact_zone_order(zone, (int)order, gfp_mask, mode,
				    &zone_contended, alloc_flags, 0);
	rc = max(status, rc);
	*contended = zone_contended;

	if (status == COMPACT_SUCCESS) {
		/* The caller's allocation resets the deferral if it works. */
		compaction_defer_reset(zone, (int)order, false);
	} else if (mode != MIGRATE_ASYNC &&
		   (status == COMPACT_COMPLETE ||
		    status == COMPACT_PARTIAL_SKIPPED)) {
		/* A full sync run did not do it: back off for a while. */
		defer_compaction(zone, (int)order);
	}
	return rc;
}

void compact_nodes(void)
{
	struct compact_control cc;

	init_compact_control(&cc, &sim_zone, -1, MIGRATE_SYNC);
	cc.ignore_skip_hint = true;
	compact_zone(&sim_zone, &cc);
	VM_BUG_ON(!list_empty(&cc.freepages));
	VM_BUG_ON(!list_empty(&cc.migratepages));
}

/* --- kcompactd -------------------------------------------------------------- */

/* Pending work is rechecked this often (5.9's proactive-compaction period). */
#define KCOMPACTD_PERIOD_MS	500

static struct {
	pthread_mutex_t ctl;		/* serialises start and stop */
	pthread_mutex_t lock;		/* the fields below */
	pthread_cond_t wait;
	pthread_t thread;
	bool running;			/* atomic reads outside @lock */
	bool stop;
	bool woken;
	int max_order;			/* order the last failures asked for */
} kcompactd_state = {
	.ctl = PTHREAD_MUTEX_INITIALIZER,
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

static bool kcompactd_order_ok(struct zone *zone, int order)
{
	bool ok;

	spin_lock(&zone->lock);
	ok = zone_watermark_ok(zone, (unsigned int)order, low_wmark_pages(zone),
			       0, 0);
	spin_unlock(&zone->lock);
	return ok;
}

/* One round of background compaction for @order (kcompactd_do_work()). */
static void kcompactd_do_work(int order)
{
	struct zone *zone = &sim_zone;
	struct compact_control cc;
	enum compact_result status;

	count_vm_event(KCOMPACTD_WAKE);
	if (compaction_deferred(zone, order))
		return;
	if (compaction_suitable(zone, order, 0, 0) != COMPACT_CONTINUE)
		return;

	init_compact_control(&cc, zone, order, MIGRATE_SYNC_LIGHT);
	cc.ignore_skip_hint = true;
	status = compact_zone(zone, &cc);
	VM_BUG_ON(!list_empty(&cc.freepages));
	VM_BUG_ON(!list_empty(&cc.migratepages));

	if (kcompactd_order_ok(zone, order))
		compaction_defer_reset(zone, order, false);
	else if (status == COMPACT_PARTIAL_SKIPPED || status == COMPACT_COMPLETE)
		defer_compaction(zone, order);
}

static void *kcompactd(void *arg)
{
	int order;

	(void)arg;
	pthread_mutex_lock(&kcompactd_state.lock);
	while (!kcompactd_state.stop) {
		if (!kcompactd_state.woken) {
			/* Virtual time under the deterministic scheduler. */
			sim_host_cond_timedwait_jiffies(&kcompactd_state.wait,
							&kcompactd_state.lock,
							msecs_to_jiffies(KCOMPACTD_PERIOD_MS));
			if (kcompactd_state.stop)
				break;
		}
		kcompactd_state.woken = false;
		order = kcompactd_state.max_order;
		pthread_mutex_unlock(&kcompactd_state.lock);

		/*
		 * Woken by a failure, or on the period while an order is
		 * still pending: compact until that order would succeed.
		 */
		if (order > 0 && compaction_enabled() &&
		    !kcompactd_order_ok(&sim_zone, order))
			kcompactd_do_work(order);

		pthread_mutex_lock(&kcompactd_state.lock);
		if (order > 0 && kcompactd_state.max_order <= order &&
		    kcompactd_order_ok(&sim_zone, order))
			kcompactd_state.max_order = 0;
	}
	pthread_mutex_unlock(&kcompactd_state.lock);
	return NULL;
}

void wakeup_kcompactd(int order, int classzone_idx)
{
	(void)classzone_idx;
	if (!order || !__atomic_load_n(&kcompactd_state.running, __ATOMIC_ACQUIRE))
		return;
	if (!compaction_enabled())
		return;
	/* Only if compacting can help (kcompactd_node_suitable()). */
	if (compaction_suitable(&sim_zone, order, 0, 0) != COMPACT_CONTINUE)
		return;

	pthread_mutex_lock(&kcompactd_state.lock);
	if (order > kcompactd_state.max_order)
		kcompactd_state.max_order = order;
	kcompactd_state.woken = true;
	pthread_cond_signal(&kcompactd_state.wait);
	pthread_mutex_unlock(&kcompactd_state.lock);
}

static int kcompactd_run(void)
{
	pthread_condattr_t attr;
	int err = 0;

	pthread_mutex_lock(&kcompactd_state.ctl);
	if (kcompactd_state.running)
		goto out;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&kcompactd_state.wait, &attr);
	pthread_condattr_destroy(&attr);
	kcompactd_state.stop = false;
	kcompactd_state.woken = false;
	kcompactd_state.max_order = 0;
	err = -pthread_create(&kcompactd_state.thread, NULL, kcompactd, NULL);
	if (err) {
		pthread_cond_destroy(&kcompactd_state.wait);
		goto out;
	}
	pthread_setname_np(kcompactd_state.thread, "kcompactd0");
	__atomic_store_n(&kcompactd_state.running, true, __ATOMIC_RELEASE);
out:
	pthread_mutex_unlock(&kcompactd_state.ctl);
	return err;
}

static void kcompactd_stop(void)
{
	pthread_mutex_lock(&kcompactd_state.ctl);
	if (!kcompactd_state.running)
		goto out;
	__atomic_store_n(&kcompactd_state.running, false, __ATOMIC_RELEASE);
	pthread_mutex_lock(&kcompactd_state.lock);
	kcompactd_state.stop = true;
	pthread_cond_signal(&kcompactd_state.wait);
	pthread_mutex_unlock(&kcompactd_state.lock);
	pthread_join(kcompactd_state.thread, NULL);
	pthread_cond_destroy(&kcompactd_state.wait);
out:
	pthread_mutex_unlock(&kcompactd_state.ctl);
}

/* --- boot, shutdown and the public controls ------------------------------- */

int sim_compaction_init(const struct zsim_config *cfg)
{
	__atomic_store_n(&compaction_on, cfg->compaction, __ATOMIC_RELEASE);
	WRITE_ONCE(sysctl_extfrag_threshold, 500);
	if (cfg->kcompactd)
		return kcompactd_run();
	return 0;
}

void sim_compaction_exit(void)
{
	kcompactd_stop();
	sim_page_isolation_exit();
}

int zsim_compact_memory(void)
{
	sim_machine_get();
	if (!compaction_enabled())
		return -EOPNOTSUPP;
	compact_nodes();
	return 0;
}

bool zsim_set_compaction(bool enabled)
{
	sim_machine_get();
	return __atomic_exchange_n(&compaction_on, enabled, __ATOMIC_ACQ_REL);
}

bool zsim_compaction_enabled(void)
{
	sim_machine_get();
	return compaction_enabled();
}

int zsim_kcompactd(bool on)
{
	sim_machine_get();
	if (on)
		return kcompactd_run();
	kcompactd_stop();
	return 0;
}
