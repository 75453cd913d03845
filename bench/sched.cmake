# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# What the deterministic scheduler costs, free-running and scheduled.
add_executable(bench_sched ${CMAKE_CURRENT_SOURCE_DIR}/bench_sched.c)
target_link_libraries(bench_sched PRIVATE zsmalloc::zsmalloc zsmalloc_project_options)
set_target_properties(bench_sched PROPERTIES
	RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bin)
if(BUILD_TESTING AND ZSMALLOC_BUILD_TESTS)
	add_test(NAME bench_sched_smoke COMMAND bench_sched --quick)
	set_tests_properties(bench_sched_smoke PROPERTIES LABELS bench TIMEOUT 300
		ENVIRONMENT "ZSIM_LOGLEVEL=3")
endif()
