// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Threads on one pool: workers allocate, write, read back and free (some
 * objects cross to another thread before they are freed), through both
 * access APIs, while a compactor thread runs zs_compact() in a loop and
 * a migrator thread runs zone compaction, which migrates zspage pages.
 * Every read is checked; at the end every live object is intact and the
 * pages are accounted exactly.  More workers than simulated CPUs, so the
 * per-CPU mapping areas are shared.  Seeded; the op count is bounded.
 */
#include <pthread.h>
#include "test_helpers.h"
#include <zsmalloc/zsmalloc.h>
#include "impl_helpers.h"

#define NR_WORKERS	6
/* more CPUs than a pool has lock slots (16): some CPUs share one */
#define MANY_CPUS	20
#define MANY_WORKERS	18
#define SLOTS		512
#define SHARED_SLOTS	256

struct item {
	unsigned long handle;
	uint32_t size;
	uint32_t key;
};

static struct zs_pool *pool;
/* objects handed between threads; the object's key is its handle */
static unsigned long shared[SHARED_SLOTS];
static uint32_t shared_size[SHARED_SLOTS];
static pthread_mutex_t shared_lock[SHARED_SLOTS];
static int ops_per_worker;
static int nr_workers = NR_WORKERS;
static int long_mode;
static int stop_compactor;
static unsigned long compacted;
static unsigned long zone_compactions;

static void fill(unsigned char *buf, size_t len, uint32_t key)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (unsigned char)(key ^ (i * 131));
}

static int check(const unsigned char *p, size_t len, uint32_t key)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != (unsigned char)(key ^ (i * 131)))
			return 0;
	return 1;
}

static int read_ok(struct item *it, unsigned char *copy, int use_map)
{
	int ok;

	if (use_map) {
		unsigned char *p = zs_map_object(pool, it->handle, ZS_MM_RO);

		ok = check(p, it->size, it->key);
		zs_unmap_object(pool, it->handle);
	} else {
		unsigned char *p = zs_obj_read_begin(pool, it->handle, it->size, copy);

		ok = check(p, it->size, it->key);
		zs_obj_read_end(pool, it->handle, it->size, p);
	}
	return ok;
}

