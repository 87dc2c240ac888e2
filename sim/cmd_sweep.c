// SPDX-License-Identifier: MIT
/*
 * cmd_sweep.c - 'mmsim sweep': run a sweep's run set on a local worker pool
 * (one 'mmsim run' process per run), resume, merge results.csv, or emit the
 * same run set for Slurm or GNU parallel.
 *
 * Layout of OUTDIR:
 *   runs/<id>/            a finished run (summary.csv, timeline.csv, config.ini),
 *                         published atomically by 'mmsim run'
 *   runs/<id>.error       a failed run: its command, exit status and stderr
 *   results.csv           one row per finished run: parameters, then summary columns
 *   sweep.sbatch, sweep-merge.sbatch, submit-slurm.sh   (--emit slurm)
 *   jobs.txt                                             (--emit parallel)
 * A run is finished iff runs/<id>/summary.csv exists, so a killed sweep simply
 * runs again: finished runs are skipped, partial ones (temporary directories)
 * are cleaned and redone.
 */
#include "cli.h"
#include "output.h"
#include "sweep.h"
#include "util.h"

#include <csv.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void sweep_usage(FILE *out)
{
	fprintf(out,
	        "usage: mmsim sweep SWEEP.ini [OPTIONS]\n\n"
	        "Run every combination of the sweep file's traces, policies, sizes and set.*\n"
	        "values, one 'mmsim run' process per run, and merge OUTDIR/results.csv.\n\n"
	        "  -o, --output DIR      output directory (default: sweep-out)\n"
	        "  -j, --jobs N          parallel runs (default: number of cores)\n"
	        "      --only SPEC       run only these: run ids, indices, ranges (a,b,3,5-9)\n"
	        "      --emit KIND       write scripts instead of running: slurm | parallel\n"
	        "      --bundle N        runs per Slurm array task (default 8)\n"
	        "      --merge-only      only (re)build results.csv from finished runs\n"
	        "      --no-merge        do not write results.csv (for cluster tasks)\n"
	        "      --list            print the run set (index, id, parameters) and exit\n"
	        "  -q, --quiet           no progress\n"
	        "  -h, --help            this help\n\n"
	        "Finished runs are skipped, so re-running a killed sweep finishes the rest.\n"
	        "Exit status: 0 all runs finished, 1 some failed (results.csv has the rest).\n");
}

/* ---- run selection ---- */

static int select_runs(const struct sweep *s, const char *spec, bool *sel)
{
	if (!spec) {
		for (size_t i = 0; i < s->nr_runs; i++)
			sel[i] = true;
		return 0;
	}
	for (const char *p = spec; *p;) {
		size_t l = strcspn(p, ",");
		char tok[64];
		uint64_t a, b;
		char *dash;
		bool found = false;

		snprintf(tok, sizeof(tok), "%.*s", (int)(l < 63 ? l : 63), p);
		p += l + (p[l] == ',');
		if (strlen(tok) == 16) {
			for (size_t i = 0; i < s->nr_runs; i++)
				if (!strcmp(s->runs[i].id, tok))
					sel[i] = found = true;
			if (found)
				continue;
		}
		dash = strchr(tok, '-');
		if (dash)
			*dash = 0;
		if (parse_u64(tok, &a) || (dash && parse_u64(dash + 1, &b)))
			return -1;
		if (!dash)
			b = a;
		if (a > b || b >= s->nr_runs)
			return -1;
		for (uint64_t i = a; i <= b; i++)
			sel[i] = true;
	}
	return 0;
}

/* ---- running ---- */

static bool run_finished(const char *outdir, const struct sweep_run *r)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/runs/%s/summary.csv", outdir, r->id);
	return access(path, F_OK) == 0;
}

/* Remove temporary directories a killed earlier attempt of this run left behind. */
static void clean_partial(const char *outdir, const struct sweep_run *r)
{
	char dir[PATH_MAX], path[PATH_MAX + 300];
	DIR *d;
	struct dirent *e;

	snprintf(dir, sizeof(dir), "%s/runs", outdir);
	d = opendir(dir);
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, r->id, 16) || strncmp(e->d_name + 16, ".tmp-", 5))
			continue;
		static const char *const files[] = {"summary.csv", "timeline.csv", "config.ini"};

		for (int i = 0; i < 3; i++) {
			snprintf(path, sizeof(path), "%s/%s/%s", dir, e->d_name, files[i]);
			unlink(path);
		}
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		rmdir(path);
	}
	closedir(d);
}

