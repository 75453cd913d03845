/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_ERRNO_H
#define _LINUX_ERRNO_H

/*
 * glibc's <errno.h> reaches the system's <linux/errno.h> for the E*
 * values; this shim sits first on the include path and shares its guard,
 * so it must pull in the values itself.
 */
#include <asm/errno.h>
#include <errno.h>

#endif /* _LINUX_ERRNO_H */
