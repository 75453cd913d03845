/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef __LINUX_PREEMPT_H
#define __LINUX_PREEMPT_H

/*
 * Preemption, simulated.  Every thread runs on a simulated CPU
 * (linux/smp.h).  SIM: there may be more threads than simulated CPUs, so
 * the outermost preempt_disable() takes the simulated CPU's own lock:
 * two threads that share a CPU never run per-CPU critical sections at
 * the same time, which is what keeps per-CPU data private to its CPU.
 * The count nests per thread.  There are no interrupts: in_interrupt()
 * is always 0.
 */
#include <linux/compiler.h>
#include <linux/types.h>
#include <linux/spinlock.h>

#define __sim_hidden	__attribute__((__visibility__("hidden")))
#define __sim_tls	__thread __attribute__((__tls_model__("initial-exec")))

#ifndef NR_CPUS
#define NR_CPUS		CONFIG_NR_CPUS
#endif

/* kernel/percpu.c */
extern __sim_tls __sim_hidden unsigned int sim_this_cpu;
extern __sim_tls __sim_hidden unsigned int sim_this_cpu_gen;
extern __sim_tls __sim_hidden int sim_preempt_count;
extern __sim_tls __sim_hidden unsigned int sim_preempt_cpu;
extern __sim_hidden unsigned int sim_percpu_generation;
/* One line per CPU: two CPUs' preempt_disable() never write the same line. */
struct sim_cpu_lock {
	unsigned int word;
} ____cacheline_aligned;
extern __sim_hidden struct sim_cpu_lock sim_cpu_lock[NR_CPUS];
void sim_assign_cpu(void);
void sim_preempt_count_underflow(void);

/* The caller's simulated CPU; valid for the whole boot of the machine. */
static __always_inline unsigned int sim_current_cpu(void)
{
	if (unlikely(sim_this_cpu_gen !=
		     __atomic_load_n(&sim_percpu_generation, __ATOMIC_RELAXED)))
		sim_assign_cpu();
	return sim_this_cpu;
}

static __always_inline void preempt_disable(void)
{
	unsigned int cpu;

	if (sim_preempt_count++)
		return;
	cpu = sim_current_cpu();
	if (unlikely(!sim_lockword_trylock(&sim_cpu_lock[cpu].word)))
		sim_lockword_lock_slow(&sim_cpu_lock[cpu].word);
	sim_preempt_cpu = cpu;
}

static __always_inline void preempt_enable(void)
{
	if (IS_ENABLED(CONFIG_DEBUG_SPINLOCK) && unlikely(sim_preempt_count <= 0))
		sim_preempt_count_underflow();
	if (--sim_preempt_count)
		return;
	sim_lockword_unlock(&sim_cpu_lock[sim_preempt_cpu].word);
	sim_sched_hook(SIM_SP_PREEMPT);
}

#define preempt_enable_no_resched()	preempt_enable()
#define preempt_count()			(sim_preempt_count)
#define in_atomic()			(sim_preempt_count != 0)
#define in_interrupt()			0
#define in_irq()			0
#define in_softirq()			0
#define in_nmi()			0
#define in_task()			1
#define preemptible()			(sim_preempt_count == 0)

#define migrate_disable()		preempt_disable()
#define migrate_enable()		preempt_enable()

/* No interrupts in the simulator. */
#define local_irq_disable()		do { } while (0)
#define local_irq_enable()		do { } while (0)
#define local_irq_save(flags)		do { (flags) = 0; } while (0)
#define local_irq_restore(flags)	do { (void)(flags); } while (0)
#define irqs_disabled()			0

#endif /* __LINUX_PREEMPT_H */
