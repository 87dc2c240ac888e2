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

#define SHADOW_TAG        (1ULL << 63) /* marks a value as a shadow entry (never 0) */
#define SHADOW_NODE_SHIFT 60           /* bits 60-62: the node the page was evicted from */
#define SHADOW_PAYLOAD    ((1ULL << SHADOW_NODE_SHIFT) - 1) /* the rest: age or the policy's */

/* One node's ages: a lruvec is (cgroup, node); each node_state has one of these. */
struct workingset {
	uint64_t age[MMSIM_MAX_MEMCG]; /* nonresident_age per cgroup on this node */
};

/* The lists a refault is judged against, read from the evicting lruvec. */
struct workingset_sizes {
	uint64_t active_file, inactive_file, active_anon, inactive_anon;
	bool swap; /* the cgroup can still swap (free slots exist) */
};

/* workingset_age() - advance @memcg's nonresident_age and every ancestor's by @n. */
void workingset_age(struct workingset *ws, uint32_t memcg, uint64_t n);

/**
 * workingset_eviction() - the shadow entry for a page of @memcg evicted now
 * from @node (whose ages @ws are), carrying PG_workingset; the age advances
 * by one afterwards.
 */
uint64_t workingset_eviction(struct workingset *ws, unsigned node, uint32_t memcg, bool workingset);

/* Decode a shadow entry. */
static inline uint32_t shadow_memcg(uint64_t shadow)
{
	return (uint32_t)((shadow >> 47) & 0xff);
}
static inline unsigned shadow_node(uint64_t shadow)
{
	return (unsigned)((shadow >> SHADOW_NODE_SHIFT) & 7);
}
/* shadow_with_node() - tag @payload (< 2^60) as a shadow of a page evicted from @node. */
static inline uint64_t shadow_with_node(uint64_t payload, unsigned node)
{
	return SHADOW_TAG | (uint64_t)node << SHADOW_NODE_SHIFT | (payload & SHADOW_PAYLOAD);
}
static inline bool shadow_workingset(uint64_t shadow)
{
	return (shadow >> 46) & 1;
}

/* workingset_distance() - refault distance of @shadow now (evictions + activations since);
 * @ws is the evicting node's. */
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
