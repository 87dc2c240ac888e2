# plot_timeline.gp - a run over simulated time: gauges on top (with the
# zone's min/low/high watermarks as dashed lines when known), per-interval
# rates of event counters below.
# Variables: data (columns: time_ms then ngauges gauges then nrates rates),
# ngauges, nrates, gtitles, rtitles, wmin, wlow, whigh (0 = unknown), plot_title.
load style_file
set multiplot layout 2,1 title plot_title
set xlabel "simulated time (ms)"
set ylabel "pages"
set yrange [0:*]
set key outside right
if (whigh > 0) {
  plot for [i=1:ngauges] data using 1:(column(i+1)) with lines ls i title word(gtitles, i), \
       wmin with lines dt 2 lw 1.5 lc rgb "#444444" title "min watermark", \
       wlow with lines dt 3 lw 1.5 lc rgb "#444444" title "low watermark", \
       whigh with lines dt 4 lw 1.5 lc rgb "#444444" title "high watermark"
} else {
  plot for [i=1:ngauges] data using 1:(column(i+1)) with lines ls i title word(gtitles, i)
}
set ylabel "events per ms"
if (nrates > 0) {
  plot for [i=1:nrates] data using 1:(column(i+1+ngauges)) with lines ls (i+2) title word(rtitles, i)
} else {
  unset key
  plot 0 with lines lc rgb "#ffffff" notitle
}
unset multiplot
