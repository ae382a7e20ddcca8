#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IKE and ESP through a real NAT (nftables masquerade with random ports),
# vpnfod against strongSwan's charon, kernel ESP (run in QEMU through
# scripts/vm-run):
#
#   ikn-client 10.0.1.2 (inner 192.0.2.100)
#     -- ikn-nat 10.0.1.1 | 198.18.1.2 (masquerade)
#     -- ikn-gw1 198.18.1.1 (inner 203.0.113.1)
#
# Behaviours checked:
#   A: vpnfod initiates from behind the NAT to charon
#     nat-detected-in-front       vpnfod sees the NAT in front of itself and
#                                 moves IKE to port 4500
#     esp-in-udp                  both its SAs carry espinudp, traffic flows
#                                 both ways
#     outside-sees-only-udp-4500  the NAT's outside: ESP in UDP/4500, no ESP
#                                 (protocol 50), no inner address
#     keepalives-from-behind      1-byte 0xFF keepalives at its
#                                 natt-keepalive interval (2 s here)
#     delete-at-exit              charon honours vpnfod's delete
#   B: charon initiates from behind the NAT to vpnfod, the gateway
#     nat-detected-at-peer        vpnfod sees the NAT in front of the peer
#                                 and answers at the NAT's mapped port
#     esp-in-udp, outside-sees-only-udp-4500   as in A, gateway's SAs
#     no-keepalives-unless-behind vpnfod, not behind a NAT, sends none;
#                                 charon's reach it and do no harm
#     delete-from-charon          the gateway's SAs removed
. "$(dirname "$0")/lib.sh"

C=ikn-client
R=ikn-nat
G=ikn-gw1
LAB_LABS+=(ikn-)	# lab_cleanup removes ikn-client, ikn-gw1
lab_cleanup_hook() { ip netns del $R 2>/dev/null; }
D=$LAB_TMP
KA=2	# natt-keepalive of the client's vpnfod, seconds

ike_require charon

ike_pki_ca groupca &&
ike_pki_leaf client client.example groupca 20 &&
ike_pki_leaf gw gw1.example groupca 21
check "test PKI made" test -s "$D/gw.pem"

ike_lab_nat_up $C $R $G &&
in_ns $R nft -f - <<EOF
table ip nat {
	chain post {
		type nat hook postrouting priority srcnat;
		oifname "r-gw1" masquerade random
	}
}
EOF
check "client -- NAT router (masquerade, random ports) -- gateway" \
	test $? = 0

ping_c2g() {	# inner traffic from the client, answered by the gateway
	in_ns $C ping -c 3 -i 0.2 -W 2 -I $IKE_CIN $IKE_GIN >/dev/null 2>&1
}

ping_g2c() {	# inner traffic from the gateway through the NAT mapping
	in_ns $G ping -c 3 -i 0.2 -W 2 -I $IKE_GIN $IKE_CIN >/dev/null 2>&1
}

encap_states() {	# encap_states NS: ESP states with UDP encapsulation
	in_ns "$1" ip xfrm state 2>/dev/null | grep -c 'encap type espinudp'
}

# outside_checks NAME: the SA has been up a while; after 3 keepalive
# intervals more, what the NAT's outside link carried (capture capNAME).
outside_checks() {
	local esp proto50 plain

	nap $((3 * KA + 1))
	ike_capture_stop "cap$1"
	esp=$(ike_capture_count "cap$1" "$IKE_F_ESPINUDP")
	proto50=$(ike_capture_count "cap$1" 'ip proto 50')
	plain=$(ike_capture_count "cap$1" "$IKE_F_PLAIN")
	diag "$1: outside capture: $esp ESP-in-UDP/4500, $proto50 ESP, $plain plaintext"
	check "$1: the outside carried ESP in UDP/4500" cmp "$esp" -ge 12
	check "$1: and no ESP (protocol 50)" cmp "$proto50" -eq 0
	check "$1: and no inner address in the clear" cmp "$plain" -eq 0
}

# ------------------------------------------------------------ A

{
	ike_vpnfod_conf tunnel gw1 $IKE_C $IKE_G $IKE_CIN/32 203.0.113.0/24 \
		client 1 gw1.example
	printf 'esp aes128gcm16\nretransmit 1s 4\nnatt-keepalive %ss\n' $KA
} >"$D/client.conf"

