// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/* seq_file over stdio: enough for the kernel's show() functions. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include <linux/seq_file.h>

void seq_file_init_stream(struct seq_file *m, void *stream, void *private)
{
	m->stream = stream;
	m->private = private;
	m->error = 0;
}

void seq_printf(struct seq_file *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vfprintf(m->stream, fmt, ap) < 0 && !m->error)
		m->error = -EIO;
	va_end(ap);
}

void seq_puts(struct seq_file *m, const char *s)
{
	if (fputs(s, m->stream) < 0 && !m->error)
		m->error = -EIO;
}

void seq_putc(struct seq_file *m, char c)
{
	if (fputc(c, m->stream) == EOF && !m->error)
		m->error = -EIO;
}
