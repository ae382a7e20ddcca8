// SPDX-License-Identifier: GPL-2.0
/* CA operations: keys, roots, encryption at rest, CSR checks, issuance,
 * CRLs, chain verification. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "ca.h"

static const char *const all_types[] = { "ec-p256", "ec-p384", "rsa-3072", NULL };

struct fixture {
	EVP_PKEY *cakey;
	X509 *ca;
};

static int setup(void **state)
{
	static struct fixture f;

	if (ca_key_generate("ec", &f.cakey) || ca_root_create(f.cakey, "eng", 30, &f.ca))
		return -1;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	X509_free(f->ca);
	EVP_PKEY_free(f->cakey);
	return 0;
}

static void key_kinds_are_named(void **state)
{
	char kind[32];
	EVP_PKEY *k;

	(void)state;
	assert_int_equal(ca_key_generate("ec-p384", &k), 0);
	assert_int_equal(ca_key_kind(k, kind, sizeof(kind)), 0);
	assert_string_equal(kind, "ec-p384");
	EVP_PKEY_free(k);
	assert_int_equal(ca_key_generate("rsa-2048", &k), 0);
	assert_int_equal(ca_key_kind(k, kind, sizeof(kind)), 0);
	assert_string_equal(kind, "rsa-2048");
	EVP_PKEY_free(k);
	assert_int_equal(ca_key_generate("dsa", &k), -EINVAL);
}

static void root_is_a_self_signed_ca(void **state)
{
	struct fixture *f = *state;
	char cn[64];

	assert_int_equal(X509_check_ca(f->ca), 1);
	assert_int_equal(X509_check_issued(f->ca, f->ca), X509_V_OK);
	assert_int_equal(X509_verify(f->ca, f->cakey), 1);
	assert_int_equal(ca_cert_cn(f->ca, cn, sizeof(cn)), 0);
	assert_string_equal(cn, "eng");
	assert_true(X509_get_key_usage(f->ca) & KU_KEY_CERT_SIGN);
}

static void rsa_root_on_request(void **state)
{
	char kind[32];
	EVP_PKEY *k;
	X509 *ca;

	(void)state;
	assert_int_equal(ca_key_generate("rsa", &k), 0);
	assert_int_equal(ca_root_create(k, "ops", 30, &ca), 0);
	assert_int_equal(ca_key_kind(X509_get0_pubkey(ca), kind, sizeof(kind)), 0);
	assert_string_equal(kind, "rsa-3072");
	X509_free(ca);
	EVP_PKEY_free(k);
}

static void key_encryption_needs_the_secret(void **state)
{
	struct fixture *f = *state;
	EVP_PKEY *back;
	char *pem;

	assert_int_equal(ca_key_encrypt(f->cakey, "s3cret-s3cret-s3cret-s3cret-s3cr", &pem), 0);
	assert_non_null(strstr(pem, "BEGIN ENCRYPTED PRIVATE KEY"));
	assert_int_equal(ca_key_decrypt(pem, "wrong", &back), -EACCES);
	assert_int_equal(ca_key_decrypt(pem, "s3cret-s3cret-s3cret-s3cret-s3cr", &back), 0);
	assert_int_equal(EVP_PKEY_eq(back, f->cakey), 1);
	EVP_PKEY_free(back);
	free(pem);
}

static X509_REQ *make_csr(const char *type, const char *cn, EVP_PKEY **key)
{
	X509_REQ *req;

	assert_int_equal(ca_key_generate(type, key), 0);
	assert_int_equal(ca_csr_create(*key, cn, &req), 0);
	return req;
}

static void csr_round_trip_der_and_pem(void **state)
{
	unsigned char *der = NULL;
	X509_REQ *req, *back;
	EVP_PKEY *key;
	BIO *bio;
	char *pem;
	long n;
	int len;

	(void)state;
	req = make_csr("ec", "alice", &key);
	len = i2d_X509_REQ(req, &der);
	assert_int_equal(ca_csr_parse(der, (size_t)len, &back, NULL, 0), 0);
	X509_REQ_free(back);
	assert_int_equal(ca_csr_parse(der, (size_t)len - 1, &back, NULL, 0), -EINVAL);
	bio = BIO_new(BIO_s_mem());
	PEM_write_bio_X509_REQ(bio, req);
	n = BIO_get_mem_data(bio, &pem);
	assert_int_equal(ca_csr_parse(pem, (size_t)n, &back, NULL, 0), 0);
	X509_REQ_free(back);
	BIO_free(bio);
	OPENSSL_free(der);
	X509_REQ_free(req);
	EVP_PKEY_free(key);
}

static void csr_with_bad_signature_is_refused(void **state)
{
	unsigned char *der = NULL;
	char why[128];
	X509_REQ *req, *back;
	EVP_PKEY *key;
	int len;

	(void)state;
	req = make_csr("ec", "alice", &key);
	len = i2d_X509_REQ(req, &der);
	der[len - 3] ^= 0x55; /* inside the signature */
	assert_int_equal(ca_csr_parse(der, (size_t)len, &back, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "signature") ? why : strstr(why, "PKCS#10"));
	OPENSSL_free(der);
	X509_REQ_free(req);
	EVP_PKEY_free(key);
}

