# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# Density over a workload's life: one line per allocator, x = phase.
# Left: by pages held (zsmalloc's pool pages, the others' RSS growth).
# Right: by RSS growth for every allocator, the measure a program sees.
# Input: a whitespace table "config fill free60 compact refill" (datafile),
# written by report.sh from density.csv for one trace; the right panel
# reads density.csv beside it (columns trace, config, phase, live_bytes
# and rss_bytes) for tracename.
set terminal svg size 1120,440 dynamic font "sans,11"
set output outfile
csvfile = system("dirname '".datafile."'")."/density.csv"
set multiplot layout 1,2 title sprintf("Density over the lifecycle, %s trace", tracename)
set ylabel "density (%)"
set yrange [0:100]
set grid ytics
set xtics ("fill" 0, "free 60%%" 1, "compact/purge" 2, "refill" 3)
set xrange [-0.2:3.2]
set key bottom left font ",9"
set title "live bytes / pages held"
plot for [i=0:*] datafile index i using ($0):($2*100) with linespoints lw 2 pt 7 \
	title columnheader(1)
set title "live bytes / RSS growth"
unset key
rss(cfg) = sprintf("< awk -F, '$1 == \"%s\" && $2 == \"%s\" && $3 != \"end\" && $10 > 0 { print $5 / $10 }' '%s'", tracename, cfg, csvfile)
configs = system(sprintf("awk -F, '$1 == \"%s\" && !seen[$2]++ { printf \"%%s \", $2 }' '%s'", tracename, csvfile))
plot for [c in configs] rss(c) using ($0):($1*100) with linespoints lw 2 pt 7 title c
unset multiplot
