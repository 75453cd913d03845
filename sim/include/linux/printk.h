/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef __LINUX_PRINTK_H
#define __LINUX_PRINTK_H

#include <linux/compiler.h>

#define KERN_EMERG	"0"
#define KERN_ALERT	"1"
#define KERN_CRIT	"2"
#define KERN_ERR	"3"
#define KERN_WARNING	"4"
#define KERN_NOTICE	"5"
#define KERN_INFO	"6"
#define KERN_DEBUG	"7"

/*
 * SIM: messages go to stderr, filtered by the console log level
 * (ZSIM_LOGLEVEL, default 4: errors and warnings only).
 */
__printf(2, 3) int sim_printk(const char *level, const char *fmt, ...);
#define printk(fmt, ...)	sim_printk(KERN_WARNING, fmt, ##__VA_ARGS__)
#define pr_emerg(fmt, ...)	sim_printk(KERN_EMERG, fmt, ##__VA_ARGS__)
#define pr_crit(fmt, ...)	sim_printk(KERN_CRIT, fmt, ##__VA_ARGS__)
#define pr_err(fmt, ...)	sim_printk(KERN_ERR, fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...)	sim_printk(KERN_WARNING, fmt, ##__VA_ARGS__)
#define pr_notice(fmt, ...)	sim_printk(KERN_NOTICE, fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...)	sim_printk(KERN_INFO, fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...)	sim_printk(KERN_DEBUG, fmt, ##__VA_ARGS__)

#endif /* __LINUX_PRINTK_H */
