// SPDX-License-Identifier: MIT
/*
 * cmd_mrc.c - 'mmsim mrc': miss-ratio curve of a trace as CSV.
 * lru: one pass of stack distances (sim/mrc.c); other policies: one cache-mode
 * run per size, in parallel worker processes.
 */
#include "cachesim.h"
#include "cli.h"
#include "config.h"
#include "mrc.h"
#include "policy_core.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void mrc_usage(FILE *out)
{
	fprintf(out,
	        "usage: mmsim mrc [OPTIONS] TRACE...\n\n"
	        "Print a miss-ratio curve as CSV: size_pages,accesses,misses,miss_ratio.\n"
	        "lru is computed in one pass from stack distances (Mattson et al. 1970);\n"
	        "any other policy by a cache-mode run (mmsim run --capacity) per size.\n\n"
	        "  --policy NAME       policy (default lru)\n"
	        "  --sizes LIST        sizes in pages: '1,2,8' or a range 'A-B:STEP' (default:\n"
	        "                      powers of two up to the number of distinct pages, and it)\n"
	        "  --shards RATE       lru only: SHARDS spatial sampling rate in (0,1] (default "
	        "1)\n"
	        "  -s, --set KEY=VAL   config override (policy parameters, costs)\n"
	        "  -j, --jobs N        parallel runs for non-lru policies (default: cores)\n"
	        "  -o, --output FILE   write the CSV to FILE (default: stdout)\n"
	        "      --from FORMAT   trace format (default: detected)\n"
	        "  -h, --help          this help\n");
}

static int parse_sizes(const char *s, uint64_t **out, size_t *nr)
{
	uint64_t a, b, step;
	char buf[128];
	const char *dash = strchr(s, '-'), *colon = strchr(s, ':');

	*nr = 0;
	*out = NULL;
	if (dash && !strchr(s, ',')) {
		snprintf(buf, sizeof(buf), "%.*s", (int)(dash - s), s);
		if (parse_size(buf, &a))
			return -1;
		snprintf(buf, sizeof(buf), "%.*s",
		         (int)((colon ? colon : s + strlen(s)) - dash - 1), dash + 1);
		if (parse_size(buf, &b))
			return -1;
		step = 1;
		if (colon && parse_size(colon + 1, &step))
			return -1;
		if (!a || b < a || !step || (b - a) / step > 10000000)
			return -1;
		*out = xmalloc(((b - a) / step + 1) * sizeof(uint64_t));
		for (uint64_t v = a; v <= b; v += step)
			(*out)[(*nr)++] = v;
		return 0;
	}
	*out = xmalloc((strlen(s) / 2 + 2) * sizeof(uint64_t));
	for (const char *p = s; *p;) {
		size_t l = strcspn(p, ",");

		snprintf(buf, sizeof(buf), "%.*s", (int)(l < 127 ? l : 127), p);
		if (parse_size(buf, &a) || !a || a > CACHESIM_MAX_CAPACITY)
			return -1;
		(*out)[(*nr)++] = a;
		p += l + (p[l] == ',');
	}
	return *nr ? 0 : -1;
}

/* Default sizes: 1, 2, 4, ... below @distinct, then @distinct. */
static void default_sizes(uint64_t distinct, uint64_t **out, size_t *nr)
{
	*out = xmalloc(66 * sizeof(uint64_t));
	*nr = 0;
	for (uint64_t v = 1; v < distinct; v *= 2)
		(*out)[(*nr)++] = v;
	(*out)[(*nr)++] = distinct ? distinct : 1;
}

/* Run cache mode at every size, up to @jobs at once; misses[i] for sizes[i]. */
static int run_sizes(struct cachesim_opts *co, const uint64_t *sizes, size_t nr, int jobs,
                     uint64_t *misses, uint64_t *accesses)
{
	size_t next = 0, done = 0;
	int running = 0, failed = 0;
	pid_t *pids = xcalloc(nr, sizeof(pid_t));
	int *fds = xcalloc(nr, sizeof(int));

	while (done < nr) {
		while (running < jobs && next < nr && !failed) {
			int p[2];
			pid_t pid;

			if (pipe(p))
				return -1;
			pid = fork();
			if (pid == 0) {
				struct metrics m;
				char err[1024];
				uint64_t res[2];

				close(p[0]);
				co->capacity = sizes[next];
				if (cachesim_run(co, &m, err, sizeof(err))) {
					if (err[0])
						mm_error("%s", err);
					_exit(1);
				}
				res[0] = m.misses;
				res[1] = m.accesses;
				_exit(write(p[1], res, sizeof(res)) == sizeof(res) ? 0 : 1);
			}
			close(p[1]);
			if (pid < 0)
				return -1;
			pids[next] = pid;
			fds[next] = p[0];
			next++;
			running++;
		}
		/* Reap in size order so output stays deterministic. */
		int st;
		uint64_t res[2];

		if (waitpid(pids[done], &st, 0) < 0)
			return -1;
		if (!WIFEXITED(st) || WEXITSTATUS(st) ||
		    read(fds[done], res, sizeof(res)) != sizeof(res))
			failed = 1;
		else {
			misses[done] = res[0];
			*accesses = res[1];
		}
		close(fds[done]);
		done++;
		running--;
		if (failed && done == next)
			break;
	}
	free(pids);
	free(fds);
	return failed ? -1 : 0;
}

