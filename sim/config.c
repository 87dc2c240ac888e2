// SPDX-License-Identifier: MIT
/*
 * config.c - the machine configuration.
 *
 * Theory: one schema table names every key mmsim understands, with its type,
 * default, range and a one-line doc. Values are held as canonical text per
 * schema slot, so the effective configuration can be written back verbatim
 * (config.ini next to every result) and hashed (config_hash in summary.csv):
 * two runs with equal hashes ran the same machine. Files are parsed with inih;
 * every problem is reported as FILE:LINE. Keys "[policy] <name>.<key>" are
 * kept as free-form text for the policy to validate at init.
 */
#include "config.h"

#include "util.h"

#include <ini.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define CFG_MAX_VALUE 128 /* longest free-form value: config.ini lines stay under inih's 200 */

enum cfg_type { CFG_U64, CFG_SIZE, CFG_TIME, CFG_DOUBLE, CFG_BOOL, CFG_ENUM, CFG_STRING };

struct cfg_key {
	const char *name;    /* "section.key" */
	enum cfg_type type;  /* value type */
	const char *def;     /* default, canonical text */
	double min, max;     /* inclusive range for numbers (max 0 = unbounded) */
	const char *choices; /* CFG_ENUM: "a|b|c" */
	const char *doc;     /* one line */
};

