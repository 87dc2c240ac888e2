// SPDX-License-Identifier: MIT
/*
 * vma.c - virtual memory areas of one address space.
 *
 * Theory: a process's address space is a set of disjoint page-aligned ranges,
 * each with uniform protection, backing (anonymous or a file at an offset) and
 * flags. Every address-space system call is a combination of three edits:
 * split a VMA at a boundary, drop the pieces inside a range (munmap, and the
 * implicit unmap of MAP_FIXED), and change the flags of the pieces inside a
 * range (mprotect, madvise, mlock). Adjacent VMAs that became identical are
 * merged again (vma_merge), so long-running traces don't fragment the set.
 *
 * The set is a sorted array searched by bisection with a one-entry hint:
 * processes have tens to a few thousand VMAs, edits are rare next to
 * accesses, and a flat array keeps lookups on one or two cache lines.
 */
#include "vma.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>

#define VMA_PAGE_SHIFT 12

void vma_set_init(struct vma_set *s)
{
	s->v = NULL;
	s->nr = s->cap = s->hint = 0;
}

void vma_set_free(struct vma_set *s)
{
	free(s->v);
	vma_set_init(s);
}

void vma_set_clone(struct vma_set *dst, const struct vma_set *src)
{
	dst->nr = dst->cap = src->nr;
	dst->hint = 0;
	dst->v = xmalloc((src->nr ? src->nr : 1) * sizeof(struct vma));
	if (src->nr)
		memcpy(dst->v, src->v, src->nr * sizeof(struct vma));
}

/* First index whose end > addr (the only VMA that can contain addr). */
static size_t lower_bound(const struct vma_set *s, uint64_t addr)
{
	size_t lo = 0, hi = s->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->v[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct vma *vma_find(struct vma_set *s, uint64_t addr)
{
	size_t i;

	if (s->hint < s->nr && s->v[s->hint].start <= addr && addr < s->v[s->hint].end)
		return &s->v[s->hint];
	i = lower_bound(s, addr);
	if (i < s->nr && s->v[i].start <= addr) {
		s->hint = i;
		return &s->v[i];
	}
	return NULL;
}

static void insert_at(struct vma_set *s, size_t i, const struct vma *v)
{
	if (s->nr == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 8;
		s->v = xrealloc(s->v, s->cap * sizeof(struct vma));
	}
	memmove(&s->v[i + 1], &s->v[i], (s->nr - i) * sizeof(struct vma));
	s->v[i] = *v;
	s->nr++;
}

static void remove_at(struct vma_set *s, size_t i)
{
	memmove(&s->v[i], &s->v[i + 1], (s->nr - i - 1) * sizeof(struct vma));
	s->nr--;
}

/* Split the VMA at index i so that one piece ends at addr (start < addr < end). */
static void split_at(struct vma_set *s, size_t i, uint64_t addr)
{
	struct vma hi = s->v[i];

	hi.pgoff += (addr - hi.start) >> VMA_PAGE_SHIFT;
	hi.start = addr;
	s->v[i].end = addr;
	insert_at(s, i + 1, &hi);
}

/* Make start and end fall on VMA boundaries; return the first index inside. */
static size_t split_range(struct vma_set *s, uint64_t start, uint64_t end)
{
	size_t i = lower_bound(s, start);

	if (i < s->nr && s->v[i].start < start && start < s->v[i].end) {
		split_at(s, i, start);
		i++;
	}
	size_t j = lower_bound(s, end);
	if (j < s->nr && s->v[j].start < end && end < s->v[j].end)
		split_at(s, j, end);
	return i;
}

static bool mergeable(const struct vma *a, const struct vma *b)
{
	if (a->end != b->start || a->flags != b->flags || a->file != b->file)
		return false;
	if (vma_is_anon(a))
		return true;
	return a->pgoff + ((a->end - a->start) >> VMA_PAGE_SHIFT) == b->pgoff;
}

/* Merge index i with its neighbours where compatible. */
static void merge_around(struct vma_set *s, size_t i)
{
	if (i + 1 < s->nr && mergeable(&s->v[i], &s->v[i + 1])) {
		s->v[i].end = s->v[i + 1].end;
		remove_at(s, i + 1);
	}
	if (i > 0 && mergeable(&s->v[i - 1], &s->v[i])) {
		s->v[i - 1].end = s->v[i].end;
		remove_at(s, i);
	}
	s->hint = 0;
}

uint64_t vma_unmap(struct vma_set *s, uint64_t start, uint64_t end, vma_piece_fn fn, void *arg)
{
	uint64_t bytes = 0;
	size_t i;

	if (start >= end)
		return 0;
	i = split_range(s, start, end);
	while (i < s->nr && s->v[i].start < end) {
		if (fn)
			fn(arg, &s->v[i]);
		bytes += s->v[i].end - s->v[i].start;
		remove_at(s, i);
	}
	s->hint = 0;
	return bytes;
}

void vma_map(struct vma_set *s, const struct vma *nv, vma_piece_fn fn, void *arg)
{
	size_t i;

	SIM_BUG_ON(nv->start >= nv->end);
	vma_unmap(s, nv->start, nv->end, fn, arg);
	i = lower_bound(s, nv->start);
	insert_at(s, i, nv);
	merge_around(s, i);
}

uint64_t vma_modify(struct vma_set *s, uint64_t start, uint64_t end, uint32_t set, uint32_t clear,
                    vma_piece_fn fn, void *arg)
{
	uint64_t mapped = 0;
	size_t i, first;

	if (start >= end)
		return 0;
	first = i = split_range(s, start, end);
	for (; i < s->nr && s->v[i].start < end; i++) {
		mapped += s->v[i].end - s->v[i].start;
		if (fn)
			fn(arg, &s->v[i]);
		s->v[i].flags = (s->v[i].flags & ~clear) | set;
	}
	/* Re-merge the edited run with its neighbours, right to left. */
	for (size_t k = i; k-- > first;)
		if (k < s->nr)
			merge_around(s, k);
	s->hint = 0;
	return (end - start) - mapped;
}
