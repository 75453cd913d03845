// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Fault injection (sim/kernel/fault_inject.c): the Nth page or slab
 * allocation fails exactly, probabilistic failures are reproducible from
 * the seed and close to the asked rate, the order filter holds, every
 * attempt and injection is counted, bad configs are refused, and the
 * ZSIM_FAIL_* environment variables arm it at boot.  By target: the
 * kernel's attributes (interval, times, space), the order, gfp and
 * slab cache filters, trylocks, the text form and ZSIM_FAULT.
 */
#include "test_helpers.h"

#include <errno.h>
#include <pthread.h>

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/rwlock.h>
#include <linux/pagemap.h>
#include <sim/internal.h>

static struct zsim_fault_stats fault_stats(void)
{
	struct zsim_fault_stats st;

	assert_int_equal(zsim_fault_stats(&st), 0);
	return st;
}

static void fault_off(void)
{
	struct zsim_fault_config f = { .size = sizeof(f), .page_fail_order = -1 };

	assert_int_equal(zsim_fault_set(&f), 0);
}

/* Allocate and free one page; true if the allocation failed. */
static bool page_alloc_fails(unsigned int order)
{
	struct page *page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, order);

	if (!page)
		return true;
	__free_pages(page, order);
	return false;
}

static void test_fault_page_nth_exact(void **state)
{
	struct zsim_fault_config f = { .size = sizeof(f), .page_fail_nth = 5, .page_fail_order = -1 };
	struct zsim_fault_stats before, after;
	struct page *pages[12];
	int i;

	(void)state;
	before = fault_stats();
	assert_int_equal(zsim_fault_set(&f), 0);
	for (i = 0; i < 12; i++) {
		pages[i] = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0);
		if (i == 4)
			assert_null(pages[i]);
		else
			assert_non_null(pages[i]);
	}
	after = fault_stats();
	assert_int_equal(after.page_attempts - before.page_attempts, 12);
	assert_int_equal(after.page_injected - before.page_injected, 1);

	/* Disarmed after the Nth: the next ones succeed. */
	for (i = 0; i < 12; i++)
		if (pages[i])
			__free_pages(pages[i], 0);
	for (i = 0; i < 20; i++)
		assert_false(page_alloc_fails(0));
	assert_int_equal(fault_stats().page_injected - before.page_injected, 1);

	/* Re-setting re-arms from the next attempt: nth 1 fails the next. */
	f.page_fail_nth = 1;
	assert_int_equal(zsim_fault_set(&f), 0);
	assert_true(page_alloc_fails(0));
	assert_false(page_alloc_fails(0));
	fault_off();
}

/* Failure pattern of @n attempts at @ppm with @seed, one bit per attempt. */
static unsigned int page_pattern(uint64_t seed, uint32_t ppm, unsigned int n,
				 unsigned char *bits)
{
	struct zsim_fault_config f = { .size = sizeof(f),
		.page_fail_ppm = ppm, .page_fail_order = -1, .seed = seed,
	};
	unsigned int i, fails = 0;

	memset(bits, 0, (n + 7) / 8);
	assert_int_equal(zsim_fault_set(&f), 0);
	for (i = 0; i < n; i++) {
		if (page_alloc_fails(0)) {
			bits[i / 8] |= 1u << (i % 8);
			fails++;
		}
	}
	fault_off();
	return fails;
}

static void test_fault_page_ppm_reproducible(void **state)
{
	enum { N = 10000 };
	static unsigned char a[N / 8 + 1], b[N / 8 + 1], c[N / 8 + 1];
	unsigned int fa, fb, fc;

	(void)state;
	fa = page_pattern(test_seed, 100000, N, a);
	fb = page_pattern(test_seed, 100000, N, b);
	fc = page_pattern(test_seed + 1, 100000, N, c);
	printf("# 10%% over %d attempts: %u, %u (same seed), %u (seed + 1)\n",
	       N, fa, fb, fc);
	assert_int_equal(fa, fb);
	assert_memory_equal(a, b, sizeof(a));
	/* A different seed gives another pattern (10000 draws: surely). */
	assert_true(memcmp(a, c, sizeof(a)) != 0);
	/* 10% of 10000 = 1000, sd 30: +-300 is ten standard deviations. */
	assert_in_range(fa, 700, 1300);
	assert_in_range(fc, 700, 1300);

	/* The edges: 0 never fails, 1000000 always does. */
	assert_int_equal(page_pattern(test_seed, 1000000, 100, a), 100);
	assert_int_equal(page_pattern(test_seed, 0, 100, a), 0);
}

