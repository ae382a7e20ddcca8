// SPDX-License-Identifier: GPL-2.0
/* The strict JSON reader: what it accepts, what it refuses and why. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"

static int parse(const char *s, struct json **j)
{
	char why[128];

	return json_parse(s, strlen(s), j, why, sizeof(why));
}

static void accepts_nested_document(void **state)
{
	struct json *j;
	const char *s;
	int64_t v;

	(void)state;
	assert_int_equal(parse(" {\"a\": [1, -2, 3.5e2, true, false, null], \"b\": {\"c\": \"d\"}} ", &j), 0);
	assert_int_equal(j->type, JV_OBJ);
	assert_int_equal(json_get(j, "a")->count, 6);
	assert_int_equal(json_get(j, "a")->child->next->i, -2);
	assert_int_equal(json_get(j, "a")->child->next->next->type, JV_NUM);
	assert_int_equal(json_get_str(json_get(j, "b"), "c", &s), 0);
	assert_string_equal(s, "d");
	assert_int_equal(json_get_int(j, "b", &v), -EINVAL);
	assert_int_equal(json_get_int(j, "zz", &v), -ENOENT);
	json_free(j);
}

static void decodes_escapes_and_surrogates(void **state)
{
	struct json *j;

	(void)state;
	assert_int_equal(parse("\"a\\n\\t\\\"\\\\\\/\\u00e9\\ud83d\\ude00\"", &j), 0);
	assert_string_equal(j->str, "a\n\t\"\\/\xc3\xa9\xf0\x9f\x98\x80");
	json_free(j);
}

static void refuses_malformed_documents(void **state)
{
	static const char *const bad[] = {
		"", " ", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "01", "1.", ".5", "-",
		"1e", "+1", "tru", "nul", "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"",
		"\"\\udc00\"", "\"\\u0000\"", "\"a\x01\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"",
		"\"\xf5\x80\x80\x80\"", "[1] [2]", "{\"a\":1,\"a\":2}", "1e999", "[\"a\"\n,]",
		"NaN", "[1,2", "\"\xe2\x82\"",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct json *j = NULL;

		if (parse(bad[i], &j) != -EINVAL)
			fail_msg("accepted bad JSON #%zu '%s'", i, bad[i]);
	}
}

static void refuses_deep_nesting(void **state)
{
	char buf[200];
	struct json *j;
	int i;

	(void)state;
	for (i = 0; i < 40; i++)
		buf[i] = '[';
	for (i = 40; i < 80; i++)
		buf[i] = ']';
	assert_int_equal(json_parse(buf, 80, &j, NULL, 0), -EINVAL);
	assert_int_equal(json_parse(buf + 20, 40, &j, NULL, 0), 0); /* 20 deep is fine */
	json_free(j);
}

static void refuses_embedded_nul(void **state)
{
	struct json *j;

	(void)state;
	assert_int_equal(json_parse("\"a\0b\"", 5, &j, NULL, 0), -EINVAL);
	assert_int_equal(json_parse("1\0", 2, &j, NULL, 0), -EINVAL);
}

static void reason_names_the_offset(void **state)
{
	char why[128];
	struct json *j;

	(void)state;
	assert_int_equal(json_parse("[1,,2]", 6, &j, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "offset 3"));
}

static void check_keys_names_the_stranger(void **state)
{
	static const char *const allowed[] = { "user", "password", NULL };
	const char *bad = NULL;
	struct json *j;

	(void)state;
	assert_int_equal(parse("{\"user\":\"a\",\"admin\":true}", &j), 0);
	assert_int_equal(json_check_keys(j, allowed, &bad), -EINVAL);
	assert_string_equal(bad, "admin");
	json_free(j);
}

static void escaper_round_trips(void **state)
{
	const char *in = "q\"b\\n\n\x01\xc3\xa9";
	struct sbuf b = { 0 };
	struct json *j;

	(void)state;
	assert_int_equal(json_add_str(&b, in), 0);
	assert_int_equal(json_parse(b.data, b.len, &j, NULL, 0), 0);
	assert_string_equal(j->str, in);
	json_free(j);
	sbuf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepts_nested_document),
		cmocka_unit_test(decodes_escapes_and_surrogates),
		cmocka_unit_test(refuses_malformed_documents),
		cmocka_unit_test(refuses_deep_nesting),
		cmocka_unit_test(refuses_embedded_nul),
		cmocka_unit_test(reason_names_the_offset),
		cmocka_unit_test(check_keys_names_the_stranger),
		cmocka_unit_test(escaper_round_trips),
	};

	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
