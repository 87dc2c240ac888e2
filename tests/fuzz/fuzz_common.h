/* SPDX-License-Identifier: MIT */
/*
 * fuzz_common.h - shared body of the trace-reader fuzz harnesses: put the
 * input in an anonymous memory file, open it through the public API (so
 * detection, buffering and the format's reader all run), read every record,
 * and check the records the reader hands out are well-formed.
 */
#ifndef MMSIM_FUZZ_COMMON_H
#define MMSIM_FUZZ_COMMON_H

#include "trace.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static inline void fuzz_read_trace(const uint8_t *data, size_t size, const char *format)
{
	struct trace_open_opts opts = {.format = format, .options = NULL};
	struct trace_rec buf[7]; /* small and odd: batch boundaries everywhere */
	struct trace_reader *r;
	char path[64], err[600];
	int fd = memfd_create("fuzz", 0);
	long n;

	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (!trace_open(&r, path, &opts, err, sizeof(err))) {
		while ((n = trace_read(r, buf, sizeof(buf) / sizeof(buf[0]))) > 0)
			for (long i = 0; i < n; i++)
				if (buf[i].op >= NR_TRACE_OPS ||
				    (buf[i].flags & ~(TREC_TIME | TREC_FILE | TREC_ARG)))
					abort(); /* a reader must never deliver garbage */
		if (n < 0 && !trace_error(r)[0])
			abort(); /* an error always has a message */
		trace_close(r);
	} else if (!err[0]) {
		abort();
	}
	close(fd);
}

#endif /* MMSIM_FUZZ_COMMON_H */
