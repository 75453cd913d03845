// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * The deterministic scheduler (cfg.sched): configuration and bad input,
 * virtual time, a racy toy driver whose bug a bounded number of seeds
 * finds and whose failing seed replays it every time, a threaded
 * zsmalloc stress that prints the same output twice for one seed, and a
 * planted deadlock that is reported with every thread's wait.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <pthread.h>
#define SIM_SCHED_NO_WRAP	/* plain pthreads here: outside the scheduler */
#include <sim/sched.h>
#include <zsmalloc/zsmalloc.h>

#include "test_helpers.h"

static bool kcompactd_on;

static void sched_boot(int mode, uint64_t seed, unsigned int depth,
		       uint64_t steps, uint64_t mem_bytes)
{
	struct zsim_config cfg;
	int err;

	zsim_config_default(&cfg);
	cfg.kcompactd = kcompactd_on;
	cfg.mem_bytes = mem_bytes;
	cfg.pageblock_order = 7;
	cfg.seed = seed;
	cfg.loglevel = 3;
	cfg.sched = mode;
	cfg.sched_depth = depth;
	cfg.sched_steps = steps;
	err = zsim_init(&cfg);
	if (err)
		fprintf(stderr, "zsim_init: %s\n", zsim_last_error());
	assert_int_equal(err, 0);
}

static void get_stats(struct zsim_sched_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	assert_int_equal(zsim_sched_stats(st), 0);
}

/* --- configuration and bad input ---------------------------------------- */

static void test_config(void **state)
{
	struct zsim_config cfg;
	struct zsim_sched_stats st = { .size = sizeof(st) };

	(void)state;
	zsim_config_default(&cfg);
	assert_int_equal(cfg.sched, ZSIM_SCHED_FREE);
	assert_int_equal(cfg.sched_depth, 3);
	assert_true(cfg.sched_steps == 100000);

	setenv("ZSIM_SCHED", "pct", 1);
	setenv("ZSIM_SCHED_DEPTH", "5", 1);
	setenv("ZSIM_SCHED_STEPS", "1000", 1);
	assert_int_equal(zsim_config_from_env(&cfg), 0);
	assert_int_equal(cfg.sched, ZSIM_SCHED_PCT);
	assert_int_equal(cfg.sched_depth, 5);
	assert_true(cfg.sched_steps == 1000);
	setenv("ZSIM_SCHED", "random", 1);
	assert_int_equal(zsim_config_from_env(&cfg), 0);
	assert_int_equal(cfg.sched, ZSIM_SCHED_RANDOM);
	setenv("ZSIM_SCHED", "off", 1);
	assert_int_equal(zsim_config_from_env(&cfg), 0);
	assert_int_equal(cfg.sched, ZSIM_SCHED_FREE);

	setenv("ZSIM_SCHED", "fair", 1);
	assert_int_equal(zsim_config_from_env(&cfg), -EINVAL);
	assert_non_null(strstr(zsim_last_error(), "ZSIM_SCHED=\"fair\""));
	assert_non_null(strstr(zsim_last_error(), "pct or random"));
	unsetenv("ZSIM_SCHED");
	setenv("ZSIM_SCHED_DEPTH", "0", 1);
	assert_int_equal(zsim_config_from_env(&cfg), -EINVAL);
	assert_non_null(strstr(zsim_last_error(), "ZSIM_SCHED_DEPTH=\"0\""));
	assert_non_null(strstr(zsim_last_error(), "1..32"));
	unsetenv("ZSIM_SCHED_DEPTH");
	setenv("ZSIM_SCHED_STEPS", "0", 1);
	assert_int_equal(zsim_config_from_env(&cfg), -EINVAL);
	assert_non_null(strstr(zsim_last_error(), "ZSIM_SCHED_STEPS=\"0\""));
	unsetenv("ZSIM_SCHED_STEPS");

	zsim_config_default(&cfg);
	cfg.sched = 3;
	assert_int_equal(zsim_init(&cfg), -EINVAL);
	assert_non_null(strstr(zsim_last_error(), "scheduling mode 3 is outside 0..2"));
	zsim_config_default(&cfg);
	cfg.sched = ZSIM_SCHED_PCT;
	cfg.sched_depth = 33;
	assert_int_equal(zsim_init(&cfg), -EINVAL);
	assert_non_null(strstr(zsim_last_error(), "scheduling depth 33 is outside 1..32"));
	cfg.sched_depth = 3;
	cfg.sched_steps = 0;
	assert_int_equal(zsim_init(&cfg), -EINVAL);
	assert_non_null(strstr(zsim_last_error(), "scheduling steps 0"));
	assert_false(zsim_running());

	/* Free-running: no scheduler to ask; a point does nothing. */
	test_boot(16ULL << 20, 7);
	zsim_sched_point();
	assert_int_equal(zsim_sched_stats(&st), -ENODEV);
	test_shutdown();
	assert_int_equal(zsim_sched_stats(NULL), -EINVAL);
	st.size = 3;
	assert_int_equal(zsim_sched_stats(&st), -EINVAL);
}

