// SPDX-License-Identifier: MIT
/*
 * linux.c - the kernel's classic two-list LRU (mm/vmscan.c, mm/swap.c, Linux
 * 6.x without MGLRU), the default policy.
 *
 * Theory. Each lruvec (one per memory cgroup on our single node) keeps four
 * evictable lists — inactive and active, for anon and file — plus the
 * unevictable list. New pages start at the head of their inactive list
 * unless the refault logic (sim/workingset.c) says they were evicted too
 * early, in which case they start active.
 *
 * Promotion has two routes. read()/write() accesses call mark_accessed: the
 * first sets PG_referenced, the second (on an inactive page) activates. Mapped
 * pages are judged only when reclaim reaches them at the inactive tail
 * (folio_check_references): young PTEs found through rmap (and cleared) plus
 * PG_referenced decide — two young observations (or two young mappers, or an
 * executable file page seen young once) activate, one keeps the page for
 * another trip ("look twice"), none reclaims; a page referenced only through
 * read() is reclaimed if clean. The active lists are shrunk from the tail:
 * everything found there is deactivated (PG_workingset set), except young
 * executable file pages, which rotate.
 *
 * How much to scan. Each reclaim pass has a priority p (12 down to 0) and
 * looks at size >> p pages of each list, split between anon and file by
 * get_scan_count: file only when anon cannot be swapped or there is plenty of
 * non-thrashing inactive cache (cache_trim_mode), anon only when file is
 * tiny, both in proportion to size at priority 0, otherwise in the ratio
 * swappiness / (anon cost) : (200 - swappiness) / (file cost), where the
 * costs (decayed) are pages written plus pages rotated by reclaim and
 * refaults of former working-set pages. Active lists are shrunk only while
 * the inactive:active ratio is below int_sqrt(10 x GB) : 1 or refaults show a
 * new working set forming. shrink_lruvec takes 32 pages at a time from each
 * list in turn; once the goal is met, kswapd and cgroup reclaim stop the
 * smaller type and scale the other to the same fraction of its target.
 *
 * Cgroup list sizes read through policy_lru_size() are the kernel's rstat
 * values, refreshed every memcg.stats_period (2 s): inactive_is_low and the
 * cost decay see them stale, as in the kernel; get_scan_count uses exact sizes.
 *
 * Simplifications (README): one node, no per-zone list sizes (all pages
 * count as eligible), no per-CPU add batches, no flusher threads (the
 * mechanism writes dirty file pages when reclaim picks them; swap writes are
 * asynchronous: a page under writeback is activated out of the way, and
 * linux_rotate() brings it to the inactive tail when its write ends).
 *
 * Parameters: none (vm.swappiness and the machine decide).
 */
#include "policy.h"

#include <stddef.h>
#include <stdlib.h>

#define LP_REFERENCED 0x01u /* PG_referenced */
#define LP_ISOLATED   0xffu /* lru value while reclaim holds the page */

struct lpage {
	uint32_t pos;   /* place on list lru of lruvec memcg (pfn_deque) */
	uint8_t lru;    /* enum lru_list, or LP_ISOLATED */
	uint8_t flags;  /* LP_* */
	uint16_t memcg; /* lruvec */
};

struct lruvec {
	struct pfn_deque list[NR_LRU_LISTS];
	uint64_t cost[2];     /* anon_cost, file_cost (decayed) */
	uint64_t activate[2]; /* WORKINGSET_ACTIVATE_{ANON,FILE}, hierarchical */
	uint64_t snap[2];     /* refaults[] snapshot taken at the end of the last cycle */
	uint64_t seen[2];     /* activate[] at the end of the latest reclaim call */
};

struct linux_state {
	struct lruvec vec[MMSIM_MAX_MEMCG];
	uint32_t nr_vec; /* cgroups seen so far (ids below this) */
};

/* What one shrink_node pass decided (the kernel's scan_control fields). */
struct pass {
	struct reclaim_control *rc;
	unsigned may_deactivate; /* bit 0 anon, bit 1 file */
	bool cache_trim_mode, file_is_tiny;
};

enum { REF_ACTIVATE, REF_KEEP, REF_RECLAIM, REF_RECLAIM_CLEAN };

static inline struct lpage *lp(struct policy_ctx *ctx, uint32_t pfn)
{
	return policy_priv(ctx, pfn);
}

static inline bool is_file(enum lru_list l)
{
	return l == LRU_INACTIVE_FILE || l == LRU_ACTIVE_FILE;
}

