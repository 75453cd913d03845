#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# installed_zsim.sh PREFIX BINDIR MOVED
# The installed zsim runs with LD_LIBRARY_PATH unset, from PREFIX and from
# a copy of the tree at MOVED, and loads the libzsmalloc of its own tree.
set -eu
prefix="$1" bindir="$2" moved="$3"
unset LD_LIBRARY_PATH
fail() { echo "FAIL: $*"; exit 1; }

# zsim PREFIX: runs it, and checks which libzsmalloc the loader picks.
check() {
	zsim="$1/$bindir/zsim"
	[ -x "$zsim" ] || fail "$zsim is not installed"
	"$zsim" --version || fail "$zsim --version failed"
	"$zsim" classes >/dev/null || fail "$zsim classes failed"
	if readelf -d "$zsim" | grep -q 'NEEDED.*libzsmalloc'; then
		lib=$(LD_TRACE_LOADED_OBJECTS=1 "$zsim" | awk '/libzsmalloc/ { print $3 }')
		case "$lib" in
		"$1"/*) echo "$zsim loads $lib" ;;
		*) fail "$zsim loads libzsmalloc from '$lib', not from its tree $1" ;;
		esac
	else
		echo "$zsim is linked with the static library"
	fi
}

check "$prefix"
readelf -d "$prefix/$bindir/zsim" | grep -E 'RUNPATH|RPATH' || true
rm -rf "$moved"
cp -a "$prefix" "$moved"
check "$moved"
echo "ok: the installed zsim runs without LD_LIBRARY_PATH, also after the tree moves"
