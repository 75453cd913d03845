/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
/*
 * zsim.h - the simulated machine under libzsmalloc.
 *
 * One machine per process, as one kernel per machine: a page frame arena
 * with a buddy allocator, slab caches, workqueues, shrinkers and per-CPU
 * data.  A program that never calls zsim_init() gets a default machine on
 * first use (configured from ZSIM_* environment variables).
 *
 * Every function returns 0 or a negative errno unless stated otherwise.
 *
 * Threads.  zsim_init() and zsim_exit() are not thread-safe with respect
 * to anything else: call them while no other thread uses the machine or a
 * pool on it (two of them racing each other are serialized, and the
 * second zsim_init() gets -EBUSY).  Every other function may be called
 * from any thread at any time while the machine runs; the first call that
 * boots the default machine is serialized the same way.  The machine
 * starts threads of its own (workqueue workers, an RCU callback thread,
 * kcompactd when asked for); zsim_exit() stops them.
 *
 * fork().  A child forked while a machine runs does not get a working
 * copy of it: the machine's threads are not copied, and locks they held
 * would stay held.  So the child forgets the machine at the fork.  In the
 * child, zsim_running() is false and zsim_exit() returns 0 at once; the
 * child must not use the pools or the memory it inherited, and cannot
 * boot a machine of its own: zsim_init() returns -EPERM (with the reason
 * in zsim_last_error()), and a call that would boot the default machine
 * prints that reason and aborts.  The child may exec or _exit().  A child
 * forked while no machine runs may boot one as any process can.
 */
#ifndef ZSMALLOC_ZSIM_H
#define ZSMALLOC_ZSIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ZSIM_API __attribute__((__visibility__("default")))

#define ZSIM_PAGE_SIZE		4096u
#define ZSIM_NR_ORDERS		11u	/* buddy orders 0..10 (MAX_ORDER 11) */
#define ZSIM_NR_MIGRATETYPES	4u	/* Unmovable Movable Reclaimable HighAtomic */
#define ZSIM_MAX_CPUS		64u

/*
 * Fault injection: which allocations fail, and how often.  Fill it with
 * zsim_fault_config_default() (or start a designated initializer with
 * .size = sizeof(struct zsim_fault_config)); the size rule is
 * zsim_config's.
 */
struct zsim_fault_config {
	uint32_t size;			/* sizeof(struct zsim_fault_config) */
	uint64_t page_fail_nth;		/* fail the Nth page allocation from now (1 = next); 0 off */
	uint32_t page_fail_ppm;		/* else fail with this probability, per million */
	int page_fail_order;		/* only allocations of this order; -1 any */
	uint64_t slab_fail_nth;		/* fail the Nth slab object allocation; 0 off */
	uint32_t slab_fail_ppm;		/* probability per million for slab objects */
	uint64_t seed;			/* drives the probabilistic failures */
};

struct zsim_config {
	/*
	 * sizeof(struct zsim_config), set by zsim_config_default().  Later
	 * versions only append members.  zsim_init() and
	 * zsim_config_from_env() also take a config of an earlier size (that
	 * of 0.1.0 ends at kcompactd; the members it lacks take their
	 * defaults, and from_env() checks their variables but has nowhere to
	 * keep them); a
	 * size the library does not know is -EINVAL.  zsim_config_default()
	 * and zsim_get_config() write this version's whole struct.
	 */
	uint32_t size;
	uint64_t mem_bytes;		/* the memory limit; 0: half the host's (below) */
	unsigned int pageblock_order;	/* 1..10; default 9 (2 MiB) */
	unsigned int nr_cpus;		/* simulated CPUs, 1..ZSIM_MAX_CPUS */
	uint64_t seed;			/* for every random choice the machine makes */
	int loglevel;			/* printk console level, 0..8; default 4 */
	bool madvise;			/* give free memory back to the OS (default on):
					 * free page reporting, see zsim_report_free_pages() */
	struct zsim_fault_config fault;
	bool compaction;		/* zone compaction and page migration (default on) */
	bool kcompactd;			/* start the background compactor (default off) */
	/* tracepoints and fault injection by target (appended) */
	const char *trace_events;	/* events on from boot, as zsim_trace_start()
					 * takes them; NULL or "" none (the default).
					 * The machine keeps a copy. */
	uint32_t trace_buf_kb;		/* each CPU's trace ring buffer, KiB:
					 * ZSIM_TRACE_BUF_KB_MIN..ZSIM_TRACE_BUF_KB_MAX;
					 * default ZSIM_TRACE_BUF_KB_DEFAULT (0 is -EINVAL) */
	const char *fault_targets;	/* fault injection by target from boot, as
					 * zsim_fault_parse() takes it; NULL or "" none.
					 * The machine keeps a copy. */
	/* memory online at boot; see "How the machine's memory grows" below */
	uint64_t mem_initial_bytes;
	/* Reproducible concurrency: see "deterministic scheduling" below. */
	int sched;			/* enum zsim_sched_mode; default ZSIM_SCHED_FREE */
	unsigned int sched_depth;	/* PCT's depth d: d-1 priority changes; 1..ZSIM_SCHED_MAX_DEPTH, default 3 */
	uint64_t sched_steps;		/* PCT: the run's estimated steps, >= 1; default 100000 */
};

