#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# gw1 flaps (down/up every 200 ms, ten times): the failback hold keeps
# traffic off gw1 until it has stayed up for the hold.
#
# Behaviours checked:
#   back-on-gw1-after-flapping    traffic ends up on gw1
#   flap-seen                     vpnfo counted gw1 going down
#   flap-costs-at-most-two-switches  away from gw1 once, back once at most
#                                 (the SWITCHES counter)
#   monitor-matches-counter       vpnfoctl monitor reported as many
#                                 switches as the counter
. "$(dirname "$0")/lib.sh"

HOLD_MS=3000	# far longer than one up phase, even slowed down by TCG
LAB_HOLD=${HOLD_MS}ms
# Fast enough to see every 200 ms down phase (no traffic load here).
LAB_PEER_OPTS="interval 10ms threshold 5"
lab_require
lab_setup
check "lab up: gw1 active" active_is gw1
sw0=$(tunnel_stat switches)
down0=$(peer_field gw1 down_events)
monitor_start mon 60
for i in 1 2 3 4 5 6 7 8 9 10; do
	lab_fail 1 link
	nap 0.2
	lab_restore 1 link
	nap 0.2
done
check "after the flapping: back on gw1" wait_for 20 active_is gw1
nap 1
sw1=$(tunnel_stat switches)
down1=$(peer_field gw1 down_events)
lab_bg_stop mon
nsw=$(sub "$sw1" "$sw0")
nmon=$(monitor_events mon '.event == "switch"' | wc -l)
diag "switches: counter +$nsw, monitor $nmon; gw1 down events +$(sub "$down1" "$down0")"
check "vpnfo saw gw1 go down during the flapping" cmp "$(sub "$down1" "$down0")" -ge 1
check "at most 2 switches for the whole flapping ($nsw)" cmp "$nsw" -le 2
check "monitor reported as many switches as counted" cmp "$nmon" -eq "$nsw"
tap_done
