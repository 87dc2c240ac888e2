// SPDX-License-Identifier: MIT
/*
 * bench_reclaim.c - full-machine throughput with and without memory pressure.
 *
 * Generates a seeded zipf trace of anonymous loads and stores (alpha 0.9, as bench_cache,
 * 30 % stores; default 4 M accesses over 64 Ki pages = 256 MiB), then replays
 * it with the linux policy on an x86-64 machine (a) with 4x the footprint of
 * memory (no reclaim) and (b) with half the footprint and swap (working set
 * 2x memory: kswapd, direct reclaim, swap-out and swap-in with readahead,
 * refault distance). Runs the two in alternation, 5 times each, and prints
 * accesses/s (medians) and the slowdown (median of the 5 pairs' ratios).
 *
 *   bench_reclaim [--accesses N] [--pages N]
 */
#include "bench_util.h"
#include "gen.h"
#include "machine.h"
#include "policy_core.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PAIRS 5

/* A configured run of the linux policy on @path. Return: 0, or -1 after a message. */
static int setup(struct config **cfg, const char *memory, const char *swap)
{
	char err[512];

	*cfg = config_new();
	if (config_set(*cfg, "machine.memory", memory, err, sizeof(err)) ||
	    config_set(*cfg, "swap.size", swap, err, sizeof(err))) {
		fprintf(stderr, "bench_reclaim: %s\n", err);
		return -1;
	}
	return 0;
}

/* One run. Return: seconds, or -1. */
static double run(const char *path, struct config *cfg, struct metrics *m)
{
	const char *traces[] = {path};
	struct trace_open_opts topts = {0};
	char err[512];
	struct machine_opts o = {.cfg = cfg,
	                         .ops = policy_find("linux"),
	                         .traces = traces,
	                         .nr_traces = 1,
	                         .topts = &topts};
	double t0 = now_s();

	if (machine_run(&o, m, err, sizeof(err))) {
		fprintf(stderr, "bench_reclaim: %s\n", err);
		return -1;
	}
	return now_s() - t0;
}

/* The median of @n values (sorts them). */
static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), cmp_double);
	return v[n / 2];
}

int main(int argc, char **argv)
{
	uint64_t accesses = 4000000, pages = 65536;
	char path[64], err[512], big[32], half[32], swap[32];
	struct gen_params p;
	struct trace_writer *w;
	struct metrics m0, m1;
	struct config *c0, *c1;
	double a0, a1, t0[PAIRS], t1[PAIRS], ratio[PAIRS];

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--accesses"))
			parse_size(argv[i + 1], &accesses);
		else if (!strcmp(argv[i], "--pages"))
			parse_size(argv[i + 1], &pages);
	}
	snprintf(path, sizeof(path), "/tmp/bench-reclaim-%d.mmt.zst", (int)getpid());
	gen_params_default(&p);
	p.pattern = "zipf";
	p.alpha = 0.9;
	p.pages = pages;
	p.accesses = accesses;
	p.write_frac = 0.3;
	if (trace_writer_open(&w, path, NULL, NULL, err, sizeof(err)) ||
	    gen_run(&p, sink, w, err, sizeof(err)) || trace_writer_close(w)) {
		fprintf(stderr, "bench_reclaim: cannot generate the trace: %s\n", err);
		return 1;
	}
	snprintf(big, sizeof(big), "%lluK", (unsigned long long)pages * 16);
	snprintf(half, sizeof(half), "%lluK", (unsigned long long)pages * 2);
	snprintf(swap, sizeof(swap), "%lluK", (unsigned long long)pages * 8);
	printf("full machine, linux policy: zipf alpha 0.9, 30%% stores, %llu accesses over %llu "
	       "pages\n",
	       (unsigned long long)accesses, (unsigned long long)pages);
	/*
	 * The host's speed drifts by up to 2x from one minute to the next, so the
	 * two configurations run in alternation and the slowdown is the median of
	 * the ratios of adjacent runs.
	 */
	if (setup(&c0, big, "0") || setup(&c1, half, swap))
		return 1;
	for (int i = 0; i < PAIRS; i++) {
		t0[i] = run(path, c0, &m0);
		t1[i] = run(path, c1, &m1);
		if (t0[i] < 0 || t1[i] < 0)
			return 1;
		ratio[i] = t1[i] / t0[i];
	}
	config_free(c0);
	config_free(c1);
	unlink(path);
	a0 = (double)m0.accesses / median(t0, PAIRS);
	a1 = (double)m1.accesses / median(t1, PAIRS);
	printf("%-34s %12s %10s %10s %10s\n", "memory", "accesses/s", "pgfault", "pswpout",
	       "pgscan");
	printf("%-34s %12.0f %10llu %10llu %10llu\n", "4x footprint (no reclaim)", a0,
	       (unsigned long long)m0.pgfault, (unsigned long long)m0.pswpout,
	       (unsigned long long)(m0.pgscan_kswapd + m0.pgscan_direct));
	printf("%-34s %12.0f %10llu %10llu %10llu\n", "footprint / 2 + swap (2x pressure)", a1,
	       (unsigned long long)m1.pgfault, (unsigned long long)m1.pswpout,
	       (unsigned long long)(m1.pgscan_kswapd + m1.pgscan_direct));
	printf("slowdown under reclaim: %.2fx (median of %d alternating pairs; issue goal: < 2x)\n",
	       median(ratio, PAIRS), PAIRS);
	return 0;
}
