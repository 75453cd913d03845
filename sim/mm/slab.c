// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * The slab allocator: object caches on simulated unmovable pages.
 *
 * The outline is SLUB's.  A slab is a block of 2^order buddy pages cut
 * into equal slots; its head page carries PG_slab, the owning cache, the
 * free list of its objects and its counters.  A cache keeps its slabs on
 * three lists (partial, full, empty) under one spinlock, and holds at
 * most SLAB_KEEP_EMPTY empty slabs: the others go back to the buddy
 * allocator at once, so freed memory really returns.
 *
 * In front of the lists sit the newest kernel's per-CPU sheaves (Linux
 * 6.18): each simulated CPU has a main and a spare sheaf, an array of
 * free objects, taken with a trylock that only the threads sharing that
 * simulated CPU contend for (one compare-and-swap in, a plain store out).
 * kmem_cache_alloc() pops from the main sheaf, kmem_cache_free() pushes
 * onto it; when it is empty (full) it is swapped with the spare, then
 * exchanged at the cache's barn for a full (empty) one, and only when the
 * barn has none (is full of full sheaves) do objects move between a sheaf
 * and the slabs, a whole sheaf at a time under the cache lock.  A busy
 * sheaf is bypassed for the slabs.  New slabs are allocated with no lock
 * held, so direct reclaim may re-enter the slab allocator.
 *
 * Why this and not SLUB's per-CPU slab with its lockless freelist: that
 * fast path is a this_cpu_cmpxchg_double() that needs no lock prefix
 * because nothing else runs on the CPU between its load and its store.
 * Threads share simulated CPUs here, so it would need a locked 16-byte
 * compare-and-swap, plus a transaction id, for what one compare-and-swap
 * on a word already gives an array of objects; and the array keeps the
 * debug checks (state tags, poison) off the shared slab page.  The barn
 * makes a burst of frees on one CPU and of allocations on another cost
 * one exchange per sheaf, where the slab lists cost an operation per
 * object.
 *
 * Object layout: the free pointer lives in the first word of a free
 * object, unless the cache has a constructor (which must find its work
 * intact on the next allocation) or CONFIG_DEBUG_VM is on; then it lives
 * in one extra word after the object.  In debug builds that word is also
 * the object's state tag (allocated / cached on a CPU / on a free list),
 * which catches double frees, and free objects of caches without a
 * constructor are poisoned with POISON_FREE and checked on reuse.
 *
 * For AddressSanitizer and Valgrind (linux/kasan.h) a new slab is
 * poisoned whole: free objects, the padding after each object and the
 * unused tail of the slab.  Only an outside free-pointer word stays
 * accessible (kmem_cache_obj_valid() reads it without a lock).  An object
 * is unpoisoned (a memcheck mempool chunk) from kmem_cache_alloc() to
 * kmem_cache_free(); a free pointer inside a free object is unpoisoned
 * only around the slab's own reads and writes of it.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kasan.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/page-flags.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/seq_file.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <sim/internal.h>

#define POISON_FREE		0x6b	/* as include/linux/poison.h */

/* PAGE_ALLOC_COSTLY_ORDER: slabs are not made larger unless they must. */
#define SLAB_MAX_ORDER		3
/* Empty slabs a cache keeps for the next allocation burst. */
#define SLAB_KEEP_EMPTY		1
/* Largest sheaf; small objects get the full size. */
#define SLAB_CPU_MAX_OBJS	120
/* Full sheaves a barn holds (MAX_FULL_SHEAVES, Linux 6.18). */
#define MAX_FULL_SHEAVES	10

/*
 * SIM: the head page's s_inuse is a packed counters word, as SLUB's
 * "counters": objects in use, objects in the slab and the slab's order,
 * since a slab allocated with the fallback order holds fewer objects.
 */
#define SLAB_INUSE_MASK		0xffffffUL
#define SLAB_OBJECTS_SHIFT	24
#define SLAB_ORDER_SHIFT	48

/*
 * SIM: a tail page of a multi-page slab finds its head through s_freelist
 * with bit 0 set (the kernel's compound_head, kept out of lru.next here
 * so that kmem_cache_obj_valid() reads only words written atomically).
 */
#define SLAB_TAIL_BIT		1UL

/*
 * Debug state tags, kept in the free-pointer word.  XOR with a constant
 * whose top bits are set gives a non-canonical address, so a tag is never
 * equal to a free-list pointer (an object address, or NULL).
 */
#define SLAB_TAG_ALLOC		0xa110c8ed00000000UL
#define SLAB_TAG_CACHED		0xcac4ed0000000000UL

/* An array of free objects, as the kernel's struct slab_sheaf. */
struct slab_sheaf {
	struct list_head barn_list;	/* on the barn's full or empty list */
	unsigned int size;		/* objects in objects[] */
	void *objects[];		/* cpu_limit slots */
};

/* A CPU's sheaves, as the kernel's struct slub_percpu_sheaves. */
struct kmem_cache_cpu {
	unsigned int locked;		/* cpu_cache_trylock(): 1 while in use */
	struct slab_sheaf *main;	/* allocations and frees use this one */
	struct slab_sheaf *spare;	/* swapped with main when it runs out */
	unsigned long allocs;		/* served from this CPU */
	unsigned long frees;		/* freed on this CPU */
} ____cacheline_aligned;

/*
 * The cache's store of sheaves, as the kernel's struct node_barn (one
 * node).  SIM: every sheaf is made with the cache, two per CPU and
 * MAX_FULL_SHEAVES in the barn, so nr_full + nr_empty is always
 * MAX_FULL_SHEAVES and no exchange needs an allocation.
 */
struct node_barn {
	spinlock_t lock;
	struct list_head sheaves_full;
	struct list_head sheaves_empty;
	unsigned int nr_full, nr_empty;
	unsigned long get, get_fail;	/* full sheaves asked for, not there */
	unsigned long put, put_fail;	/* full sheaves offered, no room */
} ____cacheline_aligned;

struct kmem_cache {
	spinlock_t lock;		/* the lists and counters below */
	struct list_head partial;	/* some objects free */
	struct list_head full;		/* no object free */
	struct list_head empty;		/* every object free */
	unsigned long nr_partial, nr_full, nr_empty;
	unsigned long total_objs;	/* object slots in all slabs */
	unsigned long slow_allocs;	/* objects handed out past the sheaves */
	unsigned long slow_frees;	/* objects freed past it (it was busy) */
	unsigned long bypassed;		/* allocs and frees that found it busy */
	atomic_long_t failed;		/* allocations that returned NULL */

