// SPDX-License-Identifier: MIT
/*
 * trace_thread.c - a reader decoding on its own thread (trace_open_opts.
 * decode_thread): a bgpipe (sim/bgpipe.c) whose producer is the format's
 * decoder, filling batches of TRACE_RING_RECS records. The decoder owns the
 * reader's format state, error message and count of records decoded
 * (nr_read); the consumer counts what it was handed (nr_delivered). Records
 * come out in file order, so results do not depend on the thread.
 */
#include "trace_internal.h"

#include "../sim/bgpipe.h"

#define TRACE_RING_SLOTS 16   /* batches in flight */
#define TRACE_RING_RECS  1024 /* records per batch (48 KiB) */

static long decode_batch(void *arg, void *batch)
{
	return trace_read_direct(arg, batch, TRACE_RING_RECS);
}

int trace_ring_start(struct trace_reader *r)
{
	r->ring = bgpipe_start(TRACE_RING_RECS * sizeof(struct trace_rec), TRACE_RING_SLOTS,
	                       decode_batch, r);
	return r->ring ? 0 : -1;
}

long trace_ring_batch(struct trace_reader *r, const struct trace_rec **recs)
{
	void *b;
	long n = bgpipe_next(r->ring, &b);

	*recs = b;
	return n;
}

void trace_ring_stop(struct trace_reader *r)
{
	bgpipe_stop(r->ring);
	r->ring = NULL;
}
