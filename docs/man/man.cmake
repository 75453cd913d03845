# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# The man pages render without warnings (man-db's `man --warnings -l`);
# zsim(1) describes every option and variable `zsim --help` shows;
# zsmalloc(3) and zsim(3) name every function of their header.
find_program(MAN_PROGRAM man)
foreach(page zsim.1 zsmalloc.3 zsim.3)
	string(REPLACE "." "_" name "man_${page}")
	if(NOT MAN_PROGRAM)
		zsmalloc_skip_test(${name} "man is not installed (Debian: man-db)")
	elseif(page STREQUAL "zsim.1" AND TARGET zsim)
		add_test(NAME ${name} COMMAND ${CMAKE_COMMAND}
			-DPAGE=${CMAKE_CURRENT_LIST_DIR}/${page} -DZSIM=$<TARGET_FILE:zsim>
			-P ${PROJECT_SOURCE_DIR}/cmake/zsmallocCheckMan.cmake)
	elseif(page STREQUAL "zsim.1")
		add_test(NAME ${name} COMMAND ${CMAKE_COMMAND}
			-DPAGE=${CMAKE_CURRENT_LIST_DIR}/${page}
			-P ${PROJECT_SOURCE_DIR}/cmake/zsmallocCheckMan.cmake)
	else()
		# zsmalloc.3 documents zsmalloc.h, zsim.3 zsim.h
		string(REPLACE ".3" ".h" header ${page})
		add_test(NAME ${name} COMMAND ${CMAKE_COMMAND}
			-DPAGE=${CMAKE_CURRENT_LIST_DIR}/${page}
			-DHEADER=${PROJECT_SOURCE_DIR}/include/zsmalloc/${header}
			-P ${PROJECT_SOURCE_DIR}/cmake/zsmallocCheckMan.cmake)
	endif()
	set_tests_properties(${name} PROPERTIES LABELS "man" ENVIRONMENT "ZSIM_LOGLEVEL=3")
endforeach()
