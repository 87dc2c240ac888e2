// SPDX-License-Identifier: MIT
/*
 * cmd_policies.c - 'mmsim policies' (placeholder until its issue lands).
 */
#include "cli.h"
#include "util.h"

int cmd_policies(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	mm_error("policies: not implemented yet");
	return EXIT_INPUT;
}
