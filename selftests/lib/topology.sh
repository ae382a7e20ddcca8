# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The failover lab: five network namespaces joined by veth pairs, static
# ESP SAs between the client and each gateway, the client's XFRM policies
# in the vpnfo module's form, the echo server, and vpnfo configured on
# top (lab_setup). Sourced by selftests/lib.sh.
#
#                          WAN: ESP only                          LAN: plaintext
#                          198.18.N.0/24, 2001:db8:N::/64         198.19.N.0/24, 2001:db8:f:N::/64
#  +--------------------+                 +------------------+                 +--------------------+
#  | client             | c-gw1 --- gw1-c | gw1 (prio 10)    | gw1-l --- l-gw1 | lan                |
#  |  up0 (dummy):      |   .2       .1   |  lo 203.0.113.1  |   .1       .2   |  lo 203.0.113.100  |
#  |  192.0.2.100       | c-gw2 --- gw2-c | gw2 (prio 20)    | gw2-l --- l-gw2 |  2001:db8:100::64  |
#  |  2001:db8:c::100   |                 |  lo 203.0.113.2  |                 |  udp-echo, port 7  |
#  |  vpnfo: tunnel t1  | c-gw3 --- gw3-c | gw3 (prio 30)    | gw3-l --- l-gw3 |                    |
#  |  peers gw1-gw3     |                 |  lo 203.0.113.3  |                 |                    |
#  +--------------------+                 +------------------+                 +--------------------+
#
#   IPv6 (LAB_FAMILY=6): WAN 2001:db8:N::2 / ::1, LAN 2001:db8:f:N::1 / ::2,
#   gwN's lo 2001:db8:100::N.
#   protected prefixes: 203.0.113.0/24, 2001:db8:100::/64 (gwN's probe
#   target is 203.0.113.N / 2001:db8:100::N on its lo)
#   client -> gwN: mark 0x100 * N selects gwN's SA (SPI 0x1000 + N up,
#   0x2000 + N down); no mark ends on the fail-closed policy (reqid
#   LAB_FALLBACK_REQID), which no SA matches.
#
# Namespaces are "${LAB_PREFIX}client", "${LAB_PREFIX}gw1", ... so that two
# labs can run at once; every function works on the lab named by the
# current LAB_PREFIX (bash lets a test say `LAB_PREFIX=b- lab_fail 1 link`).
# LAB_FAMILY (4 or 6) chooses inner and outer addresses of a lab at setup.

LAB_PREFIX=${LAB_PREFIX:-}
LAB_FAMILY=${LAB_FAMILY:-4}
LAB_TUNNEL=${LAB_TUNNEL:-t1}
LAB_ECHO_PORT=7
LAB_MARK_MASK=0xff00
LAB_FALLBACK_REQID=0x76706e66	# VPNFO_FALLBACK_REQID, uapi/linux/vpnfo.h
# Probe settings of every peer (lab_vpnfo); empty: the module's defaults,
# which scripts/bench-failover measures. lab_setup, the tests' entry, uses
# LAB_TEST_PEER_OPTS unless a test set LAB_PEER_OPTS: under TCG a busy guest
# delays packets by up to ~0.5 s (measured: echo RTTs of 420 ms during a
# 1 kHz stream), which the defaults (10 ms, 3 misses) rightly call a dead
# gateway. The tests give probes 1 s.
LAB_PEER_OPTS=${LAB_PEER_OPTS:-}
LAB_TEST_PEER_OPTS="interval 50ms threshold 20"
LAB_HOLD=${LAB_HOLD:-}

