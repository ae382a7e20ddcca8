// SPDX-License-Identifier: GPL-2.0
/*
 * vpnfod configured from the enrollment state and from a gateway export
 * (ctl/vpnfod/enrolled_conf.c): what the sections hold, and every refusal naming its
 * file and member or line.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "enrolled_conf.h"
#include "lib/log.h"

#include "ca.h"
#include "policy.h"
#include "util.h"

static struct vpnfod_conf conf;
static struct enrolled enr;

#define GW1 "{\"name\":\"gw1\",\"priority\":10,\"addresses\":[\"198.18.1.1\"]}"
#define GW2 "{\"name\":\"gw2\",\"priority\":20,\"addresses\":[\"198.18.2.1\"]}"
#define GW3 "{\"name\":\"gw3\",\"priority\":5,\"addresses\":[\"198.18.3.1\"]}"

/* A served policy; @over replaces members by text substitution. */
static char *policy(const char *ike, const char *esp, const char *gws,
		    const char *extra)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf),
		 "{\"version\":1,\"cert_days\":365,\"key_types\":[\"ec-p256\"],"
		 "\"ike_proposals\":[%s],\"esp_proposals\":[%s],"
		 "\"ike_lifetime\":14400,\"child_lifetime\":3600,"
		 "\"probe_interval_ms\":50,\"probe_failures\":20,"
		 "\"failback_interval_ms\":2000,"
		 "\"selectors\":[\"203.0.113.0/24\",\"198.51.100.0/24\"]%s,"
		 "\"group\":\"eng\",\"gateways\":[%s]}",
		 ike, esp, extra, gws);
	return buf;
}

static char *std_policy(void)
{
	return policy("\"aes256gcm16-prfsha256-ecp256\","
		      "\"aes128-sha256-curve25519-modp2048\"",
		      "\"aes256gcm16-ecp256\",\"aes128-sha384\"",
		      GW1 "," GW2 "," GW3, "");
}

static int client(const char *opts, const char *json)
{
	int err;

	enrolled_init(&enr);
	memset(&conf, 0, sizeof(conf));
	if (opts) {
		err = enrolled_opts_parse(&enr, &conf, "opts.conf", opts);
		if (err)
			return err;
	}
	return enrolled_client_policy(&conf, &enr, "/st", "/st/policy.json",
				      json);
}

#define LOCAL "local 198.18.9.2\nlocal-ts 192.0.2.100/32\n"

static void err_has(const char *s)
{
	if (!strstr(conf.err, s))
		fail_msg("error \"%s\" lacks \"%s\"", conf.err, s);
}

static void tunnels_in_priority_order(void **state)
{
	assert_int_equal(client(LOCAL "probe gw1 203.0.113.1\n", std_policy()),
			 0);
	assert_int_equal(conf.n, 3);
	assert_string_equal(conf.p[0].ike.name, "gw3");
	assert_string_equal(conf.p[1].ike.name, "gw1");
	assert_string_equal(conf.p[2].ike.name, "gw2");
	assert_int_equal(enr.prio[0], 5);
	assert_int_equal(enr.prio[1], 10);
	assert_int_equal(enr.prio[2], 20);
	assert_true(conf.p[1].initiator);
	/* distinct marks inside the mask, distinct reqids of vpnfod's */
	assert_int_equal(conf.p[0].ike.mark, 0x100);
	assert_int_equal(conf.p[1].ike.mark, 0x200);
	assert_int_equal(conf.p[2].ike.mark, 0x300);
	assert_int_equal(conf.p[2].ike.mark_mask, 0xff00);
	assert_int_equal(conf.p[0].ike.reqid, VPNFOD_REQID_BASE | 1);
	assert_int_equal(conf.p[2].ike.reqid, VPNFOD_REQID_BASE | 3);
	assert_string_equal(conf.p[1].ike.remote_id, "gw1");
	assert_string_equal(conf.p[1].cert, "/st/cert.pem");
	assert_string_equal(conf.p[1].key, "/st/key.pem");
	assert_string_equal(conf.p[1].ca, "/st/ca.pem");
	assert_int_equal(conf.p[1].remote.ip.family, AF_INET);
	assert_memory_equal(conf.p[1].remote.ip.bytes, "\xc6\x12\x01\x01", 4);
	assert_memory_equal(conf.p[1].local.ip.bytes, "\xc6\x12\x09\x02", 4);
	assert_int_equal(conf.p[1].remote.port, 500);
	assert_int_equal(conf.p[1].ike.ts_remote.n, 2);
	assert_int_equal(conf.p[1].ike.ts_local.n, 1);
	/* probe address only where given */
	assert_int_equal(enr.probe[1].family, AF_INET);
	assert_int_equal(enr.probe[0].family, 0);
	assert_int_equal(enr.probe_interval_ms, 50);
	assert_int_equal(enr.probe_failures, 20);
	assert_int_equal(enr.failback_ms, 2000);
	assert_string_equal(enr.group, "eng");
	assert_true(enr.o.module);
}

