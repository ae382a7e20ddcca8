#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vpnfo-pkid under systemd's notify protocol (Type=notify, ExecReload=kill
# -HUP), with a test socket for systemd: READY=1 once the database is open
# and the listener bound, SIGHUP issues a new TLS certificate (RELOADING=1,
# READY=1), a reload that fails keeps the old certificate and the service,
# SIGTERM sends STOPPING=1. TAP on stdout.
set -u
. "$(dirname "$0")/lib.sh"
# shellcheck source=../../lib/tests/notify.sh
. "$(dirname "$0")/../../lib/tests/notify.sh"
T=$(mktemp -d /tmp/vpnfo-pkid-notify.XXXXXX)
LISTENER=
trap 'pkid_stop; [ -n "$LISTENER" ] && kill "$LISTENER"; wait; rm -rf "$T"' EXIT
DB=sqlite:$T/pki.db
"$PKI/vpnfo-pki" --db "$DB" --secret "$T/secret" init >/dev/null ||
	{ echo "not ok 1 - vpnfo-pki init"; exit 1; }

logged() { seen "${2:-1}" "$1" "$T/pkid.log"; }
meta() {
	python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
if len(sys.argv) > 3:
    db.execute("UPDATE meta SET value = ? WHERE name = ?", (sys.argv[3], sys.argv[2]))
    db.commit()
else:
    print(db.execute("SELECT value FROM meta WHERE name = ?", (sys.argv[2],)).fetchone()[0])
' "$T/pki.db" "$@"
}
# The certificate the service presents now, and its SHA-256.
served() {
	openssl s_client -connect "127.0.0.1:$PORT" </dev/null 2>/dev/null |
		openssl x509 >"$T/served.pem" 2>/dev/null &&
		openssl x509 -in "$T/served.pem" -noout -fingerprint -sha256
}
verifies() { openssl verify -CAfile "$T/service-ca.pem" "$T/served.pem" >/dev/null 2>&1; }
differs() { [ -n "$1" ] && [ -n "$2" ] && [ "$1" != "$2" ]; }

meta service_ca_cert >"$T/service-ca.pem"
notify_listen || { echo "not ok 1 - the test NOTIFY_SOCKET"; exit 1; }

NOTIFY_SOCKET=$T/notify.sock "$PKI/vpnfo-pkid" --db "$DB" --secret "$T/secret" \
	--port 0 --port-file "$T/port" --threads 2 2>"$T/pkid.log" &
PKID=$!
check "READY=1 once listening, STATUS= names the address and port" \
	msgs 1 '^READY=1\|STATUS=listening on 127\.0\.0\.1 port [0-9]+ \(2 threads\)$'
PORT=$(cat "$T/port")
fp1=$(served)
check "the TLS certificate comes from the service CA" verifies

kill -HUP "$PKID"
check "SIGHUP: RELOADING=1 with MONOTONIC_USEC, then READY=1 again" reloaded 1
check "SIGHUP: logged as reloaded" logged 'reloaded: new TLS certificate for 127\.0\.0\.1'
fp2=$(served)
check "SIGHUP: a new TLS certificate is served" differs "$fp1" "$fp2"
check "SIGHUP: the new certificate comes from the service CA" verifies

good=$(meta service_ca_cert)
meta service_ca_cert "not a certificate"
kill -HUP "$PKID"
check "SIGHUP without a usable service CA: RELOADING=1, READY=1" reloaded 2
check "SIGHUP without a usable service CA: refused, logged" \
	logged 'reload refused, the running TLS certificate stays'
check "SIGHUP without a usable service CA: the old certificate serves on" \
	[ "$(served)" = "$fp2" ]

meta service_ca_cert "$good"
kill -HUP "$PKID"
reloaded 3 || nok "third reload: RELOADING=1, READY=1"
logged 'reloaded: new TLS certificate' 2 || nok "third reload logged"
check "SIGHUP with the service CA back: a new certificate again" differs "$fp2" "$(served)"

kill -TERM "$PKID"
wait "$PKID"
st=$?
PKID=
check "SIGTERM: STOPPING=1" msgs 1 '^STOPPING=1'
check "SIGTERM: vpnfo-pkid exits 0" [ "$st" = 0 ]
notify_end "$T/pkid.log"
