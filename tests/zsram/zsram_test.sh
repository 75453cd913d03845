#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
#
# zsram_test.sh PLUGIN CASE: start nbdkit with the zsram plugin on a Unix
# socket in a temporary directory, run real NBD clients against it, stop
# it, and check that it exited cleanly with nothing leaked.
#
# Cases: nbdcopy qemu discard concurrent limit drop compact installed badinput
#
# Environment: ZSRAM_WRAPPER runs nbdkit under a command (valgrind);
# ZSRAM_PRELOAD is put in LD_PRELOAD for nbdkit (the ASan runtime, for an
# instrumented plugin); ZSRAM_TIMEOUT bounds each client (seconds).
set -u

plugin=$1
case_name=$2
wrapper=${ZSRAM_WRAPPER:-}
tmo=${ZSRAM_TIMEOUT:-60}
ZSIM_LOGLEVEL=${ZSIM_LOGLEVEL:-3}
export ZSIM_LOGLEVEL

for prog in nbdkit nbdcopy qemu-img qemu-io; do
	if ! command -v $prog >/dev/null 2>&1; then
		echo "skipped: $prog is not installed (apt-get install nbdkit libnbd-bin qemu-utils)"
		exit 77
	fi
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/zsram-test.XXXXXX") || exit 1
sock=$dir/nbd.sock
uri="nbd+unix:///?socket=$sock"
mkdir "$dir/stats"
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	echo "FAIL: $*"
	if [ -f "$dir/nbdkit.log" ]; then
		echo "--- nbdkit's log:"
		tail -n 40 "$dir/nbdkit.log"
	fi
	exit 1
}

# start_nbdkit PARAMS...: serve zsram with these parameters, wait for the socket
start_nbdkit() {
	rm -f "$sock"
	# shellcheck disable=SC2086
	LD_PRELOAD=${ZSRAM_PRELOAD:-} $wrapper nbdkit -f -U "$sock" --exit-with-parent \
		"$plugin" stats="$dir/stats" "$@" >"$dir/nbdkit.log" 2>&1 &
	pid=$!
	n=0
	while [ ! -S "$sock" ]; do
		kill -0 "$pid" 2>/dev/null || fail "nbdkit did not start"
		n=$((n + 1))
		[ $n -gt $((tmo * 10)) ] && fail "nbdkit did not listen within ${tmo}s"
		sleep 0.1
	done
}

# stop_nbdkit: SIGTERM, wait, and check the exit and the log
stop_nbdkit() {
	kill -TERM "$pid"
	n=0
	while kill -0 "$pid" 2>/dev/null; do
		n=$((n + 1))
		if [ $n -gt $((tmo * 10)) ]; then
			kill -KILL "$pid"
			fail "nbdkit did not exit within ${tmo}s of SIGTERM"
		fi
		sleep 0.1
	done
	wait "$pid"
	rc=$?
	pid=
	[ $rc -eq 0 ] || fail "nbdkit exited with status $rc"
	if grep -E "leaked|ERROR: AddressSanitizer|runtime error|definitely lost" "$dir/nbdkit.log"; then
		fail "nbdkit reported errors or leaks at exit"
	fi
}

# run CMD...: a client, bounded in time
run() {
	timeout "$tmo" "$@" || fail "'$*' exited with status $?"
}

# mm_stat FIELD: one field of the last mm_stat (1 = orig_data_size)
mm_stat() {
	awk -v f="$1" '{ print $f }' "$dir/stats/mm_stat"
}

# make_image FILE SIZE: a tar of real files from /usr/bin and /usr/lib,
# cut or zero-padded to SIZE bytes: executables, libraries, text, zero
# padding, compressed data; the same files every run.
make_image() {
	find /usr/bin /usr/lib/x86_64-linux-gnu /usr/lib -maxdepth 1 -type f -size +2k \
		2>/dev/null | LC_ALL=C sort | head -n 3000 >"$dir/files"
	tar -cf - -T "$dir/files" 2>/dev/null | head -c "$2" >"$1"
	truncate -s "$2" "$1"
}

