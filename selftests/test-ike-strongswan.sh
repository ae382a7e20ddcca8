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
. "$(dirname "$0")/lib.sh"

VPNFOD=${VPNFOD:-$VPNFO_ROOT/ctl/vpnfod}
CHARON=${CHARON:-/usr/lib/ipsec/charon}
NS_C=ike-client
NS_G=ike-gw1
LAB_LABS+=(ike-)	# lab_cleanup removes ike-client, ike-gw1
D=$LAB_TMP

[ "$(id -u)" = 0 ] || skip_all "needs root"
for t in ip nft openssl swanctl unshare; do
	command -v $t >/dev/null || skip_all "$t not installed"
done
[ -x "$CHARON" ] || skip_all "strongswan-charon not installed"
[ -x "$VPNFOD" ] || { echo "# $VPNFOD missing: make -C ctl/ike" >&2; exit 1; }
modprobe -qa esp4 xfrm_user veth dummy nf_tables 2>/dev/null
lab_esp_works || skip_all "kernel has no ESP (run inside scripts/vm-run)"

# ------------------------------------------------------------ certificates

pki_ca() {	# pki_ca NAME
	openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		-nodes -keyout "$D/$1.key" -out "$D/$1.pem" -days 2 \
		-subj "/O=vpnfo test/CN=$1" \
		-addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
}

pki_leaf() {	# pki_leaf NAME CN CA SERIAL [rsa]
	local kopt=(-newkey ec -pkeyopt ec_paramgen_curve:P-256)

	[ "${5:-}" = rsa ] && kopt=(-newkey rsa:2048)
	openssl req -new "${kopt[@]}" -nodes -keyout "$D/$1.key" \
		-subj "/O=vpnfo test/CN=$2" -out "$D/$1.csr" 2>/dev/null &&
	printf 'subjectAltName=DNS:%s\n' "$2" >"$D/$1.ext" &&
	openssl x509 -req -in "$D/$1.csr" -CA "$D/$3.pem" -CAkey "$D/$3.key" \
		-set_serial "$4" -days 2 -extfile "$D/$1.ext" \
		-out "$D/$1.pem" 2>/dev/null
}

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

pki_ca groupca && pki_ca otherca &&
pki_leaf client client.example groupca 10 &&
pki_leaf gw gw1.example groupca 11 rsa &&
pki_leaf stranger client.example otherca 12 &&
pki_leaf revoked client.example groupca 13 &&
pki_crl groupca revoked
check "test PKI made (group CA, other CA, RSA gateway, revoked client)" \
	test -s "$D/groupca.crl"

# ------------------------------------------------------------ topology

ip netns add $NS_C && ip netns add $NS_G &&
ip link add c-gw1 netns $NS_C type veth peer name gw1-c netns $NS_G &&
in_ns $NS_C ip link set lo up && in_ns $NS_G ip link set lo up &&
in_ns $NS_C ip addr add 198.18.1.2/24 dev c-gw1 &&
in_ns $NS_G ip addr add 198.18.1.1/24 dev gw1-c &&
in_ns $NS_C ip link set c-gw1 up && in_ns $NS_G ip link set gw1-c up &&
in_ns $NS_C ip link add up0 type dummy && in_ns $NS_C ip link set up0 up &&
in_ns $NS_C ip addr add 192.0.2.100/32 dev up0 &&
in_ns $NS_C ip route add 203.0.113.0/24 dev up0 src 192.0.2.100 &&
in_ns $NS_G ip addr add 203.0.113.1/32 dev lo &&
in_ns $NS_G ip route add 192.0.2.100/32 dev gw1-c
check "two namespaces joined by a veth" test $? = 0

# ------------------------------------------------------------ helpers

