/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_SEQ_FILE_H
#define _LINUX_SEQ_FILE_H

#include <stddef.h>
#include <linux/compiler.h>

/*
 * SIM: a seq_file hands its text to an output function, one line at a
 * time (debugfs and /proc files are printed, not read); the public
 * printers take such a function, and their FILE * versions pass one that
 * writes to the stream.  sim/kernel/seq_file.c.
 */
typedef void seq_output_fn(void *arg, const char *text);

#define SEQ_LINE_MAX	1024

struct seq_file {
	seq_output_fn *fn;
	void *arg;
	void *private;
	/* set by single_open(): the file's show function */
	int (*single_show)(struct seq_file *m, void *v);
	int error;		/* first write error, -EIO */
	size_t len;		/* bytes waiting in buf */
	char buf[SEQ_LINE_MAX];
};

void seq_file_init_output(struct seq_file *m, seq_output_fn *fn, void *arg,
			  void *private);
/* Hand what is left of the last line to the output; returns m->error. */
int seq_file_finish(struct seq_file *m);
__printf(2, 3) void seq_printf(struct seq_file *m, const char *fmt, ...);
void seq_puts(struct seq_file *m, const char *s);
void seq_putc(struct seq_file *m, char c);

/*
 * Files with one show function (fs/seq_file.c, DEFINE_SHOW_ATTRIBUTE).
 * SIM: the reader (sim_debugfs_print) puts a seq_file, already set up for
 * output, in file->private_data before calling open; single_open records
 * @show and @data in it, and the reader runs show once.  seq_read and
 * seq_lseek exist for the initialisers and are never called.
 */
struct file;
struct inode;
int single_open(struct file *file, int (*show)(struct seq_file *, void *),
		void *data);
int single_release(struct inode *inode, struct file *file);
long seq_read(struct file *file, char *buf, size_t len, long long *ppos);
long long seq_lseek(struct file *file, long long offset, int whence);

#define DEFINE_SHOW_ATTRIBUTE(__name)					\
static int __name ## _open(struct inode *inode, struct file *file)	\
{									\
	return single_open(file, __name ## _show, inode->i_private);	\
}									\
									\
static const struct file_operations __name ## _fops = {			\
	.owner		= THIS_MODULE,					\
	.open		= __name ## _open,				\
	.read		= seq_read,					\
	.llseek		= seq_lseek,					\
	.release	= single_release,				\
}

/*
 * Run the callback printer @print with an output function that writes to
 * @stream: -EINVAL for a NULL stream, -EIO if a write failed, else what
 * @print returned.  @ctx is passed through to @print.
 */
int seq_print_to_stream(void *stream,
			int (*print)(void *ctx, seq_output_fn *fn, void *arg),
			void *ctx);

#endif /* _LINUX_SEQ_FILE_H */
