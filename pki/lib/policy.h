/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A group's encryption policy: JSON, validated strictly, signed as CMS
 * SignedData when served (step 105) by the group's policy-signing
 * certificate, which the group CA issues. The stored form has
 * no "group"/"gateways"; the served form adds both from the database.
 */
#ifndef PKI_POLICY_H
#define PKI_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "util.h"

#define POLICY_MAX_LIST 8
#define POLICY_MAX_SELECTORS 64
#define POLICY_MAX_GATEWAYS 32
#define POLICY_MAX_ADDRS 8

struct policy_gateway {
	char name[64];
	char addrs[POLICY_MAX_ADDRS][46];
	int naddrs;
	int priority;
};

struct policy {
	int version;
	int cert_days;
	char key_types[POLICY_MAX_LIST][16];
	int nkey_types;
	char ike_proposals[POLICY_MAX_LIST][64];
	int nike;
	char esp_proposals[POLICY_MAX_LIST][64];
	int nesp;
	int ike_lifetime;
	int child_lifetime;
	int probe_interval_ms;
	int probe_failures;
	int failback_interval_ms;
	char selectors[POLICY_MAX_SELECTORS][50];
	int nselectors;
	/* served form only */
	bool served;
	char group[64];
	struct policy_gateway gateways[POLICY_MAX_GATEWAYS];
	int ngateways;
};

void policy_default(struct policy *p);
/* served: expect (and allow) "group" and "gateways". why names the bad member. */
int policy_parse(const char *text, size_t n, bool served, struct policy *p, char *why,
		 size_t whylen);
int policy_to_json(const struct policy *p, struct sbuf *out);
/* "10.0.0.0/8" style; addrs comma separated. */
int policy_add_gateway(struct policy *p, const char *name, const char *addrs, int priority);
/* NULL-terminated view of key_types for ca_csr_check(). */
void policy_key_types(const struct policy *p, const char *out[POLICY_MAX_LIST + 1]);

/* CMS SignedData (DER) over text, signed by the group's policy-signing
 * certificate (ca_policy_signer_create()), which the message carries. */
int policy_sign(X509 *signer, EVP_PKEY *key, const char *text, struct sbuf *der);
/* Verifies der with ca as the only trust anchor and returns the signed
 * text: the signer must chain to ca and hold CA_OID_POLICY_SIGNING.
 * -EKEYREJECTED: signed by ca itself (an older service; renew), -EBADMSG:
 * anything else; why says which. */
int policy_verify(X509 *ca, const void *der, size_t n, struct sbuf *text, char *why,
		  size_t whylen);

#endif
