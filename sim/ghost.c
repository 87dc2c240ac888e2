// SPDX-License-Identifier: MIT
/*
 * ghost.c - non-resident page history for policies (ghost lists).
 *
 * Theory: adaptive policies (ARC's B1/B2, 2Q's A1out, LIRS's non-resident HIR
 * pages, CLOCK-Pro's test pages) remember recently evicted page keys to
 * recognise a re-reference that came "just too late". The set holds at most
 * max keys in a pool of nodes linked into up to four lists (head = newest),
 * with an open-addressing index from key to node (linear probing,
 * backward-shift deletion, load <= 1/2). Everything is allocated once at
 * creation, so the per-access path never allocates.
 */
#include "policy.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>

#define GHOST_LISTS 4
#define GHOST_NONE  UINT32_MAX
#define GHOST_EMPTY UINT64_MAX

struct ghost_node {
	uint64_t key;     /* page key */
	uint32_t prev;    /* towards the head */
	uint32_t next;    /* towards the tail */
	int list;         /* list index, -1 when free */
	uint32_t payload; /* the policy's word for the key (ghost_set_payload) */
};

struct ghost_set {
	struct ghost_node *node;    /* pool */
	uint32_t max;               /* pool size */
	uint32_t free_head;         /* free nodes, linked by next */
	uint32_t head[GHOST_LISTS]; /* newest per list */
	uint32_t tail[GHOST_LISTS]; /* oldest per list */
	uint32_t len[GHOST_LISTS];  /* entries per list */
	uint64_t *slot_key;         /* index: keys (GHOST_EMPTY = free) */
	uint32_t *slot_node;        /* index: nodes */
	uint64_t mask;              /* index size - 1 */
};

static inline uint64_t ghost_hash(uint64_t k)
{
	k ^= k >> 31;
	k *= 0x7fb5d329728ea185ULL;
	k ^= k >> 27;
	return k;
}

struct ghost_set *ghost_create(uint32_t max)
{
	struct ghost_set *g = xcalloc(1, sizeof(*g));
	uint64_t n = 16;

	g->max = max ? max : 1;
	g->node = xmalloc((size_t)g->max * sizeof(*g->node));
	for (uint32_t i = 0; i < g->max; i++) {
		g->node[i].next = i + 1 < g->max ? i + 1 : GHOST_NONE;
		g->node[i].list = -1;
	}
	g->free_head = 0;
	for (int l = 0; l < GHOST_LISTS; l++)
		g->head[l] = g->tail[l] = GHOST_NONE;
	while (n < 2 * (uint64_t)g->max)
		n <<= 1;
	g->slot_key = xmalloc(n * sizeof(uint64_t));
	g->slot_node = xmalloc(n * sizeof(uint32_t));
	memset(g->slot_key, 0xff, n * sizeof(uint64_t));
	g->mask = n - 1;
	return g;
}

void ghost_destroy(struct ghost_set *g)
{
	if (!g)
		return;
	free(g->node);
	free(g->slot_key);
	free(g->slot_node);
	free(g);
}

static uint64_t slot_of(const struct ghost_set *g, uint64_t key)
{
	uint64_t i = ghost_hash(key) & g->mask;

	while (g->slot_key[i] != GHOST_EMPTY && g->slot_key[i] != key)
		i = (i + 1) & g->mask;
	return i;
}

int ghost_list_of(const struct ghost_set *g, uint64_t key)
{
	uint64_t i = slot_of(g, key);

	return g->slot_key[i] == key ? g->node[g->slot_node[i]].list : -1;
}

void ghost_add_head(struct ghost_set *g, int list, uint64_t key)
{
	uint64_t i = slot_of(g, key);
	uint32_t n = g->free_head;
	struct ghost_node *nd;

	SIM_BUG_ON(g->slot_key[i] == key || n == GHOST_NONE || list < 0 || list >= GHOST_LISTS);
	nd = &g->node[n];
	g->free_head = nd->next;
	nd->key = key;
	nd->list = list;
	nd->payload = 0;
	nd->prev = GHOST_NONE;
	nd->next = g->head[list];
	if (nd->next != GHOST_NONE)
		g->node[nd->next].prev = n;
	else
		g->tail[list] = n;
	g->head[list] = n;
	g->len[list]++;
	g->slot_key[i] = key;
	g->slot_node[i] = n;
}

static void unlink_node(struct ghost_set *g, uint32_t n)
{
	struct ghost_node *nd = &g->node[n];
	int l = nd->list;

	if (nd->prev != GHOST_NONE)
		g->node[nd->prev].next = nd->next;
	else
		g->head[l] = nd->next;
	if (nd->next != GHOST_NONE)
		g->node[nd->next].prev = nd->prev;
	else
		g->tail[l] = nd->prev;
	g->len[l]--;
	nd->list = -1;
	nd->next = g->free_head;
	g->free_head = n;
}

void ghost_del(struct ghost_set *g, uint64_t key)
{
	uint64_t i = slot_of(g, key), j = i;

	if (g->slot_key[i] != key)
		return;
	unlink_node(g, g->slot_node[i]);
	for (;;) { /* backward-shift deletion */
		j = (j + 1) & g->mask;
		if (g->slot_key[j] == GHOST_EMPTY)
			break;
		uint64_t home = ghost_hash(g->slot_key[j]) & g->mask;

		if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
			g->slot_key[i] = g->slot_key[j];
			g->slot_node[i] = g->slot_node[j];
			i = j;
		}
	}
	g->slot_key[i] = GHOST_EMPTY;
}

bool ghost_drop_tail(struct ghost_set *g, int list)
{
	if (g->tail[list] == GHOST_NONE)
		return false;
	ghost_del(g, g->node[g->tail[list]].key);
	return true;
}

uint32_t ghost_len(const struct ghost_set *g, int list)
{
	return g->len[list];
}

void ghost_set_payload(struct ghost_set *g, uint64_t key, uint32_t v)
{
	uint64_t i = slot_of(g, key);

	SIM_BUG_ON(g->slot_key[i] != key);
	g->node[g->slot_node[i]].payload = v;
}

bool ghost_payload(const struct ghost_set *g, uint64_t key, uint32_t *v)
{
	uint64_t i = slot_of(g, key);

	if (g->slot_key[i] != key)
		return false;
	*v = g->node[g->slot_node[i]].payload;
	return true;
}
