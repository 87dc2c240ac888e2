// SPDX-License-Identifier: MIT
/*
 * eventq.c - the event queue: events ordered by (time, seq).
 *
 * Theory: the engine interleaves several event sources (one stream per traced
 * process, sampling ticks, kswapd steps, ksmd wake-ups, I/O completions). The
 * (time, seq) key makes equal-time events pop in the order they were
 * scheduled: no dependence on the queue's shape, so identical inputs give
 * identical runs. Most sources schedule in time order (ticks, a device's
 * write completions), so an event no earlier than the last one in the FIFO
 * is appended there in O(1); any other goes to a binary min-heap, O(log n).
 * Both hold their events in (time, seq) order (an appended event has the
 * largest seq so far), so popping the earlier of the two heads yields exactly
 * the order of a single heap.
 */
#include "eventq.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>

void eventq_init(struct eventq *q)
{
	memset(q, 0, sizeof(*q));
	q->next_time = UINT64_MAX;
}

void eventq_free(struct eventq *q)
{
	free(q->heap);
	free(q->fifo);
	eventq_init(q);
}

/* Append @ev to the FIFO, doubling the ring when full. */
static void fifo_append(struct eventq *q, const struct event *ev)
{
	size_t n = q->fifo_hi - q->fifo_lo;

	if (!q->fifo || n > q->fifo_mask) {
		size_t slots = q->fifo ? 2 * (q->fifo_mask + 1) : 16;
		struct event *ring = xmalloc(slots * sizeof(*ring));

		for (size_t i = 0; i < n; i++) /* unwrapped, from slot 0 */
			ring[i] = q->fifo[(q->fifo_lo + i) & q->fifo_mask];
		free(q->fifo);
		q->fifo = ring;
		q->fifo_mask = slots - 1;
		q->fifo_lo = 0;
		q->fifo_hi = n;
	}
	q->fifo[q->fifo_hi++ & q->fifo_mask] = *ev;
}

uint64_t eventq_push(struct eventq *q, uint64_t time, uint32_t type, uint64_t arg)
{
	struct event ev = {.time = time, .seq = q->next_seq++, .arg = arg, .type = type};
	size_t i;

	q->nr++;
	if (time < q->next_time)
		q->next_time = time;
	if (q->fifo_lo == q->fifo_hi || time >= q->fifo[(q->fifo_hi - 1) & q->fifo_mask].time) {
		fifo_append(q, &ev);
		return ev.seq;
	}
	if (q->heap_nr == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 16;
		q->heap = xrealloc(q->heap, q->cap * sizeof(*q->heap));
	}
	/* Sift up: move parents down until ev's slot is found. */
	for (i = q->heap_nr++; i > 0; i = (i - 1) / 2) {
		struct event *parent = &q->heap[(i - 1) / 2];

		if (!event_before(&ev, parent))
			break;
		q->heap[i] = *parent;
	}
	q->heap[i] = ev;
	return ev.seq;
}

bool eventq_pop(struct eventq *q, struct event *out)
{
	const struct event *head = eventq_peek(q);
	struct event last;
	size_t i = 0, n;

	if (!head)
		return false;
	*out = *head;
	q->nr--;
	if (head != q->heap) {
		q->fifo_lo++;
		head = eventq_peek(q);
		q->next_time = head ? head->time : UINT64_MAX;
		return true;
	}
	n = --q->heap_nr;
	last = q->heap[n];
	/* Sift the former last element down from the root. */
	for (;;) {
		size_t child = 2 * i + 1;

		if (child >= n)
			break;
		if (child + 1 < n && event_before(&q->heap[child + 1], &q->heap[child]))
			child++;
		if (!event_before(&q->heap[child], &last))
			break;
		q->heap[i] = q->heap[child];
		i = child;
	}
	if (n)
		q->heap[i] = last;
	head = eventq_peek(q);
	q->next_time = head ? head->time : UINT64_MAX;
	return true;
}
