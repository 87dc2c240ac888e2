// SPDX-License-Identifier: MIT
/*
 * shadow.c - the slots of the page cache and the swap cache, and the shadow
 * entries reclaim leaves in them, seen as the kernel's xarray nodes
 * (mm/workingset.c's shadow shrinker, mm/swap_state.c).
 *
 * Theory. A page-cache or swap-cache slot holds a page, a shadow entry (the
 * page was reclaimed; see workingset.c) or nothing. The kernel keeps the slots
 * of a file or swap device in an xarray whose leaf nodes hold 64 slots. A
 * node holding only shadows costs memory and is worth nothing until one of
 * its pages refaults, so such nodes go on a list (the `workingset_nodes`
 * gauge), oldest first, and a shrinker frees nodes beyond a budget of
 * (memory pages) / 8 nodes — shadows use at most about 1/64 x 8 = 1/8 of
 * memory's worth of slots at full density. A freed node's shadows are lost
 * (`workingset_nodereclaim` counts nodes): their pages will fault back as
 * plain new pages.
 *
 * Every change of a slot goes through the helpers here so that the node
 * counts stay exact: page-cache slots are keyed (file, index), a node is
 * (file, index / 64); swap-cache slots are the device's offsets, a node is
 * offset / 64. The swap device's nodes are the first entries of the node array,
 * one per 64 offsets, so a swap slot finds its node by a shift (swap-in and
 * swap-out touch one per page); page-cache nodes are looked up by key and
 * freed when empty. The shrinker runs after each reclaim pass, as shrink_slab does.
 * mmsim has one node (NUMA), so the budget is the machine's, also under
 * cgroup limits (the kernel then uses the cgroup's pages).
 */
#include "mm_internal.h"

#include "util.h"

#include <stdlib.h>

#define SN_NONE UINT32_MAX

static inline uint64_t pc_node(uint64_t key)
{
	return key >> 6;
}

static inline uint32_t sc_node(uint64_t off)
{
	return (uint32_t)(off >> 6);
}

static void list_del(struct shadow_nodes *s, uint32_t i)
{
	struct shadow_node *n = &s->n[i];

	if (n->prev != SN_NONE)
		s->n[n->prev].next = n->next;
	else
		s->head = n->next;
	if (n->next != SN_NONE)
		s->n[n->next].prev = n->prev;
	else
		s->tail = n->prev;
	n->listed = false;
	s->nr_listed--;
}

/* The page-cache node @key, allocated when absent. Return: its index. */
static uint32_t pc_node_get(struct shadow_nodes *s, uint64_t key)
{
	uint64_t slot;
	uint32_t i;

	if (key == s->last_key)
		return s->last_i;
	slot = u64map_slot(&s->index, key);
	if (s->index.keys[slot] == key && s->index.vals[slot]) {
		i = (uint32_t)s->index.vals[slot] - 1;
	} else {
		if (s->free != SN_NONE) {
			i = s->free;
			s->free = s->n[i].next;
		} else {
			if (s->nr == s->cap) {
				s->cap = s->cap ? 2 * s->cap : 256;
				s->n = xrealloc(s->n, s->cap * sizeof(*s->n));
			}
			i = s->nr++;
		}
		s->n[i] = (struct shadow_node){.key = key, .prev = SN_NONE, .next = SN_NONE};
		u64map_put(&s->index, key, i + 1);
	}
	s->last_key = key;
	s->last_i = i;
	return i;
}

/* Account @dpages pages and @dshadows shadows in node @i. */
static void node_add(struct shadow_nodes *s, uint32_t i, int dpages, int dshadows)
{
	struct shadow_node *n = &s->n[i];
	bool shadow_only;
	int pages, shadows;

	/* the new counts are tested from registers: reading the two 16-bit fields back
	 * as one word right after storing them stalls store-to-load forwarding */
	pages = n->pages + dpages;
	shadows = n->shadows + dshadows;
	SIM_BUG_ON(pages < 0 || shadows < 0);
	n->pages = (uint16_t)pages;
	n->shadows = (uint16_t)shadows;
	shadow_only = !pages && shadows;
	if (shadow_only && !n->listed) { /* list_lru_add: newest at the tail */
		n->listed = true;
		n->next = SN_NONE;
		n->prev = s->tail;
		if (s->tail != SN_NONE)
			s->n[s->tail].next = i;
		else
			s->head = i;
		s->tail = i;
		s->nr_listed++;
	} else if (!shadow_only && n->listed) {
		list_del(s, i);
	}
	/* an empty page-cache node is freed; the swap device's stay, empty */
	if (!pages && !shadows && i >= s->nr_swap) {
		s->index.vals[u64map_slot(&s->index, n->key)] = 0;
		s->last_key = UINT64_MAX;
		n->next = s->free;
		s->free = i;
	}
}

