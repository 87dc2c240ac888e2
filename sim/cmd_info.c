// SPDX-License-Identifier: MIT
/*
 * cmd_info.c - 'mmsim info': read a whole trace and print what it contains as
 * "key: value" lines (DESIGN.md section 5).
 *
 * unique_pages counts distinct 4 KiB pages touched by data accesses: (pid,
 * page) for R/W/X and (file, page) for read/write, each access counting every
 * page of [addr, addr + len) (an access of length 0 touches none). The pages
 * go into an open-addressing hash set with linear probing (16-byte keys, load
 * kept below 1/2, doubling), so 100 M records cost one probe each and no
 * allocation per record; a one-entry cache skips the common repeat of the
 * previous record's page.
 */
#include "cli.h"
#include "trace.h"
#include "util.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INFO_BATCH          4096         /* records per trace_read */
#define INFO_PAGE_SHIFT     12           /* 4 KiB pages, whatever the trace's page size */
#define INFO_MAX_SPAN_PAGES (1ull << 20) /* one access over 4 GiB is refused as absurd */
#define INFO_SET_EMPTY      UINT64_MAX   /* key.hi of an empty slot (never a real key) */

/* A key of the unique-page set: who (kind and id) and which page. */
struct info_key {
	uint64_t hi; /* kind << 32 | pid or file id */
	uint64_t lo; /* page number */
};

/* An open-addressing hash set of struct info_key. */
struct info_set {
	struct info_key *slots; /* capacity entries, hi == INFO_SET_EMPTY when free */
	uint64_t mask;          /* capacity - 1 (capacity a power of two) */
	uint64_t count;         /* keys stored */
};

static void info_set_init(struct info_set *s, uint64_t capacity)
{
	s->slots = xmalloc(capacity * sizeof(*s->slots));
	memset(s->slots, 0xff, capacity * sizeof(*s->slots));
	s->mask = capacity - 1;
	s->count = 0;
}

static inline uint64_t info_hash(uint64_t hi, uint64_t lo)
{
	uint64_t h = hi * 0x9E3779B97F4A7C15ull ^ lo * 0xC2B2AE3D27D4EB4Full;

	h ^= h >> 33;
	h *= 0xFF51AFD7ED558CCDull;
	h ^= h >> 33;
	return h;
}

/* Place a key known to be absent (used while growing). */
static void info_set_place(struct info_set *s, struct info_key k)
{
	uint64_t i = info_hash(k.hi, k.lo) & s->mask;

	while (s->slots[i].hi != INFO_SET_EMPTY)
		i = (i + 1) & s->mask;
	s->slots[i] = k;
}

static void info_set_grow(struct info_set *s)
{
	struct info_set big;

	info_set_init(&big, (s->mask + 1) * 2);
	for (uint64_t i = 0; i <= s->mask; i++)
		if (s->slots[i].hi != INFO_SET_EMPTY)
			info_set_place(&big, s->slots[i]);
	big.count = s->count;
	free(s->slots);
	*s = big;
}

/* info_set_add() - insert (hi, lo) if absent. */
static inline void info_set_add(struct info_set *s, uint64_t hi, uint64_t lo)
{
	uint64_t i = info_hash(hi, lo) & s->mask;

	for (;;) {
		struct info_key *k = &s->slots[i];

		if (k->hi == hi && k->lo == lo)
			return;
		if (k->hi == INFO_SET_EMPTY)
			break;
		i = (i + 1) & s->mask;
	}
	s->slots[i].hi = hi;
	s->slots[i].lo = lo;
	if (++s->count * 2 > s->mask + 1)
		info_set_grow(s);
}

static void info_usage(FILE *out)
{
	fprintf(out,
	        "usage: mmsim info [--from FORMAT] [--opt KEY=VALUE]... TRACE\n"
	        "\n"
	        "Read a whole trace ('-' = standard input) and print what it contains as\n"
	        "'key: value' lines:\n"
	        "  format         the trace format (one of: %s)\n"
	        "  page_size      page size recorded in the trace (bytes)\n"
	        "  records        number of records\n"
	        "  pids           distinct process ids\n"
	        "  unique_pages   distinct 4 KiB pages touched by R/W/X (per pid) and read/write\n"
	        "                 (per file); an access counts every page of [addr, addr+len)\n"
	        "  op_<OP>        records per op, for each op that occurs (op_R, op_mmap, ...)\n"
	        "  time_first     first and last time (ns) among records that carry one\n"
	        "  time_last\n"
	        "  meta.<KEY>     the trace's metadata (source, converted_by, generator ...)\n"
	        "\n"
	        "  --from FORMAT    input format (default: detected from the content)\n"
	        "  --opt KEY=VALUE  importer option, may be repeated\n"
	        "  -h, --help       show this help\n",
	        trace_format_names());
}

