// SPDX-License-Identifier: MIT
/*
 * cachesim.c - cache mode: replacement policies on their own.
 *
 * Theory: to compare replacement algorithms with the literature, the machine
 * is reduced to a cache of exactly C page frames. Every page a data access
 * touches is looked up: resident → hit (the frame's accessed bit is set, as
 * the MMU sets a PTE's young bit, and the dirty bit on a store); absent → miss
 * (cold misses included), and when all C frames are in use the policy is
 * asked to reclaim exactly one page. Nothing else competes for frames: no
 * page tables, no watermarks, no kswapd. What is counted:
 *
 *   accesses          page touches (an access spanning k pages touches k)
 *   misses            touches of non-resident pages
 *   evictions         pages reclaimed (= misses - C once the cache filled)
 *   dirty_evictions   evicted pages written since they were loaded
 *   pagecache_misses  misses on file pages (read/write ops)
 *
 * Page identity: R/W/X name (pid, virtual page); read/write name (file, page).
 * Other records (mmap, fork, exit, madvise, alloc, ...) do not touch data
 * pages and are ignored here. Several traces are replayed one after the other
 * as a single stream.
 *
 * Time: a record's timestamp, when present and later than the clock, sets
 * the clock; each touch then costs cost.access and each miss cost.major_fault
 * (the page comes from storage). timeline.csv gets a row at every multiple
 * of metrics.interval the clock passes and one at the end.
 *
 * Offline policies (needs_future) get a first pass over the traces that
 * records, for every touch, the distance to the next touch of the same page
 * (4 bytes per touch; the rare distance of 2^32 - 1 or more is kept in a map);
 * policy_next_use() returns that touch's position during
 * page_added/page_accessed.
 *
 * Hot path: records come in decoded batches (trace_read_batch, no copy; decoded
 * on a second thread when the caller asks) and are expanded into
 * a batch of touches (key, home slot, flags), so that the hash slot of the
 * touch CS_PREFETCH ahead can be prefetched while this one is handled. A
 * touch is one hash probe (open addressing, linear probing; 8-byte slots of
 * hash tag and frame, the key compared in the frame) plus, only for policies that ask for it,
 * one page_accessed call. A frame's key and flags sit just before the
 * policy's private bytes for it (policy_core_init's mech_bytes), so a hit
 * reads the frame's flags and the policy's links from the same line. No
 * allocation.
 */
#include "cachesim.h"

#include "bgpipe.h"
#include "policy_core.h"
#include "u64map.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CS_TOUCHES    1024       /* touches staged per simulate() (fits L1 with its record batch) */
#define CS_PIPE_SLOTS 16         /* batches of touches in flight with a staging thread */
#define CS_PREFETCH   8          /* touches between a slot's prefetch and its probe */
#define CS_PAGE_SHIFT 12         /* 4 KiB pages */
#define CS_PAGE_BITS  44         /* page numbers below 2^44 (addresses below 2^56) */
#define CS_OWNER_BITS 19         /* distinct (pid | file) owners per run */
#define CS_EMPTY      UINT64_MAX /* empty u64map slot */
#define CS_FREE       UINT32_MAX /* empty hash slot (no frame; capacity <= 2^31) */

#define CS_NU_NEVER 0u         /* next_use[]: the page is not touched again */
#define CS_NU_FAR   UINT32_MAX /* next_use[]: the distance is in far_use */

#define CSF_REF   0x01u /* accessed since the policy last looked */
#define CSF_DIRTY 0x02u /* written since loaded */
#define CSF_FILE  0x04u /* page-cache page */

/* Staged touch flags. */
#define CST_WRITE 0x01u /* a store or write() */
#define CST_FILE  0x02u /* a page-cache page */
#define CST_TIME  0x04u /* first touch of a timed record: ttime[] is valid */

/*
 * key -> frame table entry, 8 bytes: the key itself lives in the frame, the
 * slot keeps 32 bits of its hash (home = tag & hmask, so deletion needs no
 * rehash) and a probe reads a frame only when the tags match.
 */
struct cs_slot {
	uint32_t tag; /* low 32 bits of u64map_hash(key) */
	uint32_t pfn; /* CS_FREE = empty slot */
};

