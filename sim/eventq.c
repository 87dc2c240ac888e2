// SPDX-License-Identifier: MIT
/*
 * eventq.c - binary min-heap of events ordered by (time, seq).
 *
 * Theory: the engine interleaves several event sources (one stream per traced
 * process, sampling ticks, kswapd steps, ksmd wake-ups, I/O completions). A
 * heap gives O(log n) push/pop with n = pending events, which stays small
 * (a few per source), and the (time, seq) key makes equal-time events pop in
 * the order they were scheduled: no dependence on heap shape, so identical
 * inputs give identical runs.
 */
#include "eventq.h"

#include "util.h"

#include <stdlib.h>

static inline bool event_before(const struct event *a, const struct event *b)
{
	return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

void eventq_init(struct eventq *q)
{
	q->heap = NULL;
	q->nr = q->cap = 0;
	q->next_seq = 0;
}

void eventq_free(struct eventq *q)
{
	free(q->heap);
	eventq_init(q);
}

uint64_t eventq_push(struct eventq *q, uint64_t time, uint32_t type, uint64_t arg)
{
	struct event ev = {.time = time, .seq = q->next_seq++, .arg = arg, .type = type};
	size_t i;

	if (q->nr == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 16;
		q->heap = xrealloc(q->heap, q->cap * sizeof(*q->heap));
	}
	/* Sift up: move parents down until ev's slot is found. */
	for (i = q->nr++; i > 0; i = (i - 1) / 2) {
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
	struct event last;
	size_t i = 0;

	if (!q->nr)
		return false;
	*out = q->heap[0];
	last = q->heap[--q->nr];
	/* Sift the former last element down from the root. */
	for (;;) {
		size_t child = 2 * i + 1;

		if (child >= q->nr)
			break;
		if (child + 1 < q->nr && event_before(&q->heap[child + 1], &q->heap[child]))
			child++;
		if (!event_before(&q->heap[child], &last))
			break;
		q->heap[i] = q->heap[child];
		i = child;
	}
	if (q->nr)
		q->heap[i] = last;
	return true;
}
