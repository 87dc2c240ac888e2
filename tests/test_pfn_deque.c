// SPDX-License-Identifier: MIT
/*
 * test_pfn_deque.c - the ring-kept frame lists (policy.h pfn_deque) keep
 * exactly the order of a doubly linked list under the same operations.
 *
 * By hand: add_head 1, 2, 3 then add_tail 4 gives, tail to head, 4 1 2 3;
 * deleting 1 gives 4 2 3; popping the tail returns 4 and leaves 2 3.
 * Squeeze: 64 frames fill the first 64-slot ring; deleting the 40 frames
 * 10..49 leaves 24 (<= 32, half the ring), so the next add squeezes instead of
 * doubling: the ring stays at 64 slots and the order is 0..9, 50..63, 64.
 * Then every ordering is checked against a plain array model over 200 000
 * seeded random operations, with positions wrapping past 2^32 (add_tail
 * counts down from 0).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "policy.h"

#define NR_FRAMES 1000

struct fixture {
	struct policy_ctx ctx;
	uint32_t pos[NR_FRAMES];
	struct pfn_deque d;
};

static void fx_init(struct fixture *fx)
{
	memset(fx, 0, sizeof(*fx));
	fx->ctx.priv_base = (unsigned char *)fx->pos;
	fx->ctx.priv_size = fx->ctx.priv_stride = sizeof(uint32_t);
	fx->ctx.nr_frames = NR_FRAMES;
	pfn_deque_init(&fx->d, 0);
}

/* The list from tail to head into @out. Return: its length. */
static uint32_t order(const struct pfn_deque *d, uint32_t *out)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < d->hi - d->lo; i++)
		if (pfn_deque_peek(d, i) != PFN_NONE)
			out[n++] = pfn_deque_peek(d, i);
	return n;
}

static void test_by_hand(void **state)
{
	struct fixture fx;
	uint32_t o[8];
	(void)state;

	fx_init(&fx);
	assert_int_equal(pfn_deque_tail(&fx.d), PFN_NONE);
	pfn_deque_add_head(&fx.ctx, &fx.d, 1);
	pfn_deque_add_head(&fx.ctx, &fx.d, 2);
	pfn_deque_add_head(&fx.ctx, &fx.d, 3);
	pfn_deque_add_tail(&fx.ctx, &fx.d, 4);
	assert_int_equal(order(&fx.d, o), 4);
	assert_int_equal(o[0], 4);
	assert_int_equal(o[1], 1);
	assert_int_equal(o[2], 2);
	assert_int_equal(o[3], 3);
	pfn_deque_del(&fx.ctx, &fx.d, 1);
	assert_int_equal(order(&fx.d, o), 3);
	assert_int_equal(o[0], 4);
	assert_int_equal(o[1], 2);
	assert_int_equal(pfn_deque_pop_tail(&fx.d), 4);
	assert_int_equal(pfn_deque_tail(&fx.d), 2); /* the hole 1 left is skipped */
	assert_int_equal(fx.d.nr, 2);
	pfn_deque_del(&fx.ctx, &fx.d, 3);
	pfn_deque_del(&fx.ctx, &fx.d, 2);
	assert_int_equal(fx.d.nr, 0);
	assert_int_equal(fx.d.hi - fx.d.lo, 0);
	assert_int_equal(pfn_deque_tail(&fx.d), PFN_NONE);
	pfn_deque_free(&fx.d);
}

static void test_squeeze(void **state)
{
	struct fixture fx;
	uint32_t o[80], n;
	(void)state;

	fx_init(&fx);
	for (uint32_t p = 0; p < 64; p++)
		pfn_deque_add_head(&fx.ctx, &fx.d, p);
	assert_int_equal(fx.d.mask, 63);
	for (uint32_t p = 10; p < 50; p++)
		pfn_deque_del(&fx.ctx, &fx.d, p);
	pfn_deque_add_head(&fx.ctx, &fx.d, 64);
	assert_int_equal(fx.d.mask, 63); /* squeezed, not doubled */
	n = order(&fx.d, o);
	assert_int_equal(n, 25);
	assert_int_equal(fx.d.hi - fx.d.lo, 25); /* no holes left */
	for (uint32_t i = 0; i < 10; i++)
		assert_int_equal(o[i], i);
	for (uint32_t i = 10; i < 24; i++)
		assert_int_equal(o[i], i + 40);
	assert_int_equal(o[24], 64);
	/* the rewritten positions are right: deleting by them gives the right order */
	pfn_deque_del(&fx.ctx, &fx.d, 5);
	pfn_deque_del(&fx.ctx, &fx.d, 63);
	n = order(&fx.d, o);
	assert_int_equal(n, 23);
	assert_int_equal(o[5], 6);
	assert_int_equal(o[21], 62);
	assert_int_equal(o[22], 64);
	pfn_deque_free(&fx.d);
}

static uint64_t rng = 88172645463325252ULL;

static uint32_t next(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static void test_random_against_array(void **state)
{
	static struct fixture fx;
	static uint32_t model[NR_FRAMES], got[NR_FRAMES];
	static int on[NR_FRAMES];
	uint32_t nm = 0;
	(void)state;

	fx_init(&fx);
	for (int step = 0; step < 200000; step++) {
		uint32_t pfn = next(NR_FRAMES), op = next(10);

		if (!on[pfn] && op < 5) { /* add at the head (3 in 5) or the tail */
			if (op < 3) {
				pfn_deque_add_head(&fx.ctx, &fx.d, pfn);
				model[nm++] = pfn;
			} else {
				pfn_deque_add_tail(&fx.ctx, &fx.d, pfn);
				memmove(model + 1, model, nm * sizeof(*model));
				model[0] = pfn;
				nm++;
			}
			on[pfn] = 1;
		} else if (on[pfn] && op < 8) {
			uint32_t i = 0;

			pfn_deque_del(&fx.ctx, &fx.d, pfn);
			while (model[i] != pfn)
				i++;
			memmove(model + i, model + i + 1, (nm - i - 1) * sizeof(*model));
			nm--;
			on[pfn] = 0;
		} else if (op >= 8 && nm) {
			uint32_t t = pfn_deque_pop_tail(&fx.d);

			assert_int_equal(t, model[0]);
			memmove(model, model + 1, (nm - 1) * sizeof(*model));
			nm--;
			on[t] = 0;
		}
		assert_int_equal(fx.d.nr, nm);
		assert_int_equal(pfn_deque_tail(&fx.d), nm ? model[0] : PFN_NONE);
		if (step % 997 == 0) {
			assert_int_equal(order(&fx.d, got), nm);
			assert_memory_equal(got, model, nm * sizeof(*model));
		}
	}
	assert_true(fx.d.mask + 1 >= 2 * 64); /* it had to grow */
	pfn_deque_free(&fx.d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_by_hand),
	        cmocka_unit_test(test_squeeze),
	        cmocka_unit_test(test_random_against_array),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
