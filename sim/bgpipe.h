/* SPDX-License-Identifier: MIT */
/*
 * bgpipe.h - a producer thread filling fixed-size batches for one consumer
 * (a two-stage pipeline: decode ahead of the simulation). See bgpipe.c.
 */
#ifndef MMSIM_BGPIPE_H
#define MMSIM_BGPIPE_H

#include <stddef.h>

/*
 * The producer: fill @batch (batch_bytes) and return the number of items in
 * it (> 0), 0 at the end or -1 on an error (kept by the producer's own state).
 * Runs on the pipe's thread; it owns @arg while the pipe runs.
 */
typedef long (*bgpipe_fill_fn)(void *arg, void *batch);

struct bgpipe;

/**
 * bgpipe_start() - start a thread calling @fill into @slots batches of
 * @batch_bytes each. Return: the pipe, or NULL if no thread could be started
 * (the caller then calls @fill itself).
 */
struct bgpipe *bgpipe_start(size_t batch_bytes, unsigned slots, bgpipe_fill_fn fill, void *arg);
/**
 * bgpipe_next() - the next batch in production order (*batch; valid until the
 * next call), releasing the previous one. Return: what @fill returned for it;
 * an end (0) or error (-1) is returned again on every later call.
 */
long bgpipe_next(struct bgpipe *p, void **batch);
/* bgpipe_stop() - stop the producer (after its current fill), join, free. NULL is a no-op. */
void bgpipe_stop(struct bgpipe *p);

#endif /* MMSIM_BGPIPE_H */
