// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * zsim trace-gen: write allocation traces for zsim replay.
 *
 * Object sizes come either from real files, compressed page by page as
 * zram compresses swapped-out pages, or from synthetic mixtures modelled
 * on published zram measurements (the zram measurements in the kernel documentation and the
 * Linux 6.2 zsmalloc chain-size series).
 * Then a lifecycle: fill, optional in-place overwrites, and rounds of
 * freeing a random share, compacting and refilling, with "p NAME" lines
 * where a replay should report.  One seed drives every random choice, so
 * the same seed and inputs give the same bytes.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <lz4.h>
#include <zstd.h>

#include "trace.h"
#include "zsim_cli.h"

#ifndef ZSIM_MULTIARCH
#define ZSIM_MULTIARCH ""
#endif

#define PAGE		4096u

enum source { SRC_NONE, SRC_FILES, SRC_MIX };
#define MAX_DEPTH	32	/* directories below a --files DIR */
enum mix { MIX_KERNEL_BUILD, MIX_ANDROID, MIX_UNIFORM };
enum compressor { COMP_LZ4, COMP_ZSTD };

static const char *const mix_names[] = { "kernel-build", "android", "uniform" };

struct gen {
	int files;			/* --files given */
	int mix_given;			/* --mix given */
	enum source source;
	int mix;			/* enum mix */
	int comp;			/* enum compressor */
	unsigned int level;
	uint64_t seed;
	uint64_t max_pages;
	uint64_t objects;
	unsigned int free_share;	/* percent */
	unsigned int overwrite;		/* percent */
	uint64_t compact_every;
	unsigned int rounds;
	int refill, compact, huge_rule;
	struct pool_opts po;
	size_t huge_class_size;
	const char *out;

	char **paths;
	size_t nr_paths;

	struct util_rng rng;
	struct trace_writer w;
	uint64_t ops_since_compact;
	uint64_t next_id;

	/* files: the stored size of every non-same-filled page, in input order */
	uint32_t *sizes;
	size_t nr_sizes, cap_sizes;
	uint64_t pages, same_filled, huge, files_read;

	/* live ids and their sizes */
	uint64_t *live;
	size_t nr_live, cap_live;
};

/* --- writing, with interleaved compaction ------------------------------------------- */

static void tick(struct gen *g)
{
	if (g->compact_every && ++g->ops_since_compact >= g->compact_every) {
		trace_write_compact(&g->w);
		g->ops_since_compact = 0;
	}
}

static int live_push(struct gen *g, uint64_t id)
{
	if (g->nr_live == g->cap_live) {
		size_t ncap = g->cap_live ? g->cap_live * 2 : 4096;
		uint64_t *n = realloc(g->live, ncap * sizeof(*n));

		if (!n)
			return -1;
		g->live = n;
		g->cap_live = ncap;
	}
	g->live[g->nr_live++] = id;
	return 0;
}

/* --- sizes --------------------------------------------------------------------------- */

/*
 * Compressed sizes of kernel-build artefacts in zram, chain 4 (kernel
 * docs and the Oct 2022 chain-size series): classes of 1168..3264 bytes
 * and how many objects each held.  Inside a class, sizes are uniform over
 * its 16-byte step.
 */
static const struct { uint16_t size; uint32_t objects; } kbuild_classes[] = {
	{ 1168, 6146 }, { 1216, 4552 }, { 1248, 2934 }, { 1360, 10971 },
	{ 1488, 16126 }, { 1536, 5908 }, { 1632, 11990 }, { 1744, 15768 },
	{ 1808, 10380 }, { 2048, 45444 }, { 2336, 47446 }, { 2448, 10759 },
	{ 2720, 10173 }, { 3072, 1697 }, { 3264, 286 },
};

static uint32_t uniform(struct gen *g, uint32_t lo, uint32_t hi)
{
	return lo + (uint32_t)util_rng_below(&g->rng, (uint64_t)hi - lo + 1);
}

