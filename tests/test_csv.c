// SPDX-License-Identifier: MIT
/*
 * test_csv.c - the CSV trace format: hand-written files read into the records
 * they mean (comments, blank lines, CRLF, BOM, quotes, defaults), every error
 * with its exact FILE:LINE:COL (columns counted by hand), the canonical text
 * the writer produces, metadata comments, and writer -> reader round trips.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "trace_testutil.h"

#define HEADER "time,pid,op,addr,len,file,arg\n"

struct fixture {
	char *dir;  /* scratch directory */
	char *path; /* dir/t.csv */
};

static int setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof(*fx));

	fx->dir = tu_tmpdir();
	if (!fx->dir)
		return -1;
	fx->path = tu_path(fx->dir, "t.csv");
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

/* Write @text as fx->path and read it (format detected); expect @n records equal to @want. */
static void read_expect(struct fixture *fx, const char *text, const struct trace_rec *want,
                        size_t n)
{
	struct trace_rec *back;
	char err[600];
	long got;

	tu_write_bytes(fx->path, text, strlen(text));
	got = tu_read_trace(fx->path, NULL, 2, &back, NULL, err, sizeof(err));
	if (got < 0)
		fail_msg("unexpected error: %s", err);
	assert_int_equal(got, (long)n);
	for (size_t i = 0; i < n; i++)
		if (memcmp(&back[i], &want[i], sizeof(want[i])))
			fail_msg("record %zu differs: op %u addr 0x%llx len %llu flags %u arg "
			         "0x%llx",
			         i, back[i].op, (unsigned long long)back[i].addr,
			         (unsigned long long)back[i].len, back[i].flags,
			         (unsigned long long)back[i].arg);
	free(back);
}

/* Write @text and expect the error "PATH:@where". */
static void read_error(struct fixture *fx, const char *text, const char *where)
{
	struct trace_rec *back;
	char err[600], want[800];
	long got;

	tu_write_bytes(fx->path, text, strlen(text));
	got = tu_read_trace(fx->path, "csv", 4096, &back, NULL, err, sizeof(err));
	free(back);
	assert_int_equal(got, -1);
	snprintf(want, sizeof(want), "%s:%s", fx->path, where);
	assert_string_equal(err, want);
}

static void test_read_basic(void **state)
{
	const struct trace_rec want[] = {
	        tu_rec(0, 1, TRACE_OP_R, 0x1000, 1, 0, 0, 0),
	        tu_rec(5, 2, TRACE_OP_W, 4096, 8, 0, 0xff, TREC_TIME | TREC_ARG),
	        tu_rec(6, 2, TRACE_OP_X, 0x400000, 4, 0, 0, TREC_TIME),
	        tu_rec(0, 2, TRACE_OP_MADVISE, 0x1000, 8192, 0, TRACE_MADV_DONTNEED, TREC_ARG),
	};

	read_expect(*state,
	            "# a comment before the header\n" HEADER ",1,R,0x1000,,,\n"
	            "# a comment between rows\n"
	            "5,2,W,4096,8,,0xff\n"
	            "\n"
	            "6,2,x,0x400000,4,,\n"
	            ",2,madvise,4096,0x2000,,dontneed",
	            want, 4);
}

