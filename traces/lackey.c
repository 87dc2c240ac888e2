// SPDX-License-Identifier: MIT
/*
 * lackey.c - importer for valgrind's lackey tool output
 * (valgrind --tool=lackey --trace-mem=yes [--trace-syscalls=yes]).
 *
 *   "I  0401ab70,3"    instruction fetch of 3 bytes      -> X
 *   " L 1fff000708,8"  load                              -> R
 *   " S 1fff000700,8"  store                             -> W
 *   " M 1fff000700,8"  modify (load then store)          -> R, W
 *   "==15611== ..."    valgrind's own lines: skipped; the number is the pid
 *   "--15611-- ..."    valgrind warnings: skipped
 *   "SYSCALL[pid,tid](nr) sys_NAME ( args ) --> ... Success(0xRES)"
 *       with --trace-syscalls=yes: sys_mmap, sys_munmap, sys_brk,
 *       sys_mprotect and sys_madvise become those ops (mmap's address is the
 *       result); a call finishing "[async] ..." completes on a later
 *       "SYSCALL[pid,tid](nr) ... [async] --> Success(...)" line; failed calls
 *       and all other syscalls are skipped (counted in metadata).
 * A file-backed mmap names its file by descriptor: file id = fd (lackey does
 * not show which file an fd refers to). Anything else is an error naming the
 * line: keep the program's own output out of the trace (--log-file=FILE).
 * Records carry no time: lackey has no clock.
 */
#include "import_util.h"
#include "syscall_map.h"

#include "../sim/util.h"

#include <stdio.h>
#include <stdlib.h>

#define LK_PENDING 64 /* threads with an async syscall in flight */

/* An async syscall waiting for its result line. */
struct lk_pending {
	uint64_t tid;    /* thread id, 0 = free slot */
	int nr;          /* syscall number */
	char name[16];   /* sys_ name without the prefix */
	uint64_t arg[6]; /* arguments */
};

struct lk_state {
	struct line_reader lr;                 /* input lines */
	struct imp_queue q;                    /* records of the current line */
	uint32_t pid;                          /* from ==PID== lines, default 1 */
	uint64_t syscalls_skipped;             /* other or failed syscalls */
	struct lk_pending pending[LK_PENDING]; /* async calls in flight */
};

static int lackey_probe(const unsigned char *head, size_t n)
{
	const char *s = (const char *)head;
	size_t lines = 0, hits = 0;

	for (size_t i = 0; i < n && lines < 40;) {
		size_t e = i;

		while (e < n && head[e] != '\n')
			e++;
		if (e == n && n == TRACE_PROBE_BYTES)
			break; /* a cut line proves nothing */
		lines++;
		if ((e - i > 3 && (!strncmp(s + i, "I  ", 3) || !strncmp(s + i, " L ", 3) ||
		                   !strncmp(s + i, " S ", 3) || !strncmp(s + i, " M ", 3))) ||
		    (e - i > 2 && !strncmp(s + i, "==", 2)) ||
		    (e - i > 8 && !strncmp(s + i, "SYSCALL[", 8)) ||
		    (e - i > 5 && !strncmp(s + i, " --> ", 5)))
			hits++;
		i = e + 1;
	}
	if (!lines || hits < lines)
		return 0;
	return strstr(s, "Lackey") || hits > 3 ? 90 : 40;
}

static int lackey_open(struct trace_reader *r)
{
	struct lk_state *st = xcalloc(1, sizeof(*st));

	line_reader_init(&st->lr, r);
	st->pid = 1;
	r->priv = st;
	trace_meta_set(&r->meta, "source_format", "lackey");
	return 0;
}

static void lackey_close(struct trace_reader *r)
{
	struct lk_state *st = r->priv;

	if (!st)
		return;
	line_reader_free(&st->lr);
	free(st);
	r->priv = NULL;
}

/* Parse " ( a, b, c ) " into arg[]; returns the count or -1. */
static int parse_args(const char *p, uint64_t *arg, int max)
{
	int n = 0;

	p = imp_skip_blanks(p);
	if (*p != '(')
		return -1;
	p = imp_skip_blanks(p + 1);
	while (*p && *p != ')') {
		if (n == max)
			return n;
		p = imp_num(p, &arg[n]);
		if (!p)
			return -1;
		n++;
		if (*p == '(') { /* 0x4034bb0(/path) */
			const char *close = strchr(p, ')');

			if (!close)
				return -1;
			p = close + 1;
		}
		p = imp_skip_blanks(p);
		if (*p == ',')
			p = imp_skip_blanks(p + 1);
		else if (*p != ')')
			return -1;
	}
	return n;
}

