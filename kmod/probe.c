// SPDX-License-Identifier: GPL-2.0
/*
 * vpnfo: liveness probing. Each peer has its own hrtimer (softirq mode, so
 * intervals below the 4 ms jiffy work); each tick counts a miss if the last
 * interval brought no good reply, then sends a probe carrying the peer's
 * mark, so that the XFRM lookup takes that peer's own SA. Replies arrive
 * through socket.c, which also sends the probes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/skbuff.h>

#include "vpnfo.h"

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
	bool active;
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
	/* Our own decision, read where it is made; the gateway learns it. */
	active = rcu_access_pointer(t->active) == p;
	spin_unlock(&t->lock);
	vpnfo_events_send(t->net, &ev);

	msg.magic = htonl(VPNFO_PROBE_MAGIC);
	msg.version = VPNFO_PROBE_VERSION;
	msg.type = VPNFO_PROBE_REQUEST;
	msg.tunnel_id = htonl(t->id);
	msg.peer_id = htonl(p->id);
	msg.tx_ns = cpu_to_be64(start);
	msg.flags = htons(active ? VPNFO_PROBE_F_ACTIVE : 0);

	rcu_read_lock();
	key = rcu_dereference(t->key);
	if (key) {
		/* The MAC covers the flags: the active bit is authenticated. */
		msg.flags |= htons(VPNFO_PROBE_F_MAC);
		vpnfo_probe_mac(key, &msg, msg.mac);
	}
	/* A send error is a lost probe; the next tick counts it. */
	vpnfo_socket_send(vpnfo_pernet(t->net), &src, &dst, mark, &msg,
			  sizeof(msg));
	rcu_read_unlock();

	atomic64_add(ktime_get_ns() - start, &t->probe_cpu_ns);
	hrtimer_forward_now(timer, ns_to_ktime(interval));
	return HRTIMER_RESTART;
}

void vpnfo_probe_start(struct vpnfo_peer *p)
{
	vpnfo_hrtimer_setup(&p->probe_timer, vpnfo_probe_tick, CLOCK_MONOTONIC,
			    HRTIMER_MODE_REL_SOFT);
	hrtimer_start(&p->probe_timer, ns_to_ktime(p->interval_ns),
		      HRTIMER_MODE_REL_SOFT);
}

void vpnfo_probe_stop(struct vpnfo_peer *p)
{
	hrtimer_cancel(&p->probe_timer);
}

/*
 * A reply for one of our peers: authentic, fresh, the right size. Called
 * under rcu_read_lock from the probe socket's receive path.
 */
void vpnfo_probe_reply(struct vpnfo_net *vn, struct sk_buff *skb,
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
