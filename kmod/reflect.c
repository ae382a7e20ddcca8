// SPDX-License-Identifier: GPL-2.0
/*
 * vpnfo: the gateway side. Answers a probe in the kernel, so that liveness
 * means "this gateway decrypts, routes and encrypts", not "a daemon is
 * scheduled". Only probes that arrived through an ESP tunnel SA are
 * answered, only through an SA (never in the clear), with the same size.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/skbuff.h>

#include "vpnfo.h"

/* Called under rcu_read_lock from the probe socket's receive path. */
void vpnfo_reflect(struct vpnfo_net *vn, struct sk_buff *skb,
		   const struct vpnfo_addr *saddr,
		   const struct vpnfo_addr *daddr,
		   const struct vpnfo_probe_msg *req)
{
	struct vpnfo_probe_msg rep = *req;
	struct vpnfo_key *key;

	if (!READ_ONCE(vn->refl.enabled))
		return;
	if (!vpnfo_rx_via(skb, NULL))
		goto refuse;
	key = rcu_dereference(vn->refl.key);
	if (key && !vpnfo_probe_mac_ok(key, req))
		goto refuse;

	rep.type = VPNFO_PROBE_REPLY;
	memset(rep.mac, 0, sizeof(rep.mac));
	rep.flags = 0;
	if (key) {
		rep.flags = htons(VPNFO_PROBE_F_MAC);
		if (vpnfo_probe_mac(key, &rep, rep.mac))
			goto refuse;
	}
	if (vpnfo_probe_xmit(vn->net, daddr, saddr, 0, &rep, sizeof(rep), true))
		goto refuse;
	atomic64_inc(&vn->refl.reflected);
	return;

refuse:
	atomic64_inc(&vn->refl.refused);
	net_dbg_ratelimited("probe from %s refused\n",
			    saddr->family == AF_INET ? "IPv4" : "IPv6");
}
