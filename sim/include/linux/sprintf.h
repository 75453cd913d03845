/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_KERNEL_SPRINTF_H_
#define _LINUX_KERNEL_SPRINTF_H_
/*
 * The kernel's formatting functions (Linux 6.6+ splits them out of
 * kernel.h into sprintf.h): sprintf, snprintf, vsnprintf and sscanf are
 * the C library's; scnprintf/vscnprintf (the length written, not the
 * length wanted) are built on vsnprintf; kasprintf is in slab.h.
 * SIM: the C library's printf knows none of the kernel's %p extensions
 * (%pS, %pG...), so kernel code printed through these must not use them.
 */
#include <stdio.h>
#include <stdarg.h>
#include <linux/compiler.h>
#include <linux/slab.h>

static inline __printf(3, 0) int vscnprintf(char *buf, size_t size,
					   const char *fmt, va_list args)
{
	int i;

	if (!size)
		return 0;
	i = vsnprintf(buf, size, fmt, args);
	if (i < 0)
		return 0;
	return (size_t)i < size ? i : (int)(size - 1);
}

static inline __printf(3, 4) int scnprintf(char *buf, size_t size,
					  const char *fmt, ...)
{
	va_list args;
	int i;

	va_start(args, fmt);
	i = vscnprintf(buf, size, fmt, args);
	va_end(args);
	return i;
}
#endif /* _LINUX_KERNEL_SPRINTF_H_ */
