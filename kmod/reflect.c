// SPDX-License-Identifier: GPL-2.0
/*
 * vpnfo: the gateway side. Answers a probe in the kernel, so that liveness
 * means "this gateway decrypts, routes and encrypts", not "a daemon is
 * scheduled". Only probes that arrived through an ESP tunnel SA are
 * answered, only through an SA (never in the clear), with the same size.
 *
 * It also keeps the table of the clients it answers (the return path's
 * foundation): one entry per (outer source, SPI) of the inbound SA and
 * inner source of the probe, active or standby as the client's latest
 * authenticated probe says (VPNFO_PROBE_F_ACTIVE), gone when its probes
 * stop for client_timeout_ms. Lookups on the probe path are RCU only and
 * allocate nothing; a new client allocates one entry (GFP_ATOMIC, capped at
 * VPNFO_CLIENTS_MAX). A delayed work scans a bounded slice of the table
 * every tick, expires entries and sends the client events that the
 * per-tick budget deferred, latest state only.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jhash.h>
#include <linux/random.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/xfrm.h>

#include "vpnfo.h"

static void vpnfo_clients_tick(struct work_struct *work);

static inline struct hlist_head *
vpnfo_client_bucket(struct vpnfo_clients *cl, const struct vpnfo_client_key *k)
{
	u32 h;

	BUILD_BUG_ON(sizeof(*k) % sizeof(u32));
	h = jhash2((const u32 *)k, sizeof(*k) / sizeof(u32), cl->seed);

	return &cl->buckets[hash_32(h, VPNFO_CLIENT_HASH_BITS)];
}

static void vpnfo_addr_from_xfrm(struct vpnfo_addr *a, u16 family,
				 const xfrm_address_t *x)
{
	a->family = family;
	if (family == AF_INET)
		a->a4 = x->a4;
	else
		memcpy(&a->a6, x->a6, sizeof(a->a6));
}

/* One event may go out in this tick; otherwise the scan sends it later. */
static bool vpnfo_client_budget(struct vpnfo_clients *cl)
{
	return atomic_dec_if_positive(&cl->budget) >= 0;
}

/* Under cl->lock: an event for @c's state now, if the budget allows. */
static bool vpnfo_client_report(struct vpnfo_clients *cl,
				struct vpnfo_client *c,
				struct vpnfo_client_event *ev)
{
	if (c->state == c->reported || !vpnfo_client_budget(cl))
		return false;
	c->reported = c->state;
	ev->type = c->state == VPNFO_CLIENT_ACTIVE ?
		   VPNFO_EVENT_CLIENT_ACTIVE : VPNFO_EVENT_CLIENT_STANDBY;
	ev->key = c->key;
	ev->timestamp_ns = ktime_get_ns();
	return true;
}

static struct vpnfo_client *
vpnfo_client_find_rcu(struct hlist_head *head, const struct vpnfo_client_key *k)
{
	struct vpnfo_client *c;

	hlist_for_each_entry_rcu(c, head, node)
		if (!memcmp(&c->key, k, sizeof(*k)))
			return c;
	return NULL;
}

/* A new client: allocated only here, refused (and counted) when full. */
static void vpnfo_client_add(struct vpnfo_net *vn, struct hlist_head *head,
			     const struct vpnfo_client_key *k, u8 state, u64 now)
{
	struct vpnfo_clients *cl = &vn->refl.clients;
	struct vpnfo_client_event ev;
	struct vpnfo_client *c;
	bool send = false;

	if (atomic_inc_return(&cl->count) > VPNFO_CLIENTS_MAX)
		goto refuse;
	c = kzalloc(sizeof(*c), GFP_ATOMIC);
	if (!c)
		goto refuse;
	c->key = *k;
	c->last_ns = now;
	atomic64_set(&c->probes, 1);
	c->state = state;
	c->reported = VPNFO_CLIENT_UNREPORTED;

	spin_lock(&cl->lock);
	/* Another CPU may have added it since the lookup. */
	if (vpnfo_client_find_rcu(head, k)) {
		spin_unlock(&cl->lock);
		kfree(c);
		atomic_dec(&cl->count);
		return;
	}
	hlist_add_head_rcu(&c->node, head);
	atomic64_inc(&cl->added);
	send = vpnfo_client_report(cl, c, &ev);
	if (!send)
		atomic64_inc(&cl->coalesced);
	spin_unlock(&cl->lock);
	if (send)
		vpnfo_client_events_send(vn->net, &ev, 1);
	return;

refuse:
	atomic_dec(&cl->count);
	atomic64_inc(&cl->refused);
	net_dbg_ratelimited("client table full: new client refused\n");
}

