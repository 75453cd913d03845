// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Slow paths of the simulator's locks (the fast paths are inline in
 * linux/spinlock.h, rwlock.h, mutex.h and bit_spinlock.h).
 *
 * Every waiter spins for a short while, because kernel lock hold times
 * are short, and then sleeps on a futex: the host may deschedule a lock
 * holder at any time, and a waiter that kept spinning would burn a whole
 * core for the holder's time slice.
 *
 * In a scheduling mode (kernel/sched.c) only one thread runs, so nobody
 * could release the lock while a waiter spun: waiters skip the spinning
 * and wait in the scheduler (sim_futex_wait() goes there; bit locks
 * call sim_sched_wait_bit()).
 */
#include <errno.h>
#include <sched.h>
#include <time.h>

#include <linux/bit_spinlock.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <sim/futex.h>
#include <sim/internal.h>

/* --- the lock word: spinlock_t, struct mutex, the simulated CPU locks --- */

void sim_lockword_lock_slow(unsigned int *val)
{
	unsigned int c;
	int i;

	for (i = sim_sched_on() ? SIM_SPIN_TRIES : 0; i < SIM_SPIN_TRIES; i++) {
		c = __atomic_load_n(val, __ATOMIC_RELAXED);
		if (c == SIM_LOCK_FREE && sim_lockword_trylock(val))
			return;
		/* Somebody already sleeps: queue behind them at once. */
		if (c == SIM_LOCK_SLEEPERS)
			break;
		sim_cpu_relax();
	}

	/*
	 * Mark the word "held, with sleepers" and sleep until the holder's
	 * unlock sees the mark and wakes us.  Whoever takes the lock from
	 * here keeps the mark, since other sleepers may remain: at worst one
	 * futile wake-up.
	 */
	while ((c = __atomic_exchange_n(val, SIM_LOCK_SLEEPERS,
					__ATOMIC_ACQUIRE)) != SIM_LOCK_FREE)
		sim_futex_wait(val, SIM_LOCK_SLEEPERS);
}

void sim_lockword_wake(unsigned int *val)
{
	sim_futex_wake(val, 1);
}

void sim_spin_lock_slow(spinlock_t *lock)
{
	if (IS_ENABLED(CONFIG_DEBUG_SPINLOCK) &&
	    __atomic_load_n(&lock->owner, __ATOMIC_RELAXED) == sim_gettid())
		sim_bug(__FILE__, __LINE__, __func__,
			"spin_lock(): recursion, the lock is already held by this thread");
	__atomic_fetch_add(&lock->contenders, 1, __ATOMIC_RELAXED);
	sim_lockword_lock_slow(&lock->val);
	__atomic_fetch_sub(&lock->contenders, 1, __ATOMIC_RELAXED);
}

void sim_spin_debug_acquired(spinlock_t *lock)
{
	__atomic_store_n(&lock->owner, sim_gettid(), __ATOMIC_RELAXED);
}

void sim_spin_debug_release(spinlock_t *lock)
{
	if (__atomic_load_n(&lock->val, __ATOMIC_RELAXED) == SIM_LOCK_FREE)
		sim_bug(__FILE__, __LINE__, __func__,
			"spin_unlock(): the lock is not locked");
	if (__atomic_load_n(&lock->owner, __ATOMIC_RELAXED) != sim_gettid())
		sim_bug(__FILE__, __LINE__, __func__,
			"spin_unlock(): the lock is held by another thread");
	__atomic_store_n(&lock->owner, 0, __ATOMIC_RELAXED);
}

bool sim_spin_held_by_me(const spinlock_t *lock)
{
	return __atomic_load_n(&lock->val, __ATOMIC_RELAXED) != SIM_LOCK_FREE &&
	       __atomic_load_n(&lock->owner, __ATOMIC_RELAXED) == sim_gettid();
}

/* --- struct mutex ------------------------------------------------------ */

void sim_mutex_debug_release(struct mutex *lock)
{
	if (__atomic_load_n(&lock->val, __ATOMIC_RELAXED) == SIM_LOCK_FREE)
		sim_bug(__FILE__, __LINE__, __func__,
			"mutex_unlock(): the mutex is not locked");
	if (__atomic_load_n(&lock->owner, __ATOMIC_RELAXED) != sim_gettid())
		sim_bug(__FILE__, __LINE__, __func__,
			"mutex_unlock(): the mutex is held by another thread");
}

