/* SPDX-License-Identifier: MIT */
/*
 * policy_core.h - the core's side of the policy interface: one policy_core per
 * run holds the running policy, its private per-frame area and the mechanism
 * that answers the policy_*() calls (cache mode now, the full machine later).
 */
#ifndef MMSIM_POLICY_CORE_H
#define MMSIM_POLICY_CORE_H

#include "config.h"
#include "metrics.h"
#include "policy.h"

/* What a mechanism provides; every policy_*() call about pages lands here. */
struct policy_mech_ops {
	uint64_t (*page_key)(void *mech, uint32_t pfn);
	unsigned (*page_flags)(void *mech, uint32_t pfn);
	uint32_t (*page_memcg)(void *mech, uint32_t pfn); /* NULL: every page in the root */
	unsigned (*page_zone)(void *mech, uint32_t pfn);
	int (*page_referenced)(void *mech, uint32_t pfn);
	enum reclaim_result (*reclaim_page)(void *mech, struct reclaim_control *rc, uint32_t pfn);
	void (*note_activation)(void *mech, uint32_t pfn); /* may be NULL */
	uint64_t (*now_ns)(void *mech);
	bool (*incoming_key)(void *mech, uint64_t *key); /* may be NULL: no single cause */
	/* may be NULL: policy_prefetch() for each of @pfns[0..n) */
	void (*prefetch)(void *mech, const uint32_t *pfns, unsigned n, bool deep);
	bool (*page_writeback)(void *mech, uint32_t pfn); /* may be NULL: never */
};

struct policy_core {
	struct policy_ctx ctx;                /* first: policy_ctx* converts back to policy_core* */
	const struct reclaim_policy_ops *ops; /* the running policy */
	const struct policy_mech_ops *mech;   /* the mechanism */
	void *mech_arg;                       /* its state */
	const struct config *cfg;             /* for policy.<name>.<key> */
	struct metrics *metrics;              /* event counters and LRU gauges */
	uint8_t *lru_of;                      /* per frame: enum lru_list + 1 (0 = on no list),
	                                       * | LRU_OF_WORKINGSET */
	uint64_t memcg_lru[MMSIM_MAX_MEMCG][NR_LRU_LISTS]; /* pages per list, per cgroup */
	uint64_t node_lru[NR_LRU_LISTS];                   /* pages per list, this instance */
	uint64_t *gauge[NR_LRU_LISTS];                     /* metrics gauge of each list */
	uint64_t memcg_lru_snap[MMSIM_MAX_MEMCG]
	                       [NR_LRU_LISTS]; /* ... as the last stats flush saw them */
	uint64_t stats_period;                 /* memcg.stats_period, 0 = exact statistics */
	uint64_t stats_time;                   /* time of the last flush */
	uint64_t next_use;                     /* policy_next_use() for needs_future policies */
	uint32_t swappiness;                   /* vm.swappiness */
	bool init_done;                        /* init() succeeded: destroy() must run */
	uint32_t arrays_frames;                /* frames priv_base/lru_of were allocated for,
	                                        * 0 when borrowed from another instance */
	size_t mech_bytes;                     /* the mechanism's bytes before each frame's
	                                        * private area (policy_core_mech_frame) */
};

/**
 * policy_core_init() - allocate the private area for @nr_frames and run the
 * policy's init(). The mechanism may ask for @mech_bytes of its own per frame,
 * laid out just before the policy's bytes (policy_core_mech_frame()), so that
 * one frame's mechanism and policy state share a cache line; 0 for none.
 * Return: 0, or -1 with the policy's error already printed.
 */
int policy_core_init(struct policy_core *pc, const struct reclaim_policy_ops *ops,
                     const struct policy_mech_ops *mech, void *mech_arg, const struct config *cfg,
                     struct metrics *metrics, uint32_t nr_frames, size_t mech_bytes);
