// SPDX-License-Identifier: MIT
/*
 * policy_core.c - the one implementation of the policy_*() calls of
 * sim/policy.h. Page questions and reclaim are forwarded to the mechanism
 * (struct policy_mech_ops); LRU-list gauges, vmstat events and configuration
 * are answered here, identically for every mechanism.
 */
#include "policy_core.h"

#include "util.h"
#include "zone.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline struct policy_core *core_of(struct policy_ctx *ctx)
{
	return (struct policy_core *)ctx;
}

/* The vmstat gauge of each list, in enum lru_list order. */
static void init_gauges(struct policy_core *pc)
{
	struct metrics *m = pc->metrics;

	pc->gauge[LRU_INACTIVE_ANON] = &m->nr_inactive_anon;
	pc->gauge[LRU_ACTIVE_ANON] = &m->nr_active_anon;
	pc->gauge[LRU_INACTIVE_FILE] = &m->nr_inactive_file;
	pc->gauge[LRU_ACTIVE_FILE] = &m->nr_active_file;
	pc->gauge[LRU_UNEVICTABLE] = &m->nr_unevictable;
}

/*
 * Per frame: [mech_bytes][page_priv_size], the stride rounded up to 8 bytes
 * when the mechanism shares it (so its 8-byte fields stay aligned).
 */
static int core_init(struct policy_core *pc, const struct reclaim_policy_ops *ops,
                     const struct policy_mech_ops *mech, void *mech_arg, const struct config *cfg,
                     struct metrics *metrics, uint32_t capacity, uint32_t nr_frames,
                     const struct policy_core *share, size_t mech_bytes)
{
	size_t stride = mech_bytes + ops->page_priv_size;

	if (mech_bytes)
		stride = (stride + 7) & ~(size_t)7;
	memset(pc, 0, sizeof(*pc));
	pc->ops = ops;
	pc->mech = mech;
	pc->mech_arg = mech_arg;
	pc->cfg = cfg;
	pc->metrics = metrics;
	pc->mech_bytes = mech_bytes;
	pc->ctx.priv_size = ops->page_priv_size;
	pc->ctx.priv_stride = stride;
	pc->ctx.nr_frames = capacity;
	init_gauges(pc);
	if (share) { /* another node's instance owns the per-frame arrays */
		SIM_BUG_ON(share->ctx.priv_stride != stride || share->mech_bytes != mech_bytes);
		pc->ctx.priv_base = share->ctx.priv_base;
		pc->lru_of = share->lru_of;
	} else {
		pc->arrays_frames = nr_frames;
		pc->ctx.priv_base =
		        (unsigned char *)host_reserve((size_t)nr_frames * stride) + mech_bytes;
		pc->lru_of = host_reserve(nr_frames);
	}
	pc->swappiness = (uint32_t)config_u64(cfg, "vm.swappiness");
	pc->stats_period = config_time_ns(cfg, "memcg.stats_period");
	if (ops->init && ops->init(&pc->ctx))
		return -1;
	pc->init_done = true;
	return 0;
}

int policy_core_init(struct policy_core *pc, const struct reclaim_policy_ops *ops,
                     const struct policy_mech_ops *mech, void *mech_arg, const struct config *cfg,
                     struct metrics *metrics, uint32_t nr_frames, size_t mech_bytes)
{
	return core_init(pc, ops, mech, mech_arg, cfg, metrics, nr_frames, nr_frames, NULL,
	                 mech_bytes);
}

int policy_core_init_node(struct policy_core *pc, const struct reclaim_policy_ops *ops,
                          const struct policy_mech_ops *mech, void *mech_arg,
                          const struct config *cfg, struct metrics *metrics, uint32_t capacity,
                          uint32_t nr_frames, const struct policy_core *share)
{
	return core_init(pc, ops, mech, mech_arg, cfg, metrics, capacity, nr_frames, share, 0);
}

