// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * bench_fragmentation: the problem zsmalloc page migration (Linux 4.8)
 * solves, measured.
 *
 * A machine is filled with zsmalloc objects of a compressed-page-like
 * size mix and, every so often, an unmovable page.  Objects are then
 * freed so that free memory is plentiful but scattered: in every aligned
 * group of four frames one frame, picked at random, keeps its objects,
 * so no order-2 block (16 KiB, a kernel stack for fork()) and no order-3
 * block is free.  (The few such blocks the pool's own compaction or an
 * object-less frame leaves are pinned, and counted as "plugs".)  Then N
 * order-2 and N order-3 GFP_KERNEL allocations are attempted, once with
 * compaction (page migration) disabled and once, on the same machine
 * rebuilt from the same seed, with it enabled (direct compaction).
 *
 * Only the public API is used (zsmalloc.h, zsim.h).
 */
#include <errno.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zsmalloc/zsmalloc.h>
#include <zsmalloc/zsim.h>

#include "opts.h"
#include "util.h"

struct options {
	uint64_t seed;
	uint64_t mem_bytes;
	unsigned int attempts;
	int quick;
	const char *csv;
};

struct machine {
	struct zs_pool *pool;
	unsigned long *handles;
	size_t nr_handles, cap_handles;
	unsigned long *pinned;		/* order-0 unmovable frames */
	size_t nr_pinned, cap_pinned;
	unsigned long *plugs;		/* order-2 frames pinned to plug blocks */
	size_t nr_plugs, cap_plugs;
	uint64_t free_pages, managed_pages;
};

struct result {
	const char *phase;
	unsigned int order;
	unsigned int attempts;
	unsigned int successes;
	uint64_t free_before;
	uint64_t compact_stall, compact_success, compact_fail;
	uint64_t pgmigrate_success, pgmigrate_fail;
	uint64_t migrate_scanned, free_scanned;
	double seconds;
};

static struct util_rng rng;

static void die(const char *what)
{
	fprintf(stderr, "bench_fragmentation: %s\n", what);
	exit(1);
}

static void push(unsigned long **arr, size_t *nr, size_t *cap, unsigned long v)
{
	if (*nr == *cap) {
		*cap = *cap ? *cap * 2 : 1024;
		*arr = realloc(*arr, *cap * sizeof(**arr));
		if (!*arr)
			die("out of memory");
	}
	(*arr)[(*nr)++] = v;
}

/*
 * Sizes of compressed 4 KiB pages: mostly 1-2.5 KiB, a tail of nearly
 * incompressible pages that go to the huge classes, a few tiny ones.
 */
static size_t object_size(void)
{
	unsigned int r = util_rng_below(&rng, 100);

	if (r < 5)
		return 64 + util_rng_below(&rng, 200);
	if (r < 45)
		return 300 + util_rng_below(&rng, 900);
	if (r < 80)
		return 1200 + util_rng_below(&rng, 1300);
	if (r < 92)
		return 2500 + util_rng_below(&rng, 1100);
	return 3600 + util_rng_below(&rng, 497);
}

static uint64_t vmstat(const char *name)
{
	uint64_t v = 0;

	if (zsim_vmstat_get(name, &v))
		die("unknown vmstat counter");
	return v;
}

/* Free blocks of @order and above. */
static uint64_t blocks_at_least(unsigned int order)
{
	struct zsim_zoneinfo zi;
	uint64_t n = 0;

	zsim_get_zoneinfo(&zi);
	for (; order < ZSIM_NR_ORDERS; order++)
		n += zi.nr_free[order];
	return n;
}

/* The frame an object starts in (it cannot move meanwhile: no compaction). */
static unsigned long object_pfn(struct zs_pool *pool, unsigned long handle)
{
	char local[1];
	void *p = zs_obj_read_begin(pool, handle, 1, local);
	unsigned long pfn = zsim_addr_to_pfn(p);

	zs_obj_read_end(pool, handle, 1, p);
	return pfn;
}