	unsigned int object_size;	/* as asked */
	unsigned int size;		/* slot: object, free pointer, padding */
	unsigned int align;
	unsigned int offset;		/* of the free pointer in the slot */
	unsigned int order, objects;	/* preferred slab */
	unsigned int min_order;		/* fallback: one object */
	unsigned int cpu_limit;		/* sheaf capacity */
	unsigned int nr_cpus;
	slab_flags_t flags;
	gfp_t allocflags;		/* added to every slab page allocation */
	bool outside_freeptr;		/* free pointer after the object */
	bool poison;			/* debug: poison free objects */
	bool destroyed;			/* destroyed with objects left */
	void (*ctor)(void *);
	char *name;
	struct list_head list;		/* on slab_caches */
	struct kmem_cache_cpu *cpu_slab;	/* nr_cpus entries */
	struct node_barn *barn;
	void *sheaf_mem;		/* every sheaf, one block */
};

/* All caches, newest first as /proc/slabinfo lists them. */
static LIST_HEAD(slab_caches);
static pthread_mutex_t slab_mutex = PTHREAD_MUTEX_INITIALIZER;

/* kmalloc-8 .. kmalloc-8192 by ilog2 of the size; 1 and 2 are 96 and 192. */
static struct kmem_cache *kmalloc_caches[KMALLOC_SHIFT_HIGH + 1];
#define KMALLOC_SHIFT_LOW	3

/* Large kmalloc() blocks come straight from the buddy allocator. */
#define KMALLOC_LARGE_MAGIC	0x6b6d616c6c6f634cUL	/* in page->index */
static atomic_long_t kmalloc_large_live;

/*
 * Format a message into the BUG() line so a test can match it.  The
 * buffer is on the stack (sim_bug() does not return; a handler copies
 * what it keeps), not in TLS: the library's TLS block must stay small.
 */
#define slab_bug(fmt, ...) do {						\
	char __buf[256];						\
									\
	snprintf(__buf, sizeof(__buf), fmt, ##__VA_ARGS__);		\
	sim_bug(__FILE__, __LINE__, __func__, __buf);			\
} while (0)

/* --- slab pages ---------------------------------------------------------- */

static inline unsigned long slab_counters(const struct page *page)
{
	return READ_ONCE(page->s_inuse);
}

static inline unsigned int slab_inuse(const struct page *page)
{
	return slab_counters(page) & SLAB_INUSE_MASK;
}

static inline unsigned int slab_objects(const struct page *page)
{
	return (slab_counters(page) >> SLAB_OBJECTS_SHIFT) & SLAB_INUSE_MASK;
}

static inline unsigned int slab_order(const struct page *page)
{
	return slab_counters(page) >> SLAB_ORDER_SHIFT;
}

static inline void slab_set_inuse(struct page *page, unsigned int inuse)
{
	WRITE_ONCE(page->s_inuse,
		   (slab_counters(page) & ~SLAB_INUSE_MASK) | inuse);
}

/* The head page of the slab holding @page (a PG_slab page). */
static inline struct page *slab_head(struct page *page)
{
	unsigned long v = (unsigned long)READ_ONCE(page->s_freelist);

	if (v & SLAB_TAIL_BIT)
		return (struct page *)(v & ~SLAB_TAIL_BIT);
	return page;
}

static inline void *slab_base(const struct page *head)
{
	return page_address(head);
}

/*
 * The free-pointer word is read and written with relaxed atomics: it is
 * also the debug tag that kmem_cache_obj_valid() reads without a lock.
 */
static inline unsigned long *freeptr_word(const struct kmem_cache *s, void *obj)
{
	return (unsigned long *)((char *)obj + s->offset);
}

static inline void *get_freeptr(const struct kmem_cache *s, void *obj)
{
	unsigned long *word = freeptr_word(s, obj);
	void *next;

	if (s->outside_freeptr)
		return (void *)__atomic_load_n(word, __ATOMIC_RELAXED);
	/* Inside a free object: poisoned but for this access. */
	kasan_unpoison_defined(word, sizeof(*word));
	next = (void *)__atomic_load_n(word, __ATOMIC_RELAXED);
	kasan_poison(word, sizeof(*word));
	return next;
}

static inline void set_freeptr(const struct kmem_cache *s, void *obj, void *next)
{
	unsigned long *word = freeptr_word(s, obj);

	if (!s->outside_freeptr)
		kasan_unpoison_defined(word, sizeof(*word));
	__atomic_store_n(word, (unsigned long)next, __ATOMIC_RELAXED);
	if (!s->outside_freeptr)
		kasan_poison(word, sizeof(*word));
}

static inline void set_tag(const struct kmem_cache *s, void *obj,
			   unsigned long tag)
{
	if (IS_ENABLED(CONFIG_DEBUG_VM))
		__atomic_store_n(freeptr_word(s, obj),
				 (unsigned long)obj ^ tag, __ATOMIC_RELAXED);
}

static inline enum zone_stat_item slab_stat_item(const struct kmem_cache *s)
{
	return (s->flags & SLAB_RECLAIM_ACCOUNT) ? NR_SLAB_RECLAIMABLE :
						   NR_SLAB_UNRECLAIMABLE;
}

/*
 * Allocate and format a new slab, with no lock held: the buddy allocator
 * may reclaim, and the constructor may do anything.  Tries the preferred
 * order without retrying hard, then the smallest order that holds one
 * object, as SLUB's allocate_slab() does.
 */
static struct page *new_slab(struct kmem_cache *s, gfp_t gfp)
{
	gfp_t flags = (gfp & ~(__GFP_MOVABLE | __GFP_HIGHMEM | __GFP_ZERO |
			       __GFP_RECLAIMABLE)) | s->allocflags;
	unsigned int order = s->order, objects, i;
	struct page *page = NULL;
	char *base, *obj;
	void *next = NULL;

	if (order > s->min_order)
		page = alloc_pages((flags | __GFP_NOWARN | __GFP_NORETRY) &
				   ~__GFP_NOFAIL, order);
	if (!page) {
		order = s->min_order;
		page = alloc_pages(flags, order);
		if (!page)
			return NULL;
	}
	objects = (PAGE_SIZE << order) / s->size;

	for (i = 0; i < (1U << order); i++) {
		struct page *p = page + i;

		WRITE_ONCE(p->slab_cache, s);
		if (i) {
			WRITE_ONCE(p->s_freelist,
				   (void *)((unsigned long)page | SLAB_TAIL_BIT));
			WRITE_ONCE(p->s_inuse, 0);
		}
		__SetPageSlab(p);
	}

