// SPDX-License-Identifier: MIT
/* test_tlb.c - TLB hits and misses on crafted sequences, counted by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tlb.h"
#include "util.h"

/* Look @vpn up; on a miss, "walk" and fill. Returns true on a hit. */
static bool access_page(struct tlb *t, uint64_t vpn)
{
	if (tlb_lookup(t, vpn, false))
		return true;
	tlb_fill(t, vpn, false, vpn << 12 | 1);
	return false;
}

static struct tlb make(uint32_t l1, uint32_t l1w, uint32_t l2, uint32_t l2w, bool asid)
{
	struct tlb t;
	struct tlb_geometry g = {.l1d_entries = l1,
	                         .l1d_ways = l1w,
	                         .l1i_ways = 1,
	                         .l2_entries = l2,
	                         .l2_ways = l2w,
	                         .asid = asid};

	assert_int_equal(tlb_init(&t, &g), 0);
	return t;
}

/* 8 entries, 4-way: 2 sets; even pages share set 0. Five of them cycling thrash an LRU set
 * (every access misses); four fit (4 cold misses, then hits). */
static void test_set_conflicts(void **state)
{
	struct tlb t = make(8, 4, 0, 1, true);
	int hits = 0;

	(void)state;
	for (int round = 0; round < 2; round++)
		for (uint64_t v = 0; v <= 8; v += 2)
			hits += access_page(&t, v);
	assert_int_equal(hits, 0);
	assert_int_equal(t.l1d.misses, 10);
	tlb_flush_all(&t);
	hits = 0;
	for (int round = 0; round < 2; round++)
		for (uint64_t v = 0; v <= 6; v += 2)
			hits += access_page(&t, v);
	assert_int_equal(hits, 4);
	/* An odd page goes to set 1 and does not disturb set 0. */
	access_page(&t, 1);
	assert_true(access_page(&t, 0) && access_page(&t, 6));
	tlb_free(&t);
	struct tlb_geometry bad = {
	        .l1d_entries = 6, .l1d_ways = 4, .l1i_ways = 1, .l2_ways = 1, .asid = true};
	assert_int_equal(tlb_init(&t, &bad), -1);
}

/* Two processes alternate, two pages each, three rounds. Tagged: 4 cold misses then hits
 * (8). Untagged: every switch flushes: 12 misses. */
static void test_asid_vs_flush(void **state)
{
	for (int tagged = 0; tagged < 2; tagged++) {
		struct tlb t = make(64, 64, 0, 1, tagged);
		int hits = 0;

		for (int round = 0; round < 3; round++)
			for (uint16_t asid = 1; asid <= 2; asid++) {
				tlb_switch(&t, asid);
				hits += access_page(&t, 0);
				hits += access_page(&t, 1);
			}
		assert_int_equal(hits, tagged ? 8 : 0);
		assert_int_equal(t.l1d.misses, tagged ? 4 : 12);
		tlb_free(&t);
	}
	(void)state;
}

/* flush_tlb_range: up to 33 pages one by one, beyond that the whole ASID. */
static void test_flush_range_ceiling(void **state)
{
	struct tlb t = make(128, 128, 0, 1, true);
	int hits = 0;

	(void)state;
	tlb_switch(&t, 1);
	for (uint64_t v = 0; v < 40; v++)
		access_page(&t, v);
	tlb_flush_range(&t, 1, 0, 33); /* pages 0..32 go, 33..39 stay */
	for (uint64_t v = 0; v < 40; v++)
		hits += tlb_lookup(&t, v, false) != NULL;
	assert_int_equal(hits, 7);

	for (uint64_t v = 0; v < 40; v++)
		access_page(&t, v);
	tlb_switch(&t, 2);
	access_page(&t, 100);
	tlb_flush_range(&t, 1, 0, 34); /* above the ceiling: all of ASID 1, even pages 34..39 */
	assert_non_null(tlb_lookup(&t, 100, false)); /* ASID 2 untouched */
	tlb_switch(&t, 1);
	hits = 0;
	for (uint64_t v = 0; v < 40; v++)
		hits += tlb_lookup(&t, v, false) != NULL;
	assert_int_equal(hits, 0);
	tlb_flush_page(&t, 2, 100);
	tlb_switch(&t, 2);
	assert_null(tlb_lookup(&t, 100, false));
	tlb_free(&t);
}

/* L1 2 entries, L2 8 (both fully associative). 0 1 2: 3 misses in both; L1 keeps 1 2.
 * 0: L1 miss, L2 hit, refills L1 (evicting 1). 0: L1 hit. 1: L1 miss, L2 hit. */
