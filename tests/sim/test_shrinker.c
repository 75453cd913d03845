// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/* Shrinkers: the calls reclaim makes, SHRINK_STOP, safe unregistering. */
#include <linux/kernel.h>
#include <linux/shrinker.h>
#include <pthread.h>
#include <unistd.h>

#include "test_helpers.h"

struct cache {
	unsigned long objects;
	unsigned long calls[16];	/* nr_to_scan of each scan call */
	int nr_calls;
	int stop_after;			/* SHRINK_STOP from this call on; 0 never */
	bool empty;
	int unregistered;		/* atomic: set after unregister returned */
	int late_calls;			/* atomic: callbacks after that */
	int scan_sleep_us;
};

static unsigned long cache_count(struct shrinker *s, struct shrink_control *sc)
{
	struct cache *c = s->private_data;

	if (__atomic_load_n(&c->unregistered, __ATOMIC_ACQUIRE))
		__atomic_fetch_add(&c->late_calls, 1, __ATOMIC_RELAXED);
	if (c->empty)
		return SHRINK_EMPTY;
	return c->objects;
}

static unsigned long cache_scan(struct shrinker *s, struct shrink_control *sc)
{
	struct cache *c = s->private_data;
	unsigned long n;

	if (__atomic_load_n(&c->unregistered, __ATOMIC_ACQUIRE))
		__atomic_fetch_add(&c->late_calls, 1, __ATOMIC_RELAXED);
	if (c->scan_sleep_us)
		usleep(c->scan_sleep_us);
	if (c->nr_calls < 16)
		c->calls[c->nr_calls] = sc->nr_to_scan;
	c->nr_calls++;
	if (c->stop_after && c->nr_calls >= c->stop_after)
		return SHRINK_STOP;
	n = min(sc->nr_to_scan, c->objects);
	c->objects -= n;
	return n;
}

static struct shrinker *new_shrinker(struct cache *c, long batch)
{
	struct shrinker *s = shrinker_alloc(0, "test-%s", "cache");

	assert_non_null(s);
	assert_string_equal(s->name, "test-cache");
	assert_int_equal(s->seeks, DEFAULT_SEEKS);
	s->count_objects = cache_count;
	s->scan_objects = cache_scan;
	s->batch = batch;
	s->private_data = c;
	shrinker_register(s);
	return s;
}

static void test_batches(void **state)
{
	struct cache c = { .objects = 300 };
	struct shrinker *s = new_shrinker(&c, 0);

	assert_int_equal(zsim_shrink_all(0), 300);
	assert_int_equal(c.nr_calls, 3);
	assert_int_equal(c.calls[0], 128);
	assert_int_equal(c.calls[1], 128);
	assert_int_equal(c.calls[2], 44);
	assert_int_equal(c.objects, 0);

	/* Asked for 200 of 500: 128 then 72. */
	c.objects = 500;
	c.nr_calls = 0;
	assert_int_equal(zsim_shrink_all(200), 200);
	assert_int_equal(c.nr_calls, 2);
	assert_int_equal(c.calls[0], 128);
	assert_int_equal(c.calls[1], 72);

	/* A batch of the shrinker's own. */
	s->batch = 50;
	c.nr_calls = 0;
	assert_int_equal(zsim_shrink_all(120), 120);
	assert_int_equal(c.nr_calls, 3);
	assert_int_equal(c.calls[0], 50);
	assert_int_equal(c.calls[2], 20);
	shrinker_free(s);

	/* Unregistered: never called again. */
	c.nr_calls = 0;
	c.objects = 100;
	assert_int_equal(zsim_shrink_all(0), 0);
	assert_int_equal(c.nr_calls, 0);
}

static void test_stop_and_empty(void **state)
{
	struct cache c = { .objects = 1000, .stop_after = 2 };
	struct shrinker *s = new_shrinker(&c, 0);

	/* The first batch frees 128, the second says stop. */
	assert_int_equal(zsim_shrink_all(0), 128);
	assert_int_equal(c.nr_calls, 2);

	c.empty = true;
	c.nr_calls = 0;
	assert_int_equal(zsim_shrink_all(0), 0);
	assert_int_equal(c.nr_calls, 0);
	shrinker_free(s);
}

static void test_register_shrinker_api(void **state)
{
	struct cache a = { .objects = 10 }, b = { .objects = 20 };
	struct shrinker sa = { .count_objects = cache_count,
			       .scan_objects = cache_scan,
			       .seeks = DEFAULT_SEEKS, .private_data = &a };
	struct shrinker sb = sa;

	sb.private_data = &b;
	assert_int_equal(register_shrinker(&sa, "old-%d", 1), 0);
	assert_int_equal(register_shrinker(&sb, "old-%d", 2), 0);
	assert_int_equal(zsim_shrink_all(0), 30);
	unregister_shrinker(&sa);
	unregister_shrinker(&sa);	/* twice is harmless */
	b.objects = 5;
	assert_int_equal(zsim_shrink_all(0), 5);
	unregister_shrinker(&sb);
	shrinker_free(NULL);
}

