// SPDX-License-Identifier: GPL-2.0
/* vpnfod.conf: parse, check, load credentials. Errors name file and line. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "config.h"
#include "lib/num.h"
#include "natt.h"

static int bad(struct vpnfod_conf *c, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad(struct vpnfod_conf *c, unsigned int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(c->err, sizeof(c->err), "%s:%u: ", c->file, line);
	va_start(ap, fmt);
	vsnprintf(c->err + n, sizeof(c->err) - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* The prefix parser of lib/addr.h: decimal lengths, a bare address is a
 * host prefix. */
static int parse_prefix(const char *s, struct ike_ts *ts)
{
	struct vpnfo_prefix p;

	if (prefix_parse(s, &p))
		return -EINVAL;
	return ike_ts_from_prefix(ts, p.addr.family, p.addr.bytes, p.plen);
}

/* Decimal or 0x hex, strictly ("010" is ten). */
static int parse_u32(const char *s, uint32_t *v)
{
	return num_parse_u32(s, 0, UINT32_MAX, v);
}

/* "1500ms", "30s", bare number = ms. */
static int parse_ms(const char *s, unsigned int *ms)
{
	const char *unit;
	uint64_t v;

	if (num_parse_unit(s, 0, 86400000ULL, &v, &unit))
		return -EINVAL;
	if (!strcmp(unit, "s"))
		v *= 1000;
	else if (*unit && strcmp(unit, "ms"))
		return -EINVAL;
	if (v > 86400000ULL)
		return -EINVAL;
	*ms = (unsigned int)v;
	return 0;
}

struct alg_name {
	const char *name;
	struct ike_algs a;
};

/* strongSwan-style names, the RFC 8247 MUST/SHOULD set. */
static const struct alg_name ike_names[] = {
	{ "aes128gcm16-prfsha256", { IKE_ENCR_AES_GCM16, 128, 0,
				     IKE_PRF_HMAC_SHA2_256 } },
	{ "aes256gcm16-prfsha256", { IKE_ENCR_AES_GCM16, 256, 0,
				     IKE_PRF_HMAC_SHA2_256 } },
	{ "aes256gcm16-prfsha384", { IKE_ENCR_AES_GCM16, 256, 0,
				     IKE_PRF_HMAC_SHA2_384 } },
	{ "aes128-sha256", { IKE_ENCR_AES_CBC, 128, IKE_INTEG_SHA2_256_128,
			     IKE_PRF_HMAC_SHA2_256 } },
	{ "aes256-sha256", { IKE_ENCR_AES_CBC, 256, IKE_INTEG_SHA2_256_128,
			     IKE_PRF_HMAC_SHA2_256 } },
	{ "aes256-sha384", { IKE_ENCR_AES_CBC, 256, IKE_INTEG_SHA2_384_192,
			     IKE_PRF_HMAC_SHA2_384 } },
	{ NULL, { 0 } },
};

static const struct alg_name esp_names[] = {
	{ "aes128gcm16", { IKE_ENCR_AES_GCM16, 128, 0, 0 } },
	{ "aes256gcm16", { IKE_ENCR_AES_GCM16, 256, 0, 0 } },
	{ "aes128-sha256", { IKE_ENCR_AES_CBC, 128, IKE_INTEG_SHA2_256_128,
			     0 } },
	{ "aes256-sha256", { IKE_ENCR_AES_CBC, 256, IKE_INTEG_SHA2_256_128,
			     0 } },
	{ "aes256-sha384", { IKE_ENCR_AES_CBC, 256, IKE_INTEG_SHA2_384_192,
			     0 } },
	{ NULL, { 0 } },
};

static const struct { const char *name; uint16_t id; } dh_names[] = {
	{ "ecp256", IKE_DH_ECP256 }, { "19", IKE_DH_ECP256 },
	{ "ecp384", IKE_DH_ECP384 }, { "20", IKE_DH_ECP384 },
	{ "curve25519", IKE_DH_CURVE25519 }, { "x25519", IKE_DH_CURVE25519 },
	{ "31", IKE_DH_CURVE25519 },
	{ "modp2048", IKE_DH_MODP2048 }, { "14", IKE_DH_MODP2048 },
	{ NULL, 0 },
};

static int algs_of(const struct alg_name *names, const char *s,
		   struct ike_algs *a)
{
	unsigned int i;

	for (i = 0; names[i].name; i++) {
		if (!strcmp(names[i].name, s)) {
			*a = names[i].a;
			return 0;
		}
	}
	return -EINVAL;
}