#define ZSIM_TRACE_BUF_KB_MIN		1u
#define ZSIM_TRACE_BUF_KB_MAX		1048576u	/* 1 GiB per CPU */
#define ZSIM_TRACE_BUF_KB_DEFAULT	1408u		/* ftrace's buffer_size_kb */

/* cfg.sched */
enum zsim_sched_mode {
	ZSIM_SCHED_FREE = 0,		/* the host schedules the threads (default) */
	ZSIM_SCHED_PCT = 1,		/* one thread at a time, PCT priorities from the seed */
	ZSIM_SCHED_RANDOM = 2,		/* one thread at a time, a uniform choice at every point */
};
#define ZSIM_SCHED_MAX_DEPTH	32u

/*
 * How the machine's memory grows.  Memory is added in sections of
 * ZSIM_SECTION_SIZE (16 MiB) as demand needs it, the way Linux's memory
 * hotplug onlines memory: when an allocation finds the zone short of
 * free pages (or, after compaction, without a block of its order), the
 * next section joins the zone (its pageblocks, free pages, struct pages
 * and watermarks), up to the memory limit, mem_bytes.  At the limit an
 * allocation fails the kernel's way: direct compaction, reclaim by the
 * shrinkers, then NULL / -ENOMEM, with a warning that names the limit
 * and how to raise it (printed once per machine, unless the request
 * said __GFP_NOWARN).  Sections stay online until zsim_exit(); the
 * memory in them that is free goes back to the OS by free page
 * reporting (below), so the process's RSS follows the machine's use.
 *
 * The address space for the limit is reserved at boot (PROT_NONE,
 * MAP_NORESERVE: no memory, no commit charge) and committed section by
 * section, so the fixed costs (struct pages, 64 bytes a frame: 1.6 %;
 * pageblock labels) follow what is online, not the limit.
 *
 *   mem_bytes          the limit: a multiple of a pageblock, at least 4
 *                      pageblocks and 4 MiB, at most 1 TiB and what
 *                      RLIMIT_AS leaves.  0 (zsim_config_default()): half
 *                      of the host's physical memory (sysconf), as tmpfs
 *                      sizes itself, rounded down to a section.
 *   mem_initial_bytes  online at boot: a multiple of a pageblock, at
 *                      least the minimum machine, at most mem_bytes.
 *                      0 (zsim_config_default()): one section (16 MiB,
 *                      or the limit if smaller) when mem_bytes is 0, all
 *                      of mem_bytes otherwise: a caller that sizes the
 *                      machine gets a fixed machine of that size, as in
 *                      versions before growth.
 * ZSIM_MEM sets the limit of a machine that grows (its initial size is
 * ZSIM_MEM_INITIAL, or one section); zsim_get_config() shows both as
 * the running machine resolved them.
 */
#define ZSIM_SECTION_SIZE	(16u << 20)

/*
 * Fill @cfg with the defaults, size included: memory that grows from 16
 * MiB up to half of the host's (mem_bytes and mem_initial_bytes 0),
 * pageblock order 9, 4 CPUs, compaction on, kcompactd off.  Start every
 * config from this.
 */
ZSIM_API void zsim_config_default(struct zsim_config *cfg);

/* No faults: every field 0 but page_fail_order -1 (any order), size set. */
ZSIM_API void zsim_fault_config_default(struct zsim_fault_config *fault);

/*
 * Override @cfg from the environment (unset or empty variables leave
 * their field alone):
 *   ZSIM_MEM              the memory limit: bytes, or with a K, M or G
 *                         suffix (256M); at least 4 pageblocks and 4M, at
 *                         most 1024G, a multiple of the pageblock; the
 *                         machine starts smaller and grows (above)
 *   ZSIM_MEM_INITIAL      memory online at boot, the same form; at most
 *                         the limit (default: one section, 16M)
 *   ZSIM_PAGEBLOCK_ORDER  1..10
 *   ZSIM_CPUS             1..ZSIM_MAX_CPUS
 *   ZSIM_SEED             any 64-bit number
 *   ZSIM_LOGLEVEL         0..8
 *   ZSIM_FAIL_PAGE_NTH, ZSIM_FAIL_SLAB_NTH     any 64-bit number
 *   ZSIM_FAIL_PAGE_PPM, ZSIM_FAIL_SLAB_PPM     0..1000000
 *   ZSIM_FAIL_PAGE_ORDER  -1..10
 *   ZSIM_MADVISE, ZSIM_COMPACTION, ZSIM_KCOMPACTD   on or off (or 1 or 0)
 *   ZSIM_TRACE            trace_events: events to trace from boot
 *   ZSIM_TRACE_BUF_KB     trace_buf_kb: 1..1048576
 *   ZSIM_FAULT            fault_targets: fault injection by target
 *   ZSIM_SCHED            free (or off), pct or random
 *   ZSIM_SCHED_DEPTH      1..ZSIM_SCHED_MAX_DEPTH
 *   ZSIM_SCHED_STEPS      1..2^40
 * Numbers are decimal or 0x hexadecimal.  -EINVAL for a bad value or a
 * wrong cfg->size; zsim_last_error() then names the variable, its value
 * and what was expected, e.g.
 *   ZSIM_COMPACTION="maybe" is not a switch: expected on or off (or 1 or 0)
 */
