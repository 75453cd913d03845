/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
/*
 * What zsim, the benchmarks and the tests share: a clock, the process's
 * resident set, and one reproducible random number generator.
 */
#ifndef ZSIM_UTIL_H
#define ZSIM_UTIL_H

#include <stdint.h>

/* CLOCK_MONOTONIC, in nanoseconds. */
uint64_t util_now_ns(void);

/* CLOCK_MONOTONIC, in seconds. */
double util_now(void);

/* The calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID), in seconds. */
double util_thread_cpu(void);

/* The process's resident set in bytes (/proc/self/statm); 0 if unknown. */
uint64_t util_rss_bytes(void);

/*
 * splitmix64 (Steele, Lea and Flood): every seed, including 0, gives a
 * good stream, and the state is one word, so a copy replays the stream.
 */
struct util_rng {
	uint64_t s;
};

/* splitmix64's output function: a good 64-bit mix of @x. */
static inline uint64_t util_mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xBF58476D1CE4E5B9ULL;
	x ^= x >> 27;
	x *= 0x94D049BB133111EBULL;
	return x ^ (x >> 31);
}

static inline void util_rng_init(struct util_rng *r, uint64_t seed)
{
	r->s = seed;
}

static inline uint64_t util_rng_next(struct util_rng *r)
{
	return util_mix64(r->s += 0x9E3779B97F4A7C15ULL);
}

/* Uniform in [0, n), by multiplication: no modulo bias worth naming. */
static inline uint64_t util_rng_below(struct util_rng *r, uint64_t n)
{
	return n ? (uint64_t)(((unsigned __int128)util_rng_next(r) * n) >> 64) : 0;
}

/* Uniform in [0, 1). */
static inline double util_rng_double(struct util_rng *r)
{
	return (double)(util_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

#endif /* ZSIM_UTIL_H */
