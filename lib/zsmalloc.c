// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * zsmalloc memory allocator, re-created for libzsmalloc.
 *
 * zsmalloc stores many small objects of varied sizes densely.  Objects
 * of one size class are packed end to end into a "zspage": a chain of
 * up to 16 order-0 pages treated as one run of bytes, so an object may
 * straddle two pages.  Callers hold a handle, the address of a word in a
 * slab cache, and that word holds the object's location; an object can
 * therefore move (compaction, page migration) by rewriting one word.
 *
 * The design follows Linux 4.8 (handle/object decoupling, compaction,
 * zspage page migration) with the policies of the newest kernels
 * available per pool: chain size, the min-waste page rule and the 12
 * in-use ratio fullness groups.  docs/UPSTREAM.md maps every function to
 * the kernel version it follows.
 *
 * What a zspage page keeps in struct page:
 *	private		the struct zspage it belongs to
 *	freelist/index	the next page of the chain; a huge zspage has a
 *			single page and keeps its object's handle here
 *	units		offset of the first object that starts in the page
 *	PG_private	first page of the chain
 *	PG_private_2	last page of the chain
 *	PG_owner_priv_1	page of a huge zspage (one object, no header)
 *
 * Locking order (migration holds the page lock on entry):
 *	page lock -> zspage->lock (rw) -> pool->lock (rw, per CPU)
 *		-> class->lock -> handle pin bit
 * Users of an object take the handle's pin bit first, then the zspage
 * read lock; the migrator takes the zspage write lock and only trypins,
 * so the two orders never wait on each other.  zs_free() read-locks
 * pool->lock, compaction and migration write-lock it (zs_pool_read_lock()).
 * Most reads and writes take none of these: they announce the handle in
 * a hazard slot of their thread, and compaction and migration, which
 * raise pool->movers and run the asymmetric barrier before any lock
 * (zs_movers_begin()), pass such an object by (zs_window_open()).
 * pool->movers_lock nests inside class->lock (zs_pool_dec_isolated()).
 */

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/err.h>
#include <linux/highmem.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/bit_spinlock.h>
#include <linux/hazptr.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/cpuhotplug.h>
#include <linux/pagemap.h>
#include <linux/workqueue.h>
#include <linux/shrinker.h>
#include <linux/seq_file.h>
#include <linux/wait.h>
#include <linux/fs.h>
#include <linux/migrate.h>
#include <linux/zsmalloc.h>
#include <linux/mm.h>
#include <trace/events/zsmalloc.h>

#include "zs_config.h"

/* --- constants and structures --------------------------------------------- */

#define ZSPAGE_MAGIC	0x58
/* A live struct zs_pool; cleared when the pool is destroyed. */
#define ZS_POOL_MAGIC	0x7a73706f6f6cUL

/*
 * Object sizes are multiples of this, and it is a power of two no smaller
 * than struct link_free: so a free-list link never straddles two pages.
 */
#define ZS_ALIGN		8

#define ZS_HANDLE_SIZE (sizeof(unsigned long))

/* The longest chain a pool may be configured with. */
#define ZS_MAX_PAGES_PER_ZSPAGE	ZS_MAX_CHAIN_SIZE

/*
 * An object's location is one word, the "obj": the pfn of the page where
 * the object starts and its index in the zspage, shifted up by
 * OBJ_TAG_BITS so bit 0 of the handle word stays free for HANDLE_PIN_BIT.
 */
#define _PFN_BITS		(MAX_PHYSMEM_BITS - PAGE_SHIFT)

/*
 * An allocated object's first word holds its handle with bit 0 set; a
 * free object's first word is a free-list link with bit 0 clear.  Handles
 * are word-aligned addresses, so bit 0 is always available.
 */
#define OBJ_ALLOCATED_TAG 1
#define OBJ_TAG_BITS 1
#define OBJ_INDEX_BITS	(BITS_PER_LONG - _PFN_BITS - OBJ_TAG_BITS)
#define OBJ_INDEX_MASK	((1UL << OBJ_INDEX_BITS) - 1)

/* Bit 0 of the handle word: the object is in use, do not move it. */
#define HANDLE_PIN_BIT	0

#define ZS_MIN_ALLOC_SIZE \
	max_t(unsigned long, 32, ZS_MAX_PAGES_PER_ZSPAGE << PAGE_SHIFT >> OBJ_INDEX_BITS)

/*
 * Classes are 16 bytes apart: 255 of them from 32 to 4096 bytes with 4 KiB
 * pages.  Finer steps waste less per object but spread free space over
 * more classes; neighbouring classes with identical geometry are merged
 * at pool creation, which recovers most of that.  Both the minimum and the
 * step are multiples of ZS_ALIGN.
 */
#define CLASS_BITS	8
#define ZS_SIZE_CLASS_DELTA	(PAGE_SIZE >> CLASS_BITS)

#define FULLNESS_BITS	4
/* every page of a zspage may be isolated at once: up to 16 (4.8: 4, 3 bits) */
#define ISOLATED_BITS	5
#define MAGIC_VAL_BITS	8
/* pages a zspage has, 1..16 */
#define NR_PAGES_BITS	5
/* a growing zspage's next never-used slot: up to 16 * 4096 / 32 */
#define FRONTIER_BITS	(32 - FULLNESS_BITS - ISOLATED_BITS - NR_PAGES_BITS)

/*
 * Fullness groups.  Linux 4.8 keeps four lists: empty zspages
 * (awaiting a deferred free), almost empty (in use <= 3/4), almost full
 * and full.  Linux 6.4+ keeps twelve: empty, ten 10%-wide in-use ratio
 * bands (the last one 90..99%) and full.  Empty is group 0 in both, so
 * the deferred-free and isolation code does not care which is in use.
 */
enum fullness_group {
	ZS_EMPTY = 0,
	ZS_ALMOST_EMPTY = 1,
	ZS_ALMOST_FULL = 2,
	ZS_FULL = 3,
	NR_ZS_FULLNESS = 4,
};

enum fullness_ratio_group {
	ZS_INUSE_RATIO_0 = 0,
	ZS_INUSE_RATIO_10 = 1,
	/* ZS_INUSE_RATIO_20 .. ZS_INUSE_RATIO_90: 2 .. 9 */
	ZS_INUSE_RATIO_99 = 10,
	ZS_INUSE_RATIO_100 = 11,
	NR_FULLNESS_GROUPS = 12,
};

enum class_stat_type {
	/* per fullness group: number of zspages, 0 .. NR_FULLNESS_GROUPS-1 */
	OBJ_ALLOCATED = NR_FULLNESS_GROUPS,
	OBJ_USED,
	NR_ZS_STAT_TYPE,
};

/*
 * Quarters scheme, for a zspage with n of its N slots in use:
 * empty (n == 0), full (n == N), almost empty (n <= 3N/4) and almost
 * full otherwise.  The band was N/4 until the 2015 compaction work widened
 * it, so that compaction has sources to drain.
 */
static const int fullness_threshold_frac = 4;

struct zs_size_stat {
	unsigned long objs[NR_ZS_STAT_TYPE];
};

struct size_class {
	spinlock_t lock;
	struct list_head fullness_list[NR_FULLNESS_GROUPS];
	int size;		/* bytes per object, handle header included */
	int objs_per_zspage;
	int pages_per_zspage;	/* length of the page chain */

	unsigned int index;
	/*
	 * Zspages of this class start with one page and get the others as
	 * objects reach them (ZS_GROW_BY_PAGE on a class of several pages);
	 * pages counts what its zspages have, under the lock.
	 */
	bool grow;
	unsigned long pages;
	struct zs_size_stat stats;
};

/*
 * The first word of every object slot.  Free slots chain through it
 * (zspage->freeobj is the head); allocated slots keep their handle in it.
 */
struct link_free {
	union {
		unsigned long next;	/* free: next free index << OBJ_TAG_BITS */
		unsigned long handle;	/* allocated: handle | OBJ_ALLOCATED_TAG */
	};
};

/*
 * One CPU's part of the pool lock, padded to a cache line: zs_free()
 * writes its CPU's rwlock word and no other.
 */
struct zs_pool_lock_slot {
	rwlock_t lock;
	char pad[64 - sizeof(rwlock_t) % 64];
};

/* CPUs beyond this share slots (lockdep follows 48 locks per thread). */
#define ZS_POOL_LOCK_SLOTS	16

struct zs_pool {
	unsigned long magic;			/* ZS_POOL_MAGIC while alive */
	/* page->mapping of every zspage page: our mapping, movable */
	unsigned long movable_mapping;
	const char *name;
	/*
	 * Compactions and isolated pages (zs_movers_begin()), plus one for
	 * good when the host has no asymmetric barrier: while it is non-zero,
	 * reads and writes pin (zs_window_open()).  Read by every access,
	 * beside the magic it checks first; written by movers only.
	 */
	atomic_t movers;

	struct size_class *size_class[ZS_SIZE_CLASSES];
	struct kmem_cache *handle_cachep;
	struct kmem_cache *zspage_cachep;
	size_t zspage_size;		/* of its objects: chain_pfn[] when growing */
	/*
	 * Linux 6.18's pool->lock, one rwlock for each of up to
	 * ZS_POOL_LOCK_SLOTS CPUs, each on a cache line of its own (see
	 * zs_pool_read_lock()); lock_slots_mem is what kmalloc() gave.
	 */
	struct zs_pool_lock_slot *lock_slots;
	void *lock_slots_mem;
	unsigned int nr_lock_slots;

	/*
	 * Written by whichever CPU makes or frees a zspage: 64 bytes of
	 * padding on either side keep them off the cache lines of the fields
	 * above and below, which every zs_malloc() and zs_free() reads.
	 * Padding rather than alignment: kmalloc() promises no 64-byte
	 * alignment (the debug slab puts a word after each object).
	 */
	unsigned long pad_before_stats[64 / sizeof(unsigned long)];
	atomic_long_t pages_allocated;
	atomic_long_t pages_max;		/* high-water mark of the above */
	atomic_long_t pages_compacted;		/* struct zs_pool_stats */
	atomic_long_t objs_moved;		/* by compaction, ever */
	unsigned long pad_after_stats[64 / sizeof(unsigned long)];

	/* policy: see struct zs_pool_config */
	unsigned int chain_size;
	enum zs_page_rule page_rule;
	enum zs_fullness_scheme fullness;
	enum zs_compaction_policy compaction;
	enum zs_list_order list_order;
	enum zs_growth growth;
	int nr_groups;				/* 4 or 12 */
	size_t huge_class_size;

	/* Compact classes */
	struct shrinker shrinker;
	bool shrinker_registered;
	atomic_t compaction_in_progress;

	/* zspages whose page locks could not all be taken in zs_free() */
	struct work_struct free_work;

	/* page migration: our address_space, pages isolated, teardown */
	struct inode *inode;
	atomic_t isolated_pages;
	bool destroying;
	wait_queue_head_t migration_wait;
	/* serializes pool->movers' rise from 0 with its barrier */
	spinlock_t movers_lock;
};

/*
 * A zspage's class index and fullness group are kept here; the first
 * word never changes after creation and is read without locks, the
 * second is protected by class->lock.  nr_pages is how many pages the
 * chain has (pages_per_zspage, or fewer while a growing zspage grows);
 * in a growing zspage, the slots from frontier on have never been handed
 * out since the zspage last had this few pages: they are on no free list,
 * and the pages only they would touch are not allocated.
 */
struct zspage {
	struct {
		unsigned int class:CLASS_BITS + 1;
		unsigned int magic:MAGIC_VAL_BITS;
	};
	struct {
		unsigned int fullness:FULLNESS_BITS;
		unsigned int isolated:ISOLATED_BITS;
		unsigned int nr_pages:NR_PAGES_BITS;
		unsigned int frontier:FRONTIER_BITS;
	};
	unsigned int inuse;
	unsigned int freeobj;
	/*
	 * A growing zspage: live objects touching the chain's page before
	 * the last ([0]) and its last page ([1]); see zspage_trim_after_free().
	 */
	unsigned short tail_live[2];
	/*
	 * The class's object size, set at creation and never changed: the
	 * object paths find an offset from the zspage alone, without the
	 * class (see docs/UPSTREAM.md).
	 */
	unsigned int obj_size;
	struct page *first_page;
	struct list_head list; /* fullness list */
	rwlock_t lock;
	/*
	 * A growing pool's zspages only (its zspage cache is sized for
	 * them): the pfn of every other page of the chain (0, 2, 4, ...),
	 * so that finding page i reads this line and at most one struct
	 * page instead of walking i of them.  Written under class->lock,
	 * read under it.
	 */
	unsigned int chain_pfn[];
};

struct mapping_area {
	char *vm_buf;		/* bounce buffer for a page-spanning object */
	char *vm_addr;		/* the page mapped for a one-page object */
	enum zs_mapmode vm_mm;	/* what to copy in at map and out at unmap */
	unsigned long vm_handle;	/* the object in vm_buf, 0 if none */
};

static const struct address_space_operations zsmalloc_aops;

/* One bounce area per CPU: zs_map_object() runs with preemption off. */
static DEFINE_PER_CPU(struct mapping_area, zs_map_area);

/* --- zspage and struct page accessors ------------------------------------- */

static void SetPageHugeObject(struct page *page)
{
	SetPageOwnerPriv1(page);
}

static int PageHugeObject(struct page *page)
{
	return PageOwnerPriv1(page);
}

static void ClearPageHugeObject(struct page *page)
{
	ClearPageOwnerPriv1(page);
}

static int is_first_page(struct page *page)
{
	return PagePrivate(page);
}

/* Protected by class->lock */
static inline int get_zspage_inuse(struct zspage *zspage)
{
	return zspage->inuse;
}

static inline void mod_zspage_inuse(struct zspage *zspage, int val)
{
	zspage->inuse += val;
}

static inline struct page *get_first_page(struct zspage *zspage)
{
	struct page *first_page = zspage->first_page;

	VM_BUG_ON_PAGE(!is_first_page(first_page), first_page);
	return first_page;
}

static inline int get_first_obj_offset(struct page *page)
{
	return page->units;
}

static inline void set_first_obj_offset(struct page *page, int offset)
{
	page->units = offset;
}

static inline unsigned int get_freeobj(struct zspage *zspage)
{
	return zspage->freeobj;
}

static inline void set_freeobj(struct zspage *zspage, unsigned int obj)
{
	zspage->freeobj = obj;
}

/*
 * The class index never changes after creation and may be read without
 * class->lock; fullness may not (see get_zspage_mapping()).
 */
static unsigned int zspage_class(struct zspage *zspage)
{
	BUG_ON(zspage->magic != ZSPAGE_MAGIC);
	return zspage->class;
}

/* The object size of @zspage's class: fixed at creation, as the class is. */
static unsigned int zspage_obj_size(struct zspage *zspage)
{
	BUG_ON(zspage->magic != ZSPAGE_MAGIC);
	return zspage->obj_size;
}

/* Caller holds class->lock, or owns the zspage (it is on no list). */
static void get_zspage_mapping(struct zspage *zspage,
			       unsigned int *class_idx,
			       int *fullness)
{
	BUG_ON(zspage->magic != ZSPAGE_MAGIC);

	*fullness = zspage->fullness;
	*class_idx = zspage->class;
}

/* Under class->lock; the class index is set once, in alloc_zspage(). */
static void set_zspage_fullness(struct zspage *zspage, int fullness)
{
	zspage->fullness = fullness;
}

static inline int is_zspage_isolated(struct zspage *zspage)
{
	return zspage->isolated;
}

/* Pages of @zspage the VM has isolated; under class->lock. */
static void inc_zspage_isolation(struct zspage *zspage)
{
	zspage->isolated++;
}

static void dec_zspage_isolation(struct zspage *zspage)
{
	VM_BUG_ON(!zspage->isolated);
	zspage->isolated--;
}

/*
 * zspage->lock keeps the zspage's pages in place: users of its objects
 * read-lock it, page migration write-locks it while it swaps a page.
 */
static void migrate_lock_init(struct zspage *zspage)
{
	rwlock_init(&zspage->lock);
}

static void migrate_read_lock(struct zspage *zspage)
{
	read_lock(&zspage->lock);
}

static void migrate_read_unlock(struct zspage *zspage)
{
	read_unlock(&zspage->lock);
}

/*
 * Linux 4.8 waited for the write lock (migrate_write_lock()); we only try,
 * as the newest kernels' zspage_write_trylock() does: see zs_page_migrate().
 */
static bool migrate_write_trylock(struct zspage *zspage)
{
	return write_trylock(&zspage->lock);
}

static void migrate_write_unlock(struct zspage *zspage)
{
	write_unlock(&zspage->lock);
}

static struct zspage *get_zspage(struct page *page)
{
	struct zspage *zspage = (struct zspage *)page->private;

	BUG_ON(!zspage || zspage->magic != ZSPAGE_MAGIC);
	return zspage;
}

/*
 * @page joins @zspage: page->private names the zspage and, unlike the
 * kernel, page->zs_obj_size repeats its object size, so that a read
 * window finds its object from the handle and the struct page alone
 * (docs/UPSTREAM.md, difference 16).  reset_page() clears both.
 */
static void set_page_zspage(struct page *page, struct zspage *zspage)
{
	set_page_private(page, (unsigned long)zspage);
	page->zs_obj_size = zspage->obj_size;
}

static struct page *get_next_page(struct page *page)
{
	if (unlikely(PageHugeObject(page)))
		return NULL;

	return page->freelist;
}

/* --- size classes and fullness groups ------------------------------------- */

/*
 * The index of the smallest class whose objects hold @size bytes; sizes
 * above the largest class get the largest.  Unsigned throughout: the
 * kernel's int parameter turns a size of 2^31 or more negative, and the
 * index with it.
 */
static unsigned int get_size_class_index(size_t size)
{
	size_t idx = 0;

	if (likely(size > ZS_MIN_ALLOC_SIZE))
		idx = DIV_ROUND_UP(size - ZS_MIN_ALLOC_SIZE,
				   ZS_SIZE_CLASS_DELTA);

	return min_t(size_t, ZS_SIZE_CLASSES - 1, idx);
}

static inline void zs_stat_inc(struct size_class *class,
			       int type, unsigned long cnt)
{
	class->stats.objs[type] += cnt;
}

static inline void zs_stat_dec(struct size_class *class,
			       int type, unsigned long cnt)
{
	class->stats.objs[type] -= cnt;
}

static inline unsigned long zs_stat_get(struct size_class *class, int type)
{
	return class->stats.objs[type];
}

/* Which fullness group @zspage belongs in under the pool's scheme. */
static int get_fullness_group(struct zs_pool *pool, struct size_class *class,
			      struct zspage *zspage)
{
	int inuse, objs_per_zspage, ratio;

	inuse = get_zspage_inuse(zspage);
	objs_per_zspage = class->objs_per_zspage;

	if (pool->fullness == ZS_FULLNESS_QUARTERS) {
		if (inuse == 0)
			return ZS_EMPTY;
		if (inuse == objs_per_zspage)
			return ZS_FULL;
		if (inuse <= 3 * objs_per_zspage / fullness_threshold_frac)
			return ZS_ALMOST_EMPTY;
		return ZS_ALMOST_FULL;
	}

	if (inuse == 0)
		return ZS_INUSE_RATIO_0;
	if (inuse == objs_per_zspage)
		return ZS_INUSE_RATIO_100;

