/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _TRACE_KMEM_H
#define _TRACE_KMEM_H

/*
 * The page allocator's events, as the kernel's include/trace/events/kmem.h
 * names and prints them:
 *   mm_page_alloc: page=%p pfn=0x%lx order=%d migratetype=%d gfp_flags=%s
 *   mm_page_free: page=%p pfn=0x%lx order=%d
 *   mm_page_alloc_extfrag: page=%p pfn=0x%lx alloc_order=%d
 *     fallback_order=%d pageblock_order=%d alloc_migratetype=%d
 *     fallback_migratetype=%d fragmenting=%d change_ownership=%d
 */
#include <linux/tracepoint.h>
#include <linux/mm.h>

/* A failed allocation is traced too, with page NULL and pfn 0. */
static __always_inline void trace_mm_page_alloc(struct page *page,
						unsigned int order,
						gfp_t gfp_flags,
						int migratetype)
{
	if (sim_trace_enabled(mm_page_alloc))
		sim_trace_record(SIM_TRACE_mm_page_alloc, NULL,
				 (unsigned long)page,
				 page ? page_to_pfn(page) : 0, order,
				 (unsigned long)gfp_flags,
				 (unsigned long)migratetype, 0, 0, 0);
}

static __always_inline void trace_mm_page_free(struct page *page,
					       unsigned int order)
{
	if (sim_trace_enabled(mm_page_free))
		sim_trace_record(SIM_TRACE_mm_page_free, NULL,
				 (unsigned long)page, page_to_pfn(page), order,
				 0, 0, 0, 0, 0);
}

/*
 * An allocation of @alloc_order took a block of @fallback_order from
 * @fallback_migratetype's lists; @change_ownership: the pageblock is now
 * @alloc_migratetype's.
 */
static __always_inline void trace_mm_page_alloc_extfrag(struct page *page,
							int alloc_order,
							int fallback_order,
							int alloc_migratetype,
							int fallback_migratetype,
							bool change_ownership)
{
	if (sim_trace_enabled(mm_page_alloc_extfrag))
		sim_trace_record(SIM_TRACE_mm_page_alloc_extfrag, NULL,
				 (unsigned long)page, page_to_pfn(page),
				 (unsigned long)alloc_order,
				 (unsigned long)fallback_order,
				 (unsigned long)alloc_migratetype,
				 (unsigned long)fallback_migratetype,
				 change_ownership, 0);
}

#endif /* _TRACE_KMEM_H */
