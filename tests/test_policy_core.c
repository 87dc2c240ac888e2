// SPDX-License-Identifier: MIT
/*
 * test_policy_core.c - the core's LRU bookkeeping: policy_set_lru_batch()
 * leaves exactly the state that policy_set_lru() on each page, in order, does.
 *
 * By hand: four pages of cgroup 1 on the active anon list; deactivating them
 * in one batch (active -> inactive anon) sets PG_workingset on each and moves
 * the counts to inactive anon 4, active anon 0 (in the cgroup's row, the
 * node's and the metrics gauge). Isolating them (-> no list) then drops
 * inactive anon to 0 and keeps PG_workingset. A mixed batch, two pages of
 * cgroup 0 on inactive file, one of cgroup 2 on active file and one never
 * placed (its cgroup asked of the mechanism: pfn % 3 = 1), sent to the
 * unevictable list, counts 4 unevictable: 2 in cgroup 0, 1 in 1, 1 in 2.
 * Then 20 000 seeded random batches (random pages, lists, targets and
 * repeats inside a batch) are run through the batch call on one core and
 * page by page on a twin; lru_of and every counter must match after each.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "config.h"
#include "metrics.h"
#include "policy_core.h"
#include "util.h"

#define NR_FRAMES 64

static uint32_t page_memcg(void *mech, uint32_t pfn)
{
	(void)mech;
	return pfn % 3;
}

static const struct policy_mech_ops mech = {.page_memcg = page_memcg};
static const struct reclaim_policy_ops bare = {.name = "bare"};

struct twin {
	struct config *cfg;
	struct metrics m[2];
	struct policy_core pc[2];
};

static void twin_init(struct twin *t)
{
	memset(t, 0, sizeof(*t));
	t->cfg = config_new();
	for (int i = 0; i < 2; i++)
		assert_int_equal(policy_core_init(&t->pc[i], &bare, &mech, NULL, t->cfg, &t->m[i],
		                                  NR_FRAMES, 0),
		                 0);
}

static void twin_free(struct twin *t)
{
	for (int i = 0; i < 2; i++)
		policy_core_destroy(&t->pc[i]);
	config_free(t->cfg);
}

static void assert_same(const struct twin *t)
{
	const struct policy_core *a = &t->pc[0], *b = &t->pc[1];

	assert_memory_equal(a->lru_of, b->lru_of, NR_FRAMES);
	assert_memory_equal(a->memcg_lru, b->memcg_lru, sizeof(a->memcg_lru));
	assert_memory_equal(a->node_lru, b->node_lru, sizeof(a->node_lru));
	for (int l = 0; l < NR_LRU_LISTS; l++)
		assert_int_equal(*a->gauge[l], *b->gauge[l]);
}

static void test_by_hand(void **state)
{
	struct twin t;
	struct policy_core *pc;
	struct policy_ctx *ctx;
	const uint32_t four[] = {1, 4, 7, 10}; /* cgroup 1 (pfn % 3) */
	const uint32_t mixed[] = {3, 6, 2, 13};
	(void)state;

	twin_init(&t);
	pc = &t.pc[0];
	ctx = &pc->ctx;
	for (int i = 0; i < 4; i++)
		policy_set_lru(ctx, four[i], LRU_ACTIVE_ANON);
	assert_int_equal(pc->memcg_lru[1][LRU_ACTIVE_ANON], 4);
	policy_set_lru_batch(ctx, four, 4, LRU_INACTIVE_ANON);
	for (int i = 0; i < 4; i++)
		assert_true(policy_core_workingset(pc, four[i]));
	assert_int_equal(pc->memcg_lru[1][LRU_ACTIVE_ANON], 0);
	assert_int_equal(pc->memcg_lru[1][LRU_INACTIVE_ANON], 4);
	assert_int_equal(pc->node_lru[LRU_INACTIVE_ANON], 4);
	assert_int_equal(t.m[0].nr_inactive_anon, 4);
	assert_int_equal(t.m[0].nr_active_anon, 0);
	policy_set_lru_batch(ctx, four, 4, LRU_NONE);
	assert_int_equal(pc->memcg_lru[1][LRU_INACTIVE_ANON], 0);
	assert_int_equal(t.m[0].nr_inactive_anon, 0);
	for (int i = 0; i < 4; i++) {
		assert_true(policy_core_workingset(pc, four[i]));
		assert_int_equal(pc->lru_of[four[i]] & LRU_OF_LIST, 0);
	}
	policy_set_lru(ctx, 3, LRU_INACTIVE_FILE);
	policy_set_lru(ctx, 6, LRU_INACTIVE_FILE);
	policy_set_lru(ctx, 2, LRU_ACTIVE_FILE);
	policy_set_lru_batch(ctx, mixed, 4, LRU_UNEVICTABLE);
	assert_int_equal(t.m[0].nr_unevictable, 4);
	assert_int_equal(t.m[0].nr_inactive_file, 0);
	assert_int_equal(t.m[0].nr_active_file, 0);
	assert_int_equal(pc->memcg_lru[0][LRU_UNEVICTABLE], 2);
	assert_int_equal(pc->memcg_lru[1][LRU_UNEVICTABLE], 1);
	assert_int_equal(pc->memcg_lru[2][LRU_UNEVICTABLE], 1);
	assert_false(policy_core_workingset(pc, 2)); /* active -> unevictable: no */
	twin_free(&t);
}

static void test_batch_is_sequential(void **state)
{
	struct twin t;
	struct rng rng;
	(void)state;

	rng_seed(&rng, 42);
	twin_init(&t);
	for (int round = 0; round < 20000; round++) {
		uint32_t pfns[8];
		unsigned n = (unsigned)rng_below(&rng, 9);
		enum lru_list to = (enum lru_list)rng_below(&rng, LRU_NONE + 1);

		if (rng_below(&rng, 4)) { /* mostly one list, as isolation takes them */
			enum lru_list from = (enum lru_list)rng_below(&rng, NR_LRU_LISTS);

			for (unsigned i = 0; i < n; i++) {
				pfns[i] = (uint32_t)rng_below(&rng, NR_FRAMES);
				policy_set_lru(&t.pc[0].ctx, pfns[i], from);
				policy_set_lru(&t.pc[1].ctx, pfns[i], from);
			}
		} else {
			for (unsigned i = 0; i < n; i++)
				pfns[i] = (uint32_t)rng_below(&rng, NR_FRAMES);
		}
		if (!(rng_below(&rng, 16))) { /* a freed page: lru_of forgotten */
			uint32_t p = (uint32_t)rng_below(&rng, NR_FRAMES);

			policy_core_forget(&t.pc[0], p);
			policy_core_forget(&t.pc[1], p);
		}
		policy_set_lru_batch(&t.pc[0].ctx, pfns, n, to);
		for (unsigned i = 0; i < n; i++)
			policy_set_lru(&t.pc[1].ctx, pfns[i], to);
		assert_same(&t);
	}
	twin_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_by_hand),
	        cmocka_unit_test(test_batch_is_sequential),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
