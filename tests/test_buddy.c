// SPDX-License-Identifier: MIT
/* test_buddy.c - buddy allocator: hand-worked splits and merges, invariants, churn. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "util.h"
#include "zone.h"

static const unsigned ratio[NR_ZONE_TYPES] = {256, 256, 32, 0, 0};

static void init_pages(struct physmem *pm, uint32_t start, uint32_t end)
{
	struct zone_spec s = {.type = ZONE_NORMAL, .start_pfn = start, .end_pfn = end};

	physmem_init(pm, &s, 1, 0, 10, ratio);
}

static void expect_info(const struct physmem *pm, const uint64_t want[5])
{
	char err[256];

	for (unsigned o = 0; o < 5; o++)
		if (buddy_nr_free_blocks(pm, 0, o) != want[o])
			fail_msg("order %u: %llu free blocks, expected %llu", o,
			         (unsigned long long)buddy_nr_free_blocks(pm, 0, o),
			         (unsigned long long)want[o]);
	if (buddy_check(pm, err, sizeof(err)))
		fail_msg("%s", err);
}

/*
 * A 16-page zone is one order-4 block.
 *   alloc(0) -> pfn 0: splits leave [8,16) o3, [4,8) o2, [2,4) o1, [1] o0
 *   alloc(1) -> [2,4)
 *   free(0,0): buddy 1 free -> [0,2) o1; its buddy [2,4) is allocated: stop
 *   free(2,1): [0,4) o2 -> with [4,8) -> [0,8) o3 -> with [8,16) -> [0,16) o4
 */
static void test_split_and_merge(void **state)
{
	struct physmem pm;
	static const uint64_t start[5] = {0, 0, 0, 0, 1}, after_a0[5] = {1, 1, 1, 1, 0},
	                      after_a1[5] = {1, 0, 1, 1, 0}, after_f0[5] = {0, 1, 1, 1, 0};

	(void)state;
	init_pages(&pm, 0, 16);
	expect_info(&pm, start);
	assert_int_equal(buddy_alloc(&pm, 0, 0), 0);
	expect_info(&pm, after_a0);
	assert_int_equal(buddy_alloc(&pm, 0, 1), 2);
	expect_info(&pm, after_a1);
	assert_int_equal(pm.zones[0].nr_free, 13);
	buddy_free(&pm, 0, 0);
	expect_info(&pm, after_f0);
	buddy_free(&pm, 2, 1);
	expect_info(&pm, start);
	assert_int_equal(pm.zones[0].nr_free, 16);
	/* Order 5 does not fit in 16 pages; order 4 does, once. */
	assert_int_equal(buddy_alloc(&pm, 0, 5), FRAME_NONE);
	assert_int_equal(buddy_alloc(&pm, 0, 4), 0);
	assert_int_equal(buddy_alloc(&pm, 0, 0), FRAME_NONE);
	physmem_free(&pm);
}

/* An unaligned zone [3, 3000): head blocks 3 (o0), 4-7 (o2), 8-15 (o3), ..., 512-1023 (o9),
 * then fresh [1024, 2048) one o10 block, then tail [2048, 3000) listed. */