bool sim_mutex_held_by_me(const struct mutex *lock)
{
	return mutex_is_locked(lock) &&
	       __atomic_load_n(&lock->owner, __ATOMIC_RELAXED) == sim_gettid();
}

/* --- rwlock_t ------------------------------------------------------------ */

/*
 * Sleep until @lock->cnt changes from @seen.  SIM_RW_SLEEPERS goes into
 * the word first, in one compare-and-swap that also checks it is still
 * @seen; a release clears the bit and wakes in one operation, so either
 * the word moved before we sleep (the futex will not wait) or the
 * release sees the bit and wakes us (linux/rwlock.h).
 */
static void rwlock_sleep(rwlock_t *lock, unsigned int seen)
{
	unsigned int want = seen | SIM_RW_SLEEPERS;

	if (seen != want &&
	    !__atomic_compare_exchange_n(&lock->cnt, &seen, want, false, __ATOMIC_SEQ_CST,
					 __ATOMIC_RELAXED))
		return;
	sim_futex_wait(&lock->cnt, want);
}

void sim_rwlock_wake(rwlock_t *lock)
{
	/* Readers and writers share the word: wake them all, let them race. */
	sim_futex_wake_all(&lock->cnt);
}

static void rwlock_check_recursion(rwlock_t *lock, const char *what)
{
	if (IS_ENABLED(CONFIG_DEBUG_SPINLOCK) &&
	    __atomic_load_n(&lock->owner, __ATOMIC_RELAXED) == sim_gettid())
		sim_bug(__FILE__, __LINE__, __func__, what);
}

void sim_read_lock_slow(rwlock_t *lock)
{
	unsigned int c;
	int spins = sim_sched_on() ? SIM_SPIN_TRIES : 0;

	rwlock_check_recursion(lock,
		"read_lock(): this thread already holds the lock for write");
	__atomic_fetch_add(&lock->contenders, 1, __ATOMIC_RELAXED);
	for (;;) {
		c = __atomic_load_n(&lock->cnt, __ATOMIC_RELAXED);
		if (!(c & (SIM_RW_WRITER | SIM_RW_WRITER_WAITING))) {
			if (__atomic_compare_exchange_n(&lock->cnt, &c, c + 1,
							false, __ATOMIC_ACQUIRE,
							__ATOMIC_RELAXED))
				break;
			continue;
		}
		if (spins++ < SIM_SPIN_TRIES)
			sim_cpu_relax();
		else
			rwlock_sleep(lock, c);
	}
	__atomic_fetch_sub(&lock->contenders, 1, __ATOMIC_RELAXED);
}

void sim_write_lock_slow(rwlock_t *lock)
{
	unsigned int c;
	int spins = sim_sched_on() ? SIM_SPIN_TRIES : 0;

	rwlock_check_recursion(lock,
		"write_lock(): recursion, the lock is already held by this thread");
	__atomic_fetch_add(&lock->contenders, 1, __ATOMIC_RELAXED);
	for (;;) {
		c = __atomic_load_n(&lock->cnt, __ATOMIC_RELAXED);
		if (!(c & ~(SIM_RW_WRITER_WAITING | SIM_RW_SLEEPERS))) {
			/*
			 * Taking the lock clears the waiting mark; any other
			 * waiting writer sets it again when it next looks.
			 * The sleepers' bit stays, for our release to wake.
			 */
			if (__atomic_compare_exchange_n(&lock->cnt, &c,
							SIM_RW_WRITER | (c & SIM_RW_SLEEPERS),
							false, __ATOMIC_ACQUIRE,
							__ATOMIC_RELAXED))
				break;
			continue;
		}
		if (!(c & SIM_RW_WRITER_WAITING)) {
			__atomic_fetch_or(&lock->cnt, SIM_RW_WRITER_WAITING,
					  __ATOMIC_RELAXED);
			continue;
		}
		if (spins++ < SIM_SPIN_TRIES)
			sim_cpu_relax();
		else
			rwlock_sleep(lock, c);
	}
	__atomic_fetch_sub(&lock->contenders, 1, __ATOMIC_RELAXED);
}

void sim_rwlock_debug_write_acquired(rwlock_t *lock)
{
	__atomic_store_n(&lock->owner, sim_gettid(), __ATOMIC_RELAXED);
}

