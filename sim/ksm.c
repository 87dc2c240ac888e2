// SPDX-License-Identifier: MIT
/*
 * ksm.c - kernel samepage merging (after mm/ksm.c and
 * Documentation/admin-guide/mm/ksm.rst, Linux 6.x).
 *
 * Theory. Pages of private anonymous memory that a process marked
 * MADV_MERGEABLE are scanned by ksmd, pages_to_scan pages per wake-up every
 * sleep_millisecs, walking the registered processes and their mergeable
 * VMAs in address order. Identical pages are replaced by one write-protected
 * KSM page; a write to it breaks the sharing with a private copy (cow_ksm).
 *
 * Content is a 64-bit fingerprint per anonymous page: 0 for a fresh page, the
 * value a W record carries, or a value no other page has for a W without one.
 *
 * Each scanned page has an rmap item. For a page that is not yet KSM:
 *   1. search the stable tree (KSM pages, ordered by content): a KSM page with
 *      the same content and fewer than max_page_sharing mappers takes it over
 *      (remap, write-protect, TLB shootdown, the duplicate is freed);
 *   2. otherwise the checksum gate: if the content changed since the item's
 *      last scan (or this is its first scan) only remember it — a page must
 *      hold still for a full pass before it may enter the unstable tree;
 *   3. search the unstable tree (pages scanned in this pass, by content): a
 *      match turns the tree page into a new KSM page and merges this one into
 *      it; no match inserts the item. The unstable tree is emptied at the end
 *      of every full pass (its pages may have changed since).
 * KSM pages with the same content beyond max_page_sharing mappers form a
 * chain of "dups". With smart_scan, a page that keeps failing to merge is
 * skipped for 1, 2, 4 then 8 passes (skip_age). use_zero_pages maps pages of
 * zero content to one shared zero page instead.
 *
 * Counters have the sysfs meanings: pages_shared = KSM pages, pages_sharing =
 * further mappings of them (the first mapper of each counts in shared),
 * pages_unshared = items in an unstable tree, pages_volatile = the other rmap
 * items, general_profit = (sharing + zero pages) x 4096 - items x 64 bytes
 * (sizeof(struct ksm_rmap_item); shown as 0 when negative).
 *
 * Time: ksmd is background work. A wake-up scans, each tree search costs
 * cost.ksm_compare per comparison (log2 of the tree size) and each merge
 * cost.ksm_merge; the next wake-up is sleep_millisecs after the scan ends.
 *
 * KSM pages are reclaimable: rmap walks their items (ksm_rmap_walk), and when
 * one is swapped out its sharing ends; a process faulting it back from a
 * swap-cache page that belongs to another mapping gets a copy
 * (ksm_swpin_copy), as ksm_might_need_to_copy does.
 */
#include "ksm.h"

#include "mm_internal.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define NONE            UINT32_MAX
#define ZERO_DUP        (UINT32_MAX - 1) /* item merged into the zero page */
#define KSM_KEY_TAG     (1ULL << 62)     /* page keys of KSM pages: tag | dup */
#define RMAP_ITEM_BYTES 64               /* sizeof(struct ksm_rmap_item), x86-64 */

struct ksm_item {
	uint64_t va;
	uint64_t checksum; /* content seen at the last scan */
	uint32_t pid;
	uint32_t dup;          /* stable dup it is merged into, NONE, or ZERO_DUP */
	uint32_t prev, next;   /* the dup's item list */
	uint32_t unstable_seq; /* pass whose unstable tree holds it, 0 = none */
	uint8_t age;           /* scans without a merge (smart scan) */
	uint8_t skips;         /* remaining skips */
	bool checked;          /* checksum is valid */
	bool live;
};

struct ksm_dup {
	uint64_t content;
	uint32_t kpfn;     /* the KSM page */
	uint32_t nr;       /* items merged into it */
	uint32_t head;     /* first item */
	uint32_t next_dup; /* next dup of the same content */
	bool live;
};

