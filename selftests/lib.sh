# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The vpnfo failover lab: namespaces, links, static SAs, the echo server,
# captures, ways to fail a gateway, bounded waits and TAP output.
# Sourced by every selftests/test-*.sh; needs bash, root, iproute2, and for
# the real thing a kernel with ESP and vpnfo.ko (run it in QEMU through
# scripts/vm-run).
#
#   client --c-gwN/gwN-c--> gwN (N = 1, 2, 3) --gwN-l/l-gwN--> lan
#
# Namespaces are "${LAB_PREFIX}client", "${LAB_PREFIX}gw1", ... so that two
# labs can run at once; every function works on the lab named by the
# current LAB_PREFIX (bash lets a test say `LAB_PREFIX=b- lab_fail 1 link`).
# LAB_FAMILY (4 or 6) chooses inner and outer addresses of a lab at setup.

VPNFO_ROOT=${VPNFO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
VPNFOCTL=${VPNFOCTL:-$VPNFO_ROOT/ctl/vpnfoctl/vpnfoctl}
LAB_TOOLS=${LAB_TOOLS:-$VPNFO_ROOT/build/selftests}
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

LAB_TMP=$(mktemp -d /tmp/vpnfo-lab.XXXXXX)
LAB_PIDS=()
LAB_LABS=()
LAB_DMESG_START=$(dmesg 2>/dev/null | wc -l)

# ---------------------------------------------------------------- TAP

tap_count=0
tap_failures=0

echo "TAP version 13"

ok() {
	tap_count=$((tap_count + 1))
	echo "ok $tap_count - $*"
}

not_ok() {
	tap_count=$((tap_count + 1))
	tap_failures=$((tap_failures + 1))
	echo "not ok $tap_count - $*"
}

# check NAME CMD ARGS...: one TAP line, ok when CMD succeeds.
check() {
	local name=$1

	shift
	if "$@"; then
		ok "$name"
	else
		not_ok "$name"
	fi
}

skip() {
	tap_count=$((tap_count + 1))
	echo "ok $tap_count - $1 # SKIP $2"
}

# The whole file cannot run here (no ESP, no module, not root): kselftest's
# skip status.
skip_all() {
	echo "1..0 # SKIP $*"
	exit 4
}

diag() {
	echo "# $*"
}

# tap_done: the trailing plan and the exit status.
tap_done() {
	echo "1..$tap_count"
	[ "$tap_failures" -eq 0 ]
	exit $?
}

# ---------------------------------------------------------------- helpers

# Counters come from tools that may fail; a missing value must make an
# assertion fail, never turn into 0.
isnum() {
	[[ $1 =~ ^-?[0-9]+$ ]]
}

# sub A B: A - B, or NaN.
sub() {
	if isnum "$1" && isnum "$2"; then echo $(($1 - $2)); else echo NaN; fi
}

# cmp A OP B: test(1) on two integers; false when either is not one.
cmp() {
	isnum "$1" && isnum "$3" && [ "$1" "$2" "$3" ]
}

# nap SECONDS: sleep without starting a process (read on a pipe nobody
# writes to); every exec costs a lot in a TCG guest.
exec {LAB_NAP_FD}<> <(:)
nap() {
	read -r -t "$1" -u "$LAB_NAP_FD" _ || :
}

# wait_for SECONDS CMD ARGS...: poll CMD every 0.1 s until it succeeds;
# 1 if it never did. Bounded: the deadline is checked after every try.
wait_for() {
	local deadline=$((SECONDS + $1))

	shift
	while :; do
		"$@" && return 0
		[ "$SECONDS" -ge "$deadline" ] && return 1
		nap 0.1
	done
}

# json_val JSON KEY: the first value of KEY in JSON, strings unquoted,
# "null" for null; empty when absent. A regular expression, not a parser:
# enough for vpnfoctl's flat objects and their one "stats" nest.
json_val() {
	local re="\"$2\"[[:space:]]*:[[:space:]]*(\"([^\"]*)\"|([^],}[:space:]]*))"

	[[ $1 =~ $re ]] || return 1
	if [[ ${BASH_REMATCH[1]} == \"* ]]; then
		echo "${BASH_REMATCH[2]}"
	else
		echo "${BASH_REMATCH[3]}"
	fi
}

# json_obj JSON NAME: the part of a vpnfoctl array of objects that belongs
# to the object whose "name" is NAME (from that key to the object's end).
json_obj() {
	local re="\"name\"[[:space:]]*:[[:space:]]*\"$2\"[^{}]*(\{[^{}]*\})?[^{}]*"

	[[ $1 =~ $re ]] && echo "${BASH_REMATCH[0]}"
}

# lab_ns NAME: the namespace of NAME (client, gw1, gw2, gw3, lan).
lab_ns() {
	echo "${LAB_PREFIX}$1"
}

# in_ns NAME CMD ARGS...: nsenter rather than "ip netns exec", which also
# remounts /sys, several times slower under TCG.
in_ns() {
	local ns

	ns=$(lab_ns "$1")
	shift
	nsenter --net="/run/netns/$ns" "$@"
}

vctl() {
	in_ns client "$VPNFOCTL" "$@"
}

# lab_bg NAME CMD ARGS...: start CMD in the background, stdout and stderr
# to $LAB_TMP/NAME.out/.err; remembered so that cleanup ends it.
# "lab_bg NAME in_ns NS CMD..." runs CMD itself in the background (not a
# subshell around it), so that its pid is the one cleanup signals.
lab_bg() {
	local name=$1

	shift
	if [ "$1" = in_ns ]; then
		set -- nsenter --net="/run/netns/$(lab_ns "$2")" "${@:3}"
	fi
	"$@" >"$LAB_TMP/$name.out" 2>"$LAB_TMP/$name.err" &
	LAB_PIDS+=($!)
	echo $! >"$LAB_TMP/$name.pid"
}

lab_bg_pid() {
	cat "$LAB_TMP/$1.pid"
}

# lab_bg_wait NAME: wait for a background command to end by itself.
lab_bg_wait() {
	wait "$(lab_bg_pid "$1")" 2>/dev/null
}

lab_bg_stop() {
	local pid

	pid=$(lab_bg_pid "$1")
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

lab_cleanup() {
	local pid p n

	# A test that changes the machine (rmmod) undoes it here.
	declare -F lab_cleanup_hook >/dev/null && lab_cleanup_hook

	for pid in "${LAB_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${LAB_PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	for p in "${LAB_LABS[@]}"; do
		for n in client gw1 gw2 gw3 lan; do
			ip netns del "$p$n" 2>/dev/null
		done
	done
	rm -rf "$LAB_TMP"
}
trap lab_cleanup EXIT
# Killed by run.sh's timeout: still tear the lab down.
trap 'exit 143' TERM
trap 'exit 130' INT

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

# ---------------------------------------------------------------- vpnfo state

tunnel_json() {
	vctl --json tunnel show "$LAB_TUNNEL" 2>/dev/null
}

# lab_active: the active peer's name, or "none".
lab_active() {
	local a

	a=$(json_val "$(tunnel_json)" active) || { echo "error"; return; }
	[ "$a" = null ] && a=none
	echo "$a"
}

active_is() {
	[ "$(lab_active)" = "$1" ]
}

# tunnel_stat FIELD: one of the tunnel's fields or stats counters.
tunnel_stat() {
	json_val "$(tunnel_json)" "$1"
}

# peers_json: every peer of the tunnel, one vpnfoctl call.
peers_json() {
	vctl --json peer show "$LAB_TUNNEL" 2>/dev/null
}

# peer_field PEER KEY [PEERS_JSON]: e.g. peer_field gw1 state
peer_field() {
	json_val "$(json_obj "${3-$(peers_json)}" "$1")" "$2"
}

peer_is() {
	[ "$(peer_field "$1" state)" = "$2" ]
}

# ---------------------------------------------------------------- SA counters

# sa_snapshot: the client's SA counters, one "ip -s xfrm state" for all;
# prints "SPI BYTES PACKETS" lines (SPI in decimal).
sa_snapshot() {
	local line spi="" cur=0

	while IFS= read -r line; do
		if [[ $line =~ proto\ esp\ spi\ (0x[0-9a-fA-F]+) ]]; then
			spi=$((BASH_REMATCH[1]))
		elif [[ $line =~ lifetime\ current: ]]; then
			cur=1
		elif [ "$cur" = 1 ] && [[ $line =~ ([0-9]+)\(bytes\),\ *([0-9]+)\(packets\) ]]; then
			echo "$spi ${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"
			cur=0
		fi
	done < <(in_ns client ip -s xfrm state list)
}

# sa_out SNAPSHOT N bytes|packets: the client's SA towards gwN.
sa_out() {
	local spi b p

	while read -r spi b p; do
		[ "$spi" = $(($(spi_up "$2"))) ] || continue
		[ "$3" = bytes ] && echo "$b" || echo "$p"
		return 0
	done <<<"$1"
	return 1
}

# client_sa_out N bytes|packets: the same, from a fresh snapshot.
client_sa_out() {
	sa_out "$(sa_snapshot)" "$1" "$2"
}

# ---------------------------------------------------------------- traffic

# stream_start NAME RATE SECONDS [udp-stream options]: echo stream from the
# client's inner address to the server, in the background.
stream_start() {
	local name=$1 rate=$2 secs=$3

	shift 3
	lab_addrs
	lab_bg "$name" in_ns client "$LAB_TOOLS/udp-stream" -d "$SRV" \
		-p "$LAB_ECHO_PORT" -s "$CIN" -r "$rate" -t "$secs" "$@"
}

# stream_run RATE SECONDS [options]: the same in the foreground; the result
# is in $LAB_TMP/stream.out.
stream_run() {
	stream_start stream "$@"
	lab_bg_wait stream
}

# stream_field NAME KEY: a field of a finished stream's summary line.
stream_field() {
	tr ' ' '\n' <"$LAB_TMP/$1.out" | sed -n "s/^$2=//p"
}

stream_summary() {
	diag "$1: $(cat "$LAB_TMP/$1.out" 2>/dev/null) $(cat "$LAB_TMP/$1.err" 2>/dev/null)"
}

# all_answered SENT RECEIVED / none_answered SENT RECEIVED
all_answered() {
	cmp "$1" -gt 0 && cmp "$2" -eq "$1"
}

none_answered() {
	cmp "$1" -gt 0 && cmp "$2" -eq 0
}

# ---------------------------------------------------------------- failures

# lab_fail N link|sa|loss / lab_restore N link|sa|loss
lab_fail() {
	case $2 in
	link) ip -n "$(lab_ns "gw$1")" link set "gw$1-c" down ;;
	sa) ip -n "$(lab_ns "gw$1")" xfrm state flush ;;
	loss) tc -n "$(lab_ns "gw$1")" qdisc add dev "gw$1-c" root netem loss 100% ;;
	*) echo "lab_fail: bad way '$2'" >&2; return 2 ;;
	esac
}

