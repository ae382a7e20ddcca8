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
# The same flow for a user whose stored hash has minimal Argon2id cost
# (t=1, m=8 KiB): what an enrollment costs without the password hashing.
cheap=$("$PKI/tests/bench_hash" --cheap pw-bob)
python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("UPDATE users SET pwhash = ? WHERE name = ?", (sys.argv[2], "bob")); c.commit()' "$T/pki.db" "$cheap"
"$C" 127.0.0.1 "$PORT" "$FP" bob pw-bob "$T/warm2" >/dev/null
# CPU time (user + system) of the service, from /proc: a figure that the
# other load on the machine does not inflate the way it does wall time.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$PKID/stat"; }
c0=$(cpu_ticks)
out=$( { /usr/bin/time -f "client_cpu_s %U %S" "$C" 127.0.0.1 "$PORT" "$FP" bob pw-bob "$T/cheap" 1 20; } 2>&1)
c1=$(cpu_ticks)
echo "sequential, 20 enrollments, hashing removed: $out" | tr '\n' ' '
echo
echo "$out" | awk -v srv=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" '/client_cpu_s/ { cl = $2 + $3 }
	END { printf "CPU per enrollment without hashing: service %.1f ms, client %.1f ms\n", srv / hz / 20 * 1000, cl / 20 * 1000 }'
echo "$out" | grep -v client_cpu | awk '{ for (i = 1; i < NF; i++) v[$i] = $(i + 1) }
	END { printf "steps 100-105 without password hashing: %.1f ms (100/101 %.1f, 102/103 %.1f, 104/105 %.1f); storing the client state %.1f ms\n",
		v["start_ms"] + v["csr_ms"] + v["policy_ms"], v["start_ms"], v["csr_ms"], v["policy_ms"], v["store_ms"] }'
for c in 1 8 64; do
	r=$((64 / c))
	[ "$r" -gt 8 ] && r=8
	out=$("$C" 127.0.0.1 "$PORT" "$FP" erin pw-erin "$T/c$c" "$c" "$r")
	echo "$c concurrent clients x $r: $out"
done
