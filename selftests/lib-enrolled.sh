# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash source-path=SCRIPTDIR
#
# Entry point of the enrolled client's world (selftests/lib/enrolled-world.sh:
# a real PKI, enrollment through vpnfo-pkid, `vpnfod --gateway-export` on
# two gateways), for test-vpnfod-module.sh and scripts/bench-enrolled-start.
# Source it after lib.sh, with LAB_PREFIX set and lab_addrs called.

# shellcheck source=lib/enrolled-world.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/enrolled-world.sh"
