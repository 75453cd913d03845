// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Pictures of memory: zsim_page_info() and zs_zspage_info() report known
 * page states exactly; the frame map has one cell per page of machines
 * of several sizes and pageblock orders, and every cell's colour is the
 * legend's colour for what the page is; the zspage view draws every
 * zspage of a class and every used slot.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_helpers.h"
#include <zsmalloc/zsmalloc.h>
#include "map.h"

/* --- reading the SVG back ----------------------------------------------------- */

struct svg {
	char *text;
	size_t len;
};

static void svg_render(struct svg *svg, const struct map_snapshot *const *snaps, unsigned int n)
{
	FILE *f = open_memstream(&svg->text, &svg->len);

	assert_non_null(f);
	assert_int_equal(map_write_svg(f, snaps, n), 0);
	assert_int_equal(fclose(f), 0);
}

/* The value of attribute @name in the element starting at @line, or NULL. */
static const char *attr(const char *line, const char *name, char *buf, size_t len)
{
	const char *end = strchr(line, '\n');
	char key[64];
	const char *p, *q;

	snprintf(key, sizeof(key), " %s=\"", name);
	p = strstr(line, key);
	if (!p || (end && p > end))
		return NULL;
	p += strlen(key);
	q = strchr(p, '"');
	if (!q || (size_t)(q - p) >= len)
		return NULL;
	memcpy(buf, p, (size_t)(q - p));
	buf[q - p] = '\0';
	return buf;
}

struct cell_rect {
	uint64_t pfn, n;
	char fill[32];
	char kind[32];
};

/* Every cell rect of the first snapshot in @svg; returns how many. */
static size_t svg_cells(const struct svg *svg, struct cell_rect **out)
{
	size_t nr = 0, cap = 1024;
	struct cell_rect *r = malloc(cap * sizeof(*r));
	const char *line = svg->text, *second;
	char buf[32];

	assert_non_null(r);
	/* only the first <g class="snapshot"> */
	second = strstr(svg->text, "<g class=\"snapshot\"");
	second = second ? strstr(second + 1, "<g class=\"snapshot\"") : NULL;
	for (; line && *line && (!second || line < second); line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (strncmp(line, "<rect ", 6) || !attr(line, "data-kind", buf, sizeof(buf)))
			continue;
		if (nr == cap) {
			r = realloc(r, (cap *= 2) * sizeof(*r));
			assert_non_null(r);
		}
		snprintf(r[nr].kind, sizeof(r[nr].kind), "%s", buf);
		assert_non_null(attr(line, "data-pfn", buf, sizeof(buf)));
		r[nr].pfn = strtoull(buf, NULL, 10);
		assert_non_null(attr(line, "data-n", buf, sizeof(buf)));
		r[nr].n = strtoull(buf, NULL, 10);
		assert_non_null(attr(line, "fill", buf, sizeof(buf)));
		snprintf(r[nr].fill, sizeof(r[nr].fill), "%s", buf);
		nr++;
	}
	*out = r;
	return nr;
}

/* The legend swatch's colour for data-legend="@key", or NULL. */
static const char *legend_colour(const struct svg *svg, const char *key, char *buf, size_t len)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "data-legend=\"%s\"", key);
	p = strstr(svg->text, pat);
	if (!p)
		return NULL;
	while (p > svg->text && p[-1] != '\n')
		p--;
	return attr(p, "fill", buf, len);
}

static const struct cell_rect *rect_of(const struct cell_rect *r, size_t nr, uint64_t pfn)
{
	for (size_t i = 0; i < nr; i++)
		if (pfn >= r[i].pfn && pfn < r[i].pfn + r[i].n)
			return &r[i];
	return NULL;
}

/* --- page info ---------------------------------------------------------------- */

