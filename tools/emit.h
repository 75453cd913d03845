/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
/*
 * One description of a record, printed as key=value or as JSON: a
 * record is an array of fields, each a key, a type and a value, and
 * emit_record() writes it in either form, one record a line.
 *
 *   key=value:  phase=fill line=12 density=0.8123 metadata_bytes=n/a
 *   JSON:       {"phase":"fill","line":12,"density":0.8123,"metadata_bytes":null}
 */
#ifndef ZSIM_EMIT_H
#define ZSIM_EMIT_H

#include <stdint.h>
#include <stdio.h>

enum emit_format {
	EMIT_KEY_VALUE,
	EMIT_JSON,
};

enum emit_type {
	EMIT_T_STR,
	EMIT_T_U64,
	EMIT_T_I64,
	EMIT_T_DBL,
	EMIT_T_NULL,	/* no value: "n/a", or JSON null */
};

struct emit_field {
	const char *key;
	enum emit_type type;
	int prec;	/* EMIT_T_DBL: digits after the point */
	union {
		const char *s;
		uint64_t u;
		int64_t i;
		double d;
	} v;
};

#define EMIT_STR(k, x)		((struct emit_field){ .key = (k), .type = EMIT_T_STR, .v.s = (x) })
#define EMIT_U64(k, x)		((struct emit_field){ .key = (k), .type = EMIT_T_U64, .v.u = (x) })
#define EMIT_I64(k, x)		((struct emit_field){ .key = (k), .type = EMIT_T_I64, .v.i = (x) })
#define EMIT_DBL(k, x, p)	((struct emit_field){ .key = (k), .type = EMIT_T_DBL, .prec = (p), .v.d = (x) })
#define EMIT_NULL(k)		((struct emit_field){ .key = (k), .type = EMIT_T_NULL })

/* Write the @n fields of @f as one line in @fmt. */
void emit_record(FILE *out, enum emit_format fmt, const struct emit_field *f, size_t n);

#endif /* ZSIM_EMIT_H */
