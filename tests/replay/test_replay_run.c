// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * zsim replay, end to end: a small seeded trace replayed through each
 * allocator, and the stats lines checked for consistency with the trace
 * (live objects and bytes at every phase, pages never below the ideal).
 * An allocator whose library is missing here (exit status 77) is skipped
 * with a message, not failed.
 *
 * Usage: test_replay_run PATH-TO-ZSIM [-s SEED]
 */
#include <sys/wait.h>
#include <unistd.h>

#include "test_helpers.h"
#include "impl_helpers.h"
#include "trace.h"

static const char *zsim_bin;
static char tmpdir[] = "/tmp/zs-replay-test-XXXXXX";
static char trace_path[256];

#define MAX_PHASES 16

struct expect {
	char name[TRACE_MAX_NAME + 1];
	uint64_t live_objects, live_bytes;
};
static struct expect expected[MAX_PHASES];
static int nr_expected;

struct stats {
	char phase[TRACE_MAX_NAME + 1];
	char allocator[32];
	uint64_t live_objects, live_bytes, pool_pages, ideal_pages, pages_compacted;
	int64_t rss_bytes;
	double density;		/* -1: n/a */
	int64_t metadata;	/* -1: n/a */
};

/* Value of "key=" in a key=value line; NULL when absent. */
static const char *field(const char *line, const char *key, char *buf, size_t len)
{
	char pat[64];
	const char *p;
	size_t n = 0;

	snprintf(pat, sizeof(pat), " %s=", key);
	if (!strncmp(line, pat + 1, strlen(pat) - 1))
		p = line + strlen(pat) - 1;
	else if ((p = strstr(line, pat)))
		p += strlen(pat);
	else
		return NULL;
	while (p[n] && p[n] != ' ' && p[n] != '\n' && n + 1 < len) {
		buf[n] = p[n];
		n++;
	}
	buf[n] = '\0';
	return buf;
}

static uint64_t ufield(const char *line, const char *key)
{
	char buf[64];

	if (!field(line, key, buf, sizeof(buf))) {
		print_error("no %s= in: %s", key, line);
		fail();
	}
	return strtoull(buf, NULL, 10);
}

static void parse_stats(const char *line, struct stats *s)
{
	char buf[64];

	memset(s, 0, sizeof(*s));
	assert_non_null(field(line, "phase", s->phase, sizeof(s->phase)));
	assert_non_null(field(line, "allocator", s->allocator, sizeof(s->allocator)));
	s->live_objects = ufield(line, "live_objects");
	s->live_bytes = ufield(line, "live_bytes");
	s->pool_pages = ufield(line, "pool_pages");
	s->ideal_pages = ufield(line, "ideal_pages");
	s->pages_compacted = ufield(line, "pages_compacted");
	assert_non_null(field(line, "rss_bytes", buf, sizeof(buf)));
	s->rss_bytes = strtoll(buf, NULL, 10);
	assert_non_null(field(line, "density", buf, sizeof(buf)));
	s->density = strcmp(buf, "n/a") ? strtod(buf, NULL) : -1.0;
	assert_non_null(field(line, "metadata_bytes", buf, sizeof(buf)));
	s->metadata = strcmp(buf, "n/a") ? strtoll(buf, NULL, 10) : -1;
}

