/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_MM_TYPES_H
#define _LINUX_MM_TYPES_H

#include <linux/types.h>

struct address_space;
struct kmem_cache;

/*
 * One per simulated page frame, laid out and named as the kernel's
 * (flags, lru, mapping, index, private, _mapcount/page_type, _refcount),
 * so that code reading the fields reads as it would in mm/.
 */
struct page {
	unsigned long flags;		/* PG_* bits, atomic */
	union {
		struct {
			/* buddy free lists, isolation lists (migration) */
			struct list_head lru;
			/* low bits: PAGE_MAPPING_ANON / PAGE_MAPPING_MOVABLE */
			struct address_space *mapping;
			union {
				pgoff_t index;
				/* zsmalloc 4.8: next page of a zspage */
				void *freelist;
			};
			/* buddy: order; zsmalloc: struct zspage * */
			unsigned long private;
		};
		struct {	/* PG_slab pages (sim/mm/slab.c) */
			struct list_head slab_list;
			struct kmem_cache *slab_cache;
			void *s_freelist;	/* first free object */
			unsigned long s_inuse;	/* objects in use */
		};
	};
	union {
		atomic_t _mapcount;
		unsigned int page_type;
		/* zsmalloc: offset of the first object in this page */
		unsigned int units;
	};
	atomic_t _refcount;
	union {
		unsigned long memcg_data;	/* unused; keeps the kernel's 64 bytes */
		/*
		 * SIM: zsmalloc: the object size of the zspage's class, so
		 * that a read finds an object's offset from the struct page
		 * alone (docs/UPSTREAM.md); 0 once the page leaves zsmalloc.
		 */
		unsigned long zs_obj_size;
	};
};

_Static_assert(sizeof(struct page) == 64, "struct page is 64 bytes");

#endif /* _LINUX_MM_TYPES_H */
