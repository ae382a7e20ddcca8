// SPDX-License-Identifier: GPL-2.0
/*
 * vpnfoctl show --prometheus: the exact exposition of a two-tunnel,
 * three-peer state, label escaping, each family's HELP and TYPE once with
 * its samples together, and the atomic textfile write.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "prom_fixture.h"
#include "prometheus.h"

/* What prometheus_print() writes, as one string (the caller frees it). */
static char *metrics_of(const struct tunnel_list *l,
			const struct peer_list *peers)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	prometheus_print(f, l, peers);
	fclose(f);
	return buf;
}

static const char fixture_metrics[] =
	"# HELP vpnfo_tunnel_peers Peers configured in the tunnel.\n"
	"# TYPE vpnfo_tunnel_peers gauge\n"
	"vpnfo_tunnel_peers{tunnel=\"t1\"} 2\n"
	"vpnfo_tunnel_peers{tunnel=\"t2\"} 1\n"
	"# HELP vpnfo_tunnel_up 1 while the tunnel has an active peer, 0 while it drops its protected traffic (fail closed).\n"
	"# TYPE vpnfo_tunnel_up gauge\n"
	"vpnfo_tunnel_up{tunnel=\"t1\"} 1\n"
	"vpnfo_tunnel_up{tunnel=\"t2\"} 0\n"
	"# HELP vpnfo_tunnel_pinned 1 while the active peer is pinned with vpnfoctl switch.\n"
	"# TYPE vpnfo_tunnel_pinned gauge\n"
	"vpnfo_tunnel_pinned{tunnel=\"t1\"} 0\n"
	"vpnfo_tunnel_pinned{tunnel=\"t2\"} 0\n"
	"# HELP vpnfo_tunnel_failback_hold_seconds How long a better peer must stay up before traffic moves back to it.\n"
	"# TYPE vpnfo_tunnel_failback_hold_seconds gauge\n"
	"vpnfo_tunnel_failback_hold_seconds{tunnel=\"t1\"} 1\n"
	"vpnfo_tunnel_failback_hold_seconds{tunnel=\"t2\"} 2.5\n"
	"# HELP vpnfo_tunnel_steered_packets_total Packets steered to a peer of the tunnel.\n"
	"# TYPE vpnfo_tunnel_steered_packets_total counter\n"
	"vpnfo_tunnel_steered_packets_total{tunnel=\"t1\"} 600\n"
	"vpnfo_tunnel_steered_packets_total{tunnel=\"t2\"} 0\n"
	"# HELP vpnfo_tunnel_dropped_packets_total Protected packets dropped because no peer was up (fail closed).\n"
	"# TYPE vpnfo_tunnel_dropped_packets_total counter\n"
	"vpnfo_tunnel_dropped_packets_total{tunnel=\"t1\"} 2\n"
	"vpnfo_tunnel_dropped_packets_total{tunnel=\"t2\"} 7\n"
	"# HELP vpnfo_tunnel_switches_total Changes of the active peer, for every reason.\n"
	"# TYPE vpnfo_tunnel_switches_total counter\n"
	"vpnfo_tunnel_switches_total{tunnel=\"t1\"} 3\n"
	"vpnfo_tunnel_switches_total{tunnel=\"t2\"} 0\n"
	"# HELP vpnfo_tunnel_switch_latency_seconds Time from the decision to switch to the new peer in use by the data path.\n"
	"# TYPE vpnfo_tunnel_switch_latency_seconds summary\n"
	"vpnfo_tunnel_switch_latency_seconds_sum{tunnel=\"t1\"} 0.00006\n"
	"vpnfo_tunnel_switch_latency_seconds_count{tunnel=\"t1\"} 3\n"
	"vpnfo_tunnel_switch_latency_seconds_sum{tunnel=\"t2\"} 0\n"
	"vpnfo_tunnel_switch_latency_seconds_count{tunnel=\"t2\"} 0\n"
	"# HELP vpnfo_tunnel_switch_latency_last_seconds Switch latency of the last switch.\n"
	"# TYPE vpnfo_tunnel_switch_latency_last_seconds gauge\n"
	"vpnfo_tunnel_switch_latency_last_seconds{tunnel=\"t1\"} 0.000012345\n"
	"vpnfo_tunnel_switch_latency_last_seconds{tunnel=\"t2\"} 0\n"
	"# HELP vpnfo_tunnel_switch_latency_max_seconds Largest switch latency seen.\n"
	"# TYPE vpnfo_tunnel_switch_latency_max_seconds gauge\n"
	"vpnfo_tunnel_switch_latency_max_seconds{tunnel=\"t1\"} 0.00004\n"
	"vpnfo_tunnel_switch_latency_max_seconds{tunnel=\"t2\"} 0\n"
	"# HELP vpnfo_tunnel_switch_first_packet_seconds Time from the last switch decision to the first packet steered to the new peer.\n"
	"# TYPE vpnfo_tunnel_switch_first_packet_seconds gauge\n"
	"vpnfo_tunnel_switch_first_packet_seconds{tunnel=\"t1\"} 0.0007\n"
	"vpnfo_tunnel_switch_first_packet_seconds{tunnel=\"t2\"} 0\n"
	"# HELP vpnfo_tunnel_probe_cpu_seconds_total CPU time spent sending the tunnel's probes and handling their replies.\n"
	"# TYPE vpnfo_tunnel_probe_cpu_seconds_total counter\n"
	"vpnfo_tunnel_probe_cpu_seconds_total{tunnel=\"t1\"} 1.5\n"
	"vpnfo_tunnel_probe_cpu_seconds_total{tunnel=\"t2\"} 0\n"
	"# HELP vpnfo_peer_state 1 for the peer's current state (probing, up or down), 0 for the others.\n"
	"# TYPE vpnfo_peer_state gauge\n"
	"vpnfo_peer_state{tunnel=\"t1\",peer=\"gw1\",state=\"probing\"} 0\n"
	"vpnfo_peer_state{tunnel=\"t1\",peer=\"gw1\",state=\"up\"} 1\n"
	"vpnfo_peer_state{tunnel=\"t1\",peer=\"gw1\",state=\"down\"} 0\n"
	"vpnfo_peer_state{tunnel=\"t1\",peer=\"gw2\",state=\"probing\"} 0\n"
	"vpnfo_peer_state{tunnel=\"t1\",peer=\"gw2\",state=\"up\"} 0\n"
	"vpnfo_peer_state{tunnel=\"t1\",peer=\"gw2\",state=\"down\"} 1\n"
	"vpnfo_peer_state{tunnel=\"t2\",peer=\"gw3\",state=\"probing\"} 1\n"
	"vpnfo_peer_state{tunnel=\"t2\",peer=\"gw3\",state=\"up\"} 0\n"
	"vpnfo_peer_state{tunnel=\"t2\",peer=\"gw3\",state=\"down\"} 0\n"
	"# HELP vpnfo_peer_active 1 for the tunnel's active peer, 0 for the others.\n"
	"# TYPE vpnfo_peer_active gauge\n"
	"vpnfo_peer_active{tunnel=\"t1\",peer=\"gw1\"} 1\n"
	"vpnfo_peer_active{tunnel=\"t1\",peer=\"gw2\"} 0\n"
	"vpnfo_peer_active{tunnel=\"t2\",peer=\"gw3\"} 0\n"
	"# HELP vpnfo_peer_priority The peer's priority; lower is preferred.\n"
	"# TYPE vpnfo_peer_priority gauge\n"
	"vpnfo_peer_priority{tunnel=\"t1\",peer=\"gw1\"} 10\n"
	"vpnfo_peer_priority{tunnel=\"t1\",peer=\"gw2\"} 20\n"
	"vpnfo_peer_priority{tunnel=\"t2\",peer=\"gw3\"} 5\n"
	"# HELP vpnfo_peer_probe_interval_seconds Interval between two probes of the peer.\n"
	"# TYPE vpnfo_peer_probe_interval_seconds gauge\n"
	"vpnfo_peer_probe_interval_seconds{tunnel=\"t1\",peer=\"gw1\"} 0.01\n"
	"vpnfo_peer_probe_interval_seconds{tunnel=\"t1\",peer=\"gw2\"} 0.01\n"
	"vpnfo_peer_probe_interval_seconds{tunnel=\"t2\",peer=\"gw3\"} 0.0015\n"
	"# HELP vpnfo_peer_probes_sent_total Probes sent to the peer.\n"
	"# TYPE vpnfo_peer_probes_sent_total counter\n"
	"vpnfo_peer_probes_sent_total{tunnel=\"t1\",peer=\"gw1\"} 100\n"
	"vpnfo_peer_probes_sent_total{tunnel=\"t1\",peer=\"gw2\"} 100\n"
	"vpnfo_peer_probes_sent_total{tunnel=\"t2\",peer=\"gw3\"} 3\n"
	"# HELP vpnfo_peer_probes_received_total Good probe replies from the peer.\n"
	"# TYPE vpnfo_peer_probes_received_total counter\n"
	"vpnfo_peer_probes_received_total{tunnel=\"t1\",peer=\"gw1\"} 98\n"
	"vpnfo_peer_probes_received_total{tunnel=\"t1\",peer=\"gw2\"} 0\n"
	"vpnfo_peer_probes_received_total{tunnel=\"t2\",peer=\"gw3\"} 0\n"
	"# HELP vpnfo_peer_probes_bad_total Probe replies refused: not through the peer's SA, bad MAC, stale or replayed.\n"
	"# TYPE vpnfo_peer_probes_bad_total counter\n"
	"vpnfo_peer_probes_bad_total{tunnel=\"t1\",peer=\"gw1\"} 1\n"
	"vpnfo_peer_probes_bad_total{tunnel=\"t1\",peer=\"gw2\"} 0\n"
	"vpnfo_peer_probes_bad_total{tunnel=\"t2\",peer=\"gw3\"} 0\n"
	"# HELP vpnfo_peer_probes_lost_total Probe intervals that ended without a good reply.\n"
	"# TYPE vpnfo_peer_probes_lost_total counter\n"
	"vpnfo_peer_probes_lost_total{tunnel=\"t1\",peer=\"gw1\"} 2\n"
	"vpnfo_peer_probes_lost_total{tunnel=\"t1\",peer=\"gw2\"} 100\n"
	"vpnfo_peer_probes_lost_total{tunnel=\"t2\",peer=\"gw3\"} 0\n"
	"# HELP vpnfo_peer_rtt_seconds Round-trip time of the last good probe reply (absent before the first).\n"
	"# TYPE vpnfo_peer_rtt_seconds gauge\n"
	"vpnfo_peer_rtt_seconds{tunnel=\"t1\",peer=\"gw1\"} 0.00041\n"
	"# HELP vpnfo_peer_up_events_total Times the peer came up.\n"
	"# TYPE vpnfo_peer_up_events_total counter\n"
	"vpnfo_peer_up_events_total{tunnel=\"t1\",peer=\"gw1\"} 2\n"
	"vpnfo_peer_up_events_total{tunnel=\"t1\",peer=\"gw2\"} 0\n"
	"vpnfo_peer_up_events_total{tunnel=\"t2\",peer=\"gw3\"} 0\n"
	"# HELP vpnfo_peer_down_events_total Times the peer went down.\n"
	"# TYPE vpnfo_peer_down_events_total counter\n"
	"vpnfo_peer_down_events_total{tunnel=\"t1\",peer=\"gw1\"} 1\n"
	"vpnfo_peer_down_events_total{tunnel=\"t1\",peer=\"gw2\"} 1\n"
	"vpnfo_peer_down_events_total{tunnel=\"t2\",peer=\"gw3\"} 0\n"
	"# HELP vpnfo_peer_steered_packets_total Packets steered to the peer.\n"
	"# TYPE vpnfo_peer_steered_packets_total counter\n"
	"vpnfo_peer_steered_packets_total{tunnel=\"t1\",peer=\"gw1\"} 500\n"
	"vpnfo_peer_steered_packets_total{tunnel=\"t1\",peer=\"gw2\"} 100\n"
	"vpnfo_peer_steered_packets_total{tunnel=\"t2\",peer=\"gw3\"} 0\n"
	;

