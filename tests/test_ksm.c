// SPDX-License-Identifier: MIT
/*
 * test_ksm.c - kernel samepage merging on tiny traces, expectations worked out
 * from the rules in sim/ksm.c's theory comment (ksmd: pages_to_scan per
 * wake-up every sleep_millisecs; a page merges in the pass after the one that
 * recorded its checksum).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "machine_testutil.h"

#define BASE 0x10000000

/* @n pids, each maps @pages pages, marks them mergeable and stores fingerprint
 * 0x1000 + page (the same in every process). */
static size_t guests(char *b, int n, int pages)
{
	size_t off = 0;

	for (int pid = 1; pid <= n; pid++) {
		off += (size_t)sprintf(b + off, "0,%d,mmap,%d,%d,,anon|private|rw\n", pid, BASE,
		                       pages * 4096);
		off += (size_t)sprintf(b + off, "0,%d,madvise,%d,%d,,mergeable\n", pid, BASE,
		                       pages * 4096);
		for (int p = 0; p < pages; p++)
			off += (size_t)sprintf(b + off, "0,%d,W,%d,8,,0x%x\n", pid, BASE + p * 4096,
			                       0x1000 + p);
	}
	return off;
}

static const char *ksm_sets[] = {"ksm.run", "1", "machine.memory", "256M", "debug.check_invariants",
                                 "1",       NULL};

/*
 * Two processes, 100 identical pages each, pages_to_scan 100, 20 ms sleep.
 * Wake-ups at 20 ms (pid 1's pages) and 40 ms (pid 2's): pass 1 only records
 * checksums. Pass 2 (60, 80 ms): pid 1's pages go into the unstable tree,
 * pid 2's find them there: 100 KSM pages, each mapped twice: shared 100,
 * sharing 100, and the 100 duplicates are freed (200 -> 100 anon pages).
 * Pass 3 on finds only KSM pages. 200 rmap items, none volatile.
 * Timing: a pass over M = 200 pages with P = 100 takes ceil(M/P) x 20 ms =
 * 40 ms (plus the scans' own few microseconds): by 990 ms there were 49
 * wake-ups; the first pass ends when the third begins, and one more every two:
 * 24 full scans.
 */
static void test_two_guests_merge(void **state)
{
	char *b = malloc(1 << 16), err[512];
	struct metrics m;
	size_t off = guests(b, 2, 100);

	(void)state;
	sprintf(b + off, "990000000,1,R,%d,8,,\n", BASE);
	assert_int_equal(mt_run(b, "linux", ksm_sets, NULL, &m, err, sizeof(err)), 0);
	assert_int_equal(m.ksm_pages_shared, 100);
	assert_int_equal(m.ksm_pages_sharing, 100);
	assert_int_equal(m.ksm_pages_unshared, 0);
	assert_int_equal(m.ksm_pages_volatile, 0);
	assert_int_equal(m.nr_anon_pages, 100);
	assert_int_equal(m.ksm_full_scans, 24);
	/* general_profit = sharing x 4096 - 200 items x 64 bytes */
	assert_int_equal(m.ksm_general_profit, 100 * 4096 - 200 * 64);

	/* A store to a merged page breaks COW: cow_ksm 1, sharing 99, one more page. */
	sprintf(b + off, "990000000,1,W,%d,8,,\n", BASE);
	assert_int_equal(mt_run(b, "linux", ksm_sets, NULL, &m, err, sizeof(err)), 0);
	assert_int_equal(m.cow_ksm, 1);
	assert_int_equal(m.ksm_pages_shared, 100);
	assert_int_equal(m.ksm_pages_sharing, 99);
	assert_int_equal(m.nr_anon_pages, 101);

	/* MADV_UNMERGEABLE on pid 2's range: 100 private copies, pid 1 keeps the KSM pages alone.
	 */
	sprintf(b + off, "990000000,2,madvise,%d,%d,,unmergeable\n", BASE, 100 * 4096);
	assert_int_equal(mt_run(b, "linux", ksm_sets, NULL, &m, err, sizeof(err)), 0);
	assert_int_equal(m.nr_anon_pages, 200);
	assert_int_equal(m.ksm_pages_shared, 100);
	assert_int_equal(m.ksm_pages_sharing, 0);
	free(b);
}

/*
 * Volatile pages never merge: both processes rewrite their one page with new
 * (unknown) content every 5 ms, so every scan sees a changed checksum.
 */
