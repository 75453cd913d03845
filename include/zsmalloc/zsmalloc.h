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
 *
 * Threads.  Every function here may be called from any thread, on the
 * same pool at the same time, with these exceptions:
 *  - zs_destroy_pool() must not run while any other call on that pool is
 *    running or can start; zs_create_pool*() of different pools is fine.
 *  - zs_free() of a handle must not race with any other use of that
 *    handle, as free() must not with the memory it frees.
 *  - A read window (zs_obj_read_begin() .. zs_obj_read_end()) or a
 *    mapping (zs_map_object() .. zs_unmap_object()) holds the object in
 *    place: compaction and page migration pass it by.  Other threads'
 *    accesses of the same object may or may not wait for it (a mapping
 *    makes them wait; a read window often does not), so a zs_obj_write()
 *    that races with a read of the same object is the caller's to
 *    prevent, as it would be for memory.  Keep a window short, open at
 *    most one per thread at a time, and inside it make no zsmalloc call
 *    on the same handle (it would wait for itself: BUG()).  A mapping also
 *    keeps the thread on its CPU's bounce buffer: no sleeping inside it.
 * zs_compact() runs at most once per pool at a time; concurrent callers
 * return 0.  The machine's own rules (zsim_init(), zsim_exit(), fork())
 * are in <zsmalloc/zsim.h>: in short, pools must be destroyed before
 * zsim_exit(), and a fork() child must not use the pools it inherited.
 */
#ifndef ZSMALLOC_ZSMALLOC_H
#define ZSMALLOC_ZSMALLOC_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>

#include <zsmalloc/version.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ZS_API __attribute__((__visibility__("default")))

struct zs_pool;

/*
 * The library's version, "MAJOR.MINOR.PATCH", and as one number
 * (ZSMALLOC_VERSION_NUMBER's formula).  They equal ZSMALLOC_VERSION_STRING
 * and ZSMALLOC_VERSION_NUMBER when the program runs with the library it
 * was compiled against.
 */
ZS_API const char *zs_version(void);
ZS_API unsigned int zs_version_number(void);

/* Largest object zs_malloc() accepts (PAGE_SIZE). */
#define ZS_MAX_ALLOC_SIZE	4096u
/* Logical size classes: 32 + 16 * i bytes, i = 0..254. */
#define ZS_SIZE_CLASSES		255u
/* Longest zspage chain a pool config may ask for. */
#define ZS_MAX_CHAIN_SIZE	16u
/* Fullness groups of Linux 6.4+ (Linux 4.8 uses 4 of them). */
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

/*
 * The kernel changed zsmalloc's policies over the years.  Each policy is
 * a separate knob of struct zs_pool_config, so a pool can take any era's
 * and they can be compared side by side.  Every combination of the knobs
 * below is accepted: each compaction policy and each list order works
 * over both fullness schemes (compaction takes its sources from the least
 * used non-empty groups and its destinations from the most used non-full
 * ones, whichever groups the pool keeps).
 *
 * Locking is not a knob.  Every pool, whatever its config, runs the
 * locking of Linux 4.8: a spinlock per size class, a pin bit in each
 * handle taken by users of the object, and a per-zspage rwlock that page
 * migration takes for writing.  The newest kernels' pool rwlock and
 * zspage_lock, and the removal of the pin bits (Linux 5.17), are not
 * reproduced.
 */

/* How many pages a zspage of a class takes. */
enum zs_page_rule {
	ZS_PAGES_MAX_USED_PERCENT,	/* until Linux 6.2: best integer used % */
	ZS_PAGES_MIN_WASTE,		/* Linux 6.3+: fewest wasted bytes */
};

/* How zspages of a class are grouped by how full they are. */
enum zs_fullness_scheme {
	ZS_FULLNESS_QUARTERS,	/* Linux 4.1 .. 6.3: empty, almost empty (<= 3/4), almost full, full */
	ZS_FULLNESS_RATIOS,	/* Linux 6.4+: 0%, 10%..90%, 99%, 100% in-use ratio groups */
};

