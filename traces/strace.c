// SPDX-License-Identifier: MIT
/*
 * strace.c - importer for `strace -f -e trace=memory` output, optionally
 * with -tt (wall clock) or -ttt (epoch seconds) timestamps, written with -o
 * (lines start with the pid) or to the terminal ("[pid N]" prefixes).
 *
 *   mmap/mmap2(ADDR|NULL, LEN, PROT_..., MAP_..., FD, OFF) = RESULT  -> mmap at RESULT
 *   munmap(ADDR, LEN) = 0            -> munmap      brk(ADDR|NULL) = NEW -> brk NEW
 *   mprotect(ADDR, LEN, PROT_...) = 0 -> mprotect   madvise(ADDR, LEN, MADV_X) = 0 -> madvise
 *   mlock/munlock(ADDR, LEN) = 0     -> mlock/munlock
 *   clone/clone3/fork/vfork(...) = CHILD -> fork (if traced: add -e trace=memory,process)
 *   execve(...) = 0                  -> exec
 *   +++ exited with N +++ / +++ killed by SIG +++ -> exit
 *   --- SIGxxx ... ---               -> skipped
 * "NAME(args <unfinished ...>" and "<... NAME resumed>rest" lines are joined
 * per pid. Failed calls ("= -1 ENOMEM ...") and other syscalls are skipped and
 * counted (metadata failed_calls, syscalls_skipped). Timestamps become ns
 * since the first one. A file-backed mapping names its file by descriptor:
 * file id = fd (strace's memory class does not show open()). Without -f and
 * without a pid column, pid 1 is used.
 */
#include "import_util.h"
#include "syscall_map.h"

#include "../sim/util.h"

#include <stdio.h>
#include <stdlib.h>

#define ST_UNFINISHED 64   /* pids with a call in flight */
#define ST_LINE       1024 /* longest joined call kept */

struct st_unfinished {
	uint32_t pid;       /* 0 = free */
	char text[ST_LINE]; /* "NAME(args" so far */
};

struct st_state {
	struct line_reader lr;                  /* input lines */
	struct imp_queue q;                     /* records of the current line */
	bool have_t0;                           /* first timestamp seen */
	uint64_t t0;                            /* it, in ns */
	uint64_t failed, skipped;               /* counters for metadata */
	struct st_unfinished un[ST_UNFINISHED]; /* joined per pid */
	char joined[2 * ST_LINE];               /* scratch for a resumed call */
};

static const char *const st_syscalls[] = {
        "mmap",    "mmap2", "munmap", "brk",  "mprotect", "madvise", "mlock",
        "munlock", "clone", "clone3", "fork", "vfork",    "execve",  NULL,
};

static int strace_probe(const unsigned char *head, size_t n)
{
	const char *s = (const char *)head;
	char tmp[TRACE_PROBE_BYTES + 1];

	memcpy(tmp, s, n);
	tmp[n] = 0;
	if ((strstr(tmp, "mmap(") || strstr(tmp, "brk(")) && strstr(tmp, ") = ") &&
	    !strstr(tmp, "SYSCALL["))
		return 75;
	return 0;
}

static int strace_open(struct trace_reader *r)
{
	struct st_state *st = xcalloc(1, sizeof(*st));

	line_reader_init(&st->lr, r);
	r->priv = st;
	trace_meta_set(&r->meta, "source_format", "strace");
	return 0;
}

static void strace_close(struct trace_reader *r)
{
	struct st_state *st = r->priv;

	if (st) {
		line_reader_free(&st->lr);
		free(st);
	}
}

/* "12:31:46.800826" or "1795523506.789057" -> ns; returns the end or NULL. */
static const char *parse_time(const char *p, uint64_t *ns)
{
	uint64_t a, b, c, frac = 0, scale = 1000000000ULL;
	const char *e = imp_dec(p, &a);

	if (!e)
		return NULL;
	if (*e == ':') {
		if (!(e = imp_dec(e + 1, &b)) || *e != ':' || !(e = imp_dec(e + 1, &c)))
			return NULL;
		a = a * 3600 + b * 60 + c;
	}
	if (*e == '.') {
		const char *f = e + 1;

		for (e = f; *e >= '0' && *e <= '9'; e++)
			if (scale > 1) {
				scale /= 10;
				frac += (uint64_t)(*e - '0') * scale;
			}
		if (e == f)
			return NULL;
	}
	*ns = a * 1000000000ULL + frac;
	return e;
}

