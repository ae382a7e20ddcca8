// SPDX-License-Identifier: GPL-2.0
/*
 * The IKE SA state machine (RFC 7296): IKE_SA_INIT, IKE_AUTH with the first
 * CHILD SA, INFORMATIONAL; retransmission with back-off; a message-ID
 * window of one. A message that does not parse or authenticate is dropped
 * and counted; it never tears down a healthy SA.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/crypto.h>
#include <openssl/x509v3.h>

#include "sa_priv.h"
#include "lib/log.h"

#define NONCE_LEN	IKE_NONCE_LEN
#define BUF_LEN		IKE_BUF_LEN
/* A responder's half-open SA without IKE_AUTH is forgotten after this. */
#define HALF_OPEN_MS	30000

struct ike_stats ike_stats;

uint64_t ike_sa_now(const struct ike_sa *sa)
{
	return sa->env->now_ms(sa->env->ctx);
}

void ike_sa_fail(struct ike_sa *sa, int err, uint16_t notify,
		 const char *why)
{
	log_info("%s: IKE SA %016llx failed: %s (notify %u)", sa->conf->name,
		 (unsigned long long)sa->spi_i, why, notify);
	ike_child_remove(sa, &sa->child);
	ike_rekey_cleanup(sa);
	sa->error = err;
	sa->error_notify = notify;
	sa->state = IKE_S_DEAD;
	sa->req_pending = false;
}

int ike_sa_new(struct ike_sa **sap, const struct ike_conf *conf,
	       const struct ike_env *env, bool initiator,
	       const struct ike_addr *local, const struct ike_addr *remote)
{
	struct ike_sa *sa = calloc(1, sizeof(*sa));

	if (!sa)
		return -ENOMEM;
	sa->conf = conf;
	sa->env = env;
	sa->initiator = initiator;
	sa->local = *local;
	sa->remote = *remote;
	sa->state = IKE_S_IDLE;
	sa->last_rx_ms = ike_sa_now(sa);
	if (initiator) {
		do {
			if (ike_random(&sa->spi_i, sizeof(sa->spi_i))) {
				free(sa);
				return -EIO;
			}
		} while (!sa->spi_i);
	}
	*sap = sa;
	return 0;
}

void ike_sa_free(struct ike_sa *sa)
{
	if (!sa)
		return;
	ike_child_remove(sa, &sa->child);
	ike_rekey_cleanup(sa);
	ike_dh_free(&sa->dh);
	X509_free(sa->peer_cert);
	free(sa->init_i);
	free(sa->init_r);
	free(sa->req);
	free(sa->resp);
	ike_wipe(sa, sizeof(*sa));
	free(sa);
}

static void sa_hdr(const struct ike_sa *sa, struct ike_hdr *h, uint8_t exch,
		   bool response, uint32_t msgid)
{
	memset(h, 0, sizeof(*h));
	h->spi_i = sa->spi_i;
	h->spi_r = sa->spi_r;
	h->exch = exch;
	h->flags = (sa->initiator ? IKE_FLAG_I : 0) |
		   (response ? IKE_FLAG_R : 0);
	h->msgid = msgid;
}

static int keep_copy(uint8_t **dst, size_t *dlen, const uint8_t *p, size_t n)
{
	uint8_t *c = malloc(n);

	if (!c)
		return -ENOMEM;
	memcpy(c, p, n);
	free(*dst);
	*dst = c;
	*dlen = n;
	return 0;
}

static int send_request(struct ike_sa *sa, const uint8_t *msg, size_t len)
{
	int err = keep_copy(&sa->req, &sa->req_len, msg, len);

	if (err)
		return err;
	sa->req_pending = true;
	sa->req_sends = 1;
	sa->req_deadline = ike_sa_now(sa) + sa->conf->retrans_base_ms;
	return sa->env->send(sa->env->ctx, sa, msg, len);
}

static int send_response(struct ike_sa *sa, const uint8_t *msg, size_t len)
{
	int err = keep_copy(&sa->resp, &sa->resp_len, msg, len);

	if (err)
		return err;
	sa->msgid_in++;
	return sa->env->send(sa->env->ctx, sa, msg, len);
}

int ike_send_sk(struct ike_sa *sa, uint8_t exch, bool response,
		const struct ike_bld *inner)
{
	uint8_t *out = malloc(BUF_LEN);
	struct ike_bld b;
	struct ike_hdr h;
	size_t s;
	int len, err;

	if (!out)
		return -ENOMEM;
	if (inner->w.err) {
		err = inner->w.err;
		goto out;
	}
	sa_hdr(sa, &h, exch, response,
	       response ? sa->msgid_in : sa->msgid_out);
	ike_bld_init(&b, out, BUF_LEN);
	ike_bld_hdr(&b, &h);
	s = ike_pl_begin(&b, IKE_PL_SK);
	if (b.w.err) {
		err = b.w.err;
		goto out;
	}
	out[s] = inner->first;
	len = ike_sk_seal(&sa->suite, sa->initiator ? sa->sk_ei : sa->sk_er,
			  sa->initiator ? sa->sk_ai : sa->sk_ar, out, b.w.len,
			  inner->w.p, inner->w.len, BUF_LEN);
	if (len < 0) {
		err = len;
		goto out;
	}
	err = response ? send_response(sa, out, len) :
			 send_request(sa, out, len);
out:
	free(out);
	return err;
}

/* NAT detection hash: SHA-1(SPIi | SPIr | IP | port), RFC 7296 2.23. */
static int natd_hash(uint64_t spi_i, uint64_t spi_r, const struct ike_addr *a,
		     uint8_t out[20])
{
	uint8_t buf[16 + 16 + 2];
	struct ike_wr w;
	size_t alen = a->ip.family == AF_INET ? 4 : 16;

	ike_wr_init(&w, buf, sizeof(buf));
	ike_wr_u64(&w, spi_i);
	ike_wr_u64(&w, spi_r);
	ike_wr_bytes(&w, a->ip.a, alen);
	ike_wr_u16(&w, a->port);
	return ike_sha1(buf, w.len, out);
}

static void pl_natd(struct ike_sa *sa, struct ike_bld *b)
{
	uint8_t h[20];

	natd_hash(sa->spi_i, sa->spi_r, &sa->local, h);
	ike_pl_notify(b, 0, NULL, 0, IKE_N_NAT_DETECTION_SOURCE_IP, h, 20);
	natd_hash(sa->spi_i, sa->spi_r, &sa->remote, h);
	ike_pl_notify(b, 0, NULL, 0, IKE_N_NAT_DETECTION_DESTINATION_IP, h,
		      20);
}

