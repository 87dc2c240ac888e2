/* SPDX-License-Identifier: MIT */
/*
 * trace.h - the trace record model (DESIGN.md section 4) and the reader/writer
 * interface every trace format implements.
 *
 * One record type, struct trace_rec, carries every op. Readers deliver records
 * in batches into a caller-owned array (the engine's hot path reuses one
 * buffer); writers take batches. A format is one file in traces/ exporting a
 * const struct trace_format_ops, listed once in trace_formats[] (trace.c).
 *
 * Field meaning per op:
 *
 *   op              addr              len          file        arg (TREC_ARG set)
 *   R W X           virtual address   bytes        -           W: content fingerprint
 *   mmap            start address     bytes        file-backed TRACE_MAP_* | TRACE_PROT_*
 *   munmap          start             bytes        -           -
 *   mprotect        start             bytes        -           TRACE_PROT_*
 *   brk             new break         -            -           -
 *   madvise         start             bytes        -           enum trace_madv
 *   fork            -                 -            -           child pid
 *   exit exec       -                 -            -           -
 *   read write      file offset       bytes        file id     size=N (original object size)
 *   fadvise         file offset       bytes (0=EOF) file id    enum trace_fadv
 *   alloc free      handle (id)       -            -           order | zone << 8
 *                   (a free names the handle of an earlier alloc)
 *   mlock munlock   start             bytes        -           -
 */
#ifndef MMSIM_TRACE_H
#define MMSIM_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum trace_op {
	TRACE_OP_R,        /* load */
	TRACE_OP_W,        /* store */
	TRACE_OP_X,        /* instruction fetch */
	TRACE_OP_MMAP,     /* map a region */
	TRACE_OP_MUNMAP,   /* unmap a region */
	TRACE_OP_MPROTECT, /* change protection */
	TRACE_OP_BRK,      /* move the program break */
	TRACE_OP_MADVISE,  /* advice on a range */
	TRACE_OP_FORK,     /* create a child sharing pages copy-on-write */
	TRACE_OP_EXIT,     /* process exits, memory freed */
	TRACE_OP_EXEC,     /* process replaces its address space */
	TRACE_OP_READ,     /* read() through the page cache */
	TRACE_OP_WRITE,    /* write() through the page cache */
	TRACE_OP_FADVISE,  /* per-file advice */
	TRACE_OP_ALLOC,    /* kernel page allocation of order n */
	TRACE_OP_FREE,     /* kernel page free of order n */
	TRACE_OP_MLOCK,    /* make a range unevictable */
	TRACE_OP_MUNLOCK,  /* make it evictable again */
	NR_TRACE_OPS
};

/* struct trace_rec.flags */
#define TREC_TIME 0x01u /* time is valid (else the engine's cost model advances time) */
#define TREC_FILE 0x02u /* file is valid */
#define TREC_ARG  0x04u /* arg is valid */

/* mmap/mprotect arg bits. A file-backed mapping has TREC_FILE set. */
#define TRACE_PROT_R     0x01u /* readable */
#define TRACE_PROT_W     0x02u /* writable */
#define TRACE_PROT_X     0x04u /* executable */
#define TRACE_MAP_SHARED 0x10u /* MAP_SHARED (else private) */
#define TRACE_MAP_ANON   0x20u /* anonymous (no file) */
#define TRACE_MAP_LOCKED 0x40u /* MAP_LOCKED / VM_LOCKED */
#define TRACE_MAP_STACK  0x80u /* grows-down stack hint (informational) */

enum trace_madv {
	TRACE_MADV_NORMAL,
	TRACE_MADV_RANDOM,
	TRACE_MADV_SEQUENTIAL,
	TRACE_MADV_WILLNEED,
	TRACE_MADV_DONTNEED,
	TRACE_MADV_FREE,
	TRACE_MADV_REMOVE,
	TRACE_MADV_MERGEABLE,
	TRACE_MADV_UNMERGEABLE,
	TRACE_MADV_COLD,
	TRACE_MADV_PAGEOUT,
	TRACE_MADV_HUGEPAGE,
	TRACE_MADV_NOHUGEPAGE,
	NR_TRACE_MADV
};

