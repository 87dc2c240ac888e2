// SPDX-License-Identifier: MIT
/*
 * lcscsv.c - importer for libCacheSim-style CSV request traces, e.g. the
 * CloudPhysics trace shipped with libCacheSim (header version,time,op,size,lbn).
 *
 * Each row becomes a 4096-byte read() of file 1 at page index = the id column
 * (offset id * 4096); the time column (seconds, as libCacheSim's CSV reader
 * takes it) becomes TREC_TIME in ns, and the size column is kept in arg
 * (size=N) without widening the access. Columns are 1-based, like
 * libCacheSim's csv reader options, and are set with --opt:
 *
 *   id_col=5  time_col=2 (0 = none)  size_col=4 (0 = none)  header=1 (0 = no header row)
 *   delim=,   (one character; "tab" for a tab)
 *
 * Parsed with libcsv; a non-numeric id/time/size is an error naming line and column.
 */
#include "import_util.h"

#include "../sim/util.h"

#include <csv.h>
#include <stdio.h>
#include <stdlib.h>

#define LCS_FILE  1u        /* file id of every request */
#define LCS_CHUNK (1 << 16) /* bytes fed to libcsv at a time */

struct lcs_state {
	struct csv_parser p;                 /* libcsv */
	unsigned id_col, time_col, size_col; /* 1-based, 0 = none */
	bool header;                         /* skip the first row */
	uint64_t row;                        /* rows completed (= line number of the last one) */
	unsigned col;                        /* fields seen in the current row */
	uint64_t id, time, size;             /* fields of the current row */
	bool have_id;                        /* the id column was present */
	struct trace_rec *pending;           /* records parsed, not yet handed out */
	size_t nr_pending, head, cap_pending;
	unsigned char *chunk;   /* input buffer */
	bool eof;               /* input exhausted */
	int error;              /* a field failed to parse */
	struct trace_reader *r; /* for errors */
};

static int lcs_probe(const unsigned char *head, size_t n)
{
	static const char hdr[] = "version,time,op,size,lbn";

	return n >= sizeof(hdr) - 1 && !memcmp(head, hdr, sizeof(hdr) - 1) ? 70 : 0;
}

static unsigned opt_u(struct trace_reader *r, const char *key, unsigned def, int *bad)
{
	char v[32];
	uint64_t x;

	if (!trace_opt_get(r, key, v, sizeof(v)))
		return def;
	if (parse_u64(v, &x) || x > 1000) {
		*bad = 1;
		return def;
	}
	return (unsigned)x;
}

static void lcs_field(void *s, size_t len, void *data)
{
	struct lcs_state *st = data;
	unsigned col = ++st->col;
	char buf[32];
	uint64_t v;

	if (st->error || (st->header && st->row == 0))
		return;
	if (col != st->id_col && col != st->time_col && col != st->size_col)
		return;
	if (len == 0 || len >= sizeof(buf)) {
		v = UINT64_MAX;
	} else {
		memcpy(buf, s, len);
		buf[len] = 0;
		if (parse_u64(buf, &v))
			v = UINT64_MAX;
	}
	if (v == UINT64_MAX) {
		trace_fail_line(st->r, st->row + 1, col, "column %u is not a number", col);
		st->error = 1;
		return;
	}
	if (col == st->id_col) {
		st->id = v;
		st->have_id = true;
	}
	if (col == st->time_col)
		st->time = v;
	if (col == st->size_col)
		st->size = v;
}

static void lcs_row(int c, void *data)
{
	struct lcs_state *st = data;
	bool skip = st->header && st->row == 0;

	(void)c;
	st->row++;
	st->col = 0;
	if (st->error || skip)
		return;
	if (!st->have_id) {
		trace_fail_line(st->r, st->row, 1, "row has no column %u (id_col)", st->id_col);
		st->error = 1;
		return;
	}
	st->have_id = false;
	if (st->id > (UINT64_MAX >> 12) ||
	    (st->time_col && st->time > UINT64_MAX / 1000000000ULL)) {
		trace_fail_line(st->r, st->row, st->id_col, "id or time too large");
		st->error = 1;
		return;
	}
	if (st->nr_pending == st->cap_pending) {
		st->cap_pending = st->cap_pending ? st->cap_pending * 2 : 4096;
		st->pending = xrealloc(st->pending, st->cap_pending * sizeof(*st->pending));
	}
	struct trace_rec *rec = &st->pending[st->nr_pending++];

	memset(rec, 0, sizeof(*rec));
	rec->op = TRACE_OP_READ;
	rec->pid = 1;
	rec->addr = st->id << 12;
	rec->len = 4096;
	rec->file = LCS_FILE;
	rec->flags = TREC_FILE;
	if (st->time_col) {
		rec->time = st->time * 1000000000ULL;
		rec->flags |= TREC_TIME;
	}
	if (st->size_col) {
		rec->arg = st->size;
		rec->flags |= TREC_ARG;
	}
}

static int lcs_open(struct trace_reader *r)
{
	struct lcs_state *st = xcalloc(1, sizeof(*st));
	char v[16];
	int bad = 0;

	r->priv = st;
	st->r = r;
	st->id_col = opt_u(r, "id_col", 5, &bad);
	st->time_col = opt_u(r, "time_col", 2, &bad);
	st->size_col = opt_u(r, "size_col", 4, &bad);
	st->header = opt_u(r, "header", 1, &bad) != 0;
	if (bad || !st->id_col)
		return trace_fail(r, "bad lcs-csv option (id_col/time_col/size_col/header want "
		                     "numbers, id_col >= 1)");
	if (csv_init(&st->p, CSV_APPEND_NULL) != 0)
		return trace_fail(r, "cannot initialise libcsv");
	if (trace_opt_get(r, "delim", v, sizeof(v))) {
		if (!strcmp(v, "tab"))
			csv_set_delim(&st->p, '\t');
		else if (strlen(v) == 1)
			csv_set_delim(&st->p, (unsigned char)v[0]);
		else
			return trace_fail(r, "delim must be one character or 'tab'");
	}
	st->chunk = xmalloc(LCS_CHUNK);
	trace_meta_set(&r->meta, "source_format", "lcs-csv");
	return 0;
}

static void lcs_close(struct trace_reader *r)
{
	struct lcs_state *st = r->priv;

	if (!st)
		return;
	if (st->chunk)
		csv_free(&st->p);
	free(st->chunk);
	free(st->pending);
	free(st);
}

static long lcs_next(struct trace_reader *r, struct trace_rec *buf, size_t cap)
{
	struct lcs_state *st = r->priv;
	size_t n = 0;

	for (;;) {
		while (st->head < st->nr_pending && n < cap)
			buf[n++] = st->pending[st->head++];
		if (st->head == st->nr_pending)
			st->head = st->nr_pending = 0;
		if (n == cap || st->eof)
			break;
		size_t got = trace_in_read(r, st->chunk, LCS_CHUNK);

		if (!got) {
			st->eof = true;
			csv_fini(&st->p, lcs_field, lcs_row, st);
		} else if (csv_parse(&st->p, st->chunk, got, lcs_field, lcs_row, st) != got) {
			return trace_fail_line(r, st->row + 1, 0, "%s",
			                       csv_strerror(csv_error(&st->p)));
		}
		if (st->error)
			return -1;
	}
	return (long)n;
}

const struct trace_format_ops lcscsv_format = {
        .name = "lcs-csv",
        .description =
                "libCacheSim-style CSV requests (--opt id_col=5,time_col=2,size_col=4,header=1)",
        .probe = lcs_probe,
        .open = lcs_open,
        .next = lcs_next,
        .close = lcs_close,
};
