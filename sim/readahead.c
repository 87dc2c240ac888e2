// SPDX-License-Identifier: MIT
/*
 * readahead.c - the read() readahead window (after mm/readahead.c, 6.x).
 *
 * Theory. A file read sequentially should arrive from storage in ever larger
 * pieces before the reader asks for them. The kernel keeps, per open file, a
 * window [start, start + size) of pages it read ahead and marks one page in
 * it, async_size pages from its end, PG_readahead.
 *
 * A read() that misses the cache at page i decides (page_cache_sync_ra):
 *   - at the start of the file, or right after the previous read (i is the
 *     page it ended in or the next one): a fresh window of the request
 *     rounded up to a power of two, times 4 when small (<= max/32), times 2
 *     when medium (<= max/4), else max; the part beyond the request is the
 *     async part;
 *   - otherwise, if the pages just before i are cached (a stream the state
 *     lost track of): a window of those pages plus the request (twice as
 *     many if the file is cached from its first page), capped at max;
 *   - otherwise a lone random read: read just the request.
 * A read that reaches the PG_readahead page where the window expects it
 * (page_cache_async_ra) pushes the window forward by its size and grows it:
 * x4 below max/16, x2 up to max/2, then max — all of it asynchronous, so the
 * next window starts as soon as the reader enters this one.
 *
 * fadvise(RANDOM) switches this off (the request alone is read); fadvise
 * (SEQUENTIAL) doubles the maximum. The maximum is vm.read_ahead_kb / 4 pages
 * (the block device's read_ahead_kb, 128 KiB by default). Interleaved streams
 * on one file and folio orders above 0 are not modelled.
 */
#include "readahead.h"

uint32_t ra_init_size(uint32_t req, uint32_t max)
{
	uint32_t n = 1;

	while (n < req)
		n <<= 1;
	if (n <= max / 32)
		return n * 4;
	if (n <= max / 4)
		return n * 2;
	return max;
}

uint32_t ra_next_size(uint32_t cur, uint32_t max)
{
	if (cur < max / 16)
		return 4 * cur;
	if (cur <= max / 2)
		return 2 * cur;
	return max;
}

bool ra_sync(struct file_ra *ra, uint64_t index, uint32_t req, uint32_t max, uint64_t prev_index,
             uint64_t contig, bool from_start)
{
	if (!index || req > max || index - prev_index <= 1) {
		ra->start = index;
		ra->size = ra_init_size(req, max);
		ra->async_size = ra->size > req ? ra->size - req : ra->size >> 1;
		return true;
	}
	if (contig <= req)
		return false;
	if (from_start)
		contig *= 2;
	ra->start = index;
	ra->size = (uint32_t)(contig + req < max ? contig + req : max);
	ra->async_size = 1;
	return true;
}

bool ra_async(struct file_ra *ra, uint64_t index, uint32_t max)
{
	if (index != ra->start + ra->size - ra->async_size)
		return false; /* not where the window expects the reader */
	ra->start += ra->size;
	ra->size = ra_next_size(ra->size, max);
	ra->async_size = ra->size;
	return true;
}
