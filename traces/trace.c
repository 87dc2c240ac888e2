// SPDX-License-Identifier: MIT
/*
 * trace.c - the format-independent half of trace I/O: op and argument names,
 * metadata, format registry and detection, buffered input, the line splitter,
 * error messages, and atomic (temp file + rename) writers.
 */
#include "trace_internal.h"

#include "../sim/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ====================================================================== */
/* Format registry                                                          */
/* ====================================================================== */

extern const struct trace_format_ops native_format;
extern const struct trace_format_ops csv_format;
extern const struct trace_format_ops lackey_format;
extern const struct trace_format_ops strace_format;
extern const struct trace_format_ops addr_format;
extern const struct trace_format_ops ids_format;
extern const struct trace_format_ops oracle_format;
extern const struct trace_format_ops lcscsv_format;

/* Detection tries these in order; ties go to the earlier entry. */
const struct trace_format_ops *const trace_formats[] = {
        &native_format, &csv_format,    &lackey_format, &strace_format, &addr_format,
        &ids_format,    &lcscsv_format, &oracle_format, NULL,
};

const struct trace_format_ops *trace_format_find(const char *name)
{
	for (size_t i = 0; trace_formats[i]; i++)
		if (!strcmp(trace_formats[i]->name, name))
			return trace_formats[i];
	return NULL;
}

bool trace_format_known(const char *name, bool writable)
{
	const struct trace_format_ops *ops = trace_format_find(name);

	return ops && (!writable || ops->wopen);
}

const char *trace_format_names(void)
{
	static char names[256];

	if (!names[0]) {
		size_t off = 0;

		for (size_t i = 0; trace_formats[i]; i++)
			off += (size_t)snprintf(names + off, sizeof(names) - off, "%s%s",
			                        i ? ", " : "", trace_formats[i]->name);
	}
	return names;
}

/* ====================================================================== */
/* Op and argument names                                                    */
/* ====================================================================== */

static const char *const op_names[NR_TRACE_OPS] = {
        [TRACE_OP_R] = "R",           [TRACE_OP_W] = "W",
        [TRACE_OP_X] = "X",           [TRACE_OP_MMAP] = "mmap",
        [TRACE_OP_MUNMAP] = "munmap", [TRACE_OP_MPROTECT] = "mprotect",
        [TRACE_OP_BRK] = "brk",       [TRACE_OP_MADVISE] = "madvise",
        [TRACE_OP_FORK] = "fork",     [TRACE_OP_EXIT] = "exit",
        [TRACE_OP_EXEC] = "exec",     [TRACE_OP_READ] = "read",
        [TRACE_OP_WRITE] = "write",   [TRACE_OP_FADVISE] = "fadvise",
        [TRACE_OP_ALLOC] = "alloc",   [TRACE_OP_FREE] = "free",
        [TRACE_OP_MLOCK] = "mlock",   [TRACE_OP_MUNLOCK] = "munlock",
};

static const char *const madv_names[NR_TRACE_MADV] = {
        [TRACE_MADV_NORMAL] = "normal",           [TRACE_MADV_RANDOM] = "random",
        [TRACE_MADV_SEQUENTIAL] = "sequential",   [TRACE_MADV_WILLNEED] = "willneed",
        [TRACE_MADV_DONTNEED] = "dontneed",       [TRACE_MADV_FREE] = "free",
        [TRACE_MADV_REMOVE] = "remove",           [TRACE_MADV_MERGEABLE] = "mergeable",
        [TRACE_MADV_UNMERGEABLE] = "unmergeable", [TRACE_MADV_COLD] = "cold",
        [TRACE_MADV_PAGEOUT] = "pageout",         [TRACE_MADV_HUGEPAGE] = "hugepage",
        [TRACE_MADV_NOHUGEPAGE] = "nohugepage",
};

static const char *const fadv_names[NR_TRACE_FADV] = {
        [TRACE_FADV_NORMAL] = "normal",         [TRACE_FADV_RANDOM] = "random",
        [TRACE_FADV_SEQUENTIAL] = "sequential", [TRACE_FADV_WILLNEED] = "willneed",
        [TRACE_FADV_DONTNEED] = "dontneed",     [TRACE_FADV_NOREUSE] = "noreuse",
};

