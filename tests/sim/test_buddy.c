// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * The buddy allocator: split/merge invariants after long seeded random
 * sequences, the 4.8 fallback and pageblock stealing rules step by step,
 * exhaustion, memory given back to the OS, bad input, and (debug builds)
 * double free and freeing a locked page caught by VM_BUG_ON_PAGE.
 */
#include "test_helpers.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include <linux/kasan.h>
#include <linux/kconfig.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/mmzone.h>
#include <linux/spinlock.h>
#include <linux/vmstat.h>

#define PATTERN_MAGIC	0x5eedf00dUL

struct alloc {
	struct page *page;
	unsigned int order;
	int mt;
};

static unsigned long zone_pages(void)
{
	return max_pfn - ARCH_PFN_OFFSET;
}

static gfp_t mt_gfp(int mt)
{
	switch (mt) {
	case MIGRATE_MOVABLE:
		return __GFP_MOVABLE;
	case MIGRATE_RECLAIMABLE:
		return __GFP_RECLAIMABLE;
	default:
		return 0;
	}
}

/*
 * Walk the free lists and mem_map and check what the buddy allocator
 * promises: free blocks aligned, PageBuddy with their order, on exactly
 * one list, counted in nr_free and NR_FREE_PAGES, never overlapping each
 * other or an allocated block, and merged as far as they can be.
 * @strict_types: every free block sits on its pageblock's type's list
 * (true unless a fallback expand() or a merge across pageblocks of
 * different types happened; see sim/README.md).  Returns the number of
 * free blocks on a list of another type than their pageblock.
 */
static unsigned long check_invariants(const struct alloc *allocs,
				      unsigned long nr_allocs, bool strict_types)
{
	struct zone *zone = &sim_zone;
	unsigned long nr = zone_pages(), nr_free = 0, mismatched = 0, i, j;
	unsigned char *state = calloc(nr, 1);	/* 1 free, 2 free head, 3 allocated */
	unsigned int order;
	struct page *page;
	int mt;

	assert_non_null(state);
	/* the free pages of the per-CPU lists are checked on the buddy lists */
	drain_all_pages(zone);
	spin_lock(&zone->lock);
	for (order = 0; order < MAX_ORDER; order++) {
		unsigned long count = 0;

		for (mt = 0; mt < MIGRATE_TYPES; mt++) {
			list_for_each_entry(page, &zone->free_area[order].free_list[mt], lru) {
				unsigned long pfn = page_to_pfn(page);
				unsigned long idx = pfn - ARCH_PFN_OFFSET;

				assert_true(zone_spans_pfn(zone, pfn));
				assert_true(pfn + (1UL << order) <= zone_end_pfn(zone));
				assert_int_equal(pfn & ((1UL << order) - 1), 0);
				assert_true(PageBuddy(page));
				assert_int_equal(page_order(page), order);
				assert_int_equal(page_ref_count(page), 0);
				for (j = 0; j < (1UL << order); j++) {
					assert_int_equal(state[idx + j], 0);
					state[idx + j] = 1;
				}
				state[idx] = 2;
				if (mt != get_pageblock_migratetype(zone, pfn))
					mismatched++;
				count++;
				nr_free += 1UL << order;
			}
		}
		assert_int_equal(count, zone->free_area[order].nr_free);
	}
	assert_int_equal(nr_free, zone_page_state(zone, NR_FREE_PAGES));

	for (i = 0; i < nr; i++) {
		page = &mem_map[i];
		if (state[i] != 2) {
			/* Only the head of a listed free block is PageBuddy. */
			assert_false(PageBuddy(page));
			continue;
		}
		order = page_order(page);
		if (order < MAX_ORDER - 1) {
			unsigned long buddy = (i + ARCH_PFN_OFFSET) ^ (1UL << order);

			if (zone_spans_pfn(zone, buddy))
				assert_false(PageBuddy(pfn_to_page(buddy)) &&
					     page_order(pfn_to_page(buddy)) == order);
		}
	}
	spin_unlock(&zone->lock);

	/* Allocated blocks: no page free, no page in two blocks. */
	for (i = 0; i < nr_allocs; i++) {
		unsigned long idx = page_to_pfn(allocs[i].page) - ARCH_PFN_OFFSET;

		assert_int_equal(page_ref_count(allocs[i].page), 1);
		for (j = 0; j < (1UL << allocs[i].order); j++) {
			assert_int_equal(state[idx + j], 0);
			state[idx + j] = 3;
		}
	}
	free(state);
	if (strict_types)
		assert_int_equal(mismatched, 0);
	return mismatched;
}