static void test_read_defaults(void **state)
{
	const unsigned F = TREC_FILE, A = TREC_ARG;
	const struct trace_rec want[] = {
	        tu_rec(0, 1, TRACE_OP_READ, 0, 4096, 3, 0, F),     /* empty len: one page */
	        tu_rec(0, 1, TRACE_OP_WRITE, 8192, 4096, 3, 0, F), /* idem */
	        tu_rec(0, 1, TRACE_OP_FADVISE, 0, 4096, 3, TRACE_FADV_WILLNEED, F | A),
	        tu_rec(0, 1, TRACE_OP_FADVISE, 0, 0, 3, TRACE_FADV_DONTNEED,
	               F | A),                                    /* 0 = to EOF */
	        tu_rec(0, 1, TRACE_OP_BRK, 0x602000, 0, 0, 0, 0), /* no length */
	        tu_rec(0, 1, TRACE_OP_FORK, 0, 0, 0, 2, A),       /* no address */
	        tu_rec(0, 2, TRACE_OP_EXIT, 0, 0, 0, 0, 0),
	        tu_rec(0, 0, TRACE_OP_ALLOC, 0, 0, 0, 0x200, A),        /* order 0, zone normal */
	        tu_rec(0, 1, TRACE_OP_MMAP, 0x10000, 4096, 0, 0x23, A), /* anon|private|rw */
	        tu_rec(0, 1, TRACE_OP_MMAP, 0x20000, 4096, 3, 0x03, F | A), /* file: private|rw */
	        tu_rec(0, 1, TRACE_OP_W, 0x10, 1, 0, 0, 0), /* W without fingerprint */
	};

	read_expect(*state,
	            HEADER ",1,read,0,,3,\n"
	                   ",1,write,8192,,3,\n"
	                   ",1,fadvise,0,,3,willneed\n"
	                   ",1,fadvise,0,0,3,dontneed\n"
	                   ",1,brk,0x602000,,,\n"
	                   ",1,fork,,,,2\n"
	                   ",2,exit,,,,\n"
	                   ",0,alloc,,,,\n"
	                   ",1,mmap,0x10000,4096,,\n"
	                   ",1,mmap,0x20000,4096,3,\n"
	                   ",1,W,16,,,\n",
	            want, sizeof(want) / sizeof(want[0]));
}

/* CRLF line ends, a UTF-8 BOM, quoted fields, blanks around fields. */
static void test_read_crlf_bom_quotes(void **state)
{
	const struct trace_rec want[] = {
	        tu_rec(1, 2, TRACE_OP_R, 0x10, 1, 0, 0, TREC_TIME),
	        tu_rec(0, 3, TRACE_OP_MMAP, 0x2000, 4096, 0, 0x20 | 0x10 | 0x1, TREC_ARG),
	        tu_rec(0, 3, TRACE_OP_MPROTECT, 0x2000, 4096, 0, 0, TREC_ARG),
	};

	read_expect(*state,
	            "\xEF\xBB\xBF\"time\",pid,op,addr,len,file,ARG\r\n"
	            "\r\n"
	            " 1 , 2 ,\"R\",\"0x10\",,,\r\n"
	            "# c\r\n"
	            ",3,mmap,0x2000,4096,,\"anon|shared|r\"\r\n"
	            ",3,mprotect,0x2000,4096,,none",
	            want, 3);
}

