// SPDX-License-Identifier: GPL-2.0
/*
 * vpnfo: the generic netlink family "vpnfo". This file only translates
 * attributes into calls on tunnels and peers and back; the policies follow
 * Documentation/netlink/specs/vpnfo.yaml. Every refusal carries an extack
 * message.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "vpnfo.h"

static struct genl_family vpnfo_family;

/* Cleared, then an RCU grace period, before the family goes away. */
static bool vpnfo_genl_live;

static struct netlink_range_validation vpnfo_interval_range = {
	.min = VPNFO_INTERVAL_US_MIN,
	.max = VPNFO_INTERVAL_US_MAX,
};

static struct netlink_range_validation vpnfo_hold_range = {
	.min = 0,
	.max = VPNFO_FAILBACK_HOLD_MS_MAX,
};

static struct netlink_range_validation vpnfo_client_timeout_range = {
	.min = VPNFO_CLIENT_TIMEOUT_MS_MIN,
	.max = VPNFO_CLIENT_TIMEOUT_MS_MAX,
};

#define VPNFO_READ_ONLY { .type = NLA_REJECT, \
			  .reject_message = "read-only attribute" }
#define VPNFO_NAME_POLICY { .type = NLA_NUL_STRING, .len = VPNFO_NAME_MAX - 1 }
#define VPNFO_ADDR_POLICY NLA_POLICY_RANGE(NLA_BINARY, 4, 16)

static const struct nla_policy vpnfo_sel_policy[VPNFO_SEL_A_MAX + 1] = {
	[VPNFO_SEL_A_SRC] = VPNFO_ADDR_POLICY,
	[VPNFO_SEL_A_SRC_PLEN] = NLA_POLICY_MAX(NLA_U8, 128),
	[VPNFO_SEL_A_DST] = VPNFO_ADDR_POLICY,
	[VPNFO_SEL_A_DST_PLEN] = NLA_POLICY_MAX(NLA_U8, 128),
};

static const struct nla_policy vpnfo_policy[VPNFO_A_MAX + 1] = {
	[VPNFO_A_PAD] = VPNFO_READ_ONLY,
	[VPNFO_A_TUNNEL] = VPNFO_NAME_POLICY,
	[VPNFO_A_TUNNEL_ID] = VPNFO_READ_ONLY,
	[VPNFO_A_MARK_MASK] = NLA_POLICY_MIN(NLA_U32, 1),
	[VPNFO_A_SELECTOR] = NLA_POLICY_NESTED(vpnfo_sel_policy),
	[VPNFO_A_FAILBACK_HOLD_MS] = NLA_POLICY_FULL_RANGE(NLA_U32,
							   &vpnfo_hold_range),
	[VPNFO_A_PROBE_KEY] = NLA_POLICY_RANGE(NLA_BINARY, VPNFO_KEY_MIN,
					       VPNFO_KEY_MAX),
	[VPNFO_A_ACTIVE] = VPNFO_READ_ONLY,
	[VPNFO_A_PINNED] = VPNFO_READ_ONLY,
	[VPNFO_A_PEER] = VPNFO_NAME_POLICY,
	[VPNFO_A_PEER_ID] = VPNFO_READ_ONLY,
	[VPNFO_A_PRIORITY] = { .type = NLA_U32 },
	[VPNFO_A_MARK] = NLA_POLICY_MIN(NLA_U32, 1),
	[VPNFO_A_REMOTE] = VPNFO_ADDR_POLICY,
	[VPNFO_A_PROBE_DST] = VPNFO_ADDR_POLICY,
	[VPNFO_A_PROBE_SRC] = VPNFO_ADDR_POLICY,
	[VPNFO_A_INTERVAL_US] = NLA_POLICY_FULL_RANGE(NLA_U32,
						      &vpnfo_interval_range),
	[VPNFO_A_THRESHOLD] = NLA_POLICY_RANGE(NLA_U32, 1, VPNFO_COUNT_MAX),
	[VPNFO_A_RISE] = NLA_POLICY_RANGE(NLA_U32, 1, VPNFO_COUNT_MAX),
	[VPNFO_A_STATE] = VPNFO_READ_ONLY,
	[VPNFO_A_STATS] = VPNFO_READ_ONLY,
	[VPNFO_A_EVENT] = VPNFO_READ_ONLY,
	[VPNFO_A_FROM] = VPNFO_READ_ONLY,
	[VPNFO_A_TO] = VPNFO_READ_ONLY,
	[VPNFO_A_REASON] = VPNFO_READ_ONLY,
	[VPNFO_A_TIMESTAMP_NS] = VPNFO_READ_ONLY,
	[VPNFO_A_REFLECTOR_ENABLED] = NLA_POLICY_MAX(NLA_U8, 1),
	[VPNFO_A_PEER_COUNT] = VPNFO_READ_ONLY,
	[VPNFO_A_CLIENT_TIMEOUT_MS] = NLA_POLICY_FULL_RANGE(NLA_U32,
							    &vpnfo_client_timeout_range),
	[VPNFO_A_CLIENT_OUTER] = VPNFO_READ_ONLY,
	[VPNFO_A_CLIENT_SPI] = VPNFO_READ_ONLY,
	[VPNFO_A_CLIENT_INNER] = VPNFO_READ_ONLY,
	[VPNFO_A_CLIENT_STATE] = VPNFO_READ_ONLY,
	[VPNFO_A_CLIENT_AGE_MS] = VPNFO_READ_ONLY,
	[VPNFO_A_CLIENT_PROBES] = VPNFO_READ_ONLY,
};

