# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# zsram with real NBD clients: nbdkit serves the plugin on a Unix socket
# in a temporary directory; nbdcopy, qemu-img and qemu-io write and read
# it (zsram_test.sh).  Each case takes a few seconds.  Included from
# zsram/CMakeLists.txt, so the plugin target exists.
#
# Under ZSMALLOC_VALGRIND, nbdkit runs under memcheck for the cases that
# compact, fail and drop (memcheck.zsram_*): memory errors and leaks of the
# plugin are found there.  With AddressSanitizer the instrumented plugin
# needs the ASan runtime loaded first into nbdkit, which is not
# instrumented: the tests preload it, with LeakSanitizer off (nbdkit 1.32
# itself leaves a connection's block behind, and LSan cannot tell its
# frames from the plugin's).  The "drop" case is skipped there: with the
# ASan runtime preloaded, nbdkit 1.32 can hang in exit() after a client
# was killed mid-request (glibc's locale lock is left unbalanced), with
# the uninstrumented plugin too; it runs under memcheck instead.  Under
# ThreadSanitizer the cases are reported as skipped (an uninstrumented
# nbdkit's threads would make every report a guess).
set(ZSRAM_CASES nbdcopy qemu discard concurrent limit drop compact badinput)
# the installed tree: only where the plugin links the shared library
# through the relative RUNPATH
if(ZSMALLOC_SHARED AND ZSMALLOC_INSTALL_RPATH)
	list(APPEND ZSRAM_CASES installed)
endif()
set(ZSRAM_MEMCHECK_CASES compact limit drop)
set(ZSRAM_TEST ${CMAKE_CURRENT_LIST_DIR}/zsram_test.sh)

set(zsram_env "ZSIM_LOGLEVEL=3" "ZSRAM_BUILD_DIR=${PROJECT_BINARY_DIR}")
if("address" IN_LIST ZSMALLOC_SANITIZE)
	execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=libasan.so
		OUTPUT_VARIABLE zsram_asan OUTPUT_STRIP_TRAILING_WHITESPACE)
	# nbdkit's own allocations at exit are not the plugin's to answer for
	list(APPEND zsram_env "ZSRAM_PRELOAD=${zsram_asan}" "ASAN_OPTIONS=detect_leaks=0")
endif()

foreach(c ${ZSRAM_CASES})
	if("thread" IN_LIST ZSMALLOC_SANITIZE)
		add_test(NAME zsram_${c} COMMAND sh -c
			"echo 'skipped: zsram runs inside nbdkit, which is not built with ThreadSanitizer'; exit 77")
		set_tests_properties(zsram_${c} PROPERTIES SKIP_RETURN_CODE 77 LABELS "zsram")
		continue()
	endif()
	if("address" IN_LIST ZSMALLOC_SANITIZE AND c STREQUAL "drop")
		add_test(NAME zsram_${c} COMMAND sh -c
			"echo 'skipped: nbdkit with the ASan runtime preloaded can hang at exit after a dropped client; memcheck.zsram_drop covers it'; exit 77")
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

# A seconds-long smoke run of the benchmark (bench/bench_zsram.sh), on zsram
# only: the test suite never configures /dev/zram0.
if(NOT ZSMALLOC_SANITIZE)
	add_test(NAME bench_zsram_smoke COMMAND sh ${PROJECT_SOURCE_DIR}/bench/bench_zsram.sh
		$<TARGET_FILE:zsram> 8)
	set_tests_properties(bench_zsram_smoke PROPERTIES LABELS "zsram;bench" TIMEOUT 120
		SKIP_RETURN_CODE 77 ENVIRONMENT "ZSIM_LOGLEVEL=3;ZSRAM_BENCH_NO_ZRAM=1"
		PASS_REGULAR_EXPRESSION "\\| zsram zstd \\(nbdcopy\\) \\| [0-9]+")
endif()
