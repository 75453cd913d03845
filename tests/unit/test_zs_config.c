// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * The public API's bookkeeping: presets named by kernel version, each
 * policy knob on its own and in every combination, the config's size
 * member, NULL names, the version macros against the library, and the
 * output-callback printers against their FILE * versions.
 */
#include "test_helpers.h"
#include <errno.h>
#include <unistd.h>
#include <zsmalloc/zsmalloc.h>
#include "impl_helpers.h"

/* --- stderr capture --------------------------------------------------- */

static int saved_stderr = -1;
static FILE *capture_file;

static void capture_stderr_begin(void)
{
	fflush(stderr);
	capture_file = tmpfile();
	assert_non_null(capture_file);
	saved_stderr = dup(STDERR_FILENO);
	assert_true(saved_stderr >= 0);
	assert_true(dup2(fileno(capture_file), STDERR_FILENO) >= 0);
}

/* Stop capturing; returns what was written (free() it). */
static char *capture_stderr_end(void)
{
	char *text;
	long len;

	fflush(stderr);
	assert_true(dup2(saved_stderr, STDERR_FILENO) >= 0);
	close(saved_stderr);
	len = ftell(capture_file);
	assert_true(len >= 0);
	text = calloc(1, (size_t)len + 1);
	assert_non_null(text);
	rewind(capture_file);
	assert_int_equal(fread(text, 1, (size_t)len, capture_file), (size_t)len);
	fclose(capture_file);
	return text;
}

/* --- presets ------------------------------------------------------------- */

static void test_presets(void **state)
{
	struct zs_pool_config cfg;

	memset(&cfg, 0xa5, sizeof(cfg));
	zs_pool_config_init(&cfg, ZS_PRESET_LINUX_4_8);
	assert_int_equal(cfg.size, sizeof(cfg));
	assert_int_equal(cfg.chain_size, 4);
	assert_int_equal(cfg.page_rule, ZS_PAGES_MAX_USED_PERCENT);
	assert_int_equal(cfg.fullness, ZS_FULLNESS_QUARTERS);
	assert_int_equal(cfg.compaction, ZS_COMPACT_DRAIN_SOURCE);
	assert_int_equal(cfg.list_order, ZS_LIST_BY_INUSE);
	assert_int_equal(zs_pool_config_check(&cfg), 0);

	memset(&cfg, 0xa5, sizeof(cfg));
	zs_pool_config_init(&cfg, ZS_PRESET_LINUX_6_18);
	assert_int_equal(cfg.size, sizeof(cfg));
	assert_int_equal(cfg.chain_size, 8);
	assert_int_equal(cfg.page_rule, ZS_PAGES_MIN_WASTE);
	assert_int_equal(cfg.fullness, ZS_FULLNESS_RATIOS);
	assert_int_equal(cfg.compaction, ZS_COMPACT_FILL_DESTINATION);
	assert_int_equal(cfg.list_order, ZS_LIST_HEAD);
	assert_int_equal(zs_pool_config_check(&cfg), 0);

	/* the old name is the newest kernel-version preset */
	assert_int_equal(ZS_PRESET_NEWEST, ZS_PRESET_LINUX_6_18);
}

/* --- config size and field checks --------------------------------------- */

static void expect_rejected(const struct zs_pool_config *cfg, const char *message)
{
	char *text;
	int err = 0;

	capture_stderr_begin();
	assert_int_equal(zs_pool_config_check(cfg), -EINVAL);
	errno = 0;
	assert_null(zs_create_pool_config("rejected", cfg, &err));
	text = capture_stderr_end();
	assert_int_equal(err, -EINVAL);
	assert_int_equal(errno, EINVAL);
	/* the message, once from the check and once from the create */
	if (!strstr(text, message))
		fprintf(stderr, "stderr was: '%s'\nexpected: '%s'\n", text, message);
	assert_non_null(strstr(text, message));
	assert_non_null(strstr(strstr(text, message) + 1, message));
	free(text);
}

