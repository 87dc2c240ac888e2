/* SPDX-License-Identifier: MIT */
/*
 * mm_internal.h - the full machine's state, shared by the files that model it:
 * machine.c (records, faults, processes, the run loop) and reclaim.c (rmap,
 * reclaim, kswapd, memory cgroups, the OOM killer). Nothing outside sim/
 * includes this.
 */
#ifndef MMSIM_MM_INTERNAL_H
#define MMSIM_MM_INTERNAL_H

#include "eventq.h"
#include "ksm.h"
#include "machine.h"
#include "pgtable.h"
#include "policy_core.h"
#include "readahead.h"
#include "swap.h"
#include "tlb.h"
#include "u64map.h"
#include "vma.h"
#include "workingset.h"
#include "zone.h"

#include <time.h>

#define PAGE      4096ULL
#define PC_ABSENT (UINT64_MAX - 1) /* page-cache slot emptied without a shadow */

/* Frame flag bits the machine adds to frame.h's (memcg id in bits 12-15). */
#define FRAME_MEMCG_SHIFT 12
#define FRAME_MEMCG_MASK  0xf000u
#define FRAME_PINNED      0x0400u  /* held by the operation in progress: reclaim skips it */
#define FRAME_READAHEAD   0x0800u  /* PG_readahead: reaching it reads the next window */
#define FRAME_RECLAIM     0x10000u /* PG_reclaim: rotate to the inactive tail when writeback ends */
#define FRAME_ORPHAN      0x20000u /* freed while under writeback: free it when the write ends */
#define FRAME_WRITTEN     0x40000u /* written out by reclaim since it came in (dirty_evictions) */

static inline uint32_t frame_memcg(const struct frame *f)
{
	return (f->flags & FRAME_MEMCG_MASK) >> FRAME_MEMCG_SHIFT;
}

/*
 * While a data page is in use, the descriptor's free-list links are free:
 * prev holds the anon_vma family of an anonymous page (the pid at the root of
 * its fork tree: rmap visits that family's processes), next the swap slot of
 * a page in the swap cache.
 */

/* What the page cache remembers about a file between read()s (struct file). */
struct file_state {
	struct file_ra ra; /* readahead window */
	uint64_t prev_pos; /* end of the last read() (ra->prev_pos), 0 = none yet */
};

/* An xarray leaf node of the page cache or swap cache (64 slots). shadow.c */
struct shadow_node {
	uint64_t key; /* page cache: (file, index / 64); swap: unused (offset / 64 = index) */
	uint16_t pages, shadows; /* slots holding a page / a shadow */
	uint32_t prev, next;     /* list of shadow-only nodes, oldest first */
	bool listed;
};

struct shadow_nodes {
	struct shadow_node *n;
	uint32_t nr, cap, free;
	uint32_t nr_swap;    /* n[0 .. nr_swap): the swap device's nodes, offset / 64 */
	struct u64map index; /* page-cache node key -> index + 1 (0 = freed) */
	uint32_t head, tail; /* shadow-only nodes (list_lru) */
	uint64_t nr_listed;  /* workingset_nodes */
	uint64_t last_key;   /* one-entry cache of index: swap slots and file pages come in runs */
	uint32_t last_i;     /* ... its node */
};

struct mm {
	uint32_t pid;        /* process id */
	uint32_t family;     /* anon_vma root: the first ancestor's pid */
	uint16_t asid;       /* TLB tag */
	uint8_t memcg;       /* cgroup the process is charged to */
	uint8_t node;        /* NUMA node of the CPU it runs on (numa_node_id()) */
	bool oom_victim;     /* killed while running: reaped after the record */
	bool in_fork;        /* being created by fork: not an OOM candidate yet */
	struct vma_set vmas; /* address space */
	struct pgtable *pt;  /* page tables */
	uint64_t brk;        /* program break, 0 = unknown */
};

/* Engine events (struct event.type). */
enum mc_event {
	EV_TICK,       /* timeline sample */
	EV_KSWAPD,     /* kswapd does one balance step */
	EV_KSWAPD_NAP, /* kswapd's 100 ms nap ends */
	EV_KSMD,       /* ksmd wakes up */
	EV_STREAM,     /* a process's next record (engine.streams = process) */
	EV_WRITEBACK,  /* a swap write ends (arg: the frame) */
};

struct kswapd {
	bool running;           /* balancing (an EV_KSWAPD event is queued) */
	bool napping;           /* in the HZ/10 nap (an EV_KSWAPD_NAP event is queued) */
	int priority;           /* current balance_pgdat priority */
	unsigned order;         /* requested order */
	unsigned classzone;     /* highest zone index of the wake-up */
	unsigned failures;      /* runs that reclaimed nothing (16 = node hopeless) */
	uint64_t run_reclaimed; /* pages reclaimed by the current run */
	uint64_t nap_seq;       /* seq of the queued nap event (a wake-up cancels it) */
};

