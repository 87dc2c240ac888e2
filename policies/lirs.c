// SPDX-License-Identifier: MIT
/*
 * lirs.c - LIRS, Low Inter-reference Recency Set (Jiang & Zhang, "LIRS: An
 * Efficient Low Inter-reference Recency Set Replacement Policy to Improve
 * Buffer Cache Performance", SIGMETRICS 2002, section 3).
 *
 * Theory: a block's inter-reference recency (IRR) is the number of distinct
 * blocks touched between its last two references. LIRS keeps the blocks with
 * low IRR (LIR, at most Llirs = c - Lhirs of them, always resident) and gives
 * the remaining Lhirs frames to high-IRR (HIR) blocks, evicting among those
 * only. Two structures:
 *
 *   S  recency stack of LIR blocks and of HIR blocks (resident or not) that
 *      are more recent than the least recent LIR block; "pruning" removes HIR
 *      entries from the bottom so the bottom is always LIR.
 *   Q  the resident HIR blocks in FIFO order; the front is the next victim.
 *
 * On a reference to X: LIR → move to the top of S (prune if it was the
 * bottom). Resident HIR → move to the top of S; if X was in S it becomes LIR
 * (it was re-referenced within the LIR set's recency), the bottom LIR block
 * becomes HIR and goes to the end of Q, prune; if not, X stays HIR and moves
 * to the end of Q. Miss → the front of Q is evicted (it stays in S as a
 * non-resident HIR entry if it is there); X is loaded and, if X was in S as
 * a non-resident entry, becomes LIR as above; otherwise it is a resident HIR
 * block on top of S and at the end of Q. While the cache fills, the first
 * Llirs blocks become LIR.
 *
 * Parameters: policy.lirs.hir_percent (default 1) — Lhirs as a percentage
 * of the capacity, at least 1 page. Non-resident entries in S are bounded to
 * 2c (the oldest is dropped), a bound the paper leaves open. Pages removed
 * for other reasons than reclaim leave no history.
 */
#include "policy.h"

#include <stdlib.h>
#include <string.h>

#define LIRS_NONE UINT32_MAX

enum { LIRS_HIR, LIRS_LIR };

/* An entry of S (resident or not) or of Q. Pool indices; key -> entry by hash. */
struct lirs_node {
	uint64_t key;            /* page key */
	uint32_t pfn;            /* frame if resident, LIRS_NONE if not */
	uint32_t s_prev, s_next; /* S links (prev = towards the top), or unlinked */
	uint32_t q_prev, q_next; /* Q links (prev = towards the front) */
	uint8_t status;          /* LIRS_LIR or LIRS_HIR */
	uint8_t in_s, in_q;      /* membership */
};

struct lirs_page {
	uint32_t node; /* this frame's node */
};

struct lirs_state {
	struct lirs_node *n;     /* pool of 3c + 2 nodes */
	uint32_t nr_nodes, free; /* pool use; free list through s_next */
	uint64_t *hkey;          /* key index (open addressing) */
	uint32_t *hnode;
	uint64_t hmask;
	uint32_t s_top, s_bottom, q_front, q_back; /* list ends */
	uint64_t nr_lir, lirs_max;                 /* LIR blocks, Llirs */
	uint64_t nr_nonres, nonres_max;            /* non-resident entries in S, bound */
	uint32_t evicting;                         /* node being reclaimed */
};

#define EMPTY_KEY UINT64_MAX

static uint64_t lh(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	return k ^ (k >> 33);
}

static uint64_t slot_of(const struct lirs_state *s, uint64_t key)
{
	uint64_t i = lh(key) & s->hmask;

	while (s->hkey[i] != EMPTY_KEY && s->hkey[i] != key)
		i = (i + 1) & s->hmask;
	return i;
}

static uint32_t find(const struct lirs_state *s, uint64_t key)
{
	uint64_t i = slot_of(s, key);

	return s->hkey[i] == key ? s->hnode[i] : LIRS_NONE;
}

