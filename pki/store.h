/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pki store: groups, users, gateways, certificates and the audit log.
 * One interface, two backends (SQLite, PostgreSQL). Every function returns
 * 0 or -errno: -ENOENT (no such row), -EEXIST (duplicate name/serial),
 * -EAGAIN (database unreachable: callers answer 503), -EBADMSG (a stored
 * value is malformed; the reason, naming the column, is logged), -EIO
 * (other failure).
 * A multi-step change runs between store_tx_begin() and store_tx_commit();
 * store_tx_rollback() undoes all of it. The store is safe to share between
 * threads: a transaction holds the store's lock until it ends.
 */
#ifndef PKI_STORE_H
#define PKI_STORE_H

#include <stdbool.h>
#include <stdint.h>

#define STORE_NAME_MAX 64
#define STORE_REASON_MAX 10	/* aACompromise, the last RFC 5280 CRLReason */

struct store;

struct store_group {
	char name[STORE_NAME_MAX];
	char *ca_cert;		/* PEM */
	char *ca_key;		/* encrypted PKCS#8 PEM */
	char *policy;		/* JSON, validated before it is stored */
	int64_t created;
};

/* A group's policy-signing certificate and its key. */
struct store_signer {
	char group[STORE_NAME_MAX];
	char *cert;		/* PEM */
	char *key;		/* encrypted PKCS#8 PEM */
	int64_t not_after;	/* the certificate's, for listing */
};

struct store_user {
	char name[STORE_NAME_MAX];
	char group[STORE_NAME_MAX];
	char *pwhash;		/* Argon2id encoded string */
	bool disabled;
	int64_t created;
};

struct store_gateway {
	char name[STORE_NAME_MAX];
	char *addresses;	/* comma separated IP addresses */
	int priority;		/* lower is preferred */
	bool enabled;
};

struct store_cert {
	char serial[48];	/* lower-case hex */
	char subject[256];	/* the subject CN */
	char group[STORE_NAME_MAX];
	char kind[16];		/* "client" or "gateway" */
	int64_t not_before;
	int64_t not_after;
	int64_t revoked_at;	/* 0 when not revoked */
	int reason;		/* RFC 5280 CRLReason, 0 to STORE_REASON_MAX */
	char *pem;
};

/* uri: "sqlite:PATH", a plain PATH (SQLite), or "postgresql://..." /
 * "pg:CONNINFO" (libpq). Applies pending migrations. */
int store_open(const char *uri, struct store **out);
void store_close(struct store *st);
int store_schema_version(struct store *st, int *version);

int store_tx_begin(struct store *st);
int store_tx_commit(struct store *st);
void store_tx_rollback(struct store *st);

/* Names: 1-63 of [A-Za-z0-9._@-], not starting with '-' or '.'. */
bool store_name_valid(const char *name);

int store_meta_get(struct store *st, const char *name, char **value);
int store_meta_set(struct store *st, const char *name, const char *value);

int store_group_add(struct store *st, const struct store_group *g);
int store_group_get(struct store *st, const char *name, struct store_group *g);
int store_group_set_policy(struct store *st, const char *name, const char *policy);
int store_group_list(struct store *st, int (*fn)(void *ctx, const struct store_group *g),
		     void *ctx);
void store_group_free(struct store_group *g);

/* -ENOENT: the group has none yet (created by an older version). */
int store_signer_get(struct store *st, const char *group, struct store_signer *s);
/* Adds or replaces the group's signer. */
int store_signer_set(struct store *st, const struct store_signer *s);
void store_signer_free(struct store_signer *s);

int store_user_add(struct store *st, const struct store_user *u);
int store_user_get(struct store *st, const char *name, struct store_user *u);
int store_user_set_pwhash(struct store *st, const char *name, const char *pwhash);
int store_user_set_disabled(struct store *st, const char *name, bool disabled);
int store_user_list(struct store *st, int (*fn)(void *ctx, const struct store_user *u),
		    void *ctx);
void store_user_free(struct store_user *u);

int store_gateway_add(struct store *st, const struct store_gateway *gw);
int store_gateway_get(struct store *st, const char *name, struct store_gateway *gw);
int store_gateway_set_priority(struct store *st, const char *name, int priority);
int store_gateway_set_enabled(struct store *st, const char *name, bool enabled);
int store_gateway_serve(struct store *st, const char *gateway, const char *group);
/* group NULL: every gateway; else the gateways serving it. By priority. */
int store_gateway_list(struct store *st, const char *group, bool enabled_only,
		       int (*fn)(void *ctx, const struct store_gateway *gw), void *ctx);
/* The groups a gateway serves, by name. */
int store_gateway_groups(struct store *st, const char *gateway,
			 int (*fn)(void *ctx, const char *group), void *ctx);
void store_gateway_free(struct store_gateway *gw);

int store_cert_add(struct store *st, const struct store_cert *c);
int store_cert_get(struct store *st, const char *serial, struct store_cert *c);
int store_cert_revoke(struct store *st, const char *serial, int64_t at, int reason);
/* group NULL: all groups. revoked_only for CRLs. */
int store_cert_list(struct store *st, const char *group, bool revoked_only,
		    int (*fn)(void *ctx, const struct store_cert *c), void *ctx);
void store_cert_free(struct store_cert *c);

int store_audit_add(struct store *st, const char *actor, const char *action,
		    const char *detail);
int store_audit_count(struct store *st, const char *action, int64_t *count);
int store_audit_list(struct store *st, int (*fn)(void *ctx, int64_t at, const char *actor,
						 const char *action, const char *detail),
		     void *ctx);

#endif
