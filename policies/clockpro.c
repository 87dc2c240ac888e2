// SPDX-License-Identifier: MIT
/*
 * clockpro.c - CLOCK-Pro (Song Jiang, Feng Chen, Xiaodong Zhang, "CLOCK-Pro:
 * An Effective Improvement of the CLOCK Replacement", USENIX ATC 2005).
 *
 * Theory. CLOCK-Pro approximates LIRS with clock hands. Pages are hot (the
 * small-reuse-distance set LIRS calls LIR) or cold; cold pages that were
 * referenced recently are "in their test period". One circular list holds
 * every resident page and the non-resident cold pages still in their test
 * period (their keys only). New and moved pages go to the list head, the
 * position just behind HAND_hot, so they are the last the hands reach.
 *
 *   HAND_cold looks for a victim among resident cold pages. A referenced one
 *     is given another chance at the head: if it was in its test period it
 *     has proved a short reuse distance and becomes hot; otherwise it starts
 *     a test period. An unreferenced one is evicted; if in its test period
 *     its key stays in the list as a non-resident page.
 *   HAND_hot runs when there are more hot pages than m - m_c: it clears the
 *     reference bits of hot pages and demotes the first unreferenced one to
 *     cold; cold pages it passes end their test period (a non-resident one
 *     leaves the list).
 *   HAND_test runs when more than m non-resident pages are kept: it ends
 *     test periods and removes the first non-resident page it meets.
 *
 * Adaptation: a fault on a non-resident page in its test period means the
 * cold allocation was too small: m_c grows by one (and the page comes back
 * hot). A test period that ends without a re-reference shrinks m_c by one.
 * m_c stays within [min_cold, m - min_cold].
 *
 * Choices where the paper leaves room (kept consistent, tested):
 *   - the three hands move independently (the paper lets HAND_hot push
 *     HAND_test ahead of it; here HAND_test keeps its own position);
 *   - a reference bit is read, and cleared, only when a hand examines the
 *     page (policy_page_referenced: young PTEs in the machine, "hit since
 *     the last look" in cache mode);
 *   - warm-up, which the paper does not describe: while fewer than m - m_c
 *     pages are resident, a new page is made hot (as LIRS gives LIR status
 *     until the LIR set is full; Caffeine's simulator does the same); after
 *     that new pages start cold in their test period;
 *   - if no resident cold page exists when a victim is needed, HAND_hot
 *     demotes one first.
 *
 * Parameters: policy.clockpro.cold_percent (initial m_c as a percentage of
 * the capacity, default 1) and policy.clockpro.min_cold (default 1 page).
 */
#include "policy.h"

#include <stddef.h>
#include <stdlib.h>

#define CP_NONE UINT32_MAX
#define CP_HOT  0x01u /* hot page (always resident) */
#define CP_TEST 0x02u /* cold page in its test period */
#define CP_RES  0x04u /* resident (has a frame) */

struct cp_node {
	uint64_t key;  /* page key */
	uint32_t pfn;  /* frame while resident */
	uint32_t prev; /* circular list, towards the head */
	uint32_t next; /* the direction the hands move */
	uint8_t flags; /* CP_* */
};

struct cp_page {
	uint32_t node; /* the page's node */
};

struct cp_state {
	struct cp_node *node; /* pool: 2m + 2 nodes */
	uint32_t free_head;   /* recycled nodes, linked by next */
	uint32_t next_fresh;  /* first never-used node (the pool is touched lazily) */
	uint32_t pool;        /* nodes in the pool */
	uint32_t nr_nodes;    /* nodes on the clock */
	uint32_t hand_hot, hand_cold, hand_test;
	uint64_t m, mc, mc_min, mc_max; /* capacity, cold target and its bounds */
	uint64_t nr_hot, nr_cold, nr_nonres;
	uint32_t evicting;       /* frame being reclaimed by HAND_cold (page_removed ignores it) */
	struct ghost_set *ghost; /* key -> node of non-resident test pages */
};

static int cp_init(struct policy_ctx *ctx)
{
	struct cp_state *s = calloc(1, sizeof(*s));
	uint64_t pct = 1, min = 1;
	uint32_t n;

	if (!s)
		return -1;
	policy_config_u64(ctx, "cold_percent", &pct);
	policy_config_u64(ctx, "min_cold", &min);
	if (pct > 100 || !min) {
		policy_error(ctx, "cold_percent must be 0..100 and min_cold at least 1");
		free(s);
		return -1;
	}
	s->m = ctx->nr_frames;
	s->mc_min = min;
	s->mc_max = s->m > min ? s->m - min : min;
	s->mc = s->m * pct / 100;
	if (s->mc < s->mc_min)
		s->mc = s->mc_min;
	if (s->mc > s->mc_max)
		s->mc = s->mc_max;
	n = (uint32_t)(2 * s->m + 2);
	s->node = malloc((size_t)n * sizeof(*s->node));
	s->ghost = ghost_create((uint32_t)s->m + 2);
	if (!s->node) {
		free(s);
		return -1;
	}
	s->pool = n;
	s->free_head = CP_NONE;
	s->hand_hot = s->hand_cold = s->hand_test = CP_NONE;
	s->evicting = PFN_NONE;
	ctx->state = s;
	return 0;
}

