/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_BITOPS_H
#define _LINUX_BITOPS_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/log2.h>

#ifndef BITS_PER_LONG
#define BITS_PER_LONG	(__SIZEOF_LONG__ * 8)
#endif
#define BIT(nr)			(1UL << (nr))
#define BIT_ULL(nr)		(1ULL << (nr))
#define BIT_MASK(nr)		(1UL << ((nr) % BITS_PER_LONG))
#define BIT_WORD(nr)		((nr) / BITS_PER_LONG)
#define GENMASK(h, l)		(((~0UL) << (l)) & (~0UL >> (BITS_PER_LONG - 1 - (h))))
#define BITS_TO_LONGS(nr)	(((nr) + BITS_PER_LONG - 1) / BITS_PER_LONG)

/* Atomic bit operations: fully ordered when they return a value. */
static inline void set_bit(long nr, volatile unsigned long *addr)
{
	__atomic_fetch_or((unsigned long *)addr + BIT_WORD(nr), BIT_MASK(nr),
			  __ATOMIC_RELAXED);
}

static inline void clear_bit(long nr, volatile unsigned long *addr)
{
	__atomic_fetch_and((unsigned long *)addr + BIT_WORD(nr), ~BIT_MASK(nr),
			   __ATOMIC_RELAXED);
}

static inline void change_bit(long nr, volatile unsigned long *addr)
{
	__atomic_fetch_xor((unsigned long *)addr + BIT_WORD(nr), BIT_MASK(nr),
			   __ATOMIC_RELAXED);
}

static inline bool test_bit(long nr, const volatile unsigned long *addr)
{
	return (__atomic_load_n((unsigned long *)addr + BIT_WORD(nr),
				__ATOMIC_RELAXED) >> (nr % BITS_PER_LONG)) & 1UL;
}

static inline bool test_and_set_bit(long nr, volatile unsigned long *addr)
{
	return __atomic_fetch_or((unsigned long *)addr + BIT_WORD(nr),
				 BIT_MASK(nr), __ATOMIC_SEQ_CST) & BIT_MASK(nr);
}

static inline bool test_and_clear_bit(long nr, volatile unsigned long *addr)
{
	return __atomic_fetch_and((unsigned long *)addr + BIT_WORD(nr),
				  ~BIT_MASK(nr), __ATOMIC_SEQ_CST) & BIT_MASK(nr);
}

/* Lock semantics: acquire on success, release on clear. */
static inline bool test_and_set_bit_lock(long nr, volatile unsigned long *addr)
{
	return __atomic_fetch_or((unsigned long *)addr + BIT_WORD(nr),
				 BIT_MASK(nr), __ATOMIC_ACQUIRE) & BIT_MASK(nr);
}

static inline void clear_bit_unlock(long nr, volatile unsigned long *addr)
{
	__atomic_fetch_and((unsigned long *)addr + BIT_WORD(nr), ~BIT_MASK(nr),
			   __ATOMIC_RELEASE);
}

/*
 * The kernel's __clear_bit_unlock(): a release store of the word with the
 * bit cleared, no read-modify-write.  Only for a lock bit whose holder is
 * the word's one writer; an atomic RMW that fails to take the bit
 * meanwhile writes the word unchanged, so nothing is lost.  Atomic loads
 * and stores, so that TSan sees no race with those RMWs.
 */
static inline void __clear_bit_unlock(long nr, volatile unsigned long *addr)
{
	unsigned long *p = (unsigned long *)addr + BIT_WORD(nr);

	__atomic_store_n(p, __atomic_load_n(p, __ATOMIC_RELAXED) & ~BIT_MASK(nr),
			 __ATOMIC_RELEASE);
}

/* Non-atomic variants: caller owns the word exclusively. */
static inline void __set_bit(long nr, volatile unsigned long *addr)
{
	((unsigned long *)addr)[BIT_WORD(nr)] |= BIT_MASK(nr);
}

static inline void __clear_bit(long nr, volatile unsigned long *addr)
{
	((unsigned long *)addr)[BIT_WORD(nr)] &= ~BIT_MASK(nr);
}

static inline bool __test_and_set_bit(long nr, volatile unsigned long *addr)
{
	unsigned long *p = (unsigned long *)addr + BIT_WORD(nr);
	bool old = *p & BIT_MASK(nr);

	*p |= BIT_MASK(nr);
	return old;
}

static inline int hweight_long(unsigned long w)
{
	return __builtin_popcountl(w);
}

#endif /* _LINUX_BITOPS_H */
