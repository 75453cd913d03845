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
 * Non-LRU movable pages (sim/mm/migrate.c), with both of the kernel's
 * driver interfaces as equals:
 *
 * - Linux 4.8 (commit bda807d44454): page->mapping is the driver's
 *   address_space, whose a_ops has isolate_page / migratepage /
 *   putback_page; __SetPageMovable(page, mapping).
 * - Linux 5.19+ ("mm: Convert all PageMovable users
 *   to movable_operations"): page->mapping is the driver's
 *   struct movable_operations itself; __SetPageMovable(page, mops), and
 *   page_movable_ops(page) reads it back.
 *
 * Either way the PAGE_MAPPING_MOVABLE bit is set (page locked), and the
 * VM isolates, migrates and puts back through whichever the page has.
 * PageMovable() checks under the page lock, __PageMovable()
 * (page-flags.h) without it.
 */
struct movable_operations {
	/* Take the page off the driver's lists; false if it cannot move now. */
	bool (*isolate_page)(struct page *page, isolate_mode_t mode);
	/* Move @src's contents and identity to @dst; both locked. */
	int (*migrate_page)(struct page *dst, struct page *src,
			    enum migrate_mode mode);
	/* Give an isolated page back after migration failed. */
	void (*putback_page)(struct page *page);
};

int PageMovable(struct page *page);
void __ClearPageMovable(struct page *page);

/*
 * The two setters behind __SetPageMovable(), chosen by the type of its
 * second argument: an address_space (4.8) or movable_operations (5.19+).
 */
void sim_set_page_movable_mapping(struct page *page, struct address_space *mapping);
void sim_set_page_movable_ops(struct page *page,
			      const struct movable_operations *mops);
#define __SetPageMovable(page, ops)					\
	_Generic((ops),							\
		 const struct movable_operations *: sim_set_page_movable_ops, \
		 struct movable_operations *: sim_set_page_movable_ops,	\
		 default: sim_set_page_movable_mapping)((page), (ops))

/*
 * The movable_operations of a page __SetPageMovable() gave them to; NULL
 * for a page whose mapping is an address_space (4.8's interface).  SIM:
 * the kernel computes it from page->mapping without looking; here the
 * operations tables set on pages are recorded (a handful per process) so
 * that the two kinds of mapping word can be told apart.
 */
const struct movable_operations *page_movable_ops(struct page *page);

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