static void proposals_flattened(void **state)
{
	const struct ike_conf *k;

	assert_int_equal(client(LOCAL, std_policy()), 0);
	k = &conf.p[0].ike;
	assert_int_equal(k->n_ike, 2);
	assert_int_equal(k->ike[0].encr, IKE_ENCR_AES_GCM16);
	assert_int_equal(k->ike[0].keybits, 256);
	assert_int_equal(k->ike[0].integ, 0);
	assert_int_equal(k->ike[0].prf, IKE_PRF_HMAC_SHA2_256);
	/* no prf token: the integrity algorithm's hash */
	assert_int_equal(k->ike[1].encr, IKE_ENCR_AES_CBC);
	assert_int_equal(k->ike[1].integ, IKE_INTEG_SHA2_256_128);
	assert_int_equal(k->ike[1].prf, IKE_PRF_HMAC_SHA2_256);
	assert_int_equal(k->n_dh, 3);
	assert_int_equal(k->dh[0], IKE_DH_ECP256);
	assert_int_equal(k->dh[1], IKE_DH_CURVE25519);
	assert_int_equal(k->dh[2], IKE_DH_MODP2048);
	assert_int_equal(k->n_esp, 2);
	assert_int_equal(k->esp[0].encr, IKE_ENCR_AES_GCM16);
	assert_int_equal(k->esp[0].prf, 0);
	assert_int_equal(k->esp[1].integ, IKE_INTEG_SHA2_384_192);
	assert_int_equal(k->ike_rekey_ms, 14400 * 1000);
	assert_int_equal(k->child_rekey_ms, 3600 * 1000);
}

static void unsupported_algorithms_left_out(void **state)
{
	assert_int_equal(client(LOCAL, policy(
		"\"chacha20poly1305-aes128gcm16-prfsha384-ecp521-ecp384\"",
		"\"aes192gcm16-aes128gcm16-esn\"", GW1, "")), 0);
	assert_int_equal(conf.p[0].ike.n_ike, 1);
	assert_int_equal(conf.p[0].ike.ike[0].keybits, 128);
	assert_int_equal(conf.p[0].ike.n_dh, 1);
	assert_int_equal(conf.p[0].ike.dh[0], IKE_DH_ECP384);
	assert_int_equal(conf.p[0].ike.n_esp, 1);
}

static void nothing_usable_refused(void **state)
{
	assert_int_equal(client(LOCAL, policy("\"chacha20poly1305-prfsha256-"
					      "ecp256\"", "\"aes128gcm16\"",
					      GW1, "")), -EINVAL);
	err_has("/st/policy.json: ");
	err_has("'ike_proposals'");
	assert_int_equal(client(LOCAL, policy("\"aes128gcm16-prfsha256-"
					      "ecp521\"", "\"aes128gcm16\"",
					      GW1, "")), -EINVAL);
	err_has("'ike_proposals'");
	assert_int_equal(client(LOCAL, policy("\"aes128gcm16-prfsha256-"
					      "ecp256\"", "\"chacha20poly1305\"",
					      GW1, "")), -EINVAL);
	err_has("'esp_proposals'");
}

static void bad_members_named(void **state)
{
	char doc[4096];

	/* a member out of range, one missing, one unknown */
	snprintf(doc, sizeof(doc), "%s", std_policy());
	memcpy(strstr(doc, "\"probe_failures\":20"), "\"probe_failures\":0 ",
	       19);
	assert_int_equal(client(LOCAL, doc), -EINVAL);
	err_has("/st/policy.json: ");
	err_has("'probe_failures'");
	assert_int_equal(client(LOCAL, "{\"version\":1}"), -EINVAL);
	err_has("'cert_days'");
	assert_int_equal(client(LOCAL, policy("\"aes128gcm16-prfsha256-ecp256\"",
					      "\"aes128gcm16\"", GW1,
					      ",\"colour\":1")), -EINVAL);
	err_has("'colour'");
	/* the stored (unserved) form has no gateways */
	assert_int_equal(client(LOCAL, "{\"version\":1,\"cert_days\":365,"
		"\"key_types\":[\"ec-p256\"],\"ike_proposals\":[\"aes128gcm16-"
		"prfsha256-ecp256\"],\"esp_proposals\":[\"aes128gcm16\"],"
		"\"ike_lifetime\":14400,\"child_lifetime\":3600,"
		"\"probe_interval_ms\":50,\"probe_failures\":3,"
		"\"failback_interval_ms\":2000,\"selectors\":[\"0.0.0.0/0\"],"
		"\"group\":\"eng\"}"), -EINVAL);
	err_has("'gateways'");
	assert_int_equal(client(LOCAL, policy("\"aes128gcm16-prfsha256-ecp256\"",
					      "\"aes128gcm16\"", "", "")),
			 -EINVAL);
	err_has("'gateways': none");
	assert_int_equal(client(LOCAL, "not json"), -EINVAL);
	err_has("/st/policy.json: ");
}

