// SPDX-License-Identifier: MIT
/*
 * test_policy_classic.c - cache mode against textbook answers.
 *
 * Reference string S (Silberschatz, Operating System Concepts):
 *   7,0,1,2,0,3,0,4,2,3,0,3,2,1,2,0,1,7,0,1  (20 references, 6 distinct pages)
 *
 * LRU, by stack distances (position in the LRU stack when referenced):
 *   refs 1,2,3,4,6,8 are cold; the others have distances
 *   #5:3 #7:2 #9:4 #10:4 #11:4 #12:2 #13:3 #14:5 #15:2 #16:4 #17:3 #18:6 #19:3 #20:3
 *   i.e. d=2 x3, d=3 x5, d=4 x4, d=5 x1, d=6 x1. faults(c) = 6 + #(d > c):
 *   c=1..7 -> 20, 17, 12, 8, 7, 6, 6.
 * FIFO, simulated by hand:
 *   c=1: every reference differs from the previous one -> 20
 *   c=2: hits at refs 7,12,15,17,19 -> 15;  c=3: 15 (textbook)
 *   c=4: faults at refs 1,2,3,4,6,8,11,14,15,18 -> 10
 *   c=5: faults at 1,2,3,4,6,8,18,19,20 -> 9;  c>=6: only cold misses -> 6
 * OPT (Belady), simulated by hand:
 *   c=1: 20; c=2: hits at 5,7,10,12,15,17,19 -> 13; c=3: 9 (textbook)
 *   c=4: faults at 1,2,3,4,6,8,14,18 -> 8; c=5: faults at 1,2,3,4,6,8,18 -> 7; c>=6: 6
 * CLOCK, 3 frames: ref_on_insert=0 faults at 1,2,3,4,6,8,9,10,14,16,18 -> 11;
 *   ref_on_insert=1 -> 14 (the second published convention).
 * Belady's anomaly string 1,2,3,4,1,2,5,1,2,3,4,5 under FIFO: 9 faults with 3
 * frames, 10 with 4.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cachesim.h"
#include "policy_core.h"

static const int S[] = {7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1};
static const int BELADY[] = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};

/* Write a CSV trace: each entry "R"/"W" + page, pid 1. */
static void write_trace(const char *path, const char *ops, const int *pages, size_t n)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs("time,pid,op,addr,len,file,arg\n", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, ",1,%c,%d,1,,\n", ops ? ops[i] : 'R', pages[i] * 4096);
	fclose(f);
}

static struct metrics run_policy(const char *path, const char *policy, uint64_t cap,
                                 const char *set_key, const char *set_val)
{
	struct config *cfg = config_new();
	struct metrics m;
	char err[512];
	const char *traces[] = {path};
	struct trace_open_opts topts = {0};
	struct cachesim_opts o = {
	        .capacity = cap,
	        .ops = policy_find(policy),
	        .cfg = cfg,
	        .traces = traces,
	        .nr_traces = 1,
	        .topts = &topts,
	};

	assert_non_null(o.ops);
	if (set_key)
		assert_int_equal(config_set(cfg, set_key, set_val, err, sizeof(err)), 0);
	assert_int_equal(cachesim_run(&o, &m, err, sizeof(err)), 0);
	config_free(cfg);
	return m;
}

static char path_s[64], path_b[64];

static int setup(void **state)
{
	(void)state;
	snprintf(path_s, sizeof(path_s), "/tmp/mmsim-silb-%d.csv", (int)getpid());
	snprintf(path_b, sizeof(path_b), "/tmp/mmsim-belady-%d.csv", (int)getpid());
	write_trace(path_s, NULL, S, 20);
	write_trace(path_b, NULL, BELADY, 12);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path_s);
	unlink(path_b);
	return 0;
}

static void check_curve(const char *policy, const uint64_t want[7])
{
	for (uint64_t c = 1; c <= 7; c++) {
		struct metrics m = run_policy(path_s, policy, c, NULL, NULL);

		if (m.misses != want[c - 1])
			fail_msg("%s with %llu frames: %llu faults, expected %llu", policy,
			         (unsigned long long)c, (unsigned long long)m.misses,
			         (unsigned long long)want[c - 1]);
		assert_int_equal(m.accesses, 20);
		/* Every miss after the cache filled evicted exactly one page. */
		assert_int_equal(m.evictions, m.misses > c ? m.misses - c : 0);
	}
}

