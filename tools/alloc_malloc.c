// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Running a program on glibc, jemalloc or mimalloc: re-execution with
 * LD_PRELOAD, and the libraries' extra calls through dlsym().
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <gnu/libc-version.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc_malloc.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZER_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANITIZER_BUILD 1
#endif
#endif
#ifndef SANITIZER_BUILD
#define SANITIZER_BUILD 0
#endif

#ifndef ZSIM_MULTIARCH
#define ZSIM_MULTIARCH ""
#endif

/* Set in the re-executed process, so it does not loop. */
#define PRELOADED_ENV	"ZSIM_PRELOADED"

static const char *const kind_names[NR_ALLOC_KINDS] = {
	[ALLOC_ZSMALLOC] = "zsmalloc",
	[ALLOC_GLIBC] = "glibc",
	[ALLOC_JEMALLOC] = "jemalloc",
	[ALLOC_MIMALLOC] = "mimalloc",
};

const struct opt_choice alloc_kind_choices[] = {
	{ "zsmalloc", ALLOC_ZSMALLOC, 0 },
	{ "glibc", ALLOC_GLIBC, 0 },
	{ "jemalloc", ALLOC_JEMALLOC, 0 },
	{ "mimalloc", ALLOC_MIMALLOC, 0 },
	{ "malloc", ALLOC_GLIBC, 1 },
	{ "ptmalloc", ALLOC_GLIBC, 1 },
	{ NULL, 0, 0 },
};

const char *alloc_kind_name(enum alloc_kind kind)
{
	return kind < NR_ALLOC_KINDS ? kind_names[kind] : "?";
}

typedef int (*mallctl_fn)(const char *, void *, size_t *, void *, size_t);
typedef void (*mi_collect_fn)(bool);
typedef int (*mi_version_fn)(void);

static mallctl_fn je_mallctl(void)
{
	return (mallctl_fn)dlsym(RTLD_DEFAULT, "mallctl");
}

static mi_collect_fn mi_collect_sym(void)
{
	return (mi_collect_fn)dlsym(RTLD_DEFAULT, "mi_collect");
}

static const char *library_env(enum alloc_kind kind)
{
	return kind == ALLOC_JEMALLOC ? "ZSIM_JEMALLOC_SO" : "ZSIM_MIMALLOC_SO";
}

const char *alloc_malloc_library(enum alloc_kind kind)
{
	static char found[NR_ALLOC_KINDS][512];
	static const char *const je[] = { "libjemalloc.so.2", "libjemalloc.so", NULL };
	static const char *const mi[] = { "libmimalloc.so.2", "libmimalloc.so", NULL };
	const char *dirs[] = {
		"/usr/lib/" ZSIM_MULTIARCH, "/lib/" ZSIM_MULTIARCH, "/usr/lib64",
		"/usr/lib", "/usr/local/lib", NULL,
	};
	const char *const *names;
	const char *env;

	if (kind != ALLOC_JEMALLOC && kind != ALLOC_MIMALLOC)
		return "";
	if (found[kind][0])
		return found[kind];
	env = getenv(library_env(kind));
	if (env && *env) {
		snprintf(found[kind], sizeof(found[kind]), "%s", env);
		return found[kind];
	}
	names = kind == ALLOC_JEMALLOC ? je : mi;
	/* the Debian paths first; a bare soname lets ld.so search its own path */
	for (int d = 0; dirs[d]; d++) {
		for (int n = 0; names[n]; n++) {
			char path[512];

			snprintf(path, sizeof(path), "%s/%s", dirs[d], names[n]);
			if (!access(path, R_OK)) {
				snprintf(found[kind], sizeof(found[kind]), "%s", path);
				return found[kind];
			}
		}
	}
	snprintf(found[kind], sizeof(found[kind]), "%s", names[0]);
	return found[kind];
}

static int loaded(enum alloc_kind kind)
{
	if (kind == ALLOC_JEMALLOC)
		return je_mallctl() != NULL;
	if (kind == ALLOC_MIMALLOC)
		return mi_collect_sym() != NULL;
	return 0;
}