/* Symbolic flags "PROT_READ|PROT_WRITE" / "MAP_PRIVATE|MAP_ANONYMOUS" / numbers. */
static const char *parse_flags(const char *p, bool prot, uint64_t *out)
{
	uint64_t bits = 0, v;

	for (;;) {
		p = imp_skip_blanks(p);
		size_t l = strcspn(p, "|,)");
		const char *next = p + l;

		if (!l)
			return NULL;
		if (imp_num(p, &v) == next) {
			bits |= prot ? lx_prot_bits(v) : lx_map_bits(v);
		} else if (prot) {
			if (!strncmp(p, "PROT_READ", l))
				bits |= TRACE_PROT_R;
			else if (!strncmp(p, "PROT_WRITE", l))
				bits |= TRACE_PROT_W;
			else if (!strncmp(p, "PROT_EXEC", l))
				bits |= TRACE_PROT_X;
		} else {
			if (!strncmp(p, "MAP_SHARED", l) || !strncmp(p, "MAP_SHARED_VALIDATE", l))
				bits |= TRACE_MAP_SHARED;
			else if (!strncmp(p, "MAP_ANONYMOUS", l) || !strncmp(p, "MAP_ANON", l))
				bits |= TRACE_MAP_ANON;
			else if (!strncmp(p, "MAP_LOCKED", l))
				bits |= TRACE_MAP_LOCKED;
			else if (!strncmp(p, "MAP_STACK", l) || !strncmp(p, "MAP_GROWSDOWN", l))
				bits |= TRACE_MAP_STACK;
		}
		p = next;
		if (*p != '|')
			break;
		p++;
	}
	*out = bits;
	return p;
}

/* Next comma-separated argument as a number (NULL counts as 0). */
static const char *arg_num(const char *p, uint64_t *v)
{
	p = imp_skip_blanks(p);
	if (!strncmp(p, "NULL", 4)) {
		*v = 0;
		return p + 4;
	}
	return imp_num(p, v);
}

static const char *expect_comma(const char *p)
{
	p = p ? imp_skip_blanks(p) : NULL;
	return p && *p == ',' ? p + 1 : NULL;
}

/*
 * The result after the closing parenthesis: strace pads "...) = 0x55" with
 * spaces before '='. The last '=' preceded by ')' and blanks is the one.
 * Returns the text after "= ", or NULL.
 */
static const char *result_of(const char *call)
{
	const char *res = NULL;

	for (const char *p = strstr(call, "= "); p; p = strstr(p + 1, "= ")) {
		const char *q = p;

		while (q > call && q[-1] == ' ')
			q--;
		if (q > call && q[-1] == ')')
			res = p + 2;
	}
	return res;
}

