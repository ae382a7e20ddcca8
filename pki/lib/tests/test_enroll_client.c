// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the enrollment client that need no server: the stored
 * policy's signature check, and refusals before any network traffic. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ca.h"
#include "enroll_client.h"
#include "policy.h"
#include "util.h"
#include "lib/log.h"

static char dir[64];

static void write_file(const char *name, const void *p, size_t n)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(file_write(path, p, n, 0644), 0);
}

/* A group CA, its policy signed as CMS by the policy-signing certificate
 * it issued, stored like enroll_run does. */
static void make_state(X509 **ca_out, EVP_PKEY **key_out)
{
	struct policy pol;
	struct sbuf json = { 0 }, cms = { 0 };
	EVP_PKEY *key, *signkey;
	X509 *ca, *signer;
	char *pem;

	assert_int_equal(ca_key_generate("ec", &key), 0);
	assert_int_equal(ca_root_create(key, "eng", 30, &ca), 0);
	assert_int_equal(ca_cert_to_pem(ca, &pem), 0);
	write_file("ca.pem", pem, strlen(pem));
	free(pem);
	policy_default(&pol);
	assert_int_equal(policy_to_json(&pol, &json), 0);
	assert_int_equal(ca_policy_signer_create(ca, key, 10, &signer, &signkey), 0);
	assert_int_equal(policy_sign(signer, signkey, json.data, &cms), 0);
	write_file("policy.cms", cms.data, cms.len);
	sbuf_free(&json);
	sbuf_free(&cms);
	X509_free(signer);
	EVP_PKEY_free(signkey);
	*ca_out = ca;
	*key_out = key;
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_enroll.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static void stored_policy_signature_is_valid(void **state)
{
	EVP_PKEY *key;
	X509 *ca;

	(void)state;
	make_state(&ca, &key);
	assert_int_equal(enroll_policy_check(dir), 0);
	X509_free(ca);
	EVP_PKEY_free(key);
}

static void tampered_policy_is_refused(void **state)
{
	struct sbuf cms = { 0 };
	char path[128];
	EVP_PKEY *key;
	X509 *ca;
	char *hit;

	(void)state;
	make_state(&ca, &key);
	snprintf(path, sizeof(path), "%s/policy.cms", dir);
	assert_int_equal(file_read(path, 1 << 20, &cms), 0);
	/* Change the signed content: probe_failures 3 -> 9. */
	hit = memmem(cms.data, cms.len, "\"probe_failures\":3", 18);
	assert_non_null(hit);
	hit[17] = '9';
	write_file("policy.cms", cms.data, cms.len);
	assert_int_not_equal(enroll_policy_check(dir), 0);
	sbuf_free(&cms);
	X509_free(ca);
	EVP_PKEY_free(key);
}

static void policy_signed_by_other_ca_is_refused(void **state)
{
	struct sbuf json = { 0 }, cms = { 0 };
	struct policy pol;
	EVP_PKEY *key, *other_key;
	X509 *ca, *other;

	(void)state;
	make_state(&ca, &key);
	assert_int_equal(ca_key_generate("ec", &other_key), 0);
	assert_int_equal(ca_root_create(other_key, "eng", 30, &other), 0);
	policy_default(&pol);
	assert_int_equal(policy_to_json(&pol, &json), 0);
	assert_int_equal(policy_sign(other, other_key, json.data, &cms), 0);
	write_file("policy.cms", cms.data, cms.len);
	assert_int_equal(enroll_policy_check(dir), -EBADMSG);
	sbuf_free(&json);
	sbuf_free(&cms);
	X509_free(ca);
	X509_free(other);
	EVP_PKEY_free(key);
	EVP_PKEY_free(other_key);
}

/* What servers before the policy-signing certificate stored: refused,
 * and told apart from a bad signature so that renew can replace it. */
static void policy_signed_by_the_group_ca_itself_is_refused(void **state)
{
	struct sbuf json = { 0 }, cms = { 0 };
	struct policy pol;
	EVP_PKEY *key;
	X509 *ca;

	(void)state;
	make_state(&ca, &key);
	policy_default(&pol);
	assert_int_equal(policy_to_json(&pol, &json), 0);
	assert_int_equal(policy_sign(ca, key, json.data, &cms), 0);
	write_file("policy.cms", cms.data, cms.len);
	assert_int_equal(enroll_policy_check(dir), -EKEYREJECTED);
	sbuf_free(&json);
	sbuf_free(&cms);
	X509_free(ca);
	EVP_PKEY_free(key);
}

static void enroll_without_trust_anchor_is_refused(void **state)
{
	struct enroll_cfg cfg = { .host = "127.0.0.1", .port = 1, .user = "alice",
				  .password = "x", .dir = dir };

	(void)state;
	assert_int_equal(enroll_run(&cfg, NULL), -EINVAL);
}

static void enroll_with_bad_user_name_is_refused(void **state)
{
	struct enroll_cfg cfg = { .host = "127.0.0.1", .port = 1, .user = "-alice",
				  .password = "x", .dir = dir,
				  .pin_sha256 = "00" };

	(void)state;
	assert_int_equal(enroll_run(&cfg, NULL), -EINVAL);
}

static void renew_without_state_fails(void **state)
{
	bool renewed = true;

	(void)state;
	assert_int_not_equal(enroll_renew(dir, 0.3, true, 1, &renewed), 0);
	assert_false(renewed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(stored_policy_signature_is_valid, setup, teardown),
		cmocka_unit_test_setup_teardown(tampered_policy_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(policy_signed_by_other_ca_is_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(policy_signed_by_the_group_ca_itself_is_refused,
						setup, teardown),
		cmocka_unit_test_setup_teardown(enroll_without_trust_anchor_is_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(enroll_with_bad_user_name_is_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(renew_without_state_fails, setup, teardown),
	};

	log_set_level(LOG_LEVEL_NONE); /* the refusals log; the assertions are what count */
	return cmocka_run_group_tests_name("enroll", tests, NULL, NULL);
}