/*
 * A NUMA node's reclaim side (struct pglist_data): the policy instance that
 * keeps the node's lruvecs, their nonresident ages, the node's kswapd, and
 * the node's zonelist order (itself first, then the others by distance).
 */
struct node_state {
	struct policy_core pc;    /* the policy's lists of this node's frames */
	struct workingset ws;     /* nonresident_age of the node's lruvecs */
	struct kswapd kswapd;     /* the node's kswapd */
	uint8_t order[MAX_NODES]; /* fallback order of nodes (node_zonelists) */
	uint64_t numa_hit, numa_miss, numa_foreign, numa_local, numa_other; /* numastat */
};

struct memcg {
	uint64_t limit; /* pages, 0 = none */
	uint64_t usage; /* pages charged */
};

#define PTE_HINTS         256        /* struct machine's pte_hint slots, indexed by pfn */
#define SWAPPED_HINT_BITS (1u << 16) /* struct machine's swapped_hint filter (8 KiB) */
#define SWAPIN_LOOKAHEAD  4          /* records between that look-ahead and the access */
#define LOOKAHEAD_RING    16         /* struct machine's la slots (> 2 * SWAPIN_LOOKAHEAD) */

struct machine {
	const struct machine_opts *o;
	struct metrics *m;
	struct physmem pm;                    /* zones, buddy, frames */
	enum pt_scheme scheme;                /* page-table layout */
	struct tlb tlb;                       /* TLBs */
	const struct reclaim_policy_ops *ops; /* the policy */
	struct node_state node[MAX_NODES];    /* per NUMA node: policy lists, ages, kswapd */
	unsigned nr_nodes;                    /* machine.nodes */
	unsigned alloc_node;                  /* node of the CPU allocating now (numa_node_id()) */
	unsigned next_cpu_node;               /* numa.placement = spread: the next process's node */
	struct u64map pid_node;               /* numa.bind: pid -> node */
	int fixed_node;                       /* numa.placement = a node number, else -1 */
	struct u64map pid_map;                /* pid -> index in procs */
	struct mm **procs;                    /* processes (NULL when exited) */
	uint32_t nr_procs, cap_procs;
	uint32_t cur;        /* pid of the running process, UINT32_MAX = none */
	struct mm *cur_mm;   /* its address space (NULL = none) */
	bool victim_pending; /* oom_kill flagged the running process: reap it after its record */
	uint16_t next_asid;  /* ASID allocator */
	struct u64map pagecache;  /* file key -> pfn, or a shadow entry (SHADOW_TAG) */
	struct u64map kallocs;    /* alloc handle -> pfn << 8 | order */
	struct u64map killed;     /* pids killed by the OOM killer */
	struct u64map file_map;   /* file id -> index in files */
	struct file_state *files; /* per-file read state */
	uint32_t nr_files, cap_files;
	uint32_t ra_max;        /* vm.read_ahead_kb in pages */
	unsigned user_zone;     /* highest zone user pages may use */
	unsigned kernel_zone;   /* highest zone for kernel pages (page tables) */
	bool implicit_vma;      /* vm.implicit_vma */
	bool flush_on_young;    /* clearing an accessed bit flushes the TLB entry (arm64) */
	bool sw_young_dirty;    /* arm32: young and dirty are software bits set by faults */
	bool check;             /* debug.check_invariants */
	bool per_process;       /* engine.streams = process: one CPU stream per pid */
	time_t progress_shown;  /* when the progress line was last written */
	uint64_t now, interval; /* time */
	struct eventq evq;      /* timers: ticks, kswapd */
	struct eventq wbq;      /* swap writes in flight (EV_WRITEBACK), earliest first */
	uint64_t c_access, c_l2hit, c_walk, c_minor, c_major, c_cow, c_syscall, c_scan; /* costs */
	uint64_t c_swap_read, c_swap_write;
	bool async_swap;      /* swap writes end in EV_WRITEBACK events (swap.synchronous = 0
	                       * and the policy can rotate) */
	uint64_t nr_async_io; /* swap writes submitted asynchronously (not charged to reclaim) */
	uint64_t pass_start, pass_scanned0; /* the shrink call's start: time, rc->nr_scanned */
	bool batch_unmapped;                /* this shrink call unmapped a page it did not free (its
	                                     * write is under way): the batch's TLB flush still counts */
	struct ksm *ksm;                    /* KSM, NULL when ksm.run = 0 */
	uint64_t wcontent;      /* content a store leaves (the W record's fingerprint) */
	struct swap_dev swap;   /* the swap device */
	unsigned page_cluster;  /* vm.page_cluster */
	struct shadow_nodes sn; /* page/swap-cache xarray nodes (shadow.c) */
	struct memcg memcg[MMSIM_MAX_MEMCG]; /* root (0), memcg.limit's (1), memcg.groups' (2..) */
	struct u64map pid_memcg;             /* pid -> cgroup from memcg.groups */
	unsigned swappiness;                 /* vm.swappiness */
	bool in_reclaim;                     /* reclaim is running: no nested reclaim */
	bool noretry;                        /* this allocation gives up after one reclaim round */
	/* PTEs the prefetch hint found for the frames of the current shrink call
	 * (performance only: rmap_walk skips the page-table walk when one matches);
	 * 256 slots keep a 32-page batch's frames from evicting each other's hints */
	struct pte_hint {
		uint64_t *pte;
		const struct mm *mm;
		uint32_t pfn, gen;
	} pte_hint[PTE_HINTS];
	uint32_t pte_hint_gen; /* bumped by every shrink call: older hints are void */
	/* Pages likely swapped out, one bit per hash of (ASID, page) (performance only:
	 * the run loop reads the PTE of such a page a few records ahead and prefetches
	 * its swap slot; collisions and stale bits cost a page-table walk, nothing more).
	 * Set when reclaim installs a swap PTE, cleared by the swap-in. */
	uint64_t swapped_hint[SWAPPED_HINT_BITS / 64];
	bool swapped_hint_on; /* any bit was ever set: look ahead */
	/* The PTE the look-ahead walked to for record @rec (slot rec % LOOKAHEAD_RING),
	 * read again K records later; emptied when a page-table page is freed */
	struct lookahead {
		const uint64_t *pte;
		uint64_t rec;
	} la[LOOKAHEAD_RING];
	uint32_t ref_pfn;     /* frame of the last page_referenced() walk (FRAME_NONE) */
	uint32_t ref_vmflags; /* VM_* of the VMAs that walk saw */
	char *err;            /* message buffer */
	size_t errlen;
	const char *trace; /* current trace, for messages */
	uint64_t record;   /* current record number (1-based) */
	bool failed;       /* an error message is in err */
};