static void test_page_info_errors(void **state)
{
	struct zsim_page_info pi = { .size = sizeof(pi) };
	uint64_t start, end;

	(void)state;
	assert_int_equal(zsim_pfn_range(&start, &end), -ENODEV);
	assert_int_equal(zsim_page_info(2048, &pi), -ENODEV);
	test_boot(16ull << 20, 9);
	assert_int_equal(zsim_pfn_range(&start, &end), 0);
	assert_int_equal(end - start, 4096);
	assert_int_equal(zsim_page_info(start - 1, &pi), -ERANGE);
	assert_int_equal(zsim_page_info(end, &pi), -ERANGE);
	pi.size = 3;
	assert_int_equal(zsim_page_info(start, &pi), -EINVAL);
	assert_int_equal(pi.size, 3);
	pi.size = sizeof(pi);
	assert_int_equal(zsim_page_info(start, &pi), 0);
	assert_string_equal(zsim_page_owner_name(ZSIM_PAGE_MOVABLE_OPS), "movable-ops");
	assert_null(zsim_page_owner_name(ZSIM_NR_PAGE_OWNERS));
	assert_string_equal(zsim_migratetype_name(3), "HighAtomic");
	assert_null(zsim_migratetype_name(4));
	test_shutdown();
}

static void test_page_info_states(void **state)
{
	struct zsim_page_info pi = { .size = sizeof(pi) };
	unsigned long pinned, movable;
	uint64_t start, end, pfn;
	bool seen_slab = false;

	(void)state;
	test_boot(16ull << 20, 9);
	zsim_pfn_range(&start, &end);

	/* a fresh machine: every frame free, in order-10 blocks */
	for (pfn = start; pfn < end; pfn += 1021) {
		assert_int_equal(zsim_page_info(pfn, &pi), 0);
		if (pi.owner == ZSIM_PAGE_SLAB)
			continue;
		if (pi.owner != ZSIM_PAGE_FREE)
			continue;
		assert_true(pi.buddy_order >= 0);
		assert_true(pi.block_pfn <= pfn && pfn < pi.block_pfn + (1ull << pi.buddy_order));
		assert_int_equal(pi.alloc_mt, -1);
	}

	pinned = zsim_alloc_pages(2, ZSIM_UNMOVABLE);
	movable = zsim_alloc_pages(0, ZSIM_MOVABLE);
	assert_true(pinned && movable);
	for (pfn = pinned; pfn < pinned + 4; pfn++) {
		assert_int_equal(zsim_page_info(pfn, &pi), 0);
		assert_int_equal(pi.owner, ZSIM_PAGE_PINNED);
		assert_int_equal(pi.block_pfn, pinned);
		assert_int_equal(pi.alloc_mt, ZSIM_UNMOVABLE);
		assert_int_equal(pi.buddy_order, -1);
		assert_int_equal(!!(pi.flags & ZSIM_PF_RESERVED), pfn == pinned);
		assert_int_equal(pi.pageblock_mt, ZSIM_UNMOVABLE);
		assert_int_equal(pi.pageblock, (pfn - start) >> 9);
	}
	assert_int_equal(zsim_page_info(movable, &pi), 0);
	assert_int_equal(pi.owner, ZSIM_PAGE_PINNED);
	assert_int_equal(pi.alloc_mt, ZSIM_MOVABLE);
	assert_int_equal(pi.refcount, 1);

	/* the buddy of an order-0 allocation is free, and its own block head */
	assert_int_equal(zsim_page_info(movable ^ 1, &pi), 0);
	assert_int_equal(pi.owner, ZSIM_PAGE_FREE);
	assert_int_equal(pi.block_pfn, movable ^ 1);
	assert_true(pi.flags & ZSIM_PF_BUDDY);

	for (pfn = start; pfn < end; pfn++) {
		assert_int_equal(zsim_page_info(pfn, &pi), 0);
		if (pi.owner == ZSIM_PAGE_SLAB) {
			assert_true(pi.flags & ZSIM_PF_SLAB);
			seen_slab = true;
		}
	}
	assert_true(seen_slab);	/* the machine's own caches */

	assert_int_equal(zsim_free_pages(pinned, 2), 0);
	assert_int_equal(zsim_free_pages(movable, 0), 0);
	assert_int_equal(zsim_page_info(pinned + 1, &pi), 0);
	assert_int_equal(pi.owner, ZSIM_PAGE_FREE);
	test_shutdown();
}

