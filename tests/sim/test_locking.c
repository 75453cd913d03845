// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Spinlocks, rwlocks, bit spinlocks, mutexes and wait queues: mutual
 * exclusion under threads, trylock semantics, owner checks, and waiters
 * that sleep instead of burning a core.
 */
#include <linux/bit_spinlock.h>
#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include "test_helpers.h"

#define NR_THREADS	4

static int iterations(void)
{
	return test_under_valgrind() ? 2000 : 50000;
}

static void run_threads(void *(*fn)(void *), int n, void *arg)
{
	pthread_t t[16];
	int i;

	for (i = 0; i < n; i++)
		assert_int_equal(pthread_create(&t[i], NULL, fn, arg), 0);
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
}

/* --- spinlock ------------------------------------------------------------ */

static DEFINE_SPINLOCK(counter_lock);
static unsigned long counter;

static void *spin_incr(void *arg)
{
	int i;

	for (i = 0; i < iterations(); i++) {
		spin_lock(&counter_lock);
		counter++;
		spin_unlock(&counter_lock);
	}
	return NULL;
}

static void test_spinlock_counter(void **state)
{
	counter = 0;
	run_threads(spin_incr, NR_THREADS, NULL);
	assert_int_equal(counter, (unsigned long)NR_THREADS * iterations());
	assert_false(spin_is_locked(&counter_lock));
}

static void *trylock_other(void *arg)
{
	return (void *)(long)spin_trylock((spinlock_t *)arg);
}

static void test_spin_trylock(void **state)
{
	spinlock_t lock;
	pthread_t t;
	void *ret;

	spin_lock_init(&lock);
	assert_true(spin_trylock(&lock));
	assert_true(spin_is_locked(&lock));
	assert_int_equal(pthread_create(&t, NULL, trylock_other, &lock), 0);
	pthread_join(t, &ret);
	assert_int_equal((long)ret, 0);
	spin_unlock(&lock);
	assert_false(spin_is_locked(&lock));
	assert_int_equal(pthread_create(&t, NULL, trylock_other, &lock), 0);
	pthread_join(t, &ret);
	assert_int_equal((long)ret, 1);
	/* Taken by the thread that has gone: unlock it from here. */
	__atomic_store_n(&lock.owner, sim_gettid(), __ATOMIC_RELAXED);
	spin_unlock(&lock);
}

static void test_spin_irqsave_and_assert(void **state)
{
	spinlock_t lock;
	unsigned long flags = 1234;

	spin_lock_init(&lock);
	EXPECT_BUG(assert_spin_locked(&lock));
	spin_lock_irqsave(&lock, flags);
	assert_spin_locked(&lock);
	spin_unlock_irqrestore(&lock, flags);
	spin_lock_bh(&lock);
	assert_true(spin_is_locked(&lock));
	spin_unlock_bh(&lock);
	assert_false(spin_is_locked(&lock));
}

/* --- lockdep ------------------------------------------------------------- */

struct holder {
	spinlock_t *lock;
	int hold_ms;
	int locked;		/* atomic: the holder has the lock */
};

static void *hold_spin(void *arg)
{
	struct holder *h = arg;

	spin_lock(h->lock);
	__atomic_store_n(&h->locked, 1, __ATOMIC_RELEASE);
	usleep(h->hold_ms * 1000);
	spin_unlock(h->lock);
	return NULL;
}

static void wait_locked(struct holder *h)
{
	while (!__atomic_load_n(&h->locked, __ATOMIC_ACQUIRE))
		usleep(1000);
}