lab_restore() {
	case $2 in
	link)
		# Taking the link down deleted the routes through it.
		lab_addrs
		ip -n "$(lab_ns "gw$1")" link set "gw$1-c" up &&
			wait_for 5 ip "$IPF" -n "$(lab_ns "gw$1")" route replace \
				"$CIN/$CIN_PLEN" via "$(wan_client "$1")" dev "gw$1-c"
		;;
	sa) lab_addrs; lab_sa_cmds "$1" | lab_batch "$(lab_ns "gw$1")" ;;
	loss) tc -n "$(lab_ns "gw$1")" qdisc del dev "gw$1-c" root ;;
	*) echo "lab_restore: bad way '$2'" >&2; return 2 ;;
	esac
}

# ---------------------------------------------------------------- captures

# capture_start: tcpdump on the client until capture_stop: everything the
# client sends on any link (its WAN links, and up0 where a packet that
# escaped IPsec would go). Only what it sends (-Q out): a packet the client
# receives through an SA shows up a second time on the same link after
# decryption, in the clear, as if it had come from the wire.
capture_start() {
	local name="${LAB_PREFIX}cap"

	lab_bg "$name" in_ns client tcpdump -i any -Q out \
		-n -U -Z root -s 128 -w "$LAB_TMP/$name.pcap"
	wait_for 20 grep -q 'listening on' "$LAB_TMP/$name.err" ||
		{ diag "tcpdump did not start: $(cat "$LAB_TMP/$name.err")"; return 1; }
}

