/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_COMPACTION_H
#define _LINUX_COMPACTION_H

/*
 * Zone compaction (sim/mm/compaction.c), after Linux 4.8: a migrate
 * scanner walks the zone upward isolating movable pages, a free scanner
 * walks it downward isolating free pages, and migrate_pages() moves the
 * former into the latter until the scanners meet or a free block of the
 * wanted order exists.
 */
#include <linux/types.h>
#include <linux/gfp.h>
#include <linux/migrate_mode.h>

struct zone;

/* What a compaction attempt came to; the order matters (4.8). */
enum compact_result {
	COMPACT_NOT_SUITABLE_ZONE,	/* fragindex says: reclaim, not compact */
	COMPACT_SKIPPED,		/* too little free memory to migrate into */
	COMPACT_DEFERRED,		/* failed recently: not tried */
	COMPACT_INACTIVE = COMPACT_DEFERRED,	/* also: compaction disabled */
	COMPACT_NO_SUITABLE_PAGE,	/* watermark met but no block yet */
	COMPACT_CONTINUE,		/* keep going */
	COMPACT_COMPLETE,		/* scanned the whole zone */
	COMPACT_PARTIAL_SKIPPED,	/* scanners met after a partial run */
	COMPACT_CONTENDED,		/* gave up: no free page to migrate into */
	COMPACT_SUCCESS,		/* a block of the wanted order is free */
};

/* Pages the migrate scanner isolates per batch (SWAP_CLUSTER_MAX). */
#define COMPACT_CLUSTER_MAX	32

/* Compaction is skipped at most 1 << COMPACT_MAX_DEFER_SHIFT times. */
#define COMPACT_MAX_DEFER_SHIFT	6

/*
 * /proc/sys/vm/extfrag_threshold: a fragmentation index at or below it
 * means an allocation fails for lack of memory, not for fragmentation,
 * and direct compaction is not worth trying.  Default 500.
 */
extern int sysctl_extfrag_threshold;

/*
 * SIM: the kernel decides at build time (CONFIG_COMPACTION).  Here it is
 * a runtime switch (zsim_set_compaction()); when off, every trigger does
 * nothing, as the kernel's !CONFIG_COMPACTION stubs do.
 */
bool compaction_enabled(void);

/* Is @order worth compacting for now?  COMPACT_CONTINUE if so. */
enum compact_result compaction_suitable(struct zone *zone, int order,
					unsigned int alloc_flags,
					int classzone_idx);

/* Deferred compaction after sync failures (compaction_deferred() etc). */
void defer_compaction(struct zone *zone, int order);
bool compaction_deferred(struct zone *zone, int order);
void compaction_defer_reset(struct zone *zone, int order, bool alloc_success);
bool compaction_restarting(struct zone *zone, int order);

/*
 * Direct compaction for an allocation of 2^@order that failed; the
 * caller retries the allocation if the result is above
 * COMPACT_INACTIVE.  *@contended is set if it gave up early.
 */
enum compact_result try_to_compact_pages(gfp_t gfp_mask, unsigned int order,
					 unsigned int alloc_flags,
					 enum migrate_mode mode, int *contended);

/* /proc/sys/vm/compact_memory: compact every zone completely (sync). */
void compact_nodes(void);

/*
 * Ask kcompactd (if running) to compact until an allocation of 2^@order
 * would pass the low watermark.  @classzone_idx is unused (one zone).
 */
void wakeup_kcompactd(int order, int classzone_idx);

#endif /* _LINUX_COMPACTION_H */
