// SPDX-License-Identifier: MIT
/*
 * test_pgtable.c - index splits, table-page counts and walk references per
 * scheme, worked out by hand; unmap frees tables through the allocator.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "pgtable.h"

/* A counting allocator: frames 1000, 1001, ...; remembers outstanding pages. */
struct counter {
	uint32_t next; /* next frame */
	int64_t pages; /* pages allocated minus freed */
	int allocs, frees;
	int limit; /* fail after this many allocations (-1 = never) */
};

static uint32_t c_alloc(void *arg, unsigned order)
{
	struct counter *c = arg;

	if (c->limit >= 0 && c->allocs >= c->limit)
		return UINT32_MAX;
	c->allocs++;
	c->pages += 1 << order;
	c->next += 1u << order;
	return c->next - (1u << order);
}

static void c_free(void *arg, uint32_t pfn, unsigned order)
{
	struct counter *c = arg;

	(void)pfn;
	c->frees++;
	c->pages -= 1 << order;
}

static struct pgtable *make(enum pt_scheme s, struct counter *c)
{
	struct pgtable_frame_ops ops = {.alloc = c_alloc, .free = c_free, .arg = c};

	c->next = 1000;
	c->pages = c->allocs = c->frees = 0;
	c->limit = -1;
	return pgtable_create(s, &ops);
}

/* 0x7f1234567000: bits 47..39 = 0xfe (254), 38..30 = 0x48 (72), 29..21 = 0x1a2 (418),
 * 20..12 = 0x167 (359). x86-32 0xbfc01000: 0x2ff (767) and 0x001. arm32 0xbfc01000:
 * va >> 21 = 0x5fe (1534), (va >> 12) & 511 = 0x001. */
static void test_index_split(void **state)
{
	(void)state;
	assert_int_equal(pgtable_index(PT_X86_64, 0x7f1234567000ULL, 0), 254);
	assert_int_equal(pgtable_index(PT_X86_64, 0x7f1234567000ULL, 1), 72);
	assert_int_equal(pgtable_index(PT_X86_64, 0x7f1234567000ULL, 2), 418);
	assert_int_equal(pgtable_index(PT_X86_64, 0x7f1234567000ULL, 3), 359);
	/* LA57: bits 56..48 of a 57-bit address; 0x00ff000000000000 -> 255 at the top. */
	assert_int_equal(pgtable_index(PT_X86_64_LA57, 0x00ff000000000000ULL, 0), 255);
	assert_int_equal(pgtable_index(PT_X86_32, 0xbfc01000ULL, 0), 767);
	assert_int_equal(pgtable_index(PT_X86_32, 0xbfc01000ULL, 1), 1);
	assert_int_equal(pgtable_index(PT_ARM32, 0xbfc01000ULL, 0), 1534);
	assert_int_equal(pgtable_index(PT_ARM32, 0xbfc01000ULL, 1), 1);
	assert_int_equal(pgtable_levels(PT_ARM64), 4);
	assert_int_equal(pgtable_scheme_of("x86_64-la57"), PT_X86_64_LA57);
	assert_int_equal(pgtable_scheme_of("sparc"), -1);
}

/* One page in each of K distinct GiB of one 512 GiB region. */
static void test_table_counts(void **state)
{
	struct counter c;
	struct pgtable *pt;
	const unsigned K = 5;
	unsigned refs;

	(void)state;
	/* x86-64: 1 PGD + 1 PUD + K PMD + K PTE = 12 pages. */
	pt = make(PT_X86_64, &c);
	for (unsigned k = 0; k < K; k++)
		*pgtable_populate(pt, (1ULL << 39) + ((uint64_t)k << 30)) = pte_make(7, 0);
	assert_int_equal(pgtable_nr_pages(pt), 2 + 2 * K);
	assert_int_equal(c.pages, 2 + 2 * K);
	/* A second page in the same 2 MiB adds nothing. */
	*pgtable_populate(pt, (1ULL << 39) + 4096) = pte_make(8, 0);
	assert_int_equal(pgtable_nr_pages(pt), 2 + 2 * K);
	assert_non_null(pgtable_walk(pt, (1ULL << 39) + 4096, &refs));
	assert_int_equal(refs, 4);
	/* An unmapped GiB: the PUD entry is missing, the walk stops after 2 reads. */
	assert_null(pgtable_walk(pt, (1ULL << 39) + (100ULL << 30), &refs));
	assert_int_equal(refs, 2);
	/* A different 512 GiB region: the PGD entry is missing after 1 read. */
	assert_null(pgtable_walk(pt, 5ULL << 39, &refs));
	assert_int_equal(refs, 1);
	pgtable_destroy(pt);
	assert_int_equal(c.pages, 0);

	/* LA57: one more level -> 1 + 1 + 1 + K + K. */
	pt = make(PT_X86_64_LA57, &c);
	for (unsigned k = 0; k < K; k++)
		*pgtable_populate(pt, (1ULL << 39) + ((uint64_t)k << 30)) = pte_make(7, 0);
	assert_int_equal(pgtable_nr_pages(pt), 3 + 2 * K);
	assert_non_null(pgtable_walk(pt, 1ULL << 39, &refs));
	assert_int_equal(refs, 5);
	pgtable_destroy(pt);

	/* x86-32: 1 + K for K distinct 4 MiB regions, walks of 2 references. */
	pt = make(PT_X86_32, &c);
	for (unsigned k = 0; k < K; k++)
		*pgtable_populate(pt, (uint64_t)k << 22) = pte_make(7, 0);
	assert_int_equal(pgtable_nr_pages(pt), 1 + K);
	assert_non_null(pgtable_walk(pt, 0, &refs));
	assert_int_equal(refs, 2);
	pgtable_destroy(pt);

	/* arm32: a 4-page PGD (one order-2 allocation) + one PTE page per 2 MiB. */
	pt = make(PT_ARM32, &c);
	for (unsigned k = 0; k < K; k++)
		*pgtable_populate(pt, (uint64_t)k << 21) = pte_make(7, 0);
	assert_int_equal(pgtable_nr_pages(pt), 4 + K);
	assert_int_equal(c.allocs, 1 + K);
	pgtable_destroy(pt);
	assert_int_equal(c.pages, 0);
}