static void write_pattern(struct page *page, unsigned int order)
{
	unsigned long i, n = 1UL << order;

	/* Every page of small blocks; the ends of big ones. */
	for (i = 0; i < n; i++) {
		if (order > 4 && i != 0 && i != n - 1)
			continue;
		*(unsigned long *)page_address(page + i) =
			page_to_pfn(page + i) ^ PATTERN_MAGIC;
	}
}

static void check_pattern(struct page *page, unsigned int order)
{
	unsigned long i, n = 1UL << order;

	for (i = 0; i < n; i++) {
		if (order > 4 && i != 0 && i != n - 1)
			continue;
		assert_int_equal(*(unsigned long *)page_address(page + i),
				 page_to_pfn(page + i) ^ PATTERN_MAGIC);
	}
}

/* A page fresh from the allocator is clean and the caller's. */
static void check_new_block(struct page *page, unsigned int order, bool zeroed)
{
	unsigned long i;

	assert_int_equal(page_ref_count(page), 1);
	assert_null(page->mapping);
	assert_int_equal(page_private(page), 0);
	assert_int_equal(page->flags & PAGE_FLAGS_CHECK_AT_PREP, 0);
	assert_int_equal(page_mapcount(page), 0);
	assert_int_equal(page_to_pfn(page) & ((1UL << order) - 1), 0);
	for (i = 1; i < (1UL << order); i++) {
		assert_int_equal(page_ref_count(page + i), 0);
		assert_false(PageBuddy(page + i));
	}
	if (zeroed) {
		const unsigned char *p = page_address(page);
		size_t len = order <= 2 ? PAGE_SIZE << order : PAGE_SIZE;

		for (i = 0; i < len; i++)
			assert_int_equal(p[i], 0);
	}
}

static void free_all(struct alloc *allocs, unsigned long *nr_allocs)
{
	while (*nr_allocs) {
		struct alloc *a = &allocs[--*nr_allocs];

		__free_pages(a->page, a->order);
	}
}

static void snapshot(struct zsim_zoneinfo *zi)
{
	assert_int_equal(zsim_get_zoneinfo(zi), 0);
}

/* Freshly booted: free memory in 4 MiB blocks, nothing else. */
static void check_fresh_buddyinfo(const struct zsim_zoneinfo *zi)
{
	unsigned int order;

	for (order = 0; order < MAX_ORDER - 1; order++)
		assert_int_equal(zi->nr_free[order], 0);
	assert_int_equal(zi->nr_free[MAX_ORDER - 1], zone_pages() >> (MAX_ORDER - 1));
	assert_int_equal(zi->free_pages, zone_pages());
}

static void test_boot_state(void **state)
{
	struct zsim_zoneinfo zi;

	(void)state;
	snapshot(&zi);
	check_fresh_buddyinfo(&zi);
	assert_int_equal(zi.start_pfn, ARCH_PFN_OFFSET);
	assert_int_equal(zi.nr_blocks_type[MIGRATE_MOVABLE], zone_pages() >> 7);
	assert_int_equal(zi.nr_blocks_type[MIGRATE_UNMOVABLE], 0);
	/* 64 MiB: the kernel's min_free_kbytes 1024 KiB = 256 pages, / 8 */
	assert_int_equal(zi.watermark_min, 32);
	assert_int_equal(zi.watermark_low, 40);
	assert_int_equal(zi.watermark_high, 48);
	check_invariants(NULL, 0, true);
}

