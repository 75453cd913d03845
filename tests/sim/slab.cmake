# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# The slab allocator and fault injection (sim/mm/slab.c, sim/kernel/fault_inject.c).
zsmalloc_add_test(test_slab SOURCES sim/test_slab.c LABELS sim LIB zsim_internal)
zsmalloc_add_test(test_fault SOURCES sim/test_fault.c LABELS "sim;threads" LIB zsim_internal)

# Planted use-after-free of a pool, a zspage, a handle and a page: the
# ASan build expects AddressSanitizer's report, the Valgrind build
# memcheck's (sim/include/linux/kasan.h).  Not a cmocka test: the tool's
# report is the pass.
if("address" IN_LIST ZSMALLOC_SANITIZE OR ZSMALLOC_VALGRIND)
	add_executable(test_poison_uaf sim/test_poison_uaf.c)
	target_link_libraries(test_poison_uaf PRIVATE zsim_internal zsmalloc_project_options)
	target_include_directories(test_poison_uaf PRIVATE ${PROJECT_SOURCE_DIR}/tests)
	set_target_properties(test_poison_uaf PROPERTIES
		RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
endif()
foreach(what pool zspage handle page)
	if("address" IN_LIST ZSMALLOC_SANITIZE)
		add_test(NAME asan_uaf.${what} COMMAND test_poison_uaf ${what})
		set_tests_properties(asan_uaf.${what} PROPERTIES LABELS "sim;poison"
			TIMEOUT 60 ENVIRONMENT "ZSIM_LOGLEVEL=3"
			PASS_REGULAR_EXPRESSION "AddressSanitizer: use-after-poison")
	endif()
	if(ZSMALLOC_VALGRIND)
		add_test(NAME memcheck.uaf.${what}
			COMMAND ${VALGRIND_PROGRAM} --error-exitcode=99 --leak-check=no
				--quiet $<TARGET_FILE:test_poison_uaf> ${what})
		set_tests_properties(memcheck.uaf.${what} PROPERTIES
			LABELS "memcheck;poison" TIMEOUT 300
			ENVIRONMENT "ZSIM_LOGLEVEL=3;ZSIM_VALGRIND=1"
			PASS_REGULAR_EXPRESSION "Invalid (read|write) of size [0-9]+")
	endif()
endforeach()
