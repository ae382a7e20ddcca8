// SPDX-License-Identifier: GPL-2.0
/*
 * Refusals of the "vpnfo" generic netlink family.
 *
 * Every request here is wrong in exactly one way; each test asserts the
 * errno the module answers with and that the answer carries an extack
 * message (NLMSGERR_ATTR_MSG). Each test runs in a network namespace of
 * its own, so the tunnels one creates are invisible to the others.
 *
 * Messages are built with libnl, which puts whatever bytes it is given,
 * so malformed attributes need no hand-rolled netlink; the answer is read
 * from the socket directly because the extack TLVs are what is under test.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include <linux/vpnfo.h>

/* The 6.1 harness has an unused parameter; -Werror must not trip on it. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop

#define NOBODY_ID	65534

/* What the kernel answered: errno (0 for an ack) and the extack message. */
struct vt_reply {
	int err;
	char msg[256];
};

/* The lab's shape: mask 0xff00, peer N has mark 0x100 * N. */
#define VT_MASK		0xff00

/* A PEER_NEW request; omit names one attribute type to leave out. */
struct vt_peer {
	const char *tunnel;
	const char *name;
	uint32_t prio;
	uint32_t mark;
	const char *remote;
	const char *probe;
	int omit;
};

static int vt_sock_open(struct nl_sock **skp, int *family)
{
	struct timeval tv = { .tv_sec = 10 };
	struct nl_sock *sk;
	int one = 1;
	int fd, err;

	sk = nl_socket_alloc();
	if (!sk)
		return -ENOMEM;
	err = -EIO;
	if (genl_connect(sk) < 0)
		goto fail;
	fd = nl_socket_get_fd(sk);
	/* Ask for the extack TLVs, without the echo of our own request. */
	if (setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		err = -errno;
		goto fail;
	}
	*family = genl_ctrl_resolve(sk, VPNFO_GENL_NAME);
	err = -ENOENT;
	if (*family < 0)
		goto fail;
	*skp = sk;
	return 0;
fail:
	nl_socket_free(sk);
	return err;
}

static struct nl_msg *vt_msg(int family, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0,
				flags | NLM_F_ACK, cmd, VPNFO_GENL_VERSION)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

static void vt_extack_copy(const void *tlv, int len, struct vt_reply *rep)
{
	const struct nlattr *a;

	for (a = tlv; len >= (int)sizeof(*a) && a->nla_len >= sizeof(*a) &&
	     a->nla_len <= len;
	     len -= NLA_ALIGN(a->nla_len),
	     a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len))) {
		if ((a->nla_type & NLA_TYPE_MASK) != NLMSGERR_ATTR_MSG)
			continue;
		snprintf(rep->msg, sizeof(rep->msg), "%.*s",
			 (int)(a->nla_len - sizeof(*a)),
			 (const char *)a + sizeof(*a));
	}
}

/*
 * Reads until the status of request seq: an NLMSG_ERROR (ack or refusal of
 * a "do") or the NLMSG_DONE closing a dump, whose payload is the errno.
 */
static int vt_status_read(int fd, uint32_t seq, struct vt_reply *rep)
{
	static char buf[65536] __attribute__((aligned(NLMSG_ALIGNTO)));
	const struct nlmsghdr *nlh;
	const char *payload;
	ssize_t n;
	int len, off;

	memset(rep, 0, sizeof(*rep));
	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		len = n;
		for (nlh = (void *)buf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_seq != seq)
				continue;
			payload = NLMSG_DATA(nlh);
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				off = sizeof(struct nlmsgerr);
				rep->err = -((const struct nlmsgerr *)payload)->error;
			} else if (nlh->nlmsg_type == NLMSG_DONE) {
				off = NLA_ALIGN(sizeof(int));
				rep->err = -*(const int *)payload;
			} else {
				continue;
			}
			if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
				vt_extack_copy(payload + off,
					       (int)nlh->nlmsg_len - NLMSG_HDRLEN - off,
					       rep);
			return 0;
		}
	}
}

/* Sends msg (and frees it) and waits for its status. */
static int vt_request(struct nl_sock *sk, struct nl_msg *msg,
		      struct vt_reply *rep)
{
	int err;

	if (!msg)
		return -ENOMEM;
	err = nl_send_auto(sk, msg);
	if (err >= 0)
		err = vt_status_read(nl_socket_get_fd(sk),
				     nlmsg_hdr(msg)->nlmsg_seq, rep);
	else
		err = -EIO;
	nlmsg_free(msg);
	return err;
}

