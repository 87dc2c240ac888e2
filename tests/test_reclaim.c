// SPDX-License-Identifier: MIT
/*
 * test_reclaim.c - reclaim with hand-derived expectations: the workingset
 * theory example, the swap readahead window, the linux policy's decisions
 * against a scripted mechanism, and golden counters of tiny traces through the
 * full machine (with the invariants checker on).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "machine_testutil.h"
#include "swap.h"
#include "workingset.h"

/* ---------------------------------------------------------------------- */
/* workingset.c: the theory comment's example                              */
/* ---------------------------------------------------------------------- */

/*
 * 10 pages of cache, 4 inactive, 6 active, no swap. X is evicted at age 100.
 * Refault at 103: distance 3 <= 6 active -> recent. At 108: 8 > 6 -> not.
 * An anon refault would also count the inactive file pages (4): 8 <= 10.
 */
static void test_workingset_example(void **state)
{
	struct workingset ws = {0};
	struct workingset_sizes sz = {.active_file = 6, .inactive_file = 4};
	uint64_t shadow;

	(void)state;
	ws.age[0] = 100;
	shadow = workingset_eviction(&ws, 0, 0, true);
	assert_int_equal(ws.age[0], 101); /* eviction advances the age after the snapshot */
	assert_true(shadow_workingset(shadow));
	workingset_age(&ws, 0, 2); /* two more evictions/activations: R = 103 */
	assert_int_equal(workingset_distance(&ws, shadow), 3);
	assert_true(workingset_test_recent(&ws, shadow, true, &sz));
	workingset_age(&ws, 0, 5); /* R = 108 */
	assert_int_equal(workingset_distance(&ws, shadow), 8);
	assert_false(workingset_test_recent(&ws, shadow, true, &sz));
	assert_true(workingset_test_recent(&ws, shadow, false, &sz));
	/* with swap, a file refault also counts all anon: 8 <= 6 + 1 + 1 */
	sz.swap = true;
	sz.active_anon = 1;
	sz.inactive_anon = 1;
	assert_true(workingset_test_recent(&ws, shadow, true, &sz));
	/* a child cgroup's age moves its parent (the root) too */
	workingset_age(&ws, 1, 4);
	assert_int_equal(ws.age[1], 4);
	assert_int_equal(ws.age[0], 112);
	assert_int_equal(shadow_memcg(workingset_eviction(&ws, 0, 1, false)), 1);
}

/* ---------------------------------------------------------------------- */
/* swap.c: __swapin_nr_pages                                                */
/* ---------------------------------------------------------------------- */

/*
 * max 8. prev_offset starts at 0.
 *  fault 10, 0 hits: 2 pages unless adjacent; 10 is not next to 0 -> 1 (prev_offset 10)
 *  fault 11, 0 hits: adjacent to 10 -> 2 (prev_offset 11, prev_win 2)
 *  fault 13, 1 hit : 1 + 2 = 3 -> round up to 4 (prev_offset stays 11)
 *  fault 20, 3 hits: 5 -> 8
 *  fault 99, 0 hits: not adjacent to 11 -> 1, but never below 8 / 2 -> 4
 */
static void test_swap_readahead_window(void **state)
{
	struct swap_dev s;

	(void)state;
	swap_init(&s, 128);
	assert_int_equal(swap_ra_window(&s, 10, 8), 1);
	assert_int_equal(swap_ra_window(&s, 11, 8), 2);
	s.ra_hits = 1;
	assert_int_equal(swap_ra_window(&s, 13, 8), 4);
	s.ra_hits = 3;
	assert_int_equal(swap_ra_window(&s, 20, 8), 8);
	assert_int_equal(swap_ra_window(&s, 99, 8), 4);
	assert_int_equal(swap_ra_window(&s, 50, 1), 1); /* page_cluster 0 */
	/* slots: next fit from 1, slot 0 is the header */
	assert_int_equal(swap_alloc(&s), 1);
	assert_int_equal(swap_alloc(&s), 2);
	s.slot[1].count = 0;
	swap_release(&s, 1);
	assert_int_equal(swap_alloc(&s), 3); /* the cursor moves on before reusing holes */
	assert_int_equal(s.nr_used, 2);
	assert_false(swap_full(&s)); /* 125 of 127 free */
	swap_free_dev(&s);
}

/* ---------------------------------------------------------------------- */
/* policies/linux.c against a scripted mechanism                            */
/* ---------------------------------------------------------------------- */

#define NF 16384

struct fake {
	struct policy_core pc;
	uint32_t memcg; /* every page's cgroup */
	uint64_t now;   /* simulated time */
	struct metrics m;
	uint8_t young[NF];    /* young PTEs the next rmap walk finds */
	unsigned flags[NF];   /* PGF_* (FILE, EXEC, LOCKED, DIRTY) */
	uint32_t victims[64]; /* reclaimed frames, in order */
	unsigned nr_victims;
	uint8_t wb[NF]; /* under writeback */
	bool wb_wait;   /* reclaim waits for a write (cgroup v1's case 3) instead of activating */
};

static uint64_t f_key(void *a, uint32_t pfn)
{
	(void)a;
	return pfn;
}
static unsigned f_flags(void *a, uint32_t pfn)
{
	return ((struct fake *)a)->flags[pfn];
}
static uint32_t f_memcg(void *a, uint32_t pfn)
{
	(void)pfn;
	return ((struct fake *)a)->memcg;
}
static unsigned f_zone(void *a, uint32_t pfn)
{
	(void)a;
	(void)pfn;
	return 0;
}
static int f_referenced(void *a, uint32_t pfn)
{
	struct fake *f = a;
	int y = f->young[pfn];

	f->young[pfn] = 0; /* the walk clears what it finds */
	return y;
}
static bool f_writeback(void *a, uint32_t pfn)
{
	return ((struct fake *)a)->wb[pfn];
}
static enum reclaim_result f_reclaim(void *a, struct reclaim_control *rc, uint32_t pfn)
{
	struct fake *f = a;

	if (f->wb[pfn]) { /* what reclaim.c answers for a page under writeback */
		if (!f->wb_wait)
			return RECLAIM_ACTIVATE;
		f->wb[pfn] = 0; /* waited: the write is over */
		return RECLAIM_RETRY;
	}

