// SPDX-License-Identifier: MIT
/*
 * plot.c - drive gnuplot with the templates in analysis/.
 *
 * The C side reads the CSV with libcsv, does what gnuplot does badly (group
 * rows by policy and trace, sort by x, turn cumulative counters into
 * per-interval rates, stack areas), writes a plain data file, and runs
 * gnuplot on a short preamble (terminal from the output's extension,
 * variables) followed by the kind's template. The figure is written under a
 * temporary name and renamed when gnuplot succeeded, so a failed plot leaves
 * nothing behind.
 *
 * Kinds:
 *   mrc       sweep results.csv: --y (default miss_ratio = misses/accesses)
 *             against capacity_pages (cache mode) or memory (MiB), one line
 *             per policy (and trace, when several)
 *   tlb       sweep results.csv: TLB miss ratio (page_walks/accesses) against
 *             the swept tlb.*.entries column
 *   timeline  a run's timeline.csv: nr_free_pages (or --y gauges) on top,
 *             per-interval misses/evictions/pgscan/pgsteal rates below
 *   lru       a run's timeline.csv: stacked active/inactive anon/file lists
 *   ksm       a run's timeline.csv: ksm_pages_shared/sharing/unshared/volatile and the
 *             memory saved (general_profit in pages) on top, scan and COW-break rates below
 */
#include "plot.h"

#include "util.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

struct table {
	char **cell;    /* row-major, row 0 = header */
	size_t ncols;   /* header width */
	size_t nrows;   /* data rows (excluding the header) */
	size_t nr, cap; /* cells stored / allocated */
	size_t cur_col; /* fields in the current row */
	int bad;        /* a row had the wrong width */
};

static void tb_field(void *s, size_t len, void *data)
{
	struct table *t = data;

	if (t->nr == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 1024;
		t->cell = xrealloc(t->cell, t->cap * sizeof(char *));
	}
	t->cell[t->nr] = xmalloc(len + 1);
	memcpy(t->cell[t->nr], s, len);
	t->cell[t->nr][len] = 0;
	t->nr++;
	t->cur_col++;
}

static void tb_row(int c, void *data)
{
	struct table *t = data;

	(void)c;
	if (!t->ncols)
		t->ncols = t->cur_col;
	else if (t->cur_col != t->ncols)
		t->bad = 1;
	else
		t->nrows++;
	t->cur_col = 0;
}

static int table_read(const char *path, struct table *t, char *err, size_t errlen)
{
	struct csv_parser p;
	char buf[65536];
	size_t n;
	FILE *f = fopen(path, "r");

	memset(t, 0, sizeof(*t));
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	csv_init(&p, CSV_APPEND_NULL);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		csv_parse(&p, buf, n, tb_field, tb_row, t);
	csv_fini(&p, tb_field, tb_row, t);
	csv_free(&p);
	fclose(f);
	if (t->bad) {
		snprintf(err, errlen, "%s: rows of different widths", path);
		return -1;
	}
	if (!t->nrows) {
		snprintf(err, errlen, "%s: no data rows to plot", path);
		return -1;
	}
	return 0;
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->nr; i++)
		free(t->cell[i]);
	free(t->cell);
}

static int col(const struct table *t, const char *name)
{
	for (size_t c = 0; c < t->ncols; c++)
		if (!strcmp(t->cell[c], name))
			return (int)c;
	return -1;
}

static const char *cell(const struct table *t, size_t row, int c)
{
	return t->cell[(row + 1) * t->ncols + (size_t)c];
}

static double num(const struct table *t, size_t row, int c)
{
	return strtod(cell(t, row, c), NULL);
}

/* A value of row @r for y name @y: a column, or the virtual ratios. */
static int y_value(const struct table *t, size_t r, const char *y, double *out)
{
	int c = col(t, y), a = col(t, "accesses");

	if (c >= 0) {
		*out = num(t, r, c);
		return 0;
	}
	if (!strcmp(y, "miss_ratio") && col(t, "misses") >= 0 && a >= 0) {
		double acc = num(t, r, a);

		*out = acc ? num(t, r, col(t, "misses")) / acc : 0;
		return 0;
	}
	if (!strcmp(y, "tlb_miss_ratio") && col(t, "page_walks") >= 0 && a >= 0) {
		double acc = num(t, r, a);

		*out = acc ? num(t, r, col(t, "page_walks")) / acc : 0;
		return 0;
	}
	return -1;
}