/* The schema: order here is the order of config.ini. */
static const struct cfg_key schema[] = {
        {"machine.arch", CFG_ENUM, "x86_64", 0, 0, "x86_64|x86_64-la57|x86_32|arm32|arm64",
         "architecture: page-table scheme and zone layout"},
        {"machine.memory", CFG_SIZE, "4G", 1 << 20, 0, NULL, "physical memory (bytes, K/M/G/T)"},
        {"machine.page_size", CFG_SIZE, "4096", 4096, 4096, NULL, "base page size (only 4096)"},
        {"machine.nodes", CFG_U64, "1", 1, 8, NULL,
         "NUMA nodes: memory split in equal nodes by address (numa=fake), 64-bit arches"},
        {"tlb.l1d.entries", CFG_U64, "64", 0, 1 << 20, NULL,
         "L1 data TLB entries (0 = none); Skylake 64"},
        {"tlb.l1d.ways", CFG_U64, "4", 1, 1 << 20, NULL, "L1 data TLB associativity; Skylake 4"},
        {"tlb.l1i.entries", CFG_U64, "128", 0, 1 << 20, NULL,
         "L1 instruction TLB entries; Skylake 128"},
        {"tlb.l1i.ways", CFG_U64, "8", 1, 1 << 20, NULL,
         "L1 instruction TLB associativity; Skylake 8"},
        {"tlb.l2.entries", CFG_U64, "1536", 0, 1 << 24, NULL,
         "unified second-level TLB entries; Skylake 1536"},
        {"tlb.l2.ways", CFG_U64, "12", 1, 1 << 24, NULL,
         "second-level TLB associativity; Skylake 12"},
        {"tlb.asid", CFG_BOOL, "1", 0, 0, NULL, "ASID/PCID tagging (0 = flush on context switch)"},
        {"tlb.pwc", CFG_U64, "0", 0, 1 << 16, NULL,
         "page-walk cache entries per upper level (0 = off)"},
        {"vm.swappiness", CFG_U64, "60", 0, 200, NULL, "anon vs file reclaim balance, 0..200"},
        {"vm.min_free_kbytes", CFG_U64, "0", 0, 1ULL << 40, NULL,
         "0 = computed as the kernel does (int_sqrt(lowmem_kbytes*16), clamped 128..262144)"},
        {"vm.watermark_scale_factor", CFG_U64, "10", 1, 3000, NULL,
         "watermark gap in 1/10000 of zone memory"},
        {"vm.read_ahead_kb", CFG_U64, "128", 0, 1 << 20, NULL,
         "read() readahead window maximum (the block device's read_ahead_kb; 0 = off)"},
        {"vm.page_cluster", CFG_U64, "3", 0, 31, NULL,
         "swap readahead window 2^page_cluster pages"},
        {"vm.lowmem_reserve_ratio", CFG_STRING, "256 256 32 0 0", 0, 0, NULL,
         "per-zone ratios DMA DMA32 Normal HighMem Movable (space separated)"},
        {"vm.implicit_vma", CFG_BOOL, "1", 0, 0, NULL,
         "accesses outside any VMA create anonymous VMAs (traces without mmap events)"},
        {"swap.size", CFG_SIZE, "0", 0, 0, NULL, "swap device size (0 = no swap)"},
        {"swap.read_latency", CFG_TIME, "80us", 0, 0, NULL,
         "time to read a page from swap (NVMe-class SSD)"},
        {"swap.write_latency", CFG_TIME, "30us", 0, 0, NULL, "time to write a page to swap"},
        {"swap.synchronous", CFG_BOOL, "0", 0, 0, NULL,
         "1 = writes finish before reclaim goes on (zram, SWP_SYNCHRONOUS_IO); 0 = a written "
         "page stays under writeback for swap.write_latency and is freed by a later scan"},
        {"cost.access", CFG_TIME, "1ns", 0, 0, NULL, "a memory access that hits the L1 TLB"},
        {"cost.tlb_l2_hit", CFG_TIME, "3ns", 0, 0, NULL,
         "extra for an L1 miss that hits the L2 TLB (~9 cycles)"},
        {"cost.walk_ref", CFG_TIME, "10ns", 0, 0, NULL,
         "each memory reference of a page walk (mostly cache hits)"},
        {"cost.minor_fault", CFG_TIME, "500ns", 0, 0, NULL,
         "a fault served without I/O (demand zero, page cache hit)"},
        {"cost.major_fault", CFG_TIME, "80us", 0, 0, NULL,
         "a fault that reads a file page from storage"},
        {"cost.cow_copy", CFG_TIME, "1us", 0, 0, NULL, "copying a page on a copy-on-write fault"},
        {"cost.reclaim_page", CFG_TIME, "200ns", 0, 0, NULL, "scanning one page during reclaim"},
        {"cost.ksm_compare", CFG_TIME, "50ns", 0, 0, NULL,
         "ksmd: one page comparison in a stable or unstable tree search"},
        {"cost.ksm_merge", CFG_TIME, "2us", 0, 0, NULL,
         "ksmd: merging a page (write-protect, remap, TLB shootdown)"},
        {"cost.syscall", CFG_TIME, "200ns", 0, 0, NULL,
         "an mmap/munmap/read/... record, before page work"},
        {"policy.name", CFG_STRING, "linux", 0, 0, NULL, "reclaim policy (see mmsim policies)"},
        {"engine.streams", CFG_ENUM, "trace", 0, 0, "trace|process",
         "trace: records run in trace order on one CPU; process: one CPU stream per process"},
        {"metrics.interval", CFG_TIME, "10ms", 1, 0, NULL,
         "timeline.csv sampling interval (simulated time)"},
        {"debug.check_invariants", CFG_BOOL, "0", 0, 0, NULL,
         "validate all model invariants after every step (slow)"},
        {"ksm.run", CFG_BOOL, "0", 0, 0, NULL, "ksmd runs (sysfs run)"},
        {"ksm.pages_to_scan", CFG_U64, "100", 1, 1 << 30, NULL, "pages scanned per wake-up"},
        {"ksm.sleep_millisecs", CFG_U64, "20", 0, 1 << 30, NULL, "ksmd sleep between scans (ms)"},
        {"ksm.max_page_sharing", CFG_U64, "256", 2, 1 << 30, NULL,
         "rmap items per stable node before chaining"},
        {"ksm.use_zero_pages", CFG_BOOL, "0", 0, 0, NULL, "map zero pages to the shared zero page"},
        {"ksm.merge_across_nodes", CFG_BOOL, "1", 0, 0, NULL,
         "merge pages of different NUMA nodes"},
        {"ksm.smart_scan", CFG_BOOL, "1", 0, 0, NULL, "skip pages that repeatedly fail to merge"},
        {"memcg.groups", CFG_STRING, "", 0, 0, NULL,
         "more cgroups: NAME:LIMIT:PID[,PID...] entries, space separated (children inherit)"},
        {"memcg.stats_period", CFG_TIME, "2s", 0, 0, NULL,
         "cgroup LRU statistics refresh period as policies read them (kernel: 2s; 0 = exact)"},
        {"memcg.limit", CFG_SIZE, "0", 0, 0, NULL,
         "memory cgroup limit for the whole trace (0 = none)"},
        {"numa.placement", CFG_STRING, "spread", 0, 0, NULL,
         "node a process runs on: spread (round robin in order of appearance) or a node number"},
        {"numa.bind", CFG_STRING, "", 0, 0, NULL,
         "per-process nodes: PID:NODE entries, comma separated (override numa.placement)"},
};

