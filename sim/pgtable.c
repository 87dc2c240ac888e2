// SPDX-License-Identifier: MIT
/*
 * pgtable.c - radix page tables (see reference/linux-mm-facts.md section 6).
 *
 * Theory: a virtual address is cut into one index per level plus the page
 * offset; each level's table maps its index to the next table, the last one
 * (the PTE level) to a frame. Only tables that cover something mapped exist,
 * so an address space touching K distinct gigabytes of one 512 GiB region on
 * x86-64 costs 1 PGD + 1 PUD + K PMD + K PTE table pages.
 *
 *   scheme        levels  index bits (top first)  entries per table   top table
 *   x86-64        4       9 9 9 9    (48-bit VA)  512 (8-byte)        1 page
 *   x86-64 LA57   5       9 9 9 9 9  (57-bit VA)  512                 1 page
 *   x86-32        2       10 10      (32-bit VA)  1024 (4-byte)       1 page
 *   arm32 (Linux) 2       11 9       (32-bit VA)  2048 PGD / 512 PTE  4 pages (16 KiB)
 *   arm64 4K      4       9 9 9 9    (48-bit VA)  512                 1 page
 *
 * arm32: the hardware's short-descriptor tables are 4096 x 4-byte L1 entries
 * (16 KiB) and 256-entry L2 tables; Linux pairs two hardware L1 entries per
 * 8-byte PGD entry (2 MiB each) and puts two Linux PTE tables plus the two
 * hardware tables in one 4 KiB PTE page, so the model counts one PTE page per
 * 2 MiB and a 4-page PGD.
 *
 * Storage: every table is a host array of u64 entries reached by a 32-bit
 * table id kept in the parent entry (bits 12 and up, with bit 0 = present),
 * so a walk is a chain of array indexings, no hashing. Each table also
 * records the simulated frame that backs it and its live-entry count, which
 * lets unmapping free empty tables without scanning them.
 *
 * Freeing rule (a simplification of the kernel's free_pgtables, which frees
 * the tables spanned only by the unmapped VMAs between their neighbours): after
 * an unmap, every table below the top level whose entries all became zero and
 * whose range intersects the unmapped range is freed.
 */
#include "pgtable.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>

#define PT_NONE UINT32_MAX

struct pt_table {
	uint64_t *e;   /* entries */
	uint32_t pfn;  /* simulated frame(s) backing the table */
	uint32_t live; /* present entries (upper levels only; leaves are scanned) */
};

struct pgtable {
	enum pt_scheme scheme;         /* geometry */
	struct pgtable_frame_ops ops;  /* table-page allocator */
	struct pt_table *t;            /* tables by id; id 0 is the top level */
	uint32_t nr_t, cap_t;          /* ids in use (with holes) / allocated */
	uint32_t free_id;              /* freed ids, linked through pfn */
	uint64_t pages;                /* simulated pages held */
	unsigned levels;               /* geom[scheme].levels */
	unsigned shift[PT_MAX_LEVELS]; /* shift_of() per level, precomputed for the walk */
	uint64_t mask[PT_MAX_LEVELS];  /* index mask per level */
};

struct pt_geom {
	unsigned levels;              /* including the PTE level */
	unsigned bits[PT_MAX_LEVELS]; /* index bits per level, top first */
	unsigned top_order;           /* top table = 2^top_order pages */
};

static const struct pt_geom geom[NR_PT_SCHEMES] = {
        [PT_X86_64] = {4, {9, 9, 9, 9}, 0}, [PT_X86_64_LA57] = {5, {9, 9, 9, 9, 9}, 0},
        [PT_X86_32] = {2, {10, 10}, 0},     [PT_ARM32] = {2, {11, 9}, 2},
        [PT_ARM64] = {4, {9, 9, 9, 9}, 0},
};

