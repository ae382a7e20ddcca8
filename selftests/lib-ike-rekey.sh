# SPDX-License-Identifier: GPL-2.0
#
# Shared by test-ike-rekey*.sh: vpnfod and strongSwan's charon rekeying
# while an echo stream runs across (sourced after lib.sh). The lab:
#
#   rk-client 198.18.1.2 (inner 192.0.2.100) -- rk-gw1 198.18.1.1 (203.0.113.1)

NS_C=rk-client
NS_G=rk-gw1
LAB_LABS+=(rk-)
D=$LAB_TMP
RATE=100	# datagrams/s of the echo stream
RK_ESP="aes128gcm16-ecp256, aes128gcm16"	# charon: PFS, or none

# rk_setup: PKI, the two namespaces, the echo server (TAP checks).
rk_setup() {
	ike_require charon
	[ -x "$LAB_TOOLS/udp-echo" ] && [ -x "$LAB_TOOLS/udp-stream" ] ||
		{ echo "# $LAB_TOOLS/udp-stream missing: make -C selftests" >&2; exit 1; }
	ike_pki_ca groupca &&
	ike_pki_leaf client client.example groupca 10 &&
	ike_pki_leaf gw gw1.example groupca 11
	check "test PKI made" test $? = 0
	ike_lab_up $NS_C $NS_G
	check "two namespaces joined by a veth" test $? = 0
	echo_start
	check "udp echo server on 203.0.113.1" \
		wait_for 10 sh -c "ip netns exec $NS_G ss -uln | grep -q ':7 '"
}

# rk_logs: on failure, what vpnfod and charon said about rekeying.
rk_logs() {
	local f

	[ "$tap_failures" != 0 ] || return 0
	for f in vd-client vd-gw; do
		[ -f "$D/$f.err" ] && sed "s/^/# $f: /" "$D/$f.err" | tail -120
	done
	for f in swgw swc; do
		[ -f "$D/$f/charon.log" ] &&
			grep -iE 'rekey|collision|delet|TEMPORARY|retransmit|CREATE_CHILD' \
			"$D/$f/charon.log" | sed "s/^/# $f: /" | tail -80
	done
}

# The ESP SPIs in NS, one line, sorted.
spis() {
	in_ns "$1" ip xfrm state 2>/dev/null | awk '/spi/ { print $4 }' |
		sort | tr '\n' ' '
}

# new_pair NS OLD: exactly two SAs in NS and neither is in OLD.
new_pair() {
	local s

	[ "$(ike_nstates "$1")" = 2 ] || return 1
	for s in $(spis "$1"); do
		case " $2 " in *" $s "*) return 1 ;; esac
	done
}

# The IKE SA's SPIs as charon lists them.
ike_spis() {
	ike_swan "$1" --list-sas 2>/dev/null |
		awk '/ESTABLISHED/ { print $5 "/" $6 }' | tr '\n' ' '
}

new_ike() {	# new_ike CHARON OLD: one IKE SA, not OLD
	local now

	now=$(ike_spis "$1")
	[ -n "$now" ] && [ "$now" != "$2" ] && [ "$(echo $now | wc -w)" = 1 ]
}

# wire_delay MS|off: one-way delay on the veth, both directions, so that
# requests sent at once by both sides cross on the wire.
wire_delay() {
	if [ "$1" = off ]; then
		tc -n $NS_C qdisc del dev c-gw1 root &&
		tc -n $NS_G qdisc del dev gw1-c root
	else
		tc -n $NS_C qdisc add dev c-gw1 root netem delay "${1}ms" &&
		tc -n $NS_G qdisc add dev gw1-c root netem delay "${1}ms"
	fi
}

echo_start() {
	lab_bg echo in_ns $NS_G "$LAB_TOOLS/udp-echo" -p 7 -t 300
}

