/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
/*
 * The deterministic scheduler's plumbing (kernel/sched.c).  Not a kernel
 * header; lib/ never includes it.
 *
 * With cfg.sched (ZSIM_SCHED) set, every thread that runs kernel code is
 * a task of the scheduler and only the task holding the CPU token runs.
 * The simulator's own host-level waits must then be waits the scheduler
 * knows of, or a thread blocked in the host would keep the token and
 * stop the machine.  So sim/'s sources, which all include sim/internal.h,
 * get the pthread calls below redirected to the sim_host_*() wrappers:
 * free-running, each is the pthread call plus one relaxed load; in the
 * scheduling mode, a task blocks in the scheduler instead of the host.
 * kernel/sched.c itself defines SIM_SCHED_NO_WRAP.
 */
#ifndef _SIM_SCHED_H
#define _SIM_SCHED_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct zsim_config;

/* Boot and shutdown (kernel/machine.c): the caller becomes task 0. */
int sim_sched_init(const struct zsim_config *cfg);
void sim_sched_exit(void);

/* fork() child (kernel/machine.c): forget the scheduler. */
void sim_sched_atfork_child(void);

/* Tests: fail the Nth allocation of the scheduler from now (1 = next). */
extern unsigned int sim_sched_fail_nth;

/* Is the caller a task of the running scheduler? */
bool sim_sched_current_is_task(void);

/* A bit lock's waiter (kernel/locking.c): wait until bit_spin_unlock(). */
void sim_sched_wait_bit(int bitnum, const unsigned long *addr);

/* RCU read sections (kernel/rcu.c): no switch inside one. */
void sim_sched_rcu_enter(void);
void sim_sched_rcu_exit(void);
/* synchronize_rcu(): wait, as a task, until no other task is a reader. */
void sim_sched_rcu_sync(void);

/* Scheduler-aware stand-ins for the pthread calls (see above). */
int sim_host_mutex_lock(pthread_mutex_t *m);
int sim_host_mutex_unlock(pthread_mutex_t *m);
int sim_host_cond_wait(pthread_cond_t *c, pthread_mutex_t *m);
int sim_host_cond_signal(pthread_cond_t *c);
int sim_host_cond_broadcast(pthread_cond_t *c);
int sim_host_thread_create(pthread_t *thread, const pthread_attr_t *attr,
			   void *(*fn)(void *), void *arg);
int sim_host_thread_join(pthread_t thread, void **ret);

/*
 * Wait on @c (a CLOCK_MONOTONIC condition) for at most @timeout jiffies:
 * 0 when signalled (or spuriously woken), ETIMEDOUT when the time passed.
 * Free-running, the time is the host's; in the scheduling mode it is the
 * machine's virtual time, so the wait lasts the same on every run.
 */
int sim_host_cond_timedwait_jiffies(pthread_cond_t *c, pthread_mutex_t *m,
				    unsigned long timeout);

#ifndef SIM_SCHED_NO_WRAP
#define pthread_mutex_lock(m)		sim_host_mutex_lock(m)
#define pthread_mutex_unlock(m)		sim_host_mutex_unlock(m)
#define pthread_cond_wait(c, m)		sim_host_cond_wait(c, m)
#define pthread_cond_signal(c)		sim_host_cond_signal(c)
#define pthread_cond_broadcast(c)	sim_host_cond_broadcast(c)
#define pthread_create(t, a, f, p)	sim_host_thread_create(t, a, f, p)
#define pthread_join(t, r)		sim_host_thread_join(t, r)
#endif

#endif /* _SIM_SCHED_H */
