// SPDX-License-Identifier: GPL-2.0
/*
 * vpnfod configured from the enrollment state (client) or a gateway export
 * (gateway). Errors name the file and the bad member or line.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <linux/vpnfo.h>

#include "enrolled_conf.h"
#include "lib/addr.h"
#include "lib/num.h"

#include "ca.h"
#include "policy.h"
#include "util.h"
#include "lib/log.h"

static int fail(struct vpnfod_conf *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct vpnfod_conf *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

void enrolled_init(struct enrolled *e)
{
	memset(e, 0, sizeof(*e));
	e->o.module = true;
	e->o.mark_mask = ENROLLED_MARK_MASK;
}

static int ts_add(struct ike_ts_pl *ts, const char *s)
{
	struct vpnfo_prefix p;

	if (prefix_parse(s, &p))
		return -EINVAL;
	if (ts->n == IKE_TS_MAX)
		return -E2BIG;
	return ike_ts_from_prefix(&ts->ts[ts->n++], p.addr.family,
				  p.addr.bytes, p.plen);
}

/* ------------------------------------------------------------ options */

static int opt_kv(struct enrolled *e, struct vpnfod_conf *c, const char *f,
		  unsigned int ln, char **v, int nv)
{
	struct enrolled_opts *o = &e->o;
	const char *k = v[0];
	int i;

	if (nv < 2)
		return fail(c, "%s:%u: \"%s\" needs a value", f, ln, k);
	if (!strcmp(k, "module")) {
		if (nv != 2 || (strcmp(v[1], "yes") && strcmp(v[1], "no")))
			return fail(c, "%s:%u: bad module \"%s\" (want yes or "
				    "no)", f, ln, v[1]);
		o->module = !strcmp(v[1], "yes");
	} else if (!strcmp(k, "tunnel")) {
		if (nv != 2 || strlen(v[1]) >= VPNFO_NAME_MAX)
			return fail(c, "%s:%u: bad tunnel name \"%s\" (at most "
				    "%d characters)", f, ln, v[1],
				    VPNFO_NAME_MAX - 1);
		strcpy(o->tunnel, v[1]);
	} else if (!strcmp(k, "mark-mask")) {
		uint32_t m;

		if (nv != 2 || num_parse_u32(v[1], 1, UINT32_MAX, &m))
			return fail(c, "%s:%u: bad mark-mask \"%s\"", f, ln,
				    v[1]);
		o->mark_mask = m;
	} else if (!strcmp(k, "local-ts") || !strcmp(k, "remote-ts")) {
		struct ike_ts_pl *ts = k[0] == 'l' ? &o->ts_local :
						     &o->ts_remote;

		ts->n = 0;
		for (i = 1; i < nv; i++)
			if (ts_add(ts, v[i]))
				return fail(c, "%s:%u: bad prefix \"%s\" (or "
					    "more than %d)", f, ln, v[i],
					    IKE_TS_MAX);
	} else if (!strcmp(k, "local")) {
		if (nv != 2 || addr_parse(v[1], &o->local))
			return fail(c, "%s:%u: bad address \"%s\"", f, ln,
				    v[1]);
	} else if (!strcmp(k, "probe")) {
		struct enrolled_probe *p = &o->probe[o->nprobe];

		if (nv != 3 || strlen(v[1]) >= sizeof(p->gw))
			return fail(c, "%s:%u: bad probe (want probe GATEWAY "
				    "ADDRESS)", f, ln);
		if (o->nprobe == VPNFOD_PEERS_MAX)
			return fail(c, "%s:%u: more than %d probe lines", f,
				    ln, VPNFOD_PEERS_MAX);
		if (addr_parse(v[2], &p->addr))
			return fail(c, "%s:%u: bad address \"%s\"", f, ln,
				    v[2]);
		strcpy(p->gw, v[1]);
		o->nprobe++;
	} else if (!strcmp(k, "dpd")) {
		const char *unit;
		uint64_t s;

		if (nv != 2 || num_parse_unit(v[1], 0, 86400, &s, &unit) ||
		    strcmp(unit, "s"))
			return fail(c, "%s:%u: bad dpd \"%s\" (want SECONDSs)",
				    f, ln, v[1]);
		o->dpd_ms = (unsigned int)s * 1000;
	} else {
		return fail(c, "%s:%u: unknown key \"%s\"", f, ln, k);
	}
	return 0;
}