	/*
	 * Build the free list backwards so that it runs in address order.
	 * Everything is poisoned for the tools but the outside free-pointer
	 * words; a constructor and the debug poison run on an unpoisoned
	 * object.
	 */
	base = page_address(page);
	kasan_poison(base, PAGE_SIZE << order);
	for (i = objects; i-- > 0;) {
		obj = base + (size_t)i * s->size;
		if (s->ctor || s->poison) {
			kasan_unpoison(obj, s->object_size);
			if (s->ctor)
				s->ctor(obj);
			else
				memset(obj, POISON_FREE, s->object_size);
			kasan_poison(obj, s->object_size);
		}
		if (s->outside_freeptr)
			kasan_unpoison_defined(freeptr_word(s, obj), sizeof(void *));
		set_freeptr(s, obj, next);
		next = obj;
	}
	WRITE_ONCE(page->s_freelist, next);
	WRITE_ONCE(page->s_inuse,
		   ((unsigned long)order << SLAB_ORDER_SHIFT) |
		   ((unsigned long)objects << SLAB_OBJECTS_SHIFT));
	__mod_zone_page_state(page_zone(page), slab_stat_item(s), 1L << order);
	return page;
}

/* Give a slab's pages back to the buddy allocator; no lock held. */
static void free_slab(struct kmem_cache *s, struct page *page)
{
	unsigned int order = slab_order(page), i;

	__mod_zone_page_state(page_zone(page), slab_stat_item(s), -(1L << order));
	for (i = 0; i < (1U << order); i++) {
		struct page *p = page + i;

		__ClearPageSlab(p);
		WRITE_ONCE(p->slab_cache, NULL);
		WRITE_ONCE(p->s_freelist, NULL);
		WRITE_ONCE(p->s_inuse, 0);
		INIT_LIST_HEAD(&p->slab_list);
	}
	__free_pages(page, order);
}

static void free_slab_list(struct kmem_cache *s, struct list_head *list)
{
	struct page *page, *next;

	list_for_each_entry_safe(page, next, list, slab_list) {
		list_del(&page->slab_list);
		free_slab(s, page);
	}
}

/* Put a new slab on the cache's empty list; s->lock held. */
static void add_new_slab(struct kmem_cache *s, struct page *page)
{
	list_add(&page->slab_list, &s->empty);
	s->nr_empty++;
	s->total_objs += slab_objects(page);
}

/* Take one object off @page's free list; s->lock held. */
static void *slab_take(struct kmem_cache *s, struct page *page)
{
	void *obj = READ_ONCE(page->s_freelist);
	unsigned int inuse = slab_inuse(page), objects = slab_objects(page);

	WRITE_ONCE(page->s_freelist, get_freeptr(s, obj));
	slab_set_inuse(page, ++inuse);
	if (inuse == 1) {
		s->nr_empty--;
		if (inuse == objects) {
			list_move(&page->slab_list, &s->full);
			s->nr_full++;
		} else {
			list_move(&page->slab_list, &s->partial);
			s->nr_partial++;
		}
	} else if (inuse == objects) {
		list_move(&page->slab_list, &s->full);
		s->nr_partial--;
		s->nr_full++;
	}
	return obj;
}

/* The slab to allocate from next, partial ones first; s->lock held. */
static struct page *slab_pick(struct kmem_cache *s)
{
	struct page *page;

	page = list_first_entry_or_null(&s->partial, struct page, slab_list);
	if (!page)
		page = list_first_entry_or_null(&s->empty, struct page, slab_list);
	return page;
}

/*
 * Return @obj to its slab; s->lock held.  A slab that becomes empty while
 * the cache already keeps enough empty ones moves to @discard, for the
 * caller to free once the lock is dropped.
 */
static void slab_put(struct kmem_cache *s, void *obj, struct list_head *discard)
{
	struct page *page = slab_head(virt_to_page(obj));
	unsigned int inuse = slab_inuse(page), objects = slab_objects(page);

	set_freeptr(s, obj, READ_ONCE(page->s_freelist));
	WRITE_ONCE(page->s_freelist, obj);
	slab_set_inuse(page, --inuse);
	if (inuse + 1 == objects) {
		s->nr_full--;
		if (inuse) {
			list_move(&page->slab_list, &s->partial);
			s->nr_partial++;
		}
	} else if (!inuse) {
		s->nr_partial--;
	}
	if (inuse)
		return;
	if (s->nr_empty >= SLAB_KEEP_EMPTY) {
		list_move(&page->slab_list, discard);
		s->total_objs -= objects;
	} else {
		list_move(&page->slab_list, &s->empty);
		s->nr_empty++;
	}
}

/*
 * The sheaves' lock, as the newest kernel takes its per-CPU sheaves'
 * (local_trylock(), Linux 6.18): one compare-and-swap to take it, a plain
 * release store to drop it, no waiting.  An allocation or free that finds
 * it held (another thread on this simulated CPU is inside) goes to the
 * slabs directly under the cache lock, as the kernel's falls back to the
 * slab slow path; only the flushes and the statistics wait for it.
 */