static void metrics_of_two_tunnels_and_three_peers(void **state)
{
	struct prom_fixture s;
	char *out;

	(void)state;
	prom_fixture_fill(&s);
	out = metrics_of(&s.tunnels, s.peers);
	assert_string_equal(out, fixture_metrics);
	free(out);
}

static void escape_is(const char *in, const char *want)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	prom_label_escape(f, in);
	fclose(f);
	assert_string_equal(buf, want);
	free(buf);
}

static void label_values_escape_backslash_quote_newline(void **state)
{
	(void)state;
	escape_is("gw1", "\"gw1\"");
	escape_is("", "\"\"");
	escape_is("a\\b", "\"a\\\\b\"");
	escape_is("a\"b", "\"a\\\"b\"");
	escape_is("a\nb", "\"a\\nb\"");
	/* Nothing else is escaped in 0.0.4: tabs, braces, commas as they are. */
	escape_is("t\tb{x=\"1\"},y", "\"t\tb{x=\\\"1\\\"},y\"");
	/* Label values are UTF-8: valid sequences pass, invalid bytes become
	 * U+FFFD, so that a parser never sees a broken line. */
	escape_is("caf\xc3\xa9", "\"caf\xc3\xa9\"");
	escape_is("a\xff" "b", "\"a\xef\xbf\xbd" "b\"");
	escape_is("\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\"");
}