/* How zs_compact() chooses the zspages it moves objects between. */
enum zs_compaction_policy {
	/*
	 * Linux 4.1 .. 6.3 (commit 312fcae22703, "zsmalloc: support
	 * compaction"): take the least used zspage as the source and move
	 * its objects into the most used ones, one destination after
	 * another, until it is empty.
	 */
	ZS_COMPACT_DRAIN_SOURCE,
	/*
	 * Linux 6.4+ ("zsmalloc: rework compaction algorithm", 2023): keep
	 * one destination, the most used non-full zspage, and drain the
	 * least used zspages into it until it is full; fewer objects move
	 * for each page freed.
	 */
	ZS_COMPACT_FILL_DESTINATION,
	/*
	 * No kernel: fill-destination, but each source gives up its objects
	 * from its last slot down, and every zspage compaction touched gives
	 * back the trailing pages no live object reaches (with
	 * ZS_GROW_BY_PAGE; whole zspages have none to give).  A class ends
	 * with at most one partly used zspage, as short as its objects allow.
	 */
	ZS_COMPACT_EMPTY_TAILS,
};

/* Where a zspage goes on its fullness group's list. */
enum zs_list_order {
	/*
	 * 2015 .. Linux 6.3 ("partial page ordering within a fullness_list"):
	 * at the head if it has at least as many objects in use as the head,
	 * else right after the head, so allocation fills the most used
	 * zspage of the group first.
	 */
	ZS_LIST_BY_INUSE,
	/* Linux 6.4+ ("zsmalloc: remove insert_zspage() ->inuse optimization"): always at the head. */
	ZS_LIST_HEAD,
};

/* When a zspage gets its pages. */
enum zs_growth {
	/* Every kernel: all pages of the chain when the zspage is created. */
	ZS_GROW_WHOLE,
	/*
	 * No kernel: a zspage starts with its first page and gets the next
	 * one when an object that starts in it or spans into it is handed
	 * out; frees (keeping one spare page) and compaction (keeping none)
	 * give back trailing pages that no live object touches.  A partly
	 * used zspage then costs the pages its objects reach, so a long
	 * chain (16) loses little to its tail.
	 */
	ZS_GROW_BY_PAGE,
};

/*
 * Presets, named by the kernel version whose policies they take.
 *
 * ZS_PRESET_LINUX_4_8: every policy of Linux 4.8: chain of at most 4
 *   pages (its fixed ZS_MAX_PAGES_PER_ZSPAGE), the max-used-percent page
 *   rule, the 4 quarter fullness groups, drain-source compaction and
 *   in-use list order.
 *
 * ZS_PRESET_LINUX_6_18: the policies of Linux 6.18: chain of at most 8
 *   pages (CONFIG_ZSMALLOC_CHAIN_SIZE's default, Linux 6.3+), the
 *   min-waste page rule (6.3), the 12 in-use ratio groups (6.4),
 *   fill-destination compaction (6.4) and head list order (6.4).
 *   What it does not take from 6.18: its locking (see above: the pool
 *   runs Linux 4.8's pin bits and zspage rwlock, and 4.8's zspage
 *   isolation for page migration), struct zpdesc, memcg accounting and
 *   the movable_ops registration.  The object API (zs_obj_write(),
 *   zs_obj_read_begin()) is there in every pool, as is the older
 *   zs_map_object() that the newest kernels removed (2025).
 *
 * ZS_PRESET_NEWEST is the newest kernel-version preset, today
 * ZS_PRESET_LINUX_6_18; zs_create_pool() uses it.
 *
 * ZS_PRESET_DENSE: no kernel's; the densest policies this library has:
 *   ZS_PRESET_LINUX_6_18's with chains of 16 pages that grow page by
 *   page (ZS_GROW_BY_PAGE) and ZS_COMPACT_EMPTY_TAILS compaction.  The
 *   longer chains raise zs_huge_class_size() from 3625 to 3833 bytes
 *   (4 KiB pages): objects in between share pages instead of taking one
 *   each.
 *   The kernel-version presets all have growth ZS_GROW_WHOLE.
 */
enum zs_preset {
	ZS_PRESET_LINUX_6_18 = 0,
	ZS_PRESET_LINUX_4_8 = 1,
	ZS_PRESET_DENSE = 2,
	ZS_PRESET_NEWEST = ZS_PRESET_LINUX_6_18,
};

