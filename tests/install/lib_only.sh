#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# lib_only.sh CMAKE GENERATOR SRC WORK
# With only liburcu-bp visible to pkg-config, the library alone
# configures (tools, examples and tests off), and turning the tools on
# stops with a message that names the missing package, its Debian
# package and the option.
set -u
cmake="$1" generator="$2" src="$3" work="$4"
fail() { echo "FAIL: $*"; exit 1; }
rm -rf "$work"
mkdir -p "$work/pc" || exit 1
pcdir=$(pkg-config --variable=pcfiledir liburcu-bp) || fail "liburcu-bp is not installed"
ln -s "$pcdir/liburcu-bp.pc" "$work/pc/" || exit 1
export PKG_CONFIG_LIBDIR="$work/pc" PKG_CONFIG_PATH=

out=$("$cmake" -G "$generator" -S "$src" -B "$work/lib" -DBUILD_TESTING=OFF \
	-DZSMALLOC_BUILD_TOOLS=OFF -DZSMALLOC_BUILD_EXAMPLES=OFF 2>&1) || {
	printf '%s\n' "$out"
	fail "the library alone does not configure with liburcu-bp only"
}
echo "ok: the library alone configures with liburcu-bp as the only package"

out=$("$cmake" -G "$generator" -S "$src" -B "$work/tools" -DBUILD_TESTING=OFF \
	-DZSMALLOC_BUILD_TOOLS=ON -DZSMALLOC_BUILD_EXAMPLES=OFF 2>&1) &&
	fail "the tools configured without liblz4"
printf '%s\n' "$out" | tr -s ' \n' '  ' > "$work/message"
for want in "ZSMALLOC_BUILD_TOOLS needs liblz4" "apt-get install liblz4-dev" \
	    "-DZSMALLOC_BUILD_TOOLS=OFF"; do
	grep -qF -- "$want" "$work/message" || {
		printf '%s\n' "$out"
		fail "the error does not say '$want'"
	}
done
echo "ok: without liblz4 the tools stop with: $(grep -o 'ZSMALLOC_BUILD_TOOLS needs[^.]*\.' "$work/message")"