/* The swapped_hint filter (performance only): page @vpn of address space @asid
 * was swapped out (@on) or brought back; swapped_hint_test() asks. */
static inline uint32_t swapped_hint_bit(uint16_t asid, uint64_t vpn)
{
	return (uint32_t)((vpn ^ (vpn >> 16) ^ (uint64_t)asid * 0x9e37u) & (SWAPPED_HINT_BITS - 1));
}

static inline void swapped_hint_set(struct machine *mc, uint16_t asid, uint64_t vpn, bool on)
{
	uint32_t b = swapped_hint_bit(asid, vpn);

	if (on) {
		mc->swapped_hint[b / 64] |= 1ULL << (b % 64);
		mc->swapped_hint_on = true;
	} else {
		mc->swapped_hint[b / 64] &= ~(1ULL << (b % 64));
	}
}

static inline bool swapped_hint_test(const struct machine *mc, uint16_t asid, uint64_t vpn)
{
	uint32_t b = swapped_hint_bit(asid, vpn);

	return mc->swapped_hint[b / 64] & (1ULL << (b % 64));
}

/* mc_node_of() - the node state @pfn belongs to. */
static inline struct node_state *mc_node_of(struct machine *mc, uint32_t pfn)
{
	return &mc->node[pfn_node(&mc->pm, pfn)];
}

/* mc_pc() - the policy instance that keeps @pfn. */
static inline struct policy_core *mc_pc(struct machine *mc, uint32_t pfn)
{
	return &mc_node_of(mc, pfn)->pc;
}

static inline uint64_t anon_key(uint32_t pid, uint64_t vpn)
{
	return ((uint64_t)pid << 40) | (vpn & ((1ULL << 40) - 1));
}

static inline uint64_t file_key(uint32_t file, uint64_t index)
{
	return (1ULL << 63) | ((uint64_t)file << 40) | (index & ((1ULL << 40) - 1));
}

static inline uint64_t key_index(uint64_t key)
{
	return key & ((1ULL << 40) - 1);
}

static inline uint32_t key_file(uint64_t key)
{
	return (uint32_t)((key >> 40) & 0x7fffff);
}

