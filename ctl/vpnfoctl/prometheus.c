// SPDX-License-Identifier: GPL-2.0
/*
 * Prometheus text exposition (format 0.0.4) of the tunnels and peers.
 * One table lists the families; each is printed whole (HELP, TYPE, then
 * its samples for every tunnel or peer) before the next, as the format
 * requires. Only what the module reports is exported: it counts switches
 * but not by reason, so there is no reason label.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "output.h"
#include "prometheus.h"

/* How a family's value comes out of the decoded records. */
enum prom_value {
	PV_STAT,		/* stats[stat], an integer */
	PV_STAT_NS,		/* stats[stat] in ns, as seconds */
	PV_RTT,			/* rtt_last_ns as seconds; absent before a reply */
	PV_LAT_SUMMARY,		/* switch latency: _sum (s) and _count */
	PV_TUNNEL_PEERS,
	PV_TUNNEL_UP,		/* 1 with an active peer, 0 while failing closed */
	PV_TUNNEL_PINNED,
	PV_TUNNEL_HOLD,		/* failback hold, seconds */
	PV_PEER_STATE,		/* one sample per state, 1 for the current one */
	PV_PEER_ACTIVE,
	PV_PEER_PRIORITY,
	PV_PEER_INTERVAL,	/* probe interval, seconds */
};

struct prom_family {
	const char *name;
	const char *type;
	const char *help;
	bool per_peer;		/* labels tunnel and peer; else tunnel only */
	enum prom_value value;
	int stat;		/* VPNFO_STATS_A_*, for the PV_STAT* kinds */
};

