// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Per-CPU data: each simulated CPU has its own copy of the section;
 * threads sharing a CPU never overlap in get_cpu_var()/local_lock()
 * sections; CPU hotplug states run their callbacks per CPU.
 */
#include <linux/cpuhotplug.h>
#include <linux/kernel.h>
#include <linux/local_lock.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <pthread.h>
#include <sched.h>

#include <errno.h>
#include "test_helpers.h"

struct pcpu_test {
	int value;
	int in_use;		/* atomic: a thread is inside */
	unsigned long counter;	/* plain: the CPU lock protects it */
	local_lock_t lock;
};

/* The test's own per-CPU variable, in the same section as the library's. */
static DEFINE_PER_CPU(struct pcpu_test, pcpu) = {
	.value = 7,
	.lock = INIT_LOCAL_LOCK(lock),
};
static DEFINE_PER_CPU(unsigned long, pcpu_events);

static int overlap_errors;

/* A 64 MiB machine of @nr_cpus simulated CPUs. */
#define boot_cpus(nr_cpus)	test_boot_cpus(64ULL << 20, 7, (nr_cpus))

/* --- own copies -------------------------------------------------------- */

static pthread_barrier_t barrier;

struct own_arg {
	int cpu;
	int seen_before;	/* the copy's value before this thread wrote */
};

static void *own_copy(void *arg)
{
	struct own_arg *a = arg;
	struct pcpu_test *p;

	a->cpu = smp_processor_id();
	pthread_barrier_wait(&barrier);	/* everyone has its CPU */
	p = this_cpu_ptr(&pcpu);
	a->seen_before = p->value;
	p->value = 100 + a->cpu;
	return NULL;
}

static void test_own_copy(void **state)
{
	struct own_arg args[4];
	pthread_t t[4];
	int i, j;

	boot_cpus(4);
	assert_int_equal(nr_cpu_ids, 4);
	assert_int_equal(num_possible_cpus(), 4);
	pthread_barrier_init(&barrier, NULL, 4);
	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, own_copy, &args[i]), 0);
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&barrier);
	for (i = 0; i < 4; i++) {
		assert_in_range(args[i].cpu, 0, 3);
		assert_int_equal(args[i].seen_before, 7);	/* from the template */
		for (j = 0; j < i; j++)
			assert_int_not_equal(args[i].cpu, args[j].cpu);
		assert_int_equal(per_cpu(pcpu, args[i].cpu).value, 100 + args[i].cpu);
	}
	/* The template itself is never written. */
	assert_int_equal(pcpu.value, 7);
	assert_ptr_not_equal(per_cpu_ptr(&pcpu, 0), per_cpu_ptr(&pcpu, 1));
	test_shutdown();

	/* A new boot starts again from the template. */
	boot_cpus(2);
	for (i = 0; i < 2; i++)
		assert_int_equal(per_cpu(pcpu, i).value, 7);
	test_shutdown();
}

/* --- more threads than CPUs -------------------------------------------- */

static int rounds(void)
{
	return test_under_valgrind() ? 300 : 5000;
}

static void enter(struct pcpu_test *p)
{
	if (__atomic_exchange_n(&p->in_use, 1, __ATOMIC_RELAXED))
		__atomic_fetch_add(&overlap_errors, 1, __ATOMIC_RELAXED);
	p->counter++;
	if (!(p->counter & 63))
		sched_yield();	/* let another thread of this CPU try */
	__atomic_store_n(&p->in_use, 0, __ATOMIC_RELAXED);
}

static void *get_cpu_var_worker(void *arg)
{
	int i;

	for (i = 0; i < rounds(); i++) {
		if ((long)arg & 1) {
			enter(&get_cpu_var(pcpu));
			put_cpu_var(pcpu);
		} else {
			local_lock(&pcpu.lock);
			enter(this_cpu_ptr(&pcpu));
			local_unlock(&pcpu.lock);
		}
		this_cpu_inc(pcpu_events);
	}
	return NULL;
}

