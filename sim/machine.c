// SPDX-License-Identifier: MIT
/*
 * machine.c - the full machine, end to end.
 *
 * Theory: each access record is what a CPU does: look the page up in the TLB
 * of the access type; on a miss walk the page table (each level one memory
 * reference) and cache the translation; set the PTE's accessed bit, and its
 * dirty bit on a store, as the hardware does. A missing or insufficient PTE is
 * a page fault, handled as Linux does for the VMA it falls in:
 *
 *   no VMA                    -> an implicit anonymous VMA for that page when
 *                                vm.implicit_vma is on (traces without mmap
 *                                records), else a protection fault (counted)
 *   access not allowed        -> protection fault (counted, the access is skipped)
 *   anonymous, no PTE         -> demand-zero page (fault_anon, minor)
 *   file-backed, no PTE       -> the page-cache page (fault_file; major and a
 *                                page-cache miss if it had to be read); a store
 *                                to a private file mapping copies it (fault_cow)
 *   store to a read-only PTE  -> copy-on-write after fork: copy when the frame is
 *   in a writable VMA            shared (fault_cow), reuse it when not
 *
 * fork copies the VMAs and page tables, write-protecting private writable
 * pages in both processes and flushing the parent's TLB; exit and munmap zap
 * the PTEs (with the TLB range flush the kernel does), drop the frames no one
 * maps and free the page-table pages left empty. read()/write() records go
 * through the page cache. alloc/free records take buddy blocks for the kernel.
 *
 * Physical memory: every page (data, page cache, page tables, kernel
 * allocations) comes from the buddy allocator of a zone that passes its low
 * watermark, then its min watermark (the allocator's fast and slow paths).
 * Reclaim is not modelled yet: when no zone can serve an allocation the run
 * stops with an error naming the record. The policy is told about every page
 * that becomes resident or leaves, so reclaim can plug in.
 *
 * Time: each record costs per the [cost] section (an access, an L2 TLB hit,
 * each walk reference, minor and major faults, COW copies, system calls); a
 * timestamp later than the clock moves it. timeline.csv gets a row at every
 * multiple of metrics.interval.
 *
 * Map of this file: state and helpers; allocation; process table; unmapping;
 * faults; records; the run loop.
 */
#include "machine.h"

#include "pgtable.h"
#include "policy_core.h"
#include "tlb.h"
#include "u64map.h"
#include "util.h"
#include "vma.h"
#include "zone.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MC_BATCH 4096 /* records per trace_read */
#define PAGE     4096ULL

/* ====================================================================== */
/* State                                                                    */
/* ====================================================================== */

struct mm {
	uint32_t pid;        /* process id */
	uint16_t asid;       /* TLB tag */
	struct vma_set vmas; /* address space */
	struct pgtable *pt;  /* page tables */
	uint64_t brk;        /* program break, 0 = unknown */
};

struct machine {
	const struct machine_opts *o;
	struct metrics *m;
	struct physmem pm;     /* zones, buddy, frames */
	enum pt_scheme scheme; /* page-table layout */
	struct tlb tlb;        /* TLBs */
	struct policy_core pc; /* the policy */
	struct u64map pid_map; /* pid -> index in procs */
	struct mm **procs;     /* processes (NULL when exited) */
	uint32_t nr_procs, cap_procs;
	uint32_t cur;                      /* index of the running process, UINT32_MAX = none */
	uint16_t next_asid;                /* ASID allocator */
	struct u64map pagecache;           /* (file << 40 | index) -> pfn */
	struct u64map kallocs;             /* alloc handle -> pfn << 8 | order */
	unsigned user_zone;                /* highest zone user pages may use */
	unsigned kernel_zone;              /* highest zone for kernel pages (page tables) */
	bool implicit_vma;                 /* vm.implicit_vma */
	uint64_t now, interval, next_tick; /* time */
	uint64_t c_access, c_l2hit, c_walk, c_minor, c_major, c_cow, c_syscall; /* costs */
	char *err;                                                              /* message buffer */
	size_t errlen;
	const char *trace; /* current trace, for messages */
	uint64_t record;   /* current record number (1-based) */
	bool oom;          /* an allocation failed */
};

static inline uint64_t anon_key(uint32_t pid, uint64_t vpn)
{
	return ((uint64_t)pid << 40) ^ (vpn & ((1ULL << 40) - 1));
}

static inline uint64_t file_key(uint32_t file, uint64_t index)
{
	return (1ULL << 63) | ((uint64_t)file << 40) | (index & ((1ULL << 40) - 1));
}

/* ====================================================================== */
/* Allocation                                                               */
/* ====================================================================== */

/* The allocator's fast path (low watermark) then slow path (min), highest zone first. */
static uint32_t alloc_pages(struct machine *mc, unsigned order, unsigned highest)
{
	for (int pass = 0; pass < 2; pass++) {
		enum zone_wmark wm = pass ? WMARK_MIN : WMARK_LOW;

		for (int z = (int)highest; z >= 0; z--) {
			struct zone *zone = &mc->pm.zones[z];
			uint32_t pfn;

			if (!zone_watermark_ok(zone, order, zone->wmark[wm], highest))
				continue;
			pfn = buddy_alloc(&mc->pm, (unsigned)z, order);
			if (pfn != FRAME_NONE) {
				mc->m->pgalloc += 1ULL << order;
				return pfn;
			}
		}
	}
	if (!mc->oom)
		snprintf(
		        mc->err, mc->errlen,
		        "%s: record %llu: out of memory for an order-%u allocation (reclaim is not "
		        "modelled yet: give the machine more memory with -m)",
		        mc->trace, (unsigned long long)mc->record, order);
	mc->oom = true;
	return FRAME_NONE;
}

