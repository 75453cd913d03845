/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_FAULT_INJECT_H
#define _LINUX_FAULT_INJECT_H

/*
 * Fault injection hooks (kernel/fault_inject.c) for the places that are
 * inline: the trylocks.  The kernel has no trylock fault site; here one
 * makes the "somebody else holds it" paths of callers run in tests.
 * Off, a trylock pays one relaxed load of a read-mostly word.
 */
#include <linux/compiler.h>
#include <linux/types.h>

enum sim_trylock_kind {
	SIM_TRYLOCK_SPIN,	/* spin_trylock() */
	SIM_TRYLOCK_WRITE,	/* write_trylock() */
	SIM_TRYLOCK_READ,	/* read_trylock() */
	SIM_TRYLOCK_PAGE,	/* trylock_page() */
};

extern __attribute__((__visibility__("hidden"))) int sim_fault_trylock_armed;
__attribute__((__visibility__("hidden")))
bool sim_should_fail_trylock(enum sim_trylock_kind kind);

/* True: make this trylock fail as if the lock were held. */
static __always_inline bool sim_fail_trylock(enum sim_trylock_kind kind)
{
	return unlikely(__atomic_load_n(&sim_fault_trylock_armed, __ATOMIC_RELAXED)) &&
	       sim_should_fail_trylock(kind);
}

#endif /* _LINUX_FAULT_INJECT_H */