# a file of incompressible data: already compressed files
make_incompressible() {
	find /usr/share/doc -name '*.gz' -size +1k 2>/dev/null | LC_ALL=C sort |
		xargs cat 2>/dev/null | head -c "$2" >"$1"
	truncate -s "$2" "$1"
}

case $case_name in
nbdcopy)
	# an image written and read back byte-identical, by nbdcopy, lz4 and zstd
	make_image "$dir/img" $((24 << 20))
	for algo in lz4 zstd; do
		start_nbdkit size=32M comp_algorithm=$algo
		run nbdcopy --flush "$dir/img" "$uri"
		run nbdcopy "$uri" "$dir/back"
		head -c $((24 << 20)) "$dir/back" | cmp - "$dir/img" || fail "$algo: read back differs"
		[ "$(tail -c $((8 << 20)) "$dir/back" | tr -d '\0' | wc -c)" -eq 0 ] ||
			fail "$algo: the unwritten tail is not zeros"
		orig=$(mm_stat 1)
		compr=$(mm_stat 2)
		[ "$orig" -gt 0 ] && [ "$compr" -gt 0 ] && [ "$compr" -lt "$orig" ] ||
			fail "$algo: mm_stat does not show compressed data: $(cat "$dir/stats/mm_stat")"
		echo "$algo mm_stat: $(cat "$dir/stats/mm_stat")"
		stop_nbdkit
		rm -f "$dir/back"
	done
	;;
qemu)
	# qemu-img convert into zsram and compare, with unaligned writes by qemu-io
	make_image "$dir/img" $((16 << 20))
	start_nbdkit size=16M
	run qemu-img convert -n -f raw -O raw "$dir/img" "$uri"
	run qemu-img compare -f raw -F raw "$dir/img" "$uri"
	# a 1000-byte write at an odd offset is merged into its block
	head -c 1000 /usr/bin/nbdkit >"$dir/piece"
	run qemu-io -f raw -c "write -q -s $dir/piece 12345 1000" "$uri"
	dd if="$dir/piece" of="$dir/img" bs=1 seek=12345 conv=notrunc status=none
	run qemu-img compare -f raw -F raw "$dir/img" "$uri"
	stop_nbdkit
	;;
discard)
	# discard and write-zeroes free the objects; mm_stat shows it
	make_image "$dir/img" $((16 << 20))
	start_nbdkit size=16M
	run nbdcopy --flush "$dir/img" "$uri"
	used=$(mm_stat 3)
	echo "written:   $(cat "$dir/stats/mm_stat")"
	[ "$used" -gt $((1 << 20)) ] || fail "mem_used_total $used after writing 16 MiB"
	run qemu-io -f raw -c "discard 0 8M" -c "write -z 8M 8M" -c flush "$uri"
	echo "discarded: $(cat "$dir/stats/mm_stat")"
	[ "$(mm_stat 1)" -eq 0 ] || fail "orig_data_size is not 0 after discarding everything"
	[ "$(mm_stat 2)" -eq 0 ] || fail "compr_data_size is not 0 after discarding everything"
	[ "$(mm_stat 3)" -lt $((used / 8)) ] || fail "mem_used_total $(mm_stat 3) did not fall from $used"
	[ "$(awk '{ print $4 }' "$dir/stats/io_stat")" -gt 0 ] || fail "io_stat notify_free is 0"
	head -c $((16 << 20)) /dev/zero >"$dir/zero"
	run qemu-img compare -f raw -F raw "$dir/zero" "$uri"
	stop_nbdkit
	;;
