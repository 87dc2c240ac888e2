// SPDX-License-Identifier: MIT
/*
 * streams.c - the engine's "one CPU stream per process" mode
 * (engine.streams = process).
 *
 * Theory. By default the machine executes records in trace order on one
 * simulated CPU: a process that waits 80 us for a major fault delays every
 * other process's next record. Here each process is its own CPU stream with its
 * own clock: its next record is an event in the engine's (time, seq) queue at
 * max(its clock, the record's timestamp), next to the timers (samples, kswapd,
 * ksmd). The engine pops the earliest event; a record runs atomically at its
 * start time and its costs (faults, stalls in direct reclaim, I/O) advance
 * only its own process's clock. Processes thus overlap in simulated time as on
 * a machine with a CPU per process, and the trace's order is kept within each
 * process.
 *
 * Causality across processes: a child's records cannot start before the fork
 * that creates it has run (its stream is blocked until then and starts at the
 * parent's clock); records of the kernel (alloc/free, pid 0) are a stream of
 * their own. The reader keeps a window of up to STREAM_WINDOW records ahead
 * so that the earliest stream is known; a stream whose next record lies beyond
 * the window waits for it (a trace with a very long quiet process may then run
 * slightly out of time order — the window is large enough for the traces mmsim
 * generates and imports).
 */
#include "mm_internal.h"

#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STREAM_WINDOW (1u << 16) /* records read ahead */
#define ST_BATCH      4096

struct qrec {
	struct trace_rec r;
	uint64_t recno;    /* 1-based record number in its trace */
	const char *trace; /* its trace's path */
};

struct stream {
	uint32_t pid;
	uint64_t clock; /* the process's CPU time */
	struct qrec *q; /* its pending records (ring) */
	uint32_t head, nr, cap;
	bool blocked; /* a child whose fork has not run yet */
	bool queued;  /* an EV_STREAM event is in the queue */
};

struct engine {
	struct machine *mc;
	struct stream *s;
	uint32_t nr, cap;
	struct u64map of; /* pid -> stream index */
	uint64_t buffered;
	uint32_t nqueued;       /* streams with an EV_STREAM event queued */
	int t;                  /* trace being read */
	struct trace_reader *r; /* its reader, NULL between traces */
	struct trace_rec *buf;
	long n, i; /* records in buf / next to take */
	bool eof;
};

static struct stream *stream_of(struct engine *e, uint32_t pid)
{
	uint64_t s = u64map_slot(&e->of, pid);

	if (e->of.keys[s] == pid)
		return &e->s[e->of.vals[s]];
	if (e->nr == e->cap) {
		e->cap = e->cap ? 2 * e->cap : 16;
		e->s = xrealloc(e->s, e->cap * sizeof(*e->s));
	}
	e->s[e->nr] = (struct stream){.pid = pid};
	u64map_put(&e->of, pid, e->nr);
	return &e->s[e->nr++];
}

static inline uint64_t start_of(const struct stream *st)
{
	const struct trace_rec *r = &st->q[st->head].r;

	return (r->flags & TREC_TIME) && r->time > st->clock ? r->time : st->clock;
}

/* Queue the stream's next record as an event, when it can run. */
static void schedule(struct engine *e, struct stream *st)
{
	if (st->queued || st->blocked || !st->nr)
		return;
	st->queued = true;
	e->nqueued++;
	eventq_push(&e->mc->evq, start_of(st), EV_STREAM, (uint64_t)(st - e->s));
}

static void enqueue(struct engine *e, const struct trace_rec *r, uint64_t recno, const char *trace)
{
	struct stream *st = stream_of(e, r->pid);

	if (st->nr == st->cap) { /* grow the ring, unrolled to start at 0 */
		uint32_t cap = st->cap ? 2 * st->cap : 64;
		struct qrec *q = xmalloc(cap * sizeof(*q));

		for (uint32_t k = 0; k < st->nr; k++)
			q[k] = st->q[(st->head + k) % st->cap];
		free(st->q);
		st->q = q;
		st->head = 0;
		st->cap = cap;
	}
	st->q[(st->head + st->nr) % st->cap] = (struct qrec){*r, recno, trace};
	st->nr++;
	e->buffered++;
	if (r->op == TRACE_OP_FORK && (r->flags & TREC_ARG) && r->arg <= UINT32_MAX) {
		struct stream *child = stream_of(e, (uint32_t)r->arg); /* may move e->s */

		if (!child->nr && !child->queued)
			child->blocked = true; /* until the fork runs */
	}
	schedule(e, stream_of(e, r->pid));
}

