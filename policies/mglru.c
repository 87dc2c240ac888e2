// SPDX-License-Identifier: MIT
/*
 * mglru.c - the multi-generation LRU (mm/vmscan.c lru_gen_*, Linux 6.1+;
 * Documentation/mm/multigen_lru.rst; facts sheet §9).
 *
 * Theory. Instead of two lists, each lruvec keeps up to four generations per
 * type (anon, file), numbered by sequence: max_seq is the youngest (shared by
 * both types), min_seq[type] the oldest. Pages enter young or old depending on
 * how they arrived; eviction takes pages from the oldest generation; aging
 * (inc_max_seq) opens a new youngest generation after harvesting accessed
 * bits: a page found young is promoted to the youngest generation. So a
 * generation is a coarse timestamp, and eviction is "oldest first" with
 * promotions done in batches at aging time rather than on every access.
 *
 * Within a generation, pages accessed through file descriptors are split into
 * tiers by how often they were read (1, 2, 3-4, 5+ accesses: tiers 0-3). A
 * refault feedback loop (a PID controller without D term) compares each
 * tier's refault rate with tier 0's: tiers refaulting more than 1.5x as
 * often are protected (moved to the next generation) instead of evicted. The
 * same comparison across types, weighted by swappiness, picks whether anon or
 * file is evicted. A shadow entry stores the generation and tier a page was
 * evicted from; a refault within 4 generations counts as refaulted for its
 * tier.
 *
 * Write-back (asynchronous swap): a page whose write has started goes to
 * max_seq - 1 (lru_gen_add_folio's rule for PG_reclaim under writeback), one
 * met under writeback at the oldest generation's tail moves to the next
 * generation (sort_folio), and when the write ends mglru_rotate() puts it at
 * the oldest generation's tail, to be evicted next (folio_rotate_reclaimable).
 *
 * Placement (policy.mglru.version = 618, the default, v6.18's lru_gen_folio_seq;
 * 61 selects the 6.1-6.13 rule): pages added by a fault or a recent refault
 * (PG_active) go to max_seq - 1 (max_seq if PG_workingset); anonymous pages
 * not in the swap cache to max_seq - 1; read() page cache to max_seq - 3
 * (max_seq - 2 if PG_workingset); never below min_seq. In 6.1-6.13: active
 * -> max_seq; anon -> max_seq - 1; others -> min_seq + 1. The two youngest
 * generations are reported as the active lists.
 *
 * Mapped pages (6.14+, version 618): the first young PTE seen by aging only
 * sets PG_referenced, a later one promotes to max_seq and sets PG_workingset;
 * version 61 promotes on the first. At eviction folio_check_references'
 * MGLRU variant decides: no young PTE -> reclaim; first young -> keep (with
 * PG_referenced); second -> activate (youngest). A kept page goes back to the
 * tail of the oldest generation in version 61; version 618 puts rejected
 * pages in max_seq - 1 ("don't add rejected folios to the oldest
 * generation"), so a page seen young survives the next pass.
 *
 * When to age: with 2 generations of a type nothing can be evicted, so age;
 * with 3, age unless the priority is still DEF_PRIORITY; aging ends the pass
 * for that lruvec. The scan budget is (pages in the lruvec) >> priority; each
 * eviction pass isolates at most 64 pages.
 *
 * Simplifications: aging visits every page of the lruvec (the kernel walks
 * page tables guided by Bloom filters, and also looks around evicted pages);
 * one node, zones not distinguished; min_ttl_ms is read (policy.mglru.
 * min_ttl_ms, default 0 = off): with it set, pages of generations younger
 * than the TTL are not evicted (the kernel OOM-kills instead; here the
 * reclaim simply fails for that pass).
 */
#include "policy.h"

#include <stddef.h>
#include <stdlib.h>