static void test_random_alloc_free(void **state)
{
	unsigned long nops = test_under_valgrind() ? 6000 : 60000;
	unsigned long nr = zone_pages(), nr_allocs = 0, i, failures = 0;
	unsigned long per_mt[MIGRATE_PCPTYPES] = { 0 }, allocated = 0;
	unsigned long pgalloc0 = vm_event_count(PGALLOC_NORMAL);
	unsigned long pgfree0 = vm_event_count(PGFREE);
	struct alloc *allocs = calloc(nr, sizeof(*allocs));
	struct zsim_zoneinfo zi;
	struct test_rng rng;

	(void)state;
	assert_non_null(allocs);
	test_rng_init(&rng, test_seed);
	for (i = 0; i < nops; i++) {
		unsigned long free = test_free_pages();
		unsigned int bias = free < nr / 4 ? 70 : 45;

		if (nr_allocs && test_rng_below(&rng, 100) < bias) {
			unsigned long k = test_rng_below(&rng, nr_allocs);
			struct alloc a = allocs[k];

			allocs[k] = allocs[--nr_allocs];
			check_pattern(a.page, a.order);
			per_mt[a.mt] -= 1UL << a.order;
			allocated -= 1UL << a.order;
			__free_pages(a.page, a.order);
		} else {
			unsigned int order = test_rng_below(&rng, 100) < 60 ? 0 :
				1 + test_rng_below(&rng, MAX_ORDER - 1);
			int mt = test_rng_below(&rng, MIGRATE_PCPTYPES);
			bool zero = test_rng_below(&rng, 8) == 0;
			gfp_t gfp = GFP_NOWAIT | __GFP_NOWARN | mt_gfp(mt) |
				    (zero ? __GFP_ZERO : 0);
			struct page *page = alloc_pages(gfp, order);

			if (!page) {
				failures++;
				continue;
			}
			check_new_block(page, order, zero);
			write_pattern(page, order);
			allocs[nr_allocs++] = (struct alloc){ page, order, mt };
			per_mt[mt] += 1UL << order;
			allocated += 1UL << order;
		}
		if (i % (nops / 10) == 0) {
			check_invariants(allocs, nr_allocs, false);
			assert_int_equal(test_free_pages(),
					 nr - allocated);
			assert_int_equal(zone_page_state(&sim_zone, NR_ZONE_UNMOVABLE),
					 per_mt[MIGRATE_UNMOVABLE]);
			assert_int_equal(zone_page_state(&sim_zone, NR_ZONE_MOVABLE),
					 per_mt[MIGRATE_MOVABLE]);
			assert_int_equal(zone_page_state(&sim_zone, NR_ZONE_RECLAIMABLE),
					 per_mt[MIGRATE_RECLAIMABLE]);
			assert_int_equal(vm_event_count(PGALLOC_NORMAL) - pgalloc0 -
					 (vm_event_count(PGFREE) - pgfree0), allocated);
		}
	}
	printf("# %lu operations, %lu failed allocations, %lu blocks held\n",
	       nops, failures, nr_allocs);
	printf("# %lu free blocks on another type's list than their pageblock's\n",
	       check_invariants(allocs, nr_allocs, false));
	for (i = 0; i < nr_allocs; i++)
		check_pattern(allocs[i].page, allocs[i].order);
	free_all(allocs, &nr_allocs);
	check_invariants(NULL, 0, false);
	snapshot(&zi);
	check_fresh_buddyinfo(&zi);
	assert_int_equal(zone_page_state(&sim_zone, NR_ZONE_UNMOVABLE) +
			 zone_page_state(&sim_zone, NR_ZONE_MOVABLE) +
			 zone_page_state(&sim_zone, NR_ZONE_RECLAIMABLE), 0);
	free(allocs);
}

/* Only movable allocations: no fallback, so types stay exact. */
static void test_single_type_strict(void **state)
{
	unsigned long nr_allocs = 0, i;
	struct alloc allocs[512];
	struct test_rng rng;
	struct zsim_zoneinfo zi;

	(void)state;
	test_rng_init(&rng, test_seed + 1);
	for (i = 0; i < 4000; i++) {
		if (nr_allocs == ARRAY_SIZE(allocs) ||
		    (nr_allocs && test_rng_below(&rng, 2))) {
			unsigned long k = test_rng_below(&rng, nr_allocs);

			__free_pages(allocs[k].page, allocs[k].order);
			allocs[k] = allocs[--nr_allocs];
		} else {
			unsigned int order = test_rng_below(&rng, 6);
			struct page *page = alloc_pages(GFP_NOWAIT | __GFP_MOVABLE, order);

			assert_non_null(page);
			allocs[nr_allocs++] = (struct alloc){ page, order, MIGRATE_MOVABLE };
		}
		if (i % 500 == 0)
			check_invariants(allocs, nr_allocs, true);
	}
	free_all(allocs, &nr_allocs);
	check_invariants(NULL, 0, true);
	snapshot(&zi);
	check_fresh_buddyinfo(&zi);
	assert_int_equal(zi.nr_blocks_type[MIGRATE_MOVABLE], zone_pages() >> 7);
}

