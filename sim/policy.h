/* SPDX-License-Identifier: MIT */
/*
 * policy.h - the reclaim-policy interface. This is the only header a policy
 * (policies/<name>.c) includes. Mechanism lives in sim/, decisions here.
 *
 * Frames are named by 32-bit page frame numbers (pfn). For the running policy
 * the core allocates page_priv_size bytes per frame, zeroed when a page is
 * added, reached with policy_priv(). A page's identity across eviction and
 * refault (for ghost lists and history) is its 64-bit key, policy_page_key().
 *
 * Calling protocol
 * ----------------
 * - init() runs once before the first record; it may read its policy.<name>.*
 *   keys with policy_config_*() and set ctx->state. destroy() runs at the end.
 * - page_added(pfn, flags) runs when a page becomes resident: a fault
 *   (demand-zero, file, swap-in), a page-cache fill by read()/readahead, or a
 *   cache-mode miss. The page is not yet on any of the policy's lists. flags
 *   say what kind of page it is and whether the core's refault logic asked
 *   for activation (see PG_ADD_*).
 * - page_accessed(pfn, access) runs on *every* access to a resident page, if
 *   and only if the policy sets it (exact LRU, ARC, LIRS, OPT). Policies that
 *   leave it NULL keep the hot path free and read referenced bits instead
 *   (policy_page_referenced(), which harvests and clears PTE young bits; in
 *   cache mode the bit a hit sets).
 * - mark_accessed(pfn) runs for read()/write() accesses (folio_mark_accessed);
 *   NULL means such accesses only set the referenced bit.
 * - shrink(rc) asks the policy to reclaim rc->nr_to_reclaim pages for the
 *   reclaimer described by rc. The policy chooses victims and calls
 *   policy_reclaim_page() for each; the mechanism unmaps (TLB shootdown),
 *   writes back or swaps, records the shadow, frees the frame and calls
 *   page_removed() before returning. The policy reports rc->nr_scanned.
 *   In cache mode (rc->reclaimer == RECLAIM_CACHE) nr_to_reclaim is 1 and
 *   exactly one page must be reclaimed: the core checks.
 * - page_removed(pfn) runs whenever a resident page leaves (reclaimed by
 *   policy_reclaim_page, unmapped, truncated, process exit). The policy must
 *   drop the frame from its lists; it may keep the key as history.
 * - rotate(pfn) is optional: writeback ended on a page that reclaim chose
 *   (PG_reclaim; folio_rotate_reclaimable). The page is clean, on the
 *   policy's lists and not unevictable; the policy moves it to where it will
 *   be reclaimed next (linux: the inactive tail, counting PEV_PGROTATED).
 *   Only with a rotate() are swap writes asynchronous: policy_reclaim_page()
 *   then answers RECLAIM_KEEP for a page it has just started writing, and
 *   frees it when the policy offers it again after the write. Without one
 *   (or with swap.synchronous = 1) a written page is freed at once.
 * - refault(pfn, shadow) is optional: if a policy stores its own shadow
 *   payload (shadow_of() at eviction), the core hands it back when the page
 *   faults in again, before page_added; it returns extra PG_ADD_* flags.
 *   Policies that leave both NULL get the core's refault distance
 *   (sim/workingset.c) in PG_ADD_ACTIVATE / PG_ADD_WORKINGSET.
 *
 * A policy must not touch another policy's data, the frame descriptors or
 * page tables directly; everything goes through the policy_*() calls below.
 */
#ifndef MMSIM_POLICY_H
#define MMSIM_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PFN_NONE UINT32_MAX /* "no frame", the null link of pfn lists */

