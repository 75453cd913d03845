// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * What the deterministic scheduler costs: a zs_malloc() + zs_free() loop
 * (one 200-byte object, a hot pool), best of several rounds,
 *   - free-running, the default (the scheduling points are one load each);
 *   - in PCT mode with one thread (every point enters the scheduler);
 *   - in PCT and uniform mode with two threads (points may switch).
 * Built against a library without the scheduler (no ZSIM_SCHED_MAX_DEPTH)
 * it measures the first line only, for comparison.
 */
#include <errno.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zsmalloc/zsim.h>
#include <zsmalloc/zsmalloc.h>

static unsigned int iters = 200000;
static unsigned int rounds = 5;
static bool free_only;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

struct loop {
	struct zs_pool *pool;
	unsigned int n;
};

static void *loop_fn(void *arg)
{
	struct loop *l = arg;
	unsigned long keep, h;
	unsigned int i;

	/* One object kept live, so the zspage stays between pairs. */
	keep = zs_malloc(l->pool, 200, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
	for (i = 0; i < l->n; i++) {
		h = zs_malloc(l->pool, 200, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
		if (zs_is_err_handle(h)) {
			fprintf(stderr, "bench_sched: zs_malloc failed\n");
			exit(1);
		}
		zs_free(l->pool, h);
	}
	zs_free(l->pool, keep);
	return NULL;
}

static int boot(int mode)
{
	struct zsim_config cfg;
	int err;

	zsim_config_default(&cfg);
	cfg.mem_bytes = 64ULL << 20;
	cfg.loglevel = 3;
#ifdef ZSIM_SCHED_MAX_DEPTH
	cfg.sched = mode;
	cfg.sched_steps = 1000000;
#else
	(void)mode;
#endif
	err = zsim_init(&cfg);
	if (err)
		fprintf(stderr, "bench_sched: zsim_init: %s\n", zsim_last_error());
	return err;
}

/* ns per pair over @threads threads (1 or 2), best of the rounds. */
static double measure(int mode, unsigned int threads, double *steps_per_pair,
		      double *switches_per_pair)
{
	double best = 0, t0, ns;
	unsigned int r, i;

	*steps_per_pair = *switches_per_pair = 0;
	for (r = 0; r < rounds; r++) {
		struct loop l[2];
		struct zs_pool *pool;

		if (boot(mode))
			exit(1);
		pool = zs_create_pool("bench_sched");
		if (!pool)
			exit(1);
		for (i = 0; i < threads; i++) {
			l[i].pool = pool;
			l[i].n = iters / threads;
		}
		t0 = now_ns();
		if (threads == 1) {
			loop_fn(&l[0]);
		} else {
#ifdef ZSIM_SCHED_MAX_DEPTH
			struct zsim_thread *t[2];

			for (i = 0; i < threads; i++)
				if (zsim_thread_create(&t[i], "bench", loop_fn, &l[i]))
					exit(1);
			for (i = 0; i < threads; i++)
				zsim_thread_join(t[i], NULL);
#endif
		}
		ns = (now_ns() - t0) / iters;
#ifdef ZSIM_SCHED_MAX_DEPTH
		{
			struct zsim_sched_stats st = { .size = sizeof(st) };

			if (!zsim_sched_stats(&st)) {
				*steps_per_pair = (double)st.steps / iters;
				*switches_per_pair = (double)st.switches / iters;
			}
		}
#endif
		zs_destroy_pool(pool);
		if (zsim_exit())
			exit(1);
		if (!best || ns < best)
			best = ns;
	}
	return best;
}

int main(int argc, char **argv)
{
	double ns, steps, sw;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			iters = 5000;
			rounds = 2;
		} else if (!strcmp(argv[i], "--free-only")) {
			free_only = true;
		} else if (!strcmp(argv[i], "--iters") && i + 1 < argc) {
			iters = (unsigned int)strtoul(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--rounds") && i + 1 < argc) {
			rounds = (unsigned int)strtoul(argv[++i], NULL, 0);
		} else {
			printf("Usage: bench_sched [--quick] [--free-only] [--iters N] [--rounds N]\n\n"
			       "ns per zs_malloc(200) + zs_free() pair, best of the rounds:\n"
			       "free-running, and under the deterministic scheduler (the\n"
			       "uniform mode with a fiftieth of the pairs: it switches often).\n");
			return strcmp(argv[i], "--help") && strcmp(argv[i], "-h") ? 2 : 0;
		}
	}
	if (iters < 2 || !rounds) {
		fprintf(stderr, "bench_sched: --iters must be at least 2 and --rounds at least 1\n");
		return 2;
	}
	printf("ns per zs_malloc(200) + zs_free() pair, %u pairs, best of %u rounds\n",
	       iters, rounds);
	printf("%-28s %10s %12s %14s\n", "mode", "ns/pair", "steps/pair", "switches/pair");
	ns = measure(0, 1, &steps, &sw);
	printf("%-28s %10.1f %12s %14s\n", "free-running, 1 thread", ns, "-", "-");
	if (free_only)
		return 0;
#ifdef ZSIM_SCHED_MAX_DEPTH
	ns = measure(ZSIM_SCHED_PCT, 1, &steps, &sw);
	printf("%-28s %10.1f %12.1f %14.3f\n", "pct, 1 thread", ns, steps, sw);
	ns = measure(ZSIM_SCHED_PCT, 2, &steps, &sw);
	printf("%-28s %10.1f %12.1f %14.3f\n", "pct, 2 threads", ns, steps, sw);
	iters = iters / 50 < 2 ? 2 : iters / 50;
	ns = measure(ZSIM_SCHED_RANDOM, 2, &steps, &sw);
	printf("%-28s %10.1f %12.1f %14.3f\n", "random, 2 threads", ns, steps, sw);
#else
	printf("(this library has no deterministic scheduler)\n");
#endif
	return 0;
}
