/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_PAGEISOLATION_H
#define _LINUX_PAGEISOLATION_H

/*
 * Page isolation and contiguous range allocation (sim/mm/page_isolation.c),
 * after Linux 4.8's mm/page_isolation.c and alloc_contig_range().
 *
 * A pageblock labelled MIGRATE_ISOLATE keeps its free pages on the isolate
 * free list, which no allocation takes from, and pages freed into it go
 * there too; they do not count in NR_FREE_PAGES meanwhile.
 */
#include <linux/types.h>
#include <linux/mmzone.h>

struct page;

static inline bool is_migrate_isolate(int migratetype)
{
	return migratetype == MIGRATE_ISOLATE;
}

/*
 * Label every pageblock of [@start_pfn, @end_pfn) (pageblock aligned)
 * MIGRATE_ISOLATE and move their free pages to the isolate list.  -EBUSY,
 * with nothing isolated, if one of them is isolated already or if
 * [@check_start, @check_end) holds a page that is neither free nor
 * movable (the kernel's has_unmovable_pages(); slab, pinned and other
 * allocations); *@bad_pfn (may be NULL) names that page.
 */
int start_isolate_page_range(unsigned long start_pfn, unsigned long end_pfn,
			     unsigned long check_start, unsigned long check_end,
			     unsigned long *bad_pfn);

/*
 * Give the isolated pageblocks of the range back to @migratetype, with
 * their free pages (the kernel's semantics: the previous label is not
 * remembered).
 */
void undo_isolate_page_range(unsigned long start_pfn, unsigned long end_pfn,
			     int migratetype);

/*
 * 0 if every page of the isolated range is free, else -EBUSY with
 * *@busy_pfn (may be NULL) the first page that is not.
 */
int test_pages_isolated(unsigned long start_pfn, unsigned long end_pfn,
			unsigned long *busy_pfn);

/*
 * Allocate the pages [@start, @end) (@start and @end pageblock aligned):
 * isolate the range, migrate what is movable out of it and take it off
 * the buddy allocator as order-0 pages of one reference each.  0, or
 * -EINVAL, -EBUSY (a page that would not move), -ENOMEM (no page to
 * migrate into), with every page as it was.  @migratetype: the label the
 * pageblocks get back on failure and on free_contig_range().
 */
int alloc_contig_range(unsigned long start, unsigned long end,
		       int migratetype);
void free_contig_range(unsigned long pfn, unsigned long nr_pages);

/*
 * Take the free page @page off the buddy allocator, splitting the free
 * block that holds it; it becomes a MIGRATE_MOVABLE order-0 allocation
 * with one reference.  false if it is not free.  zone->lock held.
 * Newer kernels have it for memory failure; here it also gives a
 * migration the target page its caller chose.
 */
bool take_page_off_buddy(struct page *page);

#endif /* _LINUX_PAGEISOLATION_H */
