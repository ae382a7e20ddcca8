// SPDX-License-Identifier: GPL-2.0
/* The HTTP/1.1 head parsers and Basic credentials. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http.h"

static int req(const char *s, struct http_msg *m)
{
	char why[128];

	return http_req_parse(s, strlen(s), m, why, sizeof(why));
}

static void parses_post_with_body_length(void **state)
{
	struct http_msg m;
	const char *s = "POST /v1/enroll/start HTTP/1.1\r\nHost: x\r\n"
			"Content-Type: application/json\r\nContent-Length: 12\r\n\r\nbody";

	(void)state;
	assert_int_equal(req(s, &m), 0);
	assert_string_equal(m.method, "POST");
	assert_string_equal(m.target, "/v1/enroll/start");
	assert_string_equal(m.content_type, "application/json");
	assert_int_equal(m.content_length, 12);
	assert_int_equal(m.head_len, strstr(s, "\r\n\r\n") + 4 - s);
}

static void incomplete_head_asks_for_more(void **state)
{
	struct http_msg m;

	(void)state;
	assert_int_equal(req("GET / HTTP/1.1\r\nHost: x\r\n", &m), -EAGAIN);
}

static void refuses_bad_heads(void **state)
{
	static const struct { const char *s; int err; } cases[] = {
		{ "GET / HTTP/1.1\nHost: x\n\n", -EINVAL },
		{ "GET /\r\n\r\n", -EINVAL },
		{ "GET / HTTP/2.0\r\n\r\n", -EINVAL },
		{ "GET x HTTP/1.1\r\n\r\n", -EINVAL },
		{ "DELETE / HTTP/1.1\r\n\r\n", -ENOSYS },
		{ "POST / HTTP/1.1\r\n\r\n", -ENOMSG },
		{ "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n", -EINVAL },
		{ "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", -EINVAL },
		{ "POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n", -EMSGSIZE },
		{ "POST / HTTP/1.1\r\nContent-Length: 70000\r\n\r\n", -EMSGSIZE },
		{ "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", -ENOSYS },
		{ "GET / HTTP/1.1\r\n folded: x\r\n\r\n", -EINVAL },
		{ "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", -EINVAL },
		{ "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", -EINVAL },
		{ "GET /\x7f HTTP/1.1\r\n\r\n", -EINVAL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct http_msg m;
		int err = req(cases[i].s, &m);

		if (err != cases[i].err)
			fail_msg("case %zu: got %d, want %d", i, err, cases[i].err);
	}
}

static void refuses_oversized_head(void **state)
{
	static char big[HTTP_MAX_HEAD + 100];
	struct http_msg m;

	(void)state;
	memset(big, 'a', sizeof(big));
	memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
	assert_int_equal(http_req_parse(big, sizeof(big), &m, NULL, 0), -E2BIG);
}

static void parses_status_line(void **state)
{
	const char *s = "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\n"
			"Content-Length: 2\r\n\r\n{}";
	struct http_msg m;

	(void)state;
	assert_int_equal(http_resp_parse(s, strlen(s), &m, NULL, 0), 0);
	assert_int_equal(m.status, 503);
	assert_int_equal(m.retry_after, 1);
	assert_int_equal(m.content_length, 2);
	assert_int_equal(http_resp_parse("HTTP/1.1 20x\r\n\r\n", 16, &m, NULL, 0), -EINVAL);
}

/* Retry-After is read within its value: the head need not end in a NUL. */
static void retry_after_bounded(void **state)
{
	static const struct {
		const char *head;
		int retry_after;
	} cases[] = {
		{ "HTTP/1.1 503 X\r\nRetry-After: 12\r\n\r\n", 12 },
		{ "HTTP/1.1 503 X\r\nRetry-After: 99999999999\r\n\r\n", 86400 },
		{ "HTTP/1.1 503 X\r\nRetry-After: Wed, 21 Oct 2026\r\n\r\n", 0 },
	};
	struct http_msg m;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = strlen(cases[i].head);
		char *exact = malloc(n);

		assert_non_null(exact);
		memcpy(exact, cases[i].head, n);	/* no terminator */
		assert_int_equal(http_resp_parse(exact, n, &m, NULL, 0), 0);
		assert_int_equal(m.retry_after, cases[i].retry_after);
		free(exact);
	}
}

static void decodes_basic_credentials(void **state)
{
	char user[64], pass[64];

	(void)state;
	/* "alice:pa:ss" — the password may hold colons, the user may not. */
	assert_int_equal(http_basic_decode("Basic YWxpY2U6cGE6c3M=", user, sizeof(user), pass,
					   sizeof(pass)), 0);
	assert_string_equal(user, "alice");
	assert_string_equal(pass, "pa:ss");
	assert_int_equal(http_basic_decode("Bearer abc", user, sizeof(user), pass, sizeof(pass)),
			 -EINVAL);
	assert_int_equal(http_basic_decode("Basic !!!!", user, sizeof(user), pass, sizeof(pass)),
			 -EINVAL);
	assert_int_equal(http_basic_decode("Basic YWxpY2U=", user, sizeof(user), pass,
					   sizeof(pass)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_post_with_body_length),
		cmocka_unit_test(incomplete_head_asks_for_more),
		cmocka_unit_test(refuses_bad_heads),
		cmocka_unit_test(refuses_oversized_head),
		cmocka_unit_test(parses_status_line),
		cmocka_unit_test(retry_after_bounded),
		cmocka_unit_test(decodes_basic_credentials),
	};

	return cmocka_run_group_tests_name("http", tests, NULL, NULL);
}
