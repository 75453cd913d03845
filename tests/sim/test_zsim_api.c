// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * The machine's public API: the config's size member, the exact text of
 * every ZSIM_* environment error and of a too small machine, the
 * output-callback printers against their FILE * versions, and what a
 * fork() child may do.
 */
#include "test_helpers.h"
#include <errno.h>
#include <stddef.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zsmalloc/zsmalloc.h>

#define FORKED_MESSAGE \
	"this process is a fork() child of one with a running simulated machine; the child cannot use that machine or boot another (see fork() in zsim.h)"

static const char *const env_vars[] = {
	"ZSIM_MEM", "ZSIM_PAGEBLOCK_ORDER", "ZSIM_CPUS", "ZSIM_SEED",
	"ZSIM_LOGLEVEL", "ZSIM_MADVISE", "ZSIM_FAIL_PAGE_NTH",
	"ZSIM_FAIL_PAGE_PPM", "ZSIM_FAIL_PAGE_ORDER", "ZSIM_FAIL_SLAB_NTH",
	"ZSIM_FAIL_SLAB_PPM", "ZSIM_COMPACTION", "ZSIM_KCOMPACTD",
};

/* Tests run with ZSIM_LOGLEVEL set: put it back, clear the rest. */
static void clear_env(void)
{
	for (size_t i = 0; i < sizeof(env_vars) / sizeof(env_vars[0]); i++)
		unsetenv(env_vars[i]);
	setenv("ZSIM_LOGLEVEL", "3", 1);
}

/* --- config size -------------------------------------------------------------- */

static void test_config_size(void **state)
{
	struct zsim_config cfg, got;
	char msg[256];

	memset(&cfg, 0x5a, sizeof(cfg));
	zsim_config_default(&cfg);
	assert_int_equal(cfg.size, sizeof(cfg));

	cfg.size = 4;
	assert_int_equal(zsim_init(&cfg), -EINVAL);
	assert_false(zsim_running());
	snprintf(msg, sizeof(msg),
		 "zsim_init: zsim_config.size is 4, expected %zu (sizeof(struct zsim_config)) or %zu (before tracing, memory growth and scheduling were appended): fill the config with zsim_config_default()",
		 sizeof(struct zsim_config), offsetof(struct zsim_config, trace_events));
	assert_string_equal(zsim_last_error(), msg);

	assert_int_equal(zsim_config_from_env(&cfg), -EINVAL);
	snprintf(msg, sizeof(msg),
		 "zsim_config_from_env: zsim_config.size is 4, expected %zu (sizeof(struct zsim_config)) or %zu (before tracing, memory growth and scheduling were appended): fill the config with zsim_config_default()",
		 sizeof(struct zsim_config), offsetof(struct zsim_config, trace_events));
	assert_string_equal(zsim_last_error(), msg);

	/*
	 * A config of 0.1.0's size (it ended at kcompactd): accepted, the
	 * members it lacks take their defaults, and from_env() writes only
	 * its part.
	 */
	{
		struct {
			struct zsim_config c;
			unsigned char guard[8];
		} old;
		size_t old_size = offsetof(struct zsim_config, trace_events);

		zsim_config_default(&old.c);
		old.c.size = (uint32_t)old_size;
		old.c.mem_bytes = 64u << 20;
		memset((char *)&old.c + old_size, 0x5a,
		       sizeof(old) - old_size);
		setenv("ZSIM_CPUS", "2", 1);
		setenv("ZSIM_TRACE_BUF_KB", "64", 1);
		assert_int_equal(zsim_config_from_env(&old.c), 0);
		unsetenv("ZSIM_CPUS");
		unsetenv("ZSIM_TRACE_BUF_KB");
		assert_int_equal(old.c.size, old_size);
		assert_int_equal(old.c.nr_cpus, 2);
		for (size_t i = old_size; i < sizeof(old); i++)
			assert_int_equal(((unsigned char *)&old)[i], 0x5a);
		assert_int_equal(zsim_init(&old.c), 0);
		assert_int_equal(zsim_get_config(&got), 0);
		assert_int_equal(got.size, sizeof(got));
		assert_int_equal(got.mem_bytes, 64u << 20);
		assert_int_equal(got.nr_cpus, 2);
		assert_int_equal(got.trace_buf_kb, ZSIM_TRACE_BUF_KB_DEFAULT);
		assert_int_equal(got.sched, ZSIM_SCHED_FREE);
		assert_int_equal(zsim_exit(), 0);
	}

	/* the fault config has its own size, checked where it is taken */
	{
		struct zsim_fault_config f = { .page_fail_order = -1 };

		zsim_config_default(&cfg);
		assert_int_equal(cfg.fault.size, sizeof(cfg.fault));
		assert_int_equal(cfg.fault.page_fail_order, -1);
		cfg.fault.size = 0;
		assert_int_equal(zsim_init(&cfg), -EINVAL);
		snprintf(msg, sizeof(msg),
			 "zsim_fault_config.size is 0, expected %zu (sizeof(struct zsim_fault_config)): fill the config with zsim_fault_config_default()",
			 sizeof(struct zsim_fault_config));
		assert_string_equal(zsim_last_error(), msg);
		assert_false(zsim_running());
		assert_int_equal(zsim_fault_set(&f), -EINVAL);
		assert_string_equal(zsim_last_error(), msg);
		zsim_fault_config_default(&f);
		assert_int_equal(f.size, sizeof(f));
		assert_int_equal(f.page_fail_order, -1);
		assert_int_equal(f.page_fail_nth + f.page_fail_ppm + f.slab_fail_nth +
				 f.slab_fail_ppm + f.seed, 0);
	}

	/* the running machine's config comes back whole, size included */
	zsim_config_default(&cfg);
	cfg.mem_bytes = 32ULL << 20;
	cfg.loglevel = 3;
	assert_int_equal(zsim_init(&cfg), 0);
	memset(&got, 0, sizeof(got));
	assert_int_equal(zsim_get_config(&got), 0);
	assert_int_equal(got.size, sizeof(got));
	assert_int_equal(got.mem_bytes, 32ULL << 20);
	assert_int_equal(zsim_get_config(NULL), -EINVAL);
	assert_int_equal(zsim_exit(), 0);
}

