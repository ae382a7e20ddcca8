// SPDX-License-Identifier: GPL-2.0
/* vpnfod.conf parsing: values land where they should, errors say where. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "config.h"

static const char *good =
	"# a client\n"
	"[tunnel gw1]\n"
	"local 198.18.1.2\n"
	"remote 198.18.1.1\n"
	"local-ts 192.0.2.100/32\n"
	"remote-ts 203.0.113.0/24 2001:db8:100::/64\n"
	"cert c.pem\nkey c.key\nca ca.pem\n"
	"mark 0x200 mask 0xff00\n"
	"reqid 2\n"
	"ike aes256gcm16-prfsha384 aes128-sha256\n"
	"dh curve25519 14\n"
	"esp aes256gcm16\n"
	"dpd 30s\n"
	"retransmit 500ms 3\n"
	"[group staff]\n"
	"local 2001:db8:1::1\n"
	"local-ts 2001:db8:100::/64\n"
	"remote-ts ::/0\n"
	"cert g.pem\nkey g.key\nca ca.pem\ncrl ca.crl\n"
	"reqid 7\n";

static void test_good(void **state)
{
	static struct vpnfod_conf c;
	const struct vpnfod_peer *p;

	(void)state;
	assert_int_equal(config_parse(&c, "t.conf", good), 0);
	assert_int_equal(c.n, 2);
	p = &c.p[0];
	assert_true(p->initiator);
	assert_string_equal(p->ike.name, "gw1");
	assert_int_equal(p->ike.mark, 0x200);
	assert_int_equal(p->ike.mark_mask, 0xff00);
	assert_int_equal(p->ike.reqid, VPNFOD_REQID_BASE | 2);
	assert_int_equal(p->ike.ts_remote.n, 2);
	assert_int_equal(p->ike.n_ike, 2);
	assert_int_equal(p->ike.ike[0].prf, IKE_PRF_HMAC_SHA2_384);
	assert_int_equal(p->ike.n_dh, 2);
	assert_int_equal(p->ike.dh[1], IKE_DH_MODP2048);
	assert_int_equal(p->ike.esp[0].keybits, 256);
	assert_int_equal(p->ike.dpd_ms, 30000);
	assert_int_equal(p->ike.retrans_base_ms, 500);
	assert_int_equal(p->ike.retrans_tries, 3);
	p = &c.p[1];
	assert_false(p->initiator);
	assert_int_equal(p->local.ip.family, AF_INET6);
	assert_string_equal(p->crl, "ca.crl");
	assert_int_equal(p->ike.n_esp, 4);	/* defaults */
}

/* Each bad line: the error names file, line and the value. */
static void expect(const char *text, const char *want)
{
	static struct vpnfod_conf c;

	assert_int_equal(config_parse(&c, "bad.conf", text), -EINVAL);
	if (!strstr(c.err, want))
		fail_msg("error \"%s\" lacks \"%s\"", c.err, want);
}

static void test_errors(void **state)
{
	(void)state;
	expect("local 1.2.3.4\n", "bad.conf:1: \"local\" outside a section");
	expect("[tunnel a]\nlocal 1.2.3\n", "bad.conf:2: bad address \"1.2.3\"");
	expect("[tunnel a]\n\nfoo bar\n", "bad.conf:3: unknown key \"foo\"");
	expect("[tunnel a]\nlocal-ts 10.0.0.0/33\n",
	       "bad.conf:2: bad prefix \"10.0.0.0/33\"");
	expect("[tunnel a]\nmark 0x10000 mask 0xff00\n",
	       "bad.conf:2: bad mark \"0x10000\"");
	expect("[tunnel a]\nesp des\n", "unknown esp proposal \"des\"");
	expect("[tunnel a]\ndh 2\n", "unknown DH group \"2\"");
	expect("[tunnel a]\nreqid 70000\n", "bad reqid \"70000\"");
	expect("[peer a]\n", "bad.conf:1: bad section \"[peer\"");
	expect("[tunnel a]\nlocal 1.2.3.4\n",
	       "bad.conf:1: tunnel \"a\" needs a remote");
	expect("[group g]\nlocal 1.2.3.4\nlocal-ts 10.0.0.0/8\n"
	       "remote-ts 10.1.0.0/16\n", "needs cert, key, ca");
	expect("# nothing\n", "no [tunnel] or [group] section");
	expect("[tunnel a]\nchild-rekey 1s\n", "bad.conf:2: bad child-rekey \"1s\"");
	expect("[tunnel a]\nike-rekey soon\n", "bad ike-rekey \"soon\"");
	expect("[tunnel a]\nlocal-ts 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n",
	       "bad.conf:2: too many words");
}

static void test_line_too_long(void **state)
{
	static char text[1200];

	(void)state;
	memset(text, 'x', sizeof(text) - 2);
	memcpy(text, "[tunnel a]\n", 11);
	text[sizeof(text) - 2] = '\n';
	expect(text, "bad.conf:2: line too long");
}

/* Rekey ages: defaults, and what a section sets. */
static void test_rekey_ages(void **state)
{
	static struct vpnfod_conf c;

	(void)state;
	assert_int_equal(config_parse(&c, "t.conf", good), 0);
	assert_int_equal(c.p[0].ike.child_rekey_ms, 3600 * 1000);
	assert_int_equal(c.p[0].ike.ike_rekey_ms, 4 * 3600 * 1000);
	assert_int_equal(config_parse(&c, "t.conf", "[group g]\n"
		"local 10.0.0.1\nlocal-ts 10.1.0.0/16\nremote-ts 10.2.0.0/16\n"
		"cert g.pem\nkey g.key\nca ca.pem\nreqid 1\n"
		"child-rekey 90s\nike-rekey 0\n"), 0);
	assert_int_equal(c.p[0].ike.child_rekey_ms, 90000);
	assert_int_equal(c.p[0].ike.ike_rekey_ms, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_line_too_long),
		cmocka_unit_test(test_rekey_ages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
