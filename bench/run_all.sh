#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
#
# bench/run_all.sh BUILDDIR
#
# What `make bench` runs: every benchmark of the suite on the programs in
# BUILDDIR/bin, results into bench/results/, then a profile of zsmalloc's
# hot paths, then docs/BENCHMARKS.md and its plots (bench/report.sh).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
build=${1:-$top/build}
bin=$build/bin
res=$here/results
mkdir -p "$res"

step() {
	printf '\n=== %s ===\n' "$*" >&2
}

started=$(date +%s)

step "1/6 density over the lifecycle (about a minute)"
export BENCH_TRACES="$build/bench-traces"
sh "$here/bench_density.sh" "$bin/zsim" "$res" | tee "$res/density.txt"
# where zsmalloc's memory goes after compaction, class by class
"$bin/zsim" replay --classes "$BENCH_TRACES/files-lz4.trace.gz" > "$res/classes-files-lz4.txt"
# RSS after compaction and growth with demand (2 GiB stored; about a minute)
{
	"$bin/bench_reporting" --trace "$BENCH_TRACES/files-lz4.trace.gz"
	"$bin/bench_reporting" --big 2
} | tee "$res/memory.txt"

step "2/6 speed (a few minutes: three processes per allocator in turn, then newest and dense pairs in turn)"
"$bin/bench_speed" --csv "$res/speed.csv" | tee "$res/speed.txt"

step "3/6 compaction (about 30 s)"
"$bin/bench_compact" --csv "$res/compact.csv" | tee "$res/compact.txt"

step "4/6 fragmentation and migration (bench_fragmentation)"
if [ -x "$bin/bench_fragmentation" ]; then
	BENCH_RESULTS_DIR="$res" "$bin/bench_fragmentation" | tee "$res/fragmentation.txt"
else
	echo "bench_fragmentation is not built; skipped" | tee "$res/fragmentation.txt"
fi

step "5/6 zsram against Linux zram (bench_zsram.sh, 256 MiB image)"
plugin="$build/lib/nbdkit-zsram-plugin.so"
if [ -f "$plugin" ]; then
	sh "$here/bench_zsram.sh" "$plugin" 256 | tee "$res/zsram.md"
else
	echo "the zsram plugin is not built; skipped" | tee "$res/zsram.md"
fi

step "6/6 profile of zsmalloc's hot paths, and the report"
rm -f "$res/profile.txt"
if command -v perf > /dev/null 2>&1 &&
   perf record -q -e cpu-clock -o "$res/perf.data" -- \
	"$bin/bench_speed" --child --allocator zsmalloc --hot 1024 --cold 16384 --rounds 2 \
	> /dev/null 2> "$res/perf.err"; then
	{
		echo "perf record -e cpu-clock, bench_speed --child --allocator zsmalloc (hot 1024, cold 16384 objects)"
		perf report -i "$res/perf.data" --no-children --stdio --sort symbol 2> /dev/null |
			grep -E '^ +[0-9]' | head -20
	} > "$res/profile.txt"
elif command -v valgrind > /dev/null 2>&1; then
	valgrind --tool=callgrind --callgrind-out-file="$res/callgrind.out" \
		"$bin/bench_speed" --child --allocator zsmalloc --quick > /dev/null 2>&1
	{
		echo "valgrind --tool=callgrind (instructions), bench_speed --child --allocator zsmalloc --quick"
		callgrind_annotate "$res/callgrind.out" 2> /dev/null | grep -E '^ *[0-9,]+ ' | head -20
	} > "$res/profile.txt"
fi
rm -f "$res/perf.data" "$res/perf.data.old" "$res/perf.err" "$res/callgrind.out"

sh "$here/report.sh" "$build" "$res" "$top/docs"
echo "bench: done in $(( $(date +%s) - started )) s; see docs/BENCHMARKS.md" >&2