struct zs_pool_config {
	/*
	 * sizeof(struct zs_pool_config), set by zs_pool_config_init().
	 * Later versions of the library only append members, and accept
	 * the size of every earlier version (the members it lacks take the
	 * preset's values); a size they do not know is -EINVAL.
	 */
	uint32_t size;
	unsigned int chain_size;		/* 1..ZS_MAX_CHAIN_SIZE pages */
	enum zs_page_rule page_rule;
	enum zs_fullness_scheme fullness;	/* the fullness groups only */
	enum zs_compaction_policy compaction;
	enum zs_list_order list_order;
	/*
	 * Appended: a config of the size without this member is accepted
	 * and gets ZS_GROW_WHOLE.
	 */
	enum zs_growth growth;
};

/*
 * Fill @cfg with a preset, size included.  Start from this and change
 * single knobs; a config not filled by it fails the size check.
 */
ZS_API void zs_pool_config_init(struct zs_pool_config *cfg, enum zs_preset preset);

/*
 * Check a config; 0 if usable, -EINVAL otherwise, with a message on
 * stderr naming the bad field and its value (cfg->size: the value and
 * the expected sizeof(struct zs_pool_config)).
 */
ZS_API int zs_pool_config_check(const struct zs_pool_config *cfg);

/* --- pools ----------------------------------------------------------------- */

/*
 * A pool with the policies of ZS_PRESET_NEWEST.  @name is copied.
 * Returns NULL with errno set on failure: EINVAL when @name is NULL,
 * ENOMEM when memory ran out.
 */
ZS_API struct zs_pool *zs_create_pool(const char *name);

/*
 * A pool with an explicit config (see zs_pool_config_init()).  On failure
 * returns NULL, sets errno to the positive error and, if @err is not NULL,
 * stores the negative one there: -EINVAL for a NULL @name, a NULL @cfg or
 * a config zs_pool_config_check() rejects, -ENOMEM when memory ran out.
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
			 const void *handle_mem, size_t mem_len);

/*
 * Start reading @mem_len bytes of the object.  Returns a pointer to them:
 * straight into the object when it lies in one page, else into
 * @local_copy (at least @mem_len bytes), which it fills.  The object
 * cannot move until zs_obj_read_end(); keep the window short.
 */
ZS_API void *zs_obj_read_begin(struct zs_pool *pool, unsigned long handle,
			       size_t mem_len, void *local_copy);
ZS_API void zs_obj_read_end(struct zs_pool *pool, unsigned long handle,
			    size_t mem_len, const void *handle_mem);

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

/*
 * A versioned snapshot of a pool, for programs.  Version 2: config has
 * the size, compaction and list_order members.
 */
#define ZS_STATS_VERSION	2

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
 * The printers write the kernel's text to a stdio stream: 0, -EIO if a
 * write failed, -EINVAL for a NULL pool or stream.  Each has a variant
 * that hands the text to @fn instead: @fn(@arg, text) is called once per
 * line, in order, with the line and its newline as a NUL-terminated
 * string (a line longer than 1023 bytes comes in several calls).  @fn
 * must not call zs_* or zsim_* functions.  The _cb variants return 0, or
 * -EINVAL for a NULL pool or @fn.
 */
typedef void zs_output_fn(void *arg, const char *text);

/*
 * The debugfs "classes" table (/sys/kernel/debug/zsmalloc/<pool>/classes)
 * in the layout of the era that matches the pool's fullness scheme.
 */
ZS_API int zs_print_classes(struct zs_pool *pool, FILE *out);
ZS_API int zs_print_classes_cb(struct zs_pool *pool, zs_output_fn *fn, void *arg);

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
ZS_API int zs_print_mm_stat_cb(struct zs_pool *pool, const struct zs_zram_stat *zram,
			       zs_output_fn *fn, void *arg);

/* --- misuse and undefined behaviour --------------------------------------- */

