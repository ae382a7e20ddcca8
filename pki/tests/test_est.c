// SPDX-License-Identifier: GPL-2.0
/* EST (RFC 7030) answers, through est_handle on a real (SQLite) authority:
 * the certs-only CMS messages of cacerts and simpleenroll. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/asn1.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include "api.h"
#include "ca.h"
#include "util.h"

static char dir[64], db[128], secret[128];
static struct authority auth;
static struct api api;

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_est.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(db, sizeof(db), "sqlite:%s/pki.db", dir);
	snprintf(secret, sizeof(secret), "%s/secret", dir);
	if (auth_open(&auth, db, secret, true) || auth_init(&auth, "test") ||
	    auth_group_create(&auth, "eng", "ec", 30, "test") ||
	    auth_user_add(&auth, "bob", "eng", "pw-bob", "test"))
		return -1;
	return api_init(&api, &auth, 1, 0.25, 4);
}

static int teardown(void **state)
{
	const char *const files[] = { "pki.db", "pki.db-wal", "pki.db-shm", "secret" };
	char p[160];
	size_t i;

	(void)state;
	api_destroy(&api);
	auth_close(&auth);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
		unlink(p);
	}
	rmdir(dir);
	return 0;
}

/* One TLV at *p (within end): returns its content length, the content
 * starting at *p afterwards. */
static long tlv(const unsigned char **p, const unsigned char *end, int want_tag)
{
	long len;
	int tag, cls, ret;

	ret = ASN1_get_object(p, &len, &tag, &cls, end - *p);
	assert_false(ret & 0x80);
	assert_int_equal(cls, V_ASN1_UNIVERSAL);
	assert_int_equal(tag, want_tag);
	return len;
}

/*
 * The body: base64 of a ContentInfo { id-signedData, [0] SignedData }
 * whose encapContentInfo is exactly SEQUENCE { id-data } (RFC 5272 §4.1,
 * RFC 8551 §3.6: no eContent), carrying one certificate and no signer.
 * Returns that certificate.
 */
static X509 *check_certs_only(const struct api_resp *resp)
{
	struct sbuf der = { 0 };
	const unsigned char *p, *end, *eci;
	long len, eci_len;
	int tag, cls;
	ASN1_OBJECT *oid = NULL;
	PKCS7 *p7;
	X509 *cert;

	assert_int_equal(resp->status, 200);
	assert_string_equal(resp->content_type,
			    "application/pkcs7-mime; smime-type=certs-only");
	assert_int_equal(b64_decode(resp->body.data, resp->body.len, &der), 0);

	/* Walk the DER: ContentInfo, [0], SignedData, version, digestAlgorithms,
	 * then encapContentInfo. */
	p = (const unsigned char *)der.data;
	end = p + der.len;
	len = tlv(&p, end, V_ASN1_SEQUENCE);
	assert_ptr_equal(p + len, end);
	len = tlv(&p, end, V_ASN1_OBJECT);
	p += len;
	assert_false(ASN1_get_object(&p, &len, &tag, &cls, end - p) & 0x80);
	assert_int_equal(cls, V_ASN1_CONTEXT_SPECIFIC);
	assert_int_equal(tag, 0);
	len = tlv(&p, end, V_ASN1_SEQUENCE);
	assert_ptr_equal(p + len, end);
	len = tlv(&p, end, V_ASN1_INTEGER);
	p += len;
	len = tlv(&p, end, V_ASN1_SET);
	p += len;
	eci_len = tlv(&p, end, V_ASN1_SEQUENCE);
	eci = p;
	len = tlv(&p, eci + eci_len, V_ASN1_OBJECT);
	p -= 2; /* back to the OID's tag and (short) length */
	assert_non_null(d2i_ASN1_OBJECT(&oid, &p, len + 2));
	assert_int_equal(OBJ_obj2nid(oid), NID_pkcs7_data);
	ASN1_OBJECT_free(oid);
	/* Nothing after the content type: eContent is absent. */
	assert_ptr_equal(p, eci + eci_len);

	/* The same through OpenSSL's decoder. */
	p = (const unsigned char *)der.data;
	p7 = d2i_PKCS7(NULL, &p, (long)der.len);
	assert_non_null(p7);
	assert_true(PKCS7_type_is_signed(p7));
	assert_int_equal(OBJ_obj2nid(p7->d.sign->contents->type), NID_pkcs7_data);
	assert_null(p7->d.sign->contents->d.ptr);
	assert_int_equal(sk_PKCS7_SIGNER_INFO_num(p7->d.sign->signer_info), 0);
	assert_int_equal(sk_X509_num(p7->d.sign->cert), 1);
	cert = X509_dup(sk_X509_value(p7->d.sign->cert, 0));
	assert_non_null(cert);
	PKCS7_free(p7);
	sbuf_free(&der);
	return cert;
}

static void cacerts_is_certs_only_without_econtent(void **state)
{
	struct http_msg m = { .method = "GET" };
	struct api_req req = { .m = &m, .addr = "127.0.0.1" };
	struct api_resp resp = { 0 };
	X509 *root = NULL, *got;

	(void)state;
	est_handle(&api, &req, "eng", "cacerts", &resp);
	got = check_certs_only(&resp);
	assert_int_equal(auth_group_load(&auth, "eng", &root, NULL, NULL), 0);
	assert_int_equal(X509_cmp(got, root), 0);
	X509_free(root);
	X509_free(got);
	sbuf_free(&resp.body);
}

static void simpleenroll_is_certs_only_without_econtent(void **state)
{
	struct http_msg m = { .method = "POST", .content_type = "application/pkcs10",
			      .authorization = "Basic Ym9iOnB3LWJvYg==" }; /* bob:pw-bob */
	struct api_req req = { .m = &m, .addr = "127.0.0.1" };
	struct api_resp resp = { 0 };
	struct sbuf b64 = { 0 };
	unsigned char *der = NULL;
	EVP_PKEY *key = NULL;
	X509_REQ *csr = NULL;
	X509 *got;
	int n;

	(void)state;
	assert_int_equal(ca_key_generate("ec", &key), 0);
	assert_int_equal(ca_csr_create(key, "bob", &csr), 0);
	n = i2d_X509_REQ(csr, &der);
	assert_true(n > 0);
	assert_int_equal(b64_encode(der, (size_t)n, &b64), 0);
	req.body = b64.data;
	req.body_len = b64.len;
	est_handle(&api, &req, "eng", "simpleenroll", &resp);
	got = check_certs_only(&resp);
	assert_int_equal(X509_check_private_key(got, key), 1);
	X509_free(got);
	OPENSSL_free(der);
	sbuf_free(&b64);
	sbuf_free(&resp.body);
	X509_REQ_free(csr);
	EVP_PKEY_free(key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cacerts_is_certs_only_without_econtent),
		cmocka_unit_test(simpleenroll_is_certs_only_without_econtent),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
