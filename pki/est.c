// SPDX-License-Identifier: GPL-2.0
/* EST (RFC 7030) under /.well-known/est/<group>/: cacerts, simpleenroll
 * (HTTP Basic), simplereenroll (client certificate). */
#include "api.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/pkcs7.h>

/* RFC 7030 §4.1.3: a certs-only CMS message, base64 encoded. Its
 * encapContentInfo is id-data with no eContent (RFC 5272 §4.1, RFC 8551
 * §3.6), as `openssl crl2pkcs7 -nocrl` builds it: PKCS7_content_new leaves
 * an empty OCTET STRING there, dropped here. */
static int certs_only(X509 *cert, struct api_resp *resp)
{
	PKCS7 *p7 = PKCS7_new();
	unsigned char *der = NULL;
	int n, err = -EIO;

	if (!p7 || !PKCS7_set_type(p7, NID_pkcs7_signed) ||
	    !PKCS7_content_new(p7, NID_pkcs7_data) || !PKCS7_add_certificate(p7, cert))
		goto out;
	ASN1_OCTET_STRING_free(p7->d.sign->contents->d.data);
	p7->d.sign->contents->d.data = NULL;
	n = i2d_PKCS7(p7, &der);
	if (n <= 0)
		goto out;
	resp->body.len = 0;
	err = b64_encode(der, (size_t)n, &resp->body);
	if (!err) {
		resp->status = 200;
		resp->content_type = "application/pkcs7-mime; smime-type=certs-only";
		snprintf(resp->headers, sizeof(resp->headers),
			 "Content-Transfer-Encoding: base64\r\n");
	}
out:
	ERR_clear_error();
	OPENSSL_free(der);
	PKCS7_free(p7);
	return err;
}

static void cacerts(struct api *api, const char *group, struct api_resp *resp)
{
	X509 *root = NULL;
	int err = auth_group_load(api->auth, group, &root, NULL, NULL);

	if (err == -ENOENT)
		api_error(resp, 404, "no such group");
	else if (err || certs_only(root, resp))
		api_store_error(resp, err ? err : -EIO);
	X509_free(root);
}

/* RFC 7030 §4.2.1: the body is a base64 PKCS#10 request. */
static int est_csr(const struct api_req *req, X509_REQ **csr, struct api_resp *resp)
{
	struct sbuf der = { 0 };
	char why[160];
	int err;

	if (strncasecmp(req->m->content_type, "application/pkcs10", 18)) {
		api_error(resp, 415, "Content-Type must be application/pkcs10");
		return -EINVAL;
	}
	err = b64_decode(req->body, req->body_len, &der);
	if (err || !der.len) {
		api_error(resp, 400, "body is not base64");
		sbuf_free(&der);
		return -EINVAL;
	}
	err = ca_csr_parse(der.data, der.len, csr, why, sizeof(why));
	sbuf_free(&der);
	if (err)
		api_error(resp, 400, why);
	return err;
}

static void est_enroll(struct api *api, const struct api_req *req, const char *group,
		       bool renew, struct api_resp *resp)
{
	char user[STORE_NAME_MAX + 1], pass[300], why[200] = "";
	struct store_user u = { 0 };
	X509_REQ *csr = NULL;
	X509 *cert = NULL;
	int err;

	if (est_csr(req, &csr, resp))
		return;
	if (renew) {
		/* §4.2.2: authenticated by the certificate being renewed. */
		err = api_peer_check(api, req->peer, &u, why, sizeof(why));
		if (err == -EACCES || err == -EPERM) {
			api_error(resp, err == -EACCES ? 401 : 403, why);
			goto out;
		}
	} else {
		if (!req->m->authorization[0] ||
		    http_basic_decode(req->m->authorization, user, sizeof(user), pass,
				      sizeof(pass))) {
			api_error(resp, 401, "HTTP Basic authentication required");
			snprintf(resp->headers, sizeof(resp->headers),
				 "WWW-Authenticate: Basic realm=\"vpnfo\"\r\n");
			goto out;
		}
		err = api_password_check(api, user, pass, req->addr, &u);
		OPENSSL_cleanse(pass, sizeof(pass));
		if (err == -EACCES) {
			api_error(resp, 401, "wrong user name or password");
			snprintf(resp->headers, sizeof(resp->headers),
				 "WWW-Authenticate: Basic realm=\"vpnfo\"\r\n");
			goto out;
		}
	}
	if (err) {
		api_store_error(resp, err);
		goto out;
	}
	if (group && strcmp(u.group, group)) {
		api_error(resp, 403, "user is not in this group");
		goto out;
	}
	err = api_issue_client(api, &u, csr, renew ? "est-reenroll" : "est-enroll", &cert, why,
			       sizeof(why));
	if (err == -EINVAL)
		api_error(resp, 400, why[0] ? why : "certificate request refused");
	else if (err || certs_only(cert, resp))
		api_store_error(resp, err ? err : -EIO);
out:
	store_user_free(&u);
	X509_free(cert);
	X509_REQ_free(csr);
}

void est_handle(struct api *api, const struct api_req *req, const char *group,
		const char *op, struct api_resp *resp)
{
	bool post = !strcmp(req->m->method, "POST");

	if (group && !store_name_valid(group)) {
		api_error(resp, 404, "no such group");
		return;
	}
	if (!strcmp(op, "cacerts") && !post) {
		if (!group)
			group = api->est_group;
		if (group)
			cacerts(api, group, resp);
		else
			api_error(resp, 404, "no default EST group: name one in the path");
	} else if (!strcmp(op, "simpleenroll") && post) {
		est_enroll(api, req, group, false, resp);
	} else if (!strcmp(op, "simplereenroll") && post) {
		est_enroll(api, req, group, true, resp);
	} else if (!strcmp(op, "cacerts") || !strcmp(op, "simpleenroll") ||
		   !strcmp(op, "simplereenroll")) {
		api_error(resp, 405, "method not allowed here");
	} else {
		api_error(resp, 404, "EST operation not supported");
	}
}
