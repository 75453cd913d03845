// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * zsram: a userspace zram, as an nbdkit plugin, on libzsmalloc.
 *
 *   nbdkit zsram.so size=64M [mem_limit=SIZE] [comp_algorithm=lz4|zstd]
 *                            [level=N] [blocksize=4096] [stats=DIR]
 *                            [compact_on_flush=BOOL]
 *
 * The device is an array of 4 KiB blocks.  Each written block is one of:
 *
 *   - empty: never written, trimmed or zeroed; reads as zeros, holds no
 *     memory (zram's freed slot);
 *   - same-filled: every 8-byte word equal, kept as that value alone
 *     (zram's ZRAM_SAME);
 *   - compressed: lz4 or zstd output in a zsmalloc object;
 *   - huge: output that is not smaller than zs_huge_class_size(), so the
 *     block is stored whole, uncompressed, one per page (zram's
 *     ZRAM_HUGE).
 *
 * zram's write path in Linux 6.1 is the
 * model: compress, allocate, check the memory limit, copy, then swap the
 * new object into the slot and free the old one.  A slot is changed only
 * under its lock; slots share a fixed set of striped mutexes, so requests
 * on different blocks run in parallel (nbdkit's parallel thread model).
 *
 * The allocator runs on libzsmalloc's simulated machine, booted after
 * nbdkit forks (threads do not survive fork()), and sized from the
 * memory limit.  A write that would take the pool above mem_limit
 * compacts the pool once and retries; if it is still above, the write
 * fails with ENOSPC and the block keeps its old contents.  When the
 * machine itself runs short, zs_malloc() reclaims through the pool's
 * shrinker, which compacts, before it gives up.
 *
 * Statistics in zram's formats (mm_stat, io_stat, bd_stat) and the
 * pool's debugfs classes table are written as files into the stats=
 * directory at every flush and when nbdkit exits, and to the debug log
 * (nbdkit -v) at exit.
 */
#define NBDKIT_API_VERSION 2
#include <nbdkit-plugin.h>

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lz4.h>
#include <zstd.h>
#include <zsmalloc/zsmalloc.h>
#include <zsmalloc/zsim.h>

#define THREAD_MODEL NBDKIT_THREAD_MODEL_PARALLEL

#define BLOCK_SIZE	4096u
#define BLOCK_SHIFT	12
#define NR_LOCKS	1024u	/* striped slot locks, a power of two */
#define CBUF_SIZE	8192u	/* above both compressors' bound for 4 KiB */

enum comp_algo { COMP_LZ4, COMP_ZSTD };

/* One block of the device. */
enum slot_kind { SLOT_EMPTY, SLOT_SAME, SLOT_COMPRESSED, SLOT_HUGE };

struct slot {
	unsigned long handle;	/* the object, or the fill word of SLOT_SAME */
	uint16_t len;		/* bytes in the object (BLOCK_SIZE when huge) */
	uint8_t kind;		/* enum slot_kind */
};

/* Parameters. */
static int64_t dev_size = -1;
static int64_t mem_limit;		/* 0: no limit */
static enum comp_algo algo = COMP_LZ4;
static int level = INT_MIN;		/* INT_MIN: the compressor's default */
static char *stats_dir;
static bool compact_on_flush = true;

/* State. */
static struct slot *slots;
static uint64_t nr_blocks;
static pthread_mutex_t locks[NR_LOCKS];
static struct zs_pool *pool;
static bool machine_up;
static size_t huge_size;		/* zs_huge_class_size() */
static pthread_key_t zstd_key;
static bool zstd_key_made;
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * zram's counters (struct zram_stats).  orig_data_size counts pages, as
 * zram's does; mm_stat prints it in bytes.
 */
static struct {
	uint64_t compr_data_size;
	uint64_t orig_pages;
	uint64_t same_pages;
	uint64_t huge_pages;
	uint64_t huge_pages_since;
	uint64_t failed_reads, failed_writes;
	uint64_t invalid_io;
	uint64_t notify_free;
} st;

#define stat_add(field, n)	__atomic_add_fetch(&st.field, (n), __ATOMIC_RELAXED)
#define stat_sub(field, n)	__atomic_sub_fetch(&st.field, (n), __ATOMIC_RELAXED)
#define stat_get(field)		__atomic_load_n(&st.field, __ATOMIC_RELAXED)

static pthread_mutex_t *slot_lock(uint64_t blk)
{
	return &locks[blk & (NR_LOCKS - 1)];
}

/* --- configuration --------------------------------------------------------- */

static void zsram_unload(void)
{
	free(stats_dir);
	stats_dir = NULL;
}

static int zsram_config(const char *key, const char *value)
{
	if (strcmp(key, "size") == 0) {
		dev_size = nbdkit_parse_size(value);
		if (dev_size == -1)
			return -1;
	} else if (strcmp(key, "mem_limit") == 0) {
		mem_limit = nbdkit_parse_size(value);
		if (mem_limit == -1)
			return -1;
	} else if (strcmp(key, "comp_algorithm") == 0) {
		if (strcmp(value, "lz4") == 0) {
			algo = COMP_LZ4;
		} else if (strcmp(value, "zstd") == 0) {
			algo = COMP_ZSTD;
		} else {
			nbdkit_error("comp_algorithm=%s: not built in (built in: lz4, zstd)", value);
			return -1;
		}
	} else if (strcmp(key, "level") == 0) {
		if (nbdkit_parse_int("level", value, &level) == -1)
			return -1;
	} else if (strcmp(key, "blocksize") == 0) {
		int64_t bs = nbdkit_parse_size(value);

		if (bs == -1)
			return -1;
		if (bs != BLOCK_SIZE) {
			nbdkit_error("blocksize=%s: zsram stores 4 KiB blocks only (blocksize=4096)",
				     value);
			return -1;
		}
	} else if (strcmp(key, "stats") == 0) {
		free(stats_dir);
		stats_dir = nbdkit_realpath(value);
		if (!stats_dir)
			return -1;
	} else if (strcmp(key, "compact_on_flush") == 0) {
		int b = nbdkit_parse_bool(value);

		if (b == -1)
			return -1;
		compact_on_flush = b;
	} else {
		nbdkit_error("unknown parameter '%s' (see nbdkit zsram --help)", key);
		return -1;
	}
	return 0;
}

/* Bytes of simulated machine a pool of @limit bytes may need. */
static uint64_t machine_bytes(uint64_t limit)
{
	const uint64_t pageblock = 2u << 20;
	/* zspage and handle metadata, watermarks, slab caches */
	uint64_t bytes = limit + limit / 16 + (16u << 20);

	return (bytes + pageblock - 1) / pageblock * pageblock;
}

static int zsram_config_complete(void)
{
	uint64_t limit, ram;
	int i;

	if (dev_size == -1) {
		nbdkit_error("size= is required (e.g. size=64M)");
		return -1;
	}
	if (dev_size == 0 || dev_size % BLOCK_SIZE) {
		nbdkit_error("size=%" PRIi64 ": must be a positive multiple of 4096", dev_size);
		return -1;
	}
	if (level != INT_MIN) {
		if (algo == COMP_LZ4 && (level < 1 || level > 65537)) {
			nbdkit_error("level=%d: lz4 takes an acceleration of 1..65537", level);
			return -1;
		}
		if (algo == COMP_ZSTD &&
		    (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel() || level == 0)) {
			nbdkit_error("level=%d: zstd takes a level of %d..-1 or 1..%d", level,
				     ZSTD_minCLevel(), ZSTD_maxCLevel());
			return -1;
		}
	}
	/*
	 * Without mem_limit the pool may hold the whole device uncompressed;
	 * either way the simulated machine must fit in this machine's RAM.
	 */
	limit = mem_limit ? (uint64_t)mem_limit : (uint64_t)dev_size;
	ram = (uint64_t)sysconf(_SC_PHYS_PAGES) * (uint64_t)sysconf(_SC_PAGESIZE);
	if (machine_bytes(limit) > ram || machine_bytes(limit) > (1ull << 40)) {
		if (mem_limit)
			nbdkit_error("mem_limit=%" PRIi64 " is beyond this machine's memory "
				     "(%" PRIu64 " bytes of RAM, and zsram's machine takes at most 1 TiB)",
				     mem_limit, ram);
		else
			nbdkit_error("size=%" PRIi64 " is beyond this machine's memory "
				     "(%" PRIu64 " bytes of RAM); set mem_limit= to what the "
				     "compressed data may use", dev_size, ram);
		return -1;
	}
	nr_blocks = (uint64_t)dev_size / BLOCK_SIZE;
	slots = calloc(nr_blocks, sizeof(*slots));
	if (!slots) {
		nbdkit_error("size=%" PRIi64 ": cannot allocate the table of %" PRIu64 " blocks",
			     dev_size, nr_blocks);
		return -1;
	}
	for (i = 0; i < (int)NR_LOCKS; i++)
		pthread_mutex_init(&locks[i], NULL);
	return 0;
}

#define zsram_config_help \
	"size=<SIZE>             (required) device size, a multiple of 4096\n" \
	"mem_limit=<SIZE>        most memory the pool may use; writes beyond fail\n" \
	"                        with ENOSPC (default: no limit)\n" \
	"comp_algorithm=lz4|zstd compressor (default lz4)\n" \
	"level=<N>               lz4 acceleration (default 1) or zstd level (default 3)\n" \
	"blocksize=4096          the block size; only 4096 is supported\n" \
	"stats=<DIR>             write mm_stat, io_stat, bd_stat and classes there\n" \
	"                        at every flush and at exit\n" \
	"compact_on_flush=BOOL   compact the pool at every flush (default true)"

static void free_zstd_ctx(void *p);

/* Boot the machine and the pool; after fork(), as the machine has threads. */
static int zsram_after_fork(void)
{
	struct zsim_config cfg;
	int err;

	zsim_config_default(&cfg);
	if (zsim_config_from_env(&cfg)) {
		nbdkit_error("zsram: %s", zsim_last_error());
		return -1;
	}
	if (!getenv("ZSIM_MEM"))
		cfg.mem_bytes = machine_bytes(mem_limit ? (uint64_t)mem_limit : (uint64_t)dev_size);
	if (!getenv("ZSIM_CPUS")) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		cfg.nr_cpus = n < 1 ? 1 : n > (long)ZSIM_MAX_CPUS ? ZSIM_MAX_CPUS : (unsigned int)n;
	}
	err = zsim_init(&cfg);
	if (err) {
		nbdkit_error("zsram: cannot boot the simulated machine: %s (%s)",
			     strerror(-err), zsim_last_error());
		return -1;
	}
	machine_up = true;
	pool = zs_create_pool("zsram");
	if (!pool) {
		nbdkit_error("zsram: cannot create the pool");
		return -1;
	}
	huge_size = zs_huge_class_size(pool);
	if (pthread_key_create(&zstd_key, free_zstd_ctx)) {
		nbdkit_error("zsram: pthread_key_create failed");
		return -1;
	}
	zstd_key_made = true;
	nbdkit_debug("zsram: %" PRIu64 " blocks, machine %" PRIu64 " MiB, huge class %zu",
		     nr_blocks, cfg.mem_bytes >> 20, huge_size);
	return 0;
}

/* --- compression ------------------------------------------------------------- */

struct zstd_ctx {
	ZSTD_CCtx *c;
	ZSTD_DCtx *d;
};

static void free_zstd_ctx(void *p)
{
	struct zstd_ctx *z = p;

	ZSTD_freeCCtx(z->c);
	ZSTD_freeDCtx(z->d);
	free(z);
}

/* This thread's zstd contexts, made on first use and freed at its exit. */
static struct zstd_ctx *zstd_ctx(void)
{
	struct zstd_ctx *z = pthread_getspecific(zstd_key);

	if (z)
		return z;
	z = calloc(1, sizeof(*z));
	if (!z)
		return NULL;
	z->c = ZSTD_createCCtx();
	z->d = ZSTD_createDCtx();
	if (!z->c || !z->d || pthread_setspecific(zstd_key, z)) {
		free_zstd_ctx(z);
		return NULL;
	}
	return z;
}

/* Compress one block into @dst (CBUF_SIZE bytes); the length, or -1. */
static int compress_block(const void *src, void *dst)
{
	if (algo == COMP_LZ4) {
		int n = LZ4_compress_fast(src, dst, BLOCK_SIZE, CBUF_SIZE,
					  level == INT_MIN ? 1 : level);

		return n > 0 ? n : -1;
	} else {
		struct zstd_ctx *z = zstd_ctx();
		size_t n;

		if (!z)
			return -1;
		n = ZSTD_compressCCtx(z->c, dst, CBUF_SIZE, src, BLOCK_SIZE,
				      level == INT_MIN ? 3 : level);
		return ZSTD_isError(n) ? -1 : (int)n;
	}
}

static int decompress_block(const void *src, size_t len, void *dst)
{
	if (algo == COMP_LZ4) {
		return LZ4_decompress_safe(src, dst, (int)len, BLOCK_SIZE) == BLOCK_SIZE ? 0 : -1;
	} else {
		struct zstd_ctx *z = zstd_ctx();
		size_t n;

		if (!z)
			return -1;
		n = ZSTD_decompressDCtx(z->d, dst, BLOCK_SIZE, src, len);
		return n == BLOCK_SIZE ? 0 : -1;
	}
}

/* zram's page_same_filled(): is the block one 8-byte word repeated? */
static bool same_filled(const void *block, unsigned long *word)
{
	const unsigned long *w = block;
	size_t i, n = BLOCK_SIZE / sizeof(*w);

	for (i = 1; i < n; i++)
		if (w[i] != w[0])
			return false;
	*word = w[0];
	return true;
}

/* --- slots (called with the slot's lock held) -------------------------------- */

static void slot_free(struct slot *s)
{
	switch (s->kind) {
	case SLOT_EMPTY:
		return;
	case SLOT_SAME:
		stat_sub(same_pages, 1);
		break;
	case SLOT_HUGE:
		stat_sub(huge_pages, 1);
		/* fall through */
	case SLOT_COMPRESSED:
		zs_free(pool, s->handle);
		stat_sub(compr_data_size, s->len);
		break;
	}
	stat_sub(orig_pages, 1);
	memset(s, 0, sizeof(*s));
}

static int slot_read(const struct slot *s, void *out)
{
	unsigned long *w = out;
	char copy[BLOCK_SIZE];
	const void *src;
	size_t i;
	int ret = 0;

	switch (s->kind) {
	case SLOT_EMPTY:
		memset(out, 0, BLOCK_SIZE);
		break;
	case SLOT_SAME:
		for (i = 0; i < BLOCK_SIZE / sizeof(*w); i++)
			w[i] = s->handle;
		break;
	case SLOT_HUGE:
		src = zs_obj_read_begin(pool, s->handle, BLOCK_SIZE, copy);
		memcpy(out, src, BLOCK_SIZE);
		zs_obj_read_end(pool, s->handle, BLOCK_SIZE, (void *)src);
		break;
	case SLOT_COMPRESSED:
		src = zs_obj_read_begin(pool, s->handle, s->len, copy);
		ret = decompress_block(src, s->len, out);
		zs_obj_read_end(pool, s->handle, s->len, (void *)src);
		break;
	}
	return ret;
}

/* Is the pool above mem_limit? */
static bool over_limit(void)
{
	return mem_limit &&
	       zs_get_total_pages(pool) > (uint64_t)mem_limit / ZSIM_PAGE_SIZE;
}

/*
 * Store one block into @s; 0 or an errno.  On failure @s is unchanged.
 */
static int slot_write(struct slot *s, const void *block)
{
	char cbuf[CBUF_SIZE];
	unsigned long word, handle;
	const void *src = cbuf;
	int clen;
	bool huge = false;

	if (same_filled(block, &word)) {
		slot_free(s);
		s->kind = SLOT_SAME;
		s->handle = word;
		stat_add(same_pages, 1);
		stat_add(orig_pages, 1);
		return 0;
	}
	clen = compress_block(block, cbuf);
	if (clen < 0)
		return EIO;
	if ((size_t)clen >= huge_size) {
		/* does not compress enough: store the block whole */
		clen = BLOCK_SIZE;
		src = block;
		huge = true;
	}
	handle = zs_malloc(pool, clen, ZS_GFP_KERNEL | ZS_GFP_NOWARN, ZS_NUMA_NO_NODE);
	if (!zs_is_err_handle(handle) && over_limit()) {
		/* memory pressure: compact once, then decide */
		zs_free(pool, handle);
		zs_compact(pool);
		handle = zs_malloc(pool, clen, ZS_GFP_KERNEL | ZS_GFP_NOWARN, ZS_NUMA_NO_NODE);
		if (!zs_is_err_handle(handle) && over_limit()) {
			zs_free(pool, handle);
			handle = (unsigned long)-ENOSPC;
		}
	}
	if (zs_is_err_handle(handle))
		return ENOSPC;
	zs_obj_write(pool, handle, (void *)src, clen);
	slot_free(s);
	s->handle = handle;
	s->len = (uint16_t)clen;
	s->kind = huge ? SLOT_HUGE : SLOT_COMPRESSED;
	stat_add(compr_data_size, clen);
	stat_add(orig_pages, 1);
	if (huge) {
		stat_add(huge_pages, 1);
		stat_add(huge_pages_since, 1);
	}
	return 0;
}

/* --- statistics -------------------------------------------------------------- */

static void print_mm_stat(FILE *out)
{
	struct zs_zram_stat z = {
		.orig_data_size = stat_get(orig_pages) * BLOCK_SIZE,
		.compr_data_size = stat_get(compr_data_size),
		.mem_limit = (uint64_t)mem_limit,
		.same_pages = stat_get(same_pages),
		.huge_pages = stat_get(huge_pages),
		.huge_pages_since = stat_get(huge_pages_since),
	};

	zs_print_mm_stat(pool, &z, out);
}

/* zram's io_stat: failed_reads failed_writes invalid_io notify_free */
static void print_io_stat(FILE *out)
{
	fprintf(out, "%8" PRIu64 " %8" PRIu64 " %8" PRIu64 " %8" PRIu64 "\n",
		stat_get(failed_reads), stat_get(failed_writes),
		stat_get(invalid_io), stat_get(notify_free));
}

/* zram's bd_stat: bd_count bd_reads bd_writes, in pages; no backing device */
static void print_bd_stat(FILE *out)
{
	fprintf(out, "%8llu %8llu %8llu\n", 0ull, 0ull, 0ull);
}

/* Write @name in the stats directory through a temporary file and rename. */
static void write_stat_file(const char *name, void (*print)(FILE *))
{
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", stats_dir, name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f) {
		nbdkit_error("zsram: %s: %m", tmp);
		return;
	}
	print(f);
	if (fclose(f) || rename(tmp, path))
		nbdkit_error("zsram: %s: %m", path);
}

static void print_classes(FILE *out)
{
	zs_print_classes(pool, out);
}

static void write_stats(void)
{
	if (!stats_dir || !pool)
		return;
	pthread_mutex_lock(&stats_lock);
	write_stat_file("mm_stat", print_mm_stat);
	write_stat_file("io_stat", print_io_stat);
	write_stat_file("bd_stat", print_bd_stat);
	write_stat_file("classes", print_classes);
	pthread_mutex_unlock(&stats_lock);
}

/* At exit: the last statistics, then every object freed and the machine down. */
static void zsram_cleanup(void)
{
	uint64_t blk;
	long leaked;

	if (pool) {
		char *text = NULL;
		size_t len = 0;
		FILE *mem;

		write_stats();
		mem = open_memstream(&text, &len);
		if (mem) {
			fputs("mm_stat: ", mem);
			print_mm_stat(mem);
			fputs("io_stat: ", mem);
			print_io_stat(mem);
			fclose(mem);
			nbdkit_debug("zsram: %s", text);
			free(text);
		}
		for (blk = 0; blk < nr_blocks; blk++)
			slot_free(&slots[blk]);
		zs_destroy_pool(pool);
		pool = NULL;
	}
	if (machine_up) {
		leaked = zsim_exit();
		machine_up = false;
		if (leaked)
			nbdkit_error("zsram: %ld pages and slab objects leaked", leaked);
	}
	if (zstd_key_made) {
		pthread_key_delete(zstd_key);
		zstd_key_made = false;
	}
	free(slots);
	slots = NULL;
}

/* --- the NBD requests ---------------------------------------------------------- */

/* Every connection sees the same device. */
static void *zsram_open(int readonly)
{
	return NBDKIT_HANDLE_NOT_NEEDED;
}

static int64_t zsram_get_size(void *handle)
{
	return dev_size;
}

static int zsram_block_size(void *handle, uint32_t *minimum, uint32_t *preferred,
			    uint32_t *maximum)
{
	*minimum = 1;
	*preferred = BLOCK_SIZE;
	*maximum = 0xffffffff;
	return 0;
}

static int zsram_can_multi_conn(void *handle)
{
	return 1;
}

static int zsram_can_fua(void *handle)
{
	return NBDKIT_FUA_NATIVE;	/* the data is in memory once written */
}

static int zsram_can_one(void *handle)
{
	return 1;
}

static int zsram_pread(void *handle, void *buf, uint32_t count, uint64_t offset,
		       uint32_t flags)
{
	char block[BLOCK_SIZE];
	char *out = buf;

	while (count) {
		uint64_t blk = offset >> BLOCK_SHIFT;
		uint32_t off = offset & (BLOCK_SIZE - 1);
		uint32_t n = BLOCK_SIZE - off < count ? BLOCK_SIZE - off : count;
		bool whole = n == BLOCK_SIZE;
		char *dst = whole ? out : &block[0];	/* a partial block: read it whole */
		int ret;

		pthread_mutex_lock(slot_lock(blk));
		ret = slot_read(&slots[blk], dst);
		pthread_mutex_unlock(slot_lock(blk));
		if (ret) {
			stat_add(failed_reads, 1);
			nbdkit_error("zsram: block %" PRIu64 " does not decompress", blk);
			nbdkit_set_error(EIO);
			return -1;
		}
		if (!whole)
			memcpy(out, block + off, n);
		out += n;
		offset += n;
		count -= n;
	}
	return 0;
}

/*
 * Write @count bytes at @offset from @buf, or zeros when @buf is NULL.
 * Whole blocks of zeros are freed (trim and write-zeroes: the slot
 * reads as zeros); partial blocks are read, merged and written back.
 */
static int zsram_write_range(const char *buf, uint32_t count, uint64_t offset)
{
	char block[BLOCK_SIZE];

	while (count) {
		uint64_t blk = offset >> BLOCK_SHIFT;
		uint32_t off = offset & (BLOCK_SIZE - 1);
		uint32_t n = BLOCK_SIZE - off < count ? BLOCK_SIZE - off : count;
		struct slot *s = &slots[blk];
		int err = 0;

		pthread_mutex_lock(slot_lock(blk));
		if (n == BLOCK_SIZE && !buf) {
			if (s->kind != SLOT_EMPTY) {
				slot_free(s);
				stat_add(notify_free, 1);
			}
		} else if (n == BLOCK_SIZE) {
			err = slot_write(s, buf);
		} else {
			err = slot_read(s, block) ? EIO : 0;
			if (!err) {
				if (buf)
					memcpy(block + off, buf, n);
				else
					memset(block + off, 0, n);
				err = slot_write(s, block);
			}
		}
		pthread_mutex_unlock(slot_lock(blk));
		if (err) {
			stat_add(failed_writes, 1);
			if (err == ENOSPC)
				nbdkit_error("zsram: block %" PRIu64 ": the pool is at mem_limit=%"
					     PRIi64, blk, mem_limit);
			else
				nbdkit_error("zsram: block %" PRIu64 ": %s", blk, strerror(err));
			nbdkit_set_error(err);
			return -1;
		}
		if (buf)
			buf += n;
		offset += n;
		count -= n;
	}
	return 0;
}

static int zsram_pwrite(void *handle, const void *buf, uint32_t count, uint64_t offset,
			uint32_t flags)
{
	return zsram_write_range(buf, count, offset);
}

static int zsram_trim(void *handle, uint32_t count, uint64_t offset, uint32_t flags)
{
	/* whole blocks are freed; the zeroed edges read back as zeros too */
	return zsram_write_range(NULL, count, offset);
}

static int zsram_zero(void *handle, uint32_t count, uint64_t offset, uint32_t flags)
{
	return zsram_write_range(NULL, count, offset);
}

static int zsram_flush(void *handle, uint32_t flags)
{
	if (compact_on_flush)
		zs_compact(pool);
	write_stats();
	return 0;
}

/* Unwritten and trimmed blocks are holes; zero-filled ones read as zeros. */
static int zsram_extents(void *handle, uint32_t count, uint64_t offset, uint32_t flags,
			 struct nbdkit_extents *extents)
{
	uint64_t end = offset + count;
	uint64_t blk = offset >> BLOCK_SHIFT;

	while (offset < end) {
		uint64_t next = (blk + 1) << BLOCK_SHIFT;
		uint32_t type = 0;
		const struct slot *s = &slots[blk];

		pthread_mutex_lock(slot_lock(blk));
		if (s->kind == SLOT_EMPTY)
			type = NBDKIT_EXTENT_HOLE | NBDKIT_EXTENT_ZERO;
		else if (s->kind == SLOT_SAME && s->handle == 0)
			type = NBDKIT_EXTENT_ZERO;
		pthread_mutex_unlock(slot_lock(blk));
		if (next > end)
			next = end;
		if (nbdkit_add_extent(extents, offset, next - offset, type) == -1)
			return -1;
		offset = next;
		blk++;
		if (flags & NBDKIT_FLAG_REQ_ONE)
			break;
	}
	return 0;
}

static struct nbdkit_plugin plugin = {
	.name = "zsram",
	.longname = "zsram, a userspace zram on libzsmalloc",
	.version = ZSRAM_VERSION,
	.description = "A compressed RAM disk: 4 KiB blocks compressed with lz4 or zstd "
		"into a zsmalloc pool, as Linux's zram stores them",
	.unload = zsram_unload,
	.config = zsram_config,
	.config_complete = zsram_config_complete,
	.config_help = zsram_config_help,
	.magic_config_key = "size",
	.after_fork = zsram_after_fork,
	.cleanup = zsram_cleanup,
	.open = zsram_open,
	.get_size = zsram_get_size,
	.block_size = zsram_block_size,
	.can_multi_conn = zsram_can_multi_conn,
	.can_fua = zsram_can_fua,
	.can_flush = zsram_can_one,
	.can_trim = zsram_can_one,
	.can_zero = zsram_can_one,
	.can_fast_zero = zsram_can_one,
	.can_extents = zsram_can_one,
	.pread = zsram_pread,
	.pwrite = zsram_pwrite,
	.trim = zsram_trim,
	.zero = zsram_zero,
	.flush = zsram_flush,
	.extents = zsram_extents,
	.errno_is_preserved = 0,
};

NBDKIT_REGISTER_PLUGIN(plugin)
