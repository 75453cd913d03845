# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
#
# zsmalloc_require_pkg(<prefix> <pkg-config module> <Debian package> <who>)
#
# pkg_check_modules(<prefix> IMPORTED_TARGET <module>) for a part of the
# build that is optional (tools, examples, benchmarks, tests): if the
# module is missing, stop with a message that says who needs it, which
# Debian package provides it, and which option turns that part off.
# <who> is the option that builds the part, e.g. ZSMALLOC_BUILD_TOOLS.
function(zsmalloc_require_pkg prefix module debian who)
	if(TARGET PkgConfig::${prefix})
		return()
	endif()
	pkg_check_modules(${prefix} QUIET IMPORTED_TARGET GLOBAL ${module})
	if(NOT ${prefix}_FOUND)
		message(FATAL_ERROR "${who} needs ${module}, which pkg-config cannot find.\n"
			"Install it (Debian: apt-get install ${debian}) or configure with "
			"-D${who}=OFF.")
	endif()
endfunction()
