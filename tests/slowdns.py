#!/usr/bin/env python3
# tests/slowdns.py - an authoritative server that answers every query after a delay, so that
# identical lookups from several clients are in flight in Unbound together.
# Usage: slowdns.py PORT DELAY-SECONDS ADDRESS QUERY-LOG
# Each query received is logged as a line to QUERY-LOG: the time it came, in seconds.
import socket, struct, sys, threading, time

port, delay, address, querylog = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3], sys.argv[4]
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(("127.0.0.1", port))

def answer(query, peer):
    time.sleep(delay)
    qid, flags = struct.unpack("!HH", query[:4])
    end = 12
    while query[end] != 0:
        end += query[end] + 1
    question = query[12:end + 5]
    qtype = struct.unpack("!H", query[end + 1:end + 3])[0]
    # QR, AA, RD copied, NOERROR
    header = struct.pack("!HHHHHH", qid, 0x8400 | (flags & 0x0100), 1, 1 if qtype == 1 else 0, 0, 0)
    rr = b""
    if qtype == 1:
        rr = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + socket.inet_aton(address)
    sock.sendto(header + question + rr, peer)

while True:
    data, peer = sock.recvfrom(4096)
    if len(data) > 12:
        with open(querylog, "a") as f:
            f.write("%.6f\n" % time.time())
        threading.Thread(target=answer, args=(data, peer), daemon=True).start()
