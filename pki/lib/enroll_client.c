// SPDX-License-Identifier: GPL-2.0
/* The enrollment client: steps 100-105 of the method, EST renewal. */
#include "enroll_client.h"
#include "lib/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "ca.h"
#include <jansson.h>

#include "json.h"
#include "policy.h"
#include "util.h"

static bool is_ip(const char *host)
{
	unsigned char tmp[16];

	return inet_pton(AF_INET, host, tmp) == 1 || inet_pton(AF_INET6, host, tmp) == 1;
}

struct trust {
	const char *host;
	int port;
	const char *pin;
	X509 *ca;		/* from the CA file */
	X509 *anchor;		/* what the server chained to */
	double timeout;
};

/*
 * The server's leaf must chain to the anchor and name host. The anchor is
 * the service CA: from ca_file, or the chain certificate whose SHA-256
 * equals the pin. This replaces OpenSSL's own verification inside the
 * handshake (SSL_CTX_set_cert_verify_callback), so nothing is sent before
 * it passes; libcurl's CA bundle and host check play no part.
 */
static int server_check(X509_STORE_CTX *hs, void *arg)
{
	STACK_OF(X509) *chain = X509_STORE_CTX_get0_untrusted(hs);
	X509 *leaf = X509_STORE_CTX_get0_cert(hs);
	struct trust *t = arg;
	X509 *anchor = t->ca;
	X509_STORE *store = NULL;
	X509_STORE_CTX *ctx = NULL;
	X509_VERIFY_PARAM *param;
	int i, ok = 0;

	if (!leaf)
		return 0;
	for (i = 0; t->pin && chain && i < sk_X509_num(chain); i++) {
		char fp[CA_FP_HEX];

		if (!ca_cert_fingerprint(sk_X509_value(chain, i), fp) &&
		    strlen(t->pin) == 64 && !strncasecmp(fp, t->pin, 64))
			anchor = sk_X509_value(chain, i);
	}
	if (!anchor) {
		log_error("server %s: no certificate matches the pinned fingerprint %s",
			  t->host, t->pin);
		X509_STORE_CTX_set_error(hs, X509_V_ERR_CERT_UNTRUSTED);
		return 0;
	}
	store = X509_STORE_new();
	ctx = X509_STORE_CTX_new();
	if (!store || !ctx || !X509_STORE_add_cert(store, anchor) ||
	    !X509_STORE_CTX_init(ctx, store, leaf, chain))
		goto out;
	X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
	param = X509_STORE_CTX_get0_param(ctx);
	if (is_ip(t->host))
		X509_VERIFY_PARAM_set1_ip_asc(param, t->host);
	else
		X509_VERIFY_PARAM_set1_host(param, t->host, 0);
	if (X509_verify_cert(ctx) == 1) {
		ok = 1;
		X509_free(t->anchor);
		X509_up_ref(anchor);
		t->anchor = anchor;
	} else {
		log_error("server %s: certificate not trusted: %s", t->host,
			  X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
	}
out:
	X509_STORE_CTX_set_error(hs, ok ? X509_V_OK : X509_V_ERR_CERT_UNTRUSTED);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return ok;
}

struct tls_setup {
	struct trust *t;
	X509 *cert;		/* client certificate (EST renewal) or NULL */
	EVP_PKEY *key;
};

/* libcurl hands over its SSL_CTX before the handshake (OpenSSL backend). */
static CURLcode tls_setup(CURL *curl, void *sslctx, void *arg)
{
	const struct tls_setup *ts = arg;
	SSL_CTX *ctx = sslctx;

	(void)curl;
	if (!SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION))
		return CURLE_SSL_CERTPROBLEM;
	if (ts->cert && (SSL_CTX_use_certificate(ctx, ts->cert) != 1 ||
			 SSL_CTX_use_PrivateKey(ctx, ts->key) != 1))
		return CURLE_SSL_CERTPROBLEM;
	SSL_CTX_set_cert_verify_callback(ctx, server_check, ts->t);
	return CURLE_OK;
}

/* Answers larger than this are refused, not stored. */
#define ENROLL_ANSWER_MAX (1 << 20)

static size_t body_add(char *p, size_t size, size_t n, void *arg)
{
	struct sbuf *out = arg;

	if (n && size > ENROLL_ANSWER_MAX / n)
		return 0;
	if (out->len + size * n > ENROLL_ANSWER_MAX || sbuf_add(out, p, size * n))
		return 0;	/* libcurl stops with CURLE_WRITE_ERROR */
	return size * n;
}

