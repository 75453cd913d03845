// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/* Workqueues: ordering, flush, pending, cancel, shutdown. */
#include <dirent.h>
#include <linux/kernel.h>
#include <linux/workqueue.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "test_helpers.h"

/* A work item that blocks its worker until the gate opens. */
struct gate_work {
	struct work_struct work;
	int started, open, done;
};

static void gate_fn(struct work_struct *work)
{
	struct gate_work *g = container_of(work, struct gate_work, work);

	__atomic_store_n(&g->started, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&g->open, __ATOMIC_ACQUIRE))
		usleep(1000);
	__atomic_store_n(&g->done, 1, __ATOMIC_RELEASE);
}

static void wait_started(struct gate_work *g)
{
	while (!__atomic_load_n(&g->started, __ATOMIC_ACQUIRE))
		usleep(1000);
}

struct seq_work {
	struct work_struct work;
	int index;
};

static int order[200], order_len;
static int runs;

static void seq_fn(struct work_struct *work)
{
	struct seq_work *s = container_of(work, struct seq_work, work);

	order[order_len++] = s->index;	/* one worker: no race */
}

static void count_fn(struct work_struct *work)
{
	__atomic_fetch_add(&runs, 1, __ATOMIC_RELAXED);
}

static void test_ordered(void **state)
{
	struct workqueue_struct *wq = alloc_ordered_workqueue("ord%d", 0, 1);
	static struct seq_work items[200];
	int i;

	assert_non_null(wq);
	order_len = 0;
	for (i = 0; i < 200; i++) {
		items[i].index = i;
		INIT_WORK(&items[i].work, seq_fn);
		assert_true(queue_work(wq, &items[i].work));
	}
	flush_workqueue(wq);
	assert_int_equal(order_len, 200);
	for (i = 0; i < 200; i++)
		assert_int_equal(order[i], i);
	destroy_workqueue(wq);
}

static void test_flush_work_waits(void **state)
{
	struct gate_work g = { 0 };
	struct work_struct idle;

	INIT_WORK(&g.work, gate_fn);
	INIT_WORK(&idle, count_fn);
	assert_false(flush_work(&idle));	/* never queued */
	assert_true(schedule_work(&g.work));
	wait_started(&g);
	assert_false(work_pending(&g.work));	/* running, no longer pending */
	__atomic_store_n(&g.open, 1, __ATOMIC_RELEASE);
	assert_true(flush_work(&g.work));
	assert_int_equal(__atomic_load_n(&g.done, __ATOMIC_ACQUIRE), 1);
	assert_false(flush_work(&g.work));	/* idle now */
}

static void test_pending_and_cancel(void **state)
{
	struct workqueue_struct *wq = alloc_ordered_workqueue("cancel", 0);
	struct gate_work g = { 0 };
	struct work_struct w1, w2;

	assert_non_null(wq);
	runs = 0;
	INIT_WORK(&g.work, gate_fn);
	INIT_WORK(&w1, count_fn);
	INIT_WORK(&w2, count_fn);
	assert_true(queue_work(wq, &g.work));
	wait_started(&g);			/* the only worker is busy */
	assert_true(queue_work(wq, &w1));
	assert_true(work_pending(&w1));
	assert_false(queue_work(wq, &w1));	/* already pending */
	assert_true(queue_work(wq, &w2));
	assert_true(cancel_work_sync(&w2));	/* was pending: removed */
	assert_false(work_pending(&w2));
	assert_false(cancel_work_sync(&w2));
	__atomic_store_n(&g.open, 1, __ATOMIC_RELEASE);
	flush_workqueue(wq);
	assert_int_equal(runs, 1);		/* w1 once, w2 never */
	assert_false(work_pending(&w1));
	destroy_workqueue(wq);
}