	/* +1: a zspage at 0% after rounding still has objects in use */
	ratio = 100 * inuse / objs_per_zspage;
	return ratio / 10 + 1;
}

static inline int zs_full_group(struct zs_pool *pool)
{
	return pool->nr_groups - 1;
}

/* Put @zspage on its class's list for group @fullness, and count it. */
static void insert_zspage(struct zs_pool *pool, struct size_class *class,
			  struct zspage *zspage, int fullness)
{
	struct zspage *head;

	lockdep_assert_held(&class->lock);
	zs_stat_inc(class, fullness, 1);
	head = list_first_entry_or_null(&class->fullness_list[fullness],
					struct zspage, list);
	/*
	 * ZS_LIST_BY_INUSE (2015 .. Linux 6.3) keeps the list in rough
	 * inuse order: a zspage with more objects in use goes to the head,
	 * so allocation fills it first.  Linux 6.4 dropped this.
	 */
	if (pool->list_order == ZS_LIST_BY_INUSE && head &&
	    get_zspage_inuse(zspage) < get_zspage_inuse(head)) {
		list_add(&zspage->list, &head->list);
		return;
	}
	list_add(&zspage->list, &class->fullness_list[fullness]);
}

/* Take @zspage off the list of group @fullness, and uncount it. */
static void remove_zspage(struct size_class *class,
			  struct zspage *zspage,
			  int fullness)
{
	lockdep_assert_held(&class->lock);
	VM_BUG_ON(list_empty(&class->fullness_list[fullness]));
	VM_BUG_ON(is_zspage_isolated(zspage));

	list_del_init(&zspage->list);
	zs_stat_dec(class, fullness, 1);
}

/*
 * After an allocation or a free changed @zspage's in-use count, move it to
 * the list its new fullness calls for (unless migration has it isolated).
 */
static int fix_fullness_group(struct zs_pool *pool, struct size_class *class,
			      struct zspage *zspage)
{
	unsigned int class_idx;
	int currfg, newfg;

	lockdep_assert_held(&class->lock);
	get_zspage_mapping(zspage, &class_idx, &currfg);
	newfg = get_fullness_group(pool, class, zspage);
	if (newfg == currfg)
		goto out;

	if (!is_zspage_isolated(zspage)) {
		remove_zspage(class, zspage, currfg);
		insert_zspage(pool, class, zspage, newfg);
	}

	set_zspage_fullness(zspage, newfg);

out:
	return newfg;
}

/* --- pages per zspage ----------------------------------------------------- */

/*
 * Until 6.2: a chain of k pages leaves (k * PAGE_SIZE) % size bytes unused
 * at its tail.  Choose the k with the best integer percentage of the chain
 * in use; the first k reaching the best value wins.
 */
static int get_pages_per_zspage_usedpc(int class_size, int max_pages)
{
	int i, max_usedpc = 0;
	/* zspage order which gives maximum used size per KB */
	int max_usedpc_order = 1;

	for (i = 1; i <= max_pages; i++) {
		int zspage_size;
		int waste, usedpc;

		zspage_size = i * PAGE_SIZE;
		waste = zspage_size % class_size;
		usedpc = (zspage_size - waste) * 100 / zspage_size;

		if (usedpc > max_usedpc) {
			max_usedpc = usedpc;
			max_usedpc_order = i;
		}
	}

	return max_usedpc_order;
}

/*
 * 6.3+: pick the chain length that wastes the fewest bytes; integer
 * percentages lost precision (class 208: 2 pages by the old rule, 3 by
 * this one).  Power-of-two sizes fill one page exactly.
 */
static int calculate_zspage_chain_size(int class_size, int max_pages)
{
	int i, min_waste = INT_MAX;
	int chain_size = 1;

	if (is_power_of_2(class_size))
		return chain_size;

	for (i = 1; i <= max_pages; i++) {
		int waste;

		waste = (i * PAGE_SIZE) % class_size;
		if (waste < min_waste) {
			min_waste = waste;
			chain_size = i;
		}
	}

	return chain_size;
}

static int zs_pages_per_zspage(struct zs_pool *pool, int class_size)
{
	if (pool->page_rule == ZS_PAGES_MAX_USED_PERCENT)
		return get_pages_per_zspage_usedpc(class_size, pool->chain_size);
	return calculate_zspage_chain_size(class_size, pool->chain_size);
}

/* --- object locations, handles and pins ----------------------------------- */

/* Pack the page an object starts in and its index into one obj word. */
static unsigned long location_to_obj(struct page *page, unsigned int obj_idx)
{
	unsigned long obj;

	obj = page_to_pfn(page) << OBJ_INDEX_BITS;
	obj |= obj_idx & OBJ_INDEX_MASK;
	obj <<= OBJ_TAG_BITS;

	return obj;
}

/* The inverse of location_to_obj(); a set pin bit falls off the shift. */
static void obj_to_location(unsigned long obj, struct page **page,
			    unsigned int *obj_idx)
{
	obj >>= OBJ_TAG_BITS;
	*page = pfn_to_page(obj >> OBJ_INDEX_BITS);
	*obj_idx = (obj & OBJ_INDEX_MASK);
}

/*
 * Store @obj, the object's new location, in the handle word.  One store,
 * so a reader never sees half of it; a set pin bit in @obj stays set.
 */
static void record_obj(unsigned long handle, unsigned long obj)
{
	WRITE_ONCE(*(unsigned long *)handle, obj);
}

static unsigned long handle_to_obj(unsigned long handle)
{
	return READ_ONCE(*(unsigned long *)handle);
}

static unsigned long obj_to_head(struct page *page, void *obj)
{
	if (unlikely(PageHugeObject(page))) {
		VM_BUG_ON_PAGE(!is_first_page(page), page);
		return page->index;
	} else
		return *(unsigned long *)obj;
}

/* Is the slot at @obj in use?  Then *@phandle gets its handle. */
static bool obj_allocated(struct page *page, void *obj, unsigned long *phandle)
{
	unsigned long head = obj_to_head(page, obj);

	if (!(head & OBJ_ALLOCATED_TAG))
		return false;
	*phandle = head & ~OBJ_ALLOCATED_TAG;
	return true;
}

static inline int testpin_tag(unsigned long handle)
{
	return bit_spin_is_locked(HANDLE_PIN_BIT, (unsigned long *)handle);
}

static inline int trypin_tag(unsigned long handle)
{
	return bit_spin_trylock(HANDLE_PIN_BIT, (unsigned long *)handle);
}

static void pin_tag(unsigned long handle)
{
	bit_spin_lock(HANDLE_PIN_BIT, (unsigned long *)handle);
}

/*
 * Linux 4.8 releases the pin with bit_spin_unlock(), an atomic RMW.  The
 * pin holder is the one writer of the handle's word: record_obj() runs
 * only under the pin, or on a handle nobody else has yet; a trypin_tag()
 * that fails writes the word unchanged.  So a release store does, as the
 * kernel's __bit_spin_unlock() is for.
 */
static void unpin_tag(unsigned long handle)
{
	__bit_spin_unlock(HANDLE_PIN_BIT, (unsigned long *)handle);
}

/* --- misuse checks -------------------------------------------------------- */

/*
 * Misuse checks of the public entry points, in every build; each costs a
 * compare or two on the fast path.  A call that can refuse (it returns an
 * error or nothing) warns and refuses, leaving every stored object as it
 * was; a call that must return the object's bytes cannot, and BUG()s.
 * Every message names the call, the pool and the handle.
 */
static noinline __cold void zs_bad_pool(struct zs_pool *pool,
					unsigned long handle,
					const char *caller, bool fatal)
{
	if (!pool && handle)
		pr_err("zsmalloc: %s(NULL, handle %#lx): no pool\n", caller, handle);
	else if (!pool)
		pr_err("zsmalloc: %s(NULL): no pool\n", caller);
	else if (handle)
		pr_err("zsmalloc: %s(%p, handle %#lx): not a live pool (destroyed already?)\n",
		       caller, pool, handle);
	else
		pr_err("zsmalloc: %s(%p): not a live pool (destroyed already?)\n",
		       caller, pool);
	if (fatal)
		BUG();
	WARN(1, "zsmalloc: %s refused\n", caller);
}

/* True, after a warning, unless @pool is a live pool. */
#define zs_pool_bad_handle(pool, handle, fatal) ({			\
	bool __bad = unlikely(!(pool) || (pool)->magic != ZS_POOL_MAGIC); \
	if (__bad)							\
		zs_bad_pool(pool, handle, __func__, fatal);		\
	__bad;								\
})
#define zs_pool_bad(pool, fatal)	zs_pool_bad_handle(pool, 0, fatal)

/* BUG() unless @pool is a live pool. */
#define zs_pool_bug(pool, handle) do {					\
	if (unlikely(!(pool) || (pool)->magic != ZS_POOL_MAGIC))	\
		zs_bad_pool(pool, handle, __func__, true);		\
} while (0)

/*
 * A live handle of another pool decodes to a zspage page whose mapping is
 * the other pool's.  Checked with the handle pinned, before anything of
 * this pool is touched through the decoded location.
 */
static inline bool zs_page_foreign(struct zs_pool *pool, struct page *page)
{
	return unlikely((unsigned long)READ_ONCE(page->mapping) !=
			pool->movable_mapping);
}

static noinline __cold void zs_report_foreign(struct zs_pool *pool,
					      unsigned long handle,
					      struct page *page,
					      const char *caller, bool fatal)
{
	struct address_space *mapping = (struct address_space *)
		((unsigned long)READ_ONCE(page->mapping) & ~PAGE_MAPPING_FLAGS);
	struct zs_pool *owner = NULL;

	if (mapping && mapping->a_ops == &zsmalloc_aops)
		owner = mapping->private_data;
	pr_err("zsmalloc: %s(%s): handle %#lx belongs to %s%s%s, not to this pool\n",
	       caller, pool->name, handle, owner ? "pool \"" : "no pool",
	       owner ? owner->name : "", owner ? "\"" : "");
	if (fatal)
		BUG();
	WARN(1, "zsmalloc: %s refused\n", caller);
}

/*
 * Pin @handle for @caller.  The pin is taken at once unless someone holds
 * it; if that someone is this very thread (a read it began and has not
 * ended), waiting would never end, so BUG() instead.
 */
static noinline __cold void zs_report_own_read(struct zs_pool *pool,
						unsigned long handle,
						const char *caller)
{
	pr_emerg("zsmalloc: %s(%s): handle %#lx is already being read by this thread (zs_obj_read_begin() or zs_map_object() without its end)\n",
		 caller, pool->name, handle);
	BUG();
}

/*
 * In a window this thread opened on @handle without pinning it
 * (zs_window_open()), any access of the handle that pins or frees would
 * go on under the window: BUG(), as zs_pin_tag() does for a pinned one.
 */
#define ZS_WINDOW_SPAN	1UL	/* in a window's slot: the access spans two pages */

static __always_inline void zs_check_own_window(struct zs_pool *pool,
						unsigned long handle,
						const char *caller)
{
	if (unlikely(!hazptr_none_mine()) &&
	    hazptr_find_mine(handle, ZS_WINDOW_SPAN))
		zs_report_own_read(pool, handle, caller);
}

static void zs_pin_tag(struct zs_pool *pool, unsigned long handle,
		       const char *caller)
{
	zs_check_own_window(pool, handle, caller);
	if (likely(trypin_tag(handle)))
		return;
	if (lockdep_bit_held((unsigned long *)handle) == 1)
		zs_report_own_read(pool, handle, caller);
	pin_tag(handle);
}

/*
 * A read or a mapping ends: the caller must hold @handle's pin from its
 * begin.  False, after a warning, when it does not.
 */
static bool zs_end_unpinned(struct zs_pool *pool, unsigned long handle,
			    const char *caller)
{
	int held = lockdep_bit_held((unsigned long *)handle);

	if (likely(held == 1))
		return false;
	if (held < 0 && testpin_tag(handle))
		return false;
	WARN(1, "zsmalloc: %s(%s): handle %#lx is not being read by this thread (no begin, or ended twice); refused\n",
	     caller, pool->name, handle);
	return true;
}

/*
 * Slots whose bytes lie wholly in the first @nr_pages pages of a chain:
 * objs_per_zspage for a whole zspage, fewer for a growing one.
 */
static unsigned int zspage_slots(struct size_class *class, unsigned int nr_pages)
{
	return min_t(unsigned int, class->objs_per_zspage,
		     nr_pages * PAGE_SIZE / class->size);
}

/* --- freeing zspages ------------------------------------------------------ */

static void reset_page(struct page *page)
{
	__ClearPageMovable(page);
	ClearPagePrivate(page);
	ClearPagePrivate2(page);
	set_page_private(page, 0);
	page->zs_obj_size = 0;
	/* units shares the word with _mapcount: the free path wants -1 */
	page_mapcount_reset(page);
	ClearPageHugeObject(page);
	page->freelist = NULL;
}

/*
 * Migration holds a page's lock while it works on it, so a zspage may only
 * be freed with every one of its page locks held.  A page we wait for may
 * be migrated out of the chain meanwhile, so each page is looked up and
 * trylocked under the zspage read lock; waiting happens outside it, on a
 * reference, and the lookup is redone afterwards (Linux 5.18, commit
 * 2505a981114d: since commit 77ff465799c6 an emptied zspage's pages
 * migrate, so they can change under a deferred free).
 */
static void lock_zspage(struct zspage *zspage)
{
	struct page *curr_page, *page;

	while (1) {
		migrate_read_lock(zspage);
		page = get_first_page(zspage);
		if (trylock_page(page))
			break;
		get_page(page);
		migrate_read_unlock(zspage);
		wait_on_page_locked(page);
		put_page(page);
	}

	curr_page = page;
	while ((page = get_next_page(curr_page))) {
		if (trylock_page(page)) {
			curr_page = page;
		} else {
			get_page(page);
			migrate_read_unlock(zspage);
			wait_on_page_locked(page);
			put_page(page);
			migrate_read_lock(zspage);
		}
	}
	migrate_read_unlock(zspage);
}

static int trylock_zspage(struct zspage *zspage)
{
	struct page *cursor, *fail;

	for (cursor = get_first_page(zspage); cursor != NULL; cursor =
					get_next_page(cursor)) {
		if (!trylock_page(cursor)) {
			fail = cursor;
			goto unlock;
		}
	}

	return 1;
unlock:
	for (cursor = get_first_page(zspage); cursor != fail; cursor =
					get_next_page(cursor))
		unlock_page(cursor);

	return 0;
}

static unsigned long cache_alloc_handle(struct zs_pool *pool, gfp_t gfp)
{
	return (unsigned long)kmem_cache_alloc(pool->handle_cachep,
			gfp & ~(__GFP_HIGHMEM | __GFP_MOVABLE));
}

static void cache_free_handle(struct zs_pool *pool, unsigned long handle)
{
	kmem_cache_free(pool->handle_cachep, (void *)handle);
}

static struct zspage *cache_alloc_zspage(struct zs_pool *pool, gfp_t flags)
{
	return kmem_cache_zalloc(pool->zspage_cachep,
			flags & ~(__GFP_HIGHMEM | __GFP_MOVABLE));
}

static void cache_free_zspage(struct zs_pool *pool, struct zspage *zspage)
{
	kmem_cache_free(pool->zspage_cachep, zspage);
}

/* Called with every page of the zspage locked and class->lock held. */
static void __free_zspage(struct zs_pool *pool, struct size_class *class,
			  struct zspage *zspage)
{
	struct page *page, *next;
	int fg;
	unsigned int class_idx;

	lockdep_assert_held(&class->lock);
	get_zspage_mapping(zspage, &class_idx, &fg);

	VM_BUG_ON(get_zspage_inuse(zspage));
	VM_BUG_ON(fg != ZS_EMPTY);
	trace_zs_zspage_free(pool->name, class->index, class->size,
			     zspage->nr_pages,
			     page_to_pfn(get_first_page(zspage)));

	next = page = get_first_page(zspage);
	do {
		VM_BUG_ON_PAGE(!PageLocked(page), page);
		next = get_next_page(page);
		reset_page(page);
		unlock_page(page);
		__mod_zone_page_state(page_zone(page), NR_ZSPAGES, -1);
		put_page(page);
		page = next;
	} while (page != NULL);

	zs_stat_dec(class, OBJ_ALLOCATED, zspage_slots(class, zspage->nr_pages));
	atomic_long_sub(zspage->nr_pages, &pool->pages_allocated);
	if (class->grow)
		class->pages -= zspage->nr_pages;

	zspage->magic = 0;
	cache_free_zspage(pool, zspage);
}

static void kick_deferred_free(struct zs_pool *pool)
{
	schedule_work(&pool->free_work);
}

/*
 * Free an empty zspage.  zs_free() runs under spinlocks and cannot sleep
 * for the page locks, so it only trylocks them; when one is taken (a
 * migration is looking at the page) the zspage stays on the empty list
 * and the workqueue frees it later with sleeping locks.
 */
static void free_zspage(struct zs_pool *pool, struct size_class *class,
			struct zspage *zspage)
{
	lockdep_assert_held(&class->lock);
	VM_BUG_ON(get_zspage_inuse(zspage));
	VM_BUG_ON(list_empty(&zspage->list));

	if (!trylock_zspage(zspage)) {
		kick_deferred_free(pool);
		return;
	}

	remove_zspage(class, zspage, ZS_EMPTY);
	__free_zspage(pool, class, zspage);
}

static void async_free_zspage(struct work_struct *work)
{
	unsigned int i;
	struct size_class *class;
	unsigned int class_idx;
	int fullness;
	struct zspage *zspage, *tmp;
	LIST_HEAD(free_pages);
	struct zs_pool *pool = container_of(work, struct zs_pool,
					    free_work);

	for (i = 0; i < ZS_SIZE_CLASSES; i++) {
		class = pool->size_class[i];
		if (class->index != i)
			continue;

		spin_lock(&class->lock);
		/*
		 * The zspages leave the empty list here, so their group
		 * count goes with them (Linux 4.8 forgot this; the newest
		 * kernels subtract each zspage's count here too).
		 */
		class->stats.objs[ZS_EMPTY] -=
			list_count_nodes(&class->fullness_list[ZS_EMPTY]);
		list_splice_init(&class->fullness_list[ZS_EMPTY], &free_pages);
		spin_unlock(&class->lock);
	}

	list_for_each_entry_safe(zspage, tmp, &free_pages, list) {
		list_del(&zspage->list);
		lock_zspage(zspage);

		get_zspage_mapping(zspage, &class_idx, &fullness);
		VM_BUG_ON(fullness != ZS_EMPTY);
		class = pool->size_class[class_idx];
		spin_lock(&class->lock);
		__free_zspage(pool, class, zspage);
		spin_unlock(&class->lock);
	}
}

/* --- building zspages ----------------------------------------------------- */