static uint32_t mix_size(struct gen *g)
{
	double u = util_rng_double(&g->rng);

	switch (g->mix) {
	case MIX_KERNEL_BUILD: {
		/* 8 % huge, 49 % from the class table, 43 % uniform 32..1167 */
		uint64_t total = 0, pick;
		size_t c;

		if (u < 0.08)
			return PAGE;
		if (u >= 0.57)
			return uniform(g, 32, 1167);
		for (c = 0; c < sizeof(kbuild_classes) / sizeof(kbuild_classes[0]); c++)
			total += kbuild_classes[c].objects;
		pick = util_rng_below(&g->rng, total);
		for (c = 0; pick >= kbuild_classes[c].objects; c++)
			pick -= kbuild_classes[c].objects;
		return uniform(g, kbuild_classes[c].size - 15u, kbuild_classes[c].size);
	}
	case MIX_ANDROID: {
		/*
		 * zstd on Android anonymous memory: lognormal with mean 960 and
		 * standard deviation 0.7 * mean, plus 1.5 % incompressible pages.
		 */
		const double mean = 960.0, cv = 0.7;
		const double sigma2 = log(1.0 + cv * cv);
		const double mu = log(mean) - sigma2 / 2.0;
		double u1, u2, z, x;

		if (u < 0.015)
			return PAGE;
		do {
			u1 = util_rng_double(&g->rng);
		} while (u1 <= 0.0);
		u2 = util_rng_double(&g->rng);
		z = sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
		x = exp(mu + sqrt(sigma2) * z);
		if (x < 32.0)
			x = 32.0;
		if (x > PAGE)
			x = PAGE;
		return (uint32_t)x;
	}
	case MIX_UNIFORM:
	default:
		return uniform(g, 32, PAGE);
	}
}

/* zram's rule: what compresses to huge_class_size or more is stored whole. */
static uint32_t zram_store(struct gen *g, uint32_t size)
{
	if (g->huge_rule && size >= g->huge_class_size)
		return PAGE;
	return size;
}

/* A size for a new object after the fill. */
static uint32_t next_size(struct gen *g)
{
	if (g->source == SRC_FILES)
		return g->sizes[util_rng_below(&g->rng, g->nr_sizes)];
	return zram_store(g, mix_size(g));
}

/* --- real files ---------------------------------------------------------------------- */

static int add_path(struct gen *g, const char *path, size_t *cap)
{
	if (g->nr_paths == *cap) {
		size_t ncap = *cap ? *cap * 2 : 256;
		char **n = realloc(g->paths, ncap * sizeof(*n));

		if (!n)
			return -1;
		g->paths = n;
		*cap = ncap;
	}
	g->paths[g->nr_paths] = strdup(path);
	return g->paths[g->nr_paths++] ? 0 : -1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The regular files in @dir (not symlinks), sorted by name; with @depth
 * above 0, the files in its subdirectories too, each directory's files
 * in name order, depth first.  Symlinked directories are not followed.
 */
static int add_dir(struct gen *g, const char *dir, size_t *cap, unsigned int depth)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t nr = 0, cap_names = 0;
	int ret = 0;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (nr == cap_names) {
			size_t ncap = cap_names ? cap_names * 2 : 64;
			char **n = realloc(names, ncap * sizeof(*n));

			if (!n) {
				ret = -1;
				break;
			}
			names = n;
			cap_names = ncap;
		}
		names[nr] = strdup(de->d_name);
		if (!names[nr]) {
			ret = -1;
			break;
		}
		nr++;
	}
	closedir(d);
	if (!ret && nr)
		qsort(names, nr, sizeof(*names), cmp_str);
	for (size_t i = 0; i < nr && !ret; i++) {
		char path[4096];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (lstat(path, &st))
			continue;
		if (S_ISREG(st.st_mode) && !access(path, R_OK))
			ret = add_path(g, path, cap);
		else if (S_ISDIR(st.st_mode) && depth > 0)
			add_dir(g, path, cap, depth - 1);	/* unreadable: skipped */
	}
	for (size_t i = 0; i < nr; i++)
		free(names[i]);
	free(names);
	return ret;
}

