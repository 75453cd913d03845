/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_SHRINKER_H
#define _LINUX_SHRINKER_H

/*
 * Shrinkers: caches that give objects back under memory pressure.  Both
 * the 6.7+ API (shrinker_alloc/shrinker_register/shrinker_free) and the
 * older register_shrinker/unregister_shrinker on a caller-owned struct.
 *
 * SIM: reclaim is zsim_shrink_all(nr) (and the buddy allocator's direct
 * reclaim, sim_shrink_slab()): each shrinker is asked for min(nr, count)
 * objects (nr 0: all it counts), in batches of ->batch (default 128),
 * the last batch partial.  There is no priority scaling, no ->seeks
 * weighting and no deferral of unscanned work; nid is always 0.
 */
#include <linux/compiler.h>
#include <linux/types.h>
#include <linux/list.h>

struct mem_cgroup;

struct shrink_control {
	gfp_t gfp_mask;
	int nid;			/* SIM: always 0 */
	unsigned long nr_to_scan;	/* objects to scan in this call */
	unsigned long nr_scanned;	/* set to nr_to_scan; callee may lower */
	struct mem_cgroup *memcg;	/* SIM: always NULL */
};

#define SHRINK_STOP	(~0UL)		/* scan_objects: cannot make progress now */
#define SHRINK_EMPTY	(~0UL - 1)	/* count_objects: nothing at all */

struct shrinker {
	unsigned long (*count_objects)(struct shrinker *,
				       struct shrink_control *sc);
	unsigned long (*scan_objects)(struct shrinker *,
				      struct shrink_control *sc);
	long batch;			/* objects per scan call; 0: 128 */
	int seeks;			/* SIM: recorded, not used */
	unsigned int flags;
	void *private_data;

	/* private to kernel/shrinker.c */
	struct list_head list;
	char *name;
	int nr_running;			/* scans in progress */
	bool dying;			/* unregistering: no new scans */
};

#define DEFAULT_SEEKS	2
#define SHRINK_BATCH	128

#define SHRINKER_REGISTERED	(1U << 0)
#define SHRINKER_ALLOCATED	(1U << 1)
#define SHRINKER_NUMA_AWARE	(1U << 2)
#define SHRINKER_MEMCG_AWARE	(1U << 3)
#define SHRINKER_NONSLAB	(1U << 4)

__printf(2, 3) struct shrinker *sim_shrinker_alloc(unsigned int flags,
						   const char *fmt, ...);
void sim_shrinker_register(struct shrinker *shrinker);
void sim_shrinker_free(struct shrinker *shrinker);
__printf(2, 3) int sim_register_shrinker(struct shrinker *shrinker,
					 const char *fmt, ...);
void sim_unregister_shrinker(struct shrinker *shrinker);

/* NULL without memory. */
#define shrinker_alloc(flags, fmt, ...)					\
	sim_shrinker_alloc(flags, fmt, ##__VA_ARGS__)
#define shrinker_register(shrinker)	sim_shrinker_register(shrinker)
/* Unregisters (waiting for running scans) and frees; NULL is fine. */
#define shrinker_free(shrinker)		sim_shrinker_free(shrinker)
/* 0 or -ENOMEM. */
#define register_shrinker(shrinker, fmt, ...)				\
	sim_register_shrinker(shrinker, fmt, ##__VA_ARGS__)
/* Waits for running scans of @shrinker to finish. */
#define unregister_shrinker(shrinker)	sim_unregister_shrinker(shrinker)

#endif /* _LINUX_SHRINKER_H */
