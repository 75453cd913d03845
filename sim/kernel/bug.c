// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * BUG(), WARN() and printk().  A BUG prints where it happened and a
 * backtrace, gives the handler installed with zsim_set_bug_handler() a
 * chance to longjmp() out (the tests do), and otherwise aborts: it is
 * never compiled out.  printk() writes whole lines to stderr, filtered
 * by the console log level of the machine's config.
 */
#include <execinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/bug.h>
#include <linux/printk.h>
#include <sim/internal.h>

#define SIM_BACKTRACE_DEPTH	64

static zsim_bug_handler_t bug_handler;
static unsigned long warn_count;
/* Before the first boot, the kernel's default console level. */
static int console_loglevel = 4;

int sim_gettid(void)
{
	static __thread int tid;

	if (unlikely(!tid))
		tid = (int)syscall(SYS_gettid);
	return tid;
}

int sim_printk_init(const struct zsim_config *cfg)
{
	__atomic_store_n(&console_loglevel, cfg->loglevel, __ATOMIC_RELAXED);
	__atomic_store_n(&warn_count, 0, __ATOMIC_RELAXED);
	return 0;
}

/* Write @len bytes in one go, so that lines of threads do not mix. */
static void console_write(const char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(STDERR_FILENO, buf, len);
		if (n <= 0)
			return;
		buf += n;
		len -= n;
	}
}

/*
 * SIM: @level is one of the KERN_* digits; the message is shown when its
 * level is at or below the console level (the kernel shows it when
 * strictly below), so the default of 4 shows errors and warnings.
 */
int sim_printk(const char *level, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int lvl = 4, n;

	if (level && level[0] >= '0' && level[0] <= '7')
		lvl = level[0] - '0';
	if (lvl > __atomic_load_n(&console_loglevel, __ATOMIC_RELAXED))
		return 0;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return n;
	if ((size_t)n >= sizeof(buf)) {
		/* Truncated: still end the line. */
		n = sizeof(buf) - 1;
		buf[n - 1] = '\n';
	}
	console_write(buf, n);
	return n;
}

static void dump_backtrace(void)
{
	void *frames[SIM_BACKTRACE_DEPTH];
	int n;

	n = backtrace(frames, SIM_BACKTRACE_DEPTH);
	console_write("Call Trace:\n", 12);
	/* Skip this function; the BUG/WARN site is the next frame. */
	if (n > 1)
		backtrace_symbols_fd(frames + 1, n - 1, STDERR_FILENO);
}

zsim_bug_handler_t zsim_set_bug_handler(zsim_bug_handler_t handler)
{
	return __atomic_exchange_n(&bug_handler, handler, __ATOMIC_ACQ_REL);
}

void sim_bug(const char *file, int line, const char *func, const char *expr)
{
	char msg[512];
	zsim_bug_handler_t handler;
	int n;

	n = snprintf(msg, sizeof(msg), "BUG: %s:%d %s(): %s", file, line,
		     func, expr);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(msg))
		n = sizeof(msg) - 1;
	console_write(msg, n);
	console_write("\n", 1);
	dump_backtrace();

	handler = __atomic_load_n(&bug_handler, __ATOMIC_ACQUIRE);
	if (handler)
		handler(msg);
	abort();
}

void sim_warn(const char *file, int line, const char *func, const char *expr)
{
	const char *panic = getenv("ZSIM_PANIC_ON_WARN");
	char msg[512];
	int n;

	__atomic_fetch_add(&warn_count, 1, __ATOMIC_RELAXED);
	/* Like the kernel's panic_on_warn: make the warning fatal. */
	if (panic && atoi(panic) > 0)
		sim_bug(file, line, func, expr);

	n = snprintf(msg, sizeof(msg), "WARNING: %s:%d %s(): %s\n", file,
		     line, func, expr);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(msg))
		n = sizeof(msg) - 1;
	console_write(msg, n);
	dump_backtrace();
}

unsigned long zsim_warn_count(void)
{
	return __atomic_load_n(&warn_count, __ATOMIC_RELAXED);
}
