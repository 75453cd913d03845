// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Reads and writes that do not pin (a hazard slot and pool->movers)
 * against everything that moves objects.  Owner threads rewrite their
 * objects with zs_obj_write() and read each back twice inside one
 * zs_obj_read_begin() window, with a pause between; a churn thread keeps
 * zspages part-used, so that compaction has objects to move, and reuses
 * the slots moves leave behind; a compactor runs zs_compact() and a
 * migrator zone compaction, which migrates zspage pages.  A move that did
 * not pass by an open window shows as a location that changed under it
 * (the handle's word, read before and after the pause), as a lost write,
 * or as bytes that change under a read.  CTest runs it again with
 * ZSIM_MEMBARRIER=0, where every access pins.  Seeded; the op count is
 * bounded.
 */
#include "../../lib/zsmalloc.c"
#include "../../lib/zs_config.c"

#include <pthread.h>
#include <unistd.h>
#include "test_helpers.h"
#include "impl_helpers.h"

#define OWNERS		2
#define OWNED		384
#define CHURN		2048

struct obj {
	unsigned long handle;
	uint32_t size;
	uint32_t key;
};

static struct zs_pool *pool;
static int ops_per_owner;
static int long_mode;
static int stop;
static unsigned long compacted, zone_compactions, churn_rounds, fast_windows;

static void fill(unsigned char *buf, size_t len, uint32_t key)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (unsigned char)(key ^ (i * 131) ^ (i >> 8));
}

static int matches(const unsigned char *p, size_t len, uint32_t key)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != (unsigned char)(key ^ (i * 131) ^ (i >> 8)))
			return 0;
	return 1;
}

static int stopped(void)
{
	return __atomic_load_n(&stop, __ATOMIC_ACQUIRE);
}

