// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * zsim replay: run an allocation trace on zsmalloc or on a general-purpose
 * malloc, and print what it costs in memory at every "p NAME" line.
 *
 * Every object is filled with bytes derived from its id when allocated,
 * and checked before it is freed: a replay that corrupts data fails with
 * the trace line, whatever the statistics say.
 *
 * Memory is measured the same way for everyone: the process's RSS growth
 * over a baseline taken once the replay's own tables are in place and the
 * allocator has purged the parser's garbage.  For zsmalloc the pool's page
 * count is reported beside it; the simulated arena hands whole free
 * pageblocks back to the OS, so its RSS follows what the pool uses.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc_malloc.h"
#include "trace.h"
#include "zsim_cli.h"

#define NOISE_SIZE	(1u << 16)	/* the pattern's random source */

enum access_api {
	ACCESS_OBJ,	/* zs_obj_write / zs_obj_read_begin */
	ACCESS_MAP,	/* zs_map_object / zs_unmap_object */
};

struct replay {
	struct trace t;
	const char *path;
	enum alloc_kind kind;
	enum access_api access;
	struct pool_opts po;
	int json;
	int classes;			/* print the classes table at each stats line */
	uint64_t mem;			/* machine size for zsmalloc; 0: from the trace */
	unsigned int pageblock_order;	/* 0: the machine's default */

	/* per slot */
	uintptr_t *obj;			/* zsmalloc handle or malloc pointer */
	uint32_t *size;			/* live size, 0 when not live */
	uint32_t *line;			/* line that allocated it */

	unsigned char *noise;		/* 2 * NOISE_SIZE random bytes */
	unsigned char *wbuf;		/* pattern of the object being written/checked */
	unsigned char *rbuf;		/* zs_obj_read_begin's local copy */
	size_t buf_len;

	struct zs_pool *pool;
	struct zs_pool_snapshot *snap;

	uint64_t live_objects, live_bytes;
	uint64_t rss_base;
	uint64_t purged_pages;		/* others: pages a purge gave back, summed */
	uint64_t seg_ops, seg_ns, seg_compact_ns;
	uint64_t all_ops, all_ns;
	uint64_t clock_cost;		/* ns one clock_gettime pair adds */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* What an empty timed section costs, subtracted from every op's time. */
static uint64_t clock_overhead(void)
{
	uint64_t best = UINT64_MAX;

	for (int i = 0; i < 2000; i++) {
		uint64_t a = now_ns(), b = now_ns();

		if (b - a < best)
			best = b - a;
	}
	return best;
}

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xBF58476D1CE4E5B9ULL;
	x ^= x >> 27;
	x *= 0x94D049BB133111EBULL;
	return x ^ (x >> 31);
}

/*
 * The bytes object @id must hold: a window of the noise buffer chosen by
 * the id, with the id's hash over the first 8 bytes, so two objects never
 * look alike even when their windows meet.
 */
static void fill_pattern(struct replay *r, uint64_t id, unsigned char *dst, size_t size)
{
	uint64_t h = mix64(id + 0x5851F42D4C957F2DULL);
	size_t off = h & (NOISE_SIZE - 1), done = 0;

	while (done < size) {
		size_t n = size - done < NOISE_SIZE ? size - done : NOISE_SIZE;

		memcpy(dst + done, r->noise + off, n);
		done += n;
	}
	memcpy(dst, &h, size < 8 ? size : 8);
}

static size_t first_difference(const unsigned char *a, const unsigned char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n && a[i] == b[i]; i++)
		;
	return i;
}

/* --- the allocators ---------------------------------------------------------------- */

