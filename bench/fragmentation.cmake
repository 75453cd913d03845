# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# High-order allocations in a memory full of zsmalloc pages, with
# compaction (page migration, Linux 4.8) off and on.
add_executable(bench_fragmentation ${CMAKE_CURRENT_SOURCE_DIR}/bench_fragmentation.c)
target_link_libraries(bench_fragmentation PRIVATE zsmalloc::zsmalloc zsim_util zsmalloc_project_options)
set_target_properties(bench_fragmentation PROPERTIES
	RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bin)
if(BUILD_TESTING AND ZSMALLOC_BUILD_TESTS)
	add_test(NAME bench_fragmentation_smoke COMMAND bench_fragmentation --quick)
	set_tests_properties(bench_fragmentation_smoke PROPERTIES LABELS bench TIMEOUT 300)
endif()
