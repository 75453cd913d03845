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
 *  3. The RSS target on a machine that grows (the default machine):
 *     after zs_compact(), RSS growth <= pool bytes + 4 MiB + metadata
 *     (the slab pages of zsmalloc's handles and zspages, and the struct
 *     pages of the memory online), read at once, 100 ms and 1 s later with no other call.
 *     On a churn (fill, free half, refill, free half, compact) always,
 *     and on a trace with --trace FILE (each `c` of it).
 *  4. --big [GIB]: a program that never calls zsim_init() stores GIB
 *     (default 2) of compressible-sized objects, frees 60 % and
 *     compacts: the machine grows, and RSS after the compaction tracks
 *     the pool.  Only this part runs.
 *
 * Usage: bench_reporting [--quick] [--trace FILE] | --big [GIB]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zsmalloc/zsmalloc.h>
#include <zsmalloc/zsim.h>

#include "trace.h"
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

/* --- the RSS target on a growing machine --------------------------------- */

static uint64_t rss_base;

static void boot_growing(void)
{
	struct zsim_config cfg;

	zsim_config_default(&cfg);	/* grows: 16 MiB up to half the host */
	cfg.loglevel = 3;
	if (zsim_init(&cfg)) {
		fprintf(stderr, "zsim_init: %s\n", zsim_last_error());
		exit(1);
	}
	rss_base = util_rss_bytes();
}

/*
 * The memory metadata takes, in bytes: zsmalloc's handles and zspages
 * as the slab pages that hold them (freed slots included), or as the
 * snapshot counts them if that is more, and the struct pages of the
 * memory online.
 */
static uint64_t metadata_bytes(struct zs_pool *pool, uint64_t *memmap)
{
	static struct zs_pool_snapshot snap;
	struct zsim_zoneinfo zi;
	uint64_t slab = 0, v, zs;

	snap.size = sizeof(snap);
	if (zs_pool_snapshot(pool, &snap) || zsim_get_zoneinfo(&zi))
		exit(1);
	if (!zsim_vmstat_get("nr_slab_unreclaimable", &v))
		slab += v * 4096;
	if (!zsim_vmstat_get("nr_slab_reclaimable", &v))
		slab += v * 4096;
	zs = snap.handle_bytes + snap.zspage_bytes;
	*memmap = zi.spanned_pages * 64;
	return (slab > zs ? slab : zs) + *memmap;
}

/* zs_compact(), then RSS against the target at once and 100 ms later. */
static int compact_and_check(struct zs_pool *pool, const char *what)
{
	static const unsigned int at_ms[] = { 0, 100, 1000 };
	uint64_t t0, c0, meta, memmap, pool_bytes, target, rss;
	struct zsim_zoneinfo zi;
	int missed = 0;
	unsigned int k;

	c0 = util_now_ns();
	zs_compact(pool);
	t0 = util_now_ns();
	pool_bytes = (uint64_t)zs_get_total_pages(pool) * 4096;
	meta = metadata_bytes(pool, &memmap);
	target = pool_bytes + (4ULL << 20) + meta;
	zsim_get_zoneinfo(&zi);
	printf("%s: zs_compact() %.1f ms; pool %llu KiB, metadata %llu KiB (struct pages %llu KiB), %llu MiB online\n",
	       what, (double)(t0 - c0) / 1e6, (unsigned long long)(pool_bytes >> 10),
	       (unsigned long long)(meta >> 10), (unsigned long long)(memmap >> 10),
	       (unsigned long long)(zi.spanned_pages >> 8));
	for (k = 0; k < sizeof(at_ms) / sizeof(at_ms[0]); k++) {
		while ((util_now_ns() - t0) / 1000000 < at_ms[k])
			usleep(500);
		rss = util_rss_bytes() - rss_base;
		printf("  %3u ms after: RSS growth %llu KiB, target <= %llu KiB (pool + 4 MiB + metadata): %s",
		       at_ms[k], (unsigned long long)(rss >> 10),
		       (unsigned long long)(target >> 10), rss <= target ? "met" : "MISSED");
		if (rss > target) {
			printf(" by %llu KiB", (unsigned long long)((rss - target) >> 10));
			missed = 1;
		}
		printf("\n");
	}
	return missed;
}

