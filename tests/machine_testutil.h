/* SPDX-License-Identifier: MIT */
/*
 * machine_testutil.h - run the full machine on a CSV trace body written by a
 * test, with config overrides. Header-only (static functions), included by tests.
 */
#ifndef MMSIM_MACHINE_TESTUTIL_H
#define MMSIM_MACHINE_TESTUTIL_H

#include "machine.h"
#include "policy_core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/**
 * mt_run() - replay "time,pid,op,addr,len,file,arg" lines @body with policy
 * @policy and the NULL-terminated KEY, VALUE pairs @sets (config overrides).
 * @out (may be NULL) receives timeline rows. Return: machine_run()'s status.
 */
static inline int mt_run(const char *body, const char *policy, const char *const *sets,
                         struct output *out, struct metrics *m, char *err, size_t errlen)
{
	char path[64];
	FILE *f;
	struct config *cfg = config_new();
	const char *traces[1];
	struct trace_open_opts topts = {0};
	struct machine_opts o;
	int ret;

	snprintf(path, sizeof(path), "/tmp/mmsim-mt-%d.csv", (int)getpid());
	f = fopen(path, "w");
	fputs("time,pid,op,addr,len,file,arg\n", f);
	fputs(body, f);
	fclose(f);
	for (; sets && sets[0]; sets += 2)
		if (config_set(cfg, sets[0], sets[1], err, errlen)) {
			config_free(cfg);
			unlink(path);
			return -2;
		}
	traces[0] = path;
	o = (struct machine_opts){.cfg = cfg,
	                          .ops = policy_find(policy),
	                          .traces = traces,
	                          .nr_traces = 1,
	                          .topts = &topts,
	                          .out = out};
	ret = machine_run(&o, m, err, errlen);
	config_free(cfg);
	unlink(path);
	return ret;
}

#endif /* MMSIM_MACHINE_TESTUTIL_H */
