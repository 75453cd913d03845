/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_MIGRATE_H
#define _LINUX_MIGRATE_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/fs.h>
#include <linux/migrate_mode.h>

struct page;

#define MIGRATEPAGE_SUCCESS	0

enum migrate_reason {
	MR_COMPACTION,
	MR_MEMORY_FAILURE,
	MR_MEMORY_HOTPLUG,
	MR_SYSCALL,
	MR_MEMPOLICY_MBIND,
	MR_NUMA_MISPLACED,
	MR_CMA,
	MR_TYPES
};

/* Linux 4.8 signatures. */
typedef struct page *new_page_t(struct page *page, unsigned long private,
				int **reason);
typedef void free_page_t(struct page *page, unsigned long private);

/*
 * Non-LRU movable pages (sim/mm/migrate.c).  A page is movable when
 * page->mapping is the driver's address_space with PAGE_MAPPING_MOVABLE
 * set (__SetPageMovable, page locked); PageMovable() checks that under
 * the page lock, __PageMovable() (page-flags.h) without it.
 */
int PageMovable(struct page *page);
void __SetPageMovable(struct page *page, struct address_space *mapping);
void __ClearPageMovable(struct page *page);

/* Take a reference and isolate @page through its driver; true on success. */
bool isolate_movable_page(struct page *page, isolate_mode_t mode);
void putback_movable_page(struct page *page);
void putback_movable_pages(struct list_head *l);

/*
 * Move every page on @from (linked through page->lru) to a page from
 * @get_new_page.  Returns the number of pages not migrated, or -errno;
 * pages that failed are left on @from for putback_movable_pages().
 */
int migrate_pages(struct list_head *from, new_page_t get_new_page,
		  free_page_t put_new_page, unsigned long private,
		  enum migrate_mode mode, int reason);

#endif /* _LINUX_MIGRATE_H */
