/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_HIGHMEM_H
#define _LINUX_HIGHMEM_H

#include <linux/mm.h>
#include <linux/kmsan.h>
#include <linux/uaccess.h>
#include <string.h>

/*
 * SIM: a 64-bit machine without highmem: every frame is always mapped,
 * so kmap* return the linear address and kunmap* do nothing.
 */
static inline void *kmap(struct page *page)
{
	return page_address(page);
}

static inline void kunmap(struct page *page)
{
	(void)page;
}

static inline void *kmap_atomic(struct page *page)
{
	return page_address(page);
}

static inline void __kunmap_atomic(void *addr)
{
	(void)addr;
}
#define kunmap_atomic(addr)	__kunmap_atomic(addr)

static inline void *kmap_local_page(struct page *page)
{
	return page_address(page);
}

static inline void kunmap_local(const void *addr)
{
	(void)addr;
}

static inline void memcpy_from_page(char *to, struct page *page,
				    size_t offset, size_t len)
{
	memcpy(to, (char *)page_address(page) + offset, len);
}

static inline void memcpy_to_page(struct page *page, size_t offset,
				  const char *from, size_t len)
{
	memcpy((char *)page_address(page) + offset, from, len);
}

static inline void copy_highpage(struct page *to, struct page *from)
{
	copy_page(page_address(to), page_address(from));
}

#endif /* _LINUX_HIGHMEM_H */