#define NGENS       4     /* MAX_NR_GENS */
#define NTIERS      4     /* MAX_NR_TIERS */
#define MIN_BATCH   64    /* MIN_LRU_BATCH: isolated per eviction pass */
#define MAX_REFS    3     /* LRU_REFS_WIDTH = 2 bits of access counter */
#define MP_REF      0x01u /* PG_referenced */
#define MP_WS       0x02u /* PG_workingset */
#define MP_UNEVICT  0x04u /* on the unevictable list */
#define MP_ISOLATED 0x08u /* taken off the lists by reclaim */

struct mpage {
	struct pfn_link link; /* on gens[seq % 4][type] (or the unevictable list) */
	uint32_t seq;         /* generation */
	uint8_t type;         /* 0 anon, 1 file */
	uint8_t refs;         /* accesses through file descriptors beyond the first, 0..3 */
	uint8_t flags;        /* MP_* */
	uint8_t memcg;
};

struct lruvec {
	struct pfn_list gen[NGENS][2];
	struct pfn_list unevictable;
	uint32_t max_seq, min_seq[2];
	uint64_t birth[NGENS];         /* ns when each generation was opened */
	uint64_t refaulted[2][NTIERS]; /* current min_seq generation */
	uint64_t evicted[2][NTIERS];
	uint64_t protected_[2][NTIERS];
	uint64_t avg_refaulted[2][NTIERS]; /* averaged over earlier generations */
	uint64_t avg_total[2][NTIERS];
};

struct mglru_state {
	struct lruvec vec[MMSIM_MAX_MEMCG];
	uint32_t nr_vec;
	unsigned version; /* 618 or 61 */
	uint64_t min_ttl_ns;
};

static inline struct mpage *mp(struct policy_ctx *ctx, uint32_t pfn)
{
	return policy_priv(ctx, pfn);
}

static int mglru_init(struct policy_ctx *ctx)
{
	struct mglru_state *s = calloc(1, sizeof(*s));
	uint64_t v = 618, ttl = 0;

	if (!s)
		return -1;
	policy_config_u64(ctx, "version", &v);
	policy_config_u64(ctx, "min_ttl_ms", &ttl);
	if (v != 618 && v != 61) {
		policy_error(ctx, "version must be 618 (6.14+ placement and promotion) or 61 "
		                  "(6.1-6.13)");
		free(s);
		return -1;
	}
	s->version = (unsigned)v;
	s->min_ttl_ns = ttl * 1000000ULL;
	for (int m = 0; m < MMSIM_MAX_MEMCG; m++) {
		struct lruvec *l = &s->vec[m];

		for (int g = 0; g < NGENS; g++)
			for (int t = 0; t < 2; t++)
				pfn_list_init(&l->gen[g][t], offsetof(struct mpage, link));
		pfn_list_init(&l->unevictable, offsetof(struct mpage, link));
		l->max_seq = NGENS - 1; /* generations 0..3 exist from the start... */
		l->min_seq[0] = l->min_seq[1] =
		        NGENS - 2; /* ...of which the two youngest are used */
	}
	ctx->state = s;
	return 0;
}

static void mglru_destroy(struct policy_ctx *ctx)
{
	free(ctx->state);
}

/* Gauges: the two youngest generations are "active". */
static void report(struct policy_ctx *ctx, struct lruvec *l, uint32_t pfn)
{
	struct mpage *p = mp(ctx, pfn);
	bool active = p->seq + 1 >= l->max_seq;

	if (p->flags & MP_UNEVICT)
		policy_set_lru(ctx, pfn, LRU_UNEVICTABLE);
	else if (p->type)
		policy_set_lru(ctx, pfn, active ? LRU_ACTIVE_FILE : LRU_INACTIVE_FILE);
	else
		policy_set_lru(ctx, pfn, active ? LRU_ACTIVE_ANON : LRU_INACTIVE_ANON);
}

