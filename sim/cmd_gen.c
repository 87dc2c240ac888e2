// SPDX-License-Identifier: MIT
/*
 * cmd_gen.c - 'mmsim gen PATTERN [options] -o TRACE': write a synthetic trace.
 */
#include "cli.h"
#include "gen.h"
#include "trace.h"
#include "util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void gen_usage(FILE *out)
{
	fprintf(out,
	        "usage: mmsim gen PATTERN [OPTIONS] -o TRACE\n\n"
	        "Write a synthetic, seeded, deterministic trace (.mmt.zst or .csv by "
	        "extension).\n\n"
	        "Patterns:\n"
	        "  seq       8-byte loads every 64 bytes through the footprint, wrapping\n"
	        "  loop      one access per page, cyclic over the footprint\n"
	        "  uniform   uniform random pages\n"
	        "  zipf      Zipf-distributed pages (--alpha), ranks permuted over the footprint\n"
	        "  hotcold   hot set (--hot-pages, --hot-frac) plus periodic sequential scans\n"
	        "            of cold pages (--scan-every, --scan-len)\n"
	        "  shift     uniform inside a window of --ws pages moving by --shift pages\n"
	        "            every --phase accesses\n"
	        "  forkcow   parent writes its region, forks --children; all read/write\n"
	        "            random pages (copy-on-write); children exit at the end\n"
	        "  ksm       --pids processes with mergeable regions: shared base image\n"
	        "            (--shared-frac), volatile pages (--change-frac, rewritten with\n"
	        "            new content at --write-frac), zero pages (--zero-frac), private\n"
	        "  churn     kernel alloc/free of orders 0..--max-order, at most --live live\n\n"
	        "Options (defaults in brackets):\n"
	        "  -o, --output FILE     output trace (required)\n"
	        "  --pages N             footprint in pages [1024] (K/M suffixes allowed)\n"
	        "  --accesses N          access records [100000] (K/M suffixes allowed)\n"
	        "  --write-frac F        fraction of stores / write() [0]\n"
	        "  --file                page-cache read()/write() of file 1 instead of memory\n"
	        "  --pids N              processes, interleaved round robin [1]\n"
	        "  --seed N              random seed [1]\n"
	        "  --time-step TIME      timestamp records every TIME (e.g. 100ns) [none]\n"
	        "  --alpha A             zipf exponent [1.0]\n"
	        "  --hot-pages N         hotcold hot set [pages/10]\n"
	        "  --hot-frac F          hotcold probability of a hot access [0.9]\n"
	        "  --scan-every N        hotcold scan period in accesses [accesses/10]\n"
	        "  --scan-len N          hotcold pages per scan [cold pages/2]\n"
	        "  --ws N                shift window size [pages/4]\n"
	        "  --phase N             shift accesses per phase [accesses/4]\n"
	        "  --shift N             shift window move per phase [ws]\n"
	        "  --children N          forkcow children [3]\n"
	        "  --shared-frac F       ksm shared pages [0.6]\n"
	        "  --zero-frac F         ksm zero pages [0.1]\n"
	        "  --change-frac F       ksm volatile pages [0.05]\n"
	        "  --max-order N         churn largest order [3]\n"
	        "  --live N              churn live allocation bound [pages]\n"
	        "  -h, --help            this help\n\n"
	        "Every parameter is recorded in the trace metadata (mmsim info shows it).\n");
}

enum {
	OPT_PAGES = 256,
	OPT_ACCESSES,
	OPT_WRITE_FRAC,
	OPT_FILE,
	OPT_PIDS,
	OPT_SEED,
	OPT_TIME_STEP,
	OPT_ALPHA,
	OPT_HOT_PAGES,
	OPT_HOT_FRAC,
	OPT_SCAN_EVERY,
	OPT_SCAN_LEN,
	OPT_WS,
	OPT_PHASE,
	OPT_SHIFT,
	OPT_CHILDREN,
	OPT_SHARED_FRAC,
	OPT_ZERO_FRAC,
	OPT_CHANGE_FRAC,
	OPT_MAX_ORDER,
	OPT_LIVE,
};

