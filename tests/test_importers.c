// SPDX-License-Identifier: MIT
/*
 * test_importers.c - every importer on small inputs written here, with the
 * records, skip counts and error lines worked out by hand, plus detection.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trace.h"

static char path[64];

static void put_file(const void *data, size_t n)
{
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/mmsim-imp-%d", (int)getpid());
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
}

/* Read the whole file with @format (NULL = detect); returns the count, records in *out. */
static long read_all(const char *format, const char *options, struct trace_rec *out, size_t cap,
                     char *err, size_t errlen, char *detected, const char *meta_key, char *meta_val)
{
	struct trace_open_opts o = {.format = format, .options = options};
	struct trace_reader *r;
	long n, total = 0;

	err[0] = 0;
	if (trace_open(&r, path, &o, err, errlen))
		return -2;
	if (detected)
		strcpy(detected, trace_reader_format(r));
	while ((n = trace_read(r, out + total, cap - (size_t)total)) > 0)
		total += n;
	if (n < 0) {
		snprintf(err, errlen, "%s", trace_error(r));
		total = -1;
	}
	if (meta_key && !trace_meta_get(trace_reader_meta(r), meta_key, meta_val, 64))
		strcpy(meta_val, "?");
	trace_close(r);
	return total;
}

static void expect_error(const char *format, const char *text, const char *want_suffix)
{
	struct trace_rec recs[16];
	char err[512], want[600];

	put_file(text, strlen(text));
	assert_int_equal(read_all(format, NULL, recs, 16, err, sizeof(err), NULL, NULL, NULL), -1);
	snprintf(want, sizeof(want), "%s:%s", path, want_suffix);
	if (strncmp(err, want, strlen(want)))
		fail_msg("got '%s', want prefix '%s'", err, want);
}

static void test_lackey(void **state)
{
	const char *text =
	        "==4242== Lackey, an example Valgrind tool\n"
	        "==4242== \n"
	        "I  0401ab70,3\n"
	        " L 1fff000708,8\n"
	        " M 0402a000,4\n"
	        " S 1fff000700,8\n"
	        "SYSCALL[4242,1](9) sys_mmap ( 0x0, 8192, 3, 34, 4294967295, 0 ) --> [pre-success] "
	        "Success(0x4835000) \n"
	        "SYSCALL[4242,1](9) sys_mmap ( 0x0, 16400, 5, 2050, 3, 0 ) --> [async] ... \n"
	        "SYSCALL[4242,1](0) sys_read ( 3, 0x1ffeffedb8, 832 ) --> [async] ... \n"
	        "SYSCALL[4242,1](9) ... [async] --> Success(0x4837000) \n"
	        "SYSCALL[4242,1](11) sys_munmap ( 0x4835000, 4096 )[sync] --> Success(0x0) \n"
	        "SYSCALL[4242,1](12) sys_brk ( 0x0 ) --> [pre-success] Success(0x4035000) \n"
	        "SYSCALL[4242,1](28) sys_madvise ( 0x4837000, 4096, 12 )[sync] --> Success(0x0) \n"
	        "SYSCALL[4242,1](10) sys_mprotect ( 0x4837000, 4096, 1 )[sync] --> Failure(0xc) \n"
	        "SYSCALL[4242,1](334) unimplemented (by the kernel) syscall: 334! (ni_syscall)\n"
	        " --> [pre-fail] Failure(0x26) \n";
	struct trace_rec r[32];
	char err[512], fmt[32], meta[64];

	(void)state;
	put_file(text, strlen(text));
	/* X, R, R+W (modify), W, mmap anon, mmap file (async), munmap, brk, madvise = 10 */
	assert_int_equal(
	        read_all(NULL, NULL, r, 32, err, sizeof(err), fmt, "syscalls_skipped", meta), 10);
	assert_string_equal(fmt, "lackey");
	assert_int_equal(r[0].op, TRACE_OP_X);
	assert_int_equal(r[0].addr, 0x0401ab70);
	assert_int_equal(r[0].len, 3);
	assert_int_equal(r[0].pid, 4242);
	assert_int_equal(r[1].op, TRACE_OP_R);
	assert_int_equal(r[2].op, TRACE_OP_R);
	assert_int_equal(r[3].op, TRACE_OP_W);
	assert_int_equal(r[3].addr, 0x0402a000);
	assert_int_equal(r[4].op, TRACE_OP_W);
	assert_int_equal(r[5].op, TRACE_OP_MMAP);
	assert_int_equal(r[5].addr, 0x4835000);
	assert_int_equal(r[5].len, 8192);
	assert_int_equal(r[5].arg, TRACE_MAP_ANON | TRACE_PROT_R | TRACE_PROT_W);
	assert_false(r[5].flags & TREC_FILE);
	assert_int_equal(r[6].op, TRACE_OP_MMAP);
	assert_int_equal(r[6].addr, 0x4837000);
	assert_true(r[6].flags & TREC_FILE);
	assert_int_equal(r[6].file, 3);
	assert_int_equal(r[6].arg, TRACE_PROT_R | TRACE_PROT_X);
	assert_int_equal(r[7].op, TRACE_OP_MUNMAP);
	assert_int_equal(r[8].op, TRACE_OP_BRK);
	assert_int_equal(r[8].addr, 0x4035000);
	assert_int_equal(r[9].op, TRACE_OP_MADVISE);
	assert_int_equal(r[9].arg, TRACE_MADV_MERGEABLE);
	/* skipped: sys_read (not a memory call), the failed mprotect, the unimplemented 334. */
	assert_string_equal(meta, "3");

	expect_error("lackey", "I  0401ab70,3\nhello world\n", "2:1: not a lackey line");
	expect_error("lackey", " L 1fff000708\n", "1:");
}

