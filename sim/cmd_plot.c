// SPDX-License-Identifier: MIT
/*
 * cmd_plot.c - 'mmsim plot' (placeholder until its issue lands).
 */
#include "cli.h"
#include "util.h"

int cmd_plot(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	mm_error("plot: not implemented yet");
	return EXIT_INPUT;
}
