// SPDX-License-Identifier: MIT
/*
 * test_zone.c - min_free_kbytes, watermarks, lowmem_reserve and the watermark
 * test against the kernel's rules (reference/linux-mm-facts.md section 1),
 * with the arithmetic worked out by hand in the comments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "zone.h"

static const unsigned default_ratio[NR_ZONE_TYPES] = {256, 256, 32, 0, 0};

static void build(struct physmem *pm, const char *arch, uint64_t bytes)
{
	struct zone_spec specs[MAX_ZONES];
	int n = zone_layout(arch, bytes, specs);

	assert_true(n > 0);
	physmem_init(pm, specs, (unsigned)n, 0, 10, default_ratio);
}

static void test_int_sqrt(void **state)
{
	(void)state;
	assert_int_equal(int_sqrt(0), 0);
	assert_int_equal(int_sqrt(1), 1);
	assert_int_equal(int_sqrt(15), 3);
	assert_int_equal(int_sqrt(16), 4);
	assert_int_equal(int_sqrt(17), 4);
	assert_int_equal(int_sqrt(UINT64_MAX), 4294967295ULL);
	assert_int_equal(zone_mult_frac(4194304, 10, 10000), 4194);
}

/*
 * The kernel's own table (comment above calculate_min_free_kbytes):
 * 1 GiB -> 4096 KB, 2 GiB -> 5792, 4 GiB -> 8192, 16 GiB -> 16384. For x86_64
 * every zone is lowmem, so lowmem_kbytes = memory in KB. (The same table says
 * 11584 for 8 GiB; int_sqrt(8388608 * 16) = int_sqrt(134217728) = 11585 — the
 * table is rounded there, the formula is what the kernel runs.)
 */
static void test_min_free_kbytes_table(void **state)
{
	static const struct {
		uint64_t gib_x4; /* memory in quarter GiB */
		uint64_t want;
	} t[] = {{4, 4096}, {8, 5792}, {16, 8192}, {32, 11585}, {64, 16384}};
	struct physmem pm;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		build(&pm, "x86_64", t[i].gib_x4 << 28);
		assert_int_equal(pm.min_free_kbytes, t[i].want);
		physmem_free(&pm);
	}
	/* Clamps: 16 MiB -> int_sqrt(16384*16) = 512; 1 MiB -> int_sqrt(16384)=128 (floor);
	 * 256 MiB... and a huge machine hits the 262144 ceiling (needs > 4 TiB lowmem:
	 * 8 TiB -> int_sqrt(8589934592*16) = 370727 -> 262144). */
	build(&pm, "x86_64", 16ULL << 20);
	assert_int_equal(pm.min_free_kbytes, 512);
	physmem_free(&pm);
	build(&pm, "x86_64", 1ULL << 20);
	assert_int_equal(pm.min_free_kbytes, 128);
	physmem_free(&pm);
	build(&pm, "x86_64", 8ULL << 40);
	assert_int_equal(pm.min_free_kbytes, 262144);
	physmem_free(&pm);
}

/* Facts sheet worked example: one 16 GB Normal zone (4194304 pages),
 * min_free_kbytes 16384 -> MIN 4096, gap = max(1024, 4194) -> LOW 8290, HIGH 12484. */
static void test_single_zone_example(void **state)
{
	struct zone_spec s = {.type = ZONE_NORMAL, .start_pfn = 0, .end_pfn = 4194304};
	struct physmem pm;

	(void)state;
	physmem_init(&pm, &s, 1, 0, 10, default_ratio);
	assert_int_equal(pm.min_free_kbytes, 16384);
	assert_int_equal(pm.zones[0].wmark[WMARK_MIN], 4096);
	assert_int_equal(pm.zones[0].wmark[WMARK_LOW], 8290);
	assert_int_equal(pm.zones[0].wmark[WMARK_HIGH], 12484);
	assert_int_equal(pm.zones[0].wmark[WMARK_PROMO], 16678);
	physmem_free(&pm);
}

/*
 * x86_64 with 4 GiB: DMA [0,16M) = 4096 pages, DMA32 [16M,4G) = 1044480 pages,
 * Normal and Movable empty. lowmem = 1048576 pages -> min_free_kbytes 8192,
 * pages_min 2048.
 *   DMA:   tmp = 2048*4096/1048576 = 8; gap = max(2, mult_frac(4096,10,10000) = 4) = 4
 *          -> min 8, low 12, high 16
 *   DMA32: tmp = 2048*1044480/1048576 = 2040; gap = max(510, 1040 + 4480*10/10000 = 1044)
 *          -> min 2040, low 3084, high 4128
 *   protection of DMA (ratio 256): DMA32 1044480/256 = 4080, Normal 4080, Movable 4080
 *   protection of DMA32 (ratio 256): 0/256 = 0.
 */