static void free_pages(struct machine *mc, uint32_t pfn, unsigned order)
{
	buddy_free(&mc->pm, pfn, order);
	mc->m->pgfree += 1ULL << order;
}

static uint32_t pt_alloc(void *arg, unsigned order)
{
	struct machine *mc = arg;
	uint32_t pfn = alloc_pages(mc, order, mc->kernel_zone);

	if (pfn != FRAME_NONE)
		mc->pm.frames[pfn].flags |= FRAME_PGTABLE;
	return pfn == FRAME_NONE ? UINT32_MAX : pfn;
}

static void pt_free(void *arg, uint32_t pfn, unsigned order)
{
	free_pages(arg, pfn, order);
}

/* A data page became resident: tell the policy. */
static void page_in(struct machine *mc, uint32_t pfn, uint64_t key, unsigned flags, bool file)
{
	struct frame *f = &mc->pm.frames[pfn];

	f->key = key;
	f->flags |= FRAME_LRU | (file ? 0 : FRAME_SWAPBACKED);
	if (file)
		mc->m->nr_file_pages++;
	else
		mc->m->nr_anon_pages++;
	policy_core_clear_priv(&mc->pc, pfn);
	mc->pc.ops->page_added(&mc->pc.ctx, pfn, flags | (file ? PG_ADD_FILE : 0));
}

/* A data page leaves memory. */
static void page_out(struct machine *mc, uint32_t pfn)
{
	struct frame *f = &mc->pm.frames[pfn];

	mc->pc.ops->page_removed(&mc->pc.ctx, pfn);
	policy_core_forget(&mc->pc, pfn);
	if (f->flags & FRAME_SWAPBACKED)
		mc->m->nr_anon_pages--;
	else
		mc->m->nr_file_pages--;
	if (f->flags & FRAME_DIRTY)
		mc->m->nr_dirty--;
	f->flags &= FRAME_ZONE_MASK;
	free_pages(mc, pfn, 0);
}

/* ====================================================================== */
/* Processes                                                                */
/* ====================================================================== */

static struct mm *mm_new(struct machine *mc, uint32_t pid)
{
	struct mm *mm = xcalloc(1, sizeof(*mm));
	struct pgtable_frame_ops ops = {.alloc = pt_alloc, .free = pt_free, .arg = mc};

	mm->pid = pid;
	mm->asid = ++mc->next_asid;
	vma_set_init(&mm->vmas);
	mm->pt = pgtable_create(mc->scheme, &ops);
	if (!mm->pt) {
		free(mm);
		return NULL;
	}
	return mm;
}

static struct mm *find_mm(struct machine *mc, uint32_t pid, bool create)
{
	uint64_t s = u64map_slot(&mc->pid_map, pid);
	struct mm *mm;

	if (mc->pid_map.keys[s] == pid && mc->procs[mc->pid_map.vals[s]])
		return mc->procs[mc->pid_map.vals[s]];
	if (!create)
		return NULL;
	mm = mm_new(mc, pid);
	if (!mm)
		return NULL;
	mc->m->nr_page_table_pages += pgtable_nr_pages(mm->pt); /* its top-level table */
	if (mc->nr_procs == mc->cap_procs) {
		mc->cap_procs = mc->cap_procs ? 2 * mc->cap_procs : 16;
		mc->procs = xrealloc(mc->procs, mc->cap_procs * sizeof(*mc->procs));
	}
	mc->procs[mc->nr_procs] = mm;
	u64map_put(&mc->pid_map, pid, mc->nr_procs);
	mc->nr_procs++;
	return mm;
}

static void switch_to(struct machine *mc, struct mm *mm)
{
	tlb_switch(&mc->tlb, mm->asid);
}

/* ====================================================================== */
/* Unmapping                                                                */
/* ====================================================================== */

struct zap_ctx {
	struct machine *mc;
	struct mm *mm;
};

/* A PTE goes away: drop the mapping; free the frame when nothing else holds it. */
static void zap_pte(void *arg, uint64_t va, uint64_t *pte)
{
	struct zap_ctx *z = arg;
	struct machine *mc = z->mc;
	struct frame *f;
	uint32_t pfn;

	(void)va;
	if (!(*pte & PTE_PRESENT))
		return;
	pfn = pte_pfn(*pte);
	f = &mc->pm.frames[pfn];
	if (*pte & PTE_DIRTY && !(f->flags & FRAME_DIRTY)) {
		f->flags |= FRAME_DIRTY;
		mc->m->nr_dirty++;
	}
	SIM_BUG_ON(f->count == 0);
	f->count--;
	mc->m->nr_mapped -= !(f->flags & FRAME_SWAPBACKED) && f->count == 0;
	if (f->count == 0 && (f->flags & FRAME_SWAPBACKED))
		page_out(mc, pfn); /* anonymous memory dies with its last mapping */
}

