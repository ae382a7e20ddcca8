// SPDX-License-Identifier: GPL-2.0
/*
 * vpnfod's kernel state on libnl-xfrm: ESP SAs and policies, removal of
 * what an earlier run left, and the per-socket bypass for IKE.
 */
#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <linux/ipsec.h>
#include <linux/xfrm.h>
#include <linux/udp.h>

#include <netlink/netlink.h>
#include <netlink/cache.h>
#include <netlink/xfrm/lifetime.h>
#include <netlink/xfrm/sa.h>
#include <netlink/xfrm/selector.h>
#include <netlink/xfrm/sp.h>
#include <netlink/xfrm/template.h>

#include "xfrm.h"

#ifndef UDP_ENCAP_ESPINUDP
#define UDP_ENCAP_ESPINUDP 2
#endif

static struct nl_addr *addr_of(const struct vpnfo_addr *a, int family,
			       int plen)
{
	static const uint8_t zero[16];
	int fam = a->family ? a->family : family;
	struct nl_addr *n;

	n = nl_addr_build(fam, a->family ? a->bytes : zero,
			  fam == AF_INET ? 4 : 16);
	if (n && plen >= 0)
		nl_addr_set_prefixlen(n, plen);
	return n;
}

/* Limits of 0 would expire at once: everything infinite, as ip xfrm does. */
static struct xfrmnl_ltime_cfg *lifetime_inf(void)
{
	struct xfrmnl_ltime_cfg *l = xfrmnl_ltime_cfg_alloc();

	if (!l)
		return NULL;
	xfrmnl_ltime_cfg_set_soft_bytelimit(l, XFRM_INF);
	xfrmnl_ltime_cfg_set_hard_bytelimit(l, XFRM_INF);
	xfrmnl_ltime_cfg_set_soft_packetlimit(l, XFRM_INF);
	xfrmnl_ltime_cfg_set_hard_packetlimit(l, XFRM_INF);
	return l;
}

static int nl_err(int e)
{
	switch (-e) {
	case NLE_EXIST: return -EEXIST;
	case NLE_OBJ_NOTFOUND: return -ENOENT;
	case NLE_NOMEM: return -ENOMEM;
	case NLE_PERM: return -EPERM;
	case NLE_INVAL: return -EINVAL;
	case NLE_NOADDR: return -EADDRNOTAVAIL;
	default: return e < 0 ? -EIO : 0;
	}
}

static struct xfrmnl_sel *sel_of(const struct xfrm_sel *s, int family)
{
	struct xfrmnl_sel *sel = xfrmnl_sel_alloc();
	struct nl_addr *src, *dst;

	if (!sel)
		return NULL;
	src = addr_of(&s->src, family, s->splen);
	dst = addr_of(&s->dst, family, s->dplen);
	xfrmnl_sel_set_family(sel, s->src.family ? s->src.family : family);
	if (src)
		xfrmnl_sel_set_saddr(sel, src);
	if (dst)
		xfrmnl_sel_set_daddr(sel, dst);
	xfrmnl_sel_set_prefixlen_s(sel, s->splen);
	xfrmnl_sel_set_prefixlen_d(sel, s->dplen);
	xfrmnl_sel_set_proto(sel, s->proto);
	xfrmnl_sel_set_sport(sel, s->sport);
	xfrmnl_sel_set_sportmask(sel, s->sport ? 0xffff : 0);
	xfrmnl_sel_set_dport(sel, s->dport);
	xfrmnl_sel_set_dportmask(sel, s->dport ? 0xffff : 0);
	nl_addr_put(src);
	nl_addr_put(dst);
	return sel;
}

