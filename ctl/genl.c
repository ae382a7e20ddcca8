// SPDX-License-Identifier: GPL-2.0
/*
 * The libnl-genl client: resolves the "vpnfo" family, sends one request,
 * collects its replies (one message or a dump) and keeps the kernel's
 * extack message of a refusal. libnl's own error codes lose the errno, so
 * errors are taken from the NLMSG_ERROR / NLMSG_DONE payload directly.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "genl.h"
#include "log.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static int nle_to_errno(int nle)
{
	switch (-nle) {
	case NLE_NOMEM:		return -ENOMEM;
	case NLE_PERM:		return -EPERM;
	case NLE_NOACCESS:	return -EACCES;
	case NLE_EXIST:		return -EEXIST;
	case NLE_OBJ_NOTFOUND:	return -ENOENT;
	case NLE_INVAL:		return -EINVAL;
	case NLE_RANGE:		return -ERANGE;
	case NLE_MSGSIZE:	return -EMSGSIZE;
	case NLE_OPNOTSUPP:	return -EOPNOTSUPP;
	case NLE_AGAIN:		return -EAGAIN;
	case NLE_INTR:		return -EINTR;
	case NLE_BUSY:		return -EBUSY;
	case NLE_NODEV:		return -ENODEV;
	case NLE_AF_NOSUPPORT:	return -EAFNOSUPPORT;
	case NLE_PROTO_MISMATCH: return -EPROTONOSUPPORT;
	case NLE_MSG_TRUNC:	return -EMSGSIZE;
	case NLE_DUMP_INTR:	return -EINTR;
	default:		return -EIO;
	}
}

int genl_open(struct genl_client *c)
{
	return genl_open_family(c, VPNFO_GENL_NAME);
}

int genl_open_family(struct genl_client *c, const char *name)
{
	int one = 1, ret;

	memset(c, 0, sizeof(*c));
	c->sk = nl_socket_alloc();
	if (!c->sk)
		return -ENOMEM;
	ret = genl_connect(c->sk);
	if (ret < 0) {
		ret = nle_to_errno(ret);
		log_error("cannot open a generic netlink socket: %s",
			  strerror(-ret));
		goto cleanup;
	}
	/* Ask for the kernel's reason with every refusal; older kernels
	 * ignore these, which only costs the message. */
	setsockopt(nl_socket_get_fd(c->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(c->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	nl_socket_enable_msg_peek(c->sk);
	ret = genl_ctrl_resolve(c->sk, name);
	if (ret < 0) {
		ret = nle_to_errno(ret);
		log_error("generic netlink family '%s' not found%s: %s", name,
			  strcmp(name, VPNFO_GENL_NAME) ? "" :
			  " (is vpnfo.ko loaded?)", strerror(-ret));
		goto cleanup;
	}
	c->family = ret;
	return 0;
cleanup:
	genl_close(c);
	return ret;
}

void genl_close(struct genl_client *c)
{
	if (c->sk)
		nl_socket_free(c->sk);
	c->sk = NULL;
}

int genl_msg_new(uint8_t cmd, int flags, struct nl_msg **msgp)
{
	struct nl_msg *msg;

	msg = nlmsg_alloc();
	if (!msg)
		return -ENOMEM;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, 0, 0, flags,
			 cmd, VPNFO_GENL_VERSION)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	*msgp = msg;
	return 0;
}

void genl_msg_free(struct nl_msg *msg)
{
	struct nlmsghdr *nlh;

	if (!msg)
		return;
	nlh = nlmsg_hdr(msg);
	explicit_bzero(nlh, nlh->nlmsg_len);
	nlmsg_free(msg);
}

struct request {
	struct genl_client *c;
	genl_reply_fn fn;
	void *arg;
	int err;
	bool done;
};

/* TLVs of an extended ACK start @off bytes into the payload of @nlh. */
static void extack_read(struct genl_client *c, struct nlmsghdr *nlh,
			size_t off)
{
	static struct nla_policy policy[NLMSGERR_ATTR_MAX + 1] = {
		[NLMSGERR_ATTR_MSG] = { .type = NLA_STRING },
	};
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t plen;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) ||
	    nlh->nlmsg_len < NLMSG_HDRLEN)
		return;
	plen = nlh->nlmsg_len - NLMSG_HDRLEN;
	off = NLMSG_ALIGN(off);
	if (off >= plen)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)nlmsg_data(nlh) + off),
		      (int)(plen - off), policy) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		nla_strlcpy(c->extack, tb[NLMSGERR_ATTR_MSG],
			    sizeof(c->extack));
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct request *r = arg;
	size_t off = sizeof(*e);

	(void)nla;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
	r->err = e->error < 0 ? e->error : -EIO;
	extack_read(r->c, nlh, off);
	r->done = true;
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct request *r = arg;

	(void)msg;
	r->done = true;
	return NL_STOP;
}

