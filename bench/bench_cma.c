// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * bench_cma: contiguous range allocation (alloc_contig_range(), as CMA
 * uses it) in a memory full of zspages, with page migration on and off.
 *
 * A machine is filled with zsmalloc objects of a compressed-page-like size
 * mix, then every other object is freed, so zspages are spread over all
 * of memory.  Then, for each range size, as many disjoint pageblock-aligned
 * ranges as the machine holds free of unmovable pages are allocated with
 * zsim_alloc_contig_range() and freed again; once with migration off
 * (zsim_set_compaction(false)), once with it on.  Printed per size and
 * mode: ranges tried, ranges allocated, pages migrated, and microseconds
 * per allocation; at the end, every object is read back.
 *
 *   bench_cma [--quick] [--mem MiB] [--seed N]
 *
 * Only the public API is used (zsmalloc.h, zsim.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zsmalloc/zsmalloc.h>
#include <zsmalloc/zsim.h>

#include "util.h"

struct obj {
	unsigned long handle;
	unsigned int size;
};

static struct zs_pool *pool;
static struct obj *objs;
static size_t nr_objs;
static uint64_t start_pfn, end_pfn, pb_pages;

static void fill(unsigned char *buf, size_t len, unsigned long key)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (unsigned char)(key * 13 + i * 7 + 1);
}

static uint64_t vmstat(const char *name)
{
	uint64_t v = 0;

	zsim_vmstat_get(name, &v);
	return v;
}

/* Does [base, base + nr) hold only free and movable pages? */
static bool movable_only(uint64_t base, uint64_t nr)
{
	struct zsim_page_info info = { .size = sizeof(info) };
	uint64_t pfn;

	for (pfn = base; pfn < base + nr; pfn++) {
		if (zsim_page_info(pfn, &info))
			return false;
		if (info.owner != ZSIM_PAGE_FREE && info.owner != ZSIM_PAGE_MOVABLE_OPS)
			return false;
	}
	return true;
}

static int fill_machine(uint64_t seed, uint64_t mem_bytes)
{
	unsigned char buf[4096];
	struct util_rng rng;
	size_t cap;

	util_rng_init(&rng, seed);
	pool = zs_create_pool("bench_cma");
	if (!pool)
		return -ENOMEM;
	/* objects of about 1.5 KiB up to 80% of memory */
	cap = mem_bytes * 8 / 10 / 1500;
	objs = calloc(cap, sizeof(*objs));
	if (!objs)
		return -ENOMEM;
	for (nr_objs = 0; nr_objs < cap; nr_objs++) {
		struct obj *o = &objs[nr_objs];

		o->size = 64 + (unsigned int)util_rng_below(&rng, 2900);
		o->handle = zs_malloc(pool, o->size, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
		if (zs_handle_errno(o->handle)) {
			o->handle = 0;
			break;
		}
		fill(buf, o->size, o->handle);
		zs_obj_write(pool, o->handle, buf, o->size);
	}
	for (size_t i = 0; i < nr_objs; i += 2) {
		zs_free(pool, objs[i].handle);
		objs[i].handle = 0;
	}
	return 0;
}

static size_t check_objects(void)
{
	unsigned char want[4096], copy[4096];
	size_t bad = 0;

	for (size_t i = 0; i < nr_objs; i++) {
		struct obj *o = &objs[i];
		void *p;

		if (!o->handle)
			continue;
		p = zs_obj_read_begin(pool, o->handle, o->size, copy);
		fill(want, o->size, o->handle);
		if (memcmp(p, want, o->size))
			bad++;
		zs_obj_read_end(pool, o->handle, o->size, p);
	}
	return bad;
}

/* Allocate and free every candidate range of @nr pages; print one row. */
static void run(uint64_t nr, bool migration, unsigned int max_ranges)
{
	uint64_t base, migrated = vmstat("pgmigrate_success"), t0, ns = 0;
	unsigned int tried = 0, got = 0;

	zsim_set_compaction(migration);
	for (base = (start_pfn + pb_pages - 1) / pb_pages * pb_pages;
	     base + nr <= end_pfn && tried < max_ranges; base += nr) {
		if (!movable_only(base, nr))
			continue;
		tried++;
		t0 = util_now_ns();
		if (!zsim_alloc_contig_range(base, nr)) {
			ns += util_now_ns() - t0;
			got++;
			zsim_free_contig_range(base, nr);
		} else {
			ns += util_now_ns() - t0;
		}
	}
	zsim_set_compaction(true);
	printf("%-10" PRIu64 " %-9s %6u %9u %14" PRIu64 " %12.1f\n",
	       nr * ZSIM_PAGE_SIZE >> 10, migration ? "on" : "off", tried, got,
	       vmstat("pgmigrate_success") - migrated,
	       tried ? (double)ns / tried / 1000.0 : 0.0);
}

int main(int argc, char **argv)
{
	uint64_t mem_mib = 256, seed = 1;
	struct zsim_config cfg;
	struct zsim_zoneinfo zi;
	unsigned int max_ranges = 1000000;
	bool quick = false;
	size_t bad;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			quick = true;
		} else if (!strcmp(argv[i], "--mem") && i + 1 < argc) {
			mem_mib = strtoull(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
			seed = strtoull(argv[++i], NULL, 0);
		} else {
			fprintf(stderr, "usage: %s [--quick] [--mem MiB] [--seed N]\n",
				argv[0]);
			return 2;
		}
	}
	if (quick) {
		mem_mib = 64;
		max_ranges = 4;
	}

	zsim_config_default(&cfg);
	cfg.mem_bytes = mem_mib << 20;
	cfg.pageblock_order = 9;
	cfg.seed = seed;
	cfg.loglevel = 3;
	if (zsim_init(&cfg)) {
		fprintf(stderr, "bench_cma: zsim_init: %s\n", zsim_last_error());
		return 1;
	}
	zsim_pfn_range(&start_pfn, &end_pfn);
	pb_pages = 1ull << cfg.pageblock_order;
	if (fill_machine(seed, cfg.mem_bytes)) {
		fprintf(stderr, "bench_cma: cannot fill the machine\n");
		return 1;
	}
	zsim_get_zoneinfo(&zi);
	printf("# bench_cma: %" PRIu64 " MiB, %zu objects, %zu live, %" PRIu64
	       " zspage pages, %" PRIu64 " pages free\n",
	       mem_mib, nr_objs, nr_objs / 2, (uint64_t)zs_get_total_pages(pool),
	       zi.free_pages);
	printf("%-10s %-9s %6s %9s %14s %12s\n", "range_KiB", "migration",
	       "tried", "allocated", "pages_migrated", "us_per_alloc");
	for (uint64_t nr = pb_pages; nr <= pb_pages * 8; nr *= 2) {
		run(nr, false, max_ranges);
		run(nr, true, max_ranges);
	}
	bad = check_objects();
	printf("# objects read back: %zu corrupted; cma_alloc_success %" PRIu64
	       ", cma_alloc_fail %" PRIu64 "\n", bad, vmstat("cma_alloc_success"),
	       vmstat("cma_alloc_fail"));
	for (size_t k = 0; k < nr_objs; k++)
		if (objs[k].handle)
			zs_free(pool, objs[k].handle);
	free(objs);
	zs_destroy_pool(pool);
	if (zsim_exit() || bad)
		return 1;
	return 0;
}