static void test_x86_64_4g(void **state)
{
	struct physmem pm;

	(void)state;
	build(&pm, "x86_64", 4ULL << 30);
	assert_int_equal(pm.nr_zones, 4);
	assert_int_equal(pm.zones[0].managed, 4096);
	assert_int_equal(pm.zones[1].managed, 1044480);
	assert_int_equal(pm.zones[2].managed, 0);
	assert_int_equal(pm.zones[0].wmark[WMARK_MIN], 8);
	assert_int_equal(pm.zones[0].wmark[WMARK_LOW], 12);
	assert_int_equal(pm.zones[0].wmark[WMARK_HIGH], 16);
	assert_int_equal(pm.zones[1].wmark[WMARK_MIN], 2040);
	assert_int_equal(pm.zones[1].wmark[WMARK_LOW], 3084);
	assert_int_equal(pm.zones[1].wmark[WMARK_HIGH], 4128);
	assert_int_equal(pm.zones[0].lowmem_reserve[0], 0);
	assert_int_equal(pm.zones[0].lowmem_reserve[1], 4080);
	assert_int_equal(pm.zones[0].lowmem_reserve[2], 4080);
	assert_int_equal(pm.zones[0].lowmem_reserve[3], 4080);
	assert_int_equal(pm.zones[1].lowmem_reserve[2], 0);
	physmem_free(&pm);
}

/*
 * x86_32 with 2 GiB: DMA 4096 pages, Normal [16M,896M) = 225280, HighMem
 * [896M,2G) = 294912. lowmem = 229376 pages = 917504 KB -> int_sqrt(14680064) = 3831
 * -> pages_min 957.
 *   Normal: tmp = 957*225280/229376 = 939 (939.9); gap = max(234, 225) = 234 -> 939/1173/1407
 *   HighMem: min = clamp(294912/1024 = 288, 32, 128) = 128; tmp = 957*294912/229376 = 1230
 *            gap = max(307, mult_frac(294912,10,10000) = 294) = 307 -> 128/435/742
 *   protection of Normal (ratio 32) for HighMem: 294912/32 = 9216.
 */
static void test_x86_32_highmem(void **state)
{
	struct physmem pm;

	(void)state;
	build(&pm, "x86_32", 2ULL << 30);
	assert_int_equal(pm.zones[2].type, ZONE_HIGHMEM);
	assert_int_equal(pm.zones[1].managed, 225280);
	assert_int_equal(pm.zones[2].managed, 294912);
	assert_int_equal(pm.min_free_kbytes, 3831);
	assert_int_equal(pm.zones[1].wmark[WMARK_MIN], 939);
	assert_int_equal(pm.zones[1].wmark[WMARK_LOW], 1173);
	assert_int_equal(pm.zones[1].wmark[WMARK_HIGH], 1407);
	assert_int_equal(pm.zones[2].wmark[WMARK_MIN], 128);
	assert_int_equal(pm.zones[2].wmark[WMARK_LOW], 435);
	assert_int_equal(pm.zones[2].wmark[WMARK_HIGH], 742);
	assert_int_equal(pm.zones[1].lowmem_reserve[2], 9216);
	physmem_free(&pm);
}

/* __zone_watermark_ok: free - (2^order - 1) must be strictly above mark + protection. */
static void test_watermark_ok(void **state)
{
	struct zone_spec s = {.type = ZONE_NORMAL, .start_pfn = 0, .end_pfn = 2048};
	struct physmem pm;
	struct zone *z;

	(void)state;
	physmem_init(&pm, &s, 1, 0, 10, default_ratio);
	z = &pm.zones[0];
	assert_int_equal(z->nr_free, 2048);
	assert_true(zone_watermark_ok(z, 0, 2047, 0));
	assert_false(zone_watermark_ok(z, 0, 2048, 0)); /* equal is not enough */
	assert_true(zone_watermark_ok(z, 1, 2046, 0));  /* 2048 - 1 = 2047 > 2046 */
	assert_false(zone_watermark_ok(z, 1, 2047, 0));
	/* Take every page as order-0 but keep 3 free, all isolated: order 1 then fails. */
	for (int i = 0; i < 2048; i++)
		buddy_alloc(&pm, 0, 0);
	buddy_free(&pm, 0, 0);
	buddy_free(&pm, 2, 0);
	buddy_free(&pm, 4, 0);
	assert_int_equal(z->nr_free, 3);
	assert_true(zone_watermark_ok(z, 0, 2, 0));
	assert_false(zone_watermark_ok(z, 1, 0, 0)); /* 3 free pages, no order-1 block */
	physmem_free(&pm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_int_sqrt),
	        cmocka_unit_test(test_min_free_kbytes_table),
	        cmocka_unit_test(test_single_zone_example),
	        cmocka_unit_test(test_x86_64_4g),
	        cmocka_unit_test(test_x86_32_highmem),
	        cmocka_unit_test(test_watermark_ok),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
