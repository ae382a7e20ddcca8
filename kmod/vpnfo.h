/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vpnfo: in-kernel liveness probing and atomic SA switchover between
 * priority-ordered IPsec peers. Internal declarations.
 *
 * Object model: each network namespace (struct vpnfo_net) holds a list of
 * tunnels; each tunnel holds its traffic selectors and a list of peers.
 * Lists are RCU-protected for the data path and the probe receive path;
 * configuration changes are serialised by vpnfo_net.lock (a mutex) and the
 * per-tunnel state machine by vpnfo_tunnel.lock (a BH spinlock, because
 * probe timers and replies run in softirq context).
 */
#ifndef _VPNFO_H
#define _VPNFO_H

#include <linux/hrtimer.h>
#include <linux/in6.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <net/netns/generic.h>

#include <linux/vpnfo.h>

#include "addr.h"
#include "compat.h"

struct crypto_shash;
struct sk_buff;
struct socket;

/* Data-path counters, per CPU so that the hooks never share a line. */
struct vpnfo_pcpu_stats {
	u64_stats_t tx_packets;
	u64_stats_t drop_packets;
	struct u64_stats_sync syncp;
};

/* Probe key, replaced as a whole under RCU. */
struct vpnfo_key {
	struct crypto_shash *tfm;
	struct rcu_head rcu;
};

struct vpnfo_peer {
	struct list_head node;		/* tunnel->peers, RCU */
	struct vpnfo_tunnel *tunnel;
	char name[VPNFO_NAME_MAX];
	u32 id;
	u32 priority;
	u32 mark;
	struct vpnfo_addr remote;	/* outer address of the gateway */
	struct vpnfo_addr probe_dst;	/* inner address answering probes */
	struct vpnfo_addr probe_src;	/* family 0: chosen by routing */

	/* Probe parameters; written under tunnel->lock. */
	u64 interval_ns;
	u32 threshold;
	u32 rise;

	/* State machine, under tunnel->lock. */
	u8 state;			/* enum vpnfo_peer_state */
	bool dead;			/* unlinked: timers must stop */
	bool replied;			/* a good reply since the last tick */
	u32 misses;
	u32 rises;
	u64 tx_seq;			/* last probe sent */
	u64 rx_seq;			/* last reply accepted */
	u64 up_since_ns;

	/* Counters, under tunnel->lock. */
	u64 probes_tx, probes_rx, probes_bad, probes_lost;
	u64 rtt_last_ns;
	u64 up_events, down_events;

	struct vpnfo_pcpu_stats __percpu *pcpu;
	struct hrtimer probe_timer;
	struct rcu_head rcu;
};

struct vpnfo_tunnel {
	struct list_head node;		/* vpnfo_net->tunnels, RCU */
	struct net *net;
	char name[VPNFO_NAME_MAX];
	u32 id;
	u32 mark_mask;
	u32 failback_hold_ms;
	unsigned int n_sels;
	struct vpnfo_sel sels[VPNFO_SELECTORS_MAX];

	struct list_head peers;		/* RCU; changed under vn->lock + lock */
	unsigned int n_peers;
	u32 next_peer_id;
	struct vpnfo_key __rcu *key;

	spinlock_t lock;
	struct vpnfo_peer __rcu *active;
	bool pinned;
	bool dead;
	struct hrtimer failback_timer;

	/* Switch times, see switch.c. */
	u64 switch_decided_ns;
	u64 switch_first_pkt_ns;
	const struct vpnfo_peer *switch_target;	/* compared, never followed */
	int switch_pending;		/* cmpxchg'd by the data path */
	bool ever_active;
	u64 switches;
	u64 switch_lat_last_ns, switch_lat_max_ns;
	u64 switch_lat_sum_ns, switch_lat_count;
	atomic64_t probe_cpu_ns;

	struct vpnfo_pcpu_stats __percpu *pcpu;
};

/*
 * The reflector's client table (reflect.c): one entry per client SA and
 * inner source that sent an authenticated probe within the timeout. Looked
 * up under RCU on the probe path; entries are added, removed and their
 * state changed under clients.lock (a BH spinlock).
 */
struct vpnfo_client_key {
	struct vpnfo_addr outer;	/* outer source of the inbound SA */
	struct vpnfo_addr inner;	/* inner source of the probe */
	__be32 spi;			/* the inbound SA's SPI */
};

#define VPNFO_CLIENT_UNREPORTED	0xff	/* no event sent for it yet */

struct vpnfo_client {
	struct hlist_node node;		/* clients.buckets[], RCU */
	struct vpnfo_client_key key;	/* zero-padded: hashed and memcmp'd */
	u64 last_ns;			/* latest probe; READ/WRITE_ONCE */
	atomic64_t probes;
	u8 state;			/* enum vpnfo_client_state, under lock */
	u8 reported;			/* state the last event said, under lock */
	struct rcu_head rcu;
};

