// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/* zsim: the command line of libzsmalloc. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "zsim_cli.h"

struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct subcommand subcommands[] = {
	{ "demo", cmd_demo, "a guided run: buddy fragmentation, then zsmalloc fill/free/compact" },
	{ "classes", cmd_classes, "print the size class table of a pool configuration" },
	{ "replay", cmd_replay, "replay an allocation trace on zsmalloc, glibc, jemalloc or mimalloc" },
	{ "trace-gen", cmd_trace_gen, "write a trace from real files or a synthetic size mix" },
	{ "map", cmd_map, "draw the page frame array (SVG, PNG): free, zspage, slab, reserved pages" },
};

/*
 * --impl ours|linux|linux-X.Y: which zsmalloc the command runs on.  This
 * binary is linked with one of them (ZSIM_IMPL names it: "linux" is the
 * first kernel variant, libzsmalloc-linux, "linux-6.1" another; none is
 * this project's libzsmalloc, "ours"); for another it runs its sibling in
 * the same directory, zsim or zsim-IMPL, with the same arguments less
 * --impl.
 */
#ifdef ZSIM_IMPL
static const char impl_self[] = ZSIM_IMPL;
#else
static const char impl_self[] = "ours";
#endif

/* -1 to go on here, or the exit status (the sibling's, or an error). */
static int impl_dispatch(int *argcp, char **argv)
{
	const char *want = NULL;
	char self[PATH_MAX], path[PATH_MAX + 64];
	int argc = *argcp, i, j;
	ssize_t n;
	char *slash;

	for (i = 2; i < argc && strcmp(argv[i], "--"); i++) {
		int take = 0;

		if (!strcmp(argv[i], "--impl")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "zsim: --impl needs a value: ours, linux or linux-X.Y\n");
				return 2;
			}
			want = argv[i + 1];
			take = 2;
		} else if (!strncmp(argv[i], "--impl=", 7)) {
			want = argv[i] + 7;
			take = 1;
		}
		if (take) {
			for (j = i; j + take <= argc; j++)
				argv[j] = argv[j + take];
			argc -= take;
			i--;
		}
	}
	*argcp = argc;
	if (!want || !strcmp(want, impl_self))
		return -1;
	if (strcmp(want, "ours") && strcmp(want, "linux") &&
	    (strncmp(want, "linux-", 6) || strspn(want + 6, "0123456789.") != strlen(want + 6) ||
	     !want[6])) {
		fprintf(stderr, "zsim: --impl '%s': expected ours (this project's lib/zsmalloc.c),"
			" linux or linux-X.Y (the kernel's mm/zsmalloc.c)\n", want);
		return 2;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		fprintf(stderr, "zsim: --impl %s: cannot find this program (/proc/self/exe: %s)\n",
			want, strerror(errno));
		return 1;
	}
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (slash)
		slash[1] = '\0';
	snprintf(path, sizeof(path), "%s%s%s", slash ? self : "",
		 strcmp(want, "ours") ? "zsim-" : "zsim", strcmp(want, "ours") ? want : "");
	argv[0] = path;
	execv(path, argv);
	if (errno == ENOENT && strcmp(want, "ours"))
		fprintf(stderr, "zsim: --impl %s: %s is not there: this build has no such kernel"
			" variant (configure with -DZSMALLOC_LINUX_SRC=/usr/src/linux-source-6.12.tar.xz,"
			" from Debian's linux-source-6.12)\n", want, path);
	else
		fprintf(stderr, "zsim: --impl %s: cannot run %s: %s\n", want, path, strerror(errno));
	return 77;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: zsim [--help] [--version] COMMAND [ARGS]\n"
		"\n"
		"libzsmalloc's command line: Linux's zsmalloc over a simulated kernel\n"
		"memory model (page frames, buddy allocator, slab, migration).\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(out, "  %-10s %s\n", subcommands[i].name, subcommands[i].summary);
	fprintf(out,
		"\n"
		"--impl ours|linux|linux-X.Y, after COMMAND: run it on this project's zsmalloc\n"
		"(ours) or on the kernel's own mm/zsmalloc.c (zsim-linux, zsim-linux-6.1:\n"
		"libzsmalloc-linux*, built with -DZSMALLOC_LINUX_SRC); this zsim runs %s.\n"
		"\n"
		"Run 'zsim COMMAND --help' for a command's options.  The simulated machine\n"
		"reads ZSIM_MEM, ZSIM_MEM_INITIAL, ZSIM_PAGEBLOCK_ORDER, ZSIM_CPUS, ZSIM_SEED,\n"
		"ZSIM_LOGLEVEL, ZSIM_MADVISE, ZSIM_COMPACTION, ZSIM_KCOMPACTD, fault\n"
		"injection (ZSIM_FAULT, ZSIM_FAIL_*), tracepoints (ZSIM_TRACE,\n"
		"ZSIM_TRACE_BUF_KB) and the deterministic scheduler (ZSIM_SCHED,\n"
		"ZSIM_SCHED_DEPTH, ZSIM_SCHED_STEPS) when a command does not set them\n"
		"(see zsim(1) and zsim.h).  The library reads ZSIM_MEMBARRIER (on or off)\n"
		"once per process: off makes every object read and write pin its handle.\n"
		"\n"
		"Exit status, for every command: 0 success, 1 failure while running,\n"
		"2 usage error; zsim replay also exits 77 when the allocator it was asked\n"
		"for is not available here.\n", impl_self);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("zsim %s\n", ZSIM_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++) {
		if (!strcmp(argv[1], subcommands[i].name)) {
			int ret = impl_dispatch(&argc, argv);

			if (ret >= 0)
				return ret;
			return subcommands[i].run(argc - 1, argv + 1);
		}
	}
	fprintf(stderr, "zsim: unknown command '%s' (demo, classes, replay, trace-gen or map;"
		" see zsim --help)\n", argv[1]);
	return 2;
}
