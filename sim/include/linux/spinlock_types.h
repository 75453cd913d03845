/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef __LINUX_SPINLOCK_TYPES_H
#define __LINUX_SPINLOCK_TYPES_H

#include <linux/kconfig.h>
#include <linux/compiler.h>
#include <linux/types.h>

struct lock_class_key;

/* The lockdep class key of a lock: a member in CONFIG_PROVE_LOCKING only. */
#ifdef CONFIG_PROVE_LOCKING
#define SIM_DEP_KEY_MEMBER	const struct lock_class_key *dep_key;
#define SIM_DEP_KEY_INIT	, 0
#define sim_lock_dep_key(lock)		((lock)->dep_key)
#define sim_lock_set_dep_key(lock, key)	((lock)->dep_key = (key))
#else
#define SIM_DEP_KEY_MEMBER
#define SIM_DEP_KEY_INIT
#define sim_lock_dep_key(lock)		((const struct lock_class_key *)0)
#define sim_lock_set_dep_key(lock, key)	((void)(lock), (void)(key))
#endif

/*
 * SIM: locks are words driven by atomics and futexes (sim/kernel/locking.c):
 * a waiter spins briefly, then sleeps, so a descheduled holder does not make
 * waiters burn a core.  With CONFIG_DEBUG_SPINLOCK the owner thread is
 * recorded so that lockdep_assert_held() really checks.  With
 * CONFIG_PROVE_LOCKING each lock also points at the class key of the
 * spin_lock_init() / rwlock_init() that set it up (linux/lockdep.h); a
 * lock set up by an initializer has none and is its own class.
 */
typedef struct spinlock {
	unsigned int val;	/* 0 free, 1 locked, 2 locked with sleepers */
	unsigned int contenders;	/* threads waiting, spinning or asleep */
	int owner;		/* owner's thread id, debug builds */
	SIM_DEP_KEY_MEMBER	/* lockdep class, debug builds */
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED(name)	((spinlock_t){ 0, 0, 0 SIM_DEP_KEY_INIT })
#define DEFINE_SPINLOCK(x)	spinlock_t x = { 0, 0, 0 SIM_DEP_KEY_INIT }

typedef struct {
	unsigned int cnt;	/* readers, writer and sleeper bits (linux/rwlock.h) */
	unsigned int contenders;	/* threads waiting, spinning or asleep */
	int owner;		/* writer's thread id, debug builds */
	SIM_DEP_KEY_MEMBER	/* lockdep class, debug builds */
} rwlock_t;

#define __RW_LOCK_UNLOCKED(name)	((rwlock_t){ 0, 0, 0 SIM_DEP_KEY_INIT })
#define DEFINE_RWLOCK(x)	rwlock_t x = { 0, 0, 0 SIM_DEP_KEY_INIT }

/*
 * Scheduling points of the deterministic scheduler (kernel/sched.c).
 * Free-running (the default), a point is one relaxed load of a global
 * that stays 0; with cfg.sched set, the scheduler may switch to another
 * thread there.  The kind is folded into the run's interleaving hash.
 */
enum sim_sched_point_kind {
	SIM_SP_LOCK = 1,	/* about to take a lock */
	SIM_SP_TRYLOCK,		/* about to try one */
	SIM_SP_UNLOCK,		/* just released one */
	SIM_SP_PREEMPT,		/* preempt_enable() to 0 */
	SIM_SP_RESCHED,		/* cond_resched(), schedule() */
	SIM_SP_SLEEP,		/* might_sleep() */
	SIM_SP_WAKE,		/* a workqueue or kcompactd wake-up */
	SIM_SP_EXPLICIT,	/* zsim_sched_point() */
	SIM_SP_BLOCK,		/* the thread waits */
	SIM_SP_EXIT,		/* the thread leaves */
};

extern int sim_sched_active __attribute__((__visibility__("hidden")));
void sim_sched_point(unsigned int kind);
/* Wake every task waiting on @key (a futex word, a bit lock's word). */
void sim_sched_wake(const void *key);

static __always_inline void sim_sched_hook(unsigned int kind)
{
	if (unlikely(__atomic_load_n(&sim_sched_active, __ATOMIC_RELAXED)))
		sim_sched_point(kind);
}

#endif /* __LINUX_SPINLOCK_TYPES_H */
