// SPDX-License-Identifier: MIT
/*
 * test_machine.c - the full machine on tiny traces, counters worked out by hand.
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

#include "machine_testutil.h"

static int run_csv(const char *body, const char *memory, struct metrics *m, char *err,
                   size_t errlen)
{
	const char *sets[] = {"machine.memory", memory, NULL};

	return mt_run(body, "linux", memory ? sets : NULL, NULL, m, err, errlen);
}

/*
 * Parent writes pages 0-2 of a 4-page anonymous region (3 demand-zero faults),
 * forks child 2. Child writes page 0: shared -> copy (COW 1). Parent writes
 * page 0: its frame is now only the parent's -> reused, no copy. Parent writes
 * page 1: shared -> copy (COW 2). Child writes page 1: sole owner -> reuse.
 * Child reads page 2: present, no fault. Child writes page 3: demand zero.
 * Child exits: its copies and page 3 are freed, page 2 stays (the parent maps it).
 *   pgfault = 3 + 5 = 8, fault_anon = 4, fault_cow = 2, nr_anon_pages = 3,
 *   page tables: the parent's 4 (PGD, PUD, PMD, PTE); the child's 4 are freed.
 */
static void test_fork_cow(void **state)
{
	struct metrics m;
	char err[512];

	(void)state;
	assert_int_equal(run_csv(",1,mmap,0x10000,16384,,anon|private|rw\n"
	                         ",1,W,0x10000,8,,\n,1,W,0x11000,8,,\n,1,W,0x12000,8,,\n"
	                         ",1,fork,,,,2\n"
	                         ",2,W,0x10000,8,,\n,1,W,0x10000,8,,\n,1,W,0x11000,8,,\n"
	                         ",2,W,0x11000,8,,\n,2,R,0x12000,8,,\n,2,W,0x13000,8,,\n"
	                         ",2,exit,,,,\n",
	                         NULL, &m, err, sizeof(err)),
	                 0);
	assert_int_equal(m.pgfault, 8);
	assert_int_equal(m.fault_anon, 4);
	assert_int_equal(m.fault_cow, 2);
	assert_int_equal(m.nr_anon_pages, 3);
	assert_int_equal(m.nr_page_table_pages, 4);
	assert_int_equal(m.accesses, 9); /* 3 by the parent, then 6 */
	assert_int_equal(m.fault_protection, 0);
}

/* One page in each of K = 3 distinct GiB: 1 + 1 + 3 + 3 table pages; implicit VMAs
 * (no mmap) give one fault per distinct page; a repeat access faults no more. */
static void test_page_tables_and_implicit_vmas(void **state)
{
	struct metrics m;
	char err[512];

	(void)state;
	assert_int_equal(run_csv(",1,R,0x40000000,1,,\n,1,W,0x80000000,1,,\n,1,R,0xc0000000,1,,\n"
	                         ",1,R,0x40000000,1,,\n,1,R,0x40000ffe,4,,\n",
	                         NULL, &m, err, sizeof(err)),
	                 0);
	assert_int_equal(m.nr_page_table_pages, 8);
	/* 0x40000ffe + 4 bytes spans pages 0x40000 and 0x40001: 4 distinct pages */
	assert_int_equal(m.pgfault, 4);
	assert_int_equal(m.accesses, 6);
	assert_int_equal(m.nr_anon_pages, 4);
	assert_int_equal(m.nr_dirty, 0); /* no page was unmapped: dirtiness lives in the PTEs */
}

/* A store to a read-only mapping is a protection fault: counted, skipped, no crash.
 * munmap frees the page and the emptied tables. */
static void test_protection_and_munmap(void **state)
{
	struct metrics m;
	char err[512];

	(void)state;
	assert_int_equal(run_csv(",1,mmap,0x10000,8192,,anon|private|r\n"
	                         ",1,R,0x10000,8,,\n,1,W,0x11000,8,,\n"
	                         ",1,mprotect,0x10000,8192,,rw\n,1,W,0x11000,8,,\n"
	                         ",1,munmap,0x10000,8192,,\n",
	                         NULL, &m, err, sizeof(err)),
	                 0);
	assert_int_equal(m.fault_protection, 1);
	assert_int_equal(m.pgfault, 2);
	assert_int_equal(m.nr_anon_pages, 0);
	assert_int_equal(m.nr_page_table_pages, 1); /* only the PGD remains */
	assert_true(m.tlb_shootdowns >= 2);         /* mprotect and munmap */
}

