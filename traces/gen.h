/* SPDX-License-Identifier: MIT */
/*
 * gen.h - synthetic trace generators (mmsim gen). Each pattern emits records
 * in batches to a sink; the same parameters and seed give the same stream.
 */
#ifndef MMSIM_GEN_H
#define MMSIM_GEN_H

#include "trace.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GEN_BASE_ADDR 0x10000000ULL /* first byte of every generated anonymous region */
#define GEN_FILE_ID   1u            /* file id used by --file traces */

struct gen_params {
	const char *pattern; /* seq, loop, uniform, zipf, hotcold, shift, forkcow, ksm, churn */
	uint64_t pages;      /* footprint in pages */
	uint64_t accesses;   /* access records to emit (not counting setup records) */
	double write_frac;   /* fraction of accesses that are stores / write() */
	bool file;           /* page-cache read/write of one file instead of anon R/W */
	uint32_t pids;       /* processes (interleaved round robin) */
	uint64_t seed;       /* RNG seed */
	uint64_t time_step;  /* ns between records; 0 = no timestamps */
	double alpha;        /* zipf exponent */
	uint64_t hot_pages;  /* hotcold: size of the hot set */
	double hot_frac;     /* hotcold: probability an access goes to the hot set */
	uint64_t scan_every; /* hotcold: a scan starts every this many accesses (0 = never) */
	uint64_t scan_len;   /* hotcold: pages per scan */
	uint64_t ws_pages;   /* shift: working-set size */
	uint64_t phase;      /* shift: accesses per phase */
	uint64_t shift_by;   /* shift: pages the window moves per phase */
	uint32_t children;   /* forkcow: children forked by the parent */
	double shared_frac;  /* ksm: pages identical across processes */
	double zero_frac;    /* ksm: pages left zero-filled */
	double change_frac;  /* ksm: pages whose content keeps changing */
	unsigned max_order;  /* churn: largest order allocated */
	uint64_t live;       /* churn: bound on live allocations */
};

/* gen_params_default() - defaults documented in `mmsim gen --help`. */
void gen_params_default(struct gen_params *p);

/* Receives records in order; return non-zero to stop generation (error). */
typedef int (*gen_sink_fn)(void *arg, const struct trace_rec *recs, size_t n);

/**
 * gen_run() - generate the trace described by @p into @sink.
 * Return: 0, -1 with a message in @err for bad parameters, or the sink's
 * non-zero value.
 */
int gen_run(const struct gen_params *p, gen_sink_fn sink, void *arg, char *err, size_t errlen);

/* gen_pattern_names() - "seq, loop, ..." for help and errors. */
const char *gen_pattern_names(void);
bool gen_pattern_known(const char *name);

#endif /* MMSIM_GEN_H */
