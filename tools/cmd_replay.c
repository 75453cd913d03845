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
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_malloc.h"
#include "emit.h"
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
	int kind;			/* enum alloc_kind */
	int access;			/* enum access_api */
	struct pool_opts po;
	struct machine_opts mo;		/* mem 0: from the trace */
	int json;
	int classes;			/* print the classes table at each stats line */
	const char *trace_path;		/* --trace: tracepoints written here at the end */
	struct zsim_fault_stats faults;	/* at the start of the run */

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

/* What an empty timed section costs, subtracted from every op's time. */
static uint64_t clock_overhead(void)
{
	uint64_t best = UINT64_MAX;

	for (int i = 0; i < 2000; i++) {
		uint64_t a = util_now_ns(), b = util_now_ns();

		if (b - a < best)
			best = b - a;
	}
	return best;
}

/*
 * The bytes object @id must hold: a window of the noise buffer chosen by
 * the id, with the id's hash over the first 8 bytes, so two objects never
 * look alike even when their windows meet.
 */
static void fill_pattern(struct replay *r, uint64_t id, unsigned char *dst, size_t size)
{
	uint64_t h = util_mix64(id + 0x5851F42D4C957F2DULL);
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
		uint64_t before = util_rss_bytes(), after;

		alloc_malloc_purge(r->kind);
		after = util_rss_bytes();
		if (before > after)
			r->purged_pages += (before - after) / 4096;
	}
}

/* --- statistics ---------------------------------------------------------------------- */

/*
 * zsmalloc's freed pages go back to the OS from free page reporting's
 * work, not inside zs_free() or zs_compact(), so an RSS read at once
 * says how far that worker had got.  Each stats line reads RSS once
 * reporting has caught up (zsim_report_free_pages() runs a pass now and
 * waits for it): the same rule on every phase, and the same figure from
 * run to run.  bench_reporting measures how long the catching up takes.
 */
static void wait_rss_settle(struct replay *r)
{
	if (r->kind == ALLOC_ZSMALLOC)
		zsim_report_free_pages();
}

static void print_stats(struct replay *r, const char *phase, uint32_t line)
{
	uint64_t rss;
	int64_t rss_growth;
	uint64_t pool_pages, compacted, ideal = (r->live_bytes + 4095) / 4096;
	int64_t meta;

	wait_rss_settle(r);
	rss = util_rss_bytes();
	rss_growth = (int64_t)rss - (int64_t)r->rss_base;

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
	{
		/* the one description of a stats record, for both formats */
		const struct emit_field rec[] = {
			EMIT_STR("phase", phase),
			EMIT_STR("allocator", alloc_kind_name(r->kind)),
			EMIT_U64("line", line),
			EMIT_U64("live_objects", r->live_objects),
			EMIT_U64("live_bytes", r->live_bytes),
			EMIT_U64("pool_pages", pool_pages),
			EMIT_U64("ideal_pages", ideal),
			EMIT_U64("pages_compacted", compacted),
			pool_pages ? EMIT_DBL("density", (double)r->live_bytes /
					      ((double)pool_pages * 4096.0), 4) :
				     EMIT_NULL("density"),
			EMIT_I64("rss_bytes", rss_growth),
			meta >= 0 ? EMIT_I64("metadata_bytes", meta) : EMIT_NULL("metadata_bytes"),
			EMIT_U64("ops", r->seg_ops),
			EMIT_DBL("ns_per_op", r->seg_ops ? (double)r->seg_ns / (double)r->seg_ops : 0.0, 1),
			EMIT_DBL("compact_ms", (double)r->seg_compact_ns / 1e6, 3),
		};

		emit_record(stdout, r->json ? EMIT_JSON : EMIT_KEY_VALUE, rec,
			    sizeof(rec) / sizeof(rec[0]));
	}
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
	struct util_rng rng;

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
	util_rng_init(&rng, 0x7a73696d);	/* fixed: patterns do not depend on options */
	for (size_t i = 0; i < 2 * NOISE_SIZE; i += 8) {
		uint64_t v = util_rng_next(&rng);

		memcpy(r->noise + i, &v, 8);
	}
	return 0;
}

/*
 * Why an allocation failed: an injected fault (ZSIM_FAIL_*) is named as
 * such; otherwise the machine was too small.  Into @buf, with "; ".
 */
