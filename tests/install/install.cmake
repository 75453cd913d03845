# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# An installed tree works: find_package(zsmalloc) and pkg-config find it,
# the installed zsim runs from it without LD_LIBRARY_PATH (and after the
# tree is moved), and find_package() honours QUIET and REQUIRED when a
# dependency is missing.
# Not in sanitizer builds: a plain consumer cannot load an instrumented
# library (the sanitizer runtime must come first).
if(ZSMALLOC_SANITIZE)
	return()
endif()
set(install_prefix ${PROJECT_BINARY_DIR}/install-test)
set(install_dir ${CMAKE_CURRENT_SOURCE_DIR}/install)
add_test(NAME install_tree
	COMMAND sh -c "rm -rf '${install_prefix}' && '${CMAKE_COMMAND}' --install '${PROJECT_BINARY_DIR}' --prefix '${install_prefix}'")
set_tests_properties(install_tree PROPERTIES LABELS "install" FIXTURES_SETUP installed)

add_test(NAME install_consumer_cmake
	COMMAND ${CMAKE_CTEST_COMMAND}
		--build-and-test ${install_dir} ${PROJECT_BINARY_DIR}/install-consumer
		--build-generator ${CMAKE_GENERATOR}
		--build-options -DCMAKE_PREFIX_PATH=${install_prefix}
		--test-command consumer)
set_tests_properties(install_consumer_cmake PROPERTIES LABELS "install"
	FIXTURES_REQUIRED installed ENVIRONMENT "ZSIM_MEM=32M;ZSIM_LOGLEVEL=3")

# The README's line, with the rpath taken from pkg-config's libdir.
add_test(NAME install_consumer_pkgconfig
	COMMAND sh -c "cc -o '${PROJECT_BINARY_DIR}/pc-consumer' '${install_dir}/consumer.c' $(pkg-config --cflags --libs zsmalloc) -Wl,-rpath,$(pkg-config --variable=libdir zsmalloc) && '${PROJECT_BINARY_DIR}/pc-consumer'")
set_tests_properties(install_consumer_pkgconfig PROPERTIES LABELS "install"
	FIXTURES_REQUIRED installed
	ENVIRONMENT "PKG_CONFIG_PATH=${install_prefix}/${CMAKE_INSTALL_LIBDIR}/pkgconfig;ZSIM_MEM=32M;ZSIM_LOGLEVEL=3")

# find_package(zsmalloc) when liburcu-bp's .pc cannot be found (an empty
# PKG_CONFIG_LIBDIR): QUIET leaves zsmalloc_FOUND FALSE and says nothing,
# REQUIRED stops with the reason.
set(empty_pc_dir ${PROJECT_BINARY_DIR}/install-no-pc)
file(MAKE_DIRECTORY ${empty_pc_dir})
foreach(mode QUIET REQUIRED)
	string(TOLOWER ${mode} lmode)
	add_test(NAME find_package_${lmode}_missing_dependency
		COMMAND sh ${install_dir}/find_package_missing_dep.sh ${CMAKE_COMMAND} ${mode}
			${install_dir}/findpkg ${PROJECT_BINARY_DIR}/install-findpkg-${lmode} ${install_prefix})
	set_tests_properties(find_package_${lmode}_missing_dependency PROPERTIES LABELS "install"
		FIXTURES_REQUIRED installed
		ENVIRONMENT "PKG_CONFIG_LIBDIR=${empty_pc_dir};PKG_CONFIG_PATH=")
endforeach()

# The library alone needs only liburcu; the tools name what they miss.
add_test(NAME library_alone_dependencies
	COMMAND sh ${install_dir}/lib_only.sh ${CMAKE_COMMAND} ${CMAKE_GENERATOR}
		${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR}/lib-only)
set_tests_properties(library_alone_dependencies PROPERTIES LABELS "install")

# `man zs_malloc` and `man zsim_init` find their page in the installed tree.
find_program(MAN_PROGRAM man)
if(MAN_PROGRAM)
	add_test(NAME installed_man_pages
		COMMAND sh ${install_dir}/installed_man.sh ${install_prefix}/${CMAKE_INSTALL_MANDIR})
	set_tests_properties(installed_man_pages PROPERTIES LABELS "install;man"
		FIXTURES_REQUIRED installed)
endif()

if(TARGET zsim)
	add_test(NAME installed_zsim_runs
		COMMAND sh ${install_dir}/installed_zsim.sh ${install_prefix}
			${CMAKE_INSTALL_BINDIR} ${PROJECT_BINARY_DIR}/install-moved)
	set_tests_properties(installed_zsim_runs PROPERTIES LABELS "install"
		FIXTURES_REQUIRED installed ENVIRONMENT "ZSIM_MEM=32M;ZSIM_LOGLEVEL=3")
endif()
