// SPDX-License-Identifier: MIT
/*
 * trace_thread.c - decoding a trace on a thread of its own.
 *
 * Theory: replaying a compressed trace is a two-stage pipeline, decode
 * (zstd, varints, importer parsing) then simulate, and the stages share
 * nothing but the decoded records. On a host with a spare core the decoder
 * can run ahead on that core while the simulator consumes what it decoded,
 * as ChampSim does by reading its traces through an `xz -dc` pipe. The
 * simulator then pays only for its own work and for taking a batch.
 *
 * The two threads share a ring of TRACE_RING_SLOTS batches of up to
 * TRACE_RING_RECS records. The decoder owns the reader (its format state,
 * its error message and its count of records decoded) and fills slot
 * `head % SLOTS` while fewer than SLOTS batches wait; when the ring is full
 * it sleeps until half of it has been consumed. The simulator holds slot
 * `tail % SLOTS` until it asks for the next one. A batch of 0 records
 * marks the end and -1 an error: both stay in the ring (sticky), and the
 * error message, written before the batch was published under the lock, is
 * read after it was taken under the lock. Records come out in file order, so
 * a run's results do not depend on whether the thread is used; only the time
 * it takes does. If the thread cannot be started, the reader decodes inline.
 */
#include "trace_internal.h"

#include "../sim/util.h"

#include <pthread.h>
#include <stdlib.h>

#define TRACE_RING_SLOTS 16   /* batches in flight */
#define TRACE_RING_RECS  1024 /* records per batch (48 KiB) */

struct trace_ring {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;                     /* any change of head, tail or stop */
	struct trace_rec *buf[TRACE_RING_SLOTS]; /* the batches */
	long n[TRACE_RING_SLOTS];                /* records in each; 0 = end, -1 = error */
	uint64_t head;                           /* batches published by the decoder */
	uint64_t tail;                           /* batches released by the consumer */
	bool held;                               /* the consumer holds batch tail */
	bool decoder_waits;                      /* the decoder sleeps on a full ring */
	bool stop;                               /* trace_close: the decoder must quit */
};

static void *decoder(void *arg)
{
	struct trace_reader *r = arg;
	struct trace_ring *g = r->ring;

	for (;;) {
		unsigned k;
		long n;

		pthread_mutex_lock(&g->lock);
		if (g->head - g->tail == TRACE_RING_SLOTS) {
			/* Full: sleep until half of it is free, so that a wake-up (a
			 * futex call, an IPI on a VM) is paid per half ring, not per batch. */
			g->decoder_waits = true;
			while (g->head - g->tail > TRACE_RING_SLOTS / 2 && !g->stop)
				pthread_cond_wait(&g->cond, &g->lock);
			g->decoder_waits = false;
		}
		if (g->stop) {
			pthread_mutex_unlock(&g->lock);
			return NULL;
		}
		pthread_mutex_unlock(&g->lock);
		k = (unsigned)(g->head % TRACE_RING_SLOTS);
		n = trace_read_direct(r, g->buf[k], TRACE_RING_RECS);
		pthread_mutex_lock(&g->lock);
		g->n[k] = n;
		g->head++;
		pthread_cond_signal(&g->cond);
		pthread_mutex_unlock(&g->lock);
		if (n <= 0)
			return NULL;
	}
}

int trace_ring_start(struct trace_reader *r)
{
	struct trace_ring *g = xcalloc(1, sizeof(*g));

	for (unsigned k = 0; k < TRACE_RING_SLOTS; k++)
		g->buf[k] = xmalloc(TRACE_RING_RECS * sizeof(struct trace_rec));
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->cond, NULL);
	r->ring = g;
	if (pthread_create(&g->thread, NULL, decoder, r)) {
		r->ring = NULL;
		trace_ring_free(g);
		return -1;
	}
	return 0;
}

long trace_ring_batch(struct trace_reader *r, const struct trace_rec **recs)
{
	struct trace_ring *g = r->ring;
	unsigned k;
	long n;

	pthread_mutex_lock(&g->lock);
	if (g->held) { /* done with the previous batch: the decoder may refill it */
		g->tail++;
		g->held = false;
		if (g->decoder_waits && g->head - g->tail <= TRACE_RING_SLOTS / 2)
			pthread_cond_signal(&g->cond);
	}
	while (g->head == g->tail)
		pthread_cond_wait(&g->cond, &g->lock);
	k = (unsigned)(g->tail % TRACE_RING_SLOTS);
	n = g->n[k];
	g->held = n > 0; /* an end or error batch stays: it is sticky */
	pthread_mutex_unlock(&g->lock);
	*recs = g->buf[k];
	return n;
}

void trace_ring_stop(struct trace_reader *r)
{
	struct trace_ring *g = r->ring;

	if (!g)
		return;
	pthread_mutex_lock(&g->lock);
	g->stop = true;
	pthread_cond_signal(&g->cond);
	pthread_mutex_unlock(&g->lock);
	pthread_join(g->thread, NULL);
	r->ring = NULL;
	trace_ring_free(g);
}

void trace_ring_free(struct trace_ring *g)
{
	pthread_mutex_destroy(&g->lock);
	pthread_cond_destroy(&g->cond);
	for (unsigned k = 0; k < TRACE_RING_SLOTS; k++)
		free(g->buf[k]);
	free(g);
}
