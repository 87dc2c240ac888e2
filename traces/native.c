// SPDX-License-Identifier: MIT
/*
 * native.c - the native trace format, .mmt.zst (DESIGN.md section 4).
 *
 * DOC: File layout
 *
 * The file is a valid zstd stream: a zstd *skippable frame* carrying the
 * header in the clear (so probe() sees the magic without decompressing and the
 * record count can be patched in place), followed by ordinary zstd frames
 * holding the record stream. `zstd -t` checks a file, `zstd -d` yields the raw
 * record stream. All integers are little-endian.
 *
 *   offset  size  field
 *   ------  ----  ---------------------------------------------------------
 *        0     4  0x184D2A5D   zstd skippable-frame magic (bytes 5D 2A 4D 18)
 *        4     4  S            skippable payload size = 32 + M
 *        8     8  89 4D 4D 54 0D 0A 1A 0A   magic "\x89MMT\r\n\x1a\n"
 *       16     2  version      1 (a newer version is refused, not guessed at)
 *       18     2  flags        0 in version 1; unknown bits are refused
 *       20     4  page_size    bytes, a power of two >= 512
 *       24     8  nr_records   UINT64_MAX = unknown; patched at close when the
 *                              output is seekable
 *       32     4  M            metadata length in bytes (<= 1 MiB)
 *       36     4  reserved     0
 *       40     M  metadata     "key=value\n" lines, no NUL
 *     40+M   ...  zstd frames  the record stream, content checksums on
 *
 * DOC: Frames
 *
 * The writer ends a zstd frame every NATIVE_FRAME_BYTES (1 MiB) of encoded
 * records, always at a record boundary, and resets the delta state at every
 * frame start, so each frame decodes on its own. The reader decompresses a
 * whole frame (<= NATIVE_FRAME_MAX) before handing out any of its records:
 * zstd has verified the frame's content checksum by then, so a corrupt file
 * yields an error, never garbage records. The last frame ends with an
 * end-of-trace marker carrying the record count, so a file cut at a frame
 * boundary is detected as truncated.
 *
 * DOC: Records
 *
 *   record := b0 [pid] [ext] [dtime] daddr [len] [file] [arg]
 *
 *   b0    bits 0-4  op (enum trace_op); 31 = end-of-trace marker (b0 == 0x1F),
 *                   followed by uvarint record count and nothing else
 *         bit 5     P: pid follows (uvarint, <= UINT32_MAX); else the pid of
 *                   the previous record (0 at a frame start)
 *         bit 6     T: TREC_TIME; dtime follows
 *         bit 7     E: ext byte follows (else ext = 0)
 *   ext   bit 0     L: len follows (uvarint); else len = the pid's last len
 *         bit 1     F: TREC_FILE; file follows (uvarint, <= UINT32_MAX)
 *         bit 2     A: TREC_ARG; arg follows as uvarint
 *         bit 3     A8: TREC_ARG; arg follows as 8 raw bytes (large values,
 *                   e.g. content fingerprints); A and A8 are exclusive
 *         bits 4-7  zero
 *   dtime = zigzag(time - pid.time), daddr = zigzag(addr - pid.addr[class]),
 *   modulo 2^64, class 1 for file-offset ops (read, write, fadvise) and 0 for
 *   all others, so page-cache offsets and virtual addresses of one process
 *   do not spoil each other's deltas.
 *
 * uvarint is LEB128 (7 bits per byte, low first, at most 10 bytes for 64-bit
 * and 5 for 32-bit values); zigzag maps signed deltas to small unsigned ones.
 *
 * Per-pid state (last time, last address per class, last len) lives in a
 * direct-mapped table of NATIVE_PID_SLOTS slots indexed by a Fibonacci hash of
 * the pid; a slot taken over by another pid is reset to zero. Writer and
 * reader run the same transitions, so the table needs no allocation per record
 * and collisions only cost bytes, never exactness.
 *
 * A field whose TREC_* flag is clear is stored as absent and read back as 0;
 * pad bytes are read back as 0. Everything else round-trips exactly.
 */
#include "trace_internal.h"

#include "../sim/util.h"

#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <zstd.h>

