// SPDX-License-Identifier: MIT
/*
 * output.c - result directories.
 *
 * A result directory holds exactly summary.csv, timeline.csv and config.ini.
 * It is written under OUTDIR.tmp-XXXXXX in the same parent (same filesystem)
 * and renamed to OUTDIR at the end, so a crash or a bad trace never leaves a
 * half-written result that a sweep could mistake for a finished one. An
 * existing OUTDIR is replaced only when it is empty or is itself an mmsim
 * result (contains nothing but those three files); anything else is refused.
 * Numbers are printed as integers, the column order comes from metrics.h, and
 * nothing depends on the wall clock: identical runs give identical bytes.
 */
#include "output.h"

#include "util.h"

#include <csv.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const result_files[] = {"summary.csv", "timeline.csv", "config.ini", NULL};

void output_csv_field(FILE *f, const char *s)
{
	/* Plain when safe (awk, gnuplot and cut read it as is); libcsv quotes the rest. */
	if (s[strcspn(s, ",\"\r\n")] || (s[0] == ' ' || (s[0] && s[strlen(s) - 1] == ' ')))
		csv_fwrite(f, s, strlen(s));
	else
		fputs(s, f);
}

static bool is_result_file(const char *name)
{
	for (size_t i = 0; result_files[i]; i++)
		if (!strcmp(name, result_files[i]))
			return true;
	return false;
}

/* 1 if @dir exists and may be replaced, 0 if it does not exist, -1 if it must not be touched. */
static int replaceable(const char *dir)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	int ok = 1;

	if (stat(dir, &st))
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return -1;
	d = opendir(dir);
	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && !is_result_file(e->d_name))
			ok = -1;
	closedir(d);
	return ok;
}

static void remove_result_dir(const char *dir)
{
	char path[4400];

	for (size_t i = 0; result_files[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, result_files[i]);
		unlink(path);
	}
	rmdir(dir);
}

int output_open(struct output *o, const char *outdir, char *err, size_t errlen)
{
	char path[4096];
	size_t n;

	memset(o, 0, sizeof(*o));
	if (replaceable(outdir) < 0) {
		snprintf(err, errlen,
		         "%s: exists and is not an mmsim result directory; choose another -o",
		         outdir);
		return -1;
	}
	o->outdir = xstrdup(outdir);
	while ((n = strlen(o->outdir)) > 1 && o->outdir[n - 1] == '/')
		o->outdir[n - 1] = 0;
	n = strlen(o->outdir) + 16;
	o->tmpdir = xmalloc(n);
	snprintf(o->tmpdir, n, "%s.tmp-XXXXXX", o->outdir);
	if (!mkdtemp(o->tmpdir)) {
		snprintf(err, errlen, "%s: cannot create a directory beside it: %s", outdir,
		         strerror(errno));
		free(o->tmpdir);
		free(o->outdir);
		o->tmpdir = o->outdir = NULL;
		return -1;
	}
	snprintf(path, sizeof(path), "%s/timeline.csv", o->tmpdir);
	o->timeline = fopen(path, "w");
	if (!o->timeline) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		output_abort(o);
		return -1;
	}
	fputs("time_ns", o->timeline);
#define METRIC_NAME(name, kind) fputs("," #name, o->timeline);
	MMSIM_METRICS(METRIC_NAME)
#undef METRIC_NAME
	fputc('\n', o->timeline);
	return 0;
}

