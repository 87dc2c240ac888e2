// SPDX-License-Identifier: MIT
/*
 * gen.c - synthetic workloads for mmsim.
 *
 * Theory: each pattern is a classic stress case for page replacement or for
 * the machine model, reduced to a stream of page numbers plus the setup
 * records that make the stream meaningful to the full machine (an mmap per
 * process, forks, madvise):
 *
 *   seq      streaming: 8-byte loads every 64 bytes through the footprint,
 *            wrapping (TLB friendly, 64 accesses per page)
 *   loop     one access per page, cyclic over the footprint (LRU's worst case
 *            when the loop is one page larger than memory)
 *   uniform  independent uniform pages (IRM with equal probabilities)
 *   zipf     independent pages with P(rank r) ~ 1/r^alpha; ranks are mapped to
 *            pages by a seeded permutation so hot pages are not adjacent
 *   hotcold  a hot set hit with probability hot_frac, cold pages otherwise,
 *            and every scan_every accesses a sequential scan of scan_len cold
 *            pages (the scan-resistance test)
 *   shift    uniform accesses inside a window of ws pages that moves by
 *            shift_by pages every phase accesses (working-set transitions)
 *   forkcow  a parent writes its region, forks children; everyone then reads
 *            and writes random pages (copy-on-write faults), children exit
 *   ksm      processes with mergeable regions whose pages hold a shared base
 *            image, private data, zero pages and a volatile subset whose
 *            content keeps changing (W records carry content fingerprints)
 *   churn    kernel alloc/free of mixed orders under a live-set bound
 *            (buddy fragmentation); alloc/free addr is the allocation handle
 *
 * With several pids the accesses are interleaved round robin; each process has
 * its own address space, so all use the same virtual range. Randomness comes
 * from one seeded struct rng, consumed in a fixed order: same parameters and
 * seed, same records.
 */
#include "gen.h"

#include "../sim/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GEN_BATCH      4096 /* records buffered before calling the sink */
#define GEN_LOAD_LEN   8    /* bytes per generated load/store (one word) */
#define GEN_SEQ_STRIDE 64   /* seq: one access per cache line */

static const char *const gen_patterns[] = {
        "seq", "loop", "uniform", "zipf", "hotcold", "shift", "forkcow", "ksm", "churn", NULL,
};

const char *gen_pattern_names(void)
{
	return "seq, loop, uniform, zipf, hotcold, shift, forkcow, ksm, churn";
}

bool gen_pattern_known(const char *name)
{
	for (size_t i = 0; gen_patterns[i]; i++)
		if (!strcmp(name, gen_patterns[i]))
			return true;
	return false;
}

void gen_params_default(struct gen_params *p)
{
	memset(p, 0, sizeof(*p));
	p->pattern = "loop";
	p->pages = 1024;
	p->accesses = 100000;
	p->write_frac = 0.0;
	p->pids = 1;
	p->seed = 1;
	p->alpha = 1.0;
	p->hot_pages = 0; /* 0 = pages / 10 */
	p->hot_frac = 0.9;
	p->scan_every = 0; /* 0 = accesses / 10 */
	p->scan_len = 0;   /* 0 = pages / 2 */
	p->ws_pages = 0;   /* 0 = pages / 4 */
	p->phase = 0;      /* 0 = accesses / 4 */
	p->shift_by = 0;   /* 0 = ws_pages (disjoint windows) */
	p->children = 3;
	p->shared_frac = 0.6;
	p->zero_frac = 0.1;
	p->change_frac = 0.05;
	p->max_order = 3;
	p->live = 0; /* 0 = pages */
}

struct gen {
	const struct gen_params *p;      /* parameters (defaults resolved) */
	struct rng rng;                  /* the only source of randomness */
	gen_sink_fn sink;                /* consumer */
	void *arg;                       /* consumer's argument */
	struct trace_rec buf[GEN_BATCH]; /* pending records */
	size_t n;                        /* records in buf */
	uint64_t nr_records;             /* records emitted, for timestamps */
	int status;                      /* non-zero once the sink failed */
};

