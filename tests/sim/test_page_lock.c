// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/* The page lock: mutual exclusion, trylock, sleeping waiters. */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "test_helpers.h"

#define NR_PAGES	3
#define NR_THREADS	6

static struct page *pages[NR_PAGES];
static int inside[NR_PAGES];		/* threads holding each page lock */
static unsigned long held[NR_PAGES];	/* protected by the page lock */
static int overlap_errors;

static int rounds(void)
{
	return test_under_valgrind() ? 500 : 20000;
}

static void *page_locker(void *arg)
{
	struct test_rng rng;
	int i, p;

	test_rng_init(&rng, test_seed + (long)arg);
	for (i = 0; i < rounds(); i++) {
		p = test_rng_below(&rng, NR_PAGES);
		lock_page(pages[p]);
		if (__atomic_fetch_add(&inside[p], 1, __ATOMIC_RELAXED) != 0)
			__atomic_fetch_add(&overlap_errors, 1, __ATOMIC_RELAXED);
		held[p]++;
		__atomic_fetch_sub(&inside[p], 1, __ATOMIC_RELAXED);
		unlock_page(pages[p]);
	}
	return NULL;
}

static int setup(void **state)
{
	int i;

	test_boot(64ULL << 20, 7);
	for (i = 0; i < NR_PAGES; i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		assert_non_null(pages[i]);
		held[i] = 0;
	}
	return 0;
}

static int teardown(void **state)
{
	int i;

	for (i = 0; i < NR_PAGES; i++)
		__free_page(pages[i]);
	test_shutdown();
	return 0;
}

static void test_contention(void **state)
{
	pthread_t t[NR_THREADS];
	unsigned long total = 0;
	long i;

	overlap_errors = 0;
	for (i = 0; i < NR_THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, page_locker, (void *)i), 0);
	for (i = 0; i < NR_THREADS; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < NR_PAGES; i++) {
		total += held[i];
		assert_false(PageLocked(pages[i]));
		assert_false(PageWaiters(pages[i]));
	}
	assert_int_equal(overlap_errors, 0);
	assert_int_equal(total, (unsigned long)NR_THREADS * rounds());
}

static void *trylock_other(void *arg)
{
	return (void *)(long)trylock_page(arg);
}

static void test_trylock(void **state)
{
	struct page *page = pages[0];
	unsigned long other_flags;
	pthread_t t;
	void *ret;

	SetPageReferenced(page);
	other_flags = page->flags & ~(1UL << PG_locked);
	assert_true(trylock_page(page));
	assert_true(PageLocked(page));
	assert_false(trylock_page(page));
	assert_int_equal(pthread_create(&t, NULL, trylock_other, page), 0);
	pthread_join(t, &ret);
	assert_int_equal((long)ret, 0);
	unlock_page(page);
	assert_false(PageLocked(page));
	/* Other flags survive the lock. */
	assert_int_equal(page->flags, other_flags);
	ClearPageReferenced(page);
	if (IS_ENABLED(CONFIG_DEBUG_VM))
		EXPECT_BUG(unlock_page(page));
}

struct probe {
	struct page *page;
	double cpu, wall;
	int wait_only;
	int started;
};

static void *waiter(void *arg)
{
	struct probe *p = arg;
	double c0 = util_thread_cpu(), w0 = util_now();

	__atomic_store_n(&p->started, 1, __ATOMIC_RELEASE);
	if (p->wait_only) {
		wait_on_page_locked(p->page);
	} else {
		lock_page(p->page);
	}
	p->cpu = util_thread_cpu() - c0;
	p->wall = util_now() - w0;
	if (!p->wait_only)
		unlock_page(p->page);
	return NULL;
}

static void test_waiter_sleeps(void **state)
{
	struct probe probes[2] = {
		{ .page = pages[1], .wait_only = 0 },
		{ .page = pages[1], .wait_only = 1 },
	};
	pthread_t t[2];
	int i;

	lock_page(pages[1]);
	for (i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, waiter, &probes[i]), 0);
	/*
	 * A loaded machine (ctest -j, Valgrind) may start the waiters late:
	 * hold the lock for 200 ms after both are there and one sleeps.
	 */
	for (i = 0; i < 20000; i++) {
		if (__atomic_load_n(&probes[0].started, __ATOMIC_ACQUIRE) &&
		    __atomic_load_n(&probes[1].started, __ATOMIC_ACQUIRE) &&
		    PageWaiters(pages[1]))
			break;
		usleep(1000);
	}
	usleep(200 * 1000);
	assert_true(PageWaiters(pages[1]));
	unlock_page(pages[1]);
	for (i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		print_message("waiter %d: %.1f ms CPU in %.1f ms\n", i,
			      probes[i].cpu * 1e3, probes[i].wall * 1e3);
		assert_true(probes[i].wall > 0.1);
		assert_true(probes[i].cpu < 0.5 * probes[i].wall);
	}
	assert_false(PageLocked(pages[1]));
	/*
	 * PG_waiters may be left set with nobody waiting (a waiter can mark
	 * the page just as the last unlock wakes everybody), as in the
	 * kernel; the next unlock with no sleepers clears it.
	 */
	lock_page(pages[1]);
	unlock_page(pages[1]);
	assert_false(PageWaiters(pages[1]));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_contention),
		cmocka_unit_test(test_trylock),
		cmocka_unit_test(test_waiter_sleeps),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests_name("page_lock", tests, setup, teardown);
}