static void *owner(void *arg)
{
	long id = (long)arg;
	struct obj *objs = calloc(OWNED, sizeof(*objs));
	unsigned char *buf = malloc(4096), *copy = malloc(4096);
	struct test_rng r;
	long bad = 0, fast = 0;

	assert_non_null(objs);
	test_rng_init(&r, test_seed * 100 + id);
	for (int i = 0; i < OWNED; i++) {
		objs[i].size = 200 + (uint32_t)test_rng_below(&r, 3800);
		objs[i].handle = zs_malloc(pool, objs[i].size, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
		assert_false(zs_is_err_handle(objs[i].handle));
		objs[i].key = (uint32_t)test_rng_next(&r);
		fill(buf, objs[i].size, objs[i].key);
		zs_obj_write(pool, objs[i].handle, buf, objs[i].size);
	}
	for (int op = 0; op < ops_per_owner; op++) {
		struct obj *o = &objs[test_rng_below(&r, OWNED)];
		const unsigned char *p;
		unsigned long where;
		int ok;

		o->key = (uint32_t)test_rng_next(&r);
		fill(buf, o->size, o->key);
		zs_obj_write(pool, o->handle, buf, o->size);

		p = zs_obj_read_begin(pool, o->handle, o->size, copy);
		where = handle_to_obj(o->handle) & ~BIT(HANDLE_PIN_BIT);
		fast += hazptr_find_mine(o->handle, ZS_WINDOW_SPAN) != NULL;
		ok = matches(p, o->size, o->key);
		/* hold the window while the movers run */
		for (volatile int spin = 0; spin < 10000; spin++)
			;
		ok &= matches(p, o->size, o->key);
		ok &= (handle_to_obj(o->handle) & ~BIT(HANDLE_PIN_BIT)) == where;
		zs_obj_read_end(pool, o->handle, o->size, p);
		bad += !ok;
	}
	for (int i = 0; i < OWNED; i++)
		zs_free(pool, objs[i].handle);
	free(objs);
	free(buf);
	free(copy);
	__atomic_fetch_add(&fast_windows, fast, __ATOMIC_RELAXED);
	return (void *)bad;
}

/* Fill every slot, then free most at random: part-used zspages. */
static void *churn(void *arg)
{
	unsigned long *h = calloc(CHURN, sizeof(*h));
	unsigned char *buf = malloc(4096);
	struct test_rng r;

	(void)arg;
	assert_non_null(h);
	test_rng_init(&r, test_seed * 100 + 99);
	while (!stopped()) {
		for (int i = 0; i < CHURN; i++) {
			uint32_t size = 200 + (uint32_t)test_rng_below(&r, 3800);

			if (h[i])
				continue;
			h[i] = zs_malloc(pool, size, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
			if (zs_is_err_handle(h[i])) {
				h[i] = 0;
				continue;
			}
			fill(buf, size, (uint32_t)i);
			zs_obj_write(pool, h[i], buf, size);
		}
		for (int i = 0; i < CHURN; i++) {
			if (h[i] && test_rng_below(&r, 100) < 70) {
				zs_free(pool, h[i]);
				h[i] = 0;
			}
		}
		__atomic_fetch_add(&churn_rounds, 1, __ATOMIC_RELAXED);
	}
	for (int i = 0; i < CHURN; i++)
		if (h[i])
			zs_free(pool, h[i]);
	free(h);
	free(buf);
	return NULL;
}

/*
 * The movers pause between runs: an access that begins while none is at
 * work takes the path without a pin, and the next run starts under it.
 */
static void pause_a_little(struct test_rng *r)
{
	usleep((useconds_t)test_rng_below(r, 500));
}

static void *compactor(void *arg)
{
	struct test_rng r;

	(void)arg;
	test_rng_init(&r, test_seed * 100 + 98);
	while (!stopped()) {
		__atomic_fetch_add(&compacted, zs_compact(pool), __ATOMIC_RELAXED);
		pause_a_little(&r);
	}
	return NULL;
}

static void *migrator(void *arg)
{
	struct test_rng r;

	(void)arg;
	test_rng_init(&r, test_seed * 100 + 97);
	while (!stopped()) {
		assert_int_equal(zsim_compact_memory(), 0);
		__atomic_fetch_add(&zone_compactions, 1, __ATOMIC_RELAXED);
		pause_a_little(&r);
	}
	return NULL;
}

static uint64_t vmstat(const char *name)
{
	uint64_t v = 0;

	assert_int_equal(zsim_vmstat_get(name, &v), 0);
	return v;
}

static void run(enum zs_preset preset)
{
	struct zs_pool_config cfg;
	pthread_t t[OWNERS], ch, c, m;
	uint64_t migrated = vmstat("pgmigrate_success"), zspages;
	long bad = 0;

	ops_per_owner = long_mode ? 2000000 : test_under_valgrind() ? 300 : 30000;
	stop = 0;
	compacted = zone_compactions = churn_rounds = fast_windows = 0;
	zs_pool_config_init(&cfg, preset);
	TEST_SKIP_UNSUPPORTED(&cfg);
	pool = zs_create_pool_config("windows", &cfg, NULL);
	assert_non_null(pool);

	assert_int_equal(pthread_create(&ch, NULL, churn, NULL), 0);
	assert_int_equal(pthread_create(&c, NULL, compactor, NULL), 0);
	assert_int_equal(pthread_create(&m, NULL, migrator, NULL), 0);
	for (long i = 0; i < OWNERS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, owner, (void *)i), 0);
	for (int i = 0; i < OWNERS; i++) {
		void *ret;

		pthread_join(t[i], &ret);
		bad += (long)ret;
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	pthread_join(ch, NULL);
	pthread_join(c, NULL);
	pthread_join(m, NULL);

	migrated = vmstat("pgmigrate_success") - migrated;
	printf("# %d owners x %d writes and reads: %ld bad, %lu read windows without a pin; "
	       "%lu churn rounds; zs_compact freed %lu pages; %lu zone compactions migrated "
	       "%llu pages\n", OWNERS, ops_per_owner, bad, fast_windows, churn_rounds,
	       compacted, zone_compactions, (unsigned long long)migrated);
	assert_int_equal(bad, 0);
	/* the run moved objects under the windows, or it proved nothing */
	assert_true(compacted + migrated > 0);
	/* and the windows took the path without a pin where the host allows */
	if (hazptr_barrier_available())
		assert_true(fast_windows > 0);
	else
		assert_int_equal(fast_windows, 0);
	zs_destroy_pool(pool);
	assert_int_equal(zsim_vmstat_get("nr_zspages", &zspages), 0);
	assert_int_equal(zspages, 0);
}

static void test_windows_newest(void **state)
{
	(void)state;
	run(ZS_PRESET_NEWEST);
}

/* growing zspages: pages added and trimmed under the windows too */
static void test_windows_dense(void **state)
{
	(void)state;
	run(ZS_PRESET_DENSE);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_windows_newest, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_windows_dense, test_setup_small_machine, test_teardown_machine),
	};

	test_parse_args(argc, argv);
	long_mode = test_long_mode(argc, argv);
	return cmocka_run_group_tests_name("zsmalloc windows", tests, NULL, NULL);
}
