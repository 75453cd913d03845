// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Pictures of memory (see map.h): snapshots of the page frame array
 * through zsim_page_info() and zs_zspage_info(), drawn as SVG.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "map.h"

/* --- capture ---------------------------------------------------------------- */

enum map_kind map_classify(const struct zsim_page_info *pi,
			   const struct zs_zspage_info *zi)
{
	switch (pi->owner) {
	case ZSIM_PAGE_FREE:
		return (pi->flags & ZSIM_PF_RELEASED) ? MAP_REPORTED : MAP_FREE;
	default:
		break;
	}
	if (pi->flags & ZSIM_PF_ISOLATED)
		return MAP_ISOLATED;
	switch (pi->owner) {
	case ZSIM_PAGE_SLAB:
		return MAP_SLAB;
	case ZSIM_PAGE_MOVABLE_OPS:
		if (!zi)
			return MAP_OTHER;
		return zi->huge ? MAP_ZSPAGE_HUGE : MAP_ZSPAGE;
	case ZSIM_PAGE_PINNED:
		return pi->alloc_mt == ZSIM_MOVABLE ? MAP_PINNED_MOVABLE : MAP_PINNED_UNMOVABLE;
	default:
		return MAP_OTHER;
	}
}

void map_snapshot_free(struct map_snapshot *s)
{
	free(s->cells);
	free(s->pageblock_mt);
	memset(s, 0, sizeof(*s));
}

int map_capture(struct map_snapshot *s, struct zs_pool *pool, const char *title)
{
	struct zsim_page_info pi = { .size = sizeof(pi) };
	struct zs_zspage_info *zi;
	uint64_t start, end, pfn;
	uint8_t *done;
	int ret;

	memset(s, 0, sizeof(*s));
	snprintf(s->title, sizeof(s->title), "%s", title ? title : "");
	ret = zsim_pfn_range(&start, &end);
	if (ret)
		return ret;
	ret = zsim_get_zoneinfo(&s->zone);
	if (ret)
		return ret;
	s->start_pfn = start;
	s->nr_pages = end - start;
	s->pageblock_order = s->zone.pageblock_order;
	s->nr_pageblocks = (s->nr_pages + (1ull << s->pageblock_order) - 1) >> s->pageblock_order;
	s->cells = calloc(s->nr_pages, sizeof(*s->cells));
	s->pageblock_mt = calloc(s->nr_pageblocks, 1);
	done = calloc(s->nr_pages, 1);
	zi = calloc(1, sizeof(*zi));
	if (!s->cells || !s->pageblock_mt || !done || !zi) {
		free(done);
		free(zi);
		map_snapshot_free(s);
		return -ENOMEM;
	}

	for (pfn = start; pfn < end; pfn++) {
		struct map_cell *c = &s->cells[pfn - start];
		uint64_t idx = pfn - start;

		ret = zsim_page_info(pfn, &pi);
		if (ret)
			break;
		if (!(idx & ((1ull << s->pageblock_order) - 1)))
			s->pageblock_mt[idx >> s->pageblock_order] = (uint8_t)pi.pageblock_mt;
		if (done[idx])
			continue;
		if (pi.owner == ZSIM_PAGE_MOVABLE_OPS && pool) {
			zi->size = sizeof(*zi);
			if (!zs_zspage_info(pool, pfn, zi)) {
				/* fill the whole chain at once */
				for (unsigned int i = 0; i < zi->pages_per_zspage; i++) {
					uint64_t p = zi->pfn[i];
					struct map_cell *pc;

					if (p < start || p >= end)
						continue;
					pc = &s->cells[p - start];
					pc->kind = zi->huge ? MAP_ZSPAGE_HUGE : MAP_ZSPAGE;
					pc->cls = (uint16_t)zi->class_index;
					pc->fullness = (uint8_t)zi->fullness;
					pc->mark = (i == 0 ? MAP_MARK_FIRST : 0) |
						   (i + 1 == zi->pages_per_zspage ? MAP_MARK_LAST : 0);
					done[p - start] = 1;
				}
				/* an isolated page still shows as isolated */
				if (pi.flags & ZSIM_PF_ISOLATED)
					c->kind = MAP_ISOLATED;
				continue;
			}
		}
		c->kind = (uint8_t)map_classify(&pi, NULL);
		if (c->kind == MAP_FREE || c->kind == MAP_REPORTED)
			c->order = (uint8_t)pi.buddy_order;
		done[idx] = 1;
	}
	free(done);
	free(zi);
	if (ret) {
		map_snapshot_free(s);
		return ret;
	}
	for (pfn = 0; pfn < s->nr_pages; pfn++)
		s->count[s->cells[pfn].kind]++;
	return 0;
}

