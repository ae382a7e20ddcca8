// SPDX-License-Identifier: GPL-2.0
/*
 * Replies: decoding what the module sends (well-formed and malformed),
 * and the request/acknowledge/dump/error paths of the client against the
 * kernel's own generic netlink controller ("nlctrl"), which every kernel
 * has: no module, no network.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/genetlink.h>

#include <cmocka.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "vnl.h"

static struct nl_msg *reply_new(uint8_t cmd)
{
	struct nl_msg *msg;

	assert_int_equal(vnl_msg_new(cmd, 0, &msg), 0);
	return msg;
}

static void put_addr(struct nl_msg *msg, int attr, int family, const char *s)
{
	uint8_t b[16];

	assert_int_equal(inet_pton(family, s, b), 1);
	assert_int_equal(nla_put(msg, attr, family == AF_INET ? 4 : 16, b), 0);
}

static void put_sel(struct nl_msg *msg, int family, const char *src,
		    uint8_t splen, const char *dst, uint8_t dplen)
{
	struct nlattr *nest = nla_nest_start(msg, VPNFO_A_SELECTOR);

	assert_non_null(nest);
	put_addr(msg, VPNFO_SEL_A_SRC, family, src);
	nla_put_u8(msg, VPNFO_SEL_A_SRC_PLEN, splen);
	put_addr(msg, VPNFO_SEL_A_DST, family, dst);
	nla_put_u8(msg, VPNFO_SEL_A_DST_PLEN, dplen);
	nla_nest_end(msg, nest);
}

static void tunnel_reply_decoded(void **state)
{
	struct nl_msg *msg = reply_new(VPNFO_CMD_TUNNEL_GET);
	struct tunnel_info t;
	struct nlattr *nest;
	char buf[ADDR_STRLEN];

	(void)state;
	nla_put_string(msg, VPNFO_A_TUNNEL, "t1");
	nla_put_u32(msg, VPNFO_A_TUNNEL_ID, 7);
	nla_put_u32(msg, VPNFO_A_MARK_MASK, 0xff00);
	put_sel(msg, AF_INET, "192.0.2.100", 32, "203.0.113.0", 24);
	put_sel(msg, AF_INET6, "2001:db8:c::100", 128, "2001:db8:100::", 64);
	nla_put_u32(msg, VPNFO_A_FAILBACK_HOLD_MS, 1000);
	nla_put_string(msg, VPNFO_A_ACTIVE, "gw2");
	nla_put_flag(msg, VPNFO_A_PINNED);
	nla_put_u32(msg, VPNFO_A_PEER_COUNT, 3);
	nest = nla_nest_start(msg, VPNFO_A_STATS);
	nla_put_u64(msg, VPNFO_STATS_A_TX_PACKETS, 600);
	nla_put_u64(msg, VPNFO_STATS_A_SWITCH_LAT_MAX_NS, UINT64_MAX);
	nla_put_u64(msg, VPNFO_STATS_A_MAX + 5, 1);	/* newer module */
	nla_nest_end(msg, nest);
	nla_put_u32(msg, VPNFO_A_MAX + 3, 9);		/* newer module */

	assert_int_equal(vnl_tunnel_parse(msg, &t), 0);
	assert_string_equal(t.name, "t1");
	assert_int_equal(t.id, 7);
	assert_int_equal(t.mark_mask, 0xff00);
	assert_int_equal(t.hold_ms, 1000);
	assert_int_equal(t.peer_count, 3);
	assert_true(t.has_active);
	assert_string_equal(t.active, "gw2");
	assert_true(t.pinned);
	assert_int_equal(t.nsel, 2);
	assert_int_equal(t.sel_dst[0].plen, 24);
	assert_int_equal(addr_format(&t.sel_src[1].addr, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "2001:db8:c::100");
	assert_int_equal(t.sel_dst[1].plen, 64);
	assert_true(t.stats[VPNFO_STATS_A_TX_PACKETS] == 600);
	assert_true(t.stats[VPNFO_STATS_A_SWITCH_LAT_MAX_NS] == UINT64_MAX);
	assert_true(t.stats[VPNFO_STATS_A_DROP_PACKETS] == 0);
	vnl_msg_free(msg);
}

