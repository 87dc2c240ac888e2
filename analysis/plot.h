/* SPDX-License-Identifier: MIT */
/*
 * plot.h - figures from mmsim results with gnuplot.
 */
#ifndef MMSIM_PLOT_H
#define MMSIM_PLOT_H

#include <stddef.h>

struct plot_opts {
	const char *input;  /* results.csv, timeline.csv, a sweep dir or a run dir */
	const char *kind;   /* mrc, timeline, lru, tlb, ksm; NULL = from the input */
	const char *output; /* FILE.png | .svg | .pdf */
	const char *x;      /* x column override, or NULL */
	const char *y;      /* y column(s) override, or NULL */
	const char *title;  /* figure title, or NULL */
};

/* plot_make() - draw the figure. Return: 0, or -1 with a one-line message in @err. */
int plot_make(const struct plot_opts *o, char *err, size_t errlen);

#endif /* MMSIM_PLOT_H */