static void odd_names_escaped_in_samples(void **state)
{
	struct prom_fixture s;
	char *out;

	(void)state;
	prom_fixture_fill(&s);
	strcpy(s.t[1].name, "q\"b\\s\nn");
	strcpy(s.p[2].name, "a\xff");
	out = metrics_of(&s.tunnels, s.peers);
	assert_non_null(strstr(out,
		"\nvpnfo_tunnel_dropped_packets_total{tunnel=\"q\\\"b\\\\s\\nn\"} 7\n"));
	assert_non_null(strstr(out,
		"\nvpnfo_peer_probes_sent_total{tunnel=\"q\\\"b\\\\s\\nn\","
		"peer=\"a\xef\xbf\xbd\"} 3\n"));
	/* Every line is a comment or a sample: no raw newline in a value. */
	assert_null(strstr(out, "\nn\""));
	free(out);
}

/* The family a sample line belongs to: its name less _sum or _count. */
static void sample_family(const char *line, char *fam, size_t size)
{
	size_t n = strcspn(line, "{ ");

	if (n >= size)
		n = size - 1;
	memcpy(fam, line, n);
	fam[n] = '\0';
	if (n > 4 && !strcmp(fam + n - 4, "_sum"))
		fam[n - 4] = '\0';
	else if (n > 6 && !strcmp(fam + n - 6, "_count"))
		fam[n - 6] = '\0';
}

