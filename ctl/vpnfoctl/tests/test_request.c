// SPDX-License-Identifier: GPL-2.0
/*
 * Requests built from a command line, read back with nla_parse the way the
 * module reads them: the same builders vpnfoctl sends, without a socket.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <cmocka.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "commands.h"
#include "vnl.h"
#include "args.h"

#define ARGV(...) ((char *[]){ __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)))
#define BUILD(fn, msg, ...) fn(msg, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

struct req {
	struct nl_msg *msg;
	struct nlattr *tb[VPNFO_A_MAX + 1];
};

static int req_setup(void **state)
{
	struct req *r = calloc(1, sizeof(*r));

	if (!r || vnl_msg_new(VPNFO_CMD_PEER_NEW, 0, &r->msg))
		return -1;
	*state = r;
	return 0;
}

static int req_teardown(void **state)
{
	struct req *r = *state;

	vnl_msg_free(r->msg);
	free(r);
	return 0;
}

/* Parses the built request's attributes into r->tb. */
static void req_parse(struct req *r)
{
	assert_int_equal(genlmsg_parse(nlmsg_hdr(r->msg), 0, r->tb,
				       VPNFO_A_MAX, NULL), 0);
}

static void assert_addr(struct nlattr *a, int family, const char *want)
{
	uint8_t bytes[16];
	int len = family == AF_INET ? 4 : 16;

	assert_non_null(a);
	assert_int_equal(inet_pton(family, want, bytes), 1);
	assert_int_equal(nla_len(a), len);
	assert_memory_equal(nla_data(a), bytes, len);
}

static void peer_add_all_attributes(void **state)
{
	struct req *r = *state;
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(r->msg));

	assert_int_equal(BUILD(peer_add_build, r->msg, "t1", "gw2", "prio", "20",
			       "mark", "0x200", "remote", "198.18.2.1",
			       "probe", "203.0.113.2", "src", "192.0.2.100",
			       "interval", "5ms", "threshold", "4",
			       "rise", "2"), 0);
	req_parse(r);
	assert_int_equal(gh->cmd, VPNFO_CMD_PEER_NEW);
	assert_int_equal(gh->version, VPNFO_GENL_VERSION);
	assert_string_equal(nla_get_string(r->tb[VPNFO_A_TUNNEL]), "t1");
	assert_string_equal(nla_get_string(r->tb[VPNFO_A_PEER]), "gw2");
	assert_int_equal(nla_get_u32(r->tb[VPNFO_A_PRIORITY]), 20);
	assert_int_equal(nla_get_u32(r->tb[VPNFO_A_MARK]), 0x200);
	assert_addr(r->tb[VPNFO_A_REMOTE], AF_INET, "198.18.2.1");
	assert_addr(r->tb[VPNFO_A_PROBE_DST], AF_INET, "203.0.113.2");
	assert_addr(r->tb[VPNFO_A_PROBE_SRC], AF_INET, "192.0.2.100");
	assert_int_equal(nla_get_u32(r->tb[VPNFO_A_INTERVAL_US]), 5000);
	assert_int_equal(nla_get_u32(r->tb[VPNFO_A_THRESHOLD]), 4);
	assert_int_equal(nla_get_u32(r->tb[VPNFO_A_RISE]), 2);
}

static void peer_add_optional_left_out(void **state)
{
	struct req *r = *state;

	assert_int_equal(BUILD(peer_add_build, r->msg, "t1", "gw1",
			       "remote", "2001:db8:1::1", "mark", "256",
			       "probe", "2001:db8:100::1", "prio", "10"), 0);
	req_parse(r);
	assert_addr(r->tb[VPNFO_A_REMOTE], AF_INET6, "2001:db8:1::1");
	assert_int_equal(nla_get_u32(r->tb[VPNFO_A_MARK]), 0x100);
	/* Defaults are the module's: nothing sent for them. */
	assert_null(r->tb[VPNFO_A_PROBE_SRC]);
	assert_null(r->tb[VPNFO_A_INTERVAL_US]);
	assert_null(r->tb[VPNFO_A_THRESHOLD]);
	assert_null(r->tb[VPNFO_A_RISE]);
}

