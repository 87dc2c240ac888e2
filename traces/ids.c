// SPDX-License-Identifier: MIT
/*
 * ids.c - importer for one block/page id per line (the trace format of the
 * LIRS paper, Jiang & Zhang 2002). Each id becomes a 4096-byte read() of
 * file 1 at offset id * 4096, so the trace drives the page cache and cache
 * mode with unit-size pages. Lines holding only '*' are markers in the
 * paper's traces: skipped and counted (metadata markers_skipped). Blank lines
 * are skipped; any other non-numeric line is an error naming its line.
 * pid 1, no time.
 */
#include "import_util.h"

#include "../sim/util.h"

#include <stdio.h>
#include <stdlib.h>

#define IDS_FILE 1u /* the file every id belongs to */

struct ids_state {
	struct line_reader lr; /* input lines */
	uint64_t markers;      /* '*' lines skipped */
};

static int ids_probe(const unsigned char *head, size_t n)
{
	size_t lines = 0, i = 0;

	while (i < n && lines < 40) {
		size_t e = i, j = i;

		while (e < n && head[e] != '\n')
			e++;
		if (e == n && n == TRACE_PROBE_BYTES)
			break;
		while (j < e && head[j] >= '0' && head[j] <= '9')
			j++;
		if (j < e && head[j] == '\r')
			j++;
		if (j != e && !(e - i == 1 && head[i] == '*'))
			return 0;
		lines++;
		i = e + 1;
	}
	return lines ? 60 : 0;
}

static int ids_open(struct trace_reader *r)
{
	struct ids_state *st = xcalloc(1, sizeof(*st));

	line_reader_init(&st->lr, r);
	r->priv = st;
	trace_meta_set(&r->meta, "source_format", "ids");
	return 0;
}

static void ids_close(struct trace_reader *r)
{
	struct ids_state *st = r->priv;

	if (st) {
		line_reader_free(&st->lr);
		free(st);
	}
}

static long ids_next(struct trace_reader *r, struct trace_rec *buf, size_t cap)
{
	struct ids_state *st = r->priv;
	size_t n = 0, len;
	char *line, num[32];

	while (n < cap && (line = line_reader_next(&st->lr, &len))) {
		const char *p = imp_skip_blanks(line), *e;
		uint64_t id;

		if (!*p)
			continue;
		if (p[0] == '*' && !*imp_skip_blanks(p + 1)) {
			st->markers++;
			continue;
		}
		e = imp_dec(p, &id);
		if (!e || *imp_skip_blanks(e))
			return trace_fail_line(r, st->lr.lineno, (unsigned)((e ? e : p) - line) + 1,
			                       "not a block id: '%.40s'", line);
		if (id > (UINT64_MAX >> 12))
			return trace_fail_line(r, st->lr.lineno, 1,
			                       "block id %llu too large (offset id*4096 overflows)",
			                       (unsigned long long)id);
		memset(&buf[n], 0, sizeof(buf[n]));
		buf[n].op = TRACE_OP_READ;
		buf[n].pid = 1;
		buf[n].addr = id << 12;
		buf[n].len = 4096;
		buf[n].file = IDS_FILE;
		buf[n].flags = TREC_FILE;
		n++;
	}
	if (!n) {
		snprintf(num, sizeof(num), "%llu", (unsigned long long)st->markers);
		trace_meta_set(&r->meta, "markers_skipped", num);
	}
	return (long)n;
}

const struct trace_format_ops ids_format = {
        .name = "ids",
        .description = "one block id per line (LIRS paper traces; '*' marker lines skipped)",
        .probe = ids_probe,
        .open = ids_open,
        .next = ids_next,
        .close = ids_close,
};