/* The mechanism's bytes per frame, just before the policy's. */
struct cs_frame {
	uint64_t key;  /* page key */
	uint8_t flags; /* CSF_* */
};

/* One batch of touches, in trace order, hashed by the stage (off the simulation's thread). */
struct cs_touches {
	uint64_t key[CS_TOUCHES];
	uint32_t tag[CS_TOUCHES];  /* ht_tag(key): hashed once, by the stage */
	uint64_t time[CS_TOUCHES]; /* record time, where CST_TIME */
	uint8_t fl[CS_TOUCHES];    /* CST_* */
	int trace;                 /* index of the trace the batch starts in (progress line) */
};

struct cachesim {
	struct policy_core pc; /* the policy and its private area */
	const struct cachesim_opts *o;
	struct metrics *m;      /* counters */
	uint32_t capacity;      /* frames */
	uint32_t used;          /* frames holding a page */
	uint32_t next_fresh;    /* frames never used yet: next_fresh..capacity-1 */
	uint32_t *free_stack;   /* frames freed by eviction */
	uint32_t nr_free_stack; /* entries on free_stack */
	struct cs_slot *ht;     /* key -> frame table */
	uint64_t hmask;         /* table size - 1 */
	uint32_t *next_use;     /* needs_future: per touch, the distance to the next touch of
	                         * its page (CS_NU_NEVER, or CS_NU_FAR: see far_use) */
	uint64_t next_use_cap;  /* its entries (host_reserve()d) */
	struct u64map far_use;  /* touch -> next touch position, for CS_NU_FAR distances */
	uint64_t nr_touches;    /* touches in the first pass */
	uint64_t touch;         /* position of the current touch */
	uint64_t now;           /* simulated ns */
	uint64_t incoming;      /* key of the page a miss is bringing in */
	struct u64map shadows;  /* key -> policy shadow (shadow_of) of evicted pages */
	uint64_t cost_access;   /* cost.access */
	uint64_t cost_miss;     /* cost.major_fault */
	uint64_t interval;      /* metrics.interval */
	uint64_t next_tick;     /* next timeline row time */
	char *err;              /* error buffer */
	size_t errlen;          /* its size */
};

/* ---- page keys: records expanded into batches of touches ---- */

/* A key's hash tag in the key -> frame table (its home slot is tag & hmask). */
static inline uint32_t ht_tag(uint64_t key)
{
	return (uint32_t)u64map_hash(key);
}

/*
 * The staging stage: reads the traces and expands their records into
 * batches of touches. It owns its readers and the owner table, and runs on
 * the staging thread when there is one (cachesim_opts.topts->decode_thread),
 * so it shares nothing with the simulation but the batches and, on an error,
 * cs->err.
 */
struct cs_stager {
	struct cachesim *cs;          /* o (traces, reader options) and err */
	struct trace_open_opts topts; /* the readers' options: inline decoding (this stage is
	                               * the decoding thread, if there is one) */
	struct u64map owners;         /* (kind << 32 | pid or file) -> owner index */
	uint64_t last_owner;          /* one-entry cache of owners */
	uint64_t last_owner_idx;      /* ... its index */
	int t;                        /* the trace being read */
	struct trace_reader *r;       /* its reader (NULL before it is opened) */
	const struct trace_rec *buf;  /* its current batch of records */
	long n, i;                    /* ... size and the next record */
	uint64_t prefix, p, last;     /* the record being expanded: key prefix, pages p..last */
	unsigned fl, tfl;             /* ... its CST_* flags, CST_TIME for its first touch */
	bool done;                    /* every trace was read */
};

static void stager_init(struct cs_stager *st, struct cachesim *cs)
{
	memset(st, 0, sizeof(*st));
	st->cs = cs;
	if (cs->o->topts)
		st->topts = *cs->o->topts;
	st->topts.decode_thread = false;
	u64map_init(&st->owners, 64);
	st->last_owner = UINT64_MAX;
	st->p = 1; /* p > last: no record being expanded */
}

static void stager_free(struct cs_stager *st)
{
	trace_close(st->r);
	st->r = NULL;
	u64map_free(&st->owners);
}

