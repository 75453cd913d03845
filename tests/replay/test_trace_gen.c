// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * zsim trace-gen: the same seed and inputs give the same bytes, a
 * different seed a different trace; real files follow zram's rules
 * (same-filled pages not stored, huge pages stored as 4096); the
 * lifecycle's phases are where they should be.
 *
 * Usage: test_trace_gen PATH-TO-ZSIM [-s SEED]
 */
#include <sys/wait.h>
#include <unistd.h>

#include "test_helpers.h"
#include "trace.h"

static const char *zsim_bin;
static char tmpdir[] = "/tmp/zs-tracegen-test-XXXXXX";
static char file_text[300], file_random[300], file_zero[300];

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int status;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	status = system(cmd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void assert_same_file(const char *a, const char *b, int same)
{
	size_t la, lb;
	char *x = slurp(a, &la), *y = slurp(b, &lb);

	if (same) {
		assert_int_equal(la, lb);
		assert_memory_equal(x, y, la);
	} else {
		assert_true(la != lb || memcmp(x, y, la));
	}
	free(x);
	free(y);
}

static void path_of(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", tmpdir, name);
}

/* Three inputs: compressible text, random bytes (huge), zero pages (same-filled). */
static int make_inputs(void **state)
{
	struct test_rng rng;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(tmpdir));
	path_of(file_text, sizeof(file_text), "text.bin");
	path_of(file_random, sizeof(file_random), "random.bin");
	path_of(file_zero, sizeof(file_zero), "zero.bin");
	test_rng_init(&rng, test_seed);

	/* exactly 40 pages of numbered lines: compress well, never same-filled */
	f = fopen(file_text, "w");
	assert_non_null(f);
	for (int i = 0, n = 0; n < 40 * 4096; i++) {
		char line[64];
		int len = snprintf(line, sizeof(line), "line %08d of the text file\n", i);

		if (n + len > 40 * 4096)
			len = 40 * 4096 - n;
		fwrite(line, 1, (size_t)len, f);
		n += len;
	}
	fclose(f);
	f = fopen(file_random, "w");
	assert_non_null(f);
	for (int i = 0; i < 10 * 4096 / 8; i++) {
		uint64_t v = test_rng_next(&rng);

		fwrite(&v, 8, 1, f);
	}
	fclose(f);
	f = fopen(file_zero, "w");
	assert_non_null(f);
	for (int i = 0; i < 7 * 4096; i++)
		fputc(0, f);
	fclose(f);
	return 0;
}

static int remove_inputs(void **state)
{
	(void)state;
	assert_int_equal(sh("rm -rf '%s'", tmpdir), 0);
	return 0;
}

static void load(const char *path, struct trace *t)
{
	char err[512];

	if (trace_load(path, t, err, sizeof(err))) {
		print_error("%s\n", err);
		fail();
	}
}

