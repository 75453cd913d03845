// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Zspages that grow page by page (ZS_GROW_BY_PAGE, ZS_PRESET_DENSE):
 * every class filled one object at a time, each object checked as it
 * starts in or spans into the page added for it; frees and compaction
 * giving back trailing pages; every page position of a partly grown
 * zspage migrated; compaction shrinking zspages while other threads hold
 * objects open; a threaded stress with compaction and migration; the page
 * added mid-allocation failing; the kernel presets keeping whole zspages.
 * After every step the pool is checked slot by slot and page by page.
 */
#include "../../lib/zsmalloc.c"
#include "../../lib/zs_config.c"

#include <pthread.h>
#include <unistd.h>
#include "test_helpers.h"
#include "zs_whitebox.h"

static uint64_t vmstat(const char *name)
{
	uint64_t v = 0;

	assert_int_equal(zsim_vmstat_get(name, &v), 0);
	return v;
}

static struct zs_pool *dense_pool(const char *name)
{
	struct zs_pool_config cfg;
	struct zs_pool *pool;

	zs_pool_config_init(&cfg, ZS_PRESET_DENSE);
	pool = zs_create_pool_config(name, &cfg, NULL);
	assert_non_null(pool);
	return pool;
}

static struct size_class *class_of(struct zs_pool *pool, unsigned int size)
{
	return pool->size_class[get_size_class_index(size + ZS_HANDLE_SIZE)];
}

static struct zspage *zspage_of(unsigned long handle)
{
	struct page *page;
	unsigned int idx;

	obj_to_location(handle_to_obj(handle), &page, &idx);
	return get_zspage(page);
}

static unsigned int slot_of(unsigned long handle)
{
	struct page *page;
	unsigned int idx;

	obj_to_location(handle_to_obj(handle), &page, &idx);
	return idx;
}

/* --- the white-box check ------------------------------------------------- */

/* Check one zspage of @class; returns its pages, adds its objects to *inuse. */
/* --- presets --------------------------------------------------------------- */

static void test_presets(void **state)
{
	struct zs_pool_config cfg;
	struct zs_pool *pool;
	unsigned int i, grows = 0;

	(void)state;
	/* the kernel presets keep whole zspages, class by class */
	zs_pool_config_init(&cfg, ZS_PRESET_LINUX_6_18);
	assert_int_equal(cfg.growth, ZS_GROW_WHOLE);
	pool = zs_create_pool_config("newest", &cfg, NULL);
	for (i = 0; i < ZS_SIZE_CLASSES; i++)
		assert_false(pool->size_class[i]->grow);
	assert_int_equal(zs_huge_class_size(pool), 3625);
	zs_destroy_pool(pool);
	zs_pool_config_init(&cfg, ZS_PRESET_LINUX_4_8);
	assert_int_equal(cfg.growth, ZS_GROW_WHOLE);
	pool = zs_create_pool_config("4.8", &cfg, NULL);
	for (i = 0; i < ZS_SIZE_CLASSES; i++)
		assert_false(pool->size_class[i]->grow);
	zs_destroy_pool(pool);

	/* a config of the size before growth existed: whole zspages */
	zs_pool_config_init(&cfg, ZS_PRESET_DENSE);
	cfg.size = offsetof(struct zs_pool_config, growth);
	assert_int_equal(zs_pool_config_check(&cfg), 0);
	pool = zs_create_pool_config("old-size", &cfg, NULL);
	assert_non_null(pool);
	for (i = 0; i < ZS_SIZE_CLASSES; i++)
		assert_false(pool->size_class[i]->grow);
	zs_destroy_pool(pool);

	zs_pool_config_init(&cfg, ZS_PRESET_DENSE);
	assert_int_equal(cfg.chain_size, 16);
	assert_int_equal(cfg.growth, ZS_GROW_BY_PAGE);
	assert_int_equal(cfg.compaction, ZS_COMPACT_EMPTY_TAILS);
	pool = zs_create_pool_config("dense", &cfg, NULL);
	for (i = 0; i < ZS_SIZE_CLASSES; i++) {
		struct size_class *class = pool->size_class[i];

		if (class->index != i)
			continue;
		/* one-page classes have nothing to grow */
		assert_int_equal(class->grow, class->pages_per_zspage > 1);
		grows += class->grow;
	}
	assert_true(grows > 100);
	/* chain 16: 3840-byte slots, 16 in 15 pages, are the largest shared */
	assert_int_equal(zs_huge_class_size(pool), 3833);
	assert_false(class_of(pool, 3832)->pages_per_zspage == 1);
	assert_int_equal(class_of(pool, 3833)->objs_per_zspage, 1);
	zs_destroy_pool(pool);
}

