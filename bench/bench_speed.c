// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * bench_speed: what zsmalloc's operations cost against glibc, jemalloc
 * and mimalloc on the same size stream.
 *
 * Each allocator runs in a process of its own (jemalloc and mimalloc are
 * preloaded, see tools/alloc_malloc.h); this program starts them, collects
 * their "R," lines and prints ratios to jemalloc measured in the same run.
 *
 *   pair    steady state: free a batch of random live objects, then
 *           allocate as many with fresh sizes; ns per malloc and per free
 *   write   zs_obj_write / map(WO)+memcpy+unmap; others memcpy into the object
 *   read    zs_obj_read_begin (+ memcpy out when it returned a pointer into
 *           the object) + zs_obj_read_end / map(RO)+memcpy+unmap; others
 *           memcpy out of the object.  zsmalloc splits objects into
 *           non-spanning and spanning (read_begin returned the local copy)
 *           and measures memcpy on malloc'd mirrors of the same objects as
 *           the baseline "copy"
 *
 * Live sets: hot (fits in cache) and cold (hundreds of MiB); one thread
 * and two threads (pair only, each thread its own live set, one pool;
 * the two pinned to the first two CPUs the process may use).
 * Every figure is the minimum over several rounds and over --repeat
 * processes of each allocator, run in turn: on a shared machine the
 * minimum is the least disturbed, and a burst of load then hits one
 * process of each allocator rather than all of one.
 */
#include <errno.h>
#include <stddef.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <zsmalloc/zsmalloc.h>
#include <zsmalloc/zsim.h>

#include "alloc_malloc.h"
#include "opts.h"
#include "trace.h"

struct opts {
	int quick;
	const char *csv;
	int child;
	int kind;			/* enum alloc_kind */
	unsigned int hot, cold;		/* live objects */
	unsigned int rounds;
	uint64_t seed;
	int dense;			/* child: a ZS_PRESET_DENSE pool, "zsmalloc-dense" */
	int pairs;			/* child: the one-thread hot and cold pairs only */
	unsigned int repeat;		/* processes per allocator, run in turn */
};

/* Two threads on split sizes: thread 0 gets 32..SPLIT_SIZE, thread 1 the rest. */
#define SPLIT_SIZE	2064

/* Rounds of pair-only processes, newest and dense in turn (--pairs). */
#define DENSE_ALT_ROUNDS	3

static struct opts o = {
	.hot = 1024, .cold = 131072, .rounds = 5, .seed = 1, .repeat = 3,
};

/* --- one allocator, in its own process ---------------------------------------- */

static struct zs_pool *pool;
static int is_zs;

#define STREAM	(1u << 16)	/* sizes, cycled */

struct liveset {
	unsigned int n;
	uintptr_t *obj;
	uint32_t *size;
	unsigned char **mirror;	/* zsmalloc only: malloc'd copies, the memcpy baseline */
	uint8_t *span;		/* zsmalloc only: read_begin gave the local copy */
	unsigned int *perm;	/* a random permutation of 0..n-1 */
	uint32_t *sizes;	/* the size stream */
	unsigned int pos, spos;
	unsigned char *src, *dst, *local;
};

static uintptr_t do_alloc(uint32_t size)
{
	if (is_zs) {
		unsigned long h = zs_malloc(pool, size, ZS_GFP_KERNEL, ZS_NUMA_NO_NODE);

		if (zs_is_err_handle(h)) {
			fprintf(stderr, "bench_speed: zs_malloc(%u): %ld\n", size, zs_handle_errno(h));
			exit(1);
		}
		return h;
	}
	{
		void *p = malloc(size);

		if (!p) {
			fprintf(stderr, "bench_speed: malloc(%u) failed\n", size);
			exit(1);
		}
		return (uintptr_t)p;
	}
}

static void do_free(uintptr_t obj)
{
	if (is_zs)
		zs_free(pool, obj);
	else
		free((void *)obj);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n);

	if (!p) {
		fprintf(stderr, "bench_speed: out of memory\n");
		exit(1);
	}
	memset(p, 0, n);
	return p;
}

