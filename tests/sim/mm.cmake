# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# Memory: page frames, the buddy allocator and its statistics.
zsmalloc_add_test(test_memmap SOURCES sim/test_memmap.c LABELS sim LIB zsim_internal)
zsmalloc_add_test(test_buddy SOURCES sim/test_buddy.c LABELS sim LIB zsim_internal)
zsmalloc_add_test(test_vmstat SOURCES sim/test_vmstat.c LABELS sim LIB zsim_internal)
zsmalloc_add_test(test_page_reporting SOURCES sim/test_page_reporting.c LABELS "sim;threads" LIB zsim_internal)
zsmalloc_add_test(test_memory_hotplug SOURCES sim/test_memory_hotplug.c LABELS "sim;threads" LIB zsmalloc_internal)
# The per-CPU page lists (struct per_cpu_pages): accounting, drains, refill faults, threads.
zsmalloc_add_test(test_pcp SOURCES sim/test_pcp.c LABELS "sim;threads" LIB zsim_internal)
