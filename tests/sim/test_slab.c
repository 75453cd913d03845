// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * The slab allocator (sim/mm/slab.c): object placement and alignment,
 * constructors, statistics, kmalloc() of every size, large kmalloc(),
 * threads, memory going back to the buddy allocator, leak reports,
 * exhaustion, and the debug checks (double free, poison, foreign
 * pointers).
 */
#include "test_helpers.h"

#include <errno.h>
#include <pthread.h>

#include <linux/gfp.h>
#include <linux/kasan.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <sim/internal.h>

static unsigned long nr_free_pages(void)
{
	return test_free_pages();
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(void *const *)a, y = (uintptr_t)*(void *const *)b;

	return x < y ? -1 : x > y;
}

/* Each object is inside the arena, on a PG_slab page, aligned, disjoint. */
static void check_objects(struct kmem_cache *s, void **objs, unsigned int n,
			  unsigned int size, unsigned int align)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		assert_non_null(objs[i]);
		assert_true(virt_addr_valid(objs[i]));
		assert_true(virt_addr_valid((char *)objs[i] + size - 1));
		assert_true(PageSlab(virt_to_page(objs[i])));
		assert_true(PageSlab(virt_to_page((char *)objs[i] + size - 1)));
		assert_int_equal((uintptr_t)objs[i] % align, 0);
		assert_true(kmem_cache_obj_valid(s, objs[i]));
		memset(objs[i], (int)i, size);
	}
	qsort(objs, n, sizeof(*objs), cmp_ptr);
	for (i = 1; i < n; i++)
		assert_true((char *)objs[i - 1] + size <= (char *)objs[i]);
}

static void test_slab_objects_placement(void **state)
{
	static const struct {
		unsigned int size, align;
		slab_flags_t flags;
		unsigned int want_align;
	} cases[] = {
		{ 1, 0, 0, 8 },
		{ 24, 0, 0, 8 },
		{ 40, 0, SLAB_HWCACHE_ALIGN, 64 },
		{ 20, 0, SLAB_HWCACHE_ALIGN, 32 },	/* fits twice in a line */
		{ 100, 256, 0, 256 },
		{ 3000, 0, 0, 8 },
		{ 20000, 0, 0, 8 },			/* bigger than order 3 */
	};
	enum { N = 300 };
	static void *objs[N];
	unsigned int c, i;

	(void)state;
	for (c = 0; c < ARRAY_SIZE(cases); c++) {
		struct kmem_cache *s;
		unsigned int n = cases[c].size > 4096 ? 20 : N;

		s = kmem_cache_create("test_place", cases[c].size, cases[c].align,
				      cases[c].flags, NULL);
		assert_non_null(s);
		assert_int_equal(kmem_cache_size(s), cases[c].size);
		assert_string_equal(kmem_cache_name(s), "test_place");
		for (i = 0; i < n; i++)
			objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		check_objects(s, objs, n, cases[c].size, cases[c].want_align);
		for (i = 0; i < n; i++)
			kmem_cache_free(s, objs[i]);
		kmem_cache_destroy(s);
	}
}

static void test_slab_create_bad_args(void **state)
{
	(void)state;
	assert_null(kmem_cache_create("zero", 0, 0, 0, NULL));
	assert_null(kmem_cache_create(NULL, 32, 0, 0, NULL));
	assert_null(kmem_cache_create("align3", 32, 3, 0, NULL));
	assert_null(kmem_cache_create("huge", KMALLOC_MAX_SIZE + 1, 0, 0, NULL));
	EXPECT_BUG(kmem_cache_create("panic", 0, 0, SLAB_PANIC, NULL));
	assert_non_null(strstr(test_bug_message, "SLAB_PANIC"));
}

/* Slab order: one page for small objects, larger so that waste is small. */
static void test_slab_order(void **state)
{
	static const struct {
		unsigned int size, pages;
	} cases[] = {
		{ 8, 1 }, { 64, 1 }, { 200, 1 }, { 700, 4 },
		{ 2048, 8 }, { 8192, 8 }, { 40000, 16 },
	};
	struct sim_slab_stats st;
	unsigned int c;

	(void)state;
	for (c = 0; c < ARRAY_SIZE(cases); c++) {
		struct kmem_cache *s = kmem_cache_create("test_order",
							 cases[c].size, 0, 0, NULL);

		assert_non_null(s);
		sim_slab_cache_stats(s, &st);
		printf("# size %5u: slot %5u, %2u objects in %2u pages\n",
		       cases[c].size, st.size, st.objperslab, st.pagesperslab);
		assert_int_equal(st.pagesperslab, cases[c].pages);
		assert_true(st.objperslab >= 1);
		assert_true(st.objperslab * st.size <= PAGE_SIZE * st.pagesperslab);
		/* Up to order 3, waste at most a quarter of the slab. */
		if (st.pagesperslab <= 8)
			assert_true((PAGE_SIZE * st.pagesperslab) % st.size <=
				    PAGE_SIZE * st.pagesperslab / 4);
		kmem_cache_destroy(s);
	}
}