/* Sizes uniform in @lo..@hi (a fixed size: @lo == @hi). */
static void ls_init(struct liveset *ls, unsigned int n, uint32_t lo, uint32_t hi, uint64_t seed)
{
	struct util_rng rng;

	memset(ls, 0, sizeof(*ls));
	util_rng_init(&rng, seed);
	ls->n = n;
	ls->obj = xmalloc(n * sizeof(*ls->obj));
	ls->size = xmalloc(n * sizeof(*ls->size));
	ls->perm = xmalloc(n * sizeof(*ls->perm));
	ls->sizes = xmalloc(STREAM * sizeof(*ls->sizes));
	ls->src = xmalloc(4096);
	ls->dst = xmalloc(4096);
	ls->local = xmalloc(4096);
	for (unsigned int i = 0; i < 4096; i++)
		ls->src[i] = (unsigned char)(i * 7 + 3);
	for (unsigned int i = 0; i < STREAM; i++)
		ls->sizes[i] = lo + (uint32_t)util_rng_below(&rng, hi - lo + 1);
	for (unsigned int i = 0; i < n; i++)
		ls->perm[i] = i;
	for (unsigned int i = n - 1; i > 0; i--) {
		unsigned int j = (unsigned int)util_rng_below(&rng, i + 1), t = ls->perm[i];

		ls->perm[i] = ls->perm[j];
		ls->perm[j] = t;
	}
	for (unsigned int i = 0; i < n; i++) {
		uint32_t s = ls->sizes[ls->spos++ % STREAM];

		ls->obj[i] = do_alloc(s);
		ls->size[i] = s;
		if (is_zs)
			zs_obj_write(pool, ls->obj[i], ls->src, s);
		else
			memcpy((void *)ls->obj[i], ls->src, s);
	}
}

static void ls_free(struct liveset *ls)
{
	for (unsigned int i = 0; i < ls->n; i++) {
		do_free(ls->obj[i]);
		if (ls->mirror)
			free(ls->mirror[i]);
	}
	free(ls->obj);
	free(ls->size);
	free(ls->perm);
	free(ls->sizes);
	free(ls->src);
	free(ls->dst);
	free(ls->local);
	free(ls->mirror);
	free(ls->span);
}

/* zsmalloc: which objects span two pages, and malloc'd mirrors of them all. */
static void ls_classify(struct liveset *ls)
{
	if (!ls->span)
		ls->span = xmalloc(ls->n);
	if (!ls->mirror)
		ls->mirror = xmalloc(ls->n * sizeof(*ls->mirror));
	for (unsigned int i = 0; i < ls->n; i++) {
		void *p = zs_obj_read_begin(pool, ls->obj[i], ls->size[i], ls->local);

		ls->span[i] = p == ls->local;
		zs_obj_read_end(pool, ls->obj[i], ls->size[i], p);
		free(ls->mirror[i]);
		ls->mirror[i] = xmalloc(ls->size[i]);
	}
}

struct pair_ns {
	double alloc, free;
};

/* Steady-state churn: batches of @batch frees then @batch allocations. */
static struct pair_ns run_pair(struct liveset *ls, unsigned int batch, uint64_t target_ops)
{
	struct pair_ns best = { 1e18, 1e18 };
	unsigned int *idx = xmalloc(batch * sizeof(*idx));

	for (unsigned int r = 0; r < o.rounds; r++) {
		uint64_t tf = 0, ta = 0, ops = 0;

		while (ops < target_ops) {
			uint64_t t0, t1, t2;

			for (unsigned int j = 0; j < batch; j++)
				idx[j] = ls->perm[(ls->pos + j) % ls->n];
			ls->pos = (ls->pos + batch) % ls->n;
			t0 = util_now_ns();
			for (unsigned int j = 0; j < batch; j++)
				do_free(ls->obj[idx[j]]);
			t1 = util_now_ns();
			for (unsigned int j = 0; j < batch; j++) {
				uint32_t s = ls->sizes[ls->spos++ % STREAM];

				ls->obj[idx[j]] = do_alloc(s);
				ls->size[idx[j]] = s;
			}
			t2 = util_now_ns();
			tf += t1 - t0;
			ta += t2 - t1;
			ops += batch;
		}
		if ((double)ta / ops < best.alloc)
			best.alloc = (double)ta / ops;
		if ((double)tf / ops < best.free)
			best.free = (double)tf / ops;
	}
	free(idx);
	return best;
}

enum access_op {
	OP_WRITE_OBJ, OP_WRITE_MAP, OP_READ_OBJ, OP_READ_MAP,
	OP_WRITE_COPY, OP_READ_COPY,	/* memcpy on mirrors (zsmalloc) or on objects */
};

