// SPDX-License-Identifier: MIT
/*
 * util.c - allocation, error printing, value parsing and the RNG.
 */
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <string.h>

static _Noreturn void out_of_memory(size_t n)
{
	fprintf(stderr, "mmsim: host out of memory allocating %zu bytes\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		out_of_memory(n);
	return p;
}

#define HOST_HUGE (2u << 20) /* x86-64/arm64 transparent huge page */

void *host_reserve(size_t bytes)
{
	size_t len = bytes ? bytes : 1, extra = len >= HOST_HUGE ? HOST_HUGE : 0;
	unsigned char *p = mmap(NULL, len + extra, PROT_READ | PROT_WRITE,
	                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uintptr_t head;

	if (p == MAP_FAILED)
		out_of_memory(len);
	if (!extra)
		return p;
	/* Trim to a 2 MiB-aligned start: THP needs aligned 2 MiB ranges. */
	head = (HOST_HUGE - ((uintptr_t)p & (HOST_HUGE - 1))) & (HOST_HUGE - 1);
	if (head)
		munmap(p, head);
	if (extra - head)
		munmap(p + head + len, extra - head);
	p += head;
#ifdef MADV_HUGEPAGE
	madvise(p, len, MADV_HUGEPAGE); /* advice only: without THP, 4 KiB pages */
#endif
	return p;
}

void *host_grow(void *p, size_t old_bytes, size_t new_bytes)
{
	void *q = mremap(p, old_bytes ? old_bytes : 1, new_bytes, MREMAP_MAYMOVE);

	if (q == MAP_FAILED)
		out_of_memory(new_bytes);
#ifdef MADV_HUGEPAGE
	madvise(q, new_bytes, MADV_HUGEPAGE);
#endif
	return q;
}

void host_release(void *p, size_t bytes)
{
	if (p)
		munmap(p, bytes ? bytes : 1);
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		out_of_memory(nmemb * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		out_of_memory(n);
	return q;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = xmalloc(n);

	memcpy(p, s, n);
	return p;
}

void mm_error(const char *fmt, ...)
{
	va_list ap;

	fputs("mmsim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void sim_bug(const char *file, int line, const char *what)
{
	fprintf(stderr, "mmsim: BUG at %s:%d: %s\n", file, line, what);
	abort();
}

int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (!s[2])
			return -1;
		v = strtoull(s + 2, &end, 16);
		if (end == s + 2)
			return -1;
	} else {
		v = strtoull(s, &end, 10);
	}
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

/* Multiply a decimal string with at most one '.' by @mult, exactly, into *out. */
static int scaled_decimal(const char *s, size_t len, uint64_t mult, uint64_t *out)
{
	uint64_t whole = 0, frac = 0, frac_div = 1;
	bool seen_dot = false, seen_digit = false;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (c == '.' && !seen_dot) {
			seen_dot = true;
			continue;
		}
		if (c < '0' || c > '9')
			return -1;
		seen_digit = true;
		if (!seen_dot) {
			if (whole > (UINT64_MAX - 9) / 10)
				return -1;
			whole = whole * 10 + (uint64_t)(c - '0');
		} else if (frac_div < 1000000000000ULL) {
			frac = frac * 10 + (uint64_t)(c - '0');
			frac_div *= 10;
		} else if (c != '0') {
			return -1; /* more precision than we keep */
		}
	}
	if (!seen_digit)
		return -1;
	if (mult && whole > UINT64_MAX / mult)
		return -1;
	uint64_t v = whole * mult;
	if (frac) {
		/* frac/frac_div * mult must be a whole number */
		unsigned __int128 f = (unsigned __int128)frac * mult;
		if (f % frac_div)
			return -1;
		uint64_t add = (uint64_t)(f / frac_div);
		if (v > UINT64_MAX - add)
			return -1;
		v += add;
	}
	*out = v;
	return 0;
}

int parse_size(const char *s, uint64_t *out)
{
	static const struct {
		const char *suffix;
		uint64_t mult;
	} units[] = {
	        {"KiB", 1ULL << 10},
	        {"MiB", 1ULL << 20},
	        {"GiB", 1ULL << 30},
	        {"TiB", 1ULL << 40},
	        {"KB", 1ULL << 10},
	        {"MB", 1ULL << 20},
	        {"GB", 1ULL << 30},
	        {"TB", 1ULL << 40},
	        {"K", 1ULL << 10},
	        {"M", 1ULL << 20},
	        {"G", 1ULL << 30},
	        {"T", 1ULL << 40},
	        {"k", 1ULL << 10},
	        {"m", 1ULL << 20},
	        {"g", 1ULL << 30},
	        {"t", 1ULL << 40},
	        {"B", 1},
	};
	size_t len;

	if (!s || !*s)
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return parse_u64(s, out);
	len = strlen(s);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		size_t sl = strlen(units[i].suffix);

		if (len > sl && !strcmp(s + len - sl, units[i].suffix))
			return scaled_decimal(s, len - sl, units[i].mult, out);
	}
	return scaled_decimal(s, len, 1, out);
}

int parse_time_ns(const char *s, uint64_t *out)
{
	static const struct {
		const char *suffix;
		uint64_t mult;
	} units[] = {
	        {"ns", 1},
	        {"us", 1000},
	        {"ms", 1000000},
	        {"s", 1000000000},
	};
	size_t len;

	if (!s || !*s)
		return -1;
	len = strlen(s);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		size_t sl = strlen(units[i].suffix);

		if (len > sl && !strcmp(s + len - sl, units[i].suffix))
			return scaled_decimal(s, len - sl, units[i].mult, out);
	}
	return scaled_decimal(s, len, 1, out);
}

void format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char sfx[] = "KMGT";
	int unit = -1;
	uint64_t v = bytes;

	while (v && !(v & 1023) && unit < 3) {
		v >>= 10;
		unit++;
	}
	if (unit < 0)
		snprintf(buf, len, "%llu", (unsigned long long)bytes);
	else
		snprintf(buf, len, "%llu%c", (unsigned long long)v, sfx[unit]);
}

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void rng_seed(struct rng *r, uint64_t seed)
{
	uint64_t x = seed;

	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint64_t rng_below(struct rng *r, uint64_t n)
{
	/* Lemire's multiply-shift with rejection: unbiased and nearly branch-free. */
	unsigned __int128 m = (unsigned __int128)rng_next(r) * n;
	uint64_t lo = (uint64_t)m;

	if (lo < n) {
		uint64_t t = -n % n;

		while (lo < t) {
			m = (unsigned __int128)rng_next(r) * n;
			lo = (uint64_t)m;
		}
	}
	return (uint64_t)(m >> 64);
}

double rng_double(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

uint64_t fnv1a64(const void *data, size_t len, uint64_t seed)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ULL ^ seed;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}