/* --- every class, every page position --------------------------------------- */

/*
 * Fill one zspage of every class object by object: the pages are exactly
 * those the objects reach, each object reads back right after its page
 * was added for it; then free from the top (pages go back, one spare
 * kept), refill, free at random and compact (no spare).
 */
static void test_every_class(void **state)
{
	struct zs_pool *pool = dense_pool("every-class");
	struct wb_obj *objs = calloc(4096, sizeof(*objs));
	unsigned int i, classes = 0, added = 0, spanning = 0;

	(void)state;
	for (i = 0; i < ZS_SIZE_CLASSES; i++) {
		struct size_class *class = pool->size_class[i];
		unsigned int size = class->size - ZS_HANDLE_SIZE;
		struct zspage *zspage = NULL;
		int n, k;

		if (class->index != i)
			continue;
		classes++;
		if (class->objs_per_zspage == 1)
			size = class->size;	/* huge: no header */
		for (n = 0; n < class->objs_per_zspage; n++) {
			unsigned int before = zspage ? zspage->nr_pages : 0;

			objs[n].size = size;
			objs[n].handle = zs_malloc(pool, size, GFP_KERNEL, -1);
			assert_false(IS_ERR_VALUE(objs[n].handle));
			if (!zspage)
				zspage = zspage_of(objs[n].handle);
			assert_ptr_equal(zspage_of(objs[n].handle), zspage);
			assert_int_equal(slot_of(objs[n].handle), n);
			wb_put(pool, &objs[n]);
			assert_true(wb_intact(pool, &objs[n]));
			if (class->grow) {
				assert_int_equal(zspage->nr_pages, slots_pages(class, n + 1));
				if (zspage->nr_pages != before && before) {
					added++;
					/* it started in the page before and runs into the new one */
					if ((unsigned long)n * class->size < (unsigned long)before * PAGE_SIZE)
						spanning++;
				}
			}
		}
		assert_int_equal(zspage->nr_pages, class->pages_per_zspage);
		check_pool(pool);

		/* free from the top: one spare page stays, the rest go */
		for (n = class->objs_per_zspage - 1; n > 0; n--) {
			zs_free(pool, objs[n].handle);
			if (class->grow)
				assert_true(zspage->nr_pages <=
					    min_t(unsigned int, class->pages_per_zspage,
						  slots_pages(class, n) + ZS_GROW_FREE_SLACK));
		}
		check_pool(pool);
		for (n = 1; n < class->objs_per_zspage; n++) {
			objs[n].handle = zs_malloc(pool, size, GFP_KERNEL, -1);
			assert_false(IS_ERR_VALUE(objs[n].handle));
			wb_put(pool, &objs[n]);
		}
		check_pool(pool);

		/* every other object, then compaction packs the zspage */
		for (n = 0; n < class->objs_per_zspage; n += 2)
			zs_free(pool, objs[n].handle);
		zs_compact(pool);
		check_pool(pool);
		for (n = 1, k = 0; n < class->objs_per_zspage; n += 2, k++)
			assert_true(wb_intact(pool, &objs[n]));
		if (class->grow && k)
			assert_int_equal(zspage_of(objs[1].handle)->nr_pages,
					 slots_pages(class, k));
		for (n = 1; n < class->objs_per_zspage; n += 2)
			zs_free(pool, objs[n].handle);
		check_pool(pool);
		assert_int_equal(zs_get_total_pages(pool), 0);
	}
	printf("# %u classes, %u pages added, %u of them for an object spanning into them\n",
	       classes, added, spanning);
	assert_true(spanning > 100);
	zs_destroy_pool(pool);
	assert_int_equal(vmstat("nr_zspages"), 0);
	free(objs);
}

