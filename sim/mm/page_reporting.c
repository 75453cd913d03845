// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Free page reporting, after Linux 5.7's mm/page_reporting.c (commit
 * 36e66c554b5c and the ones around it).  Freeing a block of
 * page_reporting_order or larger only requests a pass: the state goes
 * to REQUESTED and the device's delayed work is armed once.  The pass
 * walks the free lists of every order from page_reporting_order up,
 * gathers unreported blocks into a batch of PAGE_REPORTING_CAPACITY
 * entries, hands the batch to the device's report() and marks the
 * blocks PageReported, moving them to the tail of their list.  A
 * request that came in during the pass arms the work again.
 *
 * SIM: the kernel takes a batch off the free lists and reports it with
 * zone->lock dropped; here the batch stays on the lists and is reported
 * under zone->lock, which is dropped between batches.  An allocation
 * waits for one batch at most (32 madvise() calls), and nothing that
 * reads the free lists or the free page count ever sees blocks in
 * flight, so the statistics stay exact.
 *
 * The device is published under RCU, as the kernel's pr_dev_info: the
 * free path reads it in a read-side section, unregistering clears it,
 * waits for a grace period, then cancels the work.
 *
 * SIM: the machine registers its own device (sim_page_reporting_init()),
 * whose report() is madvise(MADV_DONTNEED) on the blocks' frames, one
 * call per run of adjacent blocks in the batch, from order 0 up: the
 * pages zs_compact() frees are scattered, and only reporting them one
 * by one lets RSS follow the pool (sim/README.md has the measurement).
 * Differences from the kernel are listed there too.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/mmzone.h>
#include <linux/mutex.h>
#include <linux/page_reporting.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/vmstat.h>
#include <linux/workqueue.h>
#include <sim/internal.h>
#include "internal.h"

enum {
	PAGE_REPORTING_IDLE = 0,
	PAGE_REPORTING_REQUESTED,
	PAGE_REPORTING_ACTIVE,
};

/* No device: no order is reported, and the free path returns at once. */
unsigned int page_reporting_order = ~0U;
bool page_reporting_requested;
/* SIM: the expedited pass is queued and has not started. */
bool page_reporting_expedited;
long page_reporting_free_base;
unsigned long page_reporting_expedite_pages = PAGE_REPORTING_EXPEDITE_PAGES;
unsigned long page_reporting_expedites;

static struct page_reporting_dev_info *pr_dev_info;	/* __rcu */
static DEFINE_MUTEX(page_reporting_mutex);

/*
 * SIM: the expedited pass (linux/page_reporting.h) is a second work
 * item beside the device's delayed one; pr_pass_mutex keeps the two
 * passes from running at once (they share the batch), and pr_stopping,
 * set by unregistering under it, makes a pass that still starts do
 * nothing and arm nothing.
 */
static struct work_struct pr_expedite_work;
static struct page_reporting_dev_info *pr_expedite_dev;
static DEFINE_MUTEX(pr_pass_mutex);
static bool pr_stopping;

/* The batch; only the work item fills it, and it never runs twice at once. */
static struct page_reporting_entry pr_batch[PAGE_REPORTING_CAPACITY];
static int pr_batch_mt[PAGE_REPORTING_CAPACITY];

/*
 * Arm the pass.  page_reporting_requested is set only here, before the
 * work can start, and cleared only when it starts: so it is never left
 * set with no pass to come.
 */
static void arm_pass(struct page_reporting_dev_info *prdev, unsigned long delay)
{
	WRITE_ONCE(page_reporting_requested, true);
	schedule_delayed_work(&prdev->work, delay);
}

static void __page_reporting_request(struct page_reporting_dev_info *prdev)
{
	int state;

	/* Already requested: the armed work will see this free too. */
	if (atomic_read(&prdev->state) == PAGE_REPORTING_REQUESTED)
		return;
	/* An active pass sees REQUESTED when it ends and arms itself again. */
	state = atomic_xchg(&prdev->state, PAGE_REPORTING_REQUESTED);
	if (state != PAGE_REPORTING_IDLE)
		return;
	arm_pass(prdev, PAGE_REPORTING_DELAY);
}

