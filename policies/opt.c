// SPDX-License-Identifier: MIT
/*
 * opt.c - Belady's MIN (OPT), the offline optimum.
 *
 * Theory: on a miss with memory full, evict the resident page whose next use
 * lies farthest in the future (or never comes). Belady, "A study of
 * replacement algorithms for a virtual-storage computer", IBM Systems Journal
 * 1966; Mattson et al. 1970 proved it minimal for demand paging. The core
 * makes a first pass over the trace and hands the next-use position of the
 * page being touched to page_added/page_accessed (policy_next_use()); the
 * policy keeps resident pages in a 4-ary max-heap on that position, so each
 * step costs O(log n). Pages never used again (next use UINT64_MAX) go first;
 * they are kept apart, in a stack, since which of them goes makes no
 * difference to the misses: evicting one costs O(1) and they do not weigh on
 * the heap. The most recently dead goes first.
 * Parameters: none. Offline: needs the whole trace in advance.
 */
#include "policy.h"

#include <stdint.h>
#include <stdlib.h>

#define OPT_DEAD  0x80000000u /* pos[]: the index is in the dead stack */
#define OPT_ARITY 4           /* children per heap node: one 64-byte line of entries */

/* A heap entry carries its key, so sifting reads the heap, not the frames. */
struct opt_entry {
	uint64_t next_use; /* position of the next touch, UINT64_MAX = never */
	uint32_t pfn;
	uint32_t pad;
};

/*
 * A 4-ary max-heap: half the depth of a binary one, and a node's four
 * children share one cache line (the array is offset so that entries 1..4,
 * 5..8, ... each start a line). Each frame's place (heap index, or OPT_DEAD |
 * index in the dead stack) is kept in pos[], a dense array of 4 bytes per
 * frame that stays in cache, rather than in the frames' private bytes.
 */
struct opt_state {
	struct opt_entry *heap; /* max-heap on next_use */
	void *heap_mem;         /* its allocation */
	uint32_t *pos;          /* per frame: heap index, or OPT_DEAD | dead-stack index */
	uint32_t nr;            /* pages in the heap */
	uint32_t *dead;         /* pages never used again, a stack */
	uint32_t nr_dead;
};

static int opt_init(struct policy_ctx *ctx)
{
	struct opt_state *s = calloc(1, sizeof(*s));
	size_t n = (size_t)ctx->nr_frames + 1;

	if (!s)
		return -1;
	s->heap_mem = malloc((n + 4) * sizeof(*s->heap) + 64);
	s->pos = malloc(n * sizeof(*s->pos));
	s->dead = malloc(n * sizeof(*s->dead));
	if (!s->heap_mem || !s->pos || !s->dead) {
		free(s->heap_mem);
		free(s->pos);
		free(s->dead);
		free(s);
		return -1;
	}
	/* &heap[1] on a 64-byte boundary: the children 4i+1..4i+4 of i share a line */
	uintptr_t a = ((uintptr_t)s->heap_mem + sizeof(*s->heap) + 63) & ~(uintptr_t)63;
	s->heap = (struct opt_entry *)(a - sizeof(*s->heap));
	ctx->state = s;
	return 0;
}

static void opt_destroy(struct policy_ctx *ctx)
{
	struct opt_state *s = ctx->state;

	free(s->heap_mem);
	free(s->pos);
	free(s->dead);
	free(s);
}

static inline void place(struct opt_state *s, uint32_t i, struct opt_entry e)
{
	s->heap[i] = e;
	s->pos[e.pfn] = i;
}

static void sift_up(struct opt_state *s, uint32_t i)
{
	struct opt_entry e = s->heap[i];

	while (i > 0 && s->heap[(i - 1) / OPT_ARITY].next_use < e.next_use) {
		place(s, i, s->heap[(i - 1) / OPT_ARITY]);
		i = (i - 1) / OPT_ARITY;
	}
	place(s, i, e);
}

static void sift_down(struct opt_state *s, uint32_t i)
{
	struct opt_entry e = s->heap[i];

	for (;;) {
		uint32_t c = OPT_ARITY * i + 1, end = c + OPT_ARITY, best;

		if (c >= s->nr)
			break;
		if (end > s->nr)
			end = s->nr;
		best = c;
		for (uint32_t k = c + 1; k < end; k++)
			if (s->heap[k].next_use > s->heap[best].next_use)
				best = k;
		if (s->heap[best].next_use <= e.next_use)
			break;
		place(s, i, s->heap[best]);
		i = best;
	}
	place(s, i, e);
}

