// SPDX-License-Identifier: MIT
/* test_sweep.c - sweep expansion: order, stable ids, errors with FILE:LINE. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sweep.h"

static char dir[64];

static void put(const char *name, const char *text)
{
	char p[128];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/mmsim-sweep-%d", (int)getpid());
	mkdir(dir, 0755);
	put("a.csv", "time,pid,op,addr,len,file,arg\n");
	put("b.csv", "time,pid,op,addr,len,file,arg\n");
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static struct sweep load(const char *text)
{
	struct sweep s;
	char p[128], err[512];

	put("s.ini", text);
	snprintf(p, sizeof(p), "%s/s.ini", dir);
	if (sweep_load(&s, p, err, sizeof(err)))
		fail_msg("%s", err);
	return s;
}

static void test_expansion_order(void **state)
{
	struct sweep s = load("[sweep]\ntraces = *.csv\npolicies = lru, fifo\ncapacity = 10, 20\n"
	                      "set.vm.swappiness = 0, 100\n");

	(void)state;
	/* 2 traces x 2 policies x 2 capacities x 2 swappiness = 16, last axis fastest. */
	assert_int_equal(s.nr_runs, 16);
	assert_true(s.cache_mode);
	assert_string_equal(s.runs[0].value[0], "a.csv");
	assert_string_equal(s.runs[0].value[1], "lru");
	assert_string_equal(s.runs[0].value[2], "10");
	assert_string_equal(s.runs[0].value[3], "0");
	assert_string_equal(s.runs[1].value[3], "100");
	assert_string_equal(s.runs[2].value[2], "20");
	assert_string_equal(s.runs[4].value[1], "fifo");
	assert_string_equal(s.runs[8].value[0], "b.csv");
	for (size_t i = 0; i < 16; i++)
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(s.runs[i].id, s.runs[j].id);

	char name[64];
	sweep_param_name(&s, 3, name, sizeof(name));
	assert_string_equal(name, "set.vm.swappiness");
	char **av = sweep_run_args(&s, &s.runs[1], "/bin/mmsim", "OUT");
	/* mmsim run -q -p lru --capacity 10 -s vm.swappiness=100 -o OUT TRACE */
	assert_string_equal(av[3], "-p");
	assert_string_equal(av[5], "--capacity");
	assert_string_equal(av[8], "vm.swappiness=100");
	assert_string_equal(av[10], "OUT");
	assert_non_null(strstr(av[11], "/a.csv")); /* resolved against the sweep file's dir */
	assert_null(av[12]);
	for (char **a = av; *a; a++)
		free(*a);
	free(av);
	sweep_free(&s);
}

/* Appending a value renumbers positions but never changes a run's id. */
static void test_ids_stable(void **state)
{
	struct sweep a = load("[sweep]\ntraces = a.csv\npolicies = lru\ncapacity = 10, 20\n");
	struct sweep b = load(
	        "[sweep]\ntraces = a.csv, b.csv\npolicies = clock, lru\ncapacity = 5, 10, 20\n");

	(void)state;
	for (size_t i = 0; i < a.nr_runs; i++) {
		bool found = false;

		for (size_t j = 0; j < b.nr_runs; j++)
			if (!strcmp(a.runs[i].id, b.runs[j].id)) {
				found = true;
				assert_string_equal(a.runs[i].value[2], b.runs[j].value[2]);
				assert_string_equal(b.runs[j].value[1], "lru");
			}
		assert_true(found);
	}
	sweep_free(&a);
	sweep_free(&b);
}

static void test_errors(void **state)
{
	struct sweep s;
	char p[128], err[512];

	(void)state;
	snprintf(p, sizeof(p), "%s/s.ini", dir);
	put("s.ini", "[sweep]\ntraces = a.csv\npolicies = lru\n\nbogus = 1\n");
	assert_int_equal(sweep_load(&s, p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "s.ini:5: unknown key 'bogus'"));
	sweep_free(&s);
	put("s.ini", "[sweep]\ntraces = a.csv\npolicies = lru\ncapacity = 10, x\n");
	assert_int_equal(sweep_load(&s, p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "s.ini:4: bad capacity value 'x'"));
	sweep_free(&s);
	put("s.ini", "[sweep]\ntraces = a.csv\npolicies = lru\ncapacity = 1\nmemory = 1G\n");
	assert_int_equal(sweep_load(&s, p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "s.ini:5: give memory or capacity"));
	sweep_free(&s);
	put("s.ini", "[sweep]\npolicies = lru\ncapacity = 1\n");
	assert_int_equal(sweep_load(&s, p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "needs traces"));
	sweep_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_expansion_order),
	        cmocka_unit_test(test_ids_stable),
	        cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
