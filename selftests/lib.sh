# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash source-path=SCRIPTDIR
#
# The selftests' library: sourced by every selftests/test-*.sh (and by
# scripts/bench-*, scripts/demo), it sources its parts in selftests/lib/,
# one concern each:
#
#   tap.sh                TAP output, checks, integer helpers, bounded waits
#   processes.sh          $LAB_TMP, in_ns, background jobs, cleanup at exit
#   kernel-log.sh         no kernel splat since the file started
#   topology.sh           the failover lab (diagram there): namespaces,
#                         links, addresses, static SAs, vpnfo on top
#   vpnfo-state.sh        vpnfoctl's JSON: active peer, peer state, events
#   sa-counters.sh        the client's XFRM SA counters
#   traffic.sh            echo streams and their summaries
#   faults.sh             failing a gateway (link, sa, loss) and mending it
#   capture.sh            tcpdump captures, plaintext and ESP counts
#   failover-behaviours.sh  checks several failover tests share
#   ike-topology.sh       the IKE labs' namespaces (their own, not the lab)
#   ike-pki.sh            the IKE labs' test CA and certificates
#   ike-peers.sh          charon, swanctl, vpnfod: configs, start, states
#
# Needs bash, root, iproute2, and for the real thing a kernel with ESP and
# vpnfo.ko (run it in QEMU through scripts/vm-run). Prints the TAP header.

VPNFO_ROOT=${VPNFO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
VPNFOCTL=${VPNFOCTL:-$VPNFO_ROOT/ctl/vpnfoctl/vpnfoctl}
LAB_TOOLS=${LAB_TOOLS:-$VPNFO_ROOT/build/selftests}
LAB_LIB=$(dirname "${BASH_SOURCE[0]}")/lib

# shellcheck source=lib/tap.sh
. "$LAB_LIB/tap.sh"
# shellcheck source=lib/processes.sh
. "$LAB_LIB/processes.sh"
# shellcheck source=lib/kernel-log.sh
. "$LAB_LIB/kernel-log.sh"
# shellcheck source=lib/topology.sh
. "$LAB_LIB/topology.sh"
# shellcheck source=lib/vpnfo-state.sh
. "$LAB_LIB/vpnfo-state.sh"
# shellcheck source=lib/sa-counters.sh
. "$LAB_LIB/sa-counters.sh"
# shellcheck source=lib/traffic.sh
. "$LAB_LIB/traffic.sh"
# shellcheck source=lib/faults.sh
. "$LAB_LIB/faults.sh"
# shellcheck source=lib/capture.sh
. "$LAB_LIB/capture.sh"
# shellcheck source=lib/failover-behaviours.sh
. "$LAB_LIB/failover-behaviours.sh"
# shellcheck source=lib/ike-topology.sh
. "$LAB_LIB/ike-topology.sh"
# shellcheck source=lib/ike-pki.sh
. "$LAB_LIB/ike-pki.sh"
# shellcheck source=lib/ike-peers.sh
. "$LAB_LIB/ike-peers.sh"

# The checks' names before they were named for their behaviour.
steady_check() { check_only_gw_carries "$@"; }
failover_check() { check_failover_and_failback "$@"; }
all_down_check() { check_all_down_fails_closed "$@"; }
capture_check() { check_no_plaintext "$@"; }
