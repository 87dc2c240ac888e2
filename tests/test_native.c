// SPDX-License-Identifier: MIT
/*
 * test_native.c - the native .mmt.zst format: exact round trips of every op
 * and field (edge values, many pids, many frames), the header (metadata, page
 * size, patched record count), and every class of bad input — truncation
 * inside a frame and at a frame boundary, wrong magic, future version, bad
 * varints, bad ops, count mismatches, corrupt compressed bytes. Bad files are
 * crafted byte by byte from the layout documented in traces/native.c, so the
 * expectations do not come from the writer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <zstd.h>

#include "trace_testutil.h"

#define ALL_FLAGS (TREC_TIME | TREC_FILE | TREC_ARG)

struct fixture {
	char *dir;  /* scratch directory */
	char *path; /* dir/t.mmt.zst */
};

static int setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof(*fx));

	fx->dir = tu_tmpdir();
	if (!fx->dir)
		return -1;
	fx->path = tu_path(fx->dir, "t.mmt.zst");
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	tu_rmdir(fx->dir);
	free(fx->path);
	free(fx);
	return 0;
}

/* Write @recs, read them back with @batch, and require byte equality. */
static void roundtrip(const char *path, const struct trace_rec *recs, size_t n, size_t batch)
{
	struct trace_rec *back;
	char err[600];
	long got;

	assert_int_equal(tu_write_trace(path, NULL, NULL, recs, n), 0);
	got = tu_read_trace(path, NULL, batch, &back, NULL, err, sizeof(err));
	if (got < 0)
		fail_msg("read failed: %s", err);
	assert_int_equal(got, (long)n);
	for (size_t i = 0; i < n; i++)
		if (memcmp(&recs[i], &back[i], sizeof(recs[i])))
			fail_msg("record %zu differs (op %u pid %u)", i, recs[i].op, recs[i].pid);
	free(back);
}

/* One record per op, fields as the op uses them, flags in every mix. */
static void test_roundtrip_every_op(void **state)
{
	struct fixture *fx = *state;
	const struct trace_rec recs[] = {
	        tu_rec(0, 1, TRACE_OP_R, 0x7fff0000, 8, 0, 0, TREC_TIME),
	        tu_rec(10, 1, TRACE_OP_W, 0x7fff0008, 4, 0, 0x0123456789abcdefull,
	               TREC_TIME | TREC_ARG),
	        tu_rec(0, 1, TRACE_OP_X, 0x400000, 1, 0, 0, 0),
	        tu_rec(20, 2, TRACE_OP_MMAP, 0x7f0000000000ull, 1 << 20, 0,
	               TRACE_MAP_ANON | TRACE_PROT_R | TRACE_PROT_W, TREC_TIME | TREC_ARG),
	        tu_rec(21, 2, TRACE_OP_MMAP, 0x7f0000200000ull, 8192, 9,
	               TRACE_MAP_SHARED | TRACE_PROT_R, ALL_FLAGS),
	        tu_rec(22, 2, TRACE_OP_MUNMAP, 0x7f0000000000ull, 4096, 0, 0, TREC_TIME),
	        tu_rec(23, 2, TRACE_OP_MPROTECT, 0x7f0000001000ull, 4096, 0, TRACE_PROT_R,
	               TREC_TIME | TREC_ARG),
	        tu_rec(24, 2, TRACE_OP_BRK, 0x602000, 0, 0, 0, TREC_TIME),
	        tu_rec(25, 2, TRACE_OP_MADVISE, 0x7f0000001000ull, 65536, 0, TRACE_MADV_MERGEABLE,
	               TREC_TIME | TREC_ARG),
	        tu_rec(26, 2, TRACE_OP_FORK, 0, 0, 0, 3, TREC_TIME | TREC_ARG),
	        tu_rec(27, 3, TRACE_OP_EXEC, 0, 0, 0, 0, TREC_TIME),
	        tu_rec(28, 3, TRACE_OP_READ, 8192, 4096, 5, 65536, ALL_FLAGS),
	        tu_rec(29, 3, TRACE_OP_WRITE, 0, 100, 5, 0, TREC_TIME | TREC_FILE),
	        tu_rec(30, 3, TRACE_OP_FADVISE, 0, 0, 5, TRACE_FADV_RANDOM, ALL_FLAGS),
	        tu_rec(0, 0, TRACE_OP_ALLOC, 0, 0, 0, trace_alloc_arg(3, TRACE_ZONE_DMA32),
	               TREC_ARG),
	        tu_rec(0, 0, TRACE_OP_FREE, 0, 0, 0, trace_alloc_arg(3, TRACE_ZONE_DMA32),
	               TREC_ARG),
	        tu_rec(31, 2, TRACE_OP_MLOCK, 0x7f0000200000ull, 8192, 0, 0, TREC_TIME),
	        tu_rec(32, 2, TRACE_OP_MUNLOCK, 0x7f0000200000ull, 8192, 0, 0, TREC_TIME),
	        tu_rec(33, 3, TRACE_OP_EXIT, 0, 0, 0, 0, TREC_TIME),
	};
	size_t n = sizeof(recs) / sizeof(recs[0]);
	bool seen[NR_TRACE_OPS] = {0};

	for (size_t i = 0; i < n; i++)
		seen[recs[i].op] = true;
	for (unsigned op = 0; op < NR_TRACE_OPS; op++)
		assert_true(seen[op]);
	roundtrip(fx->path, recs, n, 1);
	roundtrip(fx->path, recs, n, 3);
	roundtrip(fx->path, recs, n, 4096);
}