static void gen_add(struct policy_ctx *ctx, struct lruvec *l, uint32_t pfn, uint32_t seq, bool tail)
{
	struct mpage *p = mp(ctx, pfn);

	if (seq < l->min_seq[p->type])
		seq = l->min_seq[p->type];
	if (seq > l->max_seq)
		seq = l->max_seq;
	p->seq = seq;
	p->flags &= (uint8_t)~MP_ISOLATED;
	if (tail)
		pfn_list_add_tail(ctx, &l->gen[seq % NGENS][p->type], pfn);
	else
		pfn_list_add_head(ctx, &l->gen[seq % NGENS][p->type], pfn);
	report(ctx, l, pfn);
}

static void gen_del(struct policy_ctx *ctx, struct lruvec *l, uint32_t pfn)
{
	struct mpage *p = mp(ctx, pfn);

	if (p->flags & MP_UNEVICT)
		pfn_list_del(ctx, &l->unevictable, pfn);
	else
		pfn_list_del(ctx, &l->gen[p->seq % NGENS][p->type], pfn);
	p->flags |= MP_ISOLATED;
}

static unsigned tier_of(const struct mpage *p)
{
	unsigned n = p->refs + 1u; /* order_base_2(refs + 1) */

	if (p->flags & MP_WS)
		return NTIERS - 1;
	return n <= 1 ? 0 : n <= 2 ? 1 : 2;
}

static void mglru_page_added(struct policy_ctx *ctx, uint32_t pfn, unsigned flags)
{
	struct mglru_state *s = ctx->state;
	struct mpage *p = mp(ctx, pfn);
	struct lruvec *l;
	bool active = flags & (PG_ADD_ACTIVATE | PG_ADD_FAULT), ws = flags & PG_ADD_WORKINGSET;
	uint32_t seq;

	p->memcg = (uint8_t)policy_page_memcg(ctx, pfn);
	if (p->memcg >= s->nr_vec)
		s->nr_vec = p->memcg + 1u;
	l = &s->vec[p->memcg];
	p->type = (flags & PG_ADD_FILE) ? 1 : 0;
	p->flags = ws ? MP_WS : 0;
	if (flags & PG_ADD_UNEVICTABLE) {
		p->flags |= MP_UNEVICT;
		pfn_list_add_head(ctx, &l->unevictable, pfn);
		report(ctx, l, pfn);
		return;
	}
	if (s->version == 618) { /* lru_gen_folio_seq, v6.18 */
		if (active)
			seq = ws ? l->max_seq : l->max_seq - 1;
		else if (!p->type && !(policy_page_flags(ctx, pfn) & PGF_SWAPCACHE))
			seq = l->max_seq - 1;
		else
			seq = ws ? l->max_seq - 2 : l->max_seq - 3;
	} else { /* 6.1-6.13 */
		if (active)
			seq = l->max_seq;
		else if (!p->type)
			seq = l->max_seq - 1;
		else
			seq = l->min_seq[1] + 1;
	}
	gen_add(ctx, l, pfn, seq, false);
}

static void mglru_page_removed(struct policy_ctx *ctx, uint32_t pfn)
{
	struct mglru_state *s = ctx->state;
	struct mpage *p = mp(ctx, pfn);

	if (!(p->flags & MP_ISOLATED))
		gen_del(ctx, &s->vec[p->memcg], pfn);
}

/* lru_gen_inc_refs(): an access through a file descriptor. */
static void mglru_mark_accessed(struct policy_ctx *ctx, uint32_t pfn)
{
	struct mpage *p = mp(ctx, pfn);

	if (!(p->flags & MP_REF)) {
		p->flags |= MP_REF;
		return;
	}
	if (p->refs < MAX_REFS)
		p->refs++;
	else
		p->flags |= MP_WS; /* saturated: tier 3 */
}

/* ---- aging ---- */

