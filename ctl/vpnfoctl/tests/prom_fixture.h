/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A decoded `show` state for the metrics tests: tunnel t1 with gw1 (up,
 * active) and gw2 (down), tunnel t2 with gw3 (probing, no reply yet, no
 * active peer: failing closed).
 */
#ifndef VPNFOCTL_TEST_PROM_FIXTURE_H
#define VPNFOCTL_TEST_PROM_FIXTURE_H

#include "vnl.h"

struct prom_fixture {
	struct tunnel_info t[2];
	struct peer_info p[3];
	struct tunnel_list tunnels;
	struct peer_list peers[2];
};

void prom_fixture_fill(struct prom_fixture *s);

#endif
