/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IKE_TESTCERTS_H
#define IKE_TESTCERTS_H

#include <stdbool.h>

#include <openssl/x509.h>

#include "ike.h"

/* Keys and certificates made in memory for the tests; never on disk. */
EVP_PKEY *tc_key(bool rsa);
X509 *tc_cert(const char *cn, EVP_PKEY *key, X509 *issuer,
	      EVP_PKEY *issuer_key, long serial, bool ca);
X509_CRL *tc_crl(X509 *ca, EVP_PKEY *ca_key, long revoked_serial);
/* Fills @cred; the trust store holds @ca (and @crl if given). */
int tc_cred(struct ike_cred *cred, EVP_PKEY *key, X509 *cert, X509 *ca,
	    X509_CRL *crl);
void tc_cred_free(struct ike_cred *cred);

#endif