static void peer_add_refusals(void **state)
{
	struct req *r = *state;

	(void)state;
	/* Each is a usage error: a required keyword missing, a bad value,
	 * a keyword twice, an unknown one, a value missing. */
	assert_int_equal(BUILD(peer_add_build, r->msg, "t1", "gw1", "prio", "10",
			       "remote", "1.2.3.4", "probe", "5.6.7.8"),
			 -EINVAL);
	assert_int_equal(BUILD(peer_add_build, r->msg, "t1", "gw1", "prio", "10",
			       "mark", "0", "remote", "1.2.3.4",
			       "probe", "5.6.7.8"), -EINVAL);
	assert_int_equal(BUILD(peer_add_build, r->msg, "t1", "gw1", "prio", "1",
			       "prio", "2"), -EINVAL);
	assert_int_equal(BUILD(peer_add_build, r->msg, "t1", "gw1", "priority",
			       "1"), -EINVAL);
	assert_int_equal(BUILD(peer_add_build, r->msg, "t1", "gw1", "prio"),
			 -EINVAL);
	assert_int_equal(BUILD(peer_add_build, r->msg, "t1"), -EINVAL);
	assert_int_equal(BUILD(peer_add_build, r->msg, "tunnel-name-too-long",
			       "gw1"), -EINVAL);
	assert_int_equal(BUILD(peer_add_build, r->msg, "t1", "gw1",
			       "remote", "198.18.1.300"), -EINVAL);
}

/* interval: 1000..10000000 us, whatever unit it is written in. */
static void peer_interval_boundaries(void **state)
{
	static const struct {
		const char *val;
		int ret;
		uint32_t us;
	} cases[] = {
		{ "999us", -EINVAL, 0 },	{ "1000us", 0, 1000 },
		{ "1", 0, 1000 },		{ "1ms", 0, 1000 },
		{ "10s", 0, 10000000 },		{ "10000ms", 0, 10000000 },
		{ "10001ms", -EINVAL, 0 },	{ "11s", -EINVAL, 0 },
		{ "0", -EINVAL, 0 },
	};
	struct req *r = *state;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct nl_msg *msg;

		assert_int_equal(vnl_msg_new(VPNFO_CMD_PEER_SET, 0, &msg), 0);
		assert_int_equal(BUILD(peer_set_build, msg, "t1", "gw1",
				       "interval", (char *)cases[i].val),
				 cases[i].ret);
		if (!cases[i].ret) {
			assert_int_equal(genlmsg_parse(nlmsg_hdr(msg), 0, r->tb,
						       VPNFO_A_MAX, NULL), 0);
			assert_int_equal(nla_get_u32(r->tb[VPNFO_A_INTERVAL_US]),
					 cases[i].us);
		}
		vnl_msg_free(msg);
	}
}

static void peer_set_needs_something(void **state)
{
	struct req *r = *state;

	assert_int_equal(BUILD(peer_set_build, r->msg, "t1", "gw1"), -EINVAL);
	/* mark and addresses are fixed at add time */
	assert_int_equal(BUILD(peer_set_build, r->msg, "t1", "gw1", "mark",
			       "0x300"), -EINVAL);
}

static char key_path[] = "/tmp/vpnfoctl-test-key-XXXXXX";

