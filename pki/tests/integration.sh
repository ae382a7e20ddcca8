#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Loopback integration tests of the enrollment service (SQLite store):
# the full patent flow, EST, every bad-input case, concurrency.
set -u
. "$(dirname "$0")/lib.sh"
trap cleanup EXIT
pki_setup || { echo "not ok 1 - pki setup"; exit 1; }
pkid_start --timeout 2 --delay-base 0.4 --delay-cap 3.2 --threads 24 ||
	{ echo "not ok 1 - pkid start"; exit 1; }
C="$PKI/tests/enroll_client"
RAW="$PKI/tests/rawtls.py"
count_certs() { $P --json cert list | grep -o '"serial"' | wc -l; }

# --- steps 100-105 -----------------------------------------------------------
check "full enrollment (steps 100-105) with a pinned service CA" \
	to "$T/out" "$C" 127.0.0.1 "$PORT" "$FP" alice pw-alice "$T/alice"
check "private key stored with mode 0600" test "$(stat -c %a "$T/alice/key.pem")" = 600
check "certificate subject is the user, issued by the group CA" \
	to /dev/null openssl verify -CAfile "$T/alice/ca.pem" -x509_strict "$T/alice/cert.pem"
check "served policy lists the group's gateways by priority" \
	grep -q '"gateways":\[{"name":"gw1","priority":10,.*{"name":"gw2","priority":20' \
	"$T/alice/policy.json"
check "stored policy signature verifies against the group CA" "$C" --check "$T/alice"
check "openssl cms -verify (default purpose) accepts the policy with the group CA alone" \
	bash -c "openssl cms -verify -inform DER -in '$T/alice/policy.cms' -CAfile '$T/alice/ca.pem' \
		-out '$T/cms.out' 2>'$T/cms.err' && grep -q 'Verification successful' '$T/cms.err'"
check "what openssl cms -verify returns is policy.json" cmp -s "$T/cms.out" "$T/alice/policy.json"
openssl pkcs7 -inform DER -in "$T/alice/policy.cms" -print_certs >"$T/signer.pem" 2>/dev/null
openssl x509 -in "$T/signer.pem" -noout -text >"$T/signer.txt" 2>/dev/null
check "the policy is signed by a certificate the group CA issued for policy signing" bash -c "
	grep -q 'Subject: CN = eng policy signing' '$T/signer.txt' &&
	grep -q 'Issuer: CN = eng\$' '$T/signer.txt' &&
	grep -q 'CA:FALSE' '$T/signer.txt' &&
	grep -A1 'Key Usage: critical' '$T/signer.txt' | grep -qx ' *Digital Signature' &&
	grep -A1 'Extended Key Usage' '$T/signer.txt' |
		grep -q 'E-mail Protection, 2.25.261507538425504565583925333472726398250'"
check "the CMS carries only the signer certificate, not the CA" \
	test "$(grep -c 'BEGIN CERTIFICATE' "$T/signer.pem")" = 1
check "audit log records the group's policy-signing certificate" \
	bash -c "$P audit | grep -q 'policy-signing certificate .* for group eng issued (new group)'"
cp -r "$T/alice" "$T/tampered"
sed -i 's/"probe_failures":3/"probe_failures":9/' "$T/tampered/policy.cms"
check "a tampered policy fails verification" bash -c "! '$C' --check '$T/tampered' 2>/dev/null"
check "wrong pin: the client refuses the server" \
	bash -c "! '$C' 127.0.0.1 $PORT 00${FP:2} alice pw-alice '$T/x' >/dev/null 2>&1"
check "audit log records enrollment and issuance" \
	bash -c "$P audit | grep -q enroll-start && $P audit | grep -q 'client certificate .* for alice'"
SERIAL=$(openssl x509 -in "$T/alice/cert.pem" -noout -serial | cut -d= -f2 | tr A-F a-f)
check "issued certificate recorded in the store" bash -c "$P cert list | grep -q '^$SERIAL client'"
s=$(api /v1/policy --cert "$T/alice/cert.pem" --key "$T/alice/key.pem" --tlsv1.3)
check "policy over mutual TLS 1.3 answers 200" test "$s" = 200
s=$("$RAW" "$PORT" "$T/gw1/service-ca.crt" --tls 1.2 --cert "$T/alice/cert.pem" \
	--key "$T/alice/key.pem" -- 'b"GET /v1/policy HTTP/1.1\r\nHost: x\r\n\r\n"')