static void curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* One request on a fresh connection; the answer's body goes to out. */
static int request(struct trust *t, X509 *cert, EVP_PKEY *key, const char *method,
		   const char *path, const char *ctype, const struct sbuf *body, int *status,
		   struct sbuf *out)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct tls_setup ts = { .t = t, .cert = cert, .key = key };
	struct curl_slist *hdrs = NULL;
	char url[512], ctype_hdr[128];
	long code = 0;
	CURLcode rc;
	CURL *curl;
	int err = -ENOMEM;

	pthread_once(&once, curl_init_once);
	snprintf(url, sizeof(url), strchr(t->host, ':') ? "https://[%s]:%d%s" :
		 "https://%s:%d%s", t->host, t->port, path);
	curl = curl_easy_init();
	if (!curl)
		return -ENOMEM;
	if (ctype) {
		snprintf(ctype_hdr, sizeof(ctype_hdr), "Content-Type: %s", ctype);
		hdrs = curl_slist_append(hdrs, ctype_hdr);
		if (!hdrs)
			goto out;
	}
	/* "Expect: 100-continue" would cost a round trip for nothing. */
	hdrs = curl_slist_append(hdrs, "Expect:");
	if (!hdrs)
		goto out;
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, (long)(t->timeout * 1000));
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)(t->timeout * 1000));
	curl_easy_setopt(curl, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	/* Verification is server_check's, installed by tls_setup; VERIFYPEER
	 * makes a refusal end the handshake. */
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
	/* Only the pinned anchor is trusted: no system CA bundle is loaded. */
	curl_easy_setopt(curl, CURLOPT_CAINFO, NULL);
	curl_easy_setopt(curl, CURLOPT_CAPATH, NULL);
	curl_easy_setopt(curl, CURLOPT_SSL_CTX_FUNCTION, tls_setup);
	curl_easy_setopt(curl, CURLOPT_SSL_CTX_DATA, &ts);
	curl_easy_setopt(curl, CURLOPT_SSL_SESSIONID_CACHE, 0L);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, body_add);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, out);
	if (body) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body->data);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body->len);
	} else {
		curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
	}
	if (strcmp(method, body ? "POST" : "GET"))
		curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	rc = curl_easy_perform(curl);
	switch (rc) {
	case CURLE_OK:
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
		*status = (int)code;
		err = 0;
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
		log_error("cannot resolve '%s'", t->host);
		err = -EHOSTUNREACH;
		break;
	case CURLE_COULDNT_CONNECT:
		log_error("cannot connect to %s port %d", t->host, t->port);
		err = -ECONNREFUSED;
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
		/* server_check has said why when it refused. */
		log_error("TLS handshake with %s failed: %s", t->host,
			  curl_easy_strerror(rc));
		err = -EPERM;
		break;
	case CURLE_OPERATION_TIMEDOUT:
		log_error("%s %s: timed out", method, path);
		err = -ETIMEDOUT;
		break;
	default:
		log_error("%s %s: %s", method, path, curl_easy_strerror(rc));
		err = -EPROTO;
		break;
	}
out:
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(curl);
	ERR_clear_error();
	return err;
}

/* The server's {"error": ...} text, for messages. */
static void report_error(const char *what, int status, const struct sbuf *body)
{
	struct json *j = NULL;
	const char *msg = "(no reason given)";

	if (body->len && !json_parse(body->data, body->len, &j, NULL, 0))
		json_get_str(j, "error", &msg);
	log_error("%s: the server answered %d: %s", what, status, msg);
	json_free(j);
}

static int status_err(int status)
{
	switch (status) {
	case 401: return -EACCES;
	case 403: return -EPERM;
	case 503: return -EAGAIN;
	default: return -EPROTO;
	}
}

/* JSON request {"user":..., "password":..., ["csr":...]}. */
static int login_body(const struct enroll_cfg *cfg, const char *csr, struct sbuf *b)
{
	if (csr)
		return json_emit(b, json_pack("{s:s,s:s,s:s}", "user", cfg->user,
					      "password", cfg->password, "csr", csr),
				 false);
	return json_emit(b, json_pack("{s:s,s:s}", "user", cfg->user, "password",
				      cfg->password), false);
}

