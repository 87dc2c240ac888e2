// SPDX-License-Identifier: MIT
/*
 * test_trace_model.c - the record model of traces/trace.c: op names both
 * ways, the CSV argument text of every op (parse and format, defaults and
 * errors), metadata set/get/replace, and the format registry. Expected values
 * are the bit definitions of trace.h worked out by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "trace_testutil.h"

static void test_op_names(void **state)
{
	static const char *const names[NR_TRACE_OPS] = {
	        "R",     "W",       "X",     "mmap", "munmap", "mprotect",
	        "brk",   "madvise", "fork",  "exit", "exec",   "read",
	        "write", "fadvise", "alloc", "free", "mlock",  "munlock",
	};

	(void)state;
	for (unsigned op = 0; op < NR_TRACE_OPS; op++) {
		assert_string_equal(trace_op_name(op), names[op]);
		assert_int_equal(trace_op_parse(names[op], strlen(names[op])), (int)op);
	}
	assert_null(trace_op_name(NR_TRACE_OPS));
	assert_int_equal(trace_op_parse("r", 1), TRACE_OP_R);
	assert_int_equal(trace_op_parse("w", 1), TRACE_OP_W);
	assert_int_equal(trace_op_parse("x", 1), TRACE_OP_X);
	assert_int_equal(trace_op_parse("Q", 1), -1);
	assert_int_equal(trace_op_parse("mma", 3), -1);
	assert_int_equal(trace_op_parse("MMAP", 4), -1);
	assert_int_equal(trace_op_parse("mmapx", 5), -1);
	assert_int_equal(trace_op_parse("", 0), -1);
	/* Length-delimited: "readx" cut to 4 is "read". */
	assert_int_equal(trace_op_parse("readx", 4), TRACE_OP_READ);
	assert_true(trace_op_is_mem(TRACE_OP_X));
	assert_false(trace_op_is_mem(TRACE_OP_MMAP));
	assert_true(trace_op_is_file_io(TRACE_OP_WRITE));
	assert_false(trace_op_is_file_io(TRACE_OP_FADVISE));
}

/* Parse @text for @op (with or without a file); expect success and @arg/@has_arg. */
static void parse_ok(unsigned op, bool file, const char *text, uint64_t arg, bool has_arg)
{
	struct trace_rec r = tu_rec(0, 1, op, 0, 0, 0, 0xdead, file ? TREC_FILE : 0);
	char err[256] = "";

	if (trace_arg_parse(&r, text, err, sizeof(err)))
		fail_msg("%s '%s': %s", trace_op_name(op), text, err);
	assert_int_equal(!!(r.flags & TREC_ARG), has_arg);
	assert_int_equal(r.arg, arg);
	assert_int_equal(!!(r.flags & TREC_FILE), file);
}

static void parse_bad(unsigned op, const char *text, const char *want)
{
	struct trace_rec r = tu_rec(0, 1, op, 0, 0, 0, 0, 0);
	char err[256] = "";

	assert_int_equal(trace_arg_parse(&r, text, err, sizeof(err)), -1);
	assert_string_equal(err, want);
}