static void test_lru_curve(void **state)
{
	static const uint64_t want[7] = {20, 17, 12, 8, 7, 6, 6};

	(void)state;
	check_curve("lru", want);
}

static void test_fifo_curve(void **state)
{
	static const uint64_t want[7] = {20, 15, 15, 10, 9, 6, 6};

	(void)state;
	check_curve("fifo", want);
}

static void test_opt_curve(void **state)
{
	static const uint64_t want[7] = {20, 13, 9, 8, 7, 6, 6};

	(void)state;
	check_curve("opt", want);
}

/*
 * OPT's first pass keeps next-use distances in 4 bytes; one of 2^32 - 1 touches
 * or more goes to a map instead. With that threshold lowered to 2, every
 * distance takes the map path (no page of the Silberschatz string repeats at
 * once; its distances run from 2 to 17): the curve must not change.
 */
static void test_opt_far_distances(void **state)
{
	static const uint64_t want[7] = {20, 13, 9, 8, 7, 6, 6};
	struct config *cfg = config_new();
	const char *traces[] = {path_s};
	struct trace_open_opts topts = {0};
	char err[512];

	(void)state;
	for (uint64_t c = 1; c <= 7; c++) {
		struct cachesim_opts o = {.capacity = c,
		                          .ops = policy_find("opt"),
		                          .cfg = cfg,
		                          .traces = traces,
		                          .nr_traces = 1,
		                          .topts = &topts,
		                          .far_distance = 2};
		struct metrics m;

		assert_int_equal(cachesim_run(&o, &m, err, sizeof(err)), 0);
		assert_int_equal(m.misses, want[c - 1]);
	}
	config_free(cfg);
}

static void test_belady_anomaly(void **state)
{
	(void)state;
	assert_int_equal(run_policy(path_b, "fifo", 3, NULL, NULL).misses, 9);
	assert_int_equal(run_policy(path_b, "fifo", 4, NULL, NULL).misses, 10);
	/* LRU is a stack algorithm: no anomaly (hand count: 10 with 3, 8 with 4). */
	assert_int_equal(run_policy(path_b, "lru", 3, NULL, NULL).misses, 10);
	assert_int_equal(run_policy(path_b, "lru", 4, NULL, NULL).misses, 8);
}

static void test_clock_conventions(void **state)
{
	(void)state;
	assert_int_equal(run_policy(path_s, "clock", 3, NULL, NULL).misses, 11);
	assert_int_equal(run_policy(path_s, "clock", 3, "policy.clock.ref_on_insert", "0").misses,
	                 11);
	assert_int_equal(run_policy(path_s, "clock", 3, "policy.clock.ref_on_insert", "1").misses,
	                 14);
}

/*
 * LRU, 2 frames: W1 R2 R3 R1 W3 R2 R4.
 *   W1 miss {1d}; R2 miss {1d,2}; R3 miss, evict 1 (dirty) {2,3}; R1 miss, evict 2 (clean)
 *   {3,1}; W3 hit {3d,1}; R2 miss, evict 1 (clean, reloaded by a read) {3d,2};
 *   R4 miss, evict 3 (dirty). -> misses 6, evictions 4, dirty_evictions 2.
 */
static void test_dirty_evictions(void **state)
{
	static const int pages[] = {1, 2, 3, 1, 3, 2, 4};
	char path[64];
	struct metrics m;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/mmsim-dirty-%d.csv", (int)getpid());
	write_trace(path, "WRRRWRR", pages, 7);
	m = run_policy(path, "lru", 2, NULL, NULL);
	assert_int_equal(m.misses, 6);
	assert_int_equal(m.evictions, 4);
	assert_int_equal(m.dirty_evictions, 2);
	unlink(path);
}

/* Page identity: a read() of file 1 page 0 and a load at address 0 are different pages;
 * a 200-byte load straddling a page boundary touches two pages; pids are separate spaces. */
