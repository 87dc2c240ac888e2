// SPDX-License-Identifier: MIT
/*
 * cmd_info.c - 'mmsim info' (placeholder until its issue lands).
 */
#include "cli.h"
#include "util.h"

int cmd_info(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	mm_error("info: not implemented yet");
	return EXIT_INPUT;
}
