// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * zsim demo: a guided tour.  Boot a small machine, fragment its buddy
 * allocator with movable and unmovable allocations, then run a zram-like
 * store on zsmalloc with real compressed data: fill, free, compact.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <lz4.h>

#include "zsim_cli.h"

struct demo {
	uint64_t seed;
	struct util_rng rng;
	uint64_t mem;
	unsigned int pageblock_order;
	unsigned int nr_pages;		/* data pages for the zsmalloc step */
	int verbose;
};

static void step(const char *title)
{
	printf("\n=== %s ===\n", title);
}

static void say(const char *text)
{
	printf("  %s\n", text);
}

static void show_buddy(int with_types)
{
	printf("\n/proc/buddyinfo:\n");
	zsim_print_buddyinfo(stdout);
	if (with_types) {
		printf("\n/proc/pagetypeinfo:\n");
		zsim_print_pagetypeinfo(stdout);
	}
	printf("\n/sys/kernel/debug/extfrag/unusable_index:\n");
	zsim_print_unusable_index(stdout);
}

/* --- part 1: the buddy allocator ------------------------------------------ */

struct block {
	unsigned long pfn;
	unsigned int order;
	enum zsim_migratetype type;
};

static int fragment(struct demo *d, struct block **blocksp, size_t *nrp)
{
	struct zsim_zoneinfo zi;
	struct block *blocks;
	size_t nr = 0, cap, i;
	uint64_t target, used = 0, freed = 0, movable = 0;

	zsim_get_zoneinfo(&zi);
	cap = zi.managed_pages;
	blocks = calloc(cap, sizeof(*blocks));
	if (!blocks)
		return -ENOMEM;

	step("1. A fresh machine");
	printf("  %llu MiB of simulated memory, %llu pages, pageblocks of %u pages (order %u).\n",
	       (unsigned long long)(d->mem >> 20), (unsigned long long)zi.managed_pages,
	       1u << zi.pageblock_order, zi.pageblock_order);
	say("All memory sits in the largest free blocks (order 10, 4 MiB).");
	show_buddy(0);

	step("2. Fill 80% with a mix of movable and unmovable allocations");
	say("Movable order-0 pages stand for user and zsmalloc pages; unmovable");
	say("order-0..2 blocks stand for kernel objects (slabs, page tables).");
	target = zi.managed_pages * 8 / 10;
	while (used < target && nr < cap) {
		struct block *b = &blocks[nr];
		unsigned long pfn;

		if (util_rng_below(&d->rng, 100) < 75) {
			b->type = ZSIM_MOVABLE;
			b->order = 0;
		} else {
			b->type = ZSIM_UNMOVABLE;
			b->order = util_rng_below(&d->rng, 3);
		}
		pfn = zsim_alloc_pages(b->order, b->type);
		if (!pfn)
			break;
		b->pfn = pfn;
		used += 1u << b->order;
		nr++;
	}
	printf("  allocated %zu blocks, %llu pages\n", nr, (unsigned long long)used);
	show_buddy(1);
	say("Each migratetype keeps to its own pageblocks, so unmovable blocks");
	say("pollute as few pageblocks as possible (grouping by mobility).");

	step("3. Free a random 60% of the movable pages and half the unmovable ones");
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
	printf("  freed %llu pages: %llu of %llu pages are free now\n",
	       (unsigned long long)freed, (unsigned long long)zi.free_pages,
	       (unsigned long long)zi.managed_pages);
	show_buddy(0);
	printf("  The holes are scattered: %.1f%% of free memory is unusable for an\n"
	       "  order-3 (32 KiB) request, %.1f%% for order 2 (the fork case).  The\n"
	       "  %llu movable pages still in place are what compaction would move.\n",
	       zsim_unusable_index(3) / 10.0, zsim_unusable_index(2) / 10.0,
	       (unsigned long long)movable);
	printf("  extfrag index for order 3: %d.%03d (near 1: failure from fragmentation,\n"
	       "  near 0: from lack of memory; -1 means the request would succeed)\n",
	       zsim_extfrag_index(3) / 1000, abs(zsim_extfrag_index(3) % 1000));
	*blocksp = blocks;
	*nrp = nr;
	return 0;
}

static void release_blocks(struct block *blocks, size_t nr)
{
	step("4. Free everything: buddies merge back");
	for (size_t i = 0; i < nr; i++)
		if (blocks[i].pfn)
			zsim_free_pages(blocks[i].pfn, blocks[i].order);
	free(blocks);
	say("Each freed block merges with its free buddy, order after order.");
	show_buddy(0);
}