	if (f->nr_victims < 64)
		f->victims[f->nr_victims++] = pfn;
	f->pc.ops->page_removed(&f->pc.ctx, pfn);
	policy_core_forget(&f->pc, pfn);
	rc->nr_reclaimed++;
	return RECLAIM_FREED;
}
static uint64_t f_now(void *a)
{
	return ((struct fake *)a)->now;
}

static const struct policy_mech_ops fake_mech = {
        .page_key = f_key,
        .page_flags = f_flags,
        .page_memcg = f_memcg,
        .page_zone = f_zone,
        .page_referenced = f_referenced,
        .reclaim_page = f_reclaim,
        .now_ns = f_now,
        .page_writeback = f_writeback,
};

static struct fake *fake_policy(const char *policy, const char *swappiness)
{
	struct fake *f = calloc(1, sizeof(*f));
	struct config *cfg = config_new();
	char err[128];

	if (swappiness)
		config_set(cfg, "vm.swappiness", swappiness, err, sizeof(err));
	assert_int_equal(
	        policy_core_init(&f->pc, policy_find(policy), &fake_mech, f, cfg, &f->m, NF, 0), 0);
	config_free(cfg);
	return f;
}

static struct fake *fake_new(const char *swappiness)
{
	return fake_policy("linux", swappiness);
}

static void fake_free(struct fake *f)
{
	policy_core_destroy(&f->pc);
	free(f);
}

static void fake_add(struct fake *f, uint32_t pfn, unsigned pgf, unsigned add)
{
	f->flags[pfn] = pgf;
	policy_core_clear_priv(&f->pc, pfn);
	f->pc.ops->page_added(&f->pc.ctx, pfn, add | ((pgf & PGF_FILE) ? PG_ADD_FILE : 0));
}

static struct reclaim_control rc_direct(int priority, bool swap)
{
	return (struct reclaim_control){.reclaimer = RECLAIM_DIRECT,
	                                .nr_to_reclaim = SWAP_CLUSTER_MAX,
	                                .priority = priority,
	                                .may_swap = swap,
	                                .swap_present = swap,
	                                .may_writepage = true,
	                                .new_cycle = true};
}

/*
 * Look twice. Four mapped file pages 0-3, all young. Pass 1 (priority 0, no
 * swap -> file only, 4 >> 0 = 4 scanned): each has one young PTE and no
 * PG_referenced -> set PG_referenced, KEEP; nothing reclaimed. Pages 0 and 1
 * are touched again. Pass 2: 0 and 1 young + PG_referenced -> ACTIVATE
 * (pgactivate 2); 2 and 3 not young but PG_referenced file -> RECLAIM_CLEAN,
 * clean -> reclaimed, tail first: 2 then 3... the tail is the oldest: pass 1
 * put back 0,1,2,3 at the head in that order, so the tail is 0, and the
 * isolation order is 0,1,2,3 -> victims 2, 3.
 */
static void test_linux_look_twice(void **state)
{
	struct fake *f = fake_new(NULL);
	struct reclaim_control rc = rc_direct(0, false);

	(void)state;
	for (uint32_t p = 0; p < 4; p++) {
		fake_add(f, p, PGF_FILE | PGF_MAPPED, PG_ADD_FAULT);
		f->young[p] = 1;
	}
	f->pc.ops->shrink(&f->pc.ctx, &rc);
	assert_int_equal(rc.nr_scanned, 4);
	assert_int_equal(rc.nr_reclaimed, 0);
	assert_int_equal(f->m.nr_inactive_file, 4);
	f->young[0] = f->young[1] = 1;
	rc = rc_direct(0, false);
	f->pc.ops->shrink(&f->pc.ctx, &rc);
	assert_int_equal(rc.nr_reclaimed, 2);
	assert_int_equal(f->nr_victims, 2);
	assert_int_equal(f->victims[0], 2);
	assert_int_equal(f->victims[1], 3);
	assert_int_equal(f->m.pgactivate, 2);
	assert_int_equal(f->m.nr_active_file, 2);
	assert_int_equal(f->m.nr_inactive_file, 0);
	fake_free(f);
}

/*
 * A page under writeback at the inactive tail (shrink_folio_list, before any
 * reference check). Anon pages 0 and 1 enter in that order: [1 0], tail 0;
 * page 0 is under writeback, neither is young. Priority 0 with swap scans
 * both. Cases 1-2: 0 is activated out of the way (pgactivate 1) without a
 * reference check, 1 is reclaimed; the end of shrink_lruvec then finds the
 * inactive anon list low (0 < 1) and deactivates 0 again (pgdeactivate 1),
 * whose rmap check harvests its young bit. Case 3 (the mechanism waits for the
 * write): 0 is looked at again like any page: young once -> PG_referenced,
 * kept inactive; not young -> reclaimed first, then 1.
 */
static void test_linux_writeback(void **state)
{
	struct reclaim_control rc = rc_direct(0, true);
	struct fake *f = fake_new(NULL);

	(void)state;
	fake_add(f, 0, 0, PG_ADD_FAULT);
	fake_add(f, 1, 0, PG_ADD_FAULT);
	f->wb[0] = 1;
	f->young[0] = 1;
	f->pc.ops->shrink(&f->pc.ctx, &rc);
	assert_int_equal(f->nr_victims, 1);
	assert_int_equal(f->victims[0], 1);
	assert_int_equal(f->m.pgactivate, 1);
	assert_int_equal(f->m.pgdeactivate, 1);
	assert_int_equal(f->m.nr_inactive_anon, 1);
	assert_int_equal(f->young[0], 0);
	fake_free(f);

	for (int young = 1; young >= 0; young--) {
		f = fake_new(NULL);
		f->wb_wait = true;
		fake_add(f, 0, 0, PG_ADD_FAULT);
		fake_add(f, 1, 0, PG_ADD_FAULT);
		f->wb[0] = 1;
		f->young[0] = (uint8_t)young;
		rc = rc_direct(0, true);
		f->pc.ops->shrink(&f->pc.ctx, &rc);
		assert_int_equal(f->m.pgactivate, 0);
		assert_int_equal(f->m.pgdeactivate, 0);
		if (young) {
			assert_int_equal(f->nr_victims, 1);
			assert_int_equal(f->victims[0], 1);
			assert_int_equal(f->m.nr_inactive_anon, 1);
		} else {
			assert_int_equal(f->nr_victims, 2);
			assert_int_equal(f->victims[0], 0);
			assert_int_equal(f->victims[1], 1);
		}
		fake_free(f);
	}
}