static void fill_object(struct zs_pool *pool, unsigned long *h, size_t len, const char *buf)
{
	*h = zs_malloc(pool, len, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
	if (zs_is_err_handle(*h)) {
		fprintf(stderr, "bench_reporting: zs_malloc(%zu) failed\n", len);
		exit(1);
	}
	zs_obj_write(pool, *h, buf, len);
}

/* Fill, free half, refill, free half, compact. */
static int churn(unsigned long nr)
{
	struct zs_pool *pool;
	unsigned long *h = calloc(nr, sizeof(*h)), i;
	struct util_rng rng;
	char buf[4096];
	int missed;

	boot_growing();
	pool = zs_create_pool("churn");
	if (!pool || !h)
		exit(1);
	memset(buf, 0x5a, sizeof(buf));
	util_rng_init(&rng, 2);
	for (i = 0; i < nr; i++)
		fill_object(pool, &h[i], 100 + util_rng_below(&rng, 3000), buf);
	for (i = 0; i < nr; i++)
		if (util_rng_below(&rng, 2)) {
			zs_free(pool, h[i]);
			h[i] = 0;
		}
	for (i = 0; i < nr; i++)
		if (!h[i])
			fill_object(pool, &h[i], 100 + util_rng_below(&rng, 3000), buf);
	for (i = 0; i < nr; i++)
		if (util_rng_below(&rng, 2)) {
			zs_free(pool, h[i]);
			h[i] = 0;
		}
	missed = compact_and_check(pool, "churn (fill, free half, refill, free half)");
	for (i = 0; i < nr; i++)
		zs_free(pool, h[i]);
	zs_destroy_pool(pool);
	free(h);
	if (zsim_exit())
		exit(1);
	return missed;
}

/* Every `c` of the trace is a zs_compact() checked against the target. */
static int replay_trace(const char *path)
{
	struct trace t;
	char err[256], buf[4096], what[128];
	unsigned long *h;
	struct zs_pool *pool;
	int missed = 0, nth = 0;
	size_t i;

	memset(&t, 0, sizeof(t));
	if (trace_load(path, &t, err, sizeof(err))) {
		fprintf(stderr, "bench_reporting: %s\n", err);
		exit(1);
	}
	h = calloc(t.nr_slots, sizeof(*h));
	if (!h)
		exit(1);
	memset(buf, 0x5a, sizeof(buf));
	boot_growing();
	pool = zs_create_pool("trace");
	if (!pool)
		exit(1);
	for (i = 0; i < t.nr_ops; i++) {
		const struct trace_op *op = &t.ops[i];

		switch (op->kind) {
		case TRACE_ALLOC:
			fill_object(pool, &h[op->slot], op->size > 4096 ? 4096 : op->size, buf);
			break;
		case TRACE_FREE:
			zs_free(pool, h[op->slot]);
			h[op->slot] = 0;
			break;
		case TRACE_COMPACT:
			snprintf(what, sizeof(what), "%s, compaction %d (line %u)",
				 strrchr(path, '/') ? strrchr(path, '/') + 1 : path, ++nth,
				 (unsigned int)op->line);
			missed |= compact_and_check(pool, what);
			break;
		default:
			break;
		}
	}
	for (i = 0; i < t.nr_slots; i++)
		zs_free(pool, h[i]);
	zs_destroy_pool(pool);
	free(h);
	trace_free(&t);
	if (zsim_exit())
		exit(1);
	return missed;
}

/* A program that never calls zsim_init(), storing @gib GiB. */
static int big(double gib)
{
	uint64_t want = (uint64_t)(gib * (double)(1ULL << 30)), stored = 0, t0;
	/* the handles, touched before the baseline: RSS growth is the store's */
	unsigned long nr = 0, cap = (unsigned long)(want / 800) + 1, i;
	unsigned long *h = calloc(cap, sizeof(*h));
	struct zsim_config cfg;
	struct zsim_zoneinfo zi;
	struct zs_pool *pool;
	struct util_rng rng;
	uint64_t base, rss;
	char buf[4096];

	if (!h)
		exit(1);
	memset(h, 0, cap * sizeof(*h));
	base = util_rss_bytes();

	pool = zs_create_pool("big");	/* boots the default machine */
	if (!pool || !h || zsim_get_config(&cfg))
		exit(1);
	printf("big: default machine: limit %llu MiB, %llu MiB at boot\n",
	       (unsigned long long)(cfg.mem_bytes >> 20),
	       (unsigned long long)(cfg.mem_initial_bytes >> 20));
	memset(buf, 0x5a, sizeof(buf));
	util_rng_init(&rng, 3);
	t0 = util_now_ns();
	while (stored < want) {
		/* sizes of lz4-compressed pages: mostly 1..3.6 KiB */
		size_t len = 800 + util_rng_below(&rng, 2800);

		fill_object(pool, &h[nr++], len, buf);
		stored += len;
	}
	zsim_get_zoneinfo(&zi);
	rss = util_rss_bytes() - base;
	printf("big: stored %llu MiB in %lu objects in %.1f s: pool %llu MiB, %llu MiB online, RSS growth %llu MiB\n",
	       (unsigned long long)(stored >> 20), nr, (double)(util_now_ns() - t0) / 1e9,
	       (unsigned long long)(zs_get_total_pages(pool) >> 8),
	       (unsigned long long)(zi.spanned_pages >> 8), (unsigned long long)(rss >> 20));
	for (i = 0; i < nr; i++)
		if (util_rng_below(&rng, 100) < 60) {
			zs_free(pool, h[i]);
			h[i] = 0;
		}
	rss_base = base;
	/* printed, met or missed; only a leak fails the run */
	compact_and_check(pool, "big: freed 60 %");
	for (i = 0; i < nr; i++)
		zs_free(pool, h[i]);
	zs_destroy_pool(pool);
	free(h);
	return zsim_exit() ? 1 : 0;
}

int main(int argc, char **argv)
{
	bool quick = argc > 1 && !strcmp(argv[1], "--quick");
	const char *trace = NULL;
	unsigned long cycles = quick ? 10000 : 100000;
	uint64_t madv, most[2][2] = { { 0 } };
	double ns, best[2][2] = { { 0 } };
	int on, r;

	for (r = 1; r < argc; r++) {
		if (!strcmp(argv[r], "--big"))
			return big(r + 1 < argc ? atof(argv[r + 1]) : 2.0);
		if (!strcmp(argv[r], "--trace") && r + 1 < argc)
			trace = argv[++r];
		else if (strcmp(argv[r], "--quick")) {
			fprintf(stderr, "usage: bench_reporting [--quick] [--trace FILE] | --big [GIB]\n");
			return 2;
		}
	}
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
	printf("steady state (one live): reporting on costs %+.1f %% against off\n",
	       100.0 * (best[1][1] - best[0][1]) / best[0][1]);
	boot(true);
	rss_after_compact(quick ? 20000 : 100000);
	if (zsim_exit())
		return 1;
	/* The targets are printed, met or missed; they do not fail the run. */
	churn(quick ? 20000 : 100000);
	if (trace)
		replay_trace(trace);
	return 0;
}