void policy_core_destroy(struct policy_core *pc)
{
	if (pc->init_done && pc->ops->destroy)
		pc->ops->destroy(&pc->ctx);
	size_t priv_bytes = (size_t)pc->arrays_frames * pc->ctx.priv_stride;

	if (pc->ctx.priv_base && pc->arrays_frames)
		host_release(pc->ctx.priv_base - pc->mech_bytes, priv_bytes);
	if (pc->lru_of && pc->arrays_frames)
		host_release(pc->lru_of, pc->arrays_frames);
	pc->ctx.priv_base = NULL;
	pc->lru_of = NULL;
}

void policy_core_clear_priv(struct policy_core *pc, uint32_t pfn)
{
	void *p = policy_priv(&pc->ctx, pfn);

	switch (pc->ctx.priv_size) { /* the usual sizes as inline stores, once per fault */
	case 0:
		break;
	case 8:
		memset(p, 0, 8);
		break;
	case 12:
		memset(p, 0, 12);
		break;
	case 16:
		memset(p, 0, 16);
		break;
	default:
		memset(p, 0, pc->ctx.priv_size);
	}
}

/* The cgroup of a page not yet held in lru_of (once per residency): kept out of
 * line, so that policy_set_lru's common path saves no registers. */
static __attribute__((noinline, cold)) uint32_t memcg_first(struct policy_core *pc, uint32_t pfn)
{
	return policy_core_memcg_of(pc, pfn, 0);
}

/* shrink_active_list sets PG_workingset on what it deactivates: list @from -> @to. */
static inline bool deactivates(unsigned from, enum lru_list to)
{
	return (from == LRU_ACTIVE_ANON && to == LRU_INACTIVE_ANON) ||
	       (from == LRU_ACTIVE_FILE && to == LRU_INACTIVE_FILE);
}

/*
 * Called several times per page scanned by reclaim, so kept lean: the cgroup
 * comes from lru_of (asked once per residency), and the counters are updated
 * without a second lookup of the cgroup's row.
 */
void policy_set_lru(struct policy_ctx *ctx, uint32_t pfn, enum lru_list lru)
{
	struct policy_core *pc = core_of(ctx);
	unsigned of = pc->lru_of[pfn];
	unsigned prev = of & LRU_OF_LIST, ws = of & LRU_OF_WORKINGSET;
	uint32_t memcg = __builtin_expect(!!(of & LRU_OF_HELD), 1)
	                         ? (of & LRU_OF_MEMCG) >> LRU_OF_MEMCG_SHIFT
	                         : memcg_first(pc, pfn);
	uint64_t *row = pc->memcg_lru[memcg];

	SIM_BUG_ON(memcg >= MMSIM_MAX_MEMCG || lru > LRU_NONE);
	/* lru_of holds lru + 1 so that the zero-filled array means "on no list". */
	if (prev--) {
		--*pc->gauge[prev];
		row[prev]--;
		pc->node_lru[prev]--;
		if (deactivates(prev, lru))
			ws = LRU_OF_WORKINGSET;
	}
	if (lru != LRU_NONE) {
		++*pc->gauge[lru];
		row[lru]++;
		pc->node_lru[lru]++;
	}
	pc->lru_of[pfn] = (uint8_t)((lru == LRU_NONE ? 0 : lru + 1) | ws | LRU_OF_HELD |
	                            memcg << LRU_OF_MEMCG_SHIFT);
}

/* Move @run pages of list+memcg @key (lru_of bits) to @lru (LRU_NONE: off every list). */
static inline void count_run(struct policy_core *pc, unsigned key, unsigned run, enum lru_list lru)
{
	uint32_t memcg = (key & LRU_OF_MEMCG) >> LRU_OF_MEMCG_SHIFT;

	if (!run)
		return;
	if (key & LRU_OF_LIST)
		policy_core_lru_count(pc, memcg, (key & LRU_OF_LIST) - 1, -(int)run);
	if (lru != LRU_NONE)
		policy_core_lru_count(pc, memcg, lru, (int)run);
}