static int ctor_calls;

static void test_ctor(void *obj)
{
	__atomic_add_fetch(&ctor_calls, 1, __ATOMIC_RELAXED);
	memset(obj, 0xc7, 56);
}

static void test_slab_ctor(void **state)
{
	struct sim_slab_stats st;
	struct kmem_cache *s;
	unsigned char *a, *b;
	void **objs;
	unsigned int i, n;

	(void)state;
	ctor_calls = 0;
	s = kmem_cache_create("test_ctor", 56, 0, 0, test_ctor);
	assert_non_null(s);
	assert_int_equal(ctor_calls, 0);		/* no slab yet */

	a = kmem_cache_alloc(s, GFP_KERNEL);
	assert_non_null(a);
	sim_slab_cache_stats(s, &st);
	/* The whole slab was populated at once, one call per object. */
	assert_int_equal(ctor_calls, st.objperslab);
	for (i = 0; i < 56; i++)
		assert_int_equal(a[i], 0xc7);

	/* Free and reallocate: the constructor does not run again. */
	kmem_cache_free(s, a);
	b = kmem_cache_alloc(s, GFP_KERNEL);
	assert_non_null(b);
	assert_int_equal(ctor_calls, st.objperslab);
	/* The free pointer is outside the object: constructed state intact. */
	for (i = 0; i < 56; i++)
		assert_int_equal(b[i], 0xc7);
	kmem_cache_free(s, b);

	/* A second slab runs the constructor for its objects only. */
	n = st.objperslab + 1;
	objs = calloc(n, sizeof(*objs));
	assert_non_null(objs);
	for (i = 0; i < n; i++)
		assert_non_null(objs[i] = kmem_cache_alloc(s, GFP_KERNEL));
	sim_slab_cache_stats(s, &st);
	assert_int_equal(st.num_slabs, 2);
	assert_int_equal(ctor_calls, 2 * st.objperslab);
	for (i = 0; i < n; i++)
		kmem_cache_free(s, objs[i]);
	free(objs);
	kmem_cache_destroy(s);
}

static void test_slab_stats(void **state)
{
	enum { N = 1000 };
	static void *objs[N];
	struct sim_slab_stats st;
	unsigned long slab_before = zone_page_state(&sim_zone, NR_SLAB_UNRECLAIMABLE);
	struct kmem_cache *s;
	unsigned int i;

	(void)state;
	s = kmem_cache_create("test_stats", 100, 0, 0, NULL);
	assert_non_null(s);
	sim_slab_cache_stats(s, &st);
	assert_int_equal(st.active_objs, 0);
	assert_int_equal(st.num_slabs, 0);
	assert_int_equal(st.objsize, 100);

	for (i = 0; i < N; i++)
		assert_non_null(objs[i] = kmem_cache_zalloc(s, GFP_KERNEL));
	for (i = 0; i < 100; i++)
		assert_int_equal(((unsigned char *)objs[N - 1])[i], 0);
	sim_slab_cache_stats(s, &st);
	assert_int_equal(st.active_objs, N);
	assert_int_equal(st.allocs, N);
	assert_int_equal(st.frees, 0);
	assert_int_equal(st.failed, 0);
	assert_true(st.num_objs >= N);
	assert_int_equal(st.num_objs, st.num_slabs * st.objperslab);
	/* Fewer slabs than N + two sheaves' worth would need. */
	assert_true(st.num_objs < N + 2 * st.objperslab + 2 * st.sheaf_capacity);
	assert_int_equal(zone_page_state(&sim_zone, NR_SLAB_UNRECLAIMABLE),
			 slab_before + st.num_slabs * st.pagesperslab);

	for (i = 0; i < N / 2; i++)
		kmem_cache_free(s, objs[i]);
	sim_slab_cache_stats(s, &st);
	assert_int_equal(st.active_objs, N - N / 2);
	assert_int_equal(st.frees, N / 2);
	for (i = N / 2; i < N; i++)
		kmem_cache_free(s, objs[i]);
	sim_slab_cache_stats(s, &st);
	assert_int_equal(st.active_objs, 0);
	assert_int_equal(st.allocs, N);
	assert_int_equal(st.frees, N);

	/* Shrinking empties the sheaves and returns every empty slab. */
	assert_int_equal(kmem_cache_shrink(s), 0);
	sim_slab_cache_stats(s, &st);
	assert_int_equal(st.num_slabs, 0);
	assert_int_equal(st.num_objs, 0);
	assert_int_equal(zone_page_state(&sim_zone, NR_SLAB_UNRECLAIMABLE), slab_before);
	kmem_cache_destroy(s);
}

