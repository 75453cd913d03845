/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
/*
 * The simulator's own plumbing: how the machine boots and shuts down its
 * subsystems.  Not a kernel header; lib/ never includes it.
 */
#ifndef _SIM_INTERNAL_H
#define _SIM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zsmalloc/zsim.h>
#include <sim/sched.h>

/* The running machine's configuration (valid while booted). */
extern struct zsim_config sim_config;

/* Boot the default machine if none runs; BUG()s if that fails. */
void sim_machine_ensure(void);

/* Fast check used on hot paths before sim_machine_ensure(). */
extern int sim_machine_booted;
static inline void sim_machine_get(void)
{
	if (__builtin_expect(!__atomic_load_n(&sim_machine_booted, __ATOMIC_ACQUIRE), 0))
		sim_machine_ensure();
}

/*
 * Where the running machine's memory limit came from, for messages:
 * "ZSIM_MEM=128M", "zsim_config.mem_bytes", or the default's rule.
 */
const char *sim_config_limit_source(void);

/*
 * Fault injection for memory hotplug (mm/memory_hotplug.c): N > 0 fails
 * the Nth commit of address space from now (four per section onlined:
 * frames, struct pages, pageblock labels, skip hints), as if the host
 * had no memory to give; tests set it.  Reset at shutdown.
 */
extern unsigned long sim_hotplug_fail_nth;

/* Record why a config or boot failed; zsim_last_error() returns it. */
void sim_set_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Subsystem lifecycle, called by sim/kernel/machine.c in this order on
 * boot and in reverse on exit.  *_init() return 0 or -errno; leak
 * reporting *_exit() return the number of objects still allocated.
 */
int sim_printk_init(const struct zsim_config *cfg);		/* kernel/bug.c */
int sim_percpu_init(const struct zsim_config *cfg);		/* kernel/percpu.c */
void sim_percpu_exit(void);
int sim_fault_init(const struct zsim_config *cfg);		/* kernel/fault_inject.c */
int sim_trace_init(const struct zsim_config *cfg);		/* kernel/trace.c */
void sim_trace_exit(void);
int sim_memmap_init(const struct zsim_config *cfg);		/* mm/memmap.c */
void sim_memmap_exit(void);
int sim_buddy_init(const struct zsim_config *cfg);		/* mm/page_alloc.c */
int sim_memory_hotplug_init(const struct zsim_config *cfg);	/* mm/memory_hotplug.c */
void sim_memory_hotplug_exit(void);
long sim_buddy_exit(void);					/* pages still allocated */
int sim_slab_init(void);					/* mm/slab.c */
long sim_slab_exit(void);					/* objects still allocated */
int sim_rcu_init(void);						/* kernel/rcu.c */
void sim_rcu_exit(void);
int sim_workqueue_init(void);					/* kernel/workqueue.c */
void sim_workqueue_exit(void);
int sim_shrinker_init(void);					/* kernel/shrinker.c */
void sim_shrinker_exit(void);
int sim_page_reporting_init(const struct zsim_config *cfg);	/* mm/page_reporting.c */
void sim_page_reporting_exit(void);
int sim_compaction_init(const struct zsim_config *cfg);		/* mm/compaction.c */
void sim_compaction_exit(void);					/* stops kcompactd */

/* Initcalls registered by module_init()/module_exit() (linux/module.h). */
int sim_run_initcalls(void);
void sim_run_exitcalls(void);

/*
 * Fault injection decisions (kernel/fault_inject.c): true means "fail
 * this one".  Each call counts an attempt; each true counts an injection.
 */
bool __sim_should_fail_page(unsigned int gfp, unsigned int order);
bool __sim_should_fail_slab(const char *cache, size_t size, unsigned int gfp);
bool __sim_should_fail_migrate(void);

/* Non-zero while a site is armed: the only cost of a site switched off. */
extern int sim_fault_site_armed[ZSIM_NR_FAULT_SITES];

static inline bool sim_fault_armed(enum zsim_fault_site site)
{
	return __builtin_expect(__atomic_load_n(&sim_fault_site_armed[site],
						__ATOMIC_RELAXED), 0);
}

static inline bool sim_should_fail_page(unsigned int gfp, unsigned int order)
{
	return sim_fault_armed(ZSIM_FAULT_PAGE_ALLOC) &&
	       __sim_should_fail_page(gfp, order);
}

static inline bool sim_should_fail_slab(const char *cache, size_t size,
					unsigned int gfp)
{
	return sim_fault_armed(ZSIM_FAULT_SLAB) &&
	       __sim_should_fail_slab(cache, size, gfp);
}

static inline bool sim_should_fail_migrate(void)
{
	return sim_fault_armed(ZSIM_FAULT_MIGRATE) && __sim_should_fail_migrate();
}

/*
 * Is @spec good text for zsim_fault_parse() / @events and @buf_kb a good
 * trace setting?  0, or -EINVAL with the reason, naming @what, in
 * zsim_last_error().
 */
int sim_fault_check_targets(const char *what, const char *spec);
int sim_trace_check_config(const char *what_events, const char *events,
			   const char *what_size, uint32_t buf_kb);

/*
 * Direct reclaim for the buddy allocator: run the shrinkers once
 * (kernel/shrinker.c); returns objects freed.
 */
unsigned long sim_shrink_slab(unsigned long nr_to_scan);

/* Thread id of the caller (cached), for lock owners and per-CPU ids. */
int sim_gettid(void);

#endif /* _SIM_INTERNAL_H */
