// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * zsim demo: a guided tour.  Boot a small machine, fragment its buddy
 * allocator with movable and unmovable allocations, then run a zram-like
 * store on zsmalloc with real compressed data: fill, free, compact.
 *
 * Every sentence that states a fact about the machine is built from the
 * numbers printed next to it (say_request(), share_words()), never
 * written in advance: "would succeed" only when a block of that order is
 * free, "most" only for a majority.  Pictures of the page frame array go
 * into a directory next to the output, and their paths are printed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <lz4.h>

#include "map.h"
#include "zsim_cli.h"

struct demo {
	uint64_t seed;
	struct util_rng rng;
	uint64_t mem;
	unsigned int pageblock_order;
	unsigned int nr_pages;		/* data pages for the zsmalloc part */
	int verbose;
	const char *pictures;		/* directory, or NULL for none */
	int no_pictures;
	int png;
	/* the step-through page: one step per picture */
	struct map_step *steps;
	size_t nr_steps;
	char *pending[8];		/* sentences for the next step */
	size_t nr_pending;
	struct zs_pool *pool;		/* the pool the pictures describe, or NULL */
	unsigned int nr_pictures;
};

/* --- output ----------------------------------------------------------------- */

static void step(const char *title)
{
	printf("\n== %s\n", title);
}

/* @text indented by two spaces, broken between words to fit 100 columns. */
static void print_wrapped(const char *text)
{
	const size_t width = 98;

	while (strlen(text) > width) {
		size_t cut = width;

		while (cut > 0 && text[cut] != ' ')
			cut--;
		if (!cut)
			break;
		printf("  %.*s\n", (int)cut, text);
		text += cut + 1;
	}
	printf("  %s\n", text);
}