static void csr_subject_must_be_the_user(void **state)
{
	X509_REQ *req;
	EVP_PKEY *key;
	char why[128];

	(void)state;
	req = make_csr("ec", "mallory", &key);
	assert_int_equal(ca_csr_check(req, "alice", all_types, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "mallory"));
	assert_int_equal(ca_csr_check(req, "mallory", all_types, why, sizeof(why)), 0);
	X509_REQ_free(req);
	EVP_PKEY_free(key);
}

static void csr_key_type_must_be_allowed(void **state)
{
	static const char *const ec_only[] = { "ec-p256", NULL };
	X509_REQ *req;
	EVP_PKEY *key;
	char why[128];

	(void)state;
	req = make_csr("rsa-2048", "alice", &key);
	assert_int_equal(ca_csr_check(req, "alice", ec_only, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "rsa-2048"));
	X509_REQ_free(req);
	EVP_PKEY_free(key);
}

static void issued_client_cert_chains_to_group_ca(void **state)
{
	struct fixture *f = *state;
	char s1[CA_SERIAL_HEX], s2[CA_SERIAL_HEX], why[128];
	EVP_PKEY *key, *okey;
	X509 *c1, *c2, *other;

	assert_int_equal(ca_key_generate("ec", &key), 0);
	assert_int_equal(ca_issue(f->ca, f->cakey, key, "alice", 10, CA_KIND_CLIENT, NULL, &c1), 0);
	assert_int_equal(ca_issue(f->ca, f->cakey, key, "alice", 10, CA_KIND_CLIENT, NULL, &c2), 0);
	assert_int_equal(ca_verify_leaf(f->ca, c1, why, sizeof(why)), 0);
	assert_int_equal(X509_check_purpose(c1, X509_PURPOSE_SSL_CLIENT, 0), 1);
	assert_int_equal(X509_check_ca(c1), 0);
	assert_int_equal(ca_cert_serial(c1, s1), 0);
	assert_int_equal(ca_cert_serial(c2, s2), 0);
	assert_int_equal(strlen(s1), 32);
	assert_string_not_equal(s1, s2);
	/* Another group's CA does not vouch for it. */
	assert_int_equal(ca_key_generate("ec", &okey), 0);
	assert_int_equal(ca_root_create(okey, "ops", 30, &other), 0);
	assert_int_equal(ca_verify_leaf(other, c1, why, sizeof(why)), -EPERM);
	X509_free(c1);
	X509_free(c2);
	X509_free(other);
	EVP_PKEY_free(key);
	EVP_PKEY_free(okey);
}

static void gateway_cert_names_its_addresses(void **state)
{
	static const char *const sans[] = { "192.0.2.1", "2001:db8::1", "gw1.example", NULL };
	struct fixture *f = *state;
	EVP_PKEY *key;
	X509 *c;

	assert_int_equal(ca_key_generate("ec", &key), 0);
	assert_int_equal(ca_issue(f->ca, f->cakey, key, "gw1", 10, CA_KIND_GATEWAY, sans, &c), 0);
	assert_int_equal(X509_check_ip_asc(c, "192.0.2.1", 0), 1);
	assert_int_equal(X509_check_ip_asc(c, "2001:db8::1", 0), 1);
	assert_int_equal(X509_check_host(c, "gw1.example", 0, 0, NULL), 1);
	assert_int_equal(X509_check_purpose(c, X509_PURPOSE_SSL_SERVER, 0), 1);
	X509_free(c);
	EVP_PKEY_free(key);
}

