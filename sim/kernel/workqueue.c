// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Workqueues on real threads.  One mutex guards every queue, item and
 * worker: queueing is rare next to allocation, and one lock makes
 * flush/cancel races simple to reason about.  A worker never touches an
 * item after its function returns (the function may free it), so
 * "running" is recorded in the worker, and each queueing of an item gets
 * a sequence number that tells its instances apart.
 *
 * As in Linux, a work item never runs on two workers at once: a worker
 * that takes an item off the list while another worker of the queue
 * still runs it (same item, same function) hands it to that worker's
 * own list instead, and that worker runs it next, after the running
 * instance returned.  Until then the item stays pending.  flush_work()
 * waits for every instance queued or running when it was called.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bug.h>
#include <linux/cpumask.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/workqueue.h>
#include <sim/internal.h>

#define WQ_MAX_WORKERS	8

struct worker {
	pthread_t thread;
	struct workqueue_struct *wq;
	struct work_struct *current_work;	/* valid while running */
	work_func_t current_func;
	unsigned long current_seq;		/* 0 when idle */
	struct list_head scheduled;		/* collided items: run next */
	bool started;
};

struct workqueue_struct {
	char name[32];
	unsigned int flags;
	struct list_head worklist;		/* pending items, FIFO */
	struct list_head node;			/* on the workqueues list */
	pthread_cond_t more_work;		/* workers wait here */
	pthread_cond_t done;			/* flushers wait here */
	bool draining;				/* destroy: only chained queueing */
	bool stopping;				/* workers leave when idle */
	int nr_workers;
	struct worker workers[];
};

static pthread_mutex_t wq_pool_mutex = PTHREAD_MUTEX_INITIALIZER;
static LIST_HEAD(workqueues);
static unsigned long work_seq;			/* last instance number */
struct workqueue_struct *sim_system_wq;

/* Delayed works: armed ones wait on this list for the timer thread. */
static LIST_HEAD(timer_list);
static pthread_cond_t timer_cond;		/* CLOCK_MONOTONIC */
static pthread_t timer_thread;
static bool timer_started, timer_stopping;

static inline void set_work_bit(int bit, struct work_struct *work)
{
	set_bit(bit, work_data_bits(work));
}

static inline void clear_work_bit(int bit, struct work_struct *work)
{
	clear_bit(bit, work_data_bits(work));
}

/* Is the caller one of @wq's workers? */
static struct worker *current_worker(struct workqueue_struct *wq)
{
	int i;

	for (i = 0; i < wq->nr_workers; i++)
		if (wq->workers[i].started &&
		    pthread_equal(wq->workers[i].thread, pthread_self()))
			return &wq->workers[i];
	return NULL;
}

static bool work_running(struct workqueue_struct *wq, struct work_struct *work,
			 unsigned long *seq)
{
	bool found = false;
	int i;

	for (i = 0; i < wq->nr_workers; i++) {
		struct worker *w = &wq->workers[i];

		if (w->current_seq && w->current_work == work) {
			if (seq && (!found || w->current_seq > *seq))
				*seq = w->current_seq;
			found = true;
		}
	}
	return found;
}

static bool wq_busy(struct workqueue_struct *wq)
{
	int i;

	if (!list_empty(&wq->worklist))
		return true;
	for (i = 0; i < wq->nr_workers; i++)
		if (wq->workers[i].current_seq ||
		    !list_empty(&wq->workers[i].scheduled))
			return true;
	return false;
}

/*
 * Which other worker of @wq is running @work now?  The function is
 * compared too: a running item may have freed itself, and a new item
 * at the same address is another item.
 */
static struct worker *worker_executing(struct workqueue_struct *wq,
				       struct worker *self,
				       struct work_struct *work)
{
	int i;

	for (i = 0; i < wq->nr_workers; i++) {
		struct worker *w = &wq->workers[i];

		if (w != self && w->current_seq && w->current_work == work &&
		    w->current_func == work->func)
			return w;
	}
	return NULL;
}

/*
 * Caller holds the mutex: the next item @worker may run, off its own
 * list first, then the queue's; NULL when there is none.
 */
static struct work_struct *next_work(struct worker *worker)
{
	struct workqueue_struct *wq = worker->wq;
	struct work_struct *work;
	struct worker *busy;

	if (!list_empty(&worker->scheduled))
		return list_first_entry(&worker->scheduled,
					struct work_struct, entry);
	while (!list_empty(&wq->worklist)) {
		work = list_first_entry(&wq->worklist, struct work_struct, entry);
		busy = worker_executing(wq, worker, work);
		if (!busy)
			return work;
		/* Still pending; it runs on @busy when the instance returns. */
		list_move_tail(&work->entry, &busy->scheduled);
	}
	return NULL;
}

