// SPDX-License-Identifier: MIT
/*
 * fuzz_csv.c - libFuzzer harness for the CSV reader: the input bytes become a
 * memfd, opened as format "csv" and read to the end in small batches. Any
 * crash, leak, hang or sanitizer report is a bug; errors are expected.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_read_trace(data, size, "csv");
	return 0;
}
