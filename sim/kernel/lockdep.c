// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Lock dependency checking in the spirit of the kernel's lockdep, for
 * debug builds (CONFIG_PROVE_LOCKING), and the thread's count of spinning
 * locks that might_sleep() reads (CONFIG_DEBUG_ATOMIC_SLEEP).
 *
 * A lock's class is the static key of the init macro that set it up
 * (spin_lock_init(), rwlock_init(), mutex_init(): one key per call site);
 * a lock set up by an initializer (DEFINE_SPINLOCK, DEFINE_MUTEX) has no
 * key and is a class of its own, keyed by its address, as the kernel keys
 * static locks; every page lock is the one class "PG_locked".  Each
 * thread keeps a stack of the locks it holds.  Taking class B while class
 * A is held adds the edge A -> B to a global graph, with the call stack
 * at which the edge was first seen.  An edge that closes a cycle is
 * reported once, with the classes, their init sites and the stack of
 * every edge of the cycle, and then checking stops for good, as the
 * kernel's lockdep turns itself off after its first report.
 *
 * Like lockdep: a trylock adds no edge into the lock it takes (it cannot
 * wait), though the lock it took is held, so later acquisitions depend on
 * it.  A rwlock taken for read is a recursive reader, as lockdep treated
 * every read_lock() until Linux 5.11 and still treats readers in
 * interrupt context: it adds no edge from itself to locks taken under
 * it, so readers in any order are no inversion.  That is exact for
 * zsmalloc, whose only writer of the zspage lock is a trylock.
 *
 * Lookups of known classes and edges take no lock: the tables are filled
 * under graph_lock and published with release stores.  A new class or
 * edge takes graph_lock.  Under ThreadSanitizer the graph is off, so that
 * graph_lock adds no happens-before edges between unrelated lock holders
 * that would hide races from it; the atomic-sleep count stays on.
 */
#include <execinfo.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/lockdep.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <sim/internal.h>

__thread __attribute__((__tls_model__("initial-exec"), __visibility__("hidden")))
	int sim_lockdep_atomic;
__thread __attribute__((__tls_model__("initial-exec"), __visibility__("hidden")))
	struct lockdep_held_bits lockdep_held_bits;

#ifdef CONFIG_PROVE_LOCKING

#if defined(__SANITIZE_THREAD__)
#define LOCKDEP_UNDER_TSAN	1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define LOCKDEP_UNDER_TSAN	1
#endif
#endif
#ifndef LOCKDEP_UNDER_TSAN
#define LOCKDEP_UNDER_TSAN	0
#endif

#define MAX_CLASSES		4096
#define CLASS_HASH		8192		/* power of two, > MAX_CLASSES */
#define MAX_EDGES		16384
#define EDGE_HASH		32768		/* power of two, > MAX_EDGES */
#define EDGE_FRAMES		24
#define MAX_HELD		48
#define REPORT_SIZE		16384

struct lock_class {
	const void *key;		/* the lock_class_key, or the lock */
	const char *name;
	const char *kind;		/* "spinlock", "rwlock", "mutex", ... */
	const char *file;		/* init site; NULL for a static lock */
	int line;
	int first_edge;			/* edges from this class, -1: none */
};

struct lock_edge {
	int from, to;
	int next;			/* next edge from the same class */
	int nframes;
	void *frames[EDGE_FRAMES];	/* where it was first seen */
};

struct held_lock {
	const void *lock;
	int cls;
	unsigned int flags;
};

static pthread_mutex_t graph_lock = PTHREAD_MUTEX_INITIALIZER;
static struct lock_class classes[MAX_CLASSES];
static int nr_classes;
static struct lock_edge edges[MAX_EDGES];
static int nr_edges;
/* key -> class + 1 (0: empty); published key last */
static const void *class_hash_key[CLASS_HASH];
static int class_hash_val[CLASS_HASH];
/* (from, to) + 1 -> edge (0: empty) */
static uint64_t edge_hash_key[EDGE_HASH];

