# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# zsmalloc: public API tests link the library; white-box tests include
# lib/zsmalloc.c themselves and link only the simulator.
zsmalloc_add_test(test_zs_classes SOURCES unit/test_zs_classes.c LABELS unit)
zsmalloc_add_test(test_zs_api SOURCES unit/test_zs_api.c LABELS unit)
zsmalloc_add_test(test_zs_invariants SOURCES unit/test_zs_invariants.c LABELS unit LIB zsim_internal)
zsmalloc_add_test(test_zs_enomem SOURCES unit/test_zs_enomem.c LABELS unit LIB zsim_internal)
zsmalloc_add_test(test_zs_compact SOURCES unit/test_zs_compact.c LABELS unit LIB zsim_internal)
zsmalloc_add_test(test_zs_badinput SOURCES unit/test_zs_badinput.c LABELS unit)
zsmalloc_add_test(test_zs_threads SOURCES unit/test_zs_threads.c LABELS "unit;threads")
zsmalloc_add_test(test_zs_migrate SOURCES unit/test_zs_migrate.c LABELS "unit;threads" LIB zsim_internal)
if(ZSMALLOC_LONG_TESTS)
	# the same stress for minutes instead of seconds
	add_test(NAME test_zs_threads_long COMMAND test_zs_threads -l)
	set_tests_properties(test_zs_threads_long PROPERTIES LABELS "long;threads"
		TIMEOUT 3600 ENVIRONMENT "ZSIM_LOGLEVEL=3")
endif()
zsmalloc_add_test(test_zs_teardown SOURCES unit/test_zs_teardown.c LABELS "unit;threads" LIB zsim_internal)
zsmalloc_add_test(test_zs_misuse SOURCES unit/test_zs_misuse.c LABELS unit)
