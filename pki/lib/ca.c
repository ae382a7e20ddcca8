// SPDX-License-Identifier: GPL-2.0
#include "ca.h"
#include "lib/log.h"
#include "util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

static void set_why(char *why, size_t n, const char *fmt, const char *arg)
{
	if (why && n)
		snprintf(why, n, fmt, arg);
}

int ca_key_generate(const char *type, EVP_PKEY **out)
{
	EVP_PKEY *k = NULL;

	if (!strcmp(type, "ec") || !strcmp(type, "ec-p256"))
		k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	else if (!strcmp(type, "ec-p384"))
		k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	else if (!strcmp(type, "rsa") || !strcmp(type, "rsa-3072"))
		k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)3072);
	else if (!strcmp(type, "rsa-2048"))
		k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	else if (!strcmp(type, "rsa-4096"))
		k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)4096);
	else {
		log_error("unknown key type '%s'", type);
		return -EINVAL;
	}
	if (!k)
		return -ENOMEM;
	*out = k;
	return 0;
}

int ca_key_kind(EVP_PKEY *key, char *out, size_t n)
{
	char curve[32];

	if (EVP_PKEY_is_a(key, "EC")) {
		if (!EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, curve,
						    sizeof(curve), NULL))
			return -EINVAL;
		if (!strcmp(curve, "prime256v1") || !strcmp(curve, "P-256"))
			snprintf(out, n, "ec-p256");
		else if (!strcmp(curve, "secp384r1") || !strcmp(curve, "P-384"))
			snprintf(out, n, "ec-p384");
		else
			snprintf(out, n, "ec-%s", curve);
		return 0;
	}
	if (EVP_PKEY_is_a(key, "RSA")) {
		snprintf(out, n, "rsa-%d", EVP_PKEY_get_bits(key));
		return 0;
	}
	snprintf(out, n, "%s", EVP_PKEY_get0_type_name(key) ? EVP_PKEY_get0_type_name(key) : "?");
	return 0;
}

static int add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (!ext)
		return -EINVAL;
	ok = X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	return ok ? 0 : -ENOMEM;
}

/* 127 random bits with the top one set: positive, fixed width, unique in
 * practice; the store's primary key refuses the impossible repeat. */
static int set_serial(X509 *cert)
{
	BIGNUM *bn = BN_new();
	int ok;

	if (!bn)
		return -ENOMEM;
	ok = BN_rand(bn, 128, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) &&
	     BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert));
	BN_free(bn);
	return ok ? 0 : -EIO;
}

static int set_name_cn(X509_NAME *name, const char *cn)
{
	return X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn,
					  -1, -1, 0) ? 0 : -EINVAL;
}

/* Subject, version, serial, validity, issuer name and key of a new
 * certificate: what a root and a leaf have in common. */
static int cert_fill(X509 *cert, const char *cn, int days, X509 *issuer, EVP_PKEY *pub)
{
	X509_NAME *name = X509_NAME_new();
	int err;

	if (!name)
		return -ENOMEM;
	err = set_name_cn(name, cn);
	if (!err && !X509_set_subject_name(cert, name))
		err = -ENOMEM;
	X509_NAME_free(name);
	if (err)
		return err;
	if (!X509_set_version(cert, 2))
		return -EIO;
	err = set_serial(cert);
	if (err)
		return err;
	/* One minute of back-dating tolerates small clock differences. */
	if (!X509_gmtime_adj(X509_getm_notBefore(cert), -60) ||
	    !X509_time_adj_ex(X509_getm_notAfter(cert), days, 0, NULL))
		return -EIO;
	if (!X509_set_issuer_name(cert, X509_get_subject_name(issuer ? issuer : cert)))
		return -ENOMEM;
	if (!X509_set_pubkey(cert, pub))
		return -EIO;
	return 0;
}

