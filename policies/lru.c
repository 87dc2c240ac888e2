// SPDX-License-Identifier: MIT
/*
 * lru.c - exact Least Recently Used.
 *
 * Theory: every access moves the page to the head of one list; the victim is
 * the tail, the page whose last use is oldest. LRU is a stack algorithm
 * (Mattson et al., "Evaluation techniques for storage hierarchies", IBM
 * Systems Journal 1970): the resident set with c frames is always a subset of
 * the one with c + 1, so it has no Belady anomaly and one stack-distance pass
 * gives its miss ratio at every size (mmsim mrc).
 *
 * It needs page_accessed on every access, so the engine calls it per access.
 * Parameters: none.
 */
#include "policy.h"

#include <stddef.h>
#include <stdlib.h>

struct lru_page {
	struct pfn_link link; /* position on the list */
};

struct lru_state {
	struct pfn_list list; /* head = most recently used */
};

static int lru_init(struct policy_ctx *ctx)
{
	struct lru_state *s = calloc(1, sizeof(*s));

	if (!s)
		return -1;
	pfn_list_init(&s->list, offsetof(struct lru_page, link));
	ctx->state = s;
	return 0;
}

static void lru_destroy(struct policy_ctx *ctx)
{
	free(ctx->state);
}

static void lru_page_added(struct policy_ctx *ctx, uint32_t pfn, unsigned flags)
{
	struct lru_state *s = ctx->state;

	pfn_list_add_head(ctx, &s->list, pfn);
	policy_set_lru(ctx, pfn, (flags & PG_ADD_FILE) ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON);
}

static void lru_page_accessed(struct policy_ctx *ctx, uint32_t pfn, unsigned access)
{
	struct lru_state *s = ctx->state;

	(void)access;
	pfn_list_move_head(ctx, &s->list, pfn);
}

static void lru_page_removed(struct policy_ctx *ctx, uint32_t pfn)
{
	struct lru_state *s = ctx->state;

	pfn_list_del(ctx, &s->list, pfn);
}

static void lru_shrink(struct policy_ctx *ctx, struct reclaim_control *rc)
{
	struct lru_state *s = ctx->state;
	uint64_t budget = s->list.nr; /* each page is looked at most once per call */

	while (rc->nr_reclaimed < rc->nr_to_reclaim && budget-- && s->list.tail != PFN_NONE) {
		uint32_t victim = s->list.tail;

		rc->nr_scanned++;
		if (policy_reclaim_page(ctx, rc, victim) != RECLAIM_FREED)
			pfn_list_move_head(ctx, &s->list, victim); /* could not go now: rotate */
	}
	pfn_list_prefetch_tail(ctx, &s->list);
}

const struct reclaim_policy_ops lru_policy = {
        .name = "lru",
        .description = "exact LRU: evict the least recently used page (Mattson et al. 1970)",
        .params = "(none)",
        .page_priv_size = sizeof(struct lru_page),
        .init = lru_init,
        .destroy = lru_destroy,
        .page_added = lru_page_added,
        .page_accessed = lru_page_accessed,
        .shrink = lru_shrink,
        .page_removed = lru_page_removed,
};
