// SPDX-License-Identifier: GPL-2.0
/*
 * A CHILD SA: its proposals and selectors as both exchanges that make one
 * negotiate them (IKE_AUTH, CREATE_CHILD_SA), then into XFRM, in the form
 * the vpnfo module's switchover needs
 * (Documentation/switchover.md): on a client, per-peer out policies told
 * apart by mark, one shared in/fwd policy with a wildcard template, the
 * fail-closed fallback; on a gateway, plain tunnel policies. SAs carry no
 * mark so that inbound lookups match whatever peer the packet came from.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/vpnfo.h>

#include "internal.h"
#include "lib/log.h"

#define CLIENT_PEER_PRIORITY	100
#define CLIENT_FALLBACK_PRIORITY 1000

void ike_child_prop(struct ike_sa_pl *prop, const struct ike_algs *algs,
		    unsigned int n, uint32_t spi_in, const uint16_t *dh,
		    unsigned int ndh)
{
	uint8_t spi[IKE_SPI_SIZE_ESP];

	ike_put_u32(spi, spi_in);
	ike_prop_build(prop, algs, n, IKE_PROTO_ESP, spi, IKE_SPI_SIZE_ESP,
		       dh, ndh);
}

/* RFC 7296 §1.2, §1.3.1, §2.9: the initiator's side. */
int ike_child_accept(const struct ike_conf *cf, const struct ike_pls *p,
		     const uint16_t *dh, unsigned int ndh, uint16_t *group,
		     struct ike_child *c)
{
	struct ike_algs algs;

	if (!p->has_sa || p->sa.np != 1 || !p->has_tsi || !p->has_tsr ||
	    ike_prop_select(&p->sa, IKE_PROTO_ESP, cf->esp, cf->n_esp, dh,
			    ndh, &algs, group) < 0 ||
	    !ike_ts_subset(&p->tsi, &cf->ts_local) ||
	    !ike_ts_subset(&p->tsr, &cf->ts_remote))
		return -ENOPROTOOPT;
	c->algs = algs;
	c->spi_out = ike_spi32_of(&p->sa.p[0]);
	c->ts_l = p->tsi;
	c->ts_r = p->tsr;
	return 0;
}

/* RFC 7296 §1.2, §1.3.1, §2.9: the responder's side. */
uint16_t ike_child_choose(const struct ike_conf *cf, const struct ike_pls *p,
			  bool pfs, uint16_t *group, struct ike_child *c,
			  int *idx)
{
	uint16_t g = p->ke_group;
	int i;

	i = ike_prop_select(&p->sa, IKE_PROTO_ESP, cf->esp, cf->n_esp,
			    pfs ? cf->dh : NULL, pfs ? cf->n_dh : 0, &c->algs,
			    &g);
	if (i < 0)
		return IKE_N_NO_PROPOSAL_CHOSEN;
	if (group)
		*group = g;
	if (pfs && g != p->ke_group)
		return IKE_N_INVALID_KE_PAYLOAD;
	if (ike_ts_narrow(&p->tsi, &cf->ts_remote, &c->ts_r) ||
	    ike_ts_narrow(&p->tsr, &cf->ts_local, &c->ts_l))
		return IKE_N_TS_UNACCEPTABLE;
	c->spi_out = ike_spi32_of(&p->sa.p[i]);
	*idx = i;
	return 0;
}

static void sa_algs(struct xfrm_sa_spec *s, const struct ike_algs *a,
		    const uint8_t *ek, const uint8_t *ak)
{
	s->enc_keylen = (unsigned int)ike_encr_keylen(a->encr, a->keybits);
	memcpy(s->enc_key, ek, s->enc_keylen);
	if (a->encr == IKE_ENCR_AES_GCM16) {
		s->aead = true;
		s->enc = "rfc4106(gcm(aes))";
		s->icv_bits = 128;
		return;
	}
	s->enc = "cbc(aes)";
	s->auth_keylen = (unsigned int)ike_integ_keylen(a->integ);
	memcpy(s->auth_key, ak, s->auth_keylen);
	s->trunc_bits = (unsigned int)ike_integ_icvlen(a->integ) * 8;
	switch (a->integ) {
	case IKE_INTEG_SHA2_384_192:
		s->auth = "hmac(sha384)";
		break;
	case IKE_INTEG_SHA2_512_256:
		s->auth = "hmac(sha512)";
		break;
	default:
		s->auth = "hmac(sha256)";
	}
}