static void test_slab_reclaim_account(void **state)
{
	unsigned long rec = zone_page_state(&sim_zone, NR_SLAB_RECLAIMABLE);
	unsigned long unrec = zone_page_state(&sim_zone, NR_SLAB_UNRECLAIMABLE);
	struct sim_slab_stats st;
	struct kmem_cache *s;
	void *obj;

	(void)state;
	s = kmem_cache_create("test_rcl", 128, 0, SLAB_RECLAIM_ACCOUNT, NULL);
	assert_non_null(s);
	obj = kmem_cache_alloc(s, GFP_KERNEL | __GFP_MOVABLE | __GFP_HIGHMEM);
	assert_non_null(obj);
	sim_slab_cache_stats(s, &st);
	assert_int_equal(zone_page_state(&sim_zone, NR_SLAB_RECLAIMABLE),
			 rec + st.pagesperslab);
	assert_int_equal(zone_page_state(&sim_zone, NR_SLAB_UNRECLAIMABLE), unrec);
	kmem_cache_free(s, obj);
	kmem_cache_destroy(s);
	assert_int_equal(zone_page_state(&sim_zone, NR_SLAB_RECLAIMABLE), rec);
}

static void test_kmalloc_sizes(void **state)
{
	static const size_t sizes[] = {
		1, 7, 8, 9, 16, 17, 32, 33, 63, 64, 65, 95, 96, 97, 128, 129,
		191, 192, 193, 255, 256, 257, 511, 512, 513, 1000, 1024, 1025,
		2047, 2048, 2049, 4095, 4096, 4097, 8191, 8192,
	};
	struct test_rng rng;
	unsigned int i, j;
	void *p[ARRAY_SIZE(sizes)];

	(void)state;
	test_rng_init(&rng, test_seed);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		p[i] = kmalloc(sizes[i], GFP_KERNEL);
		assert_non_null(p[i]);
		assert_true(PageSlab(virt_to_page(p[i])));
		assert_true(ksize(p[i]) >= sizes[i]);
		/* The kernel's caches: 96 and 192 serve 65..96 and 129..192. */
		if (sizes[i] > 64 && sizes[i] <= 96)
			assert_int_equal(ksize(p[i]), 96);
		else if (sizes[i] > 128 && sizes[i] <= 192)
			assert_int_equal(ksize(p[i]), 192);
		else if (sizes[i] > 8)
			assert_int_equal(ksize(p[i]), roundup_pow_of_two(sizes[i]));
		else
			assert_int_equal(ksize(p[i]), 8);
		assert_int_equal((uintptr_t)p[i] % 8, 0);
		memset(p[i], (int)i, sizes[i]);
	}
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		for (j = 0; j < sizes[i]; j++)
			assert_int_equal(((unsigned char *)p[i])[j], (unsigned char)i);
		kfree(p[i]);
		p[i] = NULL;
	}

	/* Random sizes, random order of frees. */
	for (i = 0; i < 2000; i++) {
		size_t n = 1 + test_rng_below(&rng, 8192);
		void *q = kmalloc(n, GFP_KERNEL);

		assert_non_null(q);
		memset(q, 0x5a, n);
		j = test_rng_below(&rng, ARRAY_SIZE(p));
		kfree(p[j]);
		p[j] = q;
	}
	for (i = 0; i < ARRAY_SIZE(p); i++)
		kfree(p[i]);
}