/* ns per access over the objects with span == @want_span (-1: all). */
static double run_access(struct liveset *ls, enum access_op op, int want_span, uint64_t target_ops)
{
	double best = 1e18;
	unsigned int *idx = xmalloc(ls->n * sizeof(*idx));
	unsigned int m = 0;

	for (unsigned int i = 0; i < ls->n; i++) {
		unsigned int k = ls->perm[i];

		if (want_span < 0 || (ls->span && ls->span[k] == want_span))
			idx[m++] = k;
	}
	if (!m) {
		free(idx);
		return -1;
	}
	for (unsigned int r = 0; r < o.rounds; r++) {
		uint64_t ops = 0, t0 = util_now_ns(), t;

		while (ops < target_ops) {
			for (unsigned int j = 0; j < m; j++) {
				unsigned int k = idx[j];
				uint32_t s = ls->size[k];
				uintptr_t h = ls->obj[k];
				void *p;

				switch (op) {
				case OP_WRITE_OBJ:
					zs_obj_write(pool, h, ls->src, s);
					break;
				case OP_WRITE_MAP:
					p = zs_map_object(pool, h, ZS_MM_WO);
					memcpy(p, ls->src, s);
					zs_unmap_object(pool, h);
					break;
				case OP_READ_OBJ:
					p = zs_obj_read_begin(pool, h, s, ls->dst);
					if (p != ls->dst)
						memcpy(ls->dst, p, s);
					zs_obj_read_end(pool, h, s, p);
					break;
				case OP_READ_MAP:
					p = zs_map_object(pool, h, ZS_MM_RO);
					memcpy(ls->dst, p, s);
					zs_unmap_object(pool, h);
					break;
				case OP_WRITE_COPY:
					memcpy(is_zs ? ls->mirror[k] : (void *)h, ls->src, s);
					break;
				case OP_READ_COPY:
					memcpy(ls->dst, is_zs ? ls->mirror[k] : (void *)h, s);
					break;
				}
				/* keep the compiler from dropping the copies */
				__asm__ volatile("" : : "r"(ls->dst) : "memory");
			}
			ops += m;
		}
		t = util_now_ns() - t0;
		if ((double)t / ops < best)
			best = (double)t / ops;
	}
	free(idx);
	return best;
}

static void emit(const char *liveset, int threads, const char *op, const char *size, double ns)
{
	if (ns < 0)
		return;
	printf("R,%s,%d,%s,%s,%s,%.2f\n",
	       o.pairs ? (o.dense ? "zs-dense-alt" : "zs-newest-alt") :
	       o.dense ? "zsmalloc-dense" : alloc_kind_name(o.kind),
	       threads, liveset, op, size, ns);
	fflush(stdout);
}

struct thread_arg {
	unsigned int n;
	uint64_t seed, ops;
	pthread_barrier_t *bar;
	int cpu;			/* host CPU to run on, -1: wherever */
	uint32_t lo, hi;		/* its object sizes */
	struct pair_ns res;
};

/*
 * The host CPUs the two threads run on: the first two this process may
 * use, or -1 each if it may use only one.  Pinned threads are not moved
 * between the machine's CPUs mid-run, which otherwise scatters the
 * two-thread figures of every allocator alike.
 */
static void pick_cpus(int cpu[2])
{
	cpu_set_t set;
	int n = 0;

	cpu[0] = cpu[1] = -1;
	if (sched_getaffinity(0, sizeof(set), &set))
		return;
	for (int c = 0; c < CPU_SETSIZE && n < 2; c++)
		if (CPU_ISSET(c, &set))
			cpu[n++] = c;
	if (n < 2)
		cpu[0] = cpu[1] = -1;
}

static void *thread_main(void *p)
{
	struct thread_arg *a = p;
	struct liveset ls;

	if (a->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(a->cpu, &set);
		/* best effort: an unpinned thread still measures */
		(void)pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	}
	ls_init(&ls, a->n, a->lo, a->hi, a->seed);
	pthread_barrier_wait(a->bar);
	a->res = run_pair(&ls, a->n < 1024 ? a->n / 2 : 512, a->ops);
	pthread_barrier_wait(a->bar);
	ls_free(&ls);
	return NULL;
}

/*
 * Two threads on one pool, each with its own live set of @n objects.
 * @split: thread 0's sizes are the lower half of 32..4096, thread 1's the
 * upper, so the two never use one size class.
 */
static void run_threads(const char *name, unsigned int n, uint64_t ops, int split)
{
	pthread_barrier_t bar;
	pthread_t th[2];
	struct thread_arg a[2];
	int cpu[2];

	pick_cpus(cpu);
	pthread_barrier_init(&bar, NULL, 2);
	for (int t = 0; t < 2; t++) {
		a[t] = (struct thread_arg){ .n = n, .seed = o.seed + 100 + t, .ops = ops, .bar = &bar,
					    .cpu = cpu[t], .lo = 32, .hi = 4096 };
		if (split) {
			a[t].lo = t ? SPLIT_SIZE + 1 : 32;
			a[t].hi = t ? 4096 : SPLIT_SIZE;
		}
		if (pthread_create(&th[t], NULL, thread_main, &a[t])) {
			fprintf(stderr, "bench_speed: pthread_create failed\n");
			exit(1);
		}
	}
	for (int t = 0; t < 2; t++)
		pthread_join(th[t], NULL);
	pthread_barrier_destroy(&bar);
	emit(name, 2, "malloc", "mix", (a[0].res.alloc + a[1].res.alloc) / 2);
	emit(name, 2, "free", "mix", (a[0].res.free + a[1].res.free) / 2);
}

