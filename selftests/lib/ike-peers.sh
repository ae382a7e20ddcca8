# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The IKE peers of the IKE labs: strongSwan's charon (its own
# strongswan.conf, VICI socket and /run) driven by swanctl, and vpnfod,
# with their configuration files, the XFRM states they install and their
# logs on failure. Sourced by selftests/lib.sh; lib/ike-topology.sh makes
# the namespaces, lib/ike-pki.sh the certificates.

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

# ike_xfrm_flush NS...: no XFRM state or policy left in these namespaces
# (between the parts of a test).
ike_xfrm_flush() {
	local ns

	for ns in "$@"; do
		in_ns "$ns" ip xfrm state flush
		in_ns "$ns" ip xfrm policy flush
	done
}

ike_swan_none_established() {	# ike_swan_none_established CHARON
	! ike_swan_established "$1"
}

# ---------------------------------------------------------------- shared checks
# Each prints its TAP lines, named "PART: ...".

# check_vpnfod_exit_delete PART VPNFOD CHARON: vpnfod stopped, charon
# honours the delete it sent at exit.
check_vpnfod_exit_delete() {
	lab_bg_stop "$2"
	check "$1: vpnfod's delete at exit honoured by charon" \
		wait_for 10 ike_swan_none_established "$3"
}

# check_charon_initiates PART WHAT CHARON CONN TIMEOUT GW_NS: charon
# initiates CONN (child "net") to vpnfod, the gateway responder in GW_NS,
# which installs its two SAs. WHAT names the first check.
check_charon_initiates() {
	ike_swan "$3" --initiate --child net --ike "$4" --timeout "$5" \
		>"$LAB_TMP/$3-$4.initiate" 2>&1
	check "$1: $2" test $? = 0
	check "$1: vpnfod installed the gateway's two SAs" \
		wait_for 5 ike_states_are "$6" 2
}

# check_charon_delete PART CHARON CONN GW_NS: charon terminates CONN; the
# vpnfod gateway in GW_NS removes its SAs.
check_charon_delete() {
	ike_swan "$2" --terminate --ike "$3" --timeout 10 >/dev/null 2>&1
	check "$1: delete from charon honoured (gateway SAs removed)" \
		wait_for 10 ike_states_are "$4" 0
}
