/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vnl: the client of the module's generic netlink family "vpnfo", shared
 * by vpnfoctl and vpnfod. It opens the family, sends requests encoded from
 * the structures below (one encoder per request, nl/request.c), and
 * decodes replies and events (nl/reply.c). Errors come back as -errno,
 * with the kernel's extack message or the library's own reason in
 * c->extack; the only message it prints is a warning when events were lost.
 */
#ifndef VPNFO_VNL_H
#define VPNFO_VNL_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/vpnfo.h>

#include "lib/addr.h"

struct nl_msg;
struct nl_sock;

/* A connection to the "vpnfo" generic netlink family. */
struct vnl_client {
	struct nl_sock *sk;
	int family;
	char extack[256];	/* why the last call failed (kernel's extack or
				 * ours), or "" */
};

typedef int (*vnl_reply_fn)(struct nl_msg *msg, void *arg);

int vnl_open(struct vnl_client *c);
/* Any family: the unit tests talk to the kernel's own "nlctrl". */
int vnl_open_family(struct vnl_client *c, const char *name);
void vnl_close(struct vnl_client *c);

/*
 * A request; its family id is filled in by vnl_request(), so requests are
 * built (and their arguments checked) before any socket exists.
 * vnl_msg_free() wipes the buffer: requests may carry a probe key.
 */
int vnl_msg_new(uint8_t cmd, int flags, struct nl_msg **msgp);
void vnl_msg_free(struct nl_msg *msg);

/*
 * Sends @msg (always consumed) and calls @fn for every reply message until
 * the kernel acknowledges or ends the dump. Returns 0 or -errno; a kernel
 * refusal leaves its extack message in c->extack.
 */
int vnl_request(struct vnl_client *c, struct nl_msg *msg, vnl_reply_fn fn,
		 void *arg);

/* Events: join the multicast group, then wait for messages. */
int vnl_subscribe(struct vnl_client *c, const char *group);
/* Returns 1 after handling messages, 0 on timeout (ms, -1 = none). */
int vnl_wait(struct vnl_client *c, int timeout_ms, vnl_reply_fn fn,
	      void *arg);

/*
 * Requests. vpnfoctl fills these from its command line, vpnfod from its
 * configuration, and one function encodes each. Optional members are
 * left out of the request (the module keeps its default, or the current
 * value for a SET) when their has_ flag is false, an address's len is 0
 * or a number that cannot be 0 is 0.
 */
struct vnl_tunnel {
	const char *name;
	bool has_mark_mask;
	uint32_t mark_mask;
	unsigned int nsel;
	struct vpnfo_prefix sel_src[VPNFO_SELECTORS_MAX];
	struct vpnfo_prefix sel_dst[VPNFO_SELECTORS_MAX];
	bool has_hold;
	uint32_t hold_ms;
	size_t key_len;			/* 0: no probe key */
	uint8_t key[VPNFO_KEY_MAX];	/* wiped by whoever filled it */
};

struct vnl_peer {
	const char *tunnel;
	const char *name;
	bool has_priority;
	uint32_t priority;
	uint32_t mark;			/* 0: absent (marks start at 1) */
	struct vpnfo_addr remote;
	struct vpnfo_addr probe;
	struct vpnfo_addr src;
	uint32_t interval_us;		/* these three: 0 absent */
	uint32_t threshold;
	uint32_t rise;
};

/*
 * The requests that only name objects: TUNNEL_DEL and TUNNEL_GET (@peer
 * NULL), PEER_DEL, PEER_GET (@peer NULL: the dump of @tunnel's peers) and
 * SWITCH (@peer NULL returns the tunnel to automatic selection).
 */
struct vnl_names {
	const char *tunnel;
	const char *peer;
};

/* Each returns 0 or -EMSGSIZE. */
int vnl_tunnel_put(struct nl_msg *msg, const struct vnl_tunnel *t);
int vnl_peer_put(struct nl_msg *msg, const struct vnl_peer *p);
int vnl_names_put(struct nl_msg *msg, const struct vnl_names *n);
struct vnl_reflector {
	bool enabled;
	size_t key_len;			/* 0: keep the current key */
	uint8_t key[VPNFO_KEY_MAX];
};

