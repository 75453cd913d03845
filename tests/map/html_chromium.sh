#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# The step-through page of `zsim map --html` in headless Chromium: it
# loads offline, its buttons and slider step it, autoplay reaches the
# last step, nothing is logged to the console as an error, and a
# screenshot is taken.  Skipped (77) only where Chromium is not installed.
# usage: html_chromium.sh ZSIM
set -u
zsim=$1
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
	echo "skipped: chromium is not installed (Debian: apt-get install chromium)"
	exit 77
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export HOME=$dir
fail() { echo "FAIL: $*"; exit 1; }

browse() {	# browse URL LOG [chromium options]: run headless, console to LOG
	local url=$1 log=$2
	shift 2
	timeout 120 "$chromium" --headless --no-sandbox --disable-gpu \
		--user-data-dir="$dir/profile" --enable-logging=stderr --v=0 \
		--virtual-time-budget=20000 "$@" "$url" 2>"$log"
}

check_page() {	# check_page HTML STEPS: the page steps, with no console error
	local html=$1 steps=$2
	browse "file://$html#selftest" "$dir/self.log" --dump-dom >"$dir/self.dom" ||
		fail "chromium failed on $html (selftest)"
	grep -q "zsim-selftest-ok $steps" "$dir/self.log" ||
		{ cat "$dir/self.log"; fail "$html: the controls did not step it"; }
	browse "file://$html#autoplay" "$dir/auto.log" --dump-dom >"$dir/auto.dom" ||
		fail "chromium failed on $html (autoplay)"
	grep -q "zsim-steps-done $steps" "$dir/auto.log" ||
		{ cat "$dir/auto.log"; fail "$html: autoplay did not reach step $steps"; }
	grep -q "data-step=\"$((steps - 1))\"" "$dir/auto.dom" ||
		fail "$html: the page does not show the last step"
	grep -q "step $steps of $steps" "$dir/auto.dom" || fail "$html: no step counter"
	for log in "$dir/self.log" "$dir/auto.log"; do
		if grep -E 'CONSOLE.*(zsim-error|Uncaught|Error)|:ERROR:CONSOLE' "$log"; then
			fail "$html: console errors"
		fi
	done
	echo "ok: $html steps through $steps steps without console errors"
}

# the built-in workload with compaction: 8 steps
"$zsim" map --mem 16M --html "$dir/demo.html" -o "$dir/demo.svg" >"$dir/out" ||
	{ cat "$dir/out"; fail "zsim map --html"; }
grep -q "wrote $dir/demo.html (8 steps)" "$dir/out" || { cat "$dir/out"; fail "steps"; }
grep -qE '<script[^>]* src=|https?://' "$dir/demo.html" && fail "the page refers to the network"
check_page "$dir/demo.html" 8

# a trace: a step at the start, at each p and c line, at the end, then compaction
cat >"$dir/t.trace" <<'TRACE'
a 1 100
a 2 3000
a 3 500
p </script><b>one
f 2
c
a 4 64
p end
TRACE
"$zsim" map --mem 8M --pageblock-order 4 --html "$dir/trace.html" -o "$dir/trace.svg" \
	"$dir/t.trace" >"$dir/out" || { cat "$dir/out"; fail "zsim map --html TRACE"; }
grep -q "(7 steps)" "$dir/out" || { cat "$dir/out"; fail "trace steps"; }
check_page "$dir/trace.html" 7

# the screenshot
browse "file://$dir/demo.html#autoplay" "$dir/shot.log" --window-size=1300,1000 \
	--screenshot="$dir/shot.png" >/dev/null || fail "chromium --screenshot"
[ -s "$dir/shot.png" ] || fail "no screenshot"
[ "$(head -c 8 "$dir/shot.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
	fail "the screenshot is not a PNG"
echo "ok: screenshot $(stat -c %s "$dir/shot.png") bytes"