concurrent)
	# four clients at once on disjoint ranges, each checked by checksum
	make_image "$dir/img" $((32 << 20))
	start_nbdkit size=32M
	i=0
	clients=
	while [ $i -lt 4 ]; do
		dd if="$dir/img" of="$dir/part$i" bs=1M skip=$((i * 8)) count=8 status=none
		i=$((i + 1))
	done
	i=0
	while [ $i -lt 4 ]; do
		timeout "$tmo" qemu-io -f raw -c "write -q -s $dir/part$i $((i * 8))M 8M" "$uri" &
		clients="$clients $!"
		i=$((i + 1))
	done
	for c in $clients; do
		wait "$c" || fail "a concurrent client failed"
	done
	run nbdcopy "$uri" "$dir/back"
	i=0
	while [ $i -lt 4 ]; do
		a=$(dd if="$dir/back" bs=1M skip=$((i * 8)) count=8 status=none | sha256sum)
		b=$(sha256sum <"$dir/part$i")
		[ "$a" = "$b" ] || fail "range $i differs after concurrent writes"
		i=$((i + 1))
	done
	# and nbdcopy's own parallel connections and requests
	run nbdcopy --connections=4 --requests=16 "$dir/img" "$uri"
	run qemu-img compare -f raw -F raw "$dir/img" "$uri"
	stop_nbdkit
	;;
limit)
	# past mem_limit a write fails with ENOSPC and nothing stored is lost
	make_image "$dir/img" $((4 << 20))
	make_incompressible "$dir/rnd" $((24 << 20))
	start_nbdkit size=32M mem_limit=12M
	run qemu-io -f raw -c "write -q -s $dir/img 0 4M" -c flush "$uri"
	if timeout "$tmo" qemu-io -f raw -c "write -q -s $dir/rnd 8M 24M" "$uri" \
		>"$dir/client.log" 2>&1; then
		fail "24 MiB of incompressible data fit under mem_limit=12M"
	fi
	grep -q "No space left on device" "$dir/client.log" ||
		fail "the client was not told ENOSPC: $(cat "$dir/client.log")"
	grep -q "mem_limit" "$dir/nbdkit.log" || fail "nbdkit did not name mem_limit"
	run qemu-io -f raw -c flush "$uri"
	used=$(mm_stat 3)
	echo "at the limit: $(cat "$dir/stats/mm_stat")"
	[ "$used" -le $((12 << 20)) ] || fail "mem_used_total $used is above mem_limit"
	run nbdcopy "$uri" "$dir/back"
	head -c $((4 << 20)) "$dir/back" | cmp - "$dir/img" || fail "data stored before the limit changed"
	stop_nbdkit
	;;
drop)
	# a client killed mid-write, and one writing past the end
	make_image "$dir/img" $((4 << 20))
	make_image "$dir/big" $((48 << 20))
	start_nbdkit size=48M
	run qemu-io -f raw -c "write -q -s $dir/img 0 4M" "$uri"
	timeout -s KILL 0.3 qemu-io -f raw -c "write -q -s $dir/big 0 48M" "$uri" >/dev/null 2>&1
	timeout "$tmo" qemu-io -f raw -c "write -q -s $dir/img 46M 4M" "$uri" >"$dir/client.log" 2>&1
	cat "$dir/client.log"
	grep -q "write failed" "$dir/client.log" ||
		fail "a write past the end was not refused"
	run qemu-io -f raw -c "write -q -s $dir/img 0 4M" "$uri"
	run nbdcopy "$uri" "$dir/back"
	head -c $((4 << 20)) "$dir/back" | cmp - "$dir/img" || fail "read back differs after a dropped client"
	stop_nbdkit
	;;