/*
 * The pages of a run that share their list (or none) and cgroup, held in
 * lru_of, move the counters once for the run, each page's lru_of getting
 * policy_set_lru()'s value (PG_workingset on a deactivation); a page whose
 * cgroup lru_of does not hold takes policy_set_lru(). Same result.
 */
void policy_set_lru_batch(struct policy_ctx *ctx, const uint32_t *pfns, unsigned n,
                          enum lru_list lru)
{
	struct policy_core *pc = core_of(ctx);
	const unsigned key_bits = LRU_OF_LIST | LRU_OF_MEMCG;
	unsigned run_key = 0, run = 0, to = lru == LRU_NONE ? 0 : lru + 1;

	SIM_BUG_ON(lru > LRU_NONE);
	for (unsigned i = 0; i < n; i++) {
		unsigned of = pc->lru_of[pfns[i]];

		if (__builtin_expect(!(of & LRU_OF_HELD), 0)) {
			count_run(pc, run_key, run, lru);
			run = 0;
			policy_set_lru(ctx, pfns[i], lru);
			continue;
		}
		if ((of & key_bits) != run_key) {
			count_run(pc, run_key, run, lru);
			run = 0;
			run_key = of & key_bits;
		}
		run++;
		if ((of & LRU_OF_LIST) && deactivates((of & LRU_OF_LIST) - 1, lru))
			of |= LRU_OF_WORKINGSET;
		pc->lru_of[pfns[i]] = (uint8_t)((of & ~LRU_OF_LIST) | to);
	}
	count_run(pc, run_key, run, lru);
}

uint64_t policy_int_sqrt(uint64_t x)
{
	return int_sqrt(x);
}

uint64_t policy_lru_size(struct policy_ctx *ctx, uint32_t memcg, enum lru_list lru)
{
	struct policy_core *pc = core_of(ctx);
	if (lru >= NR_LRU_LISTS)
		return 0;
	if (memcg == 0) /* the root's statistics are hierarchical: the whole node, exact */
		return pc->node_lru[lru];
	if (memcg >= MMSIM_MAX_MEMCG)
		return 0;
	if (pc->stats_period) { /* rstat: refreshed by a periodic flush */
		uint64_t now = pc->mech->now_ns(pc->mech_arg);

		if (now >= pc->stats_time + pc->stats_period) {
			memcpy(pc->memcg_lru_snap, pc->memcg_lru, sizeof(pc->memcg_lru));
			pc->stats_time = now - (now - pc->stats_time) % pc->stats_period;
		}
		return pc->memcg_lru_snap[memcg][lru];
	}
	return pc->memcg_lru[memcg][lru];
}

void policy_event(struct policy_ctx *ctx, enum policy_event ev, uint64_t n)
{
	struct metrics *m = core_of(ctx)->metrics;

	switch (ev) {
	case PEV_PGACTIVATE:
		m->pgactivate += n;
		break;
	case PEV_PGDEACTIVATE:
		m->pgdeactivate += n;
		break;
	case PEV_PGREFILL:
		m->pgrefill += n;
		break;
	case PEV_PGROTATED:
		m->pgrotated += n;
		break;
	case NR_POLICY_EVENTS:
		break;
	}
}

uint64_t policy_page_key(struct policy_ctx *ctx, uint32_t pfn)
{
	struct policy_core *pc = core_of(ctx);

	return pc->mech->page_key(pc->mech_arg, pfn);
}

unsigned policy_page_flags(struct policy_ctx *ctx, uint32_t pfn)
{
	struct policy_core *pc = core_of(ctx);

	return pc->mech->page_flags(pc->mech_arg, pfn);
}

