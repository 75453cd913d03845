/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
/*
 * Included by cppcheck before every file it analyses (--include), with
 * <linux/kconfig.h>'s guard predefined so this replaces it.  cppcheck's
 * preprocessor cannot expand the kernel's IS_ENABLED() (it counts macro
 * arguments before __ARG_PLACEHOLDER_1 expands to "0,"), and its parser
 * cannot read a _Generic() selection over const-qualified types.  The
 * definitions below mean the same to the analysis.
 */
#include <generated/autoconf.h>

/* IS_ENABLED(CONFIG_FOO): 1 if CONFIG_FOO is defined to 1; otherwise an
 * undefined name, which is 0 in #if. */
#define __cppcheck_enabled_1 1
#define __cppcheck_paste(a, b) a##b
#define __cppcheck_enabled(v) __cppcheck_paste(__cppcheck_enabled_, v)
#define IS_ENABLED(option) __cppcheck_enabled(option)

/* _Generic(x, T1: f1, T2: f2, ...): a call through an unknown function. */
#define _Generic(ctrl, ...) __cppcheck_generic
