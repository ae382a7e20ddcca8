#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Rekeying between strongSwan's charon as initiator and vpnfod as the
# gateway's responder while traffic flows (QEMU, real kernel ESP). vpnfod
# has short age limits (child-rekey 8s, ike-rekey 14s) and rekeys both on
# its own; charon rekeys the CHILD SA. Not one datagram of the echo stream
# may be lost. Lab: selftests/lib-ike-rekey.sh.
#
# Behaviours checked:
#   child-rekey-by-initiator      charon rekeys the CHILD SA
#   rekey-at-age-limits           vpnfod rekeys CHILD (8 s) and IKE (14 s)
#                                 SAs on its own; charon lists the new one
#   lossless-rekeys               not one datagram lost
#   hard-lifetime-in-kernel       two SAs at the end, with a hard lifetime
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-ike-rekey.sh"

rk_setup

SW=swc
ike_vpnfod_conf group g1 198.18.1.1 "" 203.0.113.0/24 192.0.2.0/24 gw 2 \
	>"$D/gw.conf"
printf 'child-rekey 8s\nike-rekey 14s\n' >>"$D/gw.conf"
ike_vpnfod_start vd-gw $NS_G "$D/gw.conf"
VD_PID=$(lab_bg_pid vd-gw)
ike_swan_load swc $NS_C client "$(ike_swan_conn vpnfo 198.18.1.2 198.18.1.1 \
	aes128gcm16-prfsha256-ecp256 client 192.0.2.100/32 203.0.113.0/24 \
	"$RK_ESP")"
check "charon initiator up" test $? = 0
nap 1
ike_swan swc --initiate --child net --ike vpnfo --timeout 40 >"$D/init.out" 2>&1
check "charon established with the vpnfod responder" \
	wait_for 10 ike_states_are $NS_G 2

stream sb 90
ike0=$(ike_spis swc)
nap 2
check "CHILD SA rekeyed by charon" rekey_child charon
rekeys() { [ "$(grep -c "rekeying the $1 SA" "$D/vd-gw.err")" -ge "$2" ]; }
check "vpnfod rekeyed the CHILD SA at its age limit (8 s)" \
	wait_for 25 rekeys CHILD 1
check "vpnfod rekeyed the IKE SA at its age limit (14 s)" \
	wait_for 25 rekeys IKE 1
check "charon lists one IKE SA, a new one" wait_for 10 new_ike swc "$ike0"
lab_bg_stop sb
check "not one datagram lost" stream_lost_none sb
check "two ESP SAs on the gateway at the end" \
	wait_for 15 ike_states_are $NS_G 2
check "vpnfod's kernel SAs carry a hard lifetime" \
	sh -c "ip netns exec $NS_G ip -s xfrm state | grep -q 'expire add: soft 0(sec), hard 38(sec)'"
lab_bg_stop swc
lab_bg_stop vd-gw
lab_bg_stop echo
rk_logs
tap_done