#define VPNFO_CLIENT_HASH_BITS	12	/* 4096 buckets: 16 per at the cap */
#define VPNFO_CLIENT_TICK_MS	100	/* expiry scan and event budget */
#define VPNFO_CLIENT_SCAN	1024	/* buckets scanned per tick */
#define VPNFO_CLIENT_EVENTS	64	/* client events per tick */
#define VPNFO_CLIENT_BATCH	16	/* events gathered per bucket */

struct vpnfo_clients {
	struct hlist_head *buckets;
	spinlock_t lock;
	u32 seed;
	u32 timeout_ms;			/* READ_ONCE on the scan */
	atomic_t count;
	atomic_t budget;		/* events left in this tick */
	unsigned int cursor;		/* next bucket to scan, work only */
	struct delayed_work work;
	atomic64_t added, gone, refused, events, coalesced;
};

/* A client event, copied out of the locked section. */
struct vpnfo_client_event {
	u8 type;			/* VPNFO_EVENT_CLIENT_* */
	struct vpnfo_client_key key;
	u64 timestamp_ns;
};

struct vpnfo_reflector {
	bool enabled;
	struct vpnfo_key __rcu *key;
	atomic64_t reflected;
	atomic64_t refused;
	struct vpnfo_clients clients;
};

struct vpnfo_net {
	struct net *net;
	struct mutex lock;		/* configuration changes */
	struct list_head tunnels;	/* RCU */
	unsigned int n_tunnels;		/* read locklessly by the hooks */
	u32 next_id;
	struct socket *sock4, *sock6;	/* probe port, both roles */
	unsigned int sock_users;	/* tunnels + enabled reflector */
	struct vpnfo_reflector refl;
};

extern unsigned int vpnfo_net_id;

static inline struct vpnfo_net *vpnfo_pernet(const struct net *net)
{
	return net_generic(net, vpnfo_net_id);
}

/*
 * The probe on the wire (UDP payload, both directions). The reply is the
 * request with type VPNFO_PROBE_REPLY and the MAC recomputed by the
 * reflector, so it is never larger than the probe. The MAC, when a key is
 * set, is HMAC-SHA256 over the message with the mac field zeroed,
 * truncated to 128 bits.
 */
#define VPNFO_PROBE_MAGIC	0x56504e46	/* "VPNF" */
#define VPNFO_PROBE_VERSION	1
#define VPNFO_PROBE_REQUEST	1
#define VPNFO_PROBE_REPLY	2
#define VPNFO_PROBE_F_MAC	0x0001
#define VPNFO_PROBE_F_ACTIVE	0x0002	/* sent to the sender's active peer */
#define VPNFO_MAC_LEN		16

struct vpnfo_probe_msg {
	__be32 magic;
	u8 version;
	u8 type;
	__be16 flags;
	__be32 tunnel_id;
	__be32 peer_id;
	__be64 seq;
	__be64 tx_ns;			/* sender's clock, echoed */
	u8 mac[VPNFO_MAC_LEN];
} __packed;

/* One event for the multicast group, copied out of the locked section. */
struct vpnfo_event_msg {
	u8 type;			/* enum vpnfo_event */
	u8 reason;			/* enum vpnfo_reason */
	char tunnel[VPNFO_NAME_MAX];
	char peer[VPNFO_NAME_MAX];
	char from[VPNFO_NAME_MAX];
	char to[VPNFO_NAME_MAX];
	u64 timestamp_ns;
};

#define VPNFO_EVENTS_MAX 4

/* Events gathered while tunnel->lock is held, sent after it is dropped. */
struct vpnfo_events {
	unsigned int n;
	struct vpnfo_event_msg msg[VPNFO_EVENTS_MAX];
};

/* tunnel.c */
bool vpnfo_tunnel_covers(const struct vpnfo_tunnel *t, u16 family,
			 const void *saddr, const void *daddr);

/* A probe key from a request; the attribute only points extack at it. */
struct vpnfo_key_cfg {
	const u8 *data;
	unsigned int len;
	const struct nlattr *attr;
};

/* A TUNNEL_NEW request, already translated from netlink. */
struct vpnfo_tunnel_cfg {
	const char *name;
	u32 mark_mask;
	const struct vpnfo_sel *sels;
	unsigned int n_sels;
	u32 hold_ms;
	struct vpnfo_key_cfg key;	/* attr NULL: no key */
	const struct nlattr *name_attr;
};

/*
 * The settings of a PEER_NEW or PEER_SET request, already translated from
 * netlink. Zero interval_us, threshold or rise: unchanged (the default for
 * a new peer). The attributes are kept only to point extack at the value a
 * rule refuses; any of them may be NULL.
 */
struct vpnfo_peer_cfg {
	const char *name;
	u32 mark;
	struct vpnfo_addr remote;
	struct vpnfo_addr probe_dst;
	struct vpnfo_addr probe_src;	/* family 0: chosen by routing */
	bool set_priority;
	u32 priority;
	u32 interval_us;
	u32 threshold;
	u32 rise;
	const struct nlattr *name_attr, *mark_attr;
	const struct nlattr *probe_dst_attr, *probe_src_attr;
};

