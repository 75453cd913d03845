#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
#
# bench/report.sh BUILDDIR RESULTS DOCS
#
# Turn bench/results/*.csv into DOCS/BENCHMARKS.md and the SVG plots
# under DOCS/img/.  Run by bench/run_all.sh after the benchmarks.
set -eu

build=$1
res=$2
docs=$3
img=$docs/img
md=$docs/BENCHMARKS.md
mkdir -p "$img"

# --- machine and versions ---------------------------------------------------------
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
ncpu=$(nproc 2> /dev/null || echo "?")
kernel=$(uname -sr)
distro=$( (. /etc/os-release && echo "$PRETTY_NAME") 2> /dev/null || echo unknown)
glibc=$(ldd --version 2> /dev/null | head -1 | sed 's/.* //')
jever=$(sed -n 's/^# version jemalloc //p' "$res/speed.csv" | head -1)
miver=$(sed -n 's/^# version mimalloc //p' "$res/speed.csv" | head -1)
jepkg=$(dpkg-query -W -f='${Version}' libjemalloc2 2> /dev/null || echo "?")
mipkg=$(dpkg-query -W -f='${Version}' libmimalloc2.0 2> /dev/null || echo "?")
cc=$(sed -n 's/^CMAKE_C_COMPILER:[^=]*=//p' "$build/CMakeCache.txt" | head -1)
ccver=$($cc --version 2> /dev/null | head -1 || echo "?")
btype=$(sed -n 's/^CMAKE_BUILD_TYPE:[^=]*=//p' "$build/CMakeCache.txt" | head -1)
debugvm=$(sed -n 's/^ZSMALLOC_DEBUG_VM:[^=]*=//p' "$build/CMakeCache.txt" | head -1)
when=$(date -u '+%Y-%m-%d %H:%M UTC')
command=${BENCH_COMMAND:-sh bench/run_all.sh $build}

# --- plots --------------------------------------------------------------------------
if command -v gnuplot > /dev/null 2>&1; then
	for trace in files-lz4 kernel-build; do
		awk -F, -v t="$trace" '
			$1 == t && $3 != "end" {
				if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 }
				d[$2, $3] = ($9 == "n/a" ? 0 : $9)
			}
			END {
				for (i = 1; i <= n; i++) {
					c = order[i]
					printf "\"%s\" density\n", c
					printf "fill %s\nfree60 %s\ncompact %s\nrefill %s\n\n\n", \
						d[c, "fill"], d[c, "free60"], d[c, "compact"], d[c, "refill"]
				}
			}' "$res/density.csv" > "$res/density-$trace.dat"
		gnuplot -e "datafile='$res/density-$trace.dat'; outfile='$img/bench-density-$trace.svg'; tracename='$trace'" \
			"$(dirname "$0")/density.gp"
	done
	awk -F, '
		$3 == "size" && $2 == 1 && ($4 == "pair" || $4 == "read_obj" || $4 == "read_copy") {
			a = $1
			if (!(a in seen)) { seen[a] = 1; order[++n] = a }
			# several processes per allocator: the least of them
			if ($4 == "pair" && (!((a, $5) in pair) || $6 + 0 < pair[a, $5] + 0))
				pair[a, $5] = $6
			else if (a == "zsmalloc" && $4 == "read_obj" &&
				 (!((a, $5) in rd) || $6 + 0 < rd[a, $5] + 0))
				rd[a, $5] = $6
			else if (a != "zsmalloc") rd[a, $5] = $6
			sizes[$5] = 1
		}
		END {
			split("32 64 128 256 512 768 1024 1536 2048 2560 3072 3584 4096", s, " ")
			for (i = 1; i <= n; i++) {
				a = order[i]
				printf "\"%s\" pair read\n", a
				for (j = 1; j <= 13; j++)
					if ((a, s[j]) in pair)
						printf "%s %s %s\n", s[j], pair[a, s[j]], rd[a, s[j]]
				printf "\n\n"
			}
		}' "$res/speed.csv" > "$res/speed-by-size.dat"
	gnuplot -e "datafile='$res/speed-by-size.dat'; outfile='$img/bench-speed-by-size.svg'" \
		"$(dirname "$0")/speed_by_size.gp"
	rm -f "$res"/density-*.dat "$res/speed-by-size.dat"
	plots=yes
