/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
/* Shared pieces of the zsim command line. */
#ifndef ZSIM_CLI_H
#define ZSIM_CLI_H

#include <stdint.h>
#include <stdio.h>
#include <zsmalloc/zsmalloc.h>
#include <zsmalloc/zsim.h>

#include "opts.h"
#include "util.h"

#ifndef ZSIM_VERSION
#define ZSIM_VERSION "unknown"
#endif
/*
 * The pool options' default preset: the newest, or for a kernel variant
 * older than 6.4 (four fullness groups) the 4.8 preset, whose policies its
 * file has compiled in.
 */
#ifndef ZSIM_DEFAULT_PRESET
#define ZSIM_DEFAULT_PRESET	ZS_PRESET_NEWEST
#endif

/* The zsmalloc this zsim runs, in its output ("zsmalloc": this project's). */
#ifdef ZSIM_LINUX_VERSION
#define ZSIM_ZSMALLOC_NAME "zsmalloc (Linux " ZSIM_LINUX_VERSION " mm/zsmalloc.c)"
#else
#define ZSIM_ZSMALLOC_NAME "zsmalloc"
#endif

/* Pool options common to the subcommands that build a pool. */
struct pool_opts {
	struct zs_pool_config cfg;
	int preset;			/* enum zs_preset */
	const char *preset_name;
};

/* The "Pool options" table; put POOL_OPTS_TABLE(&po) in a command's tables. */
extern const struct opt pool_opts_table[];
extern const size_t pool_opts_table_len;
#define POOL_OPTS_TABLE(po)	{ pool_opts_table, pool_opts_table_len, (po) }

void pool_opts_init(struct pool_opts *po);
/* Check the result after parsing; -1 with a message when impossible. */
int pool_opts_finish(struct pool_opts *po);
const char *pool_opts_describe(const struct pool_opts *po, char *buf, size_t len);

/*
 * Machine options (--mem, --pageblock-order), for the subcommands that
 * boot a machine: MACHINE_OPTS_TABLE(&mo).  0 means "not given".
 */
struct machine_opts {
	uint64_t mem;
	unsigned int pageblock_order;
};

extern const struct opt machine_opts_table[];
extern const size_t machine_opts_table_len;
#define MACHINE_OPTS_TABLE(mo)	{ machine_opts_table, machine_opts_table_len, (mo) }

/*
 * Check --mem against the machine's rules for the pageblock order it
 * will have (at least 4 pageblocks and 4 MiB, a whole number of
 * pageblocks); 0, or -1 with a message naming --mem.
 */
int machine_opts_finish(const struct machine_opts *mo);

int cmd_demo(int argc, char **argv);
int cmd_classes(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_trace_gen(int argc, char **argv);
int cmd_map(int argc, char **argv);

#endif
