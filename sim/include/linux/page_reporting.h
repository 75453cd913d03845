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

static inline void page_reporting_notify_free(unsigned int order)
{
	if (order < READ_ONCE(page_reporting_order))
		return;
	if (READ_ONCE(page_reporting_requested))
		return;
	__page_reporting_notify();
}

/* SIM: run a full pass now, in the caller, and wait for it (zsim_report_free_pages()). */
int sim_page_reporting_run(void);

#endif /* _LINUX_PAGE_REPORTING_H */
