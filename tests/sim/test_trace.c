// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Tracepoints (sim/kernel/trace.c): the printed buffer parses as ftrace
 * text, line by line (`task-pid [cpu] flags timestamp: event: fields`),
 * with the kernel's field formats; the counts in a trace of a zsmalloc
 * fill, free, zs_compact() and zone compaction agree with the vmstat
 * counters they shadow; the ring buffer wraps (keeping the newest
 * entries) and is per CPU; recording stops when switched off; bad
 * input (a buffer size of 0, an unknown event) is refused with a clear
 * error and changes nothing; and the buffers' allocations, failed by
 * fault injection, give -ENOMEM and leave nothing behind.
 */
#include "test_helpers.h"

#include <errno.h>
#include <pthread.h>
#include <regex.h>
#include <stdlib.h>

#include <zsmalloc/zsmalloc.h>

/* Output collected into a growing buffer (traces are long). */
struct text {
	char *buf;
	size_t len, cap;
};

static void text_add(void *arg, const char *s)
{
	struct text *t = arg;
	size_t n = strlen(s);

	if (t->len + n + 1 > t->cap) {
		t->cap = (t->len + n + 1) * 2;
		t->buf = realloc(t->buf, t->cap);
		assert_non_null(t->buf);
	}
	memcpy(t->buf + t->len, s, n + 1);
	t->len += n;
}

static struct text trace_text(void)
{
	struct text t = { NULL, 0, 0 };

	text_add(&t, "");
	assert_int_equal(zsim_trace_print_cb(text_add, &t), 0);
	return t;
}

/* What a parsed trace holds. */
struct parsed {
	uint64_t in_buffer, written;
	unsigned int nr_cpus;
	size_t lines;
	bool cpu_seen[ZSIM_MAX_CPUS];
};

typedef void line_fn(void *arg, const char *event, const char *fields);

/*
 * Check the whole text against ftrace's format and call @fn for each
 * event line.  Timestamps must not go backwards.
 */
static struct parsed parse_trace(const char *text, line_fn *fn, void *arg)
{
	struct parsed p;
	regex_t re;
	regmatch_t m[8];
	const char *line = text;
	double last_ts = 0;
	bool header_seen = false;

	memset(&p, 0, sizeof(p));
	/* comm-pid, [cpu], 5 flag characters, seconds.micros, event, fields */
	assert_int_equal(regcomp(&re,
		"^ *([^ ]+)-([0-9]+) +\\[([0-9]{3})\\] ([.a-zA-Z0-9]{5}) +([0-9]+\\.[0-9]{6}): ([a-z_]+): (.*)$",
		REG_EXTENDED), 0);
	assert_true(strncmp(text, "# tracer: nop\n", 14) == 0);
	while (*line) {
		const char *nl = strchr(line, '\n');
		char buf[1024], event[64];
		size_t len;

		assert_non_null(nl);
		len = (size_t)(nl - line);
		assert_true(len < sizeof(buf));
		memcpy(buf, line, len);
		buf[len] = '\0';
		line = nl + 1;
		if (buf[0] == '#') {
			unsigned long long in, wr;
			unsigned int cpus;

			if (sscanf(buf, "# entries-in-buffer/entries-written: %llu/%llu #P:%u",
				   &in, &wr, &cpus) == 3) {
				p.in_buffer = in;
				p.written = wr;
				p.nr_cpus = cpus;
				header_seen = true;
			}
			continue;
		}
		if (regexec(&re, buf, 8, m, 0)) {
			fprintf(stderr, "not an ftrace line: \"%s\"\n", buf);
			fail();
		}
		{
			double ts = strtod(buf + m[5].rm_so, NULL);
			unsigned int cpu = (unsigned int)strtoul(buf + m[3].rm_so, NULL, 10);

			assert_true(ts >= last_ts);
			last_ts = ts;
			assert_true(cpu < ZSIM_MAX_CPUS);
			p.cpu_seen[cpu] = true;
		}
		len = (size_t)(m[6].rm_eo - m[6].rm_so);
		assert_true(len < sizeof(event));
		memcpy(event, buf + m[6].rm_so, len);
		event[len] = '\0';
		p.lines++;
		if (fn)
			fn(arg, event, buf + m[7].rm_so);
	}
	regfree(&re);
	assert_true(header_seen);
	assert_int_equal(p.lines, p.in_buffer);
	return p;
}

