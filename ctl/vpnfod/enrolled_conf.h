/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VPNFOD_ENROLLED_H
#define VPNFOD_ENROLLED_H

/*
 * vpnfod's configuration from what the PKI wrote, instead of vpnfod.conf:
 *
 *   client   the enrollment state directory (pki/lib/enroll_client.h): one [tunnel]
 *            per gateway of the signed policy, in priority order, with
 *            the stored key, certificate and group CA;
 *   gateway  a `vpnfo-pki gateway export` directory: one [group] per
 *            group the gateway serves (per address of the gateway).
 *
 * Both fill the struct vpnfod_conf that config.c fills from vpnfod.conf;
 * what only the module needs (priorities, probe settings) is kept here.
 * An optional options file (vpnfod -c FILE) adds what no PKI file says:
 * the client's inner addresses, the gateways' probe addresses, the module
 * tunnel's name and mark mask. See Documentation/vpnfod.md.
 */
#include <stdbool.h>
#include <stdint.h>

#include "config.h"

#define ENROLLED_MARK_MASK	0xff00u		/* the module's lab layout */
#define ENROLLED_GW_REQID	0x8000u		/* gateway sections from here */

struct enrolled_probe {
	char gw[64];			/* gateway name in the policy */
	struct vpnfo_addr addr;		/* its inner probe address */
	bool used;
};

/* The options file. */
struct enrolled_opts {
	bool module;			/* register with vpnfo.ko */
	char tunnel[32];		/* module tunnel name; "" = the group */
	uint32_t mark_mask;
	struct ike_ts_pl ts_local;	/* client: our inner prefixes */
	struct ike_ts_pl ts_remote;	/* gateway: the clients' prefixes */
	struct vpnfo_addr local;		/* client: outer source, 0 = route */
	unsigned int dpd_ms;
	unsigned int nprobe;
	struct enrolled_probe probe[VPNFOD_PEERS_MAX];
};

struct enrolled {
	bool gateway;
	char group[64];
	struct enrolled_opts o;
	/* From the policy, for the module. */
	uint32_t probe_interval_ms, probe_failures, failback_ms;
	/* Per section of the vpnfod_conf, same index. */
	uint32_t prio[VPNFOD_PEERS_MAX];
	struct vpnfo_addr probe[VPNFOD_PEERS_MAX];	/* family 0: none */
};

/* vpnfod's entry: init, the options file (may be NULL), then the client
 * state or the gateway export in @dir. */
int enrolled_load(struct vpnfod_conf *c, struct enrolled *e, const char *dir,
		  const char *opts, bool gateway);
/* Defaults: module on, mark mask ENROLLED_MARK_MASK. */
void enrolled_init(struct enrolled *e);
/* The options file; errors "file:line: reason" in c->err. */
int enrolled_opts_load(struct enrolled *e, struct vpnfod_conf *c,
		       const char *path);
int enrolled_opts_parse(struct enrolled *e, struct vpnfod_conf *c,
			const char *name, const char *text);

/*
 * Client: checks policy.cms against ca.pem, requires policy.json to be
 * exactly its signed content, then builds one [tunnel] per gateway.
 */
int enrolled_client(struct vpnfod_conf *c, struct enrolled *e,
		    const char *dir);
/* The same from a served policy's JSON text, no signature (tests). */
int enrolled_client_policy(struct vpnfod_conf *c, struct enrolled *e,
			   const char *dir, const char *name,
			   const char *json);
/* Gateway: every GROUP-policy.json of a gateway export. */
int enrolled_gateway(struct vpnfod_conf *c, struct enrolled *e,
		     const char *dir);
/* One group of it, from the policy's JSON text and the gateway's name. */
int enrolled_gateway_group(struct vpnfod_conf *c, struct enrolled *e,
			   const char *dir, const char *group,
			   const char *gw_name, const char *json);

#endif