static void tunnel_add_selectors_hold_key(void **state)
{
	static const char hex[] = "000102030405060708090a0b0c0d0e0f"
				  "101112131415161718191a1b1c1d1e1f\n";
	struct nlattr *sel[VPNFO_SEL_A_MAX + 1];
	struct req *r = *state;
	struct nlattr *a;
	int fd, rem, nsel = 0;
	uint8_t key[32];

	fd = mkstemp(key_path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, hex, sizeof(hex) - 1),
			 (ssize_t)sizeof(hex) - 1);
	close(fd);
	assert_int_equal(BUILD(tunnel_add_build, r->msg, "t1", "mark-mask",
			       "0xff00", "sel", "192.0.2.100/32",
			       "203.0.113.0/24", "sel", "2001:db8:c::100",
			       "2001:db8:100::/64", "hold", "2s",
			       "key-file", key_path), 0);
	unlink(key_path);
	req_parse(r);
	assert_string_equal(nla_get_string(r->tb[VPNFO_A_TUNNEL]), "t1");
	assert_int_equal(nla_get_u32(r->tb[VPNFO_A_MARK_MASK]), 0xff00);
	assert_int_equal(nla_get_u32(r->tb[VPNFO_A_FAILBACK_HOLD_MS]), 2000);
	for (fd = 0; fd < 32; fd++)
		key[fd] = (uint8_t)fd;
	assert_int_equal(nla_len(r->tb[VPNFO_A_PROBE_KEY]), 32);
	assert_memory_equal(nla_data(r->tb[VPNFO_A_PROBE_KEY]), key, 32);
	/* Selectors are repeated nests, in command-line order. */
	nlmsg_for_each_attr(a, nlmsg_hdr(r->msg), GENL_HDRLEN, rem) {
		if (nla_type(a) != VPNFO_A_SELECTOR)
			continue;
		assert_int_equal(nla_parse_nested(sel, VPNFO_SEL_A_MAX, a,
						  NULL), 0);
		if (nsel == 0) {
			assert_addr(sel[VPNFO_SEL_A_SRC], AF_INET, "192.0.2.100");
			assert_int_equal(nla_get_u8(sel[VPNFO_SEL_A_SRC_PLEN]), 32);
			assert_addr(sel[VPNFO_SEL_A_DST], AF_INET, "203.0.113.0");
			assert_int_equal(nla_get_u8(sel[VPNFO_SEL_A_DST_PLEN]), 24);
		} else {
			assert_addr(sel[VPNFO_SEL_A_SRC], AF_INET6,
				    "2001:db8:c::100");
			assert_int_equal(nla_get_u8(sel[VPNFO_SEL_A_SRC_PLEN]), 128);
			assert_addr(sel[VPNFO_SEL_A_DST], AF_INET6,
				    "2001:db8:100::");
			assert_int_equal(nla_get_u8(sel[VPNFO_SEL_A_DST_PLEN]), 64);
		}
		nsel++;
	}
	assert_int_equal(nsel, 2);
}

static int tunnel_add_with_sels(int nsel)
{
	char *argv[4 + 3 * 17 + 1];
	struct nl_msg *msg;
	int argc = 0, i, ret;

	argv[argc++] = "t1";
	argv[argc++] = "mark-mask";
	argv[argc++] = "0xff00";
	for (i = 0; i < nsel; i++) {
		argv[argc++] = "sel";
		argv[argc++] = "10.0.0.0/8";
		argv[argc++] = "10.1.0.0/16";
	}
	argv[argc] = NULL;
	assert_int_equal(vnl_msg_new(VPNFO_CMD_TUNNEL_NEW, 0, &msg), 0);
	ret = tunnel_add_build(msg, argc, argv);
	vnl_msg_free(msg);
	return ret;
}

static void tunnel_add_selector_count(void **state)
{
	(void)state;
	assert_int_equal(tunnel_add_with_sels(0), -EINVAL);	/* required */
	assert_int_equal(tunnel_add_with_sels(1), 0);
	assert_int_equal(tunnel_add_with_sels(VPNFO_SELECTORS_MAX), 0);
	assert_int_equal(tunnel_add_with_sels(VPNFO_SELECTORS_MAX + 1), -EINVAL);
}

static void tunnel_add_refusals(void **state)
{
	struct req *r = *state;

	assert_int_equal(BUILD(tunnel_add_build, r->msg, "t1", "mark-mask", "0",
			       "sel", "10.0.0.0/8", "10.1.0.0/16"), -EINVAL);
	assert_int_equal(BUILD(tunnel_add_build, r->msg, "t1", "mark-mask",
			       "0xff00", "sel", "10.0.0.0/8", "2001:db8::/32"),
			 -EINVAL);
	assert_int_equal(BUILD(tunnel_add_build, r->msg, "t1", "mark-mask",
			       "0xff00", "sel", "10.0.0.0/8"), -EINVAL);
	assert_int_equal(BUILD(tunnel_add_build, r->msg, "t1", "mark-mask",
			       "0xff00", "sel", "10.0.0.0/8", "10.1.0.0/16",
			       "hold", "1500us"), -EINVAL);
	assert_int_equal(BUILD(tunnel_add_build, r->msg, "t1", "mark-mask",
			       "0xff00", "sel", "10.0.0.0/8", "10.1.0.0/16",
			       "hold", "3601s"), -EINVAL);
	assert_int_equal(BUILD(tunnel_add_build, r->msg, "t1", "mark-mask",
			       "0xff00", "sel", "10.0.0.0/8", "10.1.0.0/16",
			       "key-file", "/nonexistent/key"), -ENOENT);
}

