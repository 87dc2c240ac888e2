// SPDX-License-Identifier: MIT
/*
 * tlb.c - translation lookaside buffers (reference/linux-mm-facts.md section 7).
 *
 * Theory: each level is set-associative; the set is the VPN modulo the
 * number of sets, and within a set the least recently used way is replaced.
 * Ways = entries makes a level fully associative; 0 entries removes it. A
 * lookup tries the L1 of the access type (data or instruction), then the
 * unified L2; an L2 hit is copied into the L1, and a page walk fills both
 * (the model is inclusive, a simplification of Skylake's STLB). Tags carry
 * the ASID/PCID when tagging is on, so a context switch costs nothing;
 * without it the switch flushes everything (global kernel pages are not
 * modelled).
 *
 * Shootdowns follow Linux on x86: flush_tlb_range() invalidates page by page
 * up to 33 pages and the whole ASID beyond (tlb_single_page_flush_ceiling).
 * Clearing an accessed bit in the page table does NOT go through here: the
 * kernel does not flush for it on x86, so a translation cached in the TLB
 * keeps hiding later accesses from reclaim — the behaviour reclaim studies
 * need to see.
 *
 * Layout: per level, flat arrays of tags, cached PTEs and LRU stamps, set
 * after set, so a lookup reads `ways` consecutive tags.
 */
#include "tlb.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>

#define TLB_VALID      (1ULL << 63)
#define TLB_ASID_SHIFT 47 /* VPNs of 57-bit addresses fit below: 45 bits */

static inline uint64_t tag_of(uint16_t asid, uint64_t vpn)
{
	return TLB_VALID | ((uint64_t)asid << TLB_ASID_SHIFT) |
	       (vpn & ((1ULL << TLB_ASID_SHIFT) - 1));
}

static int level_init(struct tlb_level *l, uint32_t entries, uint32_t ways)
{
	memset(l, 0, sizeof(*l));
	if (!entries)
		return 0;
	if (!ways || ways > entries || entries % ways)
		return -1;
	l->entries = entries;
	l->ways = ways;
	l->sets = entries / ways;
	l->set_mask = (l->sets & (l->sets - 1)) ? 0 : l->sets - 1;
	l->tag = xcalloc(entries, sizeof(uint64_t));
	l->pte = xcalloc(entries, sizeof(uint64_t));
	l->stamp = xcalloc(entries, sizeof(uint32_t));
	return 0;
}

int tlb_init(struct tlb *t, const struct tlb_geometry *g)
{
	memset(t, 0, sizeof(*t));
	t->asid_tagged = g->asid;
	if (level_init(&t->l1d, g->l1d_entries, g->l1d_ways) ||
	    level_init(&t->l1i, g->l1i_entries, g->l1i_ways) ||
	    level_init(&t->l2, g->l2_entries, g->l2_ways)) {
		tlb_free(t);
		return -1;
	}
	pwc_init(&t->pwc, g->pwc_entries, g->pwc_levels, g->pwc_shift);
	return 0;
}

void tlb_free(struct tlb *t)
{
	struct tlb_level *lv[3] = {&t->l1d, &t->l1i, &t->l2};

	for (int i = 0; i < 3; i++) {
		free(lv[i]->tag);
		free(lv[i]->pte);
		free(lv[i]->stamp);
		lv[i]->tag = NULL;
		lv[i]->pte = NULL;
		lv[i]->stamp = NULL;
	}
	pwc_free(&t->pwc);
}

/* First way of @vpn's set. */
static inline uint32_t set_base(const struct tlb_level *l, uint64_t vpn)
{
	uint64_t set = (l->set_mask || l->sets == 1) ? vpn & l->set_mask : vpn % l->sets;

	return (uint32_t)set * l->ways;
}

static inline uint64_t *level_lookup(struct tlb_level *l, uint64_t tag, uint64_t vpn)
{
	uint32_t base = set_base(l, vpn);

	for (uint32_t w = 0; w < l->ways; w++)
		if (l->tag[base + w] == tag) {
			l->stamp[base + w] = ++l->clock;
			return &l->pte[base + w];
		}
	return NULL;
}