static int sel_of(const struct ike_ts *l, const struct ike_ts *r,
		  struct xfrm_sel *sel)
{
	int err = ike_ts_to_sel(l, &sel->src, &sel->splen);

	if (!err)
		err = ike_ts_to_sel(r, &sel->dst, &sel->dplen);
	if (err)
		return err;
	sel->proto = l->proto ? l->proto : r->proto;
	/* Only "any" or one port is expressible in an XFRM selector. */
	sel->sport = l->sport == l->eport ? l->sport : 0;
	sel->dport = r->sport == r->eport ? r->sport : 0;
	if ((!sel->sport && (l->sport != 0 || l->eport != 0xffff)) ||
	    (!sel->dport && (r->sport != 0 || r->eport != 0xffff)))
		return -EINVAL;
	return 0;
}

static void sel_swap(const struct xfrm_sel *a, struct xfrm_sel *b)
{
	*b = *a;
	b->src = a->dst;
	b->dst = a->src;
	b->splen = a->dplen;
	b->dplen = a->splen;
	b->sport = a->dport;
	b->dport = a->sport;
}

/* Every policy for one selector pair; del undoes what add made. */
static int child_policies(struct ike_sa *sa, const struct xfrm_sel *out_sel,
			  bool del)
{
	const struct ike_conf *cf = sa->conf;
	const struct xfrm_ops *x = sa->env->xfrm;
	struct xfrm_pol_spec p;
	int err;
	int (*op)(void *, const struct xfrm_pol_spec *) =
		del ? x->pol_del : x->pol_add;

	memset(&p, 0, sizeof(p));
	p.sel = *out_sel;
	p.dir = XFRM_DIR_OUT;
	p.reqid = cf->reqid;
	p.tsrc = sa->local.ip;
	p.tdst = sa->remote.ip;
	if (cf->mark) {
		p.priority = CLIENT_PEER_PRIORITY;
		p.mark = cf->mark;
		p.mark_mask = cf->mark_mask;
	}
	err = op(x->ctx, &p);
	if (err)
		return err;
	if (cf->mark && del)
		return 0;	/* fallback and shared inbound stay: fail closed */
	if (cf->mark) {
		memset(&p, 0, sizeof(p));
		p.sel = *out_sel;
		p.dir = XFRM_DIR_OUT;
		p.priority = CLIENT_FALLBACK_PRIORITY;
		p.reqid = VPNFO_FALLBACK_REQID;
		p.transport = true;
		err = x->pol_add(x->ctx, &p);
		if (err)
			return err;
	}
	memset(&p, 0, sizeof(p));
	sel_swap(out_sel, &p.sel);
	if (!cf->mark) {
		p.reqid = cf->reqid;
		p.tsrc = sa->remote.ip;
		p.tdst = sa->local.ip;
	}
	p.dir = XFRM_DIR_IN;
	err = op(x->ctx, &p);
	if (err)
		return err;
	p.dir = XFRM_DIR_FWD;
	return op(x->ctx, &p);
}

/* Hard lifetime of an SA: rekeying happens well before, see sa.c. */
static uint32_t hard_life_s(const struct ike_conf *cf)
{
	if (!cf->child_rekey_ms)
		return 0;
	return (uint32_t)(cf->child_rekey_ms / 1000 * 11 / 10 + 30);
}