else
	plots=no
fi

# --- numbers the targets need -------------------------------------------------------
dens() {	# trace config phase
	awk -F, -v t="$1" -v c="$2" -v p="$3" '$1 == t && $2 == c && $3 == p { print $9 }' \
		"$res/density.csv" | head -1
}
speed() {	# allocator threads liveset op size: the least of its processes
	speed_min "$1" "$1" "$2" "$3" "$4" "$5"
}
speed_min() {	# allocator other-name threads liveset op size: the least of both
	awk -F, -v a="$1" -v b="$2" -v th="$3" -v l="$4" -v o="$5" -v s="$6" \
		'($1 == a || $1 == b) && $2 == th && $3 == l && $4 == o && $5 == s &&
		 (m == "" || $6 + 0 < m + 0) { m = $6 } END { if (m != "") print m }' \
		"$res/speed.csv"
}
calc() {
	awk "BEGIN { printf \"%.2f\", $1 }" 2> /dev/null || echo "n/a"
}
verdict() {	# condition (awk expression) -> met / missed
	if awk "BEGIN { exit !($1) }" 2> /dev/null; then echo "**met**"; else echo "**missed**"; fi
}

zc=$(dens files-lz4 zsmalloc-newest compact)
zc16=$(dens files-lz4 zsmalloc-chain16 compact)
zc48=$(dens files-lz4 zsmalloc-4.8 compact)
jc=$(dens files-lz4 jemalloc compact)
zf=$(dens files-lz4 zsmalloc-newest fill)
gf=$(dens files-lz4 glibc fill)
zsp_hot=$(speed zsmalloc 1 hot pair mix)
jep_hot=$(speed jemalloc 1 hot pair mix)
zsp_cold=$(speed zsmalloc 1 cold pair mix)
jep_cold=$(speed jemalloc 1 cold pair mix)
ro_ns=$(speed zsmalloc 1 hot read_obj_nonspan mix)
rc_ns=$(speed zsmalloc 1 hot read_copy_nonspan mix)
ro_sp=$(speed zsmalloc 1 hot read_obj_span mix)
rc_sp=$(speed zsmalloc 1 hot read_copy_span mix)
ro_ns_c=$(speed zsmalloc 1 cold read_obj_nonspan mix)
rc_ns_c=$(speed zsmalloc 1 cold read_copy_nonspan mix)
ro_sp_c=$(speed zsmalloc 1 cold read_obj_span mix)
rc_sp_c=$(speed zsmalloc 1 cold read_copy_span mix)
span_share=$(speed zsmalloc 1 hot spanning_share mix)

r_hot=$(calc "$zsp_hot / $jep_hot")
r_cold=$(calc "$zsp_cold / $jep_cold")
over_ns=$(calc "$ro_ns - $rc_ns")
over_ns_c=$(calc "$ro_ns_c - $rc_ns_c")
r_sp=$(calc "$ro_sp / $rc_sp")
r_sp_c=$(calc "$ro_sp_c / $rc_sp_c")