static void defaults(struct vpnfod_peer *p)
{
	struct ike_conf *k = &p->ike;

	algs_of(ike_names, "aes128gcm16-prfsha256", &k->ike[0]);
	algs_of(ike_names, "aes256gcm16-prfsha256", &k->ike[1]);
	algs_of(ike_names, "aes128-sha256", &k->ike[2]);
	algs_of(ike_names, "aes256-sha256", &k->ike[3]);
	k->n_ike = 4;
	k->dh[0] = IKE_DH_ECP256;
	k->dh[1] = IKE_DH_CURVE25519;
	k->dh[2] = IKE_DH_ECP384;
	k->dh[3] = IKE_DH_MODP2048;
	k->n_dh = 4;
	algs_of(esp_names, "aes128gcm16", &k->esp[0]);
	algs_of(esp_names, "aes256gcm16", &k->esp[1]);
	algs_of(esp_names, "aes128-sha256", &k->esp[2]);
	algs_of(esp_names, "aes256-sha256", &k->esp[3]);
	k->n_esp = 4;
	k->retrans_base_ms = 1000;
	k->retrans_tries = 5;
	/* strongSwan's defaults: CHILD SAs hourly, IKE SAs every 4 h. */
	k->child_rekey_ms = 3600 * 1000;
	k->ike_rekey_ms = 4 * 3600 * 1000;
	p->local.port = p->remote.port = 500;
	p->natt_keepalive_ms = NATT_KEEPALIVE_MS;
}

/* One "key value..." line of a section. */
static int parse_kv(struct vpnfod_conf *c, struct vpnfod_peer *p,
		    unsigned int ln, char *key, char **v, int nv)
{
	struct ike_conf *k = &p->ike;
	int i;

	if (nv < 1)
		return bad(c, ln, "\"%s\" needs a value", key);
	if (!strcmp(key, "local") || !strcmp(key, "remote")) {
		struct ike_addr *a = key[0] == 'l' ? &p->local : &p->remote;

		if (nv != 1 || addr_parse(v[0], &a->ip))
			return bad(c, ln, "bad address \"%s\"", v[0]);
	} else if (!strcmp(key, "local-ts") || !strcmp(key, "remote-ts")) {
		struct ike_ts_pl *ts = key[0] == 'l' ? &k->ts_local :
						       &k->ts_remote;

		for (i = 0; i < nv; i++) {
			if (ts->n == IKE_TS_MAX)
				return bad(c, ln, "more than %d selectors",
					   IKE_TS_MAX);
			if (parse_prefix(v[i], &ts->ts[ts->n++]))
				return bad(c, ln, "bad prefix \"%s\"", v[i]);
		}
	} else if (!strcmp(key, "ike") || !strcmp(key, "esp")) {
		bool ike = key[0] == 'i';
		unsigned int *n = ike ? &k->n_ike : &k->n_esp;

		*n = 0;
		for (i = 0; i < nv; i++) {
			if (*n == IKE_ALGS_MAX)
				return bad(c, ln, "more than %d proposals",
					   IKE_ALGS_MAX);
			if (algs_of(ike ? ike_names : esp_names, v[i],
				    &(ike ? k->ike : k->esp)[(*n)++]))
				return bad(c, ln, "unknown %s proposal \"%s\"",
					   key, v[i]);
		}
	} else if (!strcmp(key, "dh")) {
		k->n_dh = 0;
		for (i = 0; i < nv; i++) {
			unsigned int j;

			for (j = 0; dh_names[j].name; j++)
				if (!strcmp(dh_names[j].name, v[i]))
					break;
			if (!dh_names[j].name)
				return bad(c, ln, "unknown DH group \"%s\"",
					   v[i]);
			if (k->n_dh == IKE_DH_MAX)
				return bad(c, ln, "more than %d DH groups",
					   IKE_DH_MAX);
			k->dh[k->n_dh++] = dh_names[j].id;
		}
	} else if (!strcmp(key, "cert") || !strcmp(key, "key") ||
		   !strcmp(key, "ca") || !strcmp(key, "crl")) {
		char *dst = !strcmp(key, "cert") ? p->cert :
			    !strcmp(key, "key") ? p->key :
			    !strcmp(key, "ca") ? p->ca : p->crl;

		if (nv != 1 || strlen(v[0]) >= PATH_MAX)
			return bad(c, ln, "bad path \"%s\"", v[0]);
		strcpy(dst, v[0]);
	} else if (!strcmp(key, "remote-id")) {
		if (nv != 1 || strlen(v[0]) >= sizeof(k->remote_id))
			return bad(c, ln, "bad remote-id \"%s\"", v[0]);
		strcpy(k->remote_id, v[0]);
	} else if (!strcmp(key, "mark")) {
		if (nv != 3 || strcmp(v[1], "mask") ||
		    parse_u32(v[0], &k->mark) ||
		    parse_u32(v[2], &k->mark_mask) || !k->mark ||
		    (k->mark & ~k->mark_mask))
			return bad(c, ln, "bad mark \"%s\" (want MARK mask "
				   "MASK, mark inside mask)", v[0]);
	} else if (!strcmp(key, "reqid")) {
		uint32_t r;

		if (nv != 1 || parse_u32(v[0], &r) || !r || r > 0xffff)
			return bad(c, ln, "bad reqid \"%s\" (1..65535)", v[0]);
		k->reqid = VPNFOD_REQID_BASE | r;
	} else if (!strcmp(key, "dpd")) {
		if (nv != 1 || parse_ms(v[0], &k->dpd_ms))
			return bad(c, ln, "bad duration \"%s\"", v[0]);
	} else if (!strcmp(key, "natt-keepalive")) {
		if (nv != 1 || parse_ms(v[0], &p->natt_keepalive_ms) ||
		    (p->natt_keepalive_ms && p->natt_keepalive_ms < 1000))
			return bad(c, ln, "bad natt-keepalive \"%s\" (0 "
				   "for none, or at least 1s)", v[0]);
	} else if (!strcmp(key, "child-rekey") || !strcmp(key, "ike-rekey")) {
		unsigned int ms;

		if (nv != 1 || parse_ms(v[0], &ms) || (ms && ms < 2000))
			return bad(c, ln, "bad %s \"%s\" (0 for never, or at "
				   "least 2s)", key, v[0]);
		*(key[0] == 'c' ? &k->child_rekey_ms : &k->ike_rekey_ms) = ms;
	} else if (!strcmp(key, "retransmit")) {
		uint32_t tries;

		if (nv != 2 || parse_ms(v[0], &k->retrans_base_ms) ||
		    !k->retrans_base_ms || parse_u32(v[1], &tries) ||
		    !tries || tries > 20)
			return bad(c, ln, "bad retransmit \"%s\" (want "
				   "DURATION TRIES)", v[0]);
		k->retrans_tries = tries;
	} else {
		return bad(c, ln, "unknown key \"%s\"", key);
	}
	return 0;
}