static void tunnel_reply_without_active(void **state)
{
	struct nl_msg *msg = reply_new(VPNFO_CMD_TUNNEL_GET);
	struct tunnel_info t;

	(void)state;
	nla_put_string(msg, VPNFO_A_TUNNEL, "t1");
	assert_int_equal(vnl_tunnel_parse(msg, &t), 0);
	assert_false(t.has_active);
	assert_false(t.pinned);
	assert_int_equal(t.nsel, 0);
	vnl_msg_free(msg);
}

static void tunnel_reply_malformed(void **state)
{
	struct tunnel_info t;
	struct nl_msg *msg;
	struct nlattr *nest;
	uint8_t five[5] = { 0 };
	int i;

	(void)state;
	/* no name */
	msg = reply_new(VPNFO_CMD_TUNNEL_GET);
	nla_put_u32(msg, VPNFO_A_TUNNEL_ID, 1);
	assert_int_equal(vnl_tunnel_parse(msg, &t), -EBADMSG);
	vnl_msg_free(msg);
	/* a name without its NUL */
	msg = reply_new(VPNFO_CMD_TUNNEL_GET);
	nla_put(msg, VPNFO_A_TUNNEL, 2, "t1");
	assert_int_equal(vnl_tunnel_parse(msg, &t), -EBADMSG);
	vnl_msg_free(msg);
	/* a 5-byte selector address */
	msg = reply_new(VPNFO_CMD_TUNNEL_GET);
	nla_put_string(msg, VPNFO_A_TUNNEL, "t1");
	nest = nla_nest_start(msg, VPNFO_A_SELECTOR);
	nla_put(msg, VPNFO_SEL_A_SRC, 5, five);
	nla_put(msg, VPNFO_SEL_A_DST, 4, five);
	nla_nest_end(msg, nest);
	assert_int_equal(vnl_tunnel_parse(msg, &t), -EBADMSG);
	vnl_msg_free(msg);
	/* a prefix longer than its address */
	msg = reply_new(VPNFO_CMD_TUNNEL_GET);
	nla_put_string(msg, VPNFO_A_TUNNEL, "t1");
	put_sel(msg, AF_INET, "10.0.0.0", 33, "10.0.0.0", 8);
	assert_int_equal(vnl_tunnel_parse(msg, &t), -EBADMSG);
	vnl_msg_free(msg);
	/* more selectors than a tunnel may have */
	msg = reply_new(VPNFO_CMD_TUNNEL_GET);
	nla_put_string(msg, VPNFO_A_TUNNEL, "t1");
	for (i = 0; i <= VPNFO_SELECTORS_MAX; i++)
		put_sel(msg, AF_INET, "10.0.0.0", 8, "10.1.0.0", 16);
	assert_int_equal(vnl_tunnel_parse(msg, &t), -EBADMSG);
	vnl_msg_free(msg);
	/* a counter that is not a u64 */
	msg = reply_new(VPNFO_CMD_TUNNEL_GET);
	nla_put_string(msg, VPNFO_A_TUNNEL, "t1");
	nest = nla_nest_start(msg, VPNFO_A_STATS);
	nla_put_u32(msg, VPNFO_STATS_A_TX_PACKETS, 1);
	nla_nest_end(msg, nest);
	assert_int_equal(vnl_tunnel_parse(msg, &t), -EBADMSG);
	vnl_msg_free(msg);
	/* a u32 attribute of two bytes */
	msg = reply_new(VPNFO_CMD_TUNNEL_GET);
	nla_put_string(msg, VPNFO_A_TUNNEL, "t1");
	nla_put_u16(msg, VPNFO_A_MARK_MASK, 1);
	assert_int_equal(vnl_tunnel_parse(msg, &t), -EBADMSG);
	vnl_msg_free(msg);
}

