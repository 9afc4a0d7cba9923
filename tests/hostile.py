#!/usr/bin/env python3
# tests/hostile.py - hostile query names in raw DNS packets to Unbound; check the events.
# Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING.
#
# Usage: hostile.py send PORT TIMEOUT SENT-FILE
#            sends every name once (UDP, from 127.0.0.1), writes one line per name to SENT-FILE:
#            the wire name in hex, the rcode that came back (or "none");
#        hostile.py check SENT-FILE EVENT-FILE NAMES-FILE
#            checks that every event line is valid UTF-8, ASCII, one JSON object, and that the
#            dns.question.name of the events are exactly the names sent, byte for byte (a
#            multiset); writes the event names, one a line, to NAMES-FILE for the typoguard
#            tool to read back.
# The names are typos of the test policy's army.mil (action nxdomain) and contoso.com (action
# log): quotes, backslashes, control bytes, NUL, bytes >= 0x80, dots inside labels, the
# presentation format's specials, and names of the full 255 bytes.
import json
import random
import socket
import struct
import sys


def wire(labels):
    out = b""
    for lab in labels:
        assert 0 < len(lab) < 64
        out += bytes([len(lab)]) + lab
    out += b"\0"
    assert len(out) <= 255, len(out)
    return out


def full(prefix_bytes, suffix):
    """A name of exactly 255 wire bytes: labels of prefix_bytes in front of suffix."""
    tail = wire(suffix)
    room = 255 - len(tail)
    labels, i = [], 0
    while room > 0:
        n = min(63, room - 1)
        if n < 1:
            break
        lab = bytes(prefix_bytes[(i + k) % len(prefix_bytes)] for k in range(n))
        labels.append(lab)
        i += n
        room -= n + 1
    w = wire(labels + suffix)
    assert len(w) == 255, len(w)
    return w


ARMY_ML = [b"army", b"ml"]
CNOTOSO = [b"cnotoso", b"com"]
ODD = [b'a"b', b"a\\b", b"\\000", b"\x01\x1f\x7f", b"a\x00b", b"\x00", b"\x80\xff",
       b"\xc3\xa9t\xc3\xa9", b"\xe2\x80\xa8", b"\xed\xa0\x80", b"a.b", b".", b"..",
       b'","x":"', b"}{", b"a b", b";()@$", b"\t\n\r", b"\x1b[31m", b"%s%n", b"\xef\xbb\xbf"]


def names():
    """(wire name, qtype) pairs; each a typo of a protected name, so each is flagged."""
    out = []
    for lab in ODD:
        out.append((wire([lab] + ARMY_ML), 15))          # blocked: action nxdomain
        out.append((wire([lab] + CNOTOSO), 1))           # resolved: action log
        out.append((wire([b"x", lab, b"y"] + ARMY_ML), 28))
    # the hostile byte is the typo itself: army.mil with its dot a NUL or a '.' byte inside
    # one label, a quote or a high byte inserted
    for lab in [b"army\x00mil", b"army.mil", b"ARMY.MIL"]:
        out.append((wire([lab]), 15))
    for w in [[b'arm"y', b"mil"], [b"arm\\y", b"mil"], [b"arm\xffy", b"mil"],
              [b"army", b"m\x00il"], [b"ar\x00my", b"mil"], [b"army", b"mi\x80l"]]:
        out.append((wire(w), 1))
    rnd = random.Random(2026)
    everything = bytes(range(256))
    out.append((full(everything, ARMY_ML), 15))
    out.append((full(everything[::-1], CNOTOSO), 1))
    out.append((full(b'"\\.\x00', ARMY_ML), 15))
    for _ in range(20):
        out.append((full(bytes(rnd.randrange(256) for _ in range(300)), ARMY_ML), 1))
        labels = [bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 20)))
                  for _ in range(rnd.randrange(1, 4))]
        out.append((wire(labels + (ARMY_ML if rnd.random() < 0.5 else CNOTOSO)), 1))
    return out


def query(sock, qid, qname, qtype, timeout):
    packet = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + qname + struct.pack("!HH", qtype, 1)
    sock.settimeout(timeout)
    for attempt in range(3):
        sock.send(packet)
        try:
            while True:
                reply = sock.recv(65535)
                if len(reply) >= 12 and struct.unpack("!H", reply[:2])[0] == qid:
                    return reply[3] & 0x0f
        except socket.timeout:
            continue
    return None


def send(port, timeout, sent_file):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.connect(("127.0.0.1", port))
    missing = 0
    with open(sent_file, "w") as f:
        for i, (qname, qtype) in enumerate(names()):
            rcode = query(sock, (i * 7919 + 1) & 0xffff, qname, qtype, timeout)
            if rcode is None:
                missing += 1
            f.write("%s %s\n" % (qname.hex(), "none" if rcode is None else rcode))
    return 1 if missing else 0


def labels_of(s):
    """Presentation format to label byte strings: split at unescaped dots, \\X and \\DDD
    honoured; the root has none."""
    if s == ".":
        return []
    labels, cur, i = [], bytearray(), 0
    while i < len(s):
        c = s[i]
        if c == "\\":
            if s[i + 1:i + 4].isdigit() and len(s[i + 1:i + 4]) == 3:
                cur.append(int(s[i + 1:i + 4]))
                i += 4
            else:
                cur.append(ord(s[i + 1]))
                i += 2
        elif c == ".":
            labels.append(bytes(cur))
            cur = bytearray()
            i += 1
        else:
            cur.append(ord(c))
            i += 1
    if cur:
        labels.append(bytes(cur))
    return labels


def unescape(s):
    """Presentation format to wire."""
    return wire(labels_of(s))


def check(sent_file, event_file, names_file):
    bad = 0
    sent = sorted(bytes.fromhex(line.split()[0]) for line in open(sent_file))
    got = []
    with open(event_file, "rb") as f, open(names_file, "w") as out:
        for n, raw in enumerate(f, 1):
            try:
                text = raw.decode("utf-8", errors="strict")
                if not text.endswith("\n") or any(ord(c) > 0x7f for c in text):
                    raise ValueError("not one ASCII line")
                if any(ord(c) < 0x20 for c in text[:-1]):
                    raise ValueError("a control character")
                ev = json.loads(text)
                name = ev["dns"]["question"]["name"]
                got.append(unescape(name))
                out.write(name + "\n")
            except (ValueError, KeyError, TypeError, IndexError, AssertionError) as e:
                print("line %d: %s: %r" % (n, e, raw[:200]))
                bad += 1
    got.sort()
    if got != sent:
        missing = [w.hex() for w in sent if w not in got]
        extra = [w.hex() for w in got if w not in sent]
        print("names sent and names in the events differ: %d sent, %d events; "
              "not in the events: %s; not sent: %s" % (len(sent), len(got), missing[:5], extra[:5]))
        bad += 1
    print("%d events checked, %d names sent" % (len(got), len(sent)))
    return 1 if bad else 0


if __name__ == "__main__":
    if sys.argv[1] == "send":
        sys.exit(send(int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]))
    sys.exit(check(sys.argv[2], sys.argv[3], sys.argv[4]))
