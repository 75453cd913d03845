/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_ATOMIC_H
#define _LINUX_ATOMIC_H

#include <linux/types.h>
#include <linux/compiler.h>

/*
 * Plain read/set are relaxed, as in the kernel; every read-modify-write
 * that returns a value is fully ordered, the void ones are relaxed.
 */
#define ATOMIC_INIT(i)		{ (i) }
#define ATOMIC_LONG_INIT(i)	{ (i) }

#define __SIM_ATOMIC_OPS(prefix, type, ctype)				\
static inline ctype prefix##_read(const type *v)			\
{ return __atomic_load_n(&v->counter, __ATOMIC_RELAXED); }		\
static inline void prefix##_set(type *v, ctype i)			\
{ __atomic_store_n(&v->counter, i, __ATOMIC_RELAXED); }			\
static inline void prefix##_add(ctype i, type *v)			\
{ __atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED); }		\
static inline void prefix##_sub(ctype i, type *v)			\
{ __atomic_fetch_sub(&v->counter, i, __ATOMIC_RELAXED); }		\
static inline void prefix##_inc(type *v) { prefix##_add(1, v); }	\
static inline void prefix##_dec(type *v) { prefix##_sub(1, v); }	\
static inline ctype prefix##_add_return(ctype i, type *v)		\
{ return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST); }	\
static inline ctype prefix##_sub_return(ctype i, type *v)		\
{ return __atomic_sub_fetch(&v->counter, i, __ATOMIC_SEQ_CST); }	\
static inline ctype prefix##_fetch_add(ctype i, type *v)		\
{ return __atomic_fetch_add(&v->counter, i, __ATOMIC_SEQ_CST); }	\
static inline ctype prefix##_inc_return(type *v)			\
{ return prefix##_add_return(1, v); }					\
static inline ctype prefix##_dec_return(type *v)			\
{ return prefix##_sub_return(1, v); }					\
static inline bool prefix##_dec_and_test(type *v)			\
{ return prefix##_sub_return(1, v) == 0; }				\
static inline bool prefix##_inc_and_test(type *v)			\
{ return prefix##_add_return(1, v) == 0; }				\
static inline bool prefix##_sub_and_test(ctype i, type *v)		\
{ return prefix##_sub_return(i, v) == 0; }				\
static inline ctype prefix##_xchg(type *v, ctype n)			\
{ return __atomic_exchange_n(&v->counter, n, __ATOMIC_SEQ_CST); }	\
static inline ctype prefix##_cmpxchg(type *v, ctype old, ctype n)	\
{									\
	__atomic_compare_exchange_n(&v->counter, &old, n, false,	\
				    __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);\
	return old;							\
}									\
static inline bool prefix##_try_cmpxchg(type *v, ctype *old, ctype n)	\
{									\
	return __atomic_compare_exchange_n(&v->counter, old, n, false,	\
					   __ATOMIC_SEQ_CST,		\
					   __ATOMIC_RELAXED);		\
}									\
/* Add @a unless the value is @u; returns true if it added. */		\
static inline bool prefix##_add_unless(type *v, ctype a, ctype u)	\
{									\
	ctype c = prefix##_read(v);					\
	do {								\
		if (c == u)						\
			return false;					\
	} while (!prefix##_try_cmpxchg(v, &c, c + a));			\
	return true;							\
}									\
static inline bool prefix##_inc_not_zero(type *v)			\
{ return prefix##_add_unless(v, 1, 0); }

__SIM_ATOMIC_OPS(atomic, atomic_t, int)
__SIM_ATOMIC_OPS(atomic_long, atomic_long_t, long)

#define xchg(ptr, v)	__atomic_exchange_n((ptr), (v), __ATOMIC_SEQ_CST)
#define cmpxchg(ptr, o, n) ({						\
	typeof(*(ptr)) __old = (o);					\
	__atomic_compare_exchange_n((ptr), &__old, (n), false,		\
				    __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);\
	__old; })

#endif /* _LINUX_ATOMIC_H */
