/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
/*
 * zsmalloc.h - a memory allocator for many small objects of varied sizes.
 *
 * The API mirrors the kernel's include/linux/zsmalloc.h.  zs_malloc()
 * returns an opaque handle, not a pointer: the allocator may move the
 * object (compaction, page migration) without the handle changing.  Reach
 * the bytes through zs_obj_write()/zs_obj_read_begin() or
 * zs_map_object()/zs_unmap_object().
 *
 * Pools run on the simulated machine of <zsmalloc/zsim.h>; a program that
 * never calls zsim_init() gets a default one on first use.
 */
#ifndef ZSMALLOC_ZSMALLOC_H
#define ZSMALLOC_ZSMALLOC_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ZS_API __attribute__((__visibility__("default")))

struct zs_pool;

/* Largest object zs_malloc() accepts (PAGE_SIZE). */
#define ZS_MAX_ALLOC_SIZE	4096u
/* Logical size classes: 32 + 16 * i bytes, i = 0..254. */
#define ZS_SIZE_CLASSES		255u
/* Longest zspage chain a pool config may ask for. */
#define ZS_MAX_CHAIN_SIZE	16u
/* Fullness groups of the newest kernels (the seeds' era uses 4 of them). */
#define ZS_NR_FULLNESS_GROUPS	12u

/*
 * Allocation flags for zs_malloc(): the kernel's gfp bits.  ZS_GFP_KERNEL
 * may reclaim (run shrinkers) before failing; ZS_GFP_NOWAIT never blocks.
 */
#define ZS_GFP_NOWAIT		0x800u		/* __GFP_KSWAPD_RECLAIM */
#define ZS_GFP_ATOMIC		0x820u		/* __GFP_HIGH | __GFP_KSWAPD_RECLAIM */
#define ZS_GFP_KERNEL		0xcc0u		/* __GFP_RECLAIM | __GFP_IO | __GFP_FS */
#define ZS_GFP_NOWARN		0x2000u		/* __GFP_NOWARN, or it in */
#define ZS_NUMA_NO_NODE		(-1)

/*
 * An error handle from zs_malloc() is a negative errno cast to unsigned
 * long, as the kernel's IS_ERR_VALUE(): -EINVAL for size 0, -ENOSPC for a
 * size above ZS_MAX_ALLOC_SIZE, -ENOMEM when memory ran out.
 */
static inline bool zs_is_err_handle(unsigned long handle)
{
	return handle >= (unsigned long)-4095;
}

/* The -errno of an error handle (0 for a valid handle). */
static inline long zs_handle_errno(unsigned long handle)
{
	return zs_is_err_handle(handle) ? (long)handle : 0;
}

/* --- pool configuration --------------------------------------------------- */

/* How many pages a zspage of a class takes. */
enum zs_page_rule {
	ZS_PAGES_MAX_USED_PERCENT,	/* until Linux 6.2: best integer used % */
	ZS_PAGES_MIN_WASTE,		/* Linux 6.3+: fewest wasted bytes */
};

/* How zspages of a class are grouped by how full they are. */
enum zs_fullness_scheme {
	ZS_FULLNESS_QUARTERS,	/* the seeds: empty, almost empty (<= 3/4), almost full, full */
	ZS_FULLNESS_RATIOS,	/* Linux 6.4+: 0%, 10%..90%, 99%, 100% in-use ratio groups */
};

enum zs_preset {
	ZS_PRESET_NEWEST,	/* chain 8, min waste, 12 ratio groups */
	ZS_PRESET_LINUX_4_8,	/* the seeds' era: chain 4, max used %, 4 groups */
};

struct zs_pool_config {
	unsigned int chain_size;		/* 1..ZS_MAX_CHAIN_SIZE pages */
	enum zs_page_rule page_rule;
	enum zs_fullness_scheme fullness;
};

/* Fill @cfg with a preset. */
ZS_API void zs_pool_config_init(struct zs_pool_config *cfg, enum zs_preset preset);

/*
 * Check a config; 0 if usable, -EINVAL otherwise (with a message on
 * stderr naming the bad field).
 */
ZS_API int zs_pool_config_check(const struct zs_pool_config *cfg);

/* --- pools ----------------------------------------------------------------- */

/* A pool with the newest kernel's behaviour; NULL when out of memory. */
ZS_API struct zs_pool *zs_create_pool(const char *name);

/*
 * A pool with an explicit config.  On failure returns NULL and, if @err is
 * not NULL, stores -EINVAL (bad config or name) or -ENOMEM there.
 */
