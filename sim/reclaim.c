// SPDX-License-Identifier: MIT
/*
 * reclaim.c - the reclaim mechanism: rmap, unmapping, swap-out and
 * write-back, accessed-bit harvesting, kswapd, direct reclaim, memory-cgroup
 * limit reclaim and the OOM killer (mm/vmscan.c, mm/rmap.c, mm/page_alloc.c,
 * mm/memcontrol.c, mm/oom_kill.c). Which pages go is the policy's decision;
 * how they go is decided here.
 *
 * Theory. The allocator takes a page from a zone whose free pages stay above
 * the low watermark. When none does it wakes kswapd and retries down to the
 * min watermark; below that the allocating task reclaims by itself (direct
 * reclaim: priorities 12 down to 0, each asking the policy for 32 pages, the
 * task's time stalls for every page scanned), retries the allocation, and
 * after 16 rounds without progress calls the OOM killer, which kills the
 * process with the largest RSS + swap entries + page tables. The trace goes
 * on without it.
 *
 * kswapd is background work in simulated time: once woken it runs balance
 * steps as timed events — each step asks the policy for max(high, 32) pages
 * per eligible zone at the current priority and takes as long as scanning
 * those pages costs — until some eligible zone is above its high watermark.
 * A step that scanned less than it was asked to, or freed nothing, lowers the
 * priority; a run that reaches priority 0 without freeing anything counts a
 * failure (16 in a row make the node hopeless until a reclaim succeeds).
 * When balanced it naps HZ/10; a wake-up inside the nap is a "low watermark
 * hit quickly", an unbalanced node after the nap a "high watermark hit
 * quickly"; otherwise it sleeps until woken.
 *
 * Reclaiming a page (policy_reclaim_page): an anonymous page gets a swap slot
 * and joins the swap cache (no slot: the policy is told to activate it), every
 * PTE mapping it is found through rmap and replaced by a swap entry (file
 * pages: cleared), the TLB entries are shot down (counted once per reclaim
 * batch, as TTU_BATCH_FLUSH does), a dirty page is written (pswpout, or file
 * write-back) and the page leaves memory with a workingset shadow in its
 * swap-cache or page-cache slot. File write-back is synchronous here (the
 * kernel leaves dirty file pages to the flusher threads; README).
 *
 * Swap writes are asynchronous unless swap.synchronous is set (zram): pageout
 * starts the write and the page goes back to its list clean, unmapped, tagged
 * PG_writeback and PG_reclaim. The write ends swap.write_latency later in its
 * own queue (wbq) and the policy rotates the page to where it reclaims next
 * (folio_rotate_reclaimable); the scan that reaches it frees it without I/O.
 * Reclaim meeting a page under writeback activates it (shrink_folio_list's
 * cases 1-2), but cgroup limit reclaim waits for the write and decides again
 * (case 3, cgroup v1). Simulated time runs inside a reclaim pass at
 * cost.reclaim_page per scanned page, so writes that end during a long pass
 * rotate in time to be freed by it; and a direct or cgroup reclaimer that freed
 * nothing while writes are in flight sleeps until the next one ends (a
 * simplified reclaim_throttle). A page freed while under writeback (its
 * process exited) is freed when the write ends.
 *
 * rmap: an anonymous page is mapped at one virtual address by processes of
 * one fork family (the anon_vma); a file page by any process whose VMAs map
 * that file index (the i_mmap tree). The walk visits those processes' page
 * tables and stops once it has found every mapping the page's mapcount says
 * exists.
 *
 * Memory cgroups: pages are charged when they come in. A charge that would
 * exceed the limit reclaims from the cgroup first (try_charge: 32 pages,
 * priority 12 down to 0, no watermarks), up to 16 tries; then the cgroup's
 * OOM killer picks the largest process inside it.
 */
#include "mm_internal.h"

#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RECLAIM_RETRIES 16
#define KSWAPD_NAP_NS       100000000ULL /* HZ/10 */

/* ====================================================================== */
/* rmap                                                                     */
/* ====================================================================== */

struct ksm_walk {
	rmap_fn fn;
	void *arg;
};

static bool ksm_one(struct machine *mc, struct mm *mm, uint64_t va, uint64_t *pte, void *arg)
{
	struct ksm_walk *w = arg;

	return w->fn(mc, mm, NULL, va, pte, w->arg);
}

void rmap_walk(struct machine *mc, uint32_t pfn, rmap_fn fn, void *arg)
{
	struct frame *f = &mc->pm.frames[pfn];
	uint32_t left = f->count;

	if (!left)
		return;
	if ((f->flags & FRAME_KSM) && mc->ksm) { /* a KSM page: its stable node's rmap items */
		struct ksm_walk w = {fn, arg};

		ksm_rmap_walk(mc->ksm, pfn, ksm_one, &w);
		return;
	}
	if (f->flags & FRAME_SWAPBACKED) {
		uint64_t va = key_index(f->key) << 12;
		const struct pte_hint *h;

		for (uint32_t i = 0; i < mc->nr_procs && left; i++) {
			struct mm *mm = mc->procs[i];
			uint64_t *pte;

			if (!mm || mm->family != f->prev)
				continue;
			h = &mc->pte_hint[pfn % PTE_HINTS];
			pte = h->pfn == pfn && h->mm == mm && h->gen == mc->pte_hint_gen
			              ? h->pte
			              : pgtable_walk(mm->pt, va, NULL);
			if (!pte || !(*pte & PTE_PRESENT) || pte_pfn(*pte) != pfn)
				continue;
			left--;
			if (!fn(mc, mm, NULL, va, pte, arg)) /* anon: flags come from the PTE */
				return;
		}
		return;
	}
	uint32_t file = key_file(f->key);
	uint64_t index = key_index(f->key);

	for (uint32_t i = 0; i < mc->nr_procs && left; i++) {
		struct mm *mm = mc->procs[i];

		if (!mm)
			continue;
		for (size_t j = 0; j < mm->vmas.nr && left; j++) {
			struct vma *v = &mm->vmas.v[j];
			uint64_t va, *pte;

			if (v->file != file || index < v->pgoff ||
			    index - v->pgoff >= (v->end - v->start) >> 12)
				continue;
			va = v->start + ((index - v->pgoff) << 12);
			pte = pgtable_walk(mm->pt, va, NULL);
			if (!pte || !(*pte & PTE_PRESENT) || pte_pfn(*pte) != pfn)
				continue;
			left--;
			if (!fn(mc, mm, v, va, pte, arg))
				return;
		}
	}
}