static int pem_of_req(X509_REQ *req, char **out)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data;
	long n;
	int err = -EIO;

	if (bio && PEM_write_bio_X509_REQ(bio, req)) {
		n = BIO_get_mem_data(bio, &data);
		*out = strndup(data, (size_t)n);
		err = *out ? 0 : -ENOMEM;
	}
	BIO_free(bio);
	return err;
}

/* A root CA: self-signed, CA:TRUE, signature valid. */
static int check_root(X509 *ca, const char *group)
{
	char cn[NAME_LEN_MAX];

	if (X509_check_ca(ca) < 1 || X509_check_issued(ca, ca) != X509_V_OK ||
	    X509_verify(ca, X509_get0_pubkey(ca)) != 1 || ca_cert_cn(ca, cn, sizeof(cn)) ||
	    strcmp(cn, group)) {
		ERR_clear_error();
		log_error("the group CA for '%s' is not a valid root certificate", group);
		return -EPROTO;
	}
	return 0;
}

static int write_pem_cert(const char *dir, const char *name, X509 *cert)
{
	char path[4096], *pem = NULL;
	int err;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	err = ca_cert_to_pem(cert, &pem);
	if (!err)
		err = file_write(path, pem, strlen(pem), 0644);
	free(pem);
	return err;
}

static int write_str(const char *dir, const char *name, const void *p, size_t n,
		     unsigned int mode)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return file_write(path, p, n, mode);
}

/* Steps 104/105: the signed policy, verified against the group CA; the
 * CMS message and its content go to cms and text. */
static int fetch_policy(struct trust *t, X509 *cert, EVP_PKEY *key, X509 *group_ca,
			const char *group, struct sbuf *cms, struct sbuf *text)
{
	struct sbuf body = { 0 };
	struct policy *pol = malloc(sizeof(*pol));
	const char *b64, *g;
	struct json *j = NULL;
	char why[200] = "";
	int status = 0, err;

	if (!pol)
		return -ENOMEM;
	err = request(t, cert, key, "GET", "/v1/policy", NULL, NULL, &status, &body);
	if (err)
		goto out;
	if (status != 200) {
		report_error("policy request", status, &body);
		err = status_err(status);
		goto out;
	}
	err = -EPROTO;
	if (json_parse(body.data, body.len, &j, why, sizeof(why)) ||
	    json_get_str(j, "policy_cms", &b64) || json_get_str(j, "group", &g) ||
	    strcmp(g, group) || b64_decode(b64, strlen(b64), cms)) {
		log_error("malformed policy answer %s", why);
		goto out;
	}
	err = policy_verify(group_ca, cms->data, cms->len, text, why, sizeof(why));
	if (err) {
		log_error("the served policy is refused: %s", why);
		goto out;
	}
	err = policy_parse(text->data, text->len, true, pol, why, sizeof(why));
	if (!err && strcmp(pol->group, group))
		err = -EPROTO;
	if (err)
		log_error("the signed policy is not valid: %s", why);
out:
	free(pol);
	json_free(j);
	sbuf_free(&body);
	return err;
}

static int save_policy(const char *dir, const struct sbuf *cms, const struct sbuf *text)
{
	int err = write_str(dir, "policy.cms", cms->data, cms->len, 0644);

	return err ? err : write_str(dir, "policy.json", text->data, text->len, 0644);
}

static int save_state(const struct trust *t, const char *dir, const char *user,
		      const char *group)
{
	struct sbuf b = { 0 };
	int err;

	err = json_emit(&b, json_pack("{s:s,s:i,s:s,s:s}", "host", t->host, "port",
				      t->port, "user", user, "group", group), true);
	if (!err)
		err = write_str(dir, "enroll.json", b.data, b.len, 0644);
	if (!err && t->anchor)
		err = write_pem_cert(dir, "service-ca.pem", t->anchor);
	sbuf_free(&b);
	return err;
}

static int save_key_cert(const char *dir, EVP_PKEY *key, X509 *cert)
{
	char *kpem = NULL;
	int err = ca_key_to_pem(key, &kpem);

	if (!err)
		err = write_str(dir, "key.pem", kpem, strlen(kpem), 0600);
	if (kpem) {
		OPENSSL_cleanse(kpem, strlen(kpem));
		free(kpem);
	}
	if (!err)
		err = write_pem_cert(dir, "cert.pem", cert);
	return err;
}

