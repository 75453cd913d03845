// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * debugfs: a tree of named directories and files, each file carrying its
 * file_operations and private data, as fs/debugfs/ keeps them.  Linux
 * 6.12 mm/zsmalloc.c creates zsmalloc/<pool>/classes here.
 *
 * SIM: nothing is mounted and nothing reads through read(); a program
 * prints a file with sim_debugfs_print(), which does what a cat of a
 * single_open() file does (open, show, release), one line at a time into
 * the caller's output function.  The tree's memory comes from the real
 * heap, not from simulated memory, so it is not counted in slabinfo and
 * fault injection does not fail it (the kernel's callers ignore debugfs
 * errors anyway).  One mutex serialises every operation; a show function
 * runs under it, so a file cannot be removed while it prints.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>

struct dentry {
	char *name;
	struct dentry *parent;
	struct list_head children;
	struct list_head sibling;
	bool is_dir;
	umode_t mode;
	const struct file_operations *fops;
	struct inode inode;		/* i_private: the file's data */
};

static DEFINE_MUTEX(debugfs_mutex);
static struct dentry debugfs_root = {
	.name = "",
	.children = LIST_HEAD_INIT(debugfs_root.children),
	.sibling = LIST_HEAD_INIT(debugfs_root.sibling),
	.is_dir = true,
};

bool debugfs_initialized(void)
{
	return true;
}

static struct dentry *lookup_child(struct dentry *dir, const char *name, size_t len)
{
	struct dentry *d;

	list_for_each_entry(d, &dir->children, sibling)
		if (strlen(d->name) == len && !memcmp(d->name, name, len))
			return d;
	return NULL;
}

static struct dentry *create_entry(const char *name, struct dentry *parent,
				   bool is_dir, umode_t mode, void *data,
				   const struct file_operations *fops)
{
	struct dentry *d;

	if (!name || !*name || strchr(name, '/'))
		return ERR_PTR(-EINVAL);
	if (IS_ERR(parent))
		return parent;
	if (!parent)
		parent = &debugfs_root;
	if (!parent->is_dir)
		return ERR_PTR(-ENOTDIR);

	d = calloc(1, sizeof(*d));
	if (!d)
		return ERR_PTR(-ENOMEM);
	d->name = strdup(name);
	if (!d->name) {
		free(d);
		return ERR_PTR(-ENOMEM);
	}
	INIT_LIST_HEAD(&d->children);
	d->is_dir = is_dir;
	d->mode = mode;
	d->fops = fops;
	d->inode.i_private = data;
	d->inode.i_mapping = &d->inode.i_data;

	mutex_lock(&debugfs_mutex);
	if (lookup_child(parent, name, strlen(name))) {
		mutex_unlock(&debugfs_mutex);
		free(d->name);
		free(d);
		return ERR_PTR(-EEXIST);
	}
	d->parent = parent;
	list_add_tail(&d->sibling, &parent->children);
	mutex_unlock(&debugfs_mutex);
	return d;
}

struct dentry *debugfs_create_dir(const char *name, struct dentry *parent)
{
	return create_entry(name, parent, true, S_IFDIR | S_IRWXU | S_IRUGO | S_IXUGO,
			    NULL, NULL);
}

struct dentry *debugfs_create_file(const char *name, umode_t mode,
				   struct dentry *parent, void *data,
				   const struct file_operations *fops)
{
	if (!(mode & S_IFMT))
		mode |= S_IFREG;
	return create_entry(name, parent, false, mode, data, fops);
}

static void remove_tree(struct dentry *d)
{
	struct dentry *c, *tmp;

	list_for_each_entry_safe(c, tmp, &d->children, sibling)
		remove_tree(c);
	list_del(&d->sibling);
	free(d->name);
	free(d);
}

void debugfs_remove_recursive(struct dentry *dentry)
{
	if (IS_ERR_OR_NULL(dentry) || dentry == &debugfs_root)
		return;
	mutex_lock(&debugfs_mutex);
	remove_tree(dentry);
	mutex_unlock(&debugfs_mutex);
}

static int debugfs_print(const char *path, bool check, const void *data,
			 seq_output_fn *fn, void *arg)
{
	struct dentry *d = &debugfs_root;
	struct seq_file *m;
	struct file file = { 0 };
	const char *p = path;
	int ret;

	if (!path || !fn)
		return -EINVAL;
	m = malloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	mutex_lock(&debugfs_mutex);
	while (d && *p) {
		size_t len = strcspn(p, "/");

		if (len)
			d = d->is_dir ? lookup_child(d, p, len) : NULL;
		p += len;
		if (*p == '/')
			p++;
	}
	if (!d) {
		ret = -ENOENT;
	} else if (d->is_dir) {
		ret = -EISDIR;
	} else if (check && d->inode.i_private != data) {
		ret = -ESRCH;
	} else if (!d->fops || !d->fops->open) {
		ret = -EINVAL;
	} else {
		seq_file_init_output(m, fn, arg, NULL);
		file.private_data = m;
		file.f_inode = &d->inode;
		ret = d->fops->open(&d->inode, &file);
		if (!ret) {
			if (m->single_show)
				ret = m->single_show(m, m->private);
			if (d->fops->release)
				d->fops->release(&d->inode, &file);
			if (!ret)
				ret = seq_file_finish(m);
			else
				seq_file_finish(m);
		}
	}
	mutex_unlock(&debugfs_mutex);
	free(m);
	return ret;
}

int sim_debugfs_print(const char *path, seq_output_fn *fn, void *arg)
{
	return debugfs_print(path, false, NULL, fn, arg);
}

int sim_debugfs_print_owned(const char *path, const void *data,
			    seq_output_fn *fn, void *arg)
{
	return debugfs_print(path, true, data, fn, arg);
}