static void dead_push(struct opt_state *s, uint32_t pfn)
{
	s->pos[pfn] = OPT_DEAD | s->nr_dead;
	s->dead[s->nr_dead++] = pfn;
}

/* Take the dead page at @i out of the stack (the top moves into its place). */
static void dead_del(struct opt_state *s, uint32_t i)
{
	uint32_t top = s->dead[--s->nr_dead];

	if (i == s->nr_dead)
		return;
	s->dead[i] = top;
	s->pos[top] = OPT_DEAD | i;
}

/* Take the heap entry at @i out of the heap. */
static void heap_del(struct opt_state *s, uint32_t i)
{
	struct opt_entry last = s->heap[--s->nr];

	if (i == s->nr)
		return;
	place(s, i, last);
	sift_down(s, i);
	sift_up(s, s->pos[last.pfn]);
}

static void opt_page_added(struct policy_ctx *ctx, uint32_t pfn, unsigned flags)
{
	struct opt_state *s = ctx->state;
	uint64_t next = policy_next_use(ctx);

	if (next == UINT64_MAX) {
		dead_push(s, pfn);
	} else {
		place(s, s->nr++, (struct opt_entry){.next_use = next, .pfn = pfn});
		sift_up(s, s->nr - 1);
	}
	policy_set_lru(ctx, pfn, (flags & PG_ADD_FILE) ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON);
}

/*
 * A touched page is in the heap (a dead page is never touched again), and its
 * key was the current position: the smallest. Its new one is later.
 */
static void opt_page_accessed(struct policy_ctx *ctx, uint32_t pfn, unsigned access)
{
	struct opt_state *s = ctx->state;
	uint32_t i = s->pos[pfn];
	uint64_t next = policy_next_use(ctx), old;

	(void)access;
	if (next == UINT64_MAX) {
		heap_del(s, i);
		dead_push(s, pfn);
		return;
	}
	old = s->heap[i].next_use;
	s->heap[i].next_use = next;
	if (next > old)
		sift_up(s, i);
	else
		sift_down(s, i);
}

static void opt_page_removed(struct policy_ctx *ctx, uint32_t pfn)
{
	struct opt_state *s = ctx->state;
	uint32_t i = s->pos[pfn];

	if (i & OPT_DEAD)
		dead_del(s, i & ~OPT_DEAD);
	else
		heap_del(s, i);
}

static void opt_shrink(struct policy_ctx *ctx, struct reclaim_control *rc)
{
	struct opt_state *s = ctx->state;
	uint32_t budget = s->nr + s->nr_dead;

	while (rc->nr_reclaimed < rc->nr_to_reclaim && budget-- && (s->nr || s->nr_dead)) {
		uint32_t victim = s->nr_dead ? s->dead[s->nr_dead - 1] : s->heap[0].pfn;

		rc->nr_scanned++;
		if (policy_reclaim_page(ctx, rc, victim) != RECLAIM_FREED) {
			/* Cannot go now: treat it as needed soonest so the next candidate surfaces.
			 */
			if (s->nr_dead && s->dead[s->nr_dead - 1] == victim) {
				dead_del(s, s->nr_dead - 1);
				place(s, s->nr++, (struct opt_entry){.next_use = 0, .pfn = victim});
				continue; /* key 0 in a max-heap: already in place at the bottom */
			}
			s->heap[0].next_use = 0;
			sift_down(s, 0);
		}
	}
}

const struct reclaim_policy_ops opt_policy = {
        .name = "opt",
        .description =
                "Belady's MIN: evict the page used farthest in the future (offline; Belady 1966)",
        .params = "(none; needs the whole trace: a first pass computes next uses)",
        .page_priv_size = 0,
        .needs_future = true,
        .init = opt_init,
        .destroy = opt_destroy,
        .page_added = opt_page_added,
        .page_accessed = opt_page_accessed,
        .shrink = opt_shrink,
        .page_removed = opt_page_removed,
};