static inline bool is_active(enum lru_list l)
{
	return l == LRU_ACTIVE_ANON || l == LRU_ACTIVE_FILE;
}

static int linux_init(struct policy_ctx *ctx)
{
	struct linux_state *s = calloc(1, sizeof(*s));

	if (!s)
		return -1;
	for (int m = 0; m < MMSIM_MAX_MEMCG; m++)
		for (int l = 0; l < NR_LRU_LISTS; l++)
			pfn_deque_init(&s->vec[m].list[l], offsetof(struct lpage, pos));
	ctx->state = s;
	return 0;
}

static void linux_destroy(struct policy_ctx *ctx)
{
	struct linux_state *s = ctx->state;

	for (int m = 0; m < MMSIM_MAX_MEMCG; m++)
		for (int l = 0; l < NR_LRU_LISTS; l++)
			pfn_deque_free(&s->vec[m].list[l]);
	free(s);
}

/* Put @pfn on @l without telling the core (the caller does, policy_set_lru*). */
static void list_link(struct policy_ctx *ctx, uint32_t pfn, enum lru_list l, bool tail)
{
	struct linux_state *s = ctx->state;
	struct lpage *p = lp(ctx, pfn);

	if (tail)
		pfn_deque_add_tail(ctx, &s->vec[p->memcg].list[l], pfn);
	else
		pfn_deque_add_head(ctx, &s->vec[p->memcg].list[l], pfn);
	p->lru = (uint8_t)l;
}

static void list_add(struct policy_ctx *ctx, uint32_t pfn, enum lru_list l, bool tail)
{
	list_link(ctx, pfn, l, tail);
	policy_set_lru(ctx, pfn, l);
}

static void list_del(struct policy_ctx *ctx, uint32_t pfn)
{
	struct linux_state *s = ctx->state;
	struct lpage *p = lp(ctx, pfn);

	pfn_deque_del(ctx, &s->vec[p->memcg].list[p->lru], pfn);
	p->lru = LP_ISOLATED;
}

/* lru_note_cost(): charge reclaim cost to a type, in the lruvec and its parent (root). */
static void note_cost(struct policy_ctx *ctx, uint32_t memcg, bool file, uint64_t nr_io,
                      uint64_t nr_rotated)
{
	struct linux_state *s = ctx->state;
	uint64_t cost = nr_io * SWAP_CLUSTER_MAX + nr_rotated;

	for (uint32_t m = memcg;; m = 0) {
		struct lruvec *v = &s->vec[m];
		uint64_t size = policy_lru_size(ctx, m, LRU_INACTIVE_ANON) +
		                policy_lru_size(ctx, m, LRU_ACTIVE_ANON) +
		                policy_lru_size(ctx, m, LRU_INACTIVE_FILE) +
		                policy_lru_size(ctx, m, LRU_ACTIVE_FILE);

		v->cost[file] += cost;
		if (v->cost[0] + v->cost[1] > size / 4) {
			v->cost[0] /= 2;
			v->cost[1] /= 2;
		}
		if (m == 0)
			break;
	}
}

static void linux_page_added(struct policy_ctx *ctx, uint32_t pfn, unsigned flags)
{
	struct linux_state *s = ctx->state;
	struct lpage *p = lp(ctx, pfn);
	bool file = flags & PG_ADD_FILE;
	enum lru_list l;

	p->memcg = (uint16_t)policy_page_memcg(ctx, pfn);
	p->flags = 0;
	if (p->memcg >= s->nr_vec)
		s->nr_vec = p->memcg + 1u;
	if (flags & PG_ADD_UNEVICTABLE)
		l = LRU_UNEVICTABLE;
	else if (file)
		l = (flags & PG_ADD_ACTIVATE) ? LRU_ACTIVE_FILE : LRU_INACTIVE_FILE;
	else
		l = (flags & PG_ADD_ACTIVATE) ? LRU_ACTIVE_ANON : LRU_INACTIVE_ANON;
	if (flags & PG_ADD_ACTIVATE) {
		s->vec[p->memcg].activate[file]++;
		if (p->memcg)
			s->vec[0].activate[file]++;
	}
	if ((flags & PG_ADD_ACTIVATE) && (flags & PG_ADD_WORKINGSET))
		note_cost(ctx, p->memcg, file, 1, 0); /* lru_note_cost_refault */
	list_add(ctx, pfn, l, false);
}