static const char *const zone_names[NR_TRACE_ZONES] = {
        [TRACE_ZONE_DMA] = "dma",         [TRACE_ZONE_DMA32] = "dma32",
        [TRACE_ZONE_NORMAL] = "normal",   [TRACE_ZONE_HIGHMEM] = "highmem",
        [TRACE_ZONE_MOVABLE] = "movable",
};

const char *trace_op_name(unsigned op)
{
	return op < NR_TRACE_OPS ? op_names[op] : NULL;
}

int trace_op_parse(const char *s, size_t len)
{
	if (len == 1) {
		switch (s[0]) {
		case 'R':
		case 'r':
			return TRACE_OP_R;
		case 'W':
		case 'w':
			return TRACE_OP_W;
		case 'X':
		case 'x':
			return TRACE_OP_X;
		default:
			return -1;
		}
	}
	for (int i = TRACE_OP_X + 1; i < NR_TRACE_OPS; i++)
		if (strlen(op_names[i]) == len && !memcmp(op_names[i], s, len))
			return i;
	return -1;
}

static int name_index(const char *const *names, int n, const char *s, size_t len)
{
	for (int i = 0; i < n; i++)
		if (strlen(names[i]) == len && !memcmp(names[i], s, len))
			return i;
	return -1;
}

/* Append "|word" (or "word" first) to buf. */
static size_t put_word(char *buf, size_t len, size_t off, const char *word)
{
	if (off < len)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? "|" : "", word);
	return off < len ? off : len - 1;
}

static void prot_letters(uint64_t a, char out[4])
{
	size_t n = 0;

	if (a & TRACE_PROT_R)
		out[n++] = 'r';
	if (a & TRACE_PROT_W)
		out[n++] = 'w';
	if (a & TRACE_PROT_X)
		out[n++] = 'x';
	out[n] = 0;
}

size_t trace_arg_format(const struct trace_rec *rec, char *buf, size_t len)
{
	size_t off = 0;
	char tmp[32];
	uint64_t a = rec->arg;

	if (!len)
		return 0;
	buf[0] = 0;
	if (!(rec->flags & TREC_ARG))
		return 0;
	switch (rec->op) {
	case TRACE_OP_W:
		snprintf(buf, len, "0x%llx", (unsigned long long)a);
		break;
	case TRACE_OP_MMAP:
		if (a & TRACE_MAP_ANON)
			off = put_word(buf, len, off, "anon");
		off = put_word(buf, len, off, (a & TRACE_MAP_SHARED) ? "shared" : "private");
		prot_letters(a, tmp);
		off = put_word(buf, len, off, tmp[0] ? tmp : "none");
		if (a & TRACE_MAP_LOCKED)
			off = put_word(buf, len, off, "locked");
		if (a & TRACE_MAP_STACK)
			off = put_word(buf, len, off, "stack");
		break;
	case TRACE_OP_MPROTECT:
		prot_letters(a, tmp);
		snprintf(buf, len, "%s", tmp[0] ? tmp : "none");
		break;
	case TRACE_OP_MADVISE:
		snprintf(buf, len, "%s", a < NR_TRACE_MADV ? madv_names[a] : "?");
		break;
	case TRACE_OP_FADVISE:
		snprintf(buf, len, "%s", a < NR_TRACE_FADV ? fadv_names[a] : "?");
		break;
	case TRACE_OP_FORK:
		snprintf(buf, len, "%llu", (unsigned long long)a);
		break;
	case TRACE_OP_READ:
	case TRACE_OP_WRITE:
		snprintf(buf, len, "size=%llu", (unsigned long long)a);
		break;
	case TRACE_OP_ALLOC:
	case TRACE_OP_FREE: {
		unsigned z = (unsigned)trace_alloc_zone(a);

		snprintf(buf, len, "order=%u|zone=%s", trace_alloc_order(a),
		         z < NR_TRACE_ZONES ? zone_names[z] : "?");
		break;
	}
	default:
		snprintf(buf, len, "0x%llx", (unsigned long long)a);
		break;
	}
	return strlen(buf);
}

/* Parse a word of only r/w/x letters (or "none") into prot bits; -1 if not one. */
static int parse_prot(const char *w, size_t n, uint64_t *bits)
{
	uint64_t b = 0;

	if (n == 4 && !memcmp(w, "none", 4)) {
		*bits = 0;
		return 0;
	}
	if (!n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		uint64_t bit = w[i] == 'r'   ? TRACE_PROT_R
		               : w[i] == 'w' ? TRACE_PROT_W
		               : w[i] == 'x' ? TRACE_PROT_X
		                             : 0;
		if (!bit || (b & bit))
			return -1;
		b |= bit;
	}
	*bits = b;
	return 0;
}

