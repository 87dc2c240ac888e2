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
 * watermark; below it the slow path of reclaim.c wakes kswapd, reclaims
 * directly and in the end OOM-kills. Data pages are charged to the process's
 * memory cgroup first. The policy is told about every page that becomes
 * resident or leaves. A swap PTE faults the page back from the swap cache or
 * the device (with readahead); a page-cache or swap-cache slot holding a
 * shadow entry turns the fault into a refault judged by workingset.c.
 *
 * Time: each record costs per the [cost] section (an access, an L2 TLB hit,
 * each walk reference, minor and major faults, COW copies, system calls); a
 * timestamp later than the clock moves it. timeline.csv gets a row at every
 * multiple of metrics.interval.
 *
 * Map of this file: state and helpers; allocation; process table; unmapping;
 * faults; records; the run loop.
 */
#include "mm_internal.h"

#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ====================================================================== */
/* Allocation                                                               */
/* ====================================================================== */

/* __alloc_pages: the fast path at the low watermark, else reclaim.c's slow path. */
static uint32_t alloc_pages(struct machine *mc, unsigned order, unsigned highest)
{
	uint32_t pfn = mc_try_alloc(mc, order, highest, WMARK_LOW);

	return pfn != FRAME_NONE ? pfn : mc_alloc_slowpath(mc, order, highest);
}

void mc_free_pages(struct machine *mc, uint32_t pfn, unsigned order)
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
	struct machine *mc = arg;

	memset(mc->la, 0, sizeof(mc->la)); /* the PTE addresses it holds may be gone */
	mc_free_pages(mc, pfn, order);
}

/* A data page for @memcg: charge, then allocate. Return: pfn or FRAME_NONE. */
static uint32_t alloc_data_page(struct machine *mc, uint32_t memcg)
{
	uint32_t pfn;

	if (memcg_charge(mc, memcg))
		return FRAME_NONE;
	pfn = alloc_pages(mc, 0, mc->user_zone);
	if (pfn == FRAME_NONE)
		mc->memcg[memcg].usage--;
	return pfn;
}

/* workingset_refault(): judge a refault of a page of @file kind with @shadow. */
static unsigned refault(struct machine *mc, uint32_t pfn, uint64_t shadow, bool file)
{
	struct metrics *m = mc->m;
	unsigned node = pfn_node(&mc->pm, pfn), enode = shadow_node(shadow);
	/* the eviction lruvec: the cgroup and node the shadow names */
	struct node_state *ens = enode < mc->nr_nodes ? &mc->node[enode] : &mc->node[node];
	struct policy_ctx *ctx = &ens->pc.ctx;
	uint32_t em = shadow_memcg(shadow);
	struct workingset_sizes sz;
	unsigned flags = PG_ADD_REFAULT;

	if (file)
		m->workingset_refault_file++;
	else
		m->workingset_refault_anon++;
	if (mc->ops->refault) { /* the policy keeps its own history */
		/* its history is per node: a page that comes back on another node
		 * is a stranger there (lru_gen_refault's lruvec check) */
		if (enode != node)
			return flags;
		flags |= mc->ops->refault(ctx, pfn, shadow & SHADOW_PAYLOAD);
		if (flags & PG_ADD_ACTIVATE) {
			if (file)
				m->workingset_activate_file++;
			else
				m->workingset_activate_anon++;
		}
		if (flags & PG_ADD_WORKINGSET) {
			if (file)
				m->workingset_restore_file++;
			else
				m->workingset_restore_anon++;
		}
		return flags;
	}
	if (mc->ops->shadow_of)
		return flags;
	sz = (struct workingset_sizes){
	        .active_file = policy_lru_size(ctx, em, LRU_ACTIVE_FILE),
	        .inactive_file = policy_lru_size(ctx, em, LRU_INACTIVE_FILE),
	        .active_anon = policy_lru_size(ctx, em, LRU_ACTIVE_ANON),
	        .inactive_anon = policy_lru_size(ctx, em, LRU_INACTIVE_ANON),
	        .swap = swap_nr_free(&mc->swap) > 0,
	};
	if (!workingset_test_recent(&ens->ws, shadow, file, &sz))
		return flags;
	workingset_age(&mc->node[node].ws, frame_memcg(&mc->pm.frames[pfn]), 1);
	flags |= PG_ADD_ACTIVATE;
	if (file)
		m->workingset_activate_file++;
	else
		m->workingset_activate_anon++;
	if (shadow_workingset(shadow)) {
		flags |= PG_ADD_WORKINGSET;
		if (file)
			m->workingset_restore_file++;
		else
			m->workingset_restore_anon++;
	}
	return flags;
}

/*
 * A data page became resident (already charged to @memcg): tell the policy.
 * @shadow is the entry its slot held (0 = none): a refault.
 */
static void page_in(struct machine *mc, uint32_t pfn, uint64_t key, unsigned flags, bool file,
                    uint32_t memcg, uint32_t family, uint64_t shadow)
{
	struct frame *f = &mc->pm.frames[pfn];

	f->key = key;
	f->prev = family;
	f->flags |= FRAME_LRU | (file ? 0 : FRAME_SWAPBACKED) | (memcg << FRAME_MEMCG_SHIFT) |
	            ((flags & PG_ADD_UNEVICTABLE) ? FRAME_MLOCKED : 0);
	if (file)
		mc->m->nr_file_pages++;
	else
		mc->m->nr_anon_pages++;
	struct policy_core *pc = mc_pc(mc, pfn);

	policy_core_clear_priv(pc, pfn);
	if (shadow)
		flags |= refault(mc, pfn, shadow, file);
	mc->ops->page_added(&pc->ctx, pfn, flags | (file ? PG_ADD_FILE : 0));
	if (flags & PG_ADD_WORKINGSET)
		policy_core_set_workingset(pc, pfn);
}

/*
 * A data page leaves memory (reclaimed, unmapped for good, or replaced). A
 * page under writeback cannot go yet: it is marked and freed when the write
 * ends (mc_writeback_end), if nobody has taken it up again by then.
 */
void mc_page_out(struct machine *mc, uint32_t pfn)
{
	struct frame *f = &mc->pm.frames[pfn];
	struct policy_core *pc = mc_pc(mc, pfn);

	if (f->flags & FRAME_WRITEBACK) {
		f->flags |= FRAME_ORPHAN;
		return;
	}
	mc->ops->page_removed(&pc->ctx, pfn);
	policy_core_forget(pc, pfn);
	if ((f->flags & FRAME_KSM) && mc->ksm)
		ksm_page_freed(mc->ksm, pfn);
	if (f->flags & FRAME_SWAPCACHE) /* delete_from_swap_cache */
		sc_del(mc, pfn, 0);
	if (f->flags & FRAME_SWAPBACKED)
		mc->m->nr_anon_pages--;
	else
		mc->m->nr_file_pages--;
	if (f->flags & FRAME_DIRTY)
		mc->m->nr_dirty--;
	mc->memcg[frame_memcg(f)].usage--;
	f->flags &= FRAME_ZONE_MASK;
	mc_free_pages(mc, pfn, 0);
}

/* ====================================================================== */
/* Processes                                                                */
/* ====================================================================== */

/* The cgroup a new process starts in: its memcg.groups entry, else memcg.limit's, else root. */
static uint8_t default_memcg(struct machine *mc, uint32_t pid)
{
	uint64_t s = u64map_slot(&mc->pid_memcg, pid);

	if (mc->pid_memcg.keys[s] == pid)
		return (uint8_t)mc->pid_memcg.vals[s];
	return mc->memcg[1].limit ? 1 : 0;
}