enum trace_fadv {
	TRACE_FADV_NORMAL,
	TRACE_FADV_RANDOM,
	TRACE_FADV_SEQUENTIAL,
	TRACE_FADV_WILLNEED,
	TRACE_FADV_DONTNEED,
	TRACE_FADV_NOREUSE,
	NR_TRACE_FADV
};

enum trace_zone {
	TRACE_ZONE_DMA,
	TRACE_ZONE_DMA32,
	TRACE_ZONE_NORMAL,
	TRACE_ZONE_HIGHMEM,
	TRACE_ZONE_MOVABLE,
	NR_TRACE_ZONES
};

/* alloc/free arg: order in bits 0-7, zone in bits 8-15. */
static inline uint64_t trace_alloc_arg(unsigned order, enum trace_zone zone)
{
	return (uint64_t)order | ((uint64_t)zone << 8);
}
static inline unsigned trace_alloc_order(uint64_t arg)
{
	return (unsigned)(arg & 0xff);
}
static inline enum trace_zone trace_alloc_zone(uint64_t arg)
{
	return (enum trace_zone)((arg >> 8) & 0xff);
}

#define TRACE_MAX_ORDER 10 /* largest order accepted in alloc/free (MAX_ORDER of 6.x x86) */

/* One trace record: 40 bytes, so a batch of 4096 fits comfortably in L2. */
struct trace_rec {
	uint64_t time;  /* ns since trace start, valid if TREC_TIME */
	uint64_t addr;  /* virtual address, or file offset for read/write/fadvise */
	uint64_t len;   /* bytes (see the table above) */
	uint64_t arg;   /* op-specific argument, valid if TREC_ARG */
	uint32_t pid;   /* process id */
	uint32_t file;  /* file id, valid if TREC_FILE */
	uint8_t op;     /* enum trace_op */
	uint8_t flags;  /* TREC_* */
	uint8_t pad[6]; /* zero; keeps records comparable with memcmp */
};

/* trace_op_name() - "R", "W", "X", "mmap", ... ; NULL for an invalid op. */
const char *trace_op_name(unsigned op);
/* trace_op_parse() - inverse of trace_op_name, also accepts lower-case r/w/x. -1 if unknown. */
int trace_op_parse(const char *s, size_t len);
/* trace_op_is_mem() - R, W or X: an access through the MMU. */
static inline bool trace_op_is_mem(unsigned op)
{
	return op <= TRACE_OP_X;
}
/* trace_op_is_file_io() - read or write through the page cache. */
static inline bool trace_op_is_file_io(unsigned op)
{
	return op == TRACE_OP_READ || op == TRACE_OP_WRITE;
}

/**
 * trace_arg_format() - the CSV text of a record's arg column ("" if none).
 * Return: length written (always NUL-terminated, truncated to @len).
 */
size_t trace_arg_format(const struct trace_rec *rec, char *buf, size_t len);
/**
 * trace_arg_parse() - parse the CSV arg column for @rec->op into rec->arg and
 * TREC_ARG. An empty string leaves TREC_ARG clear, except for ops whose arg is
 * mandatory-with-default (mmap: private|rw|anon unless file; alloc/free: order 0 normal).
 * Return: 0, or -1 with a message in @err.
 */
int trace_arg_parse(struct trace_rec *rec, const char *s, char *err, size_t errlen);

/* Page size assumed by formats that do not say (bytes). */
#define TRACE_PAGE_SIZE  4096u
#define TRACE_NR_UNKNOWN UINT64_MAX

/*
 * Trace metadata: page size, record count when known, and free-form key=value
 * lines (source, command, generator parameters...). Keys are [A-Za-z0-9_.-]+,
 * values have no newline.
 */
