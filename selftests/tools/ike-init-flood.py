#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Half-open IKE SAs for a responder: N IKE_SA_INIT requests (RFC 7296
1.2), each from a fresh initiator SPI, with a proposal vpnfod's defaults
accept (AES-GCM-16-128, PRF-HMAC-SHA2-256, Curve25519) and a random
Curve25519 public value. It never sends IKE_AUTH, so each one the
responder answers stays half-open there.

  ike-init-flood.py -d ADDR [-s SRC] [-p PORT] [-n COUNT] [-i MS] [-w SECS]

Prints one line: "sent N answered A cookies C" (C: responses that carry
a COOKIE notify instead of an SA). Exits 1 when nothing was answered.
"""

import argparse
import os
import select
import socket
import struct
import sys
import time

IKE_SA_INIT = 34
PL_SA, PL_KE, PL_NONCE, PL_NOTIFY = 33, 34, 40, 41
N_COOKIE = 16390
ENCR, PRF, DH = 1, 2, 4
AES_GCM_16, PRF_HMAC_SHA2_256, CURVE25519 = 20, 5, 31


def payload(nxt, body):
    return struct.pack("!BBH", nxt, 0, 4 + len(body)) + body


def transform(last, ttype, tid, attrs=b""):
    return struct.pack("!BBHBBH", 0 if last else 3, 0, 8 + len(attrs),
                       ttype, 0, tid) + attrs


def sa_init(spi_i):
    keylen = struct.pack("!HH", 0x800E, 128)    # TV key length attribute
    xforms = (transform(False, ENCR, AES_GCM_16, keylen) +
              transform(False, PRF, PRF_HMAC_SHA2_256) +
              transform(True, DH, CURVE25519))
    prop = struct.pack("!BBHBBBB", 0, 0, 8 + len(xforms), 1, 1, 0, 3) + xforms
    body = (payload(PL_KE, prop) +
            payload(PL_NONCE, struct.pack("!HH", CURVE25519, 0) +
                    os.urandom(32)) +
            payload(0, os.urandom(32)))
    hdr = struct.pack("!8s8sBBBBII", spi_i, bytes(8), PL_SA, 0x20,
                      IKE_SA_INIT, 0x08, 0, 28 + len(body))
    return hdr + body


def is_cookie(msg):
    """A response whose first payload is a COOKIE notify (RFC 7296 2.6)."""
    if len(msg) < 36 or msg[16] != PL_NOTIFY:
        return False
    return struct.unpack("!H", msg[34:36])[0] == N_COOKIE


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-d", required=True, help="responder address")
    ap.add_argument("-s", help="source address")
    ap.add_argument("-p", type=int, default=500)
    ap.add_argument("-n", type=int, default=80)
    ap.add_argument("-i", type=float, default=5, help="ms between sends")
    ap.add_argument("-w", type=float, default=10, help="answer wait, s")
    a = ap.parse_args()

    fam = socket.AF_INET6 if ":" in a.d else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    if a.s:
        s.bind((a.s, 0))
    sent, spis = 0, set()
    for _ in range(a.n):
        spi = os.urandom(8)
        spis.add(spi)
        s.sendto(sa_init(spi), (a.d, a.p))
        sent += 1
        time.sleep(a.i / 1000)
    answered, cookies = set(), 0
    end = time.monotonic() + a.w
    while len(answered) < sent and time.monotonic() < end:
        r, _, _ = select.select([s], [], [], max(0, end - time.monotonic()))
        if not r:
            break
        msg = s.recv(4096)
        if len(msg) < 28 or msg[:8] not in spis or msg[:8] in answered:
            continue
        answered.add(msg[:8])
        cookies += is_cookie(msg)
    print("sent %d answered %d cookies %d" % (sent, len(answered), cookies))
    return 0 if answered else 1


if __name__ == "__main__":
    sys.exit(main())
