#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# find_package_missing_dep.sh CMAKE QUIET|REQUIRED SRC BUILD PREFIX
# Configures tests/install/findpkg against the installed tree while the
# environment hides liburcu-bp's .pc file.
#   QUIET:    configuring succeeds, zsmalloc_FOUND is FALSE, and the
#             output says nothing about liburcu-bp;
#   REQUIRED: configuring fails and says liburcu-bp is missing.
set -u
cmake="$1" mode="$2" src="$3" build="$4" prefix="$5"
rm -rf "$build"
out=$("$cmake" -S "$src" -B "$build" -DMODE="$mode" -DCMAKE_PREFIX_PATH="$prefix" 2>&1)
rc=$?
printf '%s\n' "$out"
fail() { echo "FAIL: $*"; exit 1; }
case "$mode" in
QUIET)
	[ $rc -eq 0 ] || fail "find_package(zsmalloc QUIET) stopped the configuration"
	printf '%s\n' "$out" | grep -q 'zsmalloc: not found' ||
		fail "zsmalloc_FOUND is not FALSE without liburcu-bp"
	if printf '%s\n' "$out" | grep -q 'liburcu'; then
		fail "QUIET printed a message about liburcu-bp"
	fi
	;;
REQUIRED)
	[ $rc -ne 0 ] || fail "find_package(zsmalloc REQUIRED) succeeded without liburcu-bp"
	printf '%s\n' "$out" | grep -q 'zsmalloc needs liburcu-bp' ||
		fail "the error does not say that liburcu-bp is missing"
	;;
*)
	fail "mode must be QUIET or REQUIRED"
	;;
esac
echo "ok: find_package(zsmalloc $mode) without liburcu-bp"