/* Fold the oldest generation of @type into the next one (inc_min_seq). */
static void fold_oldest(struct policy_ctx *ctx, struct lruvec *l, int type)
{
	struct pfn_list *old = &l->gen[l->min_seq[type] % NGENS][type];

	while (old->tail != PFN_NONE) {
		uint32_t pfn = old->tail;

		pfn_list_del(ctx, old, pfn);
		mp(ctx, pfn)->seq = l->min_seq[type] + 1;
		pfn_list_add_head(ctx, &l->gen[(l->min_seq[type] + 1) % NGENS][type], pfn);
		report(ctx, l, pfn);
		l->protected_[type][tier_of(mp(ctx, pfn))]++;
	}
}

/* The controller's history moves on when min_seq advances. */
static void advance_min_seq(struct lruvec *l, int type)
{
	for (int t = 0; t < NTIERS; t++) {
		l->avg_refaulted[type][t] = (l->avg_refaulted[type][t] + l->refaulted[type][t]) / 2;
		l->avg_total[type][t] =
		        (l->avg_total[type][t] + l->evicted[type][t] + l->protected_[type][t]) / 2;
		l->refaulted[type][t] = l->evicted[type][t] = l->protected_[type][t] = 0;
	}
	l->min_seq[type]++;
}

/* inc_max_seq(): harvest accessed bits (promotions), then open a new generation. */
static void age(struct policy_ctx *ctx, struct lruvec *l, uint64_t *moved)
{
	struct mglru_state *s = ctx->state;

	for (int type = 0; type < 2; type++)
		if (l->max_seq - l->min_seq[type] + 1 >= NGENS) {
			fold_oldest(ctx, l, type);
			advance_min_seq(l, type);
		}
	/* the walk: every page of the lruvec, oldest generation first */
	for (int type = 0; type < 2; type++)
		for (uint32_t seq = l->min_seq[type]; seq < l->max_seq; seq++) {
			struct pfn_list *g = &l->gen[seq % NGENS][type];
			uint64_t n = g->nr;
			uint32_t pfn = g->tail;

			while (n-- && pfn != PFN_NONE) {
				uint32_t prev = pfn_list_link(ctx, g, pfn)->prev;
				struct mpage *p = mp(ctx, pfn);

				if (policy_page_referenced(ctx, pfn) > 0) {
					if (s->version == 618 && !(p->flags & MP_REF)) {
						p->flags |= MP_REF; /* first look: remember */
					} else {
						p->flags |= MP_WS;
						pfn_list_del(ctx, g, pfn);
						p->seq = l->max_seq;
						pfn_list_add_head(ctx,
						                  &l->gen[l->max_seq % NGENS][type],
						                  pfn);
						(*moved)++;
					}
				}
				pfn = prev;
			}
		}
	l->max_seq++;
	l->birth[l->max_seq % NGENS] = policy_now_ns(ctx);
	/* the new generation is empty; re-report who is in the two youngest */
	for (int type = 0; type < 2; type++)
		for (uint32_t seq = l->max_seq - 2; seq < l->max_seq; seq++) {
			struct pfn_list *g = &l->gen[seq % NGENS][type];

			for (uint32_t pfn = g->head; pfn != PFN_NONE;
			     pfn = pfn_list_link(ctx, g, pfn)->next)
				report(ctx, l, pfn);
		}
}

/* ---- eviction ---- */

/* positive_ctrl_err(): is the process variable's refault ratio below the setpoint's? */
static bool ctrl_ok(uint64_t sp_ref, uint64_t sp_tot, uint64_t sp_gain, uint64_t pv_ref,
                    uint64_t pv_tot, uint64_t pv_gain)
{
	if (pv_ref < MIN_BATCH)
		return true;
	return pv_ref * (sp_tot + MIN_BATCH) * sp_gain <= (sp_ref + 1) * pv_tot * pv_gain;
}

static void ctrl_pos(const struct lruvec *l, int type, int tier, uint64_t *ref, uint64_t *tot)
{
	*ref = l->avg_refaulted[type][tier] + l->refaulted[type][tier];
	*tot = l->avg_total[type][tier] + l->evicted[type][tier] + l->protected_[type][tier];
}