static void *worker_thread(void *arg)
{
	struct worker *worker = arg;
	struct workqueue_struct *wq = worker->wq;
	struct work_struct *work;
	work_func_t func;

	pthread_mutex_lock(&wq_pool_mutex);
	for (;;) {
		while (!(work = next_work(worker)) && !wq->stopping)
			pthread_cond_wait(&wq->more_work, &wq_pool_mutex);
		if (!work)
			break;
		list_del_init(&work->entry);
		/* As the kernel: it may be queued again while it runs. */
		clear_work_bit(WORK_STRUCT_PENDING_BIT, work);
		func = work->func;
		worker->current_work = work;
		worker->current_func = func;
		worker->current_seq = work->sim_seq;
		pthread_mutex_unlock(&wq_pool_mutex);

		func(work);

		pthread_mutex_lock(&wq_pool_mutex);
		worker->current_work = NULL;
		worker->current_func = NULL;
		worker->current_seq = 0;
		pthread_cond_broadcast(&wq->done);
	}
	pthread_mutex_unlock(&wq_pool_mutex);
	return NULL;
}

/* Caller holds wq_pool_mutex; @wq is stopping and idle. */
static void wq_join_and_free(struct workqueue_struct *wq)
{
	int i;

	wq->stopping = true;
	pthread_cond_broadcast(&wq->more_work);
	pthread_mutex_unlock(&wq_pool_mutex);
	for (i = 0; i < wq->nr_workers; i++)
		if (wq->workers[i].started)
			pthread_join(wq->workers[i].thread, NULL);
	pthread_mutex_lock(&wq_pool_mutex);
	list_del(&wq->node);
	pthread_mutex_unlock(&wq_pool_mutex);
	pthread_cond_destroy(&wq->more_work);
	pthread_cond_destroy(&wq->done);
	free(wq);
}

static struct workqueue_struct *wq_create(const char *name, unsigned int flags,
					  int max_active)
{
	struct workqueue_struct *wq;
	int i, n, err = 0;

	if (flags & __WQ_ORDERED)
		n = 1;
	else
		n = max_active > 0 ? max_active : (int)nr_cpu_ids;
	if (n > WQ_MAX_WORKERS)
		n = WQ_MAX_WORKERS;

	wq = calloc(1, sizeof(*wq) + n * sizeof(struct worker));
	if (!wq)
		return NULL;
	snprintf(wq->name, sizeof(wq->name), "%s", name);
	wq->flags = flags;
	wq->nr_workers = n;
	INIT_LIST_HEAD(&wq->worklist);
	pthread_cond_init(&wq->more_work, NULL);
	pthread_cond_init(&wq->done, NULL);

	pthread_mutex_lock(&wq_pool_mutex);
	list_add_tail(&wq->node, &workqueues);
	for (i = 0; i < n; i++) {
		char tname[64];	/* "kworker/N:" and any name, whole */

		wq->workers[i].wq = wq;
		INIT_LIST_HEAD(&wq->workers[i].scheduled);
		err = pthread_create(&wq->workers[i].thread, NULL,
				     worker_thread, &wq->workers[i]);
		if (err)
			break;
		wq->workers[i].started = true;
		snprintf(tname, sizeof(tname), "kworker/%d:%s", i, wq->name);
		tname[15] = '\0';	/* the kernel's limit for thread names */
		pthread_setname_np(wq->workers[i].thread, tname);
	}
	if (err) {
		pr_err("workqueue %s: cannot start a worker: %s\n", wq->name,
		       strerror(err));
		wq_join_and_free(wq);	/* drops the mutex */
		return NULL;
	}
	pthread_mutex_unlock(&wq_pool_mutex);
	return wq;
}

struct workqueue_struct *sim_alloc_workqueue(const char *fmt, unsigned int flags,
					     int max_active, ...)
{
	char name[32];
	va_list ap;

	sim_machine_get();
	va_start(ap, max_active);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	if (max_active < 0 || max_active > WQ_MAX_ACTIVE)
		return NULL;
	return wq_create(name, flags, max_active);
}

void sim_destroy_workqueue(struct workqueue_struct *wq)
{
	pthread_mutex_lock(&wq_pool_mutex);
	if (current_worker(wq))
		sim_bug(__FILE__, __LINE__, __func__,
			"destroy_workqueue() from one of its own work items");
	/* Drain: items may still queue more on this workqueue (chaining). */
	wq->draining = true;
	while (wq_busy(wq))
		pthread_cond_wait(&wq->done, &wq_pool_mutex);
	wq_join_and_free(wq);
}

