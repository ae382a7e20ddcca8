#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Two labs at once (prefixes a- and b-, tunnels t1 and t2).
#
# Behaviours checked:
#   both-labs-on-gw1              each tunnel starts on its gw1
#   failover-in-one-lab           failing gw1 in lab a moves t1 to gw2
#   other-lab-unaffected          lab b's traffic stays on its gw1 only
#                                 (check_only_gw_carries), no switch, its
#                                 gw1 up
#   failback-in-one-lab           lab a's gw1 back: t1 fails back
. "$(dirname "$0")/lib.sh"

lab_require
LAB_PREFIX=a- LAB_TUNNEL=t1 lab_setup
LAB_PREFIX=b- LAB_TUNNEL=t2 lab_setup
LAB_PREFIX=a- LAB_TUNNEL=t1 check "lab a: t1 on gw1" active_is gw1
LAB_PREFIX=b- LAB_TUNNEL=t2 check "lab b: t2 on gw1" active_is gw1
swb0=$(LAB_PREFIX=b- LAB_TUNNEL=t2 tunnel_stat switches)

LAB_PREFIX=a- lab_fail 1 link
LAB_PREFIX=a- LAB_TUNNEL=t1 check "lab a: gw1 fails: t1 moves to gw2" \
	wait_for 15 active_is gw2
LAB_PREFIX=b- LAB_TUNNEL=t2 \
	check_only_gw_carries "lab b while lab a's gw1 is down" 1
swb1=$(LAB_PREFIX=b- LAB_TUNNEL=t2 tunnel_stat switches)
check "lab b: t2 did not switch" cmp "$(sub "$swb1" "$swb0")" -eq 0
LAB_PREFIX=b- LAB_TUNNEL=t2 check "lab b: its gw1 stayed up" peer_is gw1 up
LAB_PREFIX=a- lab_restore 1 link
LAB_PREFIX=a- LAB_TUNNEL=t1 check "lab a: gw1 back: t1 fails back to gw1" \
	wait_for 20 active_is gw1
tap_done