/* get_type_to_scan(): 1 = file. */
static int type_to_scan(const struct lruvec *l, unsigned swappiness)
{
	uint64_t ar = 0, at = 0, fr = 0, ft = 0;

	if (swappiness <= 1)
		return 1;
	if (swappiness >= 200)
		return 0;
	for (int t = 0; t < NTIERS; t++) {
		uint64_t r, o;

		ctrl_pos(l, 0, t, &r, &o);
		ar += r;
		at += o;
		ctrl_pos(l, 1, t, &r, &o);
		fr += r;
		ft += o;
	}
	/* file is the process variable, anon the setpoint, gains by swappiness */
	return ctrl_ok(ar, at, swappiness, fr, ft, 200 - swappiness) ? 1 : 0;
}

/* get_tier_idx(): the highest tier still evicted. */
static int tier_idx(const struct lruvec *l, int type)
{
	uint64_t sr, st;
	int t;

	ctrl_pos(l, type, 0, &sr, &st);
	for (t = 1; t < NTIERS; t++) {
		uint64_t r, o;

		ctrl_pos(l, type, t, &r, &o);
		if (!ctrl_ok(sr, st, 2, r, o, 3))
			break;
	}
	return t - 1;
}

/* folio_check_references(), MGLRU flavour. */
static int check_refs(struct policy_ctx *ctx, uint32_t pfn)
{
	struct mpage *p = mp(ctx, pfn);
	int young = policy_page_referenced(ctx, pfn);

	if (young <= 0)
		return 0; /* reclaim */
	if (!(p->flags & MP_REF)) {
		p->flags |= MP_REF;
		return 1; /* keep */
	}
	p->flags |= MP_WS;
	return 2; /* activate */
}

static bool can_evict(struct lruvec *l, int type, bool swap)
{
	return l->max_seq - l->min_seq[type] + 1 > 2 && (type == 1 || swap);
}

/*
 * One eviction pass (evict_folios) on the oldest generation of @type: sort
 * and isolate up to MIN_BATCH pages from its tail, decide each, put the
 * survivors back at the tail. Return: pages looked at.
 */
static uint64_t evict(struct policy_ctx *ctx, struct lruvec *l, int type,
                      struct reclaim_control *rc, uint64_t budget)
{
	struct mglru_state *s = ctx->state;
	struct pfn_list *g = &l->gen[l->min_seq[type] % NGENS][type];
	int tidx = tier_idx(l, type);
	uint64_t scanned = 0;
	uint32_t batch[MIN_BATCH];
	unsigned n = 0;