/* A sentence of narration, also kept for the next picture's step. */
static void say(struct demo *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(struct demo *d, const char *fmt, ...)
{
	char *text = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	if (!text)
		return;
	print_wrapped(text);
	if (d->nr_pending < sizeof(d->pending) / sizeof(d->pending[0]))
		d->pending[d->nr_pending++] = text;
	else
		free(text);
}

/* "all", "almost all", "most" ... for @part of @whole, chosen by the ratio. */
static const char *share_words(uint64_t part, uint64_t whole)
{
	double r = whole ? (double)part / (double)whole : 0;

	if (part == whole)
		return "all";
	if (r >= 0.95)
		return "almost all";
	if (r > 0.5)
		return "most";
	if (r >= 0.45)
		return "about half";
	if (part == 0)
		return "none";
	if (r >= 0.1)
		return "some";
	return "very little";
}

/* free blocks of @order or larger, counted in blocks of 2^@order */
static uint64_t blocks_at_least(const struct zsim_zoneinfo *zi, unsigned int order)
{
	uint64_t n = 0;

	for (unsigned int o = order; o < ZSIM_NR_ORDERS; o++)
		n += zi->nr_free[o] << (o - order);
	return n;
}

static int largest_order(const struct zsim_zoneinfo *zi)
{
	for (int o = ZSIM_NR_ORDERS - 1; o >= 0; o--)
		if (zi->nr_free[o])
			return o;
	return -1;
}

/* buddyinfo on one line: "free blocks by order 0..10: 3 0 1 ..." */
static void show_buddy(struct demo *d)
{
	struct zsim_zoneinfo zi;

	zsim_get_zoneinfo(&zi);
	printf("  free blocks by order 0..10:");
	for (unsigned int o = 0; o < ZSIM_NR_ORDERS; o++)
		printf(" %llu", (unsigned long long)zi.nr_free[o]);
	printf("  (%llu pages free)\n", (unsigned long long)zi.free_pages);
	if (d->verbose) {
		printf("\n/proc/buddyinfo:\n");
		zsim_print_buddyinfo(stdout);
		printf("\n/proc/pagetypeinfo:\n");
		zsim_print_pagetypeinfo(stdout);
		printf("\n/sys/kernel/debug/extfrag/unusable_index:\n");
		zsim_print_unusable_index(stdout);
		printf("\n/sys/kernel/debug/extfrag/extfrag_index:\n");
		zsim_print_extfrag_index(stdout);
		printf("\n");
	}
}

/*
 * Can an order-@order request be served from the free lists right now?
 * Said from the free lists, with the unusable and extfrag indexes that
 * debugfs would show, worded so that the three never contradict each
 * other: the extfrag index is -1 exactly when a block is free.
 */
static void say_request(struct demo *d, unsigned int order)
{
	struct zsim_zoneinfo zi;
	int unusable = zsim_unusable_index(order), extfrag = zsim_extfrag_index(order);
	uint64_t blocks;

	zsim_get_zoneinfo(&zi);
	blocks = blocks_at_least(&zi, order);
	if (blocks) {
		say(d, "An order-%u (%u KiB) request would succeed: %llu such blocks are free"
		    " (extfrag index %.3f).", order, 4u << order, (unsigned long long)blocks,
		    extfrag / 1000.0);
		say(d, "Still, %.1f%% of free memory sits in smaller pieces (unusable index"
		    " %.3f).", unusable / 10.0, unusable / 1000.0);
	} else {
		say(d, "An order-%u (%u KiB) request would fail: no free block is that large"
		    " (extfrag index %.3f: %s).", order, 4u << order, extfrag / 1000.0,
		    extfrag >= 500 ? "from fragmentation, not lack of memory" :
		    "from lack of memory more than fragmentation");
		say(d, "%.1f%% of free memory sits in smaller pieces (unusable index %.3f).",
		    unusable / 10.0, unusable / 1000.0);
	}
}

/* --- pictures ---------------------------------------------------------------- */

static void picture(struct demo *d, const char *name, const char *title)
{
	struct map_step st;
	const struct map_snapshot *one[1];
	char path[4096];
	FILE *f;
	int bad;

	if (!d->pictures)
		goto drop;
	if (map_step_capture(&st, d->pool, title))
		goto drop;
	for (size_t i = 0; i < d->nr_pending; i++)
		map_step_event(&st, "%s", d->pending[i]);
	one[0] = &st.snap;
	snprintf(path, sizeof(path), "%s/%02u-%s.svg", d->pictures, ++d->nr_pictures, name);
	f = fopen(path, "w");
	bad = !f || map_write_svg(f, one, 1);
	if (f && fclose(f))
		bad = 1;
	if (bad) {
		printf("  (could not write %s)\n", path);
	} else {
		printf("  picture: %s\n", path);
		if (d->png) {
			char png[4096];

			snprintf(png, sizeof(png), "%.*s.png", (int)(strlen(path) - 4), path);
			if (map_svg_to_png(path, png) == -ENOENT)
				d->png = 0;	/* no converter: SVG only, said at the end */
		}
	}
	{
		struct map_step *n = realloc(d->steps, (d->nr_steps + 1) * sizeof(*n));

		if (n) {
			d->steps = n;
			d->steps[d->nr_steps++] = st;
		} else {
			map_step_free(&st);
		}
	}
drop:
	for (size_t i = 0; i < d->nr_pending; i++)
		free(d->pending[i]);
	d->nr_pending = 0;
}

static void write_step_page(struct demo *d)
{
	char path[4096], machine[160], size[32];
	FILE *f;
	int bad;

	if (!d->pictures || !d->nr_steps)
		return;
	snprintf(path, sizeof(path), "%s/steps.html", d->pictures);
	snprintf(machine, sizeof(machine), "zsim demo: %s of simulated memory, pageblocks of"
		 " %u pages, seed %llu", opts_format_size(d->mem, size, sizeof(size)),
		 1u << d->pageblock_order, (unsigned long long)d->seed);
	f = fopen(path, "w");
	bad = !f || map_write_html(f, "zsim demo, step by step", machine, d->steps,
				   d->nr_steps);
	if (f && fclose(f))
		bad = 1;
	printf(bad ? "  (could not write %s)\n" : "  step-through page: %s (open it in a browser)\n",
	       path);
}

/* --- part 1: the buddy allocator ------------------------------------------ */

struct block {
	unsigned long pfn;
	unsigned int order;
	enum zsim_migratetype type;
};

/* Pageblocks holding unmovable pages, movable pages, and both. */
static void count_mixing(uint64_t *with_u, uint64_t *with_m, uint64_t *both)
{
	struct zsim_page_info pi = { .size = sizeof(pi) };
	uint64_t start, end, pfn, pb = 0, nr_pb;
	unsigned char *u, *m;

	struct zsim_zoneinfo zi;

	*with_u = *with_m = *both = 0;
	zsim_pfn_range(&start, &end);
	zsim_get_zoneinfo(&zi);
	nr_pb = ((end - start) >> zi.pageblock_order) + 1;
	u = calloc(nr_pb, 1);
	m = calloc(nr_pb, 1);
	if (!u || !m) {
		free(u);
		free(m);
		return;
	}
	for (pfn = start; pfn < end; pfn++) {
		if (zsim_page_info(pfn, &pi) || pi.owner == ZSIM_PAGE_FREE)
			continue;
		pb = pi.pageblock;
		if (pi.owner == ZSIM_PAGE_PINNED && pi.alloc_mt == ZSIM_MOVABLE)
			m[pb] = 1;
		else if (pi.owner == ZSIM_PAGE_MOVABLE_OPS)
			m[pb] = 1;
		else
			u[pb] = 1;
	}
	for (pb = 0; pb < nr_pb; pb++) {
		*with_u += u[pb];
		*with_m += m[pb];
		*both += u[pb] && m[pb];
	}
	free(u);
	free(m);
}

static int fragment(struct demo *d, struct block **blocksp, size_t *nrp)
{
	struct zsim_zoneinfo zi;
	struct block *blocks;
	size_t nr = 0, cap, i;
	uint64_t target, used = 0, freed = 0, movable = 0, nr_u = 0;
	uint64_t with_u, with_m, both;

	zsim_get_zoneinfo(&zi);
	cap = zi.managed_pages;
	blocks = calloc(cap, sizeof(*blocks));
	if (!blocks)
		return -ENOMEM;

	step("1. A fresh machine");
	say(d, "%llu MiB of simulated memory: %llu pages of 4 KiB, in pageblocks of %u pages.",
	    (unsigned long long)(d->mem >> 20), (unsigned long long)zi.managed_pages,
	    1u << zi.pageblock_order);
	say(d, "Of the %llu free pages, %s are in blocks of the largest order (10, 4 MiB).",
	    (unsigned long long)zi.free_pages, share_words(zi.nr_free[10] << 10, zi.free_pages));
	show_buddy(d);
	picture(d, "fresh", "a fresh machine");

	step("2. Fill 80% with movable and unmovable allocations");
	say(d, "Movable single pages stand for user data; unmovable blocks of 1 to 4 pages"
	    " stand for kernel objects.");
	target = zi.managed_pages * 8 / 10;
	while (used < target && nr < cap) {
		struct block *b = &blocks[nr];
		unsigned long pfn;

		if (util_rng_below(&d->rng, 100) < 75) {
			b->type = ZSIM_MOVABLE;
			b->order = 0;
		} else {
			b->type = ZSIM_UNMOVABLE;
			b->order = (unsigned int)util_rng_below(&d->rng, 3);
			nr_u++;
		}
		pfn = zsim_alloc_pages(b->order, b->type);
		if (!pfn)
			break;
		b->pfn = pfn;
		used += 1u << b->order;
		nr++;
	}
	count_mixing(&with_u, &with_m, &both);
	zsim_get_zoneinfo(&zi);
	say(d, "Allocated %zu blocks (%llu unmovable), %llu pages.", nr,
	    (unsigned long long)nr_u, (unsigned long long)used);
	say(d, "Unmovable pages sit in %llu of %llu pageblocks, movable ones in %llu;"
	    " %llu pageblocks hold both.", (unsigned long long)with_u,
	    (unsigned long long)(zi.spanned_pages >> zi.pageblock_order),
	    (unsigned long long)with_m, (unsigned long long)both);
	say(d, "Grouping by mobility keeps each kind in pageblocks of its own type when it can.");
	show_buddy(d);
	picture(d, "filled", "80% allocated");

	step("3. Free 60% of the movable pages and half of the unmovable ones");
	for (i = 0; i < nr; i++) {
		struct block *b = &blocks[i];
		unsigned int pct = b->type == ZSIM_MOVABLE ? 60 : 50;

		if (util_rng_below(&d->rng, 100) < pct) {
			zsim_free_pages(b->pfn, b->order);
			freed += 1u << b->order;
			b->pfn = 0;
		} else if (b->type == ZSIM_MOVABLE) {
			movable++;
		}
	}
	zsim_get_zoneinfo(&zi);
	say(d, "Freed %llu pages: %llu of %llu pages are free, in holes between the rest.",
	    (unsigned long long)freed, (unsigned long long)zi.free_pages,
	    (unsigned long long)zi.managed_pages);
	show_buddy(d);
	say_request(d, 3);
	say(d, "%llu movable pages are still in place: compaction could move them.",
	    (unsigned long long)movable);
	picture(d, "holes", "after the frees");
	*blocksp = blocks;
	*nrp = nr;
	return 0;
}

static void release_blocks(struct demo *d, struct block *blocks, size_t nr)
{
	struct zsim_zoneinfo zi;

	step("4. Free everything: buddies merge back");
	for (size_t i = 0; i < nr; i++)
		if (blocks[i].pfn)
			zsim_free_pages(blocks[i].pfn, blocks[i].order);
	free(blocks);
	zsim_get_zoneinfo(&zi);
	say(d, "Each freed block merged with its free buddy, order after order.");
	say(d, "Of the %llu free pages, %s are in blocks of the largest order again.",
	    (unsigned long long)zi.free_pages, share_words(zi.nr_free[10] << 10, zi.free_pages));
	show_buddy(d);
}

/* --- part 2: zsmalloc --------------------------------------------------------- */

/*
 * The classes holding most pages, a few rows; --verbose prints debugfs's
 * whole "classes" table.  Returns the class with most zspages, huge ones
 * aside (one object a page has nothing to show).
 */
static unsigned int show_classes(struct demo *d, struct zs_pool *pool)
{
	struct zs_pool_snapshot *snap = calloc(1, sizeof(*snap));
	unsigned int best = 0, used = 0, shown = 0, top[5] = { 0 };
	uint64_t best_zspages = 0, freeable = 0;

	if (!snap)
		return 0;
	snap->size = sizeof(*snap);
	zs_pool_snapshot(pool, snap);
	/* the five classes with most pages, largest first */
	for (unsigned int k = 0; k < 5; k++) {
		uint64_t most = 0;

		for (unsigned int c = 0; c < snap->nr_classes; c++) {
			bool taken = false;

			for (unsigned int j = 0; j < k; j++)
				taken |= top[j] == c + 1;
			if (!taken && snap->classes[c].pages_used > most) {
				most = snap->classes[c].pages_used;
				top[k] = c + 1;
			}
		}
	}
	for (unsigned int c = 0; c < snap->nr_classes; c++) {
		uint64_t zspages = 0;

		for (unsigned int g = 0; g < snap->nr_groups; g++)
			zspages += snap->classes[c].zspages[g];
		used += zspages > 0;
		freeable += snap->classes[c].freeable;
		if (zspages > best_zspages && !snap->classes[c].huge) {
			best_zspages = zspages;
			best = snap->classes[c].index;
		}
	}
	printf("  %u classes in use; the ones with most pages:\n", used);
	printf("    %5s %5s %6s %9s %9s %6s %8s\n", "class", "size", "pages", "objects",
	       "slots", "used", "freeable");
	for (unsigned int k = 0; k < 5 && top[k]; k++) {
		const struct zs_class_stats *cs = &snap->classes[top[k] - 1];

		printf("    %5u %5u %6llu %9llu %9llu %5.1f%% %8llu\n", cs->index, cs->size,
		       (unsigned long long)cs->pages_used, (unsigned long long)cs->obj_used,
		       (unsigned long long)cs->obj_allocated,
		       cs->obj_allocated ? 100.0 * cs->obj_used / cs->obj_allocated : 0.0,
		       (unsigned long long)cs->freeable);
		shown++;
	}
	printf("    (all classes: %llu pages compaction could free)\n",
	       (unsigned long long)freeable);
	if (d->verbose) {
		printf("\n/sys/kernel/debug/zsmalloc/demo/classes:\n");
		zs_print_classes(pool, stdout);
	}
	free(snap);
	return best;
}

struct stored {
	unsigned long handle;
	uint32_t len;		/* compressed length, or 4096 when stored raw */
	uint32_t page;		/* which input page */
	bool freed;		/* freed in step 6 */
};

static size_t load_pages(struct demo *d, char **datap)
{
	static const char *const files[] = {
		"/proc/self/exe",
		"/usr/lib/x86_64-linux-gnu/libc.so.6",
		"/usr/bin/cmake",
		"/usr/bin/gcc-12",
		"/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
		"/usr/share/dict/words",
	};
	size_t want = (size_t)d->nr_pages * ZSIM_PAGE_SIZE, have = 0;
	char *data = calloc(1, want);

	if (!data)
		return 0;
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]) && have < want; f++) {
		int fd = open(files[f], O_RDONLY);
		ssize_t r;

		if (fd < 0)
			continue;
		while (have < want && (r = read(fd, data + have, want - have)) > 0)
			have += (size_t)r;
		close(fd);
	}
	/* pad with seeded, text-like bytes if the files ran short */
	for (; have < want; have++)
		data[have] = "etaoin shrdlu\n"[util_rng_below(&d->rng, 14)];
	*datap = data;
	return d->nr_pages;
}

