// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * bench_reporting: what free page reporting costs and gives.
 *
 *  1. The loop of one object allocated and freed (each free empties a
 *     zspage whose pages merge back into a pageblock): time per cycle and
 *     madvise() calls, with reporting on and off, and with one object
 *     kept live (the steady state a store is usually in).
 *  2. RSS against pool pages: fill a pool, free 60 %, zs_compact(), then
 *     RSS sampled 0, 25, 50, 75, 100, 200 and 500 ms later with no other
 *     call, then after zsim_report_free_pages().
 *
 * Usage: bench_reporting [--quick]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zsmalloc/zsmalloc.h>
#include <zsmalloc/zsim.h>

#include "util.h"

#define ROUNDS	5

static uint64_t vm(const char *name)
{
	uint64_t v = 0;

	if (zsim_vmstat_get(name, &v))
		return 0;
	return v;
}

static void boot(bool madvise)
{
	struct zsim_config cfg;

	zsim_config_default(&cfg);
	cfg.mem_bytes = 512ULL << 20;
	cfg.madvise = madvise;
	cfg.loglevel = 3;
	if (zsim_init(&cfg)) {
		fprintf(stderr, "zsim_init: %s\n", zsim_last_error());
		exit(1);
	}
}

/* ns per zs_malloc + zs_free cycle; *madv: madvise calls made meanwhile */
static double loop(unsigned long cycles, bool keep_one, uint64_t *madv)
{
	struct zs_pool *pool = zs_create_pool("bench");
	unsigned long h, live = 0;
	uint64_t m0, t0, t;
	unsigned long i;

	if (!pool)
		exit(1);
	if (keep_one)
		live = zs_malloc(pool, 1000, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
	zsim_report_free_pages();
	m0 = vm("page_reporting_madvise");
	t0 = util_now_ns();
	for (i = 0; i < cycles; i++) {
		h = zs_malloc(pool, 1000, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
		if (zs_is_err_handle(h))
			exit(1);
		zs_free(pool, h);
	}
	t = util_now_ns() - t0;
	*madv = vm("page_reporting_madvise") - m0;
	if (keep_one)
		zs_free(pool, live);
	zs_destroy_pool(pool);
	return (double)t / (double)cycles;
}

static void rss_after_compact(unsigned long nr)
{
	static const unsigned int at_ms[] = { 0, 25, 50, 75, 100, 200, 500 };
	struct zs_pool *pool = zs_create_pool("rss");
	unsigned long *h = calloc(nr, sizeof(*h)), i, t0;
	struct util_rng rng;
	char buf[4096];
	uint64_t m0, b0, c0;
	unsigned int k;

	if (!pool || !h)
		exit(1);
	util_rng_init(&rng, 1);
	memset(buf, 0x5a, sizeof(buf));
	for (i = 0; i < nr; i++) {
		size_t len = 100 + util_rng_below(&rng, 3000);

		h[i] = zs_malloc(pool, len, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
		if (zs_is_err_handle(h[i]))
			exit(1);
		zs_obj_write(pool, h[i], buf, len);
	}
	printf("filled: pool %lu pages (%lu KiB), RSS %lu KiB\n",
	       zs_get_total_pages(pool), zs_get_total_pages(pool) * 4,
	       (unsigned long)(util_rss_bytes() >> 10));
	for (i = 0; i < nr; i++)
		if (util_rng_below(&rng, 100) < 60) {
			zs_free(pool, h[i]);
			h[i] = 0;
		}
	m0 = vm("page_reporting_madvise");
	b0 = vm("page_reporting_batches");
	c0 = util_now_ns();
	zs_compact(pool);
	t0 = util_now_ns() / 1000000;
	printf("zs_compact(): %.1f ms\n", (double)(util_now_ns() - c0) / 1e6);
	printf("freed 60%%, compacted: pool %lu pages (%lu KiB)\n",
	       zs_get_total_pages(pool), zs_get_total_pages(pool) * 4);
	for (k = 0; k < sizeof(at_ms) / sizeof(at_ms[0]); k++) {
		while (util_now_ns() / 1000000 - t0 < at_ms[k])
			usleep(500);
		printf("  %3u ms after zs_compact(): RSS %lu KiB\n", at_ms[k],
		       (unsigned long)(util_rss_bytes() >> 10));
	}
	c0 = util_now_ns();
	zsim_report_free_pages();
	printf("  after zsim_report_free_pages() (%.1f ms): RSS %lu KiB\n",
	       (double)(util_now_ns() - c0) / 1e6,
	       (unsigned long)(util_rss_bytes() >> 10));
	printf("  reporting since zs_compact(): %llu batches, %llu madvise calls\n",
	       (unsigned long long)(vm("page_reporting_batches") - b0),
	       (unsigned long long)(vm("page_reporting_madvise") - m0));
	for (i = 0; i < nr; i++)
		if (h[i])
			zs_free(pool, h[i]);
	zs_destroy_pool(pool);
	free(h);
}

int main(int argc, char **argv)
{
	bool quick = argc > 1 && !strcmp(argv[1], "--quick");
	unsigned long cycles = quick ? 10000 : 100000;
	uint64_t madv, most[2][2] = { { 0 } };
	double ns, best[2][2] = { { 0 } };
	int on, r;

	printf("# bench_reporting: %lu cycles of zs_malloc(1000) + zs_free(),"
	       " best of %d rounds alternating on and off\n", cycles, ROUNDS);
	for (r = 0; r < ROUNDS; r++)
		for (on = 1; on >= 0; on--) {
			boot(on);
			ns = loop(cycles, false, &madv);
			if (!r || ns < best[on][0])
				best[on][0] = ns;
			if (madv > most[on][0])
				most[on][0] = madv;
			ns = loop(cycles, true, &madv);
			if (!r || ns < best[on][1])
				best[on][1] = ns;
			if (madv > most[on][1])
				most[on][1] = madv;
			if (zsim_exit())
				return 1;
		}
	for (on = 1; on >= 0; on--) {
		printf("reporting %-3s  alone:      %7.1f ns/cycle, %llu madvise calls at most\n",
		       on ? "on" : "off", best[on][0], (unsigned long long)most[on][0]);
		printf("reporting %-3s  one live:   %7.1f ns/cycle, %llu madvise calls at most\n",
		       on ? "on" : "off", best[on][1], (unsigned long long)most[on][1]);
	}
	boot(true);
	rss_after_compact(quick ? 20000 : 100000);
	return zsim_exit() ? 1 : 0;
}