/* Is @page the head of a free block of @order on @mt's list? */
static bool on_free_list(struct page *page, unsigned int order, int mt)
{
	struct zone *zone = &sim_zone;
	struct page *p;
	bool found = false;

	spin_lock(&zone->lock);
	list_for_each_entry(p, &zone->free_area[order].free_list[mt], lru)
		if (p == page)
			found = true;
	spin_unlock(&zone->lock);
	return found;
}

static int block_type(unsigned long pfn)
{
	return get_pageblock_migratetype(&sim_zone, pfn);
}

/* Watermarks out of the way: every step below is about the lists. */
static struct page *alloc_mt(int mt, unsigned int order)
{
	return alloc_pages(__GFP_MEMALLOC | __GFP_NOWARN | mt_gfp(mt), order);
}

/* Blocks the fallback test holds: order by head pfn, -1 if none. */
static signed char held_order[1024];

static unsigned long take(int mt, unsigned int order)
{
	struct page *page = alloc_mt(mt, order);
	unsigned long pfn;

	assert_non_null(page);
	pfn = page_to_pfn(page);
	assert_int_equal(held_order[pfn - ARCH_PFN_OFFSET], -1);
	held_order[pfn - ARCH_PFN_OFFSET] = (signed char)order;
	return pfn;
}

static void give(unsigned long pfn)
{
	int order = held_order[pfn - ARCH_PFN_OFFSET];

	assert_true(order >= 0);
	held_order[pfn - ARCH_PFN_OFFSET] = -1;
	__free_pages(pfn_to_page(pfn), order);
}

/*
 * The 4.8 fallback and stealing rules, on a 4 MiB machine with 64-page
 * pageblocks (pfns 1024..2047; block A = 1024, C = 1088, D = 1152,
 * B = 1984).  Each step's expected pfns follow from the rules alone.
 */