static int default_files(struct gen *g, size_t *cap)
{
	static const char *const dirs[] = {
		"/usr/bin", "/usr/sbin", "/usr/lib/" ZSIM_MULTIARCH, "/usr/libexec",
	};

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		add_dir(g, dirs[i], cap, 0);	/* a missing directory is fine */
	if (!g->nr_paths) {
		fprintf(stderr, "zsim trace-gen: found no files in the default directories;"
			" name some with --files\n");
		return -1;
	}
	/* a seeded shuffle, so the sample mixes programs and libraries */
	for (size_t i = g->nr_paths - 1; i > 0; i--) {
		size_t j = util_rng_below(&g->rng, i + 1);
		char *tmp = g->paths[i];

		g->paths[i] = g->paths[j];
		g->paths[j] = tmp;
	}
	return 0;
}

static int same_filled(const unsigned char *page)
{
	uint64_t first, w;

	memcpy(&first, page, 8);
	for (size_t i = 8; i < PAGE; i += 8) {
		memcpy(&w, page + i, 8);
		if (w != first)
			return 0;
	}
	return 1;
}

static int compress_files(struct gen *g)
{
	unsigned char page[PAGE];
	size_t cap = ZSTD_compressBound(PAGE) > (size_t)LZ4_compressBound(PAGE) ?
		     ZSTD_compressBound(PAGE) : (size_t)LZ4_compressBound(PAGE);
	char *dst = malloc(cap);
	ZSTD_CCtx *cctx = g->comp == COMP_ZSTD ? ZSTD_createCCtx() : NULL;
	int ret = 0;

	if (!dst || (g->comp == COMP_ZSTD && !cctx)) {
		fprintf(stderr, "zsim trace-gen: out of memory\n");
		ret = -1;
		goto out;
	}
	for (size_t f = 0; f < g->nr_paths && g->pages < g->max_pages; f++) {
		int fd = open(g->paths[f], O_RDONLY);
		int any = 0;

		if (fd < 0) {
			fprintf(stderr, "zsim trace-gen: %s: %s (skipped)\n", g->paths[f],
				strerror(errno));
			continue;
		}
		while (g->pages < g->max_pages) {
			size_t have = 0;
			ssize_t n;
			long clen;

			while (have < PAGE && (n = read(fd, page + have, PAGE - have)) > 0)
				have += (size_t)n;
			if (!have)
				break;
			/* a file's last page is zero-padded, as in the page cache */
			memset(page + have, 0, PAGE - have);
			any = 1;
			g->pages++;
			if (same_filled(page)) {
				g->same_filled++;
				continue;
			}
			if (g->comp == COMP_LZ4)
				clen = LZ4_compress_default((const char *)page, dst, PAGE, (int)cap);
			else {
				size_t z = ZSTD_compressCCtx(cctx, dst, cap, page, PAGE, (int)g->level);

				clen = ZSTD_isError(z) ? -1 : (long)z;
			}
			if (clen <= 0 || (size_t)clen >= g->huge_class_size) {
				clen = PAGE;
				g->huge++;
			}
			if (g->nr_sizes == g->cap_sizes) {
				size_t ncap = g->cap_sizes ? g->cap_sizes * 2 : 4096;
				uint32_t *s = realloc(g->sizes, ncap * sizeof(*s));

				if (!s) {
					close(fd);
					fprintf(stderr, "zsim trace-gen: out of memory\n");
					ret = -1;
					goto out;
				}
				g->sizes = s;
				g->cap_sizes = ncap;
			}
			g->sizes[g->nr_sizes++] = (uint32_t)clen;
			if (have < PAGE)
				break;
		}
		close(fd);
		g->files_read += any;
	}
	if (!g->nr_sizes) {
		fprintf(stderr, "zsim trace-gen: no page to store: the %llu file(s) read gave %llu"
			" page(s), all of them empty or same-filled\n",
			(unsigned long long)g->files_read, (unsigned long long)g->pages);
		ret = -1;
	}
out:
	free(dst);
	ZSTD_freeCCtx(cctx);
	return ret;
}