static void zap_range(struct machine *mc, struct mm *mm, uint64_t start, uint64_t end)
{
	struct zap_ctx z = {mc, mm};
	uint64_t before = pgtable_nr_pages(mm->pt);

	pgtable_unmap_range(mm->pt, start, end, zap_pte, &z);
	tlb_flush_range(&mc->tlb, mm->asid, start >> 12, (end - start) >> 12);
	mc->m->tlb_shootdowns++;
	mc->m->nr_page_table_pages -= before - pgtable_nr_pages(mm->pt);
}

static void zap_piece(void *arg, const struct vma *piece)
{
	struct zap_ctx *z = arg;

	zap_range(z->mc, z->mm, piece->start, piece->end);
}

static void mm_exit(struct machine *mc, struct mm *mm)
{
	struct zap_ctx z = {mc, mm};

	vma_unmap(&mm->vmas, 0, UINT64_MAX, zap_piece, &z);
	pgtable_unmap_range(mm->pt, 0, UINT64_MAX >> 1, zap_pte, &z); /* stray PTEs */
	mc->m->nr_page_table_pages -= pgtable_nr_pages(mm->pt);
	pgtable_destroy(mm->pt);
	tlb_flush_asid(&mc->tlb, mm->asid);
	vma_set_free(&mm->vmas);
	free(mm);
}

/* ====================================================================== */
/* Faults                                                                   */
/* ====================================================================== */

static uint64_t *populate(struct machine *mc, struct mm *mm, uint64_t va)
{
	uint64_t before = pgtable_nr_pages(mm->pt);
	uint64_t *pte = pgtable_populate(mm->pt, va);

	mc->m->nr_page_table_pages += pgtable_nr_pages(mm->pt) - before;
	return pte;
}

/* The page-cache page (file, index), read in if absent. Return: pfn or FRAME_NONE. */
static uint32_t pagecache_get(struct machine *mc, uint32_t file, uint64_t index, bool *major)
{
	uint64_t key = file_key(file, index), s = u64map_slot(&mc->pagecache, key);
	uint32_t pfn;

	*major = false;
	if (mc->pagecache.keys[s] == key)
		return (uint32_t)mc->pagecache.vals[s];
	pfn = alloc_pages(mc, 0, mc->user_zone);
	if (pfn == FRAME_NONE)
		return FRAME_NONE;
	u64map_put(&mc->pagecache, key, pfn);
	page_in(mc, pfn, key, 0, true);
	mc->m->pagecache_misses++;
	mc->m->misses++;
	mc->m->pgpgin += PAGE / 1024;
	*major = true;
	return pfn;
}

/* Copy a page for a write (COW): a fresh anonymous frame replaces *pte's. */
static int cow_copy(struct machine *mc, struct mm *mm, uint64_t va, uint64_t *pte, uint64_t bits)
{
	uint32_t old = pte_pfn(*pte), pfn = alloc_pages(mc, 0, mc->user_zone);
	struct frame *f;

	if (pfn == FRAME_NONE)
		return -1;
	pte = pgtable_walk(mm->pt, va,
	                   NULL); /* allocation does not move leaf tables, but be safe */
	f = &mc->pm.frames[old];
	f->count--;
	if (f->count == 0) {
		if (f->flags & FRAME_SWAPBACKED)
			page_out(mc, old);
		else
			mc->m->nr_mapped--;
	}
	page_in(mc, pfn, anon_key(mm->pid, va >> 12), PG_ADD_FAULT | PG_ADD_DIRTY, false);
	mc->pm.frames[pfn].count = 1;
	*pte = pte_make(pfn, bits | PTE_WRITE | PTE_DIRTY | PTE_ACCESSED);
	mc->m->fault_cow++;
	mc->now += mc->c_cow;
	return 0;
}

/*
 * Handle a fault at @va for @op. Return: 1 if the access may proceed (the PTE
 * now allows it), 0 if it was a protection fault (skipped), -1 on an error.
 */