/* --- migration of the pages of partly grown zspages ------------------------ */

static struct page *new_page(struct page *page, unsigned long private, int **result)
{
	return alloc_page(GFP_KERNEL | __GFP_MOVABLE);
}

static int migrate_one(struct page *page, enum migrate_mode mode)
{
	LIST_HEAD(list);
	int ret;

	if (!isolate_movable_page(page, 0))
		return -EBUSY;
	list_add(&page->lru, &list);
	ret = migrate_pages(&list, new_page, NULL, 0, mode, MR_COMPACTION);
	if (!list_empty(&list))
		putback_movable_pages(&list);
	return ret;
}

static struct page *chain_page(struct zspage *zspage, unsigned int k)
{
	struct page *page = get_first_page(zspage);

	while (k--)
		page = get_next_page(page);
	return page;
}

/*
 * Every class that grows: grow a zspage to about half its chain, migrate
 * each of its pages (the last one too), grow it to the end, migrate every
 * page again, then shrink it by frees and migrate what is left.
 */
static void test_migrate_partly_grown(void **state)
{
	struct zs_pool *pool = dense_pool("migrate");
	struct wb_obj *objs = calloc(4096, sizeof(*objs));
	uint64_t success = vmstat("pgmigrate_success");
	unsigned int i, moved = 0;

	(void)state;
	for (i = 0; i < ZS_SIZE_CLASSES; i++) {
		struct size_class *class = pool->size_class[i];
		unsigned int size = class->size - ZS_HANDLE_SIZE;
		struct zspage *zspage;
		int n = 0, half, stage, k;

		if (class->index != i || !class->grow)
			continue;
		half = zspage_slots(class, (class->pages_per_zspage + 1) / 2);
		for (stage = 0; stage < 3; stage++) {
			int upto = stage == 0 ? half : class->objs_per_zspage;

			if (stage == 2) {
				/* frees from the top take pages away */
				while (n > half / 2 + 1) {
					zs_free(pool, objs[--n].handle);
				}
			}
			for (; n < upto; n++) {
				objs[n].size = size;
				objs[n].handle = zs_malloc(pool, size, GFP_KERNEL, -1);
				assert_false(IS_ERR_VALUE(objs[n].handle));
				wb_put(pool, &objs[n]);
			}
			zspage = zspage_of(objs[0].handle);
			for (k = 0; k < (int)zspage->nr_pages; k++) {
				struct page *page = chain_page(zspage, k);
				unsigned long old_pfn = page_to_pfn(page);

				assert_int_equal(migrate_one(page, MIGRATE_SYNC), 0);
				page = chain_page(zspage, k);
				assert_true(page_to_pfn(page) != old_pfn);
				assert_int_equal(get_first_obj_offset(page),
						 chain_first_obj_offset(class, k));
				assert_int_equal(zspage->isolated, 0);
				moved++;
				for (int o = 0; o < n; o++)
					assert_true(wb_intact(pool, &objs[o]));
			}
			check_pool(pool);
		}
		while (n > 0)
			zs_free(pool, objs[--n].handle);
	}
	printf("# %u pages of growing zspages migrated\n", moved);
	assert_int_equal(vmstat("pgmigrate_success") - success, moved);
	check_pool(pool);
	zs_destroy_pool(pool);
	assert_int_equal(vmstat("nr_zspages"), 0);
	free(objs);
}

