// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * The per-CPU page lists of the buddy allocator (struct per_cpu_pages):
 * 4.8's batch and high, pages freed to a list and taken from it, every
 * page accounted (free + on a list + allocated == managed), nothing left
 * on a list at zsim_exit(), the drains of isolation, compaction and an
 * allocation that would otherwise fail, fault injection on the refill
 * paths of the lists and of the slab, and a threaded stress over several
 * CPUs' lists (run under TSan too).
 */
#include "test_helpers.h"

#include <pthread.h>

#include <linux/gfp.h>
#include <linux/kconfig.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/page-isolation.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/vmstat.h>

#include <zsmalloc/zsim.h>

static unsigned long pcp_total(void)
{
	unsigned long sum = 0;
	unsigned int cpu;

	for (cpu = 0; cpu < sim_zone.nr_pagesets; cpu++) {
		struct per_cpu_pages *pcp = &sim_zone.pageset[cpu].pcp;

		spin_lock(&pcp->lock);
		sum += (unsigned long)pcp->count;
		spin_unlock(&pcp->lock);
	}
	return sum;
}

/* Pages allocated, by the zone's per-type counters. */
static unsigned long allocated(void)
{
	return zone_page_state(&sim_zone, NR_ZONE_UNMOVABLE) +
	       zone_page_state(&sim_zone, NR_ZONE_MOVABLE) +
	       zone_page_state(&sim_zone, NR_ZONE_RECLAIMABLE);
}

/* Every page is free, on a CPU's list, or allocated: exactly one. */
static void assert_accounted(void)
{
	struct zsim_zoneinfo zi;

	assert_int_equal(zsim_get_zoneinfo(&zi), 0);
	assert_int_equal(zi.pcp_pages, pcp_total());
	assert_int_equal(zi.free_pages + zi.pcp_pages + allocated(), zi.managed_pages);
}

/* --- batch and high ---------------------------------------------------- */

static void test_batch_and_high(void **state)
{
	unsigned int cpu;

	(void)state;
	/*
	 * 64 MiB: 16384 pages / 1024 = 16, / 4 = 4, rounddown_pow_of_two(6)
	 * - 1 = 3; high is 6 * batch (Linux 4.8's zone_batchsize() and
	 * pageset_set_batch()).
	 */
	assert_int_equal(sim_zone.nr_pagesets, nr_cpu_ids);
	for (cpu = 0; cpu < sim_zone.nr_pagesets; cpu++) {
		assert_int_equal(sim_zone.pageset[cpu].pcp.batch, 3);
		assert_int_equal(sim_zone.pageset[cpu].pcp.high, 18);
		assert_int_equal(sim_zone.pageset[cpu].pcp.count, 0);
		/* 2 * fls(4 CPUs) * (1 + fls(64 MiB >> 27)) = 6 */
		assert_int_equal(sim_zone.pageset[cpu].stat_threshold,
				 2 * fls(nr_cpu_ids) * 1);
	}
	assert_accounted();
}

/* --- an order-0 page through this CPU's list ----------------------------- */

static void test_free_to_list_and_back(void **state)
{
	struct per_cpu_pages *pcp;
	struct page *page, *again;
	unsigned long free0;

	(void)state;
	drain_all_pages(NULL);
	pcp = &sim_zone.pageset[smp_processor_id()].pcp;
	free0 = zone_page_state(&sim_zone, NR_FREE_PAGES);

	/* The empty list is refilled with a batch, one page is ours. */
	page = alloc_page(GFP_KERNEL | __GFP_MOVABLE);
	assert_non_null(page);
	assert_int_equal(pcp->count, pcp->batch - 1);
	assert_int_equal(zone_page_state(&sim_zone, NR_FREE_PAGES), free0 - pcp->batch);
	assert_accounted();

	/* Freed, it goes on the list, not to the free lists. */
	__free_page(page);
	assert_int_equal(pcp->count, pcp->batch);
	assert_false(PageBuddy(page));
	assert_int_equal(page_ref_count(page), 0);
	assert_int_equal(zone_page_state(&sim_zone, NR_FREE_PAGES), free0 - pcp->batch);
	assert_accounted();

	/* The next allocation of that type takes it back, hot. */
	again = alloc_page(GFP_KERNEL | __GFP_MOVABLE);
	assert_ptr_equal(again, page);
	__free_page(again);

	/* Drained, every page is on the free lists again. */
	drain_local_pages(NULL);
	assert_int_equal(pcp->count, 0);
	assert_int_equal(zone_page_state(&sim_zone, NR_FREE_PAGES), free0);
	assert_accounted();
}