static int vt_put_addr(struct nl_msg *msg, int type, const char *text)
{
	unsigned char a[16];

	if (inet_pton(AF_INET, text, a) == 1)
		return nla_put(msg, type, 4, a);
	if (inet_pton(AF_INET6, text, a) == 1)
		return nla_put(msg, type, 16, a);
	return -EINVAL;
}

/* One selector nest; a NULL address or a negative length is left out. */
static int vt_put_sel(struct nl_msg *msg, const char *src, int src_plen,
		      const char *dst, int dst_plen)
{
	struct nlattr *sel;

	sel = nla_nest_start(msg, VPNFO_A_SELECTOR | NLA_F_NESTED);
	if (!sel)
		return -EMSGSIZE;
	if ((src && vt_put_addr(msg, VPNFO_SEL_A_SRC, src)) ||
	    (src_plen >= 0 && nla_put_u8(msg, VPNFO_SEL_A_SRC_PLEN, src_plen)) ||
	    (dst && vt_put_addr(msg, VPNFO_SEL_A_DST, dst)) ||
	    (dst_plen >= 0 && nla_put_u8(msg, VPNFO_SEL_A_DST_PLEN, dst_plen)))
		return -EMSGSIZE;
	nla_nest_end(msg, sel);
	return 0;
}

/*
 * A valid TUNNEL_NEW for the lab's selector, minus the attribute type
 * omit (0: nothing left out); tests append the one thing that is wrong.
 */
static struct nl_msg *vt_tunnel_new_msg(int family, const char *name, int omit)
{
	struct nl_msg *msg = vt_msg(family, VPNFO_CMD_TUNNEL_NEW, 0);

	if (!msg)
		return NULL;
	if ((omit != VPNFO_A_TUNNEL &&
	     nla_put_string(msg, VPNFO_A_TUNNEL, name)) ||
	    (omit != VPNFO_A_MARK_MASK &&
	     nla_put_u32(msg, VPNFO_A_MARK_MASK, VT_MASK)) ||
	    (omit != VPNFO_A_SELECTOR &&
	     vt_put_sel(msg, "192.0.2.100", 32, "203.0.113.0", 24))) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* The lab's peer gwN of tunnel t1: prio 10N, mark 0x100N. */
static struct vt_peer vt_peer_lab(int n)
{
	static char names[VPNFO_PEERS_MAX + 2][8], remotes[VPNFO_PEERS_MAX + 2][16];
	static char probes[VPNFO_PEERS_MAX + 2][16];

	snprintf(names[n], sizeof(names[n]), "gw%d", n);
	snprintf(remotes[n], sizeof(remotes[n]), "198.18.%d.1", n);
	snprintf(probes[n], sizeof(probes[n]), "203.0.113.%d", n);
	return (struct vt_peer){
		.tunnel = "t1", .name = names[n], .prio = 10 * n,
		.mark = 0x100 * n, .remote = remotes[n], .probe = probes[n],
	};
}

static struct nl_msg *vt_peer_new_msg(int family, const struct vt_peer *p)
{
	struct nl_msg *msg = vt_msg(family, VPNFO_CMD_PEER_NEW, 0);

