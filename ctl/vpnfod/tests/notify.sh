#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vpnfod under systemd's notify protocol (Type=notify, ExecReload=kill -HUP),
# with a test socket for systemd: READY=1 once it serves, SIGHUP reloads
# (RELOADING=1, then READY=1), a bad configuration is refused and the old one
# runs on, SIGTERM sends STOPPING=1. vpnfod runs as root in a network
# namespace of its own (unshare -n), with one [group]: it binds its UDP
# ports, installs nothing and initiates nothing. TAP on stdout.
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(cd ../.. && pwd)
# shellcheck source=../../../lib/tests/tap.sh
. "$top/lib/tests/tap.sh"
# shellcheck source=../../../lib/tests/notify.sh
. "$top/lib/tests/notify.sh"

if [ "$(id -u)" != 0 ] || ! unshare -n true 2>/dev/null ||
	! command -v python3 >/dev/null || ! command -v openssl >/dev/null; then
	echo "ok 1 - vpnfod notify and reload # SKIP needs root, unshare -n, python3, openssl"
	exit 0
fi

T=$(mktemp -d /tmp/vpnfod-notify.XXXXXX)
VPNFOD=
LISTENER=
cleanup() {
	[ -n "$VPNFOD" ] && kill "$VPNFOD" 2>/dev/null
	[ -n "$LISTENER" ] && kill "$LISTENER" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

ec() { openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "$@" 2>/dev/null; }
ec -x509 -keyout "$T/ca.key" -out "$T/ca.pem" -subj /CN=notify-ca -days 2 &&
	ec -keyout "$T/gw.key" -out "$T/gw.csr" -subj /CN=notify-gw &&
	openssl x509 -req -in "$T/gw.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" \
		-CAcreateserial -out "$T/gw.pem" -days 2 2>/dev/null ||
	{ echo "not ok 1 - test certificates (openssl)"; exit 1; }

# conf [KEY VALUE]...: the group, with extra lines.
conf() {
	{
		printf '[group staff]\nlocal 127.0.0.1\nlocal-ts 10.0.0.0/24\n'
		printf 'remote-ts 10.1.0.0/24\ncert %s/gw.pem\nkey %s/gw.key\n' "$T" "$T"
		printf 'ca %s/ca.pem\n' "$T"
		printf '%s\n' "$@"
	} >"$T/vpnfod.conf.new"
	mv "$T/vpnfod.conf.new" "$T/vpnfod.conf"
}

logged() { seen 1 "$1" "$T/log"; }
runs_on() { msgs 4 '^READY=1' && kill -0 "$VPNFOD"; }
# every RELOADING=1 was followed by a READY=1, in that order
alternates() {
	[ "$(grep -o -E '^(READY|RELOADING)=1' "$T/notify" | tr '\n' ' ')" = \
		"READY=1 RELOADING=1 READY=1 RELOADING=1 READY=1 RELOADING=1 READY=1 RELOADING=1 READY=1 " ]
}

notify_listen || { echo "not ok 1 - the test NOTIFY_SOCKET"; exit 1; }

conf "reqid 7"
NOTIFY_SOCKET=$T/notify.sock unshare -n ./vpnfod -c "$T/vpnfod.conf" -p 1500 \
	2>"$T/log" &
VPNFOD=$!

check "READY=1 once the sockets are bound, STATUS= names the configuration" \
	msgs 1 "^READY=1\|STATUS=1 sections from $T/vpnfod.conf, 0 IKE SAs up$"

conf "reqid 7" "dpd 10s"
kill -HUP "$VPNFOD"
check "SIGHUP: RELOADING=1 with MONOTONIC_USEC, then READY=1 again" reloaded 1
check "SIGHUP: a changed dpd is applied, nothing needs a restart" \
	logged "reloaded $T/vpnfod.conf: 1 sections"

conf "reqid 8"
kill -HUP "$VPNFOD"
check "SIGHUP: a changed reqid is logged as needing a restart" \
	logged 'group staff: reqid changed: needs restart'
check "SIGHUP: the count of changes needing a restart is logged" \
	logged 'reloaded .*: 1 changes need restart'
reloaded 2 || nok "second reload: RELOADING=1, READY=1"

conf "reqid 7" "dpd soon"
kill -HUP "$VPNFOD"
check "SIGHUP with a bad configuration: refused, the reason quoted" \
	logged 'reload refused, the running configuration stays: .*bad duration "soon"'
check "SIGHUP with a bad configuration: READY=1 again, vpnfod runs on" runs_on

conf "reqid 7"
sed -i "s|^key .*|key $T/missing.key|" "$T/vpnfod.conf"
kill -HUP "$VPNFOD"
check "SIGHUP with an unreadable key: refused" \
	logged "reload refused, .*cannot read key \"$T/missing.key\""
reloaded 4 || nok "fourth reload: RELOADING=1, READY=1"
check "four reloads: READY=1 and RELOADING=1 alternate" alternates

kill -TERM "$VPNFOD"
wait "$VPNFOD"
st=$?
VPNFOD=
check "SIGTERM: STOPPING=1" msgs 1 '^STOPPING=1'
check "SIGTERM: vpnfod exits 0" [ "$st" = 0 ]
notify_end "$T/log"