static int vpnfo_nla_addr(const struct nlattr *nla, struct vpnfo_addr *a,
			  struct netlink_ext_ack *extack)
{
	memset(a, 0, sizeof(*a));
	switch (nla_len(nla)) {
	case sizeof(a->a4):
		a->family = AF_INET;
		memcpy(&a->a4, nla_data(nla), sizeof(a->a4));
		return 0;
	case sizeof(a->a6):
		a->family = AF_INET6;
		memcpy(&a->a6, nla_data(nla), sizeof(a->a6));
		return 0;
	}
	NL_SET_ERR_MSG_ATTR(extack, nla, "address must be 4 (IPv4) or 16 (IPv6) bytes");
	return -EINVAL;
}

static int vpnfo_put_addr(struct sk_buff *msg, int type,
			  const struct vpnfo_addr *a)
{
	if (a->family == AF_INET)
		return nla_put_in_addr(msg, type, a->a4);
	return nla_put_in6_addr(msg, type, &a->a6);
}

static int vpnfo_parse_sel(const struct nlattr *nest, struct vpnfo_sel *sel,
			   struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VPNFO_SEL_A_MAX + 1];
	unsigned int maxlen;
	int err;

	err = nla_parse_nested(tb, VPNFO_SEL_A_MAX, nest, vpnfo_sel_policy,
			       extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, VPNFO_SEL_A_SRC) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, VPNFO_SEL_A_SRC_PLEN) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, VPNFO_SEL_A_DST) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, VPNFO_SEL_A_DST_PLEN)) {
		NL_SET_ERR_MSG(extack, "selector needs src, src-plen, dst and dst-plen");
		return -EINVAL;
	}
	err = vpnfo_nla_addr(tb[VPNFO_SEL_A_SRC], &sel->src, extack);
	if (err)
		return err;
	err = vpnfo_nla_addr(tb[VPNFO_SEL_A_DST], &sel->dst, extack);
	if (err)
		return err;
	if (sel->src.family != sel->dst.family) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "selector mixes IPv4 and IPv6");
		return -EINVAL;
	}
	sel->src_plen = nla_get_u8(tb[VPNFO_SEL_A_SRC_PLEN]);
	sel->dst_plen = nla_get_u8(tb[VPNFO_SEL_A_DST_PLEN]);
	maxlen = sel->src.family == AF_INET ? 32 : 128;
	if (sel->src_plen > maxlen || sel->dst_plen > maxlen) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "prefix length too long for the family");
		return -EINVAL;
	}
	return 0;
}

static struct vpnfo_tunnel *vpnfo_nl_tunnel(struct vpnfo_net *vn,
					    struct genl_info *info)
{
	struct vpnfo_tunnel *t;

	if (GENL_REQ_ATTR_CHECK(info, VPNFO_A_TUNNEL)) {
		NL_SET_ERR_MSG(info->extack, "tunnel name missing");
		return ERR_PTR(-EINVAL);
	}
	t = vpnfo_tunnel_find(vn, nla_data(info->attrs[VPNFO_A_TUNNEL]));
	if (!t) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VPNFO_A_TUNNEL],
				    "no such tunnel");
		return ERR_PTR(-ENOENT);
	}
	return t;
}

static struct vpnfo_peer *vpnfo_nl_peer(struct vpnfo_tunnel *t,
					struct genl_info *info)
{
	struct vpnfo_peer *p;

	if (GENL_REQ_ATTR_CHECK(info, VPNFO_A_PEER)) {
		NL_SET_ERR_MSG(info->extack, "peer name missing");
		return ERR_PTR(-EINVAL);
	}
	p = vpnfo_peer_find(t, nla_data(info->attrs[VPNFO_A_PEER]));
	if (!p) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VPNFO_A_PEER],
				    "no such peer");
		return ERR_PTR(-ENOENT);
	}
	return p;
}