check "policy over mutual TLS 1.2 answers 200" test "$s" = "200 TLSv1.2"

# --- EST (RFC 7030) -----------------------------------------------------------
s=$(api /.well-known/est/eng/cacerts)
check "EST cacerts returns the group CA as certs-only PKCS#7" bash -c "test $s = 200 &&
	base64 -d '$T/body' | openssl pkcs7 -inform der -print_certs | grep -q 'subject=CN = eng'"
$P group ca eng >"$T/eng-ca.pem"
check "EST cacerts is what openssl crl2pkcs7 -nocrl builds (no eContent)" bash -c "
	openssl crl2pkcs7 -nocrl -certfile '$T/eng-ca.pem' -outform der | cmp -s - <(base64 -d '$T/body')"
check "EST cacerts for an unknown group is 404" test "$(api /.well-known/est/nope/cacerts)" = 404
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/est.key" \
	-subj /CN=bob -outform der -out "$T/est.der" 2>/dev/null
base64 "$T/est.der" >"$T/est.b64"
s=$(api /.well-known/est/eng/simpleenroll -H 'Content-Type: application/pkcs10' \
	--data-binary @"$T/est.b64" --user bob:pw-bob)
check "EST simpleenroll with HTTP Basic issues a certificate" bash -c "test $s = 200 &&
	base64 -d '$T/body' | openssl pkcs7 -inform der -print_certs | grep -q 'subject=CN = bob'"
s=$(api /.well-known/est/eng/simpleenroll -H 'Content-Type: application/pkcs10' \
	--data-binary @"$T/est.b64")
check "EST simpleenroll without credentials is 401" test "$s" = 401
s=$(api /.well-known/est/ops/simpleenroll -H 'Content-Type: application/pkcs10' \
	--data-binary @"$T/est.b64" --user bob:pw-bob)
check "EST simpleenroll into another group is 403" test "$s" = 403
"$C" 127.0.0.1 "$PORT" "$FP" bob pw-bob "$T/bob" >/dev/null
old=$(openssl x509 -in "$T/bob/cert.pem" -noout -serial)
check "EST simplereenroll with the client certificate renews it" \
	bash -c "'$C' --renew '$T/bob' >/dev/null && test \"\$(openssl x509 -in '$T/bob/cert.pem' -noout -serial)\" != '$old' && '$C' --check '$T/bob'"

# --- concurrency ----------------------------------------------------------------
before=$(count_certs)
check "16 concurrent clients x 2 enrollments all succeed" \
	to "$T/conc.out" "$C" 127.0.0.1 "$PORT" "$FP" erin pw-erin "$T/conc" 16 2
after=$(count_certs)
dups=$($P --json cert list | grep -o '"serial":"[0-9a-f]*"' | sort | uniq -d | wc -l)
check "32 new certificates, no duplicate serial" test "$((after - before))" = 32 -a "$dups" = 0

# --- bad input -------------------------------------------------------------------
# The first failures from this address, all for one user: the answers wait
# 0.4, 0.8, 1.6, 3.2 s (plus the hash, whose cost varies with the machine's
# load: hence the wide margin). Later failures here all wait the cap.
login_time() {
	{ /usr/bin/time -f %e curl -s -o /dev/null --cacert "$T/gw1/service-ca.crt" \
		-H 'Content-Type: application/json' -d "$(json_login carol "$1")" \
		"$(URL /v1/enroll/start)"; } 2>&1
}
t1=$(login_time bad1)
login_time bad2 >/dev/null
login_time bad3 >/dev/null
t4=$(login_time bad4)
check "repeated wrong passwords are answered ever more slowly ($t1 s, then $t4 s)" \
	awk -v a="$t1" -v b="$t4" 'BEGIN { exit !(b > a + 1.0) }'
before=$(count_certs)
s=$(api /v1/enroll/start -H 'Content-Type: application/json' -d "$(json_login alice wrong)")
cp "$T/body" "$T/wrong.body"
check "wrong password is 401" test "$s" = 401
s=$(api /v1/enroll/start -H 'Content-Type: application/json' -d "$(json_login nosuchuser x)")
check "unknown user gets the same 401 answer (no enumeration)" \
	bash -c "test $s = 401 && cmp -s '$T/body' '$T/wrong.body'"
