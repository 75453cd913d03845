// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Allocation trace parser and writer.  The parser streams: input comes in
 * chunks (plain read() or zlib's gzread()), whole lines are parsed as
 * they complete, and only the operations are kept, 16 bytes each.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "trace.h"

struct parser {
	struct trace *t;
	const char *name;
	char *err;
	size_t errlen;
	uint32_t line;
	int failed;

	/* id -> slot + 1 (0 = empty), open addressing */
	uint64_t *keys;
	uint32_t *vals;
	size_t hcap, hused;

	/* per slot: live size (0 = not live) and the line that allocated it */
	uint32_t *live_size;
	uint32_t *alloc_line;
	uint64_t live_bytes, live_objects;

	char carry[TRACE_MAX_LINE + 2];
	size_t carry_len;
};

/* The first error wins: "NAME:LINE: reason", or "NAME: reason" without @line. */
static int verr(struct parser *p, int line, const char *fmt, va_list ap)
{
	int n;

	if (p->failed)
		return -1;
	p->failed = 1;
	if (line)
		n = snprintf(p->err, p->errlen, "%s:%u: ", p->name, p->line);
	else
		n = snprintf(p->err, p->errlen, "%s: ", p->name);
	if (n < 0 || (size_t)n >= p->errlen)
		return -1;
	vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	return -1;
}

/* An error in the line being read. */
static int perr(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int perr(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(p, 1, fmt, ap);
	va_end(ap);
	return -1;
}

/* An error about the input itself, not one of its lines. */
static int ierr(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int ierr(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(p, 0, fmt, ap);
	va_end(ap);
	return -1;
}

static int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	size_t ncap = *cap ? *cap : 1024;
	void *n;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	n = realloc(*arr, ncap * elem);
	if (!n)
		return -1;
	*arr = n;
	*cap = ncap;
	return 0;
}

static uint64_t hash_id(uint64_t id)
{
	id ^= id >> 33;
	id *= 0xff51afd7ed558ccdULL;
	id ^= id >> 33;
	return id;
}

static int hash_grow(struct parser *p)
{
	size_t ncap = p->hcap ? p->hcap * 2 : 4096;
	uint64_t *keys = calloc(ncap, sizeof(*keys));
	uint32_t *vals = calloc(ncap, sizeof(*vals));

	if (!keys || !vals) {
		free(keys);
		free(vals);
		return -1;
	}
	for (size_t i = 0; i < p->hcap; i++) {
		size_t j;

		if (!p->vals[i])
			continue;
		for (j = hash_id(p->keys[i]) & (ncap - 1); vals[j]; j = (j + 1) & (ncap - 1))
			;
		keys[j] = p->keys[i];
		vals[j] = p->vals[i];
	}
	free(p->keys);
	free(p->vals);
	p->keys = keys;
	p->vals = vals;
	p->hcap = ncap;
	return 0;
}

/* The slot of @id, created if @create; UINT32_MAX when absent or no memory. */
static uint32_t slot_of(struct parser *p, uint64_t id, int create)
{
	struct trace *t = p->t;
	size_t j;

	if (p->hcap) {
		for (j = hash_id(id) & (p->hcap - 1); p->vals[j]; j = (j + 1) & (p->hcap - 1))
			if (p->keys[j] == id)
				return p->vals[j] - 1;
	}
	if (!create)
		return UINT32_MAX;
	if ((p->hused + 1) * 4 > p->hcap * 3 && hash_grow(p))
		return UINT32_MAX;
	if (t->nr_slots >= UINT32_MAX - 1)
		return UINT32_MAX;
	if (t->nr_slots >= t->cap_slots) {
		/*
		 * ids, live_size and alloc_line share one capacity, doubled
		 * when full, so a trace of n ids costs O(log n) reallocs.
		 */
		size_t ncap = t->cap_slots;
		uint32_t *ls, *al;

		if (grow((void **)&t->ids, &ncap, t->nr_slots + 1, sizeof(*t->ids)))
			return UINT32_MAX;
		ls = realloc(p->live_size, ncap * sizeof(*ls));
		if (!ls)
			return UINT32_MAX;
		p->live_size = ls;
		al = realloc(p->alloc_line, ncap * sizeof(*al));
		if (!al)
			return UINT32_MAX;
		p->alloc_line = al;
		t->cap_slots = ncap;
	}
	for (j = hash_id(id) & (p->hcap - 1); p->vals[j]; j = (j + 1) & (p->hcap - 1))
		;
	p->keys[j] = id;
	p->vals[j] = (uint32_t)t->nr_slots + 1;
	p->hused++;
	t->ids[t->nr_slots] = id;
	p->live_size[t->nr_slots] = 0;
	p->alloc_line[t->nr_slots] = 0;
	return (uint32_t)t->nr_slots++;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Next whitespace-separated token of [*s, end); NULL when there is none. */
static const char *token(const char **s, const char *end, size_t *len)
{
	const char *b = *s, *e;

	while (b < end && is_space(*b))
		b++;
	if (b == end) {
		*s = b;
		return NULL;
	}
	for (e = b; e < end && !is_space(*e); e++)
		;
	*len = (size_t)(e - b);
	*s = e;
	return b;
}

static int parse_num(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (!len || len > 20)
		return -1;
	for (size_t i = 0; i < len; i++) {
		unsigned int d;

		if (s[i] < '0' || s[i] > '9')
			return -1;
		d = (unsigned int)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static int name_ok(const char *s, size_t len)
{
	if (!len || len > TRACE_MAX_NAME)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		/* printable, and safe inside key=value and JSON strings */
		if (c <= ' ' || c >= 127 || c == '=' || c == '"' || c == '\\' || c == ',')
			return 0;
	}
	return 1;
}

static int add_op(struct parser *p, uint32_t kind, uint32_t slot, uint32_t size)
{
	struct trace *t = p->t;
	struct trace_op *op;

	if (grow((void **)&t->ops, &t->cap_ops, t->nr_ops + 1, sizeof(*t->ops)))
		return perr(p, "out of memory");
	op = &t->ops[t->nr_ops++];
	op->kind = kind;
	op->line = p->line;
	op->slot = slot;
	op->size = size;
	return 0;
}

/* Is the rest of the line empty? Complain if not. */
static int no_more(struct parser *p, const char *s, const char *end, const char *what)
{
	size_t len;
	const char *tok = token(&s, end, &len);

	if (tok)
		return perr(p, "unexpected '%.*s' after %s", (int)(len > 32 ? 32 : len), tok, what);
	return 0;
}

/* The next token as a number: @missing if there is none, "bad @what" if not one. */
static int take_num(struct parser *p, const char **cur, const char *end, const char *missing,
		    const char *what, uint64_t *out)
{
	size_t tlen;
	const char *tok = token(cur, end, &tlen);

	if (!tok)
		return perr(p, "%s", missing);
	if (parse_num(tok, tlen, out))
		return perr(p, "bad %s '%.*s' (an unsigned decimal number)", what,
			    (int)(tlen > 32 ? 32 : tlen), tok);
	return 0;
}

static int parse_line(struct parser *p, const char *s, size_t len)
{
	struct trace *t = p->t;
	const char *end = s + len, *tok, *cur = s;
	size_t tlen;
	uint64_t id, size;
	uint32_t slot;

	p->line++;
	t->nr_lines = p->line;
	if (len && s[len - 1] == '\r')
		end--;
	if (memchr(s, '\0', (size_t)(end - s)))
		return perr(p, "NUL byte in line");
	tok = token(&cur, end, &tlen);
	if (!tok || *tok == '#')
		return 0;
	if (tlen != 1)
		return perr(p, "unknown operation '%.*s' (a, f, c, p or # comment)",
			    (int)(tlen > 32 ? 32 : tlen), tok);

	switch (*tok) {
	case 'a':
		if (take_num(p, &cur, end, "'a' needs an ID and a SIZE", "id", &id) ||
		    take_num(p, &cur, end, "'a' needs a SIZE after the id", "size", &size) ||
		    no_more(p, cur, end, "'a ID SIZE'"))
			return -1;
		if (size == 0)
			return perr(p, "size 0 cannot be allocated (id %llu)",
				    (unsigned long long)id);
		if (size > TRACE_MAX_SIZE)
			return perr(p, "size %llu is larger than %u", (unsigned long long)size,
				    TRACE_MAX_SIZE);
		slot = slot_of(p, id, 1);
		if (slot == UINT32_MAX)
			return perr(p, "out of memory");
		if (p->live_size[slot])
			return perr(p, "id %llu is already live (allocated at line %u)",
				    (unsigned long long)id, p->alloc_line[slot]);
		p->live_size[slot] = (uint32_t)size;
		p->alloc_line[slot] = p->line;
		p->live_bytes += size;
		p->live_objects++;
		if (p->live_bytes > t->peak_live_bytes)
			t->peak_live_bytes = p->live_bytes;
		if (p->live_objects > t->peak_live_objects)
			t->peak_live_objects = p->live_objects;
		if (size > t->max_size) {
			t->max_size = (uint32_t)size;
			t->max_size_line = p->line;
		}
		t->nr_alloc++;
		return add_op(p, TRACE_ALLOC, slot, (uint32_t)size);
	case 'f':
		if (take_num(p, &cur, end, "'f' needs an ID", "id", &id) ||
		    no_more(p, cur, end, "'f ID'"))
			return -1;
		slot = slot_of(p, id, 0);
		if (slot == UINT32_MAX)
			return perr(p, "free of unknown id %llu (never allocated)",
				    (unsigned long long)id);
		if (!p->live_size[slot])
			return perr(p, "free of id %llu, which is not live (double free?)",
				    (unsigned long long)id);
		p->live_bytes -= p->live_size[slot];
		p->live_objects--;
		p->live_size[slot] = 0;
		t->nr_free++;
		return add_op(p, TRACE_FREE, slot, 0);
	case 'c':
		if (no_more(p, cur, end, "'c'"))
			return -1;
		t->nr_compact++;
		return add_op(p, TRACE_COMPACT, 0, 0);
	case 'p': {
		char *name;

		tok = token(&cur, end, &tlen);
		if (!tok)
			return perr(p, "'p' needs a NAME");
		if (!name_ok(tok, tlen))
			return perr(p, "bad phase name '%.*s' (1..%u printable characters, none of = \" \\ ,)",
				    (int)(tlen > 32 ? 32 : tlen), tok, TRACE_MAX_NAME);
		if (no_more(p, cur, end, "'p NAME'"))
			return -1;
		if (grow((void **)&t->names, &t->cap_names, t->nr_names + 1, sizeof(*t->names)))
			return perr(p, "out of memory");
		name = strndup(tok, tlen);
		if (!name)
			return perr(p, "out of memory");
		t->names[t->nr_names] = name;
		return add_op(p, TRACE_PHASE, (uint32_t)t->nr_names++, 0);
	}
	default:
		return perr(p, "unknown operation '%c' (a, f, c, p or # comment)", *tok);
	}
}

static int parser_feed(struct parser *p, const char *data, size_t len)
{
	while (len && !p->failed) {
		const char *nl = memchr(data, '\n', len);
		size_t n = nl ? (size_t)(nl - data) : len;

		if (!nl || p->carry_len) {
			/* a line cut by the chunk boundary */
			if (p->carry_len + n > TRACE_MAX_LINE) {
				p->line++;
				return perr(p, "line longer than %u characters", TRACE_MAX_LINE);
			}
			memcpy(p->carry + p->carry_len, data, n);
			p->carry_len += n;
			if (nl) {
				if (parse_line(p, p->carry, p->carry_len))
					return -1;
				p->carry_len = 0;
			}
		} else {
			if (n > TRACE_MAX_LINE) {
				p->line++;
				return perr(p, "line longer than %u characters", TRACE_MAX_LINE);
			}
			if (parse_line(p, data, n))
				return -1;
		}
		if (!nl)
			break;
		data += n + 1;
		len -= n + 1;
	}
	return p->failed ? -1 : 0;
}

static int parser_finish(struct parser *p)
{
	if (!p->failed && p->carry_len) {
		/* a last line without a newline */
		if (parse_line(p, p->carry, p->carry_len))
			return -1;
		p->carry_len = 0;
	}
	return p->failed ? -1 : 0;
}

static void parser_init(struct parser *p, struct trace *t, const char *name,
			char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	memset(t, 0, sizeof(*t));
	p->t = t;
	p->name = name;
	p->err = err;
	p->errlen = errlen;
	if (errlen)
		err[0] = '\0';
}

static void parser_release(struct parser *p)
{
	free(p->keys);
	free(p->vals);
	free(p->live_size);
	free(p->alloc_line);
}

int trace_parse_mem(const char *name, const char *text, size_t len,
		    struct trace *t, char *err, size_t errlen)
{
	struct parser p;
	int ret;

	parser_init(&p, t, name, err, errlen);
	ret = parser_feed(&p, text, len);
	if (!ret)
		ret = parser_finish(&p);
	parser_release(&p);
	if (ret)
		trace_free(t);
	return ret;
}

/* The line the input was in when it stopped: the next one, or the cut one. */
static void at_cut_line(struct parser *p)
{
	p->line++;
}

struct reader {
	int fd;
	unsigned char *in;	/* raw bytes read from fd */
	size_t in_len;		/* bytes valid in in[] */
	uint64_t in_off;	/* file offset of in[0] */
	int eof;
};

#define TRACE_CHUNK	(1u << 16)

/* Refill in[] from fd (one read); 0, or -1 with errno. */
static int reader_fill(struct reader *r)
{
	for (;;) {
		ssize_t n = read(r->fd, r->in, TRACE_CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		r->in_off += r->in_len;
		r->in_len = (size_t)n;
		if (n == 0)
			r->eof = 1;
		return 0;
	}
}

/*
 * gzip input, with inflate() driven here rather than through gzread(), so
 * that a stream which ends before its trailer is an error (gzread() hands
 * back the prefix and only gzclose() would tell), the message names the
 * file and the byte, and no seek is needed.  Members may be concatenated,
 * as gzip(1) allows; anything else after the last member is refused.
 * The first read already sits in r->in.
 */
static int load_gzip(struct parser *p, struct reader *r)
{
	unsigned char *out = malloc(TRACE_CHUNK);
	z_stream zs;
	int ret = 0, zret = Z_OK, in_member = 1;

	memset(&zs, 0, sizeof(zs));
	if (!out || inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
		free(out);
		return ierr(p, "out of memory");
	}
	zs.next_in = r->in;
	zs.avail_in = (unsigned int)r->in_len;
	for (;;) {
		if (zs.avail_in == 0) {
			if (reader_fill(r)) {
				ret = ierr(p, "read error at byte %llu: %s",
					   (unsigned long long)(r->in_off + r->in_len),
					   strerror(errno));
				break;
			}
			if (r->eof)
				break;
			zs.next_in = r->in;
			zs.avail_in = (unsigned int)r->in_len;
		}
		if (!in_member) {
			/* another member must start with the gzip magic */
			if (zs.next_in[0] != 0x1f) {
				ret = ierr(p, "not gzip data at byte %llu, after the end of the gzip stream",
					   (unsigned long long)(r->in_off +
								(uint64_t)(zs.next_in - r->in)));
				break;
			}
			inflateReset(&zs);
			in_member = 1;
		}
		zs.next_out = out;
		zs.avail_out = TRACE_CHUNK;
		zret = inflate(&zs, Z_NO_FLUSH);
		if (zret != Z_OK && zret != Z_STREAM_END && zret != Z_BUF_ERROR) {
			uint64_t at = r->in_off + (uint64_t)(zs.next_in - r->in);

			at_cut_line(p);
			ret = perr(p, "corrupt gzip data before byte %llu (%s)", (unsigned long long)at,
				   zret == Z_MEM_ERROR ? "out of memory" :
				   zs.msg ? zs.msg : "inflate failed");
			break;
		}
		if (parser_feed(p, (const char *)out, TRACE_CHUNK - zs.avail_out)) {
			ret = -1;
			break;
		}
		if (zret == Z_STREAM_END)
			in_member = 0;
	}
	if (!ret && in_member) {
		at_cut_line(p);
		ret = perr(p, "truncated gzip file: it ends at byte %llu, inside the compressed stream",
			   (unsigned long long)(r->in_off + r->in_len));
	}
	inflateEnd(&zs);
	free(out);
	return ret;
}

int trace_load(const char *path, struct trace *t, char *err, size_t errlen)
{
	struct parser p;
	struct reader r = { .fd = -1 };
	int ret = 0, is_stdin = !strcmp(path, "-");

	parser_init(&p, t, is_stdin ? "<stdin>" : path, err, errlen);
	r.fd = is_stdin ? 0 : open(path, O_RDONLY);
	if (r.fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	r.in = malloc(TRACE_CHUNK);
	if (!r.in) {
		ret = ierr(&p, "out of memory");
		goto out;
	}
	/*
	 * Everything is read once, front to back, so pipes, process
	 * substitution and standard input work like files.  gzip is told
	 * by its magic bytes 1f 8b in the first read.
	 */
	if (reader_fill(&r)) {
		ret = ierr(&p, "%s", strerror(errno));
		goto out;
	}
	while (r.in_len == 1 && !r.eof) {
		/* a pipe may deliver one byte first: get the second */
		ssize_t n = read(r.fd, r.in + 1, TRACE_CHUNK - 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = ierr(&p, "%s", strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		r.in_len += (size_t)n;
	}
	if (r.in_len >= 2 && r.in[0] == 0x1f && r.in[1] == 0x8b) {
		ret = load_gzip(&p, &r);
	} else {
		while (!r.eof && r.in_len) {
			if (parser_feed(&p, (const char *)r.in, r.in_len)) {
				ret = -1;
				break;
			}
			if (reader_fill(&r)) {
				ret = ierr(&p, "read error at byte %llu: %s",
					   (unsigned long long)(r.in_off + r.in_len),
					   strerror(errno));
				break;
			}
		}
	}
	if (!ret)
		ret = parser_finish(&p);
out:
	free(r.in);
	if (!is_stdin)
		close(r.fd);
	parser_release(&p);
	if (ret)
		trace_free(t);
	return ret;
}

void trace_free(struct trace *t)
{
	for (size_t i = 0; i < t->nr_names; i++)
		free(t->names[i]);
	free(t->names);
	free(t->ops);
	free(t->ids);
	memset(t, 0, sizeof(*t));
}

/* --- writer --------------------------------------------------------------------- */

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

int trace_writer_open(struct trace_writer *w, const char *path, char *err, size_t errlen)
{
	memset(w, 0, sizeof(*w));
	if (!path || !strcmp(path, "-")) {
		w->f = stdout;
		snprintf(w->path, sizeof(w->path), "<stdout>");
		return 0;
	}
	snprintf(w->path, sizeof(w->path), "%s", path);
	if (ends_with(path, ".gz")) {
		/* gzopen() writes a header with no name and mtime 0: reproducible */
		w->gz = gzopen(path, "wb6");
		if (!w->gz) {
			snprintf(err, errlen, "%s: %s", path, errno ? strerror(errno) : "cannot open");
			return -1;
		}
		gzbuffer(w->gz, 1u << 17);
		return 0;
	}
	w->f = fopen(path, "w");
	if (!w->f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	w->close_f = 1;
	return 0;
}

static void wr(struct trace_writer *w, const char *s, size_t len)
{
	if (w->failed)
		return;
	if (w->gz) {
		if (gzwrite(w->gz, s, (unsigned int)len) != (int)len)
			w->failed = 1;
	} else if (fwrite(s, 1, len, w->f) != len) {
		w->failed = 1;
	}
}

/* Decimal digits of @v, backwards from @end; returns the start. */
static char *put_u64(char *end, uint64_t v)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

void trace_write_alloc(struct trace_writer *w, uint64_t id, uint32_t size)
{
	char buf[48], *e = buf + sizeof(buf), *s;

	*--e = '\n';
	s = put_u64(e, size);
	*--s = ' ';
	s = put_u64(s, id);
	*--s = ' ';
	*--s = 'a';
	wr(w, s, (size_t)(buf + sizeof(buf) - s));
}

void trace_write_free(struct trace_writer *w, uint64_t id)
{
	char buf[32], *e = buf + sizeof(buf), *s;

	*--e = '\n';
	s = put_u64(e, id);
	*--s = ' ';
	*--s = 'f';
	wr(w, s, (size_t)(buf + sizeof(buf) - s));
}

void trace_write_compact(struct trace_writer *w)
{
	wr(w, "c\n", 2);
}

void trace_write_phase(struct trace_writer *w, const char *name)
{
	wr(w, "p ", 2);
	wr(w, name, strlen(name));
	wr(w, "\n", 1);
}

void trace_write_comment(struct trace_writer *w, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	wr(w, "# ", 2);
	wr(w, buf, (size_t)n);
	wr(w, "\n", 1);
}

int trace_writer_close(struct trace_writer *w, char *err, size_t errlen)
{
	int bad = w->failed;

	if (w->gz) {
		if (gzclose(w->gz) != Z_OK)
			bad = 1;
	} else if (w->f) {
		if (fflush(w->f))
			bad = 1;
		if (w->close_f && fclose(w->f))
			bad = 1;
	}
	w->gz = NULL;
	w->f = NULL;
	if (bad) {
		snprintf(err, errlen, "%s: write failed: %s", w->path,
			 errno ? strerror(errno) : "short write");
		return -1;
	}
	return 0;
}