/* --- environment messages ----------------------------------------------------- */

struct env_case {
	const char *name, *value;
	const char *pageblock_order;	/* ZSIM_PAGEBLOCK_ORDER too, or NULL */
	const char *message;
};

static const struct env_case bad_env[] = {
	{ "ZSIM_COMPACTION", "maybe", NULL,
	  "ZSIM_COMPACTION=\"maybe\" is not a switch: expected on or off (or 1 or 0)" },
	{ "ZSIM_KCOMPACTD", "2", NULL,
	  "ZSIM_KCOMPACTD=\"2\" is not a switch: expected on or off (or 1 or 0)" },
	{ "ZSIM_MADVISE", "yes", NULL,
	  "ZSIM_MADVISE=\"yes\" is not a switch: expected on or off (or 1 or 0)" },
	{ "ZSIM_CPUS", "0", NULL,
	  "ZSIM_CPUS=\"0\" is out of range: expected a whole number in 1..64" },
	{ "ZSIM_CPUS", "65", NULL,
	  "ZSIM_CPUS=\"65\" is out of range: expected a whole number in 1..64" },
	{ "ZSIM_CPUS", "four", NULL,
	  "ZSIM_CPUS=\"four\" is not a number: expected a whole number in 1..64" },
	{ "ZSIM_CPUS", "-3", NULL,
	  "ZSIM_CPUS=\"-3\" is out of range: expected a whole number in 1..64" },
	{ "ZSIM_PAGEBLOCK_ORDER", "11", NULL,
	  "ZSIM_PAGEBLOCK_ORDER=\"11\" is out of range: expected a whole number in 1..10" },
	{ "ZSIM_LOGLEVEL", "9", NULL,
	  "ZSIM_LOGLEVEL=\"9\" is out of range: expected a whole number in 0..8" },
	{ "ZSIM_FAIL_PAGE_PPM", "1000001", NULL,
	  "ZSIM_FAIL_PAGE_PPM=\"1000001\" is out of range: expected a whole number in 0..1000000" },
	{ "ZSIM_FAIL_SLAB_PPM", "1e6", NULL,
	  "ZSIM_FAIL_SLAB_PPM=\"1e6\" is not a number: expected a whole number in 0..1000000" },
	{ "ZSIM_FAIL_PAGE_ORDER", "-2", NULL,
	  "ZSIM_FAIL_PAGE_ORDER=\"-2\" is out of range: expected a whole number in -1..10" },
	{ "ZSIM_FAIL_PAGE_ORDER", "x", NULL,
	  "ZSIM_FAIL_PAGE_ORDER=\"x\" is not a number: expected a whole number in -1..10" },
	{ "ZSIM_SEED", "abc", NULL,
	  "ZSIM_SEED=\"abc\" is not a number: expected a whole number (decimal, or hexadecimal with 0x)" },
	{ "ZSIM_SEED", "99999999999999999999", NULL,
	  "ZSIM_SEED=\"99999999999999999999\" is out of range: expected a whole number in 0..18446744073709551615" },
	{ "ZSIM_FAIL_PAGE_NTH", "-1", NULL,
	  "ZSIM_FAIL_PAGE_NTH=\"-1\" is out of range: expected a whole number in 0..18446744073709551615" },
	{ "ZSIM_MEM", "lots", NULL,
	  "ZSIM_MEM=\"lots\" is not a size: expected bytes or a number with a K, M or G suffix, such as 256M" },
	{ "ZSIM_MEM", "12X", NULL,
	  "ZSIM_MEM=\"12X\" is not a size: expected bytes or a number with a K, M or G suffix, such as 256M" },
	{ "ZSIM_MEM", "4M", NULL,
	  "ZSIM_MEM=\"4M\" is too small: at least 8M (4 pageblocks of 2M)" },
	{ "ZSIM_MEM", "4096", NULL,
	  "ZSIM_MEM=\"4096\" is too small: at least 8M (4 pageblocks of 2M)" },
	{ "ZSIM_MEM", "2M", "5",
	  "ZSIM_MEM=\"2M\" is too small: at least 4M" },
	{ "ZSIM_MEM", "8M", "10",
	  "ZSIM_MEM=\"8M\" is too small: at least 16M (4 pageblocks of 4M)" },
	{ "ZSIM_MEM", "9M", NULL,
	  "ZSIM_MEM=\"9M\" is not a multiple of a pageblock (2M at pageblock order 9)" },
	{ "ZSIM_MEM", "2048G", NULL,
	  "ZSIM_MEM=\"2048G\" is too large: at most 1024G" },
	{ "ZSIM_MEM", "99999999999G", NULL,
	  "ZSIM_MEM=\"99999999999G\" is too large: at most 1024G" },
};