/* Past high, a batch of the list goes back to the buddy allocator. */
static void test_high_spills_a_batch(void **state)
{
	struct page *pages[64];
	struct per_cpu_pages *pcp;
	int i, n;

	(void)state;
	drain_all_pages(NULL);
	pcp = &sim_zone.pageset[smp_processor_id()].pcp;
	n = pcp->high + 2 * pcp->batch;
	assert_true(n <= 64);
	for (i = 0; i < n; i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		assert_non_null(pages[i]);
	}
	for (i = 0; i < n; i++) {
		__free_page(pages[i]);
		assert_true(pcp->count < pcp->high);
	}
	assert_true(pcp->count >= pcp->high - pcp->batch);
	assert_accounted();
	drain_local_pages(NULL);
	assert_accounted();
}

/* A page of an isolated pageblock skips the list. */
static void test_isolated_pageblock_skips_list(void **state)
{
	struct per_cpu_pages *pcp;
	unsigned long start;
	struct page *page;

	(void)state;
	drain_all_pages(NULL);
	pcp = &sim_zone.pageset[smp_processor_id()].pcp;
	page = alloc_page(GFP_KERNEL | __GFP_MOVABLE);
	assert_non_null(page);
	drain_local_pages(NULL);
	start = pageblock_start_pfn(page_to_pfn(page));
	assert_int_equal(start_isolate_page_range(start, start + pageblock_nr_pages,
						  0, 0, NULL), 0);
	__free_page(page);
	/* straight to the buddy (isolate) lists, not counted free */
	assert_int_equal(pcp->count, 0);
	assert_int_equal(test_pages_isolated(start, start + pageblock_nr_pages, NULL), 0);
	undo_isolate_page_range(start, start + pageblock_nr_pages, MIGRATE_MOVABLE);
	assert_accounted();
	assert_int_equal(zone_page_state(&sim_zone, NR_FREE_PAGES), sim_zone.managed_pages);
}

/* --- other CPUs' lists --------------------------------------------------- */

struct holder {
	pthread_t thread;
	unsigned int cpu;
	int nr;			/* pages to allocate and free on its CPU */
	struct page *pages[64];
};

static void *hold_on_list(void *arg)
{
	struct holder *h = arg;
	int i;

	h->cpu = (unsigned int)smp_processor_id();
	for (i = 0; i < h->nr; i++) {
		h->pages[i] = alloc_page(GFP_KERNEL | __GFP_MOVABLE);
		assert_non_null(h->pages[i]);
	}
	for (i = 0; i < h->nr; i++)
		__free_page(h->pages[i]);
	return NULL;
}

/* Leave free pages on the lists of CPUs other than this thread's. */
static unsigned int fill_other_lists(int per_thread)
{
	struct holder h[8];
	unsigned int me = (unsigned int)smp_processor_id(), others = 0;
	int i;

	for (i = 0; i < 8; i++) {
		h[i].nr = per_thread;
		assert_int_equal(pthread_create(&h[i].thread, NULL, hold_on_list, &h[i]), 0);
		assert_int_equal(pthread_join(h[i].thread, NULL), 0);
		if (h[i].cpu != me)
			others++;
	}
	return others;
}

static void test_exit_drains_every_list(void **state)
{
	struct zsim_zoneinfo zi;
	unsigned int cpu, used = 0;

	(void)state;
	test_boot(64ULL << 20, 7);
	assert_true(fill_other_lists(10) > 0);
	for (cpu = 0; cpu < sim_zone.nr_pagesets; cpu++)
		used += sim_zone.pageset[cpu].pcp.count > 0;
	assert_true(used >= 2);
	assert_int_equal(zsim_get_zoneinfo(&zi), 0);
	assert_true(zi.pcp_pages > 0);
	assert_int_equal(allocated(), 0);
	/* the pages on the lists are free, not leaked */
	assert_int_equal(zsim_exit(), 0);
}

static void test_drain_all_pages(void **state)
{
	struct zsim_zoneinfo zi;

	(void)state;
	assert_true(fill_other_lists(10) > 0);
	assert_true(pcp_total() > 0);
	drain_all_pages(NULL);
	assert_int_equal(pcp_total(), 0);
	assert_int_equal(zsim_get_zoneinfo(&zi), 0);
	assert_int_equal(zi.free_pages, zi.managed_pages - allocated());
}

