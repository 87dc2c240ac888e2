// SPDX-License-Identifier: MIT
/*
 * mrc.c - one-pass LRU miss-ratio curves.
 *
 * Theory (Mattson, Gecsei, Slutz & Traiger, IBM Systems Journal 1970): LRU is
 * a stack algorithm, so a touch hits in a cache of c frames iff its stack
 * distance — the number of distinct pages touched since the previous touch of
 * the same page, itself included — is at most c. One pass computing every
 * distance gives the misses at every size: misses(c) = cold + #(distance > c).
 *
 * Distances in O(log n) each (Bennett & Kruskal 1975 style): a Fenwick tree
 * over touch positions holds a 1 at the latest touch of every page. For a
 * touch at time t of a page last touched at s, the distance is 1 + the number
 * of ones in (s, t); then the one moves from s to t.
 *
 * SHARDS (Waldspurger et al., FAST 2015) samples a fixed fraction R of pages
 * by a hash of the key; sampled distances are scaled by 1/R, and so are the
 * counts, which keeps memory and time proportional to R.
 */
#include "mrc.h"

#include "u64map.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Fenwick tree over positions 1..n. */
static inline void bit_add(int32_t *bit, uint64_t n, uint64_t i, int32_t v)
{
	for (; i <= n; i += i & (~i + 1))
		bit[i] += v;
}

static inline uint64_t bit_sum(const int32_t *bit, uint64_t i)
{
	int64_t s = 0;

	for (; i > 0; i -= i & (~i + 1))
		s += bit[i];
	return (uint64_t)s;
}

void mrc_lru_hist(const uint64_t *keys, uint64_t n, double rate, struct mrc_hist *h)
{
	struct u64map last; /* key -> position of its latest sampled touch */
	int32_t *bit = xcalloc(n + 1, sizeof(int32_t));
	uint64_t threshold = rate >= 1 ? UINT64_MAX : (uint64_t)(rate * 18446744073709551616.0);
	uint64_t scale = rate >= 1 ? 1 : (uint64_t)llround(1.0 / rate);
	uint64_t t = 0, cap = 1024;

	memset(h, 0, sizeof(*h));
	h->dist = xcalloc(cap, sizeof(uint64_t));
	u64map_init(&last, 1024);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t s, d;

		h->accesses += 1;
		if (rate < 1 &&
		    u64map_hash(keys[i] ^ 0x5a5a5a5a5a5a5a5aULL) * 0xc4ceb9fe1a85ec53ULL >=
		            threshold)
			continue;
		t++; /* positions of sampled touches only */
		s = u64map_slot(&last, keys[i]);
		if (last.keys[s] != keys[i]) {
			h->cold += scale;
			u64map_put(&last, keys[i], t);
		} else {
			d = (bit_sum(bit, t - 1) - bit_sum(bit, last.vals[s])) + 1;
			d *= scale;
			if (d >= cap) {
				uint64_t ncap = cap;

				while (ncap <= d)
					ncap *= 2;
				h->dist = xrealloc(h->dist, ncap * sizeof(uint64_t));
				memset(h->dist + cap, 0, (ncap - cap) * sizeof(uint64_t));
				cap = ncap;
			}
			h->dist[d] += scale;
			if (d > h->max_dist)
				h->max_dist = d;
			bit_add(bit, n, last.vals[s], -1);
			last.vals[s] = t;
		}
		bit_add(bit, n, t, 1);
	}
	h->distinct = last.nr * scale;
	free(bit);
	u64map_free(&last);
}

uint64_t mrc_misses(const struct mrc_hist *h, uint64_t size)
{
	uint64_t m = h->cold;

	for (uint64_t d = size + 1; d <= h->max_dist; d++)
		m += h->dist[d];
	return m > h->accesses ? h->accesses : m;
}

void mrc_hist_free(struct mrc_hist *h)
{
	free(h->dist);
	h->dist = NULL;
}