static void index_del(struct lirs_state *s, uint64_t key)
{
	uint64_t i = slot_of(s, key), j = i;

	if (s->hkey[i] != key)
		return;
	for (;;) {
		j = (j + 1) & s->hmask;
		if (s->hkey[j] == EMPTY_KEY)
			break;
		uint64_t home = lh(s->hkey[j]) & s->hmask;

		if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
			s->hkey[i] = s->hkey[j];
			s->hnode[i] = s->hnode[j];
			i = j;
		}
	}
	s->hkey[i] = EMPTY_KEY;
}

static uint32_t node_new(struct lirs_state *s, uint64_t key)
{
	uint32_t id = s->free;
	uint64_t i = slot_of(s, key);

	if (id == LIRS_NONE)
		return LIRS_NONE;
	s->free = s->n[id].s_next;
	memset(&s->n[id], 0, sizeof(s->n[id]));
	s->n[id].key = key;
	s->n[id].pfn = LIRS_NONE;
	s->hkey[i] = key;
	s->hnode[i] = id;
	return id;
}

static void node_free(struct lirs_state *s, uint32_t id)
{
	index_del(s, s->n[id].key);
	s->n[id].s_next = s->free;
	s->free = id;
}

/* ---- S ---- */

static void s_remove(struct lirs_state *s, uint32_t id)
{
	struct lirs_node *x = &s->n[id];

	if (!x->in_s)
		return;
	if (x->s_prev != LIRS_NONE)
		s->n[x->s_prev].s_next = x->s_next;
	else
		s->s_top = x->s_next;
	if (x->s_next != LIRS_NONE)
		s->n[x->s_next].s_prev = x->s_prev;
	else
		s->s_bottom = x->s_prev;
	x->in_s = 0;
	if (x->pfn == LIRS_NONE)
		s->nr_nonres--;
}

static void s_push_top(struct lirs_state *s, uint32_t id)
{
	struct lirs_node *x = &s->n[id];

	x->s_prev = LIRS_NONE;
	x->s_next = s->s_top;
	if (s->s_top != LIRS_NONE)
		s->n[s->s_top].s_prev = id;
	else
		s->s_bottom = id;
	s->s_top = id;
	x->in_s = 1;
	if (x->pfn == LIRS_NONE)
		s->nr_nonres++;
}

/* ---- Q ---- */

static void q_remove(struct lirs_state *s, uint32_t id)
{
	struct lirs_node *x = &s->n[id];

	if (!x->in_q)
		return;
	if (x->q_prev != LIRS_NONE)
		s->n[x->q_prev].q_next = x->q_next;
	else
		s->q_front = x->q_next;
	if (x->q_next != LIRS_NONE)
		s->n[x->q_next].q_prev = x->q_prev;
	else
		s->q_back = x->q_prev;
	x->in_q = 0;
}

static void q_push_back(struct lirs_state *s, uint32_t id)
{
	struct lirs_node *x = &s->n[id];

	x->q_next = LIRS_NONE;
	x->q_prev = s->q_back;
	if (s->q_back != LIRS_NONE)
		s->n[s->q_back].q_next = id;
	else
		s->q_front = id;
	s->q_back = id;
	x->in_q = 1;
}

/* Free a node that is in neither S nor Q and not resident. */
static void maybe_free(struct lirs_state *s, uint32_t id)
{
	if (!s->n[id].in_s && !s->n[id].in_q && s->n[id].pfn == LIRS_NONE)
		node_free(s, id);
}

/* Remove HIR entries from the bottom of S until an LIR block is there. */
static void prune(struct lirs_state *s)
{
	while (s->s_bottom != LIRS_NONE && s->n[s->s_bottom].status != LIRS_LIR) {
		uint32_t b = s->s_bottom;

		s_remove(s, b);
		maybe_free(s, b);
	}
}

