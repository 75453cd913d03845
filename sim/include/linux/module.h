/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_MODULE_H
#define _LINUX_MODULE_H

#include <linux/compiler.h>

/*
 * SIM: a module's init and exit functions run when the simulated machine
 * boots and shuts down, in registration order and in reverse.
 */
struct sim_initcall {
	int (*init)(void);
	void (*exit)(void);
	const char *name;
	struct sim_initcall *next;
};

void sim_register_initcall(struct sim_initcall *call);

#define module_init(fn)							\
	static struct sim_initcall __sim_initcall_##fn = {		\
		.init = fn, .name = #fn };				\
	__attribute__((constructor)) static void __sim_reg_##fn(void)	\
	{ sim_register_initcall(&__sim_initcall_##fn); }

#define module_exit(fn)							\
	static struct sim_initcall __sim_exitcall_##fn = {		\
		.exit = fn, .name = #fn };				\
	__attribute__((constructor)) static void __sim_reg_##fn(void)	\
	{ sim_register_initcall(&__sim_exitcall_##fn); }

#define MODULE_LICENSE(x)
#define MODULE_AUTHOR(x)
#define MODULE_DESCRIPTION(x)
#define MODULE_ALIAS(x)
#define THIS_MODULE	((void *)0)

#endif /* _LINUX_MODULE_H */
