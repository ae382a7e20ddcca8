// SPDX-License-Identifier: GPL-2.0
/*
 * vpnfo: choice of the active peer, the atomic switch, failback with a hold
 * time, and the netfilter hooks that steer (or drop) protected traffic.
 *
 * The switch is one pointer store (tunnel->active). The hooks read it once
 * per packet and write that peer's mark into skb->mark; the XFRM out policy
 * carrying that mark then picks the peer's SA. A packet therefore leaves on
 * the old SA or on the new one, never on neither. See
 * Documentation/switchover.md.
 *
 * Two times are kept per switch: decision -> new peer published (the switch
 * itself) and decision -> first packet steered to the new peer (which also
 * counts the wait for the next packet to come along).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/netfilter/nf_queue.h>
#include <net/sock.h>
#include <net/xfrm.h>

#include "vpnfo.h"

void vpnfo_event_add(struct vpnfo_events *ev, u8 type, u8 reason,
		     const struct vpnfo_tunnel *t, const struct vpnfo_peer *peer,
		     const struct vpnfo_peer *from, const struct vpnfo_peer *to)
{
	struct vpnfo_event_msg *m;

	if (WARN_ON_ONCE(ev->n >= VPNFO_EVENTS_MAX))
		return;
	m = &ev->msg[ev->n++];
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->reason = reason;
	m->timestamp_ns = ktime_get_ns();
	strscpy(m->tunnel, t->name, sizeof(m->tunnel));
	if (peer)
		strscpy(m->peer, peer->name, sizeof(m->peer));
	if (from)
		strscpy(m->from, from->name, sizeof(m->from));
	if (to)
		strscpy(m->to, to->name, sizeof(m->to));
}

static bool vpnfo_peer_usable(const struct vpnfo_peer *p)
{
	return p && !p->dead && p->state == VPNFO_STATE_UP;
}

/* Best-priority peer that is up; ties go to the older peer. */
static struct vpnfo_peer *vpnfo_best_up(struct vpnfo_tunnel *t)
{
	struct vpnfo_peer *p, *best = NULL;

	list_for_each_entry(p, &t->peers, node) {
		if (!vpnfo_peer_usable(p))
			continue;
		if (!best || p->priority < best->priority)
			best = p;
	}
	return best;
}

/* The switch itself: one pointer store. */
static void vpnfo_switch_to(struct vpnfo_tunnel *t, struct vpnfo_peer *to,
			    u8 reason, u64 decided, struct vpnfo_events *ev)
{
	struct vpnfo_peer *from;
	u64 lat;

	lockdep_assert_held(&t->lock);

	from = rcu_dereference_protected(t->active, lockdep_is_held(&t->lock));
	rcu_assign_pointer(t->active, to);
	/* From here on every packet the hooks see takes the new SA. */
	lat = ktime_get_ns() - decided;

	if (!from && to)
		reason = t->ever_active ? VPNFO_REASON_NONE : VPNFO_REASON_INITIAL;
	if (to) {
		t->switch_lat_last_ns = lat;
		t->switch_lat_max_ns = max(t->switch_lat_max_ns, lat);
		t->switch_lat_sum_ns += lat;
		t->switch_lat_count++;
		t->switch_target = to;
		t->switch_decided_ns = decided;
	}
	/* Publish the pending flag after the pointer, for the data path. */
	smp_store_release(&t->switch_pending, to ? 1 : 0);
	t->switches++;

	vpnfo_event_add(ev, VPNFO_EVENT_SWITCH, reason, t, NULL, from, to);
	if (!to)
		vpnfo_event_add(ev, VPNFO_EVENT_ALL_DOWN, reason, t, NULL, from,
				NULL);
	else if (!from && t->ever_active)
		vpnfo_event_add(ev, VPNFO_EVENT_RECOVERED, reason, t, to, NULL,
				to);
	if (to)
		t->ever_active = true;
	if (to && from)
		pr_debug("%s: switch %s -> %s (reason %u)\n", t->name,
			 from->name, to->name, reason);
}

/*
 * Re-evaluate the active peer, after anything that can change the answer:
 * a peer's state, a priority, a deletion, the end of a failback hold. @reason only matters for VPNFO_REASON_PRIORITY, which
 * moves at once; moving back to a better peer otherwise waits until it has
 * been up for the tunnel's failback hold.
 */