static int handle_fault(struct machine *mc, struct mm *mm, uint64_t va, unsigned op)
{
	bool write = op == TRACE_OP_W, exec = op == TRACE_OP_X, major = false;
	struct vma *v = vma_find(&mm->vmas, va);
	uint64_t *pte, bits;

	if (!v && mc->implicit_vma) {
		struct vma nv = {.start = va & ~(PAGE - 1),
		                 .end = (va & ~(PAGE - 1)) + PAGE,
		                 .pgoff = va >> 12,
		                 .file = VMA_NO_FILE,
		                 .flags = VM_READ | VM_WRITE | VM_EXEC | VM_IMPLICIT};

		vma_map(&mm->vmas, &nv, NULL, NULL);
		v = vma_find(&mm->vmas, va);
	}
	if (!v || (write && !(v->flags & VM_WRITE)) || (exec && !(v->flags & VM_EXEC)) ||
	    (!write && !exec && !(v->flags & (VM_READ | VM_WRITE | VM_EXEC)))) {
		mc->m->fault_protection++;
		return 0;
	}
	mc->m->pgfault++;
	pte = populate(mc, mm, va);
	if (!pte)
		return -1;
	bits = PTE_USER | PTE_ACCESSED | (exec || (v->flags & VM_EXEC) ? 0 : PTE_NX);
	if ((*pte & PTE_PRESENT) && !write) { /* exec allowed by the VMA since (mprotect) */
		*pte &= ~PTE_NX;
		return 1;
	}
	if (*pte & PTE_PRESENT) { /* write to a read-only PTE in a writable VMA */
		struct frame *f = &mc->pm.frames[pte_pfn(*pte)];

		if (f->count > 1 || !(f->flags & FRAME_SWAPBACKED)) {
			if (!vma_is_anon(v) && (v->flags & VM_SHARED)) {
				*pte |= PTE_WRITE | PTE_DIRTY | PTE_ACCESSED;
			} else if (cow_copy(mc, mm, va, pte, bits)) {
				return -1;
			}
		} else {
			*pte |= PTE_WRITE | PTE_DIRTY | PTE_ACCESSED; /* sole owner: reuse */
		}
		mc->now += mc->c_minor;
		return 1;
	}
	if (vma_is_anon(v)) {
		uint32_t pfn = alloc_pages(mc, 0, mc->user_zone);

		if (pfn == FRAME_NONE)
			return -1;
		pte = pgtable_walk(mm->pt, va, NULL);
		page_in(mc, pfn, anon_key(mm->pid, va >> 12),
		        PG_ADD_FAULT | (write ? PG_ADD_DIRTY : 0) |
		                ((v->flags & VM_EXEC) ? PG_ADD_EXEC : 0),
		        false);
		mc->pm.frames[pfn].count = 1;
		*pte = pte_make(pfn, bits | ((v->flags & VM_WRITE) ? PTE_WRITE : 0) |
		                             (write ? PTE_DIRTY : 0));
		mc->m->fault_anon++;
		mc->m->misses++;
		mc->now += mc->c_minor;
		return 1;
	}
	/* File-backed. */
	uint64_t index = v->pgoff + ((va - v->start) >> 12);
	uint32_t pfn = pagecache_get(mc, v->file, index, &major);

	if (pfn == FRAME_NONE)
		return -1;
	pte = pgtable_walk(mm->pt, va, NULL);
	mc->m->fault_file++;
	if (major)
		mc->m->pgmajfault++;
	mc->now += major ? mc->c_major : mc->c_minor;
	mc->pm.frames[pfn].count++;
	if (mc->pm.frames[pfn].count == 1)
		mc->m->nr_mapped++;
	*pte = pte_make(pfn,
	                bits | ((v->flags & VM_SHARED) && (v->flags & VM_WRITE) ? PTE_WRITE : 0));
	if (write) { /* private: copy now; shared: dirty the page-cache page */
		if (v->flags & VM_SHARED)
			*pte |= PTE_DIRTY;
		else if (cow_copy(mc, mm, va, pte, bits))
			return -1;
	}
	return 1;
}

/* ====================================================================== */
/* Records                                                                  */
/* ====================================================================== */

/* One page touched by a load, store or fetch. Return: 0, or -1 on error. */
static int access_page(struct machine *mc, struct mm *mm, uint64_t va, unsigned op)
{
	bool write = op == TRACE_OP_W, exec = op == TRACE_OP_X;
	uint64_t vpn = va >> 12, *tp, *pte;
	unsigned refs;

	mc->m->accesses++;
	mc->now += mc->c_access;
	tp = tlb_lookup(&mc->tlb, vpn, exec);
	if (tp && (!write || (*tp & PTE_DIRTY))) {
		if (mc->pc.ops->page_accessed)
			mc->pc.ops->page_accessed(&mc->pc.ctx, pte_pfn(*tp),
			                          write ? PG_ACC_WRITE : 0);
		return 0;
	}
	if (tp && (*tp & PTE_WRITE)) { /* first store through a clean translation: set D */
		pte = pgtable_walk(mm->pt, va, NULL);
		*pte |= PTE_DIRTY | PTE_ACCESSED;
		*tp = *pte;
		mc->m->page_walk_refs++;
		mc->now += mc->c_walk;
		if (mc->pc.ops->page_accessed)
			mc->pc.ops->page_accessed(&mc->pc.ctx, pte_pfn(*tp), PG_ACC_WRITE);
		return 0;
	}
	for (int tries = 0; tries < 2; tries++) {
		pte = pgtable_walk(mm->pt, va, &refs);
		mc->m->page_walks++;
		mc->m->page_walk_refs += refs;
		mc->now += refs * mc->c_walk;
		if (pte && (*pte & PTE_PRESENT) && (!write || (*pte & PTE_WRITE)) &&
		    (!exec || !(*pte & PTE_NX))) {
			*pte |= PTE_ACCESSED | (write ? PTE_DIRTY : 0);
			tlb_fill(&mc->tlb, vpn, exec, *pte);
			if (mc->pc.ops->page_accessed)
				mc->pc.ops->page_accessed(&mc->pc.ctx, pte_pfn(*pte),
				                          write ? PG_ACC_WRITE : 0);
			return 0;
		}
		if (tries)
			break;
		int r = handle_fault(mc, mm, va, op);

		if (r <= 0)
			return r;
		if (tp) { /* a stale read-only translation: the kernel flushes it after COW */
			tlb_flush_page(&mc->tlb, mm->asid, vpn);
			mc->m->tlb_shootdowns++;
		}
	}
	SIM_BUG_ON(1); /* a handled fault always leaves a usable PTE */
	return -1;
}