/* memcg.groups: "NAME:LIMIT:PID[,PID...]" entries. Return: 0, or -1 with a message. */
static int parse_groups(struct machine *mc, const char *spec, char *err, size_t errlen)
{
	char buf[256], *save = NULL, *tok;
	uint32_t id = 2;

	snprintf(buf, sizeof(buf), "%s", spec);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save), id++) {
		char *lim = strchr(tok, ':'), *pids = lim ? strchr(lim + 1, ':') : NULL, *p;
		uint64_t bytes, pid;

		if (!lim || !pids || lim == tok) {
			snprintf(err, errlen, "memcg.groups: '%s' is not NAME:LIMIT:PID[,PID...]",
			         tok);
			return -1;
		}
		*pids++ = 0;
		if (id >= MMSIM_MAX_MEMCG) {
			snprintf(err, errlen, "memcg.groups: at most %d groups",
			         MMSIM_MAX_MEMCG - 2);
			return -1;
		}
		if (parse_size(lim + 1, &bytes) || bytes < PAGE) {
			snprintf(err, errlen, "memcg.groups: bad limit '%s' (at least one page)",
			         lim + 1);
			return -1;
		}
		mc->memcg[id].limit = bytes / PAGE;
		for (p = strtok(pids, ","); p; p = strtok(NULL, ",")) {
			if (parse_u64(p, &pid) || pid > UINT32_MAX) {
				snprintf(err, errlen, "memcg.groups: bad pid '%s'", p);
				return -1;
			}
			u64map_put(&mc->pid_memcg, pid, id);
		}
	}
	return 0;
}

/* The node a new process runs on: numa.bind, else numa.placement. */
static uint8_t cpu_node(struct machine *mc, uint32_t pid)
{
	uint64_t s = u64map_slot(&mc->pid_node, pid);
	unsigned n;

	if (mc->pid_node.keys[s] == pid)
		return (uint8_t)mc->pid_node.vals[s];
	if (mc->fixed_node >= 0)
		return (uint8_t)mc->fixed_node;
	n = mc->next_cpu_node;
	mc->next_cpu_node = (n + 1) % mc->nr_nodes;
	return (uint8_t)n;
}

/* numa.placement and numa.bind. Return: 0, or -1 with a message. */
static int parse_numa(struct machine *mc, const char *placement, const char *bind, char *err,
                      size_t errlen)
{
	char buf[256], *save = NULL, *tok;
	uint64_t v, pid;

	mc->fixed_node = -1;
	if (strcmp(placement, "spread")) {
		if (parse_u64(placement, &v) || v >= mc->nr_nodes) {
			snprintf(err, errlen,
			         "numa.placement: '%s' is neither spread nor a node below %u",
			         placement, mc->nr_nodes);
			return -1;
		}
		mc->fixed_node = (int)v;
	}
	snprintf(buf, sizeof(buf), "%s", bind);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(tok, ':');

		if (colon)
			*colon = 0;
		if (!colon || parse_u64(tok, &pid) || pid > UINT32_MAX ||
		    parse_u64(colon + 1, &v) || v >= mc->nr_nodes) {
			if (colon)
				*colon = ':';
			snprintf(err, errlen, "numa.bind: '%s' is not PID:NODE with NODE below %u",
			         tok, mc->nr_nodes);
			return -1;
		}
		u64map_put(&mc->pid_node, pid, v);
	}
	return 0;
}

static struct mm *mm_new(struct machine *mc, uint32_t pid)
{
	struct mm *mm = xcalloc(1, sizeof(*mm));
	struct pgtable_frame_ops ops = {.alloc = pt_alloc, .free = pt_free, .arg = mc};
	unsigned saved = mc->alloc_node;

	mm->pid = mm->family = pid;
	mm->asid = ++mc->next_asid;
	mm->memcg = default_memcg(mc, pid);
	mm->node = cpu_node(mc, pid);
	vma_set_init(&mm->vmas);
	mc->alloc_node = mm->node; /* its top-level table comes from its own node */
	mm->pt = pgtable_create(mc->scheme, &ops);
	mc->alloc_node = saved;
	if (!mm->pt) {
		free(mm);
		return NULL;
	}
	return mm;
}

struct mm *mc_find_mm(struct machine *mc, uint32_t pid)
{
	uint64_t s = u64map_slot(&mc->pid_map, pid);

	if (mc->pid_map.keys[s] == pid && mc->procs[mc->pid_map.vals[s]])
		return mc->procs[mc->pid_map.vals[s]];
	return NULL;
}

static struct mm *find_mm(struct machine *mc, uint32_t pid, bool create)
{
	struct mm *mm = mc_find_mm(mc, pid);
	uint64_t s;

