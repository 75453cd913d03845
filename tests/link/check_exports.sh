#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# The shared library exports the public API only: every symbol it
# defines in .dynsym, whatever its binding or visibility, is zs_* or
# zsim_*.  Only _init and _fini (the ELF entry points of DT_INIT and
# DT_FINI, which some toolchains list) may be there besides.
set -eu
lib="$1"
syms=$(readelf --dyn-syms -W "$lib" |
	awk '$1 ~ /^[0-9]+:$/ && $7 != "UND" && $8 != "" { print $8 }' |
	sed 's/@.*//')
bad=$(printf '%s\n' "$syms" | grep -Ev '^(zs_|zsim_)' |
	grep -Ev '^(_init|_fini|)$' || true)
count=$(printf '%s\n' "$syms" | grep -Ec '^(zs_|zsim_)' || true)
if [ -n "$bad" ]; then
	echo "libzsmalloc defines dynamic symbols outside zs_*/zsim_*:"
	echo "$bad"
	exit 1
fi
if [ "$count" -lt 20 ]; then
	echo "only $count zs_*/zsim_* symbols exported: the public API is missing"
	exit 1
fi
echo "exports: $count public symbols, nothing else"