static int check(struct vpnfod_conf *c, struct vpnfod_peer *p)
{
	const struct ike_conf *k = &p->ike;

	if (!p->local.ip.family)
		return bad(c, p->line, "section \"%s\" has no local address",
			   k->name);
	if (p->initiator && p->remote.ip.family != p->local.ip.family)
		return bad(c, p->line, "tunnel \"%s\" needs a remote of the "
			   "local address's family", k->name);
	if (!k->ts_local.n || !k->ts_remote.n)
		return bad(c, p->line, "section \"%s\" needs local-ts and "
			   "remote-ts", k->name);
	if (!p->cert[0] || !p->key[0] || !p->ca[0])
		return bad(c, p->line, "section \"%s\" needs cert, key, ca",
			   k->name);
	if (!k->reqid)
		return bad(c, p->line, "section \"%s\" needs a reqid",
			   k->name);
	return 0;
}

int config_words(const char **s, char *line, char **tok, int max)
{
	const char *nl = strchr(*s, '\n');
	size_t len = nl ? (size_t)(nl - *s) : strlen(*s);
	char *save, *hash;
	int nt = 0;

	if (len >= CONFIG_LINE_MAX)
		return -E2BIG;
	memcpy(line, *s, len);
	line[len] = '\0';
	*s += len + (nl ? 1 : 0);
	hash = strchr(line, '#');
	if (hash)
		*hash = '\0';
	for (char *t = strtok_r(line, " \t\r", &save); t;
	     t = strtok_r(NULL, " \t\r", &save)) {
		if (nt == max)
			return -ENOSPC;
		tok[nt++] = t;
	}
	return nt;
}

int config_parse(struct vpnfod_conf *c, const char *name, const char *text)
{
	struct vpnfod_peer *p = NULL;
	const char *s = text;
	unsigned int ln = 0;
	int err;

	memset(c, 0, sizeof(*c));
	snprintf(c->file, sizeof(c->file), "%s", name);
	while (*s) {
		char line[CONFIG_LINE_MAX], *tok[16];
		int nt = config_words(&s, line, tok, 16);

		ln++;
		if (nt < 0)
			return bad(c, ln, "%s", nt == -E2BIG ? "line too long" :
				   "too many words");
		if (!nt)
			continue;
		if (tok[0][0] == '[') {
			size_t l = nt == 2 ? strlen(tok[1]) : 0;

			if (nt != 2 || l < 2 || tok[1][l - 1] != ']' ||
			    (strcmp(tok[0], "[tunnel") &&
			     strcmp(tok[0], "[group")))
				return bad(c, ln, "bad section \"%s\" (want "
					   "[tunnel NAME] or [group NAME])",
					   tok[0]);
			tok[1][l - 1] = '\0';
			if (p && (err = check(c, p)))
				return err;
			if (c->n == VPNFOD_PEERS_MAX)
				return bad(c, ln, "more than %d sections",
					   VPNFOD_PEERS_MAX);
			if (strlen(tok[1]) >= sizeof(p->ike.name))
				return bad(c, ln, "name \"%s\" too long",
					   tok[1]);
			p = &c->p[c->n++];
			defaults(p);
			p->line = ln;
			p->initiator = !strcmp(tok[0], "[tunnel");
			strcpy(p->ike.name, tok[1]);
			continue;
		}
		if (!p)
			return bad(c, ln, "\"%s\" outside a section", tok[0]);
		err = parse_kv(c, p, ln, tok[0], tok + 1, nt - 1);
		if (err)
			return err;
	}
	if (p && (err = check(c, p)))
		return err;
	if (!c->n)
		return bad(c, ln, "no [tunnel] or [group] section");
	return 0;
}