static void build(struct machine *m, const struct options *o)
{
	struct zs_pool_config pcfg;
	struct zsim_config cfg;
	struct zsim_zoneinfo zi;
	char buf[4096];
	unsigned long h, pfn;
	size_t i, kept = 0, size;
	double t0 = (util_now_ns() / 1e9);
	int err;

	memset(m, 0, sizeof(*m));
	zsim_config_default(&cfg);
	cfg.mem_bytes = o->mem_bytes;
	cfg.pageblock_order = o->mem_bytes >= (128ULL << 20) ? 9 : 7;
	cfg.seed = o->seed;
	cfg.loglevel = 3;
	cfg.compaction = true;
	cfg.kcompactd = false;
	err = zsim_init(&cfg);
	if (err) {
		fprintf(stderr, "zsim_init: %s\n", zsim_last_error());
		exit(1);
	}
	/*
	 * Zspages of one frame each: freeing every object that starts in a
	 * frame then frees exactly that frame, and the zspages left stay
	 * as full as they were.  So the pool itself stays dense, and its
	 * own compaction (the shrinker reclaim runs) has next to nothing to
	 * give back: what changes between the two runs is page migration.
	 */
	zs_pool_config_init(&pcfg, ZS_PRESET_NEWEST);
	pcfg.chain_size = 1;
	m->pool = zs_create_pool_config("bench", &pcfg, &err);
	if (!m->pool)
		die("zs_create_pool_config failed");
	util_rng_init(&rng, o->seed);

	/* Fill: objects, and an unmovable frame every 128 of them. */
	for (i = 0;; i++) {
		if (i % 128 == 0) {
			pfn = zsim_alloc_pages(0, ZSIM_UNMOVABLE);
			if (pfn)
				push(&m->pinned, &m->nr_pinned, &m->cap_pinned, pfn);
		}
		size = object_size();
		h = zs_malloc(m->pool, size, ZS_GFP_NOWAIT | ZS_GFP_NOWARN, 0);
		if (zs_is_err_handle(h))
			break;
		memset(buf, (int)(i & 0xff), size);
		zs_obj_write(m->pool, h, buf, size);
		push(&m->handles, &m->nr_handles, &m->cap_handles, h);
	}

	/*
	 * Free: in each aligned group of 4 frames one frame, picked at
	 * random, keeps the objects that start in it (and so its zspage);
	 * every other object goes.
	 */
	for (i = 0; i < m->nr_handles; i++) {
		pfn = object_pfn(m->pool, m->handles[i]);
		if (pfn && (pfn & 3) == (util_mix64((pfn >> 2) ^ o->seed) & 3)) {
			m->handles[kept++] = m->handles[i];
			continue;
		}
		zs_free(m->pool, m->handles[i]);
	}
	m->nr_handles = kept;

	/*
	 * The pool's own compaction (its shrinker under reclaim) would
	 * rearrange objects during the measurements: run it to the end now,
	 * then pin what few blocks of order 2 and more it or a frame
	 * without object starts left free.
	 */
	while (zs_compact(m->pool))
		;
	while (blocks_at_least(2)) {
		pfn = zsim_alloc_pages(2, ZSIM_MOVABLE);
		if (!pfn)
			break;
		push(&m->plugs, &m->nr_plugs, &m->cap_plugs, pfn);
	}

	zsim_get_zoneinfo(&zi);
	m->free_pages = zi.free_pages;
	m->managed_pages = zi.managed_pages;
	printf("built in %.1f s: %zu objects live, %" PRIu64 " of %" PRIu64
	       " pages free (%.1f%%), %zu unmovable frames, %zu order-2 blocks pinned as plugs\n",
	       (util_now_ns() / 1e9) - t0, m->nr_handles, zi.free_pages, zi.managed_pages,
	       100.0 * zi.free_pages / zi.managed_pages, m->nr_pinned, m->nr_plugs);
	fflush(stdout);
}

static void teardown(struct machine *m)
{
	size_t i;
	long leaked;

	for (i = 0; i < m->nr_handles; i++)
		zs_free(m->pool, m->handles[i]);
	zs_destroy_pool(m->pool);
	for (i = 0; i < m->nr_pinned; i++)
		zsim_free_pages(m->pinned[i], 0);
	for (i = 0; i < m->nr_plugs; i++)
		zsim_free_pages(m->plugs[i], 2);
	free(m->handles);
	free(m->pinned);
	free(m->plugs);
	leaked = zsim_exit();
	if (leaked)
		fprintf(stderr, "bench_fragmentation: %ld pages leaked\n", leaked);
}

