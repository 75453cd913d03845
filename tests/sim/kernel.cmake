# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# Kernel services of the simulator (sim/kernel/, sim/mm/filemap.c).
zsmalloc_add_test(test_bug SOURCES sim/test_bug.c LABELS sim LIB zsim_internal)
zsmalloc_add_test(test_locking SOURCES sim/test_locking.c LABELS sim LIB zsim_internal)
zsmalloc_add_test(test_lockdep SOURCES sim/test_lockdep.c LABELS sim LIB zsim_internal LOCK_REPORTS)
zsmalloc_add_test(test_page_lock SOURCES sim/test_page_lock.c LABELS sim LIB zsim_internal)
zsmalloc_add_test(test_percpu SOURCES sim/test_percpu.c LABELS sim LIB zsim_internal LOCK_REPORTS)
zsmalloc_add_test(test_rcu SOURCES sim/test_rcu.c LABELS sim LIB zsim_internal)
zsmalloc_add_test(test_workqueue SOURCES sim/test_workqueue.c LABELS "sim;threads" LIB zsim_internal)
zsmalloc_add_test(test_shrinker SOURCES sim/test_shrinker.c LABELS sim LIB zsim_internal)

# Tracepoints and the per-CPU ring buffer (sim/kernel/trace.c).
zsmalloc_add_test(test_trace SOURCES sim/test_trace.c LABELS "sim;threads")
# The deterministic scheduler (kernel/sched.c).
zsmalloc_add_test(test_sched SOURCES sim/test_sched.c LABELS "sim;threads" TIMEOUT 600)