ZSIM_API int zsim_config_from_env(struct zsim_config *cfg);

/*
 * Boot the machine (@cfg NULL: the defaults, without the environment).
 * -EINVAL for an impossible config or a wrong cfg->size (the reason is in
 * zsim_last_error(), naming the value and its range), -EBUSY if a
 * machine is running, -ENOMEM if the address space for the limit cannot
 * be reserved or the boot memory committed, -EPERM in a fork() child
 * (see above).
 */
ZSIM_API int zsim_init(const struct zsim_config *cfg);

/*
 * Shut the machine down: stop its threads, release every page, slab and
 * the arena.  Pages and slab objects still allocated are reported on
 * stderr; the return value is how many there were (0 when clean).
 * zsim_init() may follow.
 */
ZSIM_API long zsim_exit(void);

/* Is a machine running?  Boots nothing. */
ZSIM_API bool zsim_running(void);

/* Copy the running machine's config (size included) to @cfg, or -ENODEV. */
ZSIM_API int zsim_get_config(struct zsim_config *cfg);

/* Why the last zsim_init()/zsim_config_from_env() failed. */
ZSIM_API const char *zsim_last_error(void);

/*
 * BUG() calls the handler with its message before aborting; a handler
 * may longjmp() out (tests do).  NULL restores the default.  Returns the
 * previous handler.
 */
typedef void (*zsim_bug_handler_t)(const char *message);
ZSIM_API zsim_bug_handler_t zsim_set_bug_handler(zsim_bug_handler_t handler);

/* Number of WARN_ON()s that fired since boot. */
ZSIM_API unsigned long zsim_warn_count(void);

/* --- fault injection ---------------------------------------------------- */

/*
 * Replace the running machine's fault settings (booting the default
 * machine first if none runs).  -EINVAL for a bad field or size.
 */
ZSIM_API int zsim_fault_set(const struct zsim_fault_config *fault);

struct zsim_fault_stats {
	uint64_t page_attempts;		/* page allocations seen */
	uint64_t page_injected;		/* page allocations failed on purpose */
	uint64_t slab_attempts;
	uint64_t slab_injected;
};
ZSIM_API int zsim_fault_stats(struct zsim_fault_stats *stats);

/*
 * Fault injection by target, with the kernel's fault-injection
 * attributes (Documentation/fault-injection/fault-injection.rst):
 * each site has one zsim_fault_attr.  A call at a site "passes the
 * filters" when it matches order, gfp and name; of those, the nth one
 * fails (like /proc/self/fail-nth, then nth disarms), and otherwise one
 * fails when, in the kernel's order: times is not used up, space is
 * used up (each call spends its size: 4096 << order for a page
 * allocation, the object size for a slab object, 1 elsewhere), the
 * call is the interval-th since the last one that got this far, and a
 * draw from the seeded stream falls under probability.  Allocations
 * with __GFP_NOFAIL are never failed.
 */
enum zsim_fault_site {
	ZSIM_FAULT_PAGE_ALLOC = 0,	/* alloc_pages() returns NULL (fail_page_alloc) */
	ZSIM_FAULT_SLAB,		/* kmem_cache_alloc()/kmalloc() return NULL (failslab) */
	ZSIM_FAULT_MIGRATE,		/* one page's move in migrate_pages() is -EAGAIN,
					 * as from a driver that is busy */
	ZSIM_FAULT_TRYLOCK,		/* spin_trylock(), write_trylock(), read_trylock()
					 * or trylock_page() fails */
	ZSIM_NR_FAULT_SITES
};

/* gfp bits for zsim_fault_attr.gfp_mask/gfp_match (the simulator's values) */
#define ZSIM_GFP_MOVABLE		0x08u
#define ZSIM_GFP_RECLAIMABLE		0x10u
#define ZSIM_GFP_HIGH			0x20u
#define ZSIM_GFP_IO			0x40u
#define ZSIM_GFP_FS			0x80u
#define ZSIM_GFP_ZERO			0x100u
#define ZSIM_GFP_DIRECT_RECLAIM		0x400u
#define ZSIM_GFP_KSWAPD_RECLAIM		0x800u
#define ZSIM_GFP_NOWARN			0x2000u