static void measure_liveset(const char *name, unsigned int n, uint32_t fixed, uint64_t ops,
			    int full)
{
	struct liveset ls;
	struct pair_ns pr;
	char size[16];

	snprintf(size, sizeof(size), fixed ? "%u" : "mix", fixed);
	ls_init(&ls, n, fixed ? fixed : 32, fixed ? fixed : 4096, o.seed + n + fixed);
	pr = run_pair(&ls, n < 1024 ? n / 2 : (n >= 65536 ? 4096 : 512), ops);
	emit(name, 1, "malloc", size, pr.alloc);
	emit(name, 1, "free", size, pr.free);
	emit(name, 1, "pair", size, pr.alloc + pr.free);
	if (is_zs) {
		static const struct { const char *suffix; int span; } cat[] = {
			{ "", -1 }, { "_nonspan", 0 }, { "_span", 1 },
		};

		ls_classify(&ls);
		for (int c = 0; c < 3; c++) {
			char nm[32];

			if (!full && c)
				continue;
			snprintf(nm, sizeof(nm), "write_obj%s", cat[c].suffix);
			emit(name, 1, nm, size, run_access(&ls, OP_WRITE_OBJ, cat[c].span, ops));
			snprintf(nm, sizeof(nm), "read_obj%s", cat[c].suffix);
			emit(name, 1, nm, size, run_access(&ls, OP_READ_OBJ, cat[c].span, ops));
			snprintf(nm, sizeof(nm), "write_copy%s", cat[c].suffix);
			emit(name, 1, nm, size, run_access(&ls, OP_WRITE_COPY, cat[c].span, ops));
			snprintf(nm, sizeof(nm), "read_copy%s", cat[c].suffix);
			emit(name, 1, nm, size, run_access(&ls, OP_READ_COPY, cat[c].span, ops));
			if (!full)
				continue;
			snprintf(nm, sizeof(nm), "write_map%s", cat[c].suffix);
			emit(name, 1, nm, size, run_access(&ls, OP_WRITE_MAP, cat[c].span, ops));
			snprintf(nm, sizeof(nm), "read_map%s", cat[c].suffix);
			emit(name, 1, nm, size, run_access(&ls, OP_READ_MAP, cat[c].span, ops));
		}
		if (full) {
			unsigned int sp = 0;

			for (unsigned int i = 0; i < n; i++)
				sp += ls.span[i];
			emit(name, 1, "spanning_share", size, 100.0 * sp / n);
		}
	} else {
		emit(name, 1, "write_copy", size, run_access(&ls, OP_WRITE_COPY, -1, ops));
		emit(name, 1, "read_copy", size, run_access(&ls, OP_READ_COPY, -1, ops));
	}
	ls_free(&ls);
}

/* --pairs: the one-thread pair of a live set, nothing else. */
static void measure_pairs(const char *name, unsigned int n, uint64_t ops)
{
	struct liveset ls;
	struct pair_ns pr;

	ls_init(&ls, n, 32, 4096, o.seed + n);
	pr = run_pair(&ls, n < 1024 ? n / 2 : (n >= 65536 ? 4096 : 512), ops);
	emit(name, 1, "pair", "mix", pr.alloc + pr.free);
	ls_free(&ls);
}

static int child_main(char **argv)
{
	static const uint32_t sweep[] = {
		32, 64, 128, 256, 512, 768, 1024, 1536, 2048, 2560, 3072, 3584, 4096,
	};
	uint64_t hot_ops = o.quick ? 20000 : 400000;
	uint64_t cold_ops = o.quick ? 8192 : 262144;
	int ret;

	is_zs = o.kind == ALLOC_ZSMALLOC;
	if (is_zs) {
		struct zsim_config cfg;

		zsim_config_default(&cfg);
		zsim_config_from_env(&cfg);
		cfg.mem_bytes = (uint64_t)o.cold * 4096 * 2 + (256ull << 20);
		cfg.mem_bytes &= ~((4ull << 20) - 1);
		cfg.loglevel = 3;
		if (zsim_init(&cfg)) {
			fprintf(stderr, "bench_speed: cannot boot: %s\n", zsim_last_error());
			return 1;
		}
		if (o.dense) {
			struct zs_pool_config pc;

			zs_pool_config_init(&pc, ZS_PRESET_DENSE);
			pool = zs_create_pool_config("bench_speed", &pc, NULL);
		} else {
			pool = zs_create_pool("bench_speed");
		}
		if (!pool)
			return 1;
	} else {
		ret = alloc_malloc_ensure(o.kind, argv, "bench_speed");
		if (ret)
			return ret;
	}
	{
		char ver[96];

		printf("V,%s,%s\n", alloc_kind_name(o.kind),
		       is_zs ? "libzsmalloc " : alloc_malloc_version(o.kind, ver, sizeof(ver)));
	}
	if (o.pairs) {
		measure_pairs("hot", o.hot, hot_ops);
		measure_pairs("cold", o.cold, cold_ops);
		zs_destroy_pool(pool);
		zsim_exit();
		return 0;
	}
	measure_liveset("hot", o.hot, 0, hot_ops, 1);
	measure_liveset("cold", o.cold, 0, cold_ops, 1);
	run_threads("hot", o.hot, hot_ops, 0);
	run_threads("split", o.hot, hot_ops, 1);
	run_threads("cold", o.cold / 2, cold_ops, 0);
	for (size_t i = 0; i < sizeof(sweep) / sizeof(sweep[0]); i++)
		measure_liveset("size", 1024, sweep[i], hot_ops / 4, 0);
	if (is_zs) {
		zs_destroy_pool(pool);
		zsim_exit();
	}
	return 0;
}

