// SPDX-License-Identifier: MIT
/*
 * replay_anon.c - replay an mmsim memory trace on an anonymous mapping.
 *
 *   replay_anon TRACE.csv
 *
 * Reads the R/W records of an mmsim CSV trace (mmsim convert X.mmt.zst X.csv),
 * maps a private anonymous region as large as the span of their pages, and
 * writes one byte to page (address - lowest address) / 4096 for every record,
 * in trace order (a W stores, an R loads). Prints the accesses done.
 * TRACE "-" maps nothing (the baseline charge of the process itself).
 */
#define _GNU_SOURCE
#include "csv_record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	char line[512];
	unsigned long long *page = NULL, n = 0, cap = 0, lo = ~0ULL, hi = 0, lineno = 0;
	unsigned char *w = NULL;
	volatile unsigned char *mem;
	unsigned long long sum = 0;
	FILE *in;

	if (argc != 2) {
		fprintf(stderr, "usage: replay_anon TRACE.csv\n");
		return 2;
	}
	if (!strcmp(argv[1], "-"))
		return 0;
	in = fopen(argv[1], "r");
	if (!in) {
		perror(argv[1]);
		return 1;
	}
	while (fgets(line, sizeof(line), in)) {
		char *f[7];
		int k;

		lineno++;
		k = csv_fields(line, f);
		if (!k)
			continue;
		if (k < 6) {
			fprintf(stderr, "replay_anon: %s:%llu: not an mmsim CSV record\n", argv[1],
			        lineno);
			return 1;
		}
		if (strcmp(f[2], "R") && strcmp(f[2], "W"))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 1 << 16;
			page = realloc(page, cap * sizeof(*page));
			w = realloc(w, cap);
			if (!page || !w) {
				fprintf(stderr, "replay_anon: out of memory\n");
				return 1;
			}
		}
		page[n] = strtoull(f[3], NULL, 0) >> 12;
		w[n] = f[2][0] == 'W';
		if (page[n] < lo)
			lo = page[n];
		if (page[n] > hi)
			hi = page[n];
		n++;
	}
	fclose(in);
	if (!n)
		return 0;
	mem = mmap(NULL, (hi - lo + 1) << 12, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	           -1, 0);
	if (mem == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	for (unsigned long long i = 0; i < n; i++) {
		volatile unsigned char *b = mem + ((page[i] - lo) << 12);

		if (w[i])
			*b = (unsigned char)i;
		else
			sum += *b;
	}
	printf("%llu\n", n + (sum & 0));
	return 0;
}
