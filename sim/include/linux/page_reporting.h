/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_PAGE_REPORTING_H
#define _LINUX_PAGE_REPORTING_H

/*
 * Free page reporting, after Linux 5.7's mm/page_reporting.c (the
 * mechanism under virtio-balloon's free page reporting, commit
 * 36e66c554b5c): free buddy blocks of page_reporting_order and larger
 * are taken off the free lists in batches of PAGE_REPORTING_CAPACITY by
 * delayed work, handed to the registered device's report(), then put
 * back marked PageReported.  Freeing a block of that order only
 * requests a pass, PAGE_REPORTING_DELAY later; it never reports.
 *
 * SIM: the device is the machine's own (kernel/machine.c): its report()
 * gives the blocks' frames back to the OS with madvise().  The kernel
 * passes a scatterlist; here an array of (page, order) entries.
 */
#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/mm_types.h>
#include <linux/mmzone.h>
#include <linux/sched.h>
#include <linux/workqueue.h>

/* A power of two, as the kernel's. */
#define PAGE_REPORTING_CAPACITY		32

struct page_reporting_entry {
	struct page *page;
	unsigned int order;
};

struct page_reporting_dev_info {
	/* Make @nents blocks "reported"; 0 or -errno (then none are). */
	int (*report)(struct page_reporting_dev_info *prdev,
		      struct page_reporting_entry *ents, unsigned int nents);
	/* the pass, run on system_wq */
	struct delayed_work work;
	/* PAGE_REPORTING_IDLE, _REQUESTED, _ACTIVE */
	atomic_t state;
	/*
	 * Minimum order reported.  SIM: taken as given, 0 included (the
	 * kernel takes 0 as "page_reporting_order, else pageblock_order").
	 */
	unsigned int order;
};

/* The order and delay of the device registered now (or the defaults). */
extern unsigned int page_reporting_order;
/*
 * SIM: in jiffies (milliseconds); the kernel's is 2 seconds.  50 ms puts
 * RSS at the pool's size well within 100 ms of zs_compact() (sim/README.md).
 */
#define PAGE_REPORTING_DELAY		(HZ / 20)
/* SIM: the machine's device reports from order 0 (the kernel's default: pageblock_order). */
#define SIM_PAGE_REPORTING_ORDER	0

/* -EBUSY if a device is registered. */
int page_reporting_register(struct page_reporting_dev_info *prdev);
/* Stops the pass and waits for a running one; none runs afterwards. */
void page_reporting_unregister(struct page_reporting_dev_info *prdev);

/* Free path, zone->lock held: a block of @order was freed (merged). */
void __page_reporting_notify(void);
/*
 * SIM: a pass is requested and not started yet.  A hint for the free
 * path, which then skips the RCU read section and the state's cache
 * line (urcu-bp's read side costs two full barriers); the kernel's
 * equivalent cheap exit is its static key and state check.
 */
extern bool page_reporting_requested;

/*
 * SIM: bulk frees are reported without the delay.  Once this much more
 * memory is free than at the last pass and not reported (zs_compact()
 * freeing zspage after zspage, a pool destroyed), the free path queues
 * the pass at once instead of
 * leaving it to the armed delayed work: RSS stays within 2 MiB of the
 * machine's use, as a program sees it right after zs_compact() returns.
 * The kernel has no such trigger (its pass comes 2 seconds after the
 * first free).
 */
#define PAGE_REPORTING_EXPEDITE_PAGES	512
/* The threshold in use (tests set 0: off, only the delayed pass). */
extern unsigned long page_reporting_expedite_pages;
extern bool page_reporting_expedited;
/* Expedited passes queued since boot (for tests). */
extern unsigned long page_reporting_expedites;
/*
 * The fewest free pages seen since the last pass (it ends by setting it
 * to the count then, and frees lower it to what allocations left);
 * zone->lock.
 */
extern long page_reporting_free_base;
void __page_reporting_expedite(void);

/*
 * A bulk free: free pages grew by PAGE_REPORTING_EXPEDITE_PAGES above
 * the lowest count since the last pass (net of allocations, so an
 * alloc/free loop is none), and as many are not reported.  zone->lock
 * held.
 */
static inline bool page_reporting_bulk_freed(const struct zone *zone)
{
	long free = atomic_long_read(&zone->vm_stat[NR_FREE_PAGES]);
	long bulk = (long)READ_ONCE(page_reporting_expedite_pages);

	if (free < page_reporting_free_base)
		page_reporting_free_base = free;
	return bulk && free - page_reporting_free_base >= bulk &&
	       free - (long)zone->reported_pages >= bulk;
}

static inline void page_reporting_notify_free(unsigned int order)
{
	if (order < READ_ONCE(page_reporting_order))
		return;
	if (READ_ONCE(page_reporting_requested)) {
		if (unlikely(page_reporting_bulk_freed(&sim_zone)) &&
		    !READ_ONCE(page_reporting_expedited))
			__page_reporting_expedite();
		return;
	}
	__page_reporting_notify();
}

/* SIM: run a full pass now, in the caller, and wait for it (zsim_report_free_pages()). */
int sim_page_reporting_run(void);

#endif /* _LINUX_PAGE_REPORTING_H */