static int vpnfo_fill_tunnel(struct sk_buff *msg, struct vpnfo_tunnel *t,
			     u32 portid, u32 seq, int flags)
{
	char active[VPNFO_NAME_MAX] = "";
	u64 tx, drop, switches, lat_last, lat_max, lat_sum, lat_count, first;
	struct vpnfo_peer *ap;
	struct nlattr *nest;
	unsigned int i;
	bool pinned;
	u32 n_peers;
	void *hdr;

	hdr = genlmsg_put(msg, portid, seq, &vpnfo_family, flags,
			  VPNFO_CMD_TUNNEL_GET);
	if (!hdr)
		return -EMSGSIZE;

	spin_lock_bh(&t->lock);
	ap = rcu_dereference_protected(t->active, lockdep_is_held(&t->lock));
	if (ap)
		strscpy(active, ap->name, sizeof(active));
	pinned = t->pinned;
	n_peers = t->n_peers;
	switches = t->switches;
	lat_last = t->switch_lat_last_ns;
	lat_max = t->switch_lat_max_ns;
	lat_sum = t->switch_lat_sum_ns;
	lat_count = t->switch_lat_count;
	first = t->switch_first_pkt_ns;
	spin_unlock_bh(&t->lock);
	vpnfo_tunnel_stats(t, &tx, &drop);

	if (nla_put_string(msg, VPNFO_A_TUNNEL, t->name) ||
	    nla_put_u32(msg, VPNFO_A_TUNNEL_ID, t->id) ||
	    nla_put_u32(msg, VPNFO_A_MARK_MASK, t->mark_mask) ||
	    nla_put_u32(msg, VPNFO_A_FAILBACK_HOLD_MS, t->failback_hold_ms) ||
	    nla_put_u32(msg, VPNFO_A_PEER_COUNT, n_peers) ||
	    (active[0] && nla_put_string(msg, VPNFO_A_ACTIVE, active)) ||
	    (pinned && nla_put_flag(msg, VPNFO_A_PINNED)))
		goto nla_put_failure;

	for (i = 0; i < t->n_sels; i++) {
		const struct vpnfo_sel *sel = &t->sels[i];

		nest = nla_nest_start(msg, VPNFO_A_SELECTOR);
		if (!nest ||
		    vpnfo_put_addr(msg, VPNFO_SEL_A_SRC, &sel->src) ||
		    nla_put_u8(msg, VPNFO_SEL_A_SRC_PLEN, sel->src_plen) ||
		    vpnfo_put_addr(msg, VPNFO_SEL_A_DST, &sel->dst) ||
		    nla_put_u8(msg, VPNFO_SEL_A_DST_PLEN, sel->dst_plen))
			goto nla_put_failure;
		nla_nest_end(msg, nest);
	}

	nest = nla_nest_start(msg, VPNFO_A_STATS);
	if (!nest ||
	    nla_put_u64_64bit(msg, VPNFO_STATS_A_TX_PACKETS, tx, VPNFO_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, VPNFO_STATS_A_DROP_PACKETS, drop, VPNFO_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, VPNFO_STATS_A_SWITCHES, switches, VPNFO_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, VPNFO_STATS_A_SWITCH_LAT_LAST_NS, lat_last,
			      VPNFO_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, VPNFO_STATS_A_SWITCH_LAT_MAX_NS, lat_max,
			      VPNFO_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, VPNFO_STATS_A_SWITCH_LAT_SUM_NS, lat_sum,
			      VPNFO_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, VPNFO_STATS_A_SWITCH_LAT_COUNT, lat_count,
			      VPNFO_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, VPNFO_STATS_A_SWITCH_FIRST_PKT_NS, first,
			      VPNFO_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, VPNFO_STATS_A_PROBE_CPU_NS,
			      atomic64_read(&t->probe_cpu_ns), VPNFO_STATS_A_PAD))
		goto nla_put_failure;
	nla_nest_end(msg, nest);

	genlmsg_end(msg, hdr);
	return 0;

nla_put_failure:
	genlmsg_cancel(msg, hdr);
	return -EMSGSIZE;
}

static int vpnfo_fill_peer(struct sk_buff *msg, struct vpnfo_peer *p,
			   u32 portid, u32 seq, int flags)
{
	struct vpnfo_tunnel *t = p->tunnel;
	u64 ptx, lost, rtt, ups, downs, ptx_data;
	u64 probes_tx, probes_rx, probes_bad;
	u32 prio, threshold, rise, interval_us;
	struct nlattr *nest;
	u8 state;
	void *hdr;

	hdr = genlmsg_put(msg, portid, seq, &vpnfo_family, flags,
			  VPNFO_CMD_PEER_GET);
	if (!hdr)
		return -EMSGSIZE;

	spin_lock_bh(&t->lock);
	prio = p->priority;
	threshold = p->threshold;
	rise = p->rise;
	interval_us = div_u64(p->interval_ns, NSEC_PER_USEC);
	state = p->state;
	probes_tx = p->probes_tx;
	probes_rx = p->probes_rx;
	probes_bad = p->probes_bad;
	lost = p->probes_lost;
	rtt = p->rtt_last_ns;
	ups = p->up_events;
	downs = p->down_events;
	spin_unlock_bh(&t->lock);
	vpnfo_peer_stats(p, &ptx_data);
	ptx = probes_tx;

	if (nla_put_string(msg, VPNFO_A_TUNNEL, t->name) ||
	    nla_put_string(msg, VPNFO_A_PEER, p->name) ||
	    nla_put_u32(msg, VPNFO_A_PEER_ID, p->id) ||
	    nla_put_u32(msg, VPNFO_A_PRIORITY, prio) ||
	    nla_put_u32(msg, VPNFO_A_MARK, p->mark) ||
	    vpnfo_put_addr(msg, VPNFO_A_REMOTE, &p->remote) ||
	    vpnfo_put_addr(msg, VPNFO_A_PROBE_DST, &p->probe_dst) ||
	    (p->probe_src.family &&
	     vpnfo_put_addr(msg, VPNFO_A_PROBE_SRC, &p->probe_src)) ||
	    nla_put_u32(msg, VPNFO_A_INTERVAL_US, interval_us) ||
	    nla_put_u32(msg, VPNFO_A_THRESHOLD, threshold) ||
	    nla_put_u32(msg, VPNFO_A_RISE, rise) ||
	    nla_put_u8(msg, VPNFO_A_STATE, state))
		goto nla_put_failure;

	nest = nla_nest_start(msg, VPNFO_A_STATS);
	if (!nest ||
	    nla_put_u64_64bit(msg, VPNFO_STATS_A_PROBES_TX, ptx, VPNFO_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, VPNFO_STATS_A_PROBES_RX, probes_rx, VPNFO_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, VPNFO_STATS_A_PROBES_BAD, probes_bad, VPNFO_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, VPNFO_STATS_A_PROBES_LOST, lost, VPNFO_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, VPNFO_STATS_A_RTT_LAST_NS, rtt, VPNFO_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, VPNFO_STATS_A_UP_EVENTS, ups, VPNFO_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, VPNFO_STATS_A_DOWN_EVENTS, downs, VPNFO_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, VPNFO_STATS_A_TX_PACKETS, ptx_data, VPNFO_STATS_A_PAD))
		goto nla_put_failure;
	nla_nest_end(msg, nest);

	genlmsg_end(msg, hdr);
	return 0;

nla_put_failure:
	genlmsg_cancel(msg, hdr);
	return -EMSGSIZE;
}

