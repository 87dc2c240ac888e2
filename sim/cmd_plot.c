// SPDX-License-Identifier: MIT
/*
 * cmd_plot.c - 'mmsim plot': figures from sweep and run results.
 */
#include "cli.h"
#include "plot.h"
#include "util.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void plot_usage(FILE *out)
{
	fprintf(out,
	        "usage: mmsim plot INPUT [--kind KIND] [-o FILE.{png,svg,pdf}] [--x COL] [--y "
	        "COL[,COL]]\n\n"
	        "INPUT is a sweep directory or its results.csv, or a run directory or its\n"
	        "timeline.csv. Kinds:\n"
	        "  mrc       --y (default miss_ratio) against capacity or memory, a line per "
	        "policy\n"
	        "  tlb       TLB miss ratio (page_walks/accesses) against the swept tlb.*.entries\n"
	        "  timeline  free pages (and watermarks) over time, with per-interval event rates\n"
	        "  lru       stacked active/inactive anon/file list sizes over time\n"
	        "  ksm       ksm_pages_shared and ksm_pages_sharing over time\n"
	        "Default kind: mrc for sweep results, timeline for a run. Default output:\n"
	        "KIND.png in the current directory. The terminal follows the extension\n"
	        "(pngcairo, svg, pdfcairo). Needs gnuplot (gnuplot-nox).\n"
	        "  --title TEXT   figure title\n");
}

int cmd_plot(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"kind", required_argument, NULL, 'k'},
	        {"output", required_argument, NULL, 'o'},
	        {"x", required_argument, NULL, 'x'},
	        {"y", required_argument, NULL, 'y'},
	        {"title", required_argument, NULL, 't'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	struct plot_opts o = {0};
	char err[1024], def_out[64];
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "k:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			o.kind = optarg;
			break;
		case 'o':
			o.output = optarg;
			break;
		case 'x':
			o.x = optarg;
			break;
		case 'y':
			o.y = optarg;
			break;
		case 't':
			o.title = optarg;
			break;
		case 'h':
			plot_usage(stdout);
			return EXIT_OK;
		default:
			return usage_error("plot", "unknown option or missing value: '%s'",
			                   argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return usage_error("plot", "expected one INPUT");
	o.input = argv[optind];
	if (o.kind && strcmp(o.kind, "mrc") && strcmp(o.kind, "tlb") &&
	    strcmp(o.kind, "timeline") && strcmp(o.kind, "lru") && strcmp(o.kind, "ksm"))
		return usage_error("plot", "unknown kind '%s' (mrc, timeline, lru, tlb, ksm)",
		                   o.kind);
	if (!o.output) {
		snprintf(def_out, sizeof(def_out), "%s.png", o.kind ? o.kind : "plot");
		o.output = def_out;
	}
	if (plot_make(&o, err, sizeof(err))) {
		mm_error("plot: %s", err);
		return EXIT_INPUT;
	}
	return EXIT_OK;
}