/* Run a command; its stdout into @out (malloc'd), its exit status returned. */
static int run(const char *cmd, char **out)
{
	FILE *p = popen(cmd, "r");
	size_t len = 0, cap = 1 << 16;
	char *buf = malloc(cap);
	size_t n;
	int status;

	assert_non_null(p);
	assert_non_null(buf);
	while ((n = fread(buf + len, 1, cap - len - 1, p)) > 0) {
		len += n;
		if (cap - len < 1024) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	buf[len] = '\0';
	status = pclose(p);
	*out = buf;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/*
 * The trace: fill ~2500 objects of 32..4096 bytes, free a random 60 %,
 * compact, refill, overwrite some in place.  What is live at each phase
 * is worked out here, independently of the replay.
 */
static int make_trace(void **state)
{
	struct trace_writer w;
	struct test_rng rng;
	uint32_t size[4000] = { 0 };
	uint64_t objs = 0, bytes = 0;
	char err[256];
	int n = test_under_valgrind() ? 800 : 2500;

	(void)state;
	assert_non_null(mkdtemp(tmpdir));
	snprintf(trace_path, sizeof(trace_path), "%s/small.trace", tmpdir);
	assert_int_equal(trace_writer_open(&w, trace_path, err, sizeof(err)), 0);
	test_rng_init(&rng, test_seed);

#define PHASE(nm) do {							\
	trace_write_phase(&w, nm);					\
	snprintf(expected[nr_expected].name, sizeof(expected[0].name), "%s", nm); \
	expected[nr_expected].live_objects = objs;			\
	expected[nr_expected].live_bytes = bytes;			\
	nr_expected++;							\
} while (0)

	trace_write_comment(&w, "test_replay_run, seed %llu", (unsigned long long)test_seed);
	PHASE("empty");
	for (int i = 0; i < n; i++) {
		size[i] = 32 + (uint32_t)test_rng_below(&rng, 4096 - 32 + 1);
		trace_write_alloc(&w, 100 + i, size[i]);
		objs++;
		bytes += size[i];
	}
	PHASE("fill");
	for (int i = 0; i < n; i++) {
		if (test_rng_below(&rng, 100) < 60) {
			trace_write_free(&w, 100 + i);
			objs--;
			bytes -= size[i];
			size[i] = 0;
		}
	}
	PHASE("free60");
	trace_write_compact(&w);
	PHASE("compact");
	for (int i = n; i < n + n / 2; i++) {
		size[i] = 32 + (uint32_t)test_rng_below(&rng, 4096 - 32 + 1);
		trace_write_alloc(&w, 100 + i, size[i]);
		objs++;
		bytes += size[i];
	}
	PHASE("refill");
	for (int i = 0; i < n + n / 2; i += 3) {
		if (!size[i])
			continue;
		trace_write_free(&w, 100 + i);
		bytes -= size[i];
		size[i] = 1 + (uint32_t)test_rng_below(&rng, 4096);
		trace_write_alloc(&w, 100 + i, size[i]);
		bytes += size[i];
	}
	trace_write_compact(&w);
	PHASE("overwrite");
	/* phase=end follows with the same numbers */
	snprintf(expected[nr_expected].name, sizeof(expected[0].name), "end");
	expected[nr_expected].live_objects = objs;
	expected[nr_expected].live_bytes = bytes;
	nr_expected++;
#undef PHASE
	assert_int_equal(trace_writer_close(&w, err, sizeof(err)), 0);
	return 0;
}

static int remove_trace(void **state)
{
	(void)state;
	unlink(trace_path);
	rmdir(tmpdir);
	return 0;
}

static void replay_and_check(const char *allocator, const char *extra)
{
	char cmd[1024], *out, *line, *save;
	int status, seen = 0;

	snprintf(cmd, sizeof(cmd), "'%s' replay --allocator %s %s '%s'", zsim_bin, allocator,
		 extra, trace_path);
	status = run(cmd, &out);
	if (status == 77) {
		printf("# SKIP %s: not available here (see the message above)\n", allocator);
		free(out);
		skip();
	}
	if (status != 0) {
		print_error("'%s' exited with %d; output:\n%s\n", cmd, status, out);
		free(out);
		fail();
	}
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct stats s;

		if (line[0] == '#')
			continue;
		parse_stats(line, &s);
		assert_true(seen < nr_expected);
		assert_string_equal(s.phase, expected[seen].name);
		assert_string_equal(s.allocator, allocator);
		assert_true(s.live_objects == expected[seen].live_objects);
		assert_true(s.live_bytes == expected[seen].live_bytes);
		assert_true(s.ideal_pages == (s.live_bytes + 4095) / 4096);
		/* no allocator can hold live data in fewer pages than it fills */
		if (s.pool_pages < s.ideal_pages) {
			print_error("%s phase %s: %llu pages for %llu live bytes\n", allocator,
				    s.phase, (unsigned long long)s.pool_pages,
				    (unsigned long long)s.live_bytes);
			fail();
		}
		if (s.pool_pages)
			assert_true(s.density >= 0.0 && s.density <= 1.0);
		if (s.pool_pages && s.live_bytes)
			assert_true(s.density > 0.0);
		if (!strcmp(allocator, "zsmalloc")) {
			/* zsmalloc's pages are its own count, and its RSS holds them */
			assert_true(s.metadata >= 0);
			if (s.live_objects)
				assert_true(s.metadata > 0);
			if (!strcmp(s.phase, "compact"))
				assert_true(s.pages_compacted > 0);
			assert_true(s.rss_bytes >= (int64_t)(s.pool_pages * 4096) - (4 << 20) ||
				    s.pool_pages * 4096 < (8u << 20));
		}
		if (!strcmp(allocator, "jemalloc"))
			assert_true(s.metadata > 0);
		if (!strcmp(allocator, "glibc") || !strcmp(allocator, "mimalloc"))
			assert_true(s.metadata == -1);
		seen++;
	}
	assert_int_equal(seen, nr_expected);
	free(out);
}

