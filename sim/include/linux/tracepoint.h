/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_TRACEPOINT_H
#define _LINUX_TRACEPOINT_H

/*
 * Tracepoints, simulated (kernel/trace.c).  The kernel generates each
 * trace_<event>() from a TRACE_EVENT() description; here the event
 * headers under <trace/events/> write them by hand as inline functions
 * that test one byte per event and, only when it is set, hand the
 * event's fields to sim_trace_record(), which stores them in the
 * calling CPU's ring buffer.  The text is formatted when the buffer is
 * printed, with the kernel's TP_printk() formats.
 *
 * Off, an event costs one relaxed load of a read-mostly byte and one
 * branch the compiler marks unlikely.
 */
#include <linux/compiler.h>
#include <linux/types.h>

enum sim_trace_event {
	/* kmem */
	SIM_TRACE_mm_page_alloc,
	SIM_TRACE_mm_page_free,
	SIM_TRACE_mm_page_alloc_extfrag,
	/* compaction */
	SIM_TRACE_mm_compaction_isolate_migratepages,
	SIM_TRACE_mm_compaction_isolate_freepages,
	SIM_TRACE_mm_compaction_begin,
	SIM_TRACE_mm_compaction_end,
	SIM_TRACE_mm_compaction_suitable,
	SIM_TRACE_mm_compaction_finished,
	SIM_TRACE_mm_compaction_deferred,
	SIM_TRACE_mm_compaction_defer_compaction,
	SIM_TRACE_mm_compaction_defer_reset,
	/* migrate */
	SIM_TRACE_mm_migrate_pages,
	/* zsmalloc: the kernel has none of these */
	SIM_TRACE_zs_zspage_alloc,
	SIM_TRACE_zs_zspage_free,
	SIM_TRACE_zs_obj_move,
	SIM_TRACE_zs_page_migrate,
	SIM_TRACE_zs_compact_class,
	SIM_TRACE_NR_EVENTS
};

/* One byte per event: non-zero while the event is enabled. */
extern __attribute__((__visibility__("hidden")))
	unsigned char sim_trace_on[SIM_TRACE_NR_EVENTS];

#define sim_trace_enabled(event)					\
	unlikely(__atomic_load_n(&sim_trace_on[SIM_TRACE_##event],	\
				 __ATOMIC_RELAXED))

/*
 * Store one event in the calling CPU's ring buffer: up to 8 numeric
 * fields and one short string (the first 15 bytes of @str, or none).
 */
__attribute__((__visibility__("hidden")))
void sim_trace_record(enum sim_trace_event event, const char *str,
		      unsigned long a0, unsigned long a1, unsigned long a2,
		      unsigned long a3, unsigned long a4, unsigned long a5,
		      unsigned long a6, unsigned long a7);

#endif /* _LINUX_TRACEPOINT_H */
