// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * The simulated machine's lifecycle: validate a config, boot every
 * subsystem in dependency order, shut them down in reverse and report
 * what leaked.  One machine per process, like one kernel per computer.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <unistd.h>

#include <linux/hazptr.h>
#include <linux/module.h>
#include <linux/mmzone.h>
#include <sim/internal.h>

struct zsim_config sim_config;
int sim_machine_booted;

static pthread_mutex_t machine_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
/*
 * This process is a fork() child of one whose machine was running.  The
 * machine's threads did not come along, so the copy cannot run: it is
 * forgotten at the fork, and no other machine may boot here.
 */
static bool machine_forked;
#define FORKED_CHILD_ERROR \
	"this process is a fork() child of one with a running simulated machine; the child cannot use that machine or boot another (see fork() in zsim.h)"
static char last_error[256];
static struct sim_initcall *initcalls, **initcalls_tail = &initcalls;
static struct sim_initcall *initcalls_done;	/* ran init; exit in reverse */

void sim_set_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
}

const char *zsim_last_error(void)
{
	return last_error;
}

void sim_register_initcall(struct sim_initcall *call)
{
	call->next = NULL;
	*initcalls_tail = call;
	initcalls_tail = &call->next;
}

int sim_run_initcalls(void)
{
	struct sim_initcall *call;
	int err;

	for (call = initcalls; call; call = call->next) {
		if (!call->init)
			continue;
		err = call->init();
		if (err) {
			sim_set_error("initcall %s failed: %d", call->name, err);
			return err;
		}
	}
	initcalls_done = initcalls;
	return 0;
}

static void run_exitcalls_from(struct sim_initcall *call)
{
	if (!call)
		return;
	run_exitcalls_from(call->next);
	if (call->exit)
		call->exit();
}

void sim_run_exitcalls(void)
{
	run_exitcalls_from(initcalls_done);
	initcalls_done = NULL;
}

void zsim_fault_config_default(struct zsim_fault_config *fault)
{
	memset(fault, 0, sizeof(*fault));
	fault->size = sizeof(*fault);
	fault->page_fail_order = -1;
}

void zsim_config_default(struct zsim_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->size = sizeof(*cfg);
	/* 0 and 0: memory that grows from one section to half the host's */
	cfg->mem_bytes = 0;
	cfg->mem_initial_bytes = 0;
	cfg->pageblock_order = 9;
	cfg->nr_cpus = 4;
	cfg->seed = 1;
	cfg->loglevel = 4;
	cfg->madvise = true;
	zsim_fault_config_default(&cfg->fault);
	cfg->compaction = true;
	cfg->kcompactd = false;
	cfg->trace_buf_kb = ZSIM_TRACE_BUF_KB_DEFAULT;
	cfg->sched = ZSIM_SCHED_FREE;
	cfg->sched_depth = 3;
	cfg->sched_steps = 100000;
}

/* The size of struct zsim_config before trace_events was appended (0.1.0). */
#define ZSIM_CONFIG_SIZE_0	offsetof(struct zsim_config, trace_events)

static int check_config_size(const struct zsim_config *cfg, const char *caller)
{
	if (cfg->size == sizeof(*cfg) || cfg->size == ZSIM_CONFIG_SIZE_0)
		return 0;
	sim_set_error("%s: zsim_config.size is %u, expected %zu (sizeof(struct zsim_config)) or %zu (before tracing, memory growth and scheduling were appended): fill the config with zsim_config_default()",
		      caller, cfg->size, sizeof(*cfg), ZSIM_CONFIG_SIZE_0);
	return -EINVAL;
}

/*
 * @cfg, whose size check_config_size() accepted, as a config of this
 * version in @full: the members an earlier size lacks take their
 * defaults.
 */
static void config_widen(const struct zsim_config *cfg, struct zsim_config *full)
{
	zsim_config_default(full);
	memcpy(full, cfg, cfg->size);
	full->size = sizeof(*full);
}

/*
 * A byte count in the form ZSIM_MEM and --mem accept: the largest of G, M
 * and K that divides it exactly, else plain bytes.
 */