	if (!msg)
		return NULL;
	if ((p->omit != VPNFO_A_TUNNEL &&
	     nla_put_string(msg, VPNFO_A_TUNNEL, p->tunnel)) ||
	    (p->omit != VPNFO_A_PEER &&
	     nla_put_string(msg, VPNFO_A_PEER, p->name)) ||
	    (p->omit != VPNFO_A_PRIORITY &&
	     nla_put_u32(msg, VPNFO_A_PRIORITY, p->prio)) ||
	    (p->omit != VPNFO_A_MARK &&
	     nla_put_u32(msg, VPNFO_A_MARK, p->mark)) ||
	    (p->omit != VPNFO_A_REMOTE &&
	     vt_put_addr(msg, VPNFO_A_REMOTE, p->remote)) ||
	    (p->omit != VPNFO_A_PROBE_DST &&
	     vt_put_addr(msg, VPNFO_A_PROBE_DST, p->probe)) ||
	    vt_put_addr(msg, VPNFO_A_PROBE_SRC, "192.0.2.100")) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* A request naming tunnel t1 and, when peer is set, one of its peers. */
static struct nl_msg *vt_named_msg(int family, uint8_t cmd, int flags,
				   const char *tunnel, const char *peer)
{
	struct nl_msg *msg = vt_msg(family, cmd, flags);

	if (msg && ((tunnel && nla_put_string(msg, VPNFO_A_TUNNEL, tunnel)) ||
		    (peer && nla_put_string(msg, VPNFO_A_PEER, peer)))) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

/* Sends msg from a child that has become nobody, without capabilities. */
static int vt_request_as_nobody(struct nl_msg *msg, struct vt_reply *rep)
{
	struct vt_reply child = { .err = -1 };
	struct nl_sock *sk;
	int pipefd[2], status, family;
	pid_t pid;

	if (pipe(pipefd))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		close(pipefd[0]);
		/* Leaving uid 0 for good clears every capability set. */
		if (setgroups(0, NULL) ||
		    setresgid(NOBODY_ID, NOBODY_ID, NOBODY_ID) ||
		    setresuid(NOBODY_ID, NOBODY_ID, NOBODY_ID) ||
		    vt_sock_open(&sk, &family) ||
		    vt_request(sk, msg, &child))
			child.err = -1;
		if (write(pipefd[1], &child, sizeof(child)) != sizeof(child))
			_exit(1);
		_exit(0);
	}
	close(pipefd[1]);
	nlmsg_free(msg);
	if (read(pipefd[0], rep, sizeof(*rep)) != sizeof(*rep))
		rep->err = -1;
	close(pipefd[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return -ECHILD;
	return 0;
}

/* A namespace of our own and a socket on the family, for every fixture. */
static void vt_fixture_open(struct __test_metadata *_metadata,
			    struct nl_sock **sk, int *family)
{
	int err;

	ASSERT_EQ(0, unshare(CLONE_NEWNET))
		TH_LOG("unshare(CLONE_NEWNET): %s", strerror(errno));
	err = vt_sock_open(sk, family);
	ASSERT_EQ(0, err)
		TH_LOG("generic netlink family \"%s\": %s (is vpnfo.ko loaded?)",
		       VPNFO_GENL_NAME, strerror(-err));
}

#define VT_FIXTURE(name)						\
FIXTURE(name) {								\
	struct nl_sock *sk;						\
	int family;							\
	struct vt_reply rep;						\
};									\
FIXTURE_SETUP(name)							\
{									\
	vt_fixture_open(_metadata, &self->sk, &self->family);		\
}									\
FIXTURE_TEARDOWN(name)							\
{									\
	nl_socket_free(self->sk);					\
}

VT_FIXTURE(vpnfo);

/* TUNNEL_NEW and PEER_NEW, each without one required attribute. */
VT_FIXTURE(tunnel_new_without);
FIXTURE_VARIANT(tunnel_new_without) {
	int omit;
};
FIXTURE_VARIANT_ADD(tunnel_new_without, name) { .omit = VPNFO_A_TUNNEL };
FIXTURE_VARIANT_ADD(tunnel_new_without, mark_mask) { .omit = VPNFO_A_MARK_MASK };
FIXTURE_VARIANT_ADD(tunnel_new_without, selector) { .omit = VPNFO_A_SELECTOR };

VT_FIXTURE(peer_new_without);
FIXTURE_VARIANT(peer_new_without) {
	int omit;
};
FIXTURE_VARIANT_ADD(peer_new_without, tunnel) { .omit = VPNFO_A_TUNNEL };
FIXTURE_VARIANT_ADD(peer_new_without, name) { .omit = VPNFO_A_PEER };
FIXTURE_VARIANT_ADD(peer_new_without, priority) { .omit = VPNFO_A_PRIORITY };
FIXTURE_VARIANT_ADD(peer_new_without, mark) { .omit = VPNFO_A_MARK };
FIXTURE_VARIANT_ADD(peer_new_without, remote) { .omit = VPNFO_A_REMOTE };
FIXTURE_VARIANT_ADD(peer_new_without, probe_dst) { .omit = VPNFO_A_PROBE_DST };

/* Sends msg and expects errno errnum together with an extack message. */
#define EXPECT_REFUSED(errnum, req) do {					\
	ASSERT_EQ(0, vt_request(self->sk, (req), &self->rep))			\
		TH_LOG("no status for the request");				\
	ASSERT_EQ(errnum, self->rep.err)					\
		TH_LOG("expected %s, got %s, extack \"%s\"",			\
		       strerror(errnum), strerror(self->rep.err),		\
		       self->rep.msg);						\
	ASSERT_NE(0, (int)strlen(self->rep.msg))					\
		TH_LOG("%s came without an extack message",			\
		       strerror(errnum));					\
	TH_LOG("refused: %s: \"%s\"", strerror(errnum), self->rep.msg);	\
} while (0)

/* Sends msg and expects it to succeed. */
#define EXPECT_DONE(req) do {							\
	ASSERT_EQ(0, vt_request(self->sk, (req), &self->rep))			\
		TH_LOG("no status for the request");				\
	ASSERT_EQ(0, self->rep.err)						\
		TH_LOG("setup request refused: %s, extack \"%s\"",		\
		       strerror(self->rep.err), self->rep.msg);			\
} while (0)

#define TUNNEL_ADD()	EXPECT_DONE(vt_tunnel_new_msg(self->family, "t1", 0))

#define PEER_ADD(n) do {							\
	struct vt_peer _p = vt_peer_lab(n);					\
	EXPECT_DONE(vt_peer_new_msg(self->family, &_p));			\
} while (0)

/* Sends cmd (with flags) naming tunnel and peer, NULL for "leave it out". */
#define EXPECT_NAMED_REFUSED(errnum, cmd, flags, tunnel, peer)		\
	EXPECT_REFUSED(errnum, vt_named_msg(self->family, (cmd), (flags),	\
					    (tunnel), (peer)))

/* Sends TUNNEL_NEW for t1 with the one selector (src, dst) given. */
#define EXPECT_SELECTOR_REFUSED(errnum, src, src_plen, dst, dst_plen) do {	\
	struct nl_msg *m = vt_tunnel_new_msg(self->family, "t1",		\
					     VPNFO_A_SELECTOR);			\
	ASSERT_EQ(0, vt_put_sel(m, (src), (src_plen), (dst), (dst_plen)));	\
	EXPECT_REFUSED(errnum, m);						\
} while (0)

