#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
#
# The differential test: traces of several shapes replayed through this
# project's lib/zsmalloc.c configured like the kernel (for Linux 6.12,
# preset 6.18: chain 8, min-waste, 12 ratio groups, fill-destination,
# head; for Linux 6.1, preset 4.8: chain 4, max-used, 4 groups,
# drain-source, by-inuse) and through the kernel's own mm/zsmalloc.c
# (zsim --impl VARIANT); pool pages and pages compacted must agree at
# every phase.
#
# Usage: differential.sh PATH-TO-ZSIM [VARIANT [PRESET]] [--table]
#   VARIANT  linux (default) or linux-6.1: the kernel side
#   PRESET   ours' --preset (default 6.18)
#   --table  also print the comparison as a Markdown table (docs)
# Exit 0 if every phase agrees, 1 with the differing lines otherwise.
set -u
zsim=$1
shift
variant=linux
preset=6.18
table=
[ $# -gt 0 ] && [ "$1" != --table ] && { variant=$1; shift; }
[ $# -gt 0 ] && [ "$1" != --table ] && { preset=$1; shift; }
[ $# -gt 0 ] && table=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
rows=""

# name | trace-gen arguments
shapes=(
	"files|--files --max-pages 6000 --rounds 2 --seed 11"
	"files-churn|--files --max-pages 4000 --rounds 3 --free-share 90 --overwrite 20 --seed 12"
	"kernel-build|--mix kernel-build --objects 30000 --rounds 2 --overwrite 30 --seed 13"
	"android|--mix android --objects 30000 --rounds 3 --seed 14"
	"uniform-compact-every|--mix uniform --objects 20000 --rounds 2 --compact-every 700 --seed 15"
	"no-refill|--mix kernel-build --objects 20000 --rounds 2 --free-share 75 --no-refill --seed 16"
)

# phase pool_pages pages_compacted, one phase a line
phases() {
	awk '/^phase=/ {
		for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		print v["phase"], v["pool_pages"], v["pages_compacted"]
	}'
}

for shape in "${shapes[@]}"; do
	name=${shape%%|*}
	args=${shape#*|}
	trace="$tmp/$name.trace"
	# shellcheck disable=SC2086
	if ! "$zsim" trace-gen $args --preset "$preset" -o "$trace" 2>"$tmp/err"; then
		echo "FAIL $name: zsim trace-gen $args: $(cat "$tmp/err")"
		fail=1
		continue
	fi
	if ! "$zsim" replay --impl ours --preset "$preset" "$trace" >"$tmp/ours.out" 2>"$tmp/err"; then
		echo "FAIL $name: zsim replay (ours): $(head -3 "$tmp/err")"
		fail=1
		continue
	fi
	if ! "$zsim" replay --impl "$variant" --preset "$preset" "$trace" >"$tmp/linux.out" 2>"$tmp/err"; then
		echo "FAIL $name: zsim replay --impl $variant: $(head -3 "$tmp/err")"
		fail=1
		continue
	fi
	phases <"$tmp/ours.out" >"$tmp/ours.ph"
	phases <"$tmp/linux.out" >"$tmp/linux.ph"
	if [ ! -s "$tmp/ours.ph" ]; then
		echo "FAIL $name: no phase lines"
		fail=1
		continue
	fi
	if ! diff -q "$tmp/ours.ph" "$tmp/linux.ph" >/dev/null; then
		echo "FAIL $name: pool pages or pages compacted differ (phase pool_pages pages_compacted):"
		diff "$tmp/ours.ph" "$tmp/linux.ph" | sed 's/^</  ours /; s/^>/  linux/'
		fail=1
	else
		echo "ok   $name: $(wc -l <"$tmp/ours.ph") phases agree"
	fi
	while read -r ph op oc && read -r _ lp lc <&3; do
		rows+="| $name | $ph | $op | $lp | $oc | $lc |"$'\n'
	done <"$tmp/ours.ph" 3<"$tmp/linux.ph"
done

if [ "$table" = --table ]; then
	echo
	echo "| trace | phase | pool pages, ours | pool pages, $variant | pages compacted, ours | pages compacted, $variant |"
	echo "|---|---|--:|--:|--:|--:|"
	printf '%s' "$rows"
fi
exit $fail