/* A new certificate issued by issuer (NULL: by itself) to pub. */
static int cert_new(const char *cn, int days, X509 *issuer, EVP_PKEY *pub, X509 **out)
{
	X509 *cert = X509_new();
	int err;

	if (!cert)
		return -ENOMEM;
	err = cert_fill(cert, cn, days, issuer, pub);
	if (err) {
		X509_free(cert);
		return err;
	}
	*out = cert;
	return 0;
}

int ca_root_create(EVP_PKEY *key, const char *cn, int days, X509 **out)
{
	X509 *cert = NULL;
	int err = cert_new(cn, days, NULL, key, &cert);

	if (!err)
		err = add_ext(cert, cert, NID_basic_constraints, "critical,CA:TRUE");
	if (!err)
		err = add_ext(cert, cert, NID_key_usage, "critical,keyCertSign,cRLSign");
	if (!err)
		err = add_ext(cert, cert, NID_subject_key_identifier, "hash");
	if (!err && !X509_sign(cert, key, EVP_sha256()))
		err = -EIO;
	if (err) {
		X509_free(cert);
		return err;
	}
	*out = cert;
	return 0;
}

static int bio_to_str(BIO *bio, char **out)
{
	char *data;
	long n = BIO_get_mem_data(bio, &data);

	*out = malloc((size_t)n + 1);
	if (!*out)
		return -ENOMEM;
	memcpy(*out, data, (size_t)n);
	(*out)[n] = '\0';
	return 0;
}

int ca_key_encrypt(EVP_PKEY *key, const char *pass, char **pem)
{
	BIO *bio = BIO_new(BIO_s_mem());
	int err = -EIO;

	if (!bio)
		return -ENOMEM;
	/* PKCS#8 with PBES2 (PBKDF2-SHA256) and AES-256-CBC. */
	if (PEM_write_bio_PKCS8PrivateKey(bio, key, EVP_aes_256_cbc(), pass,
					  (int)strlen(pass), NULL, NULL))
		err = bio_to_str(bio, pem);
	BIO_free(bio);
	return err;
}

int ca_key_decrypt(const char *pem, const char *pass, EVP_PKEY **out)
{
	BIO *bio = BIO_new_mem_buf(pem, -1);
	EVP_PKEY *k;

	if (!bio)
		return -ENOMEM;
	k = PEM_read_bio_PrivateKey(bio, NULL, NULL, (void *)pass);
	BIO_free(bio);
	if (!k) {
		ERR_clear_error();
		return -EACCES;
	}
	*out = k;
	return 0;
}

int ca_key_to_pem(EVP_PKEY *key, char **pem)
{
	BIO *bio = BIO_new(BIO_s_mem());
	int err = -EIO;

	if (!bio)
		return -ENOMEM;
	if (PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL))
		err = bio_to_str(bio, pem);
	/* The memory BIO held the key in clear: BIO_free does not wipe it. */
	{
		char *data;
		long n = BIO_get_mem_data(bio, &data);

		if (n > 0)
			OPENSSL_cleanse(data, (size_t)n);
	}
	BIO_free(bio);
	return err;
}

int ca_cert_to_pem(X509 *cert, char **pem)
{
	BIO *bio = BIO_new(BIO_s_mem());
	int err = -EIO;

	if (!bio)
		return -ENOMEM;
	if (PEM_write_bio_X509(bio, cert))
		err = bio_to_str(bio, pem);
	BIO_free(bio);
	return err;
}

int ca_cert_from_pem(const char *pem, size_t n, X509 **out)
{
	BIO *bio = BIO_new_mem_buf(pem, (int)n);
	X509 *cert;

	if (!bio)
		return -ENOMEM;
	cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (!cert) {
		ERR_clear_error();
		return -EINVAL;
	}
	*out = cert;
	return 0;
}

int ca_cert_serial(X509 *cert, char out[CA_SERIAL_HEX])
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
	char *hex;
	size_t i;

	if (!bn)
		return -EINVAL;
	hex = BN_bn2hex(bn);
	BN_free(bn);
	if (!hex)
		return -ENOMEM;
	if (strlen(hex) >= CA_SERIAL_HEX) {
		OPENSSL_free(hex);
		return -EINVAL;
	}
	for (i = 0; hex[i]; i++)
		out[i] = (char)((hex[i] >= 'A' && hex[i] <= 'F') ? hex[i] - 'A' + 'a' : hex[i]);
	out[i] = '\0';
	OPENSSL_free(hex);
	return 0;
}