/* Sends PEER_NEW for the lab's peer gwN changed by statement. */
#define EXPECT_PEER_REFUSED(errnum, n, statement) do {				\
	struct vt_peer p = vt_peer_lab(n);					\
	statement;								\
	EXPECT_REFUSED(errnum, vt_peer_new_msg(self->family, &p));		\
} while (0)

/* Sends PEER_NEW for gw1 with attribute type carrying len raw bytes. */
#define EXPECT_PEER_RAW_REFUSED(errnum, type, len, bytes) do {			\
	struct vt_peer p = vt_peer_lab(1);					\
	struct nl_msg *m;							\
	p.omit = (type);							\
	m = vt_peer_new_msg(self->family, &p);					\
	ASSERT_EQ(0, nla_put(m, (type), (len), (bytes)));			\
	EXPECT_REFUSED(errnum, m);						\
} while (0)

/* Sends PEER_NEW for gw1 with one extra u32 attribute. */
#define EXPECT_PEER_U32_REFUSED(errnum, type, value) do {			\
	struct vt_peer p = vt_peer_lab(1);					\
	struct nl_msg *m = vt_peer_new_msg(self->family, &p);			\
	ASSERT_EQ(0, nla_put_u32(m, (type), (value)));				\
	EXPECT_REFUSED(errnum, m);						\
} while (0)

/* ---- missing required attributes, each command ---- */

TEST_F(tunnel_new_without, is_refused)
{
	EXPECT_REFUSED(EINVAL, vt_tunnel_new_msg(self->family, "t1",
						 variant->omit));
}

TEST_F(vpnfo, tunnel_new_selector_without_dst_is_refused)
{
	EXPECT_SELECTOR_REFUSED(EINVAL, "192.0.2.100", 32, NULL, 24);
}

TEST_F(vpnfo, tunnel_set_without_name_is_refused)
{
	struct nl_msg *msg = vt_msg(self->family, VPNFO_CMD_TUNNEL_SET, 0);

	TUNNEL_ADD();
	ASSERT_EQ(0, nla_put_u32(msg, VPNFO_A_FAILBACK_HOLD_MS, 500));
	EXPECT_REFUSED(EINVAL, msg);
}

TEST_F(vpnfo, tunnel_del_without_name_is_refused)
{
	TUNNEL_ADD();
	EXPECT_REFUSED(EINVAL, vt_msg(self->family, VPNFO_CMD_TUNNEL_DEL, 0));
}

