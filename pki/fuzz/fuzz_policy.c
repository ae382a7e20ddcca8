// SPDX-License-Identifier: GPL-2.0
/* The policy parser (stored and served forms); an accepted policy must
 * serialise and parse back to the same text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

static void round_trip(const struct policy *p, bool served)
{
	struct sbuf a = { 0 }, b = { 0 };
	struct policy *q = malloc(sizeof(*q));

	if (!q || policy_to_json(p, &a) || policy_parse(a.data, a.len, served, q, NULL, 0) ||
	    policy_to_json(q, &b) || strcmp(a.data, b.data))
		__builtin_trap();
	sbuf_free(&a);
	sbuf_free(&b);
	free(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct policy p;
	char why[256];

	if (!policy_parse((const char *)data, size, false, &p, why, sizeof(why)))
		round_trip(&p, false);
	if (!policy_parse((const char *)data, size, true, &p, why, sizeof(why)))
		round_trip(&p, true);
	return 0;
}
