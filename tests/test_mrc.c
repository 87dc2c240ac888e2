// SPDX-License-Identifier: MIT
/*
 * test_mrc.c - the one-pass LRU curve (stack distances) against the textbook
 * curve and against cache-mode LRU runs at every size.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cachesim.h"
#include "gen.h"
#include "mrc.h"
#include "policy_core.h"

/* Silberschatz string; LRU curve derived in test_policy_classic.c: 20,17,12,8,7,6,6. */
static void test_textbook_curve(void **state)
{
	static const uint64_t s[] = {7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1};
	static const uint64_t want[] = {20, 17, 12, 8, 7, 6, 6};
	struct mrc_hist h;

	(void)state;
	mrc_lru_hist(s, 20, 1.0, &h);
	assert_int_equal(h.cold, 6);
	assert_int_equal(h.distinct, 6);
	assert_int_equal(h.max_dist, 6);
	assert_int_equal(h.dist[3], 5); /* five references at stack distance 3 */
	for (uint64_t c = 1; c <= 7; c++)
		assert_int_equal(mrc_misses(&h, c), want[c - 1]);
	mrc_hist_free(&h);
}

static int write_sink(void *arg, const struct trace_rec *r, size_t n)
{
	return trace_write(arg, r, n) ? 1 : 0;
}

/*
 * A 30000-access zipf trace over 2000 pages of two processes: every size agrees
 * exactly, whether cache mode stages its touches inline or on a thread.
 */
static void test_one_pass_equals_cache_mode(void **state)
{
	char path[64], err[512];
	struct gen_params p;
	struct trace_writer *w;
	struct config *cfg = config_new();
	struct trace_open_opts topts = {0};
	const char *traces[1];
	uint64_t *keys, n, cap;
	struct mrc_hist h;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/mmsim-mrc-%d.mmt.zst", (int)getpid());
	traces[0] = path;
	gen_params_default(&p);
	p.pattern = "zipf";
	p.pages = 2000;
	p.accesses = 30000;
	p.pids = 2;
	p.alpha = 0.8;
	assert_int_equal(trace_writer_open(&w, path, NULL, NULL, err, sizeof(err)), 0);
	assert_int_equal(gen_run(&p, write_sink, w, err, sizeof(err)), 0);
	assert_int_equal(trace_writer_close(w), 0);

	struct cachesim_opts co = {.ops = policy_find("lru"),
	                           .cfg = cfg,
	                           .traces = traces,
	                           .nr_traces = 1,
	                           .topts = &topts};
	assert_int_equal(cachesim_touches(&co, &keys, &n, &cap, err, sizeof(err)), 0);
	assert_int_equal(n, 30000);
	mrc_lru_hist(keys, n, 1.0, &h);
	cachesim_touches_free(keys, cap);
	for (uint64_t size = 1; size <= 4096; size = size * 3 / 2 + 1) {
		struct metrics m;

		co.capacity = size;
		/* every other size with the staging thread: both paths meet the oracle */
		topts.decode_thread = !topts.decode_thread;
		assert_int_equal(cachesim_run(&co, &m, err, sizeof(err)), 0);
		if (m.misses != mrc_misses(&h, size))
			fail_msg("size %llu: cache mode %llu misses, stack distances %llu",
			         (unsigned long long)size, (unsigned long long)m.misses,
			         (unsigned long long)mrc_misses(&h, size));
	}
	/* SHARDS at rate 0.1 stays close on this trace: within 5 points of miss ratio. */
	struct mrc_hist hs;
	assert_int_equal(cachesim_touches(&co, &keys, &n, &cap, err, sizeof(err)), 0);
	mrc_lru_hist(keys, n, 0.1, &hs);
	cachesim_touches_free(keys, cap);
	for (uint64_t size = 100; size <= 1600; size *= 2) {
		double exact = (double)mrc_misses(&h, size) / 30000.0;
		double est = (double)mrc_misses(&hs, size) / 30000.0;

		assert_true(est > exact - 0.05 && est < exact + 0.05);
	}
	mrc_hist_free(&hs);
	mrc_hist_free(&h);
	config_free(cfg);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_textbook_curve),
	        cmocka_unit_test(test_one_pass_equals_cache_mode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
