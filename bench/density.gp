# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# Density over a workload's life: one line per allocator, x = phase.
# Input: a whitespace table "config fill free60 compact refill" (datafile),
# written by report.sh from density.csv for one trace.
set terminal svg size 760,440 dynamic font "sans,11"
set output outfile
set title sprintf("Density over the lifecycle, %s trace (live bytes / pages held)", tracename)
set ylabel "density (%)"
set yrange [0:100]
set grid ytics
set key outside right
set xtics ("fill" 0, "free 60%%" 1, "compact/purge" 2, "refill" 3)
set xrange [-0.2:3.2]
plot for [i=0:*] datafile index i using ($0):($2*100) with linespoints lw 2 pt 7 \
	title columnheader(1)