TEST_F(vpnfo, tunnel_get_without_name_is_refused)
{
	TUNNEL_ADD();
	EXPECT_REFUSED(EINVAL, vt_msg(self->family, VPNFO_CMD_TUNNEL_GET, 0));
}

TEST_F(peer_new_without, is_refused)
{
	TUNNEL_ADD();
	EXPECT_PEER_REFUSED(EINVAL, 1, p.omit = variant->omit);
}

TEST_F(vpnfo, peer_set_without_tunnel_is_refused)
{
	TUNNEL_ADD();
	PEER_ADD(1);
	EXPECT_NAMED_REFUSED(EINVAL, VPNFO_CMD_PEER_SET, 0, NULL, "gw1");
}

TEST_F(vpnfo, peer_set_without_name_is_refused)
{
	TUNNEL_ADD();
	PEER_ADD(1);
	EXPECT_NAMED_REFUSED(EINVAL, VPNFO_CMD_PEER_SET, 0, "t1", NULL);
}

TEST_F(vpnfo, peer_del_without_name_is_refused)
{
	TUNNEL_ADD();
	PEER_ADD(1);
	EXPECT_NAMED_REFUSED(EINVAL, VPNFO_CMD_PEER_DEL, 0, "t1", NULL);
}

TEST_F(vpnfo, peer_get_without_name_is_refused)
{
	TUNNEL_ADD();
	PEER_ADD(1);
	EXPECT_NAMED_REFUSED(EINVAL, VPNFO_CMD_PEER_GET, 0, "t1", NULL);
}

/*
 * On 6.1, __netlink_dump_start() calls the op's .start with cb->extack
 * still NULL: a message set there is lost. A dump refusal can only carry
 * one when the check runs in .dumpit (netlink_dump_done sends it).
 */
TEST_F(vpnfo, peer_dump_without_tunnel_is_refused)
{
	TUNNEL_ADD();
	PEER_ADD(1);
	EXPECT_NAMED_REFUSED(EINVAL, VPNFO_CMD_PEER_GET, NLM_F_DUMP, NULL, NULL);
}

TEST_F(vpnfo, switch_without_tunnel_is_refused)
{
	TUNNEL_ADD();
	PEER_ADD(1);
	EXPECT_NAMED_REFUSED(EINVAL, VPNFO_CMD_SWITCH, 0, NULL, "gw1");
}

TEST_F(vpnfo, reflector_set_without_enabled_is_refused)
{
	EXPECT_REFUSED(EINVAL, vt_msg(self->family, VPNFO_CMD_REFLECTOR_SET, 0));
}

/* ---- wrong types and lengths ---- */

TEST_F(vpnfo, peer_new_remote_of_3_bytes_is_refused)
{
	TUNNEL_ADD();
	EXPECT_PEER_RAW_REFUSED(ERANGE, VPNFO_A_REMOTE, 3, "\xc6\x12\x01");
}

/* Inside the policy's 4..16 bytes, but neither IPv4 nor IPv6. */
TEST_F(vpnfo, peer_new_remote_of_5_bytes_is_refused)
{
	TUNNEL_ADD();
	EXPECT_PEER_RAW_REFUSED(EINVAL, VPNFO_A_REMOTE, 5, "\xc6\x12\x01\x01\x00");
}

TEST_F(vpnfo, tunnel_new_selector_src_of_3_bytes_is_refused)
{
	struct nl_msg *msg = vt_tunnel_new_msg(self->family, "t1",
					       VPNFO_A_SELECTOR);
	struct nlattr *sel = nla_nest_start(msg, VPNFO_A_SELECTOR | NLA_F_NESTED);

	ASSERT_EQ(0, nla_put(msg, VPNFO_SEL_A_SRC, 3, "\xc0\x00\x02"));
	ASSERT_EQ(0, nla_put_u8(msg, VPNFO_SEL_A_SRC_PLEN, 24));
	ASSERT_EQ(0, vt_put_addr(msg, VPNFO_SEL_A_DST, "203.0.113.0"));
	ASSERT_EQ(0, nla_put_u8(msg, VPNFO_SEL_A_DST_PLEN, 24));
	nla_nest_end(msg, sel);
	EXPECT_REFUSED(ERANGE, msg);
}

TEST_F(vpnfo, tunnel_new_name_of_16_chars_is_refused)
{
	EXPECT_REFUSED(EINVAL, vt_tunnel_new_msg(self->family,
						 "abcdefghijklmnop", 0));
}