/* read()/write() of [addr, addr+len) of a file through the page cache. */
static int file_io(struct machine *mc, const struct trace_rec *r)
{
	uint64_t len = r->len ? r->len : PAGE, first = r->addr >> 12;
	uint64_t last = (r->addr + len - 1) >> 12;

	for (uint64_t idx = first; idx <= last; idx++) {
		bool major;
		uint32_t pfn = pagecache_get(mc, r->file, idx, &major);

		if (pfn == FRAME_NONE)
			return -1;
		mc->m->accesses++;
		mc->now += major ? mc->c_major : mc->c_access;
		if (r->op == TRACE_OP_WRITE && !(mc->pm.frames[pfn].flags & FRAME_DIRTY)) {
			mc->pm.frames[pfn].flags |= FRAME_DIRTY;
			mc->m->nr_dirty++;
		}
		if (!major) {
			if (mc->pc.ops->mark_accessed)
				mc->pc.ops->mark_accessed(&mc->pc.ctx, pfn);
			else if (mc->pc.ops->page_accessed)
				mc->pc.ops->page_accessed(&mc->pc.ctx, pfn,
				                          r->op == TRACE_OP_WRITE ? PG_ACC_WRITE
				                                                  : 0);
		}
	}
	return 0;
}

static uint32_t vm_flags_of(uint64_t arg)
{
	return ((arg & TRACE_PROT_R) ? VM_READ : 0) | ((arg & TRACE_PROT_W) ? VM_WRITE : 0) |
	       ((arg & TRACE_PROT_X) ? VM_EXEC : 0) | ((arg & TRACE_MAP_SHARED) ? VM_SHARED : 0) |
	       ((arg & TRACE_MAP_LOCKED) ? VM_LOCKED : 0) |
	       ((arg & TRACE_MAP_STACK) ? VM_GROWSDOWN : 0);
}

/* Copy a parent's present PTEs into the child, write-protecting private pages. */
struct fork_ctx {
	struct machine *mc;
	struct mm *child;
	struct mm *parent;
	int failed;
};

static void fork_pte(void *arg, uint64_t va, uint64_t *pte)
{
	struct fork_ctx *fc = arg;
	struct vma *v;
	uint64_t *cpte;

	if (fc->failed || !(*pte & PTE_PRESENT))
		return;
	v = vma_find(&fc->parent->vmas, va);
	if (v && !(v->flags & VM_SHARED))
		*pte &= ~PTE_WRITE; /* copy-on-write from now on, in both */
	cpte = populate(fc->mc, fc->child, va);
	if (!cpte) {
		fc->failed = 1;
		return;
	}
	*cpte = *pte;
	fc->mc->pm.frames[pte_pfn(*pte)].count++;
}

static int do_fork(struct machine *mc, struct mm *parent, uint32_t child_pid)
{
	struct mm *child;
	struct fork_ctx fc;

	if (find_mm(mc, child_pid, false)) {
		snprintf(mc->err, mc->errlen,
		         "%s: record %llu: fork of pid %u, which already exists", mc->trace,
		         (unsigned long long)mc->record, child_pid);
		return -1;
	}
	child = find_mm(mc, child_pid, true);
	if (!child)
		return -1;
	vma_set_clone(&child->vmas, &parent->vmas);
	child->brk = parent->brk;
	fc = (struct fork_ctx){mc, child, parent, 0};
	pgtable_for_each(parent->pt, 0, UINT64_MAX >> 1, fork_pte, &fc);
	tlb_flush_asid(&mc->tlb, parent->asid); /* flush_tlb_mm after write-protecting */
	mc->m->tlb_shootdowns++;
	return fc.failed ? -1 : 0;
}

static void mprotect_piece(void *arg, const struct vma *piece)
{
	struct zap_ctx *z = arg;

	z->mc->m->tlb_shootdowns++;
	tlb_flush_range(&z->mc->tlb, z->mm->asid, piece->start >> 12,
	                (piece->end - piece->start) >> 12);
}

struct wp_ctx {
	uint32_t prot; /* new VM_* protection */
};

static void protect_pte(void *arg, uint64_t va, uint64_t *pte)
{
	struct wp_ctx *w = arg;

	(void)va;
	if (!(w->prot & VM_WRITE))
		*pte &= ~PTE_WRITE; /* adding write is lazy: the next store faults and upgrades */
}

