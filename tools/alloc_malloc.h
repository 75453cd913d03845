/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
/*
 * The general-purpose allocators zsmalloc is measured against: glibc's
 * malloc, jemalloc and mimalloc.
 *
 * jemalloc and mimalloc replace malloc for the whole process, so each runs
 * in a process of its own: the program re-executes itself (/proc/self/exe,
 * same arguments) with the Debian library in LD_PRELOAD, and reaches the
 * library's own calls (mallctl, mi_collect) with dlsym(RTLD_DEFAULT), so
 * nothing here links against them.  glibc runs in a process with neither.
 */
#ifndef ZSIM_ALLOC_MALLOC_H
#define ZSIM_ALLOC_MALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opts.h"
#include "util.h"

enum alloc_kind {
	ALLOC_ZSMALLOC,
	ALLOC_GLIBC,
	ALLOC_JEMALLOC,
	ALLOC_MIMALLOC,
	NR_ALLOC_KINDS,
};

/* Exit status of a run whose allocator is not available here (automake's "skip"). */
#define ALLOC_EXIT_UNAVAILABLE	77

/* The names (and the aliases malloc and ptmalloc), for an OPT_CHOICE option. */
extern const struct opt_choice alloc_kind_choices[];
const char *alloc_kind_name(enum alloc_kind kind);

/*
 * Make sure this process runs on @kind's malloc.  For jemalloc and
 * mimalloc, the first call re-executes the program with the library
 * preloaded (it does not return then); in the new process it checks the
 * library really is there.  For glibc it checks that nothing replaced
 * malloc.  Returns 0 when ready; otherwise prints why on stderr and
 * returns ALLOC_EXIT_UNAVAILABLE (library missing, or a sanitizer build,
 * whose runtime must own malloc) or 1.
 */
int alloc_malloc_ensure(enum alloc_kind kind, char **argv, const char *who);

/* Path or soname of the library preloaded for @kind, as found. */
const char *alloc_malloc_library(enum alloc_kind kind);

/*
 * Give free memory back to the system: malloc_trim(0); jemalloc's
 * thread.tcache.flush then arena.<MALLCTL_ARENAS_ALL>.purge;
 * mi_collect(true).
 */
void alloc_malloc_purge(enum alloc_kind kind);

/*
 * Bytes the allocator spends on its own bookkeeping, where it can say:
 * jemalloc's stats.metadata (after an epoch refresh).  -1 for glibc and
 * mimalloc, which have no such counter (see docs/BENCHMARKS.md).
 */
int64_t alloc_malloc_metadata(enum alloc_kind kind);

/* "5.3.0-0-g54eaed1d...", "2.0.9", "2.36"; into @buf. */
const char *alloc_malloc_version(enum alloc_kind kind, char *buf, size_t len);

#endif /* ZSIM_ALLOC_MALLOC_H */