static void names_and_marks_bounded(void **state)
{
	assert_int_equal(client(LOCAL, policy("\"aes128gcm16-prfsha256-ecp256\"",
		"\"aes128gcm16\"", "{\"name\":\"a-very-long-gateway\","
		"\"priority\":1,\"addresses\":[\"198.18.1.1\"]}", "")),
		-EINVAL);
	err_has("'a-very-long-gateway' too long");
	/* without the module the IKE name limit (31) is what counts */
	assert_int_equal(client(LOCAL "module no\n", policy(
		"\"aes128gcm16-prfsha256-ecp256\"", "\"aes128gcm16\"",
		"{\"name\":\"a-very-long-gateway\",\"priority\":1,"
		"\"addresses\":[\"198.18.1.1\"]}", "")), 0);
	assert_int_equal(client(LOCAL "mark-mask 0x300\n", std_policy()), 0);
	assert_int_equal(conf.p[2].ike.mark, 0x300);
	assert_int_equal(client(LOCAL "mark-mask 0x100\n", std_policy()),
			 -EINVAL);
	err_has("2 gateways do not fit mark-mask 0x100");
	assert_int_equal(client(LOCAL "mark-mask 0x3000000\n", policy(
		"\"aes128gcm16-prfsha256-ecp256\"", "\"aes128gcm16\"",
		GW1 "," GW2, "")), 0);
	assert_int_equal(conf.p[1].ike.mark, 0x2000000);
}

