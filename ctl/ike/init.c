// SPDX-License-Identifier: GPL-2.0
/*
 * IKE_SA_INIT (RFC 7296 1.2, 2.6, 2.23), both sides: proposals, KE and
 * nonces, NAT detection, COOKIE and INVALID_KE_PAYLOAD answers; the
 * initiator goes on to IKE_AUTH (auth.c).
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"
#include "lib/log.h"

static void pl_sighash(struct ike_bld *b)
{
	static const uint8_t algs[] = { 0, 2, 0, 3, 0, 4 }; /* SHA2-256..512 */

	ike_pl_notify(b, 0, NULL, 0, IKE_N_SIGNATURE_HASH_ALGORITHMS, algs,
		      sizeof(algs));
}

/*
 * The IKE_SA_INIT message built in @b, finished and kept in *@keep: the
 * AUTH payloads sign it (RFC 7296 §2.15). Returns its length or -errno.
 */
static int init_keep(struct ike_bld *b, uint8_t **keep, size_t *keep_len)
{
	int len = ike_bld_finish(b);
	int err;

	if (len < 0)
		return len;
	err = ike_keep_copy(keep, keep_len, b->w.p, (size_t)len);
	return err ? err : len;
}

/* IKE_SA_INIT, initiator side. */

static int init_send(struct ike_sa *sa)
{
	struct ike_sa_pl prop;
	struct ike_bld b;
	struct ike_hdr h;
	int len, err = ike_bld_alloc(&b);

	if (err)
		return err;
	ike_sa_hdr(sa, &h, IKE_SA_INIT, false, 0);
	ike_bld_hdr(&b, &h);
	if (sa->cookie_len)
		ike_pl_notify(&b, 0, NULL, 0, IKE_N_COOKIE, sa->cookie,
			      sa->cookie_len);
	ike_prop_build(&prop, sa->conf->ike, sa->conf->n_ike, IKE_PROTO_IKE,
		       NULL, 0, sa->conf->dh, sa->conf->n_dh);
	ike_pl_sa(&b, &prop);
	ike_pl_ke(&b, sa->dh.group, sa->dh.pub, sa->dh.publen);
	ike_pl_blob(&b, IKE_PL_NONCE, sa->ni, sa->ni_len);
	ike_pl_natd(sa, &b);
	pl_sighash(&b);
	len = init_keep(&b, &sa->init_i, &sa->init_i_len);
	err = len < 0 ? len : ike_send_request(sa, b.w.p, (size_t)len);
	ike_bld_free(&b);
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
	sa->ni_len = IKE_NONCE_LEN;
	if (ike_random(sa->ni, sa->ni_len))
		return -EIO;
	sa->state = IKE_S_INIT_SENT;
	log_info("%s: initiating IKE SA %016llx, DH group %u", sa->conf->name,
		 (unsigned long long)sa->spi_i, sa->dh_group);
	return init_send(sa);
}

/*
 * The peer's IKE_SA_INIT (@msg) taken in once g^ir is known: kept for
 * AUTH (RFC 7296 §2.15), SK_* derived from it (§2.14), NAT detection
 * (§2.23), its RFC 7427 hash announcement. @gir is wiped.
 */
static int init_peer_keys(struct ike_sa *sa, const struct ike_pls *p,
			  const uint8_t *msg, size_t len,
			  uint8_t gir[IKE_DH_PUB_MAX], size_t glen,
			  uint64_t spi_r)
{
	uint8_t **keep = sa->initiator ? &sa->init_r : &sa->init_i;
	size_t *keep_len = sa->initiator ? &sa->init_r_len : &sa->init_i_len;
	int err = ike_keep_copy(keep, keep_len, msg, len);

	if (!err)
		err = ike_derive_ike_keys(sa, gir, glen, NULL, 0);
	ike_wipe(gir, IKE_DH_PUB_MAX);
	if (err)
		return err;
	ike_natd_check(sa, p, spi_r);
	sa->peer_sig_hash = ike_pls_notify(p, IKE_N_SIGNATURE_HASH_ALGORITHMS);
	return 0;
}

static bool dh_configured(const struct ike_conf *cf, uint16_t g)
{
	unsigned int i;

	for (i = 0; i < cf->n_dh; i++)
		if (cf->dh[i] == g)
			return true;
	return false;
}

int ike_init_response(struct ike_sa *sa, const struct ike_hdr *h,
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
	if (!err)
		err = init_peer_keys(sa, p, msg, len, gir, glen, h->spi_r);
	if (err)
		return err;
	sa->req_pending = false;
	return ike_auth_send(sa);
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

/* CERTREQ naming the CA of every group served on this address. */
#define CERTREQ_CAS	8

static void pl_certreq_groups(const struct ike_sa *sa, struct ike_bld *b)
{
	uint8_t ids[IKE_SHA1_LEN * CERTREQ_CAS];
	const struct ike_conf *cf;
	size_t n = 0;

	for (cf = sa->conf; cf && n < CERTREQ_CAS; cf = cf->alt)
		memcpy(ids + IKE_SHA1_LEN * n++, cf->cred.ca_keyid,
		       IKE_SHA1_LEN);
	ike_pl_cert(b, IKE_PL_CERTREQ, IKE_CERT_X509_SIG, ids,
		    IKE_SHA1_LEN * n);
}

int ike_init_request(struct ike_sa *sa, const struct ike_hdr *h,
		     const uint8_t *msg, size_t len,
		     const struct ike_pls *p)
{
	uint8_t gir[IKE_DH_PUB_MAX];
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
	    !ike_cookie_ok(sa, p, h->spi_i, ike_pls_notify(p, IKE_N_COOKIE))) {
		uint8_t want[IKE_COOKIE_LEN];

		err = ike_cookie_make(sa, p, h->spi_i, sa->env->cookie_ver, want);
		if (err)
			return err;
		ike_stats.cookies_sent++;
		return init_reply_error(sa, h, IKE_N_COOKIE, want, IKE_COOKIE_LEN);
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
	sa->nr_len = IKE_NONCE_LEN;
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
	err = init_peer_keys(sa, p, msg, len, gir, glen, 0);
	if (err)
		return err;

	err = ike_bld_alloc(&b);
	if (err)
		return err;
	ike_sa_hdr(sa, &rh, IKE_SA_INIT, true, 0);
	ike_bld_hdr(&b, &rh);
	ike_prop_build(&prop, &algs, 1, IKE_PROTO_IKE, NULL, 0, &group, 1);
	prop.p[0].num = p->sa.p[idx].num;
	ike_pl_sa(&b, &prop);
	ike_pl_ke(&b, group, sa->dh.pub, sa->dh.publen);
	ike_pl_blob(&b, IKE_PL_NONCE, sa->nr, sa->nr_len);
	ike_pl_natd(sa, &b);
	pl_certreq_groups(sa, &b);
	pl_sighash(&b);
	rlen = init_keep(&b, &sa->init_r, &sa->init_r_len);
	if (rlen < 0) {
		err = rlen;
	} else {
		sa->state = IKE_S_INIT_DONE;
		err = ike_send_response(sa, b.w.p, (size_t)rlen);
	}
	ike_bld_free(&b);
	return err;
}