struct ksm {
	struct machine *mc;
	uint64_t pages_to_scan, sleep_ns, max_sharing, c_cmp, c_merge;
	bool use_zero, smart;
	uint64_t *content; /* per frame, reserved lazily */
	uint64_t nr_frames;
	uint64_t unique; /* next content no other page has */
	struct ksm_item *item;
	uint32_t nr_item, cap_item, free_item;
	struct u64map item_of; /* pid << 40 | vpn -> item + 1 (0 = gone) */
	struct ksm_dup *dup;
	uint32_t nr_dup, cap_dup, free_dup;
	struct u64map stable;   /* content -> first dup + 1 (0 = none) */
	struct u64map unstable; /* content -> seq << 32 | item */
	uint32_t *mms;          /* registered pids, in registration order */
	uint32_t nr_mms, cap_mms;
	uint32_t scan_mm; /* cursor: index in mms */
	uint64_t scan_va; /* ... and address */
	uint32_t seq;     /* current pass (1-based) */
	bool pass_found;  /* the pass has seen a page */
	uint64_t nr_stable, nr_unstable;
	uint64_t items, shared, sharing, unshared, zero_pages, chains, chain_dups;
	uint32_t zero_pfn;
};

static inline uint64_t item_key(uint32_t pid, uint64_t va)
{
	return (uint64_t)pid << 40 | ((va >> 12) & ((1ULL << 40) - 1));
}

static unsigned log2_ceil(uint64_t n)
{
	unsigned l = 0;

	while ((1ULL << l) < n + 1)
		l++;
	return l;
}

struct ksm *ksm_create(struct machine *mc)
{
	const struct config *cfg = mc->o->cfg;
	struct ksm *k;

	if (!config_bool(cfg, "ksm.run"))
		return NULL;
	k = xcalloc(1, sizeof(*k));
	k->mc = mc;
	k->pages_to_scan = config_u64(cfg, "ksm.pages_to_scan");
	k->sleep_ns = config_u64(cfg, "ksm.sleep_millisecs") * 1000000ULL;
	k->max_sharing = config_u64(cfg, "ksm.max_page_sharing");
	k->use_zero = config_bool(cfg, "ksm.use_zero_pages");
	k->smart = config_bool(cfg, "ksm.smart_scan");
	k->c_cmp = config_time_ns(cfg, "cost.ksm_compare");
	k->c_merge = config_time_ns(cfg, "cost.ksm_merge");
	k->nr_frames = mc->pm.nr_frames;
	k->content = host_reserve(k->nr_frames * sizeof(uint64_t));
	k->unique = 1ULL << 63;
	k->free_item = k->free_dup = NONE;
	k->zero_pfn = NONE;
	k->seq = 1;
	u64map_init(&k->item_of, 1024);
	u64map_init(&k->stable, 1024);
	u64map_init(&k->unstable, 1024);
	return k;
}

void ksm_destroy(struct ksm *k)
{
	if (!k)
		return;
	host_release(k->content, k->nr_frames * sizeof(uint64_t));
	u64map_free(&k->item_of);
	u64map_free(&k->stable);
	u64map_free(&k->unstable);
	free(k->item);
	free(k->dup);
	free(k->mms);
	free(k);
}

/* ---- content ---- */

void ksm_page_new(struct ksm *k, uint32_t pfn)
{
	k->content[pfn] = 0;
}

void ksm_page_copy(struct ksm *k, uint32_t to, uint32_t from)
{
	k->content[to] = k->content[from];
}

void ksm_page_write(struct ksm *k, uint32_t pfn, uint64_t content)
{
	k->content[pfn] = content == KSM_NO_CONTENT ? k->unique++ : content;
}

uint64_t ksm_page_content(const struct ksm *k, uint32_t pfn)
{
	return k->content[pfn];
}

void ksm_page_set_content(struct ksm *k, uint32_t pfn, uint64_t content)
{
	k->content[pfn] = content;
}

/* ---- rmap items ---- */

static uint32_t item_find(struct ksm *k, uint32_t pid, uint64_t va)
{
	uint64_t key = item_key(pid, va), s = u64map_slot(&k->item_of, key);

	return k->item_of.keys[s] == key && k->item_of.vals[s] ? (uint32_t)k->item_of.vals[s] - 1
	                                                       : NONE;
}

