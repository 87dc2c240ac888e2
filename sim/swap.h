/* SPDX-License-Identifier: MIT */
/*
 * swap.h - one swap device: slots with reference counts, the swap cache and
 * the shadow entries it leaves, slot allocation and the readahead window.
 */
#ifndef MMSIM_SWAP_H
#define MMSIM_SWAP_H

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>

/* Per slot. Reserved with MAP_NORESERVE: an untouched slot costs nothing. */
struct swap_slot {
	uint64_t shadow;  /* workingset shadow left by reclaim, 0 = none */
	uint64_t key;     /* identity of the page stored here (policy page key) */
	uint32_t cache;   /* frame of the swap-cache page + 1, 0 = not cached */
	uint32_t family;  /* anon_vma root of the page (rmap) */
	uint32_t count;   /* swap PTEs referencing the slot (swap_map count) */
	uint32_t flags;   /* SWP_* */
};

static_assert(sizeof(struct swap_slot) == 32, "a slot is half a cache line (host_reserve aligns)");

#define SWP_USED      0x1u /* allocated (count may be 0 while only the cache holds it) */
#define SWP_READAHEAD 0x2u /* the cached page came in by readahead and is not yet used */

struct swap_dev {
	struct swap_slot *slot; /* nr_slots entries; slot 0 is the header, never used */
	uint64_t *content;      /* the KSM content fingerprint of each slot's page, apart
	                         * (touched only with KSM on) so that a slot is half a line */
	uint64_t nr_slots;      /* device size in pages */
	uint64_t nr_used;       /* allocated slots (nr_swap_used) */
	uint64_t cursor;        /* next-fit allocation point (sequential, like clusters) */
	/* readahead state (swapin_nr_pages) */
	uint64_t ra_prev_offset; /* offset of the previous swap-in */
	uint32_t ra_hits;        /* readahead pages used since the last window */
	uint32_t ra_prev_win;    /* last window */
};

/* swap_init() - a device of @pages slots (0 = no swap). */
void swap_init(struct swap_dev *s, uint64_t pages);
void swap_free_dev(struct swap_dev *s);

/* swap_present() / swap_nr_free() - configured at all / free slots. */
static inline bool swap_present(const struct swap_dev *s)
{
	return s->nr_slots > 1;
}
static inline uint64_t swap_nr_free(const struct swap_dev *s)
{
	return s->nr_slots > 1 ? s->nr_slots - 1 - s->nr_used : 0;
}
/* swap_full() - vm_swap_full(): fewer than half of the slots free. */
static inline bool swap_full(const struct swap_dev *s)
{
	return swap_nr_free(s) * 2 < s->nr_slots - 1;
}

/* swap_alloc() - a free slot (next fit from the cursor), 0 if the device is full. */
uint64_t swap_alloc(struct swap_dev *s);
/* swap_release() - the slot is unused: forget everything about it. */
void swap_release(struct swap_dev *s, uint64_t off);

/**
 * swap_ra_window() - __swapin_nr_pages(): pages to read for a swap-in at @off
 * with a window of at most @max (2^page_cluster). Updates the hit statistics.
 */
uint32_t swap_ra_window(struct swap_dev *s, uint64_t off, uint32_t max);

#endif /* MMSIM_SWAP_H */