static void pl_sighash(struct ike_bld *b)
{
	static const uint8_t algs[] = { 0, 2, 0, 3, 0, 4 }; /* SHA2-256..512 */

	ike_pl_notify(b, 0, NULL, 0, IKE_N_SIGNATURE_HASH_ALGORITHMS, algs,
		      sizeof(algs));
}

static void natd_check(struct ike_sa *sa, const struct ike_pls *p,
		       uint64_t spi_r)
{
	uint8_t h[20];
	unsigned int i;
	bool src_seen = false, src_ok = false, dst_seen = false;
	bool dst_ok = false;

	for (i = 0; i < p->nn; i++) {
		const struct ike_notify_pl *n = &p->n[i];

		if (n->len != 20)
			continue;
		if (n->type == IKE_N_NAT_DETECTION_SOURCE_IP) {
			src_seen = true;
			natd_hash(sa->spi_i, spi_r, &sa->remote, h);
			src_ok |= !memcmp(h, n->data, 20);
		} else if (n->type == IKE_N_NAT_DETECTION_DESTINATION_IP) {
			dst_seen = true;
			natd_hash(sa->spi_i, spi_r, &sa->local, h);
			dst_ok |= !memcmp(h, n->data, 20);
		}
	}
	sa->nat_remote = src_seen && !src_ok;
	sa->nat_local = dst_seen && !dst_ok;
	if (sa->nat_local || sa->nat_remote)
		log_info("%s: NAT detected (%s)", sa->conf->name,
			 sa->nat_local ? "in front of us" : "in front of peer");
}

int ike_derive_ike_keys(struct ike_sa *sa, const uint8_t *gir, size_t glen,
			const uint8_t *old_skd, uint16_t old_prf)
{
	const struct ike_suite *s = &sa->suite;
	size_t hl = ike_prf_len(s->prf), al = ike_integ_keylen(s->integ);
	size_t el = ike_encr_keylen(s->encr, s->keybits);
	uint8_t key[128], seed[128 + 16], skeyseed[IKE_HASH_MAX];
	uint8_t km[7 * IKE_KEY_MAX], *k = km;
	uint8_t data[IKE_DH_PUB_MAX + 128];
	size_t kl = sa->ni_len + sa->nr_len;
	size_t sl = old_skd ? ike_prf_len(old_prf) : hl;
	struct ike_wr w;
	int err;

	if (!hl || !el || el > IKE_KEY_MAX || !sl || glen > IKE_DH_PUB_MAX)
		return -EOPNOTSUPP;
	memcpy(key, sa->ni, sa->ni_len);
	memcpy(key + sa->ni_len, sa->nr, sa->nr_len);
	if (old_skd) {
		memcpy(data, gir, glen);
		memcpy(data + glen, key, kl);
		err = ike_prf(old_prf, old_skd, sl, data, glen + kl, skeyseed);
		ike_wipe(data, sizeof(data));
	} else {
		err = ike_prf(s->prf, key, kl, gir, glen, skeyseed);
	}
	if (err)
		return err;
	ike_wr_init(&w, seed, sizeof(seed));
	ike_wr_bytes(&w, key, kl);
	ike_wr_u64(&w, sa->spi_i);
	ike_wr_u64(&w, sa->spi_r);
	err = ike_prfplus(s->prf, skeyseed, sl, seed, w.len, km,
			  3 * hl + 2 * al + 2 * el);
	if (err)
		goto out;
	memcpy(sa->sk_d, k, hl), k += hl;
	memcpy(sa->sk_ai, k, al), k += al;
	memcpy(sa->sk_ar, k, al), k += al;
	memcpy(sa->sk_ei, k, el), k += el;
	memcpy(sa->sk_er, k, el), k += el;
	memcpy(sa->sk_pi, k, hl), k += hl;
	memcpy(sa->sk_pr, k, hl);
out:
	ike_wipe(skeyseed, sizeof(skeyseed));
	ike_wipe(km, sizeof(km));
	ike_wipe(key, sizeof(key));
	return err;
}

int ike_derive_child_keys(const struct ike_sa *sa, struct ike_child *c,
			  bool we_init, const uint8_t *gir, size_t glen,
			  const uint8_t *ni, size_t nil, const uint8_t *nr,
			  size_t nrl)
{
	size_t el = ike_encr_keylen(c->algs.encr, c->algs.keybits);
	size_t al = c->algs.integ ? ike_integ_keylen(c->algs.integ) : 0;
	uint8_t seed[IKE_DH_PUB_MAX + 2 * IKE_NONCE_MAX], km[4 * IKE_KEY_MAX];
	uint8_t *ei = km, *ai = km + el, *er = ai + al, *ar = er + el;
	int err;

	if (!el || glen > IKE_DH_PUB_MAX || nil > IKE_NONCE_MAX ||
	    nrl > IKE_NONCE_MAX)
		return -EOPNOTSUPP;
	if (glen)
		memcpy(seed, gir, glen);
	memcpy(seed + glen, ni, nil);
	memcpy(seed + glen + nil, nr, nrl);
	err = ike_prfplus(sa->suite.prf, sa->sk_d,
			  ike_prf_len(sa->suite.prf), seed, glen + nil + nrl,
			  km, 2 * (el + al));
	ike_wipe(seed, sizeof(seed));
	if (err)
		return err;
	memcpy(we_init ? c->ek_out : c->ek_in, ei, el);
	memcpy(we_init ? c->ak_out : c->ak_in, ai, al);
	memcpy(we_init ? c->ek_in : c->ek_out, er, el);
	memcpy(we_init ? c->ak_in : c->ak_out, ar, al);
	ike_wipe(km, sizeof(km));
	return 0;
}

int ike_new_spi32(uint32_t *spi)
{
	do {
		if (ike_random(spi, sizeof(*spi)))
			return -EIO;
	} while (*spi < 256);	/* 1..255 are reserved by IANA */
	return 0;
}

/* IKE_SA_INIT, initiator side. */

static int init_send(struct ike_sa *sa)
{
	uint8_t *out = malloc(BUF_LEN);
	struct ike_sa_pl prop;
	struct ike_bld b;
	struct ike_hdr h;
	int len, err;

	if (!out)
		return -ENOMEM;
	sa_hdr(sa, &h, IKE_SA_INIT, false, 0);
	ike_bld_init(&b, out, BUF_LEN);
	ike_bld_hdr(&b, &h);
	if (sa->cookie_len)
		ike_pl_notify(&b, 0, NULL, 0, IKE_N_COOKIE, sa->cookie,
			      sa->cookie_len);
	ike_prop_build(&prop, sa->conf->ike, sa->conf->n_ike, IKE_PROTO_IKE,
		       NULL, 0, sa->conf->dh, sa->conf->n_dh);
	ike_pl_sa(&b, &prop);
	ike_pl_ke(&b, sa->dh.group, sa->dh.pub, sa->dh.publen);
	ike_pl_blob(&b, IKE_PL_NONCE, sa->ni, sa->ni_len);
	pl_natd(sa, &b);
	pl_sighash(&b);
	len = ike_bld_finish(&b);
	if (len < 0) {
		err = len;
		goto out;
	}
	err = keep_copy(&sa->init_i, &sa->init_i_len, out, len);
	if (!err)
		err = send_request(sa, out, len);
out:
	free(out);
	return err;
}