/*
 * Start one run. With several runs in parallel the cores are taken by the
 * runs themselves, so each decodes inline (--decode-thread off): a decode
 * thread would only compete with the other runs.
 */
static pid_t start_run(const struct sweep *s, const struct sweep_run *r, const char *mmsim,
                       const char *outdir, bool parallel)
{
	char rundir[PATH_MAX], log[PATH_MAX];
	char **av, **args;
	size_t n = 0;
	pid_t pid;

	snprintf(rundir, sizeof(rundir), "%s/runs/%s", outdir, r->id);
	snprintf(log, sizeof(log), "%s/runs/%s.log", outdir, r->id);
	clean_partial(outdir, r);
	args = sweep_run_args(s, r, mmsim, rundir);
	while (args[n])
		n++;
	av = xcalloc(n + 3, sizeof(char *));
	for (size_t i = 0, j = 0; i < n; i++) {
		av[j++] = args[i];
		if (i == 1 && parallel) { /* after "run" */
			av[j++] = xstrdup("--decode-thread");
			av[j++] = xstrdup("off");
		}
	}
	free(args);
	pid = fork();
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd >= 0) {
			FILE *f = fdopen(dup(fd), "w");

			if (f) { /* the command first, for the .error file */
				for (char **a = av; *a; a++)
					fprintf(f, "%s%s", a == av ? "" : " ", *a);
				fputc('\n', f);
				fclose(f);
			}
			dup2(fd, 2);
			dup2(fd, 1);
			close(fd);
		}
		execv(mmsim, av);
		fprintf(stderr, "mmsim: sweep: cannot run %s: %s\n", mmsim, strerror(errno));
		_exit(127);
	}
	for (char **a = av; *a; a++)
		free(*a);
	free(av);
	return pid;
}

/* After a run exits: drop its log on success, keep it as <id>.error on failure. */
static bool finish_run(const char *outdir, const struct sweep_run *r, int status)
{
	char log[PATH_MAX], errf[PATH_MAX];
	bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0 && run_finished(outdir, r);

	snprintf(log, sizeof(log), "%s/runs/%s.log", outdir, r->id);
	snprintf(errf, sizeof(errf), "%s/runs/%s.error", outdir, r->id);
	if (ok) {
		unlink(log);
		unlink(errf);
	} else {
		FILE *f = fopen(log, "a");

		if (f) {
			if (WIFEXITED(status))
				fprintf(f, "exit status %d\n", WEXITSTATUS(status));
			else
				fprintf(f, "killed by signal %d\n", WTERMSIG(status));
			fclose(f);
		}
		rename(log, errf);
	}
	return ok;
}

static void progress(size_t done, size_t total, size_t failed, time_t t0)
{
	double el = difftime(time(NULL), t0);
	double eta = done ? el / (double)done * (double)(total - done) : 0;

	fprintf(stderr, "\rmmsim: sweep: %zu/%zu runs done, %zu failed, ETA %.0f s   ", done, total,
	        failed, eta);
}

static int run_pool(const struct sweep *s, const bool *sel, int jobs, const char *mmsim,
                    const char *outdir, bool show, size_t *nr_failed)
{
	size_t total = 0, done = 0, next = 0;
	pid_t *pid_of = xcalloc(s->nr_runs, sizeof(pid_t));
	int running = 0;
	time_t t0 = time(NULL);

	for (size_t i = 0; i < s->nr_runs; i++)
		if (sel[i] && !run_finished(outdir, &s->runs[i]))
			total++;
	*nr_failed = 0;
	while (done < total) {
		while (running < jobs && next < s->nr_runs) {
			size_t i = next++;

			if (!sel[i] || run_finished(outdir, &s->runs[i]))
				continue;
			pid_of[i] = start_run(s, &s->runs[i], mmsim, outdir, jobs > 1);
			if (pid_of[i] < 0) {
				free(pid_of);
				return -1;
			}
			running++;
		}
		int st;
		pid_t p = wait(&st);

		if (p < 0)
			break;
		for (size_t i = 0; i < s->nr_runs; i++)
			if (pid_of[i] == p) {
				pid_of[i] = 0;
				if (!finish_run(outdir, &s->runs[i], st))
					(*nr_failed)++;
				done++;
				running--;
				break;
			}
		if (show)
			progress(done, total, *nr_failed, t0);
	}
	if (show && total)
		fputc('\n', stderr);
	free(pid_of);
	return 0;
}