int config_load(struct vpnfod_conf *c, const char *path)
{
	FILE *f = fopen(path, "r");
	char *text;
	long n;
	int err;

	if (!f) {
		err = -errno;
		snprintf(c->err, sizeof(c->err), "%s: %s", path,
			 strerror(-err));
		return err;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	if (n < 0 || n > (1 << 20)) {
		fclose(f);
		snprintf(c->err, sizeof(c->err), "%s: too large", path);
		return -EFBIG;
	}
	text = calloc(1, (size_t)n + 1);
	if (!text || fread(text, 1, (size_t)n, f) != (size_t)n) {
		free(text);
		fclose(f);
		snprintf(c->err, sizeof(c->err), "%s: read error", path);
		return -EIO;
	}
	fclose(f);
	err = config_parse(c, path, text);
	free(text);
	return err;
}

static int load_one(struct vpnfod_conf *c, struct vpnfod_peer *p)
{
	struct ike_cred *cr = &p->ike.cred;
	X509 *ca = NULL;
	FILE *f;

	f = fopen(p->key, "r");
	if (f) {
		cr->key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
	}
	if (!cr->key)
		return bad(c, p->line, "cannot read key \"%s\"", p->key);
	f = fopen(p->cert, "r");
	if (f) {
		cr->cert = PEM_read_X509(f, NULL, NULL, NULL);
		fclose(f);
	}
	if (!cr->cert || X509_check_private_key(cr->cert, cr->key) != 1)
		return bad(c, p->line, "cannot read certificate \"%s\" (or "
			   "it does not match the key)", p->cert);
	f = fopen(p->ca, "r");
	if (f) {
		ca = PEM_read_X509(f, NULL, NULL, NULL);
		fclose(f);
	}
	cr->trust = X509_STORE_new();
	if (!ca || !cr->trust || !X509_STORE_add_cert(cr->trust, ca) ||
	    ike_spki_sha1(ca, cr->ca_keyid)) {
		X509_free(ca);
		return bad(c, p->line, "cannot read CA \"%s\"", p->ca);
	}
	X509_free(ca);
	if (p->crl[0]) {
		X509_CRL *crl = NULL;

		f = fopen(p->crl, "r");
		if (f) {
			crl = PEM_read_X509_CRL(f, NULL, NULL, NULL);
			fclose(f);
		}
		if (!crl || !X509_STORE_add_crl(cr->trust, crl)) {
			X509_CRL_free(crl);
			return bad(c, p->line, "cannot read CRL \"%s\"",
				   p->crl);
		}
		X509_CRL_free(crl);
		X509_STORE_set_flags(cr->trust, X509_V_FLAG_CRL_CHECK);
	}
	return 0;
}

/* Groups served on one address form a chain, tried in file order. */
static void link_groups(struct vpnfod_conf *c)
{
	unsigned int i, j;

	for (i = 0; i < c->n; i++) {
		struct vpnfod_peer *p = &c->p[i];

		p->ike.alt = NULL;
		for (j = i + 1; j < c->n && !p->initiator; j++) {
			const struct vpnfod_peer *q = &c->p[j];

			if (!q->initiator && addr_eq(&q->local.ip, &p->local.ip)) {
				p->ike.alt = &q->ike;
				break;
			}
		}
	}
}

int config_load_creds(struct vpnfod_conf *c)
{
	unsigned int i;
	int err;

	for (i = 0; i < c->n; i++) {
		err = load_one(c, &c->p[i]);
		if (err)
			return err;
	}
	link_groups(c);
	return 0;
}

void config_free(struct vpnfod_conf *c)
{
	unsigned int i;

	for (i = 0; i < c->n; i++) {
		struct ike_cred *cr = &c->p[i].ike.cred;

		EVP_PKEY_free(cr->key);
		X509_free(cr->cert);
		X509_STORE_free(cr->trust);
		memset(cr, 0, sizeof(*cr));
	}
}