static void cp_destroy(struct policy_ctx *ctx)
{
	struct cp_state *s = ctx->state;

	ghost_destroy(s->ghost);
	free(s->node);
	free(s);
}

/* Insert @n at the list head: just behind HAND_hot. */
static void link_head(struct cp_state *s, uint32_t n)
{
	struct cp_node *x = &s->node[n];

	if (s->hand_hot == CP_NONE) {
		x->prev = x->next = n;
		s->hand_hot = s->hand_cold = s->hand_test = n;
	} else {
		uint32_t h = s->hand_hot, p = s->node[h].prev;

		x->next = h;
		x->prev = p;
		s->node[p].next = n;
		s->node[h].prev = n;
	}
	s->nr_nodes++;
}

/* Take @n off the list; hands on it move to the next node. */
static void unlink_node(struct cp_state *s, uint32_t n)
{
	struct cp_node *x = &s->node[n];
	uint32_t nx = --s->nr_nodes ? x->next : CP_NONE;

	if (s->hand_hot == n)
		s->hand_hot = nx;
	if (s->hand_cold == n)
		s->hand_cold = nx;
	if (s->hand_test == n)
		s->hand_test = nx;
	if (nx != CP_NONE) {
		s->node[x->prev].next = x->next;
		s->node[x->next].prev = x->prev;
	}
}

static uint32_t node_new(struct cp_state *s, uint64_t key, uint32_t pfn, uint8_t flags)
{
	uint32_t n = s->free_head;

	if (n != CP_NONE)
		s->free_head = s->node[n].next;
	else if (s->next_fresh < s->pool)
		n = s->next_fresh++;
	else
		abort(); /* more than 2m + 2 nodes: the bounds above are broken */
	s->node[n] = (struct cp_node){.key = key, .pfn = pfn, .flags = flags};
	link_head(s, n);
	return n;
}

static void node_free(struct cp_state *s, uint32_t n)
{
	unlink_node(s, n);
	s->node[n].next = s->free_head;
	s->free_head = n;
}

/* Move @n to the head (hands that were on it advance first). */
static void move_head(struct cp_state *s, uint32_t n)
{
	unlink_node(s, n);
	link_head(s, n);
}

static void set_lru(struct policy_ctx *ctx, struct cp_node *x)
{
	/* hot pages count as the active list, resident cold ones as inactive */
	policy_set_lru(ctx, x->pfn, (x->flags & CP_HOT) ? LRU_ACTIVE_ANON : LRU_INACTIVE_ANON);
}

static void cold_shrink(struct cp_state *s)
{
	if (s->mc > s->mc_min)
		s->mc--;
}

/* A non-resident page's test period is over: it leaves the list. */
static void drop_nonres(struct cp_state *s, uint32_t n)
{
	ghost_del(s->ghost, s->node[n].key);
	s->nr_nonres--;
	node_free(s, n);
}

/* HAND_hot: demote one hot page, ending the test periods of cold pages on the way. */
static void run_hand_hot(struct policy_ctx *ctx)
{
	struct cp_state *s = ctx->state;

	for (uint64_t steps = 0; s->nr_hot && steps <= 4 * (uint64_t)s->nr_nodes + 4; steps++) {
		uint32_t n = s->hand_hot, nx = s->node[n].next;
		struct cp_node *x = &s->node[n];

		if (x->flags & CP_HOT) {
			s->hand_hot = nx;
			if (policy_page_referenced(ctx, x->pfn) > 0)
				continue; /* reference bit cleared, stays hot */
			x->flags = CP_RES;
			s->nr_hot--;
			s->nr_cold++;
			set_lru(ctx, x);
			return;
		}
		if (x->flags & CP_TEST) {
			x->flags &= (uint8_t)~CP_TEST;
			cold_shrink(s);
			if (!(x->flags & CP_RES)) {
				drop_nonres(s, n); /* moves the hand to nx */
				continue;
			}
		}
		s->hand_hot = nx;
	}
}

/* HAND_test: end test periods until one non-resident page has left. */
static void run_hand_test(struct cp_state *s)
{
	for (uint64_t steps = 0; s->nr_nonres && steps <= 2 * (uint64_t)s->nr_nodes + 2; steps++) {
		uint32_t n = s->hand_test, nx = s->node[n].next;
		struct cp_node *x = &s->node[n];

		if (!(x->flags & CP_HOT) && (x->flags & CP_TEST)) {
			x->flags &= (uint8_t)~CP_TEST;
			cold_shrink(s);
			if (!(x->flags & CP_RES)) {
				drop_nonres(s, n);
				return;
			}
		}
		s->hand_test = nx;
	}
}