/* ---- merging ---- */

struct csv_rows {
	char **field;      /* all fields, row-major */
	size_t nr;         /* fields */
	size_t cap;        /* allocated */
	size_t row_end[3]; /* field count at the end of rows 0..2 */
	size_t rows;       /* rows completed */
};

static void merge_field(void *s, size_t len, void *data)
{
	struct csv_rows *c = data;

	if (c->nr == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 128;
		c->field = xrealloc(c->field, c->cap * sizeof(char *));
	}
	c->field[c->nr] = xmalloc(len + 1);
	memcpy(c->field[c->nr], s, len);
	c->field[c->nr][len] = 0;
	c->nr++;
}

static void merge_row(int ch, void *data)
{
	struct csv_rows *c = data;

	(void)ch;
	if (c->rows < 3)
		c->row_end[c->rows] = c->nr;
	c->rows++;
}

/* Read a summary.csv (header + one row) with libcsv. */
static int read_summary(const char *path, struct csv_rows *c)
{
	struct csv_parser p;
	char buf[65536];
	size_t n;
	FILE *f = fopen(path, "r");

	memset(c, 0, sizeof(*c));
	if (!f)
		return -1;
	csv_init(&p, CSV_APPEND_NULL);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		csv_parse(&p, buf, n, merge_field, merge_row, c);
	csv_fini(&p, merge_field, merge_row, c);
	csv_free(&p);
	fclose(f);
	return c->rows == 2 && c->row_end[0] * 2 == c->row_end[1] ? 0 : -1;
}

static void free_rows(struct csv_rows *c)
{
	for (size_t i = 0; i < c->nr; i++)
		free(c->field[i]);
	free(c->field);
}

static int merge(const struct sweep *s, const char *outdir, size_t *nr_rows)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	char **cols = NULL;
	size_t nr_cols = 0, nr_param = s->nr_axes + 1;
	struct csv_rows *rows = xcalloc(s->nr_runs, sizeof(*rows));
	bool *have = xcalloc(s->nr_runs, sizeof(bool));
	FILE *f;
	int ret = 0;

	/* Parameter columns first, then the union of summary columns in first-seen order. */
	cols = xmalloc(nr_param * sizeof(char *));
	cols[nr_cols++] = xstrdup("run_id");
	for (size_t a = 0; a < s->nr_axes; a++) {
		char name[160];

		sweep_param_name(s, a, name, sizeof(name));
		cols[nr_cols++] = xstrdup(name);
	}
	*nr_rows = 0;
	for (size_t i = 0; i < s->nr_runs; i++) {
		snprintf(path, sizeof(path), "%s/runs/%s/summary.csv", outdir, s->runs[i].id);
		if (read_summary(path, &rows[i])) {
			free_rows(&rows[i]);
			continue;
		}
		have[i] = true;
		(*nr_rows)++;
		for (size_t k = 0; k < rows[i].row_end[0]; k++) {
			bool known = false;

			for (size_t c = 0; c < nr_cols && !known; c++)
				known = !strcmp(cols[c], rows[i].field[k]);
			if (!known) {
				cols = xrealloc(cols, (nr_cols + 1) * sizeof(char *));
				cols[nr_cols++] = xstrdup(rows[i].field[k]);
			}
		}
	}
	snprintf(path, sizeof(path), "%s/results.csv", outdir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f) {
		mm_error("%s: %s", tmp, strerror(errno));
		ret = -1;
		goto out;
	}
	for (size_t c = 0; c < nr_cols; c++) {
		if (c)
			fputc(',', f);
		output_csv_field(f, cols[c]);
	}
	fputc('\n', f);
	for (size_t i = 0; i < s->nr_runs; i++) {
		if (!have[i])
			continue;
		output_csv_field(f, s->runs[i].id);
		for (size_t a = 0; a < s->nr_axes; a++) {
			fputc(',', f);
			output_csv_field(f, s->runs[i].value[a]);
		}
		for (size_t c = nr_param; c < nr_cols; c++) {
			fputc(',', f);
			for (size_t k = 0; k < rows[i].row_end[0]; k++)
				if (!strcmp(rows[i].field[k], cols[c])) {
					output_csv_field(f, rows[i].field[rows[i].row_end[0] + k]);
					break;
				}
		}
		fputc('\n', f);
	}
	if (fclose(f) || rename(tmp, path)) {
		mm_error("%s: %s", path, strerror(errno));
		unlink(tmp);
		ret = -1;
	}
