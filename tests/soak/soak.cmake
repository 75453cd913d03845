# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# The long stress (`make soak`, not in the default suite) and a
# seconds-long smoke run of it that is.
add_executable(zs_soak soak/zs_soak.c)
target_link_libraries(zs_soak PRIVATE zsmalloc_static zsim_util zsmalloc_project_options Threads::Threads)
set_target_properties(zs_soak PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bin)
add_test(NAME zs_soak_smoke COMMAND zs_soak --quiet 2 2 2)
set_tests_properties(zs_soak_smoke PROPERTIES LABELS "soak;threads" TIMEOUT 300
	FAIL_REGULAR_EXPRESSION "${ZSMALLOC_LOCK_REPORT_REGEX}"
	ENVIRONMENT "ZSIM_LOGLEVEL=3")