static void test_arg_parse(void **state)
{
	(void)state;
	/* R/X/munmap/...: no argument. */
	parse_ok(TRACE_OP_R, false, "", 0, false);
	parse_ok(TRACE_OP_X, false, "", 0, false);
	parse_ok(TRACE_OP_MUNMAP, false, "", 0, false);
	parse_ok(TRACE_OP_EXIT, false, "", 0, false);
	parse_bad(TRACE_OP_MUNMAP, "5", "munmap takes no argument (got '5')");
	parse_bad(TRACE_OP_R, "x", "R takes no argument (got 'x')");
	/* W: optional fingerprint, hex or decimal. */
	parse_ok(TRACE_OP_W, false, "", 0, false);
	parse_ok(TRACE_OP_W, false, "0x10", 16, true);
	parse_ok(TRACE_OP_W, false, "0xffffffffffffffff", UINT64_MAX, true);
	parse_ok(TRACE_OP_W, false, "0", 0, true);
	parse_bad(TRACE_OP_W, "zz", "bad W argument 'zz' (expected a number)");
	parse_bad(TRACE_OP_W, "0x1ffffffffffffffff",
	          "bad W argument '0x1ffffffffffffffff' (expected a number)");
	/* fork: child pid. */
	parse_ok(TRACE_OP_FORK, false, "7", 7, true);
	parse_bad(TRACE_OP_FORK, "-1", "bad fork argument '-1' (expected a number)");
	/* read/write: size=N. */
	parse_ok(TRACE_OP_READ, true, "size=65536", 65536, true);
	parse_ok(TRACE_OP_WRITE, true, "", 0, false);
	parse_bad(TRACE_OP_READ, "65536", "bad read argument '65536' (expected size=N)");
	parse_bad(TRACE_OP_WRITE, "size=", "bad write argument 'size=' (expected size=N)");
	/* mmap: ANON 0x20, SHARED 0x10, LOCKED 0x40, STACK 0x80, R 1, W 2, X 4. */
	parse_ok(TRACE_OP_MMAP, false, "", 0x20 | 0x3, true); /* anon|private|rw by default */
	parse_ok(TRACE_OP_MMAP, true, "", 0x3, true);         /* file-backed private rw */
	parse_ok(TRACE_OP_MMAP, true, "shared|r|x", 0x10 | 0x1 | 0x4, true);
	parse_ok(TRACE_OP_MMAP, false, "anon|shared|rwx|locked|stack",
	         0x20 | 0x10 | 0x7 | 0x40 | 0x80, true);
	parse_ok(TRACE_OP_MMAP, false, "private|none", 0x20, true);
	parse_ok(TRACE_OP_MMAP, true, "file|private|r", 0x1, true);
	parse_bad(TRACE_OP_MMAP, "bogus",
	          "bad mmap flag 'bogus' (expected anon, shared, private, locked, stack or r/w/x "
	          "letters)");
	parse_bad(TRACE_OP_MMAP, "private|shared",
	          "bad mmap flag 'shared' (expected anon, shared, private, locked, stack or r/w/x "
	          "letters)");
	parse_ok(TRACE_OP_MMAP, false, "r|w", 0x20 | 0x3,
	         true); /* DESIGN.md's "shared|r|x" style */
	parse_bad(TRACE_OP_MMAP, "rw|w",
	          "bad mmap flag 'w' (expected anon, shared, private, locked, stack or r/w/x "
	          "letters)");
	/* mprotect. */
	parse_ok(TRACE_OP_MPROTECT, false, "rw", 3, true);
	parse_ok(TRACE_OP_MPROTECT, false, "none", 0, true);
	parse_ok(TRACE_OP_MPROTECT, false, "xr", 5, true);
	parse_bad(TRACE_OP_MPROTECT, "",
	          "bad mprotect protection '' (expected r/w/x letters or none)");
	parse_bad(TRACE_OP_MPROTECT, "rwr",
	          "bad mprotect protection 'rwr' (expected r/w/x letters or none)");
	/* madvise / fadvise: the enum index. */
	parse_ok(TRACE_OP_MADVISE, false, "normal", 0, true);
	parse_ok(TRACE_OP_MADVISE, false, "dontneed", 4, true);
	parse_ok(TRACE_OP_MADVISE, false, "mergeable", 7, true);
	parse_ok(TRACE_OP_MADVISE, false, "unmergeable", 8, true);
	parse_ok(TRACE_OP_MADVISE, false, "nohugepage", 12, true);
	parse_bad(TRACE_OP_MADVISE, "", "unknown madvise advice ''");
	parse_bad(TRACE_OP_MADVISE, "merge", "unknown madvise advice 'merge'");
	parse_ok(TRACE_OP_FADVISE, true, "random", 1, true);
	parse_ok(TRACE_OP_FADVISE, true, "noreuse", 5, true);
	parse_bad(TRACE_OP_FADVISE, "cold", "unknown fadvise advice 'cold'");
	/* alloc/free: order | zone << 8; zones dma 0, dma32 1, normal 2, highmem 3, movable 4. */
	parse_ok(TRACE_OP_ALLOC, false, "", 0x200, true);
	parse_ok(TRACE_OP_ALLOC, false, "order=3|zone=dma", 3, true);
	parse_ok(TRACE_OP_FREE, false, "zone=movable|order=10", 0x40a, true);
	parse_ok(TRACE_OP_FREE, false, "order=1", 0x201, true);
	parse_bad(TRACE_OP_ALLOC, "order=11",
	          "bad alloc argument 'order=11' (expected "
	          "order=0..10|zone=dma|dma32|normal|highmem|movable)");
	parse_bad(TRACE_OP_FREE, "order=2|zone=high",
	          "bad free argument 'zone=high' (expected "
	          "order=0..10|zone=dma|dma32|normal|highmem|movable)");
}