int enrolled_opts_parse(struct enrolled *e, struct vpnfod_conf *c,
			const char *name, const char *text)
{
	const char *s = text;
	unsigned int ln = 0;
	int err;

	while (*s) {
		char line[CONFIG_LINE_MAX], *tok[IKE_TS_MAX + 2];
		int nt = config_words(&s, line, tok, IKE_TS_MAX + 2);

		ln++;
		if (nt < 0)
			return fail(c, "%s:%u: %s", name, ln, nt == -E2BIG ?
				    "line too long" : "too many words");
		if (nt && (err = opt_kv(e, c, name, ln, tok, nt)))
			return err;
	}
	return 0;
}

int enrolled_opts_load(struct enrolled *e, struct vpnfod_conf *c,
		       const char *path)
{
	struct sbuf b = { 0 };
	int err = file_read(path, 1 << 16, &b);

	if (err) {
		sbuf_free(&b);
		return fail(c, "%s: %s", path, strerror(-err));
	}
	err = enrolled_opts_parse(e, c, path, b.data ? b.data : "");
	sbuf_free(&b);
	return err;
}

/* ------------------------------------------------------------ proposals */

/* One proposal string's algorithms, strongSwan style, sorted by kind. */
struct prop {
	struct ike_algs encr[4];
	unsigned int nencr;
	uint16_t integ[3], prf[3], dh[4];
	unsigned int ninteg, nprf, ndh;
};

/* Policy tokens vpnfod knows; the policy accepts a few more (aes192,
 * chacha20poly1305, ecp521, modp3072/4096, esn) that it cannot do. */
static const struct {
	const char *tok;
	char kind;		/* e encr, i integ, p prf, d dh, - ignored */
	uint16_t id, bits;
} prop_tokens[] = {
	{ "aes128", 'e', IKE_ENCR_AES_CBC, 128 },
	{ "aes256", 'e', IKE_ENCR_AES_CBC, 256 },
	{ "aes128gcm16", 'e', IKE_ENCR_AES_GCM16, 128 },
	{ "aes256gcm16", 'e', IKE_ENCR_AES_GCM16, 256 },
	{ "sha256", 'i', IKE_INTEG_SHA2_256_128, 0 },
	{ "sha384", 'i', IKE_INTEG_SHA2_384_192, 0 },
	{ "sha512", 'i', IKE_INTEG_SHA2_512_256, 0 },
	{ "prfsha256", 'p', IKE_PRF_HMAC_SHA2_256, 0 },
	{ "prfsha384", 'p', IKE_PRF_HMAC_SHA2_384, 0 },
	{ "prfsha512", 'p', IKE_PRF_HMAC_SHA2_512, 0 },
	{ "ecp256", 'd', IKE_DH_ECP256, 0 },
	{ "ecp384", 'd', IKE_DH_ECP384, 0 },
	{ "curve25519", 'd', IKE_DH_CURVE25519, 0 },
	{ "x25519", 'd', IKE_DH_CURVE25519, 0 },
	{ "modp2048", 'd', IKE_DH_MODP2048, 0 },
	{ "noesn", '-', 0, 0 },
	{ NULL, 0, 0, 0 },
};

static uint16_t prf_of_integ(uint16_t integ)
{
	switch (integ) {
	case IKE_INTEG_SHA2_256_128: return IKE_PRF_HMAC_SHA2_256;
	case IKE_INTEG_SHA2_384_192: return IKE_PRF_HMAC_SHA2_384;
	default: return IKE_PRF_HMAC_SHA2_512;
	}
}

static void u16_add(uint16_t *v, unsigned int *n, unsigned int max,
		    uint16_t x)
{
	unsigned int i;

	for (i = 0; i < *n; i++)
		if (v[i] == x)
			return;
	if (*n < max)
		v[(*n)++] = x;
}