static uint64_t seen[16];
static int nr_seen;

static void record(void *arg, uint64_t va, uint64_t *pte)
{
	(void)arg;
	(void)pte;
	seen[nr_seen++] = va;
}

/* Unmapping frees the tables that became empty, and only those. */
static void test_unmap_frees_tables(void **state)
{
	struct counter c;
	struct pgtable *pt = make(PT_X86_64, &c);

	(void)state;
	*pgtable_populate(pt, 0x400000) = pte_make(1, 0); /* PMD entry 2 */
	*pgtable_populate(pt, 0x401000) = pte_make(2, 0);
	*pgtable_populate(pt, 0x40000000) = pte_make(3, 0);  /* 1 GiB: another PMD */
	*pgtable_populate(pt, 0x40200000) = pte_swap(1, 77); /* swapped out */
	/* PGD + PUD + 2 PMD + 3 PTE tables = 7 pages */
	assert_int_equal(pgtable_nr_pages(pt), 7);
	nr_seen = 0;
	pgtable_for_each(pt, 0, 1ULL << 47, record, NULL);
	assert_int_equal(nr_seen, 4);
	assert_int_equal(seen[3], 0x40200000);
	/* Unmap the first GiB's pages: its PTE table and PMD go, 2 pages freed. */
	nr_seen = 0;
	pgtable_unmap_range(pt, 0, 0x40000000, record, NULL);
	assert_int_equal(nr_seen, 2);
	assert_int_equal(pgtable_nr_pages(pt), 5);
	assert_null(pgtable_walk(pt, 0x400000, NULL));
	/* Unmapping 0x40000000 empties its PTE table (freed); the PMD keeps the table
	 * holding the swap entry at 0x40200000. */
	pgtable_unmap_range(pt, 0x40000000, 0x40001000, NULL, NULL);
	assert_int_equal(pgtable_nr_pages(pt), 4);
	uint64_t *e = pgtable_walk(pt, 0x40200000, NULL);
	assert_non_null(e);
	assert_true(*e & PTE_SWAP);
	assert_int_equal(pte_swap_type(*e), 1);
	assert_int_equal(pte_swap_offset(*e), 77);
	pgtable_unmap_range(pt, 0, 1ULL << 47, NULL, NULL);
	assert_int_equal(pgtable_nr_pages(pt), 1); /* the PGD stays until destroy */
	pgtable_destroy(pt);
	assert_int_equal(c.pages, 0);
	assert_int_equal(c.allocs, c.frees);
}

static void test_out_of_memory(void **state)
{
	struct counter c;
	struct pgtable *pt = make(PT_X86_64, &c);

	(void)state;
	c.limit = 2; /* PGD done; one more table, then nothing */
	assert_null(pgtable_populate(pt, 0x1000));
	assert_int_equal(pgtable_nr_pages(pt), 2);
	c.limit = -1;
	assert_non_null(pgtable_populate(pt, 0x1000));
	assert_int_equal(pgtable_nr_pages(pt), 4);
	pgtable_destroy(pt);
	assert_int_equal(c.pages, 0);
	assert_int_equal(pte_pfn(pte_make(123456, PTE_WRITE | PTE_DIRTY)), 123456);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_index_split),
	        cmocka_unit_test(test_table_counts),
	        cmocka_unit_test(test_unmap_frees_tables),
	        cmocka_unit_test(test_out_of_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
