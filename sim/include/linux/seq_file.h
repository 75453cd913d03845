/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_SEQ_FILE_H
#define _LINUX_SEQ_FILE_H

#include <linux/compiler.h>

/*
 * SIM: a seq_file writes straight to a stdio stream (debugfs and /proc
 * files are printed, not read).  sim/kernel/seq_file.c.
 */
struct seq_file {
	void *stream;		/* FILE * */
	void *private;
	int error;		/* first write error, -EIO */
};

void seq_file_init_stream(struct seq_file *m, void *stream, void *private);
__printf(2, 3) void seq_printf(struct seq_file *m, const char *fmt, ...);
void seq_puts(struct seq_file *m, const char *s);
void seq_putc(struct seq_file *m, char c);

#endif /* _LINUX_SEQ_FILE_H */