/* A page isolated for migration is not given back under it. */
static void test_isolated_page_not_trimmed(void **state)
{
	struct zs_pool *pool = dense_pool("isolated");
	struct size_class *class = class_of(pool, 1000);
	struct wb_obj objs[64];
	struct zspage *zspage;
	struct page *last;
	LIST_HEAD(list);
	int n, nr;

	(void)state;
	nr = zspage_slots(class, 4);
	for (n = 0; n < nr; n++) {
		objs[n].size = 1000;
		objs[n].handle = zs_malloc(pool, 1000, GFP_KERNEL, -1);
		wb_put(pool, &objs[n]);
	}
	zspage = zspage_of(objs[0].handle);
	assert_int_equal(zspage->nr_pages, 4);
	last = chain_page(zspage, 3);
	assert_true(isolate_movable_page(last, 0));
	assert_int_equal(zspage->isolated, 1);
	/* every object but the first: the tail could go, but a page is away */
	for (n = nr - 1; n > 0; n--)
		zs_free(pool, objs[n].handle);
	assert_int_equal(zspage->nr_pages, 4);
	assert_int_equal(zs_compact(pool), 0);
	assert_int_equal(zspage->nr_pages, 4);
	list_add(&last->lru, &list);
	putback_movable_pages(&list);
	assert_int_equal(zspage->isolated, 0);
	/* back: the next compaction gives the tail back */
	assert_int_equal(zs_compact(pool), 3);
	assert_int_equal(zspage->nr_pages, 1);
	assert_true(wb_intact(pool, &objs[0]));
	check_pool(pool);
	zs_free(pool, objs[0].handle);
	zs_destroy_pool(pool);
	assert_int_equal(vmstat("nr_zspages"), 0);
}

/* --- the page added mid-allocation fails ----------------------------------- */

static void set_page_faults(uint64_t nth, uint32_t ppm)
{
	struct zsim_fault_config f;

	zsim_fault_config_default(&f);
	f.page_fail_nth = nth;
	f.page_fail_ppm = ppm;
	f.page_fail_order = -1;
	f.seed = 1;
	assert_int_equal(zsim_fault_set(&f), 0);
}

static bool needs_page(struct size_class *class, struct zspage *zspage)
{
	bool ret;

	spin_lock(&class->lock);
	ret = zspage_needs_page(class, zspage);
	spin_unlock(&class->lock);
	return ret;
}

static void test_added_page_fails(void **state)
{
	struct zs_pool *pool = dense_pool("fault");
	struct size_class *class = class_of(pool, 1500);
	struct wb_obj objs[64];
	unsigned long h, pages;
	uint64_t zspages;
	int n, first;

	(void)state;
	/* the objects of the first page; the next one spans into page two */
	first = zspage_slots(class, 1);
	assert_true(slots_pages(class, first + 1) == 2);
	for (n = 0; n < first; n++) {
		objs[n].size = 1500;
		objs[n].handle = zs_malloc(pool, 1500, GFP_KERNEL, -1);
		wb_put(pool, &objs[n]);
	}
	pages = zs_get_total_pages(pool);
	zspages = vmstat("nr_zspages");
	assert_int_equal(pages, 1);

	/* every page allocation fails: a clean -ENOMEM, nothing changed */
	set_page_faults(0, 1000000);
	h = zs_malloc(pool, 1500, GFP_KERNEL, -1);
	assert_true(zs_is_err_handle(h));
	assert_int_equal(zs_handle_errno(h), -ENOMEM);
	h = zs_malloc(pool, 1500, GFP_NOWAIT, -1);
	assert_int_equal(zs_handle_errno(h), -ENOMEM);
	set_page_faults(0, 0);
	assert_int_equal(zs_get_total_pages(pool), pages);
	assert_int_equal(vmstat("nr_zspages"), zspages);
	for (n = 0; n < first; n++)
		assert_true(wb_intact(pool, &objs[n]));
	check_pool(pool);

	/* the attempt under the lock fails: a sleeping gfp gets it outside */
	set_page_faults(1, 0);
	objs[first].size = 1500;
	objs[first].handle = zs_malloc(pool, 1500, GFP_KERNEL, -1);
	assert_false(IS_ERR_VALUE(objs[first].handle));
	wb_put(pool, &objs[first]);
	assert_int_equal(zs_get_total_pages(pool), 2);
	check_pool(pool);

	/* the same with GFP_NOWAIT: no second try */
	while (!needs_page(class, zspage_of(objs[0].handle))) {
		n = ++first;
		objs[n].size = 1500;
		objs[n].handle = zs_malloc(pool, 1500, GFP_KERNEL, -1);
		wb_put(pool, &objs[n]);
	}
	pages = zs_get_total_pages(pool);
	set_page_faults(1, 0);
	h = zs_malloc(pool, 1500, GFP_NOWAIT, -1);
	assert_int_equal(zs_handle_errno(h), -ENOMEM);
	set_page_faults(0, 0);
	assert_int_equal(zs_get_total_pages(pool), pages);
	check_pool(pool);
	for (n = 0; n <= first; n++) {
		assert_true(wb_intact(pool, &objs[n]));
		zs_free(pool, objs[n].handle);
	}
	check_pool(pool);
	zs_destroy_pool(pool);
	assert_int_equal(vmstat("nr_zspages"), 0);
}