int ike_sa_initiate(struct ike_sa *sa)
{
	int err;

	if (!sa->initiator || sa->state != IKE_S_IDLE || !sa->conf->n_dh)
		return -EINVAL;
	sa->dh_group = sa->conf->dh[0];
	err = ike_dh_new(&sa->dh, sa->dh_group);
	if (err)
		return err;
	sa->ni_len = NONCE_LEN;
	if (ike_random(sa->ni, sa->ni_len))
		return -EIO;
	sa->state = IKE_S_INIT_SENT;
	log_info("%s: initiating IKE SA %016llx, DH group %u", sa->conf->name,
		 (unsigned long long)sa->spi_i, sa->dh_group);
	return init_send(sa);
}

static int our_id(const struct ike_sa *sa, uint8_t *buf, size_t cap,
		  size_t *len)
{
	X509_NAME *n = X509_get_subject_name(sa->conf->cred.cert);
	int l = i2d_X509_NAME(n, NULL);
	uint8_t *p = buf;

	if (l <= 0 || (size_t)l > cap)
		return -EINVAL;
	i2d_X509_NAME(n, &p);
	*len = (size_t)l;
	return 0;
}

/*
 * The octets an AUTH signs (2.15): the sender's IKE_SA_INIT message, the
 * other side's nonce, prf(SK_p, the sender's ID payload body).
 */
static int auth_octets(const struct ike_sa *sa, bool of_initiator,
		       const uint8_t *id_body, size_t id_len, uint8_t **out,
		       size_t *olen)
{
	const uint8_t *msg = of_initiator ? sa->init_i : sa->init_r;
	size_t mlen = of_initiator ? sa->init_i_len : sa->init_r_len;
	const uint8_t *nonce = of_initiator ? sa->nr : sa->ni;
	size_t nlen = of_initiator ? sa->nr_len : sa->ni_len;
	size_t hl = ike_prf_len(sa->suite.prf);
	uint8_t *p;
	int err;

	if (!msg)
		return -EINVAL;
	p = malloc(mlen + nlen + hl);
	if (!p)
		return -ENOMEM;
	memcpy(p, msg, mlen);
	memcpy(p + mlen, nonce, nlen);
	err = ike_prf(sa->suite.prf, of_initiator ? sa->sk_pi : sa->sk_pr, hl,
		      id_body, id_len, p + mlen + nlen);
	if (err) {
		free(p);
		return err;
	}
	*out = p;
	*olen = mlen + nlen + hl;
	return 0;
}

/* IDx, CERT, AUTH (and CERTREQ) of our side, into an inner chain. */
static int pl_identity(struct ike_sa *sa, struct ike_bld *b)
{
	uint8_t idb[4 + 1024], *der = NULL, *oct = NULL, auth[1024];
	size_t idlen, olen, alen = sizeof(auth);
	int dlen, err;

	memset(idb, 0, 4);
	idb[0] = IKE_ID_DER_ASN1_DN;
	err = our_id(sa, idb + 4, sizeof(idb) - 4, &idlen);
	if (err)
		return err;
	ike_pl_blob(b, sa->initiator ? IKE_PL_IDI : IKE_PL_IDR, idb,
		    idlen + 4);
	dlen = i2d_X509(sa->conf->cred.cert, &der);
	if (dlen <= 0)
		return -EINVAL;
	ike_pl_cert(b, IKE_PL_CERT, IKE_CERT_X509_SIG, der, dlen);
	OPENSSL_free(der);
	if (sa->initiator)
		ike_pl_cert(b, IKE_PL_CERTREQ, IKE_CERT_X509_SIG,
			    sa->conf->cred.ca_keyid, 20);
	err = auth_octets(sa, sa->initiator, idb, idlen + 4, &oct, &olen);
	if (err)
		return err;
	err = ike_sig_sign(sa->conf->cred.key, oct, olen, auth, &alen);
	free(oct);
	if (err)
		return err;
	ike_pl_auth(b, IKE_AUTH_DIGSIG, auth, alen);
	return 0;
}

static int auth_send(struct ike_sa *sa)
{
	uint8_t *inner = malloc(BUF_LEN), spi[4];
	struct ike_sa_pl prop;
	struct ike_bld b;
	int err;

	if (!inner)
		return -ENOMEM;
	ike_bld_init(&b, inner, BUF_LEN);
	err = pl_identity(sa, &b);
	if (err)
		goto out;
	ike_pl_notify(&b, 0, NULL, 0, IKE_N_INITIAL_CONTACT, NULL, 0);
	err = ike_new_spi32(&sa->child.spi_in);
	if (err)
		goto out;
	spi[0] = sa->child.spi_in >> 24;
	spi[1] = sa->child.spi_in >> 16;
	spi[2] = sa->child.spi_in >> 8;
	spi[3] = sa->child.spi_in;
	ike_prop_build(&prop, sa->conf->esp, sa->conf->n_esp, IKE_PROTO_ESP,
		       spi, 4, NULL, 0);
	ike_pl_sa(&b, &prop);
	ike_pl_ts(&b, IKE_PL_TSI, &sa->conf->ts_local);
	ike_pl_ts(&b, IKE_PL_TSR, &sa->conf->ts_remote);
	sa->msgid_out = 1;
	err = ike_send_sk(sa, IKE_AUTH, false, &b);
	if (!err)
		sa->state = IKE_S_AUTH_SENT;
out:
	free(inner);
	return err;
}

static bool dh_configured(const struct ike_conf *cf, uint16_t g)
{
	unsigned int i;

	for (i = 0; i < cf->n_dh; i++)
		if (cf->dh[i] == g)
			return true;
	return false;
}

