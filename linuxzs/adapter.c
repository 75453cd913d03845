// SPDX-License-Identifier: GPL-2.0-only
/*
 * The public API (<zsmalloc/zsmalloc.h>) over the kernel's own
 * mm/zsmalloc.c (kernel.c), for libzsmalloc-linux.
 *
 * Thin on purpose: each call checks what the public contract says it
 * checks (a live pool, sizes, flags), then calls the kernel's function of
 * the same name.  What the kernel has no function for is mapped:
 *
 *  - zs_malloc(pool, size, gfp, nid): the kernel's zs_malloc() has no node
 *    (the simulator has one); @nid is dropped, and @gfp gets zram's
 *    __GFP_HIGHMEM | __GFP_MOVABLE so that zspages are movable.
 *  - zs_obj_write/zs_obj_read_begin/zs_obj_read_end (the object API
 *    Linux 6.16 added): implemented as 6.16 does, over the 6.12 file's own
 *    structures (kernel.c): the zspage's migrate lock read-held from begin
 *    to end, in place within a page, assembled in @local_copy across two.
 *    zs_map_object() is the kernel's, with its per-CPU mapping area.
 *  - misuse: a NULL or destroyed pool, an error handle, a handle of
 *    another pool, nested reads and unmatched ends are caught here as the
 *    public contract says; debug builds also keep each pool's live
 *    handles, so a freed or made-up handle is a BUG() before the kernel's
 *    code touches it (the kernel has no such check).
 *  - pool configs: the kernel's policies are compiled in; a config is
 *    accepted only if it describes them (zs_pool_config_init() of the
 *    preset the kernel matches), else -EOPNOTSUPP naming the knob.
 *  - statistics and inspection: read from the kernel's own structures by
 *    helpers compiled after the file (kernel.c); the classes table is the
 *    kernel's debugfs file.  objs_moved is 0 (the kernel does not count).
 *
 * Linked with sim/ and kernel.c into libzsmalloc-linux, GPL-2.0-only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zsmalloc/zsmalloc.h>
#include <zsmalloc/version.h>
#include "../lib/zs_config.h"

#include <linux/kernel.h>
#include <linux/atomic.h>
#include <linux/bug.h>
#include <linux/printk.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <asm/page.h>

#include "bridge.h"

struct linuxzs_live;

#define LINUXZS_POOL_MAGIC	0x4c4e5a53u	/* "LNZS" */
/* Reads one thread may hold at once (the public contract: eight). */
#define LINUXZS_MAX_READS	8

struct zs_pool {
	unsigned int magic;
	struct linux_zs_pool *k;
	char *name;
	struct zs_pool_config config;
	atomic_long_t pages_max;
	struct linuxzs_live *live;	/* debug builds: live handles */
};

/* The reads this thread has open: their handles, and whether mapped. */
struct linuxzs_read {
	unsigned long handle;
	struct zs_pool *pool;
	bool mapped;		/* zs_map_object(), not zs_obj_read_begin() */
	size_t len;		/* zs_obj_read_begin()'s @mem_len */
};
static __thread struct linuxzs_read linuxzs_reads[LINUXZS_MAX_READS];

static void live_create(struct zs_pool *pool);
static void live_destroy(struct zs_pool *pool);
static void live_add(struct zs_pool *pool, unsigned long h);

static noinline __cold void linuxzs_bad_pool(struct zs_pool *pool, const char *caller,
					     bool fatal)
{
	if (!pool)
		pr_err("zsmalloc: %s(NULL): no pool\n", caller);
	else
		pr_err("zsmalloc: %s(%p): not a live pool (destroyed already?)\n",
		       caller, pool);
	if (fatal)
		BUG();
	WARN(1, "zsmalloc: %s refused\n", caller);
}

#define pool_bad(pool, fatal) ({					\
	bool __bad = unlikely(!(pool) || (pool)->magic != LINUXZS_POOL_MAGIC); \
	if (__bad)							\
		linuxzs_bad_pool(pool, __func__, fatal);		\
	__bad;								\
})