/* Print the metadata lines as "meta.key: value". */
static void info_print_meta(const struct trace_meta *m)
{
	for (const char *p = m->kv; p && *p;) {
		size_t l = strcspn(p, "\n");
		const char *eq = memchr(p, '=', l);

		if (eq)
			printf("meta.%.*s: %.*s\n", (int)(eq - p), p,
			       (int)(l - (size_t)(eq - p) - 1), eq + 1);
		p += l + (p[l] == '\n');
	}
}

int cmd_info(int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"from", required_argument, NULL, 'f'},
	        {"opt", required_argument, NULL, 'O'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	uint64_t nr_ops[NR_TRACE_OPS] = {0}, records = 0, time_first = 0, time_last = 0;
	uint64_t last_hi = INFO_SET_EMPTY, last_lo = 0;
	struct trace_open_opts oopts = {0};
	struct trace_reader *r = NULL;
	struct info_set pages, pids;
	struct trace_rec *buf;
	bool have_time = false;
	char *options = NULL;
	size_t options_len = 0;
	const char *from = NULL;
	int c, ret = EXIT_INPUT;
	char err[600];
	long n;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			from = optarg;
			break;
		case 'O':
			if (cli_add_importer_opt(&options, &options_len, optarg)) {
				free(options);
				return usage_error(argv[0], "--opt wants KEY=VALUE, got '%s'",
				                   optarg);
			}
			break;
		case 'h':
			free(options);
			info_usage(stdout);
			return EXIT_OK;
		case ':':
			free(options);
			return usage_error(argv[0], "option '%s' needs a value", argv[optind - 1]);
		default:
			free(options);
			return usage_error(argv[0], "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind != 1) {
		free(options);
		return usage_error(argv[0], "expected one TRACE, got %d arguments", argc - optind);
	}
	if (from && !trace_format_known(from, false)) {
		free(options);
		return usage_error(argv[0], "unknown input format '%s' (known: %s)", from,
		                   trace_format_names());
	}
	oopts.format = from;
	oopts.options = options;
	if (trace_open(&r, argv[optind], &oopts, err, sizeof(err))) {
		mm_error("%s", err);
		free(options);
		return EXIT_INPUT;
	}

	info_set_init(&pages, 1 << 16);
	info_set_init(&pids, 1 << 8);
	buf = xmalloc(INFO_BATCH * sizeof(*buf));
	while ((n = trace_read(r, buf, INFO_BATCH)) > 0) {
		for (long i = 0; i < n; i++) {
			const struct trace_rec *rec = &buf[i];
			uint64_t hi, first, last;

			records++;
			if (rec->op >= NR_TRACE_OPS) {
				mm_error("%s: record %" PRIu64 ": invalid op %u", argv[optind],
				         records, rec->op);
				goto out;
			}
			nr_ops[rec->op]++;
			info_set_add(&pids, rec->pid, 0);
			if (rec->flags & TREC_TIME) {
				if (!have_time)
					time_first = rec->time;
				time_last = rec->time;
				have_time = true;
			}
			if (trace_op_is_mem(rec->op))
				hi = rec->pid;
			else if (trace_op_is_file_io(rec->op) && (rec->flags & TREC_FILE))
				hi = (1ull << 32) | rec->file;
			else
				continue;
			if (!rec->len)
				continue;
			first = rec->addr >> INFO_PAGE_SHIFT;
			last = (rec->addr + rec->len - 1 < rec->addr ? UINT64_MAX
			                                             : rec->addr + rec->len - 1) >>
			       INFO_PAGE_SHIFT;
			if (last - first >= INFO_MAX_SPAN_PAGES) {
				mm_error("%s: record %" PRIu64 ": a %s of %" PRIu64
				         " bytes is too large to count its pages",
				         argv[optind], records, trace_op_name(rec->op), rec->len);
				goto out;
			}
			if (first == last && hi == last_hi && first == last_lo)
				continue;
			for (uint64_t pg = first; pg <= last; pg++)
				info_set_add(&pages, hi, pg);
			last_hi = hi;
			last_lo = last;
		}
	}
	if (n < 0) {
		mm_error("%s", trace_error(r));
		goto out;
	}

	printf("format: %s\n", trace_reader_format(r));
	printf("page_size: %u\n", trace_reader_meta(r)->page_size);
	printf("records: %" PRIu64 "\n", records);
	printf("pids: %" PRIu64 "\n", pids.count);
	printf("unique_pages: %" PRIu64 "\n", pages.count);
	for (unsigned op = 0; op < NR_TRACE_OPS; op++)
		if (nr_ops[op])
			printf("op_%s: %" PRIu64 "\n", trace_op_name(op), nr_ops[op]);
	if (have_time) {
		printf("time_first: %" PRIu64 "\n", time_first);
		printf("time_last: %" PRIu64 "\n", time_last);
	}
	info_print_meta(trace_reader_meta(r));
	if (fflush(stdout)) {
		mm_error("write error on standard output");
		goto out;
	}
	ret = EXIT_OK;
out:
	free(buf);
	free(pages.slots);
	free(pids.slots);
	free(options);
	trace_close(r);
	return ret;
}