/*
 * Free pages on other CPUs' lists do not make an allocation fail: with
 * and without them, this thread gets the same number of pages.
 */
static unsigned long alloc_all(struct page ***out)
{
	unsigned long n = 0, cap = 1UL << 15;
	struct page **pages = malloc(cap * sizeof(*pages));
	struct page *page;

	assert_non_null(pages);
	while ((page = alloc_page(GFP_NOWAIT | __GFP_NOWARN))) {
		assert_true(n < cap);
		pages[n++] = page;
	}
	*out = pages;
	return n;
}

static void free_all(struct page **pages, unsigned long n)
{
	while (n--)
		__free_page(pages[n]);
	free(pages);
}

static void test_exhaustion_drains_lists(void **state)
{
	struct page **pages;
	unsigned long quiet, busy;

	(void)state;
	drain_all_pages(NULL);
	quiet = alloc_all(&pages);
	free_all(pages, quiet);
	drain_all_pages(NULL);

	assert_true(fill_other_lists(12) > 0);
	assert_true(pcp_total() > 0);
	busy = alloc_all(&pages);
	assert_int_equal(busy, quiet);
	free_all(pages, busy);
	assert_accounted();
}

/*
 * alloc_contig_range() over a pageblock whose free pages sit on CPUs'
 * lists: they count as free for the isolation and are drained to it.
 */
static void test_contig_range_finds_listed_pages(void **state)
{
	unsigned long nr = pageblock_nr_pages, i, start = 0;
	struct page **pages = calloc(nr * 4, sizeof(*pages));
	unsigned long n = 0;

	(void)state;
	assert_non_null(pages);
	drain_all_pages(NULL);
	/* order-0 pages until one whole pageblock is ours */
	while (!start && n < nr * 4) {
		pages[n] = alloc_page(GFP_KERNEL | __GFP_MOVABLE);
		assert_non_null(pages[n]);
		n++;
		for (i = 0; i < n && !start; i++) {
			unsigned long b = pageblock_start_pfn(page_to_pfn(pages[i])), j, got = 0;

			for (j = 0; j < n; j++)
				got += pageblock_start_pfn(page_to_pfn(pages[j])) == b;
			if (got == nr)
				start = b;
		}
	}
	assert_true(start != 0);
	/* free them: the last ones stay on this CPU's list */
	for (i = 0; i < n; i++)
		__free_page(pages[i]);
	assert_true(pcp_total() > 0);
	assert_int_equal(zsim_alloc_contig_range(start, nr), 0);
	assert_int_equal(zsim_free_contig_range(start, nr), 0);
	free(pages);
	assert_accounted();
}

/* A whole-zone compaction sees the listed pages as the free pages they are. */
static void test_compaction_drains_lists(void **state)
{
	(void)state;
	assert_true(fill_other_lists(10) > 0);
	assert_true(pcp_total() > 0);
	assert_int_equal(zsim_compact_memory(), 0);
	assert_int_equal(pcp_total(), 0);
	assert_accounted();
}

/* --- fault injection on the refill paths ------------------------------ */

static void test_fault_on_list_refill(void **state)
{
	struct zsim_fault_config fc;
	struct per_cpu_pages *pcp;
	unsigned long free0;
	struct page *page;

	(void)state;
	drain_all_pages(NULL);
	pcp = &sim_zone.pageset[smp_processor_id()].pcp;
	free0 = zone_page_state(&sim_zone, NR_FREE_PAGES);
	zsim_fault_config_default(&fc);
	fc.page_fail_nth = 1;
	fc.page_fail_order = 0;
	assert_int_equal(zsim_fault_set(&fc), 0);
	/* the list is empty: the failed allocation must not refill it */
	assert_null(alloc_page(GFP_KERNEL | __GFP_NOWARN));
	assert_int_equal(pcp->count, 0);
	assert_int_equal(zone_page_state(&sim_zone, NR_FREE_PAGES), free0);
	/* the next one refills and succeeds */
	page = alloc_page(GFP_KERNEL);
	assert_non_null(page);
	assert_int_equal(pcp->count, pcp->batch - 1);
	__free_page(page);
	zsim_fault_config_default(&fc);
	assert_int_equal(zsim_fault_set(&fc), 0);
	assert_accounted();
}

