# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# Bad input for ZSMALLOC_LINUX_SRC, in script mode: builds a bad source of
# kind CASE in BIN, runs linuxzs/linuxzs.cmake's checks on it and prints
# what they say; the test's PASS_REGULAR_EXPRESSION holds the message.
#   cmake -DCASE=missing|notarball|nofile|version|symbol -DROOT=SOURCE-DIR
#         -DBIN=SCRATCH-DIR -DCC=COMPILER -DGENERATED=DIR
#         -DVERSION_INCLUDE=DIR -P linux_configure.cmake
cmake_minimum_required(VERSION 3.16)
set(PROJECT_SOURCE_DIR "${ROOT}")
set(PROJECT_BINARY_DIR "${BIN}/build")
set(CMAKE_C_COMPILER "${CC}")
set(ZSMALLOC_GENERATED_DIR "${GENERATED}")
set(ZSMALLOC_VERSION_INCLUDE_DIR "${VERSION_INCLUDE}")
file(REMOVE_RECURSE "${BIN}")
file(MAKE_DIRECTORY "${BIN}/build")
set(tree "${BIN}/tree")
if(CASE STREQUAL "missing")
	set(ZSMALLOC_LINUX_SRC "${BIN}/nowhere/linux-source-6.12.tar.xz")
elseif(CASE STREQUAL "notarball")
	file(WRITE "${BIN}/notes.txt" "not a kernel\n")
	set(ZSMALLOC_LINUX_SRC "${BIN}/notes.txt")
elseif(CASE STREQUAL "nofile")
	file(WRITE "${tree}/Makefile" "VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\n")
	file(WRITE "${tree}/include/linux/zsmalloc.h" "")
	set(ZSMALLOC_LINUX_SRC "${tree}")
elseif(CASE STREQUAL "version")
	file(WRITE "${tree}/Makefile" "VERSION = 5\nPATCHLEVEL = 10\nSUBLEVEL = 1\n")
	file(WRITE "${tree}/include/linux/zsmalloc.h" "")
	file(WRITE "${tree}/mm/zsmalloc.c" "")
	set(ZSMALLOC_LINUX_SRC "${tree}")
elseif(CASE STREQUAL "symbol")
	# a covered version whose file calls something sim/ does not have
	file(WRITE "${tree}/Makefile" "VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\n")
	file(WRITE "${tree}/include/linux/zsmalloc.h" "#include <linux/types.h>\n")
	file(WRITE "${tree}/mm/zsmalloc.c"
		"#include <linux/zsmalloc.h>\nvoid patched(void);\nvoid patched(void) { page_frag_alloc_align(0); }\n")
	set(ZSMALLOC_LINUX_SRC "${tree}")
else()
	message(FATAL_ERROR "CASE=${CASE}: expected missing, notarball, nofile, version or symbol")
endif()
include(${ROOT}/linuxzs/linuxzs.cmake)
if(ZSMALLOC_LINUX_VARIANTS)
	message(STATUS "kernel variants: ${ZSMALLOC_LINUX_VARIANTS}")
else()
	message(STATUS "no kernel variant")
endif()
