# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# Contiguous range allocation (alloc_contig_range(), as CMA uses it) in a
# memory full of zspages, with page migration off and on.
add_executable(bench_cma ${CMAKE_CURRENT_SOURCE_DIR}/bench_cma.c)
target_link_libraries(bench_cma PRIVATE zsmalloc::zsmalloc zsim_util zsmalloc_project_options)
set_target_properties(bench_cma PROPERTIES
	RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bin)
if(BUILD_TESTING AND ZSMALLOC_BUILD_TESTS)
	add_test(NAME bench_cma_smoke COMMAND bench_cma --quick)
	set_tests_properties(bench_cma_smoke PROPERTIES LABELS bench TIMEOUT 300)
endif()