static void test_page_identity(void **state)
{
	char path[64];
	FILE *f;
	struct metrics m;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/mmsim-ident-%d.csv", (int)getpid());
	f = fopen(path, "w");
	fputs("time,pid,op,addr,len,file,arg\n"
	      ",1,read,0,4096,1,\n"   /* file page (1,0): miss */
	      ",1,R,0,8,,\n"          /* pid 1 page 0: miss */
	      ",2,R,0,8,,\n"          /* pid 2 page 0: miss */
	      ",1,R,8096,200,,\n"     /* pid 1 pages 1 and 2: 2 misses */
	      ",1,read,100,10,1,\n"   /* file page (1,0): hit */
	      ",1,write,0,8192,1,\n", /* file pages 0 (hit) and 1 (miss) */
	      f);
	fclose(f);
	m = run_policy(path, "lru", 100, NULL, NULL);
	assert_int_equal(m.accesses, 8);
	assert_int_equal(m.misses, 6);
	assert_int_equal(m.pagecache_misses, 2);
	assert_int_equal(m.nr_file_pages, 2);
	assert_int_equal(m.nr_anon_pages, 4);
	assert_int_equal(m.nr_free_pages, 94);
	unlink(path);
}

static struct metrics run_string(const char *policy, uint64_t cap, const int *pages, size_t n,
                                 const char *key, const char *val)
{
	char path[64];
	struct metrics m;

	snprintf(path, sizeof(path), "/tmp/mmsim-str-%d.csv", (int)getpid());
	write_trace(path, NULL, pages, n);
	m = run_policy(path, policy, cap, key, val);
	unlink(path);
	return m;
}

/*
 * 2Q, capacity 4: Kin = 25% = 1 page, Kout = 50% = 2 keys.
 * String 1 2 3 4 1 5 1 2 6 2 4 3 1:
 *   1-4 miss -> A1in [4 3 2 1]; 1 hit in A1in (no change)
 *   5 miss: |A1in| 4 > 1, evict 1 -> A1out [1];            A1in [5 4 3 2]
 *   1 miss, in A1out: evict 2 -> A1out [2 1]; 1 -> Am [1];   A1in [5 4 3]
 *   2 miss, in A1out: evict 3 -> A1out [3 2 1] -> trim 1; 2 -> Am [2 1]; A1out [3]
 *   6 miss: evict 4 -> A1out [4 3]; A1in [6 5];  2 hit in Am
 *   4 miss, in A1out: evict 5 -> A1out [5 4 3] -> trim 3; 4 -> Am [4 2 1]; A1out [5]
 *   3 miss, new: |A1in| = 1, not > 1: evict Am's LRU 1 (forgotten); A1in [3 6]
 *   1 miss, new: evict 6 -> A1out [6 5]; A1in [1 3]
 * -> 11 misses; A1in 2 pages (inactive), Am 2 pages (active).
 * Scan resistance, capacity 4: 1 2 3 4 5 1 2 promotes 1 and 2 into Am (7 misses);
 * a scan 10..15 then only cycles A1in (6 misses), and 1 2 hit: 13 misses.
 * LRU on the same string: 7 misses, the scan evicts 1 and 2, both miss again: 15.
 */
static void test_twoq(void **state)
{
	static const int s1[] = {1, 2, 3, 4, 1, 5, 1, 2, 6, 2, 4, 3, 1};
	static const int scan[] = {1, 2, 3, 4, 5, 1, 2, 10, 11, 12, 13, 14, 15, 1, 2};
	struct metrics m;

	(void)state;
	m = run_string("2q", 4, s1, 13, NULL, NULL);
	assert_int_equal(m.misses, 11);
	assert_int_equal(m.nr_inactive_anon, 2);
	assert_int_equal(m.nr_active_anon, 2);
	assert_int_equal(run_string("2q", 4, scan, 15, NULL, NULL).misses, 13);
	assert_int_equal(run_string("lru", 4, scan, 15, NULL, NULL).misses, 15);
	/* A bad parameter is refused when the policy starts. */
	struct config *cfg = config_new();
	char err[256];
	const char *tr[] = {path_s};
	struct trace_open_opts topts = {0};
	struct cachesim_opts o = {.capacity = 4,
	                          .ops = policy_find("2q"),
	                          .cfg = cfg,
	                          .traces = tr,
	                          .nr_traces = 1,
	                          .topts = &topts};

	config_set(cfg, "policy.2q.kin", "0", err, sizeof(err));
	assert_int_equal(cachesim_run(&o, &m, err, sizeof(err)), -1);
	config_free(cfg);
}