struct point {
	double x, y;       /* coordinates */
	const char *group; /* series label */
};

static int cmp_point(const void *a, const void *b)
{
	const struct point *p = a, *q = b;
	int g = strcmp(p->group, q->group);

	if (g)
		return g;
	return p->x < q->x ? -1 : p->x > q->x;
}

/* ---- running gnuplot ---- */

static const char *analysis_dir(void)
{
	const char *d = getenv("MMSIM_ANALYSIS_DIR");

	return d ? d : MMSIM_DATADIR "/analysis";
}

static int terminal_for(const char *out, char *term, size_t len)
{
	const char *dot = strrchr(out, '.');

	if (!dot)
		return -1;
	if (!strcmp(dot, ".png"))
		snprintf(term, len, "pngcairo size 1100,700 font 'DejaVu Sans,12' linewidth 1");
	else if (!strcmp(dot, ".svg"))
		snprintf(term, len, "svg size 1100,700 dynamic font 'DejaVu Sans,12'");
	else if (!strcmp(dot, ".pdf"))
		snprintf(term, len, "pdfcairo size 6.5in,4.1in font 'DejaVu Sans,10'");
	else
		return -1;
	return 0;
}

/* Escape a string for a gnuplot single-quoted literal. */
static void gp_str(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', f);
		fputc(*s, f);
	}
	fputc('\'', f);
}

static int run_gnuplot(const char *script, const char *tmp_out, char *err, size_t errlen)
{
	int st;
	char logp[80], line[300] = "";
	int logfd;
	pid_t pid;
	struct stat sb;

	/* gnuplot's chatter (e.g. "empty y range" for all-zero series) goes to a log,
	 * shown only when it fails. */
	snprintf(logp, sizeof(logp), "%s.log", script);
	logfd = open(logp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	pid = fork();
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0)
			dup2(fd, 1);
		if (logfd >= 0)
			dup2(logfd, 2);
		execlp("gnuplot", "gnuplot", script, (char *)NULL);
		_exit(127);
	}
	if (logfd >= 0)
		close(logfd);
	if (pid < 0 || waitpid(pid, &st, 0) < 0) {
		snprintf(err, errlen, "cannot run gnuplot: %s", strerror(errno));
		return -1;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		FILE *lf = fopen(logp, "r");

		while (lf && fgets(line, sizeof(line), lf))
			if (strstr(line, "rror"))
				break;
		if (lf)
			fclose(lf);
		line[strcspn(line, "\n")] = 0;
		if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
			snprintf(err, errlen, "gnuplot not found (install gnuplot-nox)");
		else
			snprintf(err, errlen, "gnuplot failed: %s", line);
		unlink(logp);
		return -1;
	}
	unlink(logp);
	if (stat(tmp_out, &sb) || sb.st_size == 0) {
		snprintf(err, errlen, "gnuplot wrote no output");
		return -1;
	}
	return 0;
}

struct plot_job {
	char data[64], script[64], tmp_out[4200]; /* temporary files */
	FILE *df, *sf;                            /* data and script streams */
};

static int job_open(struct plot_job *j, const struct plot_opts *o, char *err, size_t errlen)
{
	char term[160];
	int fd;

	if (terminal_for(o->output, term, sizeof(term))) {
		snprintf(err, errlen, "%s: the output must end in .png, .svg or .pdf", o->output);
		return -1;
	}
	snprintf(j->data, sizeof(j->data), "/tmp/mmsim-plot-XXXXXX");
	snprintf(j->script, sizeof(j->script), "/tmp/mmsim-plotgp-XXXXXX");
	snprintf(j->tmp_out, sizeof(j->tmp_out), "%s.tmp%s", o->output, strrchr(o->output, '.'));
	fd = mkstemp(j->data);
	j->df = fd >= 0 ? fdopen(fd, "w") : NULL;
	fd = mkstemp(j->script);
	j->sf = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!j->df || !j->sf) {
		snprintf(err, errlen, "cannot create temporary files: %s", strerror(errno));
		return -1;
	}
	fprintf(j->sf, "set terminal %s\nset output ", term);
	gp_str(j->sf, j->tmp_out);
	fprintf(j->sf, "\ndata = ");
	gp_str(j->sf, j->data);
	fprintf(j->sf, "\nstyle_file = '%s/style.gp'\n", analysis_dir());
	return 0;
}