/*
 * Misuse the library detects, in every build (the checks cost a compare
 * or two).  A call that can refuse, because it returns an error or
 * nothing, prints a message naming the call, the pool and the handle,
 * warns (zsim_warn_count(), ZSIM_PANIC_ON_WARN) and refuses, leaving every
 * stored object as it was.  A call that must return the object's bytes
 * (zs_obj_read_begin(), zs_map_object()) cannot refuse and stops the
 * program with BUG() and the same message.
 *
 *  - A NULL pool, or a pool already destroyed: zs_malloc() returns an
 *    -EINVAL handle; zs_free(), zs_obj_write(), zs_obj_read_end(),
 *    zs_unmap_object() and zs_pool_stats() do nothing (the stats are
 *    zeroed); zs_compact(), zs_get_total_pages(), zs_huge_class_size()
 *    and zs_lookup_class_index() return 0; zs_pool_snapshot() and the
 *    printers return -EINVAL; zs_obj_read_begin() and zs_map_object()
 *    BUG().  zs_destroy_pool(NULL) is a no-op, like free(NULL).
 *  - Destroying a pool twice: the second call is refused, provided the
 *    pool's memory has not been reused in between (see below).
 *  - A live handle of another pool: zs_free() and zs_obj_write() refuse,
 *    both pools unchanged; zs_obj_read_begin() and zs_map_object() BUG().
 *  - zs_obj_read_end() or zs_unmap_object() on a handle this thread is not
 *    reading (no begin, or ended twice): refused.
 *  - A thread that starts a second read or mapping of an object it is
 *    reading, or frees or writes it meanwhile: BUG() instead of waiting on
 *    itself for ever.  (Reading two different objects at once is fine.)
 *  - zs_obj_read_begin() of an object that spans two pages with a NULL
 *    @local_copy: BUG().
 *  - zs_map_object() of a page-spanning object while another spanning
 *    object is mapped on the same thread: BUG(), since both would share one
 *    bounce buffer.
 *  - zs_malloc() of 0 bytes (-EINVAL) or of more than ZS_MAX_ALLOC_SIZE
 *    (-ENOSPC); zs_free() of an error handle (warns) or of 0 (no-op);
 *    zs_obj_write() longer than the object (warns, writes nothing);
 *    zs_obj_read_begin() longer than the object (warns, reads the object).
 *  - zs_lookup_class_index() of any size above ZS_MAX_ALLOC_SIZE returns
 *    the largest class.
 *
 * Debug builds (ZSMALLOC_DEBUG_VM) also check every handle against the
 * pool's live handles before touching it, so a freed, foreign or made-up
 * handle ends in BUG() naming the call and the handle, and poison freed
 * memory, which is how they catch a pool used after zs_destroy_pool().
 *
 * Undefined, in release builds: a handle that was freed, never returned by
 * zs_malloc(), or corrupted (the library may crash or hang on it); a pool
 * pointer that is neither NULL nor a pool, or a pool used after it was
 * destroyed once its memory is reused; zs_obj_read_end() with a
 * @mem_len or @handle_mem other than zs_obj_read_begin()'s; ending a read
 * or a mapping on another thread than the one that began it; reading or
 * writing past @mem_len through the pointer zs_obj_read_begin() returned;
 * calling into the library from a signal handler that interrupted it; a
 * thread holding more than eight reads or mappings at once (the nested
 * read and unpinned end checks become best effort); any call on a pool
 * concurrent with, or after the start of, its zs_destroy_pool().
 */

/* --- zspage inspection ---------------------------------------------------- */

/* The most object slots a zspage can have: 16 pages of 32-byte objects. */
#define ZS_ZSPAGE_MAX_OBJS	(ZS_MAX_CHAIN_SIZE * 4096u / 32u)

/* What a zspage is made of, for pictures and debuggers. */
struct zs_zspage_info {
	uint32_t size;			/* set by the caller: sizeof(struct zs_zspage_info) */
	unsigned int class_index;	/* size class, 0..254 */
	unsigned int obj_size;		/* bytes per slot, handle included */
	unsigned int pages_per_zspage;	/* length of the chain now: the class's
					 * pages_per_zspage, or fewer for a
					 * ZS_GROW_BY_PAGE zspage still growing */
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

/*
 * The pfn of the page that holds the start of @handle's object, into
 * *@pfn: the page zsim_isolate_page() and zsim_migrate_page() (zsim.h)
 * act on to move that object.  Good until the page next migrates; the
 * handle itself never changes.  Takes the zspage's lock for reading, so
 * not from a context that holds it.  -EINVAL for a NULL @pool or @pfn;
 * a handle that is not one of @pool's live objects is the misuse
 * zs_obj_read_begin() reports (a BUG(), or -EINVAL in the checked
 * configurations that report instead).
 */
ZS_API int zs_handle_pfn(struct zs_pool *pool, unsigned long handle,
			 uint64_t *pfn);

#ifdef __cplusplus
}
#endif

#endif /* ZSMALLOC_ZSMALLOC_H */