/* Allocate slot @s and write its pattern (in r->wbuf).  0, or -errno. */
static int obj_alloc(struct replay *r, uint32_t s, uint32_t size)
{
	if (r->kind == ALLOC_ZSMALLOC) {
		unsigned long h = zs_malloc(r->pool, size, ZS_GFP_KERNEL | ZS_GFP_NOWARN,
					    ZS_NUMA_NO_NODE);

		if (zs_is_err_handle(h))
			return (int)zs_handle_errno(h);
		if (r->access == ACCESS_OBJ) {
			zs_obj_write(r->pool, h, r->wbuf, size);
		} else {
			void *p = zs_map_object(r->pool, h, ZS_MM_WO);

			memcpy(p, r->wbuf, size);
			zs_unmap_object(r->pool, h);
		}
		r->obj[s] = h;
	} else {
		void *p = malloc(size);

		if (!p)
			return -ENOMEM;
		memcpy(p, r->wbuf, size);
		r->obj[s] = (uintptr_t)p;
	}
	return 0;
}

/* Compare slot @s with its pattern (in r->wbuf) and free it; the first bad byte or -1. */
static long obj_check_free(struct replay *r, uint32_t s, uint32_t size)
{
	long bad = -1;

	if (r->kind == ALLOC_ZSMALLOC) {
		unsigned long h = r->obj[s];
		unsigned char *p;

		if (r->access == ACCESS_OBJ) {
			p = zs_obj_read_begin(r->pool, h, size, r->rbuf);
			if (memcmp(p, r->wbuf, size))
				bad = (long)first_difference(p, r->wbuf, size);
			zs_obj_read_end(r->pool, h, size, p);
		} else {
			p = zs_map_object(r->pool, h, ZS_MM_RO);
			if (memcmp(p, r->wbuf, size))
				bad = (long)first_difference(p, r->wbuf, size);
			zs_unmap_object(r->pool, h);
		}
		zs_free(r->pool, h);
	} else {
		unsigned char *p = (unsigned char *)r->obj[s];

		if (memcmp(p, r->wbuf, size))
			bad = (long)first_difference(p, r->wbuf, size);
		free(p);
	}
	r->obj[s] = 0;
	return bad;
}

static void do_compact(struct replay *r)
{
	if (r->kind == ALLOC_ZSMALLOC) {
		zs_compact(r->pool);
	} else {
		uint64_t before = proc_rss_bytes(), after;

		alloc_malloc_purge(r->kind);
		after = proc_rss_bytes();
		if (before > after)
			r->purged_pages += (before - after) / 4096;
	}
}

/* --- statistics ---------------------------------------------------------------------- */

static void print_stats(struct replay *r, const char *phase, uint32_t line)
{
	uint64_t rss = proc_rss_bytes();
	int64_t rss_growth = (int64_t)rss - (int64_t)r->rss_base;
	uint64_t pool_pages, compacted, ideal = (r->live_bytes + 4095) / 4096;
	int64_t meta;
	char density[32], metas[32], nsop[32];

	if (r->kind == ALLOC_ZSMALLOC) {
		struct zs_pool_stats st;

		pool_pages = zs_get_total_pages(r->pool);
		zs_pool_stats(r->pool, &st);
		compacted = (uint64_t)st.pages_compacted;
		r->snap->size = sizeof(*r->snap);
		meta = zs_pool_snapshot(r->pool, r->snap) ? -1 :
			(int64_t)(r->snap->handle_bytes + r->snap->zspage_bytes);
	} else {
		pool_pages = rss_growth > 0 ? (uint64_t)rss_growth / 4096 : 0;
		compacted = r->purged_pages;
		meta = alloc_malloc_metadata(r->kind);
	}
	if (pool_pages)
		snprintf(density, sizeof(density), "%.4f",
			 (double)r->live_bytes / ((double)pool_pages * 4096.0));
	else
		snprintf(density, sizeof(density), r->json ? "null" : "n/a");
	if (meta >= 0)
		snprintf(metas, sizeof(metas), "%lld", (long long)meta);
	else
		snprintf(metas, sizeof(metas), r->json ? "null" : "n/a");
	snprintf(nsop, sizeof(nsop), "%.1f",
		 r->seg_ops ? (double)r->seg_ns / (double)r->seg_ops : 0.0);

	if (r->json)
		printf("{\"phase\":\"%s\",\"allocator\":\"%s\",\"line\":%u,"
		       "\"live_objects\":%llu,\"live_bytes\":%llu,\"pool_pages\":%llu,"
		       "\"ideal_pages\":%llu,\"pages_compacted\":%llu,\"density\":%s,"
		       "\"rss_bytes\":%lld,\"metadata_bytes\":%s,\"ops\":%llu,"
		       "\"ns_per_op\":%s,\"compact_ms\":%.3f}\n",
		       phase, alloc_kind_name(r->kind), line,
		       (unsigned long long)r->live_objects, (unsigned long long)r->live_bytes,
		       (unsigned long long)pool_pages, (unsigned long long)ideal,
		       (unsigned long long)compacted, density, (long long)rss_growth, metas,
		       (unsigned long long)r->seg_ops, nsop, r->seg_compact_ns / 1e6);
	else
		printf("phase=%s allocator=%s line=%u live_objects=%llu live_bytes=%llu"
		       " pool_pages=%llu ideal_pages=%llu pages_compacted=%llu density=%s"
		       " rss_bytes=%lld metadata_bytes=%s ops=%llu ns_per_op=%s"
		       " compact_ms=%.3f\n",
		       phase, alloc_kind_name(r->kind), line,
		       (unsigned long long)r->live_objects, (unsigned long long)r->live_bytes,
		       (unsigned long long)pool_pages, (unsigned long long)ideal,
		       (unsigned long long)compacted, density, (long long)rss_growth, metas,
		       (unsigned long long)r->seg_ops, nsop, r->seg_compact_ns / 1e6);
	if (r->classes && r->kind == ALLOC_ZSMALLOC && !r->json) {
		printf("# classes at phase %s:\n", phase);
		zs_print_classes(r->pool, stdout);
	}
	fflush(stdout);
	r->seg_ops = r->seg_ns = r->seg_compact_ns = 0;
}

