#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vpnfod against strongSwan's charon over IPv6 outer addresses, kernel ESP
# (run in QEMU through scripts/vm-run):
#
#   ik6-client 2001:db8:1::2 (inner 2001:db8:c::100)
#     -- ik6-gw1 2001:db8:1::1 (inner 2001:db8:100::1)
#
# Behaviours checked:
#   A: vpnfod initiates to charon
#     ike-over-ipv6               IKE and CHILD SA up, ESP states with IPv6
#                                 outer addresses
#     ipv6-and-ipv4-inside        both families answered both ways inside
#     link-carries-only-esp       each end sends ESP over IPv6, never an
#                                 inner address in the clear
#     delete-at-exit              charon honours vpnfod's delete, vpnfod
#                                 removes its SAs
#   B: charon initiates to vpnfod, the gateway, while vpnfod is under load
#     (more than HALF_OPEN_MAX (64, ctl/vpnfod/vpnfod.c) half-open IKE SAs
#     made by tools/ike-init-flood.py)
#     cookie-under-load           vpnfod asks for COOKIEs (RFC 7296 2.6),
#                                 answers IKE_SA_INIT with COOKIE notifies
#                                 and charon returns the cookie
#     established-under-load      charon still gets through, traffic flows
#     link-carries-only-esp       as in A
#     delete-from-charon          the gateway's SAs removed
. "$(dirname "$0")/lib.sh"

C=ik6-client
G=ik6-gw1
LAB_LABS+=(ik6-)	# lab_cleanup removes ik6-client, ik6-gw1
D=$LAB_TMP
FLOOD=$VPNFO_ROOT/selftests/tools/ike-init-flood.py
HALF_OPEN_MAX=64

ike_require charon
command -v python3 >/dev/null || skip_all "python3 not installed"

ike_pki_ca groupca &&
ike_pki_leaf client client.example groupca 30 &&
ike_pki_leaf gw gw1.example groupca 31 rsa
check "test PKI made" test -s "$D/gw.pem"

ike_lab_up $C $G 6
check "two namespaces joined by a veth, IPv6 outer addresses" test $? = 0

# Inner traffic one way and back; in A also IPv4 inside the IPv6 SAs
# (they carry XFRM_STATE_AF_UNSPEC).
c2g() { in_ns $C ping -6 -c 3 -i 0.2 -W 2 -I $IKE_CIN6 $IKE_GIN6 >/dev/null 2>&1; }
g2c() { in_ns $G ping -6 -c 3 -i 0.2 -W 2 -I $IKE_GIN6 $IKE_CIN6 >/dev/null 2>&1; }
c2g4() { in_ns $C ping -4 -c 3 -i 0.2 -W 2 -I $IKE_CIN $IKE_GIN >/dev/null 2>&1; }
g2c4() { in_ns $G ping -4 -c 3 -i 0.2 -W 2 -I $IKE_GIN $IKE_CIN >/dev/null 2>&1; }

# ESP states in NS whose outer addresses are IPv6 (src line "src 2001:").
v6_states() {
	in_ns "$1" ip xfrm state 2>/dev/null | grep -c "^src $IKE_G\|^src $IKE_C"
}

# cap_start NAME / cap_stop NAME: what each end sends on the link.
cap_start() {
	ike_capture_start "$1c" $C c-gw1 out && ike_capture_start "$1g" $G gw1-c out
}

cap_stop() {
	ike_capture_stop "$1c"
	ike_capture_stop "$1g"
}

# link_checks NAME: both ends sent ESP over IPv6, nothing in the clear.
link_checks() {
	local espc espg plainc plaing

	espc=$(ike_capture_count "cap${1}c" 'ip6 proto 50')
	espg=$(ike_capture_count "cap${1}g" 'ip6 proto 50')
	plainc=$(ike_capture_count "cap${1}c" "$IKE_F_PLAIN")
	plaing=$(ike_capture_count "cap${1}g" "$IKE_F_PLAIN")
	diag "$1: sent on the link: ESP over IPv6 $espc by the client, $espg by the gateway; plaintext $plainc and $plaing"
	check "$1: the client sent ESP over IPv6" cmp "$espc" -ge 6
	check "$1: the gateway sent ESP over IPv6" cmp "$espg" -ge 6
	check "$1: neither sent an inner address in the clear" \
		sh -c "[ '$plainc' = 0 ] && [ '$plaing' = 0 ]"
}