int ca_cert_fingerprint(X509 *cert, char out[CA_FP_HEX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n;

	if (!X509_digest(cert, EVP_sha256(), md, &n) || n != 32)
		return -EIO;
	hex_encode(md, n, out);
	return 0;
}

static int name_cn(const X509_NAME *name, char *out, size_t n)
{
	const X509_NAME_ENTRY *e;
	const ASN1_STRING *s;

	if (X509_NAME_entry_count(name) != 1)
		return -EINVAL;
	e = X509_NAME_get_entry(name, 0);
	if (OBJ_obj2nid(X509_NAME_ENTRY_get_object(e)) != NID_commonName)
		return -EINVAL;
	s = X509_NAME_ENTRY_get_data(e);
	if ((size_t)ASN1_STRING_length(s) >= n ||
	    memchr(ASN1_STRING_get0_data(s), 0, (size_t)ASN1_STRING_length(s)))
		return -EINVAL;
	memcpy(out, ASN1_STRING_get0_data(s), (size_t)ASN1_STRING_length(s));
	out[ASN1_STRING_length(s)] = '\0';
	return 0;
}

int ca_cert_cn(X509 *cert, char *out, size_t n)
{
	return name_cn(X509_get_subject_name(cert), out, n);
}

int ca_cert_seconds_left(X509 *cert, int64_t *out)
{
	int days, secs;

	if (!ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(cert)))
		return -EINVAL;
	*out = (int64_t)days * 86400 + secs;
	return 0;
}

bool ca_cert_has_eku(X509 *cert, const char *oid)
{
	EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(cert, NID_ext_key_usage, NULL, NULL);
	ASN1_OBJECT *want = OBJ_txt2obj(oid, 1);
	bool found = false;
	int i;

	for (i = 0; eku && want && i < sk_ASN1_OBJECT_num(eku); i++)
		if (!OBJ_cmp(sk_ASN1_OBJECT_value(eku, i), want))
			found = true;
	EXTENDED_KEY_USAGE_free(eku);
	ASN1_OBJECT_free(want);
	ERR_clear_error();
	return found;
}

int ca_csr_parse(const void *p, size_t n, X509_REQ **out, char *why, size_t whylen)
{
	const unsigned char *der = p;
	X509_REQ *req = NULL;
	EVP_PKEY *pub;

	if (n > 16384) {
		set_why(why, whylen, "%s", "certificate request too large");
		return -EINVAL;
	}
	if (n >= 10 && !memcmp(p, "-----BEGIN", 10)) {
		BIO *bio = BIO_new_mem_buf(p, (int)n);

		if (!bio)
			return -ENOMEM;
		req = PEM_read_bio_X509_REQ(bio, NULL, NULL, NULL);
		BIO_free(bio);
	} else {
		req = d2i_X509_REQ(NULL, &der, (long)n);
		if (req && der != (const unsigned char *)p + n) {
			X509_REQ_free(req);
			req = NULL;
		}
	}
	ERR_clear_error();
	if (!req) {
		set_why(why, whylen, "%s", "certificate request is not valid PKCS#10");
		return -EINVAL;
	}
	pub = X509_REQ_get0_pubkey(req);
	if (!pub || X509_REQ_verify(req, pub) != 1) {
		ERR_clear_error();
		X509_REQ_free(req);
		set_why(why, whylen, "%s", "certificate request signature does not verify");
		return -EINVAL;
	}
	*out = req;
	return 0;
}