/* --- out of memory ------------------------------------------------------- */

static void *nothing(void *arg)
{
	return arg;
}

static void test_enomem(void **state)
{
	struct zsim_sched_stats before, after;
	struct zsim_config cfg;
	struct zsim_thread *t;
	void *ret = NULL;
	int i;

	(void)state;
	/* The scheduler's first task: the boot fails cleanly. */
	zsim_config_default(&cfg);
	cfg.sched = ZSIM_SCHED_PCT;
	cfg.mem_bytes = 16ULL << 20;
	cfg.pageblock_order = 7;
	sim_sched_fail_nth = 1;
	assert_int_equal(zsim_init(&cfg), -ENOMEM);
	assert_non_null(strstr(zsim_last_error(), "scheduler's first task"));
	assert_false(zsim_running());
	assert_int_equal(zsim_sched_stats(&(struct zsim_sched_stats){ .size = sizeof(before) }),
			 -ENODEV);

	/* A thread's handle (1), then its task (2): nothing starts. */
	sched_boot(ZSIM_SCHED_PCT, test_seed, 3, 1000, 16ULL << 20);
	get_stats(&before);
	for (i = 1; i <= 2; i++) {
		t = (struct zsim_thread *)&t;
		sim_sched_fail_nth = (unsigned int)i;
		assert_int_equal(zsim_thread_create(&t, "nomem", nothing, NULL), -ENOMEM);
		assert_null(t);
		assert_int_equal(sim_sched_fail_nth, 0);
	}
	get_stats(&after);
	assert_int_equal(after.threads, before.threads);
	/* And the next one works. */
	assert_int_equal(zsim_thread_create(&t, "fine", nothing, &cfg), 0);
	assert_int_equal(zsim_thread_join(t, &ret), 0);
	assert_ptr_equal(ret, &cfg);
	test_shutdown();
}

/* --- virtual time -------------------------------------------------------- */