static void test_shared_cpus_never_overlap(void **state)
{
	pthread_t t[8];
	unsigned long total = 0, events = 0;
	long i;
	int cpu;

	boot_cpus(2);
	overlap_errors = 0;
	for (i = 0; i < 8; i++)
		assert_int_equal(pthread_create(&t[i], NULL, get_cpu_var_worker,
						(void *)i), 0);
	for (i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	for_each_possible_cpu(cpu) {
		total += per_cpu(pcpu, cpu).counter;
		events += per_cpu(pcpu_events, cpu);
	}
	assert_int_equal(overlap_errors, 0);
	assert_int_equal(total, 8UL * rounds());
	assert_int_equal(events, 8UL * rounds());
	test_shutdown();
}

static void test_preempt_nesting(void **state)
{
	unsigned long warns;
	int cpu;

	boot_cpus(2);
	assert_int_equal(preempt_count(), 0);
	cpu = get_cpu();
	preempt_disable();
	assert_int_equal(preempt_count(), 2);
	assert_true(in_atomic());
	assert_int_equal(smp_processor_id(), cpu);
	warns = zsim_warn_count();
	might_sleep();
	assert_int_equal(zsim_warn_count(),
			 warns + (IS_ENABLED(CONFIG_DEBUG_SPINLOCK) ? 1 : 0));
	preempt_enable();
	put_cpu();
	assert_int_equal(preempt_count(), 0);
	assert_false(in_interrupt());
	if (IS_ENABLED(CONFIG_DEBUG_SPINLOCK)) {
		EXPECT_BUG(preempt_enable());
		/* The BUG fired before the count moved. */
		assert_int_equal(preempt_count(), 0);
		local_lock(&pcpu.lock);
		EXPECT_BUG(local_lock(&pcpu.lock));	/* recursion */
		preempt_enable();	/* the nested disable that BUG left */
		local_unlock(&pcpu.lock);
	}
	test_shutdown();
}

/* --- CPU hotplug --------------------------------------------------------- */

static unsigned long up_mask, down_mask;
static int fail_cpu = -1;

static int cpu_up(unsigned int cpu)
{
	if ((int)cpu == fail_cpu)
		return -ENOMEM;
	up_mask |= 1UL << cpu;
	return 0;
}

static int cpu_down(unsigned int cpu)
{
	down_mask |= 1UL << cpu;
	return 0;
}

static void test_cpuhp(void **state)
{
	int dyn;

	boot_cpus(4);
	up_mask = down_mask = 0;
	fail_cpu = -1;
	assert_int_equal(cpuhp_setup_state(CPUHP_MM_ZS_PREPARE, "test:prepare",
					   cpu_up, cpu_down), 0);
	assert_int_equal(up_mask, 0xf);
	assert_int_equal(down_mask, 0);
	/* A fixed state is taken once. */
	assert_int_equal(cpuhp_setup_state(CPUHP_MM_ZS_PREPARE, "again",
					   cpu_up, cpu_down), -EBUSY);
	cpuhp_remove_state(CPUHP_MM_ZS_PREPARE);
	assert_int_equal(down_mask, 0xf);

	up_mask = down_mask = 0;
	dyn = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "test:dyn", cpu_up, cpu_down);
	assert_true(dyn > 0);
	assert_int_equal(up_mask, 0xf);
	assert_int_equal(cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "test:dyn2",
					   cpu_up, NULL), dyn + 1);
	cpuhp_remove_state(dyn);
	cpuhp_remove_state(dyn + 1);
	assert_int_equal(down_mask, 0xf);

	/* Startup fails on CPU 2: CPUs 0 and 1 are torn down again. */
	up_mask = down_mask = 0;
	fail_cpu = 2;
	assert_int_equal(cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "test:fail",
					   cpu_up, cpu_down), -ENOMEM);
	assert_int_equal(up_mask, 0x3);
	assert_int_equal(down_mask, 0x3);
	fail_cpu = -1;
	test_shutdown();
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_own_copy),
		cmocka_unit_test(test_shared_cpus_never_overlap),
		cmocka_unit_test(test_preempt_nesting),
		cmocka_unit_test(test_cpuhp),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests_name("percpu", tests, NULL, NULL);
}