/*
 * The VM_EXEC / VM_LOCKED a mapping contributes: the VMA's flags for file
 * pages (rmap found the VMA), the PTE's NX bit and the frame's mlock mark for
 * anonymous pages (their rmap does not look VMAs up, to stay cheap).
 */
static uint32_t vm_flags_at(struct machine *mc, const struct vma *v, uint64_t pte)
{
	if (v)
		return v->flags;
	return ((pte & PTE_NX) ? 0 : VM_EXEC) |
	       ((mc->pm.frames[pte_pfn(pte)].flags & FRAME_MLOCKED) ? VM_LOCKED : 0);
}

struct ref_ctx {
	int young;      /* young PTEs found */
	uint32_t flags; /* VM_* of the mapping VMAs, or-ed */
};

static bool ref_one(struct machine *mc, struct mm *mm, struct vma *v, uint64_t va, uint64_t *pte,
                    void *arg)
{
	struct ref_ctx *r = arg;

	r->flags |= vm_flags_at(mc, v, *pte);
	if (*pte & PTE_ACCESSED) {
		r->young++;
		*pte &= ~PTE_ACCESSED; /* ptep_clear_flush_young */
		if (mc->flush_on_young) {
			tlb_flush_page(&mc->tlb, mm->asid, va >> 12);
			mc->m->tlb_shootdowns++;
		}
	}
	return true;
}

static int mc_page_referenced(void *mech, uint32_t pfn)
{
	struct machine *mc = mech;
	struct ref_ctx r = {0, 0};

	rmap_walk(mc, pfn, ref_one, &r);
	/* the walk saw every mapping VMA: page_flags() right after needs no second walk */
	mc->ref_pfn = pfn;
	mc->ref_vmflags = r.flags;
	return r.young;
}

static bool flags_one(struct machine *mc, struct mm *mm, struct vma *v, uint64_t va, uint64_t *pte,
                      void *arg)
{
	(void)mm;
	(void)va;
	*(uint32_t *)arg |= vm_flags_at(mc, v, *pte);
	return true;
}

static unsigned mc_page_flags(void *mech, uint32_t pfn)
{
	struct machine *mc = mech;
	const struct frame *f = &mc->pm.frames[pfn];
	uint32_t vmf = 0;
	unsigned out = ((f->flags & FRAME_SWAPBACKED) ? 0 : PGF_FILE) |
	               ((f->flags & FRAME_DIRTY) ? PGF_DIRTY : 0) | (f->count ? PGF_MAPPED : 0) |
	               ((f->flags & FRAME_SWAPCACHE) ? PGF_SWAPCACHE : 0) |
	               ((f->flags & FRAME_WRITEBACK) ? PGF_WRITEBACK : 0) |
	               (policy_core_workingset(mc_pc(mc, pfn), pfn) ? PGF_WORKINGSET : 0);

	if (mc->ref_pfn == pfn)
		vmf = mc->ref_vmflags;
	else if (f->count)
		rmap_walk(mc, pfn, flags_one, &vmf);
	return out | ((vmf & VM_EXEC) ? PGF_EXEC : 0) | ((vmf & VM_LOCKED) ? PGF_LOCKED : 0);
}

/* ====================================================================== */
/* Reclaiming one page                                                      */
/* ====================================================================== */

struct unmap_ctx {
	uint64_t swp;  /* swap PTE to install (anon), 0 for file pages */
	uint64_t slot; /* its slot */
	bool dirty;    /* a PTE was dirty */
};

static bool unmap_one(struct machine *mc, struct mm *mm, struct vma *v, uint64_t va, uint64_t *pte,
                      void *arg)
{
	struct unmap_ctx *u = arg;
	struct frame *f = &mc->pm.frames[pte_pfn(*pte)];

	(void)v;
	if (*pte & PTE_DIRTY)
		u->dirty = true;
	*pte = u->swp;
	if (u->swp) {
		mc->swap.slot[u->slot].count++;
		swapped_hint_set(mc, mm->asid, va >> 12, true);
	}
	f->count--;
	if (!(f->flags & FRAME_SWAPBACKED) && !f->count)
		mc->m->nr_mapped--;
	tlb_flush_page(&mc->tlb, mm->asid, va >> 12);
	return true;
}

static void mark_dirty(struct machine *mc, struct frame *f)
{
	if (!(f->flags & FRAME_DIRTY)) {
		f->flags |= FRAME_DIRTY;
		mc->m->nr_dirty++;
	}
}

static void clear_dirty(struct machine *mc, struct frame *f)
{
	if (f->flags & FRAME_DIRTY) {
		f->flags &= ~FRAME_DIRTY;
		mc->m->nr_dirty--;
	}
}

/*
 * A reclaim pass takes time (cost.reclaim_page per page scanned): this is
 * how far into the current pass we are, on the reclaimer's clock.
 */
static uint64_t pass_time(const struct machine *mc, const struct reclaim_control *rc)
{
	return mc->pass_start + (rc->nr_scanned - mc->pass_scanned0) * mc->c_scan;
}

