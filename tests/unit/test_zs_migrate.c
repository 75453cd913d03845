// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * zsmalloc page migration through the simulator's migration core: every
 * sub-page position of every class's zspage (huge ones included) is
 * migrated and every handle still reads its data; pinned objects, and
 * read windows on objects that reach into the page, make migration retry
 * and fail cleanly; a zspage emptied while isolated is
 * freed at putback; a failed new-page allocation loses nothing; a pool
 * destroyed while a page is isolated waits, then frees everything.
 */
#include "../../lib/zsmalloc.c"
#include "../../lib/zs_config.c"

#include <pthread.h>
#include <unistd.h>
#include "test_helpers.h"
#include "zs_whitebox.h"

static struct page *new_page(struct page *page, unsigned long private, int **result)
{
	return alloc_page(GFP_KERNEL | __GFP_MOVABLE);
}

static uint64_t vmstat(const char *name)
{
	uint64_t v = 0;

	assert_int_equal(zsim_vmstat_get(name, &v), 0);
	return v;
}

/* Pages per zspage of the class serving objects of @size. */
static int class_pages(struct zs_pool *pool, unsigned int size)
{
	return pool->size_class[get_size_class_index(size + ZS_HANDLE_SIZE)]->pages_per_zspage;
}

/* Isolate @page and migrate it; returns migrate_pages()'s result. */
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

/* Fill one zspage of the class serving @size; return its zspage. */
static struct zspage *fill_zspage(struct zs_pool *pool, unsigned int size,
				  struct wb_obj *objs, int *nr)
{
	struct size_class *class = pool->size_class[get_size_class_index(size + ZS_HANDLE_SIZE)];
	unsigned char buf[4096];
	struct zspage *zspage = NULL;
	struct page *page;
	unsigned int idx;

	for (int i = 0; i < class->objs_per_zspage; i++) {
		struct wb_obj *o = &objs[(*nr)++];

		o->size = size;
		o->handle = zs_malloc(pool, size, GFP_KERNEL, -1);
		assert_false(IS_ERR_VALUE(o->handle));
		wb_fill(buf, size, o->handle);
		zs_obj_write(pool, o->handle, buf, size);
		obj_to_location(handle_to_obj(o->handle), &page, &idx);
		if (!zspage)
			zspage = get_zspage(page);
	}
	return zspage;
}

static void migrate_every_position(enum zs_preset preset)
{
	struct zs_pool_config cfg;
	struct zs_pool *pool;
	struct wb_obj *objs = calloc(1 << 16, sizeof(*objs));
	int nr = 0, classes = 0, moved = 0;
	uint64_t success = vmstat("pgmigrate_success");

	zs_pool_config_init(&cfg, preset);
	pool = zs_create_pool_config("migrate", &cfg, NULL);
	for (unsigned int i = 0; i < ZS_SIZE_CLASSES; i++) {
		struct size_class *class = pool->size_class[i];
		struct zspage *zspage;
		int first = nr;

		if (class->index != i)
			continue;
		classes++;
		zspage = fill_zspage(pool, class->size - ZS_HANDLE_SIZE, objs, &nr);
		for (int k = 0; k < class->pages_per_zspage; k++) {
			struct page *page = get_first_page(zspage);
			unsigned long old_pfn;

			for (int j = 0; j < k; j++)
				page = get_next_page(page);
			old_pfn = page_to_pfn(page);
			assert_int_equal(migrate_one(page, MIGRATE_SYNC), 0);
			page = get_first_page(zspage);
			for (int j = 0; j < k; j++)
				page = get_next_page(page);
			/* position k now holds another frame */
			assert_true(page_to_pfn(page) != old_pfn);
			assert_int_equal(get_first_obj_offset(page),
					 (class->size - (k * PAGE_SIZE) % class->size) % class->size);
			moved++;
			for (int o = first; o < nr; o++)
				assert_true(wb_intact(pool, &objs[o]));
		}
	}
	check_pool(pool);
	printf("# %d classes, %d pages migrated\n", classes, moved);
	assert_int_equal(vmstat("pgmigrate_success") - success, moved);
	for (int o = 0; o < nr; o++) {
		assert_true(wb_intact(pool, &objs[o]));
		zs_free(pool, objs[o].handle);
	}
	zs_destroy_pool(pool);
	assert_int_equal(vmstat("nr_zspages"), 0);
	free(objs);
}

static void test_every_position_newest(void **state)
{
	migrate_every_position(ZS_PRESET_NEWEST);
}

static void test_every_position_linux_4_8(void **state)
{
	migrate_every_position(ZS_PRESET_LINUX_4_8);
}

/* An object held open pins its page: -EAGAIN retries, then putback. */
struct migrate_arg {
	struct page *page;
	int ret;
};

