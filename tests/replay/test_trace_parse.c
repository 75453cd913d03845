// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * The trace parser and writer (tools/trace.c): every operation, comments
 * and blank lines, gzip input, and malformed lines refused with the right
 * line number.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "test_helpers.h"
#include "trace.h"

static char tmpdir[] = "/tmp/zs-trace-test-XXXXXX";

static void tmp_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", tmpdir, name);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

static void write_gz(const char *path, const char *text)
{
	gzFile gz = gzopen(path, "wb");

	assert_non_null(gz);
	assert_int_equal(gzwrite(gz, text, (unsigned int)strlen(text)), (int)strlen(text));
	assert_int_equal(gzclose(gz), Z_OK);
}

static const char every_op[] =
	"# a comment\n"
	"\n"
	"a 10 100\n"
	"   \t\n"
	"a 18446744073709551615 4096\n"
	"  a\t11  1   \n"
	"f 10\n"
	"c\n"
	"p fill\n"
	"a 10 33\r\n"
	"    # an indented comment\n"
	"p after-refill.2\n"
	"f 18446744073709551615";	/* no newline at the end */

static void check_every_op(const struct trace *t)
{
	assert_int_equal(t->nr_ops, 9);
	assert_int_equal(t->nr_slots, 3);
	assert_int_equal(t->nr_alloc, 4);
	assert_int_equal(t->nr_free, 2);
	assert_int_equal(t->nr_compact, 1);
	assert_int_equal(t->nr_names, 2);
	assert_int_equal(t->nr_lines, 13);
	assert_string_equal(t->names[0], "fill");
	assert_string_equal(t->names[1], "after-refill.2");

	assert_int_equal(t->ops[0].kind, TRACE_ALLOC);
	assert_int_equal(t->ops[0].line, 3);
	assert_int_equal(t->ops[0].size, 100);
	assert_true(t->ids[t->ops[0].slot] == 10);
	assert_int_equal(t->ops[1].kind, TRACE_ALLOC);
	assert_int_equal(t->ops[1].line, 5);
	assert_true(t->ids[t->ops[1].slot] == UINT64_MAX);
	assert_int_equal(t->ops[2].line, 6);
	assert_int_equal(t->ops[2].size, 1);
	assert_int_equal(t->ops[3].kind, TRACE_FREE);
	assert_int_equal(t->ops[3].slot, t->ops[0].slot);
	assert_int_equal(t->ops[4].kind, TRACE_COMPACT);
	assert_int_equal(t->ops[4].line, 8);
	assert_int_equal(t->ops[5].kind, TRACE_PHASE);
	assert_int_equal(t->ops[5].slot, 0);
	/* an id allocated again keeps its slot */
	assert_int_equal(t->ops[6].kind, TRACE_ALLOC);
	assert_int_equal(t->ops[6].slot, t->ops[0].slot);
	assert_int_equal(t->ops[6].size, 33);
	assert_int_equal(t->ops[7].kind, TRACE_PHASE);
	assert_int_equal(t->ops[7].slot, 1);
	assert_int_equal(t->ops[8].kind, TRACE_FREE);
	assert_int_equal(t->ops[8].line, 13);

	assert_true(t->peak_live_bytes == 100 + 4096 + 1);
	assert_true(t->peak_live_objects == 3);
	assert_int_equal(t->max_size, 4096);
	assert_int_equal(t->max_size_line, 5);
}

static void test_every_op(void **state)
{
	struct trace t;
	char err[256];

	(void)state;
	assert_int_equal(trace_parse_mem("mem", every_op, strlen(every_op), &t, err,
					 sizeof(err)), 0);
	check_every_op(&t);
	trace_free(&t);
}

static void test_file_and_gz(void **state)
{
	char plain[256], gz[256], err[256];
	struct trace t;

	(void)state;
	tmp_path(plain, sizeof(plain), "every.trace");
	tmp_path(gz, sizeof(gz), "every.trace.gz");
	write_file(plain, every_op);
	write_gz(gz, every_op);

	assert_int_equal(trace_load(plain, &t, err, sizeof(err)), 0);
	check_every_op(&t);
	trace_free(&t);
	assert_int_equal(trace_load(gz, &t, err, sizeof(err)), 0);
	check_every_op(&t);
	trace_free(&t);

	/* gzip is told by its magic bytes, not by the name */
	tmp_path(gz, sizeof(gz), "named-plain.trace");
	write_gz(gz, every_op);
	assert_int_equal(trace_load(gz, &t, err, sizeof(err)), 0);
	check_every_op(&t);
	trace_free(&t);
	unlink(plain);
	unlink(gz);
	tmp_path(gz, sizeof(gz), "every.trace.gz");
	unlink(gz);
}

struct bad_case {
	const char *text;
	unsigned int line;
	const char *reason;
};