#define NR_KEYS (sizeof(schema) / sizeof(schema[0]))

struct config {
	char *val[NR_KEYS]; /* canonical text per schema key */
	char **extra_key;   /* free-form "policy.<name>.<key>" keys, in insertion order */
	char **extra_val;   /* their values */
	size_t nr_extra;    /* number of free-form keys */
};

static int key_index(const char *name)
{
	for (size_t i = 0; i < NR_KEYS; i++)
		if (!strcmp(schema[i].name, name))
			return (int)i;
	return -1;
}

/* Free-form text must survive config.ini and inih's line limit unchanged. */
static bool text_ok(const char *text)
{
	size_t n = strlen(text);

	if (n > CFG_MAX_VALUE || (n && (text[0] == ' ' || text[n - 1] == ' ')))
		return false;
	for (const char *p = text; *p; p++)
		if (*p < 0x20 || *p > 0x7e || *p == ';' || *p == '#')
			return false;
	return true;
}

/* Validate @text for key @k; on success store the canonical form in @canon. */
static int validate(const struct cfg_key *k, const char *text, char *canon, size_t len, char *why,
                    size_t whylen)
{
	uint64_t v;
	double d;
	char *end;

	switch (k->type) {
	case CFG_U64:
	case CFG_SIZE:
	case CFG_TIME:
		if ((k->type == CFG_U64    ? parse_u64(text, &v)
		     : k->type == CFG_SIZE ? parse_size(text, &v)
		                           : parse_time_ns(text, &v))) {
			snprintf(why, whylen, "'%s' is not a valid %s", text,
			         k->type == CFG_U64    ? "number"
			         : k->type == CFG_SIZE ? "size"
			                               : "time");
			return -1;
		}
		if ((double)v < k->min || (k->max > 0 && (double)v > k->max)) {
			if (k->max > 0)
				snprintf(why, whylen, "'%s' out of range %.0f..%.0f", text, k->min,
				         k->max);
			else
				snprintf(why, whylen, "'%s' is below the minimum %.0f", text,
				         k->min);
			return -1;
		}
		if (k->type == CFG_SIZE) {
			format_size(v, canon, len);
		} else if (k->type == CFG_TIME) {
			if (v && v % 1000000000ULL == 0)
				snprintf(canon, len, "%llus",
				         (unsigned long long)(v / 1000000000ULL));
			else if (v && v % 1000000ULL == 0)
				snprintf(canon, len, "%llums",
				         (unsigned long long)(v / 1000000ULL));
			else if (v && v % 1000ULL == 0)
				snprintf(canon, len, "%lluus", (unsigned long long)(v / 1000ULL));
			else
				snprintf(canon, len, "%lluns", (unsigned long long)v);
		} else {
			snprintf(canon, len, "%llu", (unsigned long long)v);
		}
		return 0;
	case CFG_DOUBLE:
		d = strtod(text, &end);
		if (end == text || *end || d < k->min || (k->max > 0 && d > k->max)) {
			snprintf(why, whylen, "'%s' is not a number in range", text);
			return -1;
		}
		snprintf(canon, len, "%.17g", d);
		return 0;
	case CFG_BOOL:
		if (!strcmp(text, "1") || !strcmp(text, "true") || !strcmp(text, "yes") ||
		    !strcmp(text, "on")) {
			snprintf(canon, len, "1");
			return 0;
		}
		if (!strcmp(text, "0") || !strcmp(text, "false") || !strcmp(text, "no") ||
		    !strcmp(text, "off")) {
			snprintf(canon, len, "0");
			return 0;
		}
		snprintf(why, whylen, "'%s' is not a boolean (0/1, true/false, yes/no, on/off)",
		         text);
		return -1;
	case CFG_ENUM: {
		size_t tl = strlen(text);

		for (const char *c = k->choices; *c;) {
			size_t cl = strcspn(c, "|");

			if (cl == tl && !strncmp(c, text, cl)) {
				snprintf(canon, len, "%s", text);
				return 0;
			}
			c += cl + (c[cl] == '|');
		}
		snprintf(why, whylen, "'%s' is not one of %s", text, k->choices);
		return -1;
	}
	case CFG_STRING:
		if (!text_ok(text)) {
			snprintf(why, whylen,
			         "values must be printable ASCII of at most %d characters",
			         CFG_MAX_VALUE);
			return -1;
		}
		snprintf(canon, len, "%s", text);
		return 0;
	}
	return -1;
}

