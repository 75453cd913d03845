/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _ZPOOL_H_
#define _ZPOOL_H_
/*
 * zpool, the kernel's front end over zsmalloc and zbud (mm/zpool.c).
 * SIM: not modelled; the simulator's kernel is built without CONFIG_ZPOOL,
 * so Linux 6.12 mm/zsmalloc.c leaves its zpool driver out and includes
 * this header for nothing.  A file that needs zpool with CONFIG_ZPOOL off
 * fails to compile on the missing names, which the kernel variant's
 * configure check reports.
 */
#endif /* _ZPOOL_H_ */
