// SPDX-License-Identifier: GPL-2.0
/*
 * vpnfo: liveness probing. Each peer has its own hrtimer (softirq mode, so
 * intervals below the 4 ms jiffy work); each tick counts a miss if the last
 * interval brought no good reply, then sends a probe carrying the peer's
 * mark, so that the XFRM lookup takes that peer's own SA. One UDP socket per
 * namespace and family on VPNFO_PROBE_PORT receives both the probes (gateway
 * role, see reflect.c) and the replies (client role, here).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <crypto/sha2.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>
#include <net/xfrm.h>

#include "vpnfo.h"

static int vpnfo_sock_open(struct vpnfo_net *vn, u8 family,
			   struct socket **sockp)
{
	struct udp_tunnel_sock_cfg tcfg = {
		.sk_user_data = vn,
		.encap_type = 1,
		.encap_rcv = vpnfo_udp_rcv,
	};
	struct udp_port_cfg cfg = {
		.family = family,
		.local_udp_port = htons(VPNFO_PROBE_PORT),
		.ipv6_v6only = 1,
		.use_udp6_rx_checksums = 1,
	};
	int err;

	err = udp_sock_create(vn->net, &cfg, sockp);
	if (err)
		return err;
	setup_udp_tunnel_sock(vn->net, *sockp, &tcfg);
	return 0;
}

/* Called with vn->lock held. */
int vpnfo_probe_sock_get(struct vpnfo_net *vn, struct netlink_ext_ack *extack)
{
	int err;

	if (vn->sock_users++)
		return 0;
	err = vpnfo_sock_open(vn, AF_INET, &vn->sock4);
	if (err) {
		vn->sock_users--;
		NL_SET_ERR_MSG(extack, "cannot bind the probe port (UDP "
			       __stringify(VPNFO_PROBE_PORT) ")");
		return err;
	}
	/* A namespace without IPv6 still probes over IPv4. */
	if (vpnfo_sock_open(vn, AF_INET6, &vn->sock6))
		vn->sock6 = NULL;
	return 0;
}

/* Called with vn->lock held. */
void vpnfo_probe_sock_put(struct vpnfo_net *vn)
{
	if (WARN_ON_ONCE(!vn->sock_users) || --vn->sock_users)
		return;
	udp_tunnel_sock_release(vn->sock4);
	vn->sock4 = NULL;
	if (vn->sock6) {
		udp_tunnel_sock_release(vn->sock6);
		vn->sock6 = NULL;
	}
}

int vpnfo_probe_mac(struct vpnfo_key *key, const struct vpnfo_probe_msg *msg,
		    u8 *mac)
{
	SHASH_DESC_ON_STACK(desc, key->tfm);
	struct vpnfo_probe_msg tmp = *msg;
	u8 full[SHA256_DIGEST_SIZE];
	int err;

	memset(tmp.mac, 0, sizeof(tmp.mac));
	desc->tfm = key->tfm;
	err = crypto_shash_digest(desc, (const u8 *)&tmp, sizeof(tmp), full);
	shash_desc_zero(desc);
	if (!err)
		memcpy(mac, full, VPNFO_MAC_LEN);
	memzero_explicit(full, sizeof(full));
	return err;
}

bool vpnfo_probe_mac_ok(struct vpnfo_key *key,
			const struct vpnfo_probe_msg *msg)
{
	u8 mac[VPNFO_MAC_LEN];
	bool ok;

	if (!(ntohs(msg->flags) & VPNFO_PROBE_F_MAC))
		return false;
	if (vpnfo_probe_mac(key, msg, mac))
		return false;
	ok = !crypto_memneq(mac, msg->mac, VPNFO_MAC_LEN);
	memzero_explicit(mac, sizeof(mac));
	return ok;
}

/*
 * True if @skb was decrypted by an ESP tunnel-mode SA whose outer source is
 * @remote. Without a @remote, any ESP tunnel SA will do.
 */