static void linux_page_removed(struct policy_ctx *ctx, uint32_t pfn)
{
	if (lp(ctx, pfn)->lru != LP_ISOLATED)
		list_del(ctx, pfn);
}

/* folio_mark_accessed(): the two-touch rule for read()/write() accesses. */
static void linux_mark_accessed(struct policy_ctx *ctx, uint32_t pfn)
{
	struct lpage *p = lp(ctx, pfn);

	if (!(p->flags & LP_REFERENCED)) {
		p->flags |= LP_REFERENCED;
	} else if (p->lru == LRU_INACTIVE_ANON || p->lru == LRU_INACTIVE_FILE) {
		enum lru_list to = p->lru == LRU_INACTIVE_FILE ? LRU_ACTIVE_FILE : LRU_ACTIVE_ANON;

		list_del(ctx, pfn);
		list_add(ctx, pfn, to, false);
		p->flags &= ~LP_REFERENCED;
		policy_event(ctx, PEV_PGACTIVATE, 1);
		policy_note_activation(ctx, pfn); /* workingset_activation */
	}
}

/* Sizes of a lruvec; the root's are the whole node's (hierarchical). */
static uint64_t size_of(struct policy_ctx *ctx, uint32_t memcg, enum lru_list l)
{
	return policy_lru_size(ctx, memcg, l);
}

/* inactive_is_low(): the inactive list is below its share, int_sqrt(10 x GB) : 1. */
static bool inactive_is_low(struct policy_ctx *ctx, uint32_t memcg, bool file)
{
	uint64_t inactive = size_of(ctx, memcg, file ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON);
	uint64_t active = size_of(ctx, memcg, file ? LRU_ACTIVE_FILE : LRU_ACTIVE_ANON);
	uint64_t gb = (inactive + active) >> 18; /* 4 KiB pages per GiB = 2^18 */
	uint64_t ratio = gb ? policy_int_sqrt(10 * gb) : 1;

	return inactive * ratio < active;
}

/* folio_check_references() */
static int check_references(struct policy_ctx *ctx, uint32_t pfn, bool file)
{
	struct lpage *p = lp(ctx, pfn);
	int young = policy_page_referenced(ctx, pfn);
	unsigned pf = policy_page_flags(ctx, pfn);
	bool referenced = p->flags & LP_REFERENCED;

	p->flags &= ~LP_REFERENCED;
	if (pf & PGF_LOCKED)
		return REF_ACTIVATE;
	if (young < 0)
		return REF_KEEP;
	if (young > 0) {
		p->flags |= LP_REFERENCED;
		if (referenced || young > 1)
			return REF_ACTIVATE;
		if ((pf & PGF_EXEC) && file)
			return REF_ACTIVATE;
		return REF_KEEP;
	}
	if (referenced && file)
		return REF_RECLAIM_CLEAN;
	return REF_RECLAIM;
}

/* Take up to @n pages from the tail of @l into @batch. Return: how many. */
static unsigned isolate(struct policy_ctx *ctx, struct lruvec *v, enum lru_list l, unsigned n,
                        uint32_t *batch)
{
	struct pfn_deque *d = &v->list[l];
	unsigned got = 0;

	while (got < n && d->nr)
		batch[got++] = pfn_deque_pop_tail(d);
	/* performance only: all the misses at once */
	policy_prefetch_batch(ctx, batch, got, false);
	for (unsigned i = 0; i < got; i++)
		__builtin_prefetch(lp(ctx, batch[i]));
	for (unsigned i = 0; i < got; i++)
		lp(ctx, batch[i])->lru = LP_ISOLATED;
	policy_set_lru_batch(ctx, batch, got, LRU_NONE);
	/* ... and, the descriptors being in, PTEs and slots */
	policy_prefetch_batch(ctx, batch, got, true);
	return got;
}

/* shrink_inactive_list(). Return: pages reclaimed. */
static unsigned long shrink_inactive(struct policy_ctx *ctx, struct pass *ps, uint32_t memcg,
                                     enum lru_list l, unsigned n)
{
	struct linux_state *s = ctx->state;
	struct reclaim_control *rc = ps->rc;
	uint32_t batch[SWAP_CLUSTER_MAX];
	bool file = is_file(l);
	unsigned got = isolate(ctx, &s->vec[memcg], l, n, batch), activated = 0;
	unsigned long freed0 = rc->nr_reclaimed, io0 = rc->nr_io, freed;

