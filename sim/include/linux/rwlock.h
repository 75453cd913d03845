/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef __LINUX_RWLOCK_H
#define __LINUX_RWLOCK_H

/*
 * rwlock_t like the kernel's queued rwlock in process context: a waiting
 * writer holds new readers back, so writers are not starved (and, as in
 * the kernel, a reader must not take the lock recursively while a
 * writer may be waiting).  Waiters spin briefly, then sleep on a futex.
 */
#include <linux/compiler.h>
#include <linux/types.h>
#include <linux/bug.h>
#include <linux/spinlock_types.h>
#include <linux/lockdep.h>
#include <linux/fault-inject.h>

#define SIM_RW_WRITER		0x80000000u	/* a writer holds it */
#define SIM_RW_WRITER_WAITING	0x40000000u	/* a writer waits: readers hold back */
#define SIM_RW_SLEEPERS		0x20000000u	/* someone sleeps on the word */
#define SIM_RW_READERS		0x1fffffffu	/* readers holding it */

/*
 * Who wakes whom: a thread about to sleep sets SIM_RW_SLEEPERS in the
 * word it then sleeps on, and whoever releases the lock clears the bit
 * in the same atomic operation and wakes every sleeper if it was set.
 * So the decision to wake comes from the releasing operation's own
 * result, and the lock's memory is never read after it is released: a
 * writer may take the lock and free the memory it lives in at once
 * (Linux 6.12 mm/zsmalloc.c's compaction frees a zspage right after
 * taking its lock).  Taking the lock for writing keeps the bit, so that
 * readers asleep behind the writer are woken when it is done.
 */

void sim_read_lock_slow(rwlock_t *lock);
void sim_write_lock_slow(rwlock_t *lock);
void sim_rwlock_wake(rwlock_t *lock);
void sim_rwlock_debug_write_acquired(rwlock_t *lock);
void sim_rwlock_debug_write_release(rwlock_t *lock);
void sim_rwlock_debug_read_release(rwlock_t *lock);

static inline void __rwlock_init(rwlock_t *lock,
				 const struct lock_class_key *key)
{
	__atomic_store_n(&lock->cnt, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&lock->contenders, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&lock->owner, 0, __ATOMIC_RELAXED);
	sim_lock_set_dep_key(lock, key);
}

/* One lockdep class per call site, as in the kernel. */
#define rwlock_init(lock) do {						\
	SIM_LOCK_CLASS_KEY(__key, #lock);				\
	__rwlock_init((lock), SIM_LOCK_CLASS_PTR(__key));		\
} while (0)

static __always_inline int read_trylock(rwlock_t *lock)
{
	unsigned int c;

	sim_sched_hook(SIM_SP_TRYLOCK);
	c = __atomic_load_n(&lock->cnt, __ATOMIC_RELAXED);

	if (sim_fail_trylock(SIM_TRYLOCK_READ))
		return 0;

	while (!(c & (SIM_RW_WRITER | SIM_RW_WRITER_WAITING))) {
		if (__atomic_compare_exchange_n(&lock->cnt, &c, c + 1, true,
						__ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED)) {
			lock_acquire(lock, sim_lock_dep_key(lock), "rwlock",
				     SIM_LOCKDEP_READ | SIM_LOCKDEP_TRY);
			sim_atomic_lock_enter();
			return 1;
		}
	}
	return 0;
}

static __always_inline void read_lock(rwlock_t *lock)
{
	unsigned int c;

	sim_sched_hook(SIM_SP_LOCK);
	lock_acquire(lock, sim_lock_dep_key(lock), "rwlock", SIM_LOCKDEP_READ);
	sim_atomic_lock_enter();
	c = __atomic_load_n(&lock->cnt, __ATOMIC_RELAXED);
	if (likely(!(c & (SIM_RW_WRITER | SIM_RW_WRITER_WAITING))) &&
	    likely(__atomic_compare_exchange_n(&lock->cnt, &c, c + 1, false,
					       __ATOMIC_ACQUIRE,
					       __ATOMIC_RELAXED)))
		return;
	sim_read_lock_slow(lock);
}

