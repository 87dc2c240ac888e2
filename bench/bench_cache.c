// SPDX-License-Identifier: MIT
/*
 * bench_cache.c - cache-mode throughput per policy.
 *
 * Generates a seeded zipf trace (alpha 0.9, default 10 M accesses over 1 M
 * pages) into a temporary .mmt.zst, then replays it at capacity 100 k pages
 * with every registered policy (or those named on the command line), the
 * policies taking turns for 5 rounds, and prints accesses/s (median of each
 * policy's 5 runs), misses and miss ratio, and opt's slowdown against lru
 * (median of the rounds' ratios). The time includes trace decoding, as a
 * user's run does.
 *
 *   bench_cache [--accesses N] [--pages N] [--capacity N] [--decode-thread] [POLICY...]
 *
 * --decode-thread decodes the trace on a second thread (mmsim run's default on
 * a host with more than one core); without it everything runs on one thread.
 */
#include "bench_util.h"
#include "cachesim.h"
#include "gen.h"
#include "policy_core.h"
#include "util.h"

#define ROUNDS 5

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	uint64_t accesses = 10000000, pages = 1000000, capacity = 100000;
	bool threads = false;
	const char *only[32];
	int nr_only = 0;
	char path[64], err[512];
	struct gen_params p;
	struct trace_writer *w;
	double opt_lru = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--accesses") && i + 1 < argc)
			parse_size(argv[++i], &accesses);
		else if (!strcmp(argv[i], "--pages") && i + 1 < argc)
			parse_size(argv[++i], &pages);
		else if (!strcmp(argv[i], "--capacity") && i + 1 < argc)
			parse_size(argv[++i], &capacity);
		else if (!strcmp(argv[i], "--decode-thread"))
			threads = true;
		else if (nr_only < 32)
			only[nr_only++] = argv[i];
	}
	snprintf(path, sizeof(path), "/tmp/bench-cache-%d.mmt.zst", (int)getpid());
	gen_params_default(&p);
	p.pattern = "zipf";
	p.alpha = 0.9;
	p.pages = pages;
	p.accesses = accesses;
	p.write_frac = 0.1;
	if (trace_writer_open(&w, path, NULL, NULL, err, sizeof(err)) ||
	    gen_run(&p, sink, w, err, sizeof(err)) || trace_writer_close(w)) {
		fprintf(stderr, "bench_cache: cannot generate the trace: %s\n", err);
		return 1;
	}
	printf("cache mode: zipf alpha 0.9, %llu accesses over %llu pages, capacity %llu\n",
	       (unsigned long long)accesses, (unsigned long long)pages,
	       (unsigned long long)capacity);
	printf("%-9s %14s %12s %10s\n", "policy", "accesses/s", "misses", "miss_ratio");
	/*
	 * The host's speed drifts from minute to minute, so the policies take
	 * turns: round r runs each once. Each policy's figure is the median of its
	 * ROUNDS runs; opt/lru is the median of the rounds' ratios.
	 */
	const struct reclaim_policy_ops *pol[64];
	double t[64][ROUNDS];
	struct metrics m[64];
	size_t np = 0;
	int lru = -1, opt = -1;

	for (size_t i = 0; policy_at(i) && np < 64; i++) {
		bool wanted = !nr_only;

		for (int k = 0; k < nr_only; k++)
			wanted |= !strcmp(only[k], policy_at(i)->name);
		if (!wanted)
			continue;
		if (!strcmp(policy_at(i)->name, "lru"))
			lru = (int)np;
		if (!strcmp(policy_at(i)->name, "opt"))
			opt = (int)np;
		pol[np++] = policy_at(i);
	}
	for (int r = 0; r < ROUNDS; r++)
		for (size_t k = 0; k < np; k++) {
			struct config *cfg = config_new();
			const char *traces[] = {path};
			struct trace_open_opts topts = {.decode_thread = threads};
			struct cachesim_opts o = {.capacity = capacity,
			                          .ops = pol[k],
			                          .cfg = cfg,
			                          .traces = traces,
			                          .nr_traces = 1,
			                          .topts = &topts};
			double t0 = now_s();

			if (cachesim_run(&o, &m[k], err, sizeof(err))) {
				fprintf(stderr, "bench_cache: %s: %s\n", pol[k]->name, err);
				return 1;
			}
			t[k][r] = now_s() - t0;
			config_free(cfg);
		}
	if (lru >= 0 && opt >= 0) {
		double ratio[ROUNDS];

		for (int r = 0; r < ROUNDS; r++)
			ratio[r] = t[opt][r] / t[lru][r];
		qsort(ratio, ROUNDS, sizeof(double), cmp_double);
		opt_lru = ratio[ROUNDS / 2];
	}
	for (size_t k = 0; k < np; k++) {
		qsort(t[k], ROUNDS, sizeof(double), cmp_double);
		printf("%-9s %14.0f %12llu %10.4f\n", pol[k]->name,
		       (double)m[k].accesses / t[k][ROUNDS / 2], (unsigned long long)m[k].misses,
		       (double)m[k].misses / (double)m[k].accesses);
	}
	if (opt_lru > 0)
		printf("opt is %.2fx slower than lru (median of %d rounds' ratios; goal: within "
		       "3x)\n",
		       opt_lru, ROUNDS);
	unlink(path);
	return 0;
}