static const char *format_size(uint64_t bytes, char *buf, size_t len)
{
	if (bytes && !(bytes & ((1ULL << 30) - 1)))
		snprintf(buf, len, "%" PRIu64 "G", bytes >> 30);
	else if (bytes && !(bytes & ((1ULL << 20) - 1)))
		snprintf(buf, len, "%" PRIu64 "M", bytes >> 20);
	else if (bytes && !(bytes & ((1ULL << 10) - 1)))
		snprintf(buf, len, "%" PRIu64 "K", bytes >> 10);
	else
		snprintf(buf, len, "%" PRIu64, bytes);
	return buf;
}

#define MIN_MEM_BYTES		(4ULL << 20)
#define MAX_MEM_BYTES		(1ULL << 40)
#define MIN_MEM_PAGEBLOCKS	4u
#define DEFAULT_INITIAL_BYTES	((uint64_t)ZSIM_SECTION_SIZE)

/* Where the running machine's limit came from (messages at the limit). */
static char limit_source[128];

const char *sim_config_limit_source(void)
{
	return limit_source;
}

/*
 * The largest limit the address space allows: the arena and its struct
 * pages (a 64th more) are reserved at boot, and with an RLIMIT_AS they
 * may take half of it, leaving the rest to the program.  0 if even the
 * minimum machine does not fit.
 */
static uint64_t address_space_max(void)
{
	uint64_t max = MAX_MEM_BYTES;
	struct rlimit rl;

	if (!getrlimit(RLIMIT_AS, &rl) && rl.rlim_cur != RLIM_INFINITY) {
		uint64_t room = (uint64_t)rl.rlim_cur / 2 / 65 * 64;

		if (room < max)
			max = room & ~((1ULL << 20) - 1);
	}
	if (sizeof(void *) < 8 && max > (1ULL << 30))
		max = 1ULL << 30;
	return max;
}

/* The smallest machine for a pageblock order: 4 pageblocks and 4M. */
static uint64_t min_mem_bytes(unsigned int pageblock_order)
{
	uint64_t blocks = MIN_MEM_PAGEBLOCKS * ((uint64_t)ZSIM_PAGE_SIZE << pageblock_order);

	return blocks > MIN_MEM_BYTES ? blocks : MIN_MEM_BYTES;
}

/*
 * Why @mem_bytes is no machine size for @pageblock_order, into @buf
 * (empty if it is one).  @what names the value: "ZSIM_MEM=\"4M\"" or
 * "machine size 4M".
 */
static bool mem_size_problem(const char *what, uint64_t mem_bytes,
			     unsigned int pageblock_order, char *buf, size_t len)
{
	uint64_t block = (uint64_t)ZSIM_PAGE_SIZE << pageblock_order;
	char a[32], b[32];

	buf[0] = '\0';
	if (mem_bytes < min_mem_bytes(pageblock_order) &&
	    MIN_MEM_PAGEBLOCKS * block > MIN_MEM_BYTES)
		snprintf(buf, len, "%s is too small: at least %s (%u pageblocks of %s)",
			 what, format_size(MIN_MEM_PAGEBLOCKS * block, a, sizeof(a)),
			 MIN_MEM_PAGEBLOCKS, format_size(block, b, sizeof(b)));
	else if (mem_bytes < min_mem_bytes(pageblock_order))
		snprintf(buf, len, "%s is too small: at least %s",
			 what, format_size(MIN_MEM_BYTES, a, sizeof(a)));
	else if (mem_bytes > MAX_MEM_BYTES)
		snprintf(buf, len, "%s is too large: at most %s",
			 what, format_size(MAX_MEM_BYTES, a, sizeof(a)));
	else if (mem_bytes > address_space_max())
		snprintf(buf, len, "%s is larger than the address space allows: at most %s (half of RLIMIT_AS, less the struct pages)",
			 what, format_size(address_space_max(), a, sizeof(a)));
	else if (mem_bytes % block)
		snprintf(buf, len, "%s is not a multiple of a pageblock (%s at pageblock order %u)",
			 what, format_size(block, a, sizeof(a)), pageblock_order);
	return buf[0] != '\0';
}

enum env_kind {
	ENV_NUMBER,	/* decimal, or 0x hexadecimal */
	ENV_SIZE,	/* a number with an optional K, M or G suffix */
	ENV_SWITCH,	/* on/off, 1/0 */
};

/*
 * Read variable @name into *@out if it is set and not empty: a number in
 * @min..@max.  On a bad value, the error names the variable, the value
 * and what was expected.
 */