/*
 * VM_EXEC file pages are activated after one young observation; a dirty page
 * referenced only by read() (PG_referenced, no young PTE) is RECLAIM_CLEAN and
 * kept; an unreferenced anon page with swap is reclaimed; mlocked -> culled to
 * the unevictable list.
 */
static void test_linux_references(void **state)
{
	struct fake *f = fake_new(NULL);
	struct reclaim_control rc = rc_direct(0, true);

	(void)state;
	fake_add(f, 0, PGF_FILE | PGF_MAPPED | PGF_EXEC, PG_ADD_FAULT | PG_ADD_EXEC);
	f->young[0] = 1;
	fake_add(f, 1, PGF_FILE | PGF_DIRTY, 0);
	f->pc.ops->mark_accessed(&f->pc.ctx, 1);  /* read(): PG_referenced */
	fake_add(f, 2, PGF_MAPPED, PG_ADD_FAULT); /* anon, not young */
	fake_add(f, 3, PGF_MAPPED | PGF_LOCKED, PG_ADD_FAULT);
	f->pc.ops->shrink(&f->pc.ctx, &rc);
	/* priority 0 with swappiness 60 -> SCAN_EQUAL: both inactive lists fully */
	assert_int_equal(rc.nr_scanned, 4);
	assert_int_equal(rc.nr_scanned_file, 2);
	assert_int_equal(f->nr_victims, 1);
	assert_int_equal(f->victims[0], 2);
	assert_int_equal(f->m.nr_active_file, 1);   /* the executable */
	assert_int_equal(f->m.nr_inactive_file, 1); /* the dirty one, kept */
	assert_int_equal(f->m.nr_unevictable, 1);
	assert_int_equal(f->m.pgactivate, 1);
	fake_free(f);
}

/*
 * Two-touch promotion (folio_mark_accessed): first call sets PG_referenced,
 * second activates (pgactivate 1) and clears it; on the active list a third
 * call only sets PG_referenced again.
 */
static void test_linux_two_touch(void **state)
{
	struct fake *f = fake_new(NULL);

	(void)state;
	fake_add(f, 7, PGF_FILE, 0);
	f->pc.ops->mark_accessed(&f->pc.ctx, 7);
	assert_int_equal(f->m.nr_inactive_file, 1);
	f->pc.ops->mark_accessed(&f->pc.ctx, 7);
	assert_int_equal(f->m.nr_active_file, 1);
	assert_int_equal(f->m.pgactivate, 1);
	f->pc.ops->mark_accessed(&f->pc.ctx, 7);
	assert_int_equal(f->m.pgactivate, 1);
	fake_free(f);
}

/*
 * get_scan_count, SCAN_FRACT. 4096 inactive anon, 4096 inactive file and
 * 8192 active file pages, all mapped; the inactive ones are young (kept, so
 * nothing is reclaimed and every target is scanned in full). Costs are 0:
 * total = 0, a = f = 0, T = 0 -> ap = 60 * 1 / 1 = 60, fp = 140 * 1 / 1 = 140.
 * File may deactivate (inactive 4096 * ratio 1 < active 8192), so no
 * cache_trim_mode. Priority 6:
 *   inactive anon 4096 >> 6 = 64 -> 64 * 60 / 200 = 19
 *   inactive file 4096 >> 6 = 64 -> 64 * 140 / 200 = 44
 *   active file   8192 >> 6 = 128 -> 128 * 140 / 200 = 89 (pgrefill, all deactivated)
 * With swappiness 0: ap = 0 -> no anon; file 64 and 128.
 */
static void scan_fract_case(const char *swappiness, unsigned anon, unsigned file, unsigned refill)
{
	struct fake *f = fake_new(swappiness);
	struct reclaim_control rc = rc_direct(6, true);
	uint32_t p = 0;

	for (; p < 4096; p++) {
		fake_add(f, p, PGF_MAPPED, PG_ADD_FAULT);
		f->young[p] = 1;
	}
	for (; p < 8192; p++) {
		fake_add(f, p, PGF_FILE | PGF_MAPPED, PG_ADD_FAULT);
		f->young[p] = 1;
	}
	for (; p < 16384; p++)
		fake_add(f, p, PGF_FILE | PGF_MAPPED, PG_ADD_FAULT | PG_ADD_ACTIVATE);
	rc.new_cycle = false; /* the activations above must not count as a new working set */
	f->pc.ops->shrink(&f->pc.ctx, &rc);
	assert_int_equal(rc.nr_reclaimed, 0);
	assert_int_equal(rc.nr_scanned - rc.nr_scanned_file, anon);
	assert_int_equal(rc.nr_scanned_file, file);
	assert_int_equal(f->m.pgrefill, refill);
	assert_int_equal(f->m.pgdeactivate, refill);
	/* deactivation sets PG_workingset (for the shadow entry): the active
	 * list's tail is its oldest page, 8192; 16383 (the head) was not reached */
	assert_true(policy_core_workingset(&f->pc, 8192));
	assert_false(policy_core_workingset(&f->pc, 16383));
	fake_free(f);
}

static void test_linux_scan_fract(void **state)
{
	(void)state;
	scan_fract_case(NULL, 19, 44, 89);
	scan_fract_case("0", 0, 64, 128);
}

/*
 * Stale cgroup statistics (memcg.stats_period = 2 s, the default): a policy
 * reading a cgroup's list sizes sees them as of the last flush. 10 pages join
 * cgroup 1 at t = 0.5 s: the first flush is due at 2 s, so until then the
 * cgroup's inactive file list reads 0 (the node's, cgroup 0, is exact: 10);
 * at 2.5 s the flush has happened: 10. 5 more pages at 3 s read 10 until 4 s.
 */
