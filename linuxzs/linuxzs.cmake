# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
#
# The kernel's own mm/zsmalloc.c on the simulator: libzsmalloc-linux.
#
# ZSMALLOC_LINUX_SRC names a Linux tree or a linux-source-*.tar.xz (or
# .tar.gz/.tar.bz2/.tar).  From a tarball only three files are extracted,
# into the build directory: Makefile (for the version), mm/zsmalloc.c and
# include/linux/zsmalloc.h.  They are compiled unmodified, with
# linuxzs/prelude.h forced in first and the kernel's include/ ahead of
# sim/include.  Anything missing (the path, the file, a version outside
# what the simulator covers, a kernel name sim/ lacks) is a message that
# says which, and the rest of the build goes on without the kernel variant.
#
# Sets ZSMALLOC_LINUX_FOUND, ZSMALLOC_LINUX_VERSION ("6.12.117") and
# ZSMALLOC_LINUX_REASON (why not), and defines zsmalloc-linux (shared),
# zsmalloc_linux_internal (static, for the tests) when found.

set(ZSMALLOC_LINUX_SRC "" CACHE PATH
	"A Linux tree or linux-source-*.tar.xz whose mm/zsmalloc.c is built as libzsmalloc-linux")
set(ZSMALLOC_LINUX_FOUND OFF)
set(ZSMALLOC_LINUX_REASON "ZSMALLOC_LINUX_SRC is not set")
# Kernel versions (major.minor) whose mm/zsmalloc.c the simulator covers.
set(ZSMALLOC_LINUX_COVERED 6.12)

function(zsmalloc_linux_skip reason)
	message(WARNING "libzsmalloc-linux is not built: ${reason}\n"
		"The rest of the build and the suite are unaffected "
		"(ZSMALLOC_LINUX_SRC=${ZSMALLOC_LINUX_SRC}).")
	set(ZSMALLOC_LINUX_REASON "${reason}" PARENT_SCOPE)
endfunction()