out:
	for (size_t i = 0; i < s->nr_runs; i++)
		if (have[i])
			free_rows(&rows[i]);
	for (size_t c = 0; c < nr_cols; c++)
		free(cols[c]);
	free(cols);
	free(rows);
	free(have);
	return ret;
}

/* ---- emitters ---- */

static int emit(const struct sweep *s, const char *kind, const char *mmsim, const char *outdir,
                unsigned bundle)
{
	char sweep_abs[PATH_MAX], out_abs[PATH_MAX], path[PATH_MAX];
	FILE *f;
	size_t tasks = (s->nr_runs + bundle - 1) / bundle;

	if (!realpath(s->path, sweep_abs) || !realpath(outdir, out_abs)) {
		mm_error("sweep: %s", strerror(errno));
		return -1;
	}
	if (!strcmp(kind, "parallel")) {
		snprintf(path, sizeof(path), "%s/jobs.txt", outdir);
		f = fopen(path, "w");
		if (!f)
			return -1;
		for (size_t i = 0; i < s->nr_runs; i++)
			fprintf(f, "'%s' sweep '%s' -q -o '%s' -j 1 --no-merge --only %s\n", mmsim,
			        sweep_abs, out_abs, s->runs[i].id);
		fclose(f);
		printf("wrote %s (%zu jobs). Run them with GNU parallel, then merge:\n"
		       "  parallel --joblog %s/joblog --resume < %s\n"
		       "  %s sweep %s -o %s --merge-only\n"
		       "Across hosts (shared filesystem): add --sshlogin host1,host2 to "
		       "parallel.\n",
		       path, s->nr_runs, out_abs, path, mmsim, sweep_abs, out_abs);
		return 0;
	}
	snprintf(path, sizeof(path), "%s/sweep.sbatch", outdir);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f,
	        "#!/bin/bash\n"
	        "# mmsim sweep %s: %zu runs in %zu array tasks of up to %u runs.\n"
	        "#SBATCH --job-name=mmsim-sweep\n"
	        "#SBATCH --array=0-%zu\n"
	        "#SBATCH --ntasks=1\n"
	        "#SBATCH --cpus-per-task=1\n"
	        "#SBATCH --output=%s/slurm-%%A_%%a.out\n"
	        "set -eu\n"
	        "first=$((SLURM_ARRAY_TASK_ID * %u))\n"
	        "last=$((first + %u - 1))\n"
	        "[ \"$last\" -lt %zu ] || last=%zu\n"
	        "exec '%s' sweep '%s' -q -o '%s' -j 1 --no-merge --only \"$first-$last\"\n",
	        sweep_abs, s->nr_runs, tasks, bundle, tasks - 1, out_abs, bundle, bundle,
	        s->nr_runs, s->nr_runs - 1, mmsim, sweep_abs, out_abs);
	fclose(f);
	snprintf(path, sizeof(path), "%s/sweep-merge.sbatch", outdir);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f,
	        "#!/bin/bash\n"
	        "#SBATCH --job-name=mmsim-merge\n"
	        "#SBATCH --ntasks=1\n"
	        "#SBATCH --output=%s/slurm-merge-%%j.out\n"
	        "exec '%s' sweep '%s' -q -o '%s' --merge-only\n",
	        out_abs, mmsim, sweep_abs, out_abs);
	fclose(f);
	snprintf(path, sizeof(path), "%s/submit-slurm.sh", outdir);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f,
	        "#!/bin/bash\n"
	        "# Submit the array, then the merge once every task succeeded.\n"
	        "set -eu\n"
	        "jid=$(sbatch --parsable '%s/sweep.sbatch')\n"
	        "sbatch --parsable --dependency=afterok:\"${jid%%%%;*}\" '%s/sweep-merge.sbatch'\n",
	        out_abs, out_abs);
	fclose(f);
	chmod(path, 0755);
	printf("wrote %s/sweep.sbatch (%zu array tasks), sweep-merge.sbatch and submit-slurm.sh.\n"
	       "Submit with: %s/submit-slurm.sh\n",
	       out_abs, tasks, out_abs);
	return 0;
}

static int mkdirs(const char *dir)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s", dir);
	for (char *p = path + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			mkdir(path, 0755);
			*p = '/';
		}
	if (mkdir(path, 0755) && errno != EEXIST)
		return -1;
	return 0;
}

