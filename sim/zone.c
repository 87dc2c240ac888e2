// SPDX-License-Identifier: MIT
/*
 * zone.c - zones, min_free_kbytes, watermarks and lowmem_reserve.
 *
 * Theory (mm/page_alloc.c, see reference/linux-mm-facts.md section 1):
 *
 *   min_free_kbytes = int_sqrt(lowmem_kbytes * 16), clamped to [128, 262144],
 *   where lowmem_kbytes counts the managed pages of every zone that is not
 *   HighMem or Movable. Writing vm.min_free_kbytes replaces it.
 *
 *   pages_min = min_free_kbytes / 4; for each zone, its share
 *   tmp = pages_min * managed / lowmem_pages. Lowmem zones get MIN = tmp;
 *   HighMem and Movable get MIN = clamp(managed / 1024, 32, 128).
 *   gap = max(tmp / 4, managed * watermark_scale_factor / 10000);
 *   LOW = MIN + gap, HIGH = LOW + gap, PROMO = HIGH + gap.
 *
 *   lowmem_reserve[j] of zone i (j > i) = (managed pages of zones i+1..j) /
 *   lowmem_reserve_ratio[i]; 0 when the ratio is 0 or zone i is empty. An
 *   allocation that could have used zone j must leave that many pages free
 *   in zone i on top of the watermark ("protection" in /proc/zoneinfo).
 *
 * Zone layouts: memory starts at physical address 0 and is contiguous (no
 * firmware holes); managed = present (memblock reservations are not
 * modelled). x86-64 (both paging modes): DMA below 16 MiB, DMA32 below 4 GiB,
 * Normal above. x86-32 without PAE: DMA below 16 MiB, Normal below 896 MiB
 * (the 3G/1G split's lowmem), HighMem above. arm64: ZONE_DMA covers the
 * first 4 GiB when no device or firmware limits DMA to less (zone_dma_limit;
 * [unverified for every platform]) and DMA32 is empty, Normal above. arm32
 * (3G/1G split, 240 MiB vmalloc): Normal below 760 MiB, HighMem above.
 * Every layout also has an empty Movable zone, as kernels built with
 * ZONE_MOVABLE do (it only gains pages with kernelcore=/movablecore=).
 *
 * NUMA: machine.nodes > 1 splits memory into equal nodes by address, as
 * numa=fake=N does; zones are address ranges, so node 0 holds DMA and DMA32
 * and every node a Normal zone (the other zone indices of a node are empty).
 * min_free_kbytes and the watermarks are computed over all nodes' zones
 * (for_each_zone); lowmem_reserve within each node (for_each_online_pgdat).
 */
#include "zone.h"

#include "util.h"

#include <string.h>

#define SZ_1M (1ULL << 20)

static const char *const zone_names[NR_ZONE_TYPES] = {
        [ZONE_DMA] = "DMA",         [ZONE_DMA32] = "DMA32",     [ZONE_NORMAL] = "Normal",
        [ZONE_HIGHMEM] = "HighMem", [ZONE_MOVABLE] = "Movable",
};

const char *zone_type_name(enum zone_type t)
{
	return t < NR_ZONE_TYPES ? zone_names[t] : "?";
}

uint64_t int_sqrt(uint64_t x)
{
	/* The kernel's digit-by-digit method: exact floor, no floating point. */
	uint64_t b, m, y = 0;

	if (x <= 1)
		return x;
	m = 1ULL << (63 & ~1); /* highest even power of two */
	while (m > x)
		m >>= 2;
	while (m != 0) {
		b = y + m;
		y >>= 1;
		if (x >= b) {
			x -= b;
			y += m;
		}
		m >>= 2;
	}
	return y;
}

uint64_t zone_mult_frac(uint64_t x, uint64_t n, uint64_t d)
{
	return (x / d) * n + ((x % d) * n) / d;
}

