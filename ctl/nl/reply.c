// SPDX-License-Identifier: GPL-2.0
/*
 * Replies and events of the module, decoded into structures; every
 * attribute's length is checked (by policy) before it is read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "vnl.h"

static struct nla_policy attr_policy[VPNFO_A_MAX + 1] = {
	[VPNFO_A_TUNNEL]	= { .type = NLA_STRING, .maxlen = VPNFO_NAME_MAX },
	[VPNFO_A_TUNNEL_ID]	= { .type = NLA_U32 },
	[VPNFO_A_MARK_MASK]	= { .type = NLA_U32 },
	[VPNFO_A_SELECTOR]	= { .type = NLA_NESTED },
	[VPNFO_A_FAILBACK_HOLD_MS] = { .type = NLA_U32 },
	[VPNFO_A_ACTIVE]	= { .type = NLA_STRING, .maxlen = VPNFO_NAME_MAX },
	[VPNFO_A_PINNED]	= { .type = NLA_FLAG },
	[VPNFO_A_PEER]		= { .type = NLA_STRING, .maxlen = VPNFO_NAME_MAX },
	[VPNFO_A_PEER_ID]	= { .type = NLA_U32 },
	[VPNFO_A_PRIORITY]	= { .type = NLA_U32 },
	[VPNFO_A_MARK]		= { .type = NLA_U32 },
	[VPNFO_A_REMOTE]	= { .type = NLA_UNSPEC, .minlen = 4, .maxlen = 16 },
	[VPNFO_A_PROBE_DST]	= { .type = NLA_UNSPEC, .minlen = 4, .maxlen = 16 },
	[VPNFO_A_PROBE_SRC]	= { .type = NLA_UNSPEC, .minlen = 4, .maxlen = 16 },
	[VPNFO_A_INTERVAL_US]	= { .type = NLA_U32 },
	[VPNFO_A_THRESHOLD]	= { .type = NLA_U32 },
	[VPNFO_A_RISE]		= { .type = NLA_U32 },
	[VPNFO_A_STATE]		= { .type = NLA_U8 },
	[VPNFO_A_STATS]		= { .type = NLA_NESTED },
	[VPNFO_A_EVENT]		= { .type = NLA_U8 },
	[VPNFO_A_FROM]		= { .type = NLA_STRING, .maxlen = VPNFO_NAME_MAX },
	[VPNFO_A_TO]		= { .type = NLA_STRING, .maxlen = VPNFO_NAME_MAX },
	[VPNFO_A_REASON]	= { .type = NLA_U8 },
	[VPNFO_A_TIMESTAMP_NS]	= { .type = NLA_U64 },
	[VPNFO_A_REFLECTOR_ENABLED] = { .type = NLA_U8 },
	[VPNFO_A_PEER_COUNT]	= { .type = NLA_U32 },
	[VPNFO_A_CLIENT_TIMEOUT_MS] = { .type = NLA_U32 },
	[VPNFO_A_CLIENT_OUTER]	= { .type = NLA_UNSPEC, .minlen = 4, .maxlen = 16 },
	[VPNFO_A_CLIENT_SPI]	= { .type = NLA_U32 },
	[VPNFO_A_CLIENT_INNER]	= { .type = NLA_UNSPEC, .minlen = 4, .maxlen = 16 },
	[VPNFO_A_CLIENT_STATE]	= { .type = NLA_U8 },
	[VPNFO_A_CLIENT_AGE_MS]	= { .type = NLA_U32 },
	[VPNFO_A_CLIENT_PROBES]	= { .type = NLA_U64 },
};

static struct nla_policy sel_policy[VPNFO_SEL_A_MAX + 1] = {
	[VPNFO_SEL_A_SRC]	= { .type = NLA_UNSPEC, .minlen = 4, .maxlen = 16 },
	[VPNFO_SEL_A_SRC_PLEN]	= { .type = NLA_U8 },
	[VPNFO_SEL_A_DST]	= { .type = NLA_UNSPEC, .minlen = 4, .maxlen = 16 },
	[VPNFO_SEL_A_DST_PLEN]	= { .type = NLA_U8 },
};

/* Every decoder starts here: @out (@size bytes) cleared, @tb filled. */
static int attrs_parse(struct nl_msg *msg, struct nlattr **tb, void *out,
		       size_t size)
{
	memset(out, 0, size);
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, VPNFO_A_MAX, attr_policy) < 0)
		return -EBADMSG;
	return 0;
}

