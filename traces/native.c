// SPDX-License-Identifier: MIT
/* native.c - placeholder until the trace-format work lands. */
#include "trace_internal.h"

static int native_open(struct trace_reader *r)
{
	return trace_fail(r, "native format not implemented yet");
}

static long native_next(struct trace_reader *r, struct trace_rec *buf, size_t cap)
{
	(void)buf;
	(void)cap;
	return trace_fail(r, "native format not implemented yet");
}

const struct trace_format_ops native_format = {
	.name = "native",
	.description = "placeholder",
	.open = native_open,
	.next = native_next,
};
