// SPDX-License-Identifier: MIT
/*
 * cmd_machine.c - 'mmsim machine': print the modelled machine without running
 * anything, in the style of /proc/zoneinfo.
 */
#include "cli.h"
#include "config.h"
#include "machine.h"
#include "policy_core.h"
#include "util.h"
#include "zone.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void machine_usage(FILE *out)
{
	fprintf(out,
	        "usage: mmsim machine [-c machine.ini] [-m MEMORY] [-s KEY=VALUE]...\n\n"
	        "Print the modelled machine: min_free_kbytes, then per zone the managed pages,\n"
	        "min/low/high watermarks and protection (lowmem_reserve) as /proc/zoneinfo\n"
	        "shows them, the page-table scheme, TLB geometry and swap.\n");
}

static const char *scheme_of(const char *arch)
{
	if (!strcmp(arch, "x86_64"))
		return "x86-64 4-level, 9/9/9/9/12, 8-byte entries";
	if (!strcmp(arch, "x86_64-la57"))
		return "x86-64 5-level (LA57), 9/9/9/9/9/12, 8-byte entries";
	if (!strcmp(arch, "x86_32"))
		return "x86-32 2-level, 10/10/12, 4-byte entries";
	if (!strcmp(arch, "arm32"))
		return "ARM short-descriptor 2-level, 12/8/12 (Linux pairs two tables per PTE "
		       "page)";
	return "arm64 4 KiB granule 4-level, 9/9/9/9/12, 8-byte entries";
}

/* Parse "256 256 32 0 0" into per-zone-type ratios. */
static int parse_ratios(const char *s, unsigned ratio[NR_ZONE_TYPES])
{
	char *end;

	for (int i = 0; i < NR_ZONE_TYPES; i++) {
		unsigned long v = strtoul(s, &end, 10);

		if (end == s)
			return -1;
		ratio[i] = (unsigned)v;
		s = end;
	}
	while (*s == ' ')
		s++;
	return *s ? -1 : 0;
}

static void print_tlb(const struct config *cfg, const char *level)
{
	char k1[32], k2[32];
	uint64_t e, w;

	snprintf(k1, sizeof(k1), "tlb.%s.entries", level);
	snprintf(k2, sizeof(k2), "tlb.%s.ways", level);
	e = config_u64(cfg, k1);
	w = config_u64(cfg, k2);
	if (!e)
		printf("  %-4s none\n", level);
	else if (w >= e)
		printf("  %-4s %llu entries, fully associative\n", level, (unsigned long long)e);
	else
		printf("  %-4s %llu entries, %llu-way (%llu sets)\n", level, (unsigned long long)e,
		       (unsigned long long)w, (unsigned long long)(e / w));
}