static int parse_env(const char *name, enum env_kind kind, int64_t min,
		     uint64_t max, uint64_t *out)
{
	const char *s = getenv(name);
	char *end;
	unsigned long long v;
	bool negative;

	if (!s || !*s)
		return 0;
	if (kind == ENV_SWITCH) {
		if (!strcmp(s, "1") || !strcasecmp(s, "on")) {
			*out = 1;
			return 0;
		}
		if (!strcmp(s, "0") || !strcasecmp(s, "off")) {
			*out = 0;
			return 0;
		}
		sim_set_error("%s=\"%s\" is not a switch: expected on or off (or 1 or 0)",
			      name, s);
		return -EINVAL;
	}

	negative = s[0] == '-';
	errno = 0;
	v = strtoull(negative ? s + 1 : s, &end, 0);
	if (end == s + negative || (negative && kind == ENV_SIZE))
		goto bad;
	if (errno == ERANGE)
		goto range;
	if (errno)
		goto bad;
	if (kind == ENV_SIZE && *end) {
		unsigned int shift;

		switch (*end) {
		case 'k': case 'K': shift = 10; break;
		case 'm': case 'M': shift = 20; break;
		case 'g': case 'G': shift = 30; break;
		default: goto bad;
		}
		if (v > (UINT64_MAX >> shift))
			goto range;
		v <<= shift;
		end++;
		if (*end == 'i' || *end == 'B')
			end++;
		if (*end == 'B')
			end++;
	}
	if (*end)
		goto bad;
	if (negative) {
		if (min >= 0 || v > (unsigned long long)-min)
			goto range;
		*out = (uint64_t)-(int64_t)v;
		return 0;
	}
	if (v < (uint64_t)(min > 0 ? min : 0) || v > max)
		goto range;
	*out = v;
	return 0;
bad:
	if (kind == ENV_SIZE)
		sim_set_error("%s=\"%s\" is not a size: expected bytes or a number with a K, M or G suffix, such as 256M",
			      name, s);
	else if (max == UINT64_MAX)
		sim_set_error("%s=\"%s\" is not a number: expected a whole number (decimal, or hexadecimal with 0x)",
			      name, s);
	else
		sim_set_error("%s=\"%s\" is not a number: expected a whole number in %" PRId64 "..%" PRIu64,
			      name, s, min, max);
	return -EINVAL;
range:
	if (kind == ENV_SIZE)
		sim_set_error("%s=\"%s\" is too large: at most %s",
			      name, s, "1024G");
	else
		sim_set_error("%s=\"%s\" is out of range: expected a whole number in %" PRId64 "..%" PRIu64,
			      name, s, min, max);
	return -EINVAL;
}

#define SCHED_MAX_STEPS		(1ULL << 40)

/* ZSIM_SCHED: free (or off), pct or random. */
static int parse_sched_env(struct zsim_config *cfg)
{
	const char *s = getenv("ZSIM_SCHED");

	if (!s || !*s)
		return 0;
	if (!strcasecmp(s, "free") || !strcasecmp(s, "off") || !strcmp(s, "0"))
		cfg->sched = ZSIM_SCHED_FREE;
	else if (!strcasecmp(s, "pct"))
		cfg->sched = ZSIM_SCHED_PCT;
	else if (!strcasecmp(s, "random"))
		cfg->sched = ZSIM_SCHED_RANDOM;
	else {
		sim_set_error("ZSIM_SCHED=\"%s\" is not a scheduling mode: expected free (or off), pct or random",
			      s);
		return -EINVAL;
	}
	return 0;
}