/* Caller holds the mutex and set PENDING: put @work on @wq's list. */
static void insert_work(struct workqueue_struct *wq, struct work_struct *work)
{
	work->sim_wq = wq;
	work->sim_seq = ++work_seq;
	list_add_tail(&work->entry, &wq->worklist);
	pthread_cond_signal(&wq->more_work);
}

/* Caller holds the mutex: may @work be queued on @wq now? */
static bool may_queue(struct workqueue_struct *wq, struct work_struct *work)
{
	if (test_bit(WORK_STRUCT_CANCELING_BIT, work_data_bits(work)))
		return false;
	if (wq->stopping || (wq->draining && !current_worker(wq))) {
		/* The kernel WARNs too: nothing would ever run it. */
		WARN_ON_ONCE(1);
		return false;
	}
	return true;
}

bool sim_queue_work(struct workqueue_struct *wq, struct work_struct *work)
{
	bool ret = false;

	pthread_mutex_lock(&wq_pool_mutex);
	if (!may_queue(wq, work))
		goto out;
	if (test_and_set_bit(WORK_STRUCT_PENDING_BIT, work_data_bits(work)))
		goto out;
	insert_work(wq, work);
	ret = true;
out:
	pthread_mutex_unlock(&wq_pool_mutex);
	/* A wake-up: a scheduling point in a scheduling mode. */
	if (ret)
		sim_sched_hook(SIM_SP_WAKE);
	return ret;
}

/* --- delayed works ------------------------------------------------------ */

bool sim_queue_delayed_work(struct workqueue_struct *wq,
			    struct delayed_work *dwork, unsigned long delay)
{
	struct work_struct *work = &dwork->work;
	bool ret = false;

	pthread_mutex_lock(&wq_pool_mutex);
	if (!wq || !may_queue(wq, work))
		goto out;
	if (test_and_set_bit(WORK_STRUCT_PENDING_BIT, work_data_bits(work)))
		goto out;
	dwork->wq = wq;
	if (!delay || !timer_started) {
		insert_work(wq, work);
	} else {
		dwork->expires = jiffies + delay;
		list_add_tail(&dwork->timer_entry, &timer_list);
		pthread_cond_signal(&timer_cond);
	}
	ret = true;
out:
	pthread_mutex_unlock(&wq_pool_mutex);
	return ret;
}

/* Caller holds the mutex: the armed delayed work expiring first, or NULL. */
static struct delayed_work *first_timer(void)
{
	struct delayed_work *dwork, *first = NULL;

	list_for_each_entry(dwork, &timer_list, timer_entry)
		if (!first || (long)(dwork->expires - first->expires) < 0)
			first = dwork;
	return first;
}

/* Caller holds the mutex: the timer fired (or is forced): queue it. */
static void fire_timer(struct delayed_work *dwork)
{
	list_del_init(&dwork->timer_entry);
	if (dwork->wq->stopping) {
		/* Its workqueue is going: nothing would run it. */
		WARN_ON_ONCE(1);
		clear_work_bit(WORK_STRUCT_PENDING_BIT, &dwork->work);
		return;
	}
	insert_work(dwork->wq, &dwork->work);
}

static void *timer_thread_fn(void *arg)
{
	struct delayed_work *dwork;
	unsigned long now;

	(void)arg;
	pthread_mutex_lock(&wq_pool_mutex);
	while (!timer_stopping) {
		dwork = first_timer();
		if (!dwork) {
			pthread_cond_wait(&timer_cond, &wq_pool_mutex);
			continue;
		}
		now = jiffies;
		if ((long)(dwork->expires - now) <= 0) {
			fire_timer(dwork);
			continue;
		}
		/* Host time free-running; the machine's virtual time scheduled. */
		sim_host_cond_timedwait_jiffies(&timer_cond, &wq_pool_mutex,
						dwork->expires - now);
	}
	pthread_mutex_unlock(&wq_pool_mutex);
	return NULL;
}

bool sim_flush_delayed_work(struct delayed_work *dwork)
{
	pthread_mutex_lock(&wq_pool_mutex);
	if (!list_empty(&dwork->timer_entry))
		fire_timer(dwork);
	pthread_mutex_unlock(&wq_pool_mutex);
	return sim_flush_work(&dwork->work);
}

