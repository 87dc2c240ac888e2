/* SPDX-License-Identifier: MIT */
/*
 * bench_util.h - what every benchmark needs: a monotonic clock, a trace
 * writer sink for the generators, and a comparison for medians.
 * Header-only (static functions), included by the benchmarks.
 */
#ifndef MMSIM_BENCH_UTIL_H
#define MMSIM_BENCH_UTIL_H

#include "trace.h"

#include <stddef.h>
#include <time.h>

static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* gen_run() sink that appends to a trace writer. */
static inline int sink(void *arg, const struct trace_rec *r, size_t n)
{
	return trace_write(arg, r, n) ? 1 : 0;
}

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

#endif /* MMSIM_BENCH_UTIL_H */