static int job_finish(struct plot_job *j, const struct plot_opts *o, const char *tmpl, char *err,
                      size_t errlen)
{
	int ret;

	fprintf(j->sf, "load '%s/%s'\n", analysis_dir(), tmpl);
	fclose(j->df);
	fclose(j->sf);
	j->df = j->sf = NULL;
	ret = run_gnuplot(j->script, j->tmp_out, err, errlen);
	if (!ret && rename(j->tmp_out, o->output)) {
		snprintf(err, errlen, "%s: %s", o->output, strerror(errno));
		ret = -1;
	}
	if (ret)
		unlink(j->tmp_out);
	unlink(j->data);
	unlink(j->script);
	return ret;
}

static void job_abort(struct plot_job *j)
{
	if (j->df)
		fclose(j->df);
	if (j->sf)
		fclose(j->sf);
	if (j->data[0])
		unlink(j->data);
	if (j->script[0])
		unlink(j->script);
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* ---- kinds ---- */

/* mrc / tlb: series grouped by policy (+ trace). */
static int plot_series(const struct plot_opts *o, const struct table *t, bool tlb, char *err,
                       size_t errlen)
{
	const char *y = o->y ? o->y : tlb ? "tlb_miss_ratio" : "miss_ratio";
	const char *xname = o->x;
	int xc, pc = col(t, "policy"), tc = col(t, "trace");
	bool several_traces = false, mib = false;
	struct point *pts;
	struct plot_job j = {0};
	char titles[4096] = "", groups[256][128];
	size_t ng = 0;
	double tmp;

	if (!xname) {
		if (tlb) {
			for (size_t c = 0; c < t->ncols && !xname; c++)
				if (!strncmp(t->cell[c], "set.tlb.", 8) &&
				    strstr(t->cell[c], "entries"))
					xname = t->cell[c];
			if (!xname) {
				snprintf(err, errlen,
				         "%s: no set.tlb.*.entries column (sweep over a TLB size)",
				         o->input);
				return -1;
			}
		} else if (col(t, "capacity_pages") >= 0 &&
		           num(t, 0, col(t, "capacity_pages")) > 0) {
			xname = "capacity_pages";
		} else {
			xname = "memory_bytes";
			mib = true;
		}
	}
	xc = col(t, xname);
	if (xc < 0 || pc < 0) {
		snprintf(err, errlen, "%s: no '%s' or 'policy' column", o->input, xname);
		return -1;
	}
	if (y_value(t, 0, y, &tmp)) {
		snprintf(err, errlen, "%s: no column '%s'", o->input, y);
		return -1;
	}
	for (size_t r = 1; tc >= 0 && r < t->nrows; r++)
		several_traces |= strcmp(cell(t, r, tc), cell(t, 0, tc)) != 0;
	pts = xcalloc(t->nrows, sizeof(*pts));
	char(*label)[160] = xcalloc(t->nrows, sizeof(*label));
	for (size_t r = 0; r < t->nrows; r++) {
		if (several_traces)
			snprintf(label[r], sizeof(label[r]), "%s:%s", cell(t, r, pc),
			         base_name(cell(t, r, tc)));
		else
			snprintf(label[r], sizeof(label[r]), "%s", cell(t, r, pc));
		for (char *c = label[r]; *c; c++)
			if (*c == ' ' || *c == '"' || *c == '\'')
				*c = '_';
		pts[r].x = num(t, r, xc) / (mib ? 1048576.0 : 1.0);
		y_value(t, r, y, &pts[r].y);
		pts[r].group = label[r];
	}
	qsort(pts, t->nrows, sizeof(*pts), cmp_point);
	if (job_open(&j, o, err, errlen)) {
		job_abort(&j);
		free(pts);
		free(label);
		return -1;
	}
	for (size_t r = 0; r < t->nrows; r++) {
		if (!r || strcmp(pts[r].group, pts[r - 1].group)) {
			if (r)
				fprintf(j.df, "\n\n");
			if (ng < 256) {
				snprintf(groups[ng++], sizeof(groups[0]), "%s", pts[r].group);
				size_t l = strlen(titles);
				snprintf(titles + l, sizeof(titles) - l, "%s%s", l ? " " : "",
				         pts[r].group);
			}
		}
		fprintf(j.df, "%.9g %.9g\n", pts[r].x, pts[r].y);
	}
	fprintf(j.sf, "nseries = %zu\ntitles = ", ng);
	gp_str(j.sf, titles);
	fprintf(j.sf, "\nxlabel = '%s'\nylabel = ",
	        tlb                                ? "TLB entries"
	        : mib                              ? "memory (MiB)"
	        : !strcmp(xname, "capacity_pages") ? "cache capacity (pages)"
	                                           : xname);
	gp_str(j.sf, !strcmp(y, "miss_ratio")       ? "miss ratio (misses / accesses)"
	             : !strcmp(y, "tlb_miss_ratio") ? "TLB miss ratio (page walks / accesses)"
	                                            : y);
	fprintf(j.sf, "\nplot_title = ");
	gp_str(j.sf, o->title ? o->title : tlb ? "TLB miss ratio" : "Miss-ratio curve");
	/* A log2 x axis when sizes span more than a factor of 8 (doubling sweeps). */
	double xmin = pts[0].x, xmax = pts[0].x;

	for (size_t r = 1; r < t->nrows; r++) {
		xmin = pts[r].x < xmin ? pts[r].x : xmin;
		xmax = pts[r].x > xmax ? pts[r].x : xmax;
	}
	fprintf(j.sf, "\nlogx = %d\n", xmin > 0 && xmax / xmin >= 8);
	free(pts);
	free(label);
	return job_finish(&j, o, "plot_series.gp", err, errlen);
}

/* Split "a,b,c" into up to @max names. */
static size_t split_names(const char *s, char names[][64], size_t max)
{
	size_t n = 0;

	while (s && *s && n < max) {
		size_t l = strcspn(s, ",");

		snprintf(names[n++], 64, "%.*s", (int)(l < 63 ? l : 63), s);
		s += l + (s[l] == ',');
	}
	return n;
}

static int plot_time(const struct plot_opts *o, const struct table *t, const char *kind, char *err,
                     size_t errlen)
{
	static const char *const lru_cols =
	        "nr_inactive_anon,nr_active_anon,nr_inactive_file,nr_active_file";
	static const char *const rate_cols =
	        "misses,evictions,pgscan_kswapd,pgsteal_kswapd,pgscan_direct,pgsteal_direct";
	static const char *const ksm_rate_cols = "ksm_pages_scanned,cow_ksm,ksm_swpin_copy";
	char g[16][64], rt[16][64], gt[1024] = "", rtt[1024] = "";
	int gc[16], rc[16], tcol = col(t, "time_ns");
	size_t ng, nr = 0, n;
	struct plot_job j = {0};
	bool stacked = !strcmp(kind, "lru");

	if (tcol < 0) {
		snprintf(err, errlen, "%s: no time_ns column (a run's timeline.csv is needed)",
		         o->input);
		return -1;
	}
	ng = split_names(o->y      ? o->y
	                 : stacked ? lru_cols
	                 : !strcmp(kind, "ksm")
	                         ? "ksm_pages_shared,ksm_pages_sharing,ksm_pages_unshared,"
	                           "ksm_pages_volatile"
	                         : "nr_free_pages",
	                 g, 16);
	for (size_t i = 0; i < ng; i++) {
		gc[i] = col(t, g[i]);
		if (gc[i] < 0) {
			snprintf(err, errlen, "%s: no column '%s'", o->input, g[i]);
			return -1;
		}
		size_t l = strlen(gt);
		snprintf(gt + l, sizeof(gt) - l, "%s%s", l ? " " : "", g[i]);
	}
	/* ksm: memory saved, net of rmap items (general_profit), as a series in pages */
	int profit = !o->y && !strcmp(kind, "ksm") ? col(t, "ksm_general_profit") : -1;

	if (profit >= 0) {
		size_t l = strlen(gt);

		snprintf(gt + l, sizeof(gt) - l, " memory_saved");
	}
	if (!strcmp(kind, "timeline") || !strcmp(kind, "ksm")) { /* rates of counters that moved */
		n = split_names(!strcmp(kind, "ksm") ? ksm_rate_cols : rate_cols, rt, 16);
		for (size_t i = 0; i < n; i++) {
			int c = col(t, rt[i]);

			if (c < 0 || num(t, t->nrows - 1, c) == num(t, 0, c))
				continue;
			rc[nr] = c;
			memmove(rt[nr], rt[i], 64);
			size_t l = strlen(rtt);
			snprintf(rtt + l, sizeof(rtt) - l, "%s%s", l ? " " : "", rt[nr]);
			nr++;
		}
	}
	if (job_open(&j, o, err, errlen)) {
		job_abort(&j);
		return -1;
	}
	for (size_t r = 0; r < t->nrows; r++) {
		double sum = 0;

		fprintf(j.df, "%.9g", num(t, r, tcol) / 1e6);
		for (size_t i = 0; i < ng; i++) {
			sum += num(t, r, gc[i]);
			fprintf(j.df, " %.9g", stacked ? sum : num(t, r, gc[i]));
		}
		if (profit >= 0)
			fprintf(j.df, " %.9g", num(t, r, profit) / 4096.0);
		/* Rates per ms of simulated time, so a short last interval is not a dip. */
		double dt = (num(t, r, tcol) - (r ? num(t, r - 1, tcol) : 0)) / 1e6;

		for (size_t i = 0; i < nr; i++)
			fprintf(j.df, " %.9g",
			        dt > 0 ? (num(t, r, rc[i]) - (r ? num(t, r - 1, rc[i]) : 0)) / dt
			               : 0.0);
		fputc('\n', j.df);
	}
	if (stacked) {
		fprintf(j.sf, "nseries = %zu\ntitles = ", ng);
		gp_str(j.sf, gt);
		fprintf(j.sf, "\nylabel = 'pages'\nplot_title = ");
		gp_str(j.sf, o->title ? o->title : "LRU list sizes");
		fputc('\n', j.sf);
		return job_finish(&j, o, "plot_stacked.gp", err, errlen);
	}
	fprintf(j.sf, "ngauges = %zu\nnrates = %zu\ngtitles = ", ng + (profit >= 0), nr);
	gp_str(j.sf, gt);
	fprintf(j.sf, "\nrtitles = ");
	gp_str(j.sf, rtt);
	/* Watermark lines when the timeline carries them (full machine). */
	int wm[3] = {col(t, "wmark_min"), col(t, "wmark_low"), col(t, "wmark_high")};

	if (ng != 1 || strcmp(g[0], "nr_free_pages"))
		wm[0] = wm[1] = wm[2] = -1; /* watermarks only make sense against free pages */
	fprintf(j.sf, "\nwmin = %.0f\nwlow = %.0f\nwhigh = %.0f\nplot_title = ",
	        wm[0] >= 0 ? num(t, 0, wm[0]) : 0.0, wm[1] >= 0 ? num(t, 0, wm[1]) : 0.0,
	        wm[2] >= 0 ? num(t, 0, wm[2]) : 0.0);
	gp_str(j.sf, o->title ? o->title : !strcmp(kind, "ksm") ? "KSM sharing" : "Run timeline");
	fputc('\n', j.sf);
	return job_finish(&j, o, "plot_timeline.gp", err, errlen);
}

int plot_make(const struct plot_opts *o, char *err, size_t errlen)
{
	char path[4200];
	struct stat sb;
	const char *kind = o->kind;
	struct table t;
	int ret;

	snprintf(path, sizeof(path), "%s", o->input);
	if (!stat(o->input, &sb) && S_ISDIR(sb.st_mode)) {
		snprintf(path, sizeof(path), "%s/results.csv", o->input);
		if (access(path, F_OK)) {
			snprintf(path, sizeof(path), "%s/timeline.csv", o->input);
			if (!kind)
				kind = "timeline";
		} else if (!kind) {
			kind = "mrc";
		}
	}
	if (!kind)
		kind = strstr(path, "timeline") ? "timeline" : "mrc";
	if (table_read(path, &t, err, errlen))
		return -1;
	if (!strcmp(kind, "mrc") || !strcmp(kind, "tlb"))
		ret = plot_series(o, &t, !strcmp(kind, "tlb"), err, errlen);
	else if (!strcmp(kind, "timeline") || !strcmp(kind, "lru") || !strcmp(kind, "ksm"))
		ret = plot_time(o, &t, kind, err, errlen);
	else {
		snprintf(err, errlen, "unknown plot kind '%s' (mrc, timeline, lru, tlb, ksm)",
		         kind);
		ret = -1;
	}
	table_free(&t);
	return ret;
}