void __page_reporting_notify(void)
{
	struct page_reporting_dev_info *prdev;

	rcu_read_lock();
	prdev = rcu_dereference(pr_dev_info);
	if (likely(prdev))
		__page_reporting_request(prdev);
	rcu_read_unlock();
}

/*
 * Hand the @nents blocks of the batch to the device and mark them
 * reported if it took them.  zone->lock held throughout (see above).
 */
static int page_reporting_flush(struct page_reporting_dev_info *prdev,
				struct zone *zone, unsigned int nents)
{
	unsigned int i;
	int err;

	err = prdev->report(prdev, pr_batch, nents);
	if (err)
		return err;
	for (i = 0; i < nents; i++)
		page_reporting_mark(zone, pr_batch[i].page, pr_batch[i].order,
				    pr_batch_mt[i]);
	return 0;
}

/*
 * Gather the unreported blocks of one free list into the batch, which
 * carries over from list to list; report it each time it fills, letting
 * allocators in after each batch.  As the kernel's cycle does, the walk
 * goes once round the list (a budget of the area's free blocks), and
 * after each batch the list is rotated so that the block after the last
 * one taken comes first: the next batch starts there instead of walking
 * the reported blocks again (which made a pass quadratic in the free
 * blocks when unreported ones sat behind many reported ones).
 * zone->lock held.
 */
static int page_reporting_cycle(struct page_reporting_dev_info *prdev,
				struct zone *zone, unsigned int order, int mt,
				unsigned int *nents)
{
	struct list_head *list = &zone->free_area[order].free_list[mt];
	unsigned long budget = zone->free_area[order].nr_free;
	struct page *page, *next;
	int err;

	page = list_first_entry_or_null(list, struct page, lru);
	while (page && budget) {
		budget--;
		next = page->lru.next == list ? NULL : list_next_entry(page, lru);
		if (!PageReported(page)) {
			pr_batch[*nents].page = page;
			pr_batch[*nents].order = order;
			pr_batch_mt[*nents] = mt;
			if (++*nents == PAGE_REPORTING_CAPACITY) {
				err = page_reporting_flush(prdev, zone, *nents);
				*nents = 0;
				if (err)
					return err;
				if (!next)
					return 0;
				/* Go on from @next: it becomes the list's first. */
				list_move_tail(list, &next->lru);
				spin_unlock(&zone->lock);
				cond_resched();
				spin_lock(&zone->lock);
				/* The list may have changed meanwhile. */
				next = list_first_entry_or_null(list, struct page, lru);
			}
		}
		page = next;
	}
	return 0;
}

static int page_reporting_process_zone(struct page_reporting_dev_info *prdev,
				       struct zone *zone)
{
	unsigned int order, nents = 0;
	int mt, err = 0;

	spin_lock(&zone->lock);
	for (order = prdev->order; order < MAX_ORDER && !err; order++)
		for (mt = 0; mt < MIGRATE_TYPES && !err; mt++)
			err = page_reporting_cycle(prdev, zone, order, mt, &nents);
	/* The last, partial batch: its blocks are still free (lock held). */
	if (!err && nents)
		err = page_reporting_flush(prdev, zone, nents);
	/* SIM: bulk frees count from here (linux/page_reporting.h). */
	page_reporting_free_base = atomic_long_read(&zone->vm_stat[NR_FREE_PAGES]);
	spin_unlock(&zone->lock);
	return err;
}