static void tunnel_set_hold_only(void **state)
{
	struct req *r = *state;

	assert_int_equal(BUILD(tunnel_set_build, r->msg, "t1"), -EINVAL);
	assert_int_equal(BUILD(tunnel_set_build, r->msg, "t1", "hold", "0"), 0);
	req_parse(r);
	assert_int_equal(nla_get_u32(r->tb[VPNFO_A_FAILBACK_HOLD_MS]), 0);
	assert_null(r->tb[VPNFO_A_PROBE_KEY]);
	assert_null(r->tb[VPNFO_A_MARK_MASK]);
}

static void switch_to_peer_or_auto(void **state)
{
	struct req *r = *state;
	struct nl_msg *msg;

	assert_int_equal(BUILD(switch_build, r->msg, "t1", "gw2"), 0);
	req_parse(r);
	assert_string_equal(nla_get_string(r->tb[VPNFO_A_PEER]), "gw2");
	assert_int_equal(vnl_msg_new(VPNFO_CMD_SWITCH, 0, &msg), 0);
	assert_int_equal(BUILD(switch_build, msg, "t1", "auto"), 0);
	assert_int_equal(genlmsg_parse(nlmsg_hdr(msg), 0, r->tb, VPNFO_A_MAX,
				       NULL), 0);
	assert_string_equal(nla_get_string(r->tb[VPNFO_A_TUNNEL]), "t1");
	assert_null(r->tb[VPNFO_A_PEER]);
	vnl_msg_free(msg);
	assert_int_equal(BUILD(switch_build, r->msg, "t1"), -EINVAL);
	assert_int_equal(BUILD(switch_build, r->msg, "t1", "gw1", "gw2"),
			 -EINVAL);
}

static void reflector_on_off(void **state)
{
	struct req *r = *state;
	struct nl_msg *msg;

	assert_int_equal(BUILD(reflector_set_build, r->msg, "on"), 0);
	req_parse(r);
	assert_int_equal(nla_get_u8(r->tb[VPNFO_A_REFLECTOR_ENABLED]), 1);
	assert_null(r->tb[VPNFO_A_PROBE_KEY]);
	assert_int_equal(vnl_msg_new(VPNFO_CMD_REFLECTOR_SET, 0, &msg), 0);
	assert_int_equal(BUILD(reflector_set_build, msg, "off"), 0);
	assert_int_equal(genlmsg_parse(nlmsg_hdr(msg), 0, r->tb, VPNFO_A_MAX,
				       NULL), 0);
	assert_int_equal(nla_get_u8(r->tb[VPNFO_A_REFLECTOR_ENABLED]), 0);
	vnl_msg_free(msg);
	assert_int_equal(BUILD(reflector_set_build, r->msg, "off", "key-file",
			       "/x"), -EINVAL);
	assert_int_equal(BUILD(reflector_set_build, r->msg, "maybe"), -EINVAL);
}

/* Every attribute of @a has the same type, length and bytes in @b, in the
 * same order (selectors are repeated, so order matters). */
static void assert_same_attrs(struct nl_msg *a, struct nl_msg *b)
{
	struct nlattr *x, *y;
	int rem_a, rem_b, n = 0;

	y = nlmsg_attrdata(nlmsg_hdr(b), GENL_HDRLEN);
	rem_b = nlmsg_attrlen(nlmsg_hdr(b), GENL_HDRLEN);
	nlmsg_for_each_attr(x, nlmsg_hdr(a), GENL_HDRLEN, rem_a) {
		assert_true(nla_ok(y, rem_b));
		assert_int_equal(nla_type(x), nla_type(y));
		assert_int_equal(nla_len(x), nla_len(y));
		assert_memory_equal(nla_data(x), nla_data(y), nla_len(x));
		y = nla_next(y, &rem_b);
		n++;
	}
	assert_false(nla_ok(y, rem_b));
	assert_true(n > 0);
}