static double density(uint64_t bytes, unsigned long pages)
{
	return pages ? 100.0 * (double)bytes / (pages * 4096.0) : 0.0;
}

static void show_density(struct demo *d, struct zs_pool *pool, uint64_t bytes)
{
	unsigned long pages = zs_get_total_pages(pool);

	/* free page reporting runs after a delay: let RSS catch up first */
	zsim_report_free_pages();
	say(d, "%llu bytes in %lu pages: density %.1f%%; the process's RSS is %.1f MiB.",
	    (unsigned long long)bytes, pages, density(bytes, pages), util_rss_bytes() / 1048576.0);
}

/*
 * The same objects, the same frees and zs_compact() on a Linux 4.8 pool
 * (chain 4, four fullness groups and their compaction).
 */
static void compare_linux_4_8(struct demo *d, const struct stored *objs, size_t nr,
			      uint64_t live, double newest)
{
	struct zs_pool_config cfg;
	struct zs_pool *pool;
	unsigned long *h = calloc(nr, sizeof(*h));
	unsigned long before, after;
	double old;
	size_t i;

	step("11. The same compaction on a Linux 4.8 pool");
	zs_pool_config_init(&cfg, ZS_PRESET_LINUX_4_8);
	pool = zs_create_pool_config("demo-4.8", &cfg, NULL);
	if (!pool || !h) {
		free(h);
		zs_destroy_pool(pool);
		return;
	}
	for (i = 0; i < nr; i++) {
		h[i] = zs_malloc(pool, objs[i].len, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
		if (zs_is_err_handle(h[i])) {
			say(d, "(The Linux 4.8 pool ran out of memory after %zu objects.)", i);
			nr = i;
			break;
		}
	}
	for (i = 0; i < nr; i++) {
		if (objs[i].freed) {
			zs_free(pool, h[i]);
			h[i] = 0;
		}
	}
	before = zs_get_total_pages(pool);
	zs_compact(pool);
	after = zs_get_total_pages(pool);
	old = density(live, after);
	say(d, "Linux 4.8's pool (4-page zspages, 4 fullness groups): density %.1f%% -> %.1f%%"
	    " (%lu -> %lu pages).", density(live, before), old, before, after);
	say(d, "The newest pool ended at %.1f%%: %s.", newest,
	    newest > old + 0.05 ? "higher" : newest < old - 0.05 ? "lower" : "the same");
	for (i = 0; i < nr; i++)
		if (h[i])
			zs_free(pool, h[i]);
	zs_destroy_pool(pool);
	free(h);
}

static uint64_t vm(const char *name)
{
	uint64_t v = 0;

	zsim_vmstat_get(name, &v);
	return v;
}

/*
 * How many blocks of @order can be had, GFP_KERNEL style (direct
 * compaction when the free lists run dry, if it is on)?  Allocate until
 * the first failure, then give them all back.
 */
static int count_high_order(unsigned int order)
{
	static unsigned long pfns[4096];
	int n = 0;

	while (n < 4096 && (pfns[n] = zsim_alloc_pages_flags(order, ZSIM_MOVABLE,
							     ZSIM_ALLOC_KERNEL)))
		n++;
	for (int i = 0; i < n; i++)
		zsim_free_pages(pfns[i], order);
	return n;
}

static void zone_compaction_step(struct demo *d)
{
	uint64_t migrated = vm("pgmigrate_success");
	uint64_t stalls = vm("compact_stall");
	uint64_t rss, rss_now;
	struct zsim_zoneinfo zi;
	int off, on, before;

	zsim_report_free_pages();
	rss = util_rss_bytes();

	step("9. Zone compaction: the kernel moves zsmalloc's pages");
	say(d, "zsmalloc's pages are movable: the kernel can isolate a zspage page, copy it and"
	    " have zsmalloc fix the handles.");
	zsim_get_zoneinfo(&zi);
	before = largest_order(&zi);
	zsim_set_compaction(false);
	off = count_high_order(3);
	zsim_set_compaction(true);
	on = count_high_order(3);
	say(d, "Order-3 blocks a GFP_KERNEL caller gets one after another: %d with compaction"
	    " off, %d with it on (%llu pages migrated).", off, on,
	    (unsigned long long)(vm("pgmigrate_success") - migrated));
	say(d, "Direct compaction stalled the caller %llu times to get %s.",
	    (unsigned long long)(vm("compact_stall") - stalls),
	    on > off ? "the extra blocks" : "them");
	migrated = vm("pgmigrate_success");
	zsim_compact_memory();
	zsim_get_zoneinfo(&zi);
	say(d, "Compacting the whole zone migrated %llu pages more; the largest free block is"
	    " of order %d (was %d).", (unsigned long long)(vm("pgmigrate_success") - migrated),
	    largest_order(&zi), before);
	show_buddy(d);
	zsim_report_free_pages();
	rss_now = util_rss_bytes();
	say(d, "RSS %.1f MiB (was %.1f): %s.", rss_now / 1048576.0, rss / 1048576.0,
	    rss_now < rss ? "free page reporting gave back frames that moving pages emptied" :
	    "moving pages frees none, so reporting had nothing more to give back");
	picture(d, "zone-compacted", "after zone compaction");
}

/*
 * The pageblock-aligned range of @nr pages holding the most zspage pages
 * and nothing that cannot move; 0 if none.  *@zspage_pages: how many.
 */
static uint64_t busiest_movable_range(uint64_t nr, uint64_t *zspage_pages)
{
	struct zsim_page_info info = { .size = sizeof(info) };
	uint64_t start, end, base, pfn, best = 0, most = 0, n;
	struct zsim_config cfg;

	if (zsim_pfn_range(&start, &end) || zsim_get_config(&cfg))
		return 0;
	for (base = (start + nr - 1) / nr * nr; base + nr <= end; base += nr) {
		for (pfn = base, n = 0; pfn < base + nr; pfn++) {
			if (zsim_page_info(pfn, &info) ||
			    (info.owner != ZSIM_PAGE_FREE && info.owner != ZSIM_PAGE_MOVABLE_OPS))
				break;
			n += info.owner == ZSIM_PAGE_MOVABLE_OPS;
		}
		if (pfn == base + nr && n > most) {
			most = n;
			best = base;
		}
	}
	*zspage_pages = most;
	return best;
}

static void contig_range_step(struct demo *d)
{
	uint64_t nr, base = 0, zspage_pages = 0, migrated;
	struct zsim_config cfg;
	int off, on;

	step("8. A contiguous range, as CMA takes it");
	if (zsim_get_config(&cfg))
		return;
	/* the largest range of up to 8 pageblocks that nothing pins */
	for (nr = 8ull << cfg.pageblock_order; nr >= 1ull << cfg.pageblock_order; nr /= 2)
		if ((base = busiest_movable_range(nr, &zspage_pages)))
			break;
	if (!base) {
		say(d, "Every pageblock holds a page that cannot move: no range to take.");
		return;
	}
	say(d, "A device driver wants %llu MiB of physically contiguous memory: pfns %#llx to"
	    " %#llx, where %llu of the %llu pages are zspage pages and nothing is pinned.",
	    (unsigned long long)(nr * ZSIM_PAGE_SIZE >> 20), (unsigned long long)base,
	    (unsigned long long)(base + nr - 1), (unsigned long long)zspage_pages,
	    (unsigned long long)nr);
	migrated = vm("pgmigrate_success");
	zsim_set_compaction(false);
	off = zsim_alloc_contig_range(base, nr);
	zsim_set_compaction(true);
	if (!off)
		zsim_free_contig_range(base, nr);
	say(d, "With page migration off, zsim_alloc_contig_range() %s%s%s.",
	    off ? "fails (" : "succeeds", off ? zsim_page_error() : "", off ? ")" : "");
	on = zsim_alloc_contig_range(base, nr);
	say(d, "With it on, it %s: the range's pageblocks were isolated and %llu pages migrated"
	    " out of it%s.", on ? "fails too" : "succeeds",
	    (unsigned long long)(vm("pgmigrate_success") - migrated),
	    on ? "" : "; the handles of the objects on them did not change");
	if (!on)
		zsim_free_contig_range(base, nr);
}

#define MAX_PINNED 4096

static int zsmalloc_part(struct demo *d)
{
	struct zs_pool *pool;
	struct zs_zram_stat zram = { 0 };
	struct stored *objs;
	struct zsim_zoneinfo zi;
	unsigned long pinned[MAX_PINNED];
	size_t nr_pinned = 0;
	char *data = NULL, *cbuf, *dbuf;
	size_t nr_pages, nr_objs = 0, i, nr_freed = 0;
	uint64_t stored_bytes = 0, live = 0;
	unsigned long freed_pages, pages_full, pages_after_free;
	size_t huge_limit;
	unsigned int busiest;
	double newest;
	int bad = 0;

	nr_pages = load_pages(d, &data);
	objs = calloc(nr_pages, sizeof(*objs));
	cbuf = malloc(LZ4_compressBound(ZSIM_PAGE_SIZE));
	dbuf = malloc(ZSIM_PAGE_SIZE);
	if (!nr_pages || !objs || !cbuf || !dbuf) {
		fprintf(stderr, "zsim demo: out of memory\n");
		free(data); free(objs); free(cbuf); free(dbuf);
		return 1;
	}

	step("5. zsmalloc: a zram-like store of real compressed pages");
	pool = zs_create_pool("demo");
	if (!pool) {
		fprintf(stderr, "zsim demo: cannot create a pool\n");
		free(data); free(objs); free(cbuf); free(dbuf);
		return 1;
	}
	d->pool = pool;
	huge_limit = zs_huge_class_size(pool);
	zsim_get_zoneinfo(&zi);
	say(d, "Pages of program files, each compressed with lz4 as zram would; pages of one"
	    " repeated byte");
	say(d, "are not stored, pages that compress to %zu bytes or more are stored whole.",
	    huge_limit);
	say(d, "Storing stops when the pool holds 70%% of memory; one unmovable page is"
	    " pinned every 64 objects.");
	for (i = 0; i < nr_pages && zs_get_total_pages(pool) < zi.managed_pages * 7 / 10; i++) {
		const char *page = data + i * ZSIM_PAGE_SIZE;
		int clen;
		size_t j;
		const char *src;

		for (j = 1; j < ZSIM_PAGE_SIZE && page[j] == page[0]; j++)
			;
		zram.orig_data_size += ZSIM_PAGE_SIZE;
		if (j == ZSIM_PAGE_SIZE) {
			zram.same_pages++;
			continue;
		}
		clen = LZ4_compress_default(page, cbuf, ZSIM_PAGE_SIZE,
					    LZ4_compressBound(ZSIM_PAGE_SIZE));
		src = cbuf;
		if (clen <= 0 || (size_t)clen >= huge_limit) {
			clen = ZSIM_PAGE_SIZE;
			src = page;
			zram.huge_pages++;
			zram.huge_pages_since++;
		}
		objs[nr_objs].handle = zs_malloc(pool, clen, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
		if (zs_is_err_handle(objs[nr_objs].handle)) {
			fprintf(stderr, "zsim demo: zs_malloc(%d): error %ld\n", clen,
				zs_handle_errno(objs[nr_objs].handle));
			break;
		}
		zs_obj_write(pool, objs[nr_objs].handle, (void *)src, clen);
		objs[nr_objs].len = clen;
		objs[nr_objs].page = i;
		stored_bytes += clen;
		nr_objs++;
		if (nr_objs % 64 == 0 && nr_pinned < MAX_PINNED)
			pinned[nr_pinned++] = zsim_alloc_pages(0, ZSIM_UNMOVABLE);
	}
	zram.orig_data_size -= zram.same_pages * ZSIM_PAGE_SIZE;
	zram.compr_data_size = stored_bytes;
	say(d, "Stored %zu objects from %zu pages (%llu repeated-byte pages skipped, %llu"
	    " stored whole).", nr_objs, i, (unsigned long long)zram.same_pages,
	    (unsigned long long)zram.huge_pages);
	show_density(d, pool, stored_bytes);
	show_classes(d, pool);
	if (d->verbose) {
		printf("\nmm_stat (orig compr mem_used limit mem_max same compacted huge"
		       " huge_since):\n");
		zs_print_mm_stat(pool, &zram, stdout);
	}
	pages_full = zs_get_total_pages(pool);
	picture(d, "stored", "zsmalloc pool filled");

	step("6. Free a random 60% of the objects");
	live = stored_bytes;
	for (i = 0; i < nr_objs; i++) {
		if (util_rng_below(&d->rng, 100) < 60) {
			live -= objs[i].len;
			if (objs[i].len == ZSIM_PAGE_SIZE)
				zram.huge_pages--;
			zs_free(pool, objs[i].handle);
			objs[i].handle = 0;
			objs[i].freed = true;
			nr_freed++;
		}
	}
	zram.compr_data_size = live;
	pages_after_free = zs_get_total_pages(pool);
	say(d, "Freed %zu of %zu objects (%.0f%% of the bytes), but the pool went only from"
	    " %lu to %lu pages:", nr_freed, nr_objs,
	    100.0 * (double)(stored_bytes - live) / (double)stored_bytes, pages_full,
	    pages_after_free);
	say(d, "a zspage goes back only when its last object is freed, and %s of the pool's"
	    " pages stayed.", share_words(pages_after_free, pages_full));
	show_density(d, pool, live);
	busiest = show_classes(d, pool);
	picture(d, "freed", "60% of the objects freed");
	if (d->pictures) {
		char path[4096];
		int failed = 1;
		FILE *f;

		snprintf(path, sizeof(path), "%s/%02u-zspages-class-%u.svg", d->pictures,
			 ++d->nr_pictures, busiest);
		f = fopen(path, "w");
		if (f) {
			failed = map_write_zspages_svg(f, pool, busiest, 48) != 0;
			failed |= fclose(f) != 0;
		}
		if (!failed) {
			printf("  picture: %s (class %u's zspages: used and free slots)\n", path,
			       busiest);
			if (d->png) {
				char png[4096];

				snprintf(png, sizeof(png), "%.*s.png", (int)(strlen(path) - 4), path);
				map_svg_to_png(path, png);
			}
		}
	}

	step("7. zs_compact(): move objects out of sparse zspages");
	freed_pages = zs_compact(pool);
	say(d, "zs_compact() freed %lu pages by moving objects into fuller zspages of their"
	    " class;", freed_pages);
	say(d, "each moved object kept its handle: zsmalloc rewrote the one word it points to.");
	show_density(d, pool, live);
	newest = density(live, zs_get_total_pages(pool));
	show_classes(d, pool);
	if (d->verbose) {
		printf("\nmm_stat:\n");
		zs_print_mm_stat(pool, &zram, stdout);
	}
	say(d, "The freed pages lie where they were, between zspages that live on:");
	show_buddy(d);
	say_request(d, 3);
	picture(d, "compacted", "after zs_compact()");

	contig_range_step(d);
	zone_compaction_step(d);

	step("10. Read everything back");
	for (i = 0; i < nr_objs; i++) {
		const char *page = data + objs[i].page * ZSIM_PAGE_SIZE;
		char *p;

		if (!objs[i].handle)
			continue;
		p = zs_obj_read_begin(pool, objs[i].handle, objs[i].len, cbuf);
		if (objs[i].len == ZSIM_PAGE_SIZE) {
			bad += memcmp(p, page, ZSIM_PAGE_SIZE) != 0;
		} else {
			int n = LZ4_decompress_safe(p, dbuf, objs[i].len, ZSIM_PAGE_SIZE);

			bad += n != ZSIM_PAGE_SIZE || memcmp(dbuf, page, ZSIM_PAGE_SIZE) != 0;
		}
		zs_obj_read_end(pool, objs[i].handle, objs[i].len, p);
		zs_free(pool, objs[i].handle);
	}
	say(d, "%zu live objects, moved by zs_compact() and by page migration: %s.",
	    nr_objs - nr_freed, bad ? "SOME DID NOT decompress to their page" :
	    "every one decompressed to its original page");
	d->pool = NULL;
	zs_destroy_pool(pool);
	compare_linux_4_8(d, objs, nr_objs, live, newest);
	for (i = 0; i < nr_pinned; i++)
		if (pinned[i])
			zsim_free_pages(pinned[i], 0);
	free(data); free(objs); free(cbuf); free(dbuf);
	return bad ? 1 : 0;
}

static const struct opt demo_table[] = {
	{ OPT_SECTION, "Options", 0, NULL, NULL, 0, 0, 0, NULL, 0, NULL },
	{ .kind = OPT_U64, .name = "seed", .metavar = "N", .offset = offsetof(struct demo, seed),
	  .min = 0, .max = UINT64_MAX, .help = "seed for every random choice (default 1)" },
	{ .kind = OPT_UINT, .name = "pages", .metavar = "N", .offset = offsetof(struct demo, nr_pages),
	  .min = 1, .max = 1u << 20, .help = "data pages read for step 5, at most (default 8192)" },
	{ .kind = OPT_FLAG, .name = "verbose", .short_name = 'v', .flag = 1,
	  .offset = offsetof(struct demo, verbose),
	  .help = "also print the kernel's full tables: buddyinfo, pagetypeinfo,\n"
		  "the extfrag indexes, debugfs classes and mm_stat" },
	{ .kind = OPT_STRING, .name = "pictures", .metavar = "DIR",
	  .offset = offsetof(struct demo, pictures),
	  .help = "write the pictures (SVG, PNG when a converter is\n"
		  "installed) and steps.html there (default zsim-demo)" },
	{ .kind = OPT_FLAG, .name = "no-pictures", .flag = 1,
	  .offset = offsetof(struct demo, no_pictures), .help = "write no picture" },
	{ OPT_SECTION, "Machine options (default: 32M, pageblock order 9)",
	  0, NULL, NULL, 0, 0, 0, NULL, 0, NULL },
};

int cmd_demo(int argc, char **argv)
{
	struct demo d = { .seed = 1, .nr_pages = 8192, .pictures = "zsim-demo", .png = 1 };
	struct machine_opts mo = { .mem = 32ULL << 20, .pageblock_order = 9 };
	struct zsim_config cfg;
	struct block *blocks = NULL;
	size_t nr = 0;
	long leaked;
	int err, ret, first;
	const struct opt_table tables[] = {
		OPTS_TABLE(demo_table, &d),
		MACHINE_OPTS_TABLE(&mo),
	};
	const struct opt_command cmd = OPTS_COMMAND(
		"zsim demo", "[--seed N] [--pages N] [--verbose] [--pictures DIR] [--mem SIZE]"
		" [--pageblock-order N]",
		"A guided run: fragment the buddy allocator of a small simulated machine,\n"
		"then store real lz4-compressed pages in a zsmalloc pool, free some and\n"
		"compact, explaining each step from its numbers, with pictures of memory.\n",
		NULL, tables);

	ret = opts_main(&cmd, argc, argv, &first, 0);
	if (ret >= 0)
		return ret;
	ret = 0;
	if (machine_opts_finish(&mo))
		return OPTS_EXIT_USAGE;
	d.mem = mo.mem;
	d.pageblock_order = mo.pageblock_order;
	if (d.no_pictures)
		d.pictures = NULL;
	if (d.pictures && mkdir(d.pictures, 0777) && errno != EEXIST) {
		fprintf(stderr, "zsim demo: --pictures: %s: %s\n", d.pictures, strerror(errno));
		return OPTS_EXIT_FAILURE;
	}
	util_rng_init(&d.rng, d.seed);

	zsim_config_default(&cfg);
	cfg.mem_bytes = d.mem;
	cfg.pageblock_order = d.pageblock_order;
	cfg.seed = d.seed;
	err = zsim_init(&cfg);
	if (err) {
		fprintf(stderr, "zsim demo: cannot boot the machine: %s\n", zsim_last_error());
		return OPTS_EXIT_FAILURE;
	}
	printf("zsim demo, seed %llu%s\n", (unsigned long long)d.seed,
	       d.verbose ? "" : " (--verbose for the kernel's full tables)");

	if (fragment(&d, &blocks, &nr)) {
		zsim_exit();
		return 1;
	}
	release_blocks(&d, blocks, nr);
	ret = zsmalloc_part(&d);

	step("12. Shut down");
	leaked = zsim_exit();
	printf("  zsim_exit(): %ld pages or objects leaked\n", leaked);
	write_step_page(&d);
	if (d.pictures && !d.png)
		printf("  (SVG only: install rsvg-convert or ImageMagick for PNGs)\n");
	for (size_t i = 0; i < d.nr_steps; i++)
		map_step_free(&d.steps[i]);
	free(d.steps);
	for (size_t i = 0; i < d.nr_pending; i++)
		free(d.pending[i]);
	return ret || leaked ? 1 : 0;
}