/* --- the run ------------------------------------------------------------------------- */

static int setup(struct replay *r)
{
	size_t n = r->t.nr_slots ? r->t.nr_slots : 1;
	struct trace_rng rng;

	r->buf_len = r->t.max_size ? r->t.max_size : 1;
	r->obj = malloc(n * sizeof(*r->obj));
	r->size = malloc(n * sizeof(*r->size));
	r->line = malloc(n * sizeof(*r->line));
	r->noise = malloc(2 * NOISE_SIZE);
	r->wbuf = malloc(r->buf_len);
	r->rbuf = malloc(r->buf_len);
	r->snap = malloc(sizeof(*r->snap));
	if (!r->obj || !r->size || !r->line || !r->noise || !r->wbuf || !r->rbuf || !r->snap) {
		fprintf(stderr, "zsim replay: out of memory for %zu objects\n", n);
		return -1;
	}
	/* touch everything now, so none of it counts as the allocator's growth */
	memset(r->obj, 0, n * sizeof(*r->obj));
	memset(r->size, 0, n * sizeof(*r->size));
	memset(r->line, 0, n * sizeof(*r->line));
	memset(r->wbuf, 0, r->buf_len);
	memset(r->rbuf, 0, r->buf_len);
	memset(r->snap, 0, sizeof(*r->snap));
	trace_rng_init(&rng, 0x7a73696d);	/* fixed: patterns do not depend on options */
	for (size_t i = 0; i < 2 * NOISE_SIZE; i += 8) {
		uint64_t v = trace_rng_next(&rng);

		memcpy(r->noise + i, &v, 8);
	}
	return 0;
}

static int boot_zsmalloc(struct replay *r)
{
	struct zsim_config cfg;
	int err;

	zsim_config_default(&cfg);
	if (zsim_config_from_env(&cfg)) {
		fprintf(stderr, "zsim replay: %s\n", zsim_last_error());
		return -1;
	}
	if (r->pageblock_order)
		cfg.pageblock_order = r->pageblock_order;
	if (r->mem) {
		cfg.mem_bytes = r->mem;
	} else if (!getenv("ZSIM_MEM")) {
		/*
		 * Room for the peak live data twice over (fragmentation before a
		 * compaction), handles and zspage metadata, and slack.  Frames the
		 * pool never touches cost no RSS.
		 */
		uint64_t want = 2 * r->t.peak_live_bytes + 64 * r->t.peak_live_objects +
				(64ull << 20);

		cfg.mem_bytes = (want + (4ull << 20) - 1) & ~((4ull << 20) - 1);
	}
	err = zsim_init(&cfg);
	if (err) {
		fprintf(stderr, "zsim replay: cannot boot the machine: %s\n", zsim_last_error());
		return -1;
	}
	r->pool = zs_create_pool_config("replay", &r->po.cfg, &err);
	if (!r->pool) {
		fprintf(stderr, "zsim replay: cannot create the pool: %s\n", strerror(-err));
		zsim_exit();
		return -1;
	}
	return 0;
}

