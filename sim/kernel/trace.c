// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Tracepoints and their ring buffer, in the spirit of ftrace's event
 * tracing: events with the kernel's names (include/trace/events/) are
 * switched on one by one, recorded into a ring buffer per simulated CPU
 * and printed in the text format of /sys/kernel/tracing/trace:
 *
 *   TASK-PID [CPU] FLAGS TIMESTAMP: EVENT: FIELDS
 *
 * Recording.  trace_<event>() tests its byte of sim_trace_on[] and, when
 * set, calls sim_trace_record() with the raw fields; formatting waits
 * until the buffer is printed, as in the kernel.  Each CPU's buffer is
 * an array of fixed-size entries written in turn: a writer reserves the
 * next slot with one atomic add on its CPU's head, so threads sharing a
 * simulated CPU never take a lock, and when the buffer is full the
 * oldest entries are overwritten (ftrace's default overwrite mode).  An
 * entry is copied in and out word by word with relaxed atomics behind a
 * sequence word, so the printer skips an entry being written instead of
 * reading half of it.
 *
 * Buffers are allocated when tracing starts (at boot or by
 * zsim_trace_start()) and freed at zsim_exit() or when their size
 * changes; a writer announces itself on its CPU's counter before it
 * looks at the buffer, and a resize waits for the counters to drain.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/kernel.h>
#include <linux/gfp.h>
#include <linux/mmzone.h>
#include <linux/compaction.h>
#include <linux/migrate.h>
#include <linux/preempt.h>
#include <linux/seq_file.h>
#include <linux/tracepoint.h>
#include <sim/internal.h>

unsigned char sim_trace_on[SIM_TRACE_NR_EVENTS];

struct trace_event_desc {
	const char *system;
	const char *name;
};

static const struct trace_event_desc trace_events[SIM_TRACE_NR_EVENTS] = {
#define EV(sys, ev) [SIM_TRACE_##ev] = { #sys, #ev }
	EV(kmem, mm_page_alloc),
	EV(kmem, mm_page_free),
	EV(kmem, mm_page_alloc_extfrag),
	EV(compaction, mm_compaction_isolate_migratepages),
	EV(compaction, mm_compaction_isolate_freepages),
	EV(compaction, mm_compaction_begin),
	EV(compaction, mm_compaction_end),
	EV(compaction, mm_compaction_suitable),
	EV(compaction, mm_compaction_finished),
	EV(compaction, mm_compaction_deferred),
	EV(compaction, mm_compaction_defer_compaction),
	EV(compaction, mm_compaction_defer_reset),
	EV(migrate, mm_migrate_pages),
	EV(zsmalloc, zs_zspage_alloc),
	EV(zsmalloc, zs_zspage_free),
	EV(zsmalloc, zs_obj_move),
	EV(zsmalloc, zs_page_migrate),
	EV(zsmalloc, zs_compact_class),
#undef EV
};

#define TRACE_STR_LEN	16
#define TRACE_NR_ARGS	8

struct trace_entry {
	uint64_t seq;			/* 0 while written, else index + 1 */
	uint64_t ts_ns;			/* since tracing was set up */
	int32_t pid;
	uint16_t cpu;
	uint8_t event;
	uint8_t preempt;		/* preemption depth, at most 15 */
	char comm[TRACE_STR_LEN];
	char str[TRACE_STR_LEN];
	uint64_t args[TRACE_NR_ARGS];
};

#define TRACE_ENTRY_WORDS	(sizeof(struct trace_entry) / sizeof(uint64_t))
_Static_assert(sizeof(struct trace_entry) % sizeof(uint64_t) == 0,
	       "trace entries are copied a word at a time");

struct trace_cpu {
	struct trace_entry *ring;	/* NULL: no buffer */
	uint64_t head;			/* entries ever written on this CPU */
	uint64_t nr;			/* slots in ring */
	unsigned int writers;		/* in sim_trace_record() now */
} __attribute__((aligned(64)));

static struct trace_cpu trace_cpus[ZSIM_MAX_CPUS];
static unsigned int trace_nr_cpus;
static uint32_t trace_buf_kb;		/* size of the buffers allocated */
static struct timespec trace_epoch;
/* Serialises starting, stopping, resizing and printing. */
static pthread_mutex_t trace_lock = PTHREAD_MUTEX_INITIALIZER;
static char trace_events_copy[1024];	/* what sim_config.trace_events points to */

static __thread char trace_comm[TRACE_STR_LEN];
static __thread int trace_pid;

static void copy_words_out(uint64_t *dst, const uint64_t *src, size_t words)
{
	for (size_t i = 0; i < words; i++)
		__atomic_store_n(&dst[i], src[i], __ATOMIC_RELAXED);
}

static void copy_words_in(uint64_t *dst, const uint64_t *src, size_t words)
{
	for (size_t i = 0; i < words; i++)
		dst[i] = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
}

void sim_trace_record(enum sim_trace_event event, const char *str,
		      unsigned long a0, unsigned long a1, unsigned long a2,
		      unsigned long a3, unsigned long a4, unsigned long a5,
		      unsigned long a6, unsigned long a7)
{
	unsigned int cpu = sim_current_cpu();
	struct trace_cpu *tc = &trace_cpus[cpu];
	struct trace_entry e, *slot, *ring;
	struct timespec now;
	uint64_t idx;

	__atomic_add_fetch(&tc->writers, 1, __ATOMIC_SEQ_CST);
	ring = __atomic_load_n(&tc->ring, __ATOMIC_SEQ_CST);
	if (!ring)
		goto out;

	if (unlikely(!trace_pid)) {
		trace_pid = sim_gettid();
		pthread_getname_np(pthread_self(), trace_comm, sizeof(trace_comm));
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	memset(&e, 0, sizeof(e));
	e.ts_ns = (uint64_t)(now.tv_sec - trace_epoch.tv_sec) * 1000000000ULL +
		  (uint64_t)now.tv_nsec - (uint64_t)trace_epoch.tv_nsec;
	e.pid = trace_pid;
	e.cpu = (uint16_t)cpu;
	e.event = (uint8_t)event;
	e.preempt = (uint8_t)min(sim_preempt_count, 15);
	memcpy(e.comm, trace_comm, sizeof(e.comm));
	if (str)
		strncpy(e.str, str, sizeof(e.str) - 1);
	e.args[0] = a0;
	e.args[1] = a1;
	e.args[2] = a2;
	e.args[3] = a3;
	e.args[4] = a4;
	e.args[5] = a5;
	e.args[6] = a6;
	e.args[7] = a7;

	idx = __atomic_fetch_add(&tc->head, 1, __ATOMIC_RELAXED);
	slot = &ring[idx % tc->nr];
	__atomic_store_n(&slot->seq, 0, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	copy_words_out((uint64_t *)slot + 1, (uint64_t *)&e + 1,
		       TRACE_ENTRY_WORDS - 1);
	__atomic_store_n(&slot->seq, idx + 1, __ATOMIC_RELEASE);
out:
	__atomic_sub_fetch(&tc->writers, 1, __ATOMIC_RELEASE);
}

/* --- event selection ---------------------------------------------------- */

static bool is_system(const char *name, size_t len)
{
	for (int i = 0; i < SIM_TRACE_NR_EVENTS; i++)
		if (strlen(trace_events[i].system) == len &&
		    !strncmp(trace_events[i].system, name, len))
			return true;
	return false;
}

/*
 * Parse @spec into @on: a comma-separated list of "all", subsystems
 * (kmem, compaction, migrate, zsmalloc), event names, "system:event" or
 * "system:*" as set_event takes them.  @what names the source in the
 * error ("ZSIM_TRACE", "trace_events", "zsim_trace_start").
 */
static int parse_events(const char *what, const char *spec,
			unsigned char on[SIM_TRACE_NR_EVENTS])
{
	const char *p = spec, *end;

	memset(on, 0, SIM_TRACE_NR_EVENTS);
	if (!spec)
		return 0;
	while (*p) {
		const char *colon, *ev;
		size_t len, syslen = 0, evlen;
		bool matched = false;

		while (*p == ',' || *p == ' ')
			p++;
		if (!*p)
			break;
		end = p + strcspn(p, ", ");
		len = (size_t)(end - p);
		colon = memchr(p, ':', len);
		if (colon) {
			syslen = (size_t)(colon - p);
			ev = colon + 1;
			evlen = (size_t)(end - ev);
		} else {
			ev = p;
			evlen = len;
		}
		for (int i = 0; i < SIM_TRACE_NR_EVENTS; i++) {
			const struct trace_event_desc *d = &trace_events[i];
			bool sys_ok = !colon ||
				(strlen(d->system) == syslen &&
				 !strncmp(d->system, p, syslen));
			bool ev_ok;

			if (!sys_ok)
				continue;
			if (colon)
				ev_ok = (evlen == 1 && *ev == '*') ||
					(strlen(d->name) == evlen &&
					 !strncmp(d->name, ev, evlen));
			else
				ev_ok = (len == 3 && !strncmp(p, "all", 3)) ||
					(strlen(d->name) == len &&
					 !strncmp(d->name, p, len)) ||
					(strlen(d->system) == len &&
					 !strncmp(d->system, p, len));
			if (ev_ok) {
				on[i] = 1;
				matched = true;
			}
		}
		if (!matched) {
			if (colon && !is_system(p, syslen))
				sim_set_error("%s: \"%.*s\" names no event system: expected kmem, compaction, migrate or zsmalloc",
					      what, (int)len, p);
			else
				sim_set_error("%s: \"%.*s\" is no trace event: expected all, a system (kmem, compaction, migrate, zsmalloc) or an event name such as mm_page_alloc (zsim_trace_list() lists them)",
					      what, (int)len, p);
			return -EINVAL;
		}
		p = end;
	}
	return 0;
}

int sim_trace_check_config(const char *what_events, const char *events,
			   const char *what_size, uint32_t buf_kb)
{
	unsigned char on[SIM_TRACE_NR_EVENTS];
	int err;

	if (buf_kb < ZSIM_TRACE_BUF_KB_MIN || buf_kb > ZSIM_TRACE_BUF_KB_MAX) {
		sim_set_error("%s %" PRIu32 " KiB is outside %u..%u: each CPU's trace buffer needs at least 1 KiB (default %u)",
			      what_size, buf_kb, ZSIM_TRACE_BUF_KB_MIN,
			      ZSIM_TRACE_BUF_KB_MAX, ZSIM_TRACE_BUF_KB_DEFAULT);
		return -EINVAL;
	}
	err = parse_events(what_events, events, on);
	if (err)
		return err;
	if (events && strlen(events) >= sizeof(trace_events_copy)) {
		sim_set_error("%s is %zu bytes long: at most %zu",
			      what_events, strlen(events), sizeof(trace_events_copy) - 1);
		return -EINVAL;
	}
	return 0;
}

/* --- buffers ------------------------------------------------------------ */

static void set_events(const unsigned char on[SIM_TRACE_NR_EVENTS])
{
	for (int i = 0; i < SIM_TRACE_NR_EVENTS; i++)
		__atomic_store_n(&sim_trace_on[i], on[i], __ATOMIC_RELAXED);
}

/* Take every buffer away and wait for writers still inside.  trace_lock held. */
static void free_buffers(void)
{
	unsigned char off[SIM_TRACE_NR_EVENTS] = { 0 };
	struct trace_entry *rings[ZSIM_MAX_CPUS];

	set_events(off);
	for (unsigned int cpu = 0; cpu < ZSIM_MAX_CPUS; cpu++)
		rings[cpu] = __atomic_exchange_n(&trace_cpus[cpu].ring, NULL,
						 __ATOMIC_SEQ_CST);
	for (unsigned int cpu = 0; cpu < ZSIM_MAX_CPUS; cpu++) {
		while (__atomic_load_n(&trace_cpus[cpu].writers, __ATOMIC_ACQUIRE))
			sched_yield();
		free(rings[cpu]);
		__atomic_store_n(&trace_cpus[cpu].head, 0, __ATOMIC_RELAXED);
		trace_cpus[cpu].nr = 0;
	}
	trace_buf_kb = 0;
}

/* Buffers of @kb KiB for every CPU, if not there already.  trace_lock held. */
static int alloc_buffers(uint32_t kb)
{
	uint64_t nr = ((uint64_t)kb << 10) / sizeof(struct trace_entry);

	if (trace_buf_kb == kb && trace_nr_cpus)
		return 0;
	if (trace_buf_kb) {
		/* A new size: the old buffers go, and what they held. */
		unsigned char on[SIM_TRACE_NR_EVENTS];

		memcpy(on, sim_trace_on, sizeof(on));
		free_buffers();
		set_events(on);
	}
	if (nr < 1)
		nr = 1;
	for (unsigned int cpu = 0; cpu < sim_config.nr_cpus; cpu++) {
		struct trace_entry *ring = NULL;

		/*
		 * The simulator's own memory, but fault injection can fail it
		 * as if it were a slab cache called "trace_buffer".
		 */
		if (!sim_should_fail_slab("trace_buffer", nr * sizeof(*ring), GFP_KERNEL))
			ring = calloc(nr, sizeof(*ring));
		if (!ring) {
			free_buffers();
			sim_set_error("no memory for %u trace buffers of %" PRIu32 " KiB",
				      sim_config.nr_cpus, kb);
			return -ENOMEM;
		}
		trace_cpus[cpu].nr = nr;
		__atomic_store_n(&trace_cpus[cpu].head, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&trace_cpus[cpu].ring, ring, __ATOMIC_SEQ_CST);
	}
	trace_nr_cpus = sim_config.nr_cpus;
	trace_buf_kb = kb;
	return 0;
}

int sim_trace_init(const struct zsim_config *cfg)
{
	unsigned char on[SIM_TRACE_NR_EVENTS];
	int err;

	err = sim_trace_check_config("trace_events", cfg->trace_events,
				     "trace_buf_kb", cfg->trace_buf_kb);
	if (err)
		return err;
	pthread_mutex_lock(&trace_lock);
	clock_gettime(CLOCK_MONOTONIC, &trace_epoch);
	trace_events_copy[0] = '\0';
	if (cfg->trace_events)
		snprintf(trace_events_copy, sizeof(trace_events_copy), "%s",
			 cfg->trace_events);
	sim_config.trace_events = cfg->trace_events ? trace_events_copy : NULL;
	parse_events("trace_events", cfg->trace_events, on);
	err = 0;
	for (int i = 0; i < SIM_TRACE_NR_EVENTS; i++)
		if (on[i]) {
			err = alloc_buffers(cfg->trace_buf_kb);
			break;
		}
	if (!err)
		set_events(on);
	pthread_mutex_unlock(&trace_lock);
	return err;
}

void sim_trace_exit(void)
{
	pthread_mutex_lock(&trace_lock);
	free_buffers();
	trace_nr_cpus = 0;
	pthread_mutex_unlock(&trace_lock);
}

int zsim_trace_start(const char *events)
{
	unsigned char on[SIM_TRACE_NR_EVENTS];
	int err;

	if (!events || !*events) {
		sim_set_error("zsim_trace_start: no events given: expected all, a system (kmem, compaction, migrate, zsmalloc) or event names, comma-separated");
		return -EINVAL;
	}
	err = parse_events("zsim_trace_start", events, on);
	if (err)
		return err;
	sim_machine_get();
	pthread_mutex_lock(&trace_lock);
	err = alloc_buffers(sim_config.trace_buf_kb);
	if (!err)
		set_events(on);
	pthread_mutex_unlock(&trace_lock);
	return err;
}

int zsim_trace_stop(void)
{
	unsigned char off[SIM_TRACE_NR_EVENTS] = { 0 };

	if (!zsim_running())
		return -ENODEV;
	set_events(off);
	return 0;
}

int zsim_trace_set_buffer_kb(uint32_t kb)
{
	int err = 0;

	if (kb < ZSIM_TRACE_BUF_KB_MIN || kb > ZSIM_TRACE_BUF_KB_MAX) {
		sim_set_error("trace buffer size %" PRIu32 " KiB is outside %u..%u: each CPU's trace buffer needs at least 1 KiB (default %u)",
			      kb, ZSIM_TRACE_BUF_KB_MIN, ZSIM_TRACE_BUF_KB_MAX,
			      ZSIM_TRACE_BUF_KB_DEFAULT);
		return -EINVAL;
	}
	sim_machine_get();
	pthread_mutex_lock(&trace_lock);
	sim_config.trace_buf_kb = kb;
	if (trace_buf_kb && trace_buf_kb != kb)
		err = alloc_buffers(kb);
	pthread_mutex_unlock(&trace_lock);
	return err;
}

int zsim_trace_clear(void)
{
	unsigned char on[SIM_TRACE_NR_EVENTS];
	uint32_t kb;
	int err = 0;

	if (!zsim_running())
		return -ENODEV;
	pthread_mutex_lock(&trace_lock);
	kb = trace_buf_kb;
	if (kb) {
		memcpy(on, sim_trace_on, sizeof(on));
		free_buffers();
		err = alloc_buffers(kb);
		if (!err)
			set_events(on);
	}
	pthread_mutex_unlock(&trace_lock);
	return err;
}

bool zsim_trace_enabled(const char *event)
{
	for (int i = 0; i < SIM_TRACE_NR_EVENTS; i++)
		if (event && !strcmp(trace_events[i].name, event))
			return __atomic_load_n(&sim_trace_on[i], __ATOMIC_RELAXED);
	return false;
}

/* --- printing ------------------------------------------------------------ */

static const char *const compact_status_names[] = {
	[COMPACT_NOT_SUITABLE_ZONE] = "not_suitable_zone",
	[COMPACT_SKIPPED] = "skipped",
	[COMPACT_DEFERRED] = "deferred",
	[COMPACT_NO_SUITABLE_PAGE] = "no_suitable_page",
	[COMPACT_CONTINUE] = "continue",
	[COMPACT_COMPLETE] = "complete",
	[COMPACT_PARTIAL_SKIPPED] = "partial_skipped",
	[COMPACT_CONTENDED] = "contended",
	[COMPACT_SUCCESS] = "success",
};

static const char *const migrate_mode_names[] = {
	[MIGRATE_ASYNC] = "MIGRATE_ASYNC",
	[MIGRATE_SYNC_LIGHT] = "MIGRATE_SYNC_LIGHT",
	[MIGRATE_SYNC] = "MIGRATE_SYNC",
};

/* The newest kernels' names (MR_CMA is MR_CONTIG_RANGE since Linux 5.x). */
static const char *const migrate_reason_names[] = {
	[MR_COMPACTION] = "compaction",
	[MR_MEMORY_FAILURE] = "memory_failure",
	[MR_MEMORY_HOTPLUG] = "memory_hotplug",
	[MR_SYSCALL] = "syscall_or_cpuset",
	[MR_MEMPOLICY_MBIND] = "mempolicy_mbind",
	[MR_NUMA_MISPLACED] = "numa_misplaced",
	[MR_CMA] = "contig_range",
};

static const char *symbol(const char *const *names, size_t n, unsigned long v)
{
	return v < n && names[v] ? names[v] : "?";
}
#define SYMBOL(names, v)	symbol(names, ARRAY_SIZE(names), v)

/* show_gfp_flags(): composite names first, then single flags, "|"-joined. */
static const struct { gfp_t mask; const char *name; } gfp_names[] = {
	{ GFP_HIGHUSER_MOVABLE, "GFP_HIGHUSER_MOVABLE" },
	{ GFP_HIGHUSER, "GFP_HIGHUSER" },
	{ GFP_KERNEL, "GFP_KERNEL" },
	{ GFP_NOFS, "GFP_NOFS" },
	{ GFP_ATOMIC, "GFP_ATOMIC" },
	{ GFP_NOIO, "GFP_NOIO" },
	{ GFP_NOWAIT, "GFP_NOWAIT" },
	{ __GFP_DMA, "GFP_DMA" },
	{ __GFP_HIGHMEM, "__GFP_HIGHMEM" },
	{ __GFP_DMA32, "GFP_DMA32" },
	{ __GFP_HIGH, "__GFP_HIGH" },
	{ __GFP_IO, "__GFP_IO" },
	{ __GFP_FS, "__GFP_FS" },
	{ __GFP_ZERO, "__GFP_ZERO" },
	{ __GFP_DIRECT_RECLAIM, "__GFP_DIRECT_RECLAIM" },
	{ __GFP_KSWAPD_RECLAIM, "__GFP_KSWAPD_RECLAIM" },
	{ __GFP_NOWARN, "__GFP_NOWARN" },
	{ __GFP_RETRY_MAYFAIL, "__GFP_RETRY_MAYFAIL" },
	{ __GFP_NOFAIL, "__GFP_NOFAIL" },
	{ __GFP_NORETRY, "__GFP_NORETRY" },
	{ __GFP_COMP, "__GFP_COMP" },
	{ __GFP_NOMEMALLOC, "__GFP_NOMEMALLOC" },
	{ __GFP_MEMALLOC, "__GFP_MEMALLOC" },
	{ __GFP_RECLAIMABLE, "__GFP_RECLAIMABLE" },
	{ __GFP_MOVABLE, "__GFP_MOVABLE" },
};

static void print_gfp(struct seq_file *m, gfp_t gfp)
{
	bool first = true;

	if (!gfp) {
		seq_puts(m, "none");
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(gfp_names); i++) {
		if ((gfp & gfp_names[i].mask) != gfp_names[i].mask)
			continue;
		seq_printf(m, "%s%s", first ? "" : "|", gfp_names[i].name);
		gfp &= ~gfp_names[i].mask;
		first = false;
	}
	if (gfp)
		seq_printf(m, "%s%#x", first ? "" : "|", (unsigned int)gfp);
}

static void print_fields(struct seq_file *m, const struct trace_entry *e)
{
	const uint64_t *a = e->args;

	switch (e->event) {
	case SIM_TRACE_mm_page_alloc:
		seq_printf(m, "page=%p pfn=0x%" PRIx64 " order=%d migratetype=%d gfp_flags=",
			   (void *)(uintptr_t)a[0], a[1], (int)a[2], (int)a[4]);
		print_gfp(m, (gfp_t)a[3]);
		break;
	case SIM_TRACE_mm_page_free:
		seq_printf(m, "page=%p pfn=0x%" PRIx64 " order=%d",
			   (void *)(uintptr_t)a[0], a[1], (int)a[2]);
		break;
	case SIM_TRACE_mm_page_alloc_extfrag:
		seq_printf(m, "page=%p pfn=0x%" PRIx64 " alloc_order=%d fallback_order=%d pageblock_order=%u alloc_migratetype=%d fallback_migratetype=%d fragmenting=%d change_ownership=%d",
			   (void *)(uintptr_t)a[0], a[1], (int)a[2], (int)a[3],
			   sim_config.pageblock_order, (int)a[4], (int)a[5],
			   (int)a[3] < (int)sim_config.pageblock_order, (int)a[6]);
		break;
	case SIM_TRACE_mm_compaction_isolate_migratepages:
	case SIM_TRACE_mm_compaction_isolate_freepages:
		seq_printf(m, "range=(0x%" PRIx64 " ~ 0x%" PRIx64 ") nr_scanned=%" PRIu64 " nr_taken=%" PRIu64,
			   a[0], a[1], a[2], a[3]);
		break;
	case SIM_TRACE_mm_compaction_begin:
	case SIM_TRACE_mm_compaction_end:
		seq_printf(m, "zone_start=0x%" PRIx64 " migrate_pfn=0x%" PRIx64 " free_pfn=0x%" PRIx64 " zone_end=0x%" PRIx64 ", mode=%s",
			   a[0], a[1], a[2], a[3], a[4] ? "sync" : "async");
		if (e->event == SIM_TRACE_mm_compaction_end)
			seq_printf(m, " status=%s", SYMBOL(compact_status_names, a[5]));
		break;
	case SIM_TRACE_mm_compaction_suitable:
	case SIM_TRACE_mm_compaction_finished:
		seq_printf(m, "node=0 zone=%-8s order=%d ret=%s", e->str,
			   (int)a[0], SYMBOL(compact_status_names, a[1]));
		break;
	case SIM_TRACE_mm_compaction_deferred:
	case SIM_TRACE_mm_compaction_defer_compaction:
	case SIM_TRACE_mm_compaction_defer_reset:
		seq_printf(m, "node=0 zone=%-8s order=%d order_failed=%d consider=%u limit=%lu",
			   e->str, (int)a[0], (int)a[1], (unsigned int)a[2],
			   1UL << (unsigned int)(a[3] & 63));
		break;
	case SIM_TRACE_mm_migrate_pages:
		seq_printf(m, "nr_succeeded=%" PRIu64 " nr_failed=%" PRIu64 " nr_thp_succeeded=0 nr_thp_failed=0 nr_thp_split=0 nr_split=0 mode=%s reason=%s",
			   a[0], a[1], SYMBOL(migrate_mode_names, a[2]),
			   SYMBOL(migrate_reason_names, a[3]));
		break;
	case SIM_TRACE_zs_zspage_alloc:
	case SIM_TRACE_zs_zspage_free:
		seq_printf(m, "pool=%s class=%u size=%u pages=%u first_pfn=0x%" PRIx64,
			   e->str, (unsigned int)a[0], (unsigned int)a[1],
			   (unsigned int)a[2], a[3]);
		break;
	case SIM_TRACE_zs_obj_move:
		seq_printf(m, "pool=%s class=%u handle=0x%" PRIx64 " src_pfn=0x%" PRIx64 " dst_pfn=0x%" PRIx64,
			   e->str, (unsigned int)a[0], a[1], a[2], a[3]);
		break;
	case SIM_TRACE_zs_page_migrate:
		seq_printf(m, "pool=%s class=%u old_pfn=0x%" PRIx64 " new_pfn=0x%" PRIx64,
			   e->str, (unsigned int)a[0], a[1], a[2]);
		break;
	case SIM_TRACE_zs_compact_class:
		seq_printf(m, "pool=%s class=%u size=%u pages_freed=%" PRIu64,
			   e->str, (unsigned int)a[0], (unsigned int)a[1], a[2]);
		break;
	default:
		seq_puts(m, "(unknown event)");
		break;
	}
}

static int entry_cmp(const void *pa, const void *pb)
{
	const struct trace_entry *a = pa, *b = pb;

	if (a->ts_ns != b->ts_ns)
		return a->ts_ns < b->ts_ns ? -1 : 1;
	if (a->cpu != b->cpu)
		return a->cpu < b->cpu ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/*
 * Copy out every whole entry of every CPU, oldest first per CPU, then
 * merge by timestamp as ftrace's iterator does.  trace_lock held.
 */
static struct trace_entry *snapshot(size_t *nr_out, uint64_t *written_out)
{
	struct trace_entry *all;
	size_t total = 0, n = 0;
	uint64_t written = 0;

	for (unsigned int cpu = 0; cpu < trace_nr_cpus; cpu++)
		total += trace_cpus[cpu].nr;
	/* "trace_print" for fault injection, as "trace_buffer" above */
	if (sim_should_fail_slab("trace_print", total * sizeof(*all), GFP_KERNEL))
		return NULL;
	all = calloc(total ? total : 1, sizeof(*all));
	if (!all)
		return NULL;
	for (unsigned int cpu = 0; cpu < trace_nr_cpus; cpu++) {
		struct trace_cpu *tc = &trace_cpus[cpu];
		uint64_t head = __atomic_load_n(&tc->head, __ATOMIC_ACQUIRE);
		uint64_t first = head > tc->nr ? head - tc->nr : 0;

		written += head;
		if (!tc->ring)
			continue;
		for (uint64_t idx = first; idx < head; idx++) {
			struct trace_entry *slot = &tc->ring[idx % tc->nr];
			uint64_t seq = __atomic_load_n(&slot->seq, __ATOMIC_ACQUIRE);

			if (seq != idx + 1)
				continue;	/* being written, or overwritten */
			copy_words_in((uint64_t *)&all[n] + 1, (uint64_t *)slot + 1,
				      TRACE_ENTRY_WORDS - 1);
			__atomic_thread_fence(__ATOMIC_ACQUIRE);
			if (__atomic_load_n(&slot->seq, __ATOMIC_RELAXED) != seq)
				continue;
			all[n++].seq = seq;
		}
	}
	qsort(all, n, sizeof(*all), entry_cmp);
	*nr_out = n;
	*written_out = written;
	return all;
}

static int trace_show(struct seq_file *m)
{
	struct trace_entry *all;
	size_t nr = 0;
	uint64_t written = 0;

	all = snapshot(&nr, &written);
	if (!all) {
		sim_set_error("no memory to sort the trace buffers' entries");
		return -ENOMEM;
	}
	seq_puts(m, "# tracer: nop\n#\n");
	seq_printf(m, "# entries-in-buffer/entries-written: %zu/%" PRIu64 "   #P:%u\n",
		   nr, written, trace_nr_cpus ? trace_nr_cpus : sim_config.nr_cpus);
	seq_puts(m, "#\n"
		 "#                                _-----=> irqs-off/BH-disabled\n"
		 "#                               / _----=> need-resched\n"
		 "#                              | / _---=> hardirq/softirq\n"
		 "#                              || / _--=> preempt-depth\n"
		 "#                              ||| / _-=> migrate-disable\n"
		 "#                              |||| /     delay\n"
		 "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
		 "#              | |         |   |||||     |         |\n");
	for (size_t i = 0; i < nr; i++) {
		const struct trace_entry *e = &all[i];
		char comm[TRACE_STR_LEN];

		memcpy(comm, e->comm, sizeof(comm));
		comm[sizeof(comm) - 1] = '\0';
		for (char *c = comm; *c; c++)
			if (*c == ' ')
				*c = '_';
		seq_printf(m, "%16s-%-7d [%03u] ...%c. %5" PRIu64 ".%06" PRIu64 ": %s: ",
			   comm[0] ? comm : "<...>", e->pid, e->cpu,
			   e->preempt ? "0123456789abcdef"[e->preempt] : '.',
			   (uint64_t)(e->ts_ns / 1000000000u),
			   (uint64_t)((e->ts_ns / 1000u) % 1000000u),
			   e->event < SIM_TRACE_NR_EVENTS ?
				trace_events[e->event].name : "?");
		print_fields(m, e);
		seq_putc(m, '\n');
	}
	free(all);
	return 0;
}

int zsim_trace_print_cb(zsim_output_fn *fn, void *arg)
{
	struct seq_file m;
	int err;

	if (!fn)
		return -EINVAL;
	if (!zsim_running())
		return -ENODEV;
	pthread_mutex_lock(&trace_lock);
	seq_file_init_output(&m, fn, arg, NULL);
	err = trace_show(&m);
	pthread_mutex_unlock(&trace_lock);
	return err ? err : seq_file_finish(&m);
}

static int trace_print_cb(void *ctx, seq_output_fn *fn, void *arg)
{
	(void)ctx;
	return zsim_trace_print_cb(fn, arg);
}

int zsim_trace_print(FILE *out)
{
	return seq_print_to_stream(out, trace_print_cb, NULL);
}

int zsim_trace_list(FILE *out)
{
	if (!out)
		return -EINVAL;
	for (int i = 0; i < SIM_TRACE_NR_EVENTS; i++)
		if (fprintf(out, "%s:%s\n", trace_events[i].system,
			    trace_events[i].name) < 0)
			return -EIO;
	return 0;
}
