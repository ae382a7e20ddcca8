// SPDX-License-Identifier: GPL-2.0
/*
 * The JSON enrollment API, the patent's steps 100-105 (see api.h for the
 * resources). Bodies are strict JSON objects with only the named members.
 */
#include "api.h"
#include <jansson.h>

#include "json.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>

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
	if (j->type != JV_OBJ || json_check_keys(j, keys, &bad)) {
		char msg[200];

		snprintf(msg, sizeof(msg), "unexpected member '%.60s'", bad ? bad : "(not an object)");
		api_error(resp, 400, msg);
		json_free(j);
		return -EINVAL;
	}
	for (; *keys; keys++) {
		c = json_get(j, *keys);
		if (!c || c->type != JV_STR) {
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
void api_enroll_start(struct api *api, const struct api_req *req, struct api_resp *resp)
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
	if (json_emit(&resp->body, json_pack("{s:s,s:s}", "group", g.name, "ca",
					     g.ca_cert), true))
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
		if (json_emit(&resp->body, json_pack("{s:s,s:s,s:s}", "certificate", pem,
						     "serial", serial, "ca", capem), true))
			api_error(resp, 500, "out of memory");
	}
	X509_free(root);
	free(pem);
	free(capem);
}

/* Steps 102/103: a CSR with subject CN=<user>, signed by the group CA. */
void api_enroll_csr(struct api *api, const struct api_req *req, struct api_resp *resp)
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

/* Steps 104/105: the group's policy, CMS-signed by the group's
 * policy-signing certificate (issued by the group CA), to a
 * client that proves itself with the certificate from step 103. */
void api_policy_get(struct api *api, const struct api_req *req, struct api_resp *resp)
{
	struct sbuf json = { 0 }, cms = { 0 };
	struct store_user u;
	EVP_PKEY *key = NULL;
	X509 *signer = NULL;
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
		err = auth_policy_signer(api->auth, u.group, "service", &signer, &key);
	if (!err)
		err = policy_sign(signer, key, json.data, &cms);
	if (err) {
		api_store_error(resp, err);
	} else {
		resp->status = 200;
		resp->content_type = "application/json";
		struct sbuf b64 = { 0 };

		if (b64_encode(cms.data, cms.len, &b64) ||
		    json_emit(&resp->body, json_pack("{s:s,s:s}", "group", u.group,
						     "policy_cms", b64.data), true))
			api_error(resp, 500, "out of memory");
		sbuf_free(&b64);
	}
	EVP_PKEY_free(key);
	X509_free(signer);
	sbuf_free(&json);
	sbuf_free(&cms);
	store_user_free(&u);
}