static void test_stale_memcg_stats(void **state)
{
	struct fake *f = fake_new(NULL);

	(void)state;
	f->memcg = 1;
	f->now = 500000000;
	for (uint32_t p = 0; p < 10; p++)
		fake_add(f, p, PGF_FILE, 0);
	assert_int_equal(policy_lru_size(&f->pc.ctx, 1, LRU_INACTIVE_FILE), 0);
	assert_int_equal(policy_lru_size(&f->pc.ctx, 0, LRU_INACTIVE_FILE), 10);
	f->now = 2500000000ULL;
	assert_int_equal(policy_lru_size(&f->pc.ctx, 1, LRU_INACTIVE_FILE), 10);
	f->now = 3000000000ULL;
	for (uint32_t p = 10; p < 15; p++)
		fake_add(f, p, PGF_FILE, 0);
	assert_int_equal(policy_lru_size(&f->pc.ctx, 1, LRU_INACTIVE_FILE), 10);
	f->now = 4000000000ULL;
	assert_int_equal(policy_lru_size(&f->pc.ctx, 1, LRU_INACTIVE_FILE), 15);
	fake_free(f);
}

/*
 * Three file shrinks of a fresh MGLRU lruvec: priority 11 and 0 find only 2,
 * then 3 generations and age (nothing young: no promotion, no victim); the
 * third, at priority 0, evicts from the oldest generation.
 */
static void mglru_age_twice_evict(struct fake *f)
{
	struct reclaim_control rc = rc_direct(11, false);

	f->pc.ops->shrink(&f->pc.ctx, &rc);
	rc = rc_direct(0, false);
	f->pc.ops->shrink(&f->pc.ctx, &rc);
	assert_int_equal(f->nr_victims, 0); /* both passes only aged */
	rc = rc_direct(0, false);
	f->pc.ops->shrink(&f->pc.ctx, &rc);
}

/*
 * MGLRU's tier protection by the refault feedback controller. Ten file pages
 * enter generation 2 (placement max_seq - 3 = 0, clamped to min_seq 2); pages
 * 0-4 are read three times (PG_referenced, then the counter at 2: tier 2),
 * 5-9 never again (tier 0). 100 refaults of tier-2 file pages are reported.
 * Shrink at priority 11 and 0: each finds only 2, then 3 generations and
 * ages (nothing young, no promotion), leaving generations 2..5. Then priority
 * 0: file is chosen (no swap), budget 10 >> 0 = 10. get_tier_idx: tier 1 has
 * < 64 refaults (fine), tier 2 has 100 refaults against a total of 0:
 * 100 x (0 + 64) x 2 > (0 + 1) x 0 x 3, so the cut is tier 1 and tier-2
 * pages are protected: pages 0-4 move to generation 3 (pgrefill 5) and 5-9,
 * unreferenced, are reclaimed in tail order. Without the refaults nothing
 * is protected and all ten go.
 */
static void mglru_tier_case(bool refaults, uint64_t victims, uint64_t refill)
{
	struct fake *f = fake_policy("mglru", NULL);

	for (uint32_t p = 0; p < 10; p++) {
		fake_add(f, p, PGF_FILE, 0);
		if (p < 5)
			for (int k = 0; k < 3; k++)
				f->pc.ops->mark_accessed(&f->pc.ctx, p);
	}
	for (int k = 0; refaults && k < 100; k++) /* shadow: seq 3 (= max_seq), tier 2, file */
		f->pc.ops->refault(&f->pc.ctx, 100, 3u << 8 | 2u << 2 | 1u << 1);
	mglru_age_twice_evict(f);
	assert_int_equal(f->nr_victims, victims);
	assert_int_equal(f->m.pgrefill, refill);
	assert_int_equal(f->victims[0], refaults ? 5 : 0);
	fake_free(f);
}

/*
 * rotate(): the write of a page reclaim chose has ended (PG_reclaim). Four
 * clean, unmapped file pages 0-3 enter the inactive list at its head, so the
 * tail is 0: [3 2 1 0]. Two read()s of page 1 activate it (pgactivate 1):
 * [3 2 0]. rotate(3) moves 3 to the tail: [2 0 3]; rotate(1) takes 1 off the
 * active list to the inactive tail, without PG_workingset (not a
 * deactivation): [2 0 3 1], pgrotated 2. A priority-0 file shrink then
 * isolates from the tail and reclaims them all, none referenced: 1, 3, 0, 2.
 * MGLRU: the same four pages in its oldest generation, tail 0; rotate(3)
 * makes 3 the oldest generation's tail, so after the two aging passes of
 * mglru_tier_case the first victim is 3 instead of 0.
 */
static void test_rotate(void **state)
{
	struct fake *f = fake_new(NULL);
	struct reclaim_control rc = rc_direct(0, false);

	(void)state;
	for (uint32_t p = 0; p < 4; p++)
		fake_add(f, p, PGF_FILE, 0);
	f->pc.ops->mark_accessed(&f->pc.ctx, 1);
	f->pc.ops->mark_accessed(&f->pc.ctx, 1);
	assert_int_equal(f->m.pgactivate, 1);
	assert_int_equal(f->m.nr_active_file, 1);
	f->pc.ops->rotate(&f->pc.ctx, 3);
	f->pc.ops->rotate(&f->pc.ctx, 1);
	assert_int_equal(f->m.pgrotated, 2);
	assert_int_equal(f->m.nr_active_file, 0);
	assert_int_equal(f->m.nr_inactive_file, 4);
	assert_false(policy_core_workingset(&f->pc, 1));
	f->pc.ops->shrink(&f->pc.ctx, &rc);
	assert_int_equal(f->nr_victims, 4);
	assert_int_equal(f->victims[0], 1);
	assert_int_equal(f->victims[1], 3);
	assert_int_equal(f->victims[2], 0);
	assert_int_equal(f->victims[3], 2);
	fake_free(f);

	f = fake_policy("mglru", NULL);
	for (uint32_t p = 0; p < 4; p++)
		fake_add(f, p, PGF_FILE, 0);
	f->pc.ops->rotate(&f->pc.ctx, 3);
	assert_int_equal(f->m.pgrotated, 1);
	mglru_age_twice_evict(f);
	assert_int_equal(f->nr_victims, 4);
	assert_int_equal(f->victims[0], 3);
	assert_int_equal(f->victims[1], 0);
	fake_free(f);
}

static void test_mglru_tier_protection(void **state)
{
	(void)state;
	mglru_tier_case(true, 5, 5);
	mglru_tier_case(false, 10, 0);
}

/* ---------------------------------------------------------------------- */
/* The full machine                                                         */
/* ---------------------------------------------------------------------- */

static char *lines(const char *fmt, int from, int to, int step)
{
	char *b = malloc((size_t)(to - from + 1) * 64 + 1);
	size_t off = 0;

	b[0] = 0;
	for (int i = from; i <= to; i++)
		off += (size_t)sprintf(b + off, fmt, i * step);
	return b;
}