/* --- the driver ----------------------------------------------------------------- */

struct result {
	char alloc[16], liveset[8], op[32], size[8];
	int threads;
	double ns;
};

static struct result *results;
static size_t nr_results, cap_results;

/* The least of every matching result (several processes' rounds), or -1. */
static double find(const char *alloc, int threads, const char *liveset, const char *op,
		   const char *size)
{
	double best = -1;

	for (size_t i = 0; i < nr_results; i++) {
		struct result *r = &results[i];

		if (!strcmp(r->alloc, alloc) && r->threads == threads &&
		    !strcmp(r->liveset, liveset) && !strcmp(r->op, op) &&
		    !strcmp(r->size, size) && (best < 0 || r->ns < best))
			best = r->ns;
	}
	return best;
}

/* The lesser of two figures, either of which may be missing (-1). */
static double min_pos(double a, double b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

static int run_child(const char *self, enum alloc_kind kind, int dense, int pairs, FILE *csv)
{
	char cmd[4608];
	char line[512];
	FILE *p;
	int status;

	snprintf(cmd, sizeof(cmd), "'%s' --child --allocator %s --seed %llu%s --hot %u --cold %u"
		 " --rounds %u%s%s", self, alloc_kind_name(kind), (unsigned long long)o.seed,
		 o.quick ? " --quick" : "", o.hot, o.cold, o.rounds, dense ? " --dense" : "",
		 pairs ? " --pairs" : "");
	fprintf(stderr, "bench_speed: measuring %s%s%s ...\n", alloc_kind_name(kind),
		dense ? " (ZS_PRESET_DENSE)" : "", pairs ? ", pairs only" : "");
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p)) {
		struct result r;

		if (!strncmp(line, "V,", 2)) {
			char *v = strchr(line + 2, ',');

			if (v && csv)
				fprintf(csv, "# version %.*s %s", (int)(v - line - 2), line + 2, v + 1);
			continue;
		}
		if (strncmp(line, "R,", 2))
			continue;	/* the child's other output */
		if (sscanf(line, "R,%15[^,],%d,%7[^,],%31[^,],%7[^,],%lf", r.alloc, &r.threads,
			   r.liveset, r.op, r.size, &r.ns) != 6) {
			/* a result this driver cannot keep must not vanish from the report */
			fprintf(stderr, "bench_speed: the %s run printed a result line that does not parse "
				"(expected R,alloc,threads,liveset,op,size,ns, names of at most "
				"15/7/31/7 characters): %s", alloc_kind_name(kind), line);
			pclose(p);
			return -1;
		}
		if (nr_results == cap_results) {
			size_t ncap = cap_results ? 2 * cap_results : 64;
			struct result *n = realloc(results, ncap * sizeof(*results));

			if (!n) {
				pclose(p);
				return -1;
			}
			results = n;
			cap_results = ncap;
		}
		results[nr_results++] = r;
		if (csv)
			fprintf(csv, "%s,%d,%s,%s,%s,%.2f\n", r.alloc, r.threads, r.liveset, r.op,
				r.size, r.ns);
	}
	status = pclose(p);
	if (WIFEXITED(status) && WEXITSTATUS(status) == ALLOC_EXIT_UNAVAILABLE) {
		fprintf(stderr, "bench_speed: %s skipped (not available)\n", alloc_kind_name(kind));
		return 0;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "bench_speed: the %s run failed\n", alloc_kind_name(kind));
		return -1;
	}
	return 0;
}

static void print_ratio(const char *what, double zs, double je)
{
	if (zs < 0 || je <= 0) {
		printf("  %-44s n/a\n", what);
		return;
	}
	printf("  %-44s zsmalloc %8.1f ns  jemalloc %8.1f ns  ratio %.2fx\n", what, zs, je, zs / je);
}

/*
 * Pairs per second of two threads on one pool (live set @set2) over one
 * thread's (@set), or -1.
 */
