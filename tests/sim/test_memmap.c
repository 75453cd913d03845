// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Page frames: pfn/page/address conversions, every page flag accessor,
 * page->mapping's low bits, reference counts freeing at zero, and
 * dump_page()'s decoded output.
 */
#include "test_helpers.h"

#include <unistd.h>

#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/page-flags.h>
#include <linux/vmstat.h>

static void check_pfn(unsigned long pfn)
{
	struct page *page = pfn_to_page(pfn);
	char *addr = page_address(page);

	assert_true(pfn_valid(pfn));
	assert_int_equal(page_to_pfn(page), pfn);
	assert_ptr_equal(page, &mem_map[pfn - ARCH_PFN_OFFSET]);
	assert_ptr_equal(addr, sim_arena + ((pfn - ARCH_PFN_OFFSET) << PAGE_SHIFT));
	assert_int_equal((unsigned long)addr & (PAGE_SIZE - 1), 0);
	assert_ptr_equal(virt_to_page(addr), page);
	assert_ptr_equal(virt_to_page(addr + 1), page);
	assert_ptr_equal(virt_to_page(addr + PAGE_SIZE - 1), page);
	assert_true(virt_addr_valid(addr));
	assert_true(virt_addr_valid(addr + PAGE_SIZE - 1));
	assert_ptr_equal(lowmem_page_address(page), addr);
	assert_ptr_equal(page_zone(page), &sim_zone);
	assert_int_equal(page_to_nid(page), 0);
}

static void test_conversions(void **state)
{
	unsigned long nr = max_pfn - ARCH_PFN_OFFSET, i;
	struct test_rng rng;

	(void)state;
	assert_int_equal(nr, (64UL << 20) >> PAGE_SHIFT);
	check_pfn(ARCH_PFN_OFFSET);
	check_pfn(max_pfn - 1);
	test_rng_init(&rng, test_seed);
	for (i = 0; i < 1000; i++)
		check_pfn(ARCH_PFN_OFFSET + test_rng_below(&rng, nr));

	assert_false(pfn_valid(0));
	assert_false(pfn_valid(ARCH_PFN_OFFSET - 1));
	assert_false(pfn_valid(max_pfn));
	assert_false(pfn_valid(~0UL));
	assert_false(virt_addr_valid(sim_arena - 1));
	assert_false(virt_addr_valid(sim_arena + (nr << PAGE_SHIFT)));

	/* Every frame of the arena is real memory. */
	sim_arena[0] = 1;
	sim_arena[(nr << PAGE_SHIFT) - 1] = 2;
	assert_int_equal(sim_arena[0] + sim_arena[(nr << PAGE_SHIFT) - 1], 3);
	sim_arena[0] = sim_arena[(nr << PAGE_SHIFT) - 1] = 0;
}