/* --- versions and configuration ------------------------------------------ */

const char *zs_version(void)
{
	return ZSMALLOC_VERSION_STRING;
}

unsigned int zs_version_number(void)
{
	return ZSMALLOC_VERSION_NUMBER;
}

/* The policies compiled into the kernel's file, as a pool config. */
static void linuxzs_kernel_config(struct zs_pool_config *cfg)
{
	zs_pool_config_init(cfg, linuxzs_nr_groups == 12 ? ZS_PRESET_LINUX_6_18
							  : ZS_PRESET_LINUX_4_8);
	cfg->chain_size = linuxzs_chain_size;
}

/* zs_pool_config_init() and zs_pool_config_check(): lib/zs_config.c, as ours. */

/*
 * A valid config the kernel's file may still not implement: it has one
 * set of policies compiled in.  -EOPNOTSUPP, naming the knob, if @cfg
 * asks for others.
 */
static int linuxzs_config_supported(const struct zs_pool_config *cfg)
{
	struct zs_pool_config k;

	linuxzs_kernel_config(&k);
	if (cfg->chain_size != k.chain_size) {
		pr_err("zsmalloc: Linux %s's mm/zsmalloc.c: zs_pool_config.chain_size %u, but the file is built with %u (CONFIG_ZSMALLOC_CHAIN_SIZE)\n",
		       linuxzs_kernel_version, cfg->chain_size, k.chain_size);
		return -EOPNOTSUPP;
	}
	if (zs_pool_config_growth(cfg) != ZS_GROW_WHOLE) {
		pr_err("zsmalloc: Linux %s's mm/zsmalloc.c allocates every page of a zspage at once; zs_pool_config.growth %d (ZS_GROW_BY_PAGE) is this library's own\n",
		       linuxzs_kernel_version, (int)cfg->growth);
		return -EOPNOTSUPP;
	}
	if (cfg->page_rule != k.page_rule || cfg->fullness != k.fullness ||
	    cfg->compaction != k.compaction || cfg->list_order != k.list_order) {
		pr_err("zsmalloc: Linux %s's mm/zsmalloc.c has its own policies (page rule %d, fullness %d, compaction %d, list order %d); the config asks for %d, %d, %d, %d\n",
		       linuxzs_kernel_version, (int)k.page_rule, (int)k.fullness,
		       (int)k.compaction, (int)k.list_order, (int)cfg->page_rule,
		       (int)cfg->fullness, (int)cfg->compaction, (int)cfg->list_order);
		return -EOPNOTSUPP;
	}
	return 0;
}

/* --- pools ------------------------------------------------------------------ */

struct zs_pool *zs_create_pool_config(const char *name, const struct zs_pool_config *cfg,
				      int *err)
{
	struct zs_pool *pool;
	int ret = -EINVAL;

	if (!name) {
		pr_err("zsmalloc: a pool needs a name (name is NULL)\n");
		goto fail;
	}
	ret = zs_pool_config_check(cfg);
	if (!ret)
		ret = linuxzs_config_supported(cfg);
	if (ret)
		goto fail;
	ret = -ENOMEM;
	pool = kzalloc(sizeof(*pool), GFP_KERNEL);
	if (!pool)
		goto fail;
	pool->name = kstrdup(name, GFP_KERNEL);
	if (!pool->name)
		goto fail_free;
	pool->k = linux_zs_create_pool(name);
	if (!pool->k)
		goto fail_free;
	pool->config = *cfg;
	live_create(pool);
	atomic_long_set(&pool->pages_max, 0);
	pool->magic = LINUXZS_POOL_MAGIC;
	return pool;

fail_free:
	kfree(pool->name);
	kfree(pool);
fail:
	if (err)
		*err = ret;
	errno = -ret;
	return NULL;
}

struct zs_pool *zs_create_pool(const char *name)
{
	struct zs_pool_config cfg;

