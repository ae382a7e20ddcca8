// SPDX-License-Identifier: GPL-2.0
/* The JSON reader on arbitrary bytes; what it accepts must re-serialise. */
#include <stdint.h>
#include <string.h>

#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json *j;

	if (json_parse((const char *)data, size, &j, NULL, 0))
		return 0;
	if (j->type == JV_STR) {
		struct sbuf b = { 0 };
		struct json *back;

		/* Escaping a parsed string must give a document that parses
		 * back to the same string. */
		if (json_add_str(&b, j->str) || json_parse(b.data, b.len, &back, NULL, 0) ||
		    strcmp(back->str, j->str))
			__builtin_trap();
		json_free(back);
		sbuf_free(&b);
	}
	json_free(j);
	return 0;
}