	rc->nr_scanned += got;
	if (file)
		rc->nr_scanned_file += got;
	for (unsigned i = 0; i < got; i++) {
		uint32_t pfn = batch[i];
		enum reclaim_result res = RECLAIM_KEEP;
		int ref;

		if (rc->reclaimer == RECLAIM_CACHE && rc->nr_reclaimed >= rc->nr_to_reclaim) {
			/* cache mode: one victim; the rest go back untouched, in order */
			for (unsigned j = got; j-- > i;)
				list_add(ctx, batch[j], l, true);
			break;
		}
		/* before any reference check: under writeback, the mechanism tags it PG_reclaim
		 * and we activate it, or (case 3) waits for the write and we look again */
		if (policy_page_writeback(ctx, pfn))
			res = policy_reclaim_page(ctx, rc, pfn);
		if (res == RECLAIM_KEEP || res == RECLAIM_RETRY) {
			res = RECLAIM_KEEP;
			ref = check_references(ctx, pfn, file);
			if (ref == REF_ACTIVATE)
				res = RECLAIM_ACTIVATE;
			else if (ref == REF_RECLAIM || (ref == REF_RECLAIM_CLEAN &&
			                                !(policy_page_flags(ctx, pfn) & PGF_DIRTY)))
				res = policy_reclaim_page(ctx, rc, pfn);
		}
		if (res == RECLAIM_FREED)
			continue;
		if (res == RECLAIM_ACTIVATE) {
			if (policy_page_flags(ctx, pfn) & PGF_LOCKED) {
				list_add(ctx, pfn, LRU_UNEVICTABLE, false); /* culled */
				continue;
			}
			list_add(ctx, pfn, file ? LRU_ACTIVE_FILE : LRU_ACTIVE_ANON, false);
			policy_note_activation(ctx, pfn); /* move_folios_to_lru ages for actives */
			activated++;
		} else {
			list_add(ctx, pfn, l, false);
		}
	}
	if (activated)
		policy_event(ctx, PEV_PGACTIVATE, activated);
	freed = rc->nr_reclaimed - freed0;
	note_cost(ctx, memcg, file, rc->nr_io - io0, got - freed);
	return freed;
}

/* shrink_active_list() */
static void shrink_active(struct policy_ctx *ctx, struct pass *ps, uint32_t memcg, enum lru_list l,
                          unsigned n)
{
	struct linux_state *s = ctx->state;
	uint32_t batch[SWAP_CLUSTER_MAX], deact[SWAP_CLUSTER_MAX];
	bool file = is_file(l);
	enum lru_list inactive = file ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON;
	unsigned got = isolate(ctx, &s->vec[memcg], l, n, batch), rotated = 0, deactivated = 0;

	(void)ps;
	policy_event(ctx, PEV_PGREFILL, got);
	for (unsigned i = 0; i < got; i++) {
		uint32_t pfn = batch[i];

		if (policy_page_referenced(ctx, pfn) > 0 && file &&
		    (policy_page_flags(ctx, pfn) & PGF_EXEC)) {
			list_add(ctx, pfn, l, false);
			policy_note_activation(ctx, pfn);
			rotated++;
			continue;
		}
		list_link(ctx, pfn, inactive, false);
		deact[deactivated++] = pfn;
	}
	/* through the active list to the inactive one: the core sets PG_workingset */
	policy_set_lru_batch(ctx, deact, deactivated, l);
	policy_set_lru_batch(ctx, deact, deactivated, inactive);
	policy_event(ctx, PEV_PGDEACTIVATE, deactivated);
	if (rotated)
		note_cost(ctx, memcg, file, 0, rotated);
}