static const struct option gen_options[] = {
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {"pages", required_argument, NULL, OPT_PAGES},
        {"accesses", required_argument, NULL, OPT_ACCESSES},
        {"write-frac", required_argument, NULL, OPT_WRITE_FRAC},
        {"file", no_argument, NULL, OPT_FILE},
        {"pids", required_argument, NULL, OPT_PIDS},
        {"seed", required_argument, NULL, OPT_SEED},
        {"time-step", required_argument, NULL, OPT_TIME_STEP},
        {"alpha", required_argument, NULL, OPT_ALPHA},
        {"hot-pages", required_argument, NULL, OPT_HOT_PAGES},
        {"hot-frac", required_argument, NULL, OPT_HOT_FRAC},
        {"scan-every", required_argument, NULL, OPT_SCAN_EVERY},
        {"scan-len", required_argument, NULL, OPT_SCAN_LEN},
        {"ws", required_argument, NULL, OPT_WS},
        {"phase", required_argument, NULL, OPT_PHASE},
        {"shift", required_argument, NULL, OPT_SHIFT},
        {"children", required_argument, NULL, OPT_CHILDREN},
        {"shared-frac", required_argument, NULL, OPT_SHARED_FRAC},
        {"zero-frac", required_argument, NULL, OPT_ZERO_FRAC},
        {"change-frac", required_argument, NULL, OPT_CHANGE_FRAC},
        {"max-order", required_argument, NULL, OPT_MAX_ORDER},
        {"live", required_argument, NULL, OPT_LIVE},
        {NULL, 0, NULL, 0},
};

/* A count with optional K/M/G (decimal-free binary multiples: 1K = 1024). */
static int parse_count(const char *s, uint64_t *out)
{
	return parse_size(s, out);
}

static int parse_frac(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || !(v >= 0))
		return -1;
	*out = v;
	return 0;
}

static int write_sink(void *arg, const struct trace_rec *recs, size_t n)
{
	return trace_write(arg, recs, n) ? 1 : 0;
}

int cmd_gen(int argc, char **argv)
{
	struct gen_params p;
	const char *out = NULL;
	char err[512], cmdline[1024] = "mmsim";
	uint64_t v;
	int c, li;

	gen_params_default(&p);
	for (int i = 0; i < argc; i++) { /* before getopt permutes argv */
		size_t l = strlen(cmdline);

		snprintf(cmdline + l, sizeof(cmdline) - l, " %s", argv[i]);
	}
	optind = 1;
	opterr = 0;
	while ((li = -1, c = getopt_long(argc, argv, "o:h", gen_options, &li)) != -1) {
		char name[40];
		int bad = 0;

		if (li >= 0)
			snprintf(name, sizeof(name), "--%s", gen_options[li].name);
		else
			snprintf(name, sizeof(name), "%s", optind > 1 ? argv[optind - 1] : "?");

		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'h':
			gen_usage(stdout);
			return EXIT_OK;
		case OPT_PAGES:
			bad = parse_count(optarg, &p.pages);
			break;
		case OPT_ACCESSES:
			bad = parse_count(optarg, &p.accesses);
			break;
		case OPT_WRITE_FRAC:
			bad = parse_frac(optarg, &p.write_frac);
			break;
		case OPT_FILE:
			p.file = true;
			break;
		case OPT_PIDS:
			bad = parse_u64(optarg, &v) || v > 1000000;
			p.pids = (uint32_t)v;
			break;
		case OPT_SEED:
			bad = parse_u64(optarg, &p.seed);
			break;
		case OPT_TIME_STEP:
			bad = parse_time_ns(optarg, &p.time_step);
			break;
		case OPT_ALPHA:
			bad = parse_frac(optarg, &p.alpha);
			break;
		case OPT_HOT_PAGES:
			bad = parse_count(optarg, &p.hot_pages);
			break;
		case OPT_HOT_FRAC:
			bad = parse_frac(optarg, &p.hot_frac);
			break;
		case OPT_SCAN_EVERY:
			bad = parse_count(optarg, &p.scan_every);
			break;
		case OPT_SCAN_LEN:
			bad = parse_count(optarg, &p.scan_len);
			break;
		case OPT_WS:
			bad = parse_count(optarg, &p.ws_pages);
			break;
		case OPT_PHASE:
			bad = parse_count(optarg, &p.phase);
			break;
		case OPT_SHIFT:
			bad = parse_count(optarg, &p.shift_by);
			break;
		case OPT_CHILDREN:
			bad = parse_u64(optarg, &v) || v > 100000;
			p.children = (uint32_t)v;
			break;
		case OPT_SHARED_FRAC:
			bad = parse_frac(optarg, &p.shared_frac);
			break;
		case OPT_ZERO_FRAC:
			bad = parse_frac(optarg, &p.zero_frac);
			break;
		case OPT_CHANGE_FRAC:
			bad = parse_frac(optarg, &p.change_frac);
			break;
		case OPT_MAX_ORDER:
			bad = parse_u64(optarg, &v) || v > 64;
			p.max_order = (unsigned)v;
			break;
		case OPT_LIVE:
			bad = parse_count(optarg, &p.live);
			break;
		case '?':
		default:
			if (optopt)
				return usage_error("gen", "option '%s' needs a value or is unknown",
				                   name);
			return usage_error("gen", "unknown option '%s'", name);
		}
		if (bad)
			return usage_error("gen", "bad value '%s' for %s", optarg, name);
	}
	if (optind >= argc) {
		gen_usage(stderr);
		return EXIT_USAGE;
	}
	p.pattern = argv[optind++];
	if (optind < argc)
		return usage_error("gen", "unexpected argument '%s'", argv[optind]);
	if (!gen_pattern_known(p.pattern))
		return usage_error("gen", "unknown pattern '%s' (one of: %s)", p.pattern,
		                   gen_pattern_names());
	if (!out)
		return usage_error("gen", "missing -o TRACE");

	/* Metadata: the generator and every resolved parameter, plus the command. */
	struct trace_meta meta;
	char buf[64];

	trace_meta_init(&meta);
	trace_meta_set(&meta, "generator", p.pattern);