static void peer_reply_decoded(void **state)
{
	struct nl_msg *msg = reply_new(VPNFO_CMD_PEER_GET);
	struct peer_info p;
	struct nlattr *nest;
	char buf[ADDR_STRLEN];

	(void)state;
	nla_put_string(msg, VPNFO_A_TUNNEL, "t1");
	nla_put_string(msg, VPNFO_A_PEER, "gw1");
	nla_put_u32(msg, VPNFO_A_PRIORITY, 10);
	nla_put_u32(msg, VPNFO_A_MARK, 0x100);
	put_addr(msg, VPNFO_A_REMOTE, AF_INET6, "2001:db8:1::1");
	put_addr(msg, VPNFO_A_PROBE_DST, AF_INET, "203.0.113.1");
	nla_put_u32(msg, VPNFO_A_INTERVAL_US, 10000);
	nla_put_u8(msg, VPNFO_A_STATE, VPNFO_STATE_UP);
	nest = nla_nest_start(msg, VPNFO_A_STATS);
	nla_put_u64(msg, VPNFO_STATS_A_RTT_LAST_NS, 410000);
	nla_nest_end(msg, nest);
	assert_int_equal(vnl_peer_parse(msg, &p), 0);
	assert_string_equal(p.tunnel, "t1");
	assert_string_equal(p.name, "gw1");
	assert_int_equal(p.priority, 10);
	assert_int_equal(p.mark, 0x100);
	assert_int_equal(addr_format(&p.remote, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "2001:db8:1::1");
	assert_false(p.has_src);
	assert_int_equal(p.state, VPNFO_STATE_UP);
	assert_true(p.stats[VPNFO_STATS_A_RTT_LAST_NS] == 410000);
	vnl_msg_free(msg);

	msg = reply_new(VPNFO_CMD_PEER_GET);	/* no REMOTE */
	nla_put_string(msg, VPNFO_A_PEER, "gw1");
	put_addr(msg, VPNFO_A_PROBE_DST, AF_INET, "203.0.113.1");
	assert_int_equal(vnl_peer_parse(msg, &p), -EBADMSG);
	vnl_msg_free(msg);
}

static void event_reply_decoded(void **state)
{
	struct nl_msg *msg = reply_new(VPNFO_CMD_EVENT);
	struct event_info e;

	(void)state;
	nla_put_u8(msg, VPNFO_A_EVENT, VPNFO_EVENT_SWITCH);
	nla_put_string(msg, VPNFO_A_TUNNEL, "t1");
	nla_put_string(msg, VPNFO_A_TO, "gw2");
	nla_put_u8(msg, VPNFO_A_REASON, VPNFO_REASON_FAILBACK);
	nla_put_u64(msg, VPNFO_A_TIMESTAMP_NS, 42);
	assert_int_equal(vnl_event_parse(msg, &e), 0);
	assert_int_equal(e.event, VPNFO_EVENT_SWITCH);
	assert_false(e.has_from);
	assert_true(e.has_to);
	assert_string_equal(e.to, "gw2");
	assert_int_equal(e.reason, VPNFO_REASON_FAILBACK);
	assert_true(e.timestamp_ns == 42);
	vnl_msg_free(msg);

	msg = reply_new(VPNFO_CMD_EVENT);	/* no EVENT */
	nla_put_string(msg, VPNFO_A_TUNNEL, "t1");
	assert_int_equal(vnl_event_parse(msg, &e), -EBADMSG);
	vnl_msg_free(msg);
}

static void reflector_reply_decoded(void **state)
{
	struct nl_msg *msg = reply_new(VPNFO_CMD_REFLECTOR_GET);
	struct reflector_info r;
	struct nlattr *nest;

	(void)state;
	nla_put_u8(msg, VPNFO_A_REFLECTOR_ENABLED, 1);
	nest = nla_nest_start(msg, VPNFO_A_STATS);
	nla_put_u64(msg, VPNFO_STATS_A_REFLECTED, 5);
	nla_put_u64(msg, VPNFO_STATS_A_REFUSED, 2);
	nla_nest_end(msg, nest);
	assert_int_equal(vnl_reflector_parse(msg, &r), 0);
	assert_true(r.enabled);
	assert_true(r.stats[VPNFO_STATS_A_REFLECTED] == 5);
	assert_true(r.stats[VPNFO_STATS_A_REFUSED] == 2);
	vnl_msg_free(msg);
}

/* The client against the kernel's generic netlink controller. */

static int count_reply(struct nl_msg *msg, void *arg)
{
	(void)msg;
	++*(int *)arg;
	return 0;
}

static int refuse_reply(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return -EBADMSG;
}

static int ctrl_getfamily(struct vnl_client *c, int flags, const char *name,
			  vnl_reply_fn fn, int *n)
{
	struct nl_msg *msg;

	assert_int_equal(vnl_msg_new(CTRL_CMD_GETFAMILY, flags, &msg), 0);
	if (name)
		assert_int_equal(nla_put_string(msg, CTRL_ATTR_FAMILY_NAME,
						name), 0);
	return vnl_request(c, msg, fn, n);
}

static void client_reply_and_dump(void **state)
{
	struct vnl_client c;
	int n = 0;

	(void)state;
	assert_int_equal(vnl_open_family(&c, "nlctrl"), 0);
	assert_int_equal(ctrl_getfamily(&c, 0, "nlctrl", count_reply, &n), 0);
	assert_int_equal(n, 1);
	n = 0;
	/* A dump: every registered family, at least nlctrl itself. */
	assert_int_equal(ctrl_getfamily(&c, NLM_F_DUMP, NULL, count_reply, &n),
			 0);
	assert_true(n >= 1);
	vnl_close(&c);
}

static void client_errno_and_extack(void **state)
{
	char name[GENL_NAMSIZ + 8];
	struct vnl_client c;
	int n = 0;

	(void)state;
	assert_int_equal(vnl_open_family(&c, "nlctrl"), 0);
	/* Unknown family: the errno comes through unchanged, no message. */
	assert_int_equal(ctrl_getfamily(&c, 0, "vpnfo-nosuch", count_reply, &n),
			 -ENOENT);
	assert_string_equal(c.extack, "");
	/* A name beyond the policy's length: refused with the kernel's
	 * extack message, which the next success clears. */
	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_int_equal(ctrl_getfamily(&c, 0, name, count_reply, &n), -EINVAL);
	assert_string_not_equal(c.extack, "");
	assert_int_equal(ctrl_getfamily(&c, 0, "nlctrl", count_reply, &n), 0);
	assert_string_equal(c.extack, "");
	assert_int_equal(n, 1);
	vnl_close(&c);
}

static void client_reply_callback_error(void **state)
{
	struct vnl_client c;

	(void)state;
	assert_int_equal(vnl_open_family(&c, "nlctrl"), 0);
	assert_int_equal(ctrl_getfamily(&c, 0, "nlctrl", refuse_reply, NULL),
			 -EBADMSG);
	vnl_close(&c);
}

static void client_unknown_family(void **state)
{
	struct vnl_client c;

	(void)state;
	assert_int_equal(vnl_open_family(&c, "vpnfo-nosuch"), -ENOENT);
	assert_null(c.sk);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tunnel_reply_decoded),
		cmocka_unit_test(tunnel_reply_without_active),
		cmocka_unit_test(tunnel_reply_malformed),
		cmocka_unit_test(peer_reply_decoded),
		cmocka_unit_test(event_reply_decoded),
		cmocka_unit_test(reflector_reply_decoded),
		cmocka_unit_test(client_reply_and_dump),
		cmocka_unit_test(client_errno_and_extack),
		cmocka_unit_test(client_reply_callback_error),
		cmocka_unit_test(client_unknown_family),
	};

	return cmocka_run_group_tests_name("reply", tests, NULL, NULL);
}