static void test_fault_page_order_filter(void **state)
{
	struct zsim_fault_config f = { .size = sizeof(f), .page_fail_nth = 1, .page_fail_order = 2 };
	struct zsim_fault_stats before = fault_stats(), after;
	int i;

	(void)state;
	assert_int_equal(zsim_fault_set(&f), 0);
	/* Other orders neither fail nor count towards the Nth. */
	for (i = 0; i < 5; i++) {
		assert_false(page_alloc_fails(0));
		assert_false(page_alloc_fails(1));
		assert_false(page_alloc_fails(3));
	}
	assert_true(page_alloc_fails(2));
	assert_false(page_alloc_fails(2));
	after = fault_stats();
	assert_int_equal(after.page_attempts - before.page_attempts, 17);
	assert_int_equal(after.page_injected - before.page_injected, 1);

	/* Always fail order 3, never the others. */
	f.page_fail_nth = 0;
	f.page_fail_ppm = 1000000;
	f.page_fail_order = 3;
	assert_int_equal(zsim_fault_set(&f), 0);
	for (i = 0; i < 10; i++) {
		assert_true(page_alloc_fails(3));
		assert_false(page_alloc_fails(0));
		assert_false(page_alloc_fails(4));
	}
	fault_off();
}

static void test_fault_slab_nth(void **state)
{
	struct zsim_fault_config f = { .size = sizeof(f), .slab_fail_nth = 3, .page_fail_order = -1 };
	struct zsim_fault_stats before, after;
	struct sim_slab_stats st;
	struct kmem_cache *s;
	void *objs[8];
	int i;

	(void)state;
	s = kmem_cache_create("test_fault_nth", 48, 0, 0, NULL);
	assert_non_null(s);
	before = fault_stats();
	assert_int_equal(zsim_fault_set(&f), 0);
	for (i = 0; i < 8; i++) {
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		if (i == 2)
			assert_null(objs[i]);
		else
			assert_non_null(objs[i]);
	}
	after = fault_stats();
	assert_int_equal(after.slab_attempts - before.slab_attempts, 8);
	assert_int_equal(after.slab_injected - before.slab_injected, 1);
	sim_slab_cache_stats(s, &st);
	assert_int_equal(st.failed, 1);
	assert_int_equal(st.allocs, 7);
	assert_int_equal(st.active_objs, 7);

	/* kmalloc() goes through the same check. */
	f.slab_fail_nth = 1;
	assert_int_equal(zsim_fault_set(&f), 0);
	assert_null(kmalloc(100, GFP_KERNEL));
	objs[2] = kmalloc(100, GFP_KERNEL);
	assert_non_null(objs[2]);
	kfree(objs[2]);
	objs[2] = NULL;

	/* __GFP_NOFAIL is never failed on purpose. */
	f.slab_fail_nth = 0;
	f.slab_fail_ppm = 1000000;
	assert_int_equal(zsim_fault_set(&f), 0);
	assert_null(kmem_cache_alloc(s, GFP_KERNEL));
	objs[2] = kmem_cache_alloc(s, GFP_KERNEL | __GFP_NOFAIL);
	assert_non_null(objs[2]);
	fault_off();

	for (i = 0; i < 8; i++)
		kmem_cache_free(s, objs[i]);
	kmem_cache_destroy(s);
}

static unsigned int slab_pattern(struct kmem_cache *s, uint64_t seed,
				 uint32_t ppm, unsigned int n, unsigned char *bits)
{
	struct zsim_fault_config f = { .size = sizeof(f),
		.slab_fail_ppm = ppm, .page_fail_order = -1, .seed = seed,
	};
	unsigned int i, fails = 0;
	void *obj;

	memset(bits, 0, (n + 7) / 8);
	assert_int_equal(zsim_fault_set(&f), 0);
	for (i = 0; i < n; i++) {
		obj = kmem_cache_alloc(s, GFP_KERNEL);
		if (!obj) {
			bits[i / 8] |= 1u << (i % 8);
			fails++;
		} else {
			kmem_cache_free(s, obj);
		}
	}
	fault_off();
	return fails;
}

