// SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
/*
 * seq_file over an output function: enough for the kernel's show()
 * functions.  Text is gathered into lines; each complete line (or a
 * full buffer) goes to the output function as one NUL-terminated string.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/fs.h>
#include <linux/seq_file.h>

void seq_file_init_output(struct seq_file *m, seq_output_fn *fn, void *arg,
			  void *private)
{
	m->fn = fn;
	m->arg = arg;
	m->private = private;
	m->single_show = NULL;
	m->error = 0;
	m->len = 0;
}

static void seq_flush(struct seq_file *m)
{
	if (!m->len)
		return;
	m->buf[m->len] = '\0';
	m->fn(m->arg, m->buf);
	m->len = 0;
}

static void seq_write(struct seq_file *m, const char *s, size_t n)
{
	while (n) {
		const char *nl = memchr(s, '\n', n);
		size_t take = nl ? (size_t)(nl - s) + 1 : n;
		size_t room = sizeof(m->buf) - 1 - m->len;

		if (take > room)
			take = room;
		memcpy(m->buf + m->len, s, take);
		m->len += take;
		s += take;
		n -= take;
		if (m->buf[m->len - 1] == '\n' || m->len == sizeof(m->buf) - 1)
			seq_flush(m);
	}
}

int seq_file_finish(struct seq_file *m)
{
	seq_flush(m);
	return m->error;
}

void seq_printf(struct seq_file *m, const char *fmt, ...)
{
	char small[256], *big = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		if (!m->error)
			m->error = -EIO;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		seq_write(m, small, (size_t)n);
		return;
	}
	big = malloc((size_t)n + 1);
	if (!big) {
		if (!m->error)
			m->error = -ENOMEM;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	seq_write(m, big, (size_t)n);
	free(big);
}

void seq_puts(struct seq_file *m, const char *s)
{
	seq_write(m, s, strlen(s));
}

void seq_putc(struct seq_file *m, char c)
{
	seq_write(m, &c, 1);
}

struct stream_output {
	FILE *stream;
	int error;
};

static void stream_output(void *arg, const char *text)
{
	struct stream_output *so = arg;

	if (fputs(text, so->stream) < 0 && !so->error)
		so->error = -EIO;
}

int seq_print_to_stream(void *stream,
			int (*print)(void *ctx, seq_output_fn *fn, void *arg),
			void *ctx)
{
	struct stream_output so = { .stream = stream, .error = 0 };
	int ret;

	if (!stream)
		return -EINVAL;
	ret = print(ctx, stream_output, &so);
	if (ret)
		return ret;
	return so.error;
}

/* --- single_open() files (DEFINE_SHOW_ATTRIBUTE) -------------------------- */

int single_open(struct file *file, int (*show)(struct seq_file *, void *),
		void *data)
{
	struct seq_file *m = file->private_data;

	/* sim_debugfs_print() sets the seq_file up before open. */
	if (!m)
		return -EINVAL;
	m->single_show = show;
	m->private = data;
	return 0;
}

int single_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;

	(void)inode;
	if (m)
		m->single_show = NULL;
	return 0;
}

long seq_read(struct file *file, char *buf, size_t len, long long *ppos)
{
	(void)file; (void)buf; (void)len; (void)ppos;
	return -EINVAL;		/* SIM: files are printed, never read */
}

long long seq_lseek(struct file *file, long long offset, int whence)
{
	(void)file; (void)offset; (void)whence;
	return -EINVAL;
}
