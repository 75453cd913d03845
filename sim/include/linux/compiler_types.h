/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_COMPILER_TYPES_H
#define _LINUX_COMPILER_TYPES_H
/*
 * Sparse's lock context annotations (__acquires, __releases, __must_hold,
 * __acquire, __release, __cond_lock) and address-space markers.  As in a
 * kernel build without sparse (__CHECKER__ undefined) they expand to
 * nothing; the debug build's lock checking (lockdep.c) checks at run time
 * what sparse would check statically.
 */
#define __acquires(x)
#define __releases(x)
#define __must_hold(x)
#define __acquire(x)	((void)0)
#define __release(x)	((void)0)
#define __cond_lock(x, c)	(c)
#endif /* _LINUX_COMPILER_TYPES_H */