int zsim_config_from_env(struct zsim_config *cfg)
{
	uint64_t v;
	int err;
	char why[256];

	if (!cfg) {
		sim_set_error("zsim_config_from_env: no config given (NULL)");
		return -EINVAL;
	}
	err = check_config_size(cfg, "zsim_config_from_env");
	if (err)
		return err;
	if (cfg->size != sizeof(*cfg)) {
		/* An earlier, shorter config: fill a whole one, copy its part back. */
		struct zsim_config full;
		uint32_t size = cfg->size;

		config_widen(cfg, &full);
		err = zsim_config_from_env(&full);
		if (!err) {
			memcpy(cfg, &full, size);
			cfg->size = size;
		}
		return err;
	}

#define ENV_FIELD(name, field, kind, min, max, type) do {		\
		v = (uint64_t)cfg->field;				\
		err = parse_env(name, kind, min, max, &v);		\
		if (err)						\
			return err;					\
		cfg->field = (type)v;					\
	} while (0)

	ENV_FIELD("ZSIM_PAGEBLOCK_ORDER", pageblock_order, ENV_NUMBER, 1, MAX_ORDER - 1, unsigned int);
	ENV_FIELD("ZSIM_MEM", mem_bytes, ENV_SIZE, 0, UINT64_MAX, uint64_t);
	ENV_FIELD("ZSIM_MEM_INITIAL", mem_initial_bytes, ENV_SIZE, 0, UINT64_MAX, uint64_t);
	ENV_FIELD("ZSIM_CPUS", nr_cpus, ENV_NUMBER, 1, ZSIM_MAX_CPUS, unsigned int);
	ENV_FIELD("ZSIM_SEED", seed, ENV_NUMBER, 0, UINT64_MAX, uint64_t);
	ENV_FIELD("ZSIM_LOGLEVEL", loglevel, ENV_NUMBER, 0, 8, int);
	ENV_FIELD("ZSIM_MADVISE", madvise, ENV_SWITCH, 0, 1, bool);
	ENV_FIELD("ZSIM_FAIL_PAGE_NTH", fault.page_fail_nth, ENV_NUMBER, 0, UINT64_MAX, uint64_t);
	ENV_FIELD("ZSIM_FAIL_PAGE_PPM", fault.page_fail_ppm, ENV_NUMBER, 0, 1000000, uint32_t);
	ENV_FIELD("ZSIM_FAIL_PAGE_ORDER", fault.page_fail_order, ENV_NUMBER, -1, MAX_ORDER - 1, int);
	ENV_FIELD("ZSIM_FAIL_SLAB_NTH", fault.slab_fail_nth, ENV_NUMBER, 0, UINT64_MAX, uint64_t);
	ENV_FIELD("ZSIM_FAIL_SLAB_PPM", fault.slab_fail_ppm, ENV_NUMBER, 0, 1000000, uint32_t);
	ENV_FIELD("ZSIM_COMPACTION", compaction, ENV_SWITCH, 0, 1, bool);
	ENV_FIELD("ZSIM_KCOMPACTD", kcompactd, ENV_SWITCH, 0, 1, bool);
	ENV_FIELD("ZSIM_TRACE_BUF_KB", trace_buf_kb, ENV_NUMBER, ZSIM_TRACE_BUF_KB_MIN, ZSIM_TRACE_BUF_KB_MAX, uint32_t);
	ENV_FIELD("ZSIM_SCHED_DEPTH", sched_depth, ENV_NUMBER, 1, ZSIM_SCHED_MAX_DEPTH, unsigned int);
	ENV_FIELD("ZSIM_SCHED_STEPS", sched_steps, ENV_NUMBER, 1, SCHED_MAX_STEPS, uint64_t);
#undef ENV_FIELD
	/* Tracepoints and fault targets: the text, checked here to name the variable. */
	if (getenv("ZSIM_TRACE") && *getenv("ZSIM_TRACE")) {
		err = sim_trace_check_config("ZSIM_TRACE", getenv("ZSIM_TRACE"),
					     "ZSIM_TRACE_BUF_KB", cfg->trace_buf_kb);
		if (err)
			return err;
		cfg->trace_events = getenv("ZSIM_TRACE");
	}
	if (getenv("ZSIM_FAULT") && *getenv("ZSIM_FAULT")) {
		err = sim_fault_check_targets("ZSIM_FAULT", getenv("ZSIM_FAULT"));
		if (err)
			return err;
		cfg->fault_targets = getenv("ZSIM_FAULT");
	}
	err = parse_sched_env(cfg);
	if (err)
		return err;
	if (getenv("ZSIM_MEM") && *getenv("ZSIM_MEM")) {
		char what[64];

		snprintf(what, sizeof(what), "ZSIM_MEM=\"%s\"", getenv("ZSIM_MEM"));
		if (mem_size_problem(what, cfg->mem_bytes, cfg->pageblock_order,
				     why, sizeof(why))) {
			sim_set_error("%s", why);
			return -EINVAL;
		}
		/* ZSIM_MEM is the limit of a machine that grows. */
		if (!(getenv("ZSIM_MEM_INITIAL") && *getenv("ZSIM_MEM_INITIAL")) &&
		    !cfg->mem_initial_bytes)
			cfg->mem_initial_bytes = cfg->mem_bytes < DEFAULT_INITIAL_BYTES ?
						 cfg->mem_bytes : DEFAULT_INITIAL_BYTES;
	}
	if (getenv("ZSIM_MEM_INITIAL") && *getenv("ZSIM_MEM_INITIAL")) {
		char what[80], a[32];

		snprintf(what, sizeof(what), "ZSIM_MEM_INITIAL=\"%s\"",
			 getenv("ZSIM_MEM_INITIAL"));
		if (mem_size_problem(what, cfg->mem_initial_bytes, cfg->pageblock_order,
				     why, sizeof(why))) {
			sim_set_error("%s", why);
			return -EINVAL;
		}
		if (cfg->mem_bytes && cfg->mem_initial_bytes > cfg->mem_bytes) {
			sim_set_error("%s is larger than the memory limit %s: at most the limit",
				      what, format_size(cfg->mem_bytes, a, sizeof(a)));
			return -EINVAL;
		}
	}
	cfg->fault.seed = cfg->seed;
	return 0;
}