static uint32_t item_get(struct ksm *k, uint32_t pid, uint64_t va)
{
	uint32_t i = item_find(k, pid, va);

	if (i != NONE)
		return i;
	if (k->free_item != NONE) {
		i = k->free_item;
		k->free_item = k->item[i].next;
	} else {
		if (k->nr_item == k->cap_item) {
			k->cap_item = k->cap_item ? 2 * k->cap_item : 256;
			k->item = xrealloc(k->item, k->cap_item * sizeof(*k->item));
		}
		i = k->nr_item++;
	}
	k->item[i] = (struct ksm_item){
	        .va = va, .pid = pid, .dup = NONE, .prev = NONE, .next = NONE, .live = true};
	u64map_put(&k->item_of, item_key(pid, va), i + 1);
	k->items++;
	return i;
}

/* The item leaves the unstable tree (lazily, as remove_rmap_item_from_tree). */
static void unstable_forget(struct ksm *k, struct ksm_item *it)
{
	if (!it->unstable_seq)
		return;
	k->unshared--;
	if (it->unstable_seq == k->seq)
		k->nr_unstable--;
	it->unstable_seq = 0;
}

/* ---- stable tree: dups and chains ---- */

static struct ksm_dup *dup_of_pfn(struct ksm *k, uint32_t kpfn)
{
	uint64_t key = k->mc->pm.frames[kpfn].key;

	return (key & KSM_KEY_TAG) ? &k->dup[(uint32_t)(key & ~KSM_KEY_TAG)] : NULL;
}

/* Dups of @content: count them (for the chain counters). */
static unsigned chain_len(struct ksm *k, uint64_t content)
{
	uint64_t s = u64map_slot(&k->stable, content);
	unsigned n = 0;

	if (k->stable.keys[s] != content || !k->stable.vals[s])
		return 0;
	for (uint32_t d = (uint32_t)k->stable.vals[s] - 1; d != NONE; d = k->dup[d].next_dup)
		n++;
	return n;
}

static void chain_account(struct ksm *k, unsigned before, unsigned after)
{
	if (before >= 2) {
		k->chains--;
		k->chain_dups -= before;
	}
	if (after >= 2) {
		k->chains++;
		k->chain_dups += after;
	}
}

static uint32_t dup_new(struct ksm *k, uint64_t content, uint32_t kpfn)
{
	uint64_t s = u64map_slot(&k->stable, content);
	uint32_t d, first = k->stable.keys[s] == content && k->stable.vals[s]
	                            ? (uint32_t)k->stable.vals[s] - 1
	                            : NONE;
	unsigned before = chain_len(k, content);

	if (k->free_dup != NONE) {
		d = k->free_dup;
		k->free_dup = k->dup[d].next_dup;
	} else {
		if (k->nr_dup == k->cap_dup) {
			k->cap_dup = k->cap_dup ? 2 * k->cap_dup : 64;
			k->dup = xrealloc(k->dup, k->cap_dup * sizeof(*k->dup));
		}
		d = k->nr_dup++;
	}
	k->dup[d] = (struct ksm_dup){
	        .content = content, .kpfn = kpfn, .head = NONE, .next_dup = first, .live = true};
	u64map_put(&k->stable, content, d + 1);
	k->nr_stable++;
	chain_account(k, before, before + 1);
	return d;
}

static void dup_free(struct ksm *k, uint32_t d)
{
	uint64_t content = k->dup[d].content, s = u64map_slot(&k->stable, content);
	unsigned before = chain_len(k, content);
	uint32_t *link = NULL, cur = (uint32_t)k->stable.vals[s] - 1;

	if (cur == d) {
		k->stable.vals[s] = k->dup[d].next_dup == NONE ? 0 : k->dup[d].next_dup + 1u;
	} else {
		while (cur != NONE && k->dup[cur].next_dup != d)
			cur = k->dup[cur].next_dup;
		SIM_BUG_ON(cur == NONE);
		link = &k->dup[cur].next_dup;
		*link = k->dup[d].next_dup;
	}
	k->dup[d].live = false;
	k->dup[d].next_dup = k->free_dup;
	k->free_dup = d;
	k->nr_stable--;
	chain_account(k, before, before - 1);
}

