// SPDX-License-Identifier: MIT
/* test_eventq.c - the (time, seq) queue pops in time order, ties in insertion order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "eventq.h"
#include "util.h"

static void test_order_and_ties(void **state)
{
	struct eventq q;
	struct event ev;
	/* (time, label): ties at t=5 must come out in push order b, d, e. */
	static const struct {
		uint64_t t;
		uint64_t label;
	} in[] = {{9, 'a'}, {5, 'b'}, {1, 'c'}, {5, 'd'}, {5, 'e'}, {0, 'f'}, {7, 'g'}};
	static const char want[] = "fcbdega";

	(void)state;
	eventq_init(&q);
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		eventq_push(&q, in[i].t, 0, in[i].label);
	assert_int_equal(eventq_peek(&q)->arg, 'f');
	for (size_t i = 0; want[i]; i++) {
		assert_true(eventq_pop(&q, &ev));
		assert_int_equal(ev.arg, (uint64_t)want[i]);
	}
	assert_false(eventq_pop(&q, &ev));
	assert_null(eventq_peek(&q));
	assert_true(q.next_time == UINT64_MAX);
	eventq_free(&q);
}

/*
 * Interleaved pushes and pops against a brute-force reference (sorted by (time, seq)).
 * @clock: times are drawn around a clock that advances with each pop, most of them
 * later than every queued one (the FIFO's case), some earlier (the heap's); without
 * it, times are uniform in [0, 50) (many equal times, the two mixed throughout).
 */
static void against_reference(bool clock)
{
	enum { N = 5000 };
	struct eventq q;
	struct rng r;
	uint64_t ref_t[N], ref_s[N], now = 1000;
	size_t ref_n = 0;

	eventq_init(&q);
	rng_seed(&r, 42);
	for (int step = 0; step < 4 * N; step++) {
		if (ref_n < N && (ref_n == 0 || rng_below(&r, 3))) {
			uint64_t t = clock ? now + rng_below(&r, 8) - (rng_below(&r, 10) ? 0 : 20)
			                   : rng_below(&r, 50);
			uint64_t s = eventq_push(&q, t, 1, 0);

			ref_t[ref_n] = t;
			ref_s[ref_n] = s;
			ref_n++;
		} else if (ref_n) {
			struct event ev;
			size_t best = 0;

			for (size_t i = 1; i < ref_n; i++)
				if (ref_t[i] < ref_t[best] ||
				    (ref_t[i] == ref_t[best] && ref_s[i] < ref_s[best]))
					best = i;
			assert_int_equal(eventq_peek(&q)->seq, ref_s[best]);
			assert_int_equal(q.next_time, ref_t[best]);
			assert_true(eventq_pop(&q, &ev));
			now += 3;
			assert_int_equal(ev.time, ref_t[best]);
			assert_int_equal(ev.seq, ref_s[best]);
			ref_t[best] = ref_t[ref_n - 1];
			ref_s[best] = ref_s[ref_n - 1];
			ref_n--;
		}
	}
	assert_int_equal(q.nr, ref_n);
	eventq_free(&q);
}

static void test_random_against_reference(void **state)
{
	(void)state;
	against_reference(false);
}

static void test_mostly_in_order_against_reference(void **state)
{
	(void)state;
	against_reference(true);
}

/* Pushes in time order go to the FIFO (no heap), which wraps and grows in order. */
static void test_fifo_wraps_and_grows(void **state)
{
	struct eventq q;
	struct event ev;
	uint64_t next = 0;

	(void)state;
	eventq_init(&q);
	for (uint64_t t = 0; t < 100; t++) {
		eventq_push(&q, t / 2, 0, t); /* pairs of equal times: seq breaks the tie */
		if (t % 3 == 2) {             /* keeps the ring's start moving */
			assert_true(eventq_pop(&q, &ev));
			assert_int_equal(ev.arg, next++);
		}
	}
	assert_int_equal(q.heap_nr, 0);
	eventq_push(&q, 0, 0, 1000); /* earlier than the FIFO's tail: to the heap, and first out */
	assert_int_equal(q.heap_nr, 1);
	assert_true(eventq_pop(&q, &ev));
	assert_int_equal(ev.arg, 1000);
	while (eventq_pop(&q, &ev))
		assert_int_equal(ev.arg, next++);
	assert_int_equal(next, 100);
	eventq_free(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_order_and_ties),
	        cmocka_unit_test(test_random_against_reference),
	        cmocka_unit_test(test_mostly_in_order_against_reference),
	        cmocka_unit_test(test_fifo_wraps_and_grows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