/* End every write due by @t (no clock moves). */
static void end_writes_until(struct machine *mc, uint64_t t)
{
	const struct event *w;
	struct event ev;

	while ((w = eventq_peek(&mc->wbq)) && w->time <= t) {
		eventq_pop(&mc->wbq, &ev);
		mc_writeback_end(mc, (uint32_t)ev.arg);
	}
}

/*
 * Writes the pass started that end by this point of it end now, so their
 * pages rotate to the tail the pass is taking from, as in the kernel.
 */
static void pass_clock(struct machine *mc, const struct reclaim_control *rc)
{
	if (eventq_peek(&mc->wbq))
		end_writes_until(mc, pass_time(mc, rc));
}

/*
 * Asynchronous swap-out (swap.synchronous = 0): pageout() has submitted the
 * write. The page stays in the swap cache, unmapped and clean, tagged
 * PG_writeback and PG_reclaim, until EV_WRITEBACK; reclaim puts it back on
 * its list meanwhile. The reclaimer does not wait: no time is charged.
 */
static void start_writeback(struct machine *mc, const struct reclaim_control *rc, uint32_t pfn)
{
	mc->pm.frames[pfn].flags |= FRAME_WRITEBACK | FRAME_RECLAIM;
	mc->m->nr_writeback++;
	mc->nr_async_io++;
	mc->batch_unmapped = true; /* its PTEs went in this batch: the flush is due */
	eventq_push(&mc->wbq, pass_time(mc, rc) + mc->c_swap_write, EV_WRITEBACK, pfn);
}

/*
 * EV_WRITEBACK: the write of @pfn ended (folio_end_writeback). A page freed
 * meanwhile (FRAME_ORPHAN) goes now if still nobody holds it. One that
 * reclaim chose (PG_reclaim) and that is still clean and evictable goes to
 * where the policy reclaims next, folio_rotate_reclaimable(); the next scan
 * that reaches it frees it without I/O.
 */
void mc_writeback_end(struct machine *mc, uint32_t pfn)
{
	struct frame *f = &mc->pm.frames[pfn];

	SIM_BUG_ON(!(f->flags & FRAME_WRITEBACK));
	f->flags &= ~FRAME_WRITEBACK;
	mc->m->nr_writeback--;
	/* not while reclaim runs (it waited for this write): the page may be in its batch;
	 * reclaim frees such an orphaned swap-cache page when it reaches it */
	if ((f->flags & FRAME_ORPHAN) && !mc->in_reclaim) {
		f->flags &= ~FRAME_ORPHAN;
		if (!f->count && (!(f->flags & FRAME_SWAPCACHE) || !mc->swap.slot[f->next].count)) {
			mc_page_out(mc, pfn);
			return;
		}
	}
	if (!(f->flags & FRAME_RECLAIM))
		return;
	f->flags &= ~FRAME_RECLAIM;
	if ((f->flags & FRAME_LRU) && !(f->flags & (FRAME_DIRTY | FRAME_MLOCKED)))
		mc->ops->rotate(&mc_pc(mc, pfn)->ctx, pfn);
}

/* The next write ends: the waiting task's clock moves to it (a stall). */
static void end_next_write(struct machine *mc)
{
	struct event ev;

	eventq_pop(&mc->wbq, &ev);
	if (ev.time > mc->now) {
		mc->m->direct_reclaim_stall_ns += ev.time - mc->now;
		mc->now = ev.time;
	}
	mc_writeback_end(mc, (uint32_t)ev.arg);
}

/*
 * A direct or cgroup reclaimer that freed nothing while swap writes are in
 * flight sleeps until the earliest one ends (reclaim_throttle on writeback;
 * legacy memcg's folio_wait_writeback), then tries again: the written pages
 * are at the inactive tail by then. The sleep is the task's stall.
 * Return: false if no write is in flight.
 */
static bool wait_writeback(struct machine *mc)
{
	if (!eventq_peek(&mc->wbq))
		return false;
	end_next_write(mc);
	end_writes_until(mc, mc->now);
	return true;
}

/* folio_wait_writeback(): sleep until @pfn's write has ended (and every earlier one). */
static void wait_page_writeback(struct machine *mc, uint32_t pfn)
{
	while (mc->pm.frames[pfn].flags & FRAME_WRITEBACK)
		end_next_write(mc);
}

static enum reclaim_result mc_reclaim_page(void *mech, struct reclaim_control *rc, uint32_t pfn)
{
	struct machine *mc = mech;
	struct metrics *m = mc->m;
	struct frame *f = &mc->pm.frames[pfn];
	bool anon = f->flags & FRAME_SWAPBACKED, kswapd = rc->reclaimer == RECLAIM_KSWAPD;
	struct unmap_ctx u = {0, 0, false};
	uint64_t shadow;

