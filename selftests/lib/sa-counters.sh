# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The client's XFRM SA counters: which gateway's SA carried how much, the
# kernel's view next to vpnfo's own (lib/vpnfo-state.sh). Sourced by
# selftests/lib.sh.

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