/* NLMSG_DONE carries the dump's error as an int, then extack TLVs. */
static int on_finish(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct request *r = arg;
	int err;

	r->done = true;
	if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int)) {
		memcpy(&err, nlmsg_data(nlh), sizeof(err));
		if (err < 0) {
			r->err = err;
			extack_read(r->c, nlh, sizeof(int));
		}
	}
	return NL_STOP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct request *r = arg;
	int ret;

	if (!r->fn)
		return NL_OK;
	ret = r->fn(msg, r->arg);
	if (ret < 0) {
		r->err = ret;
		return NL_STOP;
	}
	return NL_OK;
}

static struct nl_cb *request_cb(struct request *r)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);

	if (!cb)
		return NULL;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, r);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, r);
	return cb;
}

int genl_request(struct genl_client *c, struct nl_msg *msg, genl_reply_fn fn,
		 void *arg)
{
	struct request r = { .c = c, .fn = fn, .arg = arg };
	struct nl_cb *cb;
	int ret;

	c->extack[0] = '\0';
	nlmsg_hdr(msg)->nlmsg_type = (uint16_t)c->family;
	cb = request_cb(&r);
	if (!cb) {
		genl_msg_free(msg);
		return -ENOMEM;
	}
	ret = nl_send_auto(c->sk, msg);
	genl_msg_free(msg);
	if (ret < 0) {
		r.err = nle_to_errno(ret);
		goto cleanup;
	}
	while (!r.done && !r.err) {
		ret = nl_recvmsgs(c->sk, cb);
		if (ret < 0 && !r.err)
			r.err = nle_to_errno(ret);
	}
cleanup:
	nl_cb_put(cb);
	return r.err;
}

int genl_exec(uint8_t cmd, int flags, genl_build_fn build, int argc,
	      char **argv, genl_reply_fn fn, void *arg, const char *what)
{
	struct genl_client c;
	struct nl_msg *msg;
	int ret;

	ret = genl_msg_new(cmd, flags, &msg);
	if (ret) {
		log_error("%s: %s", what, strerror(-ret));
		return 1;
	}
	if (build) {
		ret = build(msg, argc, argv);
		if (ret) {
			genl_msg_free(msg);
			return ret == -EINVAL ? 2 : 1;
		}
	}
	ret = genl_open(&c);
	if (ret) {
		genl_msg_free(msg);
		return 1;
	}
	ret = genl_request(&c, msg, fn, arg);
	if (ret)
		genl_report(&c, ret, what);
	genl_close(&c);
	return ret ? 1 : 0;
}

int genl_exec_verb(const struct genl_verb *verbs, size_t n, const char *name,
		   int argc, char **argv)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(verbs[i].name, name))
			return genl_exec(verbs[i].cmd, 0, verbs[i].build, argc,
					 argv, NULL, NULL, verbs[i].what);
	return -1;
}

void genl_report(const struct genl_client *c, int err, const char *what)
{
	if (c && c->extack[0])
		log_error("%s: %s", c->extack, strerror(-err));
	else
		log_error("%s: %s", what, strerror(-err));
}

int genl_subscribe(struct genl_client *c, const char *group)
{
	int grp, ret;

	grp = genl_ctrl_resolve_grp(c->sk, VPNFO_GENL_NAME, group);
	if (grp < 0) {
		ret = nle_to_errno(grp);
		log_error("multicast group '%s' not found: %s", group,
			  strerror(-ret));
		return ret;
	}
	ret = nl_socket_add_membership(c->sk, grp);
	if (ret < 0) {
		ret = nle_to_errno(ret);
		log_error("cannot join multicast group '%s': %s", group,
			  strerror(-ret));
		return ret;
	}
	return 0;
}

static int seq_any(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

int genl_wait(struct genl_client *c, int timeout_ms, genl_reply_fn fn,
	      void *arg)
{
	struct request r = { .c = c, .fn = fn, .arg = arg };
	struct pollfd pfd = { .fd = nl_socket_get_fd(c->sk), .events = POLLIN };
	struct nl_cb *cb;
	int ret;

	ret = poll(&pfd, 1, timeout_ms);
	if (ret < 0)
		return -errno;
	if (!ret)
		return 0;
	cb = request_cb(&r);
	if (!cb)
		return -ENOMEM;
	/* A fresh callback set checks sequence numbers again; notifications
	 * carry 0. */
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, seq_any, NULL);
	ret = nl_recvmsgs(c->sk, cb);
	nl_cb_put(cb);
	if (ret < 0)
		log_debug("nl_recvmsgs: %s (%d)", nl_geterror(ret), ret);
	if (r.err)
		return r.err;
	/* Overrun: events were lost, but the ones to come are still good. */
	if (ret == -NLE_NOMEM) {
		log_error("events lost (socket receive buffer overrun)");
		return 1;
	}
	return ret < 0 ? nle_to_errno(ret) : 1;
}

