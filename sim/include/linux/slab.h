/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
/*
 * The slab allocator (sim/mm/slab.c): object caches built on simulated
 * unmovable pages, and kmalloc() on top of power-of-two caches.
 *
 * SIM: one allocator with SLUB's outline (slab order chosen for low
 * waste, partial slabs per cache, a per-CPU object cache in front) but
 * neither SLUB's lockless cmpxchg fast path nor its debug options; cache
 * merging, memcg accounting and NUMA are absent.  See sim/README.md.
 */
#ifndef _LINUX_SLAB_H
#define _LINUX_SLAB_H

#include <stdarg.h>
#include <linux/types.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <asm/page.h>

typedef unsigned int slab_flags_t;

/* Align objects on cache lines (halved while the object fits twice). */
#define SLAB_HWCACHE_ALIGN	((slab_flags_t)0x00002000U)
/* BUG() if the cache cannot be created. */
#define SLAB_PANIC		((slab_flags_t)0x00040000U)
/* Pages are reclaimable: __GFP_RECLAIMABLE, NR_SLAB_RECLAIMABLE. */
#define SLAB_RECLAIM_ACCOUNT	((slab_flags_t)0x00020000U)
/* SIM: accepted and ignored (no memcg, no cache merging, one node). */
#define SLAB_ACCOUNT		((slab_flags_t)0x04000000U)
#define SLAB_MEM_SPREAD		((slab_flags_t)0x00100000U)
#define SLAB_NO_MERGE		((slab_flags_t)0x01000000U)

/* Objects are aligned at least this much (x86_64 values). */
#define ARCH_KMALLOC_MINALIGN	__alignof__(unsigned long long)
#define ARCH_SLAB_MINALIGN	__alignof__(unsigned long long)

/*
 * kmalloc() serves up to KMALLOC_MAX_CACHE_SIZE from caches, larger
 * sizes straight from the buddy allocator, up to KMALLOC_MAX_SIZE.
 */
#define KMALLOC_SHIFT_HIGH	(PAGE_SHIFT + 1)
#define KMALLOC_MAX_CACHE_SIZE	(1UL << KMALLOC_SHIFT_HIGH)
#define KMALLOC_MAX_SIZE	(PAGE_SIZE << (MAX_ORDER - 1))

/* kmalloc(0) returns this: not NULL, but faults when dereferenced. */
#define ZERO_SIZE_PTR		((void *)16)
#define ZERO_OR_NULL_PTR(x)	((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)

struct kmem_cache;

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, slab_flags_t flags,
				     void (*ctor)(void *));
void kmem_cache_destroy(struct kmem_cache *s);
/* Give empty slabs and per-CPU cached objects back; returns 0. */
int kmem_cache_shrink(struct kmem_cache *s);
const char *kmem_cache_name(const struct kmem_cache *s);
unsigned int kmem_cache_size(const struct kmem_cache *s);

void *kmem_cache_alloc(struct kmem_cache *s, gfp_t flags);
void kmem_cache_free(struct kmem_cache *s, void *obj);

static inline void *kmem_cache_zalloc(struct kmem_cache *s, gfp_t flags)
{
	return kmem_cache_alloc(s, flags | __GFP_ZERO);
}

/* Create a cache named after a struct, sized and aligned for it. */
#define KMEM_CACHE(__struct, __flags)					\
	kmem_cache_create(#__struct, sizeof(struct __struct),		\
			  __alignof__(struct __struct), (__flags), NULL)

/*
 * SIM: is @obj the start of an object of @s that is allocated now?
 * O(1): page lookup, cache, alignment and index; with CONFIG_DEBUG_VM
 * also the object's allocated tag, so freed objects are rejected too.
 * Never faults on a foreign pointer.  Meant for debug checks.
 */
bool kmem_cache_obj_valid(struct kmem_cache *s, const void *obj);

/* SIM: one cache's counters, the numbers behind /proc/slabinfo. */
struct sim_slab_stats {
	unsigned long active_objs;	/* allocated to callers now */
	unsigned long num_objs;		/* object slots in all slabs */
	unsigned long active_slabs;	/* slabs with an object in use */
	unsigned long num_slabs;	/* all slabs, empty ones included */
	unsigned long allocs;		/* successful allocations, ever */
	unsigned long frees;		/* frees, ever */
	unsigned long failed;		/* allocations that returned NULL */
	unsigned long bypassed;		/* allocs and frees that found the sheaves busy */
	unsigned long cached_objs;	/* free objects in sheaves, the barn's included */
	unsigned int sheaf_capacity;	/* objects per sheaf */
	unsigned int barn_full;		/* full sheaves in the barn (at most 10) */
	/* The kernel's BARN_GET, BARN_GET_FAIL, BARN_PUT, BARN_PUT_FAIL. */
	unsigned long barn_get;		/* an empty main traded for a full sheaf */
	unsigned long barn_get_fail;	/* none there: filled from the slabs */
	unsigned long barn_put;		/* a full main traded for an empty sheaf */
	unsigned long barn_put_fail;	/* the barn full: a sheaf's objects to the slabs */
	unsigned int objsize;		/* size asked for */
	unsigned int size;		/* bytes per object slot */
	unsigned int objperslab;
	unsigned int pagesperslab;
};
void sim_slab_cache_stats(struct kmem_cache *s, struct sim_slab_stats *st);

void *kmalloc(size_t size, gfp_t flags);
void kfree(const void *p);
/* Usable size of a kmalloc()ed block (at least what was asked for). */
size_t ksize(const void *p);
void *krealloc(const void *p, size_t new_size, gfp_t flags);
char *kstrdup(const char *s, gfp_t gfp);
char *kstrndup(const char *s, size_t max, gfp_t gfp);
void *kmemdup(const void *src, size_t len, gfp_t gfp);
/*
 * SIM: declared here rather than in linux/kernel.h (lib/kasprintf.c in
 * the kernel), since they are kmalloc()'s users.  Free with kfree().
 */
__printf(2, 3) char *kasprintf(gfp_t gfp, const char *fmt, ...);
char *kvasprintf(gfp_t gfp, const char *fmt, va_list ap);

static inline void *kzalloc(size_t size, gfp_t flags)
{
	return kmalloc(size, flags | __GFP_ZERO);
}

static inline void *kmalloc_array(size_t n, size_t size, gfp_t flags)
{
	size_t bytes;

	if (unlikely(__builtin_mul_overflow(n, size, &bytes)))
		return NULL;
	return kmalloc(bytes, flags);
}

static inline void *kcalloc(size_t n, size_t size, gfp_t flags)
{
	return kmalloc_array(n, size, flags | __GFP_ZERO);
}

#define kmalloc_node(size, flags, node)	kmalloc(size, flags)
#define kzalloc_node(size, flags, node)	kzalloc(size, flags)

/* SIM: there is no vmalloc; kv*() are kmalloc(), large sizes use pages. */
#define kvmalloc(size, flags)		kmalloc(size, flags)
#define kvzalloc(size, flags)		kzalloc(size, flags)
#define kvcalloc(n, size, flags)	kcalloc(n, size, flags)
#define kvmalloc_array(n, size, flags)	kmalloc_array(n, size, flags)
#define kvfree(p)			kfree(p)

#endif /* _LINUX_SLAB_H */