static void test_fallback_and_stealing(void **state)
{
	struct zsim_zoneinfo zi;
	unsigned long pfn, i;
	int order;

	(void)state;
	assert_int_equal(ARCH_PFN_OFFSET, 1024);
	memset(held_order, -1, sizeof(held_order));

	/* 1. Fill memory with movable pages: handed out in pfn order. */
	for (i = 0; i < 1024; i++)
		assert_int_equal(take(MIGRATE_MOVABLE, 0), 1024 + i);
	assert_null(alloc_mt(MIGRATE_MOVABLE, 0));
	assert_null(alloc_mt(MIGRATE_UNMOVABLE, 0));
	check_invariants(NULL, 0, true);

	/* 2. Free 8 lone pages in A, all of C (one order-6 block), B's last 8. */
	for (i = 0; i < 8; i++)
		give(1024 + 2 * i);
	for (pfn = 1088; pfn < 1152; pfn++)
		give(pfn);
	for (pfn = 2040; pfn < 2048; pfn++)
		give(pfn);
	assert_true(on_free_list(pfn_to_page(1088), 6, MIGRATE_MOVABLE));
	assert_true(on_free_list(pfn_to_page(2040), 3, MIGRATE_MOVABLE));
	check_invariants(NULL, 0, true);

	/*
	 * 3. Unmovable, none free: the largest movable block (C, order 6 =
	 * pageblock order) is taken whole and its pageblock changes type.
	 */
	assert_int_equal(take(MIGRATE_UNMOVABLE, 0), 1088);
	assert_int_equal(block_type(1088), MIGRATE_UNMOVABLE);
	for (order = 0; order < 6; order++)
		assert_true(on_free_list(pfn_to_page(1088 + (1UL << order)), order,
					 MIGRATE_UNMOVABLE));
	check_invariants(NULL, 0, true);

	/* 4. Use up the unmovable pieces: exact fits from C. */
	for (order = 5; order >= 0; order--)
		assert_int_equal(take(MIGRATE_UNMOVABLE, order), 1088 + (1UL << order));

	/*
	 * 5. Unmovable again: the largest movable block is B's order-3 one,
	 * 8 free pages of a 64-page block: stolen (moved to the unmovable
	 * lists) but fewer than half, so B stays MOVABLE and the split
	 * pieces sit on unmovable lists inside a movable pageblock.
	 */
	assert_int_equal(take(MIGRATE_UNMOVABLE, 0), 2040);
	assert_int_equal(block_type(2040), MIGRATE_MOVABLE);
	assert_true(on_free_list(pfn_to_page(2041), 0, MIGRATE_UNMOVABLE));
	assert_true(on_free_list(pfn_to_page(2042), 1, MIGRATE_UNMOVABLE));
	assert_true(on_free_list(pfn_to_page(2044), 2, MIGRATE_UNMOVABLE));
	assert_int_equal(check_invariants(NULL, 0, false), 3);

	/* 6. Drain those, then A's lone movable pages; free C's first two. */
	assert_int_equal(take(MIGRATE_UNMOVABLE, 2), 2044);
	assert_int_equal(take(MIGRATE_UNMOVABLE, 1), 2042);
	assert_int_equal(take(MIGRATE_UNMOVABLE, 0), 2041);
	for (i = 0; i < 8; i++) {
		pfn = take(MIGRATE_MOVABLE, 0);
		assert_true(pfn >= 1024 && pfn < 1040 && !(pfn & 1));
	}
	give(1088);
	give(1089);
	assert_true(on_free_list(pfn_to_page(1088), 1, MIGRATE_UNMOVABLE));

	/*
	 * 7. Movable from an order-1 unmovable block: below
	 * pageblock_order / 2, so no stealing: C stays UNMOVABLE and the
	 * split-off half goes to the movable list (4.8's expand()).
	 */
	assert_int_equal(take(MIGRATE_MOVABLE, 0), 1088);
	assert_int_equal(block_type(1088), MIGRATE_UNMOVABLE);
	assert_true(on_free_list(pfn_to_page(1089), 0, MIGRATE_MOVABLE));
	assert_int_equal(take(MIGRATE_MOVABLE, 0), 1089);

	/*
	 * 8. Free all of D but its first page: 63 free pages.  An unmovable
	 * request steals the order-5 block and, more than half of D being
	 * free, claims D: all its free pages end on unmovable lists.
	 */
	for (pfn = 1153; pfn < 1216; pfn++)
		give(pfn);
	assert_int_equal(block_type(1152), MIGRATE_MOVABLE);
	assert_int_equal(take(MIGRATE_UNMOVABLE, 0), 1184);
	assert_int_equal(block_type(1152), MIGRATE_UNMOVABLE);
	for (order = 0; order < 5; order++) {
		/* merged from the frees: 1153, 1154, 1156, 1160, 1168 */
		assert_true(on_free_list(pfn_to_page(1152 + (1UL << order)), order,
					 MIGRATE_UNMOVABLE));
		/* split from the stolen block: 1185, 1186, 1188, 1192, 1200 */
		assert_true(on_free_list(pfn_to_page(1184 + (1UL << order)), order,
					 MIGRATE_UNMOVABLE));
	}
	assert_int_equal(check_invariants(NULL, 0, false), 0);

	snapshot(&zi);
	assert_int_equal(zi.nr_blocks_type[MIGRATE_UNMOVABLE], 2);
	assert_int_equal(zi.nr_blocks_type[MIGRATE_MOVABLE], 14);

	/* Everything back: one order-10 block again. */
	for (i = 0; i < 1024; i++)
		if (held_order[i] >= 0)
			give(ARCH_PFN_OFFSET + i);
	check_invariants(NULL, 0, false);
	snapshot(&zi);
	check_fresh_buddyinfo(&zi);
}

/* 4 MiB with 64-page pageblocks: few enough pages to follow each step. */
static int setup_tiny_machine(void **state)
{
	(void)state;
	test_boot(4ULL << 20, 6);
	return 0;
}

static void test_exhaustion(void **state)
{
	unsigned long nr = zone_pages(), nr_allocs = 0;
	struct alloc *allocs = calloc(nr, sizeof(*allocs));
	struct zsim_zoneinfo zi;
	struct test_rng rng;
	struct page *page;
	unsigned int misses = 0;

	(void)state;
	assert_non_null(allocs);
	test_rng_init(&rng, test_seed + 2);

	/* Mixed orders and types until even single pages run out. */
	while (misses < 64) {
		unsigned int order = test_rng_below(&rng, 6);
		int mt = test_rng_below(&rng, MIGRATE_PCPTYPES);

		page = alloc_pages(GFP_NOWAIT | __GFP_NOWARN | mt_gfp(mt), order);
		if (!page) {
			misses++;
			continue;
		}
		allocs[nr_allocs++] = (struct alloc){ page, order, mt };
	}
	while ((page = alloc_pages(GFP_NOWAIT | __GFP_NOWARN, 0)))
		allocs[nr_allocs++] = (struct alloc){ page, 0, MIGRATE_UNMOVABLE };
	snapshot(&zi);
	/* Stopped at the min watermark: the reserve is left. */
	assert_true(zi.free_pages <= zi.watermark_min);
	assert_true(zi.free_pages > 0);
	assert_int_equal(zsim_alloc_pages(0, ZSIM_MOVABLE), 0);
	check_invariants(allocs, nr_allocs, false);

	/* __GFP_HIGH may dig into half of it, __GFP_MEMALLOC into all of it. */
	while ((page = alloc_pages(__GFP_MEMALLOC | __GFP_NOWARN, 0)))
		allocs[nr_allocs++] = (struct alloc){ page, 0, MIGRATE_UNMOVABLE };
	assert_int_equal(test_free_pages(), 0);
	assert_null(alloc_pages(__GFP_MEMALLOC | __GFP_NOWARN, 0));
	check_invariants(allocs, nr_allocs, false);

	/* Orders beyond MAX_ORDER are refused, not BUGs. */
	assert_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN, MAX_ORDER));

	free_all(allocs, &nr_allocs);
	check_invariants(NULL, 0, false);
	snapshot(&zi);
	check_fresh_buddyinfo(&zi);
	free(allocs);
}