/* page_added() flags */
#define PG_ADD_FILE        0x01u  /* page cache page (else swap-backed anon) */
#define PG_ADD_ACTIVATE    0x02u  /* refault judged recent: the kernel sets PG_active */
#define PG_ADD_WORKINGSET  0x04u  /* it was active before eviction (shadow workingset bit) */
#define PG_ADD_FAULT       0x08u  /* instantiated by a page fault (mapped), not read()/readahead */
#define PG_ADD_EXEC        0x10u  /* mapped by a VM_EXEC vma */
#define PG_ADD_READAHEAD   0x20u  /* brought in by readahead, not yet accessed */
#define PG_ADD_UNEVICTABLE 0x40u  /* mlocked: the policy must not offer it for reclaim */
#define PG_ADD_DIRTY       0x80u  /* added dirty (write fault, write()) */
#define PG_ADD_REFAULT     0x100u /* a shadow entry existed (the page was evicted before) */

/* page_accessed() access flags */
#define PG_ACC_WRITE 0x01u /* store */
#define PG_ACC_EXEC  0x02u /* instruction fetch */

/* policy_page_flags() */
#define PGF_FILE       0x01u /* page cache (!PG_swapbacked) */
#define PGF_DIRTY      0x02u /* dirty (PTE dirty bits are folded in) */
#define PGF_MAPPED     0x04u /* mapped by at least one PTE */
#define PGF_EXEC       0x08u /* mapped by a VM_EXEC vma */
#define PGF_LOCKED     0x10u /* mapped by a VM_LOCKED vma */
#define PGF_SWAPCACHE  0x20u /* in the swap cache */
#define PGF_WRITEBACK  0x40u /* under writeback */
#define PGF_WORKINGSET 0x80u /* PG_workingset: deactivated from an active list, or restored */

enum reclaimer {
	RECLAIM_KSWAPD, /* background reclaim to the high watermark */
	RECLAIM_DIRECT, /* allocation below min: the faulting task reclaims */
	RECLAIM_MEMCG,  /* memory cgroup limit reclaim (try_charge) */
	RECLAIM_CACHE,  /* cache mode: make room for exactly one page */
};

/* The kernel's reclaim constants (include/linux/swap.h, mmzone.h). */
#define SWAP_CLUSTER_MAX 32 /* reclaim batch */
#define DEF_PRIORITY     12 /* first pass scans size >> 12 */

/* What a shrink() call is asked to do (the kernel's struct scan_control, trimmed). */
struct reclaim_control {
	enum reclaimer reclaimer;      /* who reclaims */
	unsigned long nr_to_reclaim;   /* goal in pages */
	int priority;                  /* DEF_PRIORITY .. 0; scan size >> priority */
	bool may_swap;                 /* anon can be reclaimed (swap space available) */
	bool may_writepage;            /* dirty file pages may be written by reclaim */
	bool swap_present;             /* a swap device exists (anon may be aged even when full) */
	bool new_cycle;                /* first call of a reclaim cycle (kswapd run, direct or
	                                * memcg reclaim): refault snapshots are taken here */
	uint32_t memcg;                /* 0 = global reclaim, else the cgroup being reclaimed */
	unsigned reclaim_idx;          /* highest zone index whose pages count */
	uint64_t free_pages;           /* global reclaim: free pages of eligible zones */
	uint64_t high_wmark_pages;     /* global reclaim: sum of their high watermarks */
	unsigned long nr_scanned;      /* out: inactive pages the policy examined (pgscan) */
	unsigned long nr_scanned_file; /* out: ... of which file pages (pgscan_file) */
	unsigned long nr_reclaimed;    /* out: maintained by policy_reclaim_page() */
	unsigned long nr_io;           /* out: pages written by policy_reclaim_page() (pageout) */
};

/* Memory cgroups: ids 0 (root, the whole machine) .. MMSIM_MAX_MEMCG - 1. */
#define MMSIM_MAX_MEMCG 8

/* Vmstat-named events a policy reports (the core owns every other counter). */
enum policy_event {
	PEV_PGACTIVATE,   /* inactive -> active */
	PEV_PGDEACTIVATE, /* active -> inactive */
	PEV_PGREFILL,     /* active-list pages scanned */
	PEV_PGROTATED,    /* pages rotated to the inactive tail */
	NR_POLICY_EVENTS
};

