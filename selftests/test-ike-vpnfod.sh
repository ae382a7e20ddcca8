#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vpnfod against vpnfod over kernel ESP (run in QEMU through scripts/vm-run),
# once per proposal set it supports: each IKE suite, each DH group, each
# ESP suite at least once; RSA and ECDSA certificates. For each: the IKE
# and CHILD SA come up with the expected algorithms in XFRM, a ping is
# answered through ESP, and a stop of the client removes the gateway's SAs.
# Then a gateway serving two groups on one address.
#
# Behaviours checked, per proposal set (IKE/DH/ESP, certificate type):
#   sas-up-both-sides             IKE and CHILD SA on client and gateway
#   kernel-uses-negotiated-alg    the XFRM state carries the algorithm
#   ping-through-esp              answered through the SA
#   client-stop-deletes           the gateway's SAs go with the client
# and for two groups on one address:
#   group-chosen-by-ca            the second group's client is served with
#                                 that group's reqid, traffic flows, the
#                                 gateway logs which group
#
#   ikev-client 198.18.1.2 (192.0.2.100) -- ikev-gw1 198.18.1.1 (203.0.113.1)
. "$(dirname "$0")/lib.sh"

C=ikev-client
G=ikev-gw1
LAB_LABS+=(ikev-)
D=$LAB_TMP

ike_require

ike_pki_ca ca &&
ike_pki_leaf c-ec client.example ca 10 && ike_pki_leaf g-ec gw1.example ca 11 &&
ike_pki_leaf c-rsa client.example ca 12 rsa &&
ike_pki_leaf g-rsa gw1.example ca 13 rsa
check "test PKI made (ECDSA and RSA)" test -s "$D/g-rsa.pem"

ike_lab_up $C $G
check "two namespaces joined by a veth" test $? = 0

conf() {	# conf ROLE CERT IKE DH ESP
	if [ "$1" = client ]; then
		printf '[tunnel gw1]\nlocal 198.18.1.2\nremote 198.18.1.1\n'
		printf 'local-ts 192.0.2.100/32\nremote-ts 203.0.113.0/24\n'
		printf 'remote-id gw1.example\nreqid 1\n'
	else
		printf '[group g]\nlocal 198.18.1.1\n'
		printf 'local-ts 203.0.113.0/24\nremote-ts 192.0.2.0/24\nreqid 2\n'
	fi
	printf 'cert %s\nkey %s\nca %s\n' "$D/$2.pem" "$D/$2.key" "$D/ca.pem"
	printf 'ike %s\ndh %s\nesp %s\nretransmit 1s 4\n' "$3" "$4" "$5"
}

ping_ok() {
	in_ns $C ping -c 2 -i 0.2 -W 2 -I 192.0.2.100 203.0.113.1 \
		>/dev/null 2>&1
}

# one IKE DH ESP KERNEL-ALG CERTS: a full round with one proposal set.
i=0
one() {
	local name="$1/$2/$3 ($5)"

	i=$((i + 1))
	conf gw "g-$5" "$1" "$2" "$3" >"$D/g$i.conf"
	conf client "c-$5" "$1" "$2" "$3" >"$D/c$i.conf"
	ike_vpnfod_start "g$i" $G "$D/g$i.conf"
	ike_vpnfod_start "c$i" $C "$D/c$i.conf"
	if wait_for 30 ike_states_are $C 2 && wait_for 5 ike_states_are $G 2; then
		ok "$name: SAs up on both sides"
	else
		not_ok "$name: SAs up on both sides"
		sed "s/^/# c$i: /" "$D/c$i.err" | tail -8
		sed "s/^/# g$i: /" "$D/g$i.err" | tail -8
	fi
	check "$name: kernel SA uses $4" \
		sh -c "ip netns exec $C ip xfrm state | grep -q '$4'"
	check "$name: ping answered through ESP" wait_for 10 ping_ok
	lab_bg_stop "c$i"
	check "$name: client stop deletes the gateway's SAs" \
		wait_for 10 ike_states_are $G 0
	lab_bg_stop "g$i"
}

one aes128gcm16-prfsha256 ecp256 aes128gcm16 'rfc4106(gcm(aes))' ec
one aes256gcm16-prfsha384 ecp384 aes256gcm16 'rfc4106(gcm(aes))' rsa
one aes128-sha256 curve25519 aes128-sha256 'hmac(sha256)' ec
one aes256-sha384 modp2048 aes256-sha384 'hmac(sha384)' rsa

# Two groups on one address: the client's CA picks its group at IKE_AUTH
# (the first group, "other", has another CA and gateway certificate).
ike_pki_ca ca2 && ike_pki_leaf g2 gw1.example ca2 14 && {
	printf '[group other]\nlocal 198.18.1.1\nlocal-ts 203.0.113.0/24\n'
	printf 'remote-ts 192.0.2.0/24\nreqid 3\n'
	printf 'cert %s\nkey %s\nca %s\n\n' "$D/g2.pem" "$D/g2.key" "$D/ca2.pem"
	conf gw g-ec aes128gcm16-prfsha256 ecp256 aes128gcm16
} >"$D/g-two.conf"
conf client c-ec aes128gcm16-prfsha256 ecp256 aes128gcm16 >"$D/c-two.conf"
ike_vpnfod_start g-two $G "$D/g-two.conf"
ike_vpnfod_start c-two $C "$D/c-two.conf"
check "two groups on one address: the second group's client is served" \
	wait_for 30 ike_states_are $C 2
check "two groups on one address: its SAs have group g's reqid" \
	sh -c "ip netns exec $G ip xfrm state | grep -q 'reqid 1986265090 '"
check "two groups on one address: ping answered through ESP" \
	wait_for 10 ping_ok
check "two groups on one address: the gateway says which group" \
	grep -q 'initiator belongs to group g' "$D/g-two.err"
lab_bg_stop c-two
lab_bg_stop g-two
tap_done
