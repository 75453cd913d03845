#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# zsim replay --trace FILE: the run's tracepoints in ftrace's text format,
# the events ZSIM_TRACE names, and the errors for a trace buffer size of
# 0 and for --trace with another allocator.
set -u
zsim=$1
dir=$(mktemp -d /tmp/zsim-replay-trace-XXXXXX)
trap 'rm -rf "$dir"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

{
	for i in $(seq 1 400); do echo "a $i $((100 + i * 7))"; done
	for i in $(seq 1 400); do [ $((i % 4)) -ne 0 ] && echo "f $i"; done
	echo c
	echo "p compacted"
} > "$dir/t.trace"

# every event: the header, then only ftrace lines
"$zsim" replay --trace "$dir/all.txt" "$dir/t.trace" > "$dir/out" 2> "$dir/err" ||
	fail "replay --trace exited $?: $(cat "$dir/err")"
head -1 "$dir/all.txt" | grep -qx '# tracer: nop' || fail "no '# tracer: nop' header"
grep -q '^# entries-in-buffer/entries-written: [0-9]*/[0-9]*   #P:[0-9]*$' "$dir/all.txt" ||
	fail "no entries-in-buffer/entries-written line"
line_re='^ *[^ ]+-[0-9]+ +\[[0-9]{3}\] [.0-9a-f]{5} +[0-9]+\.[0-9]{6}: [a-z_]+: .*$'
bad=$(grep -v '^#' "$dir/all.txt" | grep -Evc "$line_re")
[ "$bad" = 0 ] || fail "$bad lines are not 'task-pid [cpu] flags timestamp: event: fields'"
for ev in mm_page_alloc mm_page_free zs_zspage_alloc zs_zspage_free zs_obj_move zs_compact_class; do
	grep -q ": $ev: " "$dir/all.txt" || fail "no $ev event"
done
grep -q ': mm_page_alloc: page=0x[0-9a-f]* pfn=0x[0-9a-f]* order=[0-9]* migratetype=[0-9] gfp_flags=GFP_KERNEL' "$dir/all.txt" ||
	fail "mm_page_alloc is not in the kernel's format"

# ZSIM_TRACE picks the events; '-' is standard output, after the stats
ZSIM_TRACE=zsmalloc "$zsim" replay --trace - "$dir/t.trace" > "$dir/zs.txt" 2> "$dir/err" ||
	fail "ZSIM_TRACE=zsmalloc replay exited $?: $(cat "$dir/err")"
grep -q '^phase=end ' "$dir/zs.txt" || fail "no stats line before the trace on standard output"
grep -q ': zs_zspage_alloc: pool=replay class=' "$dir/zs.txt" || fail "ZSIM_TRACE=zsmalloc: no zs_zspage_alloc"
grep -q ': mm_page_alloc: ' "$dir/zs.txt" && fail "ZSIM_TRACE=zsmalloc recorded mm_page_alloc"

# a trace buffer size of 0: a clear error, exit status 1
ZSIM_TRACE_BUF_KB=0 "$zsim" replay --trace "$dir/x.txt" "$dir/t.trace" > /dev/null 2> "$dir/err"
st=$?
[ $st = 1 ] || fail "ZSIM_TRACE_BUF_KB=0: exit status $st, want 1"
grep -q 'ZSIM_TRACE_BUF_KB="0" is out of range: expected a whole number in 1..1048576' "$dir/err" ||
	fail "ZSIM_TRACE_BUF_KB=0: message $(cat "$dir/err")"
# an unknown event
ZSIM_TRACE=mm_nothing "$zsim" replay --trace "$dir/x.txt" "$dir/t.trace" > /dev/null 2> "$dir/err"
st=$?
[ $st = 1 ] || fail "ZSIM_TRACE=mm_nothing: exit status $st, want 1"
grep -q '"mm_nothing" is no trace event' "$dir/err" || fail "ZSIM_TRACE=mm_nothing: message $(cat "$dir/err")"
# --trace is zsmalloc's
"$zsim" replay --allocator glibc --trace "$dir/x.txt" "$dir/t.trace" > /dev/null 2> "$dir/err"
st=$?
[ $st = 2 ] || fail "--allocator glibc --trace: exit status $st, want 2"
grep -q -- '--trace records the simulated machine' "$dir/err" || fail "--allocator glibc --trace: message $(cat "$dir/err")"
# a file that cannot be written
"$zsim" replay --trace "$dir/no/such/dir/x.txt" "$dir/t.trace" > /dev/null 2> "$dir/err"
st=$?
[ $st = 1 ] || fail "unwritable --trace file: exit status $st, want 1"
grep -q 'cannot write' "$dir/err" || fail "unwritable --trace file: message $(cat "$dir/err")"

if [ $fails = 0 ]; then echo "replay --trace: all checks passed"; exit 0; fi
exit 1
