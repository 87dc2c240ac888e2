/* SPDX-License-Identifier: MIT */
/*
 * fuzz_common.h - shared body of the trace-reader fuzz harnesses: put the
 * input in an anonymous memory file, open it through the public API (so
 * detection, buffering and the format's reader all run), read every record,
 * and check the records the reader hands out are well-formed; then read it
 * again with the decode thread (trace_open_opts.decode_thread) and check that
 * the thread changes nothing.
 */
#ifndef MMSIM_FUZZ_COMMON_H
#define MMSIM_FUZZ_COMMON_H

#include "trace.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define FUZZ_MAX_RECS (1u << 16) /* records compared between the two reads */

/*
 * Read the whole trace at @path with or without the decode thread, checking
 * every record; keep up to FUZZ_MAX_RECS of them in *recs (malloc'ed).
 * Return: records read, -1 after an error (message in @err), -2 if it would
 * not open (message in @err).
 */
static inline long fuzz_read_all(const char *path, const char *format, bool thread,
                                 struct trace_rec **recs, char *err, size_t errlen)
{
	struct trace_open_opts opts = {.format = format, .decode_thread = thread};
	struct trace_rec buf[7]; /* small and odd: batch boundaries everywhere */
	struct trace_reader *r;
	size_t total = 0;
	long n;

	*recs = malloc(FUZZ_MAX_RECS * sizeof(**recs));
	if (!*recs)
		abort();
	if (trace_open(&r, path, &opts, err, errlen)) {
		if (!err[0])
			abort(); /* an error always has a message */
		return -2;
	}
	while ((n = trace_read(r, buf, sizeof(buf) / sizeof(buf[0]))) > 0)
		for (long i = 0; i < n; i++, total++) {
			if (buf[i].op >= NR_TRACE_OPS ||
			    (buf[i].flags & ~(TREC_TIME | TREC_FILE | TREC_ARG)))
				abort(); /* a reader must never deliver garbage */
			if (total < FUZZ_MAX_RECS)
				(*recs)[total] = buf[i];
		}
	if (n < 0) {
		if (!trace_error(r)[0])
			abort(); /* an error always has a message */
		snprintf(err, errlen, "%s", trace_error(r));
	}
	trace_close(r);
	return n < 0 ? -1 : (long)total;
}

/*
 * Read @data as a trace of @format, inline and then (for inputs whose size is
 * a multiple of 4) with the decode thread: both must agree (the same records and end, or the same
 * error after a prefix of the same records; the thread may hand out fewer before an error, as it
 * decodes in batches of its own).
 */
static inline void fuzz_read_trace(const uint8_t *data, size_t size, const char *format)
{
	struct trace_rec *a, *b;
	char path[64], err_a[600], err_b[600];
	int fd = memfd_create("fuzz", 0);
	long na, nb;

	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	err_a[0] = err_b[0] = 0;
	na = fuzz_read_all(path, format, false, &a, err_a, sizeof(err_a));
	if (size % 4) { /* the thread halves the run rate: compare on a quarter of inputs */
		free(a);
		close(fd);
		return;
	}
	nb = fuzz_read_all(path, format, true, &b, err_b, sizeof(err_b));
	if ((na < 0) != (nb < 0) || strcmp(err_a, err_b))
		abort(); /* the thread changed the outcome */
	if (na >= 0 &&
	    (na != nb ||
	     memcmp(a, b,
	            (size_t)(na < (long)FUZZ_MAX_RECS ? na : (long)FUZZ_MAX_RECS) * sizeof(*a))))
		abort(); /* ... or the records */
	free(a);
	free(b);
	close(fd);
}

#endif /* MMSIM_FUZZ_COMMON_H */
