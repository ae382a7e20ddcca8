# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# What vpnfo says about a lab: vpnfoctl's JSON (the tunnel, its active
# peer, each peer's state and counters) and its events (vpnfoctl monitor in
# the background). Works on the lab of the current LAB_PREFIX and the
# tunnel LAB_TUNNEL. Sourced by selftests/lib.sh.

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

# vctl ARGS...: vpnfoctl in the lab's client.
vctl() {
	in_ns client "$VPNFOCTL" "$@"
}

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
