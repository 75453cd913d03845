# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# What a program linking libzsmalloc sees.
add_test(NAME exports_only_public_api
	COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/link/check_exports.sh $<TARGET_FILE:zsmalloc>)
set_tests_properties(exports_only_public_api PROPERTIES LABELS "link")

foreach(kind shared static)
	set(lib zsmalloc)
	if(kind STREQUAL "static")
		set(lib zsmalloc_static)
	endif()
	add_executable(own_kernel_names_${kind} link/own_kernel_names.c)
	target_link_libraries(own_kernel_names_${kind} PRIVATE ${lib} zsmalloc_project_options)
	set_target_properties(own_kernel_names_${kind} PROPERTIES
		RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
	add_test(NAME own_kernel_names_${kind} COMMAND own_kernel_names_${kind})
	set_tests_properties(own_kernel_names_${kind} PROPERTIES LABELS "link"
		ENVIRONMENT "ZSIM_MEM=32M;ZSIM_LOGLEVEL=3")
endforeach()

# An installed tree works with find_package(zsmalloc) and pkg-config.
# Not in sanitizer builds: a plain consumer cannot load an instrumented
# library (the sanitizer runtime must come first).
if(ZSMALLOC_SANITIZE)
	return()
endif()
set(install_prefix ${PROJECT_BINARY_DIR}/install-test)
add_test(NAME install_tree
	COMMAND ${CMAKE_COMMAND} --install ${PROJECT_BINARY_DIR} --prefix ${install_prefix})
set_tests_properties(install_tree PROPERTIES LABELS "install" FIXTURES_SETUP installed)
add_test(NAME install_consumer_cmake
	COMMAND ${CMAKE_CTEST_COMMAND}
		--build-and-test ${CMAKE_CURRENT_SOURCE_DIR}/install ${PROJECT_BINARY_DIR}/install-consumer
		--build-generator ${CMAKE_GENERATOR}
		--build-options -DCMAKE_PREFIX_PATH=${install_prefix}
		--test-command consumer)
set_tests_properties(install_consumer_cmake PROPERTIES LABELS "install"
	FIXTURES_REQUIRED installed ENVIRONMENT "ZSIM_MEM=32M;ZSIM_LOGLEVEL=3")
add_test(NAME install_consumer_pkgconfig
	COMMAND sh -c "cc -o '${PROJECT_BINARY_DIR}/pc-consumer' '${CMAKE_CURRENT_SOURCE_DIR}/install/consumer.c' $(pkg-config --cflags --libs zsmalloc) -Wl,-rpath,'${install_prefix}/${CMAKE_INSTALL_LIBDIR}' && '${PROJECT_BINARY_DIR}/pc-consumer'")
set_tests_properties(install_consumer_pkgconfig PROPERTIES LABELS "install"
	FIXTURES_REQUIRED installed
	ENVIRONMENT "PKG_CONFIG_PATH=${install_prefix}/${CMAKE_INSTALL_LIBDIR}/pkgconfig;ZSIM_MEM=32M;ZSIM_LOGLEVEL=3")