/* read()/write() through the page cache: 3 pages read in (misses), one re-read (hit). */
static void test_page_cache(void **state)
{
	struct metrics m;
	char err[512];

	(void)state;
	/*
	 * read(0, 8 KiB) misses page 0 at the start of the file: a fresh readahead
	 * window, request 2 pages -> 2 rounded to a power of two is 2 <= 32/4 ->
	 * 4 pages, async part 4 - 2 = 2, PG_readahead on page 0 + 4 - 2 = 2.
	 * Pages 0-3 are read (one miss: page 0; 1-3 arrive by readahead).
	 * write(4 KiB at page 1) dirties it. read(100 bytes of page 2) reaches the
	 * PG_readahead page where the window expects it: the next window starts at
	 * 0 + 4 with 4 -> 8 pages (4 <= 32 / 2), pages 4-11.
	 */
	assert_int_equal(run_csv(",1,read,0,8192,7,\n,1,write,4096,4096,7,\n,1,read,8192,100,7,\n",
	                         NULL, &m, err, sizeof(err)),
	                 0);
	assert_int_equal(m.pagecache_misses, 12);
	assert_int_equal(m.misses, 1);
	assert_int_equal(m.accesses, 4);
	assert_int_equal(m.nr_file_pages, 12);
	assert_int_equal(m.nr_dirty, 1);
	assert_int_equal(m.pgpgin, 48); /* KB */
	/* fadvise(RANDOM): only what is asked is read -> pages 0, 1, 2 */
	assert_int_equal(run_csv(",1,fadvise,0,0,7,random\n,1,read,0,8192,7,\n"
	                         ",1,write,4096,4096,7,\n,1,read,8192,100,7,\n",
	                         NULL, &m, err, sizeof(err)),
	                 0);
	assert_int_equal(m.pagecache_misses, 3);
	assert_int_equal(m.misses, 3);
	assert_int_equal(m.accesses, 4);
	assert_int_equal(m.nr_file_pages, 3);
	assert_int_equal(m.pgpgin, 12);
}

/*
 * Sequential one-page reads of pages 0..99, window at most 32 pages. The miss
 * at page 0 opens [0,4) (request 1 -> x4; async part 3, PG_readahead on page
 * 1). Reaching each marked page pushes the window on by its size, growing it
 * (x4 below 2 pages, x2 up to 16, then 32) with the mark on its first page:
 * page 1 -> [4,12), 4 -> [12,28), 12 -> [28,60), 28 -> [60,92),
 * 60 -> [92,124), 92 -> [124,156). 156 pages read, 1 miss (page 0).
 */
static void test_readahead_sequential(void **state)
{
	struct metrics m;
	char err[512], *body = malloc(100 * 40);
	size_t off = 0;

	(void)state;
	for (int i = 0; i < 100; i++)
		off += (size_t)sprintf(body + off, ",1,read,%d,4096,3,\n", i * 4096);
	assert_int_equal(run_csv(body, NULL, &m, err, sizeof(err)), 0);
	assert_int_equal(m.misses, 1);
	assert_int_equal(m.pagecache_misses, 156);
	assert_int_equal(m.accesses, 100);
	free(body);
}

/*
 * Anonymous memory with no swap cannot be reclaimed, so exhausting memory ends
 * in an OOM kill, and the run completes. 2 MiB = 512 frames, all in DMA with
 * min_free_kbytes = int_sqrt(2048 * 16) = 181 -> min watermark 45 pages.
 * Stores to 600 pages from 0x100000: page tables PGD, PUD, PMD and two PTE
 * tables (the 257th page crosses the 2 MiB boundary at 0x200000) = 5 pages.
 * An order-0 allocation needs free > 45 afterwards... before: free > min. With
 * k anon pages, free = 512 - 5 - k; the 463rd store finds free = 45, not > 45:
 * reclaim finds nothing (anon, no swap), the OOM killer kills pid 1 (the only
 * process) and its record is abandoned. accesses = 463 (the abandoned one
 * included), records_skipped = 1 + the 137 later records = 138.
 */
static void test_out_of_memory_kills(void **state)
{
	struct metrics m;
	char err[512], *body = malloc(600 * 32);
	size_t off = 0;

	(void)state;
	for (int i = 0; i < 600; i++)
		off += (size_t)sprintf(body + off, ",1,W,0x%x,1,,\n", 0x100000 + i * 4096);
	assert_int_equal(run_csv(body, "2M", &m, err, sizeof(err)), 0);
	assert_int_equal(m.oom_kill, 1);
	assert_int_equal(m.accesses, 463);
	assert_int_equal(m.records_skipped, 138);
	assert_int_equal(m.nr_anon_pages, 0);   /* the victim's memory is freed */
	assert_int_equal(m.pgscan_direct, 0);   /* no swap: anon is never scanned */
	assert_int_equal(m.nr_free_pages, 512); /* its page tables too */
	free(body);
}