	linuxzs_kernel_config(&cfg);
	return zs_create_pool_config(name, &cfg, NULL);
}

void zs_destroy_pool(struct zs_pool *pool)
{
	if (!pool || pool_bad(pool, false))
		return;
	pool->magic = 0;
	/* the public contract: live objects go too (the kernel would leak them) */
	if (linux_zs_get_total_pages(pool->k))
		linuxzs_free_all(pool->k);
	linux_zs_destroy_pool(pool->k);
	live_destroy(pool);
	kfree(pool->name);
	kfree(pool);
}

/* --- objects ---------------------------------------------------------------- */

unsigned long zs_malloc(struct zs_pool *pool, size_t size, unsigned int gfp, int nid)
{
	unsigned long handle;
	long pages, max;

	if (pool_bad(pool, false))
		return (unsigned long)-EINVAL;
	(void)nid;	/* one node; the kernel's 6.12 zs_malloc() takes none */
	/*
	 * Movable zspages, as zram asks for them (zram_write_page(): GFP_NOIO
	 * | __GFP_HIGHMEM | __GFP_MOVABLE); the kernel's zs_malloc() strips
	 * both bits for its handle, and this library's zs_malloc() adds
	 * __GFP_MOVABLE for its zspages the same way.
	 */
	handle = linux_zs_malloc(pool->k, size, gfp | __GFP_HIGHMEM | __GFP_MOVABLE);
	if (zs_is_err_handle(handle))
		return handle;
	live_add(pool, handle);
	/* the kernel keeps no maximum: zram's mem_used_max, kept here */
	pages = (long)linux_zs_get_total_pages(pool->k);
	max = atomic_long_read(&pool->pages_max);
	while (pages > max && !atomic_long_try_cmpxchg(&pool->pages_max, &max, pages))
		;
	return handle;
}

static struct linuxzs_read *read_find(struct zs_pool *pool, unsigned long handle)
{
	unsigned int i;

	for (i = 0; i < LINUXZS_MAX_READS; i++)
		if (linuxzs_reads[i].handle == handle && linuxzs_reads[i].pool == pool)
			return &linuxzs_reads[i];
	return NULL;
}

/*
 * Debug builds (CONFIG_DEBUG_VM): the live handles of each pool, so that a
 * freed, foreign or made-up handle is caught before the kernel's code
 * dereferences it, as this project's allocator catches it.  The kernel
 * itself has no such check.  An open-addressing set in the real heap (a
 * checker's memory, like a sanitizer's, outside the simulated machine);
 * if it cannot grow, checking stops for the pool, with a message.
 */
struct linuxzs_live {
	spinlock_t lock;
	unsigned long *slot;	/* 0 empty, 1 deleted, else a handle */
	size_t nr_slots, used, deleted;
	bool off;
};

#define LIVE_EMPTY	0UL
#define LIVE_DELETED	1UL

static size_t live_hash(unsigned long h, size_t n)
{
	return (size_t)((h >> 3) * 0x9e3779b97f4a7c15ULL) & (n - 1);
}

static bool live_grow(struct zs_pool *pool, struct linuxzs_live *l)
{
	size_t n = l->nr_slots ? l->nr_slots * 2 : 1024, i, j;
	unsigned long *slot = calloc(n, sizeof(*slot));

	if (!slot) {
		pr_warn("zsmalloc: %s: no memory for the debug handle checks; they stop for this pool\n",
			pool->name);
		l->off = true;
		return false;
	}
	for (i = 0; i < l->nr_slots; i++) {
		unsigned long h = l->slot[i];

		if (h == LIVE_EMPTY || h == LIVE_DELETED)
			continue;
		for (j = live_hash(h, n); slot[j] != LIVE_EMPTY; j = (j + 1) & (n - 1))
			;
		slot[j] = h;
	}
	free(l->slot);
	l->slot = slot;
	l->nr_slots = n;
	l->deleted = 0;
	return true;
}