static void flush(struct gen *g)
{
	if (g->n && !g->status)
		g->status = g->sink(g->arg, g->buf, g->n);
	g->n = 0;
}

static void emit(struct gen *g, uint32_t pid, enum trace_op op, uint64_t addr, uint64_t len,
                 uint8_t flags, uint32_t file, uint64_t arg)
{
	struct trace_rec *r = &g->buf[g->n++];

	memset(r, 0, sizeof(*r));
	r->pid = pid;
	r->op = (uint8_t)op;
	r->addr = addr;
	r->len = len;
	r->flags = flags;
	r->file = file;
	r->arg = arg;
	if (g->p->time_step) {
		r->time = g->nr_records * g->p->time_step;
		r->flags |= TREC_TIME;
	}
	g->nr_records++;
	if (g->n == GEN_BATCH)
		flush(g);
}

/* One access to @page of @pid: a load/store, or a page-cache read/write with --file. */
static void emit_access(struct gen *g, uint32_t pid, uint64_t page, uint64_t offset_in_page)
{
	bool write = g->p->write_frac > 0 && rng_double(&g->rng) < g->p->write_frac;

	if (g->p->file)
		emit(g, pid, write ? TRACE_OP_WRITE : TRACE_OP_READ, page * TRACE_PAGE_SIZE,
		     TRACE_PAGE_SIZE, TREC_FILE, GEN_FILE_ID, 0);
	else
		emit(g, pid, write ? TRACE_OP_W : TRACE_OP_R,
		     GEN_BASE_ADDR + page * TRACE_PAGE_SIZE + offset_in_page, GEN_LOAD_LEN, 0, 0,
		     0);
}

static void emit_mmap(struct gen *g, uint32_t pid)
{
	emit(g, pid, TRACE_OP_MMAP, GEN_BASE_ADDR, g->p->pages * TRACE_PAGE_SIZE, TREC_ARG, 0,
	     TRACE_MAP_ANON | TRACE_PROT_R | TRACE_PROT_W);
}

/* Setup shared by the memory patterns: an anonymous region per process. */
static void emit_regions(struct gen *g)
{
	if (g->p->file)
		return;
	for (uint32_t i = 0; i < g->p->pids; i++)
		emit_mmap(g, 1 + i);
}

/* A non-zero 64-bit content fingerprint for @x (splitmix64 finaliser). */
static uint64_t fingerprint(uint64_t seed, uint64_t x)
{
	uint64_t z = x + seed * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return z ? z : 1;
}

/* ---- independent-reference patterns ---- */

static void gen_simple(struct gen *g)
{
	const struct gen_params *p = g->p;
	uint32_t pids = p->pids;
	bool loop = !strcmp(p->pattern, "loop"), seq = !strcmp(p->pattern, "seq");

	emit_regions(g);
	for (uint64_t k = 0; k < p->accesses && !g->status; k++) {
		uint32_t pid = 1 + (uint32_t)(k % pids);
		uint64_t kp = k / pids; /* this process's own step */

		if (loop) {
			emit_access(g, pid, kp % p->pages, 0);
		} else if (seq) {
			uint64_t byte = (kp * GEN_SEQ_STRIDE) % (p->pages * TRACE_PAGE_SIZE);

			if (p->file)
				emit_access(g, pid, kp % p->pages, 0);
			else
				emit_access(g, pid, byte / TRACE_PAGE_SIZE, byte % TRACE_PAGE_SIZE);
		} else { /* uniform */
			emit_access(g, pid, rng_below(&g->rng, p->pages), 0);
		}
	}
}

