/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_KASAN_H
#define _LINUX_KASAN_H

/*
 * SIM: memory poisoning for the host's tools, in the spirit of KASAN.
 *
 * The simulator's memory is one mmap'd arena, so neither AddressSanitizer
 * nor Valgrind memcheck can tell a free slab object or a free page from a
 * live one on their own.  The slab and page allocators tell them:
 *
 *  - with AddressSanitizer (__SANITIZE_ADDRESS__), through the manual
 *    poisoning interface of <sanitizer/asan_interface.h>: an access to
 *    poisoned memory is reported as "use-after-poison";
 *  - with <valgrind/memcheck.h> found at configure time
 *    (ZSIM_HAVE_VALGRIND), through client requests, which cost a few
 *    instructions and do nothing outside Valgrind: poisoned memory is
 *    "noaccess" ("Invalid read"/"Invalid write"), and slab objects are
 *    mempool chunks, so a report names the free that made them stale.
 *
 * Without either tool every helper compiles to nothing.  Memory the
 * simulator itself must read while it is poisoned (a free list pointer
 * inside a free object, a poison pattern it checks) is unpoisoned around
 * the access.
 */
#include <stddef.h>

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/asan_interface.h>
#define KASAN_ASAN	1
#else
#define KASAN_ASAN	0
#define ASAN_POISON_MEMORY_REGION(addr, size)	((void)(addr), (void)(size))
#define ASAN_UNPOISON_MEMORY_REGION(addr, size)	((void)(addr), (void)(size))
#endif

#ifdef ZSIM_HAVE_VALGRIND
#include <valgrind/memcheck.h>
#else
#define VALGRIND_MAKE_MEM_NOACCESS(addr, size)		((void)(addr), (void)(size))
#define VALGRIND_MAKE_MEM_UNDEFINED(addr, size)		((void)(addr), (void)(size))
#define VALGRIND_MAKE_MEM_DEFINED(addr, size)		((void)(addr), (void)(size))
#define VALGRIND_CREATE_MEMPOOL(pool, rz, zeroed)	((void)(pool))
#define VALGRIND_DESTROY_MEMPOOL(pool)			((void)(pool))
#define VALGRIND_MEMPOOL_ALLOC(pool, addr, size)	((void)(pool), (void)(addr), (void)(size))
#define VALGRIND_MEMPOOL_FREE(pool, addr)		((void)(pool), (void)(addr))
#endif

/* No access to [addr, addr + size) until it is unpoisoned. */
static inline void kasan_poison(const void *addr, size_t size)
{
	ASAN_POISON_MEMORY_REGION(addr, size);
	VALGRIND_MAKE_MEM_NOACCESS(addr, size);
}

/* Accessible again; its contents are undefined for memcheck. */
static inline void kasan_unpoison(const void *addr, size_t size)
{
	ASAN_UNPOISON_MEMORY_REGION(addr, size);
	VALGRIND_MAKE_MEM_UNDEFINED(addr, size);
}

/* Accessible again, contents defined: the simulator reads what it wrote. */
static inline void kasan_unpoison_defined(const void *addr, size_t size)
{
	ASAN_UNPOISON_MEMORY_REGION(addr, size);
	VALGRIND_MAKE_MEM_DEFINED(addr, size);
}

/* Memcheck only: accessible memory whose contents are known. */
static inline void kasan_mark_defined(const void *addr, size_t size)
{
	VALGRIND_MAKE_MEM_DEFINED(addr, size);
}

/*
 * A pool of objects for memcheck (a slab cache): @pool is any address
 * that names it.  Chunks are allocated undefined and freed noaccess.
 */
static inline void kasan_mempool_create(const void *pool)
{
	VALGRIND_CREATE_MEMPOOL(pool, 0, 0);
}

static inline void kasan_mempool_destroy(const void *pool)
{
	VALGRIND_DESTROY_MEMPOOL(pool);
}

static inline void kasan_mempool_alloc(const void *pool, const void *obj,
				       size_t size)
{
	ASAN_UNPOISON_MEMORY_REGION(obj, size);
	VALGRIND_MEMPOOL_ALLOC(pool, obj, size);
}

static inline void kasan_mempool_free(const void *pool, const void *obj,
				      size_t size)
{
	ASAN_POISON_MEMORY_REGION(obj, size);
	VALGRIND_MEMPOOL_FREE(pool, obj);
	(void)size;
}

#endif /* _LINUX_KASAN_H */
