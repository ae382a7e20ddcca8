/* SPDX-License-Identifier: GPL-2.0 */
/* Certificate authority operations on OpenSSL 3: keys, roots, CSR checks,
 * issuance, CRLs. Keys at rest are encrypted PKCS#8. */
#ifndef PKI_CA_H
#define PKI_CA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

enum ca_kind { CA_KIND_CLIENT, CA_KIND_GATEWAY, CA_KIND_SERVICE, CA_KIND_POLICY };

/*
 * The extended key usage of a group's policy-signing certificate (the
 * certificate whose key signs the CMS policy of step 105, issued by the
 * group CA). An OID under the UUID arc 2.25 (ITU-T X.667), which needs no
 * registration: 2.25 followed by the UUID c4bc8517-c05b-49f5-b2c0-
 * da15387eb52a as one integer. See Documentation/pki.md.
 */
#define CA_OID_POLICY_SIGNING "2.25.261507538425504565583925333472726398250"
/* Longest and usual validity of a policy-signing certificate; one is
 * renewed when it has less than CA_POLICY_RENEW_DAYS left, more than the
 * longest client certificate (825 days), so that a policy stored by a
 * client outlives the certificate it came with. */
#define CA_POLICY_DAYS 1826
#define CA_POLICY_RENEW_DAYS 900

#define CA_SERIAL_HEX 48
#define CA_FP_HEX 65

/* type: "ec" (P-256), "ec-p384", "rsa" (3072), "rsa-2048", "rsa-4096". */
int ca_key_generate(const char *type, EVP_PKEY **out);
/* A short name for the key's algorithm and size: "ec-p256", "rsa-3072"... */
int ca_key_kind(EVP_PKEY *key, char *out, size_t n);
int ca_root_create(EVP_PKEY *key, const char *cn, int days, X509 **out);

int ca_key_encrypt(EVP_PKEY *key, const char *pass, char **pem);
int ca_key_decrypt(const char *pem, const char *pass, EVP_PKEY **out);
int ca_key_to_pem(EVP_PKEY *key, char **pem); /* unencrypted, for a 0600 file */

int ca_cert_to_pem(X509 *cert, char **pem);
int ca_cert_from_pem(const char *pem, size_t n, X509 **out);
int ca_cert_serial(X509 *cert, char out[CA_SERIAL_HEX]);
int ca_cert_fingerprint(X509 *cert, char out[CA_FP_HEX]);
/* The subject's single CN, or -EINVAL. */
int ca_cert_cn(X509 *cert, char *out, size_t n);
/* Seconds from now to the end of the certificate's validity (negative
 * once it has expired). */
int ca_cert_seconds_left(X509 *cert, int64_t *out);
/* Whether the certificate's extended key usage lists oid (dotted). */
bool ca_cert_has_eku(X509 *cert, const char *oid);

/* PEM or DER PKCS#10 in; the request's own signature is checked. */
int ca_csr_parse(const void *p, size_t n, X509_REQ **out, char *why, size_t whylen);
/* A PKCS#10 request for CN=cn signed with key (SHA-256). */
int ca_csr_create(EVP_PKEY *key, const char *cn, X509_REQ **out);
/* The subject must be exactly CN=<cn>; the key kind must be listed in
 * key_types (NULL-terminated). */
int ca_csr_check(X509_REQ *req, const char *cn, const char *const *key_types,
		 char *why, size_t whylen);

/* Issues a certificate for pub with subject CN=cn, valid [now, now+days).
 * sans (NULL-terminated, may be NULL): IP addresses or DNS names. */
int ca_issue(X509 *cacert, EVP_PKEY *cakey, EVP_PKEY *pub, const char *cn, int days,
	     enum ca_kind kind, const char *const *sans, X509 **out);

/* A policy-signing certificate for the group CA ca: a fresh key of the CA
 * key's kind, CN "<ca CN> policy signing", keyUsage digitalSignature,
 * extendedKeyUsage emailProtection and CA_OID_POLICY_SIGNING, CA:FALSE,
 * (emailProtection because a standard CMS verifier, openssl cms -verify
 * among them, checks the S/MIME signing purpose, which refuses a signer
 * whose extended key usage lacks it; ours requires the vpnfo OID),
 * valid for days but never beyond the CA. -EKEYEXPIRED: the CA has expired. */
int ca_policy_signer_create(X509 *ca, EVP_PKEY *cakey, int days, X509 **cert,
			    EVP_PKEY **key);

struct ca_revoked {
	const char *serial;	/* hex */
	int64_t at;
	int reason;
};

int ca_crl_create(X509 *cacert, EVP_PKEY *cakey, const struct ca_revoked *rev, size_t n,
		  int days, X509_CRL **out);

/* Chain check of leaf against the single trusted root, at the current
 * time, for TLS client use. */
int ca_verify_leaf(X509 *root, X509 *leaf, char *why, size_t whylen);

/* A fresh random secret, hex encoded, for encrypting CA keys. */
int ca_secret_generate(char out[65]);

#endif