static void test_kmalloc_helpers(void **state)
{
	unsigned char *p;
	char *s;
	int i;

	(void)state;
	/* kmalloc(0) is ZERO_SIZE_PTR, which kfree() accepts, as NULL. */
	assert_ptr_equal(kmalloc(0, GFP_KERNEL), ZERO_SIZE_PTR);
	kfree(ZERO_SIZE_PTR);
	kfree(NULL);
	assert_true(ZERO_OR_NULL_PTR(NULL));
	assert_int_equal(ksize(ZERO_SIZE_PTR), 0);

	p = kzalloc(300, GFP_KERNEL);
	assert_non_null(p);
	for (i = 0; i < 300; i++)
		assert_int_equal(p[i], 0);
	kfree(p);

	p = kcalloc(10, 30, GFP_KERNEL);
	assert_non_null(p);
	for (i = 0; i < 300; i++)
		assert_int_equal(p[i], 0);
	kfree(p);
	assert_null(kcalloc(SIZE_MAX / 2, 4, GFP_KERNEL));
	assert_null(kmalloc_array(SIZE_MAX, 2, GFP_KERNEL));
	assert_null(kmalloc(KMALLOC_MAX_SIZE + 1, GFP_KERNEL | __GFP_NOWARN));

	s = kstrdup("zsmalloc", GFP_KERNEL);
	assert_non_null(s);
	assert_string_equal(s, "zsmalloc");
	assert_true(virt_addr_valid(s));
	kfree(s);
	assert_null(kstrdup(NULL, GFP_KERNEL));
	s = kstrndup("zsmalloc", 2, GFP_KERNEL);
	assert_string_equal(s, "zs");
	kfree(s);
	s = kasprintf(GFP_KERNEL, "zs_handle-%s-%d", "zram0", 42);
	assert_non_null(s);
	assert_string_equal(s, "zs_handle-zram0-42");
	assert_true(PageSlab(virt_to_page(s)));
	kfree(s);

	/* krealloc keeps the contents, in place when the block has room. */
	p = kmalloc(20, GFP_KERNEL);
	memcpy(p, "0123456789abcdefghi", 20);
	assert_ptr_equal(krealloc(p, 30, GFP_KERNEL), p);
	p = krealloc(p, 5000, GFP_KERNEL);
	assert_non_null(p);
	assert_string_equal((char *)p, "0123456789abcdefghi");
	p = krealloc(p, 20000, GFP_KERNEL);
	assert_false(PageSlab(virt_to_page(p)));
	assert_string_equal((char *)p, "0123456789abcdefghi");
	assert_ptr_equal(krealloc(p, 0, GFP_KERNEL), ZERO_SIZE_PTR);
	p = krealloc(NULL, 10, GFP_KERNEL);
	assert_non_null(p);
	kfree(p);
}

static void test_kmalloc_large(void **state)
{
	static const size_t sizes[] = { 8193, 16384, 16385, 100000, 1 << 20 };
	unsigned long before = nr_free_pages();
	unsigned long slab = zone_page_state(&sim_zone, NR_SLAB_UNRECLAIMABLE);
	void *p[ARRAY_SIZE(sizes)];
	unsigned long pages = 0;
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t want = roundup_pow_of_two(DIV_ROUND_UP(sizes[i], PAGE_SIZE));

		p[i] = kmalloc(sizes[i], GFP_KERNEL);
		assert_non_null(p[i]);
		assert_true(virt_addr_valid(p[i]));
		assert_false(PageSlab(virt_to_page(p[i])));
		assert_int_equal((uintptr_t)p[i] % PAGE_SIZE, 0);
		assert_int_equal(ksize(p[i]), want * PAGE_SIZE);
		memset(p[i], 0xa5, sizes[i]);
		pages += want;
	}
	assert_int_equal(before - nr_free_pages(), pages);
	assert_int_equal(zone_page_state(&sim_zone, NR_SLAB_UNRECLAIMABLE), slab);
	p[0] = krealloc(p[0], 9000, GFP_KERNEL);	/* fits: same block */
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		kfree(p[i]);
	assert_int_equal(nr_free_pages(), before);

	p[0] = kzalloc(3 * PAGE_SIZE, GFP_KERNEL);
	for (i = 0; i < 3 * PAGE_SIZE; i++)
		assert_int_equal(((unsigned char *)p[0])[i], 0);
	/* An interior pointer of a large block is refused. */
	EXPECT_BUG(kfree((char *)p[0] + PAGE_SIZE));
	assert_non_null(strstr(test_bug_message, "not a pointer from kmalloc"));
	kfree(p[0]);
}

/* --- threads ---------------------------------------------------------- */

#define THREAD_OBJS	64
#define THREAD_OBJ_SIZE	72

struct slab_thread {
	struct kmem_cache *s;
	unsigned int id, loops;
	uint64_t seed;
	unsigned long errors;
};

static void fill(uint64_t *obj, uint64_t tag)
{
	for (unsigned int w = 0; w < THREAD_OBJ_SIZE / 8; w++)
		obj[w] = tag + w;
}

static bool intact(const uint64_t *obj, uint64_t tag)
{
	for (unsigned int w = 0; w < THREAD_OBJ_SIZE / 8; w++)
		if (obj[w] != tag + w)
			return false;
	return true;
}