static void test_lockdep_assert_held(void **state)
{
	DEFINE_SPINLOCK(lock);
	DEFINE_RWLOCK(rw);
	DEFINE_MUTEX(mutex);
	struct holder h = { &lock, 100, 0 };
	pthread_t t;

	spin_lock(&lock);
	lockdep_assert_held(&lock);
	spin_unlock(&lock);
	write_lock(&rw);
	lockdep_assert_held(&rw);
	lockdep_assert_held_write(&rw);
	write_unlock(&rw);
	read_lock(&rw);
	lockdep_assert_held_read(&rw);
	read_unlock(&rw);
	mutex_lock(&mutex);
	lockdep_assert_held(&mutex);
	mutex_unlock(&mutex);

	if (!IS_ENABLED(CONFIG_LOCKDEP)) {
		/* Compiled out: not held, yet no BUG. */
		lockdep_assert_held(&lock);
		lockdep_assert_held(&mutex);
		return;
	}
	EXPECT_BUG(lockdep_assert_held(&lock));
	assert_non_null(strstr(test_bug_message, "lockdep_assert_held(&lock)"));
	EXPECT_BUG(lockdep_assert_held(&rw));
	EXPECT_BUG(lockdep_assert_held(&mutex));
	/* Held, but by another thread. */
	assert_int_equal(pthread_create(&t, NULL, hold_spin, &h), 0);
	wait_locked(&h);
	EXPECT_BUG(lockdep_assert_held(&lock));
	pthread_join(t, NULL);
}

static void test_debug_unlock_checks(void **state)
{
	DEFINE_SPINLOCK(lock);
	DEFINE_RWLOCK(rw);
	unsigned long word = 0;

	if (!IS_ENABLED(CONFIG_DEBUG_SPINLOCK))
		skip();
	EXPECT_BUG(spin_unlock(&lock));
	EXPECT_BUG(write_unlock(&rw));
	EXPECT_BUG(read_unlock(&rw));
	EXPECT_BUG(bit_spin_unlock(0, &word));
	/* Recursion is caught before it deadlocks. */
	spin_lock(&lock);
	EXPECT_BUG(spin_lock(&lock));
	spin_unlock(&lock);
}

/* --- waiters sleep ------------------------------------------------------- */

struct sleep_probe {
	void (*lock)(void *);
	void (*unlock)(void *);
	void *obj;
	double cpu, wall;
	int started;
};

static void *probe_waiter(void *arg)
{
	struct sleep_probe *p = arg;
	double c0 = util_thread_cpu(), w0 = util_now();

	__atomic_store_n(&p->started, 1, __ATOMIC_RELEASE);
	p->lock(p->obj);
	p->cpu = util_thread_cpu() - c0;
	p->wall = util_now() - w0;
	p->unlock(p->obj);
	return NULL;
}

/*
 * The caller holds the lock; a waiter waits ~200 ms for it, then the
 * caller releases it with @release.
 */
static void measure_waiter(struct sleep_probe *p, void (*release)(void *))
{
	pthread_t t;

	assert_int_equal(pthread_create(&t, NULL, probe_waiter, p), 0);
	/* a loaded machine may start the waiter late: time from its start */
	for (int i = 0; i < 20000 && !__atomic_load_n(&p->started, __ATOMIC_ACQUIRE); i++)
		usleep(1000);
	usleep(200 * 1000);
	release(p->obj);
	pthread_join(t, NULL);
	print_message("waiter: %.1f ms CPU in %.1f ms\n", p->cpu * 1e3,
		      p->wall * 1e3);
	assert_true(p->wall > 0.1);
	assert_true(p->cpu < 0.5 * p->wall);
}

static void do_spin_lock(void *l) { spin_lock(l); }
static void do_spin_unlock(void *l) { spin_unlock(l); }
static void do_write_lock(void *l) { write_lock(l); }
static void do_write_unlock(void *l) { write_unlock(l); }
static void do_read_lock(void *l) { read_lock(l); }
static void do_read_unlock(void *l) { read_unlock(l); }
static void do_mutex_lock(void *l) { mutex_lock(l); }
static void do_mutex_unlock(void *l) { mutex_unlock(l); }
static void do_bit_lock(void *l) { bit_spin_lock(0, l); }
static void do_bit_unlock(void *l) { bit_spin_unlock(0, l); }

