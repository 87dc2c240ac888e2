// SPDX-License-Identifier: MIT
/*
 * sweep.c - sweep files and their run sets.
 *
 *   [sweep]
 *   traces   = traces/zipf-?.mmt.zst, extra.csv ; paths and globs, relative to this file
 *   policies = lru, clock, arc
 *   capacity = 1000, 2000, 4000               ; cache mode (pages)  -- or --
 *   memory   = 256M, 512M                     ; full machine (-m)
 *   config   = machine.ini                    ; optional base configuration
 *   from     = ids                            ; optional trace format
 *   set.vm.swappiness = 0, 60, 100            ; any config key, any number of values
 *
 * Trace names are kept as written (relative to the sweep file) for ids and
 * results.csv, and resolved against the sweep file's directory when run.
 * The run set is the cartesian product, in file order with the last axis
 * varying fastest. A run's id is the FNV-1a hash of its canonical parameter
 * string ("trace=...;policy=...;capacity=...;vm.swappiness=..."), so it
 * depends only on what the run is, never on its position: adding a value to
 * an axis adds runs without renaming finished ones.
 */
#include "sweep.h"

#include "util.h"

#include <glob.h>
#include <ini.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sweep_parse {
	struct sweep *s;                 /* being filled */
	FILE *f;                         /* the file */
	int line;                        /* current line */
	char *err;                       /* message buffer */
	size_t errlen;                   /* its size */
	int failed;                      /* first error recorded */
	char *traces, *policies, *sizes; /* raw lists */
	int sizes_line;                  /* line of memory/capacity */
};

static char *sw_reader(char *str, int num, void *stream)
{
	struct sweep_parse *sp = stream;
	char *r = fgets(str, num, sp->f);

	if (r)
		sp->line++;
	return r;
}

/* Split "a, b ,c" into trimmed words appended to @ax. */
static void split_list(struct sweep_axis *ax, const char *text)
{
	const char *p = text;

	while (*p) {
		size_t l = strcspn(p, ",");
		const char *a = p, *b = p + l;

		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		if (b > a) {
			ax->values = xrealloc(ax->values, (ax->nr + 1) * sizeof(char *));
			ax->values[ax->nr] = xmalloc((size_t)(b - a) + 1);
			memcpy(ax->values[ax->nr], a, (size_t)(b - a));
			ax->values[ax->nr][b - a] = 0;
			ax->nr++;
		}
		p += l + (p[l] == ',');
	}
}

static int sw_handler(void *user, const char *section, const char *name, const char *value)
{
	struct sweep_parse *sp = user;
	struct sweep *s = sp->s;

	if (sp->failed)
		return 0;
	if (strcmp(section, "sweep")) {
		snprintf(sp->err, sp->errlen, "%s:%d: unknown section [%s] (expected [sweep])",
		         s->path, sp->line, section);
		sp->failed = 1;
		return 0;
	}
	if (!strcmp(name, "traces"))
		sp->traces = xstrdup(value);
	else if (!strcmp(name, "policies") || !strcmp(name, "policy"))
		sp->policies = xstrdup(value);
	else if (!strcmp(name, "memory") || !strcmp(name, "capacity")) {
		if (sp->sizes) {
			snprintf(sp->err, sp->errlen, "%s:%d: give memory or capacity, not both",
			         s->path, sp->line);
			sp->failed = 1;
			return 0;
		}
		sp->sizes = xstrdup(value);
		s->cache_mode = !strcmp(name, "capacity");
		sp->sizes_line = sp->line;
	} else if (!strcmp(name, "config"))
		s->config = xstrdup(value);
	else if (!strcmp(name, "from"))
		s->from = xstrdup(value);
	else if (!strncmp(name, "set.", 4) && strchr(name + 4, '.')) {
		struct sweep_axis *ax;

		if (s->nr_axes >= SWEEP_MAX_AXES + 3) {
			snprintf(sp->err, sp->errlen, "%s:%d: too many set.* keys", s->path,
			         sp->line);
			sp->failed = 1;
			return 0;
		}
		ax = &s->axis[s->nr_axes++];
		ax->key = xstrdup(name + 4);
		split_list(ax, value);
		if (!ax->nr) {
			snprintf(sp->err, sp->errlen, "%s:%d: %s has no values", s->path, sp->line,
			         name);
			sp->failed = 1;
		}
	} else {
		snprintf(sp->err, sp->errlen,
		         "%s:%d: unknown key '%s' (traces, policies, memory, capacity, config, "
		         "from, set.SECTION.KEY)",
		         s->path, sp->line, name);
		sp->failed = 1;
	}
	return !sp->failed;
}