static void *slab_thread_fn(void *arg)
{
	struct slab_thread *t = arg;
	uint64_t *objs[THREAD_OBJS];
	struct test_rng rng;
	unsigned int loop, i, n;

	test_rng_init(&rng, t->seed);
	for (loop = 0; loop < t->loops; loop++) {
		n = 1 + test_rng_below(&rng, THREAD_OBJS);
		for (i = 0; i < n; i++) {
			objs[i] = kmem_cache_alloc(t->s, GFP_KERNEL);
			if (!objs[i] || !kmem_cache_obj_valid(t->s, objs[i])) {
				t->errors++;
				n = i;
				break;
			}
			/* Thread, loop and slot: a shared object shows up. */
			fill(objs[i], ((uint64_t)t->id << 56) |
				      ((uint64_t)loop << 16) | (i << 8));
		}
		for (i = 0; i < n; i++) {
			if (!intact(objs[i], ((uint64_t)t->id << 56) |
					     ((uint64_t)loop << 16) | (i << 8)))
				t->errors++;
		}
		/* Free in a shuffled order, half through kfree(). */
		for (i = n; i > 1; i--) {
			unsigned int j = test_rng_below(&rng, i);
			uint64_t *tmp = objs[i - 1];

			objs[i - 1] = objs[j];
			objs[j] = tmp;
		}
		for (i = 0; i < n; i++) {
			if (i & 1)
				kfree(objs[i]);
			else
				kmem_cache_free(t->s, objs[i]);
		}
	}
	return NULL;
}

static void test_slab_threads(void **state)
{
	enum { THREADS = 4 };
	struct slab_thread t[THREADS];
	pthread_t tid[THREADS];
	struct sim_slab_stats st;
	unsigned long free_before = nr_free_pages();
	unsigned int loops = test_under_valgrind() ? 300 : 5000;
	struct kmem_cache *s;
	int i;

	(void)state;
	s = kmem_cache_create("test_threads", THREAD_OBJ_SIZE, 0, 0, NULL);
	assert_non_null(s);
	for (i = 0; i < THREADS; i++) {
		t[i] = (struct slab_thread){
			.s = s, .id = i + 1, .loops = loops,
			.seed = test_seed * 31 + i,
		};
		assert_int_equal(pthread_create(&tid[i], NULL, slab_thread_fn, &t[i]), 0);
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(tid[i], NULL);
		assert_int_equal(t[i].errors, 0);
	}
	sim_slab_cache_stats(s, &st);
	assert_int_equal(st.active_objs, 0);
	assert_int_equal(st.allocs, st.frees);
	assert_int_equal(st.failed, 0);
	kmem_cache_destroy(s);
	assert_int_equal(nr_free_pages(), free_before);
}

/* --- memory returns ---------------------------------------------------- */

static void test_slab_returns_pages(void **state)
{
	enum { N = 20000 };
	unsigned long before = nr_free_pages();
	unsigned long slab = zone_page_state(&sim_zone, NR_SLAB_UNRECLAIMABLE);
	struct sim_slab_stats st;
	struct kmem_cache *a, *b;
	void **objs;
	unsigned int i;

	(void)state;
	objs = calloc(N, sizeof(*objs));
	assert_non_null(objs);
	a = kmem_cache_create("test_ret_a", 40, 0, 0, NULL);
	b = kmem_cache_create("test_ret_b", 1500, 0, SLAB_HWCACHE_ALIGN, NULL);
	assert_non_null(a);
	assert_non_null(b);
	for (i = 0; i < N; i++) {
		objs[i] = kmem_cache_alloc(i % 4 ? a : b, GFP_KERNEL);
		assert_non_null(objs[i]);
	}
	assert_true(nr_free_pages() < before);
	/* Free all of one kind: its slabs go back without a shrink. */
	for (i = 0; i < N; i += 4)
		kmem_cache_free(b, objs[i]);
	sim_slab_cache_stats(b, &st);
	assert_int_equal(st.active_objs, 0);
	/*
	 * What stays: one empty slab, and the slabs of the objects the
	 * sheaves keep (this CPU's two and the barn's full ones).  A sheaf
	 * holds a run of consecutive frees, so each may reach into one slab
	 * more than its objects fill.
	 */
	assert_true(st.barn_full <= 10);
	assert_true(st.cached_objs <= (2 + st.barn_full) * (unsigned long)st.sheaf_capacity);
	assert_true(st.num_slabs <= DIV_ROUND_UP(st.cached_objs, st.objperslab) +
				     2 + st.barn_full + 1);
	assert_true(st.num_slabs < N / 4 / st.objperslab / 4);
	for (i = 1; i < N; i++)
		if (i % 4)
			kmem_cache_free(a, objs[i]);
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
	assert_int_equal(nr_free_pages(), before);
	assert_int_equal(zone_page_state(&sim_zone, NR_SLAB_UNRECLAIMABLE), slab);
	free(objs);
}

/* Allocate @n objects of @s, then free them all in the same order. */
static void alloc_then_free(struct kmem_cache *s, void **objs, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		assert_non_null(objs[i] = kmem_cache_alloc(s, GFP_KERNEL));
	for (i = 0; i < n; i++)
		kmem_cache_free(s, objs[i]);
}

