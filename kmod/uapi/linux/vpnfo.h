/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vpnfo: in-kernel liveness probing and atomic SA switchover between
 * priority-ordered IPsec peers. Generic netlink interface.
 *
 * The spec this header follows is Documentation/netlink/specs/vpnfo.yaml.
 */
#ifndef _UAPI_LINUX_VPNFO_H
#define _UAPI_LINUX_VPNFO_H

#define VPNFO_GENL_NAME		"vpnfo"
#define VPNFO_GENL_VERSION	1
#define VPNFO_MCGRP_EVENTS	"events"

/* UDP port of the probe socket (both roles: prober and reflector). */
#define VPNFO_PROBE_PORT	4499

/*
 * reqid of the fail-closed fallback policy. Userspace installs, under the
 * per-peer out policies of each selector, one lowest-priority out policy
 * with no mark and a template "proto esp mode transport reqid
 * VPNFO_FALLBACK_REQID" for which no SA ever exists. While the module runs
 * it accepts the kernel's acquire for that template, so unmarked lookups
 * get a blackhole route (local sockets can still send; the module then
 * steers each packet by mark); without the module the lookup fails. Either
 * way nothing matching a tunnel selector leaves in plaintext. An "action
 * block" policy would make local senders fail with EPERM before the module
 * ever sees their packets.
 */
#define VPNFO_FALLBACK_REQID	0x76706e66	/* "vpnf" */

#define VPNFO_NAME_MAX		16	/* including the NUL */
#define VPNFO_KEY_MIN		16
#define VPNFO_KEY_MAX		64
#define VPNFO_SELECTORS_MAX	16
#define VPNFO_PEERS_MAX		16

/* Defaults and bounds of the probe parameters. */
#define VPNFO_INTERVAL_US_DEFAULT	10000
#define VPNFO_INTERVAL_US_MIN		1000
#define VPNFO_INTERVAL_US_MAX		10000000
#define VPNFO_THRESHOLD_DEFAULT		3
#define VPNFO_RISE_DEFAULT		3
#define VPNFO_COUNT_MAX			100
#define VPNFO_FAILBACK_HOLD_MS_DEFAULT	1000
#define VPNFO_FAILBACK_HOLD_MS_MAX	3600000

/* The reflector's client table (gateway side). */
#define VPNFO_CLIENT_TIMEOUT_MS_DEFAULT	3000
#define VPNFO_CLIENT_TIMEOUT_MS_MIN	100
#define VPNFO_CLIENT_TIMEOUT_MS_MAX	3600000
#define VPNFO_CLIENTS_MAX		65536

enum vpnfo_cmd {
	VPNFO_CMD_UNSPEC,
	VPNFO_CMD_TUNNEL_NEW,
	VPNFO_CMD_TUNNEL_DEL,
	VPNFO_CMD_TUNNEL_GET,
	VPNFO_CMD_TUNNEL_SET,
	VPNFO_CMD_PEER_NEW,
	VPNFO_CMD_PEER_DEL,
	VPNFO_CMD_PEER_GET,
	VPNFO_CMD_PEER_SET,
	VPNFO_CMD_SWITCH,
	VPNFO_CMD_REFLECTOR_SET,
	VPNFO_CMD_REFLECTOR_GET,
	VPNFO_CMD_EVENT,		/* notification, multicast only */
	VPNFO_CMD_CLIENT_GET,		/* dump only: the reflector's clients */

	__VPNFO_CMD_MAX
};
#define VPNFO_CMD_MAX (__VPNFO_CMD_MAX - 1)

/*
 * Addresses (VPNFO_A_REMOTE, VPNFO_A_PROBE_DST, VPNFO_A_PROBE_SRC and the
 * selector addresses) are binary: 4 bytes for IPv4, 16 for IPv6, network
 * byte order. The family follows from the length.
 */
enum vpnfo_attr {
	VPNFO_A_UNSPEC,
	VPNFO_A_PAD,
	VPNFO_A_TUNNEL,			/* string: tunnel name */
	VPNFO_A_TUNNEL_ID,		/* u32, read-only */
	VPNFO_A_MARK_MASK,		/* u32: bits of skb->mark vpnfo owns */
	VPNFO_A_SELECTOR,		/* nest (vpnfo_sel_attr), multi-attr */
	VPNFO_A_FAILBACK_HOLD_MS,	/* u32 */
	VPNFO_A_PROBE_KEY,		/* binary 16..64: HMAC-SHA256 key */
	VPNFO_A_ACTIVE,			/* string: active peer name (replies) */
	VPNFO_A_PINNED,			/* flag: active peer chosen by hand */
	VPNFO_A_PEER,			/* string: peer name */
	VPNFO_A_PEER_ID,		/* u32, read-only */
	VPNFO_A_PRIORITY,		/* u32: lower value = preferred */
	VPNFO_A_MARK,			/* u32: mark of this peer's policies */
	VPNFO_A_REMOTE,			/* binary: peer's outer address */
	VPNFO_A_PROBE_DST,		/* binary: peer's inner probe address */
	VPNFO_A_PROBE_SRC,		/* binary: our inner source address */
	VPNFO_A_INTERVAL_US,		/* u32 */
	VPNFO_A_THRESHOLD,		/* u32: misses until down */
	VPNFO_A_RISE,			/* u32: good replies until up */
	VPNFO_A_STATE,			/* u8: enum vpnfo_peer_state */
	VPNFO_A_STATS,			/* nest (vpnfo_stats_attr), read-only */
	VPNFO_A_EVENT,			/* u8: enum vpnfo_event */
	VPNFO_A_FROM,			/* string: peer switched from */
	VPNFO_A_TO,			/* string: peer switched to */
	VPNFO_A_REASON,			/* u8: enum vpnfo_reason */
	VPNFO_A_TIMESTAMP_NS,		/* u64: CLOCK_MONOTONIC */
	VPNFO_A_REFLECTOR_ENABLED,	/* u8: 0 or 1 */
	VPNFO_A_PEER_COUNT,		/* u32, read-only */
	VPNFO_A_CLIENT_TIMEOUT_MS,	/* u32: reflector's client expiry */
	VPNFO_A_CLIENT_OUTER,		/* binary: client SA's outer source */
	VPNFO_A_CLIENT_SPI,		/* u32 (host order): inbound SA's SPI */
	VPNFO_A_CLIENT_INNER,		/* binary: client's inner source */
	VPNFO_A_CLIENT_STATE,		/* u8: enum vpnfo_client_state */
	VPNFO_A_CLIENT_AGE_MS,		/* u32: since the latest probe */
	VPNFO_A_CLIENT_PROBES,		/* u64: probes counted */