# lab_require: skip the file unless this machine can run the lab for real.
# MODULE=0 lab_require checks for everything but the module.
lab_require() {
	[ "$(id -u)" = 0 ] || skip_all "needs root"
	command -v ip >/dev/null || skip_all "iproute2 not installed"
	command -v tcpdump >/dev/null || skip_all "tcpdump not installed"
	command -v jq >/dev/null || skip_all "jq not installed"
	[ -x "$LAB_TOOLS/udp-echo" ] && [ -x "$LAB_TOOLS/udp-stream" ] ||
		{ echo "# $LAB_TOOLS/udp-echo missing: make -C selftests" >&2; exit 1; }
	# Load what the lab uses up front: an autoload in the middle of a
	# test is slow under TCG and, on a cold guest, can fail.
	modprobe -qa esp4 esp6 xfrm_user dummy veth sch_netem nf_tables \
		2>/dev/null
	lab_esp_works || skip_all "kernel has no ESP (run inside scripts/vm-run)"
	if [ "${MODULE:-1}" = 1 ]; then
		[ -d /sys/module/vpnfo ] || skip_all "vpnfo.ko not loaded"
		[ -x "$VPNFOCTL" ] ||
			{ echo "# $VPNFOCTL missing: build ctl" >&2; exit 1; }
	fi
}

lab_esp_works() {
	local ns="vpnfo-esp-probe-$$" rc

	ip netns add "$ns" 2>/dev/null || return 1
	ip -n "$ns" xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp \
		spi 0x1 mode tunnel aead 'rfc4106(gcm(aes))' \
		0x0000000000000000000000000000000000000000 128 2>/dev/null
	rc=$?
	ip netns del "$ns"
	return $rc
}

# ---------------------------------------------------------------- addresses

# lab_addrs: set the address variables of the current LAB_FAMILY.
#   CIN client inner, CIN_PLEN; PFX protected prefix; SRV the server;
#   gw_inner N, wan_client N, wan_gw N, lan_gw N, lan_srv N; LINK_PLEN.
lab_addrs() {
	if [ "$LAB_FAMILY" = 6 ]; then
		CIN=2001:db8:c::100 CIN_PLEN=128 PFX=2001:db8:100::/64
		SRV=2001:db8:100::64 LINK_PLEN=64 HOST_PLEN=128 IPF=-6
	else
		CIN=192.0.2.100 CIN_PLEN=32 PFX=203.0.113.0/24
		SRV=203.0.113.100 LINK_PLEN=24 HOST_PLEN=32 IPF=-4
	fi
}

gw_inner() { [ "$LAB_FAMILY" = 6 ] && echo "2001:db8:100::$1" || echo "203.0.113.$1"; }
wan_client() { [ "$LAB_FAMILY" = 6 ] && echo "2001:db8:$1::2" || echo "198.18.$1.2"; }
wan_gw() { [ "$LAB_FAMILY" = 6 ] && echo "2001:db8:$1::1" || echo "198.18.$1.1"; }
lan_gw() { [ "$LAB_FAMILY" = 6 ] && echo "2001:db8:f:$1::1" || echo "198.19.$1.1"; }
lan_srv() { [ "$LAB_FAMILY" = 6 ] && echo "2001:db8:f:$1::2" || echo "198.19.$1.2"; }

# Distinct SPIs and keys per direction and gateway.
spi_up() { printf '0x%x' $((0x1000 + $1)); }		# client -> gwN
spi_down() { printf '0x%x' $((0x2000 + $1)); }		# gwN -> client
sa_key() { printf '0x%02x%02x%036d' "$1" "$2" 0; }	# 160 bits incl. salt

# ---------------------------------------------------------------- the lab

# lab_sa_cmds N: ip -batch lines for the two SAs between client and gwN.
lab_sa_cmds() {
	local n=$1

	echo "xfrm state add src $(wan_client "$n") dst $(wan_gw "$n") proto esp" \
		"spi $(spi_up "$n") reqid $n mode tunnel" \
		"aead rfc4106(gcm(aes)) $(sa_key "$n" 1) 128"
	echo "xfrm state add src $(wan_gw "$n") dst $(wan_client "$n") proto esp" \
		"spi $(spi_down "$n") reqid $n mode tunnel" \
		"aead rfc4106(gcm(aes)) $(sa_key "$n" 2) 128"
}