/*
 * kswapd (read() readahead off, so each read brings one page). 8 MiB x86-64 = 2048 pages, all DMA:
 * min_free_kbytes = int_sqrt(8192 * 16) = 362 -> min 90, gap max(90 / 4, 2048 * 10 / 10000) = 22
 * -> low 112, high 134. read() of one new page each: no process, no page
 * tables. The fast path needs free > low: the 1936th page leaves 112, the
 * 1937th fails the low test, wakes kswapd and passes min (112 > 90).
 * Then a record at t = 1 s lets kswapd run: goal max(134, 32) = 134 pages,
 * lists: 1937 inactive file (each PG_referenced by its read, clean, so
 * RECLAIM_CLEAN frees them). Priority 12, 11: 1937 >> p = 0 scanned -> lower;
 * 10: 1, 9: 3, 8: 7, 7: 15 -> 26 reclaimed, free = 111 + 26 = 137 > 134:
 * balanced, it naps and sleeps.
 */
static void test_kswapd_low_to_high(void **state)
{
	const char *sets[] = {"machine.memory",
	                      "8M",
	                      "vm.read_ahead_kb",
	                      "0",
	                      "debug.check_invariants",
	                      "1",
	                      NULL};
	struct metrics m;
	char err[512], *body = lines(",1,read,%d,4096,1,\n", 0, 1935, 4096), *more;

	(void)state;
	assert_int_equal(mt_run(body, "linux", sets, NULL, &m, err, sizeof(err)), 0);
	assert_int_equal(m.kswapd_wakeups, 0);
	assert_int_equal(m.nr_free_pages, 112);
	more = malloc(strlen(body) + 200);
	sprintf(more, "%s,1,read,%d,4096,1,\n1000000000,1,fadvise,0,0,1,random\n", body,
	        1936 * 4096);
	assert_int_equal(mt_run(more, "linux", sets, NULL, &m, err, sizeof(err)), 0);
	assert_int_equal(m.kswapd_wakeups, 1);
	assert_int_equal(m.pageoutrun, 1);
	assert_int_equal(m.pgscan_kswapd, 26);
	assert_int_equal(m.pgsteal_kswapd, 26);
	assert_int_equal(m.nr_free_pages, 137);
	assert_int_equal(m.allocstall, 0);
	assert_int_equal(m.workingset_refault_file, 0);
	free(body);
	free(more);
}

/* Stores to pages 1-9 of a 64 KiB anonymous mapping, then @tail, under linux. */
static void run_nine_stores(const char *tail, const char *const *sets, struct metrics *m)
{
	char err[512], *w = lines(",1,W,%d,8,,\n", 1, 9, 4096);
	char *body = malloc(strlen(w) + strlen(tail) + 64);

	sprintf(body, ",1,mmap,0,65536,,anon|private|rw\n%s%s", w, tail);
	assert_int_equal(mt_run(body, "linux", sets, NULL, m, err, sizeof(err)), 0);
	free(w);
	free(body);
}

/*
 * Swap out and in under a memory cgroup of 8 pages (32 KiB; the machine is
 * large, so only the cgroup reclaims), swappiness 60, 1 MiB of swap that
 * completes writes synchronously (swap.synchronous = 1, zram-like: a written
 * page is freed in the same pass; test_swap_async_writeback has the disk case).
 * Stores to pages 1..9 of an anonymous mapping:
 *  - page 9's charge reclaims (8 + 1 > 8): 8 inactive anon, SCAN_FRACT with
 *    no cost: scan = (8 >> p) * 60 / 200 -> 0 until p = 1 (4 * 0.3 = 1):
 *    the tail, page 1, is young (its fault) -> PG_referenced, KEEP. p = 0 is
 *    SCAN_EQUAL: all 8 from the tail 2..8, 1: 2..8 are young -> KEEP, page 1
 *    is not -> swapped out (slot 1, pswpout 1).
 *  - store to page 1 again: a swap fault. Its charge reclaims among 9,8..2
 *    (tail 2): p = 1 scans 1: page 2, not young, PG_referenced (anon ignores
 *    it) -> out (slot 2); p = 0 scans 3..8 and 9: 3..8 out (slots 3..8),
 *    9 (young, first look) kept. pswpout 8. Page 1 is read (major, pswpin 1,
 *    readahead window 2: fault at slot 1, adjacent to the initial 0, block
 *    {0, 1}, slot 0 is the header -> nothing more). A write fault on an
 *    exclusive page frees its slot. Refault distance: evicted at age 0, now
 *    8 > workingset size 0 -> refault, no activation.
 *  - load of page 2: major, window: 0 hits, slot 2 next to 1 -> 2 pages,
 *    block {2, 3}: page 3 read ahead (swap_ra 1, pswpin 3).
 *  - load of page 3: swap-cache hit, a minor fault (swap_ra_hit 1).
 */
static void test_swap_out_in(void **state)
{
	const char *sets[] = {"machine.memory",
	                      "64M",
	                      "memcg.limit",
	                      "32K",
	                      "swap.size",
	                      "1M",
	                      "swap.synchronous",
	                      "1",
	                      "debug.check_invariants",
	                      "1",
	                      NULL};
	struct metrics m;

	(void)state;
	run_nine_stores(",1,W,4096,8,,\n,1,R,8192,8,,\n,1,R,12288,8,,\n", sets, &m);
	assert_int_equal(m.pswpout, 8);
	assert_int_equal(m.pswpin, 3);
	assert_int_equal(m.pgmajfault, 2);
	assert_int_equal(m.fault_swapin, 3);
	assert_int_equal(m.swap_ra, 1);
	assert_int_equal(m.swap_ra_hit, 1);
	assert_int_equal(m.workingset_refault_anon, 3);
	assert_int_equal(m.workingset_activate_anon, 0);
	assert_int_equal(m.nr_anon_pages, 4); /* 9, 1, 2, 3 */
	assert_int_equal(m.nr_swapcached, 2); /* 2 and 3 were read, not written */
	assert_int_equal(m.nr_swap_used, 7);  /* slots 2..8 */
	assert_int_equal(m.pgfault, 9 + 3);
}

