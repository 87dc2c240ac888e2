// SPDX-License-Identifier: MIT
/*
 * test_gen.c - generators: exact tiny streams, determinism, and statistical
 * checks whose tolerances are six binomial standard deviations (derived in
 * each test), so a correct generator fails with probability < 1e-8.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "util.h"

struct collect {
	struct trace_rec *r;
	size_t n, cap;
};

static int collect_sink(void *arg, const struct trace_rec *recs, size_t n)
{
	struct collect *c = arg;

	if (c->n + n > c->cap) {
		c->cap = (c->n + n) * 2;
		c->r = xrealloc(c->r, c->cap * sizeof(*c->r));
	}
	memcpy(c->r + c->n, recs, n * sizeof(*recs));
	c->n += n;
	return 0;
}

static struct collect run(const struct gen_params *p)
{
	struct collect c = {0};
	char err[256];

	assert_int_equal(gen_run(p, collect_sink, &c, err, sizeof(err)), 0);
	return c;
}

static uint64_t page_of(const struct trace_rec *r)
{
	return (r->addr - GEN_BASE_ADDR) / 4096;
}

static void test_loop_exact(void **state)
{
	struct gen_params p;
	struct collect c;
	static const uint64_t want[] = {0, 1, 2, 0, 1, 2, 0};

	(void)state;
	gen_params_default(&p);
	p.pattern = "loop";
	p.pages = 3;
	p.accesses = 7;
	c = run(&p);
	assert_int_equal(c.n, 8);
	assert_int_equal(c.r[0].op, TRACE_OP_MMAP);
	assert_int_equal(c.r[0].addr, GEN_BASE_ADDR);
	assert_int_equal(c.r[0].len, 3 * 4096);
	for (int i = 0; i < 7; i++) {
		assert_int_equal(c.r[1 + i].op, TRACE_OP_R);
		assert_int_equal(c.r[1 + i].addr, GEN_BASE_ADDR + want[i] * 4096);
		assert_int_equal(c.r[1 + i].pid, 1);
	}
	free(c.r);

	/* --file: reads of file 1 at page offsets, no mmap; two pids interleave and each loops. */
	p.file = true;
	p.pids = 2;
	p.accesses = 4;
	c = run(&p);
	assert_int_equal(c.n, 4);
	assert_int_equal(c.r[0].op, TRACE_OP_READ);
	assert_int_equal(c.r[0].file, GEN_FILE_ID);
	assert_int_equal(c.r[0].pid, 1);
	assert_int_equal(c.r[1].pid, 2);
	assert_int_equal(c.r[1].addr, 0);    /* pid 2's first step: page 0 */
	assert_int_equal(c.r[2].addr, 4096); /* pid 1's second step: page 1 */
	free(c.r);
}

static void test_seq_and_timestamps(void **state)
{
	struct gen_params p;
	struct collect c;

	(void)state;
	gen_params_default(&p);
	p.pattern = "seq";
	p.pages = 2;
	p.accesses = 130; /* 64 lines per page: page 0 x64, page 1 x64, then wrap */
	p.time_step = 100;
	c = run(&p);
	assert_int_equal(c.r[1].addr, GEN_BASE_ADDR);
	assert_int_equal(c.r[2].addr, GEN_BASE_ADDR + 64);
	assert_int_equal(c.r[65].addr, GEN_BASE_ADDR + 4096);
	assert_int_equal(c.r[129].addr, GEN_BASE_ADDR);
	assert_true(c.r[5].flags & TREC_TIME);
	assert_int_equal(c.r[5].time, 500);
	free(c.r);
}

static void test_determinism(void **state)
{
	struct gen_params p;
	struct collect a, b, d;

	(void)state;
	gen_params_default(&p);
	p.pattern = "zipf";
	p.pages = 1000;
	p.accesses = 5000;
	p.write_frac = 0.2;
	a = run(&p);
	b = run(&p);
	assert_int_equal(a.n, b.n);
	assert_memory_equal(a.r, b.r, a.n * sizeof(*a.r));
	p.seed = 2;
	d = run(&p);
	assert_int_equal(a.n, d.n);
	assert_true(memcmp(a.r, d.r, a.n * sizeof(*a.r)) != 0);
	free(a.r);
	free(b.r);
	free(d.r);
}

static void test_write_fraction(void **state)
{
	struct gen_params p;
	struct collect c;
	uint64_t writes = 0;

	(void)state;
	gen_params_default(&p);
	p.pattern = "uniform";
	p.accesses = 100000;
	p.write_frac = 0.3;
	c = run(&p);
	for (size_t i = 1; i < c.n; i++)
		writes += c.r[i].op == TRACE_OP_W;
	/* Binomial(100000, 0.3): mean 30000, sd sqrt(100000*0.3*0.7) = 144.9; 6 sd = 869. */
	assert_true(llabs((long long)writes - 30000) < 870);
	free(c.r);
}

