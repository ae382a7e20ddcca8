// SPDX-License-Identifier: GPL-2.0
/*
 * Prints the metrics of the test fixture, with odd names in a third
 * tunnel, for a real parser to read (test_prom_parse.py).
 */
#include <stdio.h>
#include <string.h>

#include "prom_fixture.h"
#include "prometheus.h"

int main(void)
{
	struct tunnel_info t[3];
	struct peer_list peers[3];
	struct prom_fixture s;
	struct peer_info odd;
	struct tunnel_list l = { t, 3 };

	prom_fixture_fill(&s);
	memcpy(t, s.t, sizeof(s.t));
	memcpy(peers, s.peers, sizeof(s.peers));
	t[2] = s.t[1];
	strcpy(t[2].name, "q\"b\\s\nn");
	odd = s.p[2];
	strcpy(odd.tunnel, t[2].name);
	strcpy(odd.name, "caf\xc3\xa9 {x=1}");
	peers[2] = (struct peer_list){ &odd, 1 };
	prometheus_print(stdout, &l, peers);
	return 0;
}