/* @what is in @s, and only once. */
static bool once_in(const char *s, const char *what)
{
	const char *first = strstr(s, what);

	return first && !strstr(first + 1, what);
}

static void each_family_described_once_samples_together(void **state)
{
	struct prom_fixture s;
	char *out, *line, *save = NULL;
	char cur[128] = "", fam[128], key[160];
	size_t families = 0, samples = 0;

	(void)state;
	prom_fixture_fill(&s);
	out = metrics_of(&s.tunnels, s.peers);
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "# HELP ", 7)) {
			sample_family(line + 7, fam, sizeof(fam));
			assert_true(!strncmp(fam, "vpnfo_", 6));
			/* A family starts once: its HELP is the only one. */
			snprintf(key, sizeof(key), "# HELP %s ", fam);
			assert_true(once_in(fixture_metrics, key));
			snprintf(key, sizeof(key), "# TYPE %s ", fam);
			assert_true(once_in(fixture_metrics, key));
			snprintf(cur, sizeof(cur), "%s", fam);
			families++;
			continue;
		}
		if (!strncmp(line, "# TYPE ", 7)) {
			sample_family(line + 7, fam, sizeof(fam));
			assert_string_equal(fam, cur);
			continue;
		}
		/* A sample belongs to the family last described. */
		sample_family(line, fam, sizeof(fam));
		assert_string_equal(fam, cur);
		samples++;
	}
	assert_int_equal(families, 24);
	/* 12 tunnel families, the summary with two samples, for 2 tunnels;
	 * 12 peer families for 3 peers: state with three samples each, the
	 * RTT only for gw1, the one that has replied. */
	assert_int_equal(samples, 13 * 2 + (3 + 10) * 3 + 1);
	free(out);
}

