// SPDX-License-Identifier: GPL-2.0
/*
 * vpnfo: the fail-closed fallback. Under each selector's per-peer out
 * policies userspace installs one lowest-priority policy with no mark whose
 * template (reqid VPNFO_FALLBACK_REQID) never has an SA. Unmarked packets
 * hit it: a route lookup for a local socket then needs a key manager to
 * accept the acquire, or it fails. We are that key manager while a tunnel
 * exists in the namespace: the lookup yields a blackhole route (with the
 * default xfrm_larval_drop), the socket can send, and the LOCAL_OUT hook
 * re-routes each packet by the active peer's mark. Without the module (or
 * the tunnel) the acquire is refused and the lookup fails. In no case is
 * there a plaintext route for protected traffic.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <net/xfrm.h>

#include "vpnfo.h"

static int vpnfo_km_acquire(struct xfrm_state *x, struct xfrm_tmpl *tmpl,
			    struct xfrm_policy *xp)
{
	if (tmpl->reqid != VPNFO_FALLBACK_REQID)
		return -EINVAL;
	return READ_ONCE(vpnfo_pernet(xs_net(x))->n_tunnels) ? 0 : -ESRCH;
}

/* Socket policies (IP_XFRM_POLICY) are not ours to compile. */
static struct xfrm_policy *vpnfo_km_compile(struct sock *sk, int opt, u8 *data,
					    int len, int *dir)
{
	*dir = -EOPNOTSUPP;
	return NULL;
}

static struct xfrm_mgr vpnfo_km = {
	.acquire = vpnfo_km_acquire,
	.compile_policy = vpnfo_km_compile,
};

int vpnfo_fallback_register(void)
{
	xfrm_register_km(&vpnfo_km);
	return 0;
}

void vpnfo_fallback_unregister(void)
{
	xfrm_unregister_km(&vpnfo_km);
}
