# plot_stacked.gp - stacked areas over time (the lru and ksm kinds).
# Variables: data (columns: time_ms then nseries cumulative sums, already
# stacked), nseries, titles, ylabel, plot_title.
load style_file
set title plot_title
set xlabel "simulated time (ms)"
set ylabel ylabel
set yrange [0:*]
set key outside right
plot for [i=nseries:1:-1] data using 1:(column(i+1)) with filledcurves x1 ls i fs solid 0.75 title word(titles, i)