ZS_API struct zs_pool *zs_create_pool_config(const char *name,
					     const struct zs_pool_config *cfg,
					     int *err);

/*
 * Free the pool and every object still in it.  Waits for deferred work
 * (zspage frees queued on the workqueue) to finish.
 */
ZS_API void zs_destroy_pool(struct zs_pool *pool);

/* --- objects --------------------------------------------------------------- */

/*
 * Allocate an object of @size bytes (1..ZS_MAX_ALLOC_SIZE).  Returns a
 * handle, or an error handle (see zs_is_err_handle()).  @nid is accepted
 * for the kernel's signature; the simulated machine has one node.
 */
ZS_API unsigned long zs_malloc(struct zs_pool *pool, size_t size,
			       unsigned int gfp, int nid);

/* Free an object.  zs_free(pool, 0) does nothing. */
ZS_API void zs_free(struct zs_pool *pool, unsigned long handle);

/*
 * Copy @mem_len bytes from @handle_mem into the object.  @mem_len must not
 * exceed the size given to zs_malloc() rounded to its class; a longer
 * write is refused with a warning instead of touching a neighbour.
 */
ZS_API void zs_obj_write(struct zs_pool *pool, unsigned long handle,
			 void *handle_mem, size_t mem_len);

/*
 * Start reading @mem_len bytes of the object.  Returns a pointer to them:
 * straight into the object when it lies in one page, else into
 * @local_copy (at least @mem_len bytes), which it fills.  The object
 * cannot move until zs_obj_read_end(); keep the window short.
 */
ZS_API void *zs_obj_read_begin(struct zs_pool *pool, unsigned long handle,
			       size_t mem_len, void *local_copy);
ZS_API void zs_obj_read_end(struct zs_pool *pool, unsigned long handle,
			    size_t mem_len, void *handle_mem);

/* The older mapping API (Linux 3.x .. 6.14), with its three modes. */
enum zs_mapmode {
	ZS_MM_RW,	/* normal read-write mapping */
	ZS_MM_RO,	/* read-only: nothing is copied back at unmap */
	ZS_MM_WO,	/* write-only: nothing is copied in at map (new objects) */
};

/*
 * Map an object and return a pointer to its bytes (the size given to
 * zs_malloc()).  An object that spans two pages is copied into a per-CPU
 * buffer and copied back at unmap unless the mode is ZS_MM_RO.  Only one
 * object can be mapped per thread at a time, and the mapping must be
 * short: no sleeping, no other zsmalloc call that maps, until unmapped.
 */
ZS_API void *zs_map_object(struct zs_pool *pool, unsigned long handle,
			   enum zs_mapmode mm);
ZS_API void zs_unmap_object(struct zs_pool *pool, unsigned long handle);

/* --- sizes and statistics ---------------------------------------------------- */

/*
 * Objects of this size or larger are stored one per page ("huge"): zram
 * stores such pages uncompressed.  3257 for the 4-page rules, 3625 for
 * chain 8.
 */
ZS_API size_t zs_huge_class_size(struct zs_pool *pool);

/* Pages the pool holds for objects (zram's mem_used_total >> PAGE_SHIFT). */
ZS_API unsigned long zs_get_total_pages(struct zs_pool *pool);

/* The size class index that serves an object of @size bytes. */
ZS_API unsigned int zs_lookup_class_index(struct zs_pool *pool, unsigned int size);

struct zs_pool_stats {
	long pages_compacted;	/* pages freed by compaction, ever */
};
ZS_API void zs_pool_stats(struct zs_pool *pool, struct zs_pool_stats *stats);

/*
 * Compact the pool: move objects out of sparse zspages so they can be
 * freed.  Returns the number of pages this call freed.  Only one
 * compaction per pool runs at a time; a second caller returns 0 at once.
 */
ZS_API unsigned long zs_compact(struct zs_pool *pool);

/* A versioned snapshot of a pool, for programs. */
#define ZS_STATS_VERSION	1

struct zs_class_stats {
	unsigned int index;		/* size class index, 0..254 */
	unsigned int size;		/* object size including the 8-byte handle */
	unsigned int pages_per_zspage;
	unsigned int objs_per_zspage;
	unsigned int first_index;	/* smallest index merged into this class */
	bool huge;			/* one object per single page */
	uint64_t zspages[ZS_NR_FULLNESS_GROUPS];	/* zspages per fullness group */
	uint64_t obj_allocated;		/* object slots in the class's zspages */
	uint64_t obj_used;		/* live objects */
	uint64_t pages_used;
	uint64_t freeable;		/* pages compaction could free */
};

