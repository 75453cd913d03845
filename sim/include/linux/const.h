/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_CONST_H
#define _LINUX_CONST_H
/*
 * _AC(X, Y): the constant X with the C suffix Y (X##Y) in C, bare in
 * assembly, as uapi/linux/const.h has it; _UL/_ULL and UL()/ULL() on top.
 * Linux 6.3+ mm/zsmalloc.c writes ZS_MAX_PAGES_PER_ZSPAGE with it.
 */
#ifdef __ASSEMBLY__
#define _AC(X, Y)	X
#define _AT(T, X)	X
#else
#define __AC(X, Y)	(X##Y)
#define _AC(X, Y)	__AC(X, Y)
#define _AT(T, X)	((T)(X))
#endif
#define _UL(x)		(_AC(x, UL))
#define _ULL(x)		(_AC(x, ULL))
#define UL(x)		(_UL(x))
#define ULL(x)		(_ULL(x))
#endif /* _LINUX_CONST_H */
