// SPDX-License-Identifier: MIT
/*
 * cmd_run.c - 'mmsim run': replay traces and write a result directory.
 */
#include "cachesim.h"
#include "machine.h"
#include "cli.h"
#include "config.h"
#include "output.h"
#include "policy_core.h"
#include "util.h"

#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* CPUs this process may run on (its affinity mask: a Slurm or taskset allocation). */
static int usable_cpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set))
		return (int)sysconf(_SC_NPROCESSORS_ONLN);
	return CPU_COUNT(&set);
}

static void run_usage(FILE *out)
{
	fprintf(out,
	        "usage: mmsim run [OPTIONS] TRACE...\n\n"
	        "Replay TRACE(s) (one stream, in order) and write OUTDIR/summary.csv,\n"
	        "OUTDIR/timeline.csv and OUTDIR/config.ini.\n\n"
	        "  -c, --config FILE      machine configuration (.ini); default: built-in x86_64\n"
	        "  -p, --policy NAME      reclaim policy (see 'mmsim policies'); default linux\n"
	        "  -m, --memory SIZE      physical memory (machine.memory), e.g. 512M, 16G\n"
	        "      --memcg-limit SIZE put the whole trace in one memory cgroup with this "
	        "limit\n"
	        "  -s, --set KEY=VALUE    override any config key, e.g. -s vm.swappiness=100\n"
	        "  -o, --output OUTDIR    result directory (default: out); replaced if it holds\n"
	        "                         a previous result, refused if it holds anything else\n"
	        "      --interval TIME    timeline sampling interval (metrics.interval), e.g. 1ms\n"
	        "      --seed N           random seed (default 1)\n"
	        "      --capacity PAGES   cache mode: exactly PAGES frames for data pages,\n"
	        "                         one victim per miss, nothing else modelled\n"
	        "      --from FORMAT      trace format (default: detected)\n"
	        "      --decode-thread on|off|auto\n"
	        "                         decode the trace on a second thread, ahead of the\n"
	        "                         simulation; results are identical either way\n"
	        "                         (default auto: on when this process may use more than\n"
	        "                         one CPU)\n"
	        "  -q, --quiet            no progress on stderr\n"
	        "  -h, --help             this help\n\n"
	        "Exit status: 0 success (an OOM kill is a result), 1 bad input or runtime\n"
	        "error (no OUTDIR written), 2 usage error.\n");
}

enum { OPT_MEMCG = 256, OPT_INTERVAL, OPT_SEED, OPT_CAPACITY, OPT_FROM, OPT_DECODE_THREAD };

static const struct option run_options[] = {
        {"config", required_argument, NULL, 'c'},
        {"policy", required_argument, NULL, 'p'},
        {"memory", required_argument, NULL, 'm'},
        {"memcg-limit", required_argument, NULL, OPT_MEMCG},
        {"set", required_argument, NULL, 's'},
        {"output", required_argument, NULL, 'o'},
        {"interval", required_argument, NULL, OPT_INTERVAL},
        {"seed", required_argument, NULL, OPT_SEED},
        {"capacity", required_argument, NULL, OPT_CAPACITY},
        {"from", required_argument, NULL, OPT_FROM},
        {"decode-thread", required_argument, NULL, OPT_DECODE_THREAD},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
};