static void test_config_size_checked(void **state)
{
	struct zs_pool_config cfg;
	char msg[256];

	zs_pool_config_init(&cfg, ZS_PRESET_NEWEST);
	cfg.size = 12;
	snprintf(msg, sizeof(msg),
		 "zsmalloc: zs_pool_config.size is 12, expected %zu (sizeof(struct zs_pool_config)): fill the config with zs_pool_config_init()\n",
		 sizeof(struct zs_pool_config));
	expect_rejected(&cfg, msg);
	cfg.size = 0;
	snprintf(msg, sizeof(msg), "zs_pool_config.size is 0, expected %zu",
		 sizeof(struct zs_pool_config));
	expect_rejected(&cfg, msg);
	cfg.size = sizeof(cfg) + 8;
	snprintf(msg, sizeof(msg), "zs_pool_config.size is %zu, expected %zu",
		 sizeof(cfg) + 8, sizeof(struct zs_pool_config));
	expect_rejected(&cfg, msg);
}

static void test_config_fields_named(void **state)
{
	struct zs_pool_config cfg;

	zs_pool_config_init(&cfg, ZS_PRESET_NEWEST);
	cfg.chain_size = 17;
	expect_rejected(&cfg, "zsmalloc: zs_pool_config.chain_size 17 is outside 1..16\n");
	zs_pool_config_init(&cfg, ZS_PRESET_NEWEST);
	cfg.page_rule = (enum zs_page_rule)5;
	expect_rejected(&cfg, "zsmalloc: zs_pool_config.page_rule 5 is not ZS_PAGES_MAX_USED_PERCENT or ZS_PAGES_MIN_WASTE\n");
	zs_pool_config_init(&cfg, ZS_PRESET_NEWEST);
	cfg.fullness = (enum zs_fullness_scheme)2;
	expect_rejected(&cfg, "zsmalloc: zs_pool_config.fullness 2 is not ZS_FULLNESS_QUARTERS or ZS_FULLNESS_RATIOS\n");
	zs_pool_config_init(&cfg, ZS_PRESET_NEWEST);
	cfg.compaction = (enum zs_compaction_policy)3;
	expect_rejected(&cfg, "zsmalloc: zs_pool_config.compaction 3 is not ZS_COMPACT_DRAIN_SOURCE, ZS_COMPACT_FILL_DESTINATION or ZS_COMPACT_EMPTY_TAILS\n");
	zs_pool_config_init(&cfg, ZS_PRESET_NEWEST);
	cfg.list_order = (enum zs_list_order)-1;
	expect_rejected(&cfg, "zsmalloc: zs_pool_config.list_order -1 is not ZS_LIST_BY_INUSE or ZS_LIST_HEAD\n");
	zs_pool_config_init(&cfg, ZS_PRESET_NEWEST);
	cfg.growth = (enum zs_growth)2;
	expect_rejected(&cfg, "zsmalloc: zs_pool_config.growth 2 is not ZS_GROW_WHOLE or ZS_GROW_BY_PAGE\n");
}

/* --- NULL names ------------------------------------------------------------ */

static void test_null_name_rejected(void **state)
{
	struct zs_pool_config cfg;
	char *text;
	int err = 0;

	capture_stderr_begin();
	errno = 0;
	assert_null(zs_create_pool(NULL));
	assert_int_equal(errno, EINVAL);

	zs_pool_config_init(&cfg, ZS_PRESET_LINUX_4_8);
	errno = 0;
	assert_null(zs_create_pool_config(NULL, &cfg, &err));
	assert_int_equal(err, -EINVAL);
	assert_int_equal(errno, EINVAL);

	/* and a NULL config, with or without @err */
	err = 0;
	errno = 0;
	assert_null(zs_create_pool_config("no config", NULL, &err));
	assert_int_equal(err, -EINVAL);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(zs_create_pool_config(NULL, &cfg, NULL));
	assert_int_equal(errno, EINVAL);
	text = capture_stderr_end();
	assert_non_null(strstr(text, "zsmalloc: a pool needs a name (name is NULL)\n"));
	free(text);
}

/* --- every combination of the knobs ----------------------------------------- */

struct knobs {
	enum zs_fullness_scheme fullness;
	enum zs_compaction_policy compaction;
	enum zs_list_order list_order;
};

/*
 * Fill a pool with objects of a few sizes, free most of them in a
 * pattern that leaves zspages partly used, compact, and check that the
 * data survived.  Returns the objects compaction moved.
 */
