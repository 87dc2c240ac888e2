// SPDX-License-Identifier: MIT
/*
 * frame.c - reservation of the frame-descriptor array. Pages of the array are
 * materialised by the host kernel on first touch, so memory cost follows the
 * frames a run actually uses, not the simulated machine's size.
 */
#include "frame.h"

#include "util.h"

struct frame *frames_reserve(uint64_t nr)
{
	return host_reserve((size_t)(nr ? nr : 1) * sizeof(struct frame));
}

void frames_release(struct frame *f, uint64_t nr)
{
	host_release(f, (size_t)(nr ? nr : 1) * sizeof(struct frame));
}
