/* SPDX-License-Identifier: MIT */
/*
 * pwc.h - page-walk caches (Intel's paging-structure caches, Arm's walk
 * caches): upper-level page-table entries cached so a walk can start lower.
 * The theory is in pwc.c.
 */
#ifndef MMSIM_PWC_H
#define MMSIM_PWC_H

#include <stdbool.h>
#include <stdint.h>

#define PWC_MAX_LEVELS 4 /* upper levels of a 5-level table */

struct pwc {
	uint32_t entries;               /* per cached level, 0 = no page-walk cache */
	unsigned levels;                /* cached levels = page-table levels - 1 */
	unsigned shift[PWC_MAX_LEVELS]; /* address bits below each level's index */
	uint64_t *tag;                  /* levels x entries: VALID | asid | va >> shift */
	uint32_t *stamp;                /* LRU stamps, same layout */
	uint32_t clock;                 /* stamp source */
	uint32_t nr_valid;              /* valid entries (a flush of an empty cache is free) */
	uint16_t fill_asid;             /* the ASID of every valid entry, unless multi_asid */
	bool multi_asid;                /* valid entries of more than one ASID may be present */
	uint64_t hits, misses;          /* walks that skipped levels / that did not */
};

/* pwc_init() - @levels upper levels with the given shifts (top first), @entries each. */
void pwc_init(struct pwc *p, uint32_t entries, unsigned levels, const unsigned *shift);
void pwc_free(struct pwc *p);
/* pwc_lookup() - upper levels a walk of @va can skip (0: read from the top). */
unsigned pwc_lookup(struct pwc *p, uint16_t asid, uint64_t va);
/* pwc_fill() - a walk of @va read @valid upper-level entries that point to tables. */
void pwc_fill(struct pwc *p, uint16_t asid, uint64_t va, unsigned valid);
/* pwc_flush() - drop @asid's entries (or all). */
void pwc_flush(struct pwc *p, bool all, uint16_t asid);

#endif /* MMSIM_PWC_H */
