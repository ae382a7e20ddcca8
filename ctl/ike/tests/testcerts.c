// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "testcerts.h"

EVP_PKEY *tc_key(bool rsa)
{
	return rsa ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256");
}

static void ext(X509 *c, X509 *issuer, int nid, const char *val)
{
	X509V3_CTX ctx;
	X509_EXTENSION *e;

	X509V3_set_ctx(&ctx, issuer ? issuer : c, c, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &ctx, nid, val);
	X509_add_ext(c, e, -1);
	X509_EXTENSION_free(e);
}

X509 *tc_cert(const char *cn, EVP_PKEY *key, X509 *issuer,
	      EVP_PKEY *issuer_key, long serial, bool ca)
{
	X509 *c = X509_new();
	X509_NAME *n = X509_NAME_new();
	char san[128];

	X509_set_version(c, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(c), serial);
	X509_gmtime_adj(X509_getm_notBefore(c), -3600);
	X509_gmtime_adj(X509_getm_notAfter(c), 86400);
	X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC,
				   (const unsigned char *)"vpnfo test", -1,
				   -1, 0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
				   (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(c, n);
	X509_set_issuer_name(c, issuer ? X509_get_subject_name(issuer) : n);
	X509_NAME_free(n);
	X509_set_pubkey(c, key);
	if (ca) {
		ext(c, issuer, NID_basic_constraints, "critical,CA:TRUE");
		ext(c, issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
	} else {
		snprintf(san, sizeof(san), "DNS:%s", cn);
		ext(c, issuer, NID_subject_alt_name, san);
	}
	X509_sign(c, issuer_key ? issuer_key : key, EVP_sha256());
	return c;
}

X509_CRL *tc_crl(X509 *ca, EVP_PKEY *ca_key, long revoked_serial)
{
	X509_CRL *crl = X509_CRL_new();
	X509_REVOKED *r = X509_REVOKED_new();
	ASN1_TIME *t = ASN1_TIME_new();
	ASN1_INTEGER *s = ASN1_INTEGER_new();

	X509_CRL_set_version(crl, 1);
	X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca));
	X509_gmtime_adj(t, -60);
	X509_CRL_set1_lastUpdate(crl, t);
	X509_gmtime_adj(t, 86400);
	X509_CRL_set1_nextUpdate(crl, t);
	ASN1_INTEGER_set(s, revoked_serial);
	X509_REVOKED_set_serialNumber(r, s);
	X509_gmtime_adj(t, -30);
	X509_REVOKED_set_revocationDate(r, t);
	X509_CRL_add0_revoked(crl, r);
	X509_CRL_sort(crl);
	X509_CRL_sign(crl, ca_key, EVP_sha256());
	ASN1_TIME_free(t);
	ASN1_INTEGER_free(s);
	return crl;
}

int tc_cred(struct ike_cred *cred, EVP_PKEY *key, X509 *cert, X509 *ca,
	    X509_CRL *crl)
{
	memset(cred, 0, sizeof(*cred));
	cred->key = key;
	cred->cert = cert;
	cred->trust = X509_STORE_new();
	X509_STORE_add_cert(cred->trust, ca);
	if (crl) {
		X509_STORE_add_crl(cred->trust, crl);
		X509_STORE_set_flags(cred->trust, X509_V_FLAG_CRL_CHECK);
	}
	return ike_spki_sha1(ca, cred->ca_keyid);
}

void tc_cred_free(struct ike_cred *cred)
{
	X509_STORE_free(cred->trust);
	cred->trust = NULL;
}
