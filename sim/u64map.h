/* SPDX-License-Identifier: MIT */
/*
 * u64map.h - a growable open-addressing hash map from 64-bit keys to 64-bit
 * values (linear probing, load factor <= 1/2, key UINT64_MAX reserved as
 * "empty"). Used where a table is built once per run (owner indices, next-use
 * positions, last-touch positions); hot-path tables of fixed size keep their
 * own flat arrays.
 */
#ifndef MMSIM_U64MAP_H
#define MMSIM_U64MAP_H

#include <stdint.h>

#define U64MAP_EMPTY UINT64_MAX /* the one key that cannot be stored */

struct u64map {
	uint64_t *keys; /* U64MAP_EMPTY = free slot */
	uint64_t *vals; /* values */
	uint64_t mask;  /* slots - 1 (a power of two minus one) */
	uint64_t nr;    /* entries */
};

/* u64map_hash() - the mixer every table in mmsim uses (MurmurHash3 finaliser, first half). */
static inline uint64_t u64map_hash(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return k;
}

/* u64map_init() - room for @cap entries before the first growth. */
void u64map_init(struct u64map *m, uint64_t cap);
void u64map_free(struct u64map *m);
/* u64map_put() - insert or overwrite. */
void u64map_put(struct u64map *m, uint64_t k, uint64_t v);

/* u64map_slot() - the slot holding @k, or the empty slot where it would go. */
static inline uint64_t u64map_slot(const struct u64map *m, uint64_t k)
{
	uint64_t i = u64map_hash(k) & m->mask;

	while (m->keys[i] != U64MAP_EMPTY && m->keys[i] != k)
		i = (i + 1) & m->mask;
	return i;
}

#endif /* MMSIM_U64MAP_H */