static uint32_t get_u32(struct nlattr **tb, int type)
{
	return tb[type] ? nla_get_u32(tb[type]) : 0;
}

static bool get_str(struct nlattr **tb, int type, char *buf)
{
	buf[0] = '\0';
	if (!tb[type])
		return false;
	nla_strlcpy(buf, tb[type], VPNFO_NAME_MAX);
	return true;
}

static int get_addr(struct nlattr *a, struct vpnfo_addr *addr)
{
	return addr_from_bytes(nla_data(a), (size_t)nla_len(a), addr);
}

static int stats_parse(struct nlattr *nest, uint64_t *stats)
{
	struct nlattr *a;
	int rem;

	memset(stats, 0, sizeof(uint64_t) * (VPNFO_STATS_A_MAX + 1));
	if (!nest)
		return 0;
	/* Every counter is a u64; unknown newer ones are skipped. */
	nla_for_each_nested(a, nest, rem) {
		int type = nla_type(a);

		if (type <= VPNFO_STATS_A_PAD || type > VPNFO_STATS_A_MAX)
			continue;
		if (nla_len(a) != sizeof(uint64_t))
			return -EBADMSG;
		stats[type] = nla_get_u64(a);
	}
	return 0;
}

static int sel_parse(struct nlattr *nest, struct vpnfo_prefix *src,
		     struct vpnfo_prefix *dst)
{
	struct nlattr *tb[VPNFO_SEL_A_MAX + 1];

	if (nla_parse_nested(tb, VPNFO_SEL_A_MAX, nest, sel_policy) < 0)
		return -EBADMSG;
	if (!tb[VPNFO_SEL_A_SRC] || !tb[VPNFO_SEL_A_DST] ||
	    get_addr(tb[VPNFO_SEL_A_SRC], &src->addr) ||
	    get_addr(tb[VPNFO_SEL_A_DST], &dst->addr))
		return -EBADMSG;
	src->plen = tb[VPNFO_SEL_A_SRC_PLEN] ?
		nla_get_u8(tb[VPNFO_SEL_A_SRC_PLEN]) : addr_len(&src->addr) * 8;
	dst->plen = tb[VPNFO_SEL_A_DST_PLEN] ?
		nla_get_u8(tb[VPNFO_SEL_A_DST_PLEN]) : addr_len(&dst->addr) * 8;
	if (src->plen > addr_len(&src->addr) * 8 || dst->plen > addr_len(&dst->addr) * 8)
		return -EBADMSG;
	return 0;
}

int vnl_tunnel_parse(struct nl_msg *msg, struct tunnel_info *t)
{
	struct nlattr *tb[VPNFO_A_MAX + 1];
	struct nlattr *a;
	int rem, ret;

	if (attrs_parse(msg, tb, t, sizeof(*t)))
		return -EBADMSG;
	if (!get_str(tb, VPNFO_A_TUNNEL, t->name))
		return -EBADMSG;
	t->id = get_u32(tb, VPNFO_A_TUNNEL_ID);
	t->mark_mask = get_u32(tb, VPNFO_A_MARK_MASK);
	t->hold_ms = get_u32(tb, VPNFO_A_FAILBACK_HOLD_MS);
	t->peer_count = get_u32(tb, VPNFO_A_PEER_COUNT);
	t->has_active = get_str(tb, VPNFO_A_ACTIVE, t->active);
	t->pinned = tb[VPNFO_A_PINNED] != NULL;
	nlmsg_for_each_attr(a, nlmsg_hdr(msg), GENL_HDRLEN, rem) {
		if (nla_type(a) != VPNFO_A_SELECTOR)
			continue;
		if (t->nsel >= VPNFO_SELECTORS_MAX)
			return -EBADMSG;
		ret = sel_parse(a, &t->sel_src[t->nsel], &t->sel_dst[t->nsel]);
		if (ret)
			return ret;
		t->nsel++;
	}
	return stats_parse(tb[VPNFO_A_STATS], t->stats);
}

