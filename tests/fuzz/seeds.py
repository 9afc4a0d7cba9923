#!/usr/bin/env python3
# tests/fuzz/seeds.py - write the binary seeds of the matcher and event fuzzers.
# Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING.
#
# Usage: python3 tests/fuzz/seeds.py   (from the top of the source tree)
# The policy and settings seeds are plain text files, written by hand.
import hashlib, os, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from hostile import labels_of as labels, unescape as wire  # noqa: E402

ALPHA = b"abcdaAb-"   # the letters match_fuzz.c maps its other bytes to


def match_name(kind, name):
    """One record of match_fuzz's input: kind, bytes (0xfe between labels, 0xfd X raw), 0xff."""
    rec = bytearray([kind])
    for n, lab in enumerate(labels(name)):
        if n:
            rec.append(0xfe)
        for b in lab:
            if b in ALPHA:
                rec.append(ALPHA.index(b))
            else:
                rec += bytes([0xfd, b])
    rec.append(0xff)
    return bytes(rec)


def write(d, data):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)


MATCH = [
    (0, ["army.mil", "contoso.com", "google.mil", "+google.ml"],
     ["army.ml", "arny.mil", "armymil", "ar.my.mil", "contso.com", "cnotoso.com",
      "mail.cnotoso.com", "www.army.ml", "www.army.mil", "ARNY.Mil", "army\\.mil",
      "army\\000mil", "arm.ml", "gogle.mil", "google.ml"]),
    (4, ["mil", "army.mil", "qab.cd", "ab.cdx", "abd.com", "abb.com", "army.mil",
         "+x.army.mil", "+abd.com", "+q.abe.com", "abe.com"],
     ["army.ml", "arny.mil", "q.ab.cd", "abc.com", "a.x.army.mil", "z.q.abe.com"]),
    (1, ["ab.cd", "abc", "+ab.c", "a-b.ab"],
     ["abc.d", "ab.c", "a.bcd", "aab.cd", "b.cd", "ab", "abcd", "a-b.a", "ba.cd"]),
    # a small size hint and a long name: the arena must grow by more than twice at once
    (1, ["a" * 60 + ".mil"], ["a" * 60 + ".ml"]),
    (200, ["a" * 63 + "." + "b" * 63 + "." + "c" * 63 + "." + "d" * 61],
     ["a" * 63 + "." + "b" * 63 + "." + "c" * 63 + "." + "d" * 60,
      "x." + "a" * 62 + "." + "b" * 63 + "." + "c" * 63 + "." + "d" * 61]),
]

for hint, policy, queries in MATCH:
    data = bytearray([hint])
    for p in policy:
        data += match_name(1 if p.startswith("+") else 0, p.lstrip("+"))
    for q in queries:
        data += match_name(2, q)
    write("tests/fuzz/match", bytes(data))

EVENT = ["army.ml", "www.army.ml", "cnotoso.com", "ArMy.Ml", "a\"b.army.ml", "a\\\\b.army.ml",
         "a\\000b.army.ml", "\\001\\031\\127.army.ml", "\\200\\255\\192\\128.army.ml",
         "a\\.b.army.ml", "army\\000mil", "army\\.mil", "x y.army.ml", "navy.ml", ".",
         ".".join(["\\255" * 63] * 3 + ["\\034" * 61])]
for i, name in enumerate(EVENT):
    w = wire(name) if name != "." else b"\0"
    # flags, name, reason, file, answer data, client address
    write("tests/fuzz/event", bytes([i * 37 % 256]) + w + b"a \"reason\"\0zones/mil.zone\0"
          b"10 mx.army.ml.\0" + b"127.0.0.1")
    write("tests/fuzz/event", bytes([0xff]) + w + bytes([0, 1, 0xc6, 4, ord("i"), 0, 0, 0]) +
          b"\xff\xfe\x7f\x01\0\xc3\xa9\0\xe2\x82\0::1")