static void test_strace(void **state)
{
	const char *text =
	        "100 12:00:00.000100 brk(NULL)               = 0x5000\n"
	        "100 12:00:00.000300 mmap(NULL, 8192, PROT_READ|PROT_WRITE, "
	        "MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000\n"
	        "101 12:00:00.000400 mmap(NULL, 4096, PROT_READ, MAP_SHARED, 3, 0 <unfinished "
	        "...>\n"
	        "100 12:00:00.000500 munmap(0x7f0000000000, 4096) = 0\n"
	        "101 12:00:00.000600 <... mmap resumed>) = 0x7f1000000000\n"
	        "100 12:00:00.000700 mmap(NULL, 1099511627776, PROT_READ, "
	        "MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = -1 ENOMEM (Cannot allocate memory)\n"
	        "100 12:00:00.000800 madvise(0x7f0000000000, 4096, MADV_DONTNEED) = 0\n"
	        "100 12:00:00.000900 mprotect(0x7f0000001000, 4096, PROT_NONE) = 0\n"
	        "100 12:00:00.001000 --- SIGCHLD {si_signo=SIGCHLD} ---\n"
	        "101 12:00:00.001100 +++ exited with 0 +++\n";
	struct trace_rec r[32];
	char err[512], fmt[32], meta[64];

	(void)state;
	put_file(text, strlen(text));
	assert_int_equal(read_all(NULL, NULL, r, 32, err, sizeof(err), fmt, "failed_calls", meta),
	                 7);
	assert_string_equal(fmt, "strace");
	assert_string_equal(meta, "1");
	assert_int_equal(r[0].op, TRACE_OP_BRK);
	assert_int_equal(r[0].addr, 0x5000);
	assert_int_equal(r[0].time, 0);
	assert_int_equal(r[1].op, TRACE_OP_MMAP);
	assert_int_equal(r[1].time, 200000); /* 200 us after the first line */
	assert_int_equal(r[1].arg, TRACE_MAP_ANON | TRACE_PROT_R | TRACE_PROT_W);
	assert_int_equal(r[2].op, TRACE_OP_MUNMAP);
	assert_int_equal(r[2].pid, 100);
	/* the resumed mmap of pid 101 completes after the munmap */
	assert_int_equal(r[3].op, TRACE_OP_MMAP);
	assert_int_equal(r[3].pid, 101);
	assert_int_equal(r[3].addr, 0x7f1000000000);
	assert_int_equal(r[3].arg, TRACE_MAP_SHARED | TRACE_PROT_R);
	assert_int_equal(r[3].file, 3);
	assert_int_equal(r[4].op, TRACE_OP_MADVISE);
	assert_int_equal(r[4].arg, TRACE_MADV_DONTNEED);
	assert_int_equal(r[5].op, TRACE_OP_MPROTECT);
	assert_int_equal(r[5].arg, 0);
	assert_int_equal(r[6].op, TRACE_OP_EXIT);
	assert_int_equal(r[6].pid, 101);

	expect_error("strace", "brk(NULL) = 0x1000\nthis is junk\n", "2:1: not a strace line");
	expect_error("strace", "mmap(NULL, 8192) = 0x1000\n", "1:1: bad mmap arguments");
}

static void test_addr(void **state)
{
	struct trace_rec r[8];
	char err[512], fmt[32];
	const char *a = "l 0x1fffff50 1\ns 0x1fffff58 3\n# comment\nl 0x10 0\n";
	const char *b = "0x0041f7a0 R\n0x0041f7a4 W\n";

	(void)state;
	put_file(a, strlen(a));
	assert_int_equal(read_all(NULL, NULL, r, 8, err, sizeof(err), fmt, NULL, NULL), 3);
	assert_string_equal(fmt, "addr");
	assert_int_equal(r[0].op, TRACE_OP_R);
	assert_int_equal(r[0].addr, 0x1fffff50);
	assert_int_equal(r[0].len, 1);
	assert_int_equal(r[0].time, 1);
	assert_int_equal(r[1].op, TRACE_OP_W);
	assert_int_equal(r[1].time, 4); /* cumulative instructions: 1 + 3 */
	assert_int_equal(r[2].time, 4);
	put_file(b, strlen(b));
	assert_int_equal(read_all(NULL, NULL, r, 8, err, sizeof(err), fmt, NULL, NULL), 2);
	assert_string_equal(fmt, "addr");
	assert_int_equal(r[1].op, TRACE_OP_W);
	assert_int_equal(r[1].addr, 0x0041f7a4);
	assert_false(r[1].flags & TREC_TIME);
	expect_error("addr", "l 0x10 1\nl 0xzz 1\n", "2:3: bad address");
	expect_error("addr", "l 0x10 1\n0x10 R\n", "2:1: mixes");
}