static void test_env_messages(void **state)
{
	struct zsim_config cfg;

	for (size_t i = 0; i < sizeof(bad_env) / sizeof(bad_env[0]); i++) {
		const struct env_case *c = &bad_env[i];

		clear_env();
		setenv(c->name, c->value, 1);
		if (c->pageblock_order)
			setenv("ZSIM_PAGEBLOCK_ORDER", c->pageblock_order, 1);
		zsim_config_default(&cfg);
		assert_int_equal(zsim_config_from_env(&cfg), -EINVAL);
		if (strcmp(zsim_last_error(), c->message))
			fprintf(stderr, "%s=%s:\n  got      '%s'\n  expected '%s'\n",
				c->name, c->value, zsim_last_error(), c->message);
		assert_string_equal(zsim_last_error(), c->message);
	}
	clear_env();
}

static void test_env_values_accepted(void **state)
{
	struct zsim_config cfg;

	clear_env();
	setenv("ZSIM_COMPACTION", "off", 1);
	setenv("ZSIM_KCOMPACTD", "ON", 1);
	setenv("ZSIM_MADVISE", "0", 1);
	setenv("ZSIM_FAIL_PAGE_ORDER", "-1", 1);
	setenv("ZSIM_MEM", "16MiB", 1);
	setenv("ZSIM_PAGEBLOCK_ORDER", "10", 1);
	setenv("ZSIM_CPUS", "0x10", 1);
	zsim_config_default(&cfg);
	assert_int_equal(zsim_config_from_env(&cfg), 0);
	assert_false(cfg.compaction);
	assert_true(cfg.kcompactd);
	assert_false(cfg.madvise);
	assert_int_equal(cfg.fault.page_fail_order, -1);
	assert_int_equal(cfg.mem_bytes, 16ULL << 20);
	assert_int_equal(cfg.pageblock_order, 10);
	assert_int_equal(cfg.nr_cpus, 16);
	setenv("ZSIM_COMPACTION", "1", 1);
	setenv("ZSIM_FAIL_PAGE_ORDER", "10", 1);
	assert_int_equal(zsim_config_from_env(&cfg), 0);
	assert_true(cfg.compaction);
	assert_int_equal(cfg.fault.page_fail_order, 10);
	clear_env();
}

