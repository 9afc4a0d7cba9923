#!/usr/bin/env python3
# bench/effect.py - time from an action (a rename, a signal) to the first DNS answer that shows it.
# Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING.
#
# Usage: effect.py PORT NAME TYPE RCODE ACTION... [--seen FILE TEXT]
#   ACTION: "rename SRC DST" or "hup PID".
# Asks 127.0.0.1@PORT for NAME TYPE every millisecond from the action on, in this process (no
# process started per query, which on a busy machine costs more than what is measured), and
# prints the milliseconds until the answer's rcode is RCODE (NOERROR, NXDOMAIN). With --seen,
# also the milliseconds until FILE contains TEXT ("-" if never), e.g. Unbound's zonefile: copy
# with a new serial: the moment Unbound has applied a transfer.
import os
import random
import signal
import socket
import struct
import sys
import time

RCODES = {"NOERROR": 0, "SERVFAIL": 2, "NXDOMAIN": 3, "REFUSED": 5}
TYPES = {"A": 1, "MX": 15, "AAAA": 28, "TXT": 16}


def query(name, qtype):
    qid = random.randrange(65536)
    wire = b"".join(bytes([len(l)]) + l.encode() for l in name.strip(".").split(".")) + b"\0"
    return qid, struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0) + wire + \
        struct.pack(">HH", TYPES[qtype], 1)


def main():
    args = sys.argv[1:]
    seen = None
    if "--seen" in args:
        i = args.index("--seen")
        seen = (args[i + 1], args[i + 2])
        del args[i:i + 3]
    port, name, qtype, want = int(args[0]), args[1], args[2], RCODES[args[3]]
    action = args[4:]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.5)
    t0 = time.monotonic()
    if action[0] == "rename":
        os.rename(action[1], action[2])
    elif action[0] == "hup":
        os.kill(int(action[1]), signal.SIGHUP)
    effect = seen_ms = None
    while time.monotonic() - t0 < 60:
        now = (time.monotonic() - t0) * 1000
        if seen and seen_ms is None:
            try:
                with open(seen[0]) as f:
                    if seen[1] in f.read():
                        seen_ms = now
            except OSError:
                pass
        if effect is None:
            qid, q = query(name, qtype)
            s.sendto(q, ("127.0.0.1", port))
            try:
                while True:
                    r = s.recv(4096)
                    if len(r) >= 4 and struct.unpack(">H", r[:2])[0] == qid:
                        break
                if r[3] & 0x0F == want:
                    effect = (time.monotonic() - t0) * 1000
            except socket.timeout:
                pass
        if effect is not None and (not seen or seen_ms is not None):
            break
        time.sleep(0.001)
    print("%s %s" % ("%.0f" % effect if effect is not None else "-",
                     "%.0f" % seen_ms if seen_ms is not None else "-"))


if __name__ == "__main__":
    main()
