/* SPDX-License-Identifier: MIT */
/*
 * output.h - a run's result directory: summary.csv, timeline.csv, config.ini
 * (DESIGN.md section 6), built in a temporary directory and renamed into
 * place only when complete.
 */
#ifndef MMSIM_OUTPUT_H
#define MMSIM_OUTPUT_H

#include "config.h"
#include "metrics.h"

#include <stdio.h>

/* The run parameters that open summary.csv (MMSIM_RUN_PARAMS order). */
struct run_params {
	const char *trace;          /* trace path(s), ';'-separated */
	const char *policy;         /* policy name */
	uint64_t memory_bytes;      /* machine.memory */
	uint64_t memcg_limit_bytes; /* 0 = none */
	uint64_t capacity_pages;    /* cache mode, 0 = full machine */
	const char *arch;           /* machine.arch */
	uint64_t page_size;         /* bytes */
	uint64_t seed;              /* --seed */
	uint64_t config_hash;       /* config_hash() */
};

struct output {
	char *outdir;   /* final directory */
	char *tmpdir;   /* directory being written */
	FILE *timeline; /* tmpdir/timeline.csv */
};

/**
 * output_open() - create the temporary directory beside @outdir and start
 * timeline.csv. Refuses an @outdir that exists and holds anything but a
 * previous mmsim result. Return: 0, or -1 with a message in @err.
 */
int output_open(struct output *o, const char *outdir, char *err, size_t errlen);
/* output_timeline_row() - one sampling tick. */
void output_timeline_row(struct output *o, uint64_t time_ns, const struct metrics *m);
/**
 * output_finish() - write summary.csv and config.ini, then publish the
 * directory (replacing a previous result at @outdir). Return: 0 or -1 (@err).
 */
int output_finish(struct output *o, const struct run_params *rp, const struct metrics *m,
                  const struct config *cfg, char *err, size_t errlen);
/* output_abort() - remove the temporary directory; nothing is published. */
void output_abort(struct output *o);

/* output_csv_field() - write one CSV field quoted as needed (libcsv). */
void output_csv_field(FILE *f, const char *s);

#endif /* MMSIM_OUTPUT_H */