static void live_add(struct zs_pool *pool, unsigned long h)
{
	struct linuxzs_live *l = pool->live;
	size_t j;

	if (!l)
		return;
	spin_lock(&l->lock);
	if (!l->off && ((l->used + l->deleted + 1) * 4 > l->nr_slots * 3 || !l->nr_slots))
		live_grow(pool, l);
	if (!l->off) {
		for (j = live_hash(h, l->nr_slots);
		     l->slot[j] != LIVE_EMPTY && l->slot[j] != LIVE_DELETED;
		     j = (j + 1) & (l->nr_slots - 1))
			;
		if (l->slot[j] == LIVE_DELETED)
			l->deleted--;
		l->slot[j] = h;
		l->used++;
	}
	spin_unlock(&l->lock);
}

/* Is @h live in @pool?  With @remove, it no longer is. */
static bool live_check(struct zs_pool *pool, unsigned long h, bool remove)
{
	struct linuxzs_live *l = pool->live;
	bool found = false;
	size_t j;

	if (!l)
		return true;
	spin_lock(&l->lock);
	if (l->off) {
		found = true;
	} else if (l->nr_slots) {
		for (j = live_hash(h, l->nr_slots); l->slot[j] != LIVE_EMPTY;
		     j = (j + 1) & (l->nr_slots - 1)) {
			if (l->slot[j] == h) {
				found = true;
				if (remove) {
					l->slot[j] = LIVE_DELETED;
					l->used--;
					l->deleted++;
				}
				break;
			}
		}
	}
	spin_unlock(&l->lock);
	return found;
}

static void live_create(struct zs_pool *pool)
{
	if (!IS_ENABLED(CONFIG_DEBUG_VM))
		return;
	pool->live = calloc(1, sizeof(*pool->live));
	if (!pool->live) {
		pr_warn("zsmalloc: %s: no memory for the debug handle checks\n", pool->name);
		return;
	}
	spin_lock_init(&pool->live->lock);
}

static void live_destroy(struct zs_pool *pool)
{
	if (!pool->live)
		return;
	free(pool->live->slot);
	free(pool->live);
	pool->live = NULL;
}

/*
 * Whether @handle may be used on @pool: an error handle warns and is
 * refused; one this thread is reading, a handle that is not live in the
 * pool (debug builds) or a live handle of another pool is a BUG() when
 * @fatal (or, for the other pool's handle, in debug builds), else a
 * warning and a refusal.  @remove: zs_free() takes it out of the set.
 */
static bool handle_bad(struct zs_pool *pool, unsigned long handle, const char *caller,
		       bool fatal, bool remove)
{
	if (WARN_ON_ONCE(zs_is_err_handle(handle))) {
		if (fatal)
			BUG();
		return true;
	}
	if (read_find(pool, handle)) {
		pr_emerg("zsmalloc: %s(%s, handle %#lx): this thread is reading the object\n",
			 caller, pool->name, handle);
		BUG();
	}
	if (!live_check(pool, handle, remove)) {
		pr_emerg("zsmalloc: %s(%s, handle %#lx): not a live handle of this pool (freed, another pool's, or never allocated)\n",
			 caller, pool->name, handle);
		BUG();
	}
	if (linuxzs_handle_foreign(pool->k, handle)) {
		pr_err("zsmalloc: %s(%s, handle %#lx): the handle is another pool's\n",
		       caller, pool->name, handle);
		if (fatal || IS_ENABLED(CONFIG_DEBUG_VM))
			BUG();
		WARN(1, "zsmalloc: %s refused\n", caller);
		return true;
	}
	return false;
}

void zs_free(struct zs_pool *pool, unsigned long handle)
{
	if (!handle)
		return;
	if (pool_bad(pool, false) || handle_bad(pool, handle, __func__, false, true))
		return;
	linux_zs_free(pool->k, handle);
}

