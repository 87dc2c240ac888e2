/* SPDX-License-Identifier: MIT */
/*
 * machine.h - the full machine: processes, VMAs, page tables, TLBs, demand
 * faults, copy-on-write, the page cache and physical memory, driven by a trace.
 */
#ifndef MMSIM_MACHINE_H
#define MMSIM_MACHINE_H

#include "config.h"
#include "metrics.h"
#include "output.h"
#include "policy.h"
#include "trace.h"

struct machine_opts {
	const struct config *cfg;             /* the machine */
	const struct reclaim_policy_ops *ops; /* the policy (told about every page) */
	const char *const *traces;            /* replayed in order as one stream */
	int nr_traces;                        /* number of traces */
	const struct trace_open_opts *topts;  /* reader options */
	struct output *out;                   /* timeline rows, or NULL */
	bool progress;                        /* progress line on stderr */
};

/**
 * machine_run() - replay the traces on the configured machine, filling @m.
 * Return: 0, or -1 with a one-line message in @err (bad trace, bad config,
 * a kernel allocation with nothing left to reclaim or kill).
 */
int machine_run(const struct machine_opts *o, struct metrics *m, char *err, size_t errlen);

/* machine_async_swap() - whether swap writes end in events for @ops: unless
 * swap.synchronous, for a policy that can rotate a written page. */
bool machine_async_swap(const struct config *cfg, const struct reclaim_policy_ops *ops);

#endif /* MMSIM_MACHINE_H */
