# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# What a program linking libzsmalloc sees.
if(TARGET zsmalloc)
	add_test(NAME exports_only_public_api
		COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/link/check_exports.sh $<TARGET_FILE:zsmalloc>)
else()
	zsmalloc_skip_test(exports_only_public_api "BUILD_SHARED_LIBS=OFF: no shared library")
endif()
set_tests_properties(exports_only_public_api PROPERTIES LABELS "link")

foreach(kind shared static)
	set(lib zsmalloc)
	if(kind STREQUAL "static")
		set(lib zsmalloc_static)
	endif()
	if(NOT TARGET ${lib})
		zsmalloc_skip_test(own_kernel_names_${kind} "BUILD_SHARED_LIBS=OFF: no shared library")
		set_tests_properties(own_kernel_names_${kind} PROPERTIES LABELS "link")
		continue()
	endif()
	add_executable(own_kernel_names_${kind} link/own_kernel_names.c)
	target_link_libraries(own_kernel_names_${kind} PRIVATE ${lib} zsmalloc_project_options)
	set_target_properties(own_kernel_names_${kind} PROPERTIES
		RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
	add_test(NAME own_kernel_names_${kind} COMMAND own_kernel_names_${kind})
	set_tests_properties(own_kernel_names_${kind} PROPERTIES LABELS "link"
		ENVIRONMENT "ZSIM_MEM=32M;ZSIM_LOGLEVEL=3")
endforeach()

# Each kernel variant's library exports the same public API and nothing
# else (the kernel file's own zs_* are renamed, its other names local),
# and a program that defines its own kernel names still links with it.
foreach(variant IN LISTS ZSMALLOC_LINUX_VARIANTS)
	string(MAKE_C_IDENTIFIER "${variant}" id)
	add_test(NAME ${id}_exports_only_public_api
		COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/link/check_exports.sh $<TARGET_FILE:zsmalloc-${variant}>)
	set_tests_properties(${id}_exports_only_public_api PROPERTIES LABELS "link;linux")
	add_executable(${id}_own_kernel_names link/own_kernel_names.c)
	target_link_libraries(${id}_own_kernel_names PRIVATE zsmalloc-${variant} zsmalloc_project_options)
	set_target_properties(${id}_own_kernel_names PROPERTIES
		RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
	add_test(NAME ${id}_own_kernel_names COMMAND ${id}_own_kernel_names)
	set_tests_properties(${id}_own_kernel_names PROPERTIES LABELS "link;linux"
		ENVIRONMENT "ZSIM_MEM=32M;ZSIM_LOGLEVEL=3")
endforeach()