/*
 * The barn: a CPU that frees more than its two sheaves hold trades full
 * sheaves for empty ones, up to ten; past that a sheaf's objects go back
 * to the slabs.  Allocating again takes the full sheaves back before any
 * slab is touched, and a shrink or destroy empties the barn too.
 */
static void test_slab_barn(void **state)
{
	unsigned long slab_before = zone_page_state(&sim_zone, NR_SLAB_UNRECLAIMABLE);
	struct sim_slab_stats st;
	struct kmem_cache *s;
	unsigned long slabs, get0;
	unsigned int cap, n, i;
	void **objs;

	(void)state;
	s = kmem_cache_create("test_barn", 24, 0, 0, NULL);
	assert_non_null(s);
	sim_slab_cache_stats(s, &st);
	cap = st.sheaf_capacity;
	assert_true(cap >= 8);
	assert_int_equal(st.barn_full, 0);
	n = (2 + 10 + 3) * cap;
	objs = calloc(n, sizeof(*objs));
	assert_non_null(objs);

	alloc_then_free(s, objs, n);
	sim_slab_cache_stats(s, &st);
	assert_int_equal(st.active_objs, 0);
	assert_int_equal(st.barn_full, 10);
	assert_true(st.barn_put >= 10);
	assert_true(st.barn_put_fail >= 1);	/* the rest went to the slabs */
	assert_true(st.cached_objs >= 10UL * cap);
	assert_true(st.cached_objs <= 12UL * cap);
	slabs = st.num_slabs;
	get0 = st.barn_get;

	/* what the sheaves hold comes back without a new slab */
	for (i = 0; i < 11 * cap; i++) {
		assert_non_null(objs[i] = kmem_cache_alloc(s, GFP_KERNEL));
		assert_true(kmem_cache_obj_valid(s, objs[i]));
	}
	sim_slab_cache_stats(s, &st);
	assert_int_equal(st.active_objs, 11 * cap);
	assert_true(st.barn_get - get0 >= 9);
	assert_true(st.barn_full <= 1);
	assert_true(st.num_slabs <= slabs);
	for (i = 0; i < 11 * cap; i++)
		kmem_cache_free(s, objs[i]);

	/* a shrink empties the barn and gives every slab back */
	assert_int_equal(kmem_cache_shrink(s), 0);
	sim_slab_cache_stats(s, &st);
	assert_int_equal(st.cached_objs, 0);
	assert_int_equal(st.barn_full, 0);
	assert_int_equal(st.num_slabs, 0);
	assert_int_equal(zone_page_state(&sim_zone, NR_SLAB_UNRECLAIMABLE), slab_before);

	/* and so does destroying the cache with the barn full */
	alloc_then_free(s, objs, n);
	sim_slab_cache_stats(s, &st);
	assert_int_equal(st.barn_full, 10);
	kmem_cache_destroy(s);
	assert_int_equal(zone_page_state(&sim_zone, NR_SLAB_UNRECLAIMABLE), slab_before);
	free(objs);
}

/* --- leaks ------------------------------------------------------------- */

static void test_slab_destroy_with_object_leaks(void **state)
{
	struct kmem_cache *s;
	void *obj;

	(void)state;
	test_boot(64ULL << 20, 7);
	s = kmem_cache_create("test_leak", 64, 0, 0, NULL);
	assert_non_null(s);
	obj = kmem_cache_alloc(s, GFP_KERNEL);
	assert_non_null(obj);
	assert_non_null(kmem_cache_alloc(s, GFP_KERNEL));
	/* Reported ("Slab cache still has objects"), and the cache stays. */
	kmem_cache_destroy(s);
	assert_true(kmem_cache_obj_valid(s, obj));
	kmem_cache_free(s, obj);
	/* The object never freed is counted by zsim_exit(). */
	assert_int_equal(zsim_exit(), 1);
}

static void test_slab_leak_counted_at_exit(void **state)
{
	struct kmem_cache *s;

	(void)state;
	test_boot(64ULL << 20, 7);
	s = kmem_cache_create("test_leak2", 300, 0, 0, NULL);
	assert_non_null(s);
	assert_non_null(kmem_cache_alloc(s, GFP_KERNEL));
	assert_non_null(kmem_cache_alloc(s, GFP_KERNEL));
	assert_non_null(kmalloc(50, GFP_KERNEL));
	/* Destroyed by the machine, with its 2 objects and kmalloc's 1. */
	assert_int_equal(zsim_exit(), 3);
	/* A new machine starts clean. */
	test_boot(64ULL << 20, 7);
	assert_int_equal(zsim_exit(), 0);
}

/* --- exhaustion -------------------------------------------------------- */

struct chain {
	struct chain *next;
	uint64_t pattern;
};

