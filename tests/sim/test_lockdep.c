// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * lockdep-style checking (kernel/lockdep.c): a planted AB/BA inversion and
 * a three-lock cycle are reported with their init sites and stacks, a
 * trylock or a pair of readers is no inversion, sleeping under a spinning
 * lock or with preemption disabled is reported, correct nesting is not.
 * In a release build nothing is checked and nothing is reported.
 */
#include <linux/bit_spinlock.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/pagemap.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <stdlib.h>

#include "test_helpers.h"

/* The graph is on in debug builds, but not under ThreadSanitizer. */
static int proving;
#define SLEEP_CHECKS	IS_ENABLED(CONFIG_DEBUG_ATOMIC_SLEEP)

static int setup(void **state)
{
	sim_lockdep_reset();
	proving = sim_lockdep_enabled();
	assert_true(proving <= IS_ENABLED(CONFIG_PROVE_LOCKING));
	return test_setup_small_machine(state);
}

static int teardown(void **state)
{
	int ret = test_teardown_machine(state);

	sim_lockdep_reset();
	return ret;
}

static int count_of(const char *haystack, const char *needle)
{
	int n = 0;

	while ((haystack = strstr(haystack, needle))) {
		n++;
		haystack += strlen(needle);
	}
	return n;
}

/* Nothing was reported and checking is still on (where it exists). */
static void assert_silent(unsigned long warns)
{
	assert_int_equal(zsim_warn_count(), warns);
	assert_string_equal(sim_lockdep_report(), "");
	assert_int_equal(sim_lockdep_enabled(), proving);
}

struct two_locks {
	spinlock_t a;
	spinlock_t b;
};

static noinline void take_a_then_b(struct two_locks *l)
{
	spin_lock(&l->a);
	spin_lock(&l->b);
	spin_unlock(&l->b);
	spin_unlock(&l->a);
}

static noinline void take_b_then_a(struct two_locks *l)
{
	spin_lock(&l->b);
	spin_lock(&l->a);
	spin_unlock(&l->a);
	spin_unlock(&l->b);
}

static void test_ab_ba_reported(void **state)
{
	struct two_locks l;
	unsigned long warns = zsim_warn_count();
	const char *r;

	spin_lock_init(&l.a);
	spin_lock_init(&l.b);
	take_a_then_b(&l);
	assert_silent(warns);
	if (!proving) {
		take_b_then_a(&l);
		assert_silent(warns);
		return;
	}

	/* The report is a WARN: made fatal, the BUG handler sees it. */
	setenv("ZSIM_PANIC_ON_WARN", "1", 1);
	spin_lock(&l.b);
	EXPECT_BUG(spin_lock(&l.a));
	unsetenv("ZSIM_PANIC_ON_WARN");
	/* Reported before the lock is taken: a is free, b still held. */
	assert_false(spin_is_locked(&l.a));
	spin_unlock(&l.b);
	assert_non_null(strstr(test_bug_message,
			       "possible circular locking dependency detected"));

	r = sim_lockdep_report();
	assert_non_null(strstr(r, "WARNING: possible circular locking dependency detected"));
	/* Both classes, by the init macro's argument and its site. */
	assert_non_null(strstr(r, "is trying to acquire lock:\n  (&l.a){spinlock}, initialised at "));
	assert_non_null(strstr(r, "but it already holds lock:\n  (&l.b){spinlock}, initialised at "));
	assert_int_equal(count_of(r, "test_lockdep.c:"), 6);
	/* Both stacks: where a -> b was first seen, and the new b -> a. */
	assert_non_null(strstr(r, "-> #0 (&l.b){spinlock}"));
	assert_non_null(strstr(r, "acquired while holding (&l.a){spinlock}"));
	assert_non_null(strstr(r, ", first at:\n       "));
	assert_non_null(strstr(r, "and now, the new dependency (&l.b){spinlock}"));
	assert_true(count_of(r, "test_lockdep(") >= 4);
	assert_non_null(strstr(r, "*** DEADLOCK ***"));

	/* Reported once: lockdep is off now, as the kernel's after a report. */
	assert_false(sim_lockdep_enabled());
	warns = zsim_warn_count();
	take_b_then_a(&l);
	take_a_then_b(&l);
	assert_int_equal(zsim_warn_count(), warns);
}

static void test_three_lock_cycle(void **state)
{
	struct mutex a, b, c;
	unsigned long warns = zsim_warn_count();
	const char *r;

	mutex_init(&a);
	mutex_init(&b);
	mutex_init(&c);
	mutex_lock(&a);
	mutex_lock(&b);
	mutex_unlock(&b);
	mutex_unlock(&a);
	mutex_lock(&b);
	mutex_lock(&c);
	mutex_unlock(&c);
	mutex_unlock(&b);
	assert_silent(warns);
	/* c -> a closes a -> b -> c. */
	mutex_lock(&c);
	mutex_lock(&a);
	mutex_unlock(&a);
	mutex_unlock(&c);
	if (!proving) {
		assert_silent(warns);
		return;
	}
	assert_int_equal(zsim_warn_count(), warns + 1);
	r = sim_lockdep_report();
	assert_non_null(strstr(r, "is trying to acquire lock:\n  (&a){mutex}"));
	assert_non_null(strstr(r, "but it already holds lock:\n  (&c){mutex}"));
	/* The chain a -> b -> c, each edge with its stack. */
	assert_non_null(strstr(r, "-> #0 (&c){mutex}"));
	assert_non_null(strstr(r, "acquired while holding (&b){mutex}"));
	assert_non_null(strstr(r, "-> #1 (&b){mutex}"));
	assert_non_null(strstr(r, "acquired while holding (&a){mutex}"));
	assert_int_equal(count_of(r, ", first at:\n"), 2);
}

