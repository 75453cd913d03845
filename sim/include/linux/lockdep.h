/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef __LINUX_LOCKDEP_H
#define __LINUX_LOCKDEP_H

#include <linux/compiler.h>
#include <linux/bug.h>
#include <linux/spinlock_types.h>

/*
 * SIM: with CONFIG_LOCKDEP (on with ZSMALLOC_DEBUG_VM) every lock records
 * its owning thread, and lockdep_assert_held() checks that the caller is
 * that thread; it BUG()s where the kernel would WARN, because a test must
 * not go on after it.  A rwlock held for read records no owner: "held"
 * then means "some reader holds it".
 *
 * CONFIG_PROVE_LOCKING (on with it) adds lockdep's dependency graph
 * (kernel/lockdep.c): lock classes keyed by the init site, a held-lock
 * stack per thread, an edge A -> B whenever B is taken while A is held,
 * and a report of the first edge that closes a cycle.
 * CONFIG_DEBUG_ATOMIC_SLEEP counts the spinlocks, rwlocks and bit
 * spinlocks a thread holds, so that might_sleep() (linux/sched.h) sees
 * them as the kernel's preempt count would.  Neither costs anything in
 * a release build: the hooks below compile to nothing there.
 */
struct mutex;

/*
 * A lock class, named by its init site.  The init macros (spin_lock_init(),
 * rwlock_init(), mutex_init()) define one static key per call site, as
 * the kernel's do, so every lock set up there is one class.
 */
struct lock_class_key {
	const char *name;	/* the init macro's argument, e.g. "&class->lock" */
	const char *file;
	int line;
};

#ifdef CONFIG_PROVE_LOCKING
#define SIM_LOCK_CLASS_KEY(var, lockname)				\
	static const struct lock_class_key var = { lockname, __FILE__, __LINE__ }
#define SIM_LOCK_CLASS_PTR(var)		(&(var))
#else
#define SIM_LOCK_CLASS_KEY(var, lockname)	do { } while (0)
#define SIM_LOCK_CLASS_PTR(var)		((const struct lock_class_key *)0)
#endif

/* sim_lockdep_acquire() flags */
#define SIM_LOCKDEP_READ	1u	/* a shared (read) acquisition */
#define SIM_LOCKDEP_TRY		2u	/* a trylock that succeeded: no edges */

/* kernel/lockdep.c */
void sim_lockdep_acquire(const void *lock, const struct lock_class_key *key,
			 const char *kind, unsigned int flags);
void sim_lockdep_release(const void *lock);
/* The last inversion report ("" if none), for tests. */
const char *sim_lockdep_report(void);
void sim_lockdep_write_report(void);
/* false after a report, or in a build or run without the graph */
bool sim_lockdep_enabled(void);
/* Tests only: forget all classes and edges, check again. */
void sim_lockdep_reset(void);

/*
 * Spinning locks this thread holds (spinlocks, rwlocks, bit spinlocks):
 * in the kernel each of them disables preemption.
 */
extern __thread __attribute__((__tls_model__("initial-exec"),
			       __visibility__("hidden")))
	int sim_lockdep_atomic;

static __always_inline void lock_acquire(const void *lock,
					 const struct lock_class_key *key,
					 const char *kind, unsigned int flags)
{
#ifdef CONFIG_PROVE_LOCKING
	sim_lockdep_acquire(lock, key, kind, flags);
#else
	(void)lock; (void)key; (void)kind; (void)flags;
#endif
}

static __always_inline void lock_release(const void *lock)
{
#ifdef CONFIG_PROVE_LOCKING
	sim_lockdep_release(lock);
#else
	(void)lock;
#endif
}

/* A spinning lock was taken / let go: in_atomic() for might_sleep(). */
static __always_inline void sim_atomic_lock_enter(void)
{
#ifdef CONFIG_DEBUG_ATOMIC_SLEEP
	sim_lockdep_atomic++;
#endif
}

static __always_inline void sim_atomic_lock_exit(void)
{
#ifdef CONFIG_DEBUG_ATOMIC_SLEEP
	/* Not below 0: a test may let go of a lock another thread took. */
	if (likely(sim_lockdep_atomic > 0))
		sim_lockdep_atomic--;
#endif
}

int sim_gettid(void);
bool sim_spin_held_by_me(const spinlock_t *lock);
bool sim_rwlock_held_by_me(const rwlock_t *lock);
bool sim_rwlock_write_held_by_me(const rwlock_t *lock);
bool sim_rwlock_read_held(const rwlock_t *lock);
bool sim_mutex_held_by_me(const struct mutex *lock);

