// SPDX-License-Identifier: MIT
/*
 * twoq.c - 2Q, the full version (Johnson & Shasha, "2Q: A Low Overhead High
 * Performance Buffer Management Replacement Algorithm", VLDB 1994, Fig. 2).
 *
 * Theory: a page seen once goes to A1in, a FIFO of resident pages. When
 * A1in grows beyond Kin pages, its oldest page is evicted and its key is
 * remembered in A1out, a FIFO of at most Kout non-resident keys. A page
 * referenced again while its key is in A1out has proved a reuse distance
 * longer than A1in but within A1in + A1out: it enters Am, an LRU of hot pages.
 * Hits in A1in do nothing (correlated references right after a miss are not
 * evidence of heat); hits in Am move the page to the MRU end. When a frame is
 * needed: evict A1in's oldest page if |A1in| > Kin (remembering it in A1out),
 * else Am's LRU page (not remembered). A one-time scan therefore only cycles
 * through A1in and never displaces Am.
 *
 * Parameters: policy.2q.kin (default 25) and policy.2q.kout (default 50),
 * in percent of the capacity, as the paper recommends; each at least 1 page.
 * Pages removed for other reasons than reclaim (munmap, exit) leave no history.
 * A1in pages are reported on the inactive list, Am pages on the active list.
 */
#include "policy.h"

#include <stddef.h>
#include <stdlib.h>

enum { TWOQ_NONE, TWOQ_A1IN, TWOQ_AM };

struct twoq_page {
	struct pfn_link link; /* position on A1in or Am */
	uint8_t list;         /* TWOQ_A1IN or TWOQ_AM */
	uint8_t file;         /* page-cache page (for the list gauges) */
};

struct twoq_state {
	struct pfn_list a1in;    /* FIFO of pages seen once */
	struct pfn_list am;      /* LRU of hot pages */
	struct ghost_set *a1out; /* keys evicted from A1in (ghost list 0) */
	uint64_t kin, kout;      /* thresholds in pages */
	uint32_t evicting;       /* frame being reclaimed from A1in, PFN_NONE otherwise */
};

static int twoq_init(struct policy_ctx *ctx)
{
	struct twoq_state *s = calloc(1, sizeof(*s));
	uint64_t kin = 25, kout = 50, c = ctx->nr_frames;

	if (!s)
		return -1;
	policy_config_u64(ctx, "kin", &kin);
	policy_config_u64(ctx, "kout", &kout);
	if (kin < 1 || kin > 99 || kout < 1 || kout > 1000) {
		policy_error(ctx, "policy.2q.kin must be 1..99 and policy.2q.kout 1..1000 (percent "
		                  "of capacity)");
		free(s);
		return -1;
	}
	s->kin = c * kin / 100 ? c * kin / 100 : 1;
	s->kout = c * kout / 100 ? c * kout / 100 : 1;
	pfn_list_init(&s->a1in, offsetof(struct twoq_page, link));
	pfn_list_init(&s->am, offsetof(struct twoq_page, link));
	s->a1out = ghost_create((uint32_t)s->kout + 1);
	s->evicting = PFN_NONE;
	ctx->state = s;
	return 0;
}

static void twoq_destroy(struct policy_ctx *ctx)
{
	struct twoq_state *s = ctx->state;

	ghost_destroy(s->a1out);
	free(s);
}

static void twoq_page_added(struct policy_ctx *ctx, uint32_t pfn, unsigned flags)
{
	struct twoq_state *s = ctx->state;
	struct twoq_page *p = policy_priv(ctx, pfn);
	uint64_t key = policy_page_key(ctx, pfn);

	p->file = (flags & PG_ADD_FILE) != 0;
	if (ghost_list_of(s->a1out, key) == 0) { /* re-referenced from A1out: hot */
		ghost_del(s->a1out, key);
		p->list = TWOQ_AM;
		pfn_list_add_head(ctx, &s->am, pfn);
		policy_set_lru(ctx, pfn, p->file ? LRU_ACTIVE_FILE : LRU_ACTIVE_ANON);
	} else {
		p->list = TWOQ_A1IN;
		pfn_list_add_head(ctx, &s->a1in, pfn);
		policy_set_lru(ctx, pfn, p->file ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON);
	}
}

static void twoq_page_accessed(struct policy_ctx *ctx, uint32_t pfn, unsigned access)
{
	struct twoq_state *s = ctx->state;
	struct twoq_page *p = policy_priv(ctx, pfn);

	(void)access;
	if (p->list == TWOQ_AM)
		pfn_list_move_head(ctx, &s->am, pfn);
}

static void twoq_page_removed(struct policy_ctx *ctx, uint32_t pfn)
{
	struct twoq_state *s = ctx->state;
	struct twoq_page *p = policy_priv(ctx, pfn);

	pfn_list_del(ctx, p->list == TWOQ_AM ? &s->am : &s->a1in, pfn);
	if (pfn == s->evicting) { /* reclaimed from A1in: remember it in A1out */
		ghost_add_head(s->a1out, 0, policy_page_key(ctx, pfn));
		if (ghost_len(s->a1out, 0) > s->kout)
			ghost_drop_tail(s->a1out, 0);
	}
	p->list = TWOQ_NONE;
}

static void twoq_shrink(struct policy_ctx *ctx, struct reclaim_control *rc)
{
	struct twoq_state *s = ctx->state;
	uint64_t budget = s->a1in.nr + s->am.nr;

	while (rc->nr_reclaimed < rc->nr_to_reclaim && budget--) {
		bool from_a1in = s->a1in.nr > s->kin || !s->am.nr;
		struct pfn_list *l = from_a1in ? &s->a1in : &s->am;
		uint32_t victim = l->tail;

		if (victim == PFN_NONE)
			break;
		rc->nr_scanned++;
		s->evicting = from_a1in ? victim : PFN_NONE;
		if (policy_reclaim_page(ctx, rc, victim) != RECLAIM_FREED)
			pfn_list_move_head(ctx, l, victim); /* cannot go now: try the next one */
		s->evicting = PFN_NONE;
	}
}

const struct reclaim_policy_ops twoq_policy = {
        .name = "2q",
        .description =
                "2Q full version: A1in FIFO, A1out ghost FIFO, Am LRU (Johnson & Shasha 1994)",
        .params = "policy.2q.kin = 25, policy.2q.kout = 50 (percent of capacity)",
        .page_priv_size = sizeof(struct twoq_page),
        .init = twoq_init,
        .destroy = twoq_destroy,
        .page_added = twoq_page_added,
        .page_accessed = twoq_page_accessed,
        .shrink = twoq_shrink,
        .page_removed = twoq_page_removed,
};
