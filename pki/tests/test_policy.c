// SPDX-License-Identifier: GPL-2.0
/* Policy: parse, validate, serialise, sign, verify. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/x509v3.h>

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

/* A group CA and the policy-signing certificate it issued. */
struct group {
	EVP_PKEY *cakey, *signkey;
	X509 *ca, *signer;
};

static void group_new(struct group *g)
{
	assert_int_equal(ca_key_generate("ec", &g->cakey), 0);
	assert_int_equal(ca_root_create(g->cakey, "eng", 30, &g->ca), 0);
	assert_int_equal(ca_policy_signer_create(g->ca, g->cakey, 10, &g->signer, &g->signkey), 0);
}

static void group_free(struct group *g)
{
	X509_free(g->ca);
	X509_free(g->signer);
	EVP_PKEY_free(g->cakey);
	EVP_PKEY_free(g->signkey);
}

static void signature_verifies_only_with_the_group_ca(void **state)
{
	struct sbuf cms = { 0 }, text = { 0 };
	struct group g1, g2;
	char why[256] = "";

	(void)state;
	group_new(&g1);
	group_new(&g2);
	assert_int_equal(policy_sign(g1.signer, g1.signkey, "{\"x\":1}", &cms), 0);
	assert_int_equal(policy_verify(g1.ca, cms.data, cms.len, &text, why, sizeof(why)), 0);
	assert_string_equal(text.data, "{\"x\":1}");
	assert_int_equal(policy_verify(g2.ca, cms.data, cms.len, &text, why, sizeof(why)),
			 -EBADMSG);
	assert_non_null(strstr(why, "does not verify with the group CA"));
	assert_int_equal(policy_verify(g1.ca, cms.data, cms.len - 1, &text, NULL, 0), -EBADMSG);
	sbuf_free(&cms);
	sbuf_free(&text);
	group_free(&g1);
	group_free(&g2);
}

static void tampered_content_is_refused(void **state)
{
	struct sbuf cms = { 0 }, text = { 0 };
	struct group g;
	char why[256] = "", *at;

	(void)state;
	group_new(&g);
	assert_int_equal(policy_sign(g.signer, g.signkey, "{\"probe_failures\":3}", &cms), 0);
	at = memmem(cms.data, cms.len, "\"probe_failures\":3", 18);
	assert_non_null(at);
	at[17] = '9';
	assert_int_equal(policy_verify(g.ca, cms.data, cms.len, &text, why, sizeof(why)),
			 -EBADMSG);
	assert_int_equal(text.len, 0);
	sbuf_free(&cms);
	group_free(&g);
}

/* How servers before the policy-signing certificate signed: refused, and
 * the reason tells the user to renew. */
static void policy_signed_by_the_group_ca_itself_is_refused(void **state)
{
	struct sbuf cms = { 0 }, text = { 0 };
	struct group g;
	char why[256] = "";

	(void)state;
	group_new(&g);
	assert_int_equal(policy_sign(g.ca, g.cakey, "{\"x\":1}", &cms), 0);
	assert_int_equal(policy_verify(g.ca, cms.data, cms.len, &text, why, sizeof(why)),
			 -EKEYREJECTED);
	assert_non_null(strstr(why, "signed by the group CA directly"));
	assert_non_null(strstr(why, "vpnfoctl enroll renew"));
	assert_int_equal(text.len, 0);
	sbuf_free(&cms);
	group_free(&g);
}

/* A user's own client certificate (clientAuth) or an S/MIME certificate of
 * the group CA without our EKU must not be able to sign a policy. */
static void signer_without_the_policy_eku_is_refused(void **state)
{
	static const enum ca_kind kinds[] = { CA_KIND_CLIENT, CA_KIND_GATEWAY };
	struct sbuf cms = { 0 }, text = { 0 };
	struct group g;
	char why[256];
	EVP_PKEY *key;
	X509 *cert;
	size_t i;

	(void)state;
	group_new(&g);
	assert_int_equal(ca_key_generate("ec", &key), 0);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		why[0] = '\0';
		assert_int_equal(ca_issue(g.ca, g.cakey, key, "mallory", 10, kinds[i], NULL, &cert),
				 0);
		assert_int_equal(policy_sign(cert, key, "{\"x\":1}", &cms), 0);
		assert_int_equal(policy_verify(g.ca, cms.data, cms.len, &text, why, sizeof(why)),
				 -EBADMSG);
		assert_int_equal(text.len, 0);
		X509_free(cert);
		sbuf_free(&cms);
	}
	assert_non_null(strstr(why, "does not verify"));
	group_free(&g);
	EVP_PKEY_free(key);
}

static void add_ext(X509 *issuer, X509 *cert, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *e;

	X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	assert_non_null(e);
	assert_int_equal(X509_add_ext(cert, e, -1), 1);
	X509_EXTENSION_free(e);
}

/* emailProtection alone passes OpenSSL's purpose check: our EKU is what
 * makes a policy signer. */
static void smime_signer_without_the_vpnfo_oid_is_refused(void **state)
{
	struct sbuf cms = { 0 }, text = { 0 };
	struct group g;
	char why[256] = "";
	EVP_PKEY *key;
	X509 *cert;

	(void)state;
	group_new(&g);
	assert_int_equal(ca_key_generate("ec", &key), 0);
	cert = X509_new();
	assert_non_null(cert);
	assert_int_equal(X509_set_version(cert, 2), 1);
	assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(cert), 7), 1);
	assert_non_null(X509_gmtime_adj(X509_getm_notBefore(cert), -60));
	assert_non_null(X509_gmtime_adj(X509_getm_notAfter(cert), 86400));
	assert_int_equal(X509_set_issuer_name(cert, X509_get_subject_name(g.ca)), 1);
	assert_int_equal(X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN",
						    MBSTRING_ASC, (const unsigned char *)"smime",
						    -1, -1, 0), 1);
	assert_int_equal(X509_set_pubkey(cert, key), 1);
	add_ext(g.ca, cert, NID_basic_constraints, "critical,CA:FALSE");
	add_ext(g.ca, cert, NID_key_usage, "critical,digitalSignature");
	add_ext(g.ca, cert, NID_ext_key_usage, "emailProtection");
	assert_true(X509_sign(cert, g.cakey, EVP_sha256()) > 0);
	assert_int_equal(policy_sign(cert, key, "{\"x\":1}", &cms), 0);
	assert_int_equal(policy_verify(g.ca, cms.data, cms.len, &text, why, sizeof(why)),
			 -EBADMSG);
	assert_non_null(strstr(why, "is not a policy-signing certificate"));
	assert_non_null(strstr(why, "'smime'"));
	X509_free(cert);
	sbuf_free(&cms);
	EVP_PKEY_free(key);
	group_free(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(default_round_trips),
		cmocka_unit_test(refuses_invalid_values_naming_the_member),
		cmocka_unit_test(refuses_unknown_and_served_only_members),
		cmocka_unit_test(served_form_carries_gateways),
		cmocka_unit_test(signature_verifies_only_with_the_group_ca),
		cmocka_unit_test(tampered_content_is_refused),
		cmocka_unit_test(policy_signed_by_the_group_ca_itself_is_refused),
		cmocka_unit_test(signer_without_the_policy_eku_is_refused),
		cmocka_unit_test(smime_signer_without_the_vpnfo_oid_is_refused),
	};

	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