/* Splits @s; algorithms vpnfod cannot do are left out (and logged). */
static void prop_split(const char *s, struct prop *p)
{
	char tmp[64], *tok, *save;
	unsigned int i;

	memset(p, 0, sizeof(*p));
	snprintf(tmp, sizeof(tmp), "%s", s);
	for (tok = strtok_r(tmp, "-", &save); tok;
	     tok = strtok_r(NULL, "-", &save)) {
		for (i = 0; prop_tokens[i].tok; i++)
			if (!strcmp(prop_tokens[i].tok, tok))
				break;
		if (!prop_tokens[i].tok) {
			log_info("proposal \"%s\": vpnfod does not do %s, "
				 "left out", s, tok);
			continue;
		}
		switch (prop_tokens[i].kind) {
		case 'e':
			if (p->nencr < 4)
				p->encr[p->nencr++] = (struct ike_algs){
					prop_tokens[i].id, prop_tokens[i].bits,
					0, 0 };
			break;
		case 'i':
			u16_add(p->integ, &p->ninteg, 3, prop_tokens[i].id);
			break;
		case 'p':
			u16_add(p->prf, &p->nprf, 3, prop_tokens[i].id);
			break;
		case 'd':
			u16_add(p->dh, &p->ndh, 4, prop_tokens[i].id);
			break;
		}
	}
}

static void algs_add(struct ike_algs *v, unsigned int *n, struct ike_algs a)
{
	unsigned int i;

	for (i = 0; i < *n; i++)
		if (!memcmp(&v[i], &a, sizeof(a)))
			return;
	if (*n < IKE_ALGS_MAX)
		v[(*n)++] = a;
}

/*
 * vpnfod's lists are flat (IKE suites, DH groups, ESP suites), so the
 * policy's proposals are flattened into them in order: every usable
 * encryption x integrity x PRF combination of each proposal. DH groups of
 * ESP proposals are for PFS on rekeys, which the first CHILD SA has not.
 */
static void props_apply(struct ike_conf *k, const char (*s)[64], int n,
			bool ike)
{
	int i;

	for (i = 0; i < n; i++) {
		struct prop p;
		unsigned int a, b, c;

		prop_split(s[i], &p);
		if (ike && !p.nprf)
			for (b = 0; b < p.ninteg; b++)
				u16_add(p.prf, &p.nprf, 3,
					prf_of_integ(p.integ[b]));
		for (a = 0; a < p.nencr; a++) {
			struct ike_algs x = p.encr[a];
			bool aead = x.encr == IKE_ENCR_AES_GCM16;
			unsigned int ni = aead ? 1 : p.ninteg;

			for (b = 0; b < ni; b++) {
				x.integ = aead ? 0 : p.integ[b];
				if (!ike) {
					algs_add(k->esp, &k->n_esp, x);
					continue;
				}
				for (c = 0; c < p.nprf; c++) {
					x.prf = p.prf[c];
					algs_add(k->ike, &k->n_ike, x);
				}
			}
		}
		for (a = 0; ike && a < p.ndh; a++)
			u16_add(k->dh, &k->n_dh, IKE_DH_MAX, p.dh[a]);
	}
}

static int props_set(struct vpnfod_conf *c, const char *file,
		     struct ike_conf *k, const struct policy *pol)
{
	/* Rekeyed when the policy's lifetimes are up. */
	k->ike_rekey_ms = (uint64_t)pol->ike_lifetime * 1000;
	k->child_rekey_ms = (uint64_t)pol->child_lifetime * 1000;
	k->n_ike = k->n_dh = k->n_esp = 0;
	props_apply(k, pol->ike_proposals, pol->nike, true);
	props_apply(k, pol->esp_proposals, pol->nesp, false);
	if (!k->n_ike || !k->n_dh)
		return fail(c, "%s: policy member 'ike_proposals': no proposal "
			    "vpnfod can do (AES-GCM-16 or AES-CBC with "
			    "SHA-2, DH ecp256/ecp384/curve25519/modp2048)",
			    file);
	if (!k->n_esp)
		return fail(c, "%s: policy member 'esp_proposals': no proposal "
			    "vpnfod can do (AES-GCM-16 or AES-CBC with SHA-2)",
			    file);
	return 0;
}