static void page_reporting_pass(struct page_reporting_dev_info *prdev)
{
	int state = PAGE_REPORTING_ACTIVE;
	bool expedite;

	mutex_lock(&pr_pass_mutex);
	if (pr_stopping) {
		mutex_unlock(&pr_pass_mutex);
		return;
	}
	/* Frees from now on request another pass. */
	WRITE_ONCE(page_reporting_requested, false);
	WRITE_ONCE(page_reporting_expedited, false);
	atomic_set(&prdev->state, state);
	page_reporting_process_zone(prdev, &sim_zone);
	state = atomic_cmpxchg(&prdev->state, state, PAGE_REPORTING_IDLE);
	if (state == PAGE_REPORTING_REQUESTED) {
		/* SIM: bulk frees during the pass: the next one at once. */
		spin_lock(&sim_zone.lock);
		expedite = page_reporting_bulk_freed(&sim_zone);
		spin_unlock(&sim_zone.lock);
		arm_pass(prdev, PAGE_REPORTING_DELAY);
		if (expedite) {
			WRITE_ONCE(page_reporting_expedited, true);
			__atomic_fetch_add(&page_reporting_expedites, 1, __ATOMIC_RELAXED);
			schedule_work(&pr_expedite_work);
		}
	}
	mutex_unlock(&pr_pass_mutex);
}

static void page_reporting_process(struct work_struct *work)
{
	struct delayed_work *d_work = to_delayed_work(work);

	page_reporting_pass(container_of(d_work, struct page_reporting_dev_info, work));
}

static void page_reporting_expedite_process(struct work_struct *work)
{
	(void)work;
	page_reporting_pass(READ_ONCE(pr_expedite_dev));
}

void __page_reporting_expedite(void)
{
	struct page_reporting_dev_info *prdev;

	rcu_read_lock();
	prdev = rcu_dereference(pr_dev_info);
	if (likely(prdev)) {
		WRITE_ONCE(page_reporting_expedited, true);
		__atomic_fetch_add(&page_reporting_expedites, 1, __ATOMIC_RELAXED);
		schedule_work(&pr_expedite_work);
	}
	rcu_read_unlock();
}

int page_reporting_register(struct page_reporting_dev_info *prdev)
{
	int err = 0;

	mutex_lock(&page_reporting_mutex);
	if (rcu_dereference_protected(pr_dev_info,
				      lockdep_is_held(&page_reporting_mutex))) {
		err = -EBUSY;
		goto out;
	}
	if (prdev->order >= MAX_ORDER) {
		err = -EINVAL;
		goto out;
	}
	atomic_set(&prdev->state, PAGE_REPORTING_IDLE);
	WRITE_ONCE(page_reporting_requested, false);
	WRITE_ONCE(page_reporting_expedited, false);
	INIT_DELAYED_WORK(&prdev->work, page_reporting_process);
	INIT_WORK(&pr_expedite_work, page_reporting_expedite_process);
	WRITE_ONCE(pr_expedite_dev, prdev);
	mutex_lock(&pr_pass_mutex);
	pr_stopping = false;
	mutex_unlock(&pr_pass_mutex);
	WRITE_ONCE(page_reporting_order, prdev->order);
	/* As the kernel: a first pass for what is free already. */
	__page_reporting_request(prdev);
	rcu_assign_pointer(pr_dev_info, prdev);
out:
	mutex_unlock(&page_reporting_mutex);
	return err;
}

void page_reporting_unregister(struct page_reporting_dev_info *prdev)
{
	mutex_lock(&page_reporting_mutex);
	if (prdev == rcu_dereference_protected(pr_dev_info,
				lockdep_is_held(&page_reporting_mutex))) {
		WRITE_ONCE(page_reporting_order, ~0U);
		RCU_INIT_POINTER(pr_dev_info, NULL);
		/* No free path is inside __page_reporting_request() now... */
		synchronize_rcu();
		/* ...and a pass that starts from now on arms nothing... */
		mutex_lock(&pr_pass_mutex);
		pr_stopping = true;
		mutex_unlock(&pr_pass_mutex);
		/* ...so nothing arms the work once it is cancelled. */
		cancel_delayed_work_sync(&prdev->work);
		cancel_work_sync(&pr_expedite_work);
	}
	mutex_unlock(&page_reporting_mutex);
}

/* --- the machine's device: frames back to the host ----------------------- */

static int cmp_entry_pfn(const void *a, const void *b)
{
	unsigned long pa = page_to_pfn(((const struct page_reporting_entry *)a)->page);
	unsigned long pb = page_to_pfn(((const struct page_reporting_entry *)b)->page);

	return pa < pb ? -1 : pa > pb;
}