/* The list a page is on, for the nr_{in,}active_{anon,file} gauges and the refault test. */
enum lru_list {
	LRU_INACTIVE_ANON,
	LRU_ACTIVE_ANON,
	LRU_INACTIVE_FILE,
	LRU_ACTIVE_FILE,
	LRU_UNEVICTABLE,
	NR_LRU_LISTS,
	LRU_NONE = NR_LRU_LISTS /* not on a list (isolated, or not resident) */
};

/*
 * The mechanism as a policy sees it. Only the first fields are public, so the
 * per-frame private area is one multiply away; the rest is the core's.
 */
struct policy_ctx {
	void *state;              /* the policy's own state, set by init() */
	unsigned char *priv_base; /* page_priv_size bytes per frame, priv_stride apart */
	size_t priv_size;         /* == ops->page_priv_size */
	size_t priv_stride;       /* bytes from one frame's area to the next (>= priv_size:
	                           * the mechanism may keep its own per-frame bytes beside
	                           * the policy's, so both share a cache line) */
	uint32_t nr_frames;       /* frames the policy may see (capacity in cache mode) */
};

/* policy_priv() - the policy's private bytes for @pfn. */
static inline void *policy_priv(struct policy_ctx *ctx, uint32_t pfn)
{
	return ctx->priv_base + (size_t)pfn * ctx->priv_stride;
}

struct reclaim_policy_ops {
	const char *name;        /* registry name, e.g. "arc" */
	const char *description; /* one line with the source paper */
	const char *params;      /* policy.<name>.* keys with defaults, for `mmsim policies` */
	size_t page_priv_size;   /* bytes of private state per frame */
	bool needs_future;       /* offline: the core computes next-use (policy_next_use) */

	int (*init)(struct policy_ctx *ctx); /* 0, or -1 after policy_error() */
	void (*destroy)(struct policy_ctx *ctx);
	void (*page_added)(struct policy_ctx *ctx, uint32_t pfn, unsigned flags);
	void (*page_accessed)(struct policy_ctx *ctx, uint32_t pfn, unsigned access); /* optional */
	void (*mark_accessed)(struct policy_ctx *ctx, uint32_t pfn);                  /* optional */
	void (*shrink)(struct policy_ctx *ctx, struct reclaim_control *rc);
	void (*page_removed)(struct policy_ctx *ctx, uint32_t pfn);
	uint64_t (*shadow_of)(struct policy_ctx *ctx, uint32_t pfn);                /* optional */
	unsigned (*refault)(struct policy_ctx *ctx, uint32_t pfn, uint64_t shadow); /* optional */
	void (*rotate)(struct policy_ctx *ctx, uint32_t pfn);                       /* optional */
};

/* ---- Calls into the mechanism (implemented in sim/) ---- */

/* policy_page_key() - stable identity of the page in @pfn (owner and page index). */
uint64_t policy_page_key(struct policy_ctx *ctx, uint32_t pfn);
/* policy_page_flags() - PGF_* of the page in @pfn. */
unsigned policy_page_flags(struct policy_ctx *ctx, uint32_t pfn);
/* policy_page_memcg() - the cgroup the page is charged to (0 = root). */
uint32_t policy_page_memcg(struct policy_ctx *ctx, uint32_t pfn);
/* policy_page_writeback() - the page is under writeback (PGF_WRITEBACK without the rmap
 * walk policy_page_flags() may need). Always false in cache mode. */
bool policy_page_writeback(struct policy_ctx *ctx, uint32_t pfn);
/* policy_page_zone() - the zone index of the frame. */
unsigned policy_page_zone(struct policy_ctx *ctx, uint32_t pfn);

