/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef __LINUX_CPUMASK_H
#define __LINUX_CPUMASK_H

/*
 * SIM: every simulated CPU is possible, present and online for the whole
 * life of a machine; there is no CPU hotplug after boot.
 */
#include <linux/types.h>

#define nr_cpu_ids	sim_nr_cpu_ids
extern __attribute__((__visibility__("hidden"))) unsigned int sim_nr_cpu_ids;

#define num_possible_cpus()	(nr_cpu_ids)
#define num_present_cpus()	(nr_cpu_ids)
#define num_online_cpus()	(nr_cpu_ids)
#define cpu_possible(cpu)	((unsigned int)(cpu) < nr_cpu_ids)
#define cpu_online(cpu)		((unsigned int)(cpu) < nr_cpu_ids)
#define cpu_present(cpu)	((unsigned int)(cpu) < nr_cpu_ids)

#define for_each_possible_cpu(cpu)	\
	for ((cpu) = 0; (unsigned int)(cpu) < nr_cpu_ids; (cpu)++)
#define for_each_online_cpu(cpu)	for_each_possible_cpu(cpu)
#define for_each_present_cpu(cpu)	for_each_possible_cpu(cpu)

#endif /* __LINUX_CPUMASK_H */