/* --- part 2: zsmalloc --------------------------------------------------------- */

/* Print the debugfs classes table, only the rows with zspages. */
static void show_classes(struct zs_pool *pool)
{
	char *buf = NULL, *line, *save;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	int first = 1;

	if (!mem)
		return;
	zs_print_classes(pool, mem);
	fclose(mem);
	printf("\n/sys/kernel/debug/zsmalloc/demo/classes (rows with zspages only):\n");
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long v[20];
		int n;

		if (first || strstr(line, "Total")) {
			printf("%s\n", line);
			first = 0;
			continue;
		}
		n = sscanf(line, "%lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu",
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8],
			   &v[9], &v[10], &v[11], &v[12], &v[13], &v[14], &v[15], &v[16], &v[17]);
		/* obj_allocated is the 5th column from the end */
		if (n >= 9 && v[n - 5] != 0)
			printf("%s\n", line);
	}
	free(buf);
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

static void show_density(struct zs_pool *pool, uint64_t stored_bytes, const char *when)
{
	unsigned long pages = zs_get_total_pages(pool);

	printf("  %s: %llu bytes stored in %lu pages (%lu KiB): density %.2f%%; process RSS %.1f MiB\n",
	       when, (unsigned long long)stored_bytes, pages, pages * 4,
	       pages ? 100.0 * stored_bytes / (pages * 4096.0) : 0.0, (util_rss_bytes() / 1048576.0));
}

/*
 * The same fill, free and compaction on a Linux 4.8 pool (chain 4, four
 * fullness groups and their compaction), with the same object sizes and
 * the same objects freed.
 */
