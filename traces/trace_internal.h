/* SPDX-License-Identifier: MIT */
/*
 * trace_internal.h - what a trace format implementation sees: the format ops
 * table, the reader and writer state, buffered input with a probe prefix,
 * a line splitter for text formats, and error helpers that produce the
 * "FILE:LINE: message" / "FILE: record N: message" forms of DESIGN.md section 5.
 *
 * Adding a format = one traces/<name>.c exporting a const struct trace_format_ops
 * plus one line in trace_formats[] (trace.c).
 */
#ifndef MMSIM_TRACE_INTERNAL_H
#define MMSIM_TRACE_INTERNAL_H

#include "trace.h"

#define TRACE_PROBE_BYTES 4096 /* bytes of the input shown to probe() */

struct trace_format_ops {
	const char *name;        /* --from / --to name */
	const char *description; /* one line for --help */
	/*
	 * probe() - confidence 0..100 that @head (the first @n bytes, n may be short
	 * for tiny inputs) is this format. NULL: only chosen by name.
	 */
	int (*probe)(const unsigned char *head, size_t n);
	/* open() - read the header, set r->priv and r->meta. Return 0 or trace_fail*(). */
	int (*open)(struct trace_reader *r);
	/* next() - fill up to @cap records. Return count, 0 at end, -1 via trace_fail*(). */
	long (*next)(struct trace_reader *r, struct trace_rec *buf, size_t cap);
	void (*close)(struct trace_reader *r); /* free r->priv */

	/* Writer side; NULL when the format is import-only. */
	const char *extension;                /* ".mmt.zst", ".csv" */
	int (*wopen)(struct trace_writer *w); /* header */
	int (*write)(struct trace_writer *w, const struct trace_rec *recs, size_t n); /* records */
	int (*wfinish)(struct trace_writer *w); /* footer/flush, before the file is closed */
	void (*wfree)(struct trace_writer *w);  /* free w->priv (also on abort) */
};

struct trace_reader {
	const struct trace_format_ops *ops; /* the chosen format */
	char *path;                         /* as given ("-" for stdin) */
	FILE *f;                            /* input stream */
	bool own_f;                         /* close f on trace_close */
	unsigned char *head;                /* bytes read for probing, served first */
	size_t head_len;                    /* valid bytes in head */
	size_t head_pos;                    /* next unread byte of head */
	uint64_t in_offset;                 /* bytes consumed through trace_in_read */
	bool in_error;                      /* a read error occurred (errno in in_errno) */
	int in_errno;                       /* saved errno of the read error */
	void *priv;                         /* format state */
	struct trace_meta meta;             /* filled by open() */
	uint64_t nr_read;                   /* records delivered */
	bool failed;                        /* sticky: an error was reported */
	char *options;                      /* importer options "k=v,k=v" or NULL */
	char err[512];                      /* last error, full one-line message */
	bool want_thread;                   /* trace_open_opts.decode_thread */
	struct bgpipe *ring;                /* the decode thread, once started */
	uint64_t nr_delivered;              /* records handed out (nr_read runs ahead of it
	                                     * while a decode thread works) */
	struct trace_rec *batch;            /* trace_read_batch's buffer without a thread */
	const struct trace_rec *pending;    /* trace_read over batches: the current batch */
	long pending_n, pending_pos;        /* ... its size and the next record to copy */
};

struct trace_writer {
	const struct trace_format_ops *ops; /* the chosen format */
	char *path;                         /* final path ("-" = stdout) */
	char *tmp_path;                     /* temporary file renamed on close, or NULL */
	FILE *f;                            /* output stream */
	void *priv;                         /* format state */
	struct trace_meta meta;             /* header metadata (copied) */
	uint64_t nr_written;                /* records accepted */
	bool failed;                        /* sticky */
	char err[512];                      /* last error */
};

/* trace_read_direct() - decode up to @cap records on this thread (trace_read without a ring). */
long trace_read_direct(struct trace_reader *r, struct trace_rec *buf, size_t cap);

/* The decode thread (trace_thread.c). trace_ring_start() returns -1 if no thread could start. */
struct bgpipe;
int trace_ring_start(struct trace_reader *r);
long trace_ring_batch(struct trace_reader *r, const struct trace_rec **recs);
void trace_ring_stop(struct trace_reader *r);

/* trace_in_read() - read up to @n raw bytes (probe prefix first). Returns bytes read. */
size_t trace_in_read(struct trace_reader *r, void *buf, size_t n);

/* Error helpers: format the message, mark the reader failed, return -1. */
int trace_fail(struct trace_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int trace_fail_line(struct trace_reader *r, uint64_t line, unsigned col, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
int trace_fail_record(struct trace_reader *r, uint64_t rec, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
int trace_fail_offset(struct trace_reader *r, uint64_t off, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
int trace_wfail(struct trace_writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* trace_opt_get() - importer option @key from r->options into @buf; false if absent. */
bool trace_opt_get(const struct trace_reader *r, const char *key, char *buf, size_t len);

/*
 * A line splitter for text formats: large reads, lines handed out in place
 * (newline and a trailing '\r' removed, NUL-terminated), line numbers from 1.
 */
struct line_reader {
	struct trace_reader *r; /* input */
	char *buf;              /* buffer holding [start, end) unread bytes */
	size_t cap;             /* buffer capacity */
	size_t start;           /* first unread byte */
	size_t end;             /* one past the last valid byte */
	uint64_t lineno;        /* number of the line last returned */
	bool eof;               /* input exhausted */
};

void line_reader_init(struct line_reader *lr, struct trace_reader *r);
/* line_reader_next() - the next line or NULL at end (check r->in_error). *len = its length. */
char *line_reader_next(struct line_reader *lr, size_t *len);
void line_reader_free(struct line_reader *lr);

/* The registered formats, NULL-terminated (trace.c). */
extern const struct trace_format_ops *const trace_formats[];
const struct trace_format_ops *trace_format_find(const char *name);

#endif /* MMSIM_TRACE_INTERNAL_H */