ike_capture_start capA $R r-gw1
ike_swan_load swgw $G gw "$(ike_swan_conn vpnfo $IKE_G "" \
	aes128gcm16-prfsha256-ecp256 gw 203.0.113.0/24 $IKE_CIN/32 aes128gcm16)"
check "A: charon responder up on the gateway" test $? = 0
ike_vpnfod_start vdA $C "$D/client.conf"
check "A: vpnfod behind the NAT establishes IKE and CHILD SA" \
	wait_for 40 ike_states_are $C 2
check "A: vpnfod detected the NAT in front of itself" \
	grep -q 'NAT detected (in front of us)' "$D/vdA.err"
check "A: vpnfod moved IKE to port 4500" \
	grep -q 'IKE moves to port 4500' "$D/vdA.err"
check "A: charon has the IKE SA established" \
	wait_for 10 ike_swan_established swgw
check "A: both client SAs are encapsulated (encap type espinudp)" \
	cmp "$(encap_states $C)" -eq 2
check "A: client -> gateway inner traffic answered" wait_for 10 ping_c2g
check "A: gateway -> client inner traffic answered" wait_for 10 ping_g2c
outside_checks A
ka=$(ike_capture_count capA "src host $IKE_NAT and $IKE_F_KEEPALIVE")
diag "A: $ka NAT-keepalives from behind the NAT (interval ${KA} s)"
check "A: vpnfod behind the NAT sent 1-byte 0xFF keepalives on 4500" \
	cmp "$ka" -ge 3
check "A: vpnfod logged its keepalives" \
	grep -q 'NAT-keepalive sent' "$D/vdA.err"
check_vpnfod_exit_delete A vdA swgw
lab_bg_stop swgw
ike_xfrm_flush $G $C

# ------------------------------------------------------------ B

{
	ike_vpnfod_conf group g1 $IKE_G "" 203.0.113.0/24 192.0.2.0/24 gw 2
	echo "natt-keepalive 1s"
} >"$D/gw.conf"

ike_capture_start capB $R r-gw1
ike_vpnfod_start vdB $G "$D/gw.conf"
IKE_CHARON_EXTRA="keep_alive = ${KA}s" ike_swan_load swc $C client \
	"$(ike_swan_conn good $IKE_C $IKE_G aes256gcm16-prfsha256-curve25519 \
		client $IKE_CIN/32 203.0.113.0/24 aes256gcm16 \
		"O=vpnfo test, CN=gw1.example")"
check "B: charon initiator up behind the NAT" test $? = 0
nap 1
check_charon_initiates B "charon behind the NAT establishes with vpnfod" \
	swc good 40 $G
check "B: vpnfod detected the NAT in front of the peer" \
	grep -q 'NAT detected (in front of peer)' "$D/vdB.err"
check "B: vpnfod answers on 4500 at the NAT's mapped port" \
	grep -q 'peer moved to port' "$D/vdB.err"
check "B: both gateway SAs are encapsulated (encap type espinudp)" \
	cmp "$(encap_states $G)" -eq 2
check "B: client -> gateway inner traffic answered" wait_for 10 ping_c2g
check "B: gateway -> client inner traffic answered" wait_for 10 ping_g2c
outside_checks B
ka=$(ike_capture_count capB "src host $IKE_NAT and $IKE_F_KEEPALIVE")
kag=$(ike_capture_count capB "src host $IKE_G and udp[4:2] = 9 and udp[8] = 0xff")
diag "B: $ka keepalives from charon behind the NAT, $kag from vpnfod"
check "B: charon's keepalives crossed the NAT to vpnfod's 4500" \
	cmp "$ka" -ge 2
check "B: vpnfod, not behind a NAT, sent none (natt-keepalive 1s set)" \
	cmp "$kag" -eq 0
check "B: the SA survived them: traffic still answered" ping_c2g
check_charon_delete B swc good $G
lab_bg_stop swc
lab_bg_stop vdB

if [ "$tap_failures" != 0 ]; then
	ike_dump vdA vdB swgw swc capA capB
fi
tap_done
