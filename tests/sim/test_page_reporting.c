// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Free page reporting (sim/mm/page_reporting.c): nothing is given back
 * on the free path, a pass comes after the delay, batches of
 * PAGE_REPORTING_CAPACITY, PageReported set by the pass and cleared by
 * allocation and by a merge, reported blocks reused zero-filled, RSS
 * falling once a pass ran, an alloc/free loop making few madvise()
 * calls, zsim_exit() with a pass pending, and allocators racing passes.
 */
#include "test_helpers.h"

#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <linux/kasan.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/mmzone.h>
#include <linux/page_reporting.h>
#include <linux/spinlock.h>
#include <linux/vmstat.h>

#define PB_ORDER	7	/* the small machine's pageblocks: 512 KiB */

static uint64_t counter(const char *name)
{
	uint64_t v = 0;

	assert_int_equal(zsim_vmstat_get(name, &v), 0);
	return v;
}

struct counts {
	uint64_t batches, pages, madvise;
};

static struct counts counts_now(void)
{
	return (struct counts){
		.batches = counter("page_reporting_batches"),
		.pages = counter("page_reporting_pages"),
		.madvise = counter("page_reporting_madvise"),
	};
}

static bool block_reported(struct page *page)
{
	bool ret;

	spin_lock(&sim_zone.lock);
	ret = PageBuddy(page) && PageReported(page);
	spin_unlock(&sim_zone.lock);
	return ret;
}

/* Is the frame @pfn in a free block marked given back (zsim_page_info)? */
static bool frame_given_back(unsigned long pfn)
{
	struct zsim_page_info info = { .size = sizeof(info) };

	assert_int_equal(zsim_page_info(pfn, &info), 0);
	return info.owner == ZSIM_PAGE_FREE && (info.flags & ZSIM_PF_RELEASED);
}