void zs_obj_write(struct zs_pool *pool, unsigned long handle, const void *handle_mem,
		  size_t mem_len)
{
	if (pool_bad(pool, false) || !handle ||
	    handle_bad(pool, handle, __func__, false, false))
		return;
	if (WARN_ON_ONCE(mem_len > linuxzs_obj_capacity(pool->k, handle)))
		return;		/* refuse rather than overwrite the neighbour */
	linuxzs_obj_write(pool->k, handle, handle_mem, mem_len);
}

static struct linuxzs_read *read_slot(struct zs_pool *pool, unsigned long handle,
				      const char *caller)
{
	struct linuxzs_read *r = read_find(NULL, 0);

	if (!r) {
		pr_emerg("zsmalloc: %s(%s, handle %#lx): more than %d reads open on this thread\n",
			 caller, pool->name, handle, LINUXZS_MAX_READS);
		BUG();
	}
	return r;
}

void *zs_obj_read_begin(struct zs_pool *pool, unsigned long handle, size_t mem_len,
			void *local_copy)
{
	struct linuxzs_read *r;
	size_t cap;
	void *mem;

	if (pool_bad(pool, true))
		return NULL;
	handle_bad(pool, handle, __func__, true, false);
	r = read_slot(pool, handle, __func__);
	cap = linuxzs_obj_capacity(pool->k, handle);
	if (WARN_ON_ONCE(mem_len > cap))
		mem_len = cap;
	mem = linuxzs_read_begin(pool->k, handle, mem_len, local_copy);
	if (!mem) {
		pr_emerg("zsmalloc: zs_obj_read_begin(%s): handle %#lx: %zu bytes span two pages and there is no local_copy to assemble them in\n",
			 pool->name, handle, mem_len);
		BUG();
	}
	r->handle = handle;
	r->pool = pool;
	r->mapped = false;
	r->len = mem_len;
	return mem;
}

void zs_obj_read_end(struct zs_pool *pool, unsigned long handle, size_t mem_len,
		     const void *handle_mem)
{
	struct linuxzs_read *r;

	(void)mem_len;
	if (pool_bad(pool, false) || !handle)
		return;
	r = read_find(pool, handle);
	if (!r) {
		pr_err("zsmalloc: %s(%s, handle %#lx): this thread is not reading it\n",
		       handle_mem ? "zs_obj_read_end" : "zs_unmap_object", pool->name, handle);
		WARN(1, "zsmalloc: read end refused\n");
		return;
	}
	if (r->mapped)
		linuxzs_unmap(pool->k, handle);
	else
		linuxzs_read_end(pool->k, handle, r->len, handle_mem);
	r->handle = 0;
	r->pool = NULL;
}

void *zs_map_object(struct zs_pool *pool, unsigned long handle, enum zs_mapmode mm)
{
	struct linuxzs_read *r;

	if (pool_bad(pool, true))
		return NULL;
	handle_bad(pool, handle, __func__, true, false);
	r = read_slot(pool, handle, __func__);
	for (unsigned int i = 0; i < LINUXZS_MAX_READS; i++) {
		if (linuxzs_reads[i].handle && linuxzs_reads[i].mapped) {
			/* the kernel's rule, checked before its code runs */
			pr_emerg("zsmalloc: zs_map_object(%s, handle %#lx): this thread has handle %#lx mapped; the kernel's zs_map_object() allows one mapping per CPU\n",
				 pool->name, handle, linuxzs_reads[i].handle);
			BUG();
		}
	}
	r->handle = handle;
	r->pool = pool;
	r->mapped = true;
	/* the public modes have the kernel's values (ZS_MM_RW, _RO, _WO) */
	return linuxzs_map(pool->k, handle, (int)mm);
}

void zs_unmap_object(struct zs_pool *pool, unsigned long handle)
{
	struct linuxzs_read *r;

	if (pool_bad(pool, false) || !handle)
		return;
	r = read_find(pool, handle);
	if (!r || !r->mapped) {
		pr_err("zsmalloc: zs_unmap_object(%s, handle %#lx): this thread has not mapped it\n",
		       pool->name, handle);
		WARN(1, "zsmalloc: zs_unmap_object refused\n");
		return;
	}
	zs_obj_read_end(pool, handle, 0, NULL);
}