TEST_F(vpnfo, peer_new_name_of_16_chars_is_refused)
{
	TUNNEL_ADD();
	EXPECT_PEER_REFUSED(EINVAL, 1, p.name = "abcdefghijklmnop");
}

TEST_F(vpnfo, tunnel_new_probe_key_of_8_bytes_is_refused)
{
	struct nl_msg *msg = vt_tunnel_new_msg(self->family, "t1", 0);

	ASSERT_EQ(0, nla_put(msg, VPNFO_A_PROBE_KEY, 8, "01234567"));
	EXPECT_REFUSED(ERANGE, msg);
}

TEST_F(vpnfo, reflector_set_probe_key_of_8_bytes_is_refused)
{
	struct nl_msg *msg = vt_msg(self->family, VPNFO_CMD_REFLECTOR_SET, 0);

	ASSERT_EQ(0, nla_put_u8(msg, VPNFO_A_REFLECTOR_ENABLED, 1));
	ASSERT_EQ(0, nla_put(msg, VPNFO_A_PROBE_KEY, 8, "01234567"));
	EXPECT_REFUSED(ERANGE, msg);
}

TEST_F(vpnfo, peer_new_priority_as_u8_is_refused)
{
	TUNNEL_ADD();
	EXPECT_PEER_RAW_REFUSED(EINVAL, VPNFO_A_PRIORITY, 1, "\x0a");
}

/* ---- out-of-range values ---- */

TEST_F(vpnfo, peer_new_interval_of_999us_is_refused)
{
	TUNNEL_ADD();
	EXPECT_PEER_U32_REFUSED(ERANGE, VPNFO_A_INTERVAL_US,
				VPNFO_INTERVAL_US_MIN - 1);
}

TEST_F(vpnfo, peer_new_interval_above_10s_is_refused)
{
	TUNNEL_ADD();
	EXPECT_PEER_U32_REFUSED(ERANGE, VPNFO_A_INTERVAL_US,
				VPNFO_INTERVAL_US_MAX + 1);
}

TEST_F(vpnfo, peer_set_interval_of_999us_is_refused)
{
	struct nl_msg *msg;

	TUNNEL_ADD();
	PEER_ADD(1);
	msg = vt_named_msg(self->family, VPNFO_CMD_PEER_SET, 0, "t1", "gw1");
	ASSERT_EQ(0, nla_put_u32(msg, VPNFO_A_INTERVAL_US,
				 VPNFO_INTERVAL_US_MIN - 1));
	EXPECT_REFUSED(ERANGE, msg);
}

TEST_F(vpnfo, peer_new_threshold_0_is_refused)
{
	TUNNEL_ADD();
	EXPECT_PEER_U32_REFUSED(ERANGE, VPNFO_A_THRESHOLD, 0);
}

TEST_F(vpnfo, peer_new_threshold_101_is_refused)
{
	TUNNEL_ADD();
	EXPECT_PEER_U32_REFUSED(ERANGE, VPNFO_A_THRESHOLD, VPNFO_COUNT_MAX + 1);
}

TEST_F(vpnfo, peer_new_rise_0_is_refused)
{
	TUNNEL_ADD();
	EXPECT_PEER_U32_REFUSED(ERANGE, VPNFO_A_RISE, 0);
}

TEST_F(vpnfo, peer_new_mark_0_is_refused)
{
	TUNNEL_ADD();
	EXPECT_PEER_REFUSED(ERANGE, 1, p.mark = 0);
}

TEST_F(vpnfo, peer_new_mark_outside_mask_is_refused)
{
	TUNNEL_ADD();
	EXPECT_PEER_REFUSED(EINVAL, 1, p.mark = 0x10100);
}

TEST_F(vpnfo, peer_new_mark_of_another_peer_is_refused)
{
	TUNNEL_ADD();
	PEER_ADD(1);
	EXPECT_PEER_REFUSED(EEXIST, 2, p.mark = 0x100);
}

TEST_F(vpnfo, tunnel_new_mark_mask_0_is_refused)
{
	struct nl_msg *msg = vt_tunnel_new_msg(self->family, "t1",
					       VPNFO_A_MARK_MASK);

	ASSERT_EQ(0, nla_put_u32(msg, VPNFO_A_MARK_MASK, 0));
	EXPECT_REFUSED(ERANGE, msg);
}