	if (mm || !create)
		return mm;
	mm = mm_new(mc, pid);
	if (!mm)
		return NULL;
	mc->m->nr_page_table_pages += pgtable_nr_pages(mm->pt); /* its top-level table */
	s = u64map_slot(&mc->pid_map, pid);
	if (mc->pid_map.keys[s] == pid) { /* a pid used again after exit: reuse its slot */
		mc->procs[mc->pid_map.vals[s]] = mm;
		return mm;
	}
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

/* A swap PTE goes away: drop the slot reference (free_swap_and_cache). */
static void zap_swap_entry(struct machine *mc, uint64_t pte)
{
	uint64_t off = pte_swap_offset(pte);
	struct swap_slot *s = &mc->swap.slot[off];

	SIM_BUG_ON(off >= mc->swap.nr_slots || !s->count);
	s->count--;
	if (s->count)
		return;
	if (!s->cache)
		slot_put(mc, off);
	else if (!mc->pm.frames[s->cache - 1].count)
		mc_page_out(mc, s->cache - 1); /* an unmapped swap-cache page nobody can reach */
}

/* A PTE goes away: drop the mapping; free the frame when nothing else holds it. */
static void zap_pte(void *arg, uint64_t va, uint64_t *pte)
{
	struct zap_ctx *z = arg;
	struct machine *mc = z->mc;
	struct frame *f;
	uint32_t pfn;

	if (*pte & PTE_SWAP) {
		zap_swap_entry(mc, *pte);
		return;
	}
	if (!(*pte & PTE_PRESENT))
		return;
	pfn = pte_pfn(*pte);
	f = &mc->pm.frames[pfn];
	if ((f->flags & FRAME_KSM) && mc->ksm) { /* KSM hook: the stable node loses a mapper */
		ksm_unmap(mc->ksm, z->mm, va, pfn);
		return;
	}
	if (*pte & PTE_DIRTY && !(f->flags & FRAME_DIRTY)) {
		f->flags |= FRAME_DIRTY;
		mc->m->nr_dirty++;
	}
	SIM_BUG_ON(f->count == 0);
	f->count--;
	mc->m->nr_mapped -= !(f->flags & FRAME_SWAPBACKED) && f->count == 0;
	if (f->count == 0 && (f->flags & FRAME_SWAPBACKED) &&
	    (!(f->flags & FRAME_SWAPCACHE) || !mc->swap.slot[f->next].count))
		mc_page_out(mc, pfn); /* anonymous memory dies with its last mapping */
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

/* The process is gone (exit, exec, OOM kill): free its memory and tables. */
void mc_mm_exit(struct machine *mc, struct mm *mm)
{
	struct zap_ctx z = {mc, mm};
	uint64_t s = u64map_slot(&mc->pid_map, mm->pid);

	mc->procs[mc->pid_map.vals[s]] = NULL; /* rmap no longer sees it */
	vma_unmap(&mm->vmas, 0, UINT64_MAX, zap_piece, &z);
	pgtable_unmap_range(mm->pt, 0, UINT64_MAX >> 1, zap_pte, &z); /* stray PTEs */
	if (mc->ksm)
		ksm_mm_exit(mc->ksm, mm);
	mc->m->nr_page_table_pages -= pgtable_nr_pages(mm->pt);
	pgtable_destroy(mm->pt);
	tlb_flush_asid(&mc->tlb, mm->asid);
	vma_set_free(&mm->vmas);
	if (mc->cur == mm->pid) {
		mc->cur = UINT32_MAX;
		mc->cur_mm = NULL;
	}
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

/*
 * The page-cache page (file, index), read in if absent (a refault if its slot
 * holds a shadow). Return: pfn or FRAME_NONE.
 */
static uint32_t pagecache_get(struct machine *mc, uint32_t file, uint64_t index, unsigned add,
                              uint32_t memcg, bool *major)
{
	uint64_t key = file_key(file, index), s = u64map_slot(&mc->pagecache, key), shadow = 0;
	uint32_t pfn;

	*major = false;
	if (mc->pagecache.keys[s] == key) {
		uint64_t v = mc->pagecache.vals[s];

		if (!(v & SHADOW_TAG))
			return (uint32_t)v;
		if (v != PC_ABSENT)
			shadow = v;
	}
	pfn = alloc_data_page(mc, memcg);
	if (pfn == FRAME_NONE)
		return FRAME_NONE;
	pc_set(mc, key, pfn);
	page_in(mc, pfn, key, add, true, memcg, 0, shadow);
	mc->m->pagecache_misses++;
	if (!(add & PG_ADD_READAHEAD))
		mc->m->misses++; /* readahead brings pages before anyone misses them */
	mc->m->pgpgin += PAGE / 1024;
	*major = true;
	return pfn;
}

/*
 * Copy a page for a write (COW): a fresh anonymous frame replaces *pte's.
 * PTE pointers stay valid across allocation: reclaim rewrites entries but
 * never frees table pages, and an OOM kill of the running process is only
 * carried out after its record (machine_run).
 */
static int cow_copy(struct machine *mc, struct mm *mm, uint64_t va, uint64_t *pte, uint64_t bits)
{
	uint32_t old = pte_pfn(*pte), pfn;
	struct frame *f = &mc->pm.frames[old];

	f->flags |= FRAME_PINNED; /* reclaim must not take it while we allocate */
	pfn = alloc_data_page(mc, mm->memcg);
	f->flags &= ~FRAME_PINNED;
	if (pfn == FRAME_NONE)
		return -1;
	SIM_BUG_ON(!(*pte & PTE_PRESENT) || pte_pfn(*pte) != old);
	if (mc->ksm)
		ksm_page_copy(mc->ksm, pfn, old);
	if ((f->flags & FRAME_KSM) && mc->ksm) { /* KSM hook: breaking COW of a KSM page */
		ksm_unmap(mc->ksm, mm, va, old);
		mc->m->cow_ksm++;
	} else if (--f->count == 0) {
		if (f->flags & FRAME_SWAPBACKED) {
			if (!(f->flags & FRAME_SWAPCACHE) || !mc->swap.slot[f->next].count)
				mc_page_out(mc, old);
		} else {
			mc->m->nr_mapped--;
		}
	}
	page_in(mc, pfn, anon_key(mm->pid, va >> 12), PG_ADD_FAULT | PG_ADD_DIRTY, false, mm->memcg,
	        mm->family, 0);
	mc->pm.frames[pfn].count = 1;
	*pte = pte_make(pfn, bits | PTE_WRITE | PTE_DIRTY | PTE_ACCESSED);
	mc->m->fault_cow++;
	mc->now += mc->c_cow;
	return 0;
}

/* Read swap slot @off into a new swap-cache page. Return: pfn or FRAME_NONE. */
static uint32_t swap_read(struct machine *mc, uint64_t off, uint32_t memcg, bool readahead)
{
	struct swap_slot *s;
	uint64_t shadow;
	uint32_t pfn;

	mc->noretry = readahead; /* readahead may reclaim, but never retries or OOM-kills */
	pfn = alloc_data_page(mc, memcg);
	mc->noretry = false;
	if (pfn == FRAME_NONE)
		return FRAME_NONE;
	s = &mc->swap.slot[off]; /* reclaim may have run */
	SIM_BUG_ON(s->cache || !(s->flags & SWP_USED));
	shadow = sc_take_shadow(mc, off);
	sc_add(mc, pfn, off);
	mc->m->pswpin++;
	mc->m->pgpgin += PAGE / 1024;
	if (readahead) {
		s->flags |= SWP_READAHEAD;
		mc->m->swap_ra++;
	}
	page_in(mc, pfn, s->key, readahead ? PG_ADD_READAHEAD : PG_ADD_FAULT, false, memcg,
	        s->family, shadow);
	if (mc->ksm)
		ksm_page_set_content(mc->ksm, pfn, mc->swap.content[off]);
	return pfn;
}

/*
 * do_swap_page(): the PTE of @va holds a swap entry. Find the page in the swap
 * cache (minor) or read it with its readahead window (major), map it.
 * Return: 0, or -1 (no memory, or the process was killed).
 */
static int swap_in(struct machine *mc, struct mm *mm, struct vma *v, uint64_t va, uint64_t *pte,
                   bool write, uint64_t bits)
{
	uint64_t off = pte_swap_offset(*pte);
	struct swap_slot *s = &mc->swap.slot[off];
	struct frame *f;
	uint32_t pfn;

	SIM_BUG_ON(off == 0 || off >= mc->swap.nr_slots || !s->count);
	swapped_hint_set(mc, mm->asid, va >> 12, false);
	mc->m->fault_swapin++;
	if (s->cache) {
		pfn = s->cache - 1;
		if (s->flags & SWP_READAHEAD) {
			s->flags &= ~SWP_READAHEAD;
			mc->m->swap_ra_hit++;
			mc->swap.ra_hits++;
		}
		mc->now += mc->c_minor;
	} else {
		uint32_t win = swap_ra_window(&mc->swap, off, 1u << mc->page_cluster);

		pfn = swap_read(mc, off, mm->memcg, false);
		if (pfn == FRAME_NONE)
			return -1;
		mc->pm.frames[pfn].flags |= FRAME_PINNED;
		for (uint64_t o = off & ~(uint64_t)(win - 1); win > 1 && o < (off | (win - 1)) + 1;
		     o++) {
			const struct swap_slot *rs = &mc->swap.slot[o];

			if (o == off || o == 0 || o >= mc->swap.nr_slots ||
			    !(rs->flags & SWP_USED) || rs->cache || !rs->count)
				continue;
			if (swap_read(mc, o, mm->memcg, true) == FRAME_NONE)
				break;
		}
		mc->pm.frames[pfn].flags &= ~FRAME_PINNED;
		mc->m->pgmajfault++;
		mc->m->misses++;
		mc->now += mc->c_swap_read;
		s = &mc->swap.slot[off];
	}
	f = &mc->pm.frames[pfn];
	if (f->prev != mm->family || key_index(f->key) != ((va) >> 12) || (f->key >> 62) == 1) {
		/*
		 * The page belongs to another mapping: it was a KSM page (shared by
		 * unrelated processes) when it went out. ksm_might_need_to_copy:
		 * the first process to fault it adopts it, the others get copies.
		 */
		if (!f->count && (f->key >> 62) == 1) {
			f->key = anon_key(mm->pid, va >> 12);
			f->prev = mm->family;
		} else {
			uint32_t copy;

			f->flags |= FRAME_PINNED;
			copy = alloc_data_page(mc, mm->memcg);
			f->flags &= ~FRAME_PINNED;
			if (copy == FRAME_NONE)
				return -1;
			page_in(mc, copy, anon_key(mm->pid, va >> 12), PG_ADD_FAULT, false,
			        mm->memcg, mm->family, 0);
			if (mc->ksm)
				ksm_page_copy(mc->ksm, copy, pfn);
			mc->m->ksm_swpin_copy++;
			s->count--;
			if (!s->count && !f->count) /* nobody else will come for it */
				mc_page_out(mc, pfn);
			mc->pm.frames[copy].count = 1;
			*pte = pte_make(copy, bits | ((v->flags & VM_WRITE) ? PTE_WRITE : 0) |
			                              (write ? PTE_DIRTY : 0));
			return 0;
		}
	}
	s->count--;
	f->count++;
	/* exclusive (no other user of the slot or the page): map it writable */
	if ((v->flags & VM_WRITE) && !s->count && f->count == 1)
		bits |= PTE_WRITE;
	*pte = pte_make(pfn, bits | (write ? PTE_DIRTY : 0));
	/* should_try_to_free_swap(): a write, or swap more than half full; never while the
	 * page is still being written (folio_free_swap fails under writeback) */
	if (!s->count && (write || swap_full(&mc->swap)) && f->count == 1 &&
	    !(f->flags & FRAME_WRITEBACK))
		sc_del(mc, pfn, 0);
	return 0;
}

/*
 * Handle a fault at @va for @op. Return: 1 if the access may proceed (the PTE
 * now allows it), 0 if it was a protection fault (skipped), -1 on an error or
 * when the process was OOM-killed.
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
	if (!pte || mm->oom_victim)
		return -1;
	v = vma_find(&mm->vmas, va); /* the VMA array does not move, but be exact */
	bits = PTE_USER | PTE_ACCESSED | (exec || (v->flags & VM_EXEC) ? 0 : PTE_NX);
	if (*pte & PTE_SWAP) {
		if (swap_in(mc, mm, v, va, pte, write, bits))
			return -1;
		if (!write || (*pte & PTE_WRITE))
			return 1;
		/* a write to a page others still share: copy it below (do_wp_page) */
	}
	if ((*pte & PTE_PRESENT) && !write) { /* exec allowed by the VMA since (mprotect) */
		*pte &= ~PTE_NX;
		return 1;
	}
	if (*pte & PTE_PRESENT) { /* write to a read-only PTE in a writable VMA */
		struct frame *f = &mc->pm.frames[pte_pfn(*pte)];

		if (f->count > 1 || !(f->flags & FRAME_SWAPBACKED) || (f->flags & FRAME_KSM)) {
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
		uint32_t pfn = alloc_data_page(mc, mm->memcg);

		if (pfn == FRAME_NONE)
			return -1;
		page_in(mc, pfn, anon_key(mm->pid, va >> 12),
		        PG_ADD_FAULT | (write ? PG_ADD_DIRTY : 0) |
		                ((v->flags & VM_EXEC) ? PG_ADD_EXEC : 0) |
		                ((v->flags & VM_LOCKED) ? PG_ADD_UNEVICTABLE : 0),
		        false, mm->memcg, mm->family, 0);
		mc->pm.frames[pfn].count = 1;
		if (mc->ksm)
			ksm_page_new(mc->ksm, pfn);
		*pte = pte_make(pfn, bits | ((v->flags & VM_WRITE) ? PTE_WRITE : 0) |
		                             (write ? PTE_DIRTY : 0));
		mc->m->fault_anon++;
		mc->m->misses++;
		mc->now += mc->c_minor;
		return 1;
	}
	/* File-backed. */
	uint64_t index = v->pgoff + ((va - v->start) >> 12);
	uint32_t pfn = pagecache_get(mc, v->file, index,
	                             PG_ADD_FAULT | ((v->flags & VM_EXEC) ? PG_ADD_EXEC : 0) |
	                                     ((v->flags & VM_LOCKED) ? PG_ADD_UNEVICTABLE : 0),
	                             mm->memcg, &major);

	if (pfn == FRAME_NONE)
		return -1;
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
/* The policy's page_accessed() for @pfn, on its node's instance. */
static inline void policy_accessed(struct machine *mc, uint32_t pfn, unsigned acc)
{
	mc->ops->page_accessed(&mc_pc(mc, pfn)->ctx, pfn, acc);
}

static int access_page(struct machine *mc, struct mm *mm, uint64_t va, unsigned op)
{
	bool write = op == TRACE_OP_W, exec = op == TRACE_OP_X;
	uint64_t vpn = va >> 12, *tp, *pte;
	unsigned refs;

	uint64_t l2_hits = mc->tlb.l2.hits;

	mc->m->accesses++;
	mc->now += mc->c_access;
	tp = tlb_lookup(&mc->tlb, vpn, exec);
	if (mc->tlb.l2.hits != l2_hits)
		mc->now += mc->c_l2hit; /* an L1 miss served by the L2 TLB */
	if (tp && write && !(*tp & PTE_DIRTY) && mc->sw_young_dirty)
		tp = NULL; /* arm32: a clean page is read-only to the hardware: fault below */
	if (tp && (!write || (*tp & PTE_DIRTY))) {
		if (mc->ops->page_accessed)
			policy_accessed(mc, pte_pfn(*tp), write ? PG_ACC_WRITE : 0);
		return 0;
	}
	if (tp && (*tp & PTE_WRITE)) { /* first store through a clean translation: set D */
		pte = pgtable_walk(mm->pt, va, NULL);
		*pte |= PTE_DIRTY | PTE_ACCESSED;
		*tp = *pte;
		mc->m->page_walk_refs++;
		mc->now += mc->c_walk;
		if (mc->ops->page_accessed)
			policy_accessed(mc, pte_pfn(*tp), PG_ACC_WRITE);
		return 0;
	}
	for (int tries = 0; tries < 2; tries++) {
		unsigned skip = mc->tlb.pwc.entries ? pwc_lookup(&mc->tlb.pwc, mm->asid, va) : 0;

		pte = pgtable_walk(mm->pt, va, &refs);
		if (mc->tlb.pwc.entries)
			pwc_fill(&mc->tlb.pwc, mm->asid, va, refs - 1);
		refs = refs > skip ? refs - skip : 1; /* the walk starts below the cached levels */
		mc->m->page_walks++;
		mc->m->page_walk_refs += refs;
		mc->now += refs * mc->c_walk;
		if (pte && (*pte & PTE_PRESENT) && (!write || (*pte & PTE_WRITE)) &&
		    (!exec || !(*pte & PTE_NX))) {
			if (mc->sw_young_dirty &&
			    (!(*pte & PTE_ACCESSED) || (write && !(*pte & PTE_DIRTY)))) {
				/* arm32 emulates young and dirty: the hardware PTE stays
				 * invalid (or read-only) until a fault sets the bit */
				mc->m->pgfault++;
				mc->now += mc->c_minor;
			}
			*pte |= PTE_ACCESSED | (write ? PTE_DIRTY : 0);
			tlb_fill(&mc->tlb, vpn, exec, *pte);
			if (mc->ops->page_accessed)
				policy_accessed(mc, pte_pfn(*pte), write ? PG_ACC_WRITE : 0);
			return 0;
		}
		if (tries)
			break;
		if (pte && (*pte & PTE_SWAP)) { /* performance only: swap_in's slot, early */
			const struct swap_slot *slot = &mc->swap.slot[pte_swap_offset(*pte)];

			__builtin_prefetch(slot);
		}
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

/* The file's read state, created on first use. */
static struct file_state *file_state(struct machine *mc, uint32_t file)
{
	uint64_t s = u64map_slot(&mc->file_map, file);

	if (mc->file_map.keys[s] == file)
		return &mc->files[mc->file_map.vals[s]];
	if (mc->nr_files == mc->cap_files) {
		mc->cap_files = mc->cap_files ? 2 * mc->cap_files : 16;
		mc->files = xrealloc(mc->files, mc->cap_files * sizeof(*mc->files));
	}
	mc->files[mc->nr_files] = (struct file_state){0};
	u64map_put(&mc->file_map, file, mc->nr_files);
	return &mc->files[mc->nr_files++];
}

/* The frame of page-cache page (file, index), or FRAME_NONE if not resident. */
static uint32_t pagecache_find(struct machine *mc, uint32_t file, uint64_t index)
{
	uint64_t key = file_key(file, index), s = u64map_slot(&mc->pagecache, key);

	if (mc->pagecache.keys[s] != key || (mc->pagecache.vals[s] & SHADOW_TAG))
		return FRAME_NONE;
	return (uint32_t)mc->pagecache.vals[s];
}

/* Read the window @ra describes: the pages not cached, marking PG_readahead. */
static void ra_read_window(struct machine *mc, uint32_t file, const struct file_ra *ra,
                           uint32_t memcg)
{
	uint64_t mark = ra->start + ra->size - ra->async_size;

	for (uint64_t i = ra->start; i < ra->start + ra->size; i++) {
		bool major;
		uint32_t pfn;

		if (pagecache_find(mc, file, i) != FRAME_NONE)
			continue;
		mc->noretry = true; /* readahead gives up rather than OOM-kill */
		pfn = pagecache_get(mc, file, i, PG_ADD_READAHEAD, memcg, &major);
		mc->noretry = false;
		if (pfn == FRAME_NONE)
			return;
		if (i == mark)
			mc->pm.frames[pfn].flags |= FRAME_READAHEAD;
	}
}

/*
 * read()/write() of [addr, addr+len) of a file through the page cache, with
 * readahead (readahead.c). Every page copied is marked accessed
 * (folio_mark_accessed), the one just read in too, except the first page when
 * the previous read of the file ended in it (filemap_read's prev_pos check).
 */
static int file_io(struct machine *mc, struct mm *mm, const struct trace_rec *r)
{
	uint64_t len = r->len ? r->len : PAGE, first = r->addr >> 12;
	uint64_t last = (r->addr + len - 1) >> 12;
	uint32_t memcg = mm ? mm->memcg : default_memcg(mc, r->pid);
	struct file_state *fs = file_state(mc, r->file);
	uint64_t prev_end = fs->prev_pos;
	uint32_t max = fs->ra.sequential ? 2 * mc->ra_max : mc->ra_max;

	for (uint64_t idx = first; idx <= last; idx++) {
		uint32_t pfn = pagecache_find(mc, r->file, idx), req = (uint32_t)(last - idx + 1);
		bool major = false;

		if (pfn == FRAME_NONE && max && !fs->ra.random && r->op == TRACE_OP_READ) {
			uint64_t contig = 0;

			while (contig < max && contig < idx &&
			       pagecache_find(mc, r->file, idx - contig - 1) != FRAME_NONE)
				contig++;
			if (ra_sync(&fs->ra, idx, req, max, prev_end >> 12, contig,
			            contig == idx)) {
				pfn = pagecache_get(mc, r->file, idx, 0, memcg, &major);
				if (pfn == FRAME_NONE)
					return -1;
				mc->pm.frames[pfn].flags |= FRAME_PINNED;
				ra_read_window(mc, r->file, &fs->ra, memcg);
				mc->pm.frames[pfn].flags &= ~FRAME_PINNED;
			}
		} else if (pfn != FRAME_NONE && (mc->pm.frames[pfn].flags & FRAME_READAHEAD)) {
			mc->pm.frames[pfn].flags &= ~FRAME_READAHEAD;
			mc->pm.frames[pfn].flags |= FRAME_PINNED;
			if (ra_async(&fs->ra, idx, max))
				ra_read_window(mc, r->file, &fs->ra, memcg);
			mc->pm.frames[pfn].flags &= ~FRAME_PINNED;
		}
		if (pfn == FRAME_NONE || !(mc->pm.frames[pfn].flags & FRAME_LRU)) {
			pfn = pagecache_get(mc, r->file, idx, 0, memcg, &major);
			if (pfn == FRAME_NONE)
				return -1;
		}
		mc->m->accesses++;
		mc->now += major ? mc->c_major : mc->c_access;
		if (r->op == TRACE_OP_WRITE && !(mc->pm.frames[pfn].flags & FRAME_DIRTY)) {
			mc->pm.frames[pfn].flags |= FRAME_DIRTY;
			mc->m->nr_dirty++;
		}
		if (idx == first && prev_end && (prev_end - 1) >> 12 == idx)
			continue;
		if (mc->ops->mark_accessed)
			mc->ops->mark_accessed(&mc_pc(mc, pfn)->ctx, pfn);
		else if (mc->ops->page_accessed && !major)
			policy_accessed(mc, pfn, r->op == TRACE_OP_WRITE ? PG_ACC_WRITE : 0);
	}
	fs->prev_pos = r->addr + len;
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

	if (fc->failed || !(*pte & (PTE_PRESENT | PTE_SWAP)))
		return;
	cpte = populate(fc->mc, fc->child, va); /* may reclaim: read *pte afterwards */
	if (!cpte || fc->parent->oom_victim) {
		fc->failed = 1;
		return;
	}
	if (*pte & PTE_SWAP) { /* copy_nonpresent_pte: one more user of the slot */
		fc->mc->swap.slot[pte_swap_offset(*pte)].count++;
		*cpte = *pte;
		return;
	}
	if (!(*pte & PTE_PRESENT))
		return;
	v = vma_find(&fc->parent->vmas, va);
	if (v && !(v->flags & VM_SHARED))
		*pte &= ~PTE_WRITE; /* copy-on-write from now on, in both */
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
	child->in_fork = true;
	child->family = parent->family;
	child->memcg = parent->memcg;
	vma_set_clone(&child->vmas, &parent->vmas);
	child->brk = parent->brk;
	fc = (struct fork_ctx){mc, child, parent, 0};
	pgtable_for_each(parent->pt, 0, UINT64_MAX >> 1, fork_pte, &fc);
	tlb_flush_asid(&mc->tlb, parent->asid); /* flush_tlb_mm after write-protecting */
	mc->m->tlb_shootdowns++;
	child->in_fork = false;
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
	if ((*pte & PTE_PRESENT) && !(w->prot & VM_WRITE))
		*pte &= ~PTE_WRITE; /* adding write is lazy: the next store faults and upgrades */
}

/* A store left @content in the anonymous page @mm maps at @va (KSM fingerprints). */
static void store_content(struct machine *mc, struct mm *mm, uint64_t va, uint64_t content)
{
	uint64_t *pte = pgtable_walk(mm->pt, va, NULL);

	if (pte && (*pte & PTE_PRESENT) && (mc->pm.frames[pte_pfn(*pte)].flags & FRAME_SWAPBACKED))
		ksm_page_write(mc->ksm, pte_pfn(*pte), content);
}

int mc_ksm_unshare(struct machine *mc, struct mm *mm, uint64_t va, uint64_t *pte)
{
	return cow_copy(mc, mm, va, pte, *pte & (PTE_USER | PTE_ACCESSED | PTE_NX));
}

/* fadvise(DONTNEED): drop the clean, unmapped page-cache pages of the range (no shadows). */
static void fadvise_dontneed(struct machine *mc, uint32_t file, uint64_t off, uint64_t len)
{
	uint64_t first = off >> 12, last = len ? (off + len - 1) >> 12 : UINT64_MAX;

	for (uint64_t i = 0; i <= mc->pagecache.mask; i++) {
		uint64_t k = mc->pagecache.keys[i], v = mc->pagecache.vals[i];
		struct frame *f;

		if (k == U64MAP_EMPTY || (v & SHADOW_TAG) || key_file(k) != file ||
		    key_index(k) < first || key_index(k) > last)
			continue;
		f = &mc->pm.frames[v];
		if (f->count || (f->flags & FRAME_DIRTY))
			continue;
		pc_set(mc, k, PC_ABSENT);
		mc_page_out(mc, (uint32_t)v);
	}
}

static int do_record(struct machine *mc, const struct trace_rec *r)
{
	/* the running process again (the usual case): no lookups; it is not a killed one,
	 * since a kill reaps the process and clears mc->cur before the next record */
	struct mm *mm, *cur = r->pid == mc->cur ? mc->cur_mm : NULL;

	if (!cur) {
		uint64_t ks = u64map_slot(&mc->killed, r->pid);

		if (mc->killed.keys[ks] == r->pid && r->op != TRACE_OP_ALLOC &&
		    r->op != TRACE_OP_FREE) {
			mc->m->records_skipped++; /* the OOM killer took this process */
			return 0;
		}
	}
	if (trace_op_is_file_io(r->op) || r->op == TRACE_OP_ALLOC) {
		/* a system call of r->pid allocates on its node, whoever ran last */
		struct mm *caller = cur ? cur : mc_find_mm(mc, r->pid);

		if (caller) {
			mc->alloc_node = caller->node;
		} else { /* no address space yet: place it now and remember */
			mc->alloc_node = cpu_node(mc, r->pid);
			u64map_put(&mc->pid_node, r->pid, mc->alloc_node);
		}
		if (trace_op_is_file_io(r->op))
			return file_io(mc, caller, r);
	}
	if (r->op == TRACE_OP_FADVISE) {
		mc->now += mc->c_syscall;
		if (!(r->flags & TREC_FILE))
			return 0;
		if (r->arg == TRACE_FADV_DONTNEED)
			fadvise_dontneed(mc, r->file, r->addr, r->len);
		else if (r->arg == TRACE_FADV_RANDOM || r->arg == TRACE_FADV_SEQUENTIAL ||
		         r->arg == TRACE_FADV_NORMAL) { /* f_mode for the whole file */
			file_state(mc, r->file)->ra.random = r->arg == TRACE_FADV_RANDOM;
			file_state(mc, r->file)->ra.sequential = r->arg == TRACE_FADV_SEQUENTIAL;
		}
		return 0;
	}
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
				if (pm_zone(&mc->pm, 0, z)->type ==
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

			mc_free_pages(mc, (uint32_t)(v >> 8), (unsigned)(v & 0xff));
			mc->m->nr_kernel_alloc_pages -= 1ULL << (v & 0xff);
			mc->kallocs.vals[s] = UINT64_MAX;
		}
		return 0;
	}
	mm = cur ? cur : find_mm(mc, r->pid, r->op != TRACE_OP_EXIT);
	if (!mm)
		return r->op == TRACE_OP_EXIT ? 0 : -1; /* exit of an unknown pid: nothing to do */
	if (mc->cur != r->pid) {
		switch_to(mc, mm);
		mc->cur = r->pid;
		mc->cur_mm = mm;
	}
	mc->alloc_node = mm->node; /* a syscall record of another pid may have moved it */
	if (trace_op_is_mem(r->op)) {
		uint64_t len = r->len ? r->len : 1, end = r->addr + len - 1;

		if (end < r->addr)
			end = UINT64_MAX;
		for (uint64_t p = r->addr >> 12; p <= end >> 12; p++) {
			if (access_page(mc, mm, p << 12 | (p == r->addr >> 12 ? r->addr & 4095 : 0),
			                r->op) < 0)
				return -1;
			if (mc->ksm && r->op == TRACE_OP_W) /* KSM hook: the store's content */
				store_content(mc, mm, p << 12,
				              (r->flags & TREC_ARG) ? r->arg : KSM_NO_CONTENT);
		}
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
		else if (r->arg == TRACE_MADV_PAGEOUT)
			mc_madvise_pageout(mc, mm, start, end);
		else if (r->arg == TRACE_MADV_MERGEABLE || r->arg == TRACE_MADV_UNMERGEABLE) {
			vma_modify(&mm->vmas, start, end,
			           r->arg == TRACE_MADV_MERGEABLE ? VM_MERGEABLE : 0,
			           r->arg == TRACE_MADV_MERGEABLE ? 0 : VM_MERGEABLE, NULL, NULL);
			if (mc->ksm) /* KSM hook: register the mm / unmerge the range */
				ksm_madvise(mc->ksm, mm, start, end,
				            r->arg == TRACE_MADV_MERGEABLE);
		}
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
		uint32_t memcg = mm->memcg;

		if (r->op == TRACE_OP_EXEC) /* the new image runs on the same CPU */
			u64map_put(&mc->pid_node, r->pid, mm->node);
		mc_mm_exit(mc, mm);
		mc->cur = UINT32_MAX;
		mc->cur_mm = NULL;
		if (r->op == TRACE_OP_EXEC) {
			mm = find_mm(mc, r->pid, true);
			if (!mm)
				return -1;
			mm->memcg = (uint8_t)memcg;
		}
		return 0;
	}
	default:
		return 0;
	}
}

/* ====================================================================== */
/* Run loop                                                                 */
/* ====================================================================== */

void mc_gauges(struct machine *mc)
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
	for (unsigned z = 0; z < pm_nr_flat(&mc->pm); z++) { /* every node's zones */
		const struct zone *zone = &mc->pm.zones[z];

		if (!zone->managed)
			continue; /* /proc/zoneinfo leaves out unpopulated zones */
		m->nr_free_pages += zone->nr_free;
		m->wmark_min += zone->wmark[WMARK_MIN];
		m->wmark_low += zone->wmark[WMARK_LOW];
		m->wmark_high += zone->wmark[WMARK_HIGH];
		*zone_free[zone->type] += zone->nr_free;
		for (unsigned o = 0; o <= BUDDY_MAX_ORDER; o++)
			*buddy[o] += buddy_nr_free_blocks(&mc->pm, z, o);
	}
	m->nr_swap_used = mc->swap.nr_used;
	m->workingset_nodes = mc->sn.nr_listed;
	if (mc->ksm)
		ksm_gauges(mc->ksm);
	m->tlb_l1d_hit = mc->tlb.l1d.hits;
	m->tlb_l1d_miss = mc->tlb.l1d.misses;
	m->tlb_l1i_hit = mc->tlb.l1i.hits;
	m->tlb_l1i_miss = mc->tlb.l1i.misses;
	m->tlb_l2_hit = mc->tlb.l2.hits;
	m->tlb_l2_miss = mc->tlb.l2.misses;
	m->pwc_hits = mc->tlb.pwc.hits;
	m->pwc_misses = mc->tlb.pwc.misses;
	m->sim_time_ns = mc->now;
}

/* One timer: a timeline sample, a kswapd step or nap, a ksmd wake-up. */
void mc_dispatch(struct machine *mc, const struct event *e)
{
	struct event ev = *e;

	{
		if (ev.type == EV_TICK) {
			uint64_t saved = mc->now;

			mc_gauges(mc);
			mc->m->sim_time_ns = ev.time;
			if (mc->o->out)
				output_timeline_row(mc->o->out, ev.time, mc->m);
			mc->m->sim_time_ns = saved;
			eventq_push(&mc->evq, ev.time + mc->interval, EV_TICK, 0);
		} else if (ev.type == EV_WRITEBACK) {
			mc_writeback_end(mc, (uint32_t)ev.arg);
		} else if (ev.type == EV_KSMD) {
			eventq_push(&mc->evq, ksm_scan(mc->ksm, ev.time), EV_KSMD, 0);
		} else {
			kswapd_event(mc, &ev);
		}
	}
}

/* The queue whose next event comes first: writes end before timers due at the same time. */
static struct eventq *earliest_queue(struct machine *mc)
{
	const struct event *e = eventq_peek(&mc->evq), *w = eventq_peek(&mc->wbq);

	return w && (!e || w->time <= e->time) ? &mc->wbq : &mc->evq;
}

bool mc_pop_event(struct machine *mc, struct event *out)
{
	return eventq_pop(earliest_queue(mc), out);
}

/* Run every timer and write completion due by now. */
void mc_run_events(struct machine *mc)
{
	const struct event *e;

	if (mc->evq.next_time > mc->now && mc->wbq.next_time > mc->now)
		return; /* the common case: nothing due */
	while ((e = eventq_peek(earliest_queue(mc))) && e->time <= mc->now) {
		struct event ev;

		mc_pop_event(mc, &ev);
		mc_dispatch(mc, &ev);
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
	if (config_size(cfg, "swap.size") / PAGE >= (1ULL << 32)) {
		snprintf(err, errlen, "swap.size must be below 16 TiB");
		return -1;
	}
	if (pgtable_scheme_of(arch) >= 0) {
		enum pt_scheme sc = (enum pt_scheme)pgtable_scheme_of(arch);

		g.pwc_entries = (uint32_t)config_u64(cfg, "tlb.pwc");
		g.pwc_levels = pgtable_levels(sc) - 1;
		for (unsigned l = 0; l < g.pwc_levels && l < PWC_MAX_LEVELS; l++)
			g.pwc_shift[l] = pgtable_level_shift(sc, l);
	}
	if (tlb_init(&mc->tlb, &g)) {
		snprintf(err, errlen, "each TLB level's entries must be a multiple of its ways");
		return -1;
	}
	mc->nr_nodes = (unsigned)config_u64(cfg, "machine.nodes");
	if (mc->nr_nodes > 1 && (!strcmp(arch, "x86_32") || !strcmp(arch, "arm32"))) {
		snprintf(err, errlen, "machine.nodes: %s is modelled without NUMA (nodes = 1)",
		         arch);
		tlb_free(&mc->tlb);
		return -1;
	}
	if (mc->nr_nodes > 1 && config_size(cfg, "machine.memory") / mc->nr_nodes < (8ULL << 20)) {
		snprintf(err, errlen, "machine.nodes: each of %u nodes needs at least 8 MiB",
		         mc->nr_nodes);
		tlb_free(&mc->tlb);
		return -1;
	}
	if (mc->nr_nodes > 1 && config_bool(cfg, "ksm.run") &&
	    !config_bool(cfg, "ksm.merge_across_nodes")) {
		snprintf(err, errlen,
		         "ksm.merge_across_nodes = 0 (per-node KSM trees) is not modelled");
		tlb_free(&mc->tlb);
		return -1;
	}
	physmem_init_nodes(&mc->pm, specs, (unsigned)n, mc->nr_nodes,
	                   config_u64(cfg, "vm.min_free_kbytes"),
	                   (unsigned)config_u64(cfg, "vm.watermark_scale_factor"), ratio);
	/* build_zonelists with equal remote distances: own node, then the next ones
	 * ("prefer the next node" in find_next_best_node), wrapping around */
	for (unsigned a = 0; a < mc->nr_nodes; a++)
		for (unsigned i = 0; i < mc->nr_nodes; i++)
			mc->node[a].order[i] = (uint8_t)((a + i) % mc->nr_nodes);
	mc->scheme = (enum pt_scheme)pgtable_scheme_of(arch);
	mc->flush_on_young = mc->scheme == PT_ARM64;
	mc->sw_young_dirty = mc->scheme == PT_ARM32;
	mc->user_zone = mc->kernel_zone = 0;
	for (unsigned z = 0; z < mc->pm.nr_zones; z++) {
		if (pm_zone(&mc->pm, 0, z)->type != ZONE_MOVABLE)
			mc->user_zone = z; /* GFP_HIGHUSER: up to HighMem */
		if (pm_zone(&mc->pm, 0, z)->type <= ZONE_NORMAL)
			mc->kernel_zone = z; /* GFP_KERNEL: lowmem only */
	}
	mc->implicit_vma = config_bool(cfg, "vm.implicit_vma");
	mc->check = config_bool(cfg, "debug.check_invariants");
	mc->per_process = !strcmp(config_get(cfg, "engine.streams"), "process");
	mc->interval = config_time_ns(cfg, "metrics.interval");
	mc->c_access = config_time_ns(cfg, "cost.access");
	mc->c_l2hit = config_time_ns(cfg, "cost.tlb_l2_hit");
	mc->c_walk = config_time_ns(cfg, "cost.walk_ref");
	mc->c_minor = config_time_ns(cfg, "cost.minor_fault");
	mc->c_major = config_time_ns(cfg, "cost.major_fault");
	mc->c_cow = config_time_ns(cfg, "cost.cow_copy");
	mc->c_syscall = config_time_ns(cfg, "cost.syscall");
	mc->c_scan = config_time_ns(cfg, "cost.reclaim_page");
	mc->c_swap_read = config_time_ns(cfg, "swap.read_latency");
	mc->c_swap_write = config_time_ns(cfg, "swap.write_latency");
	mc->async_swap = machine_async_swap(cfg, mc->o->ops);
	mc->page_cluster = (unsigned)config_u64(cfg, "vm.page_cluster");
	mc->swappiness = (unsigned)config_u64(cfg, "vm.swappiness");
	swap_init(&mc->swap, config_size(cfg, "swap.size") / PAGE);
	mc->memcg[1].limit = config_size(cfg, "memcg.limit") / PAGE;
	if (config_size(cfg, "memcg.limit") && !mc->memcg[1].limit) {
		snprintf(err, errlen, "memcg.limit must be at least one page");
		physmem_free(&mc->pm);
		swap_free_dev(&mc->swap);
		tlb_free(&mc->tlb);
		return -1;
	}
	u64map_init(&mc->pid_memcg, 16);
	u64map_init(&mc->pid_node, 16);
	shadow_nodes_init(&mc->sn, mc->swap.nr_slots);
	if (parse_groups(mc, config_get(cfg, "memcg.groups"), err, errlen) ||
	    parse_numa(mc, config_get(cfg, "numa.placement"), config_get(cfg, "numa.bind"), err,
	               errlen)) {
		u64map_free(&mc->pid_memcg);
		u64map_free(&mc->pid_node);
		shadow_nodes_free(&mc->sn);
		physmem_free(&mc->pm);
		swap_free_dev(&mc->swap);
		tlb_free(&mc->tlb);
		return -1;
	}
	mc->ksm = ksm_create(mc);
	for (unsigned i = 0; i < mc->nr_nodes; i++)
		mc->node[i].kswapd.nap_seq = UINT64_MAX;
	mc->ref_pfn = FRAME_NONE;
	eventq_init(&mc->evq);
	eventq_init(&mc->wbq);
	eventq_push(&mc->evq, mc->interval, EV_TICK, 0);
	if (mc->ksm)
		eventq_push(&mc->evq, ksm_first_wakeup(mc->ksm), EV_KSMD, 0);
	u64map_init(&mc->pid_map, 64);
	u64map_init(&mc->pagecache, 1024);
	u64map_init(&mc->kallocs, 64);
	u64map_init(&mc->killed, 16);
	u64map_init(&mc->file_map, 16);
	mc->ra_max = (uint32_t)(config_u64(cfg, "vm.read_ahead_kb") / 4);
	mc->cur = UINT32_MAX;
	return 0;
}

/* The record was abandoned because its process was OOM-killed: reap it. */
static bool reap_victim(struct machine *mc)
{
	struct mm *mm;

	if (!mc->victim_pending) /* the common case, without a lookup */
		return false;
	mc->victim_pending = false;
	mm = mc->cur == UINT32_MAX ? NULL : mc_find_mm(mc, mc->cur);
	if (!mm || !mm->oom_victim)
		return false;
	mc_mm_exit(mc, mm);
	mc->m->records_skipped++;
	return true;
}

/* A progress line on stderr (only when it is a terminal: machine_opts.progress), once a second. */
void mc_progress(struct machine *mc, bool last)
{
	time_t t = time(NULL);

	if (!mc->o->progress || (!last && t == mc->progress_shown))
		return;
	if (last) {
		if (mc->progress_shown)
			fputc('\n', stderr);
		return;
	}
	mc->progress_shown = t;
	fprintf(stderr, "\rmmsim: %s: record %llu, %llu accesses, %llu faults, %.3f s simulated ",
	        mc->trace, (unsigned long long)mc->record, (unsigned long long)mc->m->accesses,
	        (unsigned long long)mc->m->pgfault, (double)mc->now / 1e9);
}

/*
 * Performance only, once something was swapped out: a record 2K ahead of the
 * one about to run (K = SWAPIN_LOOKAHEAD). If a memory access of the running
 * process touches a page the swapped_hint filter names, the look-ahead walks
 * to its PTE, prefetches it and keeps its address in la[]; K records later,
 * the PTE (in cache by then) is read and, if it holds a swap entry, the slot
 * that swap_in() will read first is prefetched. Without this, the two
 * dependent misses are a large part of a swap-in. A freed page-table page
 * empties la[] (pt_free), so a kept address is always readable.
 */
static inline void swapin_lookahead(struct machine *mc, const struct trace_rec *buf, long i, long n)
{
	const struct trace_rec *far = &buf[i + 2 * SWAPIN_LOOKAHEAD];
	uint64_t near_rec = mc->record + SWAPIN_LOOKAHEAD;
	const struct lookahead *e = &mc->la[near_rec % LOOKAHEAD_RING];

	if (i + 2 * SWAPIN_LOOKAHEAD < n && trace_op_is_mem(far->op) && far->pid == mc->cur &&
	    mc->cur_mm && swapped_hint_test(mc, mc->cur_mm->asid, far->addr >> 12)) {
		uint64_t *pte = pgtable_walk(mc->cur_mm->pt, far->addr, NULL);

		if (pte) {
			struct lookahead *f =
			        &mc->la[(near_rec + SWAPIN_LOOKAHEAD) % LOOKAHEAD_RING];

			__builtin_prefetch(pte);
			f->pte = pte;
			f->rec = near_rec + SWAPIN_LOOKAHEAD;
		}
	}
	if (e->rec == near_rec && e->pte && (*e->pte & PTE_SWAP) &&
	    pte_swap_offset(*e->pte) < mc->swap.nr_slots)
		__builtin_prefetch(&mc->swap.slot[pte_swap_offset(*e->pte)]);
}

int mc_run_record(struct machine *mc, const struct trace_rec *rec)
{
	if (do_record(mc, rec) && !reap_victim(mc)) {
		if (!mc->err[0])
			snprintf(mc->err, mc->errlen, "%s: record %llu: cannot be replayed",
			         mc->trace, (unsigned long long)mc->record);
		return -1;
	}
	reap_victim(mc);
	if (mc->check)
		mc_check_invariants(mc);
	return 0;
}

int machine_run(const struct machine_opts *o, struct metrics *m, char *err, size_t errlen)
{
	struct machine *mc = xcalloc(1, sizeof(*mc));
	struct metrics scratch; /* absorbs the counting of the final teardown */
	unsigned nodes_up = 0;  /* policy instances initialised */
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
	mc->ops = o->ops;
	for (nodes_up = 0; nodes_up < mc->nr_nodes; nodes_up++) /* one instance per node */
		if (policy_core_init_node(
		            &mc->node[nodes_up].pc, o->ops, &machine_mech, mc, o->cfg, m,
		            mc->pm.node_start[nodes_up + 1] - mc->pm.node_start[nodes_up],
		            (uint32_t)mc->pm.nr_frames, nodes_up ? &mc->node[0].pc : NULL)) {
			policy_core_destroy(&mc->node[nodes_up].pc);
			goto out;
		}
	if (mc->per_process) { /* one CPU stream per process (streams.c) */
		if (streams_run(mc))
			goto out;
		goto done;
	}
	for (int t = 0; t < o->nr_traces; t++) {
		const struct trace_rec *buf;
		struct trace_reader *r;
		long n;

		if (trace_open(&r, o->traces[t], o->topts, err, errlen))
			goto out;
		mc->trace = o->traces[t];
		memset(mc->la, 0, sizeof(mc->la)); /* record numbers start again */
		while ((n = trace_read_batch(r, &buf)) > 0) {
			for (long i = 0; i < n; i++) {
				const struct trace_rec *rec = &buf[i];

				mc->record = trace_records_read(r) - (uint64_t)n + (uint64_t)i + 1;
				if (mc->swapped_hint_on)
					swapin_lookahead(mc, buf, i, n);
				if ((rec->flags & TREC_TIME) && rec->time > mc->now)
					mc->now = rec->time;
				mc_run_events(mc);
				if (mc_run_record(mc, rec)) {
					trace_close(r);
					goto out;
				}
				if (!(mc->record & 0xfffff))
					mc_progress(mc, false);
			}
		}
		if (n < 0) {
			snprintf(err, errlen, "%s", trace_error(r));
			trace_close(r);
			goto out;
		}
		trace_close(r);
	}
	mc_run_events(mc);
done:
	mc_progress(mc, true);
	mc_gauges(mc);
	if (o->out && mc->now % mc->interval)
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
	while (nodes_up--) /* node 0 owns the shared arrays: last */
		policy_core_destroy(&mc->node[nodes_up].pc);
out_pm:
	eventq_free(&mc->evq);
	eventq_free(&mc->wbq);
	u64map_free(&mc->pid_map);
	u64map_free(&mc->pagecache);
	u64map_free(&mc->kallocs);
	u64map_free(&mc->killed);
	u64map_free(&mc->pid_memcg);
	u64map_free(&mc->pid_node);
	shadow_nodes_free(&mc->sn);
	u64map_free(&mc->file_map);
	free(mc->files);
	swap_free_dev(&mc->swap);
	ksm_destroy(mc->ksm);
	tlb_free(&mc->tlb);
	physmem_free(&mc->pm);
	free(mc);
	return ret;
}

bool machine_async_swap(const struct config *cfg, const struct reclaim_policy_ops *ops)
{
	/* asynchronous writes need a policy that can put a written page back at its tail */
	return !config_bool(cfg, "swap.synchronous") && ops && ops->rotate;
}
