# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Behaviours that several failover tests assert, each a function that
# prints its own TAP lines (names prefixed by the caller's NAME):
#   check_only_gw_carries NAME N     steady-state-through-one-gateway
#   check_failover_and_failback NAME WAY
#                                    failover-to-gw2, failback-to-gw1
#   check_all_down_fails_closed NAME all-down-drops-and-counts
# Sourced by selftests/lib.sh; the lab of lib/topology.sh, set up.

# check_only_gw_carries NAME N: a stream gets every answer, through gwN's
# SA only, steered there by vpnfo, which shows gwN as the active peer; the
# other gateways' SAs carry their probes and nothing else.
check_only_gw_carries() {
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

# check_failover_and_failback NAME WAY: gw1 fails that way (lib/faults.sh)
# while a stream runs; traffic moves to gw2 and flows there only; gw1
# restored, traffic fails back.
check_failover_and_failback() {
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
	check_only_gw_carries "$name: gw1 failed ($way)" 2
	lab_restore 1 "$way"
	check "$name: gw1 restored ($way): traffic fails back to gw1" \
		wait_for 20 active_is gw1
}

# check_all_down_fails_closed NAME: every gateway fails (one each way):
# nothing is answered, vpnfo drops and counts every datagram; then all
# recover and traffic is answered again.
check_all_down_fails_closed() {
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