static int do_record(struct machine *mc, const struct trace_rec *r)
{
	struct mm *mm;

	if ((r->flags & TREC_TIME) && r->time > mc->now)
		mc->now = r->time;
	if (trace_op_is_file_io(r->op))
		return file_io(mc, r);
	if (r->op == TRACE_OP_ALLOC || r->op == TRACE_OP_FREE) {
		unsigned order = trace_alloc_order(r->arg), zone = mc->kernel_zone;
		uint64_t s = u64map_slot(&mc->kallocs, r->addr);

		mc->now += mc->c_syscall;
		if (r->op == TRACE_OP_ALLOC) {
			uint32_t pfn;

			if (mc->kallocs.keys[s] == r->addr && mc->kallocs.vals[s] != UINT64_MAX) {
				snprintf(mc->err, mc->errlen,
				         "%s: record %llu: alloc handle 0x%llx is live", mc->trace,
				         (unsigned long long)mc->record,
				         (unsigned long long)r->addr);
				return -1;
			}
			for (unsigned z = 0; z < mc->pm.nr_zones; z++)
				if (mc->pm.zones[z].type ==
				    (enum zone_type)trace_alloc_zone(r->arg))
					zone = z < zone ? z : zone;
			pfn = alloc_pages(mc, order, zone);
			if (pfn == FRAME_NONE)
				return -1;
			mc->pm.frames[pfn].flags |= FRAME_KERNEL;
			u64map_put(&mc->kallocs, r->addr, (uint64_t)pfn << 8 | order);
			mc->m->nr_kernel_alloc_pages += 1ULL << order;
		} else {
			if (mc->kallocs.keys[s] != r->addr || mc->kallocs.vals[s] == UINT64_MAX) {
				snprintf(mc->err, mc->errlen,
				         "%s: record %llu: free of handle 0x%llx, which is not "
				         "allocated",
				         mc->trace, (unsigned long long)mc->record,
				         (unsigned long long)r->addr);
				return -1;
			}
			uint64_t v = mc->kallocs.vals[s];

			free_pages(mc, (uint32_t)(v >> 8), (unsigned)(v & 0xff));
			mc->m->nr_kernel_alloc_pages -= 1ULL << (v & 0xff);
			mc->kallocs.vals[s] = UINT64_MAX;
		}
		return 0;
	}
	mm = find_mm(mc, r->pid, r->op != TRACE_OP_EXIT);
	if (!mm)
		return mc->oom ? -1 : 0; /* exit of an unknown pid: nothing to do */
	if (mc->cur != r->pid) {
		switch_to(mc, mm);
		mc->cur = r->pid;
	}
	if (trace_op_is_mem(r->op)) {
		uint64_t len = r->len ? r->len : 1, end = r->addr + len - 1;

		if (end < r->addr)
			end = UINT64_MAX;
		for (uint64_t p = r->addr >> 12; p <= end >> 12; p++)
			if (access_page(mc, mm, p << 12 | (p == r->addr >> 12 ? r->addr & 4095 : 0),
			                r->op) < 0)
				return -1;
		return 0;
	}
	mc->now += mc->c_syscall;
	struct zap_ctx z = {mc, mm};
	uint64_t start = r->addr & ~(PAGE - 1), end = (r->addr + r->len + PAGE - 1) & ~(PAGE - 1);

	switch (r->op) {
	case TRACE_OP_MMAP: {
		struct vma nv = {.start = start,
		                 .end = end,
		                 .file = VMA_NO_FILE,
		                 .flags = vm_flags_of(r->arg),
		                 .pgoff = start >> 12};

		if (end <= start)
			return 0;
		if (r->flags & TREC_FILE) {
			nv.file = r->file;
			nv.pgoff = 0; /* the trace model carries no file offset for mmap */
		}
		vma_map(&mm->vmas, &nv, zap_piece, &z);
		return 0;
	}
	case TRACE_OP_MUNMAP:
		vma_unmap(&mm->vmas, start, end, zap_piece, &z);
		return 0;
	case TRACE_OP_MPROTECT: {
		uint32_t prot = vm_flags_of(r->arg) & VM_PROT_MASK;
		struct wp_ctx w = {prot};

		vma_modify(&mm->vmas, start, end, prot, VM_PROT_MASK & ~prot, mprotect_piece, &z);
		pgtable_for_each(mm->pt, start, end, protect_pte, &w);
		return 0;
	}
	case TRACE_OP_BRK: {
		uint64_t nb = (r->addr + PAGE - 1) & ~(PAGE - 1);

		if (!mm->brk || !nb) {
			mm->brk = nb;
		} else if (nb > mm->brk) {
			struct vma nv = {.start = mm->brk,
			                 .end = nb,
			                 .file = VMA_NO_FILE,
			                 .flags = VM_READ | VM_WRITE,
			                 .pgoff = mm->brk >> 12};

			vma_map(&mm->vmas, &nv, zap_piece, &z);
			mm->brk = nb;
		} else if (nb < mm->brk) {
			vma_unmap(&mm->vmas, nb, mm->brk, zap_piece, &z);
			mm->brk = nb;
		}
		return 0;
	}
	case TRACE_OP_MADVISE:
		if (r->arg == TRACE_MADV_DONTNEED || r->arg == TRACE_MADV_FREE ||
		    r->arg == TRACE_MADV_REMOVE)
			zap_range(mc, mm, start, end);
		else if (r->arg == TRACE_MADV_MERGEABLE || r->arg == TRACE_MADV_UNMERGEABLE)
			vma_modify(&mm->vmas, start, end,
			           r->arg == TRACE_MADV_MERGEABLE ? VM_MERGEABLE : 0,
			           r->arg == TRACE_MADV_MERGEABLE ? 0 : VM_MERGEABLE, NULL, NULL);
		return 0;
	case TRACE_OP_MLOCK:
	case TRACE_OP_MUNLOCK:
		vma_modify(&mm->vmas, start, end, r->op == TRACE_OP_MLOCK ? VM_LOCKED : 0,
		           r->op == TRACE_OP_MLOCK ? 0 : VM_LOCKED, NULL, NULL);
		return 0;
	case TRACE_OP_FORK:
		if (!(r->flags & TREC_ARG) || r->arg > UINT32_MAX) {
			snprintf(mc->err, mc->errlen, "%s: record %llu: fork without a child pid",
			         mc->trace, (unsigned long long)mc->record);
			return -1;
		}
		return do_fork(mc, mm, (uint32_t)r->arg);
	case TRACE_OP_EXIT:
	case TRACE_OP_EXEC: {
		uint64_t s = u64map_slot(&mc->pid_map, r->pid);

		mm_exit(mc, mm);
		mc->procs[mc->pid_map.vals[s]] = NULL;
		mc->cur = UINT32_MAX;
		if (r->op == TRACE_OP_EXEC && !find_mm(mc, r->pid, true))
			return -1;
		return 0;
	}
	case TRACE_OP_FADVISE: /* readahead and fadvise come with the page-cache work */
	default:
		return 0;
	}
}

