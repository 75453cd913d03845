// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/* BUG(), BUG_ON(), VM_BUG_ON(), WARN_ON() and printk filtering. */
#include <linux/bug.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <pthread.h>
#include <sim/internal.h>

#include "test_helpers.h"

static void test_bug_on_caught(void **state)
{
	volatile int x = 2;

	EXPECT_BUG(BUG_ON(x + 1 == 3));
	assert_non_null(strstr(test_bug_message, "BUG: "));
	assert_non_null(strstr(test_bug_message, "test_bug.c:"));
	assert_non_null(strstr(test_bug_message, "test_bug_on_caught(): "));
	assert_non_null(strstr(test_bug_message, "BUG_ON(x + 1 == 3)"));

	/* A false condition does nothing. */
	BUG_ON(x == 3);
}

static void test_bug_caught(void **state)
{
	EXPECT_BUG(BUG());
	assert_non_null(strstr(test_bug_message, "BUG()"));
}

static void test_vm_bug_on(void **state)
{
	int evaluated = 0;

	/* Never true: only counts whether the expression ran. */
	VM_BUG_ON(evaluated++ == 42);
	assert_int_equal(evaluated, IS_ENABLED(CONFIG_DEBUG_VM) ? 1 : 0);
	if (IS_ENABLED(CONFIG_DEBUG_VM)) {
		EXPECT_BUG(VM_BUG_ON(evaluated == 1));
		assert_non_null(strstr(test_bug_message, "BUG_ON(evaluated == 1)"));
	} else {
		VM_BUG_ON(evaluated == 0);	/* compiled out: no BUG */
	}
}

static void test_warn_on(void **state)
{
	unsigned long before = zsim_warn_count();
	int i, fired = 0;

	assert_false(WARN_ON(0));
	assert_int_equal(zsim_warn_count(), before);
	assert_true(WARN_ON(1 + 1 == 2));
	assert_int_equal(zsim_warn_count(), before + 1);
	for (i = 0; i < 3; i++)
		fired += WARN_ON_ONCE(i >= 0);
	/* Returns the condition every time, warns once. */
	assert_int_equal(fired, 3);
	assert_int_equal(zsim_warn_count(), before + 2);
	assert_true(WARN(1, "test: %d\n", 5));
	assert_int_equal(zsim_warn_count(), before + 3);
}

static void test_warn_count_reset_at_boot(void **state)
{
	WARN_ON(1);
	assert_true(zsim_warn_count() > 0);
	test_shutdown();
	test_boot(64ULL << 20, 7);
	assert_int_equal(zsim_warn_count(), 0);
}

static void test_panic_on_warn(void **state)
{
	setenv("ZSIM_PANIC_ON_WARN", "1", 1);
	EXPECT_BUG(WARN_ON(1));
	unsetenv("ZSIM_PANIC_ON_WARN");
	assert_non_null(strstr(test_bug_message, "WARN_ON(1)"));
}

static void test_printk_level(void **state)
{
	/* The test machine's console level is 3: errors shown, warnings not. */
	assert_int_equal(pr_warn("test: hidden warning\n"), 0);
	assert_int_equal(pr_info("test: hidden info\n"), 0);
	assert_int_equal(pr_err("test: shown error %d\n", 1),
			 (int)strlen("test: shown error 1\n"));
}

static void *tid_thread(void *arg)
{
	*(int *)arg = sim_gettid();
	return NULL;
}

static void test_gettid(void **state)
{
	pthread_t t;
	int other = 0;

	assert_int_equal(sim_gettid(), sim_gettid());
	assert_true(sim_gettid() > 0);
	assert_int_equal(pthread_create(&t, NULL, tid_thread, &other), 0);
	pthread_join(t, NULL);
	assert_true(other > 0);
	assert_int_not_equal(other, sim_gettid());
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bug_on_caught),
		cmocka_unit_test(test_bug_caught),
		cmocka_unit_test(test_vm_bug_on),
		cmocka_unit_test(test_warn_on),
		cmocka_unit_test(test_warn_count_reset_at_boot),
		cmocka_unit_test(test_panic_on_warn),
		cmocka_unit_test(test_printk_level),
		cmocka_unit_test(test_gettid),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests_name("bug", tests,
					   test_setup_small_machine,
					   test_teardown_machine);
}