/* Initialize a newly allocated zspage */
static void init_zspage(struct size_class *class, struct zspage *zspage)
{
	unsigned int freeobj = 1;
	unsigned long off = 0;
	struct page *page = get_first_page(zspage);

	while (page) {
		struct page *next_page;
		struct link_free *link;
		void *vaddr;

		set_first_obj_offset(page, off);

		vaddr = kmap_atomic(page);
		link = (struct link_free *)((char *)vaddr + off);

		while ((off += class->size) < PAGE_SIZE) {
			link->next = freeobj++ << OBJ_TAG_BITS;
			link += class->size / sizeof(*link);
		}

		/*
		 * The last slot starting in this page links on to the first
		 * slot of the next page; the zspage's last slot ends the list
		 * with all index bits set and the tag bit clear (free).
		 */
		next_page = get_next_page(page);
		if (next_page)
			link->next = freeobj++ << OBJ_TAG_BITS;
		else
			link->next = -1UL << OBJ_TAG_BITS;
		kunmap_atomic(vaddr);
		page = next_page;
		off %= PAGE_SIZE;
	}

	set_freeobj(zspage, 0);
}

/* --- growing zspages ------------------------------------------------------ */

/*
 * A growing zspage (ZS_GROW_BY_PAGE) has the class's layout, slot i at
 * byte i * size of the chain seen as one run of pages, but only the first
 * zspage->nr_pages pages of the chain.  Its slots below zspage->frontier
 * are allocated or on the free list; the slots from the frontier on were
 * never handed out, and allocation takes the frontier slot, adding the
 * page it starts in or spans into, once the free list is empty.  Every
 * slot that starts in an allocated page has its first word in that page
 * (ZS_ALIGN), and a page gets the first words of its slots cleared when
 * it joins: so the scans that read first words to find objects
 * (compaction, page migration, teardown) never see an allocated tag
 * where there is no object.  Trailing pages that no live object touches
 * go back in zspage_trim().  All of it under class->lock; the pages are
 * movable from the moment they join.
 */

/* First slot byte offset in page @nr of a chain of @class. */
static unsigned int chain_first_obj_offset(struct size_class *class,
					   unsigned int nr)
{
	unsigned long start = (unsigned long)nr * PAGE_SIZE;

	return DIV_ROUND_UP(start, class->size) * class->size - start;
}

/* Pages that the slots [0, @nr_objs) touch. */
static unsigned int slots_pages(struct size_class *class, unsigned int nr_objs)
{
	return DIV_ROUND_UP((unsigned long)nr_objs * class->size, PAGE_SIZE);
}

/* chain_pfn[] entries: one for every other page of a chain */
#define ZS_CHAIN_PFNS	DIV_ROUND_UP(ZS_MAX_PAGES_PER_ZSPAGE, 2)

/* Page @i of a growing zspage's chain (class->lock held). */
static struct page *zspage_chain_page(struct zspage *zspage, unsigned int i)
{
	struct page *page;

	VM_BUG_ON(i >= zspage->nr_pages);
	page = pfn_to_page(zspage->chain_pfn[i / 2]);
	return i & 1 ? get_next_page(page) : page;
}

/* @page became page @i of @zspage's chain. */
static void zspage_set_chain_page(struct zspage *zspage, unsigned int i,
				  struct page *page)
{
	unsigned long pfn = page_to_pfn(page);

	if (i & 1)
		return;
	BUG_ON(pfn > UINT_MAX);
	zspage->chain_pfn[i / 2] = pfn;
}

/* The pages of @zspage's chain into @pages; returns how many. */
static unsigned int zspage_get_pages(struct size_class *class, struct zspage *zspage,
				     struct page *pages[])
{
	struct page *page;
	unsigned int nr = 0;

	if (class->grow) {
		for (nr = 0; nr < zspage->nr_pages; nr++)
			pages[nr] = nr & 1 ? get_next_page(pages[nr - 1]) :
				    zspage_chain_page(zspage, nr);
		return nr;
	}
	for (page = get_first_page(zspage); page; page = get_next_page(page))
		pages[nr++] = page;
	VM_BUG_ON(nr != zspage->nr_pages);
	return nr;
}

/* The first word of slot @idx (its link or its tagged handle). */
static unsigned long *slot_head(struct size_class *class, struct page *pages[],
				unsigned int idx, void **vaddr)
{
	unsigned long off = (unsigned long)idx * class->size;

	*vaddr = kmap_atomic(pages[off >> PAGE_SHIFT]);
	return (unsigned long *)((char *)*vaddr + (off & ~PAGE_MASK));
}

/* Clear the first word of every slot that starts in page @nr of the chain. */
static void init_chain_page(struct size_class *class, struct page *page,
			    unsigned int nr)
{
	unsigned int off = chain_first_obj_offset(class, nr);
	void *vaddr;

	set_first_obj_offset(page, off);
	vaddr = kmap_atomic(page);
	for (; off < PAGE_SIZE; off += class->size)
		*(unsigned long *)((char *)vaddr + off) = -1UL << OBJ_TAG_BITS;
	kunmap_atomic(vaddr);
}

/* A new growing zspage: its first page, no free slot, frontier 0. */
static void init_growing_zspage(struct size_class *class, struct zspage *zspage)
{
	init_chain_page(class, get_first_page(zspage), 0);
	zspage->frontier = 0;
	zspage->tail_live[0] = zspage->tail_live[1] = 0;
	set_freeobj(zspage, -1U);
}

/*
 * Slot @idx of a growing zspage became live (@d 1) or free (@d -1):
 * count it in tail_live[] for each of the last two pages it touches.
 */
static void zspage_tail_live_mod(struct size_class *class, struct zspage *zspage,
				 unsigned int idx, int d)
{
	unsigned long start = (unsigned long)idx * class->size;
	unsigned int first = start >> PAGE_SHIFT;
	unsigned int last = (start + class->size - 1) >> PAGE_SHIFT;
	unsigned int nr = zspage->nr_pages;

	if (last + 2 < nr)
		return;
	VM_BUG_ON(last >= nr);
	if (last == nr - 1)
		zspage->tail_live[1] += d;
	if (nr >= 2 && first <= nr - 2)
		zspage->tail_live[0] += d;
}

/* Is slot @idx of a growing zspage live?  Then *@handle is its handle. */
static bool slot_live(struct size_class *class, struct page *pages[],
		      unsigned int idx, unsigned long *handle)
{
	unsigned long *head;
	void *vaddr;
	bool live;

	head = slot_head(class, pages, idx, &vaddr);
	live = *head & OBJ_ALLOCATED_TAG;
	*handle = *head & ~OBJ_ALLOCATED_TAG;
	kunmap_atomic(vaddr);
	return live;
}

/* tail_live[] counted afresh, after the chain lost pages. */
static void zspage_tail_live_recount(struct size_class *class, struct zspage *zspage,
				     struct page *pages[])
{
	unsigned int nr = zspage->nr_pages, k;
	unsigned long handle;

	zspage->tail_live[0] = zspage->tail_live[1] = 0;
	for (k = 0; k < 2; k++) {
		unsigned int p, idx, end;

		if (nr < 2 - k)
			continue;
		p = nr - 2 + k;
		/* the slots that start in page p, or span into it */
		idx = (unsigned long)p * PAGE_SIZE / class->size;
		end = min_t(unsigned int, zspage->frontier,
			    DIV_ROUND_UP((unsigned long)(p + 1) * PAGE_SIZE, class->size));
		for (; idx < end; idx++)
			zspage->tail_live[k] += slot_live(class, pages, idx, &handle);
	}
}

/* Does the next allocation from @zspage need a page it does not have? */
static bool zspage_needs_page(struct size_class *class, struct zspage *zspage)
{
	lockdep_assert_held(&class->lock);
	if (!class->grow || get_freeobj(zspage) < (unsigned int)class->objs_per_zspage)
		return false;
	VM_BUG_ON(zspage->frontier >= (unsigned int)class->objs_per_zspage);
	return slots_pages(class, zspage->frontier + 1) > zspage->nr_pages;
}

/* The gfp that may be tried under class->lock: the caller's, not sleeping. */
static gfp_t zs_gfp_nosleep(gfp_t gfp)
{
	return (gfp & ~__GFP_DIRECT_RECLAIM) | __GFP_NOWARN;
}

/* One zspage page, counted in NR_ZSPAGES, or NULL. */
static struct page *zs_alloc_chain_page(gfp_t gfp)
{
	/* zspage pages can move, so they live in movable pageblocks */
	struct page *page = alloc_page(gfp | __GFP_MOVABLE);

	if (page)
		__mod_zone_page_state(page_zone(page), NR_ZSPAGES, 1);
	return page;
}

static void zs_free_chain_page(struct page *page)
{
	__mod_zone_page_state(page_zone(page), NR_ZSPAGES, -1);
	__free_page(page);
}

static void zs_pages_added(struct zs_pool *pool, long nr)
{
	long pages = atomic_long_add_return(nr, &pool->pages_allocated);
	long max = atomic_long_read(&pool->pages_max);

	while (pages > max && !atomic_long_try_cmpxchg(&pool->pages_max, &max, pages))
		;
}

/*
 * Append @page to @zspage's chain: it becomes the last page, its slots'
 * first words cleared, movable at once (the class lock we hold keeps
 * zs_page_isolate() out until the page is complete).
 */
static void zspage_add_page(struct zs_pool *pool, struct size_class *class,
			    struct zspage *zspage, struct page *page)
{
	struct page *pages[ZS_MAX_PAGES_PER_ZSPAGE];
	unsigned int nr;

	lockdep_assert_held(&class->lock);
	nr = zspage_get_pages(class, zspage, pages);
	VM_BUG_ON(nr >= (unsigned int)class->pages_per_zspage);

	set_page_zspage(page, zspage);
	page->freelist = NULL;
	zspage_set_chain_page(zspage, nr, page);
	init_chain_page(class, page, nr);
	SetPagePrivate2(page);
	ClearPagePrivate2(pages[nr - 1]);
	WRITE_ONCE(pages[nr - 1]->freelist, page);

	zspage->nr_pages = nr + 1;
	/* no live object touches the new page yet */
	zspage->tail_live[0] = zspage->tail_live[1];
	zspage->tail_live[1] = 0;
	zs_stat_inc(class, OBJ_ALLOCATED,
		    zspage_slots(class, nr + 1) - zspage_slots(class, nr));
	class->pages++;
	zs_pages_added(pool, 1);

	WARN_ON(!trylock_page(page));
	__SetPageMovable(page, pool->inode->i_mapping);
	unlock_page(page);
}

/*
 * Before an object goes into @zspage, make sure the page it needs is
 * there, allocating it without sleeping.  False if that failed.
 */
static bool zspage_grow_nosleep(struct zs_pool *pool, struct size_class *class,
				struct zspage *zspage, gfp_t gfp)
{
	struct page *page;

	if (!zspage_needs_page(class, zspage))
		return true;
	page = zs_alloc_chain_page(zs_gfp_nosleep(gfp));
	if (!page)
		return false;
	zspage_add_page(pool, class, zspage, page);
	return true;
}

/*
 * obj_malloc() of a growing zspage: the free list first, then the
 * frontier slot, whose pages zspage_needs_page() has seen to.
 */
static unsigned long obj_malloc_grow(struct size_class *class,
				     struct zspage *zspage, unsigned long handle)
{
	unsigned long off, *head;
	struct page *page;
	unsigned int obj;
	void *vaddr;

	lockdep_assert_held(&class->lock);
	VM_BUG_ON(zspage_needs_page(class, zspage));
	obj = get_freeobj(zspage);
	if (obj >= (unsigned int)class->objs_per_zspage)
		obj = zspage->frontier;
	off = (unsigned long)obj * class->size;
	page = zspage_chain_page(zspage, off >> PAGE_SHIFT);

	vaddr = kmap_atomic(page);
	head = (unsigned long *)((char *)vaddr + (off & ~PAGE_MASK));
	if (obj == zspage->frontier)
		zspage->frontier++;
	else
		set_freeobj(zspage, *head >> OBJ_TAG_BITS);
	*head = handle | OBJ_ALLOCATED_TAG;
	kunmap_atomic(vaddr);
	mod_zspage_inuse(zspage, 1);
	zspage_tail_live_mod(class, zspage, obj, 1);
	zs_stat_inc(class, OBJ_USED, 1);

	return location_to_obj(page, obj);
}

/*
 * Give back the trailing pages of @zspage that no live object touches,
 * but @slack of them.  Skipped while migration has a page of it isolated,
 * or when a page lock cannot be taken at once (a migration or a deferred
 * free looking at the page): a later free or compaction tries again.
 * Slots beyond the pages kept leave the free list, and the frontier comes
 * down to the first of them.  Returns the pages given back.
 */
static unsigned int zspage_trim(struct zs_pool *pool, struct size_class *class,
				struct zspage *zspage, unsigned int slack)
{
	struct page *pages[ZS_MAX_PAGES_PER_ZSPAGE];
	unsigned int nr, keep, idx, slots, i, obj;
	unsigned long *head, *prev;
	void *vaddr, *pvaddr = NULL;

	lockdep_assert_held(&class->lock);
	if (!class->grow || is_zspage_isolated(zspage) || !get_zspage_inuse(zspage))
		return 0;
	nr = zspage_get_pages(class, zspage, pages);

	/* the last slot in use */
	for (idx = zspage->frontier; idx > 0; idx--) {
		head = slot_head(class, pages, idx - 1, &vaddr);
		obj = *head & OBJ_ALLOCATED_TAG;
		kunmap_atomic(vaddr);
		if (obj)
			break;
	}
	VM_BUG_ON(!idx);
	keep = slots_pages(class, idx) + slack;
	if (keep >= nr)
		return 0;

	for (i = keep; i < nr; i++) {
		if (!trylock_page(pages[i])) {
			while (i-- > keep)
				unlock_page(pages[i]);
			return 0;
		}
	}

	/* unlink the slots that go from the free list */
	slots = zspage_slots(class, keep);
	prev = NULL;
	obj = get_freeobj(zspage);
	while (obj < (unsigned int)class->objs_per_zspage) {
		unsigned int next;

		head = slot_head(class, pages, obj, &vaddr);
		next = *head >> OBJ_TAG_BITS;
		if (obj < slots) {
			if (prev)
				kunmap_atomic(pvaddr);
			prev = head;
			pvaddr = vaddr;
		} else {
			kunmap_atomic(vaddr);
			if (prev)
				*prev = (unsigned long)next << OBJ_TAG_BITS;
			else
				set_freeobj(zspage, next);
		}
		obj = next;
	}
	if (prev)
		kunmap_atomic(pvaddr);
	if (zspage->frontier > slots)
		zspage->frontier = slots;

	WRITE_ONCE(pages[keep - 1]->freelist, NULL);
	SetPagePrivate2(pages[keep - 1]);
	for (i = keep; i < nr; i++) {
		reset_page(pages[i]);
		unlock_page(pages[i]);
		__mod_zone_page_state(page_zone(pages[i]), NR_ZSPAGES, -1);
		put_page(pages[i]);
	}

	zs_stat_dec(class, OBJ_ALLOCATED, zspage_slots(class, nr) - slots);
	zspage->nr_pages = keep;
	zspage_tail_live_recount(class, zspage, pages);
	class->pages -= nr - keep;
	atomic_long_sub(nr - keep, &pool->pages_allocated);
	return nr - keep;
}

static void create_page_chain(struct size_class *class, struct zspage *zspage,
			      struct page *pages[], int nr_pages)
{
	int i;
	struct page *page;
	struct page *prev_page = NULL;

	/*
	 * Every page points at the zspage through page->private and at the
	 * next page through page->freelist; PG_private marks the first page
	 * and PG_private_2 the last.
	 */
	for (i = 0; i < nr_pages; i++) {
		page = pages[i];
		set_page_zspage(page, zspage);
		page->freelist = NULL;
		if (class->grow)
			zspage_set_chain_page(zspage, i, page);
		if (i == 0) {
			zspage->first_page = page;
			SetPagePrivate(page);
			if (unlikely(class->objs_per_zspage == 1 &&
				     class->pages_per_zspage == 1))
				SetPageHugeObject(page);
		} else {
			prev_page->freelist = page;
		}
		if (i == nr_pages - 1)
			SetPagePrivate2(page);
		prev_page = page;
	}
}

/* A new zspage for @class: struct zspage, its pages, its free list. */
static struct zspage *alloc_zspage(struct zs_pool *pool,
				   struct size_class *class,
				   gfp_t gfp)
{
	int i;
	struct page *pages[ZS_MAX_PAGES_PER_ZSPAGE];
	struct zspage *zspage;
	/* a growing zspage starts with the page its first object needs */
	int nr_pages = class->grow ? 1 : class->pages_per_zspage;

	zspage = cache_alloc_zspage(pool, gfp);
	if (!zspage)
		return NULL;

	zspage->magic = ZSPAGE_MAGIC;
	zspage->class = class->index;
	zspage->obj_size = class->size;
	zspage->nr_pages = nr_pages;
	migrate_lock_init(zspage);

	for (i = 0; i < nr_pages; i++) {
		struct page *page;

		/* zspage pages can move, so they live in movable pageblocks */
		page = alloc_page(gfp | __GFP_MOVABLE);
		if (!page) {
			while (--i >= 0) {
				__mod_zone_page_state(page_zone(pages[i]),
						      NR_ZSPAGES, -1);
				__free_page(pages[i]);
			}
			cache_free_zspage(pool, zspage);
			return NULL;
		}

		__mod_zone_page_state(page_zone(page), NR_ZSPAGES, 1);
		pages[i] = page;
	}

	create_page_chain(class, zspage, pages, nr_pages);
	if (class->grow)
		init_growing_zspage(class, zspage);
	else
		init_zspage(class, zspage);
	trace_zs_zspage_alloc(pool->name, class->index, class->size, nr_pages,
			      page_to_pfn(pages[0]));

	return zspage;
}

static struct zspage *find_get_zspage(struct zs_pool *pool,
				      struct size_class *class)
{
	int i;
	struct zspage *zspage;

	lockdep_assert_held(&class->lock);
	/* The fullest non-full zspage first; empty ones come last. */
	for (i = zs_full_group(pool) - 1; i >= ZS_EMPTY; i--) {
		zspage = list_first_entry_or_null(&class->fullness_list[i],
						  struct zspage, list);
		if (zspage)
			return zspage;
	}

	return NULL;
}

/* --- per-CPU mapping areas ------------------------------------------------ */

static void __zs_cpu_down(struct mapping_area *area)
{
	kfree(area->vm_buf);
	area->vm_buf = NULL;
}

static int __zs_cpu_up(struct mapping_area *area)
{
	/* already prepared: a second call must not leak the first buffer */
	if (area->vm_buf)
		return 0;
	area->vm_buf = kmalloc(ZS_MAX_ALLOC_SIZE, GFP_KERNEL);
	if (!area->vm_buf)
		return -ENOMEM;
	return 0;
}

static int zs_cpu_prepare(unsigned int cpu)
{
	return __zs_cpu_up(&per_cpu(zs_map_area, cpu));
}

static int zs_cpu_dead(unsigned int cpu)
{
	__zs_cpu_down(&per_cpu(zs_map_area, cpu));
	return 0;
}

static void *__zs_map_object(struct mapping_area *area,
			     struct page *pages[2], int off, int size)
{
	int sizes[2];
	void *addr;
	char *buf = area->vm_buf;

	/* write-only: the caller overwrites everything, skip the copy in */
	if (area->vm_mm == ZS_MM_WO)
		goto out;

	sizes[0] = PAGE_SIZE - off;
	sizes[1] = size - sizes[0];

