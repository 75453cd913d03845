// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Memory that grows with demand, after Linux's memory hotplug
 * (mm/memory_hotplug.c): add_memory() makes a range of physical memory
 * known (here: commits the arena and the struct pages of one section,
 * sim_memmap_online()), online_pages() hands it to the zone (here:
 * sim_zone_online_pages(): spanned, present and managed pages grow, the
 * new pageblocks get their labels, the pages join the free lists, the
 * watermarks follow).
 *
 * SIM: the kernel onlines memory when a device or the administrator
 * adds it (a DIMM, virtio-mem plugging memory the host offers, a write
 * to /sys/devices/system/memory/memoryN/online).  Here the machine plays
 * that host: the allocator's slow path asks for the next section when
 * the zone is short of free pages (and, as the last resort before
 * failing, when compaction and reclaim could not find a block of the
 * order), up to the machine's memory limit.  At the limit allocation
 * goes on the kernel's way: direct compaction, the shrinkers, then
 * failure.  Sections are ZSIM_SECTION_SIZE (16 MiB, 4096 frames); the
 * last one may be partial, down to a pageblock.  Sections are never
 * offlined: free memory goes back to the OS by free page reporting.
 *
 * Growing takes one mutex (the kernel's mem_hotplug_lock) and, to
 * publish the new pages, zone->lock.  Lockless pfn walkers (compaction's
 * scanners, pfn_valid(), page inspection) read max_pfn and the zone's
 * span with acquire and find set-up struct pages below them; the
 * arena, mem_map and the pageblock arrays were reserved for the limit
 * at boot and never move.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/printk.h>
#include <linux/vmstat.h>
#include <sim/internal.h>
#include "internal.h"

#define SECTION_NR_PAGES	((unsigned long)ZSIM_SECTION_SIZE >> PAGE_SHIFT)

/*
 * A pthread mutex, not a kernel one: the simulated host plugs memory for
 * any request, atomic ones too (see sim/README.md), so this lock is not
 * a sleeping lock in lockdep's eyes.  Nothing is held while waiting for
 * it but the caller's own locks, and zone->lock nests inside it.
 */
static pthread_mutex_t hotplug_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long limit_pfn;		/* one past the last pfn the limit allows */
static unsigned long hotplug_generation; /* sections onlined since boot */
static bool limit_warned;
/*
 * Fault injection (sim/internal.h): the Nth commit of address space from
 * now fails as mprotect() would without memory.  Each onlining commits
 * four times: the frames, their struct pages (sim_memmap_online()), the
 * pageblock labels and skip hints (sim_zone_online_pages()).
 */
unsigned long sim_hotplug_fail_nth;
static bool hotplug_injected;

bool sim_hotplug_should_fail(void)
{
	if (!sim_hotplug_fail_nth || --sim_hotplug_fail_nth)
		return false;
	hotplug_injected = true;
	return true;
}

/*
 * Add [start, end) to the machine: the struct pages, then the zone.  A
 * failure leaves the zone as it was; struct pages set up already stay
 * and are reused by the next try.
 */
static int add_memory(unsigned long start_pfn, unsigned long end_pfn)
{
	const char *what = "the frames and their struct pages";
	int err;

	hotplug_injected = false;
	err = sim_memmap_online(end_pfn);
	if (!err) {
		what = "the pageblock arrays";
		err = sim_zone_online_pages(&sim_zone, start_pfn, end_pfn - start_pfn);
	}
	if (err) {
		int saved = errno;

		pr_warn("zsim: memory hotplug: cannot online pfns %#lx-%#lx: committing %s failed: %s%s\n",
			start_pfn, end_pfn - 1, what, strerror(saved),
			hotplug_injected ? " (fault injection)" : "");
		errno = saved;
	}
	return err;
}

int sim_memory_hotplug_init(const struct zsim_config *cfg)
{
	unsigned long initial = cfg->mem_initial_bytes >> PAGE_SHIFT;
	int err;

	limit_pfn = ARCH_PFN_OFFSET + (cfg->mem_bytes >> PAGE_SHIFT);
	hotplug_generation = 0;
	limit_warned = false;
	err = add_memory(ARCH_PFN_OFFSET, ARCH_PFN_OFFSET + initial);
	if (err)
		sim_set_error("cannot commit the %lu MiB of boot memory: %s; lower the initial size (ZSIM_MEM_INITIAL or zsim_config.mem_initial_bytes)",
			      initial >> (20 - PAGE_SHIFT), strerror(errno));
	return err;
}

void sim_memory_hotplug_exit(void)
{
	limit_pfn = 0;
	sim_hotplug_fail_nth = 0;
}

bool sim_memory_at_limit(void)
{
	return sim_max_pfn() >= READ_ONCE(limit_pfn);
}

/* Would a request of 2^@order leave the zone below its high watermark? */
static bool zone_short_of_memory(struct zone *zone, unsigned int order)
{
	return zone_page_state(zone, NR_FREE_PAGES) <
	       high_wmark_pages(zone) + (1UL << order);
}

bool sim_memory_grow(unsigned int order, bool any)
{
	unsigned long gen, start, end;
	bool grown = false;

	if (sim_memory_at_limit())
		return false;
	if (!any && !zone_short_of_memory(&sim_zone, order))
		return false;
	gen = __atomic_load_n(&hotplug_generation, __ATOMIC_ACQUIRE);
	pthread_mutex_lock(&hotplug_lock);
	/* Another thread onlined a section while this one waited: retry. */
	if (__atomic_load_n(&hotplug_generation, __ATOMIC_RELAXED) != gen) {
		grown = true;
		goto out;
	}
	start = max_pfn;
	if (start >= limit_pfn)
		goto out;
	if (!any && !zone_short_of_memory(&sim_zone, order))
		goto out;
	/* Up to the next section boundary, at most the limit. */
	end = ARCH_PFN_OFFSET +
	      round_up(start - ARCH_PFN_OFFSET + 1, SECTION_NR_PAGES);
	if (end > limit_pfn)
		end = limit_pfn;
	if (!add_memory(start, end)) {
		__atomic_store_n(&hotplug_generation, gen + 1, __ATOMIC_RELEASE);
		grown = true;
	}
out:
	pthread_mutex_unlock(&hotplug_lock);
	return grown;
}

/* A size the way ZSIM_MEM takes it: "128M", "6G". */
static const char *size_text(uint64_t bytes, char *buf, size_t len)
{
	if (bytes && !(bytes & ((1ULL << 30) - 1)))
		snprintf(buf, len, "%" PRIu64 "G", bytes >> 30);
	else if (bytes && !(bytes & ((1ULL << 20) - 1)))
		snprintf(buf, len, "%" PRIu64 "M", bytes >> 20);
	else
		snprintf(buf, len, "%" PRIu64 "K", bytes >> 10);
	return buf;
}

void sim_memory_limit_warn(void)
{
	char limit[32];

	if (!sim_memory_at_limit() ||
	    __atomic_exchange_n(&limit_warned, true, __ATOMIC_RELAXED))
		return;
	pr_warn("zsim: the machine is at its memory limit of %s (%s); raise it with ZSIM_MEM or zsim_config.mem_bytes\n",
		size_text(sim_config.mem_bytes, limit, sizeof(limit)),
		sim_config_limit_source());
}
