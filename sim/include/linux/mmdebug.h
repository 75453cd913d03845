/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef LINUX_MM_DEBUG_H
#define LINUX_MM_DEBUG_H 1

#include <linux/compiler.h>

struct page;

/* Prints pfn, decoded flags, mapping, index, private and refcount. */
void dump_page(struct page *page, const char *reason);

/* Consumes the expression unevaluated when the debug checks are off. */
#define __sim_unused_expr(e)	((void)sizeof((void)(e), 0))

#ifdef CONFIG_DEBUG_VM
#define VM_BUG_ON(cond)		BUG_ON(cond)
#define VM_BUG_ON_PAGE(cond, page) do {					\
	if (unlikely(cond)) {						\
		dump_page(page, "VM_BUG_ON_PAGE(" #cond ")");		\
		sim_bug(__FILE__, __LINE__, __func__,			\
			"VM_BUG_ON_PAGE(" #cond ")");			\
	}								\
} while (0)
#define VM_WARN_ON(cond)	(void)WARN_ON(cond)
#define VM_WARN_ON_ONCE(cond)	(void)WARN_ON_ONCE(cond)
#else
#define VM_BUG_ON(cond)			__sim_unused_expr(cond)
#define VM_BUG_ON_PAGE(cond, page)	__sim_unused_expr((cond) && (page))
#define VM_WARN_ON(cond)		__sim_unused_expr(cond)
#define VM_WARN_ON_ONCE(cond)		__sim_unused_expr(cond)
#endif

#endif /* LINUX_MM_DEBUG_H */