/* --- colours ---------------------------------------------------------------- */

static const char *hex(char buf[8], double r, double g, double b)
{
	snprintf(buf, 8, "#%02x%02x%02x", (unsigned int)lround(r), (unsigned int)lround(g),
		 (unsigned int)lround(b));
	return buf;
}

static const char *hsl(char buf[8], double h, double s, double l)
{
	double c = (1 - fabs(2 * l - 1)) * s, hp = h / 60.0;
	double x = c * (1 - fabs(fmod(hp, 2) - 1)), m = l - c / 2;
	double r = 0, g = 0, b = 0;

	if (hp < 1) { r = c; g = x; }
	else if (hp < 2) { r = x; g = c; }
	else if (hp < 3) { g = c; b = x; }
	else if (hp < 4) { g = x; b = c; }
	else if (hp < 5) { r = x; b = c; }
	else { r = c; b = x; }
	return hex(buf, (r + m) * 255, (g + m) * 255, (b + m) * 255);
}

/* Free blocks: yellow for small orders (fragments), pale teal for big ones. */
static const char *free_colour(unsigned int order, char buf[8])
{
	double t = order >= 10 ? 1.0 : order / 10.0;

	return hex(buf, 0xff + t * (0xe0 - 0xff), 0xf1 + t * (0xf2 - 0xf1),
		   0x76 + t * (0xf1 - 0x76));
}

/* zspage pages: blues to violets, lighter for small classes. */
static const char *class_colour(unsigned int cls, char buf[8])
{
	double t = cls >= 254 ? 1.0 : cls / 254.0;

	return hsl(buf, 195 + 70 * t, 0.70, 0.72 - 0.37 * t);
}

static const char *const kind_colours[MAP_NR_KINDS] = {
	[MAP_REPORTED]		= "#ffffff",
	[MAP_ZSPAGE_HUGE]	= "#4a148c",
	[MAP_SLAB]		= "#ff9800",
	[MAP_PINNED_UNMOVABLE]	= "#c62828",
	[MAP_PINNED_MOVABLE]	= "#2e7d32",
	[MAP_ISOLATED]		= "#00e5ff",
	[MAP_OTHER]		= "#757575",
};

static const char *const kind_names[MAP_NR_KINDS] = {
	[MAP_FREE]		= "free (by buddy order)",
	[MAP_REPORTED]		= "free, given back to the host",
	[MAP_ZSPAGE]		= "zspage page (by size class)",
	[MAP_ZSPAGE_HUGE]	= "huge zspage (one object)",
	[MAP_SLAB]		= "slab",
	[MAP_PINNED_UNMOVABLE]	= "reserved, unmovable",
	[MAP_PINNED_MOVABLE]	= "reserved, movable type",
	[MAP_ISOLATED]		= "isolated for migration",
	[MAP_OTHER]		= "other allocation",
};

static const char *const kind_ids[MAP_NR_KINDS] = {
	[MAP_FREE]		= "free",
	[MAP_REPORTED]		= "reported",
	[MAP_ZSPAGE]		= "zspage",
	[MAP_ZSPAGE_HUGE]	= "zspage-huge",
	[MAP_SLAB]		= "slab",
	[MAP_PINNED_UNMOVABLE]	= "reserved-unmovable",
	[MAP_PINNED_MOVABLE]	= "reserved-movable",
	[MAP_ISOLATED]		= "isolated",
	[MAP_OTHER]		= "other",
};

const char *map_kind_name(enum map_kind k)
{
	return (unsigned int)k < MAP_NR_KINDS ? kind_names[k] : "?";
}

const char *map_kind_colour(enum map_kind k, char buf[8])
{
	struct map_cell c = { .kind = (uint8_t)k };

	return map_cell_colour(&c, buf);
}

const char *map_cell_colour(const struct map_cell *c, char buf[8])
{
	switch (c->kind) {
	case MAP_FREE:
		return free_colour(c->order, buf);
	case MAP_ZSPAGE:
		return class_colour(c->cls, buf);
	default:
		if (c->kind >= MAP_NR_KINDS)
			return strcpy(buf, "#000000");
		return strcpy(buf, kind_colours[c->kind]);
	}
}

static const char *const mt_colours[] = { "#c62828", "#2e7d32", "#ff9800", "#6a1b9a" };

const char *map_migratetype_colour(int mt)
{
	return mt >= 0 && mt < 4 ? mt_colours[mt] : "#000000";
}

/* --- the frame map ----------------------------------------------------------- */