/* Extreme values: every delta wraps modulo 2^64 and must come back exact. */
static void test_roundtrip_edge_values(void **state)
{
	struct fixture *fx = *state;
	const uint64_t M = UINT64_MAX;
	const struct trace_rec recs[] = {
	        tu_rec(M, UINT32_MAX, TRACE_OP_R, M, M, 0, 0, TREC_TIME),
	        tu_rec(0, UINT32_MAX, TRACE_OP_W, 0, 0, 0, M, TREC_TIME | TREC_ARG),
	        tu_rec(M, UINT32_MAX, TRACE_OP_W, 1ull << 63, 1, 0, (1ull << 56) - 1,
	               TREC_TIME | TREC_ARG),
	        tu_rec(5, UINT32_MAX, TRACE_OP_W, (1ull << 63) - 1, 1, 0, 1ull << 56,
	               TREC_TIME | TREC_ARG),
	        tu_rec(4, UINT32_MAX, TRACE_OP_W, 0x1000, 1, 0, 0, TREC_TIME | TREC_ARG),
	        tu_rec(0, 0, TRACE_OP_READ, M, M, UINT32_MAX, M, ALL_FLAGS),
	        tu_rec(0, 0, TRACE_OP_READ, 0, 0, 0, 0, TREC_FILE),
	        tu_rec(0, 0, TRACE_OP_WRITE, M - 4095, 4096, 0, 0, TREC_FILE | TREC_ARG),
	        tu_rec(1, 7, TRACE_OP_FORK, 0, 0, 0, UINT32_MAX, TREC_TIME | TREC_ARG),
	        tu_rec(0, 7, TRACE_OP_R, 0, 0, 0, 0, TREC_TIME),
	};

	roundtrip(fx->path, recs, sizeof(recs) / sizeof(recs[0]), 2);
}

/* A field whose flag is clear is absent: it reads back as 0, and pad as 0. */
static void test_absent_fields_read_as_zero(void **state)
{
	struct fixture *fx = *state;
	struct trace_rec in = tu_rec(123, 4, TRACE_OP_R, 0x1000, 8, 77, 99, 0), *back;
	struct trace_rec want = tu_rec(0, 4, TRACE_OP_R, 0x1000, 8, 0, 0, 0);
	char err[600];

	in.pad[0] = 0xAA;
	assert_int_equal(tu_write_trace(fx->path, NULL, NULL, &in, 1), 0);
	assert_int_equal(tu_read_trace(fx->path, NULL, 16, &back, NULL, err, sizeof(err)), 1);
	assert_memory_equal(back, &want, sizeof(want));
	free(back);
}

static unsigned count_data_frames(const unsigned char *buf, size_t len, size_t header)
{
	unsigned frames = 0;

	for (size_t off = header; off < len; frames++) {
		size_t fs = ZSTD_findFrameCompressedSize(buf + off, len - off);

		assert_false(ZSTD_isError(fs));
		off += fs;
	}
	return frames;
}

