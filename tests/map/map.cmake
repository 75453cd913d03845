# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# Pictures of memory (tools/map.c, zsim map): page and zspage inspection,
# cell counts at several machine sizes, colours against the legend.
zsmalloc_add_test(test_map SOURCES map/test_map.c LABELS map LIB zsmalloc::zsmalloc)
target_link_libraries(test_map PRIVATE zsim_map)

# The step-through page in headless Chromium (skipped where it is not installed).
add_test(NAME map_html_chromium COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/map/html_chromium.sh
	$<TARGET_FILE:zsim>)
set_tests_properties(map_html_chromium PROPERTIES LABELS map TIMEOUT 600
	SKIP_RETURN_CODE 77 ENVIRONMENT "ZSIM_LOGLEVEL=3")

# The demo's narration checks out against its own numbers.
add_test(NAME demo_claims COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/map/demo_claims.sh
	$<TARGET_FILE:zsim>)
set_tests_properties(demo_claims PROPERTIES LABELS map TIMEOUT 600 ENVIRONMENT "ZSIM_LOGLEVEL=3")