/* Owner index of (kind, id); -1 when the run has too many owners. */
static inline int64_t owner_index(struct cs_stager *st, uint64_t owner)
{
	uint64_t i;

	if (owner == st->last_owner)
		return (int64_t)st->last_owner_idx;
	i = u64map_slot(&st->owners, owner);
	if (st->owners.keys[i] == CS_EMPTY) {
		if (st->owners.nr >= (1ULL << CS_OWNER_BITS))
			return -1;
		u64map_put(&st->owners, owner, st->owners.nr);
		i = u64map_slot(&st->owners, owner);
	}
	st->last_owner = owner;
	st->last_owner_idx = st->owners.vals[i];
	return (int64_t)st->last_owner_idx;
}

/*
 * Page range [*first, *last] of a record and its owner's key prefix.
 * Return: 1 if the record touches data pages, 0 if not, -1 on a key overflow.
 */
static inline int record_pages(struct cs_stager *st, const struct trace_rec *r, uint64_t *prefix,
                               uint64_t *first, uint64_t *last)
{
	struct cachesim *cs = st->cs;
	uint64_t owner, len, end;
	int64_t idx;

	if (trace_op_is_mem(r->op)) {
		owner = r->pid;
		len = r->len ? r->len : 1;
	} else if (trace_op_is_file_io(r->op)) {
		owner = (1ULL << 32) | r->file;
		len = r->len ? r->len : TRACE_PAGE_SIZE;
	} else {
		return 0;
	}
	end = r->addr + len - 1;
	if (end < r->addr)
		end = UINT64_MAX;
	*first = r->addr >> CS_PAGE_SHIFT;
	*last = end >> CS_PAGE_SHIFT;
	if (*last >= (1ULL << CS_PAGE_BITS)) {
		snprintf(cs->err, cs->errlen,
		         "address 0x%llx is beyond the 2^56 bytes cache mode keys",
		         (unsigned long long)end);
		return -1;
	}
	idx = owner_index(st, owner);
	if (idx < 0) {
		snprintf(cs->err, cs->errlen, "more than %llu distinct processes and files",
		         1ULL << CS_OWNER_BITS);
		return -1;
	}
	*prefix = (uint64_t)idx << CS_PAGE_BITS;
	return 1;
}

/* "TRACE: record N: why" for record @i of the current batch. */
static void record_error(struct cs_stager *st)
{
	struct cachesim *cs = st->cs;
	char why[256];

	snprintf(why, sizeof(why), "%s", cs->err);
	snprintf(cs->err, cs->errlen, "%s: record %llu: %s", cs->o->traces[st->t],
	         (unsigned long long)(trace_records_read(st->r) - (uint64_t)st->n +
	                              (uint64_t)st->i + 1),
	         why);
}

/*
 * Fill @batch (a struct cs_touches) with the next touches. Records are read
 * in decoded batches; a record spanning many pages may continue into the next
 * batch of touches. Return: touches (> 0), 0 at the end of the last trace, -1
 * with the message in cs->err. (A bgpipe_fill_fn.)
 */
static long stage(void *arg, void *batch)
{
	struct cs_stager *st = arg;
	struct cachesim *cs = st->cs;
	struct cs_touches *tb = batch;
	uint32_t nt = 0;

	tb->trace = st->t;
	while (nt < CS_TOUCHES && !st->done) {
		if (st->p > st->last && st->i == st->n) { /* the next batch of records */
			if (!st->r) {
				if (st->t == cs->o->nr_traces) {
					st->done = true;
					break;
				}
				if (trace_open(&st->r, cs->o->traces[st->t], &st->topts, cs->err,
				               cs->errlen))
					return -1;
			}
			st->n = trace_read_batch(st->r, &st->buf);
			st->i = 0;
			if (st->n < 0) {
				snprintf(cs->err, cs->errlen, "%s", trace_error(st->r));
				return -1;
			}
			if (!st->n) {
				trace_close(st->r);
				st->r = NULL;
				st->t++;
			}
			continue;
		}
		if (st->p > st->last) { /* start record i */
			const struct trace_rec *rec = &st->buf[st->i];
			int k = record_pages(st, rec, &st->prefix, &st->p, &st->last);

			if (k < 0) {
				record_error(st);
				return -1;
			}
			if (k == 0) {
				st->p = 1, st->last = 0;
				st->i++;
				continue;
			}
			st->fl = (rec->op == TRACE_OP_W || rec->op == TRACE_OP_WRITE ? CST_WRITE
			                                                             : 0) |
			         (trace_op_is_file_io(rec->op) ? CST_FILE : 0);
			st->tfl = 0;
			if (rec->flags & TREC_TIME) {
				tb->time[nt] = rec->time;
				st->tfl = CST_TIME;
			}
		}
		for (; nt < CS_TOUCHES && st->p <= st->last; st->p++, nt++) {
			tb->key[nt] = st->prefix | st->p;
			tb->tag[nt] = ht_tag(tb->key[nt]);
			tb->fl[nt] = (uint8_t)(st->fl | st->tfl);
			st->tfl = 0;
		}
		if (st->p > st->last)
			st->i++;
	}
	return nt;
}