/*
 * The default limit: half of the host's physical memory, as tmpfs sizes
 * itself, within what the address space allows, rounded down to a
 * section; at least the minimum machine.
 */
static uint64_t default_mem_limit(unsigned int pageblock_order, uint64_t *host)
{
	long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGESIZE);
	uint64_t limit;

	*host = pages > 0 && page_size > 0 ? (uint64_t)pages * (uint64_t)page_size
					   : 2ULL << 30;
	limit = *host / 2;
	if (limit > address_space_max())
		limit = address_space_max();
	limit &= ~((uint64_t)ZSIM_SECTION_SIZE - 1);
	if (limit < min_mem_bytes(pageblock_order))
		limit = min_mem_bytes(pageblock_order);
	return limit;
}

/*
 * The sizes the machine runs with, from what the caller asked for (0
 * means "choose"): the limit, and the memory online at boot.
 */
static void resolve_mem_sizes(struct zsim_config *cfg)
{
	uint64_t host;
	char a[32], b[32];

	if (cfg->pageblock_order < 1 || cfg->pageblock_order > MAX_ORDER - 1)
		return;		/* validate_config() says why */
	if (!cfg->mem_bytes) {
		cfg->mem_bytes = default_mem_limit(cfg->pageblock_order, &host);
		snprintf(limit_source, sizeof(limit_source),
			 "the default: half of this host's %s of memory",
			 format_size(host & ~((1ULL << 20) - 1), a, sizeof(a)));
		if (!cfg->mem_initial_bytes)
			cfg->mem_initial_bytes = cfg->mem_bytes < DEFAULT_INITIAL_BYTES ?
						 cfg->mem_bytes : DEFAULT_INITIAL_BYTES;
	} else {
		snprintf(limit_source, sizeof(limit_source),
			 "set by ZSIM_MEM or zsim_config.mem_bytes, %s online at boot",
			 format_size(cfg->mem_initial_bytes ? cfg->mem_initial_bytes
							    : cfg->mem_bytes, b, sizeof(b)));
		if (!cfg->mem_initial_bytes)
			cfg->mem_initial_bytes = cfg->mem_bytes;
	}
}

