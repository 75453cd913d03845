/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef MIGRATE_MODE_H_INCLUDED
#define MIGRATE_MODE_H_INCLUDED

/*
 * MIGRATE_ASYNC never blocks; MIGRATE_SYNC_LIGHT may block on most
 * things but not on writeback; MIGRATE_SYNC blocks as it must.
 */
enum migrate_mode {
	MIGRATE_ASYNC,
	MIGRATE_SYNC_LIGHT,
	MIGRATE_SYNC,
	/*
	 * Linux 4.15 .. 6.9: sync, but the caller copies the contents itself
	 * (DMA).  Nothing in sim/ migrates in this mode; it exists because
	 * Linux 6.1 mm/zsmalloc.c's zs_page_migrate() refuses it by name.
	 */
	MIGRATE_SYNC_NO_COPY,
};

/* isolate_mode_t bits (linux/mmzone.h in 4.8) */
#define ISOLATE_CLEAN		((isolate_mode_t)0x1)
#define ISOLATE_UNMAPPED	((isolate_mode_t)0x2)
#define ISOLATE_ASYNC_MIGRATE	((isolate_mode_t)0x4)
#define ISOLATE_UNEVICTABLE	((isolate_mode_t)0x8)

#endif
