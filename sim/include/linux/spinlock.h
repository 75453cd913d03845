/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef __LINUX_SPINLOCK_H
#define __LINUX_SPINLOCK_H

/*
 * Spinlocks and rwlocks (rwlock.h) over a lock word: an uncontended
 * lock or unlock is one atomic instruction, inlined here.  A waiter
 * spins a few hundred times, then sleeps on a futex, so a lock holder
 * that the host descheduled does not make its waiters burn a core.
 *
 * SIM: spin_lock() does not disable preemption (and the _irq/_bh
 * variants disable nothing): the simulated CPU lock that
 * preempt_disable() takes would serialise every spinlock holder that
 * shares a simulated CPU.  Kernel code may not sleep under a spinlock
 * anyway: with CONFIG_DEBUG_ATOMIC_SLEEP the lock counts itself in the
 * thread's atomic depth, so might_sleep() under it is reported, and with
 * CONFIG_PROVE_LOCKING it takes part in lockdep's graph.  With
 * CONFIG_DEBUG_SPINLOCK the lock records its owner, catches recursion
 * and unlock by a thread that does not hold it.
 */
#include <linux/compiler.h>
#include <linux/types.h>
#include <linux/bug.h>
#include <linux/spinlock_types.h>
#include <linux/lockdep.h>
#include <linux/fault-inject.h>

#ifndef cpu_relax
#if defined(__x86_64__) || defined(__i386__)
#define cpu_relax()	__builtin_ia32_pause()
#elif defined(__aarch64__)
#define cpu_relax()	__asm__ __volatile__("yield" ::: "memory")
#else
#define cpu_relax()	barrier()
#endif
#endif

/* Lock word values (Drepper's "futexes are tricky", mutex 2). */
#define SIM_LOCK_FREE		0u
#define SIM_LOCK_HELD		1u
#define SIM_LOCK_SLEEPERS	2u

/* Out of line: kernel/locking.c. */
void sim_lockword_lock_slow(unsigned int *val);
void sim_lockword_wake(unsigned int *val);
void sim_spin_lock_slow(spinlock_t *lock);
void sim_spin_debug_acquired(spinlock_t *lock);
void sim_spin_debug_release(spinlock_t *lock);

static __always_inline bool sim_lockword_trylock(unsigned int *val)
{
	unsigned int old = SIM_LOCK_FREE;

	return __atomic_compare_exchange_n(val, &old, SIM_LOCK_HELD, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static __always_inline void sim_lockword_unlock(unsigned int *val)
{
	if (unlikely(__atomic_exchange_n(val, SIM_LOCK_FREE, __ATOMIC_RELEASE) ==
		     SIM_LOCK_SLEEPERS))
		sim_lockword_wake(val);
}

static inline void __spin_lock_init(spinlock_t *lock,
				    const struct lock_class_key *key)
{
	__atomic_store_n(&lock->val, SIM_LOCK_FREE, __ATOMIC_RELAXED);
	__atomic_store_n(&lock->contenders, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&lock->owner, 0, __ATOMIC_RELAXED);
	sim_lock_set_dep_key(lock, key);
}

/* One lockdep class per call site, as in the kernel. */
#define spin_lock_init(lock) do {					\
	SIM_LOCK_CLASS_KEY(__key, #lock);				\
	__spin_lock_init((lock), SIM_LOCK_CLASS_PTR(__key));		\
} while (0)

static __always_inline void spin_lock(spinlock_t *lock)
{
	sim_sched_hook(SIM_SP_LOCK);
	lock_acquire(lock, sim_lock_dep_key(lock), "spinlock", 0);
	if (unlikely(!sim_lockword_trylock(&lock->val)))
		sim_spin_lock_slow(lock);
	sim_atomic_lock_enter();
	if (IS_ENABLED(CONFIG_DEBUG_SPINLOCK))
		sim_spin_debug_acquired(lock);
}

static __always_inline int spin_trylock(spinlock_t *lock)
{
	sim_sched_hook(SIM_SP_TRYLOCK);
	if (sim_fail_trylock(SIM_TRYLOCK_SPIN))
		return 0;
	if (!sim_lockword_trylock(&lock->val))
		return 0;
	lock_acquire(lock, sim_lock_dep_key(lock), "spinlock", SIM_LOCKDEP_TRY);
	sim_atomic_lock_enter();
	if (IS_ENABLED(CONFIG_DEBUG_SPINLOCK))
		sim_spin_debug_acquired(lock);
	return 1;
}

static __always_inline void spin_unlock(spinlock_t *lock)
{
	if (IS_ENABLED(CONFIG_DEBUG_SPINLOCK))
		sim_spin_debug_release(lock);
	lock_release(lock);
	sim_atomic_lock_exit();
	sim_lockword_unlock(&lock->val);
	sim_sched_hook(SIM_SP_UNLOCK);
}

static inline int spin_is_locked(const spinlock_t *lock)
{
	return __atomic_load_n(&lock->val, __ATOMIC_RELAXED) != SIM_LOCK_FREE;
}

/* Is another thread waiting (spinning or asleep) for @lock? */
static inline int spin_is_contended(const spinlock_t *lock)
{
	return __atomic_load_n(&lock->contenders, __ATOMIC_RELAXED) != 0;
}

#define assert_spin_locked(lock)	BUG_ON(!spin_is_locked(lock))

#define spin_lock_nested(lock, subclass)	spin_lock(lock)
#define spin_lock_irq(lock)			spin_lock(lock)
#define spin_unlock_irq(lock)			spin_unlock(lock)
#define spin_lock_bh(lock)			spin_lock(lock)
#define spin_unlock_bh(lock)			spin_unlock(lock)
#define spin_trylock_irq(lock)			spin_trylock(lock)
#define spin_lock_irqsave(lock, flags) do {				\
	(flags) = 0;							\
	spin_lock(lock);						\
} while (0)
#define spin_unlock_irqrestore(lock, flags) do {			\
	(void)(flags);							\
	spin_unlock(lock);						\
} while (0)
#define spin_trylock_irqsave(lock, flags)				\
	({ (flags) = 0; spin_trylock(lock); })

#include <linux/rwlock.h>

#endif /* __LINUX_SPINLOCK_H */