static void test_virtual_time(void **state)
{
	struct timespec a, b;
	unsigned long j0, j1;
	double wall;

	(void)state;
	sched_boot(ZSIM_SCHED_PCT, test_seed, 3, 1000, 16ULL << 20);
	j0 = jiffies;
	clock_gettime(CLOCK_MONOTONIC, &a);
	msleep(5000);
	schedule_timeout(msecs_to_jiffies(5000));
	clock_gettime(CLOCK_MONOTONIC, &b);
	j1 = jiffies;
	wall = (double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
	printf("# 10 s of virtual sleep: %lu jiffies passed in %.3f s of wall time\n",
	       j1 - j0, wall);
	assert_true(j1 - j0 >= 10000);
	assert_true(j1 - j0 < 10100);
	/* Nobody waits in the host: the clock jumped to the deadlines. */
	assert_true(wall < 4.0);
	test_shutdown();
}

/* --- a racy toy driver ---------------------------------------------------- */

/*
 * The driver hands out one shared buffer page, allocated on first use.
 * Its bug: it checks for the page under the lock, drops the lock to
 * allocate (alloc_page() may sleep, so it "must not" hold a spinlock),
 * and takes it again to install the page without checking again.  Two
 * threads that both see no page allocate two, and the one installed
 * first is lost: a leaked page.
 */
struct racy_dev {
	spinlock_t lock;
	struct page *page;
	int allocations;
	int leaked;
};

static struct page *racy_get_page(struct racy_dev *dev)
{
	struct page *page;

	spin_lock(&dev->lock);
	page = dev->page;
	spin_unlock(&dev->lock);
	if (page)
		return page;

	page = alloc_page(GFP_KERNEL);		/* may sleep: lock dropped */
	if (!page)
		return NULL;
	spin_lock(&dev->lock);
	dev->allocations++;
	if (dev->page) {
		/* The bug, made visible: the check above is stale. */
		dev->leaked++;
		__free_page(dev->page);
	}
	dev->page = page;
	spin_unlock(&dev->lock);
	return page;
}

static void *racy_user(void *arg)
{
	struct racy_dev *dev = arg;

	racy_get_page(dev);
	return NULL;
}

struct race_result {
	int leaked;
	uint64_t hash, steps, switches;
};

static void race_once(uint64_t seed, struct race_result *res)
{
	struct zsim_thread *t[2];
	struct zsim_sched_stats st;
	struct racy_dev dev;
	int i;

	sched_boot(ZSIM_SCHED_PCT, seed, 2, 60, 16ULL << 20);
	memset(&dev, 0, sizeof(dev));
	spin_lock_init(&dev.lock);
	for (i = 0; i < 2; i++)
		assert_int_equal(zsim_thread_create(&t[i], "racy", racy_user, &dev), 0);
	for (i = 0; i < 2; i++)
		assert_int_equal(zsim_thread_join(t[i], NULL), 0);
	get_stats(&st);
	if (dev.page)
		__free_page(dev.page);
	test_shutdown();
	res->leaked = dev.leaked;
	res->hash = st.hash;
	res->steps = st.steps;
	res->switches = st.switches;
}

#define RACE_MAX_SEEDS	200
#define RACE_REPLAYS	5

static void test_racy_driver(void **state)
{
	struct race_result res = { 0 }, again;
	uint64_t seed, found = 0;
	int i, clean = 0;

	(void)state;
	for (seed = test_seed; seed < test_seed + RACE_MAX_SEEDS; seed++) {
		race_once(seed, &res);
		if (res.leaked) {
			found = seed;
			break;
		}
		clean++;
	}
	printf("# the check-then-act race: %d clean seeds, then seed %" PRIu64
	       " (steps %" PRIu64 ", switches %" PRIu64 ", hash %016" PRIx64 ")\n",
	       clean, found, res.steps, res.switches, res.hash);
	assert_true(found != 0);

	/* The failing seed fails again, the same way, every time. */
	for (i = 0; i < RACE_REPLAYS; i++) {
		race_once(found, &again);
		assert_int_equal(again.leaked, res.leaked);
		assert_true(again.hash == res.hash);
		assert_true(again.steps == res.steps);
		assert_true(again.switches == res.switches);
	}
	printf("# seed %" PRIu64 " leaked a page on %d of %d replays\n",
	       found, RACE_REPLAYS, RACE_REPLAYS);
}

/* --- a threaded zsmalloc stress, twice ---------------------------------- */

#define STRESS_OBJS	96

struct stress_arg {
	struct zs_pool *pool;
	uint64_t seed;
	unsigned long handles[STRESS_OBJS];
	size_t sizes[STRESS_OBJS];
	unsigned int rounds;
	uint64_t moved;
	uint64_t bad;
};

static void fill(unsigned char *buf, size_t n, unsigned long tag)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf[i] = (unsigned char)(tag * 131 + i);
}

static bool check(struct zs_pool *pool, unsigned long h, size_t n, unsigned long tag)
{
	unsigned char copy[3072], want[3072];
	const unsigned char *p;
	bool ok;

	p = zs_obj_read_begin(pool, h, n, copy);
	fill(want, n, tag);
	ok = !memcmp(p, want, n);
	zs_obj_read_end(pool, h, n, (void *)p);
	return ok;
}

