// SPDX-License-Identifier: MIT
/* test_config.c - defaults, files, -s overrides, errors with FILE:LINE, round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

static char *write_tmp(const char *text)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/mmsim-cfg-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void test_defaults(void **state)
{
	struct config *c = config_new();

	(void)state;
	assert_string_equal(config_get(c, "machine.arch"), "x86_64");
	assert_int_equal(config_size(c, "machine.memory"), 4ULL << 30);
	assert_int_equal(config_u64(c, "tlb.l1d.entries"), 64);
	assert_int_equal(config_u64(c, "tlb.l2.ways"), 12);
	assert_int_equal(config_u64(c, "vm.swappiness"), 60);
	assert_int_equal(config_time_ns(c, "metrics.interval"), 10000000);
	assert_true(config_bool(c, "tlb.asid"));
	assert_null(config_get(c, "vm.nosuch"));
	config_free(c);
}

static void test_file_and_overrides(void **state)
{
	struct config *c = config_new();
	char err[512];
	char *path = write_tmp("; a comment\n[machine]\narch = x86_32\nmemory = 1536M\n\n"
	                       "[vm]\nswappiness = 100\n[policy]\nclock.ref_on_insert = 1\n");

	(void)state;
	assert_int_equal(config_load_file(c, path, err, sizeof(err)), 0);
	assert_string_equal(config_get(c, "machine.arch"), "x86_32");
	assert_int_equal(config_size(c, "machine.memory"), 1536ULL << 20);
	assert_string_equal(config_get(c, "machine.memory"), "1536M");
	assert_int_equal(config_u64(c, "vm.swappiness"), 100);
	assert_string_equal(config_get(c, "policy.clock.ref_on_insert"), "1");
	/* -s wins over the file; times and sizes are canonicalised. */
	assert_int_equal(config_set(c, "vm.swappiness", "0", err, sizeof(err)), 0);
	assert_int_equal(config_u64(c, "vm.swappiness"), 0);
	assert_int_equal(config_set(c, "metrics.interval", "1000us", err, sizeof(err)), 0);
	assert_string_equal(config_get(c, "metrics.interval"), "1ms");
	unlink(path);
	config_free(c);
}

static void expect_file_error(const char *text, const char *want_suffix)
{
	struct config *c = config_new();
	char err[512], want[600];
	char *path = write_tmp(text);

	assert_int_equal(config_load_file(c, path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:%s", path, want_suffix);
	assert_string_equal(err, want);
	unlink(path);
	config_free(c);
}

static void test_errors(void **state)
{
	struct config *c = config_new();
	char err[512];

	(void)state;
	expect_file_error("[vm]\n\nfoo = 1\n", "3: unknown key 'foo' in [vm]");
	expect_file_error("[vm]\nswappiness = 300\n",
	                  "2: vm.swappiness: '300' out of range 0..200");
	expect_file_error(
	        "[machine]\narch = sparc\n",
	        "2: machine.arch: 'sparc' is not one of x86_64|x86_64-la57|x86_32|arm32|arm64");
	expect_file_error("[nosuch]\nx = 1\n", "2: unknown key 'x' in [nosuch]");
	expect_file_error("[vm]\nthis line is junk\n",
	                  "2: syntax error (expected [section] or key = value)");
	expect_file_error("[machine]\nmemory = lots\n",
	                  "2: machine.memory: 'lots' is not a valid size");
	assert_int_equal(config_set(c, "tlb.asid", "maybe", err, sizeof(err)), -1);
	assert_string_equal(
	        err,
	        "-s tlb.asid=maybe: 'maybe' is not a boolean (0/1, true/false, yes/no, on/off)");
	/* Found by fuzz_config: odd free-form keys and binary values must be refused, or the
	 * effective config.ini would not reload to the same configuration. */
	assert_int_equal(config_set(c, "policy.cl..x.memory", "1", err, sizeof(err)), -1);
	assert_int_equal(config_set(c, "policy.clock.k", "11m\377\377", err, sizeof(err)), -1);
	assert_int_equal(config_set(c, "policy.clock.k", "a;b", err, sizeof(err)), -1);
	assert_int_equal(config_set(c, "policy.clock.k", "7", err, sizeof(err)), 0);
	assert_int_equal(config_set(c, "swappiness", "1", err, sizeof(err)), -1);
	assert_string_equal(err, "-s swappiness=1: 'swappiness' is not of the form section.key");
	config_free(c);
}

static void test_write_round_trip(void **state)
{
	struct config *a = config_new(), *b = config_new();
	char err[512], path[] = "/tmp/mmsim-cfgrt-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	(void)state;
	config_set(a, "machine.memory", "8G", err, sizeof(err));
	config_set(a, "policy.2q.kin", "30", err, sizeof(err));
	assert_int_not_equal(config_hash(a), config_hash(b));
	assert_int_equal(config_write_ini(a, f), 0);
	fclose(f);
	assert_int_equal(config_load_file(b, path, err, sizeof(err)), 0);
	assert_int_equal(config_hash(a), config_hash(b));
	assert_string_equal(config_get(b, "policy.2q.kin"), "30");
	unlink(path);
	config_free(a);
	config_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_defaults),
	        cmocka_unit_test(test_file_and_overrides),
	        cmocka_unit_test(test_errors),
	        cmocka_unit_test(test_write_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
