/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
/*
 * Pictures of memory: a snapshot of the page frame array (one cell per
 * page frame, what the page allocator and a zsmalloc pool say it is) and
 * its SVG drawing, one pageblock per band with its migratetype in the
 * margin, and a legend.  zsim map writes them; the tests check them.
 */
#ifndef ZSIM_MAP_H
#define ZSIM_MAP_H

#include <stdint.h>
#include <stdio.h>
#include <zsmalloc/zsmalloc.h>
#include <zsmalloc/zsim.h>

/* What a cell shows; each kind has one colour (free: one per order). */
enum map_kind {
	MAP_FREE,		/* in a free buddy block, coloured by its order */
	MAP_REPORTED,		/* free, and given back to the host (madvise) */
	MAP_ZSPAGE,		/* a page of a zspage, coloured by its class */
	MAP_ZSPAGE_HUGE,	/* the page of a huge zspage (one object) */
	MAP_SLAB,		/* a slab cache's page */
	MAP_PINNED_UNMOVABLE,	/* reserved (pinned), requested unmovable or reclaimable */
	MAP_PINNED_MOVABLE,	/* reserved (pinned), requested movable */
	MAP_ISOLATED,		/* taken off for migration at this moment */
	MAP_OTHER,		/* any other allocation */
	MAP_NR_KINDS
};

/* map_cell.mark */
#define MAP_MARK_FIRST	0x1	/* first page of a zspage */
#define MAP_MARK_LAST	0x2	/* last page of a zspage */

struct map_cell {
	uint8_t kind;		/* enum map_kind */
	uint8_t order;		/* MAP_FREE / MAP_REPORTED: the block's order */
	uint8_t mark;		/* MAP_MARK_* */
	uint8_t fullness;	/* zspage: its fullness group */
	uint16_t cls;		/* zspage: its class index */
};

struct map_snapshot {
	char title[96];
	uint64_t start_pfn, nr_pages;
	unsigned int pageblock_order;
	uint64_t nr_pageblocks;
	struct map_cell *cells;		/* nr_pages */
	uint8_t *pageblock_mt;		/* nr_pageblocks */
	uint64_t count[MAP_NR_KINDS];	/* cells of each kind */
	struct zsim_zoneinfo zone;	/* buddyinfo at the moment of the snapshot */
};

/*
 * Read every frame of the running machine into @s, with zspage details
 * (class, first and last page, huge) from @pool; with a NULL @pool, or
 * for another driver's movable pages, they show as MAP_OTHER.  0, or
 * -errno.
 */
int map_capture(struct map_snapshot *s, struct zs_pool *pool, const char *title);
void map_snapshot_free(struct map_snapshot *s);

/* The kind of one frame from its page info (and zspage info, or NULL). */
enum map_kind map_classify(const struct zsim_page_info *pi,
			   const struct zs_zspage_info *zi);

/* The fill colour of a cell, "#rrggbb", written into @buf. */
const char *map_cell_colour(const struct map_cell *c, char buf[8]);
/* The legend's colour of a kind (free: order 0; zspage: class 0). */
const char *map_kind_colour(enum map_kind k, char buf[8]);
const char *map_kind_name(enum map_kind k);
/* The margin colour of a pageblock migratetype. */
const char *map_migratetype_colour(int mt);

/*
 * Draw @n snapshots side by side (before and after, say) in one SVG.
 * Every run of equal cells is one <rect> on its own line with data-pfn
 * (its first pfn), data-n (its cells) and data-kind attributes, so a
 * program can read the picture back.  0, or -1 if writing failed.
 */
int map_write_svg(FILE *out, const struct map_snapshot *const *snaps, unsigned int n);

/*
 * The zspage view: every zspage of class @class_index in @pool as a chain
 * of page boxes with its object slots laid out (used filled, free
 * hollow, a slot that runs into the next page drawn across the edge),
 * grouped by fullness group.  At most @max_zspages are drawn (0: 64).
 * 0, -ENOENT when the class has no zspage, -1 if writing failed.
 */
int map_write_zspages_svg(FILE *out, struct zs_pool *pool, unsigned int class_index,
			  unsigned int max_zspages);

/* --- the step-through page --------------------------------------------------- */

/* One step of a step-through: the frames, buddyinfo, classes, what happened. */
struct map_step {
	struct map_snapshot snap;
	char **events;			/* lines of text */
	size_t nr_events;
	uint32_t (*classes)[6];		/* index, size, zspages, objs used, slots, pages */
	size_t nr_classes;
};

/* Capture a step of @pool's machine now; 0 or -errno. */
int map_step_capture(struct map_step *st, struct zs_pool *pool, const char *title);
/* Add a line to what the step says happened. */
void map_step_event(struct map_step *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void map_step_free(struct map_step *st);

/*
 * Write the self-contained step-through page: the template
 * (tools/web/step.html, built into the program) with every step's data
 * in place of its data line.  0, or -1 if writing failed.
 */
int map_write_html(FILE *out, const char *heading, const char *machine,
		   const struct map_step *steps, size_t n);

/* The page's template, from tools/web/step.html. */
extern const char map_step_html[];

/*
 * Convert @svg to @png with rsvg-convert or ImageMagick's convert,
 * whichever is installed.  0; -ENOENT when neither is; -EIO on failure.
 */
int map_svg_to_png(const char *svg, const char *png);

#endif /* ZSIM_MAP_H */
