/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef __LINUX_PERCPU_H
#define __LINUX_PERCPU_H

/*
 * Per-CPU variables the kernel's way.  DEFINE_PER_CPU() places the
 * variable in the "sim_percpu" ELF section; that section is only the
 * template.  At boot the machine allocates one copy of the whole section
 * per simulated CPU, and sim_per_cpu_offset[cpu] is the distance from
 * the template to CPU @cpu's copy, so this_cpu_ptr(&var) is a pointer
 * shift by the caller's CPU's offset.  Before boot every offset is 0:
 * all CPUs see the template.
 *
 * A program linking the static library may DEFINE_PER_CPU() its own
 * variables: the linker merges them into the same section.
 */
#include <linux/compiler.h>
#include <linux/types.h>
#include <linux/smp.h>
#include <linux/preempt.h>
#include <linux/cpumask.h>

#define SIM_PERCPU_SECTION	"sim_percpu"

extern __sim_hidden unsigned long sim_per_cpu_offset[NR_CPUS];

#define __sim_percpu_attrs						\
	__attribute__((__section__(SIM_PERCPU_SECTION), __used__))

#define DEFINE_PER_CPU(type, name)					\
	__sim_percpu_attrs __typeof__(type) name
#define DEFINE_PER_CPU_ALIGNED(type, name)				\
	__sim_percpu_attrs ____cacheline_aligned __typeof__(type) name
#define DEFINE_PER_CPU_SHARED_ALIGNED(type, name)			\
	DEFINE_PER_CPU_ALIGNED(type, name)
#define DECLARE_PER_CPU(type, name)					\
	extern __attribute__((__section__(SIM_PERCPU_SECTION)))	\
	__typeof__(type) name

#define per_cpu_offset(cpu)	(sim_per_cpu_offset[(cpu)])

#define SHIFT_PERCPU_PTR(ptr, off)					\
	((__typeof__(ptr))((unsigned long)(ptr) + (off)))

#define per_cpu_ptr(ptr, cpu)	SHIFT_PERCPU_PTR(ptr, per_cpu_offset(cpu))
#define raw_cpu_ptr(ptr)	per_cpu_ptr(ptr, sim_current_cpu())
#define this_cpu_ptr(ptr)	raw_cpu_ptr(ptr)
#define per_cpu(var, cpu)	(*per_cpu_ptr(&(var), cpu))

#define get_cpu_var(var)	(*({ preempt_disable(); this_cpu_ptr(&(var)); }))
#define put_cpu_var(var)	do { (void)&(var); preempt_enable(); } while (0)
#define get_cpu_ptr(ptr)	({ preempt_disable(); this_cpu_ptr(ptr); })
#define put_cpu_ptr(ptr)	do { (void)(ptr); preempt_enable(); } while (0)

/*
 * this_cpu_*() operations on integers and pointers.  SIM: the kernel makes
 * them safe against preemption and interrupts with one instruction on the
 * local CPU; here two threads may share a CPU, so they are relaxed
 * atomics on the CPU's copy (the __this_cpu_*() forms too).
 */
#define this_cpu_read(pcp)						\
	__atomic_load_n(this_cpu_ptr(&(pcp)), __ATOMIC_RELAXED)
#define this_cpu_write(pcp, val)					\
	__atomic_store_n(this_cpu_ptr(&(pcp)), (val), __ATOMIC_RELAXED)
#define this_cpu_add(pcp, val)						\
	((void)__atomic_fetch_add(this_cpu_ptr(&(pcp)), (val), __ATOMIC_RELAXED))
#define this_cpu_sub(pcp, val)						\
	((void)__atomic_fetch_sub(this_cpu_ptr(&(pcp)), (val), __ATOMIC_RELAXED))
#define this_cpu_inc(pcp)		this_cpu_add(pcp, 1)
#define this_cpu_dec(pcp)		this_cpu_sub(pcp, 1)
#define this_cpu_add_return(pcp, val)					\
	__atomic_add_fetch(this_cpu_ptr(&(pcp)), (val), __ATOMIC_RELAXED)
#define this_cpu_inc_return(pcp)	this_cpu_add_return(pcp, 1)
#define this_cpu_xchg(pcp, val)						\
	__atomic_exchange_n(this_cpu_ptr(&(pcp)), (val), __ATOMIC_RELAXED)

#define __this_cpu_read(pcp)		this_cpu_read(pcp)
#define __this_cpu_write(pcp, val)	this_cpu_write(pcp, val)
#define __this_cpu_add(pcp, val)	this_cpu_add(pcp, val)
#define __this_cpu_sub(pcp, val)	this_cpu_sub(pcp, val)
#define __this_cpu_inc(pcp)		this_cpu_inc(pcp)
#define __this_cpu_dec(pcp)		this_cpu_dec(pcp)
#define raw_cpu_read(pcp)		this_cpu_read(pcp)
#define raw_cpu_write(pcp, val)		this_cpu_write(pcp, val)
#define raw_cpu_add(pcp, val)		this_cpu_add(pcp, val)
#define raw_cpu_inc(pcp)		this_cpu_inc(pcp)

#endif /* __LINUX_PERCPU_H */