int cmd_sweep(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"output", required_argument, NULL, 'o'},
	        {"jobs", required_argument, NULL, 'j'},
	        {"only", required_argument, NULL, 'O'},
	        {"emit", required_argument, NULL, 'E'},
	        {"bundle", required_argument, NULL, 'B'},
	        {"merge-only", no_argument, NULL, 'M'},
	        {"no-merge", no_argument, NULL, 'N'},
	        {"list", no_argument, NULL, 'L'},
	        {"quiet", no_argument, NULL, 'q'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	const char *outdir = "sweep-out", *only = NULL, *kind = NULL;
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t bundle = 8;
	bool merge_only = false, no_merge = false, quiet = false, list = false;
	char err[1024], mmsim[PATH_MAX], runs[PATH_MAX];
	struct sweep s;
	bool *sel;
	size_t failed = 0, rows = 0;
	int c, ret;
	char *end;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:j:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			outdir = optarg;
			break;
		case 'j':
			jobs = strtol(optarg, &end, 10);
			if (end == optarg || *end || jobs < 1 || jobs > 4096)
				return usage_error("sweep", "bad -j '%s'", optarg);
			break;
		case 'O':
			only = optarg;
			break;
		case 'E':
			if (strcmp(optarg, "slurm") && strcmp(optarg, "parallel"))
				return usage_error("sweep", "--emit wants slurm or parallel");
			kind = optarg;
			break;
		case 'B':
			if (parse_u64(optarg, &bundle) || !bundle || bundle > 100000)
				return usage_error("sweep", "bad --bundle '%s'", optarg);
			break;
		case 'M':
			merge_only = true;
			break;
		case 'N':
			no_merge = true;
			break;
		case 'L':
			list = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			sweep_usage(stdout);
			return EXIT_OK;
		default:
			return usage_error("sweep", "unknown option or missing value: '%s'",
			                   argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return usage_error("sweep", "expected exactly one SWEEP.ini");
	if (sweep_load(&s, argv[optind], err, sizeof(err))) {
		mm_error("%s", err);
		return EXIT_INPUT;
	}
	sel = xcalloc(s.nr_runs, sizeof(bool));
	if (select_runs(&s, only, sel)) {
		ret = usage_error("sweep", "bad --only '%s' (run ids, indices 0..%zu, ranges A-B)",
		                  only, s.nr_runs - 1);
		goto out;
	}
	if (list) {
		for (size_t i = 0; i < s.nr_runs; i++) {
			if (!sel[i])
				continue;
			printf("%zu %s", i, s.runs[i].id);
			for (size_t a = 0; a < s.nr_axes; a++) {
				char name[160];

				sweep_param_name(&s, a, name, sizeof(name));
				printf(" %s=%s", name, s.runs[i].value[a]);
			}
			putchar('\n');
		}
		ret = EXIT_OK;
		goto out;
	}
	snprintf(runs, sizeof(runs), "%s/runs", outdir);
	if (mkdirs(runs)) {
		mm_error("%s: %s", runs, strerror(errno));
		ret = EXIT_INPUT;
		goto out;
	}
	ssize_t ml = readlink("/proc/self/exe", mmsim, sizeof(mmsim) - 1);
	if (ml <= 0) {
		mm_error("sweep: cannot find my own executable");
		ret = EXIT_INPUT;
		goto out;
	}
	mmsim[ml] = 0;
	if (kind) {
		ret = emit(&s, kind, mmsim, outdir, (unsigned)bundle) ? EXIT_INPUT : EXIT_OK;
		goto out;
	}
	if (!merge_only &&
	    run_pool(&s, sel, (int)jobs, mmsim, outdir, !quiet && isatty(2), &failed)) {
		mm_error("sweep: cannot start runs: %s", strerror(errno));
		ret = EXIT_INPUT;
		goto out;
	}
	if (!no_merge && merge(&s, outdir, &rows)) {
		ret = EXIT_INPUT;
		goto out;
	}
	if (failed)
		mm_error("sweep: %zu run(s) failed; see %s/runs/*.error", failed, outdir);
	if (!quiet && !no_merge)
		fprintf(stderr,
		        "mmsim: sweep: %zu of %zu runs finished; results in %s/results.csv\n", rows,
		        s.nr_runs, outdir);
	ret = failed ? EXIT_INPUT : EXIT_OK;
out:
	free(sel);
	sweep_free(&s);
	return ret;
}
