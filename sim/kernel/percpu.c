// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Simulated CPUs: which CPU a thread runs on, the per-CPU areas, the CPU
 * locks behind preempt_disable() and CPU hotplug states (the scheduler
 * entry points, cond_resched(), msleep()..., are in kernel/sched.c).
 *
 * The per-CPU template is the "sim_percpu" section that DEFINE_PER_CPU()
 * fills; the linker brackets it with __start_/__stop_ symbols, hidden
 * here, and which the shared library's version script (cmake/zsmalloc.map)
 * makes local, so they are not exported.  At boot
 * each CPU gets a copy of the template, as the kernel's setup_per_cpu_areas()
 * does, and sim_per_cpu_offset[] says where.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/cpuhotplug.h>
#include <linux/kernel.h>
#include <linux/local_lock.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <sim/internal.h>

/*
 * Section bounds, from the linker; hidden so the .so uses its own.  They
 * bound one section, not two objects: compare them as addresses.
 */
extern __sim_hidden char __start_sim_percpu[];
extern __sim_hidden char __stop_sim_percpu[];

/*
 * Which CPU each thread is on: assigned on first use in each boot (the
 * generation changes at boot and at exit).  Generation 0 is "no machine":
 * every thread is on CPU 0 and sees the template.
 */
__sim_tls unsigned int sim_this_cpu;
__sim_tls unsigned int sim_this_cpu_gen;
__sim_tls int sim_preempt_count;
__sim_tls unsigned int sim_preempt_cpu;
unsigned int sim_percpu_generation;
struct sim_cpu_lock sim_cpu_lock[NR_CPUS];
unsigned long sim_per_cpu_offset[NR_CPUS];
unsigned int sim_nr_cpu_ids = 1;

/* The kernel's cpu_number: also makes sure the section is never empty. */
static DEFINE_PER_CPU(unsigned int, cpu_number);

static unsigned int next_cpu;
static void *percpu_area;

void sim_assign_cpu(void)
{
	unsigned int gen = __atomic_load_n(&sim_percpu_generation, __ATOMIC_ACQUIRE);
	unsigned int nr = __atomic_load_n(&sim_nr_cpu_ids, __ATOMIC_RELAXED);

	/* Round-robin: the first thread to ask is CPU 0, the next CPU 1... */
	sim_this_cpu = __atomic_fetch_add(&next_cpu, 1, __ATOMIC_RELAXED) % nr;
	sim_this_cpu_gen = gen;
}

void sim_preempt_count_underflow(void)
{
	sim_bug(__FILE__, __LINE__, __func__,
		"preempt_enable() without preempt_disable()");
}

int sim_percpu_init(const struct zsim_config *cfg)
{
	size_t size = (uintptr_t)__stop_sim_percpu -
		      (uintptr_t)__start_sim_percpu;
	size_t unit = ALIGN(size ? size : 1, 4096);
	unsigned int cpu;
	char *area;

	/* Page-aligned copies keep whatever alignment the template has. */
	area = aligned_alloc(4096, unit * cfg->nr_cpus);
	if (!area) {
		sim_set_error("cannot allocate %u per-CPU areas of %zu bytes",
			      cfg->nr_cpus, unit);
		return -ENOMEM;
	}
	for (cpu = 0; cpu < cfg->nr_cpus; cpu++) {
		memcpy(area + cpu * unit, __start_sim_percpu, size);
		sim_per_cpu_offset[cpu] = (unsigned long)(area + cpu * unit) -
					  (unsigned long)__start_sim_percpu;
		*per_cpu_ptr(&cpu_number, cpu) = cpu;
	}
	for (; cpu < NR_CPUS; cpu++)
		sim_per_cpu_offset[cpu] = 0;
	percpu_area = area;
	__atomic_store_n(&next_cpu, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&sim_nr_cpu_ids, cfg->nr_cpus, __ATOMIC_RELAXED);
	/* Publish the areas: threads re-read their CPU after this. */
	__atomic_add_fetch(&sim_percpu_generation, 1, __ATOMIC_RELEASE);
	return 0;
}

static void cpuhp_forget_all(void);

void sim_percpu_exit(void)
{
	unsigned int cpu;

	cpuhp_forget_all();
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		if (__atomic_load_n(&sim_cpu_lock[cpu].word, __ATOMIC_RELAXED))
			pr_warn("zsim: CPU %u still has preemption disabled at shutdown\n",
				cpu);
		sim_per_cpu_offset[cpu] = 0;
	}
	__atomic_store_n(&sim_nr_cpu_ids, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&sim_percpu_generation, 1, __ATOMIC_RELEASE);
	free(percpu_area);
	percpu_area = NULL;
}

/* --- local_lock_t debug checks ------------------------------------------ */

