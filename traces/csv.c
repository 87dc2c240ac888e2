// SPDX-License-Identifier: MIT
/* csv.c - placeholder until the trace-format work lands. */
#include "trace_internal.h"

static int csv_open(struct trace_reader *r)
{
	return trace_fail(r, "csv format not implemented yet");
}

static long csv_next(struct trace_reader *r, struct trace_rec *buf, size_t cap)
{
	(void)buf;
	(void)cap;
	return trace_fail(r, "csv format not implemented yet");
}

const struct trace_format_ops csv_format = {
	.name = "csv",
	.description = "placeholder",
	.open = csv_open,
	.next = csv_next,
};