static int run(struct replay *r)
{
	const struct trace *t = &r->t;
	uint32_t last_line = 0;

	for (size_t i = 0; i < t->nr_ops; i++) {
		const struct trace_op *op = &t->ops[i];
		uint64_t t0, t1;
		long bad;
		int err;

		last_line = op->line;
		switch (op->kind) {
		case TRACE_ALLOC:
			fill_pattern(r, t->ids[op->slot], r->wbuf, op->size);
			t0 = now_ns();
			err = obj_alloc(r, op->slot, op->size);
			t1 = now_ns();
			if (err) {
				fprintf(stderr, "zsim replay: %s:%u: allocating %u bytes for id %llu"
					" failed: %s (%llu objects, %llu bytes live)%s\n", r->path,
					op->line, op->size, (unsigned long long)t->ids[op->slot],
					strerror(-err), (unsigned long long)r->live_objects,
					(unsigned long long)r->live_bytes,
					r->kind == ALLOC_ZSMALLOC ? "; try a larger --mem" : "");
				return -1;
			}
			r->size[op->slot] = op->size;
			r->line[op->slot] = op->line;
			r->live_objects++;
			r->live_bytes += op->size;
			break;
		case TRACE_FREE: {
			uint32_t size = r->size[op->slot];

			fill_pattern(r, t->ids[op->slot], r->wbuf, size);
			t0 = now_ns();
			bad = obj_check_free(r, op->slot, size);
			t1 = now_ns();
			if (bad >= 0) {
				fprintf(stderr, "zsim replay: %s:%u: id %llu (%u bytes, allocated at"
					" line %u) does not hold what was written: first difference"
					" at byte %ld\n", r->path, op->line,
					(unsigned long long)t->ids[op->slot], size,
					r->line[op->slot], bad);
				return -1;
			}
			r->size[op->slot] = 0;
			r->live_objects--;
			r->live_bytes -= size;
			break;
		}
		case TRACE_COMPACT:
			t0 = now_ns();
			do_compact(r);
			t1 = now_ns();
			r->seg_compact_ns += t1 - t0;
			continue;
		case TRACE_PHASE:
			print_stats(r, t->names[op->slot], op->line);
			continue;
		default:
			continue;
		}
		t1 -= t0;
		t1 = t1 > r->clock_cost ? t1 - r->clock_cost : 0;
		r->seg_ops++;
		r->seg_ns += t1;
		r->all_ops++;
		r->all_ns += t1;
	}
	r->seg_ops = r->all_ops;
	r->seg_ns = r->all_ns;
	print_stats(r, "end", last_line);

	/* what is still live must still be right */
	for (uint32_t s = 0; s < t->nr_slots; s++) {
		uint32_t size = r->size[s];
		long bad;

		if (!size)
			continue;
		fill_pattern(r, t->ids[s], r->wbuf, size);
		bad = obj_check_free(r, s, size);
		if (bad >= 0) {
			fprintf(stderr, "zsim replay: %s:%u: id %llu (%u bytes, allocated at line %u)"
				" does not hold what was written at the end of the trace: first"
				" difference at byte %ld\n", r->path, r->line[s],
				(unsigned long long)t->ids[s], size, r->line[s], bad);
			return -1;
		}
		r->size[s] = 0;
	}
	return 0;
}

