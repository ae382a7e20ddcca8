// SPDX-License-Identifier: GPL-2.0
/*
 * CREATE_CHILD_SA (RFC 7296 1.3, 2.8): rekeying of the CHILD SA and of the
 * IKE SA, started by either side or by an age limit, always with PFS when
 * we start it; simultaneous rekeying resolved by the lowest nonce (2.8.1,
 * 2.8.2). One CHILD SA per IKE SA: a request for another one is answered
 * NO_ADDITIONAL_SAS.
 *
 * Make before break, so that no packet is lost:
 * - the rekey initiator installs both new SAs (the kernel sends on the
 *   newest) and deletes the old pair, which stays until the delete is
 *   answered: what the peer sent on it still arrives, and no packet that
 *   was routed to the old outbound SA meets it dead;
 * - the rekey responder installs the new inbound SA at once but the new
 *   outbound SA only when the peer deletes the old pair (the peer may not
 *   have installed its new inbound SA before it reads our response).
 */
#include <errno.h>
#include <string.h>

#include <openssl/x509.h>

#include "internal.h"
#include "lib/log.h"

#define REKEY_RETRY_MS		2000	/* after TEMPORARY_FAILURE */
#define REKEY_GIVEUP_MS		30000	/* after a refusal: try again */

uint64_t ike_rekey_time(const struct ike_sa *sa, uint64_t life_ms)
{
	uint32_t r = 0;
	uint64_t spread = life_ms / 10;

	if (!life_ms)
		return 0;
	/* Up to 10 % early, so that both sides rarely start together. */
	ike_random(&r, sizeof(r));
	return ike_sa_now(sa) + life_ms - (spread ? r % spread : 0);
}

static int nonce_cmp(const uint8_t *a, size_t al, const uint8_t *b,
		     size_t bl)
{
	int c = memcmp(a, b, al < bl ? al : bl);

	return c ? c : (al > bl) - (al < bl);
}

static void nonce_min(struct ike_child *c, const uint8_t *a, size_t al,
		      const uint8_t *b, size_t bl)
{
	bool first = nonce_cmp(a, al, b, bl) <= 0;

	c->nmin_len = first ? al : bl;
	memcpy(c->nmin, first ? a : b, c->nmin_len);
}

static void put_u64(uint8_t *b, uint64_t v)
{
	ike_put_u32(b, (uint32_t)(v >> 32));
	ike_put_u32(b + 4, (uint32_t)v);
}

static uint64_t spi64_of(const struct ike_prop *pr)
{
	return (uint64_t)ike_get_u32(pr->spi) << 32 | ike_get_u32(pr->spi + 4);
}

/* One INFORMATIONAL for every replaced CHILD SA we are to delete. */
static bool deletes_flush(struct ike_sa *sa)
{
	uint8_t inner[128], spis[4 * IKE_RETIRED_MAX];
	struct ike_bld b;
	uint16_t n = 0;
	unsigned int i;

	for (i = 0; i < IKE_RETIRED_MAX; i++) {
		struct ike_child *r = &sa->retired[i];

		if (r->fate != IKE_CH_DEL_QUEUED)
			continue;
		ike_put_u32(spis + 4 * n++, r->spi_in);
		r->fate = IKE_CH_DEL_SENT;
	}
	if (!n)
		return false;
	ike_bld_init(&b, inner, sizeof(inner));
	ike_pl_delete(&b, IKE_PROTO_ESP, IKE_SPI_SIZE_ESP, spis, n);
	log_debug("%s: deleting %u replaced CHILD SA(s)", sa->conf->name, n);
	ike_send_sk(sa, IKE_INFORMATIONAL, false, &b);
	return true;
}

/* Our side of a rekey: starting it. */

