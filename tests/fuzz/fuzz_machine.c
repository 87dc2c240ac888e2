// SPDX-License-Identifier: MIT
/*
 * fuzz_machine.c - libFuzzer harness for the full machine: the input bytes
 * become a small multi-process trace (4 bytes a record: op, pid, page, extra)
 * replayed on a 4 MiB machine with swap, two memory cgroups, KSM scanning
 * fast, the invariants checker on, and a policy picked by the first byte.
 * The machine may refuse a trace (an error message); any crash, sanitizer
 * report, broken invariant (abort) or leak is a bug.
 */
#include "machine.h"
#include "policy_core.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const policies[] = {"linux", "mglru", "lru", "clockpro", "arc", "lirs", "fifo"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const sets[][2] = {
	        {"machine.memory", "4M"},
	        {"swap.size", "2M"},
	        {"ksm.run", "1"},
	        {"ksm.pages_to_scan", "16"},
	        {"ksm.sleep_millisecs", "0"},
	        {"memcg.groups", "g:256K:2,3"},
	        {"debug.check_invariants", "1"},
	        {"vm.read_ahead_kb", "16"},
	};
	struct config *cfg;
	struct trace_open_opts topts = {.format = "csv"};
	struct machine_opts o;
	struct metrics m;
	char path[64], err[600];
	const char *traces[1];
	FILE *f;
	int fd;

	if (size < 1 || size > 4096)
		return 0;
	fd = memfd_create("fuzz", 0);
	f = fd >= 0 ? fdopen(fd, "w+") : NULL;
	if (!f)
		abort();
	fputs("time,pid,op,addr,len,file,arg\n", f);
	for (size_t i = 1; i + 4 <= size; i += 4) {
		unsigned op = data[i] % 16, pid = 1 + data[i + 1] % 4, x = data[i + 3];
		unsigned long va = 0x100000UL + (unsigned long)(data[i + 2] % 64) * 4096;

		switch (op) {
		case 0:
		case 1:
		case 2:
			fprintf(f, ",%u,R,%lu,8,,\n", pid, va);
			break;
		case 3:
		case 4:
		case 5:
			if (x & 1)
				fprintf(f, ",%u,W,%lu,8,,0x%x\n", pid, va, x % 4);
			else
				fprintf(f, ",%u,W,%lu,8,,\n", pid, va);
			break;
		case 6:
			fprintf(f, ",%u,mmap,%lu,%u,,anon|private|rw\n", pid, va,
			        4096 * (1 + x % 8));
			break;
		case 7:
			fprintf(f, ",%u,munmap,%lu,%u,,\n", pid, va, 4096 * (1 + x % 8));
			break;
		case 8:
			fprintf(f, ",%u,madvise,%lu,%u,,%s\n", pid, va, 4096 * (1 + x % 16),
			        x & 16   ? "unmergeable"
			        : x & 32 ? "dontneed"
			        : x & 64 ? "pageout"
			                 : "mergeable");
			break;
		case 9:
			fprintf(f, ",%u,fork,,,,%u\n", pid, 1 + x % 4);
			break;
		case 10:
			fprintf(f, ",%u,exit,,,,\n", pid);
			break;
		case 11:
		case 12:
			fprintf(f, ",%u,%s,%u,%u,%u,\n", pid, x & 1 ? "write" : "read",
			        (data[i + 2] % 128) * 4096, 4096 * (1 + x % 3), 1 + x % 2);
			break;
		case 13:
			fprintf(f, ",%u,fadvise,0,0,%u,%s\n", pid, 1 + x % 2,
			        x & 2   ? "random"
			        : x & 4 ? "dontneed"
			                : "sequential");
			break;
		case 14:
			fprintf(f, ",%u,mprotect,%lu,%u,,%s\n", pid, va, 4096 * (1 + x % 4),
			        x & 1 ? "r" : "rw");
			break;
		default:
			fprintf(f, "%u,%u,R,%lu,8,,\n", (unsigned)(i * 1000), pid, va);
			break;
		}
	}
	fflush(f);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	cfg = config_new();
	for (size_t k = 0; k < sizeof(sets) / sizeof(sets[0]); k++)
		if (config_set(cfg, sets[k][0], sets[k][1], err, sizeof(err)))
			abort();
	if (data[0] & 0x80 && config_set(cfg, "engine.streams", "process", err, sizeof(err)))
		abort();
	traces[0] = path;
	o = (struct machine_opts){.cfg = cfg,
	                          .ops = policy_find(policies[data[0] % 7]),
	                          .traces = traces,
	                          .nr_traces = 1,
	                          .topts = &topts};
	if (machine_run(&o, &m, err, sizeof(err)) && !err[0])
		abort(); /* an error always has a message */
	config_free(cfg);
	fclose(f);
	return 0;
}
