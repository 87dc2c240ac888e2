/* SPDX-License-Identifier: MIT */
/*
 * ksm.h - kernel samepage merging for the full machine (the theory is in ksm.c).
 */
#ifndef MMSIM_KSM_H
#define MMSIM_KSM_H

#include <stdbool.h>
#include <stdint.h>

struct machine;
struct mm;
struct event;
struct ksm;

#define KSM_NO_CONTENT UINT64_MAX /* a W record without a fingerprint */

/* ksm_create() - from the [ksm] keys; NULL when ksm.run = 0 (KSM costs nothing then). */
struct ksm *ksm_create(struct machine *mc);
void ksm_destroy(struct ksm *k);

/* Page content (fingerprints) of anonymous frames. */
void ksm_page_new(struct ksm *k, uint32_t pfn);                     /* demand zero: content 0 */
void ksm_page_copy(struct ksm *k, uint32_t to, uint32_t from);      /* COW, swap-in copy */
void ksm_page_write(struct ksm *k, uint32_t pfn, uint64_t content); /* a store */
uint64_t ksm_page_content(const struct ksm *k, uint32_t pfn);
void ksm_page_set_content(struct ksm *k, uint32_t pfn, uint64_t content);

/* madvise(MERGEABLE / UNMERGEABLE) on [start, end) of @mm (the VMA flags are set by the caller). */
void ksm_madvise(struct ksm *k, struct mm *mm, uint64_t start, uint64_t end, bool merge);
/* @mm's PTE for @va, which maps KSM page @kpfn, goes away (zap, COW break, unmerge). */
void ksm_unmap(struct ksm *k, struct mm *mm, uint64_t va, uint32_t kpfn);
/* KSM page @kpfn leaves memory (reclaimed or its last mapping gone). */
void ksm_page_freed(struct ksm *k, uint32_t kpfn);
/* The process exits: forget its rmap items. */
void ksm_mm_exit(struct ksm *k, struct mm *mm);

/* Called for each (mm, va) mapping a KSM page; return false to stop. */
typedef bool (*ksm_rmap_fn)(struct machine *mc, struct mm *mm, uint64_t va, uint64_t *pte,
                            void *arg);
void ksm_rmap_walk(struct ksm *k, uint32_t kpfn, ksm_rmap_fn fn, void *arg);

/* ksmd: the first wake-up time, and one wake-up (scans pages_to_scan pages). */
uint64_t ksm_first_wakeup(const struct ksm *k);
/* ksm_scan() - run a wake-up at @now. Return: the time of the next one. */
uint64_t ksm_scan(struct ksm *k, uint64_t now);

/* Counters (sysfs meanings) into the metrics. */
void ksm_gauges(struct ksm *k);

#endif /* MMSIM_KSM_H */
