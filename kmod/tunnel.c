// SPDX-License-Identifier: GPL-2.0
/*
 * vpnfo: tunnels and peers — lookup, creation, destruction, counters.
 *
 * Readers (hooks, probe replies) walk the lists under RCU. Writers hold
 * vpnfo_net.lock; the fields the state machine touches are also guarded by
 * vpnfo_tunnel.lock. Destruction marks objects dead under the tunnel lock
 * (so timers and replies stop re-arming), cancels the timers, waits for an
 * RCU grace period and frees.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/hash.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/ipv6.h>
#include <linux/inetdevice.h>
#include <net/ip.h>

#include "vpnfo.h"

bool vpnfo_tunnel_covers(const struct vpnfo_tunnel *t, u16 family,
			 const void *saddr, const void *daddr)
{
	unsigned int i;

	for (i = 0; i < t->n_sels; i++)
		if (vpnfo_sel_match(&t->sels[i], family, saddr, daddr))
			return true;
	return false;
}

struct vpnfo_tunnel *vpnfo_tunnel_find(struct vpnfo_net *vn, const char *name)
{
	struct vpnfo_tunnel *t;

	list_for_each_entry(t, &vn->tunnels, node)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

struct vpnfo_tunnel *vpnfo_tunnel_find_id_rcu(struct vpnfo_net *vn, u32 id)
{
	struct vpnfo_tunnel *t;

	list_for_each_entry_rcu(t, &vn->tunnels, node)
		if (t->id == id)
			return t;
	return NULL;
}

struct vpnfo_peer *vpnfo_peer_find(struct vpnfo_tunnel *t, const char *name)
{
	struct vpnfo_peer *p;

	list_for_each_entry(p, &t->peers, node)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

struct vpnfo_peer *vpnfo_peer_find_id_rcu(struct vpnfo_tunnel *t, u32 id)
{
	struct vpnfo_peer *p;

	list_for_each_entry_rcu(p, &t->peers, node)
		if (p->id == id)
			return p;
	return NULL;
}

static void vpnfo_key_free(struct vpnfo_key *k)
{
	if (!k)
		return;
	crypto_free_shash(k->tfm);	/* frees the keyed context zeroed */
	kfree(k);
}

/* Replace the key in @slot (len 0 clears it). */
int vpnfo_key_set(struct vpnfo_net *vn, struct vpnfo_key __rcu **slot,
		  const u8 *key, unsigned int len)
{
	struct vpnfo_key *new = NULL, *old;
	int err;

	lockdep_assert_held(&vn->lock);

	if (len) {
		new = kzalloc(sizeof(*new), GFP_KERNEL);
		if (!new)
			return -ENOMEM;
		new->tfm = crypto_alloc_shash("hmac(sha256)", 0, 0);
		if (IS_ERR(new->tfm)) {
			err = PTR_ERR(new->tfm);
			kfree(new);
			return err;
		}
		err = crypto_shash_setkey(new->tfm, key, len);
		if (err) {
			vpnfo_key_free(new);
			return err;
		}
	}
	old = rcu_replace_pointer(*slot, new, lockdep_is_held(&vn->lock));
	if (old) {
		synchronize_rcu();
		vpnfo_key_free(old);
	}
	return 0;
}

/* A key from a request; a refusal points at its attribute. */
int vpnfo_key_apply(struct vpnfo_net *vn, struct vpnfo_key __rcu **slot,
		    const struct vpnfo_key_cfg *key,
		    struct netlink_ext_ack *extack)
{
	int err = vpnfo_key_set(vn, slot, key->data, key->len);

	if (err)
		NL_SET_ERR_MSG_ATTR(extack, key->attr, "cannot set the probe key");
	return err;
}

static struct vpnfo_tunnel *
vpnfo_tunnel_create(struct vpnfo_net *vn, const struct vpnfo_tunnel_cfg *cfg,
		    struct netlink_ext_ack *extack)
{
	struct vpnfo_tunnel *t;
	int err;

	lockdep_assert_held(&vn->lock);

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return ERR_PTR(-ENOMEM);
	t->pcpu = netdev_alloc_pcpu_stats(struct vpnfo_pcpu_stats);
	if (!t->pcpu) {
		kfree(t);
		return ERR_PTR(-ENOMEM);
	}
	err = vpnfo_socket_get(vn, extack);
	if (err) {
		free_percpu(t->pcpu);
		kfree(t);
		return ERR_PTR(err);
	}
	t->net = vn->net;
	strscpy(t->name, cfg->name, sizeof(t->name));
	t->id = ++vn->next_id;
	t->mark_mask = cfg->mark_mask;
	t->failback_hold_ms = cfg->hold_ms;
	memcpy(t->sels, cfg->sels, cfg->n_sels * sizeof(*cfg->sels));
	t->n_sels = cfg->n_sels;
	INIT_LIST_HEAD(&t->peers);
	spin_lock_init(&t->lock);
	atomic64_set(&t->probe_cpu_ns, 0);
	vpnfo_tunnel_timers_init(t);