	addr = kmap_atomic(pages[0]);
	memcpy(buf, (char *)addr + off, sizes[0]);
	kunmap_atomic(addr);
	addr = kmap_atomic(pages[1]);
	memcpy(buf + sizes[0], addr, sizes[1]);
	kunmap_atomic(addr);
out:
	return area->vm_buf;
}

static void __zs_unmap_object(struct mapping_area *area,
			      struct page *pages[2], int off, int size)
{
	int sizes[2];
	void *addr;
	char *buf;

	/* read-only: nothing to write back */
	if (area->vm_mm == ZS_MM_RO)
		goto out;

	buf = area->vm_buf;
	/* the handle in the object header is the allocator's, not the user's */
	buf = buf + ZS_HANDLE_SIZE;
	size -= ZS_HANDLE_SIZE;
	off += ZS_HANDLE_SIZE;

	sizes[0] = PAGE_SIZE - off;
	sizes[1] = size - sizes[0];

	addr = kmap_atomic(pages[0]);
	memcpy((char *)addr + off, buf, sizes[0]);
	kunmap_atomic(addr);
	addr = kmap_atomic(pages[1]);
	memcpy(addr, buf + sizes[0], sizes[1]);
	kunmap_atomic(addr);

out:
	return;
}

/* --- pool queries --------------------------------------------------------- */

static bool can_merge(struct size_class *prev, int pages_per_zspage,
		      int objs_per_zspage)
{
	if (prev->pages_per_zspage == pages_per_zspage &&
	    prev->objs_per_zspage == objs_per_zspage)
		return true;

	return false;
}

static bool zspage_full(struct size_class *class, struct zspage *zspage)
{
	return get_zspage_inuse(zspage) == class->objs_per_zspage;
}

unsigned long zs_get_total_pages(struct zs_pool *pool)
{
	if (zs_pool_bad(pool, false))
		return 0;
	return atomic_long_read(&pool->pages_allocated);
}
EXPORT_SYMBOL_GPL(zs_get_total_pages);

size_t zs_huge_class_size(struct zs_pool *pool)
{
	if (zs_pool_bad(pool, false))
		return 0;
	return pool->huge_class_size;
}
EXPORT_SYMBOL_GPL(zs_huge_class_size);

unsigned int zs_lookup_class_index(struct zs_pool *pool, unsigned int size)
{
	struct size_class *class;

	if (zs_pool_bad(pool, false))
		return 0;
	class = pool->size_class[get_size_class_index(size)];

	return class->index;
}
EXPORT_SYMBOL_GPL(zs_lookup_class_index);

/* --- debug handle checks -------------------------------------------------- */

/*
 * Debug builds refuse a handle that is not a live slot of this pool's
 * handle cache (foreign, freed, or an error value) before touching the
 * word it points to: pinning a stale word could spin forever.
 */
static void zs_check_handle(struct zs_pool *pool, unsigned long handle,
			    const char *caller)
{
	if (!IS_ENABLED(CONFIG_DEBUG_VM))
		return;
	if (!kmem_cache_obj_valid(pool->handle_cachep, (void *)handle)) {
		pr_emerg("zsmalloc: %s(%s): handle %#lx is not a live handle of this pool (foreign, already freed, or corrupt)\n",
			 caller, pool->name, handle);
		BUG();
	}
}

/*
 * With the handle pinned: the object it names must carry the handle in
 * its allocated header.  Anything else is a freed or corrupt handle.
 */
static void zs_check_object(struct zs_pool *pool, unsigned long handle,
			    unsigned int size, struct page *page,
			    unsigned int obj_idx, const char *caller)
{
	unsigned long off, head;

	if (!IS_ENABLED(CONFIG_DEBUG_VM))
		return;
	off = (size * obj_idx) & ~PAGE_MASK;
	if (PageHugeObject(page))
		head = page->index;
	else
		head = *(unsigned long *)((char *)page_address(page) + off);
	if (head != (handle | OBJ_ALLOCATED_TAG)) {
		pr_emerg("zsmalloc: %s(%s): handle %#lx names object %u of pfn %#lx whose header is %#lx: not allocated to this handle (double free?)\n",
			 caller, pool->name, handle, obj_idx, page_to_pfn(page),
			 head);
		dump_page(page, "zsmalloc object header mismatch");
		BUG();
	}
}

/* --- object access: map/unmap, read/write --------------------------------- */

/* Bytes of caller data an object of @class can hold. */
/* Bytes a caller may store in an object of @size bytes that starts in @page. */
static inline size_t zs_obj_capacity(unsigned int size, struct page *page)
{
	return PageHugeObject(page) ? (size_t)size : size - ZS_HANDLE_SIZE;
}

/* An access of @len bytes at @off reaches into the next page. */
static bool zs_obj_spans(unsigned long off, size_t len)
{
	return off + len > PAGE_SIZE;
}

/* Before a spanning access looks up the next page: no page may move. */
static void zs_obj_span_lock(struct zspage *zspage)
{
	migrate_read_lock(zspage);
}

/* @span: the access spanned two pages, and took zs_obj_span_lock(). */
static void zs_obj_unlock(struct zspage *zspage, unsigned long handle, bool span)
{
	if (span)
		migrate_read_unlock(zspage);
	unpin_tag(handle);
}

/**
 * zs_map_object - make an object's bytes addressable
 * @pool: the object's pool
 * @handle: from zs_malloc()
 * @mm: ZS_MM_RW, ZS_MM_RO or ZS_MM_WO
 *
 * Returns the caller's bytes of the object, pinned in place until
 * zs_unmap_object().  A page-spanning object is bounced through this
 * CPU's buffer, so the caller stays on the CPU (preemption off) and must
 * not map a second object before unmapping the first.
 */
void *zs_map_object(struct zs_pool *pool, unsigned long handle,
		    enum zs_mapmode mm)
{
	struct zspage *zspage;
	struct page *page;
	unsigned long obj, off;
	unsigned int obj_idx;

	unsigned int size;
	struct mapping_area *area;
	struct page *pages[2];
	void *ret;

	/* the per-CPU area would be shared with the interrupted mapper */
	BUG_ON(in_interrupt());
	zs_pool_bug(pool, handle);
	zs_check_handle(pool, handle, __func__);

	/* pinned: compaction and migration leave the object alone */
	zs_pin_tag(pool, handle, __func__);

	obj = handle_to_obj(handle);
	obj_to_location(obj, &page, &obj_idx);
	if (zs_page_foreign(pool, page)) {
		unpin_tag(handle);
		zs_report_foreign(pool, handle, page, __func__, true);
	}
	lockdep_bit_acquire((unsigned long *)handle);
	zspage = get_zspage(page);

	size = zspage_obj_size(zspage);
	off = (size * obj_idx) & ~PAGE_MASK;
	zs_check_object(pool, handle, size, page, obj_idx, __func__);
	/*
	 * A spanning object: no page of the zspage is replaced while the
	 * bounce is out.  Taken before get_cpu_var(), as 4.8 took it, so
	 * that we never wait for a migration while holding our CPU.
	 */
	if (zs_obj_spans(off, size))
		zs_obj_span_lock(zspage);

	area = &get_cpu_var(zs_map_area);
	area->vm_mm = mm;
	if (!zs_obj_spans(off, size)) {
		/* within one page: hand out the page itself */
		area->vm_addr = kmap_atomic(page);
		ret = area->vm_addr + off;
		goto out;
	}

	/* across two pages: bounce */
	if (unlikely(area->vm_handle)) {
		unsigned long busy = area->vm_handle;

		put_cpu_var(zs_map_area);
		lockdep_bit_release((unsigned long *)handle);
		zs_obj_unlock(zspage, handle, true);
		pr_emerg("zsmalloc: zs_map_object(%s): handle %#lx spans two pages, but handle %#lx still holds this CPU's bounce buffer: unmap it first\n",
			 pool->name, handle, busy);
		BUG();
	}
	area->vm_handle = handle;
	pages[0] = page;
	pages[1] = get_next_page(page);
	BUG_ON(!pages[1]);

	ret = __zs_map_object(area, pages, off, size);
out:
	if (likely(!PageHugeObject(page)))
		ret = (char *)ret + ZS_HANDLE_SIZE;

	return ret;
}
EXPORT_SYMBOL_GPL(zs_map_object);

void zs_unmap_object(struct zs_pool *pool, unsigned long handle)
{
	struct zspage *zspage;
	struct page *page;
	unsigned long obj, off;
	unsigned int obj_idx;

	unsigned int size;
	struct mapping_area *area;

	if (zs_pool_bad_handle(pool, handle, false) || zs_end_unpinned(pool, handle, __func__))
		return;

	obj = handle_to_obj(handle);
	obj_to_location(obj, &page, &obj_idx);
	zspage = get_zspage(page);
	size = zspage_obj_size(zspage);
	off = (size * obj_idx) & ~PAGE_MASK;

	area = this_cpu_ptr(&zs_map_area);
	if (!zs_obj_spans(off, size))
		kunmap_atomic(area->vm_addr);
	else {
		struct page *pages[2];

		pages[0] = page;
		pages[1] = get_next_page(page);
		BUG_ON(!pages[1]);

		__zs_unmap_object(area, pages, off, size);
		area->vm_handle = 0;
	}
	put_cpu_var(zs_map_area);

	lockdep_bit_release((unsigned long *)handle);
	zs_obj_unlock(zspage, handle, zs_obj_spans(off, size));
}
EXPORT_SYMBOL_GPL(zs_unmap_object);

/*
 * Where the object of @obj (the handle's word) is: *@pagep the page it
 * starts in, *@offp the offset of the caller's data there, *@sizep its
 * size (the struct page's copy of its class's: neither the zspage nor
 * the class is read).  Returns 0, or -EINVAL with *@pagep set when the
 * page is not this pool's.  The object must stay put meanwhile: a pin
 * or a window.
 */
static __always_inline int zs_obj_where(struct zs_pool *pool,
					unsigned long handle,
					unsigned long obj,
					struct page **pagep,
					unsigned long *offp,
					unsigned int *sizep,
					const char *caller)
{
	struct page *page;
	unsigned int obj_idx, size;
	unsigned long off;

	obj_to_location(obj, &page, &obj_idx);
	*pagep = page;
	/* a foreign handle: the caller reports it, with *@pagep */
	if (zs_page_foreign(pool, page))
		return -EINVAL;
	size = page->zs_obj_size;
	VM_BUG_ON_PAGE(size != zspage_obj_size(get_zspage(page)), page);
	zs_check_object(pool, handle, size, page, obj_idx, caller);
	off = (size * obj_idx) & ~PAGE_MASK;
	if (!PageHugeObject(page))
		off += ZS_HANDLE_SIZE;

	*offp = off;
	*sizep = size;
	return 0;
}

/*
 * The pinning path of the newest object API, on Linux 4.8's locking: pin
 * the handle between begin and end, so the object stays put.  The pin
 * keeps compaction off the object and migration off the page it starts
 * in (zs_page_migrate() pins every object that starts in the page it
 * moves); an access that reaches into the next page also read-locks the
 * zspage (zs_obj_span_lock()), which keeps every page of it in place, as
 * Linux 4.8 did for every access.  Returns the zspage (checked, as
 * get_zspage() checks it), or NULL for a foreign handle, which has been
 * reported; the caller unlocks through zs_obj_unlock().
 */
static struct zspage *zs_obj_lock(struct zs_pool *pool, unsigned long handle,
				  struct page **pagep, unsigned long *offp,
				  unsigned int *sizep, const char *caller,
				  bool fatal)
{
	zs_check_handle(pool, handle, caller);
	zs_pin_tag(pool, handle, caller);
	if (unlikely(zs_obj_where(pool, handle, handle_to_obj(handle), pagep,
				  offp, sizep, caller))) {
		unpin_tag(handle);
		zs_report_foreign(pool, handle, *pagep, caller, fatal);
		return NULL;
	}
	return get_zspage(*pagep);
}

/*
 * Reads and writes without a locked instruction: a deliberate
 * difference from every kernel (docs/UPSTREAM.md).  Linux 4.8 pins the
 * handle for an access and Linux 6.18 read-locks the zspage; either is
 * an atomic read-modify-write, which on x86 first waits for every store
 * before it to drain (the caller's copy out of the object before, say)
 * and holds back every load after it.  Here an access announces its
 * handle in a hazard slot of its thread (linux/hazptr.h), then looks at
 * pool->movers.  Whatever moves objects raises pool->movers and runs the
 * asymmetric barrier before it pins anything (zs_movers_begin()), then
 * passes by every object with a window open on it (zs_trypin_move()) as
 * it passes a pinned one, and page migration also by the object that
 * reaches into its page from the one before.
 *
 * While a mover is at work, when the handle is pinned (mapped, or read
 * on the pinning path), or when the thread's slots are all taken, the
 * access pins instead, as Linux 4.8 does.  Returns the slot, with the
 * handle's word in *@objp, or NULL: pin.
 */
static __always_inline unsigned long *zs_window_open(struct zs_pool *pool,
						     unsigned long handle,
						     unsigned long *objp,
						     const char *caller)
{
	unsigned long *slot, obj;

	zs_check_handle(pool, handle, caller);
	zs_check_own_window(pool, handle, caller);
	slot = hazptr_publish(handle);
	if (unlikely(!slot))
		return NULL;
	/* after the announcement: linux/hazptr.h pairs the two */
	if (unlikely(atomic_read(&pool->movers)))
		goto pin;
	/* acquire: the object's bytes as whoever recorded this location left them */
	obj = smp_load_acquire((unsigned long *)handle);
	if (unlikely(obj & BIT(HANDLE_PIN_BIT)))
		goto pin;
	*objp = obj;
	return slot;
pin:
	hazptr_clear(slot);
	return NULL;
}

/*
 * A window on @handle and its object's page, offset and size: the slot,
 * NULL to pin instead, or ERR_PTR(-EINVAL) for a foreign handle, which
 * has been reported (a BUG() when @fatal).
 */
static __always_inline unsigned long *zs_window_lock(struct zs_pool *pool,
						     unsigned long handle,
						     struct page **pagep,
						     unsigned long *offp,
						     unsigned int *sizep,
						     const char *caller,
						     bool fatal)
{
	unsigned long obj, *slot = zs_window_open(pool, handle, &obj, caller);

	if (likely(slot) &&
	    unlikely(zs_obj_where(pool, handle, obj, pagep, offp, sizep, caller))) {
		hazptr_clear(slot);
		zs_report_foreign(pool, handle, *pagep, caller, fatal);
		return ERR_PTR(-EINVAL);
	}
	return slot;
}

static noinline __cold void zs_report_no_copy(struct zs_pool *pool,
					      unsigned long handle,
					      size_t mem_len)
{
	pr_emerg("zsmalloc: zs_obj_read_begin(%s): handle %#lx: %zu bytes span two pages and there is no local_copy to assemble them in\n",
		 pool->name, handle, mem_len);
	BUG();
}

/*
 * The @len bytes at @off of @page and on into the next page.  Pages that
 * follow each other in physical memory follow each other in the direct
 * map too (page_address()), and then one copy does.
 */
static void zs_obj_copy_out(void *dst, struct page *page, unsigned long off,
			    size_t len)
{
	struct page *next = get_next_page(page);
	size_t first = PAGE_SIZE - off;

	if (next == page + 1) {
		memcpy(dst, (char *)page_address(page) + off, len);
		return;
	}
	memcpy_from_page(dst, page, off, first);
	memcpy_from_page((char *)dst + first, next, 0, len - first);
}

static void zs_obj_copy_in(struct page *page, unsigned long off,
			   const void *src, size_t len)
{
	struct page *next = get_next_page(page);
	size_t first = PAGE_SIZE - off;

	if (next == page + 1) {
		memcpy((char *)page_address(page) + off, src, len);
		return;
	}
	memcpy_to_page(page, off, src, first);
	memcpy_to_page(next, 0, (const char *)src + first, len - first);
}

void *zs_obj_read_begin(struct zs_pool *pool, unsigned long handle,
			size_t mem_len, void *local_copy)
{
	struct zspage *zspage;
	unsigned int size;
	struct page *page;
	unsigned long off, *slot;

	zs_pool_bug(pool, handle);
	slot = zs_window_lock(pool, handle, &page, &off, &size, __func__, true);
	if (likely(slot)) {
		if (WARN_ON_ONCE(mem_len > zs_obj_capacity(size, page)))
			mem_len = zs_obj_capacity(size, page);
		if (!zs_obj_spans(off, mem_len))
			return (char *)kmap_local_page(page) + off;
		if (unlikely(!local_copy)) {
			hazptr_clear(slot);
			zs_report_no_copy(pool, handle, mem_len);
		}
		/* zs_obj_read_end() is to know there is nothing to unmap */
		hazptr_update(slot, handle | ZS_WINDOW_SPAN);
		zs_obj_copy_out(local_copy, page, off, mem_len);
		return local_copy;
	}

	zspage = zs_obj_lock(pool, handle, &page, &off, &size, __func__, true);
	lockdep_bit_acquire((unsigned long *)handle);
	if (WARN_ON_ONCE(mem_len > zs_obj_capacity(size, page)))
		mem_len = zs_obj_capacity(size, page);

	if (!zs_obj_spans(off, mem_len))
		/* the bytes asked for lie in one page: no copy */
		return (char *)kmap_local_page(page) + off;

	if (unlikely(!local_copy)) {
		lockdep_bit_release((unsigned long *)handle);
		zs_obj_unlock(zspage, handle, false);
		zs_report_no_copy(pool, handle, mem_len);
	}

	/* across two pages: assemble it in the caller's buffer */
	zs_obj_span_lock(zspage);
	zs_obj_copy_out(local_copy, page, off, mem_len);
	return local_copy;
}
EXPORT_SYMBOL_GPL(zs_obj_read_begin);

void zs_obj_read_end(struct zs_pool *pool, unsigned long handle,
		     size_t mem_len, const void *handle_mem)
{
	struct zspage *zspage;
	struct page *page;
	unsigned int obj_idx, size;
	unsigned long off, *slot;

	if (zs_pool_bad_handle(pool, handle, false))
		return;
	slot = hazptr_find_mine(handle, ZS_WINDOW_SPAN);
	if (likely(slot)) {
		if (!(*slot & ZS_WINDOW_SPAN))
			kunmap_local(handle_mem);
		hazptr_clear(slot);
		return;
	}
	if (zs_end_unpinned(pool, handle, __func__))
		return;

	obj_to_location(handle_to_obj(handle), &page, &obj_idx);
	zspage = get_zspage(page);
	size = zspage_obj_size(zspage);
	off = (size * obj_idx) & ~PAGE_MASK;
	if (!PageHugeObject(page))
		off += ZS_HANDLE_SIZE;
	mem_len = min_t(size_t, mem_len, zs_obj_capacity(size, page));

	/* the same geometry as zs_obj_read_begin(): in place, or the copy */
	if (!zs_obj_spans(off, mem_len))
		kunmap_local(handle_mem);
	lockdep_bit_release((unsigned long *)handle);
	zs_obj_unlock(zspage, handle, zs_obj_spans(off, mem_len));
}
EXPORT_SYMBOL_GPL(zs_obj_read_end);

