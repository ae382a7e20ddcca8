#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# (d) Every gateway fails: protected traffic is dropped by vpnfo (its drop
# counter rises by every datagram sent), no echo is answered, nothing
# leaves in plaintext; when the gateways return, traffic flows again.
. "$(dirname "$0")/lib.sh"

lab_require
lab_setup
check "lab up: gw1 active" active_is gw1
capture_start || not_ok "capture starts"
all_down_check "all-down"
capture_stop
capture_check "all-down"
tap_done
