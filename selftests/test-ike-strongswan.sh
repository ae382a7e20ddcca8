#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vpnfod against strongSwan's charon, real kernel ESP (run in QEMU through
# scripts/vm-run). Two namespaces joined by a veth:
#
#   ike-client 198.18.1.2 (inner 192.0.2.100) -- ike-gw1 198.18.1.1 (203.0.113.1)
#
# Part A: vpnfod initiates from the client (policies in the vpnfo module's
# form: per-peer mark, fail-closed fallback, shared inbound; an nftables
# mark stands in for the module's choice) to charon as responder. Traffic
# both ways; a delete from charon and from vpnfod is honoured; a crash
# leaves the fallback, a restart removes the stale state.
# Part B: charon initiates to vpnfod as a gateway responder; traffic both
# ways (IKE floats to 4500, ESP stays plain without NAT); a certificate
# from another group's CA and a revoked one are refused.
# Certificates are made here, into the test's /tmp directory.
#
# Behaviours checked:
#   A: module-form-policies       mark 0x100/0xff00 priority 100, the
#                                 fail-closed fallback
#      traffic-through-esp        ping answered, the outbound SA counts it
#      peer-delete-honoured       charon's delete removes both SAs; vpnfod
#                                 re-establishes, traffic again
#      crash-fails-closed         after a kill the fallback stays; a
#                                 restart removes the stale state
#      delete-at-exit             charon honours vpnfod's delete
#   B: responder-to-charon        charon establishes, traffic flows,
#                                 charon's delete removes the SAs
#      foreign-ca-refused         a certificate of another group's CA
#      revoked-refused            a certificate on the CRL, both logged
. "$(dirname "$0")/lib.sh"

NS_C=ike-client
NS_G=ike-gw1
LAB_LABS+=(ike-)	# lab_cleanup removes ike-client, ike-gw1
D=$LAB_TMP

ike_require charon

# ------------------------------------------------------------ certificates

pki_crl() {	# pki_crl CA REVOKED_CERT: CRL of CA revoking one certificate
	mkdir -p "$D/ca-db"
	: >"$D/ca-db/index.txt"
	cat >"$D/ca.cnf" <<-EOF
		[ca]
		default_ca = g
		[g]
		database = $D/ca-db/index.txt
		crlnumber = $D/ca-db/crlnumber
		default_md = sha256
		default_crl_days = 2
	EOF
	echo 01 >"$D/ca-db/crlnumber"
	openssl ca -config "$D/ca.cnf" -cert "$D/$1.pem" -keyfile "$D/$1.key" \
		-revoke "$D/$2.pem" 2>/dev/null &&
	openssl ca -config "$D/ca.cnf" -cert "$D/$1.pem" -keyfile "$D/$1.key" \
		-gencrl -out "$D/$1.crl" 2>/dev/null
}

ike_pki_ca groupca && ike_pki_ca otherca &&
ike_pki_leaf client client.example groupca 10 &&
ike_pki_leaf gw gw1.example groupca 11 rsa &&
ike_pki_leaf stranger client.example otherca 12 &&
ike_pki_leaf revoked client.example groupca 13 &&
pki_crl groupca revoked
check "test PKI made (group CA, other CA, RSA gateway, revoked client)" \
	test -s "$D/groupca.crl"

# ------------------------------------------------------------ topology

ike_lab_up $NS_C $NS_G
check "two namespaces joined by a veth" test $? = 0

# ------------------------------------------------------------ helpers

# SPIs of the ESP states in a namespace (reqid in vpnfod's range or any).
spis() {
	in_ns "$1" ip xfrm state 2>/dev/null | awk '/spi/ { print $4 }' | sort
}

nstates() {
	spis "$1" | grep -c .
}

has_states() {	# has_states NS N
	[ "$(nstates "$1")" = "$2" ]
}

ping_ok() {
	in_ns $NS_C ping -c 3 -i 0.2 -W 2 -I 192.0.2.100 203.0.113.1 \
		>/dev/null 2>&1
}

out_packets() {	# ESP packets sent on the client's SA towards the gateway
	in_ns $NS_C ip -s xfrm state list src 198.18.1.2 dst 198.18.1.1 \
		2>/dev/null |
		awk '/^[[:space:]]*[0-9]+\(bytes\),/ { sub(/\(packets\)/, "", $2); print $2; exit }'
}

has_fallback() {	# the fail-closed policy: transport template, reqid VPNFO_FALLBACK
	in_ns $NS_C ip xfrm policy list dir out 2>/dev/null |
		tr '\n' ' ' | grep -q 'reqid 1987079782 mode transport'
}

client_out_spi() {
	in_ns $NS_C ip xfrm state list src 198.18.1.2 dst 198.18.1.1 \
		2>/dev/null | awk '/spi/ { print $4; exit }'
}

# ------------------------------------------------------------ part A

# vpnfod on the client: one tunnel to gw1
{
	ike_vpnfod_conf tunnel gw1 198.18.1.2 198.18.1.1 192.0.2.100/32 \
		203.0.113.0/24 client 1 gw1.example
	printf 'mark 0x100 mask 0xff00\nesp aes128gcm16\nretransmit 1s 4\n'
} >"$D/client-vpnfod.conf"
ike_mark_stand_in $NS_C ike 0x100

check "vpnfod -t accepts the client configuration" \
	in_ns $NS_C "$VPNFOD" -t -c "$D/client-vpnfod.conf"