capture_stop() {
	lab_bg_stop "${LAB_PREFIX}cap"
}

# capture_count FILTER: captured packets matching the pcap FILTER.
capture_count() {
	tcpdump -r "$LAB_TMP/${LAB_PREFIX}cap.pcap" -n "$1" 2>/dev/null | wc -l
}

LAB_PLAINTEXT_FILTER="net 203.0.113.0/24 or net 2001:db8:100::/64"

# capture_check NAME: TAP lines for "no plaintext" and "the capture saw ESP".
capture_check() {
	local plain esp

	plain=$(capture_count "$LAB_PLAINTEXT_FILTER")
	esp=$(capture_count esp)
	diag "$1: capture: $plain plaintext, $esp ESP packets"
	check "$1: the client sent no plaintext to the protected prefixes" \
		[ "$plain" -eq 0 ]
	check "$1: the capture holds ESP packets (it works)" [ "$esp" -gt 0 ]
}

# ---------------------------------------------------------------- kernel log

# dmesg_clean: no oops, warning or lockdep splat since the file started.
dmesg_clean() {
	local splat

	splat=$(dmesg | tail -n +$((LAB_DMESG_START + 1)) |
		grep -E 'BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|refcount_t:|list_(add|del) corruption|rcu.*stall|possible recursive locking|circular locking|INFO: task' )
	[ -z "$splat" ] && return 0
	echo "$splat" | sed 's/^/# dmesg: /'
	return 1
}