/* Resolve @p against the sweep file's directory unless absolute. */
static char *resolve(const struct sweep *s, const char *p)
{
	size_t n;
	char *out;

	if (p[0] == '/' || !strcmp(s->dir, "."))
		return xstrdup(p);
	n = strlen(s->dir) + strlen(p) + 2;
	out = xmalloc(n);
	snprintf(out, n, "%s/%s", s->dir, p);
	return out;
}

static int expand_traces(struct sweep *s, struct sweep_axis *ax, const char *list, char *err,
                         size_t errlen)
{
	struct sweep_axis raw = {0};

	split_list(&raw, list);
	for (size_t i = 0; i < raw.nr; i++) {
		char *pat = resolve(s, raw.values[i]);
		glob_t g;

		/* Keep names relative to the sweep file, so ids do not depend on the cwd. */
		size_t skip = strcmp(pat, raw.values[i]) ? strlen(s->dir) + 1 : 0;

		if (glob(pat, GLOB_NOCHECK | GLOB_BRACE, NULL, &g) == 0) {
			for (size_t k = 0; k < g.gl_pathc; k++) {
				ax->values = xrealloc(ax->values, (ax->nr + 1) * sizeof(char *));
				ax->values[ax->nr++] = xstrdup(g.gl_pathv[k] + skip);
			}
			globfree(&g);
		}
		free(pat);
		free(raw.values[i]);
	}
	free(raw.values);
	if (!ax->nr) {
		snprintf(err, errlen, "%s: traces matches nothing", s->path);
		return -1;
	}
	return 0;
}

static void make_runs(struct sweep *s)
{
	size_t total = 1, idx[SWEEP_MAX_AXES + 3] = {0};

	for (size_t a = 0; a < s->nr_axes; a++)
		total *= s->axis[a].nr;
	s->runs = xcalloc(total, sizeof(*s->runs));
	s->nr_runs = total;
	for (size_t r = 0; r < total; r++) {
		struct sweep_run *run = &s->runs[r];
		char canon[8192];
		size_t off = 0;

		run->index = r;
		for (size_t a = 0; a < s->nr_axes; a++) {
			run->value[a] = s->axis[a].values[idx[a]];
			off += (size_t)snprintf(canon + off,
			                        off < sizeof(canon) ? sizeof(canon) - off : 0,
			                        "%s=%s;", s->axis[a].key, run->value[a]);
		}
		if (off >= sizeof(canon))
			off = sizeof(canon) - 1;
		snprintf(run->id, sizeof(run->id), "%016llx",
		         (unsigned long long)fnv1a64(canon, off, 0));
		for (size_t a = s->nr_axes; a-- > 0;) { /* odometer: last axis fastest */
			if (++idx[a] < s->axis[a].nr)
				break;
			idx[a] = 0;
		}
	}
}

