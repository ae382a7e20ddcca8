/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VPNFOD_MODULE_H
#define VPNFOD_MODULE_H

/*
 * vpnfod and vpnfo.ko: on a client, one module tunnel for the enrolled
 * gateways (selectors from the traffic selectors, one peer per gateway
 * with its priority, mark and the policy's probe settings), removed at
 * exit; on a gateway, the probe reflector. Without the module vpnfod says
 * so once and runs on: the SAs work, only the switchover is missing.
 */
#include <stdbool.h>

#include "config.h"
#include "enrolled_conf.h"
#include "vnl.h"

/* What the module is told, built from the configuration. */
struct module_plan {
	char tunnel[VPNFO_NAME_MAX];
	struct vnl_tunnel t;		/* its name points into this plan */
	unsigned int npeers;
	struct vnl_peer p[VPNFOD_PEERS_MAX];
};

struct vpnfod_module {
	struct vnl_client gc;
	bool open;
	bool tunnel_made;
	bool reflector_ours;		/* we turned it on: off at exit */
	struct module_plan plan;
};

/* A client's plan; -EINVAL with the reason in c->err. */
int vpnfod_module_plan(const struct vpnfod_conf *c, const struct enrolled *e,
		       struct module_plan *mp, char *err, size_t errlen);
/* Registers (client) or enables the reflector (gateway). 0 also when the
 * module is absent or turned off; -errno when it refused. */
int vpnfod_module_start(struct vpnfod_module *m, const struct vpnfod_conf *c,
			const struct enrolled *e);
void vpnfod_module_stop(struct vpnfod_module *m);

#endif