int trace_arg_parse(struct trace_rec *rec, const char *s, char *err, size_t errlen)
{
	size_t n = strlen(s);
	uint64_t v;

	rec->flags &= (uint8_t)~TREC_ARG;
	rec->arg = 0;
	switch (rec->op) {
	case TRACE_OP_W:
	case TRACE_OP_FORK:
		if (!n)
			return 0;
		if (parse_u64(s, &v)) {
			snprintf(err, errlen, "bad %s argument '%s' (expected a number)",
			         trace_op_name(rec->op), s);
			return -1;
		}
		rec->arg = v;
		break;
	case TRACE_OP_READ:
	case TRACE_OP_WRITE:
		if (!n)
			return 0;
		if (strncmp(s, "size=", 5) || parse_u64(s + 5, &v)) {
			snprintf(err, errlen, "bad %s argument '%s' (expected size=N)",
			         trace_op_name(rec->op), s);
			return -1;
		}
		rec->arg = v;
		break;
	case TRACE_OP_MMAP: {
		uint64_t bits = 0, prot = TRACE_PROT_R | TRACE_PROT_W, pbits;
		bool have_prot = false, have_share = false;

		for (const char *w = s; n && w <= s + n;) {
			const char *bar = strchr(w, '|');
			size_t wl = bar ? (size_t)(bar - w) : strlen(w);

			if (wl == 4 && !memcmp(w, "anon", 4))
				bits |= TRACE_MAP_ANON;
			else if (wl == 4 && !memcmp(w, "file", 4))
				; /* implied by the file column */
			else if (wl == 6 && !memcmp(w, "shared", 6) && !have_share) {
				bits |= TRACE_MAP_SHARED;
				have_share = true;
			} else if (wl == 7 && !memcmp(w, "private", 7) && !have_share)
				have_share = true;
			else if (wl == 6 && !memcmp(w, "locked", 6))
				bits |= TRACE_MAP_LOCKED;
			else if (wl == 5 && !memcmp(w, "stack", 5))
				bits |= TRACE_MAP_STACK;
			else if (!parse_prot(w, wl, &pbits) && !(have_prot && (pbits & prot))) {
				/* DESIGN.md writes "shared|r|x": letters may come in several words.
				 */
				prot = have_prot ? prot | pbits : pbits;
				have_prot = true;
			} else {
				snprintf(err, errlen,
				         "bad mmap flag '%.*s' (expected anon, shared, private, "
				         "locked, stack or r/w/x letters)",
				         (int)wl, w);
				return -1;
			}
			if (!bar)
				break;
			w = bar + 1;
		}
		if (!(rec->flags & TREC_FILE))
			bits |= TRACE_MAP_ANON;
		rec->arg = bits | prot;
		break;
	}
	case TRACE_OP_MPROTECT:
		if (parse_prot(s, n, &v)) {
			snprintf(err, errlen,
			         "bad mprotect protection '%s' (expected r/w/x letters or none)",
			         s);
			return -1;
		}
		rec->arg = v;
		break;
	case TRACE_OP_MADVISE:
	case TRACE_OP_FADVISE: {
		bool m = rec->op == TRACE_OP_MADVISE;
		int i = m ? name_index(madv_names, NR_TRACE_MADV, s, n)
		          : name_index(fadv_names, NR_TRACE_FADV, s, n);

		if (i < 0) {
			snprintf(err, errlen, "unknown %s advice '%s'", trace_op_name(rec->op), s);
			return -1;
		}
		rec->arg = (uint64_t)i;
		break;
	}
	case TRACE_OP_ALLOC:
	case TRACE_OP_FREE: {
		uint64_t order = 0;
		int zone = TRACE_ZONE_NORMAL;

		for (const char *w = s; n && w <= s + n;) {
			const char *bar = strchr(w, '|');
			size_t wl = bar ? (size_t)(bar - w) : strlen(w);
			char word[64];

			snprintf(word, sizeof(word), "%.*s", (int)(wl < 63 ? wl : 63), w);
			if (!strncmp(word, "order=", 6) && !parse_u64(word + 6, &order) &&
			    order <= TRACE_MAX_ORDER)
				;
			else if (!strncmp(word, "zone=", 5) &&
			         (zone = name_index(zone_names, NR_TRACE_ZONES, word + 5,
			                            strlen(word + 5))) >= 0)
				;
			else {
				snprintf(err, errlen,
				         "bad %s argument '%s' (expected "
				         "order=0..%d|zone=dma|dma32|normal|highmem|movable)",
				         trace_op_name(rec->op), word, TRACE_MAX_ORDER);
				return -1;
			}
			if (!bar)
				break;
			w = bar + 1;
		}
		rec->arg = trace_alloc_arg((unsigned)order, (enum trace_zone)zone);
		break;
	}
	default:
		if (!n)
			return 0;
		snprintf(err, errlen, "%s takes no argument (got '%s')", trace_op_name(rec->op), s);
		return -1;
	}
	rec->flags |= TREC_ARG;
	return 0;
}

