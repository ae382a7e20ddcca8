/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The enrollment service's request handlers: the patent's steps 100-105 as
 * a JSON API (enroll_api.c), and EST, RFC 7030 (est.c), on the checks they
 * share (service.c). Transport-free: the server (server.c) routes a parsed
 * request with the TLS peer certificate to one of them and sends back the
 * answer.
 *
 *   POST /v1/enroll/start  {"user","password"}         -> {"group","ca"}     (100/101)
 *   POST /v1/enroll/csr    {"user","password","csr"}   -> {"certificate",
 *                                                          "serial","ca"}    (102/103)
 *   GET  /v1/policy        client certificate (mTLS)   -> {"group",
 *                                                          "policy_cms"}     (104/105)
 *   /.well-known/est/<group>/{cacerts,simpleenroll,simplereenroll}
 */
#ifndef PKI_API_H
#define PKI_API_H

#include <semaphore.h>
#include <stdbool.h>

#include <openssl/x509.h>

#include "authority.h"
#include "http.h"
#include "ratelimit.h"

struct api {
	struct authority *auth;
	struct ratelimit rl;
	sem_t hash_slots;	/* bounds concurrent Argon2id runs (memory, cores) */
	const char *est_group;	/* for /.well-known/est/cacerts without a label */
};

struct api_req {
	const struct http_msg *m;
	const char *body;
	size_t body_len;
	X509 *peer;		/* client certificate or NULL */
	const char *addr;	/* client address, for rate limiting */
};

struct api_resp {
	int status;
	const char *content_type;
	struct sbuf body;
	char headers[256];	/* extra header lines, each ending CRLF */
};

int api_init(struct api *api, struct authority *auth, int hash_slots, double rl_base,
	     double rl_cap);
void api_destroy(struct api *api);
/* Sets a JSON error answer {"error": reason}. */
void api_error(struct api_resp *resp, int status, const char *reason);

/* The checks every handler shares (service.c). */
int api_password_check(struct api *api, const char *user, const char *pass,
		       const char *addr, struct store_user *u);
int api_peer_check(struct api *api, X509 *peer, struct store_user *u, char *why,
		   size_t whylen);
int api_issue_client(struct api *api, const struct store_user *u, X509_REQ *req,
		     const char *actor, X509 **cert, char *why, size_t whylen);
void api_store_error(struct api_resp *resp, int err);

/* The JSON API: POST /v1/enroll/start, POST /v1/enroll/csr, GET /v1/policy. */
void api_enroll_start(struct api *api, const struct api_req *req, struct api_resp *resp);
void api_enroll_csr(struct api *api, const struct api_req *req, struct api_resp *resp);
void api_policy_get(struct api *api, const struct api_req *req, struct api_resp *resp);

/* EST; group NULL: the request named no label. */
void est_handle(struct api *api, const struct api_req *req, const char *group,
		const char *op, struct api_resp *resp);

#endif
