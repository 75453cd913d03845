// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Statistics in the kernel's formats: a free-list state built step by
 * step on a 4 MiB machine (pfns 1024..2047, 256-page pageblocks), then
 * buddyinfo, pagetypeinfo, the unusable and extfrag indices and vmstat
 * checked against hand-computed text and numbers.
 */
#include "test_helpers.h"

#include <errno.h>

#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/vmstat.h>
#include <linux/log2.h>
#include <linux/smp.h>

static struct page *held[64];

/* Text printed by @print into a string (caller frees). */
static char *capture(int (*print)(FILE *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(print(f), 0);
	fclose(f);
	return buf;
}

static void expect_text(int (*print)(FILE *), const char *expected)
{
	char *text = capture(print);

	if (strcmp(text, expected))
		printf("# got:\n%s# expected:\n%s", text, expected);
	assert_string_equal(text, expected);
	free(text);
}

static int setup(void **state)
{
	(void)state;
	test_boot(4ULL << 20, 8);
	return 0;
}

/*
 * 64 single pages from the one order-10 block: pfns 1024..1087, leaving
 * free blocks of order 6, 7, 8 and 9 (at 1088, 1152, 1280, 1536).  Then
 * the even pages go back: 32 order-0 blocks whose buddies are in use.
 * Free: 32 + 64 + 128 + 256 + 512 = 992 pages in 36 blocks.
 */
static void build_state(void)
{
	int i;

	for (i = 0; i < 64; i++) {
		held[i] = alloc_page(GFP_KERNEL | __GFP_MOVABLE);
		assert_non_null(held[i]);
		assert_int_equal(page_to_pfn(held[i]), 1024 + i);
	}
	for (i = 0; i < 64; i += 2) {
		__free_page(held[i]);
		held[i] = NULL;
	}
}

static void release_state(void)
{
	int i;

	for (i = 0; i < 64; i++) {
		if (held[i])
			__free_page(held[i]);
		held[i] = NULL;
	}
}

static void test_fresh_buddyinfo(void **state)
{
	(void)state;
	expect_text(zsim_print_buddyinfo,
		    "Node 0, zone   Normal      0      0      0      0      0      0      0      0      0      0      1 \n");
	/* One free block that serves every order. */
	expect_text(zsim_print_unusable_index,
		    "Node 0, zone   Normal 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 \n");
}

static void test_buddyinfo_and_indices(void **state)
{
	static const int unusable[11] = {
		/* (992 - pages in blocks >= order) * 1000 / 992 */
		0, 32, 32, 32, 32, 32, 32, 96, 225, 483, 1000,
	};
	unsigned int order;

	(void)state;
	build_state();
	expect_text(zsim_print_buddyinfo,
		    "Node 0, zone   Normal     32      0      0      0      0      0      1      1      1      1      0 \n");

	for (order = 0; order < 11; order++)
		assert_int_equal(zsim_unusable_index(order), unusable[order]);
	expect_text(zsim_print_unusable_index,
		    "Node 0, zone   Normal 0.000 0.032 0.032 0.032 0.032 0.032 0.032 0.096 0.225 0.483 1.000 \n");

	/*
	 * Orders 0..9 would succeed: -1000.  Order 10:
	 * 1000 - (1000 + 992 * 1000 / 1024) / 36 = 1000 - 1968 / 36 = 946.
	 */
	for (order = 0; order < 10; order++)
		assert_int_equal(zsim_extfrag_index(order), -1000);
	assert_int_equal(zsim_extfrag_index(10), 946);
	expect_text(zsim_print_extfrag_index,
		    "Node 0, zone   Normal -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 0.946 \n");

	assert_int_equal(zsim_unusable_index(11), -EINVAL);
	assert_int_equal(zsim_extfrag_index(11), -EINVAL);
	release_state();
	expect_text(zsim_print_buddyinfo,
		    "Node 0, zone   Normal      0      0      0      0      0      0      0      0      0      0      1 \n");
}

static void test_pagetypeinfo_after_steal(void **state)
{
	struct zsim_zoneinfo zi;
	unsigned long pfn;
	uint64_t v;

	(void)state;
	build_state();
	/*
	 * An unmovable page with no unmovable free block: the largest
	 * movable block (order 9 at 1536, two pageblocks) is taken over and
	 * split; its pieces of order 0..8 land on the unmovable lists.
	 */
	pfn = zsim_alloc_pages(0, ZSIM_UNMOVABLE);
	assert_int_equal(pfn, 1536);
	expect_text(zsim_print_pagetypeinfo,
		    "Page block order: 8\n"
		    "Pages per block:  256\n"
		    "\n"
		    "Free pages count per migrate type at order       0      1      2      3      4      5      6      7      8      9     10 \n"
		    "Node    0, zone   Normal, type    Unmovable      1      1      1      1      1      1      1      1      1      0      0 \n"
		    "Node    0, zone   Normal, type      Movable     32      0      0      0      0      0      1      1      1      0      0 \n"
		    "Node    0, zone   Normal, type  Reclaimable      0      0      0      0      0      0      0      0      0      0      0 \n"
		    "Node    0, zone   Normal, type   HighAtomic      0      0      0      0      0      0      0      0      0      0      0 \n"
		    "\n"
		    "Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic \n"
		    "Node 0, zone   Normal            2            2            0            0 \n");
	expect_text(zsim_print_buddyinfo,
		    "Node 0, zone   Normal     33      1      1      1      1      1      2      2      2      0      0 \n");

	assert_int_equal(zsim_get_zoneinfo(&zi), 0);
	assert_int_equal(zi.free_pages, 991);
	assert_int_equal(zi.nr_free[0], 33);
	assert_int_equal(zi.nr_free_type[MIGRATE_MOVABLE][0], 32);
	assert_int_equal(zi.nr_free_type[MIGRATE_UNMOVABLE][8], 1);
	assert_int_equal(zi.nr_blocks_type[MIGRATE_UNMOVABLE], 2);
	assert_int_equal(zi.pageblock_order, 8);
	assert_int_equal(zi.spanned_pages, 1024);

	assert_int_equal(zsim_vmstat_get("nr_free_pages", &v), 0);
	assert_int_equal(v, 991);
	assert_int_equal(zsim_vmstat_get("nr_zone_unmovable", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(zsim_vmstat_get("nr_zone_movable", &v), 0);
	assert_int_equal(v, 32);
	assert_int_equal(zsim_vmstat_get("pgalloc_normal", &v), 0);
	assert_int_equal(v, 65);
	assert_int_equal(zsim_vmstat_get("pgfree", &v), 0);
	assert_int_equal(v, 32);
	assert_int_equal(zsim_vmstat_get("no_such_counter", &v), -ENOENT);

	assert_int_equal(zsim_free_pages(pfn, 0), 0);
	release_state();
	assert_int_equal(zsim_vmstat_get("nr_zone_unmovable", &v), 0);
	assert_int_equal(v, 0);
}

static void test_vmstat_text(void **state)
{
	char *text;
	struct page *page;

	(void)state;
	page = alloc_pages(GFP_KERNEL, 3);
	assert_non_null(page);
	text = capture(zsim_print_vmstat);
	assert_non_null(strstr(text, "nr_free_pages 1016\n"));
	assert_non_null(strstr(text, "nr_zone_unmovable 8\n"));
	assert_non_null(strstr(text, "nr_slab_unreclaimable "));
	assert_non_null(strstr(text, "nr_zspages 0\n"));
	assert_non_null(strstr(text, "pgalloc_normal 8\n"));
	assert_non_null(strstr(text, "pgfree 0\n"));
	assert_non_null(strstr(text, "allocstall_normal 0\n"));
	free(text);
	__free_pages(page, 3);
	text = capture(zsim_print_vmstat);
	assert_non_null(strstr(text, "nr_free_pages 1024\n"));
	assert_non_null(strstr(text, "pgfree 8\n"));
	free(text);
}

/*
 * Per-CPU differentials: below the threshold a change stays in this
 * CPU's pageset, a read folds it in; past it, it goes to the zone.
 */
static void test_vm_stat_diff_threshold(void **state)
{
	struct per_cpu_pageset *pset = &sim_zone.pageset[smp_processor_id()];
	long base = atomic_long_read(&sim_zone.vm_stat[NR_ZSPAGES]);
	int t = pset->stat_threshold;

	(void)state;
	/* 4 MiB and 4 CPUs: 2 * fls(4) * (1 + fls(0)) */
	assert_int_equal(t, 2 * fls(nr_cpu_ids));
	__mod_zone_page_state(&sim_zone, NR_ZSPAGES, t);
	assert_int_equal(atomic_long_read(&sim_zone.vm_stat[NR_ZSPAGES]), base);
	assert_int_equal(pset->vm_stat_diff[NR_ZSPAGES], t);
	assert_int_equal(zone_page_state(&sim_zone, NR_ZSPAGES), base + t);
	/* one more passes it: the whole differential is folded */
	__mod_zone_page_state(&sim_zone, NR_ZSPAGES, 1);
	assert_int_equal(atomic_long_read(&sim_zone.vm_stat[NR_ZSPAGES]), base + t + 1);
	assert_int_equal(pset->vm_stat_diff[NR_ZSPAGES], 0);
	__mod_zone_page_state(&sim_zone, NR_ZSPAGES, -(t + 1));
	assert_int_equal(zone_page_state(&sim_zone, NR_ZSPAGES), base);
	/* NR_FREE_PAGES never drifts: the watermark checks read it exactly */
	assert_int_equal(pset->vm_stat_diff[NR_FREE_PAGES], 0);
	/* events are per CPU too, summed on read */
	count_vm_events(COMPACTSTALL, 3);
	assert_int_equal(this_cpu_read(vm_event_states.event[COMPACTSTALL]),
			 vm_event_count(COMPACTSTALL));
	assert_int_equal(vm_event_count(COMPACTSTALL), 3);
}

/* /proc/zoneinfo: the zone, its counters and each CPU's pageset. */
static void test_zoneinfo_text(void **state)
{
	struct zsim_zoneinfo zi;
	char want[128], *text;
	unsigned int cpu;

	(void)state;
	assert_int_equal(zsim_get_zoneinfo(&zi), 0);
	text = capture(zsim_print_zoneinfo);
	snprintf(want, sizeof(want), "Node 0, zone   Normal\n  pages free     ");
	assert_true(!strncmp(text, want, strlen(want)));
	snprintf(want, sizeof(want), "\n  pages free     %llu\n        min      %llu\n",
		 (unsigned long long)zi.free_pages, (unsigned long long)zi.watermark_min);
	assert_non_null(strstr(text, want));
	assert_non_null(strstr(text, "\n      nr_free_pages"));
	assert_non_null(strstr(text, "\n      nr_zspages   0\n"));
	/* 4 MiB: batch 1, high 0, every free goes straight back */
	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		snprintf(want, sizeof(want),
			 "\n    cpu: %u\n              count: 0\n              high:  0\n"
			 "              batch: 1\n", cpu);
		assert_non_null(strstr(text, want));
	}
	snprintf(want, sizeof(want), "\n  vm stats threshold: %d\n", 2 * fls(nr_cpu_ids));
	assert_non_null(strstr(text, want));
	assert_non_null(strstr(text, "\n  start_pfn:           1024\n"));
	free(text);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fresh_buddyinfo, setup,
						test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_buddyinfo_and_indices, setup,
						test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_pagetypeinfo_after_steal, setup,
						test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_vm_stat_diff_threshold, setup,
						test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_zoneinfo_text, setup,
						test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_vmstat_text, setup,
						test_teardown_machine),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