int zone_layout(const char *arch, uint64_t bytes, struct zone_spec *out)
{
	struct {
		enum zone_type type;
		uint64_t limit; /* zone ends here (bytes), 0 = end of memory */
	} plan[MAX_ZONES];
	unsigned np = 0, n = 0;
	uint64_t start = 0, pages = bytes >> 12;

	if ((bytes & 4095) || !pages || pages > (1ULL << 32) - 2)
		return -1;
	if (!strcmp(arch, "x86_64") || !strcmp(arch, "x86_64-la57")) {
		plan[np].type = ZONE_DMA, plan[np++].limit = 16 * SZ_1M;
		plan[np].type = ZONE_DMA32, plan[np++].limit = 4096 * SZ_1M;
		plan[np].type = ZONE_NORMAL, plan[np++].limit = 0;
	} else if (!strcmp(arch, "x86_32")) {
		plan[np].type = ZONE_DMA, plan[np++].limit = 16 * SZ_1M;
		plan[np].type = ZONE_NORMAL, plan[np++].limit = 896 * SZ_1M;
		plan[np].type = ZONE_HIGHMEM, plan[np++].limit = 0;
	} else if (!strcmp(arch, "arm64")) {
		plan[np].type = ZONE_DMA, plan[np++].limit = 4096 * SZ_1M;
		plan[np].type = ZONE_DMA32, plan[np++].limit = 4096 * SZ_1M;
		plan[np].type = ZONE_NORMAL, plan[np++].limit = 0;
	} else if (!strcmp(arch, "arm32")) {
		plan[np].type = ZONE_NORMAL, plan[np++].limit = 760 * SZ_1M;
		plan[np].type = ZONE_HIGHMEM, plan[np++].limit = 0;
	} else {
		return -1;
	}
	plan[np].type = ZONE_MOVABLE, plan[np++].limit = 0;
	for (unsigned i = 0; i < np; i++) {
		uint64_t end = plan[i].limit && plan[i].limit < bytes ? plan[i].limit : bytes;

		if (plan[i].type == ZONE_MOVABLE)
			end = bytes; /* empty: starts and ends at the end of memory */
		if (end < start)
			end = start;
		out[n].type = plan[i].type;
		out[n].start_pfn = (uint32_t)(start >> 12);
		out[n].end_pfn = (uint32_t)(end >> 12);
		if (plan[i].type == ZONE_MOVABLE)
			out[n].start_pfn = out[n].end_pfn;
		n++;
		start = end;
	}
	return (int)n;
}

static bool zone_is_lowmem(const struct zone *z)
{
	return z->type != ZONE_HIGHMEM && z->type != ZONE_MOVABLE;
}

static void setup_watermarks(struct physmem *pm, uint64_t user_min_free_kbytes)
{
	uint64_t lowmem_pages = 0, pages_min;
	unsigned nz = pm_nr_flat(pm);

	/* __setup_per_zone_wmarks: every zone of every node shares one min_free_kbytes */
	for (unsigned i = 0; i < nz; i++)
		if (zone_is_lowmem(&pm->zones[i]))
			lowmem_pages += pm->zones[i].managed;
	if (user_min_free_kbytes) {
		pm->min_free_kbytes = user_min_free_kbytes;
	} else {
		uint64_t v = int_sqrt(lowmem_pages * 4 * 16);

		pm->min_free_kbytes = v < 128 ? 128 : v > 262144 ? 262144 : v;
	}
	pages_min = pm->min_free_kbytes >> 2;
	for (unsigned i = 0; i < nz; i++) {
		struct zone *z = &pm->zones[i];
		uint64_t tmp = lowmem_pages ? pages_min * z->managed / lowmem_pages : 0;
		uint64_t gap;

		if (zone_is_lowmem(z)) {
			z->wmark[WMARK_MIN] = tmp;
		} else {
			uint64_t m = z->managed / 1024;

			z->wmark[WMARK_MIN] = m < 32 ? 32 : m > 128 ? 128 : m;
		}
		gap = zone_mult_frac(z->managed, pm->watermark_scale_factor, 10000);
		if ((tmp >> 2) > gap)
			gap = tmp >> 2;
		z->wmark[WMARK_LOW] = z->wmark[WMARK_MIN] + gap;
		z->wmark[WMARK_HIGH] = z->wmark[WMARK_LOW] + gap;
		z->wmark[WMARK_PROMO] = z->wmark[WMARK_HIGH] + gap;
	}
}