/* Random records over 3000 pids (more than the 1024 state slots) across many frames. */
static void test_roundtrip_many_pids_many_frames(void **state)
{
	struct fixture *fx = *state;
	const size_t n = 400000;
	struct trace_rec *recs = xcalloc(n, sizeof(*recs));
	unsigned char *bytes;
	struct rng rng;
	size_t len;

	rng_seed(&rng, 42);
	for (size_t i = 0; i < n; i++) {
		uint64_t x = rng_next(&rng);
		unsigned op = (unsigned)rng_below(&rng, NR_TRACE_OPS);

		recs[i] =
		        tu_rec(rng_next(&rng) >> (x & 63), (uint32_t)rng_below(&rng, 3000), op,
		               rng_next(&rng) >> ((x >> 6) & 63),
		               rng_below(&rng, 4) ? 8 : rng_next(&rng), (uint32_t)rng_next(&rng),
		               rng_next(&rng) >> ((x >> 12) & 63), (unsigned)(x >> 20) & ALL_FLAGS);
		if (!(recs[i].flags & TREC_TIME))
			recs[i].time = 0;
		if (!(recs[i].flags & TREC_FILE))
			recs[i].file = 0;
		if (!(recs[i].flags & TREC_ARG))
			recs[i].arg = 0;
	}
	roundtrip(fx->path, recs, n, 4096);
	bytes = tu_read_bytes(fx->path, &len);
	assert_non_null(bytes);
	/* 40-byte header, no metadata; ~20 bytes a record -> several 1 MiB frames. */
	assert_true(count_data_frames(bytes, len, 40) >= 3);
	free(bytes);
	free(recs);
}

/* Metadata and page size survive; the record count is patched into bytes 24..31. */
static void test_header_metadata_and_count(void **state)
{
	struct fixture *fx = *state;
	struct trace_rec recs[3];
	struct trace_meta meta, back_meta;
	struct trace_rec *back;
	unsigned char *bytes;
	char err[600], val[64];
	uint64_t count = 0;
	size_t len;

	for (unsigned i = 0; i < 3; i++)
		recs[i] = tu_rec(0, 1, TRACE_OP_R, 0x1000 * i, 1, 0, 0, 0);
	trace_meta_init(&meta);
	meta.page_size = 16384;
	trace_meta_set(&meta, "source", "unit test");
	trace_meta_set(&meta, "gen.seed", "7");
	assert_int_equal(tu_write_trace(fx->path, NULL, &meta, recs, 3), 0);
	bytes = tu_read_bytes(fx->path, &len);
	/* Layout by hand: skippable magic, payload 32 + M, our magic, version 1. */
	assert_memory_equal(bytes, "\x5d\x2a\x4d\x18", 4);
	assert_int_equal(bytes[4], 32 + strlen("source=unit test\ngen.seed=7\n"));
	assert_memory_equal(bytes + 8, "\x89MMT\r\n\x1a\n", 8);
	assert_int_equal(bytes[16], 1);
	assert_int_equal(bytes[20] | bytes[21] << 8 | bytes[22] << 16, 16384);
	for (int i = 7; i >= 0; i--)
		count = count << 8 | bytes[24 + i];
	assert_int_equal(count, 3);
	assert_memory_equal(bytes + 40, "source=unit test\ngen.seed=7\n", 28);
	free(bytes);

	assert_int_equal(tu_read_trace(fx->path, NULL, 2, &back, &back_meta, err, sizeof(err)), 3);
	assert_int_equal(back_meta.page_size, 16384);
	assert_int_equal(back_meta.nr_records, 3);
	assert_true(trace_meta_get(&back_meta, "gen.seed", val, sizeof(val)));
	assert_string_equal(val, "7");
	assert_true(trace_meta_get(&back_meta, "source", val, sizeof(val)));
	assert_string_equal(val, "unit test");
	trace_meta_free(&meta);
	trace_meta_free(&back_meta);
	free(back);
}

static void test_empty_trace(void **state)
{
	struct fixture *fx = *state;
	struct trace_rec *back;
	char err[600];

	assert_int_equal(tu_write_trace(fx->path, NULL, NULL, NULL, 0), 0);
	assert_int_equal(tu_read_trace(fx->path, NULL, 16, &back, NULL, err, sizeof(err)), 0);
	free(back);
}