static double scaling2(const char *alloc, const char *set, const char *set2)
{
	double one = find(alloc, 1, set, "pair", "mix");
	double a2 = find(alloc, 2, set2, "malloc", "mix"), f2 = find(alloc, 2, set2, "free", "mix");

	if (one <= 0 || a2 < 0 || f2 < 0 || a2 + f2 <= 0)
		return -1;
	/* each of the two threads does a pair per (a2 + f2) ns */
	return 2.0 * one / (a2 + f2);
}

static double scaling(const char *alloc, const char *set)
{
	return scaling2(alloc, set, set);
}

static void print_target(const char *what, double value, const char *unit, int at_most,
			 double target)
{
	if (value < 0 && strcmp(unit, "ns")) {
		printf("  %-46s n/a\n", what);
		return;
	}
	printf("  %-46s %7.2f%-3s target %s %.2f%s: %s\n", what, value, unit,
	       at_most ? "<=" : ">=", target, unit,
	       (at_most ? value <= target : value >= target) ? "met" : "missed");
}

/*
 * The targets of the speed work, each from this one run: the pair
 * against jemalloc's (hot and cold), two threads against one, and the
 * reads against the memcpy of the same objects.
 */
static void report_targets(void)
{
	double zh = find("zsmalloc", 1, "hot", "pair", "mix");
	double jh = find("jemalloc", 1, "hot", "pair", "mix");
	double zc = find("zsmalloc", 1, "cold", "pair", "mix");
	double jc = find("jemalloc", 1, "cold", "pair", "mix");
	double ro = find("zsmalloc", 1, "hot", "read_obj_nonspan", "mix");
	double rc = find("zsmalloc", 1, "hot", "read_copy_nonspan", "mix");
	double so = find("zsmalloc", 1, "hot", "read_obj_span", "mix");
	double sc = find("zsmalloc", 1, "hot", "read_copy_span", "mix");

	printf("\nTargets (ratios from this run):\n");
	print_target("pair / jemalloc pair, hot", zh > 0 && jh > 0 ? zh / jh : -1, "x", 1, 2.0);
	print_target("pair / jemalloc pair, cold", zc > 0 && jc > 0 ? zc / jc : -1, "x", 1, 3.0);
	print_target("2 threads / 1 thread pairs per second, hot", scaling("zsmalloc", "hot"),
		     "x", 0, 1.8);
	printf("  %-46s %7.2fx (jemalloc %.2fx)\n", "2 threads / 1 thread pairs per second, cold",
	       scaling("zsmalloc", "cold"), scaling("jemalloc", "cold"));
	printf("  %-46s %7.2fx\n", "jemalloc 2 threads / 1 thread, hot", scaling("jemalloc", "hot"));
	/* the same, each thread on its own half of the sizes: no class shared */
	printf("  %-46s %7.2fx (jemalloc %.2fx)\n", "2 threads on split sizes / 1 thread, hot",
	       scaling2("zsmalloc", "hot", "split"), scaling2("jemalloc", "hot", "split"));
	if (ro >= 0 && rc >= 0)
		print_target("non-spanning read beyond its memcpy, hot", ro - rc, "ns", 1, 15.0);
	else
		printf("  %-46s n/a\n", "non-spanning read beyond its memcpy, hot");
	print_target("spanning read / its memcpy, hot", so > 0 && sc > 0 ? so / sc : -1, "x", 1, 1.3);
}