struct layout {
	unsigned int cell;		/* px per cell */
	unsigned int line_cells;	/* cells per line */
	uint64_t nr_lines;
	unsigned int lines_per_band;	/* lines of one pageblock (>= 1) */
	unsigned int band_gap;		/* px between pageblocks */
	unsigned int ncols;		/* columns of lines */
	uint64_t lines_per_col;
	unsigned int col_w, col_h;	/* px */
};

#define MARGIN_W	10u	/* the migratetype margin */
#define COL_GAP		14u
#define TITLE_H		22u

static void layout(const struct map_snapshot *s, struct layout *l)
{
	uint64_t pb = 1ull << s->pageblock_order;
	double c = sqrt(500000.0 / (double)s->nr_pages);
	uint64_t bands_per_col;
	double area, w1;

	l->cell = c < 1 ? 1 : c > 10 ? 10 : (unsigned int)c;
	l->line_cells = pb < 128 ? (pb < 64 ? 64 : (unsigned int)pb) : 128;
	l->lines_per_band = pb > l->line_cells ? (unsigned int)(pb / l->line_cells) : 1;
	l->nr_lines = (s->nr_pages + l->line_cells - 1) / l->line_cells;
	l->band_gap = l->cell >= 2 ? 1 : 0;
	if (l->lines_per_band > 1)
		l->band_gap = l->cell >= 4 ? 3 : 2;
	/* columns so that a panel is about 3 wide to 4 high */
	w1 = MARGIN_W + l->line_cells * (double)l->cell + COL_GAP;
	area = (double)l->nr_lines * (l->cell + (double)l->band_gap / l->lines_per_band) * w1;
	l->ncols = (unsigned int)ceil(sqrt(area * 0.75) / w1);
	if (l->ncols < 1)
		l->ncols = 1;
	{
		uint64_t nr_bands = (l->nr_lines + l->lines_per_band - 1) / l->lines_per_band;

		if (l->ncols > nr_bands)
			l->ncols = (unsigned int)nr_bands;
		bands_per_col = (nr_bands + l->ncols - 1) / l->ncols;
		l->ncols = (unsigned int)((nr_bands + bands_per_col - 1) / bands_per_col);
	}
	l->lines_per_col = bands_per_col * l->lines_per_band;
	l->col_w = MARGIN_W + 2 + l->line_cells * l->cell;
	l->col_h = (unsigned int)(l->lines_per_col * l->cell + bands_per_col * l->band_gap);
}

static int cells_equal(const struct map_cell *a, const struct map_cell *b)
{
	return a->kind == b->kind && a->order == b->order && a->mark == b->mark &&
	       a->cls == b->cls;
}

static void draw_snapshot(FILE *out, const struct map_snapshot *s, const struct layout *l,
			  unsigned int x0, unsigned int y0)
{
	uint64_t pb = 1ull << s->pageblock_order;
	uint64_t line;
	char col[8];

	fprintf(out, "<g class=\"snapshot\" data-pages=\"%llu\" data-pageblocks=\"%llu\">\n",
		(unsigned long long)s->nr_pages, (unsigned long long)s->nr_pageblocks);
	fprintf(out, "<text x=\"%u\" y=\"%u\" class=\"title\">%s</text>\n", x0, y0 + 15, s->title);
	y0 += TITLE_H;
	for (line = 0; line < l->nr_lines; line++) {
		uint64_t colno = line / l->lines_per_col, in = line % l->lines_per_col;
		unsigned int x = x0 + (unsigned int)colno * (l->col_w + COL_GAP);
		unsigned int y = y0 + (unsigned int)(in * l->cell +
						     (in / l->lines_per_band) * l->band_gap);
		uint64_t first = line * l->line_cells, last = first + l->line_cells, i, run;

		if (last > s->nr_pages)
			last = s->nr_pages;
		/* the migratetype margin: one mark per pageblock (or per line of one) */
		if (pb >= l->line_cells) {
			uint64_t b = first >> s->pageblock_order;

			fprintf(out, "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" fill=\"%s\""
				" data-pageblock=\"%llu\" data-mt=\"%s\"/>\n", x, y, MARGIN_W - 2,
				l->cell, map_migratetype_colour(s->pageblock_mt[b]),
				(unsigned long long)b, zsim_migratetype_name(s->pageblock_mt[b]));
		}
		x += MARGIN_W + 2;
		for (i = first; i < last; i = run) {
			const struct map_cell *c = &s->cells[i];

			for (run = i + 1; run < last && cells_equal(c, &s->cells[run]); run++)
				;
			fprintf(out, "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" fill=\"%s\""
				" data-pfn=\"%llu\" data-n=\"%llu\" data-kind=\"%s\"/>\n",
				x + (unsigned int)(i - first) * l->cell, y,
				(unsigned int)(run - i) * l->cell, l->cell, map_cell_colour(c, col),
				(unsigned long long)(s->start_pfn + i), (unsigned long long)(run - i),
				kind_ids[c->kind]);
			if (l->cell >= 4 && (c->mark & MAP_MARK_FIRST))
				fprintf(out, "<rect x=\"%u\" y=\"%u\" width=\"1\" height=\"%u\""
					" fill=\"#000000\"/>\n",
					x + (unsigned int)(i - first) * l->cell, y, l->cell);
			if (l->cell >= 4 && (c->mark & MAP_MARK_LAST))
				fprintf(out, "<rect x=\"%u\" y=\"%u\" width=\"1\" height=\"%u\""
					" fill=\"#ffffff\"/>\n",
					x + (unsigned int)(run - first) * l->cell - 1, y, l->cell);
		}
		/* small pageblocks: a bar under each one in the margin's stead */
		if (pb < l->line_cells) {
			for (i = first; i < last; i += pb) {
				uint64_t b = i >> s->pageblock_order;

				fprintf(out, "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"1\""
					" fill=\"%s\" data-pageblock=\"%llu\" data-mt=\"%s\"/>\n",
					x + (unsigned int)(i - first) * l->cell,
					y + l->cell - 1, (unsigned int)pb * l->cell,
					map_migratetype_colour(s->pageblock_mt[b]),
					(unsigned long long)b,
					zsim_migratetype_name(s->pageblock_mt[b]));
			}
		}
	}
	fprintf(out, "</g>\n");
}

