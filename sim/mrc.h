/* SPDX-License-Identifier: MIT */
/*
 * mrc.h - LRU miss-ratio curves in one pass (Mattson stack distances).
 */
#ifndef MMSIM_MRC_H
#define MMSIM_MRC_H

#include <stddef.h>
#include <stdint.h>

struct mrc_hist {
	uint64_t *dist;    /* dist[d] = touches at stack distance d (1-based), scaled */
	uint64_t max_dist; /* largest distance seen */
	uint64_t cold;     /* first touches (infinite distance), scaled */
	uint64_t accesses; /* touches, scaled */
	uint64_t distinct; /* distinct keys (scaled estimate with sampling) */
};

/**
 * mrc_lru_hist() - stack-distance histogram of @keys[0..n). With @rate < 1,
 * SHARDS fixed-rate sampling (Waldspurger et al., FAST 2015): only keys whose
 * hash falls below rate * 2^64 are tracked, their distances divided by rate and
 * their counts multiplied by 1/rate.
 */
void mrc_lru_hist(const uint64_t *keys, uint64_t n, double rate, struct mrc_hist *h);
/* mrc_misses() - LRU misses with @size frames: cold + touches with distance > size. */
uint64_t mrc_misses(const struct mrc_hist *h, uint64_t size);
void mrc_hist_free(struct mrc_hist *h);

#endif /* MMSIM_MRC_H */