/* ====================================================================== */
/* Run loop                                                                 */
/* ====================================================================== */

static void gauges(struct machine *mc)
{
	struct metrics *m = mc->m;
	uint64_t *zone_free[NR_ZONE_TYPES] = {&m->nr_free_dma, &m->nr_free_dma32,
	                                      &m->nr_free_normal, &m->nr_free_highmem,
	                                      &m->nr_free_movable};
	uint64_t *buddy[BUDDY_MAX_ORDER + 1] = {
	        &m->buddy_order0, &m->buddy_order1, &m->buddy_order2, &m->buddy_order3,
	        &m->buddy_order4, &m->buddy_order5, &m->buddy_order6, &m->buddy_order7,
	        &m->buddy_order8, &m->buddy_order9, &m->buddy_order10};

	m->nr_free_pages = m->wmark_min = m->wmark_low = m->wmark_high = 0;
	for (int t = 0; t < NR_ZONE_TYPES; t++)
		*zone_free[t] = 0;
	for (unsigned o = 0; o <= BUDDY_MAX_ORDER; o++)
		*buddy[o] = 0;
	for (unsigned z = 0; z < mc->pm.nr_zones; z++) {
		m->nr_free_pages += mc->pm.zones[z].nr_free;
		m->wmark_min += mc->pm.zones[z].wmark[WMARK_MIN];
		m->wmark_low += mc->pm.zones[z].wmark[WMARK_LOW];
		m->wmark_high += mc->pm.zones[z].wmark[WMARK_HIGH];
		*zone_free[mc->pm.zones[z].type] += mc->pm.zones[z].nr_free;
		for (unsigned o = 0; o <= BUDDY_MAX_ORDER; o++)
			*buddy[o] += buddy_nr_free_blocks(&mc->pm, z, o);
	}
	m->tlb_l1d_hit = mc->tlb.l1d.hits;
	m->tlb_l1d_miss = mc->tlb.l1d.misses;
	m->tlb_l1i_hit = mc->tlb.l1i.hits;
	m->tlb_l1i_miss = mc->tlb.l1i.misses;
	m->tlb_l2_hit = mc->tlb.l2.hits;
	m->tlb_l2_miss = mc->tlb.l2.misses;
	m->sim_time_ns = mc->now;
}

static void tick(struct machine *mc)
{
	while (mc->now >= mc->next_tick) {
		uint64_t saved = mc->now;

		gauges(mc);
		mc->m->sim_time_ns = mc->next_tick;
		if (mc->o->out)
			output_timeline_row(mc->o->out, mc->next_tick, mc->m);
		mc->m->sim_time_ns = saved;
		mc->next_tick += mc->interval;
	}
}

static int setup(struct machine *mc, char *err, size_t errlen)
{
	const struct config *cfg = mc->o->cfg;
	const char *arch = config_get(cfg, "machine.arch");
	struct zone_spec specs[MAX_ZONES];
	unsigned ratio[NR_ZONE_TYPES];
	const char *rr = config_get(cfg, "vm.lowmem_reserve_ratio");
	struct tlb_geometry g = {
	        .l1d_entries = (uint32_t)config_u64(cfg, "tlb.l1d.entries"),
	        .l1d_ways = (uint32_t)config_u64(cfg, "tlb.l1d.ways"),
	        .l1i_entries = (uint32_t)config_u64(cfg, "tlb.l1i.entries"),
	        .l1i_ways = (uint32_t)config_u64(cfg, "tlb.l1i.ways"),
	        .l2_entries = (uint32_t)config_u64(cfg, "tlb.l2.entries"),
	        .l2_ways = (uint32_t)config_u64(cfg, "tlb.l2.ways"),
	        .asid = config_bool(cfg, "tlb.asid"),
	};
	int n = zone_layout(arch, config_size(cfg, "machine.memory"), specs);

	if (n < 0) {
		snprintf(err, errlen, "machine.memory must be a multiple of 4 KiB below 16 TiB");
		return -1;
	}
	if (sscanf(rr, "%u %u %u %u %u", &ratio[0], &ratio[1], &ratio[2], &ratio[3], &ratio[4]) !=
	    5) {
		snprintf(err, errlen, "vm.lowmem_reserve_ratio wants five numbers");
		return -1;
	}
	if (tlb_init(&mc->tlb, &g)) {
		snprintf(err, errlen, "each TLB level's entries must be a multiple of its ways");
		return -1;
	}
	physmem_init(&mc->pm, specs, (unsigned)n, config_u64(cfg, "vm.min_free_kbytes"),
	             (unsigned)config_u64(cfg, "vm.watermark_scale_factor"), ratio);
	mc->scheme = (enum pt_scheme)pgtable_scheme_of(arch);
	mc->user_zone = mc->kernel_zone = 0;
	for (unsigned z = 0; z < mc->pm.nr_zones; z++) {
		if (mc->pm.zones[z].type != ZONE_MOVABLE)
			mc->user_zone = z; /* GFP_HIGHUSER: up to HighMem */
		if (mc->pm.zones[z].type <= ZONE_NORMAL)
			mc->kernel_zone = z; /* GFP_KERNEL: lowmem only */
	}
	mc->implicit_vma = config_bool(cfg, "vm.implicit_vma");
	mc->interval = config_time_ns(cfg, "metrics.interval");
	mc->next_tick = mc->interval;
	mc->c_access = config_time_ns(cfg, "cost.access");
	mc->c_l2hit = config_time_ns(cfg, "cost.tlb_l2_hit");
	mc->c_walk = config_time_ns(cfg, "cost.walk_ref");
	mc->c_minor = config_time_ns(cfg, "cost.minor_fault");
	mc->c_major = config_time_ns(cfg, "cost.major_fault");
	mc->c_cow = config_time_ns(cfg, "cost.cow_copy");
	mc->c_syscall = config_time_ns(cfg, "cost.syscall");
	u64map_init(&mc->pid_map, 64);
	u64map_init(&mc->pagecache, 1024);
	u64map_init(&mc->kallocs, 64);
	mc->cur = UINT32_MAX;
	return 0;
}