static int rekey_send(struct ike_sa *sa)
{
	const struct ike_conf *cf = sa->conf;
	struct ike_rekey *rk = &sa->rk;
	uint8_t spi[IKE_SPI_SIZE_IKE];
	struct ike_sa_pl prop;
	struct ike_bld b;
	int err = ike_bld_alloc(&b);

	if (err)
		return err;
	if (rk->kind == IKE_RK_CHILD) {
		ike_put_u32(spi, sa->child.spi_in);
		ike_pl_notify(&b, IKE_PROTO_ESP, spi, IKE_SPI_SIZE_ESP,
			      IKE_N_REKEY_SA, NULL, 0);
		ike_child_prop(&prop, cf->esp, cf->n_esp, rk->child.spi_in,
			       cf->dh, cf->n_dh);
	} else {
		put_u64(spi, rk->spi);
		ike_prop_build(&prop, cf->ike, cf->n_ike, IKE_PROTO_IKE, spi,
			       IKE_SPI_SIZE_IKE, cf->dh, cf->n_dh);
	}
	ike_pl_sa(&b, &prop);
	ike_pl_blob(&b, IKE_PL_NONCE, rk->ni, rk->ni_len);
	ike_pl_ke(&b, rk->dh.group, rk->dh.pub, rk->dh.publen);
	if (rk->kind == IKE_RK_CHILD) {
		ike_pl_ts(&b, IKE_PL_TSI, &sa->child.ts_l);
		ike_pl_ts(&b, IKE_PL_TSR, &sa->child.ts_r);
	}
	err = ike_send_sk(sa, IKE_CREATE_CHILD_SA, false, &b);
	ike_bld_free(&b);
	return err;
}

static int rekey_begin(struct ike_sa *sa, enum ike_rekey_kind kind,
		       uint16_t group)
{
	struct ike_rekey *rk = &sa->rk;
	int err;

	ike_dh_free(&rk->dh);
	ike_wipe(rk, sizeof(*rk));
	rk->kind = kind;
	rk->ni_len = IKE_NONCE_LEN;
	err = ike_random(rk->ni, rk->ni_len);
	if (!err)
		err = ike_dh_new(&rk->dh, group);
	if (!err && kind == IKE_RK_CHILD)
		err = ike_new_spi32(&rk->child.spi_in);
	while (!err && kind == IKE_RK_IKE && !rk->spi)
		err = ike_random(&rk->spi, sizeof(rk->spi));
	if (!err) {
		log_info("%s: rekeying the %s SA (DH group %u)", sa->conf->name,
			 kind == IKE_RK_IKE ? "IKE" : "CHILD", group);
		err = rekey_send(sa);
	}
	if (err) {
		ike_dh_free(&rk->dh);
		ike_wipe(rk, sizeof(*rk));
	}
	return err;
}

/* Gives up this attempt; the same kind of rekey is tried after @retry. */
static void rekey_abort(struct ike_sa *sa, uint64_t retry, const char *why)
{
	struct ike_rekey *rk = &sa->rk;
	uint32_t r = 0;
	uint64_t at;

	/* Spread, so that two sides refused at once do not meet again. */
	ike_random(&r, sizeof(r));
	at = ike_sa_now(sa) + retry + r % retry;

	log_info("%s: %s SA rekey failed: %s", sa->conf->name,
		 rk->kind == IKE_RK_IKE ? "IKE" : "CHILD", why);
	if (rk->kind == IKE_RK_IKE)
		sa->ike_rekey_at = at;
	else if (sa->child.installed)
		sa->child.rekey_at = at;
	ike_child_retire(sa, &rk->child);
	ike_dh_free(&rk->dh);
	ike_wipe(rk, sizeof(*rk));
	/* The peer's rekey of the same CHILD SA (a collision) wins alone. */
	if (sa->peer_child.installed) {
		ike_retire(sa, &sa->child, IKE_CH_PEER_DELETES, false);
		sa->child = sa->peer_child;
		ike_wipe(&sa->peer_child, sizeof(sa->peer_child));
	}
}

int ike_sa_rekey_child(struct ike_sa *sa)
{
	if (sa->state != IKE_S_ESTABLISHED || !sa->child.out_installed)
		return -ENOENT;
	sa->child.rekey_at = ike_sa_now(sa);	/* the next tick starts it */
	return 0;
}

int ike_sa_rekey_ike(struct ike_sa *sa)
{
	if (sa->state != IKE_S_ESTABLISHED || sa->replaced)
		return -ENOENT;
	sa->ike_rekey_at = ike_sa_now(sa);
	return 0;
}

static uint64_t until(uint64_t at, uint64_t now, uint64_t next)
{
	uint64_t w;

	if (!at)
		return next;
	w = at > now ? at - now : 1000;	/* due but blocked: look again */
	return w < next ? w : next;
}

