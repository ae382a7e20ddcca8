#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# (a) Steady state: with every gateway up, protected traffic goes through
# gw1 (priority 10) only: the echo stream is answered, gw1's SA counters
# carry it, gw2's and gw3's carry nothing but their probes, and vpnfoctl
# shows gw1 active.
. "$(dirname "$0")/lib.sh"

lab_require
lab_setup
check "lab up: vpnfo makes gw1 active" active_is gw1
for n in 1 2 3; do
	check "gw$n probes up" wait_for 10 peer_is "gw$n" up
done
sw0=$(tunnel_stat switches)
steady_check "steady" 1
check "no switch while every gateway is up" \
	cmp "$(sub "$(tunnel_stat switches)" "$sw0")" -eq 0
check "nothing dropped while gw1 is up" cmp "$(tunnel_stat drop_packets)" -eq 0
tap_done