static void test_fault_slab_ppm(void **state)
{
	enum { N = 10000 };
	static unsigned char a[N / 8 + 1], b[N / 8 + 1];
	struct zsim_fault_stats before, after;
	struct sim_slab_stats st;
	struct kmem_cache *s;
	unsigned int fa, fb;

	(void)state;
	s = kmem_cache_create("test_fault_ppm", 64, 0, 0, NULL);
	assert_non_null(s);
	before = fault_stats();
	fa = slab_pattern(s, test_seed, 50000, N, a);
	fb = slab_pattern(s, test_seed, 50000, N, b);
	after = fault_stats();
	printf("# slab 5%% over %d attempts: %u, %u\n", N, fa, fb);
	assert_int_equal(fa, fb);
	assert_memory_equal(a, b, sizeof(a));
	/* 500 expected, sd 22. */
	assert_in_range(fa, 300, 700);
	assert_int_equal(after.slab_attempts - before.slab_attempts, 2 * N);
	assert_int_equal(after.slab_injected - before.slab_injected, fa + fb);
	sim_slab_cache_stats(s, &st);
	assert_int_equal(st.failed, fa + fb);
	assert_int_equal(st.active_objs, 0);
	kmem_cache_destroy(s);
}

/*
 * A slab that cannot get pages: kmem_cache_alloc() returns NULL, counts
 * the failure, and neither leaks nor keeps a half-built slab.
 */
static void test_fault_slab_page_failure(void **state)
{
	struct zsim_fault_config f = { .size = sizeof(f), .page_fail_ppm = 1000000, .page_fail_order = -1 };
	unsigned long free_before, slab_before;
	struct sim_slab_stats st;
	struct kmem_cache *s;
	void *obj;

	(void)state;
	/* 700-byte objects: order-2 slabs, order-0 fallback. */
	s = kmem_cache_create("test_fault_pages", 700, 0, 0, NULL);
	assert_non_null(s);
	free_before = zone_page_state(&sim_zone, NR_FREE_PAGES);
	slab_before = zone_page_state(&sim_zone, NR_SLAB_UNRECLAIMABLE);
	assert_int_equal(zsim_fault_set(&f), 0);
	assert_null(kmem_cache_alloc(s, GFP_KERNEL));
	assert_null(kmalloc(3 * PAGE_SIZE, GFP_KERNEL));
	fault_off();
	sim_slab_cache_stats(s, &st);
	assert_int_equal(st.failed, 1);
	assert_int_equal(st.num_slabs, 0);
	assert_int_equal(st.num_objs, 0);
	assert_int_equal(zone_page_state(&sim_zone, NR_FREE_PAGES), free_before);
	assert_int_equal(zone_page_state(&sim_zone, NR_SLAB_UNRECLAIMABLE), slab_before);

	/* Only the preferred order fails: the slab falls back to one page. */
	assert_int_equal(st.pagesperslab, 4);
	f.page_fail_ppm = 0;
	f.page_fail_nth = 1;
	assert_int_equal(zsim_fault_set(&f), 0);
	obj = kmem_cache_alloc(s, GFP_KERNEL);
	assert_non_null(obj);
	sim_slab_cache_stats(s, &st);
	assert_int_equal(st.num_slabs, 1);
	assert_int_equal(st.num_objs, PAGE_SIZE / st.size);
	assert_int_equal(zone_page_state(&sim_zone, NR_SLAB_UNRECLAIMABLE),
			 slab_before + 1);
	kmem_cache_free(s, obj);
	fault_off();
	obj = kmem_cache_alloc(s, GFP_KERNEL);
	assert_non_null(obj);
	kmem_cache_free(s, obj);
	kmem_cache_destroy(s);
	assert_int_equal(zone_page_state(&sim_zone, NR_SLAB_UNRECLAIMABLE), slab_before);
}

static void test_fault_set_rejects_bad_config(void **state)
{
	struct zsim_fault_config f = { .size = sizeof(f), .page_fail_order = -1 };

	(void)state;
	assert_int_equal(zsim_fault_set(NULL), -EINVAL);
	assert_int_equal(zsim_fault_stats(NULL), -EINVAL);
	f.page_fail_order = -2;
	assert_int_equal(zsim_fault_set(&f), -EINVAL);
	f.page_fail_order = 11;
	assert_int_equal(zsim_fault_set(&f), -EINVAL);
	assert_non_null(strstr(zsim_last_error(), "order"));
	f.page_fail_order = 10;
	assert_int_equal(zsim_fault_set(&f), 0);
	f.page_fail_ppm = 1000001;
	assert_int_equal(zsim_fault_set(&f), -EINVAL);
	f.page_fail_ppm = 1000000;
	f.slab_fail_ppm = 1000001;
	assert_int_equal(zsim_fault_set(&f), -EINVAL);
	f.slab_fail_ppm = 0;
	f.page_fail_ppm = 0;
	f.page_fail_order = -1;
	assert_int_equal(zsim_fault_set(&f), 0);

	/* The refused configs changed nothing: no failures armed. */
	assert_false(page_alloc_fails(0));
}