/* An issued certificate must be ours: our key, our name, the group CA. */
static int check_issued(X509 *cert, EVP_PKEY *key, X509 *ca, const char *user)
{
	char cn[NAME_LEN_MAX], why[160] = "";

	if (X509_check_private_key(cert, key) != 1 || ca_cert_cn(cert, cn, sizeof(cn)) ||
	    strcmp(cn, user) || ca_verify_leaf(ca, cert, why, sizeof(why))) {
		ERR_clear_error();
		log_error("the issued certificate is not valid for us %s", why);
		return -EPROTO;
	}
	return 0;
}

static int load_trust(struct trust *t, const char *ca_file)
{
	struct sbuf pem = { 0 };
	int err;

	if (!ca_file)
		return 0;
	err = file_read(ca_file, 65536, &pem);
	if (!err)
		err = pem.data ? ca_cert_from_pem(pem.data, pem.len, &t->ca) : -EINVAL;
	if (err)
		log_error("cannot load the CA file '%s'", ca_file);
	sbuf_free(&pem);
	return err;
}

int enroll_run(const struct enroll_cfg *cfg, struct enroll_times *tm)
{
	struct trust t = { .host = cfg->host, .port = cfg->port, .pin = cfg->pin_sha256,
			   .timeout = cfg->timeout > 0 ? cfg->timeout : 30 };
	struct sbuf body = { 0 }, resp = { 0 }, cms = { 0 }, text = { 0 };
	struct json *j = NULL;
	const char *group = NULL, *capem, *certpem;
	char groupbuf[NAME_LEN_MAX], *csrpem = NULL;
	X509 *ca = NULL, *cert = NULL;
	X509_REQ *req = NULL;
	EVP_PKEY *key = NULL;
	double t0 = time_mono(), t1;
	int status = 0, err;

	if ((!cfg->pin_sha256 && !cfg->ca_file) || !name_valid(cfg->user)) {
		log_error("need a valid user name and a pinned fingerprint or CA file");
		return -EINVAL;
	}
	if (mkdir(cfg->dir, 0700) < 0 && errno != EEXIST) {
		log_error("cannot create '%s': %s", cfg->dir, strerror(errno));
		return -errno;
	}
	err = load_trust(&t, cfg->ca_file);
	if (err)
		return err;

	/* Steps 100/101: who am I, which group, its root certificate. */
	err = login_body(cfg, NULL, &body);
	if (!err)
		err = request(&t, NULL, NULL, "POST", "/v1/enroll/start", "application/json", &body,
			      &status, &resp);
	if (err)
		goto out;
	if (status != 200) {
		report_error("first request", status, &resp);
		err = status_err(status);
		goto out;
	}
	err = -EPROTO;
	if (json_parse(resp.data, resp.len, &j, NULL, 0) || json_get_str(j, "group", &group) ||
	    !name_valid(group) || json_get_str(j, "ca", &capem) ||
	    ca_cert_from_pem(capem, strlen(capem), &ca) || check_root(ca, group)) {
		log_error("malformed answer to the first request");
		goto out;
	}
	snprintf(groupbuf, sizeof(groupbuf), "%s", group);
	group = groupbuf;
	json_free(j);
	j = NULL;
	t1 = time_mono();
	if (tm)
		tm->start = t1 - t0;

	/* Steps 102/103: our key pair and a request with our user name. */
	err = ca_key_generate(cfg->key_type ? cfg->key_type : "ec", &key);
	if (!err)
		err = ca_csr_create(key, cfg->user, &req);
	if (!err)
		err = pem_of_req(req, &csrpem);
	body.len = 0;
	resp.len = 0;
	if (!err)
		err = login_body(cfg, csrpem, &body);
	if (!err)
		err = request(&t, NULL, NULL, "POST", "/v1/enroll/csr", "application/json", &body,
			      &status, &resp);
	if (err)
		goto out;
	if (status != 200) {
		report_error("certificate request", status, &resp);
		err = status_err(status);
		goto out;
	}
	err = -EPROTO;
	if (json_parse(resp.data, resp.len, &j, NULL, 0) ||
	    json_get_str(j, "certificate", &certpem) ||
	    ca_cert_from_pem(certpem, strlen(certpem), &cert)) {
		log_error("malformed answer to the certificate request");
		goto out;
	}
	err = check_issued(cert, key, ca, cfg->user);
	if (err)
		goto out;
	if (tm)
		tm->csr = time_mono() - t1;
	t1 = time_mono();

	/* Steps 104/105: the policy, over TLS with our new certificate. */
	err = fetch_policy(&t, cert, key, ca, group, &cms, &text);
	if (err)
		goto out;
	if (tm)
		tm->policy = time_mono() - t1;
	t1 = time_mono();
	/* Only a complete enrollment is stored; each file lands atomically. */
	err = save_key_cert(cfg->dir, key, cert);
	if (!err)
		err = write_pem_cert(cfg->dir, "ca.pem", ca);
	if (!err)
		err = save_policy(cfg->dir, &cms, &text);
	if (!err)
		err = save_state(&t, cfg->dir, cfg->user, group);
	if (tm) {
		tm->store = time_mono() - t1;
		tm->total = time_mono() - t0;
	}
out:
	sbuf_free(&cms);
	sbuf_free(&text);
	json_free(j);
	sbuf_free(&body);
	sbuf_free(&resp);
	free(csrpem);
	X509_REQ_free(req);
	X509_free(cert);
	X509_free(ca);
	X509_free(t.ca);
	X509_free(t.anchor);
	EVP_PKEY_free(key);
	return err;
}

