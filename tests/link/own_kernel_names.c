// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * A program with its own alloc_pages(), lock_page(), kmalloc() and
 * mem_map must link against libzsmalloc and keep its own: the library's
 * kernel names are not visible outside it.
 */
#include <stdio.h>
#include <string.h>
#include <zsmalloc/zsmalloc.h>
#include <zsmalloc/zsim.h>

int mem_map = 7;

int alloc_pages(int n);
int lock_page(int n);
void *kmalloc(int n);

int alloc_pages(int n)
{
	return n * 2;
}

int lock_page(int n)
{
	return n + 1;
}

void *kmalloc(int n)
{
	(void)n;
	return &mem_map;
}

int main(void)
{
	struct zs_pool *pool = zs_create_pool("linked");
	char buf[64], copy[64];
	unsigned long h;
	void *p;
	int ok;

	if (!pool)
		return 1;
	h = zs_malloc(pool, sizeof(buf), ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
	memset(buf, 'z', sizeof(buf));
	zs_obj_write(pool, h, buf, sizeof(buf));
	p = zs_obj_read_begin(pool, h, sizeof(buf), copy);
	ok = !memcmp(p, buf, sizeof(buf));
	zs_obj_read_end(pool, h, sizeof(buf), p);
	zs_free(pool, h);
	zs_destroy_pool(pool);
	ok = ok && alloc_pages(2) == 4 && lock_page(1) == 2 &&
	     kmalloc(1) == &mem_map && mem_map == 7 && zsim_exit() == 0;
	printf("own kernel names kept, library works: %s\n", ok ? "yes" : "NO");
	return ok ? 0 : 1;
}
