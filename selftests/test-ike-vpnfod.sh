#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vpnfod against vpnfod over kernel ESP (run in QEMU through scripts/vm-run),
# once per proposal set it supports: each IKE suite, each DH group, each
# ESP suite at least once; RSA and ECDSA certificates. For each: the IKE
# and CHILD SA come up with the expected algorithms in XFRM, a ping is
# answered through ESP, and a stop of the client removes the gateway's SAs.
#
#   ikev-client 198.18.1.2 (192.0.2.100) -- ikev-gw1 198.18.1.1 (203.0.113.1)
. "$(dirname "$0")/lib.sh"

VPNFOD=${VPNFOD:-$VPNFO_ROOT/ctl/vpnfod}
C=ikev-client
G=ikev-gw1
LAB_LABS+=(ikev-)
D=$LAB_TMP

[ "$(id -u)" = 0 ] || skip_all "needs root"
command -v openssl >/dev/null || skip_all "openssl not installed"
[ -x "$VPNFOD" ] || { echo "# $VPNFOD missing: make -C ctl/ike" >&2; exit 1; }
modprobe -qa esp4 xfrm_user veth dummy 2>/dev/null
lab_esp_works || skip_all "kernel has no ESP (run inside scripts/vm-run)"

mk() {	# mk NAME CN [rsa]: key and certificate from the group CA
	local k=(-newkey ec -pkeyopt ec_paramgen_curve:P-256)

	[ "${3:-}" = rsa ] && k=(-newkey rsa:2048)
	openssl req -new "${k[@]}" -nodes -keyout "$D/$1.key" \
		-subj "/CN=$2" -out "$D/$1.csr" 2>/dev/null &&
	printf 'subjectAltName=DNS:%s\n' "$2" >"$D/$1.ext" &&
	openssl x509 -req -in "$D/$1.csr" -CA "$D/ca.pem" -CAkey "$D/ca.key" \
		-set_serial "$RANDOM" -days 2 -extfile "$D/$1.ext" \
		-out "$D/$1.pem" 2>/dev/null
}
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$D/ca.key" -out "$D/ca.pem" -days 2 -subj "/CN=group CA" \
	-addext basicConstraints=critical,CA:TRUE 2>/dev/null &&
mk c-ec client.example && mk g-ec gw1.example &&
mk c-rsa client.example rsa && mk g-rsa gw1.example rsa
check "test PKI made (ECDSA and RSA)" test -s "$D/g-rsa.pem"

ip netns add $C && ip netns add $G &&
ip link add c-gw1 netns $C type veth peer name gw1-c netns $G &&
in_ns $C ip link set lo up && in_ns $G ip link set lo up &&
in_ns $C ip addr add 198.18.1.2/24 dev c-gw1 &&
in_ns $G ip addr add 198.18.1.1/24 dev gw1-c &&
in_ns $C ip link set c-gw1 up && in_ns $G ip link set gw1-c up &&
in_ns $C ip link add up0 type dummy && in_ns $C ip link set up0 up &&
in_ns $C ip addr add 192.0.2.100/32 dev up0 &&
in_ns $C ip route add 203.0.113.0/24 dev up0 src 192.0.2.100 &&
in_ns $G ip addr add 203.0.113.1/32 dev lo &&
in_ns $G ip route add 192.0.2.100/32 dev gw1-c
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

nstates() { in_ns "$1" ip xfrm state 2>/dev/null | grep -c '^src'; }
states_are() { [ "$(nstates "$1")" = "$2" ]; }
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
	lab_bg "g$i" in_ns $G "$VPNFOD" -d -c "$D/g$i.conf"
	lab_bg "c$i" in_ns $C "$VPNFOD" -d -c "$D/c$i.conf"
	if wait_for 30 states_are $C 2 && wait_for 5 states_are $G 2; then
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
		wait_for 10 states_are $G 0
	lab_bg_stop "g$i"
}

one aes128gcm16-prfsha256 ecp256 aes128gcm16 'rfc4106(gcm(aes))' ec
one aes256gcm16-prfsha384 ecp384 aes256gcm16 'rfc4106(gcm(aes))' rsa
one aes128-sha256 curve25519 aes128-sha256 'hmac(sha256)' ec
one aes256-sha384 modp2048 aes256-sha384 'hmac(sha384)' rsa
tap_done
