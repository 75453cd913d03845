# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# The test "cppcheck": cppcheck over lib/, sim/, tools/, bench/, zsram/ and
# examples/, configured like this build (its generated autoconf.h), that
# fails on any finding.  Inline suppressions are not honoured; the only
# suppressions are cppcheck's own false positives, in
# cmake/cppcheck/suppressions.txt, each with its reason.
find_program(CPPCHECK_PROGRAM cppcheck)
if(NOT CPPCHECK_PROGRAM)
	message(FATAL_ERROR "ZSMALLOC_CPPCHECK is on but cppcheck is not installed "
		"(Debian: apt-get install cppcheck), or configure with -DZSMALLOC_CPPCHECK=OFF")
endif()
add_test(NAME cppcheck
	COMMAND ${CPPCHECK_PROGRAM} --quiet --error-exitcode=1
		--enable=warning,portability,performance --std=c11
		--suppressions-list=${PROJECT_SOURCE_DIR}/cmake/cppcheck/suppressions.txt
		-D_GNU_SOURCE -D__LINUX_KCONFIG_H
		--include=${PROJECT_SOURCE_DIR}/cmake/cppcheck/prelude.h
		-I${PROJECT_SOURCE_DIR}/sim/include -I${ZSMALLOC_GENERATED_DIR}
		-I${PROJECT_SOURCE_DIR}/include -I${PROJECT_SOURCE_DIR}/tools
		lib sim tools bench zsram examples
	WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(cppcheck PROPERTIES LABELS "lint" TIMEOUT 120)