/* ---- crafted files -------------------------------------------------- */

/* Build a header by hand from the documented layout. Returns its length. */
static size_t craft_header(unsigned char *h, unsigned version, unsigned flags, uint32_t page_size,
                           uint64_t nr, const char *meta)
{
	size_t m = strlen(meta);

	memset(h, 0, 40);
	memcpy(h, "\x5d\x2a\x4d\x18", 4);
	h[4] = (unsigned char)(32 + m);
	memcpy(h + 8, "\x89MMT\r\n\x1a\n", 8);
	h[16] = (unsigned char)version;
	h[18] = (unsigned char)flags;
	for (int i = 0; i < 4; i++)
		h[20 + i] = (unsigned char)(page_size >> (8 * i));
	for (int i = 0; i < 8; i++)
		h[24 + i] = (unsigned char)(nr >> (8 * i));
	h[32] = (unsigned char)m;
	memcpy(h + 40, meta, m);
	return 40 + m;
}

/* Append one checksummed zstd frame holding @len raw bytes. */
static size_t craft_frame(unsigned char *dst, const void *src, size_t len)
{
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	size_t n;

	ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1);
	n = ZSTD_compress2(cc, dst, 4096, src, len);
	assert_false(ZSTD_isError(n));
	ZSTD_freeCCtx(cc);
	return n;
}

/* Write header + one frame of @recbytes to fx->path. */
static void craft_file(struct fixture *fx, const void *recbytes, size_t len)
{
	unsigned char buf[8192];
	size_t n = craft_header(buf, 1, 0, 4096, UINT64_MAX, "");

	n += craft_frame(buf + n, recbytes, len);
	tu_write_bytes(fx->path, buf, n);
}

/* Read fx->path expecting failure; returns the records delivered before it. */
static long expect_error(struct fixture *fx, const char *format, const char *want_suffix)
{
	struct trace_rec *back;
	char err[600], want[800];
	long got = tu_read_trace(fx->path, format, 4096, &back, NULL, err, sizeof(err));

	free(back);
	assert_int_equal(got, -1);
	snprintf(want, sizeof(want), "%s: %s", fx->path, want_suffix);
	assert_string_equal(err, want);
	return got;
}

static void test_crafted_valid_file_decodes(void **state)
{
	struct fixture *fx = *state;
	/* R addr +1 (zigzag 2); P pid 5, T dt +3 (6), W addr +0x10 (0x20), L len 8 via E;
	 * then the end marker counting 2. */
	const unsigned char bytes[] = {
	        0x00, 0x02, 0x20 | 0x40 | 0x80 | 0x01, 0x05, 0x01, 0x06, 0x20, 0x08, 0x1F, 0x02};
	struct trace_rec *back;
	char err[600];
	struct trace_rec want[2] = {
	        tu_rec(0, 0, TRACE_OP_R, 1, 0, 0, 0, 0),
	        tu_rec(3, 5, TRACE_OP_W, 0x10, 8, 0, 0, TREC_TIME),
	};

	craft_file(fx, bytes, sizeof(bytes));
	assert_int_equal(tu_read_trace(fx->path, "native", 8, &back, NULL, err, sizeof(err)), 2);
	assert_memory_equal(back, want, sizeof(want));
	free(back);
}

static void test_truncated_inside_frame(void **state)
{
	struct fixture *fx = *state;
	struct trace_rec recs[100];
	unsigned char *bytes;
	size_t len;

	for (unsigned i = 0; i < 100; i++)
		recs[i] = tu_rec(i, 1, TRACE_OP_R, 0x1000 * i, 8, 0, 0, TREC_TIME);
	assert_int_equal(tu_write_trace(fx->path, NULL, NULL, recs, 100), 0);
	bytes = tu_read_bytes(fx->path, &len);
	tu_write_bytes(fx->path, bytes, len - 5);
	free(bytes);
	/* The only data frame starts right after the 40-byte header. */
	expect_error(fx, NULL,
	             "byte offset 40: truncated zstd frame (the file ends inside compressed data)");
}