static void test_slab_exhaustion(void **state)
{
	unsigned long before = nr_free_pages();
	struct sim_slab_stats st;
	struct kmem_cache *s;
	struct chain *head = NULL, *c;
	unsigned long n = 0, m = 0;
	void *big;

	(void)state;
	s = kmem_cache_create("test_exhaust", 2000, 0, 0, NULL);
	assert_non_null(s);
	/* Chain the objects through themselves: no outside bookkeeping. */
	while ((c = kmem_cache_alloc(s, GFP_KERNEL | __GFP_NOWARN))) {
		c->next = head;
		c->pattern = n * 0x9E3779B97F4A7C15ULL;
		memset(c + 1, (int)(n & 0xff), 2000 - sizeof(*c));
		head = c;
		n++;
	}
	sim_slab_cache_stats(s, &st);
	printf("# %lu objects of 2000 bytes filled the machine (%lu free pages left)\n",
	       n, nr_free_pages());
	assert_int_equal(st.failed, 1);
	assert_int_equal(st.active_objs, n);
	/* 64 MiB of 2000-byte objects, less what the machine keeps. */
	assert_true(n > (48UL << 20) / 2000);
	/* Every other allocation fails now, and cleanly. */
	assert_null(kmem_cache_alloc(s, GFP_KERNEL | __GFP_NOWARN));
	big = kmalloc(64 * PAGE_SIZE, GFP_KERNEL | __GFP_NOWARN);
	assert_null(big);

	for (c = head; c; c = c->next) {
		const unsigned char *b = (const unsigned char *)(c + 1);

		m++;
		assert_int_equal(c->pattern, (n - m) * 0x9E3779B97F4A7C15ULL);
		assert_int_equal(b[0], (n - m) & 0xff);
		assert_int_equal(b[2000 - sizeof(*c) - 1], (n - m) & 0xff);
	}
	assert_int_equal(m, n);
	while (head) {
		c = head->next;
		kmem_cache_free(s, head);
		head = c;
	}
	kmem_cache_destroy(s);
	assert_int_equal(nr_free_pages(), before);
}

/* --- debug checks ------------------------------------------------------ */

static void test_slab_obj_valid(void **state)
{
	struct kmem_cache *a, *b;
	int on_stack;
	void *heap, *x, *y, *big;

	(void)state;
	a = kmem_cache_create("test_valid_a", 48, 0, 0, NULL);
	b = kmem_cache_create("test_valid_b", 48, 0, 0, NULL);
	assert_non_null(a);
	assert_non_null(b);
	x = kmem_cache_alloc(a, GFP_KERNEL);
	y = kmem_cache_alloc(b, GFP_KERNEL);
	big = kmalloc(5 * PAGE_SIZE, GFP_KERNEL);
	heap = malloc(64);
	assert_non_null(heap);

	assert_true(kmem_cache_obj_valid(a, x));
	assert_true(kmem_cache_obj_valid(b, y));
	assert_false(kmem_cache_obj_valid(a, y));	/* other cache */
	assert_false(kmem_cache_obj_valid(b, x));
	assert_false(kmem_cache_obj_valid(a, (char *)x + 8));	/* interior */
	assert_false(kmem_cache_obj_valid(a, (char *)x + 1));
	assert_false(kmem_cache_obj_valid(a, NULL));
	assert_false(kmem_cache_obj_valid(a, ZERO_SIZE_PTR));
	assert_false(kmem_cache_obj_valid(a, heap));	/* not simulated memory */
	assert_false(kmem_cache_obj_valid(a, &on_stack));
	assert_false(kmem_cache_obj_valid(a, big));	/* not a slab page */
	assert_false(kmem_cache_obj_valid(NULL, x));

	kmem_cache_free(a, x);
	/* A freed object is rejected when the debug tags exist. */
	if (IS_ENABLED(CONFIG_DEBUG_VM))
		assert_false(kmem_cache_obj_valid(a, x));
	kmem_cache_free(b, y);
	kfree(big);
	free(heap);
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
}

static void test_slab_double_free(void **state)
{
	struct kmem_cache *a, *b;
	void *x, *y;

	(void)state;
	if (!IS_ENABLED(CONFIG_DEBUG_VM)) {
		printf("# CONFIG_DEBUG_VM is off: no double-free checks to test\n");
		skip();
	}
	a = kmem_cache_create("test_dfree_a", 40, 0, 0, NULL);
	b = kmem_cache_create("test_dfree_b", 40, 0, 0, NULL);
	x = kmem_cache_alloc(a, GFP_KERNEL);
	y = kmem_cache_alloc(b, GFP_KERNEL);
	assert_non_null(x);
	assert_non_null(y);

	kmem_cache_free(a, x);
	EXPECT_BUG(kmem_cache_free(a, x));
	assert_non_null(strstr(test_bug_message, "double free of object"));
	assert_non_null(strstr(test_bug_message, "test_dfree_a"));
	EXPECT_BUG(kfree(x));
	assert_non_null(strstr(test_bug_message, "double free"));

	/* Wrong cache, interior pointer, not a slab at all. */
	EXPECT_BUG(kmem_cache_free(a, y));
	assert_non_null(strstr(test_bug_message, "belongs to cache test_dfree_b"));
	EXPECT_BUG(kmem_cache_free(b, (char *)y + 8));
	assert_non_null(strstr(test_bug_message, "not the start of an object"));

	/* An object's word after the end, overwritten by an overflow. */
	memset(y, 0x41, 48);
	EXPECT_BUG(kmem_cache_free(b, y));
	assert_non_null(strstr(test_bug_message, "overwritten"));

	/* y is lost (its tag is gone); take it off the books for exit. */
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
	assert_int_equal(zsim_exit(), 1);
	test_boot(64ULL << 20, 7);
}

