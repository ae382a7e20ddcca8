# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Ways to fail a gateway of the lab, and to mend it again:
#   link  gwN's WAN link down (the routes through it go with it)
#   sa    gwN's SAs flushed (ESP from the client finds no state)
#   loss  100 % loss on gwN's WAN link (netem)
# Sourced by selftests/lib.sh.

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
