// SPDX-License-Identifier: MIT
/*
 * pwc.c - page-walk caches (Intel SDM vol. 3 §4.10.3 "paging-structure
 * caches"; Arm's intermediate walk caches).
 *
 * Theory: a walk reads one entry per level. The upper entries of nearby
 * addresses are the same, so the MMU caches them: a PML4E cache keyed by
 * VA[47:39], a PDPTE cache keyed by VA[47:30], a PDE cache keyed by
 * VA[47:21] (x86-64 4-level; one cache per upper level in general). A walk
 * looks for the longest prefix it has cached and reads only the levels below:
 * a PDE-cache hit costs one reference (the PTE) instead of four.
 *
 * Each level here is a fully associative LRU cache of tlb.pwc entries,
 * tagged with the ASID. Entries are filled from every walk for the levels
 * whose entry pointed to a table. Invalidation is conservative, as INVLPG and
 * CR3 writes are on x86: any TLB flush of an address space drops all of its
 * walk-cache entries (freeing page tables always comes with such a flush).
 * Real parts differ in sizes (Skylake: a few tens of PDE entries) and in
 * associativity; tlb.pwc = 0 turns the model off.
 */
#include "pwc.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>

#define PWC_VALID      (1ULL << 63)
#define PWC_ASID_SHIFT 47

static inline uint64_t pwc_tag(const struct pwc *p, unsigned level, uint16_t asid, uint64_t va)
{
	return PWC_VALID | ((uint64_t)asid << PWC_ASID_SHIFT) |
	       ((va >> p->shift[level]) & ((1ULL << PWC_ASID_SHIFT) - 1));
}

void pwc_init(struct pwc *p, uint32_t entries, unsigned levels, const unsigned *shift)
{
	memset(p, 0, sizeof(*p));
	if (!entries || !levels)
		return;
	p->entries = entries;
	p->levels = levels > PWC_MAX_LEVELS ? PWC_MAX_LEVELS : levels;
	for (unsigned l = 0; l < p->levels; l++)
		p->shift[l] = shift[l];
	p->tag = xcalloc((size_t)p->levels * entries, sizeof(uint64_t));
	p->stamp = xcalloc((size_t)p->levels * entries, sizeof(uint32_t));
}

void pwc_free(struct pwc *p)
{
	free(p->tag);
	free(p->stamp);
	p->tag = NULL;
	p->stamp = NULL;
}

/* The slot of @tag at @level, or -1. */
static long find(struct pwc *p, unsigned level, uint64_t tag)
{
	uint64_t *t = p->tag + (size_t)level * p->entries;

	for (uint32_t i = 0; i < p->entries; i++)
		if (t[i] == tag)
			return (long)((size_t)level * p->entries + i);
	return -1;
}

unsigned pwc_lookup(struct pwc *p, uint16_t asid, uint64_t va)
{
	if (!p->entries)
		return 0;
	for (unsigned l = p->levels; l-- > 0;) {
		long i = find(p, l, pwc_tag(p, l, asid, va));

		if (i >= 0) {
			p->stamp[i] = ++p->clock;
			p->hits++;
			return l + 1;
		}
	}
	p->misses++;
	return 0;
}

void pwc_fill(struct pwc *p, uint16_t asid, uint64_t va, unsigned valid)
{
	for (unsigned l = 0; l < valid && l < p->levels; l++) {
		uint64_t tag = pwc_tag(p, l, asid, va);
		size_t base = (size_t)l * p->entries, victim = base;
		long i = find(p, l, tag);

		if (i < 0) {
			for (uint32_t k = 0; k < p->entries; k++) {
				if (!(p->tag[base + k] & PWC_VALID)) {
					victim = base + k;
					break;
				}
				if (p->stamp[base + k] < p->stamp[victim])
					victim = base + k;
			}
			i = (long)victim;
			if (!p->nr_valid) {
				p->fill_asid = asid;
				p->multi_asid = false;
			} else if (asid != p->fill_asid) {
				p->multi_asid = true;
			}
			if (!(p->tag[i] & PWC_VALID))
				p->nr_valid++;
			p->tag[i] = tag;
		}
		p->stamp[i] = ++p->clock;
	}
}

void pwc_flush(struct pwc *p, bool all, uint16_t asid)
{
	if (!p->nr_valid || (!all && !p->multi_asid && asid != p->fill_asid))
		return;              /* nothing of @asid is cached */
	if (all || !p->multi_asid) { /* every valid entry goes: clear them all at once */
		memset(p->tag, 0, (size_t)p->levels * p->entries * sizeof(*p->tag));
		p->nr_valid = 0;
		return;
	}
	for (size_t i = 0; i < (size_t)p->levels * p->entries && p->nr_valid; i++)
		if ((p->tag[i] & PWC_VALID) &&
		    (all || (uint16_t)(p->tag[i] >> PWC_ASID_SHIFT) == asid)) {
			p->tag[i] = 0;
			p->nr_valid--;
		}
}
