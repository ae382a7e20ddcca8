# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Packet captures and what is counted in them: tcpdump in a namespace into
# $LAB_TMP/NAME.pcap, read back with a pcap filter. On an IPsec endpoint
# capture what it sends (-Q out) only: a packet it receives through an SA
# shows up a second time on the same link after decryption, in the clear,
# as if it had come from the wire. A count of a capture that does not
# exist is NaN, so that no assertion on it holds. Sourced by
# selftests/lib.sh.

# tcpdump_start NAME NS TCPDUMP-OPTIONS...: tcpdump in namespace NS (a full
# name) in the background into $LAB_TMP/NAME.pcap, until capture_stop
# NAME; returns once tcpdump listens.
tcpdump_start() {
	local name=$1 ns=$2

	shift 2
	lab_bg "$name" nsenter --net="/run/netns/$ns" tcpdump "$@" \
		-n -U -Z root -w "$LAB_TMP/$name.pcap"
	wait_for 20 grep -q 'listening on' "$LAB_TMP/$name.err" ||
		{ diag "tcpdump did not start: $(cat "$LAB_TMP/$name.err")"; return 1; }
}

# pcap_count NAME FILTER: packets of capture NAME matching FILTER, or NaN.
pcap_count() {
	[ -s "$LAB_TMP/$1.pcap" ] || { echo NaN; return 1; }
	tcpdump -r "$LAB_TMP/$1.pcap" -n "$2" 2>/dev/null | wc -l
}

# ---------------------------------------------------------------- the failover lab's client

# capture_start: tcpdump on the client until capture_stop: everything the
# client sends on any link (its WAN links, and up0 where a packet that
# escaped IPsec would go).
capture_start() {
	tcpdump_start "${LAB_PREFIX}cap" "$(lab_ns client)" -i any -Q out -s 128
}

capture_stop() {
	lab_bg_stop "${LAB_PREFIX}cap"
}

# capture_count FILTER: captured packets matching the pcap FILTER.
capture_count() {
	pcap_count "${LAB_PREFIX}cap" "$1"
}

LAB_PLAINTEXT_FILTER="net 203.0.113.0/24 or net 2001:db8:100::/64"

# check_no_plaintext NAME: TAP lines for "no plaintext" and "the capture
# saw ESP" (without the second, an empty capture would prove nothing).
check_no_plaintext() {
	local plain esp

	plain=$(capture_count "$LAB_PLAINTEXT_FILTER")
	esp=$(capture_count esp)
	diag "$1: capture: $plain plaintext, $esp ESP packets"
	check "$1: the client sent no plaintext to the protected prefixes" \
		[ "$plain" -eq 0 ]
	check "$1: the capture holds ESP packets (it works)" [ "$esp" -gt 0 ]
}

# ---------------------------------------------------------------- the IKE labs

# ike_capture_start NAME NS IFACE [in|out]: tcpdump on IFACE in NS into
# $LAB_TMP/NAME.pcap until ike_capture_stop NAME. Immediate mode: a stop
# right after the traffic must not lose what the kernel buffered.
ike_capture_start() {
	tcpdump_start "$1" "$2" -i "$3" -Q "${4:-inout}" --immediate-mode -s 256
}

ike_capture_stop() {
	lab_bg_stop "$1"
}

# ike_capture_count NAME FILTER: packets of that capture matching FILTER.
ike_capture_count() {
	pcap_count "$@"
}

# pcap filters on IKE and NAT-T (RFC 3948): ESP in UDP/4500 has a non-zero
# SPI where IKE on 4500 has its zero non-ESP marker; a NAT-keepalive is
# one 0xFF byte (UDP length 9).
IKE_F_ESPINUDP='udp port 4500 and udp[4:2] > 16 and udp[8:4] != 0'
IKE_F_KEEPALIVE='udp dst port 4500 and udp[4:2] = 9 and udp[8] = 0xff'
IKE_F_PLAIN='host 192.0.2.100 or net 203.0.113.0/24 or host 2001:db8:c::100 or net 2001:db8:100::/64'