macro(zsmalloc_linux_configure)
	set(src "${ZSMALLOC_LINUX_SRC}")
	set(tree "")
	if(NOT EXISTS "${src}")
		zsmalloc_linux_skip("ZSMALLOC_LINUX_SRC: ${src} does not exist (Debian: apt-get install linux-source-6.12)")
		return()
	elseif(IS_DIRECTORY "${src}")
		set(tree "${src}")
	elseif(src MATCHES "\\.tar(\\.xz|\\.gz|\\.bz2)?$")
		# extract once per tarball (path and time stamp), three files only
		file(TIMESTAMP "${src}" stamp "%s")
		set(dest "${PROJECT_BINARY_DIR}/linux-src")
		set(stampfile "${dest}/.extracted")
		set(want "${src} ${stamp}")
		set(have "")
		if(EXISTS "${stampfile}")
			file(READ "${stampfile}" have)
		endif()
		if(NOT have STREQUAL want)
			file(REMOVE_RECURSE "${dest}")
			file(MAKE_DIRECTORY "${dest}")
			message(STATUS "Extracting mm/zsmalloc.c, include/linux/zsmalloc.h and Makefile from ${src}")
			execute_process(COMMAND tar -xf "${src}" -C "${dest}" --wildcards --no-wildcards-match-slash
					"*/Makefile" "*/mm/zsmalloc.c" "*/include/linux/zsmalloc.h"
				RESULT_VARIABLE rc ERROR_VARIABLE err)
			if(NOT rc EQUAL 0)
				string(STRIP "${err}" err)
				zsmalloc_linux_skip("tar could not extract mm/zsmalloc.c, include/linux/zsmalloc.h and Makefile from ${src}: ${err}")
				return()
			endif()
			file(WRITE "${stampfile}" "${want}")
		endif()
		file(GLOB tops LIST_DIRECTORIES true "${dest}/*")
		list(FILTER tops EXCLUDE REGEX "/\\.extracted$")
		list(LENGTH tops ntops)
		if(NOT ntops EQUAL 1)
			zsmalloc_linux_skip("${src} is not one kernel tree (top-level entries: ${tops})")
			return()
		endif()
		set(tree "${tops}")
	else()
		zsmalloc_linux_skip("ZSMALLOC_LINUX_SRC: ${src} is neither a directory nor a .tar(.xz|.gz|.bz2) tarball")
		return()
	endif()

	foreach(f Makefile mm/zsmalloc.c include/linux/zsmalloc.h)
		if(NOT EXISTS "${tree}/${f}")
			zsmalloc_linux_skip("${src} has no ${f}")
			return()
		endif()
	endforeach()

	file(STRINGS "${tree}/Makefile" vlines LIMIT_COUNT 12 REGEX "^(VERSION|PATCHLEVEL|SUBLEVEL) *=")
	set(kv_VERSION "")
	set(kv_PATCHLEVEL "")
	set(kv_SUBLEVEL 0)
	foreach(l ${vlines})
		if(l MATCHES "^([A-Z]+) *= *([0-9]*)")
			set(kv_${CMAKE_MATCH_1} "${CMAKE_MATCH_2}")
		endif()
	endforeach()
	if(kv_VERSION STREQUAL "" OR kv_PATCHLEVEL STREQUAL "")
		zsmalloc_linux_skip("${tree}/Makefile has no VERSION and PATCHLEVEL lines, so the kernel version is unknown")
		return()
	endif()
	if(kv_SUBLEVEL STREQUAL "")
		set(kv_SUBLEVEL 0)
	endif()
	set(kver "${kv_VERSION}.${kv_PATCHLEVEL}")
	if(NOT kver IN_LIST ZSMALLOC_LINUX_COVERED)
		list(JOIN ZSMALLOC_LINUX_COVERED ", " covered)
		zsmalloc_linux_skip("${src} is Linux ${kver}.${kv_SUBLEVEL}; the simulator covers the mm/zsmalloc.c API of Linux ${covered}")
		return()
	endif()
	# KERNEL_VERSION(a, b, c), the sublevel capped at 255 as the kernel caps it
	set(ksub ${kv_SUBLEVEL})
	if(ksub GREATER 255)
		set(ksub 255)
	endif()
	math(EXPR kcode "(${kv_VERSION} << 16) + (${kv_PATCHLEVEL} << 8) + ${ksub}")
	set(ZSMALLOC_LINUX_TREE "${tree}")
	set(ZSMALLOC_LINUX_VERSION "${kver}.${kv_SUBLEVEL}")
	set(ZSMALLOC_LINUX_DEFS
		LINUXZS_SOURCE="${tree}/mm/zsmalloc.c"
		LINUXZS_VERSION="${ZSMALLOC_LINUX_VERSION}"
		LINUXZS_VERSION_CODE=${kcode})

	# Does the file compile against sim/?  A syntax-only pass now, so that
	# a kernel name sim/ lacks is a message here rather than a failed build.
	set(check_defs "")
	foreach(d ${ZSMALLOC_LINUX_DEFS})
		list(APPEND check_defs "-D${d}")
	endforeach()
	execute_process(COMMAND ${CMAKE_C_COMPILER} -std=gnu11 -fsyntax-only -D_GNU_SOURCE
			-Werror=implicit-function-declaration -Werror=implicit-int
			-I${tree}/include -I${PROJECT_SOURCE_DIR}/sim/include
			-I${ZSMALLOC_GENERATED_DIR} -I${PROJECT_SOURCE_DIR}/include
			-I${ZSMALLOC_VERSION_INCLUDE_DIR}
			-include generated/autoconf.h
			-include ${PROJECT_SOURCE_DIR}/linuxzs/prelude.h
			${check_defs} ${PROJECT_SOURCE_DIR}/linuxzs/kernel.c
		RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_QUIET)
	if(NOT rc EQUAL 0)
		set(what "")
		if(err MATCHES "implicit declaration of function [`'‘\"]([A-Za-z0-9_]+)")
			set(what "the function ${CMAKE_MATCH_1}")
		elseif(err MATCHES "[`'‘\"]([A-Za-z0-9_]+)[`'’\"] undeclared")
			set(what "the name ${CMAKE_MATCH_1}")
		elseif(err MATCHES "fatal error: ([^:]+): No such file")
			set(what "the header ${CMAKE_MATCH_1}")
		elseif(err MATCHES "has no member named [`'‘\"]([A-Za-z0-9_]+)")
			set(what "the member ${CMAKE_MATCH_1}")
		endif()
		string(REGEX MATCH "[^\n]*error[^\n]*" first "${err}")
		if(what)
			zsmalloc_linux_skip("Linux ${ZSMALLOC_LINUX_VERSION}'s mm/zsmalloc.c needs ${what}, which sim/include does not provide.\nFirst error: ${first}")
		else()
			zsmalloc_linux_skip("Linux ${ZSMALLOC_LINUX_VERSION}'s mm/zsmalloc.c does not compile against sim/include.\nFirst error: ${first}")
		endif()
		return()
	endif()
	set(ZSMALLOC_LINUX_FOUND ON)
	set(ZSMALLOC_LINUX_REASON "")