static int gen_zipf(struct gen *g, char *err, size_t errlen)
{
	const struct gen_params *p = g->p;
	uint64_t n = p->pages;
	double *cdf;
	uint32_t *perm;
	double sum = 0;

	if (n > (1ULL << 31)) {
		snprintf(err, errlen, "zipf: --pages %llu too large (at most 2^31)",
		         (unsigned long long)n);
		return -1;
	}
	cdf = xmalloc(n * sizeof(*cdf));
	perm = xmalloc(n * sizeof(*perm));
	for (uint64_t r = 0; r < n; r++) {
		sum += pow((double)(r + 1), -p->alpha);
		cdf[r] = sum;
	}
	for (uint64_t r = 0; r < n; r++)
		perm[r] = (uint32_t)r;
	/* Fisher-Yates: rank -> page. */
	for (uint64_t r = n - 1; r > 0; r--) {
		uint64_t j = rng_below(&g->rng, r + 1);
		uint32_t t = perm[r];

		perm[r] = perm[j];
		perm[j] = t;
	}
	emit_regions(g);
	for (uint64_t k = 0; k < p->accesses && !g->status; k++) {
		double u = rng_double(&g->rng) * sum;
		uint64_t lo = 0, hi = n - 1;

		while (lo < hi) { /* first rank whose cdf exceeds u */
			uint64_t mid = lo + (hi - lo) / 2;

			if (cdf[mid] > u)
				hi = mid;
			else
				lo = mid + 1;
		}
		emit_access(g, 1 + (uint32_t)(k % p->pids), perm[lo], 0);
	}
	free(cdf);
	free(perm);
	return 0;
}

static void gen_hotcold(struct gen *g)
{
	const struct gen_params *p = g->p;
	uint64_t hot = p->hot_pages ? p->hot_pages : (p->pages / 10 ? p->pages / 10 : 1);
	uint64_t cold = p->pages - hot;
	uint64_t every = p->scan_every ? p->scan_every : (p->accesses / 10 ? p->accesses / 10 : 1);
	uint64_t scan_len = p->scan_len ? p->scan_len : (cold / 2 ? cold / 2 : 1);
	uint64_t scan_left = 0, scan_cursor = 0;

	emit_regions(g);
	for (uint64_t k = 0; k < p->accesses && !g->status; k++) {
		uint32_t pid = 1 + (uint32_t)(k % p->pids);

		if (k && k % every == 0 && cold)
			scan_left = scan_len;
		if (scan_left) {
			emit_access(g, pid, hot + scan_cursor, 0);
			scan_cursor = (scan_cursor + 1) % cold;
			scan_left--;
		} else if (!cold || rng_double(&g->rng) < p->hot_frac) {
			emit_access(g, pid, rng_below(&g->rng, hot), 0);
		} else {
			emit_access(g, pid, hot + rng_below(&g->rng, cold), 0);
		}
	}
}

static void gen_shift(struct gen *g)
{
	const struct gen_params *p = g->p;
	uint64_t ws = p->ws_pages ? p->ws_pages : (p->pages / 4 ? p->pages / 4 : 1);
	uint64_t phase = p->phase ? p->phase : (p->accesses / 4 ? p->accesses / 4 : 1);
	uint64_t by = p->shift_by ? p->shift_by : ws;

	emit_regions(g);
	for (uint64_t k = 0; k < p->accesses && !g->status; k++) {
		uint64_t start = ((k / phase) * by) % p->pages;

		emit_access(g, 1 + (uint32_t)(k % p->pids),
		            (start + rng_below(&g->rng, ws)) % p->pages, 0);
	}
}

/* ---- process patterns ---- */

static void gen_forkcow(struct gen *g)
{
	const struct gen_params *p = g->p;
	uint32_t nproc = 1 + p->children;

	emit_mmap(g, 1);
	for (uint64_t pg = 0; pg < p->pages; pg++)
		emit(g, 1, TRACE_OP_W, GEN_BASE_ADDR + pg * TRACE_PAGE_SIZE, GEN_LOAD_LEN, 0, 0, 0);
	for (uint32_t c = 0; c < p->children; c++)
		emit(g, 1, TRACE_OP_FORK, 0, 0, TREC_ARG, 0, 2 + c);
	for (uint64_t k = 0; k < p->accesses && !g->status; k++) {
		uint32_t pid = 1 + (uint32_t)rng_below(&g->rng, nproc);
		uint64_t pg = rng_below(&g->rng, p->pages);
		bool write = rng_double(&g->rng) < p->write_frac;

		emit(g, pid, write ? TRACE_OP_W : TRACE_OP_R, GEN_BASE_ADDR + pg * TRACE_PAGE_SIZE,
		     GEN_LOAD_LEN, 0, 0, 0);
	}
	for (uint32_t c = 0; c < p->children; c++)
		emit(g, 2 + c, TRACE_OP_EXIT, 0, 0, 0, 0, 0);
}

