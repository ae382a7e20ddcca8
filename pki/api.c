// SPDX-License-Identifier: GPL-2.0
#include "api.h"
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
	if (sbuf_addstr(&resp->body, "{\"error\":") || json_add_str(&resp->body, reason) ||
	    sbuf_addstr(&resp->body, "}\n"))
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

/* Parses a JSON body that must be an object with only the given members,
 * all of them strings. */
static int parse_body(const struct api_req *req, const char *const *keys, struct json **out,
		      struct api_resp *resp)
{
	char why[160];
	const char *bad = NULL;
	const struct json *c;
	struct json *j;

	if (strncmp(req->m->content_type, "application/json", 16)) {
		api_error(resp, 415, "Content-Type must be application/json");
		return -EINVAL;
	}
	if (json_parse(req->body, req->body_len, &j, why, sizeof(why))) {
		char msg[200];

		snprintf(msg, sizeof(msg), "malformed JSON: %s", why);
		api_error(resp, 400, msg);
		return -EINVAL;
	}
	if (j->type != JSON_OBJ || json_check_keys(j, keys, &bad)) {
		char msg[200];

		snprintf(msg, sizeof(msg), "unexpected member '%.60s'", bad ? bad : "(not an object)");
		api_error(resp, 400, msg);
		json_free(j);
		return -EINVAL;
	}
	for (; *keys; keys++) {
		c = json_get(j, *keys);
		if (!c || c->type != JSON_STR) {
			char msg[120];

			snprintf(msg, sizeof(msg), "member '%s' missing or not a string", *keys);
			api_error(resp, 400, msg);
			json_free(j);
			return -EINVAL;
		}
	}
	*out = j;
	return 0;
}

static int login(struct api *api, const struct api_req *req, struct json *j,
		 struct store_user *u, struct api_resp *resp)
{
	const char *user, *pass;
	int err;

	json_get_str(j, "user", &user);
	json_get_str(j, "password", &pass);
	err = api_password_check(api, user, pass, req->addr, u);
	if (err == -EACCES) {
		api_error(resp, 401, "wrong user name or password");
		snprintf(resp->headers, sizeof(resp->headers),
			 "WWW-Authenticate: Basic realm=\"vpnfo\"\r\n");
	} else if (err) {
		api_store_error(resp, err);
	}
	return err;
}

/* Steps 100/101: the user's group and the group's root certificate. */
static void enroll_start(struct api *api, const struct api_req *req, struct api_resp *resp)
{
	static const char *const keys[] = { "user", "password", NULL };
	struct store_group g;
	struct store_user u;
	struct json *j;
	char detail[160];
	int err;

	if (parse_body(req, keys, &j, resp))
		return;
	err = login(api, req, j, &u, resp);
	json_free(j);
	if (err)
		return;
	err = store_group_get(api->auth->st, u.group, &g);
	if (err) {
		api_store_error(resp, err);
		store_user_free(&u);
		return;
	}
	snprintf(detail, sizeof(detail), "user %s from %s: group %s sent", u.name, req->addr,
		 u.group);
	store_audit_add(api->auth->st, "service", "enroll-start", detail);
	resp->status = 200;
	resp->content_type = "application/json";
	if (sbuf_addstr(&resp->body, "{\"group\":") || json_add_str(&resp->body, g.name) ||
	    sbuf_addstr(&resp->body, ",\"ca\":") || json_add_str(&resp->body, g.ca_cert) ||
	    sbuf_addstr(&resp->body, "}\n"))
		api_error(resp, 500, "out of memory");
	store_group_free(&g);
	store_user_free(&u);
}

static void answer_cert(struct api *api, const char *group, X509 *cert, struct api_resp *resp)
{
	X509 *root = NULL;
	char *pem = NULL, *capem = NULL, serial[CA_SERIAL_HEX];
	int err;

	err = ca_cert_to_pem(cert, &pem);
	if (!err)
		err = ca_cert_serial(cert, serial);
	if (!err)
		err = auth_group_load(api->auth, group, &root, NULL, NULL);
	if (!err)
		err = ca_cert_to_pem(root, &capem);
	if (err) {
		api_store_error(resp, err);
	} else {
		resp->status = 200;
		resp->content_type = "application/json";
		if (sbuf_addstr(&resp->body, "{\"certificate\":") ||
		    json_add_str(&resp->body, pem) ||
		    sbuf_printf(&resp->body, ",\"serial\":\"%s\",\"ca\":", serial) ||
		    json_add_str(&resp->body, capem) || sbuf_addstr(&resp->body, "}\n"))
			api_error(resp, 500, "out of memory");
	}
	X509_free(root);
	free(pem);
	free(capem);
}