	pass_clock(mc, rc);
	SIM_BUG_ON(!(f->flags & FRAME_LRU));
	if (f->flags & FRAME_PINNED)
		return RECLAIM_KEEP;
	if (f->flags & FRAME_MLOCKED)
		return RECLAIM_ACTIVATE;
	if (f->flags & FRAME_WRITEBACK) {
		if (rc->reclaimer == RECLAIM_MEMCG && (f->flags & FRAME_RECLAIM)) {
			/* case 3: cgroup v1 limit reclaim meets a page it is already writing */
			wait_page_writeback(mc, pfn);
			return RECLAIM_RETRY;
		}
		f->flags |= FRAME_RECLAIM; /* cases 1-2: tagged, activated out of the way */
		return RECLAIM_ACTIVATE;
	}
	if (anon && !(f->flags & FRAME_SWAPCACHE)) { /* add_to_swap */
		uint64_t off = rc->may_swap ? swap_alloc(&mc->swap) : 0;

		if (!off)
			return RECLAIM_ACTIVATE;
		sc_add(mc, pfn, off);
		mark_dirty(mc, f); /* the new copy must be written */
	}
	if (anon) {
		u.slot = f->next;
		u.swp = pte_swap(0, u.slot);
		mc->swap.slot[u.slot].key = f->key; /* the page may have become KSM since */
		mc->swap.slot[u.slot].family = f->prev;
		if (mc->ksm)
			mc->swap.content[u.slot] = ksm_page_content(mc->ksm, pfn);
	}
	rmap_walk(mc, pfn, unmap_one, &u);
	if (f->count) /* a mapping rmap could not see: keep the books straight */
		return RECLAIM_KEEP;
	if (u.dirty)
		mark_dirty(mc, f);
	if (f->flags & FRAME_DIRTY) { /* pageout() */
		if (!rc->may_writepage && !anon)
			return RECLAIM_KEEP;
		clear_dirty(mc, f);
		rc->nr_io++;
		m->pgpgout += PAGE / 1024;
		if (anon)
			m->pswpout++;
		f->flags |= FRAME_WRITTEN;
		if (anon && mc->async_swap) { /* PAGE_SUCCESS under writeback: keep */
			start_writeback(mc, rc, pfn);
			return RECLAIM_KEEP;
		}
	}
	if (f->flags & FRAME_WRITTEN)
		m->dirty_evictions++;
	{
		unsigned node = pfn_node(&mc->pm, pfn);
		struct node_state *ns = &mc->node[node];

		shadow = mc->ops->shadow_of
		                 ? shadow_with_node(mc->ops->shadow_of(&ns->pc.ctx, pfn), node)
		                 : workingset_eviction(&ns->ws, node, frame_memcg(f),
		                                       policy_core_workingset(&ns->pc, pfn));
	}
	if (anon) { /* __remove_mapping from the swap cache */
		sc_del(mc, pfn, shadow);
		m->pgsteal_anon++;
	} else {
		pc_set(mc, f->key, shadow);
		m->pgsteal_file++;
	}
	m->evictions++;
	if (kswapd)
		m->pgsteal_kswapd++;
	else
		m->pgsteal_direct++;
	rc->nr_reclaimed++;
	mc_page_out(mc, pfn);
	return RECLAIM_FREED;
}

static uint64_t mc_page_key(void *mech, uint32_t pfn)
{
	return ((struct machine *)mech)->pm.frames[pfn].key;
}

static uint32_t mc_page_memcg(void *mech, uint32_t pfn)
{
	return frame_memcg(&((struct machine *)mech)->pm.frames[pfn]);
}

static unsigned mc_page_zone(void *mech, uint32_t pfn)
{
	return pfn_zone(&((struct machine *)mech)->pm, pfn)->idx;
}

static void mc_note_activation(void *mech, uint32_t pfn)
{
	struct machine *mc = mech;

	workingset_age(&mc_node_of(mc, pfn)->ws, frame_memcg(&mc->pm.frames[pfn]), 1);
}

static uint64_t mc_now(void *mech)
{
	return ((struct machine *)mech)->now;
}

static bool mc_page_writeback(void *mech, uint32_t pfn)
{
	return ((struct machine *)mech)->pm.frames[pfn].flags & FRAME_WRITEBACK;
}

/* The deep hint for one frame (its descriptor has arrived). */
static void prefetch_deep(struct machine *mc, uint32_t pfn)
{
	const struct frame *f = &mc->pm.frames[pfn];

	if (f->flags & FRAME_SWAPCACHE) /* its slot, which unmapping updates */
		__builtin_prefetch(&mc->swap.slot[f->next]);
	/* an anonymous page's PTE, which rmap will read: the walk's upper levels are cached */
	if ((f->flags & (FRAME_SWAPBACKED | FRAME_KSM)) != FRAME_SWAPBACKED || !f->count)
		return;
	for (uint32_t i = 0; i < mc->nr_procs; i++) {
		struct mm *mm = mc->procs[i];

		if (mm && mm->family == f->prev) {
			struct pte_hint *h = &mc->pte_hint[pfn % PTE_HINTS];

			h->pte = pgtable_walk(mm->pt, key_index(f->key) << 12, NULL);
			h->mm = mm;
			h->pfn = pfn;
			h->gen = mc->pte_hint_gen;
			__builtin_prefetch(h->pte);
			return;
		}
	}
}

/*
 * policy_prefetch(): shallow, the frame descriptor the rmap walk starts from;
 * deep (the descriptor must have arrived), a swap-cache page's slot and an
 * anonymous page's PTE, the lines reclaiming it misses on most.
 */
static void mc_prefetch(void *mech, const uint32_t *pfns, unsigned n, bool deep)
{
	struct machine *mc = mech;

	for (unsigned i = 0; i < n; i++)
		if (deep)
			prefetch_deep(mc, pfns[i]);
		else
			__builtin_prefetch(&mc->pm.frames[pfns[i]]);
}

const struct policy_mech_ops machine_mech = {
        .prefetch = mc_prefetch,
        .page_writeback = mc_page_writeback,
        .page_key = mc_page_key,
        .page_flags = mc_page_flags,
        .page_memcg = mc_page_memcg,
        .page_zone = mc_page_zone,
        .page_referenced = mc_page_referenced,
        .reclaim_page = mc_reclaim_page,
        .note_activation = mc_note_activation,
        .now_ns = mc_now,
};

/*
 * madvise(MADV_PAGEOUT): reclaim the pages of [start, end) that only this
 * process maps (madvise_cold_or_pageout_pte_range skips shared ones), as
 * reclaim would — swap-out, write-back, shadows — whatever the policy thinks.
 */