static void dup_add_item(struct ksm *k, uint32_t d, uint32_t i)
{
	struct ksm_dup *dp = &k->dup[d];
	struct ksm_item *it = &k->item[i];

	it->dup = d;
	it->prev = NONE;
	it->next = dp->head;
	if (dp->head != NONE)
		k->item[dp->head].prev = i;
	dp->head = i;
	if (dp->nr++)
		k->sharing++;
	else
		k->shared++;
	it->age = 0;
}

static void dup_del_item(struct ksm *k, uint32_t i)
{
	struct ksm_item *it = &k->item[i];
	struct ksm_dup *dp = &k->dup[it->dup];

	if (it->prev != NONE)
		k->item[it->prev].next = it->next;
	else
		dp->head = it->next;
	if (it->next != NONE)
		k->item[it->next].prev = it->prev;
	if (--dp->nr)
		k->sharing--;
	else
		k->shared--;
	it->dup = NONE;
	it->prev = it->next = NONE;
}

/* ---- mapping changes ---- */

/* Replace @mm's mapping of @va (*pte) by KSM page @kpfn, write-protected. */
static void remap(struct ksm *k, struct mm *mm, uint64_t va, uint64_t *pte, uint32_t kpfn)
{
	struct machine *mc = k->mc;
	uint32_t old = pte_pfn(*pte);
	struct frame *fo = &mc->pm.frames[old];

	if ((*pte & PTE_DIRTY) && !(fo->flags & FRAME_DIRTY)) {
		fo->flags |= FRAME_DIRTY;
		mc->m->nr_dirty++;
	}
	*pte = pte_make(kpfn, *pte & (PTE_USER | PTE_ACCESSED | PTE_NX));
	tlb_flush_page(&mc->tlb, mm->asid, va >> 12);
	mc->m->tlb_shootdowns++;
	mc->pm.frames[kpfn].count++;
	fo->count--;
	if (!fo->count && (!(fo->flags & FRAME_SWAPCACHE) || !mc->swap.slot[fo->next].count))
		mc_page_out(mc, old); /* the duplicate is freed */
}

void ksm_unmap(struct ksm *k, struct mm *mm, uint64_t va, uint32_t kpfn)
{
	struct machine *mc = k->mc;
	struct frame *f = &mc->pm.frames[kpfn];
	uint32_t i = item_find(k, mm->pid, va);

	SIM_BUG_ON(!f->count);
	f->count--;
	if (kpfn == k->zero_pfn) {
		k->zero_pages--;
		if (i != NONE)
			k->item[i].dup = NONE;
		return;
	}
	if (i != NONE && k->item[i].dup != NONE && k->item[i].dup != ZERO_DUP)
		dup_del_item(k, i);
	if (!f->count)
		mc_page_out(mc, kpfn); /* calls ksm_page_freed */
}

void ksm_page_freed(struct ksm *k, uint32_t kpfn)
{
	struct ksm_dup *dp = dup_of_pfn(k, kpfn);

	if (!dp || !dp->live || dp->kpfn != kpfn)
		return;
	while (dp->head != NONE) /* its mappers are unmerged (swapped out) */
		dup_del_item(k, dp->head);
	dup_free(k, (uint32_t)(dp - k->dup));
}

void ksm_rmap_walk(struct ksm *k, uint32_t kpfn, ksm_rmap_fn fn, void *arg)
{
	struct ksm_dup *dp = dup_of_pfn(k, kpfn);

	if (!dp || !dp->live)
		return;
	for (uint32_t i = dp->head, nx; i != NONE; i = nx) {
		struct ksm_item *it = &k->item[i];
		struct mm *mm = mc_find_mm(k->mc, it->pid);
		uint64_t *pte;

		nx = it->next;
		if (!mm)
			continue;
		pte = pgtable_walk(mm->pt, it->va, NULL);
		if (pte && (*pte & PTE_PRESENT) && pte_pfn(*pte) == kpfn &&
		    !fn(k->mc, mm, it->va, pte, arg))
			return;
	}
}

