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

# zsim replay --trace: tracepoints in ftrace's text format, ZSIM_TRACE,
# and the errors for a trace buffer size of 0 and an unknown event.
add_test(NAME replay_trace COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/replay/replay_trace.sh
	$<TARGET_FILE:zsim>)
set_tests_properties(replay_trace PROPERTIES LABELS replay TIMEOUT 300
	ENVIRONMENT "ZSIM_LOGLEVEL=3")
# The replay on the kernel's own mm/zsmalloc.c (zsim-linux, zsim-linux-6.1),
# labels linux (and linux-6.1).
foreach(variant IN LISTS ZSMALLOC_LINUX_VARIANTS)
	string(MAKE_C_IDENTIFIER "${variant}" id)
	string(TOUPPER "${id}" ID)
	zsmalloc_linux_test_env(${variant} env labels)
	zsmalloc_add_test(${id}_test_replay_run SOURCES replay/test_replay_run.c
		LABELS "${labels};replay" LIB zsmalloc::zsmalloc ARGS $<TARGET_FILE:zsim-${variant}>
		ENV ${env})
	target_link_libraries(${id}_test_replay_run PRIVATE zsim_trace)
	add_dependencies(${id}_test_replay_run zsim-${variant})
	# the differential test: ours with the kernel's policies against the kernel's code
	set(preset 6.18)
	if(ZSMALLOC_${ID}_VERSION VERSION_LESS 6.4)
		set(preset 4.8)
	endif()
	add_test(NAME ${id}_differential COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/replay/differential.sh
		$<TARGET_FILE:zsim> ${variant} ${preset})
	set_tests_properties(${id}_differential PROPERTIES LABELS "${labels};replay" TIMEOUT 600
		ENVIRONMENT "ZSIM_LOGLEVEL=3")
	# the picture of memory (zs_zspage_info() on the kernel's zspages) and the demo
	add_test(NAME ${id}_map_smoke COMMAND zsim-${variant} map --zspages 100
		-o ${CMAKE_CURRENT_BINARY_DIR}/${id}_map_smoke.svg)
	add_test(NAME ${id}_demo_smoke COMMAND zsim-${variant} demo --no-pictures)
	set_tests_properties(${id}_map_smoke ${id}_demo_smoke PROPERTIES
		LABELS "${labels};replay" TIMEOUT 300 ENVIRONMENT "ZSIM_LOGLEVEL=3"
		FAIL_REGULAR_EXPRESSION "${ZSMALLOC_LOCK_REPORT_REGEX}|BUG:|WARNING:")
	# zsim --impl runs the variant's zsim; without it, a clear message and 77
	add_test(NAME ${id}_cli_impl COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/replay/linux_impl.sh
		$<TARGET_FILE:zsim> ${variant} ${ZSMALLOC_${ID}_VERSION})
	set_tests_properties(${id}_cli_impl PROPERTIES LABELS "${labels};replay" TIMEOUT 300
		ENVIRONMENT "ZSIM_LOGLEVEL=3")
endforeach()

# Bad ZSMALLOC_LINUX_SRC: a message naming the missing file, version or
# symbol, and no kernel variant (linuxzs/linuxzs.cmake, in script mode).
set(linux_configure_cases
	"missing|does not exist \\(Debian: apt-get install linux-source-6.12\\)"
	"notarball|is neither a directory nor a \\.tar"
	"nofile|has no mm/zsmalloc.c"
	"version|is Linux 5.10.1. the simulator covers the mm/zsmalloc.c API of Linux 6.12, 6.1"
	"symbol|needs the function page_frag_alloc_align, which sim/include")
foreach(c IN LISTS linux_configure_cases)
	string(REGEX REPLACE "\\|.*" "" name "${c}")
	string(REGEX REPLACE "^[^|]*\\|" "" want "${c}")
	add_test(NAME linux_configure_${name} COMMAND ${CMAKE_COMMAND} -DCASE=${name}
		-DROOT=${PROJECT_SOURCE_DIR} -DBIN=${CMAKE_CURRENT_BINARY_DIR}/linux_configure_${name}
		-DCC=${CMAKE_C_COMPILER} -DGENERATED=${ZSMALLOC_GENERATED_DIR}
		-DVERSION_INCLUDE=${ZSMALLOC_VERSION_INCLUDE_DIR}
		-P ${CMAKE_CURRENT_SOURCE_DIR}/replay/linux_configure.cmake)
	set_tests_properties(linux_configure_${name} PROPERTIES LABELS "linux;replay"
		PASS_REGULAR_EXPRESSION "${want}" FAIL_REGULAR_EXPRESSION "kernel variants:")
endforeach()