/* Requests from structures */

int genl_sel_put(struct nl_msg *msg, const struct ctl_prefix *src,
		 const struct ctl_prefix *dst)
{
	struct nlattr *nest = nla_nest_start(msg, VPNFO_A_SELECTOR);

	if (!nest ||
	    nla_put(msg, VPNFO_SEL_A_SRC, src->addr.len, src->addr.bytes) ||
	    nla_put_u8(msg, VPNFO_SEL_A_SRC_PLEN, src->plen) ||
	    nla_put(msg, VPNFO_SEL_A_DST, dst->addr.len, dst->addr.bytes) ||
	    nla_put_u8(msg, VPNFO_SEL_A_DST_PLEN, dst->plen))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

int genl_tunnel_put(struct nl_msg *msg, const struct genl_tunnel *t)
{
	unsigned int i;

	if (nla_put_string(msg, VPNFO_A_TUNNEL, t->name) ||
	    nla_put_u32(msg, VPNFO_A_MARK_MASK, t->mark_mask))
		return -EMSGSIZE;
	for (i = 0; i < t->nsel; i++)
		if (genl_sel_put(msg, &t->sel_src[i], &t->sel_dst[i]))
			return -EMSGSIZE;
	if (t->has_hold &&
	    nla_put_u32(msg, VPNFO_A_FAILBACK_HOLD_MS, t->hold_ms))
		return -EMSGSIZE;
	if (t->key && nla_put(msg, VPNFO_A_PROBE_KEY, (int)t->key_len, t->key))
		return -EMSGSIZE;
	return 0;
}

static int addr_put(struct nl_msg *msg, int attr, const struct ctl_addr *a)
{
	if (!a->len)
		return 0;
	return nla_put(msg, attr, a->len, a->bytes) ? -EMSGSIZE : 0;
}

static int u32_put_set(struct nl_msg *msg, int attr, uint32_t v)
{
	if (!v)
		return 0;
	return nla_put_u32(msg, attr, v) ? -EMSGSIZE : 0;
}

int genl_peer_put(struct nl_msg *msg, const struct genl_peer *p)
{
	if (nla_put_string(msg, VPNFO_A_TUNNEL, p->tunnel) ||
	    nla_put_string(msg, VPNFO_A_PEER, p->name) ||
	    nla_put_u32(msg, VPNFO_A_PRIORITY, p->priority) ||
	    nla_put_u32(msg, VPNFO_A_MARK, p->mark) ||
	    addr_put(msg, VPNFO_A_REMOTE, &p->remote) ||
	    addr_put(msg, VPNFO_A_PROBE_DST, &p->probe) ||
	    addr_put(msg, VPNFO_A_PROBE_SRC, &p->src) ||
	    u32_put_set(msg, VPNFO_A_INTERVAL_US, p->interval_us) ||
	    u32_put_set(msg, VPNFO_A_THRESHOLD, p->threshold) ||
	    u32_put_set(msg, VPNFO_A_RISE, p->rise))
		return -EMSGSIZE;
	return 0;
}

typedef int (*struct_put_fn)(struct nl_msg *msg, const void *obj);

static int struct_request(struct genl_client *c, uint8_t cmd,
			  struct_put_fn put, const void *obj)
{
	struct nl_msg *msg;
	int ret;

	ret = genl_msg_new(cmd, 0, &msg);
	if (ret)
		return ret;
	ret = put(msg, obj);
	if (ret) {
		genl_msg_free(msg);
		return ret;
	}
	return genl_request(c, msg, NULL, NULL);
}

static int tunnel_put_any(struct nl_msg *msg, const void *t)
{
	return genl_tunnel_put(msg, t);
}

static int peer_put_any(struct nl_msg *msg, const void *p)
{
	return genl_peer_put(msg, p);
}

int genl_tunnel_new(struct genl_client *c, const struct genl_tunnel *t)
{
	return struct_request(c, VPNFO_CMD_TUNNEL_NEW, tunnel_put_any, t);
}

int genl_peer_new(struct genl_client *c, const struct genl_peer *p)
{
	return struct_request(c, VPNFO_CMD_PEER_NEW, peer_put_any, p);
}

struct names {
	const char *tunnel;
	const char *peer;
};

static int names_put(struct nl_msg *msg, const void *arg)
{
	const struct names *n = arg;

	if (nla_put_string(msg, VPNFO_A_TUNNEL, n->tunnel) ||
	    (n->peer && nla_put_string(msg, VPNFO_A_PEER, n->peer)))
		return -EMSGSIZE;
	return 0;
}

int genl_del(struct genl_client *c, const char *tunnel, const char *peer)
{
	struct names n = { tunnel, peer };

	return struct_request(c, peer ? VPNFO_CMD_PEER_DEL :
			      VPNFO_CMD_TUNNEL_DEL, names_put, &n);
}

/* Replies */

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
};