static int load_cert_file(const char *dir, const char *name, X509 **out)
{
	struct sbuf pem = { 0 };
	char path[4096];
	int err;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	err = file_read(path, 65536, &pem);
	if (!err)
		err = pem.data ? ca_cert_from_pem(pem.data, pem.len, out) : -EINVAL;
	sbuf_free(&pem);
	return err;
}

static int load_key_file(const char *dir, EVP_PKEY **out)
{
	char path[4096];
	BIO *bio;

	snprintf(path, sizeof(path), "%s/key.pem", dir);
	bio = BIO_new_file(path, "r");
	if (!bio)
		return -ENOENT;
	*out = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIO_free(bio);
	ERR_clear_error();
	return *out ? 0 : -EINVAL;
}

static int stored_policy_check(const char *dir, bool log)
{
	struct sbuf cms = { 0 }, text = { 0 };
	char path[4096], why[256] = "";
	X509 *ca = NULL;
	int err;

	snprintf(path, sizeof(path), "%s/policy.cms", dir);
	err = load_cert_file(dir, "ca.pem", &ca);
	if (!err)
		err = file_read(path, 1 << 20, &cms);
	if (!err) {
		err = policy_verify(ca, cms.data, cms.len, &text, why, sizeof(why));
		if (err && log)
			log_error("%s: %s", path, why);
	}
	X509_free(ca);
	sbuf_free(&cms);
	sbuf_free(&text);
	return err;
}

int enroll_policy_check(const char *dir)
{
	return stored_policy_check(dir, true);
}

/* The first certificate of a base64 certs-only PKCS#7 (RFC 7030 §4.1.3). */
static int est_cert(const struct sbuf *b64, X509 **out)
{
	struct sbuf der = { 0 };
	const unsigned char *p;
	STACK_OF(X509) *certs = NULL;
	PKCS7 *p7 = NULL;
	int err = -EPROTO;

	if (b64_decode(b64->data, b64->len, &der) || !der.len)
		goto out;
	p = (const unsigned char *)der.data;
	p7 = d2i_PKCS7(NULL, &p, (long)der.len);
	if (!p7 || !PKCS7_type_is_signed(p7))
		goto out;
	certs = p7->d.sign->cert;
	if (sk_X509_num(certs) < 1)
		goto out;
	*out = sk_X509_value(certs, 0);
	X509_up_ref(*out);
	err = 0;
out:
	ERR_clear_error();
	PKCS7_free(p7);
	sbuf_free(&der);
	return err;
}

static bool stored_policy_is_legacy(const char *dir)
{
	return stored_policy_check(dir, false) == -EKEYREJECTED;
}

static int refresh_policy(struct trust *t, X509 *cert, EVP_PKEY *key, X509 *ca,
			  const char *group, const char *dir)
{
	struct sbuf cms = { 0 }, text = { 0 };
	int err;

	log_info("the stored policy was signed by the group CA directly (older service); "
		 "fetching a new one");
	err = fetch_policy(t, cert, key, ca, group, &cms, &text);
	if (!err)
		err = save_policy(dir, &cms, &text);
	sbuf_free(&cms);
	sbuf_free(&text);
	return err;
}