	list_add_tail_rcu(&t->node, &vn->tunnels);
	WRITE_ONCE(vn->n_tunnels, vn->n_tunnels + 1);
	return t;
}

/* Adds a tunnel. Refused: a name already used in this namespace. */
int vpnfo_tunnel_add(struct vpnfo_net *vn, const struct vpnfo_tunnel_cfg *cfg,
		     struct netlink_ext_ack *extack)
{
	struct vpnfo_tunnel *t;
	int err;

	lockdep_assert_held(&vn->lock);

	if (vpnfo_tunnel_find(vn, cfg->name)) {
		NL_SET_ERR_MSG_ATTR(extack, cfg->name_attr, "tunnel exists");
		return -EEXIST;
	}
	t = vpnfo_tunnel_create(vn, cfg, extack);
	if (IS_ERR(t))
		return PTR_ERR(t);
	if (!cfg->key.attr)
		return 0;
	err = vpnfo_key_apply(vn, &t->key, &cfg->key, extack);
	if (err)
		vpnfo_tunnel_destroy(vn, t);
	return err;
}

/* Failback hold changes take effect now: a pending failback is re-decided. */
void vpnfo_tunnel_set_hold(struct vpnfo_tunnel *t, u32 hold_ms)
{
	struct vpnfo_events ev = {};

	lockdep_assert_held(&vpnfo_pernet(t->net)->lock);

	spin_lock_bh(&t->lock);
	t->failback_hold_ms = hold_ms;
	vpnfo_select(t, VPNFO_REASON_NONE, &ev);
	spin_unlock_bh(&t->lock);
	vpnfo_events_send(t->net, &ev);
}

static void vpnfo_peer_free(struct vpnfo_peer *p)
{
	free_percpu(p->pcpu);
	kfree(p);
}

/* Unlinked peer with defaults. */
static struct vpnfo_peer *vpnfo_peer_create(struct vpnfo_tunnel *t,
					    const char *name)
{
	struct vpnfo_peer *p;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return NULL;
	p->pcpu = netdev_alloc_pcpu_stats(struct vpnfo_pcpu_stats);
	if (!p->pcpu) {
		kfree(p);
		return NULL;
	}
	p->tunnel = t;
	strscpy(p->name, name, sizeof(p->name));
	p->interval_ns = (u64)VPNFO_INTERVAL_US_DEFAULT * NSEC_PER_USEC;
	p->threshold = VPNFO_THRESHOLD_DEFAULT;
	p->rise = VPNFO_RISE_DEFAULT;
	p->state = VPNFO_STATE_PROBING;
	return p;
}

/*
 * The settings PEER_NEW and PEER_SET share: priority and probe parameters.
 * The caller re-selects when the priority changed on a linked peer.
 */
static void vpnfo_peer_apply(struct vpnfo_peer *p,
			     const struct vpnfo_peer_cfg *cfg)
{
	lockdep_assert_held(&p->tunnel->lock);

	if (cfg->interval_us)
		p->interval_ns = (u64)cfg->interval_us * NSEC_PER_USEC;
	if (cfg->threshold)
		p->threshold = cfg->threshold;
	if (cfg->rise)
		p->rise = cfg->rise;
	if (cfg->set_priority)
		p->priority = cfg->priority;
}

/*
 * Probes must travel inside the tunnel: the probe address (and the source,
 * when given) must fall inside one of the tunnel's selectors.
 */
static int vpnfo_peer_check_probe(const struct vpnfo_tunnel *t,
				  const struct vpnfo_peer_cfg *cfg,
				  struct netlink_ext_ack *extack)
{
	const struct vpnfo_addr *src = &cfg->probe_src, *dst = &cfg->probe_dst;
	unsigned int i;

	if (src->family && src->family != dst->family) {
		NL_SET_ERR_MSG_ATTR(extack, cfg->probe_src_attr,
				    "probe source and destination differ in family");
		return -EINVAL;
	}
	for (i = 0; i < t->n_sels; i++) {
		const struct vpnfo_sel *sel = &t->sels[i];

		if (sel->dst.family != dst->family ||
		    !vpnfo_addr_in_prefix(&sel->dst, sel->dst_plen, &dst->a4))
			continue;
		if (src->family &&
		    !vpnfo_addr_in_prefix(&sel->src, sel->src_plen, &src->a4))
			continue;
		return 0;
	}
	NL_SET_ERR_MSG_ATTR(extack, cfg->probe_dst_attr,
			    "probe address is outside the tunnel's selectors");
	return -EINVAL;
}

/*
 * Adds a peer and starts probing it. Refused: a name or mark already used
 * in the tunnel, a full tunnel, a mark outside the tunnel's mark-mask, a
 * probe address outside the selectors.
 */
int vpnfo_peer_add(struct vpnfo_tunnel *t, const struct vpnfo_peer_cfg *cfg,
		   struct netlink_ext_ack *extack)
{
	struct vpnfo_peer *p, *q;
	int err;

	lockdep_assert_held(&vpnfo_pernet(t->net)->lock);

