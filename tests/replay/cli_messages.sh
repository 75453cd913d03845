#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
#
# The zsim command line's messages and exit status, to the letter:
#   cli_messages.sh ZSIM
# Each case runs zsim and compares its exit status and standard error
# with what is expected.  Exit status convention: 0 success, 1 failure
# while running, 2 usage error.
set -u
zsim=$1
tmp=$(mktemp -d /tmp/zsim-cli-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failed=0
cases=0

# expect STATUS STDERR -- ARGS...: run zsim ARGS, compare status and stderr.
expect() {
	local want_status=$1 want_err=$2 got_status
	shift 3
	cases=$((cases + 1))
	"$zsim" "$@" > "$tmp/out" 2> "$tmp/err"
	got_status=$?
	if [ "$got_status" != "$want_status" ] || [ "$(cat "$tmp/err")" != "$want_err" ]; then
		failed=$((failed + 1))
		printf 'FAIL: zsim %s\n  want status %s, stderr:\n%s\n  got status %s, stderr:\n%s\n' \
			"$*" "$want_status" "$want_err" "$got_status" "$(cat "$tmp/err")"
	fi
}

# expect_env VAR=VALUE STATUS STDERR -- ARGS...: the same with VAR set.
# expect_re STATUS REGEX -- ARGS: stderr must match the extended regular
# expression REGEX as a whole line: for messages whose numbers depend on the
# build (slab objects are larger with the debug checks, so the allocation that
# runs out comes at another line of the trace).
expect_re() {
	local want_status=$1 want_re=$2 got_status
	shift 3
	cases=$((cases + 1))
	"$zsim" "$@" > "$tmp/out" 2> "$tmp/err"
	got_status=$?
	if [ "$got_status" != "$want_status" ] || [ "$(wc -l < "$tmp/err")" != 1 ] ||
	   ! grep -Eqx -- "$want_re" "$tmp/err"; then
		failed=$((failed + 1))
		printf 'FAIL: zsim %s\n  want status %s, stderr matching:\n%s\n  got status %s, stderr:\n%s\n' \
			"$*" "$want_status" "$want_re" "$got_status" "$(cat "$tmp/err")"
	fi
}

expect_env() {
	local env=$1
	shift
	(export "${env?}"; failed=0; expect "$@"; exit $failed) || failed=$((failed + 1))
	cases=$((cases + 1))
}

printf 'a %d 3000\n' $(seq 1 400) > "$tmp/t.trace"
printf 'a %d 3000\n' $(seq 1 2000) > "$tmp/big.trace"
gzip -c < "$tmp/t.trace" > "$tmp/t.trace.gz"
head -c 300 "$tmp/t.trace.gz" > "$tmp/cut.trace.gz"
printf '\037\213\011\000\000\000\000\000\000\003garbage' > "$tmp/corrupt.trace.gz"

# unknown options, named as given
expect 2 "zsim trace-gen: unknown option '--sed'" -- trace-gen --mix android --sed 1
expect 2 "zsim replay: unknown option '--sed'" -- replay --sed=1 "$tmp/t.trace"
expect 2 "zsim replay: unknown option '-x'" -- replay -x "$tmp/t.trace"
expect 2 "zsim trace-gen: unknown option '--se' (did you mean --seed?)" -- trace-gen --mix android --se 5
expect 2 "zsim: unknown command 'bogus' (demo, classes, replay, trace-gen or map; see zsim --help)" -- bogus
# a missing value names the option and what it takes
expect 2 "zsim trace-gen: --seed needs a value: a number (0..2^64-1)" -- trace-gen --mix android --seed
expect 2 "zsim classes: --chain needs a value: a number (1..16)" -- classes --chain
expect 2 "zsim replay: --access needs a value: one of obj, map" -- replay "$tmp/t.trace" --access
# a bad value names the option, the value and the expected form or range
expect 2 "zsim trace-gen: --seed: 'abc' is not a number (0..2^64-1)" -- trace-gen --mix android --seed abc
expect 2 "zsim trace-gen: --seed: '-1' is not a number (0..2^64-1)" -- trace-gen --mix android --seed -1
expect 2 "zsim classes: --chain: '0' is out of range (1..16)" -- classes --chain 0
expect 2 "zsim replay: --pageblock-order: '11' is out of range (1..10)" -- replay --pageblock-order 11 "$tmp/t.trace"
expect 2 "zsim trace-gen: --free-share: '101' is out of range (0..100)" -- trace-gen --mix android --free-share 101
expect 2 "zsim trace-gen: --mix: 'foo' is not one of kernel-build, android, uniform" -- trace-gen --mix foo
expect 2 "zsim classes: --preset: '5.99' is not one of 6.18, linux-6.18, newest, 4.8, linux-4.8, dense" -- classes --preset 5.99
expect 2 "zsim replay: --allocator: 'tcmalloc' is not one of zsmalloc, glibc, jemalloc, mimalloc" -- replay --allocator tcmalloc "$tmp/t.trace"
expect 2 "zsim replay: --json takes no value" -- replay --json=1 "$tmp/t.trace"
# --mem: the minimum in the units --mem takes
expect 2 "zsim replay: --mem: '4M' is too small (at least 8M with pageblock order 9)" -- replay --mem 4M "$tmp/t.trace"
expect 2 "zsim demo: --mem: '2M' is too small (at least 4M)" -- demo --mem 2M
expect 2 "zsim replay: --mem: '9M' is not a whole number of pageblocks (2M each with pageblock order 9; 8M or 10M)" -- replay --mem 9M "$tmp/t.trace"
expect 2 "zsim replay: --mem: '4Q' is not a size (4M..1024G; bytes, or with a K, M or G suffix)" -- replay --mem 4Q "$tmp/t.trace"
expect 2 "zsim map: --phase needs a TRACE" -- map --phase fill
expect 2 "zsim map: --zspages: '255' is out of range (0..254)" -- map --zspages 255
# operands
expect 2 "zsim replay: no trace given (see zsim replay --help)" -- replay
expect 2 "zsim replay: one trace at a time ('a' and 'b')" -- replay a b
expect 2 "zsim classes: unexpected operand 'extra' (it takes none)" -- classes extra
# conflicting options are rejected
expect 2 "zsim trace-gen: --mix and --files do not go together (sizes come from one source)" -- trace-gen --mix android --files
expect 2 "zsim trace-gen: '$tmp/t.trace': file paths go with --files, not --mix" -- trace-gen --mix android "$tmp/t.trace"
expect 2 "zsim trace-gen: --level is for --compressor zstd" -- trace-gen --mix android --level 5
expect 2 "zsim replay: --classes does not go with --json (the table is not JSON)" -- replay --classes --json "$tmp/t.trace"
expect 2 "zsim replay: --mem, --pageblock-order, --classes and --access are for --allocator zsmalloc only" -- replay --allocator glibc --mem 64M "$tmp/t.trace"
# --chain 1 warns, and still works
expect 0 "zsim classes: warning: --chain 1: every object becomes huge (zs_huge_class_size() is 0)" -- classes --chain 1
# the trace reader: truncated and corrupt gzip, named by file, line and byte
expect 2 "zsim replay: $tmp/cut.trace.gz:129: truncated gzip file: it ends at byte 300, inside the compressed stream" -- replay "$tmp/cut.trace.gz"
expect 2 "zsim replay: $tmp/corrupt.trace.gz:1: corrupt gzip data before byte 4 (unknown compression method)" -- replay "$tmp/corrupt.trace.gz"
expect 2 "zsim replay: $tmp/none.trace: No such file or directory" -- replay "$tmp/none.trace"
# an injected fault is said to be one, not "try a larger --mem"
(export ZSIM_FAIL_PAGE_NTH=30; failed=0
 expect_re 1 "zsim replay: $tmp/t\\.trace:([0-9]+): allocating 3000 bytes for id \\1 failed: Cannot allocate memory \\([0-9]+ objects, [0-9]+ bytes live\\); a fault was injected \\(ZSIM_FAIL_PAGE_\\*: 1 page allocation\\(s\\) failed on purpose\\)" -- replay "$tmp/t.trace"
 exit $failed) || failed=$((failed + 1))
cases=$((cases + 1))
expect_env ZSIM_FAIL_SLAB_NTH=5 1 "zsim replay: cannot create the pool: Cannot allocate memory; a fault was injected (ZSIM_FAIL_SLAB_*: 1 slab allocation(s) failed on purpose)" -- replay "$tmp/t.trace"
expect_env ZSIM_FAIL_SLAB_NTH=2 1 "zsim replay: cannot boot the machine: initcall zs_init failed: -12; fault injection is on (ZSIM_FAIL_SLAB_NTH=2), so an injected fault may have failed it" -- replay "$tmp/t.trace"
expect_env ZSIM_COMPACTION=maybe 1 'zsim classes: ZSIM_COMPACTION="maybe" is not a switch: expected on or off (or 1 or 0)' -- classes
expect_env ZSIM_COMPACTION=maybe 1 'zsim replay: ZSIM_COMPACTION="maybe" is not a switch: expected on or off (or 1 or 0)' -- replay "$tmp/t.trace"
# a real shortage still suggests --mem
expect_re 1 "zsim replay: $tmp/big\\.trace:([0-9]+): allocating 3000 bytes for id \\1 failed: Cannot allocate memory \\([0-9]+ objects, [0-9]+ bytes live\\); try a larger --mem" -- replay --mem 4M --pageblock-order 7 "$tmp/big.trace"

# streams: a pipe on standard input, process substitution, plain and gzip
for f in t.trace t.trace.gz; do
	cases=$((cases + 1))
	if ! "$zsim" replay - < "$tmp/$f" | grep -q '^phase=end .*live_objects=400 '; then
		echo "FAIL: zsim replay - < $f"; failed=$((failed + 1))
	fi
	cases=$((cases + 1))
	if ! cat "$tmp/$f" | "$zsim" replay - | grep -q '^phase=end .*live_objects=400 '; then
		echo "FAIL: cat $f | zsim replay -"; failed=$((failed + 1))
	fi
	cases=$((cases + 1))
	if ! "$zsim" replay <(cat "$tmp/$f") | grep -q '^phase=end .*live_objects=400 '; then
		echo "FAIL: zsim replay <(cat $f)"; failed=$((failed + 1))
	fi
done

# trace-gen --files DIR takes the files below DIR's subdirectories too
mkdir -p "$tmp/files/a/b" "$tmp/empty/sub" "$tmp/zeros"
head -c 20000 /dev/urandom > "$tmp/files/a/b/data"
head -c 8192 /dev/zero > "$tmp/zeros/z"
expect 0 "" -- trace-gen --files "$tmp/files" -o "$tmp/files.trace"
cases=$((cases + 1))
if ! grep -q '^# source: 5 pages of 1 files, lz4' "$tmp/files.trace"; then
	echo "FAIL: trace-gen --files DIR did not read DIR/a/b/data"; failed=$((failed + 1))
fi
expect 2 "zsim trace-gen: $tmp/empty: no readable regular file in it or below it" -- trace-gen --files "$tmp/empty"
expect 1 "zsim trace-gen: no page to store: the 1 file(s) read gave 2 page(s), all of them empty or same-filled" -- trace-gen --files "$tmp/zeros" -o "$tmp/zeros.trace"

# every subcommand's --help exits 0 and states the exit status convention
for c in demo classes replay trace-gen map; do
	cases=$((cases + 1))
	if ! "$zsim" $c --help | grep -qx 'Exit status: 0 success, 1 failure while running, 2 usage error.'; then
		echo "FAIL: zsim $c --help"; failed=$((failed + 1))
	fi
done
cases=$((cases + 1))
if ! "$zsim" --help | grep -q '^Exit status, for every command: 0 success, 1 failure while running,$'; then
	echo "FAIL: zsim --help"; failed=$((failed + 1))
fi

echo "$cases cases, $failed failed"
[ $failed = 0 ]
