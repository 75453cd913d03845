/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_VMSTAT_H
#define _LINUX_VMSTAT_H

#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/mmzone.h>
#include <linux/mm.h>
#include <linux/percpu.h>

/*
 * VM event counters, named as in /proc/vmstat.  Only events something
 * counts are listed; each subsystem adds its own as it starts counting.
 */
enum vm_event_item {
	PGALLOC_NORMAL,		/* pages allocated (zone Normal) */
	PGFREE,			/* pages freed */
	ALLOCSTALL_NORMAL,	/* allocations that entered direct reclaim */
	/* page migration (mm/migrate.c) */
	PGMIGRATE_SUCCESS,	/* pages moved by migrate_pages() */
	PGMIGRATE_FAIL,		/* pages migrate_pages() gave up on */
	/* zone compaction (mm/compaction.c) */
	COMPACTMIGRATE_SCANNED,	/* pfns the migrate scanner looked at */
	COMPACTFREE_SCANNED,	/* pfns the free scanner looked at */
	COMPACTISOLATED,	/* pages isolated, by either scanner */
	COMPACTSTALL,		/* allocations that entered direct compaction */
	COMPACTFAIL,		/* ... and still failed after it */
	COMPACTSUCCESS,		/* ... and succeeded after it */
	KCOMPACTD_WAKE,		/* kcompactd woke up to work */
	/* SIM: free page reporting (mm/page_reporting.c); Linux counts none */
	PAGE_REPORTING_BATCHES,	/* report() calls */
	PAGE_REPORTING_PAGES,	/* pages reported */
	PAGE_REPORTING_MADVISE,	/* madvise() calls the device made */
	/* contiguous ranges (mm/page_isolation.c), as CONFIG_CMA's, Linux 5.x */
	CMA_ALLOC_SUCCESS,	/* zsim_alloc_contig_range() calls that succeeded */
	CMA_ALLOC_FAIL,		/* ... and that failed */
	NR_VM_EVENT_ITEMS
};

/*
 * Per-CPU event counters, summed when read (all_vm_events()), as the
 * kernel's.  SIM: threads may share a simulated CPU, so an increment is a
 * relaxed atomic add on the CPU's own copy (this_cpu_add()).
 */
struct vm_event_state {
	unsigned long event[NR_VM_EVENT_ITEMS];
};

DECLARE_PER_CPU(struct vm_event_state, vm_event_states);

/* /proc/vmstat names: zone counters, then events (mm/vmstat.c). */
extern const char *const zone_stat_names[NR_VM_ZONE_STAT_ITEMS];
extern const char *const vm_event_names[NR_VM_EVENT_ITEMS];

static inline void count_vm_events(enum vm_event_item item, long delta)
{
	this_cpu_add(vm_event_states.event[item], (unsigned long)delta);
}

static inline void count_vm_event(enum vm_event_item item)
{
	count_vm_events(item, 1);
}

#define __count_vm_events	count_vm_events
#define __count_vm_event	count_vm_event

/* The sum over every CPU's counter (mm/vmstat.c). */
unsigned long vm_event_count(enum vm_event_item item);

/* Zero every CPU's event counters: a machine boots (mm/vmstat.c). */
void vm_events_reset(void);

/* Every event counter, as all_vm_events() fills /proc/vmstat. */
void all_vm_events(unsigned long *ret);

/* One zone: the global counters are the zone's. */
static inline unsigned long global_page_state(enum zone_stat_item item)
{
	return zone_page_state(&sim_zone, item);
}

static inline void __inc_zone_state(struct zone *zone, enum zone_stat_item item)
{
	__mod_zone_page_state(zone, item, 1);
}

static inline void __dec_zone_state(struct zone *zone, enum zone_stat_item item)
{
	__mod_zone_page_state(zone, item, -1);
}

static inline void __inc_zone_page_state(struct page *page,
					 enum zone_stat_item item)
{
	__inc_zone_state(page_zone(page), item);
}

static inline void __dec_zone_page_state(struct page *page,
					 enum zone_stat_item item)
{
	__dec_zone_state(page_zone(page), item);
}

/*
 * Fragmentation index of the zone for an allocation of 2^@order
 * (mm/vmstat.c): towards 0 a failure would be for lack of memory,
 * towards 1000 for fragmentation; -1000 if a block is free.
 * Takes zone->lock.
 */
int fragmentation_index(struct zone *zone, unsigned int order);

/* There are no interrupts to guard against: the irq-safe variants are the same. */
#define inc_zone_page_state	__inc_zone_page_state
#define dec_zone_page_state	__dec_zone_page_state
#define inc_zone_state		__inc_zone_state
#define dec_zone_state		__dec_zone_state

#endif /* _LINUX_VMSTAT_H */