#ifdef CONFIG_LOCKDEP

#define lockdep_is_held(l) _Generic((l),				\
	spinlock_t *: sim_spin_held_by_me,				\
	const spinlock_t *: sim_spin_held_by_me,			\
	rwlock_t *: sim_rwlock_held_by_me,				\
	const rwlock_t *: sim_rwlock_held_by_me,			\
	struct mutex *: sim_mutex_held_by_me,				\
	const struct mutex *: sim_mutex_held_by_me)(l)

#define lockdep_assert_held(l) do {					\
	if (unlikely(!lockdep_is_held(l)))				\
		sim_bug(__FILE__, __LINE__, __func__,			\
			"lockdep_assert_held(" #l ")");			\
} while (0)

#define lockdep_assert_held_write(l) do {				\
	if (unlikely(!sim_rwlock_write_held_by_me(l)))			\
		sim_bug(__FILE__, __LINE__, __func__,			\
			"lockdep_assert_held_write(" #l ")");		\
} while (0)

#define lockdep_assert_held_read(l) do {				\
	if (unlikely(!sim_rwlock_read_held(l)))				\
		sim_bug(__FILE__, __LINE__, __func__,			\
			"lockdep_assert_held_read(" #l ")");		\
} while (0)

#else /* !CONFIG_LOCKDEP */

#define lockdep_is_held(l)		({ (void)(l); 1; })
#define lockdep_assert_held(l)		do { (void)(l); } while (0)
#define lockdep_assert_held_write(l)	do { (void)(l); } while (0)
#define lockdep_assert_held_read(l)	do { (void)(l); } while (0)

#endif /* CONFIG_LOCKDEP */

/*
 * SIM: the bit locks this thread holds for longer than one call, in every
 * build.  The kernel's lockdep keeps a task's held locks in
 * current->held_locks and reports a task that takes a lock it already
 * holds; bit spinlocks are invisible to it, and the simulator has no task
 * struct.  zsmalloc pins an object with a bit lock from
 * zs_obj_read_begin() to zs_obj_read_end(); a thread that pins the same
 * object again would spin on its own pin for ever.  With this table the
 * second pin is told apart from one held by another thread, on the slow
 * path only, and an unpin without a pin is caught.
 *
 * A few slots per thread, searched linearly; a thread holding more locks
 * than that is no longer tracked precisely (lockdep_bit_held() says -1).
 */
#define LOCKDEP_BIT_SLOTS	8

struct lockdep_held_bits {
	const unsigned long *word[LOCKDEP_BIT_SLOTS];
	unsigned int overflow;		/* held locks that found no slot */
};

/* One table per thread for the whole library (kernel/lockdep.c). */
extern __thread __attribute__((__tls_model__("initial-exec"), __visibility__("hidden")))
struct lockdep_held_bits lockdep_held_bits;

/* This thread now holds the bit lock in @word. */
static inline void lockdep_bit_acquire(const unsigned long *word)
{
	unsigned int i;

	for (i = 0; i < LOCKDEP_BIT_SLOTS; i++) {
		if (!lockdep_held_bits.word[i]) {
			lockdep_held_bits.word[i] = word;
			return;
		}
	}
	lockdep_held_bits.overflow++;
}

/* This thread let go of the bit lock in @word. */
static inline void lockdep_bit_release(const unsigned long *word)
{
	unsigned int i;

	for (i = 0; i < LOCKDEP_BIT_SLOTS; i++) {
		if (lockdep_held_bits.word[i] == word) {
			lockdep_held_bits.word[i] = (const unsigned long *)0;
			return;
		}
	}
	if (lockdep_held_bits.overflow)
		lockdep_held_bits.overflow--;
}

/* 1: this thread holds the bit lock in @word; 0: it does not; -1: unknown. */
static inline int lockdep_bit_held(const unsigned long *word)
{
	unsigned int i;

	for (i = 0; i < LOCKDEP_BIT_SLOTS; i++)
		if (lockdep_held_bits.word[i] == word)
			return 1;
	return lockdep_held_bits.overflow ? -1 : 0;
}

#define lockdep_set_class(lock, key)		sim_lock_set_dep_key(lock, key)
#define lockdep_assert_irqs_disabled()		do { } while (0)
#define lockdep_assert_irqs_enabled()		do { } while (0)
#define SINGLE_DEPTH_NESTING			1

#endif /* __LINUX_LOCKDEP_H */
