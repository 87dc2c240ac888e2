// SPDX-License-Identifier: MIT
/*
 * cmd_machine.c - 'mmsim machine' (placeholder until its issue lands).
 */
#include "cli.h"
#include "util.h"

int cmd_machine(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	mm_error("machine: not implemented yet");
	return EXIT_INPUT;
}