static int init_response(struct ike_sa *sa, const struct ike_hdr *h,
			 const uint8_t *msg, size_t len,
			 const struct ike_pls *p)
{
	const struct ike_notify_pl *n;
	struct ike_algs algs;
	uint16_t group = sa->dh_group;
	uint8_t gir[IKE_DH_PUB_MAX];
	size_t glen = sizeof(gir);
	int err;

	n = ike_pls_notify(p, IKE_N_COOKIE);
	if (n && n->len >= 1 && n->len <= sizeof(sa->cookie)) {
		memcpy(sa->cookie, n->data, n->len);
		sa->cookie_len = n->len;
		log_debug("%s: responder asks for a cookie", sa->conf->name);
		return init_send(sa);
	}
	n = ike_pls_notify(p, IKE_N_INVALID_KE_PAYLOAD);
	if (n) {
		uint16_t want = n->len == 2 ? (uint16_t)(n->data[0] << 8 |
							 n->data[1]) : 0;

		if (!dh_configured(sa->conf, want) || want == sa->dh_group ||
		    !ike_dh_supported(want)) {
			ike_sa_fail(sa, -ENOPROTOOPT, IKE_N_INVALID_KE_PAYLOAD,
				"responder wants an unconfigured DH group");
			return 0;
		}
		log_info("%s: responder wants DH group %u, retrying",
			 sa->conf->name, want);
		ike_dh_free(&sa->dh);
		sa->dh_group = want;
		err = ike_dh_new(&sa->dh, want);
		return err ? err : init_send(sa);
	}
	n = ike_pls_error(p);
	if (n) {
		ike_sa_fail(sa, -ECONNREFUSED, n->type, "IKE_SA_INIT refused");
		return 0;
	}
	if (!p->has_sa || !p->has_ke || !p->has_nonce || !h->spi_r ||
	    p->sa.np != 1)
		return -EBADMSG;
	if (ike_prop_select(&p->sa, IKE_PROTO_IKE, sa->conf->ike,
			    sa->conf->n_ike, sa->conf->dh, sa->conf->n_dh,
			    &algs, &group) < 0 || group != sa->dh_group ||
	    p->ke_group != sa->dh_group) {
		ike_sa_fail(sa, -ENOPROTOOPT, IKE_N_NO_PROPOSAL_CHOSEN,
			"responder chose a proposal we did not offer");
		return 0;
	}
	sa->suite = (struct ike_suite){ algs.encr, algs.keybits, algs.integ,
					algs.prf, group };
	sa->spi_r = h->spi_r;
	if (p->nonce.len > sizeof(sa->nr))
		return -EBADMSG;
	memcpy(sa->nr, p->nonce.p, p->nonce.len);
	sa->nr_len = p->nonce.len;
	err = ike_dh_derive(&sa->dh, p->ke.p, p->ke.len, gir, &glen);
	if (err)
		return err;
	err = keep_copy(&sa->init_r, &sa->init_r_len, msg, len);
	if (!err)
		err = ike_derive_ike_keys(sa, gir, glen, NULL, 0);
	ike_wipe(gir, sizeof(gir));
	if (err)
		return err;
	natd_check(sa, p, h->spi_r);
	sa->peer_sig_hash = ike_pls_notify(p, IKE_N_SIGNATURE_HASH_ALGORITHMS);
	sa->req_pending = false;
	return auth_send(sa);
}

/* Peer's certificate against the group CA, its ID, then its AUTH. */
static int peer_verify(struct ike_sa *sa, const struct ike_pls *p,
		       bool of_initiator)
{
	const struct ike_blob *id = of_initiator ? &p->idi : &p->idr;
	const struct ike_blob *body = of_initiator ? &p->idi_body :
						     &p->idr_body;
	uint8_t id_type = of_initiator ? p->idi_type : p->idr_type;
	const char *rid = sa->conf->remote_id;
	X509_STORE_CTX *ctx = NULL;
	const uint8_t *q;
	X509 *cert = NULL;
	uint8_t *oct = NULL;
	size_t olen;
	int err = -EACCES, ok = 0;

	if (!p->ncert || p->cert_enc[0] != IKE_CERT_X509_SIG ||
	    !p->has_auth)
		return -EACCES;
	q = p->cert[0].p;
	cert = d2i_X509(NULL, &q, (long)p->cert[0].len);
	if (!cert || q != p->cert[0].p + p->cert[0].len)
		goto out;
	ctx = X509_STORE_CTX_new();
	if (!ctx || !X509_STORE_CTX_init(ctx, sa->conf->cred.trust, cert,
					 NULL))
		goto out;
	if (X509_verify_cert(ctx) != 1) {
		log_info("%s: peer certificate refused: %s", sa->conf->name,
			 X509_verify_cert_error_string(
				 X509_STORE_CTX_get_error(ctx)));
		goto out;
	}
	switch (id_type) {
	case IKE_ID_DER_ASN1_DN: {
		X509_NAME *n;

		q = id->p;
		n = d2i_X509_NAME(NULL, &q, (long)id->len);
		ok = n && q == id->p + id->len &&
		     !X509_NAME_cmp(n, X509_get_subject_name(cert));
		X509_NAME_free(n);
		break;
	}
	case IKE_ID_FQDN:
		ok = X509_check_host(cert, (const char *)id->p, id->len, 0,
				     NULL) == 1;
		break;
	case IKE_ID_RFC822:
		ok = X509_check_email(cert, (const char *)id->p, id->len,
				      0) == 1;
		break;
	case IKE_ID_IPV4:
	case IKE_ID_IPV6:
		ok = X509_check_ip(cert, id->p, id->len, 0) == 1;
		break;
	}
	if (!ok) {
		log_info("%s: peer ID (type %u) not in its certificate",
			 sa->conf->name, id_type);
		goto out;
	}
	if (rid[0] && (strchr(rid, '@') ?
		       X509_check_email(cert, rid, 0, 0) :
		       X509_check_host(cert, rid, 0, 0, NULL)) != 1) {
		log_info("%s: peer is not \"%s\"", sa->conf->name, rid);
		goto out;
	}
	if (p->auth_method != IKE_AUTH_DIGSIG) {
		log_info("%s: AUTH method %u refused (RFC 7427 only)",
			 sa->conf->name, p->auth_method);
		goto out;
	}
	err = auth_octets(sa, of_initiator, body->p, body->len, &oct, &olen);
	if (err)
		goto out;
	err = ike_sig_verify(X509_get0_pubkey(cert), p->auth.p, p->auth.len,
			     oct, olen);
	if (err) {
		log_info("%s: peer AUTH does not verify (%d)", sa->conf->name,
			 err);
		err = -EACCES;
		goto out;
	}
	X509_free(sa->peer_cert);
	sa->peer_cert = cert;
	cert = NULL;
out:
	free(oct);
	X509_STORE_CTX_free(ctx);
	X509_free(cert);
	return err;
}

uint32_t ike_spi32_of(const struct ike_prop *pr)
{
	return ike_get_u32(pr->spi);
}

