/* SPDX-License-Identifier: MIT */
/*
 * eventq.h - the discrete-event queue: a binary min-heap keyed by (time, seq).
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
	struct event *heap; /* heap[0] is the earliest event */
	size_t nr;          /* events queued */
	size_t cap;         /* allocated slots */
	uint64_t next_seq;  /* seq for the next push */
};

void eventq_init(struct eventq *q);
void eventq_free(struct eventq *q);
/* eventq_push() - queue an event of @type due at @time. Returns its seq. */
uint64_t eventq_push(struct eventq *q, uint64_t time, uint32_t type, uint64_t arg);
/* eventq_pop() - remove the earliest event into *out. Return: false if empty. */
bool eventq_pop(struct eventq *q, struct event *out);

/* eventq_peek() - the earliest event without removing it, or NULL. */
static inline const struct event *eventq_peek(const struct eventq *q)
{
	return q->nr ? &q->heap[0] : NULL;
}

#endif /* MMSIM_EVENTQ_H */