/* --- the lifecycle ------------------------------------------------------------------- */

static int alloc_new(struct gen *g, uint32_t size)
{
	uint64_t id = g->next_id++;

	if (live_push(g, id))
		return -1;
	trace_write_alloc(&g->w, id, size);
	tick(g);
	return 0;
}

/* Move a random @k of the live ids to the end of the array, in random order. */
static void pick_tail(struct gen *g, size_t k)
{
	for (size_t i = 0; i < k; i++) {
		size_t last = g->nr_live - 1 - i;
		size_t j = util_rng_below(&g->rng, last + 1);
		uint64_t tmp = g->live[last];

		g->live[last] = g->live[j];
		g->live[j] = tmp;
	}
}

static size_t share(size_t n, unsigned int percent)
{
	return (size_t)(((uint64_t)n * percent + 50) / 100);
}

static void phase(struct gen *g, const char *base, unsigned int pct, unsigned int round)
{
	char name[64];
	int n = snprintf(name, sizeof(name), "%s", base);

	if (pct)
		n += snprintf(name + n, sizeof(name) - n, "%u", pct);
	if (round > 1)
		snprintf(name + n, sizeof(name) - n, ".%u", round);
	trace_write_phase(&g->w, name);
}

static int lifecycle(struct gen *g)
{
	size_t nr_fill = g->source == SRC_FILES ? g->nr_sizes : (size_t)g->objects;

	g->next_id = 1;
	for (size_t i = 0; i < nr_fill; i++) {
		uint32_t size = g->source == SRC_FILES ? g->sizes[i] : zram_store(g, mix_size(g));

		if (alloc_new(g, size))
			return -1;
	}
	phase(g, "fill", 0, 0);

	if (g->overwrite) {
		/* zram rewriting a block: the old object goes, a new one takes its id */
		size_t k = share(g->nr_live, g->overwrite);

		pick_tail(g, k);
		for (size_t i = g->nr_live - k; i < g->nr_live; i++) {
			trace_write_free(&g->w, g->live[i]);
			tick(g);
			trace_write_alloc(&g->w, g->live[i], next_size(g));
			tick(g);
		}
		phase(g, "overwrite", g->overwrite, 0);
	}

	for (unsigned int round = 1; round <= g->rounds; round++) {
		size_t k = 0;

		if (g->free_share) {
			k = share(g->nr_live, g->free_share);
			pick_tail(g, k);
			for (size_t i = g->nr_live - k; i < g->nr_live; i++) {
				trace_write_free(&g->w, g->live[i]);
				tick(g);
			}
			g->nr_live -= k;
			phase(g, "free", g->free_share, round);
		}
		if (g->compact) {
			trace_write_compact(&g->w);
			g->ops_since_compact = 0;
			phase(g, "compact", 0, round);
		}
		if (g->refill && k) {
			for (size_t i = 0; i < k; i++)
				if (alloc_new(g, next_size(g)))
					return -1;
			phase(g, "refill", 0, round);
		}
	}
	return 0;
}

/* --- options --------------------------------------------------------------------------- */

static const struct opt_choice mix_choices[] = {
	{ "kernel-build", MIX_KERNEL_BUILD },
	{ "android", MIX_ANDROID },
	{ "uniform", MIX_UNIFORM },
	{ NULL, 0 },
};

static const struct opt_choice compressors[] = {
	{ "lz4", COMP_LZ4 },
	{ "zstd", COMP_ZSTD },
	{ NULL, 0 },
};

