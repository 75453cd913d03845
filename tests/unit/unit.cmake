# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# zsmalloc: public API tests link the library; white-box tests include
# lib/zsmalloc.c themselves and link only the simulator.
zsmalloc_add_test(test_zs_classes SOURCES unit/test_zs_classes.c LABELS unit)
zsmalloc_add_test(test_zs_api SOURCES unit/test_zs_api.c LABELS unit)
zsmalloc_add_test(test_zs_invariants SOURCES unit/test_zs_invariants.c LABELS unit LIB zsim_internal)
zsmalloc_add_test(test_zs_enomem SOURCES unit/test_zs_enomem.c LABELS unit LIB zsim_internal)
zsmalloc_add_test(test_zs_compact SOURCES unit/test_zs_compact.c LABELS unit LIB zsim_internal)
zsmalloc_add_test(test_zs_threads SOURCES unit/test_zs_threads.c LABELS "unit;threads")