struct zsim_fault_attr {
	uint32_t size;			/* sizeof(struct zsim_fault_attr) */
	uint32_t probability;		/* percent, 0..100 (0: only nth fails) */
	uint64_t interval;		/* fail only every interval-th call; 0 or 1 every one */
	int64_t times;			/* fail at most this often; -1 no limit */
	uint64_t space;			/* let this many bytes' worth of calls through first */
	uint64_t nth;			/* fail the nth call that passes the filters
					 * (1 = the next), then disarm; 0 off */
	int order;			/* page allocations: only this order; -1 any */
	int min_order;			/* page allocations: never below this order
					 * (fail_page_alloc's min-order), 0..10 */
	uint32_t gfp_mask;		/* only calls whose (gfp & gfp_mask) == gfp_match; */
	uint32_t gfp_match;		/* ZSIM_GFP_* bits; both 0: any gfp */
	bool ignore_gfp_wait;		/* never fail a call that may sleep
					 * (ZSIM_GFP_DIRECT_RECLAIM: ignore-gfp-wait) */
	char name[32];			/* slab: only the cache of this name ("zs_handle");
					 * trylock: only "spin", "write", "read" or
					 * "page"; "" any.  Other sites: "" */
	uint64_t seed;			/* for the probability draws */
};

/* Off: no probability, nth 0, times -1, order -1, everything else 0. */
ZSIM_API void zsim_fault_attr_default(struct zsim_fault_attr *attr);

/*
 * Replace one site's setting (NULL: switch the site off), booting the
 * default machine first if none runs, and zero its counters.  -EINVAL,
 * with the field, its value and the range in zsim_last_error(), for a
 * bad site, size or field.
 */
ZSIM_API int zsim_fault_set_attr(enum zsim_fault_site site,
				 const struct zsim_fault_attr *attr);
ZSIM_API int zsim_fault_get_attr(enum zsim_fault_site site,
				 struct zsim_fault_attr *attr);

/*
 * Set sites from text, as ZSIM_FAULT and cfg.fault_targets give it:
 * "SITE:ATTR=VALUE,ATTR=VALUE;SITE:..." with SITE page, slab, migrate or
 * trylock, and ATTR probability, interval, times, space, nth, order,
 * min_order, gfp (ZSIM_GFP_* names without the prefix, lower case,
 * "|"-joined: the call must have them all), nogfp (must have none of
 * them), ignore_gfp_wait (0 or 1), cache (slab), lock (trylock: spin,
 * write, read or page) and seed.  Each site named is replaced (its
 * unnamed attributes at their defaults), the others are left alone;
 * "off" switches every site off.  For example
 *   slab:cache=zs_handle,nth=1
 *   page:order=0,gfp=movable,probability=100,interval=3,times=2
 * -EINVAL for bad text, naming the part that is wrong; nothing changes.
 */
ZSIM_API int zsim_fault_parse(const char *spec);

/* Calls seen at @site while it was armed, and failures injected there. */
ZSIM_API int zsim_fault_site_stats(enum zsim_fault_site site,
				   uint64_t *attempts, uint64_t *injected);

/* "page", "slab", "migrate", "trylock"; NULL beyond. */
ZSIM_API const char *zsim_fault_site_name(enum zsim_fault_site site);

/* --- tracepoints -------------------------------------------------------- */

/*
 * Events with the kernel's names and formats, recorded into a ring
 * buffer per simulated CPU (oldest entries overwritten when full) and
 * printed as ftrace prints /sys/kernel/tracing/trace.  kmem:
 * mm_page_alloc, mm_page_free, mm_page_alloc_extfrag; compaction:
 * mm_compaction_begin, _end, _isolate_migratepages, _isolate_freepages,
 * _suitable, _finished, _deferred, _defer_compaction, _defer_reset;
 * migrate: mm_migrate_pages; zsmalloc (not in the kernel):
 * zs_zspage_alloc, zs_zspage_free, zs_obj_move, zs_page_migrate,
 * zs_compact_class.  zsim_trace_list() prints them.
 *
 * Start recording @events: a comma-separated list of "all", systems
 * (kmem, compaction, migrate, zsmalloc), event names, or "system:event"
 * and "system:*" as tracefs's set_event takes them.  The set replaces
 * the one before; buffers of cfg.trace_buf_kb per CPU are allocated on
 * first use and kept.  Boots the default machine if none runs.  -EINVAL
 * for an empty list or a name that is no event (zsim_last_error() names
 * it), -ENOMEM if the buffers cannot be had.
 */
ZSIM_API int zsim_trace_start(const char *events);

/* Stop recording (what was recorded stays); -ENODEV without a machine. */
ZSIM_API int zsim_trace_stop(void);

/* Forget what was recorded; -ENODEV without a machine. */
ZSIM_API int zsim_trace_clear(void);

/*
 * Each CPU's buffer from now on, KiB: ZSIM_TRACE_BUF_KB_MIN..MAX, else
 * -EINVAL naming the value and the range.  Buffers already allocated
 * are replaced, and what they held is lost.
 */
ZSIM_API int zsim_trace_set_buffer_kb(uint32_t kb);

/* Is @event (a name such as "mm_page_alloc") being recorded? */
ZSIM_API bool zsim_trace_enabled(const char *event);

/*
 * Print the buffers in ftrace's text format, oldest first, merged by
 * timestamp: a "# tracer: nop" header with the entries-in-buffer/
 * entries-written line, then one line per event:
 *   TASK-PID [CPU] FLAGS SECONDS.MICROS: EVENT: FIELDS
 *   zsim-4242    [001] .....    12.345678: mm_page_free: page=0x7f.. pfn=0x1234 order=0
 * The printers' rules (see below) apply.  -ENODEV without a machine:
 * the buffers go with zsim_exit().
 */
