// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Fault injection, in the spirit of the kernel's fail_page_alloc and
 * failslab: make chosen page or slab allocations fail so that the
 * -ENOMEM paths of the code above run in tests.
 *
 * Two ways to pick the victims, usable together:
 *  - nth: fail exactly the Nth matching attempt from now (1 = the next
 *    one), then disarm.  Deterministic even with many threads, as long as
 *    the test knows which thread makes the Nth attempt.
 *  - ppm: fail each matching attempt with probability ppm / 1000000,
 *    drawn from a PRNG seeded by the config: one seed and one
 *    single-threaded sequence of attempts give one failure pattern.
 * A page filter on the order (-1: any) decides which attempts "match".
 *
 * SIM: attempts are counted only while some injection is configured for
 * that kind (any non-zero field), so that a machine without fault
 * injection pays one relaxed load per allocation and shares no cache line
 * between CPUs.  The kernel's fault_attr counts only what it considers,
 * too, but has no global attempt counter.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>

#include <linux/kernel.h>
#include <linux/mmzone.h>
#include <sim/internal.h>

struct fault_kind {
	int armed;		/* any injection configured for this kind */
	int order;		/* pages only: -1 any, else this order */
	uint32_t ppm;		/* probability per million */
	uint64_t nth_left;	/* attempts until the failing one; 0 off */
	uint64_t rng;		/* splitmix64 state, advanced atomically */
	uint64_t attempts;
	uint64_t injected;
};

static struct fault_kind fault_page, fault_slab;

/* Serialises reconfiguration; the decision paths take no lock. */
static pthread_mutex_t fault_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * splitmix64: the state advances by a constant with one atomic add, so
 * concurrent draws never return the same value and a single thread's
 * sequence depends on the seed alone.
 */
static uint64_t fault_random(struct fault_kind *k)
{
	uint64_t z = __atomic_add_fetch(&k->rng, 0x9e3779b97f4a7c15ULL,
					__ATOMIC_RELAXED);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Take one step towards the Nth attempt; true on the Nth itself. */
static bool fault_nth_hit(struct fault_kind *k)
{
	uint64_t left = __atomic_load_n(&k->nth_left, __ATOMIC_RELAXED);

	while (left) {
		if (__atomic_compare_exchange_n(&k->nth_left, &left, left - 1,
						false, __ATOMIC_RELAXED,
						__ATOMIC_RELAXED))
			return left == 1;
	}
	return false;
}

static bool fault_decide(struct fault_kind *k, bool match)
{
	bool fail = false;
	uint32_t ppm;

	__atomic_add_fetch(&k->attempts, 1, __ATOMIC_RELAXED);
	if (!match)
		return false;
	if (fault_nth_hit(k))
		fail = true;
	ppm = __atomic_load_n(&k->ppm, __ATOMIC_RELAXED);
	/*
	 * Draw even when nth already decided, so that the ppm pattern does
	 * not depend on whether an nth failure was also configured.
	 */
	if (ppm) {
		/* Scale 32 random bits to [0, 1000000) without modulo bias. */
		uint64_t r = ((fault_random(k) >> 32) * 1000000ULL) >> 32;

		if (r < ppm)
			fail = true;
	}
	if (fail)
		__atomic_add_fetch(&k->injected, 1, __ATOMIC_RELAXED);
	return fail;
}

bool sim_should_fail_page(unsigned int order)
{
	int want;

	if (likely(!__atomic_load_n(&fault_page.armed, __ATOMIC_RELAXED)))
		return false;
	want = __atomic_load_n(&fault_page.order, __ATOMIC_RELAXED);
	return fault_decide(&fault_page, want < 0 || (unsigned int)want == order);
}

bool sim_should_fail_slab(void)
{
	if (likely(!__atomic_load_n(&fault_slab.armed, __ATOMIC_RELAXED)))
		return false;
	return fault_decide(&fault_slab, true);
}

static int fault_validate(const struct zsim_fault_config *f)
{
	if (f->size != sizeof(*f)) {
		sim_set_error("zsim_fault_config.size is %u, expected %zu (sizeof(struct zsim_fault_config)): fill the config with zsim_fault_config_default()",
			      f->size, sizeof(*f));
		return -EINVAL;
	}
	if (f->page_fail_order < -1 || f->page_fail_order >= MAX_ORDER) {
		sim_set_error("fault injection order %d is outside -1..%d",
			      f->page_fail_order, MAX_ORDER - 1);
		return -EINVAL;
	}
	if (f->page_fail_ppm > 1000000 || f->slab_fail_ppm > 1000000) {
		sim_set_error("fault probabilities are per million: at most 1000000");
		return -EINVAL;
	}
	return 0;
}

static void fault_kind_set(struct fault_kind *k, uint64_t nth, uint32_t ppm,
			   int order, uint64_t seed)
{
	/*
	 * Disarm while the fields change, so that a concurrent attempt sees
	 * either the old setting, nothing, or the new one: never a failure
	 * decided from a half-written config.
	 */
	__atomic_store_n(&k->armed, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&k->order, order, __ATOMIC_RELAXED);
	__atomic_store_n(&k->ppm, ppm, __ATOMIC_RELAXED);
	__atomic_store_n(&k->nth_left, nth, __ATOMIC_RELAXED);
	__atomic_store_n(&k->rng, seed, __ATOMIC_RELAXED);
	__atomic_store_n(&k->armed, nth || ppm, __ATOMIC_RELEASE);
}

static void fault_apply(const struct zsim_fault_config *f)
{
	/* Distinct streams: page draws do not shift the slab pattern. */
	fault_kind_set(&fault_page, f->page_fail_nth, f->page_fail_ppm,
		       f->page_fail_order, f->seed);
	fault_kind_set(&fault_slab, f->slab_fail_nth, f->slab_fail_ppm, -1,
		       f->seed ^ 0x5a5a5a5a5a5a5a5aULL);
}

int sim_fault_init(const struct zsim_fault_config *fault)
{
	int err = fault_validate(fault);

	if (err)
		return err;
	pthread_mutex_lock(&fault_lock);
	fault_apply(fault);
	/* A new machine starts with fresh counters. */
	__atomic_store_n(&fault_page.attempts, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&fault_page.injected, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&fault_slab.attempts, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&fault_slab.injected, 0, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&fault_lock);
	return 0;
}

int zsim_fault_set(const struct zsim_fault_config *fault)
{
	int err;

	if (!fault) {
		sim_set_error("zsim_fault_set: no config");
		return -EINVAL;
	}
	err = fault_validate(fault);
	if (err)
		return err;
	/*
	 * The setting belongs to the running machine; boot the default one
	 * first, as any other entry point does, so that the boot does not
	 * overwrite it afterwards with the config's own fault settings.
	 */
	sim_machine_get();
	pthread_mutex_lock(&fault_lock);
	fault_apply(fault);
	pthread_mutex_unlock(&fault_lock);
	return 0;
}

int zsim_fault_stats(struct zsim_fault_stats *stats)
{
	if (!stats)
		return -EINVAL;
	stats->page_attempts = __atomic_load_n(&fault_page.attempts, __ATOMIC_RELAXED);
	stats->page_injected = __atomic_load_n(&fault_page.injected, __ATOMIC_RELAXED);
	stats->slab_attempts = __atomic_load_n(&fault_slab.attempts, __ATOMIC_RELAXED);
	stats->slab_injected = __atomic_load_n(&fault_slab.injected, __ATOMIC_RELAXED);
	return 0;
}
