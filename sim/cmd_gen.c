// SPDX-License-Identifier: MIT
/*
 * cmd_gen.c - 'mmsim gen' (placeholder until its issue lands).
 */
#include "cli.h"
#include "util.h"

int cmd_gen(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	mm_error("gen: not implemented yet");
	return EXIT_INPUT;
}