/* ------------------------------------------------------------ sections */

static void section_defaults(struct vpnfod_peer *p, const struct enrolled *e)
{
	p->ike.retrans_base_ms = 1000;
	p->ike.retrans_tries = 5;
	p->ike.dpd_ms = e->o.dpd_ms;
	p->local.port = p->remote.port = 500;
}

static void paths_set(struct vpnfod_peer *p, const char *dir,
		      const char *cert, const char *key, const char *ca,
		      const char *crl)
{
	snprintf(p->cert, sizeof(p->cert), "%s/%s", dir, cert);
	snprintf(p->key, sizeof(p->key), "%s/%s", dir, key);
	snprintf(p->ca, sizeof(p->ca), "%s/%s", dir, ca);
	if (crl)
		snprintf(p->crl, sizeof(p->crl), "%s/%s", dir, crl);
}

static int selectors_set(struct vpnfod_conf *c, const char *file,
			 struct ike_ts_pl *ts, const struct policy *pol)
{
	int i;

	ts->n = 0;
	for (i = 0; i < pol->nselectors; i++)
		if (ts_add(ts, pol->selectors[i]))
			return fail(c, "%s: policy member 'selectors': \"%s\" "
				    "(vpnfod takes at most %d prefixes)", file,
				    pol->selectors[i], IKE_TS_MAX);
	return 0;
}

/* The source address the kernel would use towards @dst. */
static int route_src(const struct vpnfo_addr *dst, struct vpnfo_addr *src)
{
	union {
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} a;
	socklen_t len = dst->family == AF_INET ? sizeof(a.v4) : sizeof(a.v6);
	int fd, err = 0;

	memset(&a, 0, sizeof(a));
	if (dst->family == AF_INET) {
		a.v4.sin_family = AF_INET;
		a.v4.sin_port = htons(500);
		memcpy(&a.v4.sin_addr, dst->bytes, 4);
	} else {
		a.v6.sin6_family = AF_INET6;
		a.v6.sin6_port = htons(500);
		memcpy(&a.v6.sin6_addr, dst->bytes, 16);
	}
	fd = socket(dst->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&a, len) ||
	    getsockname(fd, (struct sockaddr *)&a, &len))
		err = -errno;
	close(fd);
	if (err)
		return err;
	memset(src, 0, sizeof(*src));
	src->family = dst->family;
	if (dst->family == AF_INET)
		memcpy(src->bytes, &a.v4.sin_addr, 4);
	else
		memcpy(src->bytes, &a.v6.sin6_addr, 16);
	return 0;
}

/*
 * A gateway's outer address and ours: with `local` set, the gateway's
 * first address of that family; otherwise its first one we have a route
 * to, and the route's source.
 */
static int gw_addrs(struct vpnfod_conf *c, const char *file,
		    const struct enrolled *e, const struct policy_gateway *gw,
		    struct vpnfod_peer *p)
{
	int i;

	for (i = 0; i < gw->naddrs; i++) {
		if (addr_parse(gw->addrs[i], &p->remote.ip))
			continue;
		if (e->o.local.family) {
			if (p->remote.ip.family != e->o.local.family)
				continue;
			p->local.ip = e->o.local;
			return 0;
		}
		if (!route_src(&p->remote.ip, &p->local.ip))
			return 0;
	}
	return fail(c, "%s: gateway '%s': %s", file, gw->name,
		    e->o.local.family ? "no address of the family of `local`"
				      : "no route to any of its addresses");
}

static const struct enrolled_probe *probe_of(struct enrolled *e,
					     const char *gw)
{
	unsigned int i;

	for (i = 0; i < e->o.nprobe; i++) {
		if (!strcmp(e->o.probe[i].gw, gw)) {
			e->o.probe[i].used = true;
			return &e->o.probe[i];
		}
	}
	return NULL;
}

/* A bit-shifted counter inside the mask: 1, 2, 3... in the mask's bits. */
static int mark_of(uint32_t mask, unsigned int n, uint32_t *mark)
{
	unsigned int shift = (unsigned int)__builtin_ctz(mask);
	uint64_t m = (uint64_t)n << shift;

	if (m & ~(uint64_t)mask)
		return -ERANGE;
	*mark = (uint32_t)m;
	return 0;
}