/* get_scan_count(): how many pages of each evictable list this pass scans. */
static void scan_count(struct policy_ctx *ctx, struct pass *ps, uint32_t memcg, uint64_t nr[4])
{
	struct linux_state *s = ctx->state;
	struct reclaim_control *rc = ps->rc;
	unsigned swappiness = policy_swappiness(ctx, rc->memcg);
	enum { SCAN_EQUAL, SCAN_FRACT, SCAN_ANON, SCAN_FILE } mode = SCAN_FRACT;
	uint64_t fraction[2] = {1, 1}, denominator = 2;

	if (!rc->may_swap)
		mode = SCAN_FILE;
	else if (rc->memcg && !swappiness)
		mode = SCAN_FILE;
	else if (!rc->priority && swappiness)
		mode = SCAN_EQUAL;
	else if (ps->file_is_tiny)
		mode = SCAN_ANON;
	else if (ps->cache_trim_mode)
		mode = SCAN_FILE;
	if (mode == SCAN_FRACT) {
		const struct lruvec *t = &s->vec[rc->memcg];
		uint64_t total = t->cost[0] + t->cost[1];
		uint64_t ac = total + t->cost[0], fc = total + t->cost[1];

		total = ac + fc;
		fraction[0] = swappiness * (total + 1) / (ac + 1);
		fraction[1] = (200 - swappiness) * (total + 1) / (fc + 1);
		denominator = fraction[0] + fraction[1];
	}
	for (int l = 0; l < 4; l++) {
		bool file = is_file((enum lru_list)l);
		uint64_t scan = s->vec[memcg].list[l].nr >> rc->priority;

		switch (mode) {
		case SCAN_EQUAL:
			break;
		case SCAN_FRACT:
			scan = denominator ? scan * fraction[file] / denominator : 0;
			break;
		case SCAN_FILE:
		case SCAN_ANON:
			if ((mode == SCAN_FILE) != file)
				scan = 0;
			break;
		}
		nr[l] = scan;
	}
}

static unsigned long shrink_list(struct policy_ctx *ctx, struct pass *ps, uint32_t memcg,
                                 enum lru_list l, unsigned n)
{
	if (is_active(l)) {
		if (ps->may_deactivate & (1u << is_file(l)))
			shrink_active(ctx, ps, memcg, l, n);
		return 0;
	}
	return shrink_inactive(ctx, ps, memcg, l, n);
}

static inline uint64_t min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* shrink_lruvec() */
static void shrink_lruvec(struct policy_ctx *ctx, struct pass *ps, uint32_t memcg)
{
	struct reclaim_control *rc = ps->rc;
	uint64_t nr[4], targets[4];
	unsigned long reclaimed = 0;
	bool proportional =
	        !rc->memcg && rc->reclaimer != RECLAIM_KSWAPD && rc->priority == DEF_PRIORITY;

	scan_count(ctx, ps, memcg, nr);
	for (int l = 0; l < 4; l++)
		targets[l] = nr[l];
	while (nr[LRU_INACTIVE_ANON] || nr[LRU_ACTIVE_FILE] || nr[LRU_INACTIVE_FILE]) {
		uint64_t nr_file, nr_anon, pct, scanned;
		int lru;

		for (int l = 0; l < 4; l++) {
			if (nr[l]) {
				unsigned n = (unsigned)min64(nr[l], SWAP_CLUSTER_MAX);

				nr[l] -= n;
				reclaimed += shrink_list(ctx, ps, memcg, (enum lru_list)l, n);
			}
		}
		if (reclaimed < rc->nr_to_reclaim || proportional)
			continue;
		nr_file = nr[LRU_INACTIVE_FILE] + nr[LRU_ACTIVE_FILE];
		nr_anon = nr[LRU_INACTIVE_ANON] + nr[LRU_ACTIVE_ANON];
		if (!nr_file || !nr_anon)
			break;
		if (nr_file > nr_anon) { /* stop anon, scale file to anon's completed share */
			pct = nr_anon * 100 /
			      (targets[LRU_INACTIVE_ANON] + targets[LRU_ACTIVE_ANON] + 1);
			nr[LRU_INACTIVE_ANON] = nr[LRU_ACTIVE_ANON] = 0;
			lru = LRU_INACTIVE_FILE;
		} else {
			pct = nr_file * 100 /
			      (targets[LRU_INACTIVE_FILE] + targets[LRU_ACTIVE_FILE] + 1);
			nr[LRU_INACTIVE_FILE] = nr[LRU_ACTIVE_FILE] = 0;
			lru = LRU_INACTIVE_ANON;
		}
		for (int k = lru; k <= lru + 1; k++) {
			scanned = targets[k] - nr[k];
			nr[k] = targets[k] * (100 - pct) / 100;
			nr[k] -= min64(nr[k], scanned);
		}
	}
	if (rc->swap_present && inactive_is_low(ctx, memcg, false))
		shrink_active(ctx, ps, memcg, LRU_ACTIVE_ANON, SWAP_CLUSTER_MAX);
}