/* tunnel.c: lifetime; all called with vn->lock held (lockdep checks). */
struct vpnfo_tunnel *vpnfo_tunnel_find(struct vpnfo_net *vn, const char *name);
struct vpnfo_tunnel *vpnfo_tunnel_find_id_rcu(struct vpnfo_net *vn, u32 id);
struct vpnfo_peer *vpnfo_peer_find(struct vpnfo_tunnel *t, const char *name);
struct vpnfo_peer *vpnfo_peer_find_id_rcu(struct vpnfo_tunnel *t, u32 id);
int vpnfo_tunnel_add(struct vpnfo_net *vn, const struct vpnfo_tunnel_cfg *cfg,
		     struct netlink_ext_ack *extack);
void vpnfo_tunnel_destroy(struct vpnfo_net *vn, struct vpnfo_tunnel *t);
void vpnfo_tunnel_set_hold(struct vpnfo_tunnel *t, u32 hold_ms);
int vpnfo_peer_add(struct vpnfo_tunnel *t, const struct vpnfo_peer_cfg *cfg,
		   struct netlink_ext_ack *extack);
void vpnfo_peer_change(struct vpnfo_tunnel *t, struct vpnfo_peer *p,
		       const struct vpnfo_peer_cfg *cfg);
void vpnfo_peer_destroy(struct vpnfo_tunnel *t, struct vpnfo_peer *p);
int vpnfo_key_set(struct vpnfo_net *vn, struct vpnfo_key __rcu **slot,
		  const u8 *key, unsigned int len);
int vpnfo_key_apply(struct vpnfo_net *vn, struct vpnfo_key __rcu **slot,
		    const struct vpnfo_key_cfg *key,
		    struct netlink_ext_ack *extack);
void vpnfo_tunnel_stats(const struct vpnfo_tunnel *t, u64 *tx, u64 *drop);
void vpnfo_peer_stats(const struct vpnfo_peer *p, u64 *tx);

/* socket.c */
int vpnfo_socket_get(struct vpnfo_net *vn, struct netlink_ext_ack *extack);
void vpnfo_socket_put(struct vpnfo_net *vn);
int vpnfo_socket_send(struct vpnfo_net *vn, const struct vpnfo_addr *src,
		      const struct vpnfo_addr *dst, u32 mark,
		      const void *payload, unsigned int len);
bool vpnfo_rx_via(struct sk_buff *skb, const struct vpnfo_addr *remote);
struct xfrm_state *vpnfo_rx_state(struct sk_buff *skb);

/* mac.c */
int vpnfo_probe_mac(struct vpnfo_key *key, const struct vpnfo_probe_msg *msg,
		    u8 *mac);
bool vpnfo_probe_mac_ok(struct vpnfo_key *key,
			const struct vpnfo_probe_msg *msg);

/* probe.c */
void vpnfo_probe_start(struct vpnfo_peer *p);
void vpnfo_probe_stop(struct vpnfo_peer *p);
void vpnfo_probe_reply(struct vpnfo_net *vn, struct sk_buff *skb,
		       const struct vpnfo_addr *saddr,
		       const struct vpnfo_probe_msg *msg);

/* switch.c */
void vpnfo_select(struct vpnfo_tunnel *t, u8 reason, struct vpnfo_events *ev);
int vpnfo_force_switch(struct vpnfo_tunnel *t, struct vpnfo_peer *p);
void vpnfo_peer_set_state(struct vpnfo_peer *p, u8 state,
			  struct vpnfo_events *ev);
void vpnfo_tunnel_timers_init(struct vpnfo_tunnel *t);
int vpnfo_hooks_register(struct net *net);
void vpnfo_hooks_unregister(struct net *net);
void vpnfo_event_add(struct vpnfo_events *ev, u8 type, u8 reason,
		     const struct vpnfo_tunnel *t, const struct vpnfo_peer *peer,
		     const struct vpnfo_peer *from, const struct vpnfo_peer *to);

/* reflect.c */
int vpnfo_reflector_set(struct vpnfo_net *vn, bool enable,
			const struct vpnfo_key_cfg *key, u32 client_timeout_ms,
			struct netlink_ext_ack *extack);
int vpnfo_reflector_init(struct vpnfo_net *vn);
void vpnfo_reflector_exit(struct vpnfo_net *vn);
void vpnfo_reflect(struct vpnfo_net *vn, struct sk_buff *skb,
		   const struct vpnfo_addr *saddr,
		   const struct vpnfo_addr *daddr,
		   const struct vpnfo_probe_msg *req);

/* fallback.c */
int vpnfo_fallback_register(void);
void vpnfo_fallback_unregister(void);

/* netlink.c */
int vpnfo_genl_register(void);
void vpnfo_genl_unregister(void);
void vpnfo_events_send(struct net *net, const struct vpnfo_events *ev);
void vpnfo_client_events_send(struct net *net,
			      const struct vpnfo_client_event *ev,
			      unsigned int n);

#endif /* _VPNFO_H */
