// SPDX-License-Identifier: MIT
/*
 * oracle.c - importer for libCacheSim's oracleGeneral binary traces.
 *
 * Records are 24 bytes, little-endian:
 *
 *   offset 0  u32 clock time (seconds)
 *   offset 4  u64 object id
 *   offset 12 u32 object size (bytes)
 *   offset 16 i64 index of the next request for this object (-1: none)
 *
 * Each request becomes a 4096-byte read() of file 1 at page index = object
 * id (offset id * 4096), time = seconds * 1e9 ns, and arg = the object's size
 * (shown as size=N in CSV). The size does not widen the access: every object
 * is one page, which is what unit-size cache comparisons want. An id whose
 * offset would not fit in 64 bits is an error naming the record (no silent
 * wrap-around). A file whose length is not a multiple of 24 bytes is an
 * error naming the byte offset of the partial record.
 */
#include "import_util.h"

#include "../sim/util.h"

#include <stdlib.h>

#define OG_REC   24   /* bytes per record */
#define OG_FILE  1u   /* file id of every request */
#define OG_BATCH 4096 /* records read per fread */

struct oracle_state {
	unsigned char *buf; /* raw records */
	size_t have;        /* bytes in buf */
	size_t pos;         /* next byte */
	uint64_t offset;    /* file offset of buf[0] */
	bool eof;           /* input exhausted */
};

static inline uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* No magic: plausible if the first records have non-decreasing times and next >= -1. */
static int oracle_probe(const unsigned char *head, size_t n)
{
	size_t nr = n / OG_REC;
	uint32_t t0 = 0;

	if (nr < 4)
		return 0;
	for (size_t i = 0; i < nr && i < 64; i++) {
		const unsigned char *p = head + i * OG_REC;
		int64_t next = (int64_t)le64(p + 16);

		if (le32(p) < t0 || next < -1 || (next >= 0 && (uint64_t)next <= i))
			return 0;
		t0 = le32(p);
	}
	return 20;
}

static int oracle_open(struct trace_reader *r)
{
	struct oracle_state *st = xcalloc(1, sizeof(*st));

	st->buf = xmalloc(OG_BATCH * OG_REC);
	r->priv = st;
	trace_meta_set(&r->meta, "source_format", "oracleGeneral");
	return 0;
}

static void oracle_close(struct trace_reader *r)
{
	struct oracle_state *st = r->priv;

	if (st) {
		free(st->buf);
		free(st);
	}
}

static long oracle_next(struct trace_reader *r, struct trace_rec *out, size_t cap)
{
	struct oracle_state *st = r->priv;
	size_t n = 0;

	while (n < cap) {
		if (st->have - st->pos < OG_REC) {
			size_t left = st->have - st->pos, got;

			if (st->eof) {
				if (left)
					return trace_fail_offset(r, st->offset + st->pos,
					                         "partial record (%zu of %d bytes)",
					                         left, OG_REC);
				break;
			}
			memmove(st->buf, st->buf + st->pos, left);
			st->offset += st->pos;
			st->pos = 0;
			got = trace_in_read(r, st->buf + left, OG_BATCH * OG_REC - left);
			st->have = left + got;
			if (!got)
				st->eof = true;
			continue;
		}
		const unsigned char *p = st->buf + st->pos;
		uint64_t id = le64(p + 4);

		if (id > (UINT64_MAX >> 12))
			return trace_fail_record(r, r->nr_read + n + 1,
			                         "object id %llu too large for a page offset",
			                         (unsigned long long)id);
		memset(&out[n], 0, sizeof(out[n]));
		out[n].op = TRACE_OP_READ;
		out[n].pid = 1;
		out[n].time = (uint64_t)le32(p) * 1000000000ULL;
		out[n].addr = id << 12;
		out[n].len = 4096;
		out[n].file = OG_FILE;
		out[n].arg = le32(p + 12);
		out[n].flags = TREC_TIME | TREC_FILE | TREC_ARG;
		st->pos += OG_REC;
		n++;
	}
	return (long)n;
}

const struct trace_format_ops oracle_format = {
        .name = "oracleGeneral",
        .description = "libCacheSim oracleGeneral binary (24-byte records: time, id, size, next)",
        .probe = oracle_probe,
        .open = oracle_open,
        .next = oracle_next,
        .close = oracle_close,
};
