// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * VM statistics in the kernel's formats: /proc/buddyinfo,
 * /proc/pagetypeinfo, /proc/vmstat and debugfs extfrag/unusable_index
 * and extfrag/extfrag_index (Linux 4.8 mm/vmstat.c layouts), printable
 * to any FILE * or output function and readable as a struct.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/spinlock.h>
#include <linux/vmstat.h>
#include <linux/seq_file.h>
#include <linux/percpu.h>
#include <sim/internal.h>
#include "internal.h"

DEFINE_PER_CPU(struct vm_event_state, vm_event_states);

/* Sized by the initializers: a new counter without a name fails to build. */
const char *const zone_stat_names[] = {
	[NR_FREE_PAGES]		= "nr_free_pages",
	[NR_ZONE_UNMOVABLE]	= "nr_zone_unmovable",
	[NR_ZONE_MOVABLE]	= "nr_zone_movable",
	[NR_ZONE_RECLAIMABLE]	= "nr_zone_reclaimable",
	[NR_SLAB_RECLAIMABLE]	= "nr_slab_reclaimable",
	[NR_SLAB_UNRECLAIMABLE]	= "nr_slab_unreclaimable",
	[NR_ZSPAGES]		= "nr_zspages",
	[NR_ISOLATED_MOVABLE]	= "nr_isolated_movable",
};

const char *const vm_event_names[] = {
	[PGALLOC_NORMAL]	= "pgalloc_normal",
	[PGFREE]		= "pgfree",
	[ALLOCSTALL_NORMAL]	= "allocstall_normal",
	[PGMIGRATE_SUCCESS]	= "pgmigrate_success",
	[PGMIGRATE_FAIL]	= "pgmigrate_fail",
	[COMPACTMIGRATE_SCANNED] = "compact_migrate_scanned",
	[COMPACTFREE_SCANNED]	= "compact_free_scanned",
	[COMPACTISOLATED]	= "compact_isolated",
	[COMPACTSTALL]		= "compact_stall",
	[COMPACTFAIL]		= "compact_fail",
	[COMPACTSUCCESS]	= "compact_success",
	[KCOMPACTD_WAKE]	= "compact_daemon_wake",
	[PAGE_REPORTING_BATCHES] = "page_reporting_batches",
	[PAGE_REPORTING_PAGES]	= "page_reporting_pages",
	[PAGE_REPORTING_MADVISE] = "page_reporting_madvise",
	[CMA_ALLOC_SUCCESS]	= "cma_alloc_success",
	[CMA_ALLOC_FAIL]	= "cma_alloc_fail",
};

/* --- per-CPU counters ------------------------------------------------------ */

unsigned long vm_event_count(enum vm_event_item item)
{
	unsigned long sum = 0;
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		sum += __atomic_load_n(&per_cpu(vm_event_states, cpu).event[item],
				       __ATOMIC_RELAXED);
	return sum;
}

void all_vm_events(unsigned long *ret)
{
	int i;

	/* as the kernel's sum_vm_events(): CPU by CPU, each item once */
	for (i = 0; i < NR_VM_EVENT_ITEMS; i++)
		ret[i] = vm_event_count(i);
}

void vm_events_reset(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(&vm_event_states, cpu), 0,
		       sizeof(struct vm_event_state));
}

/*
 * The kernel's calculate_normal_threshold(): how far a CPU's differential
 * may drift before it is folded, growing with the CPUs and (in 128 MiB
 * steps) the zone's memory, at most 125.
 */
int calculate_normal_threshold(struct zone *zone)
{
	unsigned long mem = zone->managed_pages >> (27 - PAGE_SHIFT);
	int threshold;

	threshold = 2 * fls(num_online_cpus()) * (1 + fls(mem));
	return min(125, threshold);
}