int vnl_reflector_put(struct nl_msg *msg, const struct vnl_reflector *r);

/* Build and send; 0 or -errno, c->extack says why the kernel refused. */
int vnl_tunnel_new(struct vnl_client *c, const struct vnl_tunnel *t);
int vnl_peer_new(struct vnl_client *c, const struct vnl_peer *p);
int vnl_reflector_set(struct vnl_client *c, const struct vnl_reflector *r);
/* @peer NULL deletes the tunnel (and its peers). */
int vnl_del(struct vnl_client *c, const char *tunnel, const char *peer);

/* Replies, decoded; every length is checked before it is read. */
struct tunnel_info {
	char name[VPNFO_NAME_MAX];
	uint32_t id;
	uint32_t mark_mask;
	uint32_t hold_ms;
	uint32_t peer_count;
	unsigned int nsel;
	struct vpnfo_prefix sel_src[VPNFO_SELECTORS_MAX];
	struct vpnfo_prefix sel_dst[VPNFO_SELECTORS_MAX];
	bool has_active;
	char active[VPNFO_NAME_MAX];
	bool pinned;
	uint64_t stats[VPNFO_STATS_A_MAX + 1];
};

struct peer_info {
	char tunnel[VPNFO_NAME_MAX];
	char name[VPNFO_NAME_MAX];
	uint32_t id;
	uint32_t priority;
	uint32_t mark;
	struct vpnfo_addr remote;
	struct vpnfo_addr probe;
	bool has_src;
	struct vpnfo_addr src;
	uint32_t interval_us;
	uint32_t threshold;
	uint32_t rise;
	uint8_t state;
	uint64_t stats[VPNFO_STATS_A_MAX + 1];
};

struct reflector_info {
	bool enabled;
	uint32_t client_timeout_ms;	/* 0: a module without a client table */
	uint64_t stats[VPNFO_STATS_A_MAX + 1];
};

/* One entry of the reflector's client table (CLIENT_GET dump). */
struct client_info {
	struct vpnfo_addr outer;	/* the client SA's outer source */
	uint32_t spi;			/* of the inbound SA, host order */
	struct vpnfo_addr inner;	/* the probes' inner source */
	uint8_t state;			/* enum vpnfo_client_state */
	uint32_t age_ms;
	uint64_t probes;
};

struct client_list {
	struct client_info *v;
	unsigned int n;
};

/*
 * Tunnel events carry a tunnel (and peer, from, to, reason); client events
 * (VPNFO_EVENT_CLIENT_*) carry the client's key instead: has_client, and
 * tunnel is "".
 */
struct event_info {
	uint8_t event;
	bool has_client;
	struct client_info client;	/* key only: outer, spi, inner */
	char tunnel[VPNFO_NAME_MAX];
	bool has_peer, has_from, has_to;
	char peer[VPNFO_NAME_MAX];
	char from[VPNFO_NAME_MAX];
	char to[VPNFO_NAME_MAX];
	uint8_t reason;
	uint64_t timestamp_ns;
};

/* Growing lists of replies; the collectors are vnl_reply_fn's. */
struct tunnel_list {
	struct tunnel_info *v;
	unsigned int n;
};

struct peer_list {
	struct peer_info *v;
	unsigned int n;
};

int vnl_tunnel_collect(struct nl_msg *msg, void *tunnel_list);
int vnl_peer_collect(struct nl_msg *msg, void *peer_list);
int vnl_client_collect(struct nl_msg *msg, void *client_list);

int vnl_tunnel_parse(struct nl_msg *msg, struct tunnel_info *t);
int vnl_peer_parse(struct nl_msg *msg, struct peer_info *p);
int vnl_reflector_parse(struct nl_msg *msg, struct reflector_info *r);
int vnl_client_parse(struct nl_msg *msg, struct client_info *c);
int vnl_event_parse(struct nl_msg *msg, struct event_info *e);

#endif