static void *migrate_async_thread(void *arg)
{
	struct migrate_arg *m = arg;

	m->ret = migrate_one(m->page, MIGRATE_ASYNC);
	return NULL;
}

static void test_pinned_object_blocks_migration(void **state)
{
	struct zs_pool *pool = zs_create_pool("pinned");
	struct wb_obj objs[64];
	int nr = 0;
	struct zspage *zspage = fill_zspage(pool, 500, objs, &nr);
	struct page *page = get_first_page(zspage);
	unsigned long pfn = page_to_pfn(page);
	struct migrate_arg m = { page, 0 };
	char copy[4096];
	pthread_t t;
	void *p;

	/* objs[0] starts in the first page; hold it open */
	p = zs_obj_read_begin(pool, objs[0].handle, objs[0].size, copy);
	/*
	 * MIGRATE_ASYNC: the held zspage read lock must not block it.  The
	 * window is atomic (pin and zspage lock, as in the kernel), and
	 * migration sleeps: it runs in another thread.
	 */
	assert_int_equal(pthread_create(&t, NULL, migrate_async_thread, &m), 0);
	pthread_join(t, NULL);
	assert_true(m.ret != 0);
	zs_obj_read_end(pool, objs[0].handle, objs[0].size, p);
	assert_int_equal(page_to_pfn(get_first_page(zspage)), pfn);
	assert_false(PageIsolated(page));
	assert_int_equal(zspage->isolated, 0);
	check_pool(pool);
	/* released: now it moves */
	assert_int_equal(migrate_one(page, MIGRATE_SYNC), 0);
	assert_true(page_to_pfn(get_first_page(zspage)) != pfn);
	for (int i = 0; i < nr; i++) {
		assert_true(wb_intact(pool, &objs[i]));
		zs_free(pool, objs[i].handle);
	}
	zs_destroy_pool(pool);
}

/*
 * A read window open on an object that starts in one page and ends in
 * the next keeps the next page where it is too: the window reads it in
 * place.  Closed, the page moves and the object reads back intact.
 */
static void test_window_keeps_next_page(void **state)
{
	struct zs_pool *pool = zs_create_pool("spanning");
	struct wb_obj objs[64];
	int nr = 0, span = -1;
	struct zspage *zspage = fill_zspage(pool, 1500, objs, &nr);
	struct page *first = get_first_page(zspage), *next = get_next_page(first);
	struct size_class *class = pool->size_class[zspage_class(zspage)];
	unsigned long pfn = page_to_pfn(next);
	struct migrate_arg m = { next, 0 };
	char copy[4096];
	pthread_t t;
	void *p;

	(void)state;
	for (int i = 0; i < nr && span < 0; i++) {
		struct page *page;
		unsigned int idx;

		obj_to_location(handle_to_obj(objs[i].handle), &page, &idx);
		if (page == first && (idx + 1) * class->size > PAGE_SIZE)
			span = i;
	}
	assert_true(span >= 0);
	assert_true(get_first_obj_offset(next) > 0);

	p = zs_obj_read_begin(pool, objs[span].handle, objs[span].size, copy);
	assert_true(p == copy);
	assert_int_equal(pthread_create(&t, NULL, migrate_async_thread, &m), 0);
	pthread_join(t, NULL);
	assert_true(m.ret != 0);
	assert_int_equal(page_to_pfn(get_next_page(get_first_page(zspage))), pfn);
	zs_obj_read_end(pool, objs[span].handle, objs[span].size, p);
	check_pool(pool);

	assert_int_equal(migrate_one(next, MIGRATE_SYNC), 0);
	assert_true(page_to_pfn(get_next_page(get_first_page(zspage))) != pfn);
	for (int i = 0; i < nr; i++) {
		assert_true(wb_intact(pool, &objs[i]));
		zs_free(pool, objs[i].handle);
	}
	zs_destroy_pool(pool);
}

/*
 * Every object freed while the page is isolated: the page still migrates
 * (Linux commit 77ff465799c6), and the zspage is freed once it is back.
 */
static void test_emptied_while_isolated(void **state)
{
	struct zs_pool *pool = zs_create_pool("emptied");
	struct wb_obj objs[64];
	int nr = 0;
	struct zspage *zspage = fill_zspage(pool, 1000, objs, &nr);
	struct page *page = get_first_page(zspage);
	LIST_HEAD(list);
	uint64_t zspages = vmstat("nr_zspages");
	uint64_t success = vmstat("pgmigrate_success");
	uint64_t failed = vmstat("pgmigrate_fail");
	int ret;

	assert_true(isolate_movable_page(page, 0));
	list_add(&page->lru, &list);
	for (int i = 0; i < nr; i++)
		zs_free(pool, objs[i].handle);
	/* isolated: zs_free() left the zspage for putback */
	assert_int_equal(vmstat("nr_zspages"), zspages);
	ret = migrate_pages(&list, new_page, NULL, 0, MIGRATE_SYNC, MR_COMPACTION);
	assert_int_equal(ret, 0);
	assert_true(list_empty(&list));
	assert_int_equal(vmstat("pgmigrate_success") - success, 1);
	assert_int_equal(vmstat("pgmigrate_fail"), failed);
	flush_work(&pool->free_work);
	assert_int_equal(vmstat("nr_zspages"), zspages - class_pages(pool, 1000));
	check_pool(pool);
	zs_destroy_pool(pool);
}