void zs_obj_write(struct zs_pool *pool, unsigned long handle,
		  const void *handle_mem, size_t mem_len)
{
	struct zspage *zspage;
	unsigned int size;
	struct page *page;
	unsigned long off, *slot;

	if (zs_pool_bad_handle(pool, handle, false))
		return;
	slot = zs_window_lock(pool, handle, &page, &off, &size, __func__, false);
	if (IS_ERR(slot))
		return;
	if (likely(slot)) {
		/* refuse rather than overwrite the neighbouring object */
		if (!WARN_ON_ONCE(mem_len > zs_obj_capacity(size, page))) {
			if (!zs_obj_spans(off, mem_len))
				memcpy_to_page(page, off, handle_mem, mem_len);
			else
				zs_obj_copy_in(page, off, handle_mem, mem_len);
		}
		hazptr_clear(slot);
		return;
	}

	zspage = zs_obj_lock(pool, handle, &page, &off, &size, __func__, false);
	if (!zspage)
		return;
	if (WARN_ON_ONCE(mem_len > zs_obj_capacity(size, page))) {
		/* refuse rather than overwrite the neighbouring object */
		zs_obj_unlock(zspage, handle, false);
		return;
	}

	if (!zs_obj_spans(off, mem_len)) {
		memcpy_to_page(page, off, handle_mem, mem_len);
	} else {
		zs_obj_span_lock(zspage);
		zs_obj_copy_in(page, off, handle_mem, mem_len);
	}
	zs_obj_unlock(zspage, handle, zs_obj_spans(off, mem_len));
}
EXPORT_SYMBOL_GPL(zs_obj_write);

/* --- allocation and free -------------------------------------------------- */

/*
 * Make every page of a newly built zspage movable.  Nobody else can hold
 * these fresh pages' locks, so the trylock always succeeds.
 */
static void SetZsPageMovable(struct zs_pool *pool, struct zspage *zspage)
{
	struct page *page = get_first_page(zspage);

	do {
		WARN_ON(!trylock_page(page));
		__SetPageMovable(page, pool->inode->i_mapping);
		unlock_page(page);
	} while ((page = get_next_page(page)) != NULL);
}

static unsigned long obj_malloc(struct size_class *class,
				struct zspage *zspage, unsigned long handle)
{
	int i, nr_page, offset;
	unsigned long obj;
	struct link_free *link;

	lockdep_assert_held(&class->lock);
	struct page *m_page;
	unsigned long m_offset;
	void *vaddr;

	if (unlikely(class->grow))
		return obj_malloc_grow(class, zspage, handle);
	handle |= OBJ_ALLOCATED_TAG;
	obj = get_freeobj(zspage);

	offset = obj * class->size;
	nr_page = offset >> PAGE_SHIFT;
	m_offset = offset & ~PAGE_MASK;
	m_page = get_first_page(zspage);

	for (i = 0; i < nr_page; i++)
		m_page = get_next_page(m_page);

	vaddr = kmap_atomic(m_page);
	link = (struct link_free *)vaddr + m_offset / sizeof(*link);
	set_freeobj(zspage, link->next >> OBJ_TAG_BITS);
	/* a huge object has no header: its handle lives in page->index */
	if (likely(!PageHugeObject(m_page)))
		link->handle = handle;
	else
		zspage->first_page->index = handle;

	kunmap_atomic(vaddr);
	mod_zspage_inuse(zspage, 1);
	zs_stat_inc(class, OBJ_USED, 1);

	obj = location_to_obj(m_page, obj);

	return obj;
}

/*
 * Pages a growing zspage keeps beyond what its objects touch when a free
 * could give them back: one, so that an allocation and a free taking
 * turns at a page border do not allocate and free a page each time.
 * Compaction keeps none.
 */
#define ZS_GROW_FREE_SLACK	1

/*
 * After a free from @zspage: when no live object touches its last two
 * pages (tail_live[], kept by obj_malloc() and obj_free()), the last is
 * one to give back beyond the slack page; only then are the slots and
 * the free list walked.  Deciding from the counters keeps frees that
 * leave the tail in use (nearly all of them) from walking the chain and
 * reading slot after cold slot.
 */
static void zspage_trim_after_free(struct zs_pool *pool, struct size_class *class,
				   struct zspage *zspage)
{
	BUILD_BUG_ON(ZS_GROW_FREE_SLACK != 1);
	if (zspage->nr_pages > 2 && !zspage->tail_live[0] && !zspage->tail_live[1])
		zspage_trim(pool, class, zspage, ZS_GROW_FREE_SLACK);
}

/*
 * zs_malloc() for a class of growing zspages.  The page an object needs
 * is allocated under the class lock without sleeping; when that fails
 * and @gfp may sleep, the lock is dropped, a page allocated with @gfp,
 * and the search starts again with that page in hand (the zspages may
 * have changed meanwhile; a page left unused is freed).
 */
static unsigned long zs_malloc_grow(struct zs_pool *pool, struct size_class *class,
				    unsigned long handle, gfp_t gfp)
{
	struct page *spare = NULL, *page;
	struct zspage *zspage;
	unsigned long obj;

	for (;;) {
		spin_lock(&class->lock);
		zspage = find_get_zspage(pool, class);
		if (!zspage)
			break;
		if (zspage_needs_page(class, zspage)) {
			page = spare;
			spare = NULL;
			if (!page)
				page = zs_alloc_chain_page(zs_gfp_nosleep(gfp));
			if (!page) {
				spin_unlock(&class->lock);
				if (!gfpflags_allow_blocking(gfp))
					goto nomem;
				spare = zs_alloc_chain_page(gfp);
				if (!spare)
					goto nomem;
				continue;
			}
			zspage_add_page(pool, class, zspage, page);
		}
		obj = obj_malloc(class, zspage, handle);
		fix_fullness_group(pool, class, zspage);
		record_obj(handle, obj);
		spin_unlock(&class->lock);
		if (spare)
			zs_free_chain_page(spare);
		return handle;
	}
	spin_unlock(&class->lock);
	if (spare)
		zs_free_chain_page(spare);

	zspage = alloc_zspage(pool, class, gfp);
	if (!zspage)
		goto nomem;

	spin_lock(&class->lock);
	obj = obj_malloc(class, zspage, handle);
	set_zspage_fullness(zspage, get_fullness_group(pool, class, zspage));
	insert_zspage(pool, class, zspage, zspage->fullness);
	record_obj(handle, obj);
	class->pages += zspage->nr_pages;
	zs_stat_inc(class, OBJ_ALLOCATED, zspage_slots(class, zspage->nr_pages));
	zs_pages_added(pool, zspage->nr_pages);
	SetZsPageMovable(pool, zspage);
	spin_unlock(&class->lock);
	return handle;

nomem:
	cache_free_handle(pool, handle);
	return (unsigned long)ERR_PTR(-ENOMEM);
}

/**
 * zs_malloc - allocate an object
 * @pool: the pool
 * @size: 1..ZS_MAX_ALLOC_SIZE bytes
 * @gfp: allocation flags for the handle and, if needed, a new zspage
 * @nid: preferred node; the simulated machine has one
 *
 * Returns a handle, or an error value: -EINVAL (size 0), -ENOSPC (too
 * large), -ENOMEM.
 */
unsigned long zs_malloc(struct zs_pool *pool, size_t size, gfp_t gfp, int nid)
{
	unsigned long handle, obj;
	struct size_class *class;
	struct zspage *zspage;
	long pages, max;

	(void)nid;
	if (zs_pool_bad(pool, false))
		return (unsigned long)ERR_PTR(-EINVAL);
	if (unlikely(!size))
		return (unsigned long)ERR_PTR(-EINVAL);
	if (unlikely(size > ZS_MAX_ALLOC_SIZE))
		return (unsigned long)ERR_PTR(-ENOSPC);

	handle = cache_alloc_handle(pool, gfp);
	if (!handle)
		return (unsigned long)ERR_PTR(-ENOMEM);

	/* every slot starts with its handle */
	size += ZS_HANDLE_SIZE;
	class = pool->size_class[get_size_class_index(size)];
	if (unlikely(class->grow))
		return zs_malloc_grow(pool, class, handle, gfp);

	spin_lock(&class->lock);
	zspage = find_get_zspage(pool, class);
	if (likely(zspage)) {
		obj = obj_malloc(class, zspage, handle);
		fix_fullness_group(pool, class, zspage);
		record_obj(handle, obj);
		spin_unlock(&class->lock);

		return handle;
	}

	spin_unlock(&class->lock);

	zspage = alloc_zspage(pool, class, gfp);
	if (!zspage) {
		cache_free_handle(pool, handle);
		return (unsigned long)ERR_PTR(-ENOMEM);
	}

	spin_lock(&class->lock);
	obj = obj_malloc(class, zspage, handle);
	set_zspage_fullness(zspage, get_fullness_group(pool, class, zspage));
	insert_zspage(pool, class, zspage, zspage->fullness);
	record_obj(handle, obj);
	pages = atomic_long_add_return(class->pages_per_zspage,
				       &pool->pages_allocated);
	zs_stat_inc(class, OBJ_ALLOCATED, class->objs_per_zspage);
	/* fully built and on its list: the VM may move its pages from now */
	SetZsPageMovable(pool, zspage);
	spin_unlock(&class->lock);

	max = atomic_long_read(&pool->pages_max);
	while (pages > max && !atomic_long_try_cmpxchg(&pool->pages_max, &max, pages))
		;

	return handle;
}
EXPORT_SYMBOL_GPL(zs_malloc);

static void obj_free(struct size_class *class, unsigned long obj)
{
	struct link_free *link;
	struct zspage *zspage;
	struct page *f_page;
	unsigned long f_offset;
	unsigned int f_objidx;
	void *vaddr;

	lockdep_assert_held(&class->lock);
	obj &= ~OBJ_ALLOCATED_TAG;
	obj_to_location(obj, &f_page, &f_objidx);
	f_offset = (class->size * f_objidx) & ~PAGE_MASK;
	zspage = get_zspage(f_page);

	vaddr = kmap_atomic(f_page);

	/* push the slot on the zspage's free list (LIFO) */
	link = (struct link_free *)((char *)vaddr + f_offset);
	link->next = get_freeobj(zspage) << OBJ_TAG_BITS;
	if (unlikely(PageHugeObject(f_page)))
		f_page->index = 0;
	kunmap_atomic(vaddr);
	set_freeobj(zspage, f_objidx);
	mod_zspage_inuse(zspage, -1);
	if (unlikely(class->grow))
		zspage_tail_live_mod(class, zspage, f_objidx, -1);
	zs_stat_dec(class, OBJ_USED, 1);
}

/*
 * pool->lock (Linux 6.18), per CPU: what keeps an object where zs_free()
 * found it until zs_free() holds the class lock.  Linux 6.18's is one
 * rwlock_t, whose word every zs_free() on every CPU writes twice; here
 * each CPU (up to ZS_POOL_LOCK_SLOTS, then shared) read-locks its own,
 * and whatever rewrites a live handle (compaction, page migration)
 * write-locks them all, in slot order, before any class lock.  A reader
 * unlocks the slot it locked, wherever it runs by then.
 */
static int zs_pool_lock_init(struct zs_pool *pool)
{
	unsigned int i, n = min_t(unsigned int, nr_cpu_ids, ZS_POOL_LOCK_SLOTS);

	BUILD_BUG_ON(sizeof(struct zs_pool_lock_slot) % 64);
	/* kmalloc() promises no 64-byte alignment: align by hand */
	pool->lock_slots_mem = kmalloc(n * sizeof(struct zs_pool_lock_slot) + 63,
				       GFP_KERNEL);
	if (!pool->lock_slots_mem)
		return -ENOMEM;
	pool->lock_slots = PTR_ALIGN((struct zs_pool_lock_slot *)pool->lock_slots_mem, 64);
	pool->nr_lock_slots = n;
	for (i = 0; i < n; i++)
		rwlock_init(&pool->lock_slots[i].lock);
	return 0;
}

static unsigned int zs_pool_read_lock(struct zs_pool *pool)
{
	unsigned int slot = (unsigned int)raw_smp_processor_id();

	if (unlikely(slot >= pool->nr_lock_slots))
		slot %= pool->nr_lock_slots;
	read_lock(&pool->lock_slots[slot].lock);
	return slot;
}

static void zs_pool_read_unlock(struct zs_pool *pool, unsigned int slot)
{
	read_unlock(&pool->lock_slots[slot].lock);
}

static void zs_pool_write_lock(struct zs_pool *pool)
{
	unsigned int i;

	for (i = 0; i < pool->nr_lock_slots; i++)
		write_lock(&pool->lock_slots[i].lock);
}

static void zs_pool_write_unlock(struct zs_pool *pool)
{
	unsigned int i = pool->nr_lock_slots;

	while (i--)
		write_unlock(&pool->lock_slots[i].lock);
}

/*
 * For whatever rewrites live handles (compaction, page migration):
 * pool->lock, written, before the class lock, as Linux 6.18's
 * __zs_compact() and zs_page_migrate(), so that no zs_free() is between
 * reading an object's location and taking the class lock.
 */
static void zs_move_lock(struct zs_pool *pool, struct size_class *class)
{
	/* zs_trypin_move() trusts the barrier of zs_movers_begin() */
	VM_BUG_ON(!atomic_read(&pool->movers));
	zs_pool_write_lock(pool);
	spin_lock(&class->lock);
}

static void zs_move_unlock(struct zs_pool *pool, struct size_class *class)
{
	spin_unlock(&class->lock);
	zs_pool_write_unlock(pool);
}

/*
 * Something is about to move objects: all of one zs_compact() call, or a
 * page from its isolation until it is migrated or put back.  Accesses
 * that begin from now on pin; those already in a window are in their
 * threads' hazard slots, which zs_trypin_move() sees once the barrier is
 * through (zs_window_open()).  Only the rise from 0 runs the barrier, a
 * system call; whoever raises pool->movers further waits on movers_lock
 * until that barrier is done, and pool->movers has not been 0 since.
 */
static void zs_movers_begin(struct zs_pool *pool)
{
	spin_lock(&pool->movers_lock);
	if (atomic_inc_return(&pool->movers) == 1)
		hazptr_barrier();
	spin_unlock(&pool->movers_lock);
}

static void zs_movers_end(struct zs_pool *pool)
{
	spin_lock(&pool->movers_lock);
	VM_BUG_ON(atomic_read(&pool->movers) <= 0);
	atomic_dec(&pool->movers);
	spin_unlock(&pool->movers_lock);
}

/*
 * Pin @handle to move its object, under zs_move_lock() and with
 * pool->movers raised: nobody else may hold its pin, and no thread may
 * have a window open on it.
 */
static bool zs_trypin_move(unsigned long handle)
{
	if (!trypin_tag(handle))
		return false;
	if (unlikely(hazptr_in_use(handle, ZS_WINDOW_SPAN))) {
		unpin_tag(handle);
		return false;
	}
	return true;
}

void zs_free(struct zs_pool *pool, unsigned long handle)
{
	struct zspage *zspage;
	struct page *f_page;
	unsigned long obj;
	unsigned int f_objidx, slot;
	int fullness;
	struct size_class *class;
	bool pinned;

	if (unlikely(!handle))
		return;
	if (WARN_ON_ONCE(IS_ERR_VALUE(handle)))
		return;
	if (zs_pool_bad_handle(pool, handle, false))
		return;
	zs_check_handle(pool, handle, __func__);
	zs_check_own_window(pool, handle, __func__);

	/*
	 * As Linux 6.18: pool->lock, read, from the read of the object's
	 * location until class->lock is held, so that neither compaction
	 * nor page migration (both write-lock it first) moves the object in
	 * between; from then on class->lock keeps them off.  No pin: Linux
	 * 4.8's was a locked instruction on the handle's cache line, which
	 * is a miss when the handle is cold, taken with every load after it
	 * held back (a third of a cold zs_malloc() + zs_free() pair).  The
	 * zspage's class never changes, and everything else this free reads
	 * or writes is under class->lock.
	 *
	 * A handle already pinned is being read.  Then free it as 4.8 does,
	 * under the pin (compaction and migration pass pinned objects by):
	 * zs_pin_tag() waits for another thread's read and reports a free
	 * inside this thread's own.
	 */
	slot = zs_pool_read_lock(pool);
	obj = handle_to_obj(handle);
	pinned = obj & BIT(HANDLE_PIN_BIT);
	if (unlikely(pinned)) {
		zs_pool_read_unlock(pool, slot);
		zs_pin_tag(pool, handle, __func__);
		obj = handle_to_obj(handle);
	}
	obj_to_location(obj, &f_page, &f_objidx);
	if (zs_page_foreign(pool, f_page)) {
		if (pinned)
			unpin_tag(handle);
		else
			zs_pool_read_unlock(pool, slot);
		zs_report_foreign(pool, handle, f_page, __func__, false);
		return;
	}
	zspage = get_zspage(f_page);
	class = pool->size_class[zspage_class(zspage)];
	zs_check_object(pool, handle, class->size, f_page, f_objidx, __func__);

	spin_lock(&class->lock);
	if (likely(!pinned))
		zs_pool_read_unlock(pool, slot);
	obj_free(class, obj);
	fullness = fix_fullness_group(pool, class, zspage);
	if (fullness != ZS_EMPTY) {
		if (unlikely(class->grow))
			zspage_trim_after_free(pool, class, zspage);
	} else if (likely(!is_zspage_isolated(zspage))) {
		/* an isolated zspage is freed when migration puts it back */
		free_zspage(pool, class, zspage);
	}
	spin_unlock(&class->lock);
	if (unlikely(pinned))
		unpin_tag(handle);
	cache_free_handle(pool, handle);
}
EXPORT_SYMBOL_GPL(zs_free);

/* --- compaction ----------------------------------------------------------- */

static void zs_object_copy(struct size_class *class, unsigned long dst,
			   unsigned long src)
{
	struct page *s_page, *d_page;
	unsigned int s_objidx, d_objidx;
	unsigned long s_off, d_off;
	void *s_addr, *d_addr;
	int s_size, d_size, size;
	int written = 0;

	lockdep_assert_held(&class->lock);
	s_size = d_size = class->size;

	obj_to_location(src, &s_page, &s_objidx);
	obj_to_location(dst, &d_page, &d_objidx);

	s_off = (class->size * s_objidx) & ~PAGE_MASK;
	d_off = (class->size * d_objidx) & ~PAGE_MASK;

	if (s_off + class->size > PAGE_SIZE)
		s_size = PAGE_SIZE - s_off;

	if (d_off + class->size > PAGE_SIZE)
		d_size = PAGE_SIZE - d_off;

	s_addr = kmap_atomic(s_page);
	d_addr = kmap_atomic(d_page);

	while (1) {
		size = min(s_size, d_size);
		memcpy((char *)d_addr + d_off, (char *)s_addr + s_off, size);
		written += size;

		if (written == class->size)
			break;

		s_off += size;
		s_size -= size;
		d_off += size;
		d_size -= size;

		if (s_off >= PAGE_SIZE) {
			kunmap_atomic(d_addr);
			kunmap_atomic(s_addr);
			s_page = get_next_page(s_page);
			s_addr = kmap_atomic(s_page);
			d_addr = kmap_atomic(d_page);
			s_size = class->size - written;
			s_off = 0;
		}

		if (d_off >= PAGE_SIZE) {
			kunmap_atomic(d_addr);
			d_page = get_next_page(d_page);
			d_addr = kmap_atomic(d_page);
			d_size = class->size - written;
			d_off = 0;
		}
	}

	kunmap_atomic(d_addr);
	kunmap_atomic(s_addr);
}