/* ---- key -> frame table ---- */

static inline struct cs_frame *frame(const struct cachesim *cs, uint32_t pfn)
{
	return policy_core_mech_frame(&cs->pc, pfn);
}

/* The slot holding @key (whose tag is @tag), or the free slot ending its probe. */
static inline uint64_t ht_probe(const struct cachesim *cs, uint64_t key, uint32_t tag)
{
	for (uint64_t i = tag & cs->hmask;; i = (i + 1) & cs->hmask) {
		const struct cs_slot *h = &cs->ht[i];

		if (h->pfn == CS_FREE || (h->tag == tag && frame(cs, h->pfn)->key == key))
			return i;
	}
}

/* Backward-shift deletion: no tombstones, probe chains stay short. */
static void ht_delete(struct cachesim *cs, uint64_t key)
{
	uint64_t i = ht_probe(cs, key, ht_tag(key)), j = i;

	SIM_BUG_ON(cs->ht[i].pfn == CS_FREE);
	for (;;) {
		j = (j + 1) & cs->hmask;
		if (cs->ht[j].pfn == CS_FREE)
			break;
		uint64_t home = cs->ht[j].tag & cs->hmask;
		/* Move j back to i unless its home lies cyclically in (i, j]. */
		if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
			cs->ht[i] = cs->ht[j];
			i = j;
		}
	}
	cs->ht[i] = (struct cs_slot){.tag = 0, .pfn = CS_FREE}; /* one 8-byte store */
}

/* ---- mechanism for the policy ---- */

static uint64_t cs_page_key(void *mech, uint32_t pfn)
{
	return frame(mech, pfn)->key;
}

static unsigned cs_page_flags(void *mech, uint32_t pfn)
{
	uint8_t f = frame(mech, pfn)->flags;

	return ((f & CSF_FILE) ? PGF_FILE : 0) | ((f & CSF_DIRTY) ? PGF_DIRTY : 0);
}

static unsigned cs_page_zone(void *mech, uint32_t pfn)
{
	(void)mech;
	(void)pfn;
	return TRACE_ZONE_NORMAL;
}

static int cs_page_referenced(void *mech, uint32_t pfn)
{
	struct cs_frame *f = frame(mech, pfn);
	int ref = f->flags & CSF_REF;

	f->flags &= (uint8_t)~CSF_REF;
	return ref ? 1 : 0;
}

static enum reclaim_result cs_reclaim_page(void *mech, struct reclaim_control *rc, uint32_t pfn)
{
	struct cachesim *cs = mech;
	struct cs_frame *f = frame(cs, pfn);

	cs->m->evictions++;
	if (f->flags & CSF_DIRTY)
		cs->m->dirty_evictions++;
	if (f->flags & CSF_FILE)
		cs->m->nr_file_pages--;
	else
		cs->m->nr_anon_pages--;
	if (cs->pc.ops->shadow_of) /* the policy's own refault history */
		u64map_put(&cs->shadows, f->key, cs->pc.ops->shadow_of(&cs->pc.ctx, pfn));
	ht_delete(cs, f->key);
	cs->pc.ops->page_removed(&cs->pc.ctx, pfn);
	policy_core_forget(&cs->pc, pfn);
	f->flags = 0;
	cs->free_stack[cs->nr_free_stack++] = pfn;
	cs->used--;
	rc->nr_reclaimed++;
	return RECLAIM_FREED;
}