/* The bottom LIR block becomes a resident HIR block at the end of Q. */
static void demote_bottom(struct lirs_state *s)
{
	uint32_t b = s->s_bottom;

	if (b == LIRS_NONE)
		return;
	s->n[b].status = LIRS_HIR;
	s->nr_lir--;
	s_remove(s, b);
	q_push_back(s, b);
	prune(s);
}

/* Keep at most nonres_max non-resident entries: drop the one nearest the bottom. */
static void bound_nonresident(struct lirs_state *s)
{
	for (uint32_t id = s->s_bottom; s->nr_nonres > s->nonres_max && id != LIRS_NONE;) {
		uint32_t up = s->n[id].s_prev;

		if (s->n[id].pfn == LIRS_NONE) {
			s_remove(s, id);
			maybe_free(s, id);
		}
		id = up;
	}
}

static int lirs_init(struct policy_ctx *ctx)
{
	struct lirs_state *s = calloc(1, sizeof(*s));
	uint64_t c = ctx->nr_frames, pct = 1, hir, nodes, n = 16;

	if (!s)
		return -1;
	if (policy_config_u64(ctx, "hir_percent", &pct) && (pct < 1 || pct > 99)) {
		policy_error(ctx, "policy.lirs.hir_percent must be 1..99");
		free(s);
		return -1;
	}
	hir = c * pct / 100 ? c * pct / 100 : 1;
	s->lirs_max = c > hir ? c - hir : 1;
	s->nonres_max = 2 * c;
	nodes = 3 * c + 4;
	s->n = malloc(nodes * sizeof(*s->n));
	while (n < 2 * nodes)
		n <<= 1;
	s->hkey = malloc(n * sizeof(uint64_t));
	s->hnode = malloc(n * sizeof(uint32_t));
	if (!s->n || !s->hkey || !s->hnode) {
		free(s->n);
		free(s->hkey);
		free(s->hnode);
		free(s);
		return -1;
	}
	memset(s->hkey, 0xff, n * sizeof(uint64_t));
	s->hmask = n - 1;
	for (uint64_t i = 0; i < nodes; i++)
		s->n[i].s_next = i + 1 < nodes ? (uint32_t)(i + 1) : LIRS_NONE;
	s->free = 0;
	s->s_top = s->s_bottom = s->q_front = s->q_back = LIRS_NONE;
	s->evicting = LIRS_NONE;
	ctx->state = s;
	return 0;
}

static void lirs_destroy(struct policy_ctx *ctx)
{
	struct lirs_state *s = ctx->state;

	free(s->n);
	free(s->hkey);
	free(s->hnode);
	free(s);
}

static void set_gauge(struct policy_ctx *ctx, uint32_t pfn, bool lir)
{
	unsigned f = policy_page_flags(ctx, pfn) & PGF_FILE;

	policy_set_lru(ctx, pfn,
	               lir ? (f ? LRU_ACTIVE_FILE : LRU_ACTIVE_ANON)
	                   : (f ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON));
}

static void lirs_page_added(struct policy_ctx *ctx, uint32_t pfn, unsigned flags)
{
	struct lirs_state *s = ctx->state;
	uint64_t key = policy_page_key(ctx, pfn);
	uint32_t id = find(s, key);
	bool was_in_s = id != LIRS_NONE && s->n[id].in_s;

	(void)flags;
	if (was_in_s)
		s_remove(s, id); /* a non-resident entry of S: re-referenced within S */
	if (id == LIRS_NONE)
		id = node_new(s, key);
	if (id == LIRS_NONE)
		abort(); /* the pool holds 3c + 4 nodes: c resident + 2c non-resident at most */
	((struct lirs_page *)policy_priv(ctx, pfn))->node = id;
	s->n[id].pfn = pfn;
	if (was_in_s || s->nr_lir < s->lirs_max) { /* low IRR, or the cache is filling */
		s->n[id].status = LIRS_LIR;
		s->nr_lir++;
		s_push_top(s, id);
		set_gauge(ctx, pfn, true);
		if (s->nr_lir > s->lirs_max) {
			uint32_t b = s->s_bottom;

			demote_bottom(s);
			if (b != LIRS_NONE && s->n[b].pfn != LIRS_NONE)
				set_gauge(ctx, s->n[b].pfn, false);
		}
	} else {
		s->n[id].status = LIRS_HIR;
		s_push_top(s, id);
		q_push_back(s, id);
		set_gauge(ctx, pfn, false);
	}
}

