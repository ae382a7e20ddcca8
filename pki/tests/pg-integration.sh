#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The enrollment service on PostgreSQL: the admin tool and the full flow
# against a real server, then a database outage: 503 while it is down,
# service again when it is back, without restarting vpnfo-pkid.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg.sh"
trap 'cleanup; pg_stop' EXIT
pg_start || { echo "not ok 1 - postgresql start"; exit 1; }
check "admin tool sets up groups, users, gateways on PostgreSQL" pki_setup "$PG_URI"
pkid_start --timeout 5 --delay-base 0.05 --delay-cap 0.2 || { echo "not ok 2 - pkid start"; exit 1; }
C="$PKI/tests/enroll_client"
check "full enrollment with the PostgreSQL store" \
	to /dev/null "$C" 127.0.0.1 "$PORT" "$FP" alice pw-alice "$T/alice"
check "8 concurrent enrollments on PostgreSQL" \
	to /dev/null "$C" 127.0.0.1 "$PORT" "$FP" erin pw-erin "$T/conc" 8 1
dups=$($P --json cert list | grep -o '"serial":"[0-9a-f]*"' | sort | uniq -d | wc -l)
check "no duplicate serials" test "$dups" = 0
pg_pause
s=$(api /v1/enroll/start -H 'Content-Type: application/json' -d "$(json_login alice pw-alice)")
check "database down: enrollment answers 503" test "$s" = 503
s=$(api /.well-known/est/eng/cacerts)
check "database down: EST cacerts answers 503" test "$s" = 503
s=$(api /v1/nothing)
check "database down: requests that need no database are still served (404)" test "$s" = 404
pg_resume
check "database back: enrollment works again without a restart" \
	to /dev/null "$C" 127.0.0.1 "$PORT" "$FP" bob pw-bob "$T/bob"
check "the service stayed up throughout" kill -0 "$PKID"
echo "1..$n"
exit $rc