bool vpnfo_rx_via(struct sk_buff *skb, const struct vpnfo_addr *remote)
{
	struct sec_path *sp = skb_sec_path(skb);
	struct xfrm_state *x;

	if (!sp || !sp->len)
		return false;
	x = sp->xvec[sp->len - 1];
	if (x->id.proto != IPPROTO_ESP || x->props.mode != XFRM_MODE_TUNNEL)
		return false;
	if (!remote)
		return true;
	if (x->props.family != remote->family)
		return false;
	if (remote->family == AF_INET)
		return x->props.saddr.a4 == remote->a4;
	return ipv6_addr_equal((const struct in6_addr *)x->props.saddr.a6,
			       &remote->a6);
}

static void vpnfo_udp_fill(struct sk_buff *skb, const void *payload,
			   unsigned int len)
{
	struct udphdr *uh;

	skb_put_data(skb, payload, len);
	uh = skb_push(skb, sizeof(*uh));
	skb_reset_transport_header(skb);
	uh->source = htons(VPNFO_PROBE_PORT);
	uh->dest = htons(VPNFO_PROBE_PORT);
	uh->len = htons(sizeof(*uh) + len);
	uh->check = 0;
	skb->ip_summed = CHECKSUM_NONE;
}

static int vpnfo_xmit4(struct net *net, const struct vpnfo_addr *src,
		       const struct vpnfo_addr *dst, u32 mark,
		       const void *payload, unsigned int len, bool need_xfrm)
{
	struct flowi4 fl4 = {
		.daddr = dst->a4,
		.saddr = src->family == AF_INET ? src->a4 : 0,
		.flowi4_mark = mark,
		.flowi4_proto = IPPROTO_UDP,
		.fl4_sport = htons(VPNFO_PROBE_PORT),
		.fl4_dport = htons(VPNFO_PROBE_PORT),
	};
	unsigned int ulen = sizeof(struct udphdr) + len;
	struct sk_buff *skb;
	struct udphdr *uh;
	struct iphdr *iph;
	struct rtable *rt;
	int err;

	rt = ip_route_output_flow(net, &fl4, NULL);
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	/* A probe never leaves in the clear. */
	if (need_xfrm && !rt->dst.xfrm) {
		ip_rt_put(rt);
		return -EHOSTUNREACH;
	}
	skb = alloc_skb(LL_MAX_HEADER + rt->dst.header_len + sizeof(*iph) +
			ulen + rt->dst.trailer_len, GFP_ATOMIC);
	if (!skb) {
		ip_rt_put(rt);
		return -ENOMEM;
	}
	skb_reserve(skb, LL_MAX_HEADER + rt->dst.header_len + sizeof(*iph) +
		    sizeof(*uh));
	vpnfo_udp_fill(skb, payload, len);
	uh = udp_hdr(skb);
	uh->check = csum_tcpudp_magic(fl4.saddr, fl4.daddr, ulen, IPPROTO_UDP,
				      csum_partial(uh, ulen, 0));
	if (!uh->check)
		uh->check = CSUM_MANGLED_0;

	iph = skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	iph->version = 4;
	iph->ihl = sizeof(*iph) >> 2;
	iph->tos = 0;
	iph->frag_off = htons(IP_DF);
	iph->id = 0;
	iph->ttl = 64;
	iph->protocol = IPPROTO_UDP;
	iph->saddr = fl4.saddr;
	iph->daddr = fl4.daddr;

	memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
	skb->protocol = htons(ETH_P_IP);
	skb->mark = mark;
	skb->dev = rt->dst.dev;
	skb_dst_set(skb, &rt->dst);
	/* net_xmit_eval() evaluates its argument twice: never inline a send. */
	err = ip_local_out(net, NULL, skb);
	return net_xmit_eval(err);
}