static int k_sa_add(void *ctx, const struct xfrm_sa_spec *s)
{
	struct nl_sock *sk = ctx;
	struct xfrmnl_sa *sa = xfrmnl_sa_alloc();
	struct nl_addr *src = addr_of(&s->src, 0, -1);
	struct nl_addr *dst = addr_of(&s->dst, 0, -1);
	struct xfrmnl_ltime_cfg *lt = lifetime_inf();
	int err = -ENOMEM;

	if (!sa || !src || !dst || !lt)
		goto out;
	/*
	 * A hard time limit: an SA that was not rekeyed in time (vpnfod
	 * gone) is removed by the kernel; the policies stay, fail closed.
	 */
	if (s->hard_add_s) {
		xfrmnl_ltime_cfg_set_hard_addexpires(lt, s->hard_add_s);
	}
	xfrmnl_sa_set_saddr(sa, src);
	xfrmnl_sa_set_daddr(sa, dst);
	xfrmnl_sa_set_family(sa, s->dst.family);
	xfrmnl_sa_set_spi(sa, s->spi);	/* libnl swaps */
	xfrmnl_sa_set_proto(sa, IPPROTO_ESP);
	xfrmnl_sa_set_mode(sa, XFRM_MODE_TUNNEL);
	xfrmnl_sa_set_reqid(sa, s->reqid);
	xfrmnl_sa_set_replay_window(sa, 32);
	/* Inner traffic of either family (IPv4 in IPv6 and the reverse). */
	xfrmnl_sa_set_flags(sa, XFRM_STATE_AF_UNSPEC);
	xfrmnl_sa_set_lifetime_cfg(sa, lt);
	if (s->aead) {
		xfrmnl_sa_set_aead_params(sa, s->enc, s->enc_keylen * 8,
					  s->icv_bits,
					  (const char *)s->enc_key);
	} else {
		xfrmnl_sa_set_crypto_params(sa, s->enc, s->enc_keylen * 8,
					    (const char *)s->enc_key);
		xfrmnl_sa_set_auth_params(sa, s->auth, s->auth_keylen * 8,
					  s->trunc_bits,
					  (const char *)s->auth_key);
	}
	if (s->encap_sport) {
		struct nl_addr *oa = addr_of(&(struct vpnfo_addr){ 0 },
					     s->dst.family, -1);

		xfrmnl_sa_set_encap_tmpl(sa, UDP_ENCAP_ESPINUDP,
					 s->encap_sport,
					 s->encap_dport, oa);
		nl_addr_put(oa);
	}
	err = nl_err(xfrmnl_sa_add(sk, sa, NLM_F_CREATE | NLM_F_EXCL));
out:
	xfrmnl_ltime_cfg_put(lt);
	nl_addr_put(src);
	nl_addr_put(dst);
	xfrmnl_sa_put(sa);
	return err;
}

static int k_sa_del(void *ctx, const struct vpnfo_addr *d, uint32_t spi)
{
	struct nl_sock *sk = ctx;
	struct xfrmnl_sa *sa = xfrmnl_sa_alloc();
	struct nl_addr *dst = addr_of(d, 0, -1);
	int err = -ENOMEM;

	if (sa && dst) {
		xfrmnl_sa_set_daddr(sa, dst);
		xfrmnl_sa_set_family(sa, d->family);
		xfrmnl_sa_set_spi(sa, spi);
		xfrmnl_sa_set_proto(sa, IPPROTO_ESP);
		err = nl_err(xfrmnl_sa_delete(sk, sa, 0));
	}
	nl_addr_put(dst);
	xfrmnl_sa_put(sa);
	return err;
}

static struct xfrmnl_sp *sp_of(const struct xfrm_pol_spec *p, bool tmpl)
{
	int family = p->sel.src.family;
	struct xfrmnl_sp *sp = xfrmnl_sp_alloc();
	struct xfrmnl_sel *sel = sel_of(&p->sel, family);
	struct xfrmnl_ltime_cfg *lt = lifetime_inf();
	struct xfrmnl_user_tmpl *t;
	struct nl_addr *a;

	if (!sp || !sel || !lt) {
		xfrmnl_sp_put(sp);
		sp = NULL;
		goto out;
	}
	xfrmnl_sp_set_sel(sp, sel);
	xfrmnl_sp_set_dir(sp, p->dir);
	xfrmnl_sp_set_lifetime_cfg(sp, lt);
	xfrmnl_sp_set_priority(sp, p->priority);
	xfrmnl_sp_set_action(sp, XFRM_POLICY_ALLOW);
	if (p->mark_mask)
		xfrmnl_sp_set_mark(sp, p->mark, p->mark_mask);
	if (!tmpl)
		goto out;
	t = xfrmnl_user_tmpl_alloc();
	if (!t)
		goto out;
	xfrmnl_user_tmpl_set_family(t, p->tdst.family ? p->tdst.family :
				    family);
	a = addr_of(&p->tdst, family, -1);
	xfrmnl_user_tmpl_set_daddr(t, a);
	nl_addr_put(a);
	a = addr_of(&p->tsrc, family, -1);
	xfrmnl_user_tmpl_set_saddr(t, a);
	nl_addr_put(a);
	xfrmnl_user_tmpl_set_proto(t, IPPROTO_ESP);
	xfrmnl_user_tmpl_set_mode(t, p->transport ? XFRM_MODE_TRANSPORT :
				  XFRM_MODE_TUNNEL);
	xfrmnl_user_tmpl_set_reqid(t, p->reqid);
	xfrmnl_user_tmpl_set_aalgos(t, ~0u);
	xfrmnl_user_tmpl_set_ealgos(t, ~0u);
	xfrmnl_user_tmpl_set_calgos(t, ~0u);
	xfrmnl_sp_add_usertemplate(sp, t);
out:
	xfrmnl_sel_put(sel);
	xfrmnl_ltime_cfg_put(lt);
	return sp;
}

