/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_UACCESS_H
#define _LINUX_UACCESS_H
/*
 * pagefault_disable()/pagefault_enable(): in the kernel, a fault taken in
 * between fails instead of sleeping (Linux 6.12 mm/zsmalloc.c brackets
 * its per-CPU mapping area with them).  SIM: simulated memory never
 * faults, so they are compiler barriers and nothing else; they do not
 * make the section atomic for might_sleep(), as in the kernel.
 */
static inline void pagefault_disable(void)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);	/* barrier() */
}

static inline void pagefault_enable(void)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
}
#endif /* _LINUX_UACCESS_H */
