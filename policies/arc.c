// SPDX-License-Identifier: MIT
/*
 * arc.c - ARC, Adaptive Replacement Cache (Megiddo & Modha, "ARC: A
 * Self-Tuning, Low Overhead Replacement Cache", FAST 2003, Figure 1).
 *
 * Theory: with c frames, ARC keeps two LRU lists of resident pages, T1 (seen
 * once recently) and T2 (seen at least twice), and two ghost lists of keys
 * just evicted from them, B1 and B2, with |T1|+|B1| <= c and
 * |T1|+|T2|+|B1|+|B2| <= 2c. A target p for |T1| adapts online: a miss whose
 * key is in B1 means T1 was too small (p += max(1, |B2|/|B1|)), one in B2 that
 * T2 was (p -= max(1, |B1|/|B2|)). The victim is T1's LRU page (to B1) when
 * |T1| > p, or |T1| == p and the missing key is in B2; otherwise T2's LRU
 * page (to B2) — the paper's REPLACE. A completely new page, when the cache is
 * full: if |T1|+|B1| == c, drop B1's oldest key (or, if B1 is empty, evict
 * T1's LRU page outright) before REPLACE; else if all four lists hold 2c
 * entries drop B2's oldest key. Hits move the page to T2's MRU end.
 *
 * Mapping onto the interface: shrink() runs before page_added() on a miss
 * and asks policy_incoming_key() for the missing key, so the case analysis
 * happens where the paper does it. Integer division gives the deltas, as in
 * the paper's integer p. Without an incoming key (kswapd-style reclaim in the
 * full machine) shrink applies REPLACE for a key in no ghost list, and ghost
 * lists are trimmed to the two bounds above. T1 pages are reported on the
 * inactive list, T2 pages on the active list. Parameters: none.
 */
#include "policy.h"

#include <stddef.h>
#include <stdlib.h>

enum { ARC_NONE, ARC_T1, ARC_T2 };
enum { ARC_B1, ARC_B2 }; /* ghost list numbers */

struct arc_page {
	struct pfn_link link; /* position on T1 or T2 */
	uint8_t list;         /* ARC_T1 or ARC_T2 */
	uint8_t file;         /* page-cache page (list gauges) */
};

struct arc_state {
	struct pfn_list t1, t2;  /* resident: recency and frequency */
	struct ghost_set *ghost; /* B1 (list 0) and B2 (list 1) */
	uint64_t c;              /* capacity */
	uint64_t p;              /* target size of T1 */
	uint32_t evicting;       /* frame being reclaimed, PFN_NONE otherwise */
	int ghost_for;           /* ghost list the evicted key goes to, -1 = none */
	bool adapted;            /* p was adapted for adapted_key in shrink */
	uint64_t adapted_key;    /* ... that key */
};

static int arc_init(struct policy_ctx *ctx)
{
	struct arc_state *s = calloc(1, sizeof(*s));

	if (!s)
		return -1;
	s->c = ctx->nr_frames;
	pfn_list_init(&s->t1, offsetof(struct arc_page, link));
	pfn_list_init(&s->t2, offsetof(struct arc_page, link));
	s->ghost = ghost_create((uint32_t)(2 * s->c + 2));
	s->evicting = PFN_NONE;
	ctx->state = s;
	return 0;
}

static void arc_destroy(struct policy_ctx *ctx)
{
	struct arc_state *s = ctx->state;

	ghost_destroy(s->ghost);
	free(s);
}

static void set_list(struct policy_ctx *ctx, uint32_t pfn, struct arc_page *p, int list)
{
	p->list = (uint8_t)list;
	policy_set_lru(ctx, pfn,
	               list == ARC_T2 ? (p->file ? LRU_ACTIVE_FILE : LRU_ACTIVE_ANON)
	                              : (p->file ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON));
}

/* p adaptation on a ghost hit (cases II and III). */
static void arc_adapt(struct arc_state *s, int ghost_list)
{
	uint64_t b1 = ghost_len(s->ghost, ARC_B1), b2 = ghost_len(s->ghost, ARC_B2);

	if (ghost_list == ARC_B1) {
		uint64_t d = b1 >= b2 ? 1 : b2 / b1;

		s->p = s->p + d > s->c ? s->c : s->p + d;
	} else {
		uint64_t d = b2 >= b1 ? 1 : b1 / b2;

		s->p = s->p > d ? s->p - d : 0;
	}
}

/* Evict the tail of @l, sending its key to ghost list @ghost (-1: forget it). */
static bool evict_tail(struct policy_ctx *ctx, struct reclaim_control *rc, struct pfn_list *l,
                       int ghost)
{
	struct arc_state *s = ctx->state;
	uint32_t victim = l->tail;
	enum reclaim_result r;

	if (victim == PFN_NONE)
		return false;
	rc->nr_scanned++;
	s->evicting = victim;
	s->ghost_for = ghost;
	r = policy_reclaim_page(ctx, rc, victim);
	s->evicting = PFN_NONE;
	if (r != RECLAIM_FREED) {
		pfn_list_move_head(ctx, l, victim);
		return false;
	}
	return true;
}

