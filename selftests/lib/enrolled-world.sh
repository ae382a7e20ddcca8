# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The world of an enrolled client, shared by test-vpnfod-module.sh and
# scripts/bench-enrolled-start through selftests/lib-enrolled.sh (sourced
# after lib.sh, with LAB_PREFIX set and lab_addrs called). A real PKI
# (vpnfo-pki), enrollment through vpnfo-pkid on gw1, each gateway running
# `vpnfod --gateway-export` from its own export.
# Files go to $LAB_TMP: pki.db, gw1/ gw2/ (exports), state/ (the client's
# enrollment state), client.conf (its options file). Each function returns
# 0 or 1 and prints nothing on success; the caller reports.
#
#   client --c-gwN/gwN-c--> gwN (N = 1, 2) --gwN-l/l-gwN--> lan
#   192.0.2.100 (up0)       203.0.113.N (lo, probe target)  203.0.113.100

VPNFOD=${VPNFOD:-$VPNFO_ROOT/ctl/vpnfod/vpnfod}
VPNFO_PKI=${VPNFO_PKI:-$VPNFO_ROOT/pki/vpnfo-pki}
VPNFO_PKID=${VPNFO_PKID:-$VPNFO_ROOT/pki/vpnfo-pkid}
# jq filter applied to the group's policy after the lab's own settings
# (the benchmark pins the proposals).
ENR_POLICY_JQ=${ENR_POLICY_JQ:-.}

# enr_binaries: vpnfod and the PKI's programs are built.
enr_binaries() {
	local b

	for b in "$VPNFOD" "$VPNFO_PKI" "$VPNFO_PKID"; do
		[ -x "$b" ] || { echo "# $b missing: make" >&2; return 1; }
	done
}

# enr_topology: namespaces, links, routes and the lan's echo server.
enr_topology() {
	local n p=$LAB_PREFIX

	{
		for n in client gw1 gw2 lan; do
			echo "netns add $p$n"
		done
		for n in 1 2; do
			echo "link add c-gw$n netns ${p}client type veth peer gw$n-c netns ${p}gw$n"
			echo "link add gw$n-l netns ${p}gw$n type veth peer l-gw$n netns ${p}lan"
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
	} | ip -n "${p}client" -batch - || return 1
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
		} | ip -n "${p}gw$n" -batch - || return 1
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
	} | ip -n "${p}lan" -batch - || return 1
	lab_bg echo in_ns lan "$LAB_TOOLS/udp-echo" -p "$LAB_ECHO_PORT" -t 600
}

enr_pki_run() {
	"$VPNFO_PKI" --db "sqlite:$LAB_TMP/pki.db" --secret "$LAB_TMP/secret" "$@"
}

# enr_pki: group eng (the lab's protected prefix, probes tolerant of TCG,
# then ENR_POLICY_JQ), user alice, gateways gw1 (priority 10) and gw2 (20),
# both exported.
enr_pki() {
	local d=$LAB_TMP

	enr_pki_run init >/dev/null && enr_pki_run group add eng >/dev/null &&
	enr_pki_run policy show eng | jq -c 'del(.group, .gateways) |
		.selectors = ["203.0.113.0/24"] | .probe_interval_ms = 50 |
		.probe_failures = 20 | .failback_interval_ms = 2000' |
		jq -c "$ENR_POLICY_JQ" >"$d/policy.json" &&
	enr_pki_run policy set eng "$d/policy.json" >/dev/null &&
	VPNFO_PASSWORD=pw-alice enr_pki_run user add alice eng >/dev/null &&
	enr_pki_run gateway add gw1 --addr "$(wan_gw 1)" --priority 10 \
		--group eng >/dev/null &&
	enr_pki_run gateway add gw2 --addr "$(wan_gw 2)" --priority 20 \
		--group eng >/dev/null &&
	enr_pki_run gateway export gw1 --out "$d/gw1" >/dev/null &&
	enr_pki_run gateway export gw2 --out "$d/gw2" >/dev/null
}

# enr_enroll: alice enrolls over gw1's link, before any IPsec exists, into
# $LAB_TMP/state; vpnfoctl's output in $LAB_TMP/enroll.out.
enr_enroll() {
	local d=$LAB_TMP rc

	lab_bg pkid in_ns gw1 "$VPNFO_PKID" --db "sqlite:$d/pki.db" \
		--secret "$d/secret" --listen "$(wan_gw 1)" --port 8443 \
		--name "$(wan_gw 1)" --port-file "$d/pkid.port" -q
	wait_for 30 test -s "$d/pkid.port"
	VPNFO_PASSWORD=pw-alice in_ns client "$VPNFOCTL" enroll \
		--server "$(wan_gw 1):8443" --user alice --timeout 60 \
		--ca-file "$d/gw1/service-ca.crt" --dir "$d/state" \
		>"$d/enroll.out" 2>&1
	rc=$?
	lab_bg_stop pkid
	return $rc
}

# enr_client_conf: what the client adds to the enrollment state: its inner
# address, the gateways' probe addresses.
enr_client_conf() {
	printf 'local-ts %s/32\nprobe gw1 %s\nprobe gw2 %s\n' "$CIN" \
		"$(gw_inner 1)" "$(gw_inner 2)" >"$LAB_TMP/client.conf"
}

enr_reflector_on() {
	[ "$(json_val "$(in_ns "$1" "$VPNFOCTL" --json reflector show)" \
		enabled)" = true ]
}

# enr_gateways_start [VPNFOD ARGS...]: vpnfod --gateway-export on gw1 and
# gw2 (background jobs gw1, gw2); waits for both probe reflectors.
enr_gateways_start() {
	local n

	for n in 1 2; do
		lab_bg "gw$n" in_ns "gw$n" "$VPNFOD" "$@" \
			--gateway-export "$LAB_TMP/gw$n"
	done
	wait_for 30 eval 'enr_reflector_on gw1 && enr_reflector_on gw2'
}
