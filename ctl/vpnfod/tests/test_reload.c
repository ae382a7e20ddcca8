// SPDX-License-Identifier: GPL-2.0
/* SIGHUP: what a reloaded configuration changes live, what waits. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "reload.h"
#include "lib/log.h"

#define SECTION \
	"[tunnel gw1]\nlocal 198.18.1.2\nremote 198.18.1.1\n" \
	"local-ts 192.0.2.100/32\nremote-ts 203.0.113.0/24\n" \
	"cert c.pem\nkey c.key\nca ca.pem\nmark 0x100 mask 0xff00\n"

static const char *running = SECTION "reqid 1\n";

static struct vpnfod_conf cur, nw;

static void load(struct vpnfod_conf *c, const char *text)
{
	assert_int_equal(config_parse(c, "t.conf", text), 0);
}

static void test_timers_proposals_and_paths_apply(void **state)
{
	(void)state;
	load(&cur, running);
	load(&nw, SECTION "reqid 1\ndpd 20s\nretransmit 700ms 4\n"
	     "child-rekey 90s\nike-rekey 10800s\nnatt-keepalive 5s\n"
	     "esp aes256gcm16\ndh curve25519\nremote-id CN=gw1\n"
	     "crl ca.crl\n");
	assert_int_equal(vpnfod_reload_apply(&cur, NULL, &nw, NULL), 0);
	assert_int_equal(cur.p[0].ike.dpd_ms, 20000);
	assert_int_equal(cur.p[0].ike.retrans_base_ms, 700);
	assert_int_equal(cur.p[0].ike.retrans_tries, 4);
	assert_int_equal(cur.p[0].ike.child_rekey_ms, 90000);
	assert_int_equal(cur.p[0].ike.ike_rekey_ms, 3 * 3600 * 1000);
	assert_int_equal(cur.p[0].natt_keepalive_ms, 5000);
	assert_int_equal(cur.p[0].ike.n_esp, 1);
	assert_int_equal(cur.p[0].ike.esp[0].keybits, 256);
	assert_int_equal(cur.p[0].ike.n_dh, 1);
	assert_int_equal(cur.p[0].ike.dh[0], IKE_DH_CURVE25519);
	assert_string_equal(cur.p[0].ike.remote_id, "CN=gw1");
	assert_string_equal(cur.p[0].crl, "ca.crl");
}

/* The new key, certificate and trust store run; the old ones are freed
 * with the new configuration. */
static void test_credentials_swap(void **state)
{
	struct ike_cred old;

	(void)state;
	load(&cur, running);
	load(&nw, running);
	cur.p[0].ike.cred.key = EVP_PKEY_new();
	cur.p[0].ike.cred.trust = X509_STORE_new();
	nw.p[0].ike.cred.key = EVP_PKEY_new();
	nw.p[0].ike.cred.trust = X509_STORE_new();
	nw.p[0].ike.cred.ca_keyid[0] = 0x5a;
	old = cur.p[0].ike.cred;
	assert_int_equal(vpnfod_reload_apply(&cur, NULL, &nw, NULL), 0);
	assert_ptr_not_equal(cur.p[0].ike.cred.key, old.key);
	assert_int_equal(cur.p[0].ike.cred.ca_keyid[0], 0x5a);
	assert_ptr_equal(nw.p[0].ike.cred.key, old.key);
	assert_ptr_equal(nw.p[0].ike.cred.trust, old.trust);
	config_free(&nw);
	config_free(&cur);
}

static void test_installed_state_waits_for_restart(void **state)
{
	(void)state;
	load(&cur, running);
	load(&nw, "[tunnel gw1]\nlocal 198.18.1.3\nremote 198.18.9.1\n"
	     "local-ts 192.0.2.101/32\nremote-ts 203.0.113.0/25\n"
	     "cert c.pem\nkey c.key\nca ca.pem\nmark 0x200 mask 0xff00\n"
	     "reqid 2\ndpd 5s\n");
	/* local, remote, local-ts, remote-ts, mark, reqid */
	assert_int_equal(vpnfod_reload_apply(&cur, NULL, &nw, NULL), 6);
	assert_int_equal(cur.p[0].ike.mark, 0x100);
	assert_int_equal(cur.p[0].ike.reqid, VPNFOD_REQID_BASE | 1);
	assert_int_equal(cur.p[0].ike.ts_remote.ts[0].end[3], 255);
	assert_int_equal(cur.p[0].local.ip.bytes[3], 2);
	/* The rest of the section still applies. */
	assert_int_equal(cur.p[0].ike.dpd_ms, 5000);
}

static void test_sections_added_or_removed_wait(void **state)
{
	(void)state;
	load(&cur, running);
	load(&nw, "[tunnel gw2]\nlocal 198.18.2.2\nremote 198.18.2.1\n"
	     "local-ts 192.0.2.100/32\nremote-ts 203.0.113.0/24\n"
	     "cert c.pem\nkey c.key\nca ca.pem\nmark 0x200 mask 0xff00\n"
	     "reqid 2\n");
	/* gw2 new, gw1 gone: both wait; gw1 runs on as it was. */
	assert_int_equal(vpnfod_reload_apply(&cur, NULL, &nw, NULL), 2);
	assert_int_equal(cur.n, 1);
	assert_string_equal(cur.p[0].ike.name, "gw1");
	assert_int_equal(cur.p[0].ike.reqid, VPNFOD_REQID_BASE | 1);
}

/* A [group] of the same name is another section, not the tunnel. */
static void test_tunnel_becoming_group_waits(void **state)
{
	(void)state;
	load(&cur, running);
	load(&nw, "[group gw1]\nlocal 198.18.1.2\n"
	     "local-ts 192.0.2.100/32\nremote-ts 203.0.113.0/24\n"
	     "cert c.pem\nkey c.key\nca ca.pem\nreqid 1\n");
	assert_int_equal(vpnfod_reload_apply(&cur, NULL, &nw, NULL), 2);
	assert_true(cur.p[0].initiator);
}

static void test_module_registration_waits(void **state)
{
	static struct enrolled a, b;

	(void)state;
	load(&cur, running);
	load(&nw, running);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.prio[0] = b.prio[0] = 10;
	a.probe_interval_ms = b.probe_interval_ms = 10;
	assert_int_equal(vpnfod_reload_apply(&cur, &a, &nw, &b), 0);
	b.prio[0] = 20;
	assert_int_equal(vpnfod_reload_apply(&cur, &a, &nw, &b), 1);
	b.prio[0] = 10;
	b.probe_interval_ms = 100;
	assert_int_equal(vpnfod_reload_apply(&cur, &a, &nw, &b), 1);
	b.probe_interval_ms = 10;
	strcpy(b.o.tunnel, "other");
	assert_int_equal(vpnfod_reload_apply(&cur, &a, &nw, &b), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timers_proposals_and_paths_apply),
		cmocka_unit_test(test_credentials_swap),
		cmocka_unit_test(test_installed_state_waits_for_restart),
		cmocka_unit_test(test_sections_added_or_removed_wait),
		cmocka_unit_test(test_tunnel_becoming_group_waits),
		cmocka_unit_test(test_module_registration_waits),
	};

	log_set_level(LOG_LEVEL_ERROR);	/* each change logs a line */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
