# plot_series.gp - one line per series: the mrc and tlb kinds.
# Variables set by mmsim plot: data (file, one block per series separated by
# two blank lines, columns x y), nseries, titles (space-separated), xlabel,
# ylabel, plot_title, logx (1 = log2 x axis).
load style_file
set title plot_title
set xlabel xlabel
set ylabel ylabel
set yrange [0:*]
if (logx) { set logscale x 2 }
plot for [i=0:nseries-1] data index i using 1:2 with linespoints ls (i+1) title word(titles, i+1)