/* Try @attempts allocations of 2^order; successes stay allocated. */
static void attempt(struct result *r, const char *phase, unsigned int order,
		    unsigned int attempts, unsigned long *got)
{
	uint64_t stall = vmstat("compact_stall"), ok = vmstat("compact_success");
	uint64_t fail = vmstat("compact_fail"), mok = vmstat("pgmigrate_success");
	uint64_t mfail = vmstat("pgmigrate_fail");
	uint64_t ms = vmstat("compact_migrate_scanned");
	uint64_t fs = vmstat("compact_free_scanned");
	struct zsim_zoneinfo zi;
	double t0 = (util_now_ns() / 1e9), last = t0;
	unsigned int i;

	zsim_get_zoneinfo(&zi);
	memset(r, 0, sizeof(*r));
	r->phase = phase;
	r->order = order;
	r->attempts = attempts;
	r->free_before = zi.free_pages;
	for (i = 0; i < attempts; i++) {
		got[i] = zsim_alloc_pages_flags(order, ZSIM_UNMOVABLE,
						ZSIM_ALLOC_KERNEL);
		if (got[i])
			r->successes++;
		if ((util_now_ns() / 1e9) - last > 2.0) {
			last = (util_now_ns() / 1e9);
			printf("  ... %s order-%u: %u/%u attempts, %u succeeded\n",
			       phase, order, i + 1, attempts, r->successes);
			fflush(stdout);
		}
	}
	r->seconds = (util_now_ns() / 1e9) - t0;
	r->compact_stall = vmstat("compact_stall") - stall;
	r->compact_success = vmstat("compact_success") - ok;
	r->compact_fail = vmstat("compact_fail") - fail;
	r->pgmigrate_success = vmstat("pgmigrate_success") - mok;
	r->pgmigrate_fail = vmstat("pgmigrate_fail") - mfail;
	r->migrate_scanned = vmstat("compact_migrate_scanned") - ms;
	r->free_scanned = vmstat("compact_free_scanned") - fs;
}

/*
 * One cell of the table: a machine built from the seed, then @attempts
 * allocations of 2^order.  Each cell gets a fresh machine, so that the
 * pageblocks the other order's successes claimed for unmovable use do
 * not change what this one finds.
 */
static void run_cell(const struct options *o, bool compaction,
		     unsigned int order, struct result *res)
{
	const char *phase = compaction ? "compaction-on" : "compaction-off";
	struct machine m;
	unsigned long *got;
	unsigned int i;

	printf("\n== %s, order %u: building the machine (seed %" PRIu64 ", %" PRIu64 " MiB)\n",
	       phase, order, o->seed, o->mem_bytes >> 20);
	build(&m, o);
	printf("buddyinfo before:\n");
	zsim_print_buddyinfo(stdout);
	printf("unusable index order %u: %.3f\n", order,
	       zsim_unusable_index(order) / 1000.0);

	got = calloc(o->attempts, sizeof(*got));
	if (!got)
		die("out of memory");
	zsim_set_compaction(compaction);
	attempt(res, phase, order, o->attempts, got);

	printf("buddyinfo after %u order-%u attempts (%u succeeded, kept allocated):\n",
	       o->attempts, order, res->successes);
	zsim_print_buddyinfo(stdout);
	printf("vmstat: compact_stall %" PRIu64 " compact_success %" PRIu64
	       " compact_fail %" PRIu64 " compact_migrate_scanned %" PRIu64
	       " compact_free_scanned %" PRIu64 " compact_isolated %" PRIu64
	       " pgmigrate_success %" PRIu64 " pgmigrate_fail %" PRIu64 "\n",
	       vmstat("compact_stall"), vmstat("compact_success"),
	       vmstat("compact_fail"), vmstat("compact_migrate_scanned"),
	       vmstat("compact_free_scanned"), vmstat("compact_isolated"),
	       vmstat("pgmigrate_success"), vmstat("pgmigrate_fail"));

	for (i = 0; i < o->attempts; i++)
		if (got[i])
			zsim_free_pages(got[i], order);
	free(got);
	teardown(&m);
}

#define OO(field)	offsetof(struct options, field)

