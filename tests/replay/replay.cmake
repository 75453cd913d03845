# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# Trace replay and generation (tools/trace.c, zsim replay, zsim trace-gen).
# The parser test links the trace code; the others run the zsim binary.
zsmalloc_add_test(test_trace_parse SOURCES replay/test_trace_parse.c LABELS replay LIB zsmalloc::zsmalloc)
target_link_libraries(test_trace_parse PRIVATE zsim_trace)

zsmalloc_add_test(test_replay_run SOURCES replay/test_replay_run.c LABELS replay LIB zsmalloc::zsmalloc
	ARGS $<TARGET_FILE:zsim>)
target_link_libraries(test_replay_run PRIVATE zsim_trace)
add_dependencies(test_replay_run zsim)

zsmalloc_add_test(test_trace_gen SOURCES replay/test_trace_gen.c LABELS replay LIB zsmalloc::zsmalloc
	ARGS $<TARGET_FILE:zsim>)
target_link_libraries(test_trace_gen PRIVATE zsim_trace)
add_dependencies(test_trace_gen zsim)

# Loading is linear: counts the parser's realloc() calls, so it wraps them.
zsmalloc_add_test(test_trace_linear SOURCES replay/test_trace_linear.c LABELS replay LIB zsmalloc)
target_link_libraries(test_trace_linear PRIVATE zsim_trace "-Wl,--wrap=realloc")

# The command line's messages and exit status, to the letter.
add_test(NAME cli_messages COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/replay/cli_messages.sh
	$<TARGET_FILE:zsim>)
set_tests_properties(cli_messages PROPERTIES LABELS replay TIMEOUT 300
	ENVIRONMENT "ZSIM_LOGLEVEL=3")

# The replay on the kernel's own mm/zsmalloc.c (zsim-linux), label linux.
if(TARGET zsim-linux)
	zsmalloc_add_test(linux_test_replay_run SOURCES replay/test_replay_run.c
		LABELS "linux;replay" LIB zsmalloc::zsmalloc ARGS $<TARGET_FILE:zsim-linux>
		ENV ZSMALLOC_TEST_IMPL=linux)
	target_link_libraries(linux_test_replay_run PRIVATE zsim_trace)
	add_dependencies(linux_test_replay_run zsim-linux)
	# the differential test: ours configured like 6.12 against the kernel's 6.12
	add_test(NAME linux_differential COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/replay/differential.sh
		$<TARGET_FILE:zsim>)
	set_tests_properties(linux_differential PROPERTIES LABELS "linux;replay" TIMEOUT 600
		ENVIRONMENT "ZSIM_LOGLEVEL=3")
	# zsim --impl linux runs zsim-linux; without it, a clear message and 77
	add_test(NAME linux_cli_impl COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/replay/linux_impl.sh
		$<TARGET_FILE:zsim> ${ZSMALLOC_LINUX_VERSION})
	set_tests_properties(linux_cli_impl PROPERTIES LABELS "linux;replay" TIMEOUT 300
		ENVIRONMENT "ZSIM_LOGLEVEL=3")
endif()
