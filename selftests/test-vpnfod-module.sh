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
# Behaviours checked:
#   enrollment-through-pkid       the PKI is set up, alice enrolls over
#                                 gw1's link; vpnfod -t accepts the state
#   forged-policy-refused         a policy.json that differs from the
#                                 signed policy.cms is refused, named
#   gateways-reflect-probes       each gateway's vpnfod turns the
#                                 reflector on
#   policy-registered-in-module   tunnel eng, both peers with the policy's
#                                 priorities, marks and probe settings
#   probes-through-the-sas        both gateways probed up, gw1 active,
#                                 a stream steered to gw1 only
#   failover-without-plaintext    gw1's link down: gw2 active, the stream
#                                 steered there, the capture clean
#   killed-vpnfod-leaves-tunnel   the next vpnfod replaces it, gw2 up,
#                                 traffic steered again
#   stop-removes-registration     tunnel gone, fail-closed policy stays,
#                                 reflectors off, no kernel warning
#
#   client --c-gwN/gwN-c--> gwN (N = 1, 2) --gwN-l/l-gwN--> lan
#   192.0.2.100 (up0)       203.0.113.N (lo, probe target)  203.0.113.100
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-enrolled.sh"
LAB_PREFIX=vm-
LAB_TUNNEL=eng
LAB_LABS+=(vm-)
D=$LAB_TMP

lab_require
enr_binaries || exit 1
lab_addrs

check "namespaces, links, the echo server" enr_topology
check "PKI: group, policy, user, two gateways exported" enr_pki
if enr_enroll; then
	ok "vpnfoctl enroll through vpnfo-pkid on gw1"
else
	not_ok "vpnfoctl enroll through vpnfo-pkid on gw1"
	sed 's/^/# /' "$D/enroll.out" "$LAB_TMP/pkid.err"
fi
diag "$(cat "$D/enroll.out")"

enr_client_conf
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

check "gateways' vpnfod turned the probe reflector on" enr_gateways_start -d

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
check_no_plaintext "failover"

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
	eval '! enr_reflector_on gw1 && ! enr_reflector_on gw2'
check "no kernel warning" dmesg_clean
tap_done