s=$(api /v1/enroll/start -H 'Content-Type: application/json' -d "$(json_login dave pw-dave)")
$P user disable dave
s=$(api /v1/enroll/start -H 'Content-Type: application/json' -d "$(json_login dave pw-dave)")
check "disabled user is 401" test "$s" = 401
s=$(api /v1/enroll/start -H 'Content-Type: application/json' -d '{"user":"alice",')
check "malformed JSON is 400 with the reason" \
	bash -c "test $s = 400 && grep -q 'malformed JSON' '$T/body'"
s=$(api /v1/enroll/start -H 'Content-Type: application/json' -d '{"user":"alice","password":"x","admin":true}')
check "unexpected JSON member is 400 naming it" bash -c "test $s = 400 && grep -q admin '$T/body'"
s=$(api /v1/enroll/start -H 'Content-Type: text/plain' -d "$(json_login alice pw-alice)")
check "wrong content type is 415" test "$s" = 415
csr_req() { python3 -c 'import json,sys; print(json.dumps({"user":sys.argv[1],"password":sys.argv[2],"csr":open(sys.argv[3]).read()}))' "$@"; }
echo "-----BEGIN CERTIFICATE REQUEST-----
MIIBAAAA
-----END CERTIFICATE REQUEST-----" >"$T/bad.csr"
s=$(api /v1/enroll/csr -H 'Content-Type: application/json' -d "$(csr_req alice pw-alice "$T/bad.csr")")
check "malformed CSR is 400 with the reason" bash -c "test $s = 400 && grep -q 'PKCS#10' '$T/body'"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null \
	-subj /CN=mallory -out "$T/mallory.csr" 2>/dev/null
s=$(api /v1/enroll/csr -H 'Content-Type: application/json' -d "$(csr_req alice pw-alice "$T/mallory.csr")")
check "CSR whose subject is not the user is 400" bash -c "test $s = 400 && grep -q mallory '$T/body'"
openssl req -new -newkey rsa:2048 -nodes -keyout /dev/null -subj /CN=alice \
	-out "$T/rsa2048.csr" 2>/dev/null
s=$(api /v1/enroll/csr -H 'Content-Type: application/json' -d "$(csr_req alice pw-alice "$T/rsa2048.csr")")
check "CSR with a key type the policy forbids is 400" bash -c "test $s = 400 && grep -q rsa-2048 '$T/body'"
s=$("$RAW" "$PORT" "$T/gw1/service-ca.crt" -- 'b"HELLO\r\n\r\n"')
check "malformed HTTP request is 400" test "${s%% *}" = 400
s=$("$RAW" "$PORT" "$T/gw1/service-ca.crt" -- 'b"POST /v1/enroll/start HTTP/1.1\r\nContent-Length: 70000\r\n\r\n"')
check "body over the limit is 413" test "${s%% *}" = 413
s=$(api /v1/enroll/start -H 'Content-Type: application/json' --data-binary @<(head -c 65000 /dev/zero | tr '\0' ' '; json_login alice x))
check "body at the limit is read (and judged: 401 or 400, not 413)" bash -c "test $s != 413"
head -c 102400 /dev/zero >"$T/100k"
n413=0
for i in $(seq 100); do
	s=$(api /v1/enroll/start -H 'Content-Type: application/json' --data-binary @"$T/100k")
	[ "$s" = 413 ] && n413=$((n413 + 1))
done
check "100 uploads of 100 KB: every one gets its 413 (no reset, RFC 9112 9.6)" \
	test "$n413" = 100
s=$("$RAW" "$PORT" "$T/gw1/service-ca.crt" --stall 3 -- 'b"GET /v1/policy HTTP/1.1\r\n\r\n"')
check "a client silent for longer than the timeout is dropped" \
	bash -c "case '$s' in 408*|closed) true;; *) false;; esac"
s=$("$RAW" "$PORT" "$T/gw1/service-ca.crt" --drip 0.3 -- 'b"GET /v1/policy HTTP/1.1\r\nHost: x\r\n\r\n"')
check "a client dripping bytes is cut off at the deadline (408)" \
	bash -c "case '$s' in 408*|closed) true;; *) false;; esac"
