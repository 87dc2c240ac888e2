/* SPDX-License-Identifier: MIT */
/*
 * eventq.h - the discrete-event queue, ordered by (time, seq): a FIFO for
 * events pushed in time order, a binary min-heap for the others.
 *
 * seq is a per-queue counter stamped at insertion, so events due at the same
 * simulated nanosecond pop in insertion order and every run is deterministic.
 */
#ifndef MMSIM_EVENTQ_H
#define MMSIM_EVENTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct event {
	uint64_t time; /* simulated ns when the event is due */
	uint64_t seq;  /* insertion order, the tie-break */
	uint64_t arg;  /* event-specific payload (pid, device, ...) */
	uint32_t type; /* event kind, defined by the engine */
	uint32_t pad;  /* zero */
};

struct eventq {
	struct event *heap;      /* heap[0] is the heap's earliest event */
	size_t heap_nr;          /* events in the heap */
	size_t cap;              /* heap slots allocated */
	struct event *fifo;      /* ring of events in (time, seq) order */
	size_t fifo_lo, fifo_hi; /* first queued, one past the last (modulo fifo_mask + 1) */
	size_t fifo_mask;        /* ring slots - 1 (a power of two), 0 before the first push */
	size_t nr;               /* events queued (heap and FIFO) */
	uint64_t next_time;      /* time of the earliest event, UINT64_MAX when empty */
	uint64_t next_seq;       /* seq for the next push */
};

void eventq_init(struct eventq *q);
void eventq_free(struct eventq *q);
/* eventq_push() - queue an event of @type due at @time. Returns its seq. */
uint64_t eventq_push(struct eventq *q, uint64_t time, uint32_t type, uint64_t arg);
/* eventq_pop() - remove the earliest event into *out. Return: false if empty. */
bool eventq_pop(struct eventq *q, struct event *out);

/* event_before() - @a pops before @b: earlier, or as early and queued first. */
static inline bool event_before(const struct event *a, const struct event *b)
{
	return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

/* eventq_peek() - the earliest event without removing it, or NULL. */
static inline const struct event *eventq_peek(const struct eventq *q)
{
	const struct event *f;

	if (!q->nr)
		return NULL;
	if (q->fifo_lo == q->fifo_hi)
		return &q->heap[0];
	f = &q->fifo[q->fifo_lo & q->fifo_mask];
	return q->heap_nr && event_before(&q->heap[0], f) ? &q->heap[0] : f;
}

#endif /* MMSIM_EVENTQ_H */