static void format_is(struct trace_rec r, const char *want)
{
	char buf[128];

	assert_int_equal(trace_arg_format(&r, buf, sizeof(buf)), strlen(want));
	assert_string_equal(buf, want);
}

static void test_arg_format(void **state)
{
	const unsigned A = TREC_ARG;

	(void)state;
	format_is(tu_rec(0, 1, TRACE_OP_W, 0, 0, 0, 0xdeadbeef, A), "0xdeadbeef");
	format_is(tu_rec(0, 1, TRACE_OP_W, 0, 0, 0, 0xdeadbeef, 0), "");
	format_is(tu_rec(0, 1, TRACE_OP_MMAP, 0, 0, 0, 0x23, A), "anon|private|rw");
	format_is(tu_rec(0, 1, TRACE_OP_MMAP, 0, 0, 0, 0x15, A | TREC_FILE), "shared|rx");
	format_is(tu_rec(0, 1, TRACE_OP_MMAP, 0, 0, 0, 0xf0, A), "anon|shared|none|locked|stack");
	format_is(tu_rec(0, 1, TRACE_OP_MPROTECT, 0, 0, 0, 0, A), "none");
	format_is(tu_rec(0, 1, TRACE_OP_MPROTECT, 0, 0, 0, 7, A), "rwx");
	format_is(tu_rec(0, 1, TRACE_OP_MADVISE, 0, 0, 0, TRACE_MADV_PAGEOUT, A), "pageout");
	format_is(tu_rec(0, 1, TRACE_OP_FADVISE, 0, 0, 0, TRACE_FADV_DONTNEED, A), "dontneed");
	format_is(tu_rec(0, 1, TRACE_OP_FORK, 0, 0, 0, 42, A), "42");
	format_is(tu_rec(0, 1, TRACE_OP_READ, 0, 0, 0, 65536, A), "size=65536");
	format_is(tu_rec(0, 1, TRACE_OP_ALLOC, 0, 0, 0, 0x103, A), "order=3|zone=dma32");
	format_is(tu_rec(0, 1, TRACE_OP_FREE, 0, 0, 0, 0x200, A), "order=0|zone=normal");
	/* Out-of-range values print '?' (the CSV writer refuses them). */
	format_is(tu_rec(0, 1, TRACE_OP_MADVISE, 0, 0, 0, 99, A), "?");
	/* Truncation keeps a NUL. */
	{
		struct trace_rec r = tu_rec(0, 1, TRACE_OP_W, 0, 0, 0, 0xdeadbeef, A);
		char small[5];

		assert_int_equal(trace_arg_format(&r, small, sizeof(small)), 4);
		assert_string_equal(small, "0xde");
	}
}

