// SPDX-License-Identifier: GPL-2.0
#include "policy.h"
#include "ca.h"
#include "json.h"
#include "lib/num.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/cms.h>
#include <openssl/err.h>

void policy_default(struct policy *p)
{
	memset(p, 0, sizeof(*p));
	p->version = 1;
	p->cert_days = 365;
	snprintf(p->key_types[0], sizeof(p->key_types[0]), "ec-p256");
	snprintf(p->key_types[1], sizeof(p->key_types[1]), "ec-p384");
	snprintf(p->key_types[2], sizeof(p->key_types[2]), "rsa-3072");
	p->nkey_types = 3;
	snprintf(p->ike_proposals[0], sizeof(p->ike_proposals[0]), "aes256gcm16-prfsha256-ecp256");
	p->nike = 1;
	snprintf(p->esp_proposals[0], sizeof(p->esp_proposals[0]), "aes256gcm16-ecp256");
	p->nesp = 1;
	p->ike_lifetime = 14400;
	p->child_lifetime = 3600;
	p->probe_interval_ms = 100;
	p->probe_failures = 3;
	p->failback_interval_ms = 5000;
	snprintf(p->selectors[0], sizeof(p->selectors[0]), "0.0.0.0/0");
	p->nselectors = 1;
}

static const char *const key_type_names[] = {
	"ec-p256", "ec-p384", "rsa-2048", "rsa-3072", "rsa-4096", NULL
};

/* Algorithms we accept in proposals; older ones (3des, md5, sha1,
 * modp1024...) are refused on purpose. */
static const char *const proposal_tokens[] = {
	"aes128", "aes192", "aes256", "aes128gcm16", "aes192gcm16", "aes256gcm16",
	"chacha20poly1305", "sha256", "sha384", "sha512", "prfsha256", "prfsha384",
	"prfsha512", "ecp256", "ecp384", "ecp521", "curve25519", "x25519", "modp2048",
	"modp3072", "modp4096", "esn", "noesn", NULL
};

static bool in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

static int fail(char *why, size_t n, const char *member, const char *reason)
{
	if (why && n)
		snprintf(why, n, "policy member '%s': %s", member, reason);
	return -EINVAL;
}

static bool proposal_valid(const char *s)
{
	char tmp[64], *tok, *save;

	if (strlen(s) >= sizeof(tmp) || !*s)
		return false;
	strcpy(tmp, s);
	for (tok = strtok_r(tmp, "-", &save); tok; tok = strtok_r(NULL, "-", &save))
		if (!in_list(tok, proposal_tokens))
			return false;
	return s[strlen(s) - 1] != '-' && s[0] != '-' && !strstr(s, "--");
}

static bool addr_valid(const char *s)
{
	unsigned char tmp[16];

	return inet_pton(AF_INET, s, tmp) == 1 || inet_pton(AF_INET6, s, tmp) == 1;
}

static bool cidr_valid(const char *s)
{
	char addr[50];
	const char *slash = strchr(s, '/');
	unsigned char tmp[16];
	size_t digits;
	uint32_t len;
	uint32_t max;

	if (!slash || (size_t)(slash - s) >= sizeof(addr))
		return false;
	memcpy(addr, s, (size_t)(slash - s));
	addr[slash - s] = '\0';
	if (inet_pton(AF_INET, addr, tmp) == 1)
		max = 32;
	else if (inet_pton(AF_INET6, addr, tmp) == 1)
		max = 128;
	else
		return false;
	/* Up to three decimal digits: lib/num.h alone would also take "0x". */
	digits = strspn(slash + 1, "0123456789");
	if (!digits || digits > 3 || slash[1 + digits])
		return false;
	return !num_parse_u32(slash + 1, 0, max, &len);
}

static int get_int(const struct json *o, const char *k, int lo, int hi, int *out, char *why,
		   size_t n)
{
	int64_t v;
	int err = json_get_int(o, k, &v);

	if (err == -ENOENT)
		return fail(why, n, k, "missing");
	if (err)
		return fail(why, n, k, "must be an integer");
	if (v < lo || v > hi) {
		char r[64];

		snprintf(r, sizeof(r), "%lld is outside %d..%d", (long long)v, lo, hi);
		return fail(why, n, k, r);
	}
	*out = (int)v;
	return 0;
}