struct config *config_new(void)
{
	struct config *c = xcalloc(1, sizeof(*c));

	for (size_t i = 0; i < NR_KEYS; i++) {
		char canon[256], why[300];

		/* Defaults go through the same canonicalisation as user values. */
		SIM_BUG_ON(validate(&schema[i], schema[i].def, canon, sizeof(canon), why,
		                    sizeof(why)));
		c->val[i] = xstrdup(canon);
	}
	return c;
}

void config_free(struct config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < NR_KEYS; i++)
		free(c->val[i]);
	for (size_t i = 0; i < c->nr_extra; i++) {
		free(c->extra_key[i]);
		free(c->extra_val[i]);
	}
	free(c->extra_key);
	free(c->extra_val);
	free(c);
}

/* A free-form policy key: "policy.<name>.<key>" with word characters. */
static bool is_policy_param(const char *name)
{
	const char *p;

	if (strncmp(name, "policy.", 7))
		return false;
	p = name + 7;
	if (!strchr(p, '.') || p[0] == '.' || name[strlen(name) - 1] == '.' || strstr(p, "..") ||
	    strlen(name) > 96)
		return false;
	for (; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || *p == '-'))
			return false;
	return true;
}

/* Set without location: returns 0 or -1 with the reason in @why. */
static int set_value(struct config *c, const char *name, const char *value, char *why,
                     size_t whylen)
{
	char canon[256];
	int i = key_index(name);

	if (i < 0) {
		if (is_policy_param(name)) {
			if (!text_ok(value)) {
				snprintf(why, whylen,
				         "%s: values must be printable ASCII of at most %d "
				         "characters",
				         name, CFG_MAX_VALUE);
				return -1;
			}
			for (size_t k = 0; k < c->nr_extra; k++)
				if (!strcmp(c->extra_key[k], name)) {
					free(c->extra_val[k]);
					c->extra_val[k] = xstrdup(value);
					return 0;
				}
			c->extra_key = xrealloc(c->extra_key, (c->nr_extra + 1) * sizeof(char *));
			c->extra_val = xrealloc(c->extra_val, (c->nr_extra + 1) * sizeof(char *));
			c->extra_key[c->nr_extra] = xstrdup(name);
			c->extra_val[c->nr_extra] = xstrdup(value);
			c->nr_extra++;
			return 0;
		}
		const char *dot = strchr(name, '.');
		if (!dot)
			snprintf(why, whylen, "'%s' is not of the form section.key", name);
		else
			snprintf(why, whylen, "unknown key '%s' in [%.*s]", dot + 1,
			         (int)(dot - name), name);
		return -1;
	}
	if (validate(&schema[i], value, canon, sizeof(canon), why, whylen))
		return -1;
	free(c->val[i]);
	c->val[i] = xstrdup(canon);
	return 0;
}

int config_set(struct config *c, const char *section_key, const char *value, char *err,
               size_t errlen)
{
	char why[300];

	if (set_value(c, section_key, value, why, sizeof(why))) {
		snprintf(err, errlen, "-s %s=%s: %s", section_key, value, why);
		return -1;
	}
	return 0;
}

struct load_ctx {
	struct config *c; /* target */
	const char *path; /* for messages */
	char *err;        /* message buffer */
	size_t errlen;    /* its size */
	int failed;       /* first error recorded */
	int line;         /* line being parsed */
	FILE *f;          /* the file */
};

/* inih reads line by line through this, so lc->line is the line being handled. */
static char *cfg_reader(char *str, int num, void *stream)
{
	struct load_ctx *lc = stream;
	char *s = fgets(str, num, lc->f);

	if (s)
		lc->line++;
	return s;
}

static int cfg_handler(void *user, const char *section, const char *name, const char *value)
{
	struct load_ctx *lc = user;
	char full[256], why[300];
	int lineno = lc->line;

	if (lc->failed)
		return 0;
	if (!*section) {
		snprintf(lc->err, lc->errlen, "%s:%d: key '%s' outside any [section]", lc->path,
		         lineno, name);
		lc->failed = 1;
		return 0;
	}
	snprintf(full, sizeof(full), "%s.%s", section, name);
	if (set_value(lc->c, full, value, why, sizeof(why))) {
		if (key_index(full) >= 0)
			snprintf(lc->err, lc->errlen, "%s:%d: %s: %s", lc->path, lineno, full, why);
		else
			snprintf(lc->err, lc->errlen, "%s:%d: %s", lc->path, lineno, why);
		lc->failed = 1;
		return 0;
	}
	return 1;
}