/* --- sizes and statistics ----------------------------------------------------- */

size_t zs_huge_class_size(struct zs_pool *pool)
{
	if (pool_bad(pool, false))
		return 0;
	return linux_zs_huge_class_size(pool->k);
}

unsigned long zs_get_total_pages(struct zs_pool *pool)
{
	if (pool_bad(pool, false))
		return 0;
	return linux_zs_get_total_pages(pool->k);
}

unsigned int zs_lookup_class_index(struct zs_pool *pool, unsigned int size)
{
	if (pool_bad(pool, false))
		return 0;
	if (size > ZS_MAX_ALLOC_SIZE)
		size = ZS_MAX_ALLOC_SIZE;
	return linux_zs_lookup_class_index(pool->k, size);
}

void zs_pool_stats(struct zs_pool *pool, struct zs_pool_stats *stats)
{
	if (!stats)
		return;
	memset(stats, 0, sizeof(*stats));
	if (pool_bad(pool, false))
		return;
	stats->pages_compacted = linuxzs_pages_compacted(pool->k);
}

unsigned long zs_compact(struct zs_pool *pool)
{
	if (pool_bad(pool, false))
		return 0;
	return linux_zs_compact(pool->k);
}

int zs_pool_snapshot(struct zs_pool *pool, struct zs_pool_snapshot *snap)
{
	unsigned int i, fg, first = 0;
	uint64_t zspages = 0;

	if (pool_bad(pool, false) || !snap || snap->size != sizeof(*snap))
		return -EINVAL;
	memset((char *)snap + sizeof(snap->size), 0, sizeof(*snap) - sizeof(snap->size));
	snap->version = ZS_STATS_VERSION;
	strncpy(snap->name, pool->name, sizeof(snap->name) - 1);
	snap->config = pool->config;
	snap->nr_groups = linuxzs_nr_groups;
	snap->huge_class_size = linux_zs_huge_class_size(pool->k);
	snap->pages_max = (uint64_t)atomic_long_read(&pool->pages_max);
	snap->pages_compacted = (uint64_t)linuxzs_pages_compacted(pool->k);
	snap->objs_moved = 0;	/* the kernel does not count them */

	for (i = 0; i < linuxzs_nr_classes && i < ZS_SIZE_CLASSES; i++) {
		struct linuxzs_class c;
		struct zs_class_stats *cs;

		if (!linuxzs_class(pool->k, i, &c))
			continue;
		cs = &snap->classes[snap->nr_classes++];
		cs->index = c.index;
		cs->size = c.size;
		cs->pages_per_zspage = c.pages_per_zspage;
		cs->objs_per_zspage = c.objs_per_zspage;
		cs->first_index = first;
		cs->huge = c.huge;
		first = i + 1;
		for (fg = 0; fg < linuxzs_nr_groups; fg++) {
			cs->zspages[fg] = c.zspages[fg];
			zspages += c.zspages[fg];
		}
		cs->obj_allocated = c.obj_allocated;
		cs->obj_used = c.obj_used;
		cs->freeable = c.freeable;
		cs->pages_used = c.obj_allocated / c.objs_per_zspage * c.pages_per_zspage;
		snap->obj_allocated += c.obj_allocated;
		snap->obj_used += c.obj_used;
	}
	snap->pages_allocated = linux_zs_get_total_pages(pool->k);
	snap->handle_bytes = snap->obj_used * linuxzs_handle_size();
	snap->zspage_bytes = zspages * linuxzs_zspage_size();
	return 0;
}

int zs_print_classes_cb(struct zs_pool *pool, zs_output_fn *fn, void *arg)
{
	if (pool_bad(pool, false) || !fn)
		return -EINVAL;
	return linuxzs_print_classes(pool->k, fn, arg);
}