compact)
	# compaction: at flush, and under pressure from mem_limit
	# 8 MiB of files, then 2 MiB that does not compress: huge objects,
	# which cannot take the slots the holes free in the smaller classes
	make_image "$dir/first" $((8 << 20))
	make_incompressible "$dir/second" $((2 << 20))
	cat "$dir/first" "$dir/second" >"$dir/img"
	i=0
	while [ $i -lt 2048 ]; do		# every other block of the first 8 MiB
		echo "discard -q $((i * 4096)) 4k"
		i=$((i + 2))
	done >"$dir/holes"
	echo flush >>"$dir/holes"
	# the expected contents after the holes: zeros in the even blocks
	cp "$dir/img" "$dir/expect"
	i=0
	while [ $i -lt 2048 ]; do
		echo "$i"
		i=$((i + 2))
	done | while read -r b; do
		dd if=/dev/zero of="$dir/expect" bs=4096 seek="$b" count=1 conv=notrunc status=none
	done
	start_nbdkit size=16M
	run qemu-io -f raw -c "write -q -s $dir/first 0 8M" -c flush "$uri"
	used=$(mm_stat 3)
	timeout "$tmo" qemu-io -f raw "$uri" <"$dir/holes" >/dev/null || fail "qemu-io: discard"
	echo "flush compacts: $(cat "$dir/stats/mm_stat")"
	[ "$(mm_stat 7)" -gt 0 ] || fail "flush did not compact"
	[ "$(mm_stat 3)" -lt $((used * 3 / 4)) ] || fail "mem_used_total $(mm_stat 3), from $used"
	stop_nbdkit
	# the same, no compaction at flush, and a limit the data only fits under
	# once the pool is compacted
	start_nbdkit size=16M compact_on_flush=false mem_limit=$used
	run qemu-io -f raw -c "write -q -s $dir/first 0 8M" -c flush "$uri"
	timeout "$tmo" qemu-io -f raw "$uri" <"$dir/holes" >/dev/null || fail "qemu-io: discard"
	echo "no compaction: $(cat "$dir/stats/mm_stat")"
	[ "$(mm_stat 7)" -eq 0 ] || fail "compact_on_flush=false compacted"
	run qemu-io -f raw -c "write -q -s $dir/second 8M 2M" -c flush "$uri"
	echo "under pressure: $(cat "$dir/stats/mm_stat")"
	[ "$(mm_stat 7)" -gt 0 ] || fail "the pool was not compacted at mem_limit"
	[ "$(mm_stat 3)" -le "$used" ] || fail "mem_used_total $(mm_stat 3) above mem_limit=$used"
	run nbdcopy "$uri" "$dir/back"
	head -c $((10 << 20)) "$dir/back" | cmp - "$dir/expect" || fail "read back differs"
	stop_nbdkit
	;;
installed)
	# the installed plugin finds the installed library through its RUNPATH
	[ -n "${ZSRAM_BUILD_DIR:-}" ] || fail "ZSRAM_BUILD_DIR is not set"
	run cmake --install "$ZSRAM_BUILD_DIR" --prefix "$dir/prefix" >/dev/null
	plugin=$(find "$dir/prefix" -name nbdkit-zsram-plugin.so -path '*/nbdkit/plugins/*')
	[ -n "$plugin" ] || fail "no plugin under <libdir>/nbdkit/plugins in the installed tree"
	lib=$(env -u LD_LIBRARY_PATH ldd "$plugin" | awk '/libzsmalloc/ { print $3 }')
	case $lib in
	"$dir/prefix"/*) ;;
	*) fail "the installed plugin loads libzsmalloc from '$lib', not from its prefix" ;;
	esac
	make_image "$dir/img" $((4 << 20))
	start_nbdkit size=4M
	run nbdcopy --flush "$dir/img" "$uri"
	run qemu-img compare -f raw -F raw "$dir/img" "$uri"
	stop_nbdkit
	;;
badinput)
	# bad parameters: nbdkit refuses to start, naming the parameter
	expect_error() {
		want=$1
		shift
		if LD_PRELOAD=${ZSRAM_PRELOAD:-} timeout "$tmo" nbdkit -f -U "$sock" "$plugin" "$@" \
			>"$dir/err.log" 2>&1; then
			fail "nbdkit started with $*"
		fi
		grep -q -- "$want" "$dir/err.log" || fail "$*: no '$want' in: $(cat "$dir/err.log")"
		echo "$*: $(grep -- "$want" "$dir/err.log")"
	}
	expect_error "blocksize=512: zsram stores 4 KiB blocks only" size=1M blocksize=512
	expect_error "comp_algorithm=lzo: not built in" size=1M comp_algorithm=lzo
	expect_error "size=1T is beyond\|beyond this machine's memory" size=64T
	expect_error "mem_limit=" size=1M mem_limit=64T
	expect_error "size= is required"
	expect_error "must be a positive multiple of 4096" size=1000
	expect_error "level=0" size=1M comp_algorithm=zstd level=0
	expect_error "unknown parameter 'sise'" size=1M sise=2
	;;
*)
	echo "unknown case $case_name"
	exit 2
	;;
esac
echo "PASS: $case_name"
