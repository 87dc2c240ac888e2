// SPDX-License-Identifier: MIT
/*
 * clock.c - CLOCK / second chance.
 *
 * Theory: FIFO with a reference bit per page (Corbato, "A paging experiment
 * with the Multics system", 1968). A hit sets the bit (here: the mechanism's
 * accessed bit, harvested with policy_page_referenced(), exactly like PTE
 * young bits — no per-access hook). To evict, look at the oldest page: if its
 * bit is set, clear it and move the page to the head (a second chance);
 * otherwise evict it. The list with a moving tail is the circular clock face
 * with its hand.
 *
 * Two published conventions differ in whether a newly loaded page starts
 * referenced; `policy.clock.ref_on_insert` selects it:
 *   0 (default) the bit starts clear: FIFO-with-reinsertion (Silberschatz's
 *     second-chance); on the Silberschatz string with 3 frames: 11 faults.
 *   1 the bit starts set (the page was just used): 14 faults on that string.
 */
#include "policy.h"

#include <stddef.h>
#include <stdlib.h>

struct clock_page {
	struct pfn_link link; /* position on the clock */
	uint8_t ref;          /* reference bit set at insertion (ref_on_insert) */
};

struct clock_state {
	struct pfn_list ring; /* head = just inserted, tail = under the hand */
	bool ref_on_insert;   /* policy.clock.ref_on_insert */
};

static int clock_init(struct policy_ctx *ctx)
{
	struct clock_state *s = calloc(1, sizeof(*s));
	uint64_t v = 0;

	if (!s)
		return -1;
	if (policy_config_u64(ctx, "ref_on_insert", &v) && v > 1) {
		policy_error(ctx, "policy.clock.ref_on_insert must be 0 or 1");
		free(s);
		return -1;
	}
	s->ref_on_insert = v == 1;
	pfn_list_init(&s->ring, offsetof(struct clock_page, link));
	ctx->state = s;
	return 0;
}

static void clock_destroy(struct policy_ctx *ctx)
{
	free(ctx->state);
}

static void clock_page_added(struct policy_ctx *ctx, uint32_t pfn, unsigned flags)
{
	struct clock_state *s = ctx->state;
	struct clock_page *p = policy_priv(ctx, pfn);

	p->ref = s->ref_on_insert;
	/* The access that loaded the page must not count as a later reference. */
	(void)policy_page_referenced(ctx, pfn);
	pfn_list_add_head(ctx, &s->ring, pfn);
	policy_set_lru(ctx, pfn, (flags & PG_ADD_FILE) ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON);
}

static void clock_page_removed(struct policy_ctx *ctx, uint32_t pfn)
{
	struct clock_state *s = ctx->state;

	pfn_list_del(ctx, &s->ring, pfn);
}

static void clock_shrink(struct policy_ctx *ctx, struct reclaim_control *rc)
{
	struct clock_state *s = ctx->state;
	/* Two sweeps suffice: the first clears every bit it meets. */
	uint64_t budget = 2 * s->ring.nr + 1;

	while (rc->nr_reclaimed < rc->nr_to_reclaim && budget-- && s->ring.tail != PFN_NONE) {
		uint32_t pfn = s->ring.tail;
		struct clock_page *p = policy_priv(ctx, pfn);
		bool referenced = policy_page_referenced(ctx, pfn) > 0 || p->ref;

		rc->nr_scanned++;
		p->ref = 0;
		if (referenced || policy_reclaim_page(ctx, rc, pfn) != RECLAIM_FREED)
			pfn_list_move_head(ctx, &s->ring, pfn);
	}
	pfn_list_prefetch_tail(ctx, &s->ring);
}

const struct reclaim_policy_ops clock_policy = {
        .name = "clock",
        .description =
                "CLOCK / second chance: FIFO that spares referenced pages once (Corbato 1968)",
        .params = "policy.clock.ref_on_insert = 0|1 (default 0: new pages start unreferenced)",
        .page_priv_size = sizeof(struct clock_page),
        .init = clock_init,
        .destroy = clock_destroy,
        .page_added = clock_page_added,
        .shrink = clock_shrink,
        .page_removed = clock_page_removed,
};