void sim_rwlock_debug_write_release(rwlock_t *lock)
{
	if (!(__atomic_load_n(&lock->cnt, __ATOMIC_RELAXED) & SIM_RW_WRITER))
		sim_bug(__FILE__, __LINE__, __func__,
			"write_unlock(): the lock is not write-locked");
	if (__atomic_load_n(&lock->owner, __ATOMIC_RELAXED) != sim_gettid())
		sim_bug(__FILE__, __LINE__, __func__,
			"write_unlock(): the lock is held by another thread");
	__atomic_store_n(&lock->owner, 0, __ATOMIC_RELAXED);
}

void sim_rwlock_debug_read_release(rwlock_t *lock)
{
	if (!(__atomic_load_n(&lock->cnt, __ATOMIC_RELAXED) & SIM_RW_READERS))
		sim_bug(__FILE__, __LINE__, __func__,
			"read_unlock(): the lock is not read-locked");
}

bool sim_rwlock_write_held_by_me(const rwlock_t *lock)
{
	return (__atomic_load_n(&lock->cnt, __ATOMIC_RELAXED) & SIM_RW_WRITER) &&
	       __atomic_load_n(&lock->owner, __ATOMIC_RELAXED) == sim_gettid();
}

bool sim_rwlock_read_held(const rwlock_t *lock)
{
	return (__atomic_load_n(&lock->cnt, __ATOMIC_RELAXED) & SIM_RW_READERS) != 0;
}

bool sim_rwlock_held_by_me(const rwlock_t *lock)
{
	return sim_rwlock_write_held_by_me(lock) || sim_rwlock_read_held(lock);
}

/* --- bit spinlocks ----------------------------------------------------- */

/*
 * A bit lock lives in a word that also carries data (zsmalloc's handle),
 * so there is no room to record sleepers and nobody to wake them.  Spin,
 * then yield, then sleep with an exponential backoff capped at 1 ms.
 */
void sim_bit_spin_lock_slow(int bitnum, unsigned long *addr)
{
	struct timespec ts = { 0, 1000 };
	int i;

	for (i = 0; ; i++) {
		if (!test_bit(bitnum, addr) &&
		    !test_and_set_bit_lock(bitnum, addr))
			return;
		if (sim_sched_on()) {
			/* bit_spin_unlock() wakes the scheduler's waiters. */
			sim_sched_wait_bit(bitnum, addr);
		} else if (i < SIM_SPIN_TRIES) {
			sim_cpu_relax();
		} else if (i < SIM_SPIN_TRIES + 16) {
			sched_yield();
		} else {
			nanosleep(&ts, NULL);
			if (ts.tv_nsec < 1000000)
				ts.tv_nsec *= 2;
		}
	}
}

void sim_bit_spin_unlock_bug(int bitnum, unsigned long *addr)
{
	sim_bug(__FILE__, __LINE__, __func__,
		"bit_spin_unlock(): the bit is not locked");
}

/* --- wait queues ---------------------------------------------------------- */

/*
 * A waiter counts itself in, then samples the event counter and checks
 * its condition; a waker changes the condition, bumps the counter and
 * then reads the count (all sequentially consistent).  Either the waiter
 * sees the new condition, or its futex sleep sees the bumped counter, or
 * the waker sees the sleeper and wakes it.
 */
void sim_wait_begin(wait_queue_head_t *wq_head)
{
	__atomic_fetch_add(&wq_head->sleepers, 1, __ATOMIC_SEQ_CST);
}

unsigned int sim_wait_prepare(wait_queue_head_t *wq_head)
{
	return __atomic_load_n(&wq_head->seq, __ATOMIC_SEQ_CST);
}

void sim_wait_sleep(wait_queue_head_t *wq_head, unsigned int seq)
{
	sim_futex_wait(&wq_head->seq, seq);
}

void sim_wait_finish(wait_queue_head_t *wq_head)
{
	__atomic_fetch_sub(&wq_head->sleepers, 1, __ATOMIC_SEQ_CST);
}

void sim_wake_up_all(wait_queue_head_t *wq_head)
{
	__atomic_fetch_add(&wq_head->seq, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&wq_head->sleepers, __ATOMIC_SEQ_CST))
		sim_futex_wake_all(&wq_head->seq);
}