/* An array of 1..max strings, each checked by ok() and copied to dst. */
static int get_strs(const struct json *o, const char *k, int max, size_t width, char *dst,
		    int *count, bool (*ok)(const char *), char *why, size_t n)
{
	const struct json *a = json_get(o, k), *e;
	int i = 0;

	if (!a)
		return fail(why, n, k, "missing");
	if (a->type != JV_ARR || a->count == 0 || a->count > (size_t)max)
		return fail(why, n, k, "must be a non-empty array of strings (bounded)");
	for (e = a->child; e; e = e->next, i++) {
		if (e->type != JV_STR || e->len >= width || !ok(e->str)) {
			char r[128];

			snprintf(r, sizeof(r), "invalid entry '%.60s'",
				 e->type == JV_STR ? e->str : "(not a string)");
			return fail(why, n, k, r);
		}
		memcpy(dst + (size_t)i * width, e->str, e->len + 1);
	}
	*count = i;
	return 0;
}

static bool key_type_valid(const char *s)
{
	return in_list(s, key_type_names);
}

static int parse_gateways(const struct json *o, struct policy *p, char *why, size_t n)
{
	static const char *const gw_keys[] = { "name", "addresses", "priority", NULL };
	const struct json *a = json_get(o, "gateways"), *e;

	if (!a)
		return fail(why, n, "gateways", "missing");
	if (a->type != JV_ARR || a->count > POLICY_MAX_GATEWAYS)
		return fail(why, n, "gateways", "must be an array of at most 32 gateways");
	for (e = a->child; e; e = e->next) {
		struct policy_gateway *gw = &p->gateways[p->ngateways];
		const char *name, *bad = NULL;
		int err;

		if (e->type != JV_OBJ || json_check_keys(e, gw_keys, &bad))
			return fail(why, n, "gateways", bad ? bad : "entry must be an object");
		if (json_get_str(e, "name", &name) || !name_valid(name))
			return fail(why, n, "gateways", "entry with an invalid name");
		snprintf(gw->name, sizeof(gw->name), "%s", name);
		err = get_strs(e, "addresses", POLICY_MAX_ADDRS, sizeof(gw->addrs[0]),
			       gw->addrs[0], &gw->naddrs, addr_valid, why, n);
		if (!err)
			err = get_int(e, "priority", 0, 65535, &gw->priority, why, n);
		if (err)
			return err;
		p->ngateways++;
	}
	return 0;
}

static bool name_ok(const char *s)
{
	return name_valid(s);
}

int policy_parse(const char *text, size_t n, bool served, struct policy *p, char *why,
		 size_t whylen)
{
	static const char *const keys[] = {
		"version", "cert_days", "key_types", "ike_proposals", "esp_proposals",
		"ike_lifetime", "child_lifetime", "probe_interval_ms", "probe_failures",
		"failback_interval_ms", "selectors", NULL
	};
	static const char *const served_keys[] = {
		"version", "cert_days", "key_types", "ike_proposals", "esp_proposals",
		"ike_lifetime", "child_lifetime", "probe_interval_ms", "probe_failures",
		"failback_interval_ms", "selectors", "group", "gateways", NULL
	};
	struct json *j = NULL;
	const char *bad = NULL, *group;
	int err;

	memset(p, 0, sizeof(*p));
	err = json_parse(text, n, &j, why, whylen);
	if (err)
		return err;
	if (j->type != JV_OBJ) {
		err = fail(why, whylen, "(document)", "must be an object");
		goto out;
	}
	if (json_check_keys(j, served ? served_keys : keys, &bad)) {
		err = fail(why, whylen, bad, "unknown member");
		goto out;
	}
	err = get_int(j, "version", 1, 1, &p->version, why, whylen);
	if (!err)
		err = get_int(j, "cert_days", 1, 825, &p->cert_days, why, whylen);
	if (!err)
		err = get_strs(j, "key_types", POLICY_MAX_LIST, sizeof(p->key_types[0]),
			       p->key_types[0], &p->nkey_types, key_type_valid, why, whylen);
	if (!err)
		err = get_strs(j, "ike_proposals", POLICY_MAX_LIST, sizeof(p->ike_proposals[0]),
			       p->ike_proposals[0], &p->nike, proposal_valid, why, whylen);
	if (!err)
		err = get_strs(j, "esp_proposals", POLICY_MAX_LIST, sizeof(p->esp_proposals[0]),
			       p->esp_proposals[0], &p->nesp, proposal_valid, why, whylen);
	if (!err)
		err = get_int(j, "ike_lifetime", 300, 86400, &p->ike_lifetime, why, whylen);
	if (!err)
		err = get_int(j, "child_lifetime", 60, p->ike_lifetime, &p->child_lifetime, why,
			      whylen);
	if (!err)
		err = get_int(j, "probe_interval_ms", 1, 60000, &p->probe_interval_ms, why, whylen);
	if (!err)
		err = get_int(j, "probe_failures", 1, 100, &p->probe_failures, why, whylen);
	if (!err)
		err = get_int(j, "failback_interval_ms", 100, 3600000, &p->failback_interval_ms,
			      why, whylen);
	if (!err)
		err = get_strs(j, "selectors", POLICY_MAX_SELECTORS, sizeof(p->selectors[0]),
			       p->selectors[0], &p->nselectors, cidr_valid, why, whylen);
	if (!err && served) {
		p->served = true;
		if (json_get_str(j, "group", &group) || !name_ok(group))
			err = fail(why, whylen, "group", "missing or invalid");
		else
			snprintf(p->group, sizeof(p->group), "%s", group);
		if (!err)
			err = parse_gateways(j, p, why, whylen);
	}
out:
	json_free(j);
	return err;
}

