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
# ZSMALLOC_LINUX_SRC may name several sources (a ;-list): each that builds
# is a variant.  The first is "linux": libzsmalloc-linux, zsim-linux, tests
# linux_* with CTest label linux.  Each further one is named by its
# version, e.g. "linux-6.1": libzsmalloc-linux-6.1, zsim-linux-6.1, tests
# linux_6_1_* with labels linux and linux-6.1.
#
# Sets ZSMALLOC_LINUX_VARIANTS (their names), and for each NAME:
# ZSMALLOC_<ID>_VERSION ("6.12.117"), <ID> being NAME with - and . as _
# (LINUX, LINUX_6_1); targets zsmalloc-NAME (shared) and zsmalloc_<id>_internal
# (static, for the tests).  ZSMALLOC_LINUX_VERSION is the first's version.

set(ZSMALLOC_LINUX_SRC "${ZSMALLOC_LINUX_SRC}" CACHE STRING
	"Linux trees or linux-source-*.tar.xz (a ;-list) whose mm/zsmalloc.c is built as libzsmalloc-linux")
set(ZSMALLOC_LINUX_VARIANTS "")
# Kernel versions (major.minor) whose mm/zsmalloc.c the simulator covers.
set(ZSMALLOC_LINUX_COVERED 6.12 6.1)

function(zsmalloc_linux_skip reason)
	# one line that a log search finds, then the warning (which CMake wraps)
	string(REPLACE "\n" " " line "${reason}")
	message(STATUS "kernel variant of ${src} not built: ${line}")
	message(WARNING "The kernel variant of ${src} is not built: ${reason}\n"
		"The rest of the build and the suite are unaffected "
		"(ZSMALLOC_LINUX_SRC=${ZSMALLOC_LINUX_SRC}).")
endfunction()

# zsmalloc_linux_configure(SRC INDEX): sets ok, tree, kver... in the caller.
macro(zsmalloc_linux_configure src index)
	set(ok OFF)
	set(tree "")
	if(NOT EXISTS "${src}")
		zsmalloc_linux_skip("ZSMALLOC_LINUX_SRC: ${src} does not exist (Debian: apt-get install linux-source-6.12)")
		return()
	elseif(IS_DIRECTORY "${src}")
		set(tree "${src}")
	elseif(src MATCHES "\\.tar(\\.xz|\\.gz|\\.bz2)?$")
		# extract once per tarball (path and time stamp), three files only
		file(TIMESTAMP "${src}" stamp "%s")
		set(dest "${PROJECT_BINARY_DIR}/linux-src/${index}")
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
	set(full_version "${kver}.${kv_SUBLEVEL}")
	set(defs
		LINUXZS_SOURCE="${tree}/mm/zsmalloc.c"
		LINUXZS_VERSION="${full_version}"
		LINUXZS_VERSION_CODE=${kcode})

	# Does the file compile against sim/?  A syntax-only pass now, so that
	# a kernel name sim/ lacks is a message here rather than a failed build.
	set(check_defs "")
	foreach(d ${defs})
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
		# GCC quotes names with ‘’ (UTF-8) or '': skip whatever is not a name
		if(err MATCHES "implicit declaration of function [^A-Za-z0-9_]*([A-Za-z0-9_]+)")
			set(what "the function ${CMAKE_MATCH_1}")
		elseif(err MATCHES "error: [^A-Za-z0-9_]*([A-Za-z0-9_]+)[^A-Za-z0-9_ ]* undeclared")
			set(what "the name ${CMAKE_MATCH_1}")
		elseif(err MATCHES "fatal error: ([^:]+): No such file")
			set(what "the header ${CMAKE_MATCH_1}")
		elseif(err MATCHES "has no member named [^A-Za-z0-9_]*([A-Za-z0-9_]+)")
			set(what "the member ${CMAKE_MATCH_1}")
		endif()
		string(REGEX MATCH "[^\n]*error[^\n]*" first "${err}")
		if(what)
			zsmalloc_linux_skip("Linux ${full_version}'s mm/zsmalloc.c needs ${what}, which sim/include does not provide.\nFirst error: ${first}")
		else()
			zsmalloc_linux_skip("Linux ${full_version}'s mm/zsmalloc.c does not compile against sim/include.\nFirst error: ${first}")
		endif()
		return()
	endif()
	set(ok ON)
endmacro()

# zsmalloc_linux_one(SRC INDEX): one source, a variant if it builds; a
# function scope, so that a return() on a problem skips only this source.
function(zsmalloc_linux_one src index)
	zsmalloc_linux_configure("${src}" ${index})
	if(NOT ok)
		return()
	endif()
	if(ZSMALLOC_LINUX_VARIANTS)
		set(name "linux-${kver}")
	else()
		set(name "linux")
	endif()
	if(name IN_LIST ZSMALLOC_LINUX_VARIANTS)
		zsmalloc_linux_skip("a second source of Linux ${kver}")
		return()
	endif()
	string(MAKE_C_IDENTIFIER "${name}" id)
	string(TOUPPER "${id}" ID)
	message(STATUS "libzsmalloc-${name}: Linux ${full_version}'s mm/zsmalloc.c from ${src} (GPL-2.0-only)")
	zsmalloc_linux_variant(${name} ${id} "${tree}" "${full_version}" ${defs})
	set(ZSMALLOC_LINUX_VARIANTS ${ZSMALLOC_LINUX_VARIANTS} ${name} PARENT_SCOPE)
	set(ZSMALLOC_${ID}_VERSION "${full_version}" PARENT_SCOPE)
