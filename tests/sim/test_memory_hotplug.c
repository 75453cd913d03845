// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Memory that grows with demand (sim/mm/memory_hotplug.c): a machine
 * that boots with one section grows past it with the objects it holds
 * intact; struct pages, pageblock labels, pfn_valid(), page inspection
 * and the compaction scanners cover the new sections; the limit gives a
 * clean -ENOMEM with a message naming it, and freeing lets allocation
 * resume; compaction, migration and contiguous ranges work across
 * sections; a failed onlining (fault injection) leaves the machine
 * working; RSS falls after compaction; allocators, pfn walkers,
 * compaction and reporting passes race growth (also under TSan); bad
 * limits are refused with the value and the range.
 */
#include "test_helpers.h"

#include <errno.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <zsmalloc/zsmalloc.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/mmzone.h>
#include <sim/internal.h>

#define SECTION_PAGES	(ZSIM_SECTION_SIZE / ZSIM_PAGE_SIZE)

/* Warnings shown: the tests read what the machine says. */
static void boot_growing(uint64_t limit, uint64_t initial, unsigned int pb_order)
{
	struct zsim_config cfg;
	int err;

	zsim_config_default(&cfg);
	cfg.mem_bytes = limit;
	cfg.mem_initial_bytes = initial;
	cfg.pageblock_order = pb_order;
	cfg.seed = test_seed;
	cfg.loglevel = 4;
	err = zsim_init(&cfg);
	if (err)
		fprintf(stderr, "zsim_init: %s\n", zsim_last_error());
	assert_int_equal(err, 0);
}

static uint64_t spanned(void)
{
	struct zsim_zoneinfo zi;

	assert_int_equal(zsim_get_zoneinfo(&zi), 0);
	return zi.spanned_pages;
}

/* An object's bytes, a function of its index and the seed. */
static void fill(unsigned char *buf, size_t len, unsigned long i)
{
	uint64_t x = test_seed * 0x9e3779b97f4a7c15ULL + i;
	size_t j;

	for (j = 0; j < len; j++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		buf[j] = (unsigned char)(x >> 56);
	}
}

static size_t obj_size(unsigned long i)
{
	return 200 + (i * 37) % 3000;
}