static int vpnfo_nl_check_admin(struct sk_buff *skb, struct net *net,
				struct netlink_ext_ack *extack)
{
	if (netlink_ns_capable(skb, net->user_ns, CAP_NET_ADMIN))
		return 0;
	NL_SET_ERR_MSG(extack, "CAP_NET_ADMIN required");
	return -EPERM;
}

/*
 * What pre_doit prepares for a command (genl_ops.internal_flags): the
 * configuration lock held until post_doit, the named tunnel in
 * info->user_ptr[0], the named peer (required or optional) in user_ptr[1].
 */
#define VPNFO_NL_F_LOCK		BIT(0)
#define VPNFO_NL_F_TUNNEL	BIT(1)
#define VPNFO_NL_F_PEER		BIT(2)
#define VPNFO_NL_F_PEER_OPT	BIT(3)

#define VPNFO_NL_LOCK		VPNFO_NL_F_LOCK
#define VPNFO_NL_TUNNEL		(VPNFO_NL_F_LOCK | VPNFO_NL_F_TUNNEL)
#define VPNFO_NL_PEER		(VPNFO_NL_TUNNEL | VPNFO_NL_F_PEER)
#define VPNFO_NL_PEER_OPT	(VPNFO_NL_TUNNEL | VPNFO_NL_F_PEER_OPT)

static int vpnfo_nl_pre_doit(const struct vpnfo_genl_doit_ops *ops,
			     struct sk_buff *skb, struct genl_info *info)
{
	struct vpnfo_net *vn = vpnfo_pernet(genl_info_net(info));
	u8 flags = ops->internal_flags;
	struct vpnfo_tunnel *t;
	struct vpnfo_peer *p;
	int err;

	err = vpnfo_nl_check_admin(skb, genl_info_net(info), info->extack);
	if (err || !(flags & VPNFO_NL_F_LOCK))
		return err;

	mutex_lock(&vn->lock);
	info->user_ptr[0] = NULL;
	info->user_ptr[1] = NULL;
	if (!(flags & VPNFO_NL_F_TUNNEL))
		return 0;
	t = vpnfo_nl_tunnel(vn, info);
	if (IS_ERR(t)) {
		err = PTR_ERR(t);
		goto unlock;
	}
	info->user_ptr[0] = t;
	if ((flags & VPNFO_NL_F_PEER) ||
	    ((flags & VPNFO_NL_F_PEER_OPT) && info->attrs[VPNFO_A_PEER])) {
		p = vpnfo_nl_peer(t, info);
		if (IS_ERR(p)) {
			err = PTR_ERR(p);
			goto unlock;
		}
		info->user_ptr[1] = p;
	}
	return 0;

unlock:
	mutex_unlock(&vn->lock);
	return err;
}

static void vpnfo_nl_post_doit(const struct vpnfo_genl_doit_ops *ops,
			       struct sk_buff *skb, struct genl_info *info)
{
	if (ops->internal_flags & VPNFO_NL_F_LOCK)
		mutex_unlock(&vpnfo_pernet(genl_info_net(info))->lock);
}

/*
 * 6.1 gives a dump's start callback no extack, but sets cb->extack while
 * dumping and reports it in NLMSG_DONE: refuse on the first dump call.
 */
static int vpnfo_nl_dump_begin(struct netlink_callback *cb)
{
	int err;

	if (cb->args[1])
		return 0;
	err = vpnfo_nl_check_admin(cb->skb, sock_net(cb->skb->sk), cb->extack);
	if (!err)
		cb->args[1] = 1;
	return err;
}