void mc_madvise_pageout(struct machine *mc, struct mm *mm, uint64_t start, uint64_t end)
{
	struct reclaim_control rc = {.reclaimer = RECLAIM_DIRECT,
	                             .nr_to_reclaim = ~0UL,
	                             .may_swap = swap_nr_free(&mc->swap) > 0,
	                             .swap_present = swap_present(&mc->swap),
	                             .may_writepage = true};

	mc->pass_start = mc->now; /* no scan cost: the pages are named, not searched for */
	mc->pass_scanned0 = 0;
	for (uint64_t va = start; va < end; va += PAGE) {
		uint64_t *pte = pgtable_walk(mm->pt, va, NULL);
		struct frame *f;

		if (!pte || !(*pte & PTE_PRESENT))
			continue;
		f = &mc->pm.frames[pte_pfn(*pte)];
		if (!(f->flags & FRAME_LRU) || (f->flags & (FRAME_KSM | FRAME_MLOCKED)) ||
		    f->count != 1)
			continue;
		mc_reclaim_page(mc, &rc, pte_pfn(*pte));
	}
	if (rc.nr_reclaimed)
		mc->m->tlb_shootdowns++; /* one batched flush */
}

/* ====================================================================== */
/* One shrink call                                                          */
/* ====================================================================== */

/*
 * Ask the policy for @rc's pages; count scans and the batch's TLB shootdown.
 * Return: the simulated time the work took.
 */
static uint64_t shrink(struct machine *mc, unsigned node, struct reclaim_control *rc)
{
	struct node_state *ns = &mc->node[node];
	unsigned long scanned0 = rc->nr_scanned, file0 = rc->nr_scanned_file;
	unsigned long freed0 = rc->nr_reclaimed, io0 = rc->nr_io;
	unsigned long scanned, freed;
	uint64_t async0 = mc->nr_async_io;

	rc->may_swap = swap_nr_free(&mc->swap) > 0;
	rc->swap_present = swap_present(&mc->swap);
	rc->free_pages = rc->high_wmark_pages = 0;
	for (unsigned z = 0; z <= rc->reclaim_idx && z < mc->pm.nr_zones; z++) {
		rc->free_pages += pm_zone(&mc->pm, node, z)->nr_free;
		rc->high_wmark_pages += pm_zone(&mc->pm, node, z)->wmark[WMARK_HIGH];
	}
	mc->in_reclaim = true;
	mc->ref_pfn = FRAME_NONE;
	mc->batch_unmapped = false;
	mc->pass_start = mc->now;
	mc->pass_scanned0 = rc->nr_scanned;
	mc->pte_hint_gen++; /* page tables may have changed since the last call */
	mc->ops->shrink(&ns->pc.ctx, rc);
	mc->pte_hint_gen++;
	mc->ref_pfn = FRAME_NONE;
	mc->in_reclaim = false;
	scanned = rc->nr_scanned - scanned0;
	freed = rc->nr_reclaimed - freed0;
	if (rc->reclaimer == RECLAIM_KSWAPD)
		mc->m->pgscan_kswapd += scanned;
	else
		mc->m->pgscan_direct += scanned;
	mc->m->pgscan_file += rc->nr_scanned_file - file0;
	mc->m->pgscan_anon += scanned - (rc->nr_scanned_file - file0);
	if (freed || mc->batch_unmapped)
		mc->m->tlb_shootdowns++; /* one batched flush per shrink_folio_list */
	if (freed)
		ns->kswapd.failures = 0;
	shadow_nodes_trim(mc); /* shrink_slab: the workingset shadow shrinker */
	/* synchronous writes (file write-back, swap.synchronous) hold the reclaimer */
	return scanned * mc->c_scan +
	       (rc->nr_io - io0 - (mc->nr_async_io - async0)) * mc->c_swap_write;
}

/* ====================================================================== */
/* kswapd                                                                   */
/* ====================================================================== */

/* pgdat_balanced(): some eligible zone of @node is above its high watermark. */
static bool balanced(struct machine *mc, unsigned node, unsigned order, unsigned classzone)
{
	for (unsigned z = 0; z <= classzone && z < mc->pm.nr_zones; z++) {
		const struct zone *zone = pm_zone(&mc->pm, node, z);

		if (!zone->managed)
			continue;
		if (zone_watermark_ok(zone, order, zone->wmark[WMARK_HIGH], classzone))
			return true;
	}
	return false;
}

static void kswapd_start_run(struct machine *mc, unsigned node, uint64_t when)
{
	struct kswapd *k = &mc->node[node].kswapd;

	k->running = true;
	k->priority = DEF_PRIORITY;
	k->run_reclaimed = 0;
	mc->m->pageoutrun++;
	eventq_push(&mc->evq, when, EV_KSWAPD, node);
}

void kswapd_wakeup(struct machine *mc, unsigned node, unsigned order, unsigned highest)
{
	struct kswapd *k = &mc->node[node].kswapd;

	if (k->running) {
		if (highest > k->classzone)
			k->classzone = highest;
		if (order > k->order)
			k->order = order;
		return;
	}
	if (k->failures >= MAX_RECLAIM_RETRIES || balanced(mc, node, order, highest))
		return;
	k->order = order;
	k->classzone = highest;
	mc->m->kswapd_wakeups++;
	if (k->napping) { /* woken inside the nap: the nap event is now stale */
		k->napping = false;
		k->nap_seq = UINT64_MAX;
		mc->m->kswapd_low_wmark_hit_quickly++;
	}
	kswapd_start_run(mc, node, mc->now);
}

/* The run is over: nap if balanced, else count it and balance again. */
static void kswapd_end_run(struct machine *mc, unsigned node, uint64_t t)
{
	struct kswapd *k = &mc->node[node].kswapd;

	k->running = false;
	if (!k->run_reclaimed)
		k->failures++;
	if (balanced(mc, node, k->order, k->classzone)) {
		k->napping = true;
		k->nap_seq = eventq_push(&mc->evq, t + KSWAPD_NAP_NS, EV_KSWAPD_NAP, node);
		return;
	}
	mc->m->kswapd_high_wmark_hit_quickly++;
	if (k->failures < MAX_RECLAIM_RETRIES)
		kswapd_start_run(mc, node, t);
}

