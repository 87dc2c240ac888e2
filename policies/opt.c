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
 * policy keeps resident pages in a binary max-heap on that position, so each
 * step costs O(log n). Pages never used again (next use UINT64_MAX) go first;
 * they are kept apart, in a stack, since which of them goes makes no
 * difference to the misses: evicting one costs O(1) and they do not weigh on
 * the heap. The most recently dead goes first.
 * Parameters: none. Offline: needs the whole trace in advance.
 */
#include "policy.h"

#include <stdlib.h>

#define OPT_DEAD 0x80000000u /* opt_page.heap_idx: the index is in the dead stack */

struct opt_page {
	uint32_t heap_idx; /* index in the heap array, or OPT_DEAD | index in the dead stack */
};

/* A heap entry carries its key, so sifting reads the heap, not the frames. */
struct opt_entry {
	uint64_t next_use; /* position of the next touch, UINT64_MAX = never */
	uint32_t pfn;
};

struct opt_state {
	struct opt_entry *heap; /* max-heap on next_use */
	uint32_t nr;            /* pages in the heap */
	uint32_t *dead;         /* pages never used again, a stack */
	uint32_t nr_dead;
};

static int opt_init(struct policy_ctx *ctx)
{
	struct opt_state *s = calloc(1, sizeof(*s));

	if (!s)
		return -1;
	s->heap = malloc(((size_t)ctx->nr_frames + 1) * sizeof(*s->heap));
	s->dead = malloc(((size_t)ctx->nr_frames + 1) * sizeof(*s->dead));
	if (!s->heap || !s->dead) {
		free(s->heap);
		free(s->dead);
		free(s);
		return -1;
	}
	ctx->state = s;
	return 0;
}

static void opt_destroy(struct policy_ctx *ctx)
{
	struct opt_state *s = ctx->state;

	free(s->heap);
	free(s->dead);
	free(s);
}

static inline uint32_t *heap_idx(struct policy_ctx *ctx, uint32_t pfn)
{
	return &((struct opt_page *)policy_priv(ctx, pfn))->heap_idx;
}

static inline void place(struct policy_ctx *ctx, struct opt_state *s, uint32_t i,
                         struct opt_entry e)
{
	s->heap[i] = e;
	*heap_idx(ctx, e.pfn) = i;
}

static void sift_up(struct policy_ctx *ctx, struct opt_state *s, uint32_t i)
{
	struct opt_entry e = s->heap[i];

	while (i > 0 && s->heap[(i - 1) / 2].next_use < e.next_use) {
		place(ctx, s, i, s->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	place(ctx, s, i, e);
}

static void sift_down(struct policy_ctx *ctx, struct opt_state *s, uint32_t i)
{
	struct opt_entry e = s->heap[i];

	for (;;) {
		uint32_t c = 2 * i + 1;

		if (c >= s->nr)
			break;
		if (c + 1 < s->nr && s->heap[c + 1].next_use > s->heap[c].next_use)
			c++;
		if (s->heap[c].next_use <= e.next_use)
			break;
		place(ctx, s, i, s->heap[c]);
		i = c;
	}
	place(ctx, s, i, e);
}

static void dead_push(struct policy_ctx *ctx, struct opt_state *s, uint32_t pfn)
{
	*heap_idx(ctx, pfn) = OPT_DEAD | s->nr_dead;
	s->dead[s->nr_dead++] = pfn;
}

/* Take the dead page at @i out of the stack (the top moves into its place). */
static void dead_del(struct policy_ctx *ctx, struct opt_state *s, uint32_t i)
{
	uint32_t top = s->dead[--s->nr_dead];

	if (i == s->nr_dead)
		return;
	s->dead[i] = top;
	*heap_idx(ctx, top) = OPT_DEAD | i;
}

/* Take the heap entry at @i out of the heap. */
static void heap_del(struct policy_ctx *ctx, struct opt_state *s, uint32_t i)
{
	struct opt_entry last = s->heap[--s->nr];

	if (i == s->nr)
		return;
	place(ctx, s, i, last);
	sift_down(ctx, s, i);
	sift_up(ctx, s, *heap_idx(ctx, last.pfn));
}

static void opt_page_added(struct policy_ctx *ctx, uint32_t pfn, unsigned flags)
{
	struct opt_state *s = ctx->state;
	uint64_t next = policy_next_use(ctx);

	if (next == UINT64_MAX) {
		dead_push(ctx, s, pfn);
	} else {
		place(ctx, s, s->nr++, (struct opt_entry){.next_use = next, .pfn = pfn});
		sift_up(ctx, s, s->nr - 1);
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
	uint32_t i = *heap_idx(ctx, pfn);
	uint64_t next = policy_next_use(ctx), old;

	(void)access;
	if (next == UINT64_MAX) {
		heap_del(ctx, s, i);
		dead_push(ctx, s, pfn);
		return;
	}
	old = s->heap[i].next_use;
	s->heap[i].next_use = next;
	if (next > old)
		sift_up(ctx, s, i);
	else
		sift_down(ctx, s, i);
}

static void opt_page_removed(struct policy_ctx *ctx, uint32_t pfn)
{
	struct opt_state *s = ctx->state;
	uint32_t i = *heap_idx(ctx, pfn);

	if (i & OPT_DEAD)
		dead_del(ctx, s, i & ~OPT_DEAD);
	else
		heap_del(ctx, s, i);
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
				dead_del(ctx, s, s->nr_dead - 1);
				place(ctx, s, s->nr++,
				      (struct opt_entry){.next_use = 0, .pfn = victim});
				continue; /* key 0 in a max-heap: already in place at the bottom */
			}
			s->heap[0].next_use = 0;
			sift_down(ctx, s, 0);
		}
	}
}

const struct reclaim_policy_ops opt_policy = {
        .name = "opt",
        .description =
                "Belady's MIN: evict the page used farthest in the future (offline; Belady 1966)",
        .params = "(none; needs the whole trace: a first pass computes next uses)",
        .page_priv_size = sizeof(struct opt_page),
        .needs_future = true,
        .init = opt_init,
        .destroy = opt_destroy,
        .page_added = opt_page_added,
        .page_accessed = opt_page_accessed,
        .shrink = opt_shrink,
        .page_removed = opt_page_removed,
};
