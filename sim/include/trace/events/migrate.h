/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _TRACE_MIGRATE_H
#define _TRACE_MIGRATE_H

/*
 * Page migration's event, as the kernel's include/trace/events/migrate.h
 * names and prints it (Linux 6.x fields; there are no THP or large
 * folios here, so their counts are 0):
 *   mm_migrate_pages: nr_succeeded=%lu nr_failed=%lu nr_thp_succeeded=%lu
 *     nr_thp_failed=%lu nr_thp_split=%lu nr_split=%lu mode=%s reason=%s
 */
#include <linux/tracepoint.h>
#include <linux/migrate_mode.h>

/* @mode: an enum migrate_mode, @reason an enum migrate_reason */
static __always_inline void trace_mm_migrate_pages(unsigned long succeeded,
						   unsigned long failed,
						   int mode, int reason)
{
	if (sim_trace_enabled(mm_migrate_pages))
		sim_trace_record(SIM_TRACE_mm_migrate_pages, NULL,
				 succeeded, failed, (unsigned long)mode,
				 (unsigned long)reason, 0, 0, 0, 0);
}

#endif /* _TRACE_MIGRATE_H */