/* The new page cannot be had: the old one stays, data intact. */
static void test_new_page_fails(void **state)
{
	struct zs_pool *pool = zs_create_pool("nopage");
	struct zsim_fault_config f = { .size = sizeof(f), .page_fail_nth = 1, .page_fail_order = 0 };
	struct wb_obj objs[64];
	int nr = 0;
	struct zspage *zspage = fill_zspage(pool, 700, objs, &nr);
	struct page *page = get_first_page(zspage);
	unsigned long pfn = page_to_pfn(page);

	assert_true(isolate_movable_page(page, 0));
	{
		LIST_HEAD(list);
		int ret;

		list_add(&page->lru, &list);
		f.seed = test_seed;
		assert_int_equal(zsim_fault_set(&f), 0);
		ret = migrate_pages(&list, new_page, NULL, 0, MIGRATE_SYNC, MR_COMPACTION);
		assert_true(ret != 0);
		putback_movable_pages(&list);
	}
	assert_int_equal(page_to_pfn(get_first_page(zspage)), pfn);
	assert_int_equal(zspage->isolated, 0);
	check_pool(pool);
	for (int i = 0; i < nr; i++) {
		assert_true(wb_intact(pool, &objs[i]));
		zs_free(pool, objs[i].handle);
	}
	zs_destroy_pool(pool);
}

struct destroy_arg {
	struct zs_pool *pool;
	int done;
};

static void *destroyer(void *arg)
{
	struct destroy_arg *d = arg;

	zs_destroy_pool(d->pool);
	__atomic_store_n(&d->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* zs_destroy_pool() waits for isolated pages to come back. */
static void test_destroy_waits_for_isolated(void **state)
{
	struct destroy_arg d = { .pool = zs_create_pool("destroy") };
	struct wb_obj objs[64];
	int nr = 0;
	struct zspage *zspage = fill_zspage(d.pool, 300, objs, &nr);
	struct page *page = get_first_page(zspage);
	LIST_HEAD(list);
	pthread_t t;

	assert_true(isolate_movable_page(page, 0));
	list_add(&page->lru, &list);
	assert_int_equal(pthread_create(&t, NULL, destroyer, &d), 0);
	usleep(100000);
	assert_int_equal(__atomic_load_n(&d.done, __ATOMIC_ACQUIRE), 0);
	/* the isolation is refused for the doomed pool, but putback works */
	putback_movable_pages(&list);
	pthread_join(t, NULL);
	assert_int_equal(d.done, 1);
	assert_int_equal(vmstat("nr_zspages"), 0);
}

/* Migrating the pages of a huge zspage keeps the out-of-line handle. */
static void test_huge_object(void **state)
{
	struct zs_pool *pool = zs_create_pool("huge");
	struct wb_obj o = { .size = 4000 };
	unsigned char buf[4096];
	struct page *page;
	unsigned int idx;

	o.handle = zs_malloc(pool, o.size, GFP_KERNEL, -1);
	wb_fill(buf, o.size, o.handle);
	zs_obj_write(pool, o.handle, buf, o.size);
	obj_to_location(handle_to_obj(o.handle), &page, &idx);
	assert_true(PageHugeObject(page));
	for (int round = 0; round < 5; round++) {
		struct page *now;

		obj_to_location(handle_to_obj(o.handle), &page, &idx);
		assert_int_equal(migrate_one(page, MIGRATE_SYNC), 0);
		obj_to_location(handle_to_obj(o.handle), &now, &idx);
		assert_true(now != page);
		assert_true(PageHugeObject(now));
		assert_int_equal(now->index, o.handle | OBJ_ALLOCATED_TAG);
		assert_true(wb_intact(pool, &o));
	}
	zs_free(pool, o.handle);
	zs_destroy_pool(pool);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_position_newest, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_every_position_linux_4_8, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_pinned_object_blocks_migration, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_window_keeps_next_page, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_emptied_while_isolated, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_new_page_fails, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_destroy_waits_for_isolated, test_setup_small_machine, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_huge_object, test_setup_small_machine, test_teardown_machine),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests_name("zsmalloc page migration", tests, NULL, NULL);
}