static void compare_linux_4_8(const struct stored *objs, size_t nr, uint64_t live)
{
	struct zs_pool_config cfg;
	struct zs_pool *pool;
	unsigned long *h = calloc(nr, sizeof(*h));
	unsigned long before, after;
	size_t i;

	step("10. The same compaction on a Linux 4.8 pool");
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
			printf("  (the Linux 4.8 comparison ran out of memory)\n");
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
	printf("  The same objects, the same 60%% freed, zs_compact() on a Linux 4.8 pool\n"
	       "  (chain 4, max-used page rule, four fullness groups and their compaction):\n"
	       "  density %.2f%% -> %.2f%% (%lu -> %lu pages).\n",
	       100.0 * live / (before * 4096.0), 100.0 * live / (after * 4096.0),
	       before, after);
	say("With a few thousand objects, each class's last, partly used zspage");
	say("weighs: chain-8 zspages are larger, so the newest pool ends lower here;");
	say("at hundreds of thousands of objects it ends higher (bench_compact).");
	for (i = 0; i < nr; i++)
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

static void zone_compaction_step(void)
{
	uint64_t migrated = vm("pgmigrate_success");
	uint64_t stalls = vm("compact_stall");
	int off, on;

	step("8. Zone compaction: the VM moves zsmalloc pages (page migration)");
	say("The pages zs_compact() freed are holes between zspages that live on,");
	say("and between the kernel's unmovable pages: free memory is plenty, but");
	say("in small pieces.  zsmalloc's pages are movable: each zspage page has");
	say("isolate, migrate and putback callbacks, so the VM can move them.");
	zsim_set_compaction(false);
	off = count_high_order(3);
	zsim_set_compaction(true);
	on = count_high_order(3);
	printf("\n  order-3 (32 KiB) blocks a GFP_KERNEL caller can get, one after another:\n"
	       "    compaction off: %d    compaction on: %d (%llu direct compaction stalls,\n"
	       "    %llu pages migrated)\n", off, on,
	       (unsigned long long)(vm("compact_stall") - stalls),
	       (unsigned long long)(vm("pgmigrate_success") - migrated));

	migrated = vm("pgmigrate_success");
	zsim_compact_memory();
	printf("\n  zsim_compact_memory() (echo 1 > /proc/sys/vm/compact_memory) migrated\n"
	       "  %llu pages more; free memory gathers in large blocks:\n",
	       (unsigned long long)(vm("pgmigrate_success") - migrated));
	show_buddy(0);
	printf("  process RSS %.1f MiB: whole free pageblocks went back to the OS.\n", (util_rss_bytes() / 1048576.0));
	say("Unmovable pages still pin their pageblocks; everything movable,");
	say("zsmalloc's pages included, can be gathered to free whole blocks.");
}

#define MAX_PINNED 4096

static int zsmalloc_part(struct demo *d)
{
	struct zs_pool *pool;
	struct zs_zram_stat zram = { 0 };
	struct zs_pool_stats stats;
	struct stored *objs;
	struct zsim_zoneinfo zi;
	unsigned long pinned[MAX_PINNED];
	size_t nr_pinned = 0;
	char *data = NULL, *cbuf, *dbuf;
	size_t nr_pages, nr_objs = 0, i;
	uint64_t stored_bytes = 0, live = 0;
	unsigned long freed_pages;
	size_t huge_limit;
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
	huge_limit = zs_huge_class_size(pool);
	zsim_get_zoneinfo(&zi);
	printf("  Pages of program and library files, each compressed with lz4 as zram\n"
	       "  would: same-filled pages are not stored; pages that compress to %zu bytes\n"
	       "  or more (zs_huge_class_size) are stored whole, one per page.  Storing\n"
	       "  stops when the pool holds 70%% of memory; one unmovable page is pinned\n"
	       "  for every 64 objects, as kernel allocations come and go meanwhile.\n",
	       huge_limit);
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
	printf("  stored %zu objects (%llu same-filled pages skipped, %llu huge), %zu pages pinned\n",
	       nr_objs, (unsigned long long)zram.same_pages,
	       (unsigned long long)zram.huge_pages, nr_pinned);
	show_classes(pool);
	printf("\nmm_stat (orig compr mem_used limit mem_max same compacted huge huge_since):\n");
	zs_print_mm_stat(pool, &zram, stdout);
	show_density(pool, stored_bytes, "after fill");

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
		}
	}
	zram.compr_data_size = live;
	show_classes(pool);
	show_density(pool, live, "after free");
	say("Freed slots are scattered over zspages that still hold live objects,");
	say("so few zspages empty out: the pool keeps most of its pages (the");
	say("'freeable' column is what compaction could give back).");

	step("7. zs_compact(): move objects out of sparse zspages");
	freed_pages = zs_compact(pool);
	zs_pool_stats(pool, &stats);
	printf("  zs_compact() freed %lu pages (pages_compacted %ld)\n", freed_pages,
	       stats.pages_compacted);
	show_classes(pool);
	printf("\nmm_stat:\n");
	zs_print_mm_stat(pool, &zram, stdout);
	show_density(pool, live, "after compaction");
	say("RSS stays: the freed pages lie scattered between live zspages, and the");
	say("simulated machine gives only whole free pageblocks back to the OS.");
	show_buddy(0);
	say("Handles did not change: each object moved by rewriting one word.");

	zone_compaction_step();

	step("9. Read everything back");
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
	printf("  every live object, moved by zs_compact() and by page migration,\n"
	       "  decompressed to its original page: %s\n",
	       bad ? "NO" : "yes");
	zs_destroy_pool(pool);
	compare_linux_4_8(objs, nr_objs, live);
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
	{ OPT_SECTION, "Machine options (default: 32M, pageblock order 9)",
	  0, NULL, NULL, 0, 0, 0, NULL, 0, NULL },
};

int cmd_demo(int argc, char **argv)
{
	struct demo d = { .seed = 1, .nr_pages = 8192 };
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
		"zsim demo", "[--seed N] [--pages N] [--mem SIZE] [--pageblock-order N]",
		"A guided run: fragment the buddy allocator of a small simulated machine,\n"
		"then store real lz4-compressed pages in a zsmalloc pool, free some and\n"
		"compact, printing the kernel's statistics at each step.\n",
		NULL, tables);

	ret = opts_main(&cmd, argc, argv, &first, 0);
	if (ret >= 0)
		return ret;
	ret = 0;
	if (machine_opts_finish(&mo))
		return OPTS_EXIT_USAGE;
	d.mem = mo.mem;
	d.pageblock_order = mo.pageblock_order;
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
	printf("zsim demo, seed %llu\n", (unsigned long long)d.seed);

	if (fragment(&d, &blocks, &nr)) {
		zsim_exit();
		return 1;
	}
	release_blocks(blocks, nr);
	ret = zsmalloc_part(&d);

	step("11. Shut down");
	leaked = zsim_exit();
	printf("  zsim_exit(): %ld pages or objects leaked\n", leaked);
	return ret || leaked ? 1 : 0;
}
