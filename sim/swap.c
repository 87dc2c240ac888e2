// SPDX-License-Identifier: MIT
/*
 * swap.c - a swap device (mm/swapfile.c, mm/swap_state.c).
 *
 * Theory: a device is an array of page-sized slots. A slot's count is the
 * number of swap PTEs that name it (the kernel's swap_map count); the swap
 * cache holds at most one page per slot — the page being written out, or a
 * page read back in that still has an identical copy on the device. Reclaim
 * allocates a slot for an anonymous page (add_to_swap), turns each PTE that
 * maps it into a swap entry, writes the page and drops it from the swap cache,
 * leaving a workingset shadow in the slot. A fault on a swap PTE looks in the
 * swap cache (a minor fault) or reads the slot (a major fault), with
 * readahead of neighbouring slots.
 *
 * Slots are allocated next-fit from a moving cursor, so pages reclaimed one
 * after another land in neighbouring slots, as the kernel's per-CPU cluster
 * allocator places them; that is what makes slot readahead useful.
 *
 * Readahead (swapin_nr_pages): the window is hits + 2 rounded up to a power
 * of two of at least 4, where hits counts readahead pages used since the last
 * window; with no hits it is 2 for a fault next to the previous one and 1
 * otherwise; it never exceeds 2^page_cluster and never shrinks below half the
 * previous window. The caller reads the aligned block of that many slots
 * around the target (the kernel's cluster mode, used when a swap device is
 * rotational, as the virtio disks of the test machines report).
 */
#include "swap.h"

#include "util.h"

#include <stddef.h>
#include <stdlib.h>

void swap_init(struct swap_dev *s, uint64_t pages)
{
	*s = (struct swap_dev){0};
	if (pages < 2)
		return;
	s->slot = host_reserve(pages * sizeof(*s->slot));
	s->content = host_reserve(pages * sizeof(*s->content));
	s->nr_slots = pages;
	s->cursor = 1;
}

void swap_free_dev(struct swap_dev *s)
{
	if (s->slot) {
		host_release(s->slot, s->nr_slots * sizeof(*s->slot));
		host_release(s->content, s->nr_slots * sizeof(*s->content));
	}
	*s = (struct swap_dev){0};
}

uint64_t swap_alloc(struct swap_dev *s)
{
	if (!swap_nr_free(s))
		return 0;
	for (;;) {
		uint64_t off = s->cursor;

		s->cursor = s->cursor + 1 < s->nr_slots ? s->cursor + 1 : 1;
		if (!(s->slot[off].flags & SWP_USED)) {
			s->slot[off] = (struct swap_slot){.flags = SWP_USED};
			s->nr_used++;
			return off;
		}
	}
}

void swap_release(struct swap_dev *s, uint64_t off)
{
	SIM_BUG_ON(!(s->slot[off].flags & SWP_USED) || s->slot[off].count || s->slot[off].cache);
	s->slot[off] = (struct swap_slot){0};
	s->nr_used--;
}

uint32_t swap_ra_window(struct swap_dev *s, uint64_t off, uint32_t max)
{
	uint32_t hits = s->ra_hits, pages = hits + 2;

	if (max <= 1)
		return 1;
	s->ra_hits = 0;
	if (pages == 2) {
		if (off != s->ra_prev_offset + 1 && off + 1 != s->ra_prev_offset)
			pages = 1;
	} else {
		uint32_t r = 4;

		while (r < pages)
			r <<= 1;
		pages = r;
	}
	if (pages > max)
		pages = max;
	if (pages < s->ra_prev_win / 2)
		pages = s->ra_prev_win / 2;
	if (!hits)
		s->ra_prev_offset = off;
	s->ra_prev_win = pages;
	return pages;
}