/* Each thread counts the failures it saw; the totals must agree. */
struct fault_thread {
	unsigned int n;
	unsigned long page_fails, slab_fails;
};

static void *fault_thread_fn(void *arg)
{
	struct fault_thread *t = arg;
	unsigned int i;

	for (i = 0; i < t->n; i++) {
		t->page_fails += sim_should_fail_page(GFP_KERNEL, i % 4);
		t->slab_fails += sim_should_fail_slab("any", 32, GFP_KERNEL);
	}
	return NULL;
}

static void test_fault_counts_threads(void **state)
{
	enum { THREADS = 4 };
	struct zsim_fault_config f = { .size = sizeof(f),
		.page_fail_nth = 777, .page_fail_ppm = 20000, .page_fail_order = 1,
		.slab_fail_nth = 1000, .seed = test_seed,
	};
	struct fault_thread t[THREADS];
	pthread_t tid[THREADS];
	struct zsim_fault_stats before, after;
	unsigned long page_fails = 0, slab_fails = 0;
	unsigned int n = test_under_valgrind() ? 2000 : 20000;
	int i;

	(void)state;
	before = fault_stats();
	assert_int_equal(zsim_fault_set(&f), 0);
	for (i = 0; i < THREADS; i++) {
		t[i] = (struct fault_thread){ .n = n };
		assert_int_equal(pthread_create(&tid[i], NULL, fault_thread_fn, &t[i]), 0);
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(tid[i], NULL);
		page_fails += t[i].page_fails;
		slab_fails += t[i].slab_fails;
	}
	after = fault_stats();
	fault_off();
	assert_int_equal(after.page_attempts - before.page_attempts, THREADS * n);
	assert_int_equal(after.slab_attempts - before.slab_attempts, THREADS * n);
	assert_int_equal(after.page_injected - before.page_injected, page_fails);
	assert_int_equal(after.slab_injected - before.slab_injected, slab_fails);
	/* Exactly one slab failure: the 1000th attempt, whoever made it. */
	assert_int_equal(slab_fails, 1);
	/* Order 1 is a quarter of the attempts; 2% of them, plus the nth. */
	assert_in_range(page_fails, 1, THREADS * n / 4 / 10);
}

static int env_teardown(void **state)
{
	(void)state;
	unsetenv("ZSIM_FAIL_PAGE_NTH");
	unsetenv("ZSIM_FAIL_PAGE_ORDER");
	unsetenv("ZSIM_FAIL_SLAB_NTH");
	unsetenv("ZSIM_FAIL_SLAB_PPM");
	unsetenv("ZSIM_FAIL_PAGE_PPM");
	return 0;
}