static const struct opt frag_table[] = {
	{ OPT_SECTION, "Options", 0, NULL, NULL, 0, 0, 0, NULL, 0, NULL },
	{ .kind = OPT_U64, .name = "seed", .metavar = "N", .offset = OO(seed),
	  .min = 0, .max = UINT64_MAX, .help = "random seed (default 1)" },
	{ .kind = OPT_SIZE, .name = "mem", .metavar = "SIZE", .offset = OO(mem_bytes),
	  .min = 8ull << 20, .max = 1ull << 40,
	  .help = "machine size, e.g. 256M or 1G (default 256M; --quick: 32M)" },
	{ .kind = OPT_UINT, .name = "attempts", .metavar = "N", .offset = OO(attempts),
	  .min = 1, .max = 1000000, .help = "allocations tried per order (default 200; --quick: 40)" },
	{ .kind = OPT_FLAG, .name = "quick", .flag = 1, .offset = OO(quick),
	  .help = "a small machine and few attempts (seconds; CI smoke)" },
	{ .kind = OPT_STRING, .name = "csv", .metavar = "FILE", .offset = OO(csv),
	  .help = "also write the table as CSV to FILE" },
};

int main(int argc, char **argv)
{
	struct options o = { .seed = 1 };
	struct result res[4];
	FILE *csv;
	int first, i, r;
	const struct opt_table tables[] = { OPTS_TABLE(frag_table, &o) };
	const struct opt_command cmd = OPTS_COMMAND(
		"bench_fragmentation", "[--seed N] [--mem SIZE] [--attempts N] [--quick] [--csv FILE]",
		"Fragment a simulated machine full of zsmalloc objects until no order-2 or\n"
		"order-3 block is free though much memory is, then measure how many order-2\n"
		"and order-3 GFP_KERNEL allocations succeed with compaction off and on.\n",
		NULL, tables);

	r = opts_main(&cmd, argc, argv, &first, 0);
	if (r >= 0)
		return r;
	r = 0;
	if (!o.mem_bytes)
		o.mem_bytes = o.quick ? 32ULL << 20 : 256ULL << 20;
	if (!o.attempts)
		o.attempts = o.quick ? 40 : 200;

	run_cell(&o, false, 2, &res[0]);
	run_cell(&o, false, 3, &res[1]);
	run_cell(&o, true, 2, &res[2]);
	run_cell(&o, true, 3, &res[3]);

	printf("\n%-15s %5s %8s %9s %7s %8s %9s %9s %10s %9s\n", "phase", "order",
	       "attempts", "succeeded", "rate", "stalls", "cmp_ok", "cmp_fail",
	       "migrated", "ms");
	for (i = 0; i < 4; i++)
		printf("%-15s %5u %8u %9u %6.1f%% %8" PRIu64 " %9" PRIu64 " %9" PRIu64
		       " %10" PRIu64 " %9.1f\n", res[i].phase, res[i].order,
		       res[i].attempts, res[i].successes,
		       100.0 * res[i].successes / res[i].attempts,
		       res[i].compact_stall, res[i].compact_success,
		       res[i].compact_fail, res[i].pgmigrate_success,
		       res[i].seconds * 1000.0);

	if (o.csv) {
		csv = fopen(o.csv, "w");
		if (!csv) {
			fprintf(stderr, "cannot write %s: %s\n", o.csv, strerror(errno));
			return 1;
		}
		fprintf(csv, "phase,order,attempts,succeeded,rate,free_pages_before,"
			"compact_stall,compact_success,compact_fail,pgmigrate_success,"
			"pgmigrate_fail,compact_migrate_scanned,compact_free_scanned,seconds,seed,mem_bytes\n");
		for (i = 0; i < 4; i++)
			fprintf(csv, "%s,%u,%u,%u,%.4f,%" PRIu64 ",%" PRIu64 ",%" PRIu64
				",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
				",%.3f,%" PRIu64 ",%" PRIu64 "\n",
				res[i].phase, res[i].order, res[i].attempts,
				res[i].successes,
				(double)res[i].successes / res[i].attempts,
				res[i].free_before, res[i].compact_stall,
				res[i].compact_success, res[i].compact_fail,
				res[i].pgmigrate_success, res[i].pgmigrate_fail,
				res[i].migrate_scanned, res[i].free_scanned,
				res[i].seconds, o.seed, o.mem_bytes);
		if (fclose(csv)) {
			fprintf(stderr, "cannot write %s\n", o.csv);
			return 1;
		}
	}
	return 0;
}