struct thread_arg {
	uint64_t seed;
	unsigned long ops;
	unsigned long failures;
};

/*
 * One simulated CPU's worth of random traffic: its own blocks, each
 * stamped, checked and freed; the zone lock must keep the lists whole.
 */
static void *alloc_free_thread(void *p)
{
	struct thread_arg *arg = p;
	struct alloc held[64];
	unsigned long nr_held = 0, i;
	struct test_rng rng;

	test_rng_init(&rng, arg->seed);
	for (i = 0; i < arg->ops; i++) {
		if (nr_held == ARRAY_SIZE(held) ||
		    (nr_held && test_rng_below(&rng, 2))) {
			unsigned long k = test_rng_below(&rng, nr_held);

			check_pattern(held[k].page, held[k].order);
			__free_pages(held[k].page, held[k].order);
			held[k] = held[--nr_held];
		} else {
			unsigned int order = test_rng_below(&rng, 4);
			int mt = test_rng_below(&rng, MIGRATE_PCPTYPES);
			struct page *page = alloc_pages(GFP_NOWAIT | __GFP_NOWARN |
							mt_gfp(mt), order);

			if (!page) {
				arg->failures++;
				continue;
			}
			write_pattern(page, order);
			held[nr_held++] = (struct alloc){ page, order, mt };
		}
	}
	while (nr_held) {
		nr_held--;
		check_pattern(held[nr_held].page, held[nr_held].order);
		__free_pages(held[nr_held].page, held[nr_held].order);
	}
	return NULL;
}

static void test_concurrent_alloc_free(void **state)
{
	enum { NR_THREADS = 4 };
	struct thread_arg args[NR_THREADS];
	pthread_t threads[NR_THREADS];
	struct zsim_zoneinfo zi;
	int i;

	(void)state;
	for (i = 0; i < NR_THREADS; i++) {
		args[i] = (struct thread_arg){
			.seed = test_seed * 31 + i,
			.ops = test_under_valgrind() ? 2000 : 20000,
		};
		assert_int_equal(pthread_create(&threads[i], NULL,
						alloc_free_thread, &args[i]), 0);
	}
	for (i = 0; i < NR_THREADS; i++) {
		assert_int_equal(pthread_join(threads[i], NULL), 0);
		assert_int_equal(args[i].failures, 0);
	}
	check_invariants(NULL, 0, false);
	snapshot(&zi);
	check_fresh_buddyinfo(&zi);
}

/* Allocate, touch and free 24 MiB; returns RSS after touching and after reporting. */
static void touch_and_free(unsigned long *touched, unsigned long *after)
{
	struct page *pages[6];
	int i;

	for (i = 0; i < 6; i++) {
		pages[i] = alloc_pages(GFP_KERNEL | __GFP_MOVABLE, MAX_ORDER - 1);
		assert_non_null(pages[i]);
		memset(page_address(pages[i]), 0x5a, PAGE_SIZE << (MAX_ORDER - 1));
	}
	*touched = util_rss_bytes();
	for (i = 0; i < 6; i++)
		__free_pages(pages[i], MAX_ORDER - 1);
	/* Free page reporting runs later; run its pass now. */
	zsim_report_free_pages();
	*after = util_rss_bytes();
}