static void test_ids(void **state)
{
	struct trace_rec r[8];
	char err[512], fmt[32], meta[64];
	const char *t = "5\n*\n12\n5\n*\n";

	(void)state;
	put_file(t, strlen(t));
	assert_int_equal(read_all(NULL, NULL, r, 8, err, sizeof(err), fmt, "markers_skipped", meta),
	                 3);
	assert_string_equal(fmt, "ids");
	assert_string_equal(meta, "2");
	assert_int_equal(r[0].op, TRACE_OP_READ);
	assert_int_equal(r[0].addr, 5 * 4096);
	assert_int_equal(r[0].len, 4096);
	assert_int_equal(r[0].file, 1);
	assert_int_equal(r[1].addr, 12 * 4096);
	expect_error("ids", "1\n2\nx3\n", "3:1: not a block id");
}

static void le32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void le64(unsigned char *p, uint64_t v)
{
	le32(p, (uint32_t)v);
	le32(p + 4, (uint32_t)(v >> 32));
}

static void test_oracle(void **state)
{
	unsigned char b[24 * 3 + 10];
	struct trace_rec r[8];
	char err[512];

	(void)state;
	memset(b, 0, sizeof(b));
	for (int i = 0; i < 3; i++) {
		le32(b + 24 * i, 100 + (uint32_t)i);
		le64(b + 24 * i + 4, (uint64_t)(7 + i * i));
		le32(b + 24 * i + 12, 512 * (uint32_t)(i + 1));
		le64(b + 24 * i + 16, (uint64_t)-1);
	}
	put_file(b, 72);
	assert_int_equal(read_all("oracleGeneral", NULL, r, 8, err, sizeof(err), NULL, NULL, NULL),
	                 3);
	assert_int_equal(r[2].op, TRACE_OP_READ);
	assert_int_equal(r[2].addr, 11 * 4096); /* id 7 + 2*2 */
	assert_int_equal(r[2].len, 4096);
	assert_int_equal(r[2].time, 102000000000ULL);
	assert_int_equal(r[2].arg, 1536);
	assert_true(r[2].flags & TREC_ARG);
	/* 10 stray bytes after 3 records: error at byte offset 72. */
	put_file(b, sizeof(b));
	assert_int_equal(read_all("oracleGeneral", NULL, r, 8, err, sizeof(err), NULL, NULL, NULL),
	                 -1);
	assert_non_null(strstr(err, ": byte offset 72: partial record (10 of 24 bytes)"));
	/* An id whose page offset overflows is refused, naming the record. */
	le64(b + 24 + 4, UINT64_MAX);
	put_file(b, 72);
	assert_int_equal(read_all("oracleGeneral", NULL, r, 8, err, sizeof(err), NULL, NULL, NULL),
	                 -1);
	assert_non_null(strstr(err, ": record 2: object id"));
}

static void test_lcscsv(void **state)
{
	const char *t = "version,time,op,size,lbn\n1,10,2a,512,42\n1,11,2a,6656,43\n";
	const char *t2 = "a;b\n99;7\n";
	struct trace_rec r[8];
	char err[512], fmt[32];

	(void)state;
	put_file(t, strlen(t));
	assert_int_equal(read_all(NULL, NULL, r, 8, err, sizeof(err), fmt, NULL, NULL), 2);
	assert_string_equal(fmt, "lcs-csv");
	assert_int_equal(r[1].addr, 43 * 4096);
	assert_int_equal(r[1].time, 11000000000ULL);
	assert_int_equal(r[1].arg, 6656);
	put_file(t2, strlen(t2));
	assert_int_equal(read_all("lcs-csv", "id_col=1,time_col=0,size_col=2,delim=;", r, 8, err,
	                          sizeof(err), NULL, NULL, NULL),
	                 1);
	assert_int_equal(r[0].addr, 99 * 4096);
	assert_int_equal(r[0].arg, 7);
	assert_false(r[0].flags & TREC_TIME);
	expect_error("lcs-csv", "version,time,op,size,lbn\n1,10,2a,512,42\n1,x,2a,512,42\n",
	             "3:2: column 2 is not a number");
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_lackey), cmocka_unit_test(test_strace),
	        cmocka_unit_test(test_addr),   cmocka_unit_test(test_ids),
	        cmocka_unit_test(test_oracle), cmocka_unit_test(test_lcscsv),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