static const char *failure_note(const struct replay *r, char *buf, size_t len)
{
	struct zsim_fault_stats now;
	uint64_t pages = 0, slabs = 0;

	if (!zsim_fault_stats(&now)) {
		pages = now.page_injected - r->faults.page_injected;
		slabs = now.slab_injected - r->faults.slab_injected;
	}
	if (pages || slabs)
		snprintf(buf, len, "; a fault was injected (ZSIM_FAIL_%s: %llu %s allocation(s)"
			 " failed on purpose)", pages ? "PAGE_*" : "SLAB_*",
			 (unsigned long long)(pages ? pages : slabs), pages ? "page" : "slab");
	else
		snprintf(buf, len, "; try a larger --mem");
	return buf;
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
	if (r->mo.pageblock_order)
		cfg.pageblock_order = r->mo.pageblock_order;
	if (r->mo.mem) {
		cfg.mem_bytes = r->mo.mem;
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
		static const char *const fail_vars[] = {
			"ZSIM_FAIL_PAGE_NTH", "ZSIM_FAIL_PAGE_PPM", "ZSIM_FAIL_SLAB_NTH",
			"ZSIM_FAIL_SLAB_PPM",
		};
		const char *on = NULL;

		for (size_t i = 0; i < sizeof(fail_vars) / sizeof(fail_vars[0]) && !on; i++) {
			const char *v = getenv(fail_vars[i]);

			if (v && *v && strcmp(v, "0"))
				on = fail_vars[i];
		}
		if (on)
			fprintf(stderr, "zsim replay: cannot boot the machine: %s; fault injection"
				" is on (%s=%s), so an injected fault may have failed it\n",
				zsim_last_error(), on, getenv(on));
		else
			fprintf(stderr, "zsim replay: cannot boot the machine: %s\n",
				zsim_last_error());
		return -1;
	}
	zsim_fault_stats(&r->faults);
	r->pool = zs_create_pool_config("replay", &r->po.cfg, &err);
	if (!r->pool) {
		char why[160];

		fprintf(stderr, "zsim replay: cannot create the pool: %s%s\n", strerror(-err),
			err == -ENOMEM ? failure_note(r, why, sizeof(why)) : "");
		zsim_exit();
		return -1;
	}
	return 0;
}

/* --trace: start recording once the pool is there. */
static int trace_begin(const struct replay *r)
{
	const char *events = getenv("ZSIM_TRACE");

	(void)r;
	if (!events || !*events)
		events = "all";
	if (zsim_trace_start(events)) {
		fprintf(stderr, "zsim replay: --trace: %s\n", zsim_last_error());
		return -1;
	}
	return 0;
}

/* --trace: stop and write the buffers out, before the machine goes. */
static int trace_end(const struct replay *r)
{
	bool to_stdout = !strcmp(r->trace_path, "-");
	FILE *out;
	int err;

	zsim_trace_stop();
	fflush(stdout);
	out = to_stdout ? stdout : fopen(r->trace_path, "w");
	if (!out) {
		fprintf(stderr, "zsim replay: --trace: cannot write %s: %s\n",
			r->trace_path, strerror(errno));
		return -1;
	}
	err = zsim_trace_print(out);
	if (to_stdout ? fflush(out) : fclose(out))
		err = err ? err : -EIO;
	if (err) {
		fprintf(stderr, "zsim replay: --trace: writing %s failed: %s\n",
			r->trace_path, strerror(-err));
		return -1;
	}
	return 0;
}