lab_build_client() {
	local n c

	c=$(lab_ns client)
	{
		echo "link set lo up"
		echo "link add up0 type dummy"
		echo "link set up0 up"
		if [ "$LAB_FAMILY" = 6 ]; then
			echo "addr add $CIN/$CIN_PLEN dev up0 nodad"
		else
			echo "addr add $CIN/$CIN_PLEN dev up0"
		fi
		for n in 1 2 3; do
			echo "link set c-gw$n up"
			echo "addr add $(wan_client "$n")/$LINK_PLEN dev c-gw$n nodad"
		done
		echo "route add $PFX dev up0 src $CIN"
		for n in 1 2 3; do
			lab_sa_cmds "$n"
			echo "xfrm policy add src $CIN/$CIN_PLEN dst $PFX dir out" \
				"priority 100 mark $((0x100 * n)) mask $LAB_MARK_MASK" \
				"tmpl src $(wan_client "$n") dst $(wan_gw "$n")" \
				"proto esp reqid $n mode tunnel"
		done
		# Fail closed: no mark (module gone, or nothing steered the
		# packet) ends here, on a template no SA will ever match.
		echo "xfrm policy add src $CIN/$CIN_PLEN dst $PFX dir out" \
			"priority 1000 tmpl proto esp reqid $LAB_FALLBACK_REQID" \
			"mode transport"
		# One inbound policy for every peer: wildcard template.
		echo "xfrm policy add src $PFX dst $CIN/$CIN_PLEN dir in" \
			"tmpl proto esp mode tunnel"
		echo "xfrm policy add src $PFX dst $CIN/$CIN_PLEN dir fwd" \
			"tmpl proto esp mode tunnel"
	} | lab_batch "$c"
}

# lab_batch NS: run ip -batch lines from stdin in NS; IPv4 has no nodad.
lab_batch() {
	if [ "$LAB_FAMILY" = 6 ]; then
		cat
	else
		sed 's/ nodad$//'
	fi | ip "$IPF" -n "$1" -batch - ||
		{ echo "# ip -batch failed in $1" >&2; return 1; }
}

lab_build_gw() {
	local n=$1 g

	g=$(lab_ns "gw$n")
	{
		echo "link set lo up"
		echo "addr add $(gw_inner "$n")/$HOST_PLEN dev lo"
		echo "link set gw$n-c up"
		echo "addr add $(wan_gw "$n")/$LINK_PLEN dev gw$n-c nodad"
		echo "link set gw$n-l up"
		echo "addr add $(lan_gw "$n")/$LINK_PLEN dev gw$n-l nodad"
		echo "route add $SRV/$HOST_PLEN via $(lan_srv "$n") dev gw$n-l"
		echo "route add $CIN/$CIN_PLEN via $(wan_client "$n") dev gw$n-c"
		lab_sa_cmds "$n"
		echo "xfrm policy add src $CIN/$CIN_PLEN dst $PFX dir in" \
			"tmpl src $(wan_client "$n") dst $(wan_gw "$n")" \
			"proto esp reqid $n mode tunnel"
		echo "xfrm policy add src $CIN/$CIN_PLEN dst $PFX dir fwd" \
			"tmpl src $(wan_client "$n") dst $(wan_gw "$n")" \
			"proto esp reqid $n mode tunnel"
		echo "xfrm policy add src $PFX dst $CIN/$CIN_PLEN dir out" \
			"tmpl src $(wan_gw "$n") dst $(wan_client "$n")" \
			"proto esp reqid $n mode tunnel"
	} | lab_batch "$g"
}

