# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# Every public header compiles alone, included twice, as strict ISO C99,
# C11 and C17, and as C++11 and C++17 when a C++ compiler is installed,
# with -Wall -Wextra -Werror -pedantic.  C++ is enabled for these tests
# only; the library and its programs are C.
include(CheckLanguage)
check_language(CXX)
if(CMAKE_CXX_COMPILER)
	enable_language(CXX)
endif()

file(GLOB public_headers RELATIVE ${PROJECT_SOURCE_DIR}/include
	${PROJECT_SOURCE_DIR}/include/zsmalloc/*.h)
# <zsmalloc/version.h> is generated from version.h.in into the build tree.
list(APPEND public_headers zsmalloc/version.h)
set(header_flags -Wall -Wextra -Werror -pedantic -fsyntax-only
	-I${PROJECT_SOURCE_DIR}/include -I${ZSMALLOC_VERSION_INCLUDE_DIR})
foreach(header ${public_headers})
	get_filename_component(name ${header} NAME_WE)
	set(tu ${PROJECT_BINARY_DIR}/tests/headers/${name}.c)
	file(WRITE ${tu} "/* generated: ${header} compiles alone */\n"
		"#include <${header}>\n#include <${header}>\n"
		"typedef int header_tu_is_not_empty;\n")
	foreach(std c99 c11 c17)
		add_test(NAME header_${name}_${std}
			COMMAND ${CMAKE_C_COMPILER} -std=${std} ${header_flags} -x c ${tu})
		set_tests_properties(header_${name}_${std} PROPERTIES LABELS "headers")
	endforeach()
	foreach(std c++11 c++17)
		string(REPLACE "+" "x" tname ${std})
		if(CMAKE_CXX_COMPILER)
			add_test(NAME header_${name}_${tname}
				COMMAND ${CMAKE_CXX_COMPILER} -std=${std} ${header_flags} -x c++ ${tu})
		else()
			zsmalloc_skip_test(header_${name}_${tname} "no C++ compiler")
		endif()
		set_tests_properties(header_${name}_${tname} PROPERTIES LABELS "headers")
	endforeach()
endforeach()