/* Value of "key=" in @fields as a number (decimal or 0x). */
static uint64_t field(const char *fields, const char *key)
{
	char pat[64];
	const char *at;

	snprintf(pat, sizeof(pat), " %s=", key);
	at = strstr(fields, pat);
	if (!at && !strncmp(fields, pat + 1, strlen(pat + 1)))
		at = fields - 1;
	if (!at) {
		fprintf(stderr, "no %s= in \"%s\"\n", key, fields);
		fail();
	}
	return strtoull(at + strlen(pat), NULL, 0);
}

static uint64_t vmstat(const char *name)
{
	uint64_t v = 0;

	assert_int_equal(zsim_vmstat_get(name, &v), 0);
	return v;
}

/* --- counts of a compaction run against vmstat ------------------------- */

struct sums {
	uint64_t migrate_scanned, free_scanned, migrate_taken, free_taken;
	uint64_t migrated, migrate_failed, begin, end, suitable, finished;
	uint64_t page_alloc_pages, page_free_pages, alloc_failed;
	uint64_t zspage_pages_alloc, zspage_pages_free, obj_moves;
	uint64_t zs_page_migrates, compact_class, class_pages_freed;
};

static void sum_line(void *arg, const char *event, const char *f)
{
	struct sums *s = arg;

	if (!strcmp(event, "mm_compaction_isolate_migratepages")) {
		assert_true(!strncmp(f, "range=(0x", 9));
		s->migrate_scanned += field(f, "nr_scanned");
		s->migrate_taken += field(f, "nr_taken");
	} else if (!strcmp(event, "mm_compaction_isolate_freepages")) {
		s->free_scanned += field(f, "nr_scanned");
		s->free_taken += field(f, "nr_taken");
	} else if (!strcmp(event, "mm_migrate_pages")) {
		s->migrated += field(f, "nr_succeeded");
		s->migrate_failed += field(f, "nr_failed");
		assert_non_null(strstr(f, " mode=MIGRATE_"));
		assert_non_null(strstr(f, " reason="));
	} else if (!strcmp(event, "mm_compaction_begin")) {
		assert_true(!strncmp(f, "zone_start=0x", 13));
		assert_non_null(strstr(f, ", mode="));
		s->begin++;
	} else if (!strcmp(event, "mm_compaction_end")) {
		assert_non_null(strstr(f, " status="));
		s->end++;
	} else if (!strcmp(event, "mm_compaction_suitable")) {
		assert_true(!strncmp(f, "node=0 zone=Normal   order=", 27));
		s->suitable++;
	} else if (!strcmp(event, "mm_compaction_finished")) {
		assert_non_null(strstr(f, " ret="));
		s->finished++;
	} else if (!strcmp(event, "mm_page_alloc")) {
		if (strstr(f, "page=(nil)") || strstr(f, "page=0x0 "))
			s->alloc_failed++;
		else
			s->page_alloc_pages += 1ULL << field(f, "order");
		assert_non_null(strstr(f, " gfp_flags="));
	} else if (!strcmp(event, "mm_page_free")) {
		s->page_free_pages += 1ULL << field(f, "order");
	} else if (!strcmp(event, "zs_zspage_alloc")) {
		assert_true(!strncmp(f, "pool=trace class=", 17));
		s->zspage_pages_alloc += field(f, "pages");
	} else if (!strcmp(event, "zs_zspage_free")) {
		s->zspage_pages_free += field(f, "pages");
	} else if (!strcmp(event, "zs_obj_move")) {
		s->obj_moves++;
	} else if (!strcmp(event, "zs_page_migrate")) {
		s->zs_page_migrates++;
	} else if (!strcmp(event, "zs_compact_class")) {
		s->compact_class++;
		s->class_pages_freed += field(f, "pages_freed");
	}
}

#define NR_OBJS 20000

