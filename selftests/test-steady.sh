#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Steady state: with every gateway up, protected traffic goes through gw1
# (priority 10) only.
#
# Behaviours checked:
#   gw1-active-when-all-up        vpnfoctl shows gw1, the highest priority
#   every-gateway-probed-up       gw1, gw2, gw3 all probe up
#   steady-state-through-gw1      an echo stream is answered in full, gw1's
#                                 SA carries it, gw2's and gw3's carry their
#                                 probes only (check_only_gw_carries)
#   no-switch-while-all-up        the switch counter stays put
#   no-drop-while-gw1-up          the drop counter stays 0
#   prometheus-metrics            vpnfoctl show --prometheus says the same:
#                                 the tunnel up, gw1 active, every peer up
#                                 with probes answered, nothing dropped
. "$(dirname "$0")/lib.sh"

lab_require
lab_setup
check "lab up: vpnfo makes gw1 active" active_is gw1
for n in 1 2 3; do
	check "gw$n probes up" wait_for 10 peer_is "gw$n" up
done
sw0=$(tunnel_stat switches)
check_only_gw_carries "steady" 1
check "no switch while every gateway is up" \
	cmp "$(sub "$(tunnel_stat switches)" "$sw0")" -eq 0
check "nothing dropped while gw1 is up" cmp "$(tunnel_stat drop_packets)" -eq 0

# prom_has LINE...: each LINE is a line of `vpnfoctl show --prometheus`.
prom_has() {
	local out l

	out=$(vctl show --prometheus "$LAB_TUNNEL") || return 1
	for l in "$@"; do
		grep -qxF -- "$l" <<<"$out" || { diag "no line '$l'"; return 1; }
	done
	# a peer that answers has received probes and an RTT
	grep -qE "^vpnfo_peer_probes_received_total\{tunnel=\"$LAB_TUNNEL\",peer=\"gw2\"\} [1-9]" <<<"$out" &&
		grep -qE "^vpnfo_peer_rtt_seconds\{tunnel=\"$LAB_TUNNEL\",peer=\"gw3\"\} 0\.[0-9]+$" <<<"$out"
}
t="tunnel=\"$LAB_TUNNEL\""
check "show --prometheus: tunnel up, gw1 active, every peer up, nothing dropped" \
	prom_has "vpnfo_tunnel_up{$t} 1" "vpnfo_tunnel_dropped_packets_total{$t} 0" \
	"vpnfo_tunnel_peers{$t} 3" "vpnfo_peer_active{$t,peer=\"gw1\"} 1" \
	"vpnfo_peer_active{$t,peer=\"gw2\"} 0" \
	"vpnfo_peer_state{$t,peer=\"gw1\",state=\"up\"} 1" \
	"vpnfo_peer_state{$t,peer=\"gw3\",state=\"down\"} 0" \
	"vpnfo_peer_priority{$t,peer=\"gw2\"} 20"
tap_done