static const struct bad_case bad_cases[] = {
	{ "a 1\n", 1, "needs a SIZE" },
	{ "a\n", 1, "needs an ID" },
	{ "a 1 10\n\n# c\nx 1\n", 4, "unknown operation" },
	{ "a 1 10\naa 2 3\n", 2, "unknown operation" },
	{ "a 1 0\n", 1, "size 0" },
	{ "a 1 1073741825\n", 1, "larger than" },
	{ "a -1 5\n", 1, "bad id" },
	{ "a 1 5x\n", 1, "bad size" },
	{ "a 1 5 6\n", 1, "unexpected '6'" },
	{ "a 99999999999999999999 5\n", 1, "bad id" },
	{ "a 1 5\nf 2\n", 2, "unknown id 2" },
	{ "a 1 5\na 2 5\na 1 6\n", 3, "already live (allocated at line 1)" },
	{ "a 1 5\nf 1\n#\nf 1\n", 4, "not live" },
	{ "f\n", 1, "needs an ID" },
	{ "c now\n", 1, "unexpected 'now'" },
	{ "p\n", 1, "needs a NAME" },
	{ "p a=b\n", 1, "bad phase name" },
	{ "p one two\n", 1, "unexpected 'two'" },
	{ "c\nc\nf 1", 3, "unknown id 1" },	/* last line without newline */
};