/* setup_per_zone_lowmem_reserve: within each node (pgdat) separately. */
static void setup_lowmem_reserve(struct physmem *pm, const unsigned ratio[NR_ZONE_TYPES])
{
	for (unsigned n = 0; n < pm->nr_nodes; n++)
		for (unsigned i = 0; i < pm->nr_zones; i++) {
			struct zone *z = pm_zone(pm, n, i);
			unsigned r = ratio[z->type];
			uint64_t managed = 0;

			memset(z->lowmem_reserve, 0, sizeof(z->lowmem_reserve));
			for (unsigned j = i + 1; j < pm->nr_zones; j++) {
				managed += pm_zone(pm, n, j)->managed;
				z->lowmem_reserve[j] = (!r || !z->managed) ? 0 : managed / r;
			}
		}
}

void buddy_init_zone(struct physmem *pm, unsigned zone_idx); /* buddy.c */

void physmem_init(struct physmem *pm, const struct zone_spec *specs, unsigned nr,
                  uint64_t min_free_kbytes, unsigned watermark_scale_factor,
                  const unsigned ratio[NR_ZONE_TYPES])
{
	physmem_init_nodes(pm, specs, nr, 1, min_free_kbytes, watermark_scale_factor, ratio);
}

void physmem_init_nodes(struct physmem *pm, const struct zone_spec *specs, unsigned nr,
                        unsigned nodes, uint64_t min_free_kbytes, unsigned watermark_scale_factor,
                        const unsigned ratio[NR_ZONE_TYPES])
{
	uint64_t per_node;

	memset(pm, 0, sizeof(*pm));
	SIM_BUG_ON(nr == 0 || nr > MAX_ZONES || nodes == 0 || nodes > MAX_NODES);
	pm->nr_zones = nr;
	pm->nr_nodes = nodes;
	pm->watermark_scale_factor = watermark_scale_factor;
	for (unsigned i = 0; i < nr; i++)
		if (specs[i].end_pfn > pm->nr_frames)
			pm->nr_frames = specs[i].end_pfn;
	/* equal nodes in whole max-order blocks, so that no buddy spans two nodes */
	per_node = (pm->nr_frames / nodes) & ~((1ULL << BUDDY_MAX_ORDER) - 1);
	for (unsigned n = 0; n < nodes; n++)
		pm->node_start[n] = (uint32_t)(n * per_node);
	pm->node_start[nodes] = (uint32_t)pm->nr_frames;
	for (unsigned n = 0; n < nodes; n++)
		for (unsigned i = 0; i < nr; i++) {
			struct zone *z = pm_zone(pm, n, i);
			uint32_t a = specs[i].start_pfn, b = specs[i].end_pfn;

			/* the zone's address range intersected with the node's */
			if (a < pm->node_start[n])
				a = pm->node_start[n];
			if (b > pm->node_start[n + 1])
				b = pm->node_start[n + 1];
			if (b < a)
				b = a = pm->node_start[n + 1];
			z->type = specs[i].type;
			z->node = n;
			z->idx = i;
			z->start_pfn = a;
			z->end_pfn = b;
			z->managed = b - a;
		}
	pm->frames = frames_reserve(pm->nr_frames);
	setup_watermarks(pm, min_free_kbytes);
	setup_lowmem_reserve(pm, ratio);
	for (unsigned i = 0; i < pm_nr_flat(pm); i++)
		buddy_init_zone(pm, i);
}

void physmem_free(struct physmem *pm)
{
	frames_release(pm->frames, pm->nr_frames);
	pm->frames = NULL;
}

bool zone_watermark_ok(const struct zone *z, unsigned order, uint64_t mark, unsigned highest_idx)
{
	int64_t free_pages = (int64_t)z->nr_free - ((1LL << order) - 1);

	if (free_pages <= (int64_t)(mark + z->lowmem_reserve[highest_idx]))
		return false;
	if (!order)
		return true;
	for (unsigned o = order; o <= BUDDY_MAX_ORDER; o++)
		if (z->nr_listed[o] || (o == BUDDY_MAX_ORDER && z->fresh_pfn < z->fresh_end))
			return true;
	return false;
}
