// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * zs_soak: the long stress test of libzsmalloc (`make soak`), modelled on
 * mimalloc's test-stress.  Worker threads allocate, write, read back and
 * verify, and free objects of mixed sizes in one or more pools, while a
 * compactor thread runs zs_compact() on every pool and zone compaction
 * (zsim_compact_memory()) moves zspage pages under them.  It prints
 * progress, then the operations, migrations, compactions and the final
 * accounting, and exits non-zero if any object was lost or corrupted or
 * anything was left allocated after the pools were destroyed.
 *
 * Public API only: <zsmalloc/zsmalloc.h> and <zsmalloc/zsim.h>.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

#include <zsmalloc/zsim.h>
#include <zsmalloc/zsmalloc.h>

#define MAX_THREADS	64
#define MAX_POOLS	8
#define OBJS_PER_SCALE	100	/* live-object slots per worker per scale unit */

struct opts {
	unsigned int threads, scale, seconds, pools;
	uint64_t seed, mem_mib;
	bool quiet;
};

struct slot {
	unsigned long handle;	/* 0: empty */
	uint32_t size;
	uint32_t gen;		/* bumped at every allocation into the slot */
};

struct worker {
	pthread_t thread;
	unsigned int id;
	struct zs_pool *pool;
	struct slot *slots;
	size_t nr_slots;
	struct util_rng rng;
	/* counters, read by the progress printer (relaxed) */
	uint64_t ops, allocs, frees, reads, writes, enomem, bad;
};

static struct opts opt = {
	.threads = 4, .scale = 10, .seconds = 10, .pools = 2,
	.seed = 1, .mem_mib = 512,
};
static struct zs_pool *pools[MAX_POOLS];
static struct worker workers[MAX_THREADS];
static int stop;
static uint64_t nr_zs_compact, zs_pages_compacted, nr_zone_compact;


/* A compressed-page-like mix: mostly small to mid, some near a page. */
static uint32_t pick_size(struct util_rng *rng)
{
	uint64_t r = util_rng_below(rng, 100);

	if (r < 30)
		return 8 + (uint32_t)util_rng_below(rng, 248);
	if (r < 85)
		return 256 + (uint32_t)util_rng_below(rng, 2800);
	return 3056 + (uint32_t)util_rng_below(rng, ZS_MAX_ALLOC_SIZE - 3056 + 1);
}

/* The object's bytes name its owner: worker, slot and generation. */
static void fill(unsigned char *buf, const struct worker *w, size_t idx,
		 const struct slot *s)
{
	uint64_t key = ((uint64_t)w->id << 48) ^ ((uint64_t)idx << 20) ^ s->gen;
	struct util_rng st;
	uint32_t i;

	util_rng_init(&st, key);
	for (i = 0; i + 8 <= s->size; i += 8) {
		uint64_t v = util_rng_next(&st);

		memcpy(buf + i, &v, 8);
	}
	for (; i < s->size; i++)
		buf[i] = (unsigned char)(key >> ((i & 7) * 8)) ^ (unsigned char)i;
}

static bool verify(struct worker *w, size_t idx, unsigned char *want,
		   unsigned char *copy)
{
	struct slot *s = &w->slots[idx];
	void *p;
	bool ok;

	fill(want, w, idx, s);
	p = zs_obj_read_begin(w->pool, s->handle, s->size, copy);
	ok = p && !memcmp(p, want, s->size);
	zs_obj_read_end(w->pool, s->handle, s->size, p);
	__atomic_fetch_add(&w->reads, 1, __ATOMIC_RELAXED);
	if (!ok) {
		__atomic_fetch_add(&w->bad, 1, __ATOMIC_RELAXED);
		fprintf(stderr, "zs_soak: worker %u slot %zu (handle %#lx, %u bytes, generation %u): contents lost or corrupted\n",
			w->id, idx, s->handle, s->size, s->gen);
	}
	return ok;
}

static void slot_alloc(struct worker *w, size_t idx, unsigned char *buf)
{
	struct slot *s = &w->slots[idx];
	unsigned long h;

	s->size = pick_size(&w->rng);
	h = zs_malloc(w->pool, s->size, ZS_GFP_KERNEL | ZS_GFP_NOWARN,
		      ZS_NUMA_NO_NODE);
	if (zs_is_err_handle(h)) {
		s->handle = 0;
		if (zs_handle_errno(h) == -ENOMEM) {
			__atomic_fetch_add(&w->enomem, 1, __ATOMIC_RELAXED);
			return;
		}
		fprintf(stderr, "zs_soak: zs_malloc(%u): error %ld\n", s->size,
			zs_handle_errno(h));
		__atomic_fetch_add(&w->bad, 1, __ATOMIC_RELAXED);
		return;
	}
	s->handle = h;
	s->gen++;
	fill(buf, w, idx, s);
	zs_obj_write(w->pool, h, buf, s->size);
	__atomic_fetch_add(&w->allocs, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&w->writes, 1, __ATOMIC_RELAXED);
}