static unsigned int swatch(FILE *out, unsigned int x, unsigned int y, const char *colour,
			   const char *label, const char *kind)
{
	fprintf(out, "<rect x=\"%u\" y=\"%u\" width=\"12\" height=\"12\" fill=\"%s\""
		" stroke=\"#999999\" stroke-width=\"0.5\" class=\"legend\" data-legend=\"%s\"/>\n",
		x, y, colour, kind);
	fprintf(out, "<text x=\"%u\" y=\"%u\">%s</text>\n", x + 16, y + 10, label);
	return y + 16;
}

/* The legend, from (x, y); returns its height. */
static unsigned int draw_legend(FILE *out, unsigned int x, unsigned int y)
{
	unsigned int y0 = y, k, o, yy;
	char col[8], label[48];

	fprintf(out, "<text x=\"%u\" y=\"%u\" class=\"title\">Legend</text>\n", x, y + 12);
	y += 18;
	yy = y;
	for (k = 0; k < MAP_NR_KINDS; k++) {
		if (k == MAP_FREE || k == MAP_ZSPAGE)
			continue;
		yy = swatch(out, x, yy, map_kind_colour(k, col), kind_names[k], kind_ids[k]);
	}
	/* free blocks by order, zspages by class */
	yy = y;
	fprintf(out, "<text x=\"%u\" y=\"%u\">free block of order 0 .. 10</text>\n", x + 230, yy + 10);
	for (o = 0; o < ZSIM_NR_ORDERS; o++) {
		struct map_cell c = { .kind = MAP_FREE, .order = (uint8_t)o };

		snprintf(label, sizeof(label), "free-%u", o);
		fprintf(out, "<rect x=\"%u\" y=\"%u\" width=\"12\" height=\"12\" fill=\"%s\""
			" stroke=\"#999999\" stroke-width=\"0.5\" class=\"legend\" data-legend=\"%s\"/>\n",
			x + 230 + o * 14, yy + 14, map_cell_colour(&c, col), label);
	}
	yy += 34;
	fprintf(out, "<text x=\"%u\" y=\"%u\">zspage page, class 0 (32 B) .. 254 (4 KiB);"
		" black edge: first page, white edge: last</text>\n", x + 230, yy + 10);
	for (o = 0; o <= 10; o++) {
		struct map_cell c = { .kind = MAP_ZSPAGE, .cls = (uint16_t)(o * 254 / 10) };

		snprintf(label, sizeof(label), "zspage-%u", o * 254 / 10);
		fprintf(out, "<rect x=\"%u\" y=\"%u\" width=\"12\" height=\"12\" fill=\"%s\""
			" stroke=\"#999999\" stroke-width=\"0.5\" class=\"legend\" data-legend=\"%s\"/>\n",
			x + 230 + o * 14, yy + 14, map_cell_colour(&c, col), label);
	}
	yy += 34;
	fprintf(out, "<text x=\"%u\" y=\"%u\">pageblock migratetype (margin):</text>\n",
		x + 230, yy + 10);
	for (o = 0; o < ZSIM_NR_MIGRATETYPES; o++)
		swatch(out, x + 230 + o * 110, yy + 14, map_migratetype_colour((int)o),
		       zsim_migratetype_name((int)o), zsim_migratetype_name((int)o));
	yy += 34;
	if (yy < y + 8 * 16)
		yy = y + 8 * 16;
	return yy - y0;
}