static uint64_t mc_page_key(void *mech, uint32_t pfn)
{
	return ((struct machine *)mech)->pm.frames[pfn].key;
}

static unsigned mc_page_flags(void *mech, uint32_t pfn)
{
	const struct frame *f = &((struct machine *)mech)->pm.frames[pfn];

	return ((f->flags & FRAME_SWAPBACKED) ? 0 : PGF_FILE) |
	       ((f->flags & FRAME_DIRTY) ? PGF_DIRTY : 0) | (f->count ? PGF_MAPPED : 0);
}

static uint32_t mc_page_memcg(void *mech, uint32_t pfn)
{
	(void)mech;
	(void)pfn;
	return 0;
}

static unsigned mc_page_zone(void *mech, uint32_t pfn)
{
	return frame_zone(&((struct machine *)mech)->pm.frames[pfn]);
}

static int mc_page_referenced(void *mech, uint32_t pfn)
{
	(void)mech;
	(void)pfn;
	return -1; /* rmap walks arrive with reclaim */
}

static enum reclaim_result mc_reclaim_page(void *mech, struct reclaim_control *rc, uint32_t pfn)
{
	(void)mech;
	(void)rc;
	(void)pfn;
	return RECLAIM_KEEP; /* reclaim is not modelled yet */
}

static uint64_t mc_now(void *mech)
{
	return ((struct machine *)mech)->now;
}

static const struct policy_mech_ops machine_mech = {
        .page_key = mc_page_key,
        .page_flags = mc_page_flags,
        .page_memcg = mc_page_memcg,
        .page_zone = mc_page_zone,
        .page_referenced = mc_page_referenced,
        .reclaim_page = mc_reclaim_page,
        .now_ns = mc_now,
};

int machine_run(const struct machine_opts *o, struct metrics *m, char *err, size_t errlen)
{
	struct machine *mc = xcalloc(1, sizeof(*mc));
	struct trace_rec *buf = NULL;
	struct metrics scratch; /* absorbs the counting of the final teardown */
	int ret = -1;

	memset(m, 0, sizeof(*m));
	err[0] = 0;
	mc->o = o;
	mc->m = m;
	mc->err = err;
	mc->errlen = errlen;
	if (setup(mc, err, errlen)) {
		free(mc);
		return -1;
	}
	if (o->ops->needs_future) {
		snprintf(err, errlen,
		         "policy %s is offline and runs in cache mode only (--capacity)",
		         o->ops->name);
		goto out_pm;
	}
	if (policy_core_init(&mc->pc, o->ops, &machine_mech, mc, o->cfg, m,
	                     (uint32_t)mc->pm.nr_frames))
		goto out_pm;
	buf = xmalloc(MC_BATCH * sizeof(*buf));
	for (int t = 0; t < o->nr_traces; t++) {
		struct trace_reader *r;
		long n;

		if (trace_open(&r, o->traces[t], o->topts, err, errlen))
			goto out;
		mc->trace = o->traces[t];
		while ((n = trace_read(r, buf, MC_BATCH)) > 0) {
			for (long i = 0; i < n; i++) {
				mc->record = trace_records_read(r) - (uint64_t)n + (uint64_t)i + 1;
				if (do_record(mc, &buf[i])) {
					if (!err[0])
						snprintf(err, errlen,
						         "%s: record %llu: cannot be replayed",
						         mc->trace, (unsigned long long)mc->record);
					trace_close(r);
					goto out;
				}
				tick(mc);
			}
		}
		if (n < 0) {
			snprintf(err, errlen, "%s", trace_error(r));
			trace_close(r);
			goto out;
		}
		trace_close(r);
	}
	gauges(mc);
	if (o->out && mc->now + mc->interval != mc->next_tick)
		output_timeline_row(o->out, mc->now, m);
	ret = 0;
out:
	/* The summary describes the state after the last record: freeing the host
	 * structures below must not count as simulated frees. */
	mc->m = &scratch;
	for (uint32_t i = 0; i < mc->nr_procs; i++)
		if (mc->procs[i]) {
			pgtable_destroy(mc->procs[i]->pt);
			vma_set_free(&mc->procs[i]->vmas);
			free(mc->procs[i]);
		}
	free(mc->procs);
	policy_core_destroy(&mc->pc);
out_pm:
	free(buf);
	u64map_free(&mc->pid_map);
	u64map_free(&mc->pagecache);
	u64map_free(&mc->kallocs);
	tlb_free(&mc->tlb);
	physmem_free(&mc->pm);
	free(mc);
	return ret;
}
