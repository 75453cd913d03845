// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * zsim map: a picture of the page frame array.  Either replay a trace on
 * a zsmalloc pool up to one of its `p NAME` lines, or run a small
 * built-in workload (kernel allocations among zsmalloc objects, then most
 * objects freed), and draw every frame: free and at which buddy order,
 * zspage pages by class, slab, reserved, isolated, given back to the host;
 * each pageblock's migratetype in the margin.  --compare draws the same
 * machine again after zs_compact() and zone compaction, side by side.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "map.h"
#include "trace.h"
#include "zsim_cli.h"

struct map_opts {
	uint64_t seed;
	const char *phase;
	const char *output;
	const char *html;
	int compare;
	int png;
	int every_step;
	unsigned int zspage_class;
	int zspage_class_set;
};

static int set_class(void *ctx, const struct opt *o, const char *val)
{
	(void)o;
	(void)val;
	((struct map_opts *)ctx)->zspage_class_set = 1;
	return 0;
}

static const struct opt map_table[] = {
	{ OPT_SECTION, "Options", 0, NULL, NULL, 0, 0, 0, NULL, 0, NULL },
	{ .kind = OPT_STRING, .name = "output", .short_name = 'o', .metavar = "FILE",
	  .help = "the SVG to write (default zsim-map.svg)",
	  .offset = offsetof(struct map_opts, output) },
	{ .kind = OPT_STRING, .name = "phase", .metavar = "NAME",
	  .help = "with a TRACE: stop at its first `p NAME` line\n"
		  "(default: at its end)",
	  .offset = offsetof(struct map_opts, phase) },
	{ .kind = OPT_FLAG, .name = "compare", .flag = 1,
	  .offset = offsetof(struct map_opts, compare),
	  .help = "draw the machine before and after zs_compact() and zone\n"
		  "compaction, side by side" },
	{ .kind = OPT_STRING, .name = "html", .metavar = "FILE",
	  .help = "also write a step-through page: one HTML file,\n"
		  "offline, that plays the run step by step: the\n"
		  "frame map, buddyinfo, the classes and what\n"
		  "happened in each step",
	  .offset = offsetof(struct map_opts, html) },
	{ .kind = OPT_FLAG, .name = "every-step", .flag = 1,
	  .offset = offsetof(struct map_opts, every_step),
	  .help = "also draw each step (the steps of --html) into\n"
		  "its own FILE-stepNN.svg (and .png with --png)" },
	{ .kind = OPT_FLAG, .name = "png", .flag = 1, .offset = offsetof(struct map_opts, png),
	  .help = "also write FILE.png beside each SVG (needs\n"
		  "rsvg-convert or ImageMagick's convert)" },
	{ .kind = OPT_UINT, .name = "zspages", .metavar = "CLASS",
	  .help = "also draw the zspages of size class CLASS\n"
		  "(0..254) as chains of pages with their object\n"
		  "slots, into FILE-zspages.svg",
	  .offset = offsetof(struct map_opts, zspage_class), .min = 0, .max = 254,
	  .hook = set_class },
	{ .kind = OPT_U64, .name = "seed", .metavar = "N",
	  .help = "random seed of the machine and the built-in\n"
		  "workload (default 1)",
	  .offset = offsetof(struct map_opts, seed), .min = 0, .max = UINT64_MAX },
};

/* The steps of --html; every function takes a NULL stepper (no page). */
struct stepper {
	struct map_step *steps;
	size_t nr, cap;
	struct zs_pool *pool;
	int failed;
};