TEST_F(vpnfo, tunnel_new_failback_hold_above_1h_is_refused)
{
	struct nl_msg *msg = vt_tunnel_new_msg(self->family, "t1", 0);

	ASSERT_EQ(0, nla_put_u32(msg, VPNFO_A_FAILBACK_HOLD_MS,
				 VPNFO_FAILBACK_HOLD_MS_MAX + 1));
	EXPECT_REFUSED(ERANGE, msg);
}

TEST_F(vpnfo, tunnel_new_selector_prefix_33_is_refused)
{
	EXPECT_SELECTOR_REFUSED(EINVAL, "192.0.2.100", 32, "203.0.113.0", 33);
}

/* ---- strict validation ---- */

TEST_F(vpnfo, tunnel_new_unknown_attribute_type_is_refused)
{
	struct nl_msg *msg = vt_tunnel_new_msg(self->family, "t1", 0);

	ASSERT_EQ(0, nla_put_u32(msg, VPNFO_A_MAX + 1, 1));
	EXPECT_REFUSED(EINVAL, msg);
}

/* Attributes only the kernel writes are refused in a request. */
TEST_F(vpnfo, tunnel_new_read_only_attribute_is_refused)
{
	struct nl_msg *msg = vt_tunnel_new_msg(self->family, "t1", 0);

	ASSERT_EQ(0, nla_put_u32(msg, VPNFO_A_TUNNEL_ID, 7));
	EXPECT_REFUSED(EINVAL, msg);
}

TEST_F(vpnfo, tunnel_new_unknown_selector_attribute_type_is_refused)
{
	struct nl_msg *msg = vt_tunnel_new_msg(self->family, "t1",
					       VPNFO_A_SELECTOR);
	struct nlattr *sel = nla_nest_start(msg, VPNFO_A_SELECTOR | NLA_F_NESTED);

	ASSERT_EQ(0, vt_put_addr(msg, VPNFO_SEL_A_SRC, "192.0.2.100"));
	ASSERT_EQ(0, nla_put_u8(msg, VPNFO_SEL_A_SRC_PLEN, 32));
	ASSERT_EQ(0, vt_put_addr(msg, VPNFO_SEL_A_DST, "203.0.113.0"));
	ASSERT_EQ(0, nla_put_u8(msg, VPNFO_SEL_A_DST_PLEN, 24));
	ASSERT_EQ(0, nla_put_u8(msg, VPNFO_SEL_A_MAX + 1, 1));
	nla_nest_end(msg, sel);
	EXPECT_REFUSED(EINVAL, msg);
}

/* ---- unknown names ---- */

TEST_F(vpnfo, tunnel_del_unknown_tunnel_is_refused)
{
	TUNNEL_ADD();
	EXPECT_NAMED_REFUSED(ENOENT, VPNFO_CMD_TUNNEL_DEL, 0, "t2", NULL);
}

TEST_F(vpnfo, tunnel_get_unknown_tunnel_is_refused)
{
	TUNNEL_ADD();
	EXPECT_NAMED_REFUSED(ENOENT, VPNFO_CMD_TUNNEL_GET, 0, "t2", NULL);
}

TEST_F(vpnfo, tunnel_set_unknown_tunnel_is_refused)
{
	struct nl_msg *msg;

	TUNNEL_ADD();
	msg = vt_named_msg(self->family, VPNFO_CMD_TUNNEL_SET, 0, "t2", NULL);
	ASSERT_EQ(0, nla_put_u32(msg, VPNFO_A_FAILBACK_HOLD_MS, 500));
	EXPECT_REFUSED(ENOENT, msg);
}

TEST_F(vpnfo, peer_new_unknown_tunnel_is_refused)
{
	TUNNEL_ADD();
	EXPECT_PEER_REFUSED(ENOENT, 1, p.tunnel = "t2");
}

TEST_F(vpnfo, peer_dump_unknown_tunnel_is_refused)
{
	TUNNEL_ADD();
	EXPECT_NAMED_REFUSED(ENOENT, VPNFO_CMD_PEER_GET, NLM_F_DUMP, "t2", NULL);
}

TEST_F(vpnfo, peer_set_unknown_peer_is_refused)
{
	struct nl_msg *msg;

	TUNNEL_ADD();
	PEER_ADD(1);
	msg = vt_named_msg(self->family, VPNFO_CMD_PEER_SET, 0, "t1", "gw2");
	ASSERT_EQ(0, nla_put_u32(msg, VPNFO_A_PRIORITY, 5));
	EXPECT_REFUSED(ENOENT, msg);
}