int enroll_renew(const char *dir, double fraction, bool force, double timeout, bool *renewed)
{
	struct sbuf state = { 0 }, body = { 0 }, resp = { 0 };
	struct trust t = { .timeout = timeout > 0 ? timeout : 30 };
	const char *host, *user, *group;
	char path[4096], route[160], user_s[NAME_LEN_MAX], group_s[NAME_LEN_MAX];
	X509 *cert = NULL, *ca = NULL, *ncert = NULL;
	EVP_PKEY *key = NULL, *nkey = NULL;
	X509_REQ *req = NULL;
	struct json *j = NULL;
	unsigned char *der = NULL;
	int64_t port;
	int status = 0, err, n;

	*renewed = false;
	snprintf(path, sizeof(path), "%s/enroll.json", dir);
	err = file_read(path, 65536, &state);
	if (!err && (!state.data || json_parse(state.data, state.len, &j, NULL, 0) ||
		     json_get_str(j, "host", &host) || json_get_int(j, "port", &port) ||
		     json_get_str(j, "user", &user) || json_get_str(j, "group", &group) ||
		     !name_valid(user) || !name_valid(group) || port < 1 || port > 65535))
		err = -EINVAL;
	if (!err)
		err = load_cert_file(dir, "cert.pem", &cert);
	if (!err)
		err = load_cert_file(dir, "ca.pem", &ca);
	if (!err)
		err = load_cert_file(dir, "service-ca.pem", &t.ca);
	if (!err)
		err = load_key_file(dir, &key);
	if (err) {
		log_error("no usable enrollment state in '%s'", dir);
		goto out;
	}
	t.host = host;
	t.port = (int)port;
	snprintf(user_s, sizeof(user_s), "%s", user);
	snprintf(group_s, sizeof(group_s), "%s", group);
	if (!force) {
		const ASN1_TIME *nb = X509_get0_notBefore(cert), *na = X509_get0_notAfter(cert);
		int days, secs;
		double life, left;

		if (!ASN1_TIME_diff(&days, &secs, nb, na)) {
			err = -EINVAL;
			goto out;
		}
		life = days * 86400.0 + secs;
		if (!ASN1_TIME_diff(&days, &secs, NULL, na)) {
			err = -EINVAL;
			goto out;
		}
		left = days * 86400.0 + secs;
		if (left > fraction * life) {
			/* Not due; but a policy signed by the group CA directly
			 * (an older service) is refused, and the current
			 * certificate can fetch one that is not. */
			if (stored_policy_is_legacy(dir))
				err = refresh_policy(&t, cert, key, ca, group_s, dir);
			goto out;
		}
	}
	/* A fresh key for the new certificate (RFC 7030 §4.2.2 allows it). */
	err = ca_key_generate(EVP_PKEY_is_a(key, "RSA") ? "rsa" : "ec", &nkey);
	if (!err)
		err = ca_csr_create(nkey, user_s, &req);
	if (err)
		goto out;
	n = i2d_X509_REQ(req, &der);
	if (n <= 0 || b64_encode(der, (size_t)n, &body)) {
		err = -EIO;
		goto out;
	}
	snprintf(route, sizeof(route), "/.well-known/est/%s/simplereenroll", group_s);
	err = request(&t, cert, key, "POST", route, "application/pkcs10", &body, &status, &resp);
	if (err)
		goto out;
	if (status != 200) {
		report_error("re-enrollment", status, &resp);
		err = status_err(status);
		goto out;
	}
	err = est_cert(&resp, &ncert);
	if (!err)
		err = check_issued(ncert, nkey, ca, user_s);
	if (!err)
		err = save_key_cert(dir, nkey, ncert);
	if (!err) {
		struct sbuf cms = { 0 }, text = { 0 };

		*renewed = true;
		err = fetch_policy(&t, ncert, nkey, ca, group_s, &cms, &text);
		if (!err)
			err = save_policy(dir, &cms, &text);
		sbuf_free(&cms);
		sbuf_free(&text);
	}
out:
	OPENSSL_free(der);
	json_free(j);
	sbuf_free(&state);
	sbuf_free(&body);
	sbuf_free(&resp);
	X509_REQ_free(req);
	X509_free(cert);
	X509_free(ncert);
	X509_free(ca);
	X509_free(t.ca);
	X509_free(t.anchor);
	EVP_PKEY_free(key);
	EVP_PKEY_free(nkey);
	return err;
}