static int child_up(struct ike_sa *sa)
{
	int err = ike_derive_child_keys(sa, &sa->child, sa->initiator, NULL,
					0, sa->ni, sa->ni_len, sa->nr,
					sa->nr_len);

	sa->child.rekey_at = ike_rekey_time(sa, sa->conf->child_rekey_ms);
	if (!err)
		err = ike_child_install(sa, &sa->child);
	if (err)
		log_info("%s: CHILD SA install failed: %s", sa->conf->name,
			 strerror(-err));
	return err;
}

static void established(struct ike_sa *sa)
{
	sa->state = IKE_S_ESTABLISHED;
	sa->ike_rekey_at = ike_rekey_time(sa, sa->conf->ike_rekey_ms);
	log_info("%s: IKE SA %016llx_i %016llx_r established (%s)",
		 sa->conf->name, (unsigned long long)sa->spi_i,
		 (unsigned long long)sa->spi_r,
		 sa->initiator ? "initiator" : "responder");
}

static int auth_response(struct ike_sa *sa, const struct ike_pls *p)
{
	const struct ike_notify_pl *n = ike_pls_error(p);
	struct ike_algs algs;
	int err;

	sa->req_pending = false;
	sa->msgid_out++;
	if (n && (n->type == IKE_N_AUTHENTICATION_FAILED || !p->has_auth)) {
		ike_sa_fail(sa, -EACCES, n->type, "responder refused IKE_AUTH");
		return 0;
	}
	if (!p->has_idr || !p->has_auth) {
		ike_sa_fail(sa, -EBADMSG, 0, "IKE_AUTH reply without IDr/AUTH");
		return 0;
	}
	err = peer_verify(sa, p, false);
	if (err) {
		ike_sa_fail(sa, err, IKE_N_AUTHENTICATION_FAILED,
			"responder authentication failed");
		return 0;
	}
	established(sa);
	if (n) {
		log_info("%s: no CHILD SA: responder says %u", sa->conf->name,
			 n->type);
		return 0;
	}
	if (!p->has_sa || !p->has_tsi || !p->has_tsr || p->sa.np != 1 ||
	    ike_prop_select(&p->sa, IKE_PROTO_ESP, sa->conf->esp,
			    sa->conf->n_esp, NULL, 0, &algs, NULL) < 0 ||
	    !ike_ts_subset(&p->tsi, &sa->conf->ts_local) ||
	    !ike_ts_subset(&p->tsr, &sa->conf->ts_remote)) {
		log_info("%s: CHILD SA reply outside what we proposed",
			 sa->conf->name);
		return ike_sa_delete(sa);
	}
	sa->child.algs = algs;
	sa->child.spi_out = ike_spi32_of(&p->sa.p[0]);
	sa->child.ts_l = p->tsi;
	sa->child.ts_r = p->tsr;
	err = child_up(sa);
	return err ? ike_sa_delete(sa) : 0;
}

/* Responder side. */

static int init_reply_error(struct ike_sa *sa, const struct ike_hdr *h,
			    uint16_t type, const uint8_t *data, size_t n)
{
	uint8_t out[128];
	struct ike_bld b;
	struct ike_hdr rh = *h;
	int len;

	rh.spi_r = 0;
	rh.flags = IKE_FLAG_R;
	ike_bld_init(&b, out, sizeof(out));
	ike_bld_hdr(&b, &rh);
	ike_pl_notify(&b, 0, NULL, 0, type, data, n);
	len = ike_bld_finish(&b);
	if (len < 0)
		return len;
	/* Stateless (2.6, 1.2): the SA is forgotten after this reply. */
	sa->state = IKE_S_DEAD;
	sa->error_notify = type;
	return sa->env->send(sa->env->ctx, sa, out, len);
}

/*
 * COOKIE = version | HMAC-SHA256(secret of that version, Ni | IPi | SPIi),
 * first 16 bytes (RFC 7296 2.6).
 */
#define COOKIE_LEN	17

int ike_cookie_rotate(struct ike_env *env)
{
	uint8_t next[sizeof(env->cookie_secret)];

	if (ike_random(next, sizeof(next)))
		return -EIO;
	memcpy(env->cookie_prev, env->cookie_secret, sizeof(next));
	memcpy(env->cookie_secret, next, sizeof(next));
	ike_wipe(next, sizeof(next));
	env->cookie_ver++;
	return 0;
}

static int cookie_make(const struct ike_sa *sa, const struct ike_pls *p,
		       uint64_t spi_i, uint8_t ver, uint8_t out[COOKIE_LEN])
{
	const struct ike_env *env = sa->env;
	uint8_t buf[256 + 16 + 8], mac[IKE_HASH_MAX];
	struct ike_wr w;
	int err;

	ike_wr_init(&w, buf, sizeof(buf));
	ike_wr_bytes(&w, p->nonce.p, p->nonce.len);
	ike_wr_bytes(&w, sa->remote.ip.a,
		     sa->remote.ip.family == AF_INET ? 4 : 16);
	ike_wr_u64(&w, spi_i);
	if (w.err)
		return w.err;
	err = ike_prf(IKE_PRF_HMAC_SHA2_256, ver == env->cookie_ver ?
		      env->cookie_secret : env->cookie_prev,
		      sizeof(env->cookie_secret), buf, w.len, mac);
	out[0] = ver;
	memcpy(out + 1, mac, COOKIE_LEN - 1);
	return err;
}

/* A COOKIE of the current secret, or of the one before. */
static bool cookie_ok(const struct ike_sa *sa, const struct ike_pls *p,
		      uint64_t spi_i, const struct ike_notify_pl *n)
{
	uint8_t want[COOKIE_LEN];
	uint8_t ver = sa->env->cookie_ver;
	bool ok;

	if (!n || n->len != COOKIE_LEN ||
	    (n->data[0] != ver && n->data[0] != (uint8_t)(ver - 1)))
		return false;
	ok = !cookie_make(sa, p, spi_i, n->data[0], want) &&
	     !CRYPTO_memcmp(n->data, want, COOKIE_LEN);
	ike_wipe(want, sizeof(want));
	return ok;
}

/* CERTREQ naming the CA of every group served on this address. */
#define CERTREQ_CAS	8

static void pl_certreq_groups(const struct ike_sa *sa, struct ike_bld *b)
{
	uint8_t ids[20 * CERTREQ_CAS];
	const struct ike_conf *cf;
	size_t n = 0;

	for (cf = sa->conf; cf && n < CERTREQ_CAS; cf = cf->alt)
		memcpy(ids + 20 * n++, cf->cred.ca_keyid, 20);
	ike_pl_cert(b, IKE_PL_CERTREQ, IKE_CERT_X509_SIG, ids, 20 * n);
}