static void drop_item(struct ksm *k, uint32_t i)
{
	struct ksm_item *it = &k->item[i];
	uint64_t key = item_key(it->pid, it->va), s = u64map_slot(&k->item_of, key);

	unstable_forget(k, it);
	if (it->dup != NONE && it->dup != ZERO_DUP)
		dup_del_item(k, i);
	if (k->item_of.keys[s] == key)
		k->item_of.vals[s] = 0;
	it->live = false;
	it->next = k->free_item;
	k->free_item = i;
	k->items--;
}

void ksm_mm_exit(struct ksm *k, struct mm *mm)
{
	for (uint32_t i = 0; i < k->nr_item; i++)
		if (k->item[i].live && k->item[i].pid == mm->pid)
			drop_item(k, i);
	for (uint32_t j = 0; j < k->nr_mms; j++)
		if (k->mms[j] == mm->pid) {
			memmove(&k->mms[j], &k->mms[j + 1], (k->nr_mms - j - 1) * sizeof(uint32_t));
			k->nr_mms--;
			if (k->scan_mm > j)
				k->scan_mm--;
			break;
		}
}

void ksm_madvise(struct ksm *k, struct mm *mm, uint64_t start, uint64_t end, bool merge)
{
	if (merge) {
		for (uint32_t j = 0; j < k->nr_mms; j++)
			if (k->mms[j] == mm->pid)
				return;
		if (k->nr_mms == k->cap_mms) {
			k->cap_mms = k->cap_mms ? 2 * k->cap_mms : 16;
			k->mms = xrealloc(k->mms, k->cap_mms * sizeof(uint32_t));
		}
		k->mms[k->nr_mms++] = mm->pid; /* __ksm_enter: appended to the scan list */
		return;
	}
	/* unmerge_ksm_pages: every KSM page in the range gets a private copy */
	for (uint64_t va = start; va < end; va += PAGE) {
		uint64_t *pte = pgtable_walk(mm->pt, va, NULL);
		uint32_t i;

		if (pte && (*pte & PTE_PRESENT) &&
		    (k->mc->pm.frames[pte_pfn(*pte)].flags & FRAME_KSM))
			mc_ksm_unshare(k->mc, mm, va, pte);
		i = item_find(k, mm->pid, va);
		if (i != NONE)
			drop_item(k, i);
	}
}

/* ---- ksmd ---- */

uint64_t ksm_first_wakeup(const struct ksm *k)
{
	return k->sleep_ns;
}

/* The next present anonymous page in a mergeable VMA, or false when none is left. */
static bool next_page(struct ksm *k, struct mm **mmp, uint64_t *vap, uint64_t **ptep)
{
	struct machine *mc = k->mc;
	unsigned levels = pgtable_levels(mc->scheme);
	uint64_t table_span = 1ULL << pgtable_level_shift(mc->scheme, levels - 2);

	for (unsigned wraps = 0; wraps < 2;) {
		struct mm *mm;
		struct vma *v;

		if (k->scan_mm >= k->nr_mms) { /* a full pass is over */
			k->scan_mm = 0;
			k->scan_va = 0;
			if (k->pass_found || !k->nr_mms) {
				mc->m->ksm_full_scans++;
				k->seq++; /* empties the unstable tree */
				k->nr_unstable = 0;
			}
			if (!k->pass_found)
				wraps++;
			k->pass_found = false;
			if (!k->nr_mms)
				return false;
			continue;
		}
		mm = mc_find_mm(mc, k->mms[k->scan_mm]);
		if (!mm) {
			k->scan_mm++;
			continue;
		}
		v = NULL;
		for (size_t j = 0; j < mm->vmas.nr; j++) {
			struct vma *c = &mm->vmas.v[j];

			if (c->end > k->scan_va && (c->flags & VM_MERGEABLE) && vma_is_anon(c) &&
			    !(c->flags & VM_SHARED)) {
				v = c;
				break;
			}
		}
		if (!v) {
			k->scan_mm++;
			k->scan_va = 0;
			continue;
		}
		if (k->scan_va < v->start)
			k->scan_va = v->start;
		while (k->scan_va < v->end) {
			uint64_t va = k->scan_va, *pte = pgtable_walk(mm->pt, va, NULL);

			if (!pte) { /* no page table here: skip the whole table's span */
				k->scan_va = (va | (table_span - 1)) + 1;
				continue;
			}
			k->scan_va = va + PAGE;
			if ((*pte & PTE_PRESENT) &&
			    (mc->pm.frames[pte_pfn(*pte)].flags & (FRAME_SWAPBACKED | FRAME_KSM))) {
				*mmp = mm;
				*vap = va;
				*ptep = pte;
				k->pass_found = true;
				return true;
			}
			uint32_t i = item_find(k, mm->pid, va);

			if (i != NONE) /* its page is gone: the item goes too */
				drop_item(k, i);
		}
	}
	return false;
}

