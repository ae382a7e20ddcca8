// SPDX-License-Identifier: GPL-2.0
#include "authority.h"
#include "lib/log.h"
#include "pwhash.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

static int secret_load(struct authority *a, const char *path, bool create)
{
	struct sbuf b = { 0 };
	struct stat sb;
	int err;

	if (stat(path, &sb) < 0) {
		if (errno != ENOENT || !create) {
			log_error("secret file '%s': %s", path, strerror(errno));
			return -errno;
		}
		err = ca_secret_generate(a->secret);
		if (!err)
			err = file_write(path, a->secret, 64, 0600);
		return err;
	}
	/* A readable secret would let anyone decrypt every CA key. */
	if (sb.st_mode & 077) {
		log_error("secret file '%s' has mode %04o; it must be 0600", path,
		       (unsigned int)(sb.st_mode & 07777));
		return -EPERM;
	}
	err = file_read(path, 256, &b);
	if (err)
		return err;
	while (b.len && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == '\r'))
		b.len--;
	if (b.len < 32 || b.len > 64) {
		log_error("secret file '%s' must hold 32 to 64 characters", path);
		sbuf_free(&b);
		return -EINVAL;
	}
	memcpy(a->secret, b.data, b.len);
	a->secret[b.len] = '\0';
	sbuf_free(&b);
	return 0;
}

int auth_open(struct authority *a, const char *db, const char *secret_path, bool create)
{
	int err;

	memset(a, 0, sizeof(*a));
	pthread_mutex_init(&a->cache_lock, NULL);
	err = secret_load(a, secret_path, create);
	if (err)
		return err;
	err = store_open(db, &a->st);
	if (err)
		OPENSSL_cleanse(a->secret, sizeof(a->secret));
	return err;
}

void auth_close(struct authority *a)
{
	int i;

	for (i = 0; i < AUTH_KEY_CACHE; i++) {
		free(a->cache[i].enc);
		EVP_PKEY_free(a->cache[i].key);
	}
	memset(a->cache, 0, sizeof(a->cache));
	pthread_mutex_destroy(&a->cache_lock);
	store_close(a->st);
	a->st = NULL;
	OPENSSL_cleanse(a->secret, sizeof(a->secret));
}

static int finish(struct authority *a, int err)
{
	if (err) {
		store_tx_rollback(a->st);
		return err;
	}
	return store_tx_commit(a->st);
}

/* Ends a change begun with store_tx_begin(): if it went well its audit
 * record (the detail from fmt) joins it and both commit, else both roll
 * back. */