/* Steps 102/103: a CSR with subject CN=<user>, signed by the group CA. */
static void enroll_csr(struct api *api, const struct api_req *req, struct api_resp *resp)
{
	static const char *const keys[] = { "user", "password", "csr", NULL };
	struct store_user u;
	X509_REQ *csr = NULL;
	X509 *cert = NULL;
	const char *pem;
	struct json *j;
	char why[200] = "";
	int err;

	if (parse_body(req, keys, &j, resp))
		return;
	json_get_str(j, "csr", &pem);
	/* The request is checked before the password is: a malformed one
	 * costs no hash. */
	err = ca_csr_parse(pem, strlen(pem), &csr, why, sizeof(why));
	if (err) {
		api_error(resp, 400, why);
		json_free(j);
		return;
	}
	err = login(api, req, j, &u, resp);
	json_free(j);
	if (err)
		goto out;
	err = api_issue_client(api, &u, csr, "service", &cert, why, sizeof(why));
	if (err == -EINVAL)
		api_error(resp, 400, why[0] ? why : "certificate request refused");
	else if (err)
		api_store_error(resp, err);
	else
		answer_cert(api, u.group, cert, resp);
	store_user_free(&u);
out:
	X509_free(cert);
	X509_REQ_free(csr);
}

/* Steps 104/105: the group's policy, CMS-signed by the group CA, to a
 * client that proves itself with the certificate from step 103. */
static void policy_get(struct api *api, const struct api_req *req, struct api_resp *resp)
{
	struct sbuf json = { 0 }, cms = { 0 };
	struct store_user u;
	EVP_PKEY *key = NULL;
	X509 *root = NULL;
	char why[200] = "";
	int err;

	err = api_peer_check(api, req->peer, &u, why, sizeof(why));
	if (err == -EACCES || err == -EPERM) {
		api_error(resp, err == -EACCES ? 401 : 403, why);
		return;
	}
	if (err) {
		api_store_error(resp, err);
		return;
	}
	err = auth_policy_served(api->auth, u.group, &json);
	if (!err)
		err = auth_group_load(api->auth, u.group, &root, &key, NULL);
	if (!err)
		err = policy_sign(root, key, json.data, &cms);
	if (err) {
		api_store_error(resp, err);
	} else {
		resp->status = 200;
		resp->content_type = "application/json";
		if (sbuf_addstr(&resp->body, "{\"group\":") || json_add_str(&resp->body, u.group) ||
		    sbuf_addstr(&resp->body, ",\"policy_cms\":\"") ||
		    b64_encode(cms.data, cms.len, &resp->body) || sbuf_addstr(&resp->body, "\"}\n"))
			api_error(resp, 500, "out of memory");
	}
	EVP_PKEY_free(key);
	X509_free(root);
	sbuf_free(&json);
	sbuf_free(&cms);
	store_user_free(&u);
}

void api_handle(struct api *api, const struct api_req *req, struct api_resp *resp)
{
	const char *t = req->m->target, *est = "/.well-known/est/";
	bool post = !strcmp(req->m->method, "POST");

	if (!strncmp(t, est, strlen(est))) {
		char group[STORE_NAME_MAX] = "", op[32];
		const char *g = t + strlen(est), *slash = strchr(g, '/');

		/* RFC 7030 §3.2.2: the label (our group) is optional. Without it
		 * enrollment uses the user's own group, cacerts the default one. */
		if (!slash) {
			slash = g - 1;
		} else if ((size_t)(slash - g) >= sizeof(group)) {
			api_error(resp, 404, "EST path must be /.well-known/est/[<group>/]<operation>");
			return;
		} else {
			memcpy(group, g, (size_t)(slash - g));
			group[slash - g] = '\0';
		}
		if (strlen(slash + 1) >= sizeof(op)) {
			api_error(resp, 404, "no such EST operation");
			return;
		}
		strcpy(op, slash + 1);
		est_handle(api, req, group[0] ? group : NULL, op, resp);
		return;
	}
	if (!strcmp(t, "/v1/enroll/start") && post)
		enroll_start(api, req, resp);
	else if (!strcmp(t, "/v1/enroll/csr") && post)
		enroll_csr(api, req, resp);
	else if (!strcmp(t, "/v1/policy") && !post)
		policy_get(api, req, resp);
	else if (!strcmp(t, "/v1/enroll/start") || !strcmp(t, "/v1/enroll/csr") ||
		 !strcmp(t, "/v1/policy"))
		api_error(resp, 405, "method not allowed here");
	else
		api_error(resp, 404, "no such resource");
}