/*
 * madvise(MADV_DONTNEED): the frames leave the process's RSS at once and
 * read back as zeros.  MADV_FREE keeps them in RSS until the host is
 * short of memory, so RSS would not follow the pool (sim/README.md has
 * the measurement).  zone->lock is held, so no allocation can hand out
 * (and write) a frame being dropped.
 */
static int sim_balloon_report(struct page_reporting_dev_info *prdev,
			      struct page_reporting_entry *ents,
			      unsigned int nents)
{
	struct page_reporting_entry sorted[PAGE_REPORTING_CAPACITY];
	unsigned long start, end, pfn, nr_pages = 0;
	unsigned int i;

	(void)prdev;
	memcpy(sorted, ents, nents * sizeof(*ents));
	qsort(sorted, nents, sizeof(*sorted), cmp_entry_pfn);
	for (i = 0; i < nents;) {
		start = page_to_pfn(sorted[i].page);
		end = start + (1UL << sorted[i].order);
		/* One call for each run of adjacent blocks. */
		while (++i < nents && (pfn = page_to_pfn(sorted[i].page)) == end)
			end = pfn + (1UL << sorted[i].order);
		if (madvise(page_address(pfn_to_page(start)),
			    (end - start) << PAGE_SHIFT, MADV_DONTNEED)) {
			WARN_ON_ONCE(1);
			return -errno;
		}
		count_vm_event(PAGE_REPORTING_MADVISE);
		nr_pages += end - start;
	}
	count_vm_event(PAGE_REPORTING_BATCHES);
	count_vm_events(PAGE_REPORTING_PAGES, (long)nr_pages);
	return 0;
}

static struct page_reporting_dev_info sim_balloon = {
	.report = sim_balloon_report,
};
static bool sim_balloon_registered;

int sim_page_reporting_init(const struct zsim_config *cfg)
{
	int err;

	page_reporting_expedite_pages = PAGE_REPORTING_EXPEDITE_PAGES;
	page_reporting_expedites = 0;
	if (!cfg->madvise)
		return 0;
	sim_balloon.order = SIM_PAGE_REPORTING_ORDER;
	err = page_reporting_register(&sim_balloon);
	if (err) {
		sim_set_error("cannot register the page reporting device: %d", err);
		return err;
	}
	sim_balloon_registered = true;
	return 0;
}

void sim_page_reporting_exit(void)
{
	if (!sim_balloon_registered)
		return;
	page_reporting_unregister(&sim_balloon);
	sim_balloon_registered = false;
}

int sim_page_reporting_run(void)
{
	struct page_reporting_dev_info *prdev = &sim_balloon;
	int i;

	mutex_lock(&page_reporting_mutex);
	if (!sim_balloon_registered) {
		mutex_unlock(&page_reporting_mutex);
		return 0;
	}
	/* Request a pass with no delay, unless one is armed or running. */
	if (atomic_xchg(&prdev->state, PAGE_REPORTING_REQUESTED) ==
	    PAGE_REPORTING_IDLE)
		arm_pass(prdev, 0);
	/*
	 * Flushing fires an armed timer and waits for the pass.  A pass
	 * that was running at the request arms itself again when it ends:
	 * flush that one too (a bounded number of times, for frees that
	 * keep coming from other threads).
	 */
	for (i = 0; i < 4; i++)
		if (!flush_delayed_work(&prdev->work))
			break;
	mutex_unlock(&page_reporting_mutex);
	return 0;
}

unsigned long zsim_report_free_pages(void)
{
	unsigned long reported;

	sim_machine_get();
	/*
	 * "Now" includes the order-0 pages freed to the per-CPU lists: back
	 * to the free lists first, where the pass finds them.
	 */
	drain_all_pages(&sim_zone);
	sim_page_reporting_run();
	spin_lock(&sim_zone.lock);
	reported = sim_zone.reported_pages;
	spin_unlock(&sim_zone.lock);
	return reported;
}
