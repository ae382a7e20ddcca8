#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every gateway fails (gw1 link, gw2 SAs, gw3 loss); then all return.
#
# Behaviours checked (check_all_down_fails_closed, check_no_plaintext):
#   no-active-peer-when-all-down  vpnfo shows no active peer
#   all-down-nothing-answered     no echo comes back
#   all-down-drops-and-counts     the drop counter rises by every datagram
#   recovery-to-gw1               the gateways back: gw1 active, traffic
#                                 answered again
#   no-plaintext-when-all-down    the client's capture holds no packet to
#                                 the protected prefixes, and ESP packets
. "$(dirname "$0")/lib.sh"

lab_require
lab_setup
check "lab up: gw1 active" active_is gw1
capture_start || not_ok "capture starts"
check_all_down_fails_closed "all-down"
capture_stop
check_no_plaintext "all-down"
tap_done