static void replay_help(FILE *out)
{
	fprintf(out,
		"Usage: zsim replay [pool options] [--allocator NAME] [--json] [options] TRACE\n"
		"\n"
		"Replay an allocation trace (plain text or gzip, '-' for standard input):\n"
		"  a ID SIZE   allocate      f ID   free      c   compact/purge\n"
		"  p NAME      print a stats line labelled NAME       # comment\n"
		"Each object is filled with a pattern derived from its id and checked\n"
		"before it is freed; a mismatch stops the replay with the line number.\n"
		"A stats line is printed at each 'p NAME' and at the end (phase=end):\n"
		"  live_objects live_bytes  what the trace holds at that point\n"
		"  pool_pages     zsmalloc: zs_get_total_pages(); others: RSS growth in pages\n"
		"  ideal_pages    ceil(live_bytes / 4096)\n"
		"  pages_compacted zsmalloc: pool's pages_compacted; others: pages their\n"
		"                 purges gave back (RSS drop across each 'c')\n"
		"  density        live_bytes / (pool_pages * 4096)\n"
		"  rss_bytes      process RSS growth since the start of the replay\n"
		"  metadata_bytes zsmalloc: handle and zspage slabs; jemalloc: stats.metadata;\n"
		"                 glibc and mimalloc: n/a (no counter)\n"
		"  ops ns_per_op  trace ops since the last line and their mean cost,\n"
		"                 object write or check included (whole run at 'end')\n"
		"  compact_ms     time spent in 'c' since the last line\n"
		"\n"
		"Options:\n"
		"  --allocator NAME   zsmalloc (default), glibc, jemalloc or mimalloc; jemalloc\n"
		"                     and mimalloc run in a re-executed process with the Debian\n"
		"                     library in LD_PRELOAD (ZSIM_JEMALLOC_SO / ZSIM_MIMALLOC_SO\n"
		"                     name another file); exit status 77 if unavailable\n"
		"  --json             print the stats lines as JSON objects, one a line\n"
		"  --access obj|map   zsmalloc object access: zs_obj_write/zs_obj_read_begin\n"
		"                     (default) or zs_map_object/zs_unmap_object\n"
		"  --classes          zsmalloc: print the debugfs classes table after each\n"
		"                     stats line (not with --json)\n"
		"  --mem SIZE         simulated machine size (default: from the trace's peak)\n"
		"  --pageblock-order N  pageblock order of the machine (default 9)\n"
		"  -h, --help         this text\n"
		"\n");
	pool_opts_help(out);
	fprintf(out,
		"\nExit status: 0 success, 1 replay error (data mismatch, out of memory),\n"
		"2 usage or trace error, 77 allocator not available.\n");
}