int ca_csr_create(EVP_PKEY *key, const char *cn, X509_REQ **out)
{
	X509_REQ *req = X509_REQ_new();
	X509_NAME *name = X509_NAME_new();
	int err = -EIO;

	if (!req || !name)
		goto out;
	if (set_name_cn(name, cn) || !X509_REQ_set_subject_name(req, name) ||
	    !X509_REQ_set_pubkey(req, key) || !X509_REQ_sign(req, key, EVP_sha256()))
		goto out;
	*out = req;
	req = NULL;
	err = 0;
out:
	ERR_clear_error();
	X509_NAME_free(name);
	X509_REQ_free(req);
	return err;
}

int ca_csr_check(X509_REQ *req, const char *cn, const char *const *key_types,
		 char *why, size_t whylen)
{
	char got[256], kind[32];
	EVP_PKEY *pub = X509_REQ_get0_pubkey(req);

	if (name_cn(X509_REQ_get_subject_name(req), got, sizeof(got))) {
		set_why(why, whylen, "%s", "certificate request subject must be exactly CN=<user>");
		return -EINVAL;
	}
	if (strcmp(got, cn)) {
		set_why(why, whylen, "certificate request subject CN '%s' is not the user name",
			got);
		return -EINVAL;
	}
	if (!pub || ca_key_kind(pub, kind, sizeof(kind)))
		return -EINVAL;
	for (; key_types && *key_types; key_types++)
		if (!strcmp(*key_types, kind))
			return 0;
	set_why(why, whylen, "key type '%s' is not allowed by the group policy", kind);
	return -EINVAL;
}

static int add_sans(X509 *cert, X509 *issuer, const char *const *sans)
{
	struct sbuf b = { 0 };
	int err = 0;

	for (; sans && *sans && !err; sans++) {
		unsigned char tmp[16];
		bool ip = inet_pton(AF_INET, *sans, tmp) == 1 ||
			  inet_pton(AF_INET6, *sans, tmp) == 1;

		if (strchr(*sans, ',')) {
			err = -EINVAL;
			break;
		}
		err = sbuf_printf(&b, "%s%s:%s", b.len ? "," : "", ip ? "IP" : "DNS", *sans);
	}
	if (!err && b.len)
		err = add_ext(cert, issuer, NID_subject_alt_name, b.data);
	sbuf_free(&b);
	return err;
}

int ca_issue(X509 *cacert, EVP_PKEY *cakey, EVP_PKEY *pub, const char *cn, int days,
	     enum ca_kind kind, const char *const *sans, X509 **out)
{
	X509 *cert = NULL;
	int err;

	if (days <= 0 || days > 3650)
		return -EINVAL;
	err = cert_new(cn, days, cacert, pub, &cert);
	if (!err)
		err = add_ext(cert, cacert, NID_basic_constraints, "critical,CA:FALSE");
	if (!err)
		err = add_ext(cert, cacert, NID_key_usage,
			      kind == CA_KIND_POLICY ? "critical,digitalSignature" :
			      EVP_PKEY_is_a(pub, "RSA") ?
			      "critical,digitalSignature,keyEncipherment" :
			      "critical,digitalSignature");
	if (!err)
		err = add_ext(cert, cacert, NID_ext_key_usage,
			      kind == CA_KIND_CLIENT ? "clientAuth" :
			      kind == CA_KIND_GATEWAY ? "serverAuth,1.3.6.1.5.5.8.2.2" :
			      kind == CA_KIND_POLICY ? "emailProtection," CA_OID_POLICY_SIGNING :
			      "serverAuth");
	if (!err)
		err = add_ext(cert, cacert, NID_subject_key_identifier, "hash");
	if (!err)
		err = add_ext(cert, cacert, NID_authority_key_identifier, "keyid:always");
	if (!err)
		err = add_sans(cert, cacert, sans);
	/* A policy signer never outlives its CA (validity shorter than it). */
	if (!err && kind == CA_KIND_POLICY &&
	    ASN1_TIME_compare(X509_get0_notAfter(cert), X509_get0_notAfter(cacert)) > 0 &&
	    !X509_set1_notAfter(cert, X509_get0_notAfter(cacert)))
		err = -EIO;
	if (!err && !X509_sign(cert, cakey, EVP_sha256()))
		err = -EIO;
	if (err) {
		ERR_clear_error();
		X509_free(cert);
		return err;
	}
	*out = cert;
	return 0;
}