static __always_inline bool cpu_cache_trylock(struct kmem_cache_cpu *c)
{
	unsigned int unlocked = 0;

	return __atomic_compare_exchange_n(&c->locked, &unlocked, 1, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static __always_inline void cpu_cache_unlock(struct kmem_cache_cpu *c)
{
	__atomic_store_n(&c->locked, 0, __ATOMIC_RELEASE);
}

static void cpu_cache_lock(struct kmem_cache_cpu *c)
{
	unsigned int spins = 0;

	while (!cpu_cache_trylock(c)) {
		/* the holder may be descheduled: do not burn the core */
		if (++spins & 63)
			cpu_relax();
		else
			sched_yield();
	}
}

/*
 * Give every object of @sheaf back to its slab (sheaf_flush_unused() in
 * Linux 6.18); the sheaf's owner (a locked CPU, or the barn's lock) holds
 * it.
 */
static void sheaf_flush(struct kmem_cache *s, struct slab_sheaf *sheaf,
			struct list_head *discard)
{
	unsigned int i;

	if (!sheaf->size)
		return;
	spin_lock(&s->lock);
	for (i = 0; i < sheaf->size; i++)
		slab_put(s, sheaf->objects[i], discard);
	spin_unlock(&s->lock);
	sheaf->size = 0;
}

/*
 * Fill @sheaf from the slabs, without making new ones (refill_sheaf());
 * returns the objects added.  The first object handed out (the top) is
 * the first taken, so a fresh slab goes out in address order.
 */
static unsigned int sheaf_refill(struct kmem_cache *s, struct slab_sheaf *sheaf)
{
	unsigned int i, n = sheaf->size;
	struct page *page;

	spin_lock(&s->lock);
	while (sheaf->size < s->cpu_limit && (page = slab_pick(s))) {
		void *obj = slab_take(s, page);

		set_tag(s, obj, SLAB_TAG_CACHED);
		sheaf->objects[sheaf->size++] = obj;
	}
	spin_unlock(&s->lock);
	for (i = 0; i < (sheaf->size - n) / 2; i++)
		swap(sheaf->objects[n + i], sheaf->objects[sheaf->size - 1 - i]);
	return sheaf->size - n;
}

/*
 * Trade the empty @empty for a full sheaf of the barn
 * (barn_replace_empty_sheaf()); NULL if the barn has none.
 */
static struct slab_sheaf *barn_replace_empty_sheaf(struct node_barn *barn,
						   struct slab_sheaf *empty)
{
	struct slab_sheaf *full = NULL;

	spin_lock(&barn->lock);
	if (barn->nr_full) {
		full = list_first_entry(&barn->sheaves_full, struct slab_sheaf,
					barn_list);
		list_del(&full->barn_list);
		list_add(&empty->barn_list, &barn->sheaves_empty);
		barn->nr_full--;
		barn->nr_empty++;
		barn->get++;
	} else {
		barn->get_fail++;
	}
	spin_unlock(&barn->lock);
	return full;
}

/*
 * Trade the full @full for an empty sheaf of the barn
 * (barn_replace_full_sheaf()); NULL if the barn already holds
 * MAX_FULL_SHEAVES full ones.
 */
static struct slab_sheaf *barn_replace_full_sheaf(struct node_barn *barn,
						  struct slab_sheaf *full)
{
	struct slab_sheaf *empty = NULL;

	spin_lock(&barn->lock);
	if (barn->nr_full < MAX_FULL_SHEAVES && barn->nr_empty) {
		empty = list_first_entry(&barn->sheaves_empty, struct slab_sheaf,
					 barn_list);
		list_del(&empty->barn_list);
		list_add(&full->barn_list, &barn->sheaves_full);
		barn->nr_empty--;
		barn->nr_full++;
		barn->put++;
	} else {
		barn->put_fail++;
	}
	spin_unlock(&barn->lock);
	return empty;
}

/* Give back the objects of every full sheaf of the barn (barn_shrink()). */
static void barn_shrink(struct kmem_cache *s, struct list_head *discard)
{
	struct node_barn *barn = s->barn;
	struct slab_sheaf *sheaf;

	spin_lock(&barn->lock);
	while ((sheaf = list_first_entry_or_null(&barn->sheaves_full,
						 struct slab_sheaf, barn_list))) {
		sheaf_flush(s, sheaf, discard);
		list_move(&sheaf->barn_list, &barn->sheaves_empty);
		barn->nr_full--;
		barn->nr_empty++;
	}
	spin_unlock(&barn->lock);
}

/* Empty every sheaf, then give every empty slab back. */
static void flush_all(struct kmem_cache *s)
{
	struct page *page, *next;
	LIST_HEAD(discard);
	unsigned int cpu;

	for (cpu = 0; cpu < s->nr_cpus; cpu++) {
		struct kmem_cache_cpu *c = &s->cpu_slab[cpu];

		cpu_cache_lock(c);
		sheaf_flush(s, c->main, &discard);
		sheaf_flush(s, c->spare, &discard);
		cpu_cache_unlock(c);
	}
	barn_shrink(s, &discard);
	spin_lock(&s->lock);
	list_for_each_entry_safe(page, next, &s->empty, slab_list) {
		list_move(&page->slab_list, &discard);
		s->total_objs -= slab_objects(page);
	}
	s->nr_empty = 0;
	spin_unlock(&s->lock);
	free_slab_list(s, &discard);
}

/* --- debug checks -------------------------------------------------------- */

/*
 * The slab and index of a pointer handed to kmem_cache_free(), or BUG():
 * it must be the start of an object slot of this very cache.
 */
static void check_object_start(struct kmem_cache *s, const void *obj,
			       const char *who)
{
	struct page *page, *head;
	unsigned long off;

	if (!virt_addr_valid(obj))
		slab_bug("%s(%s): %p is not a simulated kernel address",
			 who, s->name, obj);
	page = virt_to_page(obj);
	if (!PageSlab(page))
		slab_bug("%s(%s): %p is not in a slab page (pfn %lu)",
			 who, s->name, obj, page_to_pfn(page));
	head = slab_head(page);
	if (READ_ONCE(head->slab_cache) != s)
		slab_bug("%s(%s): %p belongs to cache %s",
			 who, s->name, obj,
			 READ_ONCE(head->slab_cache) ?
			 READ_ONCE(head->slab_cache)->name : "(none)");
	off = (unsigned long)((const char *)obj - (const char *)slab_base(head));
	if (off % s->size || off / s->size >= slab_objects(head))
		slab_bug("%s(%s): %p is not the start of an object (offset %lu in its slab)",
			 who, s->name, obj, off);
}

/* Debug: @obj is being freed; it must be allocated now. */
static void debug_free(struct kmem_cache *s, void *obj)
{
	unsigned long want = (unsigned long)obj ^ SLAB_TAG_ALLOC;
	unsigned long cached = (unsigned long)obj ^ SLAB_TAG_CACHED;

	check_object_start(s, obj, "kmem_cache_free");
	/* One atomic step: two racing frees of one object cannot both pass. */
	if (!__atomic_compare_exchange_n(freeptr_word(s, obj), &want, cached,
					 false, __ATOMIC_RELAXED,
					 __ATOMIC_RELAXED)) {
		struct page *head = slab_head(virt_to_page(obj));
		char *base = slab_base(head);
		char *end = base + ((size_t)PAGE_SIZE << slab_order(head));

		/*
		 * A free object's word holds the cached tag or a free-list
		 * pointer into its slab (or NULL); anything else means the
		 * word was overwritten, by an overflow of this object.
		 */
		if (want == cached || !want ||
		    ((char *)want >= base && (char *)want < end))
			slab_bug("kmem_cache_free(%s): double free of object %p",
				 s->name, obj);
		slab_bug("kmem_cache_free(%s): object %p: word after the object overwritten (0x%lx): buffer overflow?",
			 s->name, obj, want);
	}
	if (s->poison)
		memset(obj, POISON_FREE, s->object_size);
}

/* Debug: @obj leaves the allocator for a caller. */
static void debug_alloc(struct kmem_cache *s, void *obj)
{
	unsigned long tag = (unsigned long)get_freeptr(s, obj);

	if (tag != ((unsigned long)obj ^ SLAB_TAG_CACHED) &&
	    tag != ((unsigned long)obj ^ SLAB_TAG_ALLOC))
		slab_bug("kmem_cache_alloc(%s): free object %p: word after the object overwritten (0x%lx)",
			 s->name, obj, tag);
	if (tag == ((unsigned long)obj ^ SLAB_TAG_ALLOC))
		slab_bug("kmem_cache_alloc(%s): object %p handed out twice",
			 s->name, obj);
	if (s->poison) {
		const unsigned char *p = obj;
		unsigned int i;

		/* Still free for the tools: kmem_cache_alloc() unpoisons it. */
		kasan_unpoison_defined(obj, s->object_size);
		for (i = 0; i < s->object_size; i++)
			if (p[i] != POISON_FREE)
				slab_bug("kmem_cache_alloc(%s): object %p written after free (byte %u is 0x%02x, not 0x%02x)",
					 s->name, obj, i, p[i], POISON_FREE);
	}
	set_tag(s, obj, SLAB_TAG_ALLOC);
}

bool kmem_cache_obj_valid(struct kmem_cache *s, const void *obj)
{
	struct page *page, *head;
	unsigned long off;

	if (!s || ZERO_OR_NULL_PTR(obj) || !virt_addr_valid(obj))
		return false;
	page = virt_to_page(obj);
	if (!PageSlab(page))
		return false;
	head = slab_head(page);
	if (READ_ONCE(head->slab_cache) != s)
		return false;
	off = (unsigned long)((const char *)obj - (const char *)slab_base(head));
	if (off % s->size || off / s->size >= slab_objects(head))
		return false;
	if (IS_ENABLED(CONFIG_DEBUG_VM))
		return (unsigned long)get_freeptr(s, (void *)obj) ==
		       ((unsigned long)obj ^ SLAB_TAG_ALLOC);
	return true;
}

/* --- allocation and free -------------------------------------------------- */

static inline struct kmem_cache_cpu *this_cpu_slab(struct kmem_cache *s)
{
	unsigned int cpu = raw_smp_processor_id();

	/* SIM: a cache made before a machine with more CPUs booted */
	return &s->cpu_slab[cpu < s->nr_cpus ? cpu : cpu % s->nr_cpus];
}

/*
 * Nothing free anywhere: grow the cache, with no lock held (the buddy
 * allocator may reclaim).  Returns the new slab's first object, or NULL.
 */
static void *alloc_from_new_slab(struct kmem_cache *s, gfp_t gfp)
{
	struct page *page;
	void *obj;

	page = new_slab(s, gfp);
	if (!page)
		return NULL;
	spin_lock(&s->lock);
	add_new_slab(s, page);
	obj = slab_take(s, page);
	s->slow_allocs++;
	spin_unlock(&s->lock);
	set_tag(s, obj, SLAB_TAG_CACHED);
	return obj;
}

/*
 * The main sheaf is empty (__pcs_replace_empty_main()): use the spare if
 * it has objects, else trade the main for a full sheaf of the barn, else
 * fill it from the slabs, else allocate a new slab.  Called with the
 * CPU's sheaves locked; returns with them released, and the object
 * (already accounted), or NULL.
 */
static void *alloc_slowpath(struct kmem_cache *s, struct kmem_cache_cpu *c,
			    gfp_t gfp)
{
	struct slab_sheaf *full;
	void *obj;

	if (c->spare->size) {
		swap(c->main, c->spare);
	} else if ((full = barn_replace_empty_sheaf(s->barn, c->main))) {
		c->main = full;
	} else if (!sheaf_refill(s, c->main)) {
		cpu_cache_unlock(c);
		return alloc_from_new_slab(s, gfp);
	}
	obj = c->main->objects[--c->main->size];
	c->allocs++;
	cpu_cache_unlock(c);
	return obj;
}

/* The sheaves are busy: one object straight from the slabs. */
static void *alloc_bypass(struct kmem_cache *s, gfp_t gfp)
{
	struct page *page;
	void *obj = NULL;

	spin_lock(&s->lock);
	s->bypassed++;
	page = slab_pick(s);
	if (page) {
		obj = slab_take(s, page);
		s->slow_allocs++;
	}
	spin_unlock(&s->lock);
	if (!obj)
		return alloc_from_new_slab(s, gfp);
	set_tag(s, obj, SLAB_TAG_CACHED);
	return obj;
}

void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp)
{
	struct kmem_cache_cpu *c;
	void *obj;

	might_sleep_if(gfpflags_allow_blocking(gfp));
	if (!(gfp & __GFP_NOFAIL) && unlikely(sim_should_fail_slab(s->name, s->object_size, gfp)))
		goto failed;

	c = this_cpu_slab(s);
	if (unlikely(!cpu_cache_trylock(c))) {
		obj = alloc_bypass(s, gfp);
	} else if (likely(c->main->size)) {
		obj = c->main->objects[--c->main->size];
		c->allocs++;
		cpu_cache_unlock(c);
	} else {
		obj = alloc_slowpath(s, c, gfp);
	}
	if (unlikely(!obj))
		goto failed;

	if (IS_ENABLED(CONFIG_DEBUG_VM))
		debug_alloc(s, obj);
	kasan_mempool_alloc(s, obj, s->object_size);
	if (s->ctor)		/* what the constructor made is defined */
		kasan_mark_defined(obj, s->object_size);
	if (gfp & __GFP_ZERO)
		memset(obj, 0, s->object_size);
	return obj;

failed:
	atomic_long_inc(&s->failed);
	return NULL;
}

/*
 * The main sheaf is full (__pcs_replace_full_main()): swap in the spare
 * if it has room, else trade the main for an empty sheaf of the barn,
 * else (the barn holds its MAX_FULL_SHEAVES) give the spare's objects
 * back to the slabs and swap it in.  The CPU's sheaves locked.
 */
static void free_slowpath(struct kmem_cache *s, struct kmem_cache_cpu *c,
			  struct list_head *discard)
{
	struct slab_sheaf *empty;

	if (c->spare->size < s->cpu_limit) {
		swap(c->main, c->spare);
		return;
	}
	empty = barn_replace_full_sheaf(s->barn, c->main);
	if (empty) {
		c->main = empty;
		return;
	}
	sheaf_flush(s, c->spare, discard);
	swap(c->main, c->spare);
}

void kmem_cache_free(struct kmem_cache *s, void *obj)
{
	struct kmem_cache_cpu *c;
	LIST_HEAD(discard);

	if (unlikely(!obj))
		return;
	/* Before any lock: a BUG() here leaves nothing held. */
	if (IS_ENABLED(CONFIG_DEBUG_VM))
		debug_free(s, obj);
	kasan_mempool_free(s, obj, s->object_size);

	c = this_cpu_slab(s);
	if (unlikely(!cpu_cache_trylock(c))) {
		/* busy: straight back to its slab */
		spin_lock(&s->lock);
		slab_put(s, obj, &discard);
		s->slow_frees++;
		s->bypassed++;
		spin_unlock(&s->lock);
	} else {
		if (unlikely(c->main->size == s->cpu_limit))
			free_slowpath(s, c, &discard);
		c->main->objects[c->main->size++] = obj;
		c->frees++;
		cpu_cache_unlock(c);
	}

	if (unlikely(!list_empty(&discard)))
		free_slab_list(s, &discard);
}

/* --- cache creation and destruction --------------------------------------- */

/* Smallest order of at least @min_objects objects wasting <= 1/@fract. */
static unsigned int calc_slab_order(unsigned int size, unsigned int min_objects,
				    unsigned int max_order, unsigned int fract)
{
	unsigned int order;
	int start = fls(min_objects * size - 1) - PAGE_SHIFT;

	for (order = start > 0 ? start : 0; order <= max_order; order++) {
		unsigned long slab_size = PAGE_SIZE << order;

		if (slab_size < (unsigned long)min_objects * size)
			continue;
		if (slab_size % size <= slab_size / fract)
			break;
	}
	return order;
}

/*
 * SLUB's calculate_order(): at least 4 * (fls(nr_cpus) + 1) objects per
 * slab if an order up to SLAB_MAX_ORDER wastes at most 1/16 (then 1/8,
 * 1/4) of it; fewer objects if not; one object of a larger order last.
 */
static int calculate_order(unsigned int size, unsigned int nr_cpus)
{
	unsigned int min_objects = 4 * (fls(nr_cpus) + 1);
	unsigned int max_objects = (PAGE_SIZE << SLAB_MAX_ORDER) / size;
	unsigned int fract, order;

	min_objects = min(min_objects, max_objects);
	while (min_objects > 1) {
		for (fract = 16; fract >= 4; fract /= 2) {
			order = calc_slab_order(size, min_objects,
						SLAB_MAX_ORDER, fract);
			if (order <= SLAB_MAX_ORDER)
				return order;
		}
		min_objects--;
	}
	order = calc_slab_order(size, 1, SLAB_MAX_ORDER, 1);
	if (order <= SLAB_MAX_ORDER)
		return order;
	order = calc_slab_order(size, 1, MAX_ORDER - 1, 1);
	if (order < MAX_ORDER)
		return order;
	return -E2BIG;
}

static unsigned int calculate_alignment(slab_flags_t flags, unsigned int align,
					unsigned int size)
{
	if (flags & SLAB_HWCACHE_ALIGN) {
		unsigned int ralign = 64;	/* cache_line_size() */

		while (size <= ralign / 2)
			ralign /= 2;
		align = max(align, ralign);
	}
	align = max_t(unsigned int, align, ARCH_SLAB_MINALIGN);
	return ALIGN(align, sizeof(void *));
}

/* Sheaf capacity: bigger for small objects, as SLAB's enable_cpucache(). */
static void size_cpu_cache(struct kmem_cache *s)
{
	if (s->size > PAGE_SIZE)
		s->cpu_limit = 8;
	else if (s->size > 1024)
		s->cpu_limit = 24;
	else if (s->size > 256)
		s->cpu_limit = 54;
	else
		s->cpu_limit = SLAB_CPU_MAX_OBJS;
}

/*
 * Every sheaf of the cache, in one block: a main and a spare per CPU,
 * and MAX_FULL_SHEAVES empty ones in the barn.
 */
static int init_sheaves(struct kmem_cache *s)
{
	size_t bytes = ALIGN(sizeof(struct slab_sheaf) +
			     s->cpu_limit * sizeof(void *), 64);
	unsigned int i, n = 2 * s->nr_cpus + MAX_FULL_SHEAVES;
	struct node_barn *barn;
	void *mem;

	if (posix_memalign(&mem, 64, sizeof(*barn)))
		return -ENOMEM;
	barn = mem;
	memset(barn, 0, sizeof(*barn));
	spin_lock_init(&barn->lock);
	INIT_LIST_HEAD(&barn->sheaves_full);
	INIT_LIST_HEAD(&barn->sheaves_empty);
	s->barn = barn;
	if (posix_memalign(&mem, 64, bytes * n))
		return -ENOMEM;
	memset(mem, 0, bytes * n);
	s->sheaf_mem = mem;
	for (i = 0; i < n; i++) {
		struct slab_sheaf *sheaf = (void *)((char *)mem + i * bytes);

		if (i < 2 * s->nr_cpus) {
			struct kmem_cache_cpu *c = &s->cpu_slab[i / 2];

			if (i % 2)
				c->spare = sheaf;
			else
				c->main = sheaf;
		} else {
			list_add_tail(&sheaf->barn_list, &barn->sheaves_empty);
			barn->nr_empty++;
		}
	}
	return 0;
}

static struct kmem_cache *create_cache(const char *name, unsigned int size,
				       unsigned int align, slab_flags_t flags,
				       void (*ctor)(void *))
{
	struct kmem_cache *s;
	int order;
	void *mem;

	if (!name || !size || size > KMALLOC_MAX_SIZE ||
	    (align && !is_power_of_2(align)) || align > PAGE_SIZE)
		return NULL;

	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->name = strdup(name);
	if (!s->name)
		goto fail;
	s->object_size = size;
	s->flags = flags;
	s->ctor = ctor;
	s->align = calculate_alignment(flags, align, size);
	s->outside_freeptr = ctor || IS_ENABLED(CONFIG_DEBUG_VM);
	s->poison = IS_ENABLED(CONFIG_DEBUG_VM) && !ctor;
	s->size = ALIGN(size, (unsigned int)sizeof(void *));
	if (s->outside_freeptr) {
		s->offset = s->size;
		s->size += sizeof(void *);
	}
	s->size = ALIGN(s->size, s->align);

	s->nr_cpus = sim_config.nr_cpus ? sim_config.nr_cpus : 1;
	order = calculate_order(s->size, s->nr_cpus);
	if (order < 0)
		goto fail;
	s->order = order;
	s->objects = (PAGE_SIZE << order) / s->size;
	s->min_order = calc_slab_order(s->size, 1, MAX_ORDER - 1, 1);
	if (s->min_order > s->order)
		s->min_order = s->order;
	s->allocflags = (flags & SLAB_RECLAIM_ACCOUNT) ? __GFP_RECLAIMABLE : 0;
	size_cpu_cache(s);

	spin_lock_init(&s->lock);
	INIT_LIST_HEAD(&s->partial);
	INIT_LIST_HEAD(&s->full);
	INIT_LIST_HEAD(&s->empty);
	atomic_long_set(&s->failed, 0);

	if (posix_memalign(&mem, 64, sizeof(*s->cpu_slab) * s->nr_cpus))
		goto fail;
	s->cpu_slab = mem;
	memset(s->cpu_slab, 0, sizeof(*s->cpu_slab) * s->nr_cpus);
	if (init_sheaves(s))
		goto fail;

	kasan_mempool_create(s);
	pthread_mutex_lock(&slab_mutex);
	list_add(&s->list, &slab_caches);
	pthread_mutex_unlock(&slab_mutex);
	return s;

fail:
	free(s->sheaf_mem);
	free(s->barn);
	free(s->cpu_slab);
	free(s->name);
	free(s);
	return NULL;
}

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, slab_flags_t flags,
				     void (*ctor)(void *))
{
	struct kmem_cache *s;

	sim_machine_get();
	s = create_cache(name, size, align, flags, ctor);
	if (!s) {
		pr_err("kmem_cache_create(%s) failed: size %u align %u\n",
		       name ? name : "(null)", size, align);
		if (flags & SLAB_PANIC)
			slab_bug("kmem_cache_create(%s): cannot create cache (SLAB_PANIC)",
				 name ? name : "(null)");
	}
	return s;
}