/* should_skip_rmap_item(): smart scan. */
static bool skip(struct ksm *k, struct ksm_item *it)
{
	static const uint8_t skip_age[] = {1, 1, 1, 1, 2, 2, 4, 4, 4};
	uint8_t age = it->age;

	if (!k->smart)
		return false;
	if (age != UINT8_MAX)
		it->age++;
	if (age < 3)
		return false;
	if (!it->skips) {
		it->skips = age < sizeof(skip_age) ? skip_age[age] : 8;
		return false;
	}
	it->skips--;
	k->mc->m->ksm_pages_skipped++;
	unstable_forget(k, it);
	return true;
}

/* Map the zero page for a page of zero content (use_zero_pages). */
static void merge_zero(struct ksm *k, uint32_t i, struct mm *mm, uint64_t va, uint64_t *pte)
{
	struct machine *mc = k->mc;

	if (k->zero_pfn == NONE) { /* ZERO_PAGE: outside every LRU, never freed */
		k->zero_pfn = mc_try_alloc(mc, 0, mc->kernel_zone, WMARK_MIN);
		if (k->zero_pfn == NONE)
			return;
		mc->pm.frames[k->zero_pfn].flags |= FRAME_KSM;
		mc->pm.frames[k->zero_pfn].key = KSM_KEY_TAG | NONE;
		k->content[k->zero_pfn] = 0;
	}
	remap(k, mm, va, pte, k->zero_pfn);
	k->item[i].dup = ZERO_DUP;
	k->zero_pages++;
}