static void *stress_worker(void *argp)
{
	struct stress_arg *a = argp;
	unsigned char buf[3072];
	struct test_rng rng;
	unsigned int r, i;
	uint64_t pfn;

	test_rng_init(&rng, a->seed);
	for (r = 0; r < a->rounds; r++) {
		i = (unsigned int)test_rng_below(&rng, STRESS_OBJS);
		if (a->handles[i]) {
			if (!check(a->pool, a->handles[i], a->sizes[i], i))
				a->bad++;
			zs_free(a->pool, a->handles[i]);
			a->handles[i] = 0;
		} else {
			size_t n = 32 + (size_t)test_rng_below(&rng, 3000);
			unsigned long h = zs_malloc(a->pool, n, GFP_KERNEL, -1);

			if (zs_is_err_handle(h))
				continue;
			fill(buf, n, i);
			zs_obj_write(a->pool, h, buf, n);
			a->handles[i] = h;
			a->sizes[i] = n;
		}
		switch (test_rng_below(&rng, 16)) {
		case 0:
			zs_compact(a->pool);
			break;
		case 2:
			/* The zone's compaction migrates zspages' pages. */
			zsim_compact_memory();
			break;
		case 1:
			/* Move one chosen object's page now. */
			i = (unsigned int)test_rng_below(&rng, STRESS_OBJS);
			if (!a->handles[i] || zs_handle_pfn(a->pool, a->handles[i], &pfn))
				break;
			if (zsim_isolate_page(pfn))
				break;
			if (!zsim_migrate_page(pfn, 0, NULL))
				a->moved++;
			else
				zsim_putback_page(pfn);
			break;
		default:
			break;
		}
	}
	for (i = 0; i < STRESS_OBJS; i++) {
		if (!a->handles[i])
			continue;
		if (!check(a->pool, a->handles[i], a->sizes[i], i))
			a->bad++;
		zs_free(a->pool, a->handles[i]);
	}
	return NULL;
}

static const char *const stress_counters[] = {
	"pgmigrate_success", "pgmigrate_fail", "compact_isolated",
	"nr_zspages", "pgalloc_normal", "pgfree", "compact_daemon_wake",
	"page_reporting_batches",
};

/* One run: its output (counters and the interleaving's fingerprint). */
static void stress_run(int mode, uint64_t seed, char *out, size_t len)
{
	static struct stress_arg args[2];
	struct zsim_thread *t[2];
	struct zsim_sched_stats st;
	struct zs_pool *pool;
	size_t used = 0;
	uint64_t v;
	unsigned int i;
	unsigned int rounds = test_under_valgrind() ? 150 : 600;

	/* kcompactd too: its 500 ms period is virtual time. */
	kcompactd_on = true;
	sched_boot(mode, seed, 4, 200000, 32ULL << 20);
	kcompactd_on = false;
	pool = zs_create_pool("sched");
	assert_non_null(pool);
	for (i = 0; i < 2; i++) {
		memset(&args[i], 0, sizeof(args[i]));
		args[i].pool = pool;
		args[i].seed = seed * 2 + i;
		args[i].rounds = rounds;
		assert_int_equal(zsim_thread_create(&t[i], "stress", stress_worker,
						    &args[i]), 0);
	}
	for (i = 0; i < 2; i++)
		assert_int_equal(zsim_thread_join(t[i], NULL), 0);
	get_stats(&st);
	for (i = 0; i < ARRAY_SIZE(stress_counters); i++) {
		if (zsim_vmstat_get(stress_counters[i], &v))
			continue;
		used += (size_t)snprintf(out + used, len - used, "%s %" PRIu64 "\n",
					 stress_counters[i], v);
	}
	used += (size_t)snprintf(out + used, len - used,
				 "moved %" PRIu64 " %" PRIu64 "\nsteps %" PRIu64
				 "\nswitches %" PRIu64 "\nblocks %" PRIu64
				 "\nvirtual_ns %" PRIu64 "\nhash %016" PRIx64 "\n",
				 args[0].moved, args[1].moved, st.steps, st.switches,
				 st.blocks, st.virtual_ns, st.hash);
	assert_true(used < len);
	assert_true(args[0].bad == 0 && args[1].bad == 0);
	zs_destroy_pool(pool);
	test_shutdown();
}

static void stress_twice(int mode, const char *name)
{
	static char first[2048], second[2048];

	stress_run(mode, test_seed, first, sizeof(first));
	stress_run(mode, test_seed, second, sizeof(second));
	printf("# %s, seed %" PRIu64 ", run 1:\n%s# run 2:\n%s", name, test_seed,
	       first, second);
	assert_string_equal(first, second);
	assert_non_null(strstr(first, "pgmigrate_success"));
}