/* Handle one complete "NAME(args) = result" text for @pid at @time. */
static int handle_call(struct trace_reader *r, struct st_state *st, uint32_t pid, uint64_t time,
                       bool has_time, const char *call)
{
	size_t nl = strcspn(call, "(");
	const char *args = call + nl + 1, *eq = result_of(call);
	uint64_t res, a0 = 0, a1 = 0, fd = 0, flags = 0, prot = 0;
	const char *p;
	char name[16];
	int known = -1;
	struct trace_rec *rec;

	if (!call[nl] || nl >= sizeof(name))
		return trace_fail_line(r, st->lr.lineno, 1, "not a strace line: '%.40s'", call);
	snprintf(name, sizeof(name), "%.*s", (int)nl, call);
	for (int i = 0; st_syscalls[i]; i++)
		if (!strcmp(name, st_syscalls[i]))
			known = i;
	if (!eq)
		return trace_fail_line(r, st->lr.lineno, 1, "call without a result: '%.40s'", call);
	if (known < 0) {
		st->skipped++;
		return 0;
	}
	p = imp_skip_blanks(eq);
	if (*p == '-' || *p == '?') {
		st->failed++;
		return 0;
	}
	if (!imp_num(p, &res))
		return trace_fail_line(r, st->lr.lineno, (unsigned)(p - call) + 1, "bad result");
	if (known >= 8) { /* process calls */
		rec = imp_push(&st->q);
		rec->op = known == 12 ? TRACE_OP_EXEC : TRACE_OP_FORK;
		if (rec->op == TRACE_OP_FORK) {
			rec->arg = res;
			rec->flags = TREC_ARG;
		}
		goto done;
	}
	p = arg_num(args, &a0);
	if (!strcmp(name, "brk")) {
		rec = imp_push(&st->q);
		rec->op = TRACE_OP_BRK;
		rec->addr = res;
		goto done;
	}
	p = expect_comma(p);
	if (!p || !(p = arg_num(p, &a1)))
		return trace_fail_line(r, st->lr.lineno, 1, "bad arguments of %s", name);
	rec = imp_push(&st->q);
	rec->addr = a0;
	rec->len = a1;
	if (!strncmp(name, "mmap", 4)) {
		if (!(p = expect_comma(p)) || !(p = parse_flags(p, true, &prot)) ||
		    !(p = expect_comma(p)) || !(p = parse_flags(p, false, &flags)) ||
		    !(p = expect_comma(p)) || !(p = arg_num(p, &fd)))
			return trace_fail_line(r, st->lr.lineno, 1, "bad mmap arguments");
		rec->op = TRACE_OP_MMAP;
		rec->addr = res;
		rec->arg = prot | flags;
		rec->flags = TREC_ARG;
		if (!(flags & TRACE_MAP_ANON) && (int64_t)fd >= 0) {
			rec->file = (uint32_t)fd;
			rec->flags |= TREC_FILE;
		} else {
			rec->arg |= TRACE_MAP_ANON;
		}
	} else if (!strcmp(name, "munmap")) {
		rec->op = TRACE_OP_MUNMAP;
	} else if (!strcmp(name, "mprotect")) {
		if (!(p = expect_comma(p)) || !parse_flags(p, true, &prot))
			return trace_fail_line(r, st->lr.lineno, 1, "bad mprotect arguments");
		rec->op = TRACE_OP_MPROTECT;
		rec->arg = prot;
		rec->flags = TREC_ARG;
	} else if (!strcmp(name, "madvise")) {
		char word[32], err[128];
		size_t wl;

		p = expect_comma(p);
		p = p ? imp_skip_blanks(p) : NULL;
		if (!p || strncmp(p, "MADV_", 5))
			return trace_fail_line(r, st->lr.lineno, 1, "bad madvise arguments");
		p += 5;
		wl = strcspn(p, ")");
		for (size_t i = 0; i < wl && i < sizeof(word) - 1; i++)
			word[i] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] - 'A' + 'a' : p[i]);
		word[wl < sizeof(word) - 1 ? wl : sizeof(word) - 1] = 0;
		rec->op = TRACE_OP_MADVISE;
		if (trace_arg_parse(rec, word, err, sizeof(err))) {
			st->q.nr--; /* advice the model does not use */
			st->skipped++;
			return 0;
		}
	} else {
		rec->op = !strcmp(name, "mlock") ? TRACE_OP_MLOCK : TRACE_OP_MUNLOCK;
	}
done:
	rec->pid = pid;
	if (has_time) {
		rec->time = time;
		rec->flags |= TREC_TIME;
	}
	return 0;
}

static struct st_unfinished *unfinished_slot(struct st_state *st, uint32_t pid, bool create)
{
	struct st_unfinished *free_slot = NULL;

	for (int i = 0; i < ST_UNFINISHED; i++) {
		if (st->un[i].pid == pid)
			return &st->un[i];
		if (!st->un[i].pid && !free_slot)
			free_slot = &st->un[i];
	}
	if (create && free_slot)
		free_slot->pid = pid;
	return create ? free_slot : NULL;
}