/* shrink_node(): prepare_scan_control, then every lruvec under the target. */
static void shrink_node(struct policy_ctx *ctx, struct reclaim_control *rc)
{
	struct linux_state *s = ctx->state;
	struct lruvec *t = &s->vec[rc->memcg];
	struct pass ps = {.rc = rc};

	if (rc->new_cycle) { /* snapshot_refaults() ran at the end of the previous cycle */
		t->snap[0] = t->seen[0];
		t->snap[1] = t->seen[1];
	}
	if (rc->reclaimer == RECLAIM_KSWAPD && rc->swap_present) /* kswapd_age_node */
		for (uint32_t m = 0; m < s->nr_vec; m++)
			if (s->vec[m].list[LRU_ACTIVE_ANON].nr && inactive_is_low(ctx, m, false))
				shrink_active(ctx, &ps, m, LRU_ACTIVE_ANON, SWAP_CLUSTER_MAX);
	for (int file = 0; file < 2; file++)
		if (t->activate[file] != t->snap[file] || inactive_is_low(ctx, rc->memcg, file))
			ps.may_deactivate |= 1u << file;
	ps.cache_trim_mode = (size_of(ctx, rc->memcg, LRU_INACTIVE_FILE) >> rc->priority) &&
	                     !(ps.may_deactivate & 2);
	if (!rc->memcg) {
		uint64_t file =
		        size_of(ctx, 0, LRU_INACTIVE_FILE) + size_of(ctx, 0, LRU_ACTIVE_FILE);

		ps.file_is_tiny = file + rc->free_pages <= rc->high_wmark_pages &&
		                  !(ps.may_deactivate & 1) &&
		                  (size_of(ctx, 0, LRU_INACTIVE_ANON) >> rc->priority);
	}
	for (uint32_t m = 0; m < s->nr_vec; m++)
		if ((!rc->memcg || m == rc->memcg) &&
		    (m == rc->memcg || s->vec[m].list[0].nr || s->vec[m].list[1].nr ||
		     s->vec[m].list[2].nr || s->vec[m].list[3].nr))
			shrink_lruvec(ctx, &ps, m);
	t->seen[0] = t->activate[0];
	t->seen[1] = t->activate[1];
}

/*
 * folio_rotate_reclaimable() / lru_move_tail(): the swap write of a page
 * reclaim chose has ended. It moves to the tail of its inactive list, active
 * or not (PG_active is cleared, PG_workingset is not set), and the next scan
 * frees it.
 */
static void linux_rotate(struct policy_ctx *ctx, uint32_t pfn)
{
	struct lpage *p = lp(ctx, pfn);
	bool file = is_file((enum lru_list)p->lru);

	if (p->lru == LRU_UNEVICTABLE || p->lru == LP_ISOLATED)
		return;
	list_del(ctx, pfn);
	policy_set_lru(ctx, pfn, LRU_NONE); /* not a deactivation: no PG_workingset */
	list_add(ctx, pfn, file ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON, true);
	policy_event(ctx, PEV_PGROTATED, 1);
}

/*
 * Full machine: one shrink_node pass at the caller's priority. Cache mode
 * wants exactly one victim: passes at priorities 12 down to 0 (repeating 0, as
 * the kernel's retries do, while references keep activating pages) until one
 * page has gone; shrink_inactive stops reclaiming once it has.
 */
static void linux_shrink(struct policy_ctx *ctx, struct reclaim_control *rc)
{
	if (rc->reclaimer != RECLAIM_CACHE) {
		shrink_node(ctx, rc);
		return;
	}
	rc->swap_present = true;
	rc->new_cycle = true;
	for (int prio = DEF_PRIORITY, zero_passes = 0; !rc->nr_reclaimed; prio -= prio > 0) {
		rc->priority = prio;
		shrink_node(ctx, rc);
		rc->new_cycle = false;
		if (!prio && ++zero_passes > 64)
			break; /* nothing evictable: the core reports the broken contract */
	}
}

const struct reclaim_policy_ops linux_policy = {
        .name = "linux",
        .description = "the kernel's active/inactive LRU with refault distance (mm/vmscan.c, 6.x)",
        .params = "none (vm.swappiness, memcg and swap settings apply)",
        .page_priv_size = sizeof(struct lpage),
        .init = linux_init,
        .destroy = linux_destroy,
        .page_added = linux_page_added,
        .mark_accessed = linux_mark_accessed,
        .shrink = linux_shrink,
        .page_removed = linux_page_removed,
        .rotate = linux_rotate,
};