int config_load_file(struct config *c, const char *path, char *err, size_t errlen)
{
	struct load_ctx lc = {.c = c, .path = path, .err = err, .errlen = errlen};
	FILE *f = fopen(path, "r");
	int rc;

	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %m", path);
		return -1;
	}
	lc.f = f;
	rc = ini_parse_stream(cfg_reader, &lc, cfg_handler, &lc);
	fclose(f);
	if (lc.failed)
		return -1;
	if (rc > 0) {
		snprintf(err, errlen, "%s:%d: syntax error (expected [section] or key = value)",
		         path, rc);
		return -1;
	}
	if (rc < 0) {
		snprintf(err, errlen, "%s: cannot read", path);
		return -1;
	}
	return 0;
}

const char *config_get(const struct config *c, const char *section_key)
{
	int i = key_index(section_key);

	if (i >= 0)
		return c->val[i];
	for (size_t k = 0; k < c->nr_extra; k++)
		if (!strcmp(c->extra_key[k], section_key))
			return c->extra_val[k];
	return NULL;
}

static const char *must_get(const struct config *c, const char *section_key, enum cfg_type want)
{
	int i = key_index(section_key);

	SIM_BUG_ON(i < 0);
	SIM_BUG_ON(schema[i].type != want);
	return c->val[i];
}

uint64_t config_u64(const struct config *c, const char *section_key)
{
	uint64_t v = 0;
	int i = key_index(section_key);

	SIM_BUG_ON(i < 0);
	if (schema[i].type == CFG_BOOL)
		return c->val[i][0] == '1';
	SIM_BUG_ON(parse_u64(must_get(c, section_key, CFG_U64), &v));
	return v;
}

uint64_t config_size(const struct config *c, const char *section_key)
{
	uint64_t v = 0;

	SIM_BUG_ON(parse_size(must_get(c, section_key, CFG_SIZE), &v));
	return v;
}

uint64_t config_time_ns(const struct config *c, const char *section_key)
{
	uint64_t v = 0;

	SIM_BUG_ON(parse_time_ns(must_get(c, section_key, CFG_TIME), &v));
	return v;
}

double config_double(const struct config *c, const char *section_key)
{
	return strtod(must_get(c, section_key, CFG_DOUBLE), NULL);
}

bool config_bool(const struct config *c, const char *section_key)
{
	return must_get(c, section_key, CFG_BOOL)[0] == '1';
}

/* Write sections in schema order; free-form policy keys follow [policy]'s own. */
static void write_ini(const struct config *c, FILE *f, bool comments)
{
	const char *cur = NULL;
	size_t cur_len = 0;

	for (size_t i = 0; i < NR_KEYS; i++) {
		const char *name = schema[i].name;
		size_t sl = strcspn(name, ".");

		if (!cur || sl != cur_len || strncmp(cur, name, sl)) {
			if (cur && cur_len == 6 && !strncmp(cur, "policy", 6))
				for (size_t k = 0; k < c->nr_extra; k++)
					fprintf(f, "%s = %s\n", c->extra_key[k] + 7,
					        c->extra_val[k]);
			fprintf(f, "%s[%.*s]\n", cur ? "\n" : "", (int)sl, name);
			cur = name;
			cur_len = sl;
		}
		if (comments)
			fprintf(f, "; %s\n", schema[i].doc);
		fprintf(f, "%s = %s\n", name + sl + 1, c->val[i]);
	}
}

int config_write_ini(const struct config *c, FILE *f)
{
	fprintf(f, "; mmsim effective configuration: every key with its value in force.\n"
	           "; Load it with 'mmsim run -c config.ini' to repeat the run.\n\n");
	write_ini(c, f, true);
	return ferror(f) ? -1 : 0;
}

uint64_t config_hash(const struct config *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	uint64_t h;

	SIM_BUG_ON(!m);
	write_ini(c, m, false);
	fclose(m);
	h = fnv1a64(buf, len, 0);
	free(buf);
	return h;
}