static int mix_given(void *ctx, const struct opt *o, const char *val)
{
	struct gen *g = ctx;

	(void)o;
	(void)val;
	g->mix_given = 1;
	return 0;
}

#define G(field)	offsetof(struct gen, field)

static const struct opt gen_table[] = {
	{ OPT_SECTION, "Object sizes", 0, NULL, NULL, 0, 0, 0, NULL, 0, NULL },
	{ .kind = OPT_FLAG, .name = "files", .flag = 1, .offset = G(files),
	  .help = "real files (the PATHs; a directory stands for the regular\n"
		  "files in it and in its subdirectories), split into 4 KiB\n"
		  "pages and compressed one page at a time as zram does:\n"
		  "same-filled pages are not stored (counted in a comment),\n"
		  "pages compressing to zs_huge_class_size or more are stored\n"
		  "as 4096 bytes.  Without PATHs: a sample, shuffled by --seed,\n"
		  "of /usr/bin, /usr/sbin, /usr/lib/" ZSIM_MULTIARCH " and /usr/libexec" },
	{ .kind = OPT_CHOICE, .name = "compressor", .metavar = "lz4|zstd", .offset = G(comp),
	  .choices = compressors, .help = "(default lz4)" },
	{ .kind = OPT_UINT, .name = "level", .metavar = "N", .offset = G(level), .min = 1, .max = 22,
	  .help = "zstd level (default 3, zram's)" },
	{ .kind = OPT_U64, .name = "max-pages", .metavar = "N", .offset = G(max_pages),
	  .min = 1, .max = UINT64_MAX,
	  .help = "read at most N pages of files (default 32768: 128 MiB)" },
	{ .kind = OPT_CHOICE, .name = "mix", .metavar = "NAME", .offset = G(mix),
	  .choices = mix_choices, .hook = mix_given,
	  .help = "synthetic compressed sizes, modelled on published zram\n"
		  "measurements (not with --files):\n"
		  "kernel-build  8% huge, 49% kernel-build classes\n"
		  "              1168..3264 B, 43% uniform 32..1167 B\n"
		  "android       lognormal, mean 960 B, sd 0.7*mean,\n"
		  "              plus 1.5% huge\n"
		  "uniform       uniform 32..4096 B (a stress case)" },
	{ .kind = OPT_U64, .name = "objects", .metavar = "N", .offset = G(objects),
	  .min = 1, .max = 1ull << 32, .help = "objects in the fill for --mix (default 100000)" },
	{ .kind = OPT_FLAG, .name = "no-huge-rule", .flag = 0, .offset = G(huge_rule),
	  .help = "keep mix sizes at or above zs_huge_class_size as drawn" },

	{ OPT_SECTION, "Lifecycle (each step ends with a 'p NAME' line)",
	  0, NULL, NULL, 0, 0, 0, NULL, 0, NULL },
	{ .kind = OPT_UINT, .name = "overwrite", .metavar = "P", .offset = G(overwrite),
	  .min = 0, .max = 100,
	  .help = "after the fill (p fill), free and reallocate P% of the live\n"
		  "ids with new sizes, as zram rewriting blocks (p overwriteP)" },
	{ .kind = OPT_UINT, .name = "rounds", .metavar = "R", .offset = G(rounds),
	  .min = 1, .max = 1000,
	  .help = "then R times (default 1): free, compact, refill; from\n"
		  "round 2 on, names get a suffix: free60.2, compact.2" },
	{ .kind = OPT_UINT, .name = "free-share", .metavar = "P", .offset = G(free_share),
	  .min = 0, .max = 100,
	  .help = "free a random P% of what is live (default 60; 0: none)\n"
		  "(p freeP)" },
	{ .kind = OPT_FLAG, .name = "no-compact", .flag = 0, .offset = G(compact),
	  .help = "no 'c' after the frees (else p compact)" },
	{ .kind = OPT_FLAG, .name = "no-refill", .flag = 0, .offset = G(refill),
	  .help = "do not allocate as many new objects as were freed, with\n"
		  "sizes from the same source (else p refill)" },
	{ .kind = OPT_U64, .name = "compact-every", .metavar = "N", .offset = G(compact_every),
	  .min = 0, .max = UINT64_MAX,
	  .help = "also write 'c' after every N allocations and frees" },

	{ OPT_SECTION, "Other options", 0, NULL, NULL, 0, 0, 0, NULL, 0, NULL },
	{ .kind = OPT_STRING, .name = "output", .short_name = 'o', .metavar = "FILE",
	  .offset = G(out),
	  .help = "output file (default stdout); a name ending in .gz is\n"
		  "written gzip-compressed" },
	{ .kind = OPT_U64, .name = "seed", .metavar = "N", .offset = G(seed),
	  .min = 0, .max = UINT64_MAX,
	  .help = "seed for every random choice (default 1); the same\n"
		  "seed and inputs give the same bytes" },
};