int map_write_svg(FILE *out, const struct map_snapshot *const *snaps, unsigned int n)
{
	struct layout l;
	unsigned int w, h, legend_h = 8 * 16 + 40, i, panel_w;

	if (!n)
		return -1;
	layout(snaps[0], &l);
	panel_w = l.ncols * (l.col_w + COL_GAP);
	w = n * panel_w + 20;
	if (w < 760)
		w = 760;
	h = TITLE_H + l.col_h + 20 + legend_h;
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%u\""
		" viewBox=\"0 0 %u %u\" font-family=\"sans-serif\" font-size=\"11\""
		" shape-rendering=\"crispEdges\">\n", w, h, w, h);
	fprintf(out, "<style>.title{font-weight:bold;font-size:13px}</style>\n"
		"<rect x=\"0\" y=\"0\" width=\"%u\" height=\"%u\" fill=\"#fafafa\"/>\n", w, h);
	for (i = 0; i < n; i++) {
		struct layout li;

		layout(snaps[i], &li);
		draw_snapshot(out, snaps[i], &li, 10 + i * panel_w, 6);
	}
	draw_legend(out, 10, TITLE_H + l.col_h + 16);
	fprintf(out, "</svg>\n");
	return ferror(out) ? -1 : 0;
}

/* --- the zspage view -------------------------------------------------------- */

#define ZV_PAGE_W	256u	/* px per 4 KiB page: 16 bytes a pixel */
#define ZV_PAGE_GAP	8u
#define ZV_ROW_H	22u
#define ZV_LABEL_W	150u

struct zv_entry {
	struct zs_zspage_info info;
};

static int zv_cmp(const void *a, const void *b)
{
	const struct zv_entry *x = a, *y = b;

	if (x->info.fullness != y->info.fullness)
		return x->info.fullness > y->info.fullness ? -1 : 1;
	return x->info.pfn[0] < y->info.pfn[0] ? -1 : x->info.pfn[0] > y->info.pfn[0];
}

static const char *group_name(unsigned int nr_groups, unsigned int g, char *buf, size_t len)
{
	static const char *const quarters[] = { "empty", "almost empty", "almost full", "full" };

	if (nr_groups == 4 && g < 4)
		return quarters[g];
	if (g == 0)
		snprintf(buf, len, "empty");
	else if (g == 11)
		snprintf(buf, len, "full");
	else if (g == 10)
		snprintf(buf, len, "90-99%% used");
	else
		snprintf(buf, len, "%u-%u%% used", (g - 1) * 10, (g - 1) * 10 + 9);
	return buf;
}