int sweep_load(struct sweep *s, const char *path, char *err, size_t errlen)
{
	struct sweep_parse sp = {.s = s, .err = err, .errlen = errlen};
	char *tmp;
	int rc;

	memset(s, 0, sizeof(*s));
	s->path = xstrdup(path);
	tmp = xstrdup(path);
	s->dir = xstrdup(dirname(tmp));
	free(tmp);
	sp.f = fopen(path, "r");
	if (!sp.f) {
		snprintf(err, errlen, "%s: cannot open: %m", path);
		return -1;
	}
	/* Axes 0..2 are traces, policies, sizes; set.* keys follow. */
	s->nr_axes = 3;
	s->axis[0].key = xstrdup("trace");
	s->axis[1].key = xstrdup("policy");
	rc = ini_parse_stream(sw_reader, &sp, sw_handler, &sp);
	fclose(sp.f);
	if (!sp.failed && rc > 0) {
		snprintf(err, errlen, "%s:%d: syntax error", path, rc);
		sp.failed = 1;
	}
	if (!sp.failed && (!sp.traces || !sp.policies || !sp.sizes)) {
		snprintf(err, errlen, "%s: [sweep] needs traces, policies and memory or capacity",
		         path);
		sp.failed = 1;
	}
	if (!sp.failed && expand_traces(s, &s->axis[0], sp.traces, err, errlen))
		sp.failed = 1;
	if (!sp.failed) {
		split_list(&s->axis[1], sp.policies);
		s->axis[2].key = xstrdup(s->cache_mode ? "capacity" : "memory");
		split_list(&s->axis[2], sp.sizes);
		for (size_t i = 0; i < s->axis[2].nr; i++) {
			uint64_t v;

			if (parse_size(s->axis[2].values[i], &v) || !v) {
				snprintf(err, errlen, "%s:%d: bad %s value '%s'", path,
				         sp.sizes_line, s->axis[2].key, s->axis[2].values[i]);
				sp.failed = 1;
				break;
			}
		}
		if (!s->axis[1].nr && !sp.failed) {
			snprintf(err, errlen, "%s: policies is empty", path);
			sp.failed = 1;
		}
	}
	if (!sp.failed && s->config) {
		char *c = resolve(s, s->config);

		free(s->config);
		s->config = c;
	}
	free(sp.traces);
	free(sp.policies);
	free(sp.sizes);
	if (sp.failed)
		return -1;
	make_runs(s);
	return 0;
}

void sweep_free(struct sweep *s)
{
	for (size_t a = 0; a < s->nr_axes; a++) {
		for (size_t i = 0; i < s->axis[a].nr; i++)
			free(s->axis[a].values[i]);
		free(s->axis[a].values);
		free(s->axis[a].key);
	}
	free(s->runs);
	free(s->path);
	free(s->dir);
	free(s->config);
	free(s->from);
	memset(s, 0, sizeof(*s));
}

void sweep_param_name(const struct sweep *s, size_t i, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", i < 3 ? "" : "set.", s->axis[i].key);
}

char **sweep_run_args(const struct sweep *s, const struct sweep_run *r, const char *mmsim,
                      const char *outdir)
{
	char **av = xcalloc(16 + 2 * s->nr_axes, sizeof(char *));
	size_t n = 0;

	av[n++] = xstrdup(mmsim);
	av[n++] = xstrdup("run");
	av[n++] = xstrdup("-q");
	if (s->config) {
		av[n++] = xstrdup("-c");
		av[n++] = xstrdup(s->config);
	}
	if (s->from) {
		av[n++] = xstrdup("--from");
		av[n++] = xstrdup(s->from);
	}
	av[n++] = xstrdup("-p");
	av[n++] = xstrdup(r->value[1]);
	av[n++] = xstrdup(s->cache_mode ? "--capacity" : "-m");
	av[n++] = xstrdup(r->value[2]);
	for (size_t a = 3; a < s->nr_axes; a++) {
		size_t l = strlen(s->axis[a].key) + strlen(r->value[a]) + 2;
		char *kv = xmalloc(l);

		snprintf(kv, l, "%s=%s", s->axis[a].key, r->value[a]);
		av[n++] = xstrdup("-s");
		av[n++] = kv;
	}
	av[n++] = xstrdup("-o");
	av[n++] = xstrdup(outdir);
	av[n++] = resolve(s, r->value[0]);
	av[n] = NULL;
	return av;
}