static void options_errors_have_lines(void **state)
{
	static const struct { const char *text, *want; } bad[] = {
		{ "module maybe\n", "opts.conf:1: bad module \"maybe\"" },
		{ "\n# c\nflavour x\n", "opts.conf:3: unknown key \"flavour\"" },
		{ "local-ts 192.0.2.300/32\n", "opts.conf:1: bad prefix" },
		{ "local nowhere\n", "opts.conf:1: bad address \"nowhere\"" },
		{ "probe gw1\n", "opts.conf:1: bad probe" },
		{ "probe gw1 x\n", "opts.conf:1: bad address \"x\"" },
		{ "tunnel a-name-over-15-chars\n", "opts.conf:1: bad tunnel" },
		{ "mark-mask 0\n", "opts.conf:1: bad mark-mask" },
		{ "dpd 10\n", "opts.conf:1: bad dpd" },
		{ "module\n", "opts.conf:1: \"module\" needs a value" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(client(bad[i].text, std_policy()), -EINVAL);
		err_has(bad[i].want);
	}
	assert_int_equal(client(LOCAL "probe gw9 203.0.113.9\n", std_policy()),
			 -EINVAL);
	err_has("probe for 'gw9', which is not a gateway");
	assert_int_equal(client(LOCAL "module no\ndpd 30s\ntunnel t1\n",
				std_policy()), 0);
	assert_false(enr.o.module);
	assert_int_equal(conf.p[0].ike.dpd_ms, 30000);
	assert_string_equal(enr.o.tunnel, "t1");
}

static void local_address_family(void **state)
{
	/* `local` of one family picks the gateway's address of that one */
	assert_int_equal(client("local 2001:db8:9::2\n", policy(
		"\"aes128gcm16-prfsha256-ecp256\"", "\"aes128gcm16\"",
		"{\"name\":\"gw1\",\"priority\":1,\"addresses\":"
		"[\"198.18.1.1\",\"2001:db8:1::1\"]}", "")), 0);
	assert_int_equal(conf.p[0].remote.ip.family, AF_INET6);
	/* no inner prefix given: our outer address, as a host */
	assert_int_equal(conf.p[0].ike.ts_local.n, 1);
	assert_int_equal(conf.p[0].ike.ts_local.ts[0].type, IKE_TS_IPV6);
	assert_int_equal(client("local 2001:db8:9::2\n", policy(
		"\"aes128gcm16-prfsha256-ecp256\"", "\"aes128gcm16\"", GW1, "")),
		-EINVAL);
	err_has("gateway 'gw1': no address of the family of `local`");
	/* by route: loopback always has one */
	assert_int_equal(client(NULL, policy("\"aes128gcm16-prfsha256-ecp256\"",
		"\"aes128gcm16\"", "{\"name\":\"gw1\",\"priority\":1,"
		"\"addresses\":[\"127.0.0.2\"]}", "")), 0);
	assert_memory_equal(conf.p[0].local.ip.bytes, "\x7f\x00\x00\x01", 4);
}

static void gateway_group(void **state)
{
	const char *json = policy("\"aes128gcm16-prfsha256-ecp256\"",
				  "\"aes128gcm16\"",
				  "{\"name\":\"gw1\",\"priority\":10,\"addresses\":"
				  "[\"198.18.1.1\",\"2001:db8:1::1\"]}," GW2, "");

	enrolled_init(&enr);
	memset(&conf, 0, sizeof(conf));
	assert_int_equal(enrolled_gateway_group(&conf, &enr, "/gx", "eng",
						"gw1", json), 0);
	assert_int_equal(conf.n, 2);	/* one per address */
	assert_false(conf.p[0].initiator);
	assert_string_equal(conf.p[0].ike.name, "eng");
	assert_memory_equal(conf.p[0].local.ip.bytes, "\xc6\x12\x01\x01", 4);
	assert_int_equal(conf.p[1].local.ip.family, AF_INET6);
	assert_string_equal(conf.p[0].cert, "/gx/eng.crt");
	assert_string_equal(conf.p[0].key, "/gx/eng.key");
	assert_string_equal(conf.p[0].ca, "/gx/eng-ca.crt");
	assert_string_equal(conf.p[0].crl, "/gx/eng.crl");
	assert_int_equal(conf.p[0].ike.mark, 0);
	assert_int_equal(conf.p[0].ike.ts_local.n, 2);	/* the selectors */
	assert_int_equal(conf.p[0].ike.ts_remote.n, 2);	/* any v4, any v6 */
	assert_int_not_equal(conf.p[0].ike.reqid, conf.p[1].ike.reqid);
	assert_int_equal(conf.p[0].ike.reqid & VPNFOD_REQID_MASK,
			 VPNFOD_REQID_BASE);
	assert_int_equal(enrolled_gateway_group(&conf, &enr, "/gx", "eng",
						"gw7", json), -EINVAL);
	err_has("/gx/eng-policy.json: policy member 'gateways': no gateway "
		"'gw7'");
}

/* ------------------------------------------------ files on disk */

static char dir[64];

static void put(const char *name, const void *p, size_t n)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(file_write(path, p, n, 0600), 0);
}

/* A self-signed CA named @cn, its PEM written to @file. */
static void new_ca(const char *cn, const char *file, X509 **ca,
		   EVP_PKEY **key)
{
	char *pem;

	assert_int_equal(ca_key_generate("ec", key), 0);
	assert_int_equal(ca_root_create(*key, cn, 30, ca), 0);
	assert_int_equal(ca_cert_to_pem(*ca, &pem), 0);
	put(file, pem, strlen(pem));
	free(pem);
}

/* The state enroll_run leaves: group CA, the policy signed by the
 * policy-signing certificate the CA issued, its content. */
static void make_state(const char *json)
{
	struct sbuf cms = { 0 };
	EVP_PKEY *key, *signkey;
	X509 *ca, *signer;

	new_ca("eng", "ca.pem", &ca, &key);
	assert_int_equal(ca_policy_signer_create(ca, key, 10, &signer, &signkey), 0);
	assert_int_equal(policy_sign(signer, signkey, json, &cms), 0);
	X509_free(signer);
	EVP_PKEY_free(signkey);
	put("policy.cms", cms.data, cms.len);
	put("policy.json", json, strlen(json));
	sbuf_free(&cms);
	X509_free(ca);
	EVP_PKEY_free(key);
}

/* Replaces policy.cms by the same policy signed with a fresh CA's own
 * key, that CA becoming ca.pem: how servers before the policy-signing
 * certificate signed. */