static void check_phases(const struct trace *t, const char *const *names, size_t n)
{
	assert_int_equal(t->nr_names, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(t->names[i], names[i]);
}

static void test_files_reproducible(void **state)
{
	char a[300], b[300], c[300];
	static const char *const phases[] = { "fill", "free60", "compact", "refill" };
	struct trace t;
	uint64_t fill = 0;
	char *text;
	size_t len;

	(void)state;
	path_of(a, sizeof(a), "files-a.trace");
	path_of(b, sizeof(b), "files-b.trace");
	path_of(c, sizeof(c), "files-c.trace");
	assert_int_equal(sh("'%s' trace-gen --seed 7 -o '%s' --files '%s' '%s' '%s'", zsim_bin,
			    a, file_text, file_random, file_zero), 0);
	assert_int_equal(sh("'%s' trace-gen --seed 7 -o '%s' --files '%s' '%s' '%s'", zsim_bin,
			    b, file_text, file_random, file_zero), 0);
	assert_same_file(a, b, 1);
	assert_int_equal(sh("'%s' trace-gen --seed 8 -o '%s' --files '%s' '%s' '%s'", zsim_bin,
			    c, file_text, file_random, file_zero), 0);
	assert_same_file(a, c, 0);

	/* 40 + 10 + 7 pages read, the 7 zero pages not stored */
	text = slurp(a, &len);
	assert_non_null(strstr(text, "source: 57 pages of 3 files"));
	assert_non_null(strstr(text, "same_filled 7 (not stored)"));
	assert_non_null(strstr(text, "huge 10 "));
	free(text);

	load(a, &t);
	check_phases(&t, phases, 4);
	for (size_t i = 0; i < t.nr_ops && t.ops[i].kind != TRACE_PHASE; i++) {
		uint32_t s = t.ops[i].size;

		assert_int_equal(t.ops[i].kind, TRACE_ALLOC);
		/* the newest preset: stored whole from 3625 bytes up */
		assert_true(s == 4096 || (s > 0 && s < 3625));
		fill++;
	}
	assert_true(fill == 50);
	/* 60 % of 50 freed, 30 refilled */
	assert_true(t.nr_free == 30);
	assert_true(t.nr_alloc == 80);
	assert_true(t.nr_compact == 1);
	trace_free(&t);
	unlink(a);
	unlink(b);
	unlink(c);
}

static void test_mix_gz_reproducible(void **state)
{
	static const char *const mixes[] = { "kernel-build", "android", "uniform" };
	char a[300], b[300], c[300];

	(void)state;
	path_of(a, sizeof(a), "mix-a.trace.gz");
	path_of(b, sizeof(b), "mix-b.trace.gz");
	path_of(c, sizeof(c), "mix-c.trace.gz");
	for (size_t m = 0; m < 3; m++) {
		static const char *const phases[] = {
			"fill", "overwrite20", "free50", "compact", "refill",
			"free50.2", "compact.2", "refill.2",
		};
		struct trace t;
		unsigned long long seed = test_seed + m;
		size_t len;
		char *bytes;

		assert_int_equal(sh("'%s' trace-gen --mix %s --objects 3000 --seed %llu"
				    " --overwrite 20 --free-share 50 --rounds 2 --preset 4.8 -o '%s'",
				    zsim_bin, mixes[m], seed, a), 0);
		assert_int_equal(sh("'%s' trace-gen --mix %s --objects 3000 --seed %llu"
				    " --overwrite 20 --free-share 50 --rounds 2 --preset 4.8 -o '%s'",
				    zsim_bin, mixes[m], seed, b), 0);
		assert_same_file(a, b, 1);
		assert_int_equal(sh("'%s' trace-gen --mix %s --objects 3000 --seed %llu"
				    " --overwrite 20 --free-share 50 --rounds 2 --preset 4.8 -o '%s'",
				    zsim_bin, mixes[m], seed + 1000, c), 0);
		assert_same_file(a, c, 0);

		/* it really is gzip */
		bytes = slurp(a, &len);
		assert_true(len > 2 && (unsigned char)bytes[0] == 0x1f &&
			    (unsigned char)bytes[1] == 0x8b);
		free(bytes);

		load(a, &t);
		check_phases(&t, phases, 8);
		/* fill 3000, overwrite 600, free 1500 twice, refill as much */
		assert_true(t.nr_alloc == 3000 + 600 + 1500 + 1500);
		assert_true(t.nr_free == 600 + 1500 + 1500);
		for (size_t i = 0; i < t.nr_ops; i++) {
			if (t.ops[i].kind != TRACE_ALLOC)
				continue;
			/* the 4.8 preset: stored whole from 3257 bytes up */
			assert_true(t.ops[i].size == 4096 ||
				    (t.ops[i].size >= 32 && t.ops[i].size < 3257));
		}
		trace_free(&t);
	}
	unlink(a);
	unlink(b);
	unlink(c);
}

static void test_compact_every(void **state)
{
	char a[300];
	struct trace t;

	(void)state;
	path_of(a, sizeof(a), "every.trace");
	assert_int_equal(sh("'%s' trace-gen --mix uniform --objects 1000 --free-share 0"
			    " --compact-every 100 -o '%s'", zsim_bin, a), 0);
	load(a, &t);
	assert_true(t.nr_alloc == 1000);
	assert_true(t.nr_free == 0);
	assert_true(t.nr_compact == 10 + 1);	/* and the lifecycle's own */
	assert_int_equal(t.nr_names, 2);	/* fill, compact */
	trace_free(&t);
	unlink(a);
}

static void test_bad_options(void **state)
{
	(void)state;
	assert_int_equal(sh("'%s' trace-gen -o /dev/null 2>/dev/null", zsim_bin), 2);
	assert_int_equal(sh("'%s' trace-gen --mix nope 2>/dev/null", zsim_bin), 2);
	assert_int_equal(sh("'%s' trace-gen --mix uniform --free-share 101 2>/dev/null",
			    zsim_bin), 2);
	assert_int_equal(sh("'%s' trace-gen --help >/dev/null", zsim_bin), 0);
	assert_int_equal(sh("'%s' replay --help >/dev/null", zsim_bin), 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_files_reproducible),
		cmocka_unit_test(test_mix_gz_reproducible),
		cmocka_unit_test(test_compact_every),
		cmocka_unit_test(test_bad_options),
	};

	if (argc < 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: %s PATH-TO-ZSIM [-s SEED]\n", argv[0]);
		return 2;
	}
	zsim_bin = argv[1];
	test_parse_args(argc, argv);
	return cmocka_run_group_tests(tests, make_inputs, remove_inputs);
}
