/* SPDX-License-Identifier: MIT */
/*
 * tlb.h - set-associative TLBs: L1 data, L1 instruction, unified L2.
 */
#ifndef MMSIM_TLB_H
#define MMSIM_TLB_H

#include <stdbool.h>
#include <stdint.h>

#include "pwc.h"

#define TLB_FLUSH_CEILING 33 /* x86 tlb_single_page_flush_ceiling: larger ranges flush the ASID */

struct tlb_level {
	uint32_t entries;  /* 0 = level absent */
	uint32_t ways;     /* associativity */
	uint32_t sets;     /* entries / ways */
	uint32_t set_mask; /* sets - 1 when sets is a power of two (no division), else 0 */
	uint64_t *tag;     /* per way: VALID | asid << 48 | vpn, set-major */
	uint64_t *pte;     /* cached translation per way */
	uint32_t *stamp;   /* LRU stamp per way */
	uint32_t clock;    /* stamp source */
	uint64_t hits;     /* lookups that hit */
	uint64_t misses;   /* lookups that missed */
};

struct tlb {
	struct tlb_level l1d, l1i, l2; /* levels */
	bool asid_tagged;              /* PCID/ASID: entries survive context switches */
	uint16_t cur_asid;             /* address space now running */
	struct pwc pwc;                /* page-walk caches (flushed with the TLB) */
	uint64_t flushes;              /* flush operations (shootdowns) */
};

struct tlb_geometry {
	uint32_t l1d_entries, l1d_ways, l1i_entries, l1i_ways, l2_entries, l2_ways; /* sizes */
	bool asid;                                                                  /* tagging */
	uint32_t pwc_entries;               /* page-walk cache entries per upper level (0 = none) */
	unsigned pwc_levels;                /* upper levels of the page table */
	unsigned pwc_shift[PWC_MAX_LEVELS]; /* their shifts, top first */
};

/* tlb_init() - Return: 0, or -1 if a level's entries are not a multiple of its ways. */
int tlb_init(struct tlb *t, const struct tlb_geometry *g);
void tlb_free(struct tlb *t);

/**
 * tlb_lookup() - translate @vpn of the running address space: L1 (data or
 * instruction) then L2 (an L2 hit refills L1). Return: the cached PTE, or NULL
 * on a miss (the caller walks the page table and calls tlb_fill()).
 */
uint64_t *tlb_lookup(struct tlb *t, uint64_t vpn, bool exec);
/* tlb_fill() - install a walked translation in L2 and the L1 of the access type. */
void tlb_fill(struct tlb *t, uint64_t vpn, bool exec, uint64_t pte);
/* tlb_switch() - context switch to @asid (a full flush when not ASID-tagged). */
void tlb_switch(struct tlb *t, uint16_t asid);
/* tlb_flush_page() - INVLPG: drop @vpn of @asid from every level. */
void tlb_flush_page(struct tlb *t, uint16_t asid, uint64_t vpn);
/* tlb_flush_range() - flush_tlb_range(): per page up to the ceiling, else the whole ASID. */
void tlb_flush_range(struct tlb *t, uint16_t asid, uint64_t vpn, uint64_t nr_pages);
/* tlb_flush_asid() / tlb_flush_all() - whole address space / everything. */
void tlb_flush_asid(struct tlb *t, uint16_t asid);
void tlb_flush_all(struct tlb *t);

#endif /* MMSIM_TLB_H */
