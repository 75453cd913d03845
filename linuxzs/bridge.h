/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
/*
 * Between the adapter (public API) and the kernel's mm/zsmalloc.c
 * (kernel.c): the kernel's renamed exports and the inspection helpers
 * kernel.c adds after the file, in types both sides share.  Every name
 * here is hidden in the shared library.
 */
#ifndef LINUXZS_BRIDGE_H
#define LINUXZS_BRIDGE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

struct linux_zs_pool;

/* the kernel's own API, renamed (include/linux/zsmalloc.h) */
struct linux_zs_pool *linux_zs_create_pool(const char *name);
void linux_zs_destroy_pool(struct linux_zs_pool *pool);
unsigned long linux_zs_malloc(struct linux_zs_pool *pool, size_t size, unsigned int flags);
void linux_zs_free(struct linux_zs_pool *pool, unsigned long obj);
size_t linux_zs_huge_class_size(struct linux_zs_pool *pool);
unsigned long linux_zs_get_total_pages(struct linux_zs_pool *pool);
unsigned long linux_zs_compact(struct linux_zs_pool *pool);
unsigned int linux_zs_lookup_class_index(struct linux_zs_pool *pool, unsigned int size);

/* what kernel.c knows about the file it compiled */
extern const char linuxzs_kernel_version[];	/* "6.12.117" */
extern const unsigned int linuxzs_chain_size;	/* ZS_MAX_PAGES_PER_ZSPAGE */
extern const unsigned int linuxzs_nr_groups;	/* fullness groups: 12 or 4 */
extern const unsigned int linuxzs_nr_classes;	/* ZS_SIZE_CLASSES */

long linuxzs_pages_compacted(struct linux_zs_pool *pool);

/*
 * The object API of Linux 6.16 (zs_obj_read_begin/end, zs_obj_write) over
 * the 6.12 file's structures, as 6.16 implements it: the zspage's migrate
 * lock read-held from begin to end; in place if the @len bytes lie in one
 * page, else assembled in @local_copy (NULL then: nothing held, NULL).
 */
void *linuxzs_read_begin(struct linux_zs_pool *pool, unsigned long handle, size_t len,
			 void *local_copy);
void linuxzs_read_end(struct linux_zs_pool *pool, unsigned long handle, size_t len,
		      const void *mem);
void linuxzs_obj_write(struct linux_zs_pool *pool, unsigned long handle, const void *src,
		       size_t len);
/* Bytes an object can hold (its class's size, less the handle if not huge). */
size_t linuxzs_obj_capacity(struct linux_zs_pool *pool, unsigned long handle);
/* Is a live handle one of another pool's? */
bool linuxzs_handle_foreign(struct linux_zs_pool *pool, unsigned long handle);
/* The kernel's zs_map_object()/zs_unmap_object(), mode ZS_MM_RW/RO/WO. */
void *linuxzs_map(struct linux_zs_pool *pool, unsigned long handle, int mode);
void linuxzs_unmap(struct linux_zs_pool *pool, unsigned long handle);

struct linuxzs_class {
	unsigned int index, size, pages_per_zspage, objs_per_zspage;
	bool huge;
	uint64_t zspages[12];
	uint64_t obj_allocated, obj_used, freeable;
};
/* Class @i (0..nr_classes-1); false if @i is merged into a larger class. */
bool linuxzs_class(struct linux_zs_pool *pool, unsigned int i, struct linuxzs_class *c);
/* the sizes of the handle and struct zspage slab objects */
size_t linuxzs_handle_size(void);
size_t linuxzs_zspage_size(void);

/* zs_destroy_pool() with live objects: free them first, with zs_free(). */
void linuxzs_free_all(struct linux_zs_pool *pool);

/* The kernel's debugfs classes file, printed through sim's seq_file. */
int linuxzs_print_classes(struct linux_zs_pool *pool, void (*fn)(void *, const char *),
			  void *arg);

/* mirrors struct zs_zspage_info's members (ZS_MAX_CHAIN_SIZE = 16) */
struct linuxzs_zspage {
	unsigned int class_index, obj_size, pages_per_zspage, objs_per_zspage;
	unsigned int inuse, fullness, isolated;
	bool huge, listed;
	uint64_t pfn[16];
	unsigned int first_obj_offset[16];
	uint64_t obj_used[16 * 4096 / 32 / 64];
};
/* 0, or -ENOENT if @pfn is not a page of @pool's zspages. */
int linuxzs_zspage_info(struct linux_zs_pool *pool, uint64_t pfn, struct linuxzs_zspage *z);
/* 0 and the pfn of the page the object starts in. */
int linuxzs_handle_pfn(struct linux_zs_pool *pool, unsigned long handle, uint64_t *pfn);

#endif /* LINUXZS_BRIDGE_H */