TEST_F(vpnfo, peer_del_unknown_peer_is_refused)
{
	TUNNEL_ADD();
	PEER_ADD(1);
	EXPECT_NAMED_REFUSED(ENOENT, VPNFO_CMD_PEER_DEL, 0, "t1", "gw2");
}

TEST_F(vpnfo, peer_get_unknown_peer_is_refused)
{
	TUNNEL_ADD();
	PEER_ADD(1);
	EXPECT_NAMED_REFUSED(ENOENT, VPNFO_CMD_PEER_GET, 0, "t1", "gw2");
}

TEST_F(vpnfo, switch_to_unknown_peer_is_refused)
{
	TUNNEL_ADD();
	PEER_ADD(1);
	EXPECT_NAMED_REFUSED(ENOENT, VPNFO_CMD_SWITCH, 0, "t1", "gw2");
}

/* ---- duplicates ---- */

TEST_F(vpnfo, tunnel_new_duplicate_name_is_refused)
{
	TUNNEL_ADD();
	EXPECT_REFUSED(EEXIST, vt_tunnel_new_msg(self->family, "t1", 0));
}

TEST_F(vpnfo, peer_new_duplicate_name_is_refused)
{
	TUNNEL_ADD();
	PEER_ADD(1);
	/* Same name, otherwise a valid second peer. */
	EXPECT_PEER_REFUSED(EEXIST, 2, p.name = "gw1");
}

/* ---- semantic checks ---- */

TEST_F(vpnfo, tunnel_new_selector_of_mixed_families_is_refused)
{
	EXPECT_SELECTOR_REFUSED(EINVAL, "192.0.2.100", 32, "2001:db8:100::", 64);
}

TEST_F(vpnfo, peer_new_probe_dst_outside_selectors_is_refused)
{
	TUNNEL_ADD();
	EXPECT_PEER_REFUSED(EINVAL, 1, p.probe = "198.51.100.1");
}

TEST_F(vpnfo, peer_new_17th_peer_is_refused)
{
	int n;

	TUNNEL_ADD();
	for (n = 1; n <= VPNFO_PEERS_MAX; n++)
		PEER_ADD(n);
	EXPECT_PEER_REFUSED(ENOSPC, VPNFO_PEERS_MAX + 1, (void)p);
}

TEST_F(vpnfo, switch_to_peer_not_up_is_refused)
{
	TUNNEL_ADD();
	/* No gateway answers in this namespace: gw1 stays in "probing". */
	PEER_ADD(1);
	EXPECT_NAMED_REFUSED(ENETUNREACH, VPNFO_CMD_SWITCH, 0, "t1", "gw1");
}

/* ---- privilege ---- */

/* Sends msg as nobody and expects EPERM with an extack message. */
#define EXPECT_NOBODY_REFUSED(req) do {						\
	ASSERT_EQ(0, vt_request_as_nobody((req), &self->rep))			\
		TH_LOG("the unprivileged child failed");			\
	ASSERT_EQ(EPERM, self->rep.err)						\
		TH_LOG("expected EPERM, got %s, extack \"%s\"",		\
		       strerror(self->rep.err), self->rep.msg);			\
	ASSERT_NE(0, (int)strlen(self->rep.msg))					\
		TH_LOG("EPERM came without an extack message");		\
	TH_LOG("refused: %s: \"%s\"", strerror(EPERM), self->rep.msg);	\
} while (0)

TEST_F(vpnfo, unprivileged_tunnel_del_is_refused)
{
	TUNNEL_ADD();
	EXPECT_NOBODY_REFUSED(vt_named_msg(self->family, VPNFO_CMD_TUNNEL_DEL,
					   0, "t1", NULL));
	/* The refusal changed nothing: the tunnel is still there. */
	EXPECT_DONE(vt_named_msg(self->family, VPNFO_CMD_TUNNEL_GET, 0,
				 "t1", NULL));
}

TEST_F(vpnfo, unprivileged_tunnel_get_is_refused)
{
	TUNNEL_ADD();
	EXPECT_NOBODY_REFUSED(vt_named_msg(self->family, VPNFO_CMD_TUNNEL_GET,
					   0, "t1", NULL));
}

TEST_F(vpnfo, unprivileged_tunnel_dump_is_refused)
{
	TUNNEL_ADD();
	EXPECT_NOBODY_REFUSED(vt_named_msg(self->family, VPNFO_CMD_TUNNEL_GET,
					   NLM_F_DUMP, NULL, NULL));
}

TEST_HARNESS_MAIN