# ---------------------------------------------------------------- events

# monitor_start NAME SECONDS: vpnfoctl --json monitor in the background,
# line-buffered so that stopping it early loses nothing.
monitor_start() {
	lab_bg "$1" in_ns client stdbuf -oL "$VPNFOCTL" --json monitor \
		--timeout "${2}s"
	# Starting a program can take a second under TCG: events before it
	# joined the group would be missed.
	wait_for 15 monitor_joined "$(lab_bg_pid "$1")" ||
		diag "vpnfoctl monitor not seen joining a multicast group"
}

# monitor_joined PID: PID has a generic netlink socket (libnl's port ids
# are the pid plus n << 22) in at least one multicast group.
monitor_joined() {
	local sk eth portid groups rest

	[ -r "/proc/$1/net/netlink" ] || return 1
	while read -r sk eth portid groups rest; do
		[ "$eth" = 16 ] && [ "$groups" != 00000000 ] && isnum "$portid" &&
			[ $((portid & 0x3fffff)) = "$1" ] && return 0
	done <"/proc/$1/net/netlink"
	return 1
}

# monitor_events NAME [JQ-CONDITION]: the events it printed, one per line.
monitor_events() {
	jq -c "select(${2:-true})" <"$LAB_TMP/$1.out" 2>/dev/null
}

# ---------------------------------------------------------------- phases
# Checks shared by the tests; each prints its own TAP lines.

# steady_check NAME N: a stream gets every answer, through gwN's SA only,
# steered there by vpnfo, which shows gwN as the active peer.
steady_check() {
	local name=$1 gw=$2 n sent recv size=500 sa0 sa1 pj0 pj1
	local -a sad sap prd txd other

	sa0=$(sa_snapshot)
	pj0=$(peers_json)
	stream_run 1000 3 --size "$size" --drain 2000
	sa1=$(sa_snapshot)
	pj1=$(peers_json)
	for n in 1 2 3; do
		sad[n]=$(sub "$(sa_out "$sa1" "$n" bytes)" "$(sa_out "$sa0" "$n" bytes)")
		sap[n]=$(sub "$(sa_out "$sa1" "$n" packets)" "$(sa_out "$sa0" "$n" packets)")
		prd[n]=$(sub "$(peer_field "gw$n" probes_tx "$pj1")" \
			"$(peer_field "gw$n" probes_tx "$pj0")")
		txd[n]=$(sub "$(peer_field "gw$n" tx_packets "$pj1")" \
			"$(peer_field "gw$n" tx_packets "$pj0")")
		# What the SA carried besides this peer's own probes.
		other[n]=$(sub "${sap[n]}" "${prd[n]}")
	done
	stream_summary stream
	sent=$(stream_field stream sent)
	recv=$(stream_field stream received)
	for n in 1 2 3; do
		diag "$name: gw$n: SA +${sad[n]} bytes +${sap[n]} packets, probes +${prd[n]}, steered +${txd[n]}"
	done
	check "$name: vpnfo shows gw$gw active" active_is "gw$gw"
	check "$name: every datagram answered ($recv of $sent)" \
		all_answered "$sent" "$recv"
	check "$name: gw$gw's SA carried the stream" \
		cmp "${sad[gw]}" -ge "$(sub "$((sent * size))" 0)"
	check "$name: vpnfo steered the stream to gw$gw" \
		cmp "${txd[gw]}" -ge "$sent"
	for n in 1 2 3; do
		[ "$n" = "$gw" ] && continue
		# Probes still use every SA. The two snapshots are a vpnfoctl
		# call apart, so allow some probes of skew, far below the stream.
		check "$name: gw$n's SA carried its probes only" \
			cmp "${other[n]}" -lt "$(sub "$((sent / 2))" 0)"
		check "$name: vpnfo steered nothing to gw$n" cmp "${txd[n]}" -eq 0
	done
}

