// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * The machine's lifecycle: impossible configs refused with a reason,
 * repeated boot and shutdown without leaks, leaks reported, the default
 * machine booted on first use, configuration from the environment.
 */
#include "test_helpers.h"
#include <errno.h>
#include <zsmalloc/zsmalloc.h>

static void expect_refused(struct zsim_config *cfg, const char *word)
{
	assert_int_equal(zsim_init(cfg), -EINVAL);
	assert_false(zsim_running());
	assert_non_null(strstr(zsim_last_error(), word));
}

static void test_bad_configs(void **state)
{
	struct zsim_config cfg;

	zsim_config_default(&cfg);
	cfg.mem_bytes = (64ULL << 20) + 4096;
	expect_refused(&cfg, "multiple of a pageblock");
	/* mem_bytes 0 is the default limit; an initial size above a limit is refused */
	zsim_config_default(&cfg);
	cfg.mem_bytes = 32ULL << 20;
	cfg.mem_initial_bytes = 64ULL << 20;
	expect_refused(&cfg, "larger than the memory limit 32M");
	zsim_config_default(&cfg);
	cfg.nr_cpus = 0;
	expect_refused(&cfg, "CPUs");
	cfg.nr_cpus = ZSIM_MAX_CPUS + 1;
	expect_refused(&cfg, "CPUs");
	zsim_config_default(&cfg);
	cfg.pageblock_order = 11;
	expect_refused(&cfg, "pageblock order");
	cfg.pageblock_order = 0;
	expect_refused(&cfg, "pageblock order");
	zsim_config_default(&cfg);
	cfg.mem_bytes = 2ULL << 20;
	expect_refused(&cfg, "too small");
	zsim_config_default(&cfg);
	cfg.fault.page_fail_order = 11;
	expect_refused(&cfg, "order");
	zsim_config_default(&cfg);
	cfg.fault.page_fail_ppm = 1000001;
	expect_refused(&cfg, "per million");
}

static void test_boot_twice_refused(void **state)
{
	struct zsim_config cfg;

	test_boot(32ULL << 20, 9);
	zsim_config_default(&cfg);
	assert_int_equal(zsim_init(&cfg), -EBUSY);
	assert_true(zsim_running());
	test_shutdown();
	assert_false(zsim_running());
	/* nothing to shut down: fine */
	assert_int_equal(zsim_exit(), 0);
}

static void test_repeated_boot_with_pools(void **state)
{
	for (int round = 0; round < 8; round++) {
		struct zs_pool *pool;
		unsigned long h[64];
		struct zsim_config got;

		test_boot((16ULL + 8 * round) << 20, 5 + round % 4);
		assert_int_equal(zsim_get_config(&got), 0);
		assert_int_equal(got.mem_bytes, (16ULL + 8 * round) << 20);
		pool = zs_create_pool("round");
		assert_non_null(pool);
		for (int i = 0; i < 64; i++)
			h[i] = zs_malloc(pool, 100 + i * 50, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
		for (int i = 0; i < 64; i += 2)
			zs_free(pool, h[i]);
		zs_destroy_pool(pool);
		test_shutdown();
	}
	assert_int_equal(zsim_get_config(&(struct zsim_config){0}), -ENODEV);
}

static void test_leaks_reported(void **state)
{
	unsigned long pfn;

	test_boot(32ULL << 20, 9);
	pfn = zsim_alloc_pages(2, ZSIM_UNMOVABLE);
	assert_true(pfn != 0);
	/* one block of four pages still allocated */
	assert_int_equal(zsim_exit(), 4);
	assert_false(zsim_running());
}

static void test_default_machine_on_first_use(void **state)
{
	struct zs_pool *pool;
	struct zsim_config cfg;
	unsigned long h;

	assert_false(zsim_running());
	setenv("ZSIM_MEM", "48M", 1);
	setenv("ZSIM_CPUS", "3", 1);
	pool = zs_create_pool("implicit");
	unsetenv("ZSIM_MEM");
	unsetenv("ZSIM_CPUS");
	assert_non_null(pool);
	assert_true(zsim_running());
	assert_int_equal(zsim_get_config(&cfg), 0);
	assert_int_equal(cfg.mem_bytes, 48ULL << 20);
	assert_int_equal(cfg.nr_cpus, 3);
	h = zs_malloc(pool, 1000, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
	assert_false(zs_is_err_handle(h));
	zs_free(pool, h);
	zs_destroy_pool(pool);
	test_shutdown();
}

static void test_env_config(void **state)
{
	struct zsim_config cfg;

	zsim_config_default(&cfg);
	setenv("ZSIM_MEM", "1G", 1);
	setenv("ZSIM_PAGEBLOCK_ORDER", "7", 1);
	setenv("ZSIM_SEED", "99", 1);
	setenv("ZSIM_FAIL_PAGE_ORDER", "3", 1);
	assert_int_equal(zsim_config_from_env(&cfg), 0);
	assert_int_equal(cfg.mem_bytes, 1ULL << 30);
	assert_int_equal(cfg.pageblock_order, 7);
	assert_int_equal(cfg.seed, 99);
	assert_int_equal(cfg.fault.page_fail_order, 3);
	setenv("ZSIM_MEM", "lots", 1);
	assert_int_equal(zsim_config_from_env(&cfg), -EINVAL);
	assert_non_null(strstr(zsim_last_error(), "ZSIM_MEM"));
	setenv("ZSIM_MEM", "12X", 1);
	assert_int_equal(zsim_config_from_env(&cfg), -EINVAL);
	unsetenv("ZSIM_MEM");
	setenv("ZSIM_FAIL_PAGE_ORDER", "12", 1);
	assert_int_equal(zsim_config_from_env(&cfg), -EINVAL);
	unsetenv("ZSIM_FAIL_PAGE_ORDER");
	unsetenv("ZSIM_PAGEBLOCK_ORDER");
	unsetenv("ZSIM_SEED");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_configs),
		cmocka_unit_test(test_boot_twice_refused),
		cmocka_unit_test(test_repeated_boot_with_pools),
		cmocka_unit_test(test_leaks_reported),
		cmocka_unit_test(test_default_machine_on_first_use),
		cmocka_unit_test(test_env_config),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests_name("machine lifecycle", tests, NULL, NULL);
}
