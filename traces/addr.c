// SPDX-License-Identifier: MIT
/*
 * addr.c - importer for the two common course address-trace formats:
 *
 *   "l 0x1fffff50 1"   load/store (l or s), hex address, and the number of
 *   "s 0x1fffff58 3"   instructions executed since the previous access
 *                      (UCSD CSE240A / SPEC2000 traces)
 *   "0x0041f7a0 R"     hex address then R or W
 *
 * Each line is a one-byte access (R or W). The instruction gap of the first
 * format is not a size: it becomes time, one nanosecond per instruction
 * (time = cumulative instructions; metadata time_unit=instructions). The
 * second format carries no time. pid is 1. Blank lines and '#' comments are
 * skipped; anything else is an error naming its line.
 */
#include "import_util.h"

#include "../sim/util.h"

#include <stdlib.h>

struct addr_state {
	struct line_reader lr; /* input lines */
	uint64_t clock;        /* cumulative instruction count */
	int kind;              /* 0 unknown, 1 "l ADDR N", 2 "ADDR R" */
};

static int addr_line_kind(const char *s, size_t n)
{
	if (n >= 4 && (s[0] == 'l' || s[0] == 's') && s[1] == ' ')
		return 1;
	if (n >= 4 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		while (n && (s[n - 1] == '\r' || s[n - 1] == ' '))
			n--;
		if (n >= 2 && s[n - 2] == ' ' && (s[n - 1] == 'R' || s[n - 1] == 'W'))
			return 2;
	}
	return 0;
}

static int addr_probe(const unsigned char *head, size_t n)
{
	const char *s = (const char *)head;
	size_t lines = 0, hits = 0;
	int kind = -1;

	for (size_t i = 0; i < n && lines < 40;) {
		size_t e = i;

		while (e < n && head[e] != '\n')
			e++;
		if (e == n && n == TRACE_PROBE_BYTES)
			break;
		if (e > i && s[i] != '#') {
			int k = addr_line_kind(s + i, e - i);

			lines++;
			if (k && (kind < 0 || k == kind)) {
				hits++;
				kind = k;
			}
		}
		i = e + 1;
	}
	return lines && hits == lines ? 80 : 0;
}

static int addr_open(struct trace_reader *r)
{
	struct addr_state *st = xcalloc(1, sizeof(*st));

	line_reader_init(&st->lr, r);
	r->priv = st;
	trace_meta_set(&r->meta, "source_format", "addr");
	return 0;
}

static void addr_close(struct trace_reader *r)
{
	struct addr_state *st = r->priv;

	if (st) {
		line_reader_free(&st->lr);
		free(st);
	}
}

static long addr_next(struct trace_reader *r, struct trace_rec *buf, size_t cap)
{
	struct addr_state *st = r->priv;
	size_t n = 0, len;
	char *line;

	while (n < cap && (line = line_reader_next(&st->lr, &len))) {
		struct trace_rec *rec = &buf[n];
		const char *p;
		uint64_t a, gap;
		int k;

		if (!len || line[0] == '#')
			continue;
		k = addr_line_kind(line, len);
		if (!k || (st->kind && k != st->kind))
			return trace_fail_line(r, st->lr.lineno, 1,
			                       k ? "mixes the two address-trace formats"
			                         : "not an address-trace line: '%.40s'",
			                       line);
		if (!st->kind) {
			st->kind = k;
			if (k == 1)
				trace_meta_set(&r->meta, "time_unit", "instructions");
		}
		memset(rec, 0, sizeof(*rec));
		rec->pid = 1;
		rec->len = 1;
		if (k == 1) {
			rec->op = line[0] == 's' ? TRACE_OP_W : TRACE_OP_R;
			p = imp_skip_blanks(line + 2);
			if (!(p = imp_hex(p, &a)) || (*p != ' ' && *p != '\t'))
				return trace_fail_line(r, st->lr.lineno, 3, "bad address");
			p = imp_skip_blanks(p);
			if (!(p = imp_dec(p, &gap)) || *imp_skip_blanks(p))
				return trace_fail_line(r, st->lr.lineno,
				                       (unsigned)(p ? p - line : 0) + 1,
				                       "bad instruction count");
			st->clock += gap;
			rec->time = st->clock;
			rec->flags = TREC_TIME;
		} else {
			if (!(p = imp_hex(line, &a)))
				return trace_fail_line(r, st->lr.lineno, 1, "bad address");
			p = imp_skip_blanks(p);
			rec->op = *p == 'W' ? TRACE_OP_W : TRACE_OP_R;
		}
		rec->addr = a;
		n++;
	}
	return (long)n;
}

const struct trace_format_ops addr_format = {
        .name = "addr",
        .description =
                "course address traces: 'l|s 0xADDR N' (N = instruction gap) or '0xADDR R|W'",
        .probe = addr_probe,
        .open = addr_open,
        .next = addr_next,
        .close = addr_close,
};
