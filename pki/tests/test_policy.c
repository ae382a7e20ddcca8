// SPDX-License-Identifier: GPL-2.0
/* Policy: parse, validate, serialise, sign, verify. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ca.h"
#include "policy.h"

static void default_round_trips(void **state)
{
	struct policy p, q;
	struct sbuf a = { 0 }, b = { 0 };

	(void)state;
	policy_default(&p);
	assert_int_equal(policy_to_json(&p, &a), 0);
	assert_int_equal(policy_parse(a.data, a.len, false, &q, NULL, 0), 0);
	assert_int_equal(policy_to_json(&q, &b), 0);
	assert_string_equal(a.data, b.data);
	assert_int_equal(q.probe_failures, 3);
	sbuf_free(&a);
	sbuf_free(&b);
}

/* Replaces "key":<old value> in the default document. */
static int parse_with(const char *key, const char *value, char *why, size_t n)
{
	struct sbuf doc = { 0 }, out = { 0 };
	struct policy p;
	char pat[64], *at, *end;
	int err;

	policy_default(&p);
	policy_to_json(&p, &doc);
	snprintf(pat, sizeof(pat), "\"%s\":", key);
	at = strstr(doc.data, pat);
	assert_non_null(at);
	at += strlen(pat);
	end = at;
	if (*end == '[')
		end = strchr(end, ']') + 1;
	else
		end += strcspn(end, ",}");
	sbuf_add(&out, doc.data, (size_t)(at - doc.data));
	sbuf_addstr(&out, value);
	sbuf_addstr(&out, end);
	err = policy_parse(out.data, out.len, false, &p, why, n);
	sbuf_free(&doc);
	sbuf_free(&out);
	return err;
}

static void refuses_invalid_values_naming_the_member(void **state)
{
	static const struct { const char *key, *value; } bad[] = {
		{ "version", "2" },
		{ "cert_days", "0" },
		{ "cert_days", "9999" },
		{ "cert_days", "\"365\"" },
		{ "key_types", "[]" },
		{ "key_types", "[\"dsa-1024\"]" },
		{ "ike_proposals", "[\"3des-md5-modp1024\"]" },
		{ "ike_proposals", "[\"aes256--sha256\"]" },
		{ "esp_proposals", "[\"aes128-sha1\"]" },
		{ "ike_lifetime", "10" },
		{ "child_lifetime", "99999" },
		{ "probe_interval_ms", "0" },
		{ "probe_failures", "1000" },
		{ "failback_interval_ms", "1.5" },
		{ "selectors", "[\"10.0.0.0/33\"]" },
		{ "selectors", "[\"10.0.0.0\"]" },
		{ "selectors", "[\"fe80::/129\"]" },
		{ "selectors", "[\"x/8\"]" },
	};
	char why[200];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		if (parse_with(bad[i].key, bad[i].value, why, sizeof(why)) != -EINVAL)
			fail_msg("accepted %s=%s", bad[i].key, bad[i].value);
		if (!strstr(why, bad[i].key))
			fail_msg("reason '%s' does not name %s", why, bad[i].key);
	}
	assert_int_equal(parse_with("selectors", "[\"10.0.0.0/8\",\"2001:db8::/32\"]", why,
				    sizeof(why)), 0);
}

static void refuses_unknown_and_served_only_members(void **state)
{
	struct policy p;
	struct sbuf doc = { 0 };
	char why[200];

	(void)state;
	policy_default(&p);
	policy_to_json(&p, &doc);
	doc.data[doc.len - 1] = ',';
	sbuf_addstr(&doc, "\"gateways\":[]}");
	assert_int_equal(policy_parse(doc.data, doc.len, false, &p, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "gateways"));
	sbuf_free(&doc);
}

static void served_form_carries_gateways(void **state)
{
	struct policy p, q;
	struct sbuf doc = { 0 };

	(void)state;
	policy_default(&p);
	snprintf(p.group, sizeof(p.group), "eng");
	assert_int_equal(policy_add_gateway(&p, "gw1", "192.0.2.1,2001:db8::1", 10), 0);
	assert_int_equal(policy_add_gateway(&p, "gw2", "192.0.2.2", 20), 0);
	assert_int_equal(policy_add_gateway(&p, "gw3", "not-an-ip", 30), -EINVAL);
	assert_int_equal(policy_to_json(&p, &doc), 0);
	assert_int_equal(policy_parse(doc.data, doc.len, true, &q, NULL, 0), 0);
	assert_int_equal(q.ngateways, 2);
	assert_string_equal(q.gateways[0].addrs[1], "2001:db8::1");
	assert_int_equal(q.gateways[1].priority, 20);
	assert_string_equal(q.group, "eng");
	sbuf_free(&doc);
}

static void signature_verifies_only_with_the_group_ca(void **state)
{
	struct sbuf cms = { 0 }, text = { 0 };
	EVP_PKEY *k1, *k2;
	X509 *ca1, *ca2;

	(void)state;
	assert_int_equal(ca_key_generate("ec", &k1), 0);
	assert_int_equal(ca_root_create(k1, "eng", 30, &ca1), 0);
	assert_int_equal(ca_key_generate("ec", &k2), 0);
	assert_int_equal(ca_root_create(k2, "eng", 30, &ca2), 0);
	assert_int_equal(policy_sign(ca1, k1, "{\"x\":1}", &cms), 0);
	assert_int_equal(policy_verify(ca1, cms.data, cms.len, &text), 0);
	assert_string_equal(text.data, "{\"x\":1}");
	assert_int_equal(policy_verify(ca2, cms.data, cms.len, &text), -EBADMSG);
	assert_int_equal(policy_verify(ca1, cms.data, cms.len - 1, &text), -EBADMSG);
	sbuf_free(&cms);
	sbuf_free(&text);
	X509_free(ca1);
	X509_free(ca2);
	EVP_PKEY_free(k1);
	EVP_PKEY_free(k2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(default_round_trips),
		cmocka_unit_test(refuses_invalid_values_naming_the_member),
		cmocka_unit_test(refuses_unknown_and_served_only_members),
		cmocka_unit_test(served_form_carries_gateways),
		cmocka_unit_test(signature_verifies_only_with_the_group_ca),
	};

	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
