// SPDX-License-Identifier: MIT
/*
 * cmd_run.c - 'mmsim run' (placeholder until its issue lands).
 */
#include "cli.h"
#include "util.h"

int cmd_run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	mm_error("run: not implemented yet");
	return EXIT_INPUT;
}