static void test_fault_env(void **state)
{
	struct zsim_config cfg;
	struct zsim_fault_stats st;
	struct kmem_cache *s;
	void *a, *b, *c;

	(void)state;
	zsim_config_default(&cfg);
	cfg.mem_bytes = 16ULL << 20;
	cfg.pageblock_order = 7;
	setenv("ZSIM_FAIL_PAGE_NTH", "2", 1);
	setenv("ZSIM_FAIL_PAGE_ORDER", "0", 1);
	setenv("ZSIM_FAIL_SLAB_NTH", "3", 1);
	assert_int_equal(zsim_config_from_env(&cfg), 0);
	assert_int_equal(cfg.fault.page_fail_nth, 2);
	assert_int_equal(cfg.fault.page_fail_order, 0);
	assert_int_equal(cfg.fault.slab_fail_nth, 3);
	assert_int_equal(zsim_init(&cfg), 0);

	/* Boot itself allocates no pages: the counters start at zero. */
	assert_int_equal(zsim_fault_stats(&st), 0);
	assert_int_equal(st.page_attempts, 0);
	assert_int_equal(st.slab_attempts, 0);

	assert_false(page_alloc_fails(1));	/* other order: not counted */
	assert_false(page_alloc_fails(0));
	assert_true(page_alloc_fails(0));	/* the 2nd order-0 attempt */
	assert_false(page_alloc_fails(0));

	s = kmem_cache_create("test_fault_env", 32, 0, 0, NULL);
	assert_non_null(s);
	a = kmem_cache_alloc(s, GFP_KERNEL);
	b = kmem_cache_alloc(s, GFP_KERNEL);
	c = kmem_cache_alloc(s, GFP_KERNEL);
	assert_non_null(a);
	assert_non_null(b);
	assert_null(c);
	kmem_cache_free(s, a);
	kmem_cache_free(s, b);
	kmem_cache_destroy(s);
	assert_int_equal(zsim_fault_stats(&st), 0);
	assert_int_equal(st.slab_attempts, 3);
	assert_int_equal(st.slab_injected, 1);
	assert_int_equal(st.page_injected, 1);
	assert_int_equal(zsim_exit(), 0);

	/* A bad value names the variable. */
	setenv("ZSIM_FAIL_PAGE_ORDER", "11", 1);
	zsim_config_default(&cfg);
	assert_int_equal(zsim_config_from_env(&cfg), -EINVAL);
	assert_non_null(strstr(zsim_last_error(), "ZSIM_FAIL_PAGE_ORDER"));
	setenv("ZSIM_FAIL_PAGE_ORDER", "-1", 1);
	setenv("ZSIM_FAIL_SLAB_PPM", "2000000", 1);
	zsim_config_default(&cfg);
	cfg.mem_bytes = 16ULL << 20;
	cfg.pageblock_order = 7;
	/* out of range: refused with the variable's name, before any boot */
	assert_int_equal(zsim_config_from_env(&cfg), -EINVAL);
	assert_non_null(strstr(zsim_last_error(), "ZSIM_FAIL_SLAB_PPM"));
	unsetenv("ZSIM_FAIL_SLAB_PPM");
	assert_false(zsim_running());
}

/* --- fault injection by target ------------------------------------------ */

static void set_attr(enum zsim_fault_site site, const struct zsim_fault_attr *a)
{
	int err = zsim_fault_set_attr(site, a);

	if (err)
		fprintf(stderr, "zsim_fault_set_attr: %s\n", zsim_last_error());
	assert_int_equal(err, 0);
}

/* probability 100, interval 3, times 2: the 3rd and 6th calls fail, no more. */
static void test_fault_attr_interval_times(void **state)
{
	struct zsim_fault_attr a;
	uint64_t attempts, injected;
	int i;

	(void)state;
	zsim_fault_attr_default(&a);
	a.probability = 100;
	a.interval = 3;
	a.times = 2;
	set_attr(ZSIM_FAULT_PAGE_ALLOC, &a);
	for (i = 1; i <= 12; i++)
		assert_int_equal(page_alloc_fails(0), i == 3 || i == 6);
	assert_int_equal(zsim_fault_site_stats(ZSIM_FAULT_PAGE_ALLOC, &attempts,
					       &injected), 0);
	assert_int_equal(attempts, 12);
	assert_int_equal(injected, 2);
	/* times is used up, and says so */
	assert_int_equal(zsim_fault_get_attr(ZSIM_FAULT_PAGE_ALLOC, &a), 0);
	assert_int_equal(a.times, 0);
	set_attr(ZSIM_FAULT_PAGE_ALLOC, NULL);
	assert_false(page_alloc_fails(0));
}

/* space: failures wait until that many bytes of calls went through. */
static void test_fault_attr_space(void **state)
{
	struct zsim_fault_attr a;

	(void)state;
	zsim_fault_attr_default(&a);
	a.probability = 100;
	a.times = 1;
	a.space = 3 * 4096;	/* one order-1 and one order-0 allocation */
	set_attr(ZSIM_FAULT_PAGE_ALLOC, &a);
	assert_false(page_alloc_fails(1));
	assert_false(page_alloc_fails(0));
	assert_true(page_alloc_fails(0));
	assert_false(page_alloc_fails(0));
}

