// SPDX-License-Identifier: MIT
/*
 * fuzz_lcscsv.c - libFuzzer harness for the lcs-csv importer: the input bytes become
 * a memfd read to the end with format "lcs-csv". Errors are expected; crashes,
 * leaks, hangs and garbage records are bugs.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_read_trace(data, size, "lcs-csv");
	return 0;
}
