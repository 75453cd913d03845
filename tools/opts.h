/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
/*
 * Option tables for the command line: each option is one line of a
 * table (name, value form, help, where the value goes), getopt_long()
 * parses them, and --help is written from the same tables, so an option
 * cannot be parsed and left out of the help or the other way round.
 *
 * A command is a list of tables, each with the struct its offsets point
 * into: its own options, then shared fragments such as the pool options
 * (pool_opts.c).  Every message names the command and the option:
 *
 *   zsim replay: unknown option '--sed'
 *   zsim replay: --seed needs a value: a number (0..2^64-1)
 *   zsim replay: --seed: 'abc' is not a number (0..2^64-1)
 *
 * Exit status convention of every command: 0 success, 1 runtime
 * failure, 2 usage error (OPTS_EXIT_USAGE).
 */
#ifndef ZSIM_OPTS_H
#define ZSIM_OPTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define OPTS_EXIT_OK		0
#define OPTS_EXIT_FAILURE	1
#define OPTS_EXIT_USAGE		2

enum opt_kind {
	OPT_SECTION,	/* no option: a heading in the help (name is the heading) */
	OPT_FLAG,	/* no value: stores .flag into an int */
	OPT_U64,	/* a number in .min...max, into a uint64_t */
	OPT_UINT,	/* a number in .min...max, into an unsigned int */
	OPT_SIZE,	/* a size with an optional K, M or G suffix, into a uint64_t */
	OPT_CHOICE,	/* one of .choices' names; its value into an int */
	OPT_STRING,	/* any text, into a const char * */
};

struct opt_choice {
	const char *name;
	int value;
	int alias;		/* accepted, but not listed in messages */
};

struct opt;
/*
 * Called after the value was stored (or instead, with .offset
 * OPT_NO_STORE); returns 0, or -1 after opts_error().
 */
typedef int (*opt_hook_t)(void *ctx, const struct opt *o, const char *val);

#define OPT_NO_STORE	((size_t)-1)

struct opt {
	enum opt_kind kind;
	const char *name;		/* long name, no "--"; OPT_SECTION: the heading */
	char short_name;		/* -x, or 0 */
	const char *metavar;		/* the value in the help: N, SIZE, FILE ... */
	const char *help;		/* '\n' starts a continuation line */
	size_t offset;			/* of the target in the table's struct */
	uint64_t min, max;		/* OPT_U64, OPT_UINT, OPT_SIZE */
	const struct opt_choice *choices;	/* OPT_CHOICE; ends with a NULL name */
	int flag;			/* OPT_FLAG: the value stored */
	opt_hook_t hook;
};

struct opt_table {
	const struct opt *opts;
	size_t nr;
	void *ctx;			/* the struct .offset points into */
};

struct opt_command {
	const char *prog;		/* "zsim replay", the messages' prefix */
	const char *usage;		/* "[options] TRACE" */
	const char *intro;		/* help before the options, or NULL */
	const char *epilogue;		/* help after them, or NULL */
	const struct opt_table *tables;
	size_t nr_tables;
};

#define OPTS_TABLE(arr, ctx)	{ (arr), sizeof(arr) / sizeof((arr)[0]), (ctx) }
#define OPTS_COMMAND(prog_, usage_, intro_, epilogue_, tables_)			\
	{ .prog = (prog_), .usage = (usage_), .intro = (intro_),		\
	  .epilogue = (epilogue_), .tables = (tables_),				\
	  .nr_tables = sizeof(tables_) / sizeof((tables_)[0]) }

/*
 * Parse @argv (argv[0] is the command's name); the operands are left in
 * argv[*first..argc).  Returns 0; 1 when --help was printed (exit 0);
 * -1 after a message on stderr (exit OPTS_EXIT_USAGE).
 */
int opts_parse(const struct opt_command *cmd, int argc, char **argv, int *first);

/* The help of @cmd, generated from its tables. */
void opts_help(const struct opt_command *cmd, FILE *out);

/*
 * opts_parse() for a main(): parse, and check that at most @max_operands
 * operands follow (-1: any number).  Returns -1 when the command should
 * go on, else the exit status to return (0 after --help, 2 after a usage
 * error, its message printed).
 */
int opts_main(const struct opt_command *cmd, int argc, char **argv, int *first,
	      int max_operands);

/*
 * "PROG: " and the message on stderr, PROG being the command of the last
 * opts_parse() ("zsim" before any); returns -1.
 */
int opts_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "PROG: warning: " and the message on stderr. */
void opts_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Parse "123", "0x10"; "64M"-style sizes.  0, or -1. */
int opts_parse_u64(const char *s, uint64_t *out);
int opts_parse_size(const char *s, uint64_t *out);

/* A size in the largest unit that divides it: "4M", "512K", "3000". */
const char *opts_format_size(uint64_t v, char *buf, size_t len);

#endif /* ZSIM_OPTS_H */