/* order, min_order, gfp mask/match and ignore_gfp_wait filter the calls. */
static void test_fault_attr_order_gfp_filters(void **state)
{
	struct zsim_fault_attr a;
	struct page *page;

	(void)state;
	zsim_fault_attr_default(&a);
	a.probability = 100;
	a.min_order = 2;
	set_attr(ZSIM_FAULT_PAGE_ALLOC, &a);
	assert_false(page_alloc_fails(0));
	assert_false(page_alloc_fails(1));
	assert_true(page_alloc_fails(2));
	assert_true(page_alloc_fails(5));

	/* only movable allocations */
	zsim_fault_attr_default(&a);
	a.probability = 100;
	a.gfp_mask = a.gfp_match = ZSIM_GFP_MOVABLE;
	set_attr(ZSIM_FAULT_PAGE_ALLOC, &a);
	assert_false(page_alloc_fails(0));
	assert_null(alloc_pages(GFP_KERNEL | __GFP_MOVABLE | __GFP_NOWARN, 0));
	/* __GFP_NOFAIL is never failed */
	page = alloc_pages(GFP_KERNEL | __GFP_MOVABLE | __GFP_NOFAIL, 0);
	assert_non_null(page);
	__free_pages(page, 0);

	/* ignore-gfp-wait: what may sleep is left alone */
	zsim_fault_attr_default(&a);
	a.probability = 100;
	a.ignore_gfp_wait = true;
	set_attr(ZSIM_FAULT_PAGE_ALLOC, &a);
	assert_false(page_alloc_fails(0));		/* GFP_KERNEL sleeps */
	assert_null(alloc_pages(GFP_NOWAIT | __GFP_NOWARN, 0));
	set_attr(ZSIM_FAULT_PAGE_ALLOC, NULL);
}

/* A slab cache by name: the others are not touched, nor counted as matches. */
static void test_fault_slab_by_cache(void **state)
{
	struct kmem_cache *target, *other;
	struct zsim_fault_attr a;
	void *o[4], *t1, *t2, *t3;
	uint64_t injected;

	(void)state;
	target = kmem_cache_create("fault_target", 64, 0, 0, NULL);
	other = kmem_cache_create("fault_other", 64, 0, 0, NULL);
	assert_non_null(target);
	assert_non_null(other);
	zsim_fault_attr_default(&a);
	a.nth = 2;
	strcpy(a.name, "fault_target");
	set_attr(ZSIM_FAULT_SLAB, &a);
	for (int i = 0; i < 4; i++) {
		o[i] = kmem_cache_alloc(other, GFP_KERNEL);
		assert_non_null(o[i]);
	}
	t1 = kmem_cache_alloc(target, GFP_KERNEL);
	t2 = kmem_cache_alloc(target, GFP_KERNEL);	/* the 2nd of fault_target */
	t3 = kmem_cache_alloc(target, GFP_KERNEL);
	assert_non_null(t1);
	assert_null(t2);
	assert_non_null(t3);
	assert_int_equal(zsim_fault_site_stats(ZSIM_FAULT_SLAB, NULL, &injected), 0);
	assert_int_equal(injected, 1);
	for (int i = 0; i < 4; i++)
		kmem_cache_free(other, o[i]);
	kmem_cache_free(target, t1);
	kmem_cache_free(target, t3);
	kmem_cache_destroy(target);
	kmem_cache_destroy(other);
}

/* Trylocks fail as if held, by kind; the lock itself is untouched. */
static DEFINE_SPINLOCK(lock);
static DEFINE_RWLOCK(rw);

static void test_fault_trylock(void **state)
{
	struct zsim_fault_attr a;
	struct page *page;

	(void)state;
	zsim_fault_attr_default(&a);
	a.nth = 1;
	strcpy(a.name, "spin");
	set_attr(ZSIM_FAULT_TRYLOCK, &a);
	assert_true(write_trylock(&rw));	/* another kind: not failed */
	write_unlock(&rw);
	assert_false(spin_trylock(&lock));
	assert_true(spin_trylock(&lock));	/* nth disarmed */
	spin_unlock(&lock);

	zsim_fault_attr_default(&a);
	a.probability = 100;
	a.times = 2;
	strcpy(a.name, "page");
	set_attr(ZSIM_FAULT_TRYLOCK, &a);
	page = alloc_pages(GFP_KERNEL, 0);
	assert_non_null(page);
	assert_false(trylock_page(page));
	assert_false(PageLocked(page));
	assert_false(trylock_page(page));
	assert_true(trylock_page(page));	/* times used up */
	unlock_page(page);
	__free_pages(page, 0);
	set_attr(ZSIM_FAULT_TRYLOCK, NULL);
}

