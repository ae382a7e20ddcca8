#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# rmmod vpnfo while traffic flows; then the module ($VPNFO_KO) is inserted
# again for the tests after this one.
#
# Behaviours checked:
#   rmmod-while-traffic-flows     rmmod succeeds, the module is gone
#   rmmod-fails-closed            the fail-closed policy catches every
#                                 packet the module no longer steers: no
#                                 answer, no plaintext (and ESP before)
#   module-reloads                insmod again, vpnfoctl talks to it
#   no-kernel-splat               the kernel log holds no splat
. "$(dirname "$0")/lib.sh"

VPNFO_KO=${VPNFO_KO:-$VPNFO_ROOT/kmod/vpnfo.ko}
lab_require

# Whatever happens below, leave the module loaded.
lab_cleanup_hook() {
	[ -d /sys/module/vpnfo ] || insmod "$VPNFO_KO"
}

lab_setup
check "lab up: gw1 active" active_is gw1
capture_start || not_ok "capture starts"
stream_start flow 500 60 --drain 1000
nap 2
check "rmmod vpnfo while traffic flows" rmmod vpnfo
check "the module is gone" test ! -d /sys/module/vpnfo
nap 2
lab_bg_stop flow
stream_summary flow
check "traffic flowed before the rmmod" cmp "$(stream_field flow received)" -gt 0
stream_run 200 2 --drain 1000
stream_summary stream
check "without the module: no datagram answered" \
	none_answered "$(stream_field stream sent)" "$(stream_field stream received)"
capture_stop
check_no_plaintext "rmmod"
check "insmod $VPNFO_KO again" insmod "$VPNFO_KO"
check "vpnfoctl talks to the new module" eval 'vctl tunnel show >/dev/null'
check "kernel log: no splat" dmesg_clean
tap_done