void kswapd_event(struct machine *mc, const struct event *ev)
{
	unsigned node = (unsigned)ev->arg;
	struct kswapd *k = &mc->node[node].kswapd;
	struct reclaim_control rc;
	unsigned long goal = 0;
	uint64_t cost, saved = mc->now;

	if (ev->type == EV_KSWAPD_NAP) {
		if (!k->napping || ev->seq != k->nap_seq)
			return; /* cancelled by a wake-up */
		k->napping = false;
		if (!balanced(mc, node, k->order, k->classzone)) {
			mc->m->kswapd_high_wmark_hit_quickly++;
			kswapd_start_run(mc, node, ev->time);
		}
		return; /* else: full sleep until the next wakeup_kswapd */
	}
	if (!k->running)
		return;
	if (balanced(mc, node, k->order, k->classzone)) {
		kswapd_end_run(mc, node, ev->time);
		return;
	}
	for (unsigned z = 0; z <= k->classzone && z < mc->pm.nr_zones; z++) {
		const struct zone *zone = pm_zone(&mc->pm, node, z);

		if (zone->managed)
			goal += zone->wmark[WMARK_HIGH] > SWAP_CLUSTER_MAX ? zone->wmark[WMARK_HIGH]
			                                                   : SWAP_CLUSTER_MAX;
	}
	rc = (struct reclaim_control){.reclaimer = RECLAIM_KSWAPD,
	                              .nr_to_reclaim = goal,
	                              .priority = k->priority,
	                              .may_writepage = true,
	                              .new_cycle = k->priority == DEF_PRIORITY,
	                              .reclaim_idx = k->classzone};
	mc->now = ev->time; /* the policy sees kswapd's own clock */
	cost = shrink(mc, node, &rc);
	mc->now = saved;
	k->run_reclaimed += rc.nr_reclaimed;
	/* balance_pgdat: raise priority when the step scanned less than it aimed at */
	if (rc.nr_scanned < goal || !rc.nr_reclaimed)
		k->priority--;
	if (k->priority < 1) {
		kswapd_end_run(mc, node, ev->time + cost);
		return;
	}
	eventq_push(&mc->evq, ev->time + (cost ? cost : 1), EV_KSWAPD, node);
}

/* ====================================================================== */
/* OOM killer                                                               */
/* ====================================================================== */

struct badness_ctx {
	uint64_t pages;
};

static void count_pte(void *arg, uint64_t va, uint64_t *pte)
{
	(void)va;
	if (*pte & (PTE_PRESENT | PTE_SWAP))
		((struct badness_ctx *)arg)->pages++;
}

/* oom_badness(): RSS + swap entries + page-table pages (oom_score_adj is 0). */
static uint64_t badness(struct mm *mm)
{
	struct badness_ctx b = {pgtable_nr_pages(mm->pt)};

	pgtable_for_each(mm->pt, 0, UINT64_MAX >> 1, count_pte, &b);
	return b.pages;
}

/*
 * Kill the worst process of @memcg (0 = any). The running process is only
 * marked (its record is abandoned and it is reaped after it); others are
 * reaped at once. Return: true if a process was killed.
 */
static bool oom_kill(struct machine *mc, uint32_t memcg)
{
	struct mm *victim = NULL;
	uint64_t worst = 0;

	for (uint32_t i = 0; i < mc->nr_procs; i++) {
		struct mm *mm = mc->procs[i];
		uint64_t b;

		if (!mm || mm->in_fork || mm->oom_victim || (memcg && mm->memcg != memcg))
			continue;
		b = badness(mm);
		if (!victim || b > worst) { /* ties: the earliest process, as the task list scan */
			victim = mm;
			worst = b;
		}
	}
	if (!victim)
		return false;
	mc->m->oom_kill++;
	u64map_put(&mc->killed, victim->pid, 1);
	if (victim->pid == mc->cur) {
		victim->oom_victim = true;
		mc->victim_pending = true;
		return true;
	}
	mc_mm_exit(mc, victim);
	return true;
}

/* ====================================================================== */
/* Direct reclaim and the slow path                                        */
/* ====================================================================== */

/* try_to_free_pages / try_to_free_mem_cgroup_pages. Return: pages reclaimed. */
static unsigned long direct_reclaim(struct machine *mc, uint32_t memcg, unsigned highest)
{
	struct reclaim_control rc = {.reclaimer = memcg ? RECLAIM_MEMCG : RECLAIM_DIRECT,
	                             .nr_to_reclaim = SWAP_CLUSTER_MAX,
	                             .memcg = memcg,
	                             .reclaim_idx = highest};
	const uint8_t *order = mc->node[mc->alloc_node].order;
	uint64_t stall = 0;

	if (mc->in_reclaim)
		return 0;
	if (!memcg)
		mc->m->allocstall++;
	for (int prio = DEF_PRIORITY; prio >= 0; prio--) {
		rc.priority = prio;
		rc.may_writepage = prio < DEF_PRIORITY - 2 || memcg;
		/* shrink_zones: every node of the zonelist once, in its order */
		for (unsigned i = 0; i < mc->nr_nodes; i++) {
			rc.new_cycle = prio == DEF_PRIORITY;
			stall += shrink(mc, order[i], &rc);
		}
		if (rc.nr_reclaimed >= rc.nr_to_reclaim)
			break;
	}
	mc->now += stall;
	mc->m->direct_reclaim_stall_ns += stall;
	return rc.nr_reclaimed;
}

