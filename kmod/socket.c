// SPDX-License-Identifier: GPL-2.0
/*
 * vpnfo: the probe socket. One UDP socket per namespace and family on
 * VPNFO_PROBE_PORT carries both roles: a client's probes and the replies to
 * them (probe.c), and on a gateway the probes it answers (reflect.c). This
 * file owns the sockets, the receive demux and transmission, which goes
 * through the kernel's UDP tunnel helpers on a route that must hold an XFRM
 * bundle: a probe never leaves in the clear.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>
#include <net/xfrm.h>

#include "vpnfo.h"

#define VPNFO_PROBE_TTL 64

static int vpnfo_udp_rcv(struct sock *sk, struct sk_buff *skb);

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

/* One reference per tunnel and one for an enabled reflector. */
int vpnfo_socket_get(struct vpnfo_net *vn, struct netlink_ext_ack *extack)
{
	int err;

	lockdep_assert_held(&vn->lock);

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

void vpnfo_socket_put(struct vpnfo_net *vn)
{
	lockdep_assert_held(&vn->lock);

	if (WARN_ON_ONCE(!vn->sock_users) || --vn->sock_users)
		return;
	udp_tunnel_sock_release(vn->sock4);
	vn->sock4 = NULL;
	if (vn->sock6) {
		udp_tunnel_sock_release(vn->sock6);
		vn->sock6 = NULL;
	}
}

/* The ESP tunnel-mode SA that decrypted @skb last, or NULL. */
struct xfrm_state *vpnfo_rx_state(struct sk_buff *skb)
{
	struct sec_path *sp = skb_sec_path(skb);
	struct xfrm_state *x;

	if (!sp || !sp->len)
		return NULL;
	x = sp->xvec[sp->len - 1];
	if (x->id.proto != IPPROTO_ESP || x->props.mode != XFRM_MODE_TUNNEL)
		return NULL;
	return x;
}

/*
 * True if @skb was decrypted by an ESP tunnel-mode SA whose outer source is
 * @remote. Without a @remote, any ESP tunnel SA will do.
 */
bool vpnfo_rx_via(struct sk_buff *skb, const struct vpnfo_addr *remote)
{
	struct xfrm_state *x = vpnfo_rx_state(skb);

	if (!x)
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

/* Room for the outer headers the XFRM bundle adds, then ours. */
static struct sk_buff *vpnfo_skb_alloc(const struct dst_entry *dst,
				       unsigned int nhlen, const void *payload,
				       unsigned int len)
{
	unsigned int head = LL_MAX_HEADER + dst->header_len + nhlen +
			    sizeof(struct udphdr);
	struct sk_buff *skb;

	skb = alloc_skb(head + len + dst->trailer_len, GFP_ATOMIC);
	if (!skb)
		return NULL;
	skb_reserve(skb, head);
	skb_put_data(skb, payload, len);
	return skb;
}

static int vpnfo_send4(struct vpnfo_net *vn, const struct vpnfo_addr *src,
		       const struct vpnfo_addr *dst, u32 mark,
		       const void *payload, unsigned int len)
{
	struct flowi4 fl4 = {
		.daddr = dst->a4,
		.saddr = src->family == AF_INET ? src->a4 : 0,
		.flowi4_mark = mark,
		.flowi4_proto = IPPROTO_UDP,
		.fl4_sport = htons(VPNFO_PROBE_PORT),
		.fl4_dport = htons(VPNFO_PROBE_PORT),
	};
	struct socket *sock = READ_ONCE(vn->sock4);
	struct sk_buff *skb;
	struct rtable *rt;

	if (!sock)
		return -ENOTCONN;
	rt = ip_route_output_flow(vn->net, &fl4, NULL);
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	if (!rt->dst.xfrm) {
		ip_rt_put(rt);
		return -EHOSTUNREACH;
	}
	skb = vpnfo_skb_alloc(&rt->dst, sizeof(struct iphdr), payload, len);
	if (!skb) {
		ip_rt_put(rt);
		return -ENOMEM;
	}
	/* The mark survives (xnet false); skb->dev stays NULL: no tunnel dev. */
	skb->mark = mark;
	udp_tunnel_xmit_skb(rt, sock->sk, skb, fl4.saddr, fl4.daddr, 0,
			    VPNFO_PROBE_TTL, htons(IP_DF),
			    htons(VPNFO_PROBE_PORT), htons(VPNFO_PROBE_PORT),
			    false, false);
	return 0;
}

static int vpnfo_send6(struct vpnfo_net *vn, const struct vpnfo_addr *src,
		       const struct vpnfo_addr *dst, u32 mark,
		       const void *payload, unsigned int len)
{
	struct flowi6 fl6 = {
		.daddr = dst->a6,
		.flowi6_mark = mark,
		.flowi6_proto = IPPROTO_UDP,
		.fl6_sport = htons(VPNFO_PROBE_PORT),
		.fl6_dport = htons(VPNFO_PROBE_PORT),
	};
	struct socket *sock = READ_ONCE(vn->sock6);
	struct dst_entry *dste;
	struct sk_buff *skb;

	if (!sock)
		return -ENOTCONN;
	if (src->family == AF_INET6)
		fl6.saddr = src->a6;
	dste = ip6_dst_lookup_flow(vn->net, NULL, &fl6, NULL);
	if (IS_ERR(dste))
		return PTR_ERR(dste);
	if (!dste->xfrm) {
		dst_release(dste);
		return -EHOSTUNREACH;
	}
	skb = vpnfo_skb_alloc(dste, sizeof(struct ipv6hdr), payload, len);
	if (!skb) {
		dst_release(dste);
		return -ENOMEM;
	}
	skb->mark = mark;
	udp_tunnel6_xmit_skb(dste, sock->sk, skb, NULL, &fl6.saddr, &fl6.daddr,
			     0, VPNFO_PROBE_TTL, 0, htons(VPNFO_PROBE_PORT),
			     htons(VPNFO_PROBE_PORT), false);
	return 0;
}

/*
 * Sends one probe message from @src (family 0: chosen by routing) to @dst
 * with @mark, so that the XFRM lookup picks the SA the caller means. Fails
 * when the route holds no XFRM bundle. Called under rcu_read_lock.
 */
int vpnfo_socket_send(struct vpnfo_net *vn, const struct vpnfo_addr *src,
		      const struct vpnfo_addr *dst, u32 mark,
		      const void *payload, unsigned int len)
{
	if (dst->family == AF_INET)
		return vpnfo_send4(vn, src, dst, mark, payload, len);
	return vpnfo_send6(vn, src, dst, mark, payload, len);
}

static void vpnfo_skb_addrs(const struct sk_buff *skb, struct vpnfo_addr *saddr,
			    struct vpnfo_addr *daddr)
{
	memset(saddr, 0, sizeof(*saddr));
	memset(daddr, 0, sizeof(*daddr));
	if (ip_hdr(skb)->version == 4) {
		saddr->family = daddr->family = AF_INET;
		saddr->a4 = ip_hdr(skb)->saddr;
		daddr->a4 = ip_hdr(skb)->daddr;
	} else {
		saddr->family = daddr->family = AF_INET6;
		saddr->a6 = ipv6_hdr(skb)->saddr;
		daddr->a6 = ipv6_hdr(skb)->daddr;
	}
}

/* encap_rcv of the probe socket: runs after UDP's inbound policy check. */
static int vpnfo_udp_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct vpnfo_net *vn = vpnfo_pernet(sock_net(sk));
	struct vpnfo_addr saddr, daddr;
	struct vpnfo_probe_msg msg;

	if (skb->len != sizeof(struct udphdr) + sizeof(msg) ||
	    skb_copy_bits(skb, sizeof(struct udphdr), &msg, sizeof(msg)))
		goto drop;
	if (ntohl(msg.magic) != VPNFO_PROBE_MAGIC ||
	    msg.version != VPNFO_PROBE_VERSION)
		goto drop;
	vpnfo_skb_addrs(skb, &saddr, &daddr);

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
