/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_PAGE_TYPE_H
#define _LINUX_PAGE_TYPE_H
/*
 * Page types (Linux 6.11+, page-flags.h): a page nobody maps may carry a
 * type in the top byte of page->page_type, the word it shares with
 * _mapcount.  UINT_MAX (_mapcount -1) means "no type"; the low 24 bits
 * are the owner's (Linux 6.12 mm/zsmalloc.c keeps the offset of a page's
 * first object there).  Only the zsmalloc type is provided: the kernel
 * file is its only user here.
 *
 * SIM: buddy and slab pages are marked with page flags (PG_buddy,
 * PG_slab), not page types, so PageBuddy() and PageSlab() do not read
 * this word; lib/zsmalloc.c (the 4.8 design) does not type its pages.
 */
#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/bug.h>
#include <linux/mmdebug.h>
#include <limits.h>

enum pagetype {
	PGTY_buddy		= 0xf0,
	PGTY_offline		= 0xf1,
	PGTY_table		= 0xf2,
	PGTY_guard		= 0xf3,
	PGTY_hugetlb		= 0xf4,
	PGTY_slab		= 0xf5,
	PGTY_zsmalloc		= 0xf6,
	PGTY_unaccepted		= 0xf7,
	PGTY_mapcount_underflow	= 0xff
};

static inline bool page_type_has_type(int page_type)
{
	return page_type < (int)((unsigned int)PGTY_mapcount_underflow << 24);
}

static inline bool page_has_type(const struct page *page)
{
	return page_type_has_type((int)READ_ONCE(page->page_type));
}

#define SIM_PAGE_TYPE_OPS(uname, lname)					\
static inline bool Page##uname(const struct page *page)			\
{									\
	return (READ_ONCE(page->page_type) >> 24) == PGTY_##lname;	\
}									\
static inline void __SetPage##uname(struct page *page)			\
{									\
	VM_BUG_ON_PAGE(READ_ONCE(page->page_type) != UINT_MAX,		\
		       (struct page *)page);				\
	WRITE_ONCE(page->page_type, (unsigned int)PGTY_##lname << 24);	\
}									\
static inline void __ClearPage##uname(struct page *page)		\
{									\
	VM_BUG_ON_PAGE(!Page##uname(page), page);			\
	WRITE_ONCE(page->page_type, UINT_MAX);				\
}

SIM_PAGE_TYPE_OPS(Zsmalloc, zsmalloc)

#endif /* _LINUX_PAGE_TYPE_H */
