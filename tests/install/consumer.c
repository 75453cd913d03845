// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/* Builds against an installed libzsmalloc and stores one object. */
#include <stdio.h>
#include <string.h>
#include <zsmalloc/zsmalloc.h>
#include <zsmalloc/zsim.h>

int main(void)
{
	struct zs_pool *pool = zs_create_pool("consumer");
	const char msg[] = "hello from an installed libzsmalloc";
	char copy[sizeof(msg)];
	unsigned long h;
	char *p;
	int ok;

	if (!pool)
		return 1;
	h = zs_malloc(pool, sizeof(msg), ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
	if (zs_is_err_handle(h))
		return 1;
	zs_obj_write(pool, h, (void *)msg, sizeof(msg));
	p = zs_obj_read_begin(pool, h, sizeof(msg), copy);
	ok = !strcmp(p, msg);
	zs_obj_read_end(pool, h, sizeof(msg), p);
	zs_free(pool, h);
	zs_destroy_pool(pool);
	printf("%s\n", ok ? msg : "mismatch");
	return ok && zsim_exit() == 0 ? 0 : 1;
}