/* --- zspage info ---------------------------------------------------------------- */

static uint64_t handle_pfn(struct zs_pool *pool, unsigned long h, size_t size)
{
	char buf[4096];
	void *p = zs_obj_read_begin(pool, h, size, buf);
	uint64_t pfn = p == buf ? 0 : zsim_addr_to_pfn(p);

	zs_obj_read_end(pool, h, size, p);
	return pfn;
}

static void test_zspage_info(void **state)
{
	struct zsim_page_info pi = { .size = sizeof(pi) };
	struct zs_zspage_info zi = { .size = sizeof(zi) };
	struct zs_pool *pool, *other;
	unsigned long h[40], huge;
	uint64_t pfn, hpfn, start, end;
	unsigned int used = 0, i;

	(void)state;
	test_boot(16ull << 20, 9);
	pool = zs_create_pool("map-a");
	other = zs_create_pool("map-b");
	assert_non_null(pool);
	assert_non_null(other);
	for (i = 0; i < 40; i++) {
		h[i] = zs_malloc(pool, 200, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
		assert_false(zs_is_err_handle(h[i]));
	}
	for (i = 0; i < 40; i += 3)
		zs_free(pool, h[i]), h[i] = 0;
	pfn = handle_pfn(pool, h[1], 8);
	assert_true(pfn != 0);

	zi.size = 1;
	assert_int_equal(zs_zspage_info(pool, pfn, &zi), -EINVAL);
	zi.size = sizeof(zi);
	assert_int_equal(zs_zspage_info(other, pfn, &zi), -ENOENT);
	assert_int_equal(zs_zspage_info(pool, pfn, &zi), 0);
	assert_true(zi.obj_size >= 200 && zi.obj_size < 200 + 8 + 16);
	assert_false(zi.huge);
	assert_true(zi.listed);
	assert_int_equal(zi.isolated, 0);
	assert_true(zi.pages_per_zspage >= 1 && zi.pages_per_zspage <= ZS_MAX_CHAIN_SIZE);
	for (i = 0; i < ZS_ZSPAGE_MAX_OBJS / 64; i++)
		used += (unsigned int)__builtin_popcountll(zi.obj_used[i]);
	assert_int_equal(used, zi.inuse);
	assert_true(zi.inuse > 0 && zi.inuse <= zi.objs_per_zspage);
	/* the first page is what zsim_page_info() sees as PG_private */
	assert_int_equal(zsim_page_info(zi.pfn[0], &pi), 0);
	assert_int_equal(pi.owner, ZSIM_PAGE_MOVABLE_OPS);
	assert_true(pi.flags & ZSIM_PF_PRIVATE);
	assert_true(pi.flags & ZSIM_PF_MOVABLE);
	assert_int_equal(zi.first_obj_offset[0], 0);

	huge = zs_malloc(pool, 4000, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
	assert_false(zs_is_err_handle(huge));
	hpfn = handle_pfn(pool, huge, 8);
	assert_int_equal(zs_zspage_info(pool, hpfn, &zi), 0);
	assert_true(zi.huge);
	assert_int_equal(zi.pages_per_zspage, 1);
	assert_int_equal(zi.inuse, 1);
	assert_int_equal(zi.obj_used[0], 1);
	assert_int_equal(zi.pfn[0], hpfn);

	/* a free frame and a slab frame are nobody's zspage */
	zsim_pfn_range(&start, &end);
	for (pfn = start; pfn < end; pfn++) {
		assert_int_equal(zsim_page_info(pfn, &pi), 0);
		if (pi.owner == ZSIM_PAGE_FREE || pi.owner == ZSIM_PAGE_SLAB)
			assert_int_equal(zs_zspage_info(pool, pfn, &zi), -ENOENT);
		if (pi.owner == ZSIM_PAGE_FREE)
			pfn += 63;
	}

	zs_free(pool, huge);
	for (i = 0; i < 40; i++)
		if (h[i])
			zs_free(pool, h[i]);
	zs_destroy_pool(pool);
	zs_destroy_pool(other);
	test_shutdown();
}

/* --- the frame map ---------------------------------------------------------- */

struct scene {
	struct zs_pool *pool;
	unsigned long *h;
	size_t nr;
	unsigned long pinned_u, pinned_m;
};

/* Objects of several sizes, a few pinned blocks, some frees. */
static void scene_build(struct scene *sc, unsigned int nr_objs)
{
	struct test_rng rng;
	size_t i;

	test_rng_init(&rng, test_seed);
	sc->pool = zs_create_pool("map");
	assert_non_null(sc->pool);
	sc->h = calloc(nr_objs, sizeof(*sc->h));
	assert_non_null(sc->h);
	sc->pinned_u = zsim_alloc_pages(1, ZSIM_UNMOVABLE);
	for (i = 0; i < nr_objs; i++) {
		size_t size = 32 + test_rng_below(&rng, 4000);

		sc->h[i] = zs_malloc(sc->pool, size, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
		assert_false(zs_is_err_handle(sc->h[i]));
		if (i == nr_objs / 2)
			sc->pinned_m = zsim_alloc_pages(0, ZSIM_MOVABLE);
	}
	for (i = 0; i < nr_objs; i += 2)
		zs_free(sc->pool, sc->h[i]), sc->h[i] = 0;
	sc->nr = nr_objs;
	assert_true(sc->pinned_u && sc->pinned_m);
}

static void scene_free(struct scene *sc)
{
	for (size_t i = 0; i < sc->nr; i++)
		if (sc->h[i])
			zs_free(sc->pool, sc->h[i]);
	free(sc->h);
	zsim_free_pages(sc->pinned_u, 1);
	zsim_free_pages(sc->pinned_m, 0);
	zs_destroy_pool(sc->pool);
}

/* One machine size: cells, pageblocks and the margin match the machine. */
static void check_machine(uint64_t mem, unsigned int pb_order, unsigned int nr_objs)
{
	struct map_snapshot s;
	const struct map_snapshot *snaps[1] = { &s };
	struct zsim_zoneinfo zi;
	struct cell_rect *r;
	struct scene sc = { 0 };
	struct svg svg = { 0 };
	size_t nr, i;
	uint64_t total = 0, sum = 0, next, nr_mt_blocks = 0, blocks = 0;
	unsigned char *seen_block;
	const char *p;

	test_boot(mem, pb_order);
	scene_build(&sc, nr_objs);
	assert_int_equal(map_capture(&s, sc.pool, "test"), 0);
	zsim_get_zoneinfo(&zi);
	assert_int_equal(s.nr_pages, zi.spanned_pages);
	assert_int_equal(s.nr_pages, mem / ZSIM_PAGE_SIZE);
	for (i = 0; i < ZSIM_NR_MIGRATETYPES; i++)
		nr_mt_blocks += zi.nr_blocks_type[i];
	assert_int_equal(s.nr_pageblocks, nr_mt_blocks);
	for (i = 0; i < MAP_NR_KINDS; i++)
		total += s.count[i];
	assert_int_equal(total, s.nr_pages);
	/* the free cells are the free pages */
	assert_int_equal(s.count[MAP_FREE] + s.count[MAP_REPORTED], zi.free_pages + zi.pcp_pages);
	/* every zspage page is a cell, and every pool page one */
	assert_int_equal(s.count[MAP_ZSPAGE] + s.count[MAP_ZSPAGE_HUGE] + s.count[MAP_ISOLATED],
			 zs_get_total_pages(sc.pool));

	svg_render(&svg, snaps, 1);
	nr = svg_cells(&svg, &r);
	/* the rects tile the pfns in order, each exactly once */
	next = s.start_pfn;
	for (i = 0; i < nr; i++) {
		assert_int_equal(r[i].pfn, next);
		assert_true(r[i].n > 0);
		next += r[i].n;
		sum += r[i].n;
	}
	assert_int_equal(sum, s.nr_pages);
	/* each pageblock has its migratetype in the margin, once or per line */
	seen_block = calloc(s.nr_pageblocks, 1);
	assert_non_null(seen_block);
	for (p = svg.text; (p = strstr(p, " data-pageblock=\"")); p++) {
		uint64_t b = strtoull(p + 17, NULL, 10);

		assert_true(b < s.nr_pageblocks);
		blocks += !seen_block[b];
		seen_block[b] = 1;
	}
	assert_int_equal(blocks, s.nr_pageblocks);
	free(seen_block);
	free(r);
	free(svg.text);
	map_snapshot_free(&s);
	scene_free(&sc);
	test_shutdown();
}

static void test_map_sizes(void **state)
{
	(void)state;
	check_machine(8ull << 20, 9, 200);		/* 4 pageblocks of 512 pages */
	check_machine(32ull << 20, 4, 2000);		/* 512 pageblocks of 16 pages */
	check_machine(64ull << 20, 10, 3000);		/* 16 pageblocks of 1024 pages */
	if (!test_under_valgrind())
		check_machine(1ull << 30, 9, 20000);	/* 512 pageblocks, 262144 cells */
}

/*
 * Known pages get the legend's colour for what they are.  Free page
 * reporting turns free pages into reported ones about 50 ms after a free,
 * so the states are pinned first: with @reporting, a pass is run to the
 * end before the pages are picked (and nothing is freed until the picture
 * is taken), which leaves every free page reported; without it, the
 * machine gives nothing back and every free page stays a plain free one.
 */
static void check_colours(bool reporting)
{
	struct zsim_page_info pi = { .size = sizeof(pi) };
	struct map_snapshot s;
	const struct map_snapshot *snaps[1] = { &s };
	struct cell_rect *r;
	struct scene sc = { 0 };
	struct svg svg = { 0 };
	const struct cell_rect *c;
	char want[8], leg[16], key[32];
	uint64_t start, end, pfn, zpfn = 0, hpfn, free_pfn = 0, rep_pfn = 0, slab_pfn = 0;
	unsigned long huge;
	struct zs_zspage_info zi = { .size = sizeof(zi) };
	size_t nr, i;

	if (reporting) {
		test_boot(32ull << 20, 9);
	} else {
		struct zsim_config cfg;

		zsim_config_default(&cfg);
		cfg.mem_bytes = 32ull << 20;
		cfg.pageblock_order = 9;
		cfg.seed = test_seed;
		cfg.loglevel = 3;
		cfg.madvise = false;
		assert_int_equal(zsim_init(&cfg), 0);
	}
	scene_build(&sc, 600);
	huge = zs_malloc(sc.pool, 4000, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
	assert_false(zs_is_err_handle(huge));
	hpfn = handle_pfn(sc.pool, huge, 8);
	if (reporting)
		assert_true(zsim_report_free_pages() > 0);
	for (i = 1; i < sc.nr && !zpfn; i += 2)
		zpfn = handle_pfn(sc.pool, sc.h[i], 8);	/* a page of a live object */
	assert_true(zpfn != 0);
	zsim_pfn_range(&start, &end);
	for (pfn = start; pfn < end; pfn++) {
		zsim_page_info(pfn, &pi);
		/* with reporting, a free page not yet reported is a race: not used */
		if (pi.owner == ZSIM_PAGE_FREE && !(pi.flags & ZSIM_PF_RELEASED) && !free_pfn &&
		    !reporting)
			free_pfn = pfn;
		if (pi.owner == ZSIM_PAGE_FREE && (pi.flags & ZSIM_PF_RELEASED) && !rep_pfn)
			rep_pfn = pfn;
		if (pi.owner == ZSIM_PAGE_SLAB && !slab_pfn)
			slab_pfn = pfn;
	}
	assert_true(slab_pfn);
	/* without reporting nothing is ever given back */
	assert_true(reporting ? rep_pfn != 0 : free_pfn && !rep_pfn);

	assert_int_equal(map_capture(&s, sc.pool, "colours"), 0);
	svg_render(&svg, snaps, 1);
	nr = svg_cells(&svg, &r);

	/* plain kinds: the cell's fill is the legend swatch of its kind */
	{
		const struct { uint64_t pfn; const char *kind; } known[] = {
			{ sc.pinned_u, "reserved-unmovable" },
			{ sc.pinned_u + 1, "reserved-unmovable" },
			{ sc.pinned_m, "reserved-movable" },
			{ slab_pfn, "slab" },
			{ hpfn, "zspage-huge" },
			{ rep_pfn, "reported" },
		};

		for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
			if (!known[i].pfn)
				continue;	/* the free kind this run has none of */
			c = rect_of(r, nr, known[i].pfn);
			assert_non_null(c);
			assert_string_equal(c->kind, known[i].kind);
			assert_non_null(legend_colour(&svg, known[i].kind, leg, sizeof(leg)));
			assert_string_equal(c->fill, leg);
		}
	}
	/* free: the legend's swatch of the block's order */
	if (free_pfn) {
		zsim_page_info(free_pfn, &pi);
		c = rect_of(r, nr, free_pfn);
		assert_non_null(c);
		assert_string_equal(c->kind, "free");
		snprintf(key, sizeof(key), "free-%d", pi.buddy_order);
		assert_non_null(legend_colour(&svg, key, leg, sizeof(leg)));
		assert_string_equal(c->fill, leg);
	}
	/* zspage: the colour of its class, graded as the legend's scale */
	assert_int_equal(zs_zspage_info(sc.pool, zpfn, &zi), 0);
	c = rect_of(r, nr, zpfn);
	assert_non_null(c);
	assert_string_equal(c->kind, zi.huge ? "zspage-huge" : "zspage");
	if (!zi.huge) {
		struct map_cell mc = { .kind = MAP_ZSPAGE, .cls = (uint16_t)zi.class_index };

		assert_string_equal(c->fill, map_cell_colour(&mc, want));
		/* the legend's ends are classes 0 and 254 */
		mc.cls = 0;
		assert_non_null(legend_colour(&svg, "zspage-0", leg, sizeof(leg)));
		assert_string_equal(map_cell_colour(&mc, want), leg);
		mc.cls = 254;
		assert_non_null(legend_colour(&svg, "zspage-254", leg, sizeof(leg)));
		assert_string_equal(map_cell_colour(&mc, want), leg);
	}
	/* every colour in the picture is one the legend explains */
	for (i = 0; i < nr; i++) {
		if (!strcmp(r[i].kind, "zspage"))
			continue;	/* graded by class, checked above */
		if (!strcmp(r[i].kind, "free")) {
			bool found = false;

			for (int o = 0; o < 11 && !found; o++) {
				snprintf(key, sizeof(key), "free-%d", o);
				found = legend_colour(&svg, key, leg, sizeof(leg)) &&
					!strcmp(leg, r[i].fill);
			}
			assert_true(found);
			continue;
		}
		assert_non_null(legend_colour(&svg, r[i].kind, leg, sizeof(leg)));
		assert_string_equal(r[i].fill, leg);
	}

	free(r);
	free(svg.text);
	map_snapshot_free(&s);
	zs_free(sc.pool, huge);
	scene_free(&sc);
	test_shutdown();
}

static void test_map_colours(void **state)
{
	(void)state;
	check_colours(false);
	check_colours(true);
}

/* Compaction side by side: two panels, the second with fewer zspage pages. */
static void test_map_compare(void **state)
{
	struct map_snapshot a, b;
	const struct map_snapshot *snaps[2] = { &a, &b };
	struct scene sc = { 0 };
	struct svg svg = { 0 };
	const char *p;
	int panels = 0;

	(void)state;
	test_boot(32ull << 20, 9);
	scene_build(&sc, 3000);
	assert_int_equal(map_capture(&a, sc.pool, "before"), 0);
	zs_compact(sc.pool);
	assert_int_equal(map_capture(&b, sc.pool, "after"), 0);
	assert_true(b.count[MAP_ZSPAGE] < a.count[MAP_ZSPAGE]);
	svg_render(&svg, snaps, 2);
	for (p = svg.text; (p = strstr(p, "<g class=\"snapshot\"")); p++)
		panels++;
	assert_int_equal(panels, 2);
	assert_non_null(strstr(svg.text, ">before<"));
	assert_non_null(strstr(svg.text, ">after<"));
	free(svg.text);
	map_snapshot_free(&a);
	map_snapshot_free(&b);
	scene_free(&sc);
	test_shutdown();
}

/* The zspage view: every zspage of the class, every used slot. */
static void test_zspage_view(void **state)
{
	struct zs_pool_snapshot *snap = calloc(1, sizeof(*snap));
	struct zs_pool *pool;
	unsigned long h[300];
	unsigned int cls, i, drawn = 0, used = 0;
	uint64_t zspages = 0, obj_used = 0;
	char *text = NULL;
	size_t len = 0;
	const char *p;
	FILE *f;

	(void)state;
	assert_non_null(snap);
	test_boot(16ull << 20, 9);
	pool = zs_create_pool("view");
	for (i = 0; i < 300; i++) {
		h[i] = zs_malloc(pool, 1500, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
		assert_false(zs_is_err_handle(h[i]));
	}
	for (i = 0; i < 300; i += 3)
		zs_free(pool, h[i]), h[i] = 0;
	{
		/* the class that serves them (zs_malloc() adds its handle to the size) */
		struct zs_zspage_info zi = { .size = sizeof(zi) };

		assert_int_equal(zs_zspage_info(pool, handle_pfn(pool, h[1], 8), &zi), 0);
		cls = zi.class_index;
		assert_true(zi.obj_size >= 1500);
	}
	snap->size = sizeof(*snap);
	zs_pool_snapshot(pool, snap);
	for (i = 0; i < snap->nr_classes; i++) {
		if (snap->classes[i].index != cls)
			continue;
		for (unsigned int g = 0; g < snap->nr_groups; g++)
			zspages += snap->classes[i].zspages[g];
		obj_used = snap->classes[i].obj_used;
	}
	assert_true(zspages > 1);

	f = open_memstream(&text, &len);
	assert_int_equal(map_write_zspages_svg(f, pool, cls, 1000), 0);
	fclose(f);
	for (p = text; (p = strstr(p, "<g class=\"zspage\"")); p++)
		drawn++;
	for (p = text; (p = strstr(p, "data-used=\"1\"")); p++)
		used++;
	assert_int_equal(drawn, zspages);
	/* a slot that spans two pages is drawn in two parts */
	assert_true(used >= obj_used);
	{
		unsigned int slots = 0;
		unsigned int last = ~0u;

		/* count distinct (zspage, slot) pairs that are used */
		for (p = text; (p = strstr(p, "data-slot=\"")); p++) {
			unsigned int s = (unsigned int)strtoul(p + 11, NULL, 10);
			const char *u = strstr(p, "data-used=\"");

			if (u && u[11] == '1' && s != last)
				slots++;
			last = s;
		}
		assert_int_equal(slots, obj_used);
	}
	free(text);
	/* an empty class: -ENOENT */
	f = open_memstream(&text, &len);
	assert_int_equal(map_write_zspages_svg(f, pool, 0, 0), -ENOENT);
	fclose(f);
	free(text);

	for (i = 0; i < 300; i++)
		if (h[i])
			zs_free(pool, h[i]);
	zs_destroy_pool(pool);
	free(snap);
	test_shutdown();
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_page_info_errors),
		cmocka_unit_test(test_page_info_states),
		cmocka_unit_test(test_zspage_info),
		cmocka_unit_test(test_map_sizes),
		cmocka_unit_test(test_map_colours),
		cmocka_unit_test(test_map_compare),
		cmocka_unit_test(test_zspage_view),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
