#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# An enrolled client: the PKI (vpnfo-pki, vpnfo-pkid on gw1) enrolls it for
# real, each gateway runs `vpnfod --gateway-export` from its own export,
# the client runs `vpnfod --enrolled` from its state directory. vpnfod
# registers the tunnel and both gateways with vpnfo.ko (priorities and
# probe settings from the signed policy), the module probes both, traffic
# flows through gw1; gw1's link goes down and traffic moves to gw2 with
# no plaintext. Stopping vpnfod removes what it registered.
#
#   client --c-gwN/gwN-c--> gwN (N = 1, 2) --gwN-l/l-gwN--> lan
#   192.0.2.100 (up0)       203.0.113.N (lo, probe target)  203.0.113.100
. "$(dirname "$0")/lib.sh"

VPNFOD=${VPNFOD:-$VPNFO_ROOT/ctl/vpnfod}
VPNFO_PKI=${VPNFO_PKI:-$VPNFO_ROOT/pki/vpnfo-pki}
VPNFO_PKID=${VPNFO_PKID:-$VPNFO_ROOT/pki/vpnfo-pkid}
LAB_PREFIX=vm-
LAB_TUNNEL=eng
LAB_LABS+=(vm-)
D=$LAB_TMP

lab_require
for b in "$VPNFOD" "$VPNFO_PKI" "$VPNFO_PKID"; do
	[ -x "$b" ] || { echo "# $b missing: make" >&2; exit 1; }
done
lab_addrs

# ------------------------------------------------------------ topology