uint64_t ike_rekey_tick(struct ike_sa *sa, uint64_t now)
{
	uint64_t next = UINT64_MAX;
	unsigned int i;
	bool busy;

	if (sa->state != IKE_S_ESTABLISHED)
		return next;
	if (sa->replaced) {
		if (now < sa->replaced_deadline || sa->req_pending)
			return until(sa->replaced_deadline, now, next);
		log_info("%s: peer did not delete the replaced IKE SA %016llx",
			 sa->conf->name, (unsigned long long)sa->spi_i);
		ike_sa_delete(sa);
		return next;
	}
	for (i = 0; i < IKE_RETIRED_MAX; i++) {
		struct ike_child *r = &sa->retired[i];

		if (r->fate != IKE_CH_PEER_DELETES)
			continue;
		if (now < r->deadline) {
			next = until(r->deadline, now, next);
			continue;
		}
		log_info("%s: peer did not delete CHILD SA %08x, we do",
			 sa->conf->name, r->spi_in);
		ike_current_out(sa);
		r->fate = IKE_CH_DEL_QUEUED;
	}
	if (sa->req_pending || deletes_flush(sa))
		return next;
	busy = sa->rk.kind != IKE_RK_NONE || sa->peer_child.installed ||
	       sa->peer_ike;
	if (!busy && sa->child.out_installed && sa->child.rekey_at &&
	    now >= sa->child.rekey_at) {
		if (rekey_begin(sa, IKE_RK_CHILD, sa->dh_group))
			sa->child.rekey_at = now + REKEY_GIVEUP_MS;
		return next;
	}
	if (!busy && !ike_retired_any(sa) && sa->ike_rekey_at &&
	    now >= sa->ike_rekey_at) {
		if (rekey_begin(sa, IKE_RK_IKE, sa->dh_group))
			sa->ike_rekey_at = now + REKEY_GIVEUP_MS;
		return next;
	}
	if (sa->child.out_installed)
		next = until(sa->child.rekey_at, now, next);
	return until(sa->ike_rekey_at, now, next);
}

/* The IKE SA that replaces @sa, keyed from @sa's SK_d (2.18). */
static struct ike_sa *successor(struct ike_sa *sa, bool we_init,
				uint64_t spi_i, uint64_t spi_r,
				const struct ike_algs *a, uint16_t group,
				const uint8_t *gir, size_t glen,
				const uint8_t *ni, size_t nil,
				const uint8_t *nr, size_t nrl)
{
	struct ike_sa *nw;

	if (ike_sa_new(&nw, sa->conf, sa->env, we_init, &sa->local,
		       &sa->remote))
		return NULL;
	nw->spi_i = spi_i;
	nw->spi_r = spi_r;
	nw->suite = (struct ike_suite){ a->encr, a->keybits, a->integ,
					a->prf, group };
	nw->dh_group = group;
	memcpy(nw->ni, ni, nil);
	nw->ni_len = nil;
	memcpy(nw->nr, nr, nrl);
	nw->nr_len = nrl;
	if (ike_derive_ike_keys(nw, gir, glen, sa->sk_d, sa->suite.prf)) {
		ike_sa_free(nw);
		return NULL;
	}
	nw->nat_local = sa->nat_local;
	nw->nat_remote = sa->nat_remote;
	nw->peer_sig_hash = sa->peer_sig_hash;
	if (sa->peer_cert && X509_up_ref(sa->peer_cert))
		nw->peer_cert = sa->peer_cert;
	nw->state = IKE_S_ESTABLISHED;
	nw->ike_rekey_at = ike_rekey_time(nw, sa->conf->ike_rekey_ms);
	log_info("%s: IKE SA %016llx_i %016llx_r replaces %016llx_i (we_init %d)",
		 sa->conf->name, (unsigned long long)spi_i,
		 (unsigned long long)spi_r, (unsigned long long)sa->spi_i, we_init);
	return nw;
}

static int adopt(struct ike_sa *sa, struct ike_sa *nw, bool successor)
{
	if (!sa->env->adopt)
		return -EOPNOTSUPP;
	return sa->env->adopt(sa->env->ctx, sa, nw, successor);
}

/* The CHILD SA in use goes over to the IKE SA that replaces @sa. */
static void children_move(struct ike_sa *sa, struct ike_sa *nw)
{
	nw->child = sa->child;
	ike_wipe(&sa->child, sizeof(sa->child));
}

