#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# gw1 and gw2 fail one after the other; then they come back one by one.
#
# Behaviours checked:
#   failover-to-gw2               gw1 fails: vpnfo moves to gw2
#   failover-past-two-to-gw3      gw2 fails too: vpnfo moves to gw3, and
#                                 sees both gw1 and gw2 down
#   traffic-through-gw3-only      the stream goes through gw3's SA alone
#                                 (check_only_gw_carries)
#   failback-in-priority-order    gw2 back: traffic on gw2; gw1 back: gw1
. "$(dirname "$0")/lib.sh"

lab_require
lab_setup
check "lab up: gw1 active" active_is gw1
lab_fail 1 link
check "gw1 fails: vpnfo moves to gw2" wait_for 15 active_is gw2
lab_fail 2 sa
check "gw2 fails too: vpnfo moves to gw3" wait_for 15 active_is gw3
check "gw1 and gw2 are down" eval 'peer_is gw1 down && peer_is gw2 down'
check_only_gw_carries "gw1+gw2 failed" 3
lab_restore 2 sa
check "gw2 back: traffic fails back to gw2" wait_for 20 active_is gw2
lab_restore 1 link
check "gw1 back: traffic fails back to gw1" wait_for 20 active_is gw1
tap_done