/*
 * The same cgroup and stores with the default, asynchronous swap (a write
 * ends swap.write_latency = 30 us after it starts):
 *  - page 9's charge: as above, p = 1 keeps page 1 (young), p = 0 keeps 2..8
 *    (young) and picks page 1: slot 1, unmapped, written (pswpout 1) and, as
 *    it is under writeback, put back at the inactive head. Nothing was freed:
 *    the charge sleeps until that write ends (direct_reclaim_stall_ns >= 30 us),
 *    which rotates page 1 to the tail (pgrotated 1), and tries again: page 1,
 *    clean, unmapped, not young, is freed without I/O (eviction 1, written
 *    since it came in: dirty_evictions 1); 2..8, referenced once but not young
 *    now, are unmapped and written (slots 2..8, pswpout 8) and kept. One page
 *    freed: page 9 is charged. List, head first: 9, 8, ..., 2.
 *  - 1 ms later (R of page 9, a hit) the seven writes have ended: each of
 *    2..8 goes to the tail in turn (pgrotated 8): 9, 2, 3, ..., 8.
 *  - load of page 2: still in the swap cache, a minor fault (rescued: no
 *    pswpin); it stays in the swap cache (a read).
 *  - store to page 1: major (pswpin 1, no readahead: slot 1's block {0, 1}).
 *    Its charge reclaims from the tail: 8, then at priority 0 7, 6, 5, 4, 3,
 *    all clean and written before: freed at once, no I/O (evictions 7,
 *    dirty_evictions 7). 2 (mapped again, young) and 9 (young) are kept.
 *    The store frees page 1's slot.
 * Resident: 9, 2, 1. Slots: 2 (page 2's swap-cache copy) and 3..8 (swap
 * PTEs) = 7.
 */
static void test_swap_async_writeback(void **state)
{
	const char *sets[] = {
	        "machine.memory",         "64M", "memcg.limit", "32K", "swap.size", "1M",
	        "debug.check_invariants", "1",   NULL};
	struct metrics m;

	(void)state;
	run_nine_stores("1000000,1,R,36864,8,,\n,1,R,8192,8,,\n,1,W,4096,8,,\n", sets, &m);
	assert_int_equal(m.pswpout, 8);
	assert_int_equal(m.pgrotated, 8);
	assert_int_equal(m.nr_writeback, 0);
	assert_true(m.direct_reclaim_stall_ns >= 30000);
	assert_int_equal(m.evictions, 7);
	assert_int_equal(m.dirty_evictions, 7);
	assert_int_equal(m.pswpin, 1);
	assert_int_equal(m.pgmajfault, 1);
	assert_int_equal(m.fault_swapin, 2);
	assert_int_equal(m.swap_ra, 0);
	assert_int_equal(m.pgfault, 9 + 2);
	assert_int_equal(m.nr_anon_pages, 3);
	assert_int_equal(m.nr_swapcached, 1);
	assert_int_equal(m.nr_swap_used, 7);
}

/*
 * swappiness = 0 in a cgroup: get_scan_count says SCAN_FILE, so anon is never
 * swapped while file pages are reclaimable. 8-page cgroup, 4 anon pages, then
 * 20 read()s of new file pages: every reclaim takes file pages.
 */
static void test_swappiness_zero(void **state)
{
	const char *sets[] = {"machine.memory",
	                      "64M",
	                      "memcg.limit",
	                      "32K",
	                      "swap.size",
	                      "1M",
	                      "vm.swappiness",
	                      "0",
	                      "debug.check_invariants",
	                      "1",
	                      NULL};
	struct metrics m;
	char err[512], *r = lines(",1,read,%d,4096,3,\n", 0, 19, 4096), body[4096];

	(void)state;
	snprintf(body, sizeof(body),
	         ",1,W,0x10000,8,,\n,1,W,0x11000,8,,\n,1,W,0x12000,8,,\n,1,W,0x13000,8,,\n%s", r);
	assert_int_equal(mt_run(body, "linux", sets, NULL, &m, err, sizeof(err)), 0);
	assert_int_equal(m.pswpout, 0);
	assert_int_equal(m.pgscan_anon, 0);
	assert_int_equal(m.nr_anon_pages, 4);
	assert_true(m.pgsteal_file >= 16); /* 4 + 20 pages into 8: at least 16 files went */
	assert_true(m.nr_file_pages <= 4);
	free(r);
}

/*
 * Memory cgroup limit reclaim (try_charge), readahead off: 1000 read()s of new pages into a
 * 100-page cgroup, no swap (file only). The charge of read 101 finds 100 + 1 >
 * 100 and reclaims 32 pages' worth with priorities 12 down: the inactive list
 * (all clean, PG_referenced by their read -> RECLAIM_CLEAN, freed) gives
 * size >> p at each step: p 12..7: 0; p 6: 100 >> 6 = 1; p 5: 99 >> 5 = 3;
 * p 4: 96 >> 4 = 6; p 3: 90 >> 3 = 11; p 2: 79 >> 2 = 19 -> 40 >= 32, stop.
 * Usage 60 + 1; reads 102..140 fill it again, read 141 reclaims 40 again, and
 * so on: reclaims at reads 101, 141, ..., 981 = 23 of them, 920 pages, and
 * 1000 - 920 = 80 pages stay. The invariants checker verifies usage <= limit
 * after every record.
 */
static void test_memcg_limit(void **state)
{
	const char *sets[] = {
	        "machine.memory",         "64M", "memcg.limit", "400K", "vm.read_ahead_kb", "0",
	        "debug.check_invariants", "1",   NULL};
	struct metrics m;
	char err[512], *r = lines(",1,read,%d,4096,3,\n", 0, 999, 4096);

	(void)state;
	assert_int_equal(mt_run(r, "linux", sets, NULL, &m, err, sizeof(err)), 0);
	assert_int_equal(m.pgsteal_direct, 920);
	assert_int_equal(m.pgscan_direct, 920);
	assert_int_equal(m.nr_file_pages, 80);
	assert_int_equal(m.allocstall, 0); /* limit reclaim is not allocstall */
	assert_int_equal(m.kswapd_wakeups, 0);
	free(r);
}