/* Adds (or replaces) or deletes the policy of @p. */
static int pol_apply(void *ctx, const struct xfrm_pol_spec *p, bool add)
{
	struct xfrmnl_sp *sp = sp_of(p, add);
	int err;

	if (!sp)
		return -ENOMEM;
	err = nl_err(add ? xfrmnl_sp_update(ctx, sp, NLM_F_CREATE) :
			   xfrmnl_sp_delete(ctx, sp, 0));
	xfrmnl_sp_put(sp);
	return err;
}

static int k_pol_add(void *ctx, const struct xfrm_pol_spec *p)
{
	return pol_apply(ctx, p, true);
}

static int k_pol_del(void *ctx, const struct xfrm_pol_spec *p)
{
	return pol_apply(ctx, p, false);
}

int xfrm_kernel_open(struct xfrm_ops *ops)
{
	struct nl_sock *sk = nl_socket_alloc();

	if (!sk)
		return -ENOMEM;
	if (nl_connect(sk, NETLINK_XFRM)) {
		nl_socket_free(sk);
		return -EPROTONOSUPPORT;
	}
	*ops = (struct xfrm_ops){ k_sa_add, k_sa_del, k_pol_add, k_pol_del,
				  sk };
	return 0;
}

void xfrm_kernel_close(struct xfrm_ops *ops)
{
	nl_socket_free(ops->ctx);
	ops->ctx = NULL;
}

static bool reqid_ours(uint32_t reqid)
{
	return (reqid & VPNFOD_REQID_MASK) == VPNFOD_REQID_BASE;
}

struct flush_ctx {
	struct nl_sock *sk;
	unsigned int n;
};

static void flush_sa(struct nl_object *obj, void *arg)
{
	struct flush_ctx *f = arg;
	struct xfrmnl_sa *sa = (struct xfrmnl_sa *)obj;

	if (reqid_ours((uint32_t)xfrmnl_sa_get_reqid(sa)) &&
	    !xfrmnl_sa_delete(f->sk, sa, 0))
		f->n++;
}

static void flush_sp(struct nl_object *obj, void *arg)
{
	struct flush_ctx *f = arg;
	struct xfrmnl_sp *sp = (struct xfrmnl_sp *)obj;
	int i, n = xfrmnl_sp_get_nusertemplates(sp);

	for (i = 0; i < n; i++) {
		struct xfrmnl_user_tmpl *t = xfrmnl_sp_usertemplate_n(sp, i);

		if (t && reqid_ours((uint32_t)xfrmnl_user_tmpl_get_reqid(t))) {
			if (!xfrmnl_sp_delete(f->sk, sp, 0))
				f->n++;
			return;
		}
	}
}

int xfrm_kernel_flush_owned(struct xfrm_ops *ops)
{
	struct flush_ctx f = { ops->ctx, 0 };
	struct nl_cache *c;

	if (xfrmnl_sa_alloc_cache(f.sk, &c) == 0) {
		nl_cache_foreach(c, flush_sa, &f);
		nl_cache_free(c);
	}
	if (xfrmnl_sp_alloc_cache(f.sk, &c) == 0) {
		nl_cache_foreach(c, flush_sp, &f);
		nl_cache_free(c);
	}
	return (int)f.n;
}

int xfrm_socket_bypass(int fd, int family)
{
	struct xfrm_userpolicy_info pol;
	int level = family == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP;
	int opt = family == AF_INET6 ? IPV6_XFRM_POLICY : IP_XFRM_POLICY;
	unsigned int dir;

	memset(&pol, 0, sizeof(pol));
	pol.action = XFRM_POLICY_ALLOW;
	pol.sel.family = family;
	pol.lft.soft_byte_limit = pol.lft.hard_byte_limit = XFRM_INF;
	pol.lft.soft_packet_limit = pol.lft.hard_packet_limit = XFRM_INF;
	for (dir = XFRM_POLICY_IN; dir <= XFRM_POLICY_OUT; dir++) {
		pol.dir = dir;
		if (setsockopt(fd, level, opt, &pol, sizeof(pol)))
			return -errno;
	}
	return 0;
}
