#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""
Reads `prom_sample` (the metrics of the test fixture plus a tunnel with odd
names) with the Prometheus client's own text parser and checks that every
family parses as the type it declares, once, with the labels and values
written. TAP on stdout; a missing parser is a failure, not a skip
(Debian: python3-prometheus-client, listed in ctl/packages.txt).
"""
import sys

checks = []


def check(name, ok):
    checks.append((name, bool(ok)))


try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError as e:
    print("1..1")
    print("not ok 1 - the Prometheus text parser imports (%s; install "
          "python3-prometheus-client)" % e)
    sys.exit(1)

text = sys.stdin.read()
try:
    families = list(text_string_to_metric_families(text))
    parse_error = None
except Exception as e:  # the parser raises ValueError and friends
    families = []
    parse_error = e
check("the parser reads the whole exposition" +
      ("" if parse_error is None else " (%s)" % parse_error),
      parse_error is None)

# The parser names counters without _total (the OpenMetrics way).
names = [f.name for f in families]
check("24 families, each once", len(names) == 24 and len(set(names)) == 24)
check("no sample falls outside a declared family (no untyped one)",
      all(f.type != "untyped" for f in families))
check("every family is named vpnfo_*", all(n.startswith("vpnfo_") for n in names))
check("every family has its help text", all(f.documentation for f in families))

by_name = {f.name: f for f in families}


def value(family, sample_name=None, **labels):
    f = by_name.get(family)
    if f is None:
        return None
    for s in f.samples:
        if s.labels == labels and (sample_name is None or s.name == sample_name):
            return s.value
    return None


types = {f.name: f.type for f in families}
check("counters, gauges and the latency summary as declared",
      types.get("vpnfo_peer_probes_sent") == "counter" and
      types.get("vpnfo_tunnel_dropped_packets") == "counter" and
      types.get("vpnfo_peer_rtt_seconds") == "gauge" and
      types.get("vpnfo_tunnel_switch_latency_seconds") == "summary")
check("probe counters of gw1",
      value("vpnfo_peer_probes_sent", tunnel="t1", peer="gw1") == 100 and
      value("vpnfo_peer_probes_received", tunnel="t1", peer="gw1") == 98 and
      value("vpnfo_peer_probes_lost", tunnel="t1", peer="gw1") == 2)
check("RTT in seconds, absent for a peer that has not replied",
      value("vpnfo_peer_rtt_seconds", tunnel="t1", peer="gw1") == 0.00041 and
      value("vpnfo_peer_rtt_seconds", tunnel="t2", peer="gw3") is None)
check("one state sample per state, 1 for the current one",
      [value("vpnfo_peer_state", tunnel="t1", peer="gw2", state=st)
       for st in ("probing", "up", "down")] == [0, 0, 1])
check("switch latency summary: _sum in seconds and _count",
      value("vpnfo_tunnel_switch_latency_seconds",
            "vpnfo_tunnel_switch_latency_seconds_sum", tunnel="t1") == 0.00006 and
      value("vpnfo_tunnel_switch_latency_seconds",
            "vpnfo_tunnel_switch_latency_seconds_count", tunnel="t1") == 3)
check("a tunnel with no active peer is down and counts its drops",
      value("vpnfo_tunnel_up", tunnel="t2") == 0 and
      value("vpnfo_tunnel_dropped_packets", tunnel="t2") == 7)
odd_tunnel = 'q"b\\s\nn'
odd_peer = "caf\u00e9 {x=1}"
check("escaped label values read back as the original names",
      value("vpnfo_peer_probes_sent", tunnel=odd_tunnel, peer=odd_peer) == 3 and
      value("vpnfo_tunnel_dropped_packets", tunnel=odd_tunnel) == 7)

print("1..%d" % len(checks))
for i, (name, ok) in enumerate(checks, 1):
    print("%s %d - %s" % ("ok" if ok else "not ok", i, name))
sys.exit(0 if all(ok for _, ok in checks) else 1)