static void slot_free(struct worker *w, size_t idx, unsigned char *want,
		      unsigned char *copy)
{
	struct slot *s = &w->slots[idx];

	verify(w, idx, want, copy);
	zs_free(w->pool, s->handle);
	s->handle = 0;
	__atomic_fetch_add(&w->frees, 1, __ATOMIC_RELAXED);
}

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	unsigned char *want = malloc(ZS_MAX_ALLOC_SIZE);
	unsigned char *copy = malloc(ZS_MAX_ALLOC_SIZE);
	size_t i;

	if (!want || !copy) {
		__atomic_fetch_add(&w->bad, 1, __ATOMIC_RELAXED);
		goto out;
	}
	/* Fill half the slots, then churn. */
	for (i = 0; i < w->nr_slots; i += 2)
		slot_alloc(w, i, want);
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		size_t idx = util_rng_below(&w->rng, w->nr_slots);
		uint64_t r = util_rng_below(&w->rng, 100);

		if (!w->slots[idx].handle) {
			slot_alloc(w, idx, want);
		} else if (r < 40) {
			verify(w, idx, want, copy);
		} else if (r < 80) {
			slot_free(w, idx, want, copy);
		} else {
			/* replace: free and allocate anew at once */
			slot_free(w, idx, want, copy);
			slot_alloc(w, idx, want);
		}
		__atomic_fetch_add(&w->ops, 1, __ATOMIC_RELAXED);
	}
	/* The final check: every live object intact, then freed. */
	for (i = 0; i < w->nr_slots; i++)
		if (w->slots[i].handle)
			slot_free(w, i, want, copy);
out:
	free(want);
	free(copy);
	return NULL;
}

static void *compactor_fn(void *arg)
{
	unsigned int round = 0, p;

	(void)arg;
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		for (p = 0; p < opt.pools; p++) {
			unsigned long freed = zs_compact(pools[p]);

			__atomic_fetch_add(&nr_zs_compact, 1, __ATOMIC_RELAXED);
			__atomic_fetch_add(&zs_pages_compacted, freed, __ATOMIC_RELAXED);
		}
		if (++round % 10 == 0 && zsim_compact_memory() == 0)
			__atomic_fetch_add(&nr_zone_compact, 1, __ATOMIC_RELAXED);
		usleep(10 * 1000);
	}
	return NULL;
}

static uint64_t vmstat(const char *name)
{
	uint64_t v = 0;

	zsim_vmstat_get(name, &v);
	return v;
}

static uint64_t total(size_t off)
{
	uint64_t sum = 0;
	unsigned int t;

	for (t = 0; t < opt.threads; t++)
		sum += __atomic_load_n((uint64_t *)((char *)&workers[t] + off),
				       __ATOMIC_RELAXED);
	return sum;
}
#define TOTAL(field)	total(offsetof(struct worker, field))

static uint64_t pool_pages(void)
{
	uint64_t pages = 0;
	unsigned int p;

	for (p = 0; p < opt.pools; p++)
		pages += zs_get_total_pages(pools[p]);
	return pages;
}

static void usage(FILE *out, const char *argv0)
{
	fprintf(out,
		"usage: %s [options] [THREADS [SCALE [SECONDS]]]\n"
		"\n"
		"Stress libzsmalloc: THREADS workers (default %u) each keep up to\n"
		"SCALE*%u objects (SCALE default %u) of 8..%u bytes in one of the\n"
		"pools, allocating, writing, reading back, verifying and freeing for\n"
		"SECONDS (default %u), while a compactor thread runs zs_compact() on\n"
		"every pool and zone compaction (zsim_compact_memory()) moves pages.\n"
		"Prints progress every second, then operations, page migrations,\n"
		"compactions and the final accounting.  Exits 1 if any object was\n"
		"lost or corrupted or anything stayed allocated, 2 on bad usage.\n"
		"\n"
		"options:\n"
		"  --pools N    pools, 1..%d (default %u); odd ones use the Linux 4.8 preset\n"
		"  --mem MIB    simulated memory in MiB (default %" PRIu64 ")\n"
		"  --seed S     random seed (default %" PRIu64 "; ZSIM_SEED also sets it)\n"
		"  --quiet      no progress lines\n"
		"  -h, --help   this text\n",
		argv0, opt.threads, OBJS_PER_SCALE, opt.scale, ZS_MAX_ALLOC_SIZE,
		opt.seconds, MAX_POOLS, opt.pools, opt.mem_mib, opt.seed);
}