static void test_volatile(void **state)
{
	char *b = malloc(1 << 16), err[512];
	struct metrics m;
	size_t off = guests(b, 2, 1);

	(void)state;
	for (int t = 1; t < 200; t++)
		for (int pid = 1; pid <= 2; pid++)
			off += (size_t)sprintf(b + off, "%d,%d,W,%d,8,,\n", t * 5000000, pid, BASE);
	assert_int_equal(mt_run(b, "linux", ksm_sets, NULL, &m, err, sizeof(err)), 0);
	assert_int_equal(m.ksm_pages_shared, 0);
	assert_int_equal(m.ksm_pages_volatile, 2);
	assert_true(m.ksm_pages_scanned > 50);
	free(b);
}

/*
 * max_page_sharing = 2, four processes with one identical page. Pass 2: pid 1
 * enters the unstable tree, pid 2 merges with it (KSM page A, 2 mappers);
 * pid 3 finds A full and enters the unstable tree; pid 4 merges with it: a
 * second KSM page B of the same content -> a chain of 2 dups.
 * shared 2, sharing 2, chains 1, dups 2.
 */
static void test_max_page_sharing_chains(void **state)
{
	const char *sets[] = {"ksm.run",
	                      "1",
	                      "ksm.max_page_sharing",
	                      "2",
	                      "machine.memory",
	                      "256M",
	                      "debug.check_invariants",
	                      "1",
	                      NULL};
	char *b = malloc(1 << 16), err[512];
	struct metrics m;
	size_t off = guests(b, 4, 1);

	(void)state;
	sprintf(b + off, "500000000,1,R,%d,8,,\n", BASE);
	assert_int_equal(mt_run(b, "linux", sets, NULL, &m, err, sizeof(err)), 0);
	assert_int_equal(m.ksm_pages_shared, 2);
	assert_int_equal(m.ksm_pages_sharing, 2);
	assert_int_equal(m.ksm_stable_node_chains, 1);
	assert_int_equal(m.ksm_stable_node_dups, 2);
	assert_int_equal(m.nr_anon_pages, 2);
	free(b);
}

/*
 * KSM under memory pressure. The two guests merge (100 KSM pages), then pid 3
 * writes 400 pages into a 1 MiB (256-page) cgroup with swap. The policy is
 * fifo, so reclaim takes pages in the order they came in: the 100 KSM pages
 * (guest 1's originals) go first, each unmapped from both guests and swapped
 * out, which ends their sharing. pid 3 exits. Then guest 1 reads its 100 pages
 * back (it adopts each swapped-in page, which stays in the swap cache after a
 * read fault) and guest 2 reads its 100: each finds guest 1's page in the swap
 * cache, belonging to another mapping, and gets a copy: ksm_swpin_copy = 100.
 * 200 pages fit. ksmd merges the pairs again (guest 1's page, still in the
 * swap cache with no other user of its slot, drops that copy and becomes the
 * KSM page), which needs their contents to have survived swap: shared 100,
 * sharing 100, 100 anonymous pages, as before the pressure.
 * (With the linux policy the KSM pages, young in two page tables, are
 * activated and survive this workload, as in the kernel.)
 */
static void test_ksm_swap(void **state)
{
	const char *sets[] = {
	        "ksm.run",   "1",   "machine.memory",         "256M", "memcg.limit", "1M",
	        "swap.size", "64M", "debug.check_invariants", "1",    NULL};
	char *b = malloc(1 << 20), err[512];
	struct metrics m;
	size_t off = guests(b, 2, 100);

	(void)state;
	/* by 200 ms the guests are merged; pid 3 then writes 400 pages (1.6 MiB > 1 MiB) */
	for (int p = 0; p < 400; p++)
		off += (size_t)sprintf(b + off, "%d,3,W,%d,8,,\n", 200000000 + p,
		                       0x40000000 + p * 4096);
	off += (size_t)sprintf(b + off, "250000000,3,exit,,,,\n");
	for (int pid = 1; pid <= 2; pid++)
		for (int p = 0; p < 100; p++)
			off += (size_t)sprintf(b + off, "%d,%d,R,%d,8,,\n",
			                       300000000 + pid * 1000 + p, pid, BASE + p * 4096);
	sprintf(b + off, "900000000,1,R,%d,8,,\n", BASE);
	assert_int_equal(mt_run(b, "fifo", sets, NULL, &m, err, sizeof(err)), 0);
	assert_true(m.pswpout >= 100);
	assert_int_equal(m.ksm_swpin_copy, 100);
	assert_int_equal(m.ksm_pages_shared, 100);
	assert_int_equal(m.ksm_pages_sharing, 100);
	assert_int_equal(m.nr_anon_pages, 100);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_two_guests_merge),
	        cmocka_unit_test(test_volatile),
	        cmocka_unit_test(test_max_page_sharing_chains),
	        cmocka_unit_test(test_ksm_swap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