/*
 * Two cgroups from memcg.groups, readahead off: "a" (400 KiB = 100 pages) holds
 * pid 1, "b" (800 KiB = 200 pages) pid 2; each reads 1000 new pages of its own
 * file, interleaved. Limit reclaim is per cgroup, so each behaves as alone:
 * a: 80 pages stay (test_memcg_limit). b: at 200 + 1, priorities 12..8 scan
 * 0, then p 7: 200 >> 7 = 1, p 6: 199 >> 6 = 3, p 5: 196 >> 5 = 6, p 4:
 * 190 >> 4 = 11, p 3: 179 >> 3 = 22 -> 43 >= 32: each reclaim frees 43, at
 * reads 201, 244, ..., 975 (19 of them) -> 817 freed, 183 stay. 80 + 183 =
 * 263 file pages and 920 + 817 = 1737 pages stolen. A bad entry is an error
 * naming the key.
 */
static void test_memcg_groups(void **state)
{
	const char *sets[] = {"machine.memory",
	                      "64M",
	                      "memcg.groups",
	                      "a:400K:1 b:800K:2",
	                      "vm.read_ahead_kb",
	                      "0",
	                      "debug.check_invariants",
	                      "1",
	                      NULL};
	const char *bad[] = {"memcg.groups", "a:lots:1", NULL};
	struct metrics m;
	char err[512], *b = malloc(2000 * 40);
	size_t off = 0;

	(void)state;
	for (int i = 0; i < 1000; i++) {
		off += (size_t)sprintf(b + off, ",1,read,%d,4096,3,\n", i * 4096);
		off += (size_t)sprintf(b + off, ",2,read,%d,4096,4,\n", i * 4096);
	}
	assert_int_equal(mt_run(b, "linux", sets, NULL, &m, err, sizeof(err)), 0);
	assert_int_equal(m.nr_file_pages, 263);
	assert_int_equal(m.pgsteal_direct, 1737);
	assert_int_equal(mt_run(b, "linux", bad, NULL, &m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "memcg.groups: bad limit 'lots'"));
	free(b);
}

/*
 * The shadow-node limit. read() of pages 0..N-1 of one file, readahead off:
 * each page is read once (PG_referenced, clean), so reclaim takes them in
 * read order, lowest index first, each leaving a shadow. A page-cache node
 * covers 64 indices; it becomes shadow-only when all 64 of its pages are gone,
 * so E evictions make E / 64 shadow-only nodes (the node holding the first
 * resident page is mixed). With 64 MiB (16384 frames: budget 2048 nodes) all
 * stay: workingset_nodes = E / 64, none reclaimed. With 2 MiB (512 frames:
 * budget 64 nodes) the shrinker keeps 64 and frees the rest, oldest first:
 * workingset_nodes = 64 and workingset_nodes + nodereclaim = E / 64. Page 0,
 * read again at the end, finds no shadow (its node was freed long before): no
 * refault counted (its own read evicts one more page, counted in E).
 */
static void test_shadow_node_limit(void **state)
{
	const char *big[] = {"machine.memory", "64M", "vm.read_ahead_kb", "0", NULL};
	const char *small[] = {"machine.memory", "2M", "vm.read_ahead_kb", "0", NULL};
	struct metrics m;
	char err[512], *r = lines(",1,read,%d,4096,3,\n", 0, 39999, 4096);
	char *r2 = malloc(strlen(r) + 64);
	uint64_t e;

	(void)state;
	assert_int_equal(mt_run(r, "linux", big, NULL, &m, err, sizeof(err)), 0);
	e = m.pgsteal_kswapd + m.pgsteal_direct;
	assert_true(e > 20000);
	assert_int_equal(m.workingset_nodes, e / 64);
	assert_int_equal(m.workingset_nodereclaim, 0);
	sprintf(r2, "%s,1,read,0,4096,3,\n", r);
	assert_int_equal(mt_run(r2, "linux", small, NULL, &m, err, sizeof(err)), 0);
	e = m.pgsteal_kswapd + m.pgsteal_direct;
	assert_int_equal(m.workingset_nodes, 64);
	assert_int_equal(m.workingset_nodes + m.workingset_nodereclaim, e / 64);
	assert_int_equal(m.workingset_refault_file, 0);
	free(r);
	free(r2);
}

/*
 * madvise(MADV_PAGEOUT). Four anonymous pages written, 1 MiB of swap: pageout
 * of the range swaps all four out (slots 1-4, pswpout 4, pgsteal_direct 4,
 * no anonymous page left). A load of the first page then swaps it in: a major
 * fault; the window is 2 (slot 1 is next to the initial 0), the aligned block
 * {0, 1} holds only slot 1: pswpin 1; a load keeps the page's swap copy, so
 * all 4 slots stay in use, one of them cached (with swap.synchronous = 1; the
 * asynchronous case is at the end). After a fork the pages are mapped twice
 * and pageout leaves them alone (it only reclaims what the caller maps alone).
 */
static void test_madvise_pageout(void **state)
{
	const char *sets[] = {
	        "machine.memory",         "64M", "swap.size", "1M", "swap.synchronous", "1",
	        "debug.check_invariants", "1",   NULL};
	const char *async[] = {"machine.memory",         "64M", "swap.size", "1M",
	                       "debug.check_invariants", "1",   NULL};
	const char *body = ",1,mmap,0x10000,16384,,anon|private|rw\n,1,W,0x10000,8,,\n"
	                   ",1,W,0x11000,8,,\n,1,W,0x12000,8,,\n,1,W,0x13000,8,,\n"
	                   ",1,madvise,0x10000,16384,,pageout\n,1,R,0x10000,8,,\n";
	const char *forked = ",1,mmap,0x10000,16384,,anon|private|rw\n,1,W,0x10000,8,,\n"
	                     ",1,W,0x11000,8,,\n,1,fork,,,,2\n"
	                     ",1,madvise,0x10000,16384,,pageout\n";
	struct metrics m;
	char err[512];

	(void)state;
	assert_int_equal(mt_run(body, "linux", sets, NULL, &m, err, sizeof(err)), 0);
	assert_int_equal(m.pswpout, 4);
	assert_int_equal(m.pgsteal_direct, 4);
	assert_int_equal(m.pgmajfault, 1);
	assert_int_equal(m.pswpin, 1);
	assert_int_equal(m.nr_anon_pages, 1);
	assert_int_equal(m.nr_swap_used, 4); /* a read fault keeps its swap-cache copy */
	assert_int_equal(m.nr_swapcached, 1);
	assert_int_equal(mt_run(forked, "linux", sets, NULL, &m, err, sizeof(err)), 0);
	assert_int_equal(m.pswpout, 0);
	assert_int_equal(m.nr_anon_pages, 2);
	/* asynchronous swap: the four writes are still under way at the load, 1 us
	 * later, so nothing was freed and the load is a swap-cache (minor) fault */
	assert_int_equal(mt_run(body, "linux", async, NULL, &m, err, sizeof(err)), 0);
	assert_int_equal(m.pswpout, 4);
	assert_int_equal(m.pgsteal_direct, 0);
	assert_int_equal(m.nr_writeback, 4);
	assert_int_equal(m.pgmajfault, 0);
	assert_int_equal(m.fault_swapin, 1);
	assert_int_equal(m.nr_anon_pages, 4);
	assert_int_equal(m.nr_swapcached, 4);
}

