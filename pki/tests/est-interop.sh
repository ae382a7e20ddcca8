#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# EST (RFC 7030) interoperability: strongSwan's `pki --estca` and `pki --est`
# as real clients of the enrollment service, over TLS on loopback.
set -u
. "$(dirname "$0")/lib.sh"
trap cleanup EXIT
if ! command -v pki >/dev/null || [ ! -e /usr/lib/ipsec/plugins/libstrongswan-curl.so ]; then
	echo "not ok 1 - strongswan-pki with its curl plugin (libstrongswan-extra-plugins) is needed"
	exit 1
fi
pki_setup || { echo "not ok 1 - pki setup"; exit 1; }
# strongSwan's client puts no label in the path: the default group serves it.
pkid_start --timeout 5 --est-group eng || { echo "not ok 1 - pkid start"; exit 1; }
cd "$T" || exit 1
S() { timeout 60 pki "$@" 2>>"$T/pki.log"; }

check "pki --estca fetches the group's root CA" \
	S --estca --url "https://127.0.0.1:$PORT" --cacert gw1/service-ca.crt --caout ca.der --force
$P group ca eng | openssl x509 -outform der >eng.der
check "it is exactly the group CA in the store" cmp -s ca.der eng.der
check "pki --estca refuses a server its CA file does not vouch for" \
	bash -c "! timeout 60 pki --estca --url https://127.0.0.1:$PORT --cacert ca.der --caout x.der --force 2>/dev/null"

S --gen --type ecdsa --size 256 --outform pem >bob.key
S --req --in bob.key --type priv --dn "CN=bob" --outform der >bob.csr
check "pki --est simpleenroll (HTTP Basic) gets a certificate" \
	to bob.crt S --est --url "https://127.0.0.1:$PORT" --cacert gw1/service-ca.crt \
	--cacert ca.der --in bob.csr --userpass bob:pw-bob --outform pem
check "the certificate is CN=bob from the eng CA" bash -c \
	"openssl x509 -in bob.crt -noout -subject | grep -q 'CN = bob' && openssl verify -CAfile gw1/eng-ca.crt bob.crt >/dev/null"
check "pki --est with a wrong password fails" bash -c "! timeout 60 pki --est \
	--url https://127.0.0.1:$PORT --cacert gw1/service-ca.crt --cacert ca.der --in bob.csr \
	--userpass bob:wrong --outform pem >/dev/null 2>&1"

S --gen --type ecdsa --size 256 --outform pem >bob2.key
S --req --in bob2.key --type priv --dn "CN=bob" --outform der >bob2.csr
check "pki --est simplereenroll (old certificate and key) renews" \
	to bob2.crt S --est --url "https://127.0.0.1:$PORT" --cacert gw1/service-ca.crt \
	--cacert ca.der --in bob2.csr --cert bob.crt --key bob.key --outform pem
check "the renewed certificate is new and for the new key" bash -c \
	"test \"\$(openssl x509 -in bob.crt -noout -serial)\" != \"\$(openssl x509 -in bob2.crt -noout -serial)\" &&
	 test \"\$(openssl x509 -in bob2.crt -noout -pubkey)\" = \"\$(openssl pkey -in bob2.key -pubout)\""
$P cert revoke "$(openssl x509 -in bob2.crt -noout -serial | cut -d= -f2 | tr A-F a-f)"
check "simplereenroll with a revoked certificate fails" bash -c "! timeout 60 pki --est \
	--url https://127.0.0.1:$PORT --cacert gw1/service-ca.crt --cacert ca.der --in bob.csr \
	--cert bob2.crt --key bob2.key --outform pem >/dev/null 2>&1"
echo "1..$n"
exit $rc
