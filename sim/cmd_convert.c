// SPDX-License-Identifier: MIT
/*
 * cmd_convert.c - 'mmsim convert': read a trace in any known format (detected
 * from its content unless --from names it) and write it as native or CSV
 * (--to, or the output's extension). The output's metadata keeps the input's
 * keys and records where it came from: source, source_format, converted_by.
 * The writer publishes the output atomically, so a failed conversion leaves
 * nothing behind.
 */
#include "cli.h"
#include "trace.h"
#include "util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONVERT_BATCH 4096 /* records per read/write call */

static void convert_usage(FILE *out)
{
	fprintf(out,
	        "usage: mmsim convert [--from FORMAT] [--to FORMAT] [--opt KEY=VALUE]... INPUT "
	        "OUTPUT\n"
	        "\n"
	        "Convert or import a trace. INPUT may be '-' for standard input, OUTPUT '-' for\n"
	        "standard output (then --to is required).\n"
	        "\n"
	        "  --from FORMAT     input format (default: detected from the content)\n"
	        "                    one of: %s\n"
	        "  --to FORMAT       output format: native or csv (default: from the extension,\n"
	        "                    .mmt.zst or .mmt -> native, .csv -> csv)\n"
	        "  --opt KEY=VALUE   importer option, may be repeated (see the importer's docs)\n"
	        "  -h, --help        show this help\n"
	        "\n"
	        "The output's metadata keeps the input's keys and sets source, source_format\n"
	        "and converted_by. Exit status: 0 success, 1 bad input or I/O error (nothing is\n"
	        "left behind), 2 usage error.\n",
	        trace_format_names());
}

/* Append @arg to @buf, single-quoted for the shell if it is not plain. */
static void convert_append_arg(char **buf, size_t *len, const char *arg)
{
	bool plain = *arg != 0;
	size_t need = strlen(arg) * 4 + 4;

	for (const char *p = arg; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
		            "-_./=:,+@%",
		            *p))
			plain = false;
	*buf = xrealloc(*buf, *len + need);
	char *o = *buf + *len;

	*o++ = ' ';
	if (plain) {
		o += sprintf(o, "%s", arg);
	} else {
		*o++ = '\'';
		for (const char *p = arg; *p; p++) {
			if (*p == '\'')
				o += sprintf(o, "'\\''");
			else
				*o++ = *p;
		}
		*o++ = '\'';
	}
	*o = 0;
	*len = (size_t)(o - *buf);
}

int cmd_convert(int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"from", required_argument, NULL, 'f'},
	        {"to", required_argument, NULL, 't'},
	        {"opt", required_argument, NULL, 'O'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	const char *from = NULL, *to = NULL, *in_path, *out_path;
	struct trace_open_opts oopts = {0};
	struct trace_reader *r = NULL;
	struct trace_writer *w = NULL;
	struct trace_rec *buf = NULL;
	struct trace_meta meta, final_meta;
	bool have_final = false;
	char *options = NULL, *cmdline = NULL;
	size_t options_len = 0, cmdline_len = 0;
	char err[600];
	int c, ret = EXIT_INPUT;
	long n;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			from = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'O':
			if (cli_add_importer_opt(&options, &options_len, optarg)) {
				free(options);
				return usage_error(argv[0], "--opt wants KEY=VALUE, got '%s'",
				                   optarg);
			}
			break;
		case 'h':
			free(options);
			convert_usage(stdout);
			return EXIT_OK;
		case ':':
			free(options);
			return usage_error(argv[0], "option '%s' needs a value", argv[optind - 1]);
		default:
			free(options);
			return usage_error(argv[0], "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind != 2) {
		free(options);
		return usage_error(argv[0], "expected INPUT and OUTPUT, got %d argument%s",
		                   argc - optind, argc - optind == 1 ? "" : "s");
	}
	in_path = argv[optind];
	out_path = argv[optind + 1];
	if (from && !trace_format_known(from, false)) {
		free(options);
		return usage_error(argv[0], "unknown input format '%s' (known: %s)", from,
		                   trace_format_names());
	}
	if (to && !trace_format_known(to, true)) {
		free(options);
		return usage_error(argv[0], "cannot write format '%s' (writable: native, csv)", to);
	}

	oopts.format = from;
	oopts.options = options;
	if (trace_open(&r, in_path, &oopts, err, sizeof(err))) {
		mm_error("%s", err);
		goto out;
	}

	/*
	 * Importers that count what they skip (ids markers, strace failed calls)
	 * only know their metadata at the end of the input, but the output's
	 * header comes first: read such an input once to the end, then again.
	 */
	if (!strcmp(trace_reader_format(r), "ids") || !strcmp(trace_reader_format(r), "strace")) {
		struct trace_rec scratch[256];

		while ((n = trace_read(r, scratch, 256)) > 0)
			;
		if (n < 0) {
			mm_error("%s", trace_error(r));
			goto out;
		}
		trace_meta_copy(&final_meta, trace_reader_meta(r));
		have_final = true;
		trace_close(r);
		r = NULL;
		if (trace_open(&r, in_path, &oopts, err, sizeof(err))) {
			mm_error("%s", err);
			goto out;
		}
	}
	cmdline = xstrdup("mmsim");
	cmdline_len = strlen(cmdline);
	for (int i = 0; i < argc; i++)
		convert_append_arg(&cmdline, &cmdline_len, argv[i]);
	trace_meta_copy(&meta, have_final ? &final_meta : trace_reader_meta(r));
	meta.nr_records = TRACE_NR_UNKNOWN; /* the writer counts what it writes */
	trace_meta_set(&meta, "source", in_path);
	trace_meta_set(&meta, "source_format", trace_reader_format(r));
	trace_meta_set(&meta, "converted_by", cmdline);
	c = trace_writer_open(&w, out_path, to, &meta, err, sizeof(err));
	trace_meta_free(&meta);
	if (c) {
		mm_error("%s", err);
		goto out;
	}

	buf = xmalloc(CONVERT_BATCH * sizeof(*buf));
	while ((n = trace_read(r, buf, CONVERT_BATCH)) > 0) {
		if (trace_write(w, buf, (size_t)n)) {
			mm_error("%s", trace_writer_error(w));
			trace_writer_abort(w);
			w = NULL;
			goto out;
		}
	}
	if (n < 0) {
		mm_error("%s", trace_error(r));
		trace_writer_abort(w);
		w = NULL;
		goto out;
	}
	c = trace_writer_close(w); /* prints its own error */
	w = NULL;
	if (!c)
		ret = EXIT_OK;
out:
	if (have_final)
		trace_meta_free(&final_meta);
	free(buf);
	free(cmdline);
	free(options);
	trace_close(r);
	return ret;
}
