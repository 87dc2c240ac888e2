/* SPDX-License-Identifier: MIT */
/*
 * trace_testutil.h - helpers shared by the trace-format tests: a scratch
 * directory, whole-file byte I/O, and writing/reading a record array through
 * the public trace API. Header-only (static functions), included by tests.
 */
#ifndef MMSIM_TRACE_TESTUTIL_H
#define MMSIM_TRACE_TESTUTIL_H

#include "trace.h"
#include "util.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* tu_tmpdir() - a fresh scratch directory (free with tu_rmdir). */
static inline char *tu_tmpdir(void)
{
	char tmpl[] = "/tmp/mmsim-test-XXXXXX";
	char *d = mkdtemp(tmpl);

	return d ? xstrdup(d) : NULL;
}

static inline int tu_rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

static inline void tu_rmdir(char *dir)
{
	if (dir)
		nftw(dir, tu_rm_one, 8, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

/* tu_path() - "dir/name" in a static-free buffer the caller frees. */
static inline char *tu_path(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = xmalloc(n);

	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static inline void tu_write_bytes(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "cannot write %s\n", path);
		abort();
	}
}

/* tu_read_bytes() - the whole file, NUL-terminated; *len its size. */
static inline unsigned char *tu_read_bytes(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t cap = 0, n = 0, got;

	*len = 0;
	if (!f)
		return NULL;
	do {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 65536;
			buf = xrealloc(buf, cap + 1);
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got);
	fclose(f);
	buf[n] = 0;
	*len = n;
	return buf;
}

/* tu_write_trace() - write @n records; 0 on success, else -1 (error printed). */
static inline int tu_write_trace(const char *path, const char *format,
                                 const struct trace_meta *meta, const struct trace_rec *recs,
                                 size_t n)
{
	struct trace_writer *w;
	char err[600];

	if (trace_writer_open(&w, path, format, meta, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	/* Uneven batches exercise batch boundaries. */
	for (size_t i = 0; i < n;) {
		size_t k = n - i < 1 + i % 7 ? n - i : 1 + i % 7;

		if (trace_write(w, recs + i, k)) {
			fprintf(stderr, "%s\n", trace_writer_error(w));
			trace_writer_abort(w);
			return -1;
		}
		i += k;
	}
	return trace_writer_close(w);
}

/*
 * tu_read_trace() - read a whole trace with batches of @batch records.
 * Return: the number of records (array in *out, freed by the caller), or -1
 * with the open/read error copied to @err (records read so far in *out).
 */
static inline long tu_read_trace(const char *path, const char *format, size_t batch,
                                 struct trace_rec **out, struct trace_meta *meta, char *err,
                                 size_t errlen)
{
	struct trace_open_opts opts = {.format = format, .options = NULL};
	struct trace_rec *recs = NULL;
	struct trace_reader *r;
	size_t n = 0, cap = 0;
	long got;

	*out = NULL;
	err[0] = 0;
	if (trace_open(&r, path, &opts, err, errlen))
		return -1;
	for (;;) {
		if (cap - n < batch) {
			cap = (cap + batch) * 2;
			recs = xrealloc(recs, cap * sizeof(*recs));
		}
		got = trace_read(r, recs + n, batch);
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	if (got < 0)
		snprintf(err, errlen, "%s", trace_error(r));
	else if (meta)
		trace_meta_copy(meta, trace_reader_meta(r));
	trace_close(r);
	*out = recs;
	return got < 0 ? -1 : (long)n;
}

/* tu_rec() - a record with every field given (pad zero). */
static inline struct trace_rec tu_rec(uint64_t time, uint32_t pid, unsigned op, uint64_t addr,
                                      uint64_t len, uint32_t file, uint64_t arg, unsigned flags)
{
	struct trace_rec r;

	memset(&r, 0, sizeof(r));
	r.time = time;
	r.pid = pid;
	r.op = (uint8_t)op;
	r.addr = addr;
	r.len = len;
	r.file = file;
	r.arg = arg;
	r.flags = (uint8_t)flags;
	return r;
}

#endif /* MMSIM_TRACE_TESTUTIL_H */
