/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_BUG_H
#define _LINUX_BUG_H

#include <linux/compiler.h>
#include <linux/types.h>

/*
 * BUG() and BUG_ON() are never compiled out.  sim_bug() prints
 * "BUG: file:line func(): expr" and a backtrace, calls the handler set
 * with zsim_set_bug_handler() (tests longjmp out of it), then aborts.
 */
__noreturn __cold void sim_bug(const char *file, int line, const char *func,
			       const char *expr);
__cold void sim_warn(const char *file, int line, const char *func,
		     const char *expr);

#define BUG()	sim_bug(__FILE__, __LINE__, __func__, "BUG()")
#define BUG_ON(cond) do {						\
	if (unlikely(cond))						\
		sim_bug(__FILE__, __LINE__, __func__, "BUG_ON(" #cond ")"); \
} while (0)

#define WARN_ON(cond) ({						\
	int __ret_warn_on = !!(cond);					\
	if (unlikely(__ret_warn_on))					\
		sim_warn(__FILE__, __LINE__, __func__, "WARN_ON(" #cond ")"); \
	unlikely(__ret_warn_on);					\
})

#define WARN_ON_ONCE(cond) ({						\
	static bool __warned;						\
	int __ret_warn_once = !!(cond);					\
	if (unlikely(__ret_warn_once) &&				\
	    !__atomic_exchange_n(&__warned, true, __ATOMIC_RELAXED))	\
		sim_warn(__FILE__, __LINE__, __func__,			\
			 "WARN_ON_ONCE(" #cond ")");			\
	unlikely(__ret_warn_once);					\
})

#define WARN(cond, fmt, ...) ({						\
	int __ret_warn = !!(cond);					\
	if (unlikely(__ret_warn)) {					\
		sim_printk("4", fmt, ##__VA_ARGS__);			\
		sim_warn(__FILE__, __LINE__, __func__, "WARN(" #cond ")"); \
	}								\
	unlikely(__ret_warn);						\
})

#define BUILD_BUG_ON(cond)	_Static_assert(!(cond), "BUILD_BUG_ON(" #cond ")")

__printf(2, 3) int sim_printk(const char *level, const char *fmt, ...);

#include <linux/mmdebug.h>

#endif /* _LINUX_BUG_H */
