// SPDX-License-Identifier: GPL-2.0
/*
 * What every request handler of the enrollment service shares: the
 * service's state, error answers, the password check (rate limited,
 * Argon2id in bounded slots) and the client-certificate check, and the
 * issuance of a client certificate.
 */
#include "api.h"
#include <jansson.h>

#include "json.h"
#include "pwhash.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>

int api_init(struct api *api, struct authority *auth, int hash_slots, double rl_base,
	     double rl_cap)
{
	memset(api, 0, sizeof(*api));
	api->auth = auth;
	rl_init(&api->rl, rl_base, rl_cap);
	if (sem_init(&api->hash_slots, 0, (unsigned int)hash_slots) < 0)
		return -errno;
	pwhash_dummy(); /* computed now, not during the first request */
	return 0;
}

void api_destroy(struct api *api)
{
	sem_destroy(&api->hash_slots);
	pthread_mutex_destroy(&api->rl.lock);
}

void api_error(struct api_resp *resp, int status, const char *reason)
{
	resp->status = status;
	resp->content_type = "application/json";
	resp->body.len = 0;
	if (json_emit(&resp->body, json_pack("{s:s}", "error", reason), true))
		resp->status = 500;
}

void api_store_error(struct api_resp *resp, int err)
{
	if (err == -EAGAIN) {
		api_error(resp, 503, "database unavailable, retry later");
		snprintf(resp->headers, sizeof(resp->headers), "Retry-After: 1\r\n");
	} else {
		api_error(resp, 500, "internal error");
	}
}

static double max2(double a, double b)
{
	return a > b ? a : b;
}

int api_password_check(struct api *api, const char *user, const char *pass,
		       const char *addr, struct store_user *u)
{
	char ukey[RL_KEY_MAX], akey[RL_KEY_MAX], detail[160];
	const char *hash;
	bool found = false;
	int err, v;

	snprintf(ukey, sizeof(ukey), "u:%s", user);
	snprintf(akey, sizeof(akey), "a:%s", addr);
	/* Guesses are serialised: a caller waits out the delay earned by
	 * earlier failures for this user or this address. */
	rl_sleep(max2(rl_wait(&api->rl, ukey), rl_wait(&api->rl, akey)));
	memset(u, 0, sizeof(*u));
	err = store_name_valid(user) ? store_user_get(api->auth->st, user, u) : -ENOENT;
	if (err && err != -ENOENT)
		return err;
	found = !err;
	/* Unknown users cost the same hash as known ones: no enumeration. */
	hash = found ? u->pwhash : pwhash_dummy();
	while (sem_wait(&api->hash_slots) < 0)
		;
	v = pwhash_verify(hash, pass);
	sem_post(&api->hash_slots);
	if (!found || v || u->disabled) {
		rl_sleep(max2(rl_fail(&api->rl, ukey), rl_fail(&api->rl, akey)));
		snprintf(detail, sizeof(detail), "failed login for '%.63s' from %s", user, addr);
		store_audit_add(api->auth->st, "service", "login-fail", detail);
		store_user_free(u);
		return -EACCES;
	}
	rl_success(&api->rl, ukey);
	return 0;
}

int api_peer_check(struct api *api, X509 *peer, struct store_user *u, char *why,
		   size_t whylen)
{
	struct store_cert c;
	X509 *root = NULL;
	char cn[STORE_NAME_MAX], serial[CA_SERIAL_HEX];
	int err;

	memset(u, 0, sizeof(*u));
	if (!peer) {
		snprintf(why, whylen, "a client certificate is required");
		return -EACCES;
	}
	if (ca_cert_cn(peer, cn, sizeof(cn)) || ca_cert_serial(peer, serial)) {
		snprintf(why, whylen, "client certificate subject is not CN=<user>");
		return -EPERM;
	}
	err = store_user_get(api->auth->st, cn, u);
	if (err == -ENOENT) {
		snprintf(why, whylen, "client certificate for unknown user '%s'", cn);
		return -EPERM;
	}
	if (err)
		return err;
	err = auth_group_load(api->auth, u->group, &root, NULL, NULL);
	if (err)
		goto fail;
	/* The certificate must chain to this user's group CA, not to
	 * another group's: a CA only vouches for its own group. */
	err = ca_verify_leaf(root, peer, why, whylen);
	X509_free(root);
	if (err)
		goto fail;
	err = store_cert_get(api->auth->st, serial, &c);
	if (err == -ENOENT) {
		snprintf(why, whylen, "client certificate %s was not issued here", serial);
		err = -EPERM;
		goto fail;
	}
	if (err)
		goto fail;
	if (c.revoked_at || strcmp(c.group, u->group) || strcmp(c.subject, cn) ||
	    strcmp(c.kind, "client")) {
		snprintf(why, whylen, "client certificate %s is %s", serial,
			 c.revoked_at ? "revoked" : "not a client certificate of this group");
		err = -EPERM;
	} else if (u->disabled) {
		snprintf(why, whylen, "user '%s' is disabled", cn);
		err = -EPERM;
	}
	store_cert_free(&c);
	if (!err)
		return 0;
fail:
	store_user_free(u);
	return err;
}

int api_issue_client(struct api *api, const struct store_user *u, X509_REQ *req,
		     const char *actor, X509 **cert, char *why, size_t whylen)
{
	const char *types[POLICY_MAX_LIST + 1];
	struct policy *pol = malloc(sizeof(*pol));
	int err;

	if (!pol)
		return -ENOMEM;
	err = auth_group_load(api->auth, u->group, NULL, NULL, pol);
	if (err)
		goto out;
	policy_key_types(pol, types);
	err = ca_csr_check(req, u->name, types, why, whylen);
	if (err)
		goto out;
	err = auth_issue(api->auth, u->group, X509_REQ_get0_pubkey(req), u->name,
			 CA_KIND_CLIENT, NULL, pol->cert_days, actor, cert);
out:
	free(pol);
	return err;
}