static void store(struct zs_pool *pool, unsigned long *h, unsigned long i)
{
	unsigned char buf[4096];

	h[i] = zs_malloc(pool, obj_size(i), ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
	assert_false(zs_is_err_handle(h[i]));
	fill(buf, obj_size(i), i);
	zs_obj_write(pool, h[i], buf, obj_size(i));
}

static int intact(struct zs_pool *pool, unsigned long *h, unsigned long i)
{
	unsigned char want[4096], copy[4096];
	const void *p;
	int ok;

	fill(want, obj_size(i), i);
	p = zs_obj_read_begin(pool, h[i], obj_size(i), copy);
	ok = !memcmp(p, want, obj_size(i));
	zs_obj_read_end(pool, h[i], obj_size(i), p);
	return ok;
}

/* Past the initial section: the zone grows, objects stay intact. */
static void test_grows_past_initial(void **state)
{
	enum { NR = 40000 };	/* about 64 MiB of objects */
	unsigned long *h = calloc(NR, sizeof(*h)), i, bad = 0;
	uint64_t start, end, boot_span;
	struct zsim_page_info info;
	struct zsim_config got;
	struct zs_pool *pool;

	(void)state;
	boot_growing(256ULL << 20, 16ULL << 20, 9);
	assert_int_equal(zsim_get_config(&got), 0);
	assert_int_equal(got.mem_bytes, 256ULL << 20);
	assert_int_equal(got.mem_initial_bytes, 16ULL << 20);
	boot_span = spanned();
	assert_int_equal(boot_span, SECTION_PAGES);
	pool = zs_create_pool("grow");
	assert_non_null(pool);
	for (i = 0; i < NR; i++) {
		store(pool, h, i);
		/* check the early ones as the zone grows under them */
		if (i % 5000 == 4999)
			for (unsigned long j = 0; j < i; j += 97)
				bad += !intact(pool, h, j);
	}
	for (i = 0; i < NR; i++)
		bad += !intact(pool, h, i);
	assert_int_equal(bad, 0);
	printf("# %lu objects in %lu pool pages: zone %llu -> %llu pages\n",
	       (unsigned long)NR, zs_get_total_pages(pool),
	       (unsigned long long)boot_span, (unsigned long long)spanned());
	assert_true(spanned() > boot_span);
	assert_true(spanned() % SECTION_PAGES == 0);
	assert_true(spanned() <= (256ULL << 20) / ZSIM_PAGE_SIZE);
	/* Every view of the frames covers the grown range. */
	assert_int_equal(zsim_pfn_range(&start, &end), 0);
	assert_int_equal(end - start, spanned());
	assert_true(pfn_valid(end - 1));
	assert_false(pfn_valid(end));
	assert_int_equal(max_pfn, end);
	info.size = sizeof(info);
	assert_int_equal(zsim_page_info(end - 1, &info), 0);
	assert_int_equal(info.pageblock, (end - 1 - start) >> 9);
	assert_int_equal(zsim_page_info(end, &info), -ERANGE);
	assert_int_equal(sim_zone.nr_pageblocks, spanned() >> 9);
	for (i = 0; i < NR; i++)
		zs_free(pool, h[i]);
	zs_destroy_pool(pool);
	free(h);
	test_shutdown();
}

/* A file descriptor's worth of stderr, to read what the machine printed. */
struct captured {
	int saved, fd;
	FILE *file;
};

static void capture_stderr(struct captured *c)
{
	fflush(stderr);
	c->file = tmpfile();
	assert_non_null(c->file);
	c->saved = dup(2);
	assert_true(c->saved >= 0);
	assert_true(dup2(fileno(c->file), 2) >= 0);
}

static void release_stderr(struct captured *c, char *buf, size_t len)
{
	size_t n;

	fflush(stderr);
	dup2(c->saved, 2);
	close(c->saved);
	rewind(c->file);
	n = fread(buf, 1, len - 1, c->file);
	buf[n] = '\0';
	fclose(c->file);
}

/* The limit: a clean -ENOMEM with the message; a free lets it go on. */
static void test_limit_enomem_then_resume(void **state)
{
	enum { MAX = 40000 };
	unsigned long *h = calloc(MAX, sizeof(*h)), n, i, again;
	unsigned char buf[4096];
	struct captured cap;
	char text[8192];
	struct zs_pool *pool;

	(void)state;
	boot_growing(32ULL << 20, 16ULL << 20, 9);
	pool = zs_create_pool("limit");
	assert_non_null(pool);
	capture_stderr(&cap);
	for (n = 0; n < MAX; n++) {
		h[n] = zs_malloc(pool, 3000, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
		if (zs_is_err_handle(h[n]))
			break;
		fill(buf, 3000, n);
		zs_obj_write(pool, h[n], buf, 3000);
	}
	release_stderr(&cap, text, sizeof(text));
	assert_true(n < MAX);
	assert_int_equal(zs_handle_errno(h[n]), -ENOMEM);
	printf("# %lu objects of 3000 bytes at the 32M limit; said:\n%s", n, text);
	assert_int_equal(spanned(), (32ULL << 20) / ZSIM_PAGE_SIZE);
	assert_non_null(strstr(text, "page allocation failure"));
	assert_non_null(strstr(text, "memory limit of 32M"));
	assert_non_null(strstr(text, "ZSIM_MEM or zsim_config.mem_bytes"));
	/* Still exactly full: another try fails the same way. */
	assert_true(zs_is_err_handle(zs_malloc(pool, 3000, ZS_GFP_KERNEL | ZS_GFP_NOWARN,
					       ZS_NUMA_NO_NODE)));
	/* Free a quarter: allocation resumes, old objects intact. */
	for (i = 0; i < n; i += 4)
		zs_free(pool, h[i]);
	again = 0;
	for (i = 0; i < n; i += 4) {
		h[i] = zs_malloc(pool, 3000, ZS_GFP_KERNEL | ZS_GFP_NOWARN, ZS_NUMA_NO_NODE);
		if (zs_is_err_handle(h[i]))
			break;
		fill(buf, 3000, i);
		zs_obj_write(pool, h[i], buf, 3000);
		again++;
	}
	printf("# %lu allocated again after freeing %lu\n", again, (n + 3) / 4);
	assert_true(again * 10 >= (n + 3) / 4 * 9);
	for (i = 0; i < n; i++) {
		unsigned char want[3000], copy[3000];
		const void *p;

		if (i % 4 == 0 && i / 4 >= again)
			continue;
		fill(want, 3000, i);
		p = zs_obj_read_begin(pool, h[i], 3000, copy);
		assert_memory_equal(p, want, 3000);
		zs_obj_read_end(pool, h[i], 3000, p);
	}
	for (i = 0; i < n; i++)
		if (!(i % 4 == 0 && i / 4 >= again))
			zs_free(pool, h[i]);
	zs_destroy_pool(pool);
	free(h);
	test_shutdown();
}

/* Compaction, chosen-page migration and a contiguous range across sections. */
static void test_compaction_across_sections(void **state)
{
	enum { NR = 30000 };
	unsigned long *h = calloc(NR, sizeof(*h)), i, bad = 0;
	uint64_t before, after, pfn, new_pfn, start, end, target;
	struct zs_pool *pool;

	(void)state;
	boot_growing(128ULL << 20, 16ULL << 20, 9);
	pool = zs_create_pool("across");
	assert_non_null(pool);
	for (i = 0; i < NR; i++)
		store(pool, h, i);
	assert_true(spanned() >= 3 * SECTION_PAGES);
	/* Free three in four: zspages everywhere are sparse. */
	for (i = 0; i < NR; i++)
		if (i % 4)
			zs_free(pool, h[i]);
	before = zs_get_total_pages(pool);
	zs_compact(pool);
	after = zs_get_total_pages(pool);
	printf("# zs_compact: %llu -> %llu pool pages, zone %llu pages\n",
	       (unsigned long long)before, (unsigned long long)after,
	       (unsigned long long)spanned());
	assert_true(after < before);
	assert_int_equal(zsim_compact_memory(), 0);
	for (i = 0; i < NR; i += 4)
		bad += !intact(pool, h, i);
	assert_int_equal(bad, 0);

	/* One object's page moved into the top section by hand. */
	assert_int_equal(zsim_pfn_range(&start, &end), 0);
	assert_int_equal(zs_handle_pfn(pool, h[0], &pfn), 0);
	for (target = end - 1; target > end - SECTION_PAGES; target--) {
		struct zsim_page_info info = { .size = sizeof(info) };

		assert_int_equal(zsim_page_info(target, &info), 0);
		if (info.owner == ZSIM_PAGE_FREE && target != pfn)
			break;
	}
	assert_true(target > end - SECTION_PAGES);
	assert_int_equal(zsim_isolate_page(pfn), 0);
	assert_int_equal(zsim_migrate_page(pfn, target, &new_pfn), 0);
	assert_int_equal(new_pfn, target);
	assert_int_equal(zs_handle_pfn(pool, h[0], &pfn), 0);
	assert_int_equal(pfn, target);
	assert_true(intact(pool, h, 0));

	/* A range of the top section, emptied by migration. */
	assert_int_equal(zsim_alloc_contig_range(pageblock_start_pfn(target), 512), 0);
	assert_int_equal(zs_handle_pfn(pool, h[0], &pfn), 0);
	assert_true(pfn < pageblock_start_pfn(target) ||
		    pfn >= pageblock_start_pfn(target) + 512);
	assert_int_equal(zsim_free_contig_range(pageblock_start_pfn(target), 512), 0);
	for (i = 0; i < NR; i += 4)
		bad += !intact(pool, h, i);
	assert_int_equal(bad, 0);
	for (i = 0; i < NR; i += 4)
		zs_free(pool, h[i]);
	zs_destroy_pool(pool);
	free(h);
	test_shutdown();
}

/*
 * A failed onlining (the host had nothing to give) leaves a working
 * machine, whichever of the four commits of a section fails: the frames,
 * the struct pages, the pageblock labels, the skip hints.
 */
static void test_onlining_fails(void **state)
{
	enum { NR = 12000 };
	unsigned long *h = calloc(NR, sizeof(*h)), i, bad = 0, n;
	unsigned long nth;
	struct captured cap;
	char text[8192];
	struct page *page;
	struct zs_pool *pool;

	(void)state;
	for (nth = 1; nth <= 4; nth++) {
		boot_growing(64ULL << 20, 16ULL << 20, 9);
		pool = zs_create_pool("fault");
		assert_non_null(pool);
		/*
		 * The first onlining from now fails: the allocation that needed
		 * it goes on (compaction, reclaim, a second try that onlines the
		 * section), the zone stays whole.
		 */
		capture_stderr(&cap);
		sim_hotplug_fail_nth = nth;
		for (n = 0; spanned() == SECTION_PAGES && n < NR; n++)
			store(pool, h, n);
		release_stderr(&cap, text, sizeof(text));
		printf("# commit %lu failed: grew after %lu objects; said:\n%s", nth, n, text);
		assert_true(n < NR);
		assert_int_equal(sim_hotplug_fail_nth, 0);
		assert_non_null(strstr(text, "cannot online pfns"));
		assert_non_null(strstr(text, nth <= 2 ? "the frames and their struct pages"
					       : "the pageblock arrays"));
		assert_non_null(strstr(text, "(fault injection)"));
		/* A page allocation with no reclaim still gets memory. */
		page = alloc_pages(GFP_NOWAIT, 0);
		assert_non_null(page);
		__free_pages(page, 0);
		for (i = n; i < NR; i++)
			store(pool, h, i);
		for (i = 0; i < NR; i++)
			bad += !intact(pool, h, i);
		assert_int_equal(bad, 0);
		assert_int_equal(sim_zone.nr_pageblocks, spanned() >> 9);
		for (i = 0; i < NR; i++)
			zs_free(pool, h[i]);
		zs_destroy_pool(pool);
		test_shutdown();
	}
	free(h);

	/* At boot: the machine does not come up, and says why. */
	for (nth = 1; nth <= 4; nth++) {
		struct zsim_config cfg;

		zsim_config_default(&cfg);
		cfg.loglevel = 3;
		sim_hotplug_fail_nth = nth;
		assert_int_equal(zsim_init(&cfg), -ENOMEM);
		printf("# boot, commit %lu failed: %s\n", nth, zsim_last_error());
		assert_non_null(strstr(zsim_last_error(),
				       "cannot commit the 16 MiB of boot memory: Cannot allocate memory"));
		assert_false(zsim_running());
		assert_int_equal(sim_hotplug_fail_nth, 0);
	}
	boot_growing(64ULL << 20, 16ULL << 20, 9);
	test_shutdown();
}

/* RSS falls after compaction on a grown machine (a loose bound). */
static void test_rss_falls_after_compaction(void **state)
{
	enum { NR = 40000 };
	unsigned long *h = calloc(NR, sizeof(*h)), i, full, compacted;
	struct zs_pool *pool;

	(void)state;
	if (test_under_valgrind()) {
		printf("# under Valgrind: RSS is Valgrind's, not checked\n");
		free(h);
		skip();
	}
	boot_growing(256ULL << 20, 16ULL << 20, 9);
	pool = zs_create_pool("rss");
	assert_non_null(pool);
	for (i = 0; i < NR; i++)
		store(pool, h, i);
	full = util_rss_bytes();
	for (i = 0; i < NR; i++)
		if (i % 4)
			zs_free(pool, h[i]);
	zs_compact(pool);
	zsim_report_free_pages();
	compacted = util_rss_bytes();
	printf("# RSS %lu KiB full, %lu KiB after freeing 3/4 and zs_compact(); pool %lu pages\n",
	       full >> 10, compacted >> 10, zs_get_total_pages(pool));
	/* about 64 MiB stored, 48 MiB of it freed: at least 24 MiB back */
	assert_true(compacted + (24UL << 20) <= full);
	for (i = 0; i < NR; i += 4)
		zs_free(pool, h[i]);
	zs_destroy_pool(pool);
	free(h);
	test_shutdown();
}

/* --- growth under concurrency ------------------------------------------- */

struct race {
	struct zs_pool *pool;
	int stop;	/* __atomic: the threads poll it */
	unsigned long failures, walked;
	uint64_t seed;
};

struct worker {
	struct race *race;
	int id;
	unsigned long ops;
	unsigned long failures;
};

static void *allocator(void *arg)
{
	struct worker *w = arg;
	enum { HELD = 6000 };
	unsigned long *h = calloc(HELD, sizeof(*h)), *tag = calloc(HELD, sizeof(*tag));
	unsigned char buf[2048], want[2048], copy[2048];
	struct test_rng rng;
	unsigned long op, i;

	test_rng_init(&rng, w->race->seed * 131 + (uint64_t)w->id);
	for (op = 0; op < w->ops; op++) {
		i = test_rng_below(&rng, HELD);
		if (h[i]) {
			const void *p;

			memset(want, (int)(tag[i] & 0xff), sizeof(want));
			p = zs_obj_read_begin(w->race->pool, h[i], 1000 + tag[i] % 1000, copy);
			if (memcmp(p, want, 1000 + tag[i] % 1000))
				w->failures++;
			zs_obj_read_end(w->race->pool, h[i], 1000 + tag[i] % 1000, p);
			zs_free(w->race->pool, h[i]);
			h[i] = 0;
			/* grow more than shrink, so that the zone keeps growing */
			if (test_rng_below(&rng, 3))
				continue;
		}
		tag[i] = test_rng_next(&rng);
		h[i] = zs_malloc(w->race->pool, 1000 + tag[i] % 1000,
				 ZS_GFP_KERNEL | ZS_GFP_NOWARN, ZS_NUMA_NO_NODE);
		if (zs_is_err_handle(h[i])) {
			h[i] = 0;
			continue;
		}
		memset(buf, (int)(tag[i] & 0xff), sizeof(buf));
		zs_obj_write(w->race->pool, h[i], buf, 1000 + tag[i] % 1000);
	}
	for (i = 0; i < HELD; i++)
		if (h[i])
			zs_free(w->race->pool, h[i]);
	free(h);
	free(tag);
	return NULL;
}

/* Walks every frame the machine has now, as `zsim map` and pfn walkers do. */
static void *walker(void *arg)
{
	struct race *r = arg;
	struct zsim_page_info info = { .size = sizeof(info) };
	uint64_t start, end, pfn;

	while (!__atomic_load_n(&r->stop, __ATOMIC_RELAXED)) {
		assert_int_equal(zsim_pfn_range(&start, &end), 0);
		for (pfn = start; pfn < end && !__atomic_load_n(&r->stop, __ATOMIC_RELAXED); pfn += 7) {
			if (zsim_page_info(pfn, &info) != 0 || info.pfn != pfn)
				r->failures++;
			if (!pfn_valid(pfn) || page_to_pfn(pfn_to_page(pfn)) != pfn)
				r->failures++;
			r->walked++;
		}
	}
	return NULL;
}

static void *compactor(void *arg)
{
	struct race *r = arg;

	while (!__atomic_load_n(&r->stop, __ATOMIC_RELAXED)) {
		zsim_compact_memory();
		zs_compact(r->pool);
		zsim_report_free_pages();
		usleep(1000);
	}
	return NULL;
}

static void test_growth_races(void **state)
{
	enum { NR_ALLOC = 3 };
	struct worker workers[NR_ALLOC];
	pthread_t threads[NR_ALLOC + 2];
	struct race race = { .seed = test_seed };
	uint64_t boot_span;
	int i;

	(void)state;
	boot_growing(128ULL << 20, 8ULL << 20, 9);
	boot_span = spanned();
	race.pool = zs_create_pool("race");
	assert_non_null(race.pool);
	for (i = 0; i < NR_ALLOC; i++) {
		workers[i] = (struct worker){ .race = &race, .id = i,
			.ops = test_under_valgrind() ? 8000 : 40000 };
		assert_int_equal(pthread_create(&threads[i], NULL, allocator, &workers[i]), 0);
	}
	assert_int_equal(pthread_create(&threads[NR_ALLOC], NULL, walker, &race), 0);
	assert_int_equal(pthread_create(&threads[NR_ALLOC + 1], NULL, compactor, &race), 0);
	for (i = 0; i < NR_ALLOC; i++) {
		assert_int_equal(pthread_join(threads[i], NULL), 0);
		assert_int_equal(workers[i].failures, 0);
	}
	__atomic_store_n(&race.stop, 1, __ATOMIC_RELAXED);
	assert_int_equal(pthread_join(threads[NR_ALLOC], NULL), 0);
	assert_int_equal(pthread_join(threads[NR_ALLOC + 1], NULL), 0);
	printf("# zone %llu -> %llu pages; %lu frames walked\n",
	       (unsigned long long)boot_span, (unsigned long long)spanned(), race.walked);
	assert_int_equal(race.failures, 0);
	assert_true(spanned() > boot_span);
	zs_destroy_pool(race.pool);
	test_shutdown();
}

/* Threads that all find the zone short at once online only what they need. */
static void *page_grabber(void *arg)
{
	unsigned long *n = arg, i;

	for (i = 0; i < 1024; i++) {
		struct page *page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0);

		if (!page)
			break;
		*(volatile char *)page_address(page) = 1;
		(*n)++;
	}
	return NULL;
}

static void test_concurrent_growth_bounded(void **state)
{
	enum { NR = 8 };
	pthread_t threads[NR];
	unsigned long got[NR] = { 0 }, total = 0;
	int i;

	(void)state;
	boot_growing(512ULL << 20, 16ULL << 20, 9);
	for (i = 0; i < NR; i++)
		assert_int_equal(pthread_create(&threads[i], NULL, page_grabber, &got[i]), 0);
	for (i = 0; i < NR; i++) {
		assert_int_equal(pthread_join(threads[i], NULL), 0);
		total += got[i];
	}
	printf("# %lu pages taken by %d threads; zone %llu pages\n", total, NR,
	       (unsigned long long)spanned());
	assert_int_equal(total, NR * 1024);
	/* 32 MiB taken: a few sections, not one per thread per try */
	assert_true(spanned() <= 4 * SECTION_PAGES);
	/* Left allocated on purpose: the exit reports them. */
	assert_int_equal(zsim_exit(), (long)total);
}

/* --- configuration ------------------------------------------------------ */

static void test_default_machine_grows(void **state)
{
	struct zsim_config cfg;
	long pages = sysconf(_SC_PHYS_PAGES);

	(void)state;
	assert_int_equal(zsim_init(NULL), 0);
	assert_int_equal(zsim_get_config(&cfg), 0);
	printf("# default: limit %llu MiB, %llu MiB at boot (host %ld MiB)\n",
	       (unsigned long long)(cfg.mem_bytes >> 20),
	       (unsigned long long)(cfg.mem_initial_bytes >> 20),
	       pages * (sysconf(_SC_PAGESIZE) >> 10) >> 10);
	assert_int_equal(cfg.mem_initial_bytes, ZSIM_SECTION_SIZE);
	assert_int_equal(cfg.mem_bytes % ZSIM_SECTION_SIZE, 0);
	assert_true(cfg.mem_bytes <= (uint64_t)pages * (uint64_t)sysconf(_SC_PAGESIZE) / 2);
	assert_int_equal(spanned(), SECTION_PAGES);
	test_shutdown();

	/* ZSIM_MEM is the limit of a machine that grows */
	setenv("ZSIM_MEM", "96M", 1);
	zsim_config_default(&cfg);
	assert_int_equal(zsim_config_from_env(&cfg), 0);
	unsetenv("ZSIM_MEM");
	assert_int_equal(cfg.mem_bytes, 96ULL << 20);
	assert_int_equal(cfg.mem_initial_bytes, 16ULL << 20);
	setenv("ZSIM_MEM_INITIAL", "32M", 1);
	setenv("ZSIM_MEM", "96M", 1);
	zsim_config_default(&cfg);
	assert_int_equal(zsim_config_from_env(&cfg), 0);
	assert_int_equal(cfg.mem_initial_bytes, 32ULL << 20);
	assert_int_equal(zsim_init(&cfg), 0);
	assert_int_equal(spanned(), 2 * SECTION_PAGES);
	test_shutdown();
	unsetenv("ZSIM_MEM_INITIAL");
	unsetenv("ZSIM_MEM");
}

static void expect_env_error(const char *mem, const char *initial, const char *want)
{
	struct zsim_config cfg;

	if (mem)
		setenv("ZSIM_MEM", mem, 1);
	if (initial)
		setenv("ZSIM_MEM_INITIAL", initial, 1);
	zsim_config_default(&cfg);
	assert_int_equal(zsim_config_from_env(&cfg), -EINVAL);
	unsetenv("ZSIM_MEM");
	unsetenv("ZSIM_MEM_INITIAL");
	printf("# %s\n", zsim_last_error());
	assert_string_equal(zsim_last_error(), want);
}

static void test_bad_limits(void **state)
{
	struct zsim_config cfg;

	(void)state;
	expect_env_error("64M", "128M",
			 "ZSIM_MEM_INITIAL=\"128M\" is larger than the memory limit 64M: at most the limit");
	expect_env_error(NULL, "1M",
			 "ZSIM_MEM_INITIAL=\"1M\" is too small: at least 8M (4 pageblocks of 2M)");
	expect_env_error(NULL, "17M",
			 "ZSIM_MEM_INITIAL=\"17M\" is not a multiple of a pageblock (2M at pageblock order 9)");
	expect_env_error("2048G", NULL, "ZSIM_MEM=\"2048G\" is too large: at most 1024G");

	zsim_config_default(&cfg);
	cfg.mem_bytes = 64ULL << 20;
	cfg.mem_initial_bytes = 4ULL << 20;
	assert_int_equal(zsim_init(&cfg), -EINVAL);
	assert_string_equal(zsim_last_error(),
			    "initial memory 4M is too small: at least 8M (4 pageblocks of 2M)");
	cfg.mem_initial_bytes = 128ULL << 20;
	assert_int_equal(zsim_init(&cfg), -EINVAL);
	assert_string_equal(zsim_last_error(),
			    "initial memory 128M is larger than the memory limit 64M: at most the limit");
	assert_false(zsim_running());
}

/* Larger than the address space allows: in a child, under an RLIMIT_AS. */
static void test_limit_beyond_address_space(void **state)
{
	int fds[2], status;
	char text[512] = "";
	pid_t pid;
	ssize_t n;

	(void)state;
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
	printf("# sanitizers reserve their shadow: no RLIMIT_AS here\n");
	skip();
#endif
	if (test_under_valgrind()) {
		printf("# under Valgrind: its own address space, not checked\n");
		skip();
	}
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit rl = { .rlim_cur = 4ULL << 30, .rlim_max = RLIM_INFINITY };
		struct zsim_config cfg;
		int err;

		rl.rlim_max = rl.rlim_cur;
		if (setrlimit(RLIMIT_AS, &rl))
			_exit(3);
		zsim_config_default(&cfg);
		cfg.mem_bytes = 8ULL << 30;
		err = zsim_init(&cfg);
		if (write(fds[1], zsim_last_error(), strlen(zsim_last_error())) < 0)
			_exit(4);
		if (err != -EINVAL)
			_exit(1);
		/* The default limit fits what is left. */
		cfg.mem_bytes = 0;
		if (zsim_init(&cfg) || zsim_exit())
			_exit(2);
		_exit(0);
	}
	close(fds[1]);
	n = read(fds[0], text, sizeof(text) - 1);
	close(fds[0]);
	text[n > 0 ? n : 0] = '\0';
	assert_int_equal(waitpid(pid, &status, 0), pid);
	printf("# %s\n", text);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_non_null(strstr(text, "machine size 8G is larger than the address space allows: at most"));
}

/* A failed test leaves its machine: the next one boots its own. */
static int leave_no_machine(void **state)
{
	(void)state;
	if (zsim_running())
		zsim_exit();
	unsetenv("ZSIM_MEM");
	unsetenv("ZSIM_MEM_INITIAL");
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_grows_past_initial, leave_no_machine),
		cmocka_unit_test_teardown(test_limit_enomem_then_resume, leave_no_machine),
		cmocka_unit_test_teardown(test_compaction_across_sections, leave_no_machine),
		cmocka_unit_test_teardown(test_onlining_fails, leave_no_machine),
		cmocka_unit_test_teardown(test_rss_falls_after_compaction, leave_no_machine),
		cmocka_unit_test_teardown(test_growth_races, leave_no_machine),
		cmocka_unit_test_teardown(test_concurrent_growth_bounded, leave_no_machine),
		cmocka_unit_test_teardown(test_default_machine_grows, leave_no_machine),
		cmocka_unit_test_teardown(test_bad_limits, leave_no_machine),
		cmocka_unit_test_teardown(test_limit_beyond_address_space, leave_no_machine),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
