/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
/* Shared pieces of the zsim command line. */
#ifndef ZSIM_CLI_H
#define ZSIM_CLI_H

#include <stdint.h>
#include <stdio.h>
#include <zsmalloc/zsmalloc.h>
#include <zsmalloc/zsim.h>

#ifndef ZSIM_VERSION
#define ZSIM_VERSION "unknown"
#endif

/* Pool options common to several subcommands (classes, replay). */
struct pool_opts {
	struct zs_pool_config cfg;
	const char *preset_name;
};

void pool_opts_init(struct pool_opts *po);
/*
 * Try to consume argv[*i] (and its value) as a pool option.  Returns 1 if
 * consumed, 0 if not a pool option, -1 on a bad value (message printed).
 */
int pool_opts_parse(struct pool_opts *po, int argc, char **argv, int *i);
/* Check the result; -1 with a message when impossible. */
int pool_opts_finish(struct pool_opts *po);
void pool_opts_help(FILE *out);
const char *pool_opts_describe(const struct pool_opts *po, char *buf, size_t len);

/* Parse "64M"-style sizes; -1 on error. */
int parse_size(const char *s, uint64_t *out);
int parse_u64_arg(const char *s, uint64_t *out);

int cmd_demo(int argc, char **argv);
int cmd_classes(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_trace_gen(int argc, char **argv);

#endif
