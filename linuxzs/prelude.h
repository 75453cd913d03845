/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
/*
 * Forced first include (-include) of the kernel's own mm/zsmalloc.c when
 * it is compiled against sim/: the kernel configuration the file is built
 * with, and the renames that keep its exported zs_* functions (whose
 * signatures differ from the public API's) out of the public namespace.
 * Nothing here changes the kernel's code; it only names things.
 */
#ifndef LINUXZS_PRELUDE_H
#define LINUXZS_PRELUDE_H

/* The kernel configuration: what a distribution kernel with zram has. */
#define CONFIG_COMPACTION	1	/* movable zspages, zs_page_migrate() */
#define CONFIG_MIGRATION	1
#define CONFIG_ZSMALLOC_STAT	1	/* the debugfs classes file */
#define CONFIG_DEBUG_FS		1
/* CONFIG_ZPOOL stays off: the file's zpool driver is not built. */
/* CONFIG_ZSMALLOC_CHAIN_SIZE (8) comes from generated/autoconf.h. */

/*
 * The kernel file's exported functions and its pool type, renamed.  The
 * adapter (linuxzs/adapter.c) implements <zsmalloc/zsmalloc.h> on top of
 * the renamed ones through linuxzs/bridge.h.
 */
#define zs_pool			linux_zs_pool
#define zs_pool_stats		linux_zs_pool_stats
#define zs_create_pool		linux_zs_create_pool
#define zs_destroy_pool		linux_zs_destroy_pool
#define zs_malloc		linux_zs_malloc
#define zs_free			linux_zs_free
#define zs_huge_class_size	linux_zs_huge_class_size
#define zs_map_object		linux_zs_map_object
#define zs_unmap_object		linux_zs_unmap_object
#define zs_get_total_pages	linux_zs_get_total_pages
#define zs_compact		linux_zs_compact
#define zs_lookup_class_index	linux_zs_lookup_class_index
#define zs_mapmode		linux_zs_mapmode
#define zs_obj_read_begin	linux_zs_obj_read_begin
#define zs_obj_read_end		linux_zs_obj_read_end
#define zs_obj_write		linux_zs_obj_write

#endif /* LINUXZS_PRELUDE_H */
