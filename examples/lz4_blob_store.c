// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * A compressed blob store on libzsmalloc, the way zram uses zsmalloc:
 *
 *   1. compress each blob with lz4;
 *   2. zs_malloc() a slot of the compressed size and zs_obj_write() into it;
 *   3. to read, zs_obj_read_begin() the slot and decompress from it;
 *   4. zs_free() the slot when the blob is dropped.
 *
 * The store keeps handles, never pointers: zsmalloc may move the bytes
 * (zs_compact() below does) and only the handle stays valid.
 *
 * Build: cc lz4_blob_store.c $(pkg-config --cflags --libs zsmalloc liblz4)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lz4.h>
#include <zsmalloc/zsmalloc.h>
#include <zsmalloc/zsim.h>

#define NR_BLOBS	2000
#define BLOB_SIZE	4096

struct blob_ref {
	unsigned long handle;	/* where the compressed bytes live */
	int clen;		/* their length */
};

/* Make a blob that compresses like text: words from a small vocabulary. */
static void make_blob(char *blob, unsigned int seed)
{
	static const char *const words[] = { "zspage ", "handle ", "class ",
		"compact ", "migrate ", "pfn ", "buddy ", "slab ", "\n" };
	size_t n = 0;

	while (n < BLOB_SIZE) {
		const char *w;
		size_t len;

		seed = seed * 1103515245u + 12345u;
		w = words[(seed >> 16) % 9];
		len = strlen(w);
		if (len > BLOB_SIZE - n)
			len = BLOB_SIZE - n;
		memcpy(blob + n, w, len);
		n += len;
	}
}

static int store(struct zs_pool *pool, const char *blob, struct blob_ref *ref)
{
	char cbuf[LZ4_COMPRESSBOUND(BLOB_SIZE)];
	int clen = LZ4_compress_default(blob, cbuf, BLOB_SIZE, sizeof(cbuf));

	if (clen <= 0)
		return -1;
	ref->handle = zs_malloc(pool, clen, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
	if (zs_is_err_handle(ref->handle)) {
		fprintf(stderr, "zs_malloc(%d): error %ld\n", clen,
			zs_handle_errno(ref->handle));
		return -1;
	}
	zs_obj_write(pool, ref->handle, cbuf, clen);
	ref->clen = clen;
	return 0;
}

static int load(struct zs_pool *pool, const struct blob_ref *ref, char *out)
{
	char copy[LZ4_COMPRESSBOUND(BLOB_SIZE)];
	/* points into the pool, or at copy when the slot spans two pages */
	const char *src = zs_obj_read_begin(pool, ref->handle, ref->clen, copy);
	int n = LZ4_decompress_safe(src, out, ref->clen, BLOB_SIZE);

	zs_obj_read_end(pool, ref->handle, ref->clen, (void *)src);
	return n == BLOB_SIZE ? 0 : -1;
}

int main(void)
{
	static struct blob_ref refs[NR_BLOBS];
	char blob[BLOB_SIZE], back[BLOB_SIZE];
	unsigned long compressed = 0;
	struct zs_pool *pool;
	int i, bad = 0;

	/* No zsim_init(): the first pool boots a default simulated machine. */
	pool = zs_create_pool("blobs");
	if (!pool)
		return 1;

	for (i = 0; i < NR_BLOBS; i++) {
		make_blob(blob, i);
		if (store(pool, blob, &refs[i]))
			return 1;
		compressed += refs[i].clen;
	}
	printf("stored %d blobs of %d bytes as %lu compressed bytes in %lu pages\n",
	       NR_BLOBS, BLOB_SIZE, compressed, zs_get_total_pages(pool));

	/* Drop every other blob, then let zsmalloc pack the rest tighter. */
	for (i = 0; i < NR_BLOBS; i += 2) {
		zs_free(pool, refs[i].handle);
		refs[i].handle = 0;
	}
	printf("after dropping half: %lu pages; zs_compact() freed %lu more\n",
	       zs_get_total_pages(pool), zs_compact(pool));

	/* The handles still find the moved blobs. */
	for (i = 1; i < NR_BLOBS; i += 2) {
		make_blob(blob, i);
		if (load(pool, &refs[i], back) || memcmp(blob, back, BLOB_SIZE))
			bad++;
		zs_free(pool, refs[i].handle);
	}
	printf("read back %d blobs: %s\n", NR_BLOBS / 2, bad ? "MISMATCH" : "all intact");

	zs_destroy_pool(pool);
	/* Shut the simulated machine down; it reports anything leaked. */
	return bad || zsim_exit() ? 1 : 0;
}