int cmd_replay(int argc, char **argv)
{
	struct replay r;
	char err[512];
	uint64_t v;
	int ret = 0, i;

	memset(&r, 0, sizeof(r));
	r.kind = ALLOC_ZSMALLOC;
	r.access = ACCESS_OBJ;
	pool_opts_init(&r.po);

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		int pr;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			replay_help(stdout);
			return 0;
		}
		if (!strcmp(a, "--json")) {
			r.json = 1;
			continue;
		}
		if (!strcmp(a, "--classes")) {
			r.classes = 1;
			continue;
		}
		if (!strcmp(a, "--allocator") || !strcmp(a, "--access") || !strcmp(a, "--mem") ||
		    !strcmp(a, "--pageblock-order")) {
			const char *val;

			if (i + 1 >= argc) {
				fprintf(stderr, "zsim replay: %s needs a value\n", a);
				return 2;
			}
			val = argv[++i];
			if (!strcmp(a, "--allocator")) {
				if (alloc_kind_parse(val, &r.kind)) {
					fprintf(stderr, "zsim replay: unknown allocator '%s'"
						" (zsmalloc, glibc, jemalloc, mimalloc)\n", val);
					return 2;
				}
			} else if (!strcmp(a, "--access")) {
				if (!strcmp(val, "obj"))
					r.access = ACCESS_OBJ;
				else if (!strcmp(val, "map"))
					r.access = ACCESS_MAP;
				else {
					fprintf(stderr, "zsim replay: --access is obj or map, not '%s'\n", val);
					return 2;
				}
			} else if (!strcmp(a, "--mem")) {
				if (parse_size(val, &r.mem) || !r.mem) {
					fprintf(stderr, "zsim replay: bad --mem '%s'\n", val);
					return 2;
				}
			} else {
				if (parse_u64_arg(val, &v) || v < 1 || v > 10) {
					fprintf(stderr, "zsim replay: --pageblock-order takes 1..10, not '%s'\n", val);
					return 2;
				}
				r.pageblock_order = (unsigned int)v;
			}
			continue;
		}
		pr = pool_opts_parse(&r.po, argc, argv, &i);
		if (pr < 0)
			return 2;
		if (pr > 0)
			continue;
		if (a[0] == '-' && a[1]) {
			fprintf(stderr, "zsim replay: unknown option '%s' (see --help)\n", a);
			return 2;
		}
		if (r.path) {
			fprintf(stderr, "zsim replay: one trace at a time ('%s' and '%s')\n", r.path, a);
			return 2;
		}
		r.path = a;
	}
	if (!r.path) {
		fprintf(stderr, "zsim replay: no trace given (see --help)\n");
		return 2;
	}
	if (pool_opts_finish(&r.po))
		return 2;

	/*
	 * Before anything is allocated: this may re-execute the program.  Our
	 * argv is main()'s shifted by one (argv[-1] is "zsim"), and the new
	 * process needs the whole command line.
	 */
	if (r.kind != ALLOC_ZSMALLOC) {
		ret = alloc_malloc_ensure(r.kind, argv - 1, "zsim replay");
		if (ret)
			return ret;
	}

	if (trace_load(r.path, &r.t, err, sizeof(err))) {
		fprintf(stderr, "zsim replay: %s\n", err);
		return 2;
	}
	if (r.kind == ALLOC_ZSMALLOC && r.t.max_size > ZS_MAX_ALLOC_SIZE) {
		fprintf(stderr, "zsim replay: %s:%u: size %u is larger than zsmalloc's"
			" maximum of %u bytes\n", r.path, r.t.max_size_line, r.t.max_size,
			ZS_MAX_ALLOC_SIZE);
		trace_free(&r.t);
		return 2;
	}
	if (setup(&r)) {
		ret = 1;
		goto out;
	}
	if (r.kind == ALLOC_ZSMALLOC && boot_zsmalloc(&r)) {
		ret = 1;
		goto out;
	}
	if (!r.json) {
		char desc[128];
		char ver[96];

		if (r.kind == ALLOC_ZSMALLOC)
			printf("# zsim replay %s: zsmalloc, %s, %s access; %zu ops, %zu ids\n",
			       r.path, pool_opts_describe(&r.po, desc, sizeof(desc)),
			       r.access == ACCESS_OBJ ? "obj" : "map", r.t.nr_ops, r.t.nr_slots);
		else
			printf("# zsim replay %s: %s %s%s%s; %zu ops, %zu ids\n", r.path,
			       alloc_kind_name(r.kind), alloc_malloc_version(r.kind, ver, sizeof(ver)),
			       r.kind == ALLOC_GLIBC ? "" : " from ",
			       r.kind == ALLOC_GLIBC ? "" : alloc_malloc_library(r.kind),
			       r.t.nr_ops, r.t.nr_slots);
		fflush(stdout);
	}
	/* the parser's garbage goes back before the baseline is taken */
	alloc_malloc_purge(r.kind == ALLOC_ZSMALLOC ? ALLOC_GLIBC : r.kind);
	r.clock_cost = clock_overhead();
	r.rss_base = proc_rss_bytes();

	ret = run(&r) ? 1 : 0;

	if (r.kind == ALLOC_ZSMALLOC) {
		long leaked;

		zs_destroy_pool(r.pool);
		leaked = zsim_exit();
		if (leaked) {
			fprintf(stderr, "zsim replay: %ld pages or slab objects leaked\n", leaked);
			ret = 1;
		}
	}
out:
	free(r.obj);
	free(r.size);
	free(r.line);
	free(r.noise);
	free(r.wbuf);
	free(r.rbuf);
	free(r.snap);
	trace_free(&r.t);
	return ret;
}
