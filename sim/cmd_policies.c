// SPDX-License-Identifier: MIT
/*
 * cmd_policies.c - 'mmsim policies': the registered reclaim policies.
 */
#include "cli.h"
#include "policy_core.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

int cmd_policies(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: mmsim policies\n\nList every reclaim policy with its source and "
		       "parameters\n(set them with -s policy.<name>.<key>=<value>).\n");
		return EXIT_OK;
	}
	if (argc > 1)
		return usage_error("policies", "unexpected argument '%s'", argv[1]);
	for (size_t i = 0; policy_at(i); i++) {
		const struct reclaim_policy_ops *p = policy_at(i);

		printf("%-9s %s\n", p->name, p->description);
		printf("%-9s params: %s%s%s\n", "", p->params,
		       p->needs_future ? " [offline: reads the trace twice]" : "",
		       p->rotate ? " [asynchronous swap write-back]" : "");
	}
	return EXIT_OK;
}