static void report(void)
{
	static const char *const allocs[] = { "zsmalloc", "jemalloc", "mimalloc", "glibc" };
	static const char *const sets[] = { "hot", "cold" };

	printf("\nns per operation, uniform 32..4096 B (min over %u rounds and %u processes)\n",
	       o.rounds, o.repeat);
	printf("%-9s %-5s %-3s %8s %8s %8s %8s %8s\n", "allocator", "set", "thr", "malloc",
	       "free", "pair", "write", "read");
	for (int s = 0; s < 2; s++) {
		for (int a = 0; a < 4; a++) {
			const char *w = !strcmp(allocs[a], "zsmalloc") ? "write_obj" : "write_copy";
			const char *rd = !strcmp(allocs[a], "zsmalloc") ? "read_obj" : "read_copy";

			if (find(allocs[a], 1, sets[s], "malloc", "mix") < 0)
				continue;
			printf("%-9s %-5s %-3d %8.1f %8.1f %8.1f %8.1f %8.1f\n", allocs[a], sets[s], 1,
			       find(allocs[a], 1, sets[s], "malloc", "mix"),
			       find(allocs[a], 1, sets[s], "free", "mix"),
			       find(allocs[a], 1, sets[s], "pair", "mix"),
			       find(allocs[a], 1, sets[s], w, "mix"),
			       find(allocs[a], 1, sets[s], rd, "mix"));
			printf("%-9s %-5s %-3d %8.1f %8.1f %8.1f\n", allocs[a], sets[s], 2,
			       find(allocs[a], 2, sets[s], "malloc", "mix"),
			       find(allocs[a], 2, sets[s], "free", "mix"),
			       find(allocs[a], 2, sets[s], "malloc", "mix") +
			       find(allocs[a], 2, sets[s], "free", "mix"));
		}
	}
	printf("\nRatios to jemalloc (same run):\n");
	for (int s = 0; s < 2; s++) {
		char what[96];
		double zs2 = find("zsmalloc", 2, sets[s], "malloc", "mix") +
			     find("zsmalloc", 2, sets[s], "free", "mix");
		double je2 = find("jemalloc", 2, sets[s], "malloc", "mix") +
			     find("jemalloc", 2, sets[s], "free", "mix");

		snprintf(what, sizeof(what), "malloc+free pair, %s, 1 thread", sets[s]);
		print_ratio(what, find("zsmalloc", 1, sets[s], "pair", "mix"),
			    find("jemalloc", 1, sets[s], "pair", "mix"));
		snprintf(what, sizeof(what), "malloc+free pair, %s, 2 threads", sets[s]);
		print_ratio(what, zs2, je2);
		snprintf(what, sizeof(what), "write (zs_obj_write vs memcpy), %s", sets[s]);
		print_ratio(what, find("zsmalloc", 1, sets[s], "write_obj", "mix"),
			    find("jemalloc", 1, sets[s], "write_copy", "mix"));
		snprintf(what, sizeof(what), "read (zs_obj_read vs memcpy), %s", sets[s]);
		print_ratio(what, find("zsmalloc", 1, sets[s], "read_obj", "mix"),
			    find("jemalloc", 1, sets[s], "read_copy", "mix"));
	}
	printf("\nZS_PRESET_DENSE against ZS_PRESET_NEWEST (same run; the least of the full\n"
	       "processes and %d pair-only processes of each, run in turn):\n", DENSE_ALT_ROUNDS);
	for (int s = 0; s < 2; s++) {
		char what[96];
		double d = min_pos(find("zsmalloc-dense", 1, sets[s], "pair", "mix"),
				   find("zs-dense-alt", 1, sets[s], "pair", "mix"));
		double n = min_pos(find("zsmalloc", 1, sets[s], "pair", "mix"),
				   find("zs-newest-alt", 1, sets[s], "pair", "mix"));

		snprintf(what, sizeof(what), "malloc+free pair, %s, 1 thread", sets[s]);
		if (d < 0 || n <= 0)
			printf("  %-44s n/a\n", what);
		else
			printf("  %-44s dense %8.1f ns  newest %8.1f ns  ratio %.2fx%s\n", what, d, n,
			       d / n, d / n <= 1.15 ? "  (target <= 1.15x: met)" :
			       "  (target <= 1.15x: missed)");
	}
	printf("\nzsmalloc reads against the copy they contain (memcpy of the same objects):\n");
	for (int s = 0; s < 2; s++) {
		double ro = find("zsmalloc", 1, sets[s], "read_obj_nonspan", "mix");
		double rc = find("zsmalloc", 1, sets[s], "read_copy_nonspan", "mix");
		double so = find("zsmalloc", 1, sets[s], "read_obj_span", "mix");
		double sc = find("zsmalloc", 1, sets[s], "read_copy_span", "mix");
		double mo = find("zsmalloc", 1, sets[s], "read_map_nonspan", "mix");
		double ms = find("zsmalloc", 1, sets[s], "read_map_span", "mix");

		printf("  %-4s non-spanning: obj %.1f ns, map %.1f ns, memcpy %.1f ns: +%.1f / +%.1f ns\n",
		       sets[s], ro, mo, rc, ro - rc, mo - rc);
		printf("  %-4s spanning:     obj %.1f ns, map %.1f ns, memcpy %.1f ns: %.2fx / %.2fx\n",
		       sets[s], so, ms, sc, sc > 0 ? so / sc : 0, sc > 0 ? ms / sc : 0);
	}
	printf("  objects spanning two pages: %.1f%%\n",
	       find("zsmalloc", 1, "hot", "spanning_share", "mix"));
	report_targets();
}

static int quick_run(void *ctx, const struct opt *opt, const char *val)
{
	struct opts *op = ctx;

	(void)opt;
	(void)val;
	op->hot = 256;
	op->cold = 8192;
	op->rounds = 2;
	op->repeat = 1;
	return 0;
}

#define O(field)	offsetof(struct opts, field)