static uint64_t cs_now(void *mech)
{
	return ((struct cachesim *)mech)->now;
}

static bool cs_incoming_key(void *mech, uint64_t *key)
{
	struct cachesim *cs = mech;

	*key = cs->incoming;
	return true;
}

/* Shallow: the frame (key, flags, the policy's links); deep: the key's home slot. */
static void cs_prefetch(void *mech, const uint32_t *pfns, unsigned n, bool deep)
{
	struct cachesim *cs = mech;

	for (unsigned i = 0; i < n; i++)
		if (deep)
			__builtin_prefetch(&cs->ht[ht_tag(frame(cs, pfns[i])->key) & cs->hmask]);
		else
			__builtin_prefetch(frame(cs, pfns[i]));
}

static const struct policy_mech_ops cachesim_mech = {
        .prefetch = cs_prefetch,
        .page_key = cs_page_key,
        .page_flags = cs_page_flags,
        .page_zone = cs_page_zone,
        .page_referenced = cs_page_referenced,
        .reclaim_page = cs_reclaim_page,
        .now_ns = cs_now,
        .incoming_key = cs_incoming_key,
};

/* ---- replay ---- */

/* The stream of touch batches: the staging stage, on a thread of its own when
 * the reader options ask for a decode thread (it then decodes and expands
 * ahead while the caller works), else run inline. */
struct cs_source {
	struct cs_stager st;    /* the stage */
	struct bgpipe *pipe;    /* its thread, or NULL */
	struct cs_touches *own; /* the batch when inline */
};

static void source_open(struct cs_source *src, struct cachesim *cs)
{
	stager_init(&src->st, cs);
	src->own = xmalloc(sizeof(*src->own));
	src->pipe = NULL;
	if (cs->o->topts && cs->o->topts->decode_thread)
		src->pipe = bgpipe_start(sizeof(struct cs_touches), CS_PIPE_SLOTS, stage, &src->st);
}

/* The next batch in *tb. Return: touches, 0 at the end, -1 on error (cs->err). */
static long source_next(struct cs_source *src, struct cs_touches **tb)
{
	void *b;
	long nt;

	if (!src->pipe) {
		*tb = src->own;
		return stage(&src->st, src->own);
	}
	nt = bgpipe_next(src->pipe, &b);
	*tb = b;
	return nt;
}

static void source_close(struct cs_source *src)
{
	bgpipe_stop(src->pipe); /* before the stage's state goes */
	stager_free(&src->st);
	free(src->own);
}

/* Every page touch of the traces, in order, as page keys: *keys holds *cap_out
 * (host_reserve()d; host_release() it with that many entries). */
static int collect_touches(struct cachesim *cs, uint64_t **keys, uint64_t *nr, uint64_t *cap_out)
{
	uint64_t cap = 1 << 20, n_keys = 0;
	uint64_t *k = host_reserve(cap * sizeof(uint64_t)); /* 2 MiB pages, grown in place */
	struct cs_touches *tb;
	struct cs_source src;
	long nt;

	source_open(&src, cs);
	while ((nt = source_next(&src, &tb)) > 0) {
		if (n_keys + (uint64_t)nt > cap) {
			k = host_grow(k, cap * sizeof(uint64_t), 2 * cap * sizeof(uint64_t));
			cap *= 2;
		}
		memcpy(k + n_keys, tb->key, (size_t)nt * sizeof(uint64_t));
		n_keys += (uint64_t)nt;
	}
	source_close(&src);
	if (nt < 0) {
		host_release(k, cap * sizeof(uint64_t));
		return -1;
	}
	*keys = k;
	*nr = n_keys;
	*cap_out = cap;
	return 0;
}

/*
 * First pass: next-use distance of every touch, computed forwards while the
 * trace is read (so that the work overlaps decoding on the staging thread): a
 * map holds each page's latest touch so far, and a touch of a page already
 * seen writes the distance to itself into that earlier touch's slot. Slots
 * start at CS_NU_NEVER. The map's slot for a touch a few steps on, and the
 * slot it will write, are prefetched (the map and the array outgrow the
 * caches on large traces).
 */
