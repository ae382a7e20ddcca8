#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make -C pki bench: the latency of one full enrollment (steps 100-105) on
# loopback, with and without the password hashing, and the throughput with
# 1, 8 and 64 concurrent clients. Prints numbers; asserts nothing.
set -u
. "$(dirname "$0")/lib.sh"
trap cleanup EXIT
C="$PKI/tests/enroll_client"
echo "# machine: $(nproc) cores, $(uname -r), $(date -u +%FT%TZ)"
echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$PKI/tests/bench_hash" | tee /tmp/vpnfo-bench-hash.$$ | grep -v '^verify_ms'
verify_ms=$(sed -n 's/^verify_ms //p' /tmp/vpnfo-bench-hash.$$)
rm -f /tmp/vpnfo-bench-hash.$$
pki_setup >/dev/null || exit 1
pkid_start --threads 64 --hash-slots "$(nproc)" || exit 1
"$C" 127.0.0.1 "$PORT" "$FP" alice pw-alice "$T/warm" >/dev/null
out=$("$C" 127.0.0.1 "$PORT" "$FP" alice pw-alice "$T/seq" 1 20)
echo "sequential, 20 enrollments: $out"
mean=$(echo "$out" | sed 's/.*mean_ms \([0-9.]*\).*/\1/')
# Steps 100 and 102 each verify the password once.
awk -v m="$mean" -v v="$verify_ms" 'BEGIN {
	printf "one enrollment (steps 100-105): %.1f ms; password hashing 2 x %.1f ms; without it %.1f ms\n", m, v, m - 2 * v }'
for c in 1 8 64; do
	r=$((64 / c))
	[ "$r" -gt 8 ] && r=8
	out=$("$C" 127.0.0.1 "$PORT" "$FP" erin pw-erin "$T/c$c" "$c" "$r")
	echo "$c concurrent clients x $r: $out"
done
