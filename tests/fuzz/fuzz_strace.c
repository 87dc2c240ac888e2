// SPDX-License-Identifier: MIT
/*
 * fuzz_strace.c - libFuzzer harness for the strace importer: the input bytes become
 * a memfd read to the end with format "strace". Errors are expected; crashes,
 * leaks, hangs and garbage records are bugs.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_read_trace(data, size, "strace");
	return 0;
}
