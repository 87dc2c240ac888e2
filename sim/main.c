// SPDX-License-Identifier: MIT
/*
 * main.c - the mmsim command-line entry point: dispatch to subcommands.
 */
#include "cli.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#ifndef MMSIM_VERSION
#define MMSIM_VERSION "0.0.0"
#endif

struct subcommand {
	const char *name;        /* argv[1] */
	int (*fn)(int, char **); /* handler */
	const char *summary;     /* one line for --help */
};

static const struct subcommand subcommands[] = {
        {"run", cmd_run, "replay traces through the modelled machine, write summary/timeline CSV"},
        {"sweep", cmd_sweep, "run a cartesian product of traces x policies x sizes x knobs"},
        {"gen", cmd_gen, "generate a synthetic trace (seq, loop, zipf, hotcold, ...)"},
        {"convert", cmd_convert,
         "convert or import a trace (lackey, strace, addr, ids, oracleGeneral, ...)"},
        {"info", cmd_info, "print what a trace contains"},
        {"machine", cmd_machine, "print the modelled machine (zones, watermarks, TLBs, swap)"},
        {"plot", cmd_plot, "draw figures from results with gnuplot"},
        {"policies", cmd_policies, "list the reclaim policies"},
        {"mrc", cmd_mrc, "miss-ratio curve of a trace"},
};

#define NR_SUBCOMMANDS (sizeof(subcommands) / sizeof(subcommands[0]))

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mmsim: %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'mmsim %s --help'.\n", cmd);
	return EXIT_USAGE;
}

int cli_add_importer_opt(char **opts, size_t *len, const char *kv)
{
	if (!strchr(kv, '=') || kv[0] == '=')
		return -1;
	*opts = xrealloc(*opts, *len + strlen(kv) + 2);
	*len += (size_t)sprintf(*opts + *len, "%s%s", *len ? "," : "", kv);
	return 0;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: mmsim COMMAND [OPTIONS] ...\n\n"
	             "mmsim is a trace-driven simulator of Linux memory management.\n\n"
	             "Commands:\n");
	for (size_t i = 0; i < NR_SUBCOMMANDS; i++)
		fprintf(out, "  %-9s %s\n", subcommands[i].name, subcommands[i].summary);
	fprintf(out,
	        "\nEvery command has --help. Exit status: 0 success, 1 runtime or input error,\n"
	        "2 usage error.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("mmsim %s\n", MMSIM_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < NR_SUBCOMMANDS; i++)
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "mmsim: unknown command '%s'\nTry 'mmsim --help'.\n", argv[1]);
	return EXIT_USAGE;
}