/* Cut exactly after the first of several frames: the missing end marker tells. */
static void test_truncated_at_frame_boundary(void **state)
{
	struct fixture *fx = *state;
	const size_t n = 300000;
	struct trace_rec *recs = xcalloc(n, sizeof(*recs)), *back;
	unsigned char *bytes;
	char err[600], want[600];
	size_t len, first;
	struct rng rng;
	long got;

	rng_seed(&rng, 1);
	for (size_t i = 0; i < n; i++)
		recs[i] = tu_rec(i, 1, TRACE_OP_R, rng_next(&rng), 8, 0, 0, TREC_TIME);
	assert_int_equal(tu_write_trace(fx->path, NULL, NULL, recs, n), 0);
	bytes = tu_read_bytes(fx->path, &len);
	first = ZSTD_findFrameCompressedSize(bytes + 40, len - 40);
	assert_false(ZSTD_isError(first));
	assert_true(40 + first < len);
	tu_write_bytes(fx->path, bytes, 40 + first);
	free(bytes);

	/* Batches of 1: every record of the intact frame arrives, then the error. */
	got = tu_read_trace(fx->path, NULL, 1, &back, NULL, err, sizeof(err));
	assert_int_equal(got, -1);
	assert_non_null(strstr(err, ": truncated: the file ends after "));
	assert_non_null(strstr(err, " records without the end-of-trace marker"));
	{
		unsigned long long k = strtoull(strstr(err, "after ") + 6, NULL, 10);

		assert_true(k > 0 && k < n);
		assert_memory_equal(back, recs, k * sizeof(*recs));
		snprintf(want, sizeof(want),
		         "%s: truncated: the file ends after %llu records without the end-of-trace "
		         "marker",
		         fx->path, k);
		assert_string_equal(err, want);
	}
	free(back);
	free(recs);
}

/*
 * Read @path with the decode thread: trace_read with batches of @batch, or
 * trace_read_batch when @batch is 0. Checks trace_records_read() after every
 * call. Return: records (in *out, *nread of them) or -1 with the error in
 * @err (the records before it in *out).
 */
static long read_threaded(const char *path, size_t batch, struct trace_rec **out, size_t *nread,
                          char *err, size_t errlen)
{
	struct trace_open_opts opts = {.decode_thread = true};
	struct trace_rec *recs = NULL;
	struct trace_reader *r;
	size_t n = 0, cap = 0;
	long got;

	err[0] = 0;
	if (trace_open(&r, path, &opts, err, errlen))
		return -1;
	for (;;) {
		const struct trace_rec *b;
		size_t want = batch ? batch : 4096;

		if (cap - n < want) {
			cap = (cap + want) * 2;
			recs = xrealloc(recs, cap * sizeof(*recs));
		}
		if (batch) {
			got = trace_read(r, recs + n, batch);
			assert_true(got <= (long)batch);
		} else {
			got = trace_read_batch(r, &b);
			assert_true(got <= 4096);
			if (got > 0)
				memcpy(recs + n, b, (size_t)got * sizeof(*recs));
		}
		if (got <= 0)
			break;
		n += (size_t)got;
		assert_int_equal(trace_records_read(r), n);
	}
	if (got < 0) {
		snprintf(err, errlen, "%s", trace_error(r));
		/* sticky: asking again gives the same error, no records */
		assert_int_equal(trace_read(r, recs, 1), -1);
		assert_string_equal(trace_error(r), err);
	} else {
		assert_int_equal(trace_read(r, recs, 1), 0); /* and the end is sticky */
	}
	trace_close(r);
	*out = recs;
	*nread = n;
	return got < 0 ? -1 : (long)n;
}

/*
 * The decode thread hands out exactly the records, counts and errors of the
 * inline reader, whatever the caller's batch size; closing a reader whose
 * thread is still decoding returns (and, under ASan, leaks nothing).
 */