/* The text form: what it sets, and bad text named and refused whole. */
static void test_fault_parse(void **state)
{
	struct zsim_fault_attr a;

	(void)state;
	assert_int_equal(zsim_fault_parse("slab:cache=zs_handle,nth=3;page:order=0,gfp=movable|high,nogfp=zero,probability=50,interval=2,times=7,space=4096,seed=9"), 0);
	assert_int_equal(zsim_fault_get_attr(ZSIM_FAULT_SLAB, &a), 0);
	assert_string_equal(a.name, "zs_handle");
	assert_int_equal(a.nth, 3);
	assert_int_equal(zsim_fault_get_attr(ZSIM_FAULT_PAGE_ALLOC, &a), 0);
	assert_int_equal(a.order, 0);
	assert_int_equal(a.gfp_mask, ZSIM_GFP_MOVABLE | ZSIM_GFP_HIGH | ZSIM_GFP_ZERO);
	assert_int_equal(a.gfp_match, ZSIM_GFP_MOVABLE | ZSIM_GFP_HIGH);
	assert_int_equal(a.probability, 50);
	assert_int_equal(a.interval, 2);
	assert_int_equal(a.times, 7);
	assert_int_equal(a.space, 4096);
	assert_int_equal(a.seed, 9);

	/* bad text: -EINVAL naming the bad part, and nothing changes */
	assert_int_equal(zsim_fault_parse("slab:nth=1;pages:nth=1"), -EINVAL);
	assert_non_null(strstr(zsim_last_error(), "\"pages\" is no fault site"));
	assert_int_equal(zsim_fault_get_attr(ZSIM_FAULT_SLAB, &a), 0);
	assert_int_equal(a.nth, 3);
	assert_int_equal(zsim_fault_parse("page:probability=101"), -EINVAL);
	assert_non_null(strstr(zsim_last_error(), "probability=101"));
	assert_int_equal(zsim_fault_parse("page:often=1"), -EINVAL);
	assert_non_null(strstr(zsim_last_error(), "\"often\" is no fault attribute"));
	assert_int_equal(zsim_fault_parse("trylock:lock=mutex,nth=1"), -EINVAL);
	assert_non_null(strstr(zsim_last_error(), "lock \"mutex\""));
	assert_int_equal(zsim_fault_parse("migrate:order=1"), -EINVAL);
	assert_int_equal(zsim_fault_parse("page:gfp=sleepy"), -EINVAL);
	assert_non_null(strstr(zsim_last_error(), "\"sleepy\""));
	assert_int_equal(zsim_fault_parse("page:cache=x"), -EINVAL);

	assert_int_equal(zsim_fault_parse("off"), 0);
	assert_int_equal(zsim_fault_get_attr(ZSIM_FAULT_SLAB, &a), 0);
	assert_int_equal(a.nth, 0);
	assert_false(page_alloc_fails(0));
}

/* Bad attributes through the function: named, with the range. */
static void test_fault_attr_rejects_bad(void **state)
{
	struct zsim_fault_attr a;

	(void)state;
	zsim_fault_attr_default(&a);
	a.probability = 101;
	assert_int_equal(zsim_fault_set_attr(ZSIM_FAULT_PAGE_ALLOC, &a), -EINVAL);
	assert_non_null(strstr(zsim_last_error(), "probability 101"));
	zsim_fault_attr_default(&a);
	a.times = -2;
	assert_int_equal(zsim_fault_set_attr(ZSIM_FAULT_PAGE_ALLOC, &a), -EINVAL);
	assert_non_null(strstr(zsim_last_error(), "times -2"));
	zsim_fault_attr_default(&a);
	a.order = 11;
	assert_int_equal(zsim_fault_set_attr(ZSIM_FAULT_PAGE_ALLOC, &a), -EINVAL);
	assert_non_null(strstr(zsim_last_error(), "order 11"));
	zsim_fault_attr_default(&a);
	a.gfp_match = ZSIM_GFP_MOVABLE;
	assert_int_equal(zsim_fault_set_attr(ZSIM_FAULT_PAGE_ALLOC, &a), -EINVAL);
	zsim_fault_attr_default(&a);
	a.size = 3;
	assert_int_equal(zsim_fault_set_attr(ZSIM_FAULT_SLAB, &a), -EINVAL);
	zsim_fault_attr_default(&a);
	assert_int_equal(zsim_fault_set_attr((enum zsim_fault_site)7, &a), -EINVAL);
	assert_non_null(strstr(zsim_last_error(), "fault site 7"));
	assert_null(zsim_fault_site_name(ZSIM_NR_FAULT_SITES));
	assert_string_equal(zsim_fault_site_name(ZSIM_FAULT_MIGRATE), "migrate");
	assert_false(page_alloc_fails(0));
}