static uint64_t run_knobs(const struct knobs *k, unsigned long *pages_freed)
{
	enum { N = 6000 };
	struct zs_pool_config cfg;
	struct zs_pool_snapshot *snap;
	unsigned long *h;
	struct zs_pool *pool;
	struct test_rng r;
	unsigned char buf[512], copy[512];
	uint64_t moved;
	int i, err = 0;

	zs_pool_config_init(&cfg, ZS_PRESET_NEWEST);
	cfg.fullness = k->fullness;
	cfg.compaction = k->compaction;
	cfg.list_order = k->list_order;
	TEST_SKIP_UNSUPPORTED(&cfg);
	snap = calloc(1, sizeof(*snap));
	h = calloc(N, sizeof(*h));
	assert_non_null(snap);
	assert_non_null(h);
	pool = zs_create_pool_config("knobs", &cfg, &err);
	assert_non_null(pool);
	assert_int_equal(err, 0);

	test_rng_init(&r, 4242);
	for (i = 0; i < N; i++) {
		size_t len = 100 + 50 * (i % 7);

		h[i] = zs_malloc(pool, len, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);
		assert_false(zs_is_err_handle(h[i]));
		memset(buf, (int)(i & 0xff), len);
		zs_obj_write(pool, h[i], buf, len);
	}
	for (i = 0; i < N; i++) {
		if (test_rng_below(&r, 100) < 70) {
			zs_free(pool, h[i]);
			h[i] = 0;
		}
	}
	*pages_freed = zs_compact(pool);
	for (i = 0; i < N; i++) {
		size_t len = 100 + 50 * (i % 7);
		const unsigned char *p;

		if (!h[i])
			continue;
		p = zs_obj_read_begin(pool, h[i], len, copy);
		memset(buf, (int)(i & 0xff), len);
		assert_memory_equal(p, buf, len);
		zs_obj_read_end(pool, h[i], len, p);
	}

	snap->size = sizeof(*snap);
	assert_int_equal(zs_pool_snapshot(pool, snap), 0);
	assert_int_equal(snap->config.size, sizeof(snap->config));
	assert_int_equal(snap->config.fullness, k->fullness);
	assert_int_equal(snap->config.compaction, k->compaction);
	assert_int_equal(snap->config.list_order, k->list_order);
	assert_int_equal(snap->nr_groups, k->fullness == ZS_FULLNESS_QUARTERS ? 4 : 12);
	moved = snap->objs_moved;

	for (i = 0; i < N; i++)
		zs_free(pool, h[i]);
	zs_destroy_pool(pool);
	free(h);
	free(snap);
	return moved;
}

static void test_every_combination(void **state)
{
	uint64_t moved[2][2][2];
	unsigned long freed[2][2][2];
	struct knobs k;
	int f, c, l;

	for (f = 0; f < 2; f++) {
		for (c = 0; c < 2; c++) {
			for (l = 0; l < 2; l++) {
				k.fullness = (enum zs_fullness_scheme)f;
				k.compaction = (enum zs_compaction_policy)c;
				k.list_order = (enum zs_list_order)l;
				moved[f][c][l] = run_knobs(&k, &freed[f][c][l]);
				print_message("# fullness %d compaction %d list order %d: %lu pages freed, %llu objects moved\n",
					      f, c, l, freed[f][c][l],
					      (unsigned long long)moved[f][c][l]);
				assert_true(freed[f][c][l] > 0);
				assert_true(moved[f][c][l] > 0);
			}
		}
	}
	/*
	 * The compaction and list order knobs are honoured on their own: on
	 * the quarter groups (where this workload tells them apart; over the
	 * ratio groups both policies happen to pick the same zspages here),
	 * changing only one knob changes the objects moved.
	 */
	for (l = 0; l < 2; l++)
		assert_true(moved[0][0][l] != moved[0][1][l]);
	for (c = 0; c < 2; c++)
		assert_true(moved[0][c][0] != moved[0][c][1]);
}

/* --- version --------------------------------------------------------------- */

static void test_version(void **state)
{
	char expect[32];

	snprintf(expect, sizeof(expect), "%d.%d.%d", ZSMALLOC_VERSION_MAJOR,
		 ZSMALLOC_VERSION_MINOR, ZSMALLOC_VERSION_PATCH);
	assert_string_equal(ZSMALLOC_VERSION_STRING, expect);
	assert_string_equal(zs_version(), ZSMALLOC_VERSION_STRING);
	assert_int_equal(zs_version_number(), ZSMALLOC_VERSION_NUMBER);
	assert_int_equal(ZSMALLOC_VERSION_NUMBER,
			 ZSMALLOC_VERSION_MAJOR * 10000 + ZSMALLOC_VERSION_MINOR * 100 +
			 ZSMALLOC_VERSION_PATCH);
}