/* An authenticated probe from a client: under rcu_read_lock, softirq. */
static void vpnfo_client_seen(struct vpnfo_net *vn, struct xfrm_state *x,
			      const struct vpnfo_addr *inner, bool active)
{
	struct vpnfo_clients *cl = &vn->refl.clients;
	u8 state = active ? VPNFO_CLIENT_ACTIVE : VPNFO_CLIENT_STANDBY;
	struct vpnfo_client_event ev;
	struct vpnfo_client_key k;
	struct hlist_head *head;
	struct vpnfo_client *c;
	u64 now = ktime_get_ns();
	bool send = false;

	memset(&k, 0, sizeof(k));
	vpnfo_addr_from_xfrm(&k.outer, x->props.family, &x->props.saddr);
	k.inner = *inner;
	k.spi = x->id.spi;
	head = vpnfo_client_bucket(cl, &k);

	c = vpnfo_client_find_rcu(head, &k);
	if (!c) {
		vpnfo_client_add(vn, head, &k, state, now);
		return;
	}
	WRITE_ONCE(c->last_ns, now);
	atomic64_inc(&c->probes);
	if (READ_ONCE(c->state) == state)
		return;

	spin_lock(&cl->lock);
	/* Unhashed: the scan expired it after our lookup; it comes back. */
	if (!hlist_unhashed(&c->node)) {
		WRITE_ONCE(c->state, state);
		send = vpnfo_client_report(cl, c, &ev);
		if (!send && c->state != c->reported)
			atomic64_inc(&cl->coalesced);
	}
	spin_unlock(&cl->lock);
	if (send)
		vpnfo_client_events_send(vn->net, &ev, 1);
}

/*
 * One bucket of the scan: expire, and send what the budget deferred. At
 * most VPNFO_CLIENT_BATCH events per bucket; the rest wait for the next
 * pass over it (an expired client stays until its gone event can go).
 */
static void vpnfo_clients_scan_bucket(struct vpnfo_net *vn,
				      struct hlist_head *head, u64 now,
				      u64 timeout_ns)
{
	struct vpnfo_client_event ev[VPNFO_CLIENT_BATCH];
	struct vpnfo_clients *cl = &vn->refl.clients;
	struct hlist_node *tmp;
	struct vpnfo_client *c;
	unsigned int n = 0;

	if (hlist_empty(head))
		return;
	spin_lock_bh(&cl->lock);
	hlist_for_each_entry_safe(c, tmp, head, node) {
		if ((s64)(now - READ_ONCE(c->last_ns)) <= (s64)timeout_ns) {
			if (n < VPNFO_CLIENT_BATCH &&
			    vpnfo_client_report(cl, c, &ev[n]))
				n++;
			continue;
		}
		if (c->reported != VPNFO_CLIENT_UNREPORTED) {
			if (n >= VPNFO_CLIENT_BATCH || !vpnfo_client_budget(cl))
				continue;
			ev[n].type = VPNFO_EVENT_CLIENT_GONE;
			ev[n].key = c->key;
			ev[n].timestamp_ns = now;
			n++;
		}
		hlist_del_init_rcu(&c->node);
		atomic_dec(&cl->count);
		atomic64_inc(&cl->gone);
		kfree_rcu(c, rcu);
	}
	spin_unlock_bh(&cl->lock);
	vpnfo_client_events_send(vn->net, ev, n);
}

/* Every tick: a new event budget, and a bounded slice of the table. */
static void vpnfo_clients_tick(struct work_struct *work)
{
	struct vpnfo_clients *cl = container_of(to_delayed_work(work),
						struct vpnfo_clients, work);
	struct vpnfo_reflector *refl = container_of(cl, struct vpnfo_reflector,
						    clients);
	struct vpnfo_net *vn = container_of(refl, struct vpnfo_net, refl);
	u64 timeout_ns = (u64)READ_ONCE(cl->timeout_ms) * NSEC_PER_MSEC;
	u64 now = ktime_get_ns();
	unsigned int i;

	atomic_set(&cl->budget, VPNFO_CLIENT_EVENTS);
	for (i = 0; i < VPNFO_CLIENT_SCAN; i++) {
		vpnfo_clients_scan_bucket(vn, &cl->buckets[cl->cursor], now,
					  timeout_ns);
		cl->cursor = (cl->cursor + 1) & ((1U << VPNFO_CLIENT_HASH_BITS) - 1);
	}
	if (READ_ONCE(refl->enabled))
		queue_delayed_work(system_power_efficient_wq, &cl->work,
				   msecs_to_jiffies(VPNFO_CLIENT_TICK_MS));
}

