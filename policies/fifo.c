// SPDX-License-Identifier: MIT
/*
 * fifo.c - First In, First Out.
 *
 * Theory: pages are evicted in the order they were loaded; hits change
 * nothing. FIFO is not a stack algorithm: more frames can mean more faults
 * (Belady, Nelson & Shedler, "An anomaly in space-time characteristics of
 * certain programs running in a paging machine", CACM 1969; the string
 * 1,2,3,4,1,2,5,1,2,3,4,5 faults 9 times with 3 frames and 10 with 4).
 * Parameters: none. No per-access hook: hits cost nothing.
 */
#include "policy.h"

#include <stddef.h>
#include <stdlib.h>

struct fifo_page {
	struct pfn_link link; /* position in load order */
};

struct fifo_state {
	struct pfn_list queue; /* head = newest, tail = oldest */
};

static int fifo_init(struct policy_ctx *ctx)
{
	struct fifo_state *s = calloc(1, sizeof(*s));

	if (!s)
		return -1;
	pfn_list_init(&s->queue, offsetof(struct fifo_page, link));
	ctx->state = s;
	return 0;
}

static void fifo_destroy(struct policy_ctx *ctx)
{
	free(ctx->state);
}

static void fifo_page_added(struct policy_ctx *ctx, uint32_t pfn, unsigned flags)
{
	struct fifo_state *s = ctx->state;

	pfn_list_add_head(ctx, &s->queue, pfn);
	policy_set_lru(ctx, pfn, (flags & PG_ADD_FILE) ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON);
}

static void fifo_page_removed(struct policy_ctx *ctx, uint32_t pfn)
{
	struct fifo_state *s = ctx->state;

	pfn_list_del(ctx, &s->queue, pfn);
}

static void fifo_shrink(struct policy_ctx *ctx, struct reclaim_control *rc)
{
	struct fifo_state *s = ctx->state;
	uint64_t budget = s->queue.nr;

	while (rc->nr_reclaimed < rc->nr_to_reclaim && budget-- && s->queue.tail != PFN_NONE) {
		uint32_t victim = s->queue.tail;

		rc->nr_scanned++;
		if (policy_reclaim_page(ctx, rc, victim) != RECLAIM_FREED)
			pfn_list_move_head(ctx, &s->queue, victim);
	}
	pfn_list_prefetch_tail(ctx, &s->queue);
}

const struct reclaim_policy_ops fifo_policy = {
        .name = "fifo",
        .description = "FIFO: evict in load order (Belady, Nelson & Shedler 1969)",
        .params = "(none)",
        .page_priv_size = sizeof(struct fifo_page),
        .init = fifo_init,
        .destroy = fifo_destroy,
        .page_added = fifo_page_added,
        .shrink = fifo_shrink,
        .page_removed = fifo_page_removed,
};