static const char gen_epilogue[] =
	"The pool options choose zs_huge_class_size: 3625 for 6.18 (newest), 3257 for 4.8.\n";

static int huge_size(struct gen *g)
{
	struct zsim_config cfg;
	struct zs_pool *pool;
	int err, booted = 0;

	if (!zsim_running()) {
		zsim_config_default(&cfg);
		cfg.mem_bytes = 16ull << 20;
		cfg.pageblock_order = 9;
		cfg.loglevel = 3;
		err = zsim_init(&cfg);
		if (err) {
			fprintf(stderr, "zsim trace-gen: cannot boot a machine: %s\n",
				zsim_last_error());
			return -1;
		}
		booted = 1;
	}
	pool = zs_create_pool_config("trace-gen", &g->po.cfg, &err);
	if (!pool) {
		fprintf(stderr, "zsim trace-gen: cannot create a pool: %s\n", strerror(-err));
		if (booted)
			zsim_exit();
		return -1;
	}
	g->huge_class_size = zs_huge_class_size(pool);
	zs_destroy_pool(pool);
	if (booted)
		zsim_exit();
	return 0;
}

static void gen_free(struct gen *g)
{
	for (size_t i = 0; i < g->nr_paths; i++)
		free(g->paths[i]);
	free(g->paths);
	free(g->sizes);
	free(g->live);
}