/* ====================================================================== */
/* Metadata                                                                 */
/* ====================================================================== */

void trace_meta_init(struct trace_meta *m)
{
	m->page_size = TRACE_PAGE_SIZE;
	m->nr_records = TRACE_NR_UNKNOWN;
	m->kv = NULL;
}

void trace_meta_free(struct trace_meta *m)
{
	free(m->kv);
	m->kv = NULL;
}

void trace_meta_copy(struct trace_meta *dst, const struct trace_meta *src)
{
	dst->page_size = src->page_size;
	dst->nr_records = src->nr_records;
	dst->kv = src->kv ? xstrdup(src->kv) : NULL;
}

/* Find "key=" at a line start; returns the line start or NULL. */
static char *meta_find(char *kv, const char *key)
{
	size_t kl = strlen(key);

	for (char *p = kv; p && *p;) {
		if (!strncmp(p, key, kl) && p[kl] == '=')
			return p;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

void trace_meta_set(struct trace_meta *m, const char *key, const char *value)
{
	char *line = m->kv ? meta_find(m->kv, key) : NULL;
	size_t old = m->kv ? strlen(m->kv) : 0;
	size_t add = strlen(key) + 1 + strlen(value) + 1;

	if (line) {
		char *eol = strchr(line, '\n');
		size_t tail = eol ? strlen(eol + 1) : 0;

		memmove(line, eol ? eol + 1 : line + strlen(line), tail + 1);
		old = strlen(m->kv);
	}
	m->kv = xrealloc(m->kv, old + add + 1);
	char *p = m->kv + old;
	for (const char *k = key; *k; k++)
		*p++ = *k;
	*p++ = '=';
	for (const char *v = value; *v; v++)
		*p++ = (*v == '\n' || *v == '\r') ? ' ' : *v;
	*p++ = '\n';
	*p = 0;
}

bool trace_meta_get(const struct trace_meta *m, const char *key, char *buf, size_t len)
{
	const char *line = m->kv ? meta_find(m->kv, key) : NULL;

	if (!line)
		return false; /* meta_find does not modify; kv is owned by m */
	line += strlen(key) + 1;
	size_t vl = strcspn(line, "\n");
	snprintf(buf, len, "%.*s", (int)vl, line);
	return true;
}

/* ====================================================================== */
/* Errors                                                                   */
/* ====================================================================== */

static int vfail(struct trace_reader *r, const char *where, const char *fmt, va_list ap)
{
	char msg[400];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	snprintf(r->err, sizeof(r->err), "%s%s: %s", r->path, where, msg);
	r->failed = true;
	return -1;
}

int trace_fail(struct trace_reader *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(r, "", fmt, ap);
	va_end(ap);
	return -1;
}

int trace_fail_line(struct trace_reader *r, uint64_t line, unsigned col, const char *fmt, ...)
{
	char where[64];
	va_list ap;

	if (col)
		snprintf(where, sizeof(where), ":%llu:%u", (unsigned long long)line, col);
	else
		snprintf(where, sizeof(where), ":%llu", (unsigned long long)line);
	va_start(ap, fmt);
	vfail(r, where, fmt, ap);
	va_end(ap);
	return -1;
}

int trace_fail_record(struct trace_reader *r, uint64_t rec, const char *fmt, ...)
{
	char where[64];
	va_list ap;

	snprintf(where, sizeof(where), ": record %llu", (unsigned long long)rec);
	va_start(ap, fmt);
	vfail(r, where, fmt, ap);
	va_end(ap);
	return -1;
}

int trace_fail_offset(struct trace_reader *r, uint64_t off, const char *fmt, ...)
{
	char where[64];
	va_list ap;

	snprintf(where, sizeof(where), ": byte offset %llu", (unsigned long long)off);
	va_start(ap, fmt);
	vfail(r, where, fmt, ap);
	va_end(ap);
	return -1;
}

int trace_wfail(struct trace_writer *w, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(w->err, sizeof(w->err), "%s: %s", w->path, msg);
	w->failed = true;
	return -1;
}

const char *trace_error(const struct trace_reader *r)
{
	return r->err;
}

const char *trace_writer_error(const struct trace_writer *w)
{
	return w->err;
}

/* ====================================================================== */
/* Input                                                                    */
/* ====================================================================== */

size_t trace_in_read(struct trace_reader *r, void *buf, size_t n)
{
	size_t got = 0;

	if (r->head_pos < r->head_len) {
		got = r->head_len - r->head_pos;
		if (got > n)
			got = n;
		memcpy(buf, r->head + r->head_pos, got);
		r->head_pos += got;
	}
	if (got < n && !r->in_error) {
		size_t m = fread((char *)buf + got, 1, n - got, r->f);

		if (m < n - got && ferror(r->f)) {
			r->in_error = true;
			r->in_errno = errno;
		}
		got += m;
	}
	r->in_offset += got;
	return got;
}

bool trace_opt_get(const struct trace_reader *r, const char *key, char *buf, size_t len)
{
	size_t kl = strlen(key);

	for (const char *p = r->options; p && *p;) {
		size_t wl = strcspn(p, ",");

		if (wl > kl && !strncmp(p, key, kl) && p[kl] == '=') {
			snprintf(buf, len, "%.*s", (int)(wl - kl - 1), p + kl + 1);
			return true;
		}
		p += wl;
		if (*p == ',')
			p++;
	}
	return false;
}

void line_reader_init(struct line_reader *lr, struct trace_reader *r)
{
	lr->r = r;
	lr->cap = 1 << 16;
	lr->buf = xmalloc(lr->cap + 1);
	lr->start = lr->end = 0;
	lr->lineno = 0;
	lr->eof = false;
}

char *line_reader_next(struct line_reader *lr, size_t *len)
{
	for (;;) {
		char *s = lr->buf + lr->start;
		char *nl = memchr(s, '\n', lr->end - lr->start);

		if (nl || (lr->eof && lr->end > lr->start)) {
			size_t l = nl ? (size_t)(nl - s) : lr->end - lr->start;

			lr->start += l + (nl ? 1 : 0);
			if (l && s[l - 1] == '\r')
				l--;
			s[l] = 0;
			lr->lineno++;
			*len = l;
			return s;
		}
		if (lr->eof)
			return NULL;
		/* Compact and refill; grow for very long lines. */
		if (lr->start) {
			memmove(lr->buf, lr->buf + lr->start, lr->end - lr->start);
			lr->end -= lr->start;
			lr->start = 0;
		}
		if (lr->end == lr->cap) {
			lr->cap *= 2;
			lr->buf = xrealloc(lr->buf, lr->cap + 1);
		}
		size_t got = trace_in_read(lr->r, lr->buf + lr->end, lr->cap - lr->end);
		if (!got)
			lr->eof = true;
		lr->end += got;
	}
}

void line_reader_free(struct line_reader *lr)
{
	free(lr->buf);
	lr->buf = NULL;
}

/* ====================================================================== */
/* Readers                                                                  */
/* ====================================================================== */

static void reader_free(struct trace_reader *r)
{
	trace_ring_stop(r);
	free(r->batch);
	if (r->own_f && r->f)
		fclose(r->f);
	free(r->head);
	free(r->path);
	free(r->options);
	trace_meta_free(&r->meta);
	free(r);
}

int trace_open(struct trace_reader **out, const char *path, const struct trace_open_opts *opts,
               char *err, size_t errlen)
{
	struct trace_reader *r = xcalloc(1, sizeof(*r));
	const char *want = opts ? opts->format : NULL;

	r->path = xstrdup(path);
	r->options = opts && opts->options ? xstrdup(opts->options) : NULL;
	r->want_thread = opts && opts->decode_thread;
	trace_meta_init(&r->meta);
	if (!strcmp(path, "-")) {
		r->f = stdin;
	} else {
		r->f = fopen(path, "rb");
		if (!r->f) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			reader_free(r);
			return -1;
		}
		r->own_f = true;
	}
	r->head = xmalloc(TRACE_PROBE_BYTES);
	r->head_len = fread(r->head, 1, TRACE_PROBE_BYTES, r->f);
	if (ferror(r->f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		reader_free(r);
		return -1;
	}

	if (want) {
		r->ops = trace_format_find(want);
		if (!r->ops) {
			snprintf(err, errlen, "%s: unknown trace format '%s' (known: %s)", path,
			         want, trace_format_names());
			reader_free(r);
			return -1;
		}
	} else {
		int best = 0;

		if (r->head_len >= 2 && r->head[0] == 0x1f && r->head[1] == 0x8b) {
			snprintf(err, errlen,
			         "%s: gzip-compressed input; decompress it first (e.g. zcat %s | "
			         "mmsim convert --from FORMAT - OUT)",
			         path, path);
			reader_free(r);
			return -1;
		}
		for (size_t i = 0; trace_formats[i]; i++) {
			int score;

			if (!trace_formats[i]->probe)
				continue;
			score = trace_formats[i]->probe(r->head, r->head_len);
			if (score > best) {
				best = score;
				r->ops = trace_formats[i];
			}
		}
		if (!r->ops) {
			snprintf(err, errlen,
			         "%s: cannot tell the trace format; name it with --from (one of: "
			         "%s)",
			         path, trace_format_names());
			reader_free(r);
			return -1;
		}
	}
	if (r->ops->open(r)) {
		snprintf(err, errlen, "%s", r->err);
		if (r->ops->close)
			r->ops->close(r);
		reader_free(r);
		return -1;
	}
	*out = r;
	return 0;
}

#define TRACE_BATCH 1024 /* trace_read_batch without a thread */

/* Start the decode thread on the first read, if asked for; false = decode inline. */
static bool threaded(struct trace_reader *r)
{
	if (r->want_thread && !r->ring && trace_ring_start(r))
		r->want_thread = false; /* no thread: the same records, inline */
	return r->ring != NULL;
}

long trace_read_batch(struct trace_reader *r, const struct trace_rec **recs)
{
	long n;

	if (threaded(r)) {
		n = trace_ring_batch(r, recs);
	} else {
		if (!r->batch)
			r->batch = xmalloc(TRACE_BATCH * sizeof(*r->batch));
		n = trace_read_direct(r, r->batch, TRACE_BATCH);
		*recs = r->batch;
	}
	if (n > 0)
		r->nr_delivered += (uint64_t)n;
	return n;
}

long trace_read(struct trace_reader *r, struct trace_rec *buf, size_t cap)
{
	size_t got = 0;

	if (!threaded(r)) {
		long n = trace_read_direct(r, buf, cap);

		if (n > 0)
			r->nr_delivered += (uint64_t)n;
		return n;
	}
	while (got < cap) {
		size_t take;

		if (r->pending_pos == r->pending_n) {
			const struct trace_rec *recs;
			long n;

			if (got) /* hand out what we have before waiting again */
				break;
			n = trace_ring_batch(r, &recs);
			if (n <= 0)
				return n;
			r->pending = recs;
			r->pending_n = n;
			r->pending_pos = 0;
		}
		take = (size_t)(r->pending_n - r->pending_pos);
		if (take > cap - got)
			take = cap - got;
		memcpy(buf + got, r->pending + r->pending_pos, take * sizeof(*buf));
		r->pending_pos += (long)take;
		r->nr_delivered += take;
		got += take;
	}
	return (long)got;
}

long trace_read_direct(struct trace_reader *r, struct trace_rec *buf, size_t cap)
{
	long n;

	if (r->failed)
		return -1;
	n = r->ops->next(r, buf, cap);
	if (n < 0) {
		r->failed = true;
		if (!r->err[0])
			trace_fail(r, "read error");
		return -1;
	}
	if (r->in_error)
		return trace_fail(r, "read error: %s", strerror(r->in_errno));
	r->nr_read += (uint64_t)n;
	return n;
}

const struct trace_meta *trace_reader_meta(const struct trace_reader *r)
{
	return &r->meta;
}

const char *trace_reader_format(const struct trace_reader *r)
{
	return r->ops->name;
}

uint64_t trace_records_read(const struct trace_reader *r)
{
	return r->nr_delivered;
}

void trace_close(struct trace_reader *r)
{
	if (!r)
		return;
	trace_ring_stop(r); /* before the format state goes */
	if (r->ops && r->ops->close)
		r->ops->close(r);
	reader_free(r);
}

/* ====================================================================== */
/* Writers                                                                  */
/* ====================================================================== */

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

static void writer_free(struct trace_writer *w)
{
	if (w->ops && w->ops->wfree)
		w->ops->wfree(w);
	free(w->path);
	free(w->tmp_path);
	trace_meta_free(&w->meta);
	free(w);
}

int trace_writer_open(struct trace_writer **out, const char *path, const char *format,
                      const struct trace_meta *meta, char *err, size_t errlen)
{
	struct trace_writer *w = xcalloc(1, sizeof(*w));

	w->path = xstrdup(path);
	if (meta)
		trace_meta_copy(&w->meta, meta);
	else
		trace_meta_init(&w->meta);
	if (format) {
		w->ops = trace_format_find(format);
	} else {
		for (size_t i = 0; trace_formats[i]; i++)
			if (trace_formats[i]->extension &&
			    ends_with(path, trace_formats[i]->extension))
				w->ops = trace_formats[i];
		if (!w->ops && ends_with(path, ".mmt"))
			w->ops = trace_format_find("native");
	}
	if (!w->ops || !w->ops->wopen) {
		if (format)
			snprintf(err, errlen,
			         "%s: cannot write format '%s' (writable: native, csv)", path,
			         format);
		else
			snprintf(err, errlen,
			         "%s: cannot tell the output format from the name; use a .mmt.zst "
			         "or .csv extension",
			         path);
		writer_free(w);
		return -1;
	}
	if (!strcmp(path, "-")) {
		w->f = stdout;
	} else {
		size_t n = strlen(path) + 16;
		int fd;

		w->tmp_path = xmalloc(n);
		snprintf(w->tmp_path, n, "%s.tmpXXXXXX", path);
		fd = mkstemp(w->tmp_path);
		if (fd >= 0) {
			/* mkstemp creates 0600; give the result the usual 0666 & ~umask. */
			mode_t mask = umask(0);

			umask(mask);
			fchmod(fd, 0666 & ~mask);
		}
		if (fd < 0 || !(w->f = fdopen(fd, "wb"))) {
			snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
			if (fd >= 0)
				close(fd);
			free(w->tmp_path);
			w->tmp_path = NULL;
			writer_free(w);
			return -1;
		}
	}
	if (w->ops->wopen(w)) {
		snprintf(err, errlen, "%s", w->err);
		trace_writer_abort(w);
		return -1;
	}
	*out = w;
	return 0;
}

int trace_write(struct trace_writer *w, const struct trace_rec *recs, size_t n)
{
	if (w->failed)
		return -1;
	if (w->ops->write(w, recs, n))
		return -1;
	w->nr_written += n;
	return 0;
}

int trace_writer_close(struct trace_writer *w)
{
	int ret = 0;

	if (!w->failed && w->ops->wfinish && w->ops->wfinish(w))
		ret = -1;
	if (w->failed)
		ret = -1;
	if (w->f != stdout) {
		if (fclose(w->f) && !ret) {
			trace_wfail(w, "write error: %s", strerror(errno));
			ret = -1;
		}
	} else if (fflush(stdout) && !ret) {
		trace_wfail(w, "write error: %s", strerror(errno));
		ret = -1;
	}
	w->f = NULL;
	if (w->tmp_path) {
		if (!ret && rename(w->tmp_path, w->path)) {
			trace_wfail(w, "cannot rename into place: %s", strerror(errno));
			ret = -1;
		}
		if (ret)
			unlink(w->tmp_path);
	}
	if (ret) {
		/* Keep the message for the caller: print it before freeing. */
		mm_error("%s", w->err);
	}
	writer_free(w);
	return ret;
}

void trace_writer_abort(struct trace_writer *w)
{
	if (!w)
		return;
	if (w->f && w->f != stdout)
		fclose(w->f);
	if (w->tmp_path)
		unlink(w->tmp_path);
	writer_free(w);
}
