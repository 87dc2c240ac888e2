// SPDX-License-Identifier: MIT
/*
 * cmd_sweep.c - 'mmsim sweep' (placeholder until its issue lands).
 */
#include "cli.h"
#include "util.h"

int cmd_sweep(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	mm_error("sweep: not implemented yet");
	return EXIT_INPUT;
}
