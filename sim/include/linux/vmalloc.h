/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_VMALLOC_H
#define _LINUX_VMALLOC_H
/*
 * vmalloc(): virtually contiguous memory.  SIM: there is no vmalloc area
 * and no page tables to map scattered pages into one, so these are
 * kmalloc() underneath, which serves large sizes with physically
 * contiguous buddy pages (slab.h); a large vmalloc() can therefore fail
 * on a fragmented machine where the kernel's would not.  Linux 6.12
 * mm/zsmalloc.c includes the header and calls none of them.
 */
#include <linux/slab.h>

#define vmalloc(size)		kmalloc(size, GFP_KERNEL)
#define vzalloc(size)		kzalloc(size, GFP_KERNEL)
#define vmalloc_array(n, size)	kmalloc_array(n, size, GFP_KERNEL)
#define vcalloc(n, size)	kcalloc(n, size, GFP_KERNEL)
#define vfree(addr)		kfree(addr)
#define is_vmalloc_addr(addr)	false
#endif /* _LINUX_VMALLOC_H */