static void *worker(void *arg)
{
	long id = (long)arg;
	struct item *items = calloc(SLOTS, sizeof(*items));
	unsigned char *buf = malloc(4096), *copy = malloc(4096);
	struct test_rng r;
	long bad = 0;

	test_rng_init(&r, test_seed * 1000 + id);
	for (int op = 0; op < ops_per_worker; op++) {
		struct item *it = &items[test_rng_below(&r, SLOTS)];
		unsigned int action = test_rng_below(&r, 100);

		if (!it->handle) {
			it->size = 1 + test_rng_below(&r, 4096);
			it->key = (uint32_t)test_rng_next(&r);
			it->handle = zs_malloc(pool, it->size, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
			if (zs_is_err_handle(it->handle)) {
				it->handle = 0;
				continue;
			}
			fill(buf, it->size, it->key);
			if (action & 1) {
				zs_obj_write(pool, it->handle, buf, it->size);
			} else {
				void *p = zs_map_object(pool, it->handle, ZS_MM_WO);

				memcpy(p, buf, it->size);
				zs_unmap_object(pool, it->handle);
			}
		} else if (action < 50) {
			bad += !read_ok(it, copy, action & 1);
		} else if (action < 90) {
			bad += !read_ok(it, copy, 0);
			zs_free(pool, it->handle);
			it->handle = 0;
		} else {
			/* hand it over: another thread verifies and frees it */
			unsigned int s = test_rng_below(&r, SHARED_SLOTS);
			struct item o = { 0 };

			bad += !read_ok(it, copy, 0);
			it->key = (uint32_t)it->handle;
			fill(buf, it->size, it->key);
			zs_obj_write(pool, it->handle, buf, it->size);
			pthread_mutex_lock(&shared_lock[s]);
			o.handle = shared[s];
			o.size = shared_size[s];
			shared[s] = it->handle;
			shared_size[s] = it->size;
			pthread_mutex_unlock(&shared_lock[s]);
			if (o.handle) {
				/* written by another thread; checked and freed here */
				o.key = (uint32_t)o.handle;
				bad += !read_ok(&o, copy, 0);
				zs_free(pool, o.handle);
			}
			it->handle = 0;
		}
	}
	for (int i = 0; i < SLOTS; i++) {
		if (items[i].handle) {
			bad += !read_ok(&items[i], copy, 0);
			zs_free(pool, items[i].handle);
		}
	}
	free(items);
	free(buf);
	free(copy);
	return (void *)bad;
}

static void *compactor(void *arg)
{
	while (!__atomic_load_n(&stop_compactor, __ATOMIC_ACQUIRE))
		__atomic_fetch_add(&compacted, zs_compact(pool), __ATOMIC_RELAXED);
	return NULL;
}

static void *migrator(void *arg)
{
	while (!__atomic_load_n(&stop_compactor, __ATOMIC_ACQUIRE)) {
		assert_int_equal(zsim_compact_memory(), 0);
		__atomic_fetch_add(&zone_compactions, 1, __ATOMIC_RELAXED);
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
	pthread_t t[MANY_WORKERS], c, m;
	uint64_t migrated = vmstat("pgmigrate_success");
	struct zs_pool_stats stats;
	long bad = 0;
	uint64_t zspages;

	ops_per_worker = long_mode ? 2000000 : test_under_valgrind() ? 1500 : 40000;
	if (nr_workers > NR_WORKERS)	/* the same ops in all */
		ops_per_worker = ops_per_worker * NR_WORKERS / nr_workers;
	memset(shared, 0, sizeof(shared));
	memset(shared_size, 0, sizeof(shared_size));
	for (int s = 0; s < SHARED_SLOTS; s++)
		pthread_mutex_init(&shared_lock[s], NULL);
	stop_compactor = 0;
	compacted = 0;
	zone_compactions = 0;
	zs_pool_config_init(&cfg, preset);
	TEST_SKIP_UNSUPPORTED(&cfg);
	pool = zs_create_pool_config("threads", &cfg, NULL);
	assert_non_null(pool);

	assert_int_equal(pthread_create(&c, NULL, compactor, NULL), 0);
	assert_int_equal(pthread_create(&m, NULL, migrator, NULL), 0);
	for (long i = 0; i < nr_workers; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker, (void *)i), 0);
	for (int i = 0; i < nr_workers; i++) {
		void *ret;

		pthread_join(t[i], &ret);
		bad += (long)ret;
	}
	__atomic_store_n(&stop_compactor, 1, __ATOMIC_RELEASE);
	pthread_join(c, NULL);
	pthread_join(m, NULL);

	/* what is left in the hand-over slots is intact too */
	for (int s = 0; s < SHARED_SLOTS; s++) {
		if (shared[s]) {
			unsigned char copy[4096];
			struct item o = { shared[s], shared_size[s], (uint32_t)shared[s] };

			bad += !read_ok(&o, copy, 0);
			zs_free(pool, shared[s]);
		}
	}
	zs_pool_stats(pool, &stats);
	printf("# %d workers x %d ops: %ld bad reads; zs_compact freed %lu pages; "
	       "%lu zone compactions migrated %llu pages\n",
	       nr_workers, ops_per_worker, bad, compacted, zone_compactions,
	       (unsigned long long)(vmstat("pgmigrate_success") - migrated));
	assert_int_equal(bad, 0);
	/* every page the pool holds is a zspage page the machine counts */
	assert_int_equal(zs_get_total_pages(pool), vmstat("nr_zspages"));
	assert_int_equal(stats.pages_compacted, (long)compacted);
	/* compaction may have queued frees; destroy waits for them */
	zs_destroy_pool(pool);
	assert_int_equal(zsim_vmstat_get("nr_zspages", &zspages), 0);
	assert_int_equal(zspages, 0);
}

static void test_threads_newest(void **state)
{
	run(ZS_PRESET_NEWEST);
}

static void test_threads_linux_4_8(void **state)
{
	run(ZS_PRESET_LINUX_4_8);
}

/* growing zspages: pages added and trimmed under the readers */
static void test_threads_dense(void **state)
{
	run(ZS_PRESET_DENSE);
}

/*
 * 20 CPUs, 18 workers, a compactor and a migrator: 21 threads with the
 * main one, given CPUs round robin, so every CPU has one, and those on
 * CPUs 16 and up share the pool lock slots of CPUs 0 and up in zs_free()
 * while compaction and migration write-lock every slot.
 */
static int setup_many_cpus(void **state)
{
	(void)state;
	test_boot_cpus(64ULL << 20, 7, MANY_CPUS);
	nr_workers = MANY_WORKERS;
	return 0;
}

static int teardown_many_cpus(void **state)
{
	nr_workers = NR_WORKERS;
	return test_teardown_machine(state);
}

static void test_threads_shared_lock_slots(void **state)
{
	run(ZS_PRESET_NEWEST);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_threads_newest, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_threads_linux_4_8, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_threads_dense, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_threads_shared_lock_slots, setup_many_cpus, teardown_many_cpus),
	};

	test_parse_args(argc, argv);
	long_mode = test_long_mode(argc, argv);
	return cmocka_run_group_tests_name("zsmalloc threads", tests, NULL, NULL);
}