static int add_strs(struct sbuf *b, const char *key, const char *base, size_t width, int n)
{
	int i, err = sbuf_printf(b, ",\"%s\":[", key);

	for (i = 0; !err && i < n; i++) {
		if (i)
			err = sbuf_add(b, ",", 1);
		if (!err)
			err = json_add_str(b, base + (size_t)i * width);
	}
	return err ? err : sbuf_add(b, "]", 1);
}

int policy_to_json(const struct policy *p, struct sbuf *b)
{
	int err, i;

	err = sbuf_printf(b, "{\"version\":%d,\"cert_days\":%d", p->version, p->cert_days);
	if (!err)
		err = add_strs(b, "key_types", p->key_types[0], sizeof(p->key_types[0]),
			       p->nkey_types);
	if (!err)
		err = add_strs(b, "ike_proposals", p->ike_proposals[0],
			       sizeof(p->ike_proposals[0]), p->nike);
	if (!err)
		err = add_strs(b, "esp_proposals", p->esp_proposals[0],
			       sizeof(p->esp_proposals[0]), p->nesp);
	if (!err)
		err = sbuf_printf(b, ",\"ike_lifetime\":%d,\"child_lifetime\":%d,"
				  "\"probe_interval_ms\":%d,\"probe_failures\":%d,"
				  "\"failback_interval_ms\":%d", p->ike_lifetime,
				  p->child_lifetime, p->probe_interval_ms, p->probe_failures,
				  p->failback_interval_ms);
	if (!err)
		err = add_strs(b, "selectors", p->selectors[0], sizeof(p->selectors[0]),
			       p->nselectors);
	if (!err && p->served) {
		err = sbuf_addstr(b, ",\"group\":");
		if (!err)
			err = json_add_str(b, p->group);
		if (!err)
			err = sbuf_addstr(b, ",\"gateways\":[");
		for (i = 0; !err && i < p->ngateways; i++) {
			const struct policy_gateway *gw = &p->gateways[i];

			err = sbuf_printf(b, "%s{\"name\":", i ? "," : "");
			if (!err)
				err = json_add_str(b, gw->name);
			if (!err)
				err = sbuf_printf(b, ",\"priority\":%d", gw->priority);
			if (!err)
				err = add_strs(b, "addresses", gw->addrs[0], sizeof(gw->addrs[0]),
					       gw->naddrs);
			if (!err)
				err = sbuf_add(b, "}", 1);
		}
		if (!err)
			err = sbuf_add(b, "]", 1);
	}
	return err ? err : sbuf_add(b, "}", 1);
}

