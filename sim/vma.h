/* SPDX-License-Identifier: MIT */
/*
 * vma.h - a process's virtual memory areas: a sorted array of non-overlapping
 * [start, end) ranges with protection and flags, as mm_struct's maple tree is
 * for the kernel.
 */
#ifndef MMSIM_VMA_H
#define MMSIM_VMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* vma.flags (the kernel's VM_* subset the model uses) */
#define VM_READ      0x0001u /* PROT_READ */
#define VM_WRITE     0x0002u /* PROT_WRITE */
#define VM_EXEC      0x0004u /* PROT_EXEC */
#define VM_SHARED    0x0008u /* MAP_SHARED */
#define VM_LOCKED    0x0010u /* mlock / MAP_LOCKED: pages are unevictable */
#define VM_MERGEABLE 0x0020u /* madvise(MADV_MERGEABLE): KSM may merge */
#define VM_RAND_READ 0x0040u /* madvise(MADV_RANDOM): no readahead */
#define VM_SEQ_READ  0x0080u /* madvise(MADV_SEQUENTIAL) */
#define VM_GROWSDOWN 0x0100u /* stack */
#define VM_IMPLICIT  0x0200u /* created on first touch (trace had no mmap) */
#define VM_PROT_MASK (VM_READ | VM_WRITE | VM_EXEC)

#define VMA_NO_FILE UINT32_MAX /* anonymous mapping */

struct vma {
	uint64_t start; /* first byte, page aligned */
	uint64_t end;   /* one past the last byte, page aligned */
	uint64_t pgoff; /* file page index mapped at start (anon: start >> PAGE_SHIFT) */
	uint32_t file;  /* file id, VMA_NO_FILE for anonymous */
	uint32_t flags; /* VM_* */
};

static inline bool vma_is_anon(const struct vma *v)
{
	return v->file == VMA_NO_FILE;
}

struct vma_set {
	struct vma *v; /* sorted by start, non-overlapping */
	size_t nr;     /* VMAs in use */
	size_t cap;    /* allocated */
	size_t hint;   /* index of the last vma_find hit (locality cache) */
};

/* Called once per piece of an existing VMA affected by an operation (its state before). */
typedef void (*vma_piece_fn)(void *arg, const struct vma *piece);

void vma_set_init(struct vma_set *s);
void vma_set_free(struct vma_set *s);
/* vma_set_clone() - copy for fork. */
void vma_set_clone(struct vma_set *dst, const struct vma_set *src);

/* vma_find() - the VMA containing @addr, or NULL. */
struct vma *vma_find(struct vma_set *s, uint64_t addr);

/**
 * vma_unmap() - remove [start, end): VMAs inside go, VMAs straddling an edge
 * are split. @fn (may be NULL) sees each removed piece first.
 * Return: bytes that were mapped in the range.
 */
uint64_t vma_unmap(struct vma_set *s, uint64_t start, uint64_t end, vma_piece_fn fn, void *arg);

/**
 * vma_map() - map @nv (MAP_FIXED semantics: anything overlapping is unmapped
 * first through @fn), merging with compatible neighbours.
 */
void vma_map(struct vma_set *s, const struct vma *nv, vma_piece_fn fn, void *arg);

/**
 * vma_modify() - for every mapped piece of [start, end): split at the edges,
 * call @fn with the piece's old state, then flags = (flags & ~clear) | set.
 * Return: bytes of the range that were NOT mapped (the kernel's -ENOMEM case).
 */
uint64_t vma_modify(struct vma_set *s, uint64_t start, uint64_t end, uint32_t set, uint32_t clear,
                    vma_piece_fn fn, void *arg);

#endif /* MMSIM_VMA_H */
