// SPDX-License-Identifier: MIT
/*
 * fuzz_addr.c - libFuzzer harness for the addr importer: the input bytes become
 * a memfd read to the end with format "addr". Errors are expected; crashes,
 * leaks, hangs and garbage records are bugs.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_read_trace(data, size, "addr");
	return 0;
}