void vpnfo_select(struct vpnfo_tunnel *t, u8 reason, struct vpnfo_events *ev)
{
	u64 decided = ktime_get_ns(), hold, up_for;
	struct vpnfo_peer *cur, *best;

	lockdep_assert_held(&t->lock);

	if (t->dead)
		return;
	cur = rcu_dereference_protected(t->active, lockdep_is_held(&t->lock));
	if (t->pinned) {
		if (vpnfo_peer_usable(cur))
			return;
		t->pinned = false;
	}
	best = vpnfo_best_up(t);
	if (best == cur)
		return;

	if (!vpnfo_peer_usable(cur)) {
		if (!cur && !best)
			return;
		vpnfo_switch_to(t, best, cur && cur->dead ?
				VPNFO_REASON_PEER_DELETED : VPNFO_REASON_PEER_DOWN,
				decided, ev);
		return;
	}

	/* cur is up: move only to a strictly better peer. */
	if (!best || best->priority >= cur->priority)
		return;
	if (reason == VPNFO_REASON_PRIORITY) {
		vpnfo_switch_to(t, best, reason, decided, ev);
		return;
	}
	hold = (u64)t->failback_hold_ms * NSEC_PER_MSEC;
	up_for = decided - best->up_since_ns;
	if (up_for >= hold) {
		vpnfo_switch_to(t, best, VPNFO_REASON_FAILBACK, decided, ev);
		return;
	}
	hrtimer_start(&t->failback_timer, ns_to_ktime(hold - up_for),
		      HRTIMER_MODE_REL_SOFT);
}

/*
 * SWITCH: pins @p as the active peer (it must be usable), or with no @p
 * unpins and lets the priorities decide again.
 */
int vpnfo_force_switch(struct vpnfo_tunnel *t, struct vpnfo_peer *p)
{
	struct vpnfo_events ev = {};
	int err = 0;

	lockdep_assert_held(&vpnfo_pernet(t->net)->lock);

	spin_lock_bh(&t->lock);
	if (!p) {
		t->pinned = false;
		vpnfo_select(t, VPNFO_REASON_NONE, &ev);
	} else if (!vpnfo_peer_usable(p)) {
		err = -ENETUNREACH;
	} else {
		t->pinned = true;
		if (rcu_access_pointer(t->active) != p)
			vpnfo_switch_to(t, p, VPNFO_REASON_FORCED,
					ktime_get_ns(), &ev);
	}
	spin_unlock_bh(&t->lock);
	vpnfo_events_send(t->net, &ev);
	return err;
}

void vpnfo_peer_set_state(struct vpnfo_peer *p, u8 state,
			  struct vpnfo_events *ev)
{
	struct vpnfo_tunnel *t = p->tunnel;

	lockdep_assert_held(&t->lock);

	if (p->state == state)
		return;
	p->state = state;
	if (state == VPNFO_STATE_UP) {
		p->up_since_ns = ktime_get_ns();
		p->up_events++;
		vpnfo_event_add(ev, VPNFO_EVENT_PEER_UP, VPNFO_REASON_NONE, t, p,
				NULL, NULL);
	} else if (state == VPNFO_STATE_DOWN) {
		p->down_events++;
		vpnfo_event_add(ev, VPNFO_EVENT_PEER_DOWN, VPNFO_REASON_NONE, t,
				p, NULL, NULL);
	}
	vpnfo_select(t, VPNFO_REASON_NONE, ev);
}

static enum hrtimer_restart vpnfo_failback_expired(struct hrtimer *timer)
{
	struct vpnfo_tunnel *t = container_of(timer, struct vpnfo_tunnel,
					      failback_timer);
	struct vpnfo_events ev = {};

	spin_lock(&t->lock);
	vpnfo_select(t, VPNFO_REASON_FAILBACK, &ev);
	spin_unlock(&t->lock);
	vpnfo_events_send(t->net, &ev);
	return HRTIMER_NORESTART;
}