static void test_slab_poison(void **state)
{
	struct kmem_cache *s;
	unsigned char *x, *y;

	(void)state;
	if (!IS_ENABLED(CONFIG_DEBUG_VM)) {
		printf("# CONFIG_DEBUG_VM is off: no poisoning to test\n");
		skip();
	}
	s = kmem_cache_create("test_poison", 64, 0, 0, NULL);
	x = kmem_cache_alloc(s, GFP_KERNEL);
	assert_non_null(x);
	kmem_cache_free(s, x);
	/* Freed: the tools would report these reads; lift the poison. */
	kasan_unpoison_defined(x, 64);
	assert_int_equal(x[0], 0x6b);
	assert_int_equal(x[63], 0x6b);
	kasan_poison(x, 64);
	/* Reuse of an intact freed object passes the check. */
	y = kmem_cache_alloc(s, GFP_KERNEL);
	assert_ptr_equal(x, y);
	kmem_cache_free(s, y);
	/* A write after free is caught when the object is handed out. */
	kasan_unpoison_defined(x, 64);
	x[10] = 1;
	kasan_poison(x, 64);
	EXPECT_BUG(kmem_cache_alloc(s, GFP_KERNEL));
	assert_non_null(strstr(test_bug_message, "written after free"));
	/* The caught object never reached a caller: it counts as leaked. */
	kmem_cache_destroy(s);
	assert_int_equal(zsim_exit(), 1);
	test_boot(64ULL << 20, 7);
}

static void test_slabinfo(void **state)
{
	struct kmem_cache *s;
	char *buf = NULL, *line;
	size_t len = 0;
	void *objs[10];
	FILE *f;
	int i;

	(void)state;
	s = kmem_cache_create("test_info", 100, 0, 0, NULL);
	assert_non_null(s);
	for (i = 0; i < 10; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(zsim_print_slabinfo(f), 0);
	fclose(f);
	printf("%s", buf);
	assert_true(strncmp(buf, "slabinfo - version: 2.1\n", 24) == 0);
	assert_non_null(strstr(buf, "# name            <active_objs> <num_objs> <objsize>"));
	line = strstr(buf, "\ntest_info ");
	assert_non_null(line);
	{
		char name[32];
		unsigned long active, num;
		unsigned int objsize, perslab, pages;

		assert_int_equal(sscanf(line + 1, "%31s %lu %lu %u %u %u", name,
					&active, &num, &objsize, &perslab, &pages), 6);
		assert_int_equal(active, 10);
		assert_int_equal(num, perslab);
		assert_true(objsize >= 100);
		assert_int_equal(pages, 1);
	}
	assert_non_null(strstr(buf, "\nkmalloc-96 "));
	assert_non_null(strstr(buf, "\nkmalloc-8192 "));
	free(buf);
	assert_int_equal(zsim_print_slabinfo(NULL), -EINVAL);
	for (i = 0; i < 10; i++)
		kmem_cache_free(s, objs[i]);
	kmem_cache_destroy(s);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, test_setup_small_machine, \
					      test_teardown_machine)
		T(test_slab_objects_placement),
		T(test_slab_create_bad_args),
		T(test_slab_order),
		T(test_slab_ctor),
		T(test_slab_stats),
		T(test_slab_reclaim_account),
		T(test_kmalloc_sizes),
		T(test_kmalloc_helpers),
		T(test_kmalloc_large),
		T(test_slab_threads),
		T(test_slab_returns_pages),
		T(test_slab_barn),
		cmocka_unit_test(test_slab_destroy_with_object_leaks),
		cmocka_unit_test(test_slab_leak_counted_at_exit),
		T(test_slab_exhaustion),
		T(test_slab_obj_valid),
		T(test_slab_double_free),
		T(test_slab_poison),
		T(test_slabinfo),
#undef T
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests_name("slab", tests, NULL, NULL);
}
