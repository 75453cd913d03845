/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_MM_H
#define _LINUX_MM_H

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/page-flags.h>
#include <linux/mmzone.h>
#include <linux/gfp.h>
#include <linux/mmdebug.h>
#include <asm/page.h>

/*
 * FLATMEM: one mem_map array for one mmap'd arena of frames.  pfns start
 * at ARCH_PFN_OFFSET so that pfn 0, like address 0, is never a page; it
 * is MAX_ORDER_NR_PAGES so that the zone starts aligned to the largest
 * buddy block and to every pageblock size (buddy pfn = pfn ^ (1 << order)).
 */
#define ARCH_PFN_OFFSET	1024UL

extern struct page *mem_map;
extern char *sim_arena;			/* frame of pfn ARCH_PFN_OFFSET */
extern unsigned long max_pfn;		/* one past the last valid pfn */

/*
 * SIM: max_pfn grows while the machine runs (memory hotplug onlines
 * sections, mm/memory_hotplug.c); it is published after the new struct
 * pages are set up, so a pfn found valid has an initialised page.
 */
static inline unsigned long sim_max_pfn(void)
{
	return __atomic_load_n(&max_pfn, __ATOMIC_ACQUIRE);
}

static inline struct page *pfn_to_page(unsigned long pfn)
{
	return mem_map + (pfn - ARCH_PFN_OFFSET);
}

static inline unsigned long page_to_pfn(const struct page *page)
{
	return (unsigned long)(page - mem_map) + ARCH_PFN_OFFSET;
}

static inline bool pfn_valid(unsigned long pfn)
{
	return pfn >= ARCH_PFN_OFFSET && pfn < sim_max_pfn();
}

static inline void *page_address(const struct page *page)
{
	return sim_arena + ((unsigned long)(page - mem_map) << PAGE_SHIFT);
}

static inline bool virt_addr_valid(const void *addr)
{
	unsigned long off = (unsigned long)((const char *)addr - sim_arena);

	return (const char *)addr >= sim_arena &&
	       (off >> PAGE_SHIFT) < sim_max_pfn() - ARCH_PFN_OFFSET;
}

static inline struct page *virt_to_page(const void *addr)
{
	return mem_map + ((unsigned long)((const char *)addr - sim_arena) >> PAGE_SHIFT);
}

static inline struct zone *page_zone(const struct page *page)
{
	(void)page;
	return &sim_zone;
}

static inline int page_to_nid(const struct page *page)
{
	(void)page;
	return 0;
}

/* --- reference counting --- */

static inline int page_ref_count(const struct page *page)
{
	return atomic_read(&page->_refcount);
}

static inline int page_count(const struct page *page)
{
	return page_ref_count(page);
}

static inline void set_page_count(struct page *page, int v)
{
	atomic_set(&page->_refcount, v);
}

static inline void init_page_count(struct page *page)
{
	set_page_count(page, 1);
}

static inline void page_ref_inc(struct page *page)
{
	atomic_inc(&page->_refcount);
}

static inline int put_page_testzero(struct page *page)
{
	VM_BUG_ON_PAGE(page_ref_count(page) == 0, page);
	return atomic_dec_and_test(&page->_refcount);
}

static inline bool get_page_unless_zero(struct page *page)
{
	return atomic_inc_not_zero(&page->_refcount);
}

static inline void get_page(struct page *page)
{
	VM_BUG_ON_PAGE(page_ref_count(page) <= 0, page);
	page_ref_inc(page);
}

/* Frees an order-0 page whose last reference went (sim/mm/page_alloc.c). */
void __put_page(struct page *page);

static inline void put_page(struct page *page)
{
	if (put_page_testzero(page))
		__put_page(page);
}

/*
 * _mapcount is -1 for a page nobody maps, as in the kernel; it shares a
 * word with page_type and zsmalloc's units, so their owners reset it
 * before freeing (free_pages_check() insists).
 */
static inline void page_mapcount_reset(struct page *page)
{
	atomic_set(&page->_mapcount, -1);
}

static inline int page_mapcount(const struct page *page)
{
	return atomic_read(&page->_mapcount) + 1;
}

/* --- private and mapping --- */

#define page_private(page)		((page)->private)
#define set_page_private(page, v)	((page)->private = (v))

/* The address_space of a page, with the low flag bits masked off. */
struct address_space *page_mapping(struct page *page);

static inline void *lowmem_page_address(const struct page *page)
{
	return page_address(page);
}

/* Order of a free buddy block (PageBuddy; zone->lock held).  mm/internal.h */
static inline unsigned int page_order(const struct page *page)
{
	return (unsigned int)page_private(page);
}

#include <linux/vmstat.h>

#endif /* _LINUX_MM_H */
