# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The IKE labs' test PKI: a CA and the certificates it issues, made with
# openssl into $LAB_TMP (NAME.pem, NAME.key), valid for two days. Sourced by
# selftests/lib.sh.

# ike_pki_ca NAME: a self-signed P-256 CA, $LAB_TMP/NAME.pem and .key.
ike_pki_ca() {
	openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		-nodes -keyout "$LAB_TMP/$1.key" -out "$LAB_TMP/$1.pem" -days 2 \
		-subj "/O=vpnfo test/CN=$1" \
		-addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
}

# ike_pki_leaf NAME CN CA SERIAL [rsa]: a key and a certificate issued by
# CA, subject "O=vpnfo test, CN=CN" and DNS:CN as subjectAltName.
ike_pki_leaf() {
	local d=$LAB_TMP kopt=(-newkey ec -pkeyopt ec_paramgen_curve:P-256)

	[ "${5:-}" = rsa ] && kopt=(-newkey rsa:2048)
	openssl req -new "${kopt[@]}" -nodes -keyout "$d/$1.key" \
		-subj "/O=vpnfo test/CN=$2" -out "$d/$1.csr" 2>/dev/null &&
	printf 'subjectAltName=DNS:%s\n' "$2" >"$d/$1.ext" &&
	openssl x509 -req -in "$d/$1.csr" -CA "$d/$3.pem" -CAkey "$d/$3.key" \
		-set_serial "$4" -days 2 -extfile "$d/$1.ext" \
		-out "$d/$1.pem" 2>/dev/null
}