/* Objects still allocated, sheaves flushed; s->lock held. */
static unsigned long count_live(struct kmem_cache *s)
{
	struct page *page;
	unsigned long live = 0;

	list_for_each_entry(page, &s->partial, slab_list)
		live += slab_inuse(page);
	list_for_each_entry(page, &s->full, slab_list)
		live += slab_inuse(page);
	return live;
}

/* Free the cache and every slab it has, objects or not. */
static void release_cache(struct kmem_cache *s)
{
	free_slab_list(s, &s->partial);
	free_slab_list(s, &s->full);
	free_slab_list(s, &s->empty);
	kasan_mempool_destroy(s);
	free(s->sheaf_mem);
	free(s->barn);
	free(s->cpu_slab);
	free(s->name);
	free(s);
}

void kmem_cache_destroy(struct kmem_cache *s)
{
	unsigned long live;

	if (!s)
		return;
	pthread_mutex_lock(&slab_mutex);
	flush_all(s);
	spin_lock(&s->lock);
	live = count_live(s);
	spin_unlock(&s->lock);
	if (live) {
		/*
		 * As the kernel: complain and keep the cache, so that its
		 * objects stay valid.  sim_slab_exit() counts them as leaked.
		 */
		pr_err("kmem_cache_destroy %s: Slab cache still has objects (%lu)\n",
		       s->name, live);
		s->destroyed = true;
		pthread_mutex_unlock(&slab_mutex);
		return;
	}
	list_del(&s->list);
	pthread_mutex_unlock(&slab_mutex);
	release_cache(s);
}

