#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# The shared library exports the public API only: zs_* and zsim_*.
# Exported = a defined GLOBAL or WEAK dynamic symbol of DEFAULT or
# PROTECTED visibility (ld lists the per-CPU section's hidden
# __start_/__stop_ markers in .dynsym, but nothing can bind to them).
set -eu
lib="$1"
syms=$(readelf --dyn-syms -W "$lib" |
	awk '$5 ~ /^(GLOBAL|WEAK)$/ && $6 ~ /^(DEFAULT|PROTECTED)$/ && $7 != "UND" { print $8 }' |
	sed 's/@.*//')
bad=$(printf '%s\n' "$syms" | grep -Ev '^(zs_|zsim_)' |
	grep -Ev '^(_init|_fini|_edata|_end|__bss_start|)$' || true)
count=$(printf '%s\n' "$syms" | grep -Ec '^(zs_|zsim_)' || true)
if [ -n "$bad" ]; then
	echo "libzsmalloc exports symbols outside zs_*/zsim_*:"
	echo "$bad"
	exit 1
fi
if [ "$count" -lt 20 ]; then
	echo "only $count zs_*/zsim_* symbols exported: the public API is missing"
	exit 1
fi
echo "exports: $count public symbols, nothing else"