int map_write_zspages_svg(FILE *out, struct zs_pool *pool, unsigned int class_index,
			  unsigned int max_zspages)
{
	struct zsim_page_info pi = { .size = sizeof(pi) };
	struct zs_pool_snapshot *snap;
	struct zv_entry *v = NULL;
	size_t nr = 0, cap = 0, i;
	uint64_t start, end, pfn, total = 0;
	unsigned int nr_groups, w, h, y, width_pages = 1, last_group = ~0u;
	char col[8], gname[32];
	struct map_cell cc = { .kind = MAP_ZSPAGE, .cls = (uint16_t)class_index };
	int ret;

	if (!max_zspages)
		max_zspages = 64;
	ret = zsim_pfn_range(&start, &end);
	if (ret)
		return ret;
	snap = calloc(1, sizeof(*snap));
	if (!snap)
		return -ENOMEM;
	snap->size = sizeof(*snap);
	zs_pool_snapshot(pool, snap);
	nr_groups = snap->nr_groups;
	free(snap);

	for (pfn = start; pfn < end; pfn++) {
		if (zsim_page_info(pfn, &pi) || pi.owner != ZSIM_PAGE_MOVABLE_OPS ||
		    !(pi.flags & ZSIM_PF_PRIVATE))
			continue;
		if (nr == cap) {
			struct zv_entry *nv = realloc(v, (cap = cap ? 2 * cap : 64) * sizeof(*v));

			if (!nv) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
		}
		v[nr].info.size = sizeof(v[nr].info);
		if (zs_zspage_info(pool, pfn, &v[nr].info) ||
		    v[nr].info.class_index != class_index || v[nr].info.pfn[0] != pfn)
			continue;
		nr++;
	}
	if (!nr) {
		free(v);
		return -ENOENT;
	}
	total = nr;
	qsort(v, nr, sizeof(*v), zv_cmp);
	if (nr > max_zspages)
		nr = max_zspages;
	width_pages = v[0].info.pages_per_zspage;
	w = ZV_LABEL_W + width_pages * (ZV_PAGE_W + ZV_PAGE_GAP) + 20;
	if (w < 760)
		w = 760;
	h = 60 + (unsigned int)nr * ZV_ROW_H + nr_groups * 20 + 40;
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%u\""
		" viewBox=\"0 0 %u %u\" font-family=\"sans-serif\" font-size=\"11\">\n",
		w, h, w, h);
	fprintf(out, "<rect x=\"0\" y=\"0\" width=\"%u\" height=\"%u\" fill=\"#fafafa\"/>\n", w, h);
	fprintf(out, "<text x=\"10\" y=\"18\" font-weight=\"bold\" font-size=\"13\">Class %u:"
		" %u-byte slots, %u page(s) and %u slots per zspage; %llu zspage(s)%s</text>\n",
		class_index, v[0].info.obj_size, v[0].info.pages_per_zspage,
		v[0].info.objs_per_zspage, (unsigned long long)total,
		total > nr ? " (the first ones drawn)" : "");
	fprintf(out, "<text x=\"10\" y=\"34\">Filled: a slot holding an object; hollow: a free"
		" slot.  A slot that runs into the next page is drawn across the gap.</text>\n");
	y = 48;
	map_cell_colour(&cc, col);
	for (i = 0; i < nr; i++) {
		const struct zs_zspage_info *z = &v[i].info;
		unsigned int p, o;

		if (z->fullness != last_group) {
			last_group = z->fullness;
			y += 4;
			fprintf(out, "<text x=\"10\" y=\"%u\" font-style=\"italic\">fullness group %u:"
				" %s</text>\n", y + 10, z->fullness,
				group_name(nr_groups, z->fullness, gname, sizeof(gname)));
			y += 16;
		}
		fprintf(out, "<g class=\"zspage\" data-first-pfn=\"%llu\" data-inuse=\"%u\""
			" data-objs=\"%u\" data-fullness=\"%u\">\n",
			(unsigned long long)z->pfn[0], z->inuse, z->objs_per_zspage, z->fullness);
		fprintf(out, "<text x=\"20\" y=\"%u\">pfn %llu: %u/%u used%s</text>\n", y + 14,
			(unsigned long long)z->pfn[0], z->inuse, z->objs_per_zspage,
			z->listed ? "" : ", off its list");
		for (p = 0; p < z->pages_per_zspage; p++)
			fprintf(out, "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"18\" fill=\"#ffffff\""
				" stroke=\"#444444\" data-pfn=\"%llu\"/>\n",
				ZV_LABEL_W + p * (ZV_PAGE_W + ZV_PAGE_GAP), y, ZV_PAGE_W,
				(unsigned long long)z->pfn[p]);
		for (o = 0; o < z->objs_per_zspage && o < ZS_ZSPAGE_MAX_OBJS; o++) {
			unsigned long off = (unsigned long)o * z->obj_size, endo = off + z->obj_size;
			bool used = z->obj_used[o / 64] >> (o % 64) & 1;

			while (off < endo) {
				unsigned int page = (unsigned int)(off / ZSIM_PAGE_SIZE);
				unsigned long in = off % ZSIM_PAGE_SIZE;
				unsigned long seg = ZSIM_PAGE_SIZE - in;

				if (seg > endo - off)
					seg = endo - off;
				fprintf(out, "<rect x=\"%.2f\" y=\"%u\" width=\"%.2f\" height=\"14\""
					" fill=\"%s\" stroke=\"#333333\" stroke-width=\"0.4\""
					" data-slot=\"%u\" data-used=\"%d\"/>\n",
					ZV_LABEL_W + page * (ZV_PAGE_W + ZV_PAGE_GAP) + in / 16.0,
					y + 2, seg / 16.0, used ? col : "#ffffff", o, used);
				if (off + seg < endo)	/* runs on into the next page */
					fprintf(out, "<line x1=\"%u\" y1=\"%u\" x2=\"%u\" y2=\"%u\""
						" stroke=\"#333333\"/>\n",
						ZV_LABEL_W + page * (ZV_PAGE_W + ZV_PAGE_GAP) + ZV_PAGE_W,
						y + 9, ZV_LABEL_W + (page + 1) * (ZV_PAGE_W + ZV_PAGE_GAP),
						y + 9);
				off += seg;
			}
		}
		fprintf(out, "</g>\n");
		y += ZV_ROW_H;
	}
	fprintf(out, "</svg>\n");
	free(v);
	return ferror(out) ? -1 : 0;
}

