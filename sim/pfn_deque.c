// SPDX-License-Identifier: MIT
/*
 * pfn_deque.c - the slow paths of the ring-kept frame lists (policy.h).
 *
 * Theory: a pfn_deque's ring holds the list from the tail (position lo) to
 * the head (hi - 1); positions are 32-bit counters reduced modulo the ring
 * size, so they survive wrapping past 2^32 as long as the ring is smaller
 * than 2^31. Deleting from the middle leaves a hole. When an add finds the
 * ring full, either at most half the slots hold frames, and the live frames
 * are slid towards the head over the holes (each frame's stored position
 * rewritten), or the ring doubles, copying the slots to the same positions
 * modulo the new size, so no stored position changes. Squeezing costs one
 * pass over the ring after at least half of it became holes: O(1) amortised
 * per delete.
 */
#include "policy.h"

#include "util.h"

#include <stdlib.h>

#define DEQUE_MIN 64 /* slots of a new ring */

void pfn_deque_init(struct pfn_deque *d, size_t pos_off)
{
	*d = (struct pfn_deque){.pos_off = (uint32_t)pos_off};
}

void pfn_deque_free(struct pfn_deque *d)
{
	free(d->ring);
	d->ring = NULL;
}

/* Slide the frames towards the head over the holes, from the head down. */
static void squeeze(struct policy_ctx *ctx, struct pfn_deque *d)
{
	uint32_t w = d->hi;

	for (uint32_t v = d->hi; v != d->lo;) {
		uint32_t pfn = d->ring[--v & d->mask];

		if (pfn == PFN_NONE)
			continue;
		d->ring[--w & d->mask] = pfn; /* w >= v: never over a slot not yet read */
		*pfn_deque_pos(ctx, d, pfn) = w;
	}
	d->lo = w;
}

void pfn_deque_make_room(struct policy_ctx *ctx, struct pfn_deque *d)
{
	uint32_t size = d->ring ? d->mask + 1 : 0, *ring;

	if (size && d->nr <= size / 2) {
		squeeze(ctx, d);
		return;
	}
	SIM_BUG_ON(size > (1U << 30));
	size = size ? 2 * size : DEQUE_MIN;
	ring = xmalloc((size_t)size * sizeof(*ring));
	for (uint32_t v = d->lo; v != d->hi; v++)
		ring[v & (size - 1)] = d->ring[v & d->mask];
	free(d->ring);
	d->ring = ring;
	d->mask = size - 1;
}
