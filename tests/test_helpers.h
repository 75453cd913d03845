/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
/*
 * Shared helpers for the cmocka tests: a small fresh machine per test,
 * a reproducible seed that is always printed, and a way to catch BUG().
 */
#ifndef ZSMALLOC_TEST_HELPERS_H
#define ZSMALLOC_TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <zsmalloc/zsim.h>

#include "../tools/util.h"

/* The run's seed: ZSIM_SEED or -s SEED on the command line, else 1. */
static uint64_t test_seed = 1;

static inline void test_parse_args(int argc, char **argv)
{
	const char *env = getenv("ZSIM_SEED");

	if (env && *env)
		test_seed = strtoull(env, NULL, 0);
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-s") && i + 1 < argc)
			test_seed = strtoull(argv[++i], NULL, 0);
	printf("# seed %llu (rerun with ZSIM_SEED=%llu)\n",
	       (unsigned long long)test_seed, (unsigned long long)test_seed);
}

/* Is -l (long mode) on the command line or ZSIM_LONG=1 set? */
static inline int test_long_mode(int argc, char **argv)
{
	const char *env = getenv("ZSIM_LONG");

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-l"))
			return 1;
	return env && atoi(env) > 0;
}

/* Running under Valgrind (set by CTest's memcheck.* tests)? Scale down. */
static inline int test_under_valgrind(void)
{
	const char *env = getenv("ZSIM_VALGRIND");

	return env && atoi(env) > 0;
}

/* The tools' generator (splitmix64, tools/util.h), under the tests' names. */
struct test_rng {
	struct util_rng r;
};

static inline void test_rng_init(struct test_rng *r, uint64_t seed)
{
	util_rng_init(&r->r, seed);
}

static inline uint64_t test_rng_next(struct test_rng *r)
{
	return util_rng_next(&r->r);
}

/* Uniform in [0, n). */
static inline uint64_t test_rng_below(struct test_rng *r, uint64_t n)
{
	return util_rng_below(&r->r, n);
}


/*
 * What a printer's output callback received: the text, and how many calls
 * there were and how many did not carry exactly one whole line.
 */
struct collected {
	char text[1 << 16];
	size_t len;
	unsigned int calls, bad_lines;
};

/* An output callback (zs_output_fn, zsim_output_fn) into a struct collected. */
static inline void collect(void *arg, const char *text)
{
	struct collected *c = (struct collected *)arg;
	size_t n = strlen(text);
	const char *nl = strchr(text, '\n');

	c->calls++;
	if (!nl || nl[1] != '\0')
		c->bad_lines++;
	assert_true(c->len + n < sizeof(c->text));
	memcpy(c->text + c->len, text, n + 1);
	c->len += n;
}

/*
 * Boot a fresh machine of @mem_bytes with @pageblock_order and @nr_cpus
 * simulated CPUs (0: the default).
 */
static inline void test_boot_cpus(uint64_t mem_bytes, unsigned int pageblock_order,
				  unsigned int nr_cpus)
{
	struct zsim_config cfg;
	int err;

	zsim_config_default(&cfg);
	cfg.mem_bytes = mem_bytes;
	cfg.pageblock_order = pageblock_order;
	if (nr_cpus)
		cfg.nr_cpus = nr_cpus;
	cfg.seed = test_seed;
	cfg.loglevel = 3;
	err = zsim_init(&cfg);
	if (err)
		fprintf(stderr, "zsim_init: %s\n", zsim_last_error());
	assert_int_equal(err, 0);
}

/* Boot a fresh machine of @mem_bytes with @pageblock_order. */
static inline void test_boot(uint64_t mem_bytes, unsigned int pageblock_order)
{
	test_boot_cpus(mem_bytes, pageblock_order, 0);
}

/*
 * Free pages as a caller can count on them: on the buddy lists
 * (free_pages, the kernel's NR_FREE_PAGES) and on the per-CPU lists.
 */
static inline unsigned long test_free_pages(void)
{
	struct zsim_zoneinfo zi;

	assert_int_equal(zsim_get_zoneinfo(&zi), 0);
	return (unsigned long)(zi.free_pages + zi.pcp_pages);
}

/* Shut the machine down and require that nothing leaked. */
static inline void test_shutdown(void)
{
	assert_int_equal(zsim_exit(), 0);
}

/* cmocka fixtures: a 64 MiB machine with 512 KiB pageblocks. */
static inline int test_setup_small_machine(void **state)
{
	(void)state;
	test_boot(64ULL << 20, 7);
	return 0;
}

static inline int test_teardown_machine(void **state)
{
	(void)state;
	test_shutdown();
	return 0;
}

/*
 * Catching BUG(): EXPECT_BUG(stmt) runs stmt and asserts that it hit
 * BUG()/BUG_ON()/VM_BUG_ON*(); the handler longjmps back here.  The
 * message is kept in test_bug_message.  State the BUG interrupted (held
 * locks) is abandoned, so use it on paths that BUG before locking.
 */
static jmp_buf test_bug_jmp;
static char test_bug_message[512];
static int test_bug_armed;

static inline void test_bug_handler(const char *message)
{
	snprintf(test_bug_message, sizeof(test_bug_message), "%s", message);
	if (test_bug_armed) {
		test_bug_armed = 0;
		longjmp(test_bug_jmp, 1);
	}
}

#define EXPECT_BUG(stmt) do {						\
	zsim_bug_handler_t __old = zsim_set_bug_handler(test_bug_handler); \
	test_bug_message[0] = '\0';					\
	if (setjmp(test_bug_jmp) == 0) {				\
		test_bug_armed = 1;					\
		stmt;							\
		test_bug_armed = 0;					\
		zsim_set_bug_handler(__old);				\
		fail_msg("expected BUG() from: %s", #stmt);		\
	}								\
	zsim_set_bug_handler(__old);					\
	assert_true(test_bug_message[0] != '\0');			\
} while (0)

#endif /* ZSMALLOC_TEST_HELPERS_H */
