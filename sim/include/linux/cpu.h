/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_CPU_H_
#define _LINUX_CPU_H_

#include <linux/cpumask.h>
#include <linux/cpuhotplug.h>
#include <linux/smp.h>

/* SIM: CPUs are never hot-plugged after boot; nothing to hold off. */
#define cpus_read_lock()	do { } while (0)
#define cpus_read_unlock()	do { } while (0)
#define get_online_cpus()	do { } while (0)
#define put_online_cpus()	do { } while (0)

#endif /* _LINUX_CPU_H_ */