static void legacy_policy(void)
{
	char *json = std_policy();
	struct sbuf cms = { 0 };
	EVP_PKEY *key;
	X509 *ca;

	new_ca("eng", "ca.pem", &ca, &key);
	assert_int_equal(policy_sign(ca, key, json, &cms), 0);
	put("policy.cms", cms.data, cms.len);
	sbuf_free(&cms);
	X509_free(ca);
	EVP_PKEY_free(key);
}

static int mkdir_setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/test_enrolled.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int rmdir_teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static void signed_state(void **state)
{
	char *json = std_policy(), opts[128], want[256];
	EVP_PKEY *k;
	X509 *other;

	make_state(json);
	snprintf(opts, sizeof(opts), "%s/opts.conf", dir);
	put("opts.conf", LOCAL, strlen(LOCAL));
	assert_int_equal(enrolled_load(&conf, &enr, dir, opts, false), 0);
	assert_int_equal(conf.n, 3);
	/* policy.json must be what was signed */
	json[strlen(json) - 3] = '9';
	put("policy.json", json, strlen(json));
	assert_int_equal(enrolled_load(&conf, &enr, dir, opts, false),
			 -EINVAL);
	snprintf(want, sizeof(want), "%s/policy.json: differs from the "
		 "signed policy.cms", dir);
	assert_string_equal(conf.err, want);
	/* a signature by another CA */
	make_state(std_policy());
	new_ca("ops", "ca.pem", &other, &k);
	X509_free(other);
	EVP_PKEY_free(k);
	assert_int_equal(enrolled_load(&conf, &enr, dir, opts, false),
			 -EINVAL);
	err_has("policy.cms: refused with");
	err_has("does not verify with the group CA");
	/* a policy signed by the group CA itself (an older server) */
	make_state(std_policy());
	legacy_policy();
	assert_int_equal(enrolled_load(&conf, &enr, dir, opts, false),
			 -EINVAL);
	err_has("signed by the group CA directly");
	err_has("vpnfoctl enroll renew");
	/* a missing file is named */
	snprintf(want, sizeof(want), "%s/policy.cms", dir);
	unlink(want);
	assert_int_equal(enrolled_load(&conf, &enr, dir, opts, false),
			 -EINVAL);
	err_has("policy.cms: No such file");
	assert_int_equal(enrolled_load(&conf, &enr, dir, "/nonexistent/o",
				       false), -EINVAL);
	err_has("/nonexistent/o: No such file");
}

static void gateway_export_dir(void **state)
{
	const char *json = policy("\"aes128gcm16-prfsha256-ecp256\"",
				  "\"aes128gcm16\"", GW1 "," GW2, "");
	EVP_PKEY *k;
	X509 *gw;

	assert_int_equal(enrolled_load(&conf, &enr, dir, NULL, true), -EINVAL);
	err_has("no GROUP-policy.json");
	put("eng-policy.json", json, strlen(json));
	put("ops-policy.json", json, strlen(json));
	new_ca("gw2", "eng.crt", &gw, &k);
	X509_free(gw);
	EVP_PKEY_free(k);
	assert_int_equal(enrolled_load(&conf, &enr, dir, NULL, true), -EINVAL);
	err_has("ops.crt: cannot read the gateway certificate's CN");
	new_ca("gw2", "ops.crt", &gw, &k);
	assert_int_equal(enrolled_load(&conf, &enr, dir, NULL, true), 0);
	assert_true(enr.gateway);
	assert_int_equal(conf.n, 2);	/* sorted: eng, then ops */
	assert_string_equal(conf.p[0].ike.name, "eng");
	assert_string_equal(conf.p[1].ike.name, "ops");
	assert_memory_equal(conf.p[1].local.ip.bytes, "\xc6\x12\x02\x01", 4);
	X509_free(gw);
	EVP_PKEY_free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tunnels_in_priority_order),
		cmocka_unit_test(proposals_flattened),
		cmocka_unit_test(unsupported_algorithms_left_out),
		cmocka_unit_test(nothing_usable_refused),
		cmocka_unit_test(bad_members_named),
		cmocka_unit_test(names_and_marks_bounded),
		cmocka_unit_test(options_errors_have_lines),
		cmocka_unit_test(local_address_family),
		cmocka_unit_test(gateway_group),
		cmocka_unit_test_setup_teardown(signed_state, mkdir_setup,
						rmdir_teardown),
		cmocka_unit_test_setup_teardown(gateway_export_dir,
						mkdir_setup, rmdir_teardown),
	};

	log_set_level(LOG_LEVEL_NONE);
	return cmocka_run_group_tests_name("enrolled", tests, NULL, NULL);
}