/*
 * ARC, capacity 2: 1 2 1 3 2 1 3 2 1.
 *   1, 2 miss -> T1 [2 1]; 1 hit -> T2 [1], T1 [2]
 *   3 miss, new, |T1|+|B1| = 1 < 2, total 2 < 4: REPLACE (p=0): |T1| 1 > 0 -> 2 to B1
 *   2 miss in B1: p = 0 + 1 = 1; REPLACE: |T1| = 1 not > 1 -> T2's 1 to B2; T2 [2], T1 [3]
 *   1 miss in B2: p = 0; REPLACE(x in B2): |T1| 1 > 0 -> 3 to B1; T2 [1 2]
 *   3 miss in B1: p = 1; T1 empty -> T2's 2 to B2; T2 [3 1]
 *   2 miss in B2: p = 0; T2's 1 to B2; T2 [2 3];  1 miss in B2: p = 0; 3 to B2; T2 [1 2]
 *   -> 8 misses, T2 holds 2 (active), T1 0.
 * ARC, capacity 3, scan resistance: 1 2 1 2 10 11 12 13 1 2 12 1
 *   1 2 1 2: 2 misses, T2 [2 1]; 10 fills T1 [10] (a miss, no eviction)
 *   11: |L1| 1 < 3, total 3 < 6, REPLACE(p=0): 10 to B1;   12: 11 to B1 (B1 [11 10])
 *   13: |T1|+|B1| = 3 = c: drop B1's 10; REPLACE: 12 to B1 (B1 [12 11]); T1 [13]
 *   1 2 hit in T2. 12 miss in B1: p = 1; REPLACE: |T1| 1 not > 1 -> T2's LRU 1 to B2;
 *   T2 [12 2].  1 miss in B2 (|B2| 1 >= |B1| 1): p = 0; REPLACE: 13 to B1; T2 [1 12 2]
 *   -> 8 misses, active 3, inactive 0. LRU on the same string: 9 (the scan evicts 1 and 2).
 */
static void test_arc(void **state)
{
	static const int s1[] = {1, 2, 1, 3, 2, 1, 3, 2, 1};
	static const int s2[] = {1, 2, 1, 2, 10, 11, 12, 13, 1, 2, 12, 1};
	struct metrics m;

	(void)state;
	m = run_string("arc", 2, s1, 9, NULL, NULL);
	assert_int_equal(m.misses, 8);
	assert_int_equal(m.nr_active_anon, 2);
	assert_int_equal(m.nr_inactive_anon, 0);
	m = run_string("arc", 3, s2, 12, NULL, NULL);
	assert_int_equal(m.misses, 8);
	assert_int_equal(m.nr_active_anon, 3);
	assert_int_equal(m.nr_inactive_anon, 0);
	assert_int_equal(run_string("lru", 3, s2, 12, NULL, NULL).misses, 9);
	/* The first 10 references alone: ARC 6 misses (hot pages survive the scan), LRU 8. */
	assert_int_equal(run_string("arc", 3, s2, 10, NULL, NULL).misses, 6);
	assert_int_equal(run_string("lru", 3, s2, 10, NULL, NULL).misses, 8);
}