/* Read ahead until the window is full or the traces end. Return: -1 on a read error. */
static int fill(struct engine *e)
{
	struct machine *mc = e->mc;

	while (!e->eof && e->buffered < STREAM_WINDOW) {
		if (!e->r) {
			if (e->t >= mc->o->nr_traces) {
				e->eof = true;
				break;
			}
			if (trace_open(&e->r, mc->o->traces[e->t], mc->o->topts, mc->err,
			               mc->errlen))
				return -1;
			e->n = e->i = 0;
		}
		if (e->i == e->n) {
			e->n = trace_read(e->r, e->buf, ST_BATCH);
			e->i = 0;
			if (e->n < 0) {
				snprintf(mc->err, mc->errlen, "%s", trace_error(e->r));
				return -1;
			}
			if (!e->n) {
				trace_close(e->r);
				e->r = NULL;
				e->t++;
				continue;
			}
		}
		enqueue(e, &e->buf[e->i],
		        trace_records_read(e->r) - (uint64_t)e->n + (uint64_t)e->i + 1,
		        mc->o->traces[e->t]);
		e->i++;
	}
	return 0;
}

/* Run the stream's next record at @when. Return: 0, or -1 on an error. */
static int step(struct engine *e, uint32_t idx, uint64_t when)
{
	struct machine *mc = e->mc;
	struct stream *st = &e->s[idx];
	struct qrec qr = st->q[st->head];

	st->queued = false;
	e->nqueued--;
	st->head = (st->head + 1) % st->cap;
	st->nr--;
	e->buffered--;
	mc->now = when;
	mc->trace = qr.trace;
	mc->record = qr.recno;
	if (mc_run_record(mc, &qr.r))
		return -1;
	st = &e->s[idx]; /* the stream array does not move during a record, but be exact */
	st->clock = mc->now;
	if (qr.r.op == TRACE_OP_FORK && (qr.r.flags & TREC_ARG) && qr.r.arg <= UINT32_MAX) {
		struct stream *child = stream_of(e, (uint32_t)qr.r.arg);

		st = &e->s[idx];
		child->blocked = false;
		if (child->clock < st->clock)
			child->clock = st->clock; /* it starts where its parent forked it */
		schedule(e, child);
	}
	schedule(e, &e->s[idx]);
	return 0;
}

int streams_run(struct machine *mc)
{
	struct engine e = {.mc = mc};
	uint64_t end = mc->now;
	int ret = -1;

	u64map_init(&e.of, 64);
	e.buf = xmalloc(ST_BATCH * sizeof(*e.buf));
	for (;;) {
		struct event ev;

		if (fill(&e))
			goto out;
		if (!e.nqueued) {
			if (!e.buffered)
				break;                        /* every record has run */
			for (uint32_t k = 0; k < e.nr; k++) { /* children of forks that never ran */
				e.s[k].blocked = false;
				schedule(&e, &e.s[k]);
			}
			continue;
		}
		mc_pop_event(mc, &ev);
		if (ev.type == EV_STREAM) {
			if (step(&e, (uint32_t)ev.arg, ev.time))
				goto out;
			if (!(mc->m->accesses & 0xfffff))
				mc_progress(mc, false);
			if (mc->now > end)
				end = mc->now;
		} else {
			mc->now = ev.time;
			mc_dispatch(mc, &ev);
		}
	}
	mc->now = end; /* the last process to finish */
	mc_run_events(mc);
	ret = 0;
out:
	if (e.r)
		trace_close(e.r);
	for (uint32_t k = 0; k < e.nr; k++)
		free(e.s[k].q);
	free(e.s);
	free(e.buf);
	u64map_free(&e.of);
	return ret;
}
