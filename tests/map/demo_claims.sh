#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# zsim demo teaches from its own numbers: at several machine sizes and
# seeds it fits 100 columns in about a hundred lines, speaks no project
# jargon, writes the pictures whose paths it prints, and every claim it
# makes agrees with the numbers printed beside it: a request "would
# succeed" exactly when the free blocks it printed hold a block of that
# order and the extfrag index is -1, and "most"/"almost all"/"all" of the
# free pages in the largest blocks is what the buddy line says.
# usage: demo_claims.sh ZSIM
set -u
zsim=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
failed=0
fail() { echo "FAIL ($run): $*"; failed=$((failed + 1)); }

check_claims() {	# check_claims OUTPUT: prints one line per bad claim, and a count
	awk '
	function share(part, whole,   r) {
		r = whole ? part / whole : 0
		if (part == whole) return "all"
		if (r >= 0.95) return "almost all"
		if (r > 0.5) return "most"
		if (r >= 0.45) return "about half"
		if (part == 0) return "none"
		if (r >= 0.1) return "some"
		return "very little"
	}
	/free blocks by order 0\.\.10:/ {
		sub(/.*order 0\.\.10: */, "")
		for (o = 0; o <= 10; o++) nf[o] = $(o + 1)
		have_buddy = 1
		if (pending_word != "") {
			want = share(nf[10] * 1024, pending_free)
			if (want != pending_word)
				{ print "said \"" pending_word "\" where the buddy line gives \"" want "\""; bad++ }
			pending_word = ""
		}
		next
	}
	/ Of the [0-9]+ free pages, .* are in blocks of the largest order/ {
		s = $0
		sub(/.* Of the /, "", s); split(s, a, " "); pending_free = a[1]
		sub(/^[0-9]+ free pages, /, "", s); sub(/ are in blocks.*/, "", s)
		pending_word = s; claims++
		next
	}
	/request would (succeed|fail)/ {
		claims++
		if (!have_buddy) { print "a request claim before any buddy line"; bad++; next }
		m = substr($0, index($0, "An order-") + 9); split(m, a, " "); order = a[1] + 0
		blocks = 0
		for (o = order; o <= 10; o++) blocks += nf[o] * 2 ^ (o - order)
		x = $0; sub(/.*extfrag index /, "", x); sub(/[):].*/, "", x)
		if ($0 ~ /would succeed/) {
			n = $0; sub(/.*would succeed: /, "", n); sub(/ .*/, "", n)
			if (blocks == 0) { print "says succeed with no free block: " $0; bad++ }
			if (n + 0 != blocks) { print "says " n " blocks, buddy line gives " blocks; bad++ }
			if (x != "-1.000") { print "says succeed with extfrag index " x; bad++ }
		} else {
			if (blocks != 0) { print "says fail with " blocks " free blocks: " $0; bad++ }
			if (x == "-1.000") { print "says fail with extfrag index -1"; bad++ }
		}
	}
	END { if (pending_word != "") { print "a share claim without a buddy line"; bad++ }
	      print "claims " claims + 0 " bad " bad + 0 }
	' "$1"
}

demo_run() {	# demo_run NAME [options]
	run=$1
	shift
	cases=$((cases + 1))
	if ! (cd "$dir" && "$zsim" demo "$@") >"$dir/$run.out" 2>"$dir/$run.err"; then
		fail "zsim demo $* exited non-zero"; cat "$dir/$run.err"; return
	fi
	lines=$(wc -l <"$dir/$run.out")
	[ "$lines" -ge 60 ] && [ "$lines" -le 180 ] || fail "$lines lines"
	wide=$(awk 'length > 100' "$dir/$run.out" | wc -l)
	[ "$wide" = 0 ] || fail "$wide lines wider than 100 columns"
	if grep -nEi "seeds'|the seeds|era\b|jargon" "$dir/$run.out"; then fail "jargon"; fi
	result=$(check_claims "$dir/$run.out")
	echo "$result" | grep -v '^claims ' | sed "s/^/  /"
	echo "$result" | grep -q '^claims [1-9][0-9]* bad 0$' || fail "claims: $(echo "$result" | tail -n 1)"
	# the claims must include both request and share sentences
	[ "$(grep -c 'request would' "$dir/$run.out")" -ge 2 ] || fail "fewer than 2 request claims"
	[ "$(grep -c ' Of the .* free pages' "$dir/$run.out")" = 2 ] || fail "share claims missing"
	# every picture it names exists and is an SVG
	grep -o 'picture: [^ ]*' "$dir/$run.out" | cut -d' ' -f2 | while read -r p; do
		head -c 5 "$dir/$p" 2>/dev/null | grep -q '<?xml' || echo "missing $p"
	done >"$dir/$run.missing"
	[ -s "$dir/$run.missing" ] && fail "$(cat "$dir/$run.missing")"
	echo "ok ($run): $lines lines, $(grep -c 'picture: ' "$dir/$run.out") pictures"
}

cases=0
demo_run default --pictures p1
[ "$(grep -c 'picture: ' "$dir/default.out")" -ge 8 ] || fail "fewer than 8 pictures"
[ -s "$dir/p1/steps.html" ] || fail "no steps.html"
grep -q "step-through page: p1/steps.html" "$dir/default.out" || fail "steps.html path not printed"
demo_run small --mem 16M --pageblock-order 7 --seed 5 --pages 3000 --pictures p2
demo_run large --mem 64M --seed 3 --pages 12000 --no-pictures
grep -q 'picture: ' "$dir/large.out" && fail "--no-pictures wrote pictures"
# --verbose adds the kernel's tables
run=verbose
cases=$((cases + 1))
(cd "$dir" && "$zsim" demo --verbose --no-pictures --pages 2000) >"$dir/v.out" || fail "--verbose"
for t in /proc/buddyinfo /proc/pagetypeinfo unusable_index extfrag_index \
	/sys/kernel/debug/zsmalloc/demo/classes mm_stat; do
	grep -q "$t" "$dir/v.out" || fail "--verbose lacks $t"
done
echo "$cases runs, $failed failures"
[ "$failed" = 0 ]