/* zsim_init() says the minimum in the unit style ZSIM_MEM accepts. */
static void test_machine_size_messages(void **state)
{
	struct zsim_config cfg;

	zsim_config_default(&cfg);
	cfg.mem_bytes = 4ULL << 20;
	assert_int_equal(zsim_init(&cfg), -EINVAL);
	assert_string_equal(zsim_last_error(),
			    "machine size 4M is too small: at least 8M (4 pageblocks of 2M)");
	cfg.mem_bytes = (64ULL << 20) + 4096;
	assert_int_equal(zsim_init(&cfg), -EINVAL);
	assert_string_equal(zsim_last_error(),
			    "machine size 65540K is not a multiple of a pageblock (2M at pageblock order 9)");
	cfg.mem_bytes = 2ULL << 40;
	assert_int_equal(zsim_init(&cfg), -EINVAL);
	assert_string_equal(zsim_last_error(),
			    "machine size 2048G is too large: at most 1024G");
	cfg.mem_bytes = 1000;
	assert_int_equal(zsim_init(&cfg), -EINVAL);
	assert_string_equal(zsim_last_error(),
			    "machine size 1000 is too small: at least 8M (4 pageblocks of 2M)");
	assert_false(zsim_running());
}

/* --- children ---------------------------------------------------------------- */

/*
 * Run @fn in a child with its stderr going to a pipe; returns the wait
 * status and what the child wrote to stderr (up to @len - 1 bytes).
 */
static int run_child(int (*fn)(void), char *err, size_t len)
{
	int fds[2], status;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], STDERR_FILENO);
		close(fds[1]);
		_exit(fn());
	}
	close(fds[1]);
	while (got < len - 1 && (n = read(fds[0], err + got, len - 1 - got)) > 0)
		got += (size_t)n;
	err[got] = '\0';
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

/*
 * The child's stderr is exactly @expect; under Valgrind, which reports a
 * child's abort on the same stderr, it only has to contain it.
 */
static void expect_child_stderr(const char *err, const char *expect)
{
	if (test_under_valgrind())
		assert_non_null(strstr(err, expect));
	else
		assert_string_equal(err, expect);
}

static int child_boots_default_with_bad_env(void)
{
	setenv("ZSIM_COMPACTION", "maybe", 1);
	zs_create_pool("bad env");	/* boots the default machine: aborts */
	return 3;
}

/* The default machine's boot failure, exactly as it reaches stderr. */
static void test_default_boot_bad_env_stderr(void **state)
{
	char err[1024];
	int status;

	assert_false(zsim_running());
	status = run_child(child_boots_default_with_bad_env, err, sizeof(err));
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
	expect_child_stderr(err,
		"zsim: cannot boot the default machine: ZSIM_COMPACTION=\"maybe\" is not a switch: expected on or off (or 1 or 0)\n");
}

/* In a child of a running machine: what zsim.h promises. */
static int child_forgets_machine(void)
{
	if (zsim_running())
		return 10;
	if (zsim_exit() != 0)
		return 11;
	if (zsim_init(NULL) != -EPERM)
		return 12;
	if (strcmp(zsim_last_error(), FORKED_MESSAGE))
		return 13;
	if (zsim_exit() != 0)
		return 14;
	return 0;
}

static int child_uses_machine(void)
{
	zs_create_pool("in the child");	/* must abort, with the reason */
	return 20;
}