#define CS_MAP_PREFETCH 16 /* touches between a map slot's prefetch and its use (D) */

static int first_pass(struct cachesim *cs)
{
	uint64_t cap = 1 << 20, n = 0, far = cs->o->far_distance ? cs->o->far_distance : CS_NU_FAR;
	uint32_t *nu = host_reserve(cap * sizeof(uint32_t)); /* 2 MiB pages, grown in place */
	struct u64map last;
	struct cs_touches *tb;
	struct cs_source src;
	long nt;

	u64map_init(&last, 1 << 16);
	source_open(&src, cs);
	while ((nt = source_next(&src, &tb)) > 0) {
		if (n + (uint64_t)nt > cap) {
			nu = host_grow(nu, cap * sizeof(uint32_t), 2 * cap * sizeof(uint32_t));
			cap *= 2;
		}
		for (long j = 0; j < nt; j++, n++) {
			uint64_t key = tb->key[j], s;

			/* Hints only (the map may grow meanwhile): the map slot of a touch
			 * 2D on, then, D on, the earlier touch's entry that it will write. */
			if (j + 2 * CS_MAP_PREFETCH < nt) {
				uint64_t h = tb->tag[j + 2 * CS_MAP_PREFETCH] & last.mask;

				__builtin_prefetch(&last.keys[h]);
				__builtin_prefetch(&last.vals[h]);
			}
			if (j + CS_MAP_PREFETCH < nt) {
				uint64_t h = tb->tag[j + CS_MAP_PREFETCH] & last.mask;

				if (last.keys[h] == tb->key[j + CS_MAP_PREFETCH])
					__builtin_prefetch(&nu[last.vals[h]], 1);
			}
			nu[n] = CS_NU_NEVER;
			s = u64map_slot(&last, key);
			if (last.keys[s] == key) {
				uint64_t prev = last.vals[s];

				if (n - prev < far) {
					nu[prev] = (uint32_t)(n - prev);
				} else {
					nu[prev] = CS_NU_FAR;
					u64map_put(&cs->far_use, prev, n);
				}
				last.vals[s] = n;
			} else {
				u64map_put(&last, key, n);
			}
		}
	}
	source_close(&src);
	u64map_free(&last);
	cs->next_use = nu;
	cs->next_use_cap = cap;
	cs->nr_touches = n;
	return nt < 0 ? -1 : 0;
}

/* The position of the next touch of the page touched at @t (UINT64_MAX: none). */
static uint64_t next_use_of(const struct cachesim *cs, uint64_t t)
{
	uint32_t d = cs->next_use[t];

	if (d == CS_NU_NEVER)
		return UINT64_MAX;
	if (d != CS_NU_FAR)
		return t + d;
	return cs->far_use.vals[u64map_slot(&cs->far_use, t)];
}

int cachesim_touches(const struct cachesim_opts *o, uint64_t **keys, uint64_t *nr, uint64_t *cap,
                     char *err, size_t errlen)
{
	struct cachesim *cs = xcalloc(1, sizeof(*cs));
	int ret;

	cs->o = o;
	cs->err = err;
	cs->errlen = errlen;
	ret = collect_touches(cs, keys, nr, cap);
	free(cs);
	return ret;
}

void cachesim_touches_free(uint64_t *keys, uint64_t cap)
{
	host_release(keys, cap * sizeof(uint64_t));
}

static void sample(struct cachesim *cs, uint64_t t)
{
	struct metrics *m = cs->m;

	m->sim_time_ns = t;
	m->nr_free_pages = cs->capacity - cs->used;
	if (cs->o->out)
		output_timeline_row(cs->o->out, t, m);
}

static inline void advance(struct cachesim *cs, uint64_t dt)
{
	cs->now += dt;
	while (cs->now >= cs->next_tick) {
		sample(cs, cs->next_tick);
		cs->next_tick += cs->interval;
	}
}