charon_start() {	# charon_start NAME NS: charon with its own conf, run, VICI
	local dir=$D/$1

	mkdir -p "$dir"
	cat >"$dir/strongswan.conf" <<-EOF
		charon {
			load = random nonce kdf openssl pem pkcs1 pkcs8 x509 pubkey revocation constraints kernel-netlink socket-default vici
			install_routes = no
			retransmit_tries = 3
			retransmit_timeout = 2
			plugins {
				vici { socket = unix://$dir/charon.vici }
			}
			filelog {
				log { path = $dir/charon.log
				      flush_line = yes
				      default = 1
				      enc = 1
				      ike = 2
				      cfg = 2 }
			}
		}
	EOF
	lab_bg "$1" in_ns "$2" unshare -m --propagation private sh -c \
		"mount -t tmpfs tmpfs /run && exec env STRONGSWAN_CONF=$dir/strongswan.conf $CHARON"
	wait_for 30 test -S "$dir/charon.vici"
}

swan() {	# swan NAME ARGS...: swanctl against that charon
	local n=$1

	shift
	swanctl "$@" --uri "unix://$D/$n/charon.vici"
}

vpnfod_start() {	# vpnfod_start NAME NS CONF
	lab_bg "$1" in_ns "$2" "$VPNFOD" -d -c "$3"
}

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

mkdir -p "$D/swgw/private" && cp "$D/gw.key" "$D/swgw/private/"
cat >"$D/swgw/swanctl.conf" <<EOF
connections {
	vpnfo {
		version = 2
		local_addrs = 198.18.1.1
		remote_addrs = 198.18.1.2
		proposals = aes256gcm16-prfsha256-ecp256, aes128-sha256-prfsha256-curve25519
		local { auth = pubkey
			certs = $D/gw.pem }
		remote { auth = pubkey
			 cacerts = $D/groupca.pem }
		children {
			net { local_ts = 203.0.113.0/24
			      remote_ts = 192.0.2.100/32
			      esp_proposals = aes128gcm16, aes256gcm16, aes128-sha256
			      mode = tunnel }
		}
	}
}
EOF

cat >"$D/client-vpnfod.conf" <<EOF
# vpnfod on the client: one tunnel to gw1
[tunnel gw1]
local 198.18.1.2
remote 198.18.1.1
local-ts 192.0.2.100/32
remote-ts 203.0.113.0/24
cert $D/client.pem
key $D/client.key
ca $D/groupca.pem
remote-id gw1.example
mark 0x100 mask 0xff00
reqid 1
esp aes128gcm16
retransmit 1s 4
EOF

# The module's stand-in: protected traffic gets gw1's mark.
in_ns $NS_C nft -f - <<EOF
table inet ike {
	chain out {
		type route hook output priority mangle;
		ip daddr 203.0.113.0/24 meta mark set 0x100
	}
}
EOF

check "vpnfod -t accepts the client configuration" \
	in_ns $NS_C "$VPNFOD" -t -c "$D/client-vpnfod.conf"
charon_start swgw $NS_G &&
swan swgw --load-all --file "$D/swgw/swanctl.conf" >"$D/swgw.load" 2>&1
check "charon responder up in ike-gw1 (own conf, VICI, private /run)" \
	test $? = 0
vpnfod_start vd-client $NS_C "$D/client-vpnfod.conf"
check "A: vpnfod initiator establishes IKE and CHILD SA with charon" \
	wait_for 40 has_states $NS_C 2
check "A: charon lists the IKE SA as established" \
	wait_for 5 sh -c "swanctl --list-sas --uri unix://$D/swgw/charon.vici | grep -q ESTABLISHED"
check "A: out policy with mark 0x100/0xff00, priority 100" \
	sh -c "ip netns exec $NS_C ip xfrm policy | grep -B3 -A3 'mark 0x100/0xff00' | grep -q 'priority 100'"
check "A: fail-closed fallback policy (reqid 0x76706e66, transport)" \
	has_fallback
spi=$(client_out_spi)
check "A: ping 192.0.2.100 -> 203.0.113.1 answered through ESP" ping_ok
check "A: the client's outbound SA counted the traffic" \
	cmp "$(out_packets "$spi")" -ge 3
old=$(spis $NS_C | tr '\n' ' ')

swan swgw --terminate --ike vpnfo --timeout 10 >/dev/null 2>&1
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
vpnfod_start vd-client2 $NS_C "$D/client-vpnfod.conf"
stale_gone() { ! spis $NS_C | grep -qF "$(echo "$stale" | awk '{ print $1 }')"; }
check "A: restart removes the state of the earlier run" wait_for 20 stale_gone
reestablished() { wait_for 40 has_states $NS_C 2 && wait_for 10 ping_ok; }
check "A: and establishes anew; traffic flows" reestablished

lab_bg_stop vd-client2
check "A: vpnfod's delete at exit honoured by charon" \
	wait_for 10 sh -c "! swanctl --list-sas --uri unix://$D/swgw/charon.vici | grep -q ESTABLISHED"
check "A: vpnfod removed its SAs at exit" has_states $NS_C 0
lab_bg_stop swgw
in_ns $NS_C nft delete table inet ike
in_ns $NS_C ip xfrm policy flush
in_ns $NS_G ip xfrm policy flush
in_ns $NS_G ip xfrm state flush

# ------------------------------------------------------------ part B

cat >"$D/gw-vpnfod.conf" <<EOF
# vpnfod on gw1 answering the group's clients
[group g1]
local 198.18.1.1
local-ts 203.0.113.0/24
remote-ts 192.0.2.0/24
cert $D/gw.pem
key $D/gw.key
ca $D/groupca.pem
crl $D/groupca.crl
reqid 2
EOF

client_conn() {	# client_conn NAME CERT
	cat <<-EOF
	$1 {
		version = 2
		local_addrs = 198.18.1.2
		remote_addrs = 198.18.1.1
		proposals = aes128gcm16-prfsha256-ecp256, aes256-sha256-modp2048
		local { auth = pubkey
			certs = $D/$2.pem }
		remote { auth = pubkey
			 id = "O=vpnfo test, CN=gw1.example"
			 cacerts = $D/groupca.pem }
		children {
			net { local_ts = 192.0.2.100/32
			      remote_ts = 203.0.113.0/24
			      esp_proposals = aes256gcm16, aes128-sha256
			      mode = tunnel }
		}
	}
	EOF
}
mkdir -p "$D/swc/private" &&
cp "$D/client.key" "$D/stranger.key" "$D/revoked.key" "$D/swc/private/"
{
	echo "connections {"
	client_conn good client
	client_conn stranger stranger
	client_conn revoked revoked
	echo "}"
} >"$D/swc/swanctl.conf"

vpnfod_start vd-gw $NS_G "$D/gw-vpnfod.conf"
charon_start swc $NS_C &&
swan swc --load-all --file "$D/swc/swanctl.conf" >"$D/swc.load" 2>&1
check "charon initiator up in ike-client" test $? = 0
nap 1
swan swc --initiate --child net --ike good --timeout 40 >"$D/init.out" 2>&1
check "B: charon initiator establishes with vpnfod responder" test $? = 0
check "B: vpnfod installed the gateway's two SAs" \
	wait_for 5 has_states $NS_G 2
check "B: ping 192.0.2.100 -> 203.0.113.1 answered through ESP" \
	wait_for 10 ping_ok
swan swc --terminate --ike good --timeout 10 >/dev/null 2>&1
check "B: delete from charon honoured (gateway SAs removed)" \
	wait_for 10 has_states $NS_G 0

swan swc --initiate --child net --ike stranger --timeout 20 >/dev/null 2>&1
rc=$?
check "B: a certificate from another group's CA is refused" \
	sh -c "[ $rc != 0 ] && [ \$(ip netns exec $NS_G ip xfrm state | grep -c spi) = 0 ]"
swan swc --initiate --child net --ike revoked --timeout 20 >/dev/null 2>&1
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
