// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/* RCU: grace periods wait for readers, callbacks run after them. */
#include <linux/kernel.h>
#include <linux/rcupdate.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "test_helpers.h"

struct obj {
	int value;
	struct rcu_head rcu;
};

static int freed, bad_frees;

static void free_obj(struct rcu_head *head)
{
	struct obj *o = container_of(head, struct obj, rcu);

	/* Runs on the RCU thread: count, cmocka asserts in the main thread. */
	if (o->value != 42)
		__atomic_fetch_add(&bad_frees, 1, __ATOMIC_RELAXED);
	free(o);
	__atomic_fetch_add(&freed, 1, __ATOMIC_RELAXED);
}

static void test_call_rcu_barrier(void **state)
{
	int i, n = 100;

	freed = 0;
	for (i = 0; i < n; i++) {
		struct obj *o = malloc(sizeof(*o));

		assert_non_null(o);
		o->value = 42;
		call_rcu(&o->rcu, free_obj);
	}
	rcu_barrier();
	assert_int_equal(__atomic_load_n(&freed, __ATOMIC_RELAXED), n);
	assert_int_equal(bad_frees, 0);
}

struct reader {
	int entered, left;
	int hold_ms;
};

static void *slow_reader(void *arg)
{
	struct reader *r = arg;

	rcu_read_lock();
	__atomic_store_n(&r->entered, 1, __ATOMIC_RELEASE);
	usleep(r->hold_ms * 1000);
	__atomic_store_n(&r->left, 1, __ATOMIC_RELEASE);
	rcu_read_unlock();
	return NULL;
}

static void test_synchronize_waits_for_reader(void **state)
{
	struct reader r = { .hold_ms = 100 };
	pthread_t t;
	double t0;

	assert_int_equal(pthread_create(&t, NULL, slow_reader, &r), 0);
	while (!__atomic_load_n(&r.entered, __ATOMIC_ACQUIRE))
		usleep(1000);
	t0 = util_now();
	synchronize_rcu();
	assert_int_equal(__atomic_load_n(&r.left, __ATOMIC_ACQUIRE), 1);
	assert_true(util_now() - t0 > 0.03);
	pthread_join(t, NULL);
}

static int cb_ran;

static void mark_ran(struct rcu_head *head)
{
	__atomic_store_n(&cb_ran, 1, __ATOMIC_RELEASE);
}

static void test_callback_waits_for_reader(void **state)
{
	struct reader r = { .hold_ms = 150 };
	struct rcu_head head;
	pthread_t t;

	cb_ran = 0;
	assert_int_equal(pthread_create(&t, NULL, slow_reader, &r), 0);
	while (!__atomic_load_n(&r.entered, __ATOMIC_ACQUIRE))
		usleep(1000);
	call_rcu(&head, mark_ran);
	usleep(50 * 1000);
	assert_int_equal(__atomic_load_n(&cb_ran, __ATOMIC_ACQUIRE), 0);
	rcu_barrier();
	assert_int_equal(__atomic_load_n(&cb_ran, __ATOMIC_ACQUIRE), 1);
	assert_int_equal(__atomic_load_n(&r.left, __ATOMIC_ACQUIRE), 1);
	pthread_join(t, NULL);
}

/* Readers follow a pointer that an updater replaces and frees. */
static struct obj *global_obj;
static int stop_readers, bad_reads;

static void *pointer_reader(void *arg)
{
	struct obj *o;

	while (!__atomic_load_n(&stop_readers, __ATOMIC_ACQUIRE)) {
		rcu_read_lock();
		o = rcu_dereference(global_obj);
		if (!rcu_read_lock_held() || (o && o->value != 42))
			__atomic_fetch_add(&bad_reads, 1, __ATOMIC_RELAXED);
		rcu_read_unlock();
	}
	return NULL;
}

static void test_publish_and_reclaim(void **state)
{
	pthread_t t[3];
	int i, rounds = test_under_valgrind() ? 20 : 200;

	stop_readers = bad_reads = 0;
	global_obj = NULL;
	for (i = 0; i < 3; i++)
		assert_int_equal(pthread_create(&t[i], NULL, pointer_reader, NULL), 0);
	for (i = 0; i < rounds; i++) {
		struct obj *n = malloc(sizeof(*n)), *old;

		assert_non_null(n);
		n->value = 42;
		old = rcu_dereference_protected(global_obj, 1);
		rcu_assign_pointer(global_obj, n);
		if (!old)
			continue;
		if (i & 1) {
			synchronize_rcu();
			old->value = 0;		/* no reader can see it now */
			free(old);
		} else {
			call_rcu(&old->rcu, free_obj);
		}
	}
	__atomic_store_n(&stop_readers, 1, __ATOMIC_RELEASE);
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	rcu_barrier();
	free(global_obj);
	global_obj = NULL;
	assert_int_equal(bad_reads, 0);
	assert_false(rcu_read_lock_held());
}

static void test_exit_runs_pending_callbacks(void **state)
{
	struct obj *o = malloc(sizeof(*o));

	assert_non_null(o);
	o->value = 42;
	freed = 0;
	call_rcu(&o->rcu, free_obj);
	test_shutdown();		/* does rcu_barrier() */
	assert_int_equal(freed, 1);
	test_boot(64ULL << 20, 7);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_call_rcu_barrier),
		cmocka_unit_test(test_synchronize_waits_for_reader),
		cmocka_unit_test(test_callback_waits_for_reader),
		cmocka_unit_test(test_publish_and_reclaim),
		cmocka_unit_test(test_exit_runs_pending_callbacks),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests_name("rcu", tests,
					   test_setup_small_machine,
					   test_teardown_machine);
}
