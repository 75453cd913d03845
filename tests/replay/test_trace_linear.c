// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Loading a trace is linear in its size: the per-id arrays grow by
 * doubling, not by one element per new id.  The test counts the
 * parser's realloc() calls (the link wraps realloc for this program
 * only) while loading a trace of many distinct ids: a few dozen are
 * enough for geometric growth; one per id is quadratic copying.
 */
#include "test_helpers.h"
#include "trace.h"

void *__real_realloc(void *ptr, size_t size);
void *__wrap_realloc(void *ptr, size_t size);

static unsigned long nr_realloc;

void *__wrap_realloc(void *ptr, size_t size)
{
	nr_realloc++;
	return __real_realloc(ptr, size);
}

static void test_many_ids(void **state)
{
	const unsigned int nr_ids = 40000;
	size_t cap = (size_t)nr_ids * 24 + 1, len = 0;
	char *text = malloc(cap), err[256];
	struct trace t;

	(void)state;
	assert_non_null(text);
	for (unsigned int i = 0; i < nr_ids; i++)
		len += (size_t)snprintf(text + len, cap - len, "a %u %u\n", i * 7 + 3, 16 + i % 900);
	nr_realloc = 0;
	assert_int_equal(trace_parse_mem("many", text, len, &t, err, sizeof(err)), 0);
	assert_int_equal(t.nr_slots, nr_ids);
	assert_int_equal(t.nr_ops, nr_ids);
	printf("# %u ids loaded with %lu realloc calls\n", nr_ids, nr_realloc);
	assert_true(nr_realloc < 100);
	trace_free(&t);
	free(text);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_ids),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