#define META_U64(k, val)                                                                           \
	do {                                                                                       \
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)(val));                     \
		trace_meta_set(&meta, k, buf);                                                     \
	} while (0)
#define META_DBL(k, val)                                                                           \
	do {                                                                                       \
		snprintf(buf, sizeof(buf), "%g", (val));                                           \
		trace_meta_set(&meta, k, buf);                                                     \
	} while (0)
	META_U64("pages", p.pages);
	META_U64("accesses", p.accesses);
	META_DBL("write_frac", p.write_frac);
	META_U64("file", p.file);
	META_U64("pids", p.pids);
	META_U64("seed", p.seed);
	META_U64("time_step_ns", p.time_step);
	META_DBL("alpha", p.alpha);
	META_U64("hot_pages", p.hot_pages);
	META_DBL("hot_frac", p.hot_frac);
	META_U64("scan_every", p.scan_every);
	META_U64("scan_len", p.scan_len);
	META_U64("ws_pages", p.ws_pages);
	META_U64("phase", p.phase);
	META_U64("shift_by", p.shift_by);
	META_U64("children", p.children);
	META_DBL("shared_frac", p.shared_frac);
	META_DBL("zero_frac", p.zero_frac);
	META_DBL("change_frac", p.change_frac);
	META_U64("max_order", p.max_order);
	META_U64("live", p.live);
#undef META_U64
#undef META_DBL
	trace_meta_set(&meta, "command", cmdline);

	struct trace_writer *w;

	if (trace_writer_open(&w, out, NULL, &meta, err, sizeof(err))) {
		trace_meta_free(&meta);
		mm_error("%s", err);
		return EXIT_INPUT;
	}
	trace_meta_free(&meta);
	int ret = gen_run(&p, write_sink, w, err, sizeof(err));
	if (ret) {
		if (ret < 0)
			mm_error("gen: %s", err);
		else
			mm_error("%s", trace_writer_error(w));
		trace_writer_abort(w);
		return ret < 0 ? EXIT_USAGE : EXIT_INPUT;
	}
	return trace_writer_close(w) ? EXIT_INPUT : EXIT_OK;
}
