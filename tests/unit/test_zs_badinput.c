// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Bad handles: with the debug checks, a handle that is not from the pool,
 * a freed handle, or a double free is caught by BUG() with a message
 * before anything is touched; error handles and 0 are refused quietly.
 * Live objects stay intact throughout.
 */
#include <linux/kconfig.h>
#include "test_helpers.h"
#include <zsmalloc/zsmalloc.h>

static struct zs_pool *pool, *other;
static unsigned long keep;
static const char keep_data[] = "survives every bad call";

static int setup(void **state)
{
	test_boot(64ULL << 20, 7);
	pool = zs_create_pool("bad");
	other = zs_create_pool("other");
	keep = zs_malloc(pool, sizeof(keep_data), ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
	zs_obj_write(pool, keep, (void *)keep_data, sizeof(keep_data));
	return 0;
}

static int teardown(void **state)
{
	char copy[sizeof(keep_data)];
	char *p = zs_obj_read_begin(pool, keep, sizeof(keep_data), copy);

	assert_string_equal(p, keep_data);
	zs_obj_read_end(pool, keep, sizeof(keep_data), p);
	zs_free(pool, keep);
	zs_destroy_pool(pool);
	zs_destroy_pool(other);
	test_shutdown();
	return 0;
}

static void require_debug_checks(void)
{
	if (!IS_ENABLED(CONFIG_DEBUG_VM)) {
		printf("# handle checks need ZSMALLOC_DEBUG_VM=ON; skipped\n");
		skip();
	}
}

static void test_foreign_handle(void **state)
{
	unsigned long *word = calloc(1, sizeof(*word));

	require_debug_checks();
	EXPECT_BUG(zs_free(pool, (unsigned long)word));
	EXPECT_BUG(zs_map_object(pool, (unsigned long)word, ZS_MM_RO));
	EXPECT_BUG(zs_obj_write(pool, (unsigned long)word, word, 1));
	free(word);
}

static void test_handle_of_another_pool(void **state)
{
	unsigned long h;
	char buf[8] = "x";

	require_debug_checks();
	h = zs_malloc(other, 100, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
	EXPECT_BUG(zs_free(pool, h));
	EXPECT_BUG(zs_obj_read_begin(pool, h, 1, buf));
	zs_free(other, h);
}

static void test_double_free(void **state)
{
	unsigned long h;

	require_debug_checks();
	h = zs_malloc(pool, 300, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
	zs_free(pool, h);
	EXPECT_BUG(zs_free(pool, h));
	EXPECT_BUG(zs_map_object(pool, h, ZS_MM_RW));
}

static void test_error_and_zero_handles(void **state)
{
	unsigned long warns = zsim_warn_count();
	unsigned long err = zs_malloc(pool, 0, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);

	assert_true(zs_is_err_handle(err));
	zs_free(pool, err);		/* refused with a warning */
	assert_true(zsim_warn_count() > warns);
	zs_free(pool, 0);		/* a no-op, as in the kernel */
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_foreign_handle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_handle_of_another_pool, setup, teardown),
		cmocka_unit_test_setup_teardown(test_double_free, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_and_zero_handles, setup, teardown),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests_name("zsmalloc bad input", tests, NULL, NULL);
}