endmacro()

if(ZSMALLOC_LINUX_SRC)
	zsmalloc_linux_configure()
endif()

if(ZSMALLOC_LINUX_FOUND)
	message(STATUS "libzsmalloc-linux: Linux ${ZSMALLOC_LINUX_VERSION}'s mm/zsmalloc.c from ${ZSMALLOC_LINUX_SRC} (GPL-2.0-only)")
	# The kernel's file, compiled as the kernel compiles it: warnings the
	# kernel's own build does not turn on are off for it.
	add_library(zsmalloc_linux_kernel_objs OBJECT ${PROJECT_SOURCE_DIR}/linuxzs/kernel.c)
	target_include_directories(zsmalloc_linux_kernel_objs BEFORE PRIVATE
		${ZSMALLOC_LINUX_TREE}/include)
	target_compile_definitions(zsmalloc_linux_kernel_objs PRIVATE ${ZSMALLOC_LINUX_DEFS})
	target_compile_options(zsmalloc_linux_kernel_objs PRIVATE
		-include ${PROJECT_SOURCE_DIR}/linuxzs/prelude.h
		-Wno-sign-compare -Wno-missing-prototypes -Wno-shadow -Wno-unused-function)
	target_link_libraries(zsmalloc_linux_kernel_objs PUBLIC zsim_objs)
	set_source_files_properties(${PROJECT_SOURCE_DIR}/linuxzs/kernel.c PROPERTIES
		OBJECT_DEPENDS "${ZSMALLOC_LINUX_TREE}/mm/zsmalloc.c;${ZSMALLOC_LINUX_TREE}/include/linux/zsmalloc.h;${PROJECT_SOURCE_DIR}/linuxzs/prelude.h")

	add_library(zsmalloc_linux_adapter_objs OBJECT ${PROJECT_SOURCE_DIR}/linuxzs/adapter.c)
	target_link_libraries(zsmalloc_linux_adapter_objs PUBLIC zsim_objs)

	set(ZSMALLOC_LINUX_OBJECTS $<TARGET_OBJECTS:zsim_objs>
		$<TARGET_OBJECTS:zsmalloc_linux_kernel_objs> $<TARGET_OBJECTS:zsmalloc_linux_adapter_objs>)
	# The same exported ABI as libzsmalloc (zs_* and zsim_*), another soname.
	add_library(zsmalloc-linux SHARED ${ZSMALLOC_LINUX_OBJECTS})
	set_target_properties(zsmalloc-linux PROPERTIES
		VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR}
		LINK_DEPENDS ${PROJECT_SOURCE_DIR}/cmake/zsmalloc.map)
	target_include_directories(zsmalloc-linux PUBLIC
		$<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
		$<BUILD_INTERFACE:${ZSMALLOC_VERSION_INCLUDE_DIR}>)
	target_link_libraries(zsmalloc-linux PRIVATE zsmalloc_project_options PkgConfig::URCU Threads::Threads)
	target_link_options(zsmalloc-linux PRIVATE
		-Wl,--version-script=${PROJECT_SOURCE_DIR}/cmake/zsmalloc.map)
	if(NOT ZSMALLOC_SANITIZE)
		target_link_options(zsmalloc-linux PRIVATE -Wl,--no-undefined)
	endif()
	# For the tests: the same objects in an archive, kernel names visible.
	add_library(zsmalloc_linux_internal STATIC ${ZSMALLOC_LINUX_OBJECTS})
	target_link_libraries(zsmalloc_linux_internal PUBLIC zsim_objs)
elseif(ZSMALLOC_LINUX_SRC)
	message(STATUS "libzsmalloc-linux: not built (${ZSMALLOC_LINUX_REASON})")
endif()
