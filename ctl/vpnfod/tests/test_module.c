// SPDX-License-Identifier: GPL-2.0
/*
 * What vpnfod tells vpnfo.ko about its enrolled gateways
 * (ctl/vpnfod/module.c), and that it runs on without the module.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "lib/log.h"
#include "module.h"

static struct vpnfod_conf conf;
static struct enrolled enr;
static struct module_plan plan;
static char why[256];

static int client(const char *opts, const char *selectors, const char *group)
{
	char json[2048];
	int err;

	snprintf(json, sizeof(json),
		 "{\"version\":1,\"cert_days\":365,\"key_types\":[\"ec-p256\"],"
		 "\"ike_proposals\":[\"aes128gcm16-prfsha256-ecp256\"],"
		 "\"esp_proposals\":[\"aes128gcm16\"],"
		 "\"ike_lifetime\":14400,\"child_lifetime\":3600,"
		 "\"probe_interval_ms\":50,\"probe_failures\":20,"
		 "\"failback_interval_ms\":2000,\"selectors\":[%s],"
		 "\"group\":\"%s\",\"gateways\":["
		 "{\"name\":\"gw2\",\"priority\":20,\"addresses\":[\"198.18.2.1\"]},"
		 "{\"name\":\"gw1\",\"priority\":10,\"addresses\":[\"198.18.1.1\"]}"
		 "]}", selectors, group);
	enrolled_init(&enr);
	memset(&conf, 0, sizeof(conf));
	err = enrolled_opts_parse(&enr, &conf, "o", opts);
	if (!err)
		err = enrolled_client_policy(&conf, &enr, "/st", "p", json);
	assert_int_equal(err, 0);
	return vpnfod_module_plan(&conf, &enr, &plan, why, sizeof(why));
}

#define OPTS "local 198.18.9.2\nlocal-ts 192.0.2.100/32 2001:db8:c::100/128\n"
#define PROBES "probe gw1 203.0.113.1\nprobe gw2 203.0.113.2\n"

static void tunnel_and_peers(void **state)
{
	const struct vnl_peer *p;

	assert_int_equal(client(OPTS PROBES, "\"203.0.113.0/24\","
				"\"2001:db8:100::/64\",\"198.51.100.0/24\"",
				"eng"), 0);
	assert_string_equal(plan.t.name, "eng");
	assert_int_equal(plan.t.mark_mask, 0xff00);
	assert_true(plan.t.has_hold);
	assert_int_equal(plan.t.hold_ms, 2000);
	/* local x remote of one family: 2 v4 pairs, 1 v6 pair */
	assert_int_equal(plan.t.nsel, 3);
	assert_int_equal(plan.t.sel_src[0].plen, 32);
	assert_int_equal(plan.t.sel_dst[0].plen, 24);
	assert_memory_equal(plan.t.sel_dst[0].addr.bytes, "\xcb\x00\x71\x00", 4);
	assert_int_equal(plan.t.sel_src[2].addr.family, AF_INET6);
	assert_int_equal(plan.t.sel_dst[2].plen, 64);
	assert_int_equal(plan.npeers, 2);
	p = &plan.p[0];
	assert_string_equal(p->tunnel, "eng");
	assert_string_equal(p->name, "gw1");
	assert_int_equal(p->priority, 10);
	assert_int_equal(p->mark, 0x100);
	assert_memory_equal(p->remote.bytes, "\xc6\x12\x01\x01", 4);
	assert_memory_equal(p->probe.bytes, "\xcb\x00\x71\x01", 4);
	assert_int_equal(p->src.family, AF_INET);
	assert_memory_equal(p->src.bytes, "\xc0\x00\x02\x64", 4);
	assert_int_equal(p->interval_us, 50000);
	assert_int_equal(p->threshold, 20);
	assert_int_equal(p->rise, 0);	/* the module's default */
	p = &plan.p[1];
	assert_string_equal(p->name, "gw2");
	assert_int_equal(p->priority, 20);
	assert_int_equal(p->mark, 0x200);
	assert_memory_equal(p->probe.bytes, "\xcb\x00\x71\x02", 4);
}

static void probe_address_needed(void **state)
{
	assert_int_equal(client(OPTS "probe gw1 203.0.113.1\n",
				"\"203.0.113.0/24\"", "eng"), -EINVAL);
	assert_non_null(strstr(why, "gateway 'gw2': no probe address"));
	/* a gateway address inside the selectors is its own probe target */
	assert_int_equal(client(OPTS, "\"0.0.0.0/0\"", "eng"), 0);
	assert_memory_equal(plan.p[1].probe.bytes, "\xc6\x12\x02\x01", 4);
}

static void tunnel_name(void **state)
{
	assert_int_equal(client(OPTS PROBES, "\"203.0.113.0/24\"",
				"engineering-berlin"), -EINVAL);
	assert_non_null(strstr(why, "set `tunnel NAME`"));
	assert_int_equal(client(OPTS PROBES "tunnel t1\n", "\"203.0.113.0/24\"",
				"engineering-berlin"), 0);
	assert_string_equal(plan.t.name, "t1");
	assert_string_equal(plan.p[1].tunnel, "t1");
}

static void no_common_family(void **state)
{
	assert_int_equal(client("local 198.18.9.2\nlocal-ts 2001:db8:c::1/128\n"
				PROBES, "\"203.0.113.0/24\"", "eng"), -EINVAL);
	assert_non_null(strstr(why, "no local-ts and selector of one address"));
}

/* The build machine has no vpnfo.ko: start says so and succeeds; with
 * `module no` it does not even look. */
static void runs_without_module(void **state)
{
	struct vpnfod_module m;

	assert_int_equal(client(OPTS PROBES, "\"203.0.113.0/24\"", "eng"), 0);
	if (!vpnfod_module_start(&m, &conf, &enr) && m.open) {
		vpnfod_module_stop(&m);
		skip();		/* a machine with the module loaded */
	}
	assert_false(m.open);
	vpnfod_module_stop(&m);
	enr.o.module = false;
	assert_int_equal(vpnfod_module_start(&m, &conf, &enr), 0);
	assert_false(m.open);
	/* a bad plan is an error even before the module is looked for */
	enr.o.module = true;
	enr.probe[0].family = 0;
	enr.probe[1].family = 0;
	assert_int_equal(vpnfod_module_start(&m, &conf, &enr), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tunnel_and_peers),
		cmocka_unit_test(probe_address_needed),
		cmocka_unit_test(tunnel_name),
		cmocka_unit_test(no_common_family),
		cmocka_unit_test(runs_without_module),
	};

	log_set_level(LOG_LEVEL_NONE);
	return cmocka_run_group_tests_name("vpnfod_module", tests, NULL, NULL);
}
