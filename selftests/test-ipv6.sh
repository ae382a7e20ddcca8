#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# (k) IPv6: steady state, gw1 failed three ways, all down, and no plaintext,
# with IPv6 selectors and IPv6 outer addresses.
. "$(dirname "$0")/lib.sh"

LAB_FAMILY=6
lab_require
lab_setup
check "lab up: gw1 active" active_is gw1
capture_start || not_ok "capture starts"
steady_check "IPv6 steady" 1
for way in link sa loss; do
	failover_check "IPv6" "$way"
done
all_down_check "IPv6 all-down"
capture_stop
capture_check "IPv6"
tap_done
