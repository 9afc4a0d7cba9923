#!/usr/bin/env python3
# tests/report/gen-events.py - event lines shaped exactly as the module writes them, in bulk, for typoguard report's scale tests and benchmark.
# Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING.
#
# Usage: gen-events.py EVENTS TYPOS [CLIENTS] [SEED] > events.json
# Writes EVENTS lines for TYPOS distinct typo names (spread over 50 protected names), asked by
# CLIENTS distinct client addresses (default 5000), over 14 days from 2026-11-01. The fields and
# their order are those of module/event.c with the GeoIP, ASN and site databases in use: half
# the lookups are MX (with an answer and two resolved addresses), the rest A; three in four
# are logged (NOERROR), one in four blocked (NXDOMAIN). The last line is a summary on stderr:
# what was written, so that a test can compare the report's counts with it.
import json
import random
import sys

def main():
    events = int(sys.argv[1])
    ntypos = int(sys.argv[2])
    nclients = int(sys.argv[3]) if len(sys.argv) > 3 else 5000
    rnd = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    words = ["army", "navy", "usmc", "contoso", "fabrikam", "northwind", "adatum", "tailspin",
             "litware", "proseware", "woodgrove", "wingtip", "fourth", "alpine", "margie",
             "lucerne", "treyresearch", "humongous", "coho", "blueyonder", "relecloud", "bellows",
             "cpandl", "wideworld", "graphicdesign"]
    tlds = ["mil", "com"]
    prots = ["%s.%s" % (w, t) for t in tlds for w in words]
    typos = []
    letters = "abcdefghijklmnopqrstuvwxyz"
    seen = set()
    while len(typos) < ntypos:
        p = rnd.choice(prots)
        i = rnd.randrange(len(p))
        c = rnd.choice(letters)
        op = rnd.randrange(3)
        if op == 0:
            t, e = p[:i] + p[i + 1:], ("deletion", i, p[i], "")
        elif op == 1:
            t, e = p[:i] + c + p[i:], ("insertion", i, "", c)
        else:
            t, e = p[:i] + c + p[i + 1:], ("substitution", i, p[i], c)
        if t == p or t in seen or t.startswith(".") or ".." in t or t.endswith("."):
            continue
        seen.add(t)
        typos.append((p, t, e))
    clients = ["10.%d.%d.%d" % (i // 65536 % 256, i // 256 % 256, i % 256 + 1 if i % 256 < 255 else 7)
               for i in range(nclients)]
    sites = ["Building %d, Fort X" % i for i in range(1, 9)]
    start = 1793491200  # 2026-11-01T00:00:00Z
    span = 14 * 86400
    out = sys.stdout
    dumps = json.dumps
    # the names are drawn by Zipf's law, as lookups of real typos are
    weights = [1.0 / (k + 1) for k in range(ntypos)]
    picks = rnd.choices(range(ntypos), weights=weights, k=events)
    # every name at least once, so that there are exactly TYPOS of them
    picks[:ntypos] = range(min(ntypos, events))
    counts = {}
    for n in range(events):
        p, t, e = typos[picks[n]]
        ts = start + n * span // events
        usec = rnd.randrange(1000000)
        cl = clients[rnd.randrange(nclients)]
        mx = rnd.random() < 0.5
        logged = rnd.random() < 0.75
        qtype = "MX" if mx else "A"
        ev = {"@timestamp": "%sT%02d:%02d:%02d.%06dZ" % (day(ts), ts // 3600 % 24, ts // 60 % 60,
                                                      ts % 60, usec),
              "event": {"kind": "alert", "category": ["network", "intrusion_detection"],
                        "type": ["info" if logged else "denied"],
                        "action": "log" if logged else "nxdomain",
                        "module": "typoguard", "dataset": "typoguard.events"},
              "client": {"ip": cl, "port": 1024 + rnd.randrange(60000),
                         "geo": {"country_iso_code": "US", "country_name": "United States",
                                 "name": sites[hash(cl) % len(sites)]},
                         "as": {"number": 64496, "organization": {"name": "Example Enterprise Network"}}},
              "network": {"transport": "udp", "protocol": "dns"},
              "dns": {"question": {"name": t, "type": qtype, "class": "IN",
                                   "registered_domain": t, "top_level_domain": t.split(".")[-1]},
                      "response_code": "NOERROR" if logged else "NXDOMAIN"}}
        if logged:
            if mx:
                ev["dns"]["answers"] = [{"name": t, "type": "MX", "class": "IN", "ttl": 3600,
                                         "data": "10 mx.%s." % t}]
                ips = ["192.0.2.25", "2001:db8::25"]
            else:
                ev["dns"]["answers"] = [{"name": t, "type": "A", "class": "IN", "ttl": 3600,
                                         "data": "192.0.2.10"}]
                ips = ["192.0.2.10"]
            ev["dns"]["resolved_ip"] = ips
        ev["typoguard"] = {"protected": p, "typo": t,
                           "edit": {"op": e[0], "position": e[1], "expected": e[2], "found": e[3]},
                           "rule": {"file": "/etc/typoguard/policy.zone", "line": 7 + prots.index(p)}}
        if logged:
            ev["typoguard"]["resolved"] = [
                {"ip": ip, "geo": {"country_iso_code": "NL", "country_name": "Netherlands",
                                   "city_name": "Amsterdam",
                                   "location": {"lat": 52.3824, "lon": 4.8995}},
                 "as": {"number": 64500, "organization": {"name": "Example Typo Registry B.V."}}}
                for ip in ips]
            ev["destination"] = dict(ev["typoguard"]["resolved"][0])
        out.write(dumps(ev, separators=(",", ":")))
        out.write("\n")
        counts[t] = counts.get(t, 0) + 1
    sys.stderr.write("events %d typos %d\n" % (events, len(counts)))

_days = {}
def day(ts):
    d = ts // 86400
    if d not in _days:
        import time
        _days[d] = time.strftime("%Y-%m-%d", time.gmtime(d * 86400))
    return _days[d]

main()
