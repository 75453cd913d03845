/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_DEBUGFS_H
#define _LINUX_DEBUGFS_H
/*
 * debugfs (fs/debugfs/): directories and files under
 * /sys/kernel/debug, each file a struct file_operations whose open sets
 * up a seq_file (DEFINE_SHOW_ATTRIBUTE, single_open).
 *
 * SIM (sim/fs/debugfs.c): an in-memory tree with no mount and no read():
 * a program prints a file with sim_debugfs_print("zsmalloc/pool/classes",
 * fn, arg), which opens it, runs its show function once into a seq_file
 * that hands each line to @fn, and releases it.  Failures are returned
 * as ERR_PTR(-errno) as in the kernel (-ENOMEM, -EEXIST for a name
 * taken); callers of the kernel API may ignore them, as the kernel asks.
 */
#include <linux/types.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/seq_file.h>

struct dentry;

bool debugfs_initialized(void);
struct dentry *debugfs_create_dir(const char *name, struct dentry *parent);
struct dentry *debugfs_create_file(const char *name, umode_t mode,
				   struct dentry *parent, void *data,
				   const struct file_operations *fops);
void debugfs_remove_recursive(struct dentry *dentry);
#define debugfs_remove(dentry)	debugfs_remove_recursive(dentry)

/*
 * Print the debugfs file at @path (relative to the debugfs root, '/'
 * between names) through @fn: 0, -ENOENT if there is no such file,
 * -EISDIR for a directory, or what its open or show returned.
 */
int sim_debugfs_print(const char *path, seq_output_fn *fn, void *arg);
/* The same, only if the file was created with @data; -ESRCH if not. */
int sim_debugfs_print_owned(const char *path, const void *data,
			    seq_output_fn *fn, void *arg);

#endif /* _LINUX_DEBUGFS_H */