/**
 * policy_core_init_node() - one instance per NUMA node: the policy sees
 * @capacity frames (its node's) in ctx.nr_frames, while the per-frame arrays
 * cover the machine's @nr_frames and are allocated by the first instance and
 * shared by the others (@share; NULL = allocate). Frame numbers are global;
 * each instance is only ever given its own node's frames. Destroy the owner
 * last.
 */
int policy_core_init_node(struct policy_core *pc, const struct reclaim_policy_ops *ops,
                          const struct policy_mech_ops *mech, void *mech_arg,
                          const struct config *cfg, struct metrics *metrics, uint32_t capacity,
                          uint32_t nr_frames, const struct policy_core *share);
void policy_core_destroy(struct policy_core *pc);

/* The mechanism's @mech_bytes for @pfn (policy_core_init). */
static inline void *policy_core_mech_frame(const struct policy_core *pc, uint32_t pfn)
{
	return pc->ctx.priv_base - pc->mech_bytes + (size_t)pfn * pc->ctx.priv_stride;
}

/* Zero @pfn's private bytes before page_added (the core's promise to policies). */
void policy_core_clear_priv(struct policy_core *pc, uint32_t pfn);

/* lru_of[] bits: list + 1 (0 = none), the page's cgroup, PG_workingset. */
#define LRU_OF_LIST        0x07u
#define LRU_OF_HELD        0x08u /* the cgroup bits are valid (the page is resident) */
#define LRU_OF_MEMCG       0x70u /* cgroup id, 0..7 */
#define LRU_OF_MEMCG_SHIFT 4
#define LRU_OF_WORKINGSET  0x80u

/* The page's cgroup, from lru_of when it is held there. */
static inline uint32_t policy_core_memcg_of(const struct policy_core *pc, uint32_t pfn, unsigned of)
{
	if (of & LRU_OF_HELD)
		return (of & LRU_OF_MEMCG) >> LRU_OF_MEMCG_SHIFT;
	return pc->mech->page_memcg ? pc->mech->page_memcg(pc->mech_arg, pfn) : 0;
}

/* Count one page more (@d = 1) or less (-1) on @lru of @memcg. */
static inline void policy_core_lru_count(struct policy_core *pc, uint32_t memcg, unsigned lru,
                                         int d)
{
	*pc->gauge[lru] += (uint64_t)(int64_t)d;
	pc->memcg_lru[memcg][lru] += (uint64_t)(int64_t)d;
	pc->node_lru[lru] += (uint64_t)(int64_t)d;
}

/* The frame left every list (freed): drop it from the LRU gauges (inline: once per eviction). */
static inline void policy_core_forget(struct policy_core *pc, uint32_t pfn)
{
	unsigned of = pc->lru_of[pfn];

	if (of & LRU_OF_LIST) /* policy_set_lru(NONE), without what a freed page needs not */
		policy_core_lru_count(pc, policy_core_memcg_of(pc, pfn, of), (of & LRU_OF_LIST) - 1,
		                      -1);
	pc->lru_of[pfn] = 0; /* PG_workingset goes with the page */
}

/* PG_workingset of @pfn (read for the shadow entry at eviction). */
static inline bool policy_core_workingset(const struct policy_core *pc, uint32_t pfn)
{
	return pc->lru_of[pfn] & LRU_OF_WORKINGSET;
}
/* Set PG_workingset (a restored refault). */
static inline void policy_core_set_workingset(struct policy_core *pc, uint32_t pfn)
{
	pc->lru_of[pfn] |= LRU_OF_WORKINGSET;
}

/* Registry (policies/registry.c). */
const struct reclaim_policy_ops *policy_find(const char *name);
/* policy_at() - the i-th registered policy, NULL past the end. */
const struct reclaim_policy_ops *policy_at(size_t i);
/* policy_registry_check() - 0, or -1 naming a duplicate/unnamed entry in @err. */
int policy_registry_check(const struct reclaim_policy_ops *const *list, char *err, size_t errlen);
/* policy_names() - "a, b, c" for messages. */
const char *policy_names(void);

#endif /* MMSIM_POLICY_CORE_H */