static const struct opt speed_table[] = {
	{ OPT_SECTION, "Options", 0, NULL, NULL, 0, 0, 0, NULL, 0, NULL },
	{ .kind = OPT_FLAG, .name = "quick", .flag = 1, .offset = O(quick), .hook = quick_run,
	  .help = "a seconds-long smoke run (--hot 256 --cold 8192 --rounds 2)" },
	{ .kind = OPT_STRING, .name = "csv", .metavar = "FILE", .offset = O(csv),
	  .help = "also write every result to FILE" },
	{ .kind = OPT_U64, .name = "seed", .metavar = "N", .offset = O(seed),
	  .min = 0, .max = UINT64_MAX, .help = "seed of the size stream (default 1)" },
	{ .kind = OPT_UINT, .name = "rounds", .metavar = "N", .offset = O(rounds),
	  .min = 1, .max = 1000, .help = "rounds per figure, the minimum kept (default 5)" },
	{ .kind = OPT_UINT, .name = "repeat", .metavar = "N", .offset = O(repeat),
	  .min = 1, .max = 20, .help = "processes per allocator, run in turn, the minimum kept\n"
				       "(default 3; --quick: 1)" },
	{ .kind = OPT_UINT, .name = "hot", .metavar = "N", .offset = O(hot),
	  .min = 4, .max = 1u << 24, .help = "objects in the hot live set (default 1024)" },
	{ .kind = OPT_UINT, .name = "cold", .metavar = "N", .offset = O(cold),
	  .min = 4, .max = 1u << 24, .help = "objects in the cold live set (default 131072)" },
	{ OPT_SECTION, "Internal (one allocator's process)", 0, NULL, NULL, 0, 0, 0, NULL, 0, NULL },
	{ .kind = OPT_FLAG, .name = "child", .flag = 1, .offset = O(child),
	  .help = "measure one allocator and print its results" },
	{ .kind = OPT_CHOICE, .name = "allocator", .metavar = "NAME", .offset = O(kind),
	  .choices = alloc_kind_choices, .help = "the allocator of --child" },
	{ .kind = OPT_FLAG, .name = "dense", .flag = 1, .offset = O(dense),
	  .help = "--child zsmalloc: a ZS_PRESET_DENSE pool (results as zsmalloc-dense)" },
	{ .kind = OPT_FLAG, .name = "pairs", .flag = 1, .offset = O(pairs),
	  .help = "--child zsmalloc: the one-thread hot and cold pairs only (results as\n"
		  "zs-newest-alt, or zs-dense-alt with --dense)" },
};

int main(int argc, char **argv)
{
	FILE *csv = NULL;
	int ret = 0, first;
	const struct opt_table tables[] = { OPTS_TABLE(speed_table, &o) };
	const struct opt_command cmd = OPTS_COMMAND(
		"bench_speed",
		"[--quick] [--csv FILE] [--seed N] [--rounds N] [--repeat N] [--hot N] [--cold N]",
		"ns per zs_malloc, zs_free, write and read against glibc, jemalloc and\n"
		"mimalloc malloc/free/memcpy on the same size stream (uniform 32..4096 B),\n"
		"hot and cold live sets, 1 and 2 threads, and a sweep of fixed sizes.\n"
		"Each allocator runs in its own process; the two threads are pinned to\n"
		"the first two CPUs the process may use.\n",
		NULL, tables);

	ret = opts_main(&cmd, argc, argv, &first, 0);
	if (ret >= 0)
		return ret;
	ret = 0;
	if (o.child)
		return child_main(argv);

	if (o.csv) {
		csv = fopen(o.csv, "w");
		if (!csv) {
			fprintf(stderr, "bench_speed: %s: %s\n", o.csv, strerror(errno));
			return 1;
		}
		fprintf(csv, "# bench_speed, seed %llu, hot %u, cold %u, rounds %u\n",
			(unsigned long long)o.seed, o.hot, o.cold, o.rounds);
		fprintf(csv, "allocator,threads,liveset,op,size,ns\n");
	}
	{
		static const enum alloc_kind order[] = {
			ALLOC_JEMALLOC, ALLOC_ZSMALLOC, ALLOC_MIMALLOC, ALLOC_GLIBC,
		};
		char self[4096];
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

		if (n <= 0) {
			fprintf(stderr, "bench_speed: cannot find myself\n");
			return 1;
		}
		self[n] = '\0';
		/* processes in turn, so that a burst of load hits one of each, not all */
		for (unsigned int r = 0; r < o.repeat; r++) {
			if (o.repeat > 1)
				fprintf(stderr, "bench_speed: processes %u of %u\n", r + 1, o.repeat);
			for (int k = 0; k < 4; k++)
				if (run_child(self, order[k], 0, 0, csv))
					ret = 1;
		}
		/* ZS_PRESET_DENSE's growing zspages against the newest preset */
		if (run_child(self, ALLOC_ZSMALLOC, 1, 0, csv))
			ret = 1;
		/* and their pairs again, processes in turn, for the ratio */
		for (int r = 0; r < DENSE_ALT_ROUNDS; r++)
			for (int d = 0; d < 2; d++)
				if (run_child(self, ALLOC_ZSMALLOC, d, 1, csv))
					ret = 1;
	}
	if (csv)
		fclose(csv);
	report();
	free(results);
	return ret;
}
