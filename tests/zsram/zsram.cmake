# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# zsram with real NBD clients: nbdkit serves the plugin on a Unix socket
# in a temporary directory; nbdcopy, qemu-img and qemu-io write and read
# it (zsram_test.sh).  Each case takes a few seconds.  Included from
# zsram/CMakeLists.txt, so the plugin target exists.
#
# Under ZSMALLOC_VALGRIND, nbdkit runs under memcheck for the cases that
# free, fail and drop (memcheck.zsram_*).  With AddressSanitizer the
# instrumented plugin needs the ASan runtime loaded first into nbdkit,
# which is not instrumented: the tests preload it.  Under ThreadSanitizer
# they are reported as skipped (an uninstrumented nbdkit's threads would
# make every report a guess).
set(ZSRAM_CASES nbdcopy qemu discard concurrent limit drop badinput)
set(ZSRAM_MEMCHECK_CASES discard limit drop)
set(ZSRAM_TEST ${CMAKE_CURRENT_LIST_DIR}/zsram_test.sh)

set(zsram_env "ZSIM_LOGLEVEL=3")
if("address" IN_LIST ZSMALLOC_SANITIZE)
	execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=libasan.so
		OUTPUT_VARIABLE zsram_asan OUTPUT_STRIP_TRAILING_WHITESPACE)
	# nbdkit's own allocations at exit are not the plugin's to answer for
	list(APPEND zsram_env "ZSRAM_PRELOAD=${zsram_asan}"
		"ASAN_OPTIONS=detect_leaks=1:suppressions=${CMAKE_CURRENT_LIST_DIR}/lsan.supp"
		"LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_LIST_DIR}/lsan.supp")
endif()

foreach(c ${ZSRAM_CASES})
	if("thread" IN_LIST ZSMALLOC_SANITIZE)
		add_test(NAME zsram_${c} COMMAND sh -c
			"echo 'skipped: zsram runs inside nbdkit, which is not built with ThreadSanitizer'; exit 77")
		set_tests_properties(zsram_${c} PROPERTIES SKIP_RETURN_CODE 77 LABELS "zsram")
		continue()
	endif()
	add_test(NAME zsram_${c} COMMAND sh ${ZSRAM_TEST} $<TARGET_FILE:zsram> ${c})
	set_tests_properties(zsram_${c} PROPERTIES LABELS "zsram" TIMEOUT 120
		SKIP_RETURN_CODE 77 ENVIRONMENT "${zsram_env}")
endforeach()

if(ZSMALLOC_VALGRIND)
	foreach(c ${ZSRAM_MEMCHECK_CASES})
		add_test(NAME memcheck.zsram_${c} COMMAND sh ${ZSRAM_TEST} $<TARGET_FILE:zsram> ${c})
		set_tests_properties(memcheck.zsram_${c} PROPERTIES LABELS "memcheck;zsram"
			TIMEOUT 600 SKIP_RETURN_CODE 77
			ENVIRONMENT "ZSIM_LOGLEVEL=3;ZSRAM_TIMEOUT=300;ZSRAM_WRAPPER=${VALGRIND_PROGRAM} --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite --track-origins=yes --quiet --suppressions=${PROJECT_SOURCE_DIR}/tests/valgrind.supp --suppressions=${CMAKE_CURRENT_LIST_DIR}/nbdkit.supp")
	endforeach()
endif()
