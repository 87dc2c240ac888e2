// SPDX-License-Identifier: MIT
/*
 * registry.c - the list of reclaim policies. Adding a policy is one file in
 * policies/ and one line here.
 */
#include "policy_core.h"

#include <stdio.h>
#include <string.h>

extern const struct reclaim_policy_ops linux_policy;
extern const struct reclaim_policy_ops mglru_policy;
extern const struct reclaim_policy_ops lru_policy;
extern const struct reclaim_policy_ops fifo_policy;
extern const struct reclaim_policy_ops clock_policy;
extern const struct reclaim_policy_ops opt_policy;
extern const struct reclaim_policy_ops twoq_policy;
extern const struct reclaim_policy_ops arc_policy;
extern const struct reclaim_policy_ops lirs_policy;
extern const struct reclaim_policy_ops clockpro_policy;

static const struct reclaim_policy_ops *const policies[] =
        {
                &linux_policy, &mglru_policy,    &lru_policy,  &fifo_policy,
                &clock_policy, &opt_policy,      &twoq_policy, &arc_policy,
                &lirs_policy,  &clockpro_policy, NULL, /* one line per policy; keep clang-format
                                                          from joining them */
};

int policy_registry_check(const struct reclaim_policy_ops *const *list, char *err, size_t errlen)
{
	for (size_t i = 0; list[i]; i++) {
		if (!list[i]->name || !list[i]->name[0] || !list[i]->page_added ||
		    !list[i]->shrink || !list[i]->page_removed) {
			snprintf(err, errlen, "policy #%zu lacks a name or a mandatory hook", i);
			return -1;
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(list[i]->name, list[j]->name)) {
				snprintf(err, errlen, "policy name '%s' is registered twice",
				         list[i]->name);
				return -1;
			}
	}
	return 0;
}

const struct reclaim_policy_ops *policy_at(size_t i)
{
	return i < sizeof(policies) / sizeof(policies[0]) ? policies[i] : NULL;
}

const struct reclaim_policy_ops *policy_find(const char *name)
{
	for (size_t i = 0; policies[i]; i++)
		if (!strcmp(policies[i]->name, name))
			return policies[i];
	return NULL;
}

const char *policy_names(void)
{
	static char names[512]; /* built once; the registry is constant */

	if (!names[0]) {
		size_t off = 0;

		for (size_t i = 0; policies[i] && off < sizeof(names); i++)
			off += (size_t)snprintf(names + off, sizeof(names) - off, "%s%s",
			                        i ? ", " : "", policies[i]->name);
	}
	return names;
}
