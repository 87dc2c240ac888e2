/* SPDX-License-Identifier: MIT */
/*
 * syscall_map.h - Linux x86-64 mmap/mprotect/madvise argument values to the
 * trace model, shared by the lackey and strace importers.
 */
#ifndef MMSIM_SYSCALL_MAP_H
#define MMSIM_SYSCALL_MAP_H

#include "trace.h"

#include <stdint.h>

/* <asm-generic/mman-common.h>, <asm/mman.h> (x86) */
#define LX_PROT_READ      0x1
#define LX_PROT_WRITE     0x2
#define LX_PROT_EXEC      0x4
#define LX_MAP_SHARED     0x01
#define LX_MAP_SHARED_VAL 0x03
#define LX_MAP_ANONYMOUS  0x20
#define LX_MAP_GROWSDOWN  0x0100
#define LX_MAP_LOCKED     0x2000
#define LX_MAP_STACK      0x20000

static inline uint64_t lx_prot_bits(uint64_t prot)
{
	return ((prot & LX_PROT_READ) ? TRACE_PROT_R : 0) |
	       ((prot & LX_PROT_WRITE) ? TRACE_PROT_W : 0) |
	       ((prot & LX_PROT_EXEC) ? TRACE_PROT_X : 0);
}

static inline uint64_t lx_map_bits(uint64_t flags)
{
	return ((flags & LX_MAP_ANONYMOUS) ? TRACE_MAP_ANON : 0) |
	       ((flags & LX_MAP_SHARED) ? TRACE_MAP_SHARED : 0) |
	       ((flags & LX_MAP_LOCKED) ? TRACE_MAP_LOCKED : 0) |
	       ((flags & (LX_MAP_GROWSDOWN | LX_MAP_STACK)) ? TRACE_MAP_STACK : 0);
}

/* Linux MADV_* value -> enum trace_madv, or -1 for advice the model does not use. */
static inline int lx_madvise(uint64_t advice)
{
	switch (advice) {
	case 0:
		return TRACE_MADV_NORMAL;
	case 1:
		return TRACE_MADV_RANDOM;
	case 2:
		return TRACE_MADV_SEQUENTIAL;
	case 3:
		return TRACE_MADV_WILLNEED;
	case 4:
		return TRACE_MADV_DONTNEED;
	case 8:
		return TRACE_MADV_FREE;
	case 9:
		return TRACE_MADV_REMOVE;
	case 12:
		return TRACE_MADV_MERGEABLE;
	case 13:
		return TRACE_MADV_UNMERGEABLE;
	case 14:
		return TRACE_MADV_HUGEPAGE;
	case 15:
		return TRACE_MADV_NOHUGEPAGE;
	case 20:
		return TRACE_MADV_COLD;
	case 21:
		return TRACE_MADV_PAGEOUT;
	default:
		return -1;
	}
}

#endif /* MMSIM_SYSCALL_MAP_H */