endfunction()

# zsmalloc_linux_variant(NAME ID TREE VERSION DEFS...): the targets.
function(zsmalloc_linux_variant name id tree version)
	set(ZSMALLOC_LINUX_DEFS ${ARGN})
	set(ZSMALLOC_LINUX_TREE "${tree}")
	# The kernel's file, compiled as the kernel compiles it: warnings the
	# kernel's own build does not turn on are off for it.
	add_library(zsmalloc_${id}_kernel_objs OBJECT ${PROJECT_SOURCE_DIR}/linuxzs/kernel.c)
	target_include_directories(zsmalloc_${id}_kernel_objs BEFORE PRIVATE
		${ZSMALLOC_LINUX_TREE}/include)
	target_compile_definitions(zsmalloc_${id}_kernel_objs PRIVATE ${ZSMALLOC_LINUX_DEFS})
	target_compile_options(zsmalloc_${id}_kernel_objs PRIVATE
		-include ${PROJECT_SOURCE_DIR}/linuxzs/prelude.h
		-Wno-sign-compare -Wno-pointer-sign -Wno-missing-prototypes -Wno-shadow
		-Wno-unused-function)
	target_link_libraries(zsmalloc_${id}_kernel_objs PUBLIC zsim_objs)

	add_library(zsmalloc_${id}_adapter_objs OBJECT ${PROJECT_SOURCE_DIR}/linuxzs/adapter.c
		${PROJECT_SOURCE_DIR}/lib/zs_config.c)
	target_link_libraries(zsmalloc_${id}_adapter_objs PUBLIC zsim_objs)

	set(ZSMALLOC_LINUX_OBJECTS $<TARGET_OBJECTS:zsim_objs>
		$<TARGET_OBJECTS:zsmalloc_${id}_kernel_objs> $<TARGET_OBJECTS:zsmalloc_${id}_adapter_objs>)
	# The same exported ABI as libzsmalloc (zs_* and zsim_*), another soname.
	add_library(zsmalloc-${name} SHARED ${ZSMALLOC_LINUX_OBJECTS})
	set_target_properties(zsmalloc-${name} PROPERTIES
		VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR}
		LINK_DEPENDS ${PROJECT_SOURCE_DIR}/cmake/zsmalloc.map)
	target_include_directories(zsmalloc-${name} PUBLIC
		$<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
		$<BUILD_INTERFACE:${ZSMALLOC_VERSION_INCLUDE_DIR}>)
	target_link_libraries(zsmalloc-${name} PRIVATE zsmalloc_project_options PkgConfig::URCU Threads::Threads)
	target_link_options(zsmalloc-${name} PRIVATE
		-Wl,--version-script=${PROJECT_SOURCE_DIR}/cmake/zsmalloc.map)
	if(NOT ZSMALLOC_SANITIZE)
		target_link_options(zsmalloc-${name} PRIVATE -Wl,--no-undefined)
	endif()
	# For the tests: the same objects in an archive, kernel names visible.
	add_library(zsmalloc_${id}_internal STATIC ${ZSMALLOC_LINUX_OBJECTS})
	target_link_libraries(zsmalloc_${id}_internal PUBLIC zsim_objs)
endfunction()

set(index 0)
foreach(src IN LISTS ZSMALLOC_LINUX_SRC)
	zsmalloc_linux_one("${src}" ${index})
	math(EXPR index "${index} + 1")
endforeach()
if(ZSMALLOC_LINUX_VARIANTS)
	list(GET ZSMALLOC_LINUX_VARIANTS 0 first)
	string(MAKE_C_IDENTIFIER "${first}" id)
	string(TOUPPER "${id}" ID)
	set(ZSMALLOC_LINUX_VERSION "${ZSMALLOC_${ID}_VERSION}")
endif()

# zsmalloc_linux_test_env(VARIANT ENV-VAR LABELS-VAR): what a test of the
# variant runs with: ZSMALLOC_TEST_IMPL (tests/impl_helpers.h) and the
# preset whose policies the kernel's file has compiled in; its labels.
function(zsmalloc_linux_test_env variant env_var labels_var)
	string(MAKE_C_IDENTIFIER "${variant}" id)
	string(TOUPPER "${id}" ID)
	set(preset 6.18)
	if(ZSMALLOC_${ID}_VERSION VERSION_LESS 6.4)
		set(preset 4.8)	# chain 4, max-used, quarters, drain-source, by-inuse
	endif()
	set(env "ZSMALLOC_TEST_IMPL=${variant};ZSMALLOC_TEST_KERNEL_PRESET=${preset}")
	if("thread" IN_LIST ZSMALLOC_SANITIZE)
		# the kernel file's benign bitfield-word races, each explained there
		list(APPEND env "TSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/linux.tsan.supp")
	endif()
	set(${env_var} "${env}" PARENT_SCOPE)
	if(variant STREQUAL "linux")
		set(${labels_var} "linux" PARENT_SCOPE)
	else()
		set(${labels_var} "linux;${variant}" PARENT_SCOPE)
	endif()
endfunction()