/* Columns are 1-based byte positions, counted by hand under each line. */
static void test_errors_with_line_and_column(void **state)
{
	struct fixture *fx = *state;
	const char *tail = " (a row has 7 columns: time,pid,op,addr,len,file,arg)";
	char want[300];

	/* ",1,R,0x10,8," is 12 bytes: the missing arg is reported at column 13. */
	snprintf(want, sizeof(want), "2:13: missing column 'arg'%s", tail);
	read_error(fx, HEADER ",1,R,0x10,8,\n", want);
	/* ",1,R,0,,,,x": the eighth field starts at column 11. */
	snprintf(want, sizeof(want), "2:11: extra column%s", tail);
	read_error(fx, HEADER ",1,R,0,,,,x\n", want);
	/* Line 3 after a comment; addr starts after ",1,R," (5 bytes). */
	read_error(fx, HEADER "# x\n,1,R,0xZZ,8,,\n", "3:6: addr: bad number '0xZZ'");
	read_error(fx, HEADER ",1,Q,0x10,,,\n", "2:4: op: unknown op 'Q'");
	/* ",1,madvise,0x1000,4096,," is 24 bytes: arg at 25. */
	read_error(fx, HEADER ",1,madvise,0x1000,4096,,merge\n",
	           "2:25: arg: unknown madvise advice 'merge'");
	read_error(fx, HEADER ",4294967296,R,0,,,\n",
	           "2:2: pid: 4294967296 is too large (at most 4294967295)");
	read_error(fx, HEADER ",,R,0,,,\n", "2:2: pid: missing process id");
	read_error(fx, HEADER "abc,1,R,0,,,\n", "2:1: time: bad number 'abc'");
	read_error(fx, HEADER ",1,R,,,,\n", "2:6: addr: R needs an address");
	/* ",1,mmap,0x1000," is 15 bytes. */
	read_error(fx, HEADER ",1,mmap,0x1000,,,\n", "2:16: len: mmap needs a length");
	/* ",1,read,0,4096," is 15 bytes. */
	read_error(fx, HEADER ",1,read,0,4096,,\n", "2:16: file: read needs a file id");
	read_error(fx, HEADER ",1,read,0,4096,4294967296,\n",
	           "2:16: file: 4294967296 is too large (at most 4294967295)");
	/* Blanks before a field are skipped for the column: "  zz" -> column 8. */
	read_error(fx, HEADER ",1,R,  zz,,,\n", "2:8: addr: bad number 'zz'");
	/* Quotes: a stray one at byte 5; an unterminated one reported at the line end. */
	read_error(fx, HEADER ",1,R\"x,0,,,\n",
	           "2:5: malformed CSV (stray quote?): error parsing data while strict checking "
	           "enabled");
	read_error(fx, HEADER ",1,\"R,0,,,\n", "2:11: malformed CSV: unterminated quoted field");
	/* CRLF does not shift columns; line numbers count comments and blanks. */
	read_error(fx, "# c\r\n\r\n" HEADER ",1,W,0x10,,,0xq\r\n",
	           "4:13: arg: bad W argument '0xq' (expected a number)");
}

static void test_header_errors(void **state)
{
	struct fixture *fx = *state;

	read_error(fx, "", "1: missing the header line 'time,pid,op,addr,len,file,arg'");
	read_error(fx, "# only\n# comments\n",
	           "3: missing the header line 'time,pid,op,addr,len,file,arg'");
	read_error(fx, "1,2,R,0,,,\n",
	           "1:1: expected the header line 'time,pid,op,addr,len,file,arg', found column "
	           "'1' where 'time' belongs");
	read_error(fx, "time,pid,op,address,len,file,arg\n",
	           "1:13: expected the header line 'time,pid,op,addr,len,file,arg', found column "
	           "'address' where 'addr' belongs");
	read_error(
	        fx, "time,pid,op\n",
	        "1:12: missing column 'addr' (a row has 7 columns: time,pid,op,addr,len,file,arg) "
	        "in the header line (expected time,pid,op,addr,len,file,arg)");
}