static int print_classes_stream(void *pool, seq_output_fn *fn, void *arg)
{
	return zs_print_classes_cb(pool, fn, arg);
}

int zs_print_classes(struct zs_pool *pool, FILE *out)
{
	return seq_print_to_stream(out, print_classes_stream, pool);
}

int zs_print_mm_stat_cb(struct zs_pool *pool, const struct zs_zram_stat *zram,
			zs_output_fn *fn, void *arg)
{
	static const struct zs_zram_stat none;
	struct seq_file *s;
	int ret;

	if (pool_bad(pool, false) || !fn)
		return -EINVAL;
	if (!zram)
		zram = &none;
	s = kmalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	seq_file_init_output(s, fn, arg, pool);
	/* zram's mm_stat line (drivers/block/zram/zram_drv.c) */
	seq_printf(s, "%8llu %8llu %8llu %8lu %8ld %8llu %8lu %8llu %8llu\n",
		   (unsigned long long)zram->orig_data_size,
		   (unsigned long long)zram->compr_data_size,
		   (unsigned long long)linux_zs_get_total_pages(pool->k) << PAGE_SHIFT,
		   (unsigned long)zram->mem_limit,
		   atomic_long_read(&pool->pages_max) << PAGE_SHIFT,
		   (unsigned long long)zram->same_pages,
		   (unsigned long)linuxzs_pages_compacted(pool->k),
		   (unsigned long long)zram->huge_pages,
		   (unsigned long long)zram->huge_pages_since);
	ret = seq_file_finish(s);
	kfree(s);
	return ret;
}

struct mm_stat_args {
	struct zs_pool *pool;
	const struct zs_zram_stat *zram;
};

static int print_mm_stat_stream(void *ctx, seq_output_fn *fn, void *arg)
{
	struct mm_stat_args *a = ctx;

	return zs_print_mm_stat_cb(a->pool, a->zram, fn, arg);
}

int zs_print_mm_stat(struct zs_pool *pool, const struct zs_zram_stat *zram, FILE *out)
{
	struct mm_stat_args a = { .pool = pool, .zram = zram };

	return seq_print_to_stream(out, print_mm_stat_stream, &a);
}

/* --- zspage inspection --------------------------------------------------------- */

int zs_zspage_info(struct zs_pool *pool, uint64_t pfn, struct zs_zspage_info *info)
{
	struct linuxzs_zspage *z;
	int ret;

	if (pool_bad(pool, false) || !info || info->size != sizeof(*info))
		return -EINVAL;
	z = kmalloc(sizeof(*z), GFP_KERNEL);
	if (!z)
		return -ENOMEM;
	ret = linuxzs_zspage_info(pool->k, pfn, z);
	if (!ret) {
		memset(info, 0, sizeof(*info));
		info->size = sizeof(*info);
		info->class_index = z->class_index;
		info->obj_size = z->obj_size;
		info->pages_per_zspage = z->pages_per_zspage;
		info->objs_per_zspage = z->objs_per_zspage;
		info->inuse = z->inuse;
		info->fullness = z->fullness;
		info->isolated = z->isolated;
		info->huge = z->huge;
		info->listed = z->listed;
		BUILD_BUG_ON(sizeof(info->pfn) != sizeof(z->pfn));
		BUILD_BUG_ON(sizeof(info->obj_used) != sizeof(z->obj_used));
		memcpy(info->pfn, z->pfn, sizeof(z->pfn));
		memcpy(info->first_obj_offset, z->first_obj_offset, sizeof(z->first_obj_offset));
		memcpy(info->obj_used, z->obj_used, sizeof(z->obj_used));
	}
	kfree(z);
	return ret;
}

int zs_handle_pfn(struct zs_pool *pool, unsigned long handle, uint64_t *pfn)
{
	if (!pfn || pool_bad(pool, false))
		return -EINVAL;
	if (!handle || zs_is_err_handle(handle))
		return -EINVAL;
	return linuxzs_handle_pfn(pool->k, handle, pfn);
}