ZSIM_API int zsim_trace_print(FILE *out);
ZSIM_API int zsim_trace_print_cb(void (*fn)(void *arg, const char *text),
				 void *arg);

/* "system:event" per line, every event there is. */
ZSIM_API int zsim_trace_list(FILE *out);

/* --- raw page frames (demos and teaching) -------------------------------- */

enum zsim_migratetype {
	ZSIM_UNMOVABLE = 0,
	ZSIM_MOVABLE = 1,
	ZSIM_RECLAIMABLE = 2,
};

/*
 * Allocate 2^order frames of the given mobility; returns the first pfn,
 * or 0 when the allocator has no such block (no reclaim or compaction is
 * tried: the kernel's GFP_NOWAIT).  Frames allocated here are pinned:
 * compaction does not move them.  A failed request of order > 0 wakes
 * kcompactd if it runs.
 */
ZSIM_API unsigned long zsim_alloc_pages(unsigned int order,
					enum zsim_migratetype type);

/*
 * zsim_alloc_pages() with @flags: 0 behaves as zsim_alloc_pages();
 * ZSIM_ALLOC_KERNEL allocates as the kernel does for GFP_KERNEL: when the
 * free lists have no block, the caller may block for direct compaction
 * (asynchronous first, then sync-light after reclaim) and direct reclaim
 * (every shrinker runs once), retrying the allocation after each.
 * Unknown flags make it return 0.  Free with zsim_free_pages().
 */
#define ZSIM_ALLOC_KERNEL	0x1u
ZSIM_API unsigned long zsim_alloc_pages_flags(unsigned int order,
					      enum zsim_migratetype type,
					      unsigned int flags);
ZSIM_API int zsim_free_pages(unsigned long pfn, unsigned int order);

/*
 * The pfn of the simulated frame holding @addr (an address inside the
 * machine's memory, such as zs_obj_read_begin() may return), or 0 if
 * @addr is not in it.  What lives there can move: the answer is only
 * good until the next migration.
 */
ZSIM_API unsigned long zsim_addr_to_pfn(const void *addr);

/* --- compaction and page migration -------------------------------------- */

/*
 * Compact the whole zone now, synchronously, as
 * `echo 1 > /proc/sys/vm/compact_memory`: movable pages move towards the
 * end of the zone, free memory gathers at its start.  -EOPNOTSUPP if
 * compaction is switched off.
 */
ZSIM_API int zsim_compact_memory(void);

/*
 * Switch compaction on or off at run time (the kernel chooses at build
 * time, CONFIG_COMPACTION).  Off: zsim_compact_memory() fails, direct
 * compaction is not tried and kcompactd idles; migration of pages already
 * isolated finishes.  Returns the previous setting.
 */
ZSIM_API bool zsim_set_compaction(bool enabled);
ZSIM_API bool zsim_compaction_enabled(void);

/*
 * Start (@on) or stop the background compactor, kcompactd: woken when an
 * allocation of order > 0 fails, and every 500 ms while one is pending,
 * it compacts until that order's allocation would pass the low
 * watermark.  Stopping waits for the thread.  zsim_exit() stops it.
 */
ZSIM_API int zsim_kcompactd(bool on);

/* --- free page reporting: memory back to the OS ------------------------- */

/*
 * With cfg.madvise (the default) free memory goes back to the OS as
 * Linux's free page reporting gives a guest's free memory back to its
 * host: a free only asks for a pass; 50 ms later a pass on the machine's
 * workqueue takes the free blocks not yet reported (of any order: the
 * pages zs_compact() frees are scattered ones) off the free lists, 32
 * at a time, madvise(MADV_DONTNEED)s their frames (one call per run of
 * adjacent blocks) and puts them back marked reported.  The process's
 * RSS then follows the machine's use.  A reported block that is
 * allocated again is used as it is: its frames fault back in,
 * zero-filled.  The counters page_reporting_batches,
 * page_reporting_pages and page_reporting_madvise (zsim_vmstat_get())
 * count the passes' work; zsim_get_zoneinfo()'s released_pageblocks is
 * the pageblocks reported now.
 *
 * zsim_report_free_pages() runs a pass now, without the delay, and
 * waits for it (and for a pass that was running); a program or test
 * that wants RSS to reflect its frees calls it, for instance after
 * zs_compact().  Returns the pages reported when it returns (0 with
 * cfg.madvise off).  Boots the default machine if none runs.
 * zsim_exit() cancels a pending pass and waits for a running one.
 */
ZSIM_API unsigned long zsim_report_free_pages(void);

/* --- statistics, in the kernel's formats -------------------------------- */

