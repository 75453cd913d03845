// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * A compressed blob store on libzsmalloc, the way zram uses zsmalloc:
 *
 *   1. compress each blob with lz4;
 *   2. if the result is not smaller than zs_huge_class_size(), keep the
 *      blob as it is: such an object gets a page of its own anyway, and
 *      lz4 may even make it longer than the page (an incompressible 4 KiB
 *      page comes out as 4112 bytes, which zs_malloc() refuses with
 *      -ENOSPC, as it takes at most ZS_MAX_ALLOC_SIZE);
 *   3. zs_malloc() a slot of the stored size and zs_obj_write() into it;
 *   4. to read, zs_obj_read_begin() the slot and decompress from it (or
 *      copy, for a blob kept whole);
 *   5. zs_free() the slot when the blob is dropped.
 *
 * The store keeps handles, never pointers: zsmalloc may move the bytes
 * (zs_compact() below does) and only the handle stays valid.
 *
 * The blobs are real data: the files named on the command line (a
 * directory stands for the regular files in it; default /usr/bin), cut
 * into 4 KiB pages as a swap device or zram would see them.
 *
 * Build: cc lz4_blob_store.c $(pkg-config --cflags --libs zsmalloc liblz4)
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <lz4.h>
#include <zsmalloc/zsmalloc.h>
#include <zsmalloc/zsim.h>

#define MAX_BLOBS	2000
#define BLOB_SIZE	4096

struct blob_ref {
	unsigned long handle;	/* where the stored bytes live */
	int len;		/* their length; BLOB_SIZE: kept uncompressed */
	unsigned int sum;	/* a checksum of the original, to check reads */
};

static struct blob_ref refs[MAX_BLOBS];
static int nr_blobs;
static unsigned long stored_bytes, huge_blobs;

static unsigned int checksum(const char *p, size_t n)
{
	unsigned int h = 2166136261u;	/* FNV-1a */

	while (n--)
		h = (h ^ (unsigned char)*p++) * 16777619u;
	return h;
}

