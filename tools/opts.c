// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/* Option tables on getopt_long(), and the help written from them. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"

#define HELP_COLUMN	24	/* where an option's help starts */
#define VAL_BASE	1000	/* getopt_long() val of the i-th option */

static const char *cur_prog = "zsim";

static void vmessage(const char *prog, const char *what, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: %s", prog, what);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int opts_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(cur_prog, "", fmt, ap);
	va_end(ap);
	return -1;
}

void opts_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(cur_prog, "warning: ", fmt, ap);
	va_end(ap);
}

int opts_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

int opts_parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned int shift = 0;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case '\0': break;
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: return -1;
	}
	if (shift && *end == 'i')
		end++;
	if (shift && *end == 'B')
		end++;
	if (*end || (shift && v > (UINT64_MAX >> shift)))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

const char *opts_format_size(uint64_t v, char *buf, size_t len)
{
	static const char units[] = "GMK";

	for (int i = 0; i < 3; i++) {
		unsigned int shift = 30 - 10 * (unsigned int)i;

		if (v && !(v & ((1ull << shift) - 1))) {
			snprintf(buf, len, "%llu%c", (unsigned long long)(v >> shift), units[i]);
			return buf;
		}
	}
	snprintf(buf, len, "%llu", (unsigned long long)v);
	return buf;
}

static const char *format_num(uint64_t v, char *buf, size_t len)
{
	if (v == UINT64_MAX)
		snprintf(buf, len, "2^64-1");
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
	return buf;
}

/* The range of @o: "1..10", "4M..1024G". */
static const char *range(const struct opt *o, char *buf, size_t len)
{
	char a[32], b[32];

	if (o->kind == OPT_SIZE)
		snprintf(buf, len, "%s..%s", opts_format_size(o->min, a, sizeof(a)),
			 opts_format_size(o->max, b, sizeof(b)));
	else
		snprintf(buf, len, "%s..%s", format_num(o->min, a, sizeof(a)),
			 format_num(o->max, b, sizeof(b)));
	return buf;
}

/* What a value of @o looks like: "a number (1..10)", "one of obj, map". */
static const char *expected(const struct opt *o, char *buf, size_t len)
{
	char r[80];
	size_t n;

	switch (o->kind) {
	case OPT_U64:
	case OPT_UINT:
		snprintf(buf, len, "a number (%s)", range(o, r, sizeof(r)));
		break;
	case OPT_SIZE:
		snprintf(buf, len, "a size (%s; bytes, or with a K, M or G suffix)",
			 range(o, r, sizeof(r)));
		break;
	case OPT_CHOICE:
		n = (size_t)snprintf(buf, len, "one of");
		for (const struct opt_choice *c = o->choices; c->name && n < len; c++)
			if (!c->alias)
				n += (size_t)snprintf(buf + n, len - n, "%s %s",
						      c == o->choices ? "" : ",", c->name);
		break;
	default:
		snprintf(buf, len, "%s", o->metavar ? o->metavar : "a value");
		break;
	}
	return buf;
}

static void *target(const struct opt_table *t, const struct opt *o)
{
	return (char *)t->ctx + o->offset;
}