/* zone_statistics(): the allocation wanted the local node and got @got. */
static void numa_account(struct machine *mc, unsigned got)
{
	struct node_state *want = &mc->node[mc->alloc_node], *have = &mc->node[got];

	if (got == mc->alloc_node) {
		have->numa_hit++;
		have->numa_local++;
		mc->m->numa_hit++;
		mc->m->numa_local++;
		return;
	}
	have->numa_miss++;
	want->numa_foreign++;
	have->numa_other++;
	mc->m->numa_miss++;
	mc->m->numa_foreign++;
	mc->m->numa_other++;
}

uint32_t mc_try_alloc(struct machine *mc, unsigned order, unsigned highest, enum zone_wmark wm)
{
	const uint8_t *nodes = mc->node[mc->alloc_node].order;

	/* the zonelist: node by node in fallback order, each node's zones high to low */
	for (unsigned i = 0; i < mc->nr_nodes; i++)
		for (int z = (int)highest; z >= 0; z--) {
			struct zone *zone = pm_zone(&mc->pm, nodes[i], (unsigned)z);
			uint32_t pfn;

			if (!zone->managed ||
			    !zone_watermark_ok(zone, order, zone->wmark[wm], highest))
				continue;
			pfn = buddy_alloc(&mc->pm, (unsigned)(zone - mc->pm.zones), order);
			if (pfn != FRAME_NONE) {
				mc->m->pgalloc += 1ULL << order;
				numa_account(mc, nodes[i]);
				return pfn;
			}
		}
	return FRAME_NONE;
}

/* should_reclaim_retry(): could some zone pass min if all its reclaimable pages were freed? */
static bool worth_retrying(struct machine *mc, unsigned order, unsigned highest)
{
	(void)order;
	for (unsigned n = 0; n < mc->nr_nodes; n++) {
		struct policy_ctx *ctx = &mc->node[n].pc.ctx;
		uint64_t reclaimable = policy_lru_size(ctx, 0, LRU_INACTIVE_FILE) +
		                       policy_lru_size(ctx, 0, LRU_ACTIVE_FILE);

		if (swap_nr_free(&mc->swap))
			reclaimable += policy_lru_size(ctx, 0, LRU_INACTIVE_ANON) +
			               policy_lru_size(ctx, 0, LRU_ACTIVE_ANON);
		for (unsigned z = 0; z <= highest && z < mc->pm.nr_zones; z++) {
			struct zone *zone = pm_zone(&mc->pm, n, z);
			uint64_t avail = zone->nr_free + reclaimable;

			if (zone->managed &&
			    avail > zone->wmark[WMARK_MIN] + zone->lowmem_reserve[highest])
				return true;
		}
	}
	return false;
}

uint32_t mc_alloc_slowpath(struct machine *mc, unsigned order, unsigned highest)
{
	unsigned no_progress = 0;
	uint32_t pfn;

	for (unsigned i = 0; i < mc->nr_nodes; i++) /* wake_all_kswapds */
		kswapd_wakeup(mc, mc->node[mc->alloc_node].order[i], order, highest);
	pfn = mc_try_alloc(mc, order, highest, WMARK_MIN);
	if (pfn != FRAME_NONE || mc->in_reclaim)
		return pfn;
	for (;;) {
		unsigned long got = direct_reclaim(mc, 0, highest);

		pfn = mc_try_alloc(mc, order, highest, WMARK_MIN);
		if (pfn != FRAME_NONE)
			return pfn;
		if (mc->noretry)
			return FRAME_NONE;
		if (!got && wait_writeback(mc))
			continue; /* throttled until a write ended: not a failed round */
		no_progress = got ? 0 : no_progress + 1;
		if (got && no_progress <= MAX_RECLAIM_RETRIES)
			continue;
		if (no_progress <= MAX_RECLAIM_RETRIES && worth_retrying(mc, order, highest))
			continue;
		/* __alloc_pages_may_oom: one last try at the high watermark, then kill */
		pfn = mc_try_alloc(mc, order, highest, WMARK_HIGH);
		if (pfn != FRAME_NONE)
			return pfn;
		if (order > 3 || !oom_kill(mc, 0)) {
			snprintf(mc->err, mc->errlen,
			         "%s: record %llu: out of memory for an order-%u allocation and "
			         "nothing left to reclaim or kill",
			         mc->trace, (unsigned long long)mc->record, order);
			mc->failed = true;
			return FRAME_NONE;
		}
		if (mc_find_mm(mc, mc->cur) && mc_find_mm(mc, mc->cur)->oom_victim)
			return FRAME_NONE; /* we were the victim: abandon the record */
		no_progress = 0;
		pfn = mc_try_alloc(mc, order, highest, WMARK_MIN);
		if (pfn != FRAME_NONE)
			return pfn;
	}
}

/* ====================================================================== */
/* Memory cgroups                                                           */
/* ====================================================================== */

int memcg_charge(struct machine *mc, uint32_t memcg)
{
	struct memcg *cg = &mc->memcg[memcg];
	unsigned tries = MAX_RECLAIM_RETRIES;

	while (cg->limit && cg->usage + 1 > cg->limit) {
		if (mc->in_reclaim)
			break; /* a page read by reclaim itself (none today): overcharge */
		if (direct_reclaim(mc, memcg, mc->user_zone))
			continue;
		if (mc->noretry)
			return -1;
		if (wait_writeback(mc))
			continue;
		if (tries--)
			continue;
		/* mem_cgroup_oom */
		if (!oom_kill(mc, memcg)) {
			snprintf(mc->err, mc->errlen,
			         "%s: record %llu: memory cgroup limit reached and nothing left to "
			         "reclaim or kill",
			         mc->trace, (unsigned long long)mc->record);
			mc->failed = true;
			return -1;
		}
		if (mc_find_mm(mc, mc->cur) && mc_find_mm(mc, mc->cur)->oom_victim)
			return -1;
		tries = MAX_RECLAIM_RETRIES;
	}
	cg->usage++;
	return 0;
}

