/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef __LINUX_BIT_SPINLOCK_H
#define __LINUX_BIT_SPINLOCK_H

/*
 * A lock in one bit of a word whose other bits hold data (zsmalloc pins
 * a handle with bit 0 of the handle's word).  Only atomic bit operations
 * touch the lock bit, so concurrent atomic updates of the other bits are
 * never lost.
 *
 * SIM: no preempt_disable(), and a waiter spins, yields, then sleeps with
 * a backoff (kernel/locking.c) instead of spinning until the bit clears.
 * As in the kernel, a bit spinlock has no lockdep map: it is not in the
 * dependency graph, but with CONFIG_DEBUG_ATOMIC_SLEEP it counts in the
 * thread's atomic depth, as the kernel's preempt_disable() there does.
 */
#include <linux/compiler.h>
#include <linux/bitops.h>
#include <linux/bug.h>
#include <linux/lockdep.h>
#include <linux/spinlock_types.h>

void sim_bit_spin_lock_slow(int bitnum, unsigned long *addr);
__noreturn void sim_bit_spin_unlock_bug(int bitnum, unsigned long *addr);

static __always_inline void bit_spin_lock(int bitnum, unsigned long *addr)
{
	sim_sched_hook(SIM_SP_LOCK);
	if (unlikely(test_and_set_bit_lock(bitnum, addr)))
		sim_bit_spin_lock_slow(bitnum, addr);
	sim_atomic_lock_enter();
}

/* Returns 1 if the bit was taken. */
static __always_inline int bit_spin_trylock(int bitnum, unsigned long *addr)
{
	sim_sched_hook(SIM_SP_TRYLOCK);
	if (test_and_set_bit_lock(bitnum, addr))
		return 0;
	sim_atomic_lock_enter();
	return 1;
}

/*
 * The release: the lock bit cleared by an atomic RMW (@rmw), or by the
 * kernel's non-atomic release, a store, only when the holder is the one
 * writer of the whole word (__clear_bit_unlock()).
 */
static __always_inline void sim_bit_spin_release(int bitnum, unsigned long *addr, bool rmw)
{
	if (IS_ENABLED(CONFIG_DEBUG_SPINLOCK) && unlikely(!test_bit(bitnum, addr)))
		sim_bit_spin_unlock_bug(bitnum, addr);
	sim_atomic_lock_exit();
	if (rmw)
		clear_bit_unlock(bitnum, addr);
	else
		__clear_bit_unlock(bitnum, addr);
	/* A scheduled waiter sleeps in the scheduler: wake it, then a point. */
	if (unlikely(__atomic_load_n(&sim_sched_active, __ATOMIC_RELAXED))) {
		sim_sched_wake(addr);
		sim_sched_point(SIM_SP_UNLOCK);
	}
}

static __always_inline void bit_spin_unlock(int bitnum, unsigned long *addr)
{
	sim_bit_spin_release(bitnum, addr, true);
}

/* The kernel's non-atomic release: a store where bit_spin_unlock() costs an RMW. */
static __always_inline void __bit_spin_unlock(int bitnum, unsigned long *addr)
{
	sim_bit_spin_release(bitnum, addr, false);
}

static inline int bit_spin_is_locked(int bitnum, unsigned long *addr)
{
	return test_bit(bitnum, addr);
}

#endif /* __LINUX_BIT_SPINLOCK_H */