static int init_request(struct ike_sa *sa, const struct ike_hdr *h,
			const uint8_t *msg, size_t len,
			const struct ike_pls *p)
{
	uint8_t *out = NULL, gir[IKE_DH_PUB_MAX];
	size_t glen = sizeof(gir);
	struct ike_sa_pl prop;
	struct ike_algs algs;
	struct ike_bld b;
	struct ike_hdr rh;
	uint16_t group;
	int idx, rlen, err;

	if (!p->has_sa || !p->has_ke || !p->has_nonce || h->spi_r ||
	    h->msgid != 0)
		return -EBADMSG;
	sa->spi_i = h->spi_i;
	if (sa->env->cookie_required &&
	    !cookie_ok(sa, p, h->spi_i, ike_pls_notify(p, IKE_N_COOKIE))) {
		uint8_t want[COOKIE_LEN];

		err = cookie_make(sa, p, h->spi_i, sa->env->cookie_ver, want);
		if (err)
			return err;
		ike_stats.cookies_sent++;
		return init_reply_error(sa, h, IKE_N_COOKIE, want, COOKIE_LEN);
	}
	group = p->ke_group;
	idx = ike_prop_select(&p->sa, IKE_PROTO_IKE, sa->conf->ike,
			      sa->conf->n_ike, sa->conf->dh, sa->conf->n_dh,
			      &algs, &group);
	if (idx < 0)
		return init_reply_error(sa, h, IKE_N_NO_PROPOSAL_CHOSEN,
					NULL, 0);
	if (group != p->ke_group) {
		uint8_t g[2] = { group >> 8, group & 0xff };

		log_debug("%s: initiator's KE is group %u, asking for %u",
			  sa->conf->name, p->ke_group, group);
		return init_reply_error(sa, h, IKE_N_INVALID_KE_PAYLOAD, g, 2);
	}
	sa->suite = (struct ike_suite){ algs.encr, algs.keybits, algs.integ,
					algs.prf, group };
	sa->dh_group = group;
	if (p->nonce.len > sizeof(sa->ni))
		return -EBADMSG;
	memcpy(sa->ni, p->nonce.p, p->nonce.len);
	sa->ni_len = p->nonce.len;
	sa->nr_len = NONCE_LEN;
	do {
		err = ike_random(&sa->spi_r, sizeof(sa->spi_r));
	} while (!err && !sa->spi_r);
	if (!err)
		err = ike_random(sa->nr, sa->nr_len);
	if (!err)
		err = ike_dh_new(&sa->dh, group);
	if (err)
		return err;
	err = ike_dh_derive(&sa->dh, p->ke.p, p->ke.len, gir, &glen);
	if (err) {
		sa->state = IKE_S_DEAD;
		return err;
	}
	err = keep_copy(&sa->init_i, &sa->init_i_len, msg, len);
	if (!err)
		err = ike_derive_ike_keys(sa, gir, glen, NULL, 0);
	ike_wipe(gir, sizeof(gir));
	if (err)
		return err;
	natd_check(sa, p, 0);
	sa->peer_sig_hash = ike_pls_notify(p, IKE_N_SIGNATURE_HASH_ALGORITHMS);

	out = malloc(BUF_LEN);
	if (!out)
		return -ENOMEM;
	sa_hdr(sa, &rh, IKE_SA_INIT, true, 0);
	ike_bld_init(&b, out, BUF_LEN);
	ike_bld_hdr(&b, &rh);
	ike_prop_build(&prop, &algs, 1, IKE_PROTO_IKE, NULL, 0, &group, 1);
	prop.p[0].num = p->sa.p[idx].num;
	ike_pl_sa(&b, &prop);
	ike_pl_ke(&b, group, sa->dh.pub, sa->dh.publen);
	ike_pl_blob(&b, IKE_PL_NONCE, sa->nr, sa->nr_len);
	pl_natd(sa, &b);
	pl_certreq_groups(sa, &b);
	pl_sighash(&b);
	rlen = ike_bld_finish(&b);
	if (rlen < 0) {
		err = rlen;
		goto out;
	}
	err = keep_copy(&sa->init_r, &sa->init_r_len, out, rlen);
	if (err)
		goto out;
	sa->state = IKE_S_INIT_DONE;
	err = send_response(sa, out, rlen);
out:
	free(out);
	return err;
}

void ike_put_u32(uint8_t *b, uint32_t spi)
{
	b[0] = spi >> 24;
	b[1] = spi >> 16;
	b[2] = spi >> 8;
	b[3] = spi;
}

uint32_t ike_get_u32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

/*
 * The group of an initiator: the first on this address whose CA (and
 * identity rules) verify it; it then gives our certificate, ESP proposals,
 * selectors and reqid. Only the IKE suite was chosen by the first group.
 */
static int group_verify(struct ike_sa *sa, const struct ike_pls *p)
{
	const struct ike_conf *head = sa->conf, *cf;

	for (cf = head; cf; cf = cf->alt) {
		sa->conf = cf;
		if (!peer_verify(sa, p, true)) {
			if (cf != head)
				log_info("%s: initiator belongs to group %s",
					 head->name, cf->name);
			return 0;
		}
	}
	sa->conf = head;
	return -EACCES;
}

static int auth_request(struct ike_sa *sa, const struct ike_pls *p)
{
	uint8_t *inner = malloc(BUF_LEN), spi[4];
	struct ike_child *c = &sa->child;
	uint16_t child_err = 0;
	struct ike_sa_pl prop;
	struct ike_bld b;
	int idx = -1, err;

	if (!inner)
		return -ENOMEM;
	ike_bld_init(&b, inner, BUF_LEN);
	if (!p->has_idi || !p->has_auth || group_verify(sa, p)) {
		ike_pl_notify(&b, 0, NULL, 0, IKE_N_AUTHENTICATION_FAILED,
			      NULL, 0);
		err = ike_send_sk(sa, IKE_AUTH, true, &b);
		ike_sa_fail(sa, -EACCES, IKE_N_AUTHENTICATION_FAILED,
			"initiator authentication failed");
		goto out;
	}
	err = pl_identity(sa, &b);
	if (err)
		goto out;
	if (!p->has_sa || !p->has_tsi || !p->has_tsr) {
		child_err = IKE_N_NO_PROPOSAL_CHOSEN;
	} else {
		idx = ike_prop_select(&p->sa, IKE_PROTO_ESP, sa->conf->esp,
				      sa->conf->n_esp, NULL, 0, &c->algs,
				      NULL);
		if (idx < 0)
			child_err = IKE_N_NO_PROPOSAL_CHOSEN;
		else if (ike_ts_narrow(&p->tsi, &sa->conf->ts_remote,
				       &c->ts_r) ||
			 ike_ts_narrow(&p->tsr, &sa->conf->ts_local,
				       &c->ts_l))
			child_err = IKE_N_TS_UNACCEPTABLE;
	}
	if (!child_err) {
		c->spi_out = ike_spi32_of(&p->sa.p[idx]);
		err = ike_new_spi32(&c->spi_in);
		if (err)
			goto out;
		if (child_up(sa))
			child_err = IKE_N_TEMPORARY_FAILURE;
	}
	if (child_err) {
		log_info("%s: no CHILD SA for the initiator (notify %u)",
			 sa->conf->name, child_err);
		ike_pl_notify(&b, 0, NULL, 0, child_err, NULL, 0);
	} else {
		ike_put_u32(spi, c->spi_in);
		ike_prop_build(&prop, &c->algs, 1, IKE_PROTO_ESP, spi, 4,
			       NULL, 0);
		prop.p[0].num = p->sa.p[idx].num;
		ike_pl_sa(&b, &prop);
		ike_pl_ts(&b, IKE_PL_TSI, &c->ts_r);
		ike_pl_ts(&b, IKE_PL_TSR, &c->ts_l);
	}
	err = ike_send_sk(sa, IKE_AUTH, true, &b);
	if (!err)
		established(sa);
out:
	free(inner);
	return err;
}

