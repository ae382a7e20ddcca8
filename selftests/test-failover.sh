#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# (b) gw1 fails -> traffic moves to gw2. The failure is made three ways in
# turn (link down, gw1's SAs flushed, 100 % loss with netem); gw1 is
# restored and traffic fails back between them.
. "$(dirname "$0")/lib.sh"

lab_require
lab_setup
check "lab up: gw1 active" active_is gw1
for way in link sa loss; do
	failover_check "failover" "$way"
done
tap_done
