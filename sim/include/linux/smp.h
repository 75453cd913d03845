/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef __LINUX_SMP_H
#define __LINUX_SMP_H

/*
 * SIM: each thread gets a simulated CPU on first use, round-robin over
 * the machine's CPUs, and keeps it for the life of the machine (a new
 * boot hands out CPUs afresh).  Threads are never migrated, so
 * smp_processor_id() is stable even with preemption enabled; several
 * threads may share a CPU, and preempt_disable() keeps them apart.
 */
#include <linux/compiler.h>
#include <linux/cpumask.h>
#include <linux/preempt.h>

#define raw_smp_processor_id()	((int)sim_current_cpu())
#define smp_processor_id()	raw_smp_processor_id()

#define get_cpu()		({ preempt_disable(); smp_processor_id(); })
#define put_cpu()		preempt_enable()

#endif /* __LINUX_SMP_H */