static int shared_secret(const struct ike_dh *dh, const struct ike_pls *p,
			 uint8_t *gir, size_t *glen)
{
	if (!p->has_ke) {
		*glen = 0;
		return 0;
	}
	if (p->ke_group != dh->group)
		return -EPROTO;
	return ike_dh_derive(dh, p->ke.p, p->ke.len, gir, glen);
}

/* Our CHILD SA rekey was answered. */
static int child_rekey_done(struct ike_sa *sa, const struct ike_pls *p)
{
	const struct ike_conf *cf = sa->conf;
	struct ike_rekey *rk = &sa->rk;
	struct ike_child *c = &rk->child;
	uint8_t gir[IKE_DH_PUB_MAX];
	size_t glen = sizeof(gir);
	uint16_t group = rk->dh.group;
	int err;

	if (ike_child_accept(cf, p, p->has_ke ? cf->dh : NULL,
			     p->has_ke ? cf->n_dh : 0, &group, c) ||
	    (p->has_ke && group != rk->dh.group)) {
		rekey_abort(sa, REKEY_GIVEUP_MS,
			    "reply outside what we proposed");
		return 0;
	}
	err = shared_secret(&rk->dh, p, gir, &glen);
	if (!err)
		err = ike_derive_child_keys(sa, c, true, gir, glen, rk->ni,
					    rk->ni_len, p->nonce.p,
					    p->nonce.len);
	ike_wipe(gir, sizeof(gir));
	if (!err)
		err = ike_child_install(sa, c);
	if (err) {
		rekey_abort(sa, REKEY_GIVEUP_MS, "keys not installed");
		return 0;
	}
	nonce_min(c, rk->ni, rk->ni_len, p->nonce.p, p->nonce.len);
	c->rekey_at = ike_rekey_time(sa, cf->child_rekey_ms);
	ike_stats.child_rekeys++;
	if (sa->peer_child.installed) {
		/* Both rekeyed it: the lowest of four nonces loses (2.8.1). */
		ike_stats.rekey_collisions++;
		if (nonce_cmp(c->nmin, c->nmin_len, sa->peer_nmin,
			      sa->peer_nmin_len) < 0) {
			log_info("%s: rekey collision, the peer's CHILD SA "
				 "stays", sa->conf->name);
			ike_retire(sa, &sa->child, IKE_CH_PEER_DELETES, false);
			sa->child = sa->peer_child;
			ike_retire(sa, c, IKE_CH_DEL_QUEUED, true);
		} else {
			log_info("%s: rekey collision, our CHILD SA stays",
				 sa->conf->name);
			ike_retire(sa, &sa->peer_child, IKE_CH_PEER_DELETES,
				   false);
			ike_retire(sa, &sa->child, IKE_CH_DEL_QUEUED, false);
			sa->child = *c;
		}
		ike_wipe(&sa->peer_child, sizeof(sa->peer_child));
	} else {
		ike_retire(sa, &sa->child, IKE_CH_DEL_QUEUED, false);
		sa->child = *c;
	}
	ike_dh_free(&rk->dh);
	ike_wipe(rk, sizeof(*rk));
	deletes_flush(sa);
	return 0;
}

