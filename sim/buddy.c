// SPDX-License-Identifier: MIT
/*
 * buddy.c - the binary buddy allocator, one per zone.
 *
 * Theory (Knowlton 1965; mm/page_alloc.c): free memory is kept as blocks of
 * 2^order pages, aligned to their size, on one free list per order. An
 * order-k request takes the smallest free block of order >= k and splits it,
 * returning the upper halves to the lower lists; a freed block merges with
 * its buddy (the block at pfn ^ 2^order) while that buddy is free and whole,
 * up to BUDDY_MAX_ORDER. Fragmentation is therefore real: after churn a
 * zone can have many free pages and still fail an order-3 request.
 *
 *   order 3:  [0 1 2 3 4 5 6 7]          free(4,2) then free(0,2):
 *   split:    [0 1 2 3][4 5 6 7]         [0..3] and [4..7] are buddies,
 *   split:    [0 1][2 3]                 they merge back into [0..7]
 *
 * Determinism: lists are LIFO (a freed block is reused first, as the kernel's
 * per-CPU lists do) and the initial blocks are queued in address order, so a
 * run allocates the same frames every time.
 *
 * Laziness: the whole max-order blocks of a zone start "fresh": they are on
 * no list and their descriptors are never touched until handed out, so a
 * 1 TiB machine costs host memory only for what a trace uses. nr_free and
 * buddyinfo count fresh blocks as free max-order blocks.
 */
#include "zone.h"

#include "util.h"

#include <stdio.h>

#define MAX_BLOCK (1u << BUDDY_MAX_ORDER)

static void list_add(struct physmem *pm, struct zone *z, uint32_t pfn, unsigned order)
{
	struct frame *f = &pm->frames[pfn];

	f->flags = (uint32_t)(z - pm->zones) << FRAME_ZONE_SHIFT;
	f->flags |= FRAME_BUDDY;
	f->count = order;
	f->prev = FRAME_NONE;
	f->next = z->free_head[order];
	if (f->next != FRAME_NONE)
		pm->frames[f->next].prev = pfn;
	z->free_head[order] = pfn;
	z->nr_listed[order]++;
}

static void list_del(struct physmem *pm, struct zone *z, uint32_t pfn, unsigned order)
{
	struct frame *f = &pm->frames[pfn];

	if (f->prev != FRAME_NONE)
		pm->frames[f->prev].next = f->next;
	else
		z->free_head[order] = f->next;
	if (f->next != FRAME_NONE)
		pm->frames[f->next].prev = f->prev;
	f->flags &= ~FRAME_BUDDY;
	z->nr_listed[order]--;
}

/* Queue [start, end) as the largest aligned blocks that fit, in address order. */
static void add_range(struct physmem *pm, struct zone *z, uint32_t start, uint32_t end)
{
	while (start < end) {
		unsigned o = BUDDY_MAX_ORDER;

		while (o && ((start & ((1u << o) - 1)) || start + (1u << o) > end))
			o--;
		/* Append at the tail of the order's list so lower addresses are used first
		 * (init only: a zone has at most a few dozen partial blocks). */
		list_add(pm, z, start, o);
		if (z->nr_listed[o] > 1) {
			uint32_t head = z->free_head[o], t = head;

			while (pm->frames[t].next != FRAME_NONE)
				t = pm->frames[t].next;
			if (t != head) {
				z->free_head[o] = pm->frames[head].next;
				pm->frames[z->free_head[o]].prev = FRAME_NONE;
				pm->frames[t].next = head;
				pm->frames[head].prev = t;
				pm->frames[head].next = FRAME_NONE;
			}
		}
		start += 1u << o;
	}
}

void buddy_init_zone(struct physmem *pm, unsigned zone_idx);

void buddy_init_zone(struct physmem *pm, unsigned zone_idx)
{
	struct zone *z = &pm->zones[zone_idx];
	uint32_t a = (z->start_pfn + MAX_BLOCK - 1) & ~(MAX_BLOCK - 1);
	uint32_t b = z->end_pfn & ~(MAX_BLOCK - 1);

	for (unsigned o = 0; o <= BUDDY_MAX_ORDER; o++)
		z->free_head[o] = FRAME_NONE;
	z->nr_free = z->end_pfn - z->start_pfn;
	if (a >= b) { /* no whole max-order block: list everything */
		z->fresh_pfn = z->fresh_end = z->end_pfn;
		add_range(pm, z, z->start_pfn, z->end_pfn);
		return;
	}
	z->fresh_pfn = a;
	z->fresh_end = b;
	add_range(pm, z, z->start_pfn, a);
	add_range(pm, z, b, z->end_pfn);
}

