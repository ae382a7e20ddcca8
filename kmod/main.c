// SPDX-License-Identifier: GPL-2.0
/*
 * vpnfo: module init/exit and per-namespace state.
 *
 * Unload order matters for fail-closed: netlink goes first (no new
 * configuration), then each namespace's hooks and tunnels (traffic falls to
 * the fallback XFRM policy, which then resolves to a blackhole), and the
 * acquire handler last.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "vpnfo.h"

unsigned int vpnfo_net_id __read_mostly;

static int __net_init vpnfo_net_init(struct net *net)
{
	struct vpnfo_net *vn = vpnfo_pernet(net);
	int err;

	vn->net = net;
	mutex_init(&vn->lock);
	INIT_LIST_HEAD(&vn->tunnels);
	atomic64_set(&vn->refl.reflected, 0);
	atomic64_set(&vn->refl.refused, 0);
	err = vpnfo_reflector_init(vn);
	if (err)
		return err;
	err = vpnfo_hooks_register(net);
	if (err)
		vpnfo_reflector_exit(vn);
	return err;
}

static void __net_exit vpnfo_net_exit(struct net *net)
{
	struct vpnfo_net *vn = vpnfo_pernet(net);
	struct vpnfo_key_cfg nokey = {};
	struct vpnfo_tunnel *t, *tmp;

	vpnfo_hooks_unregister(net);

	mutex_lock(&vn->lock);
	list_for_each_entry_safe(t, tmp, &vn->tunnels, node)
		vpnfo_tunnel_destroy(vn, t);
	vpnfo_reflector_set(vn, false, &nokey, 0, NULL);
	vpnfo_key_set(vn, &vn->refl.key, NULL, 0);
	mutex_unlock(&vn->lock);
	vpnfo_reflector_exit(vn);
}

static struct pernet_operations vpnfo_net_ops = {
	.init = vpnfo_net_init,
	.exit = vpnfo_net_exit,
	.id = &vpnfo_net_id,
	.size = sizeof(struct vpnfo_net),
};

static int __init vpnfo_init(void)
{
	int err;

	err = vpnfo_fallback_register();
	if (err)
		return err;
	err = register_pernet_subsys(&vpnfo_net_ops);
	if (err)
		goto err_fallback;
	err = vpnfo_genl_register();
	if (err)
		goto err_pernet;
	pr_info("loaded\n");
	return 0;

err_pernet:
	unregister_pernet_subsys(&vpnfo_net_ops);
err_fallback:
	vpnfo_fallback_unregister();
	return err;
}

static void __exit vpnfo_exit(void)
{
	vpnfo_genl_unregister();
	unregister_pernet_subsys(&vpnfo_net_ops);
	vpnfo_fallback_unregister();
	rcu_barrier();
	pr_info("unloaded\n");
}

module_init(vpnfo_init);
module_exit(vpnfo_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("In-kernel IPsec peer probing and atomic SA switchover");
MODULE_AUTHOR("vpnfo developers");
MODULE_VERSION(VPNFO_VERSION);
MODULE_ALIAS_GENL_FAMILY(VPNFO_GENL_NAME);