/* ====================================================================== */
/* Invariants                                                               */
/* ====================================================================== */

static void inv_fail(struct machine *mc, const char *what, uint64_t a, uint64_t b)
{
	fprintf(stderr, "mmsim: invariant broken after %s record %llu: %s (%llu vs %llu)\n",
	        mc->trace, (unsigned long long)mc->record, what, (unsigned long long)a,
	        (unsigned long long)b);
	abort();
}

void mc_check_invariants(struct machine *mc)
{
	struct metrics *m = mc->m;
	uint64_t lru = m->nr_inactive_anon + m->nr_active_anon + m->nr_inactive_file +
	               m->nr_active_file + m->nr_unevictable;
	uint64_t anon = 0, file = 0, swapcached = 0, used = 0, charged[MMSIM_MAX_MEMCG] = {0};
	uint64_t on_node[MAX_NODES] = {0}, writeback = 0;

	for (uint64_t pfn = 0; pfn < mc->pm.nr_frames; pfn++) {
		const struct frame *f = &mc->pm.frames[pfn];

		if (!(f->flags & FRAME_LRU))
			continue;
		on_node[pfn_node(&mc->pm, (uint32_t)pfn)]++;
		if (pfn_zone(&mc->pm, (uint32_t)pfn)->node != pfn_node(&mc->pm, (uint32_t)pfn))
			inv_fail(mc, "frame's zone is on another node", pfn,
			         pfn_zone(&mc->pm, (uint32_t)pfn)->node);
		if (f->flags & FRAME_SWAPBACKED)
			anon++;
		else
			file++;
		charged[frame_memcg(f)]++;
		if (f->flags & FRAME_WRITEBACK) {
			writeback++;
			if (!(f->flags & FRAME_SWAPCACHE) || (f->flags & FRAME_DIRTY))
				inv_fail(mc, "page under writeback not clean in the swap cache",
				         pfn, f->flags);
		}
		if (f->flags & FRAME_SWAPCACHE) {
			swapcached++;
			if (mc->swap.slot[f->next].cache != pfn + 1)
				inv_fail(mc, "swap cache slot does not point back", f->next, pfn);
		}
	}
	for (unsigned n = 0; n < mc->nr_nodes; n++) { /* each node's policy keeps its own pages */
		uint64_t listed = 0;

		for (int l = 0; l < NR_LRU_LISTS; l++)
			listed += mc->node[n].pc.node_lru[l];
		if (listed != on_node[n])
			inv_fail(mc, "a node's LRU counts != its resident data pages", listed,
			         on_node[n]);
	}
	if (lru != m->nr_anon_pages + m->nr_file_pages)
		inv_fail(mc, "LRU gauges != resident data pages", lru,
		         m->nr_anon_pages + m->nr_file_pages);
	if (anon != m->nr_anon_pages || file != m->nr_file_pages)
		inv_fail(mc, "frames flagged LRU != nr_anon_pages + nr_file_pages", anon + file,
		         m->nr_anon_pages + m->nr_file_pages);
	if (writeback != m->nr_writeback)
		inv_fail(mc, "frames under writeback != nr_writeback", writeback, m->nr_writeback);
	if (swapcached != m->nr_swapcached)
		inv_fail(mc, "swap-cache frames != nr_swapcached", swapcached, m->nr_swapcached);
	for (uint64_t off = 1; off < mc->swap.nr_slots; off++) {
		const struct swap_slot *s = &mc->swap.slot[off];

		if (!(s->flags & SWP_USED))
			continue;
		used++;
		if (!s->count && !s->cache)
			inv_fail(mc, "swap slot in use with no user", off, 0);
	}
	if (used != mc->swap.nr_used)
		inv_fail(mc, "used swap slots", used, mc->swap.nr_used);
	/* the xarray node books (shadow.c) against a recount of the slots */
	uint64_t pages = 0, shadows = 0, npages = 0, nshadows = 0, listed = 0;

	for (uint64_t i = 0; i <= mc->pagecache.mask; i++)
		if (mc->pagecache.keys[i] != U64MAP_EMPTY && mc->pagecache.vals[i] != PC_ABSENT) {
			if (mc->pagecache.vals[i] & SHADOW_TAG)
				shadows++;
			else
				pages++;
		}
	for (uint64_t off = 1; off < mc->swap.nr_slots; off++) {
		pages += mc->swap.slot[off].cache != 0;
		shadows += mc->swap.slot[off].shadow != 0;
	}
	for (uint32_t i = 0; i < mc->sn.nr; i++) {
		const struct shadow_node *n = &mc->sn.n[i];

		if (i >= mc->sn.nr_swap) { /* a page-cache node: skip the freed ones */
			uint64_t s = u64map_slot(&mc->sn.index, n->key);

			if (mc->sn.index.keys[s] != n->key || mc->sn.index.vals[s] != i + 1)
				continue;
		}
		npages += n->pages;
		nshadows += n->shadows;
		listed += !n->pages && n->shadows;
	}
	if (pages != npages || shadows != nshadows)
		inv_fail(mc, "xarray node counts != slots (pages, then shadows)",
		         pages * 1000000 + shadows, npages * 1000000 + nshadows);
	if (listed != mc->sn.nr_listed)
		inv_fail(mc, "shadow-only nodes != workingset_nodes", listed, mc->sn.nr_listed);
	for (uint32_t c = 0; c < MMSIM_MAX_MEMCG; c++) {
		if (mc->memcg[c].limit && mc->memcg[c].usage > mc->memcg[c].limit)
			inv_fail(mc, "memcg usage above its limit", mc->memcg[c].usage,
			         mc->memcg[c].limit);
		if (mc->memcg[c].usage != charged[c])
			inv_fail(mc, "memcg usage != pages charged to it", mc->memcg[c].usage,
			         charged[c]);
	}
}