int vnl_peer_parse(struct nl_msg *msg, struct peer_info *p)
{
	struct nlattr *tb[VPNFO_A_MAX + 1];

	if (attrs_parse(msg, tb, p, sizeof(*p)))
		return -EBADMSG;
	if (!get_str(tb, VPNFO_A_PEER, p->name) ||
	    !tb[VPNFO_A_REMOTE] || !tb[VPNFO_A_PROBE_DST] ||
	    get_addr(tb[VPNFO_A_REMOTE], &p->remote) ||
	    get_addr(tb[VPNFO_A_PROBE_DST], &p->probe))
		return -EBADMSG;
	get_str(tb, VPNFO_A_TUNNEL, p->tunnel);
	if (tb[VPNFO_A_PROBE_SRC]) {
		if (get_addr(tb[VPNFO_A_PROBE_SRC], &p->src))
			return -EBADMSG;
		p->has_src = true;
	}
	p->id = get_u32(tb, VPNFO_A_PEER_ID);
	p->priority = get_u32(tb, VPNFO_A_PRIORITY);
	p->mark = get_u32(tb, VPNFO_A_MARK);
	p->interval_us = get_u32(tb, VPNFO_A_INTERVAL_US);
	p->threshold = get_u32(tb, VPNFO_A_THRESHOLD);
	p->rise = get_u32(tb, VPNFO_A_RISE);
	p->state = tb[VPNFO_A_STATE] ? nla_get_u8(tb[VPNFO_A_STATE]) : 0;
	return stats_parse(tb[VPNFO_A_STATS], p->stats);
}

int vnl_reflector_parse(struct nl_msg *msg, struct reflector_info *r)
{
	struct nlattr *tb[VPNFO_A_MAX + 1];

	if (attrs_parse(msg, tb, r, sizeof(*r)))
		return -EBADMSG;
	r->enabled = tb[VPNFO_A_REFLECTOR_ENABLED] &&
		nla_get_u8(tb[VPNFO_A_REFLECTOR_ENABLED]);
	r->client_timeout_ms = get_u32(tb, VPNFO_A_CLIENT_TIMEOUT_MS);
	return stats_parse(tb[VPNFO_A_STATS], r->stats);
}

/* The client's key, in a dump entry or an event; all three required. */
static int client_key_parse(struct nlattr **tb, struct client_info *c)
{
	if (!tb[VPNFO_A_CLIENT_OUTER] || !tb[VPNFO_A_CLIENT_SPI] ||
	    !tb[VPNFO_A_CLIENT_INNER] ||
	    get_addr(tb[VPNFO_A_CLIENT_OUTER], &c->outer) ||
	    get_addr(tb[VPNFO_A_CLIENT_INNER], &c->inner))
		return -EBADMSG;
	c->spi = nla_get_u32(tb[VPNFO_A_CLIENT_SPI]);
	return 0;
}

int vnl_client_parse(struct nl_msg *msg, struct client_info *c)
{
	struct nlattr *tb[VPNFO_A_MAX + 1];

	if (attrs_parse(msg, tb, c, sizeof(*c)) || client_key_parse(tb, c) ||
	    !tb[VPNFO_A_CLIENT_STATE])
		return -EBADMSG;
	c->state = nla_get_u8(tb[VPNFO_A_CLIENT_STATE]);
	c->age_ms = get_u32(tb, VPNFO_A_CLIENT_AGE_MS);
	c->probes = tb[VPNFO_A_CLIENT_PROBES] ?
		nla_get_u64(tb[VPNFO_A_CLIENT_PROBES]) : 0;
	return 0;
}

