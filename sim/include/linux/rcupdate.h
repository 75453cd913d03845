/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef __LINUX_RCUPDATE_H
#define __LINUX_RCUPDATE_H

/*
 * RCU on liburcu's "bulletproof" flavour (urcu-bp): read-side critical
 * sections register the calling thread on first use, so a program that
 * never heard of RCU can call into the library from any thread.
 * liburcu's headers are kept out of here (their struct rcu_head and
 * rcu_dereference() clash with the kernel's); kernel/rcu.c wraps them.
 *
 * SIM: call_rcu() callbacks run on one simulator thread, in order, after
 * a full grace period; rcu_barrier() waits for all callbacks queued
 * before it.  Read sections are not preemption-disabled sections.
 */
#include <linux/compiler.h>
#include <linux/types.h>
#include <linux/bug.h>
#include <linux/lockdep.h>

/* Same layout as the kernel's callback_head (and liburcu's rcu_head). */
struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
};
#define callback_head rcu_head
typedef void (*rcu_callback_t)(struct rcu_head *head);

void sim_rcu_read_lock(void);
void sim_rcu_read_unlock(void);
int sim_rcu_read_lock_held(void);
void sim_synchronize_rcu(void);
void sim_call_rcu(struct rcu_head *head, rcu_callback_t func);
void sim_rcu_barrier(void);

#define rcu_read_lock()			sim_rcu_read_lock()
#define rcu_read_unlock()		sim_rcu_read_unlock()
#define rcu_read_lock_held()		sim_rcu_read_lock_held()
#define synchronize_rcu()		sim_synchronize_rcu()
#define synchronize_rcu_expedited()	sim_synchronize_rcu()
#define call_rcu(head, func)		sim_call_rcu(head, func)
#define rcu_barrier()			sim_rcu_barrier()

/* SIM: one flavour: the _bh and _sched read sides are plain RCU. */
#define rcu_read_lock_bh()		rcu_read_lock()
#define rcu_read_unlock_bh()		rcu_read_unlock()
#define rcu_read_lock_sched()		rcu_read_lock()
#define rcu_read_unlock_sched()		rcu_read_unlock()

#ifdef CONFIG_LOCKDEP
#define RCU_LOCKDEP_WARN(c, s)		WARN_ON_ONCE(c)
#else
#define RCU_LOCKDEP_WARN(c, s)		do { } while (0 && (c))
#endif

/*
 * Publication and subscription.  rcu_dereference() is an acquire load
 * (GCC turns consume into acquire anyway); rcu_assign_pointer() a
 * release store.
 */
#define rcu_dereference_raw(p)		__atomic_load_n(&(p), __ATOMIC_ACQUIRE)
#define rcu_dereference_check(p, c)	({				\
	RCU_LOCKDEP_WARN(!((c) || rcu_read_lock_held()),		\
			 "suspicious rcu_dereference_check() usage");	\
	rcu_dereference_raw(p); })
#define rcu_dereference(p)		rcu_dereference_check(p, 0)
#define rcu_dereference_bh(p)		rcu_dereference(p)
#define rcu_dereference_sched(p)	rcu_dereference(p)
#define rcu_dereference_protected(p, c)	({				\
	RCU_LOCKDEP_WARN(!(c),						\
			 "suspicious rcu_dereference_protected() usage"); \
	__atomic_load_n(&(p), __ATOMIC_RELAXED); })
#define rcu_access_pointer(p)		__atomic_load_n(&(p), __ATOMIC_RELAXED)
#define rcu_assign_pointer(p, v)	__atomic_store_n(&(p), (v), __ATOMIC_RELEASE)
#define RCU_INIT_POINTER(p, v)		__atomic_store_n(&(p), (v), __ATOMIC_RELAXED)
#define rcu_replace_pointer(p, v, c)	({				\
	typeof(p) __old = rcu_dereference_protected(p, c);		\
	rcu_assign_pointer(p, v);					\
	__old; })

#endif /* __LINUX_RCUPDATE_H */