# ------------------------------------------------------------ A

{
	ike_vpnfod_conf tunnel gw1 $IKE_C $IKE_G "$IKE_CIN6/128 $IKE_CIN/32" \
		"2001:db8:100::/64 203.0.113.0/24" client 1 gw1.example
	printf 'ike aes256gcm16-prfsha384\ndh ecp384\nesp aes256gcm16\n'
	echo "retransmit 1s 4"
} >"$D/client.conf"

cap_start capA
ike_swan_load swgw $G gw "$(ike_swan_conn vpnfo $IKE_G $IKE_C \
	aes256gcm16-prfsha384-ecp384 gw "2001:db8:100::/64, 203.0.113.0/24" \
	"$IKE_CIN6/128, $IKE_CIN/32" aes256gcm16)"
check "A: charon responder up on the gateway" test $? = 0
ike_vpnfod_start vdA $C "$D/client.conf"
check "A: vpnfod establishes IKE and CHILD SA over IPv6" \
	wait_for 40 ike_states_are $C 2
check "A: charon has the IKE SA established" \
	wait_for 10 ike_swan_established swgw
check "A: the client's ESP states have IPv6 outer addresses" \
	cmp "$(v6_states $C)" -eq 2
check "A: client -> gateway answered, IPv6 inside" wait_for 10 c2g
check "A: gateway -> client answered, IPv6 inside" wait_for 10 g2c
check "A: client -> gateway answered, IPv4 inside IPv6" wait_for 10 c2g4
check "A: gateway -> client answered, IPv4 inside IPv6" wait_for 10 g2c4
cap_stop capA
link_checks A
check_vpnfod_exit_delete A vdA swgw
check "A: vpnfod removed its SAs at exit" ike_states_are $C 0
lab_bg_stop swgw
ike_xfrm_flush $G $C

# ------------------------------------------------------------ B

ike_vpnfod_conf group g1 $IKE_G "" 2001:db8:100::/64 2001:db8:c::/64 gw 2 \
	>"$D/gw.conf"

# IKE_SA_INIT on the wire (IPv6, no extension headers: UDP payload at
# ip6[48]): exchange type at +18, first payload at +16, and a first
# notify payload's type at +34.
F_INIT='ip6 and udp port 500 and ip6[66] = 34'
F_COOKIE="$F_INIT and ip6[64] = 41 and ip6[82:2] = 16390"

cap_start capB
ike_vpnfod_start vdB $G "$D/gw.conf"
ike_swan_load swc $C client "$(ike_swan_conn good $IKE_C $IKE_G \
	aes128gcm16-prfsha256-ecp256 client $IKE_CIN6/128 2001:db8:100::/64 \
	aes128gcm16 "O=vpnfo test, CN=gw1.example")"
check "B: charon initiator up on the client" test $? = 0
in_ns $C python3 "$FLOOD" -d $IKE_G -s $IKE_C -n $((HALF_OPEN_MAX + 16)) \
	>"$D/flood.out" 2>"$D/flood.err"
diag "B: load: $(cat "$D/flood.out" "$D/flood.err")"
check "B: more than $HALF_OPEN_MAX half-open SAs: vpnfod asks for COOKIEs" \
	grep -q 'asking for COOKIEs' "$D/vdB.err"
check_charon_initiates B "charon still establishes with vpnfod under load" \
	swc good 60 $G
check "B: gateway -> client answered, IPv6 inside" wait_for 10 g2c
check "B: client -> gateway answered, IPv6 inside" wait_for 10 c2g
cap_stop capB
link_checks B
ck_gw=$(ike_capture_count capBg "src host $IKE_G and $F_COOKIE and ip6[67] & 0x20 != 0")
ck_ch=$(ike_capture_count capBc "src host $IKE_C and udp src port 500 and $F_COOKIE and ip6[67] & 0x20 = 0")
diag "B: IKE_SA_INIT responses with a COOKIE: $ck_gw; requests returning one: $ck_ch"
check "B: vpnfod answered IKE_SA_INIT with COOKIE notifies" cmp "$ck_gw" -ge 1
check "B: the capture shows charon's IKE_SA_INIT carrying the COOKIE" \
	cmp "$ck_ch" -ge 1
check_charon_delete B swc good $G
lab_bg_stop swc
lab_bg_stop vdB

if [ "$tap_failures" != 0 ]; then
	ike_dump vdA vdB swgw swc capAc capAg capBc capBg
fi
tap_done
