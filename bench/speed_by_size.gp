# SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0-only
# Cost per operation by object size (hot live set of 1024 objects, one
# size at a time): malloc+free pair and read, per allocator.
# Input: blocks "allocator" then "size pair read" rows, blank-line separated
# pairs between allocators (datafile), written by report.sh.
set terminal svg size 900,420 dynamic font "sans,11"
set output outfile
set multiplot layout 1,2 title "Cost per operation by object size (hot live set, 1 thread)"
set logscale x 2
set xlabel "object size (bytes)"
set grid
set key top left
set ylabel "ns per malloc+free pair"
plot for [i=0:*] datafile index i using 1:2 with linespoints lw 2 pt 7 title columnheader(1)
set ylabel "ns per read (into a caller buffer)"
plot for [i=0:*] datafile index i using 1:3 with linespoints lw 2 pt 7 title columnheader(1)
unset multiplot
