/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _TRACE_ZSMALLOC_H
#define _TRACE_ZSMALLOC_H

/*
 * zsmalloc's own events.  The kernel has none; these are what a
 * developer watching compaction and migration wants to see:
 *   zs_zspage_alloc, zs_zspage_free: pool=%s class=%u size=%u pages=%u
 *     first_pfn=0x%lx
 *   zs_obj_move: pool=%s class=%u handle=0x%lx src_pfn=0x%lx dst_pfn=0x%lx
 *     (zs_compact() moved one object between zspages)
 *   zs_page_migrate: pool=%s class=%u old_pfn=0x%lx new_pfn=0x%lx
 *     (page migration moved one page of a zspage)
 *   zs_compact_class: pool=%s class=%u size=%u pages_freed=%lu
 *     (zs_compact() is done with one class)
 * The pool name is cut to its first 15 bytes.
 */
#include <linux/tracepoint.h>

static __always_inline void trace_zs_zspage_alloc(const char *pool,
						  unsigned int class,
						  unsigned int size,
						  unsigned int pages,
						  unsigned long first_pfn)
{
	if (sim_trace_enabled(zs_zspage_alloc))
		sim_trace_record(SIM_TRACE_zs_zspage_alloc, pool, class, size,
				 pages, first_pfn, 0, 0, 0, 0);
}

static __always_inline void trace_zs_zspage_free(const char *pool,
						 unsigned int class,
						 unsigned int size,
						 unsigned int pages,
						 unsigned long first_pfn)
{
	if (sim_trace_enabled(zs_zspage_free))
		sim_trace_record(SIM_TRACE_zs_zspage_free, pool, class, size,
				 pages, first_pfn, 0, 0, 0, 0);
}

static __always_inline void trace_zs_obj_move(const char *pool,
					      unsigned int class,
					      unsigned long handle,
					      unsigned long src_pfn,
					      unsigned long dst_pfn)
{
	if (sim_trace_enabled(zs_obj_move))
		sim_trace_record(SIM_TRACE_zs_obj_move, pool, class, handle,
				 src_pfn, dst_pfn, 0, 0, 0, 0);
}

static __always_inline void trace_zs_page_migrate(const char *pool,
						  unsigned int class,
						  unsigned long old_pfn,
						  unsigned long new_pfn)
{
	if (sim_trace_enabled(zs_page_migrate))
		sim_trace_record(SIM_TRACE_zs_page_migrate, pool, class,
				 old_pfn, new_pfn, 0, 0, 0, 0, 0);
}

static __always_inline void trace_zs_compact_class(const char *pool,
						   unsigned int class,
						   unsigned int size,
						   unsigned long pages_freed)
{
	if (sim_trace_enabled(zs_compact_class))
		sim_trace_record(SIM_TRACE_zs_compact_class, pool, class, size,
				 pages_freed, 0, 0, 0, 0, 0);
}

#endif /* _TRACE_ZSMALLOC_H */