/* The writer's exact text, worked out by hand from the canonical rules. */
static void test_write_canonical_text(void **state)
{
	struct fixture *fx = *state;
	const unsigned T = TREC_TIME, F = TREC_FILE, A = TREC_ARG;
	const struct trace_rec recs[] = {
	        tu_rec(0, 1, TRACE_OP_R, 0x1000, 1, 0, 0, 0),
	        tu_rec(7, 2, TRACE_OP_W, 0x2000, 8, 0, 0xab, T | A),
	        tu_rec(9, 3, TRACE_OP_READ, 8192, 4096, 5, 0, T | F),
	        tu_rec(10, 3, TRACE_OP_FADVISE, 0, 0, 5, TRACE_FADV_RANDOM, T | F | A),
	        tu_rec(0, 3, TRACE_OP_FORK, 0, 0, 0, 4, A),
	        tu_rec(0, 4, TRACE_OP_EXIT, 0, 0, 0, 0, 0),
	        tu_rec(0, 0, TRACE_OP_ALLOC, 0, 0, 0, 0x202, A),
	        tu_rec(0, 3, TRACE_OP_MMAP, 0x7f0000000000ull, 8192, 5, 0x11, F | A),
	        tu_rec(0, 3, TRACE_OP_BRK, 0x603000, 0, 0, 0, 0),
	};
	const char *want = "# meta page_size=8192\n"
	                   "# meta source=unit,test\n"
	                   "# meta k=v\n" HEADER ",1,R,0x1000,1,,\n"
	                   "7,2,W,0x2000,8,,0xab\n"
	                   "9,3,read,8192,4096,5,\n"
	                   "10,3,fadvise,0,0,5,random\n"
	                   ",3,fork,,,,4\n"
	                   ",4,exit,,,,\n"
	                   ",0,alloc,,,,order=2|zone=normal\n"
	                   ",3,mmap,0x7f0000000000,8192,5,shared|r\n"
	                   ",3,brk,0x603000,,,\n";
	struct trace_meta meta, back_meta;
	struct trace_rec *back;
	unsigned char *text;
	char err[600], val[64];
	size_t len, n = sizeof(recs) / sizeof(recs[0]);

	trace_meta_init(&meta);
	meta.page_size = 8192;
	trace_meta_set(&meta, "source", "unit,test");
	trace_meta_set(&meta, "k", "v");
	assert_int_equal(tu_write_trace(fx->path, NULL, &meta, recs, n), 0);
	text = tu_read_bytes(fx->path, &len);
	assert_string_equal((char *)text, want);
	free(text);

	/* And it reads back: records, page size and metadata. */
	assert_int_equal(tu_read_trace(fx->path, NULL, 3, &back, &back_meta, err, sizeof(err)),
	                 (long)n);
	assert_memory_equal(back, recs, sizeof(recs));
	assert_int_equal(back_meta.page_size, 8192);
	assert_true(trace_meta_get(&back_meta, "source", val, sizeof(val)));
	assert_string_equal(val, "unit,test");
	assert_true(trace_meta_get(&back_meta, "k", val, sizeof(val)));
	assert_string_equal(val, "v");
	free(back);
	trace_meta_free(&meta);
	trace_meta_free(&back_meta);
}

/* Random valid records of every op: CSV write -> read is exact. */
static void test_roundtrip_random(void **state)
{
	struct fixture *fx = *state;
	const size_t n = 20000;
	struct trace_rec *recs = xcalloc(n, sizeof(*recs)), *back;
	struct rng rng;
	char err[600];

	rng_seed(&rng, 9);
	for (size_t i = 0; i < n; i++) {
		unsigned op = (unsigned)rng_below(&rng, NR_TRACE_OPS);
		struct trace_rec *r = &recs[i];

		*r = tu_rec(0, (uint32_t)rng_next(&rng), op, rng_next(&rng), rng_next(&rng) >> 3, 0,
		            0, 0);
		if (rng_below(&rng, 2)) {
			r->time = rng_next(&rng);
			r->flags |= TREC_TIME;
		}
		if (op == TRACE_OP_READ || op == TRACE_OP_WRITE || op == TRACE_OP_FADVISE ||
		    (op == TRACE_OP_MMAP && rng_below(&rng, 2))) {
			r->file = (uint32_t)rng_next(&rng);
			r->flags |= TREC_FILE;
		}
		switch (op) {
		case TRACE_OP_W:
		case TRACE_OP_FORK:
		case TRACE_OP_READ:
		case TRACE_OP_WRITE:
			if (rng_below(&rng, 2)) {
				r->arg = rng_next(&rng);
				r->flags |= TREC_ARG;
			}
			break;
		case TRACE_OP_MMAP:
			r->arg = rng_below(&rng, 256) & 0xf7;
			if (!(r->flags & TREC_FILE))
				r->arg |= TRACE_MAP_ANON;
			r->flags |= TREC_ARG;
			break;
		case TRACE_OP_MPROTECT:
			r->arg = rng_below(&rng, 8);
			r->flags |= TREC_ARG;
			break;
		case TRACE_OP_MADVISE:
			r->arg = rng_below(&rng, NR_TRACE_MADV);
			r->flags |= TREC_ARG;
			break;
		case TRACE_OP_FADVISE:
			r->arg = rng_below(&rng, NR_TRACE_FADV);
			r->flags |= TREC_ARG;
			break;
		case TRACE_OP_ALLOC:
		case TRACE_OP_FREE:
			r->arg = trace_alloc_arg((unsigned)rng_below(&rng, TRACE_MAX_ORDER + 1),
			                         (enum trace_zone)rng_below(&rng, NR_TRACE_ZONES));
			r->flags |= TREC_ARG;
			break;
		default:
			break;
		}
	}
	assert_int_equal(tu_write_trace(fx->path, NULL, NULL, recs, n), 0);
	assert_int_equal(tu_read_trace(fx->path, NULL, 4096, &back, NULL, err, sizeof(err)),
	                 (long)n);
	for (size_t i = 0; i < n; i++)
		if (memcmp(&back[i], &recs[i], sizeof(recs[i])))
			fail_msg("record %zu (op %s) differs", i, trace_op_name(recs[i].op));
	free(back);
	free(recs);
}