void vpnfo_tunnel_timers_init(struct vpnfo_tunnel *t)
{
	vpnfo_hrtimer_setup(&t->failback_timer, vpnfo_failback_expired,
			    CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
}

/* LOCAL_OUT can run preemptible: pin the CPU while counting on it. */
static void vpnfo_count(struct vpnfo_pcpu_stats __percpu *pcpu, bool drop)
{
	struct vpnfo_pcpu_stats *s = get_cpu_ptr(pcpu);
	unsigned long flags;

	flags = u64_stats_update_begin_irqsave(&s->syncp);
	u64_stats_inc(drop ? &s->drop_packets : &s->tx_packets);
	u64_stats_update_end_irqrestore(&s->syncp, flags);
	put_cpu_ptr(pcpu);
}

/* The first packet steered after a switch: how long it waited for one. */
static void vpnfo_switch_first_packet(struct vpnfo_tunnel *t,
				      const struct vpnfo_peer *p)
{
	u64 now = ktime_get_ns();

	if (cmpxchg(&t->switch_pending, 1, 0) != 1)
		return;
	spin_lock_bh(&t->lock);
	if (t->switch_target == p)
		t->switch_first_pkt_ns = now - t->switch_decided_ns;
	spin_unlock_bh(&t->lock);
}

static bool vpnfo_is_peer_mark(struct vpnfo_tunnel *t, u32 mark)
{
	struct vpnfo_peer *p;

	list_for_each_entry_rcu(p, &t->peers, node)
		if (p->mark == mark)
			return true;
	return false;
}

static unsigned int vpnfo_steer(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	struct vpnfo_net *vn = vpnfo_pernet(state->net);
	const void *saddr, *daddr;
	struct vpnfo_tunnel *t;
	struct vpnfo_peer *p;
	struct sock *sk;
	u16 family;
	int err;

	if (!READ_ONCE(vn->n_tunnels))
		return NF_ACCEPT;

	if (state->pf == NFPROTO_IPV4) {
		family = AF_INET;
		saddr = &ip_hdr(skb)->saddr;
		daddr = &ip_hdr(skb)->daddr;
	} else {
		family = AF_INET6;
		saddr = &ipv6_hdr(skb)->saddr;
		daddr = &ipv6_hdr(skb)->daddr;
	}

	list_for_each_entry_rcu(t, &vn->tunnels, node)
		if (vpnfo_tunnel_covers(t, family, saddr, daddr))
			goto found;
	return NF_ACCEPT;

found:
	/* Sockets with their own bypass policy (IKE) are not steered. */
	sk = skb_to_full_sk(skb);
	if (sk && rcu_access_pointer(sk->sk_policy[XFRM_POLICY_OUT]))
		return NF_ACCEPT;

	/* Probes and pinned flows already carry a peer's mark. */
	if ((skb->mark & t->mark_mask) &&
	    vpnfo_is_peer_mark(t, skb->mark & t->mark_mask))
		return NF_ACCEPT;

	p = rcu_dereference(t->active);
	if (!p)
		goto drop;

	skb->mark = (skb->mark & ~t->mark_mask) | p->mark;
	/* Pairs with the release in vpnfo_switch_to(). */
	if (unlikely(smp_load_acquire(&t->switch_pending)))
		vpnfo_switch_first_packet(t, p);

	if (state->hook == NF_INET_LOCAL_OUT) {
		/* The route was looked up without the mark: redo it. */
		if (family == AF_INET)
			err = ip_route_me_harder(state->net, state->sk, skb,
						 RTN_UNSPEC);
		else
			err = ip6_route_me_harder(state->net, state->sk, skb);
		if (err)
			goto drop;
	}
	vpnfo_count(t->pcpu, false);
	vpnfo_count(p->pcpu, false);
	return NF_ACCEPT;

drop:
	vpnfo_count(t->pcpu, true);
	return NF_DROP;
}

/* After the admin's mangle rules, so that they can pin a flow by mark. */
#define VPNFO_HOOK_PRIORITY (NF_IP_PRI_MANGLE + 10)

static const struct nf_hook_ops vpnfo_nf_ops[] = {
	{
		.hook = vpnfo_steer,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = VPNFO_HOOK_PRIORITY,
	},
	{
		.hook = vpnfo_steer,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = VPNFO_HOOK_PRIORITY,
	},
	{
		.hook = vpnfo_steer,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = VPNFO_HOOK_PRIORITY,
	},
	{
		.hook = vpnfo_steer,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = VPNFO_HOOK_PRIORITY,
	},
};

int vpnfo_hooks_register(struct net *net)
{
	return nf_register_net_hooks(net, vpnfo_nf_ops,
				     ARRAY_SIZE(vpnfo_nf_ops));
}

void vpnfo_hooks_unregister(struct net *net)
{
	nf_unregister_net_hooks(net, vpnfo_nf_ops, ARRAY_SIZE(vpnfo_nf_ops));
}