# --- the document -------------------------------------------------------------------
{
cat << EOF
# Benchmarks

Generated by \`make bench\` (bench/run_all.sh → bench/report.sh) on $when.
Do not edit by hand: the next \`make bench\` rewrites this file. Raw results are in
\`bench/results/\` (density.csv, speed.csv, compact.csv, the .txt outputs and profile.txt).

## Machine and versions

| | |
|---|---|
| CPU | $cpu, $ncpu CPUs online |
| Kernel | $kernel |
| System | $distro, glibc $glibc |
| jemalloc | $jever (Debian libjemalloc2 $jepkg) |
| mimalloc | $miver (Debian libmimalloc2.0 $mipkg) |
| Compiler | $ccver, CMake build type $btype, ZSMALLOC_DEBUG_VM=$debugvm |
| Command | \`$command\` |

Timings come from a shared virtual machine: expect ±10–20 % between runs. Every speed figure is
the minimum over several rounds and over three processes of each allocator, run in turn.

## Targets

| Target | Measured | Verdict |
|---|---|---|
| Density after compaction ≥ 95 % on the real-file trace, 60 % freed | zsmalloc newest $(calc "$zc * 100")% (chain 16 $(calc "$zc16 * 100")%, 4.8 $(calc "$zc48 * 100")%); jemalloc after purge $(calc "$jc * 100")% | $(verdict "$zc >= 0.95") (newest) / $(verdict "$zc16 >= 0.95") (chain 16) |
| Density after fill ≥ glibc's | zsmalloc newest $(calc "$zf * 100")%, glibc $(calc "$gf * 100")% | $(verdict "$zf >= $gf") |
| zs_malloc + zs_free ≤ 2× jemalloc's pair | hot $zsp_hot vs $jep_hot ns = ${r_hot}×; cold $zsp_cold vs $jep_cold ns = ${r_cold}× | $(verdict "$r_hot <= 2") (hot) / $(verdict "$r_cold <= 2") (cold) |
| Non-spanning read < 10 ns beyond the copy | hot: $ro_ns ns vs memcpy $rc_ns ns = +$over_ns ns; cold: +$over_ns_c ns | $(verdict "$over_ns < 10") |
| Spanning read close to its memcpy (≤ 1.5×) | hot: $ro_sp vs $rc_sp ns = ${r_sp}×; cold: ${r_sp_c}× | $(verdict "$r_sp <= 1.5") |

The real-file trace is \`zsim trace-gen --files --max-pages 32768 --compressor lz4 --seed 1\`:
32768 pages (128 MiB) of a seeded sample of /usr/bin, /usr/sbin and /usr/lib/<multiarch>
on this machine. The speed targets use the uniform 32..4096 B stream.

## 1. Density over the lifecycle

Each trace: fill, free a random 60 %, compact (\`zs_compact\`; \`malloc_trim(0)\`; jemalloc
\`thread.tcache.flush\` + \`arena.4096.purge\`; \`mi_collect(true)\`), refill as many new
objects. Density = live bytes / (pages held × 4096); pages held = \`zs_get_total_pages\` for
zsmalloc, RSS growth for the others. Every allocator replays the same trace (huge rule: stored as
4096 from 3625 B, the newest kernel's). Metadata: zsmalloc handle + zspage slab bytes;
jemalloc \`stats.metadata\` (includes its fixed base: arenas, rtree); glibc and mimalloc have no
counter (n/a; glibc's is an 8 B size field inside every chunk, counted in its pages).

EOF
echo '```'
cat "$res/density.txt"
echo '```'
if [ "$plots" = yes ]; then
	echo
	echo "![density, real files](img/bench-density-files-lz4.svg)"
	echo
	echo "![density, kernel-build mix](img/bench-density-kernel-build.svg)"
fi
cat << EOF

Scale matters for zsmalloc after compaction: each size class keeps at most one partly used
zspage, up to chain-size pages, whatever the population. The real-file trace leaves about 13k
live objects after freeing 60 %, so that per-class remainder is several percent of the pool,
more at chain 16 than at chain 8; bench_compact (section 3), at 200k objects, ends at 96–97.6 %.

RSS: the second table compares every allocator on RSS growth, the measure a program sees
(live bytes / RSS growth), and gives zsmalloc's RSS beside its pool pages (MiB); the
right-hand plots show the same. The simulated machine gives free pages back to the OS by free
page reporting, and a bulk free such as \`zs_compact()\` queues the pass at once, so RSS
follows the pool. \`zsim replay\` reads zsmalloc's RSS on each phase line once that pass
has caught up (\`zsim_report_free_pages()\`), so the figure does not depend on how far the
reporting worker had got when the line was printed; the other allocators' RSS is read at
once (jemalloc's decay would give back more given seconds). Section 6 measures how long the
catching up takes. The pool-pages figure is the one zram reports (\`mem_used_total\`).

EOF

# --- growing zspages: ZS_PRESET_DENSE against the newest preset ----------------------
cat << EOF
### Growing zspages: ZS_PRESET_DENSE against the newest preset

\`ZS_PRESET_DENSE\` (\`zsim replay --preset dense\`, row zsmalloc-dense) is 6.18's policies with
chains of 16 pages that grow page by page (\`ZS_GROW_BY_PAGE\`) and \`ZS_COMPACT_EMPTY_TAILS\`
compaction; no kernel does this. Pool pages (\`zs_get_total_pages\`) and RSS of the replaying
process at each phase, newest → dense, on the same trace:

EOF
echo '| trace | phase | pool pages newest → dense | density newest → dense | RSS MiB newest → dense |'
echo '|---|---|---|---|---|'
awk -F, '
	$2 == "zsmalloc-newest" || $2 == "zsmalloc-dense" {
		if ($3 == "end") next
		k = $1 SUBSEP $3
		if (!(k in seen)) { seen[k] = 1; order[++n] = k }
		p[k, $2] = $6; d[k, $2] = $9; r[k, $2] = $10
	}
	END {
		for (i = 1; i <= n; i++) {
			k = order[i]; split(k, tp, SUBSEP)
			printf "| %s | %s | %s → %s (%+.1f%%) | %.2f%% → %.2f%% | %.1f → %.1f |\n",
				tp[1], tp[2], p[k, "zsmalloc-newest"], p[k, "zsmalloc-dense"],
				p[k, "zsmalloc-newest"] ? 100 * (p[k, "zsmalloc-dense"] - p[k, "zsmalloc-newest"]) / p[k, "zsmalloc-newest"] : 0,
				100 * d[k, "zsmalloc-newest"], 100 * d[k, "zsmalloc-dense"],
				r[k, "zsmalloc-newest"] / 1048576, r[k, "zsmalloc-dense"] / 1048576
		}
	}' "$res/density.csv"
zdf=$(dens files-lz4 zsmalloc-dense fill)
zdc=$(dens files-lz4 zsmalloc-dense compact)
# trace-phases of the other traces where dense does not hold fewer pool pages
notfewer=$(awk -F, '
	$1 != "files-lz4" && $3 != "end" && $2 == "zsmalloc-newest" { n[$1 SUBSEP $3] = $6 }
	$1 != "files-lz4" && $3 != "end" && $2 == "zsmalloc-dense" { d[$1 SUBSEP $3] = $6 }
	END { for (k in d) if ((k in n) && d[k] + 0 >= n[k] + 0) w++; print w + 0 }' "$res/density.csv")
# trace-phases of the other traces where dense's RSS is not lower
notlower=$(awk -F, '
	$1 != "files-lz4" && $3 != "end" && $2 == "zsmalloc-newest" { n[$1 SUBSEP $3] = $10 }
	$1 != "files-lz4" && $3 != "end" && $2 == "zsmalloc-dense" { d[$1 SUBSEP $3] = $10 }
	END { for (k in d) if ((k in n) && d[k] + 0 >= n[k] + 0) w++; print w + 0 }' "$res/density.csv")
dsp_hot=$(speed_min zsmalloc-dense zs-dense-alt 1 hot pair mix)
dsp_cold=$(speed_min zsmalloc-dense zs-dense-alt 1 cold pair mix)
nsp_hot=$(speed_min zsmalloc zs-newest-alt 1 hot pair mix)
nsp_cold=$(speed_min zsmalloc zs-newest-alt 1 cold pair mix)
dsrc="bench_speed, one run: the least of its full process and three pair-only processes of each preset, run in turn"
# results from before bench_speed measured the dense preset: instruction counts
pair_row=""
if [ -z "$dsp_hot" ] && [ -f "$res/speed-dense.csv" ]; then
	ir_n=$(awk -F, '$1 == "newest" { print $2 }' "$res/speed-dense.csv")
	ir_d=$(awk -F, '$1 == "dense" { print $2 }' "$res/speed-dense.csv")
	pair_row="| zs_malloc + zs_free within 15 % of the newest preset's (instructions inside them under callgrind, same workload; bench/results/speed-dense.csv) | newest $ir_n, dense $ir_d = $(calc "$ir_d / $ir_n")× | $(verdict "$ir_d <= 1.15 * $ir_n") |"
fi
[ -n "$pair_row" ] || pair_row="| zs_malloc + zs_free pair within 15 % of the newest preset's ($dsrc) | hot $dsp_hot vs $nsp_hot ns = $(calc "$dsp_hot / $nsp_hot")×; cold $dsp_cold vs $nsp_cold ns = $(calc "$dsp_cold / $nsp_cold")× | $(verdict "$dsp_hot <= 1.15 * $nsp_hot") (hot) / $(verdict "$dsp_cold <= 1.15 * $nsp_cold") (cold) |"
cat << EOF

| Target (ZS_PRESET_DENSE) | Measured | Verdict |
|---|---|---|
| Real-file trace (files-lz4) ≥ 98 % after the fill | $(calc "$zdf * 100")% (newest $(calc "$zf * 100")%) | $(verdict "$zdf >= 0.98") |
| Real-file trace ≥ 96 % after freeing 60 % and compacting | $(calc "$zdc * 100")% (newest $(calc "$zc * 100")%) | $(verdict "$zdc >= 0.96") |
| Fewer pool pages than the newest preset at every phase of every other trace | $notfewer trace-phases not fewer | $(verdict "$notfewer == 0") |
| Lower RSS than the newest preset at every phase of every other trace (read once free page reporting has caught up) | $notlower trace-phases not lower | $(verdict "$notlower == 0") |
$pair_row

Where the pages go: a part-used zspage holds only the pages its objects reach, so chain 16's
lower tail waste no longer costs a mostly empty 16-page zspage per class; after compaction each
class keeps one part-used zspage, packed into its lowest slots and cut to the pages they touch.
Chain 16 also raises \`zs_huge_class_size()\` from 3625 to 3833 B, so zram-style callers store
objects in between compressed, in shared pages. On the real-file traces generated with that
rule (\`zsim trace-gen --preset dense\`) the dense pool needs 27 (lz4) and 5 (zstd) fewer pages
after the fill than on the 3625 B traces above: few pages compress to 3625..3832 B. Objects of
3833 B and more still take a page each: sharing pages would need 17 of them in 16 pages, more
than a 16-page chain holds. RSS is what the replaying process holds, set by when free page
reporting has given the free pages back (see above). Two things a dense pool pays for in
metadata: its zspage objects carry the chain table (96 bytes against 64), and RSS also holds
the struct pages of every section memory growth onlined.

## 2. Speed

Uniform 32..4096 B sizes, the same seeded stream for every allocator; hot = 1024 live objects,
cold = 131072 (≈270 MB). Pair = steady state, free a batch of random live objects then allocate
as many with new sizes. Write: \`zs_obj_write\` vs \`memcpy\` into the object. Read:
\`zs_obj_read_begin\` (+ \`memcpy\` out when it returned a pointer into the object) +
\`zs_obj_read_end\` vs \`memcpy\` out of the object. Two threads: each its own live set, one pool,
pinned to the first two CPUs; "split sizes" gives thread 0 the sizes 32..2064 and thread 1 the
rest, so that no size class is shared.

EOF
echo '```'
sed -n '/^ns per operation/,$p' "$res/speed.txt"
echo '```'
if [ "$plots" = yes ]; then
	echo
	echo "![cost by size](img/bench-speed-by-size.svg)"
fi
cat << EOF

## 3. Compaction

\`bench_compact\`: fill with the kernel-build mix, free 30/50/70 %, one \`zs_compact()\`, in
both fullness schemes. \`moved\` counts object copies
(\`objs_moved\` of the pool snapshot; an object moved into a zspage that later drains moves
twice), \`mv/pg\` per page freed. RSS (MiB) after the frees (\`rss0\`), after \`zs_compact()\`
(\`rss1\`) and after zone compaction (\`rss2\`, \`zsim_compact_memory()\`): the pages
\`zs_compact()\` frees lie scattered between live zspages, and the arena gives only whole free
pageblocks back to the OS, so RSS follows once zone compaction has gathered the free pages.
Exact columns in compact.csv.

EOF
echo '```'
cat "$res/compact.txt"
echo '```'
cat << EOF

## 4. Fragmentation and migration

EOF
echo '```'
cat "$res/fragmentation.txt" 2> /dev/null || echo "(no output)"
echo '```'
for f in "$res"/fragmentation*.csv; do
	[ -f "$f" ] || continue
	echo
	echo "$(basename "$f"):"
	echo '```'
	cat "$f"
	echo '```'
done
cat << EOF

## 5. zsram against Linux zram

\`bench/bench_zsram.sh\` (step 5 of \`make bench\`; the Linux zram rows need root and a free
\`/dev/zram0\`, and are skipped with a message otherwise) puts the same disk image into zsram
(the nbdkit plugin: one \`nbdkit -U\` server, written by \`nbdcopy --flush\` and read back by
\`nbdcopy\` to \`null:\`) and into \`/dev/zram0\` (reset, \`comp_algorithm\`, \`disksize\`,
written and read by \`dd bs=1M\` with O_DIRECT, then reset again).  Sizes are the devices'
own \`mm_stat\`, read after the write; "process RSS" is nbdkit's VmRSS at that moment.
nbdcopy does not write the zero blocks of the image (it leaves them as holes) while dd writes
every block, so \`same_pages\` and \`orig_data_size\` differ; a zero block costs nothing in
either.  zram runs in the kernel with no copy over a socket; zsram pays for the NBD protocol.

EOF
cat "$res/zsram.md" 2> /dev/null || echo "(not run: the zsram plugin was not built)"
cat << EOF

## 6. Memory: RSS after compaction, growth with demand

\`bench_reporting\` (see its header): the cost of free page reporting on the \`zs_malloc\` +
\`zs_free\` loop, on and off in one run; RSS after \`zs_compact()\` at 0..500 ms with no
other call; then, on machines that grow (the default: 16 MiB at boot, up to half the host's
memory), RSS growth against the target pool bytes + 4 MiB + metadata (the slab pages of
handles and zspages, and the struct pages of the memory online) as \`zs_compact()\` returns,
100 ms and 1 s later, on a churn (fill, free half, refill, free half), on the real-file trace,
and for a program that never calls \`zsim_init()\` and stores 2 GiB.

\`\`\`
EOF
cat "$res/memory.txt" 2> /dev/null || echo "(not run)"
cat << EOF
\`\`\`

## Where the time goes (profile)

EOF
echo '```'
cat "$res/profile.txt" 2> /dev/null || echo "(no profiler available)"
echo '```'
cat << 'EOF'

Reading the profile against lib/zsmalloc.c (as of this writing):
- Every object access (`zs_obj_read_begin`/`_end`, `zs_obj_write`, `zs_map_object`/`unmap`) goes
  through `zs_obj_lock`/`zs_obj_unlock`: `pin_tag()` (an atomic bit lock on the handle) and its
  release (a store); an access that spans two pages also takes `read_lock(&zspage->lock)` and
  its release, two more atomics. With a hot set the pin, the lookup (handle, `struct page`,
  zspage, class) and the misuse checks are the +N ns a non-spanning read costs over its memcpy,
  with the copy itself a little slower than the baseline's (the object starts 8 bytes into its
  slot, after the handle); with a cold set the handle slot, the `struct page`/zspage and the
  object are three dependent cache misses where malloc has one. What would close the gap
  further: a lookup that needs no atomic at all (an RCU-protected handle read and a zspage
  whose memory stays a zspage, as `SLAB_TYPESAFE_BY_RCU` gives), and `struct zspage` next to
  the first page's `struct page` so the lookup touches one line. The pin's locked instruction
  alone, measured by replacing it with a plain test and set: 24 ns of a hot non-spanning read's
  excess, and a third of the cold pair; `zs_free()` no longer takes it ("Fourth round" below).
