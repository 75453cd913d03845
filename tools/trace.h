/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
/*
 * Allocation traces: the text format of ARCHITECTURE.md, one operation a
 * line, plain or gzip-compressed:
 *
 *   a ID SIZE    allocate SIZE bytes under the caller's id ID
 *   f ID         free the object allocated under ID
 *   c            compact (zs_compact, or the allocator's own purge)
 *   p NAME       print a stats line labelled NAME
 *   # ...        comment; blank lines are ignored too
 *
 * The parser reads a whole trace into memory and checks it as it goes, so
 * a replay never starts on a trace it cannot finish: a malformed line, a
 * free of an id that is not live, an allocation of a live id or of size 0
 * are all refused with the line number.  Ids are mapped to dense slots.
 */
#ifndef ZSIM_TRACE_H
#define ZSIM_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util.h"

enum trace_kind {
	TRACE_ALLOC,
	TRACE_FREE,
	TRACE_COMPACT,
	TRACE_PHASE,
};

/* Objects larger than this are refused by the parser for every allocator. */
#define TRACE_MAX_SIZE		(1u << 30)
/* Longest line the parser accepts, newline excluded. */
#define TRACE_MAX_LINE		1024u
/* Longest phase name. */
#define TRACE_MAX_NAME		64u

struct trace_op {
	uint32_t kind;		/* enum trace_kind */
	uint32_t line;		/* 1-based line in the trace file */
	uint32_t slot;		/* dense index of the id; TRACE_PHASE: index into names */
	uint32_t size;		/* TRACE_ALLOC only */
};

struct trace {
	struct trace_op *ops;
	size_t nr_ops, cap_ops;
	uint64_t *ids;		/* slot -> the id the trace used */
	size_t nr_slots, cap_slots;
	char **names;		/* phase names, in order of appearance */
	size_t nr_names, cap_names;

	/* what the parse saw */
	uint64_t nr_alloc, nr_free, nr_compact;
	uint64_t peak_live_bytes;	/* most bytes live at once */
	uint64_t peak_live_objects;
	uint32_t max_size;		/* largest allocation ... */
	uint32_t max_size_line;		/* ... and where the first one of it is */
	uint32_t nr_lines;
};

/*
 * Load a trace from @path ("-" is standard input).  gzip input is
 * recognised by its magic bytes, not by the name.  Returns 0, or -1 with
 * "PATH:LINE: reason" in @err.
 */
int trace_load(const char *path, struct trace *t, char *err, size_t errlen);

/* The same, from text in memory; @name is used in messages. */
int trace_parse_mem(const char *name, const char *text, size_t len,
		    struct trace *t, char *err, size_t errlen);

void trace_free(struct trace *t);

/* --- writing ------------------------------------------------------------------ */

struct trace_writer {
	FILE *f;		/* plain output, or NULL */
	void *gz;		/* gzFile for a name ending in .gz, or NULL */
	int close_f;		/* f is ours to close */
	int failed;		/* a write failed; reported at close */
	char path[512];
};

/*
 * Open @path for writing; NULL or "-" writes plain text to stdout, a name
 * ending in ".gz" writes gzip.  The gzip stream carries no name and no
 * time stamp, so equal traces give equal bytes.  Returns 0 or -1 (@err).
 */
int trace_writer_open(struct trace_writer *w, const char *path, char *err, size_t errlen);
void trace_write_alloc(struct trace_writer *w, uint64_t id, uint32_t size);
void trace_write_free(struct trace_writer *w, uint64_t id);
void trace_write_compact(struct trace_writer *w);
void trace_write_phase(struct trace_writer *w, const char *name);
void trace_write_comment(struct trace_writer *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Flush and close; -1 (@err) if anything failed to be written. */
int trace_writer_close(struct trace_writer *w, char *err, size_t errlen);

#endif /* ZSIM_TRACE_H */