/* 1 while checking; 0 after the first report, or if a table overflowed. */
static int debug_locks = !LOCKDEP_UNDER_TSAN;

static void lockdep_off(void)
{
	__atomic_store_n(&debug_locks, 0, __ATOMIC_RELAXED);
}

/*
 * The thread's held-lock stack, allocated on its first lock: the library
 * uses initial-exec TLS, so its whole TLS block must fit the static TLS
 * space glibc keeps for libraries loaded by dlopen(); one pointer does.
 */
struct held_stack {
	int depth;
	int lost;	/* held locks pushed while checking that found no slot */
	struct held_lock lock[MAX_HELD];
};

static __thread struct held_stack *held_tls;
static pthread_key_t held_key;
static pthread_once_t held_once = PTHREAD_ONCE_INIT;

static void held_free(void *p)
{
	held_tls = NULL;
	free(p);
}

static void held_key_init(void)
{
	if (pthread_key_create(&held_key, held_free))
		lockdep_off();
}

static struct held_stack *this_thread_held(void)
{
	struct held_stack *hs = held_tls;

	if (likely(hs))
		return hs;
	pthread_once(&held_once, held_key_init);
	hs = calloc(1, sizeof(*hs));
	if (!hs) {
		lockdep_off();
		return NULL;
	}
	held_tls = hs;
	pthread_setspecific(held_key, hs);
	return hs;
}

/* For the cycle search, under graph_lock. */
static unsigned int visit_gen;
static unsigned int visited[MAX_CLASSES];
static int parent_edge[MAX_CLASSES];
static int bfs_queue[MAX_CLASSES];

static char report[REPORT_SIZE];
static size_t report_len;

static uint64_t hash64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