static bool parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static int parse_args(int argc, char **argv)
{
	const char *env = getenv("ZSIM_SEED");
	unsigned int pos = 0;
	uint64_t v;
	int i;

	if (env && *env && !parse_uint(env, 0, UINT64_MAX, &opt.seed)) {
		fprintf(stderr, "zs_soak: bad ZSIM_SEED '%s'\n", env);
		return -1;
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout, argv[0]);
			exit(0);
		} else if (!strcmp(a, "--quiet")) {
			opt.quiet = true;
		} else if ((!strcmp(a, "--pools") || !strcmp(a, "--mem") ||
			    !strcmp(a, "--seed")) && i + 1 < argc) {
			const char *val = argv[++i];
			bool ok;

			if (!strcmp(a, "--pools")) {
				ok = parse_uint(val, 1, MAX_POOLS, &v);
				opt.pools = (unsigned int)v;
			} else if (!strcmp(a, "--mem")) {
				ok = parse_uint(val, 16, 1 << 20, &opt.mem_mib);
			} else {
				ok = parse_uint(val, 0, UINT64_MAX, &opt.seed);
			}
			if (!ok) {
				fprintf(stderr, "zs_soak: bad value '%s' for %s\n", val, a);
				return -1;
			}
		} else if (a[0] != '-' && pos < 3) {
			static const uint64_t max[3] = { MAX_THREADS, 100000, 86400 * 7 };

			if (!parse_uint(a, pos == 2 ? 0 : 1, max[pos], &v)) {
				fprintf(stderr, "zs_soak: bad %s '%s'\n",
					pos == 0 ? "THREADS" : pos == 1 ? "SCALE" : "SECONDS", a);
				return -1;
			}
			if (pos == 0)
				opt.threads = (unsigned int)v;
			else if (pos == 1)
				opt.scale = (unsigned int)v;
			else
				opt.seconds = (unsigned int)v;
			pos++;
		} else {
			fprintf(stderr, "zs_soak: unknown argument '%s' (try --help)\n", a);
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct zsim_config cfg;
	pthread_t compactor;
	uint64_t mig0, fail0, pages_peak = 0;
	double t0, t1, last;
	unsigned int t, p;
	long leaked;
	int err, ret = 0;

	if (parse_args(argc, argv))
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);

	zsim_config_default(&cfg);
	cfg.mem_bytes = opt.mem_mib << 20;
	cfg.seed = opt.seed;
	cfg.loglevel = 3;
	err = zsim_init(&cfg);
	if (err) {
		fprintf(stderr, "zs_soak: zsim_init: %s\n", zsim_last_error());
		return 2;
	}
	for (p = 0; p < opt.pools; p++) {
		struct zs_pool_config pc;
		char name[32];

		zs_pool_config_init(&pc, p % 2 ? ZS_PRESET_LINUX_4_8 : ZS_PRESET_NEWEST);
		snprintf(name, sizeof(name), "soak%u", p);
		pools[p] = zs_create_pool_config(name, &pc, &err);
		if (!pools[p]) {
			fprintf(stderr, "zs_soak: cannot create pool %s: %d\n", name, err);
			return 2;
		}
	}
	printf("zs_soak: %u threads, scale %u (%u slots each), %u s, %u pool%s, %" PRIu64 " MiB, seed %" PRIu64 "\n",
	       opt.threads, opt.scale, opt.scale * OBJS_PER_SCALE, opt.seconds,
	       opt.pools, opt.pools == 1 ? "" : "s", opt.mem_mib, opt.seed);

	mig0 = vmstat("pgmigrate_success");
	fail0 = vmstat("pgmigrate_fail");
	for (t = 0; t < opt.threads; t++) {
		struct worker *w = &workers[t];

		w->id = t;
		w->pool = pools[t % opt.pools];
		w->nr_slots = (size_t)opt.scale * OBJS_PER_SCALE;
		util_rng_init(&w->rng, opt.seed * 0x9e3779b97f4a7c15ULL + t);
		w->slots = calloc(w->nr_slots, sizeof(*w->slots));
		if (!w->slots) {
			fprintf(stderr, "zs_soak: out of host memory\n");
			return 2;
		}
	}
	t0 = last = util_now();
	for (t = 0; t < opt.threads; t++)
		if (pthread_create(&workers[t].thread, NULL, worker_fn, &workers[t])) {
			fprintf(stderr, "zs_soak: cannot start worker %u\n", t);
			return 2;
		}
	if (pthread_create(&compactor, NULL, compactor_fn, NULL)) {
		fprintf(stderr, "zs_soak: cannot start the compactor\n");
		return 2;
	}

	while ((t1 = util_now()) - t0 < opt.seconds) {
		uint64_t pages;

		usleep(50 * 1000);
		pages = pool_pages();
		if (pages > pages_peak)
			pages_peak = pages;
		if (!opt.quiet && util_now() - last >= 1.0) {
			last = util_now();
			printf("[%6.1f s] ops %12" PRIu64 "  pages %8" PRIu64 "  migrated %10" PRIu64 "  zs_compact %8" PRIu64 "  zone compactions %6" PRIu64 "  bad %" PRIu64 "\n",
			       last - t0, TOTAL(ops), pages,
			       vmstat("pgmigrate_success") - mig0,
			       __atomic_load_n(&nr_zs_compact, __ATOMIC_RELAXED),
			       __atomic_load_n(&nr_zone_compact, __ATOMIC_RELAXED),
			       TOTAL(bad));
		}
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	pthread_join(compactor, NULL);
	for (t = 0; t < opt.threads; t++)
		pthread_join(workers[t].thread, NULL);
	t1 = util_now() - t0;

	printf("\noperations:   %" PRIu64 " in %.1f s (%.0f/s): %" PRIu64 " allocations, %" PRIu64 " frees, %" PRIu64 " writes, %" PRIu64 " verified reads, %" PRIu64 " -ENOMEM\n",
	       TOTAL(ops), t1, TOTAL(ops) / (t1 > 0 ? t1 : 1), TOTAL(allocs),
	       TOTAL(frees), TOTAL(writes), TOTAL(reads), TOTAL(enomem));
	printf("migrations:   pgmigrate_success %" PRIu64 ", pgmigrate_fail %" PRIu64 "\n",
	       vmstat("pgmigrate_success") - mig0, vmstat("pgmigrate_fail") - fail0);
	printf("compactions:  zs_compact %" PRIu64 " (%" PRIu64 " pages freed), zone %" PRIu64 " (compact_stall %" PRIu64 ", compact_success %" PRIu64 ")\n",
	       nr_zs_compact, zs_pages_compacted, nr_zone_compact,
	       vmstat("compact_stall"), vmstat("compact_success"));

	/* Every object is freed: the pools hold no page once compacted. */
	for (p = 0; p < opt.pools; p++)
		zs_compact(pools[p]);
	printf("accounting:   peak %" PRIu64 " pool pages; after freeing everything %" PRIu64 " pool pages, %" PRIu64 " nr_zspages, %" PRIu64 " nr_isolated_movable\n",
	       pages_peak, pool_pages(), vmstat("nr_zspages"),
	       vmstat("nr_isolated_movable"));
	if (TOTAL(allocs) != TOTAL(frees)) {
		fprintf(stderr, "zs_soak: %" PRIu64 " allocations but %" PRIu64 " frees\n",
			TOTAL(allocs), TOTAL(frees));
		ret = 1;
	}
	for (p = 0; p < opt.pools; p++)
		zs_destroy_pool(pools[p]);
	if (vmstat("nr_zspages") || vmstat("nr_isolated_movable")) {
		fprintf(stderr, "zs_soak: zspages or isolated pages left after the pools were destroyed\n");
		ret = 1;
	}
	/* zsim_exit() counts pages and slab objects still allocated. */
	leaked = zsim_exit();
	printf("              after zs_destroy_pool and zsim_exit: %ld pages or slab objects left\n",
	       leaked);
	if (leaked)
		ret = 1;
	if (TOTAL(bad)) {
		fprintf(stderr, "zs_soak: %" PRIu64 " objects lost or corrupted\n", TOTAL(bad));
		ret = 1;
	}
	printf("result:       %s\n", ret ? "FAILED" : "ok: no object lost or corrupted, nothing left allocated");
	for (t = 0; t < opt.threads; t++)
		free(workers[t].slots);
	return ret;
}