static int validate_config(const struct zsim_config *cfg)
{
	char what[64], why[256], a[32];

	if (cfg->pageblock_order < 1 || cfg->pageblock_order > MAX_ORDER - 1) {
		sim_set_error("pageblock order %u is outside 1..%d",
			      cfg->pageblock_order, MAX_ORDER - 1);
		return -EINVAL;
	}
	snprintf(what, sizeof(what), "machine size %s",
		 format_size(cfg->mem_bytes, a, sizeof(a)));
	if (mem_size_problem(what, cfg->mem_bytes, cfg->pageblock_order,
			     why, sizeof(why))) {
		sim_set_error("%s", why);
		return -EINVAL;
	}
	snprintf(what, sizeof(what), "initial memory %s",
		 format_size(cfg->mem_initial_bytes, a, sizeof(a)));
	if (mem_size_problem(what, cfg->mem_initial_bytes, cfg->pageblock_order,
			     why, sizeof(why))) {
		sim_set_error("%s", why);
		return -EINVAL;
	}
	if (cfg->mem_initial_bytes > cfg->mem_bytes) {
		char b[32];

		sim_set_error("initial memory %s is larger than the memory limit %s: at most the limit",
			      a, format_size(cfg->mem_bytes, b, sizeof(b)));
		return -EINVAL;
	}
	if (cfg->nr_cpus < 1 || cfg->nr_cpus > ZSIM_MAX_CPUS) {
		sim_set_error("%u CPUs is outside 1..%u", cfg->nr_cpus, ZSIM_MAX_CPUS);
		return -EINVAL;
	}
	if (cfg->loglevel < 0 || cfg->loglevel > 8) {
		sim_set_error("log level %d is outside 0..8", cfg->loglevel);
		return -EINVAL;
	}
	if (cfg->fault.page_fail_order < -1 ||
	    cfg->fault.page_fail_order >= MAX_ORDER) {
		sim_set_error("fault injection order %d is outside -1..%d",
			      cfg->fault.page_fail_order, MAX_ORDER - 1);
		return -EINVAL;
	}
	if (cfg->fault.page_fail_ppm > 1000000 || cfg->fault.slab_fail_ppm > 1000000) {
		sim_set_error("fault probabilities are per million: at most 1000000");
		return -EINVAL;
	}
	if (sim_trace_check_config("trace_events", cfg->trace_events,
				   "trace buffer size", cfg->trace_buf_kb) ||
	    sim_fault_check_targets("fault_targets", cfg->fault_targets))
		return -EINVAL;
	if (cfg->sched < ZSIM_SCHED_FREE || cfg->sched > ZSIM_SCHED_RANDOM) {
		sim_set_error("scheduling mode %d is outside %d..%d (ZSIM_SCHED_FREE, _PCT, _RANDOM)",
			      cfg->sched, ZSIM_SCHED_FREE, ZSIM_SCHED_RANDOM);
		return -EINVAL;
	}
	if (cfg->sched_depth < 1 || cfg->sched_depth > ZSIM_SCHED_MAX_DEPTH) {
		sim_set_error("scheduling depth %u is outside 1..%u",
			      cfg->sched_depth, ZSIM_SCHED_MAX_DEPTH);
		return -EINVAL;
	}
	if (cfg->sched_steps < 1 || cfg->sched_steps > SCHED_MAX_STEPS) {
		sim_set_error("scheduling steps %" PRIu64 " is outside 1..%llu",
			      cfg->sched_steps, SCHED_MAX_STEPS);
		return -EINVAL;
	}
	return 0;
}

/* fork(): no boot or shutdown may be half done in the child. */
static void atfork_prepare(void)
{
	pthread_mutex_lock(&machine_lock);
	sim_hazptr_atfork_prepare();
}

static void atfork_parent(void)
{
	sim_hazptr_atfork_parent();
	pthread_mutex_unlock(&machine_lock);
}

static void atfork_child(void)
{
	if (sim_machine_booted) {
		machine_forked = true;
		__atomic_store_n(&sim_machine_booted, 0, __ATOMIC_RELEASE);
	}
	sim_sched_atfork_child();
	sim_hazptr_atfork_child();
	pthread_mutex_unlock(&machine_lock);
}

static void register_atfork(void)
{
	pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
}

static void machine_teardown(int stage)
{
	/* Undo boot stages above @stage, newest first. */
	if (stage >= 9)
		sim_page_reporting_exit();
	if (stage >= 8)
		sim_compaction_exit();
	if (stage >= 7)
		sim_shrinker_exit();
	if (stage >= 6)
		sim_workqueue_exit();
	if (stage >= 5)
		sim_rcu_exit();
	if (stage >= 4)
		sim_slab_exit();
	if (stage >= 3)
		sim_buddy_exit();
	if (stage >= 2)
		sim_memmap_exit();
	if (stage >= 1)
		sim_percpu_exit();
	sim_sched_exit();
}