/* Set, test and clear through the accessors; check the bit underneath. */
#define CHECK_PAGEFLAG(page, uname, bit) do {				\
	assert_false(Page##uname(page));				\
	SetPage##uname(page);						\
	assert_true(Page##uname(page));					\
	assert_true(test_bit(bit, &(page)->flags));			\
	ClearPage##uname(page);						\
	assert_false(Page##uname(page));				\
	assert_false(test_bit(bit, &(page)->flags));			\
} while (0)

#define CHECK___PAGEFLAG(page, uname, bit) do {				\
	assert_false(Page##uname(page));				\
	__SetPage##uname(page);						\
	assert_true(Page##uname(page));					\
	assert_true(test_bit(bit, &(page)->flags));			\
	__ClearPage##uname(page);					\
	assert_false(Page##uname(page));				\
} while (0)

static void test_flag_accessors(void **state)
{
	struct page *page = alloc_page(GFP_KERNEL);
	unsigned long flags0;

	(void)state;
	assert_non_null(page);
	flags0 = page->flags;

	CHECK___PAGEFLAG(page, Locked, PG_locked);
	CHECK_PAGEFLAG(page, Waiters, PG_waiters);
	CHECK_PAGEFLAG(page, Referenced, PG_referenced);
	CHECK_PAGEFLAG(page, Uptodate, PG_uptodate);
	CHECK_PAGEFLAG(page, Dirty, PG_dirty);
	CHECK_PAGEFLAG(page, LRU, PG_lru);
	CHECK_PAGEFLAG(page, Active, PG_active);
	CHECK_PAGEFLAG(page, Error, PG_error);
	CHECK___PAGEFLAG(page, Slab, PG_slab);
	CHECK_PAGEFLAG(page, OwnerPriv1, PG_owner_priv_1);
	CHECK_PAGEFLAG(page, Reserved, PG_reserved);
	CHECK___PAGEFLAG(page, Reserved, PG_reserved);
	CHECK_PAGEFLAG(page, Private, PG_private);
	CHECK___PAGEFLAG(page, Private, PG_private);
	CHECK_PAGEFLAG(page, Private2, PG_private_2);
	CHECK___PAGEFLAG(page, Private2, PG_private_2);
	CHECK_PAGEFLAG(page, Writeback, PG_writeback);
	CHECK_PAGEFLAG(page, Head, PG_head);
	CHECK_PAGEFLAG(page, Reclaim, PG_reclaim);
	CHECK_PAGEFLAG(page, SwapBacked, PG_swapbacked);
	CHECK_PAGEFLAG(page, Unevictable, PG_unevictable);
	CHECK___PAGEFLAG(page, Buddy, PG_buddy);
	CHECK___PAGEFLAG(page, Isolated, PG_isolated);

	/* Test-and-set/clear return the old value. */
	assert_false(TestSetPagePrivate2(page));
	assert_true(TestSetPagePrivate2(page));
	assert_true(TestClearPagePrivate2(page));
	assert_false(TestClearPagePrivate2(page));
	SetPageOwnerPriv1(page);
	assert_true(TestClearPageOwnerPriv1(page));
	assert_false(TestClearPageOwnerPriv1(page));

	/* PG_isolated is PG_reclaim, as in 4.8. */
	SetPageReclaim(page);
	assert_true(PageIsolated(page));
	__ClearPageIsolated(page);
	assert_false(PageReclaim(page));

	/* Flags are independent bits: two at once, one cleared. */
	SetPagePrivate(page);
	__SetPageLocked(page);
	ClearPagePrivate(page);
	assert_true(PageLocked(page));
	assert_false(PagePrivate(page));
	__ClearPageLocked(page);

	assert_int_equal(page->flags, flags0);
	assert_non_null(pageflag_names[PG_locked]);
	assert_string_equal(pageflag_names[PG_private], "private");
	assert_string_equal(pageflag_names[PG_buddy], "buddy");
	__free_page(page);
}

struct address_space;

static void test_mapping_bits(void **state)
{
	struct page *page = alloc_page(GFP_KERNEL);
	struct address_space *as = (struct address_space *)0x10000UL;
	unsigned long free;

	(void)state;
	assert_non_null(page);
	assert_null(page->mapping);
	assert_null(page_mapping(page));
	assert_false(PageMappingFlags(page));

	page->mapping = as;				/* a file mapping */
	assert_ptr_equal(page_mapping(page), as);
	assert_false(PageMappingFlags(page));
	assert_false(PageAnon(page));
	assert_false(__PageMovable(page));

	page->mapping = (void *)((unsigned long)as | PAGE_MAPPING_MOVABLE);
	assert_ptr_equal(page_mapping(page), as);
	assert_true(PageMappingFlags(page));
	assert_false(PageAnon(page));
	assert_true(__PageMovable(page));

	page->mapping = (void *)((unsigned long)as | PAGE_MAPPING_ANON);
	assert_null(page_mapping(page));
	assert_true(PageAnon(page));
	assert_false(__PageMovable(page));

	page->mapping = (void *)((unsigned long)as | PAGE_MAPPING_KSM);
	assert_null(page_mapping(page));
	assert_true(PageAnon(page));
	assert_false(__PageMovable(page));

	/* A slab page's mapping word is its cache: no address_space. */
	page->mapping = as;
	__SetPageSlab(page);
	assert_null(page_mapping(page));
	__ClearPageSlab(page);

	/*
	 * What __ClearPageMovable() leaves (the flag without a mapping) is
	 * cleared by the allocator when the page is freed.
	 */
	page->mapping = (void *)PAGE_MAPPING_MOVABLE;
	free = test_free_pages();
	__free_page(page);
	assert_int_equal(test_free_pages(), free + 1);
	assert_null(page->mapping);
}

static void test_refcount(void **state)
{
	struct page *page = alloc_page(GFP_KERNEL);
	unsigned long free;

	(void)state;
	assert_non_null(page);
	assert_int_equal(page_count(page), 1);
	free = test_free_pages();

	get_page(page);
	assert_int_equal(page_count(page), 2);
	assert_true(get_page_unless_zero(page));
	assert_int_equal(page_count(page), 3);
	put_page(page);
	put_page(page);
	assert_int_equal(page_count(page), 1);
	assert_int_equal(test_free_pages(), free);

	/* The last put frees it. */
	put_page(page);
	assert_int_equal(page_count(page), 0);
	assert_int_equal(test_free_pages(), free + 1);
	assert_false(get_page_unless_zero(page));
	assert_int_equal(page_count(page), 0);

	/* __free_pages() drops one reference: a held block survives it. */
	page = alloc_pages(GFP_KERNEL, 2);
	assert_non_null(page);
	free = test_free_pages();
	get_page(page);
	__free_pages(page, 2);
	assert_int_equal(page_count(page), 1);
	assert_int_equal(test_free_pages(), free);
	__free_pages(page, 2);
	assert_int_equal(test_free_pages(), free + 4);

	/* Address-based helpers. */
	{
		unsigned long addr = get_zeroed_page(GFP_KERNEL);
		unsigned long i;

		assert_true(addr != 0);
		for (i = 0; i < PAGE_SIZE; i++)
			assert_int_equal(((unsigned char *)addr)[i], 0);
		assert_int_equal(page_count(virt_to_page((void *)addr)), 1);
		free_page(addr);
		addr = __get_free_pages(GFP_KERNEL, 1);
		assert_true(addr != 0);
		free_pages(addr, 1);
		free_pages(0, 3);	/* freeing NULL does nothing */
	}
	assert_int_equal(test_free_pages(), free + 4);
}

static void test_dump_page(void **state)
{
	struct page *page = alloc_page(GFP_KERNEL);
	char text[8192], expect[64];
	FILE *tmp = tmpfile();
	int saved;
	size_t n;

	(void)state;
	assert_non_null(page);
	assert_non_null(tmp);
	__SetPageLocked(page);
	SetPagePrivate(page);
	set_page_private(page, 0xabc);
	page->mapping = (void *)(0x20000UL | PAGE_MAPPING_MOVABLE);

	fflush(stderr);
	saved = dup(STDERR_FILENO);
	dup2(fileno(tmp), STDERR_FILENO);
	dump_page(page, "test reason");
	dump_page(NULL, "null page");
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(tmp);
	n = fread(text, 1, sizeof(text) - 1, tmp);
	text[n] = '\0';
	fclose(tmp);

	snprintf(expect, sizeof(expect), "pfn:%#lx ", page_to_pfn(page));
	assert_non_null(strstr(text, expect));
	assert_non_null(strstr(text, "count:1 "));
	assert_non_null(strstr(text, "private:0xabc"));
	assert_non_null(strstr(text, "(locked|private)"));
	assert_non_null(strstr(text, "mapping: 0x20000 (movable)"));
	assert_non_null(strstr(text, "page dumped because: test reason"));
	assert_non_null(strstr(text, "page dumped because: null page"));

	__ClearPageLocked(page);
	ClearPagePrivate(page);
	set_page_private(page, 0);
	page->mapping = NULL;
	__free_page(page);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_conversions,
			test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_flag_accessors,
			test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_mapping_bits,
			test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_refcount,
			test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_dump_page,
			test_setup_small_machine, test_teardown_machine),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