/*
 * As the kernel's __mod_zone_page_state(): add @delta to this CPU's
 * differential and fold it into the zone's counter once it passes the
 * threshold.  SIM: threads may share a CPU, so the differential is
 * updated with relaxed atomics (on a line only this CPU's threads write)
 * and a fold takes what is there with one exchange.  NR_FREE_PAGES,
 * always changed under zone->lock, goes to the zone counter at once.
 */
void __mod_zone_page_state(struct zone *zone, enum zone_stat_item item,
			   long delta)
{
	struct per_cpu_pageset *pset;
	long x, t;

	if (item == NR_FREE_PAGES || unlikely(!zone->pageset)) {
		atomic_long_add(delta, &zone->vm_stat[item]);
		return;
	}
	pset = this_cpu_pageset(zone);
	x = __atomic_add_fetch(&pset->vm_stat_diff[item], delta, __ATOMIC_RELAXED);
	t = READ_ONCE(pset->stat_threshold);
	if (unlikely(x > t || x < -t)) {
		x = __atomic_exchange_n(&pset->vm_stat_diff[item], 0, __ATOMIC_RELAXED);
		atomic_long_add(x, &zone->vm_stat[item]);
	}
}

/* The zone's counter with every CPU's differential folded in. */
unsigned long zone_page_state_snapshot(struct zone *zone,
				       enum zone_stat_item item)
{
	long x = atomic_long_read(&zone->vm_stat[item]);
	unsigned int cpu;

	for (cpu = 0; zone->pageset && cpu < zone->nr_pagesets; cpu++)
		x += __atomic_load_n(&zone->pageset[cpu].vm_stat_diff[item],
				     __ATOMIC_RELAXED);
	return x < 0 ? 0 : (unsigned long)x;
}

/*
 * Fold every CPU's differentials into the zone counters (the kernel's
 * refresh_cpu_vm_stats() for all CPUs): at shutdown, and before a
 * counter is read as a whole.
 */
void fold_vm_zone_stats(struct zone *zone)
{
	unsigned int cpu;
	int i;
	long x;

	for (cpu = 0; zone->pageset && cpu < zone->nr_pagesets; cpu++) {
		for (i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++) {
			x = __atomic_exchange_n(&zone->pageset[cpu].vm_stat_diff[i], 0,
						__ATOMIC_RELAXED);
			if (x)
				atomic_long_add(x, &zone->vm_stat[i]);
		}
	}
}

/*
 * A consistent snapshot of the zone: zone->lock keeps the free lists and
 * NR_FREE_PAGES still while they are read.
 */
static void snapshot_zone(struct zone *zone, struct zsim_zoneinfo *info)
{
	struct list_head *pos;
	unsigned long i;
	unsigned int order;
	int mt;

	BUILD_BUG_ON(ZSIM_NR_ORDERS != MAX_ORDER);
	BUILD_BUG_ON(ZSIM_NR_MIGRATETYPES != MIGRATE_TYPES);

	memset(info, 0, sizeof(*info));
	spin_lock(&zone->lock);
	info->start_pfn = zone->zone_start_pfn;
	info->spanned_pages = zone->spanned_pages;
	info->managed_pages = zone->managed_pages;
	info->free_pages = zone_page_state(zone, NR_FREE_PAGES);
	info->watermark_min = min_wmark_pages(zone);
	info->watermark_low = low_wmark_pages(zone);
	info->watermark_high = high_wmark_pages(zone);
	info->pageblock_order = pageblock_order;
	for (order = 0; order < MAX_ORDER; order++) {
		info->nr_free[order] = zone->free_area[order].nr_free;
		/* As pagetypeinfo: count the entries of each list. */
		for (mt = 0; mt < MIGRATE_TYPES; mt++)
			list_for_each(pos, &zone->free_area[order].free_list[mt])
				info->nr_free_type[mt][order]++;
	}
	for (i = 0; i < zone->nr_pageblocks; i++) {
		mt = zone->pageblock_mt[i];
		if (mt < MIGRATE_TYPES)
			info->nr_blocks_type[mt]++;
	}
	/* Pageblocks' worth of reported memory (reported blocks may be smaller). */
	info->released_pageblocks = zone->reported_pages >> pageblock_order;
	spin_unlock(&zone->lock);
	info->pcp_pages = nr_pcp_pages(zone);
}

