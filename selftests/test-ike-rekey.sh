#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Rekeying between a vpnfod initiator and strongSwan's charon as responder
# while traffic flows (run in QEMU through scripts/vm-run, real kernel
# ESP). A 100 datagram/s echo stream runs from the client's inner address
# to the gateway's across every rekey; not one datagram may be lost.
# The CHILD SA is rekeyed by vpnfod (SIGUSR1), then by charon (swanctl
# --rekey); the IKE SA by vpnfod (SIGUSR2), then by charon; then, with a
# delay on the wire, by both sides at once, so that the requests cross
# (RFC 7296 2.8.1, 2.8.2). Lab: selftests/lib-ike-rekey.sh.
#
# Behaviours checked:
#   child-rekey-each-side         by vpnfod, by charon: new SPIs, old gone
#   ike-rekey-each-side           by vpnfod, by charon: one new IKE SA
#   lossless-rekeys               not one datagram lost across the four
#   simultaneous-rekeys-resolved  CHILD and IKE rekeyed by both at once,
#                                 the collisions resolved on both sides, no
#                                 loss on vpnfod's side
#   rekey-on-newest-ike-sa        a CHILD rekey after the IKE collision
#   rekey-with-pfs                KE in vpnfod's CREATE_CHILD_SA
#   one-ike-sa-two-esp-at-end
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-ike-rekey.sh"

rk_setup

SW=swgw
ike_vpnfod_conf tunnel gw1 198.18.1.2 198.18.1.1 192.0.2.100/32 \
	203.0.113.0/24 client 1 gw1.example >"$D/client.conf"
printf 'mark 0x100 mask 0xff00\nesp aes128gcm16\nretransmit 1s 5\n' \
	>>"$D/client.conf"
ike_mark_stand_in $NS_C rk 0x100

ike_swan_load swgw $NS_G gw "$(ike_swan_conn vpnfo 198.18.1.1 198.18.1.2 \
	aes128gcm16-prfsha256-ecp256 gw 203.0.113.0/24 192.0.2.100/32 \
	"$RK_ESP")"
check "charon responder up (ESP with PFS: ecp256)" test $? = 0
ike_vpnfod_start vd-client $NS_C "$D/client.conf"
VD_PID=$(lab_bg_pid vd-client)
check "vpnfod initiator established IKE and CHILD SA" \
	wait_for 40 ike_states_are $NS_C 2
check "charon lists the IKE SA" wait_for 10 ike_swan_established swgw

stream sa 120
nap 1
check "CHILD SA rekeyed by vpnfod (new SPIs both sides, old gone)" \
	rekey_child vpnfod
nap 1
check "CHILD SA rekeyed by charon" rekey_child charon
nap 1
check "IKE SA rekeyed by vpnfod (charon lists only the new one)" \
	rekey_ike vpnfod
nap 1
check "IKE SA rekeyed by charon" rekey_ike charon
nap 1
lab_bg_stop sa
check "not one datagram lost across these 4 rekeys" stream_lost_none sa

# Simultaneous rekeys: with 1.2 s each way, requests sent within 1.2 s of
# each other cross. Deleting the netem qdisc would drop what it holds, so
# this stream ends (and drains) before the delay goes.
wire_delay 1200
check "1.2 s one-way delay on the wire" test $? = 0
lab_bg sc in_ns $NS_C "$LAB_TOOLS/udp-stream" -d 203.0.113.1 -p 7 \
	-s 192.0.2.100 -r $RATE -t 120 --drain 8000
nap 2
check "CHILD SA rekeyed by both at once" rekey_child both
check "IKE SA rekeyed by both at once" rekey_ike both
lab_bg_stop sc
check "no datagram lost on vpnfod's side across the simultaneous rekeys" \
	stream_lost_by_peer sc
wire_delay off
n=$(grep -c 'rekey collision' "$D/vd-client.err")
diag "rekey collisions vpnfod resolved: $n"
check "both simultaneous rekeys crossed and were resolved" cmp "$n" -ge 2
check "charon saw the collisions too" \
	grep -qi 'collision' "$D/swgw/charon.log"
check "the CHILD SA still rekeys on the newest IKE SA" \
	rekey_child vpnfod
check "vpnfod rekeyed with PFS (KE in its CREATE_CHILD_SA)" \
	grep -q "rekeying the CHILD SA (DH group" "$D/vd-client.err"
check "one IKE SA and two ESP SAs at the end" \
	sh -c "[ \"\$(echo $(ike_spis swgw) | wc -w)\" = 1 ] && [ $(ike_nstates $NS_C) = 2 ]"
lab_bg_stop vd-client
lab_bg_stop swgw
lab_bg_stop echo
rk_logs
tap_done