static void test_trace_compaction_counts(void **state)
{
	static unsigned long handles[NR_OBJS];
	uint64_t before[12], after[12];
	static const char *const counters[12] = {
		"compact_migrate_scanned", "compact_free_scanned",
		"compact_isolated", "pgmigrate_success", "pgmigrate_fail",
		"pgalloc_normal", "pgfree", "nr_zspages", "compact_stall",
		"compact_success", "compact_fail", "compact_daemon_wake",
	};
	struct zs_pool_snapshot snap;
	struct zs_pool *pool;
	struct sums s;
	struct text t;
	struct parsed p;
	unsigned long freed;
	uint64_t moved_before;
	int i;

	(void)state;
	pool = zs_create_pool("trace");
	assert_non_null(pool);
	/* Big enough buffers that nothing of this run is overwritten. */
	assert_int_equal(zsim_trace_set_buffer_kb(64 * 1024), 0);
	assert_int_equal(zsim_trace_start("all"), 0);
	assert_true(zsim_trace_enabled("mm_compaction_begin"));
	for (i = 0; i < 12; i++)
		before[i] = vmstat(counters[i]);
	snap.size = sizeof(snap);
	assert_int_equal(zs_pool_snapshot(pool, &snap), 0);
	moved_before = snap.objs_moved;

	for (i = 0; i < NR_OBJS; i++) {
		handles[i] = zs_malloc(pool, 100 + (size_t)(i * 37) % 2000,
				       ZS_GFP_KERNEL, -1);
		assert_false(zs_is_err_handle(handles[i]));
	}
	/* Free most objects, leaving every zspage sparse. */
	for (i = 0; i < NR_OBJS; i++)
		if (i % 5)
			zs_free(pool, handles[i]);
	freed = zs_compact(pool);
	assert_int_equal(zsim_compact_memory(), 0);
	assert_int_equal(zsim_trace_stop(), 0);
	for (i = 0; i < 12; i++)
		after[i] = vmstat(counters[i]);
	assert_int_equal(zs_pool_snapshot(pool, &snap), 0);

	memset(&s, 0, sizeof(s));
	t = trace_text();
	p = parse_trace(t.buf, sum_line, &s);
	printf("# %zu events; scanned %llu/%llu, isolated %llu+%llu, migrated %llu, zspages %llu/%llu pages, %llu objects moved, %lu pages freed by zs_compact()\n",
	       p.lines, (unsigned long long)s.migrate_scanned,
	       (unsigned long long)s.free_scanned,
	       (unsigned long long)s.migrate_taken,
	       (unsigned long long)s.free_taken,
	       (unsigned long long)s.migrated,
	       (unsigned long long)s.zspage_pages_alloc,
	       (unsigned long long)s.zspage_pages_free,
	       (unsigned long long)s.obj_moves, freed);
	/* nothing was lost to wrapping, so the sums must be exact */
	assert_int_equal(p.in_buffer, p.written);

	assert_int_equal(s.migrate_scanned, after[0] - before[0]);
	assert_int_equal(s.free_scanned, after[1] - before[1]);
	assert_int_equal(s.migrate_taken + s.free_taken, after[2] - before[2]);
	assert_int_equal(s.migrated, after[3] - before[3]);
	assert_int_equal(s.migrate_failed, after[4] - before[4]);
	assert_int_equal(s.page_alloc_pages, after[5] - before[5]);
	assert_int_equal(s.page_free_pages, after[6] - before[6]);
	assert_int_equal(s.zspage_pages_alloc - s.zspage_pages_free,
			 after[7] - before[7]);
	assert_int_equal(s.obj_moves, snap.objs_moved - moved_before);
	assert_int_equal(s.class_pages_freed, freed);
	/* every pass of compact_zone() that began also ended */
	assert_int_equal(s.begin, s.end);
	assert_true(s.begin >= 1);
	assert_true(s.suitable >= 1);
	assert_true(s.finished >= s.begin);
	assert_true(s.migrated > 0);
	assert_true(s.obj_moves > 0);
	/* the only movable pages are zspages: each success is a zspage page move */
	assert_int_equal(s.zs_page_migrates, s.migrated);
	assert_true(s.compact_class > 0);
	free(t.buf);

	for (i = 0; i < NR_OBJS; i += 5)
		zs_free(pool, handles[i]);
	zs_destroy_pool(pool);
}

/* --- the ring buffer ---------------------------------------------------- */

static void alloc_free_pages(unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		unsigned long pfn = zsim_alloc_pages(0, ZSIM_MOVABLE);

		assert_true(pfn != 0);
		assert_int_equal(zsim_free_pages(pfn, 0), 0);
	}
}

struct last_free {
	uint64_t pfns[64];
	size_t n;
};

static void collect_free_pfn(void *arg, const char *event, const char *f)
{
	struct last_free *l = arg;

	if (strcmp(event, "mm_page_free"))
		return;
	assert_true(!strncmp(f, "page=", 5));
	assert_true(l->n < 64);
	l->pfns[l->n++] = field(f, "pfn");
}