/*
 * From slot *@obj_idx of @page on, find an allocated object whose handle
 * can be pinned and has no window open (zs_trypin_move()); return that
 * handle (pinned) and leave *@obj_idx on it, or 0 at the end of the page.
 */
static unsigned long find_alloced_obj(struct size_class *class,
				      struct page *page, int *obj_idx)
{
	unsigned int offset;
	int index = *obj_idx;
	unsigned long handle = 0;
	void *addr = kmap_atomic(page);

	lockdep_assert_held(&class->lock);
	offset = get_first_obj_offset(page);
	offset += class->size * index;

	while (offset < PAGE_SIZE) {
		if (obj_allocated(page, (char *)addr + offset, &handle)) {
			if (zs_trypin_move(handle))
				break;
			/* in use (mapped or being freed): leave it be */
			handle = 0;
		}

		offset += class->size;
		index++;
	}

	kunmap_atomic(addr);
	*obj_idx = index;
	return handle;
}

struct zs_compact_control {
	struct page *s_page;	/* source page being scanned (any in the chain) */
	struct page *d_page;	/* first page of the destination zspage */
	int obj_idx;		/* next slot of s_page to look at */
	unsigned long moved;	/* objects moved so far */
};

/*
 * Move the live, unpinned objects of cc->s_page's zspage into the
 * zspage of cc->d_page until the source is drained (returns 0) or the
 * destination is full (returns -ENOMEM).
 */
static int migrate_zspage(struct zs_pool *pool, struct size_class *class,
			  struct zs_compact_control *cc)
{
	unsigned long used_obj, free_obj;
	unsigned long handle;
	struct page *s_page = cc->s_page;
	struct page *d_page = cc->d_page;
	int obj_idx = cc->obj_idx;
	unsigned long moved_before = cc->moved;
	int ret = 0;

	lockdep_assert_held(&class->lock);
	while (1) {
		handle = find_alloced_obj(class, s_page, &obj_idx);
		if (!handle) {
			s_page = get_next_page(s_page);
			if (!s_page)
				break;
			obj_idx = 0;
			continue;
		}

		if (zspage_full(class, get_zspage(d_page))) {
			unpin_tag(handle);
			ret = -ENOMEM;
			break;
		}
		/* a growing destination may need a page: -EAGAIN stops the class */
		if (unlikely(!zspage_grow_nosleep(pool, class, get_zspage(d_page),
						  GFP_NOWAIT))) {
			unpin_tag(handle);
			ret = -EAGAIN;
			break;
		}

		used_obj = handle_to_obj(handle);
		free_obj = obj_malloc(class, get_zspage(d_page), handle);
		zs_object_copy(class, free_obj, used_obj);
		obj_idx++;
		/* the new location goes in with the pin still held */
		free_obj |= BIT(HANDLE_PIN_BIT);
		record_obj(handle, free_obj);
		unpin_tag(handle);
		obj_free(class, used_obj);
		trace_zs_obj_move(pool->name, class->index, handle,
				  page_to_pfn(s_page), page_to_pfn(d_page));
		cc->moved++;
	}

	cc->s_page = s_page;
	cc->obj_idx = obj_idx;
	atomic_long_add(cc->moved - moved_before, &pool->objs_moved);

	return ret;
}

static struct zspage *isolate_zspage_from(struct size_class *class,
					  const int *groups, int nr)
{
	struct zspage *zspage;
	int i;

	lockdep_assert_held(&class->lock);
	for (i = 0; i < nr; i++) {
		zspage = list_first_entry_or_null(&class->fullness_list[groups[i]],
						  struct zspage, list);
		if (zspage) {
			VM_BUG_ON(is_zspage_isolated(zspage));
			remove_zspage(class, zspage, groups[i]);
			return zspage;
		}
	}

	return NULL;
}

/*
 * Whatever the compaction policy, the source is the least used zspage and
 * the destination the most used non-full one, as the pool's fullness
 * groups tell them apart.  Quarter groups: the source is an almost empty
 * zspage (else almost full), the destination an almost full one (else
 * almost empty).  Ratio groups: the groups are scanned from 10% up for
 * the source and from 99% down for the destination.
 */
static struct zspage *isolate_src_zspage(struct zs_pool *pool,
					 struct size_class *class)
{
	static const int quarters[] = { ZS_ALMOST_EMPTY, ZS_ALMOST_FULL };
	int groups[ZS_INUSE_RATIO_99];
	int i;

	if (pool->fullness == ZS_FULLNESS_QUARTERS)
		return isolate_zspage_from(class, quarters, 2);
	for (i = 0; i < ZS_INUSE_RATIO_99; i++)
		groups[i] = ZS_INUSE_RATIO_10 + i;
	return isolate_zspage_from(class, groups, ZS_INUSE_RATIO_99);
}

static struct zspage *isolate_dst_zspage(struct zs_pool *pool,
					 struct size_class *class)
{
	static const int quarters[] = { ZS_ALMOST_FULL, ZS_ALMOST_EMPTY };
	int groups[ZS_INUSE_RATIO_99];
	int i;

	if (pool->fullness == ZS_FULLNESS_QUARTERS)
		return isolate_zspage_from(class, quarters, 2);
	for (i = 0; i < ZS_INUSE_RATIO_99; i++)
		groups[i] = ZS_INUSE_RATIO_99 - i;
	return isolate_zspage_from(class, groups, ZS_INUSE_RATIO_99);
}

/* Return an isolated @zspage to the list it now belongs on; returns its group. */
static int putback_zspage(struct zs_pool *pool, struct size_class *class,
			  struct zspage *zspage)
{
	int fullness;

	lockdep_assert_held(&class->lock);
	VM_BUG_ON(is_zspage_isolated(zspage));

	fullness = get_fullness_group(pool, class, zspage);
	insert_zspage(pool, class, zspage, fullness);
	set_zspage_fullness(zspage, fullness);

	return fullness;
}

/*
 * Pages a class of growing zspages has beyond the fewest its objects
 * could live in: full zspages and one zspage as long as the rest need.
 */
static unsigned long zs_can_compact_grow(struct size_class *class)
{
	unsigned long used = zs_stat_get(class, OBJ_USED);
	unsigned long per = class->objs_per_zspage;
	unsigned long least;

	least = used / per * class->pages_per_zspage +
		slots_pages(class, used % per);
	return class->pages > least ? class->pages - least : 0;
}

static unsigned long zs_can_compact(struct size_class *class)
{
	unsigned long obj_wasted;
	unsigned long obj_allocated = zs_stat_get(class, OBJ_ALLOCATED);
	unsigned long obj_used = zs_stat_get(class, OBJ_USED);

	lockdep_assert_held(&class->lock);
	if (class->grow)
		return zs_can_compact_grow(class);
	if (obj_allocated <= obj_used)
		return 0;

	obj_wasted = obj_allocated - obj_used;
	obj_wasted /= class->objs_per_zspage;

	return obj_wasted * class->pages_per_zspage;
}

/*
 * Return a source zspage to its list after migrate_zspage() returned
 * @ret, freeing it if it is empty.  False when nothing could be moved out
 * of it: all that is left is pinned (being read or freed), and picking it
 * again would spin, so the class is left for the next compaction.
 */
static bool putback_src_zspage(struct zs_pool *pool, struct size_class *class,
			       struct zspage *src_zspage,
			       struct zs_compact_control *cc, int ret,
			       unsigned long *pages_freed)
{
	unsigned int nr_pages = src_zspage->nr_pages;

	lockdep_assert_held(&class->lock);
	if (putback_zspage(pool, class, src_zspage) == ZS_EMPTY) {
		free_zspage(pool, class, src_zspage);
		*pages_freed += nr_pages;
		return true;
	}
	return ret || cc->moved;
}

/*
 * ZS_COMPACT_DRAIN_SOURCE (Linux 4.1 .. 6.3): take a source zspage, then
 * fill destinations from it one after another until it is drained.
 */
static unsigned long __zs_compact_drain_source(struct zs_pool *pool,
					       struct size_class *class)
{
	struct zs_compact_control cc;
	struct zspage *src_zspage;
	struct zspage *dst_zspage = NULL;
	unsigned long pages_freed = 0;
	int ret = 0;

	zs_move_lock(pool, class);
	while ((src_zspage = isolate_src_zspage(pool, class))) {

		if (!zs_can_compact(class))
			break;

		cc.obj_idx = 0;
		cc.s_page = get_first_page(src_zspage);
		cc.moved = 0;

		while ((dst_zspage = isolate_dst_zspage(pool, class))) {
			cc.d_page = get_first_page(dst_zspage);
			/* 0: the source is drained; else the destination is full */
			ret = migrate_zspage(pool, class, &cc);
			if (!ret || ret == -EAGAIN)
				break;

			putback_zspage(pool, class, dst_zspage);
		}

		/* no destination left with room */
		if (dst_zspage == NULL)
			break;

		putback_zspage(pool, class, dst_zspage);
		if (!putback_src_zspage(pool, class, src_zspage, &cc, 0,
					&pages_freed) || ret == -EAGAIN) {
			src_zspage = NULL;
			break;
		}
		zs_move_unlock(pool, class);
		cond_resched();
		zs_move_lock(pool, class);
	}

	if (src_zspage)
		putback_zspage(pool, class, src_zspage);

	zs_move_unlock(pool, class);

	return pages_freed;
}

/*
 * ZS_COMPACT_FILL_DESTINATION (Linux 6.4+): keep one destination, the
 * most used zspage, and drain the least used ones into it until it is
 * full.  Fewer objects move for each page freed.
 */
static unsigned long __zs_compact_fill_destination(struct zs_pool *pool,
						   struct size_class *class)
{
	struct zs_compact_control cc;
	struct zspage *src_zspage = NULL;
	struct zspage *dst_zspage = NULL;
	unsigned long pages_freed = 0;
	int ret;

	zs_move_lock(pool, class);
	while (zs_can_compact(class)) {
		if (!dst_zspage) {
			dst_zspage = isolate_dst_zspage(pool, class);
			if (!dst_zspage)
				break;
		}

		src_zspage = isolate_src_zspage(pool, class);
		if (!src_zspage)
			break;

		cc.obj_idx = 0;
		cc.s_page = get_first_page(src_zspage);
		cc.d_page = get_first_page(dst_zspage);
		cc.moved = 0;
		ret = migrate_zspage(pool, class, &cc);

		if (!putback_src_zspage(pool, class, src_zspage, &cc, ret,
					&pages_freed) || ret == -EAGAIN)
			break;
		src_zspage = NULL;

		if (ret == -ENOMEM || zspage_full(class, dst_zspage)) {
			putback_zspage(pool, class, dst_zspage);
			dst_zspage = NULL;
			zs_move_unlock(pool, class);
			cond_resched();
			zs_move_lock(pool, class);
		}
	}

	if (dst_zspage)
		putback_zspage(pool, class, dst_zspage);

	zs_move_unlock(pool, class);

	return pages_freed;
}

/*
 * ZS_COMPACT_EMPTY_TAILS: move the live, unpinned objects of @src into
 * @dst from @src's last slot down, so that a source left part-drained
 * has emptied its tail.  Returns 0 when @src is drained as far as pins
 * allow, -ENOMEM when @dst is full, -EAGAIN when @dst needed a page and
 * none could be had without sleeping.
 */
static int migrate_zspage_tail(struct zs_pool *pool, struct size_class *class,
			       struct zspage *src, struct zspage *dst,
			       unsigned long *moved)
{
	struct page *pages[ZS_MAX_PAGES_PER_ZSPAGE];
	unsigned long handle, used_obj, free_obj, off;
	unsigned int idx;
	struct page *page;
	void *addr;
	bool live;

	lockdep_assert_held(&class->lock);
	zspage_get_pages(class, src, pages);
	idx = class->grow ? src->frontier : (unsigned int)class->objs_per_zspage;
	while (idx-- > 0 && get_zspage_inuse(src)) {
		off = (unsigned long)idx * class->size;
		page = pages[off >> PAGE_SHIFT];
		addr = kmap_atomic(page);
		live = obj_allocated(page, (char *)addr + (off & ~PAGE_MASK), &handle);
		kunmap_atomic(addr);
		/* pinned: being read or freed, leave it be */
		if (!live || !zs_trypin_move(handle))
			continue;

		if (zspage_full(class, dst)) {
			unpin_tag(handle);
			return -ENOMEM;
		}
		if (!zspage_grow_nosleep(pool, class, dst, GFP_NOWAIT)) {
			unpin_tag(handle);
			return -EAGAIN;
		}
		used_obj = handle_to_obj(handle);
		free_obj = obj_malloc(class, dst, handle);
		zs_object_copy(class, free_obj, used_obj);
		/* the new location goes in with the pin still held */
		record_obj(handle, free_obj | BIT(HANDLE_PIN_BIT));
		unpin_tag(handle);
		obj_free(class, used_obj);
		(*moved)++;
	}
	return 0;
}

/*
 * Pack a growing zspage into its lowest slots: the live, unpinned
 * objects from the top move down into the free slots below them, the
 * free list is rebuilt lowest slot first (so allocation fills from the
 * bottom), and the pages left empty at the tail go back.  Compaction's
 * last step for the one part-used zspage a class keeps.  Returns the
 * pages given back.
 */
static unsigned int zspage_pack(struct zs_pool *pool, struct size_class *class,
				struct zspage *zspage)
{
	struct page *pages[ZS_MAX_PAGES_PER_ZSPAGE];
	unsigned int lo = 0, hi, idx, freeobj = -1U;
	unsigned long handle, spare, moved = 0, *head;
	void *vaddr;

	lockdep_assert_held(&class->lock);
	if (!class->grow || is_zspage_isolated(zspage) || !get_zspage_inuse(zspage))
		return 0;
	zspage_get_pages(class, zspage, pages);

	hi = zspage->frontier;
	while (hi > lo) {
		if (!slot_live(class, pages, --hi, &handle))
			continue;
		while (lo < hi && slot_live(class, pages, lo, &spare))
			lo++;
		if (lo >= hi)
			break;
		/* being read or freed: it stays where it is */
		if (!zs_trypin_move(handle))
			continue;
		/* the copy takes the header (handle and tag) along */
		zs_object_copy(class, location_to_obj(pages[((unsigned long)lo *
					class->size) >> PAGE_SHIFT], lo),
			       handle_to_obj(handle));
		record_obj(handle, location_to_obj(pages[((unsigned long)lo *
					class->size) >> PAGE_SHIFT], lo) |
			   BIT(HANDLE_PIN_BIT));
		unpin_tag(handle);
		head = slot_head(class, pages, hi, &vaddr);
		*head = -1UL << OBJ_TAG_BITS;
		kunmap_atomic(vaddr);
		lo++;
		moved++;
	}

	for (idx = zspage->frontier; idx-- > 0; ) {
		head = slot_head(class, pages, idx, &vaddr);
		if (!(*head & OBJ_ALLOCATED_TAG)) {
			*head = (unsigned long)freeobj << OBJ_TAG_BITS;
			freeobj = idx;
		}
		kunmap_atomic(vaddr);
	}
	set_freeobj(zspage, freeobj);
	/* objects moved within the zspage, past obj_malloc()'s counting */
	zspage_tail_live_recount(class, zspage, pages);
	atomic_long_add(moved, &pool->objs_moved);

	return zspage_trim(pool, class, zspage, 0);
}

/*
 * ZS_COMPACT_EMPTY_TAILS (no kernel): fill-destination's choice of
 * zspages, sources emptied from their tails, and every zspage it leaves
 * part-used trimmed to the pages its objects touch.  A class ends with
 * one partly used zspage at most (pinned objects aside).
 */
static unsigned long __zs_compact_empty_tails(struct zs_pool *pool,
					      struct size_class *class)
{
	struct zspage *src_zspage, *dst_zspage = NULL;
	unsigned long pages_freed = 0, moved;
	unsigned int nr_pages;
	int ret;

	zs_move_lock(pool, class);
	while (zs_can_compact(class)) {
		if (!dst_zspage) {
			dst_zspage = isolate_dst_zspage(pool, class);
			if (!dst_zspage)
				break;
		}
		src_zspage = isolate_src_zspage(pool, class);
		if (!src_zspage)
			break;

		moved = 0;
		ret = migrate_zspage_tail(pool, class, src_zspage, dst_zspage, &moved);
		atomic_long_add(moved, &pool->objs_moved);
		nr_pages = src_zspage->nr_pages;
		if (putback_zspage(pool, class, src_zspage) == ZS_EMPTY) {
			free_zspage(pool, class, src_zspage);
			pages_freed += nr_pages;
		} else {
			pages_freed += zspage_trim(pool, class, src_zspage, 0);
			/* all that is left is pinned: leave the class for later */
			if (!moved && ret != -ENOMEM)
				break;
		}
		if (ret == -EAGAIN)
			break;

		if (ret == -ENOMEM || zspage_full(class, dst_zspage)) {
			putback_zspage(pool, class, dst_zspage);
			dst_zspage = NULL;
			zs_move_unlock(pool, class);
			cond_resched();
			zs_move_lock(pool, class);
		}
	}

	if (dst_zspage) {
		putback_zspage(pool, class, dst_zspage);
		pages_freed += zspage_pack(pool, class, dst_zspage);
	}
	zs_move_unlock(pool, class);

	return pages_freed;
}

static unsigned long __zs_compact(struct zs_pool *pool,
				  struct size_class *class)
{
	if (pool->compaction == ZS_COMPACT_DRAIN_SOURCE)
		return __zs_compact_drain_source(pool, class);
	if (pool->compaction == ZS_COMPACT_EMPTY_TAILS)
		return __zs_compact_empty_tails(pool, class);
	return __zs_compact_fill_destination(pool, class);
}

unsigned long zs_compact(struct zs_pool *pool)
{
	int i;
	struct size_class *class;
	unsigned long pages_freed = 0, freed;

	if (zs_pool_bad(pool, false))
		return 0;
	/*
	 * One compactor per pool: a second one would only fight the first
	 * for the class locks that zs_malloc() and zs_free() need.
	 */
	if (atomic_xchg(&pool->compaction_in_progress, 1))
		return 0;

	zs_movers_begin(pool);
	for (i = ZS_SIZE_CLASSES - 1; i >= 0; i--) {
		class = pool->size_class[i];
		if (class->index != (unsigned int)i)
			continue;
		freed = __zs_compact(pool, class);
		trace_zs_compact_class(pool->name, class->index, class->size, freed);
		pages_freed += freed;
	}
	zs_movers_end(pool);
	atomic_long_add(pages_freed, &pool->pages_compacted);
	atomic_set(&pool->compaction_in_progress, 0);

	return pages_freed;
}
EXPORT_SYMBOL_GPL(zs_compact);


/* --- page migration ------------------------------------------------------- */

/*
 * Put @newpage in @oldpage's place in @zspage's chain.  Only the new page
 * and its predecessor's link are written: users find their zspage through
 * page->private of the other pages before they take the zspage lock, so
 * those pages are not touched (the kernel rebuilds the whole chain).
 */
static void replace_sub_page(struct size_class *class, struct zspage *zspage,
			     struct page *newpage, struct page *oldpage)
{
	struct page *page, *prev = NULL;
	unsigned int idx = 0;