int cmd_mrc(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"policy", required_argument, NULL, 'p'},
	        {"sizes", required_argument, NULL, 'S'},
	        {"shards", required_argument, NULL, 'R'},
	        {"set", required_argument, NULL, 's'},
	        {"jobs", required_argument, NULL, 'j'},
	        {"output", required_argument, NULL, 'o'},
	        {"from", required_argument, NULL, 'F'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	const char *policy = "lru", *sizes_arg = NULL, *outfile = NULL, *from = NULL;
	double rate = 1;
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	struct config *cfg = config_new();
	uint64_t *sizes = NULL, *misses = NULL, accesses = 0;
	size_t nr = 0;
	char err[1024], *end;
	int c, ret = EXIT_USAGE;
	FILE *out = stdout;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "p:s:j:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			policy = optarg;
			break;
		case 'S':
			sizes_arg = optarg;
			break;
		case 'R':
			rate = strtod(optarg, &end);
			if (end == optarg || *end || !(rate > 0 && rate <= 1)) {
				usage_error("mrc", "--shards wants a rate in (0, 1], got '%s'",
				            optarg);
				goto out;
			}
			break;
		case 's': {
			char *eq = strchr(optarg, '=');

			if (!eq) {
				usage_error("mrc", "-s wants KEY=VALUE");
				goto out;
			}
			*eq = 0;
			if (config_set(cfg, optarg, eq + 1, err, sizeof(err))) {
				usage_error("mrc", "%s", err);
				goto out;
			}
			break;
		}
		case 'j':
			jobs = strtol(optarg, &end, 10);
			if (end == optarg || *end || jobs < 1 || jobs > 1024) {
				usage_error("mrc", "bad -j '%s'", optarg);
				goto out;
			}
			break;
		case 'o':
			outfile = optarg;
			break;
		case 'F':
			from = optarg;
			break;
		case 'h':
			mrc_usage(stdout);
			ret = EXIT_OK;
			goto out;
		default:
			usage_error("mrc", "unknown option or missing value: '%s'",
			            argv[optind - 1]);
			goto out;
		}
	}
	if (optind >= argc) {
		usage_error("mrc", "no TRACE given");
		goto out;
	}
	const struct reclaim_policy_ops *ops = policy_find(policy);
	if (!ops) {
		usage_error("mrc", "unknown policy '%s' (available: %s)", policy, policy_names());
		goto out;
	}
	if (rate < 1 && strcmp(policy, "lru")) {
		usage_error("mrc", "--shards applies to --policy lru only");
		goto out;
	}
	if (sizes_arg && parse_sizes(sizes_arg, &sizes, &nr)) {
		usage_error("mrc", "bad --sizes '%s' (a list 1,2,8 or a range A-B:STEP)",
		            sizes_arg);
		goto out;
	}

	struct trace_open_opts topts = {.format = from};
	struct cachesim_opts co = {
	        .ops = ops,
	        .cfg = cfg,
	        .traces = (const char *const *)(argv + optind),
	        .nr_traces = argc - optind,
	        .topts = &topts,
	};
	ret = EXIT_INPUT;
	if (!strcmp(policy, "lru") || !sizes) {
		uint64_t *keys, n, cap;
		struct mrc_hist h;

		if (cachesim_touches(&co, &keys, &n, &cap, err, sizeof(err))) {
			mm_error("%s", err);
			goto out;
		}
		mrc_lru_hist(keys, n, rate, &h);
		cachesim_touches_free(keys, cap);
		if (!sizes)
			default_sizes(h.distinct, &sizes, &nr);
		misses = xmalloc(nr * sizeof(uint64_t));
		accesses = h.accesses;
		for (size_t i = 0; i < nr; i++)
			misses[i] = mrc_misses(&h, sizes[i]);
		mrc_hist_free(&h);
	}
	if (strcmp(policy, "lru")) {
		free(misses);
		misses = xcalloc(nr, sizeof(uint64_t));
		fflush(stdout);
		if (run_sizes(&co, sizes, nr, (int)jobs, misses, &accesses)) {
			mm_error("mrc: a cache-mode run failed");
			goto out;
		}
	}
	char tmp[4200];

	if (outfile) {
		snprintf(tmp, sizeof(tmp), "%s.tmp", outfile);
		out = fopen(tmp, "w");
		if (!out) {
			mm_error("%s: %s", outfile, strerror(errno));
			out = stdout;
			goto out;
		}
	}
	fprintf(out, "size_pages,accesses,misses,miss_ratio\n");
	for (size_t i = 0; i < nr; i++)
		fprintf(out, "%llu,%llu,%llu,%.6f\n", (unsigned long long)sizes[i],
		        (unsigned long long)accesses, (unsigned long long)misses[i],
		        accesses ? (double)misses[i] / (double)accesses : 0.0);
	if (outfile) {
		if (fclose(out) || rename(tmp, outfile)) {
			mm_error("%s: %s", outfile, strerror(errno));
			unlink(tmp);
			out = stdout;
			goto out;
		}
		out = stdout;
	}
	ret = EXIT_OK;
out:
	free(sizes);
	free(misses);
	config_free(cfg);
	return ret;
}
