// SPDX-License-Identifier: MIT
/*
 * csv.c - the CSV text trace format (DESIGN.md section 4), read and written
 * with libcsv.
 *
 * DOC: Syntax
 *
 *   # meta source=lackey.out        <- optional metadata, before the header
 *   # any other comment
 *   time,pid,op,addr,len,file,arg   <- header line (case-insensitive)
 *   ,1,R,0x7ff000,8,,
 *   1500,1,read,8192,4096,3,size=65536
 *
 * Lines are split by the line reader of trace.c (LF or CRLF; a UTF-8 BOM is
 * skipped); blank lines and lines starting with '#' are skipped; every other
 * line is one row parsed by libcsv in strict mode (quoted fields allowed,
 * spaces around unquoted fields trimmed), so a field never spans lines. Every
 * row has exactly 7 fields:
 *
 *   time  nanoseconds; empty = no time (TREC_TIME clear)
 *   pid   decimal, < 2^32
 *   op    R W X (or r w x), mmap munmap mprotect brk madvise fork exit exec
 *         read write fadvise alloc free mlock munlock
 *   addr  0x-hex or decimal; may be empty (= 0) only for ops without an
 *         address (fork exit exec alloc free)
 *   len   bytes; empty = 1 for R/W/X, one page (4096) for read/write/fadvise
 *         (a written 0 stays 0: fadvise 0 means "to the end of the file"),
 *         0 for brk fork exit exec alloc free; required for the range ops
 *         (mmap munmap mprotect madvise mlock munlock)
 *   file  file id < 2^32; empty = none (TREC_FILE clear); required for
 *         read/write/fadvise
 *   arg   trace_arg_parse() syntax (trace.c), e.g. anon|private|rw, dontneed,
 *         order=2|zone=normal, size=N, 0x<fingerprint>
 *
 * Errors are "FILE:LINE:COL: message" where COL is the 1-based byte column of
 * the offending field (after leading blanks) or of the end of the line for a
 * missing column.
 *
 * DOC: Canonical output
 *
 * The writer emits "# meta key=value" lines for the metadata (page_size only
 * when it is not 4096), the header, then one row per record: time in decimal
 * or empty; pid decimal; op by name; addr as decimal file offset for
 * read/write/fadvise, empty for the no-address ops when 0, else 0x-hex; len in
 * decimal (empty for the no-length ops when 0); file decimal or empty; arg
 * from trace_arg_format(). A field that would need quoting goes through
 * csv_fwrite() (none of the canonical fields do). A record whose arg would not
 * read back identically (e.g. an mmap without TREC_ARG, an unknown advice
 * value) is refused, so CSV output always round-trips exactly.
 */
#include "trace_internal.h"

#include "../sim/util.h"

#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CSVT_NR_COLS     7   /* time,pid,op,addr,len,file,arg */
#define CSVT_FIELD_MAX   128 /* longest field kept; the longest valid arg is ~40 bytes */
#define CSVT_META_PREFIX "# meta "

enum csvt_col { CSVT_TIME, CSVT_PID, CSVT_OP, CSVT_ADDR, CSVT_LEN, CSVT_FILE, CSVT_ARG };

static const char *const csvt_col_names[CSVT_NR_COLS] = {"time", "pid",  "op", "addr",
                                                         "len",  "file", "arg"};
static const char csvt_header[] = "time,pid,op,addr,len,file,arg";

/* Per-op rules: does the op have an address / which default length. */
enum csvt_len_rule {
	CSVT_LEN_ZERO,     /* no length: empty = 0 */
	CSVT_LEN_BYTE,     /* R/W/X: empty = 1 */
	CSVT_LEN_PAGE,     /* file I/O: empty = one page */
	CSVT_LEN_REQUIRED, /* range ops: must be given */
};

static enum csvt_len_rule csvt_len_rule(unsigned op)
{
	switch (op) {
	case TRACE_OP_R:
	case TRACE_OP_W:
	case TRACE_OP_X:
		return CSVT_LEN_BYTE;
	case TRACE_OP_READ:
	case TRACE_OP_WRITE:
	case TRACE_OP_FADVISE:
		return CSVT_LEN_PAGE;
	case TRACE_OP_MMAP:
	case TRACE_OP_MUNMAP:
	case TRACE_OP_MPROTECT:
	case TRACE_OP_MADVISE:
	case TRACE_OP_MLOCK:
	case TRACE_OP_MUNLOCK:
		return CSVT_LEN_REQUIRED;
	default:
		return CSVT_LEN_ZERO;
	}
}