static void test_madvise_returns_memory(void **state)
{
	struct zsim_config cfg;
	struct zsim_zoneinfo zi;
	unsigned long before, touched, after;
	unsigned long nr_blocks = zone_pages() >> 7;
	struct page *page;

	(void)state;
	snapshot(&zi);
	assert_int_equal(zi.released_pageblocks, nr_blocks);
	before = util_rss_bytes();
	touch_and_free(&touched, &after);
	printf("# madvise on: RSS %lu KiB, touched %lu KiB, freed %lu KiB\n",
	       before >> 10, touched >> 10, after >> 10);
	snapshot(&zi);
	assert_int_equal(zi.released_pageblocks, nr_blocks);
	if (test_under_valgrind()) {
		printf("# under Valgrind: RSS is Valgrind's, not checked\n");
	} else {
		assert_true(touched >= before + (20UL << 20));
		assert_true(after + (20UL << 20) <= touched);
	}
	/* A released frame comes back zero-filled. */
	page = alloc_pages(GFP_KERNEL, MAX_ORDER - 1);
	assert_non_null(page);
	/* The OS zeroed it; memcheck only knows it was just allocated. */
	kasan_mark_defined(page_address(page), 1);
	assert_int_equal(*(unsigned char *)page_address(page), 0);
	snapshot(&zi);
	assert_int_equal(zi.released_pageblocks, nr_blocks - 8);
	__free_pages(page, MAX_ORDER - 1);
	test_shutdown();

	/* The same with madvise off: nothing is given back. */
	zsim_config_default(&cfg);
	cfg.mem_bytes = 64ULL << 20;
	cfg.pageblock_order = 7;
	cfg.madvise = false;
	cfg.loglevel = 3;
	assert_int_equal(zsim_init(&cfg), 0);
	before = util_rss_bytes();
	touch_and_free(&touched, &after);
	printf("# madvise off: RSS %lu KiB, touched %lu KiB, freed %lu KiB\n",
	       before >> 10, touched >> 10, after >> 10);
	snapshot(&zi);
	assert_int_equal(zi.released_pageblocks, 0);
	if (!test_under_valgrind())
		assert_true(after + (4UL << 20) >= touched);
	test_shutdown();
	test_boot(64ULL << 20, 7);
}

static void test_bad_input(void **state)
{
	struct zsim_zoneinfo before, after;
	unsigned long pfn, pfn4;
	struct page *page;

	(void)state;
	pfn = zsim_alloc_pages(0, ZSIM_MOVABLE);
	pfn4 = zsim_alloc_pages(2, ZSIM_UNMOVABLE);
	assert_true(pfn_valid(pfn));
	assert_true(pfn_valid(pfn4));
	assert_true(PageReserved(pfn_to_page(pfn)));
	page = alloc_page(GFP_KERNEL);
	assert_non_null(page);
	assert_int_equal(zsim_alloc_pages(MAX_ORDER, ZSIM_MOVABLE), 0);
	assert_int_equal(zsim_alloc_pages(0, (enum zsim_migratetype)7), 0);

	snapshot(&before);
	assert_int_equal(zsim_free_pages(0, 0), -EINVAL);
	assert_int_equal(zsim_free_pages(ARCH_PFN_OFFSET - 1, 0), -EINVAL);
	assert_int_equal(zsim_free_pages(max_pfn, 0), -EINVAL);
	assert_int_equal(zsim_free_pages(~0UL, 0), -EINVAL);
	assert_int_equal(zsim_free_pages(pfn, MAX_ORDER), -EINVAL);
	assert_int_equal(zsim_free_pages(pfn, 1), -EINVAL);		/* wrong order */
	assert_int_equal(zsim_free_pages(pfn4, 0), -EINVAL);		/* wrong order */
	assert_int_equal(zsim_free_pages(pfn4, 3), -EINVAL);
	assert_int_equal(zsim_free_pages(pfn4 + 1, 0), -EINVAL);	/* a tail */
	assert_int_equal(zsim_free_pages(pfn4 + 2, 1), -EINVAL);
	assert_int_equal(zsim_free_pages(page_to_pfn(page), 0), -EINVAL); /* not pinned */
	assert_int_equal(zsim_free_pages(max_pfn - 1, 0), -EINVAL);	/* free page */
	assert_int_equal(zsim_free_pages(max_pfn - 1024, 10), -EINVAL);
	snapshot(&after);
	assert_memory_equal(&before, &after, sizeof(before));

	assert_int_equal(zsim_free_pages(pfn, 0), 0);
	assert_int_equal(zsim_free_pages(pfn, 0), -EINVAL);		/* twice */
	assert_int_equal(zsim_free_pages(pfn4, 2), 0);
	assert_int_equal(zsim_free_pages(pfn4, 2), -EINVAL);
	__free_page(page);
	check_invariants(NULL, 0, false);
	snapshot(&after);
	check_fresh_buddyinfo(&after);
}

