// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * zs_destroy_pool() against page isolation.  One thread does what zone
 * compaction does to a zspage page, isolate_movable_page() then
 * putback_movable_pages(), in a tight loop on a page of the newest pool;
 * the main thread builds pools and destroys them under it, thousands of
 * times a second, far more often than compaction would meet a dying pool.
 * After every destroy the pool's pages must all be gone and nothing may
 * stay isolated: an isolation that slipped past the destroy leaks its
 * zspage and is later put back into the freed pool.
 */
#include "../../lib/zsmalloc.c"
#include "../../lib/zs_config.c"

#include <pthread.h>
#include <sched.h>
#include <time.h>
#include "test_helpers.h"

static struct page *target;	/* a page of the live pool, or NULL */
static int stop;
static unsigned long isolations;

static uint64_t vmstat(const char *name)
{
	uint64_t v = 0;

	assert_int_equal(zsim_vmstat_get(name, &v), 0);
	return v;
}

static void *isolator(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		struct page *page = __atomic_load_n(&target, __ATOMIC_ACQUIRE);
		LIST_HEAD(list);

		/*
		 * The page may be freed or reused at any moment, as under
		 * compaction's scanner: isolate_movable_page() copes.
		 */
		if (!page || !isolate_movable_page(page, 0))
			continue;
		__atomic_add_fetch(&isolations, 1, __ATOMIC_RELAXED);
		list_add(&page->lru, &list);
		putback_movable_pages(&list);
	}
	return NULL;
}

static void test_destroy_races_isolation(void **state)
{
	double seconds = test_under_valgrind() ? 5 : 3, end;
	unsigned long cycles = 0, leaked = 0;
	pthread_t t;

	(void)state;
	assert_int_equal(pthread_create(&t, NULL, isolator, NULL), 0);
	end = util_now() + seconds;
	while (util_now() < end && !leaked) {
		struct zs_pool *pool = zs_create_pool("teardown");
		unsigned long h[4], seen;
		struct page *page;
		unsigned int idx;
		int spins = 0;

		assert_non_null(pool);
		for (int i = 0; i < 4; i++) {
			h[i] = zs_malloc(pool, 300, GFP_KERNEL, -1);
			assert_false(IS_ERR_VALUE(h[i]));
		}
		obj_to_location(handle_to_obj(h[0]), &page, &idx);
		seen = __atomic_load_n(&isolations, __ATOMIC_RELAXED);
		__atomic_store_n(&target, page, __ATOMIC_RELEASE);
		/* let the isolator get going on this pool's page */
		while (__atomic_load_n(&isolations, __ATOMIC_RELAXED) == seen &&
		       ++spins < 100000)
			sched_yield();
		zs_destroy_pool(pool);
		__atomic_store_n(&target, NULL, __ATOMIC_RELEASE);
		cycles++;
		if (vmstat("nr_zspages") != 0 || vmstat("nr_isolated_movable") != 0)
			leaked = cycles;
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	printf("# %lu pools destroyed under %lu isolations\n", cycles,
	       __atomic_load_n(&isolations, __ATOMIC_RELAXED));
	if (leaked)
		printf("# pool %lu left nr_zspages %llu, nr_isolated_movable %llu\n",
		       leaked, (unsigned long long)vmstat("nr_zspages"),
		       (unsigned long long)vmstat("nr_isolated_movable"));
	assert_int_equal(leaked, 0);
	assert_true(cycles > 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_destroy_races_isolation,
						test_setup_small_machine,
						test_teardown_machine),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests_name("zsmalloc teardown against isolation",
					   tests, NULL, NULL);
}