static bool csvt_op_has_addr(unsigned op)
{
	return !(op == TRACE_OP_FORK || op == TRACE_OP_EXIT || op == TRACE_OP_EXEC ||
	         op == TRACE_OP_ALLOC || op == TRACE_OP_FREE);
}

static bool csvt_op_is_file(unsigned op)
{
	return op == TRACE_OP_READ || op == TRACE_OP_WRITE || op == TRACE_OP_FADVISE;
}

/* ====================================================================== */
/* Reader                                                                   */
/* ====================================================================== */

struct csvt_reader {
	struct line_reader lr;                    /* line splitter */
	struct csv_parser parser;                 /* libcsv state, reused per line */
	char field[CSVT_NR_COLS][CSVT_FIELD_MAX]; /* fields of the current row */
	unsigned nf;                              /* fields seen in the current row */
	int bad_field;                            /* field too long or with NUL, or -1 */
	const char *bad_why;                      /* why bad_field is bad */
	const char *line;                         /* the line being parsed */
	size_t line_len;                          /* its length */
};

/* libcsv field callback: keep the first CSVT_NR_COLS fields, count the rest. */
static void csvt_on_field(void *s, size_t len, void *data)
{
	struct csvt_reader *cr = data;

	if (cr->nf < CSVT_NR_COLS) {
		if (len >= CSVT_FIELD_MAX) {
			if (cr->bad_field < 0) {
				cr->bad_field = (int)cr->nf;
				cr->bad_why = "field too long";
			}
			len = 0;
		} else if (memchr(s, 0, len)) {
			if (cr->bad_field < 0) {
				cr->bad_field = (int)cr->nf;
				cr->bad_why = "NUL byte in field";
			}
			len = 0;
		}
		memcpy(cr->field[cr->nf], s, len);
		cr->field[cr->nf][len] = 0;
	}
	cr->nf++;
}

static void csvt_on_row(int c, void *data)
{
	(void)c;
	(void)data;
}

