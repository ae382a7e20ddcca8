// SPDX-License-Identifier: GPL-2.0
/*
 * The one encoder of every module request: vpnfoctl (from its command
 * line) and vpnfod (from its configuration) fill the same structures
 * (vnl.h), and these functions turn them into attributes.
 */
#include <errno.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "vnl.h"

static int sel_put(struct nl_msg *msg, const struct vpnfo_prefix *src,
		   const struct vpnfo_prefix *dst)
{
	struct nlattr *nest = nla_nest_start(msg, VPNFO_A_SELECTOR);

	if (!nest ||
	    nla_put(msg, VPNFO_SEL_A_SRC, addr_len(&src->addr), src->addr.bytes) ||
	    nla_put_u8(msg, VPNFO_SEL_A_SRC_PLEN, src->plen) ||
	    nla_put(msg, VPNFO_SEL_A_DST, addr_len(&dst->addr), dst->addr.bytes) ||
	    nla_put_u8(msg, VPNFO_SEL_A_DST_PLEN, dst->plen))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int addr_put(struct nl_msg *msg, int attr, const struct vpnfo_addr *a)
{
	if (!addr_len(a))
		return 0;
	return nla_put(msg, attr, addr_len(a), a->bytes) ? -EMSGSIZE : 0;
}

static int u32_put_if(struct nl_msg *msg, int attr, bool has, uint32_t v)
{
	if (!has)
		return 0;
	return nla_put_u32(msg, attr, v) ? -EMSGSIZE : 0;
}

static int key_put(struct nl_msg *msg, const uint8_t *key, size_t len)
{
	if (!len)
		return 0;
	return nla_put(msg, VPNFO_A_PROBE_KEY, (int)len, key) ? -EMSGSIZE : 0;
}

static int names_put(struct nl_msg *msg, const char *tunnel, const char *peer)
{
	if (nla_put_string(msg, VPNFO_A_TUNNEL, tunnel) ||
	    (peer && nla_put_string(msg, VPNFO_A_PEER, peer)))
		return -EMSGSIZE;
	return 0;
}

int vnl_names_put(struct nl_msg *msg, const struct vnl_names *n)
{
	return names_put(msg, n->tunnel, n->peer);
}

int vnl_tunnel_put(struct nl_msg *msg, const struct vnl_tunnel *t)
{
	unsigned int i;

	if (names_put(msg, t->name, NULL) ||
	    u32_put_if(msg, VPNFO_A_MARK_MASK, t->has_mark_mask, t->mark_mask))
		return -EMSGSIZE;
	for (i = 0; i < t->nsel; i++)
		if (sel_put(msg, &t->sel_src[i], &t->sel_dst[i]))
			return -EMSGSIZE;
	if (u32_put_if(msg, VPNFO_A_FAILBACK_HOLD_MS, t->has_hold, t->hold_ms) ||
	    key_put(msg, t->key, t->key_len))
		return -EMSGSIZE;
	return 0;
}

int vnl_peer_put(struct nl_msg *msg, const struct vnl_peer *p)
{
	if (names_put(msg, p->tunnel, p->name) ||
	    u32_put_if(msg, VPNFO_A_PRIORITY, p->has_priority, p->priority) ||
	    u32_put_if(msg, VPNFO_A_MARK, p->mark, p->mark) ||
	    addr_put(msg, VPNFO_A_REMOTE, &p->remote) ||
	    addr_put(msg, VPNFO_A_PROBE_DST, &p->probe) ||
	    addr_put(msg, VPNFO_A_PROBE_SRC, &p->src) ||
	    u32_put_if(msg, VPNFO_A_INTERVAL_US, p->interval_us, p->interval_us) ||
	    u32_put_if(msg, VPNFO_A_THRESHOLD, p->threshold, p->threshold) ||
	    u32_put_if(msg, VPNFO_A_RISE, p->rise, p->rise))
		return -EMSGSIZE;
	return 0;
}

int vnl_reflector_put(struct nl_msg *msg, const struct vnl_reflector *r)
{
	if (nla_put_u8(msg, VPNFO_A_REFLECTOR_ENABLED, r->enabled) ||
	    key_put(msg, r->key, r->key_len))
		return -EMSGSIZE;
	return 0;
}

/* Requests from programs: encode, send, wait for the acknowledgement. */

typedef int (*put_fn)(struct nl_msg *msg, const void *obj);

static int struct_request(struct vnl_client *c, uint8_t cmd, put_fn put,
			  const void *obj)
{
	struct nl_msg *msg;
	int ret;

	ret = vnl_msg_new(cmd, 0, &msg);
	if (ret)
		return ret;
	ret = put(msg, obj);
	if (ret) {
		vnl_msg_free(msg);
		return ret;
	}
	return vnl_request(c, msg, NULL, NULL);
}

static int tunnel_put_any(struct nl_msg *msg, const void *t)
{
	return vnl_tunnel_put(msg, t);
}

static int peer_put_any(struct nl_msg *msg, const void *p)
{
	return vnl_peer_put(msg, p);
}

static int reflector_put_any(struct nl_msg *msg, const void *r)
{
	return vnl_reflector_put(msg, r);
}

static int names_put_any(struct nl_msg *msg, const void *n)
{
	return vnl_names_put(msg, n);
}

int vnl_tunnel_new(struct vnl_client *c, const struct vnl_tunnel *t)
{
	return struct_request(c, VPNFO_CMD_TUNNEL_NEW, tunnel_put_any, t);
}

int vnl_peer_new(struct vnl_client *c, const struct vnl_peer *p)
{
	return struct_request(c, VPNFO_CMD_PEER_NEW, peer_put_any, p);
}

int vnl_reflector_set(struct vnl_client *c, const struct vnl_reflector *r)
{
	return struct_request(c, VPNFO_CMD_REFLECTOR_SET, reflector_put_any, r);
}

int vnl_del(struct vnl_client *c, const char *tunnel, const char *peer)
{
	struct vnl_names n = { .tunnel = tunnel, .peer = peer };

	return struct_request(c, peer ? VPNFO_CMD_PEER_DEL :
			      VPNFO_CMD_TUNNEL_DEL, names_put_any, &n);
}
