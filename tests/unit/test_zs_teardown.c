// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * zs_destroy_pool() against deferred zspage frees.  A held page lock
 * makes zs_free() defer a zspage's free to the pool's work item; a
 * second deferred free queues that item again while the first instance
 * still waits for the lock.  The pool may be destroyed only after both
 * instances have run: no zspage left behind, nothing isolated, no use of
 * the freed pool.  Every wait is bounded.
 */
#include "../../lib/zsmalloc.c"
#include "../../lib/zs_config.c"

#include <errno.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "test_helpers.h"

static struct page *handle_page(unsigned long handle)
{
	struct page *page;
	unsigned int idx;

	obj_to_location(handle_to_obj(handle), &page, &idx);
	return page;
}

static bool class_empty_list_empty(struct size_class *class)
{
	bool empty;

	spin_lock(&class->lock);
	empty = list_empty(&class->fullness_list[ZS_EMPTY]);
	spin_unlock(&class->lock);
	return empty;
}

struct destroyer {
	pthread_t thread;
	struct zs_pool *pool;
	int done;
};

static void *destroy_thread(void *arg)
{
	struct destroyer *d = arg;

	zs_destroy_pool(d->pool);
	__atomic_store_n(&d->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static uint64_t vmstat(const char *name)
{
	uint64_t v = ~0ULL;

	assert_int_equal(zsim_vmstat_get(name, &v), 0);
	return v;
}

/* Join @d within @seconds, or give up on the whole process. */
static void join_bounded(struct destroyer *d, int seconds)
{
	struct timespec ts;
	int err;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += seconds;
	err = pthread_timedjoin_np(d->thread, NULL, &ts);
	if (err == ETIMEDOUT) {
		fprintf(stderr, "zs_destroy_pool() still waiting after %d s: hang\n",
			seconds);
		abort();
	}
	assert_int_equal(err, 0);
}

static void test_destroy_waits_for_requeued_free(void **state)
{
	struct zs_pool *pool = zs_create_pool("teardown");
	struct size_class *c1, *c2;
	struct page *p1, *p2;
	struct destroyer d = { 0 };
	unsigned long h1, h2, warns = zsim_warn_count();
	int i, early;

	assert_non_null(pool);
	h1 = zs_malloc(pool, 100, GFP_KERNEL, -1);
	h2 = zs_malloc(pool, 2000, GFP_KERNEL, -1);
	assert_false(IS_ERR_VALUE(h1));
	assert_false(IS_ERR_VALUE(h2));
	c1 = pool->size_class[zspage_class(get_zspage(handle_page(h1)))];
	c2 = pool->size_class[zspage_class(get_zspage(handle_page(h2)))];
	assert_ptr_not_equal(c1, c2);
	p1 = handle_page(h1);
	p2 = handle_page(h2);

	/* First deferred free: its work item takes the zspage and waits on p1. */
	lock_page(p1);
	lock_page(p2);
	zs_free(pool, h1);
	for (i = 0; i < 5000 && !class_empty_list_empty(c1); i++)
		usleep(1000);
	assert_true(class_empty_list_empty(c1));
	usleep(50 * 1000);		/* now asleep on the page lock */

	/* Second deferred free: the same work item, queued again. */
	zs_free(pool, h2);
	usleep(50 * 1000);

	d.pool = pool;
	assert_int_equal(pthread_create(&d.thread, NULL, destroy_thread, &d), 0);
	usleep(50 * 1000);
	/* The second zspage may go now; the first still may not. */
	unlock_page(p2);
	usleep(200 * 1000);
	early = __atomic_load_n(&d.done, __ATOMIC_ACQUIRE);
	unlock_page(p1);
	join_bounded(&d, 60);

	/* Destroy returned while the first free still waited. */
	assert_int_equal(early, 0);
	assert_int_equal(vmstat("nr_zspages"), 0);
	assert_int_equal(vmstat("nr_isolated_movable"), 0);
	assert_int_equal(zsim_warn_count(), warns);
	/* The teardown's zsim_exit() finds no slab object or page left. */
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_destroy_waits_for_requeued_free,
						test_setup_small_machine,
						test_teardown_machine),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests_name("zsmalloc teardown", tests, NULL, NULL);
}
