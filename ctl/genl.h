/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VPNFOCTL_GENL_H
#define VPNFOCTL_GENL_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/vpnfo.h>

#include "parse.h"

struct nl_msg;
struct nl_sock;

/* A connection to the "vpnfo" generic netlink family. */
struct genl_client {
	struct nl_sock *sk;
	int family;
	char extack[256];	/* kernel's message for the last error, or "" */
};

typedef int (*genl_reply_fn)(struct nl_msg *msg, void *arg);

int genl_open(struct genl_client *c);
/* Any family: the unit tests talk to the kernel's own "nlctrl". */
int genl_open_family(struct genl_client *c, const char *name);
void genl_close(struct genl_client *c);

/*
 * A request; its family id is filled in by genl_request(), so requests are
 * built (and their arguments checked) before any socket exists.
 * genl_msg_free() wipes the buffer: requests may carry a probe key.
 */
int genl_msg_new(uint8_t cmd, int flags, struct nl_msg **msgp);
void genl_msg_free(struct nl_msg *msg);

/*
 * Sends @msg (always consumed) and calls @fn for every reply message until
 * the kernel acknowledges or ends the dump. Returns 0 or -errno; a kernel
 * refusal leaves its extack message in c->extack.
 */
int genl_request(struct genl_client *c, struct nl_msg *msg, genl_reply_fn fn,
		 void *arg);

/* Fills a request from the command line (argv after the verb). */
typedef int (*genl_build_fn)(struct nl_msg *msg, int argc, char **argv);

/*
 * One command, start to end: build (usage errors exit 2), open, send,
 * report. Returns the process exit status: 0, 1 or 2.
 */
int genl_exec(uint8_t cmd, int flags, genl_build_fn build, int argc,
	      char **argv, genl_reply_fn fn, void *arg, const char *what);

/* A verb that is exactly one request, e.g. `vpnfoctl tunnel del NAME`. */
struct genl_verb {
	const char *name;
	uint8_t cmd;
	genl_build_fn build;
	const char *what;	/* for error messages: "tunnel del" */
};

/* Runs the verb of @verbs named @name; returns the exit status, or -1 if
 * there is no such verb (the caller tries its other verbs). */
int genl_exec_verb(const struct genl_verb *verbs, size_t n, const char *name,
		   int argc, char **argv);

/* Prints "vpnfoctl: <extack or what>: <strerror(-err)>". */
void genl_report(const struct genl_client *c, int err, const char *what);

/* Events: join the multicast group, then wait for messages. */
int genl_subscribe(struct genl_client *c, const char *group);
/* Returns 1 after handling messages, 0 on timeout (ms, -1 = none). */
int genl_wait(struct genl_client *c, int timeout_ms, genl_reply_fn fn,
	      void *arg);

/*
 * The same requests for programs (vpnfod), from structures instead of a
 * command line. Zero means "the module's default" for the optional
 * numbers; an address with len 0 is absent.
 */
struct genl_tunnel {
	const char *name;
	uint32_t mark_mask;
	unsigned int nsel;
	const struct ctl_prefix *sel_src;	/* nsel each */
	const struct ctl_prefix *sel_dst;
	bool has_hold;
	uint32_t hold_ms;
	const uint8_t *key;			/* NULL: no probe key */
	size_t key_len;
};

struct genl_peer {
	const char *tunnel;
	const char *name;
	uint32_t priority;
	uint32_t mark;
	struct ctl_addr remote;
	struct ctl_addr probe;
	struct ctl_addr src;
	uint32_t interval_us;
	uint32_t threshold;
	uint32_t rise;
};

/* One VPNFO_A_SELECTOR nest. */
int genl_sel_put(struct nl_msg *msg, const struct ctl_prefix *src,
		 const struct ctl_prefix *dst);
int genl_tunnel_put(struct nl_msg *msg, const struct genl_tunnel *t);
int genl_peer_put(struct nl_msg *msg, const struct genl_peer *p);
/* Build and send; 0 or -errno, c->extack says why the kernel refused. */
int genl_tunnel_new(struct genl_client *c, const struct genl_tunnel *t);
int genl_peer_new(struct genl_client *c, const struct genl_peer *p);
/* @peer NULL deletes the tunnel (and its peers). */
int genl_del(struct genl_client *c, const char *tunnel, const char *peer);

/* Replies, decoded; every length is checked before it is read. */
struct tunnel_info {
	char name[VPNFO_NAME_MAX];
	uint32_t id;
	uint32_t mark_mask;
	uint32_t hold_ms;
	uint32_t peer_count;
	unsigned int nsel;
	struct ctl_prefix sel_src[VPNFO_SELECTORS_MAX];
	struct ctl_prefix sel_dst[VPNFO_SELECTORS_MAX];
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
	struct ctl_addr remote;
	struct ctl_addr probe;
	bool has_src;
	struct ctl_addr src;
	uint32_t interval_us;
	uint32_t threshold;
	uint32_t rise;
	uint8_t state;
	uint64_t stats[VPNFO_STATS_A_MAX + 1];
};

struct reflector_info {
	bool enabled;
	uint64_t stats[VPNFO_STATS_A_MAX + 1];
};

struct event_info {
	uint8_t event;
	char tunnel[VPNFO_NAME_MAX];
	bool has_peer, has_from, has_to;
	char peer[VPNFO_NAME_MAX];
	char from[VPNFO_NAME_MAX];
	char to[VPNFO_NAME_MAX];
	uint8_t reason;
	uint64_t timestamp_ns;
};

/* Growing lists of replies; the collectors are genl_reply_fn's. */
struct tunnel_list {
	struct tunnel_info *v;
	unsigned int n;
};

struct peer_list {
	struct peer_info *v;
	unsigned int n;
};

int genl_tunnel_collect(struct nl_msg *msg, void *tunnel_list);
int genl_peer_collect(struct nl_msg *msg, void *peer_list);

int genl_tunnel_parse(struct nl_msg *msg, struct tunnel_info *t);
int genl_peer_parse(struct nl_msg *msg, struct peer_info *p);
int genl_reflector_parse(struct nl_msg *msg, struct reflector_info *r);
int genl_event_parse(struct nl_msg *msg, struct event_info *e);

#endif
