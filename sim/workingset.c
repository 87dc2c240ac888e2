// SPDX-License-Identifier: MIT
/*
 * workingset.c - refault distance (after mm/workingset.c, Linux 6.x).
 *
 * Theory, in our words. Think of the page cache of one lruvec as two queues:
 * new pages enter the head of the inactive queue, a second use moves a page
 * to the active queue, reclaim takes pages off the inactive tail and the
 * active tail is demoted back to the inactive head when the inactive queue
 * runs short.
 *
 * Every eviction moves each inactive page one slot nearer the tail, and so
 * does every activation (the activated page leaves a hole that the pages
 * behind it close). Count both in one counter, the lruvec's nonresident age.
 * Read it as E when a page is evicted and store it in the slot the page
 * leaves behind (a "shadow entry" in the page cache or the swap cache). When
 * the page faults back in, read the counter again as R: R - E is the least
 * number of accesses to other inactive pages made while the page was out,
 * its refault distance.
 *
 * The page's whole reuse distance was at least (inactive list) + (R - E). It
 * would have survived had the inactive list had all the memory the active
 * list holds, i.e. if R - E <= active. So a refault within that distance is
 * activated at once, on the bet that it belongs to the working set; if the
 * bet is wrong, the active list's demotion puts it right. With swap, anon and
 * file pages compete for the same memory, so the budget of a file refault is
 * active file + all anon, and of an anon refault all file + active anon (anon
 * only when the cgroup can swap).
 *
 * Concrete example (tested in tests/test_workingset.c): 10 pages of cache,
 * 4 inactive and 6 active. Page X is evicted when the age is 100. If it
 * refaults at age 103 its distance is 3 <= 6 and it goes straight to the
 * active list; at age 108 the distance 8 > 6 and it starts inactive.
 *
 * The shadow also records PG_workingset (the page had been active before it
 * was demoted). An activated refault of such a page means the working set is
 * thrashing within its own memory rather than changing: the kernel counts it
 * as a restore and charges the refault as I/O cost to its list type.
 *
 * Ages advance on eviction, on activation by mark_page_accessed, when reclaim
 * puts a page back on an active list, and on an activated refault — for the
 * page's cgroup and every ancestor. A lruvec is a (cgroup, node) pair: each
 * node keeps its own ages, and the shadow names the node it was evicted from,
 * so a page that refaults onto another node is judged against the lists of
 * the node it left (workingset_test_recent's eviction_lruvec). Timestamps are not bucketed (the
 * kernel drops low bits only when memory has more pages than its shadow bits can count): 46 bits of
 * age.
 */
#include "workingset.h"

#define AGE_BITS 46
#define AGE_MASK ((1ULL << AGE_BITS) - 1)

void workingset_age(struct workingset *ws, uint32_t memcg, uint64_t n)
{
	/* every cgroup is a child of the root (0) */
	ws->age[memcg] += n;
	if (memcg)
		ws->age[0] += n;
}

uint64_t workingset_eviction(struct workingset *ws, unsigned node, uint32_t memcg, bool workingset)
{
	uint64_t shadow = shadow_with_node((uint64_t)memcg << 47 | (uint64_t)workingset << 46 |
	                                           (ws->age[memcg] & AGE_MASK),
	                                   node);

	workingset_age(ws, memcg, 1);
	return shadow;
}

uint64_t workingset_distance(const struct workingset *ws, uint64_t shadow)
{
	return (ws->age[shadow_memcg(shadow)] - shadow) & AGE_MASK;
}

bool workingset_test_recent(const struct workingset *ws, uint64_t shadow, bool file,
                            const struct workingset_sizes *sz)
{
	uint64_t size = sz->active_file;

	if (!file)
		size += sz->inactive_file;
	if (sz->swap) {
		size += sz->active_anon;
		if (file)
			size += sz->inactive_anon;
	}
	return workingset_distance(ws, shadow) <= size;
}