uint32_t policy_page_memcg(struct policy_ctx *ctx, uint32_t pfn)
{
	struct policy_core *pc = core_of(ctx);

	return pc->mech->page_memcg ? pc->mech->page_memcg(pc->mech_arg, pfn) : 0;
}

bool policy_page_writeback(struct policy_ctx *ctx, uint32_t pfn)
{
	struct policy_core *pc = core_of(ctx);

	return pc->mech->page_writeback && pc->mech->page_writeback(pc->mech_arg, pfn);
}

unsigned policy_page_zone(struct policy_ctx *ctx, uint32_t pfn)
{
	struct policy_core *pc = core_of(ctx);

	return pc->mech->page_zone(pc->mech_arg, pfn);
}

int policy_page_referenced(struct policy_ctx *ctx, uint32_t pfn)
{
	struct policy_core *pc = core_of(ctx);

	return pc->mech->page_referenced(pc->mech_arg, pfn);
}

enum reclaim_result policy_reclaim_page(struct policy_ctx *ctx, struct reclaim_control *rc,
                                        uint32_t pfn)
{
	struct policy_core *pc = core_of(ctx);

	return pc->mech->reclaim_page(pc->mech_arg, rc, pfn);
}

void policy_prefetch(struct policy_ctx *ctx, uint32_t pfn, bool deep)
{
	policy_prefetch_batch(ctx, &pfn, 1, deep);
}

void policy_prefetch_batch(struct policy_ctx *ctx, const uint32_t *pfns, unsigned n, bool deep)
{
	struct policy_core *pc = core_of(ctx);

	if (pc->mech->prefetch && n)
		pc->mech->prefetch(pc->mech_arg, pfns, n, deep);
}

void policy_note_activation(struct policy_ctx *ctx, uint32_t pfn)
{
	struct policy_core *pc = core_of(ctx);

	if (pc->mech->note_activation)
		pc->mech->note_activation(pc->mech_arg, pfn);
}

uint64_t policy_next_use(struct policy_ctx *ctx)
{
	return core_of(ctx)->next_use;
}

bool policy_incoming_key(struct policy_ctx *ctx, uint64_t *key)
{
	struct policy_core *pc = core_of(ctx);

	return pc->mech->incoming_key && pc->mech->incoming_key(pc->mech_arg, key);
}

uint64_t policy_now_ns(struct policy_ctx *ctx)
{
	struct policy_core *pc = core_of(ctx);

	return pc->mech->now_ns(pc->mech_arg);
}

unsigned policy_swappiness(struct policy_ctx *ctx, uint32_t memcg)
{
	(void)memcg;
	return core_of(ctx)->swappiness;
}

static const char *policy_key(struct policy_ctx *ctx, const char *key)
{
	struct policy_core *pc = core_of(ctx);
	char full[160];

	snprintf(full, sizeof(full), "policy.%s.%s", pc->ops->name, key);
	return config_get(pc->cfg, full);
}

bool policy_config_u64(struct policy_ctx *ctx, const char *key, uint64_t *out)
{
	const char *v = policy_key(ctx, key);
	uint64_t x;

	if (!v)
		return false;
	if (parse_u64(v, &x)) {
		policy_error(ctx, "policy.%s.%s: '%s' is not a whole number",
		             core_of(ctx)->ops->name, key, v);
		*out = UINT64_MAX; /* callers validate ranges; make the bad value obvious */
		return true;
	}
	*out = x;
	return true;
}

bool policy_config_double(struct policy_ctx *ctx, const char *key, double *out)
{
	const char *v = policy_key(ctx, key);
	char *end;
	double d;

	if (!v)
		return false;
	d = strtod(v, &end);
	if (end == v || *end) {
		policy_error(ctx, "policy.%s.%s: '%s' is not a number", core_of(ctx)->ops->name,
		             key, v);
		d = -1;
	}
	*out = d;
	return true;
}

void policy_error(struct policy_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mmsim: policy %s: ", core_of(ctx)->ops->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