/* @v in decimal at @p, as "%llu" prints it; returns the end. */
static char *put_u64(char *p, uint64_t v)
{
	char tmp[20];
	int n = 0;

	if (v < 10) { /* most of a row's columns are 0 */
		*p++ = (char)('0' + v);
		return p;
	}
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

/*
 * One timeline row, formatted into a buffer and written at once: a run can
 * write tens of thousands of rows of ~100 columns, and fprintf per value
 * was a fifth of a cache-mode run's time.
 */
void output_timeline_row(struct output *o, uint64_t time_ns, const struct metrics *m)
{
#define METRIC_ONE(name, kind) +1
	char buf[(1 MMSIM_METRICS(METRIC_ONE)) * 21 + 1], *p = buf;
#undef METRIC_ONE

	p = put_u64(p, time_ns);
#define METRIC_VALUE(name, kind)                                                                   \
	*p++ = ',';                                                                                \
	p = put_u64(p, m->name);
	MMSIM_METRICS(METRIC_VALUE)
#undef METRIC_VALUE
	*p++ = '\n';
	fwrite(buf, 1, (size_t)(p - buf), o->timeline);
}

static int write_summary(const char *path, const struct run_params *rp, const struct metrics *m)
{
	FILE *f = fopen(path, "w");
	char hash[24];

	if (!f)
		return -1;
	fputs("trace,policy,memory_bytes,memcg_limit_bytes,capacity_pages,arch,page_size,seed,"
	      "config_hash",
	      f);
#define METRIC_NAME(name, kind) fputs("," #name, f);
	MMSIM_METRICS(METRIC_NAME)
#undef METRIC_NAME
	fputc('\n', f);
	output_csv_field(f, rp->trace);
	fputc(',', f);
	output_csv_field(f, rp->policy);
	fprintf(f, ",%llu,%llu,%llu,", (unsigned long long)rp->memory_bytes,
	        (unsigned long long)rp->memcg_limit_bytes, (unsigned long long)rp->capacity_pages);
	output_csv_field(f, rp->arch);
	snprintf(hash, sizeof(hash), "%016llx", (unsigned long long)rp->config_hash);
	fprintf(f, ",%llu,%llu,%s", (unsigned long long)rp->page_size, (unsigned long long)rp->seed,
	        hash);
#define METRIC_VALUE(name, kind) fprintf(f, ",%llu", (unsigned long long)m->name);
	MMSIM_METRICS(METRIC_VALUE)
#undef METRIC_VALUE
	fputc('\n', f);
	return fclose(f) ? -1 : 0;
}

int output_finish(struct output *o, const struct run_params *rp, const struct metrics *m,
                  const struct config *cfg, char *err, size_t errlen)
{
	char path[4096], old[4200];
	FILE *f;
	int r;

	if (fclose(o->timeline)) {
		o->timeline = NULL;
		snprintf(err, errlen, "%s/timeline.csv: write error: %s", o->outdir,
		         strerror(errno));
		goto fail;
	}
	o->timeline = NULL;
	snprintf(path, sizeof(path), "%s/summary.csv", o->tmpdir);
	if (write_summary(path, rp, m)) {
		snprintf(err, errlen, "%s: write error: %s", path, strerror(errno));
		goto fail;
	}
	snprintf(path, sizeof(path), "%s/config.ini", o->tmpdir);
	f = fopen(path, "w");
	if (!f || config_write_ini(cfg, f) || fclose(f)) {
		snprintf(err, errlen, "%s: write error: %s", path, strerror(errno));
		goto fail;
	}
	/* Publish: move a previous result aside, rename, then drop the old one. */
	r = replaceable(o->outdir);
	if (r < 0) {
		snprintf(err, errlen, "%s: appeared during the run and is not an mmsim result",
		         o->outdir);
		goto fail;
	}
	if (r > 0) {
		snprintf(old, sizeof(old), "%s.old-XXXXXX", o->outdir);
		if (!mkdtemp(old) || rmdir(old) || rename(o->outdir, old)) {
			snprintf(err, errlen, "%s: cannot replace: %s", o->outdir, strerror(errno));
			goto fail;
		}
	}
	if (rename(o->tmpdir, o->outdir)) {
		snprintf(err, errlen, "%s: cannot rename into place: %s", o->outdir,
		         strerror(errno));
		if (r > 0)
			rename(old, o->outdir);
		goto fail;
	}
	if (r > 0)
		remove_result_dir(old);
	free(o->tmpdir);
	free(o->outdir);
	o->tmpdir = o->outdir = NULL;
	return 0;
fail:
	output_abort(o);
	return -1;
}

void output_abort(struct output *o)
{
	if (o->timeline)
		fclose(o->timeline);
	o->timeline = NULL;
	if (o->tmpdir)
		remove_result_dir(o->tmpdir);
	free(o->tmpdir);
	free(o->outdir);
	o->tmpdir = o->outdir = NULL;
}
