// SPDX-License-Identifier: MIT
/*
 * u64map.c - growable open-addressing u64 -> u64 map (see u64map.h).
 */
#include "u64map.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>

void u64map_init(struct u64map *m, uint64_t cap)
{
	uint64_t n = 16;

	while (n < cap * 2)
		n <<= 1;
	m->keys = xmalloc(n * sizeof(uint64_t));
	m->vals = xmalloc(n * sizeof(uint64_t));
	memset(m->keys, 0xff, n * sizeof(uint64_t));
	m->mask = n - 1;
	m->nr = 0;
}

void u64map_free(struct u64map *m)
{
	free(m->keys);
	free(m->vals);
	m->keys = m->vals = NULL;
}

static void u64map_grow(struct u64map *m)
{
	struct u64map old = *m;

	u64map_init(m, old.mask + 1);
	for (uint64_t i = 0; i <= old.mask; i++)
		if (old.keys[i] != U64MAP_EMPTY)
			u64map_put(m, old.keys[i], old.vals[i]);
	u64map_free(&old);
}

void u64map_put(struct u64map *m, uint64_t k, uint64_t v)
{
	uint64_t i;

	SIM_BUG_ON(k == U64MAP_EMPTY);
	if ((m->nr + 1) * 2 > m->mask + 1)
		u64map_grow(m);
	i = u64map_slot(m, k);
	if (m->keys[i] == U64MAP_EMPTY) {
		m->keys[i] = k;
		m->nr++;
	}
	m->vals[i] = v;
}