lab_build_lan() {
	local n l

	l=$(lab_ns lan)
	{
		echo "link set lo up"
		echo "addr add $SRV/$HOST_PLEN dev lo"
		for n in 1 2 3; do
			echo "link set l-gw$n up"
			echo "addr add $(lan_srv "$n")/$LINK_PLEN dev l-gw$n nodad"
			echo "route add $CIN/$CIN_PLEN via $(lan_gw "$n") dev l-gw$n metric $n"
			# The echo answers out of the ingress link (IP_PKTINFO):
			# make that link's route the one a lookup with that
			# oif finds, whatever the metrics say.
			echo "rule add oif l-gw$n table $((100 + n)) pref 100"
			echo "route add $CIN/$CIN_PLEN via $(lan_gw "$n") dev l-gw$n table $((100 + n))"
		done
	} | lab_batch "$l"
}

# lab_build: namespaces, links, addresses, routes, SAs and policies, and
# the echo server; no vpnfo configuration. Registered for cleanup.
lab_build() {
	local n p=$LAB_PREFIX

	lab_addrs
	LAB_LABS+=("$p")
	{
		for n in client gw1 gw2 gw3 lan; do
			echo "netns add $p$n"
		done
		for n in 1 2 3; do
			echo "link add c-gw$n netns ${p}client type veth peer gw$n-c netns ${p}gw$n"
			echo "link add gw$n-l netns ${p}gw$n type veth peer l-gw$n netns ${p}lan"
		done
	} | ip -batch - || return 1
	# No reverse-path filter: replies legitimately come back on another
	# link than the one a route lookup would pick. Per device too: IPv4
	# uses the larger of "all" and the device's value. IPv6 addresses
	# stay on a link taken down, as IPv4 ones do.
	for n in client gw1 gw2 gw3 lan; do
		in_ns "$n" sh -c '
			for f in /proc/sys/net/ipv4/conf/*/rp_filter; do
				echo 0 >"$f"
			done
			echo 1 >/proc/sys/net/ipv4/ip_forward
			echo 1 >/proc/sys/net/ipv6/conf/all/forwarding
			echo 0 >/proc/sys/net/ipv6/conf/default/accept_dad
			echo 1 >/proc/sys/net/ipv6/conf/all/keep_addr_on_down' ||
			return 1
	done
	lab_build_client || return 1
	for n in 1 2 3; do
		lab_build_gw "$n" || return 1
	done
	lab_build_lan || return 1
	lab_bg "${p}echo" in_ns lan "$LAB_TOOLS/udp-echo" -p "$LAB_ECHO_PORT" -t 900
}

# lab_vpnfo: reflectors on the gateways, tunnel and peers on the client.
lab_vpnfo() {
	local n g hold=()

	lab_addrs
	for n in 1 2 3; do
		in_ns "gw$n" "$VPNFOCTL" reflector on || return 1
	done
	[ -n "$LAB_HOLD" ] && hold=(hold "$LAB_HOLD")
	vctl tunnel add "$LAB_TUNNEL" mark-mask "$LAB_MARK_MASK" \
		sel "$CIN/$CIN_PLEN" "$PFX" "${hold[@]}" || return 1
	for n in 1 2 3; do
		# shellcheck disable=SC2086
		vctl peer add "$LAB_TUNNEL" "gw$n" prio $((10 * n)) \
			mark "$(printf '0x%x' $((0x100 * n)))" \
			remote "$(wan_gw "$n")" probe "$(gw_inner "$n")" \
			src "$CIN" $LAB_PEER_OPTS || return 1
	done
}

# lab_setup: the whole lab, then wait (bounded) until gw1 carries traffic.
# A lab that cannot be built ends the file: nothing after it means much.
lab_setup() {
	local LAB_PEER_OPTS=${LAB_PEER_OPTS:-$LAB_TEST_PEER_OPTS}

	if ! lab_build || ! lab_vpnfo; then
		not_ok "lab ${LAB_PREFIX:-(no prefix)} IPv$LAB_FAMILY set up"
		tap_done
	fi
	wait_for 20 active_is gw1
}