	lockdep_assert_held(&class->lock);
	lockdep_assert_held_write(&zspage->lock);
	for (page = get_first_page(zspage); page != oldpage;
	     page = get_next_page(page)) {
		prev = page;
		idx++;
	}
	if (class->grow)
		zspage_set_chain_page(zspage, idx, newpage);

	set_page_zspage(newpage, zspage);
	/* the next page, or for a huge zspage the handle (same field) */
	newpage->index = oldpage->index;
	set_first_obj_offset(newpage, get_first_obj_offset(oldpage));
	if (PageHugeObject(oldpage))
		SetPageHugeObject(newpage);
	if (PagePrivate2(oldpage))
		SetPagePrivate2(newpage);
	if (prev) {
		prev->freelist = newpage;
	} else {
		SetPagePrivate(newpage);
		zspage->first_page = newpage;
	}
	__SetPageMovable(newpage, page_mapping(oldpage));
}

static void zs_pool_dec_isolated(struct zs_pool *pool)
{
	VM_BUG_ON(atomic_read(&pool->isolated_pages) <= 0);
	/* the page's isolation ends: zs_page_isolate() raised pool->movers */
	zs_movers_end(pool);
	/* under class->lock, so a waiting zs_destroy_pool() cannot free us yet */
	if (atomic_dec_and_test(&pool->isolated_pages) && READ_ONCE(pool->destroying))
		wake_up_all(&pool->migration_wait);
}

/*
 * The last isolated page of @zspage came back: return the zspage to its
 * class, and if it emptied while isolated, let the workqueue free it (the
 * caller holds a page lock, so it cannot be freed here).  Linux commit
 * 701d678599d0 added this to the migration path, where the zspage could
 * otherwise stay on the empty list indefinitely.
 */
static void putback_zspage_deferred(struct zs_pool *pool,
				    struct size_class *class,
				    struct zspage *zspage)
{
	if (putback_zspage(pool, class, zspage) == ZS_EMPTY)
		kick_deferred_free(pool);
}

/*
 * The VM wants to move @page (locked).  On the zspage's first isolated
 * page, take the zspage off its fullness list: no allocation may land in
 * it and compaction may not pick it while pages are away.
 */
static bool zs_page_isolate(struct page *page, isolate_mode_t mode)
{
	struct zs_pool *pool;
	struct size_class *class;
	int fullness;
	unsigned int class_idx;
	struct zspage *zspage;
	struct address_space *mapping;

	/* the page lock keeps the zspage alive: freeing takes every page lock */
	VM_BUG_ON_PAGE(!PageMovable(page), page);
	VM_BUG_ON_PAGE(PageIsolated(page), page);

	zspage = get_zspage(page);
	mapping = page_mapping(page);
	pool = mapping->private_data;
	class = pool->size_class[zspage_class(zspage)];

	spin_lock(&class->lock);
	if (READ_ONCE(pool->destroying) || get_zspage_inuse(zspage) == 0) {
		spin_unlock(&class->lock);
		return false;
	}

	/* off every list but not ours: compaction has it */
	if (list_empty(&zspage->list) && !is_zspage_isolated(zspage)) {
		spin_unlock(&class->lock);
		return false;
	}

	if (!list_empty(&zspage->list) && !is_zspage_isolated(zspage)) {
		get_zspage_mapping(zspage, &class_idx, &fullness);
		remove_zspage(class, zspage, fullness);
	}

	inc_zspage_isolation(zspage);
	atomic_inc(&pool->isolated_pages);
	spin_unlock(&class->lock);
	/* until zs_pool_dec_isolated(): zs_page_migrate() may move objects */
	zs_movers_begin(pool);

	return true;
}


/*
 * The handle of the live object that starts in the page before @page
 * and ends in @page, whose first object starts at @offset (> 0), or 0.
 * A window open on it (zs_window_open()) reads @page in place without
 * the zspage lock, so migrating @page must pass it by.
 */
static unsigned long zs_spanning_in(struct size_class *class,
				    struct zspage *zspage, struct page *page,
				    unsigned int offset)
{
	struct page *prev = get_first_page(zspage), *next;
	unsigned long handle;
	void *addr;
	bool live;

	lockdep_assert_held(&class->lock);
	while ((next = get_next_page(prev)) != page) {
		if (WARN_ON_ONCE(!next))
			return 0;
		prev = next;
	}
	addr = kmap_atomic(prev);
	live = obj_allocated(prev, (char *)addr + PAGE_SIZE + offset - class->size,
			     &handle);
	kunmap_atomic(addr);
	return live ? handle : 0;
}
/*
 * Move @page's contents to @newpage and rewrite the handle of every
 * object that starts in it.  Holding the zspage write lock shuts out
 * readers of objects that merely continue into this page; pinning each
 * object that starts here closes the window in which a user has pinned
 * and decoded a handle but not yet taken the read lock (the race the
 * commit that added migration, 48b4800a1c6a, describes).
 */
static int zs_page_migrate(struct address_space *mapping, struct page *newpage,
			   struct page *page, enum migrate_mode mode)
{
	struct zs_pool *pool;
	struct size_class *class;
	struct zspage *zspage;
	struct page *dummy;
	void *s_addr, *d_addr, *addr;
	unsigned int offset, pos;
	unsigned long handle, span_handle;
	unsigned long old_obj, new_obj;
	unsigned int obj_idx;
	int ret = -EAGAIN;

	VM_BUG_ON_PAGE(!PageMovable(page), page);
	VM_BUG_ON_PAGE(!PageIsolated(page), page);

	zspage = get_zspage(page);

	/*
	 * No other sub-page of this zspage moves while we work.  Only try:
	 * a spanning reader may sit in a zs_obj_read_begin() window for a
	 * while and may even begin a read of another object of this zspage
	 * meanwhile; a writer queued behind it would block that second
	 * read_lock().  Linux 4.8
	 * waited here; the newest kernels try, as we do, and retry later.
	 */
	if (!migrate_write_trylock(zspage))
		return -EAGAIN;
	pool = mapping->private_data;
	class = pool->size_class[zspage_class(zspage)];
	offset = get_first_obj_offset(page);

	zs_move_lock(pool, class);
	/*
	 * Emptied while isolated: no object to pin or relocate, so skip the
	 * scan and just move the page (Linux commit 77ff465799c6; 4.8 gave
	 * up with -EBUSY and counted a failed migration).  The zspage is
	 * freed once its last isolated page is back.
	 */
	if (!get_zspage_inuse(zspage))
		offset = PAGE_SIZE;

	pos = offset;
	s_addr = kmap_atomic(page);
	/* the object that reaches into this page from the one before */
	span_handle = offset && offset < PAGE_SIZE ?
		      zs_spanning_in(class, zspage, page, offset) : 0;
	if (span_handle && !zs_trypin_move(span_handle)) {
		span_handle = 0;
		goto unpin_objects;
	}
	while (pos < PAGE_SIZE) {
		if (obj_allocated(page, (char *)s_addr + pos, &handle)) {
			if (!zs_trypin_move(handle))
				goto unpin_objects;
		}
		pos += class->size;
	}

	/* every object starting here is pinned by us: copy and relocate */
	d_addr = kmap_atomic(newpage);
	memcpy(d_addr, s_addr, PAGE_SIZE);
	kunmap_atomic(d_addr);

	for (addr = (char *)s_addr + offset; addr < (void *)((char *)s_addr + pos);
	     addr = (char *)addr + class->size) {
		if (obj_allocated(page, addr, &handle)) {
			BUG_ON(!testpin_tag(handle));

			old_obj = handle_to_obj(handle);
			obj_to_location(old_obj, &dummy, &obj_idx);
			new_obj = location_to_obj(newpage, obj_idx);
			/* keep our pin in the new value */
			new_obj |= BIT(HANDLE_PIN_BIT);
			record_obj(handle, new_obj);
		}
	}

	replace_sub_page(class, zspage, newpage, page);
	trace_zs_page_migrate(pool->name, class->index, page_to_pfn(page),
			      page_to_pfn(newpage));
	/* our own reference: the migration core drops the one it took */
	get_page(newpage);

	dec_zspage_isolation(zspage);
	/* the zspage's last isolated page is back: the zspage rejoins its class */
	if (!is_zspage_isolated(zspage))
		putback_zspage_deferred(pool, class, zspage);
	zs_pool_dec_isolated(pool);

	reset_page(page);
	put_page(page);
	page = newpage;

	ret = MIGRATEPAGE_SUCCESS;
unpin_objects:
	for (addr = (char *)s_addr + offset; addr < (void *)((char *)s_addr + pos);
	     addr = (char *)addr + class->size) {
		if (obj_allocated(page, addr, &handle)) {
			BUG_ON(!testpin_tag(handle));
			unpin_tag(handle);
		}
	}
	if (span_handle)
		unpin_tag(span_handle);
	kunmap_atomic(s_addr);
	zs_move_unlock(pool, class);
	migrate_write_unlock(zspage);

	return ret;
}

/* Migration of @page failed: give it back to its zspage. */
static void zs_page_putback(struct page *page)
{
	struct zs_pool *pool;
	struct size_class *class;
	struct address_space *mapping;
	struct zspage *zspage;

	VM_BUG_ON_PAGE(!PageMovable(page), page);
	VM_BUG_ON_PAGE(!PageIsolated(page), page);

	zspage = get_zspage(page);
	mapping = page_mapping(page);
	pool = mapping->private_data;
	class = pool->size_class[zspage_class(zspage)];

	spin_lock(&class->lock);
	dec_zspage_isolation(zspage);
	if (!is_zspage_isolated(zspage))
		putback_zspage_deferred(pool, class, zspage);
	zs_pool_dec_isolated(pool);
	spin_unlock(&class->lock);
}

static const struct address_space_operations zsmalloc_aops = {
	.isolate_page = zs_page_isolate,
	.migratepage = zs_page_migrate,
	.putback_page = zs_page_putback,
};

static int zs_register_migration(struct zs_pool *pool)
{
	pool->inode = alloc_anon_inode(NULL);
	if (IS_ERR(pool->inode)) {
		pool->inode = NULL;
		return 1;
	}

	pool->inode->i_mapping->private_data = pool;
	pool->inode->i_mapping->a_ops = &zsmalloc_aops;
	pool->movable_mapping = (unsigned long)pool->inode->i_mapping |
				PAGE_MAPPING_MOVABLE;
	return 0;
}

/*
 * Wait until every isolated page of a pool being destroyed is back.
 *
 * zs_page_isolate() tests pool->destroying and counts the page under the
 * class lock.  Setting the flag and reading the count without that lock
 * leaves a window: an isolator that saw the flag clear may count its page
 * after we read zero, and the zspage it took off its list is then never
 * freed.  So once the flag is visible, take every class lock once: an
 * isolator that saw the flag clear has counted its page before it let
 * go of the lock, and one that comes later sees the flag and refuses.
 * Linux closed the same window with the count and the wait queue
 * (commit afe8605ca454); it needed no lock sweep because its pools are
 * empty when destroyed, and an empty zspage is never isolated.
 */
static void wait_for_isolated_drain(struct zs_pool *pool)
{
	struct size_class *class;
	unsigned int i;

	for (i = 0; i < ZS_SIZE_CLASSES; i++) {
		class = pool->size_class[i];
		if (!class || class->index != i)
			continue;
		spin_lock(&class->lock);
		spin_unlock(&class->lock);
	}
	wait_event(pool->migration_wait, atomic_read(&pool->isolated_pages) == 0);
}

/*
 * Stop new isolations, wait for the isolated pages to come back, then for
 * the zspage frees they queued (Linux commit afe8605ca454: destroying a
 * pool with pages still under migration freed them too early).
 */
static void zs_flush_migration(struct zs_pool *pool)
{
	WRITE_ONCE(pool->destroying, true);
	smp_mb();
	wait_for_isolated_drain(pool);
	flush_work(&pool->free_work);
}

static void zs_unregister_migration(struct zs_pool *pool)
{
	if (pool->inode)
		iput(pool->inode);
}

/* --- pool statistics and the shrinker ------------------------------------- */

void zs_pool_stats(struct zs_pool *pool, struct zs_pool_stats *stats)
{
	if (zs_pool_bad(pool, false)) {
		memset(stats, 0, sizeof(*stats));
		return;
	}
	stats->pages_compacted = atomic_long_read(&pool->pages_compacted);
}
EXPORT_SYMBOL_GPL(zs_pool_stats);

static unsigned long zs_shrinker_scan(struct shrinker *shrinker,
				      struct shrink_control *sc)
{
	unsigned long pages_freed;
	struct zs_pool *pool = container_of(shrinker, struct zs_pool,
					    shrinker);

	/* returns 0 at once if a user-started compaction is running */
	pages_freed = zs_compact(pool);

	return pages_freed ? pages_freed : SHRINK_STOP;
}

static unsigned long zs_shrinker_count(struct shrinker *shrinker,
				       struct shrink_control *sc)
{
	int i;
	struct size_class *class;
	unsigned long pages_to_free = 0;
	struct zs_pool *pool = container_of(shrinker, struct zs_pool,
					    shrinker);

	for (i = ZS_SIZE_CLASSES - 1; i >= 0; i--) {
		class = pool->size_class[i];
		if (class->index != (unsigned int)i)
			continue;

		spin_lock(&class->lock);
		pages_to_free += zs_can_compact(class);
		spin_unlock(&class->lock);
	}

	return pages_to_free;
}

static void zs_unregister_shrinker(struct zs_pool *pool)
{
	if (pool->shrinker_registered) {
		unregister_shrinker(&pool->shrinker);
		pool->shrinker_registered = false;
	}
}

static int zs_register_shrinker(struct zs_pool *pool)
{
	int err;

	pool->shrinker.scan_objects = zs_shrinker_scan;
	pool->shrinker.count_objects = zs_shrinker_count;
	pool->shrinker.batch = 0;
	pool->shrinker.seeks = DEFAULT_SEEKS;

	err = register_shrinker(&pool->shrinker, "mm-zspool:%s", pool->name);
	if (!err)
		pool->shrinker_registered = true;
	return err;
}

/* --- pool configuration, creation and destruction ------------------------- */

/*
 * zs_pool_config_init() and zs_pool_config_check() are in
 * lib/zs_config.c, shared with the adapter over the kernel's own file.
 */

/* Free every object and zspage left in a pool that is being destroyed. */
static void zs_free_remaining(struct zs_pool *pool, struct size_class *class)
{
	struct zspage *zspage;
	struct page *page;
	unsigned long handle;
	int fg, obj_idx;

	spin_lock(&class->lock);
	for (fg = 0; fg < pool->nr_groups; fg++) {
		while ((zspage = list_first_entry_or_null(&class->fullness_list[fg],
							  struct zspage, list))) {
			remove_zspage(class, zspage, fg);
			for (page = get_first_page(zspage); page;
			     page = get_next_page(page)) {
				obj_idx = 0;
				while ((handle = find_alloced_obj(class, page, &obj_idx))) {
					obj_free(class, handle_to_obj(handle));
					unpin_tag(handle);
					cache_free_handle(pool, handle);
					obj_idx++;
				}
			}
			VM_BUG_ON(get_zspage_inuse(zspage));
			set_zspage_fullness(zspage, ZS_EMPTY);
			spin_unlock(&class->lock);
			lock_zspage(zspage);
			spin_lock(&class->lock);
			__free_zspage(pool, class, zspage);
		}
	}
	spin_unlock(&class->lock);
}

static void zs_destroy_classes(struct zs_pool *pool)
{
	unsigned int i;

	for (i = 0; i < ZS_SIZE_CLASSES; i++) {
		struct size_class *class = pool->size_class[i];

		if (!class)
			continue;

		if (class->index != i)
			continue;

		zs_free_remaining(pool, class);
		kfree(class);
	}
}

/**
 * zs_create_pool_config - create a pool with explicit policies
 * @name: the pool's name, copied
 * @cfg: the policies, from zs_pool_config_init()
 * @err: if not NULL, receives -EINVAL or -ENOMEM on failure
 *
 * Returns the pool, or NULL with errno set (EINVAL: NULL @name, NULL or
 * rejected @cfg; ENOMEM).
 */
struct zs_pool *zs_create_pool_config(const char *name,
				      const struct zs_pool_config *cfg,
				      int *err)
{
	int i;
	struct zs_pool *pool;
	struct size_class *prev_class = NULL;
	int ret = -EINVAL;
	slab_flags_t zspage_flags;

	if (!name) {
		pr_err("zsmalloc: a pool needs a name (name is NULL)\n");
		goto fail_early;
	}
	if (zs_pool_config_check(cfg))
		goto fail_early;

	ret = -ENOMEM;
	pool = kzalloc(sizeof(*pool), GFP_KERNEL);
	if (!pool)
		goto fail_early;

	pool->magic = ZS_POOL_MAGIC;
	INIT_WORK(&pool->free_work, async_free_zspage);
	init_waitqueue_head(&pool->migration_wait);
	pool->chain_size = cfg->chain_size;
	pool->page_rule = cfg->page_rule;
	pool->fullness = cfg->fullness;
	pool->compaction = cfg->compaction;
	pool->list_order = cfg->list_order;
	pool->growth = zs_pool_config_growth(cfg);
	pool->nr_groups = cfg->fullness == ZS_FULLNESS_QUARTERS ?
			  NR_ZS_FULLNESS : NR_FULLNESS_GROUPS;

	pool->name = kstrdup(name, GFP_KERNEL);
	if (!pool->name)
		goto err;
	if (zs_pool_lock_init(pool))
		goto err;
	/* no asymmetric barrier on this host: every access pins */
	atomic_set(&pool->movers, hazptr_barrier_available() ? 0 : 1);
	spin_lock_init(&pool->movers_lock);

	pool->handle_cachep = kmem_cache_create("zs_handle", ZS_HANDLE_SIZE,
						0, 0, NULL);
	/*
	 * Cache-line aligned (the kernel's is not): every zs_malloc() and
	 * zs_free() writes its zspage's inuse and free list, and a spanning
	 * access its migrate lock; two zspages of different classes (other
	 * locks, other CPUs) in one line would make those writes collide.
	 */
	pool->zspage_size = sizeof(struct zspage);
	zspage_flags = SLAB_HWCACHE_ALIGN;
	if (pool->growth == ZS_GROW_BY_PAGE) {
		/*
		 * 96 bytes, not rounded up to two lines: chain_pfn[] would
		 * double the zspage slab of a dense pool, whose point is
		 * memory.
		 */
		pool->zspage_size = offsetof(struct zspage, chain_pfn) +
				    ZS_CHAIN_PFNS * sizeof(unsigned int);
		zspage_flags = 0;
	}
	pool->zspage_cachep = kmem_cache_create("zspage", pool->zspage_size,
						0, zspage_flags, NULL);
	if (!pool->handle_cachep || !pool->zspage_cachep)
		goto err;

	if (zs_register_migration(pool))
		goto err;

	/*
	 * From the largest size down: a class may only serve smaller sizes,
	 * so the candidate to merge into is always the one just built.
	 */
	for (i = ZS_SIZE_CLASSES - 1; i >= 0; i--) {
		int size;
		int pages_per_zspage;
		int objs_per_zspage;
		struct size_class *class;
		int fullness;

		size = ZS_MIN_ALLOC_SIZE + i * ZS_SIZE_CLASS_DELTA;
		if (size > (int)ZS_MAX_ALLOC_SIZE)
			size = ZS_MAX_ALLOC_SIZE;
		pages_per_zspage = zs_pages_per_zspage(pool, size);
		objs_per_zspage = pages_per_zspage * PAGE_SIZE / size;

		/*
		 * The first class met (from the top) that packs several
		 * objects into several pages is the largest non-huge one;
		 * callers' sizes exclude the handle that zs_malloc() adds,
		 * hence the HANDLE_SIZE - 1 taken off.
		 */
		if (pages_per_zspage != 1 && objs_per_zspage != 1 &&
		    !pool->huge_class_size) {
			pool->huge_class_size = size;
			pool->huge_class_size -= (ZS_HANDLE_SIZE - 1);
		}

		/*
		 * A size whose zspage would have the same pages and object
		 * count as the next larger class is served by that class:
		 * it costs nothing in waste and concentrates objects.
		 */
		if (prev_class) {
			if (can_merge(prev_class, pages_per_zspage, objs_per_zspage)) {
				pool->size_class[i] = prev_class;
				continue;
			}
		}

		class = kzalloc(sizeof(struct size_class), GFP_KERNEL);
		if (!class)
			goto err;

		class->size = size;
		class->index = i;
		class->pages_per_zspage = pages_per_zspage;
		class->objs_per_zspage = objs_per_zspage;
		/* a one-page zspage has nothing to grow */
		class->grow = pool->growth == ZS_GROW_BY_PAGE && pages_per_zspage > 1;
		spin_lock_init(&class->lock);
		pool->size_class[i] = class;
		for (fullness = 0; fullness < NR_FULLNESS_GROUPS; fullness++)
			INIT_LIST_HEAD(&class->fullness_list[fullness]);

		prev_class = class;
	}

	/*
	 * Without the shrinker the pool still works; only compaction under
	 * memory pressure is lost (zs_compact() can be called directly).
	 */
	if (zs_register_shrinker(pool))
		pr_warn("zsmalloc: %s: no shrinker, compact by hand\n", name);

	return pool;

err:
	zs_destroy_pool(pool);
fail_early:
	if (err)
		*err = ret;
	errno = -ret;
	return NULL;
}
EXPORT_SYMBOL_GPL(zs_create_pool_config);