enum ksm_class { KSM_SHARED, KSM_PRIVATE, KSM_ZERO, KSM_VOLATILE };

/* Page classes are fixed by page index: [shared | volatile | private | zero]. */
static enum ksm_class ksm_class_of(const struct gen_params *p, uint64_t pg)
{
	uint64_t shared = (uint64_t)(p->shared_frac * (double)p->pages);
	uint64_t vol = (uint64_t)(p->change_frac * (double)p->pages);
	uint64_t zero = (uint64_t)(p->zero_frac * (double)p->pages);

	if (pg < shared)
		return KSM_SHARED;
	if (pg < shared + vol)
		return KSM_VOLATILE;
	if (pg >= p->pages - zero)
		return KSM_ZERO;
	return KSM_PRIVATE;
}

static void gen_ksm(struct gen *g)
{
	const struct gen_params *p = g->p;
	uint64_t len = p->pages * TRACE_PAGE_SIZE;
	uint64_t next_unique = 1;

	for (uint32_t i = 0; i < p->pids; i++) {
		uint32_t pid = 1 + i;

		emit_mmap(g, pid);
		emit(g, pid, TRACE_OP_MADVISE, GEN_BASE_ADDR, len, TREC_ARG, 0,
		     TRACE_MADV_MERGEABLE);
		for (uint64_t pg = 0; pg < p->pages; pg++) {
			enum ksm_class c = ksm_class_of(p, pg);
			uint64_t fp;

			if (c == KSM_ZERO)
				continue; /* untouched: zero-filled */
			fp = c == KSM_SHARED ? fingerprint(p->seed, pg)
			                     : fingerprint(p->seed, ((uint64_t)pid << 40) | pg);
			emit(g, pid, TRACE_OP_W, GEN_BASE_ADDR + pg * TRACE_PAGE_SIZE, GEN_LOAD_LEN,
			     TREC_ARG, 0, fp);
		}
	}
	for (uint64_t k = 0; k < p->accesses && !g->status; k++) {
		uint32_t pid = 1 + (uint32_t)(k % p->pids);
		uint64_t pg = rng_below(&g->rng, p->pages);
		uint64_t addr = GEN_BASE_ADDR + pg * TRACE_PAGE_SIZE;

		if (ksm_class_of(p, pg) == KSM_VOLATILE && rng_double(&g->rng) < p->write_frac)
			emit(g, pid, TRACE_OP_W, addr, GEN_LOAD_LEN, TREC_ARG, 0,
			     fingerprint(p->seed ^ 0x5eed, next_unique++));
		else
			emit(g, pid, TRACE_OP_R, addr, GEN_LOAD_LEN, 0, 0, 0);
	}
}

/* ---- kernel allocations ---- */

struct churn_block {
	uint64_t handle; /* alloc/free addr */
	unsigned order;  /* allocation order */
};