int kmem_cache_shrink(struct kmem_cache *s)
{
	flush_all(s);
	return 0;
}

const char *kmem_cache_name(const struct kmem_cache *s)
{
	return s->name;
}

unsigned int kmem_cache_size(const struct kmem_cache *s)
{
	return s->object_size;
}

void sim_slab_cache_stats(struct kmem_cache *s, struct sim_slab_stats *st)
{
	unsigned long allocs = 0, frees = 0, cached = 0;
	unsigned int cpu;

	for (cpu = 0; cpu < s->nr_cpus; cpu++) {
		struct kmem_cache_cpu *c = &s->cpu_slab[cpu];

		cpu_cache_lock(c);
		allocs += c->allocs;
		frees += c->frees;
		cached += c->main->size + c->spare->size;
		cpu_cache_unlock(c);
	}
	memset(st, 0, sizeof(*st));
	spin_lock(&s->barn->lock);
	st->barn_full = s->barn->nr_full;
	st->barn_get = s->barn->get;
	st->barn_get_fail = s->barn->get_fail;
	st->barn_put = s->barn->put;
	st->barn_put_fail = s->barn->put_fail;
	cached += (unsigned long)s->barn->nr_full * s->cpu_limit;
	spin_unlock(&s->barn->lock);
	st->cached_objs = cached;
	st->sheaf_capacity = s->cpu_limit;
	spin_lock(&s->lock);
	allocs += s->slow_allocs;
	frees += s->slow_frees;
	st->bypassed = s->bypassed;
	st->num_objs = s->total_objs;
	st->active_slabs = s->nr_partial + s->nr_full;
	st->num_slabs = st->active_slabs + s->nr_empty;
	spin_unlock(&s->lock);
	st->allocs = allocs;
	st->frees = frees;
	/* Counters of different CPUs were read at slightly different times. */
	st->active_objs = allocs > frees ? allocs - frees : 0;
	st->failed = atomic_long_read(&s->failed);
	st->objsize = s->object_size;
	st->size = s->size;
	st->objperslab = s->objects;
	st->pagesperslab = 1U << s->order;
}

