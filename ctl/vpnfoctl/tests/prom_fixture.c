// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "prom_fixture.h"

struct stat_value {
	int attr;
	uint64_t v;
};

/* The non-zero counters of a record; @sv ends with attr 0. */
static void stats_fill(uint64_t *stats, const struct stat_value *sv)
{
	for (; sv->attr; sv++)
		stats[sv->attr] = sv->v;
}

static void peer_fill(struct peer_info *p, const char *tunnel,
		      const char *name, uint32_t prio, uint8_t state,
		      const struct stat_value *sv)
{
	memset(p, 0, sizeof(*p));
	strcpy(p->tunnel, tunnel);
	strcpy(p->name, name);
	p->priority = prio;
	p->state = state;
	p->interval_us = 10000;
	p->threshold = 3;
	p->rise = 3;
	stats_fill(p->stats, sv);
}

void prom_fixture_fill(struct prom_fixture *s)
{
	static const struct stat_value t1_stats[] = {
		{ VPNFO_STATS_A_TX_PACKETS, 600 },
		{ VPNFO_STATS_A_DROP_PACKETS, 2 },
		{ VPNFO_STATS_A_SWITCHES, 3 },
		{ VPNFO_STATS_A_SWITCH_LAT_LAST_NS, 12345 },
		{ VPNFO_STATS_A_SWITCH_LAT_MAX_NS, 40000 },
		{ VPNFO_STATS_A_SWITCH_LAT_SUM_NS, 60000 },
		{ VPNFO_STATS_A_SWITCH_LAT_COUNT, 3 },
		{ VPNFO_STATS_A_PROBE_CPU_NS, 1500000000 },
		{ VPNFO_STATS_A_SWITCH_FIRST_PKT_NS, 700000 },
		{ 0, 0 },
	}, t2_stats[] = {
		{ VPNFO_STATS_A_DROP_PACKETS, 7 },
		{ 0, 0 },
	}, gw1_stats[] = {
		{ VPNFO_STATS_A_PROBES_TX, 100 },
		{ VPNFO_STATS_A_PROBES_RX, 98 },
		{ VPNFO_STATS_A_PROBES_BAD, 1 },
		{ VPNFO_STATS_A_PROBES_LOST, 2 },
		{ VPNFO_STATS_A_RTT_LAST_NS, 410000 },
		{ VPNFO_STATS_A_UP_EVENTS, 2 },
		{ VPNFO_STATS_A_DOWN_EVENTS, 1 },
		{ VPNFO_STATS_A_TX_PACKETS, 500 },
		{ 0, 0 },
	}, gw2_stats[] = {
		{ VPNFO_STATS_A_PROBES_TX, 100 },
		{ VPNFO_STATS_A_PROBES_LOST, 100 },
		{ VPNFO_STATS_A_DOWN_EVENTS, 1 },
		{ VPNFO_STATS_A_TX_PACKETS, 100 },
		{ 0, 0 },
	}, gw3_stats[] = {
		{ VPNFO_STATS_A_PROBES_TX, 3 },
		{ 0, 0 },
	};
	struct tunnel_info *t1 = &s->t[0], *t2 = &s->t[1];

	memset(s, 0, sizeof(*s));
	strcpy(t1->name, "t1");
	t1->id = 1;
	t1->hold_ms = 1000;
	t1->peer_count = 2;
	t1->has_active = true;
	strcpy(t1->active, "gw1");
	stats_fill(t1->stats, t1_stats);
	strcpy(t2->name, "t2");
	t2->id = 2;
	t2->hold_ms = 2500;
	t2->peer_count = 1;
	stats_fill(t2->stats, t2_stats);

	peer_fill(&s->p[0], "t1", "gw1", 10, VPNFO_STATE_UP, gw1_stats);
	peer_fill(&s->p[1], "t1", "gw2", 20, VPNFO_STATE_DOWN, gw2_stats);
	peer_fill(&s->p[2], "t2", "gw3", 5, VPNFO_STATE_PROBING, gw3_stats);
	s->p[2].interval_us = 1500;

	s->tunnels = (struct tunnel_list){ s->t, 2 };
	s->peers[0] = (struct peer_list){ &s->p[0], 2 };
	s->peers[1] = (struct peer_list){ &s->p[2], 1 };
}
