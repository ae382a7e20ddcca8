/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Operations that span the store and the CA: each one is a single store
 * transaction with its audit record, so a failure leaves nothing behind.
 * Shared by the admin tool and the enrollment service.
 */
#ifndef PKI_AUTHORITY_H
#define PKI_AUTHORITY_H

#include <pthread.h>
#include <stdbool.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "ca.h"
#include "policy.h"
#include "store.h"

#define AUTH_KEY_CACHE 16

/* Decrypting a CA key costs a PBKDF2 run: the service keeps the keys it
 * decrypted, each valid while the store still holds the same ciphertext. */
struct auth_key_slot {
	char group[STORE_NAME_MAX];
	char *enc;		/* the encrypted PEM the key came from */
	EVP_PKEY *key;
};

struct authority {
	struct store *st;
	char secret[65];	/* encrypts CA keys at rest; wiped on close */
	pthread_mutex_t cache_lock;
	struct auth_key_slot cache[AUTH_KEY_CACHE];
	unsigned int cache_next;
};

/* secret_path: a file of mode 0600 holding the key-encryption secret.
 * create: make the secret file when missing (init). */
int auth_open(struct authority *a, const char *db, const char *secret_path, bool create);
void auth_close(struct authority *a);

/* The service CA that signs the enrollment server's TLS certificate;
 * clients pin its fingerprint. Created by auth_init(). */
int auth_init(struct authority *a, const char *actor);
int auth_service_ca(struct authority *a, X509 **cert, EVP_PKEY **key);

int auth_group_create(struct authority *a, const char *name, const char *key_type, int days,
		      const char *actor);
/* Any of cert/key/pol may be NULL. */
int auth_group_load(struct authority *a, const char *name, X509 **cert, EVP_PKEY **key,
		    struct policy *pol);
/* The group's policy-signing certificate and its key: issued on group
 * creation, and here when the group has none (created by an older
 * version) or it is due for renewal (signer_due()). */
int auth_policy_signer(struct authority *a, const char *group, const char *actor,
		       X509 **cert, EVP_PKEY **key);
int auth_policy_set(struct authority *a, const char *group, const char *json,
		    const char *actor, char *why, size_t whylen);
/* The policy as served in step 105: stored policy + group + gateways. */
int auth_policy_served(struct authority *a, const char *group, struct sbuf *json);

int auth_user_add(struct authority *a, const char *name, const char *group,
		  const char *password, const char *actor);
int auth_user_passwd(struct authority *a, const char *name, const char *password,
		     const char *actor);
int auth_user_disable(struct authority *a, const char *name, bool disabled,
		      const char *actor);

int auth_gateway_add(struct authority *a, const char *name, const char *addrs, int priority,
		     const char *const *groups, const char *actor);
int auth_gateway_set_priority(struct authority *a, const char *name, int priority,
			      const char *actor);
int auth_gateway_disable(struct authority *a, const char *name, bool disabled,
			 const char *actor);

/* Issues and records a certificate for pub from the group's CA. */
int auth_issue(struct authority *a, const char *group, EVP_PKEY *pub, const char *cn,
	       enum ca_kind kind, const char *const *sans, int days, const char *actor,
	       X509 **out);
int auth_revoke(struct authority *a, const char *serial, int reason, const char *actor);
int auth_crl(struct authority *a, const char *group, X509_CRL **out);

#endif
