#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# zsim --impl: `zsim COMMAND --impl linux` runs zsim-linux (the kernel's own
# mm/zsmalloc.c) from zsim's directory, --impl ours comes back, a bad value
# is a usage error, and a zsim without its zsim-linux says so and exits 77.
# Usage: linux_impl.sh PATH-TO-ZSIM KERNEL-VERSION
set -u
zsim=$1
kver=$2
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() {	# check NAME EXPECTED-STATUS EXPECTED-TEXT (grep -F) COMMAND...
	local name=$1 want=$2 text=$3
	shift 3
	local out rc
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" != "$want" ] || ! grep -qF -- "$text" <<<"$out"; then
		echo "FAIL $name: exit $rc (want $want), output:"
		echo "$out" | head -5
		echo "  (wanted: $text)"
		fail=1
	else
		echo "ok   $name"
	fi
}

check "classes --impl linux" 0 "# zsmalloc (Linux $kver mm/zsmalloc.c), preset 6.18" \
	"$zsim" classes --impl linux
check "classes --impl=linux --all" 0 "Linux $kver" "$zsim" classes --impl=linux --all
check "classes --impl ours" 0 "# preset 6.18: chain 8" "$zsim" classes --impl ours
check "linux, then back to ours" 0 "# preset 6.18: chain 8" \
	"$(dirname "$zsim")/zsim-linux" classes --impl ours
check "a bad value" 2 "zsim: --impl 'kernel': expected ours" "$zsim" classes --impl kernel
check "no value" 2 "zsim: --impl needs a value" "$zsim" classes --impl
check "4.8 preset on the kernel's file" 1 "zs_pool_config.chain_size 4, but the file is built with 8" \
	"$zsim" classes --impl linux --preset 4.8

printf 'a 1 100\na 2 3000\na 3 700\nf 2\nc\nf 1\nf 3\n' >"$tmp/t.trace"
check "replay --impl linux" 0 "# zsim replay $tmp/t.trace: zsmalloc (Linux $kver mm/zsmalloc.c), preset 6.18" \
	"$zsim" replay --impl linux "$tmp/t.trace"
check "replay --impl linux --classes" 0 " class  size       10%" \
	"$zsim" replay --impl linux --classes "$tmp/t.trace"

# a zsim alone, without zsim-linux beside it
cp "$zsim" "$tmp/zsim"
check "no zsim-linux" 77 "zsim: --impl linux: $tmp/zsim-linux is not there: this build has no kernel variant" \
	"$tmp/zsim" replay --impl linux "$tmp/t.trace"
exit $fail