static unsigned long reported_pages(void)
{
	unsigned long n;

	spin_lock(&sim_zone.lock);
	n = sim_zone.reported_pages;
	spin_unlock(&sim_zone.lock);
	return n;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static struct page *alloc_touched(unsigned int order)
{
	struct page *page = alloc_pages(GFP_KERNEL | __GFP_MOVABLE, order);

	assert_non_null(page);
	memset(page_address(page), 0x5a, PAGE_SIZE << order);
	return page;
}

/* A free of a pageblock only requests a pass; it runs after the delay. */
static void test_free_path_and_delay(void **state)
{
	struct counts before, after;
	struct page *page;
	unsigned long pfn;
	uint64_t t0;

	(void)state;
	zsim_report_free_pages();	/* the boot pass, out of the way */
	page_reporting_expedite_pages = 0;	/* only the delayed pass */
	page = alloc_touched(PB_ORDER);
	pfn = page_to_pfn(page);
	before = counts_now();
	t0 = now_ms();
	__free_pages(page, PB_ORDER);
	after = counts_now();
	/* Nothing on the free path. */
	assert_true(after.madvise == before.madvise);
	assert_true(after.batches == before.batches);
	assert_false(frame_given_back(pfn));
	/* Nor before the delay has passed (it can only come later). */
	while (now_ms() - t0 < PAGE_REPORTING_DELAY / 2) {
		after = counts_now();
		if (now_ms() - t0 < PAGE_REPORTING_DELAY / 2)
			assert_true(after.batches == before.batches);
		usleep(1000);
	}
	/* Then the delayed work does it, with no call from us. */
	while (counts_now().batches == before.batches && now_ms() - t0 < 10000)
		usleep(2000);
	after = counts_now();
	printf("# reported %llu ms after the free\n",
	       (unsigned long long)(now_ms() - t0));
	assert_true(after.batches > before.batches);
	assert_true(after.madvise > before.madvise);
	assert_true(frame_given_back(pfn));
}

/* Allocate the whole machine in pageblocks; returns how many. */
static unsigned long fill_pageblocks(struct page **blocks, unsigned long max)
{
	unsigned long n = 0;
	struct page *page;

	while (n < max && (page = alloc_pages(GFP_KERNEL | __GFP_MOVABLE |
					      __GFP_NOWARN, PB_ORDER))) {
		memset(page_address(page), 0x5a, PAGE_SIZE << PB_ORDER);
		blocks[n++] = page;
	}
	return n;
}

static void test_batches(void **state)
{
	enum { MAX_BLOCKS = 256 };
	struct page *blocks[MAX_BLOCKS];
	struct counts c0, c1, c2;
	unsigned long n, i, freed = 0, o;
	struct page *page;
	int mt;

	(void)state;
	/* Counted batches: no expedited pass during the burst of frees. */
	page_reporting_expedite_pages = 0;
	n = fill_pageblocks(blocks, MAX_BLOCKS);
	assert_true(n >= 100);
	zsim_report_free_pages();	/* what the fill split off */
	c0 = counts_now();
	/* Every other block: neighbours stay allocated, nothing merges. */
	for (i = 0; i < n; i += 2) {
		__free_pages(blocks[i], PB_ORDER);
		freed++;
	}
	assert_true(counts_now().madvise == c0.madvise);
	zsim_report_free_pages();
	c1 = counts_now();
	printf("# %lu separate blocks: %llu batches, %llu madvise calls\n", freed,
	       (unsigned long long)(c1.batches - c0.batches),
	       (unsigned long long)(c1.madvise - c0.madvise));
	/*
	 * What the fill left free (below the watermark, too little to
	 * report then) may merge with a freed neighbour and go too.
	 */
	assert_true(c1.pages - c0.pages >= freed << PB_ORDER);
	assert_true(c1.pages - c0.pages <= (freed + 1) << PB_ORDER);
	assert_int_equal(c1.batches - c0.batches,
			 DIV_ROUND_UP(freed, PAGE_REPORTING_CAPACITY));
	/* Not adjacent: one call each. */
	assert_true(c1.madvise - c0.madvise >= freed - 1);
	assert_true(c1.madvise - c0.madvise <= freed);
	for (i = 0; i < n; i += 2)
		assert_true(block_reported(blocks[i]));
	assert_int_equal(zsim_report_free_pages(), reported_pages());

	/*
	 * Free the rest: each merges with reported buddies, and the merged
	 * blocks are not reported any more (their new halves hold data).
	 */
	for (i = 1; i < n; i += 2)
		__free_pages(blocks[i], PB_ORDER);
	spin_lock(&sim_zone.lock);
	for (o = PB_ORDER + 1; o < MAX_ORDER; o++)
		for (mt = 0; mt < MIGRATE_TYPES; mt++)
			list_for_each_entry(page, &sim_zone.free_area[o].free_list[mt], lru)
				assert_false(PageReported(page));
	spin_unlock(&sim_zone.lock);
	zsim_report_free_pages();
	c2 = counts_now();
	printf("# whole zone free: %llu batches, %llu madvise calls, %llu pages\n",
	       (unsigned long long)(c2.batches - c1.batches),
	       (unsigned long long)(c2.madvise - c1.madvise),
	       (unsigned long long)(c2.pages - c1.pages));
	/* The whole zone is one run of adjacent blocks: one call per batch. */
	assert_true(c2.batches - c1.batches >= 1);
	assert_int_equal(c2.madvise - c1.madvise, c2.batches - c1.batches);
	assert_int_equal(reported_pages(), max_pfn - ARCH_PFN_OFFSET);
}

/* A reported block is simply used again: zero-filled, flag gone. */
static void test_reported_block_reused(void **state)
{
	struct zsim_zoneinfo zi;
	uint64_t released;
	struct page *page;
	unsigned long i;
	unsigned char *p;
	int round;

	(void)state;
	for (round = 0; round < 3; round++) {
		zsim_report_free_pages();
		assert_int_equal(zsim_get_zoneinfo(&zi), 0);
		released = zi.released_pageblocks;
		page = alloc_pages(GFP_KERNEL | __GFP_MOVABLE, PB_ORDER);
		assert_non_null(page);
		assert_false(PageReported(page));
		assert_false(PageBuddy(page));
		p = page_address(page);
		/* The OS zeroed the frames; memcheck only knows they are new. */
		kasan_mark_defined(p, PAGE_SIZE << PB_ORDER);
		for (i = 0; i < (PAGE_SIZE << PB_ORDER); i++)
			if (p[i])
				break;
		assert_int_equal(i, PAGE_SIZE << PB_ORDER);
		assert_int_equal(zsim_get_zoneinfo(&zi), 0);
		assert_true(zi.released_pageblocks < released);
		memset(p, 0xa5, PAGE_SIZE << PB_ORDER);
		__free_pages(page, PB_ORDER);
	}
}

/* A block freed beside a reported buddy merges, and the flag goes. */
static void test_merge_clears_reported(void **state)
{
	struct page *a, *b;
	unsigned long pfn_a, pfn_b;
	struct zsim_zoneinfo zi0, zi1;

	(void)state;
	a = alloc_touched(PB_ORDER);
	b = alloc_touched(PB_ORDER);
	pfn_a = page_to_pfn(a);
	pfn_b = page_to_pfn(b);
	/* The second comes from the first's buddy half: they are buddies. */
	assert_int_equal(pfn_a ^ pfn_b, 1UL << PB_ORDER);
	__free_pages(a, PB_ORDER);
	zsim_report_free_pages();
	assert_true(block_reported(a));
	assert_true(frame_given_back(pfn_a));
	assert_false(frame_given_back(pfn_b));
	assert_int_equal(zsim_get_zoneinfo(&zi0), 0);
	__free_pages(b, PB_ORDER);
	/* Merged (at least to PB_ORDER + 1): neither half is reported now. */
	assert_false(block_reported(a));
	assert_false(frame_given_back(pfn_a));
	assert_false(frame_given_back(pfn_b));
	assert_int_equal(zsim_get_zoneinfo(&zi1), 0);
	assert_true(zi1.released_pageblocks < zi0.released_pageblocks);
	zsim_report_free_pages();
	assert_true(frame_given_back(pfn_a));
	assert_true(frame_given_back(pfn_b));
}

/* RSS falls once a pass ran (a loose bound, for a loaded machine). */
static void test_rss_falls(void **state)
{
	enum { NR = 48 };	/* 24 MiB of pageblocks */
	struct page *blocks[NR];
	unsigned long touched, freed, reported;
	int i;

	(void)state;
	if (test_under_valgrind()) {
		printf("# under Valgrind: RSS is Valgrind's, not checked\n");
		skip();
	}
	for (i = 0; i < NR; i++)
		blocks[i] = alloc_touched(PB_ORDER);
	touched = util_rss_bytes();
	for (i = 0; i < NR; i++)
		__free_pages(blocks[i], PB_ORDER);
	freed = util_rss_bytes();
	zsim_report_free_pages();
	reported = util_rss_bytes();
	printf("# RSS touched %lu KiB, freed %lu KiB, reported %lu KiB\n",
	       touched >> 10, freed >> 10, reported >> 10);
	assert_true(reported + (16UL << 20) <= touched);
}

/*
 * The loop of one object allocated and freed: each free merges a
 * pageblock back, which used to be one madvise() per cycle (on the free
 * path, under zone->lock).  With
 * reporting it is a pass per delay at most.
 */
static void test_alloc_free_loop(void **state)
{
	unsigned long cycles = test_under_valgrind() ? 10000 : 100000, i;
	struct counts c0, c1;
	struct page *page;
	uint64_t t0, ms;

	(void)state;
	zsim_report_free_pages();
	c0 = counts_now();
	t0 = now_ms();
	for (i = 0; i < cycles; i++) {
		/* a pageblock, as a zspage's pages are the last of theirs */
		page = alloc_pages(GFP_KERNEL | __GFP_MOVABLE, PB_ORDER);
		assert_non_null(page);
		*(volatile char *)page_address(page) = 1;
		__free_pages(page, PB_ORDER);
	}
	ms = now_ms() - t0;
	c1 = counts_now();
	printf("# %lu cycles in %llu ms: %llu madvise calls in %llu batches\n",
	       cycles, (unsigned long long)ms,
	       (unsigned long long)(c1.madvise - c0.madvise),
	       (unsigned long long)(c1.batches - c0.batches));
	/* At most a pass per delay, each a few calls; far from one per cycle. */
	assert_true(c1.madvise - c0.madvise <=
		    4 * (ms / PAGE_REPORTING_DELAY + 2));
	assert_true(c1.madvise - c0.madvise < cycles / 100);
}

/*
 * A bulk free (zs_compact() emptying zspages, a pool destroyed) queues
 * the pass at once, from the free path, without waiting for the delay;
 * an alloc/free loop, however long, is no bulk free.
 */
static void test_bulk_free_expedited(void **state)
{
	enum { NR = 16 };	/* 16 blocks of 128 pages: 4 times the threshold */
	struct page *blocks[NR];
	unsigned long e0, i;
	uint64_t t0;
	struct counts c0;

	(void)state;
	zsim_report_free_pages();
	for (i = 0; i < NR; i++)
		blocks[i] = alloc_touched(PB_ORDER);
	zsim_report_free_pages();
	e0 = __atomic_load_n(&page_reporting_expedites, __ATOMIC_RELAXED);
	for (i = 0; i < 20000; i++)
		__free_pages(alloc_touched(0), 0);
	assert_int_equal(__atomic_load_n(&page_reporting_expedites, __ATOMIC_RELAXED), e0);
	zsim_report_free_pages();
	c0 = counts_now();
	t0 = now_ms();
	for (i = 0; i < NR; i++)
		__free_pages(blocks[i], PB_ORDER);
	assert_true(__atomic_load_n(&page_reporting_expedites, __ATOMIC_RELAXED) > e0);
	/* Waits for every block: a pass may be half way when it is first seen. */
	for (i = 0; i < NR && now_ms() - t0 < 10000;)
		if (frame_given_back(page_to_pfn(blocks[i])))
			i++;
		else
			usleep(1000);
	printf("# %u blocks freed: reported %llu ms later\n", (unsigned int)NR,
	       (unsigned long long)(now_ms() - t0));
	assert_true(counts_now().pages - c0.pages >= (uint64_t)NR << PB_ORDER);
	for (i = 0; i < NR; i++)
		assert_true(frame_given_back(page_to_pfn(blocks[i])));
}

/* zsim_exit() with a pass armed: cancelled, nothing leaks, boots again. */
static void test_exit_with_pending_pass(void **state)
{
	struct page *page;
	int round;

	(void)state;
	for (round = 0; round < 5; round++) {
		page = alloc_touched(PB_ORDER);
		__free_pages(page, PB_ORDER);	/* arms the delayed work */
		if (round & 1)
			usleep(PAGE_REPORTING_DELAY * 1000);	/* perhaps mid-pass */
		test_shutdown();
		test_boot(64ULL << 20, PB_ORDER);
	}
}

/* With cfg.madvise off there is no device: nothing is ever reported. */
static void test_madvise_off(void **state)
{
	struct zsim_config cfg;
	struct zsim_zoneinfo zi;
	struct page *page;

	(void)state;
	test_shutdown();
	zsim_config_default(&cfg);
	cfg.mem_bytes = 64ULL << 20;
	cfg.pageblock_order = PB_ORDER;
	cfg.madvise = false;
	cfg.loglevel = 3;
	assert_int_equal(zsim_init(&cfg), 0);
	page = alloc_touched(PB_ORDER);
	__free_pages(page, PB_ORDER);
	assert_int_equal(zsim_report_free_pages(), 0);
	assert_int_equal(zsim_get_zoneinfo(&zi), 0);
	assert_int_equal(zi.released_pageblocks, 0);
	assert_int_equal(counter("page_reporting_batches"), 0);
	test_shutdown();
	test_boot(64ULL << 20, PB_ORDER);
}

/* Allocators free and allocate while passes run: nothing is lost. */
struct stress_arg {
	uint64_t seed;
	unsigned long ops;
	unsigned long failures;
	volatile int *stop;
};

static void *stress_thread(void *arg)
{
	struct stress_arg *a = arg;
	struct { struct page *page; unsigned int order; uint64_t tag; } held[16];
	struct test_rng rng;
	unsigned long op, nr = 0, i, j;

	test_rng_init(&rng, a->seed);
	for (op = 0; op < a->ops; op++) {
		if (nr < 16 && (nr == 0 || test_rng_below(&rng, 2))) {
			unsigned int order = (unsigned int)test_rng_below(&rng, PB_ORDER + 2);
			struct page *page = alloc_pages(GFP_KERNEL | __GFP_MOVABLE |
							__GFP_NOWARN, order);
			uint64_t *w;

			if (!page)
				continue;
			w = page_address(page);
			held[nr].page = page;
			held[nr].order = order;
			held[nr].tag = test_rng_next(&rng);
			for (j = 0; j < (PAGE_SIZE << order) / 8; j += 64)
				w[j] = held[nr].tag + j;
			nr++;
		} else {
			uint64_t *w;

			i = test_rng_below(&rng, nr);
			w = page_address(held[i].page);
			for (j = 0; j < (PAGE_SIZE << held[i].order) / 8; j += 64)
				if (w[j] != held[i].tag + j)
					a->failures++;
			__free_pages(held[i].page, held[i].order);
			held[i] = held[--nr];
		}
	}
	while (nr--)
		__free_pages(held[nr].page, held[nr].order);
	return NULL;
}

static void test_stress_with_passes(void **state)
{
	enum { NR_THREADS = 4 };
	struct stress_arg args[NR_THREADS];
	pthread_t threads[NR_THREADS];
	volatile int stop = 0;
	unsigned long passes = 0;
	struct counts c0, c1;
	int i;

	(void)state;
	c0 = counts_now();
	for (i = 0; i < NR_THREADS; i++) {
		args[i] = (struct stress_arg){
			.seed = test_seed * 977 + (uint64_t)i,
			.ops = test_under_valgrind() ? 1000 : 20000,
			.stop = &stop,
		};
		assert_int_equal(pthread_create(&threads[i], NULL, stress_thread,
						&args[i]), 0);
	}
	for (i = 0; i < NR_THREADS; i++) {
		while (pthread_tryjoin_np(threads[i], NULL) != 0) {
			zsim_report_free_pages();
			passes++;
		}
		assert_int_equal(args[i].failures, 0);
	}
	zsim_report_free_pages();
	c1 = counts_now();
	printf("# %lu forced passes, %llu batches, %llu pages reported\n", passes,
	       (unsigned long long)(c1.batches - c0.batches),
	       (unsigned long long)(c1.pages - c0.pages));
	assert_true(c1.batches > c0.batches);
	/* Everything is free again, and all of it reported. */
	assert_int_equal(reported_pages(), max_pfn - ARCH_PFN_OFFSET);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_free_path_and_delay,
			test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_batches,
			test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_reported_block_reused,
			test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_merge_clears_reported,
			test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_rss_falls,
			test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_alloc_free_loop,
			test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_bulk_free_expedited,
			test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_exit_with_pending_pass,
			test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_madvise_off,
			test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_stress_with_passes,
			test_setup_small_machine, test_teardown_machine),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