	__VPNFO_A_MAX
};
#define VPNFO_A_MAX (__VPNFO_A_MAX - 1)

enum vpnfo_sel_attr {
	VPNFO_SEL_A_UNSPEC,
	VPNFO_SEL_A_SRC,		/* binary 4 or 16 */
	VPNFO_SEL_A_SRC_PLEN,		/* u8 */
	VPNFO_SEL_A_DST,		/* binary 4 or 16 */
	VPNFO_SEL_A_DST_PLEN,		/* u8 */

	__VPNFO_SEL_A_MAX
};
#define VPNFO_SEL_A_MAX (__VPNFO_SEL_A_MAX - 1)

enum vpnfo_stats_attr {
	VPNFO_STATS_A_UNSPEC,
	VPNFO_STATS_A_PAD,
	/* tunnel */
	VPNFO_STATS_A_TX_PACKETS,	/* u64: packets steered to a peer */
	VPNFO_STATS_A_DROP_PACKETS,	/* u64: dropped, no peer up */
	VPNFO_STATS_A_SWITCHES,		/* u64 */
	VPNFO_STATS_A_SWITCH_LAT_LAST_NS, /* u64: decision -> new SA in use */
	VPNFO_STATS_A_SWITCH_LAT_MAX_NS,  /* u64 */
	VPNFO_STATS_A_SWITCH_LAT_SUM_NS,  /* u64 */
	VPNFO_STATS_A_SWITCH_LAT_COUNT,   /* u64 */
	VPNFO_STATS_A_PROBE_CPU_NS,	/* u64: time spent probing */
	/* peer */
	VPNFO_STATS_A_PROBES_TX,	/* u64 */
	VPNFO_STATS_A_PROBES_RX,	/* u64: good replies */
	VPNFO_STATS_A_PROBES_BAD,	/* u64: refused replies */
	VPNFO_STATS_A_PROBES_LOST,	/* u64: missed intervals */
	VPNFO_STATS_A_RTT_LAST_NS,	/* u64 */
	VPNFO_STATS_A_UP_EVENTS,	/* u64 */
	VPNFO_STATS_A_DOWN_EVENTS,	/* u64 */
	/* reflector */
	VPNFO_STATS_A_REFLECTED,	/* u64 */
	VPNFO_STATS_A_REFUSED,		/* u64 */
	/* tunnel: decision -> first packet steered to the new peer */
	VPNFO_STATS_A_SWITCH_FIRST_PKT_NS,	/* u64, last switch */
	/* reflector: the client table */
	VPNFO_STATS_A_CLIENTS,		/* u64: in the table now */
	VPNFO_STATS_A_CLIENTS_ADDED,	/* u64 */
	VPNFO_STATS_A_CLIENTS_GONE,	/* u64: timed out */
	VPNFO_STATS_A_CLIENTS_REFUSED,	/* u64: table full or no memory */
	VPNFO_STATS_A_CLIENT_EVENTS,	/* u64: client events sent */
	VPNFO_STATS_A_CLIENT_EVENTS_COALESCED, /* u64: deferred by the budget */

	__VPNFO_STATS_A_MAX
};
#define VPNFO_STATS_A_MAX (__VPNFO_STATS_A_MAX - 1)

enum vpnfo_peer_state {
	VPNFO_STATE_PROBING,		/* not yet up */
	VPNFO_STATE_UP,
	VPNFO_STATE_DOWN,
};

enum vpnfo_event {
	VPNFO_EVENT_NONE,
	VPNFO_EVENT_PEER_UP,
	VPNFO_EVENT_PEER_DOWN,
	VPNFO_EVENT_SWITCH,
	VPNFO_EVENT_ALL_DOWN,
	VPNFO_EVENT_RECOVERED,
	VPNFO_EVENT_CLIENT_ACTIVE,	/* gateway: a client uses us */
	VPNFO_EVENT_CLIENT_STANDBY,	/* gateway: a client holds us as standby */
	VPNFO_EVENT_CLIENT_GONE,	/* gateway: a client's probes stopped */
};

enum vpnfo_client_state {
	VPNFO_CLIENT_STANDBY,
	VPNFO_CLIENT_ACTIVE,
};

enum vpnfo_reason {
	VPNFO_REASON_NONE,
	VPNFO_REASON_INITIAL,		/* first peer came up */
	VPNFO_REASON_PEER_DOWN,		/* active peer failed */
	VPNFO_REASON_FAILBACK,		/* preferred peer up for the hold */
	VPNFO_REASON_FORCED,		/* VPNFO_CMD_SWITCH */
	VPNFO_REASON_PEER_DELETED,
	VPNFO_REASON_PRIORITY,		/* priorities changed */
};

#endif /* _UAPI_LINUX_VPNFO_H */