/* Add to the report (under graph_lock); it goes to stderr at the end. */
static void __attribute__((format(printf, 1, 2))) rep(const char *fmt, ...)
{
	va_list ap;
	int n;

	if (report_len >= sizeof(report) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(report + report_len, sizeof(report) - report_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		report_len += (size_t)n;
	if (report_len > sizeof(report) - 1)
		report_len = sizeof(report) - 1;
}

static void rep_frames(void *const *frames, int n)
{
	char **sym = backtrace_symbols(frames, n);
	int i;

	for (i = 0; i < n; i++)
		rep("       %s\n", sym ? sym[i] : "?");
	free(sym);
}

static void rep_class(const struct lock_class *c)
{
	if (c->file)
		rep("(%s){%s}, initialised at %s:%d", c->name, c->kind,
		    c->file, c->line);
	else
		rep("(lock@%p){%s}, a statically initialised lock", c->key,
		    c->kind);
}

static int find_class(const void *key)
{
	unsigned int i = (unsigned int)hash64((uintptr_t)key) & (CLASS_HASH - 1);
	const void *k;

	for (;; i = (i + 1) & (CLASS_HASH - 1)) {
		k = __atomic_load_n(&class_hash_key[i], __ATOMIC_ACQUIRE);
		if (k == key)
			return class_hash_val[i];
		if (!k)
			return -1;
	}
}

/* The class of @lock, created on first sight; -1 if the table is full. */
static int lock_class_of(const void *lock, const struct lock_class_key *key,
			 const char *kind)
{
	const void *k = key ? (const void *)key : lock;
	struct lock_class *c;
	unsigned int i;
	int cls = find_class(k);

	if (cls >= 0)
		return cls;
	pthread_mutex_lock(&graph_lock);
	cls = find_class(k);
	if (cls >= 0)
		goto out;
	if (nr_classes == MAX_CLASSES) {
		lockdep_off();
		printk(KERN_WARNING "lockdep: more than %d lock classes, checking turned off\n",
		       MAX_CLASSES);
		goto out;
	}
	cls = nr_classes++;
	c = &classes[cls];
	c->key = k;
	c->kind = kind;
	c->name = key ? key->name : kind;
	c->file = key ? key->file : NULL;
	c->line = key ? key->line : 0;
	c->first_edge = -1;
	i = (unsigned int)hash64((uintptr_t)k) & (CLASS_HASH - 1);
	while (class_hash_key[i])
		i = (i + 1) & (CLASS_HASH - 1);
	class_hash_val[i] = cls;
	__atomic_store_n(&class_hash_key[i], k, __ATOMIC_RELEASE);
out:
	pthread_mutex_unlock(&graph_lock);
	return cls;
}

static uint64_t edge_key(int from, int to)
{
	return (((uint64_t)(unsigned int)from << 32) | (unsigned int)to) + 1;
}

static bool edge_known(uint64_t key)
{
	unsigned int i = (unsigned int)hash64(key) & (EDGE_HASH - 1);
	uint64_t k;

	for (;; i = (i + 1) & (EDGE_HASH - 1)) {
		k = __atomic_load_n(&edge_hash_key[i], __ATOMIC_ACQUIRE);
		if (k == key)
			return true;
		if (!k)
			return false;
	}
}

/* Is there a path @from ->* @to?  Breadth first, so the cycle is short. */
static bool path_exists(int from, int to)
{
	int head = 0, tail = 0, c, e;

	if (++visit_gen == 0) {
		memset(visited, 0, sizeof(visited));
		visit_gen = 1;
	}
	visited[from] = visit_gen;
	parent_edge[from] = -1;
	bfs_queue[tail++] = from;
	while (head < tail) {
		c = bfs_queue[head++];
		if (c == to)
			return true;
		for (e = classes[c].first_edge; e >= 0; e = edges[e].next) {
			int n = edges[e].to;

			if (visited[n] == visit_gen)
				continue;
			visited[n] = visit_gen;
			parent_edge[n] = e;
			bfs_queue[tail++] = n;
		}
	}
	return false;
}

/*
 * The new edge @prev -> @next closes the cycle next ->* prev found by
 * path_exists(): write lockdep's report.
 */
static void report_cycle(int prev, int next, void *const *frames, int nframes)
{
	int chain[MAX_CLASSES];
	int n = 0, c, e, i;

	for (c = prev; c != next; c = edges[e].from) {
		e = parent_edge[c];
		chain[n++] = e;
	}

	report_len = 0;
	rep("\n======================================================\n");
	rep("WARNING: possible circular locking dependency detected\n");
	rep("------------------------------------------------------\n");
	rep("thread %d is trying to acquire lock:\n  ", sim_gettid());
	rep_class(&classes[next]);
	rep("\n\nbut it already holds lock:\n  ");
	rep_class(&classes[prev]);
	rep("\n\nwhich lock already depends on the new lock.\n\n");
	rep("the existing dependency chain (in reverse order) is:\n");
	/* chain[] runs from prev back towards next: print it that way. */
	for (i = 0; i < n; i++) {
		e = chain[i];
		rep("\n-> #%d ", i);
		rep_class(&classes[edges[e].to]);
		rep("\n       acquired while holding ");
		rep_class(&classes[edges[e].from]);
		rep(", first at:\n");
		rep_frames(edges[e].frames, edges[e].nframes);
	}
	rep("\nand now, the new dependency ");
	rep_class(&classes[prev]);
	rep(" -> ");
	rep_class(&classes[next]);
	rep(", at:\n");
	rep_frames(frames, nframes);
	rep("\nother info that might help us debug this:\n\n");
	rep(" Possible unsafe locking scenario:\n\n");
	rep("       CPU0                    CPU1\n");
	rep("       ----                    ----\n");
	rep("  lock(%s);\n", classes[next].name);
	rep("                               lock(%s);\n", classes[prev].name);
	rep("  lock(%s);\n", classes[prev].name);
	rep("                               lock(%s);\n", classes[next].name);
	rep("\n *** DEADLOCK ***\n\n");
	rep("lockdep: checking turned off after this report\n");
}

/* Record @prev -> @next (both held / being taken by this thread). */
static noinline void add_edge(int prev, int next)
{
	uint64_t key = edge_key(prev, next);
	void *frames[EDGE_FRAMES + 2];
	int nframes, e;
	unsigned int i;
	bool cycle = false;

	if (edge_known(key))
		return;
	/* Outside graph_lock: backtrace() may load libgcc the first time. */
	nframes = backtrace(frames, EDGE_FRAMES + 2);
	/* Skip add_edge() and sim_lockdep_acquire(). */
	nframes = nframes > 2 ? nframes - 2 : 0;

	pthread_mutex_lock(&graph_lock);
	if (!__atomic_load_n(&debug_locks, __ATOMIC_RELAXED) || edge_known(key))
		goto out;
	if (path_exists(next, prev)) {
		cycle = true;
		report_cycle(prev, next, frames + 2, nframes);
		lockdep_off();
		goto out;
	}
	if (nr_edges == MAX_EDGES) {
		lockdep_off();
		printk(KERN_WARNING "lockdep: more than %d lock dependencies, checking turned off\n",
		       MAX_EDGES);
		goto out;
	}
	e = nr_edges++;
	edges[e].from = prev;
	edges[e].to = next;
	edges[e].nframes = nframes;
	memcpy(edges[e].frames, frames + 2, nframes * sizeof(void *));
	edges[e].next = classes[prev].first_edge;
	classes[prev].first_edge = e;
	i = (unsigned int)hash64(key) & (EDGE_HASH - 1);
	while (edge_hash_key[i])
		i = (i + 1) & (EDGE_HASH - 1);
	__atomic_store_n(&edge_hash_key[i], key, __ATOMIC_RELEASE);
out:
	pthread_mutex_unlock(&graph_lock);
	if (cycle) {
		sim_lockdep_write_report();
		sim_warn(__FILE__, __LINE__, __func__,
			 "possible circular locking dependency detected");
	}
}

void sim_lockdep_acquire(const void *lock, const struct lock_class_key *key,
			 const char *kind, unsigned int flags)
{
	struct held_stack *hs;
	struct held_lock *held;
	int cls, i;

	if (!__atomic_load_n(&debug_locks, __ATOMIC_RELAXED))
		return;
	hs = this_thread_held();
	if (!hs)
		return;
	cls = lock_class_of(lock, key, kind);
	if (cls < 0)
		return;
	held = hs->lock;
	if (!(flags & SIM_LOCKDEP_TRY)) {
		for (i = hs->depth - 1; i >= 0; i--) {
			/* A recursive reader's hold orders nothing after it. */
			if (held[i].flags & SIM_LOCKDEP_READ)
				continue;
			/* Same class: nesting, not ordering (no self-edge). */
			if (held[i].cls == cls)
				continue;
			add_edge(held[i].cls, cls);
		}
	}
	if (hs->depth == MAX_HELD) {
		if (!hs->lost++)
			printk(KERN_WARNING "lockdep: thread %d holds more than %d locks, the rest are not tracked\n",
			       sim_gettid(), MAX_HELD);
		return;
	}
	held[hs->depth].lock = lock;
	held[hs->depth].cls = cls;
	held[hs->depth].flags = flags;
	hs->depth++;
}

void sim_lockdep_release(const void *lock)
{
	struct held_stack *hs = held_tls;
	struct held_lock *held;
	int i;

	if (!hs)
		return;
	held = hs->lock;

	/*
	 * Search from the top: locks are mostly released in reverse order.
	 * A lock this thread does not hold (a page lock handed over to
	 * another thread, or one taken before checking started) is ignored.
	 */
	for (i = hs->depth - 1; i >= 0; i--) {
		if (held[i].lock != lock)
			continue;
		memmove(&held[i], &held[i + 1],
			(hs->depth - i - 1) * sizeof(held[0]));
		hs->depth--;
		return;
	}
	if (hs->lost)
		hs->lost--;
}

/* Print the last report to stderr (it is kept for sim_lockdep_report()). */
void sim_lockdep_write_report(void)
{
	fwrite(report, 1, report_len, stderr);
	fflush(stderr);
}

const char *sim_lockdep_report(void)
{
	return report;
}

bool sim_lockdep_enabled(void)
{
	return __atomic_load_n(&debug_locks, __ATOMIC_RELAXED);
}

/*
 * Tests: forget every class and edge and turn checking back on.  No other
 * thread may hold or take a lock meanwhile.
 */
void sim_lockdep_reset(void)
{
	pthread_mutex_lock(&graph_lock);
	memset(classes, 0, sizeof(classes));
	memset(edges, 0, sizeof(edges));
	memset(class_hash_key, 0, sizeof(class_hash_key));
	memset(class_hash_val, 0, sizeof(class_hash_val));
	memset(edge_hash_key, 0, sizeof(edge_hash_key));
	nr_classes = 0;
	nr_edges = 0;
	report_len = 0;
	report[0] = '\0';
	__atomic_store_n(&debug_locks, !LOCKDEP_UNDER_TSAN, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&graph_lock);
}

/* The locks this thread holds, for might_sleep()'s report. */
static void print_held_locks(char *buf, size_t size)
{
	const struct held_stack *hs = held_tls;
	const struct held_lock *held = hs ? hs->lock : NULL;
	int depth = hs ? hs->depth : 0;
	size_t len = 0;
	int i, n;

	n = snprintf(buf, size, "%d lock%s held by thread %d%s", depth,
		     depth == 1 ? "" : "s", sim_gettid(), depth ? ":" : "");
	len = n > 0 ? (size_t)n : 0;
	for (i = depth - 1; i >= 0 && len < size; i--) {
		const struct lock_class *c = &classes[held[i].cls];

		if (c->file)
			n = snprintf(buf + len, size - len, "\n #%d: %p (%s){%s%s}, initialised at %s:%d",
				     i, held[i].lock, c->name, c->kind,
				     held[i].flags & SIM_LOCKDEP_READ ? ", read" : "",
				     c->file, c->line);
		else
			n = snprintf(buf + len, size - len, "\n #%d: %p (%s){%s}",
				     i, held[i].lock, c->name,
				     held[i].flags & SIM_LOCKDEP_READ ? "read" : "");
		if (n < 0)
			break;
		len += (size_t)n;
	}
}

#else /* !CONFIG_PROVE_LOCKING */

const char *sim_lockdep_report(void)
{
	return "";
}

bool sim_lockdep_enabled(void)
{
	return false;
}

void sim_lockdep_reset(void)
{
}

static void print_held_locks(char *buf, size_t size)
{
	snprintf(buf, size, "(held locks not tracked in this build)");
}

#endif /* CONFIG_PROVE_LOCKING */

/*
 * might_sleep() with preemption disabled or a spinning lock held: the
 * kernel's report, then a WARN (counted by zsim_warn_count(), fatal with
 * ZSIM_PANIC_ON_WARN), so that a test sees it.
 */
void sim_might_sleep_warn(const char *file, int line, const char *func)
{
	char held_text[2048];

	print_held_locks(held_text, sizeof(held_text));
	printk(KERN_ERR "BUG: sleeping function called from invalid context at %s:%d\n"
	       "in_atomic(): 1, preempt_count: %d, spinning locks held: %d, thread: %d, name: %s\n"
	       "%s\n",
	       file, line, preempt_count(), sim_lockdep_atomic, sim_gettid(),
	       func, held_text);
	sim_warn(file, line, func,
		 "BUG: sleeping function called from invalid context");
}