ike_swan_load swgw $NS_G gw "$(ike_swan_conn vpnfo 198.18.1.1 198.18.1.2 \
	"aes256gcm16-prfsha256-ecp256, aes128-sha256-prfsha256-curve25519" gw \
	203.0.113.0/24 192.0.2.100/32 "aes128gcm16, aes256gcm16, aes128-sha256")"
check "charon responder up in ike-gw1 (own conf, VICI, private /run)" \
	test $? = 0
ike_vpnfod_start vd-client $NS_C "$D/client-vpnfod.conf"
check "A: vpnfod initiator establishes IKE and CHILD SA with charon" \
	wait_for 40 has_states $NS_C 2
check "A: charon lists the IKE SA as established" \
	wait_for 5 ike_swan_established swgw
check "A: out policy with mark 0x100/0xff00, priority 100" \
	sh -c "ip netns exec $NS_C ip xfrm policy | grep -B3 -A3 'mark 0x100/0xff00' | grep -q 'priority 100'"
check "A: fail-closed fallback policy (reqid 0x76706e66, transport)" \
	has_fallback
spi=$(client_out_spi)
check "A: ping 192.0.2.100 -> 203.0.113.1 answered through ESP" ping_ok
check "A: the client's outbound SA counted the traffic" \
	cmp "$(out_packets "$spi")" -ge 3
old=$(spis $NS_C | tr '\n' ' ')

ike_swan swgw --terminate --ike vpnfo --timeout 10 >/dev/null 2>&1
gone() { ! spis $NS_C | grep -qF "$(echo "$old" | awk '{ print $1 }')"; }
check "A: delete from charon honoured (vpnfod removed both SAs)" \
	wait_for 10 gone
check "A: vpnfod re-establishes after the peer's delete" \
	wait_for 40 has_states $NS_C 2
check "A: traffic flows again" wait_for 10 ping_ok

kill -KILL "$(lab_bg_pid vd-client)" 2>/dev/null
lab_bg_wait vd-client
stale=$(spis $NS_C | tr '\n' ' ')
check "A: after a crash the fallback policy stays" has_fallback
ike_vpnfod_start vd-client2 $NS_C "$D/client-vpnfod.conf"
stale_gone() { ! spis $NS_C | grep -qF "$(echo "$stale" | awk '{ print $1 }')"; }
check "A: restart removes the state of the earlier run" wait_for 20 stale_gone
reestablished() { wait_for 40 has_states $NS_C 2 && wait_for 10 ping_ok; }
check "A: and establishes anew; traffic flows" reestablished

check_vpnfod_exit_delete A vd-client2 swgw
check "A: vpnfod removed its SAs at exit" has_states $NS_C 0
lab_bg_stop swgw
in_ns $NS_C nft delete table inet ike
ike_xfrm_flush $NS_C $NS_G

# ------------------------------------------------------------ part B

# vpnfod on gw1 answering the group's clients
{
	ike_vpnfod_conf group g1 198.18.1.1 "" 203.0.113.0/24 192.0.2.0/24 gw 2
	echo "crl $D/groupca.crl"
} >"$D/gw-vpnfod.conf"

# client_conn NAME CERT: charon's connection to gw1 with that certificate.
client_conn() {
	ike_swan_conn "$1" 198.18.1.2 198.18.1.1 \
		"aes128gcm16-prfsha256-ecp256, aes256-sha256-modp2048" "$2" \
		192.0.2.100/32 203.0.113.0/24 "aes256gcm16, aes128-sha256" \
		"O=vpnfo test, CN=gw1.example"
}

ike_vpnfod_start vd-gw $NS_G "$D/gw-vpnfod.conf"
ike_swan_load swc $NS_C "client stranger revoked" "$(client_conn good client)" \
	"$(client_conn stranger stranger)" "$(client_conn revoked revoked)"
check "charon initiator up in ike-client" test $? = 0
nap 1
check_charon_initiates B "charon initiator establishes with vpnfod responder" \
	swc good 40 $NS_G
check "B: ping 192.0.2.100 -> 203.0.113.1 answered through ESP" \
	wait_for 10 ping_ok
check_charon_delete B swc good $NS_G

ike_swan swc --initiate --child net --ike stranger --timeout 20 >/dev/null 2>&1
rc=$?
check "B: a certificate from another group's CA is refused" \
	sh -c "[ $rc != 0 ] && [ \$(ip netns exec $NS_G ip xfrm state | grep -c spi) = 0 ]"
ike_swan swc --initiate --child net --ike revoked --timeout 20 >/dev/null 2>&1
rc=$?
check "B: a revoked certificate is refused" \
	sh -c "[ $rc != 0 ] && [ \$(ip netns exec $NS_G ip xfrm state | grep -c spi) = 0 ]"
check "B: vpnfod logged both refusals" \
	sh -c "[ \$(grep -c 'peer certificate refused' $D/vd-gw.err) -ge 2 ]"

lab_bg_stop swc
lab_bg_stop vd-gw
if [ "$tap_failures" != 0 ]; then
	for f in vd-client vd-client2 vd-gw; do
		[ -f "$D/$f.err" ] && sed "s/^/# $f: /" "$D/$f.err" | tail -25
	done
	in_ns $NS_C ip xfrm policy | sed "s/^/# client policy: /"
	for f in swgw swc; do
		[ -f "$D/$f/charon.log" ] &&
			sed "s/^/# $f: /" "$D/$f/charon.log" | tail -25
	done
fi
tap_done