static int parse_policy(struct vpnfod_conf *c, const char *file,
			const char *json, struct policy *pol)
{
	char why[256] = "";

	if (policy_parse(json, strlen(json), true, pol, why, sizeof(why)))
		return fail(c, "%s: %s", file, why);
	return 0;
}

static void policy_numbers(struct enrolled *e, const struct policy *pol)
{
	snprintf(e->group, sizeof(e->group), "%s", pol->group);
	e->probe_interval_ms = (uint32_t)pol->probe_interval_ms;
	e->probe_failures = (uint32_t)pol->probe_failures;
	e->failback_ms = (uint32_t)pol->failback_interval_ms;
}

static int client_tunnel(struct vpnfod_conf *c, struct enrolled *e,
			 const char *dir, const char *file,
			 const struct policy *pol,
			 const struct policy_gateway *gw)
{
	unsigned int i = c->n;
	struct vpnfod_peer *p = &c->p[i];
	struct ike_conf *k = &p->ike;
	const struct enrolled_probe *pr;
	int err;

	if (strlen(gw->name) >= sizeof(k->name) ||
	    (e->o.module && strlen(gw->name) >= VPNFO_NAME_MAX))
		return fail(c, "%s: policy member 'gateways': name '%s' too "
			    "long (vpnfo.ko takes %d characters)", file,
			    gw->name, VPNFO_NAME_MAX - 1);
	section_defaults(p, e);
	p->initiator = true;
	strcpy(k->name, gw->name);
	err = gw_addrs(c, file, e, gw, p);
	if (!err)
		err = props_set(c, file, k, pol);
	if (!err)
		err = selectors_set(c, file, &k->ts_remote, pol);
	if (err)
		return err;
	k->ts_local = e->o.ts_local;
	if (!k->ts_local.n) {
		/* No inner address given: the one we have towards the
		 * first gateway, the same for every tunnel (the module's
		 * selector is one for all of them). */
		const struct vpnfo_addr *l = i ? &c->p[0].local.ip :
					       &p->local.ip;

		ike_ts_from_prefix(&k->ts_local.ts[0], l->family, l->bytes,
				   l->family == AF_INET ? 32 : 128);
		k->ts_local.n = 1;
	}
	paths_set(p, dir, "cert.pem", "key.pem", "ca.pem", NULL);
	/* The gateway's certificate is issued with its name as CN. */
	snprintf(k->remote_id, sizeof(k->remote_id), "%s", gw->name);
	k->mark_mask = e->o.mark_mask;
	if (mark_of(e->o.mark_mask, i + 1, &k->mark))
		return fail(c, "%s: %u gateways do not fit mark-mask 0x%x",
			    file, i + 1, e->o.mark_mask);
	k->reqid = VPNFOD_REQID_BASE | (i + 1);
	e->prio[i] = (uint32_t)gw->priority;
	pr = probe_of(e, gw->name);
	if (pr)
		e->probe[i] = pr->addr;
	c->n++;
	return 0;
}

int enrolled_client_policy(struct vpnfod_conf *c, struct enrolled *e,
			   const char *dir, const char *name,
			   const char *json)
{
	struct policy *pol = malloc(sizeof(*pol));
	const struct policy_gateway *order[POLICY_MAX_GATEWAYS];
	unsigned int i, j;
	int err;

	memset(c, 0, sizeof(*c));
	snprintf(c->file, sizeof(c->file), "%s", name);
	if (!pol)
		return -ENOMEM;
	err = parse_policy(c, name, json, pol);
	if (err)
		goto out;
	policy_numbers(e, pol);
	if (!pol->ngateways) {
		err = fail(c, "%s: policy member 'gateways': none", name);
		goto out;
	}
	if (pol->ngateways > VPNFOD_PEERS_MAX) {
		err = fail(c, "%s: policy member 'gateways': more than %d",
			   name, VPNFOD_PEERS_MAX);
		goto out;
	}
	/* Priority order (lower first); the served policy is in that
	 * order already, but a stable sort costs nothing. */
	for (i = 0; i < (unsigned int)pol->ngateways; i++) {
		for (j = i; j > 0 && order[j - 1]->priority >
				     pol->gateways[i].priority; j--)
			order[j] = order[j - 1];
		order[j] = &pol->gateways[i];
	}
	for (i = 0; i < (unsigned int)pol->ngateways && !err; i++)
		err = client_tunnel(c, e, dir, name, pol, order[i]);
	for (i = 0; i < e->o.nprobe && !err; i++)
		if (!e->o.probe[i].used)
			err = fail(c, "%s: probe for '%s', which is not a "
				   "gateway of the policy", name,
				   e->o.probe[i].gw);
out:
	free(pol);
	return err;
}