/* INFORMATIONAL. */

int ike_sa_delete(struct ike_sa *sa)
{
	uint8_t inner[64];
	struct ike_bld b;
	int err;

	if (sa->state != IKE_S_ESTABLISHED || sa->req_pending) {
		ike_sa_fail(sa, -ECONNABORTED, 0, "deleted before established");
		return 0;
	}
	ike_child_remove(sa, &sa->child);
	ike_bld_init(&b, inner, sizeof(inner));
	ike_pl_delete(&b, IKE_PROTO_IKE, 0, NULL, 0);
	err = ike_send_sk(sa, IKE_INFORMATIONAL, false, &b);
	sa->state = IKE_S_DELETING;
	return err;
}

int ike_sa_dpd(struct ike_sa *sa)
{
	uint8_t inner[8];
	struct ike_bld b;

	if (sa->state != IKE_S_ESTABLISHED || sa->req_pending)
		return -EBUSY;
	ike_bld_init(&b, inner, sizeof(inner));
	return ike_send_sk(sa, IKE_INFORMATIONAL, false, &b);
}

static int info_request(struct ike_sa *sa, const struct ike_pls *p)
{
	uint8_t inner[128], spis[4 * (IKE_RETIRED_MAX + 2)];
	struct ike_bld b;
	bool ike_deleted = false;
	unsigned int i, j;
	uint16_t ns = 0;
	int err;

	ike_bld_init(&b, inner, sizeof(inner));
	for (i = 0; i < p->nd; i++) {
		const struct ike_delete_pl *d = &p->d[i];

		if (d->proto == IKE_PROTO_IKE) {
			ike_deleted = true;
			continue;
		}
		for (j = 0; j < d->nspi; j++) {
			uint32_t s = ike_get_u32(d->spis + 4 * j);

			if (d->proto != IKE_PROTO_ESP || d->spi_size != 4 ||
			    ns >= IKE_RETIRED_MAX + 2)
				continue;
			if (ike_rekey_peer_delete(sa, s, spis, &ns))
				continue;
			if (!sa->child.installed || s != sa->child.spi_out)
				continue;
			ike_put_u32(spis + 4 * ns++, sa->child.spi_in);
			ike_child_remove(sa, &sa->child);
		}
	}
	if (ns)
		ike_pl_delete(&b, IKE_PROTO_ESP, 4, spis, ns);
	if (ike_deleted)
		ike_bld_init(&b, inner, sizeof(inner));	/* empty reply */
	err = ike_send_sk(sa, IKE_INFORMATIONAL, true, &b);
	if (ike_deleted) {
		log_info("%s: peer deleted IKE SA %016llx", sa->conf->name,
			 (unsigned long long)sa->spi_i);
		ike_sa_fail(sa, -ECONNRESET, 0, "deleted by peer");
	}
	return err;
}

static int info_response(struct ike_sa *sa, const struct ike_pls *p)
{
	(void)p;
	sa->req_pending = false;
	sa->msgid_out++;
	ike_rekey_delete_done(sa);
	if (sa->state == IKE_S_DELETING) {
		log_info("%s: IKE SA %016llx deleted", sa->conf->name,
			 (unsigned long long)sa->spi_i);
		sa->state = IKE_S_DEAD;
	}
	return 0;
}

int ike_reply_notify(struct ike_sa *sa, uint8_t exch, uint16_t type,
		     const uint8_t *data, size_t n)
{
	uint8_t inner[64];
	struct ike_bld b;

	ike_bld_init(&b, inner, sizeof(inner));
	ike_pl_notify(&b, 0, NULL, 0, type, data, n);
	return ike_send_sk(sa, exch, true, &b);
}

static int dispatch(struct ike_sa *sa, const struct ike_hdr *h,
		    const uint8_t *msg, size_t len, const struct ike_pls *p)
{
	bool resp = h->flags & IKE_FLAG_R;

	switch (h->exch) {
	case IKE_SA_INIT:
		if (!resp && sa->state == IKE_S_IDLE && !sa->initiator)
			return init_request(sa, h, msg, len, p);
		if (resp && sa->state == IKE_S_INIT_SENT)
			return init_response(sa, h, msg, len, p);
		break;
	case IKE_AUTH:
		if (!resp && sa->state == IKE_S_INIT_DONE)
			return auth_request(sa, p);
		if (resp && sa->state == IKE_S_AUTH_SENT)
			return auth_response(sa, p);
		break;
	case IKE_INFORMATIONAL:
		if (sa->state != IKE_S_ESTABLISHED &&
		    sa->state != IKE_S_DELETING)
			break;
		return resp ? info_response(sa, p) : info_request(sa, p);
	case IKE_CREATE_CHILD_SA:
		if (sa->state != IKE_S_ESTABLISHED)
			break;
		return resp ? ike_rekey_response(sa, p) :
			      ike_rekey_request(sa, p);
	default:
		if (!resp && sa->state == IKE_S_ESTABLISHED)
			return ike_reply_notify(sa, h->exch,
					    IKE_N_INVALID_SYNTAX, NULL, 0);
		break;
	}
	ike_stats.rx_unexpected++;
	log_debug("%s: exchange %u (%s) unexpected in state %d, dropped",
		  sa->conf->name, h->exch, resp ? "response" : "request",
		  sa->state);
	return -EPROTO;
}

static int drop(struct ike_sa *sa, uint64_t *counter, int err,
		const char *why)
{
	(*counter)++;
	log_debug("%s: message dropped: %s", sa->conf->name, why);
	return err;
}

