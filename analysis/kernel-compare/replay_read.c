// SPDX-License-Identifier: MIT
/*
 * replay_read.c - replay an mmsim page-cache read trace against a real file.
 *
 *   replay_read TRACE.csv DATAFILE [--create PAGES] [--drop]
 *
 * TRACE.csv is an mmsim CSV trace (mmsim convert X.mmt.zst X.csv). Every
 * `read` record becomes pread(DATAFILE, 4 KiB at page (offset / 4096)), with
 * readahead disabled by posix_fadvise(POSIX_FADV_RANDOM). Other records are
 * ignored. --create writes a file of PAGES pages first (outside any cgroup,
 * run it before moving into one); --drop drops the file's cached pages
 * (POSIX_FADV_DONTNEED after fdatasync) and exits. Prints the reads done.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include "csv_record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int die(const char *what, const char *path)
{
	fprintf(stderr, "replay_read: %s: %s: %s\n", path, what, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	char line[512], buf[4096];
	unsigned long long reads = 0, lineno = 0, create = 0;
	int drop = 0, fd;
	FILE *in;

	if (argc < 3) {
		fprintf(stderr,
		        "usage: replay_read TRACE.csv DATAFILE [--create PAGES] [--drop]\n");
		return 2;
	}
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--create") && i + 1 < argc)
			create = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--drop"))
			drop = 1;
		else {
			fprintf(stderr, "replay_read: unknown option '%s'\n", argv[i]);
			return 2;
		}
	}
	if (create) {
		fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			return die("cannot create", argv[2]);
		memset(buf, 0x5a, sizeof(buf));
		for (unsigned long long p = 0; p < create; p++)
			if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
				return die("cannot write", argv[2]);
		fsync(fd);
		close(fd);
	}
	fd = open(argv[2], O_RDONLY);
	if (fd < 0)
		return die("cannot open", argv[2]);
	if (drop) {
		fdatasync(fd);
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
		close(fd);
		return 0;
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
	if (!strcmp(argv[1], "-")) {
		close(fd);
		return 0; /* baseline: just the process itself */
	}
	in = fopen(argv[1], "r");
	if (!in)
		return die("cannot open", argv[1]);
	while (fgets(line, sizeof(line), in)) {
		char *f[7];
		int n;

		lineno++;
		n = csv_fields(line, f);
		if (!n)
			continue;
		if (n < 6) {
			fprintf(stderr, "replay_read: %s:%llu: not an mmsim CSV record\n", argv[1],
			        lineno);
			return 1;
		}
		if (strcmp(f[2], "read"))
			continue;
		unsigned long long off = strtoull(f[3], NULL, 0) & ~4095ULL;
		if (pread(fd, buf, sizeof(buf), (off_t)off) < 0)
			return die("pread failed", argv[2]);
		reads++;
	}
	fclose(in);
	close(fd);
	printf("%llu\n", reads);
	return 0;
}