bool sim_schedule_work(struct work_struct *work)
{
	struct workqueue_struct *wq;

	sim_machine_get();
	pthread_mutex_lock(&wq_pool_mutex);
	wq = sim_system_wq;
	pthread_mutex_unlock(&wq_pool_mutex);
	if (WARN_ON_ONCE(!wq)) {
		/* Shutdown order bug: no workers left; run it here. */
		if (test_and_set_bit(WORK_STRUCT_PENDING_BIT, work_data_bits(work)))
			return false;
		clear_work_bit(WORK_STRUCT_PENDING_BIT, work);
		work->func(work);
		return true;
	}
	return sim_queue_work(wq, work);
}

/*
 * Is an instance of @work numbered @seq or lower still pending or
 * running?  Instances queued later do not count.
 */
static bool instances_alive(struct workqueue_struct *wq, struct work_struct *work,
			    unsigned long seq)
{
	unsigned long running = 0;

	if (work_pending(work) && work->sim_seq <= seq)
		return true;
	return work_running(wq, work, &running) && running <= seq;
}

bool sim_flush_work(struct work_struct *work)
{
	struct workqueue_struct *wq;
	struct worker *self;
	unsigned long seq = 0;
	bool running;

	might_sleep();
	pthread_mutex_lock(&wq_pool_mutex);
	wq = work->sim_wq;
	if (!wq)
		goto idle;
	/*
	 * The pending instance and the one running now, if any: the
	 * pending one runs after the running one, never beside it, but
	 * the wait does not lean on that.
	 */
	running = work_running(wq, work, &seq);
	if (work_pending(work))
		seq = work->sim_seq;
	else if (!running)
		goto idle;
	self = current_worker(wq);
	if (self && self->current_work == work)
		sim_bug(__FILE__, __LINE__, __func__,
			"flush_work() of the work item running it");
	while (instances_alive(wq, work, seq))
		pthread_cond_wait(&wq->done, &wq_pool_mutex);
	pthread_mutex_unlock(&wq_pool_mutex);
	return true;
idle:
	pthread_mutex_unlock(&wq_pool_mutex);
	return false;
}

/* Caller holds the mutex: take @work off its list if it is pending. */
static bool try_to_grab_pending(struct work_struct *work)
{
	if (!work_pending(work))
		return false;
	list_del_init(&work->entry);
	clear_work_bit(WORK_STRUCT_PENDING_BIT, work);
	return true;
}

bool sim_cancel_work(struct work_struct *work)
{
	bool ret;

	pthread_mutex_lock(&wq_pool_mutex);
	ret = try_to_grab_pending(work);
	pthread_mutex_unlock(&wq_pool_mutex);
	return ret;
}

/*
 * Caller holds wq_pool_mutex and has taken @work off the lists: wait for
 * the instance running now, if any, which may not queue or arm @work
 * again meanwhile.  @caller and @what name the cancel in the BUG when
 * the item would wait for itself.
 */
static void wait_cancelled_run(struct workqueue_struct *wq, struct work_struct *work,
			       const char *caller, const char *what)
{
	struct worker *self = current_worker(wq);

	if (self && self->current_work == work)
		sim_bug(__FILE__, __LINE__, caller, what);
	set_work_bit(WORK_STRUCT_CANCELING_BIT, work);
	while (work_running(wq, work, NULL))
		pthread_cond_wait(&wq->done, &wq_pool_mutex);
	clear_work_bit(WORK_STRUCT_CANCELING_BIT, work);
}

bool sim_cancel_work_sync(struct work_struct *work)
{
	struct workqueue_struct *wq;
	bool ret;

	might_sleep();
	pthread_mutex_lock(&wq_pool_mutex);
	ret = try_to_grab_pending(work);
	wq = work->sim_wq;
	if (wq) {
		wait_cancelled_run(wq, work, __func__,
				   "cancel_work_sync() of the work item running it");
	}
	pthread_mutex_unlock(&wq_pool_mutex);
	return ret;
}

bool sim_cancel_delayed_work_sync(struct delayed_work *dwork)
{
	struct work_struct *work = &dwork->work;
	struct workqueue_struct *wq;
	bool ret = false;

	pthread_mutex_lock(&wq_pool_mutex);
	if (!list_empty(&dwork->timer_entry)) {
		list_del_init(&dwork->timer_entry);
		clear_work_bit(WORK_STRUCT_PENDING_BIT, work);
		ret = true;
	}
	ret |= try_to_grab_pending(work);
	wq = work->sim_wq ? work->sim_wq : dwork->wq;
	if (wq) {
		wait_cancelled_run(wq, work, __func__,
				   "cancel_delayed_work_sync() of the work item running it");
	}
	pthread_mutex_unlock(&wq_pool_mutex);
	return ret;
}

