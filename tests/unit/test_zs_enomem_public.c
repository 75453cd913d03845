// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Out of memory through the public API only, on both implementations
 * (this project's lib/zsmalloc.c and, labelled "linux", the kernel's own
 * mm/zsmalloc.c behind linuxzs/adapter.c): the Nth slab object or page
 * allocation fails (zsim fault injection), and every call either succeeds
 * or fails cleanly with -ENOMEM, leaving the pool usable and, once
 * everything is destroyed, nothing allocated (the teardown's zsim_exit()
 * check).
 */
#include <errno.h>
#include "test_helpers.h"
#include <zsmalloc/zsmalloc.h>
#include "impl_helpers.h"

static void fail_slab_nth(uint64_t nth)
{
	struct zsim_fault_config f;

	zsim_fault_config_default(&f);
	f.slab_fail_nth = nth;
	assert_int_equal(zsim_fault_set(&f), 0);
}

static void fail_page_nth(uint64_t nth)
{
	struct zsim_fault_config f;

	zsim_fault_config_default(&f);
	f.page_fail_nth = nth;
	assert_int_equal(zsim_fault_set(&f), 0);
}

static void no_faults(void)
{
	struct zsim_fault_config f;

	zsim_fault_config_default(&f);
	assert_int_equal(zsim_fault_set(&f), 0);
}

/* Pool creation fails at every one of its allocations in turn, then works. */
static void test_create_pool_each_allocation(void **state)
{
	struct zs_pool *pool = NULL;
	unsigned int failures = 0;

	(void)state;
	for (uint64_t nth = 1; nth < 200 && !pool; nth++) {
		fail_slab_nth(nth);
		errno = 0;
		pool = zs_create_pool("enomem");
		no_faults();
		if (!pool) {
			assert_int_equal(errno, ENOMEM);
			failures++;
		}
	}
	printf("# pool creation failed cleanly at %u allocations before it succeeded\n", failures);
	assert_non_null(pool);
	assert_true(failures >= 2);	/* at least the pool and its name */
	zs_destroy_pool(pool);
}

static void test_malloc_enomem(void **state)
{
	struct zs_pool *pool = zs_create_pool("enomem");
	char buf[600], copy[600];
	unsigned long h, keep;

	(void)state;
	assert_non_null(pool);
	memset(buf, 0x5a, sizeof(buf));
	keep = zs_malloc(pool, sizeof(buf), ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
	assert_false(zs_is_err_handle(keep));
	zs_obj_write(pool, keep, buf, sizeof(buf));

	/* the handle's slab object */
	fail_slab_nth(1);
	h = zs_malloc(pool, 100, ZS_GFP_NOWAIT, ZS_NUMA_NO_NODE);
	no_faults();
	assert_int_equal(zs_handle_errno(h), -ENOMEM);

	/* a new zspage's page (a class with no zspage yet) */
	fail_page_nth(1);
	h = zs_malloc(pool, 3000, ZS_GFP_NOWAIT, ZS_NUMA_NO_NODE);
	no_faults();
	assert_int_equal(zs_handle_errno(h), -ENOMEM);

	/* still usable, and the kept object intact */
	h = zs_malloc(pool, 3000, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
	assert_false(zs_is_err_handle(h));
	zs_free(pool, h);
	{
		const void *mem = zs_obj_read_begin(pool, keep, sizeof(buf), copy);

		assert_memory_equal(mem, buf, sizeof(buf));
		zs_obj_read_end(pool, keep, sizeof(buf), mem);
	}
	zs_free(pool, keep);
	zs_destroy_pool(pool);
}

static void discard(void *arg, const char *text)
{
	(void)arg;
	(void)text;
}

/* The printers and zs_zspage_info(): a result, or -ENOMEM and nothing. */
static void test_printers_enomem(void **state)
{
	struct zs_pool *pool = zs_create_pool("enomem");
	struct zs_zspage_info *info = calloc(1, sizeof(*info));
	unsigned long h;
	uint64_t pfn;
	int ret;

	(void)state;
	assert_non_null(pool);
	assert_non_null(info);
	h = zs_malloc(pool, 500, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
	assert_false(zs_is_err_handle(h));
	assert_int_equal(zs_handle_pfn(pool, h, &pfn), 0);

	fail_slab_nth(1);
	ret = zs_print_mm_stat_cb(pool, NULL, discard, NULL);
	no_faults();
	/* the adapter builds its seq_file in slab memory; ours on the stack */
	assert_int_equal(ret, test_impl_linux() ? -ENOMEM : 0);

	fail_slab_nth(1);
	info->size = sizeof(*info);
	ret = zs_zspage_info(pool, pfn, info);
	no_faults();
	assert_int_equal(ret, test_impl_linux() ? -ENOMEM : 0);
	info->size = sizeof(*info);
	assert_int_equal(zs_zspage_info(pool, pfn, info), 0);
	assert_int_equal(info->inuse, 1);

	fail_slab_nth(1);
	ret = zs_print_classes_cb(pool, discard, NULL);
	no_faults();
	assert_true(ret == 0 || ret == -ENOMEM);
	assert_int_equal(zs_print_classes_cb(pool, discard, NULL), 0);

	free(info);
	zs_free(pool, h);
	zs_destroy_pool(pool);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_pool_each_allocation,
						test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_malloc_enomem,
						test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_printers_enomem,
						test_setup_small_machine, test_teardown_machine),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests_name("out of memory, public API", tests, NULL, NULL);
}