int alloc_malloc_ensure(enum alloc_kind kind, char **argv, const char *who)
{
	const char *env = getenv(PRELOADED_ENV);
	const char *lib, *old;
	char *preload;
	size_t len;

	if (kind == ALLOC_GLIBC) {
		if (je_mallctl() || mi_collect_sym()) {
			fprintf(stderr, "%s: glibc was asked for, but another malloc is loaded"
				" (LD_PRELOAD?)\n", who);
			return 1;
		}
		return 0;
	}
	if (kind != ALLOC_JEMALLOC && kind != ALLOC_MIMALLOC)
		return 0;
	if (SANITIZER_BUILD) {
		fprintf(stderr, "%s: %s is not available in a sanitizer build (the sanitizer"
			" runtime owns malloc)\n", who, kind_names[kind]);
		return ALLOC_EXIT_UNAVAILABLE;
	}
	if (loaded(kind))
		return 0;
	lib = alloc_malloc_library(kind);
	if (env && !strcmp(env, kind_names[kind])) {
		/* we were re-executed, and the library still is not there */
		fprintf(stderr, "%s: %s is not available: %s could not be preloaded"
			" (apt-get install %s, or set %s)\n", who, kind_names[kind], lib,
			kind == ALLOC_JEMALLOC ? "libjemalloc2" : "libmimalloc2.0",
			library_env(kind));
		return ALLOC_EXIT_UNAVAILABLE;
	}
	if (strchr(lib, '/') && access(lib, R_OK)) {
		fprintf(stderr, "%s: %s is not available: %s: %s\n", who, kind_names[kind],
			lib, strerror(errno));
		return ALLOC_EXIT_UNAVAILABLE;
	}
	old = getenv("LD_PRELOAD");
	len = strlen(lib) + (old ? strlen(old) + 1 : 0) + 1;
	preload = malloc(len);
	if (!preload)
		return 1;
	snprintf(preload, len, "%s%s%s", lib, old && *old ? ":" : "", old ? old : "");
	setenv("LD_PRELOAD", preload, 1);
	setenv(PRELOADED_ENV, kind_names[kind], 1);
	free(preload);
	fflush(NULL);
	execv("/proc/self/exe", argv);
	fprintf(stderr, "%s: cannot re-execute itself with %s preloaded: %s\n", who,
		kind_names[kind], strerror(errno));
	return 1;
}

void alloc_malloc_purge(enum alloc_kind kind)
{
	switch (kind) {
	case ALLOC_GLIBC:
		malloc_trim(0);
		break;
	case ALLOC_JEMALLOC: {
		mallctl_fn ctl = je_mallctl();

		if (ctl) {
			/* cached objects first, or the purge cannot see them */
			ctl("thread.tcache.flush", NULL, NULL, NULL, 0);
			/* MALLCTL_ARENAS_ALL is 4096 in jemalloc 5 */
			ctl("arena.4096.purge", NULL, NULL, NULL, 0);
		}
		break;
	}
	case ALLOC_MIMALLOC: {
		mi_collect_fn collect = mi_collect_sym();

		if (collect)
			collect(true);
		break;
	}
	default:
		break;
	}
}

int64_t alloc_malloc_metadata(enum alloc_kind kind)
{
	mallctl_fn ctl;
	uint64_t epoch = 1;
	size_t meta = 0, sz = sizeof(epoch);

	if (kind != ALLOC_JEMALLOC || !(ctl = je_mallctl()))
		return -1;
	/* statistics are a snapshot refreshed by writing "epoch" */
	if (ctl("epoch", &epoch, &sz, &epoch, sizeof(epoch)))
		return -1;
	sz = sizeof(meta);
	if (ctl("stats.metadata", &meta, &sz, NULL, 0))
		return -1;
	return (int64_t)meta;
}

const char *alloc_malloc_version(enum alloc_kind kind, char *buf, size_t len)
{
	snprintf(buf, len, "unknown");
	switch (kind) {
	case ALLOC_GLIBC:
		snprintf(buf, len, "%s", gnu_get_libc_version());
		break;
	case ALLOC_JEMALLOC: {
		mallctl_fn ctl = je_mallctl();
		const char *v = NULL;
		size_t sz = sizeof(v);

		if (ctl && !ctl("version", &v, &sz, NULL, 0) && v)
			snprintf(buf, len, "%s", v);
		break;
	}
	case ALLOC_MIMALLOC: {
		mi_version_fn ver = (mi_version_fn)dlsym(RTLD_DEFAULT, "mi_version");

		if (ver) {
			int v = ver();

			snprintf(buf, len, "%d.%d.%d", v / 100, (v / 10) % 10, v % 10);
		}
		break;
	}
	default:
		break;
	}
	return buf;
}
