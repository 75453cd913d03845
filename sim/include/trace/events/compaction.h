/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _TRACE_COMPACTION_H
#define _TRACE_COMPACTION_H

/*
 * Zone compaction's events, as the kernel's
 * include/trace/events/compaction.h names and prints them:
 *   mm_compaction_isolate_migratepages, mm_compaction_isolate_freepages:
 *     range=(0x%lx ~ 0x%lx) nr_scanned=%lu nr_taken=%lu
 *   mm_compaction_begin: zone_start=0x%lx migrate_pfn=0x%lx
 *     free_pfn=0x%lx zone_end=0x%lx, mode=%s
 *   mm_compaction_end: the same, then status=%s
 *   mm_compaction_suitable, mm_compaction_finished:
 *     node=%d zone=%-8s order=%d ret=%s
 *   mm_compaction_deferred, mm_compaction_defer_compaction,
 *   mm_compaction_defer_reset: node=%d zone=%-8s order=%d
 *     order_failed=%d consider=%u limit=%lu
 */
#include <linux/tracepoint.h>
#include <linux/mmzone.h>

static __always_inline void
trace_mm_compaction_isolate_migratepages(unsigned long start_pfn,
					 unsigned long end_pfn,
					 unsigned long nr_scanned,
					 unsigned long nr_taken)
{
	if (sim_trace_enabled(mm_compaction_isolate_migratepages))
		sim_trace_record(SIM_TRACE_mm_compaction_isolate_migratepages,
				 NULL, start_pfn, end_pfn, nr_scanned, nr_taken,
				 0, 0, 0, 0);
}

static __always_inline void
trace_mm_compaction_isolate_freepages(unsigned long start_pfn,
				      unsigned long end_pfn,
				      unsigned long nr_scanned,
				      unsigned long nr_taken)
{
	if (sim_trace_enabled(mm_compaction_isolate_freepages))
		sim_trace_record(SIM_TRACE_mm_compaction_isolate_freepages,
				 NULL, start_pfn, end_pfn, nr_scanned, nr_taken,
				 0, 0, 0, 0);
}

static __always_inline void
trace_mm_compaction_begin(unsigned long zone_start, unsigned long migrate_pfn,
			  unsigned long free_pfn, unsigned long zone_end,
			  bool sync)
{
	if (sim_trace_enabled(mm_compaction_begin))
		sim_trace_record(SIM_TRACE_mm_compaction_begin, NULL,
				 zone_start, migrate_pfn, free_pfn, zone_end,
				 sync, 0, 0, 0);
}

/* @status: an enum compact_result */
static __always_inline void
trace_mm_compaction_end(unsigned long zone_start, unsigned long migrate_pfn,
			unsigned long free_pfn, unsigned long zone_end,
			bool sync, int status)
{
	if (sim_trace_enabled(mm_compaction_end))
		sim_trace_record(SIM_TRACE_mm_compaction_end, NULL,
				 zone_start, migrate_pfn, free_pfn, zone_end,
				 sync, (unsigned long)status, 0, 0);
}

static __always_inline void trace_mm_compaction_suitable(struct zone *zone,
							 int order, int ret)
{
	if (sim_trace_enabled(mm_compaction_suitable))
		sim_trace_record(SIM_TRACE_mm_compaction_suitable, zone->name,
				 (unsigned long)order, (unsigned long)ret,
				 0, 0, 0, 0, 0, 0);
}

static __always_inline void trace_mm_compaction_finished(struct zone *zone,
							 int order, int ret)
{
	if (sim_trace_enabled(mm_compaction_finished))
		sim_trace_record(SIM_TRACE_mm_compaction_finished, zone->name,
				 (unsigned long)order, (unsigned long)ret,
				 0, 0, 0, 0, 0, 0);
}

#define SIM_TRACE_DEFER_EVENT(event)					\
static __always_inline void trace_##event(struct zone *zone, int order)\
{									\
	if (sim_trace_enabled(event))					\
		sim_trace_record(SIM_TRACE_##event, zone->name,		\
			(unsigned long)order,				\
			(unsigned long)READ_ONCE(zone->compact_order_failed), \
			READ_ONCE(zone->compact_considered),		\
			READ_ONCE(zone->compact_defer_shift),		\
			0, 0, 0, 0);					\
}
SIM_TRACE_DEFER_EVENT(mm_compaction_deferred)
SIM_TRACE_DEFER_EVENT(mm_compaction_defer_compaction)
SIM_TRACE_DEFER_EVENT(mm_compaction_defer_reset)
#undef SIM_TRACE_DEFER_EVENT

#endif /* _TRACE_COMPACTION_H */
