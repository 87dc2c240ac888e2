/* SPDX-License-Identifier: MIT */
/*
 * metrics.h - every counter and gauge mmsim reports, in CSV column order.
 *
 * The order below IS the column order of summary.csv (after the run
 * parameters) and timeline.csv (after time_ns). It is a contract: never
 * reorder or rename; append new columns at the end of the list.
 * Names are /proc/vmstat's where one exists, KSM's sysfs names prefixed
 * ksm_, and simulator-only names documented in the README.
 *
 * C = cumulative counter (event count since the start), G = gauge (current value).
 */
#ifndef MMSIM_METRICS_H
#define MMSIM_METRICS_H

#include <stdint.h>
#include <stdio.h>

#define MMSIM_METRICS(X)                                                                           \
	X(accesses, C)         /* R/W/X accesses and read()/write() page touches */                \
	X(sim_time_ns, G)      /* simulated time */                                                \
	X(misses, C)           /* accesses whose page was not resident (cold too) */               \
	X(evictions, C)        /* pages evicted by reclaim */                                      \
	X(dirty_evictions, C)  /* evicted pages written since they were loaded */                  \
	X(pagecache_misses, C) /* file pages read from backing store */                            \
	X(pgfault, C)                                                                              \
	X(pgmajfault, C)                                                                           \
	X(pswpin, C)                                                                               \
	X(pswpout, C)                                                                              \
	X(pgpgin, C)                                                                               \
	X(pgpgout, C)                                                                              \
	X(pgalloc, C) /* pages allocated (all zones) */                                            \
	X(pgfree, C)                                                                               \
	X(pgscan_kswapd, C)                                                                        \
	X(pgscan_direct, C)                                                                        \
	X(pgsteal_kswapd, C)                                                                       \
	X(pgsteal_direct, C)                                                                       \
	X(pgscan_anon, C)                                                                          \
	X(pgscan_file, C)                                                                          \
	X(pgsteal_anon, C)                                                                         \
	X(pgsteal_file, C)                                                                         \
	X(pgactivate, C)                                                                           \
	X(pgdeactivate, C)                                                                         \
	X(pgrefill, C)                                                                             \
	X(pgrotated, C)                                                                            \
	X(allocstall, C)                                                                           \
	X(pageoutrun, C)                                                                           \
	X(kswapd_wakeups, C) /* kswapd woken from sleep */                                         \
	X(kswapd_low_wmark_hit_quickly, C)                                                         \
	X(kswapd_high_wmark_hit_quickly, C)                                                        \
	X(direct_reclaim_stall_ns, C) /* simulated time spent in direct reclaim */                 \
	X(workingset_refault_anon, C)                                                              \
	X(workingset_refault_file, C)                                                              \
	X(workingset_activate_anon, C)                                                             \
	X(workingset_activate_file, C)                                                             \
	X(workingset_restore_anon, C)                                                              \
	X(workingset_restore_file, C)                                                              \
	X(workingset_nodereclaim, C)                                                               \
	X(swap_ra, C)                                                                              \
	X(swap_ra_hit, C)                                                                          \
	X(oom_kill, C)                                                                             \
	X(records_skipped, C)  /* records of processes killed by OOM */                            \
	X(fault_anon, C)       /* demand-zero anonymous faults */                                  \
	X(fault_file, C)       /* faults on file mappings */                                       \
	X(fault_cow, C)        /* copy-on-write faults */                                          \
	X(fault_swapin, C)     /* faults on swapped-out pages */                                   \
	X(fault_protection, C) /* accesses violating protection (counted, no crash) */             \
	X(tlb_l1d_hit, C)                                                                          \
	X(tlb_l1d_miss, C)                                                                         \
	X(tlb_l1i_hit, C)                                                                          \
	X(tlb_l1i_miss, C)                                                                         \
	X(tlb_l2_hit, C)                                                                           \
	X(tlb_l2_miss, C)                                                                          \
	X(page_walks, C)     /* hardware page-table walks */                                       \
	X(page_walk_refs, C) /* memory references made by walks */                                 \
	X(tlb_shootdowns, C) /* TLB flush operations (ranges, pages, full) */                      \
	X(cow_ksm, C)                                                                              \
	X(ksm_swpin_copy, C)                                                                       \
	X(ksm_full_scans, C)                                                                       \
	X(ksm_pages_scanned, C)                                                                    \
	X(ksm_pages_skipped, C)                                                                    \
	X(nr_free_pages, G)                                                                        \
	X(nr_free_dma, G) /* free pages per zone */                                                \
	X(nr_free_dma32, G)                                                                        \
	X(nr_free_normal, G)                                                                       \
	X(nr_free_highmem, G)                                                                      \
	X(nr_free_movable, G)                                                                      \
	X(nr_inactive_anon, G)                                                                     \
	X(nr_active_anon, G)                                                                       \
	X(nr_inactive_file, G)                                                                     \
	X(nr_active_file, G)                                                                       \
	X(nr_unevictable, G)                                                                       \
	X(nr_anon_pages, G)                                                                        \
	X(nr_file_pages, G)                                                                        \
	X(nr_mapped, G)                                                                            \
	X(nr_dirty, G)                                                                             \
	X(nr_swapcached, G)                                                                        \
	X(nr_swap_used, G) /* swap slots in use */                                                 \
	X(nr_page_table_pages, G)                                                                  \
	X(nr_kernel_alloc_pages, G) /* pages held by trace alloc ops */                            \
	X(workingset_nodes, G)                                                                     \
	X(ksm_pages_shared, G)                                                                     \
	X(ksm_pages_sharing, G)                                                                    \
	X(ksm_pages_unshared, G)                                                                   \
	X(ksm_pages_volatile, G)                                                                   \
	X(ksm_stable_node_chains, G)                                                               \
	X(ksm_stable_node_dups, G)                                                                 \
	X(ksm_zero_pages, G)                                                                       \
	X(ksm_general_profit, G)                                                                   \
	X(buddy_order0, G) /* free blocks of each order, all zones (buddyinfo) */                  \
	X(buddy_order1, G)                                                                         \
	X(buddy_order2, G)                                                                         \
	X(buddy_order3, G)                                                                         \
	X(buddy_order4, G)                                                                         \
	X(buddy_order5, G)                                                                         \
	X(buddy_order6, G)                                                                         \
	X(buddy_order7, G)                                                                         \
	X(buddy_order8, G)                                                                         \
	X(buddy_order9, G)                                                                         \
	X(buddy_order10, G)                                                                        \
	X(wmark_min, G)    /* sum of the zones' min watermarks (pages) */                          \
	X(wmark_low, G)    /* ... low watermarks */                                                \
	X(wmark_high, G)   /* ... high watermarks */                                               \
	X(pwc_hits, C)     /* page walks that skipped levels (walk caches) */                      \
	X(pwc_misses, C)   /* page walks read from the top */                                      \
	X(numa_hit, C)     /* allocations served by the node they preferred (the local one) */     \
	X(numa_miss, C)    /* allocations served by a node they did not prefer */                  \
	X(numa_foreign, C) /* allocations that preferred a node but went elsewhere */              \
	X(numa_local, C)   /* allocations served by the allocating CPU's node */                   \
	X(numa_other, C)   /* allocations served by another node */                                \
	X(nr_writeback, G) /* pages under writeback (asynchronous swap writes) */

/* All metrics of a run; plain fields bumped in place, read at sampling ticks. */
struct metrics {
#define METRIC_FIELD(name, kind) uint64_t name;
	MMSIM_METRICS(METRIC_FIELD)
#undef METRIC_FIELD
};

/* The run parameters that open every summary.csv row (before the metrics). */
#define MMSIM_RUN_PARAMS(X)                                                                        \
	X(trace)             /* trace path(s), ';'-separated */                                    \
	X(policy)            /* policy name */                                                     \
	X(memory_bytes)      /* machine.memory */                                                  \
	X(memcg_limit_bytes) /* --memcg-limit, 0 = none */                                         \
	X(capacity_pages)    /* --capacity (cache mode), 0 = full machine */                       \
	X(arch)              /* machine.arch */                                                    \
	X(page_size)         /* bytes */                                                           \
	X(seed)              /* --seed */                                                          \
	X(config_hash)       /* FNV-1a of the effective config.ini, hex */

#endif /* MMSIM_METRICS_H */
