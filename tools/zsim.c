// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/* zsim: the command line of libzsmalloc. */
#include <stdio.h>
#include <string.h>

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
		"Run 'zsim COMMAND --help' for a command's options.  The simulated machine\n"
		"reads ZSIM_MEM, ZSIM_PAGEBLOCK_ORDER, ZSIM_CPUS, ZSIM_SEED, ZSIM_LOGLEVEL,\n"
		"ZSIM_MADVISE, ZSIM_COMPACTION, ZSIM_KCOMPACTD and the ZSIM_FAIL_* fault\n"
		"injection settings when a command does not set them (see zsim.h).\n"
		"\n"
		"Exit status, for every command: 0 success, 1 failure while running,\n"
		"2 usage error; zsim replay also exits 77 when the allocator it was asked\n"
		"for is not available here.\n");
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
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "zsim: unknown command '%s' (demo, classes, replay, trace-gen or map;"
		" see zsim --help)\n", argv[1]);
	return 2;
}
