#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# installed_man.sh MANDIR
# man finds the installed pages by function name, and renders them
# without warnings.
set -eu
mandir="$1"
export MANWIDTH=80
fail() { echo "FAIL: $*"; exit 1; }
for want in "zs_malloc:ZSMALLOC(3)" "zs_compact:ZSMALLOC(3)" "zsim_init:ZSIM(3)" \
	    "zsim_print_buddyinfo:ZSIM(3)"; do
	name=${want%%:*} title=${want#*:}
	err=$(man --warnings -M "$mandir" 3 "$name" 2>&1 >/dev/null) ||
		fail "man 3 $name: no page in $mandir"
	[ -z "$err" ] || fail "man 3 $name warns: $err"
	man -M "$mandir" 3 "$name" 2>/dev/null | head -n 1 | grep -qF "$title" ||
		fail "man 3 $name does not show $title"
done
if [ -e "$mandir/man1/zsim.1" ]; then
	man -M "$mandir" 1 zsim 2>/dev/null | head -n 1 | grep -qF "ZSIM(1)" ||
		fail "man 1 zsim does not show ZSIM(1)"
fi
echo "ok: the installed man pages are found by function name"