/* Compaction whose destination cannot grow stops cleanly. */
static void test_compaction_page_fails(void **state)
{
	struct zs_pool *pool = dense_pool("fault-compact");
	struct size_class *class = class_of(pool, 700);
	struct wb_obj *objs = calloc(1024, sizeof(*objs));
	unsigned long pages, freed;
	int n, nr = class->objs_per_zspage * 3;

	(void)state;
	for (n = 0; n < nr; n++) {
		objs[n].size = 700;
		objs[n].handle = zs_malloc(pool, 700, GFP_KERNEL, -1);
		wb_put(pool, &objs[n]);
	}
	/* the first zspage keeps its head, the others keep a few objects */
	for (n = 0; n < nr; n++)
		if ((n < class->objs_per_zspage && n >= 3) ||
		    (n >= class->objs_per_zspage && n % 5))
			zs_free(pool, objs[n].handle), objs[n].handle = 0;
	check_pool(pool);
	pages = zs_get_total_pages(pool);
	set_page_faults(0, 1000000);
	freed = zs_compact(pool);
	set_page_faults(0, 0);
	check_pool(pool);
	assert_int_equal(zs_get_total_pages(pool), pages - freed);
	for (n = 0; n < nr; n++)
		if (objs[n].handle)
			assert_true(wb_intact(pool, &objs[n]));
	/* with pages to be had, it finishes: one part-used zspage, packed */
	zs_compact(pool);
	check_pool(pool);
	spin_lock(&class->lock);
	assert_int_equal(zs_can_compact(class), 0);
	spin_unlock(&class->lock);
	for (n = 0; n < nr; n++)
		if (objs[n].handle) {
			assert_true(wb_intact(pool, &objs[n]));
			zs_free(pool, objs[n].handle);
		}
	zs_destroy_pool(pool);
	assert_int_equal(vmstat("nr_zspages"), 0);
	free(objs);
}

/* --- threads ----------------------------------------------------------------- */

struct shared {
	struct zs_pool *pool;
	struct wb_obj *objs;
	unsigned int nr;
	int stop;
	unsigned long reads, bad;
};

/* the kernel's atomic_t names are taken: GCC's builtins for the test's own */
#define T_LOAD(x)	__atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define T_STORE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELEASE)
#define T_ADD(x, n)	__atomic_fetch_add(&(x), (n), __ATOMIC_RELAXED)

static unsigned int rnd(unsigned int *s)
{
	*s = *s * 1103515245 + 12345;
	return (*s >> 8) & 0xffffff;
}

/*
 * Readers: hold one of the first half's objects open, check it, and
 * keep the window open a little while compaction works.
 */
static void *reader(void *arg)
{
	struct shared *sh = arg;
	unsigned int seed = (unsigned int)(uintptr_t)&seed;

	while (!T_LOAD(sh->stop)) {
		struct wb_obj *o = &sh->objs[rnd(&seed) % (sh->nr / 2)];
		unsigned char buf[4096], copy[4096];
		const void *p = zs_obj_read_begin(sh->pool, o->handle, o->size, copy);

		wb_fill(buf, o->size, o->handle);
		for (int spin = 0; spin < 50; spin++)
			if (memcmp(p, buf, o->size))
				T_ADD(sh->bad, 1);
		zs_obj_read_end(sh->pool, o->handle, o->size, p);
		T_ADD(sh->reads, 1);
	}
	return NULL;
}