static struct nla_policy sel_policy[VPNFO_SEL_A_MAX + 1] = {
	[VPNFO_SEL_A_SRC]	= { .type = NLA_UNSPEC, .minlen = 4, .maxlen = 16 },
	[VPNFO_SEL_A_SRC_PLEN]	= { .type = NLA_U8 },
	[VPNFO_SEL_A_DST]	= { .type = NLA_UNSPEC, .minlen = 4, .maxlen = 16 },
	[VPNFO_SEL_A_DST_PLEN]	= { .type = NLA_U8 },
};

static int attrs_parse(struct nl_msg *msg, struct nlattr **tb)
{
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

static int get_addr(struct nlattr *a, struct ctl_addr *addr)
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

static int sel_parse(struct nlattr *nest, struct ctl_prefix *src,
		     struct ctl_prefix *dst)
{
	struct nlattr *tb[VPNFO_SEL_A_MAX + 1];

	if (nla_parse_nested(tb, VPNFO_SEL_A_MAX, nest, sel_policy) < 0)
		return -EBADMSG;
	if (!tb[VPNFO_SEL_A_SRC] || !tb[VPNFO_SEL_A_DST] ||
	    get_addr(tb[VPNFO_SEL_A_SRC], &src->addr) ||
	    get_addr(tb[VPNFO_SEL_A_DST], &dst->addr))
		return -EBADMSG;
	src->plen = tb[VPNFO_SEL_A_SRC_PLEN] ?
		nla_get_u8(tb[VPNFO_SEL_A_SRC_PLEN]) : src->addr.len * 8;
	dst->plen = tb[VPNFO_SEL_A_DST_PLEN] ?
		nla_get_u8(tb[VPNFO_SEL_A_DST_PLEN]) : dst->addr.len * 8;
	if (src->plen > src->addr.len * 8 || dst->plen > dst->addr.len * 8)
		return -EBADMSG;
	return 0;
}

int genl_tunnel_parse(struct nl_msg *msg, struct tunnel_info *t)
{
	struct nlattr *tb[VPNFO_A_MAX + 1];
	struct nlattr *a;
	int rem, ret;

	memset(t, 0, sizeof(*t));
	ret = attrs_parse(msg, tb);
	if (ret)
		return ret;
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

int genl_peer_parse(struct nl_msg *msg, struct peer_info *p)
{
	struct nlattr *tb[VPNFO_A_MAX + 1];
	int ret;

	memset(p, 0, sizeof(*p));
	ret = attrs_parse(msg, tb);
	if (ret)
		return ret;
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

int genl_reflector_parse(struct nl_msg *msg, struct reflector_info *r)
{
	struct nlattr *tb[VPNFO_A_MAX + 1];
	int ret;

	memset(r, 0, sizeof(*r));
	ret = attrs_parse(msg, tb);
	if (ret)
		return ret;
	r->enabled = tb[VPNFO_A_REFLECTOR_ENABLED] &&
		nla_get_u8(tb[VPNFO_A_REFLECTOR_ENABLED]);
	return stats_parse(tb[VPNFO_A_STATS], r->stats);
}

int genl_event_parse(struct nl_msg *msg, struct event_info *e)
{
	struct nlattr *tb[VPNFO_A_MAX + 1];
	int ret;

	memset(e, 0, sizeof(*e));
	ret = attrs_parse(msg, tb);
	if (ret)
		return ret;
	if (!tb[VPNFO_A_EVENT] || !get_str(tb, VPNFO_A_TUNNEL, e->tunnel))
		return -EBADMSG;
	e->event = nla_get_u8(tb[VPNFO_A_EVENT]);
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
	return genl_tunnel_parse(msg, slot);
}

static int peer_parse_slot(struct nl_msg *msg, void *slot)
{
	return genl_peer_parse(msg, slot);
}

int genl_tunnel_collect(struct nl_msg *msg, void *arg)
{
	struct tunnel_list *l = arg;

	return list_collect(msg, (void **)&l->v, &l->n, sizeof(*l->v),
			    tunnel_parse_slot);
}

int genl_peer_collect(struct nl_msg *msg, void *arg)
{
	struct peer_list *l = arg;

	return list_collect(msg, (void **)&l->v, &l->n, sizeof(*l->v),
			    peer_parse_slot);
}