struct zsim_zoneinfo {
	uint64_t start_pfn, spanned_pages, managed_pages;
	uint64_t free_pages;
	uint64_t watermark_min, watermark_low, watermark_high;
	unsigned int pageblock_order;
	/* /proc/buddyinfo: free blocks per order */
	uint64_t nr_free[ZSIM_NR_ORDERS];
	/* /proc/pagetypeinfo: free blocks per type and order */
	uint64_t nr_free_type[ZSIM_NR_MIGRATETYPES][ZSIM_NR_ORDERS];
	/* /proc/pagetypeinfo: pageblocks per migratetype */
	uint64_t nr_blocks_type[ZSIM_NR_MIGRATETYPES];
	/* pageblocks' worth of free memory given back to the OS (reported) */
	uint64_t released_pageblocks;
	/*
	 * free order-0 pages on the per-CPU lists, summed over the CPUs;
	 * not in free_pages, nr_free or nr_free_type (as /proc/zoneinfo's
	 * "pagesets" count)
	 */
	uint64_t pcp_pages;
};
ZSIM_API int zsim_get_zoneinfo(struct zsim_zoneinfo *info);

/* Counters as in /proc/vmstat; -ENOENT for an unknown name. */
ZSIM_API int zsim_vmstat_get(const char *name, uint64_t *value);

/*
 * The debugfs extfrag indexes for an allocation of @order, in per mille
 * (debugfs prints them divided by 1000).  Unusable index: the share of
 * free memory in blocks smaller than @order, 0..1000.  Extfrag index:
 * towards 0 a failure would come from lack of memory, towards 1000 from
 * fragmentation; -1000 when the allocation would succeed.  -EINVAL for
 * an order above 10.
 */
ZSIM_API int zsim_unusable_index(unsigned int order);
ZSIM_API int zsim_extfrag_index(unsigned int order);

/*
 * The printers write the kernel's text to a stdio stream (-EIO if a write
 * failed, -EINVAL for a NULL stream), or hand it to a callback: each
 * zsim_print_X_cb() calls @fn(@arg, text) once per line, in order, with
 * the line's text and its newline as a NUL-terminated string (a line
 * longer than 1023 bytes comes in several calls).  @fn must not call
 * zsim_* or zs_* functions.  The _cb variants return 0, or -EINVAL for a
 * NULL @fn.
 */
typedef void zsim_output_fn(void *arg, const char *text);

ZSIM_API int zsim_print_buddyinfo(FILE *out);
ZSIM_API int zsim_print_buddyinfo_cb(zsim_output_fn *fn, void *arg);
ZSIM_API int zsim_print_pagetypeinfo(FILE *out);
ZSIM_API int zsim_print_pagetypeinfo_cb(zsim_output_fn *fn, void *arg);
/*
 * /proc/zoneinfo: free pages, watermarks and counters of the zone, then
 * for each CPU its page lists' count, high and batch (and, unlike the
 * kernel, their refills and spills) and its vmstat threshold.
 */
ZSIM_API int zsim_print_zoneinfo(FILE *out);
ZSIM_API int zsim_print_zoneinfo_cb(zsim_output_fn *fn, void *arg);
ZSIM_API int zsim_print_vmstat(FILE *out);
ZSIM_API int zsim_print_vmstat_cb(zsim_output_fn *fn, void *arg);
ZSIM_API int zsim_print_unusable_index(FILE *out);
ZSIM_API int zsim_print_unusable_index_cb(zsim_output_fn *fn, void *arg);
ZSIM_API int zsim_print_extfrag_index(FILE *out);
ZSIM_API int zsim_print_extfrag_index_cb(zsim_output_fn *fn, void *arg);
/* kmem_cache statistics, like /proc/slabinfo; -ENODEV if no machine runs */
ZSIM_API int zsim_print_slabinfo(FILE *out);
ZSIM_API int zsim_print_slabinfo_cb(zsim_output_fn *fn, void *arg);

/* --- memory pressure ---------------------------------------------------- */

/*
 * Run every registered shrinker as reclaim would, asking each for up to
 * @nr_to_scan objects (0: everything it reports); returns objects freed.
 */
ZSIM_API unsigned long zsim_shrink_all(unsigned long nr_to_scan);

/* --- page frame inspection (like /proc/kpageflags) ---------------------- */

/*
 * Who owns a page frame, as far as the page allocator can tell.  A frame
 * inside a free buddy block is ZSIM_PAGE_FREE, whichever page of the block
 * it is; a frame of an allocated block takes the owner of the block.  A
 * free page on a CPU's list (the per-CPU page lists in front of the buddy
 * lists) is ZSIM_PAGE_FREE too, with buddy_order 0 and no ZSIM_PF_BUDDY.
 */
enum zsim_page_owner {
	ZSIM_PAGE_FREE = 0,	/* in a free block of the buddy allocator */
	ZSIM_PAGE_SLAB,		/* a page of a slab cache (PG_slab) */
	ZSIM_PAGE_MOVABLE_OPS,	/* a non-LRU movable page: a driver's address_space
				 * with migration callbacks, e.g. a zspage page */
	ZSIM_PAGE_PINNED,	/* a zsim_alloc_pages() block (PG_reserved) */
	ZSIM_PAGE_OTHER,	/* any other allocation (alloc_pages() callers) */
	ZSIM_NR_PAGE_OWNERS
};