int zsim_get_zoneinfo(struct zsim_zoneinfo *info)
{
	sim_machine_get();
	if (!info)
		return -EINVAL;
	snapshot_zone(&sim_zone, info);
	return 0;
}

/* --- fragmentation indices (mm/vmstat.c, CONFIG_DEBUG_FS) --------------- */

struct contig_page_info {
	unsigned long free_pages;
	unsigned long free_blocks_total;
	unsigned long free_blocks_suitable;
};

/* How free memory would serve an allocation of @suitable_order. */
static void fill_contig_page_info(const struct zsim_zoneinfo *zi,
				  unsigned int suitable_order,
				  struct contig_page_info *info)
{
	unsigned int order;

	memset(info, 0, sizeof(*info));
	for (order = 0; order < MAX_ORDER; order++) {
		unsigned long blocks = zi->nr_free[order];

		info->free_blocks_total += blocks;
		info->free_pages += blocks << order;
		if (order >= suitable_order)
			info->free_blocks_suitable += blocks << (order - suitable_order);
	}
}

/*
 * Share of free memory, per mille, that cannot serve an allocation of
 * 2^order: 0 when every free page could, 1000 when none could.
 */
static int unusable_free_index(unsigned int order,
			       const struct contig_page_info *info)
{
	if (info->free_pages == 0)
		return 1000;
	return (int)((info->free_pages - (info->free_blocks_suitable << order)) *
		     1000UL / info->free_pages);
}

/*
 * Why would an allocation of 2^order fail?  Towards 0: lack of memory;
 * towards 1000: fragmentation.  -1000 when it would succeed.
 */
static int __fragmentation_index(unsigned int order,
				 const struct contig_page_info *info)
{
	unsigned long requested = 1UL << order;

	if (!info->free_blocks_total)
		return 0;
	if (info->free_blocks_suitable)
		return -1000;
	return 1000 - (int)((1000 + info->free_pages * 1000 / requested) /
			    info->free_blocks_total);
}

int fragmentation_index(struct zone *zone, unsigned int order)
{
	struct zsim_zoneinfo zi;
	struct contig_page_info info;
	unsigned int o;

	if (WARN_ON_ONCE(order >= MAX_ORDER))
		return 0;
	/* Only the per-order counts matter: skip the full snapshot. */
	spin_lock(&zone->lock);
	for (o = 0; o < MAX_ORDER; o++)
		zi.nr_free[o] = zone->free_area[o].nr_free;
	spin_unlock(&zone->lock);
	fill_contig_page_info(&zi, order, &info);
	return __fragmentation_index(order, &info);
}

/* The zone's free-block counts seen from @order, for the public indexes. */
static int zone_contig_info(unsigned int order, struct contig_page_info *info)
{
	struct zsim_zoneinfo zi;

	sim_machine_get();
	if (order >= MAX_ORDER)
		return -EINVAL;
	snapshot_zone(&sim_zone, &zi);
	fill_contig_page_info(&zi, order, info);
	return 0;
}

int zsim_unusable_index(unsigned int order)
{
	struct contig_page_info info;
	int err = zone_contig_info(order, &info);

	return err ? err : unusable_free_index(order, &info);
}

int zsim_extfrag_index(unsigned int order)
{
	struct contig_page_info info;
	int err = zone_contig_info(order, &info);

	return err ? err : __fragmentation_index(order, &info);
}

/* --- printing ------------------------------------------------------------ */

/*
 * Each printer writes through a seq_file to an output function
 * (zsim_print_X_cb()); zsim_print_X(FILE *) is the same printer with an
 * output function that writes to the stream.
 */
