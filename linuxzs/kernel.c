// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel's own mm/zsmalloc.c, compiled unmodified against sim/.
 *
 * The build passes the file's path as LINUXZS_SOURCE, the kernel version
 * as LINUXZS_VERSION ("6.12.117") and LINUXZS_VERSION_CODE (the kernel's
 * KERNEL_VERSION(a, b, c)), and force-includes linuxzs/prelude.h; the
 * kernel's include/linux/zsmalloc.h comes first on the include path, then
 * sim/include.  After the file, in the same translation unit so that its
 * static functions and structures are in reach, come the few inspection
 * helpers the public API needs and the kernel does not export (class
 * statistics, zspage pictures, a handle's page).  They only read, under
 * the locks the kernel file itself takes for the same data.
 *
 * A binary built from this file is GPL-2.0-only (the kernel's licence for
 * the build; the file itself says "Dual BSD/GPL").
 */
#include LINUXZS_SOURCE

#include <linux/debugfs.h>
#include <linux/sprintf.h>
#include "bridge.h"

#define LINUXZS_KV(a, b, c)	(((a) << 16) + ((b) << 8) + (c))
#if LINUXZS_VERSION_CODE >= LINUXZS_KV(6, 6, 0)
/* 6.12: twelve in-use ratio groups, class_stat_read(), class->lock, migrate_lock */
#define LINUXZS_RATIOS	1
#else
/* 6.1: four fullness groups, zs_stat_get(), one pool->lock */
#define LINUXZS_RATIOS	0
#endif

static unsigned long linuxzs_stat(struct size_class *class, int type)
{
#if LINUXZS_RATIOS
	return class_stat_read(class, type);
#else
	return zs_stat_get(class, type);
#endif
}

/*
 * The locks, as each version's own functions take them: 6.12 reads
 * handles under pool->migrate_lock and a class's lists and counters under
 * class->lock; 6.1 has one pool->lock for both.
 */
#if LINUXZS_RATIOS
#define LINUXZS_OBJS_ALLOCATED	ZS_OBJS_ALLOCATED
#define LINUXZS_OBJS_INUSE	ZS_OBJS_INUSE
#define LINUXZS_NR_GROUPS	NR_FULLNESS_GROUPS
#define linuxzs_handle_lock(pool)	read_lock(&(pool)->migrate_lock)
#define linuxzs_handle_unlock(pool)	read_unlock(&(pool)->migrate_lock)
#define linuxzs_class_lock(pool, class)	spin_lock(&(class)->lock)
#define linuxzs_class_unlock(pool, class) spin_unlock(&(class)->lock)
#else
#define LINUXZS_OBJS_ALLOCATED	OBJ_ALLOCATED
#define LINUXZS_OBJS_INUSE	OBJ_USED
#define LINUXZS_NR_GROUPS	NR_ZS_FULLNESS
#define linuxzs_handle_lock(pool)	spin_lock(&(pool)->lock)
#define linuxzs_handle_unlock(pool)	spin_unlock(&(pool)->lock)
#define linuxzs_class_lock(pool, class)	spin_lock(&(pool)->lock)
#define linuxzs_class_unlock(pool, class) spin_unlock(&(pool)->lock)
#endif

#if LINUXZS_VERSION_CODE < LINUXZS_KV(6, 2, 0)
/*
 * zs_lookup_class_index() came with zram's recompression (6.2); for an
 * older file the public API's zs_lookup_class_index() is this, the same
 * one line over the file's own size class table.
 */
unsigned int zs_lookup_class_index(struct zs_pool *pool, unsigned int size)
{
	return pool->size_class[get_size_class_index(size)]->index;
}
#endif

const char linuxzs_kernel_version[] = LINUXZS_VERSION;
const unsigned int linuxzs_chain_size = ZS_MAX_PAGES_PER_ZSPAGE;
const unsigned int linuxzs_nr_groups = LINUXZS_NR_GROUPS > 12 ? 12 : LINUXZS_NR_GROUPS;
const unsigned int linuxzs_nr_classes = ZS_SIZE_CLASSES;

long linuxzs_pages_compacted(struct zs_pool *pool)
{
	return atomic_long_read(&pool->stats.pages_compacted);
}

/*
 * The handle's zspage with its migrate lock read-held, as zs_map_object()
 * takes it: no page of it can move until linuxzs_obj_unlock().
 */
static struct zspage *linuxzs_obj_lock(struct zs_pool *pool, unsigned long handle,
				       struct page **pagep, unsigned int *obj_idx)
{
	struct zspage *zspage;

	linuxzs_handle_lock(pool);
	obj_to_location(handle_to_obj(handle), pagep, obj_idx);
	zspage = get_zspage(*pagep);
	migrate_read_lock(zspage);
	linuxzs_handle_unlock(pool);
	return zspage;
}

static void linuxzs_obj_unlock(struct zspage *zspage)
{
	migrate_read_unlock(zspage);
}

size_t linuxzs_obj_capacity(struct zs_pool *pool, unsigned long handle)
{
	struct zspage *zspage;
	struct page *page;
	unsigned int obj_idx;
	size_t cap;

	zspage = linuxzs_obj_lock(pool, handle, &page, &obj_idx);
	cap = zspage_class(pool, zspage)->size;
	if (!ZsHugePage(zspage))
		cap -= ZS_HANDLE_SIZE;
	linuxzs_obj_unlock(zspage);
	return cap;
}

void *linuxzs_map(struct zs_pool *pool, unsigned long handle, int mode)
{
	return zs_map_object(pool, handle, (enum zs_mapmode)mode);
}

void linuxzs_unmap(struct zs_pool *pool, unsigned long handle)
{
	zs_unmap_object(pool, handle);
}

/* Where the object's bytes start: its page and the offset in that page. */
static struct zspage *linuxzs_obj_locate(struct zs_pool *pool, unsigned long handle,
					 struct page **pagep, unsigned long *offp,
					 struct size_class **classp)
{
	struct zspage *zspage;
	unsigned int obj_idx;

	zspage = linuxzs_obj_lock(pool, handle, pagep, &obj_idx);
	*classp = zspage_class(pool, zspage);
	*offp = offset_in_page((*classp)->size * obj_idx);
	if (!ZsHugePage(zspage))
		*offp += ZS_HANDLE_SIZE;
	return zspage;
}

void *linuxzs_read_begin(struct zs_pool *pool, unsigned long handle, size_t len,
			 void *local_copy)
{
	struct size_class *class;
	struct zspage *zspage;
	struct page *page;
	unsigned long off;
	size_t first;

	zspage = linuxzs_obj_locate(pool, handle, &page, &off, &class);
	if (off + len <= PAGE_SIZE)
		return (char *)kmap_local_page(page) + off;
	if (!local_copy) {
		linuxzs_obj_unlock(zspage);
		return NULL;
	}
	first = PAGE_SIZE - off;
	memcpy_from_page(local_copy, page, off, first);
	memcpy_from_page((char *)local_copy + first, get_next_page(page), 0, len - first);
	return local_copy;
}

void linuxzs_read_end(struct zs_pool *pool, unsigned long handle, size_t len,
		      const void *mem)
{
	struct size_class *class;
	struct zspage *zspage;
	struct page *page;
	unsigned long off;
	unsigned int obj_idx;

	/* the zspage lock is still held: the object cannot have moved */
	obj_to_location(handle_to_obj(handle), &page, &obj_idx);
	zspage = get_zspage(page);
	class = zspage_class(pool, zspage);
	off = offset_in_page(class->size * obj_idx);
	if (!ZsHugePage(zspage))
		off += ZS_HANDLE_SIZE;
	if (off + len <= PAGE_SIZE)
		kunmap_local(mem);
	linuxzs_obj_unlock(zspage);
}

void linuxzs_obj_write(struct zs_pool *pool, unsigned long handle, const void *src,
		       size_t len)
{
	struct size_class *class;
	struct zspage *zspage;
	struct page *page;
	unsigned long off;
	size_t first;

	zspage = linuxzs_obj_locate(pool, handle, &page, &off, &class);
	if (off + len <= PAGE_SIZE) {
		memcpy_to_page(page, off, src, len);
	} else {
		first = PAGE_SIZE - off;
		memcpy_to_page(page, off, src, first);
		memcpy_to_page(get_next_page(page), 0, (const char *)src + first, len - first);
	}
	linuxzs_obj_unlock(zspage);
}

bool linuxzs_handle_foreign(struct zs_pool *pool, unsigned long handle)
{
	struct zspage *zspage;
	struct page *page;
	unsigned int obj_idx;
	bool foreign;

	zspage = linuxzs_obj_lock(pool, handle, &page, &obj_idx);
	foreign = zspage->pool != pool;
	linuxzs_obj_unlock(zspage);
	return foreign;
}

bool linuxzs_class(struct zs_pool *pool, unsigned int i, struct linuxzs_class *c)
{
	struct size_class *class = pool->size_class[i];
	unsigned int fg;

	if (class->index != i)
		return false;
	memset(c, 0, sizeof(*c));
	c->index = class->index;
	c->size = class->size;
	c->pages_per_zspage = class->pages_per_zspage;
	c->objs_per_zspage = class->objs_per_zspage;
	c->huge = class->pages_per_zspage == 1 && class->objs_per_zspage == 1;
	linuxzs_class_lock(pool, class);
	for (fg = 0; fg < linuxzs_nr_groups; fg++)
		c->zspages[fg] = linuxzs_stat(class, fg);
	c->obj_allocated = linuxzs_stat(class, LINUXZS_OBJS_ALLOCATED);
	c->obj_used = linuxzs_stat(class, LINUXZS_OBJS_INUSE);
	c->freeable = zs_can_compact(class);
	linuxzs_class_unlock(pool, class);
	return true;
}

size_t linuxzs_handle_size(void)
{
	return ZS_HANDLE_SIZE;
}

size_t linuxzs_zspage_size(void)
{
	return sizeof(struct zspage);
}

struct linuxzs_print_args {
	struct zs_pool *pool;
	void (*fn)(void *, const char *);
	void *arg;
};

int linuxzs_print_classes(struct zs_pool *pool, void (*fn)(void *, const char *),
			  void *arg)
{
	char path[256];
	struct seq_file *m;
	int ret;

	/*
	 * The file the kernel created, zsmalloc/<pool>/classes, read the way
	 * a cat of it runs: open, show, release.  A second pool of the same
	 * name has no directory of its own (debugfs_create_dir() failed with
	 * -EEXIST, which the kernel ignores), so its table is printed by the
	 * same show function directly.
	 */
	if (!IS_ERR_OR_NULL(pool->stat_dentry) && strlen(pool->name) < 200) {
		snprintf(path, sizeof(path), "zsmalloc/%s/classes", pool->name);
		ret = sim_debugfs_print_owned(path, pool, fn, arg);
		if (ret != -ESRCH)
			return ret;
	}
	m = kmalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	seq_file_init_output(m, fn, arg, pool);
	ret = zs_stats_size_show(m, NULL);
	if (!ret)
		ret = seq_file_finish(m);
	kfree(m);
	return ret;
}

int linuxzs_zspage_info(struct zs_pool *pool, uint64_t pfn, struct linuxzs_zspage *z)
{
	struct size_class *class;
	struct zspage *zspage;
	struct page *page, *p;
	unsigned int i, nr;
	int ret = -ENOENT;

	if (!pfn_valid(pfn))
		return -ENOENT;
	page = pfn_to_page(pfn);
	/* as isolate_movable_page(): a reference, then the page lock */
	if (!get_page_unless_zero(page))
		return -ENOENT;
	lock_page(page);
	/* locked and movable: the zspage cannot be freed or this page moved */
	if (!__PageMovable(page) || page_movable_ops(page) != &zsmalloc_mops)
		goto out;
	zspage = get_zspage(page);
	/*
	 * The page lock keeps the zspage from being freed (free_zspage()
	 * locks every page); the class lock keeps its chain (migration
	 * replaces a page under it), its objects and its counters still.  No
	 * zspage migrate lock: migration takes it after the class lock.
	 */
	if (zspage->pool != pool)
		goto out;
	class = zspage_class(pool, zspage);
	linuxzs_class_lock(pool, class);
	memset(z, 0, sizeof(*z));
	z->class_index = class->index;
	z->obj_size = class->size;
	z->pages_per_zspage = class->pages_per_zspage;
	z->objs_per_zspage = class->objs_per_zspage;
	z->inuse = get_zspage_inuse(zspage);
	z->fullness = get_fullness_group(class, zspage);
	z->huge = ZsHugePage(zspage);
	z->listed = !list_empty(&zspage->list);
	for (i = 0, p = get_first_page(zspage); p && i < 16; p = get_next_page(p), i++) {
		z->pfn[i] = page_to_pfn(p);
		z->first_obj_offset[i] = get_first_obj_offset(p);
		if (PageIsolated(p))
			z->isolated++;
	}
	nr = class->objs_per_zspage;
	for (i = 0; i < nr && i < 16 * 4096 / 32; i++) {
		unsigned long off = (unsigned long)i * class->size, handle;
		unsigned int n;
		void *addr;

		p = get_first_page(zspage);
		for (n = 0; n < off >> PAGE_SHIFT; n++)
			p = get_next_page(p);
		addr = kmap_local_page(p);
		if (obj_allocated(p, (char *)addr + offset_in_page(off), &handle))
			z->obj_used[i / 64] |= 1ULL << (i % 64);
		kunmap_local(addr);
	}
	linuxzs_class_unlock(pool, class);
	ret = 0;
out:
	unlock_page(page);
	put_page(page);
	return ret;
}

int linuxzs_handle_pfn(struct zs_pool *pool, unsigned long handle, uint64_t *pfn)
{
	struct zspage *zspage;
	struct page *page;
	unsigned int obj_idx;

	zspage = linuxzs_obj_lock(pool, handle, &page, &obj_idx);
	*pfn = page_to_pfn(page);
	linuxzs_obj_unlock(zspage);
	return 0;
}

/*
 * Free every object still in the pool, for zs_destroy_pool() with live
 * objects (the public API returns everything; the kernel's
 * zs_destroy_pool() only warns and leaks them).  Each object is found
 * under the class lock and freed by the kernel's own zs_free().  The
 * caller has the pool to itself.
 */
void linuxzs_free_all(struct zs_pool *pool)
{
	unsigned int i, fg;

	for (i = 0; i < ZS_SIZE_CLASSES; i++) {
		struct size_class *class = pool->size_class[i];

		if (!class || class->index != i)
			continue;
		for (;;) {
			unsigned long handle = 0;
			struct zspage *zspage = NULL;
			struct page *page;

			linuxzs_class_lock(pool, class);
			for (fg = 0; fg < LINUXZS_NR_GROUPS && !zspage; fg++)
				zspage = list_first_entry_or_null(&class->fullness_list[fg],
								  struct zspage, list);
			if (zspage) {
				unsigned int n = 0, objs = class->objs_per_zspage;

				for (; n < objs && !handle; n++) {
					unsigned long off = (unsigned long)n * class->size, k;
					void *addr;

					page = get_first_page(zspage);
					for (k = 0; k < off >> PAGE_SHIFT; k++)
						page = get_next_page(page);
					addr = kmap_local_page(page);
					if (!obj_allocated(page, (char *)addr + offset_in_page(off),
							   &handle))
						handle = 0;
					kunmap_local(addr);
				}
			}
			linuxzs_class_unlock(pool, class);
			if (!zspage)
				break;
			/* an empty zspage on a list: the kernel frees it with its last object */
			if (WARN_ON_ONCE(!handle))
				break;
			zs_free(pool, handle);
		}
	}
}