/* The slab's refill: empty sheaves, no free object, the new slab fails. */
static void test_fault_on_slab_refill(void **state)
{
	struct zsim_fault_config fc;
	struct kmem_cache *s;
	void *objs[256];
	unsigned long slab0;
	int i, n = 0;

	(void)state;
	s = kmem_cache_create("pcp_refill", 512, 0, 0, NULL);
	assert_non_null(s);
	slab0 = zone_page_state(&sim_zone, NR_SLAB_UNRECLAIMABLE);
	zsim_fault_config_default(&fc);
	fc.page_fail_ppm = 1000000;	/* every page allocation fails */
	assert_int_equal(zsim_fault_set(&fc), 0);
	while (n < 256 && (objs[n] = kmem_cache_alloc(s, GFP_KERNEL)))
		n++;
	assert_true(n < 256);
	zsim_fault_config_default(&fc);
	assert_int_equal(zsim_fault_set(&fc), 0);
	/* after the failure, the cache works and holds what it held */
	objs[n] = kmem_cache_alloc(s, GFP_KERNEL);
	assert_non_null(objs[n]);
	n++;
	for (i = 0; i < n; i++)
		kmem_cache_free(s, objs[i]);
	kmem_cache_destroy(s);
	assert_int_equal(zone_page_state(&sim_zone, NR_SLAB_UNRECLAIMABLE), slab0);
	assert_accounted();
}

/* --- threaded stress over several CPUs' lists ----------------------------- */

struct stress_arg {
	pthread_t thread;
	uint64_t seed;
	unsigned long ops, failed;
};

#define STRESS_LIVE	96

static void *stress_thread(void *p)
{
	struct stress_arg *a = p;
	struct page *live[STRESS_LIVE] = { NULL };
	unsigned int order[STRESS_LIVE];
	struct test_rng rng;
	unsigned long i;

	test_rng_init(&rng, a->seed);
	for (i = 0; i < a->ops; i++) {
		unsigned int k = (unsigned int)test_rng_below(&rng, STRESS_LIVE);

		if (live[k]) {
			/* what we wrote is still there: nobody else had the page */
			assert_int_equal(*(unsigned long *)page_address(live[k]),
					 (unsigned long)live[k]);
			__free_pages(live[k], order[k]);
			live[k] = NULL;
			continue;
		}
		order[k] = test_rng_below(&rng, 8) ? 0 : 1;
		live[k] = alloc_pages(GFP_KERNEL | __GFP_NOWARN |
				      (test_rng_below(&rng, 2) ? __GFP_MOVABLE : 0),
				      order[k]);
		if (!live[k]) {
			a->failed++;
			continue;
		}
		*(unsigned long *)page_address(live[k]) = (unsigned long)live[k];
		if (!test_rng_below(&rng, 64))
			drain_local_pages(NULL);
		if (!test_rng_below(&rng, 256))
			drain_all_pages(NULL);
	}
	for (i = 0; i < STRESS_LIVE; i++)
		if (live[i])
			__free_pages(live[i], order[i]);
	return NULL;
}

static void run_stress(unsigned int ppm)
{
	struct stress_arg a[4];
	struct zsim_fault_config fc;
	unsigned long failed = 0;
	int t;

	zsim_fault_config_default(&fc);
	fc.page_fail_ppm = ppm;
	fc.seed = test_seed;
	assert_int_equal(zsim_fault_set(&fc), 0);
	for (t = 0; t < 4; t++) {
		a[t].seed = test_seed * 31 + (uint64_t)t;
		a[t].ops = test_under_valgrind() ? 4000 : 40000;
		a[t].failed = 0;
		assert_int_equal(pthread_create(&a[t].thread, NULL, stress_thread, &a[t]), 0);
	}
	for (t = 0; t < 4; t++) {
		assert_int_equal(pthread_join(a[t].thread, NULL), 0);
		failed += a[t].failed;
	}
	zsim_fault_config_default(&fc);
	assert_int_equal(zsim_fault_set(&fc), 0);
	if (!ppm)
		assert_int_equal(failed, 0);
	else
		assert_true(failed > 0);
	assert_int_equal(allocated(), 0);
	assert_accounted();
	drain_all_pages(NULL);
	assert_int_equal(zone_page_state(&sim_zone, NR_FREE_PAGES), sim_zone.managed_pages);
}

static void test_threaded_stress(void **state)
{
	(void)state;
	run_stress(0);
}

static void test_threaded_stress_with_faults(void **state)
{
	(void)state;
	run_stress(20000);
}

/* A 64 MiB machine of @nr_cpus simulated CPUs. */
#define boot_cpus(nr_cpus)	test_boot_cpus(64ULL << 20, 7, (nr_cpus))