/* The signed policy's content, checked against the group CA. */
static int signed_policy(struct vpnfod_conf *c, const char *dir,
			 struct sbuf *text)
{
	struct sbuf pem = { 0 }, cms = { 0 };
	char path[PATH_MAX], why[256] = "";
	X509 *ca = NULL;
	int err;

	snprintf(path, sizeof(path), "%s/ca.pem", dir);
	err = file_read(path, 1 << 16, &pem);
	if (!err)
		err = pem.data ? ca_cert_from_pem(pem.data, pem.len, &ca) :
				 -EINVAL;
	if (err) {
		fail(c, "%s: cannot read the group CA (%s)", path,
		     strerror(-err));
		goto out;
	}
	snprintf(path, sizeof(path), "%s/policy.cms", dir);
	err = file_read(path, 1 << 20, &cms);
	if (err) {
		fail(c, "%s: %s", path, strerror(-err));
		goto out;
	}
	err = policy_verify(ca, cms.data, cms.len, text, why, sizeof(why));
	if (err)
		fail(c, "%s: refused with %s/ca.pem as the anchor: %s", path,
		     dir, why);
out:
	ERR_clear_error();
	X509_free(ca);
	sbuf_free(&pem);
	sbuf_free(&cms);
	return err ? -EINVAL : 0;
}

int enrolled_client(struct vpnfod_conf *c, struct enrolled *e,
		    const char *dir)
{
	struct sbuf sig = { 0 }, stored = { 0 };
	char path[PATH_MAX];
	int err;

	snprintf(path, sizeof(path), "%s/policy.json", dir);
	err = signed_policy(c, dir, &sig);
	if (!err && (err = file_read(path, 1 << 20, &stored)))
		fail(c, "%s: %s", path, strerror(-err));
	/* What we use must be what the group CA signed. */
	if (!err && (sig.len != stored.len ||
		     memcmp(sig.data, stored.data, sig.len)))
		err = fail(c, "%s: differs from the signed policy.cms", path);
	if (!err)
		err = sbuf_add(&sig, "", 1);	/* NUL-terminated */
	if (!err)
		err = enrolled_client_policy(c, e, dir, path, sig.data);
	sbuf_free(&sig);
	sbuf_free(&stored);
	return err;
}

/* ------------------------------------------------------------ gateway */