/* Kernel allocations cannot be reclaimed and have no process to kill: an error naming the record.
 */
static void test_out_of_memory_error(void **state)
{
	struct metrics m;
	char err[512], *body = malloc(600 * 40);
	size_t off = 0;

	(void)state;
	for (int i = 0; i < 600; i++)
		off += (size_t)sprintf(body + off, ",0,alloc,%d,,,order=0|zone=dma\n", i + 1);
	assert_int_equal(run_csv(body, "2M", &m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ": record 468:"));
	assert_non_null(strstr(err, "out of memory"));
	free(body);
}

/*
 * arm32 has no hardware accessed/dirty bits: Linux keeps a clean page
 * read-only to the hardware, so a load then a store to one page takes two
 * faults there (demand zero, then the dirty-bit fault) and one on x86-64
 * (the hardware sets D through the cached translation's walk).
 */
static void test_arm32_dirty_emulation(void **state)
{
	const char *arm[] = {"machine.arch", "arm32", "machine.memory", "64M", NULL};
	const char *x86[] = {"machine.arch", "x86_64", "machine.memory", "64M", NULL};
	const char *body = ",1,R,0x10000,4,,\n,1,W,0x10000,4,,\n,1,W,0x10008,4,,\n";
	struct metrics m;
	char err[512];

	(void)state;
	assert_int_equal(mt_run(body, "linux", arm, NULL, &m, err, sizeof(err)), 0);
	assert_int_equal(m.pgfault, 2);
	assert_int_equal(m.fault_anon, 1);
	assert_int_equal(mt_run(body, "linux", x86, NULL, &m, err, sizeof(err)), 0);
	assert_int_equal(m.pgfault, 1);
}

/*
 * Page-walk caches (tlb.pwc = 4). Two stores to pages of one 2 MiB region.
 * First store: the walk reads only the empty top entry (1 reference), the
 * fault builds the tables, the retried walk reads 4 and caches the 3 upper
 * entries. Second store: its walk starts at the PTE (PDE-cache hit): 1
 * reference, the fault fills the PTE, the retry again 1. 1 + 4 + 1 + 1 = 7;
 * without walk caches 1 + 4 + 4 + 4 = 13.
 */
static void test_page_walk_cache(void **state)
{
	const char *on[] = {"tlb.pwc", "4", NULL};
	const char *body = ",1,W,0x10000,4,,\n,1,W,0x11000,4,,\n";
	struct metrics m;
	char err[512];

	(void)state;
	assert_int_equal(mt_run(body, "linux", on, NULL, &m, err, sizeof(err)), 0);
	assert_int_equal(m.page_walk_refs, 7);
	assert_int_equal(m.pwc_hits, 2);
	assert_int_equal(m.pwc_misses, 2);
	assert_int_equal(mt_run(body, "linux", NULL, NULL, &m, err, sizeof(err)), 0);
	assert_int_equal(m.page_walk_refs, 13);
	assert_int_equal(m.pwc_hits + m.pwc_misses, 0);
}

/*
 * engine.streams = process: one CPU stream per process. pid 1 reads 4 new
 * pages of a file (readahead off: 4 major misses of 80 us = 320 us), pid 2
 * stores 4 times to one anonymous page (a fault, then TLB hits: T2 ns, taken
 * from a run of pid 2 alone). Interleaved in the trace, the default engine runs
 * them on one CPU: 320 us + T2. With a stream per process they overlap:
 * max(320 us, T2) = 320 us. The counters do not change.
 */
static void test_process_streams(void **state)
{
	const char *one[] = {"vm.read_ahead_kb", "0", NULL};
	const char *per[] = {"vm.read_ahead_kb", "0", "engine.streams", "process", NULL};
	const char *both = ",1,read,0,4096,3,\n,2,W,0x10000,8,,\n,1,read,4096,4096,3,\n"
	                   ",2,W,0x10000,8,,\n,1,read,8192,4096,3,\n,2,W,0x10000,8,,\n"
	                   ",1,read,12288,4096,3,\n,2,W,0x10000,8,,\n";
	const char *two = ",2,W,0x10000,8,,\n,2,W,0x10000,8,,\n,2,W,0x10000,8,,\n"
	                  ",2,W,0x10000,8,,\n";
	struct metrics m;
	char err[512];
	uint64_t t2;

	(void)state;
	assert_int_equal(mt_run(two, "linux", one, NULL, &m, err, sizeof(err)), 0);
	t2 = m.sim_time_ns;
	assert_true(t2 > 500 && t2 < 10000); /* a minor fault and a few accesses */
	assert_int_equal(mt_run(both, "linux", one, NULL, &m, err, sizeof(err)), 0);
	assert_int_equal(m.sim_time_ns, 320000 + t2);
	assert_int_equal(m.pagecache_misses, 4);
	assert_int_equal(m.fault_anon, 1);
	assert_int_equal(mt_run(both, "linux", per, NULL, &m, err, sizeof(err)), 0);
	assert_int_equal(m.sim_time_ns, 320000);
	assert_int_equal(m.pagecache_misses, 4);
	assert_int_equal(m.fault_anon, 1);
}

