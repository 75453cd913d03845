# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# The slab allocator and fault injection (sim/mm/slab.c, sim/kernel/fault_inject.c).
zsmalloc_add_test(test_slab SOURCES sim/test_slab.c LABELS sim LIB zsim_internal)
zsmalloc_add_test(test_fault SOURCES sim/test_fault.c LABELS sim LIB zsim_internal)