static int store(struct zs_pool *pool, const char *blob, struct blob_ref *ref)
{
	char cbuf[LZ4_COMPRESSBOUND(BLOB_SIZE)];
	const char *src = cbuf;
	int len = LZ4_compress_default(blob, cbuf, BLOB_SIZE, sizeof(cbuf));

	if (len <= 0)
		return -1;
	/* the huge-object rule: no gain from compression, store it whole */
	if ((size_t)len >= zs_huge_class_size(pool)) {
		len = BLOB_SIZE;
		src = blob;
		huge_blobs++;
	}
	ref->handle = zs_malloc(pool, len, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
	if (zs_is_err_handle(ref->handle)) {
		fprintf(stderr, "zs_malloc(%d): error %ld\n", len,
			zs_handle_errno(ref->handle));
		return -1;
	}
	zs_obj_write(pool, ref->handle, (void *)src, len);
	ref->len = len;
	ref->sum = checksum(blob, BLOB_SIZE);
	stored_bytes += len;
	return 0;
}

static int load(struct zs_pool *pool, const struct blob_ref *ref, char *out)
{
	char copy[BLOB_SIZE];
	/* points into the pool, or at copy when the slot spans two pages */
	const char *src = zs_obj_read_begin(pool, ref->handle, ref->len, copy);
	int n = BLOB_SIZE;

	if (ref->len == BLOB_SIZE)
		memcpy(out, src, BLOB_SIZE);
	else
		n = LZ4_decompress_safe(src, out, ref->len, BLOB_SIZE);
	zs_obj_read_end(pool, ref->handle, ref->len, (void *)src);
	return n == BLOB_SIZE && checksum(out, BLOB_SIZE) == ref->sum ? 0 : -1;
}

/* Store every whole page of @path; 0, or -1 if the pool refused one. */
static int store_file(struct zs_pool *pool, const char *path)
{
	char blob[BLOB_SIZE];
	FILE *f = fopen(path, "rb");
	int ret = 0;

	if (!f)
		return 0;	/* unreadable: skip it */
	while (nr_blobs < MAX_BLOBS && fread(blob, 1, BLOB_SIZE, f) == BLOB_SIZE) {
		if (store(pool, blob, &refs[nr_blobs])) {
			ret = -1;
			break;
		}
		nr_blobs++;
	}
	fclose(f);
	return ret;
}

/* A file, or the regular files of a directory (not below it). */
static int store_path(struct zs_pool *pool, const char *path)
{
	struct stat stbuf;
	struct dirent *de;
	char name[4096];
	DIR *d;
	int ret = 0;

	if (stat(path, &stbuf))
		return 0;
	if (!S_ISDIR(stbuf.st_mode))
		return S_ISREG(stbuf.st_mode) ? store_file(pool, path) : 0;
	d = opendir(path);
	if (!d)
		return 0;
	while (!ret && nr_blobs < MAX_BLOBS && (de = readdir(d))) {
		snprintf(name, sizeof(name), "%s/%s", path, de->d_name);
		if (!stat(name, &stbuf) && S_ISREG(stbuf.st_mode))
			ret = store_file(pool, name);
	}
	closedir(d);
	return ret;
}

int main(int argc, char **argv)
{
	char back[BLOB_SIZE];
	unsigned long pages_before, freed;
	struct zs_zram_stat zram = { 0 };
	struct zs_pool *pool;
	int i, bad = 0;

	/* No zsim_init(): the first pool boots a default simulated machine. */
	pool = zs_create_pool("blobs");
	if (!pool)
		return 1;

	if (argc < 2) {
		if (store_path(pool, "/usr/bin"))
			return 1;
	}
	for (i = 1; i < argc; i++)
		if (store_path(pool, argv[i]))
			return 1;
	printf("stored %d pages of real files (%d bytes) as %lu bytes "
	       "(%lu kept whole, at least %zu bytes compressed) in %lu pages\n",
	       nr_blobs, nr_blobs * BLOB_SIZE, stored_bytes, huge_blobs,
	       zs_huge_class_size(pool), zs_get_total_pages(pool));

	/* Drop every other blob, then let zsmalloc pack the rest tighter. */
	for (i = 0; i < nr_blobs; i += 2) {
		zs_free(pool, refs[i].handle);
		refs[i].handle = 0;
	}
	/*
	 * Two statements, not one printf(): C leaves the order in which a
	 * call's arguments are evaluated unspecified, so
	 * printf(..., zs_get_total_pages(pool), zs_compact(pool)) may well
	 * count the pages after compacting.
	 */
	pages_before = zs_get_total_pages(pool);
	freed = zs_compact(pool);
	printf("after dropping half: %lu pages; zs_compact() freed %lu of them, %lu left\n",
	       pages_before, freed, zs_get_total_pages(pool));

	/*
	 * The debugfs classes table and zram's mm_stat line for the pool;
	 * the pool knows its pages, the store the sizes of what it holds.
	 */
	zs_print_classes(pool, stdout);
	for (i = 1; i < nr_blobs; i += 2) {
		zram.orig_data_size += BLOB_SIZE;
		zram.compr_data_size += refs[i].len;
		zram.huge_pages += refs[i].len == BLOB_SIZE;
	}
	printf("mm_stat: ");
	zs_print_mm_stat(pool, &zram, stdout);

	/* The handles still find the moved blobs. */
	for (i = 1; i < nr_blobs; i += 2) {
		if (load(pool, &refs[i], back))
			bad++;
		zs_free(pool, refs[i].handle);
	}
	printf("read back %d blobs: %s\n", nr_blobs / 2, bad ? "MISMATCH" : "all intact");

	zs_destroy_pool(pool);
	/* Shut the simulated machine down; it reports anything leaked. */
	return bad || !nr_blobs || zsim_exit() ? 1 : 0;
}
