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
tap_done