static void miss(struct cachesim *cs, uint64_t key, uint32_t tag, unsigned fl)
{
	const struct reclaim_policy_ops *ops = cs->pc.ops;
	bool write = fl & CST_WRITE, file = fl & CST_FILE;
	struct cs_frame *f;
	uint32_t pfn;
	uint64_t slot;

	cs->m->misses++;
	cs->incoming = key;
	if (file)
		cs->m->pagecache_misses++;
	if (cs->used == cs->capacity) {
		struct reclaim_control rc = {
		        .reclaimer = RECLAIM_CACHE,
		        .nr_to_reclaim = 1,
		        .priority = DEF_PRIORITY,
		        .may_swap = true,
		        .may_writepage = true,
		};

		ops->shrink(&cs->pc.ctx, &rc);
		/* Cache mode's contract: exactly one victim per miss. */
		SIM_BUG_ON(rc.nr_reclaimed != 1);
	}
	pfn = cs->nr_free_stack ? cs->free_stack[--cs->nr_free_stack] : cs->next_fresh++;
	cs->used++;
	f = frame(cs, pfn);
	f->key = key;
	slot = ht_probe(cs, key, tag); /* again: the eviction may have shifted slots */
	cs->ht[slot] = (struct cs_slot){.tag = tag, .pfn = pfn}; /* one 8-byte store */
	f->flags = (uint8_t)((write ? CSF_DIRTY : 0) | (file ? CSF_FILE : 0));
	if (file)
		cs->m->nr_file_pages++;
	else
		cs->m->nr_anon_pages++;
	policy_core_clear_priv(&cs->pc, pfn);
	unsigned add = (file ? PG_ADD_FILE : PG_ADD_FAULT) | (write ? PG_ADD_DIRTY : 0);

	if (ops->refault) {
		uint64_t s = u64map_slot(&cs->shadows, key);

		if (cs->shadows.keys[s] == key && cs->shadows.vals[s] != UINT64_MAX) {
			add |= PG_ADD_REFAULT | ops->refault(&cs->pc.ctx, pfn, cs->shadows.vals[s]);
			cs->shadows.vals[s] = UINT64_MAX; /* used up */
			if (file)
				cs->m->workingset_refault_file++;
			else
				cs->m->workingset_refault_anon++;
		}
	}
	ops->page_added(&cs->pc.ctx, pfn, add);
}

/*
 * Run the @nt staged touches of @tb. The table and the frame array's geometry
 * are copied into locals: they do not change during a run, and the policy
 * calls (through pointers) would otherwise force a reload of each per touch.
 */
static void simulate(struct cachesim *cs, const struct cs_touches *tb, uint32_t nt)
{
	const struct reclaim_policy_ops *ops = cs->pc.ops;
	void (*const accessed)(struct policy_ctx *, uint32_t, unsigned) = ops->page_accessed;
	const struct cs_slot *const ht = cs->ht;
	const uint64_t hmask = cs->hmask;
	unsigned char *const fbase = policy_core_mech_frame(&cs->pc, 0);
	const size_t stride = cs->pc.ctx.priv_stride;
	const bool future = ops->needs_future;
	struct metrics *const m = cs->m;

	for (uint32_t j = 0; j < nt && j < 2 * CS_PREFETCH; j++)
		__builtin_prefetch(&ht[tb->tag[j] & hmask]);
	for (uint32_t j = 0; j < nt; j++) {
		uint64_t key = tb->key[j], s;
		uint32_t tag = tb->tag[j];
		unsigned fl = tb->fl[j];

		if (j + 2 * CS_PREFETCH < nt)
			__builtin_prefetch(&ht[tb->tag[j + 2 * CS_PREFETCH] & hmask]);
		if (j + CS_PREFETCH < nt) { /* its slot should be here by now: fetch its frame */
			uint32_t t = tb->tag[j + CS_PREFETCH];
			const struct cs_slot *h = &ht[t & hmask];

			if (h->pfn != CS_FREE && h->tag == t)
				__builtin_prefetch(fbase + (size_t)h->pfn * stride);
		}
		if ((fl & CST_TIME) && tb->time[j] > cs->now)
			advance(cs, tb->time[j] - cs->now);
		/* ht_probe() with the locals */
		for (s = tag & hmask;; s = (s + 1) & hmask)
			if (ht[s].pfn == CS_FREE ||
			    (ht[s].tag == tag &&
			     ((struct cs_frame *)(fbase + (size_t)ht[s].pfn * stride))->key == key))
				break;
		m->accesses++;
		if (future)
			cs->pc.next_use = next_use_of(cs, cs->touch++);
		if (ht[s].pfn != CS_FREE) {
			uint32_t pfn = ht[s].pfn;
			struct cs_frame *f = (struct cs_frame *)(fbase + (size_t)pfn * stride);

			f->flags |= (uint8_t)(CSF_REF | ((fl & CST_WRITE) ? CSF_DIRTY : 0));
			if (accessed)
				accessed(&cs->pc.ctx, pfn, (fl & CST_WRITE) ? PG_ACC_WRITE : 0);
			advance(cs, cs->cost_access);
		} else {
			miss(cs, key, tag, fl);
			advance(cs, cs->cost_access + cs->cost_miss);
		}
	}
}

