// SPDX-License-Identifier: MIT
/*
 * fuzz_ids.c - libFuzzer harness for the ids importer: the input bytes become
 * a memfd read to the end with format "ids". Errors are expected; crashes,
 * leaks, hangs and garbage records are bugs.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_read_trace(data, size, "ids");
	return 0;
}