static int vpnfo_nl_reply(struct genl_info *info,
			  int (*fill)(struct sk_buff *, void *, u32, u32, int),
			  void *obj)
{
	struct sk_buff *msg;
	int err;

	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	err = fill(msg, obj, info->snd_portid, info->snd_seq, 0);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

static int vpnfo_fill_tunnel_cb(struct sk_buff *msg, void *obj, u32 portid,
				u32 seq, int flags)
{
	return vpnfo_fill_tunnel(msg, obj, portid, seq, flags);
}

static int vpnfo_fill_peer_cb(struct sk_buff *msg, void *obj, u32 portid,
			      u32 seq, int flags)
{
	return vpnfo_fill_peer(msg, obj, portid, seq, flags);
}

/* A probe key, when the request sets one (length 0 would clear it). */
static void vpnfo_nl_key(struct genl_info *info, struct vpnfo_key_cfg *key)
{
	key->attr = info->attrs[VPNFO_A_PROBE_KEY];
	key->data = key->attr ? nla_data(key->attr) : NULL;
	key->len = key->attr ? nla_len(key->attr) : 0;
}

static int vpnfo_nl_tunnel_new(struct sk_buff *skb, struct genl_info *info)
{
	struct vpnfo_net *vn = vpnfo_pernet(genl_info_net(info));
	struct nlattr *hold = info->attrs[VPNFO_A_FAILBACK_HOLD_MS];
	struct vpnfo_tunnel_cfg cfg = {};
	struct vpnfo_sel *sels;
	struct nlattr *nla;
	int rem, err;

	if (GENL_REQ_ATTR_CHECK(info, VPNFO_A_TUNNEL) ||
	    GENL_REQ_ATTR_CHECK(info, VPNFO_A_MARK_MASK) ||
	    GENL_REQ_ATTR_CHECK(info, VPNFO_A_SELECTOR)) {
		NL_SET_ERR_MSG(info->extack, "tunnel needs a name, a mark-mask and a selector");
		return -EINVAL;
	}
	sels = kcalloc(VPNFO_SELECTORS_MAX, sizeof(*sels), GFP_KERNEL);
	if (!sels)
		return -ENOMEM;
	nlmsg_for_each_attr(nla, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(nla) != VPNFO_A_SELECTOR)
			continue;
		if (cfg.n_sels == VPNFO_SELECTORS_MAX) {
			NL_SET_ERR_MSG_ATTR(info->extack, nla, "too many selectors");
			err = -E2BIG;
			goto out;
		}
		err = vpnfo_parse_sel(nla, &sels[cfg.n_sels++], info->extack);
		if (err)
			goto out;
	}
	cfg.name = nla_data(info->attrs[VPNFO_A_TUNNEL]);
	cfg.name_attr = info->attrs[VPNFO_A_TUNNEL];
	cfg.mark_mask = nla_get_u32(info->attrs[VPNFO_A_MARK_MASK]);
	cfg.sels = sels;
	cfg.hold_ms = hold ? nla_get_u32(hold) : VPNFO_FAILBACK_HOLD_MS_DEFAULT;
	vpnfo_nl_key(info, &cfg.key);
	err = vpnfo_tunnel_add(vn, &cfg, info->extack);
out:
	kfree(sels);
	return err;
}

static int vpnfo_nl_tunnel_set(struct sk_buff *skb, struct genl_info *info)
{
	struct vpnfo_net *vn = vpnfo_pernet(genl_info_net(info));
	struct nlattr *hold = info->attrs[VPNFO_A_FAILBACK_HOLD_MS];
	struct vpnfo_tunnel *t = info->user_ptr[0];
	struct vpnfo_key_cfg key;
	int err;

	vpnfo_nl_key(info, &key);
	if (key.attr) {
		err = vpnfo_key_apply(vn, &t->key, &key, info->extack);
		if (err)
			return err;
	}
	if (hold)
		vpnfo_tunnel_set_hold(t, nla_get_u32(hold));
	return 0;
}

static int vpnfo_nl_tunnel_del(struct sk_buff *skb, struct genl_info *info)
{
	vpnfo_tunnel_destroy(vpnfo_pernet(genl_info_net(info)),
			     info->user_ptr[0]);
	return 0;
}

static int vpnfo_nl_tunnel_get(struct sk_buff *skb, struct genl_info *info)
{
	return vpnfo_nl_reply(info, vpnfo_fill_tunnel_cb, info->user_ptr[0]);
}

static int vpnfo_nl_tunnel_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vpnfo_net *vn = vpnfo_pernet(sock_net(skb->sk));
	long skip = cb->args[0], i = 0;
	struct vpnfo_tunnel *t;
	int err;

	err = vpnfo_nl_dump_begin(cb);
	if (err)
		return err;
	mutex_lock(&vn->lock);
	list_for_each_entry(t, &vn->tunnels, node) {
		if (i++ < skip)
			continue;
		if (vpnfo_fill_tunnel(skb, t, NETLINK_CB(cb->skb).portid,
				      cb->nlh->nlmsg_seq, NLM_F_MULTI)) {
			i--;
			break;
		}
	}
	mutex_unlock(&vn->lock);
	cb->args[0] = i;
	return skb->len;
}

/* The settings PEER_NEW and PEER_SET share. */
static void vpnfo_nl_peer_settings(struct genl_info *info,
				   struct vpnfo_peer_cfg *cfg)
{
	struct nlattr **attrs = info->attrs;

	memset(cfg, 0, sizeof(*cfg));
	if (attrs[VPNFO_A_PRIORITY]) {
		cfg->set_priority = true;
		cfg->priority = nla_get_u32(attrs[VPNFO_A_PRIORITY]);
	}
	if (attrs[VPNFO_A_INTERVAL_US])
		cfg->interval_us = nla_get_u32(attrs[VPNFO_A_INTERVAL_US]);
	if (attrs[VPNFO_A_THRESHOLD])
		cfg->threshold = nla_get_u32(attrs[VPNFO_A_THRESHOLD]);
	if (attrs[VPNFO_A_RISE])
		cfg->rise = nla_get_u32(attrs[VPNFO_A_RISE]);
}