	if (s->min_ttl_ns &&
	    policy_now_ns(ctx) - l->birth[l->min_seq[type] % NGENS] < s->min_ttl_ns)
		return 0; /* the oldest generation is younger than min_ttl */
	while (g->tail != PFN_NONE && scanned < budget && n < MIN_BATCH) {
		uint32_t pfn = g->tail;
		struct mpage *p = mp(ctx, pfn);
		int tier = (int)tier_of(p);

		scanned++;
		pfn_list_del(ctx, g, pfn);
		if (policy_page_writeback(ctx, pfn)) { /* sort_folio: waiting for writeback */
			p->seq = l->min_seq[type] + 1;
			pfn_list_add_head(ctx, &l->gen[p->seq % NGENS][type], pfn);
			report(ctx, l, pfn);
			continue;
		}
		if (tier > tidx) { /* sort_folio: protected by its tier */
			l->protected_[type][tier]++;
			p->seq = l->min_seq[type] + 1;
			pfn_list_add_head(ctx, &l->gen[p->seq % NGENS][type], pfn);
			report(ctx, l, pfn);
			policy_event(ctx, PEV_PGREFILL, 1);
			continue;
		}
		p->flags |= MP_ISOLATED;
		batch[n++] = pfn;
	}
	rc->nr_scanned += n;
	if (type)
		rc->nr_scanned_file += n;
	for (unsigned i = 0; i < n; i++) {
		uint32_t pfn = batch[i];
		struct mpage *p = mp(ctx, pfn);
		int tier = (int)tier_of(p), ref;
		unsigned pf;

		if (rc->nr_reclaimed >= rc->nr_to_reclaim) {
			gen_add(ctx, l, pfn, l->min_seq[type], true); /* goal met: untouched */
			continue;
		}
		ref = check_refs(ctx, pfn);
		pf = policy_page_flags(ctx, pfn); /* after the rmap walk: no second walk */
		if (pf & PGF_LOCKED) {
			p->flags = (uint8_t)((p->flags & ~MP_ISOLATED) | MP_UNEVICT);
			pfn_list_add_head(ctx, &l->unevictable, pfn);
			report(ctx, l, pfn);
			continue;
		}
		if (ref == 0 && !(type && (pf & PGF_DIRTY) && !rc->may_writepage)) {
			enum reclaim_result res = policy_reclaim_page(ctx, rc, pfn);

			if (res == RECLAIM_FREED) {
				l->evicted[type][tier]++;
				continue;
			}
			ref = res == RECLAIM_ACTIVATE ? 2 : 1;
			if (res == RECLAIM_KEEP && policy_page_writeback(ctx, pfn)) {
				/* its write has started (PG_reclaim): lru_gen_add_folio puts a
				 * folio under writeback tagged for reclaim in max_seq - 1 */
				gen_add(ctx, l, pfn, l->max_seq - 1, false);
				continue;
			}
		}
		if (ref == 2) {
			policy_event(ctx, PEV_PGACTIVATE, 1);
			policy_note_activation(ctx, pfn);
			gen_add(ctx, l, pfn, (p->flags & MP_WS) ? l->max_seq : l->max_seq - 1,
			        false);
		} else if (s->version == 618) { /* rejected folios skip the oldest generation */
			gen_add(ctx, l, pfn, (p->flags & MP_WS) ? l->max_seq : l->max_seq - 1,
			        false);
		} else {
			gen_add(ctx, l, pfn, l->min_seq[type],
			        true); /* back on the oldest, at the tail */
		}
	}
	/* try_to_inc_min_seq: an emptied oldest generation is retired */
	while (g->tail == PFN_NONE && l->max_seq - l->min_seq[type] + 1 > 2 &&
	       l->min_seq[type] <= l->min_seq[!type]) {
		advance_min_seq(l, type);
		g = &l->gen[l->min_seq[type] % NGENS][type];
	}
	return scanned;
}

static uint64_t lruvec_size(struct lruvec *l)
{
	uint64_t n = 0;

	for (int gI = 0; gI < NGENS; gI++)
		n += l->gen[gI][0].nr + l->gen[gI][1].nr;
	return n;
}

/* lru_gen_shrink_lruvec() at one priority (get_nr_to_scan, then evict_folios). */
static void shrink_lruvec(struct policy_ctx *ctx, struct lruvec *l, struct reclaim_control *rc)
{
	uint64_t budget = lruvec_size(l) >> rc->priority, moved = 0;
	unsigned swappiness = policy_swappiness(ctx, rc->memcg);
	bool swap = rc->may_swap;
	unsigned gens = l->max_seq - l->min_seq[swap ? 0 : 1] + 1;

	/* should_run_aging: out of cold pages (2 generations) or about to be (3) */
	if (gens <= 3 && rc->priority < DEF_PRIORITY) {
		age(ctx, l, &moved); /* and skip this lruvec for this pass */
		return;
	}
	while (budget && rc->nr_reclaimed < rc->nr_to_reclaim) {
		int type = type_to_scan(l, swappiness);
		uint64_t done;

		if (!can_evict(l, type, swap))
			type = !type;
		if (!can_evict(l, type, swap))
			break;
		done = evict(ctx, l, type, rc, budget);
		if (!done) {
			type = !type; /* nothing there: try the other type once */
			if (!can_evict(l, type, swap) || !(done = evict(ctx, l, type, rc, budget)))
				break;
		}
		budget = budget > done ? budget - done : 0;
	}
}