/*
 * A child's stream starts when its fork runs, at its parent's clock. pid 1
 * stores to a page, reads a file page (80 us), forks pid 2; pid 2's load of
 * the page must find it mapped (inherited: no fault), even though pid 2's
 * record would be "earlier" by its own empty clock; and the run ends after
 * the 80 us.
 */
static void test_process_streams_fork(void **state)
{
	const char *per[] = {"vm.read_ahead_kb", "0", "engine.streams", "process", NULL};
	const char *body = ",1,W,0x10000,8,,\n,1,read,0,4096,3,\n,1,fork,,,,2\n"
	                   ",2,R,0x10000,8,,\n";
	struct metrics m;
	char err[512];

	(void)state;
	assert_int_equal(mt_run(body, "linux", per, NULL, &m, err, sizeof(err)), 0);
	assert_int_equal(m.pgfault, 1);
	assert_int_equal(m.fault_anon, 1);
	assert_true(m.sim_time_ns > 80000);
}

/*
 * cost.tlb_l2_hit: an L1 dTLB of one entry and an L2 of 64. A B A B A: after
 * the first A and B (walks), every access misses the 1-entry L1 and hits the
 * L2: 3 L2 hits, each charged cost.tlb_l2_hit on top of the rest, so raising
 * it from 0 to 100 ns adds exactly 300 ns.
 */
static void test_l2_hit_cost(void **state)
{
	const char *zero[] = {"tlb.l1d.entries",
	                      "1",
	                      "tlb.l1d.ways",
	                      "1",
	                      "tlb.l2.entries",
	                      "64",
	                      "tlb.l2.ways",
	                      "64",
	                      "cost.tlb_l2_hit",
	                      "0",
	                      NULL};
	const char *hundred[] = {"tlb.l1d.entries",
	                         "1",
	                         "tlb.l1d.ways",
	                         "1",
	                         "tlb.l2.entries",
	                         "64",
	                         "tlb.l2.ways",
	                         "64",
	                         "cost.tlb_l2_hit",
	                         "100ns",
	                         NULL};
	const char *body = ",1,R,0x10000,8,,\n,1,R,0x11000,8,,\n,1,R,0x10000,8,,\n"
	                   ",1,R,0x11000,8,,\n,1,R,0x10000,8,,\n";
	struct metrics m;
	char err[512];
	uint64_t t0;

	(void)state;
	assert_int_equal(mt_run(body, "linux", zero, NULL, &m, err, sizeof(err)), 0);
	t0 = m.sim_time_ns;
	assert_int_equal(m.tlb_l2_hit, 3);
	assert_int_equal(mt_run(body, "linux", hundred, NULL, &m, err, sizeof(err)), 0);
	assert_int_equal(m.sim_time_ns, t0 + 300);
}

/* @n stores by pid @pid to consecutive pages from 0x10000000 (256 MiB: 2 MiB aligned). */
static char *numa_stores(char *buf, size_t *off, int pid, int n)
{
	for (int i = 0; i < n; i++)
		*off += (size_t)sprintf(buf + *off, ",%d,W,0x%x,1,,\n", pid, 0x10000000 + i * 4096);
	return buf;
}