int ike_sa_input(struct ike_sa *sa, const uint8_t *msg, size_t len)
{
	return ike_sa_input_from(sa, msg, len, NULL, NULL);
}

/* RFC 7296 §2.23: called only once the message has authenticated. */
static void sa_float_ports(struct ike_sa *sa, const struct ike_addr *from,
			   const struct ike_addr *to)
{
	if (!from || !to || (sa->remote.port == from->port &&
			     sa->local.port == to->port))
		return;
	log_debug("%s: peer moved to port %u", sa->conf->name, from->port);
	sa->remote.port = from->port;
	sa->local.port = to->port;
}

int ike_sa_input_from(struct ike_sa *sa, const uint8_t *msg, size_t len,
		      const struct ike_addr *from, const struct ike_addr *to)
{
	struct ike_chain c, ic;
	struct ike_pls *p = NULL;
	uint8_t *plain = NULL;
	struct ike_hdr h;
	bool resp;
	int err;

	if (ike_hdr_parse(msg, len, &h))
		return drop(sa, &ike_stats.rx_malformed, -EBADMSG, "header");
	resp = h.flags & IKE_FLAG_R;
	if (sa->state == IKE_S_DEAD ||
	    (sa->spi_i && h.spi_i != sa->spi_i) ||
	    (sa->spi_r && h.spi_r != sa->spi_r && h.exch != IKE_SA_INIT) ||
	    !(h.flags & IKE_FLAG_I) != sa->initiator)
		return drop(sa, &ike_stats.rx_unexpected, -EPROTO, "SPI/role");
	if (resp) {
		if (!sa->req_pending || h.msgid != sa->msgid_out ||
		    sa->req_len <= 18 || sa->req[18] != h.exch)
			return drop(sa, &ike_stats.rx_unexpected, -EPROTO,
				    "response to no request of ours");
	} else if (sa->resp && h.msgid + 1 == sa->msgid_in) {
		/* Our response was lost: send it again, do nothing else. */
		ike_stats.retransmits++;
		return sa->env->send(sa->env->ctx, sa, sa->resp,
				     sa->resp_len);
	} else if (h.msgid != sa->msgid_in) {
		return drop(sa, &ike_stats.rx_unexpected, -EPROTO,
			    "message ID outside the window");
	}
	if (ike_chain_parse(h.next, msg + IKE_HDR_LEN, len - IKE_HDR_LEN, &c))
		return drop(sa, &ike_stats.rx_malformed, -EBADMSG, "chain");
	p = malloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	if (h.exch == IKE_SA_INIT) {
		if (c.sk || c.unsupported_critical ||
		    ike_pls_decode(&c, p)) {
			log_debug("%s: IKE_SA_INIT payload %u invalid",
				  sa->conf->name, p->bad_type);
			err = drop(sa, &ike_stats.rx_malformed, -EBADMSG,
				   "IKE_SA_INIT payloads");
			goto out;
		}
	} else {
		size_t body, plen;

		if (!c.sk || sa->state == IKE_S_IDLE ||
		    sa->state == IKE_S_INIT_SENT) {
			err = drop(sa, &ike_stats.rx_unexpected, -EPROTO,
				   "no SK payload or no keys yet");
			goto out;
		}
		body = (size_t)(c.sk->body - msg);
		plain = malloc(len);
		if (!plain) {
			err = -ENOMEM;
			goto out;
		}
		if (ike_sk_open(&sa->suite,
				sa->initiator ? sa->sk_er : sa->sk_ei,
				sa->initiator ? sa->sk_ar : sa->sk_ai, msg, len,
				body, plain, &plen)) {
			err = drop(sa, &ike_stats.rx_icv, -EBADMSG,
				   "SK does not authenticate");
			goto out;
		}
		if (ike_chain_parse(c.sk_next, plain, plen, &ic) ||
		    (!ic.unsupported_critical && ike_pls_decode(&ic, p))) {
			log_debug("%s: inner payload %u invalid", sa->conf->name,
				  p->bad_type);
			err = drop(sa, &ike_stats.rx_malformed, -EBADMSG,
				   "inner payloads");
			goto out;
		}
		if (ic.unsupported_critical) {
			uint8_t t = ic.unsupported_critical;

			ike_stats.rx_malformed++;
			err = resp ? -EPROTO :
			      ike_reply_notify(sa, h.exch,
					   IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD,
					   &t, 1);
			goto out;
		}
		sa_float_ports(sa, from, to);
	}
	sa->last_rx_ms = ike_sa_now(sa);
	err = dispatch(sa, &h, msg, len, p);
out:
	if (plain)
		ike_wipe(plain, len);
	free(plain);
	free(p);
	return err;
}

bool ike_sa_half_open(const struct ike_sa *sa)
{
	return !sa->initiator && (sa->state == IKE_S_IDLE ||
				  sa->state == IKE_S_INIT_DONE);
}

uint64_t ike_sa_tick(struct ike_sa *sa)
{
	const struct ike_conf *cf = sa->conf;
	uint64_t t = ike_sa_now(sa), next;

	if (sa->state == IKE_S_DEAD)
		return UINT64_MAX;
	if (sa->req_pending && t >= sa->req_deadline) {
		if (sa->req_sends >= cf->retrans_tries) {
			ike_sa_fail(sa, -ETIMEDOUT, 0,
				    "peer does not answer, giving up");
			return UINT64_MAX;
		}
		/* Exponential back-off: base, 2 base, 4 base ... */
		sa->req_deadline = t + ((uint64_t)cf->retrans_base_ms
					<< sa->req_sends);
		sa->req_sends++;
		ike_stats.retransmits++;
		log_debug("%s: retransmit %u of message %u", cf->name,
			  sa->req_sends, sa->msgid_out);
		sa->env->send(sa->env->ctx, sa, sa->req, sa->req_len);
	}
	if (ike_sa_half_open(sa)) {
		if (t - sa->last_rx_ms >= HALF_OPEN_MS) {
			ike_sa_fail(sa, -ETIMEDOUT, 0,
				    "half-open: no IKE_AUTH came");
			return UINT64_MAX;
		}
		return sa->last_rx_ms + HALF_OPEN_MS - t;
	}
	next = ike_rekey_tick(sa, t);
	if (sa->state == IKE_S_ESTABLISHED && !sa->req_pending &&
	    !sa->replaced && cf->dpd_ms) {
		if (t - sa->last_rx_ms >= cf->dpd_ms)
			ike_sa_dpd(sa);
		else if (sa->last_rx_ms + cf->dpd_ms - t < next)
			next = sa->last_rx_ms + cf->dpd_ms - t;
	}
	if (sa->req_pending && sa->req_deadline - t < next)
		next = sa->req_deadline > t ? sa->req_deadline - t : 0;
	return next;
}
