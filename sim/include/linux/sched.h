/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_SCHED_H
#define _LINUX_SCHED_H

/*
 * Scheduling points.  SIM: free-running (the default), the host schedules
 * the threads; cond_resched() yields now and then, schedule_timeout*()
 * and msleep() really sleep, jiffies are CLOCK_MONOTONIC milliseconds.
 * In a scheduling mode (cfg.sched, kernel/sched.c) cond_resched(),
 * schedule() and might_sleep() are points where the deterministic
 * scheduler may switch threads, and jiffies, msleep() and
 * schedule_timeout() are the machine's virtual time.
 * There is no `current` task.
 */
#include <limits.h>
#include <linux/compiler.h>
#include <linux/types.h>
#include <linux/bug.h>
#include <linux/preempt.h>

#define HZ			1000	/* SIM: one jiffy is one millisecond */
#define MAX_SCHEDULE_TIMEOUT	LONG_MAX

void sim_cond_resched(void);
void sim_schedule(void);
long sim_schedule_timeout(long timeout);
void sim_msleep(unsigned int msecs);
unsigned long sim_jiffies(void);
void sim_might_sleep_warn(const char *file, int line, const char *func);

/*
 * might_sleep(): in debug builds (CONFIG_DEBUG_ATOMIC_SLEEP), complain
 * when called with preemption disabled or a spinning lock held (the
 * kernel's "sleeping function called from invalid context").  SIM: a
 * spinlock does not raise preempt_count() (linux/spinlock.h); the
 * thread's count of spinning locks stands in for it here.
 */
#ifdef CONFIG_DEBUG_ATOMIC_SLEEP
#define might_sleep() do {						\
	if (unlikely(in_atomic() || sim_lockdep_atomic))		\
		sim_might_sleep_warn(__FILE__, __LINE__, __func__);	\
	sim_sched_hook(SIM_SP_SLEEP);					\
} while (0)
#else
#define might_sleep()	sim_sched_hook(SIM_SP_SLEEP)
#endif

#define might_sleep_if(cond)	do { if (cond) might_sleep(); } while (0)

#define cond_resched()		({ might_sleep(); sim_cond_resched(); 0; })
#define schedule()		sim_schedule()
#define schedule_timeout(t)	sim_schedule_timeout(t)
#define schedule_timeout_uninterruptible(t)	sim_schedule_timeout(t)
#define schedule_timeout_interruptible(t)	sim_schedule_timeout(t)
#define schedule_timeout_killable(t)		sim_schedule_timeout(t)
#define msleep(ms)		sim_msleep(ms)
#define jiffies			sim_jiffies()
#define msecs_to_jiffies(ms)	((unsigned long)(ms) * HZ / 1000)
#define jiffies_to_msecs(j)	((unsigned int)((j) * 1000 / HZ))
#define signal_pending(p)	0
#define fatal_signal_pending(p)	0
#define need_resched()		0

#endif /* _LINUX_SCHED_H */
