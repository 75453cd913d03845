/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_LOCAL_LOCK_H
#define _LINUX_LOCAL_LOCK_H

/*
 * local_lock_t: a lock for per-CPU data, used on a per-CPU variable as
 * local_lock(&pcpu_var.lock).  As in the kernel (!PREEMPT_RT) it is
 * preempt_disable(), which here takes the simulated CPU's lock; with
 * CONFIG_DEBUG_SPINLOCK the CPU's copy records its owner, catches
 * recursion and unlock by another thread.
 */
#include <linux/compiler.h>
#include <linux/percpu.h>
#include <linux/preempt.h>

typedef struct {
	int owner;		/* owning thread id, debug builds */
} local_lock_t;

#define INIT_LOCAL_LOCK(lockname)	{ .owner = 0 }

void sim_local_lock_acquired(local_lock_t *l);
void sim_local_lock_release(local_lock_t *l);

/* On one CPU's lock, e.g. local_lock_init(per_cpu_ptr(&v.lock, cpu)). */
#define local_lock_init(lock)						\
	__atomic_store_n(&(lock)->owner, 0, __ATOMIC_RELAXED)

#define local_lock(lock) do {						\
	preempt_disable();						\
	if (IS_ENABLED(CONFIG_DEBUG_SPINLOCK))				\
		sim_local_lock_acquired(this_cpu_ptr(lock));		\
} while (0)

#define local_unlock(lock) do {						\
	if (IS_ENABLED(CONFIG_DEBUG_SPINLOCK))				\
		sim_local_lock_release(this_cpu_ptr(lock));		\
	preempt_enable();						\
} while (0)

#define local_lock_irq(lock)		local_lock(lock)
#define local_unlock_irq(lock)		local_unlock(lock)
#define local_lock_irqsave(lock, flags) do {				\
	(flags) = 0;							\
	local_lock(lock);						\
} while (0)
#define local_unlock_irqrestore(lock, flags) do {			\
	(void)(flags);							\
	local_unlock(lock);						\
} while (0)

#endif /* _LINUX_LOCAL_LOCK_H */