struct zs_pool_snapshot {
	uint32_t size;			/* set by the caller: sizeof(struct zs_pool_snapshot) */
	uint32_t version;		/* set by zs_pool_snapshot(): ZS_STATS_VERSION */
	char name[64];
	struct zs_pool_config config;
	uint32_t nr_classes;		/* distinct size classes, filled below */
	uint32_t nr_groups;		/* fullness groups in use: 4 or 12 */
	uint64_t huge_class_size;
	uint64_t pages_allocated;	/* zs_get_total_pages() */
	uint64_t pages_max;		/* the most it ever held */
	uint64_t pages_compacted;
	uint64_t objs_moved;		/* objects compaction moved, ever */
	uint64_t obj_allocated, obj_used;
	uint64_t handle_bytes;		/* metadata: handle slots in use */
	uint64_t zspage_bytes;		/* metadata: struct zspage in use */
	struct zs_class_stats classes[ZS_SIZE_CLASSES];
};

/* -EINVAL if snap->size is not the caller's sizeof(struct zs_pool_snapshot). */
ZS_API int zs_pool_snapshot(struct zs_pool *pool, struct zs_pool_snapshot *snap);

/*
 * The debugfs "classes" table (/sys/kernel/debug/zsmalloc/<pool>/classes)
 * in the layout of the era that matches the pool's fullness scheme.
 */
ZS_API int zs_print_classes(struct zs_pool *pool, FILE *out);

/*
 * zram's /sys/block/zram<N>/mm_stat line for a device on this pool.  The
 * pool knows mem_used_total, mem_used_max and pages_compacted; the zram
 * level fields come from @zram (may be NULL: zeros).
 */
struct zs_zram_stat {
	uint64_t orig_data_size;	/* bytes stored, before compression */
	uint64_t compr_data_size;	/* bytes stored, compressed */
	uint64_t mem_limit;
	uint64_t same_pages;		/* same-filled pages, not stored */
	uint64_t huge_pages;		/* stored uncompressed */
	uint64_t huge_pages_since;
};
ZS_API int zs_print_mm_stat(struct zs_pool *pool, const struct zs_zram_stat *zram,
			    FILE *out);

/* --- zspage inspection ---------------------------------------------------- */

/* The most object slots a zspage can have: 16 pages of 32-byte objects. */
#define ZS_ZSPAGE_MAX_OBJS	(ZS_MAX_CHAIN_SIZE * 4096u / 32u)

/* What a zspage is made of, for pictures and debuggers. */
struct zs_zspage_info {
	uint32_t size;			/* set by the caller: sizeof(struct zs_zspage_info) */
	unsigned int class_index;	/* size class, 0..254 */
	unsigned int obj_size;		/* bytes per slot, handle included */
	unsigned int pages_per_zspage;	/* length of the chain */
	unsigned int objs_per_zspage;	/* slots */
	unsigned int inuse;		/* slots holding an object */
	unsigned int fullness;		/* the fullness group its use calls for:
					 * 0..3 (quarters) or 0..11 (ratios), as in
					 * zs_class_stats.zspages[] */
	unsigned int isolated;		/* of its pages, how many migration holds now */
	bool huge;			/* one object, one page, no header */
	bool listed;			/* on its class's fullness list (off it while
					 * compaction or migration works on it) */
	uint64_t pfn[ZS_MAX_CHAIN_SIZE];	/* the chain, first page first */
	/* offset in each page of the first slot that starts in it (a slot
	 * starting in the page before may run into it) */
	unsigned int first_obj_offset[ZS_MAX_CHAIN_SIZE];
	/* bit i of word i / 64: slot i holds an object; slot i starts at byte
	 * i * obj_size of the chain seen as one run of pages */
	uint64_t obj_used[ZS_ZSPAGE_MAX_OBJS / 64];
};

/*
 * Describe the zspage of @pool that the page frame @pfn belongs to (any
 * page of the chain).  Takes the page lock of @pfn, the zspage's lock
 * for reading and the class lock, so it may sleep: not from a context
 * that holds any of them.  -EINVAL if info->size is not the caller's
 * sizeof(struct zs_zspage_info); -ENOENT if the frame is not a page of
 * one of @pool's zspages at this moment.
 */
ZS_API int zs_zspage_info(struct zs_pool *pool, uint64_t pfn,
			  struct zs_zspage_info *info);

#ifdef __cplusplus
}
#endif

#endif /* ZSMALLOC_ZSMALLOC_H */