struct trace_meta {
	uint32_t page_size;  /* bytes, normally 4096 */
	uint64_t nr_records; /* TRACE_NR_UNKNOWN if not known */
	char *kv;            /* "key=value\n" lines, NUL-terminated, owned (may be NULL) */
};

void trace_meta_init(struct trace_meta *m);
void trace_meta_free(struct trace_meta *m);
void trace_meta_copy(struct trace_meta *dst, const struct trace_meta *src);
/* trace_meta_set() - set or replace @key. */
void trace_meta_set(struct trace_meta *m, const char *key, const char *value);
/* trace_meta_get() - the value of @key copied into @buf; false if absent. */
bool trace_meta_get(const struct trace_meta *m, const char *key, char *buf, size_t len);

/* Options for opening a reader: format name (NULL = detect) and importer options. */
struct trace_open_opts {
	const char *format;  /* "native", "csv", "lackey", ... or NULL to detect from content */
	const char *options; /* importer options "key=value,key=value" or NULL (e.g. "id_col=5") */
	bool decode_thread;  /* decode on a second thread, ahead of the reader (trace_thread.c);
	                      * the records are the same either way */
};

struct trace_reader;
struct trace_writer;

/**
 * trace_open() - open @path ("-" = stdin) for reading.
 * Return: 0 and *out, or -1 with a one-line "FILE: message" in @err.
 */
int trace_open(struct trace_reader **out, const char *path, const struct trace_open_opts *opts,
               char *err, size_t errlen);
/**
 * trace_read() - up to @cap records into @buf.
 * Return: number read (> 0), 0 at the end of the trace, -1 on error (see trace_error()).
 */
long trace_read(struct trace_reader *r, struct trace_rec *buf, size_t cap);
/**
 * trace_read_batch() - the next batch of decoded records without copying:
 * *@recs points at them until the next call on @r (or trace_close).
 * Return: as trace_read().
 */
long trace_read_batch(struct trace_reader *r, const struct trace_rec **recs);
/* trace_error() - the last error as "FILE:LINE: msg" / "FILE: record N: msg". */
const char *trace_error(const struct trace_reader *r);
const struct trace_meta *trace_reader_meta(const struct trace_reader *r);
const char *trace_reader_format(const struct trace_reader *r);
/* trace_records_read() - records delivered so far. */
uint64_t trace_records_read(const struct trace_reader *r);
void trace_close(struct trace_reader *r);

/**
 * trace_writer_open() - create @path; the format follows @format or, if NULL,
 * the extension (.mmt.zst/.mmt -> native, .csv -> csv). Output goes to a
 * temporary file renamed into place by a successful trace_writer_close(), so
 * an error never leaves a half-written trace. "-" writes to stdout.
 * Return: 0 and *out, or -1 with a message in @err.
 */
int trace_writer_open(struct trace_writer **out, const char *path, const char *format,
                      const struct trace_meta *meta, char *err, size_t errlen);
/* trace_write() - append @n records. Return: 0 or -1 (see trace_writer_error()). */
int trace_write(struct trace_writer *w, const struct trace_rec *recs, size_t n);
/* trace_writer_close() - finish and publish the file. Return: 0, or -1 with the error already
 * printed to stderr as "mmsim: FILE: message" and nothing left behind. Frees @w either way. */
int trace_writer_close(struct trace_writer *w);
/* trace_writer_abort() - discard: remove the temporary file and free. */
void trace_writer_abort(struct trace_writer *w);
const char *trace_writer_error(const struct trace_writer *w);

/* trace_format_names() - the reader format names, comma-separated, for --help. */
const char *trace_format_names(void);
/* trace_format_known() - @name is a format that can be read (or written, if @writable). */
bool trace_format_known(const char *name, bool writable);

#endif /* MMSIM_TRACE_H */
