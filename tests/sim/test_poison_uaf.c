// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * A planted use-after-free that the host's tool must report: the slab
 * and page allocators poison what they free (linux/kasan.h), so
 * AddressSanitizer ("use-after-poison") and Valgrind memcheck ("Invalid
 * read"/"Invalid write") see stale pointers into the simulated arena.
 *
 *   test_poison_uaf pool     read a destroyed pool (a kmalloc object)
 *   test_poison_uaf zspage   write to a freed zspage (zspage cache)
 *   test_poison_uaf handle   read a freed handle (handle cache)
 *   test_poison_uaf page     read a freed page (buddy allocator)
 *
 * CTest matches the tool's report; the program itself exits 1 if it
 * gets past the planted access, which only happens when nobody saw it.
 */
#include "../../lib/zsmalloc.c"
#include "../../lib/zs_config.c"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <zsmalloc/zsim.h>

static volatile unsigned long sink;

static void read_word(const void *p)
{
	sink = *(const volatile unsigned long *)p;
}

static void write_byte(void *p)
{
	*(volatile unsigned char *)p = 0x5a;
}

static struct page *handle_page(unsigned long handle)
{
	struct page *page;
	unsigned int idx;

	obj_to_location(handle_to_obj(handle), &page, &idx);
	return page;
}

static void planted(const char *what)
{
	printf("planted: use-after-free of a %s\n", what);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	struct zsim_config cfg;
	struct zs_pool *pool;
	unsigned long h;

	zsim_config_default(&cfg);
	cfg.mem_bytes = 64ULL << 20;
	cfg.pageblock_order = 7;
	cfg.loglevel = 3;
	if (zsim_init(&cfg)) {
		fprintf(stderr, "zsim_init: %s\n", zsim_last_error());
		return 2;
	}
	pool = zs_create_pool("uaf");
	if (!pool)
		return 2;

	if (!strcmp(what, "pool")) {
		zs_destroy_pool(pool);
		planted("pool");
		read_word(&pool->size_class[0]);
	} else if (!strcmp(what, "zspage")) {
		struct zspage *zspage;

		h = zs_malloc(pool, 100, GFP_KERNEL, -1);
		if (IS_ERR_VALUE(h))
			return 2;
		zspage = get_zspage(handle_page(h));
		zs_free(pool, h);	/* its only object: the zspage goes */
		planted("zspage");
		write_byte(zspage);
	} else if (!strcmp(what, "handle")) {
		h = zs_malloc(pool, 100, GFP_KERNEL, -1);
		if (IS_ERR_VALUE(h))
			return 2;
		zs_free(pool, h);
		planted("handle");
		read_word((void *)h);
	} else if (!strcmp(what, "page")) {
		struct page *page = alloc_page(GFP_KERNEL);
		void *addr;

		if (!page)
			return 2;
		addr = page_address(page);
		__free_page(page);
		planted("page");
		read_word((char *)addr + 64);
	} else {
		fprintf(stderr, "usage: %s pool|zspage|handle|page\n", argv[0]);
		return 2;
	}
	printf("the planted access was not reported\n");
	fflush(stdout);
	_exit(1);
}