int ca_policy_signer_create(X509 *ca, EVP_PKEY *cakey, int days, X509 **cert,
			    EVP_PKEY **key)
{
	char kind[32], cn[128];
	EVP_PKEY *k = NULL;
	int64_t left;
	int err;

	err = ca_cert_seconds_left(ca, &left);
	if (!err && left <= 0)
		err = -EKEYEXPIRED;
	if (!err)
		err = ca_key_kind(cakey, kind, sizeof(kind));
	if (!err)
		err = ca_cert_cn(ca, cn, sizeof(cn) - 16);
	if (!err)
		err = ca_key_generate(kind, &k);
	if (err)
		return err;
	strcat(cn, " policy signing");
	err = ca_issue(ca, cakey, k, cn, days, CA_KIND_POLICY, NULL, cert);
	if (err) {
		EVP_PKEY_free(k);
		return err;
	}
	*key = k;
	return 0;
}

int ca_crl_create(X509 *cacert, EVP_PKEY *cakey, const struct ca_revoked *rev, size_t n,
		  int days, X509_CRL **out)
{
	X509_CRL *crl = X509_CRL_new();
	ASN1_TIME *t = ASN1_TIME_new();
	size_t i;
	int err = -EIO;

	if (!crl || !t)
		goto out;
	if (!X509_CRL_set_version(crl, 1) ||
	    !X509_CRL_set_issuer_name(crl, X509_get_subject_name(cacert)) ||
	    !X509_gmtime_adj(t, 0) || !X509_CRL_set1_lastUpdate(crl, t) ||
	    !X509_time_adj_ex(t, days, 0, NULL) || !X509_CRL_set1_nextUpdate(crl, t))
		goto out;
	for (i = 0; i < n; i++) {
		X509_REVOKED *r = X509_REVOKED_new();
		BIGNUM *bn = NULL;
		ASN1_INTEGER *serial = NULL;
		ASN1_ENUMERATED *reason = ASN1_ENUMERATED_new();
		int ok;

		ok = r && reason && BN_hex2bn(&bn, rev[i].serial) &&
		     (serial = BN_to_ASN1_INTEGER(bn, NULL)) &&
		     X509_REVOKED_set_serialNumber(r, serial) &&
		     ASN1_TIME_set(t, (time_t)rev[i].at) &&
		     X509_REVOKED_set_revocationDate(r, t) &&
		     ASN1_ENUMERATED_set(reason, rev[i].reason) &&
		     X509_REVOKED_add1_ext_i2d(r, NID_crl_reason, reason, 0, 0) &&
		     X509_CRL_add0_revoked(crl, r);
		BN_free(bn);
		ASN1_INTEGER_free(serial);
		ASN1_ENUMERATED_free(reason);
		if (!ok) {
			X509_REVOKED_free(r);
			goto out;
		}
	}
	X509_CRL_sort(crl);
	if (!X509_CRL_sign(crl, cakey, EVP_sha256()))
		goto out;
	*out = crl;
	crl = NULL;
	err = 0;
out:
	ERR_clear_error();
	ASN1_TIME_free(t);
	X509_CRL_free(crl);
	return err;
}

int ca_verify_leaf(X509 *root, X509 *leaf, char *why, size_t whylen)
{
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int err = -ENOMEM;

	if (!store || !ctx || !X509_STORE_add_cert(store, root) ||
	    !X509_STORE_CTX_init(ctx, store, leaf, NULL))
		goto out;
	X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_CLIENT);
	if (X509_verify_cert(ctx) == 1) {
		err = 0;
	} else {
		set_why(why, whylen, "client certificate: %s",
			X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
		err = -EPERM;
	}
out:
	ERR_clear_error();
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return err;
}

int ca_secret_generate(char out[65])
{
	unsigned char raw[32];

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return -EIO;
	hex_encode(raw, sizeof(raw), out);
	OPENSSL_cleanse(raw, sizeof(raw));
	return 0;
}
