// SPDX-License-Identifier: MIT
/*
 * fuzz_native.c - libFuzzer harness for the native .mmt.zst reader, opened as
 * format "native" and read to the end in small batches. Two modes chosen by
 * the first byte, so the record decoder is reached and not only zstd's frame
 * checks:
 *   even: the remaining bytes are the whole file;
 *   odd:  the remaining bytes are a raw record stream, wrapped here into a
 *         valid header plus checksummed zstd frames (split at a fuzzed
 *         point), exactly the layout documented in traces/native.c.
 * Any crash, leak, hang or sanitizer report is a bug; errors are expected.
 */
#include "fuzz_common.h"

#include <string.h>
#include <zstd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Append one checksummed zstd frame of @len bytes to @dst; returns its size. */
static size_t fuzz_frame(uint8_t *dst, size_t cap, const uint8_t *src, size_t len)
{
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	size_t n;

	if (!cc)
		abort();
	ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1);
	ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, 1);
	n = ZSTD_compress2(cc, dst, cap, src, len);
	ZSTD_freeCCtx(cc);
	if (ZSTD_isError(n))
		abort();
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t header[40] = {
	        0x5d, 0x2a, 0x4d, 0x18, 32,   0,    0,    0,    /* skippable frame, 32 bytes */
	        0x89, 'M',  'M',  'T',  '\r', '\n', 0x1a, '\n', /* magic */
	        1,    0,    0,    0,    0,    0x10, 0,    0,    /* version 1, flags 0, 4096 */
	        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* record count unknown */
	        0,    0,    0,    0,    0,    0,    0,    0,    /* no metadata, reserved */
	};
	size_t cap, len, split;
	uint8_t *file;

	if (!size)
		return 0;
	if (!(data[0] & 1)) {
		fuzz_read_trace(data + 1, size - 1, "native");
		return 0;
	}
	data++;
	size--;
	split = size ? data[0] % (size + 1) : 0; /* second frame starts here */
	cap = sizeof(header) + 2 * ZSTD_compressBound(size) + 64;
	file = malloc(cap);
	if (!file)
		abort();
	memcpy(file, header, sizeof(header));
	len = sizeof(header);
	len += fuzz_frame(file + len, cap - len, data, split);
	if (split < size)
		len += fuzz_frame(file + len, cap - len, data + split, size - split);
	fuzz_read_trace(file, len, "native");
	free(file);
	return 0;
}
