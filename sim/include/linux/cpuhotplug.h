/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef __CPUHOTPLUG_H
#define __CPUHOTPLUG_H

/*
 * CPU hotplug states.  SIM: CPUs never come or go after boot, so
 * cpuhp_setup_state() runs @startup for every possible CPU at once and
 * cpuhp_remove_state() runs @teardown for each; both run on the calling
 * thread, not on the CPU concerned.
 */
#include <linux/types.h>

enum cpuhp_state {
	CPUHP_INVALID = -1,
	CPUHP_OFFLINE = 0,
	CPUHP_CREATE_THREADS,
	CPUHP_MM_ZS_PREPARE,
	CPUHP_MM_ZSWP_POOL_PREPARE,
	CPUHP_BP_PREPARE_DYN,
	CPUHP_BP_PREPARE_DYN_END = CPUHP_BP_PREPARE_DYN + 20,
	CPUHP_AP_ONLINE,
	CPUHP_AP_ONLINE_DYN,
	CPUHP_AP_ONLINE_DYN_END = CPUHP_AP_ONLINE_DYN + 40,
	CPUHP_ONLINE,
};

int sim_cpuhp_setup_state(enum cpuhp_state state, const char *name,
			  int (*startup)(unsigned int cpu),
			  int (*teardown)(unsigned int cpu), bool invoke);
void sim_cpuhp_remove_state(enum cpuhp_state state, bool invoke);

/*
 * Returns 0 for a fixed state, the allocated state (> 0) for
 * CPUHP_AP_ONLINE_DYN or CPUHP_BP_PREPARE_DYN, or -errno; if @startup
 * fails on a CPU, @teardown runs on the CPUs already set up.
 */
#define cpuhp_setup_state(state, name, startup, teardown)		\
	sim_cpuhp_setup_state(state, name, startup, teardown, true)
#define cpuhp_setup_state_nocalls(state, name, startup, teardown)	\
	sim_cpuhp_setup_state(state, name, startup, teardown, false)
#define cpuhp_remove_state(state)	sim_cpuhp_remove_state(state, true)
#define cpuhp_remove_state_nocalls(state) sim_cpuhp_remove_state(state, false)

#endif /* __CPUHOTPLUG_H */