# stream NAME SECONDS: the echo stream, in the background.
stream() {
	lab_bg "$1" in_ns $NS_C "$LAB_TOOLS/udp-stream" -d 203.0.113.1 -p 7 \
		-s 192.0.2.100 -r $RATE -t "$2" --drain 2000
}

# xfrm_drops NS: the kernel's non-zero XFRM error counters in NS (an ESP
# packet for an SPI without a state is XfrmInNoStates).
xfrm_drops() {
	in_ns "$1" awk '$2 != 0 { printf "%s=%s ", $1, $2 }' /proc/net/xfrm_stat
}

xfrm_count() {	# xfrm_count NS COUNTER
	in_ns "$1" awk -v c="$2" '$1 == c { print $2 }' /proc/net/xfrm_stat
}

# stream_ended NAME: wait for stream NAME to end; its counts in the
# caller's sent and recv, its summary and both sides' XFRM errors as
# TAP comments.
stream_ended() {
	lab_bg_wait "$1"
	sent=$(stream_field "$1" sent)
	recv=$(stream_field "$1" received)
	diag "$1: $(cat "$D/$1.out")"
	diag "$1: XFRM errors: client: $(xfrm_drops $NS_C) gw: $(xfrm_drops $NS_G)"
}

# stream_lost_by_peer NAME: every datagram came back, except any that the
# gateway's own kernel dropped on an outbound SA it was deleting at that
# moment (XfrmOutStateInvalid: a packet routed just before its SA went);
# on the client, where vpnfod decides, no XFRM error at all (XfrmOutNoStates
# counts the fallback lookup of the nft stand-in for the module, not drops).
stream_lost_by_peer() {
	local sent recv inval cerr

	stream_ended "$1"
	inval=$(xfrm_count $NS_G XfrmOutStateInvalid)
	cerr=$(xfrm_drops $NS_C | sed 's/XfrmOutNoStates=[0-9]* //')
	cmp "$sent" -gt $((RATE * 5)) && [ -z "$cerr" ] &&
		cmp $((sent - recv)) -le "$inval"
}

stream_lost_none() {	# stream_lost_none NAME: sent > 0, every one back
	local sent recv

	stream_ended "$1"
	cmp "$sent" -gt $((RATE * 5)) && cmp "$recv" -eq "$sent"
}

# swan_id child|ike: charon's unique ID of the CHILD SA in use (not of
# one it replaced and still lists) or of the established IKE SA.
swan_id() {
	ike_swan "$SW" --list-sas 2>/dev/null | awk -v w="$1" '
		w == "child" && /INSTALLED/ { id = $2 }
		w == "ike" && /ESTABLISHED/ { id = $2 }
		END { gsub(/[#,]/, "", id); print id }'
}

# swan_rekey child|ike: charon starts a rekey (swanctl returns at once).
swan_rekey() {
	ike_swan "$SW" --rekey "--$1-id" "$(swan_id "$1")" >/dev/null 2>&1
}

# rekey_child vpnfod|charon|both: one CHILD SA rekey, waited for on both
# sides. "both": charon first (swanctl is slow to start), then vpnfod.
rekey_child() {
	local c g

	c=$(spis $NS_C) g=$(spis $NS_G)
	case $1 in
	vpnfod) kill -USR1 "$VD_PID" ;;
	charon) swan_rekey child ;;
	both) swan_rekey child && kill -USR1 "$VD_PID" ;;
	esac
	wait_for 40 new_pair $NS_C "$c" && wait_for 20 new_pair $NS_G "$g"
}

rekey_ike() {
	local old

	old=$(ike_spis "$SW")
	[ -n "$old" ] || return 1
	case $1 in
	vpnfod) kill -USR2 "$VD_PID" ;;
	charon) swan_rekey ike ;;
	both) swan_rekey ike && kill -USR2 "$VD_PID" ;;
	esac
	wait_for 40 new_ike "$SW" "$old" && nap 1 && new_ike "$SW" "$old"
}

