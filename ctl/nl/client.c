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

#include "lib/log.h"
#include "vnl.h"

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

int vnl_open(struct vnl_client *c)
{
	return vnl_open_family(c, VPNFO_GENL_NAME);
}

int vnl_open_family(struct vnl_client *c, const char *name)
{
	int one = 1, ret;

	memset(c, 0, sizeof(*c));
	c->sk = nl_socket_alloc();
	if (!c->sk)
		return -ENOMEM;
	ret = genl_connect(c->sk);
	if (ret < 0) {
		ret = nle_to_errno(ret);
		snprintf(c->extack, sizeof(c->extack),
			 "cannot open a generic netlink socket");
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
		snprintf(c->extack, sizeof(c->extack),
			 "generic netlink family '%s' not found%s", name,
			 strcmp(name, VPNFO_GENL_NAME) ? "" :
			 " (is vpnfo.ko loaded?)");
		goto cleanup;
	}
	c->family = ret;
	return 0;
cleanup:
	vnl_close(c);
	return ret;
}

void vnl_close(struct vnl_client *c)
{
	if (c->sk)
		nl_socket_free(c->sk);
	c->sk = NULL;
}

int vnl_msg_new(uint8_t cmd, int flags, struct nl_msg **msgp)
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

void vnl_msg_free(struct nl_msg *msg)
{
	struct nlmsghdr *nlh;

	if (!msg)
		return;
	nlh = nlmsg_hdr(msg);
	explicit_bzero(nlh, nlh->nlmsg_len);
	nlmsg_free(msg);
}

struct request {
	struct vnl_client *c;
	vnl_reply_fn fn;
	void *arg;
	int err;
	bool done;
};

/* TLVs of an extended ACK start @off bytes into the payload of @nlh. */
static void extack_read(struct vnl_client *c, struct nlmsghdr *nlh,
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

int vnl_request(struct vnl_client *c, struct nl_msg *msg, vnl_reply_fn fn,
		 void *arg)
{
	struct request r = { .c = c, .fn = fn, .arg = arg };
	struct nl_cb *cb;
	int ret;

	c->extack[0] = '\0';
	nlmsg_hdr(msg)->nlmsg_type = (uint16_t)c->family;
	cb = request_cb(&r);
	if (!cb) {
		vnl_msg_free(msg);
		return -ENOMEM;
	}
	ret = nl_send_auto(c->sk, msg);
	vnl_msg_free(msg);
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

int vnl_subscribe(struct vnl_client *c, const char *group)
{
	int grp, ret;

	grp = genl_ctrl_resolve_grp(c->sk, VPNFO_GENL_NAME, group);
	if (grp < 0) {
		ret = nle_to_errno(grp);
		snprintf(c->extack, sizeof(c->extack),
			 "multicast group '%s' not found", group);
		return ret;
	}
	ret = nl_socket_add_membership(c->sk, grp);
	if (ret < 0) {
		ret = nle_to_errno(ret);
		snprintf(c->extack, sizeof(c->extack),
			 "cannot join multicast group '%s'", group);
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

int vnl_wait(struct vnl_client *c, int timeout_ms, vnl_reply_fn fn,
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
		log_warn("events lost (socket receive buffer overrun)");
		return 1;
	}
	return ret < 0 ? nle_to_errno(ret) : 1;
}