static int vpnfo_nl_peer_new(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct vpnfo_peer_cfg cfg;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, VPNFO_A_PEER) ||
	    GENL_REQ_ATTR_CHECK(info, VPNFO_A_PRIORITY) ||
	    GENL_REQ_ATTR_CHECK(info, VPNFO_A_MARK) ||
	    GENL_REQ_ATTR_CHECK(info, VPNFO_A_REMOTE) ||
	    GENL_REQ_ATTR_CHECK(info, VPNFO_A_PROBE_DST)) {
		NL_SET_ERR_MSG(info->extack, "peer needs a name, priority, mark, remote and probe address");
		return -EINVAL;
	}
	vpnfo_nl_peer_settings(info, &cfg);
	cfg.name = nla_data(attrs[VPNFO_A_PEER]);
	cfg.name_attr = attrs[VPNFO_A_PEER];
	cfg.mark = nla_get_u32(attrs[VPNFO_A_MARK]);
	cfg.mark_attr = attrs[VPNFO_A_MARK];
	cfg.probe_dst_attr = attrs[VPNFO_A_PROBE_DST];
	cfg.probe_src_attr = attrs[VPNFO_A_PROBE_SRC];
	err = vpnfo_nla_addr(attrs[VPNFO_A_REMOTE], &cfg.remote, info->extack);
	if (!err)
		err = vpnfo_nla_addr(attrs[VPNFO_A_PROBE_DST], &cfg.probe_dst,
				     info->extack);
	if (!err && attrs[VPNFO_A_PROBE_SRC])
		err = vpnfo_nla_addr(attrs[VPNFO_A_PROBE_SRC], &cfg.probe_src,
				     info->extack);
	return err ?: vpnfo_peer_add(info->user_ptr[0], &cfg, info->extack);
}

static int vpnfo_nl_peer_set(struct sk_buff *skb, struct genl_info *info)
{
	struct vpnfo_peer_cfg cfg;

	vpnfo_nl_peer_settings(info, &cfg);
	vpnfo_peer_change(info->user_ptr[0], info->user_ptr[1], &cfg);
	return 0;
}

static int vpnfo_nl_peer_del(struct sk_buff *skb, struct genl_info *info)
{
	vpnfo_peer_destroy(info->user_ptr[0], info->user_ptr[1]);
	return 0;
}

static int vpnfo_nl_peer_get(struct sk_buff *skb, struct genl_info *info)
{
	return vpnfo_nl_reply(info, vpnfo_fill_peer_cb, info->user_ptr[1]);
}

static int vpnfo_nl_peer_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr **attrs = vpnfo_dump_attrs(cb);
	struct vpnfo_net *vn = vpnfo_pernet(sock_net(skb->sk));
	long skip = cb->args[0], i = 0;
	struct vpnfo_tunnel *t;
	struct vpnfo_peer *p;
	int err;

	err = vpnfo_nl_dump_begin(cb);
	if (err)
		return err;
	if (!attrs || !attrs[VPNFO_A_TUNNEL]) {
		NL_SET_ERR_MSG(cb->extack, "peer dump needs a tunnel name");
		return -EINVAL;
	}
	mutex_lock(&vn->lock);
	t = vpnfo_tunnel_find(vn, nla_data(attrs[VPNFO_A_TUNNEL]));
	if (!t) {
		NL_SET_ERR_MSG(cb->extack, "no such tunnel");
		err = -ENOENT;
		goto unlock;
	}
	list_for_each_entry(p, &t->peers, node) {
		if (i++ < skip)
			continue;
		if (vpnfo_fill_peer(skb, p, NETLINK_CB(cb->skb).portid,
				    cb->nlh->nlmsg_seq, NLM_F_MULTI)) {
			i--;
			break;
		}
	}
	cb->args[0] = i;
unlock:
	mutex_unlock(&vn->lock);
	return err ?: skb->len;
}

static int vpnfo_nl_switch(struct sk_buff *skb, struct genl_info *info)
{
	int err = vpnfo_force_switch(info->user_ptr[0], info->user_ptr[1]);

	if (err == -ENETUNREACH)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VPNFO_A_PEER],
				    "peer is not up");
	return err;
}

static int vpnfo_nl_reflector_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *timeout = info->attrs[VPNFO_A_CLIENT_TIMEOUT_MS];
	struct vpnfo_net *vn = vpnfo_pernet(genl_info_net(info));
	struct vpnfo_key_cfg key;

	if (GENL_REQ_ATTR_CHECK(info, VPNFO_A_REFLECTOR_ENABLED)) {
		NL_SET_ERR_MSG(info->extack, "reflector-enabled missing");
		return -EINVAL;
	}
	vpnfo_nl_key(info, &key);
	return vpnfo_reflector_set(vn,
				   nla_get_u8(info->attrs[VPNFO_A_REFLECTOR_ENABLED]),
				   &key, timeout ? nla_get_u32(timeout) : 0,
				   info->extack);
}

