/* SPDX-License-Identifier: MIT */
/*
 * cachesim.h - cache mode (`mmsim run --capacity PAGES`): a trace's data pages
 * replayed against exactly PAGES frames managed by one reclaim policy.
 */
#ifndef MMSIM_CACHESIM_H
#define MMSIM_CACHESIM_H

#include "config.h"
#include "metrics.h"
#include "output.h"
#include "policy.h"
#include "trace.h"

/* Largest --capacity: 2^31 frames (8 TiB of 4 KiB pages) keeps the hash table's
 * 32-bit tags covering its home bits. */
#define CACHESIM_MAX_CAPACITY (1u << 31)

struct cachesim_opts {
	uint64_t capacity;                    /* frames */
	const struct reclaim_policy_ops *ops; /* the policy */
	const struct config *cfg;             /* costs, metrics.interval, policy keys */
	const char *const *traces;            /* replayed in order as one stream */
	int nr_traces;                        /* number of traces */
	const struct trace_open_opts *topts;  /* reader options (format) */
	struct output *out;                   /* timeline rows, or NULL */
	bool progress;                        /* progress line on stderr */
	uint32_t far_distance;                /* tests only: next-use distances of at least this
	                                       * go to the far map (0 = 2^32 - 1, the default) */
};

/**
 * cachesim_run() - replay the traces in cache mode, filling @m.
 * Return: 0; -1 with a message in @err (bad trace, bad policy parameters);
 * the message is already printed when it came from the policy (err empty).
 */
int cachesim_run(const struct cachesim_opts *o, struct metrics *m, char *err, size_t errlen);

/**
 * cachesim_touches() - the page keys of every touch of the traces, in order
 * (the stream cache mode replays; keys name (pid, page) or (file, page)).
 * Return: 0 and the keys in *keys, room for *cap of them (release with
 * cachesim_touches_free()), or -1 with a message in @err.
 */
int cachesim_touches(const struct cachesim_opts *o, uint64_t **keys, uint64_t *nr, uint64_t *cap,
                     char *err, size_t errlen);
void cachesim_touches_free(uint64_t *keys, uint64_t cap);

#endif /* MMSIM_CACHESIM_H */