static int cmp_desc(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

static void test_zipf_frequencies(void **state)
{
	struct gen_params p;
	struct collect c;
	uint64_t count[100] = {0};
	double h = 0;

	(void)state;
	gen_params_default(&p);
	p.pattern = "zipf";
	p.pages = 100;
	p.accesses = 200000;
	p.alpha = 1.0;
	c = run(&p);
	for (size_t i = 1; i < c.n; i++)
		count[page_of(&c.r[i])]++;
	qsort(count, 100, sizeof(count[0]), cmp_desc);
	for (int r = 1; r <= 100; r++)
		h += 1.0 / r;
	/* H(100,1) = 5.18738: P(rank 1) = 0.192776 -> mean 38555, sd sqrt(n p (1-p)) = 176.4;
	 * P(rank 2) = 0.096388 -> mean 19278, sd 132. Tolerances: 6 sd. */
	assert_true(fabs(h - 5.18738) < 1e-4);
	assert_true(fabs((double)count[0] - 200000 / h) < 6 * 176.4);
	assert_true(fabs((double)count[1] - 100000 / h) < 6 * 132.0);
	free(c.r);

	/* alpha = 0.5 and 1.5 are accepted and still put rank 1 first (P1 = 1/H(N, alpha)). */
	p.alpha = 1.5;
	c = run(&p);
	memset(count, 0, sizeof(count));
	for (size_t i = 1; i < c.n; i++)
		count[page_of(&c.r[i])]++;
	qsort(count, 100, sizeof(count[0]), cmp_desc);
	h = 0;
	for (int r = 1; r <= 100; r++)
		h += pow(r, -1.5);
	/* H(100,1.5) = 2.4602: P1 = 0.40647, mean 81294, sd sqrt(n p (1-p)) = 219.6 */
	assert_true(fabs((double)count[0] - 200000 / h) < 6 * 219.6);
	free(c.r);
}

static void test_uniform_evenness(void **state)
{
	struct gen_params p;
	struct collect c;
	uint64_t count[64] = {0};

	(void)state;
	gen_params_default(&p);
	p.pattern = "uniform";
	p.pages = 64;
	p.accesses = 64000;
	c = run(&p);
	for (size_t i = 1; i < c.n; i++)
		count[page_of(&c.r[i])]++;
	/* Each page: Binomial(64000, 1/64): mean 1000, sd 31.2; 6 sd = 187. */
	for (int i = 0; i < 64; i++)
		assert_true(llabs((long long)count[i] - 1000) < 188);
	free(c.r);
}

static void test_hotcold_and_shift_ranges(void **state)
{
	struct gen_params p;
	struct collect c;

	(void)state;
	gen_params_default(&p);
	p.pattern = "hotcold";
	p.pages = 100;
	p.hot_pages = 10;
	p.hot_frac = 1.0;
	p.accesses = 1000;
	p.scan_every = 500; /* one scan at access 500 of 5 cold pages: pages 10..14 */
	p.scan_len = 5;
	c = run(&p);
	for (size_t i = 1; i < c.n; i++) {
		uint64_t pg = page_of(&c.r[i]);

		if (i - 1 >= 500 && i - 1 < 505)
			assert_int_equal(pg, 10 + (i - 1 - 500));
		else
			assert_true(pg < 10);
	}
	free(c.r);

	gen_params_default(&p);
	p.pattern = "shift";
	p.pages = 100;
	p.ws_pages = 10;
	p.phase = 50;
	p.accesses = 200; /* windows [0,10) [10,20) [20,30) [30,40) */
	c = run(&p);
	for (size_t i = 1; i < c.n; i++) {
		uint64_t lo = ((i - 1) / 50) * 10, pg = page_of(&c.r[i]);

		assert_true(pg >= lo && pg < lo + 10);
	}
	free(c.r);
}

static void test_forkcow_structure(void **state)
{
	struct gen_params p;
	struct collect c;
	int forks = 0, exits = 0;
	bool seen_access = false;

	(void)state;
	gen_params_default(&p);
	p.pattern = "forkcow";
	p.pages = 16;
	p.children = 3;
	p.accesses = 500;
	p.write_frac = 0.5;
	c = run(&p);
	/* mmap, 16 parent writes, 3 forks with child pids 2..4, 500 accesses, 3 exits. */
	assert_int_equal(c.n, 1 + 16 + 3 + 500 + 3);
	for (size_t i = 0; i < c.n; i++) {
		const struct trace_rec *r = &c.r[i];

		if (r->op == TRACE_OP_FORK) {
			assert_false(seen_access);
			assert_int_equal(r->pid, 1);
			assert_int_equal(r->arg, 2 + forks);
			forks++;
		} else if (r->op == TRACE_OP_EXIT) {
			assert_int_equal(r->pid, 2 + exits);
			exits++;
		} else if (i > 16 && trace_op_is_mem(r->op)) {
			seen_access = true;
			assert_true(r->pid >= 1 && r->pid <= 4);
		}
	}
	assert_int_equal(forks, 3);
	assert_int_equal(exits, 3);
	free(c.r);
}

static void test_ksm_fingerprints(void **state)
{
	struct gen_params p;
	struct collect c;
	uint64_t fp[3][20] = {{0}};

	(void)state;
	gen_params_default(&p);
	p.pattern = "ksm";
	p.pids = 3;
	p.pages = 20;
	p.shared_frac = 0.5; /* pages 0..9 shared */
	p.change_frac = 0.1; /* 10..11 volatile */
	p.zero_frac = 0.2;   /* 16..19 never written */
	p.accesses = 0;
	c = run(&p);
	for (size_t i = 0; i < c.n; i++)
		if (c.r[i].op == TRACE_OP_W)
			fp[c.r[i].pid - 1][page_of(&c.r[i])] = c.r[i].arg;
	for (int pg = 0; pg < 20; pg++) {
		if (pg < 10) {
			assert_int_not_equal(fp[0][pg], 0);
			assert_int_equal(fp[0][pg], fp[1][pg]);
			assert_int_equal(fp[1][pg], fp[2][pg]);
		} else if (pg < 16) {
			assert_int_not_equal(fp[0][pg], fp[1][pg]);
		} else {
			assert_int_equal(fp[0][pg] | fp[1][pg] | fp[2][pg], 0);
		}
	}
	assert_int_equal(c.r[1].op, TRACE_OP_MADVISE);
	assert_int_equal(c.r[1].arg, TRACE_MADV_MERGEABLE);
	free(c.r);
}

static void test_churn_pairs(void **state)
{
	struct gen_params p;
	struct collect c;
	unsigned order_of[20001];
	int live = 0, max_live = 0;

	(void)state;
	gen_params_default(&p);
	p.pattern = "churn";
	p.accesses = 20000;
	p.live = 100;
	p.max_order = 4;
	memset(order_of, 0xff, sizeof(order_of));
	c = run(&p);
	for (size_t i = 0; i < c.n; i++) {
		const struct trace_rec *r = &c.r[i];
		unsigned o = trace_alloc_order(r->arg);

		assert_true(o <= 4);
		assert_int_equal(trace_alloc_zone(r->arg), TRACE_ZONE_NORMAL);
		if (r->op == TRACE_OP_ALLOC) {
			assert_int_equal(order_of[r->addr], 0xffffffffu);
			order_of[r->addr] = o;
			live++;
		} else {
			assert_int_equal(r->op, TRACE_OP_FREE);
			assert_int_equal(order_of[r->addr], o); /* frees a live block, same order */
			order_of[r->addr] = 0xfffffffeu;
			live--;
		}
		if (live > max_live)
			max_live = live;
	}
	assert_true(max_live <= 100);
	assert_true(max_live >= 50); /* allocs outnumber frees 55:45 until the bound */
	free(c.r);
}

static void test_bad_params(void **state)
{
	struct gen_params p;
	struct collect c = {0};
	char err[256];

	(void)state;
	gen_params_default(&p);
	p.pattern = "nope";
	assert_int_equal(gen_run(&p, collect_sink, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown pattern"));
	p.pattern = "uniform";
	p.write_frac = 1.5;
	assert_int_equal(gen_run(&p, collect_sink, &c, err, sizeof(err)), -1);
	p.write_frac = 0;
	p.pages = 0;
	assert_int_equal(gen_run(&p, collect_sink, &c, err, sizeof(err)), -1);
	assert_int_equal(c.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_loop_exact),
	        cmocka_unit_test(test_seq_and_timestamps),
	        cmocka_unit_test(test_determinism),
	        cmocka_unit_test(test_write_fraction),
	        cmocka_unit_test(test_zipf_frequencies),
	        cmocka_unit_test(test_uniform_evenness),
	        cmocka_unit_test(test_hotcold_and_shift_ranges),
	        cmocka_unit_test(test_forkcow_structure),
	        cmocka_unit_test(test_ksm_fingerprints),
	        cmocka_unit_test(test_churn_pairs),
	        cmocka_unit_test(test_bad_params),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