static int parse_line(struct trace_reader *r, struct st_state *st, const char *line)
{
	const char *p = line, *e;
	uint64_t v, t = 0;
	uint32_t pid = 1;
	bool has_time = false;

	if (!strncmp(p, "[pid", 4)) {
		p = imp_skip_blanks(p + 4);
		if (!(e = imp_dec(p, &v)) || *e != ']')
			return trace_fail_line(r, st->lr.lineno, 1, "bad [pid N] prefix");
		pid = (uint32_t)v;
		p = imp_skip_blanks(e + 1);
	} else if ((e = imp_dec(p, &v)) && *e == ' ') {
		pid = (uint32_t)v;
		p = imp_skip_blanks(e);
	}
	if (*p >= '0' && *p <= '9') {
		if (!(e = parse_time(p, &t)))
			return trace_fail_line(r, st->lr.lineno, (unsigned)(p - line) + 1,
			                       "bad timestamp");
		if (!st->have_t0) {
			st->have_t0 = true;
			st->t0 = t;
		}
		t = t >= st->t0 ? t - st->t0 : 0;
		has_time = true;
		p = imp_skip_blanks(e);
	}
	if (!*p || !strncmp(p, "--- ", 4))
		return 0;
	if (!strncmp(p, "+++ ", 4)) {
		if (strstr(p, "exited with") || strstr(p, "killed by")) {
			struct trace_rec *rec = imp_push(&st->q);

			rec->op = TRACE_OP_EXIT;
			rec->pid = pid;
			if (has_time) {
				rec->time = t;
				rec->flags = TREC_TIME;
			}
		}
		return 0;
	}
	if (!strncmp(p, "<... ", 5)) {
		struct st_unfinished *u = unfinished_slot(st, pid, false);
		const char *rest = strstr(p, " resumed>");

		if (!rest)
			return trace_fail_line(r, st->lr.lineno, 1, "malformed resumed line");
		if (!u) { /* started before the trace: nothing to join */
			st->skipped++;
			return 0;
		}
		snprintf(st->joined, sizeof(st->joined), "%s%s", u->text, rest + 9);
		u->pid = 0;
		return handle_call(r, st, pid, t, has_time, st->joined);
	}
	e = strstr(p, " <unfinished ...>");
	if (e) {
		struct st_unfinished *u = unfinished_slot(st, pid, true);

		if (!u)
			return trace_fail_line(r, st->lr.lineno, 1, "too many unfinished calls");
		snprintf(u->text, sizeof(u->text), "%.*s", (int)(e - p), p);
		return 0;
	}
	if (!((*p >= 'a' && *p <= 'z') || *p == '_') || !strchr(p, '('))
		return trace_fail_line(r, st->lr.lineno, (unsigned)(p - line) + 1,
		                       "not a strace line: '%.40s'", p);
	return handle_call(r, st, pid, t, has_time, p);
}

static long strace_next(struct trace_reader *r, struct trace_rec *buf, size_t cap)
{
	struct st_state *st = r->priv;
	size_t n = imp_drain(&st->q, buf, cap), len;
	char *line, num[32];

	while (n < cap && (line = line_reader_next(&st->lr, &len))) {
		if (parse_line(r, st, line))
			return -1;
		n += imp_drain(&st->q, buf + n, cap - n);
	}
	if (!n) {
		snprintf(num, sizeof(num), "%llu", (unsigned long long)st->failed);
		trace_meta_set(&r->meta, "failed_calls", num);
		snprintf(num, sizeof(num), "%llu", (unsigned long long)st->skipped);
		trace_meta_set(&r->meta, "syscalls_skipped", num);
	}
	return (long)n;
}

const struct trace_format_ops strace_format = {
        .name = "strace",
        .description = "strace -f [-tt|-ttt] -e trace=memory output (mmap, munmap, brk, mprotect, "
                       "madvise)",
        .probe = strace_probe,
        .open = strace_open,
        .next = strace_next,
        .close = strace_close,
};