/*
 * LIRS, capacity 3: Lhirs = max(1, 1% of 3) = 1, Llirs = 2.
 * 1 2 3 1 2 3 4 1 2 3:
 *   1, 2 miss -> LIR, S [2 1]; 3 miss -> resident HIR, S [3 2 1], Q [3]
 *   1 hit (bottom LIR) -> S [1 3 2]; 2 hit (bottom) -> S [2 1 3], prune 3 -> S [2 1]
 *   3 hit, HIR not in S -> S [3 2 1], Q [3]
 *   4 miss: evict Q's 3 (stays in S, non-resident); 4 HIR: S [4 3nr 2 1], Q [4]
 *   1 hit -> S [1 4 3nr 2]; 2 hit -> S [2 1 4 3nr], prune 3nr and 4 -> S [2 1]
 *   3 miss: evict 4 (not in S: forgotten); 3 HIR: S [3 2 1], Q [3]
 *   -> 5 misses (LRU: 7); LIR {1, 2} active, HIR {3} inactive.
 * 1 2 3 4 3 1 4 (a non-resident entry of S becomes LIR):
 *   1 2 LIR; 3 HIR; 4 miss: evict 3 (non-resident in S); S [4 3nr 2 1], Q [4]
 *   3 miss: evict 4 (non-resident in S); 3 in S -> LIR, 3 LIR blocks > 2: the bottom 1
 *   becomes HIR, Q [1]; S [3 4nr 2]
 *   1 hit, HIR not in S -> S [1 3 4nr 2]; 4 miss: evict 1 (non-resident in S); 4 in S -> LIR,
 *   bottom 2 demoted: Q [2]; S [4 1nr 3]  -> 6 misses; LIR {4, 3}, HIR {2}.
 */
static void test_lirs(void **state)
{
	static const int s1[] = {1, 2, 3, 1, 2, 3, 4, 1, 2, 3};
	static const int s2[] = {1, 2, 3, 4, 3, 1, 4};
	struct metrics m;

	(void)state;
	m = run_string("lirs", 3, s1, 10, NULL, NULL);
	assert_int_equal(m.misses, 5);
	assert_int_equal(m.nr_active_anon, 2);
	assert_int_equal(m.nr_inactive_anon, 1);
	assert_int_equal(run_string("lru", 3, s1, 10, NULL, NULL).misses, 7);
	m = run_string("lirs", 3, s2, 7, NULL, NULL);
	assert_int_equal(m.misses, 6);
	assert_int_equal(m.nr_active_anon, 2);
	assert_int_equal(m.nr_inactive_anon, 1);
}

static void test_registry(void **state)
{
	static const struct reclaim_policy_ops a = {.name = "x"}, b = {.name = "x"};
	const struct reclaim_policy_ops *dup[] = {policy_find("lru"), policy_find("lru"), NULL};
	const struct reclaim_policy_ops *bad[] = {&a, &b, NULL};
	const struct reclaim_policy_ops *all[64];
	char err[256];
	size_t n = 0;

	(void)state;
	assert_null(policy_find("nosuch"));
	while (policy_at(n) && n < 63) {
		all[n] = policy_at(n);
		n++;
	}
	all[n] = NULL;
	assert_true(n >= 4);
	assert_int_equal(policy_registry_check(all, err, sizeof(err)), 0);
	assert_int_equal(policy_registry_check(dup, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "registered twice"));
	assert_int_equal(policy_registry_check(bad, err, sizeof(err)), -1);
}

/*
 * CLOCK-Pro, capacity m = 4, initial cold target m_c = max(1, 1 % of 4) = 1.
 * Hands start on the first page; pages are inserted just behind HAND_hot.
 * String A B C D E A B D F A:
 *   A, B, C: warm-up (resident < m - m_c = 3): hot.      clock: A B C
 *   D: 3 resident -> cold, in test.                        A B C D
 *   E: full. HAND_cold skips hot A, B, C; D unreferenced -> evicted, stays as
 *      a non-resident test page. E cold in test.           A B C D' E
 *   A, B: hits (reference bits).
 *   D: a fault on a non-resident test page: first HAND_cold (from A) evicts E
 *      (unreferenced, in test -> non-resident); then m_c = 2 and D comes back
 *      hot: 4 hot > m - m_c = 2, HAND_hot (at A) clears A's and B's bits,
 *      demotes C (unreferenced) to cold; still 3 > 2: E' ends its test period
 *      (m_c back to 1) and leaves, D (unreferenced) is demoted.  A B C D
 *   F: HAND_cold (at A) skips A, B; C is cold, unreferenced and not in test:
 *      evicted for good. F cold in test.                   A B D F
 *   A: hit.
 * Misses: A B C D E D F = 7; evictions D, E, C = 3; at the end hot A, B
 * (reported as the active list) and cold D, F (inactive).
 */