/* --- kmalloc -------------------------------------------------------------- */

static inline unsigned int kmalloc_index(size_t size)
{
	if (size <= (1U << KMALLOC_SHIFT_LOW))
		return KMALLOC_SHIFT_LOW;
	if (size > 64 && size <= 96)
		return 1;
	if (size > 128 && size <= 192)
		return 2;
	return fls((unsigned int)size - 1);
}

static void *kmalloc_large(size_t size, gfp_t flags)
{
	unsigned int order = ilog2(roundup_pow_of_two(DIV_ROUND_UP(size, PAGE_SIZE)));
	struct page *page;
	void *p;

	if (size > KMALLOC_MAX_SIZE)
		return NULL;
	page = alloc_pages(flags & ~(__GFP_MOVABLE | __GFP_HIGHMEM |
				     __GFP_ZERO | __GFP_RECLAIMABLE), order);
	if (!page)
		return NULL;
	/* SIM: the order lives in page->private (kernel: the compound order). */
	WRITE_ONCE(page->index, KMALLOC_LARGE_MAGIC);
	set_page_private(page, order);
	atomic_long_inc(&kmalloc_large_live);
	p = page_address(page);
	if (flags & __GFP_ZERO)
		memset(p, 0, PAGE_SIZE << order);
	return p;
}

void *kmalloc(size_t size, gfp_t flags)
{
	if (unlikely(!size))
		return ZERO_SIZE_PTR;
	sim_machine_get();
	if (unlikely(size > KMALLOC_MAX_CACHE_SIZE))
		return kmalloc_large(size, flags);
	return kmem_cache_alloc(kmalloc_caches[kmalloc_index(size)], flags);
}

/* The page of a large kmalloc() block, or BUG(). */
static struct page *large_kmalloc_page(const void *p, const char *who)
{
	struct page *page = virt_to_page(p);

	if (READ_ONCE(page->index) != KMALLOC_LARGE_MAGIC ||
	    p != page_address(page))
		slab_bug("%s(%p): not a pointer from kmalloc() (pfn %lu)",
			 who, p, page_to_pfn(page));
	return page;
}

