// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * RCU: read sections and grace periods from liburcu-bp, callbacks on a
 * thread of our own.
 *
 * Why the "bulletproof" flavour: libzsmalloc is linked into programs
 * that know nothing about RCU and call it from threads they never
 * register.  urcu-bp registers a reader on its first rcu_read_lock() and
 * unregisters it when the thread exits; the memb and mb flavours require
 * rcu_register_thread() in every reader thread, qsbr also requires
 * periodic quiescent states, and signal needs a signal of the program's.
 * The price, a slower synchronize_rcu(), is paid on update paths.
 *
 * Why our own call_rcu() thread: it is started and joined with the
 * machine (liburcu's worker would outlive zsim_exit() and leak under
 * Valgrind), rcu_barrier() then covers exactly our callbacks, and the
 * queue's mutex tells ThreadSanitizer what happens before a callback.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include <linux/rcupdate.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <sim/internal.h>

/*
 * liburcu-bp's entry points (<urcu/urcu-bp.h>, liburcu 0.12+), declared
 * here because that header also brings liburcu's struct rcu_head and
 * rcu_dereference(), which clash with the kernel's.
 */
extern void urcu_bp_read_lock(void);
extern void urcu_bp_read_unlock(void);
extern int urcu_bp_read_ongoing(void);
extern void urcu_bp_synchronize_rcu(void);

/*
 * ThreadSanitizer does not see inside liburcu: tell it that every read
 * section ended before a grace period happens before what follows it.
 */
#if defined(__SANITIZE_THREAD__)
#define SIM_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SIM_TSAN 1
#endif
#endif
#ifdef SIM_TSAN
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
static char rcu_tsan_gp;
#define tsan_reader_done()	__tsan_release(&rcu_tsan_gp)
#define tsan_gp_done()		__tsan_acquire(&rcu_tsan_gp)
#else
#define tsan_reader_done()	do { } while (0)
#define tsan_gp_done()		do { } while (0)
#endif

static pthread_mutex_t cb_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cb_more = PTHREAD_COND_INITIALIZER;
static pthread_cond_t cb_done_cond = PTHREAD_COND_INITIALIZER;
static struct rcu_head *cb_list, **cb_tail = &cb_list;
static unsigned long cb_queued, cb_done;	/* callbacks ever queued / run */
static bool cb_running, cb_stop;
static pthread_t cb_thread;

/*
 * In a scheduling mode (kernel/sched.c) a read section is not switched
 * away from at scheduling points, as a non-preemptible kernel's is not,
 * and synchronize_rcu() first waits in the scheduler until no other
 * thread is in one, so the grace period never waits for a reader that
 * waits for the CPU.
 */
void sim_rcu_read_lock(void)
{
	urcu_bp_read_lock();
	if (unlikely(__atomic_load_n(&sim_sched_active, __ATOMIC_RELAXED)))
		sim_sched_rcu_enter();
}

void sim_rcu_read_unlock(void)
{
	tsan_reader_done();
	urcu_bp_read_unlock();
	if (unlikely(__atomic_load_n(&sim_sched_active, __ATOMIC_RELAXED)))
		sim_sched_rcu_exit();
}

int sim_rcu_read_lock_held(void)
{
	return urcu_bp_read_ongoing();
}

void sim_synchronize_rcu(void)
{
	might_sleep();
	if (urcu_bp_read_ongoing())
		sim_bug(__FILE__, __LINE__, __func__,
			"synchronize_rcu() inside rcu_read_lock(): would deadlock");
	if (unlikely(__atomic_load_n(&sim_sched_active, __ATOMIC_RELAXED)))
		sim_sched_rcu_sync();
	urcu_bp_synchronize_rcu();
	tsan_gp_done();
}

static void *rcu_cb_thread(void *arg)
{
	struct rcu_head *list, *next;
	unsigned long n;

	pthread_mutex_lock(&cb_lock);
	for (;;) {
		while (!cb_list && !cb_stop)
			pthread_cond_wait(&cb_more, &cb_lock);
		if (!cb_list)
			break;
		/* Take the whole batch: one grace period covers it. */
		list = cb_list;
		cb_list = NULL;
		cb_tail = &cb_list;
		pthread_mutex_unlock(&cb_lock);

		sim_synchronize_rcu();
		for (n = 0; list; list = next, n++) {
			next = list->next;
			list->func(list);
		}

		pthread_mutex_lock(&cb_lock);
		cb_done += n;
		pthread_cond_broadcast(&cb_done_cond);
	}
	pthread_mutex_unlock(&cb_lock);
	return NULL;
}

void sim_call_rcu(struct rcu_head *head, rcu_callback_t func)
{
	sim_machine_get();
	head->func = func;
	head->next = NULL;
	pthread_mutex_lock(&cb_lock);
	if (unlikely(!cb_running)) {
		/* Machine shutting down: no thread left, wait here instead. */
		pthread_mutex_unlock(&cb_lock);
		sim_synchronize_rcu();
		func(head);
		return;
	}
	*cb_tail = head;
	cb_tail = &head->next;
	cb_queued++;
	pthread_cond_signal(&cb_more);
	pthread_mutex_unlock(&cb_lock);
}

void sim_rcu_barrier(void)
{
	unsigned long target;

	pthread_mutex_lock(&cb_lock);
	if ((cb_running || cb_stop) && pthread_equal(pthread_self(), cb_thread))
		sim_bug(__FILE__, __LINE__, __func__,
			"rcu_barrier() from an RCU callback: would deadlock");
	target = cb_queued;
	while (cb_done < target)
		pthread_cond_wait(&cb_done_cond, &cb_lock);
	pthread_mutex_unlock(&cb_lock);
}

int sim_rcu_init(void)
{
	int err;

	pthread_mutex_lock(&cb_lock);
	cb_stop = false;
	err = pthread_create(&cb_thread, NULL, rcu_cb_thread, NULL);
	if (!err) {
		cb_running = true;
		pthread_setname_np(cb_thread, "rcu_cb");
	}
	pthread_mutex_unlock(&cb_lock);
	if (err) {
		sim_set_error("cannot start the RCU callback thread: %s",
			      strerror(err));
		return -err;
	}
	return 0;
}

void sim_rcu_exit(void)
{
	sim_rcu_barrier();
	pthread_mutex_lock(&cb_lock);
	if (!cb_running) {
		pthread_mutex_unlock(&cb_lock);
		return;
	}
	/*
	 * From here call_rcu() waits for its grace period itself; the thread
	 * runs what is queued and leaves.
	 */
	cb_stop = true;
	cb_running = false;
	pthread_cond_signal(&cb_more);
	pthread_mutex_unlock(&cb_lock);
	pthread_join(cb_thread, NULL);
}