/**
 * policy_page_referenced() - harvest the accessed bits of @pfn through rmap.
 * Clears the young bit in every PTE mapping the page, without a TLB flush on
 * x86 (a translation cached in the TLB keeps the bit clear until a walk).
 * Return: number of young PTEs found (cache mode: 1 if hit since last call),
 * or -1 if the rmap walk could not be done (the kernel then keeps the page).
 */
int policy_page_referenced(struct policy_ctx *ctx, uint32_t pfn);

/* Results of policy_reclaim_page(). */
enum reclaim_result {
	RECLAIM_FREED,    /* the page is gone; page_removed() has run */
	RECLAIM_KEEP,     /* not now: its write has just started (asynchronous swap), or it
	                   * is pinned, or a dirty file page may not be written */
	RECLAIM_ACTIVATE, /* the mechanism says activate it (add_to_swap failed, locked, under
	                   * writeback: PG_reclaim is set, as shrink_folio_list's cases 1-2) */
	RECLAIM_RETRY,    /* it was under writeback and the reclaimer waited for the write
	                   * (case 3, cgroup v1 limit reclaim): decide about it again */
};

/**
 * policy_reclaim_page() - evict @pfn: unmap from every mapper (TLB shootdown
 * batched per shrink call), write back / swap out as needed, record the shadow
 * entry, free the frame. Increments rc->nr_reclaimed on success.
 */
enum reclaim_result policy_reclaim_page(struct policy_ctx *ctx, struct reclaim_control *rc,
                                        uint32_t pfn);

/*
 * policy_prefetch() - a hint, not a decision: the policy expects to call
 * policy_reclaim_page(@pfn) (or policy_page_referenced) soon, so the mechanism
 * may start fetching what that will touch. Shallow (@deep false): the page's
 * own descriptor. Deep: what evicting it reaches through the descriptor (its
 * hash slot in cache mode, its PTE in the machine); give a deep hint some time
 * after a shallow one, when the descriptor has arrived. No effect on results.
 */
void policy_prefetch(struct policy_ctx *ctx, uint32_t pfn, bool deep);
/* policy_prefetch_batch() - policy_prefetch() for each of @pfns[0..@n), in one call. */
void policy_prefetch_batch(struct policy_ctx *ctx, const uint32_t *pfns, unsigned n, bool deep);

/* policy_set_lru() - tell the core which list @pfn is on now (vmstat gauges, refault test). */
void policy_set_lru(struct policy_ctx *ctx, uint32_t pfn, enum lru_list lru);
/* policy_set_lru_batch() - policy_set_lru(@pfns[i], @lru) for each i < @n, in order
 * (cheaper for pages taken from one list: the counters move once). */
void policy_set_lru_batch(struct policy_ctx *ctx, const uint32_t *pfns, unsigned n,
                          enum lru_list lru);
/* policy_lru_size() - pages on @lru in @memcg (0 = whole node, hierarchical), from
 * policy_set_lru(). Moving a page from an active to an inactive list sets PG_workingset. */
uint64_t policy_lru_size(struct policy_ctx *ctx, uint32_t memcg, enum lru_list lru);
/* policy_event() - count a vmstat event (pgactivate, pgdeactivate, pgrefill, pgrotated). */
void policy_event(struct policy_ctx *ctx, enum policy_event ev, uint64_t n);
/* policy_note_activation() - workingset_activation(): advance nonresident_age for @pfn's lruvec. */
void policy_note_activation(struct policy_ctx *ctx, uint32_t pfn);

/* policy_next_use() - for needs_future policies: position of the next access to the page
 * being added/accessed now (UINT64_MAX = never again). Valid inside page_added/page_accessed. */
uint64_t policy_next_use(struct policy_ctx *ctx);
/* policy_incoming_key() - inside shrink(): the key of the page whose arrival
 * caused this reclaim (cache mode: the missing page), for policies whose choice
 * depends on it (ARC). Return: false when reclaim has no single cause (kswapd). */