/* Turn a successful memory syscall into a record. */
static void emit_syscall(struct lk_state *st, uint32_t pid, const char *name, const uint64_t *a,
                         uint64_t result)
{
	struct trace_rec *rec;

	if (!strcmp(name, "mmap")) {
		rec = imp_push(&st->q);
		rec->op = TRACE_OP_MMAP;
		rec->addr = result;
		rec->len = a[1];
		rec->arg = lx_prot_bits(a[2]) | lx_map_bits(a[3]);
		rec->flags = TREC_ARG;
		if (!(a[3] & LX_MAP_ANONYMOUS) && (uint32_t)a[4] != UINT32_MAX) {
			rec->file = (uint32_t)a[4];
			rec->flags |= TREC_FILE;
		} else {
			rec->arg |= TRACE_MAP_ANON;
		}
	} else if (!strcmp(name, "munmap")) {
		rec = imp_push(&st->q);
		rec->op = TRACE_OP_MUNMAP;
		rec->addr = a[0];
		rec->len = a[1];
	} else if (!strcmp(name, "brk")) {
		rec = imp_push(&st->q);
		rec->op = TRACE_OP_BRK;
		rec->addr = result;
	} else if (!strcmp(name, "mprotect")) {
		rec = imp_push(&st->q);
		rec->op = TRACE_OP_MPROTECT;
		rec->addr = a[0];
		rec->len = a[1];
		rec->arg = lx_prot_bits(a[2]);
		rec->flags = TREC_ARG;
	} else if (!strcmp(name, "madvise") && lx_madvise(a[2]) >= 0) {
		rec = imp_push(&st->q);
		rec->op = TRACE_OP_MADVISE;
		rec->addr = a[0];
		rec->len = a[1];
		rec->arg = (uint64_t)lx_madvise(a[2]);
		rec->flags = TREC_ARG;
	} else {
		st->syscalls_skipped++;
		return;
	}
	rec->pid = pid;
}

static bool is_memory_syscall(const char *name)
{
	return !strcmp(name, "mmap") || !strcmp(name, "munmap") || !strcmp(name, "brk") ||
	       !strcmp(name, "mprotect") || !strcmp(name, "madvise");
}

/* "--> [pre-success] Success(0x4835000)" / "[sync] --> Failure(0x2)" */
static int parse_result(const char *p, uint64_t *res)
{
	const char *arrow = strstr(p, "-->");

	if (!arrow)
		return -1;
	p = strstr(arrow, "Success(");
	if (p)
		return imp_hex(p + 8, res) ? 1 : -1;
	if (strstr(arrow, "Failure("))
		return 0;
	if (strstr(arrow, "[async] ..."))
		return 2;
	return -1;
}

static int parse_syscall(struct trace_reader *r, struct lk_state *st, const char *line)
{
	uint64_t pid, tid, nr, res, a[6] = {0};
	const char *p = line + 8;
	char name[16];
	int k;

	if (!(p = imp_dec(p, &pid)) || *p++ != ',' || !(p = imp_dec(p, &tid)) || *p++ != ']' ||
	    *p++ != '(' || !(p = imp_dec(p, &nr)) || *p++ != ')')
		return trace_fail_line(r, st->lr.lineno, 1, "malformed SYSCALL line");
	p = imp_skip_blanks(p);
	if (!strncmp(p, "...", 3)) { /* completion of an async call */
		k = parse_result(p, &res);
		for (int i = 0; i < LK_PENDING; i++) {
			struct lk_pending *pd = &st->pending[i];

			if (pd->tid == tid && pd->nr == (int)nr) {
				if (k == 1)
					emit_syscall(st, (uint32_t)pid, pd->name, pd->arg, res);
				else
					st->syscalls_skipped++;
				pd->tid = 0;
				return 0;
			}
		}
		st->syscalls_skipped++;
		return 0;
	}
	if (!strncmp(p, "sys_", 4)) /* a few wrappers (arch_prctl, exit_group) lack the prefix */
		p += 4;
	size_t nl = strcspn(p, " (");
	snprintf(name, sizeof(name), "%.*s", (int)(nl < 15 ? nl : 15), p);
	if (!is_memory_syscall(name)) {
		st->syscalls_skipped++;
		return 0;
	}
	if (parse_args(p + nl, a, 6) < 0)
		return trace_fail_line(r, st->lr.lineno, (unsigned)(p + nl - line) + 1,
		                       "malformed arguments of sys_%s", name);
	k = parse_result(p, &res);
	if (k < 0)
		return trace_fail_line(r, st->lr.lineno, 1, "SYSCALL line without a result");
	if (k == 1)
		emit_syscall(st, (uint32_t)pid, name, a, res);
	else if (k == 0)
		st->syscalls_skipped++;
	else {
		for (int i = 0; i < LK_PENDING; i++)
			if (!st->pending[i].tid) {
				st->pending[i].tid = tid ? tid : 1;
				st->pending[i].nr = (int)nr;
				memcpy(st->pending[i].name, name, sizeof(name));
				memcpy(st->pending[i].arg, a, sizeof(a));
				return 0;
			}
		st->syscalls_skipped++;
	}
	return 0;
}

