/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
/*
 * What sim/mm/ files share and nobody else sees, as the kernel's
 * mm/internal.h: the buddy allocator's hooks for the compaction free
 * scanner, and the task flag that direct compaction sets.
 */
#ifndef _SIM_MM_INTERNAL_H
#define _SIM_MM_INTERNAL_H

#include <linux/types.h>
#include <linux/gfp.h>
#include <linux/mmzone.h>
#include <linux/smp.h>

struct page;

/*
 * This CPU's struct per_cpu_pageset of @zone.  SIM: the pagesets are an
 * array of the boot's CPUs; a thread always runs on one of them.
 */
static inline struct per_cpu_pageset *this_cpu_pageset(struct zone *zone)
{
	unsigned int cpu = raw_smp_processor_id();

	if (unlikely(cpu >= zone->nr_pagesets))
		cpu %= zone->nr_pagesets;
	return &zone->pageset[cpu];
}

/* mm/vmstat.c: the per-CPU vmstat differentials (struct per_cpu_pageset). */
int calculate_normal_threshold(struct zone *zone);
void fold_vm_zone_stats(struct zone *zone);

/*
 * Is @page on one of @zone's per-CPU lists?  Takes each list's lock in
 * turn (so not under zone->lock) and looks for the page itself: a
 * lockless look at page->index would race with the owner of a page just
 * taken off a list, who may write it at once.
 */
bool page_on_pcp_list(struct zone *zone, struct page *page);

/* Pages on every CPU's lists of @zone (a racy sum: exact when quiet). */
unsigned long nr_pcp_pages(struct zone *zone);

/*
 * Take the free block of 2^@order at @page off the free lists for the
 * compaction free scanner, unless that would leave the zone below its
 * low watermark.  The pages count as a MIGRATE_MOVABLE allocation from
 * here on.  Returns the number of pages taken (0: none).  zone->lock held.
 */
unsigned long __isolate_free_page(struct page *page, unsigned int order);

/*
 * Free page reporting (mm/page_reporting.c): mark the free block of
 * 2^@order at @page, on @migratetype's list, reported, and move it to
 * the list's tail.  zone->lock held.
 */
void page_reporting_mark(struct zone *zone, struct page *page,
			 unsigned int order, int migratetype);

/*
 * Make a block that just left the free lists the caller's: checked (debug
 * builds), private cleared, one reference on the first page.  Unlike the
 * kernel's, the migratetype it is accounted under was fixed when it left
 * the lists and @gfp_flags only contributes __GFP_ZERO.
 */
void post_alloc_hook(struct page *page, unsigned int order, gfp_t gfp_flags);

/*
 * Turn an allocated, non-compound block of 2^@order (one reference on its
 * first page) into 2^@order order-0 pages with one reference each.
 */
void split_page(struct page *page, unsigned int order);

/*
 * The first migratetype @migratetype may fall back to in @area, or -1;
 * with @only_stealable, only one whose pageblock it could claim.
 * zone->lock held.
 */
int find_suitable_fallback(struct free_area *area, unsigned int order,
			   int migratetype, bool only_stealable, bool *can_steal);

/*
 * Isolate the movable pages of [@start_pfn, @end_pfn) onto @list (through
 * page->lru), at most COMPACT_CLUSTER_MAX of them, as the compaction
 * migrate scanner does but without its skip hints.  Returns the pfn to
 * go on from (@end_pfn when the range is done).  sim/mm/compaction.c.
 */
struct list_head;
unsigned long isolate_migratepages_range(struct zone *zone,
					 unsigned long start_pfn,
					 unsigned long end_pfn,
					 struct list_head *list);

/*
 * Forget the pages zsim_isolate_page() holds and the ranges
 * zsim_alloc_contig_range() handed out: the machine is going away.
 * sim/mm/page_isolation.c, called at compaction's exit.
 */
void sim_page_isolation_exit(void);

/*
 * Address space reserved for the memory limit and committed as memory
 * is onlined (sim/mm/memmap.c): PROT_NONE and MAP_NORESERVE until
 * sim_commit() makes its first @bytes (rounded up to host pages)
 * readable and writable.  The base never moves.
 */
struct sim_reservation {
	char *base;
	size_t reserved, committed;
};
int sim_reserve(struct sim_reservation *res, size_t bytes, const char *what);
/* Fault injection of sim_commit() (mm/memory_hotplug.c, sim_hotplug_fail_nth). */
bool sim_hotplug_should_fail(void);
int sim_commit(struct sim_reservation *res, size_t bytes);
void sim_unreserve(struct sim_reservation *res);

/*
 * Make the frames and struct pages of pfns up to @end_pfn usable and set
 * the new struct pages up (sim/mm/memmap.c).  Does not touch max_pfn.
 * Memory hotplug's lock held (or boot).  0 or -ENOMEM.
 */
int sim_memmap_online(unsigned long end_pfn);

/*
 * online_pages() for the zone (sim/mm/page_alloc.c): [@start_pfn,
 * @start_pfn + @nr_pages) joins the zone at its end, with set-up struct
 * pages: spanned, present and managed pages, max_pfn and the pageblock
 * labels cover it, its pages go on the free lists (marked reported with
 * the reporting device: never touched, they are not resident), and the
 * watermarks follow the new size.  Memory hotplug's lock held.  0 or
 * -ENOMEM (the pageblock arrays could not be committed).
 */
int sim_zone_online_pages(struct zone *zone, unsigned long start_pfn,
			  unsigned long nr_pages);

/*
 * Memory hotplug (sim/mm/memory_hotplug.c): called by the allocator's
 * slow path.  Online the next section, if the machine is below its
 * limit and, unless @any, the zone is short of free pages for a request
 * of 2^@order (another thread having just onlined one counts).  True if
 * the caller should retry.  Never called under zone->lock.
 */
bool sim_memory_grow(unsigned int order, bool any);

/* Is the machine at its memory limit (nothing left to online)? */
bool sim_memory_at_limit(void);

/* The warning after a failed allocation at the limit: which limit, and how to raise it. */
void sim_memory_limit_warn(void);

/*
 * current->flags for the simulator's threads: only PF_MEMALLOC, set while
 * a thread is in direct compaction, so that migration does not sleep on
 * a page lock under it (__unmap_and_move()).
 */
#define PF_MEMALLOC	0x00000800
extern __thread unsigned int sim_current_flags;

#endif /* _SIM_MM_INTERNAL_H */