/* 1 KiB holds 8 entries: the newest 8 of 100 are kept, in order. */
static void test_trace_ring_wraps(void **state)
{
	unsigned long pfns[100];
	struct last_free l = { .n = 0 };
	struct parsed p;
	struct text t;
	int i;

	(void)state;
	assert_int_equal(zsim_trace_set_buffer_kb(1), 0);
	assert_int_equal(zsim_trace_start("kmem:mm_page_free"), 0);
	assert_false(zsim_trace_enabled("mm_page_alloc"));
	for (i = 0; i < 100; i++) {
		pfns[i] = zsim_alloc_pages(0, ZSIM_MOVABLE);
		assert_true(pfns[i] != 0);
	}
	for (i = 0; i < 100; i++)
		assert_int_equal(zsim_free_pages(pfns[i], 0), 0);
	assert_int_equal(zsim_trace_stop(), 0);
	t = trace_text();
	p = parse_trace(t.buf, collect_free_pfn, &l);
	assert_int_equal(p.written, 100);
	assert_int_equal(p.in_buffer, 8);
	assert_int_equal(l.n, 8);
	for (i = 0; i < 8; i++)
		assert_int_equal(l.pfns[i], pfns[92 + i]);
	free(t.buf);

	/* clear empties it; stopped, nothing more is recorded */
	assert_int_equal(zsim_trace_clear(), 0);
	alloc_free_pages(10);
	t = trace_text();
	p = parse_trace(t.buf, NULL, NULL);
	assert_int_equal(p.written, 0);
	free(t.buf);
}

#define NR_THREADS 4

static void *page_thread(void *arg)
{
	(void)arg;
	alloc_free_pages(200);
	return NULL;
}

/* Threads on different CPUs fill their own CPU's buffers. */
static void test_trace_per_cpu(void **state)
{
	pthread_t tid[NR_THREADS];
	struct parsed p;
	struct text t;
	unsigned int cpus = 0;
	int i;

	(void)state;
	assert_int_equal(zsim_trace_set_buffer_kb(1), 0);
	assert_int_equal(zsim_trace_start("mm_page_alloc,mm_page_free"), 0);
	for (i = 0; i < NR_THREADS; i++)
		assert_int_equal(pthread_create(&tid[i], NULL, page_thread, NULL), 0);
	/* printing while they record sees only whole entries */
	t = trace_text();
	parse_trace(t.buf, NULL, NULL);
	free(t.buf);
	for (i = 0; i < NR_THREADS; i++)
		assert_int_equal(pthread_join(tid[i], NULL), 0);
	assert_int_equal(zsim_trace_stop(), 0);

	t = trace_text();
	p = parse_trace(t.buf, NULL, NULL);
	for (i = 0; i < (int)ZSIM_MAX_CPUS; i++)
		cpus += p.cpu_seen[i];
	printf("# %u CPUs in the trace, %llu of %llu entries kept\n", cpus,
	       (unsigned long long)p.in_buffer, (unsigned long long)p.written);
	assert_int_equal(p.nr_cpus, 4);
	assert_true(cpus >= 2);
	assert_int_equal(p.written, NR_THREADS * 400);
	/* each CPU that recorded keeps its own newest 8 */
	assert_int_equal(p.in_buffer, 8 * cpus);
	free(t.buf);
}

/* --- bad input ----------------------------------------------------------- */