/*
 * Cgroup limit reclaim meets pages under writeback (cgroup v1's case 3). A
 * 4-page cgroup, 1 MiB of asynchronous swap. Stores to pages 1-4 fill it;
 * madvise(MADV_PAGEOUT) starts their four writes (pswpout 4, all ending 30 us
 * later) and leaves them where they are on the inactive list (tail: page 1),
 * unmapped, tagged PG_reclaim. A store to page 5 a microsecond later must
 * reclaim: only priority 0 scans (4 >> 1 x 60 / 200 = 0), all four from the
 * tail. Page 1 is under writeback with PG_reclaim: the task waits for its
 * write (the stall), which ends with the others at the same time; then each
 * page is judged again: unmapped, never referenced -> freed, clean (4
 * evictions, all written: dirty_evictions 4). Being isolated, none was
 * rotated (pgrotated 0), and none was activated (pgactivate 0; cases 1-2
 * would have activated all four). Page 5 is charged; pages 1-4 keep their
 * slots through their swap PTEs.
 */
static void test_memcg_waits_for_writeback(void **state)
{
	const char *sets[] = {
	        "machine.memory",         "64M", "memcg.limit", "16K", "swap.size", "1M",
	        "debug.check_invariants", "1",   NULL};
	const char *body = ",1,mmap,0x10000,20480,,anon|private|rw\n,1,W,0x10000,8,,\n"
	                   ",1,W,0x11000,8,,\n,1,W,0x12000,8,,\n,1,W,0x13000,8,,\n"
	                   ",1,madvise,0x10000,16384,,pageout\n,1,W,0x14000,8,,\n";
	char err[512];
	struct metrics m;

	(void)state;
	assert_int_equal(mt_run(body, "linux", sets, NULL, &m, err, sizeof(err)), 0);
	assert_int_equal(m.pswpout, 4);
	assert_int_equal(m.nr_writeback, 0);
	assert_int_equal(m.evictions, 4);
	assert_int_equal(m.dirty_evictions, 4);
	assert_int_equal(m.pgscan_direct, 4);
	assert_int_equal(m.pgactivate, 0);
	assert_int_equal(m.pgrotated, 0);
	assert_true(m.direct_reclaim_stall_ns > 0);
	assert_int_equal(m.nr_anon_pages, 1);
	assert_int_equal(m.nr_swapcached, 0);
	assert_int_equal(m.nr_swap_used, 4);
}

/*
 * A process exits while its pages are being written (asynchronous swap): the
 * four pages pageout started writing lose their last user (their slots' counts
 * drop to 0) but cannot be freed under writeback. At the end of the trace,
 * 1 us later, they are all still there (nr_writeback 4, four swap-cache pages
 * holding four slots). With a record of another process 1 ms later, the writes
 * have ended and the orphans are freed (not rotated, not counted as
 * evictions): only that process's new page is left, and no slot is used.
 */
static void test_writeback_orphans(void **state)
{
	const char *sets[] = {"machine.memory",         "64M", "swap.size", "1M",
	                      "debug.check_invariants", "1",   NULL};
	const char *body = ",1,mmap,0x10000,16384,,anon|private|rw\n,1,W,0x10000,8,,\n"
	                   ",1,W,0x11000,8,,\n,1,W,0x12000,8,,\n,1,W,0x13000,8,,\n"
	                   ",1,madvise,0x10000,16384,,pageout\n,1,exit,,,,\n";
	char later[512], err[512];
	struct metrics m;

	(void)state;
	assert_int_equal(mt_run(body, "linux", sets, NULL, &m, err, sizeof(err)), 0);
	assert_int_equal(m.pswpout, 4);
	assert_int_equal(m.nr_writeback, 4);
	assert_int_equal(m.nr_anon_pages, 4);
	assert_int_equal(m.nr_swapcached, 4);
	assert_int_equal(m.nr_swap_used, 4);
	snprintf(later, sizeof(later), "%s1000000,2,W,0x50000,8,,\n", body);
	assert_int_equal(mt_run(later, "linux", sets, NULL, &m, err, sizeof(err)), 0);
	assert_int_equal(m.nr_writeback, 0);
	assert_int_equal(m.nr_anon_pages, 1);
	assert_int_equal(m.nr_swapcached, 0);
	assert_int_equal(m.nr_swap_used, 0);
	assert_int_equal(m.pgrotated, 0);
	assert_int_equal(m.evictions, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_workingset_example),
	        cmocka_unit_test(test_swap_readahead_window),
	        cmocka_unit_test(test_linux_look_twice),
	        cmocka_unit_test(test_linux_references),
	        cmocka_unit_test(test_linux_two_touch),
	        cmocka_unit_test(test_linux_scan_fract),
	        cmocka_unit_test(test_stale_memcg_stats),
	        cmocka_unit_test(test_mglru_tier_protection),
	        cmocka_unit_test(test_rotate),
	        cmocka_unit_test(test_linux_writeback),
	        cmocka_unit_test(test_kswapd_low_to_high),
	        cmocka_unit_test(test_swap_out_in),
	        cmocka_unit_test(test_swap_async_writeback),
	        cmocka_unit_test(test_swappiness_zero),
	        cmocka_unit_test(test_memcg_limit),
	        cmocka_unit_test(test_memcg_groups),
	        cmocka_unit_test(test_shadow_node_limit),
	        cmocka_unit_test(test_madvise_pageout),
	        cmocka_unit_test(test_writeback_orphans),
	        cmocka_unit_test(test_memcg_waits_for_writeback),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