static void test_waiters_sleep(void **state)
{
	DEFINE_SPINLOCK(lock);
	DEFINE_RWLOCK(rw);
	DEFINE_MUTEX(mutex);
	unsigned long word = 0x40;
	struct sleep_probe spin = { do_spin_lock, do_spin_unlock, &lock };
	struct sleep_probe rd = { do_read_lock, do_read_unlock, &rw };
	struct sleep_probe wr = { do_write_lock, do_write_unlock, &rw };
	struct sleep_probe mx = { do_mutex_lock, do_mutex_unlock, &mutex };
	struct sleep_probe bit = { do_bit_lock, do_bit_unlock, &word };

	spin_lock(&lock);
	measure_waiter(&spin, do_spin_unlock);
	write_lock(&rw);
	measure_waiter(&rd, do_write_unlock);	/* reader waits for a writer */
	read_lock(&rw);
	measure_waiter(&wr, do_read_unlock);	/* writer waits for a reader */
	mutex_lock(&mutex);
	measure_waiter(&mx, do_mutex_unlock);
	bit_spin_lock(0, &word);
	measure_waiter(&bit, do_bit_unlock);
	assert_int_equal(word, 0x40);
	assert_false(spin_is_locked(&lock));
	assert_false(rwlock_is_locked(&rw));
	assert_false(mutex_is_locked(&mutex));
}

/* --- rwlock -------------------------------------------------------------- */

static DEFINE_RWLOCK(pair_lock);
static unsigned long pair_a, pair_b;
static int pair_errors;

static void *rw_writer(void *arg)
{
	int i;

	for (i = 0; i < iterations() / 4; i++) {
		write_lock(&pair_lock);
		pair_a++;
		pair_b++;
		write_unlock(&pair_lock);
	}
	return NULL;
}

static void *rw_reader(void *arg)
{
	int i;

	for (i = 0; i < iterations() / 4; i++) {
		read_lock(&pair_lock);
		if (pair_a != pair_b)
			__atomic_fetch_add(&pair_errors, 1, __ATOMIC_RELAXED);
		read_unlock(&pair_lock);
	}
	return NULL;
}

static void *rw_mixed(void *arg)
{
	return (long)arg & 1 ? rw_writer(NULL) : rw_reader(NULL);
}

static void test_rwlock(void **state)
{
	pthread_t t[NR_THREADS];
	long i;

	pair_a = pair_b = 0;
	pair_errors = 0;
	for (i = 0; i < NR_THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, rw_mixed, (void *)i), 0);
	for (i = 0; i < NR_THREADS; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(pair_errors, 0);
	assert_int_equal(pair_a, (unsigned long)(NR_THREADS / 2) * (iterations() / 4));
	assert_int_equal(pair_a, pair_b);
	assert_false(rwlock_is_locked(&pair_lock));
}

static void *read_trylock_other(void *arg)
{
	long ok = read_trylock((rwlock_t *)arg);

	if (ok)
		read_unlock((rwlock_t *)arg);
	return (void *)ok;
}

static void *reader_waits(void *arg)
{
	read_lock((rwlock_t *)arg);
	read_unlock((rwlock_t *)arg);
	return NULL;
}

static void test_rwlock_trylock_and_contended(void **state)
{
	DEFINE_RWLOCK(rw);
	pthread_t t;
	void *ret;
	int i;

	assert_true(read_trylock(&rw));
	assert_true(read_trylock(&rw));		/* readers share */
	assert_false(write_trylock(&rw));
	read_unlock(&rw);
	read_unlock(&rw);
	assert_true(write_trylock(&rw));
	assert_false(read_trylock(&rw));
	assert_false(write_trylock(&rw));
	assert_int_equal(pthread_create(&t, NULL, read_trylock_other, &rw), 0);
	pthread_join(t, &ret);
	assert_int_equal((long)ret, 0);

	/* A reader waiting for the writer shows as contention. */
	assert_false(rwlock_is_contended(&rw));
	assert_int_equal(pthread_create(&t, NULL, reader_waits, &rw), 0);
	for (i = 0; i < 2000 && !rwlock_is_contended(&rw); i++)
		usleep(1000);
	assert_true(rwlock_is_contended(&rw));
	write_unlock(&rw);
	pthread_join(t, NULL);
	assert_false(rwlock_is_contended(&rw));
	assert_false(rwlock_is_locked(&rw));
}

