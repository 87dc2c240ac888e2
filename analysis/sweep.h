/* SPDX-License-Identifier: MIT */
/*
 * sweep.h - sweep files: a cartesian product of traces x policies x sizes x
 * config values, each run with a stable id.
 */
#ifndef MMSIM_SWEEP_H
#define MMSIM_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SWEEP_MAX_AXES 16 /* set.* keys per sweep */

struct sweep_axis {
	char *key;     /* "traces", "policy", "memory"/"capacity" or a config key "vm.swappiness" */
	char **values; /* the values, in file order */
	size_t nr;     /* number of values */
};

struct sweep_run {
	char id[17];  /* 16 hex digits: FNV-1a of the canonical parameters */
	size_t index; /* position in the run set (for --only ranges) */
	const char *value[SWEEP_MAX_AXES + 3]; /* one value per axis (points into the axes) */
};

struct sweep {
	char *path;      /* the sweep file */
	char *dir;       /* its directory (traces and config are relative to it) */
	char *config;    /* base machine file, or NULL */
	char *from;      /* trace format, or NULL */
	bool cache_mode; /* sizes are --capacity pages (else -m memory) */
	struct sweep_axis axis[SWEEP_MAX_AXES + 3]; /* traces, policies, sizes, set.* */
	size_t nr_axes;                             /* axes in use */
	struct sweep_run *runs;                     /* the cartesian product, last axis fastest */
	size_t nr_runs;                             /* number of runs */
};

/**
 * sweep_load() - parse and expand @path. Return: 0, or -1 with
 * "FILE:LINE: message" (or "FILE: message") in @err.
 */
int sweep_load(struct sweep *s, const char *path, char *err, size_t errlen);
void sweep_free(struct sweep *s);

/* sweep_run_args() - the 'mmsim run' argument vector for @r writing into @outdir (NULL-terminated,
 * malloc'ed). */
char **sweep_run_args(const struct sweep *s, const struct sweep_run *r, const char *mmsim,
                      const char *outdir);

/* sweep_param_name() - the results.csv column of axis @i: trace, policy, capacity|memory, set.KEY.
 */
void sweep_param_name(const struct sweep *s, size_t i, char *buf, size_t len);

#endif /* MMSIM_SWEEP_H */
