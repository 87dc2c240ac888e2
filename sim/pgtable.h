/* SPDX-License-Identifier: MIT */
/*
 * pgtable.h - radix page tables whose table pages live in simulated memory.
 */
#ifndef MMSIM_PGTABLE_H
#define MMSIM_PGTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum pt_scheme {
	PT_X86_64,      /* 4-level 9/9/9/9/12 */
	PT_X86_64_LA57, /* 5-level 9/9/9/9/9/12 */
	PT_X86_32,      /* 2-level 10/10/12, 4-byte entries */
	PT_ARM32,       /* Linux view of the short-descriptor format: 11/9/12 */
	PT_ARM64,       /* 4 KiB granule, 48-bit: 9/9/9/9/12 */
	NR_PT_SCHEMES
};

#define PT_MAX_LEVELS 5

/* Leaf entry bits (x86 positions; the model uses them for every scheme). */
#define PTE_PRESENT   (1ULL << 0)
#define PTE_WRITE     (1ULL << 1)
#define PTE_USER      (1ULL << 2)
#define PTE_ACCESSED  (1ULL << 5)
#define PTE_DIRTY     (1ULL << 6)
#define PTE_PROTNONE  (1ULL << 8) /* not present but mapped PROT_NONE */
#define PTE_SWAP      (1ULL << 9) /* not present: bits 12.. hold a swap entry */
#define PTE_NX        (1ULL << 63)
#define PTE_PFN_SHIFT 12
#define PTE_PFN_MASK  0x000ffffffffff000ULL

static inline uint64_t pte_make(uint32_t pfn, uint64_t bits)
{
	return ((uint64_t)pfn << PTE_PFN_SHIFT) | bits | PTE_PRESENT;
}
static inline uint32_t pte_pfn(uint64_t pte)
{
	return (uint32_t)((pte & PTE_PFN_MASK) >> PTE_PFN_SHIFT);
}
/* Swap entries: type in bits 1-5 (32 devices), offset in bits 12-57. */
static inline uint64_t pte_swap(unsigned type, uint64_t offset)
{
	return PTE_SWAP | ((uint64_t)(type & 31) << 1) | ((offset & ((1ULL << 46) - 1)) << 12);
}
static inline unsigned pte_swap_type(uint64_t pte)
{
	return (unsigned)((pte >> 1) & 31);
}
static inline uint64_t pte_swap_offset(uint64_t pte)
{
	return (pte >> 12) & ((1ULL << 46) - 1);
}

/* Where table pages come from: the machine's buddy allocator (or a test double). */
struct pgtable_frame_ops {
	uint32_t (*alloc)(void *arg, unsigned order); /* a 2^order-page block, UINT32_MAX if none */
	void (*free)(void *arg, uint32_t pfn, unsigned order);
	void *arg; /* the allocator's state */
};

struct pgtable;

/* pgtable_scheme_of() - machine.arch name to scheme, -1 if unknown. */
int pgtable_scheme_of(const char *arch);
/* pgtable_levels() - levels of @s (including the PTE level). */
unsigned pgtable_levels(enum pt_scheme s);
/* pgtable_level_shift() - address bits below level @level's index (0 = top). */
unsigned pgtable_level_shift(enum pt_scheme s, unsigned level);
/* pgtable_index() - the table index of @va at level @level (0 = top). */
unsigned pgtable_index(enum pt_scheme s, uint64_t va, unsigned level);

/**
 * pgtable_create() - an address space's tables: allocates the top-level table
 * (4 pages on arm32, 1 elsewhere). Return: NULL if the allocator has no memory.
 */
struct pgtable *pgtable_create(enum pt_scheme s, const struct pgtable_frame_ops *ops);
/* pgtable_destroy() - free every table page (exit). */
void pgtable_destroy(struct pgtable *pt);

/**
 * pgtable_walk() - the leaf entry for @va, or NULL when an intermediate table
 * is missing. *@refs (if non-NULL) gets the memory references a hardware walk
 * makes: one per level read, stopping at the first missing table.
 */
uint64_t *pgtable_walk(struct pgtable *pt, uint64_t va, unsigned *refs);
/* pgtable_populate() - like walk, allocating missing tables; NULL if out of memory. */
uint64_t *pgtable_populate(struct pgtable *pt, uint64_t va);

/* Called for every non-zero leaf entry in a range (present, swap or PROT_NONE). */
typedef void (*pgtable_pte_fn)(void *arg, uint64_t va, uint64_t *pte);

/* pgtable_for_each() - visit the non-zero leaf entries of [start, end) in address order. */
void pgtable_for_each(struct pgtable *pt, uint64_t start, uint64_t end, pgtable_pte_fn fn,
                      void *arg);
/**
 * pgtable_unmap_range() - call @fn (may be NULL) for each non-zero leaf entry
 * of [start, end), clear it, then free every table page left empty whose
 * range intersects [start, end) (free_pgtables; the top level stays).
 */
void pgtable_unmap_range(struct pgtable *pt, uint64_t start, uint64_t end, pgtable_pte_fn fn,
                         void *arg);
/* pgtable_nr_pages() - simulated pages held by tables (nr_page_table_pages). */
uint64_t pgtable_nr_pages(const struct pgtable *pt);

#endif /* MMSIM_PGTABLE_H */