static void test_unaligned_zone_and_fresh_blocks(void **state)
{
	struct physmem pm;
	char err[256];
	uint32_t pages[3000];
	unsigned n = 0;

	(void)state;
	init_pages(&pm, 3, 3000);
	assert_int_equal(pm.zones[0].nr_free, 2997);
	assert_int_equal(buddy_nr_free_blocks(&pm, 0, 10), 1);
	assert_int_equal(buddy_check(&pm, err, sizeof(err)), 0);
	/* Every page can be allocated exactly once, then nothing. */
	for (uint32_t p; (p = buddy_alloc(&pm, 0, 0)) != FRAME_NONE;)
		pages[n++] = p;
	assert_int_equal(n, 2997);
	assert_int_equal(pm.zones[0].nr_free, 0);
	for (unsigned i = 0; i < n; i++)
		for (unsigned k = i + 1; k < n && k < i + 4; k++)
			assert_int_not_equal(pages[i], pages[k]);
	/* Free everything in a scrambled order: it must coalesce back to the same shape. */
	struct rng r;
	rng_seed(&r, 7);
	for (unsigned i = n - 1; i > 0; i--) {
		unsigned j = (unsigned)rng_below(&r, i + 1);
		uint32_t t = pages[i];

		pages[i] = pages[j];
		pages[j] = t;
	}
	for (unsigned i = 0; i < n; i++)
		buddy_free(&pm, pages[i], 0);
	assert_int_equal(pm.zones[0].nr_free, 2997);
	assert_int_equal(buddy_check(&pm, err, sizeof(err)), 0);
	assert_int_equal(buddy_nr_free_blocks(&pm, 0, 10), 1);
	assert_int_equal(buddy_nr_free_blocks(&pm, 0, 9), 2); /* [512,1024) and [2048,2560) */
	physmem_free(&pm);
}

/* Churn: random alloc/free of orders 0..3 keeps the invariants and fragments memory:
 * with a quarter of the pages allocated in scattered order-0 pieces, order-3 blocks run out
 * long before free pages do. */
static void test_churn_fragmentation(void **state)
{
	struct physmem pm;
	struct rng r;
	char err[256];
	uint32_t live_pfn[4096];
	unsigned live_order[4096], nr = 0;

	(void)state;
	init_pages(&pm, 0, 4096);
	rng_seed(&r, 3);
	for (int step = 0; step < 20000; step++) {
		if (nr < 4096 && (nr == 0 || rng_below(&r, 2))) {
			unsigned o = (unsigned)rng_below(&r, 4);
			uint32_t p = buddy_alloc(&pm, 0, o);

			if (p != FRAME_NONE) {
				live_pfn[nr] = p;
				live_order[nr++] = o;
			}
		} else {
			unsigned i = (unsigned)rng_below(&r, nr);

			buddy_free(&pm, live_pfn[i], live_order[i]);
			live_pfn[i] = live_pfn[--nr];
			live_order[i] = live_order[nr];
		}
		if (step % 1000 == 0 && buddy_check(&pm, err, sizeof(err)))
			fail_msg("step %d: %s", step, err);
	}
	while (nr) {
		nr--;
		buddy_free(&pm, live_pfn[nr], live_order[nr]);
	}
	assert_int_equal(buddy_check(&pm, err, sizeof(err)), 0);
	assert_int_equal(buddy_nr_free_blocks(&pm, 0, 10), 4);

	/* Fragment: allocate all pages, free every other one -> 2048 free, no order-1 block. */
	for (uint32_t i = 0; i < 4096; i++)
		assert_int_equal(buddy_alloc(&pm, 0, 0) != FRAME_NONE, 1);
	for (uint32_t p = 0; p < 4096; p += 2)
		buddy_free(&pm, p, 0);
	assert_int_equal(pm.zones[0].nr_free, 2048);
	assert_int_equal(buddy_nr_free_blocks(&pm, 0, 0), 2048);
	assert_int_equal(buddy_alloc(&pm, 0, 1), FRAME_NONE);
	physmem_free(&pm);
}

/* A 1 TiB machine is cheap: no descriptor is touched until its frame is used. */
static void test_terabyte_machine(void **state)
{
	struct zone_spec specs[MAX_ZONES];
	struct physmem pm;
	int n = zone_layout("x86_64", 1ULL << 40, specs);

	(void)state;
	physmem_init(&pm, specs, (unsigned)n, 0, 10, ratio);
	assert_int_equal(pm.nr_frames, 1ULL << 28);
	assert_int_equal(pm.zones[2].nr_free, (1ULL << 28) - (1ULL << 20));
	assert_true(buddy_alloc(&pm, 2, 0) != FRAME_NONE);
	physmem_free(&pm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_split_and_merge),
	        cmocka_unit_test(test_unaligned_zone_and_fresh_blocks),
	        cmocka_unit_test(test_churn_fragmentation),
	        cmocka_unit_test(test_terabyte_machine),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