/* Slab allocations and page allocations fail at these rates (0: never). */
static void set_faults(unsigned int slab_ppm, unsigned int page_ppm)
{
	struct zsim_fault_config fc;

	zsim_fault_config_default(&fc);
	fc.slab_fail_ppm = slab_ppm;
	fc.page_fail_ppm = page_ppm;
	fc.seed = test_seed;
	assert_int_equal(zsim_fault_set(&fc), 0);
}

/* After the threads: every object back, every failure counted once. */
static void check_cache_idle(struct kmem_cache *s, unsigned long failed,
			     struct sim_slab_stats *st)
{
	sim_slab_cache_stats(s, st);
	assert_int_equal(st->failed, failed);
	assert_int_equal(st->active_objs, 0);
	assert_int_equal(st->allocs, st->frees);
}

/*
 * Threads sharing one simulated CPU: its page lists and every cache's
 * sheaves are contended, the sheaves' trylock fails now and then and
 * the object goes to or from the slabs directly.  Nothing is handed out
 * twice, nothing is lost.
 */
struct shared_arg {
	pthread_t thread;
	struct kmem_cache *s;
	uint64_t seed;
	unsigned long ops, errors, failed;
};

#define SHARED_LIVE	64

static void *shared_cpu_thread(void *p)
{
	struct shared_arg *a = p;
	unsigned long *objs[SHARED_LIVE] = { NULL };
	struct page *pages[SHARED_LIVE] = { NULL };
	struct test_rng rng;
	unsigned long i;

	test_rng_init(&rng, a->seed);
	for (i = 0; i < a->ops; i++) {
		unsigned int k = (unsigned int)test_rng_below(&rng, SHARED_LIVE);

		if (objs[k]) {
			if (*objs[k] != (unsigned long)objs[k] + a->seed)
				a->errors++;
			kmem_cache_free(a->s, objs[k]);
			objs[k] = NULL;
		} else {
			objs[k] = kmem_cache_alloc(a->s, GFP_KERNEL);
			if (!objs[k]) {
				/* injected: the sheaves', the bypass's or a new slab's refill */
				a->failed++;
				continue;
			}
			*objs[k] = (unsigned long)objs[k] + a->seed;
		}
		if (pages[k]) {
			if (*(unsigned long *)page_address(pages[k]) != a->seed)
				a->errors++;
			__free_page(pages[k]);
			pages[k] = NULL;
		} else if (!(i & 3)) {
			pages[k] = alloc_page(GFP_KERNEL);
			if (pages[k])
				*(unsigned long *)page_address(pages[k]) = a->seed;
		}
	}
	for (i = 0; i < SHARED_LIVE; i++) {
		if (objs[i])
			kmem_cache_free(a->s, objs[i]);
		if (pages[i])
			__free_page(pages[i]);
	}
	return NULL;
}

static void test_threads_share_one_cpu(void **state)
{
	unsigned long failed = 0;
	struct shared_arg a[4];
	struct sim_slab_stats st;
	struct kmem_cache *s;
	int t;

	(void)state;
	boot_cpus(1);
	assert_int_equal(sim_zone.nr_pagesets, 1);
	s = kmem_cache_create("pcp_shared", 24, 0, 0, NULL);
	assert_non_null(s);
	/* objects and pages fail now and then, on every refill path */
	set_faults(2000, 20000);
	for (t = 0; t < 4; t++) {
		a[t] = (struct shared_arg){ .s = s, .seed = test_seed * 131 + (uint64_t)t,
					     .ops = test_under_valgrind() ? 5000 : 200000 };
		assert_int_equal(pthread_create(&a[t].thread, NULL, shared_cpu_thread, &a[t]), 0);
	}
	for (t = 0; t < 4; t++) {
		assert_int_equal(pthread_join(a[t].thread, NULL), 0);
		assert_int_equal(a[t].errors, 0);
		failed += a[t].failed;
	}
	set_faults(0, 0);
	assert_true(failed > 0);
	check_cache_idle(s, failed, &st);
	printf("# one CPU, 4 threads: %lu of %lu slab operations bypassed the busy sheaves\n",
	       st.bypassed, st.allocs + st.frees);
	kmem_cache_destroy(s);
	assert_int_equal(allocated(), 0);
	assert_accounted();
	assert_int_equal(zsim_exit(), 0);
}