/* Every op: format then parse gives back the same arg. */
static void test_arg_roundtrip(void **state)
{
	const struct trace_rec recs[] = {
	        tu_rec(0, 1, TRACE_OP_W, 0, 0, 0, UINT64_MAX, TREC_ARG),
	        tu_rec(0, 1, TRACE_OP_MMAP, 0, 0, 0, 0xf7, TREC_ARG),
	        tu_rec(0, 1, TRACE_OP_MMAP, 0, 0, 3, 0x05, TREC_ARG | TREC_FILE),
	        tu_rec(0, 1, TRACE_OP_MPROTECT, 0, 0, 0, 6, TREC_ARG),
	        tu_rec(0, 1, TRACE_OP_MADVISE, 0, 0, 0, TRACE_MADV_COLD, TREC_ARG),
	        tu_rec(0, 1, TRACE_OP_FADVISE, 0, 0, 3, TRACE_FADV_SEQUENTIAL,
	               TREC_ARG | TREC_FILE),
	        tu_rec(0, 1, TRACE_OP_FORK, 0, 0, 0, 4000000000u, TREC_ARG),
	        tu_rec(0, 1, TRACE_OP_WRITE, 0, 0, 3, 1, TREC_ARG | TREC_FILE),
	        tu_rec(0, 1, TRACE_OP_ALLOC, 0, 0, 0, 0x40a, TREC_ARG),
	        tu_rec(0, 1, TRACE_OP_MUNMAP, 0, 0, 0, 0, 0),
	};

	(void)state;
	for (size_t i = 0; i < sizeof(recs) / sizeof(recs[0]); i++) {
		struct trace_rec back = recs[i];
		char text[128], err[256];

		trace_arg_format(&recs[i], text, sizeof(text));
		back.arg = 12345;
		assert_int_equal(trace_arg_parse(&back, text, err, sizeof(err)), 0);
		assert_memory_equal(&back, &recs[i], sizeof(back));
	}
}

static void test_meta(void **state)
{
	struct trace_meta m, c;
	char buf[64];

	(void)state;
	trace_meta_init(&m);
	assert_int_equal(m.page_size, 4096);
	assert_true(m.nr_records == TRACE_NR_UNKNOWN);
	assert_false(trace_meta_get(&m, "source", buf, sizeof(buf)));
	trace_meta_set(&m, "source", "a.csv");
	trace_meta_set(&m, "src", "x");
	trace_meta_set(&m, "note", "two\nlines");
	assert_string_equal(m.kv, "source=a.csv\nsrc=x\nnote=two lines\n");
	trace_meta_set(&m, "source", "b.csv"); /* replace moves it last */
	assert_string_equal(m.kv, "src=x\nnote=two lines\nsource=b.csv\n");
	assert_true(trace_meta_get(&m, "src", buf, sizeof(buf)));
	assert_string_equal(buf, "x");
	assert_true(trace_meta_get(&m, "source", buf, sizeof(buf)));
	assert_string_equal(buf, "b.csv");
	assert_false(trace_meta_get(&m, "sourc", buf, sizeof(buf)));
	trace_meta_copy(&c, &m);
	assert_string_equal(c.kv, m.kv);
	trace_meta_free(&m);
	trace_meta_free(&c);
}

static void test_registry(void **state)
{
	(void)state;
	assert_true(trace_format_known("native", true));
	assert_true(trace_format_known("csv", true));
	assert_true(trace_format_known("csv", false));
	assert_false(trace_format_known("nosuch", false));
	assert_non_null(strstr(trace_format_names(), "native"));
	assert_non_null(strstr(trace_format_names(), "csv"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_op_names),   cmocka_unit_test(test_arg_parse),
	        cmocka_unit_test(test_arg_format), cmocka_unit_test(test_arg_roundtrip),
	        cmocka_unit_test(test_meta),       cmocka_unit_test(test_registry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
