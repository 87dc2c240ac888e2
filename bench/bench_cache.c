// SPDX-License-Identifier: MIT
/*
 * bench_cache.c - cache-mode throughput per policy.
 *
 * Generates a seeded zipf trace (alpha 0.9, default 10 M accesses over 1 M
 * pages) into a temporary .mmt.zst, then replays it at capacity 100 k pages
 * with every registered policy (or those named on the command line) and
 * prints accesses/s (median of 3 runs), misses and miss ratio. The time
 * includes trace decoding, as a user's run does.
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
	for (size_t i = 0; policy_at(i); i++) {
		const struct reclaim_policy_ops *ops = policy_at(i);
		struct config *cfg = config_new();
		const char *traces[] = {path};
		struct trace_open_opts topts = {.decode_thread = threads};
		struct cachesim_opts o = {.capacity = capacity,
		                          .ops = ops,
		                          .cfg = cfg,
		                          .traces = traces,
		                          .nr_traces = 1,
		                          .topts = &topts};
		double t[3];
		struct metrics m;
		bool wanted = !nr_only;

		for (int k = 0; k < nr_only; k++)
			wanted |= !strcmp(only[k], ops->name);
		if (!wanted) {
			config_free(cfg);
			continue;
		}
		for (int r = 0; r < 3; r++) {
			double t0 = now_s();

			if (cachesim_run(&o, &m, err, sizeof(err))) {
				fprintf(stderr, "bench_cache: %s: %s\n", ops->name, err);
				return 1;
			}
			t[r] = now_s() - t0;
		}
		qsort(t, 3, sizeof(double), cmp_double);
		printf("%-9s %14.0f %12llu %10.4f\n", ops->name, (double)m.accesses / t[1],
		       (unsigned long long)m.misses, (double)m.misses / (double)m.accesses);
		config_free(cfg);
	}
	unlink(path);
	return 0;
}