int pgtable_scheme_of(const char *arch)
{
	static const char *const names[NR_PT_SCHEMES] = {
	        [PT_X86_64] = "x86_64", [PT_X86_64_LA57] = "x86_64-la57",
	        [PT_X86_32] = "x86_32", [PT_ARM32] = "arm32",
	        [PT_ARM64] = "arm64",
	};

	for (int i = 0; i < NR_PT_SCHEMES; i++)
		if (!strcmp(arch, names[i]))
			return i;
	return -1;
}

unsigned pgtable_levels(enum pt_scheme s)
{
	return geom[s].levels;
}

/* Bits of the address below level @level's index. */
static unsigned shift_of(enum pt_scheme s, unsigned level)
{
	unsigned sh = 12;

	for (unsigned l = geom[s].levels - 1; l > level; l--)
		sh += geom[s].bits[l];
	return sh;
}

unsigned pgtable_level_shift(enum pt_scheme s, unsigned level)
{
	return shift_of(s, level);
}

unsigned pgtable_index(enum pt_scheme s, uint64_t va, unsigned level)
{
	return (unsigned)((va >> shift_of(s, level)) & ((1ULL << geom[s].bits[level]) - 1));
}

static uint32_t table_new(struct pgtable *pt, unsigned level)
{
	unsigned order = level == 0 ? geom[pt->scheme].top_order : 0;
	uint32_t pfn = pt->ops.alloc(pt->ops.arg, order), id;

	if (pfn == UINT32_MAX)
		return PT_NONE;
	if (pt->free_id != PT_NONE) {
		id = pt->free_id;
		pt->free_id = pt->t[id].pfn;
	} else {
		if (pt->nr_t == pt->cap_t) {
			pt->cap_t = pt->cap_t ? pt->cap_t * 2 : 16;
			pt->t = xrealloc(pt->t, pt->cap_t * sizeof(*pt->t));
		}
		id = pt->nr_t++;
	}
	pt->t[id].e = xcalloc(1ULL << geom[pt->scheme].bits[level], sizeof(uint64_t));
	pt->t[id].pfn = pfn;
	pt->t[id].live = 0;
	pt->pages += 1u << order;
	return id;
}

static void table_free(struct pgtable *pt, uint32_t id, unsigned level)
{
	unsigned order = level == 0 ? geom[pt->scheme].top_order : 0;

	pt->ops.free(pt->ops.arg, pt->t[id].pfn, order);
	free(pt->t[id].e);
	pt->t[id].e = NULL;
	pt->t[id].pfn = pt->free_id;
	pt->free_id = id;
	pt->pages -= 1u << order;
}

struct pgtable *pgtable_create(enum pt_scheme s, const struct pgtable_frame_ops *ops)
{
	struct pgtable *pt = xcalloc(1, sizeof(*pt));

	pt->scheme = s;
	pt->ops = *ops;
	pt->levels = geom[s].levels;
	for (unsigned l = 0; l < pt->levels; l++) {
		pt->shift[l] = shift_of(s, l);
		pt->mask[l] = (1ULL << geom[s].bits[l]) - 1;
	}
	pt->free_id = PT_NONE;
	if (table_new(pt, 0) == PT_NONE) {
		free(pt);
		return NULL;
	}
	return pt;
}

static void destroy_level(struct pgtable *pt, uint32_t id, unsigned level)
{
	if (level + 1 < geom[pt->scheme].levels) {
		uint64_t n = 1ULL << geom[pt->scheme].bits[level];

		for (uint64_t i = 0; i < n; i++)
			if (pt->t[id].e[i] & PTE_PRESENT)
				destroy_level(pt, (uint32_t)(pt->t[id].e[i] >> 12), level + 1);
	}
	table_free(pt, id, level);
}

void pgtable_destroy(struct pgtable *pt)
{
	if (!pt)
		return;
	destroy_level(pt, 0, 0);
	free(pt->t);
	free(pt);
}