#define SIM_PRINTER(name)						\
static int name##_show(struct seq_file *m);				\
int zsim_print_##name##_cb(zsim_output_fn *fn, void *arg)		\
{									\
	struct seq_file m;						\
	int err;							\
									\
	if (!fn)							\
		return -EINVAL;						\
	seq_file_init_output(&m, fn, arg, NULL);			\
	err = name##_show(&m);						\
	return err ? err : seq_file_finish(&m);				\
}									\
static int name##_print_cb(void *ctx, seq_output_fn *fn, void *arg)	\
{									\
	return zsim_print_##name##_cb(fn, arg);				\
}									\
int zsim_print_##name(FILE *out)					\
{									\
	return seq_print_to_stream(out, name##_print_cb, NULL);		\
}

static void print_zone_prefix(struct seq_file *m, const struct zone *zone)
{
	seq_printf(m, "Node %d, zone %8s ", zone->node, zone->name);
}

SIM_PRINTER(buddyinfo)
static int buddyinfo_show(struct seq_file *m)
{
	struct zsim_zoneinfo zi;
	unsigned int order;

	sim_machine_get();
	snapshot_zone(&sim_zone, &zi);
	print_zone_prefix(m, &sim_zone);
	for (order = 0; order < MAX_ORDER; order++)
		seq_printf(m, "%6lu ", (unsigned long)zi.nr_free[order]);
	seq_putc(m, '\n');
	return 0;
}

SIM_PRINTER(pagetypeinfo)
static int pagetypeinfo_show(struct seq_file *m)
{
	struct zsim_zoneinfo zi;
	unsigned int order;
	int mt;

	sim_machine_get();
	snapshot_zone(&sim_zone, &zi);
	seq_printf(m, "Page block order: %u\n", zi.pageblock_order);
	seq_printf(m, "Pages per block:  %lu\n", 1UL << zi.pageblock_order);
	seq_putc(m, '\n');

	seq_printf(m, "%-43s ", "Free pages count per migrate type at order");
	for (order = 0; order < MAX_ORDER; order++)
		seq_printf(m, "%6u ", order);
	seq_putc(m, '\n');
	for (mt = 0; mt < MIGRATE_TYPES; mt++) {
		seq_printf(m, "Node %4d, zone %8s, type %12s ", sim_zone.node,
			   sim_zone.name, migratetype_names[mt]);
		for (order = 0; order < MAX_ORDER; order++)
			seq_printf(m, "%6lu ", (unsigned long)zi.nr_free_type[mt][order]);
		seq_putc(m, '\n');
	}

	seq_printf(m, "\n%-23s", "Number of blocks type ");
	for (mt = 0; mt < MIGRATE_TYPES; mt++)
		seq_printf(m, "%12s ", migratetype_names[mt]);
	seq_putc(m, '\n');
	print_zone_prefix(m, &sim_zone);
	for (mt = 0; mt < MIGRATE_TYPES; mt++)
		seq_printf(m, "%12lu ", (unsigned long)zi.nr_blocks_type[mt]);
	seq_putc(m, '\n');
	return 0;
}

static int print_index(struct seq_file *m,
		       int (*index)(unsigned int, const struct contig_page_info *))
{
	struct zsim_zoneinfo zi;
	struct contig_page_info info;
	unsigned int order;
	int idx;

	sim_machine_get();
	snapshot_zone(&sim_zone, &zi);
	print_zone_prefix(m, &sim_zone);
	for (order = 0; order < MAX_ORDER; order++) {
		fill_contig_page_info(&zi, order, &info);
		idx = index(order, &info);
		seq_printf(m, "%d.%03d ", idx / 1000, idx % 1000);
	}
	seq_putc(m, '\n');
	return 0;
}

SIM_PRINTER(unusable_index)
static int unusable_index_show(struct seq_file *m)
{
	return print_index(m, unusable_free_index);
}

SIM_PRINTER(extfrag_index)
static int extfrag_index_show(struct seq_file *m)
{
	return print_index(m, __fragmentation_index);
}

SIM_PRINTER(vmstat)
static int vmstat_show(struct seq_file *m)
{
	long zone_stats[NR_VM_ZONE_STAT_ITEMS];
	unsigned long events[NR_VM_EVENT_ITEMS];
	struct zone *zone = &sim_zone;
	int i;

	sim_machine_get();
	spin_lock(&zone->lock);
	for (i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++)
		zone_stats[i] = (long)zone_page_state(zone, i);
	spin_unlock(&zone->lock);
	all_vm_events(events);

	for (i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++)
		seq_printf(m, "%s %ld\n", zone_stat_names[i], zone_stats[i]);
	for (i = 0; i < NR_VM_EVENT_ITEMS; i++)
		seq_printf(m, "%s %lu\n", vm_event_names[i], events[i]);
	return 0;
}

/*
 * /proc/zoneinfo as Linux 4.8 prints it, without what the simulator does
 * not have (node_scanned, protection, node_inactive_ratio): the zone's
 * free pages and watermarks, its counters, then each CPU's pageset (the
 * count, high and batch of its page lists and its vmstat threshold).
 * SIM: each CPU also shows its lists' refills and spills (the kernel
 * counts neither).
 */
SIM_PRINTER(zoneinfo)
static int zoneinfo_show(struct seq_file *m)
{
	struct zone *zone = &sim_zone;
	struct zsim_zoneinfo zi;
	unsigned int cpu;
	int i;

	sim_machine_get();
	snapshot_zone(zone, &zi);
	seq_printf(m, "Node %d, zone %8s", zone->node, zone->name);
	seq_printf(m,
		   "\n  pages free     %lu"
		   "\n        min      %lu"
		   "\n        low      %lu"
		   "\n        high     %lu"
		   "\n        spanned  %lu"
		   "\n        present  %lu"
		   "\n        managed  %lu",
		   (unsigned long)zi.free_pages, (unsigned long)zi.watermark_min,
		   (unsigned long)zi.watermark_low, (unsigned long)zi.watermark_high,
		   zone->spanned_pages, zone->present_pages, zone->managed_pages);
	for (i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++)
		seq_printf(m, "\n      %-12s %lu", zone_stat_names[i],
			   zone_page_state(zone, i));
	seq_printf(m, "\n  pagesets");
	for (cpu = 0; cpu < zone->nr_pagesets; cpu++) {
		struct per_cpu_pageset *pset = &zone->pageset[cpu];
		int count, high, batch;
		unsigned long refills, spills;

		spin_lock(&pset->pcp.lock);
		count = pset->pcp.count;
		high = READ_ONCE(pset->pcp.high);
		batch = READ_ONCE(pset->pcp.batch);
		refills = pset->pcp_refills;
		spills = pset->pcp_spills;
		spin_unlock(&pset->pcp.lock);
		seq_printf(m,
			   "\n    cpu: %u"
			   "\n              count: %d"
			   "\n              high:  %d"
			   "\n              batch: %d"
			   "\n              refills: %lu"
			   "\n              spills:  %lu",
			   cpu, count, high, batch, refills, spills);
		seq_printf(m, "\n  vm stats threshold: %d", READ_ONCE(pset->stat_threshold));
	}
	seq_printf(m, "\n  start_pfn:           %lu", zone->zone_start_pfn);
	seq_putc(m, '\n');
	return 0;
}

int zsim_vmstat_get(const char *name, uint64_t *value)
{
	int i;

	sim_machine_get();
	if (!name || !value)
		return -EINVAL;
	for (i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++) {
		if (zone_stat_names[i] && !strcmp(name, zone_stat_names[i])) {
			*value = zone_page_state(&sim_zone, i);
			return 0;
		}
	}
	for (i = 0; i < NR_VM_EVENT_ITEMS; i++) {
		if (vm_event_names[i] && !strcmp(name, vm_event_names[i])) {
			*value = vm_event_count(i);
			return 0;
		}
	}
	return -ENOENT;
}
