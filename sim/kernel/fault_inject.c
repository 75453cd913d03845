// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * Fault injection by target, in the spirit of the kernel's
 * fail_page_alloc and failslab (lib/fault-inject.c): make chosen calls
 * fail so that the error paths of the code above run in tests.
 *
 * Four sites, each with one fault_attr: page allocation, slab objects,
 * migration of one page (-EAGAIN, as from a busy driver) and trylocks.
 * A call passes a site's filters when it matches order (exact, and at
 * least min_order), gfp (mask and match, ignore-gfp-wait) and name (the
 * slab cache, the kind of lock).  Of the calls that pass:
 *  - nth: the nth one fails (1 = the next), then nth disarms, as with
 *    the kernel's /proc/self/fail-nth (but per site, not per task);
 *  - probability, interval, times, space: as the kernel's should_fail():
 *    no failure once times is used up or while space lasts (each call
 *    spends its size), only every interval-th call that got that far,
 *    and then with probability percent, drawn from a PRNG seeded by the
 *    attribute: one seed and one single-threaded sequence of calls give
 *    one failure pattern.
 * The older nth/ppm config (struct zsim_fault_config) sets the page and
 * slab sites: its ppm is kept exactly (the attribute's percent is ppm /
 * 10000), and a draw is made for every call passing the filters even
 * when nth decides, so that the probability pattern does not depend on
 * whether an nth failure was also configured.
 *
 * SIM: attempts are counted only while a site is armed, so that a
 * machine without fault injection pays one relaxed load per call and
 * shares no cache line between CPUs.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kernel.h>
#include <linux/gfp.h>
#include <linux/mmzone.h>
#include <linux/fault-inject.h>
#include <asm/page.h>
#include <sim/internal.h>

_Static_assert(ZSIM_GFP_MOVABLE == ___GFP_MOVABLE &&
	       ZSIM_GFP_RECLAIMABLE == ___GFP_RECLAIMABLE &&
	       ZSIM_GFP_HIGH == ___GFP_HIGH && ZSIM_GFP_IO == ___GFP_IO &&
	       ZSIM_GFP_FS == ___GFP_FS && ZSIM_GFP_ZERO == ___GFP_ZERO &&
	       ZSIM_GFP_DIRECT_RECLAIM == ___GFP_DIRECT_RECLAIM &&
	       ZSIM_GFP_KSWAPD_RECLAIM == ___GFP_KSWAPD_RECLAIM &&
	       ZSIM_GFP_NOWARN == ___GFP_NOWARN,
	       "zsim.h's gfp bits are the simulator's");

#define NAME_WORDS	(sizeof(((struct zsim_fault_attr *)0)->name) / sizeof(uint64_t))

struct fault_site {
	/* the attributes, each read and written atomically */
	uint32_t ppm;		/* probability per million */
	uint64_t interval;
	int64_t times;		/* failures left; -1 no limit */
	int64_t space;		/* budget left before failures may start */
	uint64_t nth_left;	/* calls until the failing one; 0 off */
	int order, min_order;
	uint32_t gfp_mask, gfp_match;
	int ignore_gfp_wait;
	uint64_t name[NAME_WORDS];	/* "" any */
	uint64_t rng;		/* splitmix64 state, advanced atomically */
	uint64_t count;		/* interval counter */
	/* what zsim_fault_get_attr() returns */
	struct zsim_fault_attr attr;
	uint64_t attempts;
	uint64_t injected;
};

static struct fault_site fault_sites[ZSIM_NR_FAULT_SITES];
/* Any injection configured at a site; the trylocks' copy is inline. */
int sim_fault_site_armed[ZSIM_NR_FAULT_SITES];
int sim_fault_trylock_armed;

/* Serialises reconfiguration; the decision paths take no lock. */
static pthread_mutex_t fault_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const site_names[ZSIM_NR_FAULT_SITES] = {
	[ZSIM_FAULT_PAGE_ALLOC] = "page",
	[ZSIM_FAULT_SLAB] = "slab",
	[ZSIM_FAULT_MIGRATE] = "migrate",
	[ZSIM_FAULT_TRYLOCK] = "trylock",
};

static const char *const trylock_names[] = {
	[SIM_TRYLOCK_SPIN] = "spin",
	[SIM_TRYLOCK_WRITE] = "write",
	[SIM_TRYLOCK_READ] = "read",
	[SIM_TRYLOCK_PAGE] = "page",
};