/* machine.c */
struct mm *mc_find_mm(struct machine *mc, uint32_t pid);
void mc_free_pages(struct machine *mc, uint32_t pfn, unsigned order);
void mc_page_out(struct machine *mc, uint32_t pfn);
void mc_mm_exit(struct machine *mc, struct mm *mm);
void mc_gauges(struct machine *mc);
/* mc_dispatch() - run one timer event; mc_run_events() - every timer due by mc->now. */
void mc_dispatch(struct machine *mc, const struct event *e);
void mc_run_events(struct machine *mc);
/* mc_run_record() - execute one record at mc->now. Return: 0, or -1 with mc->err set. */
int mc_run_record(struct machine *mc, const struct trace_rec *rec);
/* mc_progress() - the progress line (@last: end it). */
void mc_progress(struct machine *mc, bool last);
/* streams_run() - replay the traces as one CPU stream per process (streams.c). */
int streams_run(struct machine *mc);
/* mc_ksm_unshare() - give @mm a private copy of the KSM page *@pte maps at @va. */
int mc_ksm_unshare(struct machine *mc, struct mm *mm, uint64_t va, uint64_t *pte);

/* shadow.c: every change of a page-cache or swap-cache slot */
void shadow_nodes_init(struct shadow_nodes *s, uint64_t swap_slots);
void shadow_nodes_free(struct shadow_nodes *s);
/* pc_set() - page-cache slot @key := a frame, a shadow (SHADOW_TAG) or PC_ABSENT. */
void pc_set(struct machine *mc, uint64_t key, uint64_t val);
/* sc_add() / sc_del() - @pfn joins swap slot @off's cache / leaves it (leaving @shadow, 0 = none;
 * a slot no PTE refers to is released). */
void sc_add(struct machine *mc, uint32_t pfn, uint64_t off);
void sc_del(struct machine *mc, uint32_t pfn, uint64_t shadow);
/* sc_take_shadow() - remove and return slot @off's shadow (0 = none). */
uint64_t sc_take_shadow(struct machine *mc, uint64_t off);
/* slot_put() - release slot @off if nothing refers to it any more. */
void slot_put(struct machine *mc, uint64_t off);
/* shadow_nodes_trim() - the shadow shrinker: free shadow-only nodes beyond memory / 8. */
void shadow_nodes_trim(struct machine *mc);

/* reclaim.c */

/* Called for each PTE mapping a page; return false to stop the walk. */
typedef bool (*rmap_fn)(struct machine *mc, struct mm *mm, struct vma *v, uint64_t va,
                        uint64_t *pte, void *arg);
/* rmap_walk() - visit every PTE that maps @pfn (anon: its fork family; file: i_mmap). */
void rmap_walk(struct machine *mc, uint32_t pfn, rmap_fn fn, void *arg);

extern const struct policy_mech_ops machine_mech;

/**
 * mc_reclaim_for_alloc() - the allocator's slow path after the MIN watermark
 * failed: direct reclaim with retries, then the OOM killer. Return: a frame,
 * or FRAME_NONE (the message is in mc->err unless the running process was
 * killed, which is not an error).
 */
uint32_t mc_alloc_slowpath(struct machine *mc, unsigned order, unsigned highest);
/* mc_try_alloc() - one pass over the zones at watermark @wm. */
uint32_t mc_try_alloc(struct machine *mc, unsigned order, unsigned highest, enum zone_wmark wm);
/* kswapd_wakeup() - wakeup_kswapd() of @node for an allocation of @order up to zone @highest. */
void kswapd_wakeup(struct machine *mc, unsigned node, unsigned order, unsigned highest);
/* kswapd_event() - run a queued kswapd event. */
void kswapd_event(struct machine *mc, const struct event *ev);
/**
 * memcg_charge() - charge one page to @memcg, reclaiming from it (and OOM
 * killing inside it) as try_charge does. Return: 0, or -1 when it cannot.
 */
int memcg_charge(struct machine *mc, uint32_t memcg);
/* mc_madvise_pageout() - MADV_PAGEOUT: reclaim [start, end)'s pages only @mm maps. */
void mc_madvise_pageout(struct machine *mc, struct mm *mm, uint64_t start, uint64_t end);
/* mc_check_invariants() - abort with a message if the model's books disagree. */
void mc_check_invariants(struct machine *mc);
/* mc_writeback_end() - EV_WRITEBACK: the swap write of @pfn ended (reclaim.c). */
void mc_writeback_end(struct machine *mc, uint32_t pfn);
/* mc_pop_event() - the earliest of the timers and the write completions. */
bool mc_pop_event(struct machine *mc, struct event *out);

#endif /* MMSIM_MM_INTERNAL_H */