check "unknown path is 404" test "$(api /v1/nothing)" = 404
check "wrong method is 405" test "$(api /v1/enroll/start)" = 405

# Certificates the service must refuse for the policy request.
python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"select ca_key from groups where name=?\", (sys.argv[2],)).fetchone()[0])" "$T/pki.db" ops >"$T/ops.key.enc"
python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"select ca_key from groups where name=?\", (sys.argv[2],)).fetchone()[0])" "$T/pki.db" eng >"$T/eng.key.enc"
check "CA keys are stored encrypted" grep -q 'BEGIN ENCRYPTED PRIVATE KEY' "$T/ops.key.enc"
openssl pkey -in "$T/ops.key.enc" -passin "file:$T/secret" -out "$T/ops.key" 2>/dev/null
openssl pkey -in "$T/eng.key.enc" -passin "file:$T/secret" -out "$T/eng.key" 2>/dev/null
$P group ca ops >"$T/ops.crt"
$P group ca eng >"$T/eng.crt"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/forged.key" \
	-subj /CN=alice -out "$T/forged.csr" 2>/dev/null
openssl x509 -req -in "$T/forged.csr" -CA "$T/ops.crt" -CAkey "$T/ops.key" -days 30 \
	-out "$T/other-group.crt" 2>/dev/null
s=$(api /v1/policy --cert "$T/other-group.crt" --key "$T/forged.key")
check "client certificate from another group's CA is 403" test "$s" = 403
openssl x509 -req -in "$T/forged.csr" -CA "$T/eng.crt" -CAkey "$T/eng.key" -days -1 \
	-out "$T/expired.crt" 2>/dev/null
s=$(api /v1/policy --cert "$T/expired.crt" --key "$T/forged.key")
check "expired client certificate is 403" bash -c "test $s = 403 && grep -q expired '$T/body'"
openssl x509 -req -in "$T/forged.csr" -CA "$T/eng.crt" -CAkey "$T/eng.key" -days 30 \
	-out "$T/unrecorded.crt" 2>/dev/null
s=$(api /v1/policy --cert "$T/unrecorded.crt" --key "$T/forged.key")
check "certificate the service never issued is 403" test "$s" = 403
s=$(api /v1/policy)
check "policy request without a client certificate is 401" test "$s" = 401
after=$(count_certs)
check "no bad request left a certificate record ($before before, $after after)" \
	test "$before" = "$after"

# --- policy signature: older servers and clients, renewal ----------------------
# served_cms FILE: the policy alice is served now, its CMS (DER) to FILE.
served_cms() {
	api /v1/policy --cert "$T/alice/cert.pem" --key "$T/alice/key.pem" >/dev/null &&
	python3 -c 'import base64,json,sys; sys.stdout.buffer.write(base64.b64decode(json.load(open(sys.argv[1]))["policy_cms"]))' \
		"$T/body" >"$1"
}
signer_serial() { openssl pkcs7 -inform DER -in "$1" -print_certs | openssl x509 -noout -serial; }
q() { sqlite3 "$T/pki.db" "$1"; }
# What an older server stored on its clients: the policy signed by the root.
cp -r "$T/alice" "$T/legacy"
openssl cms -sign -binary -nodetach -outform DER -signer "$T/eng.crt" -inkey "$T/eng.key" \
	-in "$T/alice/policy.json" -out "$T/legacy/policy.cms"
check "before: openssl cms -verify refuses a policy the group CA signed itself" bash -c "
	! openssl cms -verify -inform DER -in '$T/legacy/policy.cms' -CAfile '$T/eng.crt' \
		-out /dev/null 2>'$T/err' && grep -q 'unsuitable certificate purpose' '$T/err'"
check "our client refuses it too, telling the user to renew" bash -c "
	! '$C' --check '$T/legacy' 2>'$T/err' &&
	grep -q 'signed by the group CA directly' '$T/err' && grep -q 'vpnfoctl enroll renew' '$T/err'"
check "renew, though the certificate is not due, replaces it by a policy that verifies" bash -c "
	'$C' --renew-due '$T/legacy' 2>'$T/err' | grep -qx 'renew not due' && '$C' --check '$T/legacy' &&
	openssl cms -verify -inform DER -in '$T/legacy/policy.cms' -CAfile '$T/eng.crt' \
		-out /dev/null 2>/dev/null && cmp -s '$T/legacy/cert.pem' '$T/alice/cert.pem'"