void kfree(const void *p)
{
	struct page *page;
	unsigned int order;

	if (unlikely(ZERO_OR_NULL_PTR(p)))
		return;
	if (unlikely(!virt_addr_valid(p)))
		slab_bug("kfree(%p): not a simulated kernel address", p);
	page = virt_to_page(p);
	if (likely(PageSlab(page))) {
		kmem_cache_free(READ_ONCE(slab_head(page)->slab_cache), (void *)p);
		return;
	}
	page = large_kmalloc_page(p, "kfree");
	order = page_private(page);
	WRITE_ONCE(page->index, 0);
	set_page_private(page, 0);
	atomic_long_dec(&kmalloc_large_live);
	__free_pages(page, order);
}

size_t ksize(const void *p)
{
	struct page *page;

	if (unlikely(ZERO_OR_NULL_PTR(p)))
		return 0;
	if (unlikely(!virt_addr_valid(p)))
		slab_bug("ksize(%p): not a simulated kernel address", p);
	page = virt_to_page(p);
	if (PageSlab(page))
		return READ_ONCE(slab_head(page)->slab_cache)->object_size;
	return PAGE_SIZE << page_private(large_kmalloc_page(p, "ksize"));
}

void *krealloc(const void *p, size_t new_size, gfp_t flags)
{
	size_t old_size;
	void *n;

	if (unlikely(!new_size)) {
		kfree(p);
		return ZERO_SIZE_PTR;
	}
	old_size = ZERO_OR_NULL_PTR(p) ? 0 : ksize(p);
	if (old_size >= new_size) {
		/* Growing in place: the tail past the old request is unknown. */
		return (void *)p;
	}
	n = kmalloc(new_size, flags);
	if (!n)
		return NULL;
	if (old_size)
		memcpy(n, p, old_size);
	kfree(p);
	return n;
}

char *kstrdup(const char *s, gfp_t gfp)
{
	return s ? kmemdup(s, strlen(s) + 1, gfp) : NULL;
}

char *kstrndup(const char *s, size_t max, gfp_t gfp)
{
	size_t len;
	char *buf;

	if (!s)
		return NULL;
	len = strnlen(s, max);
	buf = kmalloc(len + 1, gfp);
	if (buf) {
		memcpy(buf, s, len);
		buf[len] = '\0';
	}
	return buf;
}

void *kmemdup(const void *src, size_t len, gfp_t gfp)
{
	void *p = kmalloc(len, gfp);

	if (p && !ZERO_OR_NULL_PTR(p))
		memcpy(p, src, len);
	return p;
}

char *kvasprintf(gfp_t gfp, const char *fmt, va_list ap)
{
	va_list aq;
	char *p;
	int len;

	va_copy(aq, ap);
	len = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (len < 0)
		return NULL;
	p = kmalloc((size_t)len + 1, gfp);
	if (p)
		vsnprintf(p, (size_t)len + 1, fmt, ap);
	return p;
}

char *kasprintf(gfp_t gfp, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = kvasprintf(gfp, fmt, ap);
	va_end(ap);
	return p;
}

/* --- boot, shutdown, slabinfo --------------------------------------------- */

int sim_slab_init(void)
{
	static const unsigned int extra[] = { 96, 192 };
	char name[32];
	unsigned int i;

	memset(kmalloc_caches, 0, sizeof(kmalloc_caches));
	atomic_long_set(&kmalloc_large_live, 0);
	/* As create_kmalloc_caches(): 96 and 192 first, then the powers of 2. */
	for (i = 0; i < ARRAY_SIZE(extra); i++) {
		snprintf(name, sizeof(name), "kmalloc-%u", extra[i]);
		kmalloc_caches[i + 1] = create_cache(name, extra[i], 0, 0, NULL);
		if (!kmalloc_caches[i + 1])
			goto fail;
	}
	for (i = KMALLOC_SHIFT_LOW; i <= KMALLOC_SHIFT_HIGH; i++) {
		snprintf(name, sizeof(name), "kmalloc-%u", 1U << i);
		kmalloc_caches[i] = create_cache(name, 1U << i, 0, 0, NULL);
		if (!kmalloc_caches[i])
			goto fail;
	}
	return 0;
fail:
	sim_set_error("slab: cannot create the kmalloc caches");
	sim_slab_exit();
	return -ENOMEM;
}

long sim_slab_exit(void)
{
	struct kmem_cache *s, *next;
	unsigned long live, total = 0;
	long large;

	pthread_mutex_lock(&slab_mutex);
	list_for_each_entry_safe(s, next, &slab_caches, list) {
		flush_all(s);
		spin_lock(&s->lock);
		live = count_live(s);
		spin_unlock(&s->lock);
		if (live)
			pr_err("slab: cache %s: %lu object%s still allocated at exit%s\n",
			       s->name, live, live == 1 ? "" : "s",
			       s->destroyed ? " (kmem_cache_destroy()ed)" : "");
		total += live;
		list_del(&s->list);
		release_cache(s);
	}
	memset(kmalloc_caches, 0, sizeof(kmalloc_caches));
	pthread_mutex_unlock(&slab_mutex);

	/* Their pages are the buddy allocator's to report. */
	large = atomic_long_read(&kmalloc_large_live);
	if (large)
		pr_err("slab: %ld large kmalloc() block%s still allocated at exit\n",
		       large, large == 1 ? "" : "s");
	return total;
}

int zsim_print_slabinfo_cb(zsim_output_fn *fn, void *arg)
{
	struct sim_slab_stats st;
	struct kmem_cache *s;
	struct seq_file m;

	if (!fn)
		return -EINVAL;
	if (!zsim_running())
		return -ENODEV;
	seq_file_init_output(&m, fn, arg, NULL);
	seq_printf(&m, "slabinfo - version: 2.1\n");
	seq_printf(&m, "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n");
	pthread_mutex_lock(&slab_mutex);
	list_for_each_entry(s, &slab_caches, list) {
		sim_slab_cache_stats(s, &st);
		seq_printf(&m, "%-17s %6lu %6lu %6u %4u %4u : tunables %4u %4u %4u : slabdata %6lu %6lu %6u\n",
			   s->name, st.active_objs, st.num_objs, st.size,
			   st.objperslab, st.pagesperslab, s->cpu_limit,
			   s->cpu_limit, MAX_FULL_SHEAVES, st.active_slabs, st.num_slabs, 0U);
	}
	pthread_mutex_unlock(&slab_mutex);
	return seq_file_finish(&m);
}

static int slabinfo_print_cb(void *ctx, seq_output_fn *fn, void *arg)
{
	return zsim_print_slabinfo_cb(fn, arg);
}

int zsim_print_slabinfo(FILE *out)
{
	return seq_print_to_stream(out, slabinfo_print_cb, NULL);
}