static struct map_step *step_add(struct stepper *sp, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static struct map_step *step_add(struct stepper *sp, const char *fmt, ...)
{
	char title[96];
	va_list ap;

	if (!sp || sp->failed)
		return NULL;
	if (sp->nr == sp->cap) {
		size_t cap = sp->cap ? 2 * sp->cap : 16;
		struct map_step *n = realloc(sp->steps, cap * sizeof(*n));

		if (!n) {
			sp->failed = 1;
			return NULL;
		}
		sp->steps = n;
		sp->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(title, sizeof(title), fmt, ap);
	va_end(ap);
	if (map_step_capture(&sp->steps[sp->nr], sp->pool, title)) {
		sp->failed = 1;
		return NULL;
	}
	return &sp->steps[sp->nr++];
}

#define EVENT(st, ...)	do { if (st) map_step_event((st), __VA_ARGS__); } while (0)

static void stepper_free(struct stepper *sp)
{
	for (size_t i = 0; i < sp->nr; i++)
		map_step_free(&sp->steps[i]);
	free(sp->steps);
}

static uint64_t vmstat(const char *name)
{
	uint64_t v = 0;

	zsim_vmstat_get(name, &v);
	return v;
}

static int largest_free_order(void)
{
	struct zsim_zoneinfo zi;
	int o;

	zsim_get_zoneinfo(&zi);
	for (o = ZSIM_NR_ORDERS - 1; o >= 0; o--)
		if (zi.nr_free[o])
			return o;
	return -1;
}

/* Free blocks of @order or larger, in blocks of 2^@order pages. */
static uint64_t blocks_of_order(unsigned int order)
{
	struct zsim_zoneinfo zi;
	uint64_t n = 0;

	zsim_get_zoneinfo(&zi);
	for (unsigned int o = order; o < ZSIM_NR_ORDERS; o++)
		n += zi.nr_free[o] << (o - order);
	return n;
}

struct workload {
	struct zs_pool *pool;
	unsigned long *handles;
	size_t nr_handles;
	unsigned long *pinned;		/* pfn << 4 | order */
	size_t nr_pinned;
};

static void workload_free(struct workload *w)
{
	size_t i;

	for (i = 0; i < w->nr_handles; i++)
		if (w->handles[i])
			zs_free(w->pool, w->handles[i]);
	for (i = 0; i < w->nr_pinned; i++)
		zsim_free_pages(w->pinned[i] >> 4, (unsigned int)(w->pinned[i] & 15));
	free(w->handles);
	free(w->pinned);
	w->handles = w->pinned = NULL;
	w->nr_handles = w->nr_pinned = 0;
}

/*
 * The built-in workload: fill about 70 % of memory with zsmalloc objects
 * of mixed sizes, with one small unmovable kernel allocation among every
 * 40 objects, then free 60 % of the objects at random.  With a stepper,
 * a step at the start, at each quarter of the fill and after the frees.
 */
static int run_builtin(struct workload *w, uint64_t seed, struct stepper *sp)
{
	struct zsim_zoneinfo zi;
	struct util_rng rng;
	struct map_step *st;
	size_t cap, i, nr_freed = 0, last_objs = 0, last_pinned = 0;
	uint64_t target, bytes = 0;
	unsigned int quarter = 1;

	util_rng_init(&rng, seed);
	zsim_get_zoneinfo(&zi);
	st = step_add(sp, "a fresh machine");
	EVENT(st, "%llu pages of 4 KiB in %llu pageblocks of %u pages",
	      (unsigned long long)zi.spanned_pages,
	      (unsigned long long)(zi.spanned_pages >> zi.pageblock_order),
	      1u << zi.pageblock_order);
	EVENT(st, "the largest free block is of order %d; %llu pages are free",
	      largest_free_order(), (unsigned long long)zi.free_pages);
	target = zi.managed_pages * 7 / 10;
	cap = zi.managed_pages * 8;
	w->handles = calloc(cap, sizeof(*w->handles));
	w->pinned = calloc(zi.managed_pages / 8 + 1, sizeof(*w->pinned));
	if (!w->handles || !w->pinned)
		return -ENOMEM;
	for (;;) {
		uint64_t used = zs_get_total_pages(w->pool) + w->nr_pinned * 2;
		/* compressed pages: many around 1-2 KiB, some small, a few incompressible */
		uint64_t r = util_rng_below(&rng, 100);
		size_t size = r < 10 ? 4096 : r < 30 ? 64 + util_rng_below(&rng, 448) :
			      700 + util_rng_below(&rng, 2400);
		unsigned long h;
		int done = used >= target || w->nr_handles >= cap;

		if (used >= target * quarter / 4 || done) {
			st = step_add(sp, "filling: %u/4 of the way", quarter);
			EVENT(st, "stored %zu objects (%.1f MiB) with zs_malloc(), %zu of them in"
			      " this step", w->nr_handles, (double)bytes / (1 << 20),
			      w->nr_handles - last_objs);
			EVENT(st, "made %zu small unmovable kernel allocations among them, %zu in"
			      " this step", w->nr_pinned, w->nr_pinned - last_pinned);
			EVENT(st, "the pool holds %lu pages; the largest free block is of order %d",
			      zs_get_total_pages(w->pool), largest_free_order());
			last_objs = w->nr_handles;
			last_pinned = w->nr_pinned;
			quarter++;
		}
		if (done)
			break;
		if (w->nr_handles % 40 == 39 && w->nr_pinned < zi.managed_pages / 8) {
			unsigned int order = (unsigned int)util_rng_below(&rng, 3);
			unsigned long pfn = zsim_alloc_pages(order, ZSIM_UNMOVABLE);

			if (pfn)
				w->pinned[w->nr_pinned++] = pfn << 4 | order;
		}
		h = zs_malloc(w->pool, size, ZS_GFP_NOWAIT | ZS_GFP_NOWARN, ZS_NUMA_NO_NODE);
		if (zs_is_err_handle(h))
			break;
		w->handles[w->nr_handles++] = h;
		bytes += size;
	}
	{
		unsigned long pages_before = zs_get_total_pages(w->pool);
		uint64_t live;

		for (i = 0; i < w->nr_handles; i++) {
			if (util_rng_below(&rng, 100) < 60) {
				zs_free(w->pool, w->handles[i]);
				w->handles[i] = 0;
				nr_freed++;
			}
		}
		live = w->nr_handles - nr_freed;
		st = step_add(sp, "60 %% of the objects freed");
		EVENT(st, "freed %zu of %zu objects with zs_free()", nr_freed, w->nr_handles);
		EVENT(st, "the pool went from %lu to %lu pages: a zspage goes back only when"
		      " all of its objects are gone", pages_before, zs_get_total_pages(w->pool));
		EVENT(st, "%llu objects are left, scattered over the zspages",
		      (unsigned long long)live);
	}
	return 0;
}

/* Replay @t on the pool up to the phase @phase (NULL: the end). */
static int run_trace(struct workload *w, const struct trace *t, const char *phase,
		     const char *path, struct stepper *sp)
{
	uint64_t nr_a = 0, nr_f = 0;
	struct map_step *st;
	size_t i;

	st = step_add(sp, "start of the trace");
	EVENT(st, "%s: %zu operations", path, t->nr_ops);

	w->handles = calloc(t->nr_slots ? t->nr_slots : 1, sizeof(*w->handles));
	if (!w->handles)
		return -ENOMEM;
	w->nr_handles = t->nr_slots;
	for (i = 0; i < t->nr_ops; i++) {
		const struct trace_op *op = &t->ops[i];
		unsigned long h;

		switch (op->kind) {
		case TRACE_ALLOC:
			h = zs_malloc(w->pool, op->size, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
			if (zs_is_err_handle(h)) {
				fprintf(stderr, "zsim map: %s:%u: zs_malloc(%u) failed: %s\n", path,
					op->line, op->size, strerror((int)-(long)h));
				return -ENOMEM;
			}
			w->handles[op->slot] = h;
			break;
		case TRACE_FREE:
			zs_free(w->pool, w->handles[op->slot]);
			w->handles[op->slot] = 0;
			break;
		case TRACE_COMPACT: {
			unsigned long freed = zs_compact(w->pool);

			st = step_add(sp, "line %u: zs_compact()", op->line);
			EVENT(st, "%llu allocations and %llu frees since the last step",
			      (unsigned long long)nr_a, (unsigned long long)nr_f);
			EVENT(st, "zs_compact() freed %lu pages; the pool holds %lu", freed,
			      zs_get_total_pages(w->pool));
			nr_a = nr_f = 0;
			break;
		}
		case TRACE_PHASE:
			st = step_add(sp, "line %u: p %s", op->line, t->names[op->slot]);
			EVENT(st, "%llu allocations and %llu frees since the last step",
			      (unsigned long long)nr_a, (unsigned long long)nr_f);
			EVENT(st, "the pool holds %lu pages", zs_get_total_pages(w->pool));
			nr_a = nr_f = 0;
			if (phase && !strcmp(t->names[op->slot], phase))
				return 0;
			break;
		}
		nr_a += op->kind == TRACE_ALLOC;
		nr_f += op->kind == TRACE_FREE;
	}
	st = step_add(sp, "end of the trace");
	EVENT(st, "%llu allocations and %llu frees since the last step",
	      (unsigned long long)nr_a, (unsigned long long)nr_f);
	if (phase) {
		fprintf(stderr, "zsim map: %s: no `p %s` line\n", path, phase);
		return -ENOENT;
	}
	return 0;
}

static void print_counts(const struct map_snapshot *s)
{
	printf("%s: %llu pages in %llu pageblocks:", s->title, (unsigned long long)s->nr_pages,
	       (unsigned long long)s->nr_pageblocks);
	for (unsigned int k = 0; k < MAP_NR_KINDS; k++)
		if (s->count[k])
			printf(" %s %llu;", map_kind_name(k), (unsigned long long)s->count[k]);
	printf("\n");
}

static int write_svg_file(const char *path, const struct map_snapshot *const *snaps,
			  unsigned int n, int png)
{
	FILE *f = fopen(path, "w");
	int bad;

	if (!f) {
		fprintf(stderr, "zsim map: %s: %s\n", path, strerror(errno));
		return -1;
	}
	bad = map_write_svg(f, snaps, n);
	if (fclose(f) || bad) {
		fprintf(stderr, "zsim map: %s: write failed\n", path);
		return -1;
	}
	printf("wrote %s\n", path);
	return png ? 1 : 0;
}

static int to_png(const char *svg)
{
	char png[4096];
	size_t len = strlen(svg);
	int ret;

	if (len > 4 && !strcmp(svg + len - 4, ".svg"))
		len -= 4;
	snprintf(png, sizeof(png), "%.*s.png", (int)len, svg);
	ret = map_svg_to_png(svg, png);
	if (ret == -ENOENT) {
		fprintf(stderr, "zsim map: no PNG: neither rsvg-convert nor convert is installed\n");
		return 0;
	}
	if (ret) {
		fprintf(stderr, "zsim map: %s: the conversion failed\n", png);
		return -1;
	}
	printf("wrote %s\n", png);
	return 0;
}

static int write_html(const struct map_opts *mo, const struct stepper *sp,
		      const struct zsim_config *cfg, const char *trace_path)
{
	char machine[256], size[32];
	FILE *f;
	int bad;

	if (sp->failed || !sp->nr) {
		fprintf(stderr, "zsim map: --html: out of memory while recording the steps\n");
		return -1;
	}
	snprintf(machine, sizeof(machine), "%s of simulated memory, pageblocks of %u pages;"
		 " %s; seed %llu", opts_format_size(cfg->mem_bytes, size, sizeof(size)),
		 1u << cfg->pageblock_order, trace_path ? trace_path : "the built-in workload",
		 (unsigned long long)cfg->seed);
	f = fopen(mo->html, "w");
	if (!f) {
		fprintf(stderr, "zsim map: %s: %s\n", mo->html, strerror(errno));
		return -1;
	}
	bad = map_write_html(f, "zsim: memory, step by step", machine, sp->steps, sp->nr);
	if (fclose(f) || bad) {
		fprintf(stderr, "zsim map: %s: write failed\n", mo->html);
		return -1;
	}
	printf("wrote %s (%zu steps)\n", mo->html, sp->nr);
	return 0;
}

/* --every-step: OUTPUT-stepNN.svg for each step. */
static int write_steps(const struct map_opts *mo, const struct stepper *sp)
{
	size_t len = strlen(mo->output), i;
	char path[4096];

	if (sp->failed) {
		fprintf(stderr, "zsim map: --every-step: out of memory while recording the steps\n");
		return -1;
	}
	if (len > 4 && !strcmp(mo->output + len - 4, ".svg"))
		len -= 4;
	for (i = 0; i < sp->nr; i++) {
		const struct map_snapshot *one[1] = { &sp->steps[i].snap };
		int ret;

		snprintf(path, sizeof(path), "%.*s-step%02zu.svg", (int)len, mo->output, i + 1);
		ret = write_svg_file(path, one, 1, mo->png);
		if (ret < 0 || (ret > 0 && to_png(path)))
			return -1;
	}
	return 0;
}

/* The zspage view of --zspages, into OUTPUT-zspages.svg; 0 or -1. */
static int write_zspages(const struct map_opts *mo, struct zs_pool *pool)
{
	char path[4096];
	size_t len = strlen(mo->output);
	FILE *f;
	int ret;

	if (len > 4 && !strcmp(mo->output + len - 4, ".svg"))
		len -= 4;
	snprintf(path, sizeof(path), "%.*s-zspages.svg", (int)len, mo->output);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "zsim map: %s: %s\n", path, strerror(errno));
		return -1;
	}
	ret = map_write_zspages_svg(f, pool, mo->zspage_class, 0);
	if (fclose(f) || ret == -1) {
		fprintf(stderr, "zsim map: %s: write failed\n", path);
		return -1;
	}
	if (ret == -ENOENT) {
		printf("class %u has no zspage: no %s\n", mo->zspage_class, path);
		remove(path);
		return 0;
	}
	printf("wrote %s\n", path);
	return mo->png ? to_png(path) : 0;
}

int cmd_map(int argc, char **argv)
{
	struct map_opts mo = { .seed = 1, .output = "zsim-map.svg" };
	struct machine_opts mach = { 0 };
	struct map_snapshot before, after;
	const struct map_snapshot *snaps[2] = { &before, &after };
	struct workload w = { 0 };
	struct stepper sp = { 0 };
	struct trace t = { 0 };
	struct zsim_config cfg;
	struct pool_opts po;
	const char *trace_path = NULL;
	char err[512];
	int first, ret, perr = 0, status = 0, want_steps;
	long leaked;
	const struct opt_table tables[] = {
		OPTS_TABLE(map_table, &mo),
		MACHINE_OPTS_TABLE(&mach),
		POOL_OPTS_TABLE(&po),
	};
	const struct opt_command cmd = OPTS_COMMAND(
		"zsim map", "[options] [pool options] [TRACE]",
		"Draw the page frame array of a simulated machine as an SVG: one cell per\n"
		"page, one band per pageblock with its migratetype in the margin, coloured\n"
		"by what each page is (free at which buddy order, zspage page by size class,\n"
		"slab, reserved, isolated, given back to the host), with a legend.  With a\n"
		"TRACE, replay it on a zsmalloc pool first (up to --phase); without one, run\n"
		"a built-in workload: zsmalloc objects with kernel allocations among them,\n"
		"then 60 % of the objects freed.  The machine has 64M (with a TRACE, room\n"
		"for twice its peak if that is more) unless --mem or ZSIM_MEM says otherwise.\n",
		NULL, tables);

	pool_opts_init(&po);
	ret = opts_main(&cmd, argc, argv, &first, 1);
	if (ret >= 0)
		return ret;
	if (pool_opts_finish(&po) || machine_opts_finish(&mach))
		return OPTS_EXIT_USAGE;
	if (first < argc)
		trace_path = argv[first];
	if (mo.phase && !trace_path) {
		opts_error("--phase needs a TRACE");
		return OPTS_EXIT_USAGE;
	}
	if (trace_path && trace_load(trace_path, &t, err, sizeof(err))) {
		fprintf(stderr, "zsim map: %s\n", err);
		return OPTS_EXIT_USAGE;
	}

	zsim_config_default(&cfg);
	if (zsim_config_from_env(&cfg)) {
		fprintf(stderr, "zsim map: %s\n", zsim_last_error());
		trace_free(&t);
		return OPTS_EXIT_USAGE;
	}
	if (!getenv("ZSIM_MEM")) {
		cfg.mem_bytes = 64ull << 20;
		if (trace_path) {
			/* room for the trace's peak twice over, its metadata and slack */
			uint64_t want = 2 * t.peak_live_bytes + 64 * t.peak_live_objects +
					(16ull << 20);

			want = (want + (4ull << 20) - 1) & ~((4ull << 20) - 1);
			if (want > cfg.mem_bytes)
				cfg.mem_bytes = want;
		}
	}
	if (!getenv("ZSIM_SEED"))
		cfg.seed = mo.seed;
	if (mach.mem)
		cfg.mem_bytes = mach.mem;
	if (mach.pageblock_order)
		cfg.pageblock_order = mach.pageblock_order;
	if (zsim_init(&cfg)) {
		fprintf(stderr, "zsim map: cannot boot the machine: %s\n", zsim_last_error());
		trace_free(&t);
		return OPTS_EXIT_FAILURE;
	}
	w.pool = zs_create_pool_config("map", &po.cfg, &perr);
	if (!w.pool) {
		fprintf(stderr, "zsim map: cannot create the pool: %s\n", strerror(-perr));
		zsim_exit();
		trace_free(&t);
		return OPTS_EXIT_FAILURE;
	}
	sp.pool = w.pool;
	want_steps = mo.html || mo.every_step;
	ret = trace_path ? run_trace(&w, &t, mo.phase, trace_path, want_steps ? &sp : NULL) :
			   run_builtin(&w, mo.seed, want_steps ? &sp : NULL);
	if (ret) {
		status = ret == -ENOENT ? OPTS_EXIT_USAGE : OPTS_EXIT_FAILURE;
		goto out;
	}

	ret = map_capture(&before, w.pool, mo.compare ? "before compaction" :
			  trace_path ? (mo.phase ? mo.phase : "end of the trace") :
			  "after 60 % of the objects were freed");
	if (ret) {
		fprintf(stderr, "zsim map: cannot read the frames: %s\n", strerror(-ret));
		status = OPTS_EXIT_FAILURE;
		goto out;
	}
	print_counts(&before);
	/* the zspages as they are at the phase, before any compaction */
	if (mo.zspage_class_set && write_zspages(&mo, w.pool))
		status = OPTS_EXIT_FAILURE;
	if (mo.compare || want_steps) {
		unsigned long pages = zs_get_total_pages(w.pool), freed;
		uint64_t migrated = vmstat("pgmigrate_success");
		struct map_step *st;

		uint64_t order3 = blocks_of_order(3);
		int largest = largest_free_order();

		freed = zs_compact(w.pool);
		st = step_add(want_steps ? &sp : NULL, "after zs_compact()");
		EVENT(st, "zs_compact() moved objects out of sparse zspages into fuller ones"
		      " and freed %lu of the pool's %lu pages", freed, pages);
		EVENT(st, "the freed pages stay where they were: order-3 (32 KiB) blocks"
		      " obtainable went from %llu to %llu; the largest free block is of"
		      " order %d (was %d)", (unsigned long long)order3,
		      (unsigned long long)blocks_of_order(3), largest_free_order(), largest);
		order3 = blocks_of_order(3);
		largest = largest_free_order();
		zsim_compact_memory();
		st = step_add(want_steps ? &sp : NULL, "after zone compaction");
		EVENT(st, "zone compaction migrated %llu pages to gather free memory",
		      (unsigned long long)(vmstat("pgmigrate_success") - migrated));
		EVENT(st, "order-3 blocks obtainable went from %llu to %llu; the largest free"
		      " block is of order %d (was %d)", (unsigned long long)order3,
		      (unsigned long long)blocks_of_order(3), largest_free_order(), largest);
	}
	if (mo.compare) {
		ret = map_capture(&after, w.pool, "after zs_compact() and zone compaction");
		if (ret) {
			fprintf(stderr, "zsim map: cannot read the frames: %s\n", strerror(-ret));
			map_snapshot_free(&before);
			status = OPTS_EXIT_FAILURE;
			goto out;
		}
		print_counts(&after);
	}
	ret = write_svg_file(mo.output, snaps, mo.compare ? 2 : 1, mo.png);
	if (want_steps && !sp.failed) {
		for (size_t i = 0; i < sp.nr; i++) {
			printf("step %zu: %s\n", i + 1, sp.steps[i].snap.title);
			for (size_t e = 0; e < sp.steps[i].nr_events; e++)
				printf("  %s\n", sp.steps[i].events[e]);
		}
	}
	if (ret >= 0 && mo.html && write_html(&mo, &sp, &cfg, trace_path))
		status = OPTS_EXIT_FAILURE;
	if (ret >= 0 && mo.every_step && write_steps(&mo, &sp))
		status = OPTS_EXIT_FAILURE;
	if (ret < 0 || (ret > 0 && to_png(mo.output)))
		status = OPTS_EXIT_FAILURE;

	map_snapshot_free(&before);
	if (mo.compare)
		map_snapshot_free(&after);
out:
	stepper_free(&sp);
	workload_free(&w);
	zs_destroy_pool(w.pool);
	trace_free(&t);
	leaked = zsim_exit();
	if (leaked) {
		fprintf(stderr, "zsim map: %ld pages or objects leaked\n", leaked);
		status = OPTS_EXIT_FAILURE;
	}
	return status;
}
