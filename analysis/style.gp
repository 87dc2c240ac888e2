# style.gp - shared look of every mmsim figure: Okabe-Ito colour-blind-safe
# palette, thick lines, light grid, no enhanced text (column names keep their
# underscores). Loaded by the plot_<kind>.gp templates.
set encoding utf8
set termoption noenhanced
set key noenhanced
set grid back lc rgb "#dddddd" lw 1
set border 3 lw 1.2
set tics nomirror out
set key top right noopaque samplen 2.5 spacing 1.2
set style line 1 lc rgb "#0072B2" lw 2.2 pt 7 ps 0.8
set style line 2 lc rgb "#D55E00" lw 2.2 pt 5 ps 0.8
set style line 3 lc rgb "#009E73" lw 2.2 pt 9 ps 0.9
set style line 4 lc rgb "#CC79A7" lw 2.2 pt 11 ps 0.9
set style line 5 lc rgb "#E69F00" lw 2.2 pt 13 ps 0.9
set style line 6 lc rgb "#56B4E9" lw 2.2 pt 3 ps 0.9
set style line 7 lc rgb "#000000" lw 2.2 pt 1 ps 0.9
set style line 8 lc rgb "#F0E442" lw 2.2 pt 2 ps 0.9
set style increment user