/* Our IKE SA rekey was answered. */
static int ike_rekey_done(struct ike_sa *sa, const struct ike_pls *p)
{
	const struct ike_conf *cf = sa->conf;
	struct ike_rekey *rk = &sa->rk;
	struct ike_sa *nw, *peer = sa->peer_ike;
	uint8_t gir[IKE_DH_PUB_MAX];
	size_t glen = sizeof(gir);
	struct ike_algs algs;
	uint16_t group = rk->dh.group;
	struct ike_child mine;
	int err;

	if (!p->has_sa || p->sa.np != 1 ||
	    p->sa.p[0].spi_size != IKE_SPI_SIZE_IKE || !p->has_ke ||
	    !spi64_of(&p->sa.p[0]) ||
	    ike_prop_select(&p->sa, IKE_PROTO_IKE, cf->ike, cf->n_ike, cf->dh,
			    cf->n_dh, &algs, &group) < 0 ||
	    group != rk->dh.group) {
		rekey_abort(sa, REKEY_GIVEUP_MS,
			    "reply outside what we proposed");
		return 0;
	}
	err = shared_secret(&rk->dh, p, gir, &glen);
	nw = err ? NULL : successor(sa, true, rk->spi, spi64_of(&p->sa.p[0]),
				    &algs, group, gir, glen, rk->ni,
				    rk->ni_len, p->nonce.p, p->nonce.len);
	ike_wipe(gir, sizeof(gir));
	if (!nw || adopt(sa, nw, false)) {
		ike_sa_free(nw);
		rekey_abort(sa, REKEY_GIVEUP_MS, "new IKE SA not made");
		return 0;
	}
	memset(&mine, 0, sizeof(mine));
	nonce_min(&mine, rk->ni, rk->ni_len, p->nonce.p, p->nonce.len);
	ike_dh_free(&rk->dh);
	ike_wipe(rk, sizeof(*rk));
	ike_stats.ike_rekeys++;
	sa->peer_ike = NULL;
	if (peer && nonce_cmp(mine.nmin, mine.nmin_len, sa->peer_nmin,
			      sa->peer_nmin_len) < 0) {
		/* Ours is redundant (2.8.2): the peer's stays, it deletes us. */
		ike_stats.rekey_collisions++;
		log_info("%s: IKE rekey collision, the peer's IKE SA stays",
			 cf->name);
		children_move(sa, peer);
		adopt(sa, peer, true);
		ike_sa_delete(nw);
		sa->replaced = true;
		sa->replaced_deadline = ike_sa_now(sa) + IKE_PEER_DELETE_WAIT_MS;
		return 0;
	}
	if (peer) {
		ike_stats.rekey_collisions++;
		log_info("%s: IKE rekey collision, our IKE SA stays", cf->name);
		peer->replaced = true;
		peer->replaced_deadline = ike_sa_now(sa) + IKE_PEER_DELETE_WAIT_MS;
	}
	children_move(sa, nw);
	adopt(sa, nw, true);
	return ike_sa_delete(sa);
}

int ike_rekey_response(struct ike_sa *sa, const struct ike_pls *p)
{
	struct ike_rekey *rk = &sa->rk;
	const struct ike_notify_pl *n = ike_pls_error(p);

	sa->req_pending = false;
	sa->msgid_out++;
	if (rk->kind == IKE_RK_NONE)
		return -EPROTO;
	if (n && n->type == IKE_N_INVALID_KE_PAYLOAD && n->len == 2) {
		uint16_t want = (uint16_t)(n->data[0] << 8 | n->data[1]);
		enum ike_rekey_kind kind = rk->kind;
		unsigned int i;

		for (i = 0; i < sa->conf->n_dh; i++)
			if (sa->conf->dh[i] == want && want != rk->dh.group)
				return rekey_begin(sa, kind, want);
	}
	if (n) {
		log_debug("%s: CREATE_CHILD_SA answered with notify %u",
			  sa->conf->name, n->type);
		rekey_abort(sa, n->type == IKE_N_TEMPORARY_FAILURE ?
				REKEY_RETRY_MS : REKEY_GIVEUP_MS,
			    "refused by the peer");
		return 0;
	}
	if (!p->has_nonce || p->nonce.len < IKE_NONCE_LEN_MIN ||
	    p->nonce.len > IKE_NONCE_MAX) {
		rekey_abort(sa, REKEY_GIVEUP_MS, "reply without a valid nonce");
		return 0;
	}
	return rk->kind == IKE_RK_CHILD ? child_rekey_done(sa, p) :
					  ike_rekey_done(sa, p);
}

/* The peer's side of a rekey: answering it. */

static int answer(struct ike_sa *sa, const struct ike_sa_pl *prop,
		  const uint8_t *nr, const struct ike_dh *dh,
		  const struct ike_child *c)
{
	struct ike_bld b;
	int err = ike_bld_alloc(&b);

	if (err)
		return err;
	ike_pl_sa(&b, prop);
	ike_pl_blob(&b, IKE_PL_NONCE, nr, IKE_NONCE_LEN);
	if (dh)
		ike_pl_ke(&b, dh->group, dh->pub, dh->publen);
	if (c) {
		ike_pl_ts(&b, IKE_PL_TSI, &c->ts_r);
		ike_pl_ts(&b, IKE_PL_TSR, &c->ts_l);
	}
	err = ike_send_sk(sa, IKE_CREATE_CHILD_SA, true, &b);
	ike_bld_free(&b);
	return err;
}

