// SPDX-License-Identifier: MIT
/*
 * bench_decode.c - native-format decode throughput.
 *
 * Writes a seeded zipf trace (default 50 M records: 4 pids, 1 M pages,
 * alpha 0.9, 20 % stores) to a temporary .mmt.zst, then measures, best of 3:
 *   decode   trace_read() into a reused 4096-record buffer (what mmsim does)
 *   zstd     plain streaming decompression of the same file into a buffer,
 *            the floor any reader of this file pays
 * and prints records/s for both plus the file's bytes per record.
 *
 *   bench_decode [--records N]
 */
#include "bench_util.h"
#include "gen.h"
#include "trace.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

static double time_decode(const char *path, uint64_t *nr)
{
	struct trace_rec *buf = xmalloc(4096 * sizeof(*buf));
	struct trace_reader *r;
	char err[512];
	double t0 = now_s();
	long n;
	uint64_t sum = 0;

	*nr = 0;
	if (trace_open(&r, path, NULL, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	while ((n = trace_read(r, buf, 4096)) > 0) {
		*nr += (uint64_t)n;
		sum += buf[n - 1].addr; /* keep the decode from being optimised away */
	}
	trace_close(r);
	free(buf);
	if (n < 0 || sum == 1)
		exit(1);
	return now_s() - t0;
}

static double time_zstd(const char *path)
{
	FILE *f = fopen(path, "rb");
	ZSTD_DStream *ds = ZSTD_createDStream();
	size_t in_cap = ZSTD_DStreamInSize(), out_cap = 1 << 20, got;
	char *in = xmalloc(in_cap), *out = xmalloc(out_cap);
	double t0 = now_s();

	ZSTD_initDStream(ds);
	while ((got = fread(in, 1, in_cap, f)) > 0) {
		ZSTD_inBuffer ib = {in, got, 0};

		while (ib.pos < ib.size) {
			ZSTD_outBuffer ob = {out, out_cap, 0};

			if (ZSTD_isError(ZSTD_decompressStream(ds, &ob, &ib)))
				exit(1);
		}
	}
	fclose(f);
	ZSTD_freeDStream(ds);
	free(in);
	free(out);
	return now_s() - t0;
}

int main(int argc, char **argv)
{
	uint64_t records = 50000000, nr = 0;
	struct gen_params p;
	struct trace_writer *w;
	char path[64], err[512];
	double best_dec = 1e9, best_z = 1e9;
	struct stat st;

	if (argc == 3 && !strcmp(argv[1], "--records"))
		parse_size(argv[2], &records);
	snprintf(path, sizeof(path), "/tmp/bench-decode-%d.mmt.zst", (int)getpid());
	gen_params_default(&p);
	p.pattern = "zipf";
	p.pages = 1000000;
	p.accesses = records;
	p.alpha = 0.9;
	p.pids = 4;
	p.write_frac = 0.2;
	if (trace_writer_open(&w, path, NULL, NULL, err, sizeof(err)) ||
	    gen_run(&p, sink, w, err, sizeof(err)) || trace_writer_close(w)) {
		fprintf(stderr, "bench_decode: %s\n", err);
		return 1;
	}
	stat(path, &st);
	for (int i = 0; i < 3; i++) {
		double d = time_decode(path, &nr), z = time_zstd(path);

		best_dec = d < best_dec ? d : best_dec;
		best_z = z < best_z ? z : best_z;
	}
	printf("native decode: %llu records (zipf, 4 pids), %.2f bytes/record\n",
	       (unsigned long long)nr, (double)st.st_size / (double)nr);
	printf("  trace_read     %8.1f M records/s  (%.3f s)\n", (double)nr / best_dec / 1e6,
	       best_dec);
	printf("  zstd only      %8.1f M records/s  (%.3f s)  [floor: decompression alone]\n",
	       (double)nr / best_z / 1e6, best_z);
	unlink(path);
	return 0;
}