int policy_add_gateway(struct policy *p, const char *name, const char *addrs, int priority)
{
	struct policy_gateway *gw;
	char tmp[512], *tok, *save;

	if (p->ngateways >= POLICY_MAX_GATEWAYS || strlen(addrs) >= sizeof(tmp))
		return -E2BIG;
	gw = &p->gateways[p->ngateways];
	memset(gw, 0, sizeof(*gw));
	snprintf(gw->name, sizeof(gw->name), "%s", name);
	gw->priority = priority;
	strcpy(tmp, addrs);
	for (tok = strtok_r(tmp, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (gw->naddrs >= POLICY_MAX_ADDRS || !addr_valid(tok))
			return -EINVAL;
		snprintf(gw->addrs[gw->naddrs++], sizeof(gw->addrs[0]), "%s", tok);
	}
	if (!gw->naddrs)
		return -EINVAL;
	p->ngateways++;
	p->served = true;
	return 0;
}

void policy_key_types(const struct policy *p, const char *out[POLICY_MAX_LIST + 1])
{
	int i;

	for (i = 0; i < p->nkey_types; i++)
		out[i] = p->key_types[i];
	out[i] = NULL;
}

int policy_sign(X509 *signer, EVP_PKEY *key, const char *text, struct sbuf *der)
{
	BIO *in = BIO_new_mem_buf(text, -1);
	CMS_ContentInfo *cms = NULL;
	unsigned char *buf = NULL;
	int n, err = -EIO;

	if (!in)
		return -ENOMEM;
	/* The signer's certificate goes into the SignedData: a verifier
	 * needs only the group CA. */
	cms = CMS_sign(signer, key, NULL, in, CMS_BINARY);
	if (!cms)
		goto out;
	n = i2d_CMS_ContentInfo(cms, &buf);
	if (n <= 0)
		goto out;
	err = sbuf_add(der, buf, (size_t)n);
out:
	ERR_clear_error();
	OPENSSL_free(buf);
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	return err;
}

static int verify_fail(char *why, size_t n, int err, const char *fmt, const char *arg)
{
	if (why && n)
		snprintf(why, n, fmt, arg);
	return err;
}

/* OpenSSL's reason for the first error queued, with its detail
 * ("Verify error: unsuitable certificate purpose"). */
static const char *ossl_reason(char *buf, size_t n)
{
	const char *data = NULL;
	int flags = 0;
	unsigned long e = ERR_peek_error_data(&data, &flags);
	const char *r = e ? ERR_reason_error_string(e) : NULL;

	snprintf(buf, n, "%s%s%s", r ? r : "malformed CMS",
		 data && (flags & ERR_TXT_STRING) && *data ? ": " : "",
		 data && (flags & ERR_TXT_STRING) ? data : "");
	return buf;
}

/*
 * RFC 5652 §5.6 with the group CA as the only trust anchor: one signer,
 * its certificate carried in the message, a chain to ca checked by
 * OpenSSL for the S/MIME signing purpose (digitalSignature, CA:FALSE, an
 * emailProtection EKU), then our own extended key usage. The CA's own
 * signature is refused: its key usage is keyCertSign/cRLSign only (RFC
 * 5280 §4.2.1.3), and servers before the policy-signing certificate
 * signed that way.
 */
int policy_verify(X509 *ca, const void *der, size_t n, struct sbuf *text, char *why,
		  size_t whylen)
{
	const unsigned char *p = der;
	CMS_ContentInfo *cms = NULL;
	STACK_OF(CMS_SignerInfo) *sis;
	STACK_OF(X509) *signers = NULL;
	X509_STORE *store = X509_STORE_new();
	BIO *out = BIO_new(BIO_s_mem());
	X509 *signer;
	char reason[200], cn[128];
	char *data;
	long len;
	int err;

	if (!store || !out || !X509_STORE_add_cert(store, ca)) {
		err = -ENOMEM;
		goto out;
	}
	cms = d2i_CMS_ContentInfo(NULL, &p, (long)n);
	if (!cms || p != (const unsigned char *)der + n ||
	    OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
		err = verify_fail(why, whylen, -EBADMSG, "%s", "not a CMS SignedData message");
		goto out;
	}
	sis = CMS_get0_SignerInfos(cms);
	if (sk_CMS_SignerInfo_num(sis) != 1) {
		err = verify_fail(why, whylen, -EBADMSG, "%s",
				  "the policy must have exactly one signer");
		goto out;
	}
	if (!CMS_SignerInfo_cert_cmp(sk_CMS_SignerInfo_value(sis, 0), ca)) {
		err = verify_fail(why, whylen, -EKEYREJECTED, "%s",
				  "policy signed by the group CA directly (issued by an older "
				  "vpnfo-pkid): refused; run 'vpnfoctl enroll renew' once the "
				  "service is upgraded");
		goto out;
	}
	if (CMS_verify(cms, NULL, store, NULL, out, CMS_BINARY) != 1) {
		err = verify_fail(why, whylen, -EBADMSG,
				  "signature or signer does not verify with the group CA (%s)",
				  ossl_reason(reason, sizeof(reason)));
		goto out;
	}
	signers = CMS_get0_signers(cms);
	signer = sk_X509_num(signers) == 1 ? sk_X509_value(signers, 0) : NULL;
	if (!signer || !X509_cmp(signer, ca)) {
		err = verify_fail(why, whylen, -EKEYREJECTED, "%s",
				  "policy signed by the group CA directly: refused");
		goto out;
	}
	if (!ca_cert_has_eku(signer, CA_OID_POLICY_SIGNING)) {
		if (ca_cert_cn(signer, cn, sizeof(cn)))
			snprintf(cn, sizeof(cn), "?");
		err = verify_fail(why, whylen, -EBADMSG,
				  "policy signer '%s' is not a policy-signing certificate (its "
				  "extended key usage lacks " CA_OID_POLICY_SIGNING ")", cn);
		goto out;
	}
	len = BIO_get_mem_data(out, &data);
	err = sbuf_add(text, data, (size_t)len);
out:
	ERR_clear_error();
	sk_X509_free(signers);
	CMS_ContentInfo_free(cms);
	X509_STORE_free(store);
	BIO_free(out);
	return err;
}
