#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
#
# bench_density.sh [--quick] ZSIM OUTDIR
#
# Density over a workload's life: traces from real files and synthetic
# mixes (zsim trace-gen: fill, free 60 %, compact/purge, refill), each
# replayed (zsim replay) by zsmalloc in the newest preset, the 4.8 preset,
# chain 16 and the dense preset (growing zspages), and by jemalloc, glibc
# and mimalloc.  Writes
# OUTDIR/density.csv and prints a table.  Every allocator replays the
# same trace; the huge rule (stored as 4096 from 3625 bytes) is the
# newest kernel's, whichever pool replays it.  A second table compares
# every allocator on RSS, the measure a program sees: live bytes / RSS
# growth per phase, and zsmalloc's RSS beside its pool pages (read on
# each phase line once free page reporting has caught up; bench_reporting
# measures how long that takes).
set -eu

quick=0
if [ "${1:-}" = "--quick" ]; then
	quick=1
	shift
fi
if [ $# -ne 2 ]; then
	echo "usage: $0 [--quick] ZSIM OUTDIR" >&2
	exit 2
fi
zsim=$1
out=$2
# traces are big and reproducible: BENCH_TRACES puts them elsewhere
traces=${BENCH_TRACES:-$out/traces}
mkdir -p "$out" "$traces"
csv=$out/density.csv

if [ $quick = 1 ]; then
	pages=2048
	objects=5000
else
	pages=32768
	objects=100000
fi

progress() {
	printf '%s\n' "bench_density: $*" >&2
}

progress "writing traces ($pages file pages, $objects objects per mix)"
"$zsim" trace-gen --files --max-pages $pages --compressor lz4 --seed 1 \
	-o "$traces/files-lz4.trace.gz"
"$zsim" trace-gen --files --max-pages $pages --compressor zstd --seed 1 \
	-o "$traces/files-zstd.trace.gz"
for mix in kernel-build android uniform; do
	"$zsim" trace-gen --mix $mix --objects $objects --seed 1 \
		-o "$traces/$mix.trace.gz"
done

echo "trace,config,phase,live_objects,live_bytes,pool_pages,ideal_pages,pages_compacted,density,rss_bytes,metadata_bytes,ns_per_op" > "$csv"

# name:allocator:options
configs="zsmalloc-newest:zsmalloc:
zsmalloc-4.8:zsmalloc:--preset 4.8
zsmalloc-chain16:zsmalloc:--chain 16
zsmalloc-dense:zsmalloc:--preset dense
jemalloc:jemalloc:
glibc:glibc:
mimalloc:mimalloc:"

for trace in files-lz4 files-zstd kernel-build android uniform; do
	progress "replaying $trace"
	echo "$configs" | while IFS=: read -r name alloc opts; do
		# shellcheck disable=SC2086 # opts is a word list
		status=0
		"$zsim" replay --allocator "$alloc" $opts "$traces/$trace.trace.gz" \
			> "$out/replay.tmp" 2> "$out/replay.err" || status=$?
		if [ $status = 77 ]; then
			progress "$name skipped: $(cat "$out/replay.err")"
			continue
		fi
		if [ $status != 0 ]; then
			cat "$out/replay.err" >&2
			echo "bench_density: $name on $trace failed ($status)" >&2
			exit 1
		fi
		awk -v trace="$trace" -v name="$name" '
			/^phase=/ {
				for (i = 1; i <= NF; i++) {
					split($i, kv, "=")
					v[kv[1]] = kv[2]
				}
				printf "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", trace, name,
					v["phase"], v["live_objects"], v["live_bytes"],
					v["pool_pages"], v["ideal_pages"], v["pages_compacted"],
					v["density"], v["rss_bytes"], v["metadata_bytes"],
					v["ns_per_op"]
			}' "$out/replay.tmp" >> "$csv"
	done
done
rm -f "$out/replay.tmp" "$out/replay.err"

# The table: density per phase, and metadata bytes per live object after fill.
awk -F, '
	NR == 1 { next }
	$3 == "end" { next }
	{
		key = $1 SUBSEP $2
		if (!(key in seen)) { seen[key] = 1; order[++n] = key }
		d[key, $3] = $9
		if ($3 == "fill") {
			meta[key] = ($11 == "n/a" || $4 == 0) ? "n/a" : sprintf("%.1f", $11 / $4)
		}
	}
	END {
		printf "%-13s %-17s %7s %7s %7s %7s %9s\n", "trace", "allocator", "fill",
			"free60", "compact", "refill", "meta B/obj"
		for (i = 1; i <= n; i++) {
			split(order[i], k, SUBSEP)
			printf "%-13s %-17s %7s %7s %7s %7s %9s\n", k[1], k[2],
				d[order[i], "fill"], d[order[i], "free60"],
				d[order[i], "compact"], d[order[i], "refill"], meta[order[i]]
		}
	}' "$csv"

# The second table: on RSS.  RSS density = live bytes / RSS growth; for
# zsmalloc, its RSS beside its pool pages (MiB) at each phase.
echo
awk -F, '
	NR == 1 { next }
	$3 == "end" { next }
	{
		key = $1 SUBSEP $2
		if (!(key in seen)) { seen[key] = 1; order[++n] = key }
		r[key, $3] = ($10 > 0) ? sprintf("%.4f", $5 / $10) : "n/a"
		if ($2 ~ /^zsmalloc/)
			m[key, $3] = sprintf("%.1f/%.1f", $10 / 1048576, $6 * 4096 / 1048576)
	}
	END {
		printf "%-13s %-17s %7s %7s %7s %7s  %s\n", "trace", "allocator (RSS)", "fill",
			"free60", "compact", "refill", "RSS/pool MiB: fill free60 compact refill"
		for (i = 1; i <= n; i++) {
			split(order[i], k, SUBSEP)
			o = order[i]
			printf "%-13s %-17s %7s %7s %7s %7s", k[1], k[2],
				r[o, "fill"], r[o, "free60"], r[o, "compact"], r[o, "refill"]
			if ((o, "fill") in m)
				printf "  %s %s %s %s", m[o, "fill"], m[o, "free60"],
					m[o, "compact"], m[o, "refill"]
			printf "\n"
		}
	}' "$csv"
echo "bench_density: results in $csv" >&2