- `zs_malloc`/`zs_free` pay `kmem_cache_alloc`/`kmem_cache_free` for the handle (a pop and a
  push on this CPU's sheaf, one compare-and-swap each), the class lock, and
  `fix_fullness_group`/`insert_zspage` list moves on most frees; jemalloc's pair is a
  thread-cache push/pop. Batching fullness updates (as the kernel's lock-contention series does
  for `zs_free`) is the known fix for the last.
- Density: what keeps zsmalloc below 100 % after compaction is class rounding (16 B steps),
  zspage tail waste, one partly filled zspage per class, and huge objects (stored as 4096 B by
  zram's rule, 100 % dense themselves). bench/results/classes-files-lz4.txt has the debugfs
  classes table after each phase; longer chains (chain 16) cut tail waste and raise density,
  as the kernel's own measurements for the configurable chain size (Linux 6.2) show.

## Cost of the tracepoints and fault sites when off

Measured by instruction count under callgrind, because the shared
machine's load (4 and more on 2 cores) hides wall-clock differences of a
few percent: eight alternating wall-clock runs of one loop gave 175..310
ns per cycle before and 123..275 ns after.  Plain build (RelWithDebInfo),
\`ZSIM_MADVISE=0\`:

\`\`\`
ZSIM_MADVISE=0 valgrind --tool=callgrind build/bin/bench_speed --child --allocator zsmalloc --quick
\`\`\`

| build | instructions, whole run |
|---|---|
| before tracepoints and fault targets | 1 044 872 832 |
| every event off, no fault site armed | 1 047 802 058 (+0.28 %) |

Per operation, in a loop of \`zs_free()\` of one of 4096 live objects and
\`zs_malloc()\` of 32..4031 bytes in its place (100 000 cycles, boot and
fill subtracted): 672.2 instructions per cycle before, 674.6 with every
event off (+0.4 %), 816.8 with every event on
(\`zsim_trace_start("all")\`, 64 MiB buffers per CPU; +21.5 %).  A first
version, whose slab fault check was an out-of-line call, cost 680.8
(+1.3 %): \`kmem_cache_alloc()\` set up the cache name and size arguments
before the call looked at the armed flag; the flag is now tested inline.
EOF
# Hand-written: the speed work's before/after measurements and profiles.
cat "$(dirname "$0")/speed_notes.md" 2> /dev/null
cat << 'EOF'

## How to reproduce

```
make bench                       # everything: build, run, this file
build/bin/zsim trace-gen --files -o files.trace.gz
build/bin/zsim replay --allocator jemalloc files.trace.gz
build/bin/bench_speed --csv speed.csv
build/bin/bench_compact --csv compact.csv
```
jemalloc and mimalloc run in their own process: `zsim replay` and `bench_speed` re-execute
themselves with the Debian library in `LD_PRELOAD` (found in /usr/lib/<multiarch>, or named by
`ZSIM_JEMALLOC_SO` / `ZSIM_MIMALLOC_SO`) and reach `mallctl` / `mi_collect` with
`dlsym(RTLD_DEFAULT, ...)`. A missing library makes that allocator exit with status 77 and be
skipped.
EOF
} > "$md"
echo "report: wrote $md" >&2
