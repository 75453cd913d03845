# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# The benchmark suite (`make bench` runs it through bench/run_all.sh):
# density over a workload's life (bench_density.sh, driving zsim
# trace-gen and zsim replay), speed (bench_speed) and
# compaction (bench_compact).  Each has a seconds-long smoke run in CTest,
# labelled "bench"; no timing is asserted anywhere.
find_package(Threads REQUIRED)

add_executable(bench_speed ${CMAKE_CURRENT_SOURCE_DIR}/bench_speed.c)
target_link_libraries(bench_speed PRIVATE zsmalloc::zsmalloc zsim_trace Threads::Threads
	zsmalloc_project_options)
target_compile_definitions(bench_speed PRIVATE _GNU_SOURCE)

add_executable(bench_compact ${CMAKE_CURRENT_SOURCE_DIR}/bench_compact.c)
target_link_libraries(bench_compact PRIVATE zsmalloc::zsmalloc zsim_trace m zsmalloc_project_options)
target_compile_definitions(bench_compact PRIVATE _GNU_SOURCE)

# Free page reporting: the alloc/free loop and RSS after zs_compact().
add_executable(bench_reporting ${CMAKE_CURRENT_SOURCE_DIR}/bench_reporting.c)
target_link_libraries(bench_reporting PRIVATE zsmalloc::zsmalloc zsim_trace zsmalloc_project_options)
target_compile_definitions(bench_reporting PRIVATE _GNU_SOURCE)

if(BUILD_TESTING AND ZSMALLOC_BUILD_TESTS)
	add_test(NAME bench_reporting_smoke COMMAND bench_reporting --quick)
	set_tests_properties(bench_reporting_smoke PROPERTIES LABELS "bench"
		TIMEOUT 300 ENVIRONMENT "ZSIM_LOGLEVEL=3")
	add_test(NAME bench_speed_smoke COMMAND bench_speed --quick)
	add_test(NAME bench_compact_smoke COMMAND bench_compact --quick)
	add_test(NAME bench_density_smoke
		COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/bench_density.sh --quick
			$<TARGET_FILE:zsim> ${PROJECT_BINARY_DIR}/bench-smoke)
	set_tests_properties(bench_speed_smoke bench_compact_smoke bench_density_smoke
		PROPERTIES LABELS "bench" TIMEOUT 300 ENVIRONMENT "ZSIM_LOGLEVEL=3")
endif()