/* cmp_and_merge_page() for the page @mm maps at @va. Return: its cost. */
static uint64_t scan_one(struct ksm *k, struct mm *mm, uint64_t va, uint64_t *pte)
{
	struct machine *mc = k->mc;
	uint32_t pfn = pte_pfn(*pte), i = item_get(k, mm->pid, va), d;
	struct frame *f = &mc->pm.frames[pfn];
	struct ksm_item *it = &k->item[i];
	uint64_t c = k->content[pfn], cost = 0, s;

	mc->m->ksm_pages_scanned++;
	if (f->flags & FRAME_KSM) /* already merged */
		return 0;
	if (skip(k, it))
		return 0;
	unstable_forget(k, it);
	/* 1. the stable tree */
	cost += k->c_cmp * log2_ceil(k->nr_stable);
	s = u64map_slot(&k->stable, c);
	d = k->stable.keys[s] == c && k->stable.vals[s] ? (uint32_t)k->stable.vals[s] - 1 : NONE;
	while (d != NONE && k->dup[d].nr >= k->max_sharing)
		d = k->dup[d].next_dup;
	if (d != NONE) {
		remap(k, mm, va, pte, k->dup[d].kpfn);
		dup_add_item(k, d, i);
		return cost + k->c_merge;
	}
	/* 2. the checksum gate */
	if (!it->checked || it->checksum != c) {
		it->checked = true;
		it->checksum = c;
		return cost;
	}
	if (k->use_zero && c == 0) {
		merge_zero(k, i, mm, va, pte);
		return cost + k->c_merge;
	}
	/* 3. the unstable tree */
	cost += k->c_cmp * log2_ceil(k->nr_unstable);
	s = u64map_slot(&k->unstable, c);
	if (k->unstable.keys[s] == c && (uint32_t)(k->unstable.vals[s] >> 32) == k->seq) {
		uint32_t t = (uint32_t)k->unstable.vals[s];
		struct ksm_item *ti = &k->item[t];
		struct mm *tmm =
		        ti->live && ti->unstable_seq == k->seq ? mc_find_mm(mc, ti->pid) : NULL;
		uint64_t *tpte = tmm ? pgtable_walk(tmm->pt, ti->va, NULL) : NULL;
		uint32_t tpfn = tpte && (*tpte & PTE_PRESENT) ? pte_pfn(*tpte) : NONE;
		struct frame *tf = tpfn != NONE ? &mc->pm.frames[tpfn] : NULL;

		/* the tree page must still hold the content and be ours alone to convert
		 * (a swap-cache copy nobody else refers to is dropped first) */
		if (tf && t != i && k->content[tpfn] == c && tpfn != pfn &&
		    (tf->flags & FRAME_SWAPBACKED) &&
		    !(tf->flags & (FRAME_KSM | FRAME_WRITEBACK)) && tf->count == 1 &&
		    (!(tf->flags & FRAME_SWAPCACHE) || !mc->swap.slot[tf->next].count)) {
			if (tf->flags & FRAME_SWAPCACHE) { /* its swap copy goes: the slot names
				                            * a private page, not a KSM one */
				sc_del(mc, tpfn, 0);
			}
			unstable_forget(k, ti);
			k->unstable.vals[s] = 0;
			d = dup_new(k, c, tpfn);
			if ((*tpte & PTE_DIRTY) && !(tf->flags & FRAME_DIRTY)) {
				tf->flags |= FRAME_DIRTY;
				mc->m->nr_dirty++;
			}
			*tpte &= ~(PTE_WRITE | PTE_DIRTY); /* write_protect_page */
			tlb_flush_page(&mc->tlb, tmm->asid, ti->va >> 12);
			mc->m->tlb_shootdowns++;
			tf->flags |= FRAME_KSM;
			tf->key = KSM_KEY_TAG | d;
			dup_add_item(k, d, t);
			remap(k, mm, va, pte, tpfn);
			dup_add_item(k, d, i);
			return cost + 2 * k->c_merge;
		}
	}
	u64map_put(&k->unstable, c, (uint64_t)k->seq << 32 | i);
	it->unstable_seq = k->seq;
	k->unshared++;
	k->nr_unstable++;
	return cost;
}

uint64_t ksm_scan(struct ksm *k, uint64_t now)
{
	uint64_t cost = 0;

	for (uint64_t n = 0; n < k->pages_to_scan; n++) {
		struct mm *mm;
		uint64_t va, *pte;

		if (!next_page(k, &mm, &va, &pte))
			break;
		cost += scan_one(k, mm, va, pte);
	}
	return now + cost + (k->sleep_ns ? k->sleep_ns : 1);
}

void ksm_gauges(struct ksm *k)
{
	struct metrics *m = k->mc->m;
	uint64_t in_trees = k->shared + k->sharing + k->unshared;
	uint64_t profit = (k->sharing + k->zero_pages) * PAGE;

	m->ksm_pages_shared = k->shared;
	m->ksm_pages_sharing = k->sharing;
	m->ksm_pages_unshared = k->unshared;
	m->ksm_pages_volatile = k->items > in_trees ? k->items - in_trees : 0;
	m->ksm_stable_node_chains = k->chains;
	m->ksm_stable_node_dups = k->chain_dups;
	m->ksm_zero_pages = k->zero_pages;
	m->ksm_general_profit =
	        profit > k->items * RMAP_ITEM_BYTES ? profit - k->items * RMAP_ITEM_BYTES : 0;
}