/* --- printers with an output callback ------------------------------------------ */

static char *file_text(FILE *f)
{
	long len = ftell(f);
	char *s = calloc(1, (size_t)len + 1);

	assert_non_null(s);
	rewind(f);
	assert_int_equal(fread(s, 1, (size_t)len, f), (size_t)len);
	return s;
}

static void count_lines_equal(const struct collected *c)
{
	unsigned int lines = 0;
	size_t i;

	for (i = 0; i < c->len; i++)
		lines += c->text[i] == '\n';
	assert_int_equal(c->calls, lines);
	assert_int_equal(c->bad_lines, 0);
}

static void test_printer_callbacks(void **state)
{
	static struct collected c;
	struct zs_zram_stat z = { .orig_data_size = 12345, .compr_data_size = 678 };
	struct zs_pool *pool;
	unsigned long h[64];
	FILE *f;
	char *s;
	int i;

	for (i = 0; i < 2; i++) {
		struct zs_pool_config cfg;

		zs_pool_config_init(&cfg, i ? ZS_PRESET_LINUX_4_8 : ZS_PRESET_LINUX_6_18);
		if (test_config_unsupported(&cfg))
			continue;
		pool = zs_create_pool_config("cb", &cfg, NULL);
		assert_non_null(pool);
		for (int j = 0; j < 64; j++)
			h[j] = zs_malloc(pool, 40 + 60 * j, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);

		memset(&c, 0, sizeof(c));
		assert_int_equal(zs_print_classes_cb(pool, collect, &c), 0);
		f = tmpfile();
		assert_int_equal(zs_print_classes(pool, f), 0);
		s = file_text(f);
		assert_string_equal(c.text, s);
		assert_true(c.calls > 20);
		count_lines_equal(&c);
		free(s);
		fclose(f);

		memset(&c, 0, sizeof(c));
		assert_int_equal(zs_print_mm_stat_cb(pool, &z, collect, &c), 0);
		f = tmpfile();
		assert_int_equal(zs_print_mm_stat(pool, &z, f), 0);
		s = file_text(f);
		assert_string_equal(c.text, s);
		assert_int_equal(c.calls, 1);
		count_lines_equal(&c);
		free(s);
		fclose(f);

		assert_int_equal(zs_print_classes_cb(pool, NULL, NULL), -EINVAL);
		assert_int_equal(zs_print_mm_stat_cb(pool, NULL, NULL, NULL), -EINVAL);
		assert_int_equal(zs_print_classes(pool, NULL), -EINVAL);
		assert_int_equal(zs_print_mm_stat(pool, NULL, NULL), -EINVAL);
		for (int j = 0; j < 64; j++)
			zs_free(pool, h[j]);
		zs_destroy_pool(pool);
	}
}

/* A stream that fails every write makes the FILE * printer return -EIO. */
static void test_printer_write_error(void **state)
{
	struct zs_pool *pool = zs_create_pool("eio");
	FILE *f = fopen("/dev/full", "w");

	assert_non_null(pool);
	if (!f) {
		print_message("# no /dev/full: skipped\n");
		zs_destroy_pool(pool);
		return;
	}
	setvbuf(f, NULL, _IONBF, 0);
	assert_int_equal(zs_print_classes(pool, f), -EIO);
	assert_int_equal(zs_print_mm_stat(pool, NULL, f), -EIO);
	fclose(f);
	zs_destroy_pool(pool);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_presets),
		cmocka_unit_test(test_config_size_checked),
		cmocka_unit_test(test_config_fields_named),
		cmocka_unit_test(test_null_name_rejected),
		cmocka_unit_test_setup_teardown(test_every_combination,
						test_setup_small_machine,
						test_teardown_machine),
		cmocka_unit_test(test_version),
		cmocka_unit_test_setup_teardown(test_printer_callbacks,
						test_setup_small_machine,
						test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_printer_write_error,
						test_setup_small_machine,
						test_teardown_machine),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests_name("zsmalloc public API bookkeeping",
					   tests, NULL, NULL);
}
