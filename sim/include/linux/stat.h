/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only */
#ifndef _LINUX_STAT_H
#define _LINUX_STAT_H
/*
 * File mode bits (uapi/linux/stat.h, linux/stat.h) for debugfs_create_file().
 * SIM: debugfs keeps the mode it is given and checks nothing against it.
 */
#include <sys/stat.h>

#ifndef S_IRWXUGO
#define S_IRWXUGO	(S_IRWXU | S_IRWXG | S_IRWXO)
#define S_IALLUGO	(S_ISUID | S_ISGID | S_ISVTX | S_IRWXUGO)
#define S_IRUGO		(S_IRUSR | S_IRGRP | S_IROTH)
#define S_IWUGO		(S_IWUSR | S_IWGRP | S_IWOTH)
#define S_IXUGO		(S_IXUSR | S_IXGRP | S_IXOTH)
#endif
#endif /* _LINUX_STAT_H */
