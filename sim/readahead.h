/* SPDX-License-Identifier: MIT */
/*
 * readahead.h - the page cache's readahead window for read() (mm/readahead.c).
 * The theory is in readahead.c.
 */
#ifndef MMSIM_READAHEAD_H
#define MMSIM_READAHEAD_H

#include <stdbool.h>
#include <stdint.h>

/* Per open file (the kernel's struct file_ra_state). */
struct file_ra {
	uint64_t start;      /* first page of the current window */
	uint32_t size;       /* pages in the window */
	uint32_t async_size; /* the last async_size pages: reading the first of them reads ahead */
	bool random;         /* fadvise RANDOM (FMODE_RANDOM): read only what is asked */
	bool sequential;     /* fadvise SEQUENTIAL: twice the maximum window */
};

/* get_init_ra_size() - first window for a request of @req pages, at most @max. */
uint32_t ra_init_size(uint32_t req, uint32_t max);
/* get_next_ra_size() - the window after one of @cur pages. */
uint32_t ra_next_size(uint32_t cur, uint32_t max);

/**
 * ra_sync() - page_cache_sync_ra(): a read() of @req pages missed at @index.
 * @prev_index is the page the previous read ended in; @contig the cached
 * pages just before @index (at most @max; @from_start: all of them back to
 * page 0). Return: false for a standalone random read (read just the
 * request, state untouched), true when @ra holds the window to read.
 */
bool ra_sync(struct file_ra *ra, uint64_t index, uint32_t req, uint32_t max, uint64_t prev_index,
             uint64_t contig, bool from_start);

/**
 * ra_async() - page_cache_async_ra(): the reader reached the page marked
 * PG_readahead at @index. Return: true when @ra holds the next window.
 */
bool ra_async(struct file_ra *ra, uint64_t index, uint32_t max);

#endif /* MMSIM_READAHEAD_H */
