#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The failover tests with IPv6 selectors and IPv6 outer addresses.
#
# Behaviours checked (the same checks as their IPv4 tests):
#   steady-state-through-gw1      check_only_gw_carries, as test-steady.sh
#   failover-to-gw2, failback-to-gw1  for link, sa, loss, as test-failover.sh
#   all-down-drops-and-counts     check_all_down_fails_closed, as
#                                 test-all-down.sh
#   no-plaintext-in-any-phase     one capture across all of it
. "$(dirname "$0")/lib.sh"

LAB_FAMILY=6
lab_require
lab_setup
check "lab up: gw1 active" active_is gw1
capture_start || not_ok "capture starts"
check_only_gw_carries "IPv6 steady" 1
for way in link sa loss; do
	check_failover_and_failback "IPv6" "$way"
done
check_all_down_fails_closed "IPv6 all-down"
capture_stop
check_no_plaintext "IPv6"
tap_done
