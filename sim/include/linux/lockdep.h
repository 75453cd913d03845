/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef __LINUX_LOCKDEP_H
#define __LINUX_LOCKDEP_H

#include <linux/compiler.h>
#include <linux/bug.h>
#include <linux/spinlock_types.h>

/*
 * SIM: there is no lock dependency graph.  With CONFIG_LOCKDEP (on with
 * ZSMALLOC_DEBUG_VM) every lock records its owning thread, and
 * lockdep_assert_held() checks that the caller is that thread; it BUG()s
 * where the kernel would WARN, because a test must not go on after it.
 * A rwlock held for read records no owner: "held" then means "some
 * reader holds it".
 */
struct mutex;

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

static __thread __attribute__((__tls_model__("initial-exec"), __unused__))
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

/* Lock classes and subclasses have no meaning without the graph. */
struct lock_class_key { char __unused; };
#define lockdep_set_class(lock, key)		do { (void)(lock); (void)(key); } while (0)
#define lockdep_assert_irqs_disabled()		do { } while (0)
#define lockdep_assert_irqs_enabled()		do { } while (0)
#define SINGLE_DEPTH_NESTING			1

#endif /* __LINUX_LOCKDEP_H */