uint32_t buddy_alloc(struct physmem *pm, unsigned zone_idx, unsigned order)
{
	struct zone *z = &pm->zones[zone_idx];
	uint32_t pfn = FRAME_NONE;
	unsigned o;

	if (order > BUDDY_MAX_ORDER)
		return FRAME_NONE;
	for (o = order; o <= BUDDY_MAX_ORDER; o++) {
		if (z->free_head[o] != FRAME_NONE) {
			pfn = z->free_head[o];
			list_del(pm, z, pfn, o);
			break;
		}
	}
	if (pfn == FRAME_NONE) {
		if (z->fresh_pfn >= z->fresh_end)
			return FRAME_NONE;
		o = BUDDY_MAX_ORDER;
		pfn = z->fresh_pfn;
		z->fresh_pfn += MAX_BLOCK;
	}
	while (o > order) { /* split: the upper half goes back on the lower list */
		o--;
		pm->frames[pfn + (1u << o)].flags = (uint32_t)zone_idx << FRAME_ZONE_SHIFT;
		list_add(pm, z, pfn + (1u << o), o);
	}
	z->nr_free -= 1u << order;
	for (uint32_t i = 0; i < (1u << order); i++) {
		struct frame *f = &pm->frames[pfn + i];

		f->flags = (uint32_t)zone_idx << FRAME_ZONE_SHIFT;
		f->count = 0;
		f->key = 0;
		f->prev = f->next = FRAME_NONE;
	}
	return pfn;
}

void buddy_free(struct physmem *pm, uint32_t pfn, unsigned order)
{
	unsigned zi = frame_zone(&pm->frames[pfn]); /* set when the block was allocated */
	struct zone *z = &pm->zones[zi];

	SIM_BUG_ON(pm->frames[pfn].flags & FRAME_BUDDY); /* double free */
	SIM_BUG_ON(pfn & ((1u << order) - 1));
	z->nr_free += 1u << order;
	while (order < BUDDY_MAX_ORDER) {
		uint32_t buddy = pfn ^ (1u << order);
		const struct frame *b = &pm->frames[buddy];

		if (buddy < z->start_pfn || buddy + (1u << order) > z->end_pfn ||
		    (buddy >= z->fresh_pfn && buddy < z->fresh_end) || !(b->flags & FRAME_BUDDY) ||
		    b->count != order)
			break;
		list_del(pm, z, buddy, order);
		pfn &= ~(1u << order);
		order++;
	}
	pm->frames[pfn].flags = (uint32_t)zi << FRAME_ZONE_SHIFT;
	list_add(pm, z, pfn, order);
}

uint64_t buddy_nr_free_blocks(const struct physmem *pm, unsigned zone_idx, unsigned order)
{
	const struct zone *z = &pm->zones[zone_idx];
	uint64_t n = z->nr_listed[order];

	if (order == BUDDY_MAX_ORDER && z->fresh_end > z->fresh_pfn)
		n += (z->fresh_end - z->fresh_pfn) / MAX_BLOCK;
	return n;
}

int buddy_check(const struct physmem *pm, char *err, size_t errlen)
{
	for (unsigned zi = 0; zi < pm_nr_flat(pm); zi++) {
		const struct zone *z = &pm->zones[zi];
		uint64_t pages = 0;

		for (unsigned o = 0; o <= BUDDY_MAX_ORDER; o++) {
			uint64_t n = 0;
			uint32_t prev = FRAME_NONE;

			for (uint32_t p = z->free_head[o]; p != FRAME_NONE;
			     p = pm->frames[p].next) {
				const struct frame *f = &pm->frames[p];

				if (!(f->flags & FRAME_BUDDY) || f->count != o || f->prev != prev ||
				    (p & ((1u << o) - 1)) || p < z->start_pfn ||
				    p + (1u << o) > z->end_pfn) {
					snprintf(err, errlen,
					         "zone %u order %u: bad free block at pfn %u", zi,
					         o, p);
					return -1;
				}
				prev = p;
				n++;
			}
			if (n != z->nr_listed[o]) {
				snprintf(err, errlen,
				         "zone %u order %u: %llu blocks listed, count says %llu",
				         zi, o, (unsigned long long)n,
				         (unsigned long long)z->nr_listed[o]);
				return -1;
			}
			pages += buddy_nr_free_blocks(pm, zi, o) << o;
		}
		if (pages != z->nr_free) {
			snprintf(err, errlen,
			         "zone %u: free blocks hold %llu pages, nr_free is %llu", zi,
			         (unsigned long long)pages, (unsigned long long)z->nr_free);
			return -1;
		}
	}
	return 0;
}