static void test_writer_refuses_unrepresentable(void **state)
{
	struct fixture *fx = *state;
	struct trace_rec mmap_no_arg = tu_rec(0, 1, TRACE_OP_MMAP, 0x1000, 4096, 0, 0, 0);
	struct trace_rec bad_advice = tu_rec(0, 1, TRACE_OP_MADVISE, 0, 4096, 0, 99, TREC_ARG);
	struct trace_rec read_no_file = tu_rec(0, 1, TRACE_OP_READ, 0, 4096, 0, 0, 0);
	struct trace_rec good = tu_rec(0, 1, TRACE_OP_R, 0, 1, 0, 0, 0);
	struct trace_writer *w;
	char err[600], want[600];

	assert_int_equal(trace_writer_open(&w, fx->path, NULL, NULL, err, sizeof(err)), 0);
	assert_int_equal(trace_write(w, &good, 1), 0);
	assert_int_equal(trace_write(w, &mmap_no_arg, 1), -1);
	snprintf(want, sizeof(want),
	         "%s: record 2: the mmap argument (absent) 0x0 cannot be written as CSV", fx->path);
	assert_string_equal(trace_writer_error(w), want);
	trace_writer_abort(w);
	assert_int_equal(access(fx->path, F_OK), -1); /* nothing left behind */

	assert_int_equal(trace_writer_open(&w, fx->path, "csv", NULL, err, sizeof(err)), 0);
	assert_int_equal(trace_write(w, &bad_advice, 1), -1);
	snprintf(want, sizeof(want),
	         "%s: record 1: the madvise argument 0x63 cannot be written as CSV", fx->path);
	assert_string_equal(trace_writer_error(w), want);
	trace_writer_abort(w);

	assert_int_equal(trace_writer_open(&w, fx->path, "csv", NULL, err, sizeof(err)), 0);
	assert_int_equal(trace_write(w, &read_no_file, 1), -1);
	snprintf(want, sizeof(want),
	         "%s: record 1: read without a file id cannot be written as CSV", fx->path);
	assert_string_equal(trace_writer_error(w), want);
	trace_writer_abort(w);
}

/* Detection: comments and a BOM before the header still say CSV; other text does not. */
static void test_probe(void **state)
{
	struct fixture *fx = *state;
	struct trace_rec *back;
	char err[600], want[600];

	tu_write_bytes(fx->path, "# x\n\n" HEADER, strlen("# x\n\n" HEADER));
	assert_int_equal(tu_read_trace(fx->path, NULL, 1, &back, NULL, err, sizeof(err)), 0);
	free(back);
	tu_write_bytes(fx->path, "time,pid,op\n", 12);
	assert_int_equal(tu_read_trace(fx->path, NULL, 1, &back, NULL, err, sizeof(err)), -1);
	free(back);
	snprintf(want, sizeof(want), "%s: cannot tell the trace format", fx->path);
	assert_memory_equal(err, want, strlen(want));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_read_basic, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_read_defaults, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_read_crlf_bom_quotes, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_errors_with_line_and_column, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_header_errors, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_write_canonical_text, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_roundtrip_random, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_writer_refuses_unrepresentable, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_probe, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