static int finish_audited(struct authority *a, int err, const char *actor, const char *action,
			  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int finish_audited(struct authority *a, int err, const char *actor, const char *action,
			  const char *fmt, ...)
{
	char detail[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	if (!err)
		err = store_audit_add(a->st, actor, action, detail);
	return finish(a, err);
}

int auth_init(struct authority *a, const char *actor)
{
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	char *cpem = NULL, *kpem = NULL, *old = NULL;
	int err;

	if (!store_meta_get(a->st, "service_ca_cert", &old)) {
		free(old);
		return -EEXIST;
	}
	err = ca_key_generate("ec", &key);
	if (!err)
		err = ca_root_create(key, "vpnfo enrollment service CA", 3650, &cert);
	if (!err)
		err = ca_cert_to_pem(cert, &cpem);
	if (!err)
		err = ca_key_encrypt(key, a->secret, &kpem);
	if (err)
		goto out;
	err = store_tx_begin(a->st);
	if (err)
		goto out;
	err = store_meta_set(a->st, "service_ca_cert", cpem);
	if (!err)
		err = store_meta_set(a->st, "service_ca_key", kpem);
	if (!err)
		err = store_audit_add(a->st, actor, "init", "service CA created");
	err = finish(a, err);
out:
	free(cpem);
	free(kpem);
	X509_free(cert);
	EVP_PKEY_free(key);
	return err;
}

int auth_service_ca(struct authority *a, X509 **cert, EVP_PKEY **key)
{
	char *cpem = NULL, *kpem = NULL;
	int err;

	err = store_meta_get(a->st, "service_ca_cert", &cpem);
	if (!err)
		err = store_meta_get(a->st, "service_ca_key", &kpem);
	if (!err)
		err = ca_cert_from_pem(cpem, strlen(cpem), cert);
	if (!err && key) {
		err = ca_key_decrypt(kpem, a->secret, key);
		if (err) {
			X509_free(*cert);
			*cert = NULL;
		}
	}
	free(cpem);
	if (kpem) {
		OPENSSL_cleanse(kpem, strlen(kpem));
		free(kpem);
	}
	return err;
}

/*
 * The policy-signing certificate (Documentation/pki.md, "Policy
 * signature"): issued by the group CA, stored with its key encrypted like
 * the CA key, within the caller's transaction, with its audit record.
 */
static int signer_issue(struct authority *a, const char *group, X509 *ca, EVP_PKEY *cakey,
			const char *reason, const char *actor, struct store_signer *out)
{
	char serial[CA_SERIAL_HEX];
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	int64_t left;
	int err;

	memset(out, 0, sizeof(*out));
	snprintf(out->group, sizeof(out->group), "%s", group);
	err = ca_policy_signer_create(ca, cakey, CA_POLICY_DAYS, &cert, &key);
	if (!err)
		err = ca_cert_to_pem(cert, &out->cert);
	if (!err)
		err = ca_key_encrypt(key, a->secret, &out->key);
	if (!err)
		err = ca_cert_serial(cert, serial);
	if (!err)
		err = ca_cert_seconds_left(cert, &left);
	if (!err) {
		out->not_after = time_now() + left;
		err = store_signer_set(a->st, out);
	}
	if (!err) {
		char detail[256];

		snprintf(detail, sizeof(detail),
			 "policy-signing certificate %s for group %s issued (%s)", serial, group,
			 reason);
		err = store_audit_add(a->st, actor, "policy-signer", detail);
	}
	if (err)
		store_signer_free(out);
	X509_free(cert);
	EVP_PKEY_free(key);
	return err;
}

/* Replaced when not issued by this CA, or with less than
 * CA_POLICY_RENEW_DAYS left (unless the CA itself expires first). */
static bool signer_due(X509 *ca, X509 *signer)
{
	int64_t left, ca_left, limit = (int64_t)CA_POLICY_RENEW_DAYS * 86400;
	bool due;

	if (X509_check_issued(ca, signer) != X509_V_OK ||
	    X509_verify(signer, X509_get0_pubkey(ca)) != 1 ||
	    ca_cert_seconds_left(signer, &left) || ca_cert_seconds_left(ca, &ca_left))
		due = true;
	else
		due = left < (ca_left - 86400 < limit ? ca_left - 86400 : limit);
	ERR_clear_error();
	return due;
}

static int signer_read(struct authority *a, const char *group, struct store_signer *s,
		       X509 **cert)
{
	int err = store_signer_get(a->st, group, s);

	if (!err) {
		err = ca_cert_from_pem(s->cert, strlen(s->cert), cert);
		if (err)
			store_signer_free(s);
	}
	return err;
}

int auth_group_create(struct authority *a, const char *name, const char *key_type, int days,
		      const char *actor)
{
	struct store_group g = { 0 };
	struct store_signer s = { 0 };
	struct policy pol;
	struct sbuf pj = { 0 };
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	int err;

	if (!store_name_valid(name)) {
		log_error("invalid group name '%s'", name);
		return -EINVAL;
	}
	snprintf(g.name, sizeof(g.name), "%s", name);
	policy_default(&pol);
	err = ca_key_generate(key_type, &key);
	if (!err)
		err = ca_root_create(key, name, days, &cert);
	if (!err)
		err = ca_cert_to_pem(cert, &g.ca_cert);
	if (!err)
		err = ca_key_encrypt(key, a->secret, &g.ca_key);
	if (!err)
		err = policy_to_json(&pol, &pj);
	if (err)
		goto out;
	g.policy = pj.data;
	err = store_tx_begin(a->st);
	if (err)
		goto out;
	err = store_group_add(a->st, &g);
	if (!err)
		err = signer_issue(a, name, cert, key, "new group", actor, &s);
	store_signer_free(&s);
	err = finish_audited(a, err, actor, "group-add",
			      "group %s created (%s root CA)", name, key_type);
out:
	g.policy = NULL;
	sbuf_free(&pj);
	store_group_free(&g);
	X509_free(cert);
	EVP_PKEY_free(key);
	return err;
}

static int cached_key(struct authority *a, const char *group, const char *enc,
		      EVP_PKEY **key)
{
	struct auth_key_slot *slot;
	int i, err;

	pthread_mutex_lock(&a->cache_lock);
	for (i = 0; i < AUTH_KEY_CACHE; i++) {
		slot = &a->cache[i];
		if (slot->key && !strcmp(slot->group, group) && !strcmp(slot->enc, enc)) {
			EVP_PKEY_up_ref(slot->key);
			*key = slot->key;
			pthread_mutex_unlock(&a->cache_lock);
			return 0;
		}
	}
	pthread_mutex_unlock(&a->cache_lock);
	err = ca_key_decrypt(enc, a->secret, key);
	if (err)
		return err;
	pthread_mutex_lock(&a->cache_lock);
	slot = &a->cache[a->cache_next++ % AUTH_KEY_CACHE];
	free(slot->enc);
	EVP_PKEY_free(slot->key);
	slot->enc = strdup(enc);
	slot->key = slot->enc ? *key : NULL;
	if (slot->key)
		EVP_PKEY_up_ref(slot->key);
	snprintf(slot->group, sizeof(slot->group), "%s", group);
	pthread_mutex_unlock(&a->cache_lock);
	return 0;
}

int auth_group_load(struct authority *a, const char *name, X509 **cert, EVP_PKEY **key,
		    struct policy *pol)
{
	struct store_group g;
	int err;

	err = store_group_get(a->st, name, &g);
	if (err)
		return err;
	if (cert)
		err = ca_cert_from_pem(g.ca_cert, strlen(g.ca_cert), cert);
	if (!err && key) {
		err = cached_key(a, name, g.ca_key, key);
		if (err)
			log_error("cannot decrypt the CA key of group '%s' (wrong secret?)", name);
	}
	if (!err && pol)
		err = policy_parse(g.policy, strlen(g.policy), false, pol, NULL, 0);
	if (err && cert) {
		X509_free(*cert);
		*cert = NULL;
	}
	if (err && key && *key && err) {
		EVP_PKEY_free(*key);
		*key = NULL;
	}
	store_group_free(&g);
	return err;
}

int auth_policy_signer(struct authority *a, const char *group, const char *actor,
		       X509 **cert, EVP_PKEY **key)
{
	struct store_signer s = { 0 }, fresh = { 0 };
	EVP_PKEY *cakey = NULL;
	X509 *ca = NULL, *c = NULL;
	const char *reason;
	int64_t left;
	int err;

	err = auth_group_load(a, group, &ca, NULL, NULL);
	if (err)
		return err;
	err = signer_read(a, group, &s, &c);
	if (err && err != -ENOENT)
		goto out;
	if (!err && !signer_due(ca, c))
		goto key;
	/* Issue under the write lock; whoever took it first may have. */
	err = store_tx_begin(a->st);
	if (err)
		goto out;
	store_signer_free(&s);
	X509_free(c);
	c = NULL;
	err = signer_read(a, group, &s, &c);
	if (err && err != -ENOENT) {
		store_tx_rollback(a->st);
		goto out;
	}
	if (!err && !signer_due(ca, c)) {
		err = finish(a, 0);
		goto key;
	}
	reason = err ? "none yet: group created by an older version" : "renewal";
	err = auth_group_load(a, group, NULL, &cakey, NULL);
	if (!err)
		err = signer_issue(a, group, ca, cakey, reason, actor, &fresh);
	err = finish(a, err);
	if (err)
		store_signer_free(&fresh);
	if (err && c && !ca_cert_seconds_left(c, &left) && left > 0) {
		/* Renewal failed: the current one is still valid for now. */
		log_error("cannot renew the policy-signing certificate of group '%s' (%s)",
			  group, strerror(-err));
		err = 0;
		goto key;
	}
	if (err) {
		log_error("cannot issue a policy-signing certificate for group '%s' (%s)", group,
			  strerror(-err));
		goto out;
	}
	store_signer_free(&s);
	X509_free(c);
	c = NULL;
	s = fresh;
	err = ca_cert_from_pem(s.cert, strlen(s.cert), &c);
key:
	if (!err)
		err = cached_key(a, group, s.key, key);
	if (!err) {
		*cert = c;
		c = NULL;
	}
out:
	store_signer_free(&s);
	X509_free(c);
	X509_free(ca);
	EVP_PKEY_free(cakey);
	return err;
}

int auth_policy_set(struct authority *a, const char *group, const char *json,
		    const char *actor, char *why, size_t whylen)
{
	struct policy pol;
	struct sbuf canon = { 0 };
	int err;

	err = policy_parse(json, strlen(json), false, &pol, why, whylen);
	if (err)
		return err;
	err = policy_to_json(&pol, &canon);
	if (err)
		return err;
	err = store_tx_begin(a->st);
	if (!err) {
		err = store_group_set_policy(a->st, group, canon.data);
		err = finish_audited(a, err, actor, "policy-set", "policy of group %s set", group);
	}
	sbuf_free(&canon);
	return err;
}

static int add_gw(void *ctx, const struct store_gateway *gw)
{
	return policy_add_gateway(ctx, gw->name, gw->addresses, gw->priority);
}

int auth_policy_served(struct authority *a, const char *group, struct sbuf *json)
{
	struct policy *pol = malloc(sizeof(*pol));
	int err;

	if (!pol)
		return -ENOMEM;
	err = auth_group_load(a, group, NULL, NULL, pol);
	if (!err) {
		pol->served = true;
		snprintf(pol->group, sizeof(pol->group), "%s", group);
		err = store_gateway_list(a->st, group, true, add_gw, pol);
	}
	if (!err)
		err = policy_to_json(pol, json);
	free(pol);
	return err;
}

int auth_user_add(struct authority *a, const char *name, const char *group,
		  const char *password, const char *actor)
{
	struct store_user u = { 0 };
	char hash[PWHASH_MAX];
	int err;

	if (!store_name_valid(name)) {
		log_error("invalid user name '%s'", name);
		return -EINVAL;
	}
	err = pwhash_hash(password, hash);
	if (err)
		return err;
	snprintf(u.name, sizeof(u.name), "%s", name);
	snprintf(u.group, sizeof(u.group), "%s", group);
	u.pwhash = hash;
	err = store_tx_begin(a->st);
	if (err)
		return err;
	err = store_user_add(a->st, &u);
	return finish_audited(a, err, actor, "user-add", "user %s added to group %s", name, group);
}

int auth_user_passwd(struct authority *a, const char *name, const char *password,
		     const char *actor)
{
	char hash[PWHASH_MAX];
	int err = pwhash_hash(password, hash);

	if (err)
		return err;
	err = store_tx_begin(a->st);
	if (err)
		return err;
	err = store_user_set_pwhash(a->st, name, hash);
	return finish_audited(a, err, actor, "user-passwd", "password of user %s changed", name);
}

int auth_user_disable(struct authority *a, const char *name, bool disabled,
		      const char *actor)
{
	int err = store_tx_begin(a->st);

	if (err)
		return err;
	err = store_user_set_disabled(a->st, name, disabled);
	return finish_audited(a, err, actor, "user-disable",
			      "user %s %s", name, disabled ? "disabled" : "enabled");
}

int auth_gateway_add(struct authority *a, const char *name, const char *addrs, int priority,
		     const char *const *groups, const char *actor)
{
	struct store_gateway gw = { 0 };
	struct policy tmp;
	int err;

	/* The addresses must be ones a served policy can carry. */
	memset(&tmp, 0, sizeof(tmp));
	if (!store_name_valid(name) || policy_add_gateway(&tmp, name, addrs, priority) ||
	    priority < 0 || priority > 65535) {
		log_error("invalid gateway '%s' addresses '%s' priority %d", name, addrs, priority);
		return -EINVAL;
	}
	snprintf(gw.name, sizeof(gw.name), "%s", name);
	gw.addresses = (char *)addrs;
	gw.priority = priority;
	gw.enabled = true;
	err = store_tx_begin(a->st);
	if (err)
		return err;
	err = store_gateway_add(a->st, &gw);
	for (; !err && groups && *groups; groups++)
		err = store_gateway_serve(a->st, name, *groups);
	return finish_audited(a, err, actor, "gateway-add",
			      "gateway %s (%s) priority %d added", name, addrs,  priority);
}

int auth_gateway_set_priority(struct authority *a, const char *name, int priority,
			      const char *actor)
{
	int err;

	if (priority < 0 || priority > 65535)
		return -EINVAL;
	err = store_tx_begin(a->st);
	if (err)
		return err;
	err = store_gateway_set_priority(a->st, name, priority);
	return finish_audited(a, err, actor, "gateway-priority",
			      "gateway %s priority %d", name, priority);
}

int auth_gateway_disable(struct authority *a, const char *name, bool disabled,
			 const char *actor)
{
	int err = store_tx_begin(a->st);

	if (err)
		return err;
	err = store_gateway_set_enabled(a->st, name, !disabled);
	return finish_audited(a, err, actor, "gateway-disable",
			      "gateway %s %s", name, disabled ? "disabled" : "enabled");
}

static const char *kind_name(enum ca_kind kind)
{
	return kind == CA_KIND_CLIENT ? "client" : kind == CA_KIND_GATEWAY ? "gateway" : "service";
}

int auth_issue(struct authority *a, const char *group, EVP_PKEY *pub, const char *cn,
	       enum ca_kind kind, const char *const *sans, int days, const char *actor,
	       X509 **out)
{
	struct store_cert c = { 0 };
	EVP_PKEY *cakey = NULL;
	X509 *cacert = NULL, *cert = NULL;
	int err;

	err = auth_group_load(a, group, &cacert, &cakey, NULL);
	if (err)
		return err;
	err = ca_issue(cacert, cakey, pub, cn, days, kind, sans, &cert);
	if (!err)
		err = ca_cert_serial(cert, c.serial);
	if (!err)
		err = ca_cert_to_pem(cert, &c.pem);
	if (err)
		goto out;
	snprintf(c.subject, sizeof(c.subject), "%s", cn);
	snprintf(c.group, sizeof(c.group), "%s", group);
	snprintf(c.kind, sizeof(c.kind), "%s", kind_name(kind));
	c.not_before = time_now() - 60;
	c.not_after = time_now() + (int64_t)days * 86400;
	err = store_tx_begin(a->st);
	if (err)
		goto out;
	err = store_cert_add(a->st, &c);
	err = finish_audited(a, err, actor, "issue",
			      "%s certificate %s for %s issued by group %s",  kind_name(kind), c.serial, cn, group);
	if (!err) {
		*out = cert;
		cert = NULL;
	}
out:
	store_cert_free(&c);
	X509_free(cert);
	X509_free(cacert);
	EVP_PKEY_free(cakey);
	return err;
}

int auth_revoke(struct authority *a, const char *serial, int reason, const char *actor)
{
	int err;

	if (reason < 0 || reason > 10 || reason == 7)
		return -EINVAL;
	err = store_tx_begin(a->st);
	if (err)
		return err;
	err = store_cert_revoke(a->st, serial, time_now(), reason);
	return finish_audited(a, err, actor, "revoke",
			      "certificate %s revoked (reason %d)", serial, reason);
}

struct crl_ctx {
	struct ca_revoked *rev;
	char (*serials)[CA_SERIAL_HEX];
	size_t n, cap;
};

static int crl_add(void *ctx, const struct store_cert *c)
{
	struct crl_ctx *r = ctx;

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		void *p1 = realloc(r->rev, cap * sizeof(*r->rev));

		if (!p1)
			return -ENOMEM;
		r->rev = p1;
		p1 = realloc(r->serials, cap * sizeof(*r->serials));
		if (!p1)
			return -ENOMEM;
		r->serials = p1;
		r->cap = cap;
	}
	snprintf(r->serials[r->n], CA_SERIAL_HEX, "%s", c->serial);
	r->rev[r->n].at = c->revoked_at;
	r->rev[r->n].reason = c->reason;
	r->n++;
	return 0;
}

int auth_crl(struct authority *a, const char *group, X509_CRL **out)
{
	struct crl_ctx r = { 0 };
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	size_t i;
	int err;

	err = auth_group_load(a, group, &cert, &key, NULL);
	if (!err)
		err = store_cert_list(a->st, group, true, crl_add, &r);
	if (!err) {
		for (i = 0; i < r.n; i++)
			r.rev[i].serial = r.serials[i];
		err = ca_crl_create(cert, key, r.rev, r.n, 7, out);
	}
	free(r.rev);
	free(r.serials);
	X509_free(cert);
	EVP_PKEY_free(key);
	return err;
}
