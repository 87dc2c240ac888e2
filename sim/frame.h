/* SPDX-License-Identifier: MIT */
/*
 * frame.h - the per-frame descriptor (the kernel's struct page, compacted).
 *
 * One 24-byte descriptor per simulated 4 KiB frame, in one flat array indexed
 * by frame number and reserved with mmap(MAP_NORESERVE): frames never touched
 * cost no host memory, so a 1 TiB machine (2^28 frames, 6 GiB of address
 * space) fits on a small host. Links are 32-bit frame numbers, not pointers.
 */
#ifndef MMSIM_FRAME_H
#define MMSIM_FRAME_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_NONE UINT32_MAX /* null frame number */

/* struct frame.flags */
#define FRAME_BUDDY      0x0001u /* head of a free buddy block; count = its order */
#define FRAME_LRU        0x0002u /* on a reclaim list */
#define FRAME_DIRTY      0x0004u /* PG_dirty */
#define FRAME_SWAPBACKED 0x0008u /* anonymous / shmem (PG_swapbacked) */
#define FRAME_SWAPCACHE  0x0010u /* in the swap cache */
#define FRAME_MLOCKED    0x0020u /* unevictable */
#define FRAME_WRITEBACK  0x0040u /* under writeback */
#define FRAME_PGTABLE    0x0080u /* a page-table page */
#define FRAME_KERNEL     0x0100u /* held by a trace alloc record */
#define FRAME_KSM        0x0200u /* a KSM (stable) page */
#define FRAME_ZONE_SHIFT 24      /* bits 24-31: flat zone index (node * zones + idx) */
#define FRAME_ZONE_MASK  0xff000000u

struct frame {
	uint32_t flags; /* FRAME_* and the zone index */
	uint32_t count; /* mapcount while in use; the block's order while FRAME_BUDDY */
	uint64_t key;   /* owner: anon (mm, vpn) or file (file, index), for rmap and policies */
	uint32_t prev;  /* free-list or LRU link towards the head */
	uint32_t next;  /* ... towards the tail */
};

static_assert(sizeof(struct frame) == 24, "struct frame must stay 24 bytes");

static inline unsigned frame_zone(const struct frame *f)
{
	return (f->flags & FRAME_ZONE_MASK) >> FRAME_ZONE_SHIFT;
}

/**
 * frames_reserve() - address space for @nr descriptors, zero-filled on first
 * touch (mmap MAP_NORESERVE). Aborts if the host refuses the reservation.
 */
struct frame *frames_reserve(uint64_t nr);
void frames_release(struct frame *f, uint64_t nr);

#endif /* MMSIM_FRAME_H */
