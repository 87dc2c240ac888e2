// SPDX-License-Identifier: MIT
/* test_vma.c - split, unmap, modify and merge of VMAs, worked by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vma.h"

#define K4 0x1000ULL
#define RW (VM_READ | VM_WRITE)

struct pieces {
	int n;
	struct vma p[8];
};

static void record(void *arg, const struct vma *v)
{
	struct pieces *ps = arg;

	ps->p[ps->n++] = *v;
}

static struct vma anon(uint64_t start, uint64_t end, uint32_t flags)
{
	struct vma v = {.start = start,
	                .end = end,
	                .pgoff = start >> 12,
	                .file = VMA_NO_FILE,
	                .flags = flags};
	return v;
}

static void test_find_and_unmap_middle(void **state)
{
	struct vma_set s;
	struct pieces ps = {0};
	struct vma v = anon(10 * K4, 20 * K4, RW);

	(void)state;
	vma_set_init(&s);
	vma_map(&s, &v, NULL, NULL);
	assert_non_null(vma_find(&s, 10 * K4));
	assert_non_null(vma_find(&s, 20 * K4 - 1));
	assert_null(vma_find(&s, 20 * K4));
	assert_null(vma_find(&s, 10 * K4 - 1));

	/* Unmapping pages 12..14 leaves [10,12) and [15,20); the callback sees [12,15). */
	assert_int_equal(vma_unmap(&s, 12 * K4, 15 * K4, record, &ps), 3 * K4);
	assert_int_equal(ps.n, 1);
	assert_int_equal(ps.p[0].start, 12 * K4);
	assert_int_equal(ps.p[0].end, 15 * K4);
	assert_int_equal(s.nr, 2);
	assert_int_equal(s.v[0].end, 12 * K4);
	assert_int_equal(s.v[1].start, 15 * K4);
	assert_null(vma_find(&s, 13 * K4));
	/* Unmapping a hole maps nothing. */
	assert_int_equal(vma_unmap(&s, 12 * K4, 15 * K4, NULL, NULL), 0);
	vma_set_free(&s);
}

static void test_mprotect_splits_and_remerges(void **state)
{
	struct vma_set s;
	struct vma v = anon(0, 8 * K4, RW);

	(void)state;
	vma_set_init(&s);
	vma_map(&s, &v, NULL, NULL);
	/* Read-only pages 2..3: three VMAs rw | r | rw. */
	assert_int_equal(vma_modify(&s, 2 * K4, 4 * K4, 0, VM_WRITE, NULL, NULL), 0);
	assert_int_equal(s.nr, 3);
	assert_int_equal(vma_find(&s, 3 * K4)->flags, VM_READ);
	assert_int_equal(vma_find(&s, 4 * K4)->flags, RW);
	/* Restoring write merges everything back into one VMA. */
	vma_modify(&s, 2 * K4, 4 * K4, VM_WRITE, 0, NULL, NULL);
	assert_int_equal(s.nr, 1);
	assert_int_equal(s.v[0].start, 0);
	assert_int_equal(s.v[0].end, 8 * K4);
	/* A range running past the end reports the unmapped bytes. */
	assert_int_equal(vma_modify(&s, 6 * K4, 11 * K4, VM_LOCKED, 0, NULL, NULL), 3 * K4);
	assert_int_equal(s.nr, 2);
	vma_set_free(&s);
}

static void test_file_pgoff_and_fixed_overlap(void **state)
{
	struct vma_set s;
	struct pieces ps = {0};
	struct vma f = {
	        .start = 100 * K4, .end = 110 * K4, .pgoff = 7, .file = 3, .flags = VM_READ};
	struct vma a = anon(104 * K4, 106 * K4, RW);

	(void)state;
	vma_set_init(&s);
	vma_map(&s, &f, NULL, NULL);
	/* MAP_FIXED anon over file pages 4..5 of the mapping: the file VMA splits, the
	 * upper piece maps file page 7 + 6 = 13. */
	vma_map(&s, &a, record, &ps);
	assert_int_equal(ps.n, 1);
	assert_int_equal(ps.p[0].file, 3);
	assert_int_equal(ps.p[0].pgoff, 7 + 4);
	assert_int_equal(s.nr, 3);
	assert_int_equal(s.v[2].start, 106 * K4);
	assert_int_equal(s.v[2].pgoff, 13);
	assert_true(vma_is_anon(vma_find(&s, 105 * K4)));
	/* File VMAs with non-contiguous offsets never merge; adjacent anon ones do. */
	struct vma a2 = anon(110 * K4, 112 * K4, VM_READ);
	vma_map(&s, &a2, NULL, NULL);
	assert_int_equal(s.nr, 4);
	vma_set_free(&s);
}

static void test_clone(void **state)
{
	struct vma_set s, c;
	struct vma v = anon(0, 4 * K4, RW);

	(void)state;
	vma_set_init(&s);
	vma_map(&s, &v, NULL, NULL);
	vma_set_clone(&c, &s);
	vma_unmap(&s, 0, 4 * K4, NULL, NULL);
	assert_int_equal(s.nr, 0);
	assert_int_equal(c.nr, 1);
	assert_non_null(vma_find(&c, 0));
	vma_set_free(&s);
	vma_set_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_find_and_unmap_middle),
	        cmocka_unit_test(test_mprotect_splits_and_remerges),
	        cmocka_unit_test(test_file_pgoff_and_fixed_overlap),
	        cmocka_unit_test(test_clone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
