// SPDX-License-Identifier: MIT
/*
 * cmd_convert.c - 'mmsim convert' (placeholder until its issue lands).
 */
#include "cli.h"
#include "util.h"

int cmd_convert(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	mm_error("convert: not implemented yet");
	return EXIT_INPUT;
}