static void test_l1_l2(void **state)
{
	struct tlb t = make(2, 2, 8, 8, true);

	(void)state;
	access_page(&t, 0);
	access_page(&t, 1);
	access_page(&t, 2);
	assert_true(access_page(&t, 0));
	assert_true(access_page(&t, 0));
	assert_true(access_page(&t, 1));
	assert_int_equal(t.l1d.hits, 1);
	assert_int_equal(t.l1d.misses, 5);
	assert_int_equal(t.l2.hits, 2);
	assert_int_equal(t.l2.misses, 3);
	tlb_free(&t);
}

/* Uniform random over N pages, fully associative E-entry LRU: hit ratio E/N.
 * N = 512, E = 64 -> 0.125. The binomial sd over 200000 lookups is 0.0007; lookups are
 * correlated, so allow 0.01. */
static void test_uniform_hit_ratio(void **state)
{
	struct tlb t = make(64, 64, 0, 1, true);
	struct rng r;
	int hits = 0;

	(void)state;
	rng_seed(&r, 11);
	for (int i = 0; i < 10000; i++) /* warm up */
		access_page(&t, rng_below(&r, 512));
	for (int i = 0; i < 200000; i++)
		hits += access_page(&t, rng_below(&r, 512));
	double ratio = hits / 200000.0;
	assert_true(ratio > 0.115 && ratio < 0.135);
	tlb_free(&t);
}

/*
 * Page-walk caches for x86-64 4-level (shifts 39, 30, 21: PML4E, PDPTE, PDE),
 * 2 entries per level. After a full walk of 0x10000 is cached: 0x11000 shares
 * the PDE (VA >> 21) -> skip 3 levels; 0x200000 shares only the PDPTE -> 2;
 * 0x40000000 (1 GiB) only the PML4E -> 1; another ASID -> 0. A flush of ASID 1
 * drops its entries. LRU: with 2 PDE entries, filling a third evicts the oldest.
 */
static void test_pwc(void **state)
{
	const unsigned shift[3] = {39, 30, 21};
	struct pwc p;

	(void)state;
	pwc_init(&p, 2, 3, shift);
	assert_int_equal(pwc_lookup(&p, 1, 0x10000), 0);
	pwc_fill(&p, 1, 0x10000, 3);
	assert_int_equal(pwc_lookup(&p, 1, 0x11000), 3);
	assert_int_equal(pwc_lookup(&p, 1, 0x200000), 2);
	assert_int_equal(pwc_lookup(&p, 1, 0x40000000), 1);
	assert_int_equal(pwc_lookup(&p, 2, 0x11000), 0);
	assert_int_equal(p.hits, 3);
	assert_int_equal(p.misses, 2);
	pwc_fill(&p, 1, 0x200000, 3); /* PDE entries: 0x0 and 0x200000's */
	pwc_fill(&p, 1, 0x400000, 3); /* evicts the older, 0x0's (stamped by the 0x11000 hit) */
	assert_int_equal(pwc_lookup(&p, 1, 0x10000), 2); /* PDPTE still cached */
	assert_int_equal(pwc_lookup(&p, 1, 0x201000), 3);
	pwc_flush(&p, false, 1);
	assert_int_equal(pwc_lookup(&p, 1, 0x201000), 0);
	/* Two address spaces: a flush of one keeps the other's entries. */
	pwc_fill(&p, 1, 0x10000, 3);
	pwc_fill(&p, 2, 0x10000, 3);
	pwc_flush(&p, false, 3); /* an ASID with nothing cached: no change */
	assert_int_equal(pwc_lookup(&p, 1, 0x11000), 3);
	assert_int_equal(pwc_lookup(&p, 2, 0x11000), 3);
	pwc_flush(&p, false, 1);
	assert_int_equal(pwc_lookup(&p, 1, 0x11000), 0);
	assert_int_equal(pwc_lookup(&p, 2, 0x11000), 3);
	assert_int_equal(p.nr_valid, 3); /* ASID 2's PML4E, PDPTE and PDE */
	pwc_flush(&p, false, 2);
	assert_int_equal(pwc_lookup(&p, 2, 0x11000), 0);
	assert_int_equal(p.nr_valid, 0);
	/* One address space only: a flush of another keeps it; a global flush clears it. */
	pwc_fill(&p, 2, 0x10000, 3);
	pwc_flush(&p, false, 1);
	assert_int_equal(pwc_lookup(&p, 2, 0x11000), 3);
	pwc_flush(&p, true, 0);
	assert_int_equal(pwc_lookup(&p, 2, 0x11000), 0);
	assert_int_equal(p.nr_valid, 0);
	pwc_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_pwc),           cmocka_unit_test(test_set_conflicts),
	        cmocka_unit_test(test_asid_vs_flush), cmocka_unit_test(test_flush_range_ceiling),
	        cmocka_unit_test(test_l1_l2),         cmocka_unit_test(test_uniform_hit_ratio),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