/* The command line fills the structure as vpnfod fills it by hand (one
 * encoder for both, nl/request.c). */
static void peer_struct_matches_command_line(void **state)
{
	struct vnl_peer p = {
		.tunnel = "t1", .name = "gw2", .has_priority = true,
		.priority = 20, .mark = 0x200,
		.interval_us = 5000, .threshold = 4, .rise = 2,
	};
	struct req *r = *state;
	struct nl_msg *msg;

	assert_int_equal(parse_addr("198.18.2.1", &p.remote), 0);
	assert_int_equal(parse_addr("203.0.113.2", &p.probe), 0);
	assert_int_equal(parse_addr("192.0.2.100", &p.src), 0);
	assert_int_equal(BUILD(peer_add_build, r->msg, "t1", "gw2", "prio", "20",
			       "mark", "0x200", "remote", "198.18.2.1",
			       "probe", "203.0.113.2", "src", "192.0.2.100",
			       "interval", "5ms", "threshold", "4",
			       "rise", "2"), 0);
	assert_int_equal(vnl_msg_new(VPNFO_CMD_PEER_NEW, 0, &msg), 0);
	assert_int_equal(vnl_peer_put(msg, &p), 0);
	assert_same_attrs(r->msg, msg);
	vnl_msg_free(msg);
}

static void tunnel_struct_matches_command_line(void **state)
{
	struct vnl_tunnel t = {
		.name = "t1", .has_mark_mask = true, .mark_mask = 0xff00,
		.nsel = 2, .has_hold = true, .hold_ms = 0,
	};
	struct vpnfo_prefix *src = t.sel_src, *dst = t.sel_dst;
	struct req *r = *state;
	struct nl_msg *msg;

	assert_int_equal(parse_prefix("192.0.2.100/32", &src[0]), 0);
	assert_int_equal(parse_prefix("203.0.113.0/24", &dst[0]), 0);
	assert_int_equal(parse_prefix("2001:db8:c::100", &src[1]), 0);
	assert_int_equal(parse_prefix("2001:db8:100::/64", &dst[1]), 0);
	assert_int_equal(BUILD(tunnel_add_build, r->msg, "t1", "mark-mask",
			       "65280", "sel", "192.0.2.100/32",
			       "203.0.113.0/24", "sel", "2001:db8:c::100/128",
			       "2001:db8:100::/64", "hold", "0"), 0);
	assert_int_equal(vnl_msg_new(VPNFO_CMD_TUNNEL_NEW, 0, &msg), 0);
	assert_int_equal(vnl_tunnel_put(msg, &t), 0);
	assert_same_attrs(r->msg, msg);
	vnl_msg_free(msg);
}

/* SWITCH is a request of names only, like the deletes: the same struct. */
static void switch_names_match_command_line(void **state)
{
	struct vnl_names n = { .tunnel = "t1", .peer = "gw2" };
	struct req *r = *state;
	struct nl_msg *msg;

	assert_int_equal(BUILD(switch_build, r->msg, "t1", "gw2"), 0);
	assert_int_equal(vnl_msg_new(VPNFO_CMD_SWITCH, 0, &msg), 0);
	assert_int_equal(vnl_names_put(msg, &n), 0);
	assert_same_attrs(r->msg, msg);
	vnl_msg_free(msg);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, req_setup, req_teardown)
	const struct CMUnitTest tests[] = {
		T(peer_add_all_attributes),
		T(peer_add_optional_left_out),
		T(peer_add_refusals),
		T(peer_interval_boundaries),
		T(peer_set_needs_something),
		T(tunnel_add_selectors_hold_key),
		T(tunnel_add_selector_count),
		T(tunnel_add_refusals),
		T(tunnel_set_hold_only),
		T(switch_to_peer_or_auto),
		T(reflector_on_off),
		T(peer_struct_matches_command_line),
		T(tunnel_struct_matches_command_line),
		T(switch_names_match_command_line),
	};

	return cmocka_run_group_tests_name("request", tests, NULL, NULL);
}
