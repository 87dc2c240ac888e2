/* SPDX-License-Identifier: MIT */
/*
 * zone.h - physical memory: zones with the kernel's watermarks and
 * lowmem_reserve, and a buddy allocator per zone (sim/buddy.c).
 */
#ifndef MMSIM_ZONE_H
#define MMSIM_ZONE_H

#include "frame.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum zone_type { ZONE_DMA, ZONE_DMA32, ZONE_NORMAL, ZONE_HIGHMEM, ZONE_MOVABLE, NR_ZONE_TYPES };
enum zone_wmark { WMARK_MIN, WMARK_LOW, WMARK_HIGH, WMARK_PROMO, NR_WMARK };

#define BUDDY_MAX_ORDER 10 /* largest block 2^10 pages = 4 MiB (x86-64, 6.x MAX_PAGE_ORDER) */
#define MAX_ZONES       5  /* zones a node can have */
#define MAX_NODES       8  /* NUMA nodes a machine can have */

struct zone {
	enum zone_type type;                     /* DMA, DMA32, ... */
	unsigned node;                           /* NUMA node */
	unsigned idx;                            /* zone index within the node (zone_idx()) */
	uint32_t start_pfn;                      /* first frame */
	uint32_t end_pfn;                        /* one past the last frame */
	uint64_t managed;                        /* pages the allocator manages (= present here) */
	uint64_t wmark[NR_WMARK];                /* min, low, high, promo (pages) */
	uint64_t lowmem_reserve[MAX_ZONES];      /* protection against allocations for zone j */
	uint32_t free_head[BUDDY_MAX_ORDER + 1]; /* free list heads per order */
	uint64_t nr_listed[BUDDY_MAX_ORDER + 1]; /* blocks on each list */
	uint64_t nr_free;                        /* free pages (listed and never used) */
	uint32_t fresh_pfn;                      /* next never-used max-order block */
	uint32_t fresh_end;                      /* end of the never-used region */
};

/* A zone of a layout: [start_pfn, end_pfn) of a type. */
struct zone_spec {
	enum zone_type type; /* zone type */
	uint32_t start_pfn;  /* first frame */
	uint32_t end_pfn;    /* one past the last */
};

/*
 * Zones are kept flat, node after node: zone idx of node n is
 * zones[n * nr_zones + idx]. Every node has the same nr_zones zone indices
 * (the arch's), some of them empty, as every pgdat has all node_zones[].
 */
struct physmem {
	struct frame *frames;                     /* descriptors, indexed by pfn */
	uint64_t nr_frames;                       /* frames of the machine */
	struct zone zones[MAX_NODES * MAX_ZONES]; /* flat: node by node, in address order */
	unsigned nr_zones;                        /* zone indices per node */
	unsigned nr_nodes;                        /* NUMA nodes */
	uint32_t node_start[MAX_NODES + 1]; /* node n spans [node_start[n], node_start[n+1]) */
	uint64_t min_free_kbytes;           /* in force */
	unsigned watermark_scale_factor;    /* vm.watermark_scale_factor */
};

/**
 * zone_layout() - the zones Linux creates for @arch with @bytes of memory
 * starting at physical address 0. Return: number of zones, or -1 if @arch is
 * unknown or @bytes is not a multiple of 4 KiB / too large.
 */
int zone_layout(const char *arch, uint64_t bytes, struct zone_spec *out);

/* zone_type_name() - "DMA", "DMA32", "Normal", "HighMem", "Movable" (zoneinfo spelling). */
const char *zone_type_name(enum zone_type t);

/**
 * physmem_init() - build zones from @specs, compute min_free_kbytes (or take
 * @min_free_kbytes when non-zero, as writing the sysctl does), watermarks
 * and lowmem_reserve (@ratio per zone type), and fill the buddy allocator.
 */
void physmem_init(struct physmem *pm, const struct zone_spec *specs, unsigned nr,
                  uint64_t min_free_kbytes, unsigned watermark_scale_factor,
                  const unsigned ratio[NR_ZONE_TYPES]);
/**
 * physmem_init_nodes() - as physmem_init(), with memory split into @nodes
 * equal nodes (each a multiple of 4 MiB, the last takes the rest, as
 * numa=fake does); a zone's pages on node n form that node's zone of the
 * type. Watermarks are shared out over all zones of all nodes; lowmem_reserve
 * is per node. The caller checks that every node gets at least 4 MiB.
 */
void physmem_init_nodes(struct physmem *pm, const struct zone_spec *specs, unsigned nr,
                        unsigned nodes, uint64_t min_free_kbytes, unsigned watermark_scale_factor,
                        const unsigned ratio[NR_ZONE_TYPES]);
void physmem_free(struct physmem *pm);

/* pm_zone() - zone @idx of @node. */
static inline struct zone *pm_zone(struct physmem *pm, unsigned node, unsigned idx)
{
	return &pm->zones[node * pm->nr_zones + idx];
}

/* pm_nr_flat() - zones of all nodes. */
static inline unsigned pm_nr_flat(const struct physmem *pm)
{
	return pm->nr_nodes * pm->nr_zones;
}

/* pfn_zone() - the zone @pfn was allocated from (set by the buddy allocator). */
static inline struct zone *pfn_zone(struct physmem *pm, uint32_t pfn)
{
	return &pm->zones[frame_zone(&pm->frames[pfn])];
}

/* pfn_node() - the NUMA node of @pfn. */
static inline unsigned pfn_node(const struct physmem *pm, uint32_t pfn)
{
	unsigned n = 0;

	while (n + 1 < pm->nr_nodes && pfn >= pm->node_start[n + 1])
		n++;
	return n;
}

/* int_sqrt() - floor(sqrt(x)), exactly as the kernel's lib/math/int_sqrt.c. */
uint64_t int_sqrt(uint64_t x);

/* zone_mult_frac() - x * n / d without overflow, the kernel's mult_frac(). */
uint64_t zone_mult_frac(uint64_t x, uint64_t n, uint64_t d);

/**
 * zone_watermark_ok() - __zone_watermark_ok(): can @z serve an order-@order
 * allocation whose highest usable zone is @highest_idx, keeping free pages
 * above @mark? Strictly greater, lowmem_reserve applied, and for order > 0 a
 * free block of at least that order must exist.
 */
bool zone_watermark_ok(const struct zone *z, unsigned order, uint64_t mark, unsigned highest_idx);

/* Buddy allocator (sim/buddy.c). */
uint32_t buddy_alloc(struct physmem *pm, unsigned zone_idx, unsigned order);
void buddy_free(struct physmem *pm, uint32_t pfn, unsigned order);
/* Buddy zone indices are flat (node * nr_zones + idx). */
/* buddy_nr_free_blocks() - free blocks of exactly @order in zone @zone_idx (buddyinfo). */
uint64_t buddy_nr_free_blocks(const struct physmem *pm, unsigned zone_idx, unsigned order);
/* buddy_check() - verify every invariant; returns 0 or -1 with the first problem in @err. */
int buddy_check(const struct physmem *pm, char *err, size_t errlen);

#endif /* MMSIM_ZONE_H */
