/* SPDX-License-Identifier: MIT */
/*
 * cli.h - the subcommands of the mmsim binary (DESIGN.md section 5). Each lives
 * in sim/cmd_<name>.c, parses its own options with getopt_long, prints its
 * usage for --help, and returns an exit status (EXIT_OK / EXIT_INPUT / EXIT_USAGE).
 * argv[0] is the subcommand name.
 */
#ifndef MMSIM_CLI_H
#define MMSIM_CLI_H

#include <stddef.h>

int cmd_run(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_machine(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_policies(int argc, char **argv);
int cmd_mrc(int argc, char **argv);

/* usage_error() - print "mmsim: CMD: message" and a --help hint; returns EXIT_USAGE. */
int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/**
 * cli_add_importer_opt() - append a --opt KEY=VALUE to the comma-joined importer
 * options string *@opts (length *@len, malloc'ed). Return: 0, or -1 if @kv is not KEY=VALUE.
 */
int cli_add_importer_opt(char **opts, size_t *len, const char *kv);

#endif /* MMSIM_CLI_H */
