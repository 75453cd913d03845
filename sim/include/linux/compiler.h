/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef __LINUX_COMPILER_H
#define __LINUX_COMPILER_H

#include <linux/kconfig.h>
#include <linux/compiler_types.h>

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

#define barrier()	__asm__ __volatile__("" ::: "memory")

#undef __always_inline
#define __always_inline	inline __attribute__((__always_inline__))
#define noinline	__attribute__((__noinline__))
#define __must_check	__attribute__((__warn_unused_result__))
#define __maybe_unused	__attribute__((__unused__))
#define __used		__attribute__((__used__))
#define __cold		__attribute__((__cold__))
#define __noreturn	__attribute__((__noreturn__))
#define __printf(a, b)	__attribute__((__format__(printf, a, b)))
#define __aligned(x)	__attribute__((__aligned__(x)))
#define __packed	__attribute__((__packed__))
#define ____cacheline_aligned	__aligned(64)
#define __percpu
#define __rcu
#define __user
#define __iomem
#define __force
#define __init
#define __exit
#define fallthrough	__attribute__((__fallthrough__))

/* Exported from libzsmalloc.so; everything else is hidden. */
#define __zs_export	__attribute__((__visibility__("default")))

/*
 * READ_ONCE/WRITE_ONCE: volatile accesses, as in the kernel; the C11
 * relaxed atomics keep TSan informed that the race is intended.
 */
#define READ_ONCE(x)	__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, val)	__atomic_store_n(&(x), (val), __ATOMIC_RELAXED)

#define smp_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define smp_wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)
#define smp_mb__before_atomic()	smp_mb()
#define smp_mb__after_atomic()	smp_mb()
#define smp_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define smp_store_release(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)

#define __same_type(a, b) __builtin_types_compatible_p(typeof(a), typeof(b))

#endif /* __LINUX_COMPILER_H */