static int child_without_machine(void)
{
	struct zsim_config cfg;
	struct zs_pool *pool;
	unsigned long h;

	zsim_config_default(&cfg);
	cfg.mem_bytes = 16ULL << 20;
	cfg.pageblock_order = 7;
	cfg.loglevel = 3;
	if (zsim_init(&cfg))
		return 30;
	pool = zs_create_pool("child");
	if (!pool)
		return 31;
	h = zs_malloc(pool, 100, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
	if (zs_is_err_handle(h))
		return 32;
	zs_obj_write(pool, h, "child", 6);
	zs_free(pool, h);
	zs_destroy_pool(pool);
	return zsim_exit() == 0 ? 0 : 33;
}

static void test_fork(void **state)
{
	struct zs_pool *pool;
	unsigned long h[100];
	char err[1024], copy[64];
	const char *p;
	int status, i;

	test_boot(32ULL << 20, 9);
	pool = zs_create_pool("parent");
	assert_non_null(pool);
	for (i = 0; i < 100; i++) {
		h[i] = zs_malloc(pool, 50, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
		zs_obj_write(pool, h[i], "parent's object", 16);
	}

	/* a child forgets the machine: zsim_exit() is clean, no new boot */
	status = run_child(child_forgets_machine, err, sizeof(err));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	expect_child_stderr(err, "");

	/* a child that touches the machine stops with the reason */
	status = run_child(child_uses_machine, err, sizeof(err));
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
	expect_child_stderr(err, "zsim: " FORKED_MESSAGE "\n");

	/* the parent goes on as before */
	assert_true(zsim_running());
	for (i = 0; i < 100; i++) {
		p = zs_obj_read_begin(pool, h[i], 16, copy);
		assert_string_equal(p, "parent's object");
		zs_obj_read_end(pool, h[i], 16, p);
		zs_free(pool, h[i]);
	}
	zs_destroy_pool(pool);
	test_shutdown();

	/* a child forked with no machine running may boot its own */
	status = run_child(child_without_machine, err, sizeof(err));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* --- printers with an output callback ---------------------------------------- */

struct printer {
	const char *name;
	int (*to_file)(FILE *out);
	int (*to_fn)(zsim_output_fn *fn, void *arg);
};

static const struct printer printers[] = {
	{ "buddyinfo", zsim_print_buddyinfo, zsim_print_buddyinfo_cb },
	{ "pagetypeinfo", zsim_print_pagetypeinfo, zsim_print_pagetypeinfo_cb },
	{ "zoneinfo", zsim_print_zoneinfo, zsim_print_zoneinfo_cb },
	{ "vmstat", zsim_print_vmstat, zsim_print_vmstat_cb },
	{ "unusable_index", zsim_print_unusable_index, zsim_print_unusable_index_cb },
	{ "extfrag_index", zsim_print_extfrag_index, zsim_print_extfrag_index_cb },
	{ "slabinfo", zsim_print_slabinfo, zsim_print_slabinfo_cb },
};

static void test_printer_callbacks(void **state)
{
	static struct collected c;
	unsigned long pfn = zsim_alloc_pages(2, ZSIM_MOVABLE);

	assert_true(pfn != 0);
	for (size_t i = 0; i < sizeof(printers) / sizeof(printers[0]); i++) {
		const struct printer *pr = &printers[i];
		FILE *f = tmpfile();
		unsigned int lines = 0;
		long len;
		char *s;

		memset(&c, 0, sizeof(c));
		assert_int_equal(pr->to_fn(collect, &c), 0);
		assert_int_equal(pr->to_file(f), 0);
		len = ftell(f);
		s = calloc(1, (size_t)len + 1);
		rewind(f);
		assert_int_equal(fread(s, 1, (size_t)len, f), (size_t)len);
		fclose(f);
		if (strcmp(s, c.text))
			fprintf(stderr, "%s differs:\n%s---\n%s", pr->name, s, c.text);
		assert_string_equal(s, c.text);
		for (size_t k = 0; k < c.len; k++)
			lines += c.text[k] == '\n';
		assert_true(lines > 0);
		assert_int_equal(c.calls, lines);
		assert_int_equal(c.bad_lines, 0);
		free(s);

		assert_int_equal(pr->to_fn(NULL, NULL), -EINVAL);
		assert_int_equal(pr->to_file(NULL), -EINVAL);
	}
	assert_int_equal(zsim_free_pages(pfn, 2), 0);
}

static void test_slabinfo_needs_machine(void **state)
{
	static struct collected c;

	assert_false(zsim_running());
	assert_int_equal(zsim_print_slabinfo_cb(collect, &c), -ENODEV);
	assert_int_equal(c.calls, 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_size),
		cmocka_unit_test(test_env_messages),
		cmocka_unit_test(test_env_values_accepted),
		cmocka_unit_test(test_machine_size_messages),
		cmocka_unit_test(test_default_boot_bad_env_stderr),
		cmocka_unit_test(test_fork),
		cmocka_unit_test_setup_teardown(test_printer_callbacks,
						test_setup_small_machine,
						test_teardown_machine),
		cmocka_unit_test(test_slabinfo_needs_machine),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests_name("zsim public API", tests, NULL, NULL);
}