static int apply(const struct opt_command *cmd, const struct opt_table *t,
		 const struct opt *o, const char *val)
{
	char want[256], a[32];
	int store = o->offset != OPT_NO_STORE;
	uint64_t v = 0;

	switch (o->kind) {
	case OPT_FLAG:
		if (store)
			*(int *)target(t, o) = o->flag;
		break;
	case OPT_U64:
	case OPT_UINT:
		if (opts_parse_u64(val, &v))
			return opts_error("--%s: '%s' is not a number (%s)", o->name, val,
					  range(o, want, sizeof(want)));
		if (v < o->min || v > o->max)
			return opts_error("--%s: '%s' is out of range (%s)", o->name, val,
					  range(o, want, sizeof(want)));
		if (store && o->kind == OPT_U64)
			*(uint64_t *)target(t, o) = v;
		else if (store)
			*(unsigned int *)target(t, o) = (unsigned int)v;
		break;
	case OPT_SIZE:
		if (opts_parse_size(val, &v))
			return opts_error("--%s: '%s' is not %s", o->name, val,
					  expected(o, want, sizeof(want)));
		if (v < o->min)
			return opts_error("--%s: '%s' is too small (at least %s)", o->name, val,
					  opts_format_size(o->min, a, sizeof(a)));
		if (v > o->max)
			return opts_error("--%s: '%s' is too large (at most %s)", o->name, val,
					  opts_format_size(o->max, a, sizeof(a)));
		if (store)
			*(uint64_t *)target(t, o) = v;
		break;
	case OPT_CHOICE: {
		const struct opt_choice *c;

		for (c = o->choices; c->name && strcmp(c->name, val); c++)
			;
		if (!c->name)
			return opts_error("--%s: '%s' is not %s", o->name, val,
					  expected(o, want, sizeof(want)));
		if (store)
			*(int *)target(t, o) = c->value;
		break;
	}
	case OPT_STRING:
		if (store)
			*(const char **)target(t, o) = val;
		break;
	case OPT_SECTION:
		break;
	}
	return o->hook ? o->hook(t->ctx, o, val) : 0;
}

/* The option at getopt index @i, and its table. */
static const struct opt *nth(const struct opt_command *cmd, size_t i, const struct opt_table **tp)
{
	for (size_t k = 0; k < cmd->nr_tables; k++) {
		const struct opt_table *t = &cmd->tables[k];

		for (size_t j = 0; j < t->nr; j++) {
			if (t->opts[j].kind == OPT_SECTION)
				continue;
			if (i-- == 0) {
				*tp = t;
				return &t->opts[j];
			}
		}
	}
	return NULL;
}

static const struct opt *by_short(const struct opt_command *cmd, int c,
				  const struct opt_table **tp, size_t *index)
{
	const struct opt *o;

	for (size_t i = 0; (o = nth(cmd, i, tp)); i++)
		if (o->short_name && o->short_name == c) {
			*index = i;
			return o;
		}
	return NULL;
}

static const char *spelled(const struct opt *o, char *buf, size_t len)
{
	if (o->short_name && !o->name)
		snprintf(buf, len, "-%c", o->short_name);
	else
		snprintf(buf, len, "--%s", o->name);
	return buf;
}

int opts_parse(const struct opt_command *cmd, int argc, char **argv, int *first)
{
	struct option *longopts;
	char optstring[128] = ":h", name[80], want[256];
	size_t nr = 0, n = 2, i;
	const struct opt_table *t;
	const struct opt *o;
	int ret = 0, c;

	cur_prog = cmd->prog;
	while (nth(cmd, nr, &t))
		nr++;
	longopts = calloc(nr + 2, sizeof(*longopts));
	if (!longopts)
		return opts_error("out of memory");
	for (i = 0; (o = nth(cmd, i, &t)); i++) {
		int has_arg = o->kind == OPT_FLAG ? no_argument : required_argument;

		longopts[i].name = o->name ? o->name : "";
		longopts[i].has_arg = has_arg;
		longopts[i].val = VAL_BASE + (int)i;
		if (o->short_name && n + 3 < sizeof(optstring)) {
			optstring[n++] = o->short_name;
			if (has_arg == required_argument)
				optstring[n++] = ':';
		}
	}
	optstring[n] = '\0';
	longopts[nr].name = "help";
	longopts[nr].val = 'h';

	opterr = 0;
	optind = 0;	/* GNU: start again, from argv[1] */
	for (;;) {
		int li = -1;
		const char *tok;

		c = getopt_long(argc, argv, optstring, longopts, &li);
		if (c == -1)
			break;
		if (c == 'h') {
			opts_help(cmd, stdout);
			ret = 1;
			break;
		}
		if (c == '?') {
			/* unknown, or a flag given a value (--json=1) */
			if (optopt >= VAL_BASE && (o = nth(cmd, (size_t)(optopt - VAL_BASE), &t))) {
				ret = opts_error("%s takes no value", spelled(o, name, sizeof(name)));
			} else if (optopt) {
				ret = opts_error("unknown option '-%c'", optopt);
			} else {
				tok = argv[optind - 1];
				ret = opts_error("unknown option '%.*s'",
						 (int)strcspn(tok, "="), tok);
			}
			break;
		}
		if (c == ':') {
			if (optopt >= VAL_BASE)
				o = nth(cmd, (size_t)(optopt - VAL_BASE), &t);
			else
				o = by_short(cmd, optopt, &t, &i);
			ret = o ? opts_error("%s needs a value: %s", spelled(o, name, sizeof(name)),
					     expected(o, want, sizeof(want))) :
				  opts_error("-%c needs a value", optopt);
			break;
		}
		if (c >= VAL_BASE) {
			i = (size_t)(c - VAL_BASE);
			o = nth(cmd, i, &t);
			/* getopt_long() takes unique prefixes; only whole names count here */
			tok = argv[optind - 1];
			if (o->kind != OPT_FLAG && optarg == argv[optind - 1])
				tok = argv[optind - 2];
			if (li >= 0 && (strncmp(tok + 2, o->name, strlen(o->name)) ||
					(tok[2 + strlen(o->name)] && tok[2 + strlen(o->name)] != '='))) {
				ret = opts_error("unknown option '%.*s' (did you mean --%s?)",
						 (int)strcspn(tok, "="), tok, o->name);
				break;
			}
		} else {
			o = by_short(cmd, c, &t, &i);
		}
		if (!o || apply(cmd, t, o, optarg)) {
			ret = -1;
			break;
		}
	}
	free(longopts);
	*first = optind;
	return ret;
}