/*
 * Sheaves across CPUs: bursts larger than a CPU's two sheaves send full
 * sheaves to the barn, and the other CPU takes them, so objects freed on
 * one CPU are handed out on the other; the barn fills and sheaves go back
 * to the slabs; allocations and the new slabs of refills fail now and then.  Nothing is handed out twice,
 * nothing is lost.
 */
struct burst_arg {
	pthread_t thread;
	struct kmem_cache *s;
	uint64_t seed;
	unsigned int max, rounds;
	unsigned long errors, failed;
};

static void *burst_thread(void *p)
{
	struct burst_arg *a = p;
	uint64_t **objs = calloc(a->max, sizeof(*objs));
	struct test_rng rng;
	unsigned int r, i, n;

	if (!objs) {
		a->errors++;
		return NULL;
	}
	test_rng_init(&rng, a->seed);
	for (r = 0; r < a->rounds; r++) {
		n = 1 + (unsigned int)test_rng_below(&rng, a->max);
		for (i = 0; i < n; i++) {
			objs[i] = kmem_cache_alloc(a->s, GFP_KERNEL);
			if (!objs[i]) {
				/* injected: the allocation, or its new slab */
				a->failed++;
				n = i;
				break;
			}
			objs[i][0] = a->seed ^ (uint64_t)(uintptr_t)objs[i];
			objs[i][1] = r;
		}
		for (i = 0; i < n; i++)
			if (objs[i][0] != (a->seed ^ (uint64_t)(uintptr_t)objs[i]) ||
			    objs[i][1] != r)
				a->errors++;
		for (i = n; i > 1; i--) {
			unsigned int j = (unsigned int)test_rng_below(&rng, i);
			uint64_t *t = objs[i - 1];

			objs[i - 1] = objs[j];
			objs[j] = t;
		}
		for (i = 0; i < n; i++)
			kmem_cache_free(a->s, objs[i]);
	}
	free(objs);
	return NULL;
}

static void test_sheaves_cross_cpus(void **state)
{
	unsigned long failed = 0;
	struct burst_arg a[4];
	struct sim_slab_stats st;
	struct kmem_cache *s;
	unsigned int cap;
	int t;

	(void)state;
	boot_cpus(2);
	s = kmem_cache_create("pcp_burst", 24, 0, 0, NULL);
	assert_non_null(s);
	sim_slab_cache_stats(s, &st);
	cap = st.sheaf_capacity;
	/* kmem_cache_alloc() itself; a new slab, when sheaves, barn and slabs are empty */
	set_faults(500, 20000);
	for (t = 0; t < 4; t++) {
		/* two threads on each simulated CPU, bursts up to 8 sheaves */
		a[t] = (struct burst_arg){ .s = s, .seed = test_seed * 977 + (uint64_t)t,
					    .max = 8 * cap,
					    .rounds = test_under_valgrind() ? 20 : 400 };
		assert_int_equal(pthread_create(&a[t].thread, NULL, burst_thread, &a[t]), 0);
	}
	for (t = 0; t < 4; t++) {
		assert_int_equal(pthread_join(a[t].thread, NULL), 0);
		assert_int_equal(a[t].errors, 0);
		failed += a[t].failed;
	}
	set_faults(0, 0);
	check_cache_idle(s, failed, &st);
	assert_true(st.barn_get > 0);
	assert_true(st.barn_put > 0);
	assert_true(st.barn_put_fail > 0);
	assert_true(st.barn_full <= 10);
	assert_true(st.cached_objs <= (2 * 2 + 10) * (unsigned long)cap);
	printf("# 2 CPUs, 4 threads: barn get %lu (fail %lu), put %lu (fail %lu), %lu allocations failed\n",
	       st.barn_get, st.barn_get_fail, st.barn_put, st.barn_put_fail, failed);
	kmem_cache_destroy(s);
	assert_int_equal(allocated(), 0);
	assert_accounted();
	assert_int_equal(zsim_exit(), 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_batch_and_high,
						test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_free_to_list_and_back,
						test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_high_spills_a_batch,
						test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_isolated_pageblock_skips_list,
						test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test(test_exit_drains_every_list),
		cmocka_unit_test_setup_teardown(test_drain_all_pages,
						test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_exhaustion_drains_lists,
						test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_contig_range_finds_listed_pages,
						test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_compaction_drains_lists,
						test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_fault_on_list_refill,
						test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_fault_on_slab_refill,
						test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_threaded_stress,
						test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_threaded_stress_with_faults,
						test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test(test_threads_share_one_cpu),
		cmocka_unit_test(test_sheaves_cross_cpus),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