/* Empties the table without events: the reflector is going away. */
static void vpnfo_clients_flush(struct vpnfo_clients *cl)
{
	struct hlist_node *tmp;
	struct vpnfo_client *c;
	unsigned int i;

	spin_lock_bh(&cl->lock);
	for (i = 0; i < (1U << VPNFO_CLIENT_HASH_BITS); i++) {
		hlist_for_each_entry_safe(c, tmp, &cl->buckets[i], node) {
			hlist_del_init_rcu(&c->node);
			atomic_dec(&cl->count);
			atomic64_inc(&cl->gone);
			kfree_rcu(c, rcu);
		}
	}
	spin_unlock_bh(&cl->lock);
}

int vpnfo_reflector_init(struct vpnfo_net *vn)
{
	struct vpnfo_clients *cl = &vn->refl.clients;

	cl->buckets = kvcalloc(1U << VPNFO_CLIENT_HASH_BITS,
			       sizeof(*cl->buckets), GFP_KERNEL);
	if (!cl->buckets)
		return -ENOMEM;
	spin_lock_init(&cl->lock);
	cl->seed = get_random_u32();
	cl->timeout_ms = VPNFO_CLIENT_TIMEOUT_MS_DEFAULT;
	INIT_DELAYED_WORK(&cl->work, vpnfo_clients_tick);
	return 0;
}

/* After the reflector is off (no work queued, no probe path inside). */
void vpnfo_reflector_exit(struct vpnfo_net *vn)
{
	struct vpnfo_clients *cl = &vn->refl.clients;

	vpnfo_clients_flush(cl);
	kvfree(cl->buckets);
	cl->buckets = NULL;
}

/*
 * REFLECTOR_SET: enabling takes a reference on the probe socket and starts
 * the client table's tick, disabling stops both and empties the table; a
 * key in the request replaces the reflector's key first. A zero
 * @client_timeout_ms keeps the current timeout.
 */
int vpnfo_reflector_set(struct vpnfo_net *vn, bool enable,
			const struct vpnfo_key_cfg *key, u32 client_timeout_ms,
			struct netlink_ext_ack *extack)
{
	struct vpnfo_clients *cl = &vn->refl.clients;
	int err;

	lockdep_assert_held(&vn->lock);

	if (key->attr) {
		err = vpnfo_key_apply(vn, &vn->refl.key, key, extack);
		if (err)
			return err;
	}
	if (client_timeout_ms)
		WRITE_ONCE(cl->timeout_ms, client_timeout_ms);
	if (enable && !vn->refl.enabled) {
		err = vpnfo_socket_get(vn, extack);
		if (err)
			return err;
		WRITE_ONCE(vn->refl.enabled, true);
		atomic_set(&cl->budget, VPNFO_CLIENT_EVENTS);
		queue_delayed_work(system_power_efficient_wq, &cl->work,
				   msecs_to_jiffies(VPNFO_CLIENT_TICK_MS));
	} else if (!enable && vn->refl.enabled) {
		WRITE_ONCE(vn->refl.enabled, false);
		/* No probe path still inside the table, no tick requeued. */
		synchronize_rcu();
		cancel_delayed_work_sync(&cl->work);
		vpnfo_clients_flush(cl);
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
	struct xfrm_state *x;
	bool active;

	if (!READ_ONCE(vn->refl.enabled))
		return;
	x = vpnfo_rx_state(skb);
	if (!x)
		goto refuse;
	key = rcu_dereference(vn->refl.key);
	if (key && !vpnfo_probe_mac_ok(key, req))
		goto refuse;

	/* Without a key the flag is as trustworthy as the SA it came by. */
	active = ntohs(req->flags) & VPNFO_PROBE_F_ACTIVE;
	vpnfo_client_seen(vn, x, saddr, active);

	rep.type = VPNFO_PROBE_REPLY;
	memset(rep.mac, 0, sizeof(rep.mac));
	rep.flags = htons(active ? VPNFO_PROBE_F_ACTIVE : 0);
	if (key) {
		rep.flags |= htons(VPNFO_PROBE_F_MAC);
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
