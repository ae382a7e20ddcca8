// SPDX-License-Identifier: GPL-2.0
/*
 * vpnfoctl client [show]: a gateway's client table, as its reflector keeps
 * it (the clients whose probes arrived through an SA within the timeout,
 * each active or standby here), with the table's counters.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/netlink.h>

#include "commands.h"
#include "exec.h"
#include "vnl.h"
#include "lib/log.h"
#include "output.h"

static const char client_usage_text[] =
	"usage: vpnfoctl [--json] client [show]\n";

static const char *client_state_name(uint8_t state)
{
	switch (state) {
	case VPNFO_CLIENT_ACTIVE:	return "active";
	case VPNFO_CLIENT_STANDBY:	return "standby";
	}
	return "unknown";
}

static int client_addr_cmp(const struct vpnfo_addr *a,
			   const struct vpnfo_addr *b)
{
	if (addr_len(a) != addr_len(b))
		return addr_len(a) < addr_len(b) ? -1 : 1;
	return memcmp(a->bytes, b->bytes, addr_len(a));
}

/* By outer address, SPI, inner address: stable across runs. */
static int client_cmp(const void *pa, const void *pb)
{
	const struct client_info *a = pa, *b = pb;
	int d = client_addr_cmp(&a->outer, &b->outer);

	if (d)
		return d;
	if (a->spi != b->spi)
		return a->spi < b->spi ? -1 : 1;
	return client_addr_cmp(&a->inner, &b->inner);
}

static void client_fmt(const struct vpnfo_addr *a, char *buf, size_t size)
{
	if (addr_format(a, buf, size))
		snprintf(buf, size, "?");
}

/* The counters the reflector keeps about its table. */
static const struct {
	int attr;
	const char *name;
} client_stats[] = {
	{ VPNFO_STATS_A_CLIENTS,		"clients" },
	{ VPNFO_STATS_A_CLIENTS_ADDED,		"added" },
	{ VPNFO_STATS_A_CLIENTS_GONE,		"gone" },
	{ VPNFO_STATS_A_CLIENTS_REFUSED,	"refused" },
	{ VPNFO_STATS_A_CLIENT_EVENTS,		"events" },
	{ VPNFO_STATS_A_CLIENT_EVENTS_COALESCED, "coalesced" },
};

#define NSTATS (sizeof(client_stats) / sizeof(client_stats[0]))

static void clients_json(const struct reflector_info *r,
			 const struct client_list *l)
{
	char outer[ADDR_STRLEN], inner[ADDR_STRLEN];
	struct json j;
	unsigned int i;

	json_init(&j, stdout);
	json_obj_begin(&j, NULL);
	json_bool(&j, "reflector", r->enabled);
	json_u64(&j, "client_timeout_ms", r->client_timeout_ms);
	json_obj_begin(&j, "stats");
	for (i = 0; i < NSTATS; i++)
		json_u64(&j, client_stats[i].name, r->stats[client_stats[i].attr]);
	json_obj_end(&j);
	json_arr_begin(&j, "clients");
	for (i = 0; i < l->n; i++) {
		const struct client_info *c = &l->v[i];
		char spi[16];

		client_fmt(&c->outer, outer, sizeof(outer));
		client_fmt(&c->inner, inner, sizeof(inner));
		snprintf(spi, sizeof(spi), "0x%08" PRIx32, c->spi);
		json_obj_begin(&j, NULL);
		json_str(&j, "outer", outer);
		json_str(&j, "spi", spi);
		json_str(&j, "inner", inner);
		json_str(&j, "state", client_state_name(c->state));
		json_u64(&j, "age_ms", c->age_ms);
		json_u64(&j, "probes", c->probes);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	putchar('\n');
}

static void clients_print(const struct reflector_info *r,
			  const struct client_list *l)
{
	char outer[ADDR_STRLEN], inner[ADDR_STRLEN];
	unsigned int i;

	printf("reflector %s  client-timeout %" PRIu32 "ms",
	       r->enabled ? "on" : "off", r->client_timeout_ms);
	for (i = 0; i < NSTATS; i++)
		printf("  %s %" PRIu64, client_stats[i].name,
		       r->stats[client_stats[i].attr]);
	putchar('\n');
	if (!l->n)
		return;
	printf("%-40s %-10s %-40s %-8s %8s %10s\n", "OUTER", "SPI", "INNER",
	       "STATE", "AGE", "PROBES");
	for (i = 0; i < l->n; i++) {
		const struct client_info *c = &l->v[i];

		client_fmt(&c->outer, outer, sizeof(outer));
		client_fmt(&c->inner, inner, sizeof(inner));
		printf("%-40s 0x%08" PRIx32 " %-40s %-8s %6" PRIu32 "ms %10"
		       PRIu64 "\n", outer, c->spi, inner,
		       client_state_name(c->state), c->age_ms, c->probes);
	}
}

static int client_reflector_collect(struct nl_msg *msg, void *arg)
{
	return vnl_reflector_parse(msg, arg);
}

static int client_show(int argc, char **argv)
{
	struct client_list list = { 0 };
	struct reflector_info r;
	int ret;

	if (argc > 0) {
		log_error("unknown argument '%s'", argv[0]);
		return 2;
	}
	memset(&r, 0, sizeof(r));
	/* The dump first: an unprivileged caller is refused by the dump. */
	ret = request_exec(VPNFO_CMD_CLIENT_GET, NLM_F_DUMP, NULL, 0, NULL,
			   vnl_client_collect, &list, "client show");
	if (ret)
		goto cleanup;
	ret = request_exec(VPNFO_CMD_REFLECTOR_GET, 0, NULL, 0, NULL,
			   client_reflector_collect, &r, "client show");
	if (ret)
		goto cleanup;
	if (list.n)
		qsort(list.v, list.n, sizeof(*list.v), client_cmp);
	if (output_json)
		clients_json(&r, &list);
	else
		clients_print(&r, &list);
cleanup:
	free(list.v);
	return ret;
}

int cmd_client(int argc, char **argv)
{
	static const struct verb_table table = {
		.object = "client",
		.default_verb = "show",
		.verbs = NULL,
		.nverbs = 0,
		.show = client_show,
		.usage = client_usage_text,
	};

	return verb_table_run(&table, argc, argv);
}