int cmd_run(int argc, char **argv)
{
	struct config *cfg = config_new();
	const char *outdir = "out", *config_file = NULL, *from = NULL;
	const char *policy_name = NULL;
	char err[1024], joined[4096] = "";
	uint64_t seed = 1, capacity = 0;
	bool quiet = false, decode_thread = usable_cpus() > 1;
	int c, ret = EXIT_USAGE, li;
	/* -s and the shorthands apply after -c, in command-line order. */
	const char **sets = xcalloc((size_t)argc + 1, 2 * sizeof(char *));
	size_t nr_sets = 0;

	optind = 1;
	opterr = 0;
	while ((li = -1, c = getopt_long(argc, argv, "c:p:m:s:o:qh", run_options, &li)) != -1) {
		switch (c) {
		case 'c':
			config_file = optarg;
			break;
		case 'p':
			policy_name = optarg;
			break;
		case 'm':
			sets[2 * nr_sets] = "machine.memory";
			sets[2 * nr_sets++ + 1] = optarg;
			break;
		case OPT_MEMCG:
			sets[2 * nr_sets] = "memcg.limit";
			sets[2 * nr_sets++ + 1] = optarg;
			break;
		case OPT_INTERVAL:
			sets[2 * nr_sets] = "metrics.interval";
			sets[2 * nr_sets++ + 1] = optarg;
			break;
		case 's': {
			char *eq = strchr(optarg, '=');

			if (!eq || eq == optarg) {
				usage_error("run", "-s wants KEY=VALUE, got '%s'", optarg);
				goto out;
			}
			*eq = 0;
			sets[2 * nr_sets] = optarg;
			sets[2 * nr_sets++ + 1] = eq + 1;
			break;
		}
		case 'o':
			outdir = optarg;
			break;
		case OPT_SEED:
			if (parse_u64(optarg, &seed)) {
				usage_error("run", "bad --seed '%s'", optarg);
				goto out;
			}
			break;
		case OPT_CAPACITY:
			if (parse_size(optarg, &capacity) || !capacity ||
			    capacity > CACHESIM_MAX_CAPACITY) {
				usage_error("run", "bad --capacity '%s' (pages, 1..%u)", optarg,
				            CACHESIM_MAX_CAPACITY);
				goto out;
			}
			break;
		case OPT_FROM:
			from = optarg;
			break;
		case OPT_DECODE_THREAD:
			if (!strcmp(optarg, "on") || !strcmp(optarg, "off"))
				decode_thread = !strcmp(optarg, "on");
			else if (strcmp(optarg, "auto")) {
				usage_error("run", "bad --decode-thread '%s' (on, off or auto)",
				            optarg);
				goto out;
			}
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			run_usage(stdout);
			ret = EXIT_OK;
			goto out;
		default:
			if (optopt && optopt < 256)
				usage_error("run", "option '-%c' is unknown or needs a value",
				            optopt);
			else
				usage_error("run", "option '%s' is unknown or needs a value",
				            argv[optind - 1]);
			goto out;
		}
	}
	if (optind >= argc) {
		usage_error("run", "no TRACE given");
		goto out;
	}
	if (config_file && config_load_file(cfg, config_file, err, sizeof(err))) {
		mm_error("%s", err);
		ret = EXIT_INPUT;
		goto out;
	}
	for (size_t i = 0; i < nr_sets; i++)
		if (config_set(cfg, sets[2 * i], sets[2 * i + 1], err, sizeof(err))) {
			usage_error("run", "%s", err);
			goto out;
		}
	if (policy_name && config_set(cfg, "policy.name", policy_name, err, sizeof(err))) {
		usage_error("run", "%s", err);
		goto out;
	}
	policy_name = config_get(cfg, "policy.name");
	const struct reclaim_policy_ops *ops = policy_find(policy_name);
	if (!ops) {
		usage_error("run", "unknown policy '%s' (available: %s)", policy_name,
		            policy_names());
		goto out;
	}
	for (int i = optind; i < argc; i++) {
		size_t l = strlen(joined);

		snprintf(joined + l, sizeof(joined) - l, "%s%s", i > optind ? ";" : "", argv[i]);
	}

	struct output out;
	struct metrics m;
	struct trace_open_opts topts = {.format = from, .decode_thread = decode_thread};
	struct cachesim_opts co = {
	        .capacity = capacity,
	        .ops = ops,
	        .cfg = cfg,
	        .traces = (const char *const *)(argv + optind),
	        .nr_traces = argc - optind,
	        .topts = &topts,
	        .out = &out,
	        .progress = !quiet && isatty(2),
	};

	if (output_open(&out, outdir, err, sizeof(err))) {
		mm_error("%s", err);
		ret = EXIT_INPUT;
		goto out;
	}
	struct machine_opts mo = {
	        .cfg = cfg,
	        .ops = ops,
	        .traces = (const char *const *)(argv + optind),
	        .nr_traces = argc - optind,
	        .topts = &topts,
	        .out = &out,
	        .progress = !quiet && isatty(2),
	};
	if (capacity ? cachesim_run(&co, &m, err, sizeof(err))
	             : machine_run(&mo, &m, err, sizeof(err))) {
		if (err[0])
			mm_error("%s", err);
		output_abort(&out);
		ret = EXIT_INPUT;
		goto out;
	}
	struct run_params rp = {
	        .trace = joined,
	        .policy = ops->name,
	        .memory_bytes = config_size(cfg, "machine.memory"),
	        .memcg_limit_bytes = config_size(cfg, "memcg.limit"),
	        .capacity_pages = capacity,
	        .arch = config_get(cfg, "machine.arch"),
	        .page_size = config_size(cfg, "machine.page_size"),
	        .seed = seed,
	        .config_hash = config_hash(cfg),
	};
	if (output_finish(&out, &rp, &m, cfg, err, sizeof(err))) {
		mm_error("%s", err);
		ret = EXIT_INPUT;
		goto out;
	}
	ret = EXIT_OK;
out:
	free(sets);
	config_free(cfg);
	return ret;
}