static void test_malformed(void **state)
{
	char err[512], want[300], path[256];
	struct trace t;

	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];

		memset(&t, 0x5a, sizeof(t));
		assert_int_equal(trace_parse_mem("bad", c->text, strlen(c->text), &t, err,
						 sizeof(err)), -1);
		snprintf(want, sizeof(want), "bad:%u: ", c->line);
		if (strncmp(err, want, strlen(want)) || !strstr(err, c->reason)) {
			print_error("case %zu: got \"%s\", want \"%s...%s\"\n", i, err, want,
				    c->reason);
			fail();
		}
		/* a failed parse leaves nothing to free */
		assert_null(t.ops);
		assert_int_equal(t.nr_ops, 0);
	}

	/* the same through a gzip file: line numbers survive decompression */
	tmp_path(path, sizeof(path), "bad.trace.gz");
	write_gz(path, "# header\na 1 5\nf 1\nf 1\n");
	assert_int_equal(trace_load(path, &t, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:4: ", path);
	assert_int_equal(strncmp(err, want, strlen(want)), 0);
	assert_non_null(strstr(err, "not live"));
	unlink(path);

	/* a missing file */
	tmp_path(path, sizeof(path), "does-not-exist");
	assert_int_equal(trace_load(path, &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file"));
}

static void test_long_line(void **state)
{
	char *text = malloc(TRACE_MAX_LINE + 64);
	char err[256];
	struct trace t;
	size_t n;

	(void)state;
	assert_non_null(text);
	n = (size_t)sprintf(text, "c\n#");
	memset(text + n, 'x', TRACE_MAX_LINE);
	text[n + TRACE_MAX_LINE] = '\n';
	assert_int_equal(trace_parse_mem("long", text, n + TRACE_MAX_LINE + 1, &t, err,
					 sizeof(err)), -1);
	assert_int_equal(strncmp(err, "long:2: ", 8), 0);
	assert_non_null(strstr(err, "longer than"));
	free(text);
}

/*
 * A trace written with the writer, large enough that lines cross the
 * reader's chunk boundaries, read back plain and gzip: same operations.
 */
static void test_writer_roundtrip(void **state)
{
	struct trace_writer w;
	struct trace a, b;
	struct test_rng rng;
	char plain[256], gz[256], err[256];
	uint64_t live[64] = { 0 };
	uint32_t expect_ops = 0;

	(void)state;
	tmp_path(plain, sizeof(plain), "rt.trace");
	tmp_path(gz, sizeof(gz), "rt.trace.gz");
	test_rng_init(&rng, test_seed);
	for (int pass = 0; pass < 2; pass++) {
		struct test_rng r2 = rng;

		assert_int_equal(trace_writer_open(&w, pass ? gz : plain, err, sizeof(err)), 0);
		trace_write_comment(&w, "round trip, seed %llu", (unsigned long long)test_seed);
		memset(live, 0, sizeof(live));
		expect_ops = 0;
		for (int i = 0; i < 30000; i++) {
			unsigned int s = (unsigned int)test_rng_below(&r2, 64);

			if (live[s]) {
				trace_write_free(&w, 1000003ull * s + 7);
				live[s] = 0;
			} else {
				live[s] = 1 + test_rng_below(&r2, 4096);
				trace_write_alloc(&w, 1000003ull * s + 7, (uint32_t)live[s]);
			}
			expect_ops++;
			if (i % 5000 == 4999) {
				trace_write_compact(&w);
				trace_write_phase(&w, "step");
				expect_ops += 2;
			}
		}
		assert_int_equal(trace_writer_close(&w, err, sizeof(err)), 0);
	}
	assert_int_equal(trace_load(plain, &a, err, sizeof(err)), 0);
	assert_int_equal(trace_load(gz, &b, err, sizeof(err)), 0);
	assert_int_equal(a.nr_ops, expect_ops);
	assert_int_equal(b.nr_ops, a.nr_ops);
	assert_memory_equal(a.ops, b.ops, a.nr_ops * sizeof(*a.ops));
	assert_int_equal(a.nr_slots, b.nr_slots);
	assert_memory_equal(a.ids, b.ids, a.nr_slots * sizeof(*a.ids));
	assert_int_equal(a.nr_names, 6);
	assert_string_equal(b.names[5], "step");
	trace_free(&a);
	trace_free(&b);
	unlink(plain);
	unlink(gz);
}

/* Cut @path to its first @len bytes. */
static void cut_file(const char *path, off_t len)
{
	assert_int_equal(truncate(path, len), 0);
}

static off_t file_size(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

/* err must be exactly @want. */
static void expect_err(const char *err, const char *want)
{
	if (strcmp(err, want)) {
		print_error("got  \"%s\"\nwant \"%s\"\n", err, want);
		fail();
	}
}

/*
 * A gzip file cut short is an error, not its prefix replayed: the whole
 * file decompresses up to the cut, but the gzip trailer never comes.
 */
static void test_truncated_gz(void **state)
{
	char path[256], err[512], want[512];
	struct trace t;
	struct trace_writer w;
	off_t size;

	(void)state;
	tmp_path(path, sizeof(path), "cut.trace.gz");
	assert_int_equal(trace_writer_open(&w, path, err, sizeof(err)), 0);
	for (unsigned int i = 0; i < 2000; i++)
		trace_write_alloc(&w, i, 100 + i % 300);
	assert_int_equal(trace_writer_close(&w, err, sizeof(err)), 0);
	size = file_size(path);

	/* only the 8-byte trailer (CRC and length) missing */
	cut_file(path, size - 8);
	memset(&t, 0x5a, sizeof(t));
	assert_int_equal(trace_load(path, &t, err, sizeof(err)), -1);
	snprintf(want, sizeof(want),
		 "%s:2001: truncated gzip file: it ends at byte %lld, inside the compressed stream",
		 path, (long long)(size - 8));
	expect_err(err, want);
	assert_null(t.ops);

	/* half of it */
	cut_file(path, size / 2);
	assert_int_equal(trace_load(path, &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "truncated gzip file: it ends at byte"));
	assert_int_equal(strncmp(err, path, strlen(path)), 0);
	unlink(path);
}

/*
 * A cut inside a line is reported at that line.  Level 0 (stored) gzip
 * keeps the text as it is after a 10-byte header and a 5-byte block
 * header, so the cut can be put at a known character.
 */
static void test_truncated_gz_mid_line(void **state)
{
	static const char text[] = "a 1 100\na 2 200\na 3 300\na 4 400\n";
	char path[256], err[512], want[512];
	struct trace t;
	gzFile gz;

	(void)state;
	tmp_path(path, sizeof(path), "midline.trace.gz");
	gz = gzopen(path, "wb0");
	assert_non_null(gz);
	assert_int_equal(gzwrite(gz, text, (unsigned int)strlen(text)), (int)strlen(text));
	assert_int_equal(gzclose(gz), Z_OK);
	/* cut after "a 1 100\na 2 200\na 3 3": inside line 3 */
	cut_file(path, 10 + 5 + 16 + 5);
	assert_int_equal(trace_load(path, &t, err, sizeof(err)), -1);
	snprintf(want, sizeof(want),
		 "%s:3: truncated gzip file: it ends at byte 36, inside the compressed stream",
		 path);
	expect_err(err, want);
	unlink(path);
}

/* Corrupt gzip data names the file (not zlib's "<fd:N>") and the byte. */
static void test_corrupt_gz(void **state)
{
	char path[256], err[512];
	struct trace t;
	FILE *f;

	(void)state;
	tmp_path(path, sizeof(path), "corrupt.trace.gz");
	/* gzip magic, then a compression method that does not exist */
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite("\x1f\x8b\x09\x00\x00\x00\x00\x00\x00\x03garbage", 1, 17, f), 17);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(trace_load(path, &t, err, sizeof(err)), -1);
	assert_int_equal(strncmp(err, path, strlen(path)), 0);
	assert_non_null(strstr(err, ":1: corrupt gzip data before byte "));
	assert_null(strstr(err, "<fd:"));

	/* a good stream followed by bytes that are not gzip */
	write_gz(path, "a 1 5\n");
	f = fopen(path, "a");
	assert_non_null(f);
	fputs("junk", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(trace_load(path, &t, err, sizeof(err)), -1);
	assert_int_equal(strncmp(err, path, strlen(path)), 0);
	assert_non_null(strstr(err, ": not gzip data at byte "));
	unlink(path);
}

/* Concatenated gzip members are one trace, as gzip -d reads them. */
static void test_gz_members(void **state)
{
	char path[256], err[512];
	struct trace t;
	FILE *f;
	gzFile gz;

	(void)state;
	tmp_path(path, sizeof(path), "members.trace.gz");
	write_gz(path, "a 1 5\n");
	f = fopen(path, "a");
	assert_non_null(f);
	gz = gzdopen(dup(fileno(f)), "wb");
	assert_non_null(gz);
	assert_int_equal(gzputs(gz, "f 1\n"), 4);
	assert_int_equal(gzclose(gz), Z_OK);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(trace_load(path, &t, err, sizeof(err)), 0);
	assert_int_equal(t.nr_ops, 2);
	trace_free(&t);
	unlink(path);
}

/*
 * A pipe that a child fills with the first @limit bytes of @path (all of
 * it when -1); returns the read end, a stream that cannot seek.
 */
static int pipe_from_file(const char *path, off_t limit, pid_t *child)
{
	int fds[2];

	assert_int_equal(pipe(fds), 0);
	*child = fork();
	assert_true(*child >= 0);
	if (*child == 0) {
		char buf[4096];
		ssize_t n;
		off_t sent = 0;
		int in = open(path, O_RDONLY);

		close(fds[0]);
		if (in < 0)
			_exit(1);
		/* one byte first: the reader must not need both magic bytes at once */
		while ((n = read(in, buf, sent ? sizeof(buf) : 1)) > 0) {
			if (limit >= 0 && sent + n > limit)
				n = limit - sent;
			if (n <= 0 || write(fds[1], buf, (size_t)n) != n)
				break;
			sent += n;
			if (sent == 1)
				usleep(1000);
		}
		_exit(0);
	}
	close(fds[1]);
	return fds[0];
}

static void wait_child(pid_t child)
{
	int status;

	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* Pipes (process substitution's /dev/fd/N) and "-" for standard input. */
static void test_streams(void **state)
{
	char paths[2][256], err[512], dev[64];
	struct trace t;
	pid_t child;
	int fd, saved;

	(void)state;
	tmp_path(paths[0], sizeof(paths[0]), "stream.trace");
	tmp_path(paths[1], sizeof(paths[1]), "stream.trace.gz");
	write_file(paths[0], every_op);
	write_gz(paths[1], every_op);

	for (int gzip = 0; gzip < 2; gzip++) {
		/* a pipe by name, as bash's <(...) gives it */
		fd = pipe_from_file(paths[gzip], -1, &child);
		snprintf(dev, sizeof(dev), "/dev/fd/%d", fd);
		if (trace_load(dev, &t, err, sizeof(err))) {
			print_error("%s: %s\n", gzip ? "gzip" : "plain", err);
			fail();
		}
		check_every_op(&t);
		trace_free(&t);
		close(fd);
		wait_child(child);

		/* "-": standard input, which stays open */
		fd = pipe_from_file(paths[gzip], -1, &child);
		saved = dup(0);
		assert_true(saved >= 0);
		assert_int_equal(dup2(fd, 0), 0);
		close(fd);
		if (trace_load("-", &t, err, sizeof(err))) {
			print_error("stdin %s: %s\n", gzip ? "gzip" : "plain", err);
			fail();
		}
		check_every_op(&t);
		trace_free(&t);
		assert_true(fcntl(0, F_GETFD) >= 0);
		assert_int_equal(dup2(saved, 0), 0);
		close(saved);
		wait_child(child);
	}

	/* a truncated gzip stream on standard input is named <stdin> */
	fd = pipe_from_file(paths[1], file_size(paths[1]) - 4, &child);
	saved = dup(0);
	assert_int_equal(dup2(fd, 0), 0);
	close(fd);
	assert_int_equal(trace_load("-", &t, err, sizeof(err)), -1);
	assert_int_equal(dup2(saved, 0), 0);
	close(saved);
	wait_child(child);
	assert_int_equal(strncmp(err, "<stdin>:", 8), 0);
	assert_non_null(strstr(err, "truncated gzip file"));
	unlink(paths[0]);
	unlink(paths[1]);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_op),
		cmocka_unit_test(test_file_and_gz),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_writer_roundtrip),
		cmocka_unit_test(test_truncated_gz),
		cmocka_unit_test(test_truncated_gz_mid_line),
		cmocka_unit_test(test_corrupt_gz),
		cmocka_unit_test(test_gz_members),
		cmocka_unit_test(test_streams),
	};
	int ret;

	test_parse_args(argc, argv);
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(tmpdir);
	return ret;
}