static void gen_churn(struct gen *g)
{
	const struct gen_params *p = g->p;
	uint64_t bound = p->live ? p->live : p->pages;
	struct churn_block *live = xmalloc((bound ? bound : 1) * sizeof(*live));
	uint64_t nr_live = 0, next_handle = 1;
	double weight_sum = 0;

	/* Order o is chosen with probability proportional to 2^-o. */
	for (unsigned o = 0; o <= p->max_order; o++)
		weight_sum += ldexp(1.0, -(int)o);
	for (uint64_t k = 0; k < p->accesses && !g->status; k++) {
		bool do_alloc = nr_live == 0 || (nr_live < bound && rng_double(&g->rng) < 0.55);

		if (do_alloc) {
			double u = rng_double(&g->rng) * weight_sum;
			unsigned o = 0;

			while (o < p->max_order && (u -= ldexp(1.0, -(int)o)) >= 0)
				o++;
			live[nr_live].handle = next_handle++;
			live[nr_live].order = o;
			emit(g, 1, TRACE_OP_ALLOC, live[nr_live].handle, 0, TREC_ARG, 0,
			     trace_alloc_arg(o, TRACE_ZONE_NORMAL));
			nr_live++;
		} else {
			uint64_t i = rng_below(&g->rng, nr_live);

			emit(g, 1, TRACE_OP_FREE, live[i].handle, 0, TREC_ARG, 0,
			     trace_alloc_arg(live[i].order, TRACE_ZONE_NORMAL));
			live[i] = live[--nr_live];
		}
	}
	free(live);
}

static int check_params(const struct gen_params *p, char *err, size_t errlen)
{
	if (!gen_pattern_known(p->pattern)) {
		snprintf(err, errlen, "unknown pattern '%s' (one of: %s)", p->pattern,
		         gen_pattern_names());
		return -1;
	}
	if (!p->pages || !p->pids) {
		snprintf(err, errlen, "--pages and --pids must be at least 1");
		return -1;
	}
	if (p->pages > (1ULL << 36)) {
		snprintf(err, errlen, "--pages %llu is beyond what a region can hold",
		         (unsigned long long)p->pages);
		return -1;
	}
	if (!(p->write_frac >= 0 && p->write_frac <= 1) ||
	    !(p->hot_frac >= 0 && p->hot_frac <= 1) ||
	    !(p->shared_frac >= 0 && p->zero_frac >= 0 && p->change_frac >= 0 &&
	      p->shared_frac + p->zero_frac + p->change_frac <= 1)) {
		snprintf(err, errlen, "fractions must lie in [0, 1] (and shared+zero+change <= 1)");
		return -1;
	}
	if (!(p->alpha > 0) || p->alpha > 10) {
		snprintf(err, errlen, "--alpha must be in (0, 10]");
		return -1;
	}
	if (p->hot_pages > p->pages || p->ws_pages > p->pages) {
		snprintf(err, errlen, "--hot-pages / --ws cannot exceed --pages");
		return -1;
	}
	if (p->max_order > TRACE_MAX_ORDER) {
		snprintf(err, errlen, "--max-order must be at most %d", TRACE_MAX_ORDER);
		return -1;
	}
	if (p->file && (!strcmp(p->pattern, "forkcow") || !strcmp(p->pattern, "ksm") ||
	                !strcmp(p->pattern, "churn"))) {
		snprintf(err, errlen, "--file does not apply to pattern '%s'", p->pattern);
		return -1;
	}
	return 0;
}

int gen_run(const struct gen_params *p, gen_sink_fn sink, void *arg, char *err, size_t errlen)
{
	struct gen *g;
	int ret = 0;

	if (check_params(p, err, errlen))
		return -1;
	g = xcalloc(1, sizeof(*g));
	g->p = p;
	g->sink = sink;
	g->arg = arg;
	rng_seed(&g->rng, p->seed);
	if (!strcmp(p->pattern, "zipf"))
		ret = gen_zipf(g, err, errlen);
	else if (!strcmp(p->pattern, "hotcold"))
		gen_hotcold(g);
	else if (!strcmp(p->pattern, "shift"))
		gen_shift(g);
	else if (!strcmp(p->pattern, "forkcow"))
		gen_forkcow(g);
	else if (!strcmp(p->pattern, "ksm"))
		gen_ksm(g);
	else if (!strcmp(p->pattern, "churn"))
		gen_churn(g);
	else
		gen_simple(g);
	flush(g);
	if (!ret)
		ret = g->status;
	free(g);
	return ret;
}