static void test_zsmalloc(void **state)
{
	(void)state;
	replay_and_check("zsmalloc", "");
}

static void test_zsmalloc_48_map(void **state)
{
	(void)state;
	/* the kernel's mm/zsmalloc.c has only its own policies: map access there */
	replay_and_check("zsmalloc", test_impl_linux() ? "--access map" : "--preset 4.8 --access map");
}

static void test_zsmalloc_chain16(void **state)
{
	(void)state;
	TEST_SKIP_ON_LINUX("chain 16 is not the kernel's CONFIG_ZSMALLOC_CHAIN_SIZE");
	replay_and_check("zsmalloc", "--chain 16");
}

static void test_glibc(void **state)
{
	(void)state;
	replay_and_check("glibc", "");
}

static void test_jemalloc(void **state)
{
	(void)state;
	replay_and_check("jemalloc", "");
}

static void test_mimalloc(void **state)
{
	(void)state;
	replay_and_check("mimalloc", "");
}

/* --json prints the same numbers. */
static void test_json(void **state)
{
	char cmd[1024], *plain, *json, *pl, *jl, *ps, *js;

	(void)state;
	snprintf(cmd, sizeof(cmd), "'%s' replay '%s'", zsim_bin, trace_path);
	assert_int_equal(run(cmd, &plain), 0);
	snprintf(cmd, sizeof(cmd), "'%s' replay --json '%s'", zsim_bin, trace_path);
	assert_int_equal(run(cmd, &json), 0);
	pl = strtok_r(plain, "\n", &ps);
	jl = strtok_r(json, "\n", &js);
	for (; pl && jl; pl = strtok_r(NULL, "\n", &ps), jl = strtok_r(NULL, "\n", &js)) {
		char want[128];

		if (pl[0] == '#') {
			jl = NULL;	/* the JSON output has no comment line */
			break;
		}
		assert_true(jl[0] == '{' && jl[strlen(jl) - 1] == '}');
		snprintf(want, sizeof(want), "\"live_bytes\":%llu,",
			 (unsigned long long)ufield(pl, "live_bytes"));
		assert_non_null(strstr(jl, want));
		snprintf(want, sizeof(want), "\"pool_pages\":%llu,",
			 (unsigned long long)ufield(pl, "pool_pages"));
		assert_non_null(strstr(jl, want));
	}
	assert_null(jl);
	free(plain);
	free(json);
}

/* Bad traces and impossible requests stop with the line number. */
static void test_errors(void **state)
{
	char path[300], cmd[1024], *out;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/bad.trace", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("a 1 100\na 2 5000\nf 1\nf 2\n", f);
	fclose(f);
	/* zsmalloc takes at most 4096 bytes; line 2 says more */
	snprintf(cmd, sizeof(cmd), "'%s' replay '%s' 2>&1", zsim_bin, path);
	assert_int_equal(run(cmd, &out), 2);
	assert_non_null(strstr(out, "bad.trace:2: size 5000"));
	free(out);
	/* glibc takes it */
	snprintf(cmd, sizeof(cmd), "'%s' replay --allocator glibc '%s' 2>&1", zsim_bin, path);
	assert_int_equal(run(cmd, &out), 0);
	assert_non_null(strstr(out, "phase=end"));
	free(out);

	f = fopen(path, "w");
	assert_non_null(f);
	fputs("a 1 100\n\nf 1\nf 3\n", f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "'%s' replay '%s' 2>&1", zsim_bin, path);
	assert_int_equal(run(cmd, &out), 2);
	assert_non_null(strstr(out, "bad.trace:4: free of unknown id 3"));
	free(out);

	snprintf(cmd, sizeof(cmd), "'%s' replay --allocator tcmalloc '%s' 2>&1", zsim_bin, path);
	assert_int_equal(run(cmd, &out), 2);
	assert_string_equal(out, "zsim replay: --allocator: 'tcmalloc' is not one of zsmalloc, glibc, jemalloc, mimalloc\n");
	free(out);
	unlink(path);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zsmalloc),
		cmocka_unit_test(test_zsmalloc_48_map),
		cmocka_unit_test(test_zsmalloc_chain16),
		cmocka_unit_test(test_glibc),
		cmocka_unit_test(test_jemalloc),
		cmocka_unit_test(test_mimalloc),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_errors),
	};

	if (argc < 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: %s PATH-TO-ZSIM [-s SEED]\n", argv[0]);
		return 2;
	}
	zsim_bin = argv[1];
	test_parse_args(argc, argv);
	return cmocka_run_group_tests(tests, make_trace, remove_trace);
}