const char *zsim_fault_site_name(enum zsim_fault_site site)
{
	return (unsigned int)site < ZSIM_NR_FAULT_SITES ? site_names[site] : NULL;
}

/*
 * splitmix64: the state advances by a constant with one atomic add, so
 * concurrent draws never return the same value and a single thread's
 * sequence depends on the seed alone.
 */
static uint64_t fault_random(struct fault_site *s)
{
	uint64_t z = __atomic_add_fetch(&s->rng, 0x9e3779b97f4a7c15ULL,
					__ATOMIC_RELAXED);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Take one step towards the Nth call; true on the Nth itself. */
static bool fault_nth_hit(struct fault_site *s)
{
	uint64_t left = __atomic_load_n(&s->nth_left, __ATOMIC_RELAXED);

	while (left) {
		if (__atomic_compare_exchange_n(&s->nth_left, &left, left - 1,
						false, __ATOMIC_RELAXED,
						__ATOMIC_RELAXED))
			return left == 1;
	}
	return false;
}

/* Does @name match the site's name filter ("" matches anything)? */
static bool name_matches(struct fault_site *s, const char *name)
{
	uint64_t want[NAME_WORDS];

	for (size_t i = 0; i < NAME_WORDS; i++)
		want[i] = __atomic_load_n(&s->name[i], __ATOMIC_RELAXED);
	if (!((const char *)want)[0])
		return true;
	((char *)want)[sizeof(want) - 1] = '\0';
	return name && !strcmp((const char *)want, name);
}

static bool gfp_matches(struct fault_site *s, gfp_t gfp)
{
	uint32_t mask = __atomic_load_n(&s->gfp_mask, __ATOMIC_RELAXED);
	uint32_t match = __atomic_load_n(&s->gfp_match, __ATOMIC_RELAXED);

	if ((gfp & mask) != match)
		return false;
	if (__atomic_load_n(&s->ignore_gfp_wait, __ATOMIC_RELAXED) &&
	    (gfp & __GFP_DIRECT_RECLAIM))
		return false;
	return true;
}

/* should_fail(): @match says whether the call passed the filters. */
static bool fault_decide(struct fault_site *s, bool match, uint64_t size)
{
	bool fail = false, nth_hit;
	uint32_t ppm;
	uint64_t interval;
	int64_t times, space;

	__atomic_add_fetch(&s->attempts, 1, __ATOMIC_RELAXED);
	if (!match)
		return false;
	nth_hit = fault_nth_hit(s);
	ppm = __atomic_load_n(&s->ppm, __ATOMIC_RELAXED);
	if (!ppm)
		goto out;
	times = __atomic_load_n(&s->times, __ATOMIC_RELAXED);
	if (times == 0)
		goto out;
	space = __atomic_load_n(&s->space, __ATOMIC_RELAXED);
	if (space > 0) {
		__atomic_sub_fetch(&s->space, (int64_t)size, __ATOMIC_RELAXED);
		goto out;
	}
	interval = __atomic_load_n(&s->interval, __ATOMIC_RELAXED);
	if (interval > 1 &&
	    __atomic_add_fetch(&s->count, 1, __ATOMIC_RELAXED) % interval)
		goto out;
	/* Scale 32 random bits to [0, 1000000) without modulo bias. */
	if ((((fault_random(s) >> 32) * 1000000ULL) >> 32) >= ppm)
		goto out;
	/* Take one of the times left, unless another thread took the last. */
	while (times != 0) {
		if (times < 0 ||
		    __atomic_compare_exchange_n(&s->times, &times, times - 1, false,
						__ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
			fail = true;
			break;
		}
	}
out:
	fail = fail || nth_hit;
	if (fail)
		__atomic_add_fetch(&s->injected, 1, __ATOMIC_RELAXED);
	return fail;
}

bool __sim_should_fail_page(gfp_t gfp, unsigned int order)
{
	struct fault_site *s = &fault_sites[ZSIM_FAULT_PAGE_ALLOC];
	int want, min;

	want = __atomic_load_n(&s->order, __ATOMIC_RELAXED);
	min = __atomic_load_n(&s->min_order, __ATOMIC_RELAXED);
	return fault_decide(s, (want < 0 || (unsigned int)want == order) &&
			       order >= (unsigned int)min && gfp_matches(s, gfp),
			    (uint64_t)PAGE_SIZE << order);
}

bool __sim_should_fail_slab(const char *cache, size_t size, gfp_t gfp)
{
	struct fault_site *s = &fault_sites[ZSIM_FAULT_SLAB];

	return fault_decide(s, name_matches(s, cache) && gfp_matches(s, gfp),
			    size);
}

bool __sim_should_fail_migrate(void)
{
	return fault_decide(&fault_sites[ZSIM_FAULT_MIGRATE], true, 1);
}

bool sim_should_fail_trylock(enum sim_trylock_kind kind)
{
	struct fault_site *s = &fault_sites[ZSIM_FAULT_TRYLOCK];

	if (!sim_fault_armed(ZSIM_FAULT_TRYLOCK))
		return false;
	return fault_decide(s, name_matches(s, trylock_names[kind]), 1);
}

/* --- configuration ---------------------------------------------------------- */

void zsim_fault_attr_default(struct zsim_fault_attr *attr)
{
	memset(attr, 0, sizeof(*attr));
	attr->size = sizeof(*attr);
	attr->times = -1;
	attr->order = -1;
}

/* @what names the source: "zsim_fault_set_attr(page)", "ZSIM_FAULT". */
static int attr_validate(const char *what, enum zsim_fault_site site,
			 const struct zsim_fault_attr *a)
{
	size_t len;

	if (a->size != sizeof(*a)) {
		sim_set_error("%s: zsim_fault_attr.size is %u, expected %zu (sizeof(struct zsim_fault_attr)): fill it with zsim_fault_attr_default()",
			      what, a->size, sizeof(*a));
		return -EINVAL;
	}
	if (a->probability > 100) {
		sim_set_error("%s: probability %u is a percentage: expected 0..100",
			      what, a->probability);
		return -EINVAL;
	}
	if (a->times < -1) {
		sim_set_error("%s: times %" PRId64 " is outside -1 (no limit)..%" PRId64,
			      what, a->times, INT64_MAX);
		return -EINVAL;
	}
	if (a->space > INT64_MAX) {
		sim_set_error("%s: space %" PRIu64 " is outside 0..%" PRId64,
			      what, a->space, INT64_MAX);
		return -EINVAL;
	}
	if (a->order < -1 || a->order >= MAX_ORDER) {
		sim_set_error("%s: order %d is outside -1 (any)..%d",
			      what, a->order, MAX_ORDER - 1);
		return -EINVAL;
	}
	if (a->min_order < 0 || a->min_order >= MAX_ORDER) {
		sim_set_error("%s: min_order %d is outside 0..%d",
			      what, a->min_order, MAX_ORDER - 1);
		return -EINVAL;
	}
	if (a->gfp_match & ~a->gfp_mask) {
		sim_set_error("%s: gfp_match %#x has bits outside gfp_mask %#x: no call could match",
			      what, a->gfp_match, a->gfp_mask);
		return -EINVAL;
	}
	len = strnlen(a->name, sizeof(a->name));
	if (len == sizeof(a->name)) {
		sim_set_error("%s: name is not NUL-terminated within %zu bytes",
			      what, sizeof(a->name));
		return -EINVAL;
	}
	if (site != ZSIM_FAULT_PAGE_ALLOC && (a->order != -1 || a->min_order)) {
		sim_set_error("%s: order and min_order filter page allocations only: leave them at -1 and 0 for the %s site",
			      what, site_names[site]);
		return -EINVAL;
	}
	if ((site == ZSIM_FAULT_MIGRATE || site == ZSIM_FAULT_TRYLOCK) &&
	    (a->gfp_mask || a->ignore_gfp_wait)) {
		sim_set_error("%s: the %s site has no gfp flags to filter on",
			      what, site_names[site]);
		return -EINVAL;
	}
	if (len && site != ZSIM_FAULT_SLAB && site != ZSIM_FAULT_TRYLOCK) {
		sim_set_error("%s: name \"%s\" filters slab caches and trylocks only",
			      what, a->name);
		return -EINVAL;
	}
	if (len && site == ZSIM_FAULT_TRYLOCK) {
		bool known = false;

		for (size_t i = 0; i < ARRAY_SIZE(trylock_names); i++)
			known |= !strcmp(a->name, trylock_names[i]);
		if (!known) {
			sim_set_error("%s: lock \"%s\" is no kind of trylock: expected spin, write, read or page",
				      what, a->name);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * Install @a at @site with probability @ppm per million.  fault_lock held.
 * Disarm while the fields change, so that a concurrent call sees the old
 * setting, nothing, or the new one: never a failure decided from a
 * half-written one.
 */
static void site_set(enum zsim_fault_site site, const struct zsim_fault_attr *a,
		     uint32_t ppm)
{
	struct fault_site *s = &fault_sites[site];
	uint64_t name[NAME_WORDS] = { 0 };

	__atomic_store_n(&sim_fault_site_armed[site], 0, __ATOMIC_RELEASE);
	if (site == ZSIM_FAULT_TRYLOCK)
		__atomic_store_n(&sim_fault_trylock_armed, 0, __ATOMIC_RELEASE);
	memcpy(name, a->name, sizeof(a->name));
	for (size_t i = 0; i < NAME_WORDS; i++)
		__atomic_store_n(&s->name[i], name[i], __ATOMIC_RELAXED);
	__atomic_store_n(&s->ppm, ppm, __ATOMIC_RELAXED);
	__atomic_store_n(&s->interval, a->interval, __ATOMIC_RELAXED);
	__atomic_store_n(&s->times, a->times, __ATOMIC_RELAXED);
	__atomic_store_n(&s->space, (int64_t)a->space, __ATOMIC_RELAXED);
	__atomic_store_n(&s->nth_left, a->nth, __ATOMIC_RELAXED);
	__atomic_store_n(&s->order, a->order, __ATOMIC_RELAXED);
	__atomic_store_n(&s->min_order, a->min_order, __ATOMIC_RELAXED);
	__atomic_store_n(&s->gfp_mask, a->gfp_mask, __ATOMIC_RELAXED);
	__atomic_store_n(&s->gfp_match, a->gfp_match, __ATOMIC_RELAXED);
	__atomic_store_n(&s->ignore_gfp_wait, a->ignore_gfp_wait, __ATOMIC_RELAXED);
	__atomic_store_n(&s->rng, a->seed, __ATOMIC_RELAXED);
	__atomic_store_n(&s->count, 0, __ATOMIC_RELAXED);
	s->attr = *a;
	__atomic_store_n(&sim_fault_site_armed[site], a->nth || ppm, __ATOMIC_RELEASE);
	if (site == ZSIM_FAULT_TRYLOCK)
		__atomic_store_n(&sim_fault_trylock_armed, a->nth || ppm,
				 __ATOMIC_RELEASE);
}

static void site_reset_stats(enum zsim_fault_site site)
{
	__atomic_store_n(&fault_sites[site].attempts, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&fault_sites[site].injected, 0, __ATOMIC_RELAXED);
}

static int legacy_validate(const struct zsim_fault_config *f)
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

/* The nth/ppm config as page and slab attributes.  fault_lock held. */
static void legacy_apply(const struct zsim_fault_config *f)
{
	struct zsim_fault_attr a;

	zsim_fault_attr_default(&a);
	a.nth = f->page_fail_nth;
	a.order = f->page_fail_order;
	a.probability = (f->page_fail_ppm + 9999) / 10000;
	a.seed = f->seed;
	site_set(ZSIM_FAULT_PAGE_ALLOC, &a, f->page_fail_ppm);

	/* Distinct streams: page draws do not shift the slab pattern. */
	zsim_fault_attr_default(&a);
	a.nth = f->slab_fail_nth;
	a.probability = (f->slab_fail_ppm + 9999) / 10000;
	a.seed = f->seed ^ 0x5a5a5a5a5a5a5a5aULL;
	site_set(ZSIM_FAULT_SLAB, &a, f->slab_fail_ppm);
}

/* --- the text form ----------------------------------------------------------- */

static const struct { const char *name; uint32_t bit; } gfp_words[] = {
	{ "movable", ZSIM_GFP_MOVABLE },
	{ "reclaimable", ZSIM_GFP_RECLAIMABLE },
	{ "high", ZSIM_GFP_HIGH },
	{ "io", ZSIM_GFP_IO },
	{ "fs", ZSIM_GFP_FS },
	{ "zero", ZSIM_GFP_ZERO },
	{ "direct_reclaim", ZSIM_GFP_DIRECT_RECLAIM },
	{ "kswapd_reclaim", ZSIM_GFP_KSWAPD_RECLAIM },
	{ "nowarn", ZSIM_GFP_NOWARN },
};

static int parse_gfp(const char *what, const char *v, size_t vlen, uint32_t *bits)
{
	const char *p = v, *end = v + vlen;

	*bits = 0;
	while (p < end) {
		const char *bar = memchr(p, '|', (size_t)(end - p));
		size_t len = (size_t)((bar ? bar : end) - p);
		bool found = false;

		for (size_t i = 0; i < ARRAY_SIZE(gfp_words); i++)
			if (strlen(gfp_words[i].name) == len &&
			    !strncmp(gfp_words[i].name, p, len)) {
				*bits |= gfp_words[i].bit;
				found = true;
			}
		if (!found) {
			sim_set_error("%s: gfp flag \"%.*s\" is unknown: expected movable, reclaimable, high, io, fs, zero, direct_reclaim, kswapd_reclaim or nowarn, joined by |",
				      what, (int)len, p);
			return -EINVAL;
		}
		p += len + (bar ? 1 : 0);
	}
	return 0;
}

static int parse_number(const char *what, const char *attr, const char *v,
			size_t vlen, int64_t min, uint64_t max, uint64_t *out)
{
	char buf[32], *end;
	bool negative;
	unsigned long long n;

	if (!vlen || vlen >= sizeof(buf))
		goto bad;
	memcpy(buf, v, vlen);
	buf[vlen] = '\0';
	negative = buf[0] == '-';
	errno = 0;
	n = strtoull(buf + negative, &end, 0);
	if (*end || end == buf + negative || errno)
		goto bad;
	if (negative) {
		if (min >= 0 || n > (unsigned long long)-min)
			goto bad;
		*out = (uint64_t)-(int64_t)n;
		return 0;
	}
	if (n > max)
		goto bad;
	*out = n;
	return 0;
bad:
	sim_set_error("%s: %s=%.*s is not a number in %" PRId64 "..%" PRIu64,
		      what, attr, (int)vlen, v, min, max);
	return -EINVAL;
}

/* One "SITE:ATTR=V,..." part into *@site and @a. */
static int parse_site(const char *what, const char *p, size_t len,
		      enum zsim_fault_site *site, struct zsim_fault_attr *a)
{
	const char *colon = memchr(p, ':', len), *end = p + len, *q;
	size_t slen = colon ? (size_t)(colon - p) : len;
	int s;

	for (s = 0; s < ZSIM_NR_FAULT_SITES; s++)
		if (strlen(site_names[s]) == slen && !strncmp(site_names[s], p, slen))
			break;
	if (s == ZSIM_NR_FAULT_SITES) {
		sim_set_error("%s: \"%.*s\" is no fault site: expected page, slab, migrate or trylock",
			      what, (int)slen, p);
		return -EINVAL;
	}
	*site = (enum zsim_fault_site)s;
	zsim_fault_attr_default(a);
	for (q = colon ? colon + 1 : end; q < end;) {
		const char *comma = memchr(q, ',', (size_t)(end - q));
		const char *item_end = comma ? comma : end;
		const char *eq = memchr(q, '=', (size_t)(item_end - q));
		size_t klen, vlen;
		const char *v;
		uint64_t n;
		int err = 0;

		if (!eq) {
			sim_set_error("%s: \"%.*s\" is no ATTR=VALUE", what,
				      (int)(item_end - q), q);
			return -EINVAL;
		}
		klen = (size_t)(eq - q);
		v = eq + 1;
		vlen = (size_t)(item_end - v);
#define KEY(k)	(klen == strlen(k) && !strncmp(q, k, klen))
		if (KEY("probability")) {
			err = parse_number(what, "probability", v, vlen, 0, 100, &n);
			a->probability = (uint32_t)n;
		} else if (KEY("interval")) {
			err = parse_number(what, "interval", v, vlen, 0, UINT64_MAX, &n);
			a->interval = n;
		} else if (KEY("times")) {
			err = parse_number(what, "times", v, vlen, -1, INT64_MAX, &n);
			a->times = (int64_t)n;
		} else if (KEY("space")) {
			err = parse_number(what, "space", v, vlen, 0, INT64_MAX, &n);
			a->space = n;
		} else if (KEY("nth")) {
			err = parse_number(what, "nth", v, vlen, 0, UINT64_MAX, &n);
			a->nth = n;
		} else if (KEY("order")) {
			err = parse_number(what, "order", v, vlen, -1, MAX_ORDER - 1, &n);
			a->order = (int)n;
		} else if (KEY("min_order")) {
			err = parse_number(what, "min_order", v, vlen, 0, MAX_ORDER - 1, &n);
			a->min_order = (int)n;
		} else if (KEY("seed")) {
			err = parse_number(what, "seed", v, vlen, 0, UINT64_MAX, &n);
			a->seed = n;
		} else if (KEY("ignore_gfp_wait")) {
			err = parse_number(what, "ignore_gfp_wait", v, vlen, 0, 1, &n);
			a->ignore_gfp_wait = n;
		} else if (KEY("gfp") || KEY("nogfp")) {
			uint32_t bits;

			err = parse_gfp(what, v, vlen, &bits);
			a->gfp_mask |= bits;
			if (KEY("gfp"))
				a->gfp_match |= bits;
		} else if (KEY("cache") || KEY("lock")) {
			if (KEY("cache") != (*site == ZSIM_FAULT_SLAB)) {
				sim_set_error("%s: %.*s= is for the %s site", what,
					      (int)klen, q, KEY("cache") ? "slab" : "trylock");
				return -EINVAL;
			}
			if (vlen >= sizeof(a->name)) {
				sim_set_error("%s: %.*s=%.*s is longer than %zu bytes",
					      what, (int)klen, q, (int)vlen, v,
					      sizeof(a->name) - 1);
				return -EINVAL;
			}
			memcpy(a->name, v, vlen);
			a->name[vlen] = '\0';
		} else {
			sim_set_error("%s: \"%.*s\" is no fault attribute: expected probability, interval, times, space, nth, order, min_order, gfp, nogfp, ignore_gfp_wait, cache, lock or seed",
				      what, (int)klen, q);
			return -EINVAL;
		}
#undef KEY
		if (err)
			return err;
		q = item_end + (comma ? 1 : 0);
	}
	return attr_validate(what, *site, a);
}

/*
 * Parse @spec; with @apply, install what it names (fault_lock held).
 * Parsing everything before applying anything: bad text changes nothing.
 */
static int parse_spec(const char *what, const char *spec, bool apply)
{
	struct zsim_fault_attr attrs[ZSIM_NR_FAULT_SITES];
	bool named[ZSIM_NR_FAULT_SITES] = { false }, off = false;
	const char *p = spec;
	int err;

	if (!spec)
		return 0;
	while (*p) {
		const char *semi = strchr(p, ';');
		size_t len = semi ? (size_t)(semi - p) : strlen(p);
		enum zsim_fault_site site;
		struct zsim_fault_attr a;

		if (len == 3 && !strncmp(p, "off", 3)) {
			off = true;
		} else if (len) {
			err = parse_site(what, p, len, &site, &a);
			if (err)
				return err;
			attrs[site] = a;
			named[site] = true;
		}
		p += len + (semi ? 1 : 0);
	}
	if (!apply)
		return 0;
	for (int s = 0; s < ZSIM_NR_FAULT_SITES; s++) {
		struct zsim_fault_attr none;

		zsim_fault_attr_default(&none);
		if (named[s] || off) {
			const struct zsim_fault_attr *a = named[s] ? &attrs[s] : &none;

			site_set((enum zsim_fault_site)s, a, a->probability * 10000);
			site_reset_stats((enum zsim_fault_site)s);
		}
	}
	return 0;
}

/* What sim_config.fault_targets points to while the machine runs. */
static char fault_targets_copy[1024];

int sim_fault_check_targets(const char *what, const char *spec)
{
	if (spec && strlen(spec) >= sizeof(fault_targets_copy)) {
		sim_set_error("%s is %zu bytes long: at most %zu", what,
			      strlen(spec), sizeof(fault_targets_copy) - 1);
		return -EINVAL;
	}
	return parse_spec(what, spec, false);
}

/* --- entry points ------------------------------------------------------------ */

int sim_fault_init(const struct zsim_config *cfg)
{
	struct zsim_fault_attr none;
	int err = legacy_validate(&cfg->fault);

	if (!err)
		err = sim_fault_check_targets("fault_targets", cfg->fault_targets);
	if (err)
		return err;
	zsim_fault_attr_default(&none);
	pthread_mutex_lock(&fault_lock);
	/* A new machine starts with fresh counters and nothing armed. */
	for (int s = 0; s < ZSIM_NR_FAULT_SITES; s++) {
		site_set((enum zsim_fault_site)s, &none, 0);
		site_reset_stats((enum zsim_fault_site)s);
	}
	legacy_apply(&cfg->fault);
	err = parse_spec("fault_targets", cfg->fault_targets, true);
	fault_targets_copy[0] = '\0';
	if (cfg->fault_targets)
		snprintf(fault_targets_copy, sizeof(fault_targets_copy), "%s",
			 cfg->fault_targets);
	sim_config.fault_targets = cfg->fault_targets ? fault_targets_copy : NULL;
	pthread_mutex_unlock(&fault_lock);
	return err;
}

int zsim_fault_set(const struct zsim_fault_config *fault)
{
	int err;

	if (!fault) {
		sim_set_error("zsim_fault_set: no config");
		return -EINVAL;
	}
	err = legacy_validate(fault);
	if (err)
		return err;
	/*
	 * The setting belongs to the running machine; boot the default one
	 * first, as any other entry point does, so that the boot does not
	 * overwrite it afterwards with the config's own fault settings.
	 */
	sim_machine_get();
	pthread_mutex_lock(&fault_lock);
	legacy_apply(fault);
	pthread_mutex_unlock(&fault_lock);
	return 0;
}

static int check_site(const char *fn, enum zsim_fault_site site)
{
	if ((unsigned int)site < ZSIM_NR_FAULT_SITES)
		return 0;
	sim_set_error("%s: fault site %d is outside 0..%d (ZSIM_FAULT_PAGE_ALLOC..ZSIM_FAULT_TRYLOCK)",
		      fn, (int)site, ZSIM_NR_FAULT_SITES - 1);
	return -EINVAL;
}

int zsim_fault_set_attr(enum zsim_fault_site site, const struct zsim_fault_attr *attr)
{
	struct zsim_fault_attr none;
	char what[64];
	int err = check_site("zsim_fault_set_attr", site);

	if (err)
		return err;
	snprintf(what, sizeof(what), "zsim_fault_set_attr(%s)", site_names[site]);
	if (!attr) {
		zsim_fault_attr_default(&none);
		attr = &none;
	}
	err = attr_validate(what, site, attr);
	if (err)
		return err;
	sim_machine_get();
	pthread_mutex_lock(&fault_lock);
	site_set(site, attr, attr->probability * 10000);
	site_reset_stats(site);
	pthread_mutex_unlock(&fault_lock);
	return 0;
}

int zsim_fault_get_attr(enum zsim_fault_site site, struct zsim_fault_attr *attr)
{
	int err = check_site("zsim_fault_get_attr", site);

	if (err)
		return err;
	if (!attr)
		return -EINVAL;
	pthread_mutex_lock(&fault_lock);
	*attr = fault_sites[site].attr;
	/* what is left of them now */
	attr->nth = __atomic_load_n(&fault_sites[site].nth_left, __ATOMIC_RELAXED);
	attr->times = __atomic_load_n(&fault_sites[site].times, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&fault_lock);
	if (!attr->size)
		zsim_fault_attr_default(attr);
	return 0;
}

int zsim_fault_parse(const char *spec)
{
	int err;

	if (!spec) {
		sim_set_error("zsim_fault_parse: no text (NULL)");
		return -EINVAL;
	}
	err = parse_spec("zsim_fault_parse", spec, false);
	if (err)
		return err;
	sim_machine_get();
	pthread_mutex_lock(&fault_lock);
	err = parse_spec("zsim_fault_parse", spec, true);
	pthread_mutex_unlock(&fault_lock);
	return err;
}

int zsim_fault_site_stats(enum zsim_fault_site site, uint64_t *attempts,
			  uint64_t *injected)
{
	int err = check_site("zsim_fault_site_stats", site);

	if (err)
		return err;
	if (attempts)
		*attempts = __atomic_load_n(&fault_sites[site].attempts, __ATOMIC_RELAXED);
	if (injected)
		*injected = __atomic_load_n(&fault_sites[site].injected, __ATOMIC_RELAXED);
	return 0;
}

int zsim_fault_stats(struct zsim_fault_stats *stats)
{
	if (!stats)
		return -EINVAL;
	zsim_fault_site_stats(ZSIM_FAULT_PAGE_ALLOC, &stats->page_attempts,
			      &stats->page_injected);
	zsim_fault_site_stats(ZSIM_FAULT_SLAB, &stats->slab_attempts,
			      &stats->slab_injected);
	return 0;
}