/*
 * A lock may be freed by whoever takes it next (Linux 6.12's compaction
 * frees a zspage right after taking its lock): a release must not touch
 * the lock once it is released.  Readers and a writer hand a lock in
 * malloc'd memory to the main thread, which takes it for writing, drops
 * it and frees it at once, before joining them; ASan and TSan see any
 * access after the free.
 */
struct rw_obj {
	rwlock_t lock;
	int readers_in;
	int writer_in;
};

static void *rw_obj_reader(void *arg)
{
	struct rw_obj *o = arg;

	read_lock(&o->lock);
	__atomic_fetch_add(&o->readers_in, 1, __ATOMIC_SEQ_CST);
	usleep(200);
	read_unlock(&o->lock);
	return NULL;
}

static void *rw_obj_writer(void *arg)
{
	struct rw_obj *o = arg;

	write_lock(&o->lock);
	__atomic_store_n(&o->writer_in, 1, __ATOMIC_SEQ_CST);
	usleep(200);
	write_unlock(&o->lock);
	return NULL;
}

static void test_rwlock_freed_by_next_holder(void **state)
{
	int rounds = test_under_valgrind() ? 20 : 200, r, i;

	for (r = 0; r < rounds; r++) {
		struct rw_obj *o = calloc(1, sizeof(*o));
		pthread_t t[3];
		int writer = r & 1;

		assert_non_null(o);
		rwlock_init(&o->lock);
		if (writer) {
			assert_int_equal(pthread_create(&t[0], NULL, rw_obj_writer, o), 0);
			while (!__atomic_load_n(&o->writer_in, __ATOMIC_SEQ_CST))
				sched_yield();
		} else {
			for (i = 0; i < 3; i++)
				assert_int_equal(pthread_create(&t[i], NULL, rw_obj_reader, o), 0);
			while (__atomic_load_n(&o->readers_in, __ATOMIC_SEQ_CST) < 3)
				sched_yield();
		}
		/*
		 * We wait (and may sleep) until the others release it, then
		 * free it at once, while their releases may still be running.
		 */
		write_lock(&o->lock);
		write_unlock(&o->lock);
		free(o);
		for (i = 0; i < (writer ? 1 : 3); i++)
			pthread_join(t[i], NULL);
	}
}


/* --- bit spinlock -------------------------------------------------------- */

#define DATA_SHIFT	1
static unsigned long handle_word;
static unsigned long bit_counter;

static void *bit_incr(void *arg)
{
	int i;

	for (i = 0; i < iterations(); i++) {
		bit_spin_lock(0, &handle_word);
		bit_counter++;
		/*
		 * The data bits change while other threads hammer bit 0
		 * with atomic test-and-set: nothing may be lost.
		 */
		__atomic_fetch_add(&handle_word, 1UL << DATA_SHIFT, __ATOMIC_RELAXED);
		bit_spin_unlock(0, &handle_word);
	}
	return NULL;
}

static void test_bit_spin_lock(void **state)
{
	unsigned long data = 0x5a5a5a5aUL;
	unsigned long total = (unsigned long)NR_THREADS * iterations();

	handle_word = data << DATA_SHIFT;
	bit_counter = 0;
	run_threads(bit_incr, NR_THREADS, NULL);
	assert_int_equal(bit_counter, total);
	assert_false(bit_spin_is_locked(0, &handle_word));
	assert_int_equal(handle_word >> DATA_SHIFT, data + total);

	/* trylock semantics, data bits untouched */
	assert_true(bit_spin_trylock(0, &handle_word));
	assert_true(bit_spin_is_locked(0, &handle_word));
	assert_false(bit_spin_trylock(0, &handle_word));
	__bit_spin_unlock(0, &handle_word);
	assert_false(bit_spin_is_locked(0, &handle_word));
	assert_int_equal(handle_word >> DATA_SHIFT, data + total);
}