/*
 * Two NUMA nodes of 32 MiB (machine.memory 64M): node 0 is DMA [0,4096) and
 * DMA32 [4096,8192), node 1 DMA32 [8192,16384). min_free_kbytes =
 * int_sqrt(65536 * 16) = 1024, pages_min 256 shared by managed pages: DMA 64,
 * DMA32(0) 64, DMA32(1) 128; gap = tmp / 4, so LOW = 80, 80, 160.
 * lowmem_reserve is per node: DMA keeps (DMA32 + Normal of node 0) / 256 = 16
 * from user allocations, DMA32 keeps Normal / 256 = 0 (node 0 has no Normal).
 * The fast path takes a zone while free > LOW + reserve, so node 0 serves
 * (4096 - 80) + (4096 - 96) = 8016 allocations and node 1 then 8192 - 160.
 * 9000 stores make 9000 data pages and 21 page-table pages (PGD, PUD, PMD,
 * 18 PTE tables). With zone_reclaim_mode = 0 the rest spills to the other
 * node without waking kswapd: numa_hit = 8016, numa_miss = numa_foreign =
 * numa_other = 1005. Bound to node 1 instead: hit = 8032, miss = 989. Two
 * processes of 100 pages spread over the nodes: every allocation is local,
 * hit = 2 x (100 + 4).
 */
static void test_numa_fallback(void **state)
{
	const char *node0[] = {
	        "machine.memory", "64M", "machine.nodes", "2", "numa.placement", "0", NULL};
	const char *bound[] = {"machine.memory",
	                       "64M",
	                       "machine.nodes",
	                       "2",
	                       "numa.placement",
	                       "0",
	                       "numa.bind",
	                       "1:1",
	                       NULL};
	const char *spread[] = {"machine.memory", "64M", "machine.nodes", "2", NULL};
	struct metrics m;
	char err[512], *body = malloc(9200 * 32);
	size_t off = 0;

	(void)state;
	numa_stores(body, &off, 1, 9000);
	assert_int_equal(mt_run(body, "linux", node0, NULL, &m, err, sizeof(err)), 0);
	assert_int_equal(m.numa_hit, 8016);
	assert_int_equal(m.numa_local, 8016);
	assert_int_equal(m.numa_miss, 1005);
	assert_int_equal(m.numa_foreign, 1005);
	assert_int_equal(m.numa_other, 1005);
	assert_int_equal(m.kswapd_wakeups, 0);
	assert_int_equal(m.nr_free_pages, 16384 - 9021);
	assert_int_equal(mt_run(body, "linux", bound, NULL, &m, err, sizeof(err)), 0);
	assert_int_equal(m.numa_hit, 8032);
	assert_int_equal(m.numa_miss, 989);
	off = 0;
	numa_stores(body, &off, 1, 100);
	numa_stores(body, &off, 2, 100);
	assert_int_equal(mt_run(body, "linux", spread, NULL, &m, err, sizeof(err)), 0);
	assert_int_equal(m.numa_hit, 208);
	assert_int_equal(m.numa_miss, 0);
	free(body);
}

/*
 * Each node reclaims its own pages. One process (placed on node 0) stores to
 * 10000 pages of a 32 MiB two-node machine with swap: it spills onto node 1,
 * then reclaim swaps. The invariant checker verifies after every record that
 * each node's policy instance lists exactly the data pages on that node's
 * frames. A placement naming a node that does not exist is an error.
 */
static void test_numa_reclaim(void **state)
{
	const char *sets[] = {"machine.memory",
	                      "32M",
	                      "machine.nodes",
	                      "2",
	                      "swap.size",
	                      "64M",
	                      "debug.check_invariants",
	                      "1",
	                      NULL};
	const char *bad[] = {
	        "machine.memory", "32M", "machine.nodes", "2", "numa.placement", "2", NULL};
	struct metrics m;
	char err[512], *body = malloc(12000 * 32);
	size_t off = 0;

	(void)state;
	numa_stores(body, &off, 1, 10000);
	assert_int_equal(mt_run(body, "linux", sets, NULL, &m, err, sizeof(err)), 0);
	assert_true(m.pswpout > 0);
	assert_true(m.numa_miss > 0);
	assert_int_equal(m.numa_hit + m.numa_miss, m.pgalloc);
	assert_int_equal(m.oom_kill, 0);
	assert_int_equal(mt_run(body, "linux", bad, NULL, &m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "numa.placement"));
	free(body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_fork_cow),
	        cmocka_unit_test(test_page_tables_and_implicit_vmas),
	        cmocka_unit_test(test_protection_and_munmap),
	        cmocka_unit_test(test_page_cache),
	        cmocka_unit_test(test_readahead_sequential),
	        cmocka_unit_test(test_out_of_memory_kills),
	        cmocka_unit_test(test_out_of_memory_error),
	        cmocka_unit_test(test_arm32_dirty_emulation),
	        cmocka_unit_test(test_page_walk_cache),
	        cmocka_unit_test(test_process_streams),
	        cmocka_unit_test(test_process_streams_fork),
	        cmocka_unit_test(test_l2_hit_cost),
	        cmocka_unit_test(test_numa_fallback),
	        cmocka_unit_test(test_numa_reclaim),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