static int refuse(struct ike_sa *sa, uint16_t type, uint16_t group)
{
	uint8_t g[2] = { group >> 8, group & 0xff };

	log_debug("%s: CREATE_CHILD_SA refused with notify %u", sa->conf->name,
		  type);
	return ike_reply_notify(sa, IKE_CREATE_CHILD_SA, type, g,
				type == IKE_N_INVALID_KE_PAYLOAD ? 2 : 0);
}

static int child_rekey_answer(struct ike_sa *sa, const struct ike_pls *p,
			      const struct ike_notify_pl *n)
{
	const struct ike_conf *cf = sa->conf;
	uint8_t nr[IKE_NONCE_LEN], gir[IKE_DH_PUB_MAX];
	size_t glen = 0;
	struct ike_child c;
	struct ike_sa_pl prop;
	struct ike_dh dh;
	uint16_t group = 0, refusal;
	bool collision = sa->rk.kind == IKE_RK_CHILD;
	int idx, err;

	if (n->proto != IKE_PROTO_ESP || n->spi_size != IKE_SPI_SIZE_ESP ||
	    !p->has_tsi || !p->has_tsr)
		return refuse(sa, IKE_N_INVALID_SYNTAX, 0);
	if (!sa->child.out_installed ||
	    ike_get_u32(n->spi) != sa->child.spi_out)
		return refuse(sa, IKE_N_CHILD_SA_NOT_FOUND, 0);
	if (sa->rk.kind == IKE_RK_IKE || sa->peer_child.installed ||
	    ike_retired_any(sa))
		return refuse(sa, IKE_N_TEMPORARY_FAILURE, 0);
	memset(&c, 0, sizeof(c));
	/* With a KE, PFS in one of our groups; without, no PFS. */
	refusal = ike_child_choose(cf, p, p->has_ke, &group, &c, &idx);
	if (refusal)
		return refuse(sa, refusal, group);
	memset(&dh, 0, sizeof(dh));
	err = ike_new_spi32(&c.spi_in);
	if (!err)
		err = ike_random(nr, sizeof(nr));
	if (!err && p->has_ke) {
		glen = sizeof(gir);
		err = ike_dh_new(&dh, group);
		if (!err)
			err = shared_secret(&dh, p, gir, &glen);
	}
	if (!err)
		err = ike_derive_child_keys(sa, &c, false, gir, glen,
					    p->nonce.p, p->nonce.len, nr,
					    sizeof(nr));
	ike_wipe(gir, sizeof(gir));
	if (!err)
		err = ike_child_install_in(sa, &c);
	if (err) {
		ike_dh_free(&dh);
		ike_wipe(&c, sizeof(c));
		return refuse(sa, IKE_N_TEMPORARY_FAILURE, 0);
	}
	ike_child_prop(&prop, &c.algs, 1, c.spi_in,
		       p->has_ke ? &group : NULL, p->has_ke);
	prop.p[0].num = p->sa.p[idx].num;
	err = answer(sa, &prop, nr, p->has_ke ? &dh : NULL, &c);
	ike_dh_free(&dh);
	if (err) {
		ike_child_retire(sa, &c);
		ike_wipe(&c, sizeof(c));
		return err;
	}
	nonce_min(&c, p->nonce.p, p->nonce.len, nr, sizeof(nr));
	c.rekey_at = ike_rekey_time(sa, cf->child_rekey_ms);
	ike_stats.child_rekeys++;
	log_info("%s: peer rekeyed CHILD SA %08x: new inbound SPI %08x",
		 cf->name, sa->child.spi_in, c.spi_in);
	if (collision) {
		sa->peer_child = c;
		memcpy(sa->peer_nmin, c.nmin, c.nmin_len);
		sa->peer_nmin_len = c.nmin_len;
	} else {
		ike_retire(sa, &sa->child, IKE_CH_PEER_DELETES, false);
		sa->child = c;
	}
	ike_wipe(&c, sizeof(c));
	return 0;
}

