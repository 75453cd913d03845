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

#include <linux/module.h>
#include <linux/mmzone.h>
#include <sim/internal.h>

struct zsim_config sim_config;
int sim_machine_booted;

static pthread_mutex_t machine_lock = PTHREAD_MUTEX_INITIALIZER;
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

void zsim_config_default(struct zsim_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->mem_bytes = 256ULL << 20;
	cfg->pageblock_order = 9;
	cfg->nr_cpus = 4;
	cfg->seed = 1;
	cfg->loglevel = 4;
	cfg->madvise = true;
	cfg->fault.page_fail_order = -1;
	cfg->compaction = true;
	cfg->kcompactd = false;
}

static int parse_u64(const char *name, uint64_t *out, bool size_suffix)
{
	const char *s = getenv(name);
	char *end;
	unsigned long long v;

	if (!s || !*s)
		return 0;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		goto bad;
	if (size_suffix && *end) {
		unsigned int shift;

		switch (*end) {
		case 'k': case 'K': shift = 10; break;
		case 'm': case 'M': shift = 20; break;
		case 'g': case 'G': shift = 30; break;
		default: goto bad;
		}
		if (v > (UINT64_MAX >> shift))
			goto bad;
		v <<= shift;
		end++;
		if (*end == 'i' || *end == 'B')
			end++;
		if (*end == 'B')
			end++;
	}
	if (*end)
		goto bad;
	*out = v;
	return 0;
bad:
	sim_set_error("%s=\"%s\" is not a valid number", name, s);
	return -EINVAL;
}

int zsim_config_from_env(struct zsim_config *cfg)
{
	uint64_t v;
	int err;

#define ENV_FIELD(name, field, suffix, type) do {			\
		v = (uint64_t)cfg->field;				\
		err = parse_u64(name, &v, suffix);			\
		if (err)						\
			return err;					\
		cfg->field = (type)v;					\
	} while (0)

	ENV_FIELD("ZSIM_MEM", mem_bytes, true, uint64_t);
	ENV_FIELD("ZSIM_PAGEBLOCK_ORDER", pageblock_order, false, unsigned int);
	ENV_FIELD("ZSIM_CPUS", nr_cpus, false, unsigned int);
	ENV_FIELD("ZSIM_SEED", seed, false, uint64_t);
	ENV_FIELD("ZSIM_LOGLEVEL", loglevel, false, int);
	ENV_FIELD("ZSIM_MADVISE", madvise, false, bool);
	ENV_FIELD("ZSIM_FAIL_PAGE_NTH", fault.page_fail_nth, false, uint64_t);
	ENV_FIELD("ZSIM_FAIL_PAGE_PPM", fault.page_fail_ppm, false, uint32_t);
	ENV_FIELD("ZSIM_FAIL_SLAB_NTH", fault.slab_fail_nth, false, uint64_t);
	ENV_FIELD("ZSIM_FAIL_SLAB_PPM", fault.slab_fail_ppm, false, uint32_t);
	ENV_FIELD("ZSIM_COMPACTION", compaction, false, bool);
	ENV_FIELD("ZSIM_KCOMPACTD", kcompactd, false, bool);
#undef ENV_FIELD
	if (getenv("ZSIM_FAIL_PAGE_ORDER")) {
		const char *s = getenv("ZSIM_FAIL_PAGE_ORDER");
		char *end;
		long o = strtol(s, &end, 10);

		if (end == s || *end || o < -1 || o >= MAX_ORDER) {
			sim_set_error("ZSIM_FAIL_PAGE_ORDER=\"%s\" must be -1..%d",
				      s, MAX_ORDER - 1);
			return -EINVAL;
		}
		cfg->fault.page_fail_order = (int)o;
	}
	cfg->fault.seed = cfg->seed;
	return 0;
}

static int validate_config(const struct zsim_config *cfg)
{
	uint64_t block;

	if (cfg->pageblock_order < 1 || cfg->pageblock_order > MAX_ORDER - 1) {
		sim_set_error("pageblock order %u is outside 1..%d",
			      cfg->pageblock_order, MAX_ORDER - 1);
		return -EINVAL;
	}
	block = (uint64_t)ZSIM_PAGE_SIZE << cfg->pageblock_order;
	if (cfg->mem_bytes == 0 || cfg->mem_bytes % block) {
		sim_set_error("machine size %" PRIu64 " bytes is not a positive multiple of a pageblock (%" PRIu64 " bytes)",
			      cfg->mem_bytes, block);
		return -EINVAL;
	}
	if (cfg->mem_bytes < 4 * block || cfg->mem_bytes < (1ULL << 22)) {
		sim_set_error("machine size %" PRIu64 " bytes is too small: at least 4 pageblocks and 4 MiB",
			      cfg->mem_bytes);
		return -EINVAL;
	}
	if (cfg->mem_bytes > (1ULL << 40)) {
		sim_set_error("machine size %" PRIu64 " bytes is above the 1 TiB limit",
			      cfg->mem_bytes);
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
	return 0;
}

static void machine_teardown(int stage)
{
	/* Undo boot stages above @stage, newest first. */
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
}

static int machine_boot(const struct zsim_config *cfg)
{
	int err, stage = 0;

	err = validate_config(cfg);
	if (err)
		return err;
	sim_config = *cfg;

	err = sim_printk_init(cfg);
	if (!err)
		err = sim_fault_init(&cfg->fault);
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
	if (err) {
		if (!last_error[0])
			sim_set_error("boot failed at stage %d: %s", stage, strerror(-err));
		machine_teardown(stage);
		return err;
	}
	__atomic_store_n(&sim_machine_booted, 1, __ATOMIC_RELEASE);
	err = sim_run_initcalls();
	if (err) {
		sim_run_exitcalls();
		__atomic_store_n(&sim_machine_booted, 0, __ATOMIC_RELEASE);
		machine_teardown(stage);
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

	pthread_mutex_lock(&machine_lock);
	if (!sim_machine_booted) {
		zsim_config_default(&cfg);
		err = zsim_config_from_env(&cfg);
		if (!err)
			err = machine_boot(&cfg);
	}
	pthread_mutex_unlock(&machine_lock);
	if (err) {
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
	/* kcompactd first: it may be migrating a driver's pages. */
	sim_compaction_exit();
	sim_run_exitcalls();
	sim_shrinker_exit();
	sim_workqueue_exit();
	sim_rcu_exit();
	leaked += sim_slab_exit();
	leaked += sim_buddy_exit();
	sim_memmap_exit();
	sim_percpu_exit();
	__atomic_store_n(&sim_machine_booted, 0, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&machine_lock);
	return leaked;
}