static void sa_spec(struct ike_sa *sa, const struct ike_child *c, bool in,
		    struct xfrm_sa_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->reqid = sa->conf->reqid;
	s->src = in ? sa->remote.ip : sa->local.ip;
	s->dst = in ? sa->local.ip : sa->remote.ip;
	s->spi = in ? c->spi_in : c->spi_out;
	s->hard_add_s = hard_life_s(sa->conf);
	if (sa->nat_local || sa->nat_remote) {
		s->encap_sport = in ? sa->remote.port : sa->local.port;
		s->encap_dport = in ? sa->local.port : sa->remote.port;
	}
	sa_algs(s, &c->algs, in ? c->ek_in : c->ek_out,
		in ? c->ak_in : c->ak_out);
}

/* Every policy of the CHILD SA's selector pairs (add or replace, or del). */
static int child_policies_all(struct ike_sa *sa, const struct ike_child *c,
			      bool del)
{
	unsigned int i, j;
	int err = 0;

	for (i = 0; i < c->ts_l.n; i++) {
		for (j = 0; j < c->ts_r.n; j++) {
			struct xfrm_sel sel;
			int e;

			memset(&sel, 0, sizeof(sel));
			if (c->ts_l.ts[i].type != c->ts_r.ts[j].type)
				continue;
			e = sel_of(&c->ts_l.ts[i], &c->ts_r.ts[j], &sel);
			if (!e)
				e = child_policies(sa, &sel, del);
			if (e && !del)
				return e;
			if (e && !err)
				err = e;
		}
	}
	return err;
}

/* One ESP SA of @c into the kernel; the keys leave the stack after. */
static int sa_add(struct ike_sa *sa, const struct ike_child *c, bool in)
{
	const struct xfrm_ops *x = sa->env->xfrm;
	struct xfrm_sa_spec s;
	int err;

	sa_spec(sa, c, in, &s);
	err = x->sa_add(x->ctx, &s);
	ike_wipe(&s, sizeof(s));
	return err;
}

int ike_child_install_in(struct ike_sa *sa, struct ike_child *c)
{
	int err = sa_add(sa, c, true);

	if (!err)
		c->installed = true;
	return err;
}

int ike_child_install_out(struct ike_sa *sa, struct ike_child *c)
{
	const struct xfrm_ops *x = sa->env->xfrm;
	int err = sa_add(sa, c, false);

	if (err)
		return err;
	err = child_policies_all(sa, c, false);
	if (err) {
		x->sa_del(x->ctx, &sa->remote.ip, c->spi_out);
		return err;
	}
	c->out_installed = true;
	log_info("%s: CHILD SA up, SPIs in %08x out %08x", sa->conf->name,
		 c->spi_in, c->spi_out);
	return 0;
}

int ike_child_install(struct ike_sa *sa, struct ike_child *c)
{
	int err = ike_child_install_in(sa, c);

	if (err)
		return err;
	err = ike_child_install_out(sa, c);
	if (err)
		ike_child_retire(sa, c);
	return err;
}

void ike_child_retire_out(struct ike_sa *sa, struct ike_child *c)
{
	const struct xfrm_ops *x = sa->env->xfrm;

	if (!c->out_installed)
		return;
	x->sa_del(x->ctx, &sa->remote.ip, c->spi_out);
	c->out_installed = false;
}

void ike_child_retire(struct ike_sa *sa, struct ike_child *c)
{
	const struct xfrm_ops *x = sa->env->xfrm;

	ike_child_retire_out(sa, c);
	if (!c->installed)
		return;
	x->sa_del(x->ctx, &sa->local.ip, c->spi_in);
	c->installed = false;
	log_info("%s: CHILD SA %08x/%08x removed", sa->conf->name, c->spi_in,
		 c->spi_out);
}

void ike_child_remove(struct ike_sa *sa, struct ike_child *c)
{
	if (c->out_installed)
		child_policies_all(sa, c, true);
	ike_child_retire(sa, c);
}