static int machine_boot(const struct zsim_config *asked)
{
	struct zsim_config resolved, *cfg = &resolved;
	int err, stage = 0;

	if (machine_forked) {
		sim_set_error("%s", FORKED_CHILD_ERROR);
		return -EPERM;
	}
	err = check_config_size(asked, "zsim_init");
	if (err)
		return err;
	config_widen(asked, &resolved);
	resolve_mem_sizes(cfg);
	err = validate_config(cfg);
	if (err)
		return err;
	sim_config = *cfg;

	/* First: every thread the boot starts must be a task. */
	err = sim_sched_init(cfg);
	if (!err)
		err = sim_printk_init(cfg);
	if (!err)
		err = sim_fault_init(cfg);
	if (!err)
		err = sim_trace_init(cfg);
	if (!err && !(err = sim_percpu_init(cfg)))
		stage = 1;
	if (!err && !(err = sim_memmap_init(cfg)))
		stage = 2;
	if (!err && !(err = sim_buddy_init(cfg)))
		stage = 3;
	if (!err && !(err = sim_slab_init()))
		stage = 4;
	if (!err && !(err = sim_rcu_init()))
		stage = 5;
	if (!err && !(err = sim_workqueue_init()))
		stage = 6;
	if (!err && !(err = sim_shrinker_init()))
		stage = 7;
	if (!err && !(err = sim_compaction_init(cfg)))
		stage = 8;
	if (!err && !(err = sim_page_reporting_init(cfg)))
		stage = 9;
	if (err) {
		if (!last_error[0])
			sim_set_error("boot failed at stage %d: %s", stage, strerror(-err));
		machine_teardown(stage);
		sim_trace_exit();
		return err;
	}
	__atomic_store_n(&sim_machine_booted, 1, __ATOMIC_RELEASE);
	err = sim_run_initcalls();
	if (err) {
		sim_run_exitcalls();
		__atomic_store_n(&sim_machine_booted, 0, __ATOMIC_RELEASE);
		machine_teardown(stage);
		sim_trace_exit();
	}
	return err;
}

int zsim_init(const struct zsim_config *cfg)
{
	struct zsim_config defaults;
	int err;

	if (!cfg) {
		zsim_config_default(&defaults);
		cfg = &defaults;
	}
	pthread_once(&atfork_once, register_atfork);
	pthread_mutex_lock(&machine_lock);
	last_error[0] = '\0';
	if (sim_machine_booted) {
		sim_set_error("a simulated machine is already running; zsim_exit() it first");
		err = -EBUSY;
	} else {
		err = machine_boot(cfg);
	}
	pthread_mutex_unlock(&machine_lock);
	return err;
}

void sim_machine_ensure(void)
{
	struct zsim_config cfg;
	int err = 0;

	pthread_once(&atfork_once, register_atfork);
	pthread_mutex_lock(&machine_lock);
	if (!sim_machine_booted) {
		zsim_config_default(&cfg);
		err = zsim_config_from_env(&cfg);
		if (!err)
			err = machine_boot(&cfg);
	}
	pthread_mutex_unlock(&machine_lock);
	if (err) {
		if (machine_forked)
			fprintf(stderr, "zsim: %s\n", last_error);
		else
			fprintf(stderr, "zsim: cannot boot the default machine: %s\n",
				last_error);
		abort();
	}
}

bool zsim_running(void)
{
	return __atomic_load_n(&sim_machine_booted, __ATOMIC_ACQUIRE);
}

int zsim_get_config(struct zsim_config *cfg)
{
	if (!cfg)
		return -EINVAL;
	if (!zsim_running())
		return -ENODEV;
	*cfg = sim_config;
	return 0;
}

long zsim_exit(void)
{
	long leaked = 0;

	pthread_mutex_lock(&machine_lock);
	if (!sim_machine_booted) {
		pthread_mutex_unlock(&machine_lock);
		return 0;
	}
	/* The reporting pass first: it may hold free blocks off the lists. */
	sim_page_reporting_exit();
	/* kcompactd next: it may be migrating a driver's pages. */
	sim_compaction_exit();
	sim_run_exitcalls();
	sim_shrinker_exit();
	sim_workqueue_exit();
	sim_rcu_exit();
	leaked += sim_slab_exit();
	leaked += sim_buddy_exit();
	sim_memmap_exit();
	sim_percpu_exit();
	sim_trace_exit();
	__atomic_store_n(&sim_machine_booted, 0, __ATOMIC_RELEASE);
	sim_sched_exit();
	pthread_mutex_unlock(&machine_lock);
	return leaked;
}
