#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Sends raw bytes over TLS to the enrollment service and prints the answer's
status code and TLS version (or "closed"/"timeout"): for the bad-input tests, where
curl would refuse to send what we need.

rawtls.py PORT CAFILE [--cert C --key K] [--tls 1.2|1.3] [--stall S] [--drip S] -- DATA
DATA is a Python bytes literal body, e.g. 'b"GET / HTTP/1.1\\r\\n\\r\\n"'.
"""
import ast
import socket
import ssl
import sys
import time


def main():
    args = sys.argv[1:]
    port, cafile = int(args[0]), args[1]
    opts = {}
    i = 2
    while args[i] != "--":
        opts[args[i]] = args[i + 1]
        i += 2
    data = ast.literal_eval(args[i + 1]) if len(args) > i + 1 else b""
    ctx = ssl.create_default_context(cafile=cafile)
    ctx.check_hostname = False
    if "--tls" in opts:
        v = ssl.TLSVersion.TLSv1_2 if opts["--tls"] == "1.2" else ssl.TLSVersion.TLSv1_3
        ctx.minimum_version = ctx.maximum_version = v
    if "--cert" in opts:
        ctx.load_cert_chain(opts["--cert"], opts["--key"])
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    tls = ctx.wrap_socket(sock)
    if "--stall" in opts:
        time.sleep(float(opts["--stall"]))
    try:
        if "--drip" in opts:
            for b in data:
                tls.sendall(bytes([b]))
                time.sleep(float(opts["--drip"]))
        else:
            tls.sendall(data)
        buf = b""
        while True:
            chunk = tls.recv(65536)
            if not chunk:
                break
            buf += chunk
    except (ssl.SSLError, ConnectionError, BrokenPipeError):
        buf = b"" if "buf" not in locals() else buf
    except socket.timeout:
        print("timeout")
        return
    if not buf:
        print("closed")
        return
    head = buf.partition(b"\r\n\r\n")[0]
    print(head.split(b" ")[1].decode(), tls.version())


main()
