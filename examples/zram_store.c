// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * A zram-like page store inside a program, without nbdkit: an array of
 * 4 KiB pages kept compressed in a zsmalloc pool, as Linux's zram keeps
 * a block device (zsram, the nbdkit plugin, is the same store served to
 * NBD clients).
 *
 * Each page is in one of four states, zram's:
 *   empty        never written or discarded: reads as zeros, costs nothing;
 *   same-filled  one 8-byte word repeated (zeros, mostly): the word only;
 *   compressed   lz4 output in a zsmalloc object;
 *   huge         lz4 output not smaller than zs_huge_class_size(): such
 *                an object takes a page anyway, so the page is stored
 *                whole and reads need no decompression.
 *
 * Usage: zram_store [FILE]  (default /usr/bin/cmake: any file will do)
 * Build: cc zram_store.c $(pkg-config --cflags --libs zsmalloc liblz4)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lz4.h>
#include <zsmalloc/zsmalloc.h>
#include <zsmalloc/zsim.h>

#define PAGE		4096
#define NR_PAGES	1024	/* a 4 MiB device */

enum { EMPTY, SAME, COMPRESSED, HUGE };

struct slot {
	unsigned long handle;	/* zsmalloc handle, or the fill word if SAME */
	unsigned short len;	/* bytes in the object */
	unsigned char state;
};

struct store {
	struct zs_pool *pool;
	struct slot slot[NR_PAGES];
	struct zs_zram_stat stat;	/* zram's counters, for mm_stat */
};

static void page_discard(struct store *s, unsigned int i)
{
	struct slot *sl = &s->slot[i];

	if (sl->state == EMPTY)
		return;
	if (sl->state == SAME) {
		s->stat.same_pages--;
	} else {
		zs_free(s->pool, sl->handle);
		s->stat.compr_data_size -= sl->len;
		s->stat.huge_pages -= sl->state == HUGE;
	}
	s->stat.orig_data_size -= PAGE;
	memset(sl, 0, sizeof(*sl));
}

/* Store one page; 0, or the -errno of zs_malloc() (the old page stays). */
static int page_write(struct store *s, unsigned int i, const char *page)
{
	const unsigned long *w = (const void *)page;
	char cbuf[LZ4_COMPRESSBOUND(PAGE)];
	const char *src = cbuf;
	unsigned long handle;
	int len, k, state = COMPRESSED;

	for (k = 1; k < PAGE / 8 && w[k] == w[0]; k++)
		;
	if (k == PAGE / 8) {			/* same-filled: keep the word */
		page_discard(s, i);
		s->slot[i] = (struct slot){ .handle = w[0], .state = SAME };
		s->stat.same_pages++;
		s->stat.orig_data_size += PAGE;
		return 0;
	}
	len = LZ4_compress_default(page, cbuf, PAGE, sizeof(cbuf));
	if (len <= 0 || (size_t)len >= zs_huge_class_size(s->pool)) {
		len = PAGE;			/* huge: store it whole */
		src = page;
		state = HUGE;
	}
	/* allocate first, so a failure leaves the old contents in place */
	handle = zs_malloc(s->pool, len, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
	if (zs_is_err_handle(handle))
		return (int)zs_handle_errno(handle);
	zs_obj_write(s->pool, handle, (void *)src, len);
	page_discard(s, i);
	s->slot[i] = (struct slot){ .handle = handle, .len = len, .state = state };
	s->stat.orig_data_size += PAGE;
	s->stat.compr_data_size += len;
	s->stat.huge_pages += state == HUGE;
	s->stat.huge_pages_since += state == HUGE;
	return 0;
}

/* Read one page into @out; 0, or -1 if it does not decompress. */
static int page_read(struct store *s, unsigned int i, char *out)
{
	struct slot *sl = &s->slot[i];
	char copy[PAGE];
	const char *p;
	int k, ret = 0;

	switch (sl->state) {
	case EMPTY:
		memset(out, 0, PAGE);
		return 0;
	case SAME:
		for (k = 0; k < PAGE / 8; k++)
			memcpy(out + 8 * k, &sl->handle, 8);
		return 0;
	}
	/* a pointer into the pool, or into copy if the object spans pages */
	p = zs_obj_read_begin(s->pool, sl->handle, sl->len, copy);
	if (sl->state == HUGE)
		memcpy(out, p, PAGE);
	else if (LZ4_decompress_safe(p, out, sl->len, PAGE) != PAGE)
		ret = -1;
	zs_obj_read_end(s->pool, sl->handle, sl->len, (void *)p);
	return ret;
}

int main(int argc, char **argv)
{
	static struct store s;
	static char data[NR_PAGES][PAGE];
	const char *path = argc > 1 ? argv[1] : "/usr/bin/cmake";
	char back[PAGE];
	unsigned int i, bad = 0;
	FILE *f = fopen(path, "rb");

	if (!f) {
		perror(path);
		return 1;
	}
	/* the file's first 4 MiB; a shorter file leaves zero pages */
	if (fread(data, 1, sizeof(data), f) == 0)
		fprintf(stderr, "%s: empty\n", path);
	fclose(f);

	s.pool = zs_create_pool("zram0");
	if (!s.pool)
		return 1;
	for (i = 0; i < NR_PAGES; i++)
		if (page_write(&s, i, data[i])) {
			fprintf(stderr, "page %u: the pool is out of memory\n", i);
			return 1;
		}
	printf("wrote %s: ", path);
	zs_print_mm_stat(s.pool, &s.stat, stdout);

	/* discard the first half (a filesystem's trim), then compact */
	for (i = 0; i < NR_PAGES / 2; i++)
		page_discard(&s, i);
	zs_compact(s.pool);
	printf("discarded half, compacted: ");
	zs_print_mm_stat(s.pool, &s.stat, stdout);

	for (i = 0; i < NR_PAGES; i++) {
		if (page_read(&s, i, back) ||
		    memcmp(back, i < NR_PAGES / 2 ? (const char *)memset(data[i], 0, PAGE) : data[i],
			   PAGE))
			bad++;
		page_discard(&s, i);
	}
	printf("read back %d pages: %s\n", NR_PAGES, bad ? "MISMATCH" : "all intact");
	zs_destroy_pool(s.pool);
	return bad || zsim_exit() ? 1 : 0;
}