static int vpnfo_xmit6(struct net *net, const struct vpnfo_addr *src,
		       const struct vpnfo_addr *dst, u32 mark,
		       const void *payload, unsigned int len, bool need_xfrm)
{
	struct flowi6 fl6 = {
		.daddr = dst->a6,
		.flowi6_mark = mark,
		.flowi6_proto = IPPROTO_UDP,
		.fl6_sport = htons(VPNFO_PROBE_PORT),
		.fl6_dport = htons(VPNFO_PROBE_PORT),
	};
	unsigned int ulen = sizeof(struct udphdr) + len;
	struct dst_entry *dste;
	struct ipv6hdr *ip6h;
	struct sk_buff *skb;
	struct udphdr *uh;
	int err;

	if (src->family == AF_INET6)
		fl6.saddr = src->a6;
	dste = ip6_dst_lookup_flow(net, NULL, &fl6, NULL);
	if (IS_ERR(dste))
		return PTR_ERR(dste);
	if (need_xfrm && !dste->xfrm) {
		dst_release(dste);
		return -EHOSTUNREACH;
	}
	skb = alloc_skb(LL_MAX_HEADER + dste->header_len + sizeof(*ip6h) +
			ulen + dste->trailer_len, GFP_ATOMIC);
	if (!skb) {
		dst_release(dste);
		return -ENOMEM;
	}
	skb_reserve(skb, LL_MAX_HEADER + dste->header_len + sizeof(*ip6h) +
		    sizeof(*uh));
	vpnfo_udp_fill(skb, payload, len);
	uh = udp_hdr(skb);
	uh->check = csum_ipv6_magic(&fl6.saddr, &fl6.daddr, ulen, IPPROTO_UDP,
				    csum_partial(uh, ulen, 0));
	if (!uh->check)
		uh->check = CSUM_MANGLED_0;

	ip6h = skb_push(skb, sizeof(*ip6h));
	skb_reset_network_header(skb);
	ip6_flow_hdr(ip6h, 0, 0);
	ip6h->nexthdr = IPPROTO_UDP;
	ip6h->hop_limit = 64;
	ip6h->saddr = fl6.saddr;
	ip6h->daddr = fl6.daddr;

	memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
	skb->protocol = htons(ETH_P_IPV6);
	skb->mark = mark;
	skb->dev = dste->dev;
	skb_dst_set(skb, dste);
	err = ip6_local_out(net, NULL, skb);
	return net_xmit_eval(err);
}

int vpnfo_probe_xmit(struct net *net, const struct vpnfo_addr *src,
		     const struct vpnfo_addr *dst, u32 mark, const void *payload,
		     unsigned int len, bool need_xfrm)
{
	if (dst->family == AF_INET)
		return vpnfo_xmit4(net, src, dst, mark, payload, len, need_xfrm);
	return vpnfo_xmit6(net, src, dst, mark, payload, len, need_xfrm);
}

static enum hrtimer_restart vpnfo_probe_tick(struct hrtimer *timer)
{
	struct vpnfo_peer *p = container_of(timer, struct vpnfo_peer,
					    probe_timer);
	struct vpnfo_tunnel *t = p->tunnel;
	struct vpnfo_probe_msg msg = {};
	struct vpnfo_events ev = {};
	struct vpnfo_addr src, dst;
	u64 start = ktime_get_ns();
	struct vpnfo_key *key;
	u64 interval;
	u32 mark;

	spin_lock(&t->lock);
	if (p->dead) {
		spin_unlock(&t->lock);
		return HRTIMER_NORESTART;
	}
	if (p->tx_seq && !p->replied) {
		p->misses++;
		p->rises = 0;
		p->probes_lost++;
		if (p->misses >= p->threshold)
			vpnfo_peer_set_state(p, VPNFO_STATE_DOWN, &ev);
	}
	p->replied = false;
	p->probes_tx++;
	msg.seq = cpu_to_be64(++p->tx_seq);
	interval = p->interval_ns;
	src = p->probe_src;
	dst = p->probe_dst;
	mark = p->mark;
	spin_unlock(&t->lock);
	vpnfo_events_send(t->net, &ev);

	msg.magic = htonl(VPNFO_PROBE_MAGIC);
	msg.version = VPNFO_PROBE_VERSION;
	msg.type = VPNFO_PROBE_REQUEST;
	msg.tunnel_id = htonl(t->id);
	msg.peer_id = htonl(p->id);
	msg.tx_ns = cpu_to_be64(start);

	rcu_read_lock();
	key = rcu_dereference(t->key);
	if (key) {
		msg.flags = htons(VPNFO_PROBE_F_MAC);
		vpnfo_probe_mac(key, &msg, msg.mac);
	}
	/* A send error is a lost probe; the next tick counts it. */
	vpnfo_probe_xmit(t->net, &src, &dst, mark, &msg, sizeof(msg), true);
	rcu_read_unlock();

	atomic64_add(ktime_get_ns() - start, &t->probe_cpu_ns);
	hrtimer_forward_now(timer, ns_to_ktime(interval));
	return HRTIMER_RESTART;
}

