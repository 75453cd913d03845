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
zsmalloc_add_test(test_zs_windows SOURCES unit/test_zs_windows.c LABELS "unit;threads" LIB zsim_internal)
# the same with no asymmetric barrier: every read and write pins
add_test(NAME test_zs_windows_pinning COMMAND test_zs_windows)
set_tests_properties(test_zs_windows_pinning PROPERTIES LABELS "unit;threads" TIMEOUT 300
	ENVIRONMENT "ZSIM_LOGLEVEL=3;ZSIM_MEMBARRIER=0"
	FAIL_REGULAR_EXPRESSION "${ZSMALLOC_LOCK_REPORT_REGEX}")
zsmalloc_add_test(test_zs_teardown SOURCES unit/test_zs_teardown.c LABELS "unit;threads" LIB zsim_internal TIMEOUT 120)
if(ZSMALLOC_LONG_TESTS)
	# the same stress for minutes instead of seconds
	add_test(NAME test_zs_threads_long COMMAND test_zs_threads -l)
	set_tests_properties(test_zs_threads_long PROPERTIES LABELS "long;threads"
		TIMEOUT 3600 ENVIRONMENT "ZSIM_LOGLEVEL=3")
endif()
zsmalloc_add_test(test_zs_config SOURCES unit/test_zs_config.c LABELS unit)
zsmalloc_add_test(test_zs_knobs SOURCES unit/test_zs_knobs.c LABELS unit LIB zsim_internal)

# A C++ consumer of the public headers, with const buffers: built and run
# only where a C++ compiler exists (the library itself is C).
include(CheckLanguage)
check_language(CXX)
if(CMAKE_CXX_COMPILER)
	enable_language(CXX)
	add_executable(test_zs_cxx unit/test_zs_cxx.cpp)
	set_target_properties(test_zs_cxx PROPERTIES CXX_STANDARD 11 CXX_STANDARD_REQUIRED ON
		CXX_EXTENSIONS OFF RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
	target_compile_options(test_zs_cxx PRIVATE -Wall -Wextra -Wpedantic -Werror)
	if(ZSMALLOC_SANITIZE)
		list(JOIN ZSMALLOC_SANITIZE "," cxx_san)
		target_compile_options(test_zs_cxx PRIVATE -fsanitize=${cxx_san})
		target_link_options(test_zs_cxx PRIVATE -fsanitize=${cxx_san})
	endif()
	target_link_libraries(test_zs_cxx PRIVATE zsmalloc)
	add_test(NAME test_zs_cxx COMMAND test_zs_cxx)
	set_tests_properties(test_zs_cxx PROPERTIES LABELS unit ENVIRONMENT "ZSIM_LOGLEVEL=3")
else()
	message(STATUS "No C++ compiler: the C++ consumer test is not built")
endif()
zsmalloc_add_test(test_zs_destroy_isolate SOURCES unit/test_zs_destroy_isolate.c LABELS "unit;threads" LIB zsim_internal)
zsmalloc_add_test(test_zs_misuse SOURCES unit/test_zs_misuse.c LABELS unit)
zsmalloc_add_test(test_zs_cma SOURCES unit/test_zs_cma.c LABELS unit)
zsmalloc_add_test(test_zs_grow SOURCES unit/test_zs_grow.c LABELS "unit;threads" LIB zsim_internal TIMEOUT 300)

# Compaction and migration through the public API only (both implementations).
zsmalloc_add_test(test_zs_compact_public SOURCES unit/test_zs_compact_public.c LABELS unit)
# Out of memory through the public API only (both implementations).
zsmalloc_add_test(test_zs_enomem_public SOURCES unit/test_zs_enomem_public.c LABELS unit)

# The same black-box suites on the kernel's own mm/zsmalloc.c, once per
# kernel variant (linuxzs/linuxzs.cmake), label "linux": `ctest -L linux`.
foreach(variant IN LISTS ZSMALLOC_LINUX_VARIANTS)
	string(MAKE_C_IDENTIFIER "${variant}" id)
	zsmalloc_linux_test_env(${variant} env labels)
	foreach(t test_zs_api test_zs_badinput test_zs_classes test_zs_config test_zs_misuse test_zs_cma
			test_zs_compact_public test_zs_enomem_public)
		zsmalloc_add_test(${id}_${t} SOURCES unit/${t}.c LABELS "${labels};unit"
			LIB zsmalloc_${id}_internal ENV ${env})
	endforeach()
	zsmalloc_add_test(${id}_test_zs_threads SOURCES unit/test_zs_threads.c
		LABELS "${labels};unit;threads" LIB zsmalloc_${id}_internal ENV ${env})
endforeach()