static int ike_rekey_answer(struct ike_sa *sa, const struct ike_pls *p)
{
	const struct ike_conf *cf = sa->conf;
	uint8_t nr[IKE_NONCE_LEN], gir[IKE_DH_PUB_MAX], spi[8];
	size_t glen = sizeof(gir);
	uint16_t group = p->ke_group;
	uint64_t ours = 0;
	struct ike_sa_pl prop;
	struct ike_algs algs;
	struct ike_child mine;
	struct ike_sa *nw = NULL;
	struct ike_dh dh;
	int idx, err;

	if (sa->rk.kind == IKE_RK_CHILD || sa->peer_child.installed ||
	    sa->peer_ike || ike_retired_any(sa))
		return refuse(sa, IKE_N_TEMPORARY_FAILURE, 0);
	if (!p->has_ke)
		return refuse(sa, IKE_N_INVALID_SYNTAX, 0);
	idx = ike_prop_select(&p->sa, IKE_PROTO_IKE, cf->ike, cf->n_ike,
			      cf->dh, cf->n_dh, &algs, &group);
	if (idx < 0 || p->sa.p[idx].spi_size != IKE_SPI_SIZE_IKE ||
	    !spi64_of(&p->sa.p[idx]))
		return refuse(sa, IKE_N_NO_PROPOSAL_CHOSEN, 0);
	if (group != p->ke_group)
		return refuse(sa, IKE_N_INVALID_KE_PAYLOAD, group);
	memset(&dh, 0, sizeof(dh));
	err = ike_random(nr, sizeof(nr));
	while (!err && !ours)
		err = ike_random(&ours, sizeof(ours));
	if (!err)
		err = ike_dh_new(&dh, group);
	if (!err)
		err = shared_secret(&dh, p, gir, &glen);
	if (!err)
		nw = successor(sa, false, spi64_of(&p->sa.p[idx]), ours, &algs,
			       group, gir, glen, p->nonce.p, p->nonce.len, nr,
			       sizeof(nr));
	ike_wipe(gir, sizeof(gir));
	if (!nw || adopt(sa, nw, false)) {
		ike_sa_free(nw);
		ike_dh_free(&dh);
		return refuse(sa, IKE_N_TEMPORARY_FAILURE, 0);
	}
	put_u64(spi, ours);
	ike_prop_build(&prop, &algs, 1, IKE_PROTO_IKE, spi, IKE_SPI_SIZE_IKE,
		       &group, 1);
	prop.p[0].num = p->sa.p[idx].num;
	err = answer(sa, &prop, nr, &dh, NULL);
	ike_dh_free(&dh);
	if (err) {
		nw->state = IKE_S_DEAD;	/* the owner frees it */
		return err;
	}
	ike_stats.ike_rekeys++;
	memset(&mine, 0, sizeof(mine));
	nonce_min(&mine, p->nonce.p, p->nonce.len, nr, sizeof(nr));
	if (sa->rk.kind == IKE_RK_IKE) {
		/* A collision: decided when our own rekey is answered. */
		sa->peer_ike = nw;
		memcpy(sa->peer_nmin, mine.nmin, mine.nmin_len);
		sa->peer_nmin_len = mine.nmin_len;
		return 0;
	}
	children_move(sa, nw);
	adopt(sa, nw, true);
	sa->replaced = true;
	sa->replaced_deadline = ike_sa_now(sa) + IKE_PEER_DELETE_WAIT_MS;
	return 0;
}

int ike_rekey_request(struct ike_sa *sa, const struct ike_pls *p)
{
	const struct ike_notify_pl *n = ike_pls_notify(p, IKE_N_REKEY_SA);

	if (sa->replaced)
		return refuse(sa, IKE_N_TEMPORARY_FAILURE, 0);
	if (!p->has_sa || !p->sa.np || !p->has_nonce ||
	    p->nonce.len < IKE_NONCE_LEN_MIN || p->nonce.len > IKE_NONCE_MAX)
		return refuse(sa, IKE_N_INVALID_SYNTAX, 0);
	if (n)
		return child_rekey_answer(sa, p, n);
	if (p->sa.p[0].proto == IKE_PROTO_IKE)
		return ike_rekey_answer(sa, p);
	/* One CHILD SA per IKE SA (Documentation/ike-subset.md). */
	return refuse(sa, IKE_N_NO_ADDITIONAL_SAS, 0);
}