static void make_hot(struct policy_ctx *ctx, uint32_t n)
{
	struct cp_state *s = ctx->state;

	s->node[n].flags = CP_HOT | CP_RES;
	s->nr_hot++;
	set_lru(ctx, &s->node[n]);
	while (s->nr_hot > s->m - s->mc)
		run_hand_hot(ctx);
}

static void cp_page_added(struct policy_ctx *ctx, uint32_t pfn, unsigned flags)
{
	struct cp_state *s = ctx->state;
	struct cp_page *p = policy_priv(ctx, pfn);
	uint64_t key = policy_page_key(ctx, pfn);
	uint32_t old;

	(void)flags;
	if (ghost_payload(s->ghost, key, &old)) { /* a re-reference inside the test period */
		if (s->mc < s->mc_max)
			s->mc++;
		drop_nonres(s, old);
		p->node = node_new(s, key, pfn, CP_RES);
		make_hot(ctx, p->node);
		return;
	}
	if (s->nr_hot + s->nr_cold < s->m - s->mc) { /* warm-up: hot until m - m_c */
		p->node = node_new(s, key, pfn, CP_RES);
		make_hot(ctx, p->node);
		return;
	}
	p->node = node_new(s, key, pfn, CP_RES | CP_TEST);
	s->nr_cold++;
	set_lru(ctx, &s->node[p->node]);
}

static void cp_page_removed(struct policy_ctx *ctx, uint32_t pfn)
{
	struct cp_state *s = ctx->state;
	uint32_t n = ((struct cp_page *)policy_priv(ctx, pfn))->node;

	if (pfn == s->evicting)
		return; /* HAND_cold is evicting it and keeps the books */
	if (s->node[n].flags & CP_HOT)
		s->nr_hot--;
	else
		s->nr_cold--;
	node_free(s, n);
}

/* HAND_cold: evict one resident cold page. */
static void evict_one(struct policy_ctx *ctx, struct reclaim_control *rc)
{
	struct cp_state *s = ctx->state;

	for (uint64_t steps = 0; s->nr_nodes && steps <= 8 * (uint64_t)s->nr_nodes + 8; steps++) {
		uint32_t n, nx;
		struct cp_node *x;
		enum reclaim_result res;

		if (!s->nr_cold && s->nr_hot)
			run_hand_hot(ctx); /* no cold page yet: demote one */
		n = s->hand_cold;
		x = &s->node[n];
		nx = x->next;
		if ((x->flags & CP_HOT) || !(x->flags & CP_RES)) {
			s->hand_cold = nx;
			continue;
		}
		rc->nr_scanned++;
		if (policy_page_referenced(ctx, x->pfn) > 0) {
			if (x->flags & CP_TEST) { /* short reuse distance proved: hot */
				s->nr_cold--;
				move_head(s, n);
				make_hot(ctx, n);
			} else { /* a second chance, with a test period */
				x->flags |= CP_TEST;
				move_head(s, n);
			}
			continue;
		}
		s->hand_cold = nx;
		s->evicting = x->pfn;
		res = policy_reclaim_page(ctx, rc, x->pfn);
		s->evicting = PFN_NONE;
		x = &s->node[n];
		if (res != RECLAIM_FREED) { /* the mechanism keeps it: treat as referenced */
			x->flags |= CP_TEST;
			move_head(s, n);
			continue;
		}
		s->nr_cold--;
		if (x->flags & CP_TEST) { /* stays on the clock, non-resident */
			x->flags &= (uint8_t)~CP_RES;
			x->pfn = PFN_NONE;
			ghost_add_head(s->ghost, 0, x->key);
			ghost_set_payload(s->ghost, x->key, n);
			s->nr_nonres++;
			while (s->nr_nonres > s->m)
				run_hand_test(s);
		} else {
			node_free(s, n);
		}
		return;
	}
}

static void cp_shrink(struct policy_ctx *ctx, struct reclaim_control *rc)
{
	struct cp_state *s = ctx->state;
	unsigned long before;

	while (rc->nr_reclaimed < rc->nr_to_reclaim && s->nr_hot + s->nr_cold) {
		before = rc->nr_reclaimed;
		evict_one(ctx, rc);
		if (rc->nr_reclaimed == before)
			break; /* nothing could go */
	}
}

const struct reclaim_policy_ops clockpro_policy = {
        .name = "clockpro",
        .description = "CLOCK-Pro: hot/cold pages, test periods, three clock hands, adaptive "
                       "cold allocation (Jiang, Chen & Zhang 2005)",
        .params = "policy.clockpro.cold_percent = 1 (initial cold allocation, % of capacity), "
                  "policy.clockpro.min_cold = 1 (pages)",
        .page_priv_size = sizeof(struct cp_page),
        .init = cp_init,
        .destroy = cp_destroy,
        .page_added = cp_page_added,
        .shrink = cp_shrink,
        .page_removed = cp_page_removed,
};