/**
 * zs_create_pool - Creates an allocation pool with ZS_PRESET_NEWEST's
 * policies (those of Linux 6.18).
 * @name: pool name to be created; NULL is refused (errno EINVAL)
 */
struct zs_pool *zs_create_pool(const char *name)
{
	struct zs_pool_config cfg;

	zs_pool_config_init(&cfg, ZS_PRESET_NEWEST);
	return zs_create_pool_config(name, &cfg, NULL);
}
EXPORT_SYMBOL_GPL(zs_create_pool);

const char *zs_version(void)
{
	return ZSMALLOC_VERSION_STRING;
}
EXPORT_SYMBOL_GPL(zs_version);

unsigned int zs_version_number(void)
{
	return ZSMALLOC_VERSION_NUMBER;
}
EXPORT_SYMBOL_GPL(zs_version_number);

void zs_destroy_pool(struct zs_pool *pool)
{
	/* NULL is a no-op, as for kfree(); a destroyed pool is refused */
	if (!pool || zs_pool_bad(pool, false))
		return;
	pool->magic = 0;

	zs_unregister_shrinker(pool);
	/* isolated pages and deferred frees must finish before the classes go */
	zs_flush_migration(pool);

	zs_destroy_classes(pool);
	zs_unregister_migration(pool);

	if (pool->handle_cachep)
		kmem_cache_destroy(pool->handle_cachep);
	if (pool->zspage_cachep)
		kmem_cache_destroy(pool->zspage_cachep);
	kfree(pool->lock_slots_mem);
	kfree(pool->name);
	kfree(pool);
}
EXPORT_SYMBOL_GPL(zs_destroy_pool);

/* --- statistics ------------------------------------------------------------ */

/*
 * Pages the zspages of @class have: what is allocated, which for growing
 * zspages is not zspages times the chain.  Under class->lock.
 */
static unsigned long zs_class_pages(struct size_class *class)
{
	lockdep_assert_held(&class->lock);
	if (class->grow)
		return class->pages;
	return zs_stat_get(class, OBJ_ALLOCATED) / class->objs_per_zspage *
	       class->pages_per_zspage;
}

int zs_pool_snapshot(struct zs_pool *pool, struct zs_pool_snapshot *snap)
{
	unsigned int i;
	int fg;
	unsigned int first = 0;
	unsigned long zspages = 0;

	if (zs_pool_bad(pool, false) || !snap || snap->size != sizeof(*snap))
		return -EINVAL;

	memset((char *)snap + sizeof(snap->size), 0,
	       sizeof(*snap) - sizeof(snap->size));
	snap->version = ZS_STATS_VERSION;
	snap->config.size = sizeof(snap->config);
	strncpy(snap->name, pool->name, sizeof(snap->name) - 1);
	snap->config.chain_size = pool->chain_size;
	snap->config.page_rule = pool->page_rule;
	snap->config.fullness = pool->fullness;
	snap->config.compaction = pool->compaction;
	snap->config.list_order = pool->list_order;
	snap->config.growth = pool->growth;
	snap->nr_groups = pool->nr_groups;
	snap->huge_class_size = pool->huge_class_size;
	snap->pages_max = atomic_long_read(&pool->pages_max);
	snap->pages_compacted = atomic_long_read(&pool->pages_compacted);
	snap->objs_moved = atomic_long_read(&pool->objs_moved);

	for (i = 0; i < ZS_SIZE_CLASSES; i++) {
		struct size_class *class = pool->size_class[i];
		struct zs_class_stats *cs;

		if (class->index != i)
			continue;

		cs = &snap->classes[snap->nr_classes++];
		cs->index = class->index;
		cs->size = class->size;
		cs->pages_per_zspage = class->pages_per_zspage;
		cs->objs_per_zspage = class->objs_per_zspage;
		cs->first_index = first;
		cs->huge = class->pages_per_zspage == 1 &&
			   class->objs_per_zspage == 1;
		first = i + 1;

		spin_lock(&class->lock);
		for (fg = 0; fg < pool->nr_groups; fg++) {
			cs->zspages[fg] = zs_stat_get(class, fg);
			zspages += cs->zspages[fg];
		}
		cs->obj_allocated = zs_stat_get(class, OBJ_ALLOCATED);
		cs->obj_used = zs_stat_get(class, OBJ_USED);
		cs->freeable = zs_can_compact(class);
		cs->pages_used = zs_class_pages(class);
		spin_unlock(&class->lock);

		snap->obj_allocated += cs->obj_allocated;
		snap->obj_used += cs->obj_used;
	}
	/* read last, so a concurrent free cannot make pages < objects */
	snap->pages_allocated = zs_get_total_pages(pool);
	snap->handle_bytes = snap->obj_used * ZS_HANDLE_SIZE;
	snap->zspage_bytes = zspages * pool->zspage_size;
	return 0;
}
EXPORT_SYMBOL_GPL(zs_pool_snapshot);

static int zs_stats_size_show(struct seq_file *s, struct zs_pool *pool)
{
	unsigned int i;
	int fg;
	struct size_class *class;
	unsigned long obj_allocated, obj_used, pages_used, freeable;
	unsigned long total_objs = 0, total_used_objs = 0, total_pages = 0;
	unsigned long total_freeable = 0;
	unsigned long groups[NR_FULLNESS_GROUPS];
	unsigned long group_totals[NR_FULLNESS_GROUPS] = { 0 };

	if (pool->fullness == ZS_FULLNESS_QUARTERS) {
		seq_printf(s, " %5s %5s %11s %12s %13s %10s %10s %16s %8s\n",
			   "class", "size", "almost_full", "almost_empty",
			   "obj_allocated", "obj_used", "pages_used",
			   "pages_per_zspage", "freeable");
	} else {
		seq_printf(s, " %5s %5s %9s %9s %9s %9s %9s %9s %9s %9s %9s %9s %9s %13s %10s %10s %16s %8s\n",
			   "class", "size", "10%", "20%", "30%", "40%",
			   "50%", "60%", "70%", "80%", "90%", "99%", "100%",
			   "obj_allocated", "obj_used", "pages_used",
			   "pages_per_zspage", "freeable");
	}

	for (i = 0; i < ZS_SIZE_CLASSES; i++) {
		class = pool->size_class[i];

		if (class->index != i)
			continue;

		spin_lock(&class->lock);
		for (fg = 0; fg < pool->nr_groups; fg++)
			groups[fg] = zs_stat_get(class, fg);
		obj_allocated = zs_stat_get(class, OBJ_ALLOCATED);
		obj_used = zs_stat_get(class, OBJ_USED);
		freeable = zs_can_compact(class);
		pages_used = zs_class_pages(class);
		spin_unlock(&class->lock);

		if (pool->fullness == ZS_FULLNESS_QUARTERS) {
			seq_printf(s, " %5u %5u %11lu %12lu %13lu %10lu %10lu %16d %8lu\n",
				   i, class->size, groups[ZS_ALMOST_FULL],
				   groups[ZS_ALMOST_EMPTY], obj_allocated,
				   obj_used, pages_used,
				   class->pages_per_zspage, freeable);
		} else {
			seq_printf(s, " %5u %5u ", i, class->size);
			for (fg = ZS_INUSE_RATIO_10; fg < NR_FULLNESS_GROUPS; fg++)
				seq_printf(s, "%9lu ", groups[fg]);
			seq_printf(s, "%13lu %10lu %10lu %16d %8lu\n",
				   obj_allocated, obj_used, pages_used,
				   class->pages_per_zspage, freeable);
		}

		for (fg = 0; fg < pool->nr_groups; fg++)
			group_totals[fg] += groups[fg];
		total_objs += obj_allocated;
		total_used_objs += obj_used;
		total_pages += pages_used;
		total_freeable += freeable;
	}

	seq_puts(s, "\n");
	if (pool->fullness == ZS_FULLNESS_QUARTERS) {
		seq_printf(s, " %5s %5s %11lu %12lu %13lu %10lu %10lu %16s %8lu\n",
			   "Total", "", group_totals[ZS_ALMOST_FULL],
			   group_totals[ZS_ALMOST_EMPTY], total_objs,
			   total_used_objs, total_pages, "", total_freeable);
	} else {
		seq_printf(s, " %5s %5s ", "Total", "");
		for (fg = ZS_INUSE_RATIO_10; fg < NR_FULLNESS_GROUPS; fg++)
			seq_printf(s, "%9lu ", group_totals[fg]);
		seq_printf(s, "%13lu %10lu %10lu %16s %8lu\n",
			   total_objs, total_used_objs, total_pages, "",
			   total_freeable);
	}

	return s->error;
}

int zs_print_classes_cb(struct zs_pool *pool, zs_output_fn *fn, void *arg)
{
	struct seq_file s;
	int err;

	if (zs_pool_bad(pool, false) || !fn)
		return -EINVAL;
	seq_file_init_output(&s, fn, arg, pool);
	err = zs_stats_size_show(&s, pool);
	return err ? err : seq_file_finish(&s);
}
EXPORT_SYMBOL_GPL(zs_print_classes_cb);

static int zs_print_classes_stream(void *pool, seq_output_fn *fn, void *arg)
{
	return zs_print_classes_cb(pool, fn, arg);
}

int zs_print_classes(struct zs_pool *pool, FILE *out)
{
	return seq_print_to_stream(out, zs_print_classes_stream, pool);
}
EXPORT_SYMBOL_GPL(zs_print_classes);

int zs_print_mm_stat_cb(struct zs_pool *pool, const struct zs_zram_stat *zram,
			zs_output_fn *fn, void *arg)
{
	static const struct zs_zram_stat none;
	struct seq_file s;

	if (zs_pool_bad(pool, false) || !fn)
		return -EINVAL;
	if (!zram)
		zram = &none;
	seq_file_init_output(&s, fn, arg, pool);
	seq_printf(&s, "%8llu %8llu %8llu %8lu %8ld %8llu %8lu %8llu %8llu\n",
		   (unsigned long long)zram->orig_data_size,
		   (unsigned long long)zram->compr_data_size,
		   (unsigned long long)zs_get_total_pages(pool) << PAGE_SHIFT,
		   (unsigned long)zram->mem_limit,
		   atomic_long_read(&pool->pages_max) << PAGE_SHIFT,
		   (unsigned long long)zram->same_pages,
		   atomic_long_read(&pool->pages_compacted),
		   (unsigned long long)zram->huge_pages,
		   (unsigned long long)zram->huge_pages_since);
	return seq_file_finish(&s);
}
EXPORT_SYMBOL_GPL(zs_print_mm_stat_cb);

struct zs_mm_stat_args {
	struct zs_pool *pool;
	const struct zs_zram_stat *zram;
};

static int zs_print_mm_stat_stream(void *ctx, seq_output_fn *fn, void *arg)
{
	struct zs_mm_stat_args *a = ctx;

	return zs_print_mm_stat_cb(a->pool, a->zram, fn, arg);
}

int zs_print_mm_stat(struct zs_pool *pool, const struct zs_zram_stat *zram,
		     FILE *out)
{
	struct zs_mm_stat_args a = { .pool = pool, .zram = zram };

	return seq_print_to_stream(out, zs_print_mm_stat_stream, &a);
}
EXPORT_SYMBOL_GPL(zs_print_mm_stat);

/* --- module init and exit ------------------------------------------------- */

static int __init zs_init(void)
{
	int ret;

	BUILD_BUG_ON(ZS_MAX_ALLOC_SIZE != PAGE_SIZE);
	BUILD_BUG_ON(ZS_SIZE_CLASSES !=
		     DIV_ROUND_UP(ZS_MAX_ALLOC_SIZE - 32, ZS_SIZE_CLASS_DELTA) + 1);
	BUILD_BUG_ON(ZS_NR_FULLNESS_GROUPS != NR_FULLNESS_GROUPS);
	BUILD_BUG_ON(ZS_GFP_KERNEL != GFP_KERNEL);
	BUILD_BUG_ON(ZS_GFP_NOWAIT != GFP_NOWAIT);
	BUILD_BUG_ON(ZS_GFP_ATOMIC != GFP_ATOMIC);
	BUILD_BUG_ON(ZS_GFP_NOWARN != __GFP_NOWARN);
	BUILD_BUG_ON(NR_FULLNESS_GROUPS > (1 << FULLNESS_BITS));
	BUILD_BUG_ON(ZS_MAX_PAGES_PER_ZSPAGE >= (1 << ISOLATED_BITS));
	BUILD_BUG_ON(ZS_MAX_PAGES_PER_ZSPAGE >= (1 << NR_PAGES_BITS));
	BUILD_BUG_ON(ZS_MAX_PAGES_PER_ZSPAGE * PAGE_SIZE / 32 >= (1 << FRONTIER_BITS));

	ret = cpuhp_setup_state(CPUHP_MM_ZS_PREPARE, "mm/zsmalloc:prepare",
				zs_cpu_prepare, zs_cpu_dead);
	return ret < 0 ? ret : 0;
}

static void __exit zs_exit(void)
{
	cpuhp_remove_state(CPUHP_MM_ZS_PREPARE);
}

module_init(zs_init);
module_exit(zs_exit);

MODULE_LICENSE("Dual BSD/GPL");

/* --- zspage inspection ------------------------------------------------------ */

/*
 * Fill @info from @zspage: the chain, the fullness group, and which slots
 * hold an object, read from each slot's first word (a handle with
 * OBJ_ALLOCATED_TAG, or a free-list link) or, for a huge zspage, from
 * the page.  zspage->lock held for reading (no page of the chain can
 * migrate) and class->lock (no object can come or go).
 */
static void zspage_describe(struct zs_pool *pool, struct size_class *class,
			    struct zspage *zspage, struct zs_zspage_info *info)
{
	struct page *page = get_first_page(zspage);
	unsigned int i = 0, obj_idx;
	unsigned long off;

	info->class_index = class->index;
	info->obj_size = class->size;
	info->pages_per_zspage = zspage->nr_pages;
	info->objs_per_zspage = class->objs_per_zspage;
	info->inuse = get_zspage_inuse(zspage);
	info->fullness = get_fullness_group(pool, class, zspage);
	info->isolated = zspage->isolated;
	info->huge = PageHugeObject(page);
	info->listed = !list_empty(&zspage->list);

	for (; page && i < ZS_MAX_CHAIN_SIZE; page = get_next_page(page), i++) {
		info->pfn[i] = page_to_pfn(page);
		info->first_obj_offset[i] = get_first_obj_offset(page);
	}

	for (obj_idx = 0; obj_idx < (unsigned int)class->objs_per_zspage &&
	     obj_idx < ZS_ZSPAGE_MAX_OBJS; obj_idx++) {
		unsigned long head;
		void *addr;

		off = (unsigned long)obj_idx * class->size;
		/* a growing zspage's slots end with its pages */
		if (slots_pages(class, obj_idx + 1) > zspage->nr_pages)
			break;
		page = get_first_page(zspage);
		for (i = 0; i < off >> PAGE_SHIFT; i++)
			page = get_next_page(page);
		addr = kmap_atomic(page);
		head = obj_to_head(page, (char *)addr + (off & (PAGE_SIZE - 1)));
		kunmap_atomic(addr);
		if (head & OBJ_ALLOCATED_TAG)
			info->obj_used[obj_idx / 64] |= 1ULL << (obj_idx % 64);
	}
}

int zs_zspage_info(struct zs_pool *pool, uint64_t pfn, struct zs_zspage_info *info)
{
	struct size_class *class;
	struct zspage *zspage;
	struct page *page;
	int ret = -ENOENT;

	if (zs_pool_bad(pool, false) || !info || info->size != sizeof(*info))
		return -EINVAL;
	if (!pfn_valid(pfn))
		return -ENOENT;
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);

	page = pfn_to_page(pfn);
	/* As isolate_movable_page(): a reference, then the page lock. */
	if (!get_page_unless_zero(page))
		return -ENOENT;
	lock_page(page);
	/* Locked and ours: the zspage cannot be freed or this page moved. */
	if (!__PageMovable(page) || page_mapping(page) != pool->inode->i_mapping)
		goto out;

	zspage = get_zspage(page);
	migrate_read_lock(zspage);
	class = pool->size_class[zspage_class(zspage)];
	spin_lock(&class->lock);
	zspage_describe(pool, class, zspage, info);
	spin_unlock(&class->lock);
	migrate_read_unlock(zspage);
	ret = 0;
out:
	unlock_page(page);
	put_page(page);
	return ret;
}
EXPORT_SYMBOL_GPL(zs_zspage_info);

int zs_handle_pfn(struct zs_pool *pool, unsigned long handle, uint64_t *pfn)
{
	unsigned int size;
	struct zspage *zspage;
	struct page *page;
	unsigned long off;

	if (!pfn || zs_pool_bad_handle(pool, handle, false))
		return -EINVAL;
	if (!handle || IS_ERR_VALUE(handle))
		return -EINVAL;
	/* The pin keeps migration from moving the page meanwhile. */
	zspage = zs_obj_lock(pool, handle, &page, &off, &size, __func__, false);
	if (!zspage)
		return -EINVAL;
	*pfn = page_to_pfn(page);
	zs_obj_unlock(zspage, handle, false);
	return 0;
}
EXPORT_SYMBOL_GPL(zs_handle_pfn);
