// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/* Anonymous inodes: an address_space for drivers with movable pages. */
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/slab.h>

struct inode *alloc_anon_inode(struct super_block *sb)
{
	struct inode *inode = kzalloc(sizeof(*inode), GFP_KERNEL);

	(void)sb;
	if (!inode)
		return ERR_PTR(-ENOMEM);
	inode->i_mapping = &inode->i_data;
	inode->i_data.host = inode;
	return inode;
}

void iput(struct inode *inode)
{
	kfree(inode);
}