static void report_alloc_failure(const struct replay *r, const struct trace_op *op, int err)
{
	const struct trace *t = &r->t;
	char why[160] = "";

	if (r->kind == ALLOC_ZSMALLOC)
		failure_note(r, why, sizeof(why));
	fprintf(stderr, "zsim replay: %s:%u: allocating %u bytes for id %llu failed: %s"
		" (%llu objects, %llu bytes live)%s\n", r->path, op->line, op->size,
		(unsigned long long)t->ids[op->slot], strerror(-err),
		(unsigned long long)r->live_objects, (unsigned long long)r->live_bytes, why);
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
			t0 = util_now_ns();
			err = obj_alloc(r, op->slot, op->size);
			t1 = util_now_ns();
			if (err) {
				report_alloc_failure(r, op, err);
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
			t0 = util_now_ns();
			bad = obj_check_free(r, op->slot, size);
			t1 = util_now_ns();
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
			t0 = util_now_ns();
			do_compact(r);
			t1 = util_now_ns();
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

static const struct opt_choice access_apis[] = {
	{ "obj", ACCESS_OBJ },
	{ "map", ACCESS_MAP },
	{ NULL, 0 },
};

#define R(field)	offsetof(struct replay, field)

static const struct opt replay_table[] = {
	{ OPT_SECTION, "Options", 0, NULL, NULL, 0, 0, 0, NULL, 0, NULL },
	{ .kind = OPT_CHOICE, .name = "allocator", .metavar = "NAME", .offset = R(kind),
	  .choices = alloc_kind_choices,
	  .help = "zsmalloc (default), glibc, jemalloc or mimalloc; jemalloc\n"
		  "and mimalloc run in a re-executed process with the Debian\n"
		  "library in LD_PRELOAD (ZSIM_JEMALLOC_SO / ZSIM_MIMALLOC_SO\n"
		  "name another file); exit status 77 if unavailable" },
	{ .kind = OPT_FLAG, .name = "json", .flag = 1, .offset = R(json),
	  .help = "print the stats lines as JSON objects, one a line" },
	{ .kind = OPT_CHOICE, .name = "access", .metavar = "obj|map", .offset = R(access),
	  .choices = access_apis,
	  .help = "zsmalloc object access: zs_obj_write/zs_obj_read_begin\n"
		  "(default) or zs_map_object/zs_unmap_object" },
	{ .kind = OPT_FLAG, .name = "classes", .flag = 1, .offset = R(classes),
	  .help = "zsmalloc: print the debugfs classes table after each\n"
		  "stats line (not with --json)" },
	{ .kind = OPT_STRING, .name = "trace", .metavar = "FILE", .offset = R(trace_path),
	  .help = "zsmalloc: record tracepoints (the events of ZSIM_TRACE,\n"
		  "default all) and write the ring buffers to FILE in ftrace's\n"
		  "text format at the end ('-': standard output); each CPU's\n"
		  "buffer keeps the newest ZSIM_TRACE_BUF_KB KiB (default 1408)" },
	{ OPT_SECTION, "Machine options (zsmalloc; --mem default: from the trace's peak)",
	  0, NULL, NULL, 0, 0, 0, NULL, 0, NULL },
};

static const char replay_intro[] =
	"Replay an allocation trace (plain text or gzip; '-' for standard input;\n"
	"pipes and process substitution work):\n"
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
	"  rss_bytes      process RSS growth since the start of the replay; zsmalloc:\n"
	"                 read once free page reporting has given the free pages\n"
	"                 back (zsim_report_free_pages()); others: read at once\n"
	"  metadata_bytes zsmalloc: handle and zspage slabs; jemalloc: stats.metadata;\n"
	"                 glibc and mimalloc: n/a (no counter)\n"
	"  ops ns_per_op  trace ops since the last line and their mean cost,\n"
	"                 object write or check included (whole run at 'end')\n"
	"  compact_ms     time spent in 'c' since the last line\n";

static const char replay_epilogue[] =
	"A trace that cannot be read or parsed is a usage error (2); a replay that\n"
	"runs out of memory, finds corrupted data or leaks is a failure (1); 77\n"
	"means the allocator is not available here.\n";

int cmd_replay(int argc, char **argv)
{
	struct replay r;
	char err[512];
	int ret = 0, first;
	const struct opt_table tables[] = {
		OPTS_TABLE(replay_table, &r),
		MACHINE_OPTS_TABLE(&r.mo),
		POOL_OPTS_TABLE(&r.po),
	};
	const struct opt_command cmd = OPTS_COMMAND(
		"zsim replay", "[options] [machine options] [pool options] TRACE",
		replay_intro,
		replay_epilogue, tables);

	memset(&r, 0, sizeof(r));
	r.kind = ALLOC_ZSMALLOC;
	r.access = ACCESS_OBJ;
	pool_opts_init(&r.po);

	ret = opts_main(&cmd, argc, argv, &first, -1);
	if (ret >= 0)
		return ret;
	ret = 0;
	if (first >= argc) {
		opts_error("no trace given (see zsim replay --help)");
		return OPTS_EXIT_USAGE;
	}
	if (first + 1 < argc) {
		opts_error("one trace at a time ('%s' and '%s')", argv[first], argv[first + 1]);
		return OPTS_EXIT_USAGE;
	}
	r.path = argv[first];
	if (r.classes && r.json) {
		opts_error("--classes does not go with --json (the table is not JSON)");
		return OPTS_EXIT_USAGE;
	}
	if (r.kind != ALLOC_ZSMALLOC && r.trace_path) {
		opts_error("--trace records the simulated machine's tracepoints: it is for"
			   " --allocator zsmalloc only");
		return OPTS_EXIT_USAGE;
	}
	if (r.kind != ALLOC_ZSMALLOC && (r.mo.mem || r.mo.pageblock_order || r.classes ||
					 r.access != ACCESS_OBJ)) {
		opts_error("--mem, --pageblock-order, --classes and --access are for"
			   " --allocator zsmalloc only");
		return OPTS_EXIT_USAGE;
	}
	if (machine_opts_finish(&r.mo) || pool_opts_finish(&r.po))
		return OPTS_EXIT_USAGE;

	/*
	 * Before anything is allocated: this may re-execute the program.  Our
	 * argv is main()'s shifted by one (argv[-1] is "zsim"), and the new
	 * process needs the whole command line.
	 */
	if (r.kind != ALLOC_ZSMALLOC) {
		ret = alloc_malloc_ensure((enum alloc_kind)r.kind, argv - 1, "zsim replay");
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
	if (r.trace_path && trace_begin(&r)) {
		zs_destroy_pool(r.pool);
		zsim_exit();
		ret = 1;
		goto out;
	}
	if (!r.json) {
		char desc[128];
		char ver[96];

		if (r.kind == ALLOC_ZSMALLOC)
			printf("# zsim replay %s: %s, %s, %s access; %zu ops, %zu ids\n",
			       r.path, ZSIM_ZSMALLOC_NAME, pool_opts_describe(&r.po, desc, sizeof(desc)),
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
	r.rss_base = util_rss_bytes();

	ret = run(&r) ? 1 : 0;

	if (r.trace_path && trace_end(&r))
		ret = 1;
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