#define NATIVE_VERSION         1u          /* the version this code writes and reads */
#define NATIVE_HDR_BYTES       40u         /* fixed header bytes before the metadata */
#define NATIVE_SKIPPABLE_MAGIC 0x184D2A5Du /* zstd skippable frame, nibble 0xD */
#define NATIVE_OFF_VERSION     16          /* byte offsets of header fields */
#define NATIVE_OFF_FLAGS       18
#define NATIVE_OFF_PAGE_SIZE   20
#define NATIVE_OFF_NR_RECORDS  24
#define NATIVE_OFF_META_LEN    32
#define NATIVE_OFF_RESERVED    36
#define NATIVE_META_MAX        (1u << 20)  /* metadata is a few lines; 1 MiB is corruption */
#define NATIVE_FRAME_BYTES     (1u << 20)  /* writer: encoded bytes per zstd frame */
#define NATIVE_FRAME_MAX       (16u << 20) /* reader: largest frame content accepted */
#define NATIVE_WINDOW_LOG_MAX  24          /* frames <= 16 MiB never need a larger window */
#define NATIVE_REC_MAX         64          /* > largest encoded record (52 bytes) */
#define NATIVE_PID_BITS        10          /* 1024 per-pid state slots (40 KiB) */
#define NATIVE_PID_SLOTS       (1u << NATIVE_PID_BITS)
#define NATIVE_ZSTD_LEVEL      3 /* zstd's default: fast, decode speed is level-independent */

#define NATIVE_OP_END    0x1Fu /* b0 of the end-of-trace marker */
#define NATIVE_B0_OP     0x1Fu /* b0 op bits */
#define NATIVE_B0_PID    0x20u /* P */
#define NATIVE_B0_TIME   0x40u /* T */
#define NATIVE_B0_EXT    0x80u /* E */
#define NATIVE_EXT_LEN   0x01u /* L */
#define NATIVE_EXT_FILE  0x02u /* F */
#define NATIVE_EXT_ARG   0x04u /* A */
#define NATIVE_EXT_ARG8  0x08u /* A8 */
#define NATIVE_EXT_KNOWN 0x0Fu

static const unsigned char native_magic[8] = {0x89, 'M', 'M', 'T', '\r', '\n', 0x1a, '\n'};

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* Delta state of one pid (identical in writer and reader). */
struct native_pid {
	uint64_t time;    /* last time */
	uint64_t addr[2]; /* last address: [0] memory/other ops, [1] file offsets */
	uint64_t len;     /* last len */
	uint32_t pid;     /* owner of the slot */
	uint32_t unused;  /* keeps the slot 40 bytes */
};

/* Address class of each op: 1 for file-offset ops. */
static const uint8_t native_addr_class[32] = {
        [TRACE_OP_READ] = 1,
        [TRACE_OP_WRITE] = 1,
        [TRACE_OP_FADVISE] = 1,
};

static inline uint32_t native_pid_slot(uint32_t pid)
{
	return (uint32_t)(pid * 0x9E3779B1u) >> (32 - NATIVE_PID_BITS);
}

/* native_pid_state() - the slot of @pid, reset if another pid held it. */
static inline struct native_pid *native_pid_state(struct native_pid *tab, uint32_t pid)
{
	struct native_pid *s = &tab[native_pid_slot(pid)];

	if (unlikely(s->pid != pid)) {
		memset(s, 0, sizeof(*s));
		s->pid = pid;
	}
	return s;
}

static inline uint64_t native_zigzag(uint64_t d)
{
	return (d << 1) ^ (0 - (d >> 63));
}

static inline uint64_t native_unzigzag(uint64_t z)
{
	return (z >> 1) ^ (0 - (z & 1));
}