static __always_inline void read_unlock(rwlock_t *lock)
{
	unsigned int c, n;

	if (IS_ENABLED(CONFIG_DEBUG_SPINLOCK))
		sim_rwlock_debug_read_release(lock);
	lock_release(lock);
	sim_atomic_lock_exit();
	/* the last reader out clears the sleepers' bit, and wakes them */
	c = __atomic_load_n(&lock->cnt, __ATOMIC_RELAXED);
	do {
		n = c - 1;
		if (!(n & SIM_RW_READERS))
			n &= ~SIM_RW_SLEEPERS;
	} while (!__atomic_compare_exchange_n(&lock->cnt, &c, n, true, __ATOMIC_SEQ_CST,
					      __ATOMIC_RELAXED));
	if (unlikely((c ^ n) & SIM_RW_SLEEPERS))
		sim_rwlock_wake(lock);
	sim_sched_hook(SIM_SP_UNLOCK);
}

static __always_inline int write_trylock(rwlock_t *lock)
{
	unsigned int c = 0;

	sim_sched_hook(SIM_SP_TRYLOCK);
	if (sim_fail_trylock(SIM_TRYLOCK_WRITE))
		return 0;

	/* free, but maybe for readers asleep on a writer that left */
	while (!__atomic_compare_exchange_n(&lock->cnt, &c,
					    SIM_RW_WRITER | (c & SIM_RW_SLEEPERS), false,
					    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		if (c & ~SIM_RW_SLEEPERS)
			return 0;
	lock_acquire(lock, sim_lock_dep_key(lock), "rwlock", SIM_LOCKDEP_TRY);
	sim_atomic_lock_enter();
	if (IS_ENABLED(CONFIG_DEBUG_SPINLOCK))
		sim_rwlock_debug_write_acquired(lock);
	return 1;
}

static __always_inline void write_lock(rwlock_t *lock)
{
	unsigned int c = 0;

	sim_sched_hook(SIM_SP_LOCK);
	lock_acquire(lock, sim_lock_dep_key(lock), "rwlock", 0);
	if (unlikely(!__atomic_compare_exchange_n(&lock->cnt, &c, SIM_RW_WRITER,
						  false, __ATOMIC_ACQUIRE,
						  __ATOMIC_RELAXED)))
		sim_write_lock_slow(lock);
	sim_atomic_lock_enter();
	if (IS_ENABLED(CONFIG_DEBUG_SPINLOCK))
		sim_rwlock_debug_write_acquired(lock);
}

static __always_inline void write_unlock(rwlock_t *lock)
{
	if (IS_ENABLED(CONFIG_DEBUG_SPINLOCK))
		sim_rwlock_debug_write_release(lock);
	lock_release(lock);
	sim_atomic_lock_exit();
	if (unlikely(__atomic_fetch_and(&lock->cnt, ~(SIM_RW_WRITER | SIM_RW_SLEEPERS),
					__ATOMIC_SEQ_CST) & SIM_RW_SLEEPERS))
		sim_rwlock_wake(lock);
	sim_sched_hook(SIM_SP_UNLOCK);
}

/* Does anyone wait for @lock (spinning or asleep)? */
static inline int rwlock_is_contended(const rwlock_t *lock)
{
	return __atomic_load_n(&lock->contenders, __ATOMIC_RELAXED) != 0;
}

static inline int rwlock_is_locked(const rwlock_t *lock)
{
	return (__atomic_load_n(&lock->cnt, __ATOMIC_RELAXED) &
		(SIM_RW_WRITER | SIM_RW_READERS)) != 0;
}

#define read_lock_irq(lock)		read_lock(lock)
#define read_unlock_irq(lock)		read_unlock(lock)
#define read_lock_bh(lock)		read_lock(lock)
#define read_unlock_bh(lock)		read_unlock(lock)
#define write_lock_irq(lock)		write_lock(lock)
#define write_unlock_irq(lock)		write_unlock(lock)
#define write_lock_bh(lock)		write_lock(lock)
#define write_unlock_bh(lock)		write_unlock(lock)
#define read_lock_irqsave(lock, flags)	do { (flags) = 0; read_lock(lock); } while (0)
#define read_unlock_irqrestore(lock, flags) do { (void)(flags); read_unlock(lock); } while (0)
#define write_lock_irqsave(lock, flags)	do { (flags) = 0; write_lock(lock); } while (0)
#define write_unlock_irqrestore(lock, flags) do { (void)(flags); write_unlock(lock); } while (0)
/*
 * write_lock_nested() (Linux 5.19+): a second lock of the same class taken
 * on purpose, as Linux 6.1 mm/zsmalloc.c takes two zspages' locks when it
 * compacts.  SIM: the subclass is dropped, as spin_lock_nested() drops it.
 */
#define write_lock_nested(lock, subclass) do { (void)(subclass); write_lock(lock); } while (0)

#endif /* __LINUX_RWLOCK_H */
