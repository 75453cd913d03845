/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef __LINUX_MUTEX_H
#define __LINUX_MUTEX_H

/*
 * A sleeping mutex on the same lock word as spinlock_t: the waiter spins
 * briefly, then sleeps on a futex.  Records its owner, so
 * mutex_is_locked() and lockdep_assert_held() are real.
 */
#include <linux/compiler.h>
#include <linux/types.h>
#include <linux/bug.h>
#include <linux/spinlock.h>
#include <linux/lockdep.h>
#include <linux/sched.h>

struct mutex {
	unsigned int val;	/* SIM_LOCK_FREE / _HELD / _SLEEPERS */
	int owner;		/* owner's thread id, always recorded */
	SIM_DEP_KEY_MEMBER	/* lockdep class, debug builds */
};

#define __MUTEX_INITIALIZER(name)	{ .val = 0, .owner = 0 }
#define DEFINE_MUTEX(name)	struct mutex name = __MUTEX_INITIALIZER(name)

void sim_mutex_debug_release(struct mutex *lock);

static inline void __mutex_init(struct mutex *lock,
				const struct lock_class_key *key)
{
	__atomic_store_n(&lock->val, SIM_LOCK_FREE, __ATOMIC_RELAXED);
	__atomic_store_n(&lock->owner, 0, __ATOMIC_RELAXED);
	sim_lock_set_dep_key(lock, key);
}

/* One lockdep class per call site, as in the kernel. */
#define mutex_init(lock) do {						\
	SIM_LOCK_CLASS_KEY(__key, #lock);				\
	__mutex_init((lock), SIM_LOCK_CLASS_PTR(__key));		\
} while (0)

static inline void mutex_destroy(struct mutex *lock)
{
	BUG_ON(__atomic_load_n(&lock->val, __ATOMIC_RELAXED) != SIM_LOCK_FREE);
}

static inline void mutex_lock(struct mutex *lock)
{
	might_sleep();
	sim_sched_hook(SIM_SP_LOCK);
	lock_acquire(lock, sim_lock_dep_key(lock), "mutex", 0);
	if (unlikely(!sim_lockword_trylock(&lock->val))) {
		if (IS_ENABLED(CONFIG_DEBUG_SPINLOCK))
			BUG_ON(__atomic_load_n(&lock->owner, __ATOMIC_RELAXED) ==
			       sim_gettid());
		sim_lockword_lock_slow(&lock->val);
	}
	__atomic_store_n(&lock->owner, sim_gettid(), __ATOMIC_RELAXED);
}

/* Returns 1 if the mutex was taken, 0 if it is held elsewhere. */
static inline int mutex_trylock(struct mutex *lock)
{
	sim_sched_hook(SIM_SP_TRYLOCK);
	if (!sim_lockword_trylock(&lock->val))
		return 0;
	lock_acquire(lock, sim_lock_dep_key(lock), "mutex", SIM_LOCKDEP_TRY);
	__atomic_store_n(&lock->owner, sim_gettid(), __ATOMIC_RELAXED);
	return 1;
}

static inline void mutex_unlock(struct mutex *lock)
{
	if (IS_ENABLED(CONFIG_DEBUG_SPINLOCK))
		sim_mutex_debug_release(lock);
	lock_release(lock);
	__atomic_store_n(&lock->owner, 0, __ATOMIC_RELAXED);
	sim_lockword_unlock(&lock->val);
	sim_sched_hook(SIM_SP_UNLOCK);
}

static inline bool mutex_is_locked(const struct mutex *lock)
{
	return __atomic_load_n(&lock->val, __ATOMIC_RELAXED) != SIM_LOCK_FREE;
}

#define mutex_lock_nested(lock, subclass)	mutex_lock(lock)
#define mutex_lock_interruptible(lock)		({ mutex_lock(lock); 0; })
#define mutex_lock_killable(lock)		({ mutex_lock(lock); 0; })

#endif /* __LINUX_MUTEX_H */