vm_topology() {
	local n

	{
		for n in client gw1 gw2 lan; do
			echo "netns add vm-$n"
		done
		for n in 1 2; do
			echo "link add c-gw$n netns vm-client type veth peer gw$n-c netns vm-gw$n"
			echo "link add gw$n-l netns vm-gw$n type veth peer l-gw$n netns vm-lan"
		done
	} | ip -batch - || return 1
	for n in client gw1 gw2 lan; do
		in_ns "$n" sh -c '
			for f in /proc/sys/net/ipv4/conf/*/rp_filter; do
				echo 0 >"$f"
			done
			echo 1 >/proc/sys/net/ipv4/ip_forward' || return 1
	done
	{
		echo "link set lo up"
		echo "link add up0 type dummy"
		echo "link set up0 up"
		echo "addr add $CIN/32 dev up0"
		for n in 1 2; do
			echo "link set c-gw$n up"
			echo "addr add $(wan_client "$n")/24 dev c-gw$n"
		done
		echo "route add $PFX dev up0 src $CIN"
	} | ip -n vm-client -batch - || return 1
	for n in 1 2; do
		{
			echo "link set lo up"
			echo "addr add $(gw_inner "$n")/32 dev lo"
			echo "link set gw$n-c up"
			echo "addr add $(wan_gw "$n")/24 dev gw$n-c"
			echo "link set gw$n-l up"
			echo "addr add $(lan_gw "$n")/24 dev gw$n-l"
			echo "route add $SRV/32 via $(lan_srv "$n") dev gw$n-l"
			echo "route add $CIN/32 via $(wan_client "$n") dev gw$n-c"
		} | ip -n "vm-gw$n" -batch - || return 1
	done
	{
		echo "link set lo up"
		echo "addr add $SRV/32 dev lo"
		for n in 1 2; do
			echo "link set l-gw$n up"
			echo "addr add $(lan_srv "$n")/24 dev l-gw$n"
			echo "route add $CIN/32 via $(lan_gw "$n") dev l-gw$n metric $n"
			# The echo answers out of the link a datagram came in on.
			echo "rule add oif l-gw$n table $((100 + n)) pref 100"
			echo "route add $CIN/32 via $(lan_gw "$n") dev l-gw$n table $((100 + n))"
		done
	} | ip -n vm-lan -batch - || return 1
	lab_bg echo in_ns lan "$LAB_TOOLS/udp-echo" -p "$LAB_ECHO_PORT" -t 600
}

check "namespaces, links, the echo server" vm_topology

# ------------------------------------------------------------ PKI

pki() { "$VPNFO_PKI" --db "sqlite:$D/pki.db" --secret "$D/secret" "$@"; }

# The group's policy: the lab's protected prefix, probes tolerant of TCG.
vm_pki() {
	pki init >/dev/null && pki group add eng >/dev/null &&
	pki policy show eng | jq -c 'del(.group, .gateways) |
		.selectors = ["203.0.113.0/24"] | .probe_interval_ms = 50 |
		.probe_failures = 20 | .failback_interval_ms = 2000' \
		>"$D/policy.json" &&
	pki policy set eng "$D/policy.json" >/dev/null &&
	VPNFO_PASSWORD=pw-alice pki user add alice eng >/dev/null &&
	pki gateway add gw1 --addr "$(wan_gw 1)" --priority 10 --group eng \
		>/dev/null &&
	pki gateway add gw2 --addr "$(wan_gw 2)" --priority 20 --group eng \
		>/dev/null &&
	pki gateway export gw1 --out "$D/gw1" >/dev/null &&
	pki gateway export gw2 --out "$D/gw2" >/dev/null
}
check "PKI: group, policy, user, two gateways exported" vm_pki

# Enrollment over gw1's link, before any IPsec exists.
lab_bg pkid in_ns gw1 "$VPNFO_PKID" --db "sqlite:$D/pki.db" \
	--secret "$D/secret" --listen "$(wan_gw 1)" --port 8443 \
	--name "$(wan_gw 1)" --port-file "$D/pkid.port" -q
wait_for 30 test -s "$D/pkid.port"
if VPNFO_PASSWORD=pw-alice in_ns client "$VPNFOCTL" enroll \
	--server "$(wan_gw 1):8443" --user alice --timeout 60 \
	--ca-file "$D/gw1/service-ca.crt" --dir "$D/state" >"$D/enroll.out" 2>&1; then
	ok "vpnfoctl enroll through vpnfo-pkid on gw1"
else
	not_ok "vpnfoctl enroll through vpnfo-pkid on gw1"
	sed 's/^/# /' "$D/enroll.out" "$LAB_TMP/pkid.err"
fi
diag "$(cat "$D/enroll.out")"
lab_bg_stop pkid

# What the client adds to the enrollment state: its inner address, the
# gateways' probe addresses.
printf 'local-ts %s/32\nprobe gw1 %s\nprobe gw2 %s\n' "$CIN" \
	"$(gw_inner 1)" "$(gw_inner 2)" >"$D/client.conf"
check "vpnfod -t --enrolled accepts the state" \
	in_ns client "$VPNFOD" -t --enrolled "$D/state" -c "$D/client.conf"

# A policy.json that is not what the CA signed is refused.
cp -r "$D/state" "$D/forged"
sed -i 's/"probe_failures":20/"probe_failures":21/' "$D/forged/policy.json"
"$VPNFOD" -t --enrolled "$D/forged" -c "$D/client.conf" >"$D/forged.out" 2>&1
check "a forged policy.json is refused, the file named" \
	grep -q "forged/policy.json: differs from the signed policy.cms" \
	"$D/forged.out"

# ------------------------------------------------------------ vpnfod

for n in 1 2; do
	lab_bg "gw$n" in_ns "gw$n" "$VPNFOD" -d --gateway-export "$D/gw$n"
done
reflector_on() {
	[ "$(json_val "$(in_ns "$1" "$VPNFOCTL" --json reflector show)" \
		enabled)" = true ]
}
check "gateways' vpnfod turned the probe reflector on" \
	wait_for 30 eval 'reflector_on gw1 && reflector_on gw2'

lab_bg client in_ns client "$VPNFOD" -d --enrolled "$D/state" \
	-c "$D/client.conf"
check "vpnfod registered tunnel eng with vpnfo.ko" \
	wait_for 30 eval '[ "$(tunnel_stat peer_count)" = 2 ]'
pj=$(peers_json)
diag "peers: $pj"
check "gw1: priority 10, mark 0x100 (the policy's order)" \
	eval '[ "$(peer_field gw1 priority "$pj")" = 10 ] &&
	      [ "$(peer_field gw1 mark "$pj")" = 256 ]'
check "gw2: priority 20, mark 0x200" \
	eval '[ "$(peer_field gw2 priority "$pj")" = 20 ] &&
	      [ "$(peer_field gw2 mark "$pj")" = 512 ]'
check "probe settings from the policy (50 ms, 20 misses)" \
	eval '[ "$(peer_field gw1 interval_us "$pj")" = 50000 ] &&
	      [ "$(peer_field gw2 threshold "$pj")" = 20 ]'
if wait_for 120 eval 'peer_is gw1 up && peer_is gw2 up'; then
	ok "the module probes both gateways through their SAs: both up"
else
	not_ok "the module probes both gateways through their SAs: both up"
	diag "peers: $(peers_json)"
	in_ns client ip xfrm state | sed 's/^/# client xfrm: /' | head -20
	tail -15 "$LAB_TMP/client.err" | sed 's/^/# client: /'
	tail -8 "$LAB_TMP/gw1.err" | sed 's/^/# gw1: /'
fi
check "gw1 active" wait_for 20 active_is gw1

# stream_via NAME GW [OTHER]: a stream is answered, all of it steered to
# GW by vpnfo (and nothing to OTHER).
stream_via() {
	local name=$1 gw=$2 other=${3:-} pj0 pj1 sent recv

	pj0=$(peers_json)
	stream_run 200 3 --drain 2000
	pj1=$(peers_json)
	stream_summary stream
	sent=$(stream_field stream sent)
	recv=$(stream_field stream received)
	check "$name: a stream is answered ($recv of $sent)" \
		all_answered "$sent" "$recv"
	check "$name: vpnfo steered it to $gw" \
		cmp "$(sub "$(peer_field "$gw" tx_packets "$pj1")" \
			"$(peer_field "$gw" tx_packets "$pj0")")" -ge "$sent"
	[ -z "$other" ] && return
	check "$name: and nothing to $other" \
		cmp "$(sub "$(peer_field "$other" tx_packets "$pj1")" \
			"$(peer_field "$other" tx_packets "$pj0")")" -eq 0
}

stream_via "gw1 active" gw1 gw2

# gw1's link goes down in the middle of a stream.
capture_start
stream_start fo 200 40 --drain 2000 --gaps "$LAB_TMP/fo.gaps"
nap 2
ip -n vm-gw1 link set gw1-c down
check "gw1's link down: vpnfo moves to gw2" wait_for 30 active_is gw2
check "gw1's link down: vpnfo sees gw1 down" peer_is gw1 down
nap 2
lab_bg_stop fo
stream_summary fo
diag "interruption across the failure: $(stream_field fo max_gap_ms) ms (TCG)"
stream_via "after the switch" gw2
capture_stop
capture_check "failover"

# A vpnfod killed outright leaves its tunnel in the module (traffic stays
# steered or dropped, never plain); the next one replaces it.
kill -KILL "$(lab_bg_pid client)"
lab_bg_wait client
check "client vpnfod killed: tunnel eng stays in vpnfo.ko" \
	eval 'vctl tunnel show eng >/dev/null 2>&1'
lab_bg client2 in_ns client "$VPNFOD" -d --enrolled "$D/state" \
	-c "$D/client.conf"
check "a new vpnfod replaces the tunnel left behind" \
	wait_for 30 grep -q "tunnel eng exists, replacing it" \
	"$LAB_TMP/client2.err"
check "the new vpnfod's SAs bring gw2 up and active" \
	wait_for 120 eval 'peer_is gw2 up && active_is gw2'
stream_via "new vpnfod" gw2

# Stopping vpnfod removes its tunnel and leaves the fail-closed policy.
lab_bg_stop client2
check "client vpnfod stopped: tunnel eng gone from vpnfo.ko" \
	eval '! vctl tunnel show eng >/dev/null 2>&1'
check "the fail-closed fallback policy stays" \
	eval 'in_ns client ip xfrm policy | grep -q "reqid 1987079782 "'
for n in 1 2; do
	lab_bg_stop "gw$n"
done
check "gateways' vpnfod stopped: reflectors off again" \
	eval '! reflector_on gw1 && ! reflector_on gw2'
check "no kernel warning" dmesg_clean
tap_done
