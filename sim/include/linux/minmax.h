/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_MINMAX_H
#define _LINUX_MINMAX_H
/*
 * MIN()/MAX() for constant expressions (array sizes, initialisers), as
 * Linux 6.7+'s minmax.h has them; min()/max() with their type checks are
 * in kernel.h.  SIM: glibc's <sys/param.h> defines the same two macros
 * the same way, so whichever comes first wins.
 */
#ifndef MIN
#define MIN(a, b)	((a) < (b) ? (a) : (b))
#endif
#ifndef MAX
#define MAX(a, b)	((a) > (b) ? (a) : (b))
#endif
#endif /* _LINUX_MINMAX_H */