int opts_main(const struct opt_command *cmd, int argc, char **argv, int *first,
	      int max_operands)
{
	int r = opts_parse(cmd, argc, argv, first);

	if (r)
		return r > 0 ? OPTS_EXIT_OK : OPTS_EXIT_USAGE;
	if (max_operands >= 0 && argc - *first > max_operands) {
		if (max_operands == 0)
			opts_error("unexpected operand '%s' (it takes none)", argv[*first]);
		else
			opts_error("unexpected operand '%s' (it takes at most %d)",
				   argv[*first + max_operands], max_operands);
		return OPTS_EXIT_USAGE;
	}
	return -1;
}

static void print_help_text(FILE *out, const char *help, int col)
{
	const char *s = help;

	for (;;) {
		size_t len = strcspn(s, "\n");

		fprintf(out, "%.*s\n", (int)len, s);
		if (!s[len])
			break;
		s += len + 1;
		fprintf(out, "%*s", col, "");
	}
}

void opts_help(const struct opt_command *cmd, FILE *out)
{
	fprintf(out, "Usage: %s %s\n", cmd->prog, cmd->usage);
	if (cmd->intro)
		fprintf(out, "\n%s", cmd->intro);
	for (size_t k = 0; k < cmd->nr_tables; k++) {
		const struct opt_table *t = &cmd->tables[k];

		for (size_t j = 0; j < t->nr; j++) {
			const struct opt *o = &t->opts[j];
			char left[96];
			int n;

			if (o->kind == OPT_SECTION) {
				fprintf(out, "\n%s:\n", o->name);
				continue;
			}
			if (o->short_name && o->name)
				n = snprintf(left, sizeof(left), "  -%c, --%s", o->short_name, o->name);
			else if (o->short_name)
				n = snprintf(left, sizeof(left), "  -%c", o->short_name);
			else
				n = snprintf(left, sizeof(left), "  --%s", o->name);
			if (o->kind != OPT_FLAG && n >= 0 && (size_t)n < sizeof(left))
				snprintf(left + n, sizeof(left) - (size_t)n, " %s",
					 o->metavar ? o->metavar : "VALUE");
			if (strlen(left) + 2 > HELP_COLUMN)
				fprintf(out, "%s\n%*s", left, HELP_COLUMN, "");
			else
				fprintf(out, "%-*s", HELP_COLUMN, left);
			print_help_text(out, o->help, HELP_COLUMN);
		}
	}
	fprintf(out, "%-*s%s\n", HELP_COLUMN, "  -h, --help", "this text");
	if (cmd->epilogue)
		fprintf(out, "\n%s", cmd->epilogue);
	fprintf(out, "\nExit status: 0 success, 1 failure while running, 2 usage error.\n");
}