# A group from an older version: no policy_signers table, schema version 1.
pkid_stop
q "DROP TABLE policy_signers; DELETE FROM schema_version WHERE version = 2;"
$P group list >/dev/null
check "an older database is migrated to schema 2, with no policy signer yet" bash -c "
	test \"\$(sqlite3 '$T/pki.db' 'SELECT MAX(version) FROM schema_version')\" = 2 &&
	test \"\$(sqlite3 '$T/pki.db' 'SELECT COUNT(*) FROM policy_signers')\" = 0"
pkid_start --timeout 2 || nok "pkid restart"
served_cms "$T/lazy.cms"
check "a group without a policy signer gets one on its next policy request" bash -c "
	test \"\$(sqlite3 '$T/pki.db' 'SELECT COUNT(*) FROM policy_signers')\" = 1 &&
	openssl cms -verify -inform DER -in '$T/lazy.cms' -CAfile '$T/eng.crt' -out /dev/null 2>/dev/null &&
	$P audit | grep -q 'for group eng issued (none yet: group created by an older version)'"
q "SELECT key_enc FROM policy_signers WHERE group_name = 'eng'" >"$T/signer.key.enc"
check "the policy signer's key is stored encrypted" \
	grep -q 'BEGIN ENCRYPTED PRIVATE KEY' "$T/signer.key.enc"
served_cms "$T/again.cms"
check "the next request reuses it" test "$(signer_serial "$T/lazy.cms")" = "$(signer_serial "$T/again.cms")"
# A signer with 30 days left (less than CA_POLICY_RENEW_DAYS): renewed on use.
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null \
	-subj '/CN=eng policy signing' -out "$T/short.csr" 2>/dev/null
openssl x509 -req -in "$T/short.csr" -CA "$T/eng.crt" -CAkey "$T/eng.key" -days 30 \
	-out "$T/short.crt" 2>/dev/null
q "UPDATE policy_signers SET cert = '$(cat "$T/short.crt")' WHERE group_name = 'eng'"
served_cms "$T/renewed.cms"
check "a policy signer near its expiry is renewed on the next policy request" bash -c "
	test '$(signer_serial "$T/renewed.cms")' != '$(openssl x509 -in "$T/short.crt" -noout -serial)' &&
	openssl cms -verify -inform DER -in '$T/renewed.cms' -CAfile '$T/eng.crt' -out /dev/null 2>/dev/null &&
	$P audit | grep -q 'for group eng issued (renewal)'"
# A forged policy signed by a certificate of the group without the EKU.
openssl cms -sign -binary -nodetach -outform DER -signer "$T/unrecorded.crt" \
	-inkey "$T/forged.key" -in "$T/alice/policy.json" -out "$T/tampered/policy.cms"
check "a policy signed by another certificate of the group CA is refused" bash -c "
	! '$C' --check '$T/tampered' 2>'$T/err' && grep -q 'not a policy-signing certificate' '$T/err'"

$P cert revoke "$SERIAL" --reason 1
s=$(api /v1/policy --cert "$T/alice/cert.pem" --key "$T/alice/key.pem")
check "revoked client certificate is 403" bash -c "test $s = 403 && grep -q revoked '$T/body'"
check "the group CRL lists the revoked serial" \
	bash -c "$P crl eng | openssl crl -noout -text | grep -qi 'Serial Number: $SERIAL'"
# --- numbers are parsed strictly ---------------------------------------------
check "gateway priority 'abc' is refused with the value quoted" bash -c \
	"! $P gateway set-priority gw1 abc 2>'$T/err' && grep -q \"invalid priority 'abc'\" '$T/err'"
check "gateway priority '20x' is refused (atoi read 20)" bash -c \
	"! $P gateway set-priority gw1 20x 2>/dev/null"
check "cert revoke --reason 99 is refused" bash -c \
	"! $P cert revoke 1 --reason 99 2>/dev/null"
check "vpnfo-pkid --port abc is refused with the value quoted" bash -c \
	"! '$PKI/vpnfo-pkid' --port abc 2>'$T/err'; grep -q \"invalid port 'abc'\" '$T/err'"
check "the service is still up after all of it" kill -0 "$PKID"
echo "1..$n"
exit $rc