bool policy_incoming_key(struct policy_ctx *ctx, uint64_t *key);
/* policy_now_ns() - simulated time. */
uint64_t policy_now_ns(struct policy_ctx *ctx);
/* policy_int_sqrt() - the kernel's int_sqrt() (floor of the square root). */
uint64_t policy_int_sqrt(uint64_t x);
/* policy_swappiness() - vm.swappiness (0..200) for @memcg. */
unsigned policy_swappiness(struct policy_ctx *ctx, uint32_t memcg);

/* Configuration: policy.<name>.<key> values. Return false if unset (then *out is untouched). */
bool policy_config_u64(struct policy_ctx *ctx, const char *key, uint64_t *out);
bool policy_config_double(struct policy_ctx *ctx, const char *key, double *out);
/* policy_error() - report a configuration error (printed as "mmsim: policy NAME: msg"). */
void policy_error(struct policy_ctx *ctx, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* ---- Intrusive doubly-linked lists of frames, links in the policy's private area ---- */

struct pfn_link {
	uint32_t prev; /* towards the head, PFN_NONE at the head */
	uint32_t next; /* towards the tail, PFN_NONE at the tail */
};

struct pfn_list {
	uint32_t head;   /* most recently added end */
	uint32_t tail;   /* the eviction end */
	uint64_t nr;     /* number of frames on the list */
	size_t link_off; /* offset of struct pfn_link inside the per-frame private area */
};

static inline struct pfn_link *pfn_list_link(struct policy_ctx *ctx, const struct pfn_list *l,
                                             uint32_t pfn)
{
	return (struct pfn_link *)((unsigned char *)policy_priv(ctx, pfn) + l->link_off);
}

static inline void pfn_list_init(struct pfn_list *l, size_t link_off)
{
	l->head = l->tail = PFN_NONE;
	l->nr = 0;
	l->link_off = link_off;
}

/*
 * The list operations below read the private area's base, stride and the
 * link's offset into locals once: a store to a link (uint32_t) may alias the
 * list's own head and tail, so without them the compiler reloads everything
 * after every store. They run once per access for exact-LRU-like policies.
 */
static inline struct pfn_link *pfn_link_at(unsigned char *base, size_t stride, uint32_t pfn)
{
	return (struct pfn_link *)(base + (size_t)pfn * stride);
}

static inline void pfn_list_add_head(struct policy_ctx *ctx, struct pfn_list *l, uint32_t pfn)
{
	unsigned char *base = ctx->priv_base + l->link_off;
	size_t stride = ctx->priv_stride;
	struct pfn_link *n = pfn_link_at(base, stride, pfn);
	uint32_t head = l->head;

	n->prev = PFN_NONE;
	n->next = head;
	if (head != PFN_NONE)
		pfn_link_at(base, stride, head)->prev = pfn;
	else
		l->tail = pfn;
	l->head = pfn;
	l->nr++;
}

static inline void pfn_list_add_tail(struct policy_ctx *ctx, struct pfn_list *l, uint32_t pfn)
{
	unsigned char *base = ctx->priv_base + l->link_off;
	size_t stride = ctx->priv_stride;
	struct pfn_link *n = pfn_link_at(base, stride, pfn);
	uint32_t tail = l->tail;

	n->next = PFN_NONE;
	n->prev = tail;
	if (tail != PFN_NONE)
		pfn_link_at(base, stride, tail)->next = pfn;
	else
		l->head = pfn;
	l->tail = pfn;
	l->nr++;
}

static inline void pfn_list_del(struct policy_ctx *ctx, struct pfn_list *l, uint32_t pfn)
{
	unsigned char *base = ctx->priv_base + l->link_off;
	size_t stride = ctx->priv_stride;
	struct pfn_link *n = pfn_link_at(base, stride, pfn);
	uint32_t prev = n->prev, next = n->next;

	if (prev != PFN_NONE)
		pfn_link_at(base, stride, prev)->next = next;
	else
		l->head = next;
	if (next != PFN_NONE)
		pfn_link_at(base, stride, next)->prev = prev;
	else
		l->tail = prev;
	n->prev = n->next = PFN_NONE;
	l->nr--;
}

/* Move @pfn, which is on @l, to its head. */
static inline void pfn_list_move_head(struct policy_ctx *ctx, struct pfn_list *l, uint32_t pfn)
{
	unsigned char *base = ctx->priv_base + l->link_off;
	size_t stride = ctx->priv_stride;
	uint32_t head = l->head;
	struct pfn_link *n;
	uint32_t prev, next;

	if (head == pfn)
		return;
	n = pfn_link_at(base, stride, pfn);
	prev = n->prev; /* not PFN_NONE: @pfn is on @l and not its head */
	next = n->next;
	pfn_link_at(base, stride, prev)->next = next;
	if (next != PFN_NONE)
		pfn_link_at(base, stride, next)->prev = prev;
	else
		l->tail = prev;
	n->prev = PFN_NONE;
	n->next = head;
	pfn_link_at(base, stride, head)->prev = pfn; /* head != PFN_NONE: @l is not empty */
	l->head = pfn;
}

/*
 * pfn_list_prefetch_tail() - performance only, for policies that evict from a
 * list's tail: start fetching what the next evictions will touch. The page
 * after the tail gets the mechanism's prefetch (policy_prefetch; its own line
 * was fetched by the previous call), the one after it its link. Changes nothing.
 */
static inline void pfn_list_prefetch_tail(struct policy_ctx *ctx, const struct pfn_list *l)
{
	uint32_t n2, n3;

	if (l->tail == PFN_NONE)
		return;
	n2 = pfn_list_link(ctx, l, l->tail)->prev;
	if (n2 == PFN_NONE)
		return;
	policy_prefetch(ctx, n2, true);
	n3 = pfn_list_link(ctx, l, n2)->prev;
	if (n3 != PFN_NONE)
		__builtin_prefetch(pfn_list_link(ctx, l, n3));
}

/* ---- Frame lists kept in rings: batches off the tail without a pointer chase ---- */

/*
 * A list of frames with the operations of a pfn_list (add at either end,
 * delete anywhere, take the tail) and exactly its order, stored as a ring of
 * frame numbers from the tail (low positions) to the head; each frame keeps
 * its position in a uint32_t in its private area. Taking pages off the tail
 * reads consecutive slots, so a reclaim batch knows its next pages at once
 * and can fetch their descriptors together, where a linked list makes one
 * dependent cache miss per page. Deleting from the middle leaves a hole that
 * the ends skip; holes are squeezed out when they fill the ring (every live
 * frame's position rewritten, amortised O(1)). The ring grows by doubling,
 * so it allocates only when a list reaches a new size. Implementation:
 * sim/pfn_deque.c.
 */
struct pfn_deque {
	uint32_t *ring;   /* mask + 1 slots (a power of two), NULL before the first add */
	uint32_t mask;    /* ring size - 1 */
	uint32_t lo, hi;  /* position of the tail, one past the head (modulo 2^32) */
	uint32_t nr;      /* frames on the list */
	uint32_t pos_off; /* offset of the uint32_t position in the per-frame private area */
};

void pfn_deque_init(struct pfn_deque *d, size_t pos_off);
void pfn_deque_free(struct pfn_deque *d);
/* pfn_deque_make_room() - the ring is full: squeeze out holes or double it. */
void pfn_deque_make_room(struct policy_ctx *ctx, struct pfn_deque *d);

static inline uint32_t *pfn_deque_pos(struct policy_ctx *ctx, const struct pfn_deque *d,
                                      uint32_t pfn)
{
	return (uint32_t *)((unsigned char *)policy_priv(ctx, pfn) + d->pos_off);
}

static inline void pfn_deque_add_head(struct policy_ctx *ctx, struct pfn_deque *d, uint32_t pfn)
{
	if (!d->ring || d->hi - d->lo > d->mask)
		pfn_deque_make_room(ctx, d);
	d->ring[d->hi & d->mask] = pfn;
	*pfn_deque_pos(ctx, d, pfn) = d->hi++;
	d->nr++;
}

static inline void pfn_deque_add_tail(struct policy_ctx *ctx, struct pfn_deque *d, uint32_t pfn)
{
	if (!d->ring || d->hi - d->lo > d->mask)
		pfn_deque_make_room(ctx, d);
	d->ring[--d->lo & d->mask] = pfn;
	*pfn_deque_pos(ctx, d, pfn) = d->lo;
	d->nr++;
}

/* pfn_deque_tail() - the eviction end, PFN_NONE if the list is empty. */
static inline uint32_t pfn_deque_tail(const struct pfn_deque *d)
{
	return d->nr ? d->ring[d->lo & d->mask] : PFN_NONE;
}

/* pfn_deque_peek() - the @i-th slot from the tail (PFN_NONE: a hole or past the head). */
static inline uint32_t pfn_deque_peek(const struct pfn_deque *d, uint32_t i)
{
	return i < d->hi - d->lo ? d->ring[(d->lo + i) & d->mask] : PFN_NONE;
}

/* Skip the holes at both ends, so that the tail and head slots hold frames. */
static inline void pfn_deque_trim(struct pfn_deque *d)
{
	while (d->lo != d->hi && d->ring[d->lo & d->mask] == PFN_NONE)
		d->lo++;
	while (d->lo != d->hi && d->ring[(d->hi - 1) & d->mask] == PFN_NONE)
		d->hi--;
}

static inline void pfn_deque_del(struct policy_ctx *ctx, struct pfn_deque *d, uint32_t pfn)
{
	uint32_t v = *pfn_deque_pos(ctx, d, pfn);

	d->ring[v & d->mask] = PFN_NONE;
	d->nr--;
	if (v == d->lo || v == d->hi - 1)
		pfn_deque_trim(d);
}

/* pfn_deque_pop_tail() - take the tail off the list (it must not be empty). */
static inline uint32_t pfn_deque_pop_tail(struct pfn_deque *d)
{
	uint32_t pfn = d->ring[d->lo & d->mask];

	d->ring[d->lo++ & d->mask] = PFN_NONE;
	d->nr--;
	pfn_deque_trim(d);
	return pfn;
}

/* ---- Non-resident history: ghost lists keyed by page key ---- */

/*
 * A bounded set of page keys kept in up to 4 FIFO/LRU lists (ARC's B1/B2,
 * 2Q's A1out, LIRS's non-resident HIR entries), with O(1) lookup. Entries live
 * in a pool sized at creation; no allocation after that.
 */
struct ghost_set;

/* ghost_create() - room for @max entries. */
struct ghost_set *ghost_create(uint32_t max);
void ghost_destroy(struct ghost_set *g);
/* ghost_list_of() - the list @key is on (0..3), or -1 if absent. */
int ghost_list_of(const struct ghost_set *g, uint64_t key);
/* ghost_add_head() - put @key at the head of @list (it must be absent; the set must have room). */
void ghost_add_head(struct ghost_set *g, int list, uint64_t key);
/* ghost_del() - remove @key if present. */
void ghost_del(struct ghost_set *g, uint64_t key);
/* ghost_drop_tail() - remove the oldest key of @list; false if the list is empty. */
bool ghost_drop_tail(struct ghost_set *g, int list);
/* ghost_len() - entries on @list. */
uint32_t ghost_len(const struct ghost_set *g, int list);
/* ghost_set_payload() / ghost_payload() - a 32-bit word stored with a present key
 * (0 after ghost_add_head); ghost_payload() returns false if @key is absent. */
void ghost_set_payload(struct ghost_set *g, uint64_t key, uint32_t v);
bool ghost_payload(const struct ghost_set *g, uint64_t key, uint32_t *v);

#endif /* MMSIM_POLICY_H */