/* Collect what is written to stderr between begin and end. */
struct capture {
	int saved_fd;
	FILE *tmp;
	char text[16384];
};

static void capture_begin(struct capture *c)
{
	fflush(stderr);
	c->tmp = tmpfile();
	assert_non_null(c->tmp);
	c->saved_fd = dup(STDERR_FILENO);
	assert_true(c->saved_fd >= 0);
	assert_true(dup2(fileno(c->tmp), STDERR_FILENO) >= 0);
}

static void capture_end(struct capture *c)
{
	size_t n;

	fflush(stderr);
	dup2(c->saved_fd, STDERR_FILENO);
	close(c->saved_fd);
	rewind(c->tmp);
	n = fread(c->text, 1, sizeof(c->text) - 1, c->tmp);
	c->text[n] = '\0';
	fclose(c->tmp);
}

static void test_double_free(void **state)
{
	struct page *page = alloc_page(GFP_KERNEL);
	unsigned long free;
	static struct capture cap;
	char pfnbuf[32];

	(void)state;
	assert_non_null(page);
	__free_page(page);
	free = test_free_pages();
	capture_begin(&cap);
#ifdef CONFIG_DEBUG_VM
	EXPECT_BUG(__free_page(page));
	capture_end(&cap);
	assert_non_null(strstr(test_bug_message, "VM_BUG_ON_PAGE"));
#else
	/* Without the debug checks: reported and ignored. */
	__free_page(page);
	capture_end(&cap);
#endif
	snprintf(pfnbuf, sizeof(pfnbuf), "pfn:%#lx", page_to_pfn(page));
	assert_non_null(strstr(cap.text, "page dumped because"));
	assert_non_null(strstr(cap.text, pfnbuf));
#ifdef CONFIG_DEBUG_VM
	assert_non_null(strstr(cap.text, "buddy"));
#else
	/* an order-0 page waits on this CPU's list, without PG_buddy */
	assert_non_null(strstr(cap.text, "already free"));
#endif
	assert_int_equal(test_free_pages(), free);
	check_invariants(NULL, 0, true);
}

static void test_free_locked_page(void **state)
{
	struct page *page = alloc_page(GFP_KERNEL);
	unsigned long free = test_free_pages();
	static struct capture cap;

	(void)state;
	assert_non_null(page);
	__SetPageLocked(page);
	capture_begin(&cap);
#ifdef CONFIG_DEBUG_VM
	EXPECT_BUG(__free_page(page));
	capture_end(&cap);
	assert_non_null(strstr(test_bug_message, "VM_BUG_ON_PAGE"));
#else
	/* Without the debug checks: reported and kept out of the allocator. */
	__free_page(page);
	capture_end(&cap);
#endif
	assert_non_null(strstr(cap.text, "page dumped because"));
	assert_non_null(strstr(cap.text, "locked"));
	assert_int_equal(test_free_pages(), free);
	check_invariants(NULL, 0, true);

	/* The same for a page still carrying a mapping. */
	__ClearPageLocked(page);
	set_page_count(page, 1);
	page->mapping = (struct address_space *)0x1000;
	capture_begin(&cap);
#ifdef CONFIG_DEBUG_VM
	EXPECT_BUG(__free_page(page));
#else
	__free_page(page);
#endif
	capture_end(&cap);
	assert_non_null(strstr(cap.text, "non-NULL mapping"));
	assert_int_equal(test_free_pages(), free);

	/* Cleaned up, it frees normally. */
	page->mapping = NULL;
	set_page_count(page, 1);
	__free_page(page);
	assert_int_equal(test_free_pages(), free + 1);
	check_invariants(NULL, 0, true);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_boot_state,
			test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_random_alloc_free,
			test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_single_type_strict,
			test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_fallback_and_stealing,
			setup_tiny_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_concurrent_alloc_free,
			test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_exhaustion,
			test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_madvise_returns_memory,
			test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_bad_input,
			test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_double_free,
			test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_free_locked_page,
			test_setup_small_machine, test_teardown_machine),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
