// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/* The record emitter of emit.h. */
#include "emit.h"

static void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void value(FILE *out, enum emit_format fmt, const struct emit_field *f)
{
	switch (f->type) {
	case EMIT_T_STR:
		if (fmt == EMIT_JSON)
			json_string(out, f->v.s);
		else
			fputs(f->v.s, out);
		break;
	case EMIT_T_U64:
		fprintf(out, "%llu", (unsigned long long)f->v.u);
		break;
	case EMIT_T_I64:
		fprintf(out, "%lld", (long long)f->v.i);
		break;
	case EMIT_T_DBL:
		fprintf(out, "%.*f", f->prec, f->v.d);
		break;
	case EMIT_T_NULL:
		fputs(fmt == EMIT_JSON ? "null" : "n/a", out);
		break;
	}
}

void emit_record(FILE *out, enum emit_format fmt, const struct emit_field *f, size_t n)
{
	if (fmt == EMIT_JSON)
		fputc('{', out);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(fmt == EMIT_JSON ? ',' : ' ', out);
		if (fmt == EMIT_JSON) {
			json_string(out, f[i].key);
			fputc(':', out);
		} else {
			fprintf(out, "%s=", f[i].key);
		}
		value(out, fmt, &f[i]);
	}
	fputs(fmt == EMIT_JSON ? "}\n" : "\n", out);
}