	if (vpnfo_peer_find(t, cfg->name)) {
		NL_SET_ERR_MSG_ATTR(extack, cfg->name_attr, "peer exists");
		return -EEXIST;
	}
	if (t->n_peers >= VPNFO_PEERS_MAX) {
		NL_SET_ERR_MSG(extack, "too many peers in this tunnel");
		return -ENOSPC;
	}
	if (cfg->mark & ~t->mark_mask) {
		NL_SET_ERR_MSG_ATTR(extack, cfg->mark_attr,
				    "mark has bits outside the tunnel's mark-mask");
		return -EINVAL;
	}
	list_for_each_entry(q, &t->peers, node) {
		if (q->mark == cfg->mark) {
			NL_SET_ERR_MSG_ATTR(extack, cfg->mark_attr,
					    "mark used by another peer");
			return -EEXIST;
		}
	}
	err = vpnfo_peer_check_probe(t, cfg, extack);
	if (err)
		return err;

	p = vpnfo_peer_create(t, cfg->name);
	if (!p)
		return -ENOMEM;
	p->mark = cfg->mark;
	p->remote = cfg->remote;
	p->probe_dst = cfg->probe_dst;
	p->probe_src = cfg->probe_src;

	spin_lock_bh(&t->lock);
	vpnfo_peer_apply(p, cfg);
	p->id = ++t->next_peer_id;
	list_add_tail_rcu(&p->node, &t->peers);
	t->n_peers++;
	spin_unlock_bh(&t->lock);
	vpnfo_probe_start(p);
	return 0;
}

/* PEER_SET: new probe parameters apply from the next tick. */
void vpnfo_peer_change(struct vpnfo_tunnel *t, struct vpnfo_peer *p,
		       const struct vpnfo_peer_cfg *cfg)
{
	struct vpnfo_events ev = {};

	lockdep_assert_held(&vpnfo_pernet(t->net)->lock);

	spin_lock_bh(&t->lock);
	vpnfo_peer_apply(p, cfg);
	if (cfg->set_priority)
		vpnfo_select(t, VPNFO_REASON_PRIORITY, &ev);
	spin_unlock_bh(&t->lock);
	vpnfo_events_send(t->net, &ev);
}

void vpnfo_peer_destroy(struct vpnfo_tunnel *t, struct vpnfo_peer *p)
{
	struct vpnfo_events ev = {};

	lockdep_assert_held(&vpnfo_pernet(t->net)->lock);

	spin_lock_bh(&t->lock);
	list_del_rcu(&p->node);
	t->n_peers--;
	p->dead = true;
	if (rcu_access_pointer(t->active) == p)
		vpnfo_select(t, VPNFO_REASON_PEER_DELETED, &ev);
	spin_unlock_bh(&t->lock);
	vpnfo_events_send(t->net, &ev);

	vpnfo_probe_stop(p);
	synchronize_net();
	vpnfo_peer_free(p);
}

void vpnfo_tunnel_destroy(struct vpnfo_net *vn, struct vpnfo_tunnel *t)
{
	struct vpnfo_peer *p, *tmp;
	struct vpnfo_key *key;

	lockdep_assert_held(&vn->lock);

	list_del_rcu(&t->node);
	WRITE_ONCE(vn->n_tunnels, vn->n_tunnels - 1);

	spin_lock_bh(&t->lock);
	t->dead = true;
	list_for_each_entry(p, &t->peers, node)
		p->dead = true;
	RCU_INIT_POINTER(t->active, NULL);
	spin_unlock_bh(&t->lock);

	hrtimer_cancel(&t->failback_timer);
	list_for_each_entry(p, &t->peers, node)
		vpnfo_probe_stop(p);
	synchronize_net();

	list_for_each_entry_safe(p, tmp, &t->peers, node)
		vpnfo_peer_free(p);
	key = rcu_dereference_protected(t->key, lockdep_is_held(&vn->lock));
	vpnfo_key_free(key);
	free_percpu(t->pcpu);
	kfree(t);
	vpnfo_socket_put(vn);
}

static void vpnfo_pcpu_sum(struct vpnfo_pcpu_stats __percpu *pcpu,
			   u64 *tx, u64 *drop)
{
	int cpu;

	*tx = 0;
	if (drop)
		*drop = 0;
	for_each_possible_cpu(cpu) {
		const struct vpnfo_pcpu_stats *s = per_cpu_ptr(pcpu, cpu);
		unsigned int start;
		u64 a, b;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			a = u64_stats_read(&s->tx_packets);
			b = u64_stats_read(&s->drop_packets);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		*tx += a;
		if (drop)
			*drop += b;
	}
}

void vpnfo_tunnel_stats(const struct vpnfo_tunnel *t, u64 *tx, u64 *drop)
{
	vpnfo_pcpu_sum(t->pcpu, tx, drop);
}

void vpnfo_peer_stats(const struct vpnfo_peer *p, u64 *tx)
{
	vpnfo_pcpu_sum(p->pcpu, tx, NULL);
}