/* 1-based byte column where field @idx starts (after blanks); end of line + 1 past the last. */
static unsigned csvt_field_col(const struct csvt_reader *cr, unsigned idx)
{
	const char *s = cr->line;
	size_t i = 0;
	unsigned f = 0;
	bool quoted = false;

	for (; i < cr->line_len && f < idx; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (s[i] == ',' && !quoted)
			f++;
	}
	if (f < idx)
		return (unsigned)cr->line_len + 1;
	while (i < cr->line_len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return (unsigned)i + 1;
}

/* Skip a UTF-8 byte order mark on the first line. */
static char *csvt_skip_bom(char *s, size_t *len)
{
	if (*len >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
	    (unsigned char)s[2] == 0xBF) {
		*len -= 3;
		return s + 3;
	}
	return s;
}

static bool csvt_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

/*
 * csvt_split() - parse @line into cr->field with libcsv.
 * Return: 0, or -1 after reporting a syntax error.
 */
static int csvt_split(struct trace_reader *r, struct csvt_reader *cr, const char *line, size_t len)
{
	size_t done;

	cr->line = line;
	cr->line_len = len;
	cr->nf = 0;
	cr->bad_field = -1;
	done = csv_parse(&cr->parser, line, len, csvt_on_field, csvt_on_row, cr);
	if (done != len)
		return trace_fail_line(r, cr->lr.lineno, (unsigned)done + 1,
		                       "malformed CSV (stray quote?): %s",
		                       csv_strerror(csv_error(&cr->parser)));
	if (csv_fini(&cr->parser, csvt_on_field, csvt_on_row, cr))
		return trace_fail_line(r, cr->lr.lineno, (unsigned)len + 1,
		                       "malformed CSV: unterminated quoted field");
	if (cr->bad_field >= 0)
		return trace_fail_line(r, cr->lr.lineno,
		                       csvt_field_col(cr, (unsigned)cr->bad_field), "%s: %s",
		                       csvt_col_names[cr->bad_field], cr->bad_why);
	if (cr->nf < CSVT_NR_COLS)
		return trace_fail_line(r, cr->lr.lineno, (unsigned)len + 1,
		                       "missing column '%s' (a row has %d columns: %s)",
		                       csvt_col_names[cr->nf], CSVT_NR_COLS, csvt_header);
	if (cr->nf > CSVT_NR_COLS)
		return trace_fail_line(r, cr->lr.lineno, csvt_field_col(cr, CSVT_NR_COLS),
		                       "extra column (a row has %d columns: %s)", CSVT_NR_COLS,
		                       csvt_header);
	return 0;
}

/* A "# meta key=value" comment line; false if it is an ordinary comment. */
static bool csvt_meta_line(struct trace_reader *r, const char *line)
{
	const char *kv, *eq;
	char key[128];

	if (strncmp(line, CSVT_META_PREFIX, strlen(CSVT_META_PREFIX)))
		return false;
	kv = line + strlen(CSVT_META_PREFIX);
	eq = strchr(kv, '=');
	if (!eq || eq == kv || (size_t)(eq - kv) >= sizeof(key))
		return false;
	for (const char *k = kv; k < eq; k++)
		if (!isalnum((unsigned char)*k) && *k != '_' && *k != '.' && *k != '-')
			return false;
	snprintf(key, sizeof(key), "%.*s", (int)(eq - kv), kv);
	if (!strcmp(key, "page_size")) {
		uint64_t ps;

		if (!parse_u64(eq + 1, &ps) && ps >= 512 && ps <= (1u << 30) && !(ps & (ps - 1)))
			r->meta.page_size = (uint32_t)ps;
		return true;
	}
	trace_meta_set(&r->meta, key, eq + 1);
	return true;
}

static int csvt_open(struct trace_reader *r)
{
	struct csvt_reader *cr = xcalloc(1, sizeof(*cr));
	bool first = true;
	size_t len;
	char *line;

	r->priv = cr;
	line_reader_init(&cr->lr, r);
	if (csv_init(&cr->parser, CSV_STRICT | CSV_STRICT_FINI))
		return trace_fail(r, "cannot initialise the CSV parser");
	while ((line = line_reader_next(&cr->lr, &len))) {
		if (first) {
			line = csvt_skip_bom(line, &len);
			first = false;
		}
		if (line[0] == '#') {
			csvt_meta_line(r, line);
			continue;
		}
		if (csvt_blank(line, len))
			continue;
		if (csvt_split(r, cr, line, len)) {
			/* Say what was expected rather than a bare syntax error. */
			snprintf(r->err + strlen(r->err), sizeof(r->err) - strlen(r->err),
			         " in the header line (expected %s)", csvt_header);
			return -1;
		}
		for (unsigned i = 0; i < CSVT_NR_COLS; i++)
			if (strcasecmp(cr->field[i], csvt_col_names[i]))
				return trace_fail_line(r, cr->lr.lineno, csvt_field_col(cr, i),
				                       "expected the header line '%s', found "
				                       "column '%s' where '%s' belongs",
				                       csvt_header, cr->field[i],
				                       csvt_col_names[i]);
		return 0;
	}
	if (r->in_error)
		return trace_fail(r, "read error: %s", strerror(r->in_errno));
	return trace_fail_line(r, cr->lr.lineno + 1, 0, "missing the header line '%s'",
	                       csvt_header);
}

/* Parse a number field no larger than @max; -1 with an error naming the column. */
static int csvt_number(struct trace_reader *r, struct csvt_reader *cr, unsigned col, uint64_t max,
                       uint64_t *out)
{
	const char *s = cr->field[col];

	if (parse_u64(s, out))
		return trace_fail_line(r, cr->lr.lineno, csvt_field_col(cr, col),
		                       "%s: bad number '%s'", csvt_col_names[col], s);
	if (*out > max)
		return trace_fail_line(r, cr->lr.lineno, csvt_field_col(cr, col),
		                       "%s: %s is too large (at most %llu)", csvt_col_names[col], s,
		                       (unsigned long long)max);
	return 0;
}

static int csvt_row(struct trace_reader *r, struct csvt_reader *cr, struct trace_rec *rec)
{
	char msg[256];
	uint64_t v;
	int op;

	memset(rec, 0, sizeof(*rec));
	if (cr->field[CSVT_TIME][0]) {
		if (csvt_number(r, cr, CSVT_TIME, UINT64_MAX, &rec->time))
			return -1;
		rec->flags |= TREC_TIME;
	}
	if (!cr->field[CSVT_PID][0])
		return trace_fail_line(r, cr->lr.lineno, csvt_field_col(cr, CSVT_PID),
		                       "pid: missing process id");
	if (csvt_number(r, cr, CSVT_PID, UINT32_MAX, &v))
		return -1;
	rec->pid = (uint32_t)v;
	op = trace_op_parse(cr->field[CSVT_OP], strlen(cr->field[CSVT_OP]));
	if (op < 0)
		return trace_fail_line(r, cr->lr.lineno, csvt_field_col(cr, CSVT_OP),
		                       "op: unknown op '%s'", cr->field[CSVT_OP]);
	rec->op = (uint8_t)op;
	if (cr->field[CSVT_ADDR][0]) {
		if (csvt_number(r, cr, CSVT_ADDR, UINT64_MAX, &rec->addr))
			return -1;
	} else if (csvt_op_has_addr((unsigned)op)) {
		return trace_fail_line(r, cr->lr.lineno, csvt_field_col(cr, CSVT_ADDR),
		                       "addr: %s needs an %s", trace_op_name((unsigned)op),
		                       csvt_op_is_file((unsigned)op) ? "offset" : "address");
	}
	if (cr->field[CSVT_LEN][0]) {
		if (csvt_number(r, cr, CSVT_LEN, UINT64_MAX, &rec->len))
			return -1;
	} else {
		switch (csvt_len_rule((unsigned)op)) {
		case CSVT_LEN_BYTE:
			rec->len = 1;
			break;
		case CSVT_LEN_PAGE:
			rec->len = TRACE_PAGE_SIZE;
			break;
		case CSVT_LEN_REQUIRED:
			return trace_fail_line(r, cr->lr.lineno, csvt_field_col(cr, CSVT_LEN),
			                       "len: %s needs a length",
			                       trace_op_name((unsigned)op));
		case CSVT_LEN_ZERO:
			break;
		}
	}
	if (cr->field[CSVT_FILE][0]) {
		if (csvt_number(r, cr, CSVT_FILE, UINT32_MAX, &v))
			return -1;
		rec->file = (uint32_t)v;
		rec->flags |= TREC_FILE;
	} else if (csvt_op_is_file((unsigned)op)) {
		return trace_fail_line(r, cr->lr.lineno, csvt_field_col(cr, CSVT_FILE),
		                       "file: %s needs a file id", trace_op_name((unsigned)op));
	}
	if (trace_arg_parse(rec, cr->field[CSVT_ARG], msg, sizeof(msg)))
		return trace_fail_line(r, cr->lr.lineno, csvt_field_col(cr, CSVT_ARG), "arg: %s",
		                       msg);
	return 0;
}

static long csvt_next(struct trace_reader *r, struct trace_rec *buf, size_t cap)
{
	struct csvt_reader *cr = r->priv;
	size_t n = 0, len;
	char *line;

	while (n < cap && (line = line_reader_next(&cr->lr, &len))) {
		if (line[0] == '#' || csvt_blank(line, len))
			continue;
		if (csvt_split(r, cr, line, len) || csvt_row(r, cr, &buf[n]))
			return -1;
		n++;
	}
	return (long)n;
}

static void csvt_close(struct trace_reader *r)
{
	struct csvt_reader *cr = r->priv;

	if (!cr)
		return;
	line_reader_free(&cr->lr);
	csv_free(&cr->parser);
	free(cr);
	r->priv = NULL;
}

/*
 * csvt_probe() - 100 if the first line that is not blank or a comment is the
 * header (quotes, blanks and case ignored).
 */
static int csvt_probe(const unsigned char *head, size_t n)
{
	size_t i = 0;

	if (n >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF)
		i = 3;
	while (i < n) {
		size_t eol = i;
		const char *want = csvt_header;

		while (eol < n && head[eol] != '\n')
			eol++;
		if (head[i] == '#' || csvt_blank((const char *)head + i, eol - i)) {
			i = eol + 1;
			continue;
		}
		for (size_t j = i; j < eol; j++) {
			int c = tolower(head[j]);

			if (c == '"' || c == ' ' || c == '\t' || c == '\r')
				continue;
			if (c != *want)
				return 0;
			want++;
		}
		return *want ? 0 : 100;
	}
	return 0;
}

/* ====================================================================== */
/* Writer                                                                   */
/* ====================================================================== */

/* Append a field to @line, or flush the line and quote the field with libcsv if it needs it. */
static int csvt_put_field(struct trace_writer *w, char *line, size_t *off, size_t cap,
                          const char *s, bool last)
{
	size_t len = strlen(s);

	if (strpbrk(s, ",\"\r\n") || (len && (s[0] == ' ' || s[len - 1] == ' '))) {
		if (fwrite(line, 1, *off, w->f) != *off || csv_fwrite(w->f, s, len))
			return -1;
		*off = 0;
	} else {
		if (*off + len + 2 > cap)
			return -1;
		memcpy(line + *off, s, len);
		*off += len;
	}
	line[(*off)++] = last ? '\n' : ',';
	return 0;
}

static int csvt_wopen(struct trace_writer *w)
{
	const char *kv = w->meta.kv;

	if (w->meta.page_size != TRACE_PAGE_SIZE &&
	    fprintf(w->f, "%spage_size=%u\n", CSVT_META_PREFIX, w->meta.page_size) < 0)
		return trace_wfail(w, "write error: %s", strerror(errno));
	while (kv && *kv) {
		size_t l = strcspn(kv, "\n");

		if (fprintf(w->f, "%s%.*s\n", CSVT_META_PREFIX, (int)l, kv) < 0)
			return trace_wfail(w, "write error: %s", strerror(errno));
		kv += l + (kv[l] == '\n');
	}
	if (fprintf(w->f, "%s\n", csvt_header) < 0)
		return trace_wfail(w, "write error: %s", strerror(errno));
	return 0;
}

static int csvt_write(struct trace_writer *w, const struct trace_rec *recs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct trace_rec *rec = &recs[i];
		unsigned long long recno = (unsigned long long)(w->nr_written + i + 1);
		char f[CSVT_NR_COLS][CSVT_FIELD_MAX], line[CSVT_NR_COLS * CSVT_FIELD_MAX + 8];
		const char *name = trace_op_name(rec->op);
		struct trace_rec check;
		char msg[256];
		size_t off = 0;

		if (!name)
			return trace_wfail(w, "record %llu: invalid op %u", recno, rec->op);
		if (rec->flags & ~(TREC_TIME | TREC_FILE | TREC_ARG))
			return trace_wfail(w, "record %llu: invalid flags 0x%02x", recno,
			                   rec->flags);
		f[CSVT_TIME][0] = 0;
		if (rec->flags & TREC_TIME)
			snprintf(f[CSVT_TIME], CSVT_FIELD_MAX, "%llu",
			         (unsigned long long)rec->time);
		snprintf(f[CSVT_PID], CSVT_FIELD_MAX, "%u", rec->pid);
		snprintf(f[CSVT_OP], CSVT_FIELD_MAX, "%s", name);
		if (csvt_op_is_file(rec->op))
			snprintf(f[CSVT_ADDR], CSVT_FIELD_MAX, "%llu",
			         (unsigned long long)rec->addr);
		else if (!csvt_op_has_addr(rec->op) && !rec->addr)
			f[CSVT_ADDR][0] = 0;
		else
			snprintf(f[CSVT_ADDR], CSVT_FIELD_MAX, "0x%llx",
			         (unsigned long long)rec->addr);
		if (csvt_len_rule(rec->op) == CSVT_LEN_ZERO && !rec->len)
			f[CSVT_LEN][0] = 0;
		else
			snprintf(f[CSVT_LEN], CSVT_FIELD_MAX, "%llu", (unsigned long long)rec->len);
		f[CSVT_FILE][0] = 0;
		if (rec->flags & TREC_FILE)
			snprintf(f[CSVT_FILE], CSVT_FIELD_MAX, "%u", rec->file);
		else if (csvt_op_is_file(rec->op))
			return trace_wfail(
			        w, "record %llu: %s without a file id cannot be written as CSV",
			        recno, name);
		trace_arg_format(rec, f[CSVT_ARG], CSVT_FIELD_MAX);
		/* Refuse what would not read back identically. */
		check = *rec;
		if (trace_arg_parse(&check, f[CSVT_ARG], msg, sizeof(msg)) ||
		    check.flags != rec->flags || ((rec->flags & TREC_ARG) && check.arg != rec->arg))
			return trace_wfail(
			        w, "record %llu: the %s argument %s0x%llx cannot be written as CSV",
			        recno, name, (rec->flags & TREC_ARG) ? "" : "(absent) ",
			        (unsigned long long)rec->arg);
		for (unsigned c = 0; c < CSVT_NR_COLS; c++)
			if (csvt_put_field(w, line, &off, sizeof(line), f[c],
			                   c == CSVT_NR_COLS - 1))
				return trace_wfail(w, "write error: %s", strerror(errno));
		if (fwrite(line, 1, off, w->f) != off)
			return trace_wfail(w, "write error: %s", strerror(errno));
	}
	return 0;
}

const struct trace_format_ops csv_format = {
        .name = "csv",
        .description = "CSV text: time,pid,op,addr,len,file,arg ('#' comments)",
        .probe = csvt_probe,
        .open = csvt_open,
        .next = csvt_next,
        .close = csvt_close,
        .extension = ".csv",
        .wopen = csvt_wopen,
        .write = csvt_write,
};
