#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
#
# bench_zsram.sh PLUGIN [SIZE_MIB]: zsram against Linux's zram on the same
# data.  A disk image of SIZE_MIB (default 256) is made from real files
# (a tar of /usr/lib and /usr/bin, zero-padded to the size); then
#
#   zsram (lz4, zstd): nbdkit serves the plugin on a Unix socket; nbdcopy
#     writes the image (with a flush) and reads it back to null:, and the
#     process's RSS and zsram's mm_stat are read after the write;
#   zram (lz4, zstd): /dev/zram0 is reset, given the algorithm and the
#     size, written and read with dd (O_DIRECT, 1 MiB blocks, so the page
#     cache neither holds nor serves the data), its mm_stat read, and reset.
#
# zram needs root and a free /dev/zram0 (disksize 0); otherwise, or with
# ZSRAM_BENCH_NO_ZRAM=1, its rows are skipped with a message.  The device
# is always reset afterwards.  Output: a Markdown table on standard output.
set -u

plugin=$1
size_mib=${2:-256}
size=$((size_mib << 20))
zram=/sys/block/zram0

for prog in nbdkit nbdcopy; do
	command -v $prog >/dev/null 2>&1 || {
		echo "bench_zsram: $prog is not installed (apt-get install nbdkit libnbd-bin)" >&2
		exit 77
	}
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/bench-zsram.XXXXXX") || exit 1
pid=
zram_used=
cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	# never leave the device configured
	[ -n "$zram_used" ] && echo 1 >$zram/reset 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

now_ns() { date +%s%N; }

# mibps BYTES NS
mibps() { awk -v b="$1" -v ns="$2" 'BEGIN { printf "%.0f", b / 1048576 / (ns / 1e9) }'; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }

# row NAME WRITE_NS READ_NS MM_STAT RSS_BYTES|-
row() {
	set -- "$1" "$2" "$3" "$4" "$5"
	orig=$(echo "$4" | awk '{ print $1 }')
	compr=$(echo "$4" | awk '{ print $2 }')
	used=$(echo "$4" | awk '{ print $3 }')
	same=$(echo "$4" | awk '{ print $6 }')
	huge=$(echo "$4" | awk '{ print $8 }')
	ratio=$(awk -v o="$orig" -v u="$used" 'BEGIN { printf "%.2f", u ? o / u : 0 }')
	rss=-
	[ "$5" != - ] && rss=$(mib "$5")
	printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n" "$1" \
		"$(mibps $size "$2")" "$(mibps $size "$3")" "$(mib "$orig")" "$(mib "$compr")" \
		"$(mib "$used")" "$ratio" "$same" "$huge" "$rss"
}

find /usr/lib /usr/bin -type f -size +2k 2>/dev/null | LC_ALL=C sort >"$dir/files"
tar -cf - -T "$dir/files" 2>/dev/null | head -c $size >"$dir/img"
truncate -s $size "$dir/img"
echo "Image: $size_mib MiB, a tar of the files of /usr/lib and /usr/bin (sorted by name), cut or zero-padded."
echo
echo "| device | write MiB/s | read MiB/s | orig_data_size MiB | compr_data_size MiB | mem_used_total MiB | orig / used | same_pages | huge_pages | process RSS MiB |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"

for algo in lz4 zstd; do
	mkdir -p "$dir/stats"
	sock=$dir/nbd.sock
	rm -f "$sock"
	nbdkit -f -U "$sock" --exit-with-parent "$plugin" size=$size comp_algorithm=$algo \
		stats="$dir/stats" >"$dir/nbdkit.log" 2>&1 &
	pid=$!
	n=0
	while [ ! -S "$sock" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
	uri="nbd+unix:///?socket=$sock"
	t0=$(now_ns)
	timeout 600 nbdcopy --flush "$dir/img" "$uri" || { echo "nbdcopy write failed" >&2; exit 1; }
	t1=$(now_ns)
	rss=$(awk '/^VmRSS:/ { print $2 * 1024 }' /proc/$pid/status)
	stat=$(cat "$dir/stats/mm_stat")
	t2=$(now_ns)
	timeout 600 nbdcopy "$uri" null: || { echo "nbdcopy read failed" >&2; exit 1; }
	t3=$(now_ns)
	row "zsram $algo (nbdcopy)" $((t1 - t0)) $((t3 - t2)) "$stat" "$rss"
	kill -TERM $pid
	wait $pid
	pid=
done

if [ "${ZSRAM_BENCH_NO_ZRAM:-0}" = 1 ]; then
	echo
	echo "(Linux zram skipped: ZSRAM_BENCH_NO_ZRAM=1)"
	exit 0
fi
if [ "$(id -u)" != 0 ] || [ ! -b /dev/zram0 ] || [ ! -w $zram/disksize ]; then
	echo
	echo "(Linux zram skipped: needs root and /dev/zram0; modprobe zram)"
	exit 0
fi
if [ "$(cat $zram/disksize)" != 0 ]; then
	echo
	echo "(Linux zram skipped: /dev/zram0 is in use, disksize $(cat $zram/disksize))"
	exit 0
fi
for algo in lz4 zstd; do
	if ! grep -qw $algo $zram/comp_algorithm; then
		echo "| zram $algo | (not in this kernel's zram: $(cat $zram/comp_algorithm)) | | | | | | | | |"
		continue
	fi
	zram_used=1
	echo 1 >$zram/reset
	echo $algo >$zram/comp_algorithm
	echo $size >$zram/disksize
	t0=$(now_ns)
	dd if="$dir/img" of=/dev/zram0 bs=1M oflag=direct status=none || exit 1
	t1=$(now_ns)
	stat=$(cat $zram/mm_stat)
	t2=$(now_ns)
	dd if=/dev/zram0 of=/dev/null bs=1M iflag=direct status=none || exit 1
	t3=$(now_ns)
	row "Linux zram $algo (dd O_DIRECT)" $((t1 - t0)) $((t3 - t2)) "$stat" -
	echo 1 >$zram/reset
done
zram_used=
echo
echo "Linux $(uname -r); zram's memory is the kernel's, so it has no process RSS."
