// SPDX-License-Identifier: MIT
/*
 * bgpipe.c - a producer thread filling fixed-size batches for one consumer.
 *
 * Theory: replaying a compressed trace is a pipeline, decode (zstd, varints,
 * importer parsing, expanding records into page touches) then simulate, and
 * the stages share nothing but the batches between them. On a host with a
 * spare core the first stage runs ahead on that core while the simulator
 * consumes what it produced, as ChampSim does by reading its traces through
 * an `xz -dc` pipe; the simulator then pays only for its own work.
 *
 * The two threads share a ring of `slots` batches. The producer fills batch
 * `head % slots` while fewer than `slots` batches wait; when the ring is full
 * it sleeps until half of it has been consumed, so that a wake-up (a futex
 * call, an IPI on a virtual machine) is paid per half ring, not per batch.
 * The consumer holds batch `tail % slots` until it asks for the next one. A
 * fill that returns 0 (end) or -1 (error) ends production and stays in the
 * ring, so it is returned again on every later call. Whatever the producer
 * wrote before publishing a batch under the lock (an error message, say) is
 * visible to the consumer once it has taken the batch under the lock. Batches
 * come out in production order: results never depend on the thread, only the
 * time they take.
 */
#include "bgpipe.h"

#include "util.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#define BGPIPE_SPIN 8192 /* pauses (some tens of microseconds) before the consumer sleeps */

struct bgpipe {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;   /* any change of head, tail or stop */
	bgpipe_fill_fn fill;   /* the producer's work */
	void *arg;             /* ... and its state */
	unsigned slots;        /* batches in the ring */
	unsigned char **buf;   /* the batches */
	long *n;               /* fill()'s result for each */
	_Atomic uint64_t head; /* batches published by the producer (read unlocked to spin) */
	uint64_t tail;         /* batches released by the consumer */
	bool held;             /* the consumer holds batch tail */
	bool producer_waits;   /* the producer sleeps on a full ring */
	bool stop;             /* bgpipe_stop: the producer must quit */
};

static void *producer(void *arg)
{
	struct bgpipe *p = arg;

	for (;;) {
		unsigned k;
		long n;

		pthread_mutex_lock(&p->lock);
		if (p->head - p->tail == p->slots) {
			p->producer_waits = true;
			while (p->head - p->tail > p->slots / 2 && !p->stop)
				pthread_cond_wait(&p->cond, &p->lock);
			p->producer_waits = false;
		}
		if (p->stop) {
			pthread_mutex_unlock(&p->lock);
			return NULL;
		}
		pthread_mutex_unlock(&p->lock);
		k = (unsigned)(p->head % p->slots);
		n = p->fill(p->arg, p->buf[k]);
		pthread_mutex_lock(&p->lock);
		p->n[k] = n;
		atomic_store_explicit(&p->head, p->head + 1, memory_order_release);
		pthread_cond_signal(&p->cond);
		pthread_mutex_unlock(&p->lock);
		if (n <= 0)
			return NULL;
	}
}

static void pipe_free(struct bgpipe *p)
{
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
	for (unsigned k = 0; k < p->slots; k++)
		free(p->buf[k]);
	free(p->buf);
	free(p->n);
	free(p);
}

struct bgpipe *bgpipe_start(size_t batch_bytes, unsigned slots, bgpipe_fill_fn fill, void *arg)
{
	struct bgpipe *p = xcalloc(1, sizeof(*p));

	p->fill = fill;
	p->arg = arg;
	p->slots = slots < 2 ? 2 : slots;
	p->buf = xcalloc(p->slots, sizeof(*p->buf));
	p->n = xcalloc(p->slots, sizeof(*p->n));
	for (unsigned k = 0; k < p->slots; k++)
		p->buf[k] = xmalloc(batch_bytes);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	if (pthread_create(&p->thread, NULL, producer, p)) {
		pipe_free(p);
		return NULL;
	}
	return p;
}

/* A short pause in a spin loop. */
static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

long bgpipe_next(struct bgpipe *p, void **batch)
{
	uint64_t want = p->tail + (p->held ? 1 : 0);
	unsigned k;
	long n;

	/*
	 * If the producer is behind, spin briefly before sleeping: a batch takes
	 * it tens of microseconds, and a sleep costs a futex wake-up per batch (an
	 * IPI on a virtual machine), more than the pipe saves.
	 */
	for (unsigned i = 0;
	     i < BGPIPE_SPIN && atomic_load_explicit(&p->head, memory_order_acquire) <= want; i++)
		cpu_relax();
	pthread_mutex_lock(&p->lock);
	if (p->held) { /* done with the previous batch: the producer may refill it */
		p->tail++;
		p->held = false;
		if (p->producer_waits && p->head - p->tail <= p->slots / 2)
			pthread_cond_signal(&p->cond);
	}
	while (p->head == p->tail)
		pthread_cond_wait(&p->cond, &p->lock);
	k = (unsigned)(p->tail % p->slots);
	n = p->n[k];
	p->held = n > 0; /* an end or error batch stays: it is sticky */
	pthread_mutex_unlock(&p->lock);
	*batch = p->buf[k];
	return n;
}

void bgpipe_stop(struct bgpipe *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
	pipe_free(p);
}