static void level_fill(struct tlb_level *l, uint64_t tag, uint64_t vpn, uint64_t pte)
{
	uint32_t base, victim;

	if (!l->entries)
		return;
	base = set_base(l, vpn);
	victim = base;
	for (uint32_t w = 0; w < l->ways; w++) {
		if (l->tag[base + w] == tag || !(l->tag[base + w] & TLB_VALID)) {
			victim = base + w;
			break;
		}
		if (l->stamp[base + w] < l->stamp[victim])
			victim = base + w;
	}
	l->tag[victim] = tag;
	l->pte[victim] = pte;
	l->stamp[victim] = ++l->clock;
}

uint64_t *tlb_lookup(struct tlb *t, uint64_t vpn, bool exec)
{
	struct tlb_level *l1 = exec ? &t->l1i : &t->l1d;
	uint64_t tag = tag_of(t->cur_asid, vpn), *p;

	if (l1->entries) {
		p = level_lookup(l1, tag, vpn);
		if (p) {
			l1->hits++;
			return p;
		}
		l1->misses++;
	}
	if (t->l2.entries) {
		p = level_lookup(&t->l2, tag, vpn);
		if (p) {
			t->l2.hits++;
			level_fill(l1, tag, vpn, *p);
			return l1->entries ? level_lookup(l1, tag, vpn) : p;
		}
		t->l2.misses++;
	}
	return NULL;
}

void tlb_fill(struct tlb *t, uint64_t vpn, bool exec, uint64_t pte)
{
	uint64_t tag = tag_of(t->cur_asid, vpn);

	level_fill(&t->l2, tag, vpn, pte);
	level_fill(exec ? &t->l1i : &t->l1d, tag, vpn, pte);
}

static void level_flush(struct tlb_level *l, bool all, uint16_t asid)
{
	for (uint32_t i = 0; i < l->entries; i++) {
		uint64_t tg = l->tag[i];

		if ((tg & TLB_VALID) && (all || (uint16_t)(tg >> TLB_ASID_SHIFT) == asid))
			l->tag[i] = 0;
	}
}

/* Everything (@all), or every entry of @asid. */
static void flush(struct tlb *t, bool all, uint16_t asid)
{
	if (t->pwc.entries) /* CR3 loads drop the ASID's walk-cache entries */
		pwc_flush(&t->pwc, all, asid);
	level_flush(&t->l1d, all, asid);
	level_flush(&t->l1i, all, asid);
	level_flush(&t->l2, all, asid);
}

/* Drop @tag from @l: only @vpn's set can hold it. */
static inline void level_flush_one(struct tlb_level *l, uint64_t tag, uint64_t vpn)
{
	uint64_t *tg;

	if (!l->entries)
		return;
	tg = &l->tag[set_base(l, vpn)];
	for (uint32_t w = 0; w < l->ways; w++)
		if (tg[w] == tag)
			tg[w] = 0;
}

/* INVLPG: straight to the three sets that can hold @vpn (reclaim's unmapping does one per page). */
static void flush_one(struct tlb *t, uint16_t asid, uint64_t vpn)
{
	uint64_t tag = tag_of(asid, vpn);

	if (t->pwc.entries) /* INVLPG drops the ASID's walk-cache entries */
		pwc_flush(&t->pwc, false, asid);
	level_flush_one(&t->l1d, tag, vpn);
	level_flush_one(&t->l1i, tag, vpn);
	level_flush_one(&t->l2, tag, vpn);
}

void tlb_switch(struct tlb *t, uint16_t asid)
{
	if (asid == t->cur_asid)
		return;
	if (!t->asid_tagged) {
		flush(t, true, 0);
		t->flushes++;
	}
	t->cur_asid = asid;
}

void tlb_flush_page(struct tlb *t, uint16_t asid, uint64_t vpn)
{
	flush_one(t, asid, vpn);
	t->flushes++;
}

void tlb_flush_range(struct tlb *t, uint16_t asid, uint64_t vpn, uint64_t nr_pages)
{
	if (nr_pages <= TLB_FLUSH_CEILING) {
		for (uint64_t i = 0; i < nr_pages; i++)
			flush_one(t, asid, vpn + i);
	} else {
		flush(t, false, asid);
	}
	t->flushes++;
}

void tlb_flush_asid(struct tlb *t, uint16_t asid)
{
	flush(t, false, asid);
	t->flushes++;
}

void tlb_flush_all(struct tlb *t)
{
	flush(t, true, 0);
	t->flushes++;
}