# failover_check NAME WAY: gw1 fails that way while a stream runs; traffic
# moves to gw2 and flows there; gw1 restored, traffic fails back.
failover_check() {
	local name=$1 way=$2

	stream_start fo 1000 60 --drain 2000 --gaps "$LAB_TMP/fo.gaps"
	nap 1
	lab_fail 1 "$way"
	check "$name: gw1 fails ($way): vpnfo moves to gw2" wait_for 15 active_is gw2
	check "$name: gw1 fails ($way): vpnfo sees gw1 down" peer_is gw1 down
	nap 1
	lab_bg_stop fo
	stream_summary fo
	diag "$name: interruption across the failure: $(stream_field fo max_gap_ms) ms (TCG)"
	steady_check "$name: gw1 failed ($way)" 2
	lab_restore 1 "$way"
	check "$name: gw1 restored ($way): traffic fails back to gw1" \
		wait_for 20 active_is gw1
}

# all_down_check NAME: every gateway fails (one each way): nothing is
# answered, vpnfo drops and counts every datagram; then all recover.
all_down_check() {
	local name=$1 d0 d1 sent recv

	lab_fail 1 link
	lab_fail 2 sa
	lab_fail 3 loss
	check "$name: all gateways fail: no active peer" wait_for 20 active_is none
	d0=$(tunnel_stat drop_packets)
	stream_run 200 2 --drain 1000
	d1=$(tunnel_stat drop_packets)
	stream_summary stream
	sent=$(stream_field stream sent)
	recv=$(stream_field stream received)
	diag "$name: drop counter $d0 -> $d1 for $sent sent"
	check "$name: all down: no datagram answered" \
		none_answered "$sent" "$recv"
	check "$name: all down: vpnfo dropped and counted every datagram" \
		cmp "$(sub "$d1" "$d0")" -ge "$sent"
	lab_restore 1 link
	lab_restore 2 sa
	lab_restore 3 loss
	check "$name: gateways back: traffic on gw1 again" wait_for 20 active_is gw1
	stream_run 200 1 --drain 1000
	sent=$(stream_field stream sent)
	recv=$(stream_field stream received)
	check "$name: gateways back: datagrams answered again ($recv of $sent)" \
		all_answered "$sent" "$recv"
}

# ---------------------------------------------------------------- IKE labs
# The test-ike-*.sh files run vpnfod and strongSwan's charon in namespaces
# of their own (not the failover lab); the certificates are made here,
# into $LAB_TMP. Names are full namespace names, LAB_PREFIX stays empty.

IKE_CHARON=${CHARON:-/usr/lib/ipsec/charon}
VPNFOD=${VPNFOD:-$VPNFO_ROOT/ctl/vpnfod/vpnfod}

# ike_require [charon]: skip the file unless it can run here.
ike_require() {
	local t

	[ "$(id -u)" = 0 ] || skip_all "needs root"
	for t in ip nft openssl tcpdump unshare ${1:+swanctl}; do
		command -v $t >/dev/null || skip_all "$t not installed"
	done
	[ -z "${1:-}" ] || [ -x "$IKE_CHARON" ] ||
		skip_all "strongswan-charon not installed"
	[ -x "$VPNFOD" ] || { echo "# $VPNFOD missing: make -C ctl/ike" >&2; exit 1; }
	modprobe -qa esp4 esp6 xfrm_user veth dummy nf_tables nf_nat 2>/dev/null
	lab_esp_works || skip_all "kernel has no ESP (run inside scripts/vm-run)"
}