static void mglru_shrink(struct policy_ctx *ctx, struct reclaim_control *rc)
{
	struct mglru_state *s = ctx->state;
	int passes = 0;

	if (rc->reclaimer == RECLAIM_CACHE) /* one victim: priorities down, then repeat 0 */
		rc->may_swap = true;
	do {
		for (uint32_t m = 0; m < s->nr_vec; m++)
			if (!rc->memcg || m == rc->memcg)
				shrink_lruvec(ctx, &s->vec[m], rc);
		if (rc->reclaimer != RECLAIM_CACHE || rc->nr_reclaimed)
			break;
		if (rc->priority)
			rc->priority--;
	} while (++passes < 64);
}

/* Shadow: the generation the page left from, its tier and type, PG_workingset. */
/*
 * folio_rotate_reclaimable(): the write of a page eviction chose has ended.
 * lru_move_tail -> lru_gen_add_folio(reclaiming): the tail of the oldest
 * generation, evicted next.
 */
static void mglru_rotate(struct policy_ctx *ctx, uint32_t pfn)
{
	struct mglru_state *s = ctx->state;
	struct mpage *p = mp(ctx, pfn);
	struct lruvec *l = &s->vec[p->memcg];

	if (p->flags & (MP_UNEVICT | MP_ISOLATED))
		return;
	gen_del(ctx, l, pfn);
	policy_set_lru(ctx, pfn, LRU_NONE); /* not a deactivation: no PG_workingset */
	gen_add(ctx, l, pfn, l->min_seq[p->type], true);
	policy_event(ctx, PEV_PGROTATED, 1);
}

static uint64_t mglru_shadow_of(struct policy_ctx *ctx, uint32_t pfn)
{
	struct mglru_state *s = ctx->state;
	struct mpage *p = mp(ctx, pfn);
	struct lruvec *l = &s->vec[p->memcg];

	return (uint64_t)l->min_seq[p->type] << 8 | (uint64_t)tier_of(p) << 2 |
	       (uint64_t)p->type << 1 | ((p->flags & MP_WS) ? 1 : 0);
}

/* lru_gen_refault() */
static unsigned mglru_refault(struct policy_ctx *ctx, uint32_t pfn, uint64_t shadow)
{
	struct mglru_state *s = ctx->state;
	struct lruvec *l = &s->vec[policy_page_memcg(ctx, pfn)];
	uint32_t seq = (uint32_t)(shadow >> 8);
	unsigned tier = (shadow >> 2) & 3, type = (shadow >> 1) & 1;
	uint32_t dist = l->max_seq > seq ? l->max_seq - seq : seq - l->max_seq;
	unsigned flags = 0;

	if (dist >= NGENS)
		return 0; /* not recent */
	l->refaulted[type][tier]++;
	flags |= PG_ADD_ACTIVATE;
	if (shadow & 1)
		flags |= PG_ADD_WORKINGSET;
	else
		mp(ctx, pfn)->refs = (uint8_t)(tier ? (1u << tier) - 1 : 0); /* restore the tier */
	return flags;
}

const struct reclaim_policy_ops mglru_policy = {
        .name = "mglru",
        .description = "multi-generation LRU: generations, aging, tiers with refault feedback "
                       "(mm/vmscan.c lru_gen, Linux 6.1+)",
        .params = "policy.mglru.version = 618 (6.14+ rules) | 61, policy.mglru.min_ttl_ms = 0",
        .page_priv_size = sizeof(struct mpage),
        .init = mglru_init,
        .destroy = mglru_destroy,
        .page_added = mglru_page_added,
        .mark_accessed = mglru_mark_accessed,
        .shrink = mglru_shrink,
        .page_removed = mglru_page_removed,
        .shadow_of = mglru_shadow_of,
        .refault = mglru_refault,
        .rotate = mglru_rotate,
};
