// SPDX-License-Identifier: MIT
/*
 * fuzz_config.c - libFuzzer harness for the INI configuration parser: the
 * input becomes a memfd loaded over the defaults; then every key is written
 * back and the result must load again to the same hash (errors are fine,
 * crashes, leaks and a non-reproducible effective config are bugs).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *c = config_new(), *d;
	char path[64], path2[64], err[600];
	int fd = memfd_create("fuzzcfg", 0), fd2;
	FILE *f;

	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (config_load_file(c, path, err, sizeof(err)) == 0) {
		fd2 = memfd_create("fuzzcfg2", 0);
		f = fdopen(dup(fd2), "w");
		if (!f || config_write_ini(c, f))
			abort();
		fclose(f);
		snprintf(path2, sizeof(path2), "/proc/self/fd/%d", fd2);
		d = config_new();
		if (config_load_file(d, path2, err, sizeof(err)) ||
		    config_hash(c) != config_hash(d))
			abort(); /* the effective config must reproduce itself */
		config_free(d);
		close(fd2);
	} else if (!err[0]) {
		abort();
	}
	config_free(c);
	close(fd);
	return 0;
}