static int vpnfo_nl_reflector_get(struct sk_buff *skb, struct genl_info *info)
{
	struct vpnfo_net *vn = vpnfo_pernet(genl_info_net(info));
	struct vpnfo_clients *cl = &vn->refl.clients;
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &vpnfo_family, 0,
				VPNFO_CMD_REFLECTOR_GET);
	if (!hdr)
		goto nla_put_failure;
	if (nla_put_u8(msg, VPNFO_A_REFLECTOR_ENABLED, READ_ONCE(vn->refl.enabled)) ||
	    nla_put_u32(msg, VPNFO_A_CLIENT_TIMEOUT_MS, READ_ONCE(cl->timeout_ms)))
		goto nla_put_failure;
	nest = nla_nest_start(msg, VPNFO_A_STATS);
	if (!nest ||
	    nla_put_u64_64bit(msg, VPNFO_STATS_A_REFLECTED,
			      atomic64_read(&vn->refl.reflected), VPNFO_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, VPNFO_STATS_A_REFUSED,
			      atomic64_read(&vn->refl.refused), VPNFO_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, VPNFO_STATS_A_CLIENTS,
			      max(atomic_read(&cl->count), 0), VPNFO_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, VPNFO_STATS_A_CLIENTS_ADDED,
			      atomic64_read(&cl->added), VPNFO_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, VPNFO_STATS_A_CLIENTS_GONE,
			      atomic64_read(&cl->gone), VPNFO_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, VPNFO_STATS_A_CLIENTS_REFUSED,
			      atomic64_read(&cl->refused), VPNFO_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, VPNFO_STATS_A_CLIENT_EVENTS,
			      atomic64_read(&cl->events), VPNFO_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, VPNFO_STATS_A_CLIENT_EVENTS_COALESCED,
			      atomic64_read(&cl->coalesced), VPNFO_STATS_A_PAD))
		goto nla_put_failure;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nla_put_failure:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static int vpnfo_put_client_key(struct sk_buff *msg,
				const struct vpnfo_client_key *k)
{
	return vpnfo_put_addr(msg, VPNFO_A_CLIENT_OUTER, &k->outer) ||
	       nla_put_u32(msg, VPNFO_A_CLIENT_SPI, ntohl(k->spi)) ||
	       vpnfo_put_addr(msg, VPNFO_A_CLIENT_INNER, &k->inner);
}

static int vpnfo_fill_client(struct sk_buff *msg, const struct vpnfo_client *c,
			     u64 now, u32 portid, u32 seq)
{
	u64 age = now - min(now, READ_ONCE(c->last_ns));
	void *hdr;

	hdr = genlmsg_put(msg, portid, seq, &vpnfo_family, NLM_F_MULTI,
			  VPNFO_CMD_CLIENT_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (vpnfo_put_client_key(msg, &c->key) ||
	    nla_put_u8(msg, VPNFO_A_CLIENT_STATE, READ_ONCE(c->state)) ||
	    nla_put_u32(msg, VPNFO_A_CLIENT_AGE_MS,
			min_t(u64, div_u64(age, NSEC_PER_MSEC), U32_MAX)) ||
	    nla_put_u64_64bit(msg, VPNFO_A_CLIENT_PROBES,
			      atomic64_read(&c->probes), VPNFO_A_PAD)) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return 0;
}

/*
 * CLIENT_GET dump: the table under RCU, resumed at bucket args[2], entry
 * args[3] of it (args[1] is vpnfo_nl_dump_begin's). A client added or
 * expired between two parts of the dump may be missed or listed twice.
 */
static int vpnfo_nl_client_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vpnfo_clients *cl = &vpnfo_pernet(sock_net(skb->sk))->refl.clients;
	unsigned long b = cb->args[2], skip = cb->args[3], i;
	u64 now = ktime_get_ns();
	struct vpnfo_client *c;
	int err;

	err = vpnfo_nl_dump_begin(cb);
	if (err)
		return err;
	rcu_read_lock();
	for (; b < (1UL << VPNFO_CLIENT_HASH_BITS); b++, skip = 0) {
		i = 0;
		hlist_for_each_entry_rcu(c, &cl->buckets[b], node) {
			if (i++ < skip)
				continue;
			if (vpnfo_fill_client(skb, c, now,
					      NETLINK_CB(cb->skb).portid,
					      cb->nlh->nlmsg_seq)) {
				skip = i - 1;
				goto out;
			}
		}
	}
	skip = 0;
out:
	rcu_read_unlock();
	cb->args[2] = b;
	cb->args[3] = skip;
	return skb->len;
}

static void vpnfo_client_event_send(struct net *net,
				    const struct vpnfo_client_event *ev)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_ATOMIC);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &vpnfo_family, 0, VPNFO_CMD_EVENT);
	if (!hdr ||
	    nla_put_u8(msg, VPNFO_A_EVENT, ev->type) ||
	    vpnfo_put_client_key(msg, &ev->key) ||
	    nla_put_u64_64bit(msg, VPNFO_A_TIMESTAMP_NS, ev->timestamp_ns,
			      VPNFO_A_PAD)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&vpnfo_family, net, msg, 0, 0, GFP_ATOMIC);
}

/* Counted as sent once they passed the budget, listeners or not. */
void vpnfo_client_events_send(struct net *net,
			      const struct vpnfo_client_event *ev,
			      unsigned int n)
{
	struct vpnfo_clients *cl = &vpnfo_pernet(net)->refl.clients;
	unsigned int i;

	if (!n)
		return;
	atomic64_add(n, &cl->events);
	rcu_read_lock();
	if (READ_ONCE(vpnfo_genl_live) && genl_has_listeners(&vpnfo_family, net, 0))
		for (i = 0; i < n; i++)
			vpnfo_client_event_send(net, &ev[i]);
	rcu_read_unlock();
}

static const char *const vpnfo_reason_names[] = {
	[VPNFO_REASON_NONE] = "none",
	[VPNFO_REASON_INITIAL] = "initial",
	[VPNFO_REASON_PEER_DOWN] = "peer-down",
	[VPNFO_REASON_FAILBACK] = "failback",
	[VPNFO_REASON_FORCED] = "forced",
	[VPNFO_REASON_PEER_DELETED] = "peer-deleted",
	[VPNFO_REASON_PRIORITY] = "priority",
};