/* --- PNG -------------------------------------------------------------------- */

static int run(char *const argv[])
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -EIO;
	if (!pid) {
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -EIO;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return -ENOENT;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

int map_svg_to_png(const char *svg, const char *png)
{
	char *rsvg[] = { "rsvg-convert", "-o", (char *)png, (char *)svg, NULL };
	char *convert[] = { "convert", (char *)svg, (char *)png, NULL };
	int ret = run(rsvg);

	if (ret == -ENOENT)
		ret = run(convert);
	return ret;
}

/* --- the step-through page --------------------------------------------------- */


/* The page's palette: free orders, the plain kinds, then one per class. */
#define PAL_REPORTED	11
#define PAL_KIND0	12	/* MAP_ZSPAGE_HUGE .. MAP_OTHER */
#define PAL_CLASS0	(PAL_KIND0 + MAP_NR_KINDS - MAP_ZSPAGE_HUGE)
#define PAL_NR		(PAL_CLASS0 + 255)

static unsigned int palette_index(const struct map_cell *c)
{
	switch (c->kind) {
	case MAP_FREE:
		return c->order > 10 ? 10 : c->order;
	case MAP_REPORTED:
		return PAL_REPORTED;
	case MAP_ZSPAGE:
		return PAL_CLASS0 + (c->cls > 254 ? 254 : c->cls);
	default:
		return PAL_KIND0 + c->kind - MAP_ZSPAGE_HUGE;
	}
}

static int class_pages_cmp(const void *a, const void *b)
{
	const uint32_t *x = a, *y = b;

	return x[5] != y[5] ? (x[5] > y[5] ? -1 : 1) : (x[0] > y[0]) - (x[0] < y[0]);
}

int map_step_capture(struct map_step *st, struct zs_pool *pool, const char *title)
{
	struct zs_pool_snapshot *snap;
	int ret;

	memset(st, 0, sizeof(*st));
	ret = map_capture(&st->snap, pool, title);
	if (ret || !pool)
		return ret;
	snap = calloc(1, sizeof(*snap));
	st->classes = calloc(ZS_SIZE_CLASSES, sizeof(*st->classes));
	if (!snap || !st->classes) {
		free(snap);
		map_step_free(st);
		return -ENOMEM;
	}
	snap->size = sizeof(*snap);
	zs_pool_snapshot(pool, snap);
	for (uint32_t i = 0; i < snap->nr_classes; i++) {
		const struct zs_class_stats *cs = &snap->classes[i];
		uint64_t zspages = 0;

		for (uint32_t g = 0; g < snap->nr_groups; g++)
			zspages += cs->zspages[g];
		if (!zspages)
			continue;
		st->classes[st->nr_classes][0] = cs->index;
		st->classes[st->nr_classes][1] = cs->size;
		st->classes[st->nr_classes][2] = (uint32_t)zspages;
		st->classes[st->nr_classes][3] = (uint32_t)cs->obj_used;
		st->classes[st->nr_classes][4] = (uint32_t)cs->obj_allocated;
		st->classes[st->nr_classes][5] = (uint32_t)cs->pages_used;
		st->nr_classes++;
	}
	qsort(st->classes, st->nr_classes, sizeof(*st->classes), class_pages_cmp);
	free(snap);
	return 0;
}

void map_step_event(struct map_step *st, const char *fmt, ...)
{
	char **ev = realloc(st->events, (st->nr_events + 1) * sizeof(*ev));
	va_list ap;

	if (!ev)
		return;
	st->events = ev;
	va_start(ap, fmt);
	if (vasprintf(&ev[st->nr_events], fmt, ap) >= 0)
		st->nr_events++;
	va_end(ap);
}

void map_step_free(struct map_step *st)
{
	for (size_t i = 0; i < st->nr_events; i++)
		free(st->events[i]);
	free(st->events);
	free(st->classes);
	map_snapshot_free(&st->snap);
	memset(st, 0, sizeof(*st));
}

/* A JSON string that is also safe inside a <script> element. */
static void json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c == '<' || c == '>' || c == '&')
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void write_data(FILE *out, const char *heading, const char *machine,
		       const struct map_step *steps, size_t n)
{
	const struct map_snapshot *s0 = &steps[0].snap;
	struct layout l;
	char col[8], label[64];
	unsigned int i;

	layout(s0, &l);
	fprintf(out, "window.ZSIM_DATA = {\n\"heading\": ");
	json_str(out, heading);
	fprintf(out, ",\n\"machine\": ");
	json_str(out, machine);
	fprintf(out, ",\n\"nr_pages\": %llu, \"start_pfn\": %llu, \"pageblock_order\": %u,"
		" \"line_cells\": %u, \"cell\": %u,\n", (unsigned long long)s0->nr_pages,
		(unsigned long long)s0->start_pfn, s0->pageblock_order, l.line_cells,
		l.cell < 2 ? 2 : l.cell);
	fprintf(out, "\"mt_colours\": [");
	for (i = 0; i < ZSIM_NR_MIGRATETYPES; i++)
		fprintf(out, "%s\"%s\"", i ? ", " : "", map_migratetype_colour((int)i));
	fprintf(out, "],\n\"mt_names\": [");
	for (i = 0; i < ZSIM_NR_MIGRATETYPES; i++)
		fprintf(out, "%s\"%s\"", i ? ", " : "", zsim_migratetype_name((int)i));
	fprintf(out, "],\n\"palette\": [\n");
	for (i = 0; i < PAL_NR; i++) {
		struct map_cell c = { 0 };

		label[0] = '\0';
		if (i <= 10) {
			c.kind = MAP_FREE;
			c.order = (uint8_t)i;
			snprintf(label, sizeof(label), "free block of order %u", i);
		} else if (i == PAL_REPORTED) {
			c.kind = MAP_REPORTED;
			snprintf(label, sizeof(label), "%s", kind_names[MAP_REPORTED]);
		} else if (i < PAL_CLASS0) {
			c.kind = (uint8_t)(MAP_ZSPAGE_HUGE + i - PAL_KIND0);
			snprintf(label, sizeof(label), "%s", kind_names[c.kind]);
		} else {
			c.kind = MAP_ZSPAGE;
			c.cls = (uint16_t)(i - PAL_CLASS0);
			if (c.cls == 0 || c.cls == 127 || c.cls == 254)
				snprintf(label, sizeof(label), "zspage page, class %u (%u bytes)",
					 (unsigned int)c.cls, 32u + 16u * c.cls);
		}
		fprintf(out, "[\"%s\", \"%s\"]%s\n", map_cell_colour(&c, col), label,
			i + 1 < PAL_NR ? "," : "");
	}
	fprintf(out, "],\n\"steps\": [\n");
	for (size_t k = 0; k < n; k++) {
		const struct map_step *st = &steps[k];
		const struct map_snapshot *s = &st->snap;
		uint64_t p, run;

		fprintf(out, "{\"title\": ");
		json_str(out, s->title);
		fprintf(out, ",\n\"events\": [");
		for (size_t e = 0; e < st->nr_events; e++) {
			if (e)
				fputs(", ", out);
			json_str(out, st->events[e]);
		}
		fprintf(out, "],\n\"buddy\": [");
		for (i = 0; i < ZSIM_NR_ORDERS; i++)
			fprintf(out, "%s%llu", i ? ", " : "", (unsigned long long)s->zone.nr_free[i]);
		fprintf(out, "],\n\"classes\": [");
		for (size_t c = 0; c < st->nr_classes && c < 24; c++)
			fprintf(out, "%s[%u, %u, %u, %u, %u, %u]", c ? ", " : "", st->classes[c][0],
				st->classes[c][1], st->classes[c][2], st->classes[c][3],
				st->classes[c][4], st->classes[c][5]);
		fprintf(out, "],\n\"mt\": \"");
		for (p = 0; p < s->nr_pageblocks; p++)
			fputc('0' + (s->pageblock_mt[p] & 3), out);
		fprintf(out, "\",\n\"runs\": [");
		for (p = 0; p < s->nr_pages; p = run) {
			unsigned int pi = palette_index(&s->cells[p]);

			for (run = p + 1; run < s->nr_pages && palette_index(&s->cells[run]) == pi; run++)
				;
			fprintf(out, "%s%llu,%u", p ? "," : "", (unsigned long long)(run - p), pi);
		}
		fprintf(out, "]}%s\n", k + 1 < n ? "," : "");
	}
	fprintf(out, "]};\n");
}

int map_write_html(FILE *out, const char *heading, const char *machine,
		   const struct map_step *steps, size_t n)
{
	static const char marker[] = "/*ZSIM_DATA*/";
	const char *at = strstr(map_step_html, marker);

	if (!n || !at)
		return -1;
	fwrite(map_step_html, 1, (size_t)(at - map_step_html), out);
	write_data(out, heading, machine, steps, n);
	fputs(at + strlen(marker), out);
	return ferror(out) ? -1 : 0;
}
