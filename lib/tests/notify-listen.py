#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""systemd's end of sd_notify(3) for the daemons' tests: binds the unix
datagram socket PATH (what NOTIFY_SOCKET names), writes each message it
receives to OUT as one line, its assignments joined by '|', until killed.
"""
import socket
import sys

path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
with open(out, "a", buffering=1) as f:
    while True:
        msg = s.recv(4096).decode(errors="replace")
        f.write("|".join(l for l in msg.split("\n") if l) + "\n")