static void lirs_page_accessed(struct policy_ctx *ctx, uint32_t pfn, unsigned access)
{
	struct lirs_state *s = ctx->state;
	uint32_t id = ((struct lirs_page *)policy_priv(ctx, pfn))->node;
	struct lirs_node *x = &s->n[id];

	(void)access;
	if (x->status == LIRS_LIR) {
		bool was_bottom = s->s_bottom == id;

		s_remove(s, id);
		s_push_top(s, id);
		if (was_bottom)
			prune(s);
		return;
	}
	if (x->in_s) { /* resident HIR re-referenced within S: promote */
		s_remove(s, id);
		q_remove(s, id);
		x->status = LIRS_LIR;
		s->nr_lir++;
		s_push_top(s, id);
		set_gauge(ctx, pfn, true);
		uint32_t b = s->s_bottom;

		demote_bottom(s);
		if (b != LIRS_NONE && s->n[b].pfn != LIRS_NONE)
			set_gauge(ctx, s->n[b].pfn, false);
	} else {
		s_push_top(s, id);
		q_remove(s, id);
		q_push_back(s, id);
	}
}

static void lirs_page_removed(struct policy_ctx *ctx, uint32_t pfn)
{
	struct lirs_state *s = ctx->state;
	uint32_t id = ((struct lirs_page *)policy_priv(ctx, pfn))->node;
	struct lirs_node *x = &s->n[id];

	q_remove(s, id);
	if (id == s->evicting && x->status == LIRS_HIR && x->in_s) {
		x->pfn = LIRS_NONE; /* stays in S, in place, as a non-resident HIR entry */
		s->nr_nonres++;
		bound_nonresident(s);
		return;
	}
	if (x->status == LIRS_LIR)
		s->nr_lir--;
	s_remove(s, id);
	x->pfn = LIRS_NONE;
	maybe_free(s, id);
	prune(s); /* an LIR block left the bottom: HIR entries may be exposed */
}

static void lirs_shrink(struct policy_ctx *ctx, struct reclaim_control *rc)
{
	struct lirs_state *s = ctx->state;
	uint64_t budget = 2 * (uint64_t)ctx->nr_frames + 2;

	while (rc->nr_reclaimed < rc->nr_to_reclaim && budget--) {
		uint32_t id = s->q_front;

		if (id == LIRS_NONE) { /* no resident HIR block: demote the bottom LIR one */
			if (s->s_bottom == LIRS_NONE)
				break;
			demote_bottom(s);
			continue;
		}
		rc->nr_scanned++;
		s->evicting = id;
		if (policy_reclaim_page(ctx, rc, s->n[id].pfn) != RECLAIM_FREED) {
			q_remove(s, id);
			q_push_back(s, id);
		}
		s->evicting = LIRS_NONE;
	}
}

const struct reclaim_policy_ops lirs_policy = {
        .name = "lirs",
        .description = "LIRS: low inter-reference recency set, stack S and HIR queue Q (Jiang & "
                       "Zhang 2002)",
        .params =
                "policy.lirs.hir_percent = 1 (resident HIR share of the capacity, at least 1 page)",
        .page_priv_size = sizeof(struct lirs_page),
        .init = lirs_init,
        .destroy = lirs_destroy,
        .page_added = lirs_page_added,
        .page_accessed = lirs_page_accessed,
        .shrink = lirs_shrink,
        .page_removed = lirs_page_removed,
};
