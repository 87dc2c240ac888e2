/* SPDX-License-Identifier: MIT */
/*
 * util.h - small helpers every part of mmsim uses: allocation that aborts on
 * host OOM, the one error printer, number/size/time parsing for the CLI and the
 * config, and the seeded random number generator.
 *
 * Error classes (see reference style): bad input returns a negative status up
 * the stack; a broken simulator invariant is SIM_BUG_ON (always aborts); host
 * out-of-memory aborts inside xmalloc.
 */
#ifndef MMSIM_UTIL_H
#define MMSIM_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Process exit statuses: the CLI contract of DESIGN.md section 5. */
enum {
	EXIT_OK = 0,    /* success (an OOM kill in the simulation is a success) */
	EXIT_INPUT = 1, /* runtime or input error */
	EXIT_USAGE = 2, /* bad command line */
};

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/**
 * host_reserve() - @bytes of zeroed host memory for a large array, materialised
 * by the host kernel on first touch (so a big simulated machine costs only what
 * a run uses), and aligned to and backed by 2 MiB transparent huge pages where
 * the host allows: the per-frame arrays and hash tables are touched at random,
 * and 2 MiB pages spare most of the TLB misses. Aborts if the host refuses.
 * Release with host_release() and the same @bytes.
 */
void *host_reserve(size_t bytes);
void host_release(void *p, size_t bytes);
/* host_grow() - a host_reserve()d array enlarged to @new_bytes: the pages move
 * (mremap), nothing is copied; the new tail reads as zeros. */
void *host_grow(void *p, size_t old_bytes, size_t new_bytes);

/* mm_error() - print "mmsim: <message>\n" to stderr. */
void mm_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Abort with file and line when a simulator invariant is broken, whatever the log level. */
#define SIM_BUG_ON(cond)                                                                           \
	do {                                                                                       \
		if (__builtin_expect(!!(cond), 0))                                                 \
			sim_bug(__FILE__, __LINE__, #cond);                                        \
	} while (0)
_Noreturn void sim_bug(const char *file, int line, const char *what);

/**
 * parse_u64() - decimal or 0x-hex unsigned integer, whole string.
 * Return: 0, or -1 if @s is empty, has trailing junk or overflows.
 */
int parse_u64(const char *s, uint64_t *out);

/**
 * parse_size() - bytes with an optional binary suffix: K, M, G, T (also KB/KiB...).
 * "4096", "64K", "1.5G" (fractions allowed when the result is whole bytes).
 * Return: 0, or -1 on a malformed value or overflow.
 */
int parse_size(const char *s, uint64_t *out);

/**
 * parse_time_ns() - a duration: plain number = ns, or suffix ns, us, ms, s.
 * Return: 0, or -1 on a malformed value or overflow.
 */
int parse_time_ns(const char *s, uint64_t *out);

/* format_size() - "4K", "1G", "1536M" or plain bytes when not a round binary multiple. */
void format_size(uint64_t bytes, char *buf, size_t len);

/*
 * A seeded xoshiro256** generator. Every random choice in mmsim comes from a
 * struct rng owned by the caller, so runs are reproducible for a seed.
 */
struct rng {
	uint64_t s[4]; /* xoshiro256** state, never all zero */
};

void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
/* rng_below() - uniform integer in [0, n), n > 0, without modulo bias. */
uint64_t rng_below(struct rng *r, uint64_t n);
/* rng_double() - uniform double in [0, 1). */
double rng_double(struct rng *r);

/* fnv1a64() - 64-bit FNV-1a hash of a byte string (config hashes, stable ids). */
uint64_t fnv1a64(const void *data, size_t len, uint64_t seed);

#endif /* MMSIM_UTIL_H */