static void test_trace_bad_input(void **state)
{
	struct zsim_config cfg;
	struct parsed p;
	struct text t;

	(void)state;
	assert_int_equal(zsim_trace_start("mm_page_free"), 0);
	alloc_free_pages(3);

	/* a buffer size of 0: refused, named, nothing recorded is lost */
	assert_int_equal(zsim_trace_set_buffer_kb(0), -EINVAL);
	assert_non_null(strstr(zsim_last_error(), "trace buffer size 0 KiB is outside 1..1048576"));
	assert_int_equal(zsim_trace_set_buffer_kb(ZSIM_TRACE_BUF_KB_MAX + 1), -EINVAL);
	assert_non_null(strstr(zsim_last_error(), "1048577"));
	/* an unknown event: refused, the set stays as it was */
	assert_int_equal(zsim_trace_start("mm_page_free,mm_page_frees"), -EINVAL);
	assert_non_null(strstr(zsim_last_error(), "\"mm_page_frees\" is no trace event"));
	assert_int_equal(zsim_trace_start("kmemx:*"), -EINVAL);
	assert_non_null(strstr(zsim_last_error(), "names no event system"));
	assert_int_equal(zsim_trace_start(""), -EINVAL);
	assert_int_equal(zsim_trace_start(NULL), -EINVAL);
	assert_true(zsim_trace_enabled("mm_page_free"));
	assert_false(zsim_trace_enabled("no_such_event"));
	t = trace_text();
	p = parse_trace(t.buf, NULL, NULL);
	assert_int_equal(p.written, 3);
	free(t.buf);
	assert_int_equal(zsim_trace_print_cb(NULL, NULL), -EINVAL);
	assert_int_equal(zsim_trace_print(NULL), -EINVAL);

	/* the same at boot: config and environment */
	test_shutdown();
	assert_int_equal(zsim_trace_stop(), -ENODEV);
	assert_int_equal(zsim_trace_print(stdout), -ENODEV);
	zsim_config_default(&cfg);
	cfg.mem_bytes = 16ULL << 20;
	cfg.pageblock_order = 7;
	cfg.trace_buf_kb = 0;
	assert_int_equal(zsim_init(&cfg), -EINVAL);
	assert_non_null(strstr(zsim_last_error(), "trace buffer size 0 KiB"));
	cfg.trace_buf_kb = ZSIM_TRACE_BUF_KB_DEFAULT;
	cfg.trace_events = "kmem,bogus";
	assert_int_equal(zsim_init(&cfg), -EINVAL);
	assert_non_null(strstr(zsim_last_error(), "trace_events: \"bogus\""));
	assert_false(zsim_running());

	setenv("ZSIM_TRACE_BUF_KB", "0", 1);
	zsim_config_default(&cfg);
	assert_int_equal(zsim_config_from_env(&cfg), -EINVAL);
	assert_non_null(strstr(zsim_last_error(), "ZSIM_TRACE_BUF_KB=\"0\""));
	setenv("ZSIM_TRACE_BUF_KB", "4", 1);
	setenv("ZSIM_TRACE", "compaction,nope", 1);
	zsim_config_default(&cfg);
	assert_int_equal(zsim_config_from_env(&cfg), -EINVAL);
	assert_non_null(strstr(zsim_last_error(), "ZSIM_TRACE: \"nope\""));

	/* a good environment switches events on from boot */
	setenv("ZSIM_TRACE", "kmem:mm_page_alloc, zsmalloc", 1);
	zsim_config_default(&cfg);
	assert_int_equal(zsim_config_from_env(&cfg), 0);
	assert_int_equal(cfg.trace_buf_kb, 4);
	unsetenv("ZSIM_TRACE");
	unsetenv("ZSIM_TRACE_BUF_KB");
	cfg.mem_bytes = 16ULL << 20;
	cfg.pageblock_order = 7;
	cfg.loglevel = 3;
	assert_int_equal(zsim_init(&cfg), 0);
	assert_true(zsim_trace_enabled("mm_page_alloc"));
	assert_true(zsim_trace_enabled("zs_obj_move"));
	assert_false(zsim_trace_enabled("mm_page_free"));
	assert_int_equal(zsim_get_config(&cfg), 0);
	assert_string_equal(cfg.trace_events, "kmem:mm_page_alloc, zsmalloc");
	alloc_free_pages(2);
	t = trace_text();
	p = parse_trace(t.buf, NULL, NULL);
	/* ours, and whatever the machine allocated since boot */
	assert_true(p.written >= 2);
	assert_null(strstr(t.buf, ": mm_page_free: "));
	free(t.buf);
}

/* The buffers and the printer's sort array fail to allocate: -ENOMEM, cleanly. */
static void test_trace_enomem(void **state)
{
	struct parsed p;
	struct text t = { NULL, 0, 0 };

	(void)state;
	/* the second CPU's buffer cannot be had: none are kept, nothing recorded */
	assert_int_equal(zsim_fault_parse("slab:cache=trace_buffer,nth=2"), 0);
	assert_int_equal(zsim_trace_start("all"), -ENOMEM);
	assert_non_null(strstr(zsim_last_error(), "no memory for 4 trace buffers"));
	assert_false(zsim_trace_enabled("mm_page_alloc"));
	alloc_free_pages(2);
	assert_int_equal(zsim_fault_parse("off"), 0);

	assert_int_equal(zsim_trace_start("mm_page_free"), 0);
	alloc_free_pages(5);
	/* the printer's array cannot be had: -ENOMEM, no text, entries kept */
	assert_int_equal(zsim_fault_parse("slab:cache=trace_print,nth=1"), 0);
	text_add(&t, "");
	assert_int_equal(zsim_trace_print_cb(text_add, &t), -ENOMEM);
	assert_int_equal(t.len, 0);
	free(t.buf);
	assert_int_equal(zsim_fault_parse("off"), 0);
	t = trace_text();
	p = parse_trace(t.buf, NULL, NULL);
	assert_int_equal(p.written, 5);
	free(t.buf);
}

static int setup(void **state)
{
	(void)state;
	test_boot(64ULL << 20, 7);
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_trace_compaction_counts,
						setup, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_trace_ring_wraps,
						setup, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_trace_per_cpu,
						setup, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_trace_bad_input,
						setup, test_teardown_machine),
		cmocka_unit_test_setup_teardown(test_trace_enomem,
						setup, test_teardown_machine),
	};

	test_parse_args(argc, argv);
	return cmocka_run_group_tests_name("trace", tests, NULL, NULL);
}
