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

/*
 * REFLECTOR_SET: enabling takes a reference on the probe socket, disabling
 * drops it; a key in the request replaces the reflector's key first.
 */
int vpnfo_reflector_set(struct vpnfo_net *vn, bool enable,
			const struct vpnfo_key_cfg *key,
			struct netlink_ext_ack *extack)
{
	int err;

	lockdep_assert_held(&vn->lock);

	if (key->attr) {
		err = vpnfo_key_apply(vn, &vn->refl.key, key, extack);
		if (err)
			return err;
	}
	if (enable && !vn->refl.enabled) {
		err = vpnfo_socket_get(vn, extack);
		if (err)
			return err;
		WRITE_ONCE(vn->refl.enabled, true);
	} else if (!enable && vn->refl.enabled) {
		WRITE_ONCE(vn->refl.enabled, false);
		vpnfo_socket_put(vn);
	}
	return 0;
}

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
	if (vpnfo_socket_send(vn, daddr, saddr, 0, &rep, sizeof(rep)))
		goto refuse;
	atomic64_inc(&vn->refl.reflected);
	return;

refuse:
	atomic64_inc(&vn->refl.refused);
	net_dbg_ratelimited("probe from %s refused\n",
			    saddr->family == AF_INET ? "IPv4" : "IPv6");
}
