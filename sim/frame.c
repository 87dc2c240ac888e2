// SPDX-License-Identifier: MIT
/*
 * frame.c - reservation of the frame-descriptor array. Pages of the array are
 * materialised by the host kernel on first touch, so memory cost follows the
 * frames a run actually uses, not the simulated machine's size.
 */
#include "frame.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

struct frame *frames_reserve(uint64_t nr)
{
	size_t bytes = (size_t)(nr ? nr : 1) * sizeof(struct frame);
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED) {
		fprintf(stderr, "mmsim: cannot reserve %zu bytes for frame descriptors\n", bytes);
		abort();
	}
	return p;
}

void frames_release(struct frame *f, uint64_t nr)
{
	if (f)
		munmap(f, (size_t)(nr ? nr : 1) * sizeof(struct frame));
}
