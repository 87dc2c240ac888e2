// SPDX-License-Identifier: MIT
/*
 * cmd_mrc.c - 'mmsim mrc' (placeholder until its issue lands).
 */
#include "cli.h"
#include "util.h"

int cmd_mrc(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	mm_error("mrc: not implemented yet");
	return EXIT_INPUT;
}
