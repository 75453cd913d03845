/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
/*
 * Futex and CPU-relax helpers shared by the simulator's sleeping locks
 * (sim/kernel/locking.c, sim/mm/filemap.c).  Not a kernel header.
 */
#ifndef _SIM_FUTEX_H
#define _SIM_FUTEX_H

#include <limits.h>
#include <stdbool.h>
#include <sys/syscall.h>
#include <unistd.h>

/*
 * FUTEX_WAIT_PRIVATE and FUTEX_WAKE_PRIVATE from the UAPI: spelled out so
 * that no <linux/...> system header is reached past sim/include/linux/.
 */
#define SIM_FUTEX_WAIT_PRIVATE	128
#define SIM_FUTEX_WAKE_PRIVATE	129

/* How long a waiter spins before it sleeps in the kernel. */
#define SIM_SPIN_TRIES	256

static inline void sim_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

/*
 * The deterministic scheduler (kernel/sched.c): in a scheduling mode a
 * thread of the scheduler waits there instead of in the host, and every
 * wake also wakes the scheduler's waiters on the word.
 */
extern int sim_sched_active __attribute__((__visibility__("hidden")));
bool sim_sched_futex_wait(unsigned int *addr, unsigned int val);
void sim_sched_wake(const void *key);

static inline bool sim_sched_on(void)
{
	return __builtin_expect(__atomic_load_n(&sim_sched_active, __ATOMIC_RELAXED), 0);
}

/*
 * Sleep while *@addr == @val.  Spurious returns are fine: every caller
 * re-checks its condition in a loop.
 */
static inline void sim_futex_wait(unsigned int *addr, unsigned int val)
{
	if (sim_sched_on() && sim_sched_futex_wait(addr, val))
		return;
	syscall(SYS_futex, addr, SIM_FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static inline void sim_futex_wake(unsigned int *addr, int nr)
{
	syscall(SYS_futex, addr, SIM_FUTEX_WAKE_PRIVATE, nr, NULL, NULL, 0);
	if (sim_sched_on())
		sim_sched_wake(addr);
}

static inline void sim_futex_wake_all(unsigned int *addr)
{
	sim_futex_wake(addr, INT_MAX);
}

#endif /* _SIM_FUTEX_H */
