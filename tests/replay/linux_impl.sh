#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# zsim --impl: `zsim COMMAND --impl VARIANT` runs zsim-VARIANT (the kernel's
# own mm/zsmalloc.c) from zsim's directory, --impl ours comes back, a bad
# value is a usage error, and a zsim without its zsim-VARIANT says so and
# exits 77.
# Usage: linux_impl.sh PATH-TO-ZSIM VARIANT KERNEL-VERSION
set -u
zsim=$1
variant=$2
kver=$3
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

case $kver in
6.1.*)	preset="preset 4.8: chain 4"; other="--preset 6.18"
	other_msg="zs_pool_config.chain_size 8, but the file is built with 4" ;;
*)	preset="preset 6.18: chain 8"; other="--preset 4.8"
	other_msg="zs_pool_config.chain_size 4, but the file is built with 8" ;;
esac

check "classes --impl $variant" 0 "# zsmalloc (Linux $kver mm/zsmalloc.c), $preset" \
	"$zsim" classes --impl "$variant"
check "classes --impl=$variant --all" 0 "Linux $kver" "$zsim" classes --impl="$variant" --all
check "classes --impl ours" 0 "# preset 6.18: chain 8" "$zsim" classes --impl ours
check "$variant, then back to ours" 0 "# preset 6.18: chain 8" \
	"$(dirname "$zsim")/zsim-$variant" classes --impl ours
check "a bad value" 2 "zsim: --impl 'kernel': expected ours" "$zsim" classes --impl kernel
check "no value" 2 "zsim: --impl needs a value" "$zsim" classes --impl
check "another preset on the kernel's file" 1 "$other_msg" \
	"$zsim" classes --impl "$variant" $other

printf 'a 1 100\na 2 3000\na 3 700\nf 2\nc\nf 1\nf 3\n' >"$tmp/t.trace"
check "replay --impl $variant" 0 \
	"# zsim replay $tmp/t.trace: zsmalloc (Linux $kver mm/zsmalloc.c), $preset" \
	"$zsim" replay --impl "$variant" "$tmp/t.trace"
check "replay --impl $variant --classes" 0 " class  size" \
	"$zsim" replay --impl "$variant" --classes "$tmp/t.trace"

# a zsim alone, without its kernel variants beside it
cp "$zsim" "$tmp/zsim"
check "no zsim-$variant" 77 "zsim: --impl $variant: $tmp/zsim-$variant is not there: this build has no such kernel variant" \
	"$tmp/zsim" replay --impl "$variant" "$tmp/t.trace"
exit $fail