int cmd_machine(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"config", required_argument, NULL, 'c'},
	        {"memory", required_argument, NULL, 'm'},
	        {"set", required_argument, NULL, 's'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	struct config *cfg = config_new();
	const char *cfile = NULL;
	const char *sets[64];
	size_t nr_sets = 0;
	char err[1024];
	int c, ret = EXIT_USAGE;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "c:m:s:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			cfile = optarg;
			break;
		case 'm':
		case 's':
			if (nr_sets >= 62) {
				usage_error("machine", "too many -s/-m options");
				goto out;
			}
			if (c == 'm') {
				sets[nr_sets++] = "machine.memory";
				sets[nr_sets++] = optarg;
			} else {
				char *eq = strchr(optarg, '=');

				if (!eq) {
					usage_error("machine", "-s wants KEY=VALUE, got '%s'",
					            optarg);
					goto out;
				}
				*eq = 0;
				sets[nr_sets++] = optarg;
				sets[nr_sets++] = eq + 1;
			}
			break;
		case 'h':
			machine_usage(stdout);
			ret = EXIT_OK;
			goto out;
		default:
			usage_error("machine", "unknown option or missing value: '%s'",
			            argv[optind - 1]);
			goto out;
		}
	}
	if (optind < argc) {
		usage_error("machine", "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (cfile && config_load_file(cfg, cfile, err, sizeof(err))) {
		mm_error("%s", err);
		ret = EXIT_INPUT;
		goto out;
	}
	for (size_t i = 0; i < nr_sets; i += 2)
		if (config_set(cfg, sets[i], sets[i + 1], err, sizeof(err))) {
			usage_error("machine", "%s", err);
			goto out;
		}

	const char *arch = config_get(cfg, "machine.arch");
	uint64_t bytes = config_size(cfg, "machine.memory");
	unsigned ratio[NR_ZONE_TYPES];
	struct zone_spec specs[MAX_ZONES];
	struct physmem pm;
	int n = zone_layout(arch, bytes, specs);

	if (n < 0) {
		mm_error("machine: %s memory of %llu bytes is not a whole number of pages below 16 "
		         "TiB",
		         arch, (unsigned long long)bytes);
		ret = EXIT_INPUT;
		goto out;
	}
	if (parse_ratios(config_get(cfg, "vm.lowmem_reserve_ratio"), ratio)) {
		mm_error("machine: vm.lowmem_reserve_ratio wants five numbers (DMA DMA32 Normal "
		         "HighMem Movable)");
		ret = EXIT_INPUT;
		goto out;
	}
	unsigned nodes = (unsigned)config_u64(cfg, "machine.nodes");

	if (nodes > 1 &&
	    (!strcmp(arch, "x86_32") || !strcmp(arch, "arm32") || bytes / nodes < (8ULL << 20))) {
		mm_error("machine: machine.nodes = %u needs a 64-bit arch and 8 MiB per node",
		         nodes);
		ret = EXIT_INPUT;
		goto out;
	}
	physmem_init_nodes(&pm, specs, (unsigned)n, nodes, config_u64(cfg, "vm.min_free_kbytes"),
	                   (unsigned)config_u64(cfg, "vm.watermark_scale_factor"), ratio);
	char size[32];

	format_size(bytes, size, sizeof(size));
	printf("machine: %s, %s (%llu pages of 4 KiB)\n", arch, size,
	       (unsigned long long)pm.nr_frames);
	printf("min_free_kbytes: %llu\n", (unsigned long long)pm.min_free_kbytes);
	printf("watermark_scale_factor: %u\n", pm.watermark_scale_factor);
	if (nodes > 1)
		for (unsigned i = 0; i < nodes; i++)
			printf("node %u: pfn %u-%u, zonelist fallback: own node, then the next\n",
			       i, pm.node_start[i], pm.node_start[i + 1] - 1);
	for (unsigned i = 0; i < pm_nr_flat(&pm); i++) {
		const struct zone *z = &pm.zones[i];

		printf("Node %u, zone %8s\n", z->node, zone_type_name(z->type));
		printf("  pages free     %llu\n", (unsigned long long)z->nr_free);
		printf("        min      %llu\n", (unsigned long long)z->wmark[WMARK_MIN]);
		printf("        low      %llu\n", (unsigned long long)z->wmark[WMARK_LOW]);
		printf("        high     %llu\n", (unsigned long long)z->wmark[WMARK_HIGH]);
		printf("        promo    %llu\n", (unsigned long long)z->wmark[WMARK_PROMO]);
		printf("        spanned  %llu\n", (unsigned long long)(z->end_pfn - z->start_pfn));
		printf("        present  %llu\n", (unsigned long long)(z->end_pfn - z->start_pfn));
		printf("        managed  %llu\n", (unsigned long long)z->managed);
		printf("        protection: (");
		for (unsigned j = 0; j < pm.nr_zones; j++) /* zone indices of its node */
			printf("%s%llu", j ? ", " : "", (unsigned long long)z->lowmem_reserve[j]);
		printf(")\n");
		printf("  start_pfn:           %u\n", z->start_pfn);
	}
	printf("page tables: %s\n", scheme_of(arch));
	printf("tlb: %s\n",
	       config_bool(cfg, "tlb.asid") ? "ASID/PCID-tagged" : "flushed on context switch");
	print_tlb(cfg, "l1d");
	print_tlb(cfg, "l1i");
	print_tlb(cfg, "l2");
	uint64_t swap = config_size(cfg, "swap.size");
	if (swap) {
		format_size(swap, size, sizeof(size));
		printf("swap: %s (%llu slots), read %s, write %s (%s), page_cluster %llu\n", size,
		       (unsigned long long)(swap >> 12), config_get(cfg, "swap.read_latency"),
		       config_get(cfg, "swap.write_latency"),
		       machine_async_swap(cfg, policy_find(config_get(cfg, "policy.name")))
		               ? "asynchronous"
		               : "synchronous",
		       (unsigned long long)config_u64(cfg, "vm.page_cluster"));
	} else {
		printf("swap: none\n");
	}
	if (config_size(cfg, "memcg.limit")) {
		format_size(config_size(cfg, "memcg.limit"), size, sizeof(size));
		printf("memcg: every process in one cgroup limited to %s\n", size);
	}
	if (config_get(cfg, "memcg.groups")[0])
		printf("memcg groups: %s\n", config_get(cfg, "memcg.groups"));
	printf("reclaim: policy %s, swappiness %llu, cgroup statistics flushed every %s\n",
	       config_get(cfg, "policy.name"), (unsigned long long)config_u64(cfg, "vm.swappiness"),
	       config_get(cfg, "memcg.stats_period"));
	if (config_bool(cfg, "ksm.run"))
		printf("ksm: %llu pages every %llu ms, max_page_sharing %llu\n",
		       (unsigned long long)config_u64(cfg, "ksm.pages_to_scan"),
		       (unsigned long long)config_u64(cfg, "ksm.sleep_millisecs"),
		       (unsigned long long)config_u64(cfg, "ksm.max_page_sharing"));
	else
		printf("ksm: off\n");
	printf("engine: %s\n", !strcmp(config_get(cfg, "engine.streams"), "process")
	                               ? "one CPU stream per process"
	                               : "records in trace order on one CPU");
	physmem_free(&pm);
	ret = EXIT_OK;
out:
	config_free(cfg);
	return ret;
}
