/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_WORKQUEUE_H
#define _LINUX_WORKQUEUE_H

/*
 * Workqueues on real worker threads (kernel/workqueue.c).
 *
 * SIM: each workqueue has its own fixed set of worker threads, started
 * by alloc_workqueue() and joined by destroy_workqueue(): one for an
 * ordered workqueue (items run one at a time, in queueing order), else
 * max_active of them (0: one per simulated CPU), at most 8.  There is
 * no concurrency management: a work item that waits for another item
 * of the same workqueue can deadlock if all its workers wait.  There
 * is one timer thread for delayed works (jiffies are milliseconds).
 * system_wq is started at boot and drained and joined at zsim_exit();
 * system_unbound_wq and system_long_wq are it.
 *
 * As in Linux, an item is never run by two workers of a workqueue at
 * once: queued again while it runs, it stays pending and runs on the
 * same worker after the running instance returns.
 */
#include <linux/compiler.h>
#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/list.h>

struct work_struct;
struct workqueue_struct;
typedef void (*work_func_t)(struct work_struct *work);

enum {
	WORK_STRUCT_PENDING_BIT = 0,	/* queued, not yet started */
	WORK_STRUCT_CANCELING_BIT = 1,	/* SIM: cancel_work_sync() running */
};

struct work_struct {
	atomic_long_t data;		/* WORK_STRUCT_* bits */
	struct list_head entry;		/* on the workqueue's list */
	work_func_t func;
	/* SIM: which queue it was last queued on, and which instance. */
	struct workqueue_struct *sim_wq;
	unsigned long sim_seq;
};

#define __WORK_INITIALIZER(n, f) {					\
	.data = ATOMIC_LONG_INIT(0),					\
	.entry = { &(n).entry, &(n).entry },				\
	.func = (f),							\
}
#define DECLARE_WORK(n, f)	struct work_struct n = __WORK_INITIALIZER(n, f)

#define INIT_WORK(_work, _func) do {					\
	atomic_long_set(&(_work)->data, 0);				\
	INIT_LIST_HEAD(&(_work)->entry);				\
	(_work)->func = (_func);					\
	(_work)->sim_wq = NULL;						\
	(_work)->sim_seq = 0;						\
} while (0)
#define INIT_WORK_ONSTACK(_work, _func)	INIT_WORK(_work, _func)

#define work_data_bits(work)	((unsigned long *)(&(work)->data.counter))
#define work_pending(work)	test_bit(WORK_STRUCT_PENDING_BIT, work_data_bits(work))

enum {
	WQ_UNBOUND		= 1 << 1,
	WQ_FREEZABLE		= 1 << 2,
	WQ_MEM_RECLAIM		= 1 << 3,
	WQ_HIGHPRI		= 1 << 4,
	WQ_CPU_INTENSIVE	= 1 << 5,
	WQ_SYSFS		= 1 << 6,
	__WQ_ORDERED		= 1 << 17,

	WQ_MAX_ACTIVE		= 512,
	WQ_DFL_ACTIVE		= WQ_MAX_ACTIVE / 2,
};

extern __attribute__((__visibility__("hidden")))
	struct workqueue_struct *sim_system_wq;
#define system_wq		sim_system_wq
#define system_unbound_wq	sim_system_wq
#define system_long_wq		sim_system_wq

__printf(1, 4) struct workqueue_struct *
sim_alloc_workqueue(const char *fmt, unsigned int flags, int max_active, ...);
void sim_destroy_workqueue(struct workqueue_struct *wq);
bool sim_queue_work(struct workqueue_struct *wq, struct work_struct *work);
bool sim_schedule_work(struct work_struct *work);
bool sim_flush_work(struct work_struct *work);
bool sim_cancel_work(struct work_struct *work);
bool sim_cancel_work_sync(struct work_struct *work);
void sim_flush_workqueue(struct workqueue_struct *wq);
void sim_drain_workqueue(struct workqueue_struct *wq);

/* NULL if memory or a thread could not be had. */
#define alloc_workqueue(fmt, flags, max_active, ...)			\
	sim_alloc_workqueue(fmt, flags, max_active, ##__VA_ARGS__)
#define alloc_ordered_workqueue(fmt, flags, ...)			\
	sim_alloc_workqueue(fmt, WQ_UNBOUND | __WQ_ORDERED | (flags), 1, \
			    ##__VA_ARGS__)
#define create_workqueue(name)		alloc_workqueue("%s", WQ_MEM_RECLAIM, 1, (name))
#define create_singlethread_workqueue(name)				\
	alloc_ordered_workqueue("%s", WQ_MEM_RECLAIM, (name))
#define destroy_workqueue(wq)		sim_destroy_workqueue(wq)

/* false if @work was already pending. */
#define queue_work(wq, work)		sim_queue_work(wq, work)
#define queue_work_on(cpu, wq, work)	sim_queue_work(wq, work)
#define schedule_work(work)		sim_schedule_work(work)
#define schedule_work_on(cpu, work)	sim_schedule_work(work)

/*
 * Waits until the instances of @work pending or running at the call have
 * finished (not later re-queueings); true if it waited.
 */
#define flush_work(work)		sim_flush_work(work)
/* Dequeues @work if pending; the _sync form also waits for it to finish. */
#define cancel_work(work)		sim_cancel_work(work)
#define cancel_work_sync(work)		sim_cancel_work_sync(work)
#define flush_workqueue(wq)		sim_flush_workqueue(wq)
#define drain_workqueue(wq)		sim_drain_workqueue(wq)
#define flush_scheduled_work()		sim_flush_workqueue(system_wq)

/*
 * Delayed work: a work item queued by the timer thread once @delay
 * jiffies have passed.  SIM: the timer is the simulator's own thread,
 * not a timer_list; pending covers the timer and the queue, as in Linux.
 */
struct delayed_work {
	struct work_struct work;
	struct workqueue_struct *wq;	/* where the timer queues it */
	unsigned long expires;		/* jiffies */
	struct list_head timer_entry;	/* on the timer's list while armed */
};

#define INIT_DELAYED_WORK(_dwork, _func) do {				\
	INIT_WORK(&(_dwork)->work, (_func));				\
	(_dwork)->wq = NULL;						\
	(_dwork)->expires = 0;						\
	INIT_LIST_HEAD(&(_dwork)->timer_entry);				\
} while (0)

static inline struct delayed_work *to_delayed_work(struct work_struct *work)
{
	return (struct delayed_work *)((char *)work -
				       __builtin_offsetof(struct delayed_work, work));
}

bool sim_queue_delayed_work(struct workqueue_struct *wq,
			    struct delayed_work *dwork, unsigned long delay);
bool sim_flush_delayed_work(struct delayed_work *dwork);
bool sim_cancel_delayed_work_sync(struct delayed_work *dwork);

/* false if @dwork was already pending (armed or queued). */
#define queue_delayed_work(wq, dwork, delay)				\
	sim_queue_delayed_work(wq, dwork, delay)
#define schedule_delayed_work(dwork, delay)				\
	sim_queue_delayed_work(system_wq, dwork, delay)
/* Queues an armed timer at once, then waits as flush_work(). */
#define flush_delayed_work(dwork)	sim_flush_delayed_work(dwork)
/* Disarms or dequeues, then waits for a running instance. */
#define cancel_delayed_work_sync(dwork)	sim_cancel_delayed_work_sync(dwork)

#endif /* _LINUX_WORKQUEUE_H */