/* ZSIM_FAULT arms targets at boot; bad text names the variable. */
static void test_fault_env_targets(void **state)
{
	struct zsim_config cfg;
	struct kmem_cache *s;
	void *a, *b;

	(void)state;
	zsim_config_default(&cfg);
	cfg.mem_bytes = 16ULL << 20;
	cfg.pageblock_order = 7;
	setenv("ZSIM_FAULT", "slab:cache=env_target,nth=2", 1);
	assert_int_equal(zsim_config_from_env(&cfg), 0);
	assert_string_equal(cfg.fault_targets, "slab:cache=env_target,nth=2");
	assert_int_equal(zsim_init(&cfg), 0);
	/* the machine's copy, not the environment's string */
	assert_int_equal(zsim_get_config(&cfg), 0);
	assert_string_equal(cfg.fault_targets, "slab:cache=env_target,nth=2");
	assert_true(cfg.fault_targets != getenv("ZSIM_FAULT"));
	s = kmem_cache_create("env_target", 16, 0, 0, NULL);
	assert_non_null(s);
	a = kmem_cache_alloc(s, GFP_KERNEL);
	b = kmem_cache_alloc(s, GFP_KERNEL);
	assert_non_null(a);
	assert_null(b);
	kmem_cache_free(s, a);
	kmem_cache_destroy(s);
	assert_int_equal(zsim_exit(), 0);

	setenv("ZSIM_FAULT", "slab:nth=x", 1);
	zsim_config_default(&cfg);
	assert_int_equal(zsim_config_from_env(&cfg), -EINVAL);
	assert_non_null(strstr(zsim_last_error(), "ZSIM_FAULT"));
	assert_non_null(strstr(zsim_last_error(), "nth=x"));
	unsetenv("ZSIM_FAULT");

	/* the config field is checked at boot too */
	zsim_config_default(&cfg);
	cfg.mem_bytes = 16ULL << 20;
	cfg.pageblock_order = 7;
	cfg.fault_targets = "page:times=-5";
	assert_int_equal(zsim_init(&cfg), -EINVAL);
	assert_non_null(strstr(zsim_last_error(), "fault_targets"));
	assert_false(zsim_running());
}

/*
 * times is shared by every thread: with probability 100 and times 50,
 * four threads racing through the page site see exactly 50 failures
 * between them, and the stats say so.
 */
struct times_thread {
	unsigned int n, fails;
};

static void *times_thread_fn(void *arg)
{
	struct times_thread *t = arg;

	for (unsigned int i = 0; i < t->n; i++)
		t->fails += sim_should_fail_page(GFP_KERNEL, 0);
	return NULL;
}

static void test_fault_times_threads(void **state)
{
	enum { THREADS = 4 };
	struct times_thread t[THREADS];
	pthread_t tid[THREADS];
	struct zsim_fault_attr a;
	uint64_t attempts, injected;
	unsigned int total = 0;

	(void)state;
	zsim_fault_attr_default(&a);
	a.probability = 100;
	a.times = 50;
	a.interval = 2;
	set_attr(ZSIM_FAULT_PAGE_ALLOC, &a);
	for (int i = 0; i < THREADS; i++) {
		t[i].n = 20000;
		t[i].fails = 0;
		assert_int_equal(pthread_create(&tid[i], NULL, times_thread_fn, &t[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(tid[i], NULL), 0);
		total += t[i].fails;
	}
	assert_int_equal(total, 50);
	assert_int_equal(zsim_fault_site_stats(ZSIM_FAULT_PAGE_ALLOC, &attempts,
					       &injected), 0);
	assert_int_equal(attempts, THREADS * 20000);
	assert_int_equal(injected, 50);
	set_attr(ZSIM_FAULT_PAGE_ALLOC, NULL);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fault_page_nth_exact,
			test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_fault_page_ppm_reproducible,
			test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_fault_page_order_filter,
			test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_fault_slab_nth,
			test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_fault_slab_ppm,
			test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_fault_slab_page_failure,
			test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_fault_set_rejects_bad_config,
			test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_fault_counts_threads,
			test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_teardown(test_fault_env, env_teardown),
		cmocka_unit_test_setup_teardown(test_fault_attr_interval_times,
			test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_fault_attr_space,
			test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_fault_attr_order_gfp_filters,
			test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_fault_slab_by_cache,
			test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_fault_trylock,
			test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_fault_parse,
			test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_fault_attr_rejects_bad,
			test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_teardown(test_fault_env_targets, env_teardown),
		cmocka_unit_test_setup_teardown(test_fault_times_threads,
			test_setup_small_machine, test_teardown_machine),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests_name("fault", tests, NULL, NULL);
}