void vpnfo_probe_start(struct vpnfo_peer *p)
{
	hrtimer_init(&p->probe_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	p->probe_timer.function = vpnfo_probe_tick;
	hrtimer_start(&p->probe_timer, ns_to_ktime(p->interval_ns),
		      HRTIMER_MODE_REL_SOFT);
}

void vpnfo_probe_stop(struct vpnfo_peer *p)
{
	hrtimer_cancel(&p->probe_timer);
}

/* A reply for one of our peers: authentic, fresh, the right size. */
static void vpnfo_probe_reply(struct vpnfo_net *vn, struct sk_buff *skb,
			      const struct vpnfo_addr *saddr,
			      const struct vpnfo_probe_msg *msg)
{
	u64 start = ktime_get_ns(), seq = be64_to_cpu(msg->seq);
	struct vpnfo_events ev = {};
	struct vpnfo_tunnel *t;
	struct vpnfo_key *key;
	struct vpnfo_peer *p;
	bool ok;

	t = vpnfo_tunnel_find_id_rcu(vn, ntohl(msg->tunnel_id));
	if (!t)
		return;
	p = vpnfo_peer_find_id_rcu(t, ntohl(msg->peer_id));
	if (!p)
		return;

	ok = vpnfo_rx_via(skb, &p->remote) &&
	     vpnfo_addr_equal(saddr, &p->probe_dst);
	key = rcu_dereference(t->key);
	if (ok && key)
		ok = vpnfo_probe_mac_ok(key, msg);

	spin_lock_bh(&t->lock);
	if (p->dead)
		goto out;
	/* Fresh: newer than the last accepted, one of the last @threshold. */
	if (!ok || seq <= p->rx_seq || seq > p->tx_seq ||
	    p->tx_seq - seq >= p->threshold) {
		p->probes_bad++;
		net_dbg_ratelimited("%s/%s: refused reply seq %llu\n",
				    t->name, p->name, seq);
		goto out;
	}
	p->rx_seq = seq;
	p->replied = true;
	p->probes_rx++;
	p->misses = 0;
	p->rtt_last_ns = start - be64_to_cpu(msg->tx_ns);
	if (p->rises < U32_MAX)
		p->rises++;
	if (p->state != VPNFO_STATE_UP && p->rises >= p->rise)
		vpnfo_peer_set_state(p, VPNFO_STATE_UP, &ev);
out:
	spin_unlock_bh(&t->lock);
	vpnfo_events_send(t->net, &ev);
	atomic64_add(ktime_get_ns() - start, &t->probe_cpu_ns);
}

/* encap_rcv of the probe socket: runs after UDP's inbound policy check. */
int vpnfo_udp_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct vpnfo_net *vn = vpnfo_pernet(sock_net(sk));
	struct vpnfo_addr saddr = {}, daddr = {};
	struct vpnfo_probe_msg msg;

	if (skb->len != sizeof(struct udphdr) + sizeof(msg) ||
	    skb_copy_bits(skb, sizeof(struct udphdr), &msg, sizeof(msg)))
		goto drop;
	if (ntohl(msg.magic) != VPNFO_PROBE_MAGIC ||
	    msg.version != VPNFO_PROBE_VERSION)
		goto drop;

	if (ip_hdr(skb)->version == 4) {
		saddr.family = daddr.family = AF_INET;
		saddr.a4 = ip_hdr(skb)->saddr;
		daddr.a4 = ip_hdr(skb)->daddr;
	} else {
		saddr.family = daddr.family = AF_INET6;
		saddr.a6 = ipv6_hdr(skb)->saddr;
		daddr.a6 = ipv6_hdr(skb)->daddr;
	}

	rcu_read_lock();
	if (msg.type == VPNFO_PROBE_REPLY)
		vpnfo_probe_reply(vn, skb, &saddr, &msg);
	else if (msg.type == VPNFO_PROBE_REQUEST)
		vpnfo_reflect(vn, skb, &saddr, &daddr, &msg);
	rcu_read_unlock();
	consume_skb(skb);
	return 0;

drop:
	net_dbg_ratelimited("malformed probe of %u bytes dropped\n",
			    skb->len);
	kfree_skb(skb);
	return 0;
}