void sim_local_lock_acquired(local_lock_t *l)
{
	int owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);

	if (owner == sim_gettid())
		sim_bug(__FILE__, __LINE__, __func__,
			"local_lock(): recursion on this CPU's lock");
	if (owner)
		sim_bug(__FILE__, __LINE__, __func__,
			"local_lock(): this CPU's lock is held by another thread");
	__atomic_store_n(&l->owner, sim_gettid(), __ATOMIC_RELAXED);
}

void sim_local_lock_release(local_lock_t *l)
{
	if (__atomic_load_n(&l->owner, __ATOMIC_RELAXED) != sim_gettid())
		sim_bug(__FILE__, __LINE__, __func__,
			"local_unlock(): this CPU's lock is not held by this thread");
	__atomic_store_n(&l->owner, 0, __ATOMIC_RELAXED);
}

/* --- CPU hotplug states ------------------------------------------------- */

struct cpuhp_step {
	const char *name;
	int (*startup)(unsigned int cpu);
	int (*teardown)(unsigned int cpu);
};

static pthread_mutex_t cpuhp_state_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct cpuhp_step cpuhp_steps[CPUHP_ONLINE + 1];

static int cpuhp_reserve(enum cpuhp_state state)
{
	int first, last, s;

	if (state == CPUHP_AP_ONLINE_DYN) {
		first = CPUHP_AP_ONLINE_DYN;
		last = CPUHP_AP_ONLINE_DYN_END;
	} else if (state == CPUHP_BP_PREPARE_DYN) {
		first = CPUHP_BP_PREPARE_DYN;
		last = CPUHP_BP_PREPARE_DYN_END;
	} else {
		if (state <= CPUHP_OFFLINE || state >= CPUHP_ONLINE)
			return -EINVAL;
		return cpuhp_steps[state].name ? -EBUSY : (int)state;
	}
	for (s = first; s < last; s++)
		if (!cpuhp_steps[s].name)
			return s;
	return -ENOSPC;
}

int sim_cpuhp_setup_state(enum cpuhp_state state, const char *name,
			  int (*startup)(unsigned int cpu),
			  int (*teardown)(unsigned int cpu), bool invoke)
{
	bool dynamic = state == CPUHP_AP_ONLINE_DYN ||
		       state == CPUHP_BP_PREPARE_DYN;
	unsigned int cpu, done;
	int s, err = 0;

	if (!name)
		return -EINVAL;
	sim_machine_get();
	pthread_mutex_lock(&cpuhp_state_mutex);
	s = cpuhp_reserve(state);
	if (s < 0) {
		pthread_mutex_unlock(&cpuhp_state_mutex);
		return s;
	}
	if (invoke && startup) {
		for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
			err = startup(cpu);
			if (err)
				break;
		}
		if (err) {
			/* Roll the CPUs already set up back. */
			for (done = 0; done < cpu; done++)
				if (teardown)
					teardown(done);
			pthread_mutex_unlock(&cpuhp_state_mutex);
			return err < 0 ? err : -EINVAL;
		}
	}
	cpuhp_steps[s].name = name;
	cpuhp_steps[s].startup = startup;
	cpuhp_steps[s].teardown = teardown;
	pthread_mutex_unlock(&cpuhp_state_mutex);
	return dynamic ? s : 0;
}

void sim_cpuhp_remove_state(enum cpuhp_state state, bool invoke)
{
	struct cpuhp_step *step;
	unsigned int cpu;

	BUG_ON(state <= CPUHP_OFFLINE || state >= CPUHP_ONLINE);
	pthread_mutex_lock(&cpuhp_state_mutex);
	step = &cpuhp_steps[state];
	if (WARN_ON(!step->name)) {
		pthread_mutex_unlock(&cpuhp_state_mutex);
		return;
	}
	if (invoke && step->teardown)
		for (cpu = 0; cpu < nr_cpu_ids; cpu++)
			step->teardown(cpu);
	memset(step, 0, sizeof(*step));
	pthread_mutex_unlock(&cpuhp_state_mutex);
}

/*
 * At shutdown, states nobody removed are forgotten without teardown: the
 * memory their callbacks would free is gone with the machine.
 */
static void cpuhp_forget_all(void)
{
	int s;

	pthread_mutex_lock(&cpuhp_state_mutex);
	for (s = 0; s <= CPUHP_ONLINE; s++) {
		if (!cpuhp_steps[s].name)
			continue;
		pr_warn("zsim: CPU hotplug state %d (%s) still set up at shutdown\n",
			s, cpuhp_steps[s].name);
		memset(&cpuhp_steps[s], 0, sizeof(cpuhp_steps[s]));
	}
	pthread_mutex_unlock(&cpuhp_state_mutex);
}
