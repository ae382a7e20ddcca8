// SPDX-License-Identifier: GPL-2.0
/* The HTTP request and response head parsers and Basic credentials. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_msg m;
	char why[160], user[65], pass[300];
	char *s;

	if (!http_req_parse((const char *)data, size, &m, why, sizeof(why))) {
		if (m.head_len > size || m.content_length > HTTP_MAX_BODY || !m.method[0] ||
		    m.target[0] != '/')
			__builtin_trap();
		if (m.authorization[0])
			http_basic_decode(m.authorization, user, sizeof(user), pass, sizeof(pass));
	}
	if (!http_resp_parse((const char *)data, size, &m, why, sizeof(why)) &&
	    (m.status < 100 || m.status > 599 || m.head_len > size))
		__builtin_trap();
	s = malloc(size + 1);
	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
		http_basic_decode(s, user, sizeof(user), pass, sizeof(pass));
		free(s);
	}
	return 0;
}