/* --- unregistering while reclaim runs --------------------------------- */

static int stop_reclaim;

/* Only atomics: two reclaim threads may scan one shrinker at once. */
static unsigned long race_count(struct shrinker *s, struct shrink_control *sc)
{
	struct cache *c = s->private_data;

	if (__atomic_load_n(&c->unregistered, __ATOMIC_ACQUIRE))
		__atomic_fetch_add(&c->late_calls, 1, __ATOMIC_RELAXED);
	return 100;
}

static unsigned long race_scan(struct shrinker *s, struct shrink_control *sc)
{
	struct cache *c = s->private_data;

	if (__atomic_load_n(&c->unregistered, __ATOMIC_ACQUIRE))
		__atomic_fetch_add(&c->late_calls, 1, __ATOMIC_RELAXED);
	usleep(50);
	return sc->nr_to_scan;
}

static void *reclaimer(void *arg)
{
	while (!__atomic_load_n(&stop_reclaim, __ATOMIC_ACQUIRE))
		zsim_shrink_all(0);
	return NULL;
}

static void test_unregister_during_reclaim(void **state)
{
	static struct cache caches[4];
	pthread_t t[2];
	int i, round, rounds = test_under_valgrind() ? 20 : 200;

	stop_reclaim = 0;
	for (i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, reclaimer, NULL), 0);
	for (round = 0; round < rounds; round++) {
		struct cache *c = &caches[round % 4];
		struct shrinker *s;

		__atomic_store_n(&c->unregistered, 0, __ATOMIC_RELEASE);
		s = shrinker_alloc(0, "race-%d", round);
		assert_non_null(s);
		s->count_objects = race_count;
		s->scan_objects = race_scan;
		s->batch = 16;
		s->private_data = c;
		shrinker_register(s);
		usleep(200);
		shrinker_free(s);
		__atomic_store_n(&c->unregistered, 1, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&stop_reclaim, 1, __ATOMIC_RELEASE);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < 4; i++)
		assert_int_equal(caches[i].late_calls, 0);
}

struct blocking {
	int in_scan, open;
};

static unsigned long one_count(struct shrinker *s, struct shrink_control *sc)
{
	return 1;
}

static unsigned long blocking_scan(struct shrinker *s, struct shrink_control *sc)
{
	struct blocking *b = s->private_data;

	__atomic_store_n(&b->in_scan, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&b->open, __ATOMIC_ACQUIRE))
		usleep(1000);
	return 1;
}

static void *shrink_once(void *arg)
{
	return (void *)zsim_shrink_all(0);
}

struct unreg_arg {
	struct shrinker *s;
	int returned;
};

static void *unregister_thread(void *arg)
{
	struct unreg_arg *u = arg;

	shrinker_free(u->s);
	__atomic_store_n(&u->returned, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void test_unregister_waits_for_scan(void **state)
{
	struct blocking b = { 0 };
	struct unreg_arg u;
	pthread_t reclaim, unreg;
	void *freed;

	u.s = shrinker_alloc(0, "blocking");
	u.returned = 0;
	assert_non_null(u.s);
	u.s->count_objects = one_count;
	u.s->scan_objects = blocking_scan;
	u.s->private_data = &b;
	shrinker_register(u.s);
	assert_int_equal(pthread_create(&reclaim, NULL, shrink_once, NULL), 0);
	while (!__atomic_load_n(&b.in_scan, __ATOMIC_ACQUIRE))
		usleep(1000);
	assert_int_equal(pthread_create(&unreg, NULL, unregister_thread, &u), 0);
	usleep(50 * 1000);
	assert_int_equal(__atomic_load_n(&u.returned, __ATOMIC_ACQUIRE), 0);
	__atomic_store_n(&b.open, 1, __ATOMIC_RELEASE);
	pthread_join(unreg, NULL);
	pthread_join(reclaim, &freed);
	assert_int_equal(u.returned, 1);
	assert_int_equal((long)freed, 1);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batches),
		cmocka_unit_test(test_stop_and_empty),
		cmocka_unit_test(test_register_shrinker_api),
		cmocka_unit_test(test_unregister_during_reclaim),
		cmocka_unit_test(test_unregister_waits_for_scan),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests_name("shrinker", tests,
					   test_setup_small_machine,
					   test_teardown_machine);
}