/* keyUsage digitalSignature only (critical), CA:FALSE, EKU emailProtection
 * plus the vpnfo policy-signing OID, issued by the group CA and no longer
 * valid than it. */
static void policy_signer_is_a_signing_only_leaf_of_the_group_ca(void **state)
{
	struct fixture *f = *state;
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	EVP_PKEY *key;
	X509 *c;
	char cn[128], kind[32];
	int crit = 0;
	ASN1_BIT_STRING *ku;

	assert_int_equal(ca_policy_signer_create(f->ca, f->cakey, CA_POLICY_DAYS, &c, &key), 0);
	assert_int_equal(ca_cert_cn(c, cn, sizeof(cn)), 0);
	assert_string_equal(cn, "eng policy signing");
	assert_int_equal(ca_key_kind(key, kind, sizeof(kind)), 0);
	assert_string_equal(kind, "ec-p256");
	assert_int_equal(X509_get_key_usage(c), KU_DIGITAL_SIGNATURE);
	ku = X509_get_ext_d2i(c, NID_key_usage, &crit, NULL);
	assert_non_null(ku);
	assert_int_equal(crit, 1);
	ASN1_BIT_STRING_free(ku);
	assert_int_equal(X509_check_ca(c), 0);
	assert_true(ca_cert_has_eku(c, CA_OID_POLICY_SIGNING));
	assert_true(X509_get_extended_key_usage(c) & XKU_SMIME);
	assert_false(ca_cert_has_eku(f->ca, CA_OID_POLICY_SIGNING));
	/* The CA is valid for 30 days: so is the signer, not 1826. */
	assert_int_equal(ASN1_TIME_compare(X509_get0_notAfter(c), X509_get0_notAfter(f->ca)), 0);
	assert_true(X509_STORE_add_cert(store, f->ca));
	assert_true(X509_STORE_CTX_init(ctx, store, c, NULL));
	X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SMIME_SIGN);
	assert_int_equal(X509_verify_cert(ctx), 1);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	X509_free(c);
	EVP_PKEY_free(key);
}

static void crl_lists_revoked_serials(void **state)
{
	struct fixture *f = *state;
	struct ca_revoked rev[] = { { "a1b2c3", 1700000000, 1 }, { "0f", 1700000001, 4 } };
	X509_REVOKED *r = NULL;
	ASN1_INTEGER *serial;
	X509_CRL *crl;
	BIGNUM *bn = NULL;

	assert_int_equal(ca_crl_create(f->ca, f->cakey, rev, 2, 7, &crl), 0);
	assert_int_equal(X509_CRL_verify(crl, f->cakey), 1);
	assert_int_equal(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl)), 2);
	BN_hex2bn(&bn, "a1b2c3");
	serial = BN_to_ASN1_INTEGER(bn, NULL);
	assert_int_equal(X509_CRL_get0_by_serial(crl, &r, serial), 1);
	ASN1_INTEGER_free(serial);
	BN_free(bn);
	X509_CRL_free(crl);
}

static void fingerprint_is_sha256_hex(void **state)
{
	struct fixture *f = *state;
	char fp[CA_FP_HEX];

	assert_int_equal(ca_cert_fingerprint(f->ca, fp), 0);
	assert_int_equal(strlen(fp), 64);
	assert_int_equal(strspn(fp, "0123456789abcdef"), 64);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(key_kinds_are_named),
		cmocka_unit_test(root_is_a_self_signed_ca),
		cmocka_unit_test(rsa_root_on_request),
		cmocka_unit_test(key_encryption_needs_the_secret),
		cmocka_unit_test(csr_round_trip_der_and_pem),
		cmocka_unit_test(csr_with_bad_signature_is_refused),
		cmocka_unit_test(csr_subject_must_be_the_user),
		cmocka_unit_test(csr_key_type_must_be_allowed),
		cmocka_unit_test(issued_client_cert_chains_to_group_ca),
		cmocka_unit_test(gateway_cert_names_its_addresses),
		cmocka_unit_test(policy_signer_is_a_signing_only_leaf_of_the_group_ca),
		cmocka_unit_test(crl_lists_revoked_serials),
		cmocka_unit_test(fingerprint_is_sha256_hex),
	};

	return cmocka_run_group_tests_name("ca", tests, setup, teardown);
}
