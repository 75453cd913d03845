# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# The simulated kernel, one file per subsystem.
set(ZSIM_SOURCES
	# kernel/: machine lifecycle and services
	${PROJECT_SOURCE_DIR}/sim/kernel/machine.c
	${PROJECT_SOURCE_DIR}/sim/kernel/bug.c
	${PROJECT_SOURCE_DIR}/sim/kernel/locking.c
	${PROJECT_SOURCE_DIR}/sim/kernel/lockdep.c
	${PROJECT_SOURCE_DIR}/sim/kernel/percpu.c
	${PROJECT_SOURCE_DIR}/sim/kernel/sched.c
	${PROJECT_SOURCE_DIR}/sim/kernel/rcu.c
	${PROJECT_SOURCE_DIR}/sim/kernel/hazptr.c
	${PROJECT_SOURCE_DIR}/sim/kernel/workqueue.c
	${PROJECT_SOURCE_DIR}/sim/kernel/shrinker.c
	${PROJECT_SOURCE_DIR}/sim/kernel/fault_inject.c
	${PROJECT_SOURCE_DIR}/sim/kernel/trace.c
	${PROJECT_SOURCE_DIR}/sim/kernel/seq_file.c
	# mm/: memory
	${PROJECT_SOURCE_DIR}/sim/mm/memmap.c
	${PROJECT_SOURCE_DIR}/sim/mm/memory_hotplug.c
	${PROJECT_SOURCE_DIR}/sim/mm/filemap.c
	${PROJECT_SOURCE_DIR}/sim/mm/page_alloc.c
	${PROJECT_SOURCE_DIR}/sim/mm/page_reporting.c
	${PROJECT_SOURCE_DIR}/sim/mm/vmstat.c
	${PROJECT_SOURCE_DIR}/sim/mm/slab.c
	${PROJECT_SOURCE_DIR}/sim/mm/migrate.c
	${PROJECT_SOURCE_DIR}/sim/mm/compaction.c
	${PROJECT_SOURCE_DIR}/sim/mm/page_info.c
	${PROJECT_SOURCE_DIR}/sim/mm/page_isolation.c
	# fs/: anonymous inodes for drivers' address_spaces; debugfs
	${PROJECT_SOURCE_DIR}/sim/fs/inode.c
	${PROJECT_SOURCE_DIR}/sim/fs/debugfs.c
)

# Valgrind client requests (linux/kasan.h) wherever the header exists:
# they do nothing outside Valgrind.
include(CheckIncludeFile)
check_include_file(valgrind/memcheck.h ZSIM_HAVE_VALGRIND_H)
if(ZSIM_HAVE_VALGRIND_H)
	add_compile_definitions(ZSIM_HAVE_VALGRIND=1)
endif()