void sim_flush_workqueue(struct workqueue_struct *wq)
{
	unsigned long target;
	struct work_struct *first;
	int i;
	bool busy;

	if (!wq)
		return;
	pthread_mutex_lock(&wq_pool_mutex);
	target = work_seq;
	/* Wait for every instance queued up to now; later ones may go on. */
	do {
		busy = false;
		if (!list_empty(&wq->worklist)) {
			first = list_first_entry(&wq->worklist,
						 struct work_struct, entry);
			busy = first->sim_seq <= target;
		}
		for (i = 0; i < wq->nr_workers && !busy; i++) {
			struct worker *w = &wq->workers[i];

			if (w->current_seq && w->current_seq <= target)
				busy = true;
			if (!list_empty(&w->scheduled) &&
			    list_first_entry(&w->scheduled, struct work_struct,
					     entry)->sim_seq <= target)
				busy = true;
		}
		if (busy)
			pthread_cond_wait(&wq->done, &wq_pool_mutex);
	} while (busy);
	pthread_mutex_unlock(&wq_pool_mutex);
}

void sim_drain_workqueue(struct workqueue_struct *wq)
{
	pthread_mutex_lock(&wq_pool_mutex);
	wq->draining = true;
	while (wq_busy(wq))
		pthread_cond_wait(&wq->done, &wq_pool_mutex);
	wq->draining = false;
	pthread_mutex_unlock(&wq_pool_mutex);
}

/* Stop the timer thread; timers still armed are dropped with a warning. */
static void stop_timer(void)
{
	struct delayed_work *dwork;

	pthread_mutex_lock(&wq_pool_mutex);
	if (!timer_started) {
		pthread_mutex_unlock(&wq_pool_mutex);
		return;
	}
	timer_stopping = true;
	pthread_cond_broadcast(&timer_cond);
	pthread_mutex_unlock(&wq_pool_mutex);
	pthread_join(timer_thread, NULL);
	pthread_mutex_lock(&wq_pool_mutex);
	timer_started = false;
	while (!list_empty(&timer_list)) {
		dwork = list_first_entry(&timer_list, struct delayed_work, timer_entry);
		pr_warn("zsim: a delayed work was still armed at shutdown; dropped\n");
		list_del_init(&dwork->timer_entry);
		clear_work_bit(WORK_STRUCT_PENDING_BIT, &dwork->work);
	}
	pthread_mutex_unlock(&wq_pool_mutex);
	pthread_cond_destroy(&timer_cond);
}

int sim_workqueue_init(void)
{
	struct workqueue_struct *wq;
	pthread_condattr_t attr;
	int err;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&timer_cond, &attr);
	pthread_condattr_destroy(&attr);
	timer_stopping = false;
	err = pthread_create(&timer_thread, NULL, timer_thread_fn, NULL);
	if (err) {
		pthread_cond_destroy(&timer_cond);
		sim_set_error("cannot start the workqueue timer: %s", strerror(err));
		return -ENOMEM;
	}
	pthread_setname_np(timer_thread, "wq_timer");
	pthread_mutex_lock(&wq_pool_mutex);
	timer_started = true;
	pthread_mutex_unlock(&wq_pool_mutex);

	/* Not alloc_workqueue(): the machine is half booted. */
	wq = wq_create("events", 0, 0);
	if (!wq) {
		stop_timer();
		sim_set_error("cannot start the system workqueue");
		return -ENOMEM;
	}
	pthread_mutex_lock(&wq_pool_mutex);
	sim_system_wq = wq;
	pthread_mutex_unlock(&wq_pool_mutex);
	return 0;
}

void sim_workqueue_exit(void)
{
	struct workqueue_struct *wq;

	stop_timer();

	pthread_mutex_lock(&wq_pool_mutex);
	wq = sim_system_wq;
	sim_system_wq = NULL;
	pthread_mutex_unlock(&wq_pool_mutex);
	if (wq)
		sim_destroy_workqueue(wq);

	/* Every thread goes with the machine, even of forgotten queues. */
	for (;;) {
		pthread_mutex_lock(&wq_pool_mutex);
		if (list_empty(&workqueues)) {
			pthread_mutex_unlock(&wq_pool_mutex);
			break;
		}
		wq = list_first_entry(&workqueues, struct workqueue_struct, node);
		pthread_mutex_unlock(&wq_pool_mutex);
		pr_warn("zsim: workqueue %s was not destroyed; destroying it at shutdown\n",
			wq->name);
		sim_destroy_workqueue(wq);
	}
}
