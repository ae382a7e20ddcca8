# SPDX-License-Identifier: GPL-2.0
# Sourced by the integration tests: TAP counters, a fresh pki with groups,
# users and gateways, and an enrollment service on a loopback port.

# shellcheck source=../../lib/tests/tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../lib/tests/tap.sh"

# to FILE COMMAND...: runs the command with its stdout in FILE.
to() {
	local f=$1
	shift
	"$@" >"$f"
}

PKI=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# pki_setup DB_URI: a service CA, groups eng (EC) and ops (RSA), users, gateways.
pki_setup() {
	T=$(mktemp -d /tmp/vpnfo-pki-test.XXXXXX)
	DB=${1:-sqlite:$T/pki.db}
	P="$PKI/vpnfo-pki --db $DB --secret $T/secret"
	FP=$($P --json init | sed 's/.*"service_ca_sha256":"\([0-9a-f]*\)".*/\1/')
	$P group add eng >/dev/null && $P group add ops --rsa >/dev/null || return 1
	for u in alice:eng bob:eng carol:ops dave:eng erin:eng; do
		VPNFO_PASSWORD="pw-${u%%:*}" $P user add "${u%%:*}" "${u#*:}" || return 1
	done
	$P gateway add gw1 --addr 127.0.0.1 --priority 10 --group eng --group ops &&
	$P gateway add gw2 --addr ::1,127.0.0.2 --priority 20 --group eng &&
	$P gateway export gw1 --out "$T/gw1" >/dev/null
}

# pkid_start [ARGS...]: the service on 127.0.0.1, a free port, in $PORT.
pkid_start() {
	rm -f "$T/port"
	"$PKI/vpnfo-pkid" --db "$DB" --secret "$T/secret" --port 0 --port-file "$T/port" \
		-q "$@" 2>>"$T/pkid.log" &
	PKID=$!
	for _ in $(seq 100); do
		[ -s "$T/port" ] && break
		sleep 0.05
	done
	PORT=$(cat "$T/port" 2>/dev/null)
	[ -n "$PORT" ]
}

pkid_stop() {
	[ -n "${PKID:-}" ] && kill "$PKID" 2>/dev/null && wait "$PKID" 2>/dev/null
	PKID=
}

cleanup() {
	pkid_stop
	rm -rf "$T"
}

URL() { echo "https://127.0.0.1:$PORT$1"; }
# api PATH [CURL ARGS...]: prints the status code, the body goes to $T/body.
api() {
	local path=$1
	shift
	curl -s -o "$T/body" -w '%{http_code}' --cacert "$T/gw1/service-ca.crt" "$@" "$(URL "$path")"
}
json_login() { printf '{"user":"%s","password":"%s"}' "$1" "$2"; }