static void vpnfo_event_send(struct net *net, const struct vpnfo_event_msg *m)
{
	struct sk_buff *msg;
	void *hdr;

	if (m->type == VPNFO_EVENT_SWITCH)
		net_info_ratelimited("%s: switch %s -> %s (%s)\n",
				     m->tunnel, m->from[0] ? m->from : "none",
				     m->to[0] ? m->to : "none",
				     vpnfo_reason_names[m->reason]);
	if (!genl_has_listeners(&vpnfo_family, net, 0))
		return;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_ATOMIC);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &vpnfo_family, 0, VPNFO_CMD_EVENT);
	if (!hdr ||
	    nla_put_u8(msg, VPNFO_A_EVENT, m->type) ||
	    nla_put_u8(msg, VPNFO_A_REASON, m->reason) ||
	    nla_put_string(msg, VPNFO_A_TUNNEL, m->tunnel) ||
	    (m->peer[0] && nla_put_string(msg, VPNFO_A_PEER, m->peer)) ||
	    (m->from[0] && nla_put_string(msg, VPNFO_A_FROM, m->from)) ||
	    (m->to[0] && nla_put_string(msg, VPNFO_A_TO, m->to)) ||
	    nla_put_u64_64bit(msg, VPNFO_A_TIMESTAMP_NS, m->timestamp_ns,
			      VPNFO_A_PAD)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&vpnfo_family, net, msg, 0, 0, GFP_ATOMIC);
}

void vpnfo_events_send(struct net *net, const struct vpnfo_events *ev)
{
	unsigned int i;

	rcu_read_lock();
	if (READ_ONCE(vpnfo_genl_live))
		for (i = 0; i < ev->n; i++)
			vpnfo_event_send(net, &ev->msg[i]);
	rcu_read_unlock();
}

static const struct genl_ops vpnfo_ops[] = {
	{
		.cmd = VPNFO_CMD_TUNNEL_NEW,
		.internal_flags = VPNFO_NL_LOCK,
		.doit = vpnfo_nl_tunnel_new,
	},
	{
		.cmd = VPNFO_CMD_TUNNEL_DEL,
		.internal_flags = VPNFO_NL_TUNNEL,
		.doit = vpnfo_nl_tunnel_del,
	},
	{
		.cmd = VPNFO_CMD_TUNNEL_GET,
		.internal_flags = VPNFO_NL_TUNNEL,
		.doit = vpnfo_nl_tunnel_get,
		.dumpit = vpnfo_nl_tunnel_dump,
	},
	{
		.cmd = VPNFO_CMD_TUNNEL_SET,
		.internal_flags = VPNFO_NL_TUNNEL,
		.doit = vpnfo_nl_tunnel_set,
	},
	{
		.cmd = VPNFO_CMD_PEER_NEW,
		.internal_flags = VPNFO_NL_TUNNEL,
		.doit = vpnfo_nl_peer_new,
	},
	{
		.cmd = VPNFO_CMD_PEER_DEL,
		.internal_flags = VPNFO_NL_PEER,
		.doit = vpnfo_nl_peer_del,
	},
	{
		.cmd = VPNFO_CMD_PEER_GET,
		.internal_flags = VPNFO_NL_PEER,
		.doit = vpnfo_nl_peer_get,
		.dumpit = vpnfo_nl_peer_dump,
	},
	{
		.cmd = VPNFO_CMD_PEER_SET,
		.internal_flags = VPNFO_NL_PEER,
		.doit = vpnfo_nl_peer_set,
	},
	{
		.cmd = VPNFO_CMD_SWITCH,
		.internal_flags = VPNFO_NL_PEER_OPT,
		.doit = vpnfo_nl_switch,
	},
	{
		.cmd = VPNFO_CMD_REFLECTOR_SET,
		.internal_flags = VPNFO_NL_LOCK,
		.doit = vpnfo_nl_reflector_set,
	},
	{
		.cmd = VPNFO_CMD_REFLECTOR_GET,
		.doit = vpnfo_nl_reflector_get,
	},
	{
		.cmd = VPNFO_CMD_CLIENT_GET,
		.dumpit = vpnfo_nl_client_dump,
	},
};

static const struct genl_multicast_group vpnfo_mcgrps[] = {
	/*
	 * genl_bind() honours only the GENL_MCAST_CAP_* flags (checked in the
	 * user namespace of the socket's netns), not GENL_UNS_ADMIN_PERM.
	 */
	{ .name = VPNFO_MCGRP_EVENTS, .flags = GENL_MCAST_CAP_NET_ADMIN },
};

static struct genl_family vpnfo_family __ro_after_init = {
	.name = VPNFO_GENL_NAME,
	.version = VPNFO_GENL_VERSION,
	.maxattr = VPNFO_A_MAX,
	.policy = vpnfo_policy,
	.netnsok = true,
	.pre_doit = vpnfo_nl_pre_doit,
	.post_doit = vpnfo_nl_post_doit,
	.module = THIS_MODULE,
	.ops = vpnfo_ops,
	.n_ops = ARRAY_SIZE(vpnfo_ops),
	.resv_start_op = 0,	/* new family: strict validation everywhere */
	.mcgrps = vpnfo_mcgrps,
	.n_mcgrps = ARRAY_SIZE(vpnfo_mcgrps),
};

int vpnfo_genl_register(void)
{
	int err = genl_register_family(&vpnfo_family);

	if (!err)
		WRITE_ONCE(vpnfo_genl_live, true);
	return err;
}

void vpnfo_genl_unregister(void)
{
	/* Timers still run until the namespaces go: stop their events. */
	WRITE_ONCE(vpnfo_genl_live, false);
	synchronize_rcu();
	genl_unregister_family(&vpnfo_family);
}