static int parse_line(struct trace_reader *r, struct lk_state *st, const char *line, size_t len)
{
	const char *p;
	uint64_t addr, size;
	char kind;

	if (len >= 3 && (line[0] == ' ' || line[0] == 'I') && line[2] == ' ' &&
	    (line[0] == 'I' ? line[1] == ' '
	                    : (line[1] == 'L' || line[1] == 'S' || line[1] == 'M'))) {
		kind = line[0] == 'I' ? 'I' : line[1];
		p = imp_skip_blanks(line + 2);
		if (!(p = imp_hex(p, &addr)) || *p != ',')
			return trace_fail_line(r, st->lr.lineno, (unsigned)(p ? p - line : 3) + 1,
			                       "expected ADDRESS,SIZE");
		if (!(p = imp_dec(p + 1, &size)) || *imp_skip_blanks(p))
			return trace_fail_line(r, st->lr.lineno, 1, "bad size in '%.40s'", line);
		struct trace_rec *rec = imp_push(&st->q);

		rec->pid = st->pid;
		rec->addr = addr;
		rec->len = size;
		rec->op = kind == 'I' ? TRACE_OP_X : kind == 'S' ? TRACE_OP_W : TRACE_OP_R;
		if (kind == 'M') {
			struct trace_rec *w = imp_push(&st->q);

			*w = *rec;
			w->op = TRACE_OP_W;
		}
		return 0;
	}
	if (len >= 4 && (!strncmp(line, "==", 2) || !strncmp(line, "--", 2))) {
		uint64_t pid;

		p = imp_dec(line + 2, &pid);
		if (p && p[0] == line[0] && p[1] == line[0]) {
			if (line[0] == '=' && pid && pid <= UINT32_MAX)
				st->pid = (uint32_t)pid;
			return 0;
		}
	}
	if (len > 8 && !strncmp(line, "SYSCALL[", 8))
		return parse_syscall(r, st, line);
	if (!len || !strncmp(line, " --> ", 5)) /* result of an unimplemented syscall */
		return 0;
	return trace_fail_line(r, st->lr.lineno, 1, "not a lackey line: '%.40s'", line);
}

static long lackey_next(struct trace_reader *r, struct trace_rec *buf, size_t cap)
{
	struct lk_state *st = r->priv;
	size_t n = imp_drain(&st->q, buf, cap);
	char *line, num[32];
	size_t len;

	while (n < cap && (line = line_reader_next(&st->lr, &len))) {
		if (parse_line(r, st, line, len))
			return -1;
		n += imp_drain(&st->q, buf + n, cap - n);
	}
	if (!n) {
		snprintf(num, sizeof(num), "%llu", (unsigned long long)st->syscalls_skipped);
		trace_meta_set(&r->meta, "syscalls_skipped", num);
	}
	return (long)n;
}

const struct trace_format_ops lackey_format = {
        .name = "lackey",
        .description = "valgrind --tool=lackey --trace-mem=yes [--trace-syscalls=yes] output",
        .probe = lackey_probe,
        .open = lackey_open,
        .next = lackey_next,
        .close = lackey_close,
};
