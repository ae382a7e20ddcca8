# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The IKE labs' namespaces, apart from the failover lab: the test-ike-*.sh
# files run vpnfod and strongSwan's charon in two or three namespaces of
# their own, named in full by the test (LAB_PREFIX stays empty; the test
# adds its prefix to LAB_LABS for cleanup). Sourced by selftests/lib.sh.
#
# ike_lab_up CLIENT GW [4|6]:
#
#   CLIENT                                       GW
#   up0 (dummy) 192.0.2.100, 2001:db8:c::100     lo 203.0.113.1, 2001:db8:100::1
#   c-gw1 198.18.1.2 / 2001:db8:1::2  --------   gw1-c 198.18.1.1 / 2001:db8:1::1
#
# ike_lab_nat_up CLIENT ROUTER GW (the caller adds the NAT rules to ROUTER):
#
#   CLIENT                    ROUTER                         GW
#   c-r 10.0.1.2  --------    r-c 10.0.1.1 | r-gw1 198.18.1.2  --------  gw1-r 198.18.1.1
#
# Inner addresses as in ike_lab_up: IKE_CIN(6) on the client, IKE_GIN(6)
# on the gateway; outer ones in IKE_C, IKE_G (and IKE_NAT).

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

# ike_mark_stand_in NS TABLE MARK: the vpnfo module's stand-in in NS: an
# nftables table TABLE gives locally sent traffic to 203.0.113.0/24 MARK
# (the mark of gw1's XFRM policy).
ike_mark_stand_in() {
	in_ns "$1" nft -f - <<-EOF
		table inet $2 {
			chain out {
				type route hook output priority mangle;
				ip daddr 203.0.113.0/24 meta mark set $3
			}
		}
	EOF
}
