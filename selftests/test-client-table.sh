#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The gateways' client tables: each gateway's reflector knows the client
# whose probes it answers, keyed by the inbound SA (outer source, SPI) and
# the inner source, and whether the client uses it (active) or holds it in
# reserve (standby), as the client's module says in each probe.
#
# Behaviours checked:
#   active-on-gw1, standby-on-gw2/gw3   after setup, from the probes' flag
#   counters                            the reflector counts the client
#   events-active/standby               client-active on gw1's events
#                                       group, client-standby on gw2's
#   flip-on-switch                      gw1 fails (loss): gw2 active,
#                                       gw1 standby, events on both
#   flip-back                           gw1 restored: failback flips back
#   gone-after-timeout                  the client deletes gw3: gw3's entry
#                                       stays for the timeout, then goes,
#                                       with a client-gone event
#   unprivileged-dump-refused           as nobody the dump is refused
. "$(dirname "$0")/lib.sh"

lab_require
command -v setpriv >/dev/null || skip_all "setpriv (util-linux) not installed"

# enum vpnfo_event (uapi/linux/vpnfo.h): `vpnfoctl monitor` prints the
# client events it has no name for as "event N".
EV_ACTIVE=6 EV_STANDBY=7 EV_GONE=8
TIMEOUT_MS=3000		# VPNFO_CLIENT_TIMEOUT_MS_DEFAULT

# nobody_in N CMD...: CMD in gwN as uid/gid 65534 with no capabilities.
nobody_in() {
	local n=$1

	shift
	in_ns "gw$n" setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all "$@"
}

# client_json N: gwN's `vpnfoctl --json client show`.
client_json() {
	in_ns "gw$1" "$VPNFOCTL" --json client show
}

# client_state N: the lab client's state in gwN's table ("" when absent).
client_state() {
	client_json "$1" | jq -r --arg o "$(wan_client "$1")" \
		--arg s "$(printf '0x%08x' "$(spi_up "$1")")" --arg i "$CIN" \
		'.clients[] | select(.outer == $o and .spi == $s and
			.inner == $i) | .state'
}

client_is() { [ "$(client_state "$1")" = "$2" ]; }
client_absent() { [ -z "$(client_state "$1")" ]; }

# saw_event N EV: gwN's monitor printed event EV.
saw_event() { grep -q " event $2\$" "$LAB_TMP/mon$1.out"; }
count_events() { grep -c " event $2\$" "$LAB_TMP/mon$1.out"; }

now_ms() { echo $(($(date +%s%N) / 1000000)); }

lab_addrs
if ! lab_build; then
	not_ok "lab built"
	tap_done
fi
# The gateways' monitors join before the client's first probe.
for n in 1 2 3; do
	in_ns "gw$n" "$VPNFOCTL" reflector on
	lab_bg "mon$n" in_ns "gw$n" stdbuf -oL "$VPNFOCTL" monitor \
		--timeout 240s
	wait_for 15 monitor_joined "$(lab_bg_pid "mon$n")" ||
		diag "gw$n's monitor not seen joining the events group"
done
# shellcheck disable=SC2034 # read by lab_vpnfo
LAB_PEER_OPTS=$LAB_TEST_PEER_OPTS
if ! lab_vpnfo; then
	not_ok "lab set up"
	tap_done
fi
wait_for 20 active_is gw1

check "gw1 lists the client as active" wait_for 10 client_is 1 active
check "gw2 lists the client as standby" wait_for 10 client_is 2 standby
check "gw3 lists the client as standby" wait_for 10 client_is 3 standby
check "gw1 counts one client, added once" eval \
	'[ "$(client_json 1 | jq "[.stats.clients, .stats.added, .stats.refused] | @csv")" = "\"1,1,0\"" ]'
check "gw1's probes are counted" eval \
	'[ "$(client_json 1 | jq ".clients[0].probes")" -gt 0 ]'
check "client-active sent on gw1" wait_for 5 saw_event 1 "$EV_ACTIVE"
check "client-standby sent on gw2" wait_for 5 saw_event 2 "$EV_STANDBY"
check "no client-active on gw2 yet" eval '! saw_event 2 "$EV_ACTIVE"'

# Loss on gw1's WAN link: its replies are lost, the client's probes still
# reach it, now flagged standby.
lab_fail 1 loss
check "failover: gw2 active on the client" wait_for 30 active_is gw2
check "after the switch gw2 lists the client as active" \
	wait_for 10 client_is 2 active
check "after the switch gw1 lists the client as standby" \
	wait_for 10 client_is 1 standby
check "client-active sent on gw2" wait_for 5 saw_event 2 "$EV_ACTIVE"
check "client-standby sent on gw1" wait_for 5 saw_event 1 "$EV_STANDBY"

lab_restore 1 loss
check "failback: gw1 active on the client" wait_for 30 active_is gw1
check "after failback gw1 lists the client as active again" \
	wait_for 10 client_is 1 active
check "after failback gw2 lists the client as standby again" \
	wait_for 10 client_is 2 standby

# The client stops probing gw3: its entry outlives the last probe by the
# timeout (give or take the scan's 100 ms ticks), then goes.
check "gw3 still lists the client" client_is 3 standby
vctl peer del "$LAB_TUNNEL" gw3
t0=$(now_ms)
check "gw3 forgets the client once its probes stop" \
	wait_for 15 client_absent 3
took=$(($(now_ms) - t0))
diag "gw3's entry went ${took} ms after the peer was deleted"
check "not before the timeout (${TIMEOUT_MS} ms)" \
	test "$took" -ge $((TIMEOUT_MS - 500))
check "client-gone sent on gw3" wait_for 5 saw_event 3 "$EV_GONE"
check "gw3 counts it gone" eval \
	'[ "$(client_json 3 | jq "[.stats.clients, .stats.gone] | @csv")" = "\"0,1\"" ]'
check "gw1 keeps its client" client_is 1 active
check "gw1 sent no client-gone" test "$(count_events 1 "$EV_GONE")" = 0

nobody_in 1 "$VPNFOCTL" client show >/dev/null \
	2>"$LAB_TMP/nobody.err"
rc=$?
check "an unprivileged client dump is refused" test "$rc" != 0
check "it is told why: CAP_NET_ADMIN" \
	grep -q "CAP_NET_ADMIN required" "$LAB_TMP/nobody.err"
check "no kernel warning" dmesg_clean
tap_done
