// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * bench_compact: what zs_compact() costs and gives, per fullness scheme.
 *
 * Fill a pool, free a random share, compact once; report pages freed,
 * pages freed per second, time per MiB of live data, density before and
 * after, objects moved (copies made, from the pool snapshot's objs_moved)
 * per page freed, and the process's RSS after the frees, after
 * zs_compact() and after zone compaction (zsim_compact_memory()), in
 * both fullness schemes.
 */
#include <errno.h>
#include <stddef.h>
#include <unistd.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zsmalloc/zsmalloc.h>
#include <zsmalloc/zsim.h>

#include "opts.h"
#include "trace.h"

struct config {
	const char *name;
	enum zs_preset preset;
	int fullness;		/* -1: the preset's */
};

static const struct config configs[] = {
	{ "newest (12 ratio groups)", ZS_PRESET_NEWEST, -1 },
	{ "newest, 4 quarter groups", ZS_PRESET_NEWEST, ZS_FULLNESS_QUARTERS },
	{ "4.8 (4 quarter groups)", ZS_PRESET_LINUX_4_8, -1 },
	{ "4.8, 12 ratio groups", ZS_PRESET_LINUX_4_8, ZS_FULLNESS_RATIOS },
};

/*
 * Sizes: the kernel-build mix (zram's class counts for a kernel build, as
 * zsim trace-gen --mix kernel-build draws them), with zram's huge rule.
 */
static uint32_t kbuild_size(struct util_rng *rng, size_t huge)
{
	static const uint16_t cls[] = { 1168, 1216, 1248, 1360, 1488, 1536, 1632, 1744, 1808,
					2048, 2336, 2448, 2720, 3072, 3264 };
	static const uint32_t objs[] = { 6146, 4552, 2934, 10971, 16126, 5908, 11990, 15768,
					 10380, 45444, 47446, 10759, 10173, 1697, 286 };
	double u = util_rng_double(rng);
	uint64_t total = 0, pick;
	uint32_t s;
	size_t c;

	if (u < 0.08)
		return 4096;
	if (u >= 0.57)
		return 32 + (uint32_t)util_rng_below(rng, 1167 - 32 + 1);
	for (c = 0; c < 15; c++)
		total += objs[c];
	pick = util_rng_below(rng, total);
	for (c = 0; pick >= objs[c]; c++)
		pick -= objs[c];
	s = cls[c] - 15 + (uint32_t)util_rng_below(rng, 16);
	return s >= huge ? 4096 : s;
}

struct obj {
	unsigned long h;
	uint32_t size;
};

static int run(const struct config *c, unsigned int nobj, unsigned int share, uint64_t seed,
	       FILE *csv)
{
	struct zs_pool_config cfg;
	struct zs_pool *pool;
	struct util_rng rng;
	struct obj *o = calloc(nobj, sizeof(*o));
	unsigned char *buf = malloc(4096), *local = malloc(4096);
	uint64_t live = 0, nlive = 0, moved, t0, t1;
	unsigned long before, after, freed, rss0, rss1, rss2;
	struct zs_pool_snapshot *snap = calloc(1, sizeof(*snap));
	struct zs_pool_stats st;
	double ms;
	int err, ret = -1;

	pool = NULL;
	if (!o || !buf || !local || !snap)
		goto out;
	snap->size = sizeof(*snap);
	memset(buf, 0xa5, 4096);
	zs_pool_config_init(&cfg, c->preset);
	if (c->fullness >= 0)
		cfg.fullness = (enum zs_fullness_scheme)c->fullness;
	pool = zs_create_pool_config("bench_compact", &cfg, &err);
	if (!pool) {
		fprintf(stderr, "bench_compact: cannot create pool: %s\n", strerror(-err));
		goto out;
	}
	util_rng_init(&rng, seed);
	for (unsigned int i = 0; i < nobj; i++) {
		o[i].size = kbuild_size(&rng, zs_huge_class_size(pool));
		o[i].h = zs_malloc(pool, o[i].size, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
		if (zs_is_err_handle(o[i].h)) {
			fprintf(stderr, "bench_compact: zs_malloc: %ld\n", zs_handle_errno(o[i].h));
			o[i].h = 0;
			goto out;
		}
		zs_obj_write(pool, o[i].h, buf, o[i].size);
	}
	for (unsigned int i = 0; i < nobj; i++) {
		if (util_rng_below(&rng, 100) < share) {
			zs_free(pool, o[i].h);
			o[i].h = 0;
			continue;
		}
		live += o[i].size;
		nlive++;
	}
	before = zs_get_total_pages(pool);
	rss0 = (unsigned long)(util_rss_bytes() / 1024);
	t0 = util_now_ns();
	freed = zs_compact(pool);
	t1 = util_now_ns();
	after = zs_get_total_pages(pool);
	rss1 = (unsigned long)(util_rss_bytes() / 1024);
	zs_pool_stats(pool, &st);
	zs_pool_snapshot(pool, snap);
	moved = snap->objs_moved;
	/*
	 * The pages zs_compact() freed are scattered between live zspages:
	 * the arena gives whole free pageblocks back to the OS, so RSS only
	 * follows once zone compaction has gathered the free pages.
	 */
	zsim_compact_memory();
	rss2 = (unsigned long)(util_rss_bytes() / 1024);
	ms = (t1 - t0) / 1e6;
	printf("%-26s %3u%% %9lu %9lu %7lu %8.2f %9.0f %8.3f %6.2f%% %6.2f%% %8llu %6.2f %7.1f %7.1f %7.1f\n",
	       c->name, share, before, after, freed, ms, ms > 0 ? freed / (ms / 1e3) : 0,
	       live ? ms / (live / 1048576.0) : 0,
	       100.0 * live / (before * 4096.0), after ? 100.0 * live / (after * 4096.0) : 0,
	       (unsigned long long)moved, freed ? (double)moved / freed : 0,
	       rss0 / 1024.0, rss1 / 1024.0, rss2 / 1024.0);
	if (csv)
		fprintf(csv, "%s,%u,%u,%llu,%llu,%lu,%lu,%lu,%ld,%.3f,%.0f,%.4f,%.4f,%.4f,%llu,%.3f,%lu,%lu,%lu\n",
			c->name, nobj, share, (unsigned long long)nlive, (unsigned long long)live,
			before, after, freed, st.pages_compacted, ms,
			ms > 0 ? freed / (ms / 1e3) : 0, live ? ms / (live / 1048576.0) : 0,
			(double)live / (before * 4096.0), after ? (double)live / (after * 4096.0) : 0,
			(unsigned long long)moved, freed ? (double)moved / freed : 0,
			rss0, rss1, rss2);
	ret = 0;
out:
	if (pool) {
		for (unsigned int i = 0; i < nobj; i++)
			if (o[i].h)
				zs_free(pool, o[i].h);
		zs_destroy_pool(pool);
	}
	free(snap);
	free(o);
	free(buf);
	free(local);
	return ret;
}

struct compact_opts {
	int quick;
	unsigned int objects;
	uint64_t seed;
	const char *csv;
};

static int quick_run(void *ctx, const struct opt *opt, const char *val)
{
	struct compact_opts *co = ctx;

	(void)opt;
	(void)val;
	co->objects = 20000;
	return 0;
}

#define CO(field)	offsetof(struct compact_opts, field)

static const struct opt compact_table[] = {
	{ OPT_SECTION, "Options", 0, NULL, NULL, 0, 0, 0, NULL, 0, NULL },
	{ .kind = OPT_FLAG, .name = "quick", .flag = 1, .offset = CO(quick), .hook = quick_run,
	  .help = "a seconds-long smoke run (--objects 20000)" },
	{ .kind = OPT_UINT, .name = "objects", .metavar = "N", .offset = CO(objects),
	  .min = 100, .max = 4000000, .help = "objects in the fill (default 200000)" },
	{ .kind = OPT_U64, .name = "seed", .metavar = "N", .offset = CO(seed),
	  .min = 0, .max = UINT64_MAX, .help = "seed of the sizes and the frees (default 1)" },
	{ .kind = OPT_STRING, .name = "csv", .metavar = "FILE", .offset = CO(csv),
	  .help = "also write every result to FILE" },
};

int main(int argc, char **argv)
{
	static const unsigned int shares[] = { 30, 50, 70 };
	struct compact_opts co = { .objects = 200000, .seed = 1 };
	unsigned int nobj;
	struct zsim_config zc;
	const char *csvpath;
	FILE *csv = NULL;
	uint64_t seed;
	int ret = 0, first;
	const struct opt_table tables[] = { OPTS_TABLE(compact_table, &co) };
	const struct opt_command cmd = OPTS_COMMAND(
		"bench_compact", "[--quick] [--objects N] [--seed N] [--csv FILE]",
		"zs_compact() after freeing 30/50/70% of a kernel-build-mix pool, for\n"
		"both fullness schemes at chain 8 and chain 4: pages freed, pages/s,\n"
		"ms per MiB live, density before/after, objects moved per page freed,\n"
		"and RSS after the frees (rss0), after zs_compact (rss1) and after zone\n"
		"compaction (rss2), in MiB.\n",
		NULL, tables);

	ret = opts_main(&cmd, argc, argv, &first, 0);
	if (ret >= 0)
		return ret;
	ret = 0;
	nobj = co.objects;
	seed = co.seed;
	csvpath = co.csv;
	zsim_config_default(&zc);
	zsim_config_from_env(&zc);
	zc.mem_bytes = ((uint64_t)nobj * 4096 + (256ull << 20)) & ~((4ull << 20) - 1);
	zc.loglevel = 3;
	if (zsim_init(&zc)) {
		fprintf(stderr, "bench_compact: cannot boot: %s\n", zsim_last_error());
		return 1;
	}
	if (csvpath) {
		csv = fopen(csvpath, "w");
		if (!csv) {
			fprintf(stderr, "bench_compact: %s: %s\n", csvpath, strerror(errno));
			return 1;
		}
		fprintf(csv, "config,objects,freed_pct,live_objects,live_bytes,pages_before,"
			"pages_after,pages_freed,pages_compacted,compact_ms,pages_per_s,"
			"ms_per_mib_live,density_before,density_after,objs_moved,"
			"moved_per_page_freed,rss_kib_before,rss_kib_after,rss_kib_after_zone_compaction\n");
	}
	printf("bench_compact: %u objects, kernel-build mix, seed %llu\n", nobj,
	       (unsigned long long)seed);
	printf("%-26s %4s %9s %9s %7s %8s %9s %8s %7s %7s %8s %6s %7s %7s %7s\n", "config", "free",
	       "pages", "after", "freed", "ms", "pages/s", "ms/MiB", "dens0", "dens1",
	       "moved", "mv/pg", "rss0M", "rss1M", "rss2M");
	for (size_t c = 0; c < sizeof(configs) / sizeof(configs[0]); c++)
		for (size_t s = 0; s < 3; s++)
			if (run(&configs[c], nobj, shares[s], seed + s, csv))
				ret = 1;
	if (csv)
		fclose(csv);
	if (zsim_exit())
		ret = 1;
	return ret;
}