static void test_decode_thread_same_records(void **state)
{
	struct fixture *fx = *state;
	const size_t n = 300000;
	const size_t batches[] = {0, 1, 7, 1024, 5000};
	struct trace_rec *recs = xcalloc(n, sizeof(*recs)), *back;
	struct trace_open_opts opts = {.decode_thread = true};
	struct trace_reader *r;
	char err[600], err_inline[600];
	unsigned char *bytes;
	size_t len, first;
	struct rng rng;

	rng_seed(&rng, 7);
	for (size_t i = 0; i < n; i++)
		recs[i] = tu_rec(i, 1 + (uint32_t)rng_below(&rng, 5), TRACE_OP_R, rng_next(&rng), 8,
		                 0, 0, TREC_TIME);
	assert_int_equal(tu_write_trace(fx->path, NULL, NULL, recs, n), 0);
	for (size_t k = 0; k < sizeof(batches) / sizeof(batches[0]); k++) {
		size_t nread;
		long got = read_threaded(fx->path, batches[k], &back, &nread, err, sizeof(err));

		if (got < 0)
			fail_msg("batch %zu: %s", batches[k], err);
		assert_int_equal(got, n);
		assert_memory_equal(back, recs, n * sizeof(*recs));
		free(back);
	}

	/* Close after one batch, while the thread is still decoding ahead. */
	assert_int_equal(trace_open(&r, fx->path, &opts, err, sizeof(err)), 0);
	assert_int_equal(trace_read(r, recs, 3), 3);
	trace_close(r);

	/*
	 * Truncated after the first frame: the same error, after the same records.
	 * (A reader drops the records of the batch the error ends, and the thread
	 * decodes in batches of 1024 whatever the caller asks for, so it may hand
	 * out fewer than the message counts, never others.)
	 */
	bytes = tu_read_bytes(fx->path, &len);
	first = ZSTD_findFrameCompressedSize(bytes + 40, len - 40);
	assert_false(ZSTD_isError(first));
	tu_write_bytes(fx->path, bytes, 40 + first);
	free(bytes);
	assert_int_equal(
	        tu_read_trace(fx->path, NULL, 1000, &back, NULL, err_inline, sizeof(err_inline)),
	        -1);
	free(back);
	for (size_t k = 0; k < sizeof(batches) / sizeof(batches[0]); k++) {
		unsigned long long done;
		size_t nread;

		assert_int_equal(
		        read_threaded(fx->path, batches[k], &back, &nread, err, sizeof(err)), -1);
		assert_string_equal(err, err_inline);
		done = strtoull(strstr(err, "after ") + 6, NULL, 10);
		assert_true(done > 0 && done < n);
		assert_true(nread <= done && nread + 1024 > done); /* at most one batch lost */
		assert_memory_equal(back, recs, nread * sizeof(*recs));
		free(back);
	}
	free(recs);
}