# ike_pki_ca NAME: a self-signed P-256 CA, $LAB_TMP/NAME.pem and .key.
ike_pki_ca() {
	openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		-nodes -keyout "$LAB_TMP/$1.key" -out "$LAB_TMP/$1.pem" -days 2 \
		-subj "/O=vpnfo test/CN=$1" \
		-addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
}

# ike_pki_leaf NAME CN CA SERIAL [rsa]: a key and a certificate issued by
# CA, subject "O=vpnfo test, CN=CN" and DNS:CN as subjectAltName.
ike_pki_leaf() {
	local d=$LAB_TMP kopt=(-newkey ec -pkeyopt ec_paramgen_curve:P-256)

	[ "${5:-}" = rsa ] && kopt=(-newkey rsa:2048)
	openssl req -new "${kopt[@]}" -nodes -keyout "$d/$1.key" \
		-subj "/O=vpnfo test/CN=$2" -out "$d/$1.csr" 2>/dev/null &&
	printf 'subjectAltName=DNS:%s\n' "$2" >"$d/$1.ext" &&
	openssl x509 -req -in "$d/$1.csr" -CA "$d/$3.pem" -CAkey "$d/$3.key" \
		-set_serial "$4" -days 2 -extfile "$d/$1.ext" \
		-out "$d/$1.pem" 2>/dev/null
}

