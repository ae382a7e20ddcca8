#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# One capture on the client (all its links) while a stream runs through
# every phase: steady state, gw1 failed three ways, gw1 and gw2 failed,
# all failed, failback, and a flapping gw1.
#
# Behaviours checked:
#   each-phase-reached            the active peer each phase calls for
#                                 (gw2, gw1, gw3, none, gw2, gw1)
#   answered-while-a-gateway-up   the stream was answered
#   no-plaintext-in-any-phase     the capture holds no packet to or from
#                                 the protected prefixes, and ESP packets
#                                 (so it works)
. "$(dirname "$0")/lib.sh"

LAB_HOLD=1000ms
lab_require
lab_setup
check "lab up: gw1 active" active_is gw1
capture_start || not_ok "capture starts"
stream_start all 500 170 --drain 1000
nap 1
for way in link sa loss; do
	lab_fail 1 "$way"
	check "gw1 fails ($way): gw2" wait_for 15 active_is gw2
	lab_restore 1 "$way"
	check "gw1 back ($way): failback to gw1" wait_for 20 active_is gw1
done
lab_fail 1 link
lab_fail 2 sa
check "gw1 and gw2 fail: gw3" wait_for 20 active_is gw3
lab_fail 3 loss
check "all fail: no active peer" wait_for 20 active_is none
nap 1
lab_restore 2 sa
check "gw2 back: gw2" wait_for 20 active_is gw2
lab_restore 3 loss
lab_restore 1 link
check "gw1 back: failback to gw1" wait_for 20 active_is gw1
for i in 1 2 3 4 5; do
	lab_fail 1 link
	nap 0.2
	lab_restore 1 link
	nap 0.2
done
check "after flapping: gw1" wait_for 20 active_is gw1
nap 1
lab_bg_stop all
capture_stop
stream_summary all
check "the stream was answered in the phases that had a gateway" \
	cmp "$(stream_field all received)" -gt 0
check_no_plaintext "all phases"
tap_done