static void test_wrong_magic(void **state)
{
	struct fixture *fx = *state;
	struct trace_rec rec = tu_rec(0, 1, TRACE_OP_R, 0, 1, 0, 0, 0), *back;
	unsigned char *bytes;
	char err[600], want[600];
	size_t len;

	assert_int_equal(tu_write_trace(fx->path, NULL, NULL, &rec, 1), 0);
	bytes = tu_read_bytes(fx->path, &len);
	bytes[9] = 'X'; /* "\x89XMT..." */
	tu_write_bytes(fx->path, bytes, len);
	free(bytes);
	expect_error(fx, "native", "byte offset 0: not a native mmsim trace (bad magic)");
	/* Without --from nothing claims it. */
	assert_int_equal(tu_read_trace(fx->path, NULL, 1, &back, NULL, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: cannot tell the trace format", fx->path);
	assert_memory_equal(err, want, strlen(want));
	free(back);
}

static void test_future_version_and_bad_header_fields(void **state)
{
	struct fixture *fx = *state;
	const unsigned char end[] = {0x1F, 0x00};
	unsigned char buf[4096];
	size_t n;

	n = craft_header(buf, 2, 0, 4096, UINT64_MAX, "");
	n += craft_frame(buf + n, end, sizeof(end));
	tu_write_bytes(fx->path, buf, n);
	expect_error(fx, NULL,
	             "byte offset 16: format version 2 is newer than this mmsim reads (1); upgrade "
	             "mmsim");

	n = craft_header(buf, 1, 4, 4096, UINT64_MAX, "");
	n += craft_frame(buf + n, end, sizeof(end));
	tu_write_bytes(fx->path, buf, n);
	expect_error(fx, NULL, "byte offset 18: unsupported header flags 0x0004");

	n = craft_header(buf, 1, 0, 3000, UINT64_MAX, "");
	n += craft_frame(buf + n, end, sizeof(end));
	tu_write_bytes(fx->path, buf, n);
	expect_error(fx, NULL, "byte offset 20: bad page size 3000");

	n = craft_header(buf, 1, 0, 4096, UINT64_MAX, "a=b"); /* no final newline */
	n += craft_frame(buf + n, end, sizeof(end));
	tu_write_bytes(fx->path, buf, n);
	expect_error(fx, NULL, "byte offset 42: metadata does not end with a newline");

	n = craft_header(buf, 1, 0, 4096, UINT64_MAX, "");
	tu_write_bytes(fx->path, buf, 30);
	expect_error(fx, NULL, "byte offset 30: truncated header (30 of 40 bytes)");
}

static void test_bad_varints(void **state)
{
	struct fixture *fx = *state;
	/* R with an address varint of ten continuation bytes: longer than 64 bits. */
	const unsigned char a[] = {0x00, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	                           0x80, 0x80, 0x80, 0x80, 0x00, 0x1F, 0x01};
	/* A good record (2 bytes), then P with pid 2^35 - 1 > UINT32_MAX. */
	const unsigned char b[] = {0x00, 0x02, 0x20, 0xFF, 0xFF, 0xFF,
	                           0xFF, 0x7F, 0x00, 0x1F, 0x02};
	/* Tenth byte 0x02: bit 64 would be set. */
	const unsigned char c[] = {0x40, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
	                           0xFF, 0xFF, 0xFF, 0x02, 0x00, 0x1F, 0x01};

	craft_file(fx, a, sizeof(a));
	expect_error(
	        fx, NULL,
	        "record 1: bad address varint (byte 0 of the decompressed record stream, b0 0x00)");
	craft_file(fx, b, sizeof(b));
	expect_error(
	        fx, NULL,
	        "record 2: bad pid varint (byte 2 of the decompressed record stream, b0 0x20)");
	craft_file(fx, c, sizeof(c));
	expect_error(
	        fx, NULL,
	        "record 1: bad time varint (byte 0 of the decompressed record stream, b0 0x40)");
}

static void test_bad_op_and_ext(void **state)
{
	struct fixture *fx = *state;
	const unsigned char op18[] = {0x12, 0x00, 0x1F, 0x01};
	const unsigned char end_with_p[] = {0x00, 0x00, 0x3F, 0x01};
	const unsigned char ext_high[] = {0x80, 0x10, 0x00, 0x1F, 0x01};
	const unsigned char ext_both[] = {0x80, 0x0C, 0x00, 0x00, 0x1F, 0x01};
	const unsigned char short_rec[] = {0x80}; /* ext byte and addr missing */

	craft_file(fx, op18, sizeof(op18));
	expect_error(fx, NULL,
	             "record 1: bad op (byte 0 of the decompressed record stream, b0 0x12)");
	craft_file(fx, end_with_p, sizeof(end_with_p));
	expect_error(fx, NULL,
	             "record 2: bad op (byte 2 of the decompressed record stream, b0 0x3f)");
	craft_file(fx, ext_high, sizeof(ext_high));
	expect_error(
	        fx, NULL,
	        "record 1: bad extension byte (byte 0 of the decompressed record stream, b0 0x80)");
	craft_file(fx, ext_both, sizeof(ext_both));
	expect_error(
	        fx, NULL,
	        "record 1: bad extension byte (byte 0 of the decompressed record stream, b0 0x80)");
	craft_file(fx, short_rec, sizeof(short_rec));
	expect_error(fx, NULL,
	             "record 1: record runs past the end of its zstd frame (byte 0 of the "
	             "decompressed record stream, b0 0x80)");
}

static void test_count_mismatches(void **state)
{
	struct fixture *fx = *state;
	const unsigned char end2[] = {0x00, 0x00, 0x1F, 0x02}; /* 1 record, marker says 2 */
	const unsigned char no_end[] = {0x00, 0x00};
	const unsigned char after_end[] = {0x00, 0x00, 0x1F, 0x01, 0x00};
	const unsigned char end1[] = {0x00, 0x00, 0x1F, 0x01};
	unsigned char buf[4096];
	size_t n;

	craft_file(fx, end2, sizeof(end2));
	expect_error(
	        fx, NULL,
	        "record 2: end-of-trace marker counts 2 records but the file holds 1 (corrupt)");
	craft_file(fx, no_end, sizeof(no_end));
	expect_error(fx, NULL,
	             "truncated: the file ends after 1 records without the end-of-trace marker");
	craft_file(fx, after_end, sizeof(after_end));
	expect_error(fx, NULL, "record 2: data after the end-of-trace marker");

	/* Header says 5, the file holds 1. */
	n = craft_header(buf, 1, 0, 4096, 5, "");
	n += craft_frame(buf + n, end1, sizeof(end1));
	tu_write_bytes(fx->path, buf, n);
	expect_error(fx, NULL, "header counts 5 records but the file holds 1 (corrupt)");

	/* A second frame after the one with the end marker. */
	n = craft_header(buf, 1, 0, 4096, UINT64_MAX, "");
	n += craft_frame(buf + n, end1, sizeof(end1));
	{
		size_t second = n;

		n += craft_frame(buf + n, no_end, sizeof(no_end));
		tu_write_bytes(fx->path, buf, n);
		char want[128];

		snprintf(want, sizeof(want), "byte offset %zu: data after the end-of-trace marker",
		         second);
		expect_error(fx, NULL, want);
	}
}

/* A flipped byte in compressed data: an error before any record of that frame. */
static void test_corrupt_frame_gives_no_records(void **state)
{
	struct fixture *fx = *state;
	struct trace_rec recs[1000];
	struct trace_reader *r;
	struct trace_rec buf[16];
	unsigned char *bytes;
	char err[600], want[600];
	size_t len;

	for (unsigned i = 0; i < 1000; i++)
		recs[i] = tu_rec(i * 3, 1 + i % 4, TRACE_OP_W, 0x10000 + 64 * i, 8, 0, i * 77,
		                 TREC_TIME | TREC_ARG);
	assert_int_equal(tu_write_trace(fx->path, NULL, NULL, recs, 1000), 0);
	bytes = tu_read_bytes(fx->path, &len);
	bytes[len / 2] ^= 0x20;
	tu_write_bytes(fx->path, bytes, len);
	free(bytes);
	assert_int_equal(trace_open(&r, fx->path, NULL, err, sizeof(err)), 0);
	assert_int_equal(trace_read(r, buf, 16), -1);
	snprintf(want, sizeof(want), "%s: byte offset 40: corrupt compressed data: ", fx->path);
	assert_memory_equal(trace_error(r), want, strlen(want));
	assert_int_equal(trace_read(r, buf, 16), -1); /* sticky */
	trace_close(r);
}

static void test_writer_rejects_invalid_records(void **state)
{
	struct fixture *fx = *state;
	struct trace_rec bad_op = tu_rec(0, 1, NR_TRACE_OPS, 0, 0, 0, 0, 0);
	struct trace_rec bad_flags = tu_rec(0, 1, TRACE_OP_R, 0, 0, 0, 0, 0x10);
	struct trace_writer *w;
	char err[600], want[600];

	assert_int_equal(trace_writer_open(&w, fx->path, NULL, NULL, err, sizeof(err)), 0);
	assert_int_equal(trace_write(w, &bad_op, 1), -1);
	snprintf(want, sizeof(want), "%s: record 1: invalid op 18", fx->path);
	assert_string_equal(trace_writer_error(w), want);
	trace_writer_abort(w);
	assert_int_equal(access(fx->path, F_OK), -1);

	assert_int_equal(trace_writer_open(&w, fx->path, NULL, NULL, err, sizeof(err)), 0);
	assert_int_equal(trace_write(w, &bad_flags, 1), -1);
	snprintf(want, sizeof(want), "%s: record 1: invalid flags 0x10", fx->path);
	assert_string_equal(trace_writer_error(w), want);
	trace_writer_abort(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_roundtrip_every_op, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_roundtrip_edge_values, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_absent_fields_read_as_zero, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_roundtrip_many_pids_many_frames, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_header_metadata_and_count, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_empty_trace, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_crafted_valid_file_decodes, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_truncated_inside_frame, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_truncated_at_frame_boundary, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_decode_thread_same_records, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_wrong_magic, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_future_version_and_bad_header_fields, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_bad_varints, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_bad_op_and_ext, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_count_mismatches, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_corrupt_frame_gives_no_records, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_writer_rejects_invalid_records, setup,
	                                        teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