/* REPLACE(x, p). */
static bool arc_replace(struct policy_ctx *ctx, struct reclaim_control *rc, bool x_in_b2)
{
	struct arc_state *s = ctx->state;
	bool from_t1 = s->t1.nr >= 1 && ((x_in_b2 && s->t1.nr == s->p) || s->t1.nr > s->p);

	if (!from_t1 && !s->t2.nr)
		from_t1 = true; /* T2 empty: nothing else to take */
	if (from_t1 && !s->t1.nr)
		from_t1 = false;
	return from_t1 ? evict_tail(ctx, rc, &s->t1, ARC_B1) : evict_tail(ctx, rc, &s->t2, ARC_B2);
}

static void arc_shrink(struct policy_ctx *ctx, struct reclaim_control *rc)
{
	struct arc_state *s = ctx->state;
	uint64_t x, budget = s->t1.nr + s->t2.nr;
	bool have = policy_incoming_key(ctx, &x);

	s->adapted = false;
	if (have && rc->nr_to_reclaim == 1) {
		int g = ghost_list_of(s->ghost, x);

		if (g >= 0) { /* cases II and III */
			arc_adapt(s, g);
			s->adapted = true;
			s->adapted_key = x;
			arc_replace(ctx, rc, g == ARC_B2);
		} else if (s->t1.nr + ghost_len(s->ghost, ARC_B1) >= s->c) { /* case IV.A */
			if (s->t1.nr < s->c) {
				ghost_drop_tail(s->ghost, ARC_B1);
				arc_replace(ctx, rc, false);
			} else {
				evict_tail(ctx, rc, &s->t1, -1);
			}
		} else { /* case IV.B */
			if (s->t1.nr + s->t2.nr + ghost_len(s->ghost, ARC_B1) +
			            ghost_len(s->ghost, ARC_B2) >=
			    2 * s->c)
				ghost_drop_tail(s->ghost, ARC_B2);
			arc_replace(ctx, rc, false);
		}
	}
	while (rc->nr_reclaimed < rc->nr_to_reclaim && budget--)
		if (!arc_replace(ctx, rc, false) && !s->t1.nr && !s->t2.nr)
			break;
}

static void arc_page_added(struct policy_ctx *ctx, uint32_t pfn, unsigned flags)
{
	struct arc_state *s = ctx->state;
	struct arc_page *p = policy_priv(ctx, pfn);
	uint64_t key = policy_page_key(ctx, pfn);
	int g = ghost_list_of(s->ghost, key);

	p->file = (flags & PG_ADD_FILE) != 0;
	if (g >= 0) { /* a ghost hit: the page was wanted again, it is frequent */
		if (!(s->adapted && s->adapted_key == key))
			arc_adapt(s, g); /* no reclaim was needed (free frames) */
		ghost_del(s->ghost, key);
		pfn_list_add_head(ctx, &s->t2, pfn);
		set_list(ctx, pfn, p, ARC_T2);
	} else {
		pfn_list_add_head(ctx, &s->t1, pfn);
		set_list(ctx, pfn, p, ARC_T1);
	}
	s->adapted = false;
}

static void arc_page_accessed(struct policy_ctx *ctx, uint32_t pfn, unsigned access)
{
	struct arc_state *s = ctx->state;
	struct arc_page *p = policy_priv(ctx, pfn);

	(void)access;
	if (p->list == ARC_T1) {
		pfn_list_del(ctx, &s->t1, pfn);
		pfn_list_add_head(ctx, &s->t2, pfn);
		set_list(ctx, pfn, p, ARC_T2);
	} else {
		pfn_list_move_head(ctx, &s->t2, pfn);
	}
}

static void arc_page_removed(struct policy_ctx *ctx, uint32_t pfn)
{
	struct arc_state *s = ctx->state;
	struct arc_page *p = policy_priv(ctx, pfn);

	pfn_list_del(ctx, p->list == ARC_T2 ? &s->t2 : &s->t1, pfn);
	p->list = ARC_NONE;
	if (pfn != s->evicting || s->ghost_for < 0)
		return; /* unmapped or truncated: no history */
	ghost_add_head(s->ghost, s->ghost_for, policy_page_key(ctx, pfn));
	/* Keep the paper's bounds: |T1| + |B1| <= c and all four lists <= 2c. */
	while (s->t1.nr + ghost_len(s->ghost, ARC_B1) > s->c && ghost_drop_tail(s->ghost, ARC_B1))
		;
	while (s->t1.nr + s->t2.nr + ghost_len(s->ghost, ARC_B1) + ghost_len(s->ghost, ARC_B2) >
	               2 * s->c &&
	       ghost_drop_tail(s->ghost, ARC_B2))
		;
}

const struct reclaim_policy_ops arc_policy = {
        .name = "arc",
        .description =
                "ARC: T1/T2 with ghost lists B1/B2 and adaptive target p (Megiddo & Modha 2003)",
        .params = "(none)",
        .page_priv_size = sizeof(struct arc_page),
        .init = arc_init,
        .destroy = arc_destroy,
        .page_added = arc_page_added,
        .page_accessed = arc_page_accessed,
        .shrink = arc_shrink,
        .page_removed = arc_page_removed,
};
