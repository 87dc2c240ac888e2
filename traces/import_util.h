/* SPDX-License-Identifier: MIT */
/*
 * import_util.h - small scanners shared by the text importers: skip blanks,
 * read decimal/hex numbers without allocation, and queue records (a line can
 * yield more than one; next() hands them out in batches).
 */
#ifndef MMSIM_IMPORT_UTIL_H
#define MMSIM_IMPORT_UTIL_H

#include "trace_internal.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static inline const char *imp_skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static inline int imp_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Hex digits (optional 0x). Returns the end, or NULL if no digit or overflow. */
static inline const char *imp_hex(const char *p, uint64_t *out)
{
	uint64_t v = 0;
	const char *s;
	int d;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	for (s = p; (d = imp_hexval(*p)) >= 0; p++) {
		if (v >> 60)
			return NULL;
		v = (v << 4) | (uint64_t)d;
	}
	if (p == s)
		return NULL;
	*out = v;
	return p;
}

/* Decimal digits. Returns the end, or NULL if no digit or overflow. */
static inline const char *imp_dec(const char *p, uint64_t *out)
{
	uint64_t v = 0;
	const char *s = p;

	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return NULL;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (p == s)
		return NULL;
	*out = v;
	return p;
}

/* A number as C writes it: 0x-hex or decimal, optionally negative (two's complement). */
static inline const char *imp_num(const char *p, uint64_t *out)
{
	bool neg = *p == '-';
	const char *e;

	if (neg)
		p++;
	e = (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) ? imp_hex(p, out) : imp_dec(p, out);
	if (e && neg)
		*out = (uint64_t) - (int64_t)*out;
	return e;
}

#define IMP_QUEUE 4 /* records one input line can produce */

/* Records produced by a line, waiting for the next batch. */
struct imp_queue {
	struct trace_rec q[IMP_QUEUE]; /* pending records */
	unsigned head;                 /* next to hand out */
	unsigned nr;                   /* pending count */
};

static inline struct trace_rec *imp_push(struct imp_queue *q)
{
	struct trace_rec *r = &q->q[q->nr++];

	memset(r, 0, sizeof(*r));
	return r;
}

/* Move pending records into buf; returns how many. */
static inline size_t imp_drain(struct imp_queue *q, struct trace_rec *buf, size_t cap)
{
	size_t n = 0;

	while (q->head < q->nr && n < cap)
		buf[n++] = q->q[q->head++];
	if (q->head == q->nr)
		q->head = q->nr = 0;
	return n;
}

#endif /* MMSIM_IMPORT_UTIL_H */