static void counters_end_in_total_times_in_seconds(void **state)
{
	struct prom_fixture s;
	char *out, *line, *save = NULL;

	(void)state;
	prom_fixture_fill(&s);
	out = metrics_of(&s.tunnels, s.peers);
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char name[128], type[16];

		if (sscanf(line, "# TYPE %127s %15s", name, type) != 2)
			continue;
		if (!strcmp(type, "counter"))
			assert_non_null(strstr(name, "_total"));
		else
			assert_null(strstr(name, "_total"));
		/* No unit but the base one: nothing in _ns, _ms or _us. */
		assert_null(strstr(name, "_ns"));
		assert_null(strstr(name, "_ms"));
		assert_null(strstr(name, "_us"));
	}
	free(out);
}

static void no_tunnels_only_descriptions(void **state)
{
	struct tunnel_list l = { NULL, 0 };
	char *out, *line, *save = NULL;

	(void)state;
	out = metrics_of(&l, NULL);
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		assert_true(line[0] == '#');
	free(out);
}

static void file_written_whole_by_rename(void **state)
{
	char dir[] = "/tmp/vpnfo-prom-XXXXXX", path[64], tmp[80], *got;
	struct prom_fixture s;
	struct stat st;
	FILE *f;
	long n;

	(void)state;
	prom_fixture_fill(&s);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/vpnfo.prom", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	/* An old file is replaced, not appended to. */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("old\n", f);
	fclose(f);
	assert_int_equal(prometheus_file_write(path, &s.tunnels, s.peers), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_int_equal(access(tmp, F_OK), -1);
	f = fopen(path, "r");
	assert_non_null(f);
	got = calloc(1, sizeof(fixture_metrics) + 1);
	assert_non_null(got);
	n = (long)fread(got, 1, sizeof(fixture_metrics), f);
	fclose(f);
	assert_int_equal(n, sizeof(fixture_metrics) - 1);
	assert_string_equal(got, fixture_metrics);
	free(got);
	unlink(path);
	rmdir(dir);
	/* A folder that is not there: -ENOENT, and nothing left behind. */
	assert_int_equal(prometheus_file_write(path, &s.tunnels, s.peers),
			 -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(metrics_of_two_tunnels_and_three_peers),
		cmocka_unit_test(label_values_escape_backslash_quote_newline),
		cmocka_unit_test(odd_names_escaped_in_samples),
		cmocka_unit_test(each_family_described_once_samples_together),
		cmocka_unit_test(counters_end_in_total_times_in_seconds),
		cmocka_unit_test(no_tunnels_only_descriptions),
		cmocka_unit_test(file_written_whole_by_rename),
	};

	return cmocka_run_group_tests_name("prometheus", tests, NULL, NULL);
}
