/* SPDX-License-Identifier: MIT */
/*
 * workingset.h - refault distance: shadow entries and the nonresident age of
 * each lruvec (mm/workingset.c). The theory is in workingset.c.
 */
#ifndef MMSIM_WORKINGSET_H
#define MMSIM_WORKINGSET_H

#include "policy.h"

#include <stdbool.h>
#include <stdint.h>

#define SHADOW_TAG (1ULL << 63) /* marks a value as a shadow entry (never 0) */

struct workingset {
	uint64_t age[MMSIM_MAX_MEMCG]; /* nonresident_age per lruvec (cgroup x the one node) */
};

/* The lists a refault is judged against, read from the evicting lruvec. */
struct workingset_sizes {
	uint64_t active_file, inactive_file, active_anon, inactive_anon;
	bool swap; /* the cgroup can still swap (free slots exist) */
};

/* workingset_age() - advance @memcg's nonresident_age and every ancestor's by @n. */
void workingset_age(struct workingset *ws, uint32_t memcg, uint64_t n);

/**
 * workingset_eviction() - the shadow entry for a page of @memcg evicted now,
 * carrying PG_workingset; the age advances by one afterwards.
 */
uint64_t workingset_eviction(struct workingset *ws, uint32_t memcg, bool workingset);

/* Decode a shadow entry. */
static inline uint32_t shadow_memcg(uint64_t shadow)
{
	return (uint32_t)((shadow >> 47) & 0xffff);
}
static inline bool shadow_workingset(uint64_t shadow)
{
	return (shadow >> 46) & 1;
}

/* workingset_distance() - refault distance of @shadow now (evictions + activations since). */
uint64_t workingset_distance(const struct workingset *ws, uint64_t shadow);

/**
 * workingset_test_recent() - would the page have stayed resident with the
 * active lists' space? file: distance <= active_file (+ active and inactive
 * anon when swap is possible); anon: distance <= active_file + inactive_file
 * (+ active anon when swap is possible).
 */
bool workingset_test_recent(const struct workingset *ws, uint64_t shadow, bool file,
                            const struct workingset_sizes *sz);

#endif /* MMSIM_WORKINGSET_H */