# ike_ns_base NS...: loopback up, forwarding on, no rp_filter, no DAD.
ike_ns_base() {
	local ns

	for ns in "$@"; do
		ip netns add "$ns" &&
		nsenter --net="/run/netns/$ns" sh -c '
			ip link set lo up
			for f in /proc/sys/net/ipv4/conf/*/rp_filter; do
				echo 0 >"$f"
			done
			echo 1 >/proc/sys/net/ipv4/ip_forward
			echo 1 >/proc/sys/net/ipv6/conf/all/forwarding
			echo 0 >/proc/sys/net/ipv6/conf/default/accept_dad' ||
			return 1
	done
}

# ike_inner CLIENT GW DEV: the protected addresses, both families: the
# client's 192.0.2.100 and 2001:db8:c::100 on a dummy, routes to the
# gateway's 203.0.113.0/24 and 2001:db8:100::/64 through it; the gateway
# holds 203.0.113.1 and 2001:db8:100::1 and routes the client's back over
# DEV. XFRM policies decide where these really go.
ike_inner() {
	in_ns "$1" ip -batch - <<-EOF &&
		link add up0 type dummy
		link set up0 up
		addr add $IKE_CIN/32 dev up0
		addr add $IKE_CIN6/128 dev up0
		route add 203.0.113.0/24 dev up0 src $IKE_CIN
		route add 2001:db8:100::/64 dev up0 src $IKE_CIN6
	EOF
	in_ns "$2" ip -batch - <<-EOF
		addr add $IKE_GIN/32 dev lo
		addr add $IKE_GIN6/128 dev lo
		route add $IKE_CIN/32 dev $3
		route add $IKE_CIN6/128 dev $3
	EOF
}

IKE_CIN=192.0.2.100 IKE_CIN6=2001:db8:c::100
IKE_GIN=203.0.113.1 IKE_GIN6=2001:db8:100::1

# ike_lab_up CLIENT GW [4|6]: two namespaces joined by a veth (c-gw1 in
# CLIENT, gw1-c in GW), outer addresses of that family in IKE_C and IKE_G:
# 198.18.1.2 / 198.18.1.1 or 2001:db8:1::2 / 2001:db8:1::1.
ike_lab_up() {
	local plen=24

	IKE_C=198.18.1.2 IKE_G=198.18.1.1
	[ "${3:-4}" = 6 ] && IKE_C=2001:db8:1::2 IKE_G=2001:db8:1::1 plen=64
	ike_ns_base "$1" "$2" &&
	ip link add c-gw1 netns "$1" type veth peer name gw1-c netns "$2" &&
	in_ns "$1" ip addr add "$IKE_C/$plen" dev c-gw1 &&
	in_ns "$2" ip addr add "$IKE_G/$plen" dev gw1-c &&
	in_ns "$1" ip link set c-gw1 up && in_ns "$2" ip link set gw1-c up &&
	ike_inner "$1" "$2" gw1-c
}

# ike_lab_nat_up CLIENT ROUTER GW: CLIENT 10.0.1.2 on c-r, its default
# route through ROUTER (10.0.1.1 on r-c, 198.18.1.2 on r-gw1), GW
# 198.18.1.1 on gw1-r. IKE_C is the client's private address, IKE_NAT
# the router's outside one, IKE_G the gateway's. The caller makes the NAT.
ike_lab_nat_up() {
	IKE_C=10.0.1.2 IKE_NAT=198.18.1.2 IKE_G=198.18.1.1
	ike_ns_base "$1" "$2" "$3" &&
	ip link add c-r netns "$1" type veth peer name r-c netns "$2" &&
	ip link add r-gw1 netns "$2" type veth peer name gw1-r netns "$3" &&
	in_ns "$1" ip addr add "$IKE_C/24" dev c-r &&
	in_ns "$2" ip addr add 10.0.1.1/24 dev r-c &&
	in_ns "$2" ip addr add "$IKE_NAT/24" dev r-gw1 &&
	in_ns "$3" ip addr add "$IKE_G/24" dev gw1-r &&
	in_ns "$1" ip link set c-r up && in_ns "$2" ip link set r-c up &&
	in_ns "$2" ip link set r-gw1 up && in_ns "$3" ip link set gw1-r up &&
	in_ns "$1" ip route add default via 10.0.1.1 &&
	ike_inner "$1" "$3" gw1-r
}

# ike_charon_start NAME NS: charon with its own strongswan.conf, /run (a
# private mount namespace) and VICI socket $LAB_TMP/NAME/charon.vici.
# Extra strongswan.conf lines for charon { } come from IKE_CHARON_EXTRA.
ike_charon_start() {
	local dir=$LAB_TMP/$1

	mkdir -p "$dir"
	cat >"$dir/strongswan.conf" <<-EOF
		charon {
			load = random nonce kdf openssl pem pkcs1 pkcs8 x509 pubkey revocation constraints kernel-netlink socket-default vici
			install_routes = no
			retransmit_tries = 3
			retransmit_timeout = 2
			${IKE_CHARON_EXTRA:-}
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
	lab_bg "$1" nsenter --net="/run/netns/$2" unshare -m --propagation private sh -c \
		"mount -t tmpfs tmpfs /run && exec env STRONGSWAN_CONF=$dir/strongswan.conf $IKE_CHARON"
	wait_for 30 test -S "$dir/charon.vici"
}

# ike_swan NAME ARGS...: swanctl against that charon.
ike_swan() {
	local n=$1

	shift
	swanctl "$@" --uri "unix://$LAB_TMP/$n/charon.vici"
}

# ike_swan_established NAME: that charon has an ESTABLISHED IKE SA.
ike_swan_established() {
	ike_swan "$1" --list-sas 2>/dev/null | grep -q ESTABLISHED
}

# ike_vpnfod_start NAME NS CONF: vpnfod -d, log in $LAB_TMP/NAME.err.
ike_vpnfod_start() {
	lab_bg "$1" nsenter --net="/run/netns/$2" "$VPNFOD" -d -c "$3"
}

# ike_nstates NS: ESP states in NS.
ike_nstates() {
	in_ns "$1" ip xfrm state 2>/dev/null | grep -c '^src'
}

ike_states_are() {	# ike_states_are NS N
	[ "$(ike_nstates "$1")" = "$2" ]
}

# ike_capture_start NAME NS IFACE [in|out]: tcpdump on IFACE in NS into
# $LAB_TMP/NAME.pcap until ike_capture_stop NAME. On an IPsec endpoint
# capture "out" only: what it receives through an SA shows up a second
# time on the same link after decryption, in the clear. Immediate mode:
# a stop right after the traffic must not lose what the kernel buffered.
ike_capture_start() {
	lab_bg "$1" nsenter --net="/run/netns/$2" tcpdump -i "$3" \
		-Q "${4:-inout}" --immediate-mode -n -U -Z root -s 256 \
		-w "$LAB_TMP/$1.pcap"
	wait_for 20 grep -q 'listening on' "$LAB_TMP/$1.err" ||
		{ diag "tcpdump did not start: $(cat "$LAB_TMP/$1.err")"; return 1; }
}

ike_capture_stop() {
	lab_bg_stop "$1"
}

# ike_capture_count NAME FILTER: packets of that capture matching FILTER.
# NaN (no assertion holds) when there is no such capture.
ike_capture_count() {
	[ -s "$LAB_TMP/$1.pcap" ] || { echo NaN; return 1; }
	tcpdump -r "$LAB_TMP/$1.pcap" -n "$2" 2>/dev/null | wc -l
}

# pcap filters on IKE and NAT-T (RFC 3948): ESP in UDP/4500 has a non-zero
# SPI where IKE on 4500 has its zero non-ESP marker; a NAT-keepalive is
# one 0xFF byte (UDP length 9).
IKE_F_ESPINUDP='udp port 4500 and udp[4:2] > 16 and udp[8:4] != 0'
IKE_F_KEEPALIVE='udp dst port 4500 and udp[4:2] = 9 and udp[8] = 0xff'
IKE_F_PLAIN='host 192.0.2.100 or net 203.0.113.0/24 or host 2001:db8:c::100 or net 2001:db8:100::/64'

# ike_swan_conn NAME LOCAL REMOTE IKE CERT LOCAL_TS REMOTE_TS ESP [REMOTE_ID]:
# one swanctl.conf connection, certificates both ways from groupca
# ($LAB_TMP/CERT.pem, groupca.pem). REMOTE "" takes any peer.
ike_swan_conn() {
	cat <<-EOF
	$1 {
		version = 2
		local_addrs = $2
		${3:+remote_addrs = $3}
		proposals = $4
		local { auth = pubkey
			certs = $LAB_TMP/$5.pem }
		remote { auth = pubkey
			 ${9:+id = \"$9\"}
			 cacerts = $LAB_TMP/groupca.pem }
		children {
			net { local_ts = $6
			      remote_ts = $7
			      esp_proposals = $8
			      mode = tunnel }
		}
	}
	EOF
}

# ike_swan_load NAME NS "KEY..." CONNECTION...: charon NAME started in NS
# with the private keys $LAB_TMP/KEY.key and these connections loaded.
ike_swan_load() {
	local n=$1 ns=$2 keys=$3 k

	shift 3
	mkdir -p "$LAB_TMP/$n/private" || return 1
	for k in $keys; do
		cp "$LAB_TMP/$k.key" "$LAB_TMP/$n/private/" || return 1
	done
	{
		echo "connections {"
		printf '%s\n' "$@"
		echo "}"
	} >"$LAB_TMP/$n/swanctl.conf"
	ike_charon_start "$n" "$ns" &&
	ike_swan "$n" --load-all --file "$LAB_TMP/$n/swanctl.conf" \
		>"$LAB_TMP/$n.load" 2>&1
}

# ike_dump NAME...: after a failure, the end of each one's log (vpnfod
# $LAB_TMP/NAME.err, charon $LAB_TMP/NAME/charon.log) or capture, as TAP
# comments.
ike_dump() {
	local n

	for n in "$@"; do
		if [ -f "$LAB_TMP/$n/charon.log" ]; then
			tail -30 "$LAB_TMP/$n/charon.log"
		elif [ -f "$LAB_TMP/$n.pcap" ]; then
			tcpdump -r "$LAB_TMP/$n.pcap" -n 2>/dev/null | tail -20
		elif [ -f "$LAB_TMP/$n.err" ]; then
			tail -30 "$LAB_TMP/$n.err"
		fi | sed "s/^/# $n: /"
	done
}

# ike_vpnfod_conf tunnel|group NAME LOCAL REMOTE LOCAL_TS REMOTE_TS CERT
# REQID [REMOTE_ID]: the usual lines of one vpnfod.conf section, the
# credentials $LAB_TMP/CERT.pem/.key under $LAB_TMP/groupca.pem; the
# caller appends its own (esp, retransmit, natt-keepalive, ...).
ike_vpnfod_conf() {
	printf '[%s %s]\nlocal %s\n' "$1" "$2" "$3"
	[ -n "$4" ] && printf 'remote %s\n' "$4"
	printf 'local-ts %s\nremote-ts %s\n' "$5" "$6"
	printf 'cert %s\nkey %s\nca %s\n' "$LAB_TMP/$7.pem" "$LAB_TMP/$7.key" \
		"$LAB_TMP/groupca.pem"
	printf 'reqid %s\n' "$8"
	[ -z "${9:-}" ] || printf 'remote-id %s\n' "$9"
}