int cmd_trace_gen(int argc, char **argv)
{
	struct gen g;
	size_t cap_paths = 0;
	char err[512], desc[128];
	int ret = OPTS_EXIT_USAGE, first, r;
	const struct opt_table tables[] = {
		OPTS_TABLE(gen_table, &g),
		POOL_OPTS_TABLE(&g.po),
	};
	const struct opt_command cmd = OPTS_COMMAND(
		"zsim trace-gen", "(--files [PATH...] | --mix NAME) [options] [pool options]",
		"Write an allocation trace for 'zsim replay'.\n",
		gen_epilogue, tables);

	memset(&g, 0, sizeof(g));
	g.level = 3;
	g.seed = 1;
	g.max_pages = 32768;
	g.objects = 100000;
	g.free_share = 60;
	g.rounds = 1;
	g.refill = g.compact = g.huge_rule = 1;
	pool_opts_init(&g.po);

	r = opts_main(&cmd, argc, argv, &first, -1);
	if (r >= 0)
		return r;
	r = 0;
	if (g.files && g.mix_given) {
		opts_error("--mix and --files do not go together (sizes come from one source)");
		goto out;
	}
	if (!g.files && !g.mix_given) {
		opts_error("say where sizes come from: --files [PATH...] or --mix NAME"
			   " (see zsim trace-gen --help)");
		goto out;
	}
	if (g.mix_given && first < argc) {
		opts_error("'%s': file paths go with --files, not --mix", argv[first]);
		goto out;
	}
	if (g.comp != COMP_ZSTD && g.level != 3) {
		opts_error("--level is for --compressor zstd");
		goto out;
	}
	if (g.level > (unsigned int)ZSTD_maxCLevel()) {
		opts_error("--level: '%u' is out of range (1..%d)", g.level, ZSTD_maxCLevel());
		goto out;
	}
	g.source = g.files ? SRC_FILES : SRC_MIX;
	for (int i = first; i < argc; i++) {
		const char *a = argv[i];
		struct stat st;
		size_t before = g.nr_paths;

		if (stat(a, &st)) {
			opts_error("%s: %s", a, strerror(errno));
			goto out;
		}
		if (S_ISDIR(st.st_mode) ? add_dir(&g, a, &cap_paths, MAX_DEPTH) :
		    add_path(&g, a, &cap_paths)) {
			opts_error("%s: cannot list it: %s", a, strerror(errno));
			goto out;
		}
		if (g.nr_paths == before) {
			opts_error("%s: no readable regular file in it or below it", a);
			goto out;
		}
	}
	if (pool_opts_finish(&g.po))
		goto out;
	ret = 1;
	if (huge_size(&g))
		goto out;
	util_rng_init(&g.rng, g.seed);
	if (g.source == SRC_FILES) {
		if (first >= argc && default_files(&g, &cap_paths))
			goto out;
		if (compress_files(&g))
			goto out;
	}

	if (trace_writer_open(&g.w, g.out, err, sizeof(err))) {
		fprintf(stderr, "zsim trace-gen: %s\n", err);
		goto out;
	}
	trace_write_comment(&g.w, "zsim trace-gen %s, seed %llu", ZSIM_VERSION,
			    (unsigned long long)g.seed);
	trace_write_comment(&g.w, "huge objects: %zu bytes or more are stored as 4096 (%s)",
			    g.huge_class_size, pool_opts_describe(&g.po, desc, sizeof(desc)));
	if (g.source == SRC_FILES) {
		uint64_t bytes = 0;

		for (size_t i = 0; i < g.nr_sizes; i++)
			bytes += g.sizes[i];
		trace_write_comment(&g.w, "source: %llu pages of %llu %sfiles, %s%s%.0d",
				    (unsigned long long)g.pages, (unsigned long long)g.files_read,
				    first >= argc ? "system " : "",
				    g.comp == COMP_LZ4 ? "lz4" : "zstd",
				    g.comp == COMP_ZSTD ? " level " : "",
				    g.comp == COMP_ZSTD ? (int)g.level : 0);
		trace_write_comment(&g.w, "same_filled %llu (not stored) huge %llu stored %zu"
				    " compr_bytes %llu mean %.0f ratio %.2f",
				    (unsigned long long)g.same_filled, (unsigned long long)g.huge,
				    g.nr_sizes, (unsigned long long)bytes,
				    (double)bytes / g.nr_sizes,
				    (double)(g.pages - g.same_filled) * PAGE / (double)bytes);
	} else {
		trace_write_comment(&g.w, "source: mix %s, %llu objects", mix_names[g.mix],
				    (unsigned long long)g.objects);
	}
	trace_write_comment(&g.w, "lifecycle: overwrite %u%%, %u round(s) of free %u%%%s%s,"
			    " compact every %llu ops", g.overwrite, g.rounds, g.free_share,
			    g.compact ? " + compact" : "", g.refill ? " + refill" : "",
			    (unsigned long long)g.compact_every);
	if (lifecycle(&g)) {
		fprintf(stderr, "zsim trace-gen: out of memory\n");
		trace_writer_close(&g.w, err, sizeof(err));
		goto out;
	}
	if (trace_writer_close(&g.w, err, sizeof(err))) {
		fprintf(stderr, "zsim trace-gen: %s\n", err);
		goto out;
	}
	ret = 0;
out:
	gen_free(&g);
	return ret;
}
