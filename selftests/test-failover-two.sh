#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# (c) gw1 and gw2 fail -> traffic goes through gw3; both back -> gw1.
. "$(dirname "$0")/lib.sh"

lab_require
lab_setup
check "lab up: gw1 active" active_is gw1
lab_fail 1 link
check "gw1 fails: vpnfo moves to gw2" wait_for 15 active_is gw2
lab_fail 2 sa
check "gw2 fails too: vpnfo moves to gw3" wait_for 15 active_is gw3
check "gw1 and gw2 are down" eval 'peer_is gw1 down && peer_is gw2 down'
steady_check "gw1+gw2 failed" 3
lab_restore 2 sa
check "gw2 back: traffic fails back to gw2" wait_for 20 active_is gw2
lab_restore 1 link
check "gw1 back: traffic fails back to gw1" wait_for 20 active_is gw1
tap_done