int enrolled_gateway_group(struct vpnfod_conf *c, struct enrolled *e,
			   const char *dir, const char *group,
			   const char *gw_name, const char *json)
{
	struct policy *pol = malloc(sizeof(*pol));
	const struct policy_gateway *gw = NULL;
	char file[PATH_MAX], crt[128], key[128], ca[128], crl[128];
	int i, err;

	snprintf(file, sizeof(file), "%s/%s-policy.json", dir, group);
	if (!pol)
		return -ENOMEM;
	err = parse_policy(c, file, json, pol);
	if (err)
		goto out;
	policy_numbers(e, pol);
	for (i = 0; i < pol->ngateways; i++)
		if (!strcmp(pol->gateways[i].name, gw_name))
			gw = &pol->gateways[i];
	if (!gw) {
		err = fail(c, "%s: policy member 'gateways': no gateway '%s' "
			   "(the CN of %s.crt)", file, gw_name, group);
		goto out;
	}
	snprintf(crt, sizeof(crt), "%s.crt", group);
	snprintf(key, sizeof(key), "%s.key", group);
	snprintf(ca, sizeof(ca), "%s-ca.crt", group);
	snprintf(crl, sizeof(crl), "%s.crl", group);
	/* vpnfod picks a group by the address IKE_SA_INIT came to: one
	 * section per address of the gateway. */
	for (i = 0; i < gw->naddrs && !err; i++) {
		struct vpnfod_peer *p = &c->p[c->n];
		struct ike_conf *k = &p->ike;

		if (c->n == VPNFOD_PEERS_MAX) {
			err = fail(c, "%s: more than %d group sections", file,
				   VPNFOD_PEERS_MAX);
			break;
		}
		if (strlen(group) >= sizeof(k->name)) {
			err = fail(c, "%s: group name too long for vpnfod "
				   "(%zu characters)", file,
				   sizeof(k->name) - 1);
			break;
		}
		section_defaults(p, e);
		strcpy(k->name, group);
		if (addr_parse(gw->addrs[i], &p->local.ip))
			continue;
		err = props_set(c, file, k, pol);
		if (!err)
			err = selectors_set(c, file, &k->ts_local, pol);
		if (err)
			break;
		k->ts_remote = e->o.ts_remote;
		if (!k->ts_remote.n) {
			/* Clients have no address pool in the policy. */
			ts_add(&k->ts_remote, "0.0.0.0/0");
			ts_add(&k->ts_remote, "::/0");
		}
		paths_set(p, dir, crt, key, ca, crl);
		k->reqid = VPNFOD_REQID_BASE | (ENROLLED_GW_REQID + c->n);
		e->prio[c->n] = (uint32_t)gw->priority;
		c->n++;
	}
out:
	free(pol);
	return err;
}

static int cert_cn(const char *path, char *cn, size_t n)
{
	FILE *f = fopen(path, "r");
	X509 *x = NULL;
	int err;

	if (f) {
		x = PEM_read_X509(f, NULL, NULL, NULL);
		fclose(f);
	}
	err = x ? ca_cert_cn(x, cn, n) : -EINVAL;
	X509_free(x);
	ERR_clear_error();
	return err;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int policy_file(const struct dirent *d)
{
	size_t l = strlen(d->d_name);

	return l > 12 && !strcmp(d->d_name + l - 12, "-policy.json");
}

int enrolled_gateway(struct vpnfod_conf *c, struct enrolled *e,
		     const char *dir)
{
	struct dirent **list = NULL;
	int i, n, err = 0;

	memset(c, 0, sizeof(*c));
	snprintf(c->file, sizeof(c->file), "%s", dir);
	e->gateway = true;
	n = scandir(dir, &list, policy_file, by_name);
	if (n < 0)
		return fail(c, "%s: %s", dir, strerror(errno));
	if (!n)
		err = fail(c, "%s: no GROUP-policy.json (not a `vpnfo-pki "
			   "gateway export` directory?)", dir);
	for (i = 0; i < n && !err; i++) {
		char group[256], path[PATH_MAX], cn[64];
		struct sbuf b = { 0 };

		snprintf(group, sizeof(group), "%.*s",
			 (int)(strlen(list[i]->d_name) - 12),
			 list[i]->d_name);
		snprintf(path, sizeof(path), "%s/%s.crt", dir, group);
		if (cert_cn(path, cn, sizeof(cn))) {
			err = fail(c, "%s: cannot read the gateway "
				   "certificate's CN", path);
			break;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name);
		err = file_read(path, 1 << 20, &b);
		if (!err)
			err = sbuf_add(&b, "", 1);
		if (err)
			fail(c, "%s: %s", path, strerror(-err));
		else
			err = enrolled_gateway_group(c, e, dir, group, cn,
						     b.data);
		sbuf_free(&b);
	}
	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
	return err;
}

int enrolled_load(struct vpnfod_conf *c, struct enrolled *e, const char *dir,
		  const char *opts, bool gateway)
{
	int err = 0;

	enrolled_init(e);
	memset(c, 0, sizeof(*c));
	if (opts)
		err = enrolled_opts_load(e, c, opts);
	if (!err)
		err = gateway ? enrolled_gateway(c, e, dir) :
				enrolled_client(c, e, dir);
	return err;
}
