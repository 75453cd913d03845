/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_FS_H
#define _LINUX_FS_H

#include <linux/types.h>
#include <linux/err.h>
#include <linux/migrate_mode.h>
#include <linux/stat.h>
#include <linux/workqueue.h>

struct page;
struct address_space;
struct super_block;

/*
 * The three callbacks a driver gives the VM so that its non-LRU pages
 * can move (Linux 4.8, commit bda807d44454): isolate a page from the driver's own
 * lists, move its contents to a new page, or put it back on failure.
 */
struct address_space_operations {
	bool (*isolate_page)(struct page *page, isolate_mode_t mode);
	int (*migratepage)(struct address_space *mapping, struct page *newpage,
			   struct page *page, enum migrate_mode mode);
	void (*putback_page)(struct page *page);
};

struct address_space {
	struct inode *host;
	const struct address_space_operations *a_ops;
	void *private_data;
	unsigned long flags;
};

struct inode {
	struct address_space i_data;
	struct address_space *i_mapping;
	void *i_private;
};

/*
 * SIM: an inode with no filesystem behind it, as drivers get from their
 * pseudo-fs mount.  @sb is accepted and ignored.  Returns ERR_PTR(-ENOMEM)
 * on failure (sim/fs/inode.c).
 */
/*
 * An open file and what a file does (debugfs files).  SIM: only what
 * single_open()-style files use: no read/write/llseek path exists, the
 * members are kept so kernel initialisers compile; sim_debugfs_print()
 * calls open, then the seq_file's show, then release.
 */
struct file {
	void *private_data;		/* the seq_file, for seq_file users */
	struct inode *f_inode;
};

struct module;
struct file_operations {
	struct module *owner;
	int (*open)(struct inode *inode, struct file *file);
	long (*read)(struct file *file, char *buf, size_t len, long long *ppos);
	long long (*llseek)(struct file *file, long long offset, int whence);
	int (*release)(struct inode *inode, struct file *file);
};

struct inode *alloc_anon_inode(struct super_block *sb);
void iput(struct inode *inode);

#endif /* _LINUX_FS_H */