static void test_stress_pct(void **state)
{
	(void)state;
	stress_twice(ZSIM_SCHED_PCT, "pct");
}

static void test_stress_random(void **state)
{
	(void)state;
	stress_twice(ZSIM_SCHED_RANDOM, "random");
}

/* --- a thread from outside the scheduler ---------------------------------- */

static DECLARE_WAIT_QUEUE_HEAD(outside_wq);
static int outside_done;

/* A plain pthread: it never reaches a scheduling point. */
static void *outside_waker(void *arg)
{
	(void)arg;
	/* Until the task waits (in the scheduler), and a little longer. */
	while (!waitqueue_active(&outside_wq))
		usleep(1000);
	usleep(20000);
	__atomic_store_n(&outside_done, 1, __ATOMIC_RELEASE);
	wake_up_all(&outside_wq);
	return NULL;
}

/*
 * Every task waits and no wait has a timeout, but a thread the scheduler
 * does not know is about to wake one: that is no deadlock (the machine
 * gives such a thread a second).
 */
static void test_outside_thread(void **state)
{
	pthread_t thread;

	(void)state;
	sched_boot(ZSIM_SCHED_PCT, test_seed, 3, 1000, 16ULL << 20);
	outside_done = 0;
	assert_int_equal(pthread_create(&thread, NULL, outside_waker, NULL), 0);
	wait_event(outside_wq, __atomic_load_n(&outside_done, __ATOMIC_ACQUIRE));
	assert_int_equal(pthread_join(thread, NULL), 0);
	test_shutdown();
}

/* --- a planted deadlock ---------------------------------------------------- */

static DEFINE_MUTEX(lock_a);
static DEFINE_MUTEX(lock_b);

static void *take_ab(void *arg)
{
	(void)arg;
	mutex_lock(&lock_a);
	zsim_sched_point();
	mutex_lock(&lock_b);
	mutex_unlock(&lock_b);
	mutex_unlock(&lock_a);
	return NULL;
}

static void *take_ba(void *arg)
{
	(void)arg;
	mutex_lock(&lock_b);
	zsim_sched_point();
	mutex_lock(&lock_a);
	mutex_unlock(&lock_a);
	mutex_unlock(&lock_b);
	return NULL;
}

/* In a child: the machine BUG()s, the parent reads what it printed. */
static void test_deadlock_report(void **state)
{
	static char text[65536];
	int fds[2], status;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct zsim_thread *t[2];

		dup2(fds[1], 2);
		close(fds[0]);
		/*
		 * Random choices at every point: both threads take their
		 * first lock before either takes its second for some seed.
		 */
		for (uint64_t seed = 1; seed < 64; seed++) {
			sched_boot(ZSIM_SCHED_RANDOM, seed, 1, 1, 16ULL << 20);
			zsim_thread_create(&t[0], "take_ab", take_ab, NULL);
			zsim_thread_create(&t[1], "take_ba", take_ba, NULL);
			zsim_thread_join(t[0], NULL);
			zsim_thread_join(t[1], NULL);
			zsim_exit();
		}
		_exit(3);
	}
	close(fds[1]);
	while (len < sizeof(text) - 1 &&
	       (n = read(fds[0], text + len, sizeof(text) - 1 - len)) > 0)
		len += (size_t)n;
	text[len] = '\0';
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_false(WIFEXITED(status) && WEXITSTATUS(status) == 3);
	assert_non_null(strstr(text, "zsim: sched: deadlock: every thread waits"));
	assert_non_null(strstr(text, "(take_ab) blocked waiting for lock word"));
	assert_non_null(strstr(text, "(take_ba) blocked waiting for lock word"));
	assert_non_null(strstr(text, "blocked waiting for thread exit"));
	/* Its deadlock report (not the lockdep report that came before). */
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
		if (!strncmp(line, "zsim: sched", 11) || !strncmp(line, "  task", 6))
			printf("# %s\n", line);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_enomem),
		cmocka_unit_test(test_virtual_time),
		cmocka_unit_test(test_racy_driver),
		cmocka_unit_test(test_stress_pct),
		cmocka_unit_test(test_stress_random),
		cmocka_unit_test(test_outside_thread),
		cmocka_unit_test(test_deadlock_report),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