static const struct prom_family families[] = {
	{ "vpnfo_tunnel_peers", "gauge",
	  "Peers configured in the tunnel.",
	  false, PV_TUNNEL_PEERS, 0 },
	{ "vpnfo_tunnel_up", "gauge",
	  "1 while the tunnel has an active peer, 0 while it drops its protected traffic (fail closed).",
	  false, PV_TUNNEL_UP, 0 },
	{ "vpnfo_tunnel_pinned", "gauge",
	  "1 while the active peer is pinned with vpnfoctl switch.",
	  false, PV_TUNNEL_PINNED, 0 },
	{ "vpnfo_tunnel_failback_hold_seconds", "gauge",
	  "How long a better peer must stay up before traffic moves back to it.",
	  false, PV_TUNNEL_HOLD, 0 },
	{ "vpnfo_tunnel_steered_packets_total", "counter",
	  "Packets steered to a peer of the tunnel.",
	  false, PV_STAT, VPNFO_STATS_A_TX_PACKETS },
	{ "vpnfo_tunnel_dropped_packets_total", "counter",
	  "Protected packets dropped because no peer was up (fail closed).",
	  false, PV_STAT, VPNFO_STATS_A_DROP_PACKETS },
	{ "vpnfo_tunnel_switches_total", "counter",
	  "Changes of the active peer, for every reason.",
	  false, PV_STAT, VPNFO_STATS_A_SWITCHES },
	{ "vpnfo_tunnel_switch_latency_seconds", "summary",
	  "Time from the decision to switch to the new peer in use by the data path.",
	  false, PV_LAT_SUMMARY, 0 },
	{ "vpnfo_tunnel_switch_latency_last_seconds", "gauge",
	  "Switch latency of the last switch.",
	  false, PV_STAT_NS, VPNFO_STATS_A_SWITCH_LAT_LAST_NS },
	{ "vpnfo_tunnel_switch_latency_max_seconds", "gauge",
	  "Largest switch latency seen.",
	  false, PV_STAT_NS, VPNFO_STATS_A_SWITCH_LAT_MAX_NS },
	{ "vpnfo_tunnel_switch_first_packet_seconds", "gauge",
	  "Time from the last switch decision to the first packet steered to the new peer.",
	  false, PV_STAT_NS, VPNFO_STATS_A_SWITCH_FIRST_PKT_NS },
	{ "vpnfo_tunnel_probe_cpu_seconds_total", "counter",
	  "CPU time spent sending the tunnel's probes and handling their replies.",
	  false, PV_STAT_NS, VPNFO_STATS_A_PROBE_CPU_NS },
	{ "vpnfo_peer_state", "gauge",
	  "1 for the peer's current state (probing, up or down), 0 for the others.",
	  true, PV_PEER_STATE, 0 },
	{ "vpnfo_peer_active", "gauge",
	  "1 for the tunnel's active peer, 0 for the others.",
	  true, PV_PEER_ACTIVE, 0 },
	{ "vpnfo_peer_priority", "gauge",
	  "The peer's priority; lower is preferred.",
	  true, PV_PEER_PRIORITY, 0 },
	{ "vpnfo_peer_probe_interval_seconds", "gauge",
	  "Interval between two probes of the peer.",
	  true, PV_PEER_INTERVAL, 0 },
	{ "vpnfo_peer_probes_sent_total", "counter",
	  "Probes sent to the peer.",
	  true, PV_STAT, VPNFO_STATS_A_PROBES_TX },
	{ "vpnfo_peer_probes_received_total", "counter",
	  "Good probe replies from the peer.",
	  true, PV_STAT, VPNFO_STATS_A_PROBES_RX },
	{ "vpnfo_peer_probes_bad_total", "counter",
	  "Probe replies refused: not through the peer's SA, bad MAC, stale or replayed.",
	  true, PV_STAT, VPNFO_STATS_A_PROBES_BAD },
	{ "vpnfo_peer_probes_lost_total", "counter",
	  "Probe intervals that ended without a good reply.",
	  true, PV_STAT, VPNFO_STATS_A_PROBES_LOST },
	{ "vpnfo_peer_rtt_seconds", "gauge",
	  "Round-trip time of the last good probe reply (absent before the first).",
	  true, PV_RTT, VPNFO_STATS_A_RTT_LAST_NS },
	{ "vpnfo_peer_up_events_total", "counter",
	  "Times the peer came up.",
	  true, PV_STAT, VPNFO_STATS_A_UP_EVENTS },
	{ "vpnfo_peer_down_events_total", "counter",
	  "Times the peer went down.",
	  true, PV_STAT, VPNFO_STATS_A_DOWN_EVENTS },
	{ "vpnfo_peer_steered_packets_total", "counter",
	  "Packets steered to the peer.",
	  true, PV_STAT, VPNFO_STATS_A_TX_PACKETS },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void prom_label_escape(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', f);
	while (*s) {
		switch (*s) {
		case '\\': fputs("\\\\", f); s++; continue;
		case '"':  fputs("\\\"", f); s++; continue;
		case '\n': fputs("\\n", f); s++; continue;
		}
		utf8_put(f, &s, "\xef\xbf\xbd");	/* U+FFFD */
	}
	fputc('"', f);
}

/* @v / 10^@digits, exact, without trailing zeros: 12345 ns -> 0.000012345. */
static void fixed_print(FILE *f, uint64_t v, unsigned int digits)
{
	uint64_t scale = 1, frac;
	unsigned int i;

	for (i = 0; i < digits; i++)
		scale *= 10;
	frac = v % scale;
	fprintf(f, "%" PRIu64, v / scale);
	if (!frac)
		return;
	while (frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	fprintf(f, ".%0*" PRIu64, (int)digits, frac);
}

/* The start of a sample: name, suffix and labels, up to the value. */
static void sample_begin(FILE *f, const struct prom_family *fam,
			 const char *suffix, const struct tunnel_info *t,
			 const struct peer_info *p, const char *state)
{
	fprintf(f, "%s%s{tunnel=", fam->name, suffix);
	prom_label_escape(f, t->name);
	if (p) {
		fputs(",peer=", f);
		prom_label_escape(f, p->name);
	}
	if (state)
		fprintf(f, ",state=\"%s\"", state);
	fputs("} ", f);
}

static void sample_u64(FILE *f, const struct prom_family *fam,
		       const struct tunnel_info *t, const struct peer_info *p,
		       uint64_t v)
{
	sample_begin(f, fam, "", t, p, NULL);
	fprintf(f, "%" PRIu64 "\n", v);
}

static void sample_fixed(FILE *f, const struct prom_family *fam,
			 const char *suffix, const struct tunnel_info *t,
			 const struct peer_info *p, uint64_t v,
			 unsigned int digits)
{
	sample_begin(f, fam, suffix, t, p, NULL);
	fixed_print(f, v, digits);
	fputc('\n', f);
}

static void peer_state_samples(FILE *f, const struct prom_family *fam,
			       const struct tunnel_info *t,
			       const struct peer_info *p)
{
	static const uint8_t states[] = {
		VPNFO_STATE_PROBING, VPNFO_STATE_UP, VPNFO_STATE_DOWN,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(states); i++) {
		sample_begin(f, fam, "", t, p, state_name(states[i]));
		fprintf(f, "%d\n", p->state == states[i]);
	}
}

/* The samples of @fam for tunnel @t, or for its peer @p. */
static void family_samples(FILE *f, const struct prom_family *fam,
			   const struct tunnel_info *t,
			   const struct peer_info *p)
{
	const uint64_t *s = p ? p->stats : t->stats;

	switch (fam->value) {
	case PV_STAT:
		sample_u64(f, fam, t, p, s[fam->stat]);
		break;
	case PV_STAT_NS:
		sample_fixed(f, fam, "", t, p, s[fam->stat], 9);
		break;
	case PV_RTT:
		if (s[fam->stat])
			sample_fixed(f, fam, "", t, p, s[fam->stat], 9);
		break;
	case PV_LAT_SUMMARY:
		sample_fixed(f, fam, "_sum", t, p,
			     s[VPNFO_STATS_A_SWITCH_LAT_SUM_NS], 9);
		sample_fixed(f, fam, "_count", t, p,
			     s[VPNFO_STATS_A_SWITCH_LAT_COUNT], 0);
		break;
	case PV_TUNNEL_PEERS:
		sample_u64(f, fam, t, p, t->peer_count);
		break;
	case PV_TUNNEL_UP:
		sample_u64(f, fam, t, p, t->has_active);
		break;
	case PV_TUNNEL_PINNED:
		sample_u64(f, fam, t, p, t->pinned);
		break;
	case PV_TUNNEL_HOLD:
		sample_fixed(f, fam, "", t, p, t->hold_ms, 3);
		break;
	case PV_PEER_STATE:
		peer_state_samples(f, fam, t, p);
		break;
	case PV_PEER_ACTIVE:
		sample_u64(f, fam, t, p,
			   t->has_active && !strcmp(t->active, p->name));
		break;
	case PV_PEER_PRIORITY:
		sample_u64(f, fam, t, p, p->priority);
		break;
	case PV_PEER_INTERVAL:
		sample_fixed(f, fam, "", t, p, p->interval_us, 6);
		break;
	}
}

void prometheus_print(FILE *f, const struct tunnel_list *l,
		      const struct peer_list *peers)
{
	size_t i;
	unsigned int k, n;

	for (i = 0; i < ARRAY_SIZE(families); i++) {
		const struct prom_family *fam = &families[i];

		fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", fam->name,
			fam->help, fam->name, fam->type);
		for (k = 0; k < l->n; k++) {
			if (!fam->per_peer) {
				family_samples(f, fam, &l->v[k], NULL);
				continue;
			}
			for (n = 0; n < peers[k].n; n++)
				family_samples(f, fam, &l->v[k], &peers[k].v[n]);
		}
	}
}

int prometheus_file_write(const char *path, const struct tunnel_list *l,
			  const struct peer_list *peers)
{
	char *tmp;
	FILE *f;
	int fd, ret = 0;

	if (asprintf(&tmp, "%s.tmp", path) < 0)
		return -ENOMEM;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		ret = -errno;
		goto cleanup;
	}
	f = fdopen(fd, "w");
	if (!f) {
		ret = -errno;
		close(fd);
		unlink(tmp);
		goto cleanup;
	}
	/* Readable by the collector, whatever the caller's umask. */
	if (fchmod(fd, 0644))
		ret = -errno;
	if (!ret)
		prometheus_print(f, l, peers);
	if (!ret && (fflush(f) || fsync(fd)))
		ret = -errno;
	if (fclose(f) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
cleanup:
	free(tmp);
	return ret;
}
