#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# gw1 fails while a stream runs, three ways in turn (link down, gw1's SAs
# flushed, 100 % loss with netem); between them gw1 is restored.
#
# Behaviours checked, for each way (check_failover_and_failback):
#   failover-to-gw2               vpnfo moves to gw2 and sees gw1 down
#   traffic-through-gw2-only      the stream is answered in full through
#                                 gw2's SA alone (check_only_gw_carries)
#   failback-to-gw1               gw1 restored: traffic fails back to it
. "$(dirname "$0")/lib.sh"

lab_require
lab_setup
check "lab up: gw1 active" active_is gw1
for way in link sa loss; do
	check_failover_and_failback "failover" "$way"
done
tap_done