/*
 * Compaction shrinks zspages (frees, tail draining, packing) while two
 * threads hold objects of the same zspages open; the objects they read
 * never change, and afterwards every zspage is checked.
 */
static void test_compact_while_reading(void **state)
{
	struct shared sh = { 0 };
	pthread_t t[2];
	unsigned int seed = 7, round;
	unsigned long freed = 0;

	(void)state;
	sh.pool = dense_pool("readers");
	sh.nr = 6000;
	sh.objs = calloc(sh.nr, sizeof(*sh.objs));
	for (unsigned int n = 0; n < sh.nr; n++) {
		sh.objs[n].size = 32 + rnd(&seed) % 3800;
		sh.objs[n].handle = zs_malloc(sh.pool, sh.objs[n].size, GFP_KERNEL, -1);
		wb_put(sh.pool, &sh.objs[n]);
	}
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, reader, &sh), 0);
	/* the second half comes and goes; the first half is read throughout */
	for (round = 0; round < 6; round++) {
		for (unsigned int n = sh.nr / 2; n < sh.nr; n++) {
			if (rnd(&seed) % 3 == 0) {
				zs_free(sh.pool, sh.objs[n].handle);
				sh.objs[n].handle = zs_malloc(sh.pool, sh.objs[n].size, GFP_KERNEL, -1);
				assert_false(IS_ERR_VALUE(sh.objs[n].handle));
				wb_put(sh.pool, &sh.objs[n]);
			}
			if (rnd(&seed) % 2 == 0 && sh.objs[n].size) {
				zs_free(sh.pool, sh.objs[n].handle);
				sh.objs[n].size = 0;
			}
		}
		freed += zs_compact(sh.pool);
		for (unsigned int n = sh.nr / 2; n < sh.nr; n++) {
			if (!sh.objs[n].size) {
				sh.objs[n].size = 32 + rnd(&seed) % 3800;
				sh.objs[n].handle = zs_malloc(sh.pool, sh.objs[n].size, GFP_KERNEL, -1);
				wb_put(sh.pool, &sh.objs[n]);
			}
		}
	}
	T_STORE(sh.stop, 1);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	printf("# %lu reads held open, %lu pages given back by compaction\n",
	       (unsigned long)T_LOAD(sh.reads), freed);
	assert_int_equal(T_LOAD(sh.bad), 0);
	assert_true(freed > 0);
	check_pool(sh.pool);
	for (unsigned int n = 0; n < sh.nr; n++) {
		assert_true(wb_intact(sh.pool, &sh.objs[n]));
		zs_free(sh.pool, sh.objs[n].handle);
	}
	check_pool(sh.pool);
	zs_destroy_pool(sh.pool);
	assert_int_equal(vmstat("nr_zspages"), 0);
	free(sh.objs);
}

struct worker {
	struct shared *sh;
	unsigned int first, nr;
};

/* Each worker owns a range of objects: free, allocate, write, check. */
static void *churn(void *arg)
{
	struct worker *w = arg;
	struct shared *sh = w->sh;
	unsigned int seed = w->first + 1;

	while (!T_LOAD(sh->stop)) {
		struct wb_obj *o = &sh->objs[w->first + rnd(&seed) % w->nr];

		if (o->size) {
			if (!wb_intact(sh->pool, o))
				T_ADD(sh->bad, 1);
			zs_free(sh->pool, o->handle);
			o->size = 0;
		} else {
			o->size = 1 + rnd(&seed) % 3900;
			o->handle = zs_malloc(sh->pool, o->size, GFP_KERNEL, -1);
			if (IS_ERR_VALUE(o->handle)) {
				T_ADD(sh->bad, 1);
				o->size = 0;
				continue;
			}
			wb_put(sh->pool, o);
		}
	}
	return NULL;
}

static void *compactor(void *arg)
{
	struct shared *sh = arg;

	while (!T_LOAD(sh->stop)) {
		zs_compact(sh->pool);
		usleep(200);
	}
	return NULL;
}