/* zsim_page_info.flags, one bit per page flag or state worth showing. */
#define ZSIM_PF_BUDDY		(1u << 0)	/* first frame of a free block */
#define ZSIM_PF_SLAB		(1u << 1)
#define ZSIM_PF_RESERVED	(1u << 2)	/* pinned: first frame of the block */
#define ZSIM_PF_LOCKED		(1u << 3)	/* page lock held */
#define ZSIM_PF_ISOLATED	(1u << 4)	/* taken off for migration now */
#define ZSIM_PF_MOVABLE		(1u << 5)	/* page->mapping has PAGE_MAPPING_MOVABLE */
#define ZSIM_PF_PRIVATE		(1u << 6)	/* PG_private (zsmalloc: first page) */
#define ZSIM_PF_PRIVATE_2	(1u << 7)	/* PG_private_2 (zsmalloc 4.8: last page) */
#define ZSIM_PF_OWNER_PRIV_1	(1u << 8)	/* PG_owner_priv_1 (zsmalloc: huge) */
#define ZSIM_PF_RELEASED	(1u << 9)	/* free, and its block was given
						 * back to the OS (free page reporting) */

struct zsim_page_info {
	uint32_t size;			/* set by the caller: sizeof(struct zsim_page_info) */
	uint32_t flags;			/* ZSIM_PF_* */
	uint64_t pfn;
	enum zsim_page_owner owner;
	int pageblock_mt;		/* the pageblock's migratetype, 0..3
					 * (Unmovable Movable Reclaimable HighAtomic),
					 * or 4 while zsim_alloc_contig_range() has
					 * it isolated (MIGRATE_ISOLATE) */
	int alloc_mt;			/* allocated: the migratetype it was requested
					 * with (exact for the first frame of a block,
					 * for split blocks and for pinned blocks);
					 * free: -1 */
	int buddy_order;		/* free: order of the block holding it; else -1 */
	uint64_t block_pfn;		/* first pfn of the free or pinned block holding
					 * it; else the pfn itself */
	uint64_t pageblock;		/* index of its pageblock from the zone's start */
	int refcount;			/* _refcount */
};

/*
 * The first pfn and one past the last pfn of the machine's memory
 * (either pointer may be NULL).  -ENODEV without a running machine.
 */
ZSIM_API int zsim_pfn_range(uint64_t *start_pfn, uint64_t *end_pfn);

/*
 * What the frame @pfn is now, read under the zone lock: an exact picture
 * of the buddy allocator, and of every other owner up to that moment.
 * -EINVAL if info->size is not the caller's sizeof(struct zsim_page_info)
 * (info->size stays as it was), -ERANGE for a pfn outside
 * zsim_pfn_range(), -ENODEV without a running machine.
 */
ZSIM_API int zsim_page_info(uint64_t pfn, struct zsim_page_info *info);

/* Short names for tables and legends: "free", "slab", "movable-ops", ... */
ZSIM_API const char *zsim_page_owner_name(enum zsim_page_owner owner);
/* "Unmovable", "Movable", "Reclaimable", "HighAtomic" as pagetypeinfo prints them; NULL beyond */
ZSIM_API const char *zsim_migratetype_name(int migratetype);

/* --- driver-level page control: one chosen page, contiguous ranges ------ */

/*
 * A kernel developer's handles on migration, through the same non-LRU
 * movable page framework zone compaction uses (a driver's isolate_page,
 * migratepage and putback_page callbacks).  For the page that holds a
 * zsmalloc object, zs_handle_pfn() in zsmalloc.h gives its pfn; for what
 * a frame is now (flags, owner), zsim_page_info() above.
 *
 * Every one returns 0 or a negative errno, and on failure leaves a
 * message naming the bad value for zsim_page_error(); a failure moves
 * nothing and loses nothing.  -ERANGE for a pfn outside zsim_pfn_range().
 * They may be called from any thread; each may sleep (page locks).
 */

/*
 * Isolate the movable page @pfn for migration, as compaction's migrate
 * scanner does: its driver is told and lets go of it until it is migrated
 * or put back (a zspage with an isolated page is not compacted or freed
 * meanwhile).  -EINVAL if the page is not movable (free, slab, pinned, or
 * another allocation), -EBUSY if it is isolated already, locked, or its
 * driver refuses, -EOPNOTSUPP when migration is switched off
 * (zsim_set_compaction()).  Migrate or put back every page isolated here
 * before destroying its pool: zs_destroy_pool() waits for them.
 */
ZSIM_API int zsim_isolate_page(uint64_t pfn);

/*
 * Migrate the page zsim_isolate_page() isolated at @pfn now, to the free
 * page @target_pfn, or with @target_pfn 0 to any free page the allocator
 * gives; its new pfn goes to *@new_pfn (may be NULL).  The driver moves
 * the contents and its references (a zsmalloc handle stays the same and
 * now leads to the new page); the old frame is freed.  -EINVAL if @pfn
 * was not isolated by zsim_isolate_page(), -EBUSY if @target_pfn is not a
 * free page (or lies in an isolated range), or if the driver refused (the
 * page is then back with its driver, not isolated); -EAGAIN (busy) and
 * -ENOMEM (no free page) leave it isolated for another try.
 */