/*
 * __bit_spin_unlock(): a release store by the word's one writer, while
 * other threads hammer the bit with test-and-set (pin attempts that
 * fail): no update of the other bits is lost.
 */
static unsigned long excl_word;

static void *excl_pin_loop(void *arg)
{
	int i;

	for (i = 0; i < iterations(); i++) {
		if (bit_spin_trylock(0, &excl_word)) {
			/* the holder is the one writer: plain updates of the data */
			__atomic_store_n(&excl_word,
					 __atomic_load_n(&excl_word, __ATOMIC_RELAXED) +
					 (1UL << DATA_SHIFT), __ATOMIC_RELAXED);
			__bit_spin_unlock(0, &excl_word);
		} else {
			__atomic_fetch_add((unsigned long *)arg, 1, __ATOMIC_RELAXED);
		}
	}
	return NULL;
}

static void test_bit_spin_unlock_nonatomic(void **state)
{
	unsigned long failed = 0;

	excl_word = 0;
	run_threads(excl_pin_loop, NR_THREADS, &failed);
	assert_false(excl_word & 1);
	assert_int_equal((excl_word >> DATA_SHIFT) + failed,
			 (unsigned long)NR_THREADS * iterations());
}

/* --- mutex and wait queue ------------------------------------------------ */

static DEFINE_MUTEX(counter_mutex);

static void *mutex_incr(void *arg)
{
	int i;

	for (i = 0; i < iterations() / 4; i++) {
		mutex_lock(&counter_mutex);
		counter++;
		mutex_unlock(&counter_mutex);
	}
	return NULL;
}

static void test_mutex(void **state)
{
	counter = 0;
	run_threads(mutex_incr, NR_THREADS, NULL);
	assert_int_equal(counter, (unsigned long)NR_THREADS * (iterations() / 4));
	assert_false(mutex_is_locked(&counter_mutex));
	assert_true(mutex_trylock(&counter_mutex));
	assert_true(mutex_is_locked(&counter_mutex));
	assert_false(mutex_trylock(&counter_mutex));
	mutex_unlock(&counter_mutex);
}

static DECLARE_WAIT_QUEUE_HEAD(test_wq);
static int wq_flag;

static void *wait_for_flag(void *arg)
{
	wait_event(test_wq, __atomic_load_n(&wq_flag, __ATOMIC_ACQUIRE) == 1);
	return NULL;
}

static void test_wait_event(void **state)
{
	pthread_t t[3];
	int i;

	wq_flag = 0;
	for (i = 0; i < 3; i++)
		assert_int_equal(pthread_create(&t[i], NULL, wait_for_flag, NULL), 0);
	for (i = 0; i < 2000 && !waitqueue_active(&test_wq); i++)
		usleep(1000);
	usleep(20 * 1000);
	__atomic_store_n(&wq_flag, 1, __ATOMIC_RELEASE);
	wake_up_all(&test_wq);
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	assert_false(waitqueue_active(&test_wq));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spinlock_counter),
		cmocka_unit_test(test_spin_trylock),
		cmocka_unit_test(test_spin_irqsave_and_assert),
		cmocka_unit_test(test_lockdep_assert_held),
		cmocka_unit_test(test_debug_unlock_checks),
		cmocka_unit_test(test_waiters_sleep),
		cmocka_unit_test(test_rwlock),
		cmocka_unit_test(test_rwlock_trylock_and_contended),
		cmocka_unit_test(test_rwlock_freed_by_next_holder),
		cmocka_unit_test(test_bit_spin_lock),
		cmocka_unit_test(test_bit_spin_unlock_nonatomic),
		cmocka_unit_test(test_mutex),
		cmocka_unit_test(test_wait_event),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests_name("locking", tests,
					   test_setup_small_machine,
					   test_teardown_machine);
}