int vnl_event_parse(struct nl_msg *msg, struct event_info *e)
{
	struct nlattr *tb[VPNFO_A_MAX + 1];

	if (attrs_parse(msg, tb, e, sizeof(*e)))
		return -EBADMSG;
	if (!tb[VPNFO_A_EVENT])
		return -EBADMSG;
	e->event = nla_get_u8(tb[VPNFO_A_EVENT]);
	switch (e->event) {
	case VPNFO_EVENT_CLIENT_ACTIVE:
	case VPNFO_EVENT_CLIENT_STANDBY:
	case VPNFO_EVENT_CLIENT_GONE:
		if (client_key_parse(tb, &e->client))
			return -EBADMSG;
		e->has_client = true;
		break;
	default:
		if (!get_str(tb, VPNFO_A_TUNNEL, e->tunnel))
			return -EBADMSG;
		break;
	}
	e->has_peer = get_str(tb, VPNFO_A_PEER, e->peer);
	e->has_from = get_str(tb, VPNFO_A_FROM, e->from);
	e->has_to = get_str(tb, VPNFO_A_TO, e->to);
	e->reason = tb[VPNFO_A_REASON] ? nla_get_u8(tb[VPNFO_A_REASON]) : 0;
	e->timestamp_ns = tb[VPNFO_A_TIMESTAMP_NS] ?
		nla_get_u64(tb[VPNFO_A_TIMESTAMP_NS]) : 0;
	return 0;
}

/* Room for one more element of @size in *@v, which holds @n. */
static void *list_grow(void **v, unsigned int n, size_t size)
{
	void *p;

	if (n >= 4096)		/* far beyond any real table; a bad reply */
		return NULL;
	p = reallocarray(*v, n + 1, size);
	if (!p)
		return NULL;
	*v = p;
	return (char *)p + n * size;
}

typedef int (*reply_parse_fn)(struct nl_msg *msg, void *out);

static int list_collect(struct nl_msg *msg, void **v, unsigned int *n,
			size_t size, reply_parse_fn parse)
{
	void *slot = list_grow(v, *n, size);
	int ret;

	if (!slot)
		return -ENOMEM;
	ret = parse(msg, slot);
	if (ret)
		return ret;
	(*n)++;
	return 0;
}

static int tunnel_parse_slot(struct nl_msg *msg, void *slot)
{
	return vnl_tunnel_parse(msg, slot);
}

static int peer_parse_slot(struct nl_msg *msg, void *slot)
{
	return vnl_peer_parse(msg, slot);
}

int vnl_tunnel_collect(struct nl_msg *msg, void *arg)
{
	struct tunnel_list *l = arg;

	return list_collect(msg, (void **)&l->v, &l->n, sizeof(*l->v),
			    tunnel_parse_slot);
}

int vnl_peer_collect(struct nl_msg *msg, void *arg)
{
	struct peer_list *l = arg;

	return list_collect(msg, (void **)&l->v, &l->n, sizeof(*l->v),
			    peer_parse_slot);
}

/*
 * A gateway may hold VPNFO_CLIENTS_MAX clients: this list grows by
 * doubling, up to a little more than that (a dump may list a client twice
 * while the table changes).
 */
int vnl_client_collect(struct nl_msg *msg, void *arg)
{
	struct client_list *l = arg;
	unsigned int n = l->n;
	struct client_info *p;
	int ret;

	if (n >= 2 * VPNFO_CLIENTS_MAX)
		return -ENOMEM;
	/* Room for 64, then doubled whenever n reaches a power of two. */
	if (!n || (n >= 64 && !(n & (n - 1)))) {
		p = reallocarray(l->v, n ? 2 * (size_t)n : 64, sizeof(*p));
		if (!p)
			return -ENOMEM;
		l->v = p;
	}
	ret = vnl_client_parse(msg, &l->v[l->n]);
	if (ret)
		return ret;
	l->n++;
	return 0;
}