static void *open_gate_later(void *arg)
{
	struct gate_work *g = arg;

	usleep(100 * 1000);
	__atomic_store_n(&g->open, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void test_cancel_sync_waits_for_running(void **state)
{
	struct gate_work g = { 0 };
	pthread_t t;

	INIT_WORK(&g.work, gate_fn);
	assert_true(schedule_work(&g.work));
	wait_started(&g);
	assert_int_equal(pthread_create(&t, NULL, open_gate_later, &g), 0);
	assert_false(cancel_work_sync(&g.work));	/* running, not pending */
	assert_int_equal(__atomic_load_n(&g.done, __ATOMIC_ACQUIRE), 1);
	pthread_join(t, NULL);
}

/*
 * Non-reentrancy: an item queued again while it runs must not start on
 * a second worker; the second run starts after the first returned, on a
 * queue with idle workers to spare, and flush_work() waits for both.
 */
struct reent_work {
	struct work_struct work;
	int open;		/* the first run waits for it */
	int active, max_active, runs;
};

static void reent_fn(struct work_struct *work)
{
	struct reent_work *r = container_of(work, struct reent_work, work);
	int now = __atomic_add_fetch(&r->active, 1, __ATOMIC_ACQ_REL);
	int max = __atomic_load_n(&r->max_active, __ATOMIC_ACQUIRE);

	while (now > max &&
	       !__atomic_compare_exchange_n(&r->max_active, &max, now, false,
					    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		;
	if (__atomic_add_fetch(&r->runs, 1, __ATOMIC_ACQ_REL) == 1)
		while (!__atomic_load_n(&r->open, __ATOMIC_ACQUIRE))
			usleep(1000);
	else
		usleep(100 * 1000);	/* long enough to be seen running */
	__atomic_sub_fetch(&r->active, 1, __ATOMIC_ACQ_REL);
}

struct flusher {
	pthread_t thread;
	struct work_struct *work;
	int done;
};

static void *flush_thread(void *arg)
{
	struct flusher *f = arg;

	flush_work(f->work);
	__atomic_store_n(&f->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void test_requeue_while_running(void **state)
{
	struct workqueue_struct *wq = alloc_workqueue("reent", 0, 4);
	struct reent_work r = { 0 };
	struct flusher f = { .work = &r.work };
	int i;

	assert_non_null(wq);
	INIT_WORK(&r.work, reent_fn);
	assert_true(queue_work(wq, &r.work));
	while (__atomic_load_n(&r.runs, __ATOMIC_ACQUIRE) < 1)
		usleep(1000);
	/* Running, not pending: it may be queued again. */
	assert_true(queue_work(wq, &r.work));
	assert_true(work_pending(&r.work));
	/* Three idle workers; none may start the second instance. */
	for (i = 0; i < 100; i++) {
		usleep(1000);
		assert_int_equal(__atomic_load_n(&r.runs, __ATOMIC_ACQUIRE), 1);
	}
	assert_true(work_pending(&r.work));
	assert_false(queue_work(wq, &r.work));	/* still the same instance */

	assert_int_equal(pthread_create(&f.thread, NULL, flush_thread, &f), 0);
	usleep(50 * 1000);
	assert_int_equal(__atomic_load_n(&f.done, __ATOMIC_ACQUIRE), 0);

	__atomic_store_n(&r.open, 1, __ATOMIC_RELEASE);
	pthread_join(f.thread, NULL);
	/* Both instances ran, one after the other, before flush returned. */
	assert_int_equal(__atomic_load_n(&r.runs, __ATOMIC_ACQUIRE), 2);
	assert_int_equal(__atomic_load_n(&r.active, __ATOMIC_ACQUIRE), 0);
	assert_int_equal(__atomic_load_n(&r.max_active, __ATOMIC_ACQUIRE), 1);
	assert_false(work_pending(&r.work));
	assert_false(flush_work(&r.work));
	destroy_workqueue(wq);
}

/* flush_work() of an item both running and pending waits for both. */
static void test_flush_waits_for_running_and_pending(void **state)
{
	struct workqueue_struct *wq = alloc_workqueue("flush2", 0, 4);
	struct reent_work r = { 0 };
	struct flusher f = { .work = &r.work };
	int i;

	assert_non_null(wq);
	INIT_WORK(&r.work, reent_fn);
	assert_true(queue_work(wq, &r.work));
	while (__atomic_load_n(&r.runs, __ATOMIC_ACQUIRE) < 1)
		usleep(1000);
	assert_true(queue_work(wq, &r.work));
	assert_int_equal(pthread_create(&f.thread, NULL, flush_thread, &f), 0);
	/* The first instance is held: flush may not return. */
	for (i = 0; i < 300; i++) {
		usleep(1000);
		assert_int_equal(__atomic_load_n(&f.done, __ATOMIC_ACQUIRE), 0);
	}
	__atomic_store_n(&r.open, 1, __ATOMIC_RELEASE);
	pthread_join(f.thread, NULL);
	assert_int_equal(__atomic_load_n(&r.runs, __ATOMIC_ACQUIRE), 2);
	assert_int_equal(__atomic_load_n(&r.active, __ATOMIC_ACQUIRE), 0);
	destroy_workqueue(wq);
}

/* A work item may free itself. */
static void free_self(struct work_struct *work)
{
	free(work);
	__atomic_fetch_add(&runs, 1, __ATOMIC_RELAXED);
}

static void test_destroy_drains(void **state)
{
	struct workqueue_struct *wq = alloc_workqueue("drain", 0, 3);
	int i;

	assert_non_null(wq);
	runs = 0;
	for (i = 0; i < 50; i++) {
		struct work_struct *w = malloc(sizeof(*w));

		assert_non_null(w);
		INIT_WORK(w, free_self);
		assert_true(queue_work(wq, w));
	}
	destroy_workqueue(wq);
	assert_int_equal(runs, 50);
}

static int count_threads(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void test_exit_joins_threads(void **state)
{
	int base, i;
	struct work_struct w;

	test_shutdown();
	base = count_threads();
	for (i = 0; i < 5; i++) {
		test_boot(64ULL << 20, 7);
		assert_true(count_threads() > base);
		runs = 0;
		INIT_WORK(&w, count_fn);
		assert_true(schedule_work(&w));
		assert_non_null(alloc_workqueue("forgotten", 0, 2));
		flush_scheduled_work();
		assert_int_equal(runs, 1);
		test_shutdown();
		assert_int_equal(count_threads(), base);
	}
	test_boot(64ULL << 20, 7);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ordered),
		cmocka_unit_test(test_flush_work_waits),
		cmocka_unit_test(test_pending_and_cancel),
		cmocka_unit_test(test_cancel_sync_waits_for_running),
		cmocka_unit_test(test_requeue_while_running),
		cmocka_unit_test(test_flush_waits_for_running_and_pending),
		cmocka_unit_test(test_destroy_drains),
		cmocka_unit_test(test_exit_joins_threads),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests_name("workqueue", tests,
					   test_setup_small_machine,
					   test_teardown_machine);
}