static void test_trylock_inversion_not_reported(void **state)
{
	struct two_locks l;
	struct mutex m1, m2;
	unsigned long warns = zsim_warn_count();

	spin_lock_init(&l.a);
	spin_lock_init(&l.b);
	mutex_init(&m1);
	mutex_init(&m2);
	take_a_then_b(&l);
	/* b then a, but a only tried: a trylock cannot deadlock. */
	spin_lock(&l.b);
	assert_true(spin_trylock(&l.a));
	spin_unlock(&l.a);
	spin_unlock(&l.b);

	mutex_lock(&m1);
	mutex_lock(&m2);
	mutex_unlock(&m2);
	mutex_unlock(&m1);
	mutex_lock(&m2);
	assert_true(mutex_trylock(&m1));
	mutex_unlock(&m1);
	mutex_unlock(&m2);
	assert_silent(warns);
}

static void test_readers_recursive(void **state)
{
	rwlock_t rw;
	spinlock_t s;
	unsigned long warns = zsim_warn_count();

	rwlock_init(&rw);
	spin_lock_init(&s);
	/* A reader nests in itself, and readers in any order are no cycle. */
	read_lock(&rw);
	read_lock(&rw);
	spin_lock(&s);
	spin_unlock(&s);
	read_unlock(&rw);
	read_unlock(&rw);
	spin_lock(&s);
	read_lock(&rw);
	read_unlock(&rw);
	spin_unlock(&s);
	assert_silent(warns);

	/* A writer orders: s -> rw (read) above, now rw (write) -> s. */
	write_lock(&rw);
	spin_lock(&s);
	spin_unlock(&s);
	write_unlock(&rw);
	assert_int_equal(zsim_warn_count(), warns + proving);
	if (proving)
		assert_non_null(strstr(sim_lockdep_report(),
				       "is trying to acquire lock:\n  (&s){spinlock}"));
}

static void test_sleep_under_spinlock(void **state)
{
	struct page *page = alloc_page(GFP_KERNEL);
	unsigned long word = 0;
	unsigned long warns;
	spinlock_t s;
	rwlock_t rw;
	struct mutex m;
	void *p;

	assert_non_null(page);
	spin_lock_init(&s);
	rwlock_init(&rw);
	mutex_init(&m);

	warns = zsim_warn_count();
	spin_lock(&s);
	mutex_lock(&m);
	mutex_unlock(&m);
	spin_unlock(&s);
	assert_int_equal(zsim_warn_count(), warns + SLEEP_CHECKS);

	warns = zsim_warn_count();
	spin_lock(&s);
	lock_page(page);
	unlock_page(page);
	spin_unlock(&s);
	assert_int_equal(zsim_warn_count(), warns + SLEEP_CHECKS);

	/* A sleeping allocation under a reader (slab, maybe page too). */
	warns = zsim_warn_count();
	read_lock(&rw);
	p = kmalloc(64, GFP_KERNEL);
	read_unlock(&rw);
	kfree(p);
	assert_true(zsim_warn_count() >= warns + SLEEP_CHECKS);

	/* cond_resched() under a bit spinlock. */
	warns = zsim_warn_count();
	bit_spin_lock(0, &word);
	cond_resched();
	bit_spin_unlock(0, &word);
	assert_int_equal(zsim_warn_count(), warns + SLEEP_CHECKS);

	/* The same calls outside the locks, and atomic allocations inside. */
	warns = zsim_warn_count();
	mutex_lock(&m);
	lock_page(page);
	unlock_page(page);
	mutex_unlock(&m);
	spin_lock(&s);
	p = kmalloc(64, GFP_ATOMIC);
	spin_unlock(&s);
	kfree(p);
	cond_resched();
	assert_int_equal(zsim_warn_count(), warns);
	__free_page(page);
}

static void test_sleep_under_preempt_disable(void **state)
{
	unsigned long warns = zsim_warn_count();
	struct mutex m;

	mutex_init(&m);
	preempt_disable();
	mutex_lock(&m);
	mutex_unlock(&m);
	preempt_enable();
	assert_int_equal(zsim_warn_count(), warns + SLEEP_CHECKS);
	warns = zsim_warn_count();
	mutex_lock(&m);
	mutex_unlock(&m);
	assert_int_equal(zsim_warn_count(), warns);
}

static void test_correct_nesting_silent(void **state)
{
	struct two_locks l;
	struct page *page = alloc_page(GFP_KERNEL);
	struct mutex m;
	unsigned long warns = zsim_warn_count();
	int i;

	assert_non_null(page);
	spin_lock_init(&l.a);
	spin_lock_init(&l.b);
	mutex_init(&m);
	for (i = 0; i < 3; i++) {
		mutex_lock(&m);
		lock_page(page);
		take_a_then_b(&l);
		spin_lock(&l.a);
		spin_unlock(&l.a);
		unlock_page(page);
		mutex_unlock(&m);
	}
	/* Out of order release is fine too. */
	spin_lock(&l.a);
	spin_lock(&l.b);
	spin_unlock(&l.a);
	spin_unlock(&l.b);
	assert_silent(warns);
	__free_page(page);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ab_ba_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(test_three_lock_cycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trylock_inversion_not_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readers_recursive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sleep_under_spinlock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sleep_under_preempt_disable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_correct_nesting_silent, setup, teardown),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests_name("lockdep", tests, NULL, NULL);
}