ZSIM_API int zsim_migrate_page(uint64_t pfn, uint64_t target_pfn,
			       uint64_t *new_pfn);

/* Hand the page zsim_isolate_page() isolated at @pfn back to its driver. */
ZSIM_API int zsim_putback_page(uint64_t pfn);

/*
 * Allocate the @nr_pages frames from @start_pfn, like the kernel's
 * alloc_contig_range() for CMA: the range's pageblocks are labelled
 * MIGRATE_ISOLATE (their free pages leave the free lists allocations take
 * from), every movable page in the range is migrated out of it, and the
 * then free range is taken off the buddy allocator for the caller, who
 * may use its memory (zsim_addr_to_pfn()'s frames) until
 * zsim_free_contig_range().  The pageblocks are labelled Movable
 * afterwards, as the kernel does.  Counted in /proc/vmstat's
 * cma_alloc_success and cma_alloc_fail, the moves in pgmigrate_success.
 *
 * @start_pfn and @nr_pages must be multiples of the pageblock (-EINVAL,
 * as for @nr_pages 0); a range past the zone's end is -ERANGE.  -EBUSY
 * if the range holds a page that cannot move (slab, pinned, another
 * allocation, a range isolated by another call), or movable pages while
 * migration is switched off (zsim_set_compaction()), or pages whose
 * driver would not let go after several tries; -ENOMEM if no free page
 * outside the range was left to migrate into.  On any failure the
 * isolation is undone: pages already migrated stay, whole, where they
 * went.
 */
ZSIM_API int zsim_alloc_contig_range(uint64_t start_pfn, uint64_t nr_pages);

/*
 * Give back a range zsim_alloc_contig_range() returned, exactly as
 * allocated; -EINVAL for any other range.
 */
ZSIM_API int zsim_free_contig_range(uint64_t start_pfn, uint64_t nr_pages);

/*
 * Why the calling thread's last call of this section failed, e.g.
 *   pfn 0x401 is not a movable page (slab)
 * ("" after a success).
 */
ZSIM_API const char *zsim_page_error(void);

/* --- deterministic scheduling ----------------------------------------- */

/*
 * With cfg.sched ZSIM_SCHED_PCT or ZSIM_SCHED_RANDOM (ZSIM_SCHED=pct or
 * random), the threads that run kernel code run one at a time and switch
 * only at scheduling points: lock acquire, contention and release,
 * preempt_enable(), cond_resched(), might_sleep(), page-lock and wait
 * queue waits, workqueue and kcompactd wake-ups, and zsim_sched_point().
 * The next thread is drawn from cfg.seed, and time (jiffies, msleep(),
 * delayed work, kcompactd's period) is virtual, so the same seed and the
 * same program give the same interleaving and the same output.  PCT
 * gives each thread a random priority, runs the highest runnable one and
 * lowers the running thread's priority at sched_depth - 1 steps drawn
 * from 1..sched_steps.  When every thread waits for another, the waits
 * are printed with their stacks and the machine BUG()s.
 *
 * The thread that boots the machine, the machine's own threads, and
 * threads started by zsim_thread_create() join the scheduler at a
 * reproducible step.  Any other thread joins at its first scheduling
 * point, whenever the host gets it there, which is not reproducible.
 * A thread of the scheduler holds the CPU while it runs outside the
 * machine too: it must not wait in the host for another one (join them
 * with zsim_thread_join(), not pthread_join()).
 */

/* An explicit scheduling point; nothing when free-running. */
ZSIM_API void zsim_sched_point(void);

struct zsim_thread;

/*
 * Start @fn(@arg) on a new thread named @name (NULL: "zsim_thread"); in a
 * scheduling mode, it is runnable from this step on.  -EINVAL for a NULL
 * @thread or @fn, -ENOMEM, -EAGAIN.
 */
ZSIM_API int zsim_thread_create(struct zsim_thread **thread, const char *name,
				void *(*fn)(void *), void *arg);

/* Wait for @thread to end (as a scheduler-aware wait) and free it. */
ZSIM_API int zsim_thread_join(struct zsim_thread *thread, void **ret);

struct zsim_sched_stats {
	uint32_t size;			/* sizeof(struct zsim_sched_stats) */
	uint64_t steps;			/* scheduling points passed */
	uint64_t switches;		/* times another thread got the CPU */
	uint64_t blocks;		/* waits */
	uint64_t hash;			/* fingerprint of the order of every point */
	uint64_t virtual_ns;		/* virtual time since boot */
	uint32_t threads;		/* threads known to the scheduler now */
};

/*
 * The running scheduler's counters; -ENODEV free-running, -EINVAL for a
 * NULL @st or a wrong st->size.
 */
ZSIM_API int zsim_sched_stats(struct zsim_sched_stats *st);

#ifdef __cplusplus
}
#endif

#endif /* ZSMALLOC_ZSIM_H */
