/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _ASM_PAGE_H
#define _ASM_PAGE_H

#include <string.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))

/* x86_64 values; zsmalloc sizes its obj encoding from them. */
#define MAX_PHYSMEM_BITS		46
#define MAX_POSSIBLE_PHYSMEM_BITS	52

#define offset_in_page(p)	((unsigned long)(p) & ~PAGE_MASK)

static inline void copy_page(void *to, const void *from)
{
	memcpy(to, from, PAGE_SIZE);
}

static inline void clear_page(void *page)
{
	memset(page, 0, PAGE_SIZE);
}

#endif /* _ASM_PAGE_H */