static inline void native_put_le(unsigned char *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static inline uint64_t native_get_le(const unsigned char *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* ====================================================================== */
/* Reader                                                                   */
/* ====================================================================== */

#define NATIVE_IN_BYTES (128u << 10) /* compressed input chunk */

struct native_reader {
	ZSTD_DStream *ds;         /* decompression stream */
	unsigned char *in;        /* compressed input buffer */
	ZSTD_inBuffer zin;        /* unconsumed part of @in */
	unsigned char *frame;     /* decompressed frame + NATIVE_REC_MAX zero bytes */
	size_t frame_cap;         /* capacity of @frame without the slack */
	const unsigned char *p;   /* next record byte in @frame */
	const unsigned char *end; /* end of the frame's content */
	uint64_t frame_off;       /* file offset of the current frame */
	uint64_t stream_off;      /* decompressed offset of @frame[0] */
	uint64_t header_records;  /* count from the header (or UNKNOWN) */
	bool done;                /* end marker seen and verified */
	struct native_pid *cur;   /* state of the current pid */
	uint32_t cur_pid;         /* pid of the previous record */
	struct native_pid pids[NATIVE_PID_SLOTS]; /* delta state */
};

static int native_probe(const unsigned char *head, size_t n)
{
	if (n >= 16 && native_get_le(head, 4) == NATIVE_SKIPPABLE_MAGIC &&
	    !memcmp(head + 8, native_magic, sizeof(native_magic)))
		return 100;
	return 0;
}

/* Compressed file offset of the next unconsumed input byte. */
static uint64_t native_in_pos(const struct trace_reader *r, const struct native_reader *nr)
{
	return r->in_offset - (nr->zin.size - nr->zin.pos);
}

static void native_reset_state(struct native_reader *nr)
{
	memset(nr->pids, 0, sizeof(nr->pids));
	nr->cur_pid = 0;
	nr->cur = &nr->pids[native_pid_slot(0)];
}

static int native_open(struct trace_reader *r)
{
	unsigned char hdr[NATIVE_HDR_BYTES];
	struct native_reader *nr;
	uint64_t size, version, flags, page_size, meta_len;
	size_t got, ret;

	got = trace_in_read(r, hdr, sizeof(hdr));
	if (r->in_error)
		return trace_fail(r, "read error: %s", strerror(r->in_errno));
	if (got < 16 || native_get_le(hdr, 4) != NATIVE_SKIPPABLE_MAGIC ||
	    memcmp(hdr + 8, native_magic, sizeof(native_magic)))
		return trace_fail_offset(r, 0, "not a native mmsim trace (bad magic)");
	if (got < sizeof(hdr))
		return trace_fail_offset(r, got, "truncated header (%zu of %u bytes)", got,
		                         NATIVE_HDR_BYTES);
	version = native_get_le(hdr + NATIVE_OFF_VERSION, 2);
	flags = native_get_le(hdr + NATIVE_OFF_FLAGS, 2);
	page_size = native_get_le(hdr + NATIVE_OFF_PAGE_SIZE, 4);
	meta_len = native_get_le(hdr + NATIVE_OFF_META_LEN, 4);
	size = native_get_le(hdr + 4, 4);
	if (version != NATIVE_VERSION)
		return trace_fail_offset(
		        r, NATIVE_OFF_VERSION, "format version %u is %s this mmsim reads (%u)%s",
		        (unsigned)version, version > NATIVE_VERSION ? "newer than" : "not one",
		        NATIVE_VERSION, version > NATIVE_VERSION ? "; upgrade mmsim" : "");
	if (flags)
		return trace_fail_offset(r, NATIVE_OFF_FLAGS, "unsupported header flags 0x%04x",
		                         (unsigned)flags);
	if (page_size < 512 || (page_size & (page_size - 1)))
		return trace_fail_offset(r, NATIVE_OFF_PAGE_SIZE, "bad page size %llu",
		                         (unsigned long long)page_size);
	if (meta_len > NATIVE_META_MAX)
		return trace_fail_offset(r, NATIVE_OFF_META_LEN,
		                         "metadata length %llu exceeds %u bytes",
		                         (unsigned long long)meta_len, NATIVE_META_MAX);
	if (size != NATIVE_HDR_BYTES - 8 + meta_len)
		return trace_fail_offset(r, 4,
		                         "header size %llu does not match metadata length %llu",
		                         (unsigned long long)size, (unsigned long long)meta_len);
	if (native_get_le(hdr + NATIVE_OFF_RESERVED, 4))
		return trace_fail_offset(r, NATIVE_OFF_RESERVED, "reserved header field is not 0");

	r->meta.page_size = (uint32_t)page_size;
	r->meta.nr_records = native_get_le(hdr + NATIVE_OFF_NR_RECORDS, 8);
	if (meta_len) {
		char *kv = xmalloc(meta_len + 1);

		r->meta.kv = kv;
		got = trace_in_read(r, kv, meta_len);
		kv[got] = 0;
		if (got < meta_len)
			return trace_fail_offset(r, NATIVE_HDR_BYTES + got, "truncated metadata");
		if (strlen(kv) != meta_len)
			return trace_fail_offset(r, NATIVE_HDR_BYTES + strlen(kv),
			                         "NUL byte in metadata");
		if (kv[meta_len - 1] != '\n')
			return trace_fail_offset(r, NATIVE_HDR_BYTES + meta_len - 1,
			                         "metadata does not end with a newline");
	}

	nr = xcalloc(1, sizeof(*nr));
	r->priv = nr;
	nr->header_records = r->meta.nr_records;
	nr->ds = ZSTD_createDStream();
	if (!nr->ds)
		return trace_fail(r, "cannot create a zstd decompression stream");
	ret = ZSTD_DCtx_setParameter(nr->ds, ZSTD_d_windowLogMax, NATIVE_WINDOW_LOG_MAX);
	if (ZSTD_isError(ret))
		return trace_fail(r, "zstd: %s", ZSTD_getErrorName(ret));
	nr->in = xmalloc(NATIVE_IN_BYTES);
	nr->zin.src = nr->in;
	nr->zin.size = nr->zin.pos = 0;
	nr->frame_cap = NATIVE_FRAME_BYTES;
	nr->frame = xcalloc(1, nr->frame_cap + NATIVE_REC_MAX);
	nr->p = nr->end = nr->frame;
	nr->frame_off = native_in_pos(r, nr);
	return 0;
}

/*
 * native_load_frame() - decompress the next non-empty zstd frame whole.
 * Return: 1 with nr->p/end set, 0 at a clean end of input, -1 on error.
 */
static int native_load_frame(struct trace_reader *r, struct native_reader *nr)
{
	ZSTD_outBuffer out = {nr->frame, nr->frame_cap, 0};
	bool started = false;

	nr->stream_off += (uint64_t)(nr->end - nr->frame);
	nr->frame_off = native_in_pos(r, nr);
	for (;;) {
		size_t ret;

		if (nr->zin.pos == nr->zin.size) {
			nr->zin.size = trace_in_read(r, nr->in, NATIVE_IN_BYTES);
			nr->zin.pos = 0;
			if (r->in_error)
				return trace_fail(r, "read error: %s", strerror(r->in_errno));
			if (!nr->zin.size) {
				if (!started && !out.pos)
					return 0;
				return trace_fail_offset(r, nr->frame_off,
				                         "truncated zstd frame (the file ends "
				                         "inside compressed data)");
			}
		}
		started = true;
		ret = ZSTD_decompressStream(nr->ds, &out, &nr->zin);
		if (ZSTD_isError(ret))
			return trace_fail_offset(r, nr->frame_off, "corrupt compressed data: %s",
			                         ZSTD_getErrorName(ret));
		if (ret == 0) {
			if (out.pos)
				break;
			/* An empty or skippable frame: go on with the next one. */
			started = false;
			nr->frame_off = native_in_pos(r, nr);
			continue;
		}
		if (out.pos == out.size) {
			if (nr->frame_cap >= NATIVE_FRAME_MAX)
				return trace_fail_offset(
				        r, nr->frame_off,
				        "zstd frame holds more than %u bytes of records (corrupt)",
				        NATIVE_FRAME_MAX);
			nr->frame_cap *= 2;
			nr->frame = xrealloc(nr->frame, nr->frame_cap + NATIVE_REC_MAX);
			out.dst = nr->frame;
			out.size = nr->frame_cap;
		}
	}
	/* Zero slack: a decoder overrunning the frame reads zeros, then notices. */
	memset(nr->frame + out.pos, 0, NATIVE_REC_MAX);
	nr->p = nr->frame;
	nr->end = nr->frame + out.pos;
	native_reset_state(nr);
	return 1;
}

/* LEB128, at most 10 bytes with the last <= 1. NULL if malformed. */
static const unsigned char *native_uvarint_loop(const unsigned char *p, uint64_t *v)
{
	uint64_t x = 0;

	for (unsigned i = 0; i < 10; i++) {
		uint64_t b = p[i];

		if (i == 9 && b > 1)
			return NULL;
		x |= (b & 0x7f) << (7 * i);
		if (b < 0x80) {
			*v = x;
			return p + i + 1;
		}
	}
	return NULL;
}

/*
 * Three to eight bytes at once: a field starts at most NATIVE_REC_MAX - 8
 * bytes past its frame's end, and the frame is followed by NATIVE_REC_MAX zero
 * bytes, so reading 8 bytes from it stays in the buffer. The first byte with
 * bit 7 clear ends the value; the 7-bit groups before it are packed together.
 */
static const unsigned char *native_uvarint_slow(const unsigned char *p, uint64_t *v)
{
	uint64_t w, stop;
	unsigned n;

	memcpy(&w, p, 8); /* one load */
	w = le64toh(w);
	stop = ~w & 0x8080808080808080ULL;
	if (!stop) /* nine or ten bytes: values of 2^56 and more */
		return native_uvarint_loop(p, v);
	n = (unsigned)__builtin_ctzll(stop) / 8 + 1; /* bytes in the value */
	/* keep the value's bytes (every bit up to the stop bit) and their 7-bit groups,
	 * then pack the groups pairwise: 14 bits per 16, 28 per 32, then 56 */
	w &= (stop ^ (stop - 1)) & 0x7f7f7f7f7f7f7f7fULL;
	w = (w & 0x007f007f007f007fULL) | (w & 0x7f007f007f007f00ULL) >> 1;
	w = (w & 0x00003fff00003fffULL) | (w & 0x3fff00003fff0000ULL) >> 2;
	*v = (w & 0x000000000fffffffULL) | (w & 0x0fffffff00000000ULL) >> 4;
	return p + n;
}

static inline const unsigned char *native_uvarint(const unsigned char *p, uint64_t *v)
{
	if (likely(p[0] < 0x80)) {
		*v = p[0];
		return p + 1;
	}
	if (likely(p[1] < 0x80)) {
		*v = (uint64_t)(p[0] & 0x7f) | ((uint64_t)p[1] << 7);
		return p + 2;
	}
	return native_uvarint_slow(p, v);
}

/* The end-of-trace marker at @p: check counts and that nothing follows. */
static int native_finish(struct trace_reader *r, struct native_reader *nr, const unsigned char *p,
                         uint64_t nr_records)
{
	uint64_t count;

	p = native_uvarint(p + 1, &count);
	if (!p || p > nr->end)
		return trace_fail_record(r, nr_records + 1, "bad end-of-trace marker");
	if (count != nr_records)
		return trace_fail_record(
		        r, nr_records + 1,
		        "end-of-trace marker counts %llu records but the file holds %llu (corrupt)",
		        (unsigned long long)count, (unsigned long long)nr_records);
	if (nr->header_records != TRACE_NR_UNKNOWN && nr->header_records != nr_records)
		return trace_fail(r, "header counts %llu records but the file holds %llu (corrupt)",
		                  (unsigned long long)nr->header_records,
		                  (unsigned long long)nr_records);
	if (p != nr->end)
		return trace_fail_record(r, nr_records + 1, "data after the end-of-trace marker");
	nr->p = p;
	switch (native_load_frame(r, nr)) {
	case 0:
		break;
	case 1:
		return trace_fail_offset(r, nr->frame_off, "data after the end-of-trace marker");
	default:
		return -1;
	}
	nr->done = true;
	return 0;
}

static long native_next(struct trace_reader *r, struct trace_rec *buf, size_t cap)
{
	struct native_reader *nr = r->priv;
	size_t n = 0;

	while (n < cap && !nr->done) {
		const unsigned char *p = nr->p, *end = nr->end;
		struct native_pid *st = nr->cur;
		uint32_t pid = nr->cur_pid;
		const char *what = NULL;

		if (p == end) {
			int ret = native_load_frame(r, nr);

			if (ret < 0)
				return -1;
			if (ret == 0)
				return trace_fail(r,
				                  "truncated: the file ends after %llu records "
				                  "without the end-of-trace marker",
				                  (unsigned long long)(r->nr_read + n));
			continue;
		}
		/* The hot loop: frames are whole and zero-padded, check bounds per record. */
		while (n < cap) {
			const unsigned char *rec_start = p;
			struct trace_rec *out = &buf[n];
			unsigned b0 = p[0], op = b0 & NATIVE_B0_OP, ext = 0;
			uint64_t v, flags = 0;
			uint8_t cls;

			if (unlikely(op >= NR_TRACE_OPS)) {
				if (b0 == NATIVE_OP_END) {
					nr->p = p;
					nr->cur = st;
					nr->cur_pid = pid;
					if (native_finish(r, nr, p, r->nr_read + n))
						return -1;
					return (long)n;
				}
				what = "bad op";
				goto bad;
			}
			p++;
			if (b0 & NATIVE_B0_PID) {
				p = native_uvarint(p, &v);
				if (unlikely(!p || v > UINT32_MAX)) {
					what = "bad pid varint";
					goto bad;
				}
				pid = (uint32_t)v;
				st = native_pid_state(nr->pids, pid);
			}
			if (b0 & NATIVE_B0_EXT) {
				ext = *p++;
				if (unlikely((ext & ~NATIVE_EXT_KNOWN) ||
				             (ext & (NATIVE_EXT_ARG | NATIVE_EXT_ARG8)) ==
				                     (NATIVE_EXT_ARG | NATIVE_EXT_ARG8))) {
					what = "bad extension byte";
					goto bad;
				}
			}
			out->time = 0;
			if (b0 & NATIVE_B0_TIME) {
				p = native_uvarint(p, &v);
				if (unlikely(!p)) {
					what = "bad time varint";
					goto bad;
				}
				st->time += native_unzigzag(v);
				out->time = st->time;
				flags = TREC_TIME;
			}
			p = native_uvarint(p, &v);
			if (unlikely(!p)) {
				what = "bad address varint";
				goto bad;
			}
			cls = native_addr_class[op];
			st->addr[cls] += native_unzigzag(v);
			out->addr = st->addr[cls];
			if (ext) {
				if (ext & NATIVE_EXT_LEN) {
					p = native_uvarint(p, &st->len);
					if (unlikely(!p)) {
						what = "bad length varint";
						goto bad;
					}
				}
				out->file = 0;
				if (ext & NATIVE_EXT_FILE) {
					p = native_uvarint(p, &v);
					if (unlikely(!p || v > UINT32_MAX)) {
						what = "bad file varint";
						goto bad;
					}
					out->file = (uint32_t)v;
					flags |= TREC_FILE;
				}
				out->arg = 0;
				if (ext & NATIVE_EXT_ARG) {
					p = native_uvarint(p, &out->arg);
					if (unlikely(!p)) {
						what = "bad argument varint";
						goto bad;
					}
					flags |= TREC_ARG;
				} else if (ext & NATIVE_EXT_ARG8) {
					out->arg = native_get_le(p, 8);
					p += 8;
					flags |= TREC_ARG;
				}
			} else {
				out->file = 0;
				out->arg = 0;
			}
			out->len = st->len;
			out->pid = pid;
			out->op = (uint8_t)op;
			out->flags = (uint8_t)flags;
			memset(out->pad, 0, sizeof(out->pad));
			if (unlikely(p > end)) {
				p = rec_start;
				what = "record runs past the end of its zstd frame";
				goto bad;
			}
			n++;
			if (p == end)
				break;
			continue;
		bad:
			return trace_fail_record(
			        r, r->nr_read + n + 1,
			        "%s (byte %llu of the decompressed record stream, b0 0x%02x)", what,
			        (unsigned long long)(nr->stream_off +
			                             (uint64_t)(rec_start - nr->frame)),
			        b0);
		}
		nr->p = p;
		nr->cur = st;
		nr->cur_pid = pid;
	}
	return (long)n;
}

static void native_close(struct trace_reader *r)
{
	struct native_reader *nr = r->priv;

	if (!nr)
		return;
	ZSTD_freeDStream(nr->ds);
	free(nr->in);
	free(nr->frame);
	free(nr);
	r->priv = NULL;
}

/* ====================================================================== */
/* Writer                                                                   */
/* ====================================================================== */

struct native_writer {
	ZSTD_CStream *cs;                         /* compression stream */
	unsigned char *stage;                     /* encoded records of the current frame */
	size_t stage_len;                         /* bytes used in @stage */
	unsigned char *out;                       /* compressed output chunk */
	size_t out_cap;                           /* capacity of @out */
	struct native_pid *cur;                   /* state of the current pid */
	uint32_t cur_pid;                         /* pid of the previous record */
	struct native_pid pids[NATIVE_PID_SLOTS]; /* delta state */
};

static inline unsigned char *native_put_uvarint(unsigned char *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	*p++ = (unsigned char)v;
	return p;
}

static void native_wreset_state(struct native_writer *nw)
{
	memset(nw->pids, 0, sizeof(nw->pids));
	nw->cur_pid = 0;
	nw->cur = &nw->pids[native_pid_slot(0)];
}

/* native_flush_frame() - compress @stage as one complete zstd frame and write it. */
static int native_flush_frame(struct trace_writer *w, struct native_writer *nw)
{
	ZSTD_inBuffer in = {nw->stage, nw->stage_len, 0};
	size_t ret;

	if (!nw->stage_len)
		return 0;
	do {
		ZSTD_outBuffer out = {nw->out, nw->out_cap, 0};

		ret = ZSTD_compressStream2(nw->cs, &out, &in, ZSTD_e_end);
		if (ZSTD_isError(ret))
			return trace_wfail(w, "zstd: %s", ZSTD_getErrorName(ret));
		if (out.pos && fwrite(nw->out, 1, out.pos, w->f) != out.pos)
			return trace_wfail(w, "write error: %s", strerror(errno));
	} while (ret);
	nw->stage_len = 0;
	native_wreset_state(nw);
	return 0;
}

static int native_wopen(struct trace_writer *w)
{
	struct native_writer *nw = xcalloc(1, sizeof(*nw));
	size_t meta_len = w->meta.kv ? strlen(w->meta.kv) : 0;
	unsigned char hdr[NATIVE_HDR_BYTES];
	size_t ret;

	w->priv = nw;
	if (meta_len > NATIVE_META_MAX)
		return trace_wfail(w, "metadata too long (%zu bytes, at most %u)", meta_len,
		                   NATIVE_META_MAX);
	if (meta_len && w->meta.kv[meta_len - 1] != '\n')
		return trace_wfail(w, "metadata does not end with a newline");
	if (w->meta.page_size < 512 || (w->meta.page_size & (w->meta.page_size - 1)))
		return trace_wfail(w, "bad page size %u", w->meta.page_size);
	native_put_le(hdr, NATIVE_SKIPPABLE_MAGIC, 4);
	native_put_le(hdr + 4, NATIVE_HDR_BYTES - 8 + meta_len, 4);
	memcpy(hdr + 8, native_magic, sizeof(native_magic));
	native_put_le(hdr + NATIVE_OFF_VERSION, NATIVE_VERSION, 2);
	native_put_le(hdr + NATIVE_OFF_FLAGS, 0, 2);
	native_put_le(hdr + NATIVE_OFF_PAGE_SIZE, w->meta.page_size, 4);
	/* Unknown until close; patched there when the output is seekable. */
	native_put_le(hdr + NATIVE_OFF_NR_RECORDS, TRACE_NR_UNKNOWN, 8);
	native_put_le(hdr + NATIVE_OFF_META_LEN, meta_len, 4);
	native_put_le(hdr + NATIVE_OFF_RESERVED, 0, 4);
	if (fwrite(hdr, 1, sizeof(hdr), w->f) != sizeof(hdr) ||
	    (meta_len && fwrite(w->meta.kv, 1, meta_len, w->f) != meta_len))
		return trace_wfail(w, "write error: %s", strerror(errno));

	nw->cs = ZSTD_createCStream();
	if (!nw->cs)
		return trace_wfail(w, "cannot create a zstd compression stream");
	ret = ZSTD_CCtx_setParameter(nw->cs, ZSTD_c_compressionLevel, NATIVE_ZSTD_LEVEL);
	if (!ZSTD_isError(ret))
		ret = ZSTD_CCtx_setParameter(nw->cs, ZSTD_c_checksumFlag, 1);
	if (ZSTD_isError(ret))
		return trace_wfail(w, "zstd: %s", ZSTD_getErrorName(ret));
	nw->stage = xmalloc(NATIVE_FRAME_BYTES);
	nw->out_cap = ZSTD_CStreamOutSize();
	nw->out = xmalloc(nw->out_cap);
	native_wreset_state(nw);
	return 0;
}

static int native_write(struct trace_writer *w, const struct trace_rec *recs, size_t n)
{
	struct native_writer *nw = w->priv;

	for (size_t i = 0; i < n; i++) {
		const struct trace_rec *rec = &recs[i];
		unsigned op = rec->op, flags = rec->flags, ext = 0, b0 = op;
		struct native_pid *st;
		unsigned char *p, *q;
		uint8_t cls;

		if (op >= NR_TRACE_OPS)
			return trace_wfail(w, "record %llu: invalid op %u",
			                   (unsigned long long)(w->nr_written + i + 1), op);
		if (flags & ~(TREC_TIME | TREC_FILE | TREC_ARG))
			return trace_wfail(w, "record %llu: invalid flags 0x%02x",
			                   (unsigned long long)(w->nr_written + i + 1), flags);
		if (nw->stage_len > NATIVE_FRAME_BYTES - NATIVE_REC_MAX &&
		    native_flush_frame(w, nw))
			return -1;
		p = nw->stage + nw->stage_len;
		q = p + 1;
		if (rec->pid != nw->cur_pid) {
			b0 |= NATIVE_B0_PID;
			q = native_put_uvarint(q, rec->pid);
			nw->cur_pid = rec->pid;
			nw->cur = native_pid_state(nw->pids, rec->pid);
		}
		st = nw->cur;
		if (rec->len != st->len)
			ext |= NATIVE_EXT_LEN;
		if (flags & TREC_FILE)
			ext |= NATIVE_EXT_FILE;
		if (flags & TREC_ARG)
			ext |= (rec->arg >> 56) ? NATIVE_EXT_ARG8 : NATIVE_EXT_ARG;
		if (ext) {
			b0 |= NATIVE_B0_EXT;
			*q++ = (unsigned char)ext;
		}
		if (flags & TREC_TIME) {
			b0 |= NATIVE_B0_TIME;
			q = native_put_uvarint(q, native_zigzag(rec->time - st->time));
			st->time = rec->time;
		}
		cls = native_addr_class[op];
		q = native_put_uvarint(q, native_zigzag(rec->addr - st->addr[cls]));
		st->addr[cls] = rec->addr;
		if (ext & NATIVE_EXT_LEN) {
			q = native_put_uvarint(q, rec->len);
			st->len = rec->len;
		}
		if (ext & NATIVE_EXT_FILE)
			q = native_put_uvarint(q, rec->file);
		if (ext & NATIVE_EXT_ARG) {
			q = native_put_uvarint(q, rec->arg);
		} else if (ext & NATIVE_EXT_ARG8) {
			native_put_le(q, rec->arg, 8);
			q += 8;
		}
		*p = (unsigned char)b0;
		nw->stage_len += (size_t)(q - p);
	}
	return 0;
}

static int native_wfinish(struct trace_writer *w)
{
	struct native_writer *nw = w->priv;
	unsigned char *p;
	off_t pos;

	if (nw->stage_len > NATIVE_FRAME_BYTES - NATIVE_REC_MAX && native_flush_frame(w, nw))
		return -1;
	p = nw->stage + nw->stage_len;
	*p = NATIVE_OP_END;
	nw->stage_len += (size_t)(native_put_uvarint(p + 1, w->nr_written) - p);
	if (native_flush_frame(w, nw))
		return -1;
	if (fflush(w->f))
		return trace_wfail(w, "write error: %s", strerror(errno));
	/* Patch the record count when the output can seek (not a pipe). */
	pos = ftello(w->f);
	if (pos >= 0 && !fseeko(w->f, NATIVE_OFF_NR_RECORDS, SEEK_SET)) {
		unsigned char cnt[8];

		native_put_le(cnt, w->nr_written, 8);
		if (fwrite(cnt, 1, sizeof(cnt), w->f) != sizeof(cnt) ||
		    fseeko(w->f, pos, SEEK_SET) || fflush(w->f))
			return trace_wfail(w, "write error: %s", strerror(errno));
	} else {
		clearerr(w->f);
	}
	return 0;
}

static void native_wfree(struct trace_writer *w)
{
	struct native_writer *nw = w->priv;

	if (!nw)
		return;
	ZSTD_freeCStream(nw->cs);
	free(nw->stage);
	free(nw->out);
	free(nw);
	w->priv = NULL;
}

const struct trace_format_ops native_format = {
        .name = "native",
        .description =
                "mmsim native binary trace (.mmt.zst): header + zstd-compressed delta records",
        .probe = native_probe,
        .open = native_open,
        .next = native_next,
        .close = native_close,
        .extension = ".mmt.zst",
        .wopen = native_wopen,
        .write = native_write,
        .wfinish = native_wfinish,
        .wfree = native_wfree,
};