/*
 * The migrator owns objects of its own, in the same zspages as the
 * churners': it moves the page each one starts in (through the public
 * isolate/migrate calls), and frees and reallocates some, so pages of
 * zspages that grow and shrink move under the others' feet.
 */
static void *migrator(void *arg)
{
	struct worker *w = arg;
	struct shared *sh = w->sh;
	unsigned int seed = 99, moved = 0;

	for (unsigned int n = 0; n < w->nr; n++) {
		struct wb_obj *o = &sh->objs[w->first + n];

		o->size = 1 + rnd(&seed) % 3900;
		o->handle = zs_malloc(sh->pool, o->size, GFP_KERNEL, -1);
		wb_put(sh->pool, o);
	}
	while (!T_LOAD(sh->stop)) {
		struct wb_obj *o = &sh->objs[w->first + rnd(&seed) % w->nr];
		uint64_t pfn;

		if (rnd(&seed) % 4 == 0) {
			if (!wb_intact(sh->pool, o))
				T_ADD(sh->bad, 1);
			zs_free(sh->pool, o->handle);
			o->size = 1 + rnd(&seed) % 3900;
			o->handle = zs_malloc(sh->pool, o->size, GFP_KERNEL, -1);
			wb_put(sh->pool, o);
			continue;
		}
		if (zs_handle_pfn(sh->pool, o->handle, &pfn)) {
			T_ADD(sh->bad, 1);
			continue;
		}
		if (zsim_isolate_page(pfn))
			continue;	/* moving or being freed right now */
		if (zsim_migrate_page(pfn, 0, NULL) == 0)
			moved++;
		else
			zsim_putback_page(pfn);
		if (!wb_intact(sh->pool, o))
			T_ADD(sh->bad, 1);
	}
	T_ADD(sh->reads, moved);
	return NULL;
}

/*
 * Four churning threads, a compactor and a migrator on one dense pool
 * for a second or two; nothing may read wrong, and the pool checks out
 * afterwards.  Also run under TSan (label threads).
 */
static void test_threaded_stress(void **state)
{
	struct shared sh = { 0 };
	struct worker w[5];
	pthread_t t[6];
	int i;

	(void)state;
	sh.pool = dense_pool("stress");
	sh.nr = 5 * 1500;
	sh.objs = calloc(sh.nr, sizeof(*sh.objs));
	for (i = 0; i < 4; i++) {
		w[i].sh = &sh;
		w[i].first = i * 1500;
		w[i].nr = 1500;
		assert_int_equal(pthread_create(&t[i], NULL, churn, &w[i]), 0);
	}
	w[4].sh = &sh;
	w[4].first = 4 * 1500;
	w[4].nr = 1500;
	assert_int_equal(pthread_create(&t[4], NULL, migrator, &w[4]), 0);
	assert_int_equal(pthread_create(&t[5], NULL, compactor, &sh), 0);
	sleep(2);
	T_STORE(sh.stop, 1);
	for (i = 0; i < 6; i++)
		pthread_join(t[i], NULL);
	printf("# %lu pages migrated during the stress\n", (unsigned long)T_LOAD(sh.reads));
	assert_int_equal(T_LOAD(sh.bad), 0);
	check_pool(sh.pool);
	for (unsigned int n = 0; n < sh.nr; n++) {
		if (!sh.objs[n].size)
			continue;
		assert_true(wb_intact(sh.pool, &sh.objs[n]));
		zs_free(sh.pool, sh.objs[n].handle);
	}
	check_pool(sh.pool);
	assert_int_equal(zs_get_total_pages(sh.pool), 0);
	zs_destroy_pool(sh.pool);
	assert_int_equal(vmstat("nr_zspages"), 0);
	free(sh.objs);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_presets, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_every_class, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_migrate_partly_grown, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_isolated_page_not_trimmed, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_added_page_fails, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_compaction_page_fails, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_compact_while_reading, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_threaded_stress, test_setup_small_machine, test_teardown_machine),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests_name("zsmalloc growing zspages", tests, NULL, NULL);
}