/* Index of @va in a level-@l table. */
static inline uint64_t idx_of(const struct pgtable *pt, uint64_t va, unsigned l)
{
	return (va >> pt->shift[l]) & pt->mask[l];
}

uint64_t *pgtable_walk(struct pgtable *pt, uint64_t va, unsigned *refs)
{
	uint32_t id = 0;
	unsigned l;

	for (l = 0; l + 1 < pt->levels; l++) {
		uint64_t e = pt->t[id].e[idx_of(pt, va, l)];

		if (!(e & PTE_PRESENT)) {
			if (refs)
				*refs = l + 1;
			return NULL;
		}
		id = (uint32_t)(e >> 12);
	}
	if (refs)
		*refs = pt->levels;
	return &pt->t[id].e[idx_of(pt, va, l)];
}

uint64_t *pgtable_populate(struct pgtable *pt, uint64_t va)
{
	uint32_t id = 0;
	unsigned l;

	for (l = 0; l + 1 < pt->levels; l++) {
		uint64_t *e = &pt->t[id].e[idx_of(pt, va, l)];

		if (!(*e & PTE_PRESENT)) {
			uint32_t child = table_new(pt, l + 1);

			if (child == PT_NONE)
				return NULL;
			/* table_new may move pt->t: recompute the parent entry's address */
			e = &pt->t[id].e[idx_of(pt, va, l)];
			*e = ((uint64_t)child << 12) | PTE_PRESENT;
			pt->t[id].live++;
		}
		id = (uint32_t)(*e >> 12);
	}
	return &pt->t[id].e[idx_of(pt, va, l)];
}

/*
 * Visit [start, end) below table @id at @level covering addresses from @base.
 * With @unmap, clear leaf entries and free emptied child tables. Returns true
 * when the table @id became empty.
 */
static bool visit(struct pgtable *pt, uint32_t id, unsigned level, uint64_t base, uint64_t start,
                  uint64_t end, pgtable_pte_fn fn, void *arg, bool unmap)
{
	const struct pt_geom *g = &geom[pt->scheme];
	unsigned sh = shift_of(pt->scheme, level);
	uint64_t n = 1ULL << g->bits[level], span = 1ULL << sh;
	uint64_t first = start > base ? (start - base) >> sh : 0;

	for (uint64_t i = first; i < n; i++) {
		uint64_t lo = base + i * span, *e = &pt->t[id].e[i];

		if (lo >= end)
			break;
		if (!*e)
			continue;
		if (level + 1 == g->levels) {
			if (fn)
				fn(arg, lo, e);
			if (unmap)
				*e = 0;
		} else if (*e & PTE_PRESENT) {
			uint32_t child = (uint32_t)(*e >> 12);

			if (visit(pt, child, level + 1, lo, start, end, fn, arg, unmap)) {
				table_free(pt, child, level + 1);
				pt->t[id].e[i] = 0;
				pt->t[id].live--;
			}
		}
	}
	if (!unmap || level == 0)
		return false;
	if (level + 1 < g->levels)
		return pt->t[id].live == 0;
	/* Leaf entries are written by the caller through the pointer walk returns, so
	 * a PTE table's emptiness is checked by scanning it (only on unmap). */
	for (uint64_t i = 0; i < n; i++)
		if (pt->t[id].e[i])
			return false;
	return true;
}

void pgtable_for_each(struct pgtable *pt, uint64_t start, uint64_t end, pgtable_pte_fn fn,
                      void *arg)
{
	if (start < end)
		visit(pt, 0, 0, 0, start, end, fn, arg, false);
}

void pgtable_unmap_range(struct pgtable *pt, uint64_t start, uint64_t end, pgtable_pte_fn fn,
                         void *arg)
{
	if (start < end)
		visit(pt, 0, 0, 0, start, end, fn, arg, true);
}

uint64_t pgtable_nr_pages(const struct pgtable *pt)
{
	return pt->pages;
}