static void test_clockpro_hand_trace(void **state)
{
	static const int str[] = {1, 2, 3, 4, 5, 1, 2, 4, 6, 1};
	char path[64];
	struct metrics m;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/mmsim-cp-%d.csv", (int)getpid());
	write_trace(path, NULL, str, 10);
	m = run_policy(path, "clockpro", 4, NULL, NULL);
	assert_int_equal(m.misses, 7);
	assert_int_equal(m.evictions, 3);
	assert_int_equal(m.nr_active_anon, 2);
	assert_int_equal(m.nr_inactive_anon, 2);
	unlink(path);
}

/*
 * Scan resistance. Capacity 4 (m_c = 1): H1 H2 then 30 rounds of five new
 * scan pages followed by H1 H2. Warm-up makes H1, H2 and the first scan page
 * hot; every later scan page enters the one cold slot and is evicted by the
 * next (unreferenced), so HAND_hot never runs (3 hot <= m - m_c) and H1, H2
 * always hit: misses = 2 + 150. Exact LRU with 4 frames loses H1 and H2 to
 * every five-page scan: all 212 references miss.
 */
static void test_clockpro_scan_resistance(void **state)
{
	int str[2 + 30 * 7];
	size_t n = 0;
	char path[64];

	(void)state;
	str[n++] = 1;
	str[n++] = 2;
	for (int r = 0; r < 30; r++) {
		for (int k = 0; k < 5; k++)
			str[n++] = 100 + r * 5 + k;
		str[n++] = 1;
		str[n++] = 2;
	}
	snprintf(path, sizeof(path), "/tmp/mmsim-cps-%d.csv", (int)getpid());
	write_trace(path, NULL, str, n);
	assert_int_equal(run_policy(path, "clockpro", 4, NULL, NULL).misses, 152);
	assert_int_equal(run_policy(path, "lru", 4, NULL, NULL).misses, 212);
	unlink(path);
}

/*
 * MGLRU in cache mode, 4 frames, anonymous pages, A B C D E B F B D E F.
 * Generations start at max_seq 3, min_seq 2; a faulted page goes to
 * max_seq - 1. A-D fill generation 2 (tail A). E: priority 12 scans
 * 4 >> 12 = 0 and must not age; 11 ages (2 generations: nothing evictable;
 * no page was hit, so nothing is promoted) and ends the pass; 10 ages again
 * (3 generations); 9..3 scan 0; 2 scans 1: A, not referenced -> evicted. E
 * goes to max_seq - 1 = 4. B is hit (its accessed bit). F: at priority 2 the
 * oldest page is B: referenced -> PG_referenced, kept; at 1 the budget is 2:
 * C (unreferenced) is evicted. Then B D E F hit: 6 misses, 2 evictions.
 * Where the kept page goes decides the outcome: version 618 puts a rejected
 * page in max_seq - 1, version 61 back at the tail of the oldest generation,
 * where the next priority finds it again (its bit now clear) and evicts it
 * instead of C: then the later B misses too -> 7 misses.
 */
static void test_mglru_generations(void **state)
{
	static const int str[] = {1, 2, 3, 4, 5, 2, 6, 2, 4, 5, 6};
	char path[64];
	struct metrics m;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/mmsim-mg-%d.csv", (int)getpid());
	write_trace(path, NULL, str, 11);
	m = run_policy(path, "mglru", 4, NULL, NULL);
	assert_int_equal(m.misses, 6);
	assert_int_equal(m.evictions, 2);
	m = run_policy(path, "mglru", 4, "policy.mglru.version", "61");
	assert_int_equal(m.misses, 7);
	assert_int_equal(m.evictions, 3);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_lru_curve),
	        cmocka_unit_test(test_fifo_curve),
	        cmocka_unit_test(test_opt_curve),
	        cmocka_unit_test(test_opt_far_distances),
	        cmocka_unit_test(test_belady_anomaly),
	        cmocka_unit_test(test_clock_conventions),
	        cmocka_unit_test(test_dirty_evictions),
	        cmocka_unit_test(test_page_identity),
	        cmocka_unit_test(test_twoq),
	        cmocka_unit_test(test_arc),
	        cmocka_unit_test(test_lirs),
	        cmocka_unit_test(test_clockpro_hand_trace),
	        cmocka_unit_test(test_clockpro_scan_resistance),
	        cmocka_unit_test(test_mglru_generations),
	        cmocka_unit_test(test_registry),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