/* Replay: simulate every batch of touches of the traces. */
static int replay(struct cachesim *cs)
{
	struct cs_source src;
	struct cs_touches *tb;
	uint64_t shown = 0;
	time_t last_shown = 0;
	long nt;

	source_open(&src, cs);
	while ((nt = source_next(&src, &tb)) > 0) {
		simulate(cs, tb, (uint32_t)nt);
		if (cs->o->progress && cs->m->accesses - shown > (1u << 22)) {
			time_t now = time(NULL);

			shown = cs->m->accesses;
			if (now != last_shown) {
				last_shown = now;
				fprintf(stderr, "\rmmsim: %s: %llu accesses, %llu misses ",
				        cs->o->traces[tb->trace],
				        (unsigned long long)cs->m->accesses,
				        (unsigned long long)cs->m->misses);
			}
		}
	}
	source_close(&src);
	if (cs->o->progress && last_shown)
		fputc('\n', stderr);
	return nt < 0 ? -1 : 0;
}

int cachesim_run(const struct cachesim_opts *o, struct metrics *m, char *err, size_t errlen)
{
	struct cachesim *cs;
	uint64_t table = 16;
	int ret = -1;

	err[0] = 0;
	if (!o->capacity || o->capacity > CACHESIM_MAX_CAPACITY) {
		snprintf(err, errlen, "--capacity must be between 1 and %u pages",
		         CACHESIM_MAX_CAPACITY);
		return -1;
	}
	memset(m, 0, sizeof(*m));
	cs = xcalloc(1, sizeof(*cs));
	cs->o = o;
	cs->m = m;
	cs->err = err;
	cs->errlen = errlen;
	cs->capacity = (uint32_t)o->capacity;
	cs->free_stack = xmalloc((size_t)cs->capacity * sizeof(uint32_t));
	while (table < 2 * o->capacity)
		table <<= 1;
	cs->ht = host_reserve(table * sizeof(*cs->ht));
	memset(cs->ht, 0xff, table * sizeof(*cs->ht)); /* every pfn CS_FREE */
	cs->hmask = table - 1;
	u64map_init(&cs->shadows, 64);
	u64map_init(&cs->far_use, 16);
	cs->cost_access = config_time_ns(o->cfg, "cost.access");
	cs->cost_miss = config_time_ns(o->cfg, "cost.major_fault");
	cs->interval = config_time_ns(o->cfg, "metrics.interval");
	cs->next_tick = cs->interval;

	if (o->ops->needs_future && first_pass(cs))
		goto out;
	if (policy_core_init(&cs->pc, o->ops, &cachesim_mech, cs, o->cfg, m, cs->capacity,
	                     sizeof(struct cs_frame)))
		goto out_policy;
	if (replay(cs))
		goto out_policy;
	m->sim_time_ns = cs->now;
	m->nr_free_pages = cs->capacity - cs->used;
	if (o->out && cs->now + cs->interval != cs->next_tick)
		sample(cs, cs->now); /* the end, unless it fell exactly on a tick */
	ret = 0;
out_policy:
	policy_core_destroy(&cs->pc);
out:
	host_release(cs->next_use, cs->next_use_cap * sizeof(uint32_t));
	u64map_free(&cs->far_use);
	u64map_free(&cs->shadows);
	host_release(cs->ht, (cs->hmask + 1) * sizeof(*cs->ht));
	free(cs->free_stack);
	free(cs);
	return ret;
}