void shadow_nodes_init(struct shadow_nodes *s, uint64_t swap_slots)
{
	uint32_t nr_swap = (uint32_t)((swap_slots + 63) >> 6);

	*s = (struct shadow_nodes){.head = SN_NONE,
	                           .tail = SN_NONE,
	                           .free = SN_NONE,
	                           .last_key = UINT64_MAX,
	                           .nr_swap = nr_swap,
	                           .nr = nr_swap,
	                           .cap = nr_swap};
	/* zero-filled is an empty, unlisted swap node (list links are set when listed):
	 * no pass over a large device's nodes */
	if (nr_swap)
		s->n = xcalloc(nr_swap, sizeof(*s->n));
	u64map_init(&s->index, 256);
}

void shadow_nodes_free(struct shadow_nodes *s)
{
	free(s->n);
	u64map_free(&s->index);
}

/* What a page-cache slot value is: 1 page, 2 shadow, 0 nothing. */
static int pc_kind(uint64_t v)
{
	return v == PC_ABSENT ? 0 : (v & SHADOW_TAG) ? 2 : 1;
}

void pc_set(struct machine *mc, uint64_t key, uint64_t val)
{
	uint64_t s = u64map_slot(&mc->pagecache, key);
	int old = mc->pagecache.keys[s] == key ? pc_kind(mc->pagecache.vals[s]) : 0;
	int new = pc_kind(val);

	node_add(&mc->sn, pc_node_get(&mc->sn, pc_node(key)), (new == 1) - (old == 1),
	         (new == 2) - (old == 2));
	u64map_put(&mc->pagecache, key, val);
}

void sc_add(struct machine *mc, uint32_t pfn, uint64_t off)
{
	struct frame *f = &mc->pm.frames[pfn];

	SIM_BUG_ON(mc->swap.slot[off].cache);
	mc->swap.slot[off].cache = pfn + 1;
	f->next = (uint32_t)off;
	f->flags |= FRAME_SWAPCACHE;
	mc->m->nr_swapcached++;
	node_add(&mc->sn, sc_node(off), 1, 0);
}

uint64_t sc_take_shadow(struct machine *mc, uint64_t off)
{
	uint64_t shadow = mc->swap.slot[off].shadow;

	if (shadow) {
		mc->swap.slot[off].shadow = 0;
		node_add(&mc->sn, sc_node(off), 0, -1);
	}
	return shadow;
}

void slot_put(struct machine *mc, uint64_t off)
{
	struct swap_slot *s = &mc->swap.slot[off];

	if (s->count || s->cache)
		return;
	sc_take_shadow(mc, off); /* clear_shadow_from_swap_cache */
	swap_release(&mc->swap, off);
}

void sc_del(struct machine *mc, uint32_t pfn, uint64_t shadow)
{
	struct frame *f = &mc->pm.frames[pfn];
	uint64_t off = f->next;
	struct swap_slot *s = &mc->swap.slot[off];

	SIM_BUG_ON(!(f->flags & FRAME_SWAPCACHE) || s->cache != pfn + 1);
	s->cache = 0;
	s->flags &= ~SWP_READAHEAD;
	f->flags &= ~FRAME_SWAPCACHE;
	mc->m->nr_swapcached--;
	node_add(&mc->sn, sc_node(off), -1, 0);
	if (shadow) {
		s->shadow = shadow;
		node_add(&mc->sn, sc_node(off), 0, 1);
	}
	slot_put(mc, off);
}

/* Free one shadow-only node: its slots lose their shadows. */
static void node_reclaim(struct machine *mc, uint32_t i)
{
	uint64_t node = mc->sn.n[i].key;

	if (i < mc->sn.nr_swap) {
		uint64_t first = (uint64_t)i << 6;

		for (uint64_t off = first; off < first + 64 && off < mc->swap.nr_slots; off++)
			if (mc->swap.slot[off].shadow) {
				sc_take_shadow(mc, off);
				slot_put(mc, off);
			}
	} else {
		for (uint64_t k = node << 6; k < (node << 6) + 64; k++) {
			uint64_t s = u64map_slot(&mc->pagecache, k);

			if (mc->pagecache.keys[s] == k && pc_kind(mc->pagecache.vals[s]) == 2)
				pc_set(mc, k, PC_ABSENT);
		}
	}
	mc->m->workingset_nodereclaim++;
}

void shadow_nodes_trim(struct machine *mc)
{
	uint64_t max = mc->pm.nr_frames >> 3; /* count_shadow_nodes: pages >> (6 - 3) */

	while (mc->sn.nr_listed > max && mc->sn.head != SN_NONE)
		node_reclaim(mc, mc->sn.head);
}
