/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_KMSAN_H
#define _LINUX_KMSAN_H
/*
 * KMSAN's hooks (Linux 6.1+), for a kernel built without CONFIG_KMSAN:
 * they do nothing.  SIM: uninitialised reads are Valgrind's and MSan's
 * business, not the simulator's.
 */
struct page;
static inline void kmsan_copy_page_meta(struct page *dst, struct page *src)
{
	(void)dst;
	(void)src;
}
#endif /* _LINUX_KMSAN_H */
