/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_PGTABLE_H
#define _LINUX_PGTABLE_H
/*
 * SIM: no page tables.  The kernel's pgtable.h is where a file such as
 * mm/zsmalloc.c finds MAX_POSSIBLE_PHYSMEM_BITS and the page frame
 * helpers; here those come from <linux/mm.h> and <asm/page.h>.
 */
#include <linux/mm.h>
#include <asm/page.h>
#endif
